/*
 * mm/page_alloc.h - the buddy page allocator: page frames, zones, and
 * allocation of naturally aligned blocks of 2^order pages.
 *
 * Every function here is safe to call from any context (the zone lock is
 * taken with interrupts off), and every misuse (double free, wrong order,
 * reserved or out-of-range page, order > MAX_PAGE_ORDER) is reported on
 * one "BUG: Bad page state ..." line, counted in mm_error_count() and
 * refused without touching the allocator's state.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include "mm/gfp.h"
#include "mm/mm_types.h"
#include "mm/port.h"

/* ---- frames and addresses ------------------------------------------------ */

extern struct page *mem_map;		/* one struct page per pfn */
extern unsigned long max_pfn;		/* first pfn past the last RAM page */
extern unsigned long max_low_pfn;	/* first pfn past lowmem */
extern struct zone zones[MAX_NR_ZONES];

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page_to_pfn(page) << PAGE_SHIFT;
}

static inline bool PageFlag(const struct page *page, enum pageflags f)
{
	return (page->flags >> f) & 1;
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> PAGE_ZONE_SHIFT) &
				((1u << PAGE_ZONE_BITS) - 1));
}

static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

static inline bool PageHighMem(const struct page *page)
{
	return page_zonenum(page) == ZONE_HIGHMEM;
}

static inline bool PageReserved(const struct page *p) { return PageFlag(p, PG_reserved); }
static inline bool PageBuddy(const struct page *p) { return PageFlag(p, PG_buddy); }
static inline bool PageSlab(const struct page *p) { return PageFlag(p, PG_slab); }
static inline bool PageHead(const struct page *p) { return PageFlag(p, PG_head); }
static inline bool PageTail(const struct page *p) { return PageFlag(p, PG_tail); }
static inline bool PageLargeKmalloc(const struct page *p) { return PageFlag(p, PG_large_kmalloc); }

/* The order of a free block head or an allocated head. */
static inline unsigned int page_order(const struct page *page)
{
	return (page->flags >> PAGE_ORDER_SHIFT) & ((1u << PAGE_ORDER_BITS) - 1);
}

/* The head of a compound page (the page itself when it is not a tail). */
static inline struct page *compound_head(const struct page *page)
{
	if (PageTail(page))
		return (struct page *)page->compound_head;
	return (struct page *)page;
}

static inline unsigned int compound_order(const struct page *page)
{
	return PageHead(page) ? page_order(page) : 0;
}

/* Kernel virtual address of a lowmem page; NULL for highmem (use
 * kmap_local_page, mm/highmem.h). */
void *page_address(const struct page *page);

/* Whether addr is in the direct map of RAM that mm manages. */
bool virt_addr_valid(const void *addr);

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page((unsigned long)(__pa(addr) >> PAGE_SHIFT));
}

static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < size && order < 8 * sizeof(size_t) - PAGE_SHIFT)
		order++;
	return order;
}

/* ---- allocation -------------------------------------------------------------- */

struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp)		alloc_pages((gfp), 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page)	__free_pages((page), 0)

/* Lowmem only: the address of the block, 0 on failure. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp)	__get_free_pages((gfp), 0)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr)		free_pages((addr), 0)

/* size bytes rounded up to whole pages (not to a power of two); each page
 * is then an order-0 allocation, freed with free_pages_exact. */
void *alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void *virt, size_t size);

/* ---- counters ------------------------------------------------------------------ */

unsigned long nr_free_pages(void);
unsigned long nr_free_pages_zone(enum zone_type zone);
unsigned long nr_free_blocks(enum zone_type zone, unsigned int order);
unsigned long totalram_pages(void);	/* managed pages, all zones */
unsigned long totalhigh_pages(void);	/* managed pages in HIGHMEM */
unsigned long get_num_physpages(void);	/* present pages, all zones */

/* Returns pages held by per-CPU/batching caches to the buddy lists.  This
 * allocator frees straight into the buddy lists, so there is nothing to
 * drain; the call is part of the contract so callers stay correct if
 * per-CPU lists are added.  zone may be NULL (all zones). */
void drain_all_pages(struct zone *zone);

#endif
