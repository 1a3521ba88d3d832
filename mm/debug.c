/*
 * mm/debug.c - counting and reporting misuse.
 *
 * Every refused misuse goes through mm_report_bug (one line starting with
 * "BUG") or, for multi-line slab reports, mm_count_error after the
 * report; either way it is counted once in mm_error_count().
 */
#include "mm/internal.h"

static unsigned long mm_errors;

void mm_count_error(void)
{
	__atomic_fetch_add(&mm_errors, 1, __ATOMIC_RELAXED);
}

void mm_report_bug(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_err("%s", line);
	mm_count_error();
}

unsigned long mm_error_count(void)
{
	return __atomic_load_n(&mm_errors, __ATOMIC_RELAXED);
}

void mm_errors_reset(void)
{
	__atomic_store_n(&mm_errors, 0, __ATOMIC_RELAXED);
}
