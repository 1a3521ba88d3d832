/*
 * mm/lab/exp_ctor.c - object caching (Bonwick 1994): an object with an
 * expensive constructor, allocated and freed in a loop, from a cache that
 * constructs objects once per slab ("cached"), versus a cache without a
 * constructor whose user constructs every object it allocates
 * ("per-alloc").
 *
 * The constructor fills the object (--sizes, first value; 512 bytes by
 * default) with --ctor-work rounds of mixing over all its words, the
 * stand-in for initialising locks, lists and tables.  Two patterns over a
 * working set of W objects (--sets):
 *   steady   allocate W, then each step frees a random one of them and
 *            allocates a replacement: slabs never empty, so a cache with
 *            a constructor never runs it again;
 *   batch    allocate W, free all W, repeat: slabs empty, and the cache
 *            keeps only one empty slab (SLAB_EMPTY_RESERVE), so larger
 *            working sets lose their constructed objects with their slabs.
 * --ops counts allocations and frees after the first W allocations.
 *
 * Columns: mode, pattern, working_set, ops, ctor_calls, ctor_per_alloc,
 * objects_per_slab, slabs_created (a working set of W needs
 * ceil(W / objects_per_slab); more means slabs were given back and made
 * again, constructors included), cycles per allocation (including any
 * construction): alloc_median, alloc_p99, alloc_p999, alloc_max,
 * alloc_mean (the mean of all but the slowest 0.1%, which interrupts and
 * on the host the scheduler dominate: finer than the clock's steps when
 * those are coarse, since an operation shorter than a step reads 0 or 1
 * step in proportion to its length); cycles per free: free_median,
 * free_max; and mean_per_op over both.
 */
#include "mm/lab/lab_internal.h"

#define CTOR_MAGIC	0x63746f72u	/* "ctor" */

/* The constructor cannot take a context: one experiment at a time. */
static unsigned int ctor_rounds;
static unsigned int ctor_words;
static unsigned long ctor_count;

static void expensive_ctor(void *obj)
{
	uint32_t *w = obj;
	uint32_t x = CTOR_MAGIC;

	for (unsigned int r = 0; r < ctor_rounds; r++)
		for (unsigned int i = 0; i < ctor_words; i++) {
			x = x * 1664525u + 1013904223u + i;
			w[i] ^= x;
		}
	w[0] = CTOR_MAGIC;
	ctor_count++;
}

struct ctor_run {
	struct lab_ctx *c;
	struct kmem_cache *s;
	bool per_alloc;
	void **live;
	uint32_t *a_samples, *f_samples;	/* allocations, frees */
	unsigned long nr_a, nr_f, cap, allocs, bad;
	uint64_t sum;
};

static void add_sample(struct ctor_run *cr, uint32_t *samples, unsigned long *n,
		       uint64_t t)
{
	uint32_t v = (uint32_t)min(t, (uint64_t)0xffffffffu);

	if (*n < cr->cap)
		samples[(*n)++] = v;
	cr->sum += v;
}

static void *timed_alloc(struct ctor_run *cr)
{
	uint64_t t0 = lab_cycles(cr->c);
	void *p = kmem_cache_alloc(cr->s, LAB_GFP);

	if (p && cr->per_alloc)
		expensive_ctor(p);
	add_sample(cr, cr->a_samples, &cr->nr_a, lab_cycles(cr->c) - t0);
	/* The object must come back constructed in both modes. */
	if (p && *(uint32_t *)p != CTOR_MAGIC)
		cr->bad++;
	cr->allocs++;
	return p;
}

static void timed_free(struct ctor_run *cr, void *p)
{
	uint64_t t0 = lab_cycles(cr->c);

	kmem_cache_free(cr->s, p);
	add_sample(cr, cr->f_samples, &cr->nr_f, lab_cycles(cr->c) - t0);
}

/* The mean of sorted s without its slowest 0.1%. */
static uint64_t trimmed_mean(const uint32_t *s, unsigned long n)
{
	unsigned long keep = n - n / 1000;
	uint64_t sum = 0;

	for (unsigned long i = 0; i < keep; i++)
		sum += s[i];
	return keep ? sum / keep : 0;
}

static int ctor_one(struct lab_ctx *c, struct ctor_run *cr, bool per_alloc,
		    bool batch, unsigned int ws)
{
	unsigned int size = c->o.sizes[0];
	struct kmem_cache_stats st;
	struct kmem_cache_layout l;

	cr->per_alloc = per_alloc;
	cr->s = kmem_cache_create("lab-ctor", size, 0, 0, per_alloc ? NULL : expensive_ctor);
	if (!cr->s)
		return -ENOMEM;
	kmem_cache_get_layout(cr->s, &l);
	ctor_count = 0;
	cr->allocs = cr->bad = 0;

	for (unsigned int i = 0; i < ws; i++)
		cr->live[i] = timed_alloc(cr);
	cr->nr_a = cr->nr_f = 0;	/* the warm-up is not measured */
	cr->sum = 0;

	unsigned long ops = 0;

	while (ops < c->o.ops) {
		if (batch) {
			for (unsigned int i = 0; i < ws && ops < c->o.ops; i++, ops++) {
				timed_free(cr, cr->live[i]);
				cr->live[i] = NULL;
			}
			for (unsigned int i = 0; i < ws && ops < c->o.ops; i++, ops++)
				cr->live[i] = timed_alloc(cr);
		} else {
			uint32_t i = lab_rand_below(c, ws);

			timed_free(cr, cr->live[i]);
			cr->live[i] = timed_alloc(cr);
			ops += 2;
		}
	}
	for (unsigned int i = 0; i < ws; i++)
		kmem_cache_free(cr->s, cr->live[i]);
	kmem_cache_get_stats(cr->s, &st);
	kmem_cache_destroy(cr->s);
	lab_settle();

	if (cr->bad)
		lab_diag(c, "lab ctor: %lu objects came back unconstructed", cr->bad);
	lab_sort_u32(cr->a_samples, cr->nr_a);
	lab_sort_u32(cr->f_samples, cr->nr_f);

	lab_cell_str(c, per_alloc ? "per-alloc" : "cached");
	lab_cell_str(c, batch ? "batch" : "steady");
	lab_cell_u64(c, ws);
	lab_cell_u64(c, ops);
	lab_cell_u64(c, ctor_count);
	lab_cell_ratio(c, ctor_count, cr->allocs);
	lab_cell_u64(c, l.objects);
	lab_cell_u64(c, st.slabs_created);
	lab_cell_u64(c, lab_percentile(cr->a_samples, cr->nr_a, 50000));
	lab_cell_u64(c, lab_percentile(cr->a_samples, cr->nr_a, 99000));
	lab_cell_u64(c, lab_percentile(cr->a_samples, cr->nr_a, 99900));
	lab_cell_u64(c, cr->nr_a ? cr->a_samples[cr->nr_a - 1] : 0);
	lab_cell_u64(c, trimmed_mean(cr->a_samples, cr->nr_a));
	lab_cell_u64(c, lab_percentile(cr->f_samples, cr->nr_f, 50000));
	lab_cell_u64(c, cr->nr_f ? cr->f_samples[cr->nr_f - 1] : 0);
	lab_cell_u64(c, cr->nr_a + cr->nr_f ? cr->sum / (cr->nr_a + cr->nr_f) : 0);
	lab_row_end(c);
	return 0;
}

static int ctor_run(struct lab_ctx *c)
{
	struct ctor_run cr = { .c = c };
	unsigned int max_ws = 0;
	int err = 0;

	for (unsigned int i = 0; i < c->o.nr_sets; i++)
		max_ws = max(max_ws, c->o.sets[i]);
	if (c->o.sizes[0] < 2 * sizeof(uint32_t)) {
		lab_diag(c, "lab ctor: objects of %u bytes are too small", c->o.sizes[0]);
		return -EINVAL;
	}
	ctor_rounds = c->o.ctor_work;
	ctor_words = c->o.sizes[0] / sizeof(uint32_t);
	/* At most one sample per op of each kind. */
	cr.cap = c->o.ops;
	cr.live = lab_alloc(c, lab_array_bytes(max_ws, sizeof(void *)));
	cr.a_samples = lab_alloc(c, lab_array_bytes(cr.cap, sizeof(uint32_t)));
	cr.f_samples = lab_alloc(c, lab_array_bytes(cr.cap, sizeof(uint32_t)));
	if (!cr.live || !cr.a_samples || !cr.f_samples) {
		err = -ENOMEM;
		goto out;
	}
	lab_table(c, "mode,pattern,working_set,ops,ctor_calls,ctor_per_alloc,objects_per_slab,"
		     "slabs_created,alloc_median,alloc_p99,alloc_p999,alloc_max,alloc_mean,free_median,"
		     "free_max,mean_per_op");

	unsigned long steps = 4UL * c->o.nr_sets, step = 0;

	for (int batch = 0; batch < 2 && !err; batch++)
		for (unsigned int i = 0; i < c->o.nr_sets && !err; i++)
			for (int per_alloc = 0; per_alloc < 2 && !err; per_alloc++) {
				err = ctor_one(c, &cr, per_alloc, batch, c->o.sets[i]);
				lab_progress(c, ++step, steps);
			}
out:
	lab_free(c, cr.live, lab_array_bytes(max_ws, sizeof(void *)));
	lab_free(c, cr.a_samples, lab_array_bytes(cr.cap, sizeof(uint32_t)));
	lab_free(c, cr.f_samples, lab_array_bytes(cr.cap, sizeof(uint32_t)));
	return err;
}

const struct lab_experiment lab_exp_ctor = {
	.name = "ctor",
	.summary = "object caching: constructor calls and cycles, once per slab vs every allocation",
	.options = "sizes,sets,ops,ctor-work",
	.defaults = "--sizes 512 --sets 1,16,256 --ops 20000 --ctor-work 4",
	.run = ctor_run,
};
