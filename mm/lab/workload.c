/*
 * mm/lab/workload.c - synthetic workloads, and the runner that applies
 * any op stream (synthetic or a trace) to one of the allocators.
 *
 * A synthetic workload is a stream of --ops operations on numbered slots:
 *   - it first allocates until --live short-lived objects are alive, then
 *     allocates or frees with equal chance (allocating when at most half
 *     of --live are alive, freeing when all are), so the live set wanders
 *     between --live / 2 and --live;
 *   - each allocation is long-lived with probability --longlived percent:
 *     it is freed only at the end, and pins whatever it sits in;
 *   - which short-lived object a free takes is --life: lifo (the newest),
 *     fifo (the oldest) or random;
 *   - sizes are --dist: fixed (--min), uniform in [--min, --max], or
 *     powerlaw: P(size > s) proportional to 1/s on [--min, --max]
 *     (density ~ 1/s^2: most requests small, a long tail of large ones);
 *   - after --ops operations every object still alive is freed (short-
 *     lived ones in --life order, then long-lived ones oldest first).
 * Everything is drawn from the lab's seeded generator.
 */
#include "mm/lab/lab_internal.h"

/* ---- sizes ------------------------------------------------------------- */

uint32_t lab_draw_size(struct lab_ctx *c)
{
	uint32_t lo = c->o.min_size, hi = c->o.max_size;

	if (hi < lo)
		hi = lo;
	switch (c->o.dist) {
	case LAB_DIST_UNIFORM:
		return lo + lab_rand_below(c, hi - lo + 1);
	case LAB_DIST_POWERLAW: {
		/* Inverse transform of a Pareto(1) law truncated to [lo, hi]:
		 * size = lo / u with u uniform in [lo / hi, 1], in 32.32 fixed
		 * point so that it needs no floating point. */
		uint64_t one = 1ULL << 32;
		uint64_t u_min = ((uint64_t)lo << 32) / hi;
		uint64_t u = u_min + lab_rand(c) % (one - u_min + 1);
		uint64_t s = ((uint64_t)lo << 32) / (u ? u : 1);

		return (uint32_t)(s < lo ? lo : s > hi ? hi : s);
	}
	default:
		return lo;
	}
}

/* ---- the synthetic source ---------------------------------------------- */

struct synth {
	struct lab_source src;
	struct lab_ctx *c;
	unsigned long done;		/* ops emitted before the drain */
	uint32_t *free_slots;		/* stack of unused slots */
	unsigned long nr_free_slots, nr_slots;
	uint32_t *live;			/* short-lived slots */
	unsigned long live_head, live_count, live_cap;
	uint32_t *longs;		/* long-lived slots, oldest first */
	unsigned long nr_longs, longs_cap, longs_drained;
	bool ramped;
};

static size_t synth_bytes(unsigned long n)
{
	return lab_array_bytes(n, sizeof(uint32_t));
}

/* The i-th short-lived object in the order they were allocated. */
static uint32_t *live_at(struct synth *w, unsigned long i)
{
	return &w->live[(w->live_head + i) % w->live_cap];
}

static uint32_t take_short(struct synth *w)
{
	struct lab_ctx *c = w->c;
	uint32_t slot;

	switch (c->o.life) {
	case LAB_LIFE_FIFO:
		slot = *live_at(w, 0);
		w->live_head = (w->live_head + 1) % w->live_cap;
		break;
	case LAB_LIFE_RANDOM: {
		uint32_t i = lab_rand_below(c, (uint32_t)w->live_count);

		slot = *live_at(w, i);
		*live_at(w, i) = *live_at(w, w->live_count - 1);
		break;
	}
	default:	/* LIFO */
		slot = *live_at(w, w->live_count - 1);
		break;
	}
	w->live_count--;
	return slot;
}

static int synth_next(struct lab_source *src, struct lab_op *op)
{
	struct synth *w = container_of(src, struct synth, src);
	struct lab_ctx *c = w->c;

	if (w->done >= c->o.ops) {
		/* The drain: short-lived objects, then long-lived ones. */
		if (w->live_count) {
			op->kind = LAB_OP_FREE;
			op->slot = take_short(w);
			return 1;
		}
		if (w->longs_drained < w->nr_longs) {
			op->kind = LAB_OP_FREE;
			op->slot = w->longs[w->longs_drained++];
			return 1;
		}
		return 0;
	}
	w->done++;

	bool alloc;
	unsigned long target = c->o.live;

	if (w->live_count >= target)
		w->ramped = true;
	if (!w->ramped || w->live_count <= target / 2)
		alloc = w->live_count < target;
	else if (w->live_count >= target)
		alloc = false;
	else
		alloc = lab_rand_below(c, 2) == 0;
	if (!alloc && w->live_count == 0)
		alloc = true;

	if (!alloc) {
		op->kind = LAB_OP_FREE;
		op->slot = take_short(w);
		w->free_slots[w->nr_free_slots++] = op->slot;
		return 1;
	}

	bool is_long = c->o.longlived && w->nr_longs < w->longs_cap &&
		       lab_rand_below(c, 100) < c->o.longlived;

	op->kind = LAB_OP_ALLOC;
	op->size = lab_draw_size(c);
	op->slot = w->free_slots[--w->nr_free_slots];
	if (is_long) {
		w->longs[w->nr_longs++] = op->slot;
	} else {
		*live_at(w, w->live_count) = op->slot;
		w->live_count++;
	}
	return 1;
}

static void synth_destroy(struct lab_source *src)
{
	struct synth *w = container_of(src, struct synth, src);
	struct lab_ctx *c = w->c;

	lab_free(c, w->free_slots, synth_bytes(w->nr_slots));
	lab_free(c, w->live, synth_bytes(w->live_cap));
	lab_free(c, w->longs, synth_bytes(w->longs_cap ? w->longs_cap : 1));
	lab_free(c, w, sizeof(*w));
}

struct lab_source *lab_synthetic_create(struct lab_ctx *c)
{
	struct synth *w = lab_alloc(c, sizeof(*w));

	if (!w)
		return NULL;
	w->c = c;
	w->src.next = synth_next;
	w->src.destroy = synth_destroy;
	w->live_cap = c->o.live;
	/* Allocations are at most ops, so long-lived ones at most this. */
	w->longs_cap = c->o.longlived ?
		(unsigned long)((unsigned long long)c->o.ops * c->o.longlived / 100) + 1 : 0;
	w->nr_slots = w->live_cap + w->longs_cap;
	w->free_slots = lab_alloc(c, synth_bytes(w->nr_slots));
	w->live = lab_alloc(c, synth_bytes(w->live_cap));
	w->longs = lab_alloc(c, synth_bytes(w->longs_cap ? w->longs_cap : 1));
	if (!w->free_slots || !w->live || !w->longs) {
		synth_destroy(&w->src);
		return NULL;
	}
	/* Lowest slot first. */
	for (unsigned long i = 0; i < w->nr_slots; i++)
		w->free_slots[i] = (uint32_t)(w->nr_slots - 1 - i);
	w->nr_free_slots = w->nr_slots;
	/* Ops plus the drain, for progress. */
	w->src.total = c->o.ops + c->o.live + w->longs_cap;
	return &w->src;
}

/* ---- the runner -------------------------------------------------------- */

/*
 * Each object gets a tag byte at its first and last byte, checked when it
 * is freed: a cheap guard that catches an allocator handing out
 * overlapping memory.
 */
static uint8_t tag_of(uint32_t slot)
{
	return (uint8_t)(slot * 131u + 7u);
}

int lab_runner_init(struct lab_runner *r, struct lab_ctx *c, struct lab_allocator *a)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->a = a;
	lab_vec_init(&r->slots, c, sizeof(struct lab_slot));
	lab_runner_baseline(r);
	return 0;
}

void lab_runner_baseline(struct lab_runner *r)
{
	r->base_free = nr_free_pages();
	r->base_overhead = r->c->overhead_pages;
	r->taken = r->peak_taken = 0;
}

unsigned long lab_runner_taken(struct lab_runner *r)
{
	long taken = (long)r->base_free - (long)nr_free_pages() -
		     ((long)r->c->overhead_pages - (long)r->base_overhead);

	r->taken = taken > 0 ? (unsigned long)taken : 0;
	if (r->taken > r->peak_taken) {
		r->peak_taken = r->taken;
		r->live_bytes_at_peak = r->live_bytes;
	}
	return r->taken;
}

int lab_runner_apply(struct lab_runner *r, const struct lab_op *op)
{
	struct lab_slot *e = lab_vec_at(&r->slots, op->slot);

	if (!e)
		return -ENOMEM;
	r->ops++;
	if (op->kind == LAB_OP_ALLOC) {
		uint32_t size = op->size ? op->size : 1;	/* malloc(0) */
		void *p = NULL;

		if (!r->reserve_pages || nr_free_pages() >= r->reserve_pages) {
			uint64_t t0 = lab_cycles(r->c);

			p = lab_allocator_alloc(r->a, size);
			r->cycles += lab_cycles(r->c) - t0;
		}
		r->allocs++;
		e->ptr = p;
		e->size = size;
		if (!p) {
			r->failures++;
		} else {
			((uint8_t *)p)[0] = tag_of(op->slot);
			((uint8_t *)p)[size - 1] = tag_of(op->slot);
			r->live_objects++;
			r->live_bytes += size;
			if (r->live_objects > r->peak_live_objects)
				r->peak_live_objects = r->live_objects;
			if (r->live_bytes > r->peak_live_bytes)
				r->peak_live_bytes = r->live_bytes;
		}
	} else {
		void *p = e->ptr;

		r->frees++;
		if (!p)
			goto out;	/* its allocation failed: nothing to free */
		if (((uint8_t *)p)[0] != tag_of(op->slot) ||
		    ((uint8_t *)p)[e->size - 1] != tag_of(op->slot))
			lab_diag(r->c, "lab %s: %s: object %p (slot %u, %u bytes) was overwritten: overlapping allocations?",
				 r->c->exp->name, lab_allocator_names[r->a->kind], p,
				 op->slot, e->size);

		uint64_t t0 = lab_cycles(r->c);

		lab_allocator_free(r->a, p, e->size);
		r->cycles += lab_cycles(r->c) - t0;
		r->live_objects--;
		r->live_bytes -= e->size;
		e->ptr = NULL;
	}
out:
	if (r->track_peak)
		lab_runner_taken(r);
	return 0;
}

void lab_runner_drain(struct lab_runner *r)
{
	unsigned long n = r->slots.nr_chunks * r->slots.per_chunk;

	for (unsigned long i = 0; i < n && r->live_objects; i++) {
		struct lab_slot *e = lab_vec_at(&r->slots, i);

		if (e->ptr) {
			struct lab_op op = { .kind = LAB_OP_FREE, .slot = (uint32_t)i };

			lab_runner_apply(r, &op);
		}
	}
}

void lab_runner_destroy(struct lab_runner *r)
{
	lab_vec_destroy(&r->slots);
}
