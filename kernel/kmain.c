/*
 * kernel/kmain.c - from boot.S to the shell.
 *
 * Order of events:
 *   1. console (serial + VGA) so that everything after can be reported;
 *   2. the Multiboot magic (a kernel started some other way says so and
 *      stops);
 *   3. descriptor tables and the PIC, so a fault from here on is reported;
 *   4. the command line and the firmware memory map, copied out of the
 *      boot loader's memory (which mm_init then reserves anyway);
 *   5. the timer, then mm_init with the map and the command line;
 *   6. the input devices (serial receive interrupt, PS/2 keyboard);
 *   7. crashtest=, ktest or the shell.
 */
#include "arch/x86/arch.h"
#include "arch/x86/boot_defs.h"
#include "arch/x86/irq.h"
#include "arch/x86/keyboard.h"
#include "arch/x86/serial.h"
#include "arch/x86/traps.h"
#include "arch/x86/vga.h"
#include "arch/x86/x86_port.h"
#include "kernel/kallsyms.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/multiboot.h"
#include "kernel/params.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "mm/mm.h"

#define MAX_BOOT_REGIONS	128
#define CMDLINE_MAX		1024

static char boot_cmdline[CMDLINE_MAX];
static struct mem_region boot_map[MAX_BOOT_REGIONS];
static size_t boot_map_len;

struct boot_info boot_info;

/* Is [pa, pa + len) inside the direct map, so __va() may read it? */
static bool lowmem_range_ok(uint64_t pa, uint64_t len)
{
	return pa < LOWMEM_SIZE && len <= LOWMEM_SIZE - pa;
}

static void copy_cmdline(const struct multiboot_info *mbi)
{
	boot_cmdline[0] = '\0';
	if (!(mbi->flags & MB_INFO_CMDLINE))
		return;
	if (!lowmem_range_ok(mbi->cmdline, 1)) {
		pr_warn("multiboot: command line at %#x is outside low memory, ignored\n",
			mbi->cmdline);
		return;
	}
	const char *src = __va(mbi->cmdline);
	size_t i = 0;

	while (i + 1 < sizeof(boot_cmdline) &&
	       lowmem_range_ok(mbi->cmdline + i, 1) && src[i]) {
		boot_cmdline[i] = src[i];
		i++;
	}
	boot_cmdline[i] = '\0';
	if (src[i] && i + 1 == sizeof(boot_cmdline))
		pr_warn("multiboot: command line longer than %zu bytes, truncated\n",
			sizeof(boot_cmdline) - 1);
	x86_port_reserve_early(mbi->cmdline, i + 1, "multiboot cmdline");
}

/* GRUB and QEMU pass the kernel's path as the first word: skip it. */
static const char *options_part(const char *cmdline)
{
	const char *p = cmdline;

	while (*p == ' ')
		p++;
	const char *word = p;
	bool is_path = false;

	while (*p && *p != ' ') {
		if (*p == '/')
			is_path = true;
		p++;
	}
	return is_path ? p : word;
}

static void print_firmware_map(void)
{
	char tbuf[16];

	printk("BIOS-provided physical RAM map:\n");
	for (size_t i = 0; i < boot_map_len; i++) {
		const struct mem_region *r = &boot_map[i];

		printk("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
		       (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->size - 1),
		       e820_type_name(r->type, tbuf, sizeof(tbuf)));
	}
}

static void read_memory_map(const struct multiboot_info *mbi)
{
	if (mbi->flags & MB_INFO_MEM_MAP) {
		unsigned int problems = 0;

		if (!lowmem_range_ok(mbi->mmap_addr, mbi->mmap_length)) {
			pr_err("multiboot: memory map at %#x+%#x is outside low memory\n",
			       mbi->mmap_addr, mbi->mmap_length);
		} else {
			boot_map_len = multiboot_parse_mmap(__va(mbi->mmap_addr),
							    mbi->mmap_length, boot_map,
							    MAX_BOOT_REGIONS, &problems);
			x86_port_reserve_early(mbi->mmap_addr, mbi->mmap_length,
					       "multiboot mmap");
		}
		if (problems & MB_MAP_BAD_ENTRY_SIZE)
			pr_warn("multiboot: memory map entry with size < %d, rest of the map ignored\n",
				MB_MMAP_ENTRY_MIN);
		if (problems & MB_MAP_TRUNCATED)
			pr_warn("multiboot: memory map ends inside an entry, partial entry ignored\n");
		if (problems & MB_MAP_WRAPS)
			pr_warn("multiboot: memory map entry wraps past 2^64, clipped\n");
		if (problems & MB_MAP_TOO_MANY)
			pr_warn("multiboot: more than %d memory map entries, rest ignored\n",
				MAX_BOOT_REGIONS);
	}
	if (boot_map_len == 0 && (mbi->flags & MB_INFO_MEMORY)) {
		pr_warn("multiboot: no memory map, using mem_lower/mem_upper\n");
		boot_map_len = multiboot_basic_map(mbi->mem_lower, mbi->mem_upper,
						   boot_map, MAX_BOOT_REGIONS);
	}
	print_firmware_map();
}

static void reserve_modules(const struct multiboot_info *mbi)
{
	if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0)
		return;
	uint64_t bytes = (uint64_t)mbi->mods_count * sizeof(struct multiboot_module);

	if (!lowmem_range_ok(mbi->mods_addr, bytes)) {
		pr_warn("multiboot: module list outside low memory, modules ignored\n");
		return;
	}
	const struct multiboot_module *mods = __va(mbi->mods_addr);

	x86_port_reserve_early(mbi->mods_addr, bytes, "multiboot modules");
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		if (mods[i].mod_end > mods[i].mod_start)
			x86_port_reserve_early(mods[i].mod_start,
					       mods[i].mod_end - mods[i].mod_start,
					       "multiboot module");
}

static __attribute__((noipa)) void crash_on_purpose(const char *kind)
{
	pr_info("crashtest: triggering '%s' on purpose\n", kind);
	if (strcmp(kind, "pagefault") == 0) {
		(void)*(volatile uint32_t *)NULL;
	} else if (strcmp(kind, "write") == 0) {
		/* Above lowmem, below the kmap area: never mapped. */
		*(volatile uint32_t *)(uintptr_t)(PAGE_OFFSET + LOWMEM_SIZE + 0x1000) = 1;
	} else if (strcmp(kind, "divide") == 0) {
		volatile unsigned int one = 1, zero = 0;
		volatile unsigned int result = one / zero;

		(void)result;
	} else if (strcmp(kind, "ud") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(kind, "gpf") == 0) {
		/* Loading a selector past the GDT's limit faults with #GP. */
		__asm__ volatile("movw %w0, %%fs" : : "r"(0x80));
	} else {
		panic("crashtest=panic requested");
	}
	pr_err("crashtest: '%s' did not fault\n", kind);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	stack_canary_init();
	bool have_serial = serial_init();

	vga_init();

	const char *why = multiboot_check_magic(magic);

	if (why) {
		printk("mm kernel: %s: got %#x, expected %#x; halting.\n", why,
		       magic, MULTIBOOT_BOOTLOADER_MAGIC);
		qemu_exit(QEMU_EXIT_FAILURE);
		halt_forever();
	}

	gdt_init();
	idt_init();
	pic_init();

	if (!lowmem_range_ok(mbi_phys, sizeof(struct multiboot_info)))
		panic("multiboot information at %#x is outside low memory",
		      mbi_phys);
	const struct multiboot_info *mbi = __va(mbi_phys);

	x86_port_reserve_early(mbi_phys, sizeof(*mbi), "multiboot info");
	copy_cmdline(mbi);

	const char *options = options_part(boot_cmdline);

	/* `quiet` must act before the first line; the full parse (which
	 * warns about unknown words) waits until the banner is out. */
	kernel_parse_cmdline_early(options);
	if (kopt.quiet)
		printk_set_console_level(CONSOLE_LEVEL_QUIET);

	printk("%s version %s (gcc %s) #1 i386\n", KERNEL_NAME, KERNEL_VERSION,
	       __VERSION__);
	if ((mbi->flags & MB_INFO_LOADER_NAME) &&
	    lowmem_range_ok(mbi->boot_loader_name, 64))
		printk("Boot loader: %.64s\n",
		       (const char *)__va(mbi->boot_loader_name));
	printk("Command line: %s\n", boot_cmdline);
	kernel_parse_cmdline(options);
	if (!have_serial)
		printk("serial: no 16550 UART on COM1; console is VGA only\n");
	printk("kallsyms: %u symbols\n", kallsyms_count());

	read_memory_map(mbi);
	reserve_modules(mbi);

	time_init();
	printk("time: PIT at %d Hz, TSC %u MHz\n", HZ, time_tsc_per_us());

	int err = mm_init(boot_map, boot_map_len, options);

	if (err)
		panic("mm_init failed: error %d", err);
	x86_print_memory_summary();

	serial_enable_rx_irq();
	if (!keyboard_init())
		printk("keyboard: no PS/2 controller; input is serial only\n");

	boot_info.cmdline = boot_cmdline;
	boot_info.map = boot_map;
	boot_info.map_len = boot_map_len;

	if (kopt.crashtest[0])
		crash_on_purpose(kopt.crashtest);

	if (kopt.ktest) {
		int failed = ktest_run(kopt.ktest_suite[0] ? kopt.ktest_suite : NULL);

		qemu_exit(failed == 0 ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
		kprintf("ktest: done; the isa-debug-exit device is absent, halting.\n");
		halt_forever();
	}
	shell_run();
}
