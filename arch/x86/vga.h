/*
 * arch/x86/vga.h - the 80x25 VGA text console.
 *
 * vga_write understands the small part of ANSI/VT100 the kernel prints:
 * SGR colours (ESC[0m, ESC[1m, ESC[3Xm, ESC[4Xm, ESC[9Xm), ESC[K (erase to
 * end of line), ESC[2J (clear) and ESC[H (home), so the same text can go to
 * the serial terminal and to the screen.
 */
#ifndef ARCH_X86_VGA_H
#define ARCH_X86_VGA_H

#include <stddef.h>

void vga_init(void);
void vga_write(const char *s, size_t n);

#endif
