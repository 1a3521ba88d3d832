/*
 * tests/host/helpers.h - shared by the cmocka suites: booting mm on a
 * synthetic map, asserting on its log, seeded randomness.
 */
#ifndef TESTS_HOST_HELPERS_H
#define TESTS_HOST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/host/host.h"
#include "mm/mm.h"

#define KIB(x)	((uint64_t)(x) << 10)
#define MIB(x)	((uint64_t)(x) << 20)
#define GIB(x)	((uint64_t)(x) << 30)

/* Boots mm on one usable range [0, bytes) with cmdline; asserts success. */
void boot_simple(uint64_t bytes, const char *cmdline);
/* Boots mm on an arbitrary firmware map; asserts success. */
void boot_map(const struct mem_region *map, size_t n, const char *cmdline);
/*
 * Boots 16 MiB of RAM plus a 1 MiB island at 32 MiB, where mem_map goes
 * (top-down), so the DMA zone's free lists are the same whatever the size
 * of struct page: order 8 {0x100}, order 9 {0x200}, order 10 {0xc00,
 * 0x800, 0x400} (list order).  The island is the Normal zone.
 */
void boot_pristine_dma(void);
/* Asserts mm_check() == 0 (prints mm's log on failure). */
void assert_mm_clean(void);
/* Asserts that mm's log contains needle (prints the log if not). */
void assert_log_contains(const char *needle);
void assert_log_lacks(const char *needle);
/* How many times needle occurs in mm's log. */
size_t log_count(const char *needle);

/* A seeded generator (xorshift64*); tests print the seed on failure.
 * The seed comes from MM_TEST_SEED when set, else the default given. */
uint64_t test_seed(uint64_t default_seed);
uint64_t rng_next(uint64_t *state);
/* Uniform in [0, n). */
uint64_t rng_below(uint64_t *state, uint64_t n);

/* cmocka group setup/teardown that shut mm down after each test. */
int teardown_mm(void **state);

/* ---- misuse cases and reports (the slab suites) -------------------------- */

/* Starts a misuse case: clears mm's log, returns mm_error_count(). */
unsigned long misuse_begin(void);
/* Asserts that the misuse since misuse_begin() was refused as DESIGN.md
 * section 6 says: exactly one error counted, the log's first line starts
 * with report, and every invariant still holds (mm_check() == 0). */
void assert_refused(unsigned long errors_before, const char *report);
/* The number of lines in mm's log. */
size_t log_lines(void);
/* Gives every empty slab of every cache back to the buddy allocator. */
void shrink_all_caches(void);
/* mm_proc_read(path) into a static buffer (valid until the next call);
 * asserts that the read succeeded. */
const char *proc_text(const char *path);

#endif
