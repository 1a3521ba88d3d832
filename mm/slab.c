/*
 * mm/slab.c - object caches: creating and destroying caches, growing and
 * shrinking them by whole slabs, handing out and taking back objects.
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

#include "kernel/lib/parse.h"

/* Valid (empty) before the first mm_init, so that the reports and
 * kmem_cache_find can be called at any time; slab_reset re-inits both. */
struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);
spinlock_t slab_mutex;		/* all-zero is an unlocked lock on both ports */
bool slab_freelist_random = true;

/* The cache that struct kmem_cache objects come from. */
static struct kmem_cache kmem_cache_boot;

#define KMEM_CACHE_MAGIC	0x6b6d656dU	/* "kmem" */
#define MIN_OBJECTS_PER_SLAB	8
/* An order is acceptable when its waste is within this many per mille of
 * the best order's (see calculate_order). */
#define WASTE_SLACK_PERMILLE	15

int slab_set_freelist_random(const char *val, const struct kparam *kp)
{
	struct kparam p = *kp;

	p.arg = &slab_freelist_random;
	return kparam_set_bool(val, &p);
}

/* ---- layout ----------------------------------------------------------------- */

static unsigned int slab_bytes(unsigned int order)
{
	return (unsigned int)PAGE_SIZE << order;
}

/*
 * Picks the slab order for objects of `size` bytes.  Among orders 0..3
 * that hold at least one object, an order is acceptable when its unused
 * tail is within WASTE_SLACK_PERMILLE of the best order's (so density is
 * never far from the best possible); among the acceptable ones the
 * smallest order with at least MIN_OBJECTS_PER_SLAB objects wins (few
 * slab creations on the hot path, small blocks asked from the buddy),
 * else the acceptable order with the most objects.
 *
 *   size   order 0          order 1          chosen
 *     96   42 objs, 1.6%    85 objs, 0.4%    0  (within 1.5% of best)
 *   1024    4 objs, 0%       8 objs, 0%      1  (8 objects)
 *   3000    1 obj, 26.8%     2 objs, 26.8%   3  (10 objects, 8.4%)
 */
static unsigned int calculate_order(unsigned int size, unsigned int *min_order)
{
	unsigned int permille[SLAB_MAX_ORDER + 1];
	unsigned int best = ~0u, first = SLAB_MAX_ORDER + 1;

	for (unsigned int o = 0; o <= SLAB_MAX_ORDER; o++) {
		unsigned int bytes = slab_bytes(o);

		if (size > bytes) {
			permille[o] = ~0u;
			continue;
		}
		if (first > SLAB_MAX_ORDER)
			first = o;
		permille[o] = (bytes % size) * 1000u / bytes;
		if (permille[o] < best)
			best = permille[o];
	}
	*min_order = first;

	unsigned int chosen = first;

	for (unsigned int o = first; o <= SLAB_MAX_ORDER; o++) {
		if (permille[o] > best + WASTE_SLACK_PERMILLE)
			continue;
		if (slab_bytes(o) / size >= MIN_OBJECTS_PER_SLAB)
			return o;
		chosen = o;	/* the largest acceptable order so far */
	}
	return chosen;
}

static bool is_power_of_2(unsigned int x)
{
	return x && !(x & (x - 1));
}

/* Distinct colour offsets the unused tail of a slab allows. */
static unsigned int slab_colours(const struct kmem_cache *s)
{
	return (slab_bytes(s->order) - s->objects * s->size) / s->colour_off + 1;
}

/*
 * Fills in the layout fields of s from object_size, align, flags and ctor
 * (the strides are drawn in mm/slab_internal.h).  Offsets of the free
 * pointer and the tracks are relative to the object pointer.  False when
 * the stride does not fit in a slab of SLAB_MAX_ORDER (an object close to
 * 32 KiB with a ctor or debugging metadata after it).
 */
static bool calculate_sizes(struct kmem_cache *s, unsigned int align)
{
	unsigned int size;

	if (align < SLAB_MIN_ALIGN)
		align = SLAB_MIN_ALIGN;
	if (s->flags & SLAB_HWCACHE_ALIGN) {
		/* Linux's rule: a cache line, halved while the object would
		 * still fit twice, so small objects are not padded to 64. */
		unsigned int ralign = L1_CACHE_BYTES;

		while (s->object_size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	s->align = align;

	/* Red zones: one aligned word on the left, and on the right the
	 * object's padding to 8 bytes plus 8 more, so even an object whose
	 * size is a multiple of 8 has a right red zone. */
	s->red_left_pad = (s->flags & SLAB_RED_ZONE) ? ALIGN(SLAB_MIN_ALIGN, align) : 0;
	s->inuse = s->object_size;
	if (s->flags & SLAB_RED_ZONE)
		s->inuse = ALIGN(s->object_size, SLAB_MIN_ALIGN) + SLAB_MIN_ALIGN;

	if (s->ctor || (s->flags & SLAB_POISON) ||
	    ((s->flags & SLAB_RED_ZONE) && s->object_size < FP_SIZE)) {
		/* The free pointer lives after the object: the constructed
		 * state, or the poison, is never overwritten while free, and
		 * an object smaller than fp does not spill it into its right
		 * red zone (Linux moves it out for the same three reasons). */
		s->offset = ALIGN(s->inuse, (unsigned int)FP_SIZE);
		size = s->offset + FP_SIZE;
	} else {
		s->offset = 0;
		size = s->inuse < FP_SIZE ? FP_SIZE : s->inuse;
	}
	if (s->flags & SLAB_STORE_USER) {
		s->track_off = ALIGN(size, (unsigned int)sizeof(unsigned long));
		size = s->track_off + 2 * sizeof(struct slab_track);
	}
	s->size = ALIGN(s->red_left_pad + size, align);
	if (s->size > slab_bytes(SLAB_MAX_ORDER))
		return false;
	s->reciprocal_size = (uint32_t)(((1ULL << 32) + s->size - 1) / s->size);

	unsigned int min_order;

	s->order = calculate_order(s->size, &min_order);
	s->objects = slab_bytes(s->order) / s->size;
	s->colour_off = align > L1_CACHE_BYTES ? align : L1_CACHE_BYTES;
	s->colours = slab_colours(s);
	return true;
}

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
	unsigned int min_order;
	struct page *page;

	calculate_order(s->size, &min_order);
	page = alloc_pages(flags | (s->order > min_order ? __GFP_NOWARN : 0), s->order);
	if (!page && s->order > min_order)
		page = alloc_pages(flags, min_order);
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

static bool cache_is_valid(const struct kmem_cache *s, const char *fn)
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
 * holds all of its objects.  It may not: the one-compare double-free check
 * cannot see an object freed twice after a write after free destroyed its
 * free pointer, and then inuse counts one free too many and reaches 0
 * while an object of the slab is still live.  Giving the pages away would
 * hand that object's memory to someone else, so such a slab is isolated
 * instead.  O(objects), once per slab given back (never on the hot path of
 * a slab that stays).  s->lock held.
 */
static bool freelist_complete(struct kmem_cache *s, struct page *page)
{
	unsigned int want = page->objects, n = 0;
	void *p = page->freelist;

	/* A repeated entry would make the chain cycle past `want`. */
	while (p && n <= want) {
		uint32_t next;

		if (!fp_load(s, page, p, &next))
			return false;
		n++;
		p = next == FP_END ? NULL : slab_obj(s, page, next);
	}
	return !p && n == want;
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
static unsigned long shrink_cache(struct kmem_cache *s)
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
	shrink_cache(s);

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
		pages += shrink_cache(s);
	spin_unlock_irqrestore(&slab_mutex, flags);
	if (pages)
		pr_debug("mm: reclaim: shrinking the slab caches freed %lu pages\n", pages);
	return pages;
}

/* ---- cache lifecycle -------------------------------------------------------------- */

static bool valid_cache_name(const char *name)
{
	size_t n = 0;

	if (!name)
		return false;
	for (; name[n]; n++) {
		char c = name[n];

		if (n + 1 >= KMEM_CACHE_NAME_MAX || c <= ' ' || c > '~' || c == '/')
			return false;
	}
	return n > 0;
}

int kmem_cache_setup(struct kmem_cache *s, const char *name, unsigned int size,
		     unsigned int align, slab_flags_t flags, void (*ctor)(void *))
{
	memset(s, 0, sizeof(*s));
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->slabs_partial);
	INIT_LIST_HEAD(&s->slabs_full);
	INIT_LIST_HEAD(&s->slabs_free);
	INIT_LIST_HEAD(&s->list);
	for (size_t i = 0; name[i] && i + 1 < sizeof(s->name); i++)
		s->name[i] = name[i];
	s->magic = KMEM_CACHE_MAGIC;
	s->object_size = size;
	s->flags = flags | slab_debug_flags_for(s->name);
	/* No fault injection into the cache of caches, as Linux: it would
	 * make kmem_cache_create fail, and panic SLAB_PANIC callers. */
	if (s == &kmem_cache_boot)
		s->flags &= ~SLAB_FAILSLAB;
	s->ctor = ctor;
	s->allocflags = (flags & SLAB_CACHE_DMA) ? __GFP_DMA : 0;
	/* One branch on the fast path decides whether per-object work
	 * (debugging, init_on_alloc/free, failslab) is needed at all. */
	s->debug = (s->flags & SLAB_DEBUG_FLAGS) || mm_opts.init_on_alloc ||
		   mm_opts.init_on_free;
	s->fp_key = get_random_u32();
	s->fp_tag = get_random_u32();
	return calculate_sizes(s, align) ? 0 : -EINVAL;
}

void kmem_cache_add_to_list(struct kmem_cache *s)
{
	unsigned long flags;

	spin_lock_irqsave(&slab_mutex, flags);
	list_add(&s->list, &slab_caches);	/* newest first, as Linux */
	spin_unlock_irqrestore(&slab_mutex, flags);
}

static struct kmem_cache *__find_cache(const char *name)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	unsigned long flags;
	struct kmem_cache *s;

	if (!name)
		return NULL;
	spin_lock_irqsave(&slab_mutex, flags);
	s = __find_cache(name);
	spin_unlock_irqrestore(&slab_mutex, flags);
	return s;
}

/* A refused name may hold anything, newlines included: it is printed cut
 * to the longest valid length, with '?' for what is not printable, so
 * that the refusal stays one line. */
static const char *printable_name(const char *name, char *buf, size_t size)
{
	size_t i;

	if (!name)
		return "(null)";
	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = name[i] < ' ' || name[i] > '~' ? '?' : name[i];
	buf[i] = '\0';
	return buf;
}

static struct kmem_cache *create_failed(const char *name, slab_flags_t flags,
					const char *why)
{
	char buf[KMEM_CACHE_NAME_MAX];

	name = printable_name(name, buf, sizeof(buf));
	if (flags & SLAB_PANIC)
		panic("kmem_cache_create: failed to create slab '%s': %s", name, why);
	pr_err("kmem_cache_create(%s): %s\n", name, why);
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	char why[96];

	if (!mm_booted && !kmem_cache_boot.name[0])
		return create_failed(name, flags, "mm is not initialised");
	if (!valid_cache_name(name))
		return create_failed(name, flags,
				     "name must be 1-31 printable characters, no spaces or '/'");
	if (size == 0 || size > slab_bytes(SLAB_MAX_ORDER)) {
		ksnprintf(why, sizeof(why), "object size %u not in 1..%u", size,
			  slab_bytes(SLAB_MAX_ORDER));
		return create_failed(name, flags, why);
	}
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE)) {
		ksnprintf(why, sizeof(why), "alignment %u is not a power of two up to %lu",
			  align, PAGE_SIZE);
		return create_failed(name, flags, why);
	}
	if (flags & ~SLAB_VALID_FLAGS) {
		ksnprintf(why, sizeof(why), "unknown flags 0x%x", flags & ~SLAB_VALID_FLAGS);
		return create_failed(name, flags, why);
	}

	struct kmem_cache *s = kmem_cache_zalloc(&kmem_cache_boot, GFP_KERNEL);

	if (!s)
		return create_failed(name, flags, "out of memory");
	if (kmem_cache_setup(s, name, size, align, flags, ctor)) {
		kmem_cache_free(&kmem_cache_boot, s);
		ksnprintf(why, sizeof(why),
			  "object size %u and its free pointer do not fit in %u bytes",
			  size, slab_bytes(SLAB_MAX_ORDER));
		return create_failed(name, flags, why);
	}

	unsigned long irqflags;

	spin_lock_irqsave(&slab_mutex, irqflags);
	if (__find_cache(name)) {
		spin_unlock_irqrestore(&slab_mutex, irqflags);
		kmem_cache_free(&kmem_cache_boot, s);
		return create_failed(name, flags, "a cache with this name exists");
	}
	list_add(&s->list, &slab_caches);
	spin_unlock_irqrestore(&slab_mutex, irqflags);
	return s;
}

/* Lists the objects still allocated in one slab (destroy's report). */
static unsigned int report_live_objects(struct kmem_cache *s, struct page *page,
					unsigned int budget)
{
	uint8_t is_free[(PAGE_SIZE << SLAB_MAX_ORDER) / SLAB_MIN_ALIGN / 8];
	unsigned int shown = 0;
	void *p = page->freelist;

	memset(is_free, 0, sizeof(is_free));
	for (unsigned int n = 0; p && n < page->objects; n++) {
		uint32_t next;
		long idx = slab_obj_index(s, page, p);

		if (idx < 0 || !fp_load(s, page, p, &next))
			break;
		is_free[idx / 8] |= (uint8_t)(1u << (idx % 8));
		p = next == FP_END ? NULL : slab_obj(s, page, next);
	}
	for (unsigned int i = 0; i < page->objects && shown < budget; i++) {
		if (is_free[i / 8] & (1u << (i % 8)))
			continue;
		pr_err("  Object %p @offset=%u in slab %p\n", slab_obj(s, page, i),
		       (unsigned int)((char *)slab_obj(s, page, i) -
				      (char *)page_address(page)),
		       page_address(page));
		shown++;
	}
	return shown;
}

#define DESTROY_REPORT_MAX	16

void kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long mflags, flags;

	if (!s)
		return;
	spin_lock_irqsave(&slab_mutex, mflags);
	struct kmem_cache *it;
	bool live = false;

	list_for_each_entry(it, &slab_caches, list)
		if (it == s)
			live = true;
	if (!live) {
		spin_unlock_irqrestore(&slab_mutex, mflags);
		mm_report_bug("BUG: kmem_cache_destroy(%p): not a live cache (destroyed twice?)\n",
			      (void *)s);
		return;
	}
	if (s->is_static) {
		spin_unlock_irqrestore(&slab_mutex, mflags);
		mm_report_bug("BUG: kmem_cache_destroy(%s): built-in cache, refused\n",
			      s->name);
		return;
	}
	spin_lock_irqsave(&s->lock, flags);
	if (s->nr_partial || s->nr_full) {
		struct page *page;
		unsigned int shown = 0;

		pr_err("kmem_cache_destroy %s: Slab cache still has objects\n", s->name);
		pr_err("  %lu objects in %lu slabs are still allocated; the cache is leaked\n",
		       s->stats.objects_active, s->nr_partial + s->nr_full);
		list_for_each_entry(page, &s->slabs_partial, lru)
			shown += report_live_objects(s, page, DESTROY_REPORT_MAX - shown);
		list_for_each_entry(page, &s->slabs_full, lru)
			shown += report_live_objects(s, page, DESTROY_REPORT_MAX - shown);
		if (s->stats.objects_active > shown)
			pr_err("  ... and %lu more\n", s->stats.objects_active - shown);
		s->leaked = true;
		mm_count_error();
		spin_unlock_irqrestore(&s->lock, flags);
		spin_unlock_irqrestore(&slab_mutex, mflags);
		return;
	}
	list_del(&s->list);
	spin_unlock_irqrestore(&s->lock, flags);
	spin_unlock_irqrestore(&slab_mutex, mflags);

	shrink_cache(s);
	s->magic = 0;	/* stale pointers now fail cache_is_valid */
	kmem_cache_free(&kmem_cache_boot, s);
}

/* ---- queries ------------------------------------------------------------------------ */

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s ? s->name : "(null)";
}

unsigned int kmem_cache_size(const struct kmem_cache *s)
{
	return s ? s->object_size : 0;
}

void kmem_cache_get_stats(struct kmem_cache *s, struct kmem_cache_stats *st)
{
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	spin_lock_irqsave(&s->lock, flags);
	*st = s->stats;
	spin_unlock_irqrestore(&s->lock, flags);
}

void kmem_cache_get_layout(struct kmem_cache *s, struct kmem_cache_layout *l)
{
	memset(l, 0, sizeof(*l));
	if (!s)
		return;
	l->object_size = s->object_size;
	l->size = s->size;
	l->align = s->align;
	l->order = s->order;
	l->objects = s->objects;
	l->offset = s->offset;
	l->colours = s->colours;
	l->colour_off = s->colour_off;
	l->waste = slab_bytes(s->order) - s->objects * s->size;
	l->flags = s->flags;
}

int kmem_cache_set_colouring(struct kmem_cache *s, bool on)
{
	unsigned long flags;

	if (!cache_is_valid(s, "kmem_cache_set_colouring"))
		return -EINVAL;
	/* new_slab reads colours without the lock: a slab being created
	 * concurrently gets either setting, and both are valid layouts. */
	spin_lock_irqsave(&s->lock, flags);
	s->colours = on ? slab_colours(s) : 1;
	s->colour_next = 0;
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

void kmem_cache_for_each(void (*fn)(struct kmem_cache *s, void *ctx), void *ctx)
{
	unsigned long flags;
	struct kmem_cache *s;

	spin_lock_irqsave(&slab_mutex, flags);
	list_for_each_entry(s, &slab_caches, list)
		fn(s, ctx);
	spin_unlock_irqrestore(&slab_mutex, flags);
}

static void add_totals(struct kmem_cache *s, void *ctx)
{
	struct slab_totals *st = ctx;
	unsigned long flags, pages = 0, empty = 0;
	struct page *page;
	struct list_head *lists[] = { &s->slabs_partial, &s->slabs_full,
				      &s->slabs_free };

	spin_lock_irqsave(&s->lock, flags);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(page, lists[i], lru) {
			pages += 1UL << page_order(page);
			if (i == 2)
				empty += 1UL << page_order(page);
		}
	spin_unlock_irqrestore(&s->lock, flags);
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		st->reclaimable_pages += pages;
	else
		st->unreclaimable_pages += pages;
	st->empty_slab_pages += empty;
}

void slab_get_totals(struct slab_totals *st)
{
	memset(st, 0, sizeof(*st));
	if (slab_caches.next)
		kmem_cache_for_each(add_totals, st);
}

/* ---- boot ------------------------------------------------------------------------------ */

void slab_reset(void)
{
	slab_debug_reset();
	INIT_LIST_HEAD(&slab_caches);
	spin_lock_init(&slab_mutex);
	memset(&kmem_cache_boot, 0, sizeof(kmem_cache_boot));
	slab_freelist_random = true;
	kmalloc_reset();
}

int kmem_cache_init(void)
{
	kmem_cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache),
			 0, SLAB_HWCACHE_ALIGN, NULL);
	kmem_cache_boot.is_static = true;
	kmem_cache_add_to_list(&kmem_cache_boot);
	return kmalloc_init();
}
