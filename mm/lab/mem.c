/*
 * mm/lab/mem.c - the lab's own memory, random numbers and sorting, and
 * its views of mm: buddy snapshots with Linux's fragmentation indices,
 * a census of slab pages by state, settling the caches, and the ballast
 * that confines a workload to a budget of free memory.
 *
 * Bookkeeping memory (tables of pointers, samples, ...) is whole pages
 * from the buddy allocator, counted in c->overhead_pages, so that every
 * measurement of "pages taken from the buddy" can subtract it exactly.
 */
#include "mm/lab/lab_internal.h"

#include "mm/vmstat.h"

/* ---- bookkeeping pages ------------------------------------------------- */

void *lab_alloc(struct lab_ctx *c, size_t bytes)
{
	unsigned int order = get_order(bytes ? bytes : 1);

	if (bytes > lab_order_bytes(MAX_PAGE_ORDER)) {
		lab_diag(c, "lab %s: %zu bytes of bookkeeping is more than one %lu KiB block",
			 c->exp->name, bytes, lab_order_bytes(MAX_PAGE_ORDER) >> 10);
		return NULL;
	}
	struct page *page = alloc_pages(LAB_GFP | __GFP_ZERO, order);

	if (!page) {
		lab_diag(c, "lab %s: out of memory for %zu bytes of bookkeeping",
			 c->exp->name, bytes);
		return NULL;
	}
	c->overhead_pages += 1UL << order;
	return page_address(page);
}

void lab_free(struct lab_ctx *c, void *p, size_t bytes)
{
	unsigned int order = get_order(bytes ? bytes : 1);

	if (!p)
		return;
	free_pages((unsigned long)p, order);
	c->overhead_pages -= 1UL << order;
}

/* ---- making memory resident (lab.h) ------------------------------------- */

void lab_prefault(void)
{
	struct chain {
		struct chain *next;
		unsigned int order;
	} *head = NULL;

	for (int order = MAX_PAGE_ORDER; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages(LAB_GFP, (unsigned int)order))) {
			volatile char *p = page_address(page);

			for (unsigned long off = 0; off < lab_order_bytes(order); off += PAGE_SIZE)
				p[off] = 0;

			struct chain *c = (struct chain *)(void *)p;

			c->order = (unsigned int)order;
			c->next = head;
			head = c;
		}
	}
	while (head) {
		struct chain *c = head;

		head = c->next;
		free_pages((unsigned long)c, c->order);
	}
	lab_settle();
}

/* ---- paged arrays ------------------------------------------------------ */

#define VEC_CHUNK_ORDER	2	/* 16 KiB chunks */
#define VEC_CHUNK_BYTES	(PAGE_SIZE << VEC_CHUNK_ORDER)

void lab_vec_init(struct lab_vec *v, struct lab_ctx *c, size_t elem)
{
	memset(v, 0, sizeof(*v));
	v->c = c;
	v->elem = elem;
	v->per_chunk = VEC_CHUNK_BYTES / elem;
}

static bool vec_grow_dir(struct lab_vec *v, unsigned long need)
{
	unsigned long cap = v->dir_cap ? v->dir_cap : PAGE_SIZE / sizeof(void *);

	while (cap < need)
		cap *= 2;
	void **dir = lab_alloc(v->c, cap * sizeof(void *));

	if (!dir)
		return false;
	if (v->dir) {
		memcpy(dir, v->dir, v->nr_chunks * sizeof(void *));
		lab_free(v->c, v->dir, v->dir_cap * sizeof(void *));
	}
	v->dir = dir;
	v->dir_cap = cap;
	return true;
}

void *lab_vec_at(struct lab_vec *v, unsigned long i)
{
	unsigned long chunk = i / v->per_chunk;

	if (chunk >= v->nr_chunks) {
		if (chunk >= v->dir_cap && !vec_grow_dir(v, chunk + 1))
			return NULL;
		while (v->nr_chunks <= chunk) {
			void *p = lab_alloc(v->c, VEC_CHUNK_BYTES);

			if (!p)
				return NULL;
			v->dir[v->nr_chunks++] = p;
		}
	}
	return (char *)v->dir[chunk] + (i % v->per_chunk) * v->elem;
}

void lab_vec_destroy(struct lab_vec *v)
{
	for (unsigned long i = 0; i < v->nr_chunks; i++)
		lab_free(v->c, v->dir[i], VEC_CHUNK_BYTES);
	if (v->dir)
		lab_free(v->c, v->dir, v->dir_cap * sizeof(void *));
	v->dir = NULL;
	v->nr_chunks = v->dir_cap = 0;
}

/* ---- random numbers ---------------------------------------------------- */

uint64_t lab_rand(struct lab_ctx *c)
{
	/* splitmix64: every seed, 0 included, gives a full-period stream. */
	uint64_t z = (c->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t lab_rand_below(struct lab_ctx *c, uint32_t n)
{
	/* Lemire's multiply-shift: no division, bias below 2^-32 * n. */
	return (uint32_t)(((lab_rand(c) >> 32) * (uint64_t)n) >> 32);
}

void lab_shuffle_u32(struct lab_ctx *c, uint32_t *a, unsigned long n)
{
	for (unsigned long i = n; i > 1; i--) {
		uint32_t j = lab_rand_below(c, (uint32_t)i);
		uint32_t t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* ---- sorting and percentiles ------------------------------------------- */

static void sift_down(uint32_t *a, unsigned long root, unsigned long n)
{
	for (;;) {
		unsigned long child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		uint32_t t = a[root];

		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Heapsort: in place, O(n log n) worst case, no recursion. */
void lab_sort_u32(uint32_t *a, unsigned long n)
{
	if (n < 2)
		return;
	for (unsigned long i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (unsigned long end = n - 1; end > 0; end--) {
		uint32_t t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

uint32_t lab_percentile(const uint32_t *a, unsigned long n, unsigned int per100k)
{
	if (n == 0)
		return 0;
	/* Nearest rank: the smallest value with at least p of the samples
	 * at or below it. */
	uint64_t rank = ((uint64_t)n * per100k + 99999) / 100000;

	if (rank == 0)
		rank = 1;
	return a[rank - 1];
}

/* ---- the buddy allocator's state --------------------------------------- */

void lab_buddy_snapshot(struct lab_buddy *b)
{
	static const enum zone_type lowmem[] = { ZONE_DMA, ZONE_NORMAL };

	memset(b, 0, sizeof(*b));
	for (size_t z = 0; z < ARRAY_SIZE(lowmem); z++)
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long n = nr_free_blocks(lowmem[z], o);

			b->blocks[o] += n;
			b->free_pages += n << o;
		}
}

/* Linux's fill_contig_page_info over the snapshot. */
static void contig_info(const struct lab_buddy *b, unsigned int order,
			struct contig_page_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		info->free_blocks_total += b->blocks[o];
		info->free_pages += b->blocks[o] << o;
		if (o >= order)
			info->free_blocks_suitable += b->blocks[o] << (o - order);
	}
}

int lab_unusable_index(const struct lab_buddy *b, unsigned int order)
{
	struct contig_page_info info;

	contig_info(b, order, &info);
	return unusable_free_index(order, &info);
}

int lab_extfrag_index(const struct lab_buddy *b, unsigned int order)
{
	struct contig_page_info info;

	contig_info(b, order, &info);
	return fragmentation_index(order, &info);
}

int lab_largest_order(const struct lab_buddy *b)
{
	for (int o = MAX_PAGE_ORDER; o >= 0; o--)
		if (b->blocks[o])
			return o;
	return -1;
}

/* ---- slab pages -------------------------------------------------------- */

/*
 * Walks mem_map for slab heads (a slab's first page carries PG_slab, its
 * cache and its counts; struct page is part of mm's public headers).  The
 * counts are read without the cache locks: the lab is mm's only user
 * while it runs.
 */
void lab_slab_census(bool (*match)(struct kmem_cache *s, void *arg), void *arg,
		     struct lab_slab_census *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned long pfn = 0; pfn < max_pfn;) {
		struct page *page = pfn_to_page(pfn);

		if (!PageSlab(page)) {
			pfn++;
			continue;
		}
		unsigned long pages = 1UL << page_order(page);

		pfn += pages;
		if (match && !match(page->slab_cache, arg))
			continue;
		out->slabs++;
		out->pages += pages;
		out->objects += page->objects;
		out->inuse += page->inuse;
		if (page->inuse == 0) {
			out->empty_pages += pages;
		} else if (page->inuse == page->objects) {
			out->full_pages += pages;
		} else {
			out->partial_pages += pages;
			out->partial_slabs++;
		}
	}
}

static void shrink_one(struct kmem_cache *s, void *ctx)
{
	(void)ctx;
	kmem_cache_shrink(s);
}

void lab_settle(void)
{
	kmem_cache_for_each(shrink_one, NULL);
	drain_all_pages(NULL);
}

/* ---- the ballast ------------------------------------------------------- */

int lab_ballast_fill(struct lab_ctx *c, struct lab_ballast *b, unsigned long long keep)
{
	struct page *page;
	unsigned long want = (unsigned long)DIV_ROUND_UP(keep, lab_order_bytes(MAX_PAGE_ORDER));

	INIT_LIST_HEAD(&b->blocks);
	b->pages = 0;
	lab_settle();
	/* Everything, largest blocks first; no reclaim (nothing to give). */
	for (int o = MAX_PAGE_ORDER; o >= 0; o--)
		while ((page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, (unsigned int)o))) {
			list_add_tail(&page->lru, &b->blocks);
			b->pages += 1UL << o;
		}

	/* Then give back `want` whole max-order blocks: the budget starts
	 * out unfragmented, the same on every machine. */
	unsigned long kept = 0;

	list_for_each_entry_safe(page, &b->blocks, lru) {
		if (kept == want)
			break;
		if (page_order(page) != MAX_PAGE_ORDER)
			continue;
		list_del(&page->lru);
		b->pages -= 1UL << MAX_PAGE_ORDER;
		__free_pages(page, MAX_PAGE_ORDER);
		kept++;
	}
	if (kept < want) {
		lab_diag(c, "lab %s: only %lu of the %lu free %lu KiB blocks the budget needs",
			 c->exp->name, kept, want, lab_order_bytes(MAX_PAGE_ORDER) >> 10);
		lab_ballast_release(b);
		return -ENOMEM;
	}
	return 0;
}

void lab_ballast_release(struct lab_ballast *b)
{
	struct page *page;

	list_for_each_entry_safe(page, &b->blocks, lru) {
		list_del(&page->lru);
		__free_pages(page, page_order(page));
	}
	b->pages = 0;
}
