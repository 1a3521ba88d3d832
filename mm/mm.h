/*
 * mm/mm.h - the memory manager's public interface: booting mm, whole-mm
 * checks and reports, and (through the headers it includes) the page
 * allocator, highmem mappings, slab caches, kmalloc and mempools.
 *
 * Error returns are negative errno values with Linux's numbers.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "mm/port.h"

/* Multiboot / e820 region types. */
enum mem_region_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base;
	uint64_t size;
	uint32_t type;
};

/*
 * Boots the memory manager from a firmware map.  The map may be unsorted,
 * overlapping (the non-usable type wins), contain zero-length, unaligned
 * and above-4-GiB entries; it is sanitized, not trusted.  cmdline carries
 * the boot options mm understands (mem=, highmem=, slab_debug=, ...;
 * others are ignored).  Returns 0 or a negative errno.
 */
int mm_init(const struct mem_region *map, size_t n, const char *cmdline);

/* Walks every invariant of mem_map, the buddy lists and every slab cache;
 * returns the number of violations (each one is reported). */
int mm_check(void);

/* Misuses detected and refused since boot. */
unsigned long mm_error_count(void);

/* Renders one report (/proc/buddyinfo, ...) into buf, NUL-terminated.
 * Returns its length, -ENOENT for an unknown path, -ENOSPC when buf is too
 * small. */
ssize_t mm_proc_read(const char *path, char *buf, size_t size);

/* The fixed report paths mm_proc_read knows (per-cache paths under
 * /sys/kernel/slab/ are not listed); returns how many were stored. */
size_t mm_proc_list(const char **paths, size_t max);

/* Forgets every mm structure (mm_init starts with it; the host's
 * mm_host_shutdown calls it before unmapping the arena). */
void mm_teardown(void);

/* The boot options mm_init understands, so the kernel's own parser knows
 * which words are not unknown. */
struct kparam;
const struct kparam *mm_boot_params(size_t *n);

#include "mm/gfp.h"
#include "mm/highmem.h"
#include "mm/mempool.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

#endif
