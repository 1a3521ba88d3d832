/*
 * tests/host/test_slab_random.c - a seeded random walk of over a million
 * slab and kmalloc operations against a shadow model, with mm_check()
 * after every step.
 *
 * The model knows every live object: where it is, how many bytes it may
 * use, and what it holds.  Each object is filled with its own pattern when
 * allocated and checked when freed (a write by mm into a live object, or
 * an object handed to two owners, breaks a pattern).  A byte map of the
 * arena, one entry per 8-byte granule, marks which granules live objects
 * cover (START for an object's first granule, BODY for the rest): an
 * allocation that overlaps a live object is caught the moment it is made.
 *
 * Objects come from six caches (with and without a ctor, several sizes
 * and alignments) and from kmalloc (sizes 1..8192 and large blocks).
 * Caches with a ctor are checked to hand out constructed objects (the
 * model puts the constructed state back before freeing, as Bonwick's
 * contract asks).  The walk alternates between two phases:
 *
 *   phase   live objects kept around   large kmalloc share
 *   50%     MAX_LIVE / 2               1%, up to 64 KiB
 *   100%    MAX_LIVE                   6%, up to 256 KiB (memory runs out:
 *                                      allocations fail, mm stays sound)
 *
 * and now and then shrinks caches, allocates in bulk, reallocates, and
 * misuses the API on purpose (double free, interior pointers, the wrong
 * cache, foreign addresses), each of which must be refused and counted
 * exactly once.
 *
 * MM_TEST_SEED=N replays a run; MM_RANDOM_STEPS=N changes its length.
 * Arena: 4 MiB: mm_check() after every step walks every page and every free
 * object, so a small arena keeps a step near 35 us under ASan; it also
 * makes memory run out now and then even in the 50% phase.
 */
#include "tests/host/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB(x)		((uint64_t)(x) << 20)
#define ARENA		MIB(4)
#define STEPS		1000000UL
#define MAX_LIVE	1500
#define PHASE_STEPS	50000UL
#define GRANULE		8
#define PATTERN_BYTES	((256u << 10) + 4096)
#define FREED_RING	64

enum { MAP_FREE, MAP_START, MAP_BODY };

struct cache_spec {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	bool ctor;
};

static const struct cache_spec specs[] = {
	{ "rnd-24", 24, 0, 0, false },
	{ "rnd-ctor-100", 100, 0, 0, true },
	{ "rnd-300-a64", 300, 64, 0, false },
	{ "rnd-hw-3000", 3000, 0, SLAB_HWCACHE_ALIGN, false },
	{ "rnd-ctor-1500", 1500, 16, 0, true },
	{ "rnd-1-a32", 1, 32, 0, false },
};
#define NR_CACHES	ARRAY_SIZE(specs)
#define KIND_KMALLOC	(-1)

struct obj {
	char *ptr;
	size_t size;	/* bytes the owner uses (filled with the pattern) */
	size_t span;	/* bytes marked in the map (ksize, or the object) */
	int kind;	/* cache index or KIND_KMALLOC */
	uint32_t id;
};

static struct kmem_cache *caches[NR_CACHES];
static unsigned char *constructed[NR_CACHES];	/* each ctor cache's image */
static struct obj live[MAX_LIVE];
static size_t nlive;
static unsigned char *map;
static unsigned char *pattern;
static struct { void *ptr; int kind; } freed[FREED_RING];
static unsigned int nfreed;
static uint64_t seed, rng;
static unsigned long step;
static uint32_t next_id;
static unsigned long n_alloc, n_free, n_fail, n_misuse, n_shrink, n_bulk, n_realloc;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s failed at step %lu; "	\
				"seed %#llx (MM_TEST_SEED to replay)\n",	\
				__FILE__, __LINE__, #cond, step,	\
				(unsigned long long)seed);		\
			fprintf(stderr, "log:\n%s\n", mm_host_log());	\
			fail();						\
		}							\
	} while (0)

/* ---- the constructors ------------------------------------------------------------ */

static void ctor_image(size_t k, unsigned char *out, size_t size)
{
	for (size_t i = 0; i < size; i++)
		out[i] = (unsigned char)(0x5a ^ (i * 3) ^ (k << 5));
}

static void ctor1(void *obj)
{
	ctor_image(1, obj, specs[1].size);
}

static void ctor4(void *obj)
{
	ctor_image(4, obj, specs[4].size);
}

static void (*const ctors[NR_CACHES])(void *) = { [1] = ctor1, [4] = ctor4 };

/* ---- the shadow map ------------------------------------------------------------------ */

static size_t granule_of(const void *p)
{
	return (size_t)((uintptr_t)p - (uintptr_t)mm_host_arena()) / GRANULE;
}

static void map_claim(const struct obj *o)
{
	size_t g = granule_of(o->ptr), n = DIV_ROUND_UP(o->span, GRANULE);

	CHECK((uintptr_t)o->ptr % GRANULE == 0);
	CHECK(g + n <= ARENA / GRANULE);
	CHECK(memchr(map + g, MAP_START, n) == NULL);	/* no live object here */
	CHECK(memchr(map + g, MAP_BODY, n) == NULL);
	map[g] = MAP_START;
	memset(map + g + 1, MAP_BODY, n - 1);
}

static void map_release(const struct obj *o)
{
	size_t g = granule_of(o->ptr), n = DIV_ROUND_UP(o->span, GRANULE);

	CHECK(map[g] == MAP_START);
	for (size_t i = 1; i < n; i++)
		CHECK(map[g + i] == MAP_BODY);
	memset(map + g, MAP_FREE, n);
}

/* ---- patterns ------------------------------------------------------------------------------ */

static const unsigned char *pattern_of(uint32_t id)
{
	return pattern + (id * 61u) % 4096u;
}

static void fill(struct obj *o)
{
	o->id = next_id++;
	memcpy(o->ptr, pattern_of(o->id), o->size);
}

static void verify(const struct obj *o)
{
	if (memcmp(o->ptr, pattern_of(o->id), o->size) != 0) {
		size_t i = 0;

		while (o->ptr[i] == pattern_of(o->id)[i])
			i++;
		fprintf(stderr, "object %p (kind %d, %zu bytes) changed at byte %zu\n",
			(void *)o->ptr, o->kind, o->size, i);
		CHECK(!"a live object's pattern is intact");
	}
}

/* ---- allocating and freeing ------------------------------------------------------------------- */

static gfp_t random_gfp(void)
{
	return (rng_below(&rng, 8) ? GFP_KERNEL : GFP_ATOMIC) | __GFP_NOWARN;
}

static size_t random_kmalloc_size(bool full_phase)
{
	uint64_t r = rng_below(&rng, 1000);

	if (r < (full_phase ? 60u : 10u)) {
		size_t max = full_phase ? (256u << 10) : (64u << 10);

		return KMALLOC_MAX_CACHE_SIZE + 1 + rng_below(&rng, max - KMALLOC_MAX_CACHE_SIZE);
	}
	if (r < 600)
		return 1 + rng_below(&rng, 256);
	/* Log-uniform in 257..8192. */
	unsigned int shift = 8 + (unsigned int)rng_below(&rng, 5);
	size_t lo = (size_t)1 << shift;

	return lo + 1 + rng_below(&rng, lo);
}

/* Records a new object: checks it against the model and fills it.
 * in_place: a block krealloc kept, which keeps its class's alignment
 * rather than the new size's. */
static void adopt(char *p, size_t size, int kind, bool zeroed, bool in_place)
{
	struct obj *o = &live[nlive];

	o->ptr = p;
	o->size = size;
	o->kind = kind;
	if (kind == KIND_KMALLOC) {
		o->span = ksize(p);
		CHECK(o->span >= size);
		if (size <= KMALLOC_MAX_CACHE_SIZE && !in_place)
			CHECK((uintptr_t)p % (size & (size - 1) ? GRANULE : size) == 0);
		CHECK((uintptr_t)p % GRANULE == 0);
	} else {
		o->span = ALIGN(specs[kind].size, GRANULE);
		if (specs[kind].align)
			CHECK((uintptr_t)p % specs[kind].align == 0);
		if (constructed[kind])
			CHECK(memcmp(p, constructed[kind], size) == 0);
	}
	if (zeroed)
		for (size_t i = 0; i < size; i++)
			CHECK(p[i] == 0);
	map_claim(o);
	fill(o);
	nlive++;
	n_alloc++;
}

static void do_alloc(bool full_phase)
{
	int kind = (int)rng_below(&rng, NR_CACHES + 3) - 3;
	bool zero = rng_below(&rng, 10) == 0;
	char *p;
	size_t size;

	if (kind < 0) {
		kind = KIND_KMALLOC;
		size = random_kmalloc_size(full_phase);
		p = zero ? kzalloc(size, random_gfp()) : kmalloc(size, random_gfp());
	} else {
		size = specs[kind].size;
		zero &= !specs[kind].ctor;
		p = kmem_cache_alloc(caches[kind], random_gfp() | (zero ? __GFP_ZERO : 0));
	}
	if (!p) {
		n_fail++;	/* out of memory: allowed, not misuse */
		return;
	}
	adopt(p, size, kind, zero, false);
}

static void do_free(size_t i)
{
	struct obj o = live[i];

	verify(&o);
	map_release(&o);
	if (o.kind == KIND_KMALLOC) {
		kfree(o.ptr);
	} else {
		if (constructed[o.kind])	/* freed in its constructed state */
			memcpy(o.ptr, constructed[o.kind], o.size);
		kmem_cache_free(caches[o.kind], o.ptr);
	}
	live[i] = live[--nlive];
	freed[nfreed++ % FREED_RING].ptr = o.ptr;
	freed[(nfreed - 1) % FREED_RING].kind = o.kind;
	n_free++;
}

static void do_bulk(void)
{
	int kind = (int)rng_below(&rng, NR_CACHES);
	size_t n = 1 + rng_below(&rng, 40);
	void *p[40];

	if (nlive + n > MAX_LIVE)
		return;
	n_bulk++;
	if (kmem_cache_alloc_bulk(caches[kind], random_gfp(), n, p) == 0) {
		n_fail++;
		return;
	}
	for (size_t i = 0; i < n; i++)
		adopt(p[i], specs[kind].size, kind, false, false);
}

static void do_krealloc(void)
{
	size_t i = rng_below(&rng, nlive);
	struct obj *o = &live[i];

	if (o->kind != KIND_KMALLOC)
		return;
	verify(o);
	size_t size = random_kmalloc_size(false), keep = min(size, o->size);
	char *p = krealloc(o->ptr, size, random_gfp());

	n_realloc++;
	if (!p) {
		n_fail++;	/* the old block stays, untouched */
		verify(o);
		return;
	}
	CHECK(memcmp(p, pattern_of(o->id), keep) == 0);
	bool in_place = p == o->ptr;

	CHECK(in_place == (size <= o->span));
	map_release(o);
	live[i] = live[--nlive];
	adopt(p, size, KIND_KMALLOC, false, in_place);
}

/* ---- misuse ------------------------------------------------------------------------------------------ */

static int a_global;

/* One deliberate misuse; it must be refused, reported ("BUG ...") and
 * counted exactly once, and change nothing (the patterns and the map are
 * checked by later steps, mm_check by this one). */
static void do_misuse(void)
{
	unsigned long errors = misuse_begin();
	int on_stack;

	switch (rng_below(&rng, 5)) {
	case 0: {	/* free again something freed recently */
		if (!nfreed)
			return;
		unsigned int n = min(nfreed, (unsigned int)FREED_RING);
		unsigned int j = (unsigned int)rng_below(&rng, n);
		void *p = freed[j].ptr;

		if (map[granule_of(p)] == MAP_START)
			return;	/* handed out again since: a legitimate free */
		if (freed[j].kind == KIND_KMALLOC)
			kfree(p);
		else
			kmem_cache_free(caches[freed[j].kind], p);
		break;
	}
	case 1: {	/* a pointer inside a live object */
		if (!nlive)
			return;
		struct obj *o = &live[rng_below(&rng, nlive)];

		if (o->span < 2 * GRANULE)
			return;
		char *inner = o->ptr + GRANULE * (1 + rng_below(&rng, o->span / GRANULE - 1));

		if (o->kind == KIND_KMALLOC)
			kfree(inner);
		else
			kmem_cache_free(caches[o->kind], inner);
		break;
	}
	case 2: {	/* a live object freed into another cache */
		if (!nlive)
			return;
		struct obj *o = &live[rng_below(&rng, nlive)];
		int other = (int)rng_below(&rng, NR_CACHES);

		if (other == o->kind)
			return;
		kmem_cache_free(caches[other], o->ptr);
		break;
	}
	case 3:		/* addresses mm never handed out */
		kfree(rng_below(&rng, 2) ? (void *)&on_stack : (void *)&a_global);
		break;
	default: {	/* ksize of an interior pointer */
		if (!nlive)
			return;
		struct obj *o = &live[rng_below(&rng, nlive)];

		if (o->span < 2 * GRANULE)
			return;
		CHECK(ksize(o->ptr + GRANULE) == 0);
		break;
	}
	}
	n_misuse++;
	CHECK(mm_error_count() == errors + 1);
	CHECK(strncmp(mm_host_log(), "BUG", 3) == 0);
}

/* ---- the walk ----------------------------------------------------------------------------------------- */

static void setup(void)
{
	boot_simple(ARENA, "");
	map = calloc(ARENA / GRANULE, 1);
	pattern = malloc(PATTERN_BYTES);
	assert_non_null(map);
	assert_non_null(pattern);
	for (size_t i = 0; i < PATTERN_BYTES; i++)
		pattern[i] = (unsigned char)rng_next(&rng);
	for (size_t k = 0; k < NR_CACHES; k++) {
		caches[k] = kmem_cache_create(specs[k].name, specs[k].size, specs[k].align,
					      specs[k].flags, ctors[k]);
		assert_non_null(caches[k]);
		constructed[k] = NULL;
		if (specs[k].ctor) {
			constructed[k] = malloc(specs[k].size);
			ctor_image(k, constructed[k], specs[k].size);
		}
	}
	nlive = nfreed = 0;
	next_id = 1;
}

static void cleanup(void)
{
	free(map);
	free(pattern);
	for (size_t k = 0; k < NR_CACHES; k++)
		free(constructed[k]);
}

static void test_random_slab_and_kmalloc_operations_keep_mm_sound(void **state)
{
	(void)state;
	const char *env = getenv("MM_RANDOM_STEPS");
	unsigned long steps = env && *env ? strtoul(env, NULL, 0) : STEPS;
	struct timespec t0, t1;

	seed = test_seed(0x736c6162ULL);	/* "slab" */
	rng = seed;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	setup();
	unsigned long start_free = nr_free_pages();

	for (step = 0; step < steps; step++) {
		bool full_phase = (step / PHASE_STEPS) % 2;
		size_t target = full_phase ? MAX_LIVE : MAX_LIVE / 2;
		uint64_t r = rng_below(&rng, 10000);

		if (r < 10) {
			do_misuse();
		} else if (r < 15) {
			n_shrink++;
			if (rng_below(&rng, 2))
				shrink_all_caches();
			else
				kmem_cache_shrink(caches[rng_below(&rng, NR_CACHES)]);
		} else if (r < 40) {
			do_bulk();
		} else if (r < 140 && nlive) {
			do_krealloc();
		} else {
			/* Drift towards the phase's target. */
			unsigned int p_alloc = nlive < target ? 60 : 40;

			if (nlive < MAX_LIVE && (nlive == 0 || rng_below(&rng, 100) < p_alloc))
				do_alloc(full_phase);
			else
				do_free(rng_below(&rng, nlive));
		}
		CHECK(mm_check() == 0);
		if (step % 4096 == 0)
			mm_host_log_clear();	/* reclaim notices add up */
	}
	while (nlive)
		do_free(nlive - 1);
	shrink_all_caches();
	CHECK(mm_check() == 0);
	CHECK(mm_error_count() == n_misuse);
	/* Every page is back. */
	CHECK(nr_free_pages() == start_free);
	for (size_t k = 0; k < NR_CACHES; k++)
		kmem_cache_destroy(caches[k]);
	CHECK(mm_error_count() == n_misuse);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %lu steps, seed %#llx: %lu allocs, %lu frees, %lu failed (no memory), "
	       "%lu misuses refused, %lu shrinks, %lu bulk, %lu krealloc; %.1f s\n",
	       steps, (unsigned long long)seed, n_alloc, n_free, n_fail, n_misuse, n_shrink,
	       n_bulk, n_realloc,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random_slab_and_kmalloc_operations_keep_mm_sound,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_random", tests, NULL, NULL);
}
