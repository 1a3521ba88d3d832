/*
 * arch/x86/keyboard.c - PS/2 keyboard driver: scancode set 1, US layout.
 *
 * The i8042 controller translates the keyboard's set 2 into set 1 (we
 * make sure translation is on), so every key is one byte, or two after
 * the 0xE0 prefix of the extended keys (arrows, right Ctrl, ...):
 *
 *	make code  0x01..0x58      key pressed (repeats while held)
 *	break code make | 0x80     key released
 *	0xE0 xx                    extended key xx (make or break)
 *	0xE1 1D 45 E1 9D C5        Pause: no break code, ignored whole
 *
 * The IRQ 1 handler turns scancodes into terminal bytes (see keyboard.h)
 * and queues them in a single-producer (interrupt) / single-consumer
 * (shell) ring like the serial driver's: each index is advanced only by
 * its owner, so no lock is needed.  Modifier state (Shift, Ctrl, Caps
 * Lock) is touched only by the handler.
 */
#include "arch/x86/keyboard.h"

#include "arch/x86/arch.h"
#include "arch/x86/irq.h"

#include <stddef.h>
#include <stdint.h>

#define I8042_DATA		0x60
#define I8042_STATUS		0x64	/* read */
#define I8042_CMD		0x64	/* write */

#define STATUS_OUTPUT_FULL	0x01	/* a byte waits in I8042_DATA */
#define STATUS_INPUT_FULL	0x02	/* controller busy: do not write */
#define STATUS_AUX_DATA		0x20	/* the byte is from the mouse port */
#define STATUS_ABSENT		0xff	/* floating bus: no controller */

#define CMD_READ_CONFIG		0x20
#define CMD_WRITE_CONFIG	0x60
#define CMD_ENABLE_KBD		0xae

#define CONFIG_KBD_IRQ		0x01	/* interrupt on keyboard data */
#define CONFIG_KBD_CLOCK_OFF	0x10	/* keyboard port disabled */
#define CONFIG_TRANSLATE	0x40	/* set 2 -> set 1 translation */

#define I8042_SPIN_LIMIT	100000
#define I8042_FLUSH_LIMIT	64	/* bytes drained at init, at most */
#define IRQ_BYTES_LIMIT		16	/* bytes taken per interrupt, at most */

/* Scancodes (set 1 make codes) with a meaning beyond a character. */
#define SC_BREAK		0x80
#define SC_EXTENDED		0xe0
#define SC_PAUSE		0xe1
#define SC_PAUSE_TAIL		5	/* bytes after 0xE1 */
#define SC_LCTRL		0x1d	/* 0xE0 0x1D is right Ctrl */
#define SC_LSHIFT		0x2a
#define SC_RSHIFT		0x36
#define SC_CAPSLOCK		0x3a
#define SC_UP			0x48	/* extended */
#define SC_LEFT			0x4b
#define SC_RIGHT		0x4d
#define SC_DOWN			0x50
#define SC_HOME			0x47
#define SC_END			0x4f
#define SC_DELETE		0x53
#define SC_KP_ENTER		0x1c	/* extended: keypad Enter */

#define ESC			"\033"
#define KEY_ENTER		'\r'
#define KEY_BACKSPACE		0x7f	/* what terminals send */
#define CTRL_MASK		0x1f

/*
 * US layout, make code -> character, for codes 0x00..0x39 (up to Space).
 * 0 means "no character" (Esc, Ctrl, Shift, Alt).  Adjacent string
 * literals keep each keyboard row on one line.
 */
static const char keymap_plain[] =
	"\0\0"			/* 0x00, 0x01 Esc */
	"1234567890-="		/* 0x02..0x0d */
	"\x7f\t"		/* 0x0e Backspace, 0x0f Tab */
	"qwertyuiop[]"		/* 0x10..0x1b */
	"\r\0"			/* 0x1c Enter, 0x1d Ctrl */
	"asdfghjkl;'`"		/* 0x1e..0x29 */
	"\0\\"			/* 0x2a LShift, 0x2b */
	"zxcvbnm,./"		/* 0x2c..0x35 */
	"\0*\0 ";		/* 0x36 RShift, 0x37 KP *, 0x38 Alt, 0x39 Space */

static const char keymap_shift[] =
	"\0\0"
	"!@#$%^&*()_+"
	"\x7f\t"
	"QWERTYUIOP{}"
	"\r\0"
	"ASDFGHJKL:\"~"
	"\0|"
	"ZXCVBNM<>?"
	"\0*\0 ";

#define KEYMAP_SIZE		0x3a
_Static_assert(sizeof(keymap_plain) - 1 == KEYMAP_SIZE, "keymap_plain rows");
_Static_assert(sizeof(keymap_shift) - 1 == KEYMAP_SIZE, "keymap_shift rows");

#define KBD_RING_SIZE	256	/* power of two */
/* Orders the ring's data against its index (the compiler only: one CPU). */
#define ring_barrier()	__asm__ volatile("" : : : "memory")

static char ring[KBD_RING_SIZE];
static volatile unsigned int ring_head;	/* written by the IRQ handler */
static volatile unsigned int ring_tail;	/* written by the reader */
static volatile unsigned long dropped;

/* Handler-only state. */
static bool extended;		/* the previous byte was 0xE0 */
static unsigned int pause_skip;	/* bytes of the Pause sequence left */
static bool lshift, rshift, lctrl, rctrl, capslock;

static void ring_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int next = (ring_head + 1) & (KBD_RING_SIZE - 1);

		if (next == ring_tail) {
			dropped += n - i;
			return;
		}
		ring[ring_head] = s[i];
		ring_barrier();
		ring_head = next;
	}
}

static void ring_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	ring_put(s, n);
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* An extended key (after 0xE0); make codes only. */
static void extended_key(uint8_t code)
{
	switch (code) {
	case SC_UP:
		ring_puts(ESC "[A");
		break;
	case SC_DOWN:
		ring_puts(ESC "[B");
		break;
	case SC_RIGHT:
		ring_puts(ESC "[C");
		break;
	case SC_LEFT:
		ring_puts(ESC "[D");
		break;
	case SC_HOME:
		ring_puts(ESC "[H");
		break;
	case SC_END:
		ring_puts(ESC "[F");
		break;
	case SC_DELETE:
		ring_puts(ESC "[3~");
		break;
	case SC_KP_ENTER: {
		char c = KEY_ENTER;

		ring_put(&c, 1);
		break;
	}
	default:
		break;	/* multimedia keys, fake shifts, ...: nothing */
	}
}

static void plain_key(uint8_t code)
{
	if (code >= KEYMAP_SIZE)
		return;	/* F keys, keypad, lock keys: nothing */
	bool shift = lshift || rshift;
	char c = shift ? keymap_shift[code] : keymap_plain[code];

	if (!c)
		return;
	if (capslock && is_letter(c))
		c = (char)(c ^ ('a' - 'A'));
	if ((lctrl || rctrl) && is_letter(c))
		c = (char)(c & CTRL_MASK);
	ring_put(&c, 1);
}

static void handle_scancode(uint8_t sc)
{
	if (pause_skip) {
		pause_skip--;
		return;
	}
	if (sc == SC_EXTENDED) {
		extended = true;
		return;
	}
	if (sc == SC_PAUSE) {
		pause_skip = SC_PAUSE_TAIL;
		return;
	}

	bool was_extended = extended;
	bool released = sc & SC_BREAK;
	uint8_t code = sc & (uint8_t)~SC_BREAK;

	extended = false;
	if (code == SC_LCTRL) {
		*(was_extended ? &rctrl : &lctrl) = !released;
		return;
	}
	if (was_extended) {
		/* 0xE0 0x2A / 0xE0 0x36 are "fake shifts" some keys send
		 * around themselves: they must not change the Shift state. */
		if (!released)
			extended_key(code);
		return;
	}
	switch (code) {
	case SC_LSHIFT:
		lshift = !released;
		return;
	case SC_RSHIFT:
		rshift = !released;
		return;
	case SC_CAPSLOCK:
		if (!released)
			capslock = !capslock;
		return;
	default:
		if (!released)
			plain_key(code);
		return;
	}
}

static void keyboard_irq(void *ctx)
{
	(void)ctx;
	for (int i = 0; i < IRQ_BYTES_LIMIT; i++) {
		uint8_t status = inb(I8042_STATUS);

		if (!(status & STATUS_OUTPUT_FULL))
			break;
		uint8_t data = inb(I8042_DATA);

		if (status & STATUS_AUX_DATA)
			continue;	/* a mouse byte: not ours */
		handle_scancode(data);
	}
}

static bool wait_input_empty(void)
{
	for (int i = 0; i < I8042_SPIN_LIMIT; i++) {
		if (!(inb(I8042_STATUS) & STATUS_INPUT_FULL))
			return true;
		cpu_relax();
	}
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < I8042_SPIN_LIMIT; i++) {
		if (inb(I8042_STATUS) & STATUS_OUTPUT_FULL)
			return true;
		cpu_relax();
	}
	return false;
}

static void flush_output(void)
{
	for (int i = 0; i < I8042_FLUSH_LIMIT &&
			(inb(I8042_STATUS) & STATUS_OUTPUT_FULL); i++)
		(void)inb(I8042_DATA);
}

bool keyboard_init(void)
{
	if (inb(I8042_STATUS) == STATUS_ABSENT)
		return false;
	flush_output();

	/* Keyboard interrupt and set 1 translation on, keyboard clock on. */
	if (!wait_input_empty())
		return false;
	outb(I8042_CMD, CMD_READ_CONFIG);
	if (!wait_output_full())
		return false;
	uint8_t config = inb(I8042_DATA);

	config |= CONFIG_KBD_IRQ | CONFIG_TRANSLATE;
	config &= (uint8_t)~CONFIG_KBD_CLOCK_OFF;
	if (!wait_input_empty())
		return false;
	outb(I8042_CMD, CMD_WRITE_CONFIG);
	if (!wait_input_empty())
		return false;
	outb(I8042_DATA, config);
	if (!wait_input_empty())
		return false;
	outb(I8042_CMD, CMD_ENABLE_KBD);
	flush_output();

	irq_register(IRQ_KEYBOARD, keyboard_irq, NULL);
	irq_unmask(IRQ_KEYBOARD);
	return true;
}

int keyboard_getc(void)
{
	if (ring_tail == ring_head)
		return -1;
	ring_barrier();
	char c = ring[ring_tail];

	ring_tail = (ring_tail + 1) & (KBD_RING_SIZE - 1);
	return (unsigned char)c;
}

unsigned long keyboard_dropped(void)
{
	return dropped;
}
