/*
 * arch/x86/irq.h - the 8259A PIC pair and hardware interrupt handlers.
 *
 * The PICs are remapped so IRQ 0-15 arrive as vectors 32-47, clear of the
 * CPU exceptions (0-31).  Every line starts masked; a driver registers its
 * handler and unmasks its line.
 */
#ifndef ARCH_X86_IRQ_H
#define ARCH_X86_IRQ_H

#define IRQ_BASE_VECTOR	32
#define NR_IRQS		16

#define IRQ_TIMER	0
#define IRQ_KEYBOARD	1
#define IRQ_CASCADE	2
#define IRQ_COM1	4

typedef void (*irq_handler_t)(void *ctx);

void pic_init(void);
void irq_register(unsigned int irq, irq_handler_t fn, void *ctx);
void irq_mask(unsigned int irq);
void irq_unmask(unsigned int irq);
/* Called from the trap dispatcher for vectors 32..47. */
void irq_dispatch(unsigned int irq);
/* Nonzero while an IRQ handler runs (for assertions and tests). */
extern volatile unsigned int irq_nesting;

#endif
