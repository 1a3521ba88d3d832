/*
 * tests/kernel/mm_helpers.c - see mm_helpers.h.
 */
#include "tests/kernel/mm_helpers.h"

#include "kernel/kernel.h"

extern char _kernel_start[], _kernel_end[];

#define ONE_MIB		(1ULL << 20)
#define WORDS_PER_PAGE	(PAGE_SIZE / sizeof(uint32_t))

void hoard_init(struct page_hoard *h)
{
	INIT_LIST_HEAD(&h->blocks);
	h->nr_blocks = 0;
	h->nr_pages = 0;
}

void hoard_add(struct page_hoard *h, struct page *page, unsigned int order)
{
	page->private = order;
	list_add(&page->lru, &h->blocks);
	h->nr_blocks++;
	h->nr_pages += 1UL << order;
}

unsigned long hoard_fill(struct page_hoard *h, gfp_t gfp, unsigned int order)
{
	unsigned long n = 0;
	struct page *page;

	while ((page = alloc_pages(gfp, order)) != NULL) {
		hoard_add(h, page, order);
		n++;
	}
	return n;
}

void hoard_release(struct page_hoard *h, bool interleaved)
{
	struct page *page;
	bool skip = false;

	if (interleaved) {
		list_for_each_entry_safe(page, &h->blocks, lru) {
			skip = !skip;
			if (skip)
				continue;
			list_del(&page->lru);
			h->nr_blocks--;
			h->nr_pages -= 1UL << page->private;
			__free_pages(page, (unsigned int)page->private);
		}
	}
	list_for_each_entry_safe(page, &h->blocks, lru) {
		list_del(&page->lru);
		h->nr_blocks--;
		h->nr_pages -= 1UL << page->private;
		__free_pages(page, (unsigned int)page->private);
	}
}

/*
 * The tag sits in the first two words of the block's first page and the
 * last two words of its last page.  Each page is mapped once: under TCG
 * every kmap_local_page/kunmap_local pair costs TLB flushes, and the
 * exhaustion tests tag every page of the machine.
 */
static void page_tag_words(struct page *page, bool first, bool last,
			   uint32_t tag, bool write, bool *ok)
{
	uint32_t *w = kmap_local_page(page);

	if (write) {
		if (first) {
			w[0] = tag;
			w[1] = ~tag;
		}
		if (last) {
			w[WORDS_PER_PAGE - 1] = tag;
			w[WORDS_PER_PAGE - 2] = ~tag;
		}
	} else {
		if (first && (w[0] != tag || w[1] != ~tag))
			*ok = false;
		if (last && (w[WORDS_PER_PAGE - 1] != tag ||
			     w[WORDS_PER_PAGE - 2] != ~tag))
			*ok = false;
	}
	kunmap_local(w);
}

static bool block_tag(struct page *page, unsigned int order, uint32_t tag, bool write)
{
	bool ok = true;

	if (order == 0) {
		page_tag_words(page, true, true, tag, write, &ok);
	} else {
		page_tag_words(page, true, false, tag, write, &ok);
		page_tag_words(page + (1UL << order) - 1, false, true, tag, write, &ok);
	}
	return ok;
}

void block_write_tag(struct page *page, unsigned int order, uint32_t tag)
{
	block_tag(page, order, tag, true);
}

bool block_has_tag(struct page *page, unsigned int order, uint32_t tag)
{
	return block_tag(page, order, tag, false);
}

unsigned long hoard_tag_and_verify(struct page_hoard *h)
{
	struct page *page;
	unsigned long bad = 0;

	list_for_each_entry(page, &h->blocks, lru)
		block_write_tag(page, (unsigned int)page->private,
				(uint32_t)page_to_pfn(page));
	list_for_each_entry(page, &h->blocks, lru)
		if (!block_has_tag(page, (unsigned int)page->private,
				   (uint32_t)page_to_pfn(page)))
			bad++;
	return bad;
}

static bool overlaps(phys_addr_t a, phys_addr_t alen, phys_addr_t b, phys_addr_t blen)
{
	return a < b + blen && b < a + alen;
}

bool block_is_free_ram(phys_addr_t pa, phys_addr_t size, const char **why)
{
	bool in_usable = false;

	*why = NULL;
	for (size_t i = 0; i < boot_info.map_len; i++) {
		const struct mem_region *r = &boot_info.map[i];

		if (r->type == MEM_USABLE) {
			if (pa >= r->base && pa + size <= r->base + r->size)
				in_usable = true;
		} else if (overlaps(pa, size, r->base, r->size)) {
			*why = "overlaps a non-usable entry of the Multiboot map";
			return false;
		}
	}
	if (!in_usable)
		*why = "not inside a usable entry of the Multiboot map";
	else if (pa < ONE_MIB)
		*why = "inside the first MiB";
	else if (overlaps(pa, size, __pa(_kernel_start),
			  (phys_addr_t)(_kernel_end - _kernel_start)))
		*why = "overlaps the kernel image";
	else if (overlaps(pa, size, __pa(mem_map),
			  (phys_addr_t)max_pfn * sizeof(struct page)))
		*why = "overlaps mem_map";
	return *why == NULL;
}

unsigned long find_hole_pfn(void)
{
	for (unsigned long pfn = 1; pfn < max_pfn; pfn++) {
		phys_addr_t pa = (phys_addr_t)pfn << PAGE_SHIFT;
		bool covered = false;

		for (size_t i = 0; i < boot_info.map_len && !covered; i++) {
			const struct mem_region *r = &boot_info.map[i];

			covered = r->type == MEM_USABLE && overlaps(pa, PAGE_SIZE,
								      r->base, r->size);
		}
		if (!covered)
			return pfn;
	}
	return 0;
}

ssize_t buddyinfo_snapshot(char *buf, size_t size)
{
	return mm_proc_read("/proc/buddyinfo", buf, size);
}

void block_fill(struct page *page, unsigned int order, uint8_t c)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		void *va = kmap_local_page(page + i);

		memset(va, c, PAGE_SIZE);
		kunmap_local(va);
	}
}

bool block_is_filled(struct page *page, unsigned int order, uint8_t c)
{
	uint32_t word = 0x01010101u * c;

	for (unsigned long i = 0; i < (1UL << order); i++) {
		const uint32_t *va = kmap_local_page(page + i);
		bool ok = true;

		for (size_t w = 0; w < WORDS_PER_PAGE && ok; w++)
			ok = va[w] == word;
		kunmap_local(va);
		if (!ok)
			return false;
	}
	return true;
}
