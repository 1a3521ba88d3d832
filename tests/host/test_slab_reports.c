/*
 * tests/host/test_slab_reports.c - what the slab layer shows, byte for
 * byte: /proc/slabinfo (Linux's version 2.1), /sys/kernel/slab/NAME/stats
 * and the one-value attributes, validate, the errors of mm_proc_read for
 * names that do not exist, and the Slab lines of /proc/meminfo.
 *
 * The cache "foo" (100-byte objects) is laid out by hand:
 *
 *   stride 104 (100 rounded up to 8); order 0 holds 4096 / 104 = 39
 *   objects and wastes 40 bytes (1%); it is the smallest order with at
 *   least 8 objects and its waste is within 1.5% of the best order's, so
 *   a slab is one page of 39 objects.
 *
 * Arena: 16 MiB.
 */
#include "tests/host/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static const char slabinfo_header[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	" : tunables <limit> <batchcount> <sharedfactor>"
	" : slabdata <active_slabs> <num_slabs> <sharedavail>\n";

static struct kmem_cache *foo;
static void *foo_objs[3];

/*
 * Before the first mm_host_boot of the process nothing is set up: the
 * slab reports are empty and the cache lookups find nothing (they used to
 * follow the caches list's NULL head).  Must run first in this suite.
 */
static void test_slab_reports_before_the_first_boot_are_empty(void **state)
{
	char buf[4096];
	ssize_t n;

	(void)state;
	n = mm_proc_read("/proc/slabinfo", buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)strlen(slabinfo_header));
	assert_string_equal(buf, slabinfo_header);
	assert_int_equal(mm_proc_read("/sys/kernel/slab/kmalloc-8/stats", buf, sizeof(buf)),
			 -ENOENT);
	assert_null(kmem_cache_find("kmalloc-8"));
	assert_int_equal(mm_check(), 0);
}

/* "foo" with 3 objects allocated: one partial slab. */
static void boot_with_foo(void)
{
	boot_simple(MIB(16), "");
	foo = kmem_cache_create("foo", 100, 0, 0, NULL);
	assert_non_null(foo);
	for (int i = 0; i < 3; i++)
		assert_non_null(foo_objs[i] = kmem_cache_alloc(foo, GFP_KERNEL));
}

/* The line of path's report that starts with prefix, without its newline. */
static const char *line_of(const char *path, const char *prefix)
{
	static char line[512];
	const char *text = proc_text(path);

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			assert_true(len < sizeof(line));
			memcpy(line, p, len);
			line[len] = '\0';
			return line;
		}
		p += len + (nl != NULL);
	}
	fprintf(stderr, "%s has no line starting \"%s\":\n%s", path, prefix, text);
	fail();
	return NULL;
}

/* ---- /proc/slabinfo ------------------------------------------------------------------ */

static void test_slabinfo_starts_with_the_linux_2_1_header(void **state)
{
	(void)state;
	boot_with_foo();
	const char *text = proc_text("/proc/slabinfo");

	assert_true(strncmp(text, slabinfo_header, strlen(slabinfo_header)) == 0);
}

static void test_slabinfo_row_of_a_cache_matches_the_hand_computed_one(void **state)
{
	(void)state;
	boot_with_foo();
	const char *text = proc_text("/proc/slabinfo");

	/* Newest cache first, right after the header. */
	assert_string_equal(line_of("/proc/slabinfo", "foo "),
			    "foo                    3     39    104   39    1"
			    " : tunables    0    0    0 : slabdata      1      1      0");
	assert_true(strncmp(text + strlen(slabinfo_header), "foo ", 4) == 0);

	/* Fill the slab and start a second: 40 of 78, both slabs active. */
	static void *more[37];

	for (int i = 0; i < 37; i++)
		more[i] = kmem_cache_alloc(foo, GFP_KERNEL);
	assert_string_equal(line_of("/proc/slabinfo", "foo "),
			    "foo                   40     78    104   39    1"
			    " : tunables    0    0    0 : slabdata      2      2      0");
	/* Empty the second slab: it stays as the reserve, counted in
	 * num_slabs but not in active_slabs. */
	kmem_cache_free(foo, more[36]);
	assert_string_equal(line_of("/proc/slabinfo", "foo "),
			    "foo                   39     78    104   39    1"
			    " : tunables    0    0    0 : slabdata      1      2      0");
	for (int i = 0; i < 36; i++)
		kmem_cache_free(foo, more[i]);
	assert_mm_clean();
}

static void test_slabinfo_row_of_a_long_name_and_an_order_3_cache(void **state)
{
	(void)state;
	boot_with_foo();
	/* 4100 bytes: stride 4104, 7 to an order-3 slab (12.3% waste, the
	 * least any order up to 3 can do). */
	struct kmem_cache *c = kmem_cache_create("a-rather-long-cache-name", 4100, 0, 0, NULL);

	assert_non_null(c);
	assert_string_equal(line_of("/proc/slabinfo", "a-rather-long-cache-name "),
			    "a-rather-long-cache-name      0      0   4104    7    8"
			    " : tunables    0    0    0 : slabdata      0      0      0");
	kmem_cache_destroy(c);
}

static void count_cache(struct kmem_cache *s, void *ctx)
{
	(void)s;
	++*(unsigned int *)ctx;
}

/* Every row has the fields of the header, in Linux's widths: re-printing
 * the parsed fields with Linux's format gives the row back. */
static void test_every_slabinfo_row_has_the_linux_format(void **state)
{
	(void)state;
	boot_with_foo();
	char text[64 << 10];
	unsigned int rows = 0;

	strcpy(text, proc_text("/proc/slabinfo"));
	char *p = text + strlen(slabinfo_header);

	while (*p) {
		char *nl = strchr(p, '\n');
		char name[64], again[256];
		unsigned long active, num, aslabs, nslabs, shared;
		unsigned int objsize, perslab, limit, batch, factor;
		int pages;

		assert_non_null(nl);
		*nl = '\0';
		assert_int_equal(sscanf(p, "%63s %lu %lu %u %u %d : tunables %u %u %u : "
					"slabdata %lu %lu %lu", name, &active, &num, &objsize,
					&perslab, &pages, &limit, &batch, &factor, &aslabs,
					&nslabs, &shared), 12);
		snprintf(again, sizeof(again),
			 "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu",
			 name, active, num, objsize, perslab, pages, limit, batch, factor,
			 aslabs, nslabs, shared);
		assert_string_equal(p, again);
		assert_true(active <= num);
		assert_int_equal(num, nslabs * perslab);
		assert_non_null(kmem_cache_find(name));
		rows++;
		p = nl + 1;
	}
	unsigned int caches = 0;

	kmem_cache_for_each(count_cache, &caches);
	assert_int_equal(rows, caches);
}

/* ---- /sys/kernel/slab/NAME/... ---------------------------------------------------------- */

static void test_sys_stats_lists_every_statistic_in_design_order(void **state)
{
	(void)state;
	boot_with_foo();
	assert_string_equal(proc_text("/sys/kernel/slab/foo/stats"),
			    "objects_total 39\n"
			    "objects_active 3\n"
			    "objects_peak 3\n"
			    "allocs 3\n"
			    "frees 0\n"
			    "alloc_failures 0\n"
			    "slabs_created 1\n"
			    "slabs_destroyed 0\n"
			    "ctor_calls 0\n");
	kmem_cache_free(foo, foo_objs[1]);
	kmem_cache_free(foo, foo_objs[2]);
	kmem_cache_free(foo, foo_objs[0]);
	assert_int_equal(kmem_cache_shrink(foo), 0);
	assert_string_equal(proc_text("/sys/kernel/slab/foo/stats"),
			    "objects_total 0\n"
			    "objects_active 0\n"
			    "objects_peak 3\n"
			    "allocs 3\n"
			    "frees 3\n"
			    "alloc_failures 0\n"
			    "slabs_created 1\n"
			    "slabs_destroyed 1\n"
			    "ctor_calls 0\n");
	struct kmem_cache_stats st;

	kmem_cache_get_stats(foo, &st);
	assert_int_equal(st.objects_peak, 3);
	assert_int_equal(st.frees, 3);
	assert_int_equal(st.slabs_destroyed, 1);
}

static void null_ctor(void *obj)
{
	(void)obj;
}

static void test_sys_stats_counts_ctor_calls(void **state)
{
	(void)state;
	boot_with_foo();
	struct kmem_cache *c = kmem_cache_create("with-ctor", 2000, 0, 0, null_ctor);
	void *obj = kmem_cache_alloc(c, GFP_KERNEL);
	/* 2000 + fp = 2004 -> stride 2008: every order wastes 1.9%, and
	 * order 2 is the smallest with 8 objects. */
	struct kmem_cache_layout l;

	kmem_cache_get_layout(c, &l);
	assert_int_equal(l.objects, 8);
	assert_int_equal(l.order, 2);
	assert_string_equal(proc_text("/sys/kernel/slab/with-ctor/stats"),
			    "objects_total 8\n"
			    "objects_active 1\n"
			    "objects_peak 1\n"
			    "allocs 1\n"
			    "frees 0\n"
			    "alloc_failures 0\n"
			    "slabs_created 1\n"
			    "slabs_destroyed 0\n"
			    "ctor_calls 8\n");
	assert_string_equal(proc_text("/sys/kernel/slab/with-ctor/ctor"), "1\n");
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
}

static void test_sys_one_value_attributes(void **state)
{
	(void)state;
	static const struct { const char *attr, *value; } attrs[] = {
		{ "object_size", "100\n" }, { "slab_size", "104\n" },
		{ "objs_per_slab", "39\n" }, { "order", "0\n" }, { "align", "8\n" },
		{ "objects", "3\n" }, { "total_objects", "39\n" }, { "slabs", "1\n" },
		{ "partial", "1\n" }, { "ctor", "0\n" }, { "reclaim_account", "0\n" },
	};
	char path[96];

	boot_with_foo();
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/foo/%s", attrs[i].attr);
		assert_string_equal(proc_text(path), attrs[i].value);
	}
	assert_string_equal(proc_text("/sys/kernel/slab/kmalloc-4096/align"), "4096\n");
	assert_string_equal(proc_text("/sys/kernel/slab/kmalloc-4096/order"), "3\n");
	assert_string_equal(proc_text("/sys/kernel/slab/kmalloc-96/slab_size"), "96\n");
}

static void test_sys_validate_reports_the_cache_checked(void **state)
{
	(void)state;
	boot_with_foo();
	assert_string_equal(proc_text("/sys/kernel/slab/foo/validate"),
			    "foo: 1 slabs, 39 objects checked, 0 problems\n");
	struct kmem_cache *empty = kmem_cache_create("empty", 64, 0, 0, NULL);

	assert_string_equal(proc_text("/sys/kernel/slab/empty/validate"),
			    "empty: 0 slabs, 0 objects checked, 0 problems\n");
	kmem_cache_destroy(empty);
}

static void test_unknown_names_are_enoent_and_small_buffers_enospc(void **state)
{
	(void)state;
	static const char *const missing[] = {
		"/sys/kernel/slab/nope/stats", "/sys/kernel/slab/foo/nope",
		"/sys/kernel/slab/foo", "/sys/kernel/slab/foo/", "/sys/kernel/slab/",
		"/sys/kernel/slab//stats", "/sys/kernel/slab/fo/stats",
		"/sys/kernel/slab/foo /stats", "/proc/slabinfo2", "/proc/slab",
		"/sys/kernel/slab/abcdefghijklmnopqrstuvwxyz0123456789/stats",
	};
	char buf[4096];

	boot_with_foo();
	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		ssize_t n = mm_proc_read(missing[i], buf, sizeof(buf));

		if (n != -ENOENT) {
			fprintf(stderr, "mm_proc_read(\"%s\") = %zd\n", missing[i], n);
			fail();
		}
	}
	/* A destroyed cache is gone from /sys too. */
	struct kmem_cache *c = kmem_cache_create("short-lived", 64, 0, 0, NULL);

	assert_true(mm_proc_read("/sys/kernel/slab/short-lived/stats", buf, sizeof(buf)) > 0);
	kmem_cache_destroy(c);
	assert_int_equal(mm_proc_read("/sys/kernel/slab/short-lived/stats", buf, sizeof(buf)),
			 -ENOENT);

	/* Too small: -ENOSPC and an empty buffer, never a cut report. */
	strcpy(buf, "junk");
	assert_int_equal(mm_proc_read("/proc/slabinfo", buf, 100), -ENOSPC);
	assert_string_equal(buf, "");
	size_t len = strlen(proc_text("/sys/kernel/slab/foo/stats"));

	assert_int_equal(mm_proc_read("/sys/kernel/slab/foo/stats", buf, len), -ENOSPC);
	assert_int_equal(mm_proc_read("/sys/kernel/slab/foo/stats", buf, len + 1), (ssize_t)len);
	assert_int_equal(mm_error_count(), 0);
}

/* ---- /proc/meminfo ------------------------------------------------------------------------- */

/* Pages in all slabs, from /proc/slabinfo: num_slabs * pagesperslab. */
static unsigned long slab_pages_from_slabinfo(void)
{
	const char *p = strchr(strchr(proc_text("/proc/slabinfo"), '\n') + 1, '\n') + 1;
	unsigned long pages = 0;

	for (; *p; p = strchr(p, '\n') + 1) {
		char name[64];
		unsigned long a, n, as, ns, sh;
		unsigned int sz, per, l, b, f;
		int pps;

		assert_int_equal(sscanf(p, "%63s %lu %lu %u %u %d : tunables %u %u %u : "
					"slabdata %lu %lu %lu", name, &a, &n, &sz, &per, &pps,
					&l, &b, &f, &as, &ns, &sh), 12);
		pages += ns * (unsigned long)pps;
	}
	return pages;
}

static void assert_meminfo_line(const char *key, unsigned long kb)
{
	char want[64], label[32];

	snprintf(label, sizeof(label), "%s:", key);
	snprintf(want, sizeof(want), "%-15s %8lu kB", label, kb);
	assert_string_equal(line_of("/proc/meminfo", label), want);
}

static void test_meminfo_slab_lines_add_up_to_slabinfo(void **state)
{
	(void)state;
	boot_with_foo();
	unsigned long kb = slab_pages_from_slabinfo() * (PAGE_SIZE >> 10);

	assert_true(kb > 0);
	assert_meminfo_line("Slab", kb);
	assert_meminfo_line("SReclaimable", 0);
	assert_meminfo_line("SUnreclaim", kb);
	/* In Linux's order: Slab, SReclaimable, SUnreclaim. */
	const char *text = proc_text("/proc/meminfo");
	const char *slab = strstr(text, "\nSlab:");

	assert_non_null(slab);
	assert_true(strncmp(strchr(slab + 1, '\n') + 1, "SReclaimable:", 13) == 0);

	struct kmem_cache *r = kmem_cache_create("reclaimable", 4096, 0,
						 SLAB_RECLAIM_ACCOUNT, NULL);
	void *obj = kmem_cache_alloc(r, GFP_KERNEL);
	unsigned long rkb = (PAGE_SIZE << 3) >> 10;	/* 8 objects, order 3 */
	unsigned long total = slab_pages_from_slabinfo() * (PAGE_SIZE >> 10);

	assert_meminfo_line("Slab", total);
	assert_meminfo_line("SReclaimable", rkb);
	assert_meminfo_line("SUnreclaim", total - rkb);
	kmem_cache_free(r, obj);
	kmem_cache_destroy(r);
	assert_meminfo_line("SReclaimable", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: it needs a process in which mm never booted. */
		cmocka_unit_test(test_slab_reports_before_the_first_boot_are_empty),
		cmocka_unit_test_teardown(test_slabinfo_starts_with_the_linux_2_1_header, teardown_mm),
		cmocka_unit_test_teardown(test_slabinfo_row_of_a_cache_matches_the_hand_computed_one,
					  teardown_mm),
		cmocka_unit_test_teardown(test_slabinfo_row_of_a_long_name_and_an_order_3_cache,
					  teardown_mm),
		cmocka_unit_test_teardown(test_every_slabinfo_row_has_the_linux_format, teardown_mm),
		cmocka_unit_test_teardown(test_sys_stats_lists_every_statistic_in_design_order,
					  teardown_mm),
		cmocka_unit_test_teardown(test_sys_stats_counts_ctor_calls, teardown_mm),
		cmocka_unit_test_teardown(test_sys_one_value_attributes, teardown_mm),
		cmocka_unit_test_teardown(test_sys_validate_reports_the_cache_checked, teardown_mm),
		cmocka_unit_test_teardown(test_unknown_names_are_enoent_and_small_buffers_enospc,
					  teardown_mm),
		cmocka_unit_test_teardown(test_meminfo_slab_lines_add_up_to_slabinfo, teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_reports", tests, NULL, NULL);
}
