/*
 * arch/x86/isr.S - interrupt and exception entry stubs.
 *
 * Every vector gets a stub that makes the stack uniform (a dummy error
 * code where the CPU pushes none, then the vector number) and jumps to
 * trap_common, which saves the registers into a struct trap_frame
 * (arch/x86/traps.h; the offsets are pinned there with _Static_assert)
 * and calls trap_dispatch(frame).
 *
 * Stack at the call, lowest address first:
 *   edi esi ebp esp' ebx edx ecx eax | gs fs es ds | vector error | eip cs eflags
 */
#include "arch/x86/boot_defs.h"

.macro TRAP_NOERR vec
	.globl isr_\vec
isr_\vec:
	pushl	$0
	pushl	$\vec
	jmp	trap_common
.endm

.macro TRAP_ERR vec
	.globl isr_\vec
isr_\vec:
	pushl	$\vec
	jmp	trap_common
.endm

	.text
/* Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30. */
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR   29
TRAP_ERR   30
TRAP_NOERR 31
/* Hardware interrupts 0-15 remapped to 32-47. */
TRAP_NOERR 32
TRAP_NOERR 33
TRAP_NOERR 34
TRAP_NOERR 35
TRAP_NOERR 36
TRAP_NOERR 37
TRAP_NOERR 38
TRAP_NOERR 39
TRAP_NOERR 40
TRAP_NOERR 41
TRAP_NOERR 42
TRAP_NOERR 43
TRAP_NOERR 44
TRAP_NOERR 45
TRAP_NOERR 46
TRAP_NOERR 47

trap_common:
	pushl	%ds
	pushl	%es
	pushl	%fs
	pushl	%gs
	pushal
	movw	$KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	cld
	movl	%esp, %eax
	pushl	%eax			/* struct trap_frame * */
	call	trap_dispatch
	addl	$4, %esp
	popal
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	addl	$8, %esp		/* vector and error code */
	iret

/* Table of stub addresses for idt_init(). */
	.section .rodata
	.align 4
	.globl isr_stub_table
isr_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.long isr_\v
	.endr

/*
 * int ksetjmp(struct kjmp_buf *b) / void klongjmp(struct kjmp_buf *b, int v)
 * Saves/restores the callee-saved registers, the stack pointer, the
 * return address and EFLAGS (so the interrupt flag comes back as it was
 * when ksetjmp ran, even if klongjmp is called from a trap handler).
 * Layout: ebx esi edi ebp esp eip eflags (pinned in arch/x86/setjmp.h).
 */
	.text
	.globl ksetjmp
ksetjmp:
	movl	4(%esp), %eax
	movl	%ebx, 0(%eax)
	movl	%esi, 4(%eax)
	movl	%edi, 8(%eax)
	movl	%ebp, 12(%eax)
	leal	4(%esp), %ecx		/* esp after our return */
	movl	%ecx, 16(%eax)
	movl	(%esp), %ecx		/* return address */
	movl	%ecx, 20(%eax)
	pushfl
	popl	24(%eax)
	xorl	%eax, %eax
	ret

	.globl klongjmp
klongjmp:
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax			/* ksetjmp must not appear to return 0 */
1:	movl	0(%edx), %ebx
	movl	4(%edx), %esi
	movl	8(%edx), %edi
	movl	12(%edx), %ebp
	movl	16(%edx), %esp
	pushl	24(%edx)
	popfl
	jmp	*20(%edx)
