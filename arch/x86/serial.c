/*
 * arch/x86/serial.c - 16550 UART driver for COM1.
 *
 * Output is polled (wait for the transmit holding register, with a bound so
 * a missing UART cannot hang the kernel).  Input arrives by IRQ 4 into a
 * single-producer (interrupt) / single-consumer (shell) ring; the indices
 * are only ever advanced by their owner, so no lock is needed.
 */
#include "arch/x86/serial.h"

#include "arch/x86/arch.h"
#include "arch/x86/irq.h"

#include <stdint.h>

#define COM1		0x3f8
#define UART_RBR	0	/* receive buffer (DLAB=0, read) */
#define UART_THR	0	/* transmit holding (DLAB=0, write) */
#define UART_DLL	0	/* divisor low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor high (DLAB=1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define IER_RDI		0x01	/* receive data interrupt */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR_14	0xc7	/* enable, clear both, 14-byte trigger */
#define MCR_DTR_RTS_OUT2	0x0b	/* OUT2 gates the IRQ line */
#define MCR_LOOPBACK_TEST	0x1e
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

#define UART_CLOCK_DIVISOR	1	/* 115200 baud */
#define TX_SPIN_LIMIT		100000

#define RX_RING_SIZE	1024	/* power of two */

static bool present;
static char rx_ring[RX_RING_SIZE];
static volatile unsigned int rx_head;	/* written by the IRQ handler */
static volatile unsigned int rx_tail;	/* written by the reader */
static volatile unsigned long rx_dropped;

bool serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK_DIVISOR & 0xff);
	outb(COM1 + UART_DLM, UART_CLOCK_DIVISOR >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR_14);

	/* Loopback self-test: what we send must come back. */
	outb(COM1 + UART_MCR, MCR_LOOPBACK_TEST);
	outb(COM1 + UART_THR, 0xae);
	if (inb(COM1 + UART_RBR) != 0xae) {
		present = false;
		return false;
	}
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	present = true;
	return true;
}

static void serial_irq(void *ctx)
{
	(void)ctx;
	while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
		char c = (char)inb(COM1 + UART_RBR);
		unsigned int next = (rx_head + 1) & (RX_RING_SIZE - 1);

		if (next == rx_tail) {
			rx_dropped++;
			continue;
		}
		rx_ring[rx_head] = c;
		rx_head = next;
	}
}

void serial_enable_rx_irq(void)
{
	if (!present)
		return;
	irq_register(IRQ_COM1, serial_irq, NULL);
	outb(COM1 + UART_IER, IER_RDI);
	irq_unmask(IRQ_COM1);
}

void serial_putc(char c)
{
	if (!present)
		return;
	for (int i = 0; i < TX_SPIN_LIMIT; i++) {
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int serial_getc(void)
{
	if (rx_tail == rx_head) {
		/* Before the IRQ is enabled (or if it is lost), poll. */
		if (present && (inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
			unsigned long f = irq_save();

			serial_irq(NULL);
			irq_restore(f);
		}
		if (rx_tail == rx_head)
			return -1;
	}
	char c = rx_ring[rx_tail];

	rx_tail = (rx_tail + 1) & (RX_RING_SIZE - 1);
	return (unsigned char)c;
}

unsigned long serial_rx_dropped(void)
{
	return rx_dropped;
}
