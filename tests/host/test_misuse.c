/*
 * tests/host/test_misuse.c - every page misuse of DESIGN.md section 6 is
 * refused, reported on one line starting with "BUG", counted once in
 * mm_error_count(), and leaves the allocator exactly as it was: the same
 * free pages, the same /proc/buddyinfo, mm_check() == 0, and allocation
 * and freeing still work.
 *
 * The tests boot a map whose DMA zone is pristine and predictable
 * (mem_map goes to a separate island at 32 MiB, the Normal zone):
 *
 *   pfn 0x000   0x100  0x200   0x400    ...   0x1000 .. 0x2000  0x20ff
 *       | 1st MiB | o8   | o9    | o10 x3      | hole   | Normal (mem_map on top)
 *
 * so the first order-k GFP_DMA allocation (k <= 8) is at pfn 0x100.
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What must not change across a refused misuse. */
struct snapshot {
	unsigned long errors;
	unsigned long free;
	char buddyinfo[1024];
};

static void take_snapshot(struct snapshot *s)
{
	s->errors = mm_error_count();
	s->free = nr_free_pages();
	assert_true(mm_proc_read("/proc/buddyinfo", s->buddyinfo, sizeof(s->buddyinfo)) > 0);
	mm_host_log_clear();
}

/*
 * The misuse since take_snapshot was reported on exactly one line, which
 * starts with `report` (the whole line where it is predictable), counted
 * once, and changed nothing.
 */
static void assert_page_refused(const struct snapshot *s, const char *report)
{
	char now[1024];

	if (strncmp(mm_host_log(), report, strlen(report)) != 0) {
		fprintf(stderr, "report should start with \"%s\"; log:\n%s\n", report,
			mm_host_log());
		fail();
	}
	assert_int_equal(log_count("BUG"), 1);
	assert_int_equal(mm_error_count(), s->errors + 1);
	assert_int_equal(nr_free_pages(), s->free);
	assert_true(mm_proc_read("/proc/buddyinfo", now, sizeof(now)) > 0);
	assert_string_equal(now, s->buddyinfo);
	assert_mm_clean();

	/* Still working: a page comes and goes. */
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(p);
	__free_pages(p, 0);
	assert_int_equal(nr_free_pages(), s->free);
	assert_int_equal(mm_error_count(), s->errors + 1);
	assert_mm_clean();
}

#define EXPECT_REFUSED(stmt, report)			\
	do {						\
		struct snapshot snap_;			\
		take_snapshot(&snap_);			\
		stmt;					\
		assert_page_refused(&snap_, report);		\
	} while (0)

static const char pristine_buddyinfo[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n";

static void assert_dma_pristine(void)
{
	char buf[1024];

	assert_true(mm_proc_read("/proc/buddyinfo", buf, sizeof(buf)) > 0);
	assert_true(strncmp(buf, pristine_buddyinfo, strlen(pristine_buddyinfo)) == 0);
	assert_mm_clean();
}

/* ---- double free --------------------------------------------------------------- */

/*
 * a = 0x100 and b = 0x101 are order-0 buddies.  With b in use, a freed
 * twice is a free head the second time.
 */
static void test_double_free_of_a_free_head_is_refused(void **state)
{
	struct page *a, *b;

	(void)state;
	boot_pristine_dma();
	a = alloc_pages(GFP_DMA, 0);
	b = alloc_pages(GFP_DMA, 0);
	assert_int_equal(page_to_pfn(a), 0x100);
	assert_int_equal(page_to_pfn(b), 0x101);
	__free_pages(a, 0);
	EXPECT_REFUSED(__free_pages(a, 0),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 0: page is already free (double free)\n");
	__free_pages(b, 0);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 1);
}

/*
 * Once a and b are both free they merge back into the order-8 block at
 * 0x100: a is its head, b a page inside it.  Freeing either again (or
 * an order-2 block that was merged away) is still caught.
 */
static void test_double_free_after_merge_is_refused(void **state)
{
	struct page *a, *b, *c;

	(void)state;
	boot_pristine_dma();
	a = alloc_pages(GFP_DMA, 0);
	b = alloc_pages(GFP_DMA, 0);
	__free_pages(a, 0);
	__free_pages(b, 0);
	assert_dma_pristine();
	EXPECT_REFUSED(__free_pages(b, 0),
		       "BUG: Bad page state in zone DMA: pfn 0x101 order 0: page is already free (inside free order-8 block at pfn 0x100)\n");
	EXPECT_REFUSED(__free_pages(a, 0),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 0: page is already free (double free)\n");

	c = alloc_pages(GFP_DMA, 2);
	assert_int_equal(page_to_pfn(c), 0x100);
	__free_pages(c, 2);
	EXPECT_REFUSED(__free_pages(c, 2),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 2: page is already free (double free)\n");
	/* Deep inside an order-10 block. */
	EXPECT_REFUSED(__free_pages(pfn_to_page(0x9a4), 2),
		       "BUG: Bad page state in zone DMA: pfn 0x9a4 order 2: page is already free (inside free order-10 block at pfn 0x800)\n");
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 4);
}

/* A double free in a random place of a busy zone, not just the last one. */
static void test_double_free_of_an_older_block_is_refused(void **state)
{
	struct page *p[8];

	(void)state;
	boot_pristine_dma();
	for (int i = 0; i < 8; i++)
		p[i] = alloc_pages(GFP_DMA, 1);
	for (int i = 0; i < 8; i += 2)
		__free_pages(p[i], 1);
	EXPECT_REFUSED(__free_pages(p[2], 1),
		       "BUG: Bad page state in zone DMA: pfn 0x104 order 1: page is already free");
	for (int i = 1; i < 8; i += 2)
		__free_pages(p[i], 1);
	assert_dma_pristine();
}

/* ---- reserved pages and holes ------------------------------------------------------ */

static void test_free_of_a_reserved_page_is_refused(void **state)
{
	(void)state;
	boot_pristine_dma();
	/* The first MiB. */
	EXPECT_REFUSED(__free_pages(pfn_to_page(0x10), 0),
		       "BUG: Bad page state in zone DMA: pfn 0x10 order 0: page is reserved\n");
	EXPECT_REFUSED(__free_pages(pfn_to_page(0x80), 7),
		       "BUG: Bad page state in zone DMA: pfn 0x80 order 7: page is reserved\n");
	EXPECT_REFUSED(free_page((unsigned long)__va(0x9f000)),
		       "BUG: Bad page state in zone DMA: pfn 0x9f order 0: page is reserved\n");

	/* mem_map's own pages (at the top of the Normal island). */
	char line[160];
	unsigned long pfn = (unsigned long)(__pa(mem_map) >> PAGE_SHIFT);

	assert_true(PageReserved(pfn_to_page(pfn)));
	snprintf(line, sizeof(line),
		 "BUG: Bad page state in zone Normal: pfn %#lx order 0: page is reserved\n", pfn);
	EXPECT_REFUSED(__free_pages(virt_to_page(mem_map), 0), line);
	EXPECT_REFUSED(free_page((unsigned long)mem_map), line);

	/* A pfn with no RAM behind it (the hole between 16 and 32 MiB). */
	EXPECT_REFUSED(__free_pages(pfn_to_page(0x1800), 0),
		       "BUG: Bad page state in zone Normal: pfn 0x1800 order 0: no RAM behind this pfn\n");
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 6);
}

/* ---- wrong order ---------------------------------------------------------------------------- */

static void test_free_with_the_wrong_order_is_refused(void **state)
{
	struct page *p, *q;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA, 1);
	q = alloc_pages(GFP_DMA, 1);
	assert_int_equal(page_to_pfn(p), 0x100);
	assert_int_equal(page_to_pfn(q), 0x102);

	/* Bigger, on an aligned pfn: the recorded order disagrees. */
	EXPECT_REFUSED(__free_pages(p, 2),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 2: allocated with order 1, freed with order 2\n");
	/* Smaller. */
	EXPECT_REFUSED(__free_pages(p, 0),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 0: allocated with order 1, freed with order 0\n");
	/* Bigger, on a pfn that is not aligned to it. */
	EXPECT_REFUSED(__free_pages(q, 2),
		       "BUG: Bad page state in zone DMA: pfn 0x102 order 2: pfn not aligned to the order (wrong order or not a block start)\n");
	/* A compound block knows its order as well. */
	struct page *c = alloc_pages(GFP_DMA | __GFP_COMP, 3);

	assert_int_equal(page_to_pfn(c), 0x108);
	EXPECT_REFUSED(__free_pages(c, 2),
		       "BUG: Bad page state in zone DMA: pfn 0x108 order 2: allocated with order 3, freed with order 2\n");

	/* The right order still frees them, and nothing was lost. */
	__free_pages(c, 3);
	__free_pages(q, 1);
	__free_pages(p, 1);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 4);
}

/* ---- not the start of a block ------------------------------------------------------------------ */

static void test_free_of_a_tail_page_is_refused(void **state)
{
	struct page *p, *c;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA, 2);
	c = alloc_pages(GFP_DMA | __GFP_COMP, 2);
	assert_int_equal(page_to_pfn(p), 0x100);
	assert_int_equal(page_to_pfn(c), 0x104);

	EXPECT_REFUSED(__free_pages(&p[1], 0),
		       "BUG: Bad page state in zone DMA: pfn 0x101 order 0: not the first page of an allocation\n");
	EXPECT_REFUSED(__free_pages(&p[2], 1),
		       "BUG: Bad page state in zone DMA: pfn 0x102 order 1: not the first page of an allocation\n");
	EXPECT_REFUSED(__free_pages(&c[3], 0),
		       "BUG: Bad page state in zone DMA: pfn 0x107 order 0: not the first page of its allocation (head is pfn 0x104)\n");
	EXPECT_REFUSED(__free_pages(&c[2], 1),
		       "BUG: Bad page state in zone DMA: pfn 0x106 order 1: not the first page of its allocation (head is pfn 0x104)\n");
	EXPECT_REFUSED(free_page((unsigned long)page_address(&c[1])),
		       "BUG: Bad page state in zone DMA: pfn 0x105 order 0: not the first page of its allocation (head is pfn 0x104)\n");
	/* Tails are still tails of the right head. */
	for (int i = 1; i < 4; i++)
		assert_ptr_equal(compound_head(&c[i]), c);
	__free_pages(c, 2);
	__free_pages(p, 2);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 5);
}

static void test_free_of_an_unaligned_pfn_is_refused(void **state)
{
	struct page *p;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA, 3);
	EXPECT_REFUSED(__free_pages(&p[1], 1),
		       "BUG: Bad page state in zone DMA: pfn 0x101 order 1: pfn not aligned to the order (wrong order or not a block start)\n");
	EXPECT_REFUSED(__free_pages(&p[4], 3),
		       "BUG: Bad page state in zone DMA: pfn 0x104 order 3: pfn not aligned to the order (wrong order or not a block start)\n");
	__free_pages(p, 3);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 2);
}

/*
 * Pages that belong to the slab layer are not the page allocator's to
 * free: a slab page, and the head of a large kmalloc allocation (flagged
 * here by hand, as the slab layer would).
 */
static void test_free_of_a_slab_or_kmalloc_page_is_refused(void **state)
{
	struct page *p, *q;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA, 0);
	q = alloc_pages(GFP_DMA | __GFP_COMP, 2);
	assert_int_equal(page_to_pfn(p), 0x100);
	assert_int_equal(page_to_pfn(q), 0x104);
	page_set_flag(p, PG_slab);
	page_set_flag(q, PG_large_kmalloc);
	EXPECT_REFUSED(__free_pages(p, 0),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 0: page belongs to a slab cache (free its objects instead)\n");
	EXPECT_REFUSED(free_pages((unsigned long)page_address(q), 2),
		       "BUG: Bad page state in zone DMA: pfn 0x104 order 2: page is a kmalloc() allocation (free it with kfree)\n");
	page_clear_flag(p, PG_slab);
	page_clear_flag(q, PG_large_kmalloc);
	__free_pages(q, 2);
	__free_pages(p, 0);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 2);
}

/* ---- pointers that are not pages ---------------------------------------------------------------- */

static void test_free_of_a_pointer_outside_mem_map_is_refused(void **state)
{
	struct page on_stack;
	struct page *p;

	(void)state;
	boot_pristine_dma();
	p = alloc_pages(GFP_DMA, 0);
	EXPECT_REFUSED(__free_pages(NULL, 0), "BUG: Bad page: __free_pages(");
	assert_log_contains("not a page of mem_map (pfn out of range)\n");
	EXPECT_REFUSED(__free_pages(mem_map + max_pfn, 0), "BUG: Bad page: __free_pages(");
	EXPECT_REFUSED(__free_pages(mem_map - 1, 0), "BUG: Bad page: __free_pages(");
	EXPECT_REFUSED(__free_pages(&on_stack, 0), "BUG: Bad page: __free_pages(");
	/* Inside mem_map but not at a struct page boundary. */
	EXPECT_REFUSED(__free_pages((struct page *)((char *)p + 4), 0),
		       "BUG: Bad page: __free_pages(");
	__free_pages(p, 0);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 5);
}

/* ---- order > MAX_PAGE_ORDER ------------------------------------------------------------------------ */

static void test_order_above_max_is_refused(void **state)
{
	struct page *p;

	(void)state;
	boot_pristine_dma();
	EXPECT_REFUSED(assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1)),
		       "BUG: alloc_pages: order 11 > MAX_PAGE_ORDER (10), refused\n");
	/* __GFP_NOWARN silences out-of-memory, not misuse. */
	EXPECT_REFUSED(assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 40)),
		       "BUG: alloc_pages: order 40 > MAX_PAGE_ORDER (10), refused\n");
	EXPECT_REFUSED(assert_int_equal(__get_free_pages(GFP_KERNEL, 12), 0),
		       "BUG: alloc_pages: order 12 > MAX_PAGE_ORDER (10), refused\n");
	EXPECT_REFUSED(assert_null(alloc_pages_exact((PAGE_SIZE << MAX_PAGE_ORDER) + 1, GFP_KERNEL)),
		       "BUG: alloc_pages_exact: 4194305 bytes needs order 11 > MAX_PAGE_ORDER (10), refused\n");

	p = alloc_pages(GFP_DMA, 0);
	EXPECT_REFUSED(__free_pages(p, MAX_PAGE_ORDER + 1),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 11: order > MAX_PAGE_ORDER\n");
	EXPECT_REFUSED(__free_pages(p, 64),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 64: order > MAX_PAGE_ORDER\n");
	EXPECT_REFUSED(free_pages((unsigned long)page_address(p), ~0u),
		       "BUG: Bad page state in zone DMA: pfn 0x100 order 4294967295: order > MAX_PAGE_ORDER\n");
	assert_log_lacks("page allocation failure");
	__free_pages(p, 0);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 7);
}

/* ---- free_pages addresses ------------------------------------------------------------------------------- */

static void test_free_pages_of_a_bad_address_is_refused(void **state)
{
	unsigned long addr;
	char line[160];

	(void)state;
	boot_pristine_dma();
	addr = __get_free_pages(GFP_DMA, 1);
	assert_int_equal(__pa((void *)addr), 0x100000);

	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages(%#lx): address is not page aligned\n", addr + 16);
	EXPECT_REFUSED(free_pages(addr + 16, 1), line);
	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages_exact(%#lx): address is not page aligned\n", addr + 1);
	EXPECT_REFUSED(free_pages_exact((void *)(addr + 1), PAGE_SIZE), line);

	/* Below the direct map, and past its end (beyond all RAM). */
	unsigned long below = (unsigned long)PAGE_OFFSET - PAGE_SIZE;
	unsigned long past = (unsigned long)__va((phys_addr_t)max_pfn << PAGE_SHIFT);

	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages(%#lx): not a lowmem address mm manages\n", below);
	EXPECT_REFUSED(free_pages(below, 0), line);
	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages(%#lx): not a lowmem address mm manages\n", past);
	EXPECT_REFUSED(free_pages(past, 0), line);
	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages_exact(%#lx): not a lowmem address mm manages\n", past);
	EXPECT_REFUSED(free_pages_exact((void *)past, PAGE_SIZE), line);

	free_pages(addr, 1);
	assert_dma_pristine();
	assert_int_equal(mm_error_count(), 5);
}

/* A highmem page has no direct-map address: its arena address is refused. */
static void test_free_pages_of_a_highmem_address_is_refused(void **state)
{
	struct page *p;
	char line[160];

	(void)state;
	boot_simple(MIB(8), "highmem=2M");
	p = alloc_pages(GFP_HIGHUSER, 0);
	assert_true(PageHighMem(p));

	unsigned long addr = (unsigned long)__va(page_to_phys(p));

	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages(%#lx): not a lowmem address mm manages\n", addr);
	EXPECT_REFUSED(free_pages(addr, 0), line);
	/* Highmem misuse names its zone. */
	__free_pages(p, 0);
	snprintf(line, sizeof(line),
		 "BUG: Bad page state in zone HighMem: pfn %#lx order 0: page is already free",
		 page_to_pfn(p));
	EXPECT_REFUSED(__free_pages(p, 0), line);
	assert_int_equal(mm_error_count(), 2);
}

static void test_free_pages_of_zero_is_a_silent_no_op(void **state)
{
	unsigned long free;

	(void)state;
	boot_pristine_dma();
	free = nr_free_pages();
	mm_host_log_clear();
	free_pages(0, 0);
	free_pages(0, 5);
	free_pages(0, MAX_PAGE_ORDER + 1);
	free_page(0);
	free_pages_exact(NULL, 3 * PAGE_SIZE);
	assert_int_equal(mm_error_count(), 0);
	assert_string_equal(mm_host_log(), "");
	assert_int_equal(nr_free_pages(), free);
	assert_dma_pristine();
}

/* ---- free_pages_exact ----------------------------------------------------------------------------------- */

/* Freeing an exact allocation twice reports each page once. */
static void test_double_free_pages_exact_reports_each_page(void **state)
{
	void *va;
	unsigned long free;

	(void)state;
	boot_pristine_dma();
	free = nr_free_pages();
	va = alloc_pages_exact(3 * PAGE_SIZE, GFP_DMA);
	free_pages_exact(va, 3 * PAGE_SIZE);
	mm_host_log_clear();
	free_pages_exact(va, 3 * PAGE_SIZE);
	assert_int_equal(mm_error_count(), 3);
	assert_int_equal(log_count("BUG: Bad page state in zone DMA: pfn 0x10"), 3);
	assert_log_contains("pfn 0x100 order 0: page is already free (double free)\n");
	assert_log_contains("pfn 0x101 order 0: page is already free (inside free order-8 block at pfn 0x100)\n");
	assert_int_equal(nr_free_pages(), free);
	assert_dma_pristine();
}

/*
 * A size no exact allocation can have (alloc_pages_exact refuses more than
 * PAGE_SIZE << MAX_PAGE_ORDER) is refused on one line and frees nothing:
 * SIZE_MAX used to wrap the page count to 0 (a silent no-op), and sizes a
 * little below it asked for 2^52 frees of pages past mem_map.
 */
static void test_free_pages_exact_of_an_impossible_size_is_refused(void **state)
{
	void *va;
	char line[200];

	(void)state;
	boot_pristine_dma();
	va = alloc_pages_exact(3 * PAGE_SIZE, GFP_DMA);
	assert_int_equal(__pa(va), 0x100000);

	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages_exact(%#lx, %zu): no allocation is that large, refused\n",
		 (unsigned long)va, (size_t)-1);
	EXPECT_REFUSED(free_pages_exact(va, (size_t)-1), line);
	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages_exact(%#lx, %zu): no allocation is that large, refused\n",
		 (unsigned long)va, (size_t)-1 - 2 * PAGE_SIZE);
	EXPECT_REFUSED(free_pages_exact(va, (size_t)-1 - 2 * PAGE_SIZE), line);
	snprintf(line, sizeof(line),
		 "BUG: Bad page: free_pages_exact(%#lx, %lu): no allocation is that large, refused\n",
		 (unsigned long)va, (PAGE_SIZE << MAX_PAGE_ORDER) + 1);
	EXPECT_REFUSED(free_pages_exact(va, (PAGE_SIZE << MAX_PAGE_ORDER) + 1), line);

	free_pages_exact(va, 3 * PAGE_SIZE);
	assert_int_equal(mm_error_count(), 3);
	assert_dma_pristine();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_double_free_of_a_free_head_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_after_merge_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_of_an_older_block_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_reserved_page_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_with_the_wrong_order_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_tail_page_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_an_unaligned_pfn_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_slab_or_kmalloc_page_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_of_a_pointer_outside_mem_map_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_order_above_max_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_pages_of_a_bad_address_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_free_pages_of_a_highmem_address_is_refused,
					  teardown_mm),
		cmocka_unit_test_teardown(test_free_pages_of_zero_is_a_silent_no_op, teardown_mm),
		cmocka_unit_test_teardown(test_double_free_pages_exact_reports_each_page, teardown_mm),
		cmocka_unit_test_teardown(test_free_pages_exact_of_an_impossible_size_is_refused,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("misuse", tests, NULL, NULL);
}
