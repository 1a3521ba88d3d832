/*
 * mm/check.c - mm_check(): every invariant of mem_map, the buddy lists and
 * the slab caches, cross-checked from two sides.
 *
 * Buddy invariants, per zone (the message of each violation is the
 * invariant it breaks):
 *   B1  each free list is a well-formed cycle of at most spanned/2^order
 *       entries, and nr_free equals its length;
 *   B2  every entry on list `order` is a free head (PG_buddy) of that
 *       order, in this zone, aligned to 2^order, wholly inside the zone;
 *   B3  every free head in mem_map is on exactly the list of its order
 *       (counted from mem_map, compared with nr_free);
 *   B4  pages inside a free block carry no state (not reserved, not
 *       allocated, not another free head);
 *   B5  no two free buddies of the same order are left unmerged;
 *   B6  zone->free_pages is the sum of nr_free << order;
 *   B7  allocated heads are aligned to their order and inside the zone;
 *       the rest of an allocated block carries no state of its own
 *       (compound tails: only PG_tail, pointing at their head);
 *   B8  each page's zone field matches the zone whose span holds it.
 *
 * The walk is O(spanned pages) per zone and takes each zone lock in turn.
 * Randomized tests run it after every step on small arenas.
 */
#include "mm/internal.h"
#include "mm/slab.h"

static int violation(const char *fmt, ...) __printf(1, 2);
static int violation(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_err("mm_check: %s", line);
	return 1;
}

static bool pfn_in(const struct zone *zone, unsigned long pfn)
{
	return pfn >= zone->zone_start_pfn && pfn < zone_end_pfn(zone);
}

static bool page_ptr_ok(const struct zone *zone, const struct page *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)mem_map;

	return a >= base && a < base + max_pfn * sizeof(struct page) &&
	       (a - base) % sizeof(struct page) == 0 && pfn_in(zone, page_to_pfn(p));
}

static int check_free_lists(struct zone *zone)
{
	int bad = 0;

	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];
		unsigned long limit = (zone->spanned_pages >> o) + 1;
		unsigned long n = 0;
		struct list_head *prev = &area->free_list;
		bool walked = true;	/* reached the head again */

		for (struct list_head *e = area->free_list.next;
		     e != &area->free_list; prev = e, e = e->next) {
			struct page *p = list_entry(e, struct page, lru);

			if (++n > limit) {
				bad += violation("B1 zone %s order %u: free list longer than the zone can hold (cycle?)\n",
						 zone->name, o);
				walked = false;
				break;
			}
			if (!page_ptr_ok(zone, p)) {
				bad += violation("B2 zone %s order %u: list entry %p is not a page of this zone\n",
						 zone->name, o, (void *)p);
				walked = false;
				break;
			}
			if (e->prev != prev) {
				bad += violation("B1 zone %s order %u: broken back link at pfn 0x%lx\n",
						 zone->name, o, page_to_pfn(p));
				walked = false;
				break;
			}
			unsigned long pfn = page_to_pfn(p);

			if (!PageBuddy(p) || page_order(p) != o)
				bad += violation("B2 zone %s order %u: pfn 0x%lx on the list is not a free head of order %u\n",
						 zone->name, o, pfn, o);
			if (pfn & ((1UL << o) - 1))
				bad += violation("B2 zone %s order %u: pfn 0x%lx not aligned to its order\n",
						 zone->name, o, pfn);
			if (!pfn_in(zone, pfn + (1UL << o) - 1))
				bad += violation("B2 zone %s order %u: block at pfn 0x%lx runs past the zone\n",
						 zone->name, o, pfn);
		}
		/* A walk cut short counted part of the list, not its length:
		 * the one violation that stopped it is the finding. */
		if (walked && n != area->nr_free)
			bad += violation("B1 zone %s order %u: nr_free %lu but the list has %lu blocks\n",
					 zone->name, o, area->nr_free, n);
	}
	return bad;
}

/*
 * B7: the pages after an allocated head are its own: compound tails that
 * point at it, or, in a plain block, pages with no state.  A free head or
 * another allocated head in there means the same memory is owned twice,
 * which no other view shows when the free lists and counts agree with it.
 */
static int check_allocated_block(struct zone *zone, struct page *p,
				 unsigned long pfn, unsigned int o)
{
	uint32_t want = PageHead(p) ? 1u << PG_tail : 0;

	for (unsigned long i = 1; i < (1UL << o); i++) {
		uint32_t state = p[i].flags & PAGE_STATE_MASK;

		if (PageHead(p) && (state != want ||
				    p[i].compound_head != (unsigned long)p))
			return violation("B7 zone %s: compound tail pfn 0x%lx does not point at head 0x%lx\n",
					 zone->name, pfn + i, pfn);
		if (!PageHead(p) && state != want)
			return violation("B7 zone %s: pfn 0x%lx inside allocated block 0x%lx/%u has state 0x%x\n",
					 zone->name, pfn + i, pfn, o, state);
	}
	return 0;
}

static int check_mem_map(struct zone *zone)
{
	unsigned long heads[NR_PAGE_ORDERS] = { 0 };
	unsigned long free_pages = 0;
	int bad = 0;
	unsigned long end = zone_end_pfn(zone);

	for (unsigned long pfn = zone->zone_start_pfn; pfn < end;) {
		struct page *p = pfn_to_page(pfn);

		if (page_zonenum(p) != (enum zone_type)(zone - zones)) {
			bad += violation("B8 zone %s: pfn 0x%lx says it is in zone %d\n",
					 zone->name, pfn, page_zonenum(p));
		}
		if (PageBuddy(p)) {
			unsigned int o = page_order(p);
			unsigned long n = 1UL << o;

			if (pfn & (n - 1) || pfn + n > end) {
				bad += violation("B2 zone %s: free head pfn 0x%lx order %u misaligned or past the zone\n",
						 zone->name, pfn, o);
				pfn++;
				continue;
			}
			if (PageReserved(p))
				bad += violation("B4 zone %s: reserved pfn 0x%lx is free\n",
						 zone->name, pfn);
			heads[o]++;
			free_pages += n;
			for (unsigned long i = 1; i < n; i++) {
				if (p[i].flags & PAGE_STATE_MASK) {
					bad += violation("B4 zone %s: pfn 0x%lx inside free block 0x%lx/%u has state 0x%x\n",
							 zone->name, pfn + i, pfn, o,
							 p[i].flags & PAGE_STATE_MASK);
					break;
				}
			}
			if (o < MAX_PAGE_ORDER) {
				unsigned long b = pfn ^ n;

				if (pfn_in(zone, b) && pfn_in(zone, b + n - 1) &&
				    PageBuddy(pfn_to_page(b)) &&
				    page_order(pfn_to_page(b)) == o && b > pfn)
					bad += violation("B5 zone %s: free buddies 0x%lx and 0x%lx of order %u not merged\n",
							 zone->name, pfn, b, o);
			}
			pfn += n;
			continue;
		}
		if (PageFlag(p, PG_allocated)) {
			unsigned int o = page_order(p);
			unsigned long n = 1UL << o;

			if (pfn & (n - 1) || pfn + n > end)
				bad += violation("B7 zone %s: allocated head pfn 0x%lx order %u misaligned or past the zone\n",
						 zone->name, pfn, o);
			else
				bad += check_allocated_block(zone, p, pfn, o);
		}
		pfn++;
	}
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		if (heads[o] != zone->free_area[o].nr_free)
			bad += violation("B3 zone %s order %u: %lu free heads in mem_map, nr_free says %lu\n",
					 zone->name, o, heads[o], zone->free_area[o].nr_free);
	if (free_pages != zone->free_pages)
		bad += violation("B6 zone %s: free blocks hold %lu pages, free_pages says %lu\n",
				 zone->name, free_pages, zone->free_pages);
	return bad;
}

int buddy_check(void)
{
	int bad = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long flags;

		if (!zone->spanned_pages)
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		bad += check_free_lists(zone);
		bad += check_mem_map(zone);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	return bad;
}

int mm_check(void)
{
	if (!mm_booted)
		return 0;
	return buddy_check() + slab_check();
}
