/*
 * tests/host/test_multiboot.c - kernel/multiboot.c: decoding a Multiboot 1
 * memory map (well-formed, padded, unaligned and malformed buffers), the
 * mem_lower/mem_upper fallback map, Linux's e820 type names and the
 * boot-loader magic check.
 *
 * Every buffer handed to multiboot_parse_mmap is a malloc'd copy that ends
 * where poisoned memory begins, so that under AddressSanitizer (how `make
 * test-host` builds this suite) a read of even one byte past the end is a
 * reported error, not a silent pass; guarded_copy() checks that the byte
 * after the buffer really is poisoned.  A seeded fuzz test (MM_TEST_SEED) adds random
 * buffers on top of the hand-made malformed ones.
 *
 * Buffers are drawn as
 *     | size (4) | addr (8) | len (8) | type (4) | size - 20 extra bytes |
 * per entry, little-endian and packed, as GRUB lays them out.
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/multiboot.h"
#include "arch/x86/boot_defs.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define HAVE_ASAN 1
#else
#define HAVE_ASAN 0
#endif

#define FOUR_GIB	GIB(4)

#define MAX_OUT		32
#define NO_PROBLEMS	0u
#define PROBLEMS_UNSET	0xdeadbeefu	/* the parser must overwrite it */
#define DEFAULT_SEED	0xb007ab1e5eedULL

/* ---- building maps --------------------------------------------------------- */

struct mb_map {
	unsigned char bytes[4096];
	size_t len;
};

static void put_le(struct mb_map *m, uint64_t v, size_t n)
{
	assert_true(m->len + n <= sizeof(m->bytes));
	for (size_t i = 0; i < n; i++)
		m->bytes[m->len++] = (unsigned char)(v >> (8 * i));
}

/* Appends an entry whose size field says `size` (20 for a standard one);
 * bytes beyond the 20 standard ones are filled with 0xee. */
static void add_sized(struct mb_map *m, uint32_t size, uint64_t addr,
		      uint64_t len, uint32_t type)
{
	put_le(m, size, 4);
	put_le(m, addr, 8);
	put_le(m, len, 8);
	put_le(m, type, 4);
	for (uint32_t i = MB_MMAP_ENTRY_MIN; i < size; i++)
		put_le(m, 0xee, 1);
}

static void add(struct mb_map *m, uint64_t addr, uint64_t len, uint32_t type)
{
	add_sized(m, MB_MMAP_ENTRY_MIN, addr, len, type);
}

/*
 * A malloc'd copy of bytes[0, len) placed `skew` bytes into its allocation
 * (to misalign it) and followed by nothing readable.
 *
 * Under ASan an exact-length malloc is usually followed by its redzone, but
 * not always: a recycled chunk can end right where unpoisoned memory begins
 * (seen with 192-byte blocks).  So the copy sits at the end of a slightly
 * larger block whose tail is poisoned by hand, and the first byte past the
 * buffer is checked to be poisoned: every overread is caught, every time.
 */
#define GUARD_BYTES	16

struct guarded {
	unsigned char *block;
	size_t total;
};

static const void *guarded_copy(const void *bytes, size_t len, size_t skew,
				struct guarded *g)
{
	size_t end = skew + len;

	/* The poisoned tail must reach a shadow-granule (8-byte) boundary. */
	g->total = ((end + 7) & ~(size_t)7) + GUARD_BYTES;
	g->block = malloc(g->total);
	assert_non_null(g->block);
	memcpy(g->block + skew, bytes, len);
#if HAVE_ASAN
	__asan_poison_memory_region(g->block + end, g->total - end);
	assert_true(__asan_address_is_poisoned(g->block + end));
#endif
	return g->block + skew;
}

static void guarded_free(struct guarded *g)
{
#if HAVE_ASAN
	__asan_unpoison_memory_region(g->block, g->total);
#endif
	free(g->block);
}

struct parsed {
	size_t n;
	unsigned int problems;
	struct mem_region r[MAX_OUT + 1];	/* + 1: a guard entry */
};

/* Parses bytes[0, len) from a guarded copy at the given skew. */
static void parse_skewed(const void *bytes, size_t len, size_t skew,
			 size_t max, struct parsed *p)
{
	struct guarded g;
	const void *buf = guarded_copy(bytes, len, skew, &g);

	assert_true(max <= MAX_OUT);
	memset(p, 0x5a, sizeof(*p));
	p->problems = PROBLEMS_UNSET;
	p->n = multiboot_parse_mmap(buf, len, p->r, max, &p->problems);
	guarded_free(&g);
	assert_true(p->n <= max);
	/* Nothing was stored past what was returned. */
	for (size_t i = p->n; i <= MAX_OUT; i++) {
		const unsigned char *guard = (const unsigned char *)&p->r[i];

		for (size_t b = 0; b < sizeof(p->r[i]); b++)
			assert_int_equal(guard[b], 0x5a);
	}
}

static void parse_map(const struct mb_map *m, size_t max, struct parsed *p)
{
	parse_skewed(m->bytes, m->len, 0, max, p);
}

static void expect_region(const struct parsed *p, size_t i, uint64_t base,
			  uint64_t size, uint32_t type)
{
	assert_true(i < p->n);
	if (p->r[i].base != base || p->r[i].size != size || p->r[i].type != type)
		fail_msg("region %zu is {%#llx, %#llx, %u}; want {%#llx, %#llx, %u}",
			 i, (unsigned long long)p->r[i].base,
			 (unsigned long long)p->r[i].size, p->r[i].type,
			 (unsigned long long)base, (unsigned long long)size, type);
}

/* The map QEMU's SeaBIOS gives a 128 MiB guest. */
static void add_qemu_map(struct mb_map *m)
{
	add(m, 0, 0x9fc00, MEM_USABLE);
	add(m, 0x9fc00, 0x400, MEM_RESERVED);
	add(m, 0xf0000, 0x10000, MEM_RESERVED);
	add(m, 0x100000, 0x7ee0000, MEM_USABLE);
	add(m, 0x7fe0000, 0x20000, MEM_RESERVED);
	add(m, 0xfffc0000, 0x40000, MEM_RESERVED);
}

static void expect_qemu_map(const struct parsed *p)
{
	assert_int_equal(p->n, 6);
	expect_region(p, 0, 0, 0x9fc00, MEM_USABLE);
	expect_region(p, 1, 0x9fc00, 0x400, MEM_RESERVED);
	expect_region(p, 2, 0xf0000, 0x10000, MEM_RESERVED);
	expect_region(p, 3, 0x100000, 0x7ee0000, MEM_USABLE);
	expect_region(p, 4, 0x7fe0000, 0x20000, MEM_RESERVED);
	expect_region(p, 5, 0xfffc0000, 0x40000, MEM_RESERVED);
}

/* ---- well-formed maps --------------------------------------------------------- */

static void test_multiboot_parse_mmap_decodes_standard_entries(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	add_qemu_map(&m);
	assert_int_equal(m.len, 6 * 24);
	parse_map(&m, MAX_OUT, &p);
	expect_qemu_map(&p);
	assert_int_equal(p.problems, NO_PROBLEMS);

	/* Types are copied as they are, even ones Linux has no name for;
	 * the order is the firmware's (sorting is mm_init's job). */
	m.len = 0;
	add(&m, 0x200000, 0x1000, 7);
	add(&m, 0x100000, 0x1000, MEM_ACPI_NVS);
	add(&m, 0x0, 0x1000, MEM_BAD);
	add(&m, 0x300000, 0x1000, MEM_ACPI_RECLAIMABLE);
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 4);
	expect_region(&p, 0, 0x200000, 0x1000, 7);
	expect_region(&p, 1, 0x100000, 0x1000, MEM_ACPI_NVS);
	expect_region(&p, 2, 0, 0x1000, MEM_BAD);
	expect_region(&p, 3, 0x300000, 0x1000, MEM_ACPI_RECLAIMABLE);
	assert_int_equal(p.problems, NO_PROBLEMS);
}

static void test_multiboot_parse_mmap_skips_extra_bytes_of_larger_entries(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	/* The next entry starts size + 4 bytes after this one. */
	add_sized(&m, 24, 0, 0x9fc00, MEM_USABLE);
	add_sized(&m, 20, 0x9fc00, 0x400, MEM_RESERVED);
	add_sized(&m, 21, 0xf0000, 0x10000, MEM_RESERVED);
	add_sized(&m, 1000, 0x100000, 0x7ee0000, MEM_USABLE);
	add_sized(&m, 23, 0x7fe0000, 0x20000, MEM_RESERVED);
	add_sized(&m, 28, 0xfffc0000, 0x40000, MEM_RESERVED);
	assert_int_equal(m.len, 6 * 24 + 4 + 1 + 980 + 3 + 8);
	parse_map(&m, MAX_OUT, &p);
	expect_qemu_map(&p);
	assert_int_equal(p.problems, NO_PROBLEMS);
}

static void test_multiboot_parse_mmap_reads_unaligned_buffers(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	/* Odd sizes put every later entry at an odd address as well. */
	add_sized(&m, 21, 0, 0x9fc00, MEM_USABLE);
	add_sized(&m, 22, 0x9fc00, 0x400, MEM_RESERVED);
	add_sized(&m, 23, 0xf0000, 0x10000, MEM_RESERVED);
	add_sized(&m, 25, 0x100000, 0x7ee0000, MEM_USABLE);
	add_sized(&m, 20, 0x7fe0000, 0x20000, MEM_RESERVED);
	add_sized(&m, 27, 0xfffc0000, 0x40000, MEM_RESERVED);
	for (size_t skew = 0; skew < 8; skew++) {
		parse_skewed(m.bytes, m.len, skew, MAX_OUT, &p);
		expect_qemu_map(&p);
		assert_int_equal(p.problems, NO_PROBLEMS);
	}
}

/* ---- malformed maps ------------------------------------------------------------- */

static void test_multiboot_parse_mmap_stops_at_entry_size_below_20(void **state)
{
	static const uint32_t bad_sizes[] = { 0, 1, 4, 19 };
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		struct mb_map m = { .len = 0 };

		add(&m, 0, 0x9fc00, MEM_USABLE);
		add(&m, 0x100000, 0x1000000, MEM_USABLE);
		/* A bad size field, with or without a body after it, then a
		 * good-looking entry that must not be read. */
		put_le(&m, bad_sizes[i], 4);
		if (i % 2)
			put_le(&m, 0x2000000, 8);
		add(&m, 0x3000000, 0x1000000, MEM_USABLE);

		for (size_t skew = 0; skew < 2; skew++) {
			parse_skewed(m.bytes, m.len, skew, MAX_OUT, &p);
			assert_int_equal(p.n, 2);
			expect_region(&p, 0, 0, 0x9fc00, MEM_USABLE);
			expect_region(&p, 1, 0x100000, 0x1000000, MEM_USABLE);
			assert_int_equal(p.problems, MB_MAP_BAD_ENTRY_SIZE);
		}

		/* As the very last thing in the buffer, and as the first. */
		m.len = 2 * 24 + 4;
		parse_map(&m, MAX_OUT, &p);
		assert_int_equal(p.n, 2);
		assert_int_equal(p.problems, MB_MAP_BAD_ENTRY_SIZE);
		m.len = 0;
		put_le(&m, bad_sizes[i], 4);
		add(&m, 0, 0x1000, MEM_USABLE);
		parse_map(&m, MAX_OUT, &p);
		assert_int_equal(p.n, 0);
		assert_int_equal(p.problems, MB_MAP_BAD_ENTRY_SIZE);
	}
}

static void test_multiboot_parse_mmap_clips_entry_that_wraps_past_2_64(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	add(&m, 0, 0x9fc00, MEM_USABLE);
	add(&m, 0xfffffffffffff000ULL, 0x2000, MEM_RESERVED);
	add(&m, 0x8000000000000000ULL, ~0ULL, MEM_RESERVED);
	add(&m, 0xffffffffffffffffULL, 2, MEM_RESERVED);
	add(&m, 0x100000, 0x1000000, MEM_USABLE);	/* after them: still read */
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 5);
	expect_region(&p, 0, 0, 0x9fc00, MEM_USABLE);
	expect_region(&p, 1, 0xfffffffffffff000ULL, 0x1000, MEM_RESERVED);
	expect_region(&p, 2, 0x8000000000000000ULL, 0x8000000000000000ULL,
		      MEM_RESERVED);
	expect_region(&p, 3, 0xffffffffffffffffULL, 1, MEM_RESERVED);
	expect_region(&p, 4, 0x100000, 0x1000000, MEM_USABLE);
	assert_int_equal(p.problems, MB_MAP_WRAPS);
}

static void test_multiboot_parse_mmap_keeps_entry_ending_exactly_at_2_64(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	/* Its last byte is 2^64 - 1: nothing wraps, nothing is clipped. */
	add(&m, 0xfffffffffffff000ULL, 0x1000, MEM_RESERVED);
	add(&m, 0, ~0ULL, MEM_RESERVED);
	add(&m, 1, ~0ULL, MEM_RESERVED);
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 3);
	expect_region(&p, 0, 0xfffffffffffff000ULL, 0x1000, MEM_RESERVED);
	expect_region(&p, 1, 0, ~0ULL, MEM_RESERVED);
	expect_region(&p, 2, 1, ~0ULL, MEM_RESERVED);
	assert_int_equal(p.problems, NO_PROBLEMS);
}

static void test_multiboot_parse_mmap_passes_usable_ram_above_4g_through(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	/* Up to 4 GiB exactly is not above it; reserved space above it is
	 * not RAM. */
	add(&m, 0x100000, FOUR_GIB - 0x100000, MEM_USABLE);
	add(&m, FOUR_GIB, GIB(64), MEM_RESERVED);
	add(&m, 0xfd00000000ULL, 0x300000000ULL, MEM_ACPI_NVS);
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.problems, NO_PROBLEMS);

	/* Usable RAM wholly above, straddling, and wrapping past 2^64: kept
	 * as it is (mm_init ignores it) and noted. */
	static const uint64_t ranges[][2] = {
		{ FOUR_GIB, GIB(4) },
		{ GIB(3), GIB(2) },
		{ FOUR_GIB - 1, 2 },
		{ 0xfffffffffffff000ULL, 0x1000 },
		{ 0x200000000ULL, ~0ULL },
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		uint64_t base = ranges[i][0], size = ranges[i][1];
		unsigned int want = MB_MAP_ABOVE_4G;

		m.len = 0;
		add(&m, 0, 0x9fc00, MEM_USABLE);
		add(&m, base, size, MEM_USABLE);
		if (size > 0 - base) {
			size = 0 - base;
			want |= MB_MAP_WRAPS;
		}
		parse_map(&m, MAX_OUT, &p);
		assert_int_equal(p.n, 2);
		expect_region(&p, 1, base, size, MEM_USABLE);
		if (p.problems != want)
			fail_msg("usable {%#llx, %#llx}: problems %#x, want %#x",
				 (unsigned long long)ranges[i][0],
				 (unsigned long long)ranges[i][1], p.problems, want);
	}
}

static void test_multiboot_parse_mmap_skips_zero_length_entries(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	add(&m, 0x1000, 0, MEM_USABLE);
	add(&m, 0, 0x9fc00, MEM_USABLE);
	add(&m, 0x9fc00, 0, MEM_RESERVED);
	add(&m, 0xffffffffffffffffULL, 0, MEM_RESERVED);
	add(&m, 0x100000, 0x1000000, MEM_USABLE);
	add_sized(&m, 32, 0x5000000, 0, MEM_USABLE);
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 2);
	expect_region(&p, 0, 0, 0x9fc00, MEM_USABLE);
	expect_region(&p, 1, 0x100000, 0x1000000, MEM_USABLE);
	assert_int_equal(p.problems, MB_MAP_EMPTY_ENTRY);

	/* Skipped entries take no room in out. */
	parse_map(&m, 2, &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.problems, MB_MAP_EMPTY_ENTRY);
}

/*
 * Cuts a three-entry map (sizes 20, 28, 20) at every length from 0 to
 * its end.  Whole entries before the cut are kept; a cut anywhere inside
 * an entry (inside its size field, its fields or its extra bytes) drops
 * that entry and says MB_MAP_TRUNCATED.
 *
 *     0        24                 56       80
 *     | entry0 |  entry1 (+8)     | entry2 |
 */
static void test_multiboot_parse_mmap_keeps_entries_before_a_truncated_one(void **state)
{
	static const size_t ends[] = { 24, 56, 80 };
	struct mb_map m = { .len = 0 };
	struct parsed p;

	(void)state;
	add(&m, 0, 0x9fc00, MEM_USABLE);
	add_sized(&m, 28, 0x100000, 0x1000000, MEM_USABLE);
	add(&m, 0x2000000, 0x1000000, MEM_RESERVED);
	assert_int_equal(m.len, ends[2]);

	for (size_t len = 0; len <= m.len; len++) {
		size_t whole = 0;
		bool at_boundary = len == 0;

		for (size_t e = 0; e < 3; e++) {
			if (ends[e] <= len)
				whole = e + 1;
			if (ends[e] == len)
				at_boundary = true;
		}
		for (size_t skew = 0; skew < 4; skew += 3) {
			parse_skewed(m.bytes, len, skew, MAX_OUT, &p);
			if (p.n != whole ||
			    p.problems != (at_boundary ? NO_PROBLEMS : MB_MAP_TRUNCATED))
				fail_msg("cut at %zu: %zu regions, problems %#x; want %zu, %#x",
					 len, p.n, p.problems, whole,
					 at_boundary ? NO_PROBLEMS : MB_MAP_TRUNCATED);
			if (whole > 0)
				expect_region(&p, 0, 0, 0x9fc00, MEM_USABLE);
			if (whole > 1)
				expect_region(&p, 1, 0x100000, 0x1000000, MEM_USABLE);
			if (whole > 2)
				expect_region(&p, 2, 0x2000000, 0x1000000, MEM_RESERVED);
		}
	}

	/* A size field that claims far more than the buffer holds. */
	m.len = 0;
	add(&m, 0, 0x9fc00, MEM_USABLE);
	add(&m, 0x100000, 0x1000000, MEM_USABLE);
	memset(m.bytes + 24, 0xff, 4);		/* its size field: 2^32 - 1 */
	parse_map(&m, MAX_OUT, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.problems, MB_MAP_TRUNCATED);
}

static void test_multiboot_parse_mmap_stops_when_out_is_full(void **state)
{
	struct mb_map m = { .len = 0 };
	struct parsed p;
	unsigned int problems = PROBLEMS_UNSET;

	(void)state;
	add_qemu_map(&m);
	parse_map(&m, 6, &p);		/* exactly enough room */
	expect_qemu_map(&p);
	assert_int_equal(p.problems, NO_PROBLEMS);

	parse_map(&m, 4, &p);
	assert_int_equal(p.n, 4);
	expect_region(&p, 3, 0x100000, 0x7ee0000, MEM_USABLE);
	assert_int_equal(p.problems, MB_MAP_TOO_MANY);

	parse_map(&m, 1, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.problems, MB_MAP_TOO_MANY);

	/* No room at all: out is never touched, so it may be NULL. */
	assert_int_equal(multiboot_parse_mmap(m.bytes, m.len, NULL, 0, &problems),
			 0);
	assert_int_equal(problems, MB_MAP_TOO_MANY);
}

static void test_multiboot_parse_mmap_of_empty_buffer_finds_nothing(void **state)
{
	struct parsed p;
	unsigned int problems = PROBLEMS_UNSET;

	(void)state;
	parse_skewed("", 0, 0, MAX_OUT, &p);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.problems, NO_PROBLEMS);
	assert_int_equal(multiboot_parse_mmap(NULL, 0, NULL, 0, &problems), 0);
	assert_int_equal(problems, NO_PROBLEMS);
}

/*
 * Random buffers: mostly plausible entries with random sizes, addresses,
 * lengths and types, sometimes random bytes, cut at a random length.
 * Whatever comes in, the parser stays inside the buffer (ASan) and inside
 * out, and what it returns is well-formed.
 */
static void test_multiboot_parse_mmap_survives_random_buffers(void **state)
{
	uint64_t seed = test_seed(DEFAULT_SEED);
	uint64_t rng = seed;

	(void)state;
	for (unsigned iter = 0; iter < 5000; iter++) {
		struct mb_map m = { .len = 0 };
		struct parsed p;
		size_t max = (size_t)rng_below(&rng, MAX_OUT + 1);
		unsigned nr = (unsigned)rng_below(&rng, 40);

		for (unsigned e = 0; e < nr && m.len + 64 + 24 <= sizeof(m.bytes); e++) {
			uint64_t addr = rng_below(&rng, 2) ? rng_next(&rng) :
					rng_below(&rng, GIB(8));
			uint64_t len = rng_below(&rng, 4) == 0 ? 0 :
				       rng_below(&rng, 2) ? rng_next(&rng) :
				       rng_below(&rng, GIB(2));

			switch (rng_below(&rng, 8)) {
			case 0:
				for (unsigned b = (unsigned)rng_below(&rng, 30); b; b--)
					put_le(&m, rng_next(&rng), 1);
				break;
			case 1:
				add_sized(&m, (uint32_t)rng_below(&rng, 20), addr,
					  len, 1);
				break;
			default:
				add_sized(&m, 20 + (uint32_t)rng_below(&rng, 64), addr,
					  len, 1 + (uint32_t)rng_below(&rng, 6));
				break;
			}
		}
		size_t len = m.len ? (size_t)rng_below(&rng, m.len + 1) : 0;

		if (rng_below(&rng, 2))
			len = m.len;
		parse_skewed(m.bytes, len, (size_t)rng_below(&rng, 4), max, &p);

		for (size_t i = 0; i < p.n; i++) {
			const struct mem_region *r = &p.r[i];

			if (r->size == 0 || r->size - 1 > ~r->base)
				fail_msg("seed %#llx (MM_TEST_SEED), buffer #%u: region %zu "
					 "{%#llx, %#llx} is empty or wraps",
					 (unsigned long long)seed, iter, i,
					 (unsigned long long)r->base,
					 (unsigned long long)r->size);
			if (r->type == MEM_USABLE && r->base + (r->size - 1) >= FOUR_GIB &&
			    !(p.problems & MB_MAP_ABOVE_4G))
				fail_msg("seed %#llx, buffer #%u: usable region %zu above "
					 "4 GiB not flagged", (unsigned long long)seed,
					 iter, i);
		}
		if (p.problems & ~(unsigned)(MB_MAP_BAD_ENTRY_SIZE | MB_MAP_TRUNCATED |
					     MB_MAP_WRAPS | MB_MAP_ABOVE_4G |
					     MB_MAP_TOO_MANY | MB_MAP_EMPTY_ENTRY))
			fail_msg("seed %#llx, buffer #%u: unknown problem bits %#x",
				 (unsigned long long)seed, iter, p.problems);
		/* At most one reason to stop early. */
		unsigned stops = p.problems & (MB_MAP_BAD_ENTRY_SIZE | MB_MAP_TRUNCATED |
					       MB_MAP_TOO_MANY);
		if (stops & (stops - 1))
			fail_msg("seed %#llx, buffer #%u: problems %#x stop twice",
				 (unsigned long long)seed, iter, p.problems);
	}
}

/* ---- the rest of multiboot.c ------------------------------------------------------- */

static void test_multiboot_basic_map_describes_lower_and_upper_memory(void **state)
{
	struct mem_region r[3];

	(void)state;
	/* 639 KiB below 1 MiB, 127 MiB above it: a 128 MiB machine. */
	assert_int_equal(multiboot_basic_map(639, 130048, r, 3), 2);
	assert_true(r[0].base == 0 && r[0].size == KIB(639) &&
		    r[0].type == MEM_USABLE);
	assert_true(r[1].base == MIB(1) && r[1].size == MIB(127) &&
		    r[1].type == MEM_USABLE);

	/* The sizes are computed in 64 bits. */
	assert_int_equal(multiboot_basic_map(0, 0xffffffffu, r, 3), 1);
	assert_true(r[0].base == MIB(1) && r[0].size == KIB(0xffffffffULL));

	/* Missing halves are left out; out is never overrun. */
	assert_int_equal(multiboot_basic_map(639, 0, r, 3), 1);
	assert_true(r[0].base == 0 && r[0].size == KIB(639));
	assert_int_equal(multiboot_basic_map(0, 0, r, 3), 0);
	memset(r, 0x5a, sizeof(r));
	assert_int_equal(multiboot_basic_map(639, 130048, r, 1), 1);
	assert_true(r[0].base == 0 && r[0].size == KIB(639));
	assert_int_equal(r[1].type, 0x5a5a5a5a);
	assert_int_equal(multiboot_basic_map(639, 130048, NULL, 0), 0);
}

static void test_e820_type_name_uses_linux_names(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(e820_type_name(MEM_USABLE, buf, sizeof(buf)), "usable");
	assert_string_equal(e820_type_name(MEM_RESERVED, buf, sizeof(buf)),
			    "reserved");
	assert_string_equal(e820_type_name(MEM_ACPI_RECLAIMABLE, buf, sizeof(buf)),
			    "ACPI data");
	assert_string_equal(e820_type_name(MEM_ACPI_NVS, buf, sizeof(buf)),
			    "ACPI NVS");
	assert_string_equal(e820_type_name(MEM_BAD, buf, sizeof(buf)), "unusable");
	assert_int_equal(MEM_USABLE, 1);
	assert_int_equal(MEM_BAD, 5);
}

static void test_e820_type_name_prints_unknown_types_as_numbers(void **state)
{
	static const struct { uint32_t type; const char *name; } unknown[] = {
		{ 0, "type 0" }, { 6, "type 6" }, { 7, "type 7" },
		{ 12, "type 12" }, { 0xffffffffu, "type 4294967295" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		memset(buf, 0, sizeof(buf));
		const char *s = e820_type_name(unknown[i].type, buf, sizeof(buf));

		assert_ptr_equal(s, buf);
		assert_string_equal(s, unknown[i].name);
	}
	/* A short buffer truncates, still terminated, never overrun. */
	memset(buf, 'z', sizeof(buf));
	assert_string_equal(e820_type_name(7, buf, 4), "typ");
	assert_int_equal(buf[4], 'z');
}

static void test_multiboot_check_magic_accepts_only_the_bootloader_magic(void **state)
{
	const char *why;

	(void)state;
	assert_null(multiboot_check_magic(MULTIBOOT_BOOTLOADER_MAGIC));
	assert_null(multiboot_check_magic(0x2BADB002));
	/* The header's magic, Multiboot 2's, nothing, and one bit off. */
	static const uint32_t bad[] = { MULTIBOOT_HEADER_MAGIC, 0x36d76289, 0,
					0x2BADB003, 0xffffffffu };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = multiboot_check_magic(bad[i]);
		assert_non_null(why);
		assert_true(strlen(why) > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiboot_parse_mmap_decodes_standard_entries),
		cmocka_unit_test(test_multiboot_parse_mmap_skips_extra_bytes_of_larger_entries),
		cmocka_unit_test(test_multiboot_parse_mmap_reads_unaligned_buffers),
		cmocka_unit_test(test_multiboot_parse_mmap_stops_at_entry_size_below_20),
		cmocka_unit_test(test_multiboot_parse_mmap_clips_entry_that_wraps_past_2_64),
		cmocka_unit_test(test_multiboot_parse_mmap_keeps_entry_ending_exactly_at_2_64),
		cmocka_unit_test(test_multiboot_parse_mmap_passes_usable_ram_above_4g_through),
		cmocka_unit_test(test_multiboot_parse_mmap_skips_zero_length_entries),
		cmocka_unit_test(test_multiboot_parse_mmap_keeps_entries_before_a_truncated_one),
		cmocka_unit_test(test_multiboot_parse_mmap_stops_when_out_is_full),
		cmocka_unit_test(test_multiboot_parse_mmap_of_empty_buffer_finds_nothing),
		cmocka_unit_test(test_multiboot_parse_mmap_survives_random_buffers),
		cmocka_unit_test(test_multiboot_basic_map_describes_lower_and_upper_memory),
		cmocka_unit_test(test_e820_type_name_uses_linux_names),
		cmocka_unit_test(test_e820_type_name_prints_unknown_types_as_numbers),
		cmocka_unit_test(test_multiboot_check_magic_accepts_only_the_bootloader_magic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
