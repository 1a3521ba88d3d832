/*
 * tests/host/test_lab_trace.c - replaying allocation traces (mm/lab/trace.c
 * and the replay experiment): well-formed traces, and every kind of
 * malformed input, each of which must be reported with its line number
 * and skipped (the replay goes on) or, with --strict, stop the replay
 * with -EIO; never crash, never leak.
 *
 * Traces are served from strings through the lab_env trace callbacks,
 * some of them a few bytes per read so that lines straddle reads.  The
 * last test records a real multi-threaded program with
 * tools/trace-malloc.so and replays what it wrote.
 */
#include "tests/host/lab_helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPLAY_HEADER	"allocator,ops,allocs,frees,bad_lines,failed,unfreed,peak_objects," \
			"peak_live_kib,peak_taken_kib,peak_taken_per_live,cycles_per_op," \
			"searched_per_alloc,caches"

static void set_trace(struct lab_capture *cap, const char *text)
{
	cap->trace = text;
	cap->trace_len = strlen(text);
}

/* Replays text through the given allocators; returns lab_run's result. */
static int replay(struct lab_capture *cap, const char *text, const char *opts)
{
	char cmd[256];

	set_trace(cap, text);
	snprintf(cmd, sizeof(cmd), "replay mem.trace %s", opts);
	return lab_cmd(cap, cmd);
}

static void assert_diag_has(struct lab_capture *cap, const char *needle)
{
	if (!strstr(cap->diag, needle)) {
		fprintf(stderr, "diag lacks \"%s\":\n%s\n", needle, cap->diag);
		fail();
	}
}

static size_t diag_lines(struct lab_capture *cap)
{
	return csv_lines(cap->diag);
}

/* ---- well-formed traces ------------------------------------------------ */

static void test_trace_replays_through_every_allocator(void **state)
{
	struct lab_capture cap;
	unsigned long free_before;

	(void)state;
	lab_start(&cap);
	free_before = nr_free_pages();
	assert_int_equal(replay(&cap,
				"# a comment\n"
				"a 1 100\n"
				"a 2 5000\n"
				"\n"
				"a 0x10 8\n"
				"f 1\n"
				"a 3 4097\n"
				"f 0x10\n"
				"f 2\n"
				"f 3\n",
				"--allocators all"), 0);
	assert_int_equal(cap.diag_len, 0);
	assert_csv_shape(cap.out, REPLAY_HEADER);
	assert_int_equal(csv_lines(cap.out), 1 + 6);
	assert_int_equal(cap.opens, 6);
	for (size_t row = 0; row < 6; row++) {
		assert_int_equal(csv_u64(cap.out, row, "ops"), 8);
		assert_int_equal(csv_u64(cap.out, row, "allocs"), 4);
		assert_int_equal(csv_u64(cap.out, row, "frees"), 4);
		assert_int_equal(csv_u64(cap.out, row, "bad_lines"), 0);
		assert_int_equal(csv_u64(cap.out, row, "failed"), 0);
		assert_int_equal(csv_u64(cap.out, row, "unfreed"), 0);
		assert_int_equal(csv_u64(cap.out, row, "peak_objects"), 3);
		/* 100 + 5000 + 8 bytes, then 5000 + 8 + 4097. */
		assert_int_equal(csv_u64(cap.out, row, "peak_live_kib"), 9105 >> 10);
	}
	/* Only the fit heaps search. */
	assert_int_equal(csv_milli(cap.out, (size_t)csv_find(cap.out, "allocator", "kmalloc"),
				   "searched_per_alloc"), 0);
	assert_true(csv_milli(cap.out, (size_t)csv_find(cap.out, "allocator", "best-fit"),
			      "searched_per_alloc") >= 1000);
	/* Four distinct sizes, four dedicated caches; kmalloc serves them
	 * from three classes (128, 8192 twice, 8); the others use none. */
	assert_int_equal(csv_u64(cap.out, (size_t)csv_find(cap.out, "allocator", "cache"),
				 "caches"), 4);
	assert_int_equal(csv_u64(cap.out, (size_t)csv_find(cap.out, "allocator", "kmalloc"),
				 "caches"), 3);
	assert_int_equal(csv_u64(cap.out, (size_t)csv_find(cap.out, "allocator", "first-fit"),
				 "caches"), 0);
	/* Buddy: 1 + 2 + 1 pages, then 2 + 1 + 2: at most 5 pages. */
	long b = csv_find(cap.out, "allocator", "buddy");

	assert_int_equal(csv_u64(cap.out, (size_t)b, "peak_taken_kib"), 20);
	assert_int_equal(nr_free_pages(), free_before);
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_trace_tolerates_crlf_tabs_and_a_last_line_without_newline(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	cap.chunk = 3;	/* lines straddle reads */
	assert_int_equal(replay(&cap, "a\t1\t64\r\n  a 2 64  \r\nf 1\r\nf 2", "--allocator kmalloc"), 0);
	assert_int_equal(cap.diag_len, 0);
	assert_int_equal(csv_u64(cap.out, 0, "allocs"), 2);
	assert_int_equal(csv_u64(cap.out, 0, "frees"), 2);
	assert_int_equal(csv_u64(cap.out, 0, "unfreed"), 0);
	lab_finish(&cap);
}

static void test_trace_objects_never_freed_are_freed_at_the_end(void **state)
{
	struct lab_capture cap;
	unsigned long free_before;

	(void)state;
	lab_start(&cap);
	free_before = nr_free_pages();
	assert_int_equal(replay(&cap, "a 1 10\na 2 20000\na 3 30\nf 3\n",
				"--allocators cache,buddy,best-fit"), 0);
	for (size_t row = 0; row < 3; row++)
		assert_int_equal(csv_u64(cap.out, row, "unfreed"), 2);
	assert_int_equal(nr_free_pages(), free_before);
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_trace_many_ids_grow_the_table(void **state)
{
	struct lab_capture cap;
	const int n = 20000;
	size_t size = (size_t)n * 2 * 24 + 1;
	char *text = malloc(size);
	size_t len = 0;

	(void)state;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, size - len, "a %d %d\n", i * 7919, 8 + i % 100);
	for (int i = n - 1; i >= 0; i--)
		len += (size_t)snprintf(text + len, size - len, "f %d\n", i * 7919);
	lab_start(&cap);
	assert_int_equal(replay(&cap, text, "--allocators kmalloc,first-fit"), 0);
	assert_int_equal(cap.diag_len, 0);
	for (size_t row = 0; row < 2; row++) {
		assert_int_equal(csv_u64(cap.out, row, "peak_objects"), n);
		assert_int_equal(csv_u64(cap.out, row, "frees"), n);
		assert_int_equal(csv_u64(cap.out, row, "unfreed"), 0);
	}
	assert_mm_clean();
	lab_finish(&cap);
	free(text);
}

/* ---- malformed input: reported with the line number, skipped ----------- */

struct bad_case {
	const char *line;	/* the bad line, at line 2 */
	const char *report;	/* what the diag line says */
};

static const struct bad_case bad_cases[] = {
	{ "x 1 10", "trace:2: unknown op 'x'" },
	{ "alloc 1 10", "trace:2: unknown op 'alloc'" },
	{ "a", "trace:2: missing ID" },
	{ "a 7", "trace:2: missing SIZE" },
	{ "f", "trace:2: missing ID" },
	{ "f 1 2", "trace:2: unexpected text after f ID" },
	{ "a 7 10 10", "trace:2: unexpected text after a ID SIZE" },
	{ "a seven 10", "trace:2: ID 'seven' is not a number" },
	{ "a 18446744073709551616 10", "trace:2: ID '18446744073709551616' is not a number below 2^64" },
	{ "a 0x 10", "trace:2: ID '0x' is not a number" },
	{ "a 7 -10", "trace:2: SIZE '-10' is not a number" },
	{ "a 7 10k", "trace:2: SIZE '10k' is not a number" },
	{ "a 7 99999999999999999999", "trace:2: SIZE '99999999999999999999' is not a number" },
	{ "a 7 4194305", "trace:2: size 4194305 is larger than the largest block (4194304 bytes)" },
	{ "f 99", "trace:2: free of ID 99, which is not allocated" },
	{ "a 1 20", "trace:2: duplicate ID 1 (allocated at line 1 and not freed)" },
};

static void test_trace_bad_lines_are_reported_and_skipped(void **state)
{
	struct lab_capture cap;
	char text[256];

	(void)state;
	lab_start(&cap);
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		snprintf(text, sizeof(text), "a 1 10\n%s\na 2 30\nf 1\nf 2\n", bad_cases[i].line);
		int err = replay(&cap, text, "--allocators kmalloc,buddy");

		if (err || !strstr(cap.diag, bad_cases[i].report)) {
			fprintf(stderr, "case '%s': error %d, diag:\n%s\n", bad_cases[i].line, err,
				cap.diag);
			fail();
		}
		assert_diag_has(&cap, ", skipped");
		/* Reported once (on the first allocator's pass), counted in
		 * every row, and the rest of the trace replayed. */
		assert_int_equal(diag_lines(&cap), 1);
		assert_csv_shape(cap.out, REPLAY_HEADER);
		for (size_t row = 0; row < 2; row++) {
			assert_int_equal(csv_u64(cap.out, row, "bad_lines"), 1);
			assert_int_equal(csv_u64(cap.out, row, "allocs"), 2);
			assert_int_equal(csv_u64(cap.out, row, "frees"), 2);
			assert_int_equal(csv_u64(cap.out, row, "unfreed"), 0);
		}
		assert_mm_clean();
	}
	lab_finish(&cap);
}

static void test_trace_free_of_a_skipped_huge_allocation_is_silent(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	assert_int_equal(replay(&cap, "a 5 9999999999\na 6 10\nf 5\nf 6\na 5 100\nf 5\n",
				"--allocator buddy"), 0);
	assert_int_equal(diag_lines(&cap), 1);
	assert_diag_has(&cap, "trace:1: size 9999999999 is larger");
	assert_int_equal(csv_u64(cap.out, 0, "allocs"), 2);
	assert_int_equal(csv_u64(cap.out, 0, "frees"), 2);
	assert_int_equal(csv_u64(cap.out, 0, "bad_lines"), 1);
	lab_finish(&cap);
}

static void test_trace_overlong_lines_are_skipped_but_long_comments_are_fine(void **state)
{
	struct lab_capture cap;
	char text[2048];
	char pad[600];

	(void)state;
	memset(pad, '1', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(text, sizeof(text), "# %s\na 1 %s\na 2 10\nf 2\n", pad, pad);
	lab_start(&cap);
	assert_int_equal(replay(&cap, text, "--allocator kmalloc"), 0);
	assert_int_equal(diag_lines(&cap), 1);
	assert_diag_has(&cap, "trace:2: line longer than 255 characters, skipped");
	assert_int_equal(csv_u64(cap.out, 0, "allocs"), 1);
	lab_finish(&cap);
}

static void test_trace_reports_at_most_max_errors_then_counts(void **state)
{
	struct lab_capture cap;
	char text[1024];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "f %d\n", 100 + i);
	snprintf(text + len, sizeof(text) - len, "a 1 1\nf 1\n");
	lab_start(&cap);
	assert_int_equal(replay(&cap, text, "--allocators kmalloc,buddy --max-errors 3"), 0);
	assert_int_equal(diag_lines(&cap), 4);
	assert_diag_has(&cap, "trace:3: free of ID 102");
	assert_diag_has(&cap, "trace: 17 more bad lines not shown (--max-errors 3)");
	assert_int_equal(csv_u64(cap.out, 1, "bad_lines"), 20);
	assert_int_equal(csv_u64(cap.out, 1, "frees"), 1);
	lab_finish(&cap);
}

static void test_trace_strict_stops_at_the_first_bad_line(void **state)
{
	struct lab_capture cap;
	unsigned long free_before;

	(void)state;
	lab_start(&cap);
	free_before = nr_free_pages();
	assert_int_equal(replay(&cap, "a 1 10\na 2 20\nbogus\na 3 30\n",
				"--allocators kmalloc,buddy --strict"), -EIO);
	assert_diag_has(&cap, "trace:3: unknown op 'bogus' (a ID SIZE or f ID) (--strict: replay stopped)");
	assert_int_equal(diag_lines(&cap), 1);
	/* The header, and no row: the first allocator's pass stopped. */
	assert_int_equal(csv_lines(cap.out), 1);
	assert_int_equal(nr_free_pages(), free_before);
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_trace_that_cannot_be_opened_is_an_error(void **state)
{
	struct lab_capture cap;

	(void)state;
	lab_start(&cap);
	cap.trace = NULL;
	assert_int_equal(lab_cmd(&cap, "replay missing.trace"), -EIO);
	assert_diag_has(&cap, "cannot open trace 'missing.trace'");
	assert_int_equal(lab_cmd(&cap, "replay"), -EINVAL);
	assert_diag_has(&cap, "which trace?");
	cap.env.trace_open = NULL;
	assert_int_equal(lab_cmd(&cap, "replay x.trace"), -EIO);
	assert_diag_has(&cap, "no trace input in this environment");
	assert_mm_clean();
	lab_finish(&cap);
}

static void test_trace_binary_garbage_never_crashes(void **state)
{
	struct lab_capture cap;
	uint64_t seed = test_seed(0x7ace), rng = seed;
	static char text[4096];

	(void)state;
	lab_start(&cap);
	for (int round = 0; round < 20; round++) {
		/* Mostly plausible tokens, some random bytes (NUL excluded). */
		static const char *const tok[] = { "a ", "f ", "1 ", "2", "0x", "9999999 ",
						   "\n", " ", "#", "-", "a 3 7\n", "f 3\n" };
		size_t len = 0;

		while (len < sizeof(text) - 16) {
			if (rng_below(&rng, 4)) {
				const char *t = tok[rng_below(&rng, ARRAY_SIZE(tok))];

				memcpy(text + len, t, strlen(t));
				len += strlen(t);
			} else {
				text[len++] = (char)(1 + rng_below(&rng, 255));
			}
		}
		text[len] = '\0';
		int err = replay(&cap, text, "--allocators kmalloc,first-fit --max-errors 0");

		if (err) {
			fprintf(stderr, "seed %#llx round %d: error %d\n%s\n",
				(unsigned long long)seed, round, err, cap.diag);
			fail();
		}
		assert_csv_shape(cap.out, REPLAY_HEADER);
		assert_mm_clean();
	}
	lab_finish(&cap);
}

/* ---- traces as the fragmentation workload ------------------------------ */

static void test_fragmentation_replays_a_trace_as_its_workload(void **state)
{
	struct lab_capture cap;
	static char text[64 * 1024];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len, "a %d %d\n", i,
					16 << (i % 9));
		if (i % 3 == 2)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "f %d\n", i - 1);
	}
	snprintf(text + len, sizeof(text) - len, "f 999999\n");
	lab_start(&cap);
	set_trace(&cap, text);
	assert_int_equal(lab_cmd(&cap, "fragmentation --trace t --samples 5 --budget 8M "
				      "--allocators kmalloc,buddy"), 0);
	/* The bad last line is reported once, by the counting pass. */
	assert_int_equal(diag_lines(&cap), 1);
	assert_diag_has(&cap, "free of ID 999999");
	long end = csv_find2(cap.out, "allocator", "buddy", "phase", "end");

	assert_true(end > 0);
	assert_int_equal(csv_u64(cap.out, (size_t)end, "live_objects"), 0);
	assert_int_equal(csv_u64(cap.out, (size_t)end, "op"), 2000 + 666 + 1334);
	/* All bookkeeping was made before the ballast: the budget holds only
	 * the allocator's pages, and is whole again once it is settled. */
	long settled = csv_find2(cap.out, "allocator", "buddy", "phase", "settled");

	assert_int_equal(csv_u64(cap.out, (size_t)settled, "free_pages"), 2048);
	assert_int_equal(csv_u64(cap.out, (size_t)settled, "free_o10"), 2);
	assert_mm_clean();
	lab_finish(&cap);
}

/* ---- recording with tools/trace-malloc.so ------------------------------ */

#define VICTIM_THREADS	4	/* tests/host/trace_victim.c */
#define VICTIM_ROUNDS	1000
#define VICTIM_PER_ROUND 5

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/*
 * Four threads allocate and free at the same time with every function
 * the shim intercepts: the trace must be well formed (no bad line when
 * replayed), every free must name an ID allocated before it, and the
 * counts must be the program's, plus whatever the C library allocates
 * for itself.
 */
static void test_trace_malloc_records_a_threaded_program(void **state)
{
	const char *build = getenv("MM_BUILD") ? getenv("MM_BUILD") : "build";
	char shim[512], victim[512], trace[512], env_file[600], env_preload[600];
	struct lab_capture cap;
	size_t len;
	int status;

	(void)state;
	snprintf(shim, sizeof(shim), "%s/tools/trace-malloc.so", build);
	snprintf(victim, sizeof(victim), "%s/tools/trace-victim", build);
	if (access(shim, R_OK) || access(victim, X_OK)) {
		fprintf(stderr, "%s or %s missing (make lab-tools)\n", shim, victim);
		skip();
	}
	snprintf(trace, sizeof(trace), "%s/tools/trace-victim.%d.trace", build, (int)getpid());
	snprintf(env_file, sizeof(env_file), "MM_TRACE_FILE=%s", trace);
	snprintf(env_preload, sizeof(env_preload), "LD_PRELOAD=%s", shim);

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { victim, NULL };
		char *envp[] = { env_file, env_preload, NULL };

		execve(victim, argv, envp);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	char *text = read_file(trace, &len);

	assert_non_null(text);
	unlink(trace);
	assert_true(strncmp(text, "# trace-malloc pid ", 19) == 0);
	assert_non_null(strstr(text, "trace-victim"));

	lab_start(&cap);
	cap.trace = text;
	cap.trace_len = len;
	assert_int_equal(lab_cmd(&cap, "replay victim.trace --allocator kmalloc --strict"), 0);
	assert_int_equal(cap.diag_len, 0);
	unsigned long long expect = VICTIM_THREADS * VICTIM_ROUNDS * VICTIM_PER_ROUND;

	assert_true(csv_u64(cap.out, 0, "allocs") >= expect + 1);
	assert_true(csv_u64(cap.out, 0, "frees") >= expect);
	assert_int_equal(csv_u64(cap.out, 0, "bad_lines"), 0);
	/* At least the leak; the C library may keep a few blocks too. */
	assert_true(csv_u64(cap.out, 0, "unfreed") >= 1);
	assert_non_null(strstr(text, " 12345\n"));
	lab_finish(&cap);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_replays_through_every_allocator),
		cmocka_unit_test(test_trace_tolerates_crlf_tabs_and_a_last_line_without_newline),
		cmocka_unit_test(test_trace_objects_never_freed_are_freed_at_the_end),
		cmocka_unit_test(test_trace_many_ids_grow_the_table),
		cmocka_unit_test(test_trace_bad_lines_are_reported_and_skipped),
		cmocka_unit_test(test_trace_free_of_a_skipped_huge_allocation_is_silent),
		cmocka_unit_test(test_trace_overlong_lines_are_skipped_but_long_comments_are_fine),
		cmocka_unit_test(test_trace_reports_at_most_max_errors_then_counts),
		cmocka_unit_test(test_trace_strict_stops_at_the_first_bad_line),
		cmocka_unit_test(test_trace_that_cannot_be_opened_is_an_error),
		cmocka_unit_test(test_trace_binary_garbage_never_crashes),
		cmocka_unit_test(test_fragmentation_replays_a_trace_as_its_workload),
		cmocka_unit_test(test_trace_malloc_records_a_threaded_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
