/*
 * boot/boot.S - Multiboot 1 header and the first instructions of the kernel.
 *
 * GRUB loads the image at 1 MiB and jumps to _start (= multiboot_entry's
 * physical address) in 32-bit protected mode with paging off,
 * %eax = MULTIBOOT_BOOTLOADER_MAGIC and %ebx = physical address of the
 * Multiboot information structure.
 *
 * Before paging is on every symbol must be translated with V2P(); after
 * the jump to high_entry the kernel runs at its link address.
 *
 * Early page directory (4 MiB PSE pages, no page tables needed):
 *
 *     virtual                         physical
 *     0x00000000-0x003fffff  ------>  0x00000000  identity, only while the
 *                                                  jump to the high half runs
 *     0xC0000000-0xF7ffffff  ------>  0x00000000-0x37ffffff  (896 MiB lowmem)
 *
 * The identity entry is removed in high_entry, so virtual page 0 faults
 * (NULL dereferences trap).  Mapping all of lowmem up front is harmless:
 * memory that does not exist is never touched because mm only hands out
 * pages that the Multiboot map says are RAM.
 */
#include "arch/x86/boot_defs.h"

	.section .multiboot, "a"
	.align 4
multiboot_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl multiboot_entry
multiboot_entry:
	cli
	cld
	movl	%eax, %esi		/* Multiboot magic (kept for kmain) */
	movl	%ebx, %edx		/* Multiboot info, physical */

	/* Zero .bss: it holds the page directory and the boot stack. */
	movl	$V2P(__bss_start), %edi
	movl	$V2P(__bss_end), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* Identity-map the first 4 MiB for the instructions that enable paging. */
	movl	$V2P(boot_pgdir), %edi
	movl	$(PDE_PRESENT | PDE_WRITE | PDE_LARGE), (%edi)

	/* Direct-map LOWMEM_SIZE of physical memory at PAGE_OFFSET. */
	leal	(KERNEL_PAGE_OFFSET >> PGDIR_SHIFT) * 4(%edi), %edi
	movl	$(PDE_PRESENT | PDE_WRITE | PDE_LARGE), %eax
	movl	$(LOWMEM_SIZE >> PGDIR_SHIFT), %ecx
1:	movl	%eax, (%edi)
	addl	$4, %edi
	addl	$PGDIR_SIZE, %eax
	loop	1b

	movl	%cr4, %eax
	orl	$CR4_PSE, %eax
	movl	%eax, %cr4
	movl	$V2P(boot_pgdir), %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	movl	$high_entry, %eax	/* an absolute, high address */
	jmp	*%eax

	.text
	.type	high_entry, @function
high_entry:
	movl	$boot_stack_top, %esp
	/* Drop the identity mapping: from now on page 0 is not present. */
	movl	$0, boot_pgdir
	movl	%cr3, %eax
	movl	%eax, %cr3
	/* %ebp = 0 ends frame-pointer backtraces here. */
	xorl	%ebp, %ebp
	pushl	%edx			/* Multiboot info, physical */
	pushl	%esi			/* magic */
	call	kmain
	/* kmain does not return; if it ever does, stop here. */
2:	cli
	hlt
	jmp	2b
	.size	high_entry, . - high_entry

	.section .bss.pgdir, "aw", @nobits
	.align PAGE_SIZE
	.globl boot_pgdir
boot_pgdir:
	.skip PAGE_SIZE

	.bss
	.align 16
	/* Lowmem is mapped with 4 MiB pages, so the stack cannot have an
	 * unmapped guard page; this gap keeps an overflow away from the page
	 * directory long enough for the canary check (arch/x86/traps.c) to
	 * notice it. */
boot_stack_gap:
	.skip PAGE_SIZE
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
