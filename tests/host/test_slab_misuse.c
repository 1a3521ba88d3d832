/*
 * tests/host/test_slab_misuse.c - DESIGN.md section 6, the slab cases:
 * every misuse is refused, reported with a first line starting "BUG" that
 * names the cache (or the function) and the address, counted exactly once
 * in mm_error_count(), and leaves every invariant intact (mm_check() == 0)
 * and the cache working.  No object is ever handed out twice.
 *
 * Arena: 16 MiB (all ZONE_DMA; zones do not matter here).
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static void boot(void)
{
	boot_simple(MIB(16), "");
}

static struct kmem_cache_layout layout_of(struct kmem_cache *c)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(c, &l);
	return l;
}

static void null_ctor(void *obj)
{
	(void)obj;
}

/* The cache still hands out and takes back objects, without complaint. */
static void assert_cache_works(struct kmem_cache *c)
{
	unsigned long errors = mm_error_count();
	void *obj = kmem_cache_alloc(c, GFP_KERNEL);

	assert_non_null(obj);
	memset(obj, 0x3c, kmem_cache_size(c));
	kmem_cache_free(c, obj);
	assert_int_equal(mm_error_count(), errors);
	assert_mm_clean();
}

/* ---- a set of live pointers: nothing may be handed out twice ---------------------- */

#define MAX_LIVE	4096
static void *live[MAX_LIVE];
static size_t nlive;

static void live_reset(void)
{
	nlive = 0;
}

static void live_add(void *p)
{
	assert_non_null(p);
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == p) {
			fprintf(stderr, "object %p handed out twice\n", p);
			fail();
		}
	assert_true(nlive < MAX_LIVE);
	live[nlive++] = p;
}

static void live_free_all(struct kmem_cache *c)
{
	unsigned long errors = mm_error_count();

	for (size_t i = 0; i < nlive; i++)
		kmem_cache_free(c, live[i]);
	nlive = 0;
	assert_int_equal(mm_error_count(), errors);
	assert_mm_clean();
}

/* ---- double free --------------------------------------------------------------------- */

static void test_double_free_of_the_last_freed_object_is_refused(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *k64 = kmalloc_slab(64, GFP_KERNEL);
	void *keep = kmalloc(64, GFP_KERNEL);	/* keeps the slab partial */
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	unsigned long errors = misuse_begin();

	kfree(p);
	assert_refused(errors, "BUG kmalloc-64: Object already free");
	char addr[32];

	ksnprintf(addr, sizeof(addr), "%p", p);
	assert_log_contains(addr);

	/* The same through kmem_cache_free. */
	errors = misuse_begin();
	kmem_cache_free(k64, p);
	assert_refused(errors, "BUG kmalloc-64: Object already free");

	/* p is on the freelist once: it comes back once. */
	live_reset();
	live_add(keep);
	for (unsigned int i = 0; i < 3 * layout_of(k64).objects; i++)
		live_add(kmalloc(64, GFP_KERNEL));
	live_free_all(k64);
	assert_cache_works(k64);
}

/*
 *   free A:        freelist A
 *   free B:        freelist B -> A
 *   free C..L:     freelist L -> ... -> C -> B -> A
 *   free A again:  A is not the head; its free pointer is valid and the
 *                  walk finds it: "Object already free".
 */
static void double_free_deep_in_the_freelist(void (*ctor)(void *))
{
	boot();
	struct kmem_cache *c = kmem_cache_create("deep", 64, 0, 0, ctor);
	unsigned int n = layout_of(c).objects;
	void *objs[64];

	assert_non_null(c);
	assert_true(n <= ARRAY_SIZE(objs) && n > 12);
	for (unsigned int i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);	/* one full slab */
	kmem_cache_free(c, objs[0]);	/* A */
	kmem_cache_free(c, objs[1]);	/* B */
	unsigned long errors = misuse_begin();

	kmem_cache_free(c, objs[0]);
	assert_refused(errors, "BUG deep: Object already free");

	for (unsigned int i = 2; i < 12; i++)
		kmem_cache_free(c, objs[i]);
	errors = misuse_begin();
	kmem_cache_free(c, objs[0]);
	assert_refused(errors, "BUG deep: Object already free");
	errors = misuse_begin();
	kmem_cache_free(c, objs[6]);
	assert_refused(errors, "BUG deep: Object already free");

	/* The 12 free objects come back once each, then a new slab. */
	live_reset();
	for (unsigned int i = 12; i < n; i++)
		live_add(objs[i]);
	for (unsigned int i = 0; i < 12 + n; i++)
		live_add(kmem_cache_alloc(c, GFP_KERNEL));
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	assert_int_equal(st.slabs_created, 2);
	live_free_all(c);
	assert_cache_works(c);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

static void test_double_free_of_an_older_object_deep_in_the_freelist_is_refused(void **state)
{
	(void)state;
	double_free_deep_in_the_freelist(NULL);
}

static void test_double_free_deep_in_the_freelist_of_a_ctor_cache_is_refused(void **state)
{
	(void)state;
	double_free_deep_in_the_freelist(null_ctor);
}

/* An object whose slab emptied and stayed as the reserve. */
static void test_double_free_into_an_empty_slab_is_refused(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("empty-slab", 512, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_free(c, p);	/* the slab is empty, kept */
	unsigned long errors = misuse_begin();

	kmem_cache_free(c, p);
	assert_refused(errors, "BUG empty-slab: Object already free");
	assert_cache_works(c);
	kmem_cache_destroy(c);
}

/* ---- pointers that are not objects --------------------------------------------------------- */

static void test_free_of_a_pointer_inside_an_object_is_refused(void **state)
{
	(void)state;
	boot();
	char *p = kmalloc(64, GFP_KERNEL);

	memset(p, 0x11, 64);
	unsigned long errors = misuse_begin();

	kfree(p + 8);
	assert_refused(errors, "BUG kmalloc-64: Invalid object pointer");
	errors = misuse_begin();
	kfree(p + 63);
	assert_refused(errors, "BUG kmalloc-64: Invalid object pointer");

	struct kmem_cache *c = kmem_cache_create("inner", 100, 0, 0, NULL);
	char *o = kmem_cache_alloc(c, GFP_KERNEL);

	errors = misuse_begin();
	kmem_cache_free(c, o + 1);
	assert_refused(errors, "BUG inner: Invalid object pointer");

	/* Both objects are still live and intact. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0x11);
	errors = mm_error_count();
	kfree(p);
	kmem_cache_free(c, o);
	assert_int_equal(mm_error_count(), errors);
	assert_cache_works(c);
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
	kmem_cache_destroy(c);
}

/*
 * 200-byte objects, 81 per order-2 slab, 184 bytes left over.  The first
 * slab has colour 0, the second colour 64:
 *
 *   slab 0: |obj 0 ... obj 80|<- 184 unused ->|     free(base + 16200)
 *   slab 1: |<-64->|obj 0 ... obj 80|<- 120 ->|     free(base)
 *
 * Neither address is an object: refused.
 */
static void test_free_of_a_pointer_into_a_slab_outside_its_objects_is_refused(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("gaps", 200, 0, 0, NULL);
	struct kmem_cache_layout l = layout_of(c);
	void *objs[2 * 81];

	assert_int_equal(l.objects, 81);
	assert_int_equal(l.colours, 3);
	for (unsigned int i = 0; i < 2 * l.objects; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	char *base0 = page_address(compound_head(virt_to_page(objs[0])));
	char *base1 = page_address(compound_head(virt_to_page(objs[l.objects])));

	unsigned long errors = misuse_begin();

	kmem_cache_free(c, base0 + l.objects * l.size);
	assert_refused(errors, "BUG gaps: Invalid object pointer");
	errors = misuse_begin();
	kmem_cache_free(c, base1);
	assert_refused(errors, "BUG gaps: Invalid object pointer");
	errors = misuse_begin();
	kfree(base1 + 8);
	assert_refused(errors, "BUG gaps: Invalid object pointer");

	for (unsigned int i = 0; i < 2 * l.objects; i++)
		kmem_cache_free(c, objs[i]);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_cache_works(c);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

static void test_free_into_the_wrong_cache_is_refused(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *a = kmem_cache_create("cache-a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("cache-b", 64, 0, 0, NULL);
	void *obj = kmem_cache_alloc(a, GFP_KERNEL);
	char line[96];

	unsigned long errors = misuse_begin();

	kmem_cache_free(b, obj);
	assert_refused(errors, "BUG cache-b: Wrong slab cache: object ");
	ksnprintf(line, sizeof(line), "object %p is from cache-a\n", obj);
	assert_log_contains(line);

	void *k = kmalloc(64, GFP_KERNEL);

	errors = misuse_begin();
	kmem_cache_free(a, k);
	assert_refused(errors, "BUG cache-a: Wrong slab cache: object ");
	assert_log_contains("is from kmalloc-64\n");

	/* Both objects still belong to their caches. */
	struct kmem_cache_stats st;

	kmem_cache_get_stats(a, &st);
	assert_int_equal(st.objects_active, 1);
	kmem_cache_get_stats(b, &st);
	assert_int_equal(st.objects_active, 0);
	assert_int_equal(st.frees, 0);
	errors = mm_error_count();
	kmem_cache_free(a, obj);
	kfree(k);
	assert_int_equal(mm_error_count(), errors);
	assert_cache_works(a);
	assert_cache_works(b);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	assert_mm_clean();
}

static void test_kfree_of_a_page_from_alloc_pages_is_refused(void **state)
{
	(void)state;
	boot();
	struct page *pg = alloc_pages(GFP_KERNEL, 1);
	unsigned long free = nr_free_pages();
	unsigned long errors = misuse_begin();

	kfree(page_address(pg));
	assert_refused(errors, "BUG: kfree(");
	assert_log_contains("not kmalloc() memory (a page allocation)");
	assert_int_equal(nr_free_pages(), free);
	errors = mm_error_count();
	__free_pages(pg, 1);	/* still allocated: its owner frees it */
	assert_int_equal(mm_error_count(), errors);
	assert_mm_clean();
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

static void test_kfree_of_a_free_page_is_refused(void **state)
{
	(void)state;
	boot();
	struct page *pg = alloc_pages(GFP_KERNEL, 0);
	void *addr = page_address(pg);

	__free_pages(pg, 0);
	unsigned long free = nr_free_pages();
	unsigned long errors = misuse_begin();

	kfree(addr);
	assert_refused(errors, "BUG: kfree(");
	assert_log_contains("not kmalloc() memory (free or never allocated)");
	assert_int_equal(nr_free_pages(), free);
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

static int a_global;

static void test_kfree_of_an_address_mm_never_handed_out_is_refused(void **state)
{
	(void)state;
	int on_stack;
	char line[96];

	boot();
	unsigned long errors = misuse_begin();

	kfree(&on_stack);
	assert_refused(errors, "BUG: kfree(");
	ksnprintf(line, sizeof(line), "kfree(%p): not an address mm handed out", &on_stack);
	assert_log_contains(line);

	errors = misuse_begin();
	kfree(&a_global);
	assert_refused(errors, "BUG: kfree(");
	assert_log_contains("not an address mm handed out");

	/* The first MiB is RAM mm never gives out (reserved at boot). */
	errors = misuse_begin();
	kfree(__va(0x1000));
	assert_refused(errors, "BUG: kfree(");

	errors = misuse_begin();
	kmem_cache_free(kmalloc_slab(64, GFP_KERNEL), &on_stack);
	assert_refused(errors, "BUG kmalloc-64: kmem_cache_free(");
	assert_log_contains("not a slab object");
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

static void test_kfree_of_the_middle_of_a_large_block_is_refused(void **state)
{
	(void)state;
	boot();
	unsigned long free = nr_free_pages();
	char *big = kmalloc(100000, GFP_KERNEL);	/* 32 pages */

	memset(big, 0x77, 100000);
	unsigned long errors = misuse_begin();

	kfree(big + PAGE_SIZE);
	assert_refused(errors, "BUG: kfree(");
	assert_log_contains("not the start of a kmalloc() block");
	errors = misuse_begin();
	kfree(big + 8);
	assert_refused(errors, "BUG: kfree(");
	assert_int_equal(nr_free_pages(), free - 32);
	for (int i = 0; i < 100000; i += 4096)
		assert_int_equal(big[i], 0x77);
	errors = mm_error_count();
	kfree(big);
	assert_int_equal(mm_error_count(), errors);
	assert_int_equal(nr_free_pages(), free);
	assert_mm_clean();
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

static void test_kfree_twice_of_a_large_block_is_refused(void **state)
{
	(void)state;
	boot();
	unsigned long free = nr_free_pages();
	void *big = kmalloc(64 << 10, GFP_KERNEL);

	kfree(big);
	assert_int_equal(nr_free_pages(), free);
	unsigned long errors = misuse_begin();

	kfree(big);
	assert_refused(errors, "BUG: kfree(");
	assert_log_contains("not kmalloc() memory (free or never allocated)");
	assert_int_equal(nr_free_pages(), free);
	void *again = kmalloc(64 << 10, GFP_KERNEL);

	assert_non_null(again);
	kfree(again);
	assert_int_equal(nr_free_pages(), free);
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

/* ---- bad cache pointers ----------------------------------------------------------------------- */

static void test_alloc_and_free_with_a_null_cache_are_refused(void **state)
{
	(void)state;
	boot();
	void *obj = kmalloc(64, GFP_KERNEL);
	unsigned long errors = misuse_begin();

	assert_null(kmem_cache_alloc(NULL, GFP_KERNEL));
	assert_refused(errors, "BUG: kmem_cache_alloc: ");
	errors = misuse_begin();
	kmem_cache_free(NULL, obj);
	assert_refused(errors, "BUG: kmem_cache_free: ");
	errors = misuse_begin();
	assert_null(kmem_cache_zalloc(NULL, GFP_KERNEL));
	assert_refused(errors, "BUG: kmem_cache_alloc: ");

	errors = misuse_begin();
	kmem_cache_free(NULL, NULL);	/* freeing NULL is always fine */
	assert_int_equal(mm_error_count(), errors);

	errors = mm_error_count();
	kfree(obj);	/* still live */
	assert_int_equal(mm_error_count(), errors);
	assert_mm_clean();
	assert_cache_works(kmalloc_slab(64, GFP_KERNEL));
}

static void test_alloc_and_free_with_a_destroyed_cache_are_refused(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *keep = kmem_cache_create("keep", 64, 0, 0, NULL);
	struct kmem_cache *gone = kmem_cache_create("gone", 64, 0, 0, NULL);
	void *obj = kmem_cache_alloc(keep, GFP_KERNEL);

	kmem_cache_destroy(gone);
	unsigned long errors = misuse_begin();

	assert_null(kmem_cache_alloc(gone, GFP_KERNEL));
	assert_refused(errors, "BUG: kmem_cache_alloc: ");
	errors = misuse_begin();
	kmem_cache_free(gone, obj);
	assert_refused(errors, "BUG: kmem_cache_free: ");
	errors = misuse_begin();
	assert_int_equal(kmem_cache_alloc_bulk(gone, GFP_KERNEL, 1, &obj), 0);
	assert_refused(errors, "BUG: kmem_cache_alloc_bulk: ");
	assert_non_null(obj);

	errors = mm_error_count();
	kmem_cache_free(keep, obj);
	assert_int_equal(mm_error_count(), errors);
	assert_cache_works(keep);
	kmem_cache_destroy(keep);
	assert_mm_clean();
}

/* ---- a corrupted free pointer ---------------------------------------------------------------------- */

/*
 * "victim" has 64-byte objects, 64 to a page, no ctor: a free object's
 * first word is its free pointer.
 *
 *   S1: 64 objects in use; free X -> S1 partial, freelist X -> (end)
 *   write into X (use after free): X's free pointer no longer decodes
 *   allocate: the pop from S1 finds the damage -> "Freepointer corrupt",
 *             S1 is isolated (all its objects count as in use, it moves
 *             to the full list), the object comes from a new slab S2
 */
static void test_corrupt_free_pointer_isolates_the_slab(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("victim", 64, 0, 0, NULL);
	unsigned int n = layout_of(c).objects;
	char *x;

	assert_int_equal(n, 64);
	live_reset();
	for (unsigned int i = 0; i < n; i++)
		live_add(kmem_cache_alloc(c, GFP_KERNEL));
	x = live[5];
	live[5] = live[--nlive];
	kmem_cache_free(c, x);
	/* Flip the whole word: the tag can then never match by chance. */
	*(uint32_t *)x = ~*(uint32_t *)x;

	unsigned long errors = misuse_begin();
	void *y = kmem_cache_alloc(c, GFP_KERNEL);

	assert_refused(errors, "BUG victim: Freepointer corrupt: object ");
	assert_log_contains("FIX victim: Isolating slab ");
	assert_non_null(y);
	assert_ptr_not_equal(y, x);
	live_add(y);
	struct page *s1 = compound_head(virt_to_page(x));

	assert_ptr_not_equal(compound_head(virt_to_page(y)), s1);
	assert_int_equal(s1->inuse, s1->objects);
	assert_null(s1->freelist);
	assert_string_equal(proc_text("/sys/kernel/slab/victim/slabs"), "2\n");
	assert_string_equal(proc_text("/sys/kernel/slab/victim/partial"), "1\n");

	/* Nothing is handed out twice, X never again. */
	for (unsigned int i = 0; i < 2 * n; i++) {
		void *p = kmem_cache_alloc(c, GFP_KERNEL);

		assert_ptr_not_equal(p, x);
		live_add(p);
	}
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();

	/* The objects really in use in S1 can still be freed and reused. */
	live_free_all(c);
	assert_int_equal(s1->inuse, 1);	/* X, lost */
	for (unsigned int i = 0; i < 2 * n; i++) {
		void *p = kmem_cache_alloc(c, GFP_KERNEL);

		assert_ptr_not_equal(p, x);
		live_add(p);
	}
	live_free_all(c);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();
}

/* The same when the damaged object is the last free one of an empty slab
 * kept as the reserve. */
static void test_corrupt_free_pointer_in_an_empty_slab_isolates_it(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("victim2", 1024, 0, 0, NULL);
	char *x = kmem_cache_alloc(c, GFP_KERNEL);
	struct page *s1 = compound_head(virt_to_page(x));

	kmem_cache_free(c, x);	/* S1 empty, kept; x is its freelist head */
	*(uint32_t *)x = ~*(uint32_t *)x;

	unsigned long errors = misuse_begin();
	void *y = kmem_cache_alloc(c, GFP_KERNEL);

	assert_refused(errors, "BUG victim2: Freepointer corrupt: object ");
	assert_non_null(y);
	assert_ptr_not_equal(compound_head(virt_to_page(y)), s1);
	assert_int_equal(s1->inuse, s1->objects);
	kmem_cache_free(c, y);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();
}

/*
 * A write after free that destroys the free pointer, then a second free of
 * the same object: the one-compare check cannot see it, so inuse counts a
 * free that never happened and the slab looks empty while B is still
 * live.  The slab must never go back to the buddy allocator then (B's
 * memory would be handed out again): giving it back (here by a shrink, and
 * by a free that empties it beyond the reserve) finds the freelist
 * incomplete and isolates the slab instead.
 *
 *   slab X: A (freed, fp clobbered, freed again)  B (live)  C (freed last,
 *           so A is not the freelist head the cheap check compares with)
 */
static void check_uaf_double_free_keeps_live_memory(bool beyond_reserve)
{
	boot();
	struct kmem_cache *c = kmem_cache_create("uaf", 64, 0, 0, NULL);

	assert_non_null(c);
	unsigned int per_slab = layout_of(c).objects;
	void *held[64], *first[64];

	assert_true(per_slab <= 64);
	/* beyond_reserve: a full slab first, emptied after X is made, so an
	 * empty slab sits in reserve and X, once "empty", is given back. */
	if (beyond_reserve)
		for (unsigned int i = 0; i < per_slab; i++)
			assert_non_null(first[i] = kmem_cache_alloc(c, GFP_KERNEL));
	/* A fresh slab X holding only A, B and C. */
	for (unsigned int i = 0; i < per_slab; i++)
		assert_non_null(held[i] = kmem_cache_alloc(c, GFP_KERNEL));
	if (beyond_reserve)
		for (unsigned int i = 0; i < per_slab; i++)
			kmem_cache_free(c, first[i]);
	unsigned char *a = held[0], *b = held[1], *cc = held[2];
	struct page *slab = compound_head(virt_to_page(b));

	for (unsigned int i = 3; i < per_slab; i++)
		kmem_cache_free(c, held[i]);
	memset(b, 0x42, 64);

	unsigned long errors = mm_error_count();

	kmem_cache_free(c, a);
	kmem_cache_free(c, cc);
	memset(a, 0, 8);		/* use after free over the free pointer */
	kmem_cache_free(c, a);		/* not detectable: the fp is gone */
	if (!beyond_reserve) {
		/* X stays as the reserve empty slab; giving it back is caught. */
		assert_int_equal(mm_error_count(), errors);
		kmem_cache_shrink(c);
	}

	/* The slab was isolated, not given back: B is intact and no later
	 * allocation, object or page, lands on it. */
	assert_log_contains("Freelist corrupt");
	assert_true(mm_error_count() > errors);
	assert_int_equal(slab->inuse, slab->objects);
	assert_true(PageSlab(slab));
	for (int i = 0; i < 64; i++)
		assert_int_equal(b[i], 0x42);
	for (int i = 0; i < 256; i++) {
		unsigned char *o = kmem_cache_alloc(c, GFP_KERNEL);

		assert_non_null(o);
		assert_true(compound_head(virt_to_page(o)) != slab);
	}
	assert_mm_clean();
}

static void test_double_free_after_a_write_after_free_never_frees_a_live_object(void **state)
{
	(void)state;
	check_uaf_double_free_keeps_live_memory(false);
	mm_host_shutdown();
	check_uaf_double_free_keeps_live_memory(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_double_free_of_the_last_freed_object_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_double_free_of_an_older_object_deep_in_the_freelist_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_double_free_deep_in_the_freelist_of_a_ctor_cache_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_double_free_into_an_empty_slab_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_pointer_inside_an_object_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_pointer_into_a_slab_outside_its_objects_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_free_into_the_wrong_cache_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_kfree_of_a_page_from_alloc_pages_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_kfree_of_a_free_page_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_kfree_of_an_address_mm_never_handed_out_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_kfree_of_the_middle_of_a_large_block_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_kfree_twice_of_a_large_block_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_alloc_and_free_with_a_null_cache_are_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_alloc_and_free_with_a_destroyed_cache_are_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_free_pointer_isolates_the_slab, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_after_a_write_after_free_never_frees_a_live_object,
					  teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_free_pointer_in_an_empty_slab_isolates_it,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_misuse", tests, NULL, NULL);
}
