/*
 * arch/x86/pic.c - 8259A programmable interrupt controllers.
 *
 * Initialisation follows the ICW1..ICW4 sequence of the datasheet:
 * edge-triggered, cascaded (slave on IRQ 2), 8086 mode, vectors remapped
 * to IRQ_BASE_VECTOR.
 */
#include "arch/x86/irq.h"

#include "arch/x86/arch.h"

#include <stddef.h>
#include <stdint.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

#define ICW1_INIT_ICW4	0x11	/* initialise, ICW4 follows */
#define ICW4_8086	0x01
#define PIC_EOI		0x20
#define OCW3_READ_ISR	0x0b

static struct {
	irq_handler_t fn;
	void *ctx;
} irq_table[NR_IRQS];

static uint16_t irq_mask_bits = 0xffff;	/* all lines masked */
volatile unsigned int irq_nesting;
static unsigned long spurious_irqs;

static void pic_write_mask(void)
{
	outb(PIC1_DATA, irq_mask_bits & 0xff);
	outb(PIC2_DATA, irq_mask_bits >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC1_DATA, IRQ_BASE_VECTOR);	/* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, IRQ_BASE_VECTOR + 8);
	io_wait();
	outb(PIC1_DATA, 1 << IRQ_CASCADE);	/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, IRQ_CASCADE);		/* ICW3: slave identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	irq_mask_bits = (uint16_t)~(1u << IRQ_CASCADE);
	pic_write_mask();
}

void irq_register(unsigned int irq, irq_handler_t fn, void *ctx)
{
	if (irq >= NR_IRQS)
		return;
	unsigned long f = irq_save();

	irq_table[irq].fn = fn;
	irq_table[irq].ctx = ctx;
	irq_restore(f);
}

void irq_mask(unsigned int irq)
{
	unsigned long f = irq_save();

	irq_mask_bits |= (uint16_t)(1u << irq);
	pic_write_mask();
	irq_restore(f);
}

void irq_unmask(unsigned int irq)
{
	unsigned long f = irq_save();

	irq_mask_bits &= (uint16_t)~(1u << irq);
	pic_write_mask();
	irq_restore(f);
}

static uint8_t pic_read_isr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_ISR);
	return inb(cmd);
}

void irq_dispatch(unsigned int irq)
{
	/* IRQ 7 and 15 may be spurious: the in-service bit tells. */
	if (irq == 7 && !(pic_read_isr(PIC1_CMD) & 0x80)) {
		spurious_irqs++;
		return;
	}
	if (irq == 15 && !(pic_read_isr(PIC2_CMD) & 0x80)) {
		spurious_irqs++;
		outb(PIC1_CMD, PIC_EOI);	/* the master did see IRQ 2 */
		return;
	}

	irq_nesting++;
	if (irq_table[irq].fn)
		irq_table[irq].fn(irq_table[irq].ctx);
	irq_nesting--;

	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
