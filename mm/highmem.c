/*
 * mm/highmem.c - kmap_local_page for pages without a permanent mapping.
 */
#include "mm/highmem.h"

#include "mm/internal.h"

void *kmap_local_page(struct page *page)
{
	if (!PageHighMem(page))
		return page_address(page);
	return mm_port_kmap(page_to_phys(page));
}

void kunmap_local(const void *addr)
{
	/* A direct-map address was never mapped: nothing to undo.  Anything
	 * else came from a kmap slot (the port checks the LIFO order). */
	if (!virt_addr_valid(addr))
		mm_port_kunmap(addr);
}

void clear_highpage(struct page *page)
{
	void *va = kmap_local_page(page);

	if (!va)
		panic("clear_highpage: no free kmap slot for pfn 0x%lx",
		      page_to_pfn(page));
	memset(va, 0, PAGE_SIZE);
	kunmap_local(va);
}
