/*
 * tools/bench/rows_slab.c - the slab layer's rows and kmalloc's, with the
 * glibc references that only they use.
 *
 * Every row boots a 64 MiB map (with a cmdline for the debugging rows)
 * and shapes the caches so that the timed loop sees one known state:
 *
 *   pair, held    kmem_cache_alloc + kmem_cache_free of one dedicated
 *                 cache ("bench-SIZE"); one more object of the cache is
 *                 held, so its slab stays on the partial list: the pair
 *                 pops the slab's freelist head and pushes it back, no
 *                 list moves.  The state of a cache in use.
 *   pair, empty   no other object: the slab goes from the free list to
 *                 the partial list on every alloc and back on every free
 *                 (it is the cache's one empty slab, kept in reserve).
 *   no check      as "held", freed with bench_kmem_cache_free_nocheck: a
 *                 private copy of mm/slab.c's kmem_cache_free built with
 *                 SLAB_BENCH_NO_FREE_CHECK=1, which leaves out the
 *                 always-on double-free check and nothing else (Makefile).
 *   bulk N        kmem_cache_alloc_bulk of N objects, then
 *                 kmem_cache_free_bulk of them; time per object.  Setup
 *                 fills enough slabs for N and frees all of their objects
 *                 but one each, so every slab stays partial (no slab is
 *                 created or given back in the loop).
 *   kmalloc mix   kmalloc + kfree over a fixed sequence of sizes 8..8192
 *                 drawn from --seed, weighted toward small sizes (below);
 *                 one object of every kmalloc class is held.
 *   debugging     the held 256 B pair after booting with slab_debug=FZPU
 *                 for its cache, init_on_alloc=1 or init_on_free=1.
 *
 * glibc's references: malloc+free of the same sequence, and N mallocs of
 * 256 B then N frees.  Every teardown frees what setup held, destroys the
 * cache and checks that mm is as booted.
 */
#define _GNU_SOURCE
#include "tools/bench/rows.h"

#include "arch/host/host.h"
#include "mm/mm.h"
#include "mm/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the mixed size sequence ------------------------------------------------------ */

#define MIX_LEN		4096u	/* sizes in the sequence; a power of two */
#define MIX_MAX		KMALLOC_MAX_CACHE_SIZE

/* How the sizes of the kmalloc mix are drawn: a band, then a size
 * uniformly in it.  Most kernel allocations are small (Linux's
 * kmalloc-32..256 caches hold most objects on a running system); a few
 * percent reach the page-sized classes. */
static const struct {
	unsigned int lo, hi, percent;
} mix_bands[] = {
	{ 8, 64, 40 },
	{ 65, 256, 30 },
	{ 257, 1024, 18 },
	{ 1025, 4096, 9 },
	{ 4097, MIX_MAX, 3 },
};

static uint32_t mix_sizes[MIX_LEN];

_Static_assert((MIX_LEN & (MIX_LEN - 1)) == 0, "MIX_LEN indexes with a mask");

/* The same sequence for mm and glibc: a function of --seed only. */
static void mix_make(struct bench_ctx *c)
{
	uint64_t rng = c->seed ^ 0x6d6978ULL;	/* "mix" */
	unsigned long total = 0;

	for (unsigned int i = 0; i < MIX_LEN; i++) {
		unsigned int pick = (unsigned int)(bench_rng_next(&rng) % 100), b = 0;

		while (pick >= mix_bands[b].percent) {
			pick -= mix_bands[b].percent;
			b++;
		}
		mix_sizes[i] = mix_bands[b].lo + (uint32_t)(bench_rng_next(&rng) %
			       (mix_bands[b].hi - mix_bands[b].lo + 1));
		total += mix_sizes[i];
	}
	snprintf(c->note, sizeof(c->note), "%u sizes 8..%lu B, mean %lu B", MIX_LEN,
		 MIX_MAX, total / MIX_LEN);
}

/* ---- state of the mm rows ---------------------------------------------------------- */

#define BULK_MAX	64
/* The most objects a row holds: one per slab for BULK_MAX plus two
 * slabs, or one per kmalloc class. */
#define HELD_MAX	(BULK_MAX + 16)

static struct {
	struct kmem_cache *cache;
	void *held[HELD_MAX];
	size_t nheld;
	void *bulk[BULK_MAX];
} sb;

/* What the debugging rows boot with (arg2 of the held rows). */
static const char *const slab_cmdlines[] = {
	[SLAB_BOOT_PLAIN] = "",
	[SLAB_BOOT_FZPU] = "slab_debug=FZPU,bench-256",
	[SLAB_BOOT_INIT_ON_ALLOC] = "init_on_alloc=1",
	[SLAB_BOOT_INIT_ON_FREE] = "init_on_free=1",
};

_Static_assert(ARRAY_SIZE(slab_cmdlines) == NR_SLAB_BOOTS, "a cmdline per mode");

static int hold(struct bench_ctx *c, void *p)
{
	if (!p) {
		bench_error(c, "allocation failed in setup");
		return -1;
	}
	if (sb.nheld == HELD_MAX) {
		bench_error(c, "more than %d held objects", HELD_MAX);
		return -1;
	}
	sb.held[sb.nheld++] = p;
	return 0;
}

/* Boots (with the row's cmdline) and creates the row's cache, of arg
 * bytes. */
static int boot_and_create(struct bench_ctx *c, enum slab_boot mode)
{
	char name[KMEM_CACHE_NAME_MAX];

	memset(&sb, 0, sizeof(sb));
	if (bench_boot_setup_cmdline(c, PAIR_MAP_MIB, slab_cmdlines[mode]))
		return -1;
	snprintf(name, sizeof(name), "bench-%lu", c->row->arg);
	sb.cache = kmem_cache_create(name, (unsigned int)c->row->arg, 0, 0, NULL);
	if (!sb.cache) {
		bench_error(c, "kmem_cache_create(%s) failed: %.100s", name, mm_host_log());
		return -1;
	}
	return 0;
}

static void note_layout(struct bench_ctx *c, const char *what)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(sb.cache, &l);
	snprintf(c->note, sizeof(c->note), "%s; stride %u, %u per %u KiB slab%s", what,
		 l.size, l.objects, (4u << l.order),
		 (l.flags & (SLAB_RED_ZONE | SLAB_POISON)) ? ", FZPU" : "");
}

/* arg: object size; arg2: enum slab_boot. */
int slab_held_setup(struct bench_ctx *c)
{
	if (boot_and_create(c, (enum slab_boot)c->row->arg2) ||
	    hold(c, kmem_cache_alloc(sb.cache, GFP_KERNEL)))
		return -1;
	note_layout(c, slab_cmdlines[c->row->arg2][0] ?
		    slab_cmdlines[c->row->arg2] : "held: slab stays partial");
	return 0;
}

/* arg: object size. */
int slab_empty_setup(struct bench_ctx *c)
{
	if (boot_and_create(c, SLAB_BOOT_PLAIN))
		return -1;
	note_layout(c, "empty: slab moves free <-> partial");
	return 0;
}

/* arg: object size; arg2: objects per bulk call. */
int slab_bulk_setup(struct bench_ctx *c)
{
	struct kmem_cache_layout l;
	size_t nr = c->row->arg2;

	if (nr > BULK_MAX) {
		bench_error(c, "bulk of %zu > %d", nr, BULK_MAX);
		return -1;
	}
	if (boot_and_create(c, SLAB_BOOT_PLAIN))
		return -1;
	kmem_cache_get_layout(sb.cache, &l);
	if (l.objects < 2) {
		bench_error(c, "%u objects per slab: cannot keep a slab partial", l.objects);
		return -1;
	}
	/* Slabs fill one after another from an empty cache, so objects
	 * [k * objects, (k + 1) * objects) share slab k: keep the first of
	 * each, free the rest.  Enough slabs that nr objects come from
	 * partial slabs with one to spare. */
	size_t slabs = nr / (l.objects - 1) + 2, total = slabs * l.objects;
	void **all = calloc(total, sizeof(*all));

	if (!all || slabs > HELD_MAX) {
		free(all);
		bench_error(c, "out of memory");
		return -1;
	}
	if (kmem_cache_alloc_bulk(sb.cache, GFP_KERNEL, total, all) != (int)total) {
		free(all);
		bench_error(c, "kmem_cache_alloc_bulk(%zu) failed in setup", total);
		return -1;
	}
	for (size_t i = 0; i < total; i++) {
		if (i % l.objects == 0)
			sb.held[sb.nheld++] = all[i];
		else
			kmem_cache_free(sb.cache, all[i]);
	}
	free(all);
	snprintf(c->note, sizeof(c->note), "%zu partial slabs of %u objects, 1 held in each",
		 slabs, l.objects);
	return 0;
}

static void shrink_one(struct kmem_cache *s, void *ctx)
{
	kmem_cache_shrink(s);
}

/* Frees what setup held, destroys the cache, gives every cache's empty
 * slab back (kmem_cache's, kmalloc's: each keeps one in reserve), then
 * checks that mm is as booted. */
int slab_teardown(struct bench_ctx *c)
{
	for (size_t i = sb.nheld; i-- > 0;)
		kfree(sb.held[i]);	/* the cache's objects or kmalloc's */
	if (sb.cache)
		kmem_cache_destroy(sb.cache);
	kmem_cache_for_each(shrink_one, NULL);
	memset(&sb, 0, sizeof(sb));
	return bench_mm_checked_teardown(c);
}

/* A failed allocation would make the loop time kmem_cache_free(NULL): the
 * caches count failures, so check after the run rather than in it. */
static uint64_t checked(struct bench_ctx *c, struct kmem_cache *s, uint64_t ops)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	if (st.alloc_failures || mm_error_count()) {
		bench_error(c, "%s: %lu failed allocations, %lu misuses: %.80s",
			    kmem_cache_name(s), st.alloc_failures, mm_error_count(),
			    mm_host_log());
		return 0;
	}
	return ops;
}

uint64_t slab_run_pair(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	struct kmem_cache *s = sb.cache;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		kmem_cache_free(s, bench_escape(kmem_cache_alloc(s, GFP_KERNEL)));
	meter_stop(m);
	return checked(c, s, n);
}

uint64_t slab_run_pair_nocheck(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	struct kmem_cache *s = sb.cache;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		bench_kmem_cache_free_nocheck(s, bench_escape(kmem_cache_alloc(s, GFP_KERNEL)));
	meter_stop(m);
	return checked(c, s, n);
}

/* arg2: objects per call; returns objects (one pair each). */
uint64_t slab_run_bulk(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	struct kmem_cache *s = sb.cache;
	size_t nr = c->row->arg2;
	uint64_t calls = (n + nr - 1) / nr;

	meter_start(m);
	for (uint64_t i = 0; i < calls; i++) {
		if (kmem_cache_alloc_bulk(s, GFP_KERNEL, nr, bench_escape(sb.bulk)) != (int)nr)
			break;
		kmem_cache_free_bulk(s, nr, bench_escape(sb.bulk));
	}
	meter_stop(m);
	return checked(c, s, calls * nr);
}

/* ---- kmalloc ------------------------------------------------------------------------ */

int kmalloc_mix_setup(struct bench_ctx *c)
{
	struct kmem_cache *last = NULL;

	memset(&sb, 0, sizeof(sb));
	if (bench_boot_setup(c, PAIR_MAP_MIB))
		return -1;
	/* One live object per class, so every class's slab stays partial. */
	for (size_t size = KMALLOC_MIN_SIZE; size <= MIX_MAX; size++) {
		struct kmem_cache *s = kmalloc_slab(size, GFP_KERNEL);

		if (s != last && hold(c, kmalloc(size, GFP_KERNEL)))
			return -1;
		last = s;
	}
	mix_make(c);
	return 0;
}

uint64_t kmalloc_run_mix(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		kfree(bench_escape(kmalloc(mix_sizes[i & (MIX_LEN - 1)], GFP_KERNEL)));
	meter_stop(m);
	for (size_t i = 0; i < sb.nheld; i++) {
		uint64_t ok = checked(c, kmalloc_slab(ksize(sb.held[i]), GFP_KERNEL), n);

		if (!ok)
			return 0;
	}
	return n;
}

/* ---- glibc references for these rows --------------------------------------------- */

/* The mix: the same sequence, malloc+free.  Sizes above glibc's tcache
 * (1032 B) go through its bins; one pass in setup warms them. */
int ref_glibc_mix_setup(struct bench_ctx *c)
{
	mix_make(c);
	for (unsigned int i = 0; i < MIX_LEN; i++)
		free(bench_escape(malloc(mix_sizes[i])));
	return 0;
}

uint64_t ref_run_glibc_mix(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		free(bench_escape(malloc(mix_sizes[i & (MIX_LEN - 1)])));
	meter_stop(m);
	return n;
}

/* arg: bytes; arg2: blocks per batch.  N mallocs, then N frees: glibc's
 * tcache keeps 7 chunks per size, the rest go through its bins. */
int ref_glibc_bulk_setup(struct bench_ctx *c)
{
	if (c->row->arg2 > BULK_MAX) {
		bench_error(c, "batch of %lu > %d", c->row->arg2, BULK_MAX);
		return -1;
	}
	snprintf(c->note, sizeof(c->note), "%lu live at once", c->row->arg2);
	return 0;
}

uint64_t ref_run_glibc_bulk(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	size_t size = c->row->arg, nr = c->row->arg2;
	uint64_t calls = (n + nr - 1) / nr;
	void **p = sb.bulk;

	meter_start(m);
	for (uint64_t i = 0; i < calls; i++) {
		for (size_t j = 0; j < nr; j++)
			p[j] = bench_escape(malloc(size));
		for (size_t j = 0; j < nr; j++)
			free(p[j]);
	}
	meter_stop(m);
	for (size_t j = 0; j < nr; j++)
		if (!p[j]) {
			bench_error(c, "malloc(%zu) failed", size);
			return 0;
		}
	return calls * nr;
}
