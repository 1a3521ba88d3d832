/*
 * arch/host/host.c - booting and shutting down mm inside a host process.
 */
#define _GNU_SOURCE
#include "arch/host/host.h"

#include "arch/host/host_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define FOUR_GIB		0x100000000ULL
#define DEFAULT_LOWMEM_LIMIT	(896ULL << 20)	/* as i386's direct map */
#define HOST_EARLY_RESERVED_MAX	16
/* Where the arena starts: a multiple of the largest buddy block. */
#define ARENA_ALIGN		(PAGE_SIZE << MAX_PAGE_ORDER)

static void *arena;
static size_t arena_size;
static uint64_t lowmem_limit = DEFAULT_LOWMEM_LIMIT;
static struct mm_port_range early[HOST_EARLY_RESERVED_MAX];
static size_t nr_early;
static uint64_t boot_ms;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t host_boot_time_ms(void)
{
	return boot_ms;
}

phys_addr_t host_lowmem_limit(void)
{
	return lowmem_limit;
}

size_t host_early_reserved(const struct mm_port_range **ranges)
{
	*ranges = early;
	return nr_early;
}

void mm_host_set_lowmem_limit(uint64_t limit)
{
	lowmem_limit = limit;
}

int mm_host_reserve_early(uint64_t base, uint64_t size, const char *name)
{
	if (nr_early == HOST_EARLY_RESERVED_MAX)
		return -ENOSPC;
	early[nr_early].base = base;
	early[nr_early].size = size;
	early[nr_early].name = name;
	nr_early++;
	return 0;
}

void *mm_host_arena(void)
{
	return arena;
}

size_t mm_host_arena_size(void)
{
	return arena_size;
}

static void release_arena(void)
{
	if (arena)
		munmap(arena, arena_size);
	arena = NULL;
	arena_size = 0;
	mm_port_va_base = 0;
}

int mm_host_boot(const struct mem_region *map, size_t n, const char *cmdline)
{
	uint64_t end = 0;

	if (arena)
		release_arena();
	/* Cover every entry below 4 GiB so that __va() is valid for any
	 * address in the map; pages mm never touches are never faulted in. */
	for (size_t i = 0; map && i < n; i++) {
		uint64_t e = map[i].base + map[i].size;

		if (e < map[i].base || e > FOUR_GIB)
			e = FOUR_GIB;
		if (map[i].base < FOUR_GIB && e > end)
			end = e;
	}
	for (size_t i = 0; i < nr_early; i++) {
		uint64_t e = early[i].base + early[i].size;

		if (e > end && e <= FOUR_GIB)
			end = e;
	}
	end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	if (end == 0)
		end = PAGE_SIZE;	/* an empty map still gets an arena */

	/*
	 * Buddy blocks are naturally aligned in physical addresses; __va()
	 * keeps that only if the arena starts on the largest block's
	 * alignment (the kernel's PAGE_OFFSET is 1 GiB aligned).  mmap only
	 * promises a page: map ARENA_ALIGN more and trim both ends.
	 */
	size_t len = (size_t)end + ARENA_ALIGN;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -ENOMEM;
	uintptr_t start = (uintptr_t)p, base = (start + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1);

	if (base > start)
		munmap(p, base - start);
	if (start + len > base + end)
		munmap((void *)(base + end), start + len - (base + end));
	arena = (void *)base;
	arena_size = (size_t)end;
	mm_port_va_base = (uintptr_t)arena;
	boot_ms = now_ms();
	host_seed_random();
	mm_host_log_clear();
	return mm_init(map, n, cmdline);
}

void mm_host_shutdown(void)
{
	mm_teardown();
	release_arena();
	lowmem_limit = DEFAULT_LOWMEM_LIMIT;
	nr_early = 0;
}
