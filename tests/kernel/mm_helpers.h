/*
 * tests/kernel/mm_helpers.h - what the in-kernel mm tests share: holding
 * every page the allocator will give (a "hoard"), tagging blocks so that
 * a page handed out twice shows, and the facts of this boot (the Multiboot
 * map, the kernel image, mem_map) that every block must stay clear of.
 *
 * A hoard chains its blocks through page->lru, which belongs to the owner
 * of an allocated block (mm/mm_types.h), and keeps each block's order in
 * page->private: holding all of memory costs no memory.
 */
#ifndef TESTS_KERNEL_MM_HELPERS_H
#define TESTS_KERNEL_MM_HELPERS_H

#include "mm/mm.h"

/*
 * Allocation flags for draining memory: every zone (HighMem, then Normal,
 * then DMA), quietly, and without __GFP_DIRECT_RECLAIM, so that running
 * dry does not shrink the slab caches: the free lists afterwards must be
 * exactly the free lists before.
 */
#define GFP_DRAIN	(GFP_NOWAIT | __GFP_HIGHMEM | __GFP_NOWARN)

struct page_hoard {
	struct list_head blocks;
	unsigned long nr_blocks;
	unsigned long nr_pages;
};

void hoard_init(struct page_hoard *h);
void hoard_add(struct page_hoard *h, struct page *page, unsigned int order);
/* Allocates order-`order` blocks with gfp until the allocator says no;
 * returns how many it took. */
unsigned long hoard_fill(struct page_hoard *h, gfp_t gfp, unsigned int order);
/* Frees every block; interleaved frees every other block first, so that
 * blocks merge out of allocation order. */
void hoard_release(struct page_hoard *h, bool interleaved);

/* Writes tag (and ~tag) into the first and the last words of a block,
 * through kmap_local_page so HighMem blocks work too. */
void block_write_tag(struct page *page, unsigned int order, uint32_t tag);
bool block_has_tag(struct page *page, unsigned int order, uint32_t tag);
/* Tags every block of the hoard with its pfn, then checks every tag:
 * false when two blocks share memory.  Returns the number of bad blocks. */
unsigned long hoard_tag_and_verify(struct page_hoard *h);

/* Is [pa, pa + size) RAM that mm may hand out: wholly inside one usable
 * entry of the Multiboot map, overlapping no other entry, clear of the
 * first MiB, the kernel image and mem_map?  why says what is wrong. */
bool block_is_free_ram(phys_addr_t pa, phys_addr_t size, const char **why);

/* A pfn below max_pfn that no usable map entry covers (a hole), or 0. */
unsigned long find_hole_pfn(void);

/* /proc/buddyinfo into buf; the length, or a negative errno. */
ssize_t buddyinfo_snapshot(char *buf, size_t size);

/* Fills a block with byte c / checks that every byte is c (any zone). */
void block_fill(struct page *page, unsigned int order, uint8_t c);
bool block_is_filled(struct page *page, unsigned int order, uint8_t c);

#endif
