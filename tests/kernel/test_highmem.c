/*
 * tests/kernel/test_highmem.c - the HighMem zone on real memory: pages
 * with no permanent mapping, reached through kmap_local_page's fixmap
 * slots (arch/x86/port.c).
 *
 * A HighMem zone exists when the guest has more than 896 MiB, or with
 * highmem=SIZE on a smaller one (tests/qemu/test_ktest_sizes.py boots
 * both); otherwise every test here is a TAP skip ("# SKIP no highmem").
 *
 * Where a mapping points is read from the page tables themselves, so a
 * kmap that maps the wrong frame cannot pass by reading back its own
 * write.
 */
#include "arch/x86/arch.h"
#include "arch/x86/boot_defs.h"
#include "arch/x86/traps.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "tests/kernel/mm_helpers.h"

#define NO_MAPPING	(~(phys_addr_t)0)
#define BUDDYINFO_MAX	1024

static char before[BUDDYINFO_MAX], after[BUDDYINFO_MAX];

static bool have_highmem(void)
{
	return totalhigh_pages() > 0;
}

/* The physical address va translates to now, by walking the page tables
 * (4 MiB PSE pages for the direct map, a page table for the kmap window). */
static phys_addr_t walk_page_tables(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	const uint32_t *pgdir = __va(read_cr3() & ~(uint32_t)(PAGE_SIZE - 1));
	uint32_t pde = pgdir[a >> PGDIR_SHIFT];

	if (!(pde & PDE_PRESENT))
		return NO_MAPPING;
	if (pde & PDE_LARGE)
		return (phys_addr_t)(pde & ~(uint32_t)(PGDIR_SIZE - 1)) |
		       (a & (PGDIR_SIZE - 1));

	const uint32_t *pt = __va(pde & ~(uint32_t)(PAGE_SIZE - 1));
	uint32_t pte = pt[(a >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)];

	if (!(pte & PTE_PRESENT))
		return NO_MAPPING;
	return (phys_addr_t)(pte & ~(uint32_t)(PAGE_SIZE - 1)) | (a & (PAGE_SIZE - 1));
}

/* A kmap address: page aligned, above the 896 MiB direct map. */
static bool in_kmap_window(const void *va)
{
	uintptr_t a = (uintptr_t)va;

	return a >= PAGE_OFFSET + LOWMEM_SIZE && IS_ALIGNED(a, PAGE_SIZE) &&
	       !virt_addr_valid(va);
}

static void fill_words(uint32_t *w, uint32_t seed)
{
	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = seed ^ (uint32_t)(i * 0x9e3779b1u);
}

static bool has_words(const uint32_t *w, uint32_t seed)
{
	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != (seed ^ (uint32_t)(i * 0x9e3779b1u)))
			return false;
	return true;
}

KTEST(highmem, highuser_pages_come_from_highmem)
{
	const char *why;

	if (!have_highmem())
		KT_SKIP("no highmem");
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		struct page *page = alloc_pages(GFP_HIGHUSER, order);
		phys_addr_t size = (phys_addr_t)PAGE_SIZE << order;

		if (!KT_EXPECT(page != NULL))
			continue;
		phys_addr_t pa = page_to_phys(page);

		KT_EXPECT(PageHighMem(page));
		KT_EXPECT_EQ(page_zonenum(page), ZONE_HIGHMEM);
		KT_EXPECT(page_to_pfn(page) >= max_low_pfn);
		KT_EXPECT(page_address(page) == NULL);
		KT_EXPECT_EQ(pa & (size - 1), 0);
		if (!block_is_free_ram(pa, size, &why)) {
			kprintf("    # order %u block at %#llx: %s\n", order,
				(unsigned long long)pa, why);
			KT_EXPECT(false);
		}
		block_write_tag(page, order, 0xfeed0000u + order);
		KT_EXPECT(block_has_tag(page, order, 0xfeed0000u + order));
		__free_pages(page, order);
	}

	/* Without __GFP_HIGHMEM nothing comes from HighMem. */
	struct page *low = alloc_page(GFP_KERNEL);
	unsigned long addr = __get_free_page(GFP_HIGHUSER);	/* lowmem only */

	KT_EXPECT(low && !PageHighMem(low) && page_address(low) != NULL);
	KT_EXPECT(addr && virt_addr_valid((void *)addr));
	if (low)
		__free_page(low);
	free_page(addr);
	KT_EXPECT_EQ(mm_check(), 0);
}

static volatile uint32_t *stale_mapping;

static void touch_stale_mapping(void)
{
	(void)*stale_mapping;
}

KTEST(highmem, kmap_maps_the_page_in_the_fixmap_window)
{
	if (!have_highmem())
		KT_SKIP("no highmem");

	struct page *page = alloc_page(GFP_HIGHUSER);

	KT_ASSERT(page != NULL && PageHighMem(page));

	phys_addr_t pa = page_to_phys(page);
	uint32_t *va = kmap_local_page(page);

	KT_ASSERT(va != NULL);
	KT_EXPECT(in_kmap_window(va));
	KT_EXPECT_EQ(walk_page_tables(va), pa);
	fill_words(va, 0x600dcafe);
	KT_EXPECT(has_words(va, 0x600dcafe));
	/* highmem= makes HighMem of RAM the boot map still covers: read the
	 * write back through that alias, a second opinion on the frame. */
	if (pa < LOWMEM_SIZE)
		KT_EXPECT(has_words(__va(pa), 0x600dcafe));
	kunmap_local(va);

	/* Unmapped means unmapped: the slot faults now. */
	unsigned int vector = 0;
	uint32_t cr2 = 0;

	KT_EXPECT_EQ(walk_page_tables(va), NO_MAPPING);
	stale_mapping = va;
	KT_EXPECT(ktest_faults(touch_stale_mapping, &vector, &cr2));
	KT_EXPECT_EQ(vector, VEC_PAGE_FAULT);
	KT_EXPECT_EQ(cr2, (uintptr_t)va);

	/* Mapped again (maybe elsewhere), the page still holds the data. */
	uint32_t *again = kmap_local_page(page);

	KT_ASSERT(again != NULL);
	KT_EXPECT_EQ(walk_page_tables(again), pa);
	KT_EXPECT(has_words(again, 0x600dcafe));
	kunmap_local(again);
	__free_page(page);
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * Every slot at once: MM_PORT_KMAP_SLOTS nested mappings of different
 * pages, each at its own address and frame, none aliasing another; one
 * more is refused (NULL) while a lowmem page still "maps" (it needs no
 * slot); released in reverse order, each page keeps its own data.
 */
KTEST(highmem, kmap_nests_lifo_up_to_every_slot)
{
	struct page *pages[MM_PORT_KMAP_SLOTS + 1];
	uint32_t *maps[MM_PORT_KMAP_SLOTS];
	unsigned int n;

	if (!have_highmem())
		KT_SKIP("no highmem");
	for (n = 0; n <= MM_PORT_KMAP_SLOTS; n++) {
		pages[n] = alloc_page(GFP_HIGHUSER);
		if (!pages[n] || !PageHighMem(pages[n]))
			break;
	}
	if (!KT_EXPECT_EQ(n, MM_PORT_KMAP_SLOTS + 1)) {
		for (unsigned int i = 0; i < n; i++)
			__free_page(pages[i]);
		return;
	}

	for (unsigned int i = 0; i < MM_PORT_KMAP_SLOTS; i++) {
		maps[i] = kmap_local_page(pages[i]);
		if (!KT_EXPECT(maps[i] != NULL)) {
			while (i-- > 0)
				kunmap_local(maps[i]);
			goto out;
		}
		KT_EXPECT(in_kmap_window(maps[i]));
		KT_EXPECT_EQ(walk_page_tables(maps[i]), page_to_phys(pages[i]));
		for (unsigned int j = 0; j < i; j++)
			KT_EXPECT(maps[j] != maps[i]);
		fill_words(maps[i], 0x5107u + i);
	}
	for (unsigned int i = 0; i < MM_PORT_KMAP_SLOTS; i++)
		KT_EXPECT(has_words(maps[i], 0x5107u + i));

	void *extra = kmap_local_page(pages[MM_PORT_KMAP_SLOTS]);

	KT_EXPECT(extra == NULL);
	if (extra)
		kunmap_local(extra);

	struct page *low = alloc_page(GFP_KERNEL);

	if (KT_EXPECT(low != NULL)) {
		void *lva = kmap_local_page(low);

		KT_EXPECT(lva == page_address(low));
		kunmap_local(lva);
		__free_page(low);
	}

	for (unsigned int i = MM_PORT_KMAP_SLOTS; i-- > 0;)
		kunmap_local(maps[i]);

	/* All slots free again: each page, alone, still has its own data. */
	for (unsigned int i = 0; i < MM_PORT_KMAP_SLOTS; i++) {
		uint32_t *va = kmap_local_page(pages[i]);

		KT_EXPECT(va != NULL && has_words(va, 0x5107u + i));
		if (va)
			kunmap_local(va);
	}
out:
	for (unsigned int i = 0; i <= MM_PORT_KMAP_SLOTS; i++)
		__free_page(pages[i]);
	KT_EXPECT_EQ(mm_check(), 0);
}

/* As buddy.gfp_zero_zeroes_dirty_pages, for pages that must be mapped to
 * be zeroed (alloc_pages zeroes them through a kmap slot). */
KTEST(highmem, gfp_zero_zeroes_dirty_highmem_pages)
{
	if (!have_highmem())
		KT_SKIP("no highmem");

	for (unsigned int order = 0; order <= 2; order += 2) {
		struct page *dirty = alloc_pages(GFP_HIGHUSER, order);
		struct page_hoard h;
		unsigned long nonzero = 0;
		bool found = false;

		KT_ASSERT(dirty != NULL && PageHighMem(dirty));
		block_fill(dirty, order, 0xa5);
		__free_pages(dirty, order);

		hoard_init(&h);
		while (!found) {
			struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO |
							__GFP_NOWARN, order);

			if (!page || !PageHighMem(page)) {
				if (page)
					__free_pages(page, order);
				break;
			}
			if (!block_is_filled(page, order, 0))
				nonzero++;
			found = page == dirty;
			hoard_add(&h, page, order);
		}
		KT_EXPECT(found);
		KT_EXPECT_EQ(nonzero, 0);
		hoard_release(&h, false);
	}
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * Every HighMem page, then one more: HighMem is empty, so the next page
 * falls back to Normal (HIGHMEM -> NORMAL -> DMA).  Every HighMem page
 * is tagged through a kmap and checked (none came out twice), and
 * freeing them all restores /proc/buddyinfo byte for byte.
 */
KTEST(highmem, exhaustion_falls_back_to_normal_and_recovers)
{
	if (!have_highmem())
		KT_SKIP("no highmem");

	struct page_hoard h;
	unsigned long errors = mm_error_count();
	ssize_t n = buddyinfo_snapshot(before, sizeof(before));
	unsigned long high_free = nr_free_pages_zone(ZONE_HIGHMEM);
	unsigned long free_before = nr_free_pages();
	unsigned long fallbacks = zones[ZONE_NORMAL].stats.fallback;
	struct page *page, *fallback = NULL;
	unsigned long not_high = 0;

	KT_ASSERT(n > 0);
	KT_ASSERT(high_free > 0);
	hoard_init(&h);
	while ((page = alloc_page(GFP_DRAIN)) != NULL) {
		if (!PageHighMem(page)) {
			fallback = page;
			break;
		}
		hoard_add(&h, page, 0);
	}
	list_for_each_entry(page, &h.blocks, lru)
		if (page_address(page) != NULL || page_to_pfn(page) < max_low_pfn)
			not_high++;
	KT_EXPECT_EQ(not_high, 0);
	KT_EXPECT_EQ(h.nr_pages, high_free);
	KT_EXPECT_EQ(nr_free_pages_zone(ZONE_HIGHMEM), 0);
	KT_ASSERT(fallback != NULL);
	KT_EXPECT_EQ(page_zonenum(fallback), ZONE_NORMAL);
	KT_EXPECT_EQ(zones[ZONE_NORMAL].stats.fallback, fallbacks + 1);
	KT_EXPECT(page_address(fallback) != NULL);
	__free_page(fallback);
	KT_EXPECT_EQ(mm_check(), 0);

	KT_EXPECT_EQ(hoard_tag_and_verify(&h), 0);

	hoard_release(&h, true);
	KT_EXPECT_EQ(nr_free_pages(), free_before);
	KT_EXPECT_EQ(buddyinfo_snapshot(after, sizeof(after)), n);
	KT_EXPECT_STREQ(after, before);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * Slab never uses HighMem: with all of lowmem taken and HighMem free, a
 * cache that needs a new slab and a large kmalloc both fail rather than
 * touch HighMem.
 */
KTEST(highmem, slab_and_kmalloc_never_use_highmem)
{
	if (!have_highmem())
		KT_SKIP("no highmem");

	struct kmem_cache *s = kmem_cache_create("kt_lowonly", 2048, 0, 0, NULL);
	unsigned long errors = mm_error_count();
	unsigned long high_free = nr_free_pages_zone(ZONE_HIGHMEM);
	struct page_hoard h;

	KT_ASSERT(s != NULL);
	hoard_init(&h);
	hoard_fill(&h, GFP_NOWAIT | __GFP_NOWARN, 0);	/* Normal, then DMA */
	KT_EXPECT_EQ(nr_free_pages(), high_free);	/* only HighMem is left */

	void *obj = kmem_cache_alloc(s, GFP_ATOMIC | __GFP_NOWARN);
	void *big = kmalloc(3 * PAGE_SIZE, GFP_ATOMIC | __GFP_NOWARN);
	void *small = kmalloc(KMALLOC_MAX_CACHE_SIZE, GFP_ATOMIC | __GFP_NOWARN);

	KT_EXPECT(obj == NULL);
	KT_EXPECT(big == NULL);
	KT_EXPECT(small == NULL || virt_addr_valid(small));
	KT_EXPECT_EQ(nr_free_pages_zone(ZONE_HIGHMEM), high_free);
	kmem_cache_free(s, obj);
	kfree(big);
	kfree(small);
	KT_EXPECT_EQ(mm_check(), 0);

	hoard_release(&h, false);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}
