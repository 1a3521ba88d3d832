/*
 * kernel/lib/parse.h - strict number parsing and the boot command-line
 * parser, shared by the kernel and mm (both builds).
 *
 * A command line is a sequence of words separated by spaces or tabs; a
 * word is "name" or "name=value"; double quotes group spaces into a value
 * and are removed (name="a b" gives the value a b), as in Linux.
 */
#ifndef KERNEL_LIB_PARSE_H
#define KERNEL_LIB_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* The whole string must be a number (base 0: 0x.. hex, 0.. octal, else
 * decimal).  0, -EINVAL for anything else, -ERANGE on overflow. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);

/* A size such as 4096, 64k, 128M, 1G, 0x1000 (K/M/G/T, either case, are
 * powers of 1024).  Same errors as kstrtoull. */
int parse_size(const char *s, unsigned long long *res);

struct kparam;
/* val is NULL for a bare word ("quiet"), else the text after '='. */
typedef int (*kparam_set_fn)(const char *val, const struct kparam *kp);

struct kparam {
	const char *name;
	kparam_set_fn set;
	void *arg;		/* for the setter */
	const char *help;	/* one line for "help boot" and the docs */
};

/* Longest word the parser accepts; longer words are reported, skipped. */
#define KPARAM_WORD_MAX	256

/* Called for each word that is unknown (err == -ENOENT), too long
 * (-ENOSPC) or that its setter refused (the setter's error). */
typedef void (*kparam_report_fn)(void *ctx, const char *name,
				 const char *val, int err);

/* Applies every word of cmdline that table knows; returns the number of
 * words that were reported. */
int kparam_parse(const char *cmdline, const struct kparam *table, size_t n,
		 kparam_report_fn report, void *ctx);

/* Finds name in table, NULL if absent. */
const struct kparam *kparam_find(const struct kparam *table, size_t n,
				 const char *name);

/* Ready-made setters; arg points at the variable. */
int kparam_set_bool(const char *val, const struct kparam *kp);	/* bool */
int kparam_set_uint(const char *val, const struct kparam *kp);	/* unsigned int */
int kparam_set_size(const char *val, const struct kparam *kp);	/* unsigned long long */

#endif
