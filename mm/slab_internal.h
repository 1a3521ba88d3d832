/*
 * mm/slab_internal.h - struct kmem_cache and the slab layer's shared
 * helpers (mm/slab.c, mm/slab_cache.c, mm/kmalloc.c, mm/slab_proc.c).
 *
 * Lock order: slab_mutex (the caches list) -> s->lock -> zone->lock.
 * s->lock is never held across a call into the buddy allocator (a page
 * allocation may shrink every cache, which takes each s->lock).
 *
 * Object layout within a slab of 2^order pages:
 *
 *   page_address(page)
 *   |<- colour ->|<------------- objects * size ------------>|<- rest ->|
 *   +------------+-----------+-----------+-----+-------------+----------+
 *   |  unused    |  object 0 |  object 1 | ... | object n-1  |  unused  |
 *   +------------+-----------+-----------+-----+-------------+----------+
 *                ^ s_mem = page_address + colour * colour_off
 *
 * and each stride of `size` bytes:
 *
 *   without a constructor:       with a constructor:
 *   +-------------------+--+     +-------------------+------+--+
 *   | object_size bytes |pd|     | object_size bytes | fp   |pd|
 *   +-------------------+--+     +-------------------+------+--+
 *   ^ fp (offset 0) while free   fp outside: the ctor's state survives
 *
 * fp, the free pointer, is one 32-bit word written only while the object
 * is free:  (next_index | tag << 16) ^ key(object address).  next_index
 * is the index of the next free object in the same slab (FP_END for the
 * last), tag is a 16-bit check value of the object's address, and key and
 * tag both mix in per-cache random secrets (the equivalent of Linux's
 * SLAB_FREELIST_HARDENED).  Decoding an fp whose tag is wrong or whose
 * index is out of range means the word was overwritten: the freelist is
 * reported corrupt instead of being followed.
 *
 * With debugging (slab_debug= or SLAB_RED_ZONE/POISON/STORE_USER flags,
 * mm/slab_debug.c) each stride grows, as Linux's "Object layout":
 *
 *   +------+-------------------+------+----+-------------+-------------+--+
 *   | RZ L | object_size bytes | RZ R | fp | track alloc | track free  |pd|
 *   +------+-------------------+------+----+-------------+-------------+--+
 *   ^ slot  ^ object pointer (slot + red_left_pad)
 *
 *   RZ L, RZ R  red zones: 0xbb while free, 0xcc while allocated
 *               (RZ R also covers the object's padding to 8 bytes)
 *   object      with P, 0x6b while free with 0xa5 as its last byte, and
 *               0x5a when handed out (uninitialised); caches with a ctor
 *               are never poisoned (the ctor's state must survive, as in
 *               Linux), their red zones still work
 *   fp          moved out of the object when it is poisoned, has a ctor,
 *               or is smaller than fp (it would cover part of RZ R)
 *   track       U: caller and time of the last allocation and free
 *
 * Double free, always on: freeing an object whose fp decodes with the
 * right tag means it is probably free already; the slab's freelist is then
 * walked to know for sure (live objects hit this slow path with
 * probability 2^-16).  Allocation clears fp so a live object never keeps a
 * valid-looking one.  With F (SLAB_CONSISTENCY_CHECKS) the freelist is
 * walked on every free, and checked whole before every use.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "mm/internal.h"
#include "mm/slab.h"

#define FP_END		0xffffu
#define FP_INDEX_MASK	0xffffu
#define FP_TAG_SHIFT	16
#define FP_SIZE		sizeof(uint32_t)

/* Empty slabs a cache keeps for the next allocation burst; beyond this
 * they go back to the buddy allocator as soon as they empty. */
#define SLAB_EMPTY_RESERVE	1

struct kmem_cache {
	spinlock_t lock;
	uint32_t magic;			/* KMEM_CACHE_MAGIC while the cache lives */
	/* Layout, fixed at creation. */
	unsigned int object_size;	/* what the user asked for */
	unsigned int size;		/* stride between objects */
	unsigned int offset;		/* of fp within the stride */
	unsigned int align;
	unsigned int order;		/* pages per slab = 1 << order */
	unsigned int min_order;		/* fallback: the least that holds one */
	unsigned int objects;		/* per slab */
	uint32_t reciprocal_size;	/* ceil(2^32 / size): see slab_obj_index */
	unsigned int red_left_pad;	/* bytes before the object (RZ L) */
	unsigned int inuse;		/* object + RZ R: end of what users touch */
	unsigned int track_off;		/* of the track records, from the object */
	bool debug;			/* any per-object debug or init work */
	unsigned int colour_off;	/* bytes per colour step */
	unsigned int colours;		/* colour offsets 0 .. colours-1 */
	slab_flags_t flags;
	gfp_t allocflags;		/* __GFP_DMA for DMA caches */
	uint32_t fp_key;		/* freelist obfuscation secrets */
	uint32_t fp_tag;
	void (*ctor)(void *);

	/* Slabs by state, under lock. */
	struct list_head slabs_partial;	/* 0 < inuse < objects */
	struct list_head slabs_full;	/* inuse == objects */
	struct list_head slabs_free;	/* inuse == 0 */
	unsigned long nr_partial, nr_full, nr_free;
	unsigned int colour_next;
	struct kmem_cache_stats stats;

	struct list_head list;		/* in slab_caches, under slab_mutex */
	bool is_static;			/* kmalloc and boot caches: never freed */
	bool leaked;			/* destroy found live objects */
	char name[KMEM_CACHE_NAME_MAX];
};

extern struct list_head slab_caches;
extern spinlock_t slab_mutex;
extern bool slab_freelist_random;

#define KMEM_CACHE_MAGIC	0x6b6d656dU	/* "kmem": s->magic while alive */

static inline unsigned int slab_bytes(unsigned int order)
{
	return (unsigned int)PAGE_SIZE << order;
}

/* Where a slab's first object starts (after its colour). */
static inline unsigned int slab_colour(const struct page *page)
{
	return page->flags >> PAGE_COLOUR_SHIFT;
}

/* Slabs never come from HighMem: the direct-map address, no test. */
static inline char *slab_s_mem(const struct page *page)
{
	return (char *)__va(page_to_phys(page)) + slab_colour(page);
}

static inline void *slab_obj(const struct kmem_cache *s,
			     const struct page *page, unsigned int idx)
{
	return slab_s_mem(page) + (size_t)idx * s->size + s->red_left_pad;
}

static inline uint32_t *slab_fp(const struct kmem_cache *s, void *obj)
{
	return (uint32_t *)((char *)obj + s->offset);
}

static inline uint32_t fp_mix(uintptr_t addr, uint32_t secret)
{
	uint32_t a = (uint32_t)addr ^ (uint32_t)((uint64_t)addr >> 32);

	a ^= secret;
	a *= 0x9e3779b1u;
	return a ^ (a >> 15);
}

static inline uint32_t fp_key_of(const struct kmem_cache *s, const void *obj)
{
	return fp_mix((uintptr_t)obj, s->fp_key);
}

static inline uint32_t fp_tag_of(const struct kmem_cache *s, const void *obj)
{
	return fp_mix((uintptr_t)obj, s->fp_tag) >> FP_TAG_SHIFT;
}

static inline void fp_store(const struct kmem_cache *s, void *obj, uint32_t next)
{
	*slab_fp(s, obj) = (next | fp_tag_of(s, obj) << FP_TAG_SHIFT) ^
			   fp_key_of(s, obj);
}

/* Decodes obj's fp; false when it is not a valid free pointer. */
static inline bool fp_load(const struct kmem_cache *s, const struct page *page,
			   void *obj, uint32_t *next)
{
	uint32_t v = *slab_fp(s, obj) ^ fp_key_of(s, obj);
	uint32_t idx = v & FP_INDEX_MASK;

	if ((v >> FP_TAG_SHIFT) != fp_tag_of(s, obj))
		return false;
	if (idx != FP_END && idx >= page->objects)
		return false;
	*next = idx;
	return true;
}

/* The index of obj in its slab, or -1 if obj is not an object start. */
/*
 * off / size by multiplication: with reciprocal = ceil(2^32 / size) the
 * quotient is exact for every off and size below 2^15 + 1 (the error term
 * off * (reciprocal * size - 2^32) stays below 2^32), and slabs are at
 * most 32 KiB.  The remainder is checked by multiplying back.
 */
static inline long slab_obj_index(const struct kmem_cache *s,
				  const struct page *page, const void *obj)
{
	const char *base = slab_s_mem(page) + s->red_left_pad;
	uintptr_t off = (uintptr_t)obj - (uintptr_t)base;

	if ((uintptr_t)obj < (uintptr_t)base ||
	    off >= (uintptr_t)page->objects * s->size)
		return -1;

	uint32_t idx = (uint32_t)(((uint64_t)off * s->reciprocal_size) >> 32);

	if ((uintptr_t)idx * s->size != off)
		return -1;
	return (long)idx;
}

/* Reports and returns false when s is not a live cache (mm/slab.c). */
bool cache_is_valid(const struct kmem_cache *s, const char *fn);
/* Gives every empty slab of s back; returns the pages freed (mm/slab.c). */
unsigned long slab_shrink_cache(struct kmem_cache *s);

/* The slab page holding a direct-map address, or NULL. */
struct page *slab_page_of(const void *obj);

/* Takes a slab whose freelist is corrupt at obj out of service: reports,
 * counts, and makes every free object a lost one (mm/slab.c).  s->lock
 * held; page must be on the partial or free list. */
void isolate_slab(struct kmem_cache *s, struct page *page, void *obj);

/* Sets up a cache in memory the caller provides (kmem_cache_init's static
 * caches, kmem_cache_create's); -EINVAL when the object, with its free
 * pointer and debug metadata, does not fit in a slab of SLAB_MAX_ORDER. */
int kmem_cache_setup(struct kmem_cache *s, const char *name, unsigned int size,
		     unsigned int align, slab_flags_t flags, void (*ctor)(void *));
void kmem_cache_add_to_list(struct kmem_cache *s);

/* Allocation and free with the caller recorded (kmalloc passes its own). */
void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void slab_free(struct kmem_cache *s, void *obj, unsigned long caller);

/* ---- debugging (mm/slab_debug.c) ---------------------------------------- */

/* Poison and red-zone bytes, as Linux's <linux/poison.h>. */
#define POISON_INUSE		0x5a	/* allocated, not yet written */
#define POISON_FREE		0x6b	/* free object */
#define POISON_END		0xa5	/* last byte of a free object */
#define SLUB_RED_INACTIVE	0xbb	/* red zone of a free object */
#define SLUB_RED_ACTIVE		0xcc	/* red zone of an allocated object */

struct slab_track {
	unsigned long addr;	/* caller, 0 if never */
	unsigned long when;	/* mm_port_ticks_ms() */
};

/* Debug flags slab_debug= asks for a cache of this name. */
slab_flags_t slab_debug_flags_for(const char *name);
void slab_debug_reset(void);
/* Per-object work; s->lock held for alloc/free, not for init. */
void slab_debug_init_object(struct kmem_cache *s, void *obj);
void slab_debug_alloc(struct kmem_cache *s, struct page *page, void *obj,
		      unsigned long caller);
void slab_debug_free(struct kmem_cache *s, struct page *page, void *obj,
		     unsigned long caller);
/* A slab is being isolated (mm/slab.c): its free objects become lost
 * objects that count as allocated, and their red zones say so, so the
 * checker stays clean.  s->lock held. */
void slab_debug_isolate(struct kmem_cache *s, struct page *page);
/* Prints the track records of obj (for double-free reports). */
void slab_debug_print_tracks(struct kmem_cache *s, void *obj);
/* failslab: whether this allocation should fail on purpose. */
bool slab_should_failslab(struct kmem_cache *s);
unsigned long slab_failslab_injected(void);
/* Checks the red zones and poison of every object of a slab; reports,
 * restores and returns the number of damaged areas.  s->lock held. */
int slab_debug_validate(struct kmem_cache *s, struct page *page,
			const uint8_t *is_free, struct seq_buf *out);
bool slab_want_init_on_alloc(const struct kmem_cache *s);
bool slab_want_init_on_free(const struct kmem_cache *s);

int kmalloc_init(void);
void kmalloc_reset(void);
unsigned long kmalloc_large_pages(void);

#endif
