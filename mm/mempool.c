/*
 * mm/mempool.c - pools with a guaranteed reserve (see mm/mempool.h).
 *
 * The reserve is an array of min_nr element pointers under pool->lock;
 * the underlying allocator is always called without the lock held.
 */
#include "mm/mempool.h"

#include "mm/internal.h"
#include "mm/slab.h"

void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp_mask);
}

void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
}

void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)(uintptr_t)pool_data, gfp_mask);
}

void mempool_kfree(void *element, void *pool_data)
{
	(void)pool_data;
	kfree(element);
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data)
{
	if (min_nr < 1 || !alloc_fn || !free_fn) {
		pr_err("mempool_create: min_nr must be >= 1 and both functions given\n");
		return NULL;
	}
	mempool_t *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return NULL;
	pool->elements = kmalloc_array((size_t)min_nr, sizeof(void *), GFP_KERNEL);
	if (!pool->elements) {
		kfree(pool);
		return NULL;
	}
	spin_lock_init(&pool->lock);
	pool->min_nr = min_nr;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	while (pool->curr_nr < min_nr) {
		void *e = alloc_fn(GFP_KERNEL, pool_data);

		if (!e) {
			mempool_destroy(pool);
			return NULL;
		}
		pool->elements[pool->curr_nr++] = e;
	}
	return pool;
}

mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, kc);
}

mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree,
			      (void *)(uintptr_t)size);
}

void *mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	unsigned long flags;
	void *e;

	/* First the allocator, quietly and without reclaim: the reserve is
	 * there so that this may fail. */
	e = pool->alloc((gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN, pool->pool_data);
	if (e)
		return e;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->curr_nr > 0) {
		e = pool->elements[--pool->curr_nr];
		pool->reserve_used++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	if (e)
		return e;

	if (gfpflags_allow_reclaim(gfp))
		return pool->alloc(gfp, pool->pool_data);
	return NULL;
}

void mempool_free(void *element, mempool_t *pool)
{
	unsigned long flags;

	if (!element)
		return;
	spin_lock_irqsave(&pool->lock, flags);
	if (pool->curr_nr < pool->min_nr) {
		pool->elements[pool->curr_nr++] = element;
		element = NULL;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	if (element)
		pool->free(element, pool->pool_data);
}

void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	while (pool->curr_nr > 0)
		pool->free(pool->elements[--pool->curr_nr], pool->pool_data);
	kfree(pool->elements);
	kfree(pool);
}
