/*
 * mm/lab/core.c - the lab's registry and options, and lab_run.
 *
 * lab_run(env, argc, argv) finds the experiment argv[0], fills struct
 * lab_opts from the common defaults, then the experiment's own defaults
 * (a command line, so `lab help NAME` can show them verbatim), then the
 * user's arguments, and calls the experiment with one static context.
 * Output goes through mm/lab/output.c.
 */
#include "mm/lab/lab_internal.h"

#include "kernel/lib/parse.h"

static const struct lab_experiment *const experiments[] = {
	&lab_exp_waste,
	&lab_exp_fragmentation,
	&lab_exp_pinning,
	&lab_exp_ctor,
	&lab_exp_colour,
	&lab_exp_speed,
	&lab_exp_replay,
};

const char *const lab_allocator_names[LAB_NR_ALLOCATORS] = {
	[LAB_ALLOC_CACHE] = "cache",
	[LAB_ALLOC_KMALLOC] = "kmalloc",
	[LAB_ALLOC_BUDDY] = "buddy",
	[LAB_ALLOC_FIRST_FIT] = "first-fit",
	[LAB_ALLOC_BEST_FIT] = "best-fit",
	[LAB_ALLOC_NEXT_FIT] = "next-fit",
};

static const char *const format_names[] = { "csv", "table", NULL };
static const char *const dist_names[] = { "fixed", "uniform", "powerlaw", NULL };
static const char *const life_names[] = { "lifo", "fifo", "random", NULL };

/* Every experiment takes these besides its own. */
#define COMMON_OPTIONS		"seed,format"
#define COMMON_DEFAULTS		"--seed 1 --format csv"

/* ---- option table ------------------------------------------------------ */

enum opt_type {
	OT_U64,		/* uint64_t */
	OT_ULONG,	/* unsigned long */
	OT_UINT,	/* unsigned int */
	OT_SIZE,	/* unsigned long long, with K/M/G suffixes */
	OT_USIZE,	/* unsigned int, with K/M/G suffixes */
	OT_SIZES,	/* unsigned int list with a count, suffixes allowed */
	OT_UINTS,	/* unsigned int list with a count */
	OT_ENUM,	/* unsigned int index into names */
	OT_ALLOCS,	/* allocator list with a count ("all" for every one) */
	OT_FLAG,	/* bool; "--x" or "--x=0|1" */
	OT_STRING,	/* char[LAB_TRACE_NAME_MAX] */
};

struct opt_desc {
	const char *name;
	uint8_t type;
	uint16_t off;
	uint16_t count_off;
	const char *const *names;
	unsigned long long min, max;
	const char *help;
};

#define OFF(f)		((uint16_t)offsetof(struct lab_opts, f))
#define NOCOUNT		0

static const struct opt_desc opt_table[] = {
	{ "seed", OT_U64, OFF(seed), NOCOUNT, NULL, 0, ~0ULL,
	  "seed of the experiment's random numbers" },
	{ "format", OT_ENUM, OFF(format), NOCOUNT, format_names, 0, 0,
	  "csv or table" },
	{ "sizes", OT_SIZES, OFF(sizes), OFF(nr_sizes), NULL, 1, LAB_MAX_REQUEST,
	  "object sizes in bytes, comma-separated (4k allowed)" },
	{ "allocators", OT_ALLOCS, OFF(allocators), OFF(nr_allocators), NULL, 0, 0,
	  "cache,kmalloc (alias slab),buddy,first-fit,best-fit,next-fit or all" },
	{ "orders", OT_UINTS, OFF(orders), OFF(nr_orders), NULL, 0, MAX_PAGE_ORDER,
	  "page orders, comma-separated" },
	{ "sets", OT_UINTS, OFF(sets), OFF(nr_sets), NULL, 1, 1u << 20,
	  "working-set sizes (objects), comma-separated" },
	{ "objects", OT_ULONG, OFF(objects), NOCOUNT, NULL, 0, 1ul << 24,
	  "objects measured at least per configuration (0: sized from the object size)" },
	{ "ops", OT_ULONG, OFF(ops), NOCOUNT, NULL, 1, 1ul << 30,
	  "operations (allocations and frees) before the final drain" },
	{ "live", OT_ULONG, OFF(live), NOCOUNT, NULL, 1, 1ul << 22,
	  "short-lived objects alive at most" },
	{ "samples", OT_ULONG, OFF(samples), NOCOUNT, NULL, 1, 1ul << 22,
	  "samples (timings, or points of a time series)" },
	{ "budget", OT_SIZE, OFF(budget), NOCOUNT, NULL, LAB_MAX_REQUEST, 1ULL << 32,
	  "free memory the workload runs in (rounded up to 4M blocks)" },
	{ "dist", OT_ENUM, OFF(dist), NOCOUNT, dist_names, 0, 0,
	  "size distribution: fixed (min), uniform, powerlaw (P(size > s) ~ 1/s)" },
	{ "min", OT_USIZE, OFF(min_size), NOCOUNT, NULL, 1, LAB_MAX_REQUEST,
	  "smallest size drawn" },
	{ "max", OT_USIZE, OFF(max_size), NOCOUNT, NULL, 1, LAB_MAX_REQUEST,
	  "largest size drawn" },
	{ "life", OT_ENUM, OFF(life), NOCOUNT, life_names, 0, 0,
	  "which short-lived object is freed: lifo, fifo or random" },
	{ "longlived", OT_UINT, OFF(longlived), NOCOUNT, NULL, 0, 100,
	  "percent of allocations that live until the end" },
	{ "free", OT_UINT, OFF(free_pct), NOCOUNT, NULL, 0, 100,
	  "percent of the objects freed" },
	{ "slabs", OT_ULONG, OFF(slabs), NOCOUNT, NULL, 1, 1ul << 16,
	  "slabs' worth of objects per cache" },
	{ "ctor-work", OT_UINT, OFF(ctor_work), NOCOUNT, NULL, 0, 1u << 20,
	  "rounds of work the expensive constructor does" },
	{ "chunk-order", OT_UINT, OFF(chunk_order), NOCOUNT, NULL, 0, MAX_PAGE_ORDER,
	  "order of the chunks the *-fit heaps take from the buddy" },
	{ "order", OT_UINT, OFF(order), NOCOUNT, NULL, 0, MAX_PAGE_ORDER,
	  "request order the fragmentation indices are computed for" },
	{ "max-errors", OT_ULONG, OFF(max_errors), NOCOUNT, NULL, 0, ~0UL,
	  "trace errors reported one by one (the rest are counted)" },
	{ "by-set", OT_FLAG, OFF(by_set), NOCOUNT, NULL, 0, 1,
	  "one row per cache set instead of one per configuration" },
	{ "histogram", OT_FLAG, OFF(histogram), NOCOUNT, NULL, 0, 1,
	  "one row per power-of-two bucket of cycles instead of percentiles" },
	{ "strict", OT_FLAG, OFF(strict), NOCOUNT, NULL, 0, 1,
	  "stop at the first bad trace line instead of skipping it" },
	{ "trace", OT_STRING, OFF(trace), NOCOUNT, NULL, 0, 0,
	  "trace file to replay (lines: a ID SIZE / f ID)" },
};

static const struct opt_desc *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++)
		if (strlen(opt_table[i].name) == len &&
		    strncmp(opt_table[i].name, name, len) == 0)
			return &opt_table[i];
	return NULL;
}

/* Is `name` one of the comma-separated words of list? */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (*list) {
		const char *end = list;

		while (*end && *end != ',')
			end++;
		if ((size_t)(end - list) == n && strncmp(list, name, n) == 0)
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

static bool experiment_takes(const struct lab_experiment *e, const char *name)
{
	return list_has(COMMON_OPTIONS, name) || list_has(e->options, name);
}

/* ---- option values ----------------------------------------------------- */

static int parse_number(const char *s, bool size, unsigned long long *v)
{
	if (size)
		return parse_size(s, v);
	return kstrtoull(s, 10, v);
}

/* Parses one comma-separated list element by element into dst. */
static int parse_list(struct lab_ctx *c, const struct opt_desc *d, const char *val,
		      unsigned int *dst, unsigned int *count)
{
	char word[32];
	unsigned int n = 0;

	while (*val) {
		size_t len = 0;

		while (val[len] && val[len] != ',')
			len++;
		if (len == 0 || len >= sizeof(word)) {
			lab_diag(c, "lab: --%s: empty or overlong element in the list", d->name);
			return -EINVAL;
		}
		memcpy(word, val, len);
		word[len] = '\0';
		val += len + (val[len] == ',');

		if (d->type == OT_ALLOCS) {
			if (strcmp(word, "all") == 0) {
				for (unsigned int k = 0; k < LAB_NR_ALLOCATORS && n < LAB_NR_ALLOCATORS; k++)
					dst[n++] = k;
				continue;
			}
			int k = lab_allocator_parse(word);

			if (k < 0) {
				lab_diag(c, "lab: --%s: unknown allocator '%s' (cache, kmalloc, slab, buddy, first-fit, best-fit, next-fit, all)",
					 d->name, word);
				return -EINVAL;
			}
			if (n == LAB_NR_ALLOCATORS) {
				lab_diag(c, "lab: --%s: too many allocators", d->name);
				return -EINVAL;
			}
			dst[n++] = (unsigned int)k;
			continue;
		}

		unsigned long long v;
		int err = parse_number(word, d->type == OT_SIZES, &v);

		if (err || v < d->min || v > d->max) {
			lab_diag(c, "lab: --%s: '%s' is not a number in %llu..%llu",
				 d->name, word, d->min, d->max);
			return -EINVAL;
		}
		if (n == LAB_MAX_LIST) {
			lab_diag(c, "lab: --%s: more than %d elements", d->name, LAB_MAX_LIST);
			return -EINVAL;
		}
		dst[n++] = (unsigned int)v;
	}
	if (n == 0) {
		lab_diag(c, "lab: --%s: empty list", d->name);
		return -EINVAL;
	}
	*count = n;
	return 0;
}

static int set_option(struct lab_ctx *c, const struct opt_desc *d, const char *val)
{
	char *base = (char *)&c->o;
	void *field = base + d->off;
	unsigned long long v = 0;
	int err;

	switch (d->type) {
	case OT_FLAG:
		if (!val || strcmp(val, "1") == 0)
			*(bool *)field = true;
		else if (strcmp(val, "0") == 0)
			*(bool *)field = false;
		else
			goto bad;
		return 0;
	case OT_ENUM:
		for (unsigned int i = 0; d->names[i]; i++)
			if (strcmp(d->names[i], val) == 0) {
				*(unsigned int *)field = i;
				return 0;
			}
		goto bad;
	case OT_STRING:
		if (strlen(val) >= LAB_TRACE_NAME_MAX) {
			lab_diag(c, "lab: --%s: longer than %d characters", d->name,
				 LAB_TRACE_NAME_MAX - 1);
			return -EINVAL;
		}
		memcpy(field, val, strlen(val) + 1);
		return 0;
	case OT_SIZES:
	case OT_UINTS:
	case OT_ALLOCS:
		return parse_list(c, d, val, field,
				  (unsigned int *)(void *)(base + d->count_off));
	default:
		break;
	}

	err = parse_number(val, d->type == OT_SIZE || d->type == OT_USIZE, &v);
	if (err || v < d->min || v > d->max) {
		lab_diag(c, "lab: --%s: '%s' is not a number in %llu..%llu", d->name,
			 val, d->min, d->max);
		return -EINVAL;
	}
	switch (d->type) {
	case OT_U64:
		*(uint64_t *)field = v;
		break;
	case OT_ULONG:
		*(unsigned long *)field = (unsigned long)v;
		break;
	case OT_SIZE:
		*(unsigned long long *)field = v;
		break;
	default:	/* OT_UINT, OT_USIZE */
		*(unsigned int *)field = (unsigned int)v;
		break;
	}
	return 0;
bad:
	lab_diag(c, "lab: --%s: bad value '%s'", d->name, val ? val : "");
	return -EINVAL;
}

/* Applies argv[0..argc) ("--name value", "--name=value", a bare trace
 * name for experiments that take --trace). */
static int parse_args(struct lab_ctx *c, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-' || arg[1] != '-') {
			if (experiment_takes(c->exp, "trace") && arg[0]) {
				int err = set_option(c, find_opt("trace", 5), arg);

				if (err)
					return err;
				continue;
			}
			lab_diag(c, "lab %s: unexpected argument '%s' (options start with --)",
				 c->exp->name, arg);
			return -EINVAL;
		}
		const char *name = arg + 2;
		const char *eq = name;

		while (*eq && *eq != '=')
			eq++;

		const struct opt_desc *d = find_opt(name, (size_t)(eq - name));

		/* --allocator reads better with a single allocator. */
		if (!d && eq - name == 9 && strncmp(name, "allocator", 9) == 0)
			d = find_opt("allocators", 10);
		char nbuf[24];
		size_t nlen = (size_t)(eq - name) < sizeof(nbuf) ? (size_t)(eq - name)
								    : sizeof(nbuf) - 1;

		memcpy(nbuf, name, nlen);
		nbuf[nlen] = '\0';
		if (!d || !experiment_takes(c->exp, d->name)) {
			lab_diag(c, "lab %s: unknown option --%s (lab help %s lists them)",
				 c->exp->name, nbuf, c->exp->name);
			return -EINVAL;
		}
		const char *val = NULL;

		if (*eq) {
			val = eq + 1;
		} else if (d->type != OT_FLAG) {
			if (i + 1 >= argc) {
				lab_diag(c, "lab %s: --%s needs a value", c->exp->name, d->name);
				return -EINVAL;
			}
			val = argv[++i];
		}
		int err = set_option(c, d, val);

		if (err)
			return err;
	}
	return 0;
}

/* Splits a defaults string in place and applies it. */
static int parse_defaults(struct lab_ctx *c, const char *defaults)
{
	char buf[512];
	char *argv[48];
	int argc = 0;
	size_t len = strlen(defaults);

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, defaults, len + 1);
	for (char *p = buf; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == (int)ARRAY_SIZE(argv))
			return -EINVAL;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return parse_args(c, argc, argv);
}

/* ---- entry points ------------------------------------------------------ */

static const struct lab_experiment *find_experiment(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(experiments); i++)
		if (strcmp(experiments[i]->name, name) == 0)
			return experiments[i];
	/* The British and American spellings both work. */
	if (strcmp(name, "color") == 0)
		return &lab_exp_colour;
	return NULL;
}

size_t lab_names(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(experiments) && n < max; i++)
		names[n++] = experiments[i]->name;
	return n;
}

static void out_str(const struct lab_env *env, const char *s)
{
	env->out(env->ctx, s, strlen(s));
}

void lab_list(const struct lab_env *env)
{
	char line[160];

	for (size_t i = 0; i < ARRAY_SIZE(experiments); i++) {
		ksnprintf(line, sizeof(line), "%-14s %s\n", experiments[i]->name,
			  experiments[i]->summary);
		out_str(env, line);
	}
}

int lab_help(const struct lab_env *env, const char *name)
{
	const struct lab_experiment *e = find_experiment(name);
	char line[200];

	if (!e)
		return -EINVAL;
	ksnprintf(line, sizeof(line), "%s: %s\noptions:\n", e->name, e->summary);
	out_str(env, line);
	for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!experiment_takes(e, d->name))
			continue;
		ksnprintf(line, sizeof(line), "  --%-12s %s\n", d->name, d->help);
		out_str(env, line);
	}
	out_str(env, "defaults: ");
	out_str(env, COMMON_DEFAULTS " ");
	out_str(env, e->defaults);
	out_str(env, "\n");
	return 0;
}

/* One experiment at a time: the context is large for a kernel stack. */
static struct lab_ctx lab_context;

int lab_run(const struct lab_env *env, int argc, char **argv)
{
	struct lab_ctx *c = &lab_context;
	int err;

	if (!env || !env->out)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->env = env;
	if (argc < 1 || !argv[0]) {
		lab_diag(c, "lab: which experiment? (lab list)");
		return -EINVAL;
	}
	c->exp = find_experiment(argv[0]);
	if (!c->exp) {
		lab_diag(c, "lab: no experiment '%s' (lab list)", argv[0]);
		return -EINVAL;
	}
	err = parse_defaults(c, COMMON_DEFAULTS);
	if (!err)
		err = parse_defaults(c, c->exp->defaults);
	if (err) {
		lab_diag(c, "lab %s: bug: bad defaults", c->exp->name);
		return err;
	}
	err = parse_args(c, argc - 1, argv + 1);
	if (err)
		return err;
	c->rng = c->o.seed;
	err = c->exp->run(c);
	if (c->overhead_pages)
		lab_diag(c, "lab %s: bug: %lu bookkeeping pages not freed",
			 c->exp->name, c->overhead_pages);
	return err;
}
