/*
 * mm/lab/exp_pinning.c - pages pinned by partially used slabs.
 *
 * For each size, a fresh cache is filled with --slabs slabs' worth of
 * objects; then --free percent of them are freed and the pages the cache
 * still holds are counted before and after kmem_cache_shrink, for two
 * ways of choosing the freed objects:
 *
 *   random    a uniformly random subset: each slab keeps a few survivors
 *             (with k objects per slab, a slab empties only with
 *             probability ~free^k), so nearly every page stays pinned;
 *   grouped   the survivors are the objects allocated first, as when
 *             objects of one lifetime are allocated together (or from a
 *             cache of their own): they share as few slabs as possible.
 *
 * Columns: size, frees, objects_per_slab, pages_per_slab, objects, freed,
 * pages_filled, pages_before_shrink, partial_slabs, empty_slabs (before
 * shrinking: the cache keeps one empty slab, SLAB_EMPTY_RESERVE),
 * pages_after_shrink, pages_needed (what the survivors would need packed
 * densely), pinned_per_needed (pages_after_shrink / pages_needed).
 */
#include "mm/lab/lab_internal.h"

static bool is_cache(struct kmem_cache *s, void *arg)
{
	return s == arg;
}

static int pin_one(struct lab_ctx *c, unsigned int size, bool grouped,
		   void **ptrs, uint32_t *order, unsigned long cap)
{
	struct kmem_cache_layout l;
	struct lab_slab_census full, before, after;
	char name[KMEM_CACHE_NAME_MAX];

	ksnprintf(name, sizeof(name), "lab-pin-%u", size);
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);

	if (!s)
		return -ENOMEM;
	kmem_cache_get_layout(s, &l);

	unsigned long n = c->o.slabs * l.objects;
	unsigned long freed = n * c->o.free_pct / 100;
	unsigned long pps = 1UL << l.order;
	int err = 0;

	if (n > cap) {
		lab_diag(c, "lab pinning: %lu objects of %u bytes: more than %lu", n, size, cap);
		kmem_cache_destroy(s);
		return -EINVAL;
	}
	for (unsigned long i = 0; i < n; i++) {
		ptrs[i] = kmem_cache_alloc(s, LAB_GFP);
		if (!ptrs[i])
			err = -ENOMEM;
		order[i] = (uint32_t)i;
	}
	lab_slab_census(is_cache, s, &full);

	/* Random: a random subset; grouped: all but the first survivors,
	 * freed in random order (which slab is kept empty depends on it). */
	if (grouped)
		lab_shuffle_u32(c, order + (n - freed), freed);
	else
		lab_shuffle_u32(c, order, n);
	uint32_t *victims = grouped ? order + (n - freed) : order;

	for (unsigned long i = 0; i < freed; i++) {
		kmem_cache_free(s, ptrs[victims[i]]);
		ptrs[victims[i]] = NULL;
	}
	lab_slab_census(is_cache, s, &before);
	kmem_cache_shrink(s);
	lab_slab_census(is_cache, s, &after);

	unsigned long survivors = n - freed;
	unsigned long needed = DIV_ROUND_UP(survivors, l.objects) * pps;

	lab_cell_u64(c, size);
	lab_cell_str(c, grouped ? "grouped" : "random");
	lab_cell_u64(c, l.objects);
	lab_cell_u64(c, pps);
	lab_cell_u64(c, n);
	lab_cell_u64(c, freed);
	lab_cell_u64(c, full.pages);
	lab_cell_u64(c, before.pages);
	lab_cell_u64(c, before.partial_slabs);
	lab_cell_u64(c, before.empty_pages / pps);
	lab_cell_u64(c, after.pages);
	lab_cell_u64(c, needed);
	lab_cell_ratio(c, after.pages, needed);
	lab_row_end(c);

	for (unsigned long i = 0; i < n; i++)
		kmem_cache_free(s, ptrs[i]);
	kmem_cache_destroy(s);
	lab_settle();
	return err;
}

static int pinning_run(struct lab_ctx *c)
{
	/* Objects per slab are at most a largest slab over the size. */
	unsigned long cap = 0;

	for (unsigned int i = 0; i < c->o.nr_sizes; i++) {
		unsigned int size = max(c->o.sizes[i], (unsigned int)SLAB_MIN_ALIGN);
		unsigned long n = c->o.slabs * ((PAGE_SIZE << SLAB_MAX_ORDER) / size);

		cap = max(cap, n);
	}
	void **ptrs = lab_alloc(c, lab_array_bytes(cap, sizeof(void *)));
	uint32_t *order = lab_alloc(c, lab_array_bytes(cap, sizeof(uint32_t)));
	int err = 0;

	if (!ptrs || !order) {
		err = -ENOMEM;
		goto out;
	}
	lab_table(c, "size,frees,objects_per_slab,pages_per_slab,objects,freed,pages_filled,"
		     "pages_before_shrink,partial_slabs,empty_slabs,pages_after_shrink,"
		     "pages_needed,pinned_per_needed");
	for (unsigned int i = 0; i < c->o.nr_sizes && !err; i++) {
		if (c->o.sizes[i] > (PAGE_SIZE << SLAB_MAX_ORDER)) {
			lab_diag(c, "lab pinning: size %u is larger than a slab", c->o.sizes[i]);
			err = -EINVAL;
			break;
		}
		for (int g = 0; g < 2 && !err; g++)
			err = pin_one(c, c->o.sizes[i], g, ptrs, order, cap);
		lab_progress(c, i + 1, c->o.nr_sizes);
	}
out:
	lab_free(c, ptrs, lab_array_bytes(cap, sizeof(void *)));
	lab_free(c, order, lab_array_bytes(cap, sizeof(uint32_t)));
	return err;
}

const struct lab_experiment lab_exp_pinning = {
	.name = "pinning",
	.summary = "pages still held after freeing most objects: random versus lifetime-grouped frees",
	.options = "sizes,slabs,free",
	.defaults = "--sizes 32,64,256,1024,4096 --slabs 64 --free 90",
	.run = pinning_run,
};
