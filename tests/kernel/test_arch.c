/*
 * tests/kernel/test_arch.c - the i386 platform: the higher-half mapping,
 * page 0, the timer, the fault catcher that the other tests rely on.
 */
#include "arch/x86/arch.h"
#include "arch/x86/boot_defs.h"
#include "arch/x86/traps.h"
#include "kernel/kallsyms.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "mm/port.h"

extern char _kernel_start[], _kernel_end[], _text[], _etext[];

KTEST(arch, pa_va_round_trip_kernel_symbols)
{
	/* The kernel is linked at PAGE_OFFSET + 1 MiB and loaded at 1 MiB. */
	KT_EXPECT_EQ(__pa(_kernel_start), 0x100000);
	KT_EXPECT(__va(__pa(_text)) == (void *)_text);
	KT_EXPECT(__va(__pa(_etext)) == (void *)_etext);
	KT_EXPECT(__pa(__va(0x1234000)) == 0x1234000);
	KT_EXPECT((uintptr_t)kmain >= (uintptr_t)_text);
}

static void touch_null(void)
{
	(void)*(volatile uint32_t *)NULL;
}

KTEST(arch, page0_is_unmapped)
{
	unsigned int vector = 0;
	uint32_t cr2 = 1;

	KT_ASSERT(ktest_faults(touch_null, &vector, &cr2));
	KT_EXPECT_EQ(vector, VEC_PAGE_FAULT);
	KT_EXPECT_EQ(cr2, 0);
}

static void divide_by_zero(void)
{
	volatile unsigned int ten = 10, zero = 0;
	volatile unsigned int result = ten / zero;

	(void)result;
}

KTEST(arch, divide_error_is_caught)
{
	unsigned int vector = 99;
	uint32_t cr2;

	KT_ASSERT(ktest_faults(divide_by_zero, &vector, &cr2));
	KT_EXPECT_EQ(vector, VEC_DIVIDE);
}

KTEST(arch, timer_advances)
{
	unsigned long start = jiffies;
	uint64_t t0 = time_us_since_boot();

	KT_ASSERT(irqs_enabled() || (sti(), true));
	/* Three ticks at 100 Hz; bounded so a dead timer fails, not hangs. */
	for (unsigned long spins = 0; jiffies - start < 3 && spins < 100000000UL;
	     spins++)
		cpu_relax();
	KT_EXPECT(jiffies - start >= 3);
	KT_EXPECT(time_us_since_boot() > t0);
}

KTEST(arch, kallsyms_finds_functions)
{
	uintptr_t off, size;
	const char *name = kallsyms_lookup((uintptr_t)ktest_run + 3, &off, &size);

	KT_ASSERT(name != NULL);
	KT_EXPECT_STREQ(name, "ktest_run");
	KT_EXPECT_EQ(off, 3);
	KT_EXPECT(size > 3);
	KT_EXPECT_EQ(kallsyms_lookup_name("kmain"), (uintptr_t)kmain);
}
