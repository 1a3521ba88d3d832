/*
 * tests/host/test_exhaust.c - running out of memory and coming back:
 * allocate every page until NULL (at order 0 and at mixed orders), check
 * the failure is reported once per failed call (never with __GFP_NOWARN)
 * and that mm is consistent when full, then free everything in a seeded
 * random order and get back exactly the boot state: the same
 * /proc/buddyinfo text and the same number of free pages.
 *
 * Arena: 20 MiB with highmem=2M, so GFP_HIGHUSER drains all three zones.
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct page *page;
	unsigned int order;
};

static struct block blocks[8192];
static size_t nblocks;

static void hold(struct page *p, unsigned int order)
{
	assert_true(nblocks < ARRAY_SIZE(blocks));
	blocks[nblocks].page = p;
	blocks[nblocks].order = order;
	nblocks++;
}

static void read_buddyinfo(char *buf, size_t size)
{
	assert_true(mm_proc_read("/proc/buddyinfo", buf, size) > 0);
}

/* Frees every held block in a random order (Fisher-Yates on the fly). */
static void free_all_randomly(uint64_t seed)
{
	uint64_t rng = seed;

	while (nblocks) {
		size_t j = (size_t)rng_below(&rng, nblocks);
		struct block b = blocks[j];

		blocks[j] = blocks[--nblocks];
		__free_pages(b.page, b.order);
	}
}

static void report_seed_on_failure(uint64_t seed)
{
	if (mm_check())
		fprintf(stderr, "seed %#llx (set MM_TEST_SEED to replay)\n",
			(unsigned long long)seed);
}

/* ---- order 0 ------------------------------------------------------------------ */

static void test_fill_at_order0_warns_once_and_frees_back_to_boot_state(void **state)
{
	uint64_t seed = test_seed(0x65786831ULL);
	char before[1024], after[1024];
	unsigned long total;
	struct page *p;

	(void)state;
	boot_simple(MIB(20), "highmem=2M");
	total = nr_free_pages();
	read_buddyinfo(before, sizeof(before));
	mm_host_log_clear();

	while ((p = alloc_pages(GFP_HIGHUSER, 0)))
		hold(p, 0);
	assert_int_equal(nblocks, total);
	assert_int_equal(nr_free_pages(), 0);
	/* Exactly the one call that returned NULL warned. */
	assert_int_equal(log_count("page allocation failure"), 1);
	assert_log_contains("mm: page allocation failure: order:0, mode:0x402(GFP_HIGHUSER), free:0kB\n");
	assert_int_equal(mm_alloc_failures(), 1);

	/* Each further failure warns once; __GFP_NOWARN never does. */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_ZERO, 3));
	assert_int_equal(log_count("page allocation failure"), 2);
	assert_log_contains("mm: page allocation failure: order:3, mode:0x500(GFP_KERNEL|__GFP_ZERO), free:0kB\n");
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		assert_null(alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, o));
		assert_null(alloc_pages(GFP_DMA | __GFP_NOWARN, o));
	}
	assert_null(alloc_pages(GFP_NOWAIT, 0));
	/* (The mode number itself is left out: kernel/lib prints %#x of 0 as
	 * C does, "0", where Linux's vsprintf prints "0x0".) */
	assert_log_contains("(GFP_NOWAIT), free:0kB\n");
	assert_int_equal(log_count("page allocation failure"), 3);
	assert_int_equal(__get_free_pages(GFP_KERNEL | __GFP_NOWARN, 0), 0);
	assert_null(alloc_pages_exact(PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(log_count("page allocation failure"), 3);
	/* Out of memory is not misuse. */
	assert_int_equal(mm_error_count(), 0);
	assert_log_lacks("BUG");
	assert_mm_clean();

	free_all_randomly(seed);
	report_seed_on_failure(seed);
	assert_mm_clean();
	/* Nothing is held back in per-CPU lists: draining changes nothing. */
	drain_all_pages(NULL);
	assert_int_equal(nr_free_pages(), total);
	read_buddyinfo(after, sizeof(after));
	assert_string_equal(after, before);
}

/* ---- mixed orders -------------------------------------------------------------------- */

/*
 * Random orders, each tried with __GFP_NOWARN; once an order fails, it and
 * every larger one stay out of reach (nothing is freed meanwhile), so the
 * fill narrows down to order 0 and ends when that fails too.
 */
static void test_fill_at_mixed_orders_then_free_restores_buddyinfo(void **state)
{
	uint64_t seed = test_seed(0x65786832ULL), rng = seed;
	char before[1024], after[1024];
	unsigned long total, taken = 0;
	unsigned int limit = MAX_PAGE_ORDER;	/* largest order that may work */
	unsigned long per_order[NR_PAGE_ORDERS] = { 0 };

	(void)state;
	boot_simple(MIB(20), "highmem=2M");
	total = nr_free_pages();
	read_buddyinfo(before, sizeof(before));
	mm_host_log_clear();

	for (;;) {
		unsigned int order = (unsigned int)rng_below(&rng, limit + 1);
		struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, order);

		if (p) {
			assert_int_equal(page_to_pfn(p) & ((1UL << order) - 1), 0);
			hold(p, order);
			taken += 1UL << order;
			per_order[order]++;
			continue;
		}
		if (order == 0)
			break;
		limit = order - 1;
	}
	assert_int_equal(taken, total);
	assert_int_equal(nr_free_pages(), 0);
	assert_log_lacks("page allocation failure");
	assert_true(per_order[0] > 0);
	assert_mm_clean();

	assert_null(alloc_pages(GFP_HIGHUSER, 0));
	assert_int_equal(log_count("page allocation failure"), 1);

	free_all_randomly(seed ^ 1);
	report_seed_on_failure(seed);
	assert_mm_clean();
	assert_int_equal(nr_free_pages(), total);
	read_buddyinfo(after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(mm_error_count(), 0);
}

/* ---- fragmentation failure ---------------------------------------------------------------- */

/*
 * Full, then every other page freed: half the memory is free but no
 * order-1 block exists, so order 1 fails (with the free amount in the
 * warning) while order 0 still works.
 */
static void test_order1_fails_when_free_memory_is_all_single_pages(void **state)
{
	uint64_t seed = test_seed(0x65786833ULL);
	char before[1024], after[1024], line[160];
	unsigned long total, freed = 0;
	struct page *p;

	(void)state;
	boot_simple(MIB(20), "highmem=2M");
	total = nr_free_pages();
	read_buddyinfo(before, sizeof(before));
	while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0)))
		hold(p, 0);

	/* Free the pages with an even pfn; keep the odd ones. */
	size_t kept = 0;

	for (size_t i = 0; i < nblocks; i++) {
		if (page_to_pfn(blocks[i].page) % 2 == 0) {
			__free_pages(blocks[i].page, 0);
			freed++;
		} else {
			blocks[kept++] = blocks[i];
		}
	}
	nblocks = kept;
	assert_int_equal(nr_free_pages(), freed);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(nr_free_blocks((enum zone_type)z, 0),
				 nr_free_pages_zone((enum zone_type)z));
	assert_mm_clean();

	mm_host_log_clear();
	assert_null(alloc_pages(GFP_HIGHUSER, 1));
	snprintf(line, sizeof(line),
		 "mm: page allocation failure: order:1, mode:0x402(GFP_HIGHUSER), free:%lukB\n",
		 freed * (PAGE_SIZE / 1024));
	assert_log_contains(line);
	p = alloc_pages(GFP_HIGHUSER, 0);
	assert_non_null(p);
	hold(p, 0);

	free_all_randomly(seed);
	report_seed_on_failure(seed);
	assert_mm_clean();
	assert_int_equal(nr_free_pages(), total);
	read_buddyinfo(after, sizeof(after));
	assert_string_equal(after, before);
}

/* Filling lowmem with GFP_KERNEL leaves HighMem alone; GFP_HIGHUSER can
 * still take it, and everything comes back. */
static void test_lowmem_exhaustion_leaves_highmem_usable(void **state)
{
	char before[1024], after[1024];
	unsigned long high;
	struct page *p;

	(void)state;
	boot_simple(MIB(20), "highmem=2M");
	read_buddyinfo(before, sizeof(before));
	high = nr_free_pages_zone(ZONE_HIGHMEM);
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 2)))
		hold(p, 2);
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		hold(p, 0);
	assert_int_equal(nr_free_pages(), high);
	assert_int_equal(nr_free_pages_zone(ZONE_HIGHMEM), high);
	while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0))) {
		assert_true(PageHighMem(p));
		hold(p, 0);
	}
	assert_int_equal(nr_free_pages(), 0);
	assert_mm_clean();
	free_all_randomly(test_seed(0x65786834ULL));
	read_buddyinfo(after, sizeof(after));
	assert_string_equal(after, before);
	assert_mm_clean();
}

static int reset_blocks(void **state)
{
	nblocks = 0;
	return teardown_mm(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fill_at_order0_warns_once_and_frees_back_to_boot_state,
					  reset_blocks),
		cmocka_unit_test_teardown(test_fill_at_mixed_orders_then_free_restores_buddyinfo,
					  reset_blocks),
		cmocka_unit_test_teardown(test_order1_fails_when_free_memory_is_all_single_pages,
					  reset_blocks),
		cmocka_unit_test_teardown(test_lowmem_exhaustion_leaves_highmem_usable, reset_blocks),
	};

	return cmocka_run_group_tests_name("exhaust", tests, NULL, NULL);
}
