/*
 * mm/lab/exp_waste.c - internal waste: bytes taken from the buddy
 * allocator per byte requested, for objects of one size at a time.
 *
 * For each size and each allocator: settle the caches, note the free
 * pages, allocate --objects objects of that size (0: enough to fill
 * several slabs, from 64 to 4096), and count the pages that left the
 * buddy allocator.  The allocator's fixed costs (a dedicated cache's own
 * struct kmem_cache, the lab's table of pointers) are paid before the
 * baseline, so the number is what the objects cost:
 *
 *   cache      slabs: ceil(n / objects_per_slab) slabs of 2^order pages
 *   kmalloc    the same in the size class's cache (96 for 65..96, ...),
 *              after filling slabs that other users left partial
 *   buddy      n blocks of 2^get_order(size) pages
 *   *-fit      8 bytes of header per object rounded to 8, in 64 KiB
 *              chunks whose tail may be too small for one more object
 *
 * Columns: size, allocator, objects, requested_bytes (n * size),
 * taken_pages, taken_bytes, taken_per_requested, bytes_per_object,
 * failed (allocations that returned NULL).
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

static int measure(struct lab_ctx *c, unsigned int size, enum lab_alloc_kind kind,
		   void **ptrs, unsigned long n)
{
	struct lab_allocator a;
	unsigned long failed = 0;
	int err = lab_allocator_init(c, &a, kind);

	if (!err)
		err = lab_allocator_prepare(&a, size);
	if (err) {
		lab_allocator_destroy(&a);
		return err;
	}
	lab_settle();

	unsigned long before = nr_free_pages();
	unsigned long overhead = c->overhead_pages;

	for (unsigned long i = 0; i < n; i++) {
		ptrs[i] = lab_allocator_alloc(&a, size);
		if (!ptrs[i])
			failed++;
	}
	unsigned long taken = before - nr_free_pages() - (c->overhead_pages - overhead);

	for (unsigned long i = 0; i < n; i++)
		lab_allocator_free(&a, ptrs[i], size);
	lab_allocator_destroy(&a);
	lab_settle();

	uint64_t requested = (uint64_t)(n - failed) * size;
	uint64_t bytes = (uint64_t)taken * PAGE_SIZE;

	lab_cell_u64(c, size);
	lab_cell_str(c, lab_allocator_names[kind]);
	lab_cell_u64(c, n);
	lab_cell_u64(c, requested);
	lab_cell_u64(c, taken);
	lab_cell_u64(c, bytes);
	lab_cell_ratio(c, bytes, requested);
	lab_cell_ratio(c, bytes, n - failed);
	lab_cell_u64(c, failed);
	lab_row_end(c);
	return 0;
}

static int waste_run(struct lab_ctx *c)
{
	unsigned long max_n = 0;

	for (unsigned int i = 0; i < c->o.nr_sizes; i++) {
		unsigned long n = objects_for(c, c->o.sizes[i]);

		if (n > max_n)
			max_n = n;
	}
	void **ptrs = lab_alloc(c, lab_array_bytes(max_n, sizeof(void *)));

	if (!ptrs)
		return -ENOMEM;

	lab_table(c, "size,allocator,objects,requested_bytes,taken_pages,taken_bytes,"
		     "taken_per_requested,bytes_per_object,failed");

	unsigned long steps = (unsigned long)c->o.nr_sizes * c->o.nr_allocators, step = 0;
	int err = 0;

	for (unsigned int i = 0; i < c->o.nr_sizes && !err; i++)
		for (unsigned int k = 0; k < c->o.nr_allocators && !err; k++) {
			err = measure(c, c->o.sizes[i], c->o.allocators[k], ptrs,
				      objects_for(c, c->o.sizes[i]));
			lab_progress(c, ++step, steps);
		}
	lab_free(c, ptrs, lab_array_bytes(max_n, sizeof(void *)));
	return err;
}

const struct lab_experiment lab_exp_waste = {
	.name = "waste",
	.summary = "bytes taken from the buddy per byte requested, per object size and allocator",
	.options = "sizes,objects,allocators,chunk-order",
	.defaults = "--sizes 8,16,24,32,48,64,80,96,100,128,160,192,200,256,320,384,"
		    "500,512,640,768,1000,1024,1280,1536,2000,2048,2560,3072,4000,"
		    "4096,4097,5000,6144,8000,8192 --objects 0 --allocators all "
		    "--chunk-order 4",
	.run = waste_run,
};
