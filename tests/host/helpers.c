/*
 * tests/host/helpers.c - see helpers.h.
 */
#include "tests/host/helpers.h"

#include "mm/page_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void boot_simple(uint64_t bytes, const char *cmdline)
{
	struct mem_region map[] = { { 0, bytes, MEM_USABLE } };
	int err = mm_host_boot(map, 1, cmdline);

	if (err) {
		fprintf(stderr, "mm_host_boot(%llu bytes, \"%s\") = %d; log:\n%s\n",
			(unsigned long long)bytes, cmdline, err, mm_host_log());
		fail();
	}
}

void boot_map(const struct mem_region *map, size_t n, const char *cmdline)
{
	int err = mm_host_boot(map, n, cmdline);

	if (err) {
		fprintf(stderr, "mm_host_boot(%zu entries, \"%s\") = %d; log:\n%s\n",
			n, cmdline, err, mm_host_log());
		fail();
	}
}

void boot_pristine_dma(void)
{
	static const struct mem_region map[] = {
		{ 0, MIB(16), MEM_USABLE },
		{ MIB(32), MIB(1), MEM_USABLE },	/* holds mem_map */
	};

	boot_map(map, ARRAY_SIZE(map), "");
	assert_true(__pa(mem_map) >= MIB(32));
	assert_int_equal(nr_free_blocks(ZONE_DMA, 10), 3);
}

void assert_mm_clean(void)
{
	int bad = mm_check();

	if (bad) {
		fprintf(stderr, "mm_check() = %d; log:\n%s\n", bad, mm_host_log());
		fail();
	}
}

void assert_log_contains(const char *needle)
{
	if (!strstr(mm_host_log(), needle)) {
		fprintf(stderr, "log lacks \"%s\"; log:\n%s\n", needle, mm_host_log());
		fail();
	}
}

void assert_log_lacks(const char *needle)
{
	if (strstr(mm_host_log(), needle)) {
		fprintf(stderr, "log unexpectedly has \"%s\"; log:\n%s\n", needle,
			mm_host_log());
		fail();
	}
}

size_t log_count(const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = mm_host_log(); len && (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

uint64_t test_seed(uint64_t default_seed)
{
	const char *s = getenv("MM_TEST_SEED");

	return s && *s ? strtoull(s, NULL, 0) : default_seed;
}

uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return n ? rng_next(state) % n : 0;
}

int teardown_mm(void **state)
{
	(void)state;
	mm_host_shutdown();
	return 0;
}

unsigned long misuse_begin(void)
{
	mm_host_log_clear();
	return mm_error_count();
}

void assert_refused(unsigned long errors_before, const char *report)
{
	const char *log = mm_host_log();
	int bad = mm_check();

	if (strncmp(log, report, strlen(report)) != 0 ||
	    mm_error_count() != errors_before + 1 || bad) {
		fprintf(stderr, "expected one refused misuse reported as \"%s...\";\n"
			"errors %lu -> %lu, mm_check() = %d; log:\n%s\n", report,
			errors_before, mm_error_count(), bad, log);
		fail();
	}
}

size_t log_lines(void)
{
	size_t n = 0;

	for (const char *p = mm_host_log(); *p; p++)
		n += *p == '\n';
	return n;
}

static void shrink_one(struct kmem_cache *s, void *ctx)
{
	(void)ctx;
	kmem_cache_shrink(s);
}

void shrink_all_caches(void)
{
	kmem_cache_for_each(shrink_one, NULL);
}

const char *proc_text(const char *path)
{
	static char buf[64 << 10];
	ssize_t n = mm_proc_read(path, buf, sizeof(buf));

	if (n < 0) {
		fprintf(stderr, "mm_proc_read(\"%s\") = %zd\n", path, n);
		fail();
	}
	return buf;
}
