/*
 * arch/x86/pit.c - the 8253/8254 programmable interval timer on IRQ 0,
 * and TSC calibration.
 *
 * Channel 0 runs in mode 2 (rate generator) at HZ.  The TSC rate is
 * measured over CALIBRATE_TICKS timer ticks right after the timer starts.
 */
#include "kernel/time.h"

#include "arch/x86/arch.h"
#include "arch/x86/irq.h"
#include "arch/x86/traps.h"

#include <stddef.h>

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_CMD_CH0_LOHI_RATE	0x34	/* channel 0, lo/hi byte, mode 2 */
#define PIT_INPUT_HZ	1193182u
#define PIT_DIVISOR	((PIT_INPUT_HZ + HZ / 2) / HZ)
#define CALIBRATE_TICKS	5
#define US_PER_TICK	(1000000u / HZ)

volatile unsigned long jiffies;
static uint64_t tsc_at_boot;
static uint32_t tsc_per_us;
static tick_hook_t tick_hook;
static void *tick_hook_ctx;

static void timer_irq(void *ctx)
{
	(void)ctx;
	jiffies++;
	stack_canary_check();
	if (tick_hook)
		tick_hook(tick_hook_ctx);
}

void time_set_tick_hook(tick_hook_t fn, void *ctx)
{
	unsigned long f = irq_save();

	tick_hook = fn;
	tick_hook_ctx = ctx;
	irq_restore(f);
}

void time_init(void)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_RATE);
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
	irq_register(IRQ_TIMER, timer_irq, NULL);
	irq_unmask(IRQ_TIMER);

	/* Calibrate the TSC: wait for a tick edge, then count ticks. */
	unsigned long f = read_eflags();

	sti();
	unsigned long j0 = jiffies;

	while (jiffies == j0)
		safe_halt();
	uint64_t t0 = rdtsc();

	j0 = jiffies;
	while (jiffies - j0 < CALIBRATE_TICKS)
		safe_halt();
	uint64_t cycles = rdtsc() - t0;

	tsc_per_us = (uint32_t)(cycles / (CALIBRATE_TICKS * US_PER_TICK));
	if (tsc_per_us == 0)
		tsc_per_us = 1;
	tsc_at_boot = t0 - (uint64_t)j0 * US_PER_TICK * tsc_per_us;
	if (!(f & EFLAGS_IF))
		cli();
}

uint64_t time_us_since_boot(void)
{
	if (!tsc_per_us)
		return 0;
	return (rdtsc() - tsc_at_boot) / tsc_per_us;
}

uint32_t time_tsc_per_us(void)
{
	return tsc_per_us;
}
