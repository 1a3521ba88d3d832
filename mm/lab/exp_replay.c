/*
 * mm/lab/exp_replay.c - replays a trace (a ID SIZE / f ID lines, see
 * trace.c; tools/trace-malloc.so records them from real programs)
 * through each allocator and reports what it cost.
 *
 * Each allocator gets a pass over the whole trace from settled caches;
 * after every op the pages taken from the buddy allocator (free-page
 * delta, minus the lab's own ID table) are noted, so the peak is exact.
 * Objects the trace never frees are freed at its end.  While fewer than
 * 4 MiB are free, allocations are refused and counted as failed, so the
 * replay's own ID table can still grow: an allocator that runs out of
 * memory shows up in `failed`, and the replay goes on.
 *
 * Columns: allocator, ops, allocs, frees, bad_lines (every kind of bad
 * line, reported on the first pass only), failed (allocations that
 * returned NULL), unfreed (live at the end of the trace), peak_objects,
 * peak_live_kib (the most bytes requested and alive at once),
 * peak_taken_kib (the most memory taken from the buddy at once),
 * peak_taken_per_live (the two peaks' ratio: 1.000 is a perfect
 * allocator), cycles_per_op (time inside the allocator only),
 * searched_per_alloc (free blocks a fit heap looked at per allocation; 0
 * for the others), caches (slab caches the allocator allocated from: a
 * dedicated cache per distinct size rounded up to 8, or kmalloc's size
 * classes; 0 for the others).
 */
#include "mm/lab/lab_internal.h"

#define KMALLOC_CACHES_MAX	32

/* kmalloc's caches (each once) and how many allocations each has made. */
struct kmalloc_use {
	struct kmem_cache *s[KMALLOC_CACHES_MAX];
	unsigned long allocs[KMALLOC_CACHES_MAX];
	unsigned int n;
};

static void kmalloc_use_snapshot(struct kmalloc_use *u)
{
	u->n = 0;
	for (size_t size = SLAB_MIN_ALIGN; size <= KMALLOC_MAX_CACHE_SIZE; size += SLAB_MIN_ALIGN) {
		struct kmem_cache *s = kmalloc_slab(size, GFP_KERNEL);
		struct kmem_cache_stats st;
		unsigned int i = 0;

		while (i < u->n && u->s[i] != s)
			i++;
		if (!s || i < u->n || u->n == KMALLOC_CACHES_MAX)
			continue;
		kmem_cache_get_stats(s, &st);
		u->s[u->n] = s;
		u->allocs[u->n++] = st.allocs;
	}
}

/* The caches of `before` that have allocated since. */
static unsigned int kmalloc_use_count(const struct kmalloc_use *before)
{
	unsigned int used = 0;

	for (unsigned int i = 0; i < before->n; i++) {
		struct kmem_cache_stats st;

		kmem_cache_get_stats(before->s[i], &st);
		used += st.allocs != before->allocs[i];
	}
	return used;
}

static int replay_one(struct lab_ctx *c, enum lab_alloc_kind kind)
{
	struct lab_allocator a;
	struct lab_runner r;
	struct lab_trace_counts tc;
	struct lab_op op;
	int err = lab_allocator_init(c, &a, kind);

	if (err)
		return err;

	struct lab_source *src = lab_trace_create(c, c->o.trace);

	if (!src) {
		lab_allocator_destroy(&a);
		return -EIO;
	}
	struct kmalloc_use km;

	lab_settle();
	kmalloc_use_snapshot(&km);
	lab_runner_init(&r, c, &a);
	r.track_peak = true;
	r.reserve_pages = LAB_RESERVE_PAGES;
	c->progress_last = 0;
	while ((err = src->next(src, &op)) > 0) {
		err = lab_runner_apply(&r, &op);
		if (err)
			break;
		lab_progress(c, r.ops, 0);
	}
	unsigned long unfreed = r.live_objects;
	struct fit_stats fs = { 0 };
	unsigned int caches = kind == LAB_ALLOC_CACHE ? a.nr_caches :
			      kind == LAB_ALLOC_KMALLOC ? kmalloc_use_count(&km) : 0;

	if (a.heap)
		fit_get_stats(a.heap, &fs);

	lab_runner_drain(&r);
	lab_trace_get_counts(src, &tc);
	src->destroy(src);
	c->trace_quiet = true;
	lab_runner_destroy(&r);
	lab_allocator_destroy(&a);
	lab_settle();
	if (err < 0)
		return err;

	lab_cell_str(c, lab_allocator_names[kind]);
	lab_cell_u64(c, tc.allocs + tc.frees);
	lab_cell_u64(c, tc.allocs);
	lab_cell_u64(c, tc.frees);
	lab_cell_u64(c, tc.bad_lines + tc.huge + tc.duplicates + tc.unknown_frees);
	lab_cell_u64(c, r.failures);
	lab_cell_u64(c, unfreed);
	lab_cell_u64(c, r.peak_live_objects);
	lab_cell_u64(c, r.peak_live_bytes >> 10);
	lab_cell_u64(c, (uint64_t)r.peak_taken * (PAGE_SIZE >> 10));
	lab_cell_ratio(c, (uint64_t)r.peak_taken * PAGE_SIZE, r.peak_live_bytes);
	lab_cell_ratio(c, r.cycles, r.ops);
	lab_cell_ratio(c, fs.searched, r.allocs);
	lab_cell_u64(c, caches);
	lab_row_end(c);
	return 0;
}

static int replay_run(struct lab_ctx *c)
{
	int err = 0;

	if (!c->o.trace[0]) {
		lab_diag(c, "lab replay: which trace? (lab replay FILE, or --trace FILE)");
		return -EINVAL;
	}
	lab_table(c, "allocator,ops,allocs,frees,bad_lines,failed,unfreed,peak_objects,"
		     "peak_live_kib,peak_taken_kib,peak_taken_per_live,cycles_per_op,"
		     "searched_per_alloc,caches");
	for (unsigned int k = 0; k < c->o.nr_allocators && !err; k++)
		err = replay_one(c, c->o.allocators[k]);
	return err;
}

const struct lab_experiment lab_exp_replay = {
	.name = "replay",
	.summary = "replay an allocation trace (a ID SIZE / f ID) through each allocator",
	.options = "trace,allocators,chunk-order,max-errors,strict",
	.defaults = "--allocators cache,kmalloc,buddy,first-fit,best-fit,next-fit "
		    "--chunk-order 4 --max-errors 10",
	.run = replay_run,
};
