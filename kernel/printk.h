/*
 * kernel/printk.h - kernel messages and console output.
 *
 * printk() and pr_err/pr_warn/pr_info/pr_debug (from mm/port.h) record a
 * message in the log buffer (read back by `dmesg`) and print it on the
 * console when its level is at or below the console level (`quiet` on the
 * command line shows only warnings and errors, as on Linux).
 *
 * kprintf() writes to the console only: the shell's output is not a
 * kernel message and stays out of dmesg.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#include "mm/port.h"

/* Default level of printk() without a level, as Linux's "default message
 * loglevel" (here: info). */
#define PRINTK_DEFAULT_LEVEL	MM_LOG_INFO
#define CONSOLE_LEVEL_QUIET	MM_LOG_WARNING

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk_level(int level, const char *fmt, va_list ap) __printf(2, 0);
void printk_set_console_level(int level);

int kprintf(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t n);
void console_puts(const char *s);

/* Copies the log, oldest first, with "[seconds.micros] " line prefixes.
 * Calls emit for each piece (so the shell can print it without a second
 * buffer).  Returns the number of bytes emitted. */
size_t log_dump(void (*emit)(const char *s, size_t n, void *ctx), void *ctx);
/* Bytes of log lost to wrap-around since boot. */
unsigned long log_lost_bytes(void);

#endif
