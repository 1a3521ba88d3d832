/*
 * kernel/time.h - the tick and the clock (arch/x86/pit.c implements them).
 *
 * The PIT interrupts HZ times a second and advances jiffies.  The TSC is
 * calibrated against the PIT at boot so the clock has microsecond
 * resolution (under TCG emulation the TSC follows QEMU's virtual clock).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#define HZ	100

extern volatile unsigned long jiffies;

void time_init(void);
/* Microseconds since time_init(); 0 before it. */
uint64_t time_us_since_boot(void);
/* TSC cycles per microsecond measured at boot (0 before time_init). */
uint32_t time_tsc_per_us(void);

/* One optional function called from the timer interrupt on every tick
 * (the in-kernel tests use it to allocate from interrupt context). */
typedef void (*tick_hook_t)(void *ctx);
void time_set_tick_hook(tick_hook_t fn, void *ctx);

#endif
