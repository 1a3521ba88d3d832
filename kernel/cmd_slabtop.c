/*
 * kernel/cmd_slabtop.c - slabtop: the slab caches on one screen, in the
 * layout of procps' `slabtop --once --sort=c`.
 *
 * Like procps, it reads /proc/slabinfo (version 2.1) rather than mm's
 * structures, so what it shows is exactly what that report says:
 *
 *	 Active / Total Objects (% used)    : 1234 / 2345 (52.6%)
 *	 Active / Total Slabs (% used)      : 100 / 120 (83.3%)
 *	 Active / Total Caches (% used)     : 5 / 28 (17.9%)
 *	 Active / Total Size (% used)       : 120.50K / 230.75K (52.2%)
 *	 Minimum / Average / Maximum Object : 0.01K / 0.10K / 8.00K
 *
 *	  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME
 *	   512    100  19%    0.01K      1      512         4K kmalloc-8
 *
 * procps' definitions: a cache is active when it has objects; sizes are
 * objects times the object size (the stride, slabinfo's <objsize>); the
 * cache size is slabs times pages per slab; USE is active * 100 / objects
 * (truncated).  The kernel has no floating point: the K and % figures are
 * fixed point with procps' decimals, rounded to nearest.
 */
#include "kernel/lib/parse.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/slab.h"

#define SLABTOP_CACHES_MAX	256
/* Header (5 lines), blank, column titles, and the next prompt. */
#define SLABTOP_ROWS		(SHELL_SCREEN_ROWS - 8)
#define SLABINFO_FIELDS		16	/* words in a version 2.1 row */
#define SLABINFO_HEADER_LINES	2

struct slabtop_row {
	char name[KMEM_CACHE_NAME_MAX];
	unsigned long active, objs, objsize, per_slab, pages_per_slab;
	unsigned long active_slabs, slabs;
	unsigned long long cache_bytes;
};

static struct slabtop_row rows[SLABTOP_CACHES_MAX];
static struct slabtop_row *order[SLABTOP_CACHES_MAX];

/* Splits a line into words in place; returns how many (at most max). */
static size_t split_words(char *s, char **w, size_t max)
{
	size_t n = 0;

	while (*s) {
		while (*s == ' ')
			*s++ = '\0';
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		w[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

/*
 * name active_objs num_objs objsize objperslab pagesperslab
 *   : tunables limit batchcount sharedfactor
 *   : slabdata active_slabs num_slabs sharedavail
 */
static bool parse_row(char *line, struct slabtop_row *r)
{
	static const unsigned int num_idx[] = { 1, 2, 3, 4, 5, 13, 14 };
	unsigned long *dst[] = { &r->active, &r->objs, &r->objsize, &r->per_slab,
				 &r->pages_per_slab, &r->active_slabs, &r->slabs };
	char *w[SLABINFO_FIELDS];

	_Static_assert(ARRAY_SIZE(num_idx) == ARRAY_SIZE(dst), "fields");
	if (split_words(line, w, SLABINFO_FIELDS) != SLABINFO_FIELDS)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(num_idx); i++)
		if (kstrtoul(w[num_idx[i]], 10, dst[i]) != 0)
			return false;
	strlcpy(r->name, w[0], sizeof(r->name));
	r->cache_bytes = (unsigned long long)r->slabs * r->pages_per_slab * PAGE_SIZE;
	return true;
}

/* Sort key: cache size, then objects, descending; then name. */
static bool goes_before(const struct slabtop_row *a, const struct slabtop_row *b)
{
	if (a->cache_bytes != b->cache_bytes)
		return a->cache_bytes > b->cache_bytes;
	if (a->objs != b->objs)
		return a->objs > b->objs;
	return strcmp(a->name, b->name) < 0;
}

static void sort_rows(size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = &rows[i];
	for (size_t i = 1; i < n; i++) {
		struct slabtop_row *r = order[i];
		size_t j = i;

		while (j > 0 && goes_before(r, order[j - 1])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = r;
	}
}

/* "12.34K" for bytes (rounded to hundredths of a KiB). */
static const char *fmt_kib(char *buf, size_t size, unsigned long long bytes)
{
	unsigned long long hundredths = (bytes * 100 + 512) / 1024;

	ksnprintf(buf, size, "%llu.%02lluK", hundredths / 100, hundredths % 100);
	return buf;
}

/* "52.6%" for part/whole, 0.0% for 0/0. */
static const char *fmt_pct(char *buf, size_t size, unsigned long long part,
			   unsigned long long whole)
{
	unsigned long long tenths = whole ? (part * 1000 + whole / 2) / whole : 0;

	ksnprintf(buf, size, "%llu.%llu%%", tenths / 10, tenths % 10);
	return buf;
}

struct totals {
	unsigned long long objs, active, slabs, active_slabs, caches, active_caches;
	unsigned long long size, active_size;
	unsigned long min_obj, max_obj;
};

static void add_totals(struct totals *t, const struct slabtop_row *r)
{
	t->objs += r->objs;
	t->active += r->active;
	t->slabs += r->slabs;
	t->active_slabs += r->active_slabs;
	t->caches++;
	t->active_caches += r->objs != 0;
	t->size += (unsigned long long)r->objs * r->objsize;
	t->active_size += (unsigned long long)r->active * r->objsize;
	if (t->min_obj == 0 || r->objsize < t->min_obj)
		t->min_obj = r->objsize;
	if (r->objsize > t->max_obj)
		t->max_obj = r->objsize;
}

static void print_header(const struct totals *t)
{
	char a[24], b[24], c[24];

	kprintf(" Active / Total Objects (%% used)    : %llu / %llu (%s)\n",
		t->active, t->objs, fmt_pct(a, sizeof(a), t->active, t->objs));
	kprintf(" Active / Total Slabs (%% used)      : %llu / %llu (%s)\n",
		t->active_slabs, t->slabs,
		fmt_pct(a, sizeof(a), t->active_slabs, t->slabs));
	kprintf(" Active / Total Caches (%% used)     : %llu / %llu (%s)\n",
		t->active_caches, t->caches,
		fmt_pct(a, sizeof(a), t->active_caches, t->caches));
	kprintf(" Active / Total Size (%% used)       : %s / %s (%s)\n",
		fmt_kib(a, sizeof(a), t->active_size), fmt_kib(b, sizeof(b), t->size),
		fmt_pct(c, sizeof(c), t->active_size, t->size));
	kprintf(" Minimum / Average / Maximum Object : %s / %s / %s\n\n",
		fmt_kib(a, sizeof(a), t->min_obj),
		fmt_kib(b, sizeof(b), t->objs ? t->size / t->objs : 0),
		fmt_kib(c, sizeof(c), t->max_obj));
}

static void print_row(const struct slabtop_row *r)
{
	char objsize[24];

	kprintf("%6lu %6lu %3lu%% %8s %6lu %8lu %9lluK %-23s\n", r->objs, r->active,
		r->objs ? r->active * 100 / r->objs : 0,
		fmt_kib(objsize, sizeof(objsize), r->objsize), r->slabs,
		r->per_slab, r->cache_bytes / 1024, r->name);
}

static int cmd_slabtop(int argc, char **argv)
{
	struct totals t;
	size_t n = 0, skipped = 0;

	if (argc != 1)
		return shell_usage(argv[0]);
	char *text = shell_read_report(argv[0], "/proc/slabinfo");

	if (!text)
		return 1;
	memset(&t, 0, sizeof(t));
	unsigned int line_no = 0;

	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		char *next = nl ? nl + 1 : line + strlen(line);

		if (nl)
			*nl = '\0';
		if (line_no++ >= SLABINFO_HEADER_LINES) {
			if (n < ARRAY_SIZE(rows) && parse_row(line, &rows[n]))
				add_totals(&t, &rows[n++]);
			else
				skipped++;
		}
		line = next;
	}
	print_header(&t);
	kprintf("  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n");
	sort_rows(n);
	for (size_t i = 0; i < n && i < SLABTOP_ROWS; i++)
		print_row(order[i]);
	if (skipped)
		kprintf("(%zu rows of /proc/slabinfo not understood)\n", skipped);
	return 0;
}
SHELL_CMD(slabtop, "slabtop",
	  "slab caches by memory used, one screen (procps-style)",
	  cmd_slabtop);
