/*
 * mm/slab_proc.c - what the slab layer shows and checks:
 *
 *   /proc/slabinfo                  Linux's version 2.1 format
 *   /sys/kernel/slab/NAME/ATTR      one value per file, as Linux's sysfs:
 *                                   object_size slab_size objs_per_slab order
 *                                   align objects total_objects slabs partial
 *                                   ctor reclaim_account
 *   /sys/kernel/slab/NAME/stats     the per-cache statistics, "key value"
 *   /sys/kernel/slab/NAME/validate  runs the checks below for one cache
 *
 * slab_check() (part of mm_check) verifies for every cache:
 *   S1  a slab's list matches its inuse count (partial: 0 < inuse <
 *       objects, full: inuse == objects, free: inuse == 0);
 *   S2  each list is well formed and its length is nr_partial/full/free;
 *   S3  each slab page is a slab of this cache, of a valid order and
 *       object count, its objects inside its pages;
 *   S4  each freelist holds objects - inuse distinct objects of the slab,
 *       at object boundaries, with valid free pointers, ending in FP_END;
 *       a freelist that cannot be followed (a free pointer overwritten,
 *       an object on it twice) is repaired as allocation repairs it: the
 *       slab is isolated (mm/slab.c), so the next check is clean;
 *   S5  stats.objects_active and objects_total match the slabs;
 *   S6  in caches with red zones or poison, every object's red zones hold
 *       the value of its state (0xbb free, 0xcc allocated) and every free
 *       object's poison is intact (mm/slab_debug.c reports and repairs).
 */
#include "mm/slab_internal.h"

/* ---- the checker ------------------------------------------------------------ */

#define CHECK_ISOLATE_MAX	8	/* slabs isolated per check; more next time */

struct checker {
	struct seq_buf *out;	/* validate: findings go here; else pr_err */
	int bad;
	/* Slabs whose freelist is corrupt, isolated after the walk. */
	unsigned int nr_isolate;
	struct { struct page *page; void *obj; } isolate[CHECK_ISOLATE_MAX];
};

/* Only for a partial or free slab on the list its inuse count says (S1
 * holds): anything else is the allocator's own bug, reported but not
 * acted upon. */
static void want_isolation(struct checker *c, struct page *page, void *obj)
{
	if (page->inuse < page->objects && c->nr_isolate < CHECK_ISOLATE_MAX) {
		c->isolate[c->nr_isolate].page = page;
		c->isolate[c->nr_isolate].obj = obj;
		c->nr_isolate++;
	}
}

#define finding(c, ...)	((c)->bad++, seq_or_log((c)->out, "mm_check: ", __VA_ARGS__))

#define MAX_SLAB_OBJECTS	((PAGE_SIZE << SLAB_MAX_ORDER) / SLAB_MIN_ALIGN)

static void check_slab(struct checker *c, struct kmem_cache *s, struct page *page,
		       int list, unsigned long *inuse_sum, unsigned long *objects_sum)
{
	static const char *const list_name[] = { "partial", "full", "free" };
	uint8_t seen[MAX_SLAB_OBJECTS / 8];
	void *base = page_address(page);

	if (!PageSlab(page) || page->slab_cache != s || !PageFlag(page, PG_allocated)) {
		finding(c, "S3 %s: page %p on the %s list is not a slab of this cache\n",
			s->name, base, list_name[list]);
		return;
	}
	unsigned int order = page_order(page);
	unsigned int bytes = (unsigned int)PAGE_SIZE << order;

	if (order > SLAB_MAX_ORDER || page->objects != bytes / s->size ||
	    slab_colour(page) + page->objects * s->size > bytes ||
	    (order > 0 && !PageHead(page))) {
		finding(c, "S3 %s: slab %p has order %u, %u objects, colour %u: not a valid layout\n",
			s->name, base, order, page->objects, slab_colour(page));
		return;
	}
	*inuse_sum += page->inuse;
	*objects_sum += page->objects;

	bool ok_state = list == 0 ? page->inuse > 0 && page->inuse < page->objects
		      : list == 1 ? page->inuse == page->objects
				  : page->inuse == 0;

	if (!ok_state)
		finding(c, "S1 %s: slab %p on the %s list has %u of %u objects in use\n",
			s->name, base, list_name[list], page->inuse, page->objects);

	memset(seen, 0, sizeof(seen));
	unsigned int nfree = 0;
	void *p = page->freelist;
	/* Only the head needs a division; the rest arrive as indices. */
	long idx = p ? slab_obj_index(s, page, p) : 0;
	char *first = (char *)slab_obj(s, page, 0);

	while (p) {
		uint32_t next;

		if (idx < 0) {
			finding(c, "S4 %s: slab %p: freelist entry %p is not an object of the slab\n",
				s->name, base, p);
			return;
		}
		if (seen[idx / 8] & (1u << (idx % 8))) {
			finding(c, "S4 %s: slab %p: object %p is twice on the freelist (cycle)\n",
				s->name, base, p);
			if (ok_state)
				want_isolation(c, page, p);
			return;
		}
		seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
		nfree++;
		if (!fp_load(s, page, p, &next)) {
			finding(c, "S4 %s: slab %p: free object %p has a corrupt free pointer 0x%x\n",
				s->name, base, p, *slab_fp(s, p));
			if (ok_state)
				want_isolation(c, page, p);
			return;
		}
		if (next == FP_END)
			break;
		idx = (long)next;	/* fp_load checked next < objects */
		p = first + (size_t)next * s->size;
	}
	if (nfree != (unsigned int)(page->objects - page->inuse)) {
		finding(c, "S4 %s: slab %p: %u objects on the freelist, but %u of %u are in use\n",
			s->name, base, nfree, page->inuse, page->objects);
		return;
	}
	/* S6: red zones and poison of every object (debug caches); each
	 * damaged area is reported, repaired and counted. */
	c->bad += slab_debug_validate(s, page, seen, c->out);
}

static int check_cache(struct kmem_cache *s, struct seq_buf *out)
{
	struct checker c = { .out = out };
	struct list_head *lists[] = { &s->slabs_partial, &s->slabs_full, &s->slabs_free };
	unsigned long inuse = 0, objects = 0, flags;
	/* A list longer than every page could hold is a cycle. */
	unsigned long limit = totalram_pages() + 1;

	spin_lock_irqsave(&s->lock, flags);
	unsigned long counts[] = { s->nr_partial, s->nr_full, s->nr_free };

	for (int l = 0; l < 3; l++) {
		unsigned long n = 0;
		struct list_head *prev = lists[l];

		for (struct list_head *e = lists[l]->next; e != lists[l];
		     prev = e, e = e->next) {
			if (++n > limit || e->prev != prev) {
				finding(&c, "S2 %s: slab list %d is broken (bad link or cycle)\n",
					s->name, l);
				break;
			}
			check_slab(&c, s, list_entry(e, struct page, lru), l, &inuse,
				   &objects);
		}
		if (n != counts[l])
			finding(&c, "S2 %s: list %d has %lu slabs, the count says %lu\n",
				s->name, l, n, counts[l]);
	}
	if (inuse != s->stats.objects_active)
		finding(&c, "S5 %s: %lu objects in use in the slabs, objects_active says %lu\n",
			s->name, inuse, s->stats.objects_active);
	if (objects != s->stats.objects_total)
		finding(&c, "S5 %s: the slabs hold %lu objects, objects_total says %lu\n",
			s->name, objects, s->stats.objects_total);
	/* Repairs come after the walk: isolation moves slabs between lists. */
	for (unsigned int i = 0; i < c.nr_isolate; i++)
		isolate_slab(s, c.isolate[i].page, c.isolate[i].obj);
	spin_unlock_irqrestore(&s->lock, flags);
	return c.bad;
}

static void check_one(struct kmem_cache *s, void *ctx)
{
	*(int *)ctx += check_cache(s, NULL);
}

int slab_check(void)
{
	int bad = 0;

	if (slab_caches.next)
		kmem_cache_for_each(check_one, &bad);
	return bad;
}

/* ---- /proc/slabinfo ------------------------------------------------------------- */

static void slabinfo_row(struct kmem_cache *s, void *ctx)
{
	struct seq_buf *m = ctx;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	unsigned long active_objs = s->stats.objects_active;
	unsigned long num_objs = s->stats.objects_total;
	unsigned long active_slabs = s->nr_partial + s->nr_full;
	unsigned long num_slabs = active_slabs + s->nr_free;

	spin_unlock_irqrestore(&s->lock, flags);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", s->name, active_objs,
		   num_objs, s->size, s->objects, 1 << s->order);
	seq_printf(m, " : tunables %4u %4u %4u", 0u, 0u, 0u);
	seq_printf(m, " : slabdata %6lu %6lu %6lu", active_slabs, num_slabs, 0UL);
	seq_printf(m, "\n");
}

void slabinfo_show(struct seq_buf *m, const char *arg)
{
	(void)arg;
	seq_printf(m, "slabinfo - version: 2.1\n");
	seq_printf(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_printf(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_printf(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_printf(m, "\n");
	kmem_cache_for_each(slabinfo_row, m);
}

/* ---- /sys/kernel/slab/NAME/... ----------------------------------------------------- */

static void show_stats(struct seq_buf *m, struct kmem_cache *s)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	seq_printf(m, "objects_total %lu\n", st.objects_total);
	seq_printf(m, "objects_active %lu\n", st.objects_active);
	seq_printf(m, "objects_peak %lu\n", st.objects_peak);
	seq_printf(m, "allocs %lu\n", st.allocs);
	seq_printf(m, "frees %lu\n", st.frees);
	seq_printf(m, "alloc_failures %lu\n", st.alloc_failures);
	seq_printf(m, "slabs_created %lu\n", st.slabs_created);
	seq_printf(m, "slabs_destroyed %lu\n", st.slabs_destroyed);
	seq_printf(m, "ctor_calls %lu\n", st.ctor_calls);
}

static void show_validate(struct seq_buf *m, struct kmem_cache *s)
{
	unsigned long flags;
	unsigned long slabs, objects;

	spin_lock_irqsave(&s->lock, flags);
	slabs = s->nr_partial + s->nr_full + s->nr_free;
	objects = s->stats.objects_total;
	spin_unlock_irqrestore(&s->lock, flags);

	int bad = check_cache(s, m);

	seq_printf(m, "%s: %lu slabs, %lu objects checked, %d problem%s\n", s->name,
		   slabs, objects, bad, bad == 1 ? "" : "s");
}

/* One-value attributes, named as Linux's /sys/kernel/slab files. */
static bool show_attr(struct seq_buf *m, struct kmem_cache *s, const char *attr)
{
	unsigned long flags;
	unsigned long v;

	spin_lock_irqsave(&s->lock, flags);
	if (strcmp(attr, "object_size") == 0)
		v = s->object_size;
	else if (strcmp(attr, "slab_size") == 0)
		v = s->size;
	else if (strcmp(attr, "objs_per_slab") == 0)
		v = s->objects;
	else if (strcmp(attr, "order") == 0)
		v = s->order;
	else if (strcmp(attr, "align") == 0)
		v = s->align;
	else if (strcmp(attr, "objects") == 0)
		v = s->stats.objects_active;
	else if (strcmp(attr, "total_objects") == 0)
		v = s->stats.objects_total;
	else if (strcmp(attr, "slabs") == 0)
		v = s->nr_partial + s->nr_full + s->nr_free;
	else if (strcmp(attr, "partial") == 0)
		v = s->nr_partial;
	else if (strcmp(attr, "ctor") == 0)
		v = s->ctor != NULL;
	else if (strcmp(attr, "reclaim_account") == 0)
		v = (s->flags & SLAB_RECLAIM_ACCOUNT) != 0;
	else {
		spin_unlock_irqrestore(&s->lock, flags);
		return false;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	seq_printf(m, "%lu\n", v);
	return true;
}

/* arg is "NAME/ATTR" (what follows /sys/kernel/slab/). */
void slab_sysfs_show(struct seq_buf *m, const char *arg)
{
	char name[KMEM_CACHE_NAME_MAX];
	const char *slash = arg;
	size_t n = 0;

	while (*slash && *slash != '/')
		slash++;
	n = (size_t)(slash - arg);
	if (*slash != '/' || n == 0 || n >= sizeof(name))
		return;
	memcpy(name, arg, n);
	name[n] = '\0';

	/* The cache is looked up and used with the list lock dropped; a
	 * concurrent destroy of the same cache is the caller's race, as it
	 * would be for any other user of the pointer. */
	struct kmem_cache *s = kmem_cache_find(name);
	const char *attr = slash + 1;

	if (!s)
		return;
	if (strcmp(attr, "stats") == 0)
		show_stats(m, s);
	else if (strcmp(attr, "validate") == 0)
		show_validate(m, s);
	else
		show_attr(m, s, attr);
}
