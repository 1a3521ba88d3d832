/*
 * arch/x86/vga.c - VGA text mode console (80x25, colour).
 *
 * The text buffer is at physical 0xB8000, reached through the direct map.
 * Each cell is a character and an attribute byte (background:4,
 * foreground:4).  The hardware cursor follows the output position.
 */
#include "arch/x86/vga.h"

#include "arch/x86/arch.h"
#include "mm/port.h"

#include <stdbool.h>
#include <stdint.h>

#define VGA_TEXT_PHYS	0xb8000
#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_CRTC_INDEX	0x3d4
#define VGA_CRTC_DATA	0x3d5
#define CRTC_CURSOR_HI	0x0e
#define CRTC_CURSOR_LO	0x0f

/* The eight ANSI colours in VGA's palette order. */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
#define VGA_DEFAULT_ATTR	0x07	/* light grey on black */
#define VGA_BRIGHT		0x08

static uint16_t *screen;
static unsigned int row, col;
static uint8_t attr = VGA_DEFAULT_ATTR;

/* Escape-sequence parser state. */
static enum { ESC_NONE, ESC_SEEN, ESC_CSI } esc_state;
#define ESC_MAX_PARAMS	4
static unsigned int esc_params[ESC_MAX_PARAMS];
static unsigned int esc_nparams;

static uint16_t cell(char c)
{
	return (uint16_t)((uint8_t)c | (uint16_t)attr << 8);
}

static void update_cursor(void)
{
	unsigned int pos = row * VGA_COLS + col;

	outb(VGA_CRTC_INDEX, CRTC_CURSOR_HI);
	outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
	outb(VGA_CRTC_INDEX, CRTC_CURSOR_LO);
	outb(VGA_CRTC_DATA, (uint8_t)pos);
}

static void clear_cells(unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++)
		screen[i] = cell(' ');
}

void vga_init(void)
{
	screen = __va(VGA_TEXT_PHYS);
	row = col = 0;
	attr = VGA_DEFAULT_ATTR;
	clear_cells(0, VGA_COLS * VGA_ROWS);
	update_cursor();
}

static void scroll(void)
{
	memmove(screen, screen + VGA_COLS,
		(VGA_ROWS - 1) * VGA_COLS * sizeof(*screen));
	clear_cells((VGA_ROWS - 1) * VGA_COLS, VGA_ROWS * VGA_COLS);
	row = VGA_ROWS - 1;
}

static void newline(void)
{
	col = 0;
	if (++row >= VGA_ROWS)
		scroll();
}

static void apply_sgr(void)
{
	if (esc_nparams == 0)
		esc_params[esc_nparams++] = 0;
	for (unsigned int i = 0; i < esc_nparams; i++) {
		unsigned int p = esc_params[i];

		if (p == 0)
			attr = VGA_DEFAULT_ATTR;
		else if (p == 1)
			attr |= VGA_BRIGHT;
		else if (p >= 30 && p <= 37)
			attr = (uint8_t)((attr & 0xf8) | ansi_to_vga[p - 30]);
		else if (p >= 90 && p <= 97)
			attr = (uint8_t)((attr & 0xf0) | VGA_BRIGHT |
					 ansi_to_vga[p - 90]);
		else if (p >= 40 && p <= 47)
			attr = (uint8_t)((attr & 0x0f) | ansi_to_vga[p - 40] << 4);
		else if (p == 39)
			attr = (uint8_t)((attr & 0xf0) | (VGA_DEFAULT_ATTR & 0x0f));
		else if (p == 49)
			attr &= 0x0f;
	}
}

/* Returns true while c belongs to an escape sequence. */
static bool escape(char c)
{
	switch (esc_state) {
	case ESC_NONE:
		if (c != '\033')
			return false;
		esc_state = ESC_SEEN;
		return true;
	case ESC_SEEN:
		if (c == '[') {
			esc_state = ESC_CSI;
			esc_nparams = 0;
			esc_params[0] = 0;
			return true;
		}
		esc_state = ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (esc_nparams == 0)
				esc_nparams = 1;
			unsigned int *p = &esc_params[esc_nparams - 1];

			if (*p < 1000)
				*p = *p * 10 + (unsigned int)(c - '0');
			return true;
		}
		if (c == ';') {
			if (esc_nparams == 0)
				esc_nparams = 1;
			if (esc_nparams < ESC_MAX_PARAMS)
				esc_params[esc_nparams++] = 0;
			return true;
		}
		esc_state = ESC_NONE;
		if (c == 'm')
			apply_sgr();
		else if (c == 'K')
			clear_cells(row * VGA_COLS + col, (row + 1) * VGA_COLS);
		else if (c == 'J' && esc_nparams && esc_params[0] == 2)
			clear_cells(0, VGA_COLS * VGA_ROWS);
		else if (c == 'H')
			row = col = 0;
		return true;
	}
	return false;
}

void vga_write(const char *s, size_t n)
{
	if (!screen)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (escape(c))
			continue;
		switch (c) {
		case '\n':
			newline();
			break;
		case '\r':
			col = 0;
			break;
		case '\b':
			/* Back over the line wrap too, so erasing a command
			 * longer than one row works as on a serial terminal. */
			if (col > 0) {
				col--;
			} else if (row > 0) {
				row--;
				col = VGA_COLS - 1;
			}
			break;
		case '\t':
			do {
				screen[row * VGA_COLS + col] = cell(' ');
				col++;
			} while (col % 8 && col < VGA_COLS);
			if (col >= VGA_COLS)
				newline();
			break;
		default:
			if ((unsigned char)c < ' ')
				break;	/* other control characters: ignore */
			screen[row * VGA_COLS + col] = cell(c);
			if (++col >= VGA_COLS)
				newline();
			break;
		}
	}
	update_cursor();
}
