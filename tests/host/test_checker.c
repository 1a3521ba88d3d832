/*
 * tests/host/test_checker.c - mm_check's buddy invariants (mm/check.c
 * B1..B8), tested by corrupting the state on purpose through mem_map and
 * zones[] and asserting the exact number of violations, each reported on
 * its own "mm_check: Bn ..." line; then the state is restored and
 * mm_check() is 0 again.
 *
 * The DMA zone is pristine (mem_map lives in a Normal island at 32 MiB):
 *
 *   DMA free lists: order 8: 0x100   order 9: 0x200
 *                   order 10: 0xc00 -> 0x800 -> 0x400 (list order, LIFO)
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <stdio.h>
#include <string.h>

static struct zone *dma = &zones[ZONE_DMA];

static struct page *pg(unsigned long pfn)
{
	return pfn_to_page(pfn);
}

/*
 * mm_check finds exactly n violations, reports each on one line, and one
 * of them carries `label` (the invariant's tag and words of its message).
 */
static void expect_violations(int n, const char *label)
{
	int bad;

	mm_host_log_clear();
	bad = mm_check();
	if (bad != n || log_count("mm_check: ") != (size_t)n ||
	    !strstr(mm_host_log(), label)) {
		fprintf(stderr, "mm_check() = %d, expected %d with \"%s\"; log:\n%s\n", bad, n,
			label, mm_host_log());
		fail();
	}
}

static void expect_clean_again(void)
{
	mm_host_log_clear();
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 0);
	/* And the allocator still works on the restored state. */
	struct page *p = alloc_pages(GFP_DMA, 3);

	assert_non_null(p);
	__free_pages(p, 3);
	assert_mm_clean();
}

/* ---- B1 ---------------------------------------------------------------------- */

/*
 * nr_free of order 8 says 2 while one block is there: the list walk (B1)
 * and the count of free heads in mem_map (B3) both disagree with it.
 */
static void test_nr_free_off_by_one_is_two_violations(void **state)
{
	(void)state;
	boot_pristine_dma();
	dma->free_area[8].nr_free++;
	expect_violations(2, "B1 zone DMA order 8: nr_free 2 but the list has 1 blocks");
	assert_log_contains("B3 zone DMA order 8: 1 free heads in mem_map, nr_free says 2");
	dma->free_area[8].nr_free--;
	expect_clean_again();
}

/*
 * 0x800's back link points at the list head instead of 0xc00: one
 * violation, found where the walk meets it (and the walk stops there,
 * so the count it had so far is not compared with nr_free).
 */
static void test_broken_back_link_is_one_violation(void **state)
{
	struct list_head *saved;

	(void)state;
	boot_pristine_dma();
	assert_ptr_equal(dma->free_area[10].free_list.next, &pg(0xc00)->lru);
	assert_ptr_equal(pg(0xc00)->lru.next, &pg(0x800)->lru);
	saved = pg(0x800)->lru.prev;
	pg(0x800)->lru.prev = &dma->free_area[10].free_list;
	expect_violations(1, "B1 zone DMA order 10: broken back link at pfn 0x800");
	pg(0x800)->lru.prev = saved;
	expect_clean_again();
}

/* 0x400 links back to 0xc00 instead of the head: a cycle that never
 * returns to the head is caught once. */
static void test_free_list_cycle_is_one_violation(void **state)
{
	struct list_head *saved;

	(void)state;
	boot_pristine_dma();
	saved = pg(0x400)->lru.next;
	pg(0x400)->lru.next = &pg(0xc00)->lru;
	expect_violations(1, "B1 zone DMA order 10:");
	pg(0x400)->lru.next = saved;
	expect_clean_again();
}

/* ---- B2 ---------------------------------------------------------------------- */

/*
 * 0xc00's next pointer leads to a page of the Normal zone, then to a
 * list_head that is no page at all: one violation each time, at the bad
 * entry.
 */
static void test_free_list_entry_outside_the_zone_is_one_violation(void **state)
{
	struct list_head *saved, bogus = { NULL, NULL };
	unsigned long normal_pfn;

	(void)state;
	boot_pristine_dma();
	normal_pfn = zones[ZONE_NORMAL].zone_start_pfn;
	assert_true(populated_zone(&zones[ZONE_NORMAL]));
	saved = pg(0xc00)->lru.next;
	pg(0xc00)->lru.next = &pg(normal_pfn)->lru;
	expect_violations(1, "B2 zone DMA order 10: list entry");
	pg(0xc00)->lru.next = &bogus;
	expect_violations(1, "is not a page of this zone");
	pg(0xc00)->lru.next = saved;
	expect_clean_again();
}

/*
 * The free head 0x100 says order 7 instead of 8:
 *   B2  it sits on list 8 but is not an order-8 free head;
 *   B3  mem_map now has one order-7 head that list 7 does not count,
 *   B3  and one order-8 head fewer than list 8 counts;
 *   B6  the free blocks in mem_map hold 128 pages fewer than free_pages.
 */
static void test_free_head_with_a_changed_order_is_four_violations(void **state)
{
	(void)state;
	boot_pristine_dma();
	page_set_order(pg(0x100), 7);
	expect_violations(4, "B2 zone DMA order 8: pfn 0x100 on the list is not a free head of order 8");
	assert_log_contains("B3 zone DMA order 7: 1 free heads in mem_map, nr_free says 0");
	assert_log_contains("B3 zone DMA order 8: 0 free heads in mem_map, nr_free says 1");
	assert_log_contains("B6 zone DMA: free blocks hold 3712 pages, free_pages says 3840");
	page_set_order(pg(0x100), 8);
	expect_clean_again();
}

/* ---- B4 ---------------------------------------------------------------------- */

/* PG_buddy on 0x105, inside the free order-8 block at 0x100: one. */
static void test_buddy_flag_inside_a_free_block_is_one_violation(void **state)
{
	(void)state;
	boot_pristine_dma();
	page_set_flag(pg(0x105), PG_buddy);
	expect_violations(1, "B4 zone DMA: pfn 0x105 inside free block 0x100/8 has state 0x4");
	page_clear_flag(pg(0x105), PG_buddy);
	expect_clean_again();
}

/*
 * A reserved page marked free, two ways:
 *   PG_reserved added to the free head 0x100: B4 only (it is on its list
 *   and counted);
 *   PG_buddy added to reserved pfn 0x10 of the first MiB: B4, and it is a
 *   free head no list knows (B3 order 0) holding a page free_pages does
 *   not count (B6).
 */
static void test_reserved_page_marked_free_is_detected(void **state)
{
	(void)state;
	boot_pristine_dma();
	page_set_flag(pg(0x100), PG_reserved);
	expect_violations(1, "B4 zone DMA: reserved pfn 0x100 is free");
	page_clear_flag(pg(0x100), PG_reserved);
	expect_clean_again();

	assert_true(PageReserved(pg(0x10)));
	page_set_flag(pg(0x10), PG_buddy);
	expect_violations(3, "B4 zone DMA: reserved pfn 0x10 is free");
	assert_log_contains("B3 zone DMA order 0: 1 free heads in mem_map, nr_free says 0");
	assert_log_contains("B6 zone DMA: free blocks hold 3841 pages, free_pages says 3840");
	page_clear_flag(pg(0x10), PG_buddy);
	expect_clean_again();
}

/* ---- B5 ---------------------------------------------------------------------- */

/*
 * The order-10 block at 0x400 split by hand into two free order-9 halves
 * that stay on list 9 (counts and free_pages kept right): only the
 * missing merge is wrong.
 */
static void test_unmerged_free_buddies_are_one_violation(void **state)
{
	struct free_area *a9 = &dma->free_area[9], *a10 = &dma->free_area[10];

	(void)state;
	boot_pristine_dma();
	list_del(&pg(0x400)->lru);
	a10->nr_free--;
	page_set_order(pg(0x400), 9);
	list_add(&pg(0x400)->lru, &a9->free_list);
	page_set_flag(pg(0x600), PG_buddy);
	page_set_order(pg(0x600), 9);
	list_add(&pg(0x600)->lru, &a9->free_list);
	a9->nr_free += 2;
	expect_violations(1, "B5 zone DMA: free buddies 0x400 and 0x600 of order 9 not merged");

	list_del(&pg(0x600)->lru);
	page_clear_flag(pg(0x600), PG_buddy);
	page_set_order(pg(0x600), 0);
	list_del(&pg(0x400)->lru);
	a9->nr_free -= 2;
	page_set_order(pg(0x400), 10);
	list_add(&pg(0x400)->lru, &a10->free_list);
	a10->nr_free++;
	expect_clean_again();
}

/* ---- B6 ---------------------------------------------------------------------- */

static void test_wrong_zone_free_pages_is_one_violation(void **state)
{
	(void)state;
	boot_pristine_dma();
	dma->free_pages++;
	expect_violations(1, "B6 zone DMA: free blocks hold 3840 pages, free_pages says 3841");
	dma->free_pages -= 2;
	expect_violations(1, "B6 zone DMA: free blocks hold 3840 pages, free_pages says 3839");
	dma->free_pages++;
	expect_clean_again();
}

/* ---- B7 ---------------------------------------------------------------------- */

static void test_compound_tail_with_the_wrong_head_is_one_violation(void **state)
{
	struct page *p;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA | __GFP_COMP, 2);
	assert_int_equal(page_to_pfn(p), 0x100);
	assert_mm_clean();

	p[2].compound_head = (unsigned long)&p[1];
	expect_violations(1, "B7 zone DMA: compound tail pfn 0x102 does not point at head 0x100");
	p[2].compound_head = (unsigned long)p;

	page_clear_flag(&p[3], PG_tail);
	expect_violations(1, "B7 zone DMA: compound tail pfn 0x103 does not point at head 0x100");
	page_set_flag(&p[3], PG_tail);

	__free_pages(p, 2);
	expect_clean_again();
}

/* An allocated head whose order no longer fits its alignment: one. */
static void test_misaligned_allocated_head_is_one_violation(void **state)
{
	struct page *a, *b;

	(void)state;
	boot_pristine_dma();
	a = alloc_pages(GFP_DMA, 2);
	b = alloc_pages(GFP_DMA, 2);
	assert_int_equal(page_to_pfn(b), 0x104);
	page_set_order(b, 3);
	expect_violations(1, "B7 zone DMA: allocated head pfn 0x104 order 3 misaligned or past the zone");
	page_set_order(b, 2);
	__free_pages(b, 2);
	__free_pages(a, 2);
	expect_clean_again();
}

/*
 * Memory that is both allocated and free, or owned twice, is what the
 * checker exists to catch.  a = 0x100 order 3 (plain, not compound):
 *
 *   0x100 0x101 0x102 0x103 | 0x104 0x105 0x106 0x107
 *   a (allocated, order 3) ... and 0x104 made a free order-2 head, on
 *   the order-2 list with the counts to match (every other view agrees),
 *   or an allocated order-2 head: one B7 violation each.
 */
static void test_block_inside_an_allocated_block_is_one_violation(void **state)
{
	struct page *a, *c;

	(void)state;
	boot_pristine_dma();
	a = alloc_pages(GFP_DMA, 3);
	assert_int_equal(page_to_pfn(a), 0x100);
	assert_mm_clean();

	page_set_flag(&a[4], PG_buddy);
	page_set_order(&a[4], 2);
	list_add(&a[4].lru, &dma->free_area[2].free_list);
	dma->free_area[2].nr_free++;
	dma->free_pages += 4;
	expect_violations(1, "B7 zone DMA: pfn 0x104 inside allocated block 0x100/3 has state 0x4");
	list_del(&a[4].lru);
	dma->free_area[2].nr_free--;
	dma->free_pages -= 4;
	page_clear_flag(&a[4], PG_buddy);

	page_set_flag(&a[4], PG_allocated);
	expect_violations(1, "B7 zone DMA: pfn 0x104 inside allocated block 0x100/3 has state 0x8");
	page_clear_flag(&a[4], PG_allocated);
	page_set_order(&a[4], 0);
	__free_pages(a, 3);

	/* The same inside a compound block: its tails must be tails. */
	c = alloc_pages(GFP_DMA | __GFP_COMP, 2);
	assert_int_equal(page_to_pfn(c), 0x100);
	page_set_flag(&c[2], PG_allocated);
	expect_violations(1, "B7 zone DMA: compound tail pfn 0x102 does not point at head 0x100");
	page_clear_flag(&c[2], PG_allocated);
	__free_pages(c, 2);
	expect_clean_again();
}

/* ---- B8 ---------------------------------------------------------------------- */

static void test_page_in_the_wrong_zone_is_one_violation(void **state)
{
	(void)state;
	boot_pristine_dma();
	page_set_zone(pg(0x10), ZONE_NORMAL);
	expect_violations(1, "B8 zone DMA: pfn 0x10 says it is in zone 1");
	page_set_zone(pg(0x10), ZONE_DMA);
	expect_clean_again();
}

/* Several independent corruptions add up. */
static void test_independent_violations_add_up(void **state)
{
	(void)state;
	boot_pristine_dma();
	dma->free_pages++;				/* B6 */
	page_set_flag(pg(0x105), PG_buddy);		/* B4 */
	page_set_zone(pg(0x10), ZONE_HIGHMEM);		/* B8 */
	expect_violations(3, "B8");
	dma->free_pages--;
	page_clear_flag(pg(0x105), PG_buddy);
	page_set_zone(pg(0x10), ZONE_DMA);
	expect_clean_again();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_nr_free_off_by_one_is_two_violations, teardown_mm),
		cmocka_unit_test_teardown(test_broken_back_link_is_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_free_list_cycle_is_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_free_list_entry_outside_the_zone_is_one_violation,
					  teardown_mm),
		cmocka_unit_test_teardown(test_free_head_with_a_changed_order_is_four_violations,
					  teardown_mm),
		cmocka_unit_test_teardown(test_buddy_flag_inside_a_free_block_is_one_violation,
					  teardown_mm),
		cmocka_unit_test_teardown(test_reserved_page_marked_free_is_detected, teardown_mm),
		cmocka_unit_test_teardown(test_unmerged_free_buddies_are_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_wrong_zone_free_pages_is_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_compound_tail_with_the_wrong_head_is_one_violation,
					  teardown_mm),
		cmocka_unit_test_teardown(test_misaligned_allocated_head_is_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_block_inside_an_allocated_block_is_one_violation,
					  teardown_mm),
		cmocka_unit_test_teardown(test_page_in_the_wrong_zone_is_one_violation, teardown_mm),
		cmocka_unit_test_teardown(test_independent_violations_add_up, teardown_mm),
	};

	return cmocka_run_group_tests_name("checker", tests, NULL, NULL);
}
