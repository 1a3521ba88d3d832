/*
 * arch/host/port.c - mm/port.h for a host process.
 *
 * Locks are pthread mutexes stored in spinlock_t's opaque bytes, with their
 * owner recorded so misuse is caught; "irqsave" has no meaning here and
 * the returned flags are always 0.  Messages are
 * appended to a log buffer that tests read with mm_host_log().
 */
#define _GNU_SOURCE
#include "mm/port.h"

#include "arch/host/host.h"
#include "arch/host/host_internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(_Alignof(pthread_mutex_t) <= 16, "spinlock_t alignment");

uintptr_t mm_port_va_base;

/* ---- log ----------------------------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len, log_cap;

void host_log_append(const char *s, size_t n)
{
	pthread_mutex_lock(&log_lock);
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap : 4096;

		while (cap < log_len + n + 1)
			cap *= 2;
		char *nb = realloc(log_buf, cap);

		if (!nb) {
			pthread_mutex_unlock(&log_lock);
			return;
		}
		log_buf = nb;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
	pthread_mutex_unlock(&log_lock);
}

const char *mm_host_log(void)
{
	return log_buf ? log_buf : "";
}

void mm_host_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

static void host_vlog(const char *fmt, va_list ap)
{
	char line[1024];
	int n = kvsnprintf(line, sizeof(line), fmt, ap);
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	static int verbose = -1;

	host_log_append(line, len);
	if (verbose < 0) {
		const char *v = getenv("MM_HOST_VERBOSE");

		verbose = v && *v && strcmp(v, "0") != 0;
	}
	if (verbose)
		fwrite(line, 1, len, stderr);
}

void mm_port_log(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	host_vlog(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mm_port_log(MM_LOG_ERR, "Kernel panic - not syncing: %s\n", msg);
	fprintf(stderr, "Kernel panic - not syncing: %s\n", msg);
	abort();
}

/* ---- locks --------------------------------------------------------------- */

/*
 * The opaque bytes hold a default pthread mutex and the thread that holds
 * it.  Recording the owner catches what an error-checking mutex would (a
 * relock by the holder, which would deadlock the kernel; an unlock by a
 * thread that does not hold it), costs about the same (make bench: "mm's
 * lock" against "errorcheck mutex"), and makes spin_is_locked exact.
 */
struct host_lock {
	pthread_mutex_t mutex;
	const void *owner;	/* the holder's this_thread(), valid while held */
	volatile int held;
};

/* A cheap identity for the calling thread: the address of a thread-local
 * byte is one %fs-relative lea, where pthread_self() is a call. */
static __thread char thread_anchor;

static inline const void *this_thread(void)
{
	return &thread_anchor;
}
_Static_assert(sizeof(struct host_lock) <= MM_PORT_LOCK_BYTES,
	       "spinlock_t too small for a host lock");

static struct host_lock *as_host_lock(spinlock_t *lock)
{
	return (struct host_lock *)(void *)lock->opaque;
}

void spin_lock_init(spinlock_t *lock)
{
	struct host_lock *l = as_host_lock(lock);

	memset(lock, 0, sizeof(*lock));
	pthread_mutex_init(&l->mutex, NULL);
}

static bool held_by_me(const struct host_lock *l)
{
	/* Acquire pairs with the release below: whoever sees held == 1 also
	 * sees the owner stored before it, so only the holder says yes. */
	return __atomic_load_n(&l->held, __ATOMIC_ACQUIRE) &&
	       l->owner == this_thread();
}

unsigned long mm_port_lock_irqsave(spinlock_t *lock)
{
	struct host_lock *l = as_host_lock(lock);

	if (held_by_me(l))
		panic("spinlock %p: recursive lock (would deadlock in the kernel)",
		      (void *)lock);
	int err = pthread_mutex_lock(&l->mutex);

	if (err)
		panic("spinlock %p: pthread_mutex_lock failed (%s)", (void *)lock,
		      strerror(err));
	l->owner = this_thread();
	__atomic_store_n(&l->held, 1, __ATOMIC_RELEASE);
	return 0;
}

void mm_port_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	struct host_lock *l = as_host_lock(lock);

	(void)flags;
	if (!held_by_me(l))
		panic("spinlock %p: unlock of a lock this thread does not hold",
		      (void *)lock);
	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->mutex);
}

bool spin_is_locked(spinlock_t *lock)
{
	return held_by_me(as_host_lock(lock));
}

/* ---- physical memory -------------------------------------------------------- */

phys_addr_t mm_port_lowmem_limit(void)
{
	return host_lowmem_limit();
}

size_t mm_port_early_reserved(const struct mm_port_range **ranges)
{
	return host_early_reserved(ranges);
}

/* The arena maps everything, so a "temporary mapping" is the arena address;
 * the depth is still counted so that unbalanced kunmaps are caught. */
static __thread unsigned int kmap_depth;

void *mm_port_kmap(phys_addr_t pa)
{
	if (kmap_depth >= MM_PORT_KMAP_SLOTS)
		return NULL;
	kmap_depth++;
	return __va(pa & ~(phys_addr_t)(PAGE_SIZE - 1));
}

void mm_port_kunmap(const void *va)
{
	if (kmap_depth == 0)
		panic("kunmap_local(%p) without a matching kmap_local_page", va);
	kmap_depth--;
}


/* ---- entropy and time --------------------------------------------------------- */

static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rng_state;

void host_seed_random(void)
{
	const char *s = getenv("MM_HOST_SEED");

	rng_state = s && *s ? strtoull(s, NULL, 0) : 0x6d6d2d6c6162ULL; /* "mm-lab" */
	if (rng_state == 0)
		rng_state = 1;
}

uint32_t get_random_u32(void)
{
	pthread_mutex_lock(&rng_lock);
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	pthread_mutex_unlock(&rng_lock);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

uint64_t mm_port_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
#endif
}

unsigned long mm_port_ticks_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;

	return (unsigned long)(now - host_boot_time_ms());
}

const char *mm_port_symbolize(unsigned long addr, char *buf, size_t size)
{
	Dl_info info;

	if (dladdr((void *)addr, &info) && info.dli_sname && info.dli_saddr)
		ksnprintf(buf, size, "%s+0x%lx", info.dli_sname,
			  addr - (unsigned long)info.dli_saddr);
	else
		ksnprintf(buf, size, "0x%lx", addr);
	return buf;
}
