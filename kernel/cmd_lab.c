/*
 * kernel/cmd_lab.c - the shell's `lab` command: the experiments of mm/lab
 * on the machine's real memory.
 *
 *   lab                     the experiments (also `lab list`)
 *   lab help NAME           an experiment's options and defaults
 *   lab NAME [options]      run it; a table by default, --format csv
 *                           for the CSV that tools/lab-kernel.py collects
 *   lab replay - [options]  replay a trace typed or pasted on the serial
 *                           console, ended by a line with a single "."
 *                           (or Ctrl-D); up to 64 MiB, kept in memory
 *
 * Results and diagnostics go to the console; there is no progress output
 * (it would interleave with the CSV).  The lab uses mm as if it were its
 * only user, which holds while the shell waits for the command.  The
 * first run after boot writes once to every free page (lab_prefault), so
 * that the hypervisor's first-touch faults on guest RAM stay out of the
 * cycle counts.
 */
#include "arch/x86/serial.h"
#include "arch/x86/arch.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/lab/lab.h"
#include "mm/mm.h"

#define LAB_ARGS_MAX	(SHELL_MAX_ARGS + 2)
#define TRACE_CHUNK	(1024 * 1024)	/* kmalloc'd pieces of a pasted trace */
#define TRACE_CHUNKS	64		/* so at most 64 MiB */
#define CTRL_D		0x04
#define LAB_EIO		5	/* Linux's EIO, what lab_run returns for a bad trace */

/* A trace read from the console once, then served from memory to each
 * allocator's pass (allocated before the lab takes its baselines, so it
 * is never counted as an allocator's). */
struct console_trace {
	char *chunk[TRACE_CHUNKS];
	size_t len, pos;
	bool loaded;
	int error;
};

static void lab_console_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

static int getc_blocking(void)
{
	for (;;) {
		int c = serial_getc();

		if (c >= 0)
			return c;
		safe_halt();
	}
}

static bool trace_append(struct console_trace *t, const char *s, size_t n)
{
	while (n) {
		size_t i = t->len / TRACE_CHUNK, off = t->len % TRACE_CHUNK;
		size_t room = TRACE_CHUNK - off;

		if (i == TRACE_CHUNKS)
			return false;
		if (!t->chunk[i]) {
			t->chunk[i] = kmalloc(TRACE_CHUNK, GFP_KERNEL | __GFP_NOWARN);
			if (!t->chunk[i])
				return false;
		}
		if (room > n)
			room = n;
		memcpy(t->chunk[i] + off, s, room);
		t->len += room;
		s += room;
		n -= room;
	}
	return true;
}

static void trace_free(struct console_trace *t)
{
	for (size_t i = 0; i < TRACE_CHUNKS; i++)
		kfree(t->chunk[i]);
}

/* Keeps this much of a line: more than the lab's 255-character limit, so
 * an overlong line still reaches it as one and is reported. */
#define TRACE_LINE_KEEP	300

/* Reads lines until "." or Ctrl-D; every other line is kept (blank ones
 * too), so the lab's line numbers are those of the pasted text. */
static int trace_load(struct console_trace *t)
{
	char line[TRACE_LINE_KEEP];
	size_t n = 0;
	unsigned long dropped = serial_rx_dropped();

	bool after_cr = false;

	kprintf("lab: paste the trace, end it with a line with a single '.'\n");
	for (;;) {
		int c = getc_blocking();

		/* A terminal ends lines with CR, a file with LF or CRLF. */
		if (c == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';
		if (c == CTRL_D && n == 0)
			break;
		if (c == '\n' || c == '\r' || c == CTRL_D) {
			if (n == 1 && line[0] == '.')
				break;
			if (!trace_append(t, line, min(n, sizeof(line))) ||
			    !trace_append(t, "\n", 1)) {
				kprintf("lab: no room for the trace (at most %d MiB)\n",
					TRACE_CHUNKS * TRACE_CHUNK >> 20);
				return -ENOMEM;
			}
			n = 0;
			if (c == CTRL_D)
				break;
			continue;
		}
		if (n < sizeof(line))
			line[n] = (char)c;
		n++;
	}
	if (serial_rx_dropped() != dropped) {
		kprintf("lab: %lu bytes of the trace were lost (input too fast)\n",
			serial_rx_dropped() - dropped);
		return -LAB_EIO;
	}
	return 0;
}

static int trace_open(void *ctx, const char *name)
{
	struct console_trace *t = ctx;

	if (strcmp(name, "-") != 0) {
		kprintf("lab: no files here: use `lab replay -` and paste the trace\n");
		return -ENOENT;
	}
	if (!t->loaded) {
		t->loaded = true;
		t->error = trace_load(t);
	}
	t->pos = 0;
	return t->error;
}

static long trace_read(void *ctx, char *buf, size_t size)
{
	struct console_trace *t = ctx;
	size_t n = t->len - t->pos;
	size_t off = t->pos % TRACE_CHUNK;

	/* One chunk at a time. */
	if (n > size)
		n = size;
	if (n > TRACE_CHUNK - off)
		n = TRACE_CHUNK - off;
	memcpy(buf, t->chunk[t->pos / TRACE_CHUNK] + off, n);
	t->pos += n;
	return (long)n;
}

static bool lab_prefaulted;

static int cmd_lab(int argc, char **argv)
{
	struct console_trace trace = { 0 };
	struct lab_env env = {
		.out = lab_console_write,
		.diag = lab_console_write,
		.trace_open = trace_open,
		.trace_read = trace_read,
		.ctx = &trace,
	};
	char *args[LAB_ARGS_MAX];
	int n = 0;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0)) {
		lab_list(&env);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc != 3)
			return shell_usage(argv[0]);
		if (lab_help(&env, argv[2]))
			return shell_error(argv[0], "no experiment '%s' (lab list)", argv[2]);
		return 0;
	}
	/* A table unless the user asks otherwise (a later --format wins). */
	args[n++] = argv[1];
	args[n++] = "--format";
	args[n++] = "table";
	for (int i = 2; i < argc && n < LAB_ARGS_MAX; i++)
		args[n++] = argv[i];

	if (!lab_prefaulted) {
		lab_prefault();
		lab_prefaulted = true;
	}

	int err = lab_run(&env, n, args);

	trace_free(&trace);
	/* lab_run has already said why on its diagnostic stream. */
	return err ? 1 : 0;
}
SHELL_CMD(lab, "lab [list | help NAME | NAME [--OPTION VALUE]...]",
	  "slab/buddy experiments: waste, fragmentation, pinning, ctor, colour, speed, replay",
	  cmd_lab);
