/*
 * kernel/kallsyms.c - symbol lookup over the generated .kallsyms table.
 *
 * The table holds every function sorted by address; lookup is a binary
 * search for the last function starting at or below the address, then a
 * check that the address is inside it (size from nm).
 */
#include "kernel/kallsyms.h"

#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

extern const uint32_t kallsyms_num;
extern const uint32_t kallsyms_addresses[];
extern const uint32_t kallsyms_sizes[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];

uint32_t kallsyms_count(void)
{
	return kallsyms_num;
}

const char *kallsyms_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size)
{
	uint32_t lo = 0, hi = kallsyms_num;

	if (hi == 0 || addr < kallsyms_addresses[0])
		return NULL;
	/* Invariant: addresses[lo] <= addr, and addr < addresses[hi] if hi < n. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	uintptr_t off = addr - kallsyms_addresses[lo];

	if (off >= kallsyms_sizes[lo])
		return NULL;
	*offset = off;
	*size = kallsyms_sizes[lo];
	return kallsyms_names + kallsyms_name_offsets[lo];
}

uintptr_t kallsyms_lookup_name(const char *name)
{
	for (uint32_t i = 0; i < kallsyms_num; i++)
		if (strcmp(kallsyms_names + kallsyms_name_offsets[i], name) == 0)
			return kallsyms_addresses[i];
	return 0;
}

const char *mm_port_symbolize(unsigned long addr, char *buf, size_t size)
{
	uintptr_t off, sz;
	const char *name = kallsyms_lookup(addr, &off, &sz);

	if (name)
		ksnprintf(buf, size, "%s+0x%lx/0x%lx", name, (unsigned long)off,
			  (unsigned long)sz);
	else
		ksnprintf(buf, size, "0x%lx", addr);
	return buf;
}
