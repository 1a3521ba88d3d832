/*
 * tests/host/test_slab_checker.c - the slab checker (slab_check, part of
 * mm_check) tested by breaking a cache on purpose, white-box through
 * mm/slab_internal.h, and asserting the exact number of violations, then
 * restoring the state and asserting 0 again.
 *
 * The cache under test, "chk", has 64-byte objects, 64 to a one-page
 * slab, and three slabs, one on each list:
 *
 *   slabs_full:     X   64 of 64 in use   freelist empty
 *   slabs_partial:  Z   10 of 64 in use   freelist: 54 objects
 *   slabs_free:     Y    0 of 64 in use   freelist: 64 objects (the reserve)
 *   nr_full 1, nr_partial 1, nr_free 1; objects_active 74, objects_total 192
 *
 * The checks, as mm/slab_proc.c numbers them: S1 list vs inuse, S2 list
 * shape and counts, S3 slab page sanity, S4 freelist, S5 statistics.  A
 * slab that fails S3 is not looked at further, so its objects are also
 * missing from the S5 sums; a freelist stops at its first S4 finding.
 */
#include "tests/host/helpers.h"

#include "mm/slab_internal.h"

#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static struct kmem_cache *s;
static struct page *X, *Y, *Z;
static void *objs[64 * 3];

static struct page *slab_of(void *obj)
{
	return compound_head(virt_to_page(obj));
}

static void boot_with_three_slabs(void)
{
	boot_simple(MIB(16), "");
	s = kmem_cache_create("chk", 64, 0, 0, NULL);
	assert_non_null(s);
	assert_int_equal(s->objects, 64);
	assert_int_equal(s->order, 0);
	for (int i = 0; i < 64 + 64 + 10; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	X = slab_of(objs[0]);
	Y = slab_of(objs[64]);
	Z = slab_of(objs[128]);
	for (int i = 64; i < 128; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(X->inuse, 64);
	assert_int_equal(Y->inuse, 0);
	assert_int_equal(Z->inuse, 10);
	assert_int_equal(s->nr_full, 1);
	assert_int_equal(s->nr_partial, 1);
	assert_int_equal(s->nr_free, 1);
	assert_ptr_equal(list_first_entry(&s->slabs_full, struct page, lru), X);
	assert_ptr_equal(list_first_entry(&s->slabs_partial, struct page, lru), Z);
	assert_ptr_equal(list_first_entry(&s->slabs_free, struct page, lru), Y);
	assert_int_equal(s->stats.objects_active, 74);
	assert_int_equal(s->stats.objects_total, 192);
	assert_mm_clean();
}

/* mm_check() finds exactly `want` violations, the first reported line
 * starting with `first`. */
static void assert_violations(int want, const char *first)
{
	mm_host_log_clear();
	int bad = mm_check();
	char prefix[96];

	snprintf(prefix, sizeof(prefix), "mm_check: %s", first);
	if (bad != want || strncmp(mm_host_log(), prefix, strlen(prefix)) != 0 ||
	    log_count("mm_check: ") != (size_t)want) {
		fprintf(stderr, "mm_check() = %d, want %d starting \"%s\"; log:\n%s\n", bad,
			want, prefix, mm_host_log());
		fail();
	}
}

/* The last object on a slab's freelist. */
static void *freelist_tail(struct page *page)
{
	void *p = page->freelist;
	uint32_t next = FP_END;

	assert_non_null(p);
	for (;;) {
		assert_true(fp_load(s, page, p, &next));
		if (next == FP_END)
			return p;
		p = slab_obj(s, page, next);
	}
}

/* ---- S1: list vs inuse ------------------------------------------------------------ */

/* X on the full list with 63 of 64 in use: S1; its empty freelist should
 * hold one object: S4; the slabs sum to 73 in use, the stats say 74: S5. */
static void test_checker_counts_an_inuse_off_by_one_on_a_full_slab(void **state)
{
	(void)state;
	boot_with_three_slabs();
	X->inuse--;
	assert_violations(3, "S1 chk: slab ");
	assert_log_contains("on the full list has 63 of 64 objects in use");
	assert_log_contains("S4 chk: slab ");
	assert_log_contains("S5 chk: 73 objects in use in the slabs, objects_active says 74");
	X->inuse++;
	assert_mm_clean();
}

/* Z with 11 in use is still partial (no S1), but its 54 free objects do
 * not match (S4) and neither do the stats (S5). */
static void test_checker_counts_an_inuse_off_by_one_on_a_partial_slab(void **state)
{
	(void)state;
	boot_with_three_slabs();
	Z->inuse++;
	assert_violations(2, "S4 chk: slab ");
	assert_log_contains("54 objects on the freelist, but 11 of 64 are in use");
	assert_log_contains("S5 chk: 75 objects in use in the slabs");
	Z->inuse--;
	assert_mm_clean();
}

/* ---- S2: lists and their counts ------------------------------------------------------- */

static void test_checker_counts_a_wrong_nr_partial(void **state)
{
	(void)state;
	boot_with_three_slabs();
	s->nr_partial++;
	assert_violations(1, "S2 chk: list 0 has 1 slabs, the count says 2");
	s->nr_partial--;
	s->nr_free--;
	assert_violations(1, "S2 chk: list 2 has 1 slabs, the count says 0");
	s->nr_free++;
	assert_mm_clean();
}

/* Z moved to the full list behind the counts' back: the partial list is
 * one short (S2, found first: the lists are walked partial, full, free),
 * Z is not full (S1), and the full list is one long (S2). */
static void test_checker_counts_a_slab_moved_to_the_wrong_list(void **state)
{
	(void)state;
	boot_with_three_slabs();
	list_move(&Z->lru, &s->slabs_full);
	assert_violations(3, "S2 chk: list 0 has 0 slabs, the count says 1");
	assert_log_contains("S1 chk: slab ");
	assert_log_contains("on the full list has 10 of 64 objects in use");
	assert_log_contains("S2 chk: list 1 has 2 slabs, the count says 1");
	list_move(&Z->lru, &s->slabs_partial);
	assert_mm_clean();

	/* Moved with the counts kept in step: only S1 remains. */
	list_move(&Y->lru, &s->slabs_partial);
	s->nr_free--;
	s->nr_partial++;
	assert_violations(1, "S1 chk: slab ");
	assert_log_contains("on the partial list has 0 of 64 objects in use");
	list_move(&Y->lru, &s->slabs_free);
	s->nr_free++;
	s->nr_partial--;
	assert_mm_clean();
}

/* A broken back link: S2, and the slab behind it is not checked, so
 * the S5 sums miss its 64 objects in use and 64 objects. */
static void test_checker_counts_a_broken_list_link(void **state)
{
	(void)state;
	boot_with_three_slabs();
	struct list_head *saved = X->lru.prev;

	X->lru.prev = &Y->lru;
	assert_violations(3, "S2 chk: slab list 1 is broken");
	assert_log_contains("S5 chk: 10 objects in use in the slabs, objects_active says 74");
	assert_log_contains("S5 chk: the slabs hold 128 objects, objects_total says 192");
	X->lru.prev = saved;
	assert_mm_clean();
}

/* ---- S3: the slab pages ---------------------------------------------------------------------- */

static void test_checker_counts_a_page_that_is_not_a_slab(void **state)
{
	(void)state;
	boot_with_three_slabs();
	page_clear_flag(X, PG_slab);
	assert_violations(3, "S3 chk: page ");
	assert_log_contains("on the full list is not a slab of this cache");
	page_set_flag(X, PG_slab);
	assert_mm_clean();

	/* A slab of another cache on this cache's list. */
	X->slab_cache = kmalloc_slab(64, GFP_KERNEL);
	assert_violations(3, "S3 chk: page ");
	X->slab_cache = s;
	assert_mm_clean();
}

static void test_checker_counts_a_slab_with_a_bad_layout(void **state)
{
	(void)state;
	boot_with_three_slabs();
	Z->objects--;
	assert_violations(3, "S3 chk: slab ");
	assert_log_contains("has order 0, 63 objects, colour 0: not a valid layout");
	Z->objects++;
	assert_mm_clean();
}

/* ---- S4: freelists ---------------------------------------------------------------------------- */

/* The last free object of Z points back at the first: a cycle. */
static void test_checker_counts_a_freelist_cycle(void **state)
{
	(void)state;
	boot_with_three_slabs();
	void *head = Z->freelist, *tail = freelist_tail(Z);

	fp_store(s, tail, (uint32_t)slab_obj_index(s, Z, head));
	assert_violations(1, "S4 chk: slab ");
	assert_log_contains("is twice on the freelist (cycle)");
	fp_store(s, tail, FP_END);
	assert_mm_clean();

	/* A two-object cycle at the head of Y's freelist. */
	void *first = Y->freelist;
	uint32_t second_idx = FP_END, saved;

	assert_true(fp_load(s, Y, first, &second_idx));
	void *second = slab_obj(s, Y, second_idx);

	saved = *slab_fp(s, second);
	fp_store(s, second, (uint32_t)slab_obj_index(s, Y, first));
	assert_violations(1, "S4 chk: slab ");
	*slab_fp(s, second) = saved;
	assert_mm_clean();
}

/*
 * A corrupt free pointer is one S4 violation, and the checker repairs it
 * the way allocation does: the slab is isolated (all its objects count as
 * in use, it moves to the full list), so the next check is clean and
 * nothing on the damaged chain is ever handed out.
 */
static void assert_isolated_after_one_violation(struct page *slab)
{
	assert_violations(1, "S4 chk: slab ");
	assert_log_contains("has a corrupt free pointer");
	assert_log_contains("FIX chk: Isolating slab");
	assert_int_equal(slab->inuse, slab->objects);
	assert_null(slab->freelist);
	assert_mm_clean();
}

static void test_checker_counts_an_overwritten_free_pointer(void **state)
{
	(void)state;
	/* At the head of Z's freelist: every tag bit flipped, never valid. */
	boot_with_three_slabs();
	*slab_fp(s, Z->freelist) ^= 0xffff0000u;
	assert_isolated_after_one_violation(Z);
	mm_host_shutdown();

	/* In the middle of Y's freelist: a use after free that zeroes the
	 * word, and an index past the slab's objects. */
	for (int variant = 0; variant < 2; variant++) {
		boot_with_three_slabs();

		void *p = Y->freelist;
		uint32_t next = FP_END;

		for (int i = 0; i < 30; i++) {
			assert_true(fp_load(s, Y, p, &next));
			p = slab_obj(s, Y, next);
		}
		if (variant == 0)
			*slab_fp(s, p) = 0;
		else
			fp_store(s, p, 64);
		assert_isolated_after_one_violation(Y);
		mm_host_shutdown();
	}
}

static void test_checker_counts_a_freelist_entry_that_is_not_an_object(void **state)
{
	(void)state;
	boot_with_three_slabs();
	char *head = Z->freelist;

	Z->freelist = head + 8;
	assert_violations(1, "S4 chk: slab ");
	assert_log_contains("is not an object of the slab");
	Z->freelist = objs[0];	/* an object of another slab (X) */
	assert_violations(1, "S4 chk: slab ");
	Z->freelist = head;
	assert_mm_clean();
}

/* A freelist one object short: the head dropped. */
static void test_checker_counts_a_freelist_that_lost_an_object(void **state)
{
	(void)state;
	boot_with_three_slabs();
	void *head = Z->freelist;
	uint32_t next = FP_END;

	assert_true(fp_load(s, Z, head, &next));
	Z->freelist = slab_obj(s, Z, next);
	assert_violations(1, "S4 chk: slab ");
	assert_log_contains("53 objects on the freelist, but 10 of 64 are in use");
	Z->freelist = head;
	assert_mm_clean();
}

/* ---- S5: statistics ---------------------------------------------------------------------------- */

static void test_checker_counts_objects_active_off_by_one(void **state)
{
	(void)state;
	boot_with_three_slabs();
	s->stats.objects_active++;
	assert_violations(1, "S5 chk: 74 objects in use in the slabs, objects_active says 75");
	s->stats.objects_active -= 2;
	assert_violations(1, "S5 chk: 74 objects in use in the slabs, objects_active says 73");
	s->stats.objects_active++;
	assert_mm_clean();
}

static void test_checker_counts_objects_total_off_by_one(void **state)
{
	(void)state;
	boot_with_three_slabs();
	s->stats.objects_total--;
	assert_violations(1, "S5 chk: the slabs hold 192 objects, objects_total says 191");
	s->stats.objects_total++;
	assert_mm_clean();
}

/* ---- several at once, and validate ------------------------------------------------------------- */

static void test_checker_findings_add_up_across_caches(void **state)
{
	(void)state;
	boot_with_three_slabs();
	struct kmem_cache *k64 = kmalloc_slab(64, GFP_KERNEL);
	void *k = kmalloc(64, GFP_KERNEL);

	s->stats.objects_total++;	/* 1 */
	s->nr_partial++;		/* 1 */
	k64->stats.objects_active++;	/* 1 */
	mm_host_log_clear();
	assert_int_equal(mm_check(), 3);
	s->stats.objects_total--;
	s->nr_partial--;
	k64->stats.objects_active--;
	assert_mm_clean();
	kfree(k);
}

static void test_validate_shows_the_findings_of_one_cache(void **state)
{
	(void)state;
	boot_with_three_slabs();
	assert_string_equal(proc_text("/sys/kernel/slab/chk/validate"),
			    "chk: 3 slabs, 192 objects checked, 0 problems\n");

	/* Findings go to the file; the repair of a corrupt freelist is a
	 * kernel event and goes to the log, as allocation's would. */
	*slab_fp(s, Z->freelist) ^= 0xffff0000u;
	mm_host_log_clear();
	const char *out = proc_text("/sys/kernel/slab/chk/validate");

	assert_true(strncmp(out, "S4 chk: slab ", 13) == 0);
	assert_non_null(strstr(out, "has a corrupt free pointer"));
	assert_non_null(strstr(out, "\nchk: 3 slabs, 192 objects checked, 1 problem\n"));
	assert_int_equal(log_count("mm_check: "), 0);
	assert_log_contains("FIX chk: Isolating slab");
	assert_string_equal(proc_text("/sys/kernel/slab/chk/validate"),
			    "chk: 3 slabs, 192 objects checked, 0 problems\n");

	s->stats.objects_active++;
	out = proc_text("/sys/kernel/slab/chk/validate");
	assert_true(strncmp(out, "S5 chk: ", 8) == 0);
	assert_non_null(strstr(out, "\nchk: 3 slabs, 192 objects checked, 1 problem\n"));
	s->stats.objects_active--;
	assert_string_equal(proc_text("/sys/kernel/slab/chk/validate"),
			    "chk: 3 slabs, 192 objects checked, 0 problems\n");
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_checker_counts_an_inuse_off_by_one_on_a_full_slab,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_an_inuse_off_by_one_on_a_partial_slab,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_wrong_nr_partial, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_slab_moved_to_the_wrong_list,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_broken_list_link, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_page_that_is_not_a_slab, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_slab_with_a_bad_layout, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_freelist_cycle, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_an_overwritten_free_pointer,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_freelist_entry_that_is_not_an_object,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_a_freelist_that_lost_an_object,
					  teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_objects_active_off_by_one, teardown_mm),
		cmocka_unit_test_teardown(test_checker_counts_objects_total_off_by_one, teardown_mm),
		cmocka_unit_test_teardown(test_checker_findings_add_up_across_caches, teardown_mm),
		cmocka_unit_test_teardown(test_validate_shows_the_findings_of_one_cache, teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_checker", tests, NULL, NULL);
}
