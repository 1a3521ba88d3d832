/*
 * kernel/shell.c - a line-oriented shell on COM1, the VGA console and the
 * PS/2 keyboard: the line editor, history, Tab completion, the command
 * registry and the argument parsers the commands share.
 *
 * Input: the serial ring (arch/x86/serial.c) and the keyboard ring
 * (arch/x86/keyboard.c) are read as one stream; the CPU halts while both
 * are empty.  Output goes to both consoles (console_write).
 *
 * Editor state (struct editor): buf[0..len) is exactly what the terminal
 * shows after the prompt, except when `overflow` is set: then more was
 * typed than fits, the extra characters were neither stored nor echoed,
 * and Enter refuses the line.  `hist` is -1 while the user edits a fresh
 * line (kept in `draft` while Up/Down show history entries), else the
 * index of the shown entry, 0 being the newest.
 *
 * History is a static ring of the last SHELL_HISTORY distinct command
 * lines: like the editor it never allocates, so typing a command does not
 * change the slab or buddy state the command is about to show.
 */
#include "kernel/shell.h"

#include "arch/x86/arch.h"
#include "arch/x86/keyboard.h"
#include "arch/x86/serial.h"
#include "kernel/lib/parse.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/printk.h"

#include <stdarg.h>

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

#define CTRL(c)		((c) & 0x1f)
#define KEY_DEL		0x7f
#define ESC		0x1b
#define CSI_FINAL_MIN	0x40	/* ESC [ params final: final is 0x40..0x7e */
#define CSI_FINAL_MAX	0x7e
#define ESC_SEQ_MAX	16	/* longer sequences are abandoned */

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

/* ---- argument parsers ------------------------------------------------------ */

static bool report_bad_number(const char *cmd, const char *what, const char *s,
			      unsigned long min, unsigned long max)
{
	shell_error(cmd, "bad %s '%.*s%s': expected a number in %lu..%lu", what,
		    SHELL_ARG_SHOWN, s, strlen(s) > SHELL_ARG_SHOWN ? "..." : "",
		    min, max);
	return false;
}

bool shell_parse_ulong(const char *cmd, const char *what, const char *s,
		       unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long long v;

	if (kstrtoull(s, 0, &v) != 0 || v < min || v > max)
		return report_bad_number(cmd, what, s, min, max);
	*out = (unsigned long)v;
	return true;
}

bool shell_parse_size(const char *cmd, const char *what, const char *s,
		      unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long long v;

	if (parse_size(s, &v) != 0 || v < min || v > max)
		return report_bad_number(cmd, what, s, min, max);
	*out = (unsigned long)v;
	return true;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool shell_streq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	return *a == *b;
}

bool shell_parse_zone(const char *cmd, const char *s, enum zone_type *zone)
{
	static const struct {
		const char *name;
		enum zone_type zone;
	} names[] = {
		{ "dma", ZONE_DMA },
		{ "normal", ZONE_NORMAL },
		{ "highmem", ZONE_HIGHMEM },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (shell_streq_nocase(s, names[i].name)) {
			*zone = names[i].zone;
			return true;
		}
	}
	shell_error(cmd, "unknown zone '%.*s%s': expected dma, normal or highmem",
		    SHELL_ARG_SHOWN, s, strlen(s) > SHELL_ARG_SHOWN ? "..." : "");
	return false;
}

/* ---- running a line ---------------------------------------------------------- */

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
		kprintf("%.*s%s: command not found (type 'help' for the list)\n",
			SHELL_ARG_SHOWN, argv[0],
			strlen(argv[0]) > SHELL_ARG_SHOWN ? "..." : "");
		return 1;
	}
	return c->fn(argc, argv);
}

/* ---- input ----------------------------------------------------------------------- */

/* Blocks (halting the CPU) until a byte arrives from either device. */
static int shell_getc(void)
{
	for (;;) {
		/* Check and halt with interrupts off, so that a byte that
		 * arrives in between wakes the "sti; hlt" pair up. */
		unsigned long flags = irq_save();
		int c = serial_getc();

		if (c < 0)
			c = keyboard_getc();
		if (c >= 0) {
			irq_restore(flags);
			return c;
		}
		safe_halt();
		irq_restore(flags);
	}
}

/* ---- history ------------------------------------------------------------------------ */

static char history[SHELL_HISTORY][SHELL_LINE_MAX];
static unsigned int history_added;	/* lines ever added */

static unsigned int history_len(void)
{
	return history_added < SHELL_HISTORY ? history_added : SHELL_HISTORY;
}

/* Entry i, 0 being the newest. */
static const char *history_get(unsigned int i)
{
	return history[(history_added - 1 - i) % SHELL_HISTORY];
}

static void history_add(const char *line)
{
	const char *p = line;

	while (is_blank(*p))
		p++;
	if (!*p)
		return;
	if (history_len() && strcmp(history_get(0), line) == 0)
		return;	/* no consecutive duplicates, as bash's ignoredups */
	strlcpy(history[history_added % SHELL_HISTORY], line, SHELL_LINE_MAX);
	history_added++;
}

/* ---- the line editor ------------------------------------------------------------------ */

enum esc_state { ESC_NONE, ESC_SEEN, ESC_CSI };

struct editor {
	char buf[SHELL_LINE_MAX];
	size_t len;
	bool overflow;
	int hist;
	char draft[SHELL_LINE_MAX];
	bool draft_overflow;	/* the draft was too long: still refuse it */
	enum esc_state esc;
	size_t esc_len;		/* bytes of the sequence after ESC [ */
	bool after_cr;		/* the last key was '\r' (for CR LF pairs) */
};

static void erase_chars(size_t n)
{
	while (n--)
		console_puts("\b \b");
}

static void editor_reset(struct editor *e)
{
	e->len = 0;
	e->buf[0] = '\0';
	e->overflow = false;
	e->hist = -1;
}

/* Replaces the shown line with text (a history entry or the draft). */
static void editor_replace(struct editor *e, const char *text)
{
	erase_chars(e->len);
	e->len = strlcpy(e->buf, text, sizeof(e->buf));
	if (e->len >= sizeof(e->buf))
		e->len = sizeof(e->buf) - 1;
	e->overflow = false;
	console_write(e->buf, e->len);
}

static void editor_redraw(const struct editor *e)
{
	console_puts(SHELL_PROMPT);
	console_write(e->buf, e->len);
}

static void history_up(struct editor *e)
{
	if (e->hist + 1 >= (int)history_len())
		return;
	if (e->hist < 0) {
		memcpy(e->draft, e->buf, e->len);
		e->draft[e->len] = '\0';
		e->draft_overflow = e->overflow;
	}
	e->hist++;
	editor_replace(e, history_get((unsigned int)e->hist));
}

static void history_down(struct editor *e)
{
	if (e->hist < 0)
		return;
	e->hist--;
	editor_replace(e, e->hist < 0 ? e->draft : history_get((unsigned int)e->hist));
	if (e->hist < 0)
		e->overflow = e->draft_overflow;
}

static bool editor_append(struct editor *e, const char *s, size_t n)
{
	if (e->overflow || e->len + n >= sizeof(e->buf))
		return false;
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
	console_write(s, n);
	return true;
}

/* ---- Tab completion ---------------------------------------------------------------------- */

#define COMPLETION_LIST_MAX	128	/* candidates shown, at most */

struct shell_completion {
	const char *word;	/* the partial word */
	size_t wlen;
	unsigned int matches;
	char first[SHELL_LINE_MAX];	/* the first match */
	size_t common;		/* length shared by all matches so far */
	bool listing;		/* second pass: print the matches */
	size_t col;		/* output column while listing */
};

void shell_complete_add(struct shell_completion *c, const char *cand)
{
	size_t n = strlen(cand);

	if (n < c->wlen || strncmp(cand, c->word, c->wlen) != 0 ||
	    n >= SHELL_LINE_MAX)
		return;
	if (c->listing) {
		if (c->matches++ >= COMPLETION_LIST_MAX)
			return;
		if (c->col && c->col + n + 2 > SHELL_SCREEN_COLS) {
			kprintf("\n");
			c->col = 0;
		}
		kprintf("%s  ", cand);
		c->col += n + 2;
		return;
	}
	if (c->matches++ == 0) {
		memcpy(c->first, cand, n + 1);
		c->common = n;
		return;
	}
	size_t i = 0;

	while (i < c->common && c->first[i] == cand[i])
		i++;
	c->common = i;
}

void shell_complete_cmds(struct shell_completion *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return;	/* only the command word, or help's argument */
	for (const struct shell_cmd *cmd = __shell_cmds_start;
	     cmd < __shell_cmds_end; cmd++)
		shell_complete_add(c, cmd->name);
}

struct path_ctx {
	struct shell_completion *c;
	const char *dir;	/* the word up to and including its last '/' */
	size_t dlen;
};

static void add_path_entry(const char *name, bool is_dir, void *ctx)
{
	struct path_ctx *p = ctx;
	char cand[SHELL_LINE_MAX];

	if (ksnprintf(cand, sizeof(cand), "%.*s%s%s", (int)p->dlen, p->dir,
		      name, is_dir ? "/" : "") >= (int)sizeof(cand))
		return;
	shell_complete_add(p->c, cand);
}

void shell_complete_path(struct shell_completion *c, int argc, char **argv)
{
	char dir[SHELL_LINE_MAX];
	const char *slash = NULL;

	(void)argv;
	if (argc != 1)
		return;
	for (const char *p = c->word; *p; p++)
		if (*p == '/')
			slash = p;
	if (!slash) {
		/* Paths are absolute: offer the top of the tree. */
		struct path_ctx p = { c, "/", 1 };

		shell_fs_list("/", add_path_entry, &p);
		return;
	}
	size_t dlen = (size_t)(slash - c->word) + 1;
	struct path_ctx p = { c, c->word, dlen };

	memcpy(dir, c->word, dlen);
	dir[dlen] = '\0';
	shell_fs_list(dir, add_path_entry, &p);
}

/* Offers the candidates for the word being typed; 1 pass or the listing. */
static void gather(struct shell_completion *c, char *line, size_t word_start)
{
	char *argv[SHELL_MAX_ARGS + 1];
	char words[SHELL_LINE_MAX];

	memcpy(words, line, word_start);
	words[word_start] = '\0';
	int argc = split_args(words, argv);

	if (argc < 0)
		return;
	if (argc == 0) {
		shell_complete_cmds(c, 0, argv);
		return;
	}
	const struct shell_cmd *cmd = shell_find(argv[0]);

	if (cmd && cmd->complete)
		cmd->complete(c, argc, argv);
}

static void editor_complete(struct editor *e)
{
	static struct shell_completion c;	/* one completion at a time */
	size_t ws = e->len;

	if (e->overflow)
		return;
	while (ws > 0 && !is_blank(e->buf[ws - 1]))
		ws--;
	memset(&c, 0, sizeof(c));
	c.word = e->buf + ws;
	c.wlen = e->len - ws;
	gather(&c, e->buf, ws);
	if (c.matches == 0)
		return;

	bool is_dir = c.matches == 1 && c.common && c.first[c.common - 1] == '/';

	if (c.common > c.wlen) {
		editor_append(e, c.first + c.wlen, c.common - c.wlen);
		if (c.matches == 1 && !is_dir)
			editor_append(e, " ", 1);
		return;
	}
	if (c.matches == 1) {
		if (!is_dir)
			editor_append(e, " ", 1);
		return;
	}
	/* Ambiguous and nothing to add: list the candidates. */
	unsigned int total = c.matches;

	c.matches = 0;
	c.listing = true;
	c.col = 0;
	kprintf("\n");
	gather(&c, e->buf, ws);
	if (total > COMPLETION_LIST_MAX)
		kprintf("\n... and %u more", total - COMPLETION_LIST_MAX);
	kprintf("\n");
	editor_redraw(e);
}

/* ---- keys ---------------------------------------------------------------------------------- */

/* The final byte of an escape sequence: the keys that mean something. */
static void escape_final(struct editor *e, int c)
{
	if (c == 'A')
		history_up(e);
	else if (c == 'B')
		history_down(e);
	/* Left, Right, Home, End, Delete, F keys: the editor appends at the
	 * end of the line only, so these do nothing. */
}

/* Feeds c to the escape parser; false when c is not part of a sequence
 * (the caller then handles it as an ordinary key). */
static bool editor_escape(struct editor *e, int c)
{
	if (e->esc == ESC_NONE)
		return false;
	if (c < ' ' || c == KEY_DEL) {
		/* A control character ends the sequence and still acts
		 * (ESC restarts one), as VT100 terminals do. */
		e->esc = ESC_NONE;
		return false;
	}
	if (e->esc == ESC_SEEN) {
		if (c == '[' || c == 'O') {
			e->esc = ESC_CSI;
			e->esc_len = 0;
			return true;
		}
		e->esc = ESC_NONE;	/* Alt+key (ESC key): ignore both */
		return true;
	}
	if (c >= CSI_FINAL_MIN && c <= CSI_FINAL_MAX) {
		e->esc = ESC_NONE;
		escape_final(e, c);
		return true;
	}
	if (++e->esc_len >= ESC_SEQ_MAX)
		e->esc = ESC_NONE;	/* not a sequence we know: give up */
	return true;
}

enum key_result { KEY_MORE, KEY_LINE };

static enum key_result editor_key(struct editor *e, int c)
{
	bool after_cr = e->after_cr;

	e->after_cr = c == '\r';
	if (editor_escape(e, c))
		return KEY_MORE;

	switch (c) {
	case '\n':
		if (after_cr)
			break;	/* the LF of a CR LF pair: Enter was the CR */
		/* fall through */
	case '\r':
		console_puts("\n");
		return KEY_LINE;
	case '\b':
	case KEY_DEL:
		if (!e->overflow && e->len > 0) {
			e->buf[--e->len] = '\0';
			erase_chars(1);
		}
		break;
	case CTRL('u'):
		erase_chars(e->len);
		editor_reset(e);
		break;
	case CTRL('c'):
		console_puts("^C\n");
		editor_reset(e);
		console_puts(SHELL_PROMPT);
		break;
	case CTRL('l'):
		console_puts("\033[2J\033[H");
		editor_redraw(e);
		break;
	case '\t':
		editor_complete(e);
		break;
	case ESC:
		e->esc = ESC_SEEN;
		break;
	default:
		if (c < ' ' || c > '~')
			break;	/* other control or non-ASCII: ignore */
		if (e->len + 1 >= sizeof(e->buf))
			e->overflow = true;
		else if (!e->overflow) {
			char ch = (char)c;

			editor_append(e, &ch, 1);
		}
		break;
	}
	return KEY_MORE;
}

/* Reads one line into e->buf; returns false if it was too long. */
static bool read_line(struct editor *e)
{
	editor_reset(e);
	e->esc = ESC_NONE;
	/* after_cr carries over: the LF of a CR LF may start the next line. */
	while (editor_key(e, shell_getc()) != KEY_LINE)
		;
	return !e->overflow;
}

static void shell_init_commands(void)
{
	for (const struct shell_cmd *c = __shell_cmds_start;
	     c < __shell_cmds_end; c++)
		if (c->init)
			c->init();
}

void shell_run(void)
{
	static struct editor ed;
	static char line[SHELL_LINE_MAX];

	shell_init_commands();
	kprintf("Type 'help' for the list of commands.\n");
	for (;;) {
		console_puts(SHELL_PROMPT);
		if (!read_line(&ed)) {
			kprintf("shell: line too long (max %d characters), ignored\n",
				SHELL_LINE_MAX - 1);
			continue;
		}
		history_add(ed.buf);
		/* shell_exec splits its argument in place: run a copy. */
		memcpy(line, ed.buf, ed.len + 1);
		shell_exec(line);
	}
}
