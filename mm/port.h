/*
 * mm/port.h - everything the memory manager needs from its environment.
 *
 * mm/ is plain C that is compiled twice, unmodified: into the i386 kernel
 * (arch/x86/port.c implements this header) and into the host library
 * libmm.a (arch/host/port.c implements it).  No file under mm/ includes a
 * libc or an arch header; the compiler's freestanding headers are fine.
 *
 * The seam is deliberately narrow:
 *   - printing:   pr_err/pr_warn/pr_info/pr_debug (printf-style, the message
 *                 carries its own "\n" as in Linux), ksnprintf for reports;
 *   - dying:      panic();
 *   - locking:    spinlock_t with spin_lock_irqsave/spin_unlock_irqrestore
 *                 (interrupts off on the uniprocessor kernel, a pthread
 *                 mutex on the host);
 *   - memory:     memset/memcpy/memmove/memcmp/strlen/strcmp/strncmp
 *                 (libc on the host, kernel/lib/string.c in the kernel);
 *   - physical memory: __pa/__va, the direct-map limit, temporary mappings
 *                 for highmem, and the ranges the platform has reserved
 *                 before mm_init (kernel image, boot-loader data);
 *   - entropy and time: get_random_u32(), mm_port_cycles(), mm_port_ticks_ms();
 *   - callers:    _RET_IP_ for allocation tracking, mm_port_symbolize().
 *
 * Host-versus-kernel differences are limited to the two constant blocks
 * guarded by MM_KERNEL below; everything else is a function the arch
 * provides.  The kernel build defines MM_KERNEL; anything else is a host
 * build, so a host program needs no special define to use mm's headers
 * with exactly the layouts libmm.a was compiled with.
 */
#ifndef MM_PORT_H
#define MM_PORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- basic types ------------------------------------------------------ */

/* Same definition as the libc's on both targets (long on x86_64, int on
 * i386), so a host program may include <sys/types.h> and mm/mm.h together. */
typedef __PTRDIFF_TYPE__ ssize_t;

/* Physical addresses are 64-bit so that a firmware entry ending exactly at
 * 4 GiB (or above it) can be represented while it is being sanitized. */
typedef uint64_t phys_addr_t;

/* Guarded: on the host the C library's headers define some of these. */
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif
#ifndef __maybe_unused
#define __maybe_unused	__attribute__((unused))
#endif
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define IS_ENABLED(x)	(x)
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#ifndef ALIGN
#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#endif
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#ifndef min
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#endif

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Linux's errno numbers, so host programs can compare with <errno.h>. */
#define ENOENT	2
#define ENOMEM	12
#define EFAULT	14
#define EBUSY	16
#define EEXIST	17
#define EINVAL	22
#define ENOSPC	28
#define ERANGE	34

/* ---- the two compile-time differences --------------------------------- */

#ifndef MM_KERNEL
/* Host: "physical" address pa lives at mm_port_va_base + pa, inside one
 * mmap'd arena that arch/host creates for each boot. */
extern uintptr_t mm_port_va_base;
#define MM_VA_BASE	mm_port_va_base
#else
/* i386: low memory is direct-mapped at PAGE_OFFSET (see linker.ld). */
#define MM_VA_BASE	((uintptr_t)0xC0000000u)
#endif
#define PAGE_OFFSET	MM_VA_BASE

/* The page size of both builds (arch/x86/boot_defs.h repeats these two
 * definitions token for token, which C allows). */
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

/* ---- printing ---------------------------------------------------------- */

enum mm_log_level {
	MM_LOG_ERR = 3,		/* same numbers as Linux's KERN_ERR ... KERN_DEBUG */
	MM_LOG_WARNING = 4,
	MM_LOG_INFO = 6,
	MM_LOG_DEBUG = 7,
};

/* Prints one message (it carries its own newline, as in Linux). */
void mm_port_log(int level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...)	mm_port_log(MM_LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	mm_port_log(MM_LOG_WARNING, __VA_ARGS__)
#define pr_info(...)	mm_port_log(MM_LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	mm_port_log(MM_LOG_DEBUG, __VA_ARGS__)

/* kernel/lib/vsprintf.c, compiled into both builds (see its header for the
 * formats it understands, %pS included). */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int kscnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* ---- string functions (same prototypes as the C library's) ------------ */

void *memset(void *s, int c, size_t n);
void *memcpy(void *__restrict d, const void *__restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#ifdef MM_KERNEL
/* -ffreestanding turns off the builtins; ask for them back so that small
 * fixed-size copies are inlined.  Not on the host: a program may include
 * <string.h> after mm/mm.h. */
#define memset(s, c, n)		__builtin_memset((s), (c), (n))
#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))
#endif

/* ---- locking ----------------------------------------------------------- */

/*
 * spinlock_t: on the uniprocessor kernel taking the lock disables
 * interrupts (that is all a spinlock does on UP) and the word records the
 * holder so that recursion is caught; on the host it is a pthread mutex,
 * stored opaquely so that mm never sees <pthread.h>.
 */
#ifndef MM_KERNEL
#define MM_PORT_LOCK_BYTES	64
typedef struct spinlock {
	_Alignas(16) unsigned char opaque[MM_PORT_LOCK_BYTES];
} spinlock_t;
#else
typedef struct spinlock {
	volatile uint32_t locked;
} spinlock_t;
#endif

void spin_lock_init(spinlock_t *lock);
unsigned long mm_port_lock_irqsave(spinlock_t *lock);
void mm_port_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
/* True when the current context holds the lock (used by assertions). */
bool spin_is_locked(spinlock_t *lock);

#define spin_lock_irqsave(lock, flags) \
	((flags) = mm_port_lock_irqsave(lock))
#define spin_unlock_irqrestore(lock, flags) \
	mm_port_unlock_irqrestore((lock), (flags))

/* ---- physical memory --------------------------------------------------- */

static inline void *__va(phys_addr_t pa)
{
	return (void *)((uintptr_t)pa + MM_VA_BASE);
}

static inline phys_addr_t __pa(const void *va)
{
	return (phys_addr_t)((uintptr_t)va - MM_VA_BASE);
}

/*
 * Physical addresses below this are permanently mapped (lowmem); the rest
 * is HIGHMEM.  896 MiB on i386; on the host the same by default, and
 * settable with mm_host_set_lowmem_limit() or the highmem= option.
 */
phys_addr_t mm_port_lowmem_limit(void);

/*
 * Ranges the platform used before mm_init: the kernel image, the
 * Multiboot structures and modules.  mm_init reserves each one.  Returns
 * the number of ranges; *names* gets a short label for each.
 */
struct mm_port_range {
	phys_addr_t base;
	phys_addr_t size;
	const char *name;
};
size_t mm_port_early_reserved(const struct mm_port_range **ranges);

/* Temporary mapping of a highmem page; nests LIFO, at most
 * MM_PORT_KMAP_SLOTS deep.  Returns NULL when the slots are exhausted. */
#define MM_PORT_KMAP_SLOTS	16
void *mm_port_kmap(phys_addr_t pa);
void mm_port_kunmap(const void *va);

/* ---- entropy, time, callers ------------------------------------------- */

uint32_t get_random_u32(void);
uint64_t mm_port_cycles(void);		/* a cycle counter (rdtsc) */
unsigned long mm_port_ticks_ms(void);	/* milliseconds since boot */

#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define _THIS_IP_	({ __label__ __here; __here: (unsigned long)&&__here; })

/*
 * Writes "func+0xoff/0xsize" for a code address, or the bare address when
 * no symbol is known, into buf.  Returns buf.
 */
const char *mm_port_symbolize(unsigned long addr, char *buf, size_t size);
#define MM_SYM_LEN	96

#endif /* MM_PORT_H */
