/*
 * mm/lab/exp_frag.c - external fragmentation over time: one long
 * workload of mixed sizes and lifetimes (synthetic, or a trace with
 * --trace), served by each allocator in turn, sampled as it runs.
 *
 * The workload runs in a budget: a ballast (mem.c) holds all other free
 * memory, and --budget bytes are given back as whole 4 MiB blocks, so
 * every allocator starts from the same unfragmented free memory on every
 * machine, and the buddy counts below describe the budget only.  All of
 * the lab's bookkeeping is allocated before the ballast (a trace is read
 * once to size it), so the budget holds nothing but the allocator's
 * pages; an allocation that does not fit fails and is counted.  The
 * synthetic workload starts from --seed for each allocator: all of them
 * serve the same operations (live_objects and live_kib agree sample by
 * sample, unless an allocation fails).
 *
 * Each sample row (phase "run", --samples of them evenly spaced; "end"
 * after the workload has freed everything; "settled" once the allocator
 * is destroyed and the caches shrunk) has:
 *   live_objects, live_kib     what the workload holds
 *   taken_pages                pages the allocator has taken from the
 *                              buddy for it (free-page delta)
 *   free_pages, free_oN        free pages, and free blocks per order
 *   largest_order              largest order still available, -1: none
 *   unusable_oK, extfrag_oK    Linux's indices for --order K (x1000 in
 *                              Linux; printed as 0.123 like debugfs);
 *                              extfrag is -1.000 while K can be served
 *   unusable_o10               the same for the largest block
 *   slab_pages, partial_slab_pages
 *                              pages in this allocator's slabs, and in
 *                              those of them that are partially used:
 *                              pinned by their live objects
 *   peak_live_kib, peak_taken_pages
 *                              the most bytes live and pages taken so
 *                              far, after any op (not only at samples)
 *   failed                     allocations that failed so far
 */
#include "mm/lab/lab_internal.h"

static void sample(struct lab_ctx *c, struct lab_runner *r, const char *phase)
{
	struct lab_buddy b;
	struct lab_slab_census sc;

	lab_buddy_snapshot(&b);
	lab_slab_census(lab_allocator_owns_cache, r->a, &sc);
	lab_cell_str(c, lab_allocator_names[r->a->kind]);
	lab_cell_str(c, phase);
	lab_cell_u64(c, r->ops);
	lab_cell_u64(c, r->live_objects);
	lab_cell_u64(c, r->live_bytes >> 10);
	lab_cell_u64(c, lab_runner_taken(r));
	lab_cell_u64(c, b.free_pages);
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		lab_cell_u64(c, b.blocks[o]);
	lab_cell_s64(c, lab_largest_order(&b));
	lab_cell_milli(c, lab_unusable_index(&b, c->o.order));
	lab_cell_milli(c, lab_extfrag_index(&b, c->o.order));
	lab_cell_milli(c, lab_unusable_index(&b, MAX_PAGE_ORDER));
	lab_cell_u64(c, sc.pages);
	lab_cell_u64(c, sc.partial_pages);
	lab_cell_u64(c, r->peak_live_bytes >> 10);
	lab_cell_u64(c, r->peak_taken);
	lab_cell_u64(c, r->failures);
	lab_row_end(c);
}

/*
 * Opens the workload and sizes everything the run will need before the
 * ballast is in place: a synthetic workload's slot table is known from
 * its options; a trace is read once (its bad lines are reported on this
 * first pass only), rewound, and the runner's slot table grown to the
 * most slots it used.  *total is the number of ops, for spacing samples.
 */
static struct lab_source *prepare_workload(struct lab_ctx *c, struct lab_runner *r,
					   unsigned long *total, int *err)
{
	struct lab_source *src;
	unsigned long slots;
	struct lab_op op;

	*err = 0;
	if (!c->o.trace[0]) {
		src = lab_synthetic_create(c);
		if (!src) {
			*err = -ENOMEM;
			return NULL;
		}
		/* Ops plus the frees of the final drain, at most. */
		*total = src->total;
		slots = c->o.live + (unsigned long)((unsigned long long)c->o.ops *
						    c->o.longlived / 100) + 1;
	} else {
		src = lab_trace_create(c, c->o.trace);
		if (!src) {
			*err = -EIO;
			return NULL;
		}
		*total = 0;
		while ((*err = src->next(src, &op)) > 0)
			++*total;
		c->trace_quiet = true;
		slots = lab_trace_slots(src);
		if (!*err)
			*err = lab_trace_rewind(src);
		if (*err) {
			src->destroy(src);
			return NULL;
		}
	}
	if (slots && !lab_vec_at(&r->slots, slots - 1)) {
		src->destroy(src);
		*err = -ENOMEM;
		return NULL;
	}
	return src;
}

static int run_one(struct lab_ctx *c, enum lab_alloc_kind kind)
{
	struct lab_allocator a;
	struct lab_runner r;
	struct lab_ballast ballast;
	struct lab_source *src;
	struct lab_op op;
	unsigned long total;
	int err;

	err = lab_allocator_init(c, &a, kind);
	if (err)
		return err;
	lab_runner_init(&r, c, &a);
	/* Every allocator serves the same operations: the synthetic
	 * workload starts from the seed each time. */
	c->rng = c->o.seed;
	src = prepare_workload(c, &r, &total, &err);
	if (!src) {
		lab_runner_destroy(&r);
		lab_allocator_destroy(&a);
		return err;
	}
	err = lab_ballast_fill(c, &ballast, c->o.budget);
	if (err)
		goto out;
	lab_runner_baseline(&r);
	r.track_peak = true;
	sample(c, &r, "run");

	unsigned long every = total / c->o.samples ? total / c->o.samples : 1;

	while ((err = src->next(src, &op)) > 0) {
		err = lab_runner_apply(&r, &op);
		if (err)
			break;
		if (r.ops % every == 0)
			sample(c, &r, "run");
		lab_progress(c, r.ops, total);
	}
	if (err == 0) {
		lab_runner_drain(&r);
		sample(c, &r, "end");
		lab_allocator_release(&a);
		lab_settle();
		sample(c, &r, "settled");
	}
	lab_ballast_release(&ballast);
out:
	src->destroy(src);
	lab_runner_destroy(&r);
	lab_allocator_destroy(&a);
	lab_settle();
	return err < 0 ? err : 0;
}

static int frag_run(struct lab_ctx *c)
{
	char cols[LAB_LINE_MAX];
	size_t n = 0;
	int err = 0;

	if (c->o.min_size > c->o.max_size) {
		lab_diag(c, "lab fragmentation: --min %u is larger than --max %u",
			 c->o.min_size, c->o.max_size);
		return -EINVAL;
	}
	n += (size_t)kscnprintf(cols + n, sizeof(cols) - n,
				"allocator,phase,op,live_objects,live_kib,taken_pages,free_pages");
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		n += (size_t)kscnprintf(cols + n, sizeof(cols) - n, ",free_o%u", o);
	kscnprintf(cols + n, sizeof(cols) - n,
		   ",largest_order,unusable_o%u,extfrag_o%u,unusable_o%u,slab_pages,"
		   "partial_slab_pages,peak_live_kib,peak_taken_pages,failed", c->o.order,
		   c->o.order, MAX_PAGE_ORDER);
	lab_table(c, cols);

	for (unsigned int k = 0; k < c->o.nr_allocators && !err; k++) {
		c->progress_last = 0;
		err = run_one(c, c->o.allocators[k]);
	}
	return err;
}

const struct lab_experiment lab_exp_fragmentation = {
	.name = "fragmentation",
	.summary = "free blocks, extfrag indices and pinned slab pages over a long mixed workload",
	.options = "allocators,ops,live,samples,budget,dist,min,max,life,longlived,order,"
		   "chunk-order,trace,max-errors,strict",
	.defaults = "--allocators kmalloc,buddy,first-fit --ops 200000 --live 4000 "
		    "--samples 100 --budget 20M --dist powerlaw --min 16 --max 16384 --life random "
		    "--longlived 2 --order 3 --chunk-order 4 --max-errors 10",
	.run = frag_run,
};
