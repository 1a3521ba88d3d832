/*
 * tools/bench/rows.h - the rows of mmbench: the run, setup and teardown
 * functions that tools/bench/mmbench.c puts in its table, and what they
 * share.  One file per family: rows_ref.c (references: bare freelist,
 * glibc), rows_page.c (page allocator and mm_init).  A family of slab or
 * kmalloc rows would be rows_slab.c, declared here.
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

/* Boots a PC-like map of mib MiB; on failure sets c->error and returns
 * mm_host_boot's error. */
int bench_boot_pc_map(struct bench_ctx *c, unsigned long mib);
/* Boots and remembers the free page count for the teardown. */
int bench_boot_setup(struct bench_ctx *c, unsigned long mib);
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

#endif
