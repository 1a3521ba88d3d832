/*
 * kernel/shell.h - the serial/VGA shell and its command registry.
 *
 * A command is registered from any file with SHELL_CMD; the linker
 * collects them (sorted by name) into .shell_cmds, so adding a command
 * never touches the shell itself:
 *
 *	static int cmd_uptime(int argc, char **argv) { ... return 0; }
 *	SHELL_CMD(uptime, "uptime", "time since boot", cmd_uptime);
 *
 * argv[0] is the command name.  A command returns 0, or non-zero after it
 * has printed its one-line error (shell_error()).  SHELL_COMMAND takes
 * designated initializers for the optional parts: .init runs once before
 * the first prompt (to set up the command's own caches), .complete offers
 * Tab completions for the command's arguments.
 *
 * Input comes from COM1 and the PS/2 keyboard alike (a key arrives as the
 * bytes a terminal would send: arrows are ESC [ A..D).  The line editor
 * keeps the buffer and the terminal in step:
 *
 *	printable     appended (and echoed)
 *	Backspace/DEL erases the last character
 *	Ctrl-U        erases the line          Ctrl-C  cancels the line
 *	Ctrl-L        clears the screen        Tab     completes the word
 *	Up / Down     walk the history of the last SHELL_HISTORY commands
 *
 * Other control characters are ignored; an escape sequence is consumed
 * whole (a control character inside one ends it and acts normally, as on
 * a VT100).  A line longer than SHELL_LINE_MAX - 1 is refused as a whole
 * when Enter arrives, so a command never runs on a silently truncated
 * line.  The editor never allocates: what the user types must not show up
 * in the reports the user is studying.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/mm_types.h"

struct shell_completion;

struct shell_cmd {
	const char *name;
	const char *usage;	/* "alloc ORDER [dma|normal|highmem]" */
	const char *help;	/* one line: what it does */
	int (*fn)(int argc, char **argv);
	void (*init)(void);	/* optional: once, before the first prompt */
	/* Optional: offer candidates for word number argc (argv[0..argc-1]
	 * are the words before it) with shell_complete_add(). */
	void (*complete)(struct shell_completion *c, int argc, char **argv);
};

#define SHELL_COMMAND(id, ...)						\
	static const struct shell_cmd shell_cmd_##id			\
		__attribute__((used, section(".shell_cmds." #id),	\
			       aligned(4))) =				\
		{ .name = #id, __VA_ARGS__ }

#define SHELL_CMD(id, usage_, help_, fn_)				\
	SHELL_COMMAND(id, .usage = (usage_), .help = (help_), .fn = (fn_))

#define SHELL_PROMPT		"mm> "
#define SHELL_LINE_MAX		256	/* including the NUL */
#define SHELL_MAX_ARGS		16
#define SHELL_HISTORY		16	/* commands kept for Up/Down */
#define SHELL_SCREEN_ROWS	25	/* what "one screen" means (VGA) */
#define SHELL_SCREEN_COLS	80
#define SHELL_ARG_SHOWN		32	/* characters of a bad argument quoted back */

/* Reads and runs commands forever. */
__attribute__((noreturn)) void shell_run(void);
/* Runs one command line (used by tests and by the boot path). */
int shell_exec(char *line);
/* Prints "CMD: message" as the one-line error and returns 1. */
int shell_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "usage: USAGE" for cmd and returns 1. */
int shell_usage(const char *cmd);
const struct shell_cmd *shell_find(const char *name);
/* Iteration over the registry. */
const struct shell_cmd *shell_cmds_begin(void);
const struct shell_cmd *shell_cmds_end(void);

/* ---- completion --------------------------------------------------------- */

/* Offers one candidate for the whole word; those that do not start with
 * the partial word are ignored.  A candidate ending in '/' is a directory:
 * completing to it adds no space, so the user can go on. */
void shell_complete_add(struct shell_completion *c, const char *candidate);
/* Stock completers: command names; report paths (shell_fs_list). */
void shell_complete_cmds(struct shell_completion *c, int argc, char **argv);
void shell_complete_path(struct shell_completion *c, int argc, char **argv);

/* ---- argument parsing shared by the commands ------------------------------ */
/*
 * Each parser prints the command's one-line error and returns false when
 * the argument is not acceptable; what names the argument in the message
 * ("ORDER", "HANDLE").  Numbers are strict (kernel/lib/parse.h): no sign,
 * no trailing characters, overflow detected.
 */
bool shell_parse_ulong(const char *cmd, const char *what, const char *s,
		       unsigned long min, unsigned long max, unsigned long *out);
/* A size with an optional K/M/G suffix (parse_size). */
bool shell_parse_size(const char *cmd, const char *what, const char *s,
		      unsigned long min, unsigned long max, unsigned long *out);
/* "dma", "normal" or "highmem" (any case). */
bool shell_parse_zone(const char *cmd, const char *s, enum zone_type *zone);
/* Case-insensitive string equality (ASCII). */
bool shell_streq_nocase(const char *a, const char *b);

/* ---- the report tree (kernel/cmd_fs.c) -------------------------------------- */

/*
 * Calls fn for each entry of directory dir of the tree that `ls` shows
 * (the mm_proc_read paths, /sys/kernel/slab/NAME/ per cache), in name
 * order.  dir is absolute ("/", "/proc", "/sys/kernel/slab/"); returns
 * false when it is not a directory of the tree.
 */
bool shell_fs_list(const char *dir,
		   void (*fn)(const char *name, bool is_dir, void *ctx),
		   void *ctx);

/* ---- shared views ------------------------------------------------------------ */

/* The procps `free -k -l` table (kernel/cmd_mm.c). */
void shell_show_free(void);
/* Renders mm_proc_read(path) into the shell's report buffer; returns the
 * text, or NULL after printing cmd's one-line error. */
char *shell_read_report(const char *cmd, const char *path);

#endif
