/*
 * tools/mmlab.c - the lab's host CLI: boots mm on a fresh arena and runs
 * one experiment of mm/lab, printing its CSV (or table) on stdout.
 *
 *   mmlab list                        the experiments
 *   mmlab help NAME                   an experiment's options and defaults
 *   mmlab NAME [options]              run it, e.g.
 *   mmlab waste --sizes 8,100,4097 --seed 1
 *   mmlab replay trace.txt --allocator slab,buddy,first-fit
 *   some-program | mmlab replay -     (a trace on stdin)
 *
 * Options of mmlab itself (anywhere on the line):
 *   --mem SIZE       size of the arena mm manages (default 256M)
 *   --boot "OPTS"    mm boot options (default "slab_freelist_random=0")
 *   --out FILE       write the results to FILE instead of stdout
 *   --quiet          no progress on stderr
 *   --no-prefault    leave the arena's pages untouched before the run
 *
 * The arena is anonymous memory that the host maps lazily: the first
 * write to each of its pages takes a page fault (thousands of cycles).
 * Before the experiment, mmlab writes once to every free page
 * (lab_prefault), so that cycle counts measure the allocators and not
 * the host's page faults (--no-prefault shows the difference).
 *
 * Progress goes to stderr (a line that rewrites itself on a terminal, a
 * line per quarter otherwise, after the first second); diagnostics (bad
 * options, bad trace lines) too.
 * Exit status: 0 success, 1 the experiment failed, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/host/host.h"
#include "kernel/lib/parse.h"
#include "mm/lab/lab.h"

#define DEFAULT_MEM	(256ULL << 20)
#define DEFAULT_BOOT	"slab_freelist_random=0"

struct cli {
	FILE *out;
	FILE *trace;
	char *stdin_buf;	/* "-": stdin, read once, served to every pass */
	size_t stdin_len;
	bool stdin_loaded;
	bool progress, tty;
	int last_pct;
	unsigned long last_n;
	struct timespec t0;
};

static void out_write(void *ctx, const char *s, size_t n)
{
	struct cli *cli = ctx;

	fwrite(s, 1, n, cli->out);
}

static void diag_write(void *ctx, const char *s, size_t n)
{
	struct cli *cli = ctx;

	if (cli->tty && cli->last_pct >= 0)
		fputs("\r\033[K", stderr);	/* under the progress line */
	fwrite(s, 1, n, stderr);
}

static double elapsed(const struct cli *cli)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - cli->t0.tv_sec) + (double)(t.tv_nsec - cli->t0.tv_nsec) / 1e9;
}

static void progress(void *ctx, const char *what, unsigned long done, unsigned long total)
{
	struct cli *cli = ctx;

	if (!cli->progress)
		return;
	if (total == 0) {
		/* Unknown length (a trace): every million ops. */
		if (done / 1000000 == cli->last_n / 1000000 && done)
			return;
		cli->last_n = done;
		if (cli->tty)
			fprintf(stderr, "\r\033[K  %s: %lu ops (%.0fs)", what, done, elapsed(cli));
		else
			fprintf(stderr, "  %s: %lu ops (%.0fs)\n", what, done, elapsed(cli));
		cli->last_pct = 0;
		return;
	}
	int pct = (int)(done * 100 / total);

	if (cli->tty) {
		if (pct == cli->last_pct)
			return;
		fprintf(stderr, "\r\033[K  %s: %3d%% (%.0fs)", what, pct, elapsed(cli));
	} else {
		/* A log: a line per quarter, and only for runs long enough
		 * to wonder about. */
		if ((pct / 25 == cli->last_pct / 25 && cli->last_pct >= 0) || elapsed(cli) < 1)
			return;
		fprintf(stderr, "  %s: %3d%% (%.0fs)\n", what, pct, elapsed(cli));
	}
	cli->last_pct = pct;
}

static int trace_open(void *ctx, const char *name)
{
	struct cli *cli = ctx;

	if (cli->trace)
		fclose(cli->trace);
	cli->trace = NULL;
	if (strcmp(name, "-") == 0) {
		/* A pipe can be read once; the lab reads a trace once per
		 * allocator, so stdin is kept in memory. */
		if (!cli->stdin_loaded) {
			FILE *mem = open_memstream(&cli->stdin_buf, &cli->stdin_len);
			char buf[65536];
			size_t n;

			if (!mem)
				return -errno;
			while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
				fwrite(buf, 1, n, mem);
			if (fclose(mem) != 0 || ferror(stdin))
				return -EIO;
			cli->stdin_loaded = true;
		}
		cli->trace = fmemopen(cli->stdin_buf, cli->stdin_len ? cli->stdin_len : 1, "r");
		if (cli->trace && cli->stdin_len == 0)
			fseek(cli->trace, 0, SEEK_END);	/* an empty trace */
		return cli->trace ? 0 : -errno;
	}
	cli->trace = fopen(name, "r");
	return cli->trace ? 0 : -errno;
}

static long trace_read(void *ctx, char *buf, size_t size)
{
	struct cli *cli = ctx;
	size_t n = fread(buf, 1, size, cli->trace);

	if (n == 0 && ferror(cli->trace))
		return -EIO;
	return (long)n;
}

static void trace_close(void *ctx)
{
	struct cli *cli = ctx;

	if (cli->trace)
		fclose(cli->trace);
	cli->trace = NULL;
}

static void usage(FILE *f)
{
	fputs("usage: mmlab list | help [NAME] | NAME [options] [--mem SIZE] [--boot OPTS]\n"
	      "             [--out FILE] [--quiet] [--no-prefault]\n"
	      "  runs one experiment of the slab/buddy lab on a fresh host arena and\n"
	      "  prints CSV; `mmlab help NAME` shows an experiment's options.\n"
	      "  docs/lab/README.md explains each experiment.\n", f);
}

int main(int argc, char **argv)
{
	struct cli cli = { .out = stdout, .progress = true, .last_pct = -1 };
	bool touch = true;
	struct lab_env env = {
		.out = out_write, .diag = diag_write, .progress = progress,
		.trace_open = trace_open, .trace_read = trace_read,
		.trace_close = trace_close, .ctx = &cli,
	};
	unsigned long long mem = DEFAULT_MEM;
	const char *boot = DEFAULT_BOOT, *out_name = NULL;
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nargs = 0;

	if (!args)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--quiet") == 0) {
			cli.progress = false;
		} else if (strcmp(a, "--no-prefault") == 0) {
			touch = false;
		} else if ((strcmp(a, "--mem") == 0 || strcmp(a, "--boot") == 0 ||
			    strcmp(a, "--out") == 0) && i + 1 < argc) {
			const char *v = argv[++i];

			if (a[2] == 'm' && parse_size(v, &mem)) {
				fprintf(stderr, "mmlab: --mem %s: not a size\n", v);
				return 2;
			}
			if (a[2] == 'b')
				boot = v;
			if (a[2] == 'o')
				out_name = v;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (nargs == 0) {
		usage(stderr);
		return 2;
	}
	if (strcmp(args[0], "list") == 0) {
		lab_list(&env);
		return 0;
	}
	if (strcmp(args[0], "help") == 0) {
		if (nargs < 2) {
			usage(stdout);
			lab_list(&env);
			return 0;
		}
		if (lab_help(&env, args[1])) {
			fprintf(stderr, "mmlab: no experiment '%s' (mmlab list)\n", args[1]);
			return 2;
		}
		return 0;
	}
	if (mem < (16ULL << 20) || mem > (3ULL << 30)) {
		fprintf(stderr, "mmlab: --mem must be between 16M and 3G\n");
		return 2;
	}
	if (out_name) {
		cli.out = fopen(out_name, "w");
		if (!cli.out) {
			fprintf(stderr, "mmlab: %s: %s\n", out_name, strerror(errno));
			return 1;
		}
	}
	cli.tty = isatty(2);

	struct mem_region map[] = { { 0, mem, MEM_USABLE } };
	int err = mm_host_boot(map, 1, boot);

	if (err) {
		fprintf(stderr, "mmlab: mm_host_boot(%lluM, \"%s\") failed: %d\n%s",
			mem >> 20, boot, err, mm_host_log());
		return 1;
	}
	if (touch)
		lab_prefault();
	clock_gettime(CLOCK_MONOTONIC, &cli.t0);
	err = lab_run(&env, nargs, args);
	if (cli.progress && cli.last_pct >= 0) {
		if (cli.tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "  %s: done in %.1fs\n", args[0], elapsed(&cli));
	}
	if (!err && mm_check() != 0) {
		fprintf(stderr, "mmlab: mm_check failed after the experiment:\n%s", mm_host_log());
		err = -EFAULT;
	}
	mm_host_shutdown();
	if (cli.out != stdout && fclose(cli.out) != 0) {
		fprintf(stderr, "mmlab: %s: %s\n", out_name, strerror(errno));
		return 1;
	}
	free(args);
	free(cli.stdin_buf);
	if (err == -EINVAL)
		return 2;
	return err ? 1 : 0;
}
