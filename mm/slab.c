/*
 * mm/slab.c - slabs and objects: growing a cache by a slab, handing out and
 * taking back objects, giving empty slabs back to the buddy allocator.
 * The caches themselves (layout, creation, destruction, queries) are in
 * mm/slab_cache.c.
 *
 * The layout (object, free pointer, colour) and the lock order are
 * described in mm/slab_internal.h.  In short: a cache keeps its slabs on
 * three lists by state (partial, full, free), allocates from the first
 * partial slab (then from an empty one, then from a new one), and gives a
 * slab back to the buddy allocator when it empties while the cache already
 * holds SLAB_EMPTY_RESERVE empty slabs.
 *
 * Invariants (checked by slab_check in mm/slab_proc.c):
 *   - a slab on slabs_partial has 0 < inuse < objects, on slabs_full
 *     inuse == objects, on slabs_free inuse == 0;
 *   - a slab's freelist holds exactly objects - inuse distinct objects of
 *     that slab, each at an object boundary, ending with FP_END;
 *   - stats.objects_active is the sum of inuse, stats.objects_total the
 *     sum of objects over all slabs, nr_* the lengths of the lists.
 */
#include "mm/slab_internal.h"

/* ---- slabs ------------------------------------------------------------------ */

struct page *slab_page_of(const void *obj)
{
	if (!virt_addr_valid(obj))
		return NULL;
	struct page *page = compound_head(virt_to_page(obj));

	return PageSlab(page) ? page : NULL;
}

static unsigned int gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Builds a new slab's freelist.  With slab_freelist_random the order is
 * start, start + stride, start + 2*stride, ... (mod n) for a random start
 * and a random stride coprime with n: a permutation of the objects that
 * needs no memory.  It is weaker than Linux's precomputed shuffle but
 * enough to make the next object's address unpredictable from the last.
 */
static unsigned int init_freelist(struct kmem_cache *s, struct page *page)
{
	unsigned int n = page->objects;
	unsigned int start = 0, stride = 1, ctor_calls = 0;

	if (slab_freelist_random && n > 1) {
		start = get_random_u32() % n;
		stride = get_random_u32() % n;
		while (stride == 0 || gcd(stride, n) != 1)
			stride = (stride + 1) % n;
	}
	unsigned int idx = start;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int next = (idx + stride) % n;
		void *obj = slab_obj(s, page, idx);

		if (unlikely(s->debug))
			slab_debug_init_object(s, obj);
		if (s->ctor) {
			s->ctor(obj);
			ctor_calls++;
		}
		fp_store(s, obj, i + 1 < n ? next : FP_END);
		idx = next;
	}
	page->freelist = slab_obj(s, page, start);
	return ctor_calls;
}

/*
 * Asks the buddy allocator for a slab (never holding s->lock: the request
 * may shrink every cache) and lays out its objects.  Falls back to the
 * smallest order that holds one object when the preferred one fails.
 */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp, unsigned int *ctor_calls)
{
	gfp_t flags = (gfp & (__GFP_DIRECT_RECLAIM | __GFP_HIGH | __GFP_NOWARN)) |
		      s->allocflags | __GFP_COMP;
	struct page *page;

	page = alloc_pages(flags | (s->order > s->min_order ? __GFP_NOWARN : 0), s->order);
	if (!page && s->order > s->min_order)
		page = alloc_pages(flags, s->min_order);
	if (!page)
		return NULL;

	unsigned int bytes = slab_bytes(page_order(page));
	unsigned int objects = bytes / s->size;
	unsigned int colour = 0;

	if (page_order(page) == s->order && s->colours > 1) {
		unsigned int c = __atomic_fetch_add(&s->colour_next, 1, __ATOMIC_RELAXED);

		colour = (c % s->colours) * s->colour_off;
	}
	page->flags = (page->flags & ((1u << PAGE_COLOUR_SHIFT) - 1)) |
		      (colour << PAGE_COLOUR_SHIFT) | (1u << PG_slab);
	page->slab_cache = s;
	page->inuse = 0;
	page->objects = (uint16_t)objects;
	INIT_LIST_HEAD(&page->lru);
	*ctor_calls = init_freelist(s, page);
	return page;
}

/* Returns a slab's pages to the buddy allocator; s->lock not held. */
static void discard_slab(struct page *page)
{
	unsigned int order = page_order(page);

	page->flags &= ~((~0u << PAGE_COLOUR_SHIFT) | (1u << PG_slab));
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	page->objects = 0;
	__free_pages(page, order);
}

/* Accounts a new slab and puts it on the free list; s->lock held. */
static void add_new_slab(struct kmem_cache *s, struct page *page,
			 unsigned int ctor_calls)
{
	list_add(&page->lru, &s->slabs_free);
	s->nr_free++;
	s->stats.slabs_created++;
	s->stats.objects_total += page->objects;
	s->stats.ctor_calls += ctor_calls;
}

/* Takes a slab off the cache's books before it is discarded; s->lock held. */
static void remove_slab(struct kmem_cache *s, struct page *page)
{
	list_del(&page->lru);
	s->stats.slabs_destroyed++;
	s->stats.objects_total -= page->objects;
}

/* ---- objects ------------------------------------------------------------------ */

/*
 * A slab whose freelist cannot be trusted is taken out of service: all of
 * its objects count as in use and it moves to the full list, so nothing on
 * the damaged chain is ever handed out.  The memory stays pinned until the
 * objects that really are in use are freed... which never empties it; that
 * is the price of not following a wild pointer.
 */
/* Takes the slab out of service without a report; s->lock held. */
static void __isolate_slab(struct kmem_cache *s, struct page *page)
{
	pr_err("FIX %s: Isolating slab %p: %u free objects are lost, none is handed out twice\n",
	       s->name, page_address(page), page->objects - page->inuse);
	mm_count_error();
	/* A slab with free objects is on the free or the partial list. */
	if (page->inuse == 0)
		s->nr_free--;
	else
		s->nr_partial--;
	s->nr_full++;
	if (unlikely(s->debug))
		slab_debug_isolate(s, page);
	s->stats.objects_active += page->objects - page->inuse;
	page->inuse = page->objects;
	page->freelist = NULL;
	list_move(&page->lru, &s->slabs_full);
}

void isolate_slab(struct kmem_cache *s, struct page *page, void *obj)
{
	pr_err("BUG %s: Freepointer corrupt: object %p, fp word 0x%x (overwritten after free?)\n",
	       s->name, obj, *slab_fp(s, obj));
	__isolate_slab(s, page);
}

/* Pops the first free object of a slab that has one; s->lock held.
 * Returns NULL if the freelist was corrupt (the slab is then isolated). */
static void *slab_pop(struct kmem_cache *s, struct page *page)
{
	void *obj = page->freelist;
	uint32_t next;

	if (unlikely(!obj)) {
		/* On the partial or free list yet nothing to pop: inuse counted
		 * a free that never happened (see freelist_complete). */
		pr_err("BUG %s: Freelist corrupt: slab %p has %u of %u objects in use and an empty freelist\n",
		       s->name, page_address(page), page->inuse, page->objects);
		__isolate_slab(s, page);
		return NULL;
	}
	if (!fp_load(s, page, obj, &next)) {
		isolate_slab(s, page, obj);
		return NULL;
	}
	page->freelist = next == FP_END ? NULL : slab_obj(s, page, next);
	/* A live object must not keep a valid-looking free pointer. */
	*slab_fp(s, obj) = 0;
	page->inuse++;
	return obj;
}

/*
 * F (SLAB_CONSISTENCY_CHECKS): walks a partial or free slab's whole
 * freelist before it is used: objects - inuse entries with valid free
 * pointers, the last one FP_END.  Returns NULL when that holds, else the
 * object where the chain breaks, for isolate_slab.  O(objects) per call,
 * which is what F costs (Linux's on_freelist is the same walk).
 */
static void *freelist_broken_at(struct kmem_cache *s, struct page *page)
{
	unsigned int nfree = page->objects - page->inuse, n = 0;
	void *p = page->freelist, *prev = NULL;

	if (page->inuse >= page->objects)
		return NULL;	/* full: nothing to follow */
	while (p) {
		uint32_t next;

		/* More entries than free objects: a cycle. */
		if (++n > nfree || !fp_load(s, page, p, &next))
			return p;
		prev = p;
		p = next == FP_END ? NULL : slab_obj(s, page, next);
	}
	return n == nfree ? NULL : prev;
}

static bool has_consistency_checks(const struct kmem_cache *s)
{
	return unlikely(s->debug) && (s->flags & SLAB_CONSISTENCY_CHECKS);
}

/* F's check of a slab about to be used; isolates it when its freelist
 * is broken.  Returns whether the slab is still in service. */
static bool slab_consistent(struct kmem_cache *s, struct page *page)
{
	void *bad = freelist_broken_at(s, page);

	if (!bad)
		return true;
	isolate_slab(s, page, bad);
	return false;
}

/* Moves a slab to the list its inuse count says; s->lock held. */
static void slab_after_alloc(struct kmem_cache *s, struct page *page, bool was_empty)
{
	if (page->inuse == page->objects) {
		list_move(&page->lru, &s->slabs_full);
		if (was_empty)
			s->nr_free--;
		else
			s->nr_partial--;
		s->nr_full++;
	} else if (was_empty) {
		list_move(&page->lru, &s->slabs_partial);
		s->nr_free--;
		s->nr_partial++;
	}
}

/* The slab to allocate from: first partial, else first empty. */
static struct page *slab_to_fill(struct kmem_cache *s, bool *was_empty)
{
	if (!list_empty(&s->slabs_partial)) {
		*was_empty = false;
		return list_first_entry(&s->slabs_partial, struct page, lru);
	}
	if (!list_empty(&s->slabs_free)) {
		*was_empty = true;
		return list_first_entry(&s->slabs_free, struct page, lru);
	}
	return NULL;
}

bool cache_is_valid(const struct kmem_cache *s, const char *fn)
{
	if (s && s->magic == KMEM_CACHE_MAGIC)
		return true;
	mm_report_bug("BUG: %s: %p is not a cache\n", fn, (const void *)s);
	return false;
}

/* Takes one object; s->lock held on entry and exit (dropped to grow). */
static void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long *irqflags,
			  unsigned long caller)
{
	for (;;) {
		bool was_empty;
		struct page *page = slab_to_fill(s, &was_empty);

		if (!page) {
			unsigned int ctor_calls = 0;

			spin_unlock_irqrestore(&s->lock, *irqflags);
			page = new_slab(s, gfp, &ctor_calls);
			spin_lock_irqsave(&s->lock, *irqflags);
			if (!page)
				return NULL;
			add_new_slab(s, page, ctor_calls);
			continue;
		}
		if (has_consistency_checks(s) && !slab_consistent(s, page))
			continue;	/* isolated; try another slab */
		void *obj = slab_pop(s, page);

		if (!obj)
			continue;	/* isolated; try another slab */
		slab_after_alloc(s, page, was_empty);
		s->stats.allocs++;
		if (++s->stats.objects_active > s->stats.objects_peak)
			s->stats.objects_peak = s->stats.objects_active;
		if (unlikely(s->debug))
			slab_debug_alloc(s, page, obj, caller);
		return obj;
	}
}

void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	unsigned long flags;
	void *obj = NULL;

	if (!cache_is_valid(s, "kmem_cache_alloc"))
		return NULL;
	spin_lock_irqsave(&s->lock, flags);
	if (!(unlikely(s->debug) && slab_should_failslab(s)))
		obj = __slab_alloc(s, gfp, &flags, caller);
	if (!obj)
		s->stats.alloc_failures++;
	spin_unlock_irqrestore(&s->lock, flags);
	if (obj && (gfp & __GFP_ZERO))
		memset(obj, 0, s->object_size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, _RET_IP_);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp | __GFP_ZERO, _RET_IP_);
}

/* Is obj on its slab's freelist?  Bounded walk; s->lock held. */
static bool freelist_contains(struct kmem_cache *s, struct page *page, void *obj)
{
	void *p = page->freelist;

	for (unsigned int n = 0; p && n < page->objects; n++) {
		uint32_t next;

		if (p == obj)
			return true;
		if (!fp_load(s, page, p, &next))
			return false;
		p = next == FP_END ? NULL : slab_obj(s, page, next);
	}
	return false;
}

enum free_verdict { FREE_OK, FREE_NOT_SLAB, FREE_WRONG_CACHE, FREE_NOT_START,
		    FREE_DOUBLE };

/*
 * A slab goes back to the buddy allocator only when its freelist really
 * holds all of its objects (freelist_broken_at finds nothing wrong with an
 * empty slab).  It may not: the one-compare double-free check cannot see
 * an object freed twice after a write after free destroyed its free
 * pointer, and then inuse counts one free too many and reaches 0 while an
 * object of the slab is still live.  Giving the pages away would hand
 * that object's memory to someone else, so such a slab is isolated
 * instead.  O(objects), once per slab given back (never on the hot path of
 * a slab that stays).  s->lock held.
 */
static bool freelist_complete(struct kmem_cache *s, struct page *page)
{
	return page->inuse == 0 && !freelist_broken_at(s, page);
}

/* Isolates a slab that claims to be empty but is not; s->lock held.  The
 * slab must be on the list its inuse count says (partial or free). */
static void isolate_incomplete_slab(struct kmem_cache *s, struct page *page)
{
	pr_err("BUG %s: Freelist corrupt: empty slab %p does not hold all %u objects on its freelist (an object freed twice after a write after free?)\n",
	       s->name, page_address(page), page->objects);
	__isolate_slab(s, page);
}

/*
 * SLAB_BENCH_NO_FREE_CHECK: for `make bench` only, never set by the kernel,
 * the host library or the tests.  The bench compiles a second, private copy
 * of this file with it set to 1 (Makefile, tools/bench/rows_slab.c) to
 * measure what the always-on double-free check costs a free: check_free
 * then skips the compare with the freelist head, the fp_load of the object
 * and the confirming walk, and nothing else changes.  At the default 0 the
 * test below is a constant and compiles to nothing.
 */
#ifndef SLAB_BENCH_NO_FREE_CHECK
#define SLAB_BENCH_NO_FREE_CHECK	0
#endif

/*
 * Checks that obj may be freed into s; s->lock held.  The freelist is
 * walked only when obj's free pointer decodes (it probably is free), or
 * always with F: a write after free may have destroyed that pointer.
 */
static enum free_verdict check_free(struct kmem_cache *s, struct page *page, void *obj)
{
	uint32_t next;

	if (slab_obj_index(s, page, obj) < 0)
		return FREE_NOT_START;
	if (has_consistency_checks(s))
		slab_consistent(s, page);
	if (SLAB_BENCH_NO_FREE_CHECK)
		return FREE_OK;
	if (obj == page->freelist ||
	    ((has_consistency_checks(s) || fp_load(s, page, obj, &next)) &&
	     freelist_contains(s, page, obj)))
		return FREE_DOUBLE;
	return FREE_OK;
}

static void report_bad_free(struct kmem_cache *s, struct page *page, void *obj,
			    enum free_verdict v, unsigned long caller)
{
	switch (v) {
	case FREE_NOT_SLAB:
		mm_report_bug("BUG %s: kmem_cache_free(%p): not a slab object (never allocated from a cache?)\n",
			      s->name, obj);
		break;
	case FREE_WRONG_CACHE:
		mm_report_bug("BUG %s: Wrong slab cache: object %p is from %s\n",
			      s->name, obj, page->slab_cache->name);
		break;
	case FREE_NOT_START:
		mm_report_bug("BUG %s: Invalid object pointer %p (not the start of an object in slab %p)\n",
			      s->name, obj, page_address(page));
		break;
	case FREE_DOUBLE:
		mm_report_bug("BUG %s: Object already free: %p (slab %p, %u of %u in use)\n",
			      s->name, obj, page_address(page), page->inuse,
			      page->objects);
		/* With U, the tracks name the first free; the caller is the
		 * second one. */
		slab_debug_print_tracks(s, obj);
		pr_err("Freed again in %pS\n", (void *)caller);
		break;
	case FREE_OK:
		break;
	}
}

/* Puts obj back; returns a slab to discard, if any.  s->lock held. */
static struct page *__slab_free(struct kmem_cache *s, struct page *page, void *obj,
				unsigned long caller)
{
	bool was_full = page->inuse == page->objects;
	uint32_t head = page->freelist ?
		(uint32_t)slab_obj_index(s, page, page->freelist) : FP_END;

	if (unlikely(s->debug))
		slab_debug_free(s, page, obj, caller);
	fp_store(s, obj, head);
	page->freelist = obj;
	page->inuse--;
	s->stats.frees++;
	s->stats.objects_active--;

	if (page->inuse == 0) {
		if (was_full)
			s->nr_full--;
		else
			s->nr_partial--;
		list_move(&page->lru, &s->slabs_free);
		s->nr_free++;
		if (s->nr_free > SLAB_EMPTY_RESERVE) {
			if (unlikely(!freelist_complete(s, page))) {
				isolate_incomplete_slab(s, page);
				return NULL;
			}
			s->nr_free--;
			remove_slab(s, page);
			return page;
		}
	} else if (was_full) {
		/* Behind the slab being filled now, so that one fills up. */
		list_move_tail(&page->lru, &s->slabs_partial);
		s->nr_full--;
		s->nr_partial++;
	}
	return NULL;
}

void slab_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	unsigned long flags;

	if (!obj)
		return;
	if (!cache_is_valid(s, "kmem_cache_free"))
		return;

	struct page *page = slab_page_of(obj);

	if (!page) {
		report_bad_free(s, NULL, obj, FREE_NOT_SLAB, caller);
		return;
	}
	if (page->slab_cache != s) {
		report_bad_free(s, page, obj, FREE_WRONG_CACHE, caller);
		return;
	}
	spin_lock_irqsave(&s->lock, flags);
	enum free_verdict v = check_free(s, page, obj);
	struct page *discard = NULL;

	if (v == FREE_OK)
		discard = __slab_free(s, page, obj, caller);
	spin_unlock_irqrestore(&s->lock, flags);
	if (v != FREE_OK)
		report_bad_free(s, page, obj, v, caller);
	if (discard)
		discard_slab(discard);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	slab_free(s, obj, _RET_IP_);
}

int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p)
{
	unsigned long flags, caller = _RET_IP_;
	size_t i = 0;

	if (!cache_is_valid(s, "kmem_cache_alloc_bulk"))
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	for (; i < nr; i++) {
		if (unlikely(s->debug) && slab_should_failslab(s))
			break;
		p[i] = __slab_alloc(s, gfp, &flags, caller);
		if (!p[i])
			break;
	}
	if (i < nr)
		s->stats.alloc_failures++;
	spin_unlock_irqrestore(&s->lock, flags);
	if (i < nr) {
		kmem_cache_free_bulk(s, i, p);
		return 0;
	}
	if (gfp & __GFP_ZERO)
		for (i = 0; i < nr; i++)
			memset(p[i], 0, s->object_size);
	return (int)nr;
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	unsigned long caller = _RET_IP_;

	/* One lock round trip per object keeps every check of the single
	 * free; a batch that shares a slab could share the lock, but the
	 * checks are the point here. */
	for (size_t i = 0; i < nr; i++)
		slab_free(s, p[i], caller);
}

/* ---- shrinking and reclaim ----------------------------------------------------- */

/* Detaches every empty slab; returns how many pages they hold. */
unsigned long slab_shrink_cache(struct kmem_cache *s)
{
	struct list_head doomed;
	struct page *page;
	unsigned long flags, pages = 0;

	INIT_LIST_HEAD(&doomed);
	spin_lock_irqsave(&s->lock, flags);
	list_for_each_entry_safe(page, &s->slabs_free, lru) {
		if (unlikely(!freelist_complete(s, page))) {
			isolate_incomplete_slab(s, page);
			continue;
		}
		remove_slab(s, page);
		list_add(&page->lru, &doomed);
		s->nr_free--;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	list_for_each_entry_safe(page, &doomed, lru) {
		pages += 1UL << page_order(page);
		discard_slab(page);
	}
	return pages;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	if (!cache_is_valid(s, "kmem_cache_shrink"))
		return -EINVAL;
	slab_shrink_cache(s);

	unsigned long flags;
	int left;

	spin_lock_irqsave(&s->lock, flags);
	left = s->nr_partial || s->nr_full || s->nr_free;
	spin_unlock_irqrestore(&s->lock, flags);
	return left;
}

unsigned long mm_reclaim(void)
{
	struct kmem_cache *s;
	unsigned long flags, pages = 0;

	spin_lock_irqsave(&slab_mutex, flags);
	list_for_each_entry(s, &slab_caches, list)
		pages += slab_shrink_cache(s);
	spin_unlock_irqrestore(&slab_mutex, flags);
	if (pages)
		pr_debug("mm: reclaim: shrinking the slab caches freed %lu pages\n", pages);
	return pages;
}
