/*
 * arch/x86/setjmp.h - a minimal setjmp/longjmp for the kernel, used by the
 * in-kernel test runner to recover from a fault inside a test.
 */
#ifndef ARCH_X86_SETJMP_H
#define ARCH_X86_SETJMP_H

#include <stddef.h>
#include <stdint.h>

struct kjmp_buf {
	uint32_t ebx, esi, edi, ebp, esp, eip, eflags;
};

/* arch/x86/isr.S stores the registers at these offsets. */
_Static_assert(offsetof(struct kjmp_buf, ebp) == 12, "kjmp_buf layout");
_Static_assert(offsetof(struct kjmp_buf, eflags) == 24, "kjmp_buf layout");

int ksetjmp(struct kjmp_buf *b) __attribute__((returns_twice));
__attribute__((noreturn)) void klongjmp(struct kjmp_buf *b, int val);

#endif
