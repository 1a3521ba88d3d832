/*
 * arch/x86/arch.h - the CPU in one header: port I/O, interrupt flag,
 * control registers, the time-stamp counter and halting.
 *
 * Everything here is a tiny static inline wrapper around one or two
 * instructions, so that the rest of the kernel never writes inline asm.
 */
#ifndef ARCH_X86_ARCH_H
#define ARCH_X86_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#define EFLAGS_IF	0x00000200u	/* interrupts enabled */

static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

/* A write to an unused port: ~1 us of delay for slow devices (the PIC). */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

static inline void cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline unsigned long read_eflags(void)
{
	unsigned long f;

	__asm__ volatile("pushfl; popl %0" : "=r"(f) : : "memory");
	return f;
}

/* Disable interrupts and return the previous EFLAGS for irq_restore(). */
static inline unsigned long irq_save(void)
{
	unsigned long f;

	__asm__ volatile("pushfl; popl %0; cli" : "=r"(f) : : "memory");
	return f;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags & EFLAGS_IF)
		sti();
}

static inline bool irqs_enabled(void)
{
	return (read_eflags() & EFLAGS_IF) != 0;
}

/* Wait for the next interrupt with interrupts enabled: "sti; hlt" is atomic
 * (sti takes effect after the next instruction), so no wakeup is lost. */
static inline void safe_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr3(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr4, %0" : "=r"(v));
	return v;
}

static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/* isa-debug-exit (QEMU -device isa-debug-exit,iobase=0xf4,iosize=0x04):
 * writing v makes QEMU exit with status (v << 1) | 1. */
#define QEMU_EXIT_PORT		0xf4
#define QEMU_EXIT_SUCCESS	0x10	/* QEMU exits 33 */
#define QEMU_EXIT_FAILURE	0x11	/* QEMU exits 35 */

/* Exit QEMU when the isa-debug-exit device is present; otherwise return. */
static inline void qemu_exit(uint8_t code)
{
	outl(QEMU_EXIT_PORT, code);
}

#endif
