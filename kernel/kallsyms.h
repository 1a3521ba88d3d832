/*
 * kernel/kallsyms.h - address to function name, from the table that the
 * second link pass embeds (tools/gen-kallsyms.sh, see the Makefile).
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Name of the function containing addr, with its offset and size;
 * NULL when addr is in no known function. */
const char *kallsyms_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size);
/* Address of the function called name, 0 when unknown. */
uintptr_t kallsyms_lookup_name(const char *name);
/* Number of symbols in the table (0 in the first link pass). */
uint32_t kallsyms_count(void);

#endif
