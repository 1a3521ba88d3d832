/*
 * mm/slab.h - object caches (Bonwick's slab allocator with Linux's API)
 * and kmalloc.
 *
 * A cache hands out objects of one size.  Objects live in slabs: blocks of
 * 2^order pages from the buddy allocator whose first struct page holds the
 * slab's metadata, so virt_to_page(obj) finds the cache and the slab in
 * O(1).  A constructor runs once per object when its slab is created, never
 * on each allocation: a freed object stays constructed.
 *
 * Every misuse (double free, a pointer that is not an object start, an
 * object freed into the wrong cache, kfree of memory mm never handed out,
 * destroying a cache that has objects) is reported ("BUG NAME: ..."),
 * counted in mm_error_count() and refused: no object is ever handed out
 * twice and mm_check() stays 0.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "mm/gfp.h"
#include "mm/list.h"
#include "mm/mm_types.h"
#include "mm/port.h"

typedef unsigned int slab_flags_t;

/* Flags of kmem_cache_create, with Linux's values. */
#define SLAB_CONSISTENCY_CHECKS	0x00000100u	/* slab_debug=F */
#define SLAB_RED_ZONE		0x00000400u	/* slab_debug=Z */
#define SLAB_POISON		0x00000800u	/* slab_debug=P */
#define SLAB_HWCACHE_ALIGN	0x00002000u	/* align objects to cache lines */
#define SLAB_CACHE_DMA		0x00004000u	/* slabs from ZONE_DMA */
#define SLAB_STORE_USER		0x00010000u	/* slab_debug=U */
#define SLAB_RECLAIM_ACCOUNT	0x00020000u	/* counted as SReclaimable */
#define SLAB_PANIC		0x00040000u	/* panic if creation fails */
#define SLAB_TRACE		0x00200000u	/* slab_debug=T */
#define SLAB_FAILSLAB		0x02000000u	/* slab_debug=A */

#define SLAB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE | \
				 SLAB_FAILSLAB)
#define SLAB_VALID_FLAGS	(SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN | \
				 SLAB_CACHE_DMA | SLAB_RECLAIM_ACCOUNT | SLAB_PANIC)

#define KMEM_CACHE_NAME_MAX	32	/* including the NUL */
#define SLAB_MAX_ORDER		3	/* slabs are at most 8 pages */
#define SLAB_MIN_ALIGN		8	/* every object is 8-byte aligned */
#define L1_CACHE_BYTES		64

/* ---- caches ------------------------------------------------------------- */

struct kmem_cache;

/*
 * Creates a cache of size-byte objects aligned to align (0: SLAB_MIN_ALIGN;
 * else a power of two up to PAGE_SIZE).  name is copied; it must be 1..31
 * printable characters without spaces or '/' and unique among live caches.
 * Returns NULL (with one error line) when the arguments are invalid or
 * memory is short, unless SLAB_PANIC is set.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
/* With live objects: reports them and leaks the cache (it stays usable). */
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);
/* obj NULL: nothing happens. */
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* All or nothing: returns nr, or 0 with nothing allocated. */
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p);
/* Gives every empty slab back; returns 0 when the cache holds no slab
 * afterwards, 1 when some (partial or full) remain, as Linux. */
int kmem_cache_shrink(struct kmem_cache *s);

const char *kmem_cache_name(const struct kmem_cache *s);
unsigned int kmem_cache_size(const struct kmem_cache *s);	/* object size */
/* Finds a live cache by name (the shell and /sys paths use it). */
struct kmem_cache *kmem_cache_find(const char *name);
/* Calls fn for every cache, newest first, with the caches list locked:
 * fn must not create or destroy caches. */
void kmem_cache_for_each(void (*fn)(struct kmem_cache *s, void *ctx), void *ctx);

/* The per-cache statistics (also /sys/kernel/slab/NAME/stats). */
struct kmem_cache_stats {
	unsigned long objects_total;	/* objects in all slabs */
	unsigned long objects_active;	/* objects handed out */
	unsigned long objects_peak;	/* most ever handed out at once */
	unsigned long allocs;
	unsigned long frees;
	unsigned long alloc_failures;
	unsigned long slabs_created;
	unsigned long slabs_destroyed;
	unsigned long ctor_calls;
};
void kmem_cache_get_stats(struct kmem_cache *s, struct kmem_cache_stats *st);

/* The layout a cache was given (for the lab and the tests). */
struct kmem_cache_layout {
	unsigned int object_size;	/* what was asked for */
	unsigned int size;		/* stride between objects */
	unsigned int align;
	unsigned int order;		/* pages per slab = 1 << order */
	unsigned int objects;		/* per slab */
	unsigned int offset;		/* free pointer offset in the stride */
	unsigned int colours;		/* distinct colour offsets */
	unsigned int colour_off;	/* bytes between colours */
	unsigned int waste;		/* bytes per slab no object uses */
	slab_flags_t flags;
};
void kmem_cache_get_layout(struct kmem_cache *s, struct kmem_cache_layout *l);

/*
 * Lab knob, not a Linux API: turns slab colouring off (every new slab
 * starts its first object at offset 0) or back on (the colours computed
 * at creation) for one cache, so the lab can compare cache-set spread with
 * and without it.  Affects slabs created afterwards only; the layout's
 * `colours` reports 1 while colouring is off.  Returns 0, or -EINVAL when
 * s is not a cache.
 */
int kmem_cache_set_colouring(struct kmem_cache *s, bool on);

/* ---- kmalloc -------------------------------------------------------------- */

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_SHIFT_HIGH	13
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)	/* 8192 */
#define KMALLOC_MAX_SIZE	(PAGE_SIZE << MAX_PAGE_ORDER)
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
void kfree(const void *p);
size_t ksize(const void *p);
/* The cache kmalloc(size, gfp) would use; NULL above KMALLOC_MAX_CACHE_SIZE. */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp);

/* ---- the rest of mm's view ------------------------------------------------- */

struct slab_totals {
	unsigned long reclaimable_pages;	/* slabs of RECLAIM_ACCOUNT caches */
	unsigned long unreclaimable_pages;
	unsigned long empty_slab_pages;		/* what shrinking would free */
};
void slab_get_totals(struct slab_totals *st);

int kmem_cache_init(void);
void slab_reset(void);
int slab_check(void);

struct kparam;
int slab_set_freelist_random(const char *val, const struct kparam *kp);
int slab_set_debug(const char *val, const struct kparam *kp);
int slab_set_failslab(const char *val, const struct kparam *kp);
#define SLAB_BOOT_PARAMS						\
	{ "slab_freelist_random", slab_set_freelist_random, NULL,	\
	  "slab_freelist_random=0|1: shuffle each new slab's free list (default 1)" }, \
	{ "slab_debug", slab_set_debug, NULL,				\
	  "slab_debug[=FZPUTA[,cache,...][;...]]: red zones, poison, owner tracking, ..." }, \
	{ "failslab", slab_set_failslab, NULL,				\
	  "failslab=PERCENT: make that share of slab allocations fail (caches with A)" },

struct seq_buf;
void slabinfo_show(struct seq_buf *s, const char *arg);
void slab_sysfs_show(struct seq_buf *s, const char *arg);
#define SLAB_PROC_ENTRIES						\
	{ "/proc/slabinfo", slabinfo_show, false },			\
	{ "/sys/kernel/slab/", slab_sysfs_show, true },

#endif
