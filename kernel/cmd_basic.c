/*
 * kernel/cmd_basic.c - the shell's general commands: help, uptime, dmesg,
 * ktest, halt, reboot.
 */
#include "arch/x86/arch.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/time.h"

#define HELP_USAGE_WIDTH	24

static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage(argv[0]);
	if (argc == 2) {
		const struct shell_cmd *c = shell_find(argv[1]);

		if (!c)
			return shell_error(argv[0], "no command '%s'", argv[1]);
		kprintf("usage: %s\n  %s\n", c->usage, c->help);
		return 0;
	}
	kprintf("Commands (help CMD for one):\n");
	for (const struct shell_cmd *c = shell_cmds_begin();
	     c < shell_cmds_end(); c++) {
		/* A long usage gets a line of its own. */
		if (strlen(c->usage) > HELP_USAGE_WIDTH)
			kprintf("  %s\n  %-*s %s\n", c->usage, HELP_USAGE_WIDTH, "",
				c->help);
		else
			kprintf("  %-*s %s\n", HELP_USAGE_WIDTH, c->usage, c->help);
	}
	return 0;
}
SHELL_COMMAND(help, .usage = "help [CMD]",
	      .help = "list the commands, or show how to use one",
	      .fn = cmd_help, .complete = shell_complete_cmds);

static int cmd_uptime(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	uint64_t us = time_us_since_boot();
	unsigned long s = (unsigned long)(us / 1000000);

	kprintf("up %lu:%02lu:%02lu.%02lu, %lu jiffies (HZ=%d)\n",
		s / 3600, s / 60 % 60, s % 60,
		(unsigned long)(us % 1000000 / 10000), jiffies, HZ);
	return 0;
}
SHELL_CMD(uptime, "uptime", "time since boot", cmd_uptime);

static void emit_console(const char *s, size_t n, void *ctx)
{
	(void)ctx;
	console_write(s, n);
}

static int cmd_dmesg(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	log_dump(emit_console, NULL);
	if (log_lost_bytes())
		kprintf("(%lu older bytes were overwritten)\n", log_lost_bytes());
	return 0;
}
SHELL_CMD(dmesg, "dmesg", "print the kernel log", cmd_dmesg);

static int cmd_ktest(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage(argv[0]);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		ktest_list();
		return 0;
	}
	return ktest_run(argc == 2 ? argv[1] : NULL) == 0 ? 0 : 1;
}
SHELL_CMD(ktest, "ktest [SUITE|list]",
	  "run the in-kernel tests (all or one suite), or list",
	  cmd_ktest);

static int cmd_halt(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	kprintf("System halted.\n");
	qemu_exit(QEMU_EXIT_SUCCESS);
	halt_forever();
}
SHELL_CMD(halt, "halt", "stop the machine (QEMU exits with status 33)",
	  cmd_halt);

#define KBC_STATUS		0x64
#define KBC_STATUS_INPUT_FULL	0x02
#define KBC_CMD_PULSE_RESET	0xfe

static int cmd_reboot(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	kprintf("Restarting system.\n");
	cli();
	/* Pulse the CPU reset line through the keyboard controller. */
	for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_STATUS_INPUT_FULL); i++)
		cpu_relax();
	outb(KBC_STATUS, KBC_CMD_PULSE_RESET);
	/* If that did not work, a triple fault will: load an empty IDT. */
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) null_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	halt_forever();
}
SHELL_CMD(reboot, "reboot", "restart the machine", cmd_reboot);
