/*
 * tools/bench/rows_page.c - the page allocator's rows and mm_init's.
 *
 * A pair is alloc_pages + __free_pages of the same order, repeated.  What
 * a pair costs depends on the free lists, so every pair row first makes
 * them deterministic: it allocates (holds) every free block of
 * ZONE_NORMAL below MAX_PAGE_ORDER, leaving only order-10 blocks.  Then
 *   "split"  each alloc splits an order-10 block down to the order and
 *            each free merges it back: 10 - order splits and merges, the
 *            most a pair can cost (a freshly booted zone);
 *   "held"   one block of the order is also held, so its buddy sits alone
 *            on the order's list: no split, no merge, the least it can
 *            cost (a zone with free blocks of the order).
 * Fill/free: allocate every free page at order 0, then free them all, in
 * allocation order or in a seeded random order; ns per page.
 * mm_init: mm_host_boot over a PC-like map (mmap of the arena + mm_init;
 * mm_host_shutdown untimed), and the host page faults of it alone.
 *
 * Every teardown checks that mm is as it was booted.
 */
#define _GNU_SOURCE
#include "tools/bench/rows.h"

#include "arch/host/host.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- booting mm -------------------------------------------------------------------- */

/* A PC's map: conventional memory, the EBDA and the BIOS ROM reserved,
 * then RAM from 1 MiB up to mib. */
int bench_boot_pc_map_cmdline(struct bench_ctx *c, unsigned long mib,
			      const char *cmdline)
{
	const struct mem_region map[] = {
		{ 0x0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ MIB, (uint64_t)mib * MIB - MIB, MEM_USABLE },
	};
	int err = mm_host_boot(map, ARRAY_SIZE(map), cmdline);

	if (err) {
		bench_error(c, "mm_host_boot(%lu MiB, \"%s\") = %d: %.80s", mib, cmdline,
			    err, mm_host_log());
		mm_host_shutdown();
	}
	return err;
}

int bench_boot_pc_map(struct bench_ctx *c, unsigned long mib)
{
	return bench_boot_pc_map_cmdline(c, mib, "");
}

/* State of the booted rows: blocks held back so the free lists have a
 * known shape, and the free page count their teardown must find again. */
struct held_block {
	struct page *page;
	unsigned int order;
};

static struct {
	struct held_block *held;
	size_t nheld, cap;
	unsigned long free_after_boot;
} mmb;

static int hold(struct bench_ctx *c, unsigned int order)
{
	if (mmb.nheld == mmb.cap) {
		size_t cap = mmb.cap ? 2 * mmb.cap : 64;
		struct held_block *h = realloc(mmb.held, cap * sizeof(*h));

		if (!h) {
			bench_error(c, "out of memory");
			return -1;
		}
		mmb.held = h;
		mmb.cap = cap;
	}
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

	if (!p) {
		bench_error(c, "alloc_pages(order %u) failed in setup", order);
		return -1;
	}
	mmb.held[mmb.nheld++] = (struct held_block){ p, order };
	return 0;
}

int bench_boot_setup_cmdline(struct bench_ctx *c, unsigned long mib,
			     const char *cmdline)
{
	memset(&mmb, 0, sizeof(mmb));
	if (bench_boot_pc_map_cmdline(c, mib, cmdline))
		return -1;
	mmb.free_after_boot = nr_free_pages();
	return 0;
}

int bench_boot_setup(struct bench_ctx *c, unsigned long mib)
{
	return bench_boot_setup_cmdline(c, mib, "");
}

/* Frees what setup held, then checks that mm is as booted: every page
 * free again, no invariant broken, no misuse reported.  Shuts mm down. */
int bench_mm_checked_teardown(struct bench_ctx *c)
{
	int bad;

	for (size_t i = mmb.nheld; i-- > 0;)
		__free_pages(mmb.held[i].page, mmb.held[i].order);
	free(mmb.held);
	if (nr_free_pages() != mmb.free_after_boot)
		bench_error(c, "free pages %lu, %lu after boot", nr_free_pages(),
			    mmb.free_after_boot);
	else if ((bad = mm_check()) != 0)
		bench_error(c, "mm_check() = %d: %.100s", bad, mm_host_log());
	else if (mm_error_count())
		bench_error(c, "%lu misuses reported: %.100s", mm_error_count(), mm_host_log());
	mm_host_shutdown();
	memset(&mmb, 0, sizeof(mmb));
	return c->error[0] ? -1 : 0;
}

/* ---- page allocator: pairs --------------------------------------------------------- */

/* Leaves ZONE_NORMAL with only MAX_PAGE_ORDER blocks on its free lists. */
static int hold_below_max_order(struct bench_ctx *c)
{
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++)
		while (nr_free_blocks(ZONE_NORMAL, o) > 0)
			if (hold(c, o))
				return -1;
	if (nr_free_blocks(ZONE_NORMAL, MAX_PAGE_ORDER) == 0) {
		bench_error(c, "no order-%d block in ZONE_NORMAL", MAX_PAGE_ORDER);
		return -1;
	}
	return 0;
}

/* arg: order; arg2: map MiB. */
int pg_pair_split_setup(struct bench_ctx *c)
{
	unsigned int order = (unsigned int)c->row->arg;

	if (bench_boot_setup(c, c->row->arg2) || hold_below_max_order(c))
		return -1;
	snprintf(c->note, sizeof(c->note), "split: %u splits + %u merges per pair",
		 MAX_PAGE_ORDER - order, MAX_PAGE_ORDER - order);
	return 0;
}

int pg_pair_held_setup(struct bench_ctx *c)
{
	unsigned int order = (unsigned int)c->row->arg;

	if (bench_boot_setup(c, c->row->arg2) || hold_below_max_order(c) || hold(c, order))
		return -1;
	if (nr_free_blocks(ZONE_NORMAL, order) != 1) {
		bench_error(c, "expected the held block's buddy alone on list %u", order);
		return -1;
	}
	snprintf(c->note, sizeof(c->note), "held: buddy allocated, no split or merge");
	return 0;
}

uint64_t pg_run_pair(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	unsigned int order = (unsigned int)c->row->arg;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		__free_pages(bench_escape(alloc_pages(GFP_KERNEL, order)), order);
	meter_stop(m);
	/* A failed allocation would show up as a misuse (freeing NULL);
	 * check here so the row fails instead of timing error reports. */
	if (mm_error_count()) {
		bench_error(c, "misuse during the run: %.100s", mm_host_log());
		return 0;
	}
	return n;
}

/* ---- page allocator: fill all, free all ---------------------------------------------- */

/* arg2: enum fill_timed. */
int pg_fill_setup(struct bench_ctx *c)
{
	if (bench_boot_setup(c, FILL_MAP_MIB) || bench_fill_alloc(c, mmb.free_after_boot))
		return -1;
	snprintf(c->note, sizeof(c->note), "%zu pages, all zones", bench_fill.count);
	return 0;
}

int pg_fill_teardown(struct bench_ctx *c)
{
	bench_fill_free();
	return bench_mm_checked_teardown(c);
}

uint64_t pg_run_fill(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	enum fill_timed timed = (enum fill_timed)c->row->arg2;
	struct page **slot;
	uint64_t ops = 0;

	do {
		slot = (struct page **)bench_fill.slot;
		if (timed == TIME_FILL)
			meter_start(m);
		for (size_t i = 0; i < bench_fill.count; i++)
			slot[i] = alloc_pages(GFP_HIGHUSER, 0);
		if (timed == TIME_FILL)
			meter_stop(m);
		if (nr_free_pages() != 0 || bench_fill_has_null()) {
			bench_error(c, "fill left %lu pages free", nr_free_pages());
			return 0;
		}
		if (timed == TIME_FREE_SHUFFLED)
			bench_fill_shuffle();
		slot = (struct page **)bench_fill.slot;
		if (timed != TIME_FILL)
			meter_start(m);
		for (size_t i = 0; i < bench_fill.count; i++)
			__free_pages(slot[i], 0);
		if (timed != TIME_FILL)
			meter_stop(m);
		if (nr_free_pages() != bench_fill.count) {
			bench_error(c, "free all: %lu of %zu pages free", nr_free_pages(),
				    bench_fill.count);
			return 0;
		}
		ops += bench_fill.count;
	} while (ops < n);
	return ops;
}

/* ---- mm_init ---------------------------------------------------------------------------- */

int pg_nothing_booted_setup(struct bench_ctx *c)
{
	mm_host_shutdown();
	return 0;
}

/* arg: map MiB. */
uint64_t pg_run_boot(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	unsigned long mib = c->row->arg;
	int err = 0;

	for (uint64_t i = 0; i < n && !err; i++) {
		meter_start(m);
		err = bench_boot_pc_map(c, mib);
		meter_stop(m);
		if (!err) {
			snprintf(c->note, sizeof(c->note), "%lu pages managed, mem_map %lu KiB",
				 totalram_pages(),
				 (unsigned long)(max_pfn * sizeof(struct page)) >> 10);
			mm_host_shutdown();
		}
	}
	return err ? 0 : n;
}

/*
 * The share of the host's page faults in a boot: mmap and first touch of
 * as much memory as mem_map takes for arg MiB of RAM (one write per page;
 * munmap untimed).  mm_host_boot maps a fresh arena each time, so mem_map
 * is faulted in page by page; a kernel's mem_map is already mapped.
 */
uint64_t pg_run_first_touch(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	size_t bytes = (size_t)c->row->arg * MIB / PAGE_SIZE * sizeof(struct page);

	bytes = ALIGN(bytes, (size_t)PAGE_SIZE);
	snprintf(c->note, sizeof(c->note), "%zu KiB: %zu page faults", bytes >> 10,
		 bytes / PAGE_SIZE);
	for (uint64_t i = 0; i < n; i++) {
		meter_start(m);
		volatile char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			meter_stop(m);
			bench_error(c, "mmap of %zu bytes failed", bytes);
			return 0;
		}
		for (size_t off = 0; off < bytes; off += PAGE_SIZE)
			p[off] = 1;
		meter_stop(m);
		munmap((void *)p, bytes);
	}
	return n;
}

