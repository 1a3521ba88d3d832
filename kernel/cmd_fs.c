/*
 * kernel/cmd_fs.c - the reports as a file tree: cat, ls, and the
 * directory listing that Tab completion of paths uses.
 *
 * There is no file system: the tree is derived from the paths that
 * mm_proc_read knows (mm_proc_list), so a report added to mm shows up
 * here without a change.  Besides those, /sys/kernel/slab/ has a
 * directory per live cache and, in each, the attribute files of
 * mm/slab_proc.c:
 *
 *	/
 *	|-- proc/          buddyinfo meminfo slabinfo zoneinfo
 *	`-- sys/kernel/
 *	    |-- debug/extfrag/   extfrag_index unusable_index
 *	    `-- slab/NAME/       stats validate object_size ...
 *
 * Paths are absolute; repeated and trailing slashes are ignored.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/slab.h"

/* Reports are rendered into this buffer; /proc/slabinfo with many caches
 * is the largest.  Static, so that reading a report does not allocate
 * (and change what it reports). */
#define REPORT_BUF_SIZE	(32 * 1024)
static char report_buf[REPORT_BUF_SIZE];

#define PATH_MAX_LEN	SHELL_LINE_MAX
#define FIXED_PATHS_MAX	32
#define DIR_ENTRIES_MAX	256	/* entries listed per directory, at most */

#define SLAB_SYSFS_DIR	"/sys/kernel/slab"

/* The files of /sys/kernel/slab/NAME/ (mm/slab_proc.c renders them). */
static const char *const slab_attrs[] = {
	"align", "ctor", "object_size", "objects", "objs_per_slab", "order",
	"partial", "reclaim_account", "slab_size", "slabs", "stats",
	"total_objects", "validate",
};

char *shell_read_report(const char *cmd, const char *path)
{
	ssize_t n = mm_proc_read(path, report_buf, sizeof(report_buf));

	if (n >= 0)
		return report_buf;
	if (n == -ENOENT && shell_fs_list(path, NULL, NULL))
		shell_error(cmd, "%s: Is a directory (try: ls %s)", path, path);
	else if (n == -ENOENT)
		shell_error(cmd, "%s: No such file (try: ls /proc)", path);
	else if (n == -ENOSPC)
		shell_error(cmd, "%s: report larger than %d bytes", path,
			    REPORT_BUF_SIZE);
	else
		shell_error(cmd, "%s: error %d", path, (int)n);
	return NULL;
}

/* ---- the tree -------------------------------------------------------------- */

/* "/a//b/" -> "/a/b", "/" -> "" (the root); false if not absolute. */
static bool normalize_path(const char *in, char *out, size_t size)
{
	size_t len = 0;

	if (in[0] != '/')
		return false;
	for (const char *p = in; *p; p++) {
		if (*p == '/' && (p[1] == '/' || p[1] == '\0'))
			continue;
		if (len + 1 >= size)
			return false;
		out[len++] = *p;
	}
	out[len] = '\0';
	return true;
}

struct dir_entry {
	const char *name;	/* not NUL-terminated: len bytes */
	size_t len;
	bool is_dir;
};

struct dir_listing {
	struct dir_entry ents[DIR_ENTRIES_MAX];
	size_t n;
};

static void listing_add(struct dir_listing *l, const char *name, size_t len,
			bool is_dir)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ents[i].len == len && strncmp(l->ents[i].name, name, len) == 0)
			return;
	if (l->n == DIR_ENTRIES_MAX)
		return;
	l->ents[l->n++] = (struct dir_entry){ name, len, is_dir };
}

static int entry_cmp(const struct dir_entry *a, const struct dir_entry *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = strncmp(a->name, b->name, n);

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void listing_sort(struct dir_listing *l)
{
	for (size_t i = 1; i < l->n; i++) {
		struct dir_entry e = l->ents[i];
		size_t j = i;

		while (j > 0 && entry_cmp(&l->ents[j - 1], &e) > 0) {
			l->ents[j] = l->ents[j - 1];
			j--;
		}
		l->ents[j] = e;
	}
}

static void add_cache_entry(struct kmem_cache *s, void *ctx)
{
	const char *name = kmem_cache_name(s);

	listing_add(ctx, name, strlen(name), true);
}

/* Entries from the fixed paths; true when dir is a directory of them. */
static bool list_fixed(const char *dir, struct dir_listing *l)
{
	const char *paths[FIXED_PATHS_MAX + 1];
	size_t np = mm_proc_list(paths, FIXED_PATHS_MAX);
	size_t dlen = strlen(dir);

	/* The per-cache directory, whether or not mm lists its prefix. */
	paths[np++] = SLAB_SYSFS_DIR "/";
	bool found = dlen == 0;

	for (size_t i = 0; i < np; i++) {
		const char *p = paths[i];

		if (strncmp(p, dir, dlen) != 0 || p[dlen] != '/')
			continue;
		const char *child = p + dlen + 1;
		size_t clen = 0;

		found = true;
		while (child[clen] && child[clen] != '/')
			clen++;
		if (clen)
			listing_add(l, child, clen, child[clen] == '/');
	}
	return found;
}

/* Entries of /sys/kernel/slab and /sys/kernel/slab/NAME. */
static bool list_slab(const char *dir, struct dir_listing *l)
{
	size_t slen = strlen(SLAB_SYSFS_DIR);

	if (strcmp(dir, SLAB_SYSFS_DIR) == 0) {
		kmem_cache_for_each(add_cache_entry, l);
		return true;
	}
	if (strncmp(dir, SLAB_SYSFS_DIR "/", slen + 1) != 0)
		return false;
	const char *name = dir + slen + 1;

	if (strchr(name, '/') || !kmem_cache_find(name))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(slab_attrs); i++)
		listing_add(l, slab_attrs[i], strlen(slab_attrs[i]), false);
	return true;
}

bool shell_fs_list(const char *path,
		   void (*fn)(const char *name, bool is_dir, void *ctx),
		   void *ctx)
{
	static struct dir_listing l;	/* the shell runs one command at a time */
	char dir[PATH_MAX_LEN];
	char name[PATH_MAX_LEN];

	if (!normalize_path(path, dir, sizeof(dir)))
		return false;
	l.n = 0;
	bool is_dir = list_fixed(dir, &l);

	is_dir |= list_slab(dir, &l);
	if (!is_dir)
		return false;
	listing_sort(&l);
	for (size_t i = 0; fn && i < l.n; i++) {
		memcpy(name, l.ents[i].name, l.ents[i].len);
		name[l.ents[i].len] = '\0';
		fn(name, l.ents[i].is_dir, ctx);
	}
	return true;
}

/* ---- commands ---------------------------------------------------------------- */

static int cmd_cat(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage(argv[0]);
	const char *text = shell_read_report(argv[0], argv[1]);

	if (!text)
		return 1;
	console_puts(text);
	return 0;
}
SHELL_COMMAND(cat, .usage = "cat PATH",
	      .help = "print a report such as /proc/buddyinfo (see ls)",
	      .fn = cmd_cat, .complete = shell_complete_path);

static void print_entry(const char *name, bool is_dir, void *ctx)
{
	(void)ctx;
	kprintf("%s%s\n", name, is_dir ? "/" : "");
}

static int cmd_ls(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage(argv[0]);
	const char *path = argc == 2 ? argv[1] : "/";

	if (path[0] != '/')
		return shell_error(argv[0], "%s: paths start with '/' (try: ls /proc)",
				   path);
	if (shell_fs_list(path, print_entry, NULL))
		return 0;
	if (mm_proc_read(path, report_buf, sizeof(report_buf)) >= 0) {
		kprintf("%s\n", path);	/* a file: ls names it */
		return 0;
	}
	return shell_error(argv[0], "cannot access '%s': No such file or directory",
			   path);
}
SHELL_COMMAND(ls, .usage = "ls [DIR]",
	      .help = "list the reports cat can print (dirs end in /)",
	      .fn = cmd_ls, .complete = shell_complete_path);
