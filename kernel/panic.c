/*
 * kernel/panic.c - stopping the kernel when it cannot go on.
 */
#include "arch/x86/arch.h"
#include "arch/x86/traps.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...)
{
	static int in_panic;
	char msg[256];
	va_list ap;

	cli();
	if (in_panic++) {
		/* A panic while panicking: do not recurse into printing. */
		qemu_exit(QEMU_EXIT_FAILURE);
		halt_forever();
	}
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	printk("Kernel panic - not syncing: %s\n", msg);
	/* eip 0: the walk itself starts with panic's caller. */
	show_backtrace(0, (uint32_t)(uintptr_t)__builtin_frame_address(0));
	printk("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	qemu_exit(QEMU_EXIT_FAILURE);
	halt_forever();
}
