/*
 * arch/x86/keyboard.h - the PS/2 keyboard (i8042 controller, IRQ 1).
 *
 * Key presses become the bytes a serial terminal would send for them, so
 * the shell reads one kind of input from either device:
 *
 *	printable keys    their ASCII character (Shift and Caps Lock apply)
 *	Ctrl+letter       the control character (Ctrl-C is 0x03)
 *	Enter, Backspace  '\r' and DEL (0x7f)
 *	Tab               '\t'
 *	arrows            ESC [ A (up), ESC [ B (down), ESC [ C, ESC [ D
 *	Home, End, Del    ESC [ H, ESC [ F, ESC [ 3 ~
 *
 * Esc, the function keys, Alt and the lock keys other than Caps Lock
 * produce nothing.
 */
#ifndef ARCH_X86_KEYBOARD_H
#define ARCH_X86_KEYBOARD_H

#include <stdbool.h>

/* Enables the keyboard port and its interrupt; false when no i8042
 * answers (the serial console still works). */
bool keyboard_init(void);
/* Next byte of keyboard input, or -1 when none is waiting. */
int keyboard_getc(void);
/* Bytes dropped because the input ring was full. */
unsigned long keyboard_dropped(void);

#endif
