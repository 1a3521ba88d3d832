/*
 * arch/host/host.h - running mm inside an ordinary host process.
 *
 * "Physical memory" is one anonymous mapping (the arena) that covers the
 * firmware map given to mm_host_boot; physical address pa lives at
 * arena + pa.  Pages are only faulted in when mm touches them, so a map of
 * several GiB costs little more than its mem_map.
 *
 *	struct mem_region map[] = { { 0, 64 << 20, MEM_USABLE } };
 *	assert(mm_host_boot(map, 1, "") == 0);
 *	struct page *p = alloc_pages(GFP_KERNEL, 3);
 *	...
 *	mm_host_shutdown();
 *
 * Link: cc -I. prog.c build/host/libmm.a -lpthread (plus the sanitizer
 * flags when libmm.a was built with them, the default).
 */
#ifndef ARCH_HOST_HOST_H
#define ARCH_HOST_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

/* Creates a fresh arena covering map (clipped at 4 GiB) and calls mm_init.
 * A previous boot is shut down first.  Returns mm_init's result, or
 * -ENOMEM when the arena cannot be mapped. */
int mm_host_boot(const struct mem_region *map, size_t n, const char *cmdline);

/* Releases the arena and every mm structure; the next boot starts from
 * nothing.  Also resets the settings below to their defaults. */
void mm_host_shutdown(void);

/* Everything mm printed since the last boot or mm_host_log_clear(). */
const char *mm_host_log(void);
void mm_host_log_clear(void);

/* Settings for the next mm_host_boot (reset by mm_host_shutdown):
 * the lowmem limit (default 896 MiB, as on i386), and ranges the
 * "platform" reserved before mm_init, like a kernel image. */
void mm_host_set_lowmem_limit(uint64_t limit);
int mm_host_reserve_early(uint64_t base, uint64_t size, const char *name);

/* The arena of the current boot (NULL when none) and its size. */
void *mm_host_arena(void);
size_t mm_host_arena_size(void);

/*
 * Environment:
 *   MM_HOST_VERBOSE=1  also copy mm's messages to stderr
 *   MM_HOST_SEED=N     seed of get_random_u32 for each boot (default fixed,
 *                      so host runs are reproducible)
 */

#endif
