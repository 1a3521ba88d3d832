/*
 * mm/lab/trace.c - allocation traces as op streams.
 *
 * Format: one operation a line,
 *
 *	a ID SIZE	allocate SIZE bytes (decimal, 0..4194304) as object ID
 *	f ID		free object ID
 *
 * ID is a decimal or 0x-prefixed hexadecimal number below 2^64 (a
 * counter, or an address).  Fields are separated by spaces or tabs;
 * blank lines and lines starting with '#' are ignored; a trailing "\r" is
 * tolerated.  tools/trace-malloc.so writes this format.
 *
 * Bad lines are reported as "trace:LINE: what" on the diag channel (the
 * first --max-errors of them; the rest are counted) and skipped, and the
 * replay continues; with --strict the first one stops the replay and the
 * experiment fails with -EIO.  What counts as bad, and what happens:
 *
 *   unknown op, missing or extra field, a field that is not a number,
 *   a line longer than 255 characters (a comment may be longer)
 *                                           skipped
 *   a ID SIZE with SIZE > 4 MiB (more than the buddy allocator's largest
 *   block)                                  skipped; a later f ID is
 *                                           skipped silently
 *   a ID SIZE while ID is live (duplicate)  skipped; ID keeps its first
 *                                           allocation
 *   f ID of an ID that is not live          skipped
 * Objects still live at the end of the trace are freed by the replay
 * (and counted as such), so every replay ends with everything freed.
 *
 * IDs map to dense slots through a chained hash table kept in lab pages
 * (grown by doubling); a freed ID's slot is reused.
 */
#include "mm/lab/lab_internal.h"

#include "kernel/lib/parse.h"

#define TRACE_LINE_MAX		256	/* including the newline */
#define TRACE_READ_BUF		4096
#define TRACE_BUCKETS_MIN	4096u
#define TRACE_FIELDS_MAX	4

enum entry_state { ENTRY_UNUSED, ENTRY_LIVE, ENTRY_SKIPPED };

struct trace_entry {
	uint64_t id;
	uint32_t next;		/* next slot + 1 in the bucket, 0: end */
	uint32_t line;		/* where it was allocated */
	uint32_t state;
};

struct trace {
	struct lab_source src;
	struct lab_ctx *c;
	const char *name;
	bool open;
	bool eof;
	char buf[TRACE_READ_BUF];
	size_t len, pos;
	char line[TRACE_LINE_MAX];

	struct lab_vec entries;		/* by slot */
	struct lab_vec buckets;		/* uint32_t: first slot + 1 */
	unsigned long nr_buckets;
	struct lab_vec free_slots;	/* uint32_t stack */
	unsigned long nr_free_slots, next_slot, live;
	unsigned long max_slots;	/* next_slot before the last rewind */

	struct lab_trace_counts n;
	unsigned long reported;
};

/* ---- reporting --------------------------------------------------------- */

static int trace_bad(struct trace *t, unsigned long *counter, const char *fmt, ...)
	__printf(3, 4);
static int trace_bad(struct trace *t, unsigned long *counter, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	(*counter)++;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!t->c->trace_quiet &&
	    (t->reported < t->c->o.max_errors || t->c->o.strict)) {
		t->reported++;
		lab_diag(t->c, "trace:%lu: %s%s", t->n.lines, msg,
			 t->c->o.strict ? " (--strict: replay stopped)" : ", skipped");
	}
	return t->c->o.strict ? -EIO : 0;
}

/* ---- the ID table ------------------------------------------------------ */

static uint32_t hash_id(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (uint32_t)id;
}

static uint32_t *bucket_of(struct trace *t, uint64_t id)
{
	return lab_vec_at(&t->buckets, hash_id(id) & (t->nr_buckets - 1));
}

static struct trace_entry *entry_at(struct trace *t, uint32_t slot)
{
	return lab_vec_at(&t->entries, slot);
}

/* The slot of id, or -1; *link is where the slot is chained from. */
static long find_id(struct trace *t, uint64_t id, uint32_t **link)
{
	uint32_t *l = bucket_of(t, id);

	while (l && *l) {
		struct trace_entry *e = entry_at(t, *l - 1);

		if (e->id == id) {
			if (link)
				*link = l;
			return (long)(*l - 1);
		}
		l = &e->next;
	}
	return -1;
}

static int rehash(struct trace *t)
{
	struct lab_vec old = t->buckets;

	lab_vec_init(&t->buckets, t->c, sizeof(uint32_t));
	t->nr_buckets *= 2;
	if (!lab_vec_at(&t->buckets, t->nr_buckets - 1)) {
		lab_vec_destroy(&t->buckets);
		t->buckets = old;
		t->nr_buckets /= 2;
		return -ENOMEM;
	}
	for (unsigned long s = 0; s < t->next_slot; s++) {
		struct trace_entry *e = entry_at(t, (uint32_t)s);

		if (e->state == ENTRY_UNUSED)
			continue;
		uint32_t *b = bucket_of(t, e->id);

		e->next = *b;
		*b = (uint32_t)s + 1;
	}
	lab_vec_destroy(&old);
	return 0;
}

/* Adds id in a new slot; returns the slot or -ENOMEM. */
static long add_id(struct trace *t, uint64_t id, enum entry_state state)
{
	uint32_t slot;

	if (t->live + 1 > 2 * t->nr_buckets && rehash(t))
		return -ENOMEM;
	if (t->nr_free_slots) {
		slot = *(uint32_t *)lab_vec_at(&t->free_slots, --t->nr_free_slots);
	} else {
		if (t->next_slot >= 0xffffffffUL)
			return -ENOMEM;
		slot = (uint32_t)t->next_slot++;
	}

	struct trace_entry *e = entry_at(t, slot);
	uint32_t *b = bucket_of(t, id);

	if (!e || !b)
		return -ENOMEM;
	e->id = id;
	e->line = (uint32_t)t->n.lines;
	e->state = state;
	e->next = *b;
	*b = slot + 1;
	t->live++;
	return slot;
}

static int remove_id(struct trace *t, uint32_t slot, uint32_t *link)
{
	struct trace_entry *e = entry_at(t, slot);
	uint32_t *top = lab_vec_at(&t->free_slots, t->nr_free_slots);

	if (!top)
		return -ENOMEM;
	*link = e->next;
	e->state = ENTRY_UNUSED;
	e->next = 0;
	*top = slot;
	t->nr_free_slots++;
	t->live--;
	return 0;
}

/* ---- reading lines ----------------------------------------------------- */

/* Reads the next line into t->line (without its newline): 1, 0 at the
 * end, -EIO on a read error; of an overlong line only the start is kept,
 * and *too_long is set. */
static int read_line(struct trace *t, bool *too_long)
{
	const struct lab_env *env = t->c->env;
	size_t n = 0;

	*too_long = false;
	for (;;) {
		if (t->pos == t->len) {
			if (t->eof)
				break;
			long got = env->trace_read(env->ctx, t->buf, sizeof(t->buf));

			if (got < 0) {
				lab_diag(t->c, "trace: read error %ld after line %lu", got,
					 t->n.lines);
				return -EIO;
			}
			t->pos = 0;
			t->len = (size_t)got;
			if (got == 0) {
				t->eof = true;
				break;
			}
		}
		char ch = t->buf[t->pos++];

		if (ch == '\n') {
			t->line[n] = '\0';
			return 1;
		}
		if (n + 1 < sizeof(t->line))
			t->line[n++] = ch;
		else
			*too_long = true;
	}
	if (n == 0 && !*too_long)
		return 0;
	/* A last line without its newline. */
	t->line[n] = '\0';
	return 1;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static int split_fields(char *s, char **f)
{
	int n = 0;

	for (;;) {
		while (is_space(*s))
			*s++ = '\0';
		if (!*s)
			return n;
		if (n == TRACE_FIELDS_MAX)
			return n + 1;	/* too many */
		f[n++] = s;
		while (*s && !is_space(*s))
			s++;
	}
}

static int parse_id(const char *s, uint64_t *id)
{
	unsigned long long v;
	int err;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		err = kstrtoull(s + 2, 16, &v);
	else
		err = kstrtoull(s, 10, &v);
	if (!err && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !s[2])
		err = -EINVAL;
	*id = v;
	return err;
}

/* ---- the op stream ----------------------------------------------------- */

static int trace_next(struct lab_source *src, struct lab_op *op)
{
	struct trace *t = container_of(src, struct trace, src);

	for (;;) {
		bool too_long;
		int err = read_line(t, &too_long);

		if (err <= 0)
			return err;
		t->n.lines++;
		if (too_long && t->line[0] == '#') {
			t->n.comments++;	/* a long comment is still one */
			continue;
		}
		if (too_long) {
			err = trace_bad(t, &t->n.bad_lines, "line longer than %d characters",
					TRACE_LINE_MAX - 1);
			if (err)
				return err;
			continue;
		}

		char *f[TRACE_FIELDS_MAX];
		int nf = split_fields(t->line, f);

		if (nf == 0 || f[0][0] == '#') {
			t->n.comments++;
			continue;
		}

		bool is_alloc = strcmp(f[0], "a") == 0;
		bool is_free = strcmp(f[0], "f") == 0;
		int want = is_alloc ? 3 : 2;
		uint64_t id;
		unsigned long long size = 0;

		if (!is_alloc && !is_free)
			err = trace_bad(t, &t->n.bad_lines, "unknown op '%.16s' (a ID SIZE or f ID)",
					f[0]);
		else if (nf < want)
			err = trace_bad(t, &t->n.bad_lines, "missing %s (%s)",
					nf == 1 ? "ID" : "SIZE",
					is_alloc ? "a ID SIZE" : "f ID");
		else if (nf > want)
			err = trace_bad(t, &t->n.bad_lines, "unexpected text after %s",
					is_alloc ? "a ID SIZE" : "f ID");
		else if (parse_id(f[1], &id))
			err = trace_bad(t, &t->n.bad_lines, "ID '%.24s' is not a number below 2^64",
					f[1]);
		else if (is_alloc && kstrtoull(f[2], 10, &size))
			err = trace_bad(t, &t->n.bad_lines, "SIZE '%.24s' is not a number", f[2]);
		else
			goto well_formed;
		if (err)
			return err;
		continue;

well_formed:
		if (is_alloc) {
			long slot = find_id(t, id, NULL);

			if (slot >= 0 && entry_at(t, (uint32_t)slot)->state == ENTRY_LIVE) {
				err = trace_bad(t, &t->n.duplicates,
						"duplicate ID %llu (allocated at line %u and not freed)",
						(unsigned long long)id,
						entry_at(t, (uint32_t)slot)->line);
				if (err)
					return err;
				continue;
			}
			if (slot >= 0) {
				/* A skipped (huge) allocation of the same ID: the
				 * new one replaces it. */
				uint32_t *link;

				find_id(t, id, &link);
				if (remove_id(t, (uint32_t)slot, link))
					goto nomem;
			}
			if (size > LAB_MAX_REQUEST) {
				err = trace_bad(t, &t->n.huge,
						"size %llu is larger than the largest block (%lu bytes)",
						size, LAB_MAX_REQUEST);
				if (err)
					return err;
				if (add_id(t, id, ENTRY_SKIPPED) < 0)
					goto nomem;
				continue;
			}
			slot = add_id(t, id, ENTRY_LIVE);
			if (slot < 0)
				goto nomem;
			t->n.allocs++;
			op->kind = LAB_OP_ALLOC;
			op->slot = (uint32_t)slot;
			op->size = (uint32_t)size;
			return 1;
		}

		uint32_t *link;
		long slot = find_id(t, id, &link);

		if (slot < 0) {
			err = trace_bad(t, &t->n.unknown_frees,
					"free of ID %llu, which is not allocated",
					(unsigned long long)id);
			if (err)
				return err;
			continue;
		}
		bool skipped = entry_at(t, (uint32_t)slot)->state == ENTRY_SKIPPED;

		if (remove_id(t, (uint32_t)slot, link))
			goto nomem;
		if (skipped)
			continue;	/* its allocation was skipped (and reported) */
		t->n.frees++;
		op->kind = LAB_OP_FREE;
		op->slot = (uint32_t)slot;
		return 1;
	}
nomem:
	lab_diag(t->c, "trace:%lu: out of memory for the ID table (%lu IDs live)",
		 t->n.lines, t->live);
	return -ENOMEM;
}

static void trace_destroy(struct lab_source *src)
{
	struct trace *t = container_of(src, struct trace, src);
	struct lab_ctx *c = t->c;

	if (t->open && c->env->trace_close)
		c->env->trace_close(c->env->ctx);
	if (!c->trace_quiet &&
	    t->n.bad_lines + t->n.huge + t->n.duplicates + t->n.unknown_frees > t->reported)
		lab_diag(c, "trace: %lu more bad lines not shown (--max-errors %lu)",
			 t->n.bad_lines + t->n.huge + t->n.duplicates +
			 t->n.unknown_frees - t->reported, c->o.max_errors);
	lab_vec_destroy(&t->entries);
	lab_vec_destroy(&t->buckets);
	lab_vec_destroy(&t->free_slots);
	lab_free(c, t, sizeof(*t));
}

struct lab_source *lab_trace_create(struct lab_ctx *c, const char *name)
{
	const struct lab_env *env = c->env;

	if (!env->trace_open || !env->trace_read) {
		lab_diag(c, "lab %s: no trace input in this environment", c->exp->name);
		return NULL;
	}

	struct trace *t = lab_alloc(c, sizeof(*t));

	if (!t)
		return NULL;
	t->c = c;
	t->src.next = trace_next;
	t->src.destroy = trace_destroy;
	lab_vec_init(&t->entries, c, sizeof(struct trace_entry));
	lab_vec_init(&t->buckets, c, sizeof(uint32_t));
	lab_vec_init(&t->free_slots, c, sizeof(uint32_t));
	t->nr_buckets = TRACE_BUCKETS_MIN;
	if (!lab_vec_at(&t->buckets, t->nr_buckets - 1)) {
		trace_destroy(&t->src);
		return NULL;
	}

	int err = env->trace_open(env->ctx, name);

	if (err) {
		lab_diag(c, "lab %s: cannot open trace '%s' (error %d)", c->exp->name,
			 name, err);
		trace_destroy(&t->src);
		return NULL;
	}
	t->open = true;
	t->name = name;
	return &t->src;
}

int lab_trace_rewind(struct lab_source *src)
{
	struct trace *t = container_of(src, struct trace, src);
	const struct lab_env *env = t->c->env;

	if (t->open && env->trace_close)
		env->trace_close(env->ctx);
	t->open = false;
	for (unsigned long s = 0; s < t->next_slot; s++) {
		struct trace_entry *e = entry_at(t, (uint32_t)s);

		e->state = ENTRY_UNUSED;
		e->next = 0;
	}
	for (unsigned long b = 0; b < t->nr_buckets; b++)
		*(uint32_t *)lab_vec_at(&t->buckets, b) = 0;
	/* The slots, the free-slot stack and the buckets keep their pages;
	 * the same ops reach the same sizes again without growing them. */
	t->max_slots = max(t->max_slots, t->next_slot);
	t->nr_free_slots = t->next_slot = t->live = 0;
	t->len = t->pos = 0;
	t->eof = false;
	memset(&t->n, 0, sizeof(t->n));

	int err = env->trace_open(env->ctx, t->name);

	if (err) {
		lab_diag(t->c, "lab %s: cannot reopen trace '%s' (error %d)", t->c->exp->name,
			 t->name, err);
		return err;
	}
	t->open = true;
	return 0;
}

unsigned long lab_trace_slots(struct lab_source *src)
{
	struct trace *t = container_of(src, struct trace, src);

	return max(t->max_slots, t->next_slot);
}

void lab_trace_get_counts(struct lab_source *src, struct lab_trace_counts *tc)
{
	*tc = container_of(src, struct trace, src)->n;
}
