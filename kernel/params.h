/*
 * kernel/params.h - the kernel's own boot options (the ones mm reads are
 * in mm; see `help boot` in the shell and README.md for the full list).
 */
#ifndef KERNEL_PARAMS_H
#define KERNEL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/lib/parse.h"

struct kernel_options {
	bool ktest;			/* run the in-kernel tests, exit QEMU */
	char ktest_suite[32];		/* ktest=SUITE: only that suite */
	bool quiet;			/* console shows warnings and errors */
	char crashtest[16];		/* fault on purpose after boot */
};

extern struct kernel_options kopt;

/* Parses the kernel's options; warns once per unknown word (words that mm
 * understands are not unknown). */
void kernel_parse_cmdline(const char *cmdline);
/* The same, silently (run once before the console level is known). */
void kernel_parse_cmdline_early(const char *cmdline);
/* The kernel's option table, for `help boot`. */
const struct kparam *kernel_params(size_t *n);

#endif
