/*
 * tests/host/test_zones.c - which zone an allocation comes from, and the
 * fallback order: HIGHMEM -> NORMAL -> DMA for GFP_HIGHUSER, NORMAL -> DMA
 * for GFP_KERNEL, DMA only for GFP_DMA.
 *
 * Most tests boot 20 MiB with highmem=2M, so all three zones exist:
 *
 *   0          1 MiB               16 MiB        18 MiB        20 MiB
 *   | reserved |  DMA              | Normal      | HighMem      |
 *                                   (mem_map at its top)
 */
#include "tests/host/helpers.h"

#include "mm/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void boot_three_zones(void)
{
	boot_simple(MIB(20), "highmem=2M");
	assert_int_equal(zones[ZONE_DMA].present_pages, 4096);
	assert_int_equal(zones[ZONE_NORMAL].present_pages, 512);
	assert_int_equal(zones[ZONE_HIGHMEM].present_pages, 512);
}

/* Room for every page of the arena. */
static struct page *held[8192];
static size_t nheld;

static void hold(struct page *p)
{
	assert_true(nheld < ARRAY_SIZE(held));
	held[nheld++] = p;
}

static void free_held(void)
{
	while (nheld)
		__free_pages(held[--nheld], 0);
}

static unsigned long zone_free(enum zone_type z)
{
	return nr_free_pages_zone(z);
}

/* ---- GFP_KERNEL ------------------------------------------------------------ */

static void test_gfp_kernel_prefers_normal_then_falls_back_to_dma(void **state)
{
	unsigned long normal, dma, high;

	(void)state;
	boot_three_zones();
	normal = zone_free(ZONE_NORMAL);
	dma = zone_free(ZONE_DMA);
	high = zone_free(ZONE_HIGHMEM);
	assert_true(normal > 0 && dma > 0 && high > 0);

	for (unsigned long i = 0; i < normal; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);

		assert_non_null(p);
		assert_int_equal(page_zonenum(p), ZONE_NORMAL);
		hold(p);
	}
	assert_int_equal(zones[ZONE_DMA].stats.fallback, 0);
	for (unsigned long i = 0; i < dma; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);

		assert_non_null(p);
		assert_int_equal(page_zonenum(p), ZONE_DMA);
		hold(p);
	}
	assert_int_equal(zones[ZONE_DMA].stats.fallback, dma);

	/* Lowmem is gone: GFP_KERNEL fails although HighMem is all free. */
	assert_null(alloc_pages(GFP_KERNEL, 0));
	assert_int_equal(log_count("page allocation failure"), 1);
	assert_log_contains("mm: page allocation failure: order:0, mode:0x400(GFP_KERNEL), free:");
	assert_int_equal(zone_free(ZONE_HIGHMEM), high);
	assert_int_equal(nr_free_pages(), high);
	assert_mm_clean();
	free_held();
	assert_int_equal(zone_free(ZONE_NORMAL), normal);
	assert_int_equal(zone_free(ZONE_DMA), dma);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/*
 * Normal (512 pages less mem_map) has no order-10 block; DMA does, so an
 * order-10 GFP_KERNEL request falls back without touching Normal.
 */
static void test_gfp_kernel_falls_back_for_an_order_normal_cannot_serve(void **state)
{
	unsigned long normal;
	struct page *p;

	(void)state;
	boot_three_zones();
	normal = zone_free(ZONE_NORMAL);
	assert_int_equal(nr_free_blocks(ZONE_NORMAL, 10), 0);
	p = alloc_pages(GFP_KERNEL, 10);
	assert_non_null(p);
	assert_int_equal(page_zonenum(p), ZONE_DMA);
	assert_int_equal(zone_free(ZONE_NORMAL), normal);
	assert_int_equal(zones[ZONE_NORMAL].stats.fail, 1);
	assert_int_equal(zones[ZONE_DMA].stats.fallback, 1);
	__free_pages(p, 10);
	assert_mm_clean();
}

/* ---- GFP_DMA ------------------------------------------------------------------ */

static void test_gfp_dma_never_leaves_dma(void **state)
{
	unsigned long normal, dma, high;
	struct page *p;

	(void)state;
	boot_three_zones();
	normal = zone_free(ZONE_NORMAL);
	dma = zone_free(ZONE_DMA);
	high = zone_free(ZONE_HIGHMEM);

	/* An order DMA can serve comes from DMA even though Normal is free. */
	while ((p = alloc_pages(GFP_DMA | __GFP_NOWARN, 0))) {
		assert_int_equal(page_zonenum(p), ZONE_DMA);
		assert_true(page_to_phys(p) < MAX_DMA_ADDRESS);
		hold(p);
	}
	assert_int_equal(nheld, dma);
	assert_log_lacks("page allocation failure");

	/* Exhausted: fails with one warning, Normal and HighMem untouched. */
	assert_null(alloc_pages(GFP_DMA, 0));
	assert_int_equal(log_count("page allocation failure"), 1);
	assert_log_contains("mm: page allocation failure: order:0, mode:0x1(GFP_DMA), free:");
	assert_null(alloc_pages(GFP_DMA | GFP_KERNEL | __GFP_NOWARN, 3));
	assert_int_equal(log_count("page allocation failure"), 1);
	assert_int_equal(zone_free(ZONE_NORMAL), normal);
	assert_int_equal(zone_free(ZONE_HIGHMEM), high);
	assert_int_equal(zones[ZONE_NORMAL].stats.fallback + zones[ZONE_NORMAL].stats.fail, 0);
	assert_mm_clean();
	free_held();
	assert_int_equal(zone_free(ZONE_DMA), dma);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- GFP_HIGHUSER ----------------------------------------------------------------- */

/* Filling everything with GFP_HIGHUSER visits HighMem, then Normal, then
 * DMA, each to exhaustion before the next. */
static void test_gfp_highuser_prefers_highmem_then_normal_then_dma(void **state)
{
	unsigned long want[MAX_NR_ZONES], got[MAX_NR_ZONES] = { 0 };
	int zone_now = ZONE_HIGHMEM;
	struct page *p;

	(void)state;
	boot_three_zones();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		want[z] = zone_free((enum zone_type)z);
	while ((p = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0))) {
		int z = page_zonenum(p);

		/* Never back to a zone already left. */
		assert_true(z <= zone_now);
		if (z < zone_now) {
			assert_int_equal(got[zone_now], want[zone_now]);
			zone_now = z;
		}
		got[z]++;
		hold(p);
	}
	assert_int_equal(zone_now, ZONE_DMA);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(got[z], want[z]);
	assert_int_equal(nr_free_pages(), 0);
	assert_mm_clean();
	free_held();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(zone_free((enum zone_type)z), want[z]);
	assert_mm_clean();
}

/* Without a Normal zone (8 MiB, highmem=2M), fallback skips it. */
static void test_fallback_skips_an_empty_normal_zone(void **state)
{
	unsigned long high;
	struct page *p;

	(void)state;
	boot_simple(MIB(8), "highmem=2M");
	assert_false(populated_zone(&zones[ZONE_NORMAL]));
	high = zone_free(ZONE_HIGHMEM);

	p = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(page_zonenum(p), ZONE_DMA);
	__free_pages(p, 0);

	for (unsigned long i = 0; i < high; i++) {
		p = alloc_pages(GFP_HIGHUSER, 0);
		assert_int_equal(page_zonenum(p), ZONE_HIGHMEM);
		hold(p);
	}
	p = alloc_pages(GFP_HIGHUSER, 0);
	assert_non_null(p);
	assert_int_equal(page_zonenum(p), ZONE_DMA);
	hold(p);
	free_held();
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- page_zone, PageHighMem, page_address ------------------------------------------- */

static void test_page_zone_highmem_and_address_match_the_zone(void **state)
{
	static const struct {
		gfp_t gfp;
		enum zone_type zone;
		const char *name;
	} cases[] = {
		{ GFP_DMA, ZONE_DMA, "DMA" },
		{ GFP_KERNEL, ZONE_NORMAL, "Normal" },
		{ GFP_HIGHUSER, ZONE_HIGHMEM, "HighMem" },
	};

	(void)state;
	boot_three_zones();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct page *p = alloc_pages(cases[i].gfp, 2);
		const struct zone *zone = &zones[cases[i].zone];

		assert_non_null(p);
		assert_ptr_equal(page_zone(p), zone);
		assert_string_equal(page_zone(p)->name, cases[i].name);
		assert_true(page_to_pfn(p) >= zone->zone_start_pfn &&
			    page_to_pfn(p) + 4 <= zone_end_pfn(zone));
		for (int j = 0; j < 4; j++) {
			assert_int_equal(PageHighMem(&p[j]), cases[i].zone == ZONE_HIGHMEM);
			if (cases[i].zone == ZONE_HIGHMEM) {
				assert_null(page_address(&p[j]));
			} else {
				void *va = page_address(&p[j]);

				assert_ptr_equal(va, __va(page_to_phys(&p[j])));
				assert_true(virt_addr_valid(va));
				assert_ptr_equal(virt_to_page(va), &p[j]);
			}
		}
		__free_pages(p, 2);
	}
	assert_int_equal(totalhigh_pages(), zones[ZONE_HIGHMEM].managed_pages);
	assert_int_equal(nr_free_pages_zone(MAX_NR_ZONES), 0);
	assert_int_equal(nr_free_blocks(MAX_NR_ZONES, 0), 0);
	assert_int_equal(nr_free_blocks(ZONE_DMA, NR_PAGE_ORDERS), 0);
	assert_mm_clean();
}

/* ---- invalid masks ------------------------------------------------------------------------ */

/*
 * __GFP_DMA with __GFP_HIGHMEM names two zones, and unknown bits mean a
 * caller bug: both are refused with a report, counted, and change nothing
 * (no allocation-failure warning either: it is misuse, not OOM).
 */
static void test_invalid_gfp_is_refused_and_counted(void **state)
{
	static const gfp_t bad[] = {
		__GFP_DMA | __GFP_HIGHMEM,
		GFP_HIGHUSER | GFP_DMA,
		GFP_KERNEL | 0x1000000u,
	};

	(void)state;
	boot_three_zones();
	unsigned long free = nr_free_pages();

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		mm_host_log_clear();
		assert_null(alloc_pages(bad[i], 0));
		assert_int_equal(mm_error_count(), i + 1);
		assert_int_equal(log_count("BUG: alloc_pages: invalid gfp flags"), 1);
		assert_true(strncmp(mm_host_log(), "BUG: alloc_pages: invalid gfp flags", 35) == 0);
		assert_int_equal(nr_free_pages(), free);
		assert_log_lacks("page allocation failure");
		assert_mm_clean();
	}
	assert_log_contains("invalid gfp flags 0x1000400 (GFP_KERNEL|0x1000000), refused\n");
	/* The wrappers refuse unknown bits too (__get_free_pages drops
	 * __GFP_HIGHMEM, as Linux's does, so DMA|HIGHMEM is plain DMA there). */
	assert_int_equal(__get_free_pages(GFP_KERNEL | 0x1000000u, 0), 0);
	assert_int_equal(mm_error_count(), ARRAY_SIZE(bad) + 1);

	/* The allocator still works. */
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(p);
	__free_pages(p, 0);
	assert_int_equal(nr_free_pages(), free);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_gfp_kernel_prefers_normal_then_falls_back_to_dma,
					  teardown_mm),
		cmocka_unit_test_teardown(test_gfp_kernel_falls_back_for_an_order_normal_cannot_serve,
					  teardown_mm),
		cmocka_unit_test_teardown(test_gfp_dma_never_leaves_dma, teardown_mm),
		cmocka_unit_test_teardown(test_gfp_highuser_prefers_highmem_then_normal_then_dma,
					  teardown_mm),
		cmocka_unit_test_teardown(test_fallback_skips_an_empty_normal_zone, teardown_mm),
		cmocka_unit_test_teardown(test_page_zone_highmem_and_address_match_the_zone,
					  teardown_mm),
		cmocka_unit_test_teardown(test_invalid_gfp_is_refused_and_counted, teardown_mm),
	};

	return cmocka_run_group_tests_name("zones", tests, NULL, NULL);
}
