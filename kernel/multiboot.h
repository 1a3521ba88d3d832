/*
 * kernel/multiboot.h - the Multiboot 1 information structure (as GRUB
 * hands it over) and a defensive parser for its memory map.
 *
 * The parser is pure (no printing, no globals), so the host tests feed it
 * synthetic and malformed structures.
 */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

/* multiboot_info.flags bits (Multiboot 0.6.96, section 3.3). */
#define MB_INFO_MEMORY		0x00000001	/* mem_lower/mem_upper */
#define MB_INFO_BOOTDEV		0x00000002
#define MB_INFO_CMDLINE		0x00000004
#define MB_INFO_MODS		0x00000008
#define MB_INFO_AOUT_SYMS	0x00000010
#define MB_INFO_ELF_SHDR	0x00000020
#define MB_INFO_MEM_MAP		0x00000040
#define MB_INFO_LOADER_NAME	0x00000200

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;	/* KiB below 1 MiB */
	uint32_t mem_upper;	/* KiB above 1 MiB, to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;	/* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;	/* bytes */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
} __attribute__((packed));

_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44,
	       "Multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64,
	       "Multiboot info layout");

/* One memory-map entry; `size` counts the bytes after itself (20 for the
 * standard entry), so the next entry starts size + 4 bytes later. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

#define MB_MMAP_ENTRY_MIN	20	/* addr + len + type */

struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* Problems the parser found (bit set); each is survivable. */
enum mb_map_problem {
	MB_MAP_BAD_ENTRY_SIZE	= 1 << 0,	/* size < 20: parsing stopped */
	MB_MAP_TRUNCATED	= 1 << 1,	/* last entry crosses the end */
	MB_MAP_WRAPS		= 1 << 2,	/* addr + len overflows: clipped */
	MB_MAP_ABOVE_4G		= 1 << 3,	/* RAM at or above 4 GiB */
	MB_MAP_TOO_MANY		= 1 << 4,	/* more entries than room */
	MB_MAP_EMPTY_ENTRY	= 1 << 5,	/* zero-length entries */
};

/*
 * Turns the memory map at [buf, buf + len) into regions.  Returns how many
 * were stored in out (at most max); sets *problems to the mb_map_problem
 * bits found.  Entries are copied as they are (sorting, merging and
 * clipping at 4 GiB are mm_init's job); an entry whose end would pass
 * 2^64 is clipped to end there.
 */
size_t multiboot_parse_mmap(const void *buf, size_t len, struct mem_region *out,
			    size_t max, unsigned int *problems);

/* Without a memory map: the two ranges that mem_lower/mem_upper describe. */
size_t multiboot_basic_map(uint32_t mem_lower_kb, uint32_t mem_upper_kb,
			   struct mem_region *out, size_t max);

/* Linux's name for a region type: "usable", "reserved", "ACPI data",
 * "ACPI NVS", "unusable", or "type N" (in buf). */
const char *e820_type_name(uint32_t type, char *buf, size_t size);

/* Checks the magic; returns NULL when fine, else why it is not. */
const char *multiboot_check_magic(uint32_t magic);

#endif
