/*
 * mm/lab/output.c - what an experiment prints, and its messages.
 *
 * Output is one table per experiment, written a row at a time through
 * env->out, either as CSV (a header line, then one line per row, fields
 * separated by commas and never quoted: no field contains a comma) or as
 * a table for people (right-aligned columns at least as wide as their
 * names, with a rule under the header; strings left-aligned).  A row is
 * assembled in the context's line buffer and written whole, so a sink
 * that is a console never interleaves half rows with anything else.
 */
#include "mm/lab/lab_internal.h"

static void emit(struct lab_ctx *c, const char *s, size_t n)
{
	c->env->out(c->env->ctx, s, n);
}

void lab_diag(struct lab_ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	msg[n] = '\0';
	if (c->env->diag)
		c->env->diag(c->env->ctx, msg, (size_t)n);
}

void lab_progress(struct lab_ctx *c, unsigned long done, unsigned long total)
{
	unsigned long step = total ? total / 100 : 1ul << 16;

	if (!c->env->progress)
		return;
	if (step == 0)
		step = 1;
	if (done != total && done >= c->progress_last && done - c->progress_last < step)
		return;
	c->progress_last = done;
	c->env->progress(c->env->ctx, c->exp->name, done, total);
}

uint64_t lab_cycles(struct lab_ctx *c)
{
	if (c->env->cycles)
		return c->env->cycles(c->env->ctx);
	return mm_port_cycles();
}

static void line_put(struct lab_ctx *c, const char *s, size_t n)
{
	if (c->len + n >= sizeof(c->line))
		n = sizeof(c->line) - 1 - c->len;
	memcpy(c->line + c->len, s, n);
	c->len += n;
}

static void line_pad(struct lab_ctx *c, size_t n)
{
	while (n-- && c->len + 1 < sizeof(c->line))
		c->line[c->len++] = ' ';
}

#define TABLE_MIN_WIDTH	7
#define TABLE_GAP	2

void lab_table(struct lab_ctx *c, const char *columns)
{
	const char *p = columns;

	c->ncols = 0;
	c->col = 0;
	c->len = 0;
	c->rows = 0;
	while (*p && c->ncols < LAB_MAX_COLUMNS) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		c->width[c->ncols++] = (uint8_t)(n > TABLE_MIN_WIDTH ? n : TABLE_MIN_WIDTH);
		p += n + (p[n] == ',');
	}
	if (c->o.format == LAB_FMT_CSV) {
		emit(c, columns, strlen(columns));
		emit(c, "\n", 1);
		return;
	}
	/* Table: the same names, right-aligned, then a rule. */
	p = columns;
	for (unsigned int i = 0; i < c->ncols; i++) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		line_pad(c, (i ? TABLE_GAP : 0) + c->width[i] - n);
		line_put(c, p, n);
		p += n + (p[n] == ',');
	}
	line_put(c, "\n", 1);
	emit(c, c->line, c->len);
	c->len = 0;
	for (unsigned int i = 0; i < c->ncols; i++) {
		line_pad(c, i ? TABLE_GAP : 0);
		for (unsigned int k = 0; k < c->width[i]; k++)
			line_put(c, "-", 1);
	}
	line_put(c, "\n", 1);
	emit(c, c->line, c->len);
	c->len = 0;
}

static void cell(struct lab_ctx *c, const char *s, bool left)
{
	size_t n = strlen(s);
	unsigned int w = c->col < c->ncols ? c->width[c->col] : 0;

	if (c->o.format == LAB_FMT_CSV) {
		if (c->col)
			line_put(c, ",", 1);
		line_put(c, s, n);
	} else {
		size_t pad = n < w ? w - n : 0;

		line_pad(c, c->col ? TABLE_GAP : 0);
		if (!left)
			line_pad(c, pad);
		line_put(c, s, n);
		if (left)
			line_pad(c, pad);
	}
	c->col++;
}

void lab_cell_str(struct lab_ctx *c, const char *s)
{
	cell(c, s, true);
}

void lab_cell_u64(struct lab_ctx *c, uint64_t v)
{
	char buf[24];

	ksnprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	cell(c, buf, false);
}

void lab_cell_s64(struct lab_ctx *c, int64_t v)
{
	char buf[24];

	ksnprintf(buf, sizeof(buf), "%lld", (long long)v);
	cell(c, buf, false);
}

void lab_cell_milli(struct lab_ctx *c, int64_t milli)
{
	char buf[32];
	uint64_t a = milli < 0 ? (uint64_t)-milli : (uint64_t)milli;

	ksnprintf(buf, sizeof(buf), "%s%llu.%03llu", milli < 0 ? "-" : "",
		  (unsigned long long)(a / 1000), (unsigned long long)(a % 1000));
	cell(c, buf, false);
}

void lab_cell_ratio(struct lab_ctx *c, uint64_t num, uint64_t den)
{
	if (num == 0 && den == 0) {
		lab_cell_milli(c, 0);	/* nothing per nothing: e.g. an empty trace */
		return;
	}
	if (den == 0) {
		cell(c, "inf", false);
		return;
	}
	/* Rounded to the nearest thousandth; num stays below 2^53 here. */
	lab_cell_milli(c, (int64_t)((num * 1000 + den / 2) / den));
}

void lab_row_end(struct lab_ctx *c)
{
	if (c->col != c->ncols)
		lab_diag(c, "lab %s: bug: a row has %u cells, the header %u",
			 c->exp->name, c->col, c->ncols);
	if (c->o.format == LAB_FMT_TABLE) {
		/* No trailing blanks from a left-aligned last cell. */
		while (c->len && c->line[c->len - 1] == ' ')
			c->len--;
	}
	line_put(c, "\n", 1);
	emit(c, c->line, c->len);
	c->len = 0;
	c->col = 0;
	c->rows++;
}
