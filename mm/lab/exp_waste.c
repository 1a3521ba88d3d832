/*
 * mm/lab/exp_waste.c - internal waste: bytes taken from the buddy
 * allocator per byte requested, for objects of one size at a time, as the
 * marginal cost of one more object in steady state.
 *
 * The allocators take memory in units: a slab (cache, kmalloc), a chunk
 * (the fit heaps), a block (buddy).  Counting the pages behind a fixed
 * number of objects would bill the unused part of the last unit to the
 * sample size (256 KiB of objects in 64 KiB chunks, the last chunk
 * partly used), so the count runs from one unit boundary to another:
 *
 *   1. settle the caches, prepare the allocator (a dedicated cache's own
 *      struct kmem_cache), and allocate objects one at a time, watching
 *      the free pages;
 *   2. the first allocation that takes pages starts the span (objects
 *      served before it came from slabs others left partly used);
 *   3. the span ends just before the first allocation that takes pages
 *      once at least --objects objects (0: about 256 KiB worth, 64 to
 *      4096) are in it.
 *
 * The span is then whole units, filled: its pages over its objects is
 * what each further object costs, whatever the sample size, and the same
 * on any machine whatever other users left in kmalloc's caches.
 * By construction:
 *   cache      slab bytes / objects per slab, per object
 *   kmalloc    the same for the size class's cache (96 for 65..96, ...)
 *   buddy      2^get_order(size) pages per object (2 for 4097 bytes)
 *   *-fit      a 64 KiB chunk (--chunk-order) over the blocks it holds:
 *              size + 8-byte header, rounded up to 8, at least 32 bytes,
 *              after a 16-byte chunk header; the tail too small for one
 *              more block is shared by the chunk's blocks
 *
 * Columns: size, allocator, objects (in the span), requested_bytes
 * (objects * size), taken_pages, taken_bytes (the span's), taken_per_
 * requested, bytes_per_object, units (the units in the span: slabs,
 * chunks or blocks the allocator took), failed (1 when an allocation
 * failed and the measurement stopped: the row then covers the whole
 * units measured before it, possibly none).
 */
#include "mm/lab/lab_internal.h"

#define WASTE_AUTO_BYTES	(256UL * 1024)
#define WASTE_AUTO_MIN		64UL
#define WASTE_AUTO_MAX		4096UL

static unsigned long objects_for(struct lab_ctx *c, unsigned int size)
{
	unsigned long n = c->o.objects;

	if (n)
		return n;
	n = WASTE_AUTO_BYTES / size;
	return n < WASTE_AUTO_MIN ? WASTE_AUTO_MIN : n > WASTE_AUTO_MAX ? WASTE_AUTO_MAX : n;
}

/*
 * The most objects the measurement may allocate beyond the span's
 * minimum: those served before the first unit (free objects in slabs
 * other users left partly used), and up to two units' worth (the one the
 * minimum ends in, and the first object of the next).
 */
static unsigned long slack_for(struct lab_allocator *a, unsigned int size)
{
	struct kmem_cache *s = NULL;
	struct kmem_cache_layout l;
	struct kmem_cache_stats st;

	switch (a->kind) {
	case LAB_ALLOC_CACHE:
		if (size <= LAB_CACHE_MAX_SIZE)
			s = a->caches[DIV_ROUND_UP(size, SLAB_MIN_ALIGN)];
		break;
	case LAB_ALLOC_KMALLOC:
		if (size <= KMALLOC_MAX_CACHE_SIZE)
			s = kmalloc_slab(size, GFP_KERNEL);
		break;
	case LAB_ALLOC_BUDDY:
		break;
	default:
		return 2 * fit_chunk_blocks_max(a->heap) + 1;
	}
	if (!s)
		return 2 + 1;
	kmem_cache_get_layout(s, &l);
	kmem_cache_get_stats(s, &st);
	return (st.objects_total - st.objects_active) + 2UL * l.objects + 1;
}

/* Pages taken from the buddy allocator since `before`, the lab's own
 * bookkeeping excluded. */
static unsigned long taken_since(struct lab_ctx *c, unsigned long before,
				 unsigned long overhead)
{
	return before - nr_free_pages() - (c->overhead_pages - overhead);
}

static int measure(struct lab_ctx *c, unsigned int size, enum lab_alloc_kind kind,
		   unsigned long target)
{
	struct lab_allocator a;
	int err = lab_allocator_init(c, &a, kind);

	if (!err)
		err = lab_allocator_prepare(&a, size);
	if (err) {
		lab_allocator_destroy(&a);
		lab_settle();
		return err;
	}
	lab_settle();

	unsigned long cap = target + slack_for(&a, size);
	size_t ptr_bytes = lab_array_bytes(cap, sizeof(void *));
	void **ptrs = lab_alloc(c, ptr_bytes);

	if (!ptrs) {
		lab_allocator_destroy(&a);
		lab_settle();
		return -ENOMEM;
	}

	unsigned long before = nr_free_pages();
	unsigned long overhead = c->overhead_pages;
	unsigned long n = 0, last = 0, failed = 0, units = 0;
	/* The span: objects [start, end) and the pages taken in between. */
	unsigned long start = 0, end = 0, start_taken = 0, end_taken = 0;
	bool started = false, ended = false;

	while (n < cap && !ended) {
		void *p = lab_allocator_alloc(&a, size);

		if (!p) {
			failed = 1;
			break;
		}
		ptrs[n++] = p;

		unsigned long i = n - 1, t = taken_since(c, before, overhead);

		if (t == last)
			continue;
		/* Object i took pages: it is the first of a new unit, and
		 * the units before it are full. */
		if (!started) {
			started = true;
			start = end = i;
			start_taken = end_taken = last;
		} else {
			units++;
			end = i;
			end_taken = last;
			ended = i - start >= target;
		}
		last = t;
	}
	for (unsigned long i = 0; i < n; i++)
		lab_allocator_free(&a, ptrs[i], size);
	lab_allocator_destroy(&a);
	lab_free(c, ptrs, ptr_bytes);
	lab_settle();
	if (!ended && !failed) {
		lab_diag(c, "lab waste: %u bytes, %s: no unit boundary within %lu objects",
			 size, lab_allocator_names[kind], cap);
		return -EIO;
	}

	uint64_t objects = end - start;
	uint64_t requested = objects * size;
	uint64_t pages = end_taken - start_taken;
	uint64_t bytes = pages * PAGE_SIZE;

	lab_cell_u64(c, size);
	lab_cell_str(c, lab_allocator_names[kind]);
	lab_cell_u64(c, objects);
	lab_cell_u64(c, requested);
	lab_cell_u64(c, pages);
	lab_cell_u64(c, bytes);
	lab_cell_ratio(c, bytes, requested);
	lab_cell_ratio(c, bytes, objects);
	lab_cell_u64(c, units);
	lab_cell_u64(c, failed);
	lab_row_end(c);
	return 0;
}

static int waste_run(struct lab_ctx *c)
{
	lab_table(c, "size,allocator,objects,requested_bytes,taken_pages,taken_bytes,"
		     "taken_per_requested,bytes_per_object,units,failed");

	unsigned long steps = (unsigned long)c->o.nr_sizes * c->o.nr_allocators, step = 0;
	int err = 0;

	for (unsigned int i = 0; i < c->o.nr_sizes && !err; i++)
		for (unsigned int k = 0; k < c->o.nr_allocators && !err; k++) {
			err = measure(c, c->o.sizes[i], c->o.allocators[k],
				      objects_for(c, c->o.sizes[i]));
			lab_progress(c, ++step, steps);
		}
	return err;
}

const struct lab_experiment lab_exp_waste = {
	.name = "waste",
	.summary = "bytes taken from the buddy per byte requested (marginal), per size and allocator",
	.options = "sizes,objects,allocators,chunk-order",
	.defaults = "--sizes 8,16,24,32,48,64,80,96,100,128,160,192,200,256,320,384,"
		    "500,512,640,768,1000,1024,1280,1536,2000,2048,2560,3072,4000,"
		    "4096,4097,5000,6144,8000,8192 --objects 0 --allocators all "
		    "--chunk-order 4",
	.run = waste_run,
};
