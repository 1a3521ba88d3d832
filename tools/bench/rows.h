/*
 * tools/bench/rows.h - the rows of mmbench: the run, setup and teardown
 * functions that tools/bench/mmbench.c puts in its table, and what they
 * share.  One file per family: rows_ref.c (references: bare freelist,
 * glibc), rows_page.c (page allocator and mm_init), rows_slab.c (slab
 * caches, kmalloc, the double-free check, debugging).
 */
#ifndef TOOLS_BENCH_ROWS_H
#define TOOLS_BENCH_ROWS_H

#include "tools/bench/bench.h"

#define MIB			(1ULL << 20)
#define PAIR_MAP_MIB		64UL	/* the map of the pair rows */
#define BIG_MAP_MIB		3584UL	/* 3.5 GiB: a 32-bit PC below its PCI hole */
#define FILL_MAP_MIB		256UL	/* the map of the fill/free rows */
#define GLIBC_FILL_COUNT	65536UL	/* about the pages of FILL_MAP_MIB */

/* ---- shared by the fill rows of glibc and mm ---------------------------- */

/* What a fill row times (its arg2). */
enum fill_timed { TIME_FILL, TIME_FREE, TIME_FREE_SHUFFLED };

/* The blocks of one fill, and the seeded order of the shuffled free. */
struct bench_fill {
	size_t count;		/* blocks per fill */
	void **slot;		/* what the fill got, in allocation order */
	void **tmp;
	size_t *perm;		/* seeded permutation for the shuffled free */
};

extern struct bench_fill bench_fill;

int bench_fill_alloc(struct bench_ctx *c, size_t count);
void bench_fill_free(void);
/* Reorders bench_fill.slot by the permutation (untimed). */
void bench_fill_shuffle(void);
bool bench_fill_has_null(void);

/* ---- references (rows_ref.c) --------------------------------------------- */

/* arg: the pthread mutex type of the locked variant. */
/* ref_floor_setup's arg for "mm's own lock type" (not a pthread type). */
#define FLOOR_MM_LOCK	1000
int ref_floor_setup(struct bench_ctx *c);
int ref_floor_teardown(struct bench_ctx *c);
uint64_t ref_run_floor(struct bench_ctx *c, uint64_t n, struct meter *m);
uint64_t ref_run_floor_locked(struct bench_ctx *c, uint64_t n, struct meter *m);

/* arg: bytes. */
int ref_glibc_pair_setup(struct bench_ctx *c);
int ref_glibc_pair_teardown(struct bench_ctx *c);
uint64_t ref_run_glibc_pair(struct bench_ctx *c, uint64_t n, struct meter *m);

/* arg: blocks per fill; arg2: enum fill_timed. */
int ref_glibc_fill_setup(struct bench_ctx *c);
int ref_glibc_fill_teardown(struct bench_ctx *c);
uint64_t ref_run_glibc_fill(struct bench_ctx *c, uint64_t n, struct meter *m);

/* ---- booting mm for a row (rows_page.c) ----------------------------------------- */

/* Boots a PC-like map of mib MiB (with a kernel cmdline); on failure sets
 * c->error and returns mm_host_boot's error. */
int bench_boot_pc_map(struct bench_ctx *c, unsigned long mib);
int bench_boot_pc_map_cmdline(struct bench_ctx *c, unsigned long mib,
			      const char *cmdline);
/* Boots and remembers the free page count for the teardown. */
int bench_boot_setup(struct bench_ctx *c, unsigned long mib);
int bench_boot_setup_cmdline(struct bench_ctx *c, unsigned long mib,
			     const char *cmdline);
/* Frees what setup held, checks mm is as booted (free pages, mm_check,
 * no misuse reported), shuts mm down.  Nonzero (c->error set) if not. */
int bench_mm_checked_teardown(struct bench_ctx *c);

/* ---- page allocator and mm_init (rows_page.c) ------------------------------------ */

/* arg: order; arg2: map MiB. */
int pg_pair_split_setup(struct bench_ctx *c);
int pg_pair_held_setup(struct bench_ctx *c);
uint64_t pg_run_pair(struct bench_ctx *c, uint64_t n, struct meter *m);

/* arg2: enum fill_timed. */
int pg_fill_setup(struct bench_ctx *c);
int pg_fill_teardown(struct bench_ctx *c);
uint64_t pg_run_fill(struct bench_ctx *c, uint64_t n, struct meter *m);

/* arg: map MiB. */
int pg_nothing_booted_setup(struct bench_ctx *c);
uint64_t pg_run_boot(struct bench_ctx *c, uint64_t n, struct meter *m);
uint64_t pg_run_first_touch(struct bench_ctx *c, uint64_t n, struct meter *m);

/* ---- slab caches and kmalloc (rows_slab.c) ------------------------------------------ */

/* What a held slab row boots with (its arg2). */
enum slab_boot {
	SLAB_BOOT_PLAIN,		/* no option: debugging off */
	SLAB_BOOT_FZPU,			/* slab_debug=FZPU for the row's cache */
	SLAB_BOOT_INIT_ON_ALLOC,	/* init_on_alloc=1 */
	SLAB_BOOT_INIT_ON_FREE,		/* init_on_free=1 */
	NR_SLAB_BOOTS
};

/* arg: object size; arg2: enum slab_boot (held) or objects per call (bulk). */
int slab_held_setup(struct bench_ctx *c);
int slab_empty_setup(struct bench_ctx *c);
int slab_bulk_setup(struct bench_ctx *c);
int slab_teardown(struct bench_ctx *c);
uint64_t slab_run_pair(struct bench_ctx *c, uint64_t n, struct meter *m);
uint64_t slab_run_pair_nocheck(struct bench_ctx *c, uint64_t n, struct meter *m);
uint64_t slab_run_bulk(struct bench_ctx *c, uint64_t n, struct meter *m);

int kmalloc_mix_setup(struct bench_ctx *c);
uint64_t kmalloc_run_mix(struct bench_ctx *c, uint64_t n, struct meter *m);

/* glibc references of these rows: the same size sequence; arg bytes in
 * batches of arg2. */
int ref_glibc_mix_setup(struct bench_ctx *c);
uint64_t ref_run_glibc_mix(struct bench_ctx *c, uint64_t n, struct meter *m);
int ref_glibc_bulk_setup(struct bench_ctx *c);
uint64_t ref_run_glibc_bulk(struct bench_ctx *c, uint64_t n, struct meter *m);

/*
 * mm/slab.c's kmem_cache_free without the always-on double-free check:
 * the Makefile compiles a private copy of mm/slab.c with
 * SLAB_BENCH_NO_FREE_CHECK=1 and keeps this one symbol of it global
 * (renamed from kmem_cache_free); everything else in the copy is local.
 */
struct kmem_cache;
void bench_kmem_cache_free_nocheck(struct kmem_cache *s, void *obj);

#endif
