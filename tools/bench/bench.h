/*
 * tools/bench/bench.h - the measurement harness of mmbench.
 *
 * A benchmark is one row of a table of descriptors (struct bench_row):
 * a name, an untimed setup, a run function that performs at least n
 * operations and brackets the part to be timed with meter_start/stop, an
 * untimed teardown that also checks mm is still consistent, and the keys
 * of the reference rows its ratios divide by.  The harness calibrates n
 * so that one measurement takes at least the target time (50 ms by
 * default), measures every row once per round for 7 rounds by default
 * (interleaved, so that load from other jobs spreads over all rows) and
 * keeps the median and the minimum of ns/op and, where the CPU exposes a
 * counter, the median of instructions/op.  Setup and teardown run once
 * per round, so they must be repeatable.
 *
 * Adding a row is a few lines: a run function (in a tools/bench/rows_*.c
 * file, declared in rows.h), e.g. rows_slab.c's
 *
 *	uint64_t slab_run_pair(struct bench_ctx *c, uint64_t n, struct meter *m)
 *	{
 *		struct kmem_cache *s = sb.cache;
 *
 *		meter_start(m);
 *		for (uint64_t i = 0; i < n; i++)
 *			kmem_cache_free(s, bench_escape(kmem_cache_alloc(s, GFP_KERNEL)));
 *		meter_stop(m);
 *		return checked(c, s, n);
 *	}
 *
 * and one entry in the table of tools/bench/mmbench.c that names its
 * setup (bench_boot_setup() and create the cache), its teardown (destroy
 * the cache, then bench_mm_checked_teardown(), which checks mm and shuts
 * it down) and its glibc reference (a GLIBC_PAIR row of the same size).
 * See docs/bench.md.
 */
#ifndef TOOLS_BENCH_BENCH_H
#define TOOLS_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Accumulates time (and instructions, when counted) over any number of
 * meter_start/meter_stop brackets of one measurement. */
struct meter {
	uint64_t ns;
	uint64_t instr;
	uint64_t t0, i0;
};

void meter_start(struct meter *m);
void meter_stop(struct meter *m);

/* Keeps p alive and opaque: the compiler can neither drop an allocation
 * whose result is unused nor fold a pop with the push that follows. */
static inline void *bench_escape(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

struct bench_row;

/* Per-row state handed to setup, run and teardown. */
struct bench_ctx {
	const struct bench_row *row;
	uint64_t seed;		/* --seed: every shuffle derives from it */
	char note[80];		/* setup may describe the state it made */
	char error[160];	/* setup/run/teardown: why the row failed */
};

enum bench_unit { UNIT_PAIR, UNIT_PAGE, UNIT_BOOT };

struct bench_row {
	const char *section;	/* table heading; rows of a section are adjacent */
	const char *key;	/* short id: --filter, CSV, ratio references */
	const char *name;	/* as the table shows it */
	enum bench_unit unit;	/* what one operation is */
	unsigned long arg;	/* row parameter: order, bytes, MiB, ... */
	unsigned long arg2;
	/* Untimed; nonzero (with ctx->error set) skips the row. */
	int (*setup)(struct bench_ctx *c);
	/* Performs >= n operations, timing only inside meter brackets;
	 * returns the number performed, 0 on failure (ctx->error set). */
	uint64_t (*run)(struct bench_ctx *c, uint64_t n, struct meter *m);
	/* Untimed; nonzero (with ctx->error set) when the row left mm
	 * inconsistent, which makes mmbench exit with status 1. */
	int (*teardown)(struct bench_ctx *c);
	const char *glibc_ref;	/* key of the "x glibc" reference, or NULL */
	bool no_floor_ratio;	/* pairs whose "x freelist" would mislead */
};

#define BENCH_MAX_REPS	101

struct bench_result {
	const struct bench_row *row;
	bool measured;
	uint64_t iters;		/* operations per measurement */
	unsigned int reps;	/* measurements taken */
	double ns_med, ns_min;	/* per operation */
	double instr_med;	/* per operation; < 0 when not counted */
	double sample_ns[BENCH_MAX_REPS];	/* one per round */
	double sample_instr[BENCH_MAX_REPS];
	char note[80];
	char error[160];
};

struct bench_opts {
	double target_ms;	/* minimum duration of one measurement */
	unsigned int reps;	/* measurements per row */
	uint64_t seed;
	bool quick;
	const char *csv_path;	/* NULL: no CSV */
	const char *filter;	/* substring of the keys to run ("=KEY": that
				 * key only), NULL: all */
	uint64_t ops;		/* > 0: operations per measurement, fixed */
	bool list;		/* print the keys and exit */
};

/* The key of the reference rows every pair row is compared with. */
#define REF_FLOOR	"ref.freelist"
#define REF_FLOOR_LOCK	"ref.freelist.mutex"

/* Re-executes the program once with address randomization off, unless
 * --aslr is given, so that every run has the same memory layout. */
void bench_fix_layout(int argc, char **argv);
/* Parses argv into opts; prints usage and exits on --help or errors. */
void bench_parse_args(int argc, char **argv, struct bench_opts *opts);
/* Prints the machine, compiler, flags and measurement settings. */
void bench_print_header(const struct bench_opts *opts);
/* Measures every row that passes the filter (progress on stderr).
 * Returns the number of rows that failed. */
int bench_run_rows(const struct bench_row *rows, size_t n,
		   struct bench_result *res, const struct bench_opts *opts);
void bench_print_table(const struct bench_result *res, size_t n);
/* A derived figure (a ratio between rows, a goal) for the CSV. */
struct bench_summary {
	const char *key;
	char name[96];
	double value;		/* from the medians; NAN: not measured */
	double value_min;	/* the same from the minimums */
	const char *unit;	/* "ratio", "ms", ... */
	char note[96];		/* e.g. the goal and whether it was met */
};

/* Writes every result and then every summary as CSV with a header line.
 * Returns 0, or -1 (with a message on stderr) when path cannot be written. */
int bench_write_csv(const char *path, const struct bench_result *res, size_t n,
		    const struct bench_summary *sum, size_t nsum);
const struct bench_result *bench_find(const struct bench_result *res, size_t n,
				      const char *key);
/* Sets ctx->error (printf-style) for the row's failure report. */
void bench_error(struct bench_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* splitmix64: every shuffle is a function of --seed only. */
uint64_t bench_rng_next(uint64_t *state);
/* "12.3 ns", "4.56 us", "7.89 ms", "1.23 s" */
const char *bench_fmt_time(char *buf, size_t size, double ns);
double bench_now_ns(void);

#endif
