/*
 * kernel/cmd_memmap.c - memmap: a picture of physical memory, one
 * character per cell of 2^k pages, zone by zone.
 *
 *	memmap: 32 pages (128 KiB) per cell; a cell shows what most ...
 *	DMA      [mem 0x00000000-0x00ffffff]
 *	0x00000000 rrrrrrrrKKKKKKKmmmmS0.5....
 *
 * What a page is comes from mem_map alone (mm/mm_types.h lists the
 * states).  For a page that is not itself a block head, the block that
 * holds it is found the way the buddy allocator finds buddies: the head
 * of an order-o block containing pfn is pfn with its low o bits cleared,
 * so we try o = 1, 2, ... until a head whose order covers pfn turns up
 * (or one that does not, which ends the search: blocks never overlap).
 *
 * A cell shows the class most of its pages belong to; ties go to the
 * class listed first in enum cell_class (free first, so a fragmented
 * region where half the pages are free order-0 blocks reads as '0').  A
 * free cell shows the order of the largest free block that starts in it
 * ('.' when it only continues a block that started earlier).
 *
 * Pages per cell: the smallest power of two that fits the shown zones on
 * one 80x25 screen with the header and the next prompt, or the argument.
 * Colours are ANSI SGR, which the VGA console understands too.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"

#define MEMMAP_COLS		64	/* cells per line */
#define MEMMAP_HEADER_LINES	3	/* title and legend */
#define MEMMAP_PPC_MAX		(1UL << 20)	/* 4 GiB in one cell */
#define MEMMAP_LINE_BUF		1024
#define KERNEL_IMAGE_NAME	"kernel image"	/* mm_port_early_reserved */

enum cell_class {
	CL_FREE,
	CL_SLAB,
	CL_KERNEL,
	CL_MEMMAP,
	CL_ALLOC,
	CL_RESERVED,
	CL_HOLE,
	CL_UNKNOWN,
	NR_CELL_CLASSES
};

static const struct {
	char sym;		/* free cells show an order digit instead */
	const char *sgr;	/* ANSI colour */
	const char *what;
} cell_style[NR_CELL_CLASSES] = {
	[CL_FREE]	= { '.', "32", "free" },
	[CL_SLAB]	= { 'S', "33", "slab" },
	[CL_KERNEL]	= { 'K', "31", "kernel image" },
	[CL_MEMMAP]	= { 'm', "35", "mem_map" },
	[CL_ALLOC]	= { 'a', "36", "allocated" },
	[CL_RESERVED]	= { 'r', "34", "reserved" },
	[CL_HOLE]	= { ' ', "0", "no RAM" },
	[CL_UNKNOWN]	= { '?', "1;31", "unknown state" },
};

static const char order_digits[] = "0123456789A";
_Static_assert(sizeof(order_digits) - 1 == NR_PAGE_ORDERS, "one digit per order");

#define SGR(code)	"\033[" code "m"

/* Reserved pages we can name: the kernel image and mem_map itself. */
static unsigned long kernel_lo, kernel_hi, memmap_lo, memmap_hi;

static void find_named_ranges(void)
{
	const struct mm_port_range *r;
	size_t n = mm_port_early_reserved(&r);

	kernel_lo = kernel_hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(r[i].name, KERNEL_IMAGE_NAME) == 0) {
			kernel_lo = (unsigned long)(r[i].base >> PAGE_SHIFT);
			kernel_hi = (unsigned long)((r[i].base + r[i].size +
						     PAGE_SIZE - 1) >> PAGE_SHIFT);
		}
	}
	phys_addr_t mm_start = __pa(mem_map);
	phys_addr_t mm_end = mm_start + (phys_addr_t)max_pfn * sizeof(struct page);

	memmap_lo = (unsigned long)(mm_start >> PAGE_SHIFT);
	memmap_hi = (unsigned long)((mm_end + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

static enum cell_class reserved_class(unsigned long pfn)
{
	if (pfn >= kernel_lo && pfn < kernel_hi)
		return CL_KERNEL;
	if (pfn >= memmap_lo && pfn < memmap_hi)
		return CL_MEMMAP;
	return CL_RESERVED;
}

struct block {
	unsigned long start, end;	/* pfns [start, end) */
	unsigned int order;
	enum cell_class cls;
};

/* The block holding pfn (a single page for reserved pages and holes). */
static void block_at(const struct zone *zone, unsigned long pfn, struct block *b)
{
	struct page *page = pfn_to_page(pfn);

	b->start = pfn;
	b->end = pfn + 1;
	b->order = 0;
	if (PageFlag(page, PG_hole)) {
		b->cls = CL_HOLE;
		return;
	}
	if (PageReserved(page)) {
		b->cls = reserved_class(pfn);
		return;
	}
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		if (head < zone->zone_start_pfn)
			break;
		struct page *hp = pfn_to_page(head);

		if (!PageBuddy(hp) && !PageFlag(hp, PG_allocated)) {
			if (PageReserved(hp))
				break;	/* no block spans a reserved page */
			continue;	/* inside a block: look further out */
		}
		unsigned int order = page_order(hp);

		if (pfn >= head + (1UL << order))
			break;
		b->start = head;
		b->end = head + (1UL << order);
		b->order = order;
		b->cls = PageBuddy(hp) ? CL_FREE : PageSlab(hp) ? CL_SLAB : CL_ALLOC;
		return;
	}
	b->cls = CL_UNKNOWN;
}

struct cell {
	enum cell_class cls;
	char sym;
};

/* Classifies the pages [start, end) of zone; zone->lock held. */
static struct cell classify(const struct zone *zone, unsigned long start,
			    unsigned long end)
{
	unsigned long count[NR_CELL_CLASSES] = { 0 };
	int max_free_order = -1;
	struct block b;

	for (unsigned long pfn = start; pfn < end; pfn = b.end < end ? b.end : end) {
		block_at(zone, pfn, &b);
		count[b.cls] += (b.end < end ? b.end : end) - pfn;
		if (b.cls == CL_FREE && b.start >= start && (int)b.order > max_free_order)
			max_free_order = (int)b.order;
	}
	struct cell c = { CL_FREE, 0 };

	for (int k = 1; k < NR_CELL_CLASSES; k++)
		if (count[k] > count[c.cls])
			c.cls = (enum cell_class)k;
	c.sym = cell_style[c.cls].sym;
	if (c.cls == CL_FREE && max_free_order >= 0)
		c.sym = order_digits[max_free_order];
	return c;
}

/* Appends s to the line buffer (sized for the worst case). */
static size_t put(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len + n < MEMMAP_LINE_BUF) {
		memcpy(buf + len, s, n);
		len += n;
	}
	buf[len] = '\0';
	return len;
}

static size_t put_colour(char *buf, size_t len, enum cell_class cls)
{
	len = put(buf, len, "\033[");
	len = put(buf, len, cell_style[cls].sgr);
	return put(buf, len, "m");
}

static void print_zone(struct zone *zone, unsigned long ppc)
{
	static char line[MEMMAP_LINE_BUF];
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);

	kprintf("%-8s [mem 0x%08llx-0x%08llx]%s\n", zone->name,
		(unsigned long long)start << PAGE_SHIFT,
		((unsigned long long)end << PAGE_SHIFT) - 1,
		zone == &zones[ZONE_HIGHMEM] ? "  highmem: not permanently mapped" : "");
	for (unsigned long pfn = start; pfn < end;) {
		size_t len = 0;
		int colour = -1;
		char prefix[24];
		unsigned long flags;

		ksnprintf(prefix, sizeof(prefix), "0x%08llx ",
			  (unsigned long long)pfn << PAGE_SHIFT);
		len = put(line, len, prefix);
		spin_lock_irqsave(&zone->lock, flags);
		for (int i = 0; i < MEMMAP_COLS && pfn < end; i++) {
			unsigned long cell_end = end - pfn > ppc ? pfn + ppc : end;
			struct cell c = classify(zone, pfn, cell_end);
			char sym[2] = { c.sym, '\0' };

			if ((int)c.cls != colour) {
				len = put_colour(line, len, c.cls);
				colour = (int)c.cls;
			}
			len = put(line, len, sym);
			pfn = cell_end;
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		len = put(line, len, SGR("0") "\n");
		console_write(line, len);
	}
}

static unsigned long lines_needed(unsigned long ppc, int only)
{
	unsigned long lines = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (!populated_zone(&zones[z]) || (only >= 0 && z != only))
			continue;
		unsigned long cells = DIV_ROUND_UP(zones[z].spanned_pages, ppc);

		lines += 1 + DIV_ROUND_UP(cells, MEMMAP_COLS);	/* + zone title */
	}
	return lines;
}

static unsigned long auto_ppc(int only)
{
	unsigned long budget = SHELL_SCREEN_ROWS - 1 - MEMMAP_HEADER_LINES;
	unsigned long ppc = 1;

	while (ppc < MEMMAP_PPC_MAX && lines_needed(ppc, only) > budget)
		ppc <<= 1;
	return ppc;
}

static void print_legend(unsigned long ppc)
{
	kprintf("memmap: %lu page%s (%lu KiB) per cell; a cell shows what most of its pages are\n",
		ppc, ppc == 1 ? "" : "s", ppc * (PAGE_SIZE / 1024));
	kprintf("  " SGR("32") "0-9,A" SGR("0") " a free block of that order starts here  "
		SGR("32") "." SGR("0") " more of a free block\n");
	for (int k = CL_SLAB; k < CL_HOLE; k++)
		kprintf("  \033[%sm%c" SGR("0") " %s", cell_style[k].sgr,
			cell_style[k].sym, cell_style[k].what);
	kprintf("  ' ' %s\n", cell_style[CL_HOLE].what);
}

static bool is_power_of_2(unsigned long x)
{
	return x && !(x & (x - 1));
}

static int cmd_memmap(int argc, char **argv)
{
	unsigned long ppc = 0;
	int only = -1;

	if (argc > 3)
		return shell_usage(argv[0]);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] >= '0' && a[0] <= '9' && ppc == 0) {
			if (!shell_parse_ulong(argv[0], "PAGES", a, 1, MEMMAP_PPC_MAX, &ppc))
				return 1;
			if (!is_power_of_2(ppc))
				return shell_error(argv[0], "PAGES %lu is not a power of two", ppc);
		} else if (only < 0) {
			enum zone_type z;

			if (!shell_parse_zone(argv[0], a, &z))
				return 1;
			if (!populated_zone(&zones[z]))
				return shell_error(argv[0], "zone %s has no memory", zones[z].name);
			only = (int)z;
		} else {
			return shell_usage(argv[0]);
		}
	}
	if (!ppc)
		ppc = auto_ppc(only);
	find_named_ranges();
	print_legend(ppc);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&zones[z]) && (only < 0 || z == only))
			print_zone(&zones[z], ppc);
	return 0;
}
SHELL_CMD(memmap, "memmap [PAGES] [dma|normal|highmem]",
	  "map of physical memory (PAGES per cell, a power of 2)",
	  cmd_memmap);
