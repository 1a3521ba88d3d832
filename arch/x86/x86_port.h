/*
 * arch/x86/x86_port.h - the kernel's side of mm/port.h that kmain uses.
 */
#ifndef ARCH_X86_X86_PORT_H
#define ARCH_X86_X86_PORT_H

#include <stdint.h>

/* Records a physical range that mm_init must reserve (boot loader data).
 * Up to X86_EARLY_RESERVED_MAX ranges; the kernel image is added by the
 * port itself. */
#define X86_EARLY_RESERVED_MAX	16
void x86_port_reserve_early(uint64_t base, uint64_t size, const char *name);

/* Prints Linux's "Memory: ...K/...K available (...)" line after mm_init. */
void x86_print_memory_summary(void);

#endif
