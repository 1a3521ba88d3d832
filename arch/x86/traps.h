/*
 * arch/x86/traps.h - the saved CPU state of an interrupt or exception, the
 * descriptor tables, and fault recovery for the in-kernel tests.
 */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86/setjmp.h"

/* Pushed by arch/x86/isr.S; see the layout comment there. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;	/* pushed by the CPU */
};

_Static_assert(offsetof(struct trap_frame, eax) == 28, "pushal order");
_Static_assert(offsetof(struct trap_frame, vector) == 48, "stub layout");
_Static_assert(offsetof(struct trap_frame, eip) == 56, "CPU frame");

#define NR_EXCEPTIONS	32
#define VEC_DIVIDE	0
#define VEC_BREAKPOINT	3
#define VEC_INVALID_OP	6
#define VEC_DOUBLE_FAULT 8
#define VEC_GP		13
#define VEC_PAGE_FAULT	14

/* Page-fault error code bits. */
#define PF_PRESENT	0x1
#define PF_WRITE	0x2
#define PF_USER		0x4

void gdt_init(void);
void idt_init(void);
void trap_dispatch(struct trap_frame *tf);

/* The ESP the CPU was using when the trap hit (no privilege change: the
 * CPU frame ends just above eflags). */
static inline uint32_t trap_frame_esp(const struct trap_frame *tf)
{
	return (uint32_t)(uintptr_t)&tf->eflags + sizeof(tf->eflags);
}

const char *exception_name(unsigned int vector);

/*
 * Fault recovery: while a struct fault_catcher is armed, an exception does
 * not stop the kernel; the report is printed (tagged as caught) and
 * control returns to the ksetjmp() that armed it with a non-zero value.
 * Used by the in-kernel tests (a faulting test fails, the run goes on)
 * and by tests that expect a fault (page 0 unmapped).
 */
struct fault_catcher {
	struct kjmp_buf env;
	unsigned int vector;	/* filled in when a fault was caught */
	uint32_t error, eip, cr2;
	int quiet;		/* 1: do not print the report */
	struct fault_catcher *prev;	/* catchers nest */
};

/* Arms fc on top of any armed catcher; disarm pops it again. */
void fault_catcher_arm(struct fault_catcher *fc);
void fault_catcher_disarm(void);

/*
 * The boot stack has no guard page (lowmem is mapped with 4 MiB pages), so
 * its lowest word holds a canary that the timer interrupt and the trap
 * handler check: an overflow panics with a clear message instead of
 * silently corrupting .bss.
 */
void stack_canary_init(void);
void stack_canary_check(void);

/* Prints a backtrace by walking saved frame pointers from ebp. */
void show_backtrace(uint32_t eip, uint32_t ebp);

#endif
