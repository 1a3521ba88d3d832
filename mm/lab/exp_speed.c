/*
 * mm/lab/exp_speed.c - cycles per operation and how they are distributed:
 * the seeds' question of whether an allocator is deterministic enough for
 * a kernel (the median says how fast, the 99.9th percentile and the worst
 * case how predictable).
 *
 * Operations, each timed alone with the cycle counter (rdtsc; the
 * `overhead` row is two back-to-back reads, the floor of every number):
 *   cache_alloc, cache_free    a dedicated cache per --sizes value
 *   kmalloc, kfree             the same sizes through kmalloc
 *   alloc_pages, free_pages    per --orders value
 * Each is measured in batches: allocate a batch (up to 8 MiB, and at most
 * --samples objects), then free it in allocation order, until --samples
 * of each were timed.  Batches make slab growth and shrinking part of
 * the distribution (the tail), as they are in real use.
 *
 * Columns: op, bytes, order (of the block a page op asks for; of the
 * slab for slab ops), objects_per_slab (slab ops; 0 for the others),
 * slabs (slab ops: the slabs the timed allocations created, or the timed
 * frees gave back to the buddy allocator: the slow paths), samples, min,
 * median, p90, p99, p999, max, mean.
 * With --histogram: op, bytes, order, bucket_lo, bucket_hi, count, one row
 * per non-empty power-of-two bucket [lo, hi) of cycles.
 */
#include "mm/lab/lab_internal.h"

#define SPEED_BATCH_BYTES	(8UL << 20)
#define NR_BUCKETS		33

enum speed_kind { SPEED_OVERHEAD, SPEED_CACHE, SPEED_KMALLOC, SPEED_PAGES };

struct speed {
	struct lab_ctx *c;
	uint32_t *a_samples, *f_samples;
	void **batch;
	unsigned long cap;
	/* Slabs created by the timed allocations, given back by the timed
	 * frees (slab ops). */
	unsigned long slabs_made, slabs_freed;
};

static uint32_t clamp32(uint64_t v)
{
	return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

static void emit(struct lab_ctx *c, const char *op, unsigned long bytes, unsigned int order,
		 unsigned int per_slab, unsigned long slabs, uint32_t *s, unsigned long n)
{
	uint64_t sum = 0;

	for (unsigned long i = 0; i < n; i++)
		sum += s[i];
	lab_sort_u32(s, n);
	if (c->o.histogram) {
		unsigned long i = 0;

		for (unsigned int b = 0; b < NR_BUCKETS && i < n; b++) {
			uint64_t lo = b ? 1ULL << (b - 1) : 0, hi = 1ULL << b;
			unsigned long count = 0;

			while (i < n && s[i] < hi) {
				count++;
				i++;
			}
			if (!count)
				continue;
			lab_cell_str(c, op);
			lab_cell_u64(c, bytes);
			lab_cell_u64(c, order);
			lab_cell_u64(c, lo);
			lab_cell_u64(c, hi);
			lab_cell_u64(c, count);
			lab_row_end(c);
		}
		return;
	}
	lab_cell_str(c, op);
	lab_cell_u64(c, bytes);
	lab_cell_u64(c, order);
	lab_cell_u64(c, per_slab);
	lab_cell_u64(c, slabs);
	lab_cell_u64(c, n);
	lab_cell_u64(c, n ? s[0] : 0);
	lab_cell_u64(c, lab_percentile(s, n, 50000));
	lab_cell_u64(c, lab_percentile(s, n, 90000));
	lab_cell_u64(c, lab_percentile(s, n, 99000));
	lab_cell_u64(c, lab_percentile(s, n, 99900));
	lab_cell_u64(c, n ? s[n - 1] : 0);
	lab_cell_u64(c, n ? sum / n : 0);
	lab_row_end(c);
}

static void *do_alloc(enum speed_kind kind, struct kmem_cache *s, unsigned long bytes,
		      unsigned int order)
{
	switch (kind) {
	case SPEED_CACHE:
		return kmem_cache_alloc(s, LAB_GFP);
	case SPEED_KMALLOC:
		return kmalloc(bytes, LAB_GFP);
	default: {
		struct page *page = alloc_pages(LAB_GFP, order);

		return page ? page_address(page) : NULL;
	}
	}
}

static void do_free(enum speed_kind kind, struct kmem_cache *s, void *p, unsigned int order)
{
	switch (kind) {
	case SPEED_CACHE:
		kmem_cache_free(s, p);
		break;
	case SPEED_KMALLOC:
		kfree(p);
		break;
	default:
		free_pages((unsigned long)p, order);
		break;
	}
}

static void slab_counts(struct kmem_cache *s, unsigned long *made, unsigned long *freed)
{
	struct kmem_cache_stats st;

	*made = *freed = 0;
	if (!s)
		return;
	kmem_cache_get_stats(s, &st);
	*made = st.slabs_created;
	*freed = st.slabs_destroyed;
}

/* Times `samples` allocations and frees of one kind; returns how many
 * were timed (fewer if memory ran out).  `counted` is the slab cache
 * whose slabs the operations create and free (NULL for pages). */
static unsigned long time_pair(struct speed *sp, enum speed_kind kind,
			       struct kmem_cache *s, struct kmem_cache *counted,
			       unsigned long bytes, unsigned int order)
{
	struct lab_ctx *c = sp->c;
	unsigned long made0, freed0, made1, freed1;
	unsigned long batch = min(sp->cap, SPEED_BATCH_BYTES / bytes);
	unsigned long done = 0;

	if (batch == 0)
		batch = 1;
	sp->slabs_made = sp->slabs_freed = 0;
	while (done < c->o.samples) {
		unsigned long n = min(batch, c->o.samples - done), got = 0;

		slab_counts(counted, &made0, &freed0);
		for (; got < n; got++) {
			uint64_t t0 = lab_cycles(c);
			void *p = do_alloc(kind, s, bytes, order);
			uint64_t t1 = lab_cycles(c);

			if (!p)
				break;
			sp->batch[got] = p;
			sp->a_samples[done + got] = clamp32(t1 - t0);
		}
		slab_counts(counted, &made1, &freed1);
		sp->slabs_made += made1 - made0;
		for (unsigned long i = 0; i < got; i++) {
			uint64_t t0 = lab_cycles(c);

			do_free(kind, s, sp->batch[i], order);
			sp->f_samples[done + i] = clamp32(lab_cycles(c) - t0);
		}
		slab_counts(counted, &made0, &freed0);
		sp->slabs_freed += freed0 - freed1;
		done += got;
		if (got < n) {
			lab_diag(c, "lab speed: out of memory after %lu allocations of %lu bytes",
				 done, bytes);
			break;
		}
	}
	return done;
}

static int speed_run(struct lab_ctx *c)
{
	struct speed sp = { .c = c, .cap = c->o.samples };
	size_t sbytes = lab_array_bytes(c->o.samples, sizeof(uint32_t));
	char name[KMEM_CACHE_NAME_MAX];
	int err = 0;

	sp.a_samples = lab_alloc(c, sbytes);
	sp.f_samples = lab_alloc(c, sbytes);
	sp.batch = lab_alloc(c, lab_array_bytes(c->o.samples, sizeof(void *)));
	if (!sp.a_samples || !sp.f_samples || !sp.batch) {
		err = -ENOMEM;
		goto out;
	}
	if (c->o.histogram)
		lab_table(c, "op,bytes,order,bucket_lo,bucket_hi,count");
	else
		lab_table(c, "op,bytes,order,objects_per_slab,slabs,samples,min,median,p90,p99,"
			     "p999,max,mean");

	/* The clock's own cost. */
	for (unsigned long i = 0; i < c->o.samples; i++) {
		uint64_t t0 = lab_cycles(c);

		sp.a_samples[i] = clamp32(lab_cycles(c) - t0);
	}
	emit(c, "overhead", 0, 0, 0, 0, sp.a_samples, c->o.samples);

	unsigned long steps = 2UL * c->o.nr_sizes + c->o.nr_orders, step = 0;

	lab_settle();
	for (unsigned int i = 0; i < c->o.nr_sizes; i++) {
		unsigned int size = c->o.sizes[i];
		struct kmem_cache_layout l;
		unsigned long n;

		if (size > KMALLOC_MAX_CACHE_SIZE) {
			lab_diag(c, "lab speed: size %u: slab sizes go up to %lu", size,
				 KMALLOC_MAX_CACHE_SIZE);
			err = -EINVAL;
			goto out;
		}
		ksnprintf(name, sizeof(name), "lab-speed-%u", size);
		struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);

		if (!s) {
			err = -ENOMEM;
			goto out;
		}
		kmem_cache_get_layout(s, &l);
		n = time_pair(&sp, SPEED_CACHE, s, s, size, 0);
		emit(c, "cache_alloc", size, l.order, l.objects, sp.slabs_made, sp.a_samples, n);
		emit(c, "cache_free", size, l.order, l.objects, sp.slabs_freed, sp.f_samples, n);
		kmem_cache_destroy(s);
		lab_progress(c, ++step, steps);

		s = kmalloc_slab(size, GFP_KERNEL);
		kmem_cache_get_layout(s, &l);
		n = time_pair(&sp, SPEED_KMALLOC, NULL, s, size, 0);
		emit(c, "kmalloc", size, l.order, l.objects, sp.slabs_made, sp.a_samples, n);
		emit(c, "kfree", size, l.order, l.objects, sp.slabs_freed, sp.f_samples, n);
		lab_settle();
		lab_progress(c, ++step, steps);
	}
	for (unsigned int i = 0; i < c->o.nr_orders; i++) {
		unsigned int order = c->o.orders[i];
		unsigned long n = time_pair(&sp, SPEED_PAGES, NULL, NULL, lab_order_bytes(order),
					    order);

		emit(c, "alloc_pages", lab_order_bytes(order), order, 0, 0, sp.a_samples, n);
		emit(c, "free_pages", lab_order_bytes(order), order, 0, 0, sp.f_samples, n);
		lab_progress(c, ++step, steps);
	}
out:
	lab_free(c, sp.a_samples, sbytes);
	lab_free(c, sp.f_samples, sbytes);
	lab_free(c, sp.batch, lab_array_bytes(c->o.samples, sizeof(void *)));
	return err;
}

const struct lab_experiment lab_exp_speed = {
	.name = "speed",
	.summary = "cycles per alloc/free: median, 99.9th percentile and worst case, per allocator",
	.options = "sizes,orders,samples,histogram",
	.defaults = "--sizes 64,512,4096 --orders 0,1,2,3,4,6,8,10 --samples 10000",
	.run = speed_run,
};
