/*
 * arch/x86/boot_defs.h - constants shared by boot/boot.S, the linker
 * script's assumptions and the C side of arch/x86.  Plain #defines only, so
 * that assembly can include it.
 */
#ifndef ARCH_X86_BOOT_DEFS_H
#define ARCH_X86_BOOT_DEFS_H

/* Token for token the same as mm/port.h's, so both may be included. */
#define PAGE_SHIFT		12
#ifdef __ASSEMBLER__
#define PAGE_SIZE		(1 << PAGE_SHIFT)
#else
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#endif
#define PGDIR_SHIFT		22		/* one PDE maps 4 MiB */
#define PGDIR_SIZE		(1 << PGDIR_SHIFT)
#define PTRS_PER_PTE		1024

/* Must equal linker.ld's PAGE_OFFSET and mm/port.h's MM_VA_BASE. */
#define KERNEL_PAGE_OFFSET	0xC0000000
#define V2P(x)			((x) - KERNEL_PAGE_OFFSET)

/* 896 MiB of lowmem, the rest of the 1 GiB kernel space is for the
 * fixmap/kmap area (as on Linux i386 with the default 3G/1G split). */
#define LOWMEM_SIZE		0x38000000

#define PDE_PRESENT		0x001
#define PDE_WRITE		0x002
#define PDE_LARGE		0x080		/* 4 MiB page (needs CR4.PSE) */
#define PTE_PRESENT		0x001
#define PTE_WRITE		0x002

#define CR0_WP			0x00010000
#define CR0_PG			0x80000000
#define CR4_PSE			0x00000010

#define MULTIBOOT_HEADER_MAGIC		0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002
#define MULTIBOOT_PAGE_ALIGN		0x00000001	/* modules page-aligned */
#define MULTIBOOT_MEMORY_INFO		0x00000002	/* want mem_* and mmap */
#define MULTIBOOT_HEADER_FLAGS	(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

#define BOOT_STACK_SIZE		(16 * 1024)

/* Segment selectors of the flat GDT (arch/x86/gdt.c). */
#define KERNEL_CS		0x08
#define KERNEL_DS		0x10

#endif
