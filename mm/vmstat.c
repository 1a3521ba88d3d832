/*
 * mm/vmstat.c - the reports, in Linux's formats byte for byte.
 *
 *   /proc/buddyinfo                           free blocks per zone and order
 *   /proc/zoneinfo                            a subset: free, watermarks,
 *                                             spanned/present/managed
 *   /proc/meminfo                             the lines that are true here
 *   /sys/kernel/debug/extfrag/unusable_index  Linux's unusable free index
 *   /sys/kernel/debug/extfrag/extfrag_index   Linux's fragmentation index
 *   /proc/slabinfo, /sys/kernel/slab/NAME/... (mm/slab_proc.c)
 *
 * Each report renders into a struct seq_buf under the zone lock (so one
 * zone's line is a consistent snapshot); mm_proc_read returns -ENOSPC,
 * never a silently cut report, when the caller's buffer is too small.
 */
#include "mm/internal.h"
#include "mm/slab.h"
#include "mm/vmstat.h"

void seq_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap;
	size_t room = s->len < s->size ? s->size - s->len : 0;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(room ? s->buf + s->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room)
		s->overflow = true;
	s->len += (size_t)n;
}

void seq_or_log(struct seq_buf *out, const char *log_prefix, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (out)
		seq_printf(out, "%s", line);
	else
		pr_err("%s%s", log_prefix, line);
}

/* ---- buddyinfo ------------------------------------------------------------ */

static void show_buddyinfo(struct seq_buf *s, const char *arg)
{
	(void)arg;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long flags;

		if (!populated_zone(zone))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		seq_printf(s, "Node %d, zone %8s ", 0, zone->name);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
			seq_printf(s, "%6lu ", zone->free_area[o].nr_free);
		seq_printf(s, "\n");
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/* ---- zoneinfo --------------------------------------------------------------- */

static void show_zoneinfo(struct seq_buf *s, const char *arg)
{
	(void)arg;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long flags;

		spin_lock_irqsave(&zone->lock, flags);
		seq_printf(s, "Node %d, zone %8s", 0, zone->name);
		seq_printf(s,
			   "\n  pages free     %lu"
			   "\n        boost    %lu"
			   "\n        min      %lu"
			   "\n        low      %lu"
			   "\n        high     %lu"
			   "\n        spanned  %lu"
			   "\n        present  %lu"
			   "\n        managed  %lu"
			   "\n        cma      %lu",
			   zone->free_pages, 0UL,
			   zone->watermark[WMARK_MIN],
			   zone->watermark[WMARK_LOW],
			   zone->watermark[WMARK_HIGH],
			   zone->spanned_pages, zone->present_pages,
			   zone->managed_pages, 0UL);
		if (populated_zone(zone)) {
			seq_printf(s, "\n      %-12s %lu", "nr_free_pages", zone->free_pages);
			seq_printf(s, "\n  start_pfn:           %lu\n", zone->zone_start_pfn);
		} else {
			seq_printf(s, "\n");
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/* ---- meminfo ------------------------------------------------------------------ */

static void show_kb(struct seq_buf *s, const char *label, unsigned long pages)
{
	/* Linux pads "Label:" to 16 columns and the number to 8. */
	char key[24];

	ksnprintf(key, sizeof(key), "%s:", label);
	seq_printf(s, "%-15s %8lu kB\n", key, pages << (PAGE_SHIFT - 10));
}

static void show_meminfo(struct seq_buf *s, const char *arg)
{
	struct slab_totals st;

	(void)arg;
	slab_get_totals(&st);
	unsigned long total = totalram_pages();
	unsigned long free = nr_free_pages();
	unsigned long high_total = totalhigh_pages();
	unsigned long high_free = nr_free_pages_zone(ZONE_HIGHMEM);

	show_kb(s, "MemTotal", total);
	show_kb(s, "MemFree", free);
	/* Free pages plus what shrinking the caches would give back now. */
	show_kb(s, "MemAvailable", free + st.empty_slab_pages);
	show_kb(s, "HighTotal", high_total);
	show_kb(s, "HighFree", high_free);
	show_kb(s, "LowTotal", total - high_total);
	show_kb(s, "LowFree", free - high_free);
	show_kb(s, "Slab", st.reclaimable_pages + st.unreclaimable_pages);
	show_kb(s, "SReclaimable", st.reclaimable_pages);
	show_kb(s, "SUnreclaim", st.unreclaimable_pages);
}

/* ---- extfrag ----------------------------------------------------------------------- */

static void fill_contig_page_info(struct zone *zone, unsigned int suitable_order,
				  struct contig_page_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long blocks = zone->free_area[o].nr_free;

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= suitable_order)
			info->free_blocks_suitable += blocks << (o - suitable_order);
	}
}

/*
 * Unusable free space index for order: the fraction of free memory that
 * cannot serve a request of this order, times 1000.  1000 when nothing is
 * free.
 */
int unusable_free_index(unsigned int order, const struct contig_page_info *info)
{
	if (info->free_pages == 0)
		return 1000;
	return (int)(((unsigned long long)(info->free_pages -
		       (info->free_blocks_suitable << order)) * 1000ULL) /
		     info->free_pages);
}

/*
 * Fragmentation index (times 1000) for a request of this order, meaningful
 * only when it would fail: towards 0 the failure is a lack of memory,
 * towards 1000 it is fragmentation; -1000 when the request would succeed,
 * 0 when nothing is free.
 */
int fragmentation_index(unsigned int order, const struct contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (order > MAX_PAGE_ORDER || info->free_blocks_total == 0)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + (unsigned long long)info->free_pages * 1000ULL /
			     requested) / info->free_blocks_total);
}

static void show_extfrag(struct seq_buf *s, bool unusable)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		struct contig_page_info info;
		unsigned long flags;

		if (!populated_zone(zone))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		seq_printf(s, "Node %d, zone %8s ", 0, zone->name);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			fill_contig_page_info(zone, o, &info);
			if (unusable) {
				int idx = unusable_free_index(o, &info);

				seq_printf(s, "%d.%03d ", idx / 1000, idx % 1000);
			} else {
				int idx = fragmentation_index(o, &info);

				seq_printf(s, "%2d.%03d ", idx / 1000, idx % 1000);
			}
		}
		seq_printf(s, "\n");
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

static void show_unusable(struct seq_buf *s, const char *arg)
{
	(void)arg;
	show_extfrag(s, true);
}

static void show_extfrag_index(struct seq_buf *s, const char *arg)
{
	(void)arg;
	show_extfrag(s, false);
}

/* ---- the table ------------------------------------------------------------------- */

static const struct mm_proc_entry proc_entries[] = {
	{ "/proc/buddyinfo", show_buddyinfo, false },
	{ "/proc/zoneinfo", show_zoneinfo, false },
	{ "/proc/meminfo", show_meminfo, false },
	{ "/sys/kernel/debug/extfrag/unusable_index", show_unusable, false },
	{ "/sys/kernel/debug/extfrag/extfrag_index", show_extfrag_index, false },
	SLAB_PROC_ENTRIES
};

size_t mm_proc_list(const char **paths, size_t max)
{
	size_t n = 0;

	/* Directory prefixes (/sys/kernel/slab/) are not reports themselves:
	 * mm_proc_read refuses them, so they are not listed. */
	for (size_t i = 0; i < ARRAY_SIZE(proc_entries) && n < max; i++)
		if (!proc_entries[i].prefix)
			paths[n++] = proc_entries[i].path;
	return n;
}

ssize_t mm_proc_read(const char *path, char *buf, size_t size)
{
	if (!path || !buf)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(proc_entries); i++) {
		const struct mm_proc_entry *e = &proc_entries[i];
		size_t plen = strlen(e->path);
		const char *arg = NULL;

		if (e->prefix) {
			if (strncmp(path, e->path, plen) != 0 || !path[plen])
				continue;
			arg = path + plen;
		} else if (strcmp(path, e->path) != 0) {
			continue;
		}

		struct seq_buf s = { .buf = buf, .size = size, .len = 0,
				     .overflow = false };

		/* size 0 still renders (into nothing) to tell -ENOENT from
		 * -ENOSPC; buf is left untouched then. */
		if (size)
			buf[0] = '\0';
		e->show(&s, arg);
		if (s.len == 0 && e->prefix) {
			/* A directory entry that named nothing: no such file. */
			return -ENOENT;
		}
		if (s.overflow || s.len >= size) {
			if (size)
				buf[0] = '\0';
			return -ENOSPC;
		}
		buf[s.len] = '\0';
		return (ssize_t)s.len;
	}
	return -ENOENT;
}
