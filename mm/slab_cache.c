/*
 * mm/slab_cache.c - the caches: their layout (slab order, colours, where
 * the free pointer and the debug metadata go), creation and destruction,
 * the list of caches, queries and boot.  Objects and slabs are handled in
 * mm/slab.c.
 *
 * Lock order as in mm/slab_internal.h: slab_mutex (the caches list), then
 * a cache's lock.
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

	s->order = calculate_order(s->size, &s->min_order);
	s->objects = slab_bytes(s->order) / s->size;
	s->colour_off = align > L1_CACHE_BYTES ? align : L1_CACHE_BYTES;
	s->colours = slab_colours(s);
	return true;
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

	slab_shrink_cache(s);
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
