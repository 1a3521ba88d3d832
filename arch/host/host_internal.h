/*
 * arch/host/host_internal.h - shared between arch/host/port.c and host.c.
 */
#ifndef ARCH_HOST_HOST_INTERNAL_H
#define ARCH_HOST_HOST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mm/port.h"

void host_log_append(const char *s, size_t n);
void host_seed_random(void);
phys_addr_t host_lowmem_limit(void);
size_t host_early_reserved(const struct mm_port_range **ranges);
uint64_t host_boot_time_ms(void);

#endif
