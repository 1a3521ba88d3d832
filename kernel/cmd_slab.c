/*
 * kernel/cmd_slab.c - the slab layer by hand: slabtop, and `cache` to
 * create a cache, allocate and free its objects, shrink and destroy it.
 *
 * Caches made with `cache create` are the shell's: it remembers each one
 * (struct shell_cache, from kmalloc) with the objects it holds (an array
 * grown with krealloc), frees them LIFO with `cache free`, and refuses
 * `cache destroy` while it holds any, so destroying never reaches mm's
 * "Slab cache still has objects" path by accident: free them first.
 * Caches the shell did not create can be listed and shrunk, nothing else.
 *
 * The demo constructor fills an object with CTOR_PATTERN and counts its
 * calls.  Because a constructor runs once per object when a slab is made
 * (not on every allocation), `cache alloc` checks that every object it
 * gets is still in that constructed state, and the call count stays at
 * objects-per-slab times slabs made, however often objects are reused.
 *
 * slabtop reads /proc/slabinfo, as procps' slabtop does, and prints one
 * screen in its layout, sorted by memory used (cache size).
 */
#include "kernel/lib/parse.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

#define CTOR_PATTERN		0xc5	/* not a poison or red zone byte */
#define OBJS_MIN_CAPACITY	16
/* The held-object array is one kmalloc allocation. */
#define HELD_MAX		(KMALLOC_MAX_SIZE / sizeof(void *))
#define SLAB_OBJECT_MAX		(PAGE_SIZE << SLAB_MAX_ORDER)

struct shell_cache {
	struct list_head list;
	struct kmem_cache *s;
	void **objs;		/* objs[0..nr) are held by the shell */
	unsigned long nr, cap;
	bool ctor;		/* made with the demo constructor */
};

static struct list_head shell_caches = LIST_HEAD_INIT(shell_caches);
static unsigned long demo_ctor_calls;

/* The usage line of one subcommand, as shell_usage prints a command's. */
static int sub_usage(const char *usage)
{
	kprintf("usage: %s\n", usage);
	return 1;
}

static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

/* ---- the demo constructor --------------------------------------------------- */

static struct kmem_cache *cache_of(const void *obj)
{
	return compound_head(virt_to_page(obj))->slab_cache;
}

static void demo_ctor(void *obj)
{
	memset(obj, CTOR_PATTERN, kmem_cache_size(cache_of(obj)));
	demo_ctor_calls++;
}

static bool is_constructed(const void *obj, unsigned int size)
{
	const unsigned char *p = obj;

	for (unsigned int i = 0; i < size; i++)
		if (p[i] != CTOR_PATTERN)
			return false;
	return true;
}

/* ---- lookups ------------------------------------------------------------------ */

static struct shell_cache *shell_cache_find(const char *name)
{
	struct shell_cache *sc;

	list_for_each_entry(sc, &shell_caches, list)
		if (strcmp(kmem_cache_name(sc->s), name) == 0)
			return sc;
	return NULL;
}

/* A cache the shell created; prints why not otherwise. */
static struct shell_cache *own_cache(const char *cmd, const char *name)
{
	struct shell_cache *sc = shell_cache_find(name);

	if (sc)
		return sc;
	if (kmem_cache_find(name))
		shell_error(cmd, "%s was not created by the shell; only 'cache shrink' and 'cache list' apply to it",
			    name);
	else
		shell_error(cmd, "no cache '%.*s' (see 'cache list')", SHELL_ARG_SHOWN, name);
	return NULL;
}

static void print_cache_state(struct shell_cache *sc, const char *what)
{
	struct kmem_cache_stats st;
	struct kmem_cache_layout l;

	kmem_cache_get_stats(sc->s, &st);
	kmem_cache_get_layout(sc->s, &l);
	unsigned long slabs = st.slabs_created - st.slabs_destroyed;

	kprintf("%s: %s; shell holds %lu; cache has %lu of %lu objects in use in %lu slab%s (%u per slab), ctor calls %lu\n",
		kmem_cache_name(sc->s), what, sc->nr, st.objects_active,
		st.objects_total, slabs, plural(slabs), l.objects, st.ctor_calls);
}

/* ---- cache create ------------------------------------------------------------------ */

static bool valid_new_name(const char *cmd, const char *name)
{
	size_t n = strlen(name);

	if (n >= KMEM_CACHE_NAME_MAX) {
		shell_error(cmd, "cache name longer than %d characters",
			    KMEM_CACHE_NAME_MAX - 1);
		return false;
	}
	if (strchr(name, '/')) {
		shell_error(cmd, "cache name must not contain '/'");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (name[i] <= ' ' || name[i] > '~') {
			shell_error(cmd, "cache name must be printable characters");
			return false;
		}
	}
	if (kmem_cache_find(name)) {
		shell_error(cmd, "a cache named %s exists already", name);
		return false;
	}
	return true;
}

static bool parse_align(const char *cmd, const char *s, unsigned long *align)
{
	if (!shell_parse_ulong(cmd, "ALIGN", s, 0, PAGE_SIZE, align))
		return false;
	if (*align & (*align - 1)) {
		shell_error(cmd, "ALIGN %lu is not a power of two", *align);
		return false;
	}
	return true;
}

static int cache_create(const char *cmd, int argc, char **argv)
{
	unsigned long size, align = 0;
	bool ctor = false;

	if (argc < 2 || argc > 4)
		return sub_usage("cache create NAME SIZE [ALIGN] [ctor]");
	if (!valid_new_name(cmd, argv[0]) ||
	    !shell_parse_size(cmd, "SIZE", argv[1], 1, SLAB_OBJECT_MAX, &size))
		return 1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "ctor") == 0 && i == argc - 1)
			ctor = true;
		else if (i == 2 && !parse_align(cmd, argv[i], &align))
			return 1;
		else if (i == 3)
			return shell_error(cmd, "expected 'ctor' after ALIGN, got '%.*s'",
					   SHELL_ARG_SHOWN, argv[i]);
	}

	struct shell_cache *sc = kzalloc(sizeof(*sc), GFP_KERNEL | __GFP_NOWARN);

	if (!sc)
		return shell_error(cmd, "out of memory");
	sc->s = kmem_cache_create(argv[0], (unsigned int)size, (unsigned int)align,
				  0, ctor ? demo_ctor : NULL);
	if (!sc->s) {
		/* mm has said why on its one error line (mm/slab.h). */
		kfree(sc);
		return 1;
	}
	sc->ctor = ctor;
	list_add_tail(&sc->list, &shell_caches);

	struct kmem_cache_layout l;

	kmem_cache_get_layout(sc->s, &l);
	kprintf("%s: object %u bytes, stride %u, align %u, %u-page slabs of %u objects, %u bytes unused per slab, %u colours%s\n",
		argv[0], l.object_size, l.size, l.align, 1u << l.order,
		l.objects, l.waste, l.colours, ctor ? ", demo ctor" : "");
	return 0;
}

/* ---- cache alloc / free ---------------------------------------------------------------- */

static bool reserve_held(struct shell_cache *sc, unsigned long more)
{
	unsigned long want = sc->nr + more;

	if (want <= sc->cap)
		return true;
	unsigned long cap = sc->cap ? sc->cap : OBJS_MIN_CAPACITY;

	while (cap < want)
		cap = cap > HELD_MAX / 2 ? HELD_MAX : cap * 2;
	void **objs = krealloc(sc->objs, cap * sizeof(void *),
			       GFP_KERNEL | __GFP_NOWARN);

	if (!objs)
		return false;
	sc->objs = objs;
	sc->cap = cap;
	return true;
}

static int cache_alloc(const char *cmd, int argc, char **argv)
{
	unsigned long n;

	if (argc != 2)
		return sub_usage("cache alloc NAME N");
	struct shell_cache *sc = own_cache(cmd, argv[0]);

	if (!sc)
		return 1;
	if (!shell_parse_ulong(cmd, "N", argv[1], 1, HELD_MAX - sc->nr, &n))
		return 1;
	if (!reserve_held(sc, n))
		return shell_error(cmd, "out of memory for the list of %lu objects",
				   sc->nr + n);
	if (kmem_cache_alloc_bulk(sc->s, GFP_KERNEL | __GFP_NOWARN, n,
				  sc->objs + sc->nr) == 0) {
		if (sc->nr == 0) {
			/* Do not keep a big empty list after a failed try. */
			kfree(sc->objs);
			sc->objs = NULL;
			sc->cap = 0;
		}
		return shell_error(cmd, "out of memory: no object allocated");
	}

	unsigned long bad = 0;

	if (sc->ctor)
		for (unsigned long i = 0; i < n; i++)
			bad += !is_constructed(sc->objs[sc->nr + i],
					       kmem_cache_size(sc->s));
	sc->nr += n;

	char what[48];

	ksnprintf(what, sizeof(what), "allocated %lu", n);
	print_cache_state(sc, what);
	if (bad)
		kprintf("%s: %lu objects were not in their constructed state!\n",
			argv[0], bad);
	return 0;
}

static int cache_free(const char *cmd, int argc, char **argv)
{
	unsigned long n;

	if (argc != 2)
		return sub_usage("cache free NAME N|all");
	struct shell_cache *sc = own_cache(cmd, argv[0]);

	if (!sc)
		return 1;
	if (strcmp(argv[1], "all") == 0)
		n = sc->nr;
	else if (sc->nr == 0)
		return shell_error(cmd, "the shell holds no object of %s", argv[0]);
	else if (!shell_parse_ulong(cmd, "N", argv[1], 1, sc->nr, &n))
		return 1;
	sc->nr -= n;
	kmem_cache_free_bulk(sc->s, n, sc->objs + sc->nr);

	char what[48];

	ksnprintf(what, sizeof(what), "freed %lu", n);
	print_cache_state(sc, what);
	return 0;
}

/* ---- cache shrink / destroy / list ------------------------------------------------------ */

static int cache_shrink(const char *cmd, int argc, char **argv)
{
	struct kmem_cache_stats before, after;

	if (argc != 1)
		return sub_usage("cache shrink NAME");
	struct kmem_cache *s = kmem_cache_find(argv[0]);

	if (!s)
		return shell_error(cmd, "no cache '%.*s' (see 'cache list')",
				   SHELL_ARG_SHOWN, argv[0]);
	unsigned long free_before = nr_free_pages();

	kmem_cache_get_stats(s, &before);
	kmem_cache_shrink(s);
	kmem_cache_get_stats(s, &after);
	unsigned long freed = after.slabs_destroyed - before.slabs_destroyed;
	unsigned long pages = nr_free_pages() - free_before;
	unsigned long left = after.slabs_created - after.slabs_destroyed;

	kprintf("%s: shrink freed %lu slab%s (%lu page%s); %lu slab%s left\n",
		argv[0], freed, plural(freed), pages, plural(pages), left, plural(left));
	return 0;
}

static int cache_destroy(const char *cmd, int argc, char **argv)
{
	if (argc != 1)
		return sub_usage("cache destroy NAME");
	struct shell_cache *sc = own_cache(cmd, argv[0]);

	if (!sc)
		return 1;
	if (sc->nr)
		return shell_error(cmd, "the shell still holds %lu objects of %s; 'cache free %s all' first",
				   sc->nr, argv[0], argv[0]);
	unsigned long free_before = nr_free_pages();

	kmem_cache_destroy(sc->s);
	list_del(&sc->list);
	kfree(sc->objs);
	kfree(sc);
	unsigned long pages = nr_free_pages() - free_before;

	kprintf("%s: destroyed (%lu page%s given back)\n", argv[0], pages,
		plural(pages));
	return 0;
}

#define LIST_CACHES_MAX		256

/* Whether s has a constructor, from its /sys/kernel/slab/NAME/ctor file. */
static bool has_ctor(struct kmem_cache *s)
{
	char path[64], val[8];

	ksnprintf(path, sizeof(path), "/sys/kernel/slab/%s/ctor", kmem_cache_name(s));
	return mm_proc_read(path, val, sizeof(val)) > 0 && val[0] == '1';
}

static void list_row(struct kmem_cache *s)
{
	struct kmem_cache_stats st;
	struct kmem_cache_layout l;
	struct shell_cache *sc = shell_cache_find(kmem_cache_name(s));
	char held[16];

	kmem_cache_get_stats(s, &st);
	kmem_cache_get_layout(s, &l);
	if (sc)
		ksnprintf(held, sizeof(held), "%lu", sc->nr);
	else
		strlcpy(held, "-", sizeof(held));
	kprintf("%-20s %5u %5u %5u %3u %8u %5u %4s %7lu %6s\n",
		kmem_cache_name(s), l.object_size, l.size, l.align, l.order,
		l.objects, l.waste, has_ctor(s) ? "yes" : "-",
		st.objects_active, held);
}

struct cache_set {
	struct kmem_cache *caches[LIST_CACHES_MAX];
	size_t n, dropped;
};

static void collect_cache(struct kmem_cache *s, void *ctx)
{
	struct cache_set *set = ctx;

	if (set->n < ARRAY_SIZE(set->caches))
		set->caches[set->n++] = s;
	else
		set->dropped++;
}

static int cache_list(const char *cmd, int argc, char **argv)
{
	static struct cache_set set;

	(void)argv;
	if (argc != 0)
		return sub_usage("cache list");
	/* Collected first: the rows read /sys files, which takes the list
	 * lock kmem_cache_for_each holds.  Only the shell destroys caches,
	 * so the pointers stay valid. */
	set.n = set.dropped = 0;
	kmem_cache_for_each(collect_cache, &set);
	kprintf("%-20s %5s %5s %5s %3s %8s %5s %4s %7s %6s\n", "NAME", "OBJ",
		"SIZE", "ALIGN", "ORD", "OBJ/SLAB", "WASTE", "CTOR", "ACTIVE",
		"HELD");
	for (size_t i = 0; i < set.n; i++)
		list_row(set.caches[i]);
	if (set.dropped)
		kprintf("... and %zu more caches\n", set.dropped);
	kprintf("(newest first; HELD: objects the shell holds, - if it did not create the cache; demo ctor calls: %lu)\n",
		demo_ctor_calls);
	return 0;
}

/* ---- the cache command -------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(const char *cmd, int argc, char **argv);
} cache_subcmds[] = {
	{ "alloc", cache_alloc },
	{ "create", cache_create },
	{ "destroy", cache_destroy },
	{ "free", cache_free },
	{ "list", cache_list },
	{ "shrink", cache_shrink },
};

static int cmd_cache(int argc, char **argv)
{
	char label[24];

	if (argc < 2)
		return shell_usage(argv[0]);
	for (size_t i = 0; i < ARRAY_SIZE(cache_subcmds); i++) {
		if (strcmp(argv[1], cache_subcmds[i].name) != 0)
			continue;
		/* Errors name the subcommand: "cache alloc: ...". */
		ksnprintf(label, sizeof(label), "%s %s", argv[0], argv[1]);
		return cache_subcmds[i].fn(label, argc - 2, argv + 2);
	}
	return shell_error(argv[0], "unknown subcommand '%.*s' (create, alloc, free, shrink, destroy, list)",
			   SHELL_ARG_SHOWN, argv[1]);
}

static void add_cache_name(struct kmem_cache *s, void *ctx)
{
	shell_complete_add(ctx, kmem_cache_name(s));
}

static void complete_cache(struct shell_completion *c, int argc, char **argv)
{
	if (argc == 1) {
		for (size_t i = 0; i < ARRAY_SIZE(cache_subcmds); i++)
			shell_complete_add(c, cache_subcmds[i].name);
	} else if (argc == 2 && strcmp(argv[1], "create") != 0 &&
		   strcmp(argv[1], "list") != 0) {
		kmem_cache_for_each(add_cache_name, c);
	}
}

SHELL_COMMAND(cache,
	      .usage = "cache create NAME SIZE [ALIGN] [ctor] | alloc NAME N | free NAME N|all | shrink NAME | destroy NAME | list",
	      .help = "a slab cache by hand (free its objects to destroy it)",
	      .fn = cmd_cache, .complete = complete_cache);
