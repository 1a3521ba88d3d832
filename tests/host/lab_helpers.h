/*
 * tests/host/lab_helpers.h - running lab experiments from the cmocka
 * suites (test_lab, test_lab_trace): a lab_env that captures the output
 * and the diagnostics, a fake clock, traces from strings, and CSV access.
 */
#ifndef TESTS_HOST_LAB_HELPERS_H
#define TESTS_HOST_LAB_HELPERS_H

#include "tests/host/helpers.h"

#include "mm/lab/lab.h"

struct lab_capture {
	struct lab_env env;
	char *out, *diag;
	size_t out_len, out_cap, diag_len, diag_cap;
	const char *trace;	/* the text trace_open serves, NULL: none */
	size_t trace_len, trace_pos;
	size_t chunk;		/* bytes per trace_read (0: all) */
	int opens;
	uint64_t clock;
};

/* Boots mm on 64 MiB with reproducible slabs and sets up cap with the
 * fake clock (3 cycles per reading) and no trace. */
void lab_start(struct lab_capture *cap);
/* Frees what cap captured (and shuts mm down). */
void lab_finish(struct lab_capture *cap);
/* Runs "NAME options..." (split at spaces); clears the previous output. */
int lab_cmd(struct lab_capture *cap, const char *cmdline);

/* Lines of the output, the header included. */
size_t csv_lines(const char *out);
/* Copies line i (0: the header) into buf; false if there is none. */
bool csv_line(const char *out, size_t i, char *buf, size_t size);
size_t csv_columns(const char *line);
/* The cell of column `name` in data row `row` (0: the first after the
 * header) as a string in buf, false when absent. */
bool csv_cell(const char *out, size_t row, const char *name, char *buf, size_t size);
unsigned long long csv_u64(const char *out, size_t row, const char *name);
/* A cell printed with three decimals, times 1000. */
long long csv_milli(const char *out, size_t row, const char *name);
/* The first data row whose column `name` is `value`, or -1. */
long csv_find(const char *out, const char *name, const char *value);
long csv_find2(const char *out, const char *n1, const char *v1, const char *n2,
	       const char *v2);
/* Asserts that every line has as many columns as the header and that the
 * header is `header`. */
void assert_csv_shape(const char *out, const char *header);

#endif
