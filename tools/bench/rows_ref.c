/*
 * tools/bench/rows_ref.c - the references every mm row is compared with,
 * measured in the same run:
 *
 *   floor   an intrusive singly linked freelist of preallocated blocks,
 *           pop then push, each an out-of-line call (noipa) as mm's entry
 *           points are calls into libmm.a: the least an allocator can do;
 *   locked  the same with mm's own spinlock_t (arch/host/port.c) taken
 *           around each op (two lock/unlock pairs per pair, as
 *           alloc_pages+__free_pages), so "x locked" separates mm's
 *           algorithm from its locking; plain pthread mutexes of the
 *           default and error-checking types are shown for comparison;
 *   glibc   malloc+free of the same size (4096 << order for page rows),
 *           and glibc's fill-all/free-all of 4 KiB blocks.
 *
 * Also the fill helpers that glibc's and mm's fill rows share.
 */
#define _GNU_SOURCE
#include "tools/bench/rows.h"

#include "mm/port.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define FLOOR_BLOCKS		64

#define noipa	__attribute__((noipa))

/* ---- reference: the bare freelist (the floor) ------------------------------- */

struct fl_node {
	struct fl_node *next;
};

struct freelist {
	struct fl_node *head;
	pthread_mutex_t lock;
	spinlock_t mm_lock;	/* mm's own lock type (arch/host/port.c) */
	bool use_mm_lock;
	char *blocks;		/* FLOOR_BLOCKS pages, mmap'd: not glibc's heap */
};

static struct freelist floor_list;

static noipa void *fl_pop(struct freelist *f)
{
	struct fl_node *n = f->head;

	if (n)
		f->head = n->next;
	return n;
}

static noipa void fl_push(struct freelist *f, void *p)
{
	struct fl_node *n = p;

	n->next = f->head;
	f->head = n;
}

static noipa void *fl_pop_locked(struct freelist *f)
{
	unsigned long flags = 0;

	if (f->use_mm_lock)
		spin_lock_irqsave(&f->mm_lock, flags);
	else
		pthread_mutex_lock(&f->lock);
	struct fl_node *n = f->head;

	if (n)
		f->head = n->next;
	if (f->use_mm_lock)
		spin_unlock_irqrestore(&f->mm_lock, flags);
	else
		pthread_mutex_unlock(&f->lock);
	return n;
}

static noipa void fl_push_locked(struct freelist *f, void *p)
{
	struct fl_node *n = p;
	unsigned long flags = 0;

	if (f->use_mm_lock)
		spin_lock_irqsave(&f->mm_lock, flags);
	else
		pthread_mutex_lock(&f->lock);
	n->next = f->head;
	f->head = n;
	if (f->use_mm_lock)
		spin_unlock_irqrestore(&f->mm_lock, flags);
	else
		pthread_mutex_unlock(&f->lock);
}

/* arg: the pthread mutex type, or FLOOR_MM_LOCK for mm's own spinlock_t
 * (the run functions decide whether to lock). */
int ref_floor_setup(struct bench_ctx *c)
{
	struct freelist *f = &floor_list;
	pthread_mutexattr_t attr;

	memset(f, 0, sizeof(*f));
	f->use_mm_lock = c->row->arg == FLOOR_MM_LOCK;
	spin_lock_init(&f->mm_lock);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, f->use_mm_lock ? PTHREAD_MUTEX_DEFAULT
							: (int)c->row->arg);
	pthread_mutex_init(&f->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	/* mmap rather than malloc, so that the references leave glibc's
	 * heap as they found it for the glibc rows. */
	f->blocks = mmap(NULL, FLOOR_BLOCKS * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->blocks == MAP_FAILED) {
		f->blocks = NULL;
		bench_error(c, "out of memory");
		return -1;
	}
	for (int i = 0; i < FLOOR_BLOCKS; i++)
		fl_push(f, f->blocks + (size_t)i * PAGE_SIZE);
	snprintf(c->note, sizeof(c->note), "%d blocks of 4 KiB", FLOOR_BLOCKS);
	return 0;
}

int ref_floor_teardown(struct bench_ctx *c)
{
	struct freelist *f = &floor_list;
	int n = 0;

	while (fl_pop(f))
		n++;
	munmap(f->blocks, FLOOR_BLOCKS * PAGE_SIZE);
	pthread_mutex_destroy(&f->lock);
	if (n != FLOOR_BLOCKS) {
		bench_error(c, "freelist lost blocks: %d of %d", n, FLOOR_BLOCKS);
		return -1;
	}
	return 0;
}

uint64_t ref_run_floor(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	struct freelist *f = &floor_list;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		fl_push(f, bench_escape(fl_pop(f)));
	meter_stop(m);
	return n;
}

uint64_t ref_run_floor_locked(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	struct freelist *f = &floor_list;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		fl_push_locked(f, bench_escape(fl_pop_locked(f)));
	meter_stop(m);
	return n;
}

/* ---- reference: glibc --------------------------------------------------------------- */

/*
 * arg: bytes.  What a malloc+free pair costs depends on where glibc finds
 * the chunk and whether freeing it coalesces with free neighbours, which
 * depends on every row that ran before.  Setup fixes the state: the
 * chunk the pairs recycle is caged between two live chunks of the same
 * size (as in a long-running program with other data around), so a free
 * never coalesces and the next malloc finds it again in glibc's bins
 * (tcache up to 1 KiB, the unsorted bin above that).  Chunks handed out
 * from glibc's bins on the way to three neighbours are held until the
 * cage is built, then freed.  The first malloc+free of a size above the
 * mmap threshold (128 KiB) is an mmap+munmap that raises the threshold,
 * so setup does one before building the cage.
 */
#define GLIBC_CAGE_TRIES	4096

static void *glibc_cage[2];

int ref_glibc_pair_setup(struct bench_ctx *c)
{
	size_t size = c->row->arg, nscratch = 0;
	void **scratch = calloc(GLIBC_CAGE_TRIES + 3, sizeof(*scratch));
	char *lo = NULL, *mid = NULL, *hi = NULL;

	if (!scratch) {
		bench_error(c, "out of memory");
		return -1;
	}
	free(bench_escape(malloc(size)));
	/* Three consecutive chunks: equal, positive spacing (carved one
	 * after another from the top chunk once the bins have none left). */
	while (nscratch < GLIBC_CAGE_TRIES) {
		scratch[nscratch++] = malloc(size);
		if (nscratch < 3)
			continue;
		lo = scratch[nscratch - 3];
		mid = scratch[nscratch - 2];
		hi = scratch[nscratch - 1];
		if (lo && mid > lo && hi - mid == mid - lo)
			break;
		lo = NULL;
	}
	if (lo) {
		glibc_cage[0] = lo;
		glibc_cage[1] = hi;
		nscratch -= 3;
	}
	for (size_t i = 0; i < nscratch; i++)
		free(scratch[i]);
	free(scratch);
	if (!lo) {
		bench_error(c, "could not cage a %zu-byte chunk", size);
		return -1;
	}
	free(mid);
	snprintf(c->note, sizeof(c->note), "chunk caged between live chunks");
	return 0;
}

int ref_glibc_pair_teardown(struct bench_ctx *c)
{
	free(glibc_cage[0]);
	free(glibc_cage[1]);
	memset(glibc_cage, 0, sizeof(glibc_cage));
	return 0;
}

uint64_t ref_run_glibc_pair(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	size_t size = c->row->arg;

	meter_start(m);
	for (uint64_t i = 0; i < n; i++)
		free(bench_escape(malloc(size)));
	meter_stop(m);
	return n;
}

/* ---- fill everything, free everything ---------------------------------------------- */

struct bench_fill bench_fill;

int bench_fill_alloc(struct bench_ctx *c, size_t count)
{
	uint64_t rng = c->seed;

	bench_fill.count = count;
	bench_fill.slot = calloc(count, sizeof(*bench_fill.slot));
	bench_fill.tmp = calloc(count, sizeof(*bench_fill.tmp));
	bench_fill.perm = calloc(count, sizeof(*bench_fill.perm));
	if (!bench_fill.slot || !bench_fill.tmp || !bench_fill.perm) {
		bench_error(c, "out of memory for %zu slots", count);
		return -1;
	}
	for (size_t i = 0; i < count; i++)
		bench_fill.perm[i] = i;
	for (size_t i = count - 1; i > 0; i--) {	/* Fisher-Yates */
		size_t j = (size_t)(bench_rng_next(&rng) % (i + 1));
		size_t t = bench_fill.perm[i];

		bench_fill.perm[i] = bench_fill.perm[j];
		bench_fill.perm[j] = t;
	}
	return 0;
}

void bench_fill_free(void)
{
	free(bench_fill.slot);
	free(bench_fill.tmp);
	free(bench_fill.perm);
	memset(&bench_fill, 0, sizeof(bench_fill));
}

/* Reorders bench_fill.slot by the permutation (untimed). */
void bench_fill_shuffle(void)
{
	for (size_t i = 0; i < bench_fill.count; i++)
		bench_fill.tmp[i] = bench_fill.slot[bench_fill.perm[i]];
	void **t = bench_fill.slot;

	bench_fill.slot = bench_fill.tmp;
	bench_fill.tmp = t;
}

bool bench_fill_has_null(void)
{
	for (size_t i = 0; i < bench_fill.count; i++)
		if (!bench_fill.slot[i])
			return true;
	return false;
}

/*
 * arg: blocks per fill; arg2: enum fill_timed.
 *
 * glibc keeps its chunk headers inside the memory it hands out, so a fill
 * writes into every 4 KiB it returns, and when everything is freed the
 * emptied heap is trimmed back to the kernel: every fill would then pay a
 * page fault per block (~2 us on a VM), which measures the kernel, not
 * malloc.  The first setup therefore grows the heap once and pins it
 * with one live block carved from the top chunk just above it, as any
 * long-running program has; the pin is never freed, so later fills (of
 * every round) reuse mapped memory.  (mallopt(M_TRIM_THRESHOLD) would do
 * it too, but it also switches off glibc's dynamic mmap threshold, which
 * turns the 2 MiB pair into mmap+munmap.)  The pair rows cage their chunk
 * (above), so the large free area this leaves in the heap does not change
 * what they measure.  mm's pages need no such help: struct page lives
 * outside the page.
 */
static void *glibc_pin;

int ref_glibc_fill_setup(struct bench_ctx *c)
{
	if (bench_fill_alloc(c, c->row->arg))
		return -1;
	if (!glibc_pin) {
		for (size_t i = 0; i < bench_fill.count; i++)
			bench_fill.slot[i] = malloc(PAGE_SIZE);
		/* The same size right after the fill: no bin has a chunk
		 * left that fits, so it comes from the top chunk. */
		glibc_pin = malloc(PAGE_SIZE);
		for (size_t i = 0; i < bench_fill.count; i++)
			free(bench_fill.slot[i]);
		if (bench_fill_has_null() || !glibc_pin) {
			bench_error(c, "malloc failed");
			return -1;
		}
	}
	snprintf(c->note, sizeof(c->note), "%zu x malloc(4096), heap pinned",
		 bench_fill.count);
	return 0;
}

int ref_glibc_fill_teardown(struct bench_ctx *c)
{
	bench_fill_free();
	return 0;
}

uint64_t ref_run_glibc_fill(struct bench_ctx *c, uint64_t n, struct meter *m)
{
	enum fill_timed timed = (enum fill_timed)c->row->arg2;
	uint64_t ops = 0;

	do {
		if (timed == TIME_FILL)
			meter_start(m);
		for (size_t i = 0; i < bench_fill.count; i++)
			bench_fill.slot[i] = malloc(PAGE_SIZE);
		if (timed == TIME_FILL)
			meter_stop(m);
		if (bench_fill_has_null()) {
			bench_error(c, "malloc failed");
			return 0;
		}
		if (timed == TIME_FREE_SHUFFLED)
			bench_fill_shuffle();
		if (timed != TIME_FILL)
			meter_start(m);
		for (size_t i = 0; i < bench_fill.count; i++)
			free(bench_fill.slot[i]);
		if (timed != TIME_FILL)
			meter_stop(m);
		ops += bench_fill.count;
	} while (ops < n);
	return ops;
}

