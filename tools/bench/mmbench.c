/*
 * tools/bench/mmbench.c - `make bench`: how fast mm's allocators are on the
 * host, next to references measured in the same run.
 *
 * The rows are one table, rows[] below; each names an untimed setup, a run
 * function that times only its operations, an untimed teardown that checks
 * mm, and the reference its "x glibc" ratio divides by.  The functions are
 * in rows_ref.c (references), rows_page.c (page allocator, mm_init) and
 * rows_slab.c (slab caches, kmalloc, the double-free check, debugging);
 * tools/bench/harness.c measures them (bench.h: the method and how to add
 * a row).  The goals the project reports against are derived at the end.
 * docs/bench.md explains every row and how to read the ratios.
 */
#define _GNU_SOURCE
#include "tools/bench/rows.h"

#include "mm/mm.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ----------------------------------------------------------------------------- */

#define SEC_REF		"references: floor (bare freelist) and glibc"
#define SEC_PAIR	"alloc_pages + __free_pages pairs, 64 MiB map"
#define SEC_BIG		"the same pairs after booting a 3.5 GiB map"
#define SEC_FILL	"fill all RAM at order 0, then free it all, 256 MiB map"
#define SEC_INIT	"mm_init: mm_host_boot over a PC-like map (shutdown untimed)"
#define SEC_SLAB	"kmem_cache_alloc + kmem_cache_free pairs, one cache per size, 64 MiB map"
#define SEC_BULK	"kmem_cache_alloc_bulk + kmem_cache_free_bulk, 256 B, time per object"
#define SEC_KMALLOC	"kmalloc + kfree pairs over a fixed sequence of sizes"
#define SEC_CHECK	"the always-on double-free check: held pairs freed by a copy without it"
#define SEC_DEBUG	"debugging and hardening: the 256 B held pair after booting with"

#define FLOOR(key_, name_, type_, run_) \
	{ SEC_REF, key_, name_, UNIT_PAIR, type_, 0, ref_floor_setup, run_, \
	  ref_floor_teardown, NULL, false }
#define GLIBC_PAIR(key_, name_, bytes_) \
	{ SEC_REF, key_, name_, UNIT_PAIR, bytes_, 0, ref_glibc_pair_setup, \
	  ref_run_glibc_pair, ref_glibc_pair_teardown, NULL, false }
#define GLIBC_FILL(key_, name_, timed_) \
	{ SEC_REF, key_, name_, UNIT_PAGE, GLIBC_FILL_COUNT, timed_, \
	  ref_glibc_fill_setup, ref_run_glibc_fill, ref_glibc_fill_teardown, NULL, false }
#define PAIR(sec_, key_, name_, setup_, order_, mib_, ref_) \
	{ sec_, key_, name_, UNIT_PAIR, order_, mib_, setup_, pg_run_pair, \
	  bench_mm_checked_teardown, ref_, false }
#define FILL(key_, name_, timed_, ref_) \
	{ SEC_FILL, key_, name_, UNIT_PAGE, 0, timed_, pg_fill_setup, \
	  pg_run_fill, pg_fill_teardown, ref_, false }
#define GLIBC_BULK(key_, name_, bytes_, nr_) \
	{ SEC_REF, key_, name_, UNIT_PAIR, bytes_, nr_, ref_glibc_bulk_setup, \
	  ref_run_glibc_bulk, NULL, NULL, false }
#define SLAB(sec_, key_, name_, setup_, run_, bytes_, arg2_, ref_) \
	{ sec_, key_, name_, UNIT_PAIR, bytes_, arg2_, setup_, run_, slab_teardown, \
	  ref_, false }
#define BOOT(key_, name_, mib_) \
	{ SEC_INIT, key_, name_, UNIT_BOOT, mib_, 0, pg_nothing_booted_setup, \
	  pg_run_boot, NULL, NULL, false }

static const struct bench_row rows[] = {
	FLOOR(REF_FLOOR, "freelist pop+push", PTHREAD_MUTEX_DEFAULT, ref_run_floor),
	FLOOR(REF_FLOOR_LOCK, "freelist + mm's lock (spinlock_t)",
	      FLOOR_MM_LOCK, ref_run_floor_locked),
	FLOOR("ref.freelist.mutex-errorcheck", "freelist + errorcheck mutex",
	      PTHREAD_MUTEX_ERRORCHECK, ref_run_floor_locked),
	FLOOR("ref.freelist.mutex-normal", "freelist + default mutex",
	      PTHREAD_MUTEX_DEFAULT, ref_run_floor_locked),
	GLIBC_PAIR("ref.glibc.4k", "glibc malloc+free 4 KiB", 4096),
	GLIBC_PAIR("ref.glibc.32k", "glibc malloc+free 32 KiB", 32768),
	GLIBC_PAIR("ref.glibc.2m", "glibc malloc+free 2 MiB", 2097152),
	GLIBC_PAIR("ref.glibc.32", "glibc malloc+free 32 B", 32),
	GLIBC_PAIR("ref.glibc.256", "glibc malloc+free 256 B", 256),
	GLIBC_PAIR("ref.glibc.1024", "glibc malloc+free 1 KiB", 1024),
	{ SEC_REF, "ref.glibc.mix", "glibc malloc+free, the kmalloc sizes", UNIT_PAIR,
	  0, 0, ref_glibc_mix_setup, ref_run_glibc_mix, NULL, NULL, false },
	GLIBC_BULK("ref.glibc.bulk16", "glibc 16 x malloc 256 B, 16 x free", 256, 16),
	GLIBC_BULK("ref.glibc.bulk64", "glibc 64 x malloc 256 B, 64 x free", 256, 64),
	GLIBC_FILL("ref.glibc.fill", "glibc fill: malloc 4 KiB each", TIME_FILL),
	GLIBC_FILL("ref.glibc.free", "glibc free all, in order", TIME_FREE),
	GLIBC_FILL("ref.glibc.free.shuf", "glibc free all, shuffled", TIME_FREE_SHUFFLED),

	PAIR(SEC_PAIR, "page.o0", "order 0, split", pg_pair_split_setup, 0,
	     PAIR_MAP_MIB, "ref.glibc.4k"),
	PAIR(SEC_PAIR, "page.o0.held", "order 0, held", pg_pair_held_setup, 0,
	     PAIR_MAP_MIB, "ref.glibc.4k"),
	PAIR(SEC_PAIR, "page.o3", "order 3, split", pg_pair_split_setup, 3,
	     PAIR_MAP_MIB, "ref.glibc.32k"),
	PAIR(SEC_PAIR, "page.o3.held", "order 3, held", pg_pair_held_setup, 3,
	     PAIR_MAP_MIB, "ref.glibc.32k"),
	PAIR(SEC_PAIR, "page.o9", "order 9, split", pg_pair_split_setup, 9,
	     PAIR_MAP_MIB, "ref.glibc.2m"),
	PAIR(SEC_PAIR, "page.o9.held", "order 9, held", pg_pair_held_setup, 9,
	     PAIR_MAP_MIB, "ref.glibc.2m"),

	PAIR(SEC_BIG, "page.o0.big", "order 0, split, 3.5 GiB", pg_pair_split_setup, 0,
	     BIG_MAP_MIB, "ref.glibc.4k"),
	PAIR(SEC_BIG, "page.o0.held.big", "order 0, held, 3.5 GiB", pg_pair_held_setup, 0,
	     BIG_MAP_MIB, "ref.glibc.4k"),

	FILL("page.fill", "fill: alloc_pages order 0 until empty", TIME_FILL,
	     "ref.glibc.fill"),
	FILL("page.free", "free all, in allocation order", TIME_FREE, "ref.glibc.free"),
	FILL("page.free.shuf", "free all, shuffled", TIME_FREE_SHUFFLED,
	     "ref.glibc.free.shuf"),

	SLAB(SEC_SLAB, "slab.32", "32 B, held", slab_held_setup, slab_run_pair, 32,
	     SLAB_BOOT_PLAIN, "ref.glibc.32"),
	SLAB(SEC_SLAB, "slab.256", "256 B, held", slab_held_setup, slab_run_pair, 256,
	     SLAB_BOOT_PLAIN, "ref.glibc.256"),
	SLAB(SEC_SLAB, "slab.1024", "1 KiB, held", slab_held_setup, slab_run_pair, 1024,
	     SLAB_BOOT_PLAIN, "ref.glibc.1024"),
	SLAB(SEC_SLAB, "slab.256.empty", "256 B, empty cache", slab_empty_setup,
	     slab_run_pair, 256, 0, "ref.glibc.256"),

	SLAB(SEC_BULK, "slab.bulk16", "bulk of 16", slab_bulk_setup, slab_run_bulk, 256,
	     16, "ref.glibc.bulk16"),
	SLAB(SEC_BULK, "slab.bulk64", "bulk of 64", slab_bulk_setup, slab_run_bulk, 256,
	     64, "ref.glibc.bulk64"),

	SLAB(SEC_KMALLOC, "kmalloc.mix", "kmalloc+kfree, sizes 8..8192 B",
	     kmalloc_mix_setup, kmalloc_run_mix, 0, 0, "ref.glibc.mix"),

	SLAB(SEC_CHECK, "slab.32.nocheck", "32 B, held, no double-free check",
	     slab_held_setup, slab_run_pair_nocheck, 32, SLAB_BOOT_PLAIN, "ref.glibc.32"),
	SLAB(SEC_CHECK, "slab.256.nocheck", "256 B, held, no double-free check",
	     slab_held_setup, slab_run_pair_nocheck, 256, SLAB_BOOT_PLAIN, "ref.glibc.256"),
	SLAB(SEC_CHECK, "slab.1024.nocheck", "1 KiB, held, no double-free check",
	     slab_held_setup, slab_run_pair_nocheck, 1024, SLAB_BOOT_PLAIN,
	     "ref.glibc.1024"),

	SLAB(SEC_DEBUG, "debug.off", "no option: debug off, hardening on",
	     slab_held_setup, slab_run_pair, 256, SLAB_BOOT_PLAIN, "ref.glibc.256"),
	SLAB(SEC_DEBUG, "debug.fzpu", "slab_debug=FZPU,bench-256", slab_held_setup,
	     slab_run_pair, 256, SLAB_BOOT_FZPU, "ref.glibc.256"),
	SLAB(SEC_DEBUG, "debug.init_alloc", "init_on_alloc=1", slab_held_setup,
	     slab_run_pair, 256, SLAB_BOOT_INIT_ON_ALLOC, "ref.glibc.256"),
	SLAB(SEC_DEBUG, "debug.init_free", "init_on_free=1", slab_held_setup,
	     slab_run_pair, 256, SLAB_BOOT_INIT_ON_FREE, "ref.glibc.256"),

	BOOT("init.64m", "mm_init, 64 MiB map", PAIR_MAP_MIB),
	BOOT("init.big", "mm_init, 3.5 GiB map", BIG_MAP_MIB),
	{ SEC_INIT, "init.big.faults", "of which host page faults (mem_map)", UNIT_BOOT,
	  BIG_MAP_MIB, 0, NULL, pg_run_first_touch, NULL, NULL, false },
};

#define NROWS	ARRAY_SIZE(rows)

/* ---- goals ---------------------------------------------------------------------------------- */

/* The median (or, with use_min, the minimum) of row key; < 0 if absent. */
static double ns_of(const struct bench_result *res, const char *key, bool use_min)
{
	const struct bench_result *r = bench_find(res, NROWS, key);

	return r ? (use_min ? r->ns_min : r->ns_med) : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Row a minus row b in ns per op, as the median over the rounds of the
 * difference within each round (both were measured within a second of
 * each other, so a burst of load hits both); NAN if either is absent.
 * For a difference of a few ns between rows of tens, this is steadier
 * than the difference of the two medians.
 */
static double paired_diff(const struct bench_result *res, const char *a, const char *b)
{
	const struct bench_result *ra = bench_find(res, NROWS, a);
	const struct bench_result *rb = bench_find(res, NROWS, b);
	double d[BENCH_MAX_REPS];
	unsigned int n;

	if (!ra || !rb || ra->reps != rb->reps || ra->reps == 0)
		return NAN;
	n = ra->reps;
	for (unsigned int k = 0; k < n; k++)
		d[k] = ra->sample_ns[k] - rb->sample_ns[k];
	qsort(d, n, sizeof(*d), cmp_double);
	return n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
}

/* The goals the project reports against, and figures derived from
 * several rows: printed and saved, never enforced (timing decides no pass
 * or fail).  Fills at most cap entries of s. */
static size_t summarize(const struct bench_result *res, struct bench_summary *s,
			size_t cap)
{
	enum derive { RATIO, MS, DIFF_MS, PER_BIG_PAGE, PAIRED_NS };
	static const struct {
		const char *key, *name;
		enum derive how;
		/* a / b, a in ms, a - b in ms, a per page, a - b in ns
		 * (paired_diff; by the minimums: min a - min b) */
		const char *a, *b;
		double goal;		/* the value should be <= goal */
		const char *goal_text;	/* NULL: for information */
	} goals[] = {
		{ "goal.o0_split_vs_floor", "order-0 pair (split) / floor", RATIO,
		  "page.o0", REF_FLOOR, 3.0, "<= 3x" },
		{ "goal.o0_held_vs_floor", "order-0 pair (held) / floor", RATIO,
		  "page.o0.held", REF_FLOOR, 3.0, "<= 3x" },
		{ "info.o0_split_vs_locked", "order-0 pair (split) / locked floor", RATIO,
		  "page.o0", REF_FLOOR_LOCK, -1, NULL },
		{ "info.o0_held_vs_locked", "order-0 pair (held) / locked floor", RATIO,
		  "page.o0.held", REF_FLOOR_LOCK, -1, NULL },
		{ "goal.o0_split_flat", "order-0 pair (split) 3.5 GiB / 64 MiB", RATIO,
		  "page.o0.big", "page.o0", 1.2, "<= 1.2x" },
		{ "goal.o0_held_flat", "order-0 pair (held) 3.5 GiB / 64 MiB", RATIO,
		  "page.o0.held.big", "page.o0.held", 1.2, "<= 1.2x" },
		{ "goal.init_big_ms", "mm_init over 3.5 GiB", MS,
		  "init.big", NULL, 50.0, "< 50 ms" },
		{ "info.init_big_no_faults_ms",
		  "mm_init over 3.5 GiB less host page faults", DIFF_MS,
		  "init.big", "init.big.faults", -1, NULL },
		{ "info.init_ns_per_page",
		  "mm_init over 3.5 GiB per page of RAM", PER_BIG_PAGE,
		  "init.big", NULL, -1, NULL },
		{ "goal.slab32_vs_floor", "slab pair 32 B / floor", RATIO,
		  "slab.32", REF_FLOOR, 2.0, "<= 2x" },
		{ "goal.slab256_vs_floor", "slab pair 256 B / floor", RATIO,
		  "slab.256", REF_FLOOR, 2.0, "<= 2x" },
		{ "goal.slab1024_vs_floor", "slab pair 1 KiB / floor", RATIO,
		  "slab.1024", REF_FLOOR, 2.0, "<= 2x" },
		{ "info.slab256_vs_locked", "slab pair 256 B / locked floor", RATIO,
		  "slab.256", REF_FLOOR_LOCK, -1, NULL },
		{ "goal.slab32_vs_glibc", "slab pair 32 B / glibc 32 B", RATIO,
		  "slab.32", "ref.glibc.32", 1.0, "< 1x" },
		{ "goal.slab256_vs_glibc", "slab pair 256 B / glibc 256 B", RATIO,
		  "slab.256", "ref.glibc.256", 1.0, "< 1x" },
		{ "goal.slab1024_vs_glibc", "slab pair 1 KiB / glibc 1 KiB", RATIO,
		  "slab.1024", "ref.glibc.1024", 1.0, "< 1x" },
		{ "info.kmalloc_vs_glibc", "kmalloc mix / glibc same sizes", RATIO,
		  "kmalloc.mix", "ref.glibc.mix", -1, NULL },
		{ "info.check32_ns", "double-free check, ns per pair, 32 B", PAIRED_NS,
		  "slab.32", "slab.32.nocheck", -1, NULL },
		{ "info.check256_ns", "double-free check, ns per pair, 256 B", PAIRED_NS,
		  "slab.256", "slab.256.nocheck", -1, NULL },
		{ "info.check1024_ns", "double-free check, ns per pair, 1 KiB", PAIRED_NS,
		  "slab.1024", "slab.1024.nocheck", -1, NULL },
		{ "info.noise_ns", "noise: same code twice, slab.256 - debug.off",
		  PAIRED_NS, "slab.256", "debug.off", -1, NULL },
		{ "info.debug_fzpu", "slab_debug=FZPU / debugging off", RATIO,
		  "debug.fzpu", "debug.off", -1, NULL },
		{ "info.init_on_alloc", "init_on_alloc=1 / debugging off", RATIO,
		  "debug.init_alloc", "debug.off", -1, NULL },
		{ "info.init_on_free", "init_on_free=1 / debugging off", RATIO,
		  "debug.init_free", "debug.off", -1, NULL },
	};
	const double big_pages = (double)BIG_MAP_MIB * MIB / PAGE_SIZE;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(goals) && n < cap; i++) {
		struct bench_summary *x = &s[n++];
		double v[2];

		for (int use_min = 0; use_min < 2; use_min++) {
			double a = ns_of(res, goals[i].a, use_min);
			double b = goals[i].b ? ns_of(res, goals[i].b, use_min) : 0;

			if (a < 0 || b < 0)
				v[use_min] = NAN;
			else if (goals[i].how == PAIRED_NS)
				v[use_min] = use_min ? a - b :
					     paired_diff(res, goals[i].a, goals[i].b);
			else if (goals[i].how == RATIO)
				v[use_min] = b > 0 ? a / b : NAN;
			else if (goals[i].how == MS)
				v[use_min] = a / 1e6;
			else if (goals[i].how == DIFF_MS)
				v[use_min] = a > b ? (a - b) / 1e6 : 0;
			else
				v[use_min] = a / big_pages;
		}
		x->key = goals[i].key;
		snprintf(x->name, sizeof(x->name), "%s", goals[i].name);
		x->value = v[0];
		x->value_min = v[1];
		x->unit = goals[i].how == RATIO ? "ratio" :
			  goals[i].how == PER_BIG_PAGE ? "ns/page" :
			  goals[i].how == PAIRED_NS ? "ns" : "ms";
		if (!goals[i].goal_text)
			snprintf(x->note, sizeof(x->note), "for information");
		else if (isnan(v[0]))
			snprintf(x->note, sizeof(x->note), "goal %s: not measured",
				 goals[i].goal_text);
		else
			snprintf(x->note, sizeof(x->note), "goal %s: %s (by the minimums: %s)",
				 goals[i].goal_text, v[0] <= goals[i].goal ? "met" : "NOT met",
				 v[1] <= goals[i].goal ? "met" : "NOT met");
	}
	return n;
}

static const char *fmt_value(char *buf, size_t size, double v, const char *unit)
{
	if (isnan(v))
		snprintf(buf, size, "n/a");
	else if (!strcmp(unit, "ratio"))
		snprintf(buf, size, "%.2fx", v);
	else
		snprintf(buf, size, "%.2f %s", v, unit);
	return buf;
}

static void print_summary(const struct bench_summary *s, size_t n)
{
	printf("%-46s %14s %14s\n", "goals and derived figures (never enforced)",
	       "by medians", "by minimums");
	for (size_t i = 0; i < n; i++) {
		char v[32], vmin[32];

		printf("  %-44s %14s %14s   %s\n", s[i].name,
		       fmt_value(v, sizeof(v), s[i].value, s[i].unit),
		       fmt_value(vmin, sizeof(vmin), s[i].value_min, s[i].unit), s[i].note);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	struct bench_opts opts;
	struct bench_result res[NROWS];
	struct bench_summary sum[32];

	bench_fix_layout(argc, argv);
	bench_parse_args(argc, argv, &opts);
	if (opts.list) {
		for (size_t i = 0; i < NROWS; i++)
			printf("%-26s %s: %s\n", rows[i].key, rows[i].section, rows[i].name);
		return 0;
	}
	bench_print_header(&opts);
	printf("  split = every pair splits an order-10 block and merges it back "
	       "(the most a pair costs);\n"
	       "  held  = the block's buddy is allocated: no split, no merge "
	       "(the least).\n"
	       "  slab rows: held = another object of the cache is live, its slab "
	       "stays partial;\n"
	       "  empty = the cache's only slab moves between its free and partial "
	       "lists.\n"
	       "  xfloor, xlocked, xglibc: median / median of the freelist, the "
	       "freelist with\n"
	       "  mm's own lock, and glibc on the same size (lower is better).\n\n");
	fflush(stdout);

	int failed = bench_run_rows(rows, NROWS, res, &opts);

	fprintf(stderr, "\n");
	bench_print_table(res, NROWS);

	size_t nsum = summarize(res, sum, ARRAY_SIZE(sum));

	print_summary(sum, nsum);
	if (opts.csv_path && bench_write_csv(opts.csv_path, res, NROWS, sum, nsum) == 0)
		printf("CSV: %s\n", opts.csv_path);
	if (failed)
		printf("%d row(s) FAILED\n", failed);
	return failed ? 1 : 0;
}
