/*
 * tools/bench/slab_ir.c - the slab pair alone, for counting its
 * instructions under callgrind at any commit (tools/bench/slab_ir.sh).
 *
 *   slab_ir SIZE N [CMDLINE]
 *
 * Boots a 64 MiB PC-like map, creates a cache "bench-SIZE", holds one
 * object (the slab stays partial, as mmbench's "held" rows), warms up,
 * then runs N kmem_cache_alloc + kmem_cache_free pairs in pairs() and
 * prints their time per pair (meaningful when not under valgrind).  The
 * alloc and the free each sit in a function of their own (do_alloc,
 * do_free, never inlined nor tail-called), so callgrind's inclusive costs
 * of the two give the instructions of each.
 *
 * Only the API every commit since the slab layer has (mm_host_boot,
 * kmem_cache_create/alloc/free/destroy, mm_check) is used, so the same
 * file builds against old trees.  Not part of `make bench`.
 */
#include "arch/host/host.h"
#include "mm/mm.h"
#include "mm/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MIB	(1ULL << 20)
#define WARM	1000UL

/* The empty asm after each call keeps the call a call (not a jump): the
 * callee's instructions are then counted under do_alloc / do_free. */
static __attribute__((noinline)) void *do_alloc(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

static __attribute__((noinline)) void do_free(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ volatile("" : : : "memory");
}

static __attribute__((noinline)) void pairs(struct kmem_cache *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		do_free(s, do_alloc(s));
}

int main(int argc, char **argv)
{
	const struct mem_region map[] = {
		{ 0x0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ MIB, 64 * MIB - MIB, MEM_USABLE },
	};
	char name[32];

	if (argc < 3) {
		fprintf(stderr, "usage: %s SIZE N [CMDLINE]\n", argv[0]);
		return 2;
	}
	unsigned int size = (unsigned int)strtoul(argv[1], NULL, 0);
	unsigned long n = strtoul(argv[2], NULL, 0);

	if (mm_host_boot(map, sizeof(map) / sizeof(map[0]), argc > 3 ? argv[3] : "")) {
		fprintf(stderr, "mm_host_boot failed: %s\n", mm_host_log());
		return 1;
	}
	snprintf(name, sizeof(name), "bench-%u", size);

	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);
	void *held = s ? kmem_cache_alloc(s, GFP_KERNEL) : NULL;

	if (!held) {
		fprintf(stderr, "cache setup failed: %s\n", mm_host_log());
		return 1;
	}
	for (unsigned long i = 0; i < WARM; i++)
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pairs(s, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ns_per_pair %.2f\n", ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
				       (double)(t1.tv_nsec - t0.tv_nsec)) / (double)n);
	kmem_cache_free(s, held);
	kmem_cache_destroy(s);
	if (mm_check() != 0 || mm_error_count() != 0) {
		fprintf(stderr, "mm is damaged: %s\n", mm_host_log());
		return 1;
	}
	mm_host_shutdown();
	return 0;
}
