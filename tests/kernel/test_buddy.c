/*
 * tests/kernel/test_buddy.c - the page allocator on real memory, under the
 * Multiboot map this boot really got (run at several -m sizes by
 * tests/qemu/test_ktest_sizes.py).
 *
 * The host suites drive mm on synthetic maps; these tests ask what only a
 * real boot can answer: do the blocks lie in RAM the firmware offered and
 * clear of the kernel, can the CPU write them through the direct map, does
 * every page of the machine come out and go back in with the free lists
 * exactly as they were, and is misuse refused on the real mem_map.
 *
 * Every test leaves memory as it found it (the shell's `ktest` may run
 * them again), and mm_check() is asserted after each step that changes
 * the free lists.
 */
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "tests/kernel/mm_helpers.h"

extern char _kernel_start[];

#define PATTERN_BYTES	64
#define BUDDYINFO_MAX	1024

static char before[BUDDYINFO_MAX], after[BUDDYINFO_MAX];

static void fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static bool has_pattern(const uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

/* Allocates one block of `order` with gfp and checks what every block must
 * be; frees it.  Returns false (after reporting) on the first problem. */
static bool check_one_block(gfp_t gfp, unsigned int order)
{
	unsigned long free_before = nr_free_pages();
	struct page *page = alloc_pages(gfp, order);
	const char *why;

	if (!KT_EXPECT(page != NULL))
		return false;

	phys_addr_t pa = page_to_phys(page);
	phys_addr_t size = (phys_addr_t)PAGE_SIZE << order;
	uint8_t *va = page_address(page);
	bool ok = true;

	ok &= KT_EXPECT_EQ(pa & (size - 1), 0);		/* naturally aligned */
	ok &= KT_EXPECT_EQ(page_order(page), order);
	ok &= KT_EXPECT(PageFlag(page, PG_allocated) && !PageBuddy(page));
	if (!block_is_free_ram(pa, size, &why)) {
		kprintf("    # order %u block at %#llx: %s\n", order,
			(unsigned long long)pa, why);
		ok &= KT_EXPECT(false);
	}
	ok &= KT_EXPECT_EQ(nr_free_pages(), free_before - (1UL << order));
	ok &= KT_EXPECT(va != NULL && va == __va(pa));
	if ((gfp & __GFP_DMA))
		ok &= KT_EXPECT(pa + size <= MAX_DMA_ADDRESS);
	if (va) {
		/* Both ends of the block, through the direct map. */
		fill_pattern(va, PATTERN_BYTES, (uint8_t)order);
		fill_pattern(va + size - PATTERN_BYTES, PATTERN_BYTES, (uint8_t)~order);
		ok &= KT_EXPECT(has_pattern(va, PATTERN_BYTES, (uint8_t)order));
		ok &= KT_EXPECT(has_pattern(va + size - PATTERN_BYTES, PATTERN_BYTES,
					    (uint8_t)~order));
	}
	__free_pages(page, order);
	ok &= KT_EXPECT_EQ(nr_free_pages(), free_before);
	return ok;
}

/* The largest order with a free block in a lowmem zone (what GFP_KERNEL
 * can reach); with little RAM (-m 8M) there is no order-10 block at all. */
static unsigned int largest_lowmem_free_order(void)
{
	unsigned int top = 0;

	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		if (nr_free_blocks(ZONE_DMA, o) || nr_free_blocks(ZONE_NORMAL, o))
			top = o;
	return top;
}

KTEST(buddy, every_order_allocates_aligned_writable_ram_and_frees)
{
	unsigned long errors = mm_error_count();
	unsigned int top = largest_lowmem_free_order();

	if (top < MAX_PAGE_ORDER)
		kprintf("    # orders %u..%d: no free block that large in this much RAM\n",
			top + 1, MAX_PAGE_ORDER);
	for (unsigned int order = 0; order <= top; order++)
		if (!check_one_block(GFP_KERNEL, order))
			kprintf("    # (GFP_KERNEL, order %u)\n", order);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

/* GFP_DMA at every order the DMA zone has a free block for. */
KTEST(buddy, dma_blocks_lie_below_16m)
{
	struct zone *dma = &zones[ZONE_DMA];
	unsigned int top = 0;

	KT_ASSERT(populated_zone(dma));
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		if (nr_free_blocks(ZONE_DMA, o))
			top = o;
	for (unsigned int order = 0; order <= top; order++)
		if (!check_one_block(GFP_DMA, order))
			kprintf("    # (GFP_DMA, order %u)\n", order);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(buddy, compound_tails_point_at_their_head)
{
	unsigned int order = 3;
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, order);

	KT_ASSERT(head != NULL);
	KT_EXPECT(PageHead(head) && !PageTail(head));
	KT_EXPECT_EQ(compound_order(head), order);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		KT_EXPECT(PageTail(&head[i]));
		KT_EXPECT(compound_head(&head[i]) == head);
	}
	KT_EXPECT_EQ(mm_check(), 0);
	__free_pages(head, order);
	for (unsigned long i = 1; i < (1UL << order); i++)
		KT_EXPECT(!PageTail(&head[i]));
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * Every free page of the machine at order 0: the count is exactly what
 * nr_free_pages() promised, the checker is happy with nothing free, no
 * page came out twice, and freeing them all restores /proc/buddyinfo
 * byte for byte (the free lists are canonical: fully merged).
 */
KTEST(buddy, order0_exhaustion_and_full_recovery)
{
	struct page_hoard h;
	unsigned long errors = mm_error_count();
	struct page *page;
	unsigned long outside = 0;
	const char *why = NULL;

	drain_all_pages(NULL);		/* every free page on the buddy lists */

	ssize_t n = buddyinfo_snapshot(before, sizeof(before));
	unsigned long free_before = nr_free_pages();

	KT_ASSERT(n > 0);
	hoard_init(&h);
	KT_EXPECT_EQ(hoard_fill(&h, GFP_DRAIN, 0), free_before);
	KT_EXPECT_EQ(nr_free_pages(), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		KT_EXPECT_EQ(nr_free_pages_zone((enum zone_type)z), 0);
	KT_EXPECT(alloc_page(GFP_DRAIN) == NULL);
	KT_EXPECT(alloc_pages((GFP_DRAIN & ~__GFP_HIGHMEM) | __GFP_DMA, 0) == NULL);
	KT_EXPECT_EQ(mm_check(), 0);

	list_for_each_entry(page, &h.blocks, lru)
		if (!block_is_free_ram(page_to_phys(page), PAGE_SIZE, &why) &&
		    outside++ == 0)
			kprintf("    # pfn %#lx: %s\n", page_to_pfn(page), why);
	KT_EXPECT_EQ(outside, 0);
	KT_EXPECT_EQ(hoard_tag_and_verify(&h), 0);

	hoard_release(&h, false);
	KT_EXPECT_EQ(nr_free_pages(), free_before);
	KT_EXPECT_EQ(buddyinfo_snapshot(after, sizeof(after)), n);
	KT_EXPECT_STREQ(after, before);
	KT_EXPECT_EQ(mm_error_count(), errors);	/* running dry is not misuse */
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * The same with blocks of mixed orders, taken round-robin from a fixed
 * order sequence: once an order fails no block of that order or above is
 * left anywhere, so the sequence shrinks until order 0 fails too.  The
 * blocks go back interleaved, so merges happen out of allocation order.
 */
KTEST(buddy, mixed_order_exhaustion_and_full_recovery)
{
	static const unsigned int orders[] = { 10, 3, 0, 7, 1, 5, 2, 9, 0, 4, 6, 8, 1 };
	struct page_hoard h;
	unsigned long errors = mm_error_count();
	ssize_t n = buddyinfo_snapshot(before, sizeof(before));
	unsigned long free_before = nr_free_pages();
	unsigned int limit = MAX_PAGE_ORDER + 1;	/* orders >= limit failed */
	unsigned long per_order[NR_PAGE_ORDERS] = { 0 };
	bool have_max_order = largest_lowmem_free_order() == MAX_PAGE_ORDER;

	KT_ASSERT(n > 0);
	hoard_init(&h);
	while (limit > 0) {
		for (size_t i = 0; i < ARRAY_SIZE(orders) && limit > 0; i++) {
			unsigned int order = orders[i];

			if (order >= limit)
				continue;
			struct page *page = alloc_pages(GFP_DRAIN, order);

			if (!page) {
				limit = order;
				continue;
			}
			KT_EXPECT_EQ(page_to_pfn(page) & ((1UL << order) - 1), 0);
			hoard_add(&h, page, order);
			per_order[order]++;
		}
	}
	KT_EXPECT_EQ(h.nr_pages, free_before);
	KT_EXPECT_EQ(nr_free_pages(), 0);
	KT_EXPECT(per_order[MAX_PAGE_ORDER] > 0 || !have_max_order);
	KT_EXPECT(per_order[0] > 0);
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
 * With nothing free, an allocation that may reclaim first takes back the
 * empty slab a cache keeps in reserve; one that may not just fails.
 */
KTEST(buddy, exhausted_kernel_allocation_shrinks_caches_first)
{
	struct kmem_cache *s = kmem_cache_create("kt_reclaim", 1024, 0, 0, NULL);
	struct page_hoard h;
	unsigned long errors = mm_error_count();

	KT_ASSERT(s != NULL);
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(obj != NULL);
	kmem_cache_free(s, obj);	/* the slab stays, empty, in reserve */

	hoard_init(&h);
	hoard_fill(&h, GFP_DRAIN, 0);
	KT_EXPECT_EQ(nr_free_pages(), 0);
	KT_EXPECT(alloc_page(GFP_DRAIN) == NULL);

	ktest_log_mark();
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);

	KT_EXPECT(page != NULL);
	KT_EXPECT_LOG("mm: reclaim: shrinking the slab caches freed");
	if (page)
		hoard_add(&h, page, 0);
	KT_EXPECT_EQ(kmem_cache_shrink(s), 0);	/* nothing left to give */
	KT_EXPECT_EQ(mm_check(), 0);

	hoard_release(&h, false);
	kmem_cache_destroy(s);
	KT_EXPECT(kmem_cache_find("kt_reclaim") == NULL);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

/* Expects exactly one more refused misuse, free lists untouched. */
#define EXPECT_REFUSED(errors, nfree)				\
	do {								\
		(errors)++;						\
		KT_EXPECT_EQ(mm_error_count(), (errors));		\
		KT_EXPECT_EQ(nr_free_pages(), (nfree));		\
		KT_EXPECT_EQ(mm_check(), 0);				\
	} while (0)

KTEST(buddy, double_free_is_refused_and_counted)
{
	struct page *a = alloc_page(GFP_KERNEL);
	struct page *b = alloc_page(GFP_KERNEL);
	struct page *c = alloc_pages(GFP_KERNEL, 2);

	KT_ASSERT(a && b && c);
	__free_page(a);

	unsigned long errors = mm_error_count();
	unsigned long nfree = nr_free_pages();

	ktest_log_mark();
	__free_page(a);					/* the last one freed */
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT_LOG("BUG: Bad page state in zone");
	KT_EXPECT_LOG("already free");

	__free_page(b);
	nfree = nr_free_pages();
	__free_page(a);					/* not the last one */
	EXPECT_REFUSED(errors, nfree);
	__free_page(b);
	EXPECT_REFUSED(errors, nfree);

	__free_pages(c, 2);
	nfree = nr_free_pages();
	__free_pages(c, 2);				/* a merged block */
	EXPECT_REFUSED(errors, nfree);
	free_pages((unsigned long)__va(page_to_phys(c)), 2);	/* by address */
	EXPECT_REFUSED(errors, nfree);
}

KTEST(buddy, wrong_order_is_refused_and_counted)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);

	KT_ASSERT(p != NULL);

	unsigned long errors = mm_error_count();
	unsigned long nfree = nr_free_pages();

	ktest_log_mark();
	__free_pages(p, 1);
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT_LOG("allocated with order 2, freed with order 1");
	__free_pages(p, 0);
	EXPECT_REFUSED(errors, nfree);
	__free_pages(p, 3);	/* misaligned for order 3, or the wrong order */
	EXPECT_REFUSED(errors, nfree);
	__free_pages(p, MAX_PAGE_ORDER + 1);
	EXPECT_REFUSED(errors, nfree);
	__free_pages(p + 1, 0);				/* a page inside it */
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT_LOG("not the first page");

	__free_pages(p, 2);				/* the right way */
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(nr_free_pages(), nfree + 4);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(buddy, pages_mm_never_handed_out_are_refused)
{
	unsigned long errors = mm_error_count();
	unsigned long nfree = nr_free_pages();
	unsigned long hole = find_hole_pfn();

	ktest_log_mark();
	__free_page(virt_to_page(_kernel_start));	/* the kernel image */
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT_LOG("page is reserved");
	__free_page(virt_to_page(mem_map));		/* mem_map itself */
	EXPECT_REFUSED(errors, nfree);
	__free_page(pfn_to_page(max_pfn));		/* past the last pfn */
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT_LOG("pfn out of range");
	if (KT_EXPECT(hole != 0)) {
		__free_page(pfn_to_page(hole));	/* no RAM behind it */
		EXPECT_REFUSED(errors, nfree);
		KT_EXPECT_LOG("no RAM behind this pfn");
	}
	free_pages(PAGE_OFFSET + (16UL << 20) + 8, 0);	/* not page aligned */
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1) == NULL);
	EXPECT_REFUSED(errors, nfree);
	KT_EXPECT(alloc_pages(__GFP_DMA | __GFP_HIGHMEM, 0) == NULL);
	EXPECT_REFUSED(errors, nfree);
	free_pages(0, 0);				/* NULL: nothing */
	KT_EXPECT_EQ(mm_error_count(), errors);
}

/*
 * __GFP_ZERO on memory that is dirty: fill a block with a pattern, free
 * it, then allocate with __GFP_ZERO until that very block comes back
 * (holding the others: it must come back before memory runs out).  Every
 * block on the way must be zero too.
 */
static void check_zeroing(gfp_t gfp, unsigned int order)
{
	struct page *dirty = alloc_pages(gfp, order);
	struct page_hoard h;
	unsigned long nonzero = 0;
	bool found = false;

	KT_ASSERT(dirty != NULL);
	block_fill(dirty, order, 0xa5);
	__free_pages(dirty, order);

	hoard_init(&h);
	while (!found) {
		struct page *page = alloc_pages(gfp | __GFP_ZERO | __GFP_NOWARN, order);

		if (!page)
			break;
		if (!block_is_filled(page, order, 0))
			nonzero++;
		found = page == dirty;
		hoard_add(&h, page, order);
	}
	KT_EXPECT(found);
	KT_EXPECT_EQ(nonzero, 0);
	hoard_release(&h, false);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(buddy, gfp_zero_zeroes_dirty_pages)
{
	check_zeroing(GFP_KERNEL, 0);
	check_zeroing(GFP_KERNEL, 3);

	/* The address-based wrapper zeroes too. */
	unsigned long z = get_zeroed_page(GFP_KERNEL);

	KT_ASSERT(z != 0);
	KT_EXPECT(block_is_filled(virt_to_page((void *)z), 0, 0));
	free_page(z);
}

/* alloc_pages_exact takes whole pages, not a power of two, and gives the
 * rest back at once. */
KTEST(buddy, alloc_pages_exact_takes_only_what_it_needs)
{
	ssize_t n = buddyinfo_snapshot(before, sizeof(before));
	unsigned long nfree = nr_free_pages();
	size_t size = 5 * PAGE_SIZE - 100;
	uint8_t *p = alloc_pages_exact(size, GFP_KERNEL);

	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(nr_free_pages(), nfree - 5);
	memset(p, 0x3c, size);
	KT_EXPECT(p[0] == 0x3c && p[size - 1] == 0x3c);
	KT_EXPECT_EQ(mm_check(), 0);
	free_pages_exact(p, size);
	KT_EXPECT_EQ(nr_free_pages(), nfree);
	KT_EXPECT_EQ(buddyinfo_snapshot(after, sizeof(after)), n);
	KT_EXPECT_STREQ(after, before);
	KT_EXPECT_EQ(mm_check(), 0);
}
