/*
 * kernel/lib/vsprintf.h - the formatter shared by the kernel and mm (both
 * builds).  Host programs that link libmm.a get it under these k-names, so
 * it never shadows the C library's snprintf.
 *
 * Conversions: %d %i %u %x %X %o %c %s %% with the flags "-0+ #", a width
 * and a precision (digits or *), and the length modifiers hh h l ll z t j,
 * all as C99 specifies.  Pointers follow Linux, not libc:
 *   %p, %px  the raw value as zero-padded hex, no "0x" (8 digits on i386)
 *   %pS      "function+0xoff/0xsize" from the symbol table (kallsyms in the
 *            kernel, the dynamic symbol table on the host: "function+0xoff"),
 *            or "0x" and the address in hex when no symbol contains it
 * %n is refused (prints nothing and consumes its argument) and an unknown
 * conversion is copied to the output literally, so a bad format string in a
 * report can never corrupt memory.
 *
 * Return values follow C99: kvsnprintf/ksnprintf return the length the
 * whole output would have had; kscnprintf returns what was actually
 * stored (without the NUL), which makes "len += kscnprintf(buf + len,
 * size - len, ...)" safe to chain.  The output is always NUL-terminated
 * when size > 0.
 */
#ifndef KERNEL_LIB_VSPRINTF_H
#define KERNEL_LIB_VSPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kvscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int kscnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Provided by the environment (kernel/kallsyms.c, arch/host/port.c). */
const char *mm_port_symbolize(unsigned long addr, char *buf, size_t size);

#endif
