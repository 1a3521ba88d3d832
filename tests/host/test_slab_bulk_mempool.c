/*
 * tests/host/test_slab_bulk_mempool.c - kmem_cache_alloc_bulk and
 * kmem_cache_free_bulk (all or nothing), and mempools: the reserve of
 * min_nr elements, falling back to it when the allocator fails, refilling
 * it on free, and giving everything back on destroy.
 *
 * "Exhausting memory" below means taking every free page with
 * alloc_pages (after shrinking every cache), so that only what a test
 * gives back, page by page, is left to the allocator.
 *
 * Arena: 16 MiB.
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static void boot(void)
{
	boot_simple(MIB(16), "");
}

static struct kmem_cache_stats stats_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st;
}

static struct kmem_cache_layout layout_of(struct kmem_cache *c)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(c, &l);
	return l;
}

/* ---- taking every page ---------------------------------------------------------- */

static struct page *held[4096];
static size_t nheld;

static void exhaust_memory(void)
{
	struct page *pg;

	shrink_all_caches();
	nheld = 0;
	while ((pg = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)) != NULL) {
		assert_true(nheld < ARRAY_SIZE(held));
		held[nheld++] = pg;
	}
	assert_int_equal(nr_free_pages(), 0);
}

static void give_back_pages(size_t n)
{
	while (n-- && nheld)
		__free_pages(held[--nheld], 0);
}

/* ---- bulk ---------------------------------------------------------------------------- */

static void test_bulk_alloc_returns_nr_distinct_objects(void **state)
{
	(void)state;
	enum { N = 300 };
	static void *p[N];

	boot();
	struct kmem_cache *c = kmem_cache_create("bulk", 100, 0, 0, NULL);

	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL, N, p), N);
	for (int i = 0; i < N; i++) {
		assert_non_null(p[i]);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(p[i], p[j]);
		memset(p[i], i, 100);
	}
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(st.allocs, N);
	assert_int_equal(st.objects_active, N);
	assert_mm_clean();
	for (int i = 0; i < N; i++)
		for (int b = 0; b < 100; b++)
			assert_int_equal(((unsigned char *)p[i])[b], (unsigned char)i);
	kmem_cache_free_bulk(c, N, p);
	st = stats_of(c);
	assert_int_equal(st.frees, N);
	assert_int_equal(st.objects_active, 0);

	/* __GFP_ZERO zeroes each object (they were dirtied above). */
	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL | __GFP_ZERO, N, p), N);
	for (int i = 0; i < N; i++)
		for (int b = 0; b < 100; b++)
			assert_int_equal(((unsigned char *)p[i])[b], 0);
	kmem_cache_free_bulk(c, N, p);

	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL, 0, p), 0);
	assert_int_equal(stats_of(c).objects_active, 0);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/*
 * 512-byte objects, 8 to a one-page slab.  With 2 pages left, a bulk
 * request for 40 objects (5 slabs) gets 16 and fails: it must free the 16
 * and return 0.  Of the two slabs it grew, the first to empty stays as
 * the cache's reserve and the second goes back at once; shrinking returns
 * the reserve too, and then every page is back.
 */
static void test_bulk_alloc_is_all_or_nothing_when_memory_runs_out(void **state)
{
	(void)state;
	static void *p[40];

	boot();
	struct kmem_cache *c = kmem_cache_create("bulk512", 512, 0, 0, NULL);

	assert_int_equal(layout_of(c).objects, 8);
	assert_int_equal(layout_of(c).order, 0);
	exhaust_memory();
	give_back_pages(2);
	assert_int_equal(nr_free_pages(), 2);

	unsigned long errors = mm_error_count();

	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL | __GFP_NOWARN, 40, p), 0);
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(st.objects_active, 0);
	assert_int_equal(st.allocs, 16);
	assert_int_equal(st.frees, 16);
	assert_int_equal(st.alloc_failures, 1);
	assert_int_equal(st.slabs_created, 2);
	assert_int_equal(mm_error_count(), errors);	/* out of memory is no misuse */
	assert_mm_clean();
	assert_int_equal(nr_free_pages(), 1);
	assert_int_equal(kmem_cache_shrink(c), 0);
	assert_int_equal(nr_free_pages(), 2);

	/* What fits still works in one go. */
	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL, 16, p), 16);
	kmem_cache_free_bulk(c, 16, p);
	assert_int_equal(kmem_cache_shrink(c), 0);
	assert_int_equal(nr_free_pages(), 2);
	give_back_pages(nheld);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

/* ---- mempool: a counting allocator ------------------------------------------------------ */

struct counting {
	struct kmem_cache *cache;
	unsigned long allocs, frees;
	unsigned long fail_after;	/* allocations that succeed; ~0 = all */
};

static void *counting_alloc(gfp_t gfp, void *data)
{
	struct counting *c = data;

	if (c->allocs >= c->fail_after)
		return NULL;
	void *e = kmem_cache_alloc(c->cache, gfp);

	c->allocs += e != NULL;
	return e;
}

static void counting_free(void *e, void *data)
{
	struct counting *c = data;

	c->frees++;
	kmem_cache_free(c->cache, e);
}

static void test_mempool_create_fills_a_reserve_of_min_nr(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("pool-objs", 256, 0, 0, NULL);
	mempool_t *pool = mempool_create_slab_pool(5, c);

	assert_non_null(pool);
	assert_int_equal(pool->min_nr, 5);
	assert_int_equal(pool->curr_nr, 5);
	assert_int_equal(stats_of(c).objects_active, 5);
	mempool_destroy(pool);
	assert_int_equal(stats_of(c).objects_active, 0);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_mempool_create_refuses_bad_arguments(void **state)
{
	(void)state;
	boot();
	struct counting cnt = { kmem_cache_create("pool-bad", 64, 0, 0, NULL), 0, 0, ~0UL };

	mm_host_log_clear();
	assert_null(mempool_create(0, counting_alloc, counting_free, &cnt));
	assert_int_equal(log_lines(), 1);
	assert_log_contains("mempool_create: ");
	mm_host_log_clear();
	assert_null(mempool_create(-3, counting_alloc, counting_free, &cnt));
	assert_int_equal(log_lines(), 1);
	assert_null(mempool_create(2, NULL, counting_free, &cnt));
	assert_null(mempool_create(2, counting_alloc, NULL, &cnt));
	assert_int_equal(cnt.allocs, 0);
	kmem_cache_destroy(cnt.cache);
	assert_mm_clean();
}

/* An allocator that fails while the reserve is filled: NULL, and the
 * elements already taken are given back. */
static void test_mempool_create_gives_back_a_partial_reserve_on_failure(void **state)
{
	(void)state;
	boot();
	struct counting cnt = { kmem_cache_create("pool-fail", 64, 0, 0, NULL), 0, 0, 3 };

	shrink_all_caches();
	unsigned long free = nr_free_pages();

	assert_null(mempool_create(8, counting_alloc, counting_free, &cnt));
	assert_int_equal(cnt.allocs, 3);
	assert_int_equal(cnt.frees, 3);
	assert_int_equal(stats_of(cnt.cache).objects_active, 0);
	shrink_all_caches();
	assert_int_equal(nr_free_pages(), free);
	kmem_cache_destroy(cnt.cache);
	assert_mm_clean();
}

/* The pool itself is had (kmalloc-128 has room) but its array of 2048
 * element pointers (a 16 KiB block) is not: NULL, nothing kept. */
static void test_mempool_create_fails_cleanly_without_room_for_its_array(void **state)
{
	(void)state;
	boot();
	struct counting cnt = { kmem_cache_create("pool-array", 64, 0, 0, NULL), 0, 0, ~0UL };
	struct kmem_cache *k128 = kmalloc_slab(sizeof(mempool_t), GFP_KERNEL);
	void *keep = kmalloc(sizeof(mempool_t), GFP_KERNEL);	/* a partial slab */

	assert_int_equal(kmem_cache_size(k128), 128);
	exhaust_memory();
	unsigned long active = stats_of(k128).objects_active;

	assert_null(mempool_create(2048, counting_alloc, counting_free, &cnt));
	assert_int_equal(stats_of(k128).objects_active, active);
	assert_int_equal(cnt.allocs, 0);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
	give_back_pages(nheld);
	kfree(keep);
	kmem_cache_destroy(cnt.cache);
}

/*
 * 1024-byte objects (8 to an order-1 slab), a reserve of 4.  With every
 * page taken and the cache's slabs full, the allocator fails: the pool
 * hands out its 4 reserved elements, then fails too.  Frees refill the
 * reserve first; only a free to a full reserve reaches the cache.
 */
static void test_mempool_alloc_falls_back_to_the_reserve_and_free_refills_it(void **state)
{
	(void)state;
	static void *drained[64];
	size_t ndrained = 0;
	void *e[4], *x;

	boot();
	struct counting cnt = { kmem_cache_create("pool-1k", 1024, 0, 0, NULL), 0, 0, ~0UL };
	struct kmem_cache *c = cnt.cache;
	mempool_t *pool = mempool_create(4, counting_alloc, counting_free, &cnt);

	assert_non_null(pool);
	assert_int_equal(cnt.allocs, 4);

	/* While the allocator works, the reserve is not touched. */
	x = mempool_alloc(pool, GFP_KERNEL);
	assert_non_null(x);
	assert_int_equal(pool->curr_nr, 4);
	assert_int_equal(cnt.allocs, 5);

	exhaust_memory();
	while ((drained[ndrained] = kmem_cache_alloc(c, GFP_NOWAIT | __GFP_NOWARN)) != NULL)
		assert_true(++ndrained < ARRAY_SIZE(drained));
	unsigned long objects = stats_of(c).objects_active;

	for (int i = 0; i < 4; i++) {
		e[i] = mempool_alloc(pool, GFP_NOWAIT);
		assert_non_null(e[i]);
		assert_int_equal(pool->curr_nr, 3 - i);
		assert_int_equal(pool->reserve_used, (unsigned long)i + 1);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(e[i], e[j]);
		assert_ptr_not_equal(e[i], x);
	}
	assert_null(mempool_alloc(pool, GFP_NOWAIT));
	assert_null(mempool_alloc(pool, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(stats_of(c).objects_active, objects);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();

	/* Frees refill the reserve before anything goes back to the cache. */
	for (int i = 0; i < 4; i++) {
		mempool_free(e[i], pool);
		assert_int_equal(pool->curr_nr, i + 1);
		assert_int_equal(stats_of(c).objects_active, objects);
		assert_int_equal(cnt.frees, 0);
	}
	mempool_free(x, pool);	/* the reserve is full: to the cache */
	assert_int_equal(cnt.frees, 1);
	assert_int_equal(stats_of(c).objects_active, objects - 1);
	mempool_free(NULL, pool);	/* nothing */
	assert_int_equal(cnt.frees, 1);

	while (ndrained)
		kmem_cache_free(c, drained[--ndrained]);
	give_back_pages(nheld);
	mempool_destroy(pool);
	assert_int_equal(cnt.frees, 5);
	assert_int_equal(stats_of(c).objects_active, 0);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_mempool_destroy_releases_everything(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("pool-destroy", 700, 0, 0, NULL);

	/* Warm up: the pool and its element array come from kmalloc caches. */
	mempool_destroy(mempool_create_slab_pool(50, c));
	mempool_destroy(mempool_create_kmalloc_pool(50, 3000));
	shrink_all_caches();
	unsigned long free = nr_free_pages();

	mempool_t *a = mempool_create_slab_pool(50, c);
	mempool_t *b = mempool_create_kmalloc_pool(50, 3000);

	assert_non_null(a);
	assert_non_null(b);
	assert_true(nr_free_pages() < free);
	void *ea = mempool_alloc(a, GFP_KERNEL), *eb = mempool_alloc(b, GFP_KERNEL);

	mempool_free(ea, a);
	mempool_free(eb, b);
	mempool_destroy(a);
	mempool_destroy(b);
	mempool_destroy(NULL);
	shrink_all_caches();
	assert_int_equal(nr_free_pages(), free);
	assert_int_equal(stats_of(c).objects_active, 0);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_kmalloc_pool_hands_out_kmalloc_blocks(void **state)
{
	(void)state;
	boot();
	/* Elements of 300 bytes: kmalloc-512, apart from the classes of the
	 * pool itself and its element array. */
	struct kmem_cache *k512 = kmalloc_slab(512, GFP_KERNEL);
	unsigned long before = stats_of(k512).objects_active;
	mempool_t *pool = mempool_create_kmalloc_pool(3, 300);

	assert_non_null(pool);
	assert_int_equal(stats_of(k512).objects_active, before + 3);
	for (int i = 0; i < pool->curr_nr; i++)
		assert_int_equal(ksize(pool->elements[i]), 512);
	void *e = mempool_alloc(pool, GFP_KERNEL);

	assert_non_null(e);
	assert_int_equal(ksize(e), 512);
	assert_int_equal(pool->curr_nr, 3);
	assert_int_equal(stats_of(k512).objects_active, before + 4);
	memset(e, 0xee, 300);
	mempool_free(e, pool);
	assert_int_equal(stats_of(k512).objects_active, before + 3);
	mempool_destroy(pool);
	assert_int_equal(stats_of(k512).objects_active, before);

	/* A slab pool works on kmalloc's caches as on any other. */
	pool = mempool_create_slab_pool(2, kmalloc_slab(1024, GFP_KERNEL));
	e = mempool_alloc(pool, GFP_KERNEL);
	assert_int_equal(ksize(e), 1024);
	mempool_free(e, pool);
	mempool_destroy(pool);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bulk_alloc_returns_nr_distinct_objects, teardown_mm),
		cmocka_unit_test_teardown(test_bulk_alloc_is_all_or_nothing_when_memory_runs_out,
					  teardown_mm),
		cmocka_unit_test_teardown(test_mempool_create_fills_a_reserve_of_min_nr, teardown_mm),
		cmocka_unit_test_teardown(test_mempool_create_refuses_bad_arguments, teardown_mm),
		cmocka_unit_test_teardown(test_mempool_create_gives_back_a_partial_reserve_on_failure,
					  teardown_mm),
		cmocka_unit_test_teardown(test_mempool_create_fails_cleanly_without_room_for_its_array,
					  teardown_mm),
		cmocka_unit_test_teardown(test_mempool_alloc_falls_back_to_the_reserve_and_free_refills_it,
					  teardown_mm),
		cmocka_unit_test_teardown(test_mempool_destroy_releases_everything, teardown_mm),
		cmocka_unit_test_teardown(test_kmalloc_pool_hands_out_kmalloc_blocks, teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_bulk_mempool", tests, NULL, NULL);
}
