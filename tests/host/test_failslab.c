/*
 * tests/host/test_failslab.c - fault injection into slab allocations
 * (failslab=PERCENT, slab_debug=A): a randomized workload over several
 * caches, bulk allocations and kmalloc sees about the asked share of
 * failed allocations, handles every one, stays consistent (mm_check()
 * after every CHECK_EVERY operations) and, once everything is freed and
 * the caches are shrunk or destroyed, gives every page back.
 *
 * A shadow model remembers each live object's size and the byte pattern
 * written into it; the pattern is verified when the object is freed, so
 * an object handed out twice, or overlapping another, is caught.
 * MM_TEST_SEED picks the workload; the seed is printed on failure.
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/slab_internal.h"

#define ARENA_BYTES	(64ULL << 20)
#define DEFAULT_SEED	0xfa175eedULL
#define NR_OPS		200000
#define NR_SLOTS	2048
#define CHECK_EVERY	10000
#define BULK_NR		4
#define NR_CACHES	4
#define KMALLOC_SLOT	NR_CACHES		/* kind of a kmalloc'd slot */
#define CTOR_MAGIC	0xc0c0c0c0u

struct slot {
	void *p;
	size_t size;
	unsigned int kind;	/* cache index, or KMALLOC_SLOT */
	uint8_t tag;
};

struct workload {
	uint64_t seed, rng;
	struct kmem_cache *caches[NR_CACHES];
	struct slot slots[NR_SLOTS];
	/* Allocations that could be injected (slab-backed), and failures. */
	unsigned long attempts, failures;
	unsigned long bulk_attempts, bulk_failures;
	unsigned long large_allocs;
	unsigned long cache_failures[NR_CACHES];
};

static void ctor_magic(void *p)
{
	*(uint32_t *)p = CTOR_MAGIC;
}

static const struct {
	const char *name;
	unsigned int size;
	slab_flags_t flags;
	void (*ctor)(void *);
} cache_defs[NR_CACHES] = {
	{ "fs-24", 24, 0, NULL },
	{ "fs-100", 100, SLAB_HWCACHE_ALIGN, NULL },
	{ "fs-ctor-512", 512, 0, ctor_magic },
	{ "fs-2000", 2000, SLAB_RECLAIM_ACCOUNT, NULL },
};

static void fail_with_seed(const struct workload *w, const char *what)
{
	fprintf(stderr, "%s (MM_TEST_SEED=%#llx); log tail:\n%s\n", what,
		(unsigned long long)w->seed,
		strlen(mm_host_log()) > 4000 ? mm_host_log() + strlen(mm_host_log()) - 4000
					     : mm_host_log());
	fail();
}

/* The first bytes of a ctor object keep the constructor's magic. */
static size_t pattern_start(const struct slot *sl)
{
	return sl->kind < NR_CACHES && cache_defs[sl->kind].ctor ? sizeof(uint32_t) : 0;
}

static void fill(struct slot *sl)
{
	memset((uint8_t *)sl->p + pattern_start(sl), sl->tag, sl->size - pattern_start(sl));
}

static void verify(const struct workload *w, const struct slot *sl)
{
	const uint8_t *b = sl->p;

	if (pattern_start(sl) && *(const uint32_t *)b != CTOR_MAGIC)
		fail_with_seed(w, "a constructed object lost its state");
	for (size_t i = pattern_start(sl); i < sl->size; i++)
		if (b[i] != sl->tag)
			fail_with_seed(w, "object contents changed while it was live");
}

static size_t kmalloc_size(struct workload *w)
{
	switch (rng_below(&w->rng, 8)) {
	case 0:
		return 1 + rng_below(&w->rng, KMALLOC_MAX_CACHE_SIZE);
	case 1:		/* large: pages, never injected */
		return KMALLOC_MAX_CACHE_SIZE + 1 + rng_below(&w->rng, 3 * PAGE_SIZE);
	default:
		return 1 + rng_below(&w->rng, 256);
	}
}

static void do_alloc(struct workload *w, struct slot *sl)
{
	unsigned int kind = (unsigned int)rng_below(&w->rng, NR_CACHES + 2);

	if (kind > KMALLOC_SLOT)
		kind = KMALLOC_SLOT;	/* kmalloc twice as often */
	sl->kind = kind;
	sl->tag = (uint8_t)rng_next(&w->rng);
	if (kind == KMALLOC_SLOT) {
		sl->size = kmalloc_size(w);
		sl->p = kmalloc(sl->size, GFP_KERNEL);
		if (sl->size > KMALLOC_MAX_CACHE_SIZE) {
			w->large_allocs++;
			if (!sl->p)
				fail_with_seed(w, "a large kmalloc failed");
		} else {
			w->attempts++;
			w->failures += !sl->p;
		}
	} else {
		sl->size = cache_defs[kind].size;
		sl->p = kmem_cache_alloc(w->caches[kind], GFP_KERNEL);
		w->attempts++;
		w->failures += !sl->p;
		w->cache_failures[kind] += !sl->p;
	}
	if (sl->p)
		fill(sl);
}

static void do_free(struct workload *w, struct slot *sl)
{
	verify(w, sl);
	if (sl->kind == KMALLOC_SLOT)
		kfree(sl->p);
	else
		kmem_cache_free(w->caches[sl->kind], sl->p);
	sl->p = NULL;
}

/* All or nothing: nr objects, or none and every slot of p untouched. */
static void do_bulk(struct workload *w)
{
	unsigned int kind = (unsigned int)rng_below(&w->rng, NR_CACHES);
	struct kmem_cache *s = w->caches[kind];
	struct slot sl[BULK_NR];
	void *p[BULK_NR];

	w->bulk_attempts++;
	if (kmem_cache_alloc_bulk(s, GFP_KERNEL, BULK_NR, p) == 0) {
		w->bulk_failures++;
		w->cache_failures[kind]++;
		return;
	}
	for (int i = 0; i < BULK_NR; i++) {
		sl[i] = (struct slot){ p[i], cache_defs[kind].size, kind,
				       (uint8_t)rng_next(&w->rng) };
		fill(&sl[i]);
	}
	for (int i = 0; i < BULK_NR; i++)
		verify(w, &sl[i]);
	kmem_cache_free_bulk(s, BULK_NR, p);
}

static void shrink_one(struct kmem_cache *s, void *ctx)
{
	(void)ctx;
	kmem_cache_shrink(s);
}

/*
 * Runs the workload under the options of cmdline; afterwards every object
 * is freed, the caches destroyed, the rest shrunk, and the free page
 * count must be what it was right after boot.
 */
static void run_workload(struct workload *w, const char *cmdline)
{
	boot_simple(ARENA_BYTES, cmdline);
	drain_all_pages(NULL);
	unsigned long free_at_boot = nr_free_pages();

	memset(w, 0, sizeof(*w));
	w->seed = w->rng = test_seed(DEFAULT_SEED);
	for (int i = 0; i < NR_CACHES; i++) {
		w->caches[i] = kmem_cache_create(cache_defs[i].name, cache_defs[i].size, 0,
						 cache_defs[i].flags, cache_defs[i].ctor);
		assert_non_null(w->caches[i]);
	}
	for (unsigned long op = 1; op <= NR_OPS; op++) {
		if (rng_below(&w->rng, 50) == 0) {
			do_bulk(w);
		} else {
			struct slot *sl = &w->slots[rng_below(&w->rng, NR_SLOTS)];

			if (sl->p)
				do_free(w, sl);
			else
				do_alloc(w, sl);
		}
		if (op % CHECK_EVERY == 0 && mm_check() != 0)
			fail_with_seed(w, "mm_check failed during the workload");
	}
	for (size_t i = 0; i < NR_SLOTS; i++)
		if (w->slots[i].p)
			do_free(w, &w->slots[i]);
	if (mm_check() != 0)
		fail_with_seed(w, "mm_check failed after freeing everything");

	/* Every failure of a cache is in its statistics, once. */
	for (int i = 0; i < NR_CACHES; i++) {
		struct kmem_cache_stats st;

		kmem_cache_get_stats(w->caches[i], &st);
		assert_int_equal(st.alloc_failures, w->cache_failures[i]);
		assert_int_equal(st.objects_active, 0);
		kmem_cache_destroy(w->caches[i]);
	}
	kmem_cache_for_each(shrink_one, NULL);
	drain_all_pages(NULL);
	assert_int_equal(nr_free_pages(), free_at_boot);
	assert_int_equal(kmalloc_large_pages(), 0);
	assert_mm_clean();
	/* Injected failures are not misuse, and print nothing. */
	assert_int_equal(mm_error_count(), 0);
	assert_log_lacks("BUG");
	assert_log_lacks("allocation failure");
	printf("# %s: %lu of %lu slab allocations failed, %lu of %lu bulk, %lu injected\n",
	       cmdline, w->failures, w->attempts, w->bulk_failures, w->bulk_attempts,
	       slab_failslab_injected());
}

static struct workload wl;

static void assert_about_one_percent(const struct workload *w)
{
	/* 1% of ~100k attempts is ~1000 with a standard deviation of ~31;
	 * the band is many deviations wide, and still far from 0 and 2%. */
	assert_true(w->attempts > 80000);
	if (w->failures * 1000 < w->attempts * 6 || w->failures * 1000 > w->attempts * 15)
		fail_with_seed(w, "failure rate outside 0.6% .. 1.5%");
	/* Each failed bulk allocation stops at its first injected failure. */
	assert_int_equal(slab_failslab_injected(), w->failures + w->bulk_failures);
	assert_true(w->bulk_failures > 0);
	assert_true(w->bulk_failures < w->bulk_attempts / 4);
	assert_true(w->large_allocs > 0);
}

static void test_failslab_workload_fails_about_one_percent_and_leaks_nothing(void **state)
{
	(void)state;
	run_workload(&wl, "failslab=1");
	assert_about_one_percent(&wl);
}

static void test_failslab_with_full_debugging_stays_consistent(void **state)
{
	(void)state;
	run_workload(&wl, "slab_debug=FZPUA failslab=1");
	assert_about_one_percent(&wl);
}

static void test_failslab_zero_percent_injects_nothing(void **state)
{
	(void)state;
	run_workload(&wl, "slab_debug=A failslab=0");
	assert_int_equal(wl.failures, 0);
	assert_int_equal(wl.bulk_failures, 0);
	assert_int_equal(slab_failslab_injected(), 0);
}

/* slab_debug=A names the caches failslab= applies to; others never fail. */
static void test_failslab_applies_only_to_caches_with_A(void **state)
{
	(void)state;
	boot_simple(ARENA_BYTES, "slab_debug=A,kmalloc-64,victim failslab=100");
	struct kmem_cache *victim = kmem_cache_create("victim", 40, 0, 0, NULL);
	struct kmem_cache *bystander = kmem_cache_create("bystander", 40, 0, 0, NULL);
	void *p[3];

	assert_non_null(victim);
	assert_non_null(bystander);
	for (int i = 0; i < 100; i++) {
		assert_null(kmalloc(64, GFP_KERNEL));
		assert_null(kmem_cache_alloc(victim, GFP_KERNEL));
		assert_int_equal(kmem_cache_alloc_bulk(victim, GFP_KERNEL, 3, p), 0);

		void *a = kmalloc(128, GFP_KERNEL);
		void *b = kmem_cache_alloc(bystander, GFP_KERNEL);

		assert_non_null(a);
		assert_non_null(b);
		kfree(a);
		kmem_cache_free(bystander, b);
	}
	assert_int_equal(slab_failslab_injected(), 300);
	kmem_cache_destroy(victim);
	kmem_cache_destroy(bystander);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 0);
}

/* As in Linux, the cache that struct kmem_cache comes from is never
 * injected: creating a cache must not fail (or panic, with SLAB_PANIC)
 * because of failslab. */
static void test_failslab_spares_the_cache_of_caches(void **state)
{
	(void)state;
	boot_simple(ARENA_BYTES, "failslab=100");
	for (int i = 0; i < 50; i++) {
		struct kmem_cache *s = kmem_cache_create("created", 32, 0, SLAB_PANIC, NULL);

		assert_non_null(s);
		assert_null(kmem_cache_alloc(s, GFP_KERNEL));
		kmem_cache_destroy(s);
	}
	assert_null(kmalloc(32, GFP_KERNEL));
	void *big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);	/* pages: not injected */

	assert_non_null(big);
	kfree(big);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_failslab_workload_fails_about_one_percent_and_leaks_nothing, teardown_mm),
		cmocka_unit_test_teardown(test_failslab_with_full_debugging_stays_consistent, teardown_mm),
		cmocka_unit_test_teardown(test_failslab_zero_percent_injects_nothing, teardown_mm),
		cmocka_unit_test_teardown(test_failslab_applies_only_to_caches_with_A, teardown_mm),
		cmocka_unit_test_teardown(test_failslab_spares_the_cache_of_caches, teardown_mm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
