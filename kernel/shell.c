/*
 * kernel/shell.c - a line-oriented shell on COM1 and the VGA console.
 *
 * Input comes from the serial ring (arch/x86/serial.c); the CPU halts
 * between characters.  The line editor keeps the buffer and the terminal
 * in step for printable characters, backspace/DEL, Ctrl-U (erase line)
 * and Ctrl-C (cancel).  Everything else a user can type is either a
 * printable character or ignored; a line longer than SHELL_LINE_MAX - 1
 * is refused as a whole when Enter arrives, so a command never runs on a
 * silently truncated line.
 */
#include "kernel/shell.h"

#include "arch/x86/arch.h"
#include "arch/x86/serial.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/printk.h"

#include <stdarg.h>

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

#define CTRL(c)		((c) & 0x1f)
#define KEY_DEL		0x7f
#define ESC		0x1b

const struct shell_cmd *shell_cmds_begin(void)
{
	return __shell_cmds_start;
}

const struct shell_cmd *shell_cmds_end(void)
{
	return __shell_cmds_end;
}

const struct shell_cmd *shell_find(const char *name)
{
	for (const struct shell_cmd *c = __shell_cmds_start;
	     c < __shell_cmds_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int shell_error(const char *cmd, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("%s: %s\n", cmd, msg);
	return 1;
}

int shell_usage(const char *cmd)
{
	const struct shell_cmd *c = shell_find(cmd);

	kprintf("usage: %s\n", c ? c->usage : cmd);
	return 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line in place; returns argc, or -1 when there are too many. */
static int split_args(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == SHELL_MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	argv[argc] = NULL;
	return argc;
}

int shell_exec(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = split_args(line, argv);

	if (argc < 0) {
		kprintf("shell: too many arguments (max %d)\n", SHELL_MAX_ARGS);
		return 1;
	}
	if (argc == 0)
		return 0;

	const struct shell_cmd *c = shell_find(argv[0]);

	if (!c) {
		kprintf("%s: command not found (type 'help' for the list)\n",
			argv[0]);
		return 1;
	}
	return c->fn(argc, argv);
}

/* Blocks (halting the CPU) until a byte arrives. */
static int shell_getc(void)
{
	for (;;) {
		int c = serial_getc();

		if (c >= 0)
			return c;
		safe_halt();
	}
}

/* Reads one line; returns its length, or -1 if it was too long. */
static int read_line(char *buf, size_t size)
{
	size_t len = 0;
	bool overflow = false;
	int esc = 0;	/* inside an escape sequence: skip it */

	for (;;) {
		int c = shell_getc();

		if (esc) {
			/* ESC [ params final: the final byte is 0x40..0x7e. */
			if (esc == 1 && (c == '[' || c == 'O')) {
				esc = 2;
				continue;
			}
			if (esc == 2 && !(c >= 0x40 && c <= 0x7e))
				continue;
			esc = 0;
			continue;
		}
		switch (c) {
		case '\r':
		case '\n':
			console_puts("\n");
			buf[len] = '\0';
			return overflow ? -1 : (int)len;
		case '\b':
		case KEY_DEL:
			if (overflow)
				break;
			if (len > 0) {
				len--;
				console_puts("\b \b");
			}
			break;
		case CTRL('u'):
			while (len > 0) {
				len--;
				console_puts("\b \b");
			}
			overflow = false;
			break;
		case CTRL('c'):
			console_puts("^C\n");
			len = 0;
			overflow = false;
			console_puts(SHELL_PROMPT);
			break;
		case ESC:
			esc = 1;
			break;
		default:
			if (c < ' ' || c > '~')
				break;	/* other control or non-ASCII: ignore */
			if (len + 1 >= size) {
				overflow = true;
				break;
			}
			if (overflow)
				break;
			buf[len++] = (char)c;
			char ch = (char)c;

			console_write(&ch, 1);
			break;
		}
	}
}

void shell_run(void)
{
	static char line[SHELL_LINE_MAX];

	kprintf("Type 'help' for the list of commands.\n");
	for (;;) {
		console_puts(SHELL_PROMPT);
		int n = read_line(line, sizeof(line));

		if (n < 0) {
			kprintf("shell: line too long (max %d characters), ignored\n",
				SHELL_LINE_MAX - 1);
			continue;
		}
		shell_exec(line);
	}
}
