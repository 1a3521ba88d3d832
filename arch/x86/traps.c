/*
 * arch/x86/traps.c - what happens on an interrupt or a CPU exception.
 *
 * Hardware interrupts go to their handler (arch/x86/pic.c).  An exception
 * prints an oops in the shape of Linux's x86-32 report (what happened,
 * EIP with its symbol, the registers, CR0-CR4, a call trace) and then
 * either returns control to an armed fault catcher (in-kernel tests) or
 * stops the machine: QEMU exits with status 35 when the isa-debug-exit
 * device is present, and the CPU halts otherwise.  It never reboots.
 */
#include "arch/x86/traps.h"

#include "arch/x86/arch.h"
#include "arch/x86/boot_defs.h"
#include "arch/x86/irq.h"
#include "kernel/printk.h"

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error", "debug", "non-maskable interrupt", "int3",
	"overflow", "bounds", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack segment", "general protection fault",
	"page fault", "reserved (15)", "coprocessor error",
	"alignment check", "machine check", "SIMD exception",
	"virtualization exception", "control protection",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "hypervisor injection",
	"VMM communication", "security exception", "reserved (31)",
};

static struct fault_catcher *catcher;
static unsigned int oops_count;

const char *exception_name(unsigned int vector)
{
	return vector < NR_EXCEPTIONS ? exception_names[vector] : "unknown";
}

void fault_catcher_arm(struct fault_catcher *fc)
{
	fc->vector = ~0u;
	fc->prev = catcher;
	catcher = fc;
}

void fault_catcher_disarm(void)
{
	if (catcher)
		catcher = catcher->prev;
}

extern char boot_stack_bottom[], boot_stack_top[];
extern char _text[], _etext[];

#define BACKTRACE_MAX_FRAMES	16
#define STACK_CANARY		0x57ac4ca7u

void stack_canary_init(void)
{
	*(volatile uint32_t *)(void *)boot_stack_bottom = STACK_CANARY;
}

void stack_canary_check(void)
{
	if (*(volatile uint32_t *)(void *)boot_stack_bottom != STACK_CANARY) {
		stack_canary_init();	/* panic itself needs the stack */
		panic("kernel stack overflow: the %u-byte boot stack was exhausted",
		      (unsigned int)(boot_stack_top - boot_stack_bottom));
	}
}

static bool is_kernel_text(uint32_t addr)
{
	return addr >= (uint32_t)(uintptr_t)_text &&
	       addr < (uint32_t)(uintptr_t)_etext;
}

static bool is_on_stack(uint32_t addr)
{
	return addr >= (uint32_t)(uintptr_t)boot_stack_bottom &&
	       addr + 8 <= (uint32_t)(uintptr_t)boot_stack_top;
}

void show_backtrace(uint32_t eip, uint32_t ebp)
{
	printk("Call Trace:\n");
	if (is_kernel_text(eip))
		printk(" %pS\n", (void *)(uintptr_t)eip);
	/* Each frame: [ebp] = caller's ebp, [ebp+4] = return address.  Stop
	 * at ebp 0 (boot.S), off the stack, or when frames stop going up. */
	for (int i = 0; i < BACKTRACE_MAX_FRAMES && is_on_stack(ebp); i++) {
		const uint32_t *frame = (const uint32_t *)(uintptr_t)ebp;
		uint32_t ret = frame[1];

		if (!is_kernel_text(ret))
			break;
		/* ret points after the call: show the call instruction. */
		printk(" %pS\n", (void *)(uintptr_t)(ret - 1));
		if (frame[0] <= ebp)
			break;
		ebp = frame[0];
	}
}

static void show_regs(const struct trap_frame *tf, uint32_t cr2)
{
	printk("EIP: %pS\n", (void *)(uintptr_t)tf->eip);
	printk("EAX: %08x EBX: %08x ECX: %08x EDX: %08x\n",
	       tf->eax, tf->ebx, tf->ecx, tf->edx);
	printk("ESI: %08x EDI: %08x EBP: %08x ESP: %08x\n",
	       tf->esi, tf->edi, tf->ebp, trap_frame_esp(tf));
	printk("DS: %04x ES: %04x FS: %04x GS: %04x CS: %04x EFLAGS: %08x\n",
	       tf->ds & 0xffff, tf->es & 0xffff, tf->fs & 0xffff,
	       tf->gs & 0xffff, tf->cs & 0xffff, tf->eflags);
	printk("CR0: %08x CR2: %08x CR3: %08x CR4: %08x\n",
	       read_cr0(), cr2, read_cr3(), read_cr4());
}

static void report_exception(const struct trap_frame *tf, uint32_t cr2,
			     bool caught)
{
	if (tf->vector == VEC_PAGE_FAULT) {
		if (cr2 < PAGE_SIZE)
			printk("BUG: kernel NULL pointer dereference, address: %08x\n",
			       cr2);
		else
			printk("BUG: unable to handle page fault for address: %08x\n",
			       cr2);
		printk("#PF: supervisor %s access in %s mode\n",
		       tf->error & PF_WRITE ? "write" : "read",
		       tf->error & PF_USER ? "user" : "kernel");
		printk("#PF: error_code(0x%04x) - %s\n", tf->error,
		       tf->error & PF_PRESENT ? "protection violation"
					      : "not-present page");
	}
	printk("Oops: %s: %04x [#%u]%s\n", exception_name(tf->vector),
	       tf->error, ++oops_count, caught ? " (caught by ktest)" : "");
	show_regs(tf, cr2);
	show_backtrace(tf->eip, tf->ebp);
}

static __attribute__((noreturn)) void die(void)
{
	printk("---[ end Kernel panic - not syncing: Fatal exception ]---\n");
	qemu_exit(QEMU_EXIT_FAILURE);
	halt_forever();
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector >= IRQ_BASE_VECTOR &&
	    tf->vector < IRQ_BASE_VECTOR + NR_IRQS) {
		irq_dispatch(tf->vector - IRQ_BASE_VECTOR);
		return;
	}

	uint32_t cr2 = tf->vector == VEC_PAGE_FAULT ? read_cr2() : 0;
	struct fault_catcher *fc = catcher;

	stack_canary_check();

	if (fc) {
		catcher = fc->prev;	/* pop before reporting: no loops */
		fc->vector = tf->vector;
		fc->error = tf->error;
		fc->eip = tf->eip;
		fc->cr2 = cr2;
		if (!fc->quiet)
			report_exception(tf, cr2, true);
		klongjmp(&fc->env, 1);
	}
	report_exception(tf, cr2, false);
	die();
}
