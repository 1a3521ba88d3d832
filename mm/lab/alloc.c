/*
 * mm/lab/alloc.c - the allocators the lab compares, behind one interface:
 *
 *   cache      a dedicated kmem_cache per request size (rounded up to 8
 *              bytes, named lab-SIZE, created on first use); requests
 *              above KMALLOC_MAX_CACHE_SIZE take buddy pages, as kmalloc
 *              does
 *   kmalloc    kmalloc/kfree: the shared size classes (alias "slab")
 *   buddy      alloc_pages(get_order(size)): page-granular allocation
 *   first-fit, best-fit, next-fit
 *              free-list heaps over buddy chunks (fit.c)
 *
 * Every allocation uses GFP_KERNEL | __GFP_NOWARN: under pressure the
 * slab caches are shrunk once before an allocation fails, and a failure
 * is counted, not printed.
 */
#include "mm/lab/lab_internal.h"

#define CACHE_SLOTS	(LAB_CACHE_MAX_SIZE / SLAB_MIN_ALIGN + 1)

int lab_allocator_parse(const char *name)
{
	if (strcmp(name, "slab") == 0)
		return LAB_ALLOC_KMALLOC;
	for (int k = 0; k < LAB_NR_ALLOCATORS; k++)
		if (strcmp(name, lab_allocator_names[k]) == 0)
			return k;
	return -1;
}

int lab_allocator_init(struct lab_ctx *c, struct lab_allocator *a,
		       enum lab_alloc_kind kind)
{
	static const enum fit_policy policy[] = {
		[LAB_ALLOC_FIRST_FIT] = FIT_FIRST,
		[LAB_ALLOC_BEST_FIT] = FIT_BEST,
		[LAB_ALLOC_NEXT_FIT] = FIT_NEXT,
	};

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->c = c;
	a->chunk_order = c->o.chunk_order;
	switch (kind) {
	case LAB_ALLOC_CACHE:
		a->caches = lab_alloc(c, CACHE_SLOTS * sizeof(*a->caches));
		return a->caches ? 0 : -ENOMEM;
	case LAB_ALLOC_FIRST_FIT:
	case LAB_ALLOC_BEST_FIT:
	case LAB_ALLOC_NEXT_FIT:
		a->heap = fit_create(c, policy[kind], a->chunk_order);
		return a->heap ? 0 : -ENOMEM;
	default:
		return 0;
	}
}

static struct kmem_cache *cache_for(struct lab_allocator *a, size_t size)
{
	unsigned int idx = (unsigned int)DIV_ROUND_UP(size, SLAB_MIN_ALIGN);
	char name[KMEM_CACHE_NAME_MAX];

	if (a->caches[idx])
		return a->caches[idx];
	ksnprintf(name, sizeof(name), "lab-%u", idx * SLAB_MIN_ALIGN);
	a->caches[idx] = kmem_cache_create(name, idx * SLAB_MIN_ALIGN, 0, 0, NULL);
	if (a->caches[idx])
		a->nr_caches++;
	return a->caches[idx];
}

int lab_allocator_prepare(struct lab_allocator *a, size_t size)
{
	if (a->kind != LAB_ALLOC_CACHE || size == 0 || size > LAB_CACHE_MAX_SIZE)
		return 0;
	return cache_for(a, size) ? 0 : -ENOMEM;
}

static void *pages_alloc(size_t size)
{
	struct page *page = alloc_pages(LAB_GFP, get_order(size));

	return page ? page_address(page) : NULL;
}

void *lab_allocator_alloc(struct lab_allocator *a, size_t size)
{
	void *p = NULL;

	if (size == 0 || size > LAB_MAX_REQUEST) {
		a->failures++;
		return NULL;
	}
	switch (a->kind) {
	case LAB_ALLOC_CACHE:
		if (size > LAB_CACHE_MAX_SIZE) {
			p = pages_alloc(size);
		} else {
			struct kmem_cache *s = cache_for(a, size);

			p = s ? kmem_cache_alloc(s, LAB_GFP) : NULL;
		}
		break;
	case LAB_ALLOC_KMALLOC:
		p = kmalloc(size, LAB_GFP);
		break;
	case LAB_ALLOC_BUDDY:
		p = pages_alloc(size);
		break;
	default:
		p = fit_alloc(a->heap, size);
		break;
	}
	if (!p)
		a->failures++;
	return p;
}

void lab_allocator_free(struct lab_allocator *a, void *p, size_t size)
{
	if (!p)
		return;
	switch (a->kind) {
	case LAB_ALLOC_CACHE:
		if (size > LAB_CACHE_MAX_SIZE)
			free_pages((unsigned long)p, get_order(size));
		else
			kmem_cache_free(a->caches[DIV_ROUND_UP(size, SLAB_MIN_ALIGN)], p);
		break;
	case LAB_ALLOC_KMALLOC:
		kfree(p);
		break;
	case LAB_ALLOC_BUDDY:
		free_pages((unsigned long)p, get_order(size));
		break;
	default:
		fit_free(a->heap, p);
		break;
	}
}

void lab_allocator_release(struct lab_allocator *a)
{
	if (a->caches) {
		for (unsigned int i = 0; i < CACHE_SLOTS; i++)
			if (a->caches[i]) {
				kmem_cache_destroy(a->caches[i]);
				a->caches[i] = NULL;
			}
		a->nr_caches = 0;
	}
	if (a->heap)
		fit_release(a->heap);
}

void lab_allocator_destroy(struct lab_allocator *a)
{
	lab_allocator_release(a);
	if (a->caches) {
		lab_free(a->c, a->caches, CACHE_SLOTS * sizeof(*a->caches));
		a->caches = NULL;
	}
	if (a->heap) {
		fit_destroy(a->heap);
		a->heap = NULL;
	}
}

bool lab_allocator_owns_cache(struct kmem_cache *s, void *arg)
{
	struct lab_allocator *a = arg;
	unsigned int size = kmem_cache_size(s);

	switch (a->kind) {
	case LAB_ALLOC_CACHE:
		return size % SLAB_MIN_ALIGN == 0 && size <= LAB_CACHE_MAX_SIZE &&
		       a->caches[size / SLAB_MIN_ALIGN] == s;
	case LAB_ALLOC_KMALLOC:
		return size <= KMALLOC_MAX_CACHE_SIZE && kmalloc_slab(size, GFP_KERNEL) == s;
	default:
		return false;
	}
}
