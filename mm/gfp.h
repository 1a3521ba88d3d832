/*
 * mm/gfp.h - allocation flags ("get free pages" flags), with Linux's names.
 *
 * The bits say where a page may come from (zone modifiers) and how the
 * allocator may behave.  There is no reclaim in this kernel beyond
 * shrinking slab caches, so __GFP_DIRECT_RECLAIM means exactly that: the
 * caller may wait while every cache gives its empty slabs back, once,
 * before the allocation fails.
 *
 *   GFP_KERNEL   normal allocations; may shrink caches on failure
 *   GFP_ATOMIC   interrupt context; never shrinks caches
 *   GFP_NOWAIT   like GFP_ATOMIC, without access to reserves
 *   GFP_DMA      ZONE_DMA only (below 16 MiB)
 *   GFP_HIGHUSER may be served from ZONE_HIGHMEM (no permanent mapping)
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include "mm/port.h"

typedef unsigned int gfp_t;

#define __GFP_DMA		0x01u	/* zone modifier: ZONE_DMA only */
#define __GFP_HIGHMEM		0x02u	/* zone modifier: HIGHMEM allowed */
#define __GFP_HIGH		0x20u	/* caller cannot wait (atomic) */
#define __GFP_DIRECT_RECLAIM	0x400u	/* may shrink caches and retry */
#define __GFP_ZERO		0x100u	/* return zeroed memory */
#define __GFP_NOWARN		0x200u	/* no warning on failure */
#define __GFP_COMP		0x4000u	/* compound page: tails know the head */
#define __GFP_NOFAIL_INTERNAL	0	/* (not supported) */

#define __GFP_ZONE_MASK		(__GFP_DMA | __GFP_HIGHMEM)
#define __GFP_VALID_MASK	(__GFP_DMA | __GFP_HIGHMEM | __GFP_HIGH | \
				 __GFP_DIRECT_RECLAIM | __GFP_ZERO | \
				 __GFP_NOWARN | __GFP_COMP)

#define GFP_NOWAIT	0u
#define GFP_ATOMIC	(__GFP_HIGH)
#define GFP_KERNEL	(__GFP_DIRECT_RECLAIM)
#define GFP_USER	(__GFP_DIRECT_RECLAIM)
#define GFP_HIGHUSER	(GFP_USER | __GFP_HIGHMEM)
#define GFP_DMA		(__GFP_DMA)

static inline bool gfpflags_allow_reclaim(gfp_t gfp)
{
	return (gfp & __GFP_DIRECT_RECLAIM) != 0;
}

/* Writes a readable form of gfp ("GFP_KERNEL|__GFP_ZERO") into buf. */
const char *gfp_flags_name(gfp_t gfp, char *buf, size_t size);

#endif
