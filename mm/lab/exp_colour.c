/*
 * mm/lab/exp_colour.c - slab colouring: how object start addresses spread
 * over the sets of a modelled L1 cache, with and without colouring.
 *
 * The model: 64-byte lines, 64 sets (a 4 KiB way: set = address bits
 * 6..11, the same in virtual and physical addresses, so the host and the
 * kernel agree).  An object's first line usually holds its hottest fields
 * (list links, locks, the key), so objects whose starts share a set
 * compete for that set's ways.
 *
 * Without colouring, object i of every slab starts at the same page
 * offset, so only objects_per_slab distinct offsets exist; colouring
 * shifts each new slab's first object by colour_off (64 bytes here) more
 * than the last, cycling through the colours the slab's unused tail
 * allows, and spreads the starts over up to colours times as many sets.
 * Powers of two leave no tail (one colour): colouring cannot help them.
 *
 * For each size a fresh cache is filled with --slabs slabs of objects,
 * once with colouring and once without (kmem_cache_set_colouring).
 * Columns: size, colouring, objects, slabs, objects_per_slab, colours,
 * start_offsets (distinct offsets of object starts within their slab:
 * objects_per_slab times the colours the slabs used), sets_used,
 * min_per_set, max_per_set, ideal_max (ceil(objects / 64): an even
 * spread over every set), bound_max (ceil(objects / min(64,
 * start_offsets)): the fewest starts the busiest set can hold when only
 * start_offsets distinct offsets exist, however they map to sets),
 * max_per_ideal.  With --by-set: size, colouring, set, objects.
 */
#include "mm/lab/lab_internal.h"

#define L1_SETS		64u
#define L1_LINE_SHIFT	6	/* 64-byte lines */

_Static_assert((1u << L1_LINE_SHIFT) == L1_CACHE_BYTES, "line size of the model");

static unsigned int set_of(const void *p)
{
	return (unsigned int)(((uintptr_t)p >> L1_LINE_SHIFT) % L1_SETS);
}

/* Offsets of object starts within a slab are multiples of SLAB_MIN_ALIGN
 * below the largest slab. */
#define MAX_OFFSETS	((PAGE_SIZE << SLAB_MAX_ORDER) / SLAB_MIN_ALIGN)
#define WORD_BITS	(8 * sizeof(unsigned long))

static unsigned long offset_in_slab(const void *p)
{
	const char *base = page_address(compound_head(virt_to_page(p)));

	return (unsigned long)((const char *)p - base);
}

static int colour_one(struct lab_ctx *c, unsigned int size, bool on, void **ptrs,
		      unsigned long cap)
{
	struct kmem_cache_layout l;
	struct kmem_cache_stats st;
	unsigned long hist[L1_SETS];
	unsigned long seen[MAX_OFFSETS / WORD_BITS];
	unsigned long offsets = 0;
	char name[KMEM_CACHE_NAME_MAX];
	int err = 0;

	ksnprintf(name, sizeof(name), "lab-colour-%u", size);
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);

	if (!s)
		return -ENOMEM;
	kmem_cache_set_colouring(s, on);
	kmem_cache_get_layout(s, &l);

	unsigned long n = c->o.slabs * l.objects;

	if (n > cap) {
		kmem_cache_destroy(s);
		return -EINVAL;
	}
	memset(hist, 0, sizeof(hist));
	memset(seen, 0, sizeof(seen));
	for (unsigned long i = 0; i < n; i++) {
		ptrs[i] = kmem_cache_alloc(s, LAB_GFP);
		if (!ptrs[i]) {
			err = -ENOMEM;
			continue;
		}
		hist[set_of(ptrs[i])]++;

		unsigned long off = offset_in_slab(ptrs[i]) / SLAB_MIN_ALIGN;

		if (off < MAX_OFFSETS &&
		    !(seen[off / WORD_BITS] & (1UL << (off % WORD_BITS)))) {
			seen[off / WORD_BITS] |= 1UL << (off % WORD_BITS);
			offsets++;
		}
	}
	kmem_cache_get_stats(s, &st);
	for (unsigned long i = 0; i < n; i++)
		kmem_cache_free(s, ptrs[i]);
	kmem_cache_destroy(s);
	lab_settle();
	if (err)
		return err;

	if (c->o.by_set) {
		for (unsigned int k = 0; k < L1_SETS; k++) {
			lab_cell_u64(c, size);
			lab_cell_str(c, on ? "on" : "off");
			lab_cell_u64(c, k);
			lab_cell_u64(c, hist[k]);
			lab_row_end(c);
		}
		return 0;
	}

	unsigned long used = 0, lo = ~0UL, hi = 0;

	for (unsigned int k = 0; k < L1_SETS; k++) {
		used += hist[k] != 0;
		lo = min(lo, hist[k]);
		hi = max(hi, hist[k]);
	}
	unsigned long ideal = DIV_ROUND_UP(n, L1_SETS);
	unsigned long bound = DIV_ROUND_UP(n, max(1UL, min(offsets, (unsigned long)L1_SETS)));

	lab_cell_u64(c, size);
	lab_cell_str(c, on ? "on" : "off");
	lab_cell_u64(c, n);
	lab_cell_u64(c, st.slabs_created);
	lab_cell_u64(c, l.objects);
	lab_cell_u64(c, l.colours);
	lab_cell_u64(c, offsets);
	lab_cell_u64(c, used);
	lab_cell_u64(c, lo);
	lab_cell_u64(c, hi);
	lab_cell_u64(c, ideal);
	lab_cell_u64(c, bound);
	lab_cell_ratio(c, hi, ideal);
	lab_row_end(c);
	return 0;
}

static int colour_run(struct lab_ctx *c)
{
	unsigned long cap = 0;
	int err = 0;

	for (unsigned int i = 0; i < c->o.nr_sizes; i++) {
		if (c->o.sizes[i] > (PAGE_SIZE << SLAB_MAX_ORDER)) {
			lab_diag(c, "lab colour: size %u is larger than a slab", c->o.sizes[i]);
			return -EINVAL;
		}
		unsigned int size = max(c->o.sizes[i], (unsigned int)SLAB_MIN_ALIGN);

		cap = max(cap, c->o.slabs * ((PAGE_SIZE << SLAB_MAX_ORDER) / size));
	}
	void **ptrs = lab_alloc(c, lab_array_bytes(cap, sizeof(void *)));

	if (!ptrs)
		return -ENOMEM;
	if (c->o.by_set)
		lab_table(c, "size,colouring,set,objects");
	else
		lab_table(c, "size,colouring,objects,slabs,objects_per_slab,colours,start_offsets,"
			     "sets_used,min_per_set,max_per_set,ideal_max,bound_max,max_per_ideal");
	for (unsigned int i = 0; i < c->o.nr_sizes && !err; i++) {
		for (int on = 1; on >= 0 && !err; on--)
			err = colour_one(c, c->o.sizes[i], on, ptrs, cap);
		lab_progress(c, i + 1, c->o.nr_sizes);
	}
	lab_free(c, ptrs, lab_array_bytes(cap, sizeof(void *)));
	return err;
}

const struct lab_experiment lab_exp_colour = {
	.name = "colour",
	.summary = "object start addresses over 64 L1 sets, with and without slab colouring",
	.options = "sizes,slabs,by-set",
	.defaults = "--sizes 192,200,1000,2000,3000,4096 --slabs 32",
	.run = colour_run,
};
