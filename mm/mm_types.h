/*
 * mm/mm_types.h - struct page, struct zone and the page-flag layout.
 *
 * There is one struct page per physical page frame from pfn 0 to max_pfn
 * (a flat mem_map, as on Linux i386 without SPARSEMEM).  Which fields are
 * valid depends on the page's state; exactly one state holds at a time:
 *
 *   state          flags              order  lru / union fields valid
 *   ------------   ----------------   -----  ------------------------------
 *   hole           reserved, hole       -    none (no RAM behind the pfn)
 *   reserved       reserved             -    none (firmware, kernel, mem_map)
 *   free head      buddy               yes   lru: in zone->free_area[order]
 *   free tail      (none)               -    none: inside a free block
 *   allocated head allocated [head]    yes   lru: owner's use
 *   compound tail  tail                 -    compound_head -> the head page
 *   other alloc'd  (none)               -    none: pages 1.. of a non-compound block
 *   slab           allocated head slab yes   slab_list, slab_cache, freelist,
 *                                            inuse, objects, colour (flags)
 *   large kmalloc  allocated head       yes  as compound, plus large_kmalloc
 *                  large_kmalloc
 *
 * The zone index is valid in every state.
 *
 * Size: 24 bytes on i386 (Linux's is 32), pinned below; the flags word
 * carries the zone, the order and the slab colour so that the three
 * unions stay small:
 *
 *   bit 31            16 15   12 11 10 9                 0
 *      +----------------+-------+-----+--------------------+
 *      | slab colour off| order | zone|   PG_* flag bits   |
 *      +----------------+-------+-----+--------------------+
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "mm/list.h"
#include "mm/port.h"

#define MAX_PAGE_ORDER	10
#define NR_PAGE_ORDERS	(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)

enum pageflags {
	PG_reserved,		/* never handed to the buddy allocator */
	PG_hole,		/* no RAM behind this pfn (with PG_reserved) */
	PG_buddy,		/* head of a free block; order valid */
	PG_allocated,		/* head of an allocated block; order valid */
	PG_head,		/* compound head (__GFP_COMP) */
	PG_tail,		/* compound tail; compound_head valid */
	PG_slab,		/* first page of a slab */
	PG_large_kmalloc,	/* head of a kmalloc allocation > 8 KiB */
	NR_PAGEFLAGS
};

#define PAGE_FLAGS_BITS		10
#define PAGE_ZONE_SHIFT		10
#define PAGE_ZONE_BITS		2
#define PAGE_ORDER_SHIFT	12
#define PAGE_ORDER_BITS		4
#define PAGE_COLOUR_SHIFT	16
#define PAGE_COLOUR_BITS	16

_Static_assert(NR_PAGEFLAGS <= PAGE_FLAGS_BITS, "page flags overflow");
_Static_assert(PAGE_ZONE_SHIFT == PAGE_FLAGS_BITS, "flags layout");
_Static_assert(PAGE_ORDER_SHIFT == PAGE_ZONE_SHIFT + PAGE_ZONE_BITS, "flags layout");
_Static_assert(PAGE_COLOUR_SHIFT == PAGE_ORDER_SHIFT + PAGE_ORDER_BITS, "flags layout");
_Static_assert(PAGE_COLOUR_SHIFT + PAGE_COLOUR_BITS == 32, "flags layout");
_Static_assert(MAX_PAGE_ORDER < (1 << PAGE_ORDER_BITS), "order field too small");

struct kmem_cache;

struct page {
	uint32_t flags;
	union {
		struct list_head lru;		/* free list, slab list, owner */
		struct {
			unsigned long compound_head;	/* tail: the head page */
			unsigned long compound_pad;
		};
	};
	union {
		struct {			/* PG_slab */
			struct kmem_cache *slab_cache;
			void *freelist;		/* first free object, or NULL */
			uint16_t inuse;		/* objects handed out */
			uint16_t objects;	/* objects in this slab */
		};
		struct {
			unsigned long private;	/* owner's use (mempool, lab) */
			unsigned long private2;
			unsigned long private3;
		};
	};
};

#if defined(__i386__)
_Static_assert(sizeof(struct page) == 24, "struct page must stay 24 bytes on i386");
#endif
_Static_assert(sizeof(struct page) <= 6 * sizeof(void *), "struct page grew");

enum zone_type {
	ZONE_DMA,	/* [0, 16 MiB): ISA DMA can reach it */
	ZONE_NORMAL,	/* [16 MiB, lowmem limit): permanently mapped */
	ZONE_HIGHMEM,	/* [lowmem limit, 4 GiB): mapped on demand */
	MAX_NR_ZONES
};
_Static_assert(MAX_NR_ZONES <= (1 << PAGE_ZONE_BITS), "zone field too small");

#define MAX_DMA_ADDRESS		(16UL << 20)

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks of this order */
};

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct zone_stats {
	unsigned long alloc[NR_PAGE_ORDERS];	/* successful allocations */
	unsigned long free[NR_PAGE_ORDERS];	/* frees */
	unsigned long fail;			/* allocations this zone refused */
	unsigned long fallback;			/* served for a higher zone */
	unsigned long split;			/* blocks split to serve */
	unsigned long merge;			/* buddy merges on free */
};

/*
 * A zone: the pages of one address range, its own free lists and lock.
 * Fields below `lock` change under it; the rest are set by mm_init.
 */
struct zone {
	const char *name;		/* "DMA", "Normal", "HighMem" */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;	/* end - start, holes included */
	unsigned long present_pages;	/* pages with RAM behind them */
	unsigned long managed_pages;	/* present minus boot reservations */
	unsigned long watermark[NR_WMARK];	/* informational, see docs */

	spinlock_t lock;
	unsigned long free_pages;	/* sum of nr_free << order */
	struct free_area free_area[NR_PAGE_ORDERS];
	struct zone_stats stats;
};

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

#endif
