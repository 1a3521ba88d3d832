/*
 * arch/x86/port.c - mm/port.h for the i386 kernel.
 *
 * Locks: the kernel runs on one CPU, so a spinlock is "interrupts off"; the
 * lock word only records that the lock is held, so that taking it twice
 * (which would deadlock on SMP) is reported as the bug it is.
 *
 * kmap: MM_PORT_KMAP_SLOTS page-table entries at the top of the address
 * space (KMAP_BASE, above the 896 MiB direct map), used as a stack.
 */
#include "mm/port.h"

#include "arch/x86/arch.h"
#include "arch/x86/boot_defs.h"
#include "arch/x86/x86_port.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"


/* ---- printing ---------------------------------------------------------- */

void mm_port_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_level(level, fmt, ap);
	va_end(ap);
}

/* ---- locks ------------------------------------------------------------- */

#define LOCK_HELD	0x4c4f434bu	/* "LOCK" */

void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

unsigned long mm_port_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = irq_save();

	if (lock->locked == LOCK_HELD)
		panic("spinlock %p: recursive lock (would deadlock on SMP)",
		      (void *)lock);
	lock->locked = LOCK_HELD;
	return flags;
}

void mm_port_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	if (lock->locked != LOCK_HELD)
		panic("spinlock %p: unlock of a lock that is not held",
		      (void *)lock);
	lock->locked = 0;
	irq_restore(flags);
}

bool spin_is_locked(spinlock_t *lock)
{
	return lock->locked == LOCK_HELD;
}

/* ---- physical memory --------------------------------------------------- */

phys_addr_t mm_port_lowmem_limit(void)
{
	return LOWMEM_SIZE;
}

extern char _kernel_start[], _kernel_end[];

static struct mm_port_range early_reserved[X86_EARLY_RESERVED_MAX + 1];
static size_t nr_early_reserved;

void x86_port_reserve_early(uint64_t base, uint64_t size, const char *name)
{
	if (nr_early_reserved == X86_EARLY_RESERVED_MAX) {
		/* Out of slots: grow the last range to cover this one too.
		 * Reserving a little too much is safe; missing a boot module
		 * would hand its memory out. */
		struct mm_port_range *last = &early_reserved[nr_early_reserved - 1];
		uint64_t lo = min(last->base, base);
		uint64_t hi = max(last->base + last->size, base + size);

		pr_warn("x86: more than %d early reservations: %s merged into one range 0x%llx-0x%llx\n",
			X86_EARLY_RESERVED_MAX, name, (unsigned long long)lo,
			(unsigned long long)hi - 1);
		last->base = lo;
		last->size = hi - lo;
		last->name = "merged boot-loader data";
		return;
	}
	early_reserved[nr_early_reserved].base = base;
	early_reserved[nr_early_reserved].size = size;
	early_reserved[nr_early_reserved].name = name;
	nr_early_reserved++;
}

size_t mm_port_early_reserved(const struct mm_port_range **ranges)
{
	/* The kernel image is always last, added on first use. */
	struct mm_port_range *k = &early_reserved[nr_early_reserved];

	k->base = __pa(_kernel_start);
	k->size = (phys_addr_t)(_kernel_end - _kernel_start);
	k->name = "kernel image";
	*ranges = early_reserved;
	return nr_early_reserved + 1;
}

/* The kmap window: the last 4 MiB of the address space, one page table. */
#define KMAP_BASE	0xffc00000u
#define KMAP_PDE_INDEX	(KMAP_BASE >> PGDIR_SHIFT)

extern uint32_t boot_pgdir[];
static uint32_t kmap_pte[PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
static unsigned int kmap_depth;

static void kmap_setup(void)
{
	if (boot_pgdir[KMAP_PDE_INDEX] & PDE_PRESENT)
		return;
	boot_pgdir[KMAP_PDE_INDEX] =
		(uint32_t)__pa(kmap_pte) | PDE_PRESENT | PDE_WRITE;
	invlpg(KMAP_BASE);
}

void *mm_port_kmap(phys_addr_t pa)
{
	unsigned long flags = irq_save();
	void *va = NULL;

	kmap_setup();
	if (kmap_depth < MM_PORT_KMAP_SLOTS && pa < 0x100000000ULL) {
		uintptr_t slot_va = KMAP_BASE + kmap_depth * PAGE_SIZE;

		/* No flush needed: the slot was not present (kunmap flushed
		 * it), and x86 never caches a not-present translation. */
		kmap_pte[kmap_depth] = ((uint32_t)pa & ~(PAGE_SIZE - 1)) |
				       PTE_PRESENT | PTE_WRITE;
		kmap_depth++;
		va = (void *)slot_va;
	}
	irq_restore(flags);
	return va;
}

void mm_port_kunmap(const void *va)
{
	unsigned long flags = irq_save();
	uintptr_t expected = KMAP_BASE + (kmap_depth - 1) * PAGE_SIZE;

	if (kmap_depth == 0 || ((uintptr_t)va & ~(uintptr_t)(PAGE_SIZE - 1)) != expected) {
		irq_restore(flags);
		panic("kunmap_local(%p): not the most recent kmap_local mapping",
		      va);
	}
	kmap_depth--;
	kmap_pte[kmap_depth] = 0;
	invlpg(expected);
	irq_restore(flags);
}


/* ---- entropy and time -------------------------------------------------- */

/* xorshift128+, seeded from the TSC at the first call.  Not
 * cryptographic; enough to make freelist order and pointer obfuscation
 * differ between boots. */
static uint64_t rng_state[2];

uint32_t get_random_u32(void)
{
	unsigned long flags = irq_save();

	if (rng_state[0] == 0 && rng_state[1] == 0) {
		uint64_t t = rdtsc();

		rng_state[0] = t ^ 0x9e3779b97f4a7c15ULL;
		rng_state[1] = (t << 32 | t >> 32) ^ 0xbf58476d1ce4e5b9ULL;
	}
	uint64_t s1 = rng_state[0];
	const uint64_t s0 = rng_state[1];

	rng_state[0] = s0;
	s1 ^= s1 << 23;
	rng_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	uint32_t r = (uint32_t)((rng_state[1] + s0) >> 16);

	irq_restore(flags);
	return r;
}

uint64_t mm_port_cycles(void)
{
	return rdtsc();
}

unsigned long mm_port_ticks_ms(void)
{
	return (unsigned long)(time_us_since_boot() / 1000);
}

/* ---- the boot summary ------------------------------------------------------ */

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[];
extern char __bss_start[], __bss_end[];

void x86_print_memory_summary(void)
{
	unsigned long kb = PAGE_SIZE / 1024;
	unsigned long phys = get_num_physpages();
	unsigned long managed = totalram_pages();

	/* Linux's mem_init_print_info line, with the sections of this image. */
	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK bss, %luK reserved, 0K cma-reserved, %luK highmem)\n",
		nr_free_pages() * kb, phys * kb,
		(unsigned long)(_etext - _text) >> 10,
		(unsigned long)(_edata - _data) >> 10,
		(unsigned long)(_erodata - _rodata) >> 10,
		(unsigned long)(__bss_end - __bss_start) >> 10,
		(phys - managed) * kb, totalhigh_pages() * kb);
}
