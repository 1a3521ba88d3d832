/*
 * tests/host/test_memmap.c - sanitizing firmware memory maps: what mm_init
 * makes of unsorted, overlapping, unaligned, zero-length and above-4-GiB
 * entries, of mem= and highmem=, and of early reservations.
 *
 * Every test boots through mm_host_boot and checks each zone's start,
 * spanned, present and managed pages, and nr_free_pages(), against a
 * layout computed by hand and drawn in the test.  Two reservations appear
 * in every layout:
 *
 *   - the first MiB (pfns 0x000-0x0ff), whatever RAM is there;
 *   - mem_map, one struct page per pfn below max_pfn, rounded up to whole
 *     pages and placed top-down at the highest free lowmem range that
 *     holds it.  With the 48-byte struct page of x86-64 that is 24 pages
 *     for 8 MiB of pfns, 48 for 16 MiB; MEMMAP_PAGES() computes it so the
 *     layouts stay true if struct page shrinks.
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PFN(a)	((unsigned long)((a) >> PAGE_SHIFT))

#define MEMMAP_PAGES(max_pfn) \
	DIV_ROUND_UP((unsigned long)(max_pfn) * sizeof(struct page), PAGE_SIZE)

static void assert_zone(enum zone_type z, unsigned long start, unsigned long spanned,
			unsigned long present, unsigned long managed)
{
	const struct zone *zone = &zones[z];

	if (zone->zone_start_pfn != start || zone->spanned_pages != spanned ||
	    zone->present_pages != present || zone->managed_pages != managed ||
	    zone->free_pages != managed) {
		fprintf(stderr,
			"zone %s: start %#lx spanned %lu present %lu managed %lu free %lu;\n"
			"expected start %#lx spanned %lu present %lu managed %lu free %lu\nlog:\n%s\n",
			zone->name, zone->zone_start_pfn, zone->spanned_pages,
			zone->present_pages, zone->managed_pages, zone->free_pages,
			start, spanned, present, managed, managed, mm_host_log());
		fail();
	}
}

static void assert_empty_zone(enum zone_type z)
{
	assert_int_equal(zones[z].present_pages, 0);
	assert_int_equal(zones[z].spanned_pages, 0);
	assert_int_equal(zones[z].managed_pages, 0);
	assert_int_equal(zones[z].free_pages, 0);
}

/* Asserts memblock.memory is exactly the given [base, end) pairs. */
static void assert_memory(const uint64_t (*ranges)[2], size_t n)
{
	if (memblock.memory.cnt != n)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (memblock.memory.regions[i].base != ranges[i][0] ||
		    memblock.memory.regions[i].base + memblock.memory.regions[i].size !=
		    ranges[i][1])
			goto bad;
	return;
bad:
	fprintf(stderr, "memblock.memory:\n");
	for (unsigned long i = 0; i < memblock.memory.cnt; i++)
		fprintf(stderr, "  [%#llx, %#llx)\n",
			(unsigned long long)memblock.memory.regions[i].base,
			(unsigned long long)(memblock.memory.regions[i].base +
					     memblock.memory.regions[i].size));
	fprintf(stderr, "expected:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  [%#llx, %#llx)\n", (unsigned long long)ranges[i][0],
			(unsigned long long)ranges[i][1]);
	fail();
}

static void assert_totals(void)
{
	unsigned long managed = zones[ZONE_DMA].managed_pages +
				zones[ZONE_NORMAL].managed_pages +
				zones[ZONE_HIGHMEM].managed_pages;

	assert_int_equal(nr_free_pages(), managed);
	assert_int_equal(totalram_pages(), managed);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static bool pfn_is_hole(unsigned long pfn)
{
	return PageFlag(pfn_to_page(pfn), PG_hole);
}

/* ---- the plain case ---------------------------------------------------------- */

/*
 *   pfn 0x000        0x100                          0xfd0      0x1000
 *       | first MiB  |  free                        | mem_map  |
 *       +------------+------------------------------+----------+
 *   DMA: spanned = present = 4096, managed = 4096 - 256 - 48 = 3792
 */
static void test_single_usable_range_fills_dma(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	assert_int_equal(max_pfn, 4096);
	assert_int_equal(max_low_pfn, 4096);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256 - MEMMAP_PAGES(4096));
	assert_empty_zone(ZONE_NORMAL);
	assert_empty_zone(ZONE_HIGHMEM);
	assert_int_equal(get_num_physpages(), 4096);
	/* mem_map sits at the top of lowmem. */
	assert_int_equal(__pa(mem_map), MIB(16) - MEMMAP_PAGES(4096) * PAGE_SIZE);
	assert_totals();
}

/* ---- sorting, overlaps, rounding --------------------------------------------- */

/*
 * The same RAM given in a scrambled order, with the PC's classic hole:
 *
 *   usable   [0x000000, 0x09fc00)   -> [0x000000, 0x09f000)  (rounded in)
 *   reserved [0x09fc00, 0x0a0000)      (EBDA)
 *   reserved [0x0f0000, 0x100000)      (BIOS ROM)
 *   usable   [0x100000, 0x800000) \
 *   usable   [0x800000, 0x1000000) }-> [0x100000, 0x1000000) (merged)
 *
 *   present = 159 + 3840 = 3999; the 159 low pages are in the first MiB;
 *   managed = 3999 - 159 - 48 (mem_map) = 3792.  The zone spans from pfn 0.
 */
static void test_unsorted_map_is_sorted_and_merged(void **state)
{
	static const struct mem_region map[] = {
		{ MIB(8), MIB(8), MEM_USABLE },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ 0, 0x9fc00, MEM_USABLE },
		{ MIB(1), MIB(7), MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
	};
	static const uint64_t mem[][2] = { { 0, 0x9f000 }, { MIB(1), MIB(16) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 4096);
	assert_zone(ZONE_DMA, 0, 4096, 3999, 3999 - 159 - MEMMAP_PAGES(4096));
	assert_true(pfn_is_hole(0x9f));
	assert_true(pfn_is_hole(0xff));
	assert_false(pfn_is_hole(0x9e));
	assert_false(pfn_is_hole(0x100));
	assert_totals();
}

/*
 * A reserved range inside usable RAM wins, and whole pages of it go:
 *
 *   usable   [0x000000, 0x1000000)
 *   reserved [0x7ff800, 0x900000)  -> removes pfns 0x7ff-0x8ff (257 pages)
 *   reserved [0xa00100, 0xa00200)  -> removes pfn 0xa00 (one page)
 *
 *   memory [0, 0x7ff000) [0x900000, 0xa00000) [0xa01000, 0x1000000)
 *   present = 4096 - 257 - 1 = 3838, spanned 4096,
 *   managed = 3838 - 256 - 48 = 3534.
 * The reserved entries come first: order in the map does not matter.
 */
static void test_reserved_overlap_wins_rounded_outward(void **state)
{
	static const struct mem_region map[] = {
		{ 0x7ff800, 0x900000 - 0x7ff800, MEM_RESERVED },
		{ 0xa00100, 0x100, MEM_RESERVED },
		{ 0, MIB(16), MEM_USABLE },
	};
	static const uint64_t mem[][2] = {
		{ 0, 0x7ff000 }, { 0x900000, 0xa00000 }, { 0xa01000, MIB(16) },
	};

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_zone(ZONE_DMA, 0, 4096, 3838, 3838 - 256 - MEMMAP_PAGES(4096));
	assert_false(pfn_is_hole(0x7fe));
	assert_true(pfn_is_hole(0x7ff));
	assert_true(pfn_is_hole(0x8ff));
	assert_false(pfn_is_hole(0x900));
	assert_true(pfn_is_hole(0xa00));
	assert_false(pfn_is_hole(0xa01));
	assert_totals();
}

/*
 * Usable RAM that does not start or end on a page boundary loses the
 * partial pages:
 *
 *   usable [0x100800, 0x800400) -> [0x101000, 0x800000): pfns 0x101-0x7ff
 *
 *   DMA starts at pfn 0x101: spanned = present = 2048 - 257 = 1791,
 *   managed = 1791 - 24 (mem_map; the first MiB holds no RAM here).
 */
static void test_unaligned_usable_range_rounded_inward(void **state)
{
	static const struct mem_region map[] = {
		{ 0x100800, 0x800400 - 0x100800, MEM_USABLE },
	};
	static const uint64_t mem[][2] = { { 0x101000, MIB(8) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 2048);
	assert_zone(ZONE_DMA, 0x101, 1791, 1791, 1791 - MEMMAP_PAGES(2048));
	assert_true(pfn_is_hole(0x100));
	assert_totals();
}

/*
 * Firmware may split one stretch of RAM at an address that is not a page
 * boundary, or give overlapping usable entries.  The union is what is
 * usable; only its ends are rounded inward:
 *
 *   usable [0x100000, 0x300800)  \
 *   usable [0x300800, 0x500c00)   } -> [0x100000, 0x800000)
 *   usable [0x500400, 0x800000)  /
 *
 *   present = 1792 (pfns 0x100-0x7ff: none lost at 0x300 or 0x500),
 *   managed = 1792 - 24.
 */
static void test_adjacent_unaligned_usable_entries_keep_shared_pages(void **state)
{
	static const struct mem_region map[] = {
		{ 0x100000, 0x300800 - 0x100000, MEM_USABLE },
		{ 0x300800, 0x500c00 - 0x300800, MEM_USABLE },
		{ 0x500400, 0x800000 - 0x500400, MEM_USABLE },
	};
	static const uint64_t mem[][2] = { { MIB(1), MIB(8) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_zone(ZONE_DMA, 0x100, 1792, 1792, 1792 - MEMMAP_PAGES(2048));
	assert_false(pfn_is_hole(0x300));
	assert_false(pfn_is_hole(0x500));
	assert_totals();
}

/*
 * Zero-length entries change nothing, whatever their type and alignment:
 * the empty reserved entry at 0x200800 does not take pfn 0x200, the empty
 * usable one at 12 MiB does not move max_pfn.
 *
 *   memory [0, 8 MiB): present 2048, managed 2048 - 256 - 24 = 1768.
 */
static void test_zero_length_entries_are_ignored(void **state)
{
	static const struct mem_region map[] = {
		{ MIB(12), 0, MEM_USABLE },
		{ 0x200800, 0, MEM_RESERVED },
		{ 0, MIB(8), MEM_USABLE },
		{ MIB(4), 0, MEM_BAD },
		{ 0, 0, MEM_USABLE },
	};
	static const uint64_t mem[][2] = { { 0, MIB(8) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 2048);
	assert_zone(ZONE_DMA, 0, 2048, 2048, 2048 - 256 - MEMMAP_PAGES(2048));
	assert_false(pfn_is_hole(0x200));
	assert_totals();
}

/*
 * Non-usable types other than "reserved" also win over usable RAM:
 *
 *   usable           [0, 16 MiB)
 *   ACPI reclaimable [0xf00000, 0xf10000)  pfns 0xf00-0xf0f (16)
 *   ACPI NVS         [0xe00010, 0xe00020)  pfn 0xe00
 *   bad RAM          [0xa00064, 0xa000c8)  pfn 0xa00
 *   unknown type 12  [0x900000, 0x901000)  pfn 0x900
 *
 *   present = 4096 - 19 = 4077, managed = 4077 - 256 - 48 = 3773.
 */
static void test_acpi_nvs_bad_and_unknown_types_are_not_usable(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(16), MEM_USABLE },
		{ 0xf00000, 0x10000, MEM_ACPI_RECLAIMABLE },
		{ 0xe00010, 0x10, MEM_ACPI_NVS },
		{ 0xa00064, 100, MEM_BAD },
		{ 0x900000, 0x1000, 12 },
	};

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_zone(ZONE_DMA, 0, 4096, 4077, 4077 - 256 - MEMMAP_PAGES(4096));
	assert_true(pfn_is_hole(0xf00));
	assert_true(pfn_is_hole(0xf0f));
	assert_false(pfn_is_hole(0xf10));
	assert_true(pfn_is_hole(0xe00));
	assert_true(pfn_is_hole(0xa00));
	assert_true(pfn_is_hole(0x900));
	assert_totals();
}

/* ---- above 4 GiB --------------------------------------------------------------- */

/*
 *   usable   [0, 8 MiB)
 *   usable   [5 GiB, 6 GiB)   ignored: one notice line "1024 MiB"
 *   reserved [6 GiB, +4 KiB)  ignored silently
 *
 *   Only the low 8 MiB: max_pfn 2048, managed 2048 - 256 - 24.
 */
static void test_ram_above_4gib_is_ignored_with_one_notice(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(8), MEM_USABLE },
		{ GIB(5), GIB(1), MEM_USABLE },
		{ GIB(6), KIB(4), MEM_RESERVED },
	};
	static const uint64_t mem[][2] = { { 0, MIB(8) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 2048);
	assert_zone(ZONE_DMA, 0, 2048, 2048, 2048 - 256 - MEMMAP_PAGES(2048));
	assert_empty_zone(ZONE_HIGHMEM);
	assert_log_contains("mm: 1024 MiB of RAM above 4 GiB ignored (i386 without PAE)\n");
	assert_int_equal(log_count("above 4 GiB ignored"), 1);
	assert_totals();
}

/*
 * An entry across 4 GiB is kept up to 4 GiB; a reserved entry whose end
 * wraps past 2^64 reaches up to 4 GiB as well:
 *
 *   usable   [0, 64 MiB)
 *   usable   [4 GiB - 8 MiB, 4 GiB + 8 MiB)  -> [0xff800000, 4 GiB), notice "8 MiB"
 *   reserved [4 GiB - 4 KiB, wraps)          -> removes pfn 0xfffff
 *
 *   max_pfn = 0x100000, so mem_map is 0x100000 struct pages (48 MiB with
 *   48-byte pages), top-down in lowmem: [64 MiB - M pages, 64 MiB).
 *
 *   DMA      [0, 16 MiB)          present 4096  managed 4096 - 256
 *   Normal   [16 MiB, 64 MiB)     present 12288 managed 12288 - M
 *   HighMem  pfns 0xff800-0xffffe present 2047  managed 2047
 */
static void test_ram_straddling_4gib_is_clipped_at_4gib(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(64), MEM_USABLE },
		{ GIB(4) - MIB(8), MIB(16), MEM_USABLE },
		{ GIB(4) - KIB(4), ~0ULL, MEM_RESERVED },
	};
	static const uint64_t mem[][2] = {
		{ 0, MIB(64) }, { GIB(4) - MIB(8), GIB(4) - KIB(4) },
	};
	unsigned long m = MEMMAP_PAGES(0xfffff);

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 0xfffff);
	assert_int_equal(max_low_pfn, PFN(MIB(896)));
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256);
	assert_zone(ZONE_NORMAL, 4096, 12288, 12288, 12288 - m);
	assert_zone(ZONE_HIGHMEM, 0xff800, 2047, 2047, 2047);
	assert_log_contains("mm: 8 MiB of RAM above 4 GiB ignored (i386 without PAE)\n");
	assert_int_equal(log_count("above 4 GiB ignored"), 1);
	assert_totals();
}

/*
 * A usable entry whose end wraps past 2^64 runs to the top of the address
 * space: below 4 GiB it is usable up to 4 GiB, the rest is the ignored
 * part (one notice).
 *
 *   usable [0, 64 MiB)
 *   usable [4 GiB - 8 MiB, wraps to 0x1000)  -> [0xff800000, 4 GiB)
 *
 *   HighMem pfns 0xff800-0xfffff: present = managed = 2048
 */
static void test_usable_entry_wrapping_past_2_64_runs_to_4gib(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(64), MEM_USABLE },
		{ GIB(4) - MIB(8), 0 - (GIB(4) - MIB(8)) + 0x1000, MEM_USABLE },
	};
	static const uint64_t mem[][2] = { { 0, MIB(64) }, { GIB(4) - MIB(8), GIB(4) } };

	(void)state;
	boot_map(map, ARRAY_SIZE(map), "");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 0x100000);
	assert_zone(ZONE_HIGHMEM, 0xff800, 2048, 2048, 2048);
	assert_int_equal(log_count("above 4 GiB ignored"), 1);
	assert_totals();
}

/*
 * More usable ranges than memblock's table holds (MEMBLOCK_MAX_REGIONS):
 * the ones that do not fit are dropped with one warning, and mm boots on
 * the rest.
 *
 *   usable [0, 16 MiB), then 299 ranges of 64 KiB every 128 KiB from
 *   16 MiB + 64 KiB (not touching it, or they would merge): the table
 *   keeps [0, 16 MiB) and the first 255 of them.
 *
 *   Normal: pfns 0x1010 .. 0x1010 + 254 * 32 + 16, present 255 * 16
 */
static void test_map_with_more_ranges_than_memblock_holds_warns(void **state)
{
	static struct mem_region map[300];
	unsigned long end_pfn = 0x1010 + 254 * 32 + 16;

	(void)state;
	map[0] = (struct mem_region){ 0, MIB(16), MEM_USABLE };
	for (size_t i = 1; i < ARRAY_SIZE(map); i++)
		map[i] = (struct mem_region){ MIB(16) + KIB(64) + (i - 1) * KIB(128), KIB(64),
					      MEM_USABLE };
	boot_map(map, ARRAY_SIZE(map), "");
	assert_int_equal(memblock.memory.cnt, MEMBLOCK_MAX_REGIONS);
	assert_log_contains("mm: memory map has more than 256 ranges, some RAM ignored\n");
	assert_int_equal(max_pfn, end_pfn);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256 - MEMMAP_PAGES(end_pfn));
	assert_zone(ZONE_NORMAL, 0x1010, end_pfn - 0x1010, 255 * 16, 255 * 16);
	assert_totals();
}

/* Boot options mm cannot parse are refused with a warning and ignored;
 * words that are not mm's are left to the kernel, silently. */
static void test_bad_boot_option_values_are_ignored_with_warning(void **state)
{
	(void)state;
	boot_simple(MIB(16), "quiet mem=lots highmem=2X foo=bar highmem");
	assert_log_contains("mm: bad value for boot option mem=lots, ignored\n");
	assert_log_contains("mm: bad value for boot option highmem=2X, ignored\n");
	assert_log_contains("mm: bad value for boot option highmem, ignored\n");
	assert_int_equal(log_count("bad value for boot option"), 3);
	assert_log_lacks("quiet");
	assert_log_lacks("foo");
	assert_int_equal(max_pfn, 4096);
	assert_empty_zone(ZONE_HIGHMEM);
	assert_totals();
}

/* ---- maps that cannot boot -------------------------------------------------------- */

static void test_empty_map_is_einval(void **state)
{
	static const struct mem_region map[] = { { 0, MIB(8), MEM_USABLE } };

	(void)state;
	assert_int_equal(mm_host_boot(NULL, 0, ""), -EINVAL);
	assert_log_contains("mm: empty memory map");
	assert_int_equal(mm_host_boot(map, 0, ""), -EINVAL);
	assert_int_equal(nr_free_pages(), 0);
	assert_int_equal(mm_check(), 0);
	/* A good map boots afterwards. */
	boot_map(map, 1, "");
	assert_totals();
}

/*
 * Nothing usable survives: reserved and ACPI ranges, a usable entry
 * smaller than a page, and a usable entry wholly covered by bad RAM.
 */
static void test_map_without_usable_ram_is_enomem(void **state)
{
	static const struct mem_region map[] = {
		{ 0, MIB(16), MEM_RESERVED },
		{ MIB(16), MIB(16), MEM_ACPI_NVS },
		{ MIB(32) + 0x100, 0x800, MEM_USABLE },
		{ MIB(40), MIB(1), MEM_USABLE },
		{ MIB(40) - 1, MIB(1) + 2, MEM_BAD },
	};

	(void)state;
	assert_int_equal(mm_host_boot(map, ARRAY_SIZE(map), ""), -ENOMEM);
	assert_log_contains("mm: no usable RAM in the memory map\n");
	assert_int_equal(nr_free_pages(), 0);
	assert_int_equal(mm_check(), 0);
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
}

/*
 * RAM only in the first MiB (conventional memory below the EBDA): all of
 * it is reserved, so there is nowhere to put mem_map.
 */
static void test_map_of_only_the_first_mib_is_enomem(void **state)
{
	static const struct mem_region map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
	};

	(void)state;
	assert_int_equal(mm_host_boot(map, ARRAY_SIZE(map), ""), -ENOMEM);
	assert_log_contains("mm: no room in lowmem for mem_map");
	assert_int_equal(nr_free_pages(), 0);
	assert_int_equal(mm_check(), 0);
	boot_simple(MIB(8), "");
	assert_totals();
}

/* ---- mem= ------------------------------------------------------------------------------ */

/*
 *   usable [0, 64 MiB), mem=24M -> memory [0, 24 MiB), max_pfn 6144
 *   mem_map: 6144 struct pages (72 pages) at the top of Normal.
 *
 *   DMA     [0, 0x1000)       present 4096 managed 4096 - 256
 *   Normal  [0x1000, 0x1800)  present 2048 managed 2048 - 72
 */
static void test_mem_option_clips_ram(void **state)
{
	static const uint64_t mem[][2] = { { 0, MIB(24) } };

	(void)state;
	boot_simple(MIB(64), "mem=24M");
	assert_memory(mem, ARRAY_SIZE(mem));
	assert_int_equal(max_pfn, 6144);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256);
	assert_zone(ZONE_NORMAL, 4096, 2048, 2048, 2048 - MEMMAP_PAGES(6144));
	assert_empty_zone(ZONE_HIGHMEM);
	assert_log_contains("mm: mem=24M: RAM above 0x1800000 ignored\n");
	assert_totals();
}

/* mem= that is not a page multiple clips at the page below it. */
static void test_mem_option_unaligned_rounds_down(void **state)
{
	(void)state;
	boot_simple(MIB(64), "mem=0x1000800");
	assert_int_equal(max_pfn, 4096);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256 - MEMMAP_PAGES(4096));
	assert_empty_zone(ZONE_NORMAL);
	assert_totals();
}

static void test_mem_option_above_ram_changes_nothing(void **state)
{
	(void)state;
	boot_simple(MIB(16), "mem=1G");
	assert_int_equal(max_pfn, 4096);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256 - MEMMAP_PAGES(4096));
	assert_totals();
}

/* Below 4 MiB, mem= is refused with a warning and RAM is not clipped. */
static void test_mem_option_too_small_is_ignored_with_warning(void **state)
{
	(void)state;
	boot_simple(MIB(16), "mem=2M");
	assert_log_contains("mm: bad value for boot option mem=2M, ignored\n");
	assert_int_equal(max_pfn, 4096);
	assert_totals();
}

/* ---- highmem= ---------------------------------------------------------------------------- */

/*
 *   usable [0, 32 MiB), highmem=8M -> lowmem ends at 24 MiB
 *
 *   DMA      [0x0000, 0x1000)  present 4096 managed 4096 - 256
 *   Normal   [0x1000, 0x1800)  present 2048 managed 2048 - 96 (mem_map)
 *   HighMem  [0x1800, 0x2000)  present 2048 managed 2048
 */
static void test_highmem_option_makes_top_of_ram_highmem(void **state)
{
	(void)state;
	boot_simple(MIB(32), "highmem=8M");
	assert_int_equal(max_low_pfn, 0x1800);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256);
	assert_zone(ZONE_NORMAL, 0x1000, 2048, 2048, 2048 - MEMMAP_PAGES(8192));
	assert_zone(ZONE_HIGHMEM, 0x1800, 2048, 2048, 2048);
	assert_int_equal(totalhigh_pages(), 2048);
	assert_totals();
}

/*
 * highmem= as large as RAM (or larger) would leave no lowmem for the
 * kernel: lowmem is kept at 4 MiB, with a warning.
 *
 *   usable [0, 8 MiB), highmem=16M
 *   DMA      [0x000, 0x400)  present 1024 managed 1024 - 256 - 24
 *   HighMem  [0x400, 0x800)  present 1024 managed 1024
 */
static void test_highmem_larger_than_ram_is_clipped_with_warning(void **state)
{
	(void)state;
	boot_simple(MIB(8), "highmem=16M");
	assert_log_contains("mm: highmem=16M would leave less than 4M of lowmem; lowmem ends at 4M\n");
	assert_int_equal(max_low_pfn, 0x400);
	assert_zone(ZONE_DMA, 0, 1024, 1024, 1024 - 256 - MEMMAP_PAGES(2048));
	assert_empty_zone(ZONE_NORMAL);
	assert_zone(ZONE_HIGHMEM, 0x400, 1024, 1024, 1024);
	assert_totals();

	boot_simple(MIB(8), "highmem=8M");
	assert_log_contains("would leave less than 4M of lowmem");
	assert_zone(ZONE_HIGHMEM, 0x400, 1024, 1024, 1024);
	assert_totals();
}

static void test_highmem_zero_means_no_highmem(void **state)
{
	(void)state;
	boot_simple(MIB(8), "highmem=0");
	assert_int_equal(max_low_pfn, 2048);
	assert_empty_zone(ZONE_HIGHMEM);
	assert_zone(ZONE_DMA, 0, 2048, 2048, 2048 - 256 - MEMMAP_PAGES(2048));
	assert_totals();
}

/* mem= applies first; highmem= takes the top of what is left. */
static void test_mem_and_highmem_together(void **state)
{
	(void)state;
	boot_simple(MIB(64), "mem=24M highmem=4M");
	assert_int_equal(max_pfn, 6144);
	assert_int_equal(max_low_pfn, 5120);
	assert_zone(ZONE_DMA, 0, 4096, 4096, 4096 - 256);
	assert_zone(ZONE_NORMAL, 4096, 1024, 1024, 1024 - MEMMAP_PAGES(6144));
	assert_zone(ZONE_HIGHMEM, 5120, 1024, 1024, 1024);
	assert_totals();
}

/* ---- early reservations --------------------------------------------------------------------- */

/*
 * Ranges the platform used before mm_init (kernel image, boot loader data)
 * are reserved whole pages outward; ones inside the first MiB or outside
 * RAM change nothing:
 *
 *   usable [0, 8 MiB)
 *   "kernel" [0x200064, 0x202064)  -> pfns 0x200-0x202 (3 pages)
 *   "bios"   [0x80000, 0x81000)    -> inside the first MiB already
 *   "far"    [100 MiB, +4 KiB)     -> no RAM there
 *   "tail"   [8 MiB - 4 KiB, +8 KiB) -> pfn 0x7ff
 *
 *   mem_map goes below the reserved last page: [8 MiB - 4 KiB - 96 KiB, ...)
 *   managed = 2048 - 256 - 24 - 3 - 1 = 1764.
 */
static void test_early_reservations_are_never_handed_out(void **state)
{
	(void)state;
	assert_int_equal(mm_host_reserve_early(0x200064, KIB(8), "kernel"), 0);
	assert_int_equal(mm_host_reserve_early(0x80000, KIB(4), "bios"), 0);
	assert_int_equal(mm_host_reserve_early(MIB(100), KIB(4), "far"), 0);
	assert_int_equal(mm_host_reserve_early(MIB(8) - KIB(4), KIB(8), "tail"), 0);
	boot_simple(MIB(8), "");
	assert_zone(ZONE_DMA, 0, 2048, 2048, 2048 - 256 - MEMMAP_PAGES(2048) - 3 - 1);
	for (unsigned long pfn = 0x200; pfn <= 0x202; pfn++) {
		assert_true(PageReserved(pfn_to_page(pfn)));
		assert_false(pfn_is_hole(pfn));
	}
	assert_false(PageReserved(pfn_to_page(0x1ff)));
	assert_false(PageReserved(pfn_to_page(0x203)));
	assert_true(PageReserved(pfn_to_page(0x7ff)));
	assert_int_equal(__pa(mem_map), MIB(8) - KIB(4) - MEMMAP_PAGES(2048) * PAGE_SIZE);
	assert_totals();

	/* Every page the allocator hands out is outside the reservations. */
	unsigned long n = 0;
	struct page *p;

	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))) {
		unsigned long pfn = page_to_pfn(p);

		assert_false(pfn >= 0x200 && pfn <= 0x202);
		assert_true(pfn >= 0x100 && pfn < 0x7ff);
		n++;
	}
	assert_int_equal(n, 2048 - 256 - MEMMAP_PAGES(2048) - 3 - 1);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_single_usable_range_fills_dma, teardown_mm),
		cmocka_unit_test_teardown(test_unsorted_map_is_sorted_and_merged, teardown_mm),
		cmocka_unit_test_teardown(test_reserved_overlap_wins_rounded_outward, teardown_mm),
		cmocka_unit_test_teardown(test_unaligned_usable_range_rounded_inward, teardown_mm),
		cmocka_unit_test_teardown(test_adjacent_unaligned_usable_entries_keep_shared_pages,
					  teardown_mm),
		cmocka_unit_test_teardown(test_zero_length_entries_are_ignored, teardown_mm),
		cmocka_unit_test_teardown(test_acpi_nvs_bad_and_unknown_types_are_not_usable,
					  teardown_mm),
		cmocka_unit_test_teardown(test_ram_above_4gib_is_ignored_with_one_notice, teardown_mm),
		cmocka_unit_test_teardown(test_ram_straddling_4gib_is_clipped_at_4gib, teardown_mm),
		cmocka_unit_test_teardown(test_usable_entry_wrapping_past_2_64_runs_to_4gib,
					  teardown_mm),
		cmocka_unit_test_teardown(test_map_with_more_ranges_than_memblock_holds_warns,
					  teardown_mm),
		cmocka_unit_test_teardown(test_bad_boot_option_values_are_ignored_with_warning,
					  teardown_mm),
		cmocka_unit_test_teardown(test_empty_map_is_einval, teardown_mm),
		cmocka_unit_test_teardown(test_map_without_usable_ram_is_enomem, teardown_mm),
		cmocka_unit_test_teardown(test_map_of_only_the_first_mib_is_enomem, teardown_mm),
		cmocka_unit_test_teardown(test_mem_option_clips_ram, teardown_mm),
		cmocka_unit_test_teardown(test_mem_option_unaligned_rounds_down, teardown_mm),
		cmocka_unit_test_teardown(test_mem_option_above_ram_changes_nothing, teardown_mm),
		cmocka_unit_test_teardown(test_mem_option_too_small_is_ignored_with_warning,
					  teardown_mm),
		cmocka_unit_test_teardown(test_highmem_option_makes_top_of_ram_highmem, teardown_mm),
		cmocka_unit_test_teardown(test_highmem_larger_than_ram_is_clipped_with_warning,
					  teardown_mm),
		cmocka_unit_test_teardown(test_highmem_zero_means_no_highmem, teardown_mm),
		cmocka_unit_test_teardown(test_mem_and_highmem_together, teardown_mm),
		cmocka_unit_test_teardown(test_early_reservations_are_never_handed_out, teardown_mm),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
