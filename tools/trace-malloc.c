/*
 * tools/trace-malloc.c - an LD_PRELOAD shim that records a program's heap
 * allocations as a trace the lab replays (`mmlab replay FILE`):
 *
 *	a ID SIZE	an allocation of SIZE bytes, given a new ID
 *	f ID		the object with that ID freed
 *
 *   make build/tools/trace-malloc.so
 *   MM_TRACE_FILE=/tmp/py.trace LD_PRELOAD=build/tools/trace-malloc.so python3 -c '...'
 *   MM_TRACE_FILE=/tmp/cc.%p.trace LD_PRELOAD=... gcc -c foo.c    (one file per process)
 *
 * Without MM_TRACE_FILE it does nothing.  "%p" in the name is replaced by
 * the process id and every process (children included) writes its own
 * file; without "%p" only the process started with the variable records
 * (it removes the variable from its environment, and a child forked
 * without exec stops recording).  Lines starting with '#' describe the
 * process.
 *
 * Intercepted: malloc, calloc, realloc, reallocarray, free, posix_memalign,
 * aligned_alloc, memalign, valloc, pvalloc; each calls glibc's own
 * implementation (__libc_malloc, ...), so no dlsym bootstrap is needed.
 * realloc records the new block, then the free of the old one (they may
 * be the same address: the replay moves the object, as a realloc that
 * could not grow in place would).  realloc(p, 0) records a free.
 *
 * Thread-safe: one mutex guards the ID counter, the pointer-to-ID table
 * and the output buffer; a thread-local flag keeps the shim from tracing
 * itself.  The shim never allocates with malloc: its table and buffer are
 * mmap'd and it formats numbers itself.  Allocations made before the shim
 * initialised (or by other means) are unknown to it: their frees are not
 * recorded.  The buffer is flushed when full, at exit and before fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define ENV_NAME	"MM_TRACE_FILE"
#define PATH_MAX_LEN	1024
#define OUT_BUF		(64 * 1024)
#define TABLE_MIN	(1u << 16)
#define EMPTY		((uintptr_t)0)
#define TOMBSTONE	((uintptr_t)1)

#define EXPORT		__attribute__((visibility("default")))

struct slot {
	uintptr_t ptr;
	uint64_t id;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int busy;	/* inside the shim: do not record */
static enum { UNINIT, OFF, ON } state;
static int fd = -1;
static bool per_process;
static char path_template[PATH_MAX_LEN];
static uint64_t next_id = 1;

static struct slot *table;
static size_t table_cap, table_used;	/* used: live + tombstones */

static char out[OUT_BUF];
static size_t out_len;

/* ---- output ------------------------------------------------------------ */

static void flush_out(void)
{
	size_t done = 0;

	while (done < out_len && fd >= 0) {
		ssize_t n = write(fd, out + done, out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* disk full or closed: drop the rest */
		done += (size_t)n;
	}
	out_len = 0;
}

static void put(const char *s, size_t n)
{
	if (out_len + n > sizeof(out))
		flush_out();
	memcpy(out + out_len, s, n);
	out_len += n;
}

static void put_u64(uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(buf + i, sizeof(buf) - i);
}

static void put_str(const char *s)
{
	put(s, strlen(s));
}

/* ---- pointer -> ID table (open addressing, linear probing) ------------- */

static size_t hash_ptr(uintptr_t p)
{
	uint64_t x = (uint64_t)p >> 4;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static bool table_resize(size_t cap)
{
	struct slot *nt = mmap(NULL, cap * sizeof(*nt), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (nt == MAP_FAILED)
		return false;
	size_t used = 0;

	for (size_t i = 0; i < table_cap; i++) {
		uintptr_t p = table[i].ptr;

		if (p == EMPTY || p == TOMBSTONE)
			continue;
		size_t j = hash_ptr(p) & (cap - 1);

		while (nt[j].ptr != EMPTY)
			j = (j + 1) & (cap - 1);
		nt[j] = table[i];
		used++;
	}
	if (table)
		munmap(table, table_cap * sizeof(*table));
	table = nt;
	table_cap = cap;
	table_used = used;
	return true;
}

static bool table_insert(uintptr_t p, uint64_t id)
{
	if ((table_used + 1) * 2 > table_cap &&
	    !table_resize(table_cap ? table_cap * 2 : TABLE_MIN))
		return false;
	size_t j = hash_ptr(p) & (table_cap - 1);

	while (table[j].ptr != EMPTY && table[j].ptr != TOMBSTONE) {
		if (table[j].ptr == p) {	/* freed behind our back */
			table[j].id = id;
			return true;
		}
		j = (j + 1) & (table_cap - 1);
	}
	if (table[j].ptr == EMPTY)
		table_used++;
	table[j].ptr = p;
	table[j].id = id;
	return true;
}

/* The ID of p, removed from the table; 0 when p is unknown. */
static uint64_t table_remove(uintptr_t p)
{
	if (!table_cap)
		return 0;
	size_t j = hash_ptr(p) & (table_cap - 1);

	while (table[j].ptr != EMPTY) {
		if (table[j].ptr == p) {
			table[j].ptr = TOMBSTONE;
			return table[j].id;
		}
		j = (j + 1) & (table_cap - 1);
	}
	return 0;
}

/* ---- files ------------------------------------------------------------- */

/* The template with every "%p" replaced by the pid. */
static void expand_path(char *dst, size_t size)
{
	char pid[24];
	size_t n = 0, plen = 0;
	uint64_t v = (uint64_t)getpid();

	do {
		pid[plen++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (const char *s = path_template; *s && n + 1 < size; s++) {
		if (s[0] == '%' && s[1] == 'p') {
			for (size_t i = plen; i > 0 && n + 1 < size; i--)
				dst[n++] = pid[i - 1];
			s++;
		} else {
			dst[n++] = *s;
		}
	}
	dst[n] = '\0';
}

static void open_trace(void)
{
	char path[PATH_MAX_LEN + 32];
	char cmd[200];	/* the comment stays a short line */

	expand_path(path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		state = OFF;
		return;
	}
	/* A comment naming the program, from /proc/self/cmdline. */
	int cfd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = cfd >= 0 ? read(cfd, cmd, sizeof(cmd) - 1) : -1;

	if (cfd >= 0)
		close(cfd);
	put_str("# trace-malloc pid ");
	put_u64((uint64_t)getpid());
	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (cmd[i] == '\0' || cmd[i] == '\n')
				cmd[i] = ' ';
		cmd[n] = '\0';
		put_str(": ");
		put_str(cmd);
	}
	put_str("\n");
}

static void before_fork(void)
{
	pthread_mutex_lock(&lock);
	if (state == ON)
		flush_out();
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void after_fork_child(void)
{
	if (state == ON) {
		if (per_process) {
			/* A file of its own; the IDs it inherited stay known,
			 * so its frees of the parent's objects are recorded
			 * (a replay of this file alone reports them). */
			close(fd);
			out_len = 0;
			open_trace();
		} else {
			state = OFF;
			fd = -1;	/* the parent's: not ours to close */
		}
	}
	/* before_fork took it in the thread that is now the child's only one. */
	pthread_mutex_unlock(&lock);
}

static void finish(void)
{
	pthread_mutex_lock(&lock);
	if (state == ON) {
		flush_out();
		close(fd);
		fd = -1;
		state = OFF;
	}
	pthread_mutex_unlock(&lock);
}

/* Called with the lock held. */
static void init_locked(void)
{
	const char *name = getenv(ENV_NAME);

	state = OFF;
	if (!name || !*name || strlen(name) >= sizeof(path_template))
		return;
	strcpy(path_template, name);
	per_process = strstr(name, "%p") != NULL;
	if (!per_process)
		unsetenv(ENV_NAME);	/* children do not record over us */
	state = ON;
	open_trace();
	if (state == ON) {
		pthread_atfork(before_fork, after_fork_parent, after_fork_child);
		atexit(finish);
	}
}

__attribute__((constructor)) static void trace_malloc_init(void)
{
	busy++;
	pthread_mutex_lock(&lock);
	if (state == UNINIT)
		init_locked();
	pthread_mutex_unlock(&lock);
	busy--;
}

__attribute__((destructor)) static void trace_malloc_fini(void)
{
	busy++;
	finish();
	busy--;
}

/* ---- recording --------------------------------------------------------- */

static bool recording(void)
{
	if (busy)
		return false;
	if (state == UNINIT) {
		busy++;
		pthread_mutex_lock(&lock);
		if (state == UNINIT)
			init_locked();
		pthread_mutex_unlock(&lock);
		busy--;
	}
	return state == ON;
}

/* Records "f OLD" (if old is known) and then "a NEW SIZE" for p: either
 * half may be absent (old NULL: an allocation; p NULL: a free). */
static void record(void *old, void *p, size_t size)
{
	busy++;
	pthread_mutex_lock(&lock);
	if (state == ON) {
		uint64_t old_id = old ? table_remove((uintptr_t)old) : 0;

		if (p) {
			uint64_t id = next_id++;

			if (table_insert((uintptr_t)p, id)) {
				put_str("a ");
				put_u64(id);
				put_str(" ");
				put_u64(size);
				put_str("\n");
			}
		}
		if (old_id) {
			put_str("f ");
			put_u64(old_id);
			put_str("\n");
		}
	}
	pthread_mutex_unlock(&lock);
	busy--;
}

EXPORT void *malloc(size_t size)
{
	void *p = __libc_malloc(size);

	if (p && recording())
		record(NULL, p, size);
	return p;
}

EXPORT void free(void *p)
{
	/* Forget p before it can be handed out again to another thread. */
	if (p && recording())
		record(p, NULL, 0);
	__libc_free(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	if (p && recording())
		record(NULL, p, n * size);	/* no overflow: it succeeded */
	return p;
}

EXPORT void *realloc(void *old, size_t size)
{
	if (!recording())
		return __libc_realloc(old, size);
	if (old && size == 0) {
		record(old, NULL, 0);
		return __libc_realloc(old, 0);
	}
	void *p = __libc_realloc(old, size);

	if (p)
		record(old, p, size);
	return p;
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, bytes);
}

static void *aligned(size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);

	if (p && recording())
		record(NULL, p, size);
	return p;
}

EXPORT int posix_memalign(void **res, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = aligned(align, size);

	if (!p)
		return ENOMEM;
	*res = p;
	return 0;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return aligned(align, size);
}

EXPORT void *memalign(size_t align, size_t size)
{
	return aligned(align, size);
}

EXPORT void *valloc(size_t size)
{
	void *p = __libc_valloc(size);

	if (p && recording())
		record(NULL, p, size);
	return p;
}

EXPORT void *pvalloc(size_t size)
{
	void *p = __libc_pvalloc(size);

	if (p && recording())
		record(NULL, p, size);
	return p;
}
