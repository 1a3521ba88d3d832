/*
 * tests/host/test_buddy.c - splitting and merging: what the free lists
 * look like before and after each allocation and free, natural alignment,
 * zone boundaries, MAX_PAGE_ORDER, and the flag and wrapper variants
 * (__GFP_ZERO, __GFP_COMP, alloc_pages_exact, __get_free_pages, kmap).
 *
 * Most tests boot a map whose DMA zone is pristine, independent of the
 * size of struct page, because mem_map (placed top-down) lands in a
 * separate island of RAM at 32 MiB, which becomes the Normal zone:
 *
 *   pfn 0x000  0x100  0x200    0x400     0x800     0xc00    0x1000
 *       | 1st  | o8   | o9     | o10     | o10     | o10    |
 *       | MiB  |     free (DMA)                              |
 *   DMA free lists:  order 8: {0x100}  9: {0x200}  10: {0xc00, 0x800, 0x400}
 *   (the lists are LIFO stacks: boot freed 0x400 first, 0xc00 last)
 *
 * and allocates with GFP_DMA so that only that zone is used.
 */
#include "tests/host/helpers.h"

#include "mm/highmem.h"
#include "mm/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The free-block counts of one zone, order 0 first. */
static void get_counts(enum zone_type z, unsigned long counts[NR_PAGE_ORDERS])
{
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		counts[o] = nr_free_blocks(z, o);
}

static void assert_counts(enum zone_type z, const unsigned long want[NR_PAGE_ORDERS])
{
	unsigned long have[NR_PAGE_ORDERS];

	get_counts(z, have);
	if (memcmp(have, want, sizeof(have)) == 0)
		return;
	fprintf(stderr, "zone %s free blocks by order:\n  have", zones[z].name);
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(stderr, " %lu", have[o]);
	fprintf(stderr, "\n  want");
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(stderr, " %lu", want[o]);
	fprintf(stderr, "\n");
	fail();
}

static bool is_free_head(unsigned long pfn, unsigned int order)
{
	const struct page *p = pfn_to_page(pfn);

	return PageBuddy(p) && page_order(p) == order;
}

static const unsigned long pristine_dma[NR_PAGE_ORDERS] = {
	[8] = 1, [9] = 1, [10] = 3,
};

/* ---- the boot state --------------------------------------------------------- */

static void test_boot_frees_ram_as_maximal_aligned_blocks(void **state)
{
	(void)state;
	boot_pristine_dma();
	assert_counts(ZONE_DMA, pristine_dma);
	assert_true(is_free_head(0x100, 8));
	assert_true(is_free_head(0x200, 9));
	assert_true(is_free_head(0x400, 10));
	assert_true(is_free_head(0x800, 10));
	assert_true(is_free_head(0xc00, 10));
	assert_int_equal(nr_free_pages_zone(ZONE_DMA), 4096 - 256);
	assert_mm_clean();
}

/* ---- splitting ------------------------------------------------------------------- */

/*
 * With only order-10 blocks left in DMA, an order-0 request splits the
 * block at the top of the order-10 stack (0xc00) once per order:
 *
 *   0xc00 0xc01 0xc02  0xc04   0xc08 ...  0xe00
 *   [got] [o0 ] [ o1 ] [ o2  ] [ o3 ] ... [    o9    ]
 *
 * and freeing it merges all the way back to one order-10 block.
 */
static void test_alloc_order0_splits_max_block_once_per_order(void **state)
{
	unsigned long want[NR_PAGE_ORDERS] = { 0 };
	struct page *o8, *o9, *p;

	(void)state;
	boot_pristine_dma();
	o8 = alloc_pages(GFP_DMA, 8);
	o9 = alloc_pages(GFP_DMA, 9);
	assert_int_equal(page_to_pfn(o8), 0x100);
	assert_int_equal(page_to_pfn(o9), 0x200);
	want[10] = 3;
	assert_counts(ZONE_DMA, want);

	unsigned long splits = zones[ZONE_DMA].stats.split;

	p = alloc_pages(GFP_DMA, 0);
	assert_non_null(p);
	assert_int_equal(page_to_pfn(p), 0xc00);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++) {
		want[o] = 1;
		assert_true(is_free_head(0xc00 + (1UL << o), o));
	}
	want[10] = 2;
	assert_counts(ZONE_DMA, want);
	assert_int_equal(zones[ZONE_DMA].stats.split - splits, 10);
	assert_mm_clean();

	unsigned long merges = zones[ZONE_DMA].stats.merge;

	__free_pages(p, 0);
	memset(want, 0, sizeof(want));
	want[10] = 3;
	assert_counts(ZONE_DMA, want);
	assert_true(is_free_head(0xc00, 10));
	assert_int_equal(zones[ZONE_DMA].stats.merge - merges, 10);
	assert_mm_clean();
	__free_pages(o9, 9);
	__free_pages(o8, 8);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_int_equal(mm_error_count(), 0);
}

/*
 * For every order k, from the boot state: the request takes the smallest
 * free block of order o >= k (8 for k <= 8, else k) and leaves one new
 * free block at each order k..o-1; freeing restores the boot state.
 */
static void test_alloc_order_k_splits_smallest_sufficient_block(void **state)
{
	static const unsigned long head_of[NR_PAGE_ORDERS] = {
		[8] = 0x100, [9] = 0x200, [10] = 0xc00,
	};

	(void)state;
	boot_pristine_dma();
	for (unsigned int k = 0; k <= MAX_PAGE_ORDER; k++) {
		unsigned int o = k <= 8 ? 8 : k;
		unsigned long want[NR_PAGE_ORDERS];
		struct page *p = alloc_pages(GFP_DMA, k);

		assert_non_null(p);
		assert_int_equal(page_to_pfn(p), head_of[o]);
		memcpy(want, pristine_dma, sizeof(want));
		want[o]--;
		for (unsigned int j = k; j < o; j++) {
			want[j]++;
			assert_true(is_free_head(head_of[o] + (1UL << j), j));
		}
		assert_counts(ZONE_DMA, want);
		assert_int_equal(nr_free_pages_zone(ZONE_DMA), 4096 - 256 - (1UL << k));
		assert_mm_clean();
		__free_pages(p, k);
		assert_counts(ZONE_DMA, pristine_dma);
		assert_true(is_free_head(head_of[o], o));
		assert_mm_clean();
	}
	assert_int_equal(mm_error_count(), 0);
}

/* ---- merging ----------------------------------------------------------------------- */

/*
 * All 1024 pages of the order-10 block at 0xc00 handed out one by one
 * (order 0 always takes the smallest block, so the split pieces are used
 * up before another order-10 block is touched), then freed in a seeded
 * random order: merging rebuilds exactly one order-10 block.
 */
static void test_free_merges_up_to_max_order(void **state)
{
	uint64_t seed = test_seed(0x6275646479ULL), rng = seed;
	struct page *pages[1024];
	struct page *o8, *o9;

	(void)state;
	boot_pristine_dma();
	o8 = alloc_pages(GFP_DMA, 8);
	o9 = alloc_pages(GFP_DMA, 9);
	for (unsigned int i = 0; i < 1024; i++) {
		pages[i] = alloc_pages(GFP_DMA, 0);
		assert_non_null(pages[i]);
		assert_true(page_to_pfn(pages[i]) >= 0xc00 && page_to_pfn(pages[i]) < 0x1000);
	}
	assert_int_equal(nr_free_blocks(ZONE_DMA, 10), 2);
	assert_int_equal(nr_free_pages_zone(ZONE_DMA), 2048);
	for (unsigned int i = 1024; i > 0; i--) {
		unsigned int j = (unsigned int)rng_below(&rng, i);
		struct page *p = pages[j];

		pages[j] = pages[i - 1];
		__free_pages(p, 0);
		if (mm_check()) {
			fprintf(stderr, "seed %#llx (MM_TEST_SEED)\n", (unsigned long long)seed);
			assert_mm_clean();
		}
	}
	unsigned long want[NR_PAGE_ORDERS] = { [10] = 3 };

	assert_counts(ZONE_DMA, want);
	assert_true(is_free_head(0xc00, 10));
	__free_pages(o8, 8);
	__free_pages(o9, 9);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_int_equal(mm_error_count(), 0);
}

/*
 * 0x800 and 0xc00 are buddies at order 10 (0x800 ^ 0x400 == 0xc00) and
 * both free, yet they stay two blocks: nothing merges past MAX_PAGE_ORDER,
 * also when one of them is allocated and freed again.
 */
static void test_free_never_merges_past_max_order(void **state)
{
	(void)state;
	boot_pristine_dma();
	assert_true(is_free_head(0x800, 10));
	assert_true(is_free_head(0xc00, 10));
	for (int round = 0; round < 2; round++) {
		struct page *p = alloc_pages(GFP_DMA, 10);

		assert_int_equal(page_to_pfn(p), 0xc00);
		assert_int_equal(nr_free_blocks(ZONE_DMA, 10), 2);
		__free_pages(p, 10);
		assert_counts(ZONE_DMA, pristine_dma);
		assert_true(is_free_head(0x800, 10));
		assert_true(is_free_head(0xc00, 10));
		assert_mm_clean();
	}
}

/*
 * A lowmem limit that is not aligned to any large order, with a firmware
 * hole below it so that mem_map goes elsewhere and the page just below
 * the boundary is free:
 *
 *   usable [0, 8 MiB), reserved [0x5f0000, 0x5fc000), highmem=0x203000
 *   -> lowmem ends at 0x5fd000 (pfn 0x5fd)
 *
 *   pfn  ... mem_map | hole 0x5f0-0x5fb | 0x5fc | 0x5fd | 0x5fe 0x5ff | 0x600 ... 0x7ff
 *        DMA                            | o0    | o0    | o1          | o9
 *                                        DMA   ^ HighMem
 *
 * 0x5fc and 0x5fd are order-0 buddies (0x5fc ^ 1) and 0x5fe is 0x5fc's
 * order-1 buddy, but they are in different zones and never merge.
 */
static void boot_unaligned_zone_boundary(void)
{
	static const struct mem_region map[] = {
		{ 0, MIB(8), MEM_USABLE },
		{ 0x5f0000, 0xc000, MEM_RESERVED },
	};

	boot_map(map, ARRAY_SIZE(map), "highmem=0x203000");
	assert_int_equal(max_low_pfn, 0x5fd);
	assert_int_equal(zone_end_pfn(&zones[ZONE_DMA]), 0x5fd);
	assert_int_equal(zones[ZONE_HIGHMEM].zone_start_pfn, 0x5fd);
	assert_true(__pa(mem_map) < 0x5f0000);
}

static void test_buddies_never_merge_across_zone_boundary(void **state)
{
	const unsigned long highmem[NR_PAGE_ORDERS] = { [0] = 1, [1] = 1, [9] = 1 };
	unsigned long dma[NR_PAGE_ORDERS];

	(void)state;
	boot_unaligned_zone_boundary();
	assert_true(is_free_head(0x5fc, 0));
	assert_int_equal(page_zonenum(pfn_to_page(0x5fc)), ZONE_DMA);
	assert_true(is_free_head(0x5fd, 0));
	assert_true(is_free_head(0x5fe, 1));
	assert_true(is_free_head(0x600, 9));
	assert_counts(ZONE_HIGHMEM, highmem);
	get_counts(ZONE_DMA, dma);
	assert_mm_clean();

	/* 0x5fc was the last range boot freed: the top of DMA's order-0 stack. */
	struct page *low = alloc_pages(GFP_DMA, 0);
	struct page *high = alloc_pages(GFP_HIGHUSER, 0);

	assert_int_equal(page_to_pfn(low), 0x5fc);
	assert_int_equal(page_to_pfn(high), 0x5fd);

	/* Free in both orders: neither side ever absorbs the other. */
	for (int round = 0; round < 2; round++) {
		if (round == 0) {
			__free_pages(low, 0);
			__free_pages(high, 0);
		} else {
			__free_pages(high, 0);
			__free_pages(low, 0);
		}
		assert_true(is_free_head(0x5fc, 0));
		assert_true(is_free_head(0x5fd, 0));
		assert_true(is_free_head(0x5fe, 1));
		assert_counts(ZONE_DMA, dma);
		assert_counts(ZONE_HIGHMEM, highmem);
		assert_mm_clean();
		low = alloc_pages(GFP_DMA, 0);
		high = alloc_pages(GFP_HIGHUSER, 0);
		assert_int_equal(page_to_pfn(low), 0x5fc);
		assert_int_equal(page_to_pfn(high), 0x5fd);
	}
	__free_pages(low, 0);
	__free_pages(high, 0);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- alignment ------------------------------------------------------------------------ */

/*
 * For each order, drain every zone at that order (unaligned zone ends
 * included): every block is aligned in pfn and physical address, their
 * number is what the free lists promised, then all go back and the free
 * lists are as before.
 */
static void test_every_block_is_naturally_aligned_at_every_order(void **state)
{
	static struct page *blocks[4096];
	unsigned long before[MAX_NR_ZONES][NR_PAGE_ORDERS];

	(void)state;
	boot_unaligned_zone_boundary();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		get_counts((enum zone_type)z, before[z]);
	for (unsigned int k = 0; k <= MAX_PAGE_ORDER; k++) {
		unsigned long expect = 0, n = 0;
		struct page *p;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (unsigned int o = k; o < NR_PAGE_ORDERS; o++)
				expect += before[z][o] << (o - k);
		while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, k))) {
			unsigned long pfn = page_to_pfn(p);

			assert_int_equal(pfn & ((1UL << k) - 1), 0);
			assert_int_equal(page_to_phys(p) % (PAGE_SIZE << k), 0);
			assert_int_equal(page_order(p), k);
			if (!PageHighMem(p))
				assert_int_equal(((uintptr_t)page_address(p) - PAGE_OFFSET) %
						 (PAGE_SIZE << k), 0);
			assert_true(n < ARRAY_SIZE(blocks));
			blocks[n++] = p;
		}
		assert_int_equal(n, expect);
		assert_mm_clean();
		while (n)
			__free_pages(blocks[--n], k);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			assert_counts((enum zone_type)z, before[z]);
		assert_mm_clean();
	}
	assert_int_equal(mm_error_count(), 0);
}

/* ---- __GFP_ZERO ---------------------------------------------------------------------------- */

static bool block_is_filled(struct page *page, unsigned int order, int byte)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		const unsigned char *va = kmap_local_page(&page[i]);
		bool ok = true;

		for (size_t b = 0; b < PAGE_SIZE && ok; b++)
			ok = va[b] == (unsigned char)byte;
		kunmap_local(va);
		if (!ok)
			return false;
	}
	return true;
}

static void fill_block(struct page *page, unsigned int order, int byte)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		void *va = kmap_local_page(&page[i]);

		memset(va, byte, PAGE_SIZE);
		kunmap_local(va);
	}
}

/*
 * A dirtied block comes back dirty without __GFP_ZERO (freeing does not
 * clear; LIFO gives the same block back) and clean with it, in lowmem and
 * in highmem.
 */
static void test_gfp_zero_zeroes_dirty_pages(void **state)
{
	static const gfp_t kinds[] = { GFP_DMA, GFP_KERNEL, GFP_HIGHUSER };

	(void)state;
	boot_simple(MIB(24), "highmem=4M");
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		struct page *p = alloc_pages(kinds[i], 3), *q;

		assert_non_null(p);
		assert_int_equal(PageHighMem(p), kinds[i] == GFP_HIGHUSER);
		fill_block(p, 3, 0xa5);
		__free_pages(p, 3);
		q = alloc_pages(kinds[i], 3);
		assert_ptr_equal(q, p);
		assert_true(block_is_filled(q, 3, 0xa5));
		__free_pages(q, 3);
		q = alloc_pages(kinds[i] | __GFP_ZERO, 3);
		assert_ptr_equal(q, p);
		assert_true(block_is_filled(q, 3, 0));
		__free_pages(q, 3);
	}
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- __GFP_COMP ----------------------------------------------------------------------------- */

static void test_gfp_comp_tails_point_at_head(void **state)
{
	struct page *p;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA | __GFP_COMP, 4);
	assert_non_null(p);
	assert_true(PageHead(p));
	assert_false(PageTail(p));
	assert_int_equal(compound_order(p), 4);
	assert_ptr_equal(compound_head(p), p);
	for (unsigned int i = 1; i < 16; i++) {
		assert_true(PageTail(&p[i]));
		assert_false(PageHead(&p[i]));
		assert_ptr_equal(compound_head(&p[i]), p);
	}
	assert_mm_clean();
	__free_pages(p, 4);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_mm_clean();

	/* The same block without __GFP_COMP has no head or tails left over. */
	struct page *q = alloc_pages(GFP_DMA, 4);

	assert_ptr_equal(q, p);
	assert_false(PageHead(q));
	assert_int_equal(compound_order(q), 0);
	for (unsigned int i = 1; i < 16; i++) {
		assert_false(PageTail(&q[i]));
		assert_ptr_equal(compound_head(&q[i]), &q[i]);
	}
	__free_pages(q, 4);

	/* Order 0 is never compound. */
	q = alloc_pages(GFP_DMA | __GFP_COMP, 0);
	assert_false(PageHead(q));
	__free_pages(q, 0);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- alloc_pages_exact ------------------------------------------------------------------------ */

/*
 * 5 pages + 1 byte need 6 pages: an order-3 block is taken (split from
 * the order-8 block at 0x100) and its last two pages are free again at
 * once, as one order-1 block (their buddy 0x104-0x105 is in use):
 *
 *   0x100 ... 0x105 | 0x106 0x107 | 0x108 o3 | 0x110 o4 | ... | 0x180 o7
 *   six order-0 allocations | o1 free
 */
static void test_alloc_pages_exact_frees_the_pages_beyond_size_at_once(void **state)
{
	const unsigned long want[NR_PAGE_ORDERS] = {
		[1] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [9] = 1, [10] = 3,
	};
	size_t size = 5 * PAGE_SIZE + 1;
	void *va;

	(void)state;
	boot_pristine_dma();
	va = alloc_pages_exact(size, GFP_DMA | __GFP_ZERO);
	assert_non_null(va);
	assert_int_equal(__pa(va), 0x100UL << PAGE_SHIFT);
	assert_counts(ZONE_DMA, want);
	assert_int_equal(nr_free_pages_zone(ZONE_DMA), 4096 - 256 - 6);
	for (unsigned long i = 0; i < 6; i++) {
		struct page *p = pfn_to_page(0x100 + i);

		assert_true(PageFlag(p, PG_allocated));
		assert_int_equal(page_order(p), 0);
	}
	assert_true(is_free_head(0x106, 1));
	for (size_t b = 0; b < size; b++)
		assert_int_equal(((unsigned char *)va)[b], 0);
	memset(va, 0x5a, size);
	assert_mm_clean();

	/* The freed tail is usable right away: an order-1 request gets it. */
	struct page *tail = alloc_pages(GFP_DMA, 1);

	assert_int_equal(page_to_pfn(tail), 0x106);
	__free_pages(tail, 1);

	free_pages_exact(va, size);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_mm_clean();

	/* Sizes that are a power of two of pages leave nothing over. */
	va = alloc_pages_exact(4 * PAGE_SIZE, GFP_DMA);
	assert_int_equal(nr_free_pages_zone(ZONE_DMA), 4096 - 256 - 4);
	free_pages_exact(va, 4 * PAGE_SIZE);

	/* Zero bytes: nothing to allocate, nothing to free. */
	assert_null(alloc_pages_exact(0, GFP_DMA));
	free_pages_exact(NULL, PAGE_SIZE);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- __get_free_pages / free_pages / get_zeroed_page ------------------------------------------- */

static void test_get_free_pages_returns_aligned_lowmem_addresses(void **state)
{
	unsigned long before, addr;

	(void)state;
	boot_simple(MIB(24), "highmem=4M");
	before = nr_free_pages();
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		addr = __get_free_pages(GFP_KERNEL, order);
		assert_true(addr != 0);
		assert_true(virt_addr_valid((void *)addr));
		assert_int_equal(__pa((void *)addr) % (PAGE_SIZE << order), 0);
		assert_int_equal(page_order(virt_to_page((void *)addr)), order);
		assert_int_equal(nr_free_pages(), before - (1UL << order));
		free_pages(addr, order);
		assert_int_equal(nr_free_pages(), before);
	}

	/* A highmem-capable mask still gets a mapped (lowmem) page. */
	addr = __get_free_pages(GFP_HIGHUSER, 0);
	assert_true(virt_addr_valid((void *)addr));
	assert_false(PageHighMem(virt_to_page((void *)addr)));
	memset((void *)addr, 0xee, PAGE_SIZE);
	free_page(addr);

	/* get_zeroed_page: LIFO hands back the dirty page, cleared. */
	unsigned long z = get_zeroed_page(GFP_KERNEL);

	assert_int_equal(z, addr);
	for (size_t b = 0; b < PAGE_SIZE; b++)
		assert_int_equal(((unsigned char *)z)[b], 0);
	free_page(z);

	free_pages(0, 3);	/* silently nothing */
	assert_int_equal(nr_free_pages(), before);
	assert_int_equal(mm_error_count(), 0);
	assert_log_lacks("BUG");
	assert_mm_clean();
}

/* ---- highmem mappings ------------------------------------------------------------------------------ */

static void test_kmap_local_page_maps_highmem_pages(void **state)
{
	struct page *p;

	(void)state;
	boot_simple(MIB(8), "highmem=2M");
	p = alloc_pages(GFP_HIGHUSER, 1);
	assert_non_null(p);
	assert_true(PageHighMem(p));
	assert_null(page_address(p));
	assert_null(page_address(&p[1]));

	/* Nested mappings, released in reverse order. */
	unsigned char *a = kmap_local_page(&p[0]);
	unsigned char *b = kmap_local_page(&p[1]);

	assert_non_null(a);
	assert_non_null(b);
	assert_false(virt_addr_valid(a));
	/* On the host a mapping is the page's place in the arena. */
	assert_ptr_equal(a, __va(page_to_phys(&p[0])));
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		a[i] = (unsigned char)i;
		b[i] = (unsigned char)~i;
	}
	kunmap_local(b);
	kunmap_local(a);

	a = kmap_local_page(&p[0]);
	b = kmap_local_page(&p[1]);
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		assert_int_equal(a[i], (unsigned char)i);
		assert_int_equal(b[i], (unsigned char)~i);
	}
	kunmap_local(b);
	kunmap_local(a);

	/* For a lowmem page kmap is its direct-map address. */
	struct page *low = alloc_pages(GFP_KERNEL, 0);
	void *la = kmap_local_page(low);

	assert_ptr_equal(la, page_address(low));
	kunmap_local(la);

	/* The slots run out at MM_PORT_KMAP_SLOTS, and come back. */
	void *slots[MM_PORT_KMAP_SLOTS];

	for (int i = 0; i < MM_PORT_KMAP_SLOTS; i++)
		assert_non_null(slots[i] = kmap_local_page(p));
	assert_null(kmap_local_page(p));
	for (int i = MM_PORT_KMAP_SLOTS; i > 0; i--)
		kunmap_local(slots[i - 1]);
	a = kmap_local_page(p);
	assert_non_null(a);
	kunmap_local(a);

	__free_pages(low, 0);
	__free_pages(p, 1);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- reuse ---------------------------------------------------------------------------------------------- */

/*
 * The free lists are stacks: the block freed last is handed out first.
 * After the first order-0 request splits the order-8 block at 0x100:
 *   a = 0x100, b = 0x101, c = 0x102 (splits 0x102-0x103), d = 0x103
 * freeing a then c (their buddies b and d are in use, so nothing merges)
 * gives c back first, then a.
 */
static void test_freed_block_is_reused_first(void **state)
{
	struct page *a, *b, *c, *d;

	(void)state;
	boot_pristine_dma();
	a = alloc_pages(GFP_DMA, 0);
	b = alloc_pages(GFP_DMA, 0);
	c = alloc_pages(GFP_DMA, 0);
	d = alloc_pages(GFP_DMA, 0);
	assert_int_equal(page_to_pfn(a), 0x100);
	assert_int_equal(page_to_pfn(b), 0x101);
	assert_int_equal(page_to_pfn(c), 0x102);
	assert_int_equal(page_to_pfn(d), 0x103);

	__free_pages(a, 0);
	assert_ptr_equal(alloc_pages(GFP_DMA, 0), a);

	__free_pages(a, 0);
	__free_pages(c, 0);
	assert_int_equal(nr_free_blocks(ZONE_DMA, 0), 2);
	assert_ptr_equal(alloc_pages(GFP_DMA, 0), c);
	assert_ptr_equal(alloc_pages(GFP_DMA, 0), a);

	__free_pages(d, 0);
	__free_pages(c, 0);
	__free_pages(b, 0);
	__free_pages(a, 0);
	assert_counts(ZONE_DMA, pristine_dma);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_boot_frees_ram_as_maximal_aligned_blocks, teardown_mm),
		cmocka_unit_test_teardown(test_alloc_order0_splits_max_block_once_per_order,
					  teardown_mm),
		cmocka_unit_test_teardown(test_alloc_order_k_splits_smallest_sufficient_block,
					  teardown_mm),
		cmocka_unit_test_teardown(test_free_merges_up_to_max_order, teardown_mm),
		cmocka_unit_test_teardown(test_free_never_merges_past_max_order, teardown_mm),
		cmocka_unit_test_teardown(test_buddies_never_merge_across_zone_boundary, teardown_mm),
		cmocka_unit_test_teardown(test_every_block_is_naturally_aligned_at_every_order,
					  teardown_mm),
		cmocka_unit_test_teardown(test_gfp_zero_zeroes_dirty_pages, teardown_mm),
		cmocka_unit_test_teardown(test_gfp_comp_tails_point_at_head, teardown_mm),
		cmocka_unit_test_teardown(test_alloc_pages_exact_frees_the_pages_beyond_size_at_once,
					  teardown_mm),
		cmocka_unit_test_teardown(test_get_free_pages_returns_aligned_lowmem_addresses,
					  teardown_mm),
		cmocka_unit_test_teardown(test_kmap_local_page_maps_highmem_pages, teardown_mm),
		cmocka_unit_test_teardown(test_freed_block_is_reused_first, teardown_mm),
	};

	return cmocka_run_group_tests_name("buddy", tests, NULL, NULL);
}
