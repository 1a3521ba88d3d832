/*
 * mm/vmstat.h - Linux's external fragmentation indices (mm/vmstat.c), for
 * code that computes them over free-block counts of its own choosing (the
 * lab samples them over time for a budget of memory it controls).
 *
 * Fill a struct contig_page_info the way Linux's fill_contig_page_info
 * does, for a request of `order`:
 *   free_pages           sum over orders o of nr_free[o] << o
 *   free_blocks_total    sum over orders of nr_free[o]
 *   free_blocks_suitable sum over o >= order of nr_free[o] << (o - order)
 * Both indices are scaled by 1000, as in /sys/kernel/debug/extfrag.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* The share of free memory that cannot serve a request of this order,
 * times 1000; 1000 when nothing is free. */
int unusable_free_index(unsigned int order, const struct contig_page_info *info);

/* Towards 0: a failure of this order would be a lack of memory; towards
 * 1000: fragmentation.  -1000 when the request would succeed, 0 when
 * nothing is free. */
int fragmentation_index(unsigned int order, const struct contig_page_info *info);

#endif
