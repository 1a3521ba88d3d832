/*
 * mm/mempool.h - memory pools with a guaranteed reserve, as Linux's.
 *
 * A pool keeps min_nr elements aside.  mempool_alloc first asks the
 * underlying allocator (without reclaim); when that fails it hands out a
 * reserved element; only when the reserve is empty too does it try the
 * allocator once more with the caller's full gfp (which may shrink
 * caches), and then fail.  mempool_free refills the reserve before giving
 * anything back to the allocator.  (There is no scheduler here, so unlike
 * Linux a GFP_KERNEL mempool_alloc returns NULL instead of sleeping.)
 */
#ifndef MM_MEMPOOL_H
#define MM_MEMPOOL_H

#include "mm/gfp.h"
#include "mm/port.h"

struct kmem_cache;

typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);

typedef struct mempool {
	spinlock_t lock;
	int min_nr;		/* reserve size */
	int curr_nr;		/* elements in the reserve now */
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	unsigned long reserve_used;	/* allocations served from the reserve */
} mempool_t;

/* NULL when min_nr < 1 or the reserve cannot be filled. */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data);
mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc);
mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size);
void *mempool_alloc(mempool_t *pool, gfp_t gfp);
void mempool_free(void *element, mempool_t *pool);
void mempool_destroy(mempool_t *pool);

/* Ready-made element functions. */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);

#endif
