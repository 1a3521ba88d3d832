/*
 * tools/bench/harness.c - measuring, printing and saving the rows of
 * mmbench (see bench.h for the row contract).
 *
 * Method:
 *   1. calibration, row by row (setup, runs, teardown): run with n = 1,
 *      2, ... growing until one run takes at least an eighth of the
 *      target, then size n so that a measurement takes about 1.1 x the
 *      target (at least one operation);
 *   2. reps rounds; in each, every row in turn: setup (untimed), a
 *      warm-up of n/8 operations, one measurement of n operations,
 *      teardown (untimed, checks that mm is still consistent).  Rounds
 *      rather than reps-in-a-row: a burst of load from other jobs on a
 *      shared machine then lands on one sample of many rows, not on all
 *      samples of one row, and the ratios between rows stay honest;
 *   3. per row and per operation: the median and the minimum of the
 *      time, the median of the instructions.
 * Time is CLOCK_MONOTONIC.  Instructions are counted with
 * perf_event_open(PERF_COUNT_HW_INSTRUCTIONS), user space only, when the
 * kernel and the CPU (or hypervisor) offer the counter; otherwise "n/a".
 * Nothing is pinned: the median is what a noisy machine gives most of
 * the time, the minimum what it gives at best.
 */
#define _GNU_SOURCE
#include "tools/bench/bench.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdarg.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef MMBENCH_CFLAGS
#define MMBENCH_CFLAGS "(not recorded)"
#endif

#define NS_PER_MS		1000000.0
#define DEFAULT_TARGET_MS	50.0
#define DEFAULT_REPS		11
#define QUICK_TARGET_MS		2.0
#define QUICK_REPS		3
#define CALIBRATE_FRACTION	8	/* calibrate until a run takes target/8 */
#define TARGET_MARGIN		1.1	/* aim a little above the target */
#define LOAD_BUSY_FRACTION	0.5	/* load >= half the CPUs: warn */
#define DEFAULT_SEED		0x6d6d62656e6368ULL	/* "mmbench" */

/* ---- clocks and the instruction counter ------------------------------------ */

static int perf_fd = -1;
static char perf_status[128] = "not opened";

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t now_ns_u64(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t read_instructions(void)
{
	uint64_t v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

/* Opens a user-space instruction counter for this thread, enabled for
 * the life of the process; meters read it before and after. */
static void perf_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.exclude_kernel = 1;	/* allowed at perf_event_paranoid 2 */
	attr.exclude_hv = 1;
	long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0) {
		snprintf(perf_status, sizeof(perf_status),
			 "n/a (perf_event_open: %s)", strerror(errno));
		return;
	}
	perf_fd = (int)fd;
	/* A counter that opens but never counts (some hypervisors) is no
	 * counter: check that a short loop registers. */
	uint64_t a = read_instructions();
	volatile unsigned int sink = 0;

	for (unsigned int i = 0; i < 1000; i++)
		sink += i;
	uint64_t b = read_instructions();

	if (b <= a) {
		close(perf_fd);
		perf_fd = -1;
		snprintf(perf_status, sizeof(perf_status),
			 "n/a (counter opened but does not count)");
		return;
	}
	snprintf(perf_status, sizeof(perf_status),
		 "perf_event_open PERF_COUNT_HW_INSTRUCTIONS, user space only");
}

void meter_start(struct meter *m)
{
	m->i0 = read_instructions();
	m->t0 = now_ns_u64();
}

void meter_stop(struct meter *m)
{
	uint64_t t = now_ns_u64();
	uint64_t i = read_instructions();

	m->ns += t - m->t0;
	m->instr += i - m->i0;
}

void bench_error(struct bench_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
}

uint64_t bench_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- address layout --------------------------------------------------------------- */

#define REEXEC_ENV	"MMBENCH_LAYOUT_FIXED"

static const char *layout_status = "randomized (ASLR)";

/*
 * Where glibc's heap lands relative to its arena and to mm's arena
 * changes with every run under ASLR, and some rows (glibc's 4 KiB pair
 * most) move by 2x with it: cache-set and 4K-aliasing luck, not the
 * allocator.  So mmbench re-executes itself once with address
 * randomization off for this process (personality(2), no privilege
 * needed): every run then has the same layout.  --aslr keeps it on.
 */
void bench_fix_layout(int argc, char **argv)
{
	int pers = personality(0xffffffff);

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--aslr") || !strcmp(argv[i], "--list") ||
		    !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return;
	if (pers != -1 && (pers & ADDR_NO_RANDOMIZE)) {
		layout_status = "fixed (address randomization off)";
		return;
	}
	if (pers == -1 || getenv(REEXEC_ENV))
		return;		/* could not, or tried already: run as is */
	if (personality((unsigned long)pers | ADDR_NO_RANDOMIZE) == -1)
		return;
	setenv(REEXEC_ENV, "1", 1);
	execv("/proc/self/exe", argv);
	personality((unsigned long)pers);	/* exec failed: run as is */
}

/* ---- options -------------------------------------------------------------------- */

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [--quick] [--reps N] [--target-ms MS] [--seed N]\n"
		"          [--csv PATH] [--filter SUBSTRING|=KEY] [--list] [--aslr]\n"
		"          [--ops N]\n"
		"  --quick        smoke test: %.0f ms per measurement, %d rounds\n"
		"  --reps N       rounds: measurements per row (default %d), median and min kept\n"
		"  --target-ms MS minimum duration of one measurement (default %.0f)\n"
		"  --seed N       seed of every shuffle (default %#llx)\n"
		"  --csv PATH     also write the results as CSV\n"
		"  --filter S     run only the rows whose key contains S (see --list);\n"
		"                 =KEY runs the row KEY alone\n"
		"  --aslr         keep address randomization (default: off, so every\n"
		"                 run has the same memory layout)\n"
		"  --ops N        exactly N operations per measurement, no calibration\n"
		"                 (for counting instructions under callgrind, see\n"
		"                 tools/bench/callgrind.sh)\n",
		prog, QUICK_TARGET_MS, QUICK_REPS, DEFAULT_REPS, DEFAULT_TARGET_MS,
		(unsigned long long)DEFAULT_SEED);
}

static const char *need_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s: %s needs a value\n", argv[0], argv[*i]);
		usage(stderr, argv[0]);
		exit(2);
	}
	return argv[++*i];
}

static unsigned long long parse_number(const char *prog, const char *opt,
				       const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "%s: %s: bad number '%s'\n", prog, opt, s);
		exit(2);
	}
	return v;
}

void bench_parse_args(int argc, char **argv, struct bench_opts *o)
{
	bool reps_set = false, target_set = false;

	memset(o, 0, sizeof(*o));
	o->seed = DEFAULT_SEED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--quick")) {
			o->quick = true;
		} else if (!strcmp(a, "--reps")) {
			o->reps = (unsigned int)parse_number(argv[0], a, need_value(argc, argv, &i));
			reps_set = true;
		} else if (!strcmp(a, "--target-ms")) {
			o->target_ms = (double)parse_number(argv[0], a, need_value(argc, argv, &i));
			target_set = true;
		} else if (!strcmp(a, "--seed")) {
			o->seed = parse_number(argv[0], a, need_value(argc, argv, &i));
		} else if (!strcmp(a, "--csv")) {
			o->csv_path = need_value(argc, argv, &i);
		} else if (!strcmp(a, "--filter")) {
			o->filter = need_value(argc, argv, &i);
		} else if (!strcmp(a, "--ops")) {
			o->ops = parse_number(argv[0], a, need_value(argc, argv, &i));
			if (o->ops == 0) {
				fprintf(stderr, "%s: --ops must be >= 1\n", argv[0]);
				exit(2);
			}
		} else if (!strcmp(a, "--aslr")) {
			/* handled by bench_fix_layout() */
		} else if (!strcmp(a, "--list")) {
			o->list = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, argv[0]);
			exit(0);
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", argv[0], a);
			usage(stderr, argv[0]);
			exit(2);
		}
	}
	if (!reps_set)
		o->reps = o->quick ? QUICK_REPS : DEFAULT_REPS;
	if (!target_set)
		o->target_ms = o->quick ? QUICK_TARGET_MS : DEFAULT_TARGET_MS;
	if (o->reps < 1 || o->reps > BENCH_MAX_REPS || o->target_ms < 1) {
		fprintf(stderr, "%s: --reps must be 1..%d and --target-ms >= 1\n",
			argv[0], BENCH_MAX_REPS);
		exit(2);
	}
}

/* ---- header ---------------------------------------------------------------------- */

static void read_first_line(const char *path, const char *prefix, char *buf,
			    size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512];

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (prefix && strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		char *v = prefix ? strchr(line, ':') : line;

		if (!v)
			continue;
		if (prefix)
			v++;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t len = strcspn(v, "\n");

		if (len >= size)
			len = size - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		break;
	}
	fclose(f);
}

void bench_print_header(const struct bench_opts *o)
{
	char cpu[256], thp[128];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double load[1];
	struct utsname u;
	struct timespec res;

	perf_open();
	read_first_line("/proc/cpuinfo", "model name", cpu, sizeof(cpu));
	read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", NULL, thp,
			sizeof(thp));
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	clock_getres(CLOCK_MONOTONIC, &res);

	printf("mmbench: host benchmarks of mm (page allocator, slab, kmalloc), one run\n");
	printf("  machine   %ld CPUs online, %s\n", ncpu, cpu);
	printf("  system    %s %s %s, glibc %s, THP %s\n", u.sysname, u.release,
	       u.machine, gnu_get_libc_version(), thp);
	printf("  compiler  gcc %s\n", __VERSION__);
	printf("  flags     %s\n", MMBENCH_CFLAGS);
	printf("  clock     CLOCK_MONOTONIC, resolution %ld ns\n", res.tv_nsec);
	printf("  layout    %s\n", layout_status);
	printf("  instr     %s\n", perf_status);
	if (getloadavg(load, 1) == 1)
		printf("  load      %.2f (1-min average) on %ld CPUs at start%s\n", load[0],
		       ncpu, load[0] >= (double)ncpu * LOAD_BUSY_FRACTION ?
		       ": busy, medians will be noisy; the minimums are the better guide" : "");
	if (o->ops)
		printf("  method    %llu operations per measurement (--ops, no calibration), "
		       "%u interleaved rounds; seed %#llx\n",
		       (unsigned long long)o->ops, o->reps, (unsigned long long)o->seed);
	else
		printf("  method    >= %.0f ms per measurement, %u interleaved rounds (one "
		       "measurement per row each),\n            median (and min) of the "
		       "rounds; seed %#llx%s\n",
		       o->target_ms, o->reps, (unsigned long long)o->seed,
		       o->quick ? "; --quick (smoke test, numbers are rough)" : "");
	printf("\n");
	fflush(stdout);
}

/* ---- measuring ------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *unit_name(enum bench_unit u)
{
	switch (u) {
	case UNIT_PAIR: return "pair";
	case UNIT_PAGE: return "page";
	case UNIT_BOOT: return "boot";
	}
	return "op";
}

const char *bench_fmt_time(char *buf, size_t size, double ns)
{
	if (ns < 0)
		snprintf(buf, size, "n/a");
	else if (ns < 1e4)
		snprintf(buf, size, "%.1f ns", ns);
	else if (ns < 1e7)
		snprintf(buf, size, "%.1f us", ns / 1e3);
	else if (ns < 1e10)
		snprintf(buf, size, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, size, "%.2f s", ns / 1e9);
	return buf;
}

/* One measurement of n operations; false (error set) on failure.  Never
 * inlined: tools/bench/callgrind.sh counts the instructions under it
 * (--toggle-collect=measure_once), which are the run functions'. */
static __attribute__((noinline)) bool measure_once(struct bench_ctx *c, uint64_t n,
						   uint64_t *ops, struct meter *m)
{
	memset(m, 0, sizeof(*m));
	*ops = c->row->run(c, n, m);
	if (*ops == 0) {
		if (!c->error[0])
			snprintf(c->error, sizeof(c->error), "run failed");
		return false;
	}
	return true;
}

static void ctx_init(struct bench_ctx *c, const struct bench_row *row,
		     const struct bench_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->row = row;
	c->seed = o->seed;
}

/* setup, body, teardown; teardown runs after a failed body too, to leave
 * a clean slate for the next row and to report damage. */
static bool with_row(struct bench_ctx *c,
		     bool (*body)(struct bench_ctx *c, struct bench_result *r,
				  const struct bench_opts *o),
		     struct bench_result *r, const struct bench_opts *o)
{
	bool ok = !c->row->setup || c->row->setup(c) == 0;

	if (ok) {
		ok = body(c, r, o);
		if (c->row->teardown && c->row->teardown(c) != 0)
			ok = false;
	}
	if (!ok)
		snprintf(r->error, sizeof(r->error), "%s",
			 c->error[0] ? c->error : "unknown error");
	return ok;
}

/* Grows n until one run takes target/CALIBRATE_FRACTION, then sizes it
 * for the target; these runs are also the first warm-up. */
static bool calibrate(struct bench_ctx *c, struct bench_result *r,
		      const struct bench_opts *o)
{
	const double target = o->target_ms * NS_PER_MS;
	struct meter m;
	uint64_t n = 1, ops;

	for (;;) {
		if (!measure_once(c, n, &ops, &m))
			return false;
		if ((double)m.ns >= target / CALIBRATE_FRACTION || n >= (1ULL << 40))
			break;
		uint64_t grow = m.ns ? (uint64_t)(target / CALIBRATE_FRACTION /
						  (double)m.ns) + 1 : 16;

		n = ops * (grow < 2 ? 2 : grow > 16 ? 16 : grow);
	}
	double per_op = (double)m.ns / (double)ops;

	r->iters = per_op > 0 ? (uint64_t)(target * TARGET_MARGIN / per_op) + 1 : ops;
	return true;
}

/* One round's measurement of a row: a short warm-up (the state is freshly
 * set up), then n operations. */
static bool sample(struct bench_ctx *c, struct bench_result *r,
		   const struct bench_opts *o)
{
	struct meter m;
	uint64_t ops, warm = r->iters / CALIBRATE_FRACTION;

	if (warm && !measure_once(c, warm, &ops, &m))
		return false;
	if (!measure_once(c, r->iters, &ops, &m))
		return false;
	r->sample_ns[r->reps] = (double)m.ns / (double)ops;
	r->sample_instr[r->reps] = perf_fd >= 0 ? (double)m.instr / (double)ops : -1;
	r->iters = ops;
	r->reps++;
	snprintf(r->note, sizeof(r->note), "%s", c->note);
	return true;
}

/*
 * Rows are measured in rounds: every row once per round, so that a change
 * in the machine's load during the run (other jobs, frequency) spreads
 * over all rows instead of skewing the rows that happened to run then.
 * Ratios between rows are what this benchmark reports; interleaving is
 * what keeps them honest on a shared machine.
 */
int bench_run_rows(const struct bench_row *rows, size_t n,
		   struct bench_result *res, const struct bench_opts *o)
{
	int failed = 0;
	size_t total = 0, done = 0;
	struct bench_ctx c;
	double t0 = bench_now_ns();

	for (size_t i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].row = &rows[i];
		res[i].instr_med = -1;
		res[i].measured = !o->filter ||
			(o->filter[0] == '=' ? !strcmp(rows[i].key, o->filter + 1) :
			 strstr(rows[i].key, o->filter) != NULL);
		total += res[i].measured;
	}
	fprintf(stderr, "calibrating %zu rows\n", total);
	for (size_t i = 0; i < n; i++) {
		if (!res[i].measured)
			continue;
		ctx_init(&c, &rows[i], o);
		fprintf(stderr, "  [%2zu/%zu] %-26s ", ++done, total, rows[i].key);
		fflush(stderr);
		if (o->ops) {
			res[i].iters = o->ops;	/* fixed: nothing to calibrate */
			fprintf(stderr, "%llu ops per measurement (--ops)\n",
				(unsigned long long)o->ops);
			continue;
		}
		if (!with_row(&c, calibrate, &res[i], o)) {
			fprintf(stderr, "FAILED: %s\n", res[i].error);
			res[i].measured = false;
			failed++;
			continue;
		}
		fprintf(stderr, "%llu ops per measurement\n",
			(unsigned long long)res[i].iters);
	}
	for (unsigned int round = 0; round < o->reps; round++) {
		fprintf(stderr, "round %u/%u (%.1f s)\n", round + 1, o->reps,
			(bench_now_ns() - t0) / 1e9);
		for (size_t i = 0; i < n; i++) {
			if (!res[i].measured)
				continue;
			ctx_init(&c, &rows[i], o);
			if (!with_row(&c, sample, &res[i], o)) {
				fprintf(stderr, "  %s FAILED: %s\n", rows[i].key, res[i].error);
				res[i].measured = false;
				failed++;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct bench_result *r = &res[i];
		double v[BENCH_MAX_REPS];

		if (!r->measured)
			continue;
		memcpy(v, r->sample_ns, sizeof(v));
		r->ns_med = median(v, r->reps);
		r->ns_min = v[0];	/* sorted by median() */
		memcpy(v, r->sample_instr, sizeof(v));
		r->instr_med = perf_fd >= 0 ? median(v, r->reps) : -1;
	}
	fprintf(stderr, "done (%.1f s)\n\n", (bench_now_ns() - t0) / 1e9);
	return failed;
}

/* ---- output -------------------------------------------------------------------------- */

const struct bench_result *bench_find(const struct bench_result *res, size_t n,
				      const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (res[i].row && !strcmp(res[i].row->key, key) && res[i].measured)
			return &res[i];
	return NULL;
}

/* ours / reference, or < 0 when there is no meaningful ratio. */
static double ratio_to(const struct bench_result *res, size_t n,
		       const struct bench_result *r, const char *key)
{
	const struct bench_result *ref;

	if (!key || !r->measured || !strcmp(r->row->key, key))
		return -1;
	ref = bench_find(res, n, key);
	if (!ref || ref->row->unit != r->row->unit || ref->ns_med <= 0)
		return -1;
	return r->ns_med / ref->ns_med;
}

static double floor_ratio(const struct bench_result *res, size_t n,
			  const struct bench_result *r, const char *key)
{
	if (r->row->unit != UNIT_PAIR || r->row->no_floor_ratio ||
	    !strcmp(r->row->key, REF_FLOOR))
		return -1;
	return ratio_to(res, n, r, key);
}

static const char *fmt_ratio(char *buf, size_t size, double x)
{
	if (x < 0)
		snprintf(buf, size, "-");
	else if (x < 10)
		snprintf(buf, size, "%.2fx", x);
	else
		snprintf(buf, size, "%.0fx", x);
	return buf;
}

static const char *fmt_instr(char *buf, size_t size, double x)
{
	if (x < 0)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.0f", x);
	return buf;
}

#define HEAD_FMT "%-44s %-4s %10s %10s %8s %8s %8s %8s  %s\n"
#define ROW_FMT  "  %-42s %-4s %10s %10s %8s %8s %8s %8s  %s\n"

void bench_print_table(const struct bench_result *res, size_t n)
{
	const char *section = NULL;

	printf(HEAD_FMT, "benchmark", "per", "median", "min", "instr",
	       "xfloor", "xlocked", "xglibc", "state / note");
	for (size_t i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		char med[32], mn[32], ins[32], x1[16], x2[16], x3[16];

		if (!r->row || (!r->measured && !r->error[0]))
			continue;	/* filtered out */
		if (!section || strcmp(section, r->row->section)) {
			section = r->row->section;
			printf("%s%s\n", i ? "\n" : "", section);
		}
		if (!r->measured) {
			printf("  %-42s %-4s FAILED: %s\n", r->row->name,
			       unit_name(r->row->unit), r->error);
			continue;
		}
		printf(ROW_FMT, r->row->name, unit_name(r->row->unit),
		       bench_fmt_time(med, sizeof(med), r->ns_med),
		       bench_fmt_time(mn, sizeof(mn), r->ns_min),
		       fmt_instr(ins, sizeof(ins), r->instr_med),
		       fmt_ratio(x1, sizeof(x1), floor_ratio(res, n, r, REF_FLOOR)),
		       fmt_ratio(x2, sizeof(x2), floor_ratio(res, n, r, REF_FLOOR_LOCK)),
		       fmt_ratio(x3, sizeof(x3), ratio_to(res, n, r, r->row->glibc_ref)),
		       r->note);
	}
	printf("\n");
	fflush(stdout);
}

/* CSV fields that may hold text are quoted, with quotes doubled. */
static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_number(FILE *f, double x, const char *fmt)
{
	if (x >= 0)
		fprintf(f, fmt, x);
	fputc(',', f);
}

int bench_write_csv(const char *path, const struct bench_result *res, size_t n,
		    const struct bench_summary *sum, size_t nsum)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "mmbench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "section,key,name,unit,iters,reps,median,min,instr_median,"
		"x_floor,x_locked,x_glibc,glibc_ref,note,samples\n");
	for (size_t i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		char unit[16];

		if (!r->row || (!r->measured && !r->error[0]))
			continue;
		snprintf(unit, sizeof(unit), "ns/%s", unit_name(r->row->unit));
		csv_text(f, r->row->section);
		fprintf(f, ",%s,", r->row->key);
		csv_text(f, r->row->name);
		fprintf(f, ",%s,", unit);
		if (!r->measured) {
			fprintf(f, ",,,,,,,,%s,", r->row->glibc_ref ? r->row->glibc_ref : "");
			csv_text(f, r->error);
			fputs(",\n", f);
			continue;
		}
		fprintf(f, "%llu,%u,", (unsigned long long)r->iters, r->reps);
		csv_number(f, r->ns_med, "%.3f");
		csv_number(f, r->ns_min, "%.3f");
		csv_number(f, r->instr_med, "%.1f");
		csv_number(f, floor_ratio(res, n, r, REF_FLOOR), "%.3f");
		csv_number(f, floor_ratio(res, n, r, REF_FLOOR_LOCK), "%.3f");
		csv_number(f, ratio_to(res, n, r, r->row->glibc_ref), "%.3f");
		fprintf(f, "%s,", r->row->glibc_ref ? r->row->glibc_ref : "");
		csv_text(f, r->note);
		fputc(',', f);
		for (unsigned int k = 0; k < r->reps; k++)	/* in round order */
			fprintf(f, "%s%.3f", k ? " " : "", r->sample_ns[k]);
		fputc('\n', f);
	}
	for (size_t i = 0; i < nsum; i++) {
		fprintf(f, "summary,%s,", sum[i].key);
		csv_text(f, sum[i].name);
		fprintf(f, ",%s,,,", sum[i].unit);
		/* Derived figures may be negative (a difference within noise). */
		if (!isnan(sum[i].value))
			fprintf(f, "%.3f", sum[i].value);
		fputc(',', f);
		if (!isnan(sum[i].value_min))
			fprintf(f, "%.3f", sum[i].value_min);
		fputc(',', f);
		fprintf(f, ",,,,,");
		csv_text(f, sum[i].note);
		fputs(",\n", f);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "mmbench: error writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
