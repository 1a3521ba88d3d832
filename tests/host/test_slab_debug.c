/*
 * tests/host/test_slab_debug.c - slab debugging (mm/slab_debug.c) on the
 * host, modelled on Linux's mm/slub_kunit.c: damage an object on purpose
 * and assert the exact report, that it is counted once in
 * mm_error_count(), that the damage was repaired, and that mm_check() is
 * clean afterwards.
 *
 * The object layout under test (mm/slab_internal.h), one stride:
 *
 *   +------+-------------------+------+----+-------------+-------------+
 *   | RZ L | object_size bytes | RZ R | fp | track alloc | track free  |
 *   +------+-------------------+------+----+-------------+-------------+
 *   0xbb free / 0xcc live;  object 0x6b..0x6b 0xa5 free (P), 0x5a new
 *
 * Reports name callers through %pS, which dladdr resolves on the host:
 * the test functions are global (see TEST below) and the binary is linked
 * with -rdynamic, so "Allocated in <test function>+0x..." can be checked.
 *
 * Areas: detection at free, at allocation, by mm_check and by
 * /sys/kernel/slab/NAME/validate; double free; corrupt free pointers and
 * slab isolation; the F walk; option parsing; layouts and alignment;
 * constructors; init_on_alloc/init_on_free; tracing; freelist order.
 */
#include "tests/host/helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/slab_internal.h"

#define ARENA_BYTES	(32ULL << 20)
#define KM64		"kmalloc-64"
#define DEBUG_KM64	"slab_debug=FZPU," KM64

/* Test functions are global so that dladdr can name them in tracks. */
#define TEST(name)	void name(void **state); void name(void **state)

/* ---- helpers ---------------------------------------------------------------- */

static unsigned int count_in(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static unsigned int count_in_log(const char *needle)
{
	return count_in(mm_host_log(), needle);
}

/* Asserts that each line of lines[] occurs in the log, in this order. */
static void assert_log_in_order(const char *const *lines, size_t n)
{
	const char *p = mm_host_log();

	for (size_t i = 0; i < n; i++) {
		const char *hit = strstr(p, lines[i]);

		if (!hit) {
			fprintf(stderr, "log lacks \"%s\" (after the earlier lines); log:\n%s\n",
				lines[i], mm_host_log());
			fail();
		}
		p = hit + strlen(lines[i]);
	}
}

static const char *fmt(const char *f, ...) __printf(1, 2);
static const char *fmt(const char *f, ...)
{
	static char bufs[8][160];
	static unsigned int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, f);
	kvsnprintf(b, sizeof(bufs[0]), f, ap);
	va_end(ap);
	return b;
}

static void assert_bytes(const void *p, uint8_t value, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != value) {
			fprintf(stderr, "byte %zu of %p is %#x, expected %#x\n", i, p,
				b[i], value);
			fail();
		}
	}
}

static struct kmem_cache *cache_named(const char *name)
{
	struct kmem_cache *s = kmem_cache_find(name);

	assert_non_null(s);
	return s;
}

static slab_flags_t flags_of(const char *name)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(cache_named(name), &l);
	return l.flags & SLAB_DEBUG_FLAGS;
}

/* A free object's poison: 0x6b, with 0xa5 as its last byte. */
static void assert_poisoned(const void *obj, size_t size)
{
	assert_bytes(obj, POISON_FREE, size - 1);
	assert_bytes((const uint8_t *)obj + size - 1, POISON_END, 1);
}

static void assert_no_bug_reported(void)
{
	assert_log_lacks("BUG");
	assert_int_equal(mm_error_count(), 0);
}

/* ---- red zones -------------------------------------------------------------- */

TEST(test_right_redzone_overwrite_is_reported_at_free)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	struct kmem_cache *s = cache_named(KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	assert_bytes(p + 64, SLUB_RED_ACTIVE, s->inuse - 64);
	mm_host_log_clear();
	p[64] = 0x88;		/* one byte past object_size */
	kfree(p);

	const char *report[] = {
		"BUG kmalloc-64: Right Redzone overwritten\n",
		fmt("INFO: 0x%p-0x%p @offset=", p + 64, p + 64),
		". First byte 0x88 instead of 0xcc\n",
		"INFO: Slab 0x",
		fmt("INFO: Object 0x%p @offset=", p),
		" size=64\n",
		fmt("Redzone  %p: 88", p + 64),
		fmt("Allocated in %s+0x", __func__),
		fmt("FIX kmalloc-64: Restoring Right Redzone 0x%p-0x%p=0xcc\n", p + 64, p + 64),
	};
	assert_log_in_order(report, ARRAY_SIZE(report));
	assert_int_equal(count_in_log("BUG"), 1);
	assert_int_equal(mm_error_count(), 1);
	/* Repaired, then marked free. */
	assert_bytes(p + 64, SLUB_RED_INACTIVE, s->inuse - 64);
	assert_poisoned(p, 64);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_left_redzone_overwrite_is_reported_at_free)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	struct kmem_cache *s = cache_named(KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	assert_true(s->red_left_pad >= SLAB_MIN_ALIGN);
	assert_bytes(p - s->red_left_pad, SLUB_RED_ACTIVE, s->red_left_pad);
	mm_host_log_clear();
	p[-1] = 0x11;
	kfree(p);

	const char *report[] = {
		"BUG kmalloc-64: Left Redzone overwritten\n",
		fmt("INFO: 0x%p-0x%p @offset=", p - 1, p - 1),
		". First byte 0x11 instead of 0xcc\n",
		fmt("Redzone  %p: 11", p - 1),
		fmt("Allocated in %s+0x", __func__),
		"FIX kmalloc-64: Restoring Left Redzone",
	};
	assert_log_in_order(report, ARRAY_SIZE(report));
	assert_int_equal(count_in_log("BUG"), 1);
	assert_int_equal(mm_error_count(), 1);
	assert_bytes(p - s->red_left_pad, SLUB_RED_INACTIVE, s->red_left_pad);
	assert_mm_clean();
}

TEST(test_redzones_of_every_object_are_intact_after_normal_use)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	void *p[100];

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = kmalloc(33 + i % 32, GFP_KERNEL);	/* kmalloc-64 */
			assert_non_null(p[i]);
			memset(p[i], 0x77, 64);	/* every byte the user owns */
		}
		assert_mm_clean();
		for (size_t i = 0; i < ARRAY_SIZE(p); i++)
			kfree(p[i]);
		assert_mm_clean();
	}
	assert_no_bug_reported();
}

TEST(test_live_redzone_damage_is_found_by_validate)
{
	char out[4096];

	boot_simple(ARENA_BYTES, DEBUG_KM64);
	struct kmem_cache *s = cache_named(KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	mm_host_log_clear();
	p[64 + 3] = 0x00;
	assert_true(mm_proc_read("/sys/kernel/slab/kmalloc-64/validate", out,
				 sizeof(out)) > 0);
	assert_non_null(strstr(out, "BUG kmalloc-64: Right Redzone overwritten\n"));
	assert_non_null(strstr(out, ". First byte 0x0 instead of 0xcc\n"));
	assert_non_null(strstr(out, fmt("Allocated in %s+0x", __func__)));
	assert_non_null(strstr(out, "FIX kmalloc-64: Restoring Right Redzone"));
	assert_non_null(strstr(out, "objects checked, 1 problem\n"));
	assert_int_equal(mm_error_count(), 1);
	/* Repaired while live: 0xcc again. */
	assert_bytes(p + 64, SLUB_RED_ACTIVE, s->inuse - 64);

	assert_true(mm_proc_read("/sys/kernel/slab/kmalloc-64/validate", out,
				 sizeof(out)) > 0);
	assert_non_null(strstr(out, "objects checked, 0 problems\n"));
	assert_mm_clean();
	kfree(p);	/* nothing left to report */
	assert_int_equal(mm_error_count(), 1);
	assert_int_equal(count_in_log("BUG"), 0);
	assert_mm_clean();
}

TEST(test_live_redzone_damage_is_found_by_mm_check)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	struct kmem_cache *s = cache_named(KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	mm_host_log_clear();
	p[-3] = 0x42;
	assert_int_equal(mm_check(), 1);
	assert_log_contains("BUG kmalloc-64: Left Redzone overwritten\n");
	assert_log_contains("First byte 0x42 instead of 0xcc\n");
	assert_int_equal(mm_error_count(), 1);
	assert_bytes(p - s->red_left_pad, SLUB_RED_ACTIVE, s->red_left_pad);
	assert_mm_clean();
	kfree(p);
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
}

TEST(test_free_object_redzone_damage_is_found_by_validate)
{
	char out[4096];

	boot_simple(ARENA_BYTES, DEBUG_KM64);
	struct kmem_cache *s = cache_named(KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);
	uint8_t *keep = kmalloc(64, GFP_KERNEL);	/* the slab stays */

	kfree(p);
	p[64] = 0x01;
	assert_true(mm_proc_read("/sys/kernel/slab/kmalloc-64/validate", out,
				 sizeof(out)) > 0);
	assert_non_null(strstr(out, "BUG kmalloc-64: Right Redzone overwritten\n"));
	assert_non_null(strstr(out, "First byte 0x1 instead of 0xbb\n"));
	assert_non_null(strstr(out, "1 problem\n"));
	assert_bytes(p + 64, SLUB_RED_INACTIVE, s->inuse - 64);
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
	kfree(keep);
	assert_mm_clean();
}

/* ---- poison ------------------------------------------------------------------- */

TEST(test_write_after_free_is_reported_at_the_next_allocation)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	kfree(p);
	assert_poisoned(p, 64);
	mm_host_log_clear();
	p[10] = 0x00;		/* use after free */

	uint8_t *q = kmalloc(64, GFP_KERNEL);	/* LIFO: the same object */

	assert_ptr_equal(q, p);
	const char *report[] = {
		"BUG kmalloc-64: Poison overwritten\n",
		fmt("INFO: 0x%p-0x%p @offset=", p + 10, p + 10),
		". First byte 0x0 instead of 0x6b\n",
		fmt("INFO: Object 0x%p @offset=", p),
		fmt("Object   %p: 00", p + 10),
		fmt("Allocated in %s+0x", __func__),
		fmt("Freed in %s+0x", __func__),
		fmt("FIX kmalloc-64: Restoring Poison 0x%p-0x%p=0x6b\n", p + 10, p + 10),
	};
	assert_log_in_order(report, ARRAY_SIZE(report));
	assert_int_equal(count_in_log("BUG"), 1);
	assert_int_equal(mm_error_count(), 1);
	assert_bytes(q, POISON_INUSE, 64);	/* handed out uninitialised */
	kfree(q);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_write_after_free_is_found_and_repaired_by_mm_check)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	uint8_t *keep = kmalloc(64, GFP_KERNEL);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	mm_host_log_clear();
	p[63] = POISON_FREE;	/* the end marker, 0xa5 */
	assert_int_equal(mm_check(), 1);
	assert_log_contains("BUG kmalloc-64: Poison overwritten\n");
	assert_log_contains(". First byte 0x6b instead of 0xa5\n");
	assert_log_contains(fmt("Freed in %s+0x", __func__));
	assert_int_equal(mm_error_count(), 1);
	assert_poisoned(p, 64);
	assert_mm_clean();
	kfree(keep);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_poison_of_one_byte_objects)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("one-byte", 1, 0,
						 SLAB_RED_ZONE | SLAB_POISON, NULL);
	assert_non_null(s);
	uint8_t *keep = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	assert_int_equal(*p, POISON_INUSE);
	kmem_cache_free(s, p);
	assert_int_equal(*p, POISON_END);	/* the only byte is the end */
	assert_bytes(p + 1, SLUB_RED_INACTIVE, s->inuse - 1);
	assert_mm_clean();
	assert_no_bug_reported();

	*p = POISON_FREE;
	assert_int_equal(mm_check(), 1);
	assert_int_equal(count_in_log("BUG one-byte: Poison overwritten"), 1);
	assert_log_contains("First byte 0x6b instead of 0xa5\n");
	assert_int_equal(*p, POISON_END);
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
	kmem_cache_free(s, keep);
	kmem_cache_destroy(s);
	assert_int_equal(mm_error_count(), 1);
}

/* Objects smaller than the free pointer with red zones but no poison: the
 * free pointer must not spill into the right red zone. */
TEST(test_tiny_objects_with_redzones_only)
{
	boot_simple(ARENA_BYTES, "");
	for (unsigned int size = 1; size <= 8; size++) {
		char name[16];

		snprintf(name, sizeof(name), "tiny-%u", size);
		struct kmem_cache *s = kmem_cache_create(name, size, 0, SLAB_RED_ZONE, NULL);
		void *p[40];

		assert_non_null(s);
		for (int round = 0; round < 3; round++) {
			for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
				p[i] = kmem_cache_alloc(s, GFP_KERNEL);
				assert_non_null(p[i]);
				memset(p[i], 0x33, size);
			}
			assert_mm_clean();
			for (size_t i = 0; i < ARRAY_SIZE(p); i++)
				kmem_cache_free(s, p[i]);
			assert_mm_clean();
		}
		assert_no_bug_reported();

		/* One byte past the object is still caught, once. */
		uint8_t *q = kmem_cache_alloc(s, GFP_KERNEL);

		q[size] = 0x00;
		kmem_cache_free(s, q);
		assert_int_equal(count_in_log(fmt("BUG %s: Right Redzone overwritten", name)), 1);
		assert_int_equal(mm_error_count(), 1);
		assert_mm_clean();
		kmem_cache_destroy(s);
		mm_host_log_clear();
		mm_errors_reset();
	}
}

/* One damage, one report: a whole free object overwritten (body and end
 * marker) is one "Poison overwritten", counted once and fully restored. */
TEST(test_overwriting_a_whole_free_object_is_one_report)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	uint8_t *keep = kmalloc(64, GFP_KERNEL);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	mm_host_log_clear();
	memset(p, 0, 64);
	assert_int_equal(mm_check(), 1);
	assert_int_equal(count_in_log("BUG kmalloc-64: Poison overwritten"), 1);
	assert_log_contains(fmt("INFO: 0x%p-0x%p @offset=", p, p + 63));
	assert_log_contains(fmt("FIX kmalloc-64: Restoring Poison 0x%p-0x%p=0x6b\n", p, p + 63));
	assert_int_equal(mm_error_count(), 1);
	assert_poisoned(p, 64);
	assert_mm_clean();

	/* Only the end marker: still one report, showing 0xa5 expected. */
	mm_host_log_clear();
	p[63] = 0;
	assert_int_equal(mm_check(), 1);
	assert_int_equal(count_in_log("BUG kmalloc-64: Poison overwritten"), 1);
	assert_log_contains(". First byte 0x0 instead of 0xa5\n");
	assert_log_contains(fmt("FIX kmalloc-64: Restoring Poison 0x%p-0x%p=0xa5\n",
				p + 63, p + 63));
	assert_int_equal(mm_error_count(), 2);
	assert_poisoned(p, 64);
	assert_mm_clean();
	kfree(keep);
}

/* ---- double free ------------------------------------------------------------------ */

TEST(test_double_free_reports_both_frees)
{
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	uint8_t *keep = kmalloc(64, GFP_KERNEL);
	uint8_t *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	mm_host_log_clear();
	kfree(p);

	const char *report[] = {
		fmt("BUG kmalloc-64: Object already free: %p", p),
		fmt("Allocated in %s+0x", __func__),
		fmt("Freed in %s+0x", __func__),
		fmt("Freed again in %s+0x", __func__),
	};
	assert_log_in_order(report, ARRAY_SIZE(report));
	assert_int_equal(count_in_log("BUG"), 1);
	assert_int_equal(mm_error_count(), 1);
	assert_poisoned(p, 64);
	assert_mm_clean();

	/* The object is on the freelist once: two allocations, two objects. */
	void *a = kmalloc(64, GFP_KERNEL), *b = kmalloc(64, GFP_KERNEL);

	assert_ptr_not_equal(a, b);
	assert_int_equal(count_in_log("BUG"), 1);
	kfree(a);
	kfree(b);
	kfree(keep);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_double_free_of_an_object_deep_in_the_freelist)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("df", 96, 0,
						 SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	void *keep = kmem_cache_alloc(s, GFP_KERNEL);
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	void *b = kmem_cache_alloc(s, GFP_KERNEL);
	void *c = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmem_cache_free(s, a);	/* a is third on the freelist */
	assert_log_contains(fmt("BUG df: Object already free: %p", a));
	assert_log_contains(fmt("Freed in %s+0x", __func__));
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
	kmem_cache_free(s, keep);
	kmem_cache_destroy(s);
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
}

/* Tracks name the caller of kzalloc, kcalloc, kmalloc_array and krealloc,
 * not the wrapper inside mm. */
TEST(test_tracks_name_the_caller_of_every_kmalloc_wrapper)
{
	boot_simple(ARENA_BYTES, "slab_debug=U,kmalloc-64");
	void *keep = kmalloc(64, GFP_KERNEL);
	void *p[4];

	p[0] = kzalloc(64, GFP_KERNEL);
	p[1] = kcalloc(8, 8, GFP_KERNEL);
	p[2] = kmalloc_array(4, 16, GFP_KERNEL);
	p[3] = krealloc(NULL, 64, GFP_KERNEL);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
		assert_non_null(p[i]);
		kfree(p[i]);
		mm_host_log_clear();
		kfree(p[i]);
		assert_log_contains("BUG kmalloc-64: Object already free");
		assert_log_contains(fmt("Allocated in %s+0x", __func__));
		assert_log_contains(fmt("Freed in %s+0x", __func__));
		assert_int_equal(mm_error_count(), i + 1);
	}
	/* krealloc moving an object frees the old one on the caller's behalf. */
	void *small = kmalloc(64, GFP_KERNEL);
	void *big = krealloc(small, 100, GFP_KERNEL);

	assert_non_null(big);
	assert_ptr_not_equal(big, small);
	mm_host_log_clear();
	kfree(small);
	assert_log_contains("BUG kmalloc-64: Object already free");
	assert_log_contains(fmt("Freed in %s+0x", __func__));
	assert_int_equal(mm_error_count(), ARRAY_SIZE(p) + 1);
	kfree(big);
	kfree(keep);
	assert_mm_clean();
}

/* ---- corrupt free pointers ---------------------------------------------------------- */

/* Allocates n objects and asserts none of them is in avoid[] and no two
 * are the same; frees them again. */
static void assert_fresh_objects(struct kmem_cache *s, unsigned int n,
				 void *const *avoid, size_t navoid)
{
	void **got = calloc(n, sizeof(*got));

	assert_non_null(got);
	for (unsigned int i = 0; i < n; i++) {
		got[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(got[i]);
		for (size_t j = 0; j < navoid; j++)
			assert_ptr_not_equal(got[i], avoid[j]);
		for (unsigned int j = 0; j < i; j++)
			assert_ptr_not_equal(got[i], got[j]);
	}
	assert_mm_clean();
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, got[i]);
	free(got);
	assert_mm_clean();
}

static void corrupt_fp(struct kmem_cache *s, void *obj)
{
	/* Flip the tag half: the word can no longer decode. */
	*slab_fp(s, obj) ^= 0xffff0000u;
}

static void check_freepointer_corrupt_isolates(slab_flags_t flags)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("fp-inside", 64, 0, flags, NULL);

	assert_non_null(s);
	assert_int_equal(s->offset, 0);		/* fp lives inside the object */
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *b = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);		/* freelist: b -> a -> ... */
	corrupt_fp(s, b);		/* a write after free into b */
	mm_host_log_clear();

	uint8_t *c = kmem_cache_alloc(s, GFP_KERNEL);

	assert_non_null(c);
	assert_ptr_not_equal(c, a);
	assert_ptr_not_equal(c, b);
	assert_true(slab_page_of(c) != slab_page_of(b));
	const char *report[] = {
		fmt("BUG fp-inside: Freepointer corrupt: object %p", b),
		fmt("FIX fp-inside: Isolating slab %p", page_address(slab_page_of(b))),
	};
	assert_log_in_order(report, ARRAY_SIZE(report));
	assert_int_equal(count_in_log("BUG"), 1);
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();

	void *avoid[] = { a, b, c };

	assert_fresh_objects(s, 3 * s->objects, avoid, ARRAY_SIZE(avoid));
	kmem_cache_free(s, c);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_corrupt_freepointer_isolates_the_slab)
{
	check_freepointer_corrupt_isolates(0);
}

/* With red zones the lost objects of an isolated slab still have
 * consistent red zones: mm_check stays clean. */
TEST(test_corrupt_freepointer_isolates_the_slab_with_redzones)
{
	check_freepointer_corrupt_isolates(SLAB_RED_ZONE | SLAB_STORE_USER);
}

/* The checker finds a corrupt free pointer before any allocation does,
 * and repairs it the same way (isolation), so the next check is clean. */
TEST(test_corrupt_freepointer_found_by_mm_check_is_isolated)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("fp-check", 64, 0, SLAB_RED_ZONE, NULL);
	uint8_t *live = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *b = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	corrupt_fp(s, a);		/* second on the freelist */
	mm_host_log_clear();
	assert_int_equal(mm_check(), 1);
	assert_log_contains(fmt("BUG fp-check: Freepointer corrupt: object %p", a));
	assert_log_contains("FIX fp-check: Isolating slab");
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();

	void *avoid[] = { a, b, live };

	assert_fresh_objects(s, 2 * s->objects, avoid, ARRAY_SIZE(avoid));
	kmem_cache_free(s, live);	/* the isolated slab's one real object */
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

TEST(test_corrupt_freepointer_found_by_validate_is_isolated)
{
	char out[4096];

	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("fp-validate", 64, 0, 0, NULL);
	uint8_t *live = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	corrupt_fp(s, a);
	assert_true(mm_proc_read("/sys/kernel/slab/fp-validate/validate", out,
				 sizeof(out)) > 0);
	assert_non_null(strstr(out, "corrupt free pointer"));
	assert_non_null(strstr(out, "1 problem\n"));
	assert_int_equal(mm_error_count(), 1);
	assert_true(mm_proc_read("/sys/kernel/slab/fp-validate/validate", out,
				 sizeof(out)) > 0);
	assert_non_null(strstr(out, "0 problems\n"));
	assert_mm_clean();
	void *avoid[] = { a, live };

	assert_fresh_objects(s, s->objects, avoid, ARRAY_SIZE(avoid));
	kmem_cache_free(s, live);
	assert_mm_clean();
}

/* F walks the whole freelist on every allocation and free: damage deep in
 * the chain is found at the next operation on the slab. */
TEST(test_consistency_checks_find_a_corrupt_freepointer_deep_in_the_chain)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("fcheck", 64, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *b = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *c = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);		/* c -> b -> a -> ... */
	corrupt_fp(s, a);
	mm_host_log_clear();

	void *d = kmem_cache_alloc(s, GFP_KERNEL);

	assert_log_contains(fmt("BUG fcheck: Freepointer corrupt: object %p", a));
	assert_true(slab_page_of(d) != slab_page_of(a));
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();
	void *avoid[] = { a, b, c, d };

	assert_fresh_objects(s, 2 * s->objects, avoid, ARRAY_SIZE(avoid));
	kmem_cache_free(s, d);
	assert_mm_clean();
}

/* Without poison a write after free can destroy the free pointer that
 * the cheap double-free check relies on; F's walk still keeps the second
 * free from putting the object on the freelist twice. */
TEST(test_consistency_checks_stop_a_double_free_after_a_fp_overwrite)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("fdouble", 64, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	uint8_t *keep = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, a);
	corrupt_fp(s, a);
	mm_host_log_clear();
	kmem_cache_free(s, a);
	assert_log_contains("BUG fdouble: Freepointer corrupt");
	assert_int_equal(mm_error_count(), 1);
	assert_mm_clean();

	/* a may come back once, never twice. */
	unsigned int n = 3 * s->objects, seen_a = 0;
	void **got = calloc(n, sizeof(*got));

	for (unsigned int i = 0; i < n; i++) {
		got[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(got[i]);
		assert_ptr_not_equal(got[i], keep);
		seen_a += got[i] == a;
		for (unsigned int j = 0; j < i; j++)
			assert_ptr_not_equal(got[i], got[j]);
	}
	assert_true(seen_a <= 1);
	assert_mm_clean();
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, got[i]);
	free(got);
	kmem_cache_free(s, keep);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 1);
}

/* ---- bulk paths -------------------------------------------------------------------- */

TEST(test_bulk_alloc_and_free_run_the_debug_checks)
{
	boot_simple(ARENA_BYTES, "");
	struct kmem_cache *s = kmem_cache_create("bulk", 48, 0,
						 SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
						 NULL);
	void *p[8];

	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, ARRAY_SIZE(p), p),
			 ARRAY_SIZE(p));
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
		assert_bytes(p[i], POISON_INUSE, 48);
		assert_bytes((uint8_t *)p[i] + 48, SLUB_RED_ACTIVE, s->inuse - 48);
	}
	((uint8_t *)p[3])[48] = 0x99;
	kmem_cache_free_bulk(s, ARRAY_SIZE(p), p);
	assert_int_equal(count_in_log("BUG bulk: Right Redzone overwritten"), 1);
	assert_log_contains(fmt("Allocated in %s+0x", __func__));
	assert_int_equal(mm_error_count(), 1);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		assert_poisoned(p[i], 48);
	assert_mm_clean();

	/* A write after free shows up when the bulk allocation takes it. */
	((uint8_t *)p[5])[0] = 0;
	void *q[8];

	mm_host_log_clear();
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, ARRAY_SIZE(q), q),
			 ARRAY_SIZE(q));
	assert_int_equal(count_in_log("BUG bulk: Poison overwritten"), 1);
	assert_log_contains(fmt("Freed in %s+0x", __func__));
	assert_int_equal(mm_error_count(), 2);
	kmem_cache_free_bulk(s, ARRAY_SIZE(q), q);
	kmem_cache_destroy(s);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 2);
}

/* ---- reports under concurrency -------------------------------------------------------- */

#define REPORT_THREADS		4
#define REPORTS_PER_THREAD	100

/* Reports that went into a validate buffer instead of the log: another
 * thread's validate may find a damaged red zone before its free does. */
static unsigned int validate_reports;

/* Each thread damages its own objects of the shared kmalloc-64 while the
 * others allocate, free, report and validate: reports are printed with
 * s->lock held, and with error-checking mutexes on the host any lock
 * taken twice or in the wrong order panics or hangs here. */
static void *damage_redzones(void *arg)
{
	static char outs[REPORT_THREADS][16384];
	char *out = outs[(uintptr_t)arg];

	for (int i = 0; i < REPORTS_PER_THREAD; i++) {
		uint8_t *p = kmalloc(64, GFP_KERNEL);
		void *q = kmalloc(40, GFP_KERNEL);

		p[64] = 0;
		kfree(p);
		kfree(q);
		if (i % 25 == 0 &&
		    mm_proc_read("/sys/kernel/slab/kmalloc-64/validate", out, sizeof(outs[0])) > 0)
			__atomic_fetch_add(&validate_reports,
					   count_in(out, "BUG kmalloc-64: Right Redzone overwritten"),
					   __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(test_reports_from_several_threads_are_each_counted_once)
{
	pthread_t t[REPORT_THREADS];

	boot_simple(ARENA_BYTES, DEBUG_KM64);
	validate_reports = 0;
	for (uintptr_t i = 0; i < REPORT_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, damage_redzones, (void *)i), 0);
	for (int i = 0; i < REPORT_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(mm_error_count(), REPORT_THREADS * REPORTS_PER_THREAD);
	assert_int_equal(count_in_log("BUG kmalloc-64: Right Redzone overwritten") +
			 validate_reports, REPORT_THREADS * REPORTS_PER_THREAD);
	assert_int_equal(count_in_log("FIX kmalloc-64: Restoring Right Redzone") +
			 validate_reports, REPORT_THREADS * REPORTS_PER_THREAD);
	assert_mm_clean();
}

/* ---- options -------------------------------------------------------------------------- */

TEST(test_option_global_letters_apply_to_every_cache)
{
	boot_simple(ARENA_BYTES, "slab_debug=ZP");
	assert_int_equal(flags_of("kmalloc-8"), SLAB_RED_ZONE | SLAB_POISON);
	assert_int_equal(flags_of("kmalloc-8192"), SLAB_RED_ZONE | SLAB_POISON);
	assert_int_equal(flags_of("kmem_cache"), SLAB_RED_ZONE | SLAB_POISON);
	struct kmem_cache *s = kmem_cache_create("later", 100, 0, 0, NULL);

	assert_int_equal(flags_of("later"), SLAB_RED_ZONE | SLAB_POISON);
	kmem_cache_destroy(s);

	boot_simple(ARENA_BYTES, "slab_debug=fzput");	/* lower case too */
	assert_int_equal(flags_of(KM64), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			 SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE);
	assert_log_lacks("unknown");
}

/* "slab_debug" alone, as Linux's: full debugging (F Z P U) everywhere. */
TEST(test_option_without_letters_means_FZPU)
{
	const slab_flags_t all = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
				 SLAB_POISON | SLAB_STORE_USER;

	boot_simple(ARENA_BYTES, "slab_debug");
	assert_int_equal(flags_of("kmalloc-8"), all);
	assert_int_equal(flags_of(KM64), all);
	boot_simple(ARENA_BYTES, "slab_debug=");
	assert_int_equal(flags_of("kmalloc-256"), all);
	boot_simple(ARENA_BYTES, "slab_debug=,kmalloc-32");
	assert_int_equal(flags_of("kmalloc-32"), all);
	assert_int_equal(flags_of(KM64), 0);
}

TEST(test_option_per_cache_blocks_globs_and_minus)
{
	boot_simple(ARENA_BYTES, "slab_debug=FZPU,kmalloc-64");
	assert_int_equal(flags_of(KM64), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			 SLAB_POISON | SLAB_STORE_USER);
	assert_int_equal(flags_of("kmalloc-128"), 0);

	/* Several names, several blocks, a glob, and a global block. */
	boot_simple(ARENA_BYTES, "slab_debug=P,kmalloc-1*,foo;U,kmalloc-64;Z");
	assert_int_equal(flags_of("kmalloc-16"), SLAB_POISON);
	assert_int_equal(flags_of("kmalloc-128"), SLAB_POISON);
	assert_int_equal(flags_of("kmalloc-1024"), SLAB_POISON);
	assert_int_equal(flags_of("kmalloc-192"), SLAB_POISON);
	assert_int_equal(flags_of(KM64), SLAB_STORE_USER);
	assert_int_equal(flags_of("kmalloc-8"), SLAB_RED_ZONE);
	assert_int_equal(flags_of("kmem_cache"), SLAB_RED_ZONE);
	struct kmem_cache *foo = kmem_cache_create("foo", 10, 0, 0, NULL);
	struct kmem_cache *foobar = kmem_cache_create("foobar", 10, 0, 0, NULL);

	assert_int_equal(flags_of("foo"), SLAB_POISON);
	assert_int_equal(flags_of("foobar"), SLAB_RED_ZONE);	/* no glob: exact */
	kmem_cache_destroy(foo);
	kmem_cache_destroy(foobar);

	/* The first block that names a cache wins. */
	boot_simple(ARENA_BYTES, "slab_debug=Z,kmalloc-64;P,kmalloc-64");
	assert_int_equal(flags_of(KM64), SLAB_RED_ZONE);

	/* '-' switches debugging off, globally or for the named caches. */
	boot_simple(ARENA_BYTES, "slab_debug=-");
	assert_int_equal(flags_of(KM64), 0);
	boot_simple(ARENA_BYTES, "slab_debug=ZP;-,kmalloc-64");
	assert_int_equal(flags_of(KM64), 0);
	assert_int_equal(flags_of("kmalloc-96"), SLAB_RED_ZONE | SLAB_POISON);
	/* Flags given at creation stay on whatever the option says. */
	struct kmem_cache *s = kmem_cache_create("kmalloc-64x", 8, 0, SLAB_POISON, NULL);

	assert_true(flags_of("kmalloc-64x") & SLAB_POISON);
	kmem_cache_destroy(s);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 0);
}

TEST(test_option_unknown_letters_are_warned_about_and_skipped)
{
	boot_simple(ARENA_BYTES, "slab_debug=ZQ,kmalloc-64;X");
	assert_log_contains("slab_debug: option 'Q' unknown, skipped\n");
	assert_log_contains("slab_debug: option 'X' unknown, skipped\n");
	assert_int_equal(count_in_log("option 'Q' unknown"), 1);	/* once */
	assert_int_equal(flags_of(KM64), SLAB_RED_ZONE);
	assert_int_equal(flags_of("kmalloc-8"), 0);

	boot_simple(ARENA_BYTES, "failslab=101");
	assert_log_contains("mm: bad value for boot option failslab=101, ignored\n");
	assert_int_equal(flags_of(KM64), 0);
	boot_simple(ARENA_BYTES, "failslab=x");
	assert_log_contains("mm: bad value for boot option failslab=x, ignored\n");
}

/* ---- layouts ------------------------------------------------------------------------------ */

TEST(test_layout_grows_with_each_option_as_documented)
{
	/* object_size 40, align 8, on the host (8-byte unsigned long):
	 *   none  |obj 40|                                 stride 40, fp at 0
	 *   Z     |L 8|obj 40|R 8|                         stride 56, fp at 0
	 *   P     |obj 40|fp 4|pad|                        stride 48, fp at 40
	 *   U     |obj 40|alloc 16|free 16|                stride 72, fp at 0
	 *   ZPU   |L 8|obj 40|R 8|fp 4|pad 4|alloc|free|   stride 96, fp at 48 */
	static const struct { slab_flags_t f; unsigned int size, offset; } want[] = {
		{ 0, 40, 0 },
		{ SLAB_RED_ZONE, 56, 0 },
		{ SLAB_POISON, 48, 40 },
		{ SLAB_STORE_USER, 72, 0 },
		{ SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER, 96, 48 },
	};

	assert_int_equal(sizeof(struct slab_track), 2 * sizeof(unsigned long));
	boot_simple(ARENA_BYTES, "");
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct kmem_cache *s = kmem_cache_create("layout", 40, 0, want[i].f, NULL);
		struct kmem_cache_layout l;

		kmem_cache_get_layout(s, &l);
		assert_int_equal(l.object_size, 40);
		assert_int_equal(l.size, want[i].size);
		assert_int_equal(l.offset, want[i].offset);
		assert_int_equal(l.size % l.align, 0);
		assert_int_equal(l.objects, (PAGE_SIZE << l.order) / l.size);
		assert_int_equal(kmem_cache_size(s), 40);
		kmem_cache_destroy(s);
	}
	assert_mm_clean();
}

/* Debugging never breaks alignment: kmalloc's power-of-two classes stay
 * naturally aligned, a cache's align argument holds, ksize is unchanged. */
TEST(test_alignment_is_preserved_under_debugging)
{
	boot_simple(64ULL << 20, "slab_debug=FZPU");
	for (size_t size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size <<= 1) {
		void *p[24];

		for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = kmalloc(size, GFP_KERNEL);
			assert_non_null(p[i]);
			if ((uintptr_t)p[i] % size) {
				fprintf(stderr, "kmalloc(%zu) = %p is not aligned\n", size, p[i]);
				fail();
			}
			assert_int_equal(ksize(p[i]), size);
			memset(p[i], 0x5c, size);
		}
		for (size_t i = 0; i < ARRAY_SIZE(p); i++)
			kfree(p[i]);
	}
	for (unsigned int align = 8; align <= PAGE_SIZE; align <<= 1) {
		struct kmem_cache *s = kmem_cache_create("aligned", 100, align, 0, NULL);
		void *p[20];

		for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = kmem_cache_alloc(s, GFP_KERNEL);
			assert_non_null(p[i]);
			assert_int_equal((uintptr_t)p[i] % align, 0);
		}
		for (size_t i = 0; i < ARRAY_SIZE(p); i++)
			kmem_cache_free(s, p[i]);
		kmem_cache_destroy(s);
	}
	assert_mm_clean();
	assert_no_bug_reported();
}

/* Caches the option does not name keep the layout and the fast path of a
 * boot without debugging. */
TEST(test_caches_without_options_are_untouched)
{
	struct kmem_cache_layout plain[2], debug[2];
	const char *names[] = { "kmalloc-128", "kmem_cache" };

	boot_simple(ARENA_BYTES, "");
	for (int i = 0; i < 2; i++)
		kmem_cache_get_layout(cache_named(names[i]), &plain[i]);
	boot_simple(ARENA_BYTES, DEBUG_KM64);
	for (int i = 0; i < 2; i++) {
		kmem_cache_get_layout(cache_named(names[i]), &debug[i]);
		assert_memory_equal(&plain[i], &debug[i], sizeof(plain[i]));
		assert_false(cache_named(names[i])->debug);
	}
	assert_true(cache_named(KM64)->debug);
}

/* ---- constructors ------------------------------------------------------------------------ */

#define CTOR_MAGIC	0x600dc0deu

struct ctor_obj {
	uint32_t magic;
	uint32_t generation;
	char payload[52];
};

static unsigned int ctor_runs;

static void ctor_obj_init(void *p)
{
	struct ctor_obj *o = p;

	o->magic = CTOR_MAGIC;
	o->generation = 0;
	memset(o->payload, 'c', sizeof(o->payload));
	ctor_runs++;
}

TEST(test_ctor_caches_keep_redzones_but_not_poison)
{
	boot_simple(ARENA_BYTES, "");
	ctor_runs = 0;
	struct kmem_cache *s = kmem_cache_create("ctor-debug", sizeof(struct ctor_obj), 0,
						 SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
						 ctor_obj_init);
	struct kmem_cache_layout l;

	kmem_cache_get_layout(s, &l);
	assert_true(l.offset >= sizeof(struct ctor_obj));	/* fp outside */
	struct ctor_obj *o[30];

	for (size_t i = 0; i < ARRAY_SIZE(o); i++) {
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_int_equal(o[i]->magic, CTOR_MAGIC);
		assert_int_equal(o[i]->payload[0], 'c');
		o[i]->generation++;	/* state the user leaves behind */
	}
	for (size_t i = 0; i < ARRAY_SIZE(o); i++)
		kmem_cache_free(s, o[i]);
	for (size_t i = 0; i < ARRAY_SIZE(o); i++) {
		/* Not poisoned while free: still constructed. */
		assert_int_equal(o[i]->magic, CTOR_MAGIC);
		assert_bytes(o[i]->payload, 'c', sizeof(o[i]->payload));
		assert_int_equal(o[i]->generation, 1);
	}
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	assert_int_equal(st.ctor_calls, st.objects_total);
	assert_int_equal(ctor_runs, st.objects_total);
	assert_mm_clean();
	assert_no_bug_reported();

	/* The red zone still catches an overflow. */
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	p[sizeof(struct ctor_obj)] = 0;
	kmem_cache_free(s, p);
	assert_int_equal(count_in_log("BUG ctor-debug: Right Redzone overwritten"), 1);
	assert_log_contains(fmt("Allocated in %s+0x", __func__));
	assert_int_equal(mm_error_count(), 1);
	assert_int_equal(((struct ctor_obj *)p)->magic, CTOR_MAGIC);
	assert_int_equal(ctor_runs, st.objects_total);	/* never on alloc */
	kmem_cache_destroy(s);
	assert_mm_clean();
}

/* ---- init_on_alloc / init_on_free ---------------------------------------------------------- */

TEST(test_init_on_alloc_zeroes_objects_and_pages)
{
	boot_simple(ARENA_BYTES, "init_on_alloc=1");
	for (int round = 0; round < 3; round++) {
		uint8_t *p = kmalloc(200, GFP_KERNEL);

		assert_bytes(p, 0, 200);
		memset(p, 0xee, 200);
		kfree(p);
	}
	struct kmem_cache *s = kmem_cache_create("ioa", 64, 0, 0, NULL);
	void *b[6];

	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 6, b), 6);
	for (int i = 0; i < 6; i++) {
		assert_bytes(b[i], 0, 64);
		memset(b[i], 0xee, 64);
	}
	kmem_cache_free_bulk(s, 6, b);
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 6, b), 6);
	for (int i = 0; i < 6; i++)
		assert_bytes(b[i], 0, 64);
	kmem_cache_free_bulk(s, 6, b);
	kmem_cache_destroy(s);

	for (int round = 0; round < 3; round++) {
		struct page *pg = alloc_pages(GFP_KERNEL, 2);

		assert_non_null(pg);
		assert_bytes(page_address(pg), 0, PAGE_SIZE << 2);
		memset(page_address(pg), 0xee, PAGE_SIZE << 2);
		__free_pages(pg, 2);
	}
	/* A constructor's state is not wiped. */
	struct kmem_cache *c = kmem_cache_create("ioa-ctor", sizeof(struct ctor_obj), 0,
						 0, ctor_obj_init);
	struct ctor_obj *o = kmem_cache_alloc(c, GFP_KERNEL);

	assert_int_equal(o->magic, CTOR_MAGIC);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	assert_mm_clean();
	assert_no_bug_reported();
}

TEST(test_init_on_free_zeroes_objects_and_pages)
{
	boot_simple(ARENA_BYTES, "init_on_free=1");
	uint8_t *keep = kmalloc(64, GFP_KERNEL);
	uint8_t *p = kmalloc(64, GFP_KERNEL);
	struct kmem_cache *s = cache_named(KM64);

	assert_int_equal(s->offset, 0);
	memset(p, 0xee, 64);
	kfree(p);
	/* Everything but the free pointer word. */
	assert_bytes(p + FP_SIZE, 0, 64 - FP_SIZE);

	struct page *pg = alloc_pages(GFP_KERNEL, 1);
	uint8_t *va = page_address(pg);

	memset(va, 0xee, 2 * PAGE_SIZE);
	__free_pages(pg, 1);
	assert_bytes(va, 0, 2 * PAGE_SIZE);

	/* With poison, poison wins (as in Linux). */
	struct kmem_cache *ps = kmem_cache_create("iof-poison", 64, 0, SLAB_POISON, NULL);
	uint8_t *q = kmem_cache_alloc(ps, GFP_KERNEL);
	void *keep2 = kmem_cache_alloc(ps, GFP_KERNEL);

	memset(q, 0xee, 64);
	kmem_cache_free(ps, q);
	assert_poisoned(q, 64);
	kmem_cache_free(ps, keep2);
	kmem_cache_destroy(ps);
	kfree(keep);
	assert_mm_clean();
	assert_no_bug_reported();
}

/* ---- tracing --------------------------------------------------------------------------------- */

TEST(test_trace_prints_every_alloc_and_free_with_the_caller)
{
	boot_simple(ARENA_BYTES, "slab_debug=T,kmalloc-64");
	mm_host_log_clear();
	void *p = kmalloc(50, GFP_KERNEL);
	void *q = kmalloc(64, GFP_KERNEL);

	kfree(p);
	kfree(q);
	const char *lines[] = {
		fmt("TRACE kmalloc-64 alloc 0x%p inuse=1 by %s+0x", p, __func__),
		fmt("TRACE kmalloc-64 alloc 0x%p inuse=2 by %s+0x", q, __func__),
		fmt("TRACE kmalloc-64 free 0x%p inuse=2 by %s+0x", p, __func__),
		fmt("TRACE kmalloc-64 free 0x%p inuse=1 by %s+0x", q, __func__),
	};
	assert_log_in_order(lines, ARRAY_SIZE(lines));
	assert_int_equal(count_in_log("TRACE"), 4);
	void *r = kmalloc(128, GFP_KERNEL);	/* another cache: silent */

	kfree(r);
	assert_int_equal(count_in_log("TRACE"), 4);
	assert_no_bug_reported();
}

/* ---- freelist order ---------------------------------------------------------------------------- */

static void alloc_one_slab(struct kmem_cache *s, void **p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(p[i]);
		assert_true(slab_page_of(p[i]) == slab_page_of(p[0]));
	}
}

TEST(test_freelist_is_sequential_without_randomisation)
{
	boot_simple(ARENA_BYTES, "slab_freelist_random=0");
	struct kmem_cache *s = kmem_cache_create("seq", 64, 0, 0, NULL);
	void *p[PAGE_SIZE / 8];
	unsigned int n = s->objects;

	alloc_one_slab(s, p, n);
	for (unsigned int i = 1; i < n; i++)
		assert_ptr_equal(p[i], (char *)p[0] + (size_t)i * s->size);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
	assert_mm_clean();
}

TEST(test_freelist_is_shuffled_yet_hands_out_each_object_once)
{
	boot_simple(ARENA_BYTES, "slab_freelist_random=1");
	for (int c = 0; c < 4; c++) {
		struct kmem_cache *s = kmem_cache_create("shuffled", 64 + 40 * c, 0,
							 c & 1 ? SLAB_RED_ZONE : 0, NULL);
		void *p[PAGE_SIZE / 8];
		uint8_t seen[PAGE_SIZE / 8] = { 0 };
		unsigned int n = s->objects, in_order = 0;
		struct page *pg;

		alloc_one_slab(s, p, n);
		pg = slab_page_of(p[0]);
		for (unsigned int i = 0; i < n; i++) {
			long idx = slab_obj_index(s, pg, p[i]);

			assert_true(idx >= 0 && idx < (long)n);
			assert_int_equal(seen[idx], 0);
			seen[idx] = 1;
			in_order += i > 0 && p[i] == (char *)p[i - 1] + s->size;
		}
		assert_true(in_order < n - 1);
		for (unsigned int i = 0; i < n; i++)
			kmem_cache_free(s, p[i]);
		kmem_cache_destroy(s);
	}
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_right_redzone_overwrite_is_reported_at_free, teardown_mm),
		cmocka_unit_test_teardown(test_left_redzone_overwrite_is_reported_at_free, teardown_mm),
		cmocka_unit_test_teardown(test_redzones_of_every_object_are_intact_after_normal_use, teardown_mm),
		cmocka_unit_test_teardown(test_live_redzone_damage_is_found_by_validate, teardown_mm),
		cmocka_unit_test_teardown(test_live_redzone_damage_is_found_by_mm_check, teardown_mm),
		cmocka_unit_test_teardown(test_free_object_redzone_damage_is_found_by_validate, teardown_mm),
		cmocka_unit_test_teardown(test_write_after_free_is_reported_at_the_next_allocation, teardown_mm),
		cmocka_unit_test_teardown(test_write_after_free_is_found_and_repaired_by_mm_check, teardown_mm),
		cmocka_unit_test_teardown(test_poison_of_one_byte_objects, teardown_mm),
		cmocka_unit_test_teardown(test_tiny_objects_with_redzones_only, teardown_mm),
		cmocka_unit_test_teardown(test_overwriting_a_whole_free_object_is_one_report, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_reports_both_frees, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_of_an_object_deep_in_the_freelist, teardown_mm),
		cmocka_unit_test_teardown(test_tracks_name_the_caller_of_every_kmalloc_wrapper, teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_freepointer_isolates_the_slab, teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_freepointer_isolates_the_slab_with_redzones, teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_freepointer_found_by_mm_check_is_isolated, teardown_mm),
		cmocka_unit_test_teardown(test_corrupt_freepointer_found_by_validate_is_isolated, teardown_mm),
		cmocka_unit_test_teardown(test_consistency_checks_find_a_corrupt_freepointer_deep_in_the_chain, teardown_mm),
		cmocka_unit_test_teardown(test_consistency_checks_stop_a_double_free_after_a_fp_overwrite, teardown_mm),
		cmocka_unit_test_teardown(test_bulk_alloc_and_free_run_the_debug_checks, teardown_mm),
		cmocka_unit_test_teardown(test_reports_from_several_threads_are_each_counted_once, teardown_mm),
		cmocka_unit_test_teardown(test_option_global_letters_apply_to_every_cache, teardown_mm),
		cmocka_unit_test_teardown(test_option_without_letters_means_FZPU, teardown_mm),
		cmocka_unit_test_teardown(test_option_per_cache_blocks_globs_and_minus, teardown_mm),
		cmocka_unit_test_teardown(test_option_unknown_letters_are_warned_about_and_skipped, teardown_mm),
		cmocka_unit_test_teardown(test_layout_grows_with_each_option_as_documented, teardown_mm),
		cmocka_unit_test_teardown(test_alignment_is_preserved_under_debugging, teardown_mm),
		cmocka_unit_test_teardown(test_caches_without_options_are_untouched, teardown_mm),
		cmocka_unit_test_teardown(test_ctor_caches_keep_redzones_but_not_poison, teardown_mm),
		cmocka_unit_test_teardown(test_init_on_alloc_zeroes_objects_and_pages, teardown_mm),
		cmocka_unit_test_teardown(test_init_on_free_zeroes_objects_and_pages, teardown_mm),
		cmocka_unit_test_teardown(test_trace_prints_every_alloc_and_free_with_the_caller, teardown_mm),
		cmocka_unit_test_teardown(test_freelist_is_sequential_without_randomisation, teardown_mm),
		cmocka_unit_test_teardown(test_freelist_is_shuffled_yet_hands_out_each_object_once, teardown_mm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
