/*
 * arch/x86/serial.h - the 16550 UART on COM1: polled output, interrupt-
 * driven input into a ring buffer.
 */
#ifndef ARCH_X86_SERIAL_H
#define ARCH_X86_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/* Programs COM1 (115200 8N1, FIFOs); false when no UART answers. */
bool serial_init(void);
/* Enables the receive interrupt (IRQ 4) once the IDT and PIC are up. */
void serial_enable_rx_irq(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Next received byte, or -1 when none is waiting. */
int serial_getc(void);
/* Bytes dropped because the receive ring was full. */
unsigned long serial_rx_dropped(void);

#endif
