/*
 * mm/kmalloc.c - general-purpose allocation: size classes over slab
 * caches, and whole compound pages above the largest class.
 *
 *   size        served by
 *   0           ZERO_SIZE_PTR (a non-NULL pointer that faults if used)
 *   1..8192     kmalloc-8 .. kmalloc-8192 (dma-kmalloc-* with GFP_DMA):
 *               8 16 32 64 96 128 192 256 512 1024 2048 4096 8192
 *   8193..4M    alloc_pages(order) as a compound page marked
 *               PG_large_kmalloc, so kfree can find and check it
 *
 * Power-of-two classes are created with align == size, so their objects
 * are naturally aligned; every object is at least 8-byte aligned.
 * kfree/ksize/krealloc accept any pointer mm handed out through kmalloc
 * or a cache, and report anything else.
 */
#include "mm/slab_internal.h"

enum kmalloc_type { KMALLOC_NORMAL, KMALLOC_DMA, NR_KMALLOC_TYPES };

static const unsigned int kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
#define NR_KMALLOC_CACHES	ARRAY_SIZE(kmalloc_sizes)

static struct kmem_cache kmalloc_caches[NR_KMALLOC_TYPES][NR_KMALLOC_CACHES];
static bool kmalloc_ready[NR_KMALLOC_TYPES];
static unsigned long large_pages;	/* pages in large kmalloc blocks */

/* Class index for sizes up to 192, by (size - 1) / 8, as Linux's
 * size_index table: the 96 and 192 classes sit between powers of two. */
static const uint8_t size_index[24] = {
	0,		/* 8 */
	1,		/* 16 */
	2, 2,		/* 24, 32 */
	3, 3, 3, 3,	/* 40..64 */
	4, 4, 4, 4,	/* 72..96 */
	5, 5, 5, 5,	/* 104..128 */
	6, 6, 6, 6, 6, 6, 6, 6,	/* 136..192 */
};

static unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) / 8];
	/* 256 is index 7, 512 index 8, ... : one per power of two. */
	unsigned int idx = 7;

	for (size_t c = 256; c < size; c <<= 1)
		idx++;
	return idx;
}

struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	enum kmalloc_type t = (gfp & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_NORMAL;

	if (size == 0 || size > KMALLOC_MAX_CACHE_SIZE || !kmalloc_ready[t])
		return NULL;
	return &kmalloc_caches[t][kmalloc_index(size)];
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	if (size > KMALLOC_MAX_SIZE) {
		mm_report_bug("BUG: kmalloc: %zu bytes is more than KMALLOC_MAX_SIZE (%lu), refused\n",
			      size, KMALLOC_MAX_SIZE);
		return NULL;
	}
	unsigned int order = get_order(size);
	struct page *page = alloc_pages((gfp & ~__GFP_HIGHMEM) | __GFP_COMP, order);

	if (!page)
		return NULL;
	/* Atomic: other CPUs may read this page's flags (a buddy merge next
	 * door looks at its neighbours' flags under the zone lock). */
	__atomic_fetch_or(&page->flags, 1u << PG_large_kmalloc, __ATOMIC_RELEASE);
	__atomic_fetch_add(&large_pages, 1UL << order, __ATOMIC_RELAXED);
	return page_address(page);
}

/*
 * Every entry point passes its own caller down, so the owner tracks of
 * slab_debug=U name the code that called kzalloc, kcalloc, krealloc...,
 * not the wrapper inside mm (a tail call would hide that only sometimes:
 * the host builds at -O1 and makes none).
 */
static void *__kmalloc(size_t size, gfp_t gfp, unsigned long caller)
{
	if (size == 0)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);

	struct kmem_cache *s = kmalloc_slab(size, gfp);

	if (!s) {
		/* Without RAM below 16 MiB there are no dma-kmalloc caches:
		 * GFP_DMA fails as alloc_pages(GFP_DMA) would, an ordinary
		 * allocation failure. */
		if ((gfp & __GFP_DMA) && kmalloc_ready[KMALLOC_NORMAL]) {
			if (!(gfp & __GFP_NOWARN))
				pr_warn("kmalloc(%zu, GFP_DMA): allocation failure: no ZONE_DMA\n",
					size);
		} else {
			pr_err("kmalloc(%zu): called before the kmalloc caches exist\n", size);
		}
		return NULL;
	}
	return slab_alloc(s, gfp, caller);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return __kmalloc(size, gfp, _RET_IP_);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return __kmalloc(size, gfp | __GFP_ZERO, _RET_IP_);
}

static void *__kmalloc_array(size_t n, size_t size, gfp_t gfp, unsigned long caller)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		mm_report_bug("BUG: kmalloc_array: %zu * %zu bytes overflows, refused\n",
			      n, size);
		return NULL;
	}
	return __kmalloc(bytes, gfp, caller);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return __kmalloc_array(n, size, gfp, _RET_IP_);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return __kmalloc_array(n, size, gfp | __GFP_ZERO, _RET_IP_);
}

/* What kind of memory p is; reports and returns NULL when mm did not hand
 * it out through kmalloc or a cache. */
static struct page *kmalloc_page_of(const void *p, const char *fn)
{
	if (!virt_addr_valid(p)) {
		mm_report_bug("BUG: %s(%p): not an address mm handed out\n", fn, p);
		return NULL;
	}
	struct page *page = compound_head(virt_to_page(p));

	if (PageSlab(page))
		return page;
	if (PageLargeKmalloc(page)) {
		if (p != page_address(page)) {
			mm_report_bug("BUG: %s(%p): not the start of a kmalloc() block (starts at %p)\n",
				      fn, p, page_address(page));
			return NULL;
		}
		return page;
	}
	mm_report_bug("BUG: %s(%p): not kmalloc() memory (%s)\n", fn, p,
		      PageBuddy(page) || !PageFlag(page, PG_allocated) ?
		      "free or never allocated" : "a page allocation");
	return NULL;
}

static void __kfree(const void *p, unsigned long caller)
{
	if (ZERO_OR_NULL_PTR(p))
		return;

	struct page *page = kmalloc_page_of(p, "kfree");

	if (!page)
		return;
	if (PageSlab(page)) {
		slab_free(page->slab_cache, (void *)p, caller);
		return;
	}
	unsigned int order = page_order(page);
	uint32_t bit = 1u << PG_large_kmalloc;

	/* Test and clear in one step: of two racing kfrees of the same block
	 * exactly one frees it; the other is reported as not kmalloc memory
	 * (__free_pages' own checks then refuse nothing twice). */
	if (!(__atomic_fetch_and(&page->flags, ~bit, __ATOMIC_ACQ_REL) & bit)) {
		mm_report_bug("BUG: kfree(%p): not kmalloc() memory (freed twice at once?)\n", p);
		return;
	}
	__atomic_fetch_sub(&large_pages, 1UL << order, __ATOMIC_RELAXED);
	__free_pages(page, order);
}

void kfree(const void *p)
{
	__kfree(p, _RET_IP_);
}

size_t ksize(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return 0;

	struct page *page = kmalloc_page_of(p, "ksize");

	if (!page)
		return 0;
	if (PageSlab(page)) {
		struct kmem_cache *s = page->slab_cache;

		/* kfree checks this in kmem_cache_free; krealloc relies on
		 * ksize to refuse before it copies from p. */
		if (slab_obj_index(s, page, p) < 0) {
			mm_report_bug("BUG %s: ksize(%p): Invalid object pointer (not the start of an object in slab %p)\n",
				      s->name, p, page_address(page));
			return 0;
		}
		return s->object_size;
	}
	return PAGE_SIZE << page_order(page);
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	unsigned long caller = _RET_IP_;

	if (ZERO_OR_NULL_PTR(p))
		return __kmalloc(new_size, gfp, caller);
	if (new_size == 0) {
		__kfree(p, caller);
		return ZERO_SIZE_PTR;
	}

	size_t old = ksize(p);

	if (old == 0)
		return NULL;	/* not ours: reported by ksize */
	if (new_size <= old) {
		if (gfp & __GFP_ZERO)
			memset((char *)p + new_size, 0, old - new_size);
		return (void *)p;
	}

	void *n = __kmalloc(new_size, gfp, caller);

	if (!n)
		return NULL;	/* the old block stays valid, as C's realloc */
	memcpy(n, p, old);
	__kfree(p, caller);
	return n;
}

unsigned long kmalloc_large_pages(void)
{
	return large_pages;
}

/* ---- boot --------------------------------------------------------------------- */

void kmalloc_reset(void)
{
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	memset(kmalloc_ready, 0, sizeof(kmalloc_ready));
	large_pages = 0;
}

int kmalloc_init(void)
{
	static const char *const prefix[NR_KMALLOC_TYPES] = { "kmalloc-", "dma-kmalloc-" };

	for (int t = 0; t < NR_KMALLOC_TYPES; t++) {
		if (t == KMALLOC_DMA && !populated_zone(&zones[ZONE_DMA]))
			continue;
		for (size_t i = 0; i < NR_KMALLOC_CACHES; i++) {
			struct kmem_cache *s = &kmalloc_caches[t][i];
			unsigned int size = kmalloc_sizes[i];
			char name[KMEM_CACHE_NAME_MAX];
			/* Natural alignment for powers of two. */
			unsigned int align = (size & (size - 1)) ? SLAB_MIN_ALIGN : size;

			ksnprintf(name, sizeof(name), "%s%u", prefix[t], size);
			kmem_cache_setup(s, name, size, align,
					 t == KMALLOC_DMA ? SLAB_CACHE_DMA : 0, NULL);
			s->is_static = true;
			kmem_cache_add_to_list(s);
		}
		kmalloc_ready[t] = true;
	}
	return 0;
}
