/*
 * tests/host/test_lab.c - the lab's experiments (mm/lab) on small
 * configurations: the CSV each one prints (header, column count), that
 * the same seed gives byte-identical output (the clock is a fake that
 * advances 3 cycles a reading, so the timing columns are deterministic
 * too), numbers that hold by construction, and the first/best/next-fit
 * heaps against their invariants.
 *
 * Every experiment must leave mm as it found it: mm_check() clean, no
 * diagnostic (a leaked bookkeeping page, an overlapping allocation and a
 * malformed row are all reported on diag).
 */
#include "tests/host/lab_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/lab/lab_internal.h"

#define DEFAULT_SEED	0x1abULL

#define WASTE_HEADER	"size,allocator,objects,requested_bytes,taken_pages,taken_bytes," \
			"taken_per_requested,bytes_per_object,units,failed"
#define FRAG_HEADER	"allocator,phase,op,live_objects,live_kib,taken_pages,free_pages," \
			"free_o0,free_o1,free_o2,free_o3,free_o4,free_o5,free_o6,free_o7," \
			"free_o8,free_o9,free_o10,largest_order,unusable_o3,extfrag_o3," \
			"unusable_o10,slab_pages,partial_slab_pages,peak_live_kib," \
			"peak_taken_pages,failed"
#define PIN_HEADER	"size,frees,objects_per_slab,pages_per_slab,objects,freed," \
			"pages_filled,pages_before_shrink,partial_slabs,empty_slabs," \
			"pages_after_shrink,pages_needed,pinned_per_needed"
#define CTOR_HEADER	"mode,pattern,working_set,ops,ctor_calls,ctor_per_alloc," \
			"objects_per_slab,slabs_created,alloc_median,alloc_p99,alloc_p999," \
			"alloc_max,alloc_mean,free_median,free_max,mean_per_op"
#define COLOUR_HEADER	"size,colouring,objects,slabs,objects_per_slab,colours,start_offsets," \
			"sets_used,min_per_set,max_per_set,ideal_max,bound_max,max_per_ideal"
#define COLOUR_SET_HEADER "size,colouring,set,objects"
#define SPEED_HEADER	"op,bytes,order,objects_per_slab,slabs,samples,min,median,p90,p99," \
			"p999,max,mean"
#define SPEED_HIST_HEADER "op,bytes,order,bucket_lo,bucket_hi,count"

#define WASTE_SMALL	"waste --sizes 8,100,4097 --objects 64 --allocators all"
#define FRAG_SMALL	"fragmentation --ops 3000 --live 200 --samples 10 --budget 4M " \
			"--max 4096 --allocators kmalloc,buddy,first-fit"
#define PIN_SMALL	"pinning --sizes 64,1024 --slabs 4"
#define CTOR_SMALL	"ctor --sets 1,16 --ops 400 --ctor-work 1"
#define COLOUR_SMALL	"colour --sizes 200,1000,4096 --slabs 8"
#define SPEED_SMALL	"speed --sizes 64 --orders 0,3 --samples 200"

/* Runs cmdline and checks what every run must satisfy. */
static void run_clean(struct lab_capture *cap, const char *cmdline, const char *header)
{
	int err = lab_cmd(cap, cmdline);

	if (err || cap->diag_len) {
		fprintf(stderr, "%s: error %d, diag:\n%s\noutput:\n%s\n", cmdline, err,
			cap->diag, cap->out);
		fail();
	}
	assert_csv_shape(cap->out, header);
	assert_mm_clean();
}

/* Runs cmdline twice, each time on a freshly booted mm, and compares. */
static void assert_deterministic(const char *cmdline, const char *header)
{
	struct lab_capture cap;
	char *first;

	lab_start(&cap);
	run_clean(&cap, cmdline, header);
	first = strdup(cap.out);
	lab_finish(&cap);

	lab_start(&cap);
	run_clean(&cap, cmdline, header);
	if (strcmp(first, cap.out) != 0) {
		fprintf(stderr, "%s: two runs differ:\n%s\n----\n%s\n", cmdline, first, cap.out);
		fail();
	}
	free(first);
	lab_finish(&cap);
}

/* ---- the registry and options ------------------------------------------ */

static void test_lab_lists_every_experiment(void **state)
{
	const char *names[16];
	struct lab_capture cap;

	(void)state;
	assert_int_equal(lab_names(names, 16), 7);
	assert_string_equal(names[0], "waste");
	assert_string_equal(names[6], "replay");
	lab_start(&cap);
	lab_list(&cap.env);
	assert_int_equal(csv_lines(cap.out), 7);
	assert_non_null(strstr(cap.out, "fragmentation "));
	assert_int_equal(lab_help(&cap.env, "colour"), 0);
	assert_non_null(strstr(cap.out, "--by-set"));
	assert_int_equal(lab_help(&cap.env, "nope"), -EINVAL);
	lab_finish(&cap);
}

static void test_lab_rejects_bad_names_and_options(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	assert_int_equal(lab_cmd(&cap, "nope"), -EINVAL);
	assert_non_null(strstr(cap.diag, "no experiment 'nope'"));
	assert_int_equal(lab_cmd(&cap, "waste --bogus 1"), -EINVAL);
	assert_non_null(strstr(cap.diag, "unknown option --bogus"));
	assert_int_equal(lab_cmd(&cap, "waste --trace x"), -EINVAL);	/* not waste's */
	assert_int_equal(lab_cmd(&cap, "waste --sizes 8,,9"), -EINVAL);
	assert_int_equal(lab_cmd(&cap, "waste --sizes 0"), -EINVAL);
	assert_int_equal(lab_cmd(&cap, "waste --sizes 5M"), -EINVAL);
	assert_int_equal(lab_cmd(&cap, "waste --allocators slub"), -EINVAL);
	assert_non_null(strstr(cap.diag, "unknown allocator 'slub'"));
	assert_int_equal(lab_cmd(&cap, "waste --objects"), -EINVAL);
	assert_non_null(strstr(cap.diag, "needs a value"));
	assert_int_equal(lab_cmd(&cap, "speed --format xml"), -EINVAL);
	assert_int_equal(lab_cmd(&cap, "fragmentation --min 100 --max 10"), -EINVAL);
	assert_int_equal(cap.out_len, 0);
	assert_mm_clean();
	lab_finish(&cap);
}

/* Options may ask for more than memory (or a 32-bit size_t) holds: the
 * experiment says so and fails, leaving mm intact. */
static void test_lab_refuses_configurations_larger_than_memory(void **state)
{
	static const char *const cmds[] = {
		"ctor --ops 1073741824",
		"speed --samples 4194304",
		"pinning --sizes 8 --slabs 65536",
		"colour --sizes 8 --slabs 65536",
		"waste --sizes 8 --objects 16777216",
		"fragmentation --live 4194304 --ops 1073741824 --longlived 100",
	};
	struct lab_capture cap;
	unsigned long free_before;

	(void)state;
	lab_start(&cap);
	free_before = nr_free_pages();
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		int err = lab_cmd(&cap, cmds[i]);

		if (err != -ENOMEM || !strstr(cap.diag, "bookkeeping")) {
			fprintf(stderr, "%s: error %d, diag:\n%s\n", cmds[i], err, cap.diag);
			fail();
		}
		assert_int_equal(nr_free_pages(), free_before);
		assert_mm_clean();
	}
	lab_finish(&cap);
}

static void test_lab_table_format_has_a_rule_and_the_same_rows(void **state)
{
	struct lab_capture cap;
	char line[1024];

	(void)state;
	lab_start(&cap);
	assert_int_equal(lab_cmd(&cap, WASTE_SMALL " --format table"), 0);
	size_t table_lines = csv_lines(cap.out);

	assert_true(csv_line(cap.out, 1, line, sizeof(line)));
	assert_int_equal(strspn(line, "- "), strlen(line));
	assert_true(csv_line(cap.out, 0, line, sizeof(line)));
	assert_non_null(strstr(line, "taken_per_requested"));
	assert_int_equal(lab_cmd(&cap, WASTE_SMALL), 0);
	assert_int_equal(table_lines, csv_lines(cap.out) + 1);
	lab_finish(&cap);
}

static void test_lab_allocator_alias_slab_is_kmalloc(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, "waste --sizes 64 --objects 64 --allocator slab", WASTE_HEADER);
	assert_int_equal(csv_lines(cap.out), 2);
	assert_int_equal(csv_find(cap.out, "allocator", "kmalloc"), 0);
	lab_finish(&cap);
}

/* ---- waste ------------------------------------------------------------- */

static void test_waste_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(WASTE_SMALL, WASTE_HEADER);
}

/* Every allocation of the buddy is a unit: the span is exactly the
 * objects asked for, 2 pages each at 4097 bytes. */
static void test_waste_raw_buddy_4097_bytes_cost_two_pages(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, "waste --sizes 4096,4097 --objects 16 --allocators buddy", WASTE_HEADER);
	assert_int_equal(csv_u64(cap.out, 0, "objects"), 16);
	assert_int_equal(csv_u64(cap.out, 0, "taken_pages"), 16);
	assert_int_equal(csv_u64(cap.out, 1, "objects"), 16);
	assert_int_equal(csv_u64(cap.out, 1, "units"), 16);
	assert_int_equal(csv_u64(cap.out, 1, "taken_pages"), 32);
	assert_int_equal(csv_u64(cap.out, 1, "taken_bytes"), 16 * 2 * 4096);
	assert_int_equal(csv_milli(cap.out, 1, "bytes_per_object"), 8192 * 1000);
	assert_int_equal(csv_u64(cap.out, 1, "failed"), 0);
	/* The marginal cost does not depend on how many were measured. */
	run_clean(&cap, "waste --sizes 4097 --objects 100 --allocators buddy", WASTE_HEADER);
	assert_int_equal(csv_u64(cap.out, 0, "taken_pages"), 2 * csv_u64(cap.out, 0, "objects"));
	lab_finish(&cap);
}

/*
 * A dedicated cache's span is whole slabs: each further object costs a
 * slab over the objects it holds, so its waste per object is the
 * layout's per-slab waste divided by the objects per slab (plus, for a
 * size that is not a multiple of 8, the padding of each object).
 */
static void test_waste_dedicated_cache_costs_its_layout_per_object(void **state)
{
	static const unsigned int sizes[] = { 8, 24, 100, 200, 640, 1000, 3000, 4097, 8000 };
	struct lab_capture cap;
	char cmd[128];

	(void)state;
	lab_start(&cap);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int size = sizes[i];
		unsigned long n = 100;
		struct kmem_cache_layout l;
		struct kmem_cache *s = kmem_cache_create("layout-probe", (size + 7) & ~7u, 0, 0,
							 NULL);

		assert_non_null(s);
		kmem_cache_get_layout(s, &l);
		kmem_cache_destroy(s);

		snprintf(cmd, sizeof(cmd), "waste --sizes %u --objects %lu --allocators cache",
			 size, n);
		run_clean(&cap, cmd, WASTE_HEADER);

		unsigned long long objects = csv_u64(cap.out, 0, "objects");
		unsigned long long units = csv_u64(cap.out, 0, "units");
		unsigned long long taken = csv_u64(cap.out, 0, "taken_bytes");
		unsigned long long requested = csv_u64(cap.out, 0, "requested_bytes");
		unsigned long slab_bytes = 4096UL << l.order;

		/* At least n objects, in whole slabs. */
		assert_true(objects >= n && objects < n + l.objects);
		assert_int_equal(objects, units * l.objects);
		assert_int_equal(requested, objects * size);
		assert_int_equal(taken, units * slab_bytes);
		assert_int_equal(taken - requested,
				 units * (l.waste + (unsigned long long)l.objects * (l.size - size)));
		if (size % 8 == 0) {
			assert_int_equal(l.size, size);
			/* (taken - requested) / objects == l.waste / l.objects */
			assert_int_equal((taken - requested) * l.objects, objects * l.waste);
		}
	}
	lab_finish(&cap);
}

/* A fit heap's span is whole chunks: 64 KiB (16 bytes of chunk header)
 * over the blocks it holds, a block being the size plus an 8-byte
 * header, rounded up to 8, at least 32 bytes. */
static void test_waste_fit_heap_costs_a_chunk_over_its_blocks(void **state)
{
	static const unsigned int sizes[] = { 8, 24, 100, 1024, 4096, 4097, 8192 };
	struct lab_capture cap;
	char cmd[128];

	(void)state;
	lab_start(&cap);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int size = sizes[i];
		unsigned int block = (size + 8 + 7) & ~7u;

		if (block < 32)
			block = 32;
		unsigned long long blocks = (65536 - 16) / block;

		snprintf(cmd, sizeof(cmd), "waste --sizes %u --allocators first-fit,best-fit,next-fit",
			 size);
		run_clean(&cap, cmd, WASTE_HEADER);
		for (size_t row = 0; row < 3; row++) {
			unsigned long long units = csv_u64(cap.out, row, "units");

			assert_true(units >= 1);
			assert_int_equal(csv_u64(cap.out, row, "objects"), units * blocks);
			assert_int_equal(csv_u64(cap.out, row, "taken_pages"), units * 16);
		}
	}
	lab_finish(&cap);
}

/* The measure describes the allocator, not the sample: any --objects
 * gives the same cost per object. */
static void test_waste_does_not_depend_on_the_number_of_objects(void **state)
{
	static const char *const columns[] = { "taken_per_requested", "bytes_per_object" };
	struct lab_capture cap;
	char *first;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, "waste --sizes 24,640,1024,5000,8192 --objects 64", WASTE_HEADER);
	first = strdup(cap.out);
	run_clean(&cap, "waste --sizes 24,640,1024,5000,8192 --objects 1000", WASTE_HEADER);
	assert_int_equal(csv_lines(first), csv_lines(cap.out));
	for (size_t row = 0; row + 1 < csv_lines(first); row++)
		for (size_t k = 0; k < ARRAY_SIZE(columns); k++)
			assert_int_equal(csv_milli(first, row, columns[k]),
					 csv_milli(cap.out, row, columns[k]));
	free(first);
	lab_finish(&cap);
}

/* Free objects that another user left in kmalloc's slabs are served
 * before the span starts: the row is the same with or without them. */
static void test_waste_ignores_what_others_left_in_kmalloc(void **state)
{
	struct lab_capture cap;
	void *held[3];
	char *first;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, "waste --sizes 1000,100 --allocators kmalloc", WASTE_HEADER);
	first = strdup(cap.out);
	for (size_t i = 0; i < ARRAY_SIZE(held); i++)
		held[i] = kmalloc(i == 2 ? 100 : 1000, GFP_KERNEL);
	assert_int_equal(lab_cmd(&cap, "waste --sizes 1000,100 --allocators kmalloc"), 0);
	assert_string_equal(first, cap.out);
	for (size_t i = 0; i < ARRAY_SIZE(held); i++)
		kfree(held[i]);
	free(first);
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_waste_every_allocator_takes_at_least_what_was_asked(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, WASTE_SMALL, WASTE_HEADER);
	assert_int_equal(csv_lines(cap.out), 1 + 3 * 6);
	for (size_t row = 0; row < 18; row++) {
		assert_true(csv_u64(cap.out, row, "objects") >= 64);
		assert_true(csv_u64(cap.out, row, "taken_bytes") >=
			    csv_u64(cap.out, row, "requested_bytes"));
		assert_int_equal(csv_u64(cap.out, row, "failed"), 0);
	}
	/* Buddy: one page per 8-byte object; kmalloc-8: 512 per page. */
	long row = csv_find2(cap.out, "size", "8", "allocator", "buddy");

	assert_true(row >= 0);
	assert_int_equal(csv_u64(cap.out, (size_t)row, "taken_pages"), 64);
	row = csv_find2(cap.out, "size", "8", "allocator", "kmalloc");
	assert_int_equal(csv_u64(cap.out, (size_t)row, "objects"), 512);
	assert_int_equal(csv_u64(cap.out, (size_t)row, "taken_pages"), 1);
	lab_finish(&cap);
}

/* An allocation that fails ends the measurement: the row says so and
 * covers the whole units measured before it. */
static void test_waste_reports_a_failed_allocation(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	/* 4 MiB objects: the 64 MiB arena runs out before 64 of them. */
	assert_int_equal(lab_cmd(&cap, "waste --sizes 4M --allocators buddy"), 0);
	assert_csv_shape(cap.out, WASTE_HEADER);
	assert_int_equal(csv_u64(cap.out, 0, "failed"), 1);
	assert_int_equal(csv_u64(cap.out, 0, "taken_pages"), 1024 * csv_u64(cap.out, 0, "objects"));
	assert_mm_clean();
	lab_finish(&cap);
}

/* ---- fragmentation ----------------------------------------------------- */

static void test_fragmentation_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(FRAG_SMALL, FRAG_HEADER);
}

static void test_fragmentation_budget_is_whole_before_and_after(void **state)
{
	struct lab_capture cap;
	const char *alloc[] = { "kmalloc", "buddy", "first-fit" };

	(void)state;
	lab_start(&cap);
	run_clean(&cap, FRAG_SMALL, FRAG_HEADER);
	for (size_t i = 0; i < ARRAY_SIZE(alloc); i++) {
		long first = csv_find2(cap.out, "allocator", alloc[i], "phase", "run");
		long settled = csv_find2(cap.out, "allocator", alloc[i], "phase", "settled");

		assert_true(first >= 0 && settled > first);
		/* One 4 MiB block, untouched, then whole again. */
		assert_int_equal(csv_u64(cap.out, (size_t)first, "free_pages"), 1024);
		assert_int_equal(csv_u64(cap.out, (size_t)first, "free_o10"), 1);
		assert_int_equal(csv_milli(cap.out, (size_t)first, "extfrag_o3"), -1000);
		assert_int_equal(csv_u64(cap.out, (size_t)settled, "free_pages"), 1024);
		/* The buddy allocator merged it back into one block. */
		assert_int_equal(csv_u64(cap.out, (size_t)settled, "free_o10"), 1);
		assert_int_equal(csv_u64(cap.out, (size_t)settled, "live_objects"), 0);
		assert_int_equal(csv_u64(cap.out, (size_t)settled, "taken_pages"), 0);
		/* In between, taken + free is the budget (nothing else runs). */
		for (long r = first; r < settled; r++)
			assert_int_equal(csv_u64(cap.out, (size_t)r, "taken_pages") +
					 csv_u64(cap.out, (size_t)r, "free_pages"), 1024);
	}
	/* Only slab allocators have slab pages. */
	long b = csv_find2(cap.out, "allocator", "buddy", "phase", "end");

	assert_int_equal(csv_u64(cap.out, (size_t)b, "slab_pages"), 0);
	lab_finish(&cap);
}

/* Every allocator serves the same synthetic operations: the samples see
 * the same live objects and bytes, op for op. */
static void test_fragmentation_gives_every_allocator_the_same_workload(void **state)
{
	static const char *const alloc[] = { "kmalloc", "buddy", "first-fit" };
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, FRAG_SMALL, FRAG_HEADER);
	long first[3];

	for (size_t i = 0; i < 3; i++) {
		first[i] = csv_find2(cap.out, "allocator", alloc[i], "phase", "run");
		assert_true(first[i] >= 0);
	}
	long rows = first[1] - first[0];

	assert_true(rows > 10);
	assert_int_equal(first[2] - first[1], rows);
	for (long r = 0; r < rows; r++)
		for (size_t i = 1; i < 3; i++) {
			assert_int_equal(csv_u64(cap.out, (size_t)(first[i] + r), "op"),
					 csv_u64(cap.out, (size_t)(first[0] + r), "op"));
			assert_int_equal(csv_u64(cap.out, (size_t)(first[i] + r), "live_objects"),
					 csv_u64(cap.out, (size_t)(first[0] + r), "live_objects"));
			assert_int_equal(csv_u64(cap.out, (size_t)(first[i] + r), "live_kib"),
					 csv_u64(cap.out, (size_t)(first[0] + r), "live_kib"));
		}
	/* The peaks are running maxima, over every op, not only samples. */
	for (size_t row = 0; row + 1 < csv_lines(cap.out); row++) {
		assert_true(csv_u64(cap.out, row, "peak_taken_pages") >=
			    csv_u64(cap.out, row, "taken_pages"));
		assert_true(csv_u64(cap.out, row, "peak_live_kib") >=
			    csv_u64(cap.out, row, "live_kib"));
		if (row > 0 && csv_u64(cap.out, row, "op") > csv_u64(cap.out, row - 1, "op"))
			assert_true(csv_u64(cap.out, row, "peak_taken_pages") >=
				    csv_u64(cap.out, row - 1, "peak_taken_pages"));
	}
	lab_finish(&cap);
}

static void test_fragmentation_reports_lack_of_budget(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	assert_int_equal(lab_cmd(&cap, "fragmentation --budget 1G --ops 10"), -ENOMEM);
	assert_non_null(strstr(cap.diag, "budget"));
	assert_mm_clean();
	lab_finish(&cap);
}

/* ---- pinning ----------------------------------------------------------- */

static void test_pinning_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(PIN_SMALL, PIN_HEADER);
}

static void test_pinning_grouped_frees_release_all_but_the_survivors_slabs(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, "pinning --sizes 64,1024 --slabs 10 --free 90", PIN_HEADER);
	for (size_t row = 0; row < 4; row++) {
		unsigned long long after = csv_u64(cap.out, row, "pages_after_shrink");
		unsigned long long needed = csv_u64(cap.out, row, "pages_needed");
		unsigned long long pps = csv_u64(cap.out, row, "pages_per_slab");

		assert_int_equal(csv_u64(cap.out, row, "pages_filled"), 10 * pps);
		assert_true(after >= needed);
		assert_true(csv_u64(cap.out, row, "pages_before_shrink") >= after);
	}
	long g = csv_find2(cap.out, "size", "64", "frees", "grouped");
	long r = csv_find2(cap.out, "size", "64", "frees", "random");

	/* 64 objects a slab, 10% survive: grouped they fill one slab. */
	assert_int_equal(csv_u64(cap.out, (size_t)g, "pages_after_shrink"),
			 csv_u64(cap.out, (size_t)g, "pages_needed"));
	assert_int_equal(csv_milli(cap.out, (size_t)g, "pinned_per_needed"), 1000);
	/* At random, a slab of 64 empties with probability 0.9^64: none do. */
	assert_int_equal(csv_u64(cap.out, (size_t)r, "pages_after_shrink"), 10);
	lab_finish(&cap);
}

/* ---- ctor -------------------------------------------------------------- */

static void test_ctor_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(CTOR_SMALL, CTOR_HEADER);
}

static void test_ctor_cached_objects_are_constructed_once_per_slab(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, CTOR_SMALL, CTOR_HEADER);
	assert_int_equal(csv_lines(cap.out), 1 + 8);
	for (size_t row = 0; row < 8; row++) {
		char mode[32];

		assert_true(csv_cell(cap.out, row, "mode", mode, sizeof(mode)));
		unsigned long long ws = csv_u64(cap.out, row, "working_set");
		unsigned long long calls = csv_u64(cap.out, row, "ctor_calls");

		if (strcmp(mode, "per-alloc") == 0) {
			/* Every allocation, the first working set included. */
			assert_int_equal(csv_milli(cap.out, row, "ctor_per_alloc"), 1000);
			assert_true(calls > csv_u64(cap.out, row, "ops") / 2);
		} else if (ws <= 16) {
			/* One slab holds the working set and is never given
			 * back: only its objects were ever constructed. */
			assert_int_equal(csv_u64(cap.out, row, "slabs_created"), 1);
			assert_true(calls <= 64);
		}
		/* The fake clock advances 3 a reading, and nothing inside a
		 * timed operation reads it. */
		assert_int_equal(csv_u64(cap.out, row, "alloc_median"), 3);
		assert_int_equal(csv_u64(cap.out, row, "alloc_mean"), 3);
		assert_int_equal(csv_u64(cap.out, row, "free_max"), 3);
		/* A slab holds the working set, or several do. */
		assert_true(csv_u64(cap.out, row, "slabs_created") >=
			    (ws + csv_u64(cap.out, row, "objects_per_slab") - 1) /
			    csv_u64(cap.out, row, "objects_per_slab"));
	}
	lab_finish(&cap);
}

/* ---- colour ------------------------------------------------------------ */

static void test_colour_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(COLOUR_SMALL, COLOUR_HEADER);
	assert_deterministic(COLOUR_SMALL " --by-set", COLOUR_SET_HEADER);
}

static void test_colour_spreads_objects_only_when_slabs_have_a_tail(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	run_clean(&cap, COLOUR_SMALL, COLOUR_HEADER);
	long on = csv_find2(cap.out, "size", "1000", "colouring", "on");
	long off = csv_find2(cap.out, "size", "1000", "colouring", "off");

	assert_true(csv_u64(cap.out, (size_t)on, "colours") > 1);
	assert_int_equal(csv_u64(cap.out, (size_t)off, "colours"), 1);
	/* Without colour, only objects_per_slab distinct starts exist. */
	assert_int_equal(csv_u64(cap.out, (size_t)off, "sets_used"),
			 csv_u64(cap.out, (size_t)off, "objects_per_slab"));
	assert_int_equal(csv_u64(cap.out, (size_t)off, "start_offsets"),
			 csv_u64(cap.out, (size_t)off, "objects_per_slab"));
	/* With it, each slab (8 of them) takes the next of its colours. */
	unsigned long long colours = csv_u64(cap.out, (size_t)on, "colours");

	assert_int_equal(csv_u64(cap.out, (size_t)on, "start_offsets"),
			 csv_u64(cap.out, (size_t)on, "objects_per_slab") *
			 (colours < 8 ? colours : 8));
	/* The busiest set holds at least the bound, which is at least an
	 * even spread over the 64 sets. */
	for (size_t row = 0; row + 1 < csv_lines(cap.out); row++) {
		unsigned long long offsets = csv_u64(cap.out, row, "start_offsets");
		unsigned long long objects = csv_u64(cap.out, row, "objects");
		unsigned long long sets = offsets < 64 ? offsets : 64;

		assert_int_equal(csv_u64(cap.out, row, "bound_max"), (objects + sets - 1) / sets);
		assert_int_equal(csv_u64(cap.out, row, "ideal_max"), (objects + 63) / 64);
		assert_true(csv_u64(cap.out, row, "max_per_set") >=
			    csv_u64(cap.out, row, "bound_max"));
		assert_true(csv_u64(cap.out, row, "bound_max") >=
			    csv_u64(cap.out, row, "ideal_max"));
		assert_true(csv_u64(cap.out, row, "sets_used") <= sets);
	}
	assert_true(csv_u64(cap.out, (size_t)on, "sets_used") >
		    csv_u64(cap.out, (size_t)off, "sets_used"));
	/* 4096-byte objects leave no tail: every start is set 0. */
	on = csv_find2(cap.out, "size", "4096", "colouring", "on");
	assert_int_equal(csv_u64(cap.out, (size_t)on, "sets_used"), 1);
	assert_int_equal(csv_u64(cap.out, (size_t)on, "max_per_set"),
			 csv_u64(cap.out, (size_t)on, "objects"));

	/* --by-set: 64 rows per configuration that add up to the objects. */
	run_clean(&cap, "colour --sizes 200 --slabs 8 --by-set", COLOUR_SET_HEADER);
	assert_int_equal(csv_lines(cap.out), 1 + 2 * 64);
	unsigned long long sum = 0;

	for (size_t row = 0; row < 64; row++)
		sum += csv_u64(cap.out, row, "objects");
	run_clean(&cap, "colour --sizes 200 --slabs 8", COLOUR_HEADER);
	assert_int_equal(sum, csv_u64(cap.out, 0, "objects"));
	lab_finish(&cap);
}

/* ---- speed ------------------------------------------------------------- */

static void test_speed_csv_is_deterministic(void **state)
{
	(void)state;
	assert_deterministic(SPEED_SMALL, SPEED_HEADER);
	assert_deterministic(SPEED_SMALL " --histogram", SPEED_HIST_HEADER);
}

static void test_speed_percentiles_are_ordered(void **state)
{
	struct lab_capture cap;
	static const char *const cols[] = { "min", "median", "p90", "p99", "p999", "max" };

	(void)state;
	lab_start(&cap);
	run_clean(&cap, SPEED_SMALL, SPEED_HEADER);
	/* The header; overhead, cache alloc/free, kmalloc/kfree, and
	 * alloc/free for each of the two orders. */
	assert_int_equal(csv_lines(cap.out), 1 + (1 + 2 + 2 + 2 * 2));
	for (size_t row = 0; row + 1 < csv_lines(cap.out); row++) {
		assert_int_equal(csv_u64(cap.out, row, "samples"), 200);
		for (size_t i = 1; i < ARRAY_SIZE(cols); i++)
			assert_true(csv_u64(cap.out, row, cols[i - 1]) <=
				    csv_u64(cap.out, row, cols[i]));
	}
	/* The fake clock advances 3 per reading: one op costs 3. */
	assert_int_equal(csv_u64(cap.out, 0, "median"), 3);
	/* 200 objects of 64 bytes, 64 a slab: 4 slabs made; freed, they go
	 * back but for the one empty slab the cache keeps. */
	long ca = csv_find2(cap.out, "op", "cache_alloc", "bytes", "64");
	long cf = csv_find2(cap.out, "op", "cache_free", "bytes", "64");

	assert_true(ca >= 0 && cf >= 0);
	assert_int_equal(csv_u64(cap.out, (size_t)ca, "objects_per_slab"), 64);
	assert_int_equal(csv_u64(cap.out, (size_t)ca, "slabs"), 4);
	assert_int_equal(csv_u64(cap.out, (size_t)cf, "slabs"), 3);
	assert_int_equal(csv_u64(cap.out, 0, "slabs"), 0);
	long row = csv_find2(cap.out, "op", "alloc_pages", "order", "3");

	assert_true(row >= 0);
	assert_int_equal(csv_u64(cap.out, (size_t)row, "bytes"), 32768);
	assert_int_equal(csv_u64(cap.out, (size_t)row, "max"), 3);

	run_clean(&cap, SPEED_SMALL " --histogram", SPEED_HIST_HEADER);
	unsigned long long total = 0;

	for (size_t r = 0; r + 1 < csv_lines(cap.out); r++)
		total += csv_u64(cap.out, r, "count");
	assert_int_equal(total, 9 * 200);
	lab_finish(&cap);
}

/* ---- the fit heaps ----------------------------------------------------- */

static struct lab_ctx fit_ctx;

static struct lab_ctx *fit_setup(struct lab_capture *cap)
{
	lab_start(cap);
	memset(&fit_ctx, 0, sizeof(fit_ctx));
	fit_ctx.env = &cap->env;
	fit_ctx.exp = &lab_exp_waste;
	return &fit_ctx;
}

struct live_block {
	char *p;
	size_t size;
};

static int by_address(const void *a, const void *b)
{
	const struct live_block *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static void assert_no_overlap(struct live_block *live, size_t n)
{
	struct live_block *sorted = malloc(n * sizeof(*sorted) + 1);

	memcpy(sorted, live, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_address);
	for (size_t i = 1; i < n; i++)
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p) {
			fprintf(stderr, "blocks %p+%zu and %p overlap\n", (void *)sorted[i - 1].p,
				sorted[i - 1].size, (void *)sorted[i].p);
			fail();
		}
	free(sorted);
}

static void fit_stress(enum fit_policy policy)
{
	struct lab_capture cap;
	struct lab_ctx *c = fit_setup(&cap);
	uint64_t seed = test_seed(DEFAULT_SEED + policy), rng = seed;
	unsigned long free_before = nr_free_pages();
	struct fit_heap *h = fit_create(c, policy, 2);
	struct live_block live[300];
	size_t n = 0;

	assert_non_null(h);
	for (int step = 0; step < 3000; step++) {
		if (n < ARRAY_SIZE(live) && (n == 0 || rng_below(&rng, 100) < 55)) {
			/* Mostly small, now and then larger than a chunk. */
			size_t size = rng_below(&rng, 20) ? 1 + rng_below(&rng, 600)
							  : 1 + rng_below(&rng, 40000);
			char *p = fit_alloc(h, size);

			if (!p) {
				fprintf(stderr, "seed %#llx: fit_alloc(%zu) failed\n",
					(unsigned long long)seed, size);
				fail();
			}
			assert_int_equal((uintptr_t)p % 8, 0);
			assert_true(fit_usable_size(h, p) >= size);
			memset(p, 0xa5, size);
			live[n].p = p;
			live[n].size = size;
			n++;
		} else {
			size_t i = rng_below(&rng, n);

			for (size_t k = 0; k < live[i].size; k++)
				if ((unsigned char)live[i].p[k] != 0xa5) {
					fprintf(stderr, "seed %#llx: block %p overwritten\n",
						(unsigned long long)seed, (void *)live[i].p);
					fail();
				}
			fit_free(h, live[i].p);
			live[i] = live[--n];
		}
		if (step % 50 == 0) {
			assert_no_overlap(live, n);
			if (fit_check(h)) {
				fprintf(stderr, "seed %#llx step %d:\n%s", (unsigned long long)seed,
					step, cap.diag);
				fail();
			}
		}
	}
	assert_no_overlap(live, n);
	while (n)
		fit_free(h, live[--n].p);
	assert_int_equal(fit_check(h), 0);

	struct fit_stats st;

	fit_get_stats(h, &st);
	/* Everything free: at most the one empty chunk kept, one block. */
	assert_true(st.chunks <= 1);
	assert_int_equal(st.free_blocks, st.chunks);
	fit_destroy(h);
	assert_int_equal(nr_free_pages(), free_before);
	assert_int_equal(c->overhead_pages, 0);
	assert_int_equal(cap.diag_len, 0);
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_fit_first_fit_never_returns_overlapping_blocks(void **state)
{
	(void)state;
	fit_stress(FIT_FIRST);
}

static void test_fit_best_fit_never_returns_overlapping_blocks(void **state)
{
	(void)state;
	fit_stress(FIT_BEST);
}

static void test_fit_next_fit_never_returns_overlapping_blocks(void **state)
{
	(void)state;
	fit_stress(FIT_NEXT);
}

/*
 * In one chunk:   | a 100 | hole 500 | b 100 | hole 200 | c 100 | d 100 | rest ... |
 * a 150-byte request goes to the 500 hole (first fit: lowest), the 200
 * hole (best fit: smallest) or the rest after d (next fit: where the last
 * allocation ended).
 */
static void test_fit_policies_choose_their_block(void **state)
{
	static const enum fit_policy policies[] = { FIT_FIRST, FIT_BEST, FIT_NEXT };
	struct lab_capture cap;
	struct lab_ctx *c = fit_setup(&cap);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		struct fit_heap *h = fit_create(c, policies[i], 2);
		char *a = fit_alloc(h, 100), *big = fit_alloc(h, 500);
		char *b = fit_alloc(h, 100), *mid = fit_alloc(h, 200);
		char *cc = fit_alloc(h, 100), *d = fit_alloc(h, 100);

		assert_true(a < big && big < b && b < mid && mid < cc && cc < d);
		fit_free(h, big);
		fit_free(h, mid);

		char *p = fit_alloc(h, 150);

		if (policies[i] == FIT_FIRST)
			assert_ptr_equal(p, big);
		else if (policies[i] == FIT_BEST)
			assert_ptr_equal(p, mid);
		else
			assert_true(p > d);
		assert_int_equal(fit_check(h), 0);
		fit_free(h, p);
		fit_free(h, a);
		fit_free(h, b);
		fit_free(h, cc);
		fit_free(h, d);
		assert_int_equal(fit_check(h), 0);
		fit_destroy(h);
	}
	assert_int_equal(c->overhead_pages, 0);
	lab_finish(&cap);
}

static void test_fit_refuses_foreign_and_double_frees(void **state)
{
	struct lab_capture cap;
	struct lab_ctx *c = fit_setup(&cap);
	struct fit_heap *h = fit_create(c, FIT_FIRST, 2);
	char *p = fit_alloc(h, 64), *q = fit_alloc(h, 64);

	(void)state;
	fit_free(h, p);
	fit_free(h, p);
	assert_non_null(strstr(cap.diag, "not an allocated block"));
	void *k = kmalloc(64, GFP_KERNEL);

	fit_free(h, k);
	kfree(k);
	assert_int_equal(fit_check(h), 0);
	fit_free(h, q);
	fit_destroy(h);
	assert_mm_clean();
	lab_finish(&cap);
}

/* ---- workloads --------------------------------------------------------- */

static void test_powerlaw_sizes_stay_in_range_and_favour_small(void **state)
{
	struct lab_capture cap;
	struct lab_ctx *c = fit_setup(&cap);
	unsigned long small = 0, n = 20000;

	(void)state;
	c->o.dist = LAB_DIST_POWERLAW;
	c->o.min_size = 16;
	c->o.max_size = 16384;
	c->rng = 7;
	for (unsigned long i = 0; i < n; i++) {
		uint32_t s = lab_draw_size(c);

		assert_true(s >= 16 && s <= 16384);
		small += s < 32;
	}
	/* P(size < 2 min) = (1 - 1/2) / (1 - min/max) ~ 0.5005. */
	assert_true(small > n * 45 / 100 && small < n * 55 / 100);
	c->o.dist = LAB_DIST_UNIFORM;
	c->o.min_size = 10;
	c->o.max_size = 12;
	for (unsigned long i = 0; i < 1000; i++) {
		uint32_t s = lab_draw_size(c);

		assert_true(s >= 10 && s <= 12);
	}
	lab_finish(&cap);
}

static void test_synthetic_workload_frees_everything_it_allocates(void **state)
{
	static const char *const lives[] = { "lifo", "fifo", "random" };
	struct lab_capture cap;
	char cmd[160];

	(void)state;
	lab_start(&cap);
	for (size_t i = 0; i < ARRAY_SIZE(lives); i++) {
		snprintf(cmd, sizeof(cmd), "fragmentation --ops 2000 --live 100 --samples 4 "
			 "--budget 4M --longlived 10 --life %s --allocators cache", lives[i]);
		run_clean(&cap, cmd, FRAG_HEADER);
		long end = csv_find(cap.out, "phase", "end");

		assert_true(end > 0);
		assert_int_equal(csv_u64(cap.out, (size_t)end, "live_objects"), 0);
		assert_int_equal(csv_u64(cap.out, (size_t)end, "failed"), 0);
	}
	lab_finish(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_lists_every_experiment),
		cmocka_unit_test(test_lab_rejects_bad_names_and_options),
		cmocka_unit_test(test_lab_refuses_configurations_larger_than_memory),
		cmocka_unit_test(test_lab_table_format_has_a_rule_and_the_same_rows),
		cmocka_unit_test(test_lab_allocator_alias_slab_is_kmalloc),
		cmocka_unit_test(test_waste_csv_is_deterministic),
		cmocka_unit_test(test_waste_raw_buddy_4097_bytes_cost_two_pages),
		cmocka_unit_test(test_waste_dedicated_cache_costs_its_layout_per_object),
		cmocka_unit_test(test_waste_fit_heap_costs_a_chunk_over_its_blocks),
		cmocka_unit_test(test_waste_does_not_depend_on_the_number_of_objects),
		cmocka_unit_test(test_waste_ignores_what_others_left_in_kmalloc),
		cmocka_unit_test(test_waste_reports_a_failed_allocation),
		cmocka_unit_test(test_waste_every_allocator_takes_at_least_what_was_asked),
		cmocka_unit_test(test_fragmentation_csv_is_deterministic),
		cmocka_unit_test(test_fragmentation_budget_is_whole_before_and_after),
		cmocka_unit_test(test_fragmentation_gives_every_allocator_the_same_workload),
		cmocka_unit_test(test_fragmentation_reports_lack_of_budget),
		cmocka_unit_test(test_pinning_csv_is_deterministic),
		cmocka_unit_test(test_pinning_grouped_frees_release_all_but_the_survivors_slabs),
		cmocka_unit_test(test_ctor_csv_is_deterministic),
		cmocka_unit_test(test_ctor_cached_objects_are_constructed_once_per_slab),
		cmocka_unit_test(test_colour_csv_is_deterministic),
		cmocka_unit_test(test_colour_spreads_objects_only_when_slabs_have_a_tail),
		cmocka_unit_test(test_speed_csv_is_deterministic),
		cmocka_unit_test(test_speed_percentiles_are_ordered),
		cmocka_unit_test(test_fit_first_fit_never_returns_overlapping_blocks),
		cmocka_unit_test(test_fit_best_fit_never_returns_overlapping_blocks),
		cmocka_unit_test(test_fit_next_fit_never_returns_overlapping_blocks),
		cmocka_unit_test(test_fit_policies_choose_their_block),
		cmocka_unit_test(test_fit_refuses_foreign_and_double_frees),
		cmocka_unit_test(test_powerlaw_sizes_stay_in_range_and_favour_small),
		cmocka_unit_test(test_synthetic_workload_frees_everything_it_allocates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
