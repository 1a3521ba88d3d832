/*
 * tests/host/lab_helpers.c - see lab_helpers.h.
 */
#include "tests/host/lab_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB_TEST_MEM	(64ULL << 20)

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 4096;

		while (c < *len + n + 1)
			c *= 2;
		*buf = realloc(*buf, c);
		assert_non_null(*buf);
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static void cap_out(void *ctx, const char *s, size_t n)
{
	struct lab_capture *cap = ctx;

	append(&cap->out, &cap->out_len, &cap->out_cap, s, n);
}

static void cap_diag(void *ctx, const char *s, size_t n)
{
	struct lab_capture *cap = ctx;

	append(&cap->diag, &cap->diag_len, &cap->diag_cap, s, n);
}

static uint64_t cap_clock(void *ctx)
{
	struct lab_capture *cap = ctx;

	return cap->clock += 3;
}

static int cap_trace_open(void *ctx, const char *name)
{
	struct lab_capture *cap = ctx;

	(void)name;
	if (!cap->trace)
		return -ENOENT;
	cap->trace_pos = 0;
	cap->opens++;
	return 0;
}

static long cap_trace_read(void *ctx, char *buf, size_t size)
{
	struct lab_capture *cap = ctx;
	size_t n = cap->trace_len - cap->trace_pos;

	if (n > size)
		n = size;
	if (cap->chunk && n > cap->chunk)
		n = cap->chunk;
	memcpy(buf, cap->trace + cap->trace_pos, n);
	cap->trace_pos += n;
	return (long)n;
}

void lab_start(struct lab_capture *cap)
{
	memset(cap, 0, sizeof(*cap));
	cap->env.out = cap_out;
	cap->env.diag = cap_diag;
	cap->env.cycles = cap_clock;
	cap->env.trace_open = cap_trace_open;
	cap->env.trace_read = cap_trace_read;
	cap->env.ctx = cap;
	boot_simple(LAB_TEST_MEM, "slab_freelist_random=0");
	append(&cap->out, &cap->out_len, &cap->out_cap, "", 0);
	append(&cap->diag, &cap->diag_len, &cap->diag_cap, "", 0);
}

void lab_finish(struct lab_capture *cap)
{
	free(cap->out);
	free(cap->diag);
	cap->out = cap->diag = NULL;
	mm_host_shutdown();
}

int lab_cmd(struct lab_capture *cap, const char *cmdline)
{
	char buf[1024];
	char *argv[64];
	int argc = 0;

	assert_true(strlen(cmdline) < sizeof(buf));
	strcpy(buf, cmdline);
	for (char *p = strtok(buf, " "); p; p = strtok(NULL, " ")) {
		assert_true(argc < 64);
		argv[argc++] = p;
	}
	cap->out_len = 0;
	cap->out[0] = '\0';
	cap->diag_len = 0;
	cap->diag[0] = '\0';
	cap->clock = 0;
	return lab_run(&cap->env, argc, argv);
}

size_t csv_lines(const char *out)
{
	size_t n = 0;

	for (const char *p = out; *p; p++)
		n += *p == '\n';
	return n;
}

bool csv_line(const char *out, size_t i, char *buf, size_t size)
{
	const char *p = out;

	while (i--) {
		p = strchr(p, '\n');
		if (!p)
			return false;
		p++;
	}
	if (!*p)
		return false;
	const char *end = strchr(p, '\n');
	size_t n = end ? (size_t)(end - p) : strlen(p);

	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

size_t csv_columns(const char *line)
{
	size_t n = 1;

	for (; *line; line++)
		n += *line == ',';
	return n;
}

/* Field i of a CSV line. */
static bool field(const char *line, size_t i, char *buf, size_t size)
{
	while (i--) {
		line = strchr(line, ',');
		if (!line)
			return false;
		line++;
	}
	size_t n = strcspn(line, ",");

	assert_true(n < size);
	memcpy(buf, line, n);
	buf[n] = '\0';
	return true;
}

static long column_of(const char *out, const char *name)
{
	char header[1024], f[64];

	if (!csv_line(out, 0, header, sizeof(header)))
		return -1;
	for (size_t i = 0; field(header, i, f, sizeof(f)); i++)
		if (strcmp(f, name) == 0)
			return (long)i;
	return -1;
}

bool csv_cell(const char *out, size_t row, const char *name, char *buf, size_t size)
{
	char line[1024];
	long col = column_of(out, name);

	if (col < 0 || !csv_line(out, row + 1, line, sizeof(line)))
		return false;
	return field(line, (size_t)col, buf, size);
}

unsigned long long csv_u64(const char *out, size_t row, const char *name)
{
	char buf[64];

	if (!csv_cell(out, row, name, buf, sizeof(buf))) {
		fprintf(stderr, "no column %s in row %zu of:\n%s\n", name, row, out);
		fail();
	}
	return strtoull(buf, NULL, 10);
}

long long csv_milli(const char *out, size_t row, const char *name)
{
	char buf[64];

	if (!csv_cell(out, row, name, buf, sizeof(buf))) {
		fprintf(stderr, "no column %s in row %zu of:\n%s\n", name, row, out);
		fail();
	}
	bool neg = buf[0] == '-';
	char *dot = strchr(buf, '.');

	assert_non_null(dot);
	assert_int_equal(strlen(dot), 4);
	long long v = strtoll(buf + neg, NULL, 10) * 1000 + strtoll(dot + 1, NULL, 10);

	return neg ? -v : v;
}

long csv_find2(const char *out, const char *n1, const char *v1, const char *n2,
	       const char *v2)
{
	char buf[64];

	for (size_t row = 0; row + 1 < csv_lines(out); row++) {
		if (!csv_cell(out, row, n1, buf, sizeof(buf)) || strcmp(buf, v1) != 0)
			continue;
		if (n2 && (!csv_cell(out, row, n2, buf, sizeof(buf)) || strcmp(buf, v2) != 0))
			continue;
		return (long)row;
	}
	return -1;
}

long csv_find(const char *out, const char *name, const char *value)
{
	return csv_find2(out, name, value, NULL, NULL);
}

void assert_csv_shape(const char *out, const char *header)
{
	char line[1024];

	if (!csv_line(out, 0, line, sizeof(line)) || strcmp(line, header) != 0) {
		fprintf(stderr, "expected header:\n%s\noutput:\n%s\n", header, out);
		fail();
	}
	size_t cols = csv_columns(header);
	size_t n = csv_lines(out);

	assert_true(n >= 2);
	assert_int_equal(out[strlen(out) - 1], '\n');
	for (size_t i = 1; i < n; i++) {
		assert_true(csv_line(out, i, line, sizeof(line)));
		if (csv_columns(line) != cols) {
			fprintf(stderr, "line %zu has %zu columns, the header %zu:\n%s\n", i,
				csv_columns(line), cols, line);
			fail();
		}
	}
}
