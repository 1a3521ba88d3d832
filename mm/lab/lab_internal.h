/*
 * mm/lab/lab_internal.h - what the lab's files share: the run context and
 * its options, output (CSV or table), the lab's own memory and random
 * numbers, views of the buddy allocator and the slab pages, the
 * allocators under comparison, workloads and traces.
 *
 * Files:
 *   core.c        registry, option parsing, lab_run
 *   output.c      CSV and table output, messages, progress, the clock
 *   mem.c         bookkeeping pages, paged arrays, random numbers, sorting,
 *                 buddy snapshots and indices, slab census, ballast
 *   alloc.c       the allocators compared: cache, kmalloc, buddy, *-fit
 *   fit.c         first-fit / best-fit / next-fit heaps over buddy pages
 *   workload.c    synthetic op streams and the runner that applies ops
 *   trace.c       the trace parser (a ID SIZE / f ID) as an op stream
 *   exp_*.c       one experiment each
 *
 * Nothing here is thread-safe: one experiment runs at a time (lab_run
 * uses one static context).  The lab is the only user of mm while it runs
 * (true of the kernel shell and of tools/mmlab); its free-page deltas
 * would otherwise include other users' allocations.
 */
#ifndef MM_LAB_LAB_INTERNAL_H
#define MM_LAB_LAB_INTERNAL_H

#include "mm/lab/lab.h"
#include "mm/mm.h"

/* Linux's number, like the ones mm/port.h defines (only the lab uses it). */
#ifndef EIO
#define EIO	5
#endif

/* ---- options ----------------------------------------------------------- */

enum lab_format { LAB_FMT_CSV, LAB_FMT_TABLE };
enum lab_dist { LAB_DIST_FIXED, LAB_DIST_UNIFORM, LAB_DIST_POWERLAW };
enum lab_life { LAB_LIFE_LIFO, LAB_LIFE_FIFO, LAB_LIFE_RANDOM };

/* The allocators compared; names in lab_allocator_names[]. */
enum lab_alloc_kind {
	LAB_ALLOC_CACHE,	/* one dedicated kmem_cache per request size */
	LAB_ALLOC_KMALLOC,	/* kmalloc size classes (alias: slab) */
	LAB_ALLOC_BUDDY,	/* alloc_pages(get_order(size)) */
	LAB_ALLOC_FIRST_FIT,	/* free-list heaps over buddy chunks */
	LAB_ALLOC_BEST_FIT,
	LAB_ALLOC_NEXT_FIT,
	LAB_NR_ALLOCATORS
};
extern const char *const lab_allocator_names[LAB_NR_ALLOCATORS];

#define LAB_MAX_LIST		64	/* entries of a list option */
#define LAB_TRACE_NAME_MAX	160

struct lab_opts {
	uint64_t seed;
	unsigned int format;
	unsigned int sizes[LAB_MAX_LIST];
	unsigned int nr_sizes;
	unsigned int allocators[LAB_NR_ALLOCATORS];
	unsigned int nr_allocators;
	unsigned int orders[LAB_MAX_LIST];
	unsigned int nr_orders;
	unsigned int sets[LAB_MAX_LIST];	/* working-set sizes */
	unsigned int nr_sets;
	unsigned long objects;		/* 0: the experiment decides */
	unsigned long ops;
	unsigned long live;
	unsigned long samples;
	unsigned long long budget;	/* bytes */
	unsigned int dist, min_size, max_size;
	unsigned int life;
	unsigned int longlived;		/* percent of allocations */
	unsigned int free_pct;
	unsigned long slabs;
	unsigned int ctor_work;
	unsigned int chunk_order;
	unsigned int order;		/* the order indices are shown for */
	unsigned long max_errors;
	bool by_set, histogram, strict;
	char trace[LAB_TRACE_NAME_MAX];
};

struct lab_ctx;

struct lab_experiment {
	const char *name;
	const char *summary;
	/* Options it takes besides seed and format, comma-separated. */
	const char *options;
	/* Its defaults, as a command line parsed before the user's. */
	const char *defaults;
	int (*run)(struct lab_ctx *c);
};

/* ---- the run context --------------------------------------------------- */

#define LAB_MAX_COLUMNS		48
#define LAB_LINE_MAX		768

struct lab_ctx {
	const struct lab_env *env;
	const struct lab_experiment *exp;
	struct lab_opts o;
	uint64_t rng;			/* the experiment's generator */
	unsigned long overhead_pages;	/* held by lab_alloc */

	/* The table being printed. */
	unsigned int ncols, col;
	uint8_t width[LAB_MAX_COLUMNS];
	char line[LAB_LINE_MAX];
	size_t len;
	unsigned long rows;

	/* Progress: the last value reported, to rate-limit the callback. */
	unsigned long progress_last;
	/* A trace read again (one pass per allocator) does not report its
	 * bad lines again. */
	bool trace_quiet;
};

/* ---- output (output.c) --------------------------------------------------- */

/* Starts a table: columns is "a,b,c"; prints the header (CSV) or the
 * header and a rule (table). */
void lab_table(struct lab_ctx *c, const char *columns);
void lab_cell_str(struct lab_ctx *c, const char *s);
void lab_cell_u64(struct lab_ctx *c, uint64_t v);
void lab_cell_s64(struct lab_ctx *c, int64_t v);
/* num/den with three decimals ("1.234"), rounded; "inf" when only den is
 * 0, and 0.000 for 0/0 (a rate of nothing). */
void lab_cell_ratio(struct lab_ctx *c, uint64_t num, uint64_t den);
/* A value in thousandths, printed as [-]N.NNN (Linux's index format). */
void lab_cell_milli(struct lab_ctx *c, int64_t milli);
/* Ends a row; a row with the wrong number of cells is a bug in the
 * experiment, reported on diag. */
void lab_row_end(struct lab_ctx *c);

/* Messages for the user, on env->diag (a newline is added). */
void lab_diag(struct lab_ctx *c, const char *fmt, ...) __printf(2, 3);
/* Progress of the current experiment (rate-limited to ~1%). */
void lab_progress(struct lab_ctx *c, unsigned long done, unsigned long total);
/* The timing clock (env->cycles or mm_port_cycles). */
uint64_t lab_cycles(struct lab_ctx *c);

/* ---- the lab's own memory and helpers (mem.c) -------------------------- */

/* Zeroed whole pages from the buddy allocator (at most 4 MiB), counted in
 * c->overhead_pages; NULL with a diag line when memory is short. */
void *lab_alloc(struct lab_ctx *c, size_t bytes);
void lab_free(struct lab_ctx *c, void *p, size_t bytes);

/* n * elem, or SIZE_MAX when that overflows (an option can ask for more
 * than a 32-bit size_t holds; lab_alloc then refuses it). */
static inline size_t lab_array_bytes(unsigned long long n, size_t elem)
{
	unsigned long long bytes;

	if (__builtin_mul_overflow(n, (unsigned long long)elem, &bytes) || bytes > SIZE_MAX)
		return SIZE_MAX;
	return (size_t)bytes;
}

/*
 * A growable array of fixed-size elements in page chunks: element i lives
 * at chunk i / per_chunk, so growing never moves an element.
 */
struct lab_vec {
	struct lab_ctx *c;
	size_t elem;
	unsigned long per_chunk;
	void **dir;
	unsigned long dir_cap;		/* chunk pointers dir can hold */
	unsigned long nr_chunks;
};
void lab_vec_init(struct lab_vec *v, struct lab_ctx *c, size_t elem);
/* Element i, allocating its chunk (zeroed) if needed; NULL on OOM. */
void *lab_vec_at(struct lab_vec *v, unsigned long i);
void lab_vec_destroy(struct lab_vec *v);

/* splitmix64, seeded from --seed. */
uint64_t lab_rand(struct lab_ctx *c);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t lab_rand_below(struct lab_ctx *c, uint32_t n);
void lab_shuffle_u32(struct lab_ctx *c, uint32_t *a, unsigned long n);

void lab_sort_u32(uint32_t *a, unsigned long n);
/* Nearest-rank percentile of sorted a: per100k 50000 is the median,
 * 99900 the 99.9th percentile. */
uint32_t lab_percentile(const uint32_t *a, unsigned long n, unsigned int per100k);

/* Free blocks per order over the lowmem zones (what GFP_KERNEL can use). */
struct lab_buddy {
	unsigned long free_pages;
	unsigned long blocks[NR_PAGE_ORDERS];
};
void lab_buddy_snapshot(struct lab_buddy *b);
int lab_unusable_index(const struct lab_buddy *b, unsigned int order);
int lab_extfrag_index(const struct lab_buddy *b, unsigned int order);
/* The largest order with a free block, -1 when none. */
int lab_largest_order(const struct lab_buddy *b);

/* Slab pages of the caches match() accepts, by state. */
struct lab_slab_census {
	unsigned long slabs, pages;
	unsigned long full_pages, partial_pages, empty_pages;
	unsigned long partial_slabs;
	unsigned long objects, inuse;	/* capacity and live objects */
};
void lab_slab_census(bool (*match)(struct kmem_cache *s, void *arg), void *arg,
		     struct lab_slab_census *out);

/* Gives every empty slab of every cache back to the buddy allocator, so
 * that free-page baselines do not depend on what ran before. */
void lab_settle(void);

/*
 * A ballast holds all free lowmem except `keep` bytes (rounded up to
 * whole MAX_PAGE_ORDER blocks), so that an experiment's workload runs in
 * a budget it can exhaust and fragment.  Blocks are chained through
 * page->lru (the owner's use of an allocated head).
 */
struct lab_ballast {
	struct list_head blocks;
	unsigned long pages;
};
int lab_ballast_fill(struct lab_ctx *c, struct lab_ballast *b, unsigned long long keep);
void lab_ballast_release(struct lab_ballast *b);

/* ---- allocators (alloc.c, fit.c) --------------------------------------- */

struct fit_heap;

struct lab_allocator {
	enum lab_alloc_kind kind;
	struct lab_ctx *c;
	struct fit_heap *heap;
	struct kmem_cache **caches;	/* cache: index (size + 7) / 8 */
	unsigned int nr_caches;
	unsigned int chunk_order;
	unsigned long failures;
};

#define LAB_GFP			(GFP_KERNEL | __GFP_NOWARN)
#define LAB_CACHE_MAX_SIZE	KMALLOC_MAX_CACHE_SIZE	/* above: pages */
#define LAB_MAX_REQUEST		KMALLOC_MAX_SIZE	/* 4 MiB: one max-order block */

int lab_allocator_init(struct lab_ctx *c, struct lab_allocator *a,
		       enum lab_alloc_kind kind);
/* size 1..LAB_MAX_REQUEST; NULL when the allocator fails. */
void *lab_allocator_alloc(struct lab_allocator *a, size_t size);
void lab_allocator_free(struct lab_allocator *a, void *p, size_t size);
/* Creates what serving `size` needs up front (the cache allocator's
 * kmem_cache), so that it is not billed to the objects; 0 or -ENOMEM. */
int lab_allocator_prepare(struct lab_allocator *a, size_t size);
/* Gives back the memory held for objects (destroys the caches, returns
 * the heap's chunks) but keeps the bookkeeping; everything allocated must
 * have been freed. */
void lab_allocator_release(struct lab_allocator *a);
/* Releases, then frees the bookkeeping too. */
void lab_allocator_destroy(struct lab_allocator *a);
/* Whether s is one of the slab caches this allocator uses. */
bool lab_allocator_owns_cache(struct kmem_cache *s, void *a);
int lab_allocator_parse(const char *name);

/* Free-list heaps (fit.c).  Blocks carry an 8-byte header; free blocks
 * are kept in one address-ordered list across chunks of 2^chunk_order
 * pages, and coalesce with their neighbours on free. */
enum fit_policy { FIT_FIRST, FIT_BEST, FIT_NEXT };

struct fit_stats {
	unsigned long chunks;		/* held now */
	unsigned long pages;		/* held now */
	unsigned long free_blocks;
	unsigned long long free_bytes;
	unsigned long long searched;	/* free blocks visited by searches */
};

struct fit_heap *fit_create(struct lab_ctx *c, enum fit_policy policy,
			    unsigned int chunk_order);
void *fit_alloc(struct fit_heap *h, size_t size);
void fit_free(struct fit_heap *h, void *p);
/* The usable size of an allocated block (>= what was asked). */
size_t fit_usable_size(const struct fit_heap *h, const void *p);
void fit_get_stats(const struct fit_heap *h, struct fit_stats *st);
/* The most blocks one chunk can hold (of the smallest block size). */
unsigned long fit_chunk_blocks_max(const struct fit_heap *h);
/* Walks every chunk and the free list; returns the number of broken
 * invariants (each reported on diag). */
int fit_check(struct fit_heap *h);
/* Returns every chunk to the buddy allocator (live blocks included). */
void fit_release(struct fit_heap *h);
void fit_destroy(struct fit_heap *h);

/* ---- workloads (workload.c, trace.c) ----------------------------------- */

enum lab_op_kind { LAB_OP_ALLOC, LAB_OP_FREE };

struct lab_op {
	uint8_t kind;
	uint32_t slot;		/* which live object (alloc: a free slot) */
	uint32_t size;		/* alloc only */
};

/* A stream of ops: next() returns 1 with an op, 0 at the end, or a
 * negative errno to stop (already reported). */
struct lab_source {
	int (*next)(struct lab_source *src, struct lab_op *op);
	void (*destroy)(struct lab_source *src);
	unsigned long total;	/* ops expected, 0 if unknown (progress) */
};

/* Synthetic workload: --dist/--min/--max sizes, --life order of frees,
 * --live objects at most (short-lived), --longlived percent kept until
 * the end, --ops operations, then every live object is freed. */
struct lab_source *lab_synthetic_create(struct lab_ctx *c);
/* The size a synthetic workload draws next (exposed for tests). */
uint32_t lab_draw_size(struct lab_ctx *c);

/* Trace replay from env->trace_open(name). */
struct lab_source *lab_trace_create(struct lab_ctx *c, const char *name);
struct lab_trace_counts {
	unsigned long lines, allocs, frees, comments;
	unsigned long bad_lines;	/* syntax: unknown op, missing or bad field */
	unsigned long huge;		/* size > LAB_MAX_REQUEST */
	unsigned long duplicates;	/* alloc of a live ID */
	unsigned long unknown_frees;	/* free of an ID not live */
};
void lab_trace_get_counts(struct lab_source *src, struct lab_trace_counts *tc);
/* Starts the trace over (reopening it), keeping the ID table's memory so
 * that a second pass allocates nothing: 0, or the open's error. */
int lab_trace_rewind(struct lab_source *src);
/* The most slots the trace has used at once so far. */
unsigned long lab_trace_slots(struct lab_source *src);

/* Applies ops to an allocator and keeps the books. */
struct lab_slot {
	void *ptr;		/* NULL: free slot, or the allocation failed */
	uint32_t size;
};

struct lab_runner {
	struct lab_ctx *c;
	struct lab_allocator *a;
	struct lab_vec slots;
	unsigned long ops, allocs, frees, failures;
	unsigned long live_objects, peak_live_objects;
	unsigned long long live_bytes, peak_live_bytes;
	uint64_t cycles;	/* spent in the allocator */
	/* Pages taken from the buddy allocator (free-page delta minus the
	 * lab's own bookkeeping) now, at its peak, and the live bytes then. */
	unsigned long base_free, base_overhead;
	unsigned long taken, peak_taken;
	unsigned long long live_bytes_at_peak;
	bool track_peak;	/* sample taken after every op */
	/* With a trace, the ID table may still have to grow: allocations
	 * are refused (counted as failed) while fewer free pages than this
	 * remain, so the lab's bookkeeping never starves. */
	unsigned long reserve_pages;
};

#define LAB_RESERVE_PAGES	1024	/* 4 MiB */
int lab_runner_init(struct lab_runner *r, struct lab_ctx *c, struct lab_allocator *a);
/* Free pages and overhead now become the zero of `taken`. */
void lab_runner_baseline(struct lab_runner *r);
unsigned long lab_runner_taken(struct lab_runner *r);
/* 0, or -ENOMEM when the slot table cannot grow. */
int lab_runner_apply(struct lab_runner *r, const struct lab_op *op);
/* Frees whatever is still live (end of a stream that did not). */
void lab_runner_drain(struct lab_runner *r);
void lab_runner_destroy(struct lab_runner *r);

/* ---- small shared helpers ---------------------------------------------- */

/* Bytes the pages of `order` hold. */
static inline unsigned long lab_order_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

extern const struct lab_experiment lab_exp_waste, lab_exp_fragmentation,
	lab_exp_pinning, lab_exp_ctor, lab_exp_colour, lab_exp_speed,
	lab_exp_replay;

#endif
