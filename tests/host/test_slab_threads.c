/*
 * tests/host/test_slab_threads.c - four threads hammer the same caches
 * and kmalloc at once: each allocates, fills, verifies and frees its own
 * objects (seeded per thread), hands some objects to the other threads
 * through a shared exchange (so objects are freed by a thread other than
 * the one that allocated them), shrinks caches now and then, and runs
 * mm_check() while the others keep going.  At the end mm_check() is 0, no
 * misuse was counted, and after freeing everything and shrinking every
 * cache, nr_free_pages() is back where it started.
 *
 * Now and then a thread asks for a block of 512 KiB..2 MiB and gives it
 * back at once; in the small arena such requests sometimes fail, so that
 * allocations fall back to shrinking every cache (mm_reclaim) while the
 * other threads allocate and free.
 *
 * The host's locks are error-checking pthread mutexes, so a lock-order
 * mistake shows up as a panic or a hang (the runner's timeout) rather than
 * as silent corruption.  cmocka's asserts are not thread-safe: threads
 * record the first failure and stop; the main thread asserts.
 *
 * MM_TEST_SEED=N replays the per-thread seeds (scheduling still varies).
 * Arena: 8 MiB.
 */
#include "tests/host/helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB(x)		((uint64_t)(x) << 20)
#define NR_THREADS	4
#define OPS_PER_THREAD	2000000UL
#define MAX_OWN		400
#define EXCHANGE	64
#define PATTERN_BYTES	((64u << 10) + 4096)
#define CTOR_SIZE	200

struct obj {
	char *ptr;
	size_t size;
	int kind;	/* 0: plain cache, 1: ctor cache, 2: kmalloc */
	uint32_t id;
};

struct worker {
	pthread_t thread;
	unsigned int index;
	uint64_t rng;
	struct obj own[MAX_OWN];
	size_t nown;
	unsigned long allocs, frees, handed, taken, failed_allocs, checks;
	char failure[256];
};

static struct kmem_cache *plain, *ctored;
static unsigned char *pattern;
static unsigned char ctor_state[CTOR_SIZE];
static uint32_t next_id;
static uint64_t seed;
static struct worker workers[NR_THREADS];
static volatile int stop;

static pthread_mutex_t exchange_lock = PTHREAD_MUTEX_INITIALIZER;
static struct obj exchange[EXCHANGE];
static size_t nexchange;

static void fill_ctor_state(unsigned char *out)
{
	for (size_t i = 0; i < CTOR_SIZE; i++)
		out[i] = (unsigned char)(0x3c ^ (i * 5));
}

static unsigned long ctor_runs;

static void thread_ctor(void *obj)
{
	fill_ctor_state(obj);
	__atomic_fetch_add(&ctor_runs, 1, __ATOMIC_RELAXED);
}

static const unsigned char *pattern_of(uint32_t id)
{
	return pattern + (id * 61u) % 4096u;
}

static bool failing(struct worker *w, const char *what, const void *p)
{
	if (!w->failure[0])
		snprintf(w->failure, sizeof(w->failure), "thread %u: %s (%p)", w->index,
			 what, p);
	stop = 1;
	return false;
}

/* ---- one thread's operations ----------------------------------------------------------- */

static bool take_new(struct worker *w)
{
	struct obj o;
	uint64_t r = rng_below(&w->rng, 10);
	gfp_t gfp = (rng_below(&w->rng, 4) ? GFP_KERNEL : GFP_ATOMIC) | __GFP_NOWARN;

	if (r < 3) {
		o.kind = 0;
		o.size = kmem_cache_size(plain);
		o.ptr = kmem_cache_alloc(plain, gfp);
	} else if (r < 6) {
		o.kind = 1;
		o.size = CTOR_SIZE;
		o.ptr = kmem_cache_alloc(ctored, gfp);
		if (o.ptr && memcmp(o.ptr, ctor_state, CTOR_SIZE) != 0)
			return failing(w, "ctor cache handed out an object not constructed", o.ptr);
	} else {
		o.kind = 2;
		o.size = rng_below(&w->rng, 50) ? 1 + rng_below(&w->rng, 8192)
						: 8193 + rng_below(&w->rng, 56 << 10);
		o.ptr = kmalloc(o.size, gfp);
		if (o.ptr && ksize(o.ptr) < o.size)
			return failing(w, "ksize smaller than the request", o.ptr);
	}
	if (!o.ptr) {
		w->failed_allocs++;
		return true;
	}
	o.id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	memcpy(o.ptr, pattern_of(o.id), o.size);
	w->own[w->nown++] = o;
	w->allocs++;
	return true;
}

static bool give_back(struct worker *w, struct obj o)
{
	if (memcmp(o.ptr, pattern_of(o.id), o.size) != 0)
		return failing(w, "a live object was overwritten", o.ptr);
	switch (o.kind) {
	case 0:
		kmem_cache_free(plain, o.ptr);
		break;
	case 1:
		memcpy(o.ptr, ctor_state, CTOR_SIZE);	/* freed constructed */
		kmem_cache_free(ctored, o.ptr);
		break;
	default:
		kfree(o.ptr);
	}
	w->frees++;
	return true;
}

/* Moves one object between this thread and the exchange. */
static bool trade(struct worker *w)
{
	bool give = w->nown && rng_below(&w->rng, 2);
	struct obj o = { 0 };
	bool have = false;

	pthread_mutex_lock(&exchange_lock);
	if (give && nexchange < EXCHANGE) {
		size_t i = rng_below(&w->rng, w->nown);

		exchange[nexchange++] = w->own[i];
		w->own[i] = w->own[--w->nown];
		w->handed++;
	} else if (!give && nexchange) {
		o = exchange[--nexchange];
		have = true;
	}
	pthread_mutex_unlock(&exchange_lock);
	if (!have)
		return true;
	w->taken++;
	return give_back(w, o);	/* freed by a thread that did not allocate it */
}

/* A large block, held for a moment: memory may run short. */
static bool big_block(struct worker *w)
{
	size_t size = (512u << 10) + rng_below(&w->rng, 3u << 19);
	char *p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);

	if (!p) {
		w->failed_allocs++;
		return true;
	}
	if (ksize(p) < size)
		return failing(w, "ksize smaller than a large request", p);
	p[0] = 1;
	p[size - 1] = 2;
	kfree(p);
	return true;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	for (unsigned long op = 0; op < OPS_PER_THREAD && !stop; op++) {
		uint64_t r = rng_below(&w->rng, 1000);
		bool ok = true;

		if (r < 2) {
			kmem_cache_shrink(rng_below(&w->rng, 2) ? plain : ctored);
		} else if (r < 3) {
			if (mm_check() != 0)
				ok = failing(w, "mm_check() while the others run", NULL);
			w->checks++;
		} else if (r < 5) {
			ok = big_block(w);
		} else if (r < 50) {
			ok = trade(w);
		} else if (w->nown < MAX_OWN &&
			   (w->nown == 0 || rng_below(&w->rng, 100) < 52)) {
			ok = take_new(w);
		} else {
			size_t i = rng_below(&w->rng, w->nown);
			struct obj o = w->own[i];

			w->own[i] = w->own[--w->nown];
			ok = give_back(w, o);
		}
		if (!ok)
			break;
	}
	while (w->nown && !w->failure[0])
		give_back(w, w->own[--w->nown]);
	return NULL;
}

/* ---- the test ---------------------------------------------------------------------------- */

static void test_threads_share_caches_and_kmalloc_safely(void **state)
{
	(void)state;
	struct timespec t0, t1;
	uint64_t rng;

	seed = test_seed(0x74687264ULL);	/* "thrd" */
	rng = seed;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	boot_simple(MIB(8), "");
	pattern = malloc(PATTERN_BYTES);
	assert_non_null(pattern);
	for (size_t i = 0; i < PATTERN_BYTES; i++)
		pattern[i] = (unsigned char)rng_next(&rng);
	fill_ctor_state(ctor_state);
	shrink_all_caches();
	unsigned long boot_free = nr_free_pages();

	plain = kmem_cache_create("thr-plain", 72, 0, 0, NULL);
	ctored = kmem_cache_create("thr-ctor", CTOR_SIZE, 0, SLAB_HWCACHE_ALIGN, thread_ctor);
	assert_non_null(plain);
	assert_non_null(ctored);
	unsigned long start_free = nr_free_pages();

	stop = 0;
	ctor_runs = 0;
	nexchange = 0;
	next_id = 1;
	for (unsigned int i = 0; i < NR_THREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].index = i;
		workers[i].rng = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		assert_int_equal(pthread_create(&workers[i].thread, NULL, work, &workers[i]), 0);
	}
	for (unsigned int i = 0; i < NR_THREADS; i++)
		pthread_join(workers[i].thread, NULL);

	unsigned long allocs = 0, frees = 0, taken = 0, failed = 0, checks = 0;

	for (unsigned int i = 0; i < NR_THREADS; i++) {
		if (workers[i].failure[0]) {
			fprintf(stderr, "%s; seed %#llx (MM_TEST_SEED to replay)\nlog:\n%s\n",
				workers[i].failure, (unsigned long long)seed, mm_host_log());
			fail();
		}
		allocs += workers[i].allocs;
		frees += workers[i].frees;
		taken += workers[i].taken;
		failed += workers[i].failed_allocs;
		checks += workers[i].checks;
	}
	/* What is still in the exchange goes back too. */
	while (nexchange) {
		assert_true(give_back(&workers[0], exchange[--nexchange]));
		frees++;
	}
	assert_int_equal(allocs, frees);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();

	struct kmem_cache_stats st;

	kmem_cache_get_stats(plain, &st);
	assert_int_equal(st.objects_active, 0);
	kmem_cache_get_stats(ctored, &st);
	assert_int_equal(st.objects_active, 0);
	/* Once per object of every slab created, however the threads raced
	 * to grow the cache (memory never ran short: no smaller fallback
	 * slabs). */
	struct kmem_cache_layout l;

	kmem_cache_get_layout(ctored, &l);
	assert_int_equal(ctor_runs, st.ctor_calls);
	assert_int_equal(st.ctor_calls, st.slabs_created * l.objects);
	shrink_all_caches();
	assert_int_equal(nr_free_pages(), start_free);
	kmem_cache_destroy(plain);
	kmem_cache_destroy(ctored);
	shrink_all_caches();
	assert_int_equal(nr_free_pages(), boot_free);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
	free(pattern);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %d threads x %lu ops, seed %#llx: %lu allocs (%lu failed), %lu frees, "
	       "%lu freed by another thread, %lu concurrent mm_check; %.1f s\n", NR_THREADS,
	       OPS_PER_THREAD, (unsigned long long)seed, allocs, failed, frees, taken, checks,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_threads_share_caches_and_kmalloc_safely, teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_threads", tests, NULL, NULL);
}
