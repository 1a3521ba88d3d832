/*
 * tests/host/test_buddy_random.c - a seeded random walk of over a million
 * buddy operations against a shadow model, with mm_check() after every
 * single step.
 *
 * Each step is one of
 *   - alloc_pages of a random order 0..MAX_PAGE_ORDER (mostly small: the
 *     order is geometric, sometimes uniform) with a random mask among
 *     GFP_KERNEL, GFP_DMA, GFP_HIGHUSER, plus sometimes __GFP_ZERO,
 *     __GFP_COMP, __GFP_NOWARN;
 *   - __free_pages of a random live block;
 *   - now and then a wrong free (a page that is free, a tail, a live block
 *     with the wrong order, a reserved page), which must be refused.
 *
 * The shadow model is the set of live blocks (pfn, order) and a per-pfn
 * state.  After every step it checks: a new block is naturally aligned,
 * overlaps no live block, comes from the highest zone the mask allows
 * that had a free block big enough (and NULL only when no allowed zone
 * had one), is zeroed under __GFP_ZERO; a freed block lands in a free
 * block of the free lists (it is reusable at once) with its contents
 * untouched while it was live; free + live == managed; a wrong free
 * counts one error and changes nothing; mm_check() == 0.
 *
 * Phases: around 50% fill, around 100% fill (most allocations fail
 * there), an unbiased walk, then everything freed in random order, which
 * must give back the boot-time /proc/buddyinfo.
 *
 * The arena is small so that mm_check after every step stays cheap, yet
 * has all three zones and an order-10 block:
 *
 *   usable [0, 2 MiB)      DMA      pfns 0x000-0x1ff (first MiB reserved)
 *   usable [16, 24 MiB)    Normal   pfns 0x1000-0x13ff (mem_map on top)
 *                          HighMem  pfns 0x1400-0x17ff (highmem=4M): o10
 *
 * MM_TEST_SEED=N replays a run; the seed is printed on any failure.
 */
#include "tests/host/helpers.h"

#include "mm/highmem.h"
#include "mm/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NR_OPS		1000000UL
#define WRONG_FREE_ONE_IN 64

/* Per-pfn shadow state. */
enum { PFN_FREE = 0, PFN_TAIL = 1, PFN_HEAD0 = 2 /* + order */ };

struct live {
	unsigned long pfn;
	unsigned int order;
	uint64_t stamp;
};

static struct live live[8192];
static size_t nlive;
static unsigned char *shadow;		/* max_pfn entries */
static unsigned long live_pages;
static uint64_t seed, rng;
static unsigned long op;
static unsigned long expected_errors;

static void failed(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: %s\n  at op %lu, seed %#llx (MM_TEST_SEED=%#llx replays)\n"
		"  mm log (tail):\n%s\n", file, line, what, op, (unsigned long long)seed,
		(unsigned long long)seed,
		strlen(mm_host_log()) > 4000 ? mm_host_log() + strlen(mm_host_log()) - 4000
					     : mm_host_log());
	fail();
}

#define CHECK(cond)	do { if (!(cond)) failed(__FILE__, __LINE__, #cond); } while (0)

/* ---- block contents ------------------------------------------------------------- */

/* The first word of every page of a live block holds its stamp. */
static void write_stamp(struct page *page, unsigned int order, uint64_t stamp)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		uint64_t *va = kmap_local_page(&page[i]);

		va[0] = stamp + i;
		kunmap_local(va);
	}
}

static bool stamp_intact(struct page *page, unsigned int order, uint64_t stamp)
{
	bool ok = true;

	for (unsigned long i = 0; i < (1UL << order) && ok; i++) {
		uint64_t *va = kmap_local_page(&page[i]);

		ok = va[0] == stamp + i;
		kunmap_local(va);
	}
	return ok;
}

static bool block_is_zero(struct page *page, unsigned int order)
{
	static const unsigned char zero[PAGE_SIZE];
	bool ok = true;

	for (unsigned long i = 0; i < (1UL << order) && ok; i++) {
		void *va = kmap_local_page(&page[i]);

		ok = memcmp(va, zero, PAGE_SIZE) == 0;
		kunmap_local(va);
	}
	return ok;
}

/* ---- the model ------------------------------------------------------------------- */

static bool zone_has_block(enum zone_type z, unsigned int order)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++)
		if (nr_free_blocks(z, o))
			return true;
	return false;
}

/* The zone alloc_pages must serve from: the highest allowed one with a
 * block big enough; MAX_NR_ZONES when none has. */
static enum zone_type expected_zone(gfp_t gfp, unsigned int order)
{
	int top = (gfp & __GFP_DMA) ? ZONE_DMA : (gfp & __GFP_HIGHMEM) ? ZONE_HIGHMEM
								    : ZONE_NORMAL;

	for (int z = top; z >= 0; z--)
		if (zone_has_block((enum zone_type)z, order))
			return (enum zone_type)z;
	return MAX_NR_ZONES;
}

/* Is pfn inside a free block of the free lists? */
static bool pfn_on_free_list(unsigned long pfn)
{
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		const struct page *p = pfn_to_page(head);

		if (PageBuddy(p) && page_order(p) >= o)
			return pfn < head + (1UL << page_order(p));
	}
	return false;
}

static unsigned int random_order(void)
{
	if (rng_below(&rng, 20) == 0)
		return (unsigned int)rng_below(&rng, NR_PAGE_ORDERS);
	/* Geometric: order k with probability 2^-(k+1). */
	unsigned int o = (unsigned int)__builtin_ctzll(rng_next(&rng) | (1ULL << 40));

	return o > MAX_PAGE_ORDER ? MAX_PAGE_ORDER : o;
}

static gfp_t random_gfp(void)
{
	static const gfp_t kinds[] = { GFP_KERNEL, GFP_DMA, GFP_HIGHUSER };
	uint64_t r = rng_next(&rng);
	gfp_t gfp = kinds[r % 3];

	if ((r >> 8) % 4 == 0)
		gfp |= __GFP_ZERO;
	if ((r >> 16) % 8 == 0)
		gfp |= __GFP_COMP;
	if ((r >> 24) % 2 == 0)
		gfp |= __GFP_NOWARN;
	return gfp;
}

static void step_alloc(void)
{
	unsigned int order = random_order();
	gfp_t gfp = random_gfp();
	enum zone_type want = expected_zone(gfp, order);
	unsigned long free_before = nr_free_pages();

	mm_host_log_clear();
	struct page *page = alloc_pages(gfp, order);

	if (!page) {
		CHECK(want == MAX_NR_ZONES);
		CHECK(nr_free_pages() == free_before);
		CHECK((strstr(mm_host_log(), "page allocation failure") != NULL) ==
		      !(gfp & __GFP_NOWARN));
		return;
	}
	unsigned long pfn = page_to_pfn(page);

	CHECK(want != MAX_NR_ZONES);
	CHECK(page_zonenum(page) == want);
	CHECK((pfn & ((1UL << order) - 1)) == 0);
	CHECK(pfn + (1UL << order) <= max_pfn);
	CHECK(PageFlag(page, PG_allocated) && page_order(page) == order);
	CHECK(nr_free_pages() == free_before - (1UL << order));
	for (unsigned long i = 0; i < (1UL << order); i++)
		CHECK(shadow[pfn + i] == PFN_FREE);
	if ((gfp & __GFP_COMP) && order) {
		CHECK(PageHead(page));
		for (unsigned long i = 1; i < (1UL << order); i++)
			CHECK(compound_head(&page[i]) == page);
	}
	if (gfp & __GFP_ZERO)
		CHECK(block_is_zero(page, order));

	shadow[pfn] = (unsigned char)(PFN_HEAD0 + order);
	for (unsigned long i = 1; i < (1UL << order); i++)
		shadow[pfn + i] = PFN_TAIL;
	CHECK(nlive < ARRAY_SIZE(live));
	live[nlive].pfn = pfn;
	live[nlive].order = order;
	live[nlive].stamp = rng_next(&rng) & ~0xfffULL;
	write_stamp(page, order, live[nlive].stamp);
	nlive++;
	live_pages += 1UL << order;
}

static void free_live(size_t i)
{
	struct live b = live[i];
	struct page *page = pfn_to_page(b.pfn);
	unsigned long free_before = nr_free_pages();

	CHECK(stamp_intact(page, b.order, b.stamp));
	__free_pages(page, b.order);
	CHECK(nr_free_pages() == free_before + (1UL << b.order));
	for (unsigned long p = 0; p < (1UL << b.order); p++) {
		shadow[b.pfn + p] = PFN_FREE;
		CHECK(pfn_on_free_list(b.pfn + p));
	}
	live[i] = live[--nlive];
	live_pages -= 1UL << b.order;
}

static void step_free(void)
{
	if (nlive)
		free_live((size_t)rng_below(&rng, nlive));
}

/* A free that the model knows is wrong: it must be refused and counted. */
static void step_wrong_free(void)
{
	unsigned long pfn;
	unsigned int order;
	unsigned long free_before = nr_free_pages();
	uint64_t kind = rng_below(&rng, 4);

	if (kind == 0 && nlive) {
		/* A live block with another order. */
		const struct live *b = &live[rng_below(&rng, nlive)];

		pfn = b->pfn;
		order = (b->order + 1 + (unsigned int)rng_below(&rng, MAX_PAGE_ORDER)) %
			NR_PAGE_ORDERS;
	} else if (kind == 1 && nlive) {
		/* A page inside a live block (order 0 blocks have none). */
		const struct live *b = &live[rng_below(&rng, nlive)];

		if (b->order == 0)
			return;
		pfn = b->pfn + 1 + rng_below(&rng, (1UL << b->order) - 1);
		order = (unsigned int)rng_below(&rng, b->order + 1);
	} else {
		/* Anywhere: free, reserved, a hole, a live head or tail. */
		pfn = (unsigned long)rng_below(&rng, max_pfn);
		order = (unsigned int)rng_below(&rng, NR_PAGE_ORDERS);
	}
	if (shadow[pfn] == PFN_HEAD0 + order)
		return;		/* that one would be a correct free */

	mm_host_log_clear();
	__free_pages(pfn_to_page(pfn), order);
	expected_errors++;
	CHECK(mm_error_count() == expected_errors);
	CHECK(strncmp(mm_host_log(), "BUG: Bad page state in zone ", 28) == 0);
	CHECK(nr_free_pages() == free_before);
}

static void check_step(void)
{
	int bad = mm_check();

	if (bad) {
		char what[64];

		snprintf(what, sizeof(what), "mm_check() = %d", bad);
		failed(__FILE__, __LINE__, what);
	}
	CHECK(nr_free_pages() + live_pages == totalram_pages());
	CHECK(mm_error_count() == expected_errors);
}

/* Allocation is chosen with probability alloc_pct percent. */
static void run_phase(unsigned long ops, unsigned int (*alloc_pct)(void))
{
	for (unsigned long end = op + ops; op < end; op++) {
		if (rng_below(&rng, WRONG_FREE_ONE_IN) == 0)
			step_wrong_free();
		else if (rng_below(&rng, 100) < alloc_pct())
			step_alloc();
		else
			step_free();
		check_step();
	}
}

static unsigned int fill_pct(void)
{
	return (unsigned int)(live_pages * 100 / totalram_pages());
}

/* Around 50% fill: allocate below it, free above it. */
static unsigned int toward_half(void)
{
	return fill_pct() < 50 ? 75 : 25;
}

/* Around 100%: mostly allocate, so most attempts meet a full zone. */
static unsigned int toward_full(void)
{
	return 90;
}

static unsigned int unbiased(void)
{
	return 50;
}

static void test_one_million_random_operations_keep_every_invariant(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(2), MEM_USABLE },
		{ MIB(16), MIB(8), MEM_USABLE },
	};
	char before[1024], after[1024];
	unsigned long peak = 0;
	struct timespec t0, t1;

	(void)state;
	seed = test_seed(0x72616e646f6dULL);
	rng = seed;
	op = 0;
	nlive = 0;
	live_pages = 0;
	expected_errors = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	boot_map(map, ARRAY_SIZE(map), "highmem=4M");
	CHECK(populated_zone(&zones[ZONE_DMA]));
	CHECK(populated_zone(&zones[ZONE_NORMAL]));
	CHECK(populated_zone(&zones[ZONE_HIGHMEM]));
	CHECK(nr_free_blocks(ZONE_HIGHMEM, MAX_PAGE_ORDER) == 1);
	shadow = calloc(max_pfn, 1);
	CHECK(shadow != NULL);
	CHECK(mm_proc_read("/proc/buddyinfo", before, sizeof(before)) > 0);

	run_phase(NR_OPS * 3 / 10, toward_half);
	CHECK(fill_pct() >= 30 && fill_pct() <= 70);
	run_phase(NR_OPS * 4 / 10, toward_full);
	peak = fill_pct();
	CHECK(peak >= 90);
	run_phase(NR_OPS - op, unbiased);

	/* Drain in random order: the boot layout comes back. */
	while (nlive) {
		free_live((size_t)rng_below(&rng, nlive));
		check_step();
		op++;
	}
	CHECK(nr_free_pages() == totalram_pages());
	CHECK(mm_proc_read("/proc/buddyinfo", after, sizeof(after)) > 0);
	CHECK(strcmp(before, after) == 0);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "# %lu operations (%lu refused wrong frees), seed %#llx, %.1f s\n",
		op, expected_errors, (unsigned long long)seed,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(shadow);
	shadow = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_one_million_random_operations_keep_every_invariant,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("buddy_random", tests, NULL, NULL);
}
