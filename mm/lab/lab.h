/*
 * mm/lab/lab.h - the slab-versus-buddy lab: experiments that run on mm
 * itself and print their results as CSV (or as a readable table).
 *
 * The same code runs in two places:
 *   - tools/mmlab (host CLI, linked with libmm.a), on a fresh host arena
 *     booted with mm_host_boot for each experiment;
 *   - the kernel shell (`lab NAME [options]`, kernel/cmd_lab.c), on the
 *     real memory of the machine (QEMU).
 * mm/lab sees its environment only through mm/port.h, the mm headers and
 * the callbacks of struct lab_env below: no libc, no arch header.
 *
 *	struct lab_env env = { .out = write_stdout, .diag = write_stderr };
 *	char *argv[] = { "waste", "--sizes", "8,100,4097", "--seed", "1" };
 *	int err = lab_run(&env, 5, argv);
 *
 * Every experiment is deterministic for a given seed and mm state: its
 * randomness comes from its own generator (not get_random_u32), and the
 * only columns that may differ between two runs are cycle counts, which
 * come from env->cycles (tests inject a fake clock to compare whole
 * outputs byte for byte).  Memory for bookkeeping comes from mm itself
 * (whole pages, accounted separately so it never counts as the measured
 * allocator's).
 */
#ifndef MM_LAB_LAB_H
#define MM_LAB_LAB_H

#include "mm/port.h"

/*
 * What the lab needs from its caller.  Every callback gets env->ctx.
 *   out        the results (CSV or table); required
 *   diag       warnings and errors (bad options, bad trace lines); NULL: dropped
 *   progress   called now and then during long runs with done <= total;
 *              NULL: no progress
 *   cycles     the clock of the timing columns; NULL: mm_port_cycles()
 *   trace_open, trace_read, trace_close
 *              a trace file by name (`--trace NAME`, `replay NAME`):
 *              open returns 0 or a negative errno, read returns bytes
 *              read (0 at the end, < 0 on error); NULL: no trace input
 *              in this environment
 */
struct lab_env {
	void (*out)(void *ctx, const char *s, size_t n);
	void (*diag)(void *ctx, const char *s, size_t n);
	void (*progress)(void *ctx, const char *what, unsigned long done,
			 unsigned long total);
	uint64_t (*cycles)(void *ctx);
	int (*trace_open)(void *ctx, const char *name);
	long (*trace_read)(void *ctx, char *buf, size_t size);
	void (*trace_close)(void *ctx);
	void *ctx;
};

/*
 * Runs one experiment: argv[0] is its name, the rest its options
 * ("--name value" or "--name=value").  Options not given take the
 * experiment's defaults.  Returns 0, or a negative errno after printing
 * the reason on env->diag (-EINVAL: bad name or option; -ENOMEM: not
 * enough memory for the configuration; -EIO: the trace could not be read
 * or, with --strict, had a bad line).
 */
int lab_run(const struct lab_env *env, int argc, char **argv);

/*
 * Writes once to every page the buddy allocator can hand out (GFP_KERNEL)
 * and frees them again.  Memory that the layer below maps lazily (the
 * host arena: anonymous memory; a guest's RAM: the hypervisor's) takes a
 * fault on the first write to each page, thousands of cycles that would
 * otherwise land in whichever timed operation touched the page first.
 * The front ends call it once before timing anything.
 */
void lab_prefault(void);

/* Prints the experiments, one "NAME  summary" line each, on env->out. */
void lab_list(const struct lab_env *env);

/* Prints the options of one experiment with their defaults on env->out;
 * -EINVAL if there is no such experiment. */
int lab_help(const struct lab_env *env, const char *name);

/* The names of the experiments, in the order `make lab` runs them;
 * returns how many were stored. */
size_t lab_names(const char **names, size_t max);

#endif
