/*
 * kernel/kernel.h - facts about the running kernel that several files use.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

#define KERNEL_NAME	"mmkernel"
#define KERNEL_VERSION	"0.1"

/* What the boot loader handed over, kept for the shell and the tests. */
struct boot_info {
	const char *cmdline;		/* the whole Multiboot command line */
	const struct mem_region *map;	/* the firmware map as parsed */
	size_t map_len;
};

extern struct boot_info boot_info;

/* Entered from boot/boot.S with the Multiboot magic and info address. */
void kmain(uint32_t magic, uint32_t mbi_phys);

#endif
