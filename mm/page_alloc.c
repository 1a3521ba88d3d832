/*
 * mm/page_alloc.c - the buddy allocator.
 *
 * Each zone keeps free_area[order] lists of free blocks of 2^order pages.
 * A block is naturally aligned in pfn space (its first pfn is a multiple of
 * 2^order), so the block it was split from, and can merge back into, is
 * found by flipping one bit:
 *
 *	buddy_pfn    = pfn ^ (1 << order)
 *	combined_pfn = pfn & ~(1 << order)	(the lower of the two)
 *
 * Worked example, freeing pfn 8 at order 0 with pfns 9, 10-11 and 12-15
 * free:
 *	order 0: buddy 9 is a free order-0 head -> merge into 8-9, order 1
 *	order 1: buddy 10 (8 ^ 2) is a free order-1 head -> 8-11, order 2
 *	order 2: buddy 12 (8 ^ 4) is a free order-2 head -> 8-15, order 3
 *	order 3: buddy 0 (8 ^ 8) is allocated -> stop; 8-15 goes on list 3
 * Merging stops at MAX_PAGE_ORDER and never takes a buddy outside the
 * zone's span (zone boundaries need not be aligned to a large order).
 *
 * Allocation takes the first block of the smallest non-empty order >= the
 * request and splits it, putting the upper halves back on the lower lists
 * (expand()).  Zones are tried from the preferred one downwards
 * (HIGHMEM -> NORMAL -> DMA).
 *
 * Lock order: zone->lock is innermost.  While it is held nothing else is
 * locked and nothing is allocated; misuse reports are printed under it
 * (printing takes only the log's own lock).  mm_reclaim() runs with no
 * zone lock held.
 *
 * Every free is validated under the zone lock before any state changes:
 * a block is only ever freed from the "allocated head" state with its
 * recorded order (mm/mm_types.h lists the states).
 */
#include "mm/internal.h"
#include "mm/highmem.h"

struct page *mem_map;
unsigned long max_pfn;
unsigned long max_low_pfn;
struct zone zones[MAX_NR_ZONES];

static unsigned long alloc_failures;

/* ---- small helpers ------------------------------------------------------ */

void *page_address(const struct page *page)
{
	if (PageHighMem(page))
		return NULL;
	return __va(page_to_phys(page));
}

bool virt_addr_valid(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;

	if (a < MM_VA_BASE)
		return false;
	return (phys_addr_t)(a - MM_VA_BASE) < ((phys_addr_t)max_low_pfn << PAGE_SHIFT);
}

static void set_page_state(struct page *page, uint32_t state_bits)
{
	page->flags = (page->flags & ~PAGE_STATE_MASK) | state_bits;
}

static void add_to_free_list(struct page *page, struct zone *zone,
			     unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	set_page_state(page, 1u << PG_buddy);
	page_set_order(page, order);
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
	zone->free_pages += 1UL << order;
}

static void del_from_free_list(struct page *page, struct zone *zone,
			       unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	list_del(&page->lru);
	set_page_state(page, 0);
	page_set_order(page, 0);
	area->nr_free--;
	zone->free_pages -= 1UL << order;
}

static bool pfn_in_zone(const struct zone *zone, unsigned long pfn)
{
	return pfn >= zone->zone_start_pfn && pfn < zone_end_pfn(zone);
}

/* Puts the upper halves of a 2^high block back until 2^low remains. */
static void expand(struct zone *zone, struct page *page, unsigned int low,
		   unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high);
		zone->stats.split++;
	}
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];

		if (list_empty(&area->free_list))
			continue;
		struct page *page = list_first_entry(&area->free_list,
						     struct page, lru);

		del_from_free_list(page, zone, o);
		expand(zone, page, order, o);
		return page;
	}
	return NULL;
}

/* Frees a block known to be valid, merging with free buddies. */
static void __free_one_page(struct page *page, unsigned long pfn,
			    struct zone *zone, unsigned int order)
{
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);

		if (!pfn_in_zone(zone, buddy_pfn) ||
		    !pfn_in_zone(zone, buddy_pfn + (1UL << order) - 1))
			break;
		struct page *buddy = pfn_to_page(buddy_pfn);

		if (!PageBuddy(buddy) || page_order(buddy) != order)
			break;
		del_from_free_list(buddy, zone, order);
		zone->stats.merge++;
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}
	add_to_free_list(page, zone, order);
}

/* The largest order of an aligned block starting at pfn within [pfn, end). */
static unsigned int max_block_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = 0;

	while (order < MAX_PAGE_ORDER &&
	       !(pfn & (1UL << order)) &&
	       pfn + (2UL << order) <= end)
		order++;
	return order;
}

/* Frees [start, end) of one zone as maximal aligned blocks; zone locked. */
static void __free_pfn_range(struct zone *zone, unsigned long start,
			     unsigned long end)
{
	while (start < end) {
		unsigned int order = max_block_order(start, end);

		__free_one_page(pfn_to_page(start), start, zone, order);
		start += 1UL << order;
	}
}

void free_range_to_buddy(unsigned long start_pfn, unsigned long end_pfn)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long s = max(start_pfn, zone->zone_start_pfn);
		unsigned long e = min(end_pfn, zone_end_pfn(zone));
		unsigned long flags;

		if (s >= e)
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		__free_pfn_range(zone, s, e);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

void page_alloc_reset(void)
{
	mem_map = NULL;
	max_pfn = 0;
	max_low_pfn = 0;
	alloc_failures = 0;
	memset(zones, 0, sizeof(zones));
	static const char *const names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		zones[z].name = names[z];
		spin_lock_init(&zones[z].lock);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
			INIT_LIST_HEAD(&zones[z].free_area[o].free_list);
	}
}

/* ---- allocation ------------------------------------------------------------ */

static enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_HIGHMEM)
		return ZONE_HIGHMEM;
	return ZONE_NORMAL;
}

const char *gfp_flags_name(gfp_t gfp, char *buf, size_t size)
{
	static const struct {
		gfp_t bits;
		const char *name;
	} names[] = {
		{ GFP_HIGHUSER, "GFP_HIGHUSER" },
		{ GFP_KERNEL, "GFP_KERNEL" },
		{ GFP_ATOMIC, "GFP_ATOMIC" },
		{ __GFP_DMA, "GFP_DMA" },
		{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
		{ __GFP_ZERO, "__GFP_ZERO" },
		{ __GFP_NOWARN, "__GFP_NOWARN" },
		{ __GFP_COMP, "__GFP_COMP" },
	};
	size_t len = 0;
	gfp_t left = gfp;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if ((left & names[i].bits) == names[i].bits && names[i].bits) {
			len += (size_t)kscnprintf(buf + len, size - len, "%s%s",
						  len ? "|" : "", names[i].name);
			left &= ~names[i].bits;
		}
	}
	if (left)
		len += (size_t)kscnprintf(buf + len, size - len, "%s0x%x",
					  len ? "|" : "", left);
	if (len == 0)
		kscnprintf(buf, size, "GFP_NOWAIT");
	return buf;
}

/* Marks a block as handed out; its tails as compound tails if asked. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	uint32_t state = 1u << PG_allocated;

	if ((gfp & __GFP_COMP) && order > 0) {
		state |= 1u << PG_head;
		for (unsigned long i = 1; i < (1UL << order); i++) {
			set_page_state(&page[i], 1u << PG_tail);
			page[i].compound_head = (unsigned long)page;
		}
	}
	set_page_state(page, state);
	page_set_order(page, order);
	page->lru.next = page->lru.prev = NULL;
	page->private = page->private2 = page->private3 = 0;
}

static void zero_block(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		clear_highpage(&page[i]);
}

static struct page *get_page_from_zones(gfp_t gfp, unsigned int order)
{
	enum zone_type preferred = gfp_zone(gfp);

	for (int z = (int)preferred; z >= 0; z--) {
		struct zone *zone = &zones[z];
		unsigned long flags;
		struct page *page;

		if (!populated_zone(zone))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		page = __rmqueue_smallest(zone, order);
		if (page) {
			prep_new_page(page, order, gfp);
			zone->stats.alloc[order]++;
			if (z != (int)preferred)
				zone->stats.fallback++;
		} else {
			zone->stats.fail++;
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		if (page)
			return page;
	}
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	char gbuf[80];

	if (order > MAX_PAGE_ORDER) {
		mm_report_bug("BUG: alloc_pages: order %u > MAX_PAGE_ORDER (%d), refused\n",
			      order, MAX_PAGE_ORDER);
		return NULL;
	}
	if ((gfp & ~__GFP_VALID_MASK) ||
	    (gfp & __GFP_ZONE_MASK) == __GFP_ZONE_MASK) {
		mm_report_bug("BUG: alloc_pages: invalid gfp flags 0x%x (%s), refused\n",
			      gfp, gfp_flags_name(gfp, gbuf, sizeof(gbuf)));
		return NULL;
	}

	struct page *page = get_page_from_zones(gfp, order);

	if (!page && gfpflags_allow_reclaim(gfp) && mm_reclaim() > 0)
		page = get_page_from_zones(gfp, order);
	if (!page) {
		__atomic_fetch_add(&alloc_failures, 1, __ATOMIC_RELAXED);
		if (!(gfp & __GFP_NOWARN))
			pr_warn("mm: page allocation failure: order:%u, mode:0x%x(%s), free:%lukB\n",
				order, gfp, gfp_flags_name(gfp, gbuf, sizeof(gbuf)),
				nr_free_pages() << (PAGE_SHIFT - 10));
		return NULL;
	}
	if ((gfp & __GFP_ZERO) || mm_opts.init_on_alloc)
		zero_block(page, order);
	return page;
}

unsigned long mm_alloc_failures(void)
{
	return alloc_failures;
}

/* ---- freeing ----------------------------------------------------------------- */

/* The free block containing pfn, if any (for the report only). */
static struct page *find_free_block(struct zone *zone, unsigned long pfn,
				    unsigned int *order)
{
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		if (!pfn_in_zone(zone, head))
			break;
		struct page *p = pfn_to_page(head);

		if (PageBuddy(p) && page_order(p) >= o &&
		    pfn < head + (1UL << page_order(p))) {
			*order = page_order(p);
			return p;
		}
	}
	return NULL;
}

static void bad_page(struct zone *zone, unsigned long pfn, unsigned int order,
		     const char *what)
{
	mm_report_bug("BUG: Bad page state in zone %s: pfn 0x%lx order %u: %s\n",
		      zone->name, pfn, order, what);
}

/*
 * Checks that page/order is an allocated block that may be freed now.
 * Called with the zone locked; reports and returns false if not.
 */
static bool free_pages_prepare(struct zone *zone, struct page *page,
			       unsigned long pfn, unsigned int order)
{
	char why[96];
	unsigned int free_order;

	if (PageFlag(page, PG_hole)) {
		bad_page(zone, pfn, order, "no RAM behind this pfn");
		return false;
	}
	if (PageReserved(page)) {
		bad_page(zone, pfn, order, "page is reserved");
		return false;
	}
	if (PageBuddy(page)) {
		bad_page(zone, pfn, order, "page is already free (double free)");
		return false;
	}
	if (!PageFlag(page, PG_allocated)) {
		struct page *blk = find_free_block(zone, pfn, &free_order);

		if (blk) {
			ksnprintf(why, sizeof(why),
				  "page is already free (inside free order-%u block at pfn 0x%lx)",
				  free_order, page_to_pfn(blk));
		} else if (PageTail(page)) {
			ksnprintf(why, sizeof(why),
				  "not the first page of its allocation (head is pfn 0x%lx)",
				  page_to_pfn(compound_head(page)));
		} else {
			ksnprintf(why, sizeof(why), "not the first page of an allocation");
		}
		bad_page(zone, pfn, order, why);
		return false;
	}
	if (PageSlab(page)) {
		bad_page(zone, pfn, order,
			 "page belongs to a slab cache (free its objects instead)");
		return false;
	}
	if (PageLargeKmalloc(page)) {
		bad_page(zone, pfn, order,
			 "page is a kmalloc() allocation (free it with kfree)");
		return false;
	}
	if (page_order(page) != order) {
		ksnprintf(why, sizeof(why), "allocated with order %u, freed with order %u",
			  page_order(page), order);
		bad_page(zone, pfn, order, why);
		return false;
	}
	return true;
}

static bool page_in_mem_map(const struct page *page)
{
	uintptr_t p = (uintptr_t)page, base = (uintptr_t)mem_map;

	return mem_map && p >= base &&
	       p < base + max_pfn * sizeof(struct page) &&
	       (p - base) % sizeof(struct page) == 0;
}

void __free_pages(struct page *page, unsigned int order)
{
	if (!page_in_mem_map(page)) {
		mm_report_bug("BUG: Bad page: __free_pages(%p, %u): not a page of mem_map (pfn out of range)\n",
			      (void *)page, order);
		return;
	}
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = page_zone(page);

	if (order > MAX_PAGE_ORDER) {
		bad_page(zone, pfn, order, "order > MAX_PAGE_ORDER");
		return;
	}
	if (pfn & ((1UL << order) - 1)) {
		bad_page(zone, pfn, order, "pfn not aligned to the order (wrong order or not a block start)");
		return;
	}

	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	if (!free_pages_prepare(zone, page, pfn, order)) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return;
	}
	if (PageHead(page))
		for (unsigned long i = 1; i < (1UL << order); i++)
			set_page_state(&page[i], 0);
	set_page_state(page, 0);
	/* Only now is the block known to be the caller's to wipe. */
	if (mm_opts.init_on_free)
		zero_block(page, order);
	zone->stats.free[order]++;
	__free_one_page(page, pfn, zone, order);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* ---- convenience wrappers ------------------------------------------------------ */

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* Checks an address given to free_pages/free_pages_exact. */
static bool valid_free_address(const char *fn, unsigned long addr)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE)) {
		mm_report_bug("BUG: Bad page: %s(0x%lx): address is not page aligned\n",
			      fn, addr);
		return false;
	}
	if (!virt_addr_valid((void *)addr)) {
		mm_report_bug("BUG: Bad page: %s(0x%lx): not a lowmem address mm manages\n",
			      fn, addr);
		return false;
	}
	return true;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr == 0)
		return;
	if (valid_free_address("free_pages", addr))
		__free_pages(virt_to_page((void *)addr), order);
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	if (size == 0)
		return NULL;
	unsigned int order = get_order(size);

	if (order > MAX_PAGE_ORDER) {
		mm_report_bug("BUG: alloc_pages_exact: %zu bytes needs order %u > MAX_PAGE_ORDER (%d), refused\n",
			      size, order, MAX_PAGE_ORDER);
		return NULL;
	}
	struct page *page = alloc_pages(gfp & ~(__GFP_HIGHMEM | __GFP_COMP), order);

	if (!page)
		return NULL;

	unsigned long pfn = page_to_pfn(page);
	unsigned long used = DIV_ROUND_UP(size, PAGE_SIZE);
	struct zone *zone = page_zone(page);
	unsigned long flags;

	/* Split: each used page becomes an order-0 allocation; the rest goes
	 * straight back to the free lists. */
	spin_lock_irqsave(&zone->lock, flags);
	for (unsigned long i = 0; i < used; i++) {
		set_page_state(&page[i], 1u << PG_allocated);
		page_set_order(&page[i], 0);
	}
	__free_pfn_range(zone, pfn + used, pfn + (1UL << order));
	spin_unlock_irqrestore(&zone->lock, flags);
	return page_address(page);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt;

	if (!virt)
		return;
	if (!valid_free_address("free_pages_exact", addr))
		return;
	/* alloc_pages_exact never hands out more; a bigger size would wrap
	 * the page count below (SIZE_MAX: 0 pages) or walk far past mem_map. */
	if (size > (PAGE_SIZE << MAX_PAGE_ORDER)) {
		mm_report_bug("BUG: Bad page: free_pages_exact(0x%lx, %zu): no allocation is that large, refused\n",
			      addr, size);
		return;
	}
	for (unsigned long i = 0; i < DIV_ROUND_UP(size, PAGE_SIZE); i++)
		__free_pages(virt_to_page((void *)(addr + i * PAGE_SIZE)), 0);
}

/* ---- counters ------------------------------------------------------------------- */

unsigned long nr_free_pages_zone(enum zone_type zone)
{
	return (unsigned)zone < MAX_NR_ZONES ? zones[zone].free_pages : 0;
}

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += zones[z].free_pages;
	return sum;
}

unsigned long nr_free_blocks(enum zone_type zone, unsigned int order)
{
	if ((unsigned)zone >= MAX_NR_ZONES || order >= NR_PAGE_ORDERS)
		return 0;
	return zones[zone].free_area[order].nr_free;
}

unsigned long totalram_pages(void)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += zones[z].managed_pages;
	return sum;
}

unsigned long totalhigh_pages(void)
{
	return zones[ZONE_HIGHMEM].managed_pages;
}

unsigned long get_num_physpages(void)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += zones[z].present_pages;
	return sum;
}

void drain_all_pages(struct zone *zone)
{
	/* Frees go straight to the buddy lists: nothing is held back. */
	(void)zone;
}
