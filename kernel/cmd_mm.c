/*
 * kernel/cmd_mm.c - whole-mm views: the `free` table (the command itself
 * is in cmd_alloc.c, which also frees handles), zones, check.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

void shell_show_free(void)
{
	struct slab_totals st;

	slab_get_totals(&st);

	unsigned long kb = PAGE_SIZE / 1024;
	unsigned long total = totalram_pages() * kb;
	unsigned long freek = nr_free_pages() * kb;
	unsigned long cache = st.reclaimable_pages * kb;
	unsigned long avail = (nr_free_pages() + st.empty_slab_pages) * kb;
	unsigned long used = total - freek - cache;
	unsigned long high_total = totalhigh_pages() * kb;
	unsigned long high_free = nr_free_pages_zone(ZONE_HIGHMEM) * kb;

	/* procps `free -k -l` layout. */
	kprintf("%-7s %11s %11s %11s %11s %11s %11s\n", "", "total", "used",
		"free", "shared", "buff/cache", "available");
	kprintf("%-7s %11lu %11lu %11lu %11lu %11lu %11lu\n", "Mem:", total,
		used, freek, 0UL, cache, avail);
	kprintf("%-7s %11lu %11lu %11lu\n", "Low:", total - high_total,
		(total - high_total) - (freek - high_free), freek - high_free);
	kprintf("%-7s %11lu %11lu %11lu\n", "High:", high_total,
		high_total - high_free, high_free);
	kprintf("%-7s %11lu %11lu %11lu\n", "Swap:", 0UL, 0UL, 0UL);
}

static int cmd_check(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	int bad = mm_check();

	kprintf("mm_check: %d violation%s, %lu misuse%s refused since boot\n",
		bad, bad == 1 ? "" : "s", mm_error_count(),
		mm_error_count() == 1 ? "" : "s");
	return bad ? 1 : 0;
}
SHELL_CMD(check, "check", "run mm_check() over every allocator invariant",
	  cmd_check);

/* One line per zone: where it is, how big, how free, its watermarks. */
static int cmd_zones(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	kprintf("%-7s %-21s %7s %7s %7s %7s  %s\n", "zone", "phys range",
		"spanned", "present", "managed", "free", "min/low/high");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &zones[z];
		char range[32];

		if (zone->spanned_pages) {
			phys_addr_t start = (phys_addr_t)zone->zone_start_pfn << PAGE_SHIFT;
			phys_addr_t end = (phys_addr_t)zone_end_pfn(zone) << PAGE_SHIFT;

			ksnprintf(range, sizeof(range), "0x%08llx-0x%08llx",
				  (unsigned long long)start,
				  (unsigned long long)(end - 1));
		} else {
			strlcpy(range, "(empty)", sizeof(range));
		}
		kprintf("%-7s %-21s %7lu %7lu %7lu %7lu  %lu/%lu/%lu\n",
			zone->name, range, zone->spanned_pages,
			zone->present_pages, zone->managed_pages,
			nr_free_pages_zone((enum zone_type)z),
			zone->watermark[WMARK_MIN], zone->watermark[WMARK_LOW],
			zone->watermark[WMARK_HIGH]);
	}
	kprintf("(counts in pages of %lu KiB)\n", PAGE_SIZE / 1024);
	return 0;
}
SHELL_CMD(zones, "zones",
	  "per zone: range, page counts, free, watermarks",
	  cmd_zones);
