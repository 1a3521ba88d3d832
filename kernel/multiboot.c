/*
 * kernel/multiboot.c - parsing what the boot loader handed over.
 *
 * Firmware memory maps are messy in practice: unsorted, overlapping,
 * zero-length entries, entries past 4 GiB, and (from buggy loaders)
 * entries with a size field of 0 or a length that runs past the end of the
 * buffer.  This file only decodes the bytes safely; mm_init() sanitizes
 * the resulting regions.
 */
#include "kernel/multiboot.h"

#include "arch/x86/boot_defs.h"
#include "kernel/lib/vsprintf.h"

#include <stdbool.h>

#define FOUR_GIB	0x100000000ULL
#define ONE_MIB		0x100000ULL

size_t multiboot_parse_mmap(const void *buf, size_t len, struct mem_region *out,
			    size_t max, unsigned int *problems)
{
	const unsigned char *p = buf;
	size_t off = 0, n = 0;
	unsigned int prob = 0;

	while (off < len) {
		if (len - off < sizeof(uint32_t)) {
			prob |= MB_MAP_TRUNCATED;
			break;
		}
		struct multiboot_mmap_entry e;
		uint32_t size;

		/* Entries are packed and may be unaligned: copy bytes. */
		for (size_t i = 0; i < sizeof(size); i++)
			((unsigned char *)&size)[i] = p[off + i];
		if (size < MB_MMAP_ENTRY_MIN) {
			prob |= MB_MAP_BAD_ENTRY_SIZE;
			break;
		}
		if ((uint64_t)size + sizeof(uint32_t) > len - off) {
			prob |= MB_MAP_TRUNCATED;
			break;
		}
		for (size_t i = 0; i < sizeof(e); i++)
			((unsigned char *)&e)[i] = p[off + i];
		off += (size_t)size + sizeof(uint32_t);

		if (e.len == 0) {
			prob |= MB_MAP_EMPTY_ENTRY;
			continue;
		}
		/*
		 * Test the last byte, addr + len - 1: the end itself is 2^64
		 * (0 in 64 bits) for an entry that reaches the top exactly,
		 * which neither wraps nor lies below 4 GiB.  After clipping,
		 * addr != 0 (nothing starting at 0 can wrap), so len != 0.
		 */
		if (e.len - 1 > ~e.addr) {
			prob |= MB_MAP_WRAPS;
			e.len = 0 - e.addr;	/* end at 2^64 */
		}
		if (e.type == MEM_USABLE && e.addr + (e.len - 1) >= FOUR_GIB)
			prob |= MB_MAP_ABOVE_4G;
		if (n == max) {
			prob |= MB_MAP_TOO_MANY;
			break;
		}
		out[n].base = e.addr;
		out[n].size = e.len;
		out[n].type = e.type;
		n++;
	}
	*problems = prob;
	return n;
}

size_t multiboot_basic_map(uint32_t mem_lower_kb, uint32_t mem_upper_kb,
			   struct mem_region *out, size_t max)
{
	size_t n = 0;

	if (mem_lower_kb && n < max) {
		out[n].base = 0;
		out[n].size = (uint64_t)mem_lower_kb * 1024;
		out[n].type = MEM_USABLE;
		n++;
	}
	if (mem_upper_kb && n < max) {
		out[n].base = ONE_MIB;
		out[n].size = (uint64_t)mem_upper_kb * 1024;
		out[n].type = MEM_USABLE;
		n++;
	}
	return n;
}

const char *e820_type_name(uint32_t type, char *buf, size_t size)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_RECLAIMABLE:
		return "ACPI data";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "unusable";
	default:
		ksnprintf(buf, size, "type %u", type);
		return buf;
	}
}

const char *multiboot_check_magic(uint32_t magic)
{
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC)
		return NULL;
	return "not booted by a Multiboot loader (bad magic in EAX)";
}
