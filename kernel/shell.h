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
 * has printed its one-line error (shell_error()).
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>

struct shell_cmd {
	const char *name;
	const char *usage;	/* "alloc ORDER [dma|normal|highmem]" */
	const char *help;	/* one line: what it does */
	int (*fn)(int argc, char **argv);
};

#define SHELL_CMD(id, usage_, help_, fn_)				\
	static const struct shell_cmd shell_cmd_##id			\
		__attribute__((used, section(".shell_cmds." #id),	\
			       aligned(4))) =				\
		{ #id, usage_, help_, fn_ }

#define SHELL_PROMPT		"mm> "
#define SHELL_LINE_MAX		256	/* including the NUL */
#define SHELL_MAX_ARGS		16

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

#endif
