/*
 * mm/internal.h - what the files of mm share and nobody else uses.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "mm/mm.h"
#include "mm/page_alloc.h"

/* ---- boot-time memory (mm/memblock.c) ------------------------------------ */

#define MEMBLOCK_MAX_REGIONS	256

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned long cnt;
	bool overflowed;	/* a region was dropped: table full */
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	const char *name;
};

/* memory: RAM the firmware says is usable (after sanitizing);
 * reserved: what must never reach the buddy allocator. */
struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

void memblock_reset(void);
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Top-down, aligned, wholly below limit and inside memory, outside
 * reserved; the result is reserved.  0 when nothing fits. */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t limit);
phys_addr_t memblock_end_of_ram(void);
/* Calls fn for each range of memory not covered by reserved. */
void memblock_for_each_free_range(void (*fn)(phys_addr_t start, phys_addr_t end,
					     void *ctx), void *ctx);

/* Sanitizes a firmware map into memblock.memory (see mm_init). */
void memblock_add_firmware_map(const struct mem_region *map, size_t n);

/* ---- boot options (mm/init.c) ---------------------------------------------- */

struct mm_options {
	unsigned long long mem_limit;		/* mem=: 0 = none */
	unsigned long long highmem_size;	/* highmem=: 0 = default */
	bool highmem_set;
	bool init_on_alloc;			/* zero pages and objects on alloc */
	bool init_on_free;			/* zero them on free */
};

extern struct mm_options mm_opts;

/* ---- the buddy allocator's internals (mm/page_alloc.c) ------------------------ */

/* Hands a boot-time free range to the buddy allocator in maximal
 * naturally aligned blocks (merging with free neighbours). */
void free_range_to_buddy(unsigned long start_pfn, unsigned long end_pfn);
void page_alloc_reset(void);
int buddy_check(void);
unsigned long mm_alloc_failures(void);

/* Gives memory back before an allocation that may wait fails: shrinks
 * every slab cache once.  Returns the number of pages freed. */
unsigned long mm_reclaim(void);

static inline void page_set_flag(struct page *page, enum pageflags f)
{
	page->flags |= 1u << f;
}

static inline void page_clear_flag(struct page *page, enum pageflags f)
{
	page->flags &= ~(1u << f);
}

static inline void page_set_order(struct page *page, unsigned int order)
{
	page->flags = (page->flags & ~(((1u << PAGE_ORDER_BITS) - 1) << PAGE_ORDER_SHIFT)) |
		      (order << PAGE_ORDER_SHIFT);
}

static inline void page_set_zone(struct page *page, enum zone_type z)
{
	page->flags = (page->flags & ~(((1u << PAGE_ZONE_BITS) - 1) << PAGE_ZONE_SHIFT)) |
		      ((uint32_t)z << PAGE_ZONE_SHIFT);
}

/* The flags that say what a page is (everything but zone and order). */
#define PAGE_STATE_MASK		((1u << PAGE_FLAGS_BITS) - 1)

/* ---- misuse reports (mm/debug.c) ------------------------------------------------ */

/* Prints one report line ("BUG: ..."), counts it in mm_error_count(). */
void mm_report_bug(const char *fmt, ...) __printf(1, 2);
/* Counts a misuse that was already reported by the caller. */
void mm_count_error(void);
void mm_errors_reset(void);

/* ---- reports (mm/vmstat.c) --------------------------------------------------------- */

/* A growing text buffer for rendering reports. */
struct seq_buf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

void seq_printf(struct seq_buf *s, const char *fmt, ...) __printf(2, 3);
/* One line of a finding: into out when given (a /sys validate file), else
 * to the log at error level with log_prefix in front. */
void seq_or_log(struct seq_buf *out, const char *log_prefix, const char *fmt, ...)
	__printf(3, 4);

/* Each report renders itself into s; mm_proc_read finds them by path. */
struct mm_proc_entry {
	const char *path;
	void (*show)(struct seq_buf *s, const char *arg);
	bool prefix;		/* path is a directory prefix; arg = rest */
};

/* ---- whole-mm state -------------------------------------------------------------- */

extern bool mm_booted;

#endif
