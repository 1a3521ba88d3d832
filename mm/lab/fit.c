/*
 * mm/lab/fit.c - first-fit, best-fit and next-fit free-list heaps: the
 * seeds' classic fit strategies, as baselines for the slab and buddy
 * allocators.  Memory comes from the buddy allocator in chunks of
 * 2^chunk_order pages (a larger, dedicated chunk for a request that does
 * not fit in one), and a chunk goes back once it is empty and the heap
 * already keeps one empty chunk (as slab keeps one empty slab).
 *
 * Chunk layout (every size a multiple of FIT_ALIGN):
 *
 *   | fence | block | block | ... | block | end |
 *     8 B, USED                            8 B, USED, size 0
 *
 * Block layout (sizes include the header; FIT_MIN_BLOCK = 32):
 *
 *   allocated  | hdr 8 | payload ...                                 |
 *   free       | hdr 8 | next 8 | prev 8 | ...             | footer 8 |
 *
 *   hdr.size   bytes of the block          hdr.flags  FIT_USED, FIT_PREV_USED
 *   footer     the size again, only while free: a block whose
 *              FIT_PREV_USED is clear finds its lower neighbour with it.
 *
 * The link fields are padded to 8 bytes so that the heaps make the same
 * decisions (and give the same numbers) on i386 and on a 64-bit host.
 *
 * Invariants (fit_check): blocks tile each chunk exactly; no two free
 * blocks are adjacent (frees coalesce both ways); a block's FIT_PREV_USED
 * matches its lower neighbour; every free block's footer holds its size;
 * the free list holds exactly the free blocks, in ascending address
 * order, across all chunks; a chunk's live count is its USED blocks.
 *
 *   first fit  the lowest-addressed free block that is large enough
 *   best fit   the smallest free block that is large enough (the lowest
 *              of equals); an exact fit stops the search
 *   next fit   first fit starting where the last search ended (the
 *              "rover"), wrapping around
 * All three split a larger block and keep its upper part free.
 */
#include "mm/lab/lab_internal.h"

#define FIT_ALIGN	8u
#define FIT_HDR		8u
#define FIT_MIN_BLOCK	32u
#define FIT_USED	1u
#define FIT_PREV_USED	2u
#define FIT_CHUNK_MAGIC	0x66697463UL	/* "fitc" */

struct fit_hdr {
	uint32_t size;
	uint32_t flags;
};

struct fit_block {
	struct fit_hdr h;
	union {
		struct fit_block *next;
		uint64_t next_pad;
	};
	union {
		struct fit_block *prev;
		uint64_t prev_pad;
	};
};

_Static_assert(sizeof(struct fit_hdr) == FIT_HDR, "fit header size");
_Static_assert(sizeof(struct fit_block) + 8 == FIT_MIN_BLOCK, "fit minimum block");

struct fit_heap {
	struct lab_ctx *c;
	enum fit_policy policy;
	unsigned int chunk_order;
	struct fit_block *head;		/* free list, ascending addresses */
	struct fit_block *rover;	/* next fit: where the next search starts */
	struct list_head chunks;	/* chunk head pages, via page->lru */
	unsigned long nr_chunks, pages, empty_chunks;
	unsigned long free_blocks;
	unsigned long long free_bytes, searched;
};

/* ---- blocks ------------------------------------------------------------ */

static inline struct fit_block *block_at(void *p)
{
	return (struct fit_block *)p;
}

static inline struct fit_block *block_next(struct fit_block *b)
{
	return block_at((char *)b + b->h.size);
}

static inline uint64_t *block_footer(struct fit_block *b)
{
	return (uint64_t *)(void *)((char *)b + b->h.size - 8);
}

static inline bool block_used(const struct fit_block *b)
{
	return b->h.flags & FIT_USED;
}

static inline void block_set_prev_used(struct fit_block *b, bool used)
{
	if (used)
		b->h.flags |= FIT_PREV_USED;
	else
		b->h.flags &= ~FIT_PREV_USED;
}

/* Marks b free with its current size: footer, and the neighbour's bit. */
static void block_make_free(struct fit_block *b)
{
	b->h.flags &= ~FIT_USED;
	*block_footer(b) = b->h.size;
	block_set_prev_used(block_next(b), false);
}

static struct page *chunk_of(const void *p)
{
	return compound_head(virt_to_page(p));
}

static char *chunk_start(struct page *chunk)
{
	return page_address(chunk);
}

static size_t chunk_bytes(struct page *chunk)
{
	return lab_order_bytes(compound_order(chunk));
}

/* ---- the free list ----------------------------------------------------- */

static void list_replace_block(struct fit_heap *h, struct fit_block *old,
			       struct fit_block *nw)
{
	nw->next = old->next;
	nw->prev = old->prev;
	if (nw->next)
		nw->next->prev = nw;
	if (nw->prev)
		nw->prev->next = nw;
	else
		h->head = nw;
	if (h->rover == old)
		h->rover = nw;
}

static void list_remove_block(struct fit_heap *h, struct fit_block *b)
{
	if (b->next)
		b->next->prev = b->prev;
	if (b->prev)
		b->prev->next = b->next;
	else
		h->head = b->next;
	if (h->rover == b)
		h->rover = b->next;
	h->free_blocks--;
	h->free_bytes -= b->h.size;
}

/* Blocks a free walks forward through its chunk looking for the next free
 * block before it falls back to scanning the free list. */
#define FIT_WALK_MAX	64

/* The next free block after b in b's chunk, within FIT_WALK_MAX blocks. */
static struct fit_block *next_free_nearby(struct fit_block *b)
{
	struct fit_block *f = block_next(b);

	for (unsigned int n = 0; n < FIT_WALK_MAX && f->h.size; n++) {
		if (!block_used(f))
			return f;
		f = block_next(f);
	}
	return NULL;
}

/*
 * Inserts b in address order.  Every block between b and the next free
 * block of its chunk is in use, so that block is b's successor in the
 * list; when none is near, the list is scanned from the head: O(free
 * blocks), the price of address-ordered fits (a tree would make it
 * O(log n)).
 */
static void list_insert_block(struct fit_heap *h, struct fit_block *b)
{
	struct fit_block *next = next_free_nearby(b);
	struct fit_block *prev = next ? next->prev : NULL;

	if (!next) {
		next = h->head;
		while (next && next < b) {
			prev = next;
			next = next->next;
		}
	}
	b->prev = prev;
	b->next = next;
	if (next)
		next->prev = b;
	if (prev)
		prev->next = b;
	else
		h->head = b;
	h->free_blocks++;
	h->free_bytes += b->h.size;
}

/* ---- chunks ------------------------------------------------------------ */

static struct fit_block *chunk_first_block(struct page *chunk)
{
	return block_at(chunk_start(chunk) + FIT_HDR);
}

/* Takes a chunk of 2^order pages and makes its interior one free block. */
static struct fit_block *chunk_grow(struct fit_heap *h, unsigned int order)
{
	struct page *chunk = alloc_pages(LAB_GFP | __GFP_COMP, order);

	if (!chunk)
		return NULL;
	size_t bytes = lab_order_bytes(order);
	char *base = chunk_start(chunk);
	struct fit_hdr *fence = (struct fit_hdr *)(void *)base;
	struct fit_hdr *end = (struct fit_hdr *)(void *)(base + bytes - FIT_HDR);
	struct fit_block *b = block_at(base + FIT_HDR);

	fence->size = FIT_HDR;
	fence->flags = FIT_USED;
	end->size = 0;
	end->flags = FIT_USED;
	b->h.size = (uint32_t)(bytes - 2 * FIT_HDR);
	b->h.flags = FIT_PREV_USED;
	block_make_free(b);

	chunk->private = 0;			/* live blocks */
	chunk->private2 = FIT_CHUNK_MAGIC;
	chunk->private3 = (unsigned long)h;
	list_add_tail(&chunk->lru, &h->chunks);
	h->nr_chunks++;
	h->empty_chunks++;
	h->pages += 1UL << order;
	list_insert_block(h, b);
	return b;
}

static void chunk_release(struct fit_heap *h, struct page *chunk)
{
	unsigned int order = compound_order(chunk);

	list_del(&chunk->lru);
	chunk->private = chunk->private2 = chunk->private3 = 0;
	h->nr_chunks--;
	h->pages -= 1UL << order;
	__free_pages(chunk, order);
}

/* ---- search ------------------------------------------------------------ */

static struct fit_block *find_first(struct fit_heap *h, uint32_t need)
{
	for (struct fit_block *f = h->head; f; f = f->next) {
		h->searched++;
		if (f->h.size >= need)
			return f;
	}
	return NULL;
}

static struct fit_block *find_best(struct fit_heap *h, uint32_t need)
{
	struct fit_block *best = NULL;

	for (struct fit_block *f = h->head; f; f = f->next) {
		h->searched++;
		if (f->h.size < need || (best && f->h.size >= best->h.size))
			continue;
		best = f;
		if (f->h.size == need)
			break;
	}
	return best;
}

static struct fit_block *find_next(struct fit_heap *h, uint32_t need)
{
	struct fit_block *start = h->rover ? h->rover : h->head;
	struct fit_block *f = start;

	if (!f)
		return NULL;
	do {
		h->searched++;
		if (f->h.size >= need)
			return f;
		f = f->next ? f->next : h->head;
	} while (f != start);
	return NULL;
}

/* ---- allocation -------------------------------------------------------- */

struct fit_heap *fit_create(struct lab_ctx *c, enum fit_policy policy,
			    unsigned int chunk_order)
{
	struct fit_heap *h = lab_alloc(c, sizeof(*h));

	if (!h)
		return NULL;
	h->c = c;
	h->policy = policy;
	h->chunk_order = chunk_order;
	INIT_LIST_HEAD(&h->chunks);
	return h;
}

/* Allocates `need` bytes from the front of free block b. */
static void *take_block(struct fit_heap *h, struct fit_block *b, uint32_t need)
{
	struct page *chunk = chunk_of(b);
	uint32_t rest = b->h.size - need;

	/* Next fit resumes at what is left of this block (or after it). */
	if (h->policy == FIT_NEXT)
		h->rover = b;
	if (rest >= FIT_MIN_BLOCK) {
		struct fit_block *r = block_at((char *)b + need);

		r->h.size = rest;
		r->h.flags = FIT_PREV_USED;
		block_make_free(r);
		list_replace_block(h, b, r);
		h->free_bytes -= need;
		b->h.size = need;
	} else {
		list_remove_block(h, b);
		block_set_prev_used(block_next(b), true);
	}
	b->h.flags |= FIT_USED;
	if (chunk->private++ == 0)
		h->empty_chunks--;
	return (char *)b + FIT_HDR;
}

void *fit_alloc(struct fit_heap *h, size_t size)
{
	if (size == 0 || size > LAB_MAX_REQUEST)
		return NULL;
	uint32_t need = (uint32_t)ALIGN(size + FIT_HDR, (size_t)FIT_ALIGN);

	if (need < FIT_MIN_BLOCK)
		need = FIT_MIN_BLOCK;

	struct fit_block *b;

	switch (h->policy) {
	case FIT_BEST:
		b = find_best(h, need);
		break;
	case FIT_NEXT:
		b = find_next(h, need);
		break;
	default:
		b = find_first(h, need);
		break;
	}
	if (!b) {
		unsigned int order = h->chunk_order;

		/* A chunk has two fences besides its one block. */
		while (order < MAX_PAGE_ORDER && lab_order_bytes(order) - 2 * FIT_HDR < need)
			order++;
		if (lab_order_bytes(order) - 2 * FIT_HDR < need)
			return NULL;
		b = chunk_grow(h, order);
		if (!b)
			return NULL;
	}
	return take_block(h, b, need);
}

void fit_free(struct fit_heap *h, void *p)
{
	if (!p)
		return;
	struct fit_block *b = block_at((char *)p - FIT_HDR);
	struct page *chunk = virt_addr_valid(p) ? chunk_of(p) : NULL;

	if (!chunk || chunk->private2 != FIT_CHUNK_MAGIC ||
	    chunk->private3 != (unsigned long)h || !block_used(b)) {
		lab_diag(h->c, "fit: free of %p: not an allocated block of this heap, ignored", p);
		return;
	}

	/* Coalesce: a free lower neighbour keeps its place in the list and
	 * grows; else a free upper neighbour gives its place to b; else b
	 * is inserted in address order. */
	uint32_t own = b->h.size;
	struct fit_block *next = block_next(b);
	bool up = !block_used(next);

	if (!(b->h.flags & FIT_PREV_USED)) {
		uint32_t prev_size = (uint32_t)*(uint64_t *)(void *)((char *)b - 8);
		struct fit_block *prev = block_at((char *)b - prev_size);

		if (up) {
			bool rover_here = h->rover == next;

			list_remove_block(h, next);
			if (rover_here)
				h->rover = prev;
			prev->h.size += next->h.size;
			h->free_bytes += next->h.size;
		}
		prev->h.size += own;
		h->free_bytes += own;
		block_make_free(prev);
		b = prev;
	} else if (up) {
		uint32_t next_size = next->h.size;

		list_replace_block(h, next, b);
		b->h.size = own + next_size;
		h->free_bytes += own;
		block_make_free(b);
	} else {
		block_make_free(b);
		list_insert_block(h, b);
	}

	if (--chunk->private == 0) {
		/* The whole interior is one free block again.  One empty chunk
		 * of the usual order is kept for the next burst. */
		if (h->empty_chunks >= 1 || compound_order(chunk) > h->chunk_order) {
			list_remove_block(h, b);
			chunk_release(h, chunk);
		} else {
			h->empty_chunks++;
		}
	}
}

size_t fit_usable_size(const struct fit_heap *h, const void *p)
{
	(void)h;
	return block_at((char *)p - FIT_HDR)->h.size - FIT_HDR;
}

unsigned long fit_chunk_blocks_max(const struct fit_heap *h)
{
	return lab_order_bytes(h->chunk_order) / FIT_MIN_BLOCK;
}

void fit_get_stats(const struct fit_heap *h, struct fit_stats *st)
{
	st->chunks = h->nr_chunks;
	st->pages = h->pages;
	st->free_blocks = h->free_blocks;
	st->free_bytes = h->free_bytes;
	st->searched = h->searched;
}

void fit_release(struct fit_heap *h)
{
	struct page *chunk;

	list_for_each_entry_safe(chunk, &h->chunks, lru)
		chunk_release(h, chunk);
	h->head = h->rover = NULL;
	h->empty_chunks = h->free_blocks = 0;
	h->free_bytes = 0;
}

void fit_destroy(struct fit_heap *h)
{
	if (!h)
		return;
	fit_release(h);
	lab_free(h->c, h, sizeof(*h));
}

/* ---- the checker ------------------------------------------------------- */

#define FIT_BAD(h, ...)	(lab_diag((h)->c, "fit_check: " __VA_ARGS__), bad++)

int fit_check(struct fit_heap *h)
{
	struct page *chunk;
	unsigned long free_blocks = 0;
	unsigned long long free_bytes = 0;
	int bad = 0;

	list_for_each_entry(chunk, &h->chunks, lru) {
		char *base = chunk_start(chunk);
		char *end = base + chunk_bytes(chunk) - FIT_HDR;
		struct fit_block *b = chunk_first_block(chunk);
		bool prev_used = true, prev_free = false;
		unsigned long used = 0;

		while ((char *)b < end) {
			uint32_t size = b->h.size;

			if (size < FIT_MIN_BLOCK || size % FIT_ALIGN ||
			    (char *)b + size > end) {
				FIT_BAD(h, "block %p: size %u does not tile its chunk\n",
					(void *)b, size);
				break;
			}
			if (!!(b->h.flags & FIT_PREV_USED) != prev_used)
				FIT_BAD(h, "block %p: PREV_USED disagrees with its lower neighbour\n",
					(void *)b);
			if (block_used(b)) {
				used++;
				prev_free = false;
			} else {
				if (prev_free)
					FIT_BAD(h, "block %p: two adjacent free blocks\n", (void *)b);
				if (*block_footer(b) != size)
					FIT_BAD(h, "block %p: footer %llu, size %u\n", (void *)b,
						(unsigned long long)*block_footer(b), size);
				free_blocks++;
				free_bytes += size;
				prev_free = true;
			}
			prev_used = block_used(b);
			b = block_next(b);
		}
		if ((char *)b == end && !!(((struct fit_hdr *)(void *)end)->flags & FIT_PREV_USED) != prev_used)
			FIT_BAD(h, "chunk %p: end fence's PREV_USED is wrong\n", (void *)base);
		if (used != chunk->private)
			FIT_BAD(h, "chunk %p: %lu used blocks, live count %lu\n",
				(void *)base, used, chunk->private);
	}

	unsigned long listed = 0;
	struct fit_block *prev = NULL;

	for (struct fit_block *f = h->head; f && listed <= free_blocks; f = f->next) {
		if (block_used(f))
			FIT_BAD(h, "free list: block %p is in use\n", (void *)f);
		if (f->prev != prev)
			FIT_BAD(h, "free list: block %p has a wrong prev link\n", (void *)f);
		if (prev && prev >= f)
			FIT_BAD(h, "free list: %p after %p is not in address order\n",
				(void *)f, (void *)prev);
		prev = f;
		listed++;
	}
	if (listed != free_blocks || h->free_blocks != free_blocks ||
	    h->free_bytes != free_bytes)
		FIT_BAD(h, "free list: %lu listed, %lu counted, %lu free blocks in the chunks\n",
			listed, h->free_blocks, free_blocks);
	return bad;
}
