/*
 * tests/host/test_slab_ctor.c - Bonwick's constructor semantics: a ctor
 * runs once per object when its slab is created, never on allocation, and
 * a freed object is handed out again in exactly the state it was freed in
 * (which is why a cache with a ctor keeps its free pointer after the
 * object: nothing is written inside a free object).
 *
 *   stride of a cache with a ctor:
 *   +---------------------------+----+----+
 *   | object_size bytes (user)  | fp | pad|
 *   +---------------------------+----+----+
 *   ^ obj                       ^ obj + offset, offset >= object_size
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static unsigned long ctor_calls;
static unsigned int ctor_size;	/* object size of the cache under test */

/* The constructed state of a byte of an object: a function of its
 * offset, so that a partly overwritten object is told from a fresh one. */
static unsigned char constructed_byte(size_t off)
{
	return (unsigned char)(0xc5 ^ (off * 7));
}

static void fill_ctor(void *obj)
{
	for (size_t i = 0; i < ctor_size; i++)
		((unsigned char *)obj)[i] = constructed_byte(i);
	ctor_calls++;
}

static bool is_constructed(const void *obj, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (((const unsigned char *)obj)[i] != constructed_byte(i))
			return false;
	return true;
}

static void null_ctor(void *obj)
{
	(void)obj;
}

static struct kmem_cache *create_ctor_cache(const char *name, unsigned int size)
{
	ctor_size = size;
	ctor_calls = 0;

	struct kmem_cache *c = kmem_cache_create(name, size, 0, 0, fill_ctor);

	assert_non_null(c);
	return c;
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

/* ctor_calls == objects per slab * slabs created == stats.ctor_calls. */
static void assert_ctor_count(struct kmem_cache *c)
{
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(ctor_calls, layout_of(c).objects * st.slabs_created);
	assert_int_equal(st.ctor_calls, ctor_calls);
}

/* ---- how often the ctor runs ------------------------------------------------------- */

static void test_ctor_runs_once_per_object_when_its_slab_is_created(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *c = create_ctor_cache("ctor-once", 64);
	unsigned int n = layout_of(c).objects;
	enum { MAX = 1024 };
	static void *objs[MAX];

	assert_true(5 * n <= MAX);
	assert_int_equal(ctor_calls, 0);	/* creating a cache makes no slab */

	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	assert_non_null(objs[0]);
	assert_int_equal(ctor_calls, n);	/* the whole first slab at once */
	assert_true(is_constructed(objs[0], 64));
	for (unsigned int i = 1; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_true(is_constructed(objs[i], 64));
		assert_int_equal(ctor_calls, n);	/* never on allocation */
	}
	objs[n] = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(ctor_calls, 2 * n);
	assert_int_equal(stats_of(c).slabs_created, 2);
	for (unsigned int i = n + 1; i < 5 * n; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(ctor_calls, 5 * n);
	assert_ctor_count(c);

	/* Freeing and allocating again within the slabs: no ctor. */
	for (int round = 0; round < 3; round++) {
		for (unsigned int i = 0; i < 5 * n; i += 2)
			kmem_cache_free(c, objs[i]);
		for (unsigned int i = 0; i < 5 * n; i += 2) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			assert_true(is_constructed(objs[i], 64));
		}
		assert_int_equal(ctor_calls, 5 * n);
	}
	/* Bulk allocation runs no ctor either. */
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	assert_int_equal(kmem_cache_alloc_bulk(c, GFP_KERNEL, n, objs), (int)n);
	assert_int_equal(ctor_calls, 5 * n);
	assert_ctor_count(c);
	for (unsigned int i = 0; i < 5 * n; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_ctor_runs_again_only_for_slabs_made_after_a_shrink(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *c = create_ctor_cache("ctor-regrow", 200);
	unsigned int n = layout_of(c).objects;
	void *obj;

	obj = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, obj);
	assert_int_equal(ctor_calls, n);
	obj = kmem_cache_alloc(c, GFP_KERNEL);	/* from the kept empty slab */
	kmem_cache_free(c, obj);
	assert_int_equal(ctor_calls, n);
	assert_int_equal(kmem_cache_shrink(c), 0);
	obj = kmem_cache_alloc(c, GFP_KERNEL);	/* a new slab */
	assert_true(is_constructed(obj, 200));
	assert_int_equal(ctor_calls, 2 * n);
	assert_ctor_count(c);
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

#define MAX_SEEN	4096
static void *seen[MAX_SEEN];
static unsigned int nseen;

static void record_ctor(void *obj)
{
	for (unsigned int i = 0; i < nseen; i++)
		assert_ptr_not_equal(seen[i], obj);
	assert_true(nseen < MAX_SEEN);
	seen[nseen++] = obj;
}

/* Every object the ctor saw is distinct, and each object handed out was
 * one of them. */
static void test_ctor_sees_each_object_of_a_slab_exactly_once(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	nseen = 0;
	struct kmem_cache *c = kmem_cache_create("ctor-seen", 24, 0, 0, record_ctor);
	unsigned int n = layout_of(c).objects;
	static void *objs[MAX_SEEN];

	assert_non_null(c);
	for (unsigned int i = 0; i < 3 * n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		bool found = false;

		for (unsigned int j = 0; j < nseen && !found; j++)
			found = seen[j] == objs[i];
		assert_true(found);
	}
	assert_int_equal(nseen, 3 * n);
	for (unsigned int i = 0; i < 3 * n; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

/* ---- a freed object stays constructed -------------------------------------------------- */

struct thing {
	uint32_t magic;		/* first word: where a free pointer would go */
	uint32_t refcount;
	struct thing *self;
	char name[16];
};

#define THING_MAGIC	0x7a11ab1eu

static unsigned long things_constructed;

static void thing_ctor(void *p)
{
	struct thing *t = p;

	t->magic = THING_MAGIC;
	t->refcount = 0;
	t->self = t;
	strcpy(t->name, "constructed");
	things_constructed++;
}

static void test_freed_and_reallocated_object_keeps_its_mutated_state(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	things_constructed = 0;
	struct kmem_cache *c = kmem_cache_create("thing", sizeof(struct thing), 0, 0,
						 thing_ctor);
	struct thing *other, *t, *again;

	assert_non_null(c);
	other = kmem_cache_alloc(c, GFP_KERNEL);	/* keeps the slab partial */
	t = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(t->magic, THING_MAGIC);
	assert_ptr_equal(t->self, t);
	unsigned long constructed = things_constructed;

	t->refcount = 42;	/* the state the next user must find */
	kmem_cache_free(c, t);
	/* Nothing was written into the free object, not even its first word. */
	assert_int_equal(t->magic, THING_MAGIC);
	assert_int_equal(t->refcount, 42);

	again = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_equal(again, t);	/* LIFO: the object just freed */
	assert_int_equal(again->magic, THING_MAGIC);
	assert_int_equal(again->refcount, 42);	/* not re-constructed */
	assert_ptr_equal(again->self, again);
	assert_string_equal(again->name, "constructed");
	assert_int_equal(things_constructed, constructed);

	kmem_cache_free(c, again);
	kmem_cache_free(c, other);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/*
 * Every byte of every object survives free and reallocation, for object
 * sizes that put the free pointer right after the object (size a multiple
 * of 4) or after padding (odd sizes), from 1 byte to a one-object slab.
 */
static void test_every_byte_of_a_free_object_is_left_untouched(void **state)
{
	(void)state;
	static const unsigned int sizes[] = {
		1, 3, 4, 5, 7, 8, 13, 64, 100, 1000, 4095, 4096, 20000, 32764,
	};

	boot_simple(MIB(16), "");
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		unsigned int size = sizes[k];
		char name[32];

		snprintf(name, sizeof(name), "keep-%u", size);
		struct kmem_cache *c = kmem_cache_create(name, size, 0, 0, null_ctor);

		assert_non_null(c);
		unsigned int n = layout_of(c).objects;
		void *objs[512];

		assert_true(n <= ARRAY_SIZE(objs));
		/* One slab, every object in use, each with its own bytes. */
		for (unsigned int i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			memset(objs[i], (int)(i * 37 + 1), size);
		}
		assert_int_equal(stats_of(c).slabs_created, 1);
		/* Free them all (the slab stays, as the empty reserve) and
		 * take them back: each must hold what it held when freed. */
		for (unsigned int i = 0; i < n; i++)
			kmem_cache_free(c, objs[n - 1 - i]);
		assert_mm_clean();
		for (unsigned int i = 0; i < n; i++) {
			unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
			long idx = -1;

			for (unsigned int j = 0; j < n && idx < 0; j++)
				if (objs[j] == p)
					idx = j;
			assert_true(idx >= 0);
			for (unsigned int b = 0; b < size; b++)
				if (p[b] != (unsigned char)(idx * 37 + 1)) {
					fprintf(stderr, "size %u: object %p byte %u changed while free\n",
						size, (void *)p, b);
					fail();
				}
		}
		assert_int_equal(stats_of(c).slabs_created, 1);
		for (unsigned int i = 0; i < n; i++)
			kmem_cache_free(c, objs[i]);
		kmem_cache_destroy(c);
		assert_mm_clean();
	}
	assert_int_equal(mm_error_count(), 0);
}

/* ---- layout ------------------------------------------------------------------------------------ */

static void test_caches_with_a_ctor_keep_the_free_pointer_after_the_object(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	for (unsigned int size = 1; size <= 32764; size += size < 512 ? 1 : 61) {
		static const unsigned int aligns[] = { 0, 8, 64, 4096 };

		for (size_t a = 0; a < ARRAY_SIZE(aligns); a++) {
			struct kmem_cache *c = kmem_cache_create("layout", size, aligns[a], 0,
								 null_ctor);
			struct kmem_cache *plain = kmem_cache_create("layout-plain", size,
								     aligns[a], 0, NULL);
			struct kmem_cache_layout l, lp;

			assert_non_null(c);
			assert_non_null(plain);
			kmem_cache_get_layout(c, &l);
			kmem_cache_get_layout(plain, &lp);
			if (l.offset < size || l.offset % sizeof(uint32_t) ||
			    l.offset + sizeof(uint32_t) > l.size || lp.offset != 0) {
				fprintf(stderr, "size %u align %u: ctor offset %u stride %u, plain offset %u\n",
					size, aligns[a], l.offset, l.size, lp.offset);
				fail();
			}
			kmem_cache_destroy(c);
			kmem_cache_destroy(plain);
		}
	}
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ctor_runs_once_per_object_when_its_slab_is_created,
					  teardown_mm),
		cmocka_unit_test_teardown(test_ctor_runs_again_only_for_slabs_made_after_a_shrink,
					  teardown_mm),
		cmocka_unit_test_teardown(test_ctor_sees_each_object_of_a_slab_exactly_once,
					  teardown_mm),
		cmocka_unit_test_teardown(test_freed_and_reallocated_object_keeps_its_mutated_state,
					  teardown_mm),
		cmocka_unit_test_teardown(test_every_byte_of_a_free_object_is_left_untouched,
					  teardown_mm),
		cmocka_unit_test_teardown(test_caches_with_a_ctor_keep_the_free_pointer_after_the_object,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_ctor", tests, NULL, NULL);
}
