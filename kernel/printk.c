/*
 * kernel/printk.c - the kernel log and the console.
 *
 * The log is a byte ring of whole lines, each prefixed with the time since
 * boot like Linux's "[    1.234567] ".  When the ring wraps, the oldest
 * bytes are overwritten and log_dump() skips the partial first line.
 *
 * printk may be called from interrupt handlers and from the exception
 * path, so it runs with interrupts off and uses no allocator.
 */
#include "kernel/printk.h"

#include "arch/x86/arch.h"
#include "arch/x86/serial.h"
#include "arch/x86/vga.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/time.h"

#include <stdbool.h>
#include <stdint.h>

#define LOG_BUF_SIZE	(64 * 1024)	/* power of two */
#define PRINTK_LINE_MAX	1024

static char log_buf[LOG_BUF_SIZE];
static uint32_t log_head;	/* total bytes ever written */
static bool log_at_line_start = true;
/* As Linux's default console loglevel: debug messages only reach dmesg. */
static int console_level = MM_LOG_INFO;

void printk_set_console_level(int level)
{
	console_level = level;
}

void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	vga_write(s, n);
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

static void log_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head++) & (LOG_BUF_SIZE - 1)] = s[i];
}

static void log_store(const char *s, size_t n)
{
	while (n) {
		if (log_at_line_start) {
			char stamp[32];
			uint64_t us = time_us_since_boot();
			int len = ksnprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ",
					    (unsigned long)(us / 1000000),
					    (unsigned long)(us % 1000000));

			log_put(stamp, (size_t)len);
			log_at_line_start = false;
		}
		const char *nl = NULL;

		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n') {
				nl = s + i;
				break;
			}
		}
		size_t chunk = nl ? (size_t)(nl - s) + 1 : n;

		log_put(s, chunk);
		if (nl)
			log_at_line_start = true;
		s += chunk;
		n -= chunk;
	}
}

int vprintk_level(int level, const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	int n = kvsnprintf(line, sizeof(line), fmt, ap);
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;

	if ((size_t)n >= sizeof(line)) {
		/* Mark the truncation and keep the line ending. */
		static const char more[] = "...\n";

		memcpy(line + sizeof(line) - sizeof(more), more, sizeof(more));
		len = sizeof(line) - 1;
	}

	unsigned long flags = irq_save();

	log_store(line, len);
	if (level <= console_level)
		console_write(line, len);
	irq_restore(flags);
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_level(PRINTK_DEFAULT_LEVEL, fmt, ap);
	va_end(ap);
	return n;
}

int kprintf(const char *fmt, ...)
{
	char line[PRINTK_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;

	console_write(line, len);
	return (int)len;
}

size_t log_dump(void (*emit)(const char *s, size_t n, void *ctx), void *ctx)
{
	unsigned long flags = irq_save();
	uint32_t head = log_head;
	uint32_t start = head > LOG_BUF_SIZE ? head - LOG_BUF_SIZE : 0;
	irq_restore(flags);

	size_t total = 0;
	bool skipping = start > 0;	/* wrapped: drop the partial line */
	char chunk[128];
	size_t clen = 0;

	for (uint32_t i = start; i < head; i++) {
		char c = log_buf[i & (LOG_BUF_SIZE - 1)];

		if (skipping) {
			if (c == '\n')
				skipping = false;
			continue;
		}
		chunk[clen++] = c;
		if (clen == sizeof(chunk)) {
			emit(chunk, clen, ctx);
			total += clen;
			clen = 0;
		}
	}
	if (clen) {
		emit(chunk, clen, ctx);
		total += clen;
	}
	return total;
}

unsigned long log_lost_bytes(void)
{
	return log_head > LOG_BUF_SIZE ? log_head - LOG_BUF_SIZE : 0;
}
