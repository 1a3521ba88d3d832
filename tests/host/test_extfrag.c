/*
 * tests/host/test_extfrag.c - the extfrag indices on free lists built on
 * purpose, checked against Linux's formulas (mm/vmstat.c):
 *
 *   unusable_free_index(k)   = (free_pages - pages in blocks >= k) * 1000
 *                              / free_pages;            1000 if nothing free
 *   __fragmentation_index(k) = 0 if no free block; -1000 if a block >= k is
 *                              free; else 1000 - (1000 + free_pages * 1000
 *                              / 2^k) / free_blocks_total
 *
 * printed as "%d.%03d " and "%2d.%03d " after "Node 0, zone %8s ".
 *
 * Arena: 8 MiB with highmem=2M (DMA pfns 0x000-0x5ff with mem_map on top,
 * HighMem 0x600-0x7ff).  Every page is allocated, then only the pfns a
 * test names are freed, so the free lists are exactly what it draws.
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <stdio.h>
#include <string.h>

static const char unusable_path[] = "/sys/kernel/debug/extfrag/unusable_index";
static const char extfrag_path[] = "/sys/kernel/debug/extfrag/extfrag_index";

static struct page *by_pfn[2048];

static void boot_full(void)
{
	struct page *p;

	memset(by_pfn, 0, sizeof(by_pfn));
	boot_simple(MIB(8), "highmem=2M");
	while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0)))
		by_pfn[page_to_pfn(p)] = p;
	assert_int_equal(nr_free_pages(), 0);
}

/* Frees pfns first, first + step, ... below end. */
static void free_pfns(unsigned long first, unsigned long end, unsigned long step)
{
	for (unsigned long pfn = first; pfn < end; pfn += step) {
		assert_non_null(by_pfn[pfn]);
		__free_pages(by_pfn[pfn], 0);
		by_pfn[pfn] = NULL;
	}
}

static void assert_report(const char *path, const char *want)
{
	char buf[1024];
	ssize_t n = mm_proc_read(path, buf, sizeof(buf));

	if (n < 0 || strcmp(buf, want) != 0) {
		fprintf(stderr, "%s (%zd):\n---- have\n%s---- want\n%s----\n", path, n,
			n < 0 ? "" : buf, want);
		fail();
	}
}

/*
 * Nothing free anywhere: no free memory counts as all unusable (1.000),
 * and with no free block the fragmentation index is 0.
 */
static void test_nothing_free_is_unusable_1_and_extfrag_0(void **state)
{
	(void)state;
	boot_full();
	assert_report(unusable_path,
		      "Node 0, zone      DMA 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
		      "Node 0, zone  HighMem 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	assert_report(extfrag_path,
		      "Node 0, zone      DMA  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n"
		      "Node 0, zone  HighMem  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n");
	assert_mm_clean();
}

/*
 * Every even pfn of DMA 0x100-0x4ff free, the odd ones held: 512 free
 * pages, all single (order 0), 512 blocks.  HighMem: nothing free.
 *
 *   unusable: k=0 0.000, k>=1 512000/512 = 1000
 *   extfrag:  k=0 -1.000 (an order-0 block exists), then
 *             1000 - (1000 + 512000 / 2^k) / 512:
 *     k=1 1000 - 257000/512 = 1000 - 501 = 499   k=6 1000 - 9000/512 = 983
 *     k=2 1000 - 129000/512 = 1000 - 251 = 749   k=7 1000 - 5000/512 = 991
 *     k=3 1000 -  65000/512 = 1000 - 126 = 874   k=8 1000 - 3000/512 = 995
 *     k=4 1000 -  33000/512 = 1000 -  64 = 936   k=9 1000 - 2000/512 = 997
 *     k=5 1000 -  17000/512 = 1000 -  33 = 967   k=10 1000 - 1500/512 = 998
 */
static void test_every_other_page_free_is_fragmented_above_order0(void **state)
{
	(void)state;
	boot_full();
	free_pfns(0x100, 0x500, 2);
	assert_int_equal(nr_free_blocks(ZONE_DMA, 0), 512);
	assert_int_equal(nr_free_pages(), 512);
	assert_report(unusable_path,
		      "Node 0, zone      DMA 0.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
		      "Node 0, zone  HighMem 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	assert_report(extfrag_path,
		      "Node 0, zone      DMA -1.000  0.499  0.749  0.874  0.936  0.967  0.983  0.991  0.995  0.997  0.998 \n"
		      "Node 0, zone  HighMem  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n");
	assert_mm_clean();

	/*
	 * Then the odd pfns too: 0x100-0x4ff merges into 0x100/o8, 0x200/o9,
	 * 0x400/o8 (0x500 is still held): 1024 pages in 3 blocks.
	 *   unusable: k<=8 0, k=9 (1024 - 512) * 1000 / 1024 = 500, k=10 1000
	 *   extfrag:  k<=9 -1.000, k=10 1000 - (1000 + 1000) / 3 = 334
	 */
	free_pfns(0x101, 0x500, 2);
	assert_report(unusable_path,
		      "Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.500 1.000 \n"
		      "Node 0, zone  HighMem 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	assert_report(extfrag_path,
		      "Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.334 \n"
		      "Node 0, zone  HighMem  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n");
	assert_mm_clean();
}

/*
 * HighMem with one order-2 block (0x600-0x603; 0x604 held) and three
 * single pages (0x605, 0x607, 0x609): 7 free pages in 4 blocks.
 *
 *   unusable: k=0 0, k=1,2 (7 - 4) * 1000 / 7 = 428, k>=3 1000
 *   extfrag:  k<=2 -1.000, then 1000 - (1000 + 7000 / 2^k) / 4:
 *     k=3 1000 - 1875/4 = 532   k=6 1000 - 1109/4 = 723   k=9  1000 - 1013/4 = 747
 *     k=4 1000 - 1437/4 = 641   k=7 1000 - 1054/4 = 737   k=10 1000 - 1006/4 = 749
 *     k=5 1000 - 1218/4 = 696   k=8 1000 - 1027/4 = 744
 */
static void test_mixed_orders_give_linux_indices(void **state)
{
	(void)state;
	boot_full();
	free_pfns(0x600, 0x604, 1);
	free_pfns(0x605, 0x60a, 2);
	assert_int_equal(nr_free_blocks(ZONE_HIGHMEM, 2), 1);
	assert_int_equal(nr_free_blocks(ZONE_HIGHMEM, 0), 3);
	assert_report(unusable_path,
		      "Node 0, zone      DMA 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
		      "Node 0, zone  HighMem 0.000 0.428 0.428 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	assert_report(extfrag_path,
		      "Node 0, zone      DMA  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n"
		      "Node 0, zone  HighMem -1.000 -1.000 -1.000  0.532  0.641  0.696  0.723  0.737  0.744  0.747  0.749 \n");
	assert_mm_clean();
}

/*
 * All of HighMem free again: one order-9 block (512 pages, 0x600-0x7ff).
 * Any request up to order 9 succeeds (-1.000, unusable 0.000); order 10
 * fails for lack of memory more than fragmentation:
 *   unusable 1000, extfrag 1000 - (1000 + 512000 / 1024) / 1 = -500
 * Linux's formula leaves [0, 1000] with a single free block smaller than
 * the request, and Linux prints it with "%2d.%03d" of -500 / 1000 and
 * -500 % 1000: " 0.-500".  Byte for byte means that too.
 */
static void test_one_free_block_gives_minus_one_up_to_its_order(void **state)
{
	(void)state;
	boot_full();
	free_pfns(0x600, 0x800, 1);
	assert_int_equal(nr_free_blocks(ZONE_HIGHMEM, 9), 1);
	assert_report(unusable_path,
		      "Node 0, zone      DMA 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
		      "Node 0, zone  HighMem 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 1.000 \n");
	assert_report(extfrag_path,
		      "Node 0, zone      DMA  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n"
		      "Node 0, zone  HighMem -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.-500 \n");
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_nothing_free_is_unusable_1_and_extfrag_0, teardown_mm),
		cmocka_unit_test_teardown(test_every_other_page_free_is_fragmented_above_order0,
					  teardown_mm),
		cmocka_unit_test_teardown(test_mixed_orders_give_linux_indices, teardown_mm),
		cmocka_unit_test_teardown(test_one_free_block_gives_minus_one_up_to_its_order,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("extfrag", tests, NULL, NULL);
}
