/*
 * arch/x86/gdt.c - a flat GDT (code and data segments covering 4 GiB) and
 * the IDT.
 *
 * GRUB leaves a GDT of its own whose location is not guaranteed
 * (Multiboot 1, section 3.2), so the kernel loads its own before it takes
 * any interrupt.  All 48 IDT entries are ring-0 interrupt gates, so the
 * CPU clears IF on entry and handlers never nest.
 */
#include "arch/x86/traps.h"

#include "arch/x86/boot_defs.h"
#include "arch/x86/irq.h"

#include <stdint.h>

struct gdt_entry {
	uint16_t limit_lo;
	uint16_t base_lo;
	uint8_t base_mid;
	uint8_t access;
	uint8_t gran;		/* limit_hi:4, flags:4 */
	uint8_t base_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct gdt_entry) == 8, "GDT entry");

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_entry) == 8, "IDT entry");

struct table_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

#define SEG_ACCESS_CODE	0x9a	/* present, ring 0, code, readable */
#define SEG_ACCESS_DATA	0x92	/* present, ring 0, data, writable */
#define SEG_GRAN_4K_32	0xcf	/* 4 KiB granularity, 32-bit, limit 0xf */
#define IDT_INT_GATE	0x8e	/* present, ring 0, 32-bit interrupt gate */
#define NR_IDT_VECTORS	(IRQ_BASE_VECTOR + NR_IRQS)

static struct gdt_entry gdt[3] = {
	[0] = { 0 },
	[KERNEL_CS / 8] = { 0xffff, 0, 0, SEG_ACCESS_CODE, SEG_GRAN_4K_32, 0 },
	[KERNEL_DS / 8] = { 0xffff, 0, 0, SEG_ACCESS_DATA, SEG_GRAN_4K_32, 0 },
};

static struct idt_entry idt[NR_IDT_VECTORS];

extern const uint32_t isr_stub_table[NR_IDT_VECTORS];

void gdt_init(void)
{
	struct table_ptr p = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };

	__asm__ volatile(
		"lgdt %0\n\t"
		"movw %w1, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"movw %%ax, %%ss\n\t"
		"ljmp %2, $1f\n"
		"1:"
		:
		: "m"(p), "i"(KERNEL_DS), "i"(KERNEL_CS)
		: "eax", "memory");
}

void idt_init(void)
{
	for (unsigned int v = 0; v < NR_IDT_VECTORS; v++) {
		uint32_t off = isr_stub_table[v];

		idt[v].offset_lo = off & 0xffff;
		idt[v].selector = KERNEL_CS;
		idt[v].zero = 0;
		idt[v].type_attr = IDT_INT_GATE;
		idt[v].offset_hi = off >> 16;
	}
	struct table_ptr p = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}
