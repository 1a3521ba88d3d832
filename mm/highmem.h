/*
 * mm/highmem.h - temporary mappings of pages without a permanent one.
 *
 * HIGHMEM pages (above the lowmem limit) have no kernel virtual address;
 * kmap_local_page maps one into a per-CPU slot until kunmap_local.
 * Mappings nest and must be released in reverse order (LIFO), as Linux's
 * kmap_local.  For a lowmem page both calls are free: the page's direct-map
 * address is returned and kunmap_local does nothing.
 */
#ifndef MM_HIGHMEM_H
#define MM_HIGHMEM_H

#include "mm/mm_types.h"

/* NULL only when all MM_PORT_KMAP_SLOTS slots are in use. */
void *kmap_local_page(struct page *page);
void kunmap_local(const void *addr);

/* Zero or copy a whole page, whatever zone it is in. */
void clear_highpage(struct page *page);

#endif
