/*
 * tests/host/test_reports.c - the buddy reports, byte for byte:
 * /proc/buddyinfo, /proc/zoneinfo, /proc/meminfo and the two extfrag
 * files, for a small state built on purpose; and mm_proc_read's contract
 * (-ENOENT, -ENOSPC with buf left empty, NUL termination).
 *
 * The state: 8 MiB with highmem=2M (DMA and HighMem, no Normal).
 *
 *   DMA      pfns 0x000-0x5ff: first MiB reserved, mem_map (2048 struct
 *            pages of 48 bytes = 24 pages) on top at 0x5e8-0x5ff
 *            spanned = present = 1536, managed = 1536 - 256 - 24 = 1256
 *   HighMem  pfns 0x600-0x7ff: spanned = present = managed = 512
 *
 * Every page is allocated, then exactly these are freed:
 *
 *   DMA      0x100-0x107 -> one order-3 block (0x108 is in use)
 *            0x10a       -> order 0 (0x10b in use)
 *            0x10c-0x10d -> order 1 (0x10e in use)
 *            0x200-0x3ff -> order 9 (buddy 0x000 is reserved)
 *            free = 8 + 1 + 2 + 512 = 523 pages in 4 blocks
 *   HighMem  0x600-0x63f -> order 6 (0x640 in use)
 *            0x641, 0x643 -> order 0 each (0x640, 0x642 in use)
 *            free = 64 + 2 = 66 pages in 3 blocks
 *
 * Watermarks (mm/init.c): lowmem = 1256 pages = 5024 kB,
 * min_free_kbytes = int_sqrt(5024 * 16) = int_sqrt(80384) = 283 kB = 70
 * pages, all of it DMA's: min 70, low 70 + 17 = 87, high 70 + 35 = 105.
 * HighMem: min(512 / 1024 + 32, 128) = 32, low 40, high 48.
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The literal texts below depend on mem_map's size: 24 pages for 2048
 * struct pages.  Recompute them (see the header) if struct page changes. */
_Static_assert(sizeof(struct page) == 48,
	       "test_reports.c expected texts assume a 48-byte struct page on the host");

static struct page *by_pfn[2048];

static void build_state(void)
{
	static const struct {
		unsigned long first, last;
	} to_free[] = {
		{ 0x100, 0x107 }, { 0x10a, 0x10a }, { 0x10c, 0x10d }, { 0x200, 0x3ff },
		{ 0x600, 0x63f }, { 0x641, 0x641 }, { 0x643, 0x643 },
	};
	struct page *p;

	memset(by_pfn, 0, sizeof(by_pfn));
	boot_simple(MIB(8), "highmem=2M");
	assert_int_equal(zones[ZONE_DMA].managed_pages, 1256);
	while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0)))
		by_pfn[page_to_pfn(p)] = p;
	assert_int_equal(nr_free_pages(), 0);
	for (size_t i = 0; i < ARRAY_SIZE(to_free); i++)
		for (unsigned long pfn = to_free[i].first; pfn <= to_free[i].last; pfn++) {
			assert_non_null(by_pfn[pfn]);
			__free_pages(by_pfn[pfn], 0);
			by_pfn[pfn] = NULL;
		}
	assert_int_equal(nr_free_pages(), 523 + 66);
	assert_mm_clean();
}

static void assert_report(const char *path, const char *want)
{
	char buf[4096];
	ssize_t n;

	memset(buf, 'X', sizeof(buf));
	n = mm_proc_read(path, buf, sizeof(buf));
	if (n < 0 || strcmp(buf, want) != 0) {
		fprintf(stderr, "%s (%zd):\n---- have\n%s---- want\n%s----\n", path, n,
			n < 0 ? "" : buf, want);
		fail();
	}
	assert_int_equal(n, strlen(want));
	assert_int_equal(buf[n], '\0');
}

/* ---- the texts ------------------------------------------------------------------------- */

static const char buddyinfo[] =
	"Node 0, zone      DMA      1      1      0      1      0      0      0      0      0      1      0 \n"
	"Node 0, zone  HighMem      2      0      0      0      0      0      1      0      0      0      0 \n";

static const char zoneinfo[] =
	"Node 0, zone      DMA\n"
	"  pages free     523\n"
	"        boost    0\n"
	"        min      70\n"
	"        low      87\n"
	"        high     105\n"
	"        spanned  1536\n"
	"        present  1536\n"
	"        managed  1256\n"
	"        cma      0\n"
	"      nr_free_pages 523\n"
	"  start_pfn:           0\n"
	"Node 0, zone   Normal\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      0\n"
	"        low      0\n"
	"        high     0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"Node 0, zone  HighMem\n"
	"  pages free     66\n"
	"        boost    0\n"
	"        min      32\n"
	"        low      40\n"
	"        high     48\n"
	"        spanned  512\n"
	"        present  512\n"
	"        managed  512\n"
	"        cma      0\n"
	"      nr_free_pages 66\n"
	"  start_pfn:           1536\n";

/* MemTotal 1768 pages, MemFree 589, HighTotal 512, HighFree 66,
 * LowTotal 1256, LowFree 523; no slab pages. */
static const char meminfo[] =
	"MemTotal:           7072 kB\n"
	"MemFree:            2356 kB\n"
	"MemAvailable:       2356 kB\n"
	"HighTotal:          2048 kB\n"
	"HighFree:            264 kB\n"
	"LowTotal:           5024 kB\n"
	"LowFree:            2092 kB\n"
	"Slab:                  0 kB\n"
	"SReclaimable:          0 kB\n"
	"SUnreclaim:            0 kB\n";

/*
 * unusable_free_index(k) = (free - pages in blocks of order >= k) * 1000 / free
 *   DMA (523 free; blocks 1x o0, 1x o1, 1x o3, 1x o9):
 *     k=0: 0   k=1: 1000/523 = 1   k=2,3: 3000/523 = 5
 *     k=4..9: 11000/523 = 21       k=10: 523000/523 = 1000
 *   HighMem (66 free; 2x o0, 1x o6):
 *     k=0: 0   k=1..6: 2000/66 = 30   k=7..10: 1000
 */
static const char unusable[] =
	"Node 0, zone      DMA 0.000 0.001 0.005 0.005 0.021 0.021 0.021 0.021 0.021 0.021 1.000 \n"
	"Node 0, zone  HighMem 0.000 0.030 0.030 0.030 0.030 0.030 0.030 1.000 1.000 1.000 1.000 \n";

/*
 * fragmentation_index(k) = -1000 while a block of order >= k is free, else
 *   1000 - (1000 + free * 1000 / 2^k) / blocks
 *   DMA k=10: 1000 - (1000 + 523000 / 1024) / 4 = 1000 - 1510 / 4 = 623
 *   HighMem k=7:  1000 - (1000 + 66000 / 128) / 3  = 1000 - 1515 / 3 = 495
 *           k=8:  1000 - (1000 + 66000 / 256) / 3  = 1000 - 1257 / 3 = 581
 *           k=9:  1000 - (1000 + 66000 / 512) / 3  = 1000 - 1128 / 3 = 624
 *           k=10: 1000 - (1000 + 66000 / 1024) / 3 = 1000 - 1064 / 3 = 646
 */
static const char extfrag[] =
	"Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.623 \n"
	"Node 0, zone  HighMem -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.495  0.581  0.624  0.646 \n";

static void test_buddyinfo_matches_linux_format(void **state)
{
	(void)state;
	build_state();
	assert_report("/proc/buddyinfo", buddyinfo);
}

static void test_zoneinfo_matches_linux_format(void **state)
{
	(void)state;
	build_state();
	assert_report("/proc/zoneinfo", zoneinfo);
}

static void test_meminfo_matches_linux_format(void **state)
{
	(void)state;
	build_state();
	assert_report("/proc/meminfo", meminfo);
}

static void test_unusable_index_matches_linux_format(void **state)
{
	(void)state;
	build_state();
	assert_report("/sys/kernel/debug/extfrag/unusable_index", unusable);
}

static void test_extfrag_index_matches_linux_format(void **state)
{
	(void)state;
	build_state();
	assert_report("/sys/kernel/debug/extfrag/extfrag_index", extfrag);
}

/* Reports follow the state: one more page freed moves one count. */
static void test_reports_follow_the_state(void **state)
{
	(void)state;
	build_state();
	__free_pages(by_pfn[0x642], 0);	/* 0x641-0x643 free: 0x642-0x643 merge */
	by_pfn[0x642] = NULL;
	assert_report("/proc/buddyinfo",
		      "Node 0, zone      DMA      1      1      0      1      0      0      0      0      0      1      0 \n"
		      "Node 0, zone  HighMem      1      1      0      0      0      0      1      0      0      0      0 \n");
	assert_mm_clean();
}

/* ---- mm_proc_read's contract ------------------------------------------------------------------ */

static void test_unknown_path_is_enoent(void **state)
{
	static const char *const bad[] = {
		"/proc/nope", "/proc/buddyinf", "/proc/buddyinfo/", "/proc/buddyinfox",
		"/PROC/BUDDYINFO", "", "/sys/kernel/debug/extfrag/", "proc/buddyinfo",
	};
	char buf[256];

	(void)state;
	build_state();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(mm_proc_read(bad[i], buf, sizeof(buf)), -ENOENT);
}

/* Every report needs strlen + 1 bytes: one less is -ENOSPC with buf left
 * as an empty string, never a cut report; zero bytes are -ENOSPC too. */
static void test_too_small_buffer_is_enospc_and_left_empty(void **state)
{
	static const struct {
		const char *path, *text;
	} reports[] = {
		{ "/proc/buddyinfo", buddyinfo },
		{ "/proc/zoneinfo", zoneinfo },
		{ "/proc/meminfo", meminfo },
		{ "/sys/kernel/debug/extfrag/unusable_index", unusable },
		{ "/sys/kernel/debug/extfrag/extfrag_index", extfrag },
	};
	char buf[4096];

	(void)state;
	build_state();
	for (size_t i = 0; i < ARRAY_SIZE(reports); i++) {
		size_t len = strlen(reports[i].text);

		for (size_t size = 1; size <= len; size += (size < 8 || size + 8 > len) ? 1 : 97) {
			memset(buf, 'X', sizeof(buf));
			assert_int_equal(mm_proc_read(reports[i].path, buf, size), -ENOSPC);
			assert_int_equal(buf[0], '\0');
			/* Nothing written past the buffer given. */
			for (size_t b = size; b < sizeof(buf); b++)
				assert_int_equal(buf[b], 'X');
		}
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(mm_proc_read(reports[i].path, buf, 0), -ENOSPC);
		assert_int_equal(buf[0], 'X');

		memset(buf, 'X', sizeof(buf));
		assert_int_equal(mm_proc_read(reports[i].path, buf, len + 1), len);
		assert_string_equal(buf, reports[i].text);
		assert_int_equal(buf[len + 1], 'X');
	}
}

static void test_reports_are_nul_terminated(void **state)
{
	const char *paths[16];
	size_t n;
	char buf[4096];

	(void)state;
	build_state();
	n = mm_proc_list(paths, ARRAY_SIZE(paths));
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		ssize_t len;

		memset(buf, 'X', sizeof(buf));
		len = mm_proc_read(paths[i], buf, sizeof(buf));
		assert_true(len > 0);
		assert_int_equal(buf[len], '\0');
		assert_int_equal(strlen(buf), (size_t)len);
		assert_int_equal(buf[len - 1], '\n');
	}
	assert_int_equal(mm_proc_read("/proc/buddyinfo", NULL, 16), -EINVAL);
	assert_int_equal(mm_proc_read(NULL, buf, sizeof(buf)), -EINVAL);
}

static void test_proc_list_names_the_buddy_reports(void **state)
{
	static const char *const want[] = {
		"/proc/buddyinfo", "/proc/zoneinfo", "/proc/meminfo",
		"/sys/kernel/debug/extfrag/unusable_index",
		"/sys/kernel/debug/extfrag/extfrag_index",
	};
	const char *paths[16];
	size_t n;

	(void)state;
	build_state();
	n = mm_proc_list(paths, ARRAY_SIZE(paths));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;

		for (size_t j = 0; j < n; j++)
			found |= strcmp(paths[j], want[i]) == 0;
		assert_true(found);
	}
	assert_int_equal(mm_proc_list(paths, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_buddyinfo_matches_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_zoneinfo_matches_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_meminfo_matches_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_unusable_index_matches_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_extfrag_index_matches_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_reports_follow_the_state, teardown_mm),
		cmocka_unit_test_teardown(test_unknown_path_is_enoent, teardown_mm),
		cmocka_unit_test_teardown(test_too_small_buffer_is_enospc_and_left_empty, teardown_mm),
		cmocka_unit_test_teardown(test_reports_are_nul_terminated, teardown_mm),
		cmocka_unit_test_teardown(test_proc_list_names_the_buddy_reports, teardown_mm),
	};

	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
