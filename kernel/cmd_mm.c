/*
 * kernel/cmd_mm.c - shell commands that read mm's reports: cat, ls, free,
 * check.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

/* Reports are rendered into this buffer; /proc/slabinfo with many caches
 * is the largest. */
#define REPORT_BUF_SIZE	(32 * 1024)
static char report_buf[REPORT_BUF_SIZE];

static int cmd_cat(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage(argv[0]);
	ssize_t n = mm_proc_read(argv[1], report_buf, sizeof(report_buf));

	if (n == -ENOENT)
		return shell_error(argv[0], "%s: No such file (try: ls /proc)",
				   argv[1]);
	if (n == -ENOSPC)
		return shell_error(argv[0], "%s: report larger than %d bytes",
				   argv[1], REPORT_BUF_SIZE);
	if (n < 0)
		return shell_error(argv[0], "%s: error %d", argv[1], (int)n);
	console_write(report_buf, (size_t)n);
	return 0;
}
SHELL_CMD(cat, "cat PATH", "print a report: /proc/buddyinfo, /proc/slabinfo, ... (see ls)",
	  cmd_cat);

static int cmd_ls(int argc, char **argv)
{
	const char *paths[32];

	if (argc > 2)
		return shell_usage(argv[0]);
	size_t n = mm_proc_list(paths, ARRAY_SIZE(paths));
	const char *prefix = argc == 2 ? argv[1] : "";
	size_t plen = strlen(prefix);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (strncmp(paths[i], prefix, plen) == 0) {
			kprintf("%s\n", paths[i]);
			any = true;
		}
	}
	if (strncmp("/sys/kernel/slab/", prefix, plen) == 0 ||
	    strncmp(prefix, "/sys/kernel/slab", 16) == 0) {
		kprintf("/sys/kernel/slab/NAME/stats     (one per cache, see /proc/slabinfo)\n");
		kprintf("/sys/kernel/slab/NAME/validate\n");
		any = true;
	}
	if (!any)
		return shell_error(argv[0], "%s: No such file or directory", prefix);
	return 0;
}
SHELL_CMD(ls, "ls [DIR]", "list the reports cat can print", cmd_ls);

static int cmd_free(int argc, char **argv)
{
	struct slab_totals st;

	if (argc != 1)
		return shell_usage(argv[0]);
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
	return 0;
}
SHELL_CMD(free, "free", "memory totals in KiB, as procps `free -k -l`", cmd_free);

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
