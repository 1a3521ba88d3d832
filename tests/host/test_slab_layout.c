/*
 * tests/host/test_slab_layout.c - where objects go: alignment (requested,
 * default, SLAB_HWCACHE_ALIGN), cache colouring, objects per slab and the
 * bytes a slab wastes, and how densely we pack objects compared with the
 * Linux kernel this machine runs (tests/host/data/linux-slabinfo.txt is a
 * snapshot of its /proc/slabinfo).
 *
 * A slab of 2^order pages, as mm/slab_internal.h draws it:
 *
 *   |<- colour ->|<------- objects * size -------->|<- rest ->|
 *   +------------+--------+--------+-----+---------+----------+
 *   |   unused   | obj 0  | obj 1  | ... | obj n-1 |  unused  |
 *   +------------+--------+--------+-----+---------+----------+
 *   waste = colour + rest = (PAGE_SIZE << order) - objects * size
 */
#define _GNU_SOURCE
#include "tests/host/helpers.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB(x)	((uint64_t)(x) << 20)

static struct kmem_cache_layout layout_of(struct kmem_cache *c)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(c, &l);
	return l;
}

static unsigned long slab_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

/* The first byte of the slab that holds obj. */
static char *slab_base(const void *obj)
{
	return page_address(compound_head(virt_to_page(obj)));
}

/* Allocates objects over `slabs` slabs (at most max objects), checks each
 * against align, and frees them. */
static void assert_objects_aligned(struct kmem_cache *c, unsigned int align,
				   unsigned int slabs, unsigned int max)
{
	static void *objs[1024];
	unsigned int n = layout_of(c).objects * slabs;

	if (n > max)
		n = max;
	assert_true(n <= ARRAY_SIZE(objs));
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_non_null(objs[i]);
		if ((uintptr_t)objs[i] % align) {
			fprintf(stderr, "cache %s: object %p not aligned to %u\n",
				kmem_cache_name(c), objs[i], align);
			fail();
		}
	}
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
}

/* ---- alignment ------------------------------------------------------------------ */

static void test_every_object_is_aligned_as_requested(void **state)
{
	(void)state;
	static const unsigned int sizes[] = { 1, 7, 8, 24, 100, 1000, 3000, 5000, 20000 };

	boot_simple(MIB(16), "");
	for (unsigned int align = 1; align <= PAGE_SIZE; align <<= 1) {
		for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
			struct kmem_cache *c = kmem_cache_create("aligned", sizes[k], align,
								 0, NULL);
			unsigned int want = align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;

			assert_non_null(c);
			assert_int_equal(layout_of(c).align, want);
			assert_int_equal(layout_of(c).size % want, 0);
			assert_objects_aligned(c, want, 3, 200);
			kmem_cache_destroy(c);
			assert_mm_clean();
		}
	}
	assert_int_equal(mm_error_count(), 0);
}

static void test_default_alignment_is_at_least_8(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	for (unsigned int size = 1; size <= 300; size++) {
		struct kmem_cache *c = kmem_cache_create("default", size, 0, 0, NULL);

		assert_non_null(c);
		assert_true(layout_of(c).align >= SLAB_MIN_ALIGN);
		assert_objects_aligned(c, SLAB_MIN_ALIGN, 2, 100);
		kmem_cache_destroy(c);
	}
	assert_mm_clean();
}

/* Linux's calculate_alignment(): a cache line, halved while the object
 * still fits twice in it, never below the requested or minimum align. */
static unsigned int hwcache_align(unsigned int size, unsigned int align)
{
	unsigned int ralign = L1_CACHE_BYTES;

	while (size <= ralign / 2)
		ralign /= 2;
	if (align < ralign)
		align = ralign;
	return align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
}

static void test_hwcache_align_follows_linux_rule(void **state)
{
	(void)state;
	static const struct { unsigned int size, align, want; } cases[] = {
		{ 1, 0, 8 }, { 8, 0, 8 }, { 9, 0, 16 }, { 16, 0, 16 }, { 17, 0, 32 },
		{ 32, 0, 32 }, { 33, 0, 64 }, { 100, 0, 64 }, { 5000, 0, 64 },
		{ 20, 128, 128 }, { 20, 16, 32 }, { 4, 4096, 4096 },
	};

	boot_simple(MIB(16), "");
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		struct kmem_cache *c = kmem_cache_create("hw", cases[k].size, cases[k].align,
							 SLAB_HWCACHE_ALIGN, NULL);

		assert_non_null(c);
		assert_int_equal(layout_of(c).align, cases[k].want);
		assert_int_equal(hwcache_align(cases[k].size, cases[k].align), cases[k].want);
		assert_objects_aligned(c, cases[k].want, 2, 300);
		kmem_cache_destroy(c);
	}
	for (unsigned int size = 1; size <= 2048; size++) {
		struct kmem_cache *c = kmem_cache_create("hw", size, 0, SLAB_HWCACHE_ALIGN, NULL);

		assert_int_equal(layout_of(c).align, hwcache_align(size, 0));
		kmem_cache_destroy(c);
	}
	assert_mm_clean();
}

/* ---- colouring ----------------------------------------------------------------------- */

/*
 * 200-byte objects: an order-2 slab holds 81 of them (16200 bytes) and
 * leaves 184 bytes, room for colours 0, 64 and 128 (colour_off is a
 * cache line):
 *
 *   slab 0: |obj obj ... obj|<----- 184 ----->|
 *   slab 1: |64|obj obj ... obj|<--- 120 --->|
 *   slab 2: |  128 |obj obj ... obj|<- 56 ->|
 *   slab 3: |obj obj ... obj|<----- 184 ----->|    (the cycle restarts)
 */
static void test_successive_slabs_cycle_through_the_colours(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *c = kmem_cache_create("colour", 200, 0, 0, NULL);

	assert_non_null(c);
	struct kmem_cache_layout l = layout_of(c);

	assert_int_equal(l.order, 2);
	assert_int_equal(l.objects, 81);
	assert_int_equal(l.waste, 184);
	assert_int_equal(l.colour_off, L1_CACHE_BYTES);
	assert_int_equal(l.colours, 3);

	enum { SLABS = 8 };
	static void *objs[SLABS * 81];
	bool seen[3] = { false };
	unsigned int distinct = 0;

	for (unsigned int i = 0; i < SLABS * l.objects; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	/* Slabs fill one at a time, so objects k*81 .. k*81+80 are slab k. */
	for (unsigned int k = 0; k < SLABS; k++) {
		char *base = slab_base(objs[k * l.objects]);
		unsigned int colour = (unsigned int)((char *)objs[k * l.objects] - base) % l.size;

		assert_int_equal(colour, (k % l.colours) * l.colour_off);
		assert_true(colour <= l.waste);
		for (unsigned int i = 0; i < l.objects; i++) {
			char *o = objs[k * l.objects + i];

			assert_ptr_equal(slab_base(o), base);
			assert_int_equal((unsigned int)(o - base) % l.size, colour);
			assert_true(o - base + l.size <= (long)slab_bytes(l.order));
		}
		if (!seen[colour / l.colour_off]) {
			seen[colour / l.colour_off] = true;
			distinct++;
		}
	}
	assert_int_equal(distinct, l.colours);
	for (unsigned int i = 0; i < SLABS * l.objects; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

/* A cache with no slack has a single colour: every slab starts at 0. */
static void test_a_cache_without_slack_has_one_colour(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *c = kmem_cache_create("no-slack", 256, 0, 0, NULL);
	void *objs[16 * 4];

	assert_non_null(c);
	assert_int_equal(layout_of(c).colours, 1);
	assert_int_equal(layout_of(c).waste, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_int_equal(((char *)objs[i] - slab_base(objs[i])) % 256, 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

/* ---- the order of a new slab's freelist ---------------------------------------------------- */

/* The slot numbers, in allocation order, of the n objects of one new slab. */
static void first_slab_order(unsigned int *slot, unsigned int n)
{
	struct kmem_cache *c = kmem_cache_create("order", 64, 0, 0, NULL);
	void *objs[64];

	assert_non_null(c);
	assert_int_equal(layout_of(c).objects, n);
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		slot[i] = (unsigned int)((char *)objs[i] - slab_base(objs[0])) / 64;
		assert_ptr_equal(slab_base(objs[i]), slab_base(objs[0]));
	}
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

static void test_new_slab_hands_out_its_objects_in_a_random_order(void **state)
{
	(void)state;
	unsigned int slot[64];
	bool seen[64] = { false };
	unsigned int in_order = 0;

	boot_simple(MIB(16), "");
	first_slab_order(slot, 64);
	for (unsigned int i = 0; i < 64; i++) {
		assert_true(slot[i] < 64);
		assert_false(seen[slot[i]]);	/* each object once */
		seen[slot[i]] = true;
		in_order += i > 0 && slot[i] == slot[i - 1] + 1;
	}
	assert_true(in_order < 63);	/* not simply address order */
}

static void test_slab_freelist_random_0_hands_out_objects_in_address_order(void **state)
{
	(void)state;
	unsigned int slot[64];

	boot_simple(MIB(16), "slab_freelist_random=0");
	first_slab_order(slot, 64);
	for (unsigned int i = 0; i < 64; i++)
		assert_int_equal(slot[i], i);
}

/* ---- objects per slab and waste ------------------------------------------------------------ */

/* The smallest waste any slab of order 0..SLAB_MAX_ORDER can have, as a
 * fraction of its size, for objects of stride `size`. */
static double best_waste_fraction(unsigned int size)
{
	double best = 1.0;

	for (unsigned int o = 0; o <= SLAB_MAX_ORDER; o++)
		if (size <= slab_bytes(o)) {
			double w = (double)(slab_bytes(o) % size) / (double)slab_bytes(o);

			if (w < best)
				best = w;
		}
	return best;
}

/*
 * For every object size up to 8192: the stride is the size rounded up to
 * the alignment, the slab holds as many objects as fit, and the waste is
 * at most 1/8 of the slab.
 *
 * One exception, by arithmetic: with slabs of at most 2^SLAB_MAX_ORDER = 8
 * pages no slab can waste 1/8 or less for strides 4688..4776, 5464..5728
 * and 6560..7160 (6560 bytes: 4 per 32 KiB, 6528 bytes or 19.9% left; 3
 * per 16 KiB or 1 per 8 KiB is worse).  There the rule must pick the least
 * wasteful slab there is, as Linux's calc_slab_order does at its own
 * maximum order 3.
 */
static void test_objects_per_slab_and_waste_for_every_size_up_to_8192(void **state)
{
	(void)state;
	unsigned int over_eighth = 0, worst_size = 0;
	double worst = 0;

	boot_simple(MIB(16), "");
	for (unsigned int size = 1; size <= 8192; size++) {
		struct kmem_cache *c = kmem_cache_create("waste", size, 0, 0, NULL);
		struct kmem_cache_layout l;

		assert_non_null(c);
		l = layout_of(c);
		unsigned long bytes = slab_bytes(l.order);
		unsigned int stride = ALIGN(size < 4 ? 4 : size, SLAB_MIN_ALIGN);

		assert_int_equal(l.object_size, size);
		assert_int_equal(l.size, stride);
		assert_true(l.order <= SLAB_MAX_ORDER);
		assert_int_equal(l.objects, bytes / stride);
		assert_true(l.objects >= 1);
		assert_int_equal(l.waste, bytes - (unsigned long)l.objects * stride);
		assert_int_equal(l.colours, l.waste / l.colour_off + 1);

		double w = (double)l.waste / (double)bytes;

		if (w > 0.125) {
			over_eighth++;
			if (w > best_waste_fraction(stride) + 1e-9 ||
			    best_waste_fraction(stride) <= 0.125) {
				fprintf(stderr, "size %u: order %u, %u objects, waste %u (%.1f%%); "
					"the best slab wastes %.1f%%\n", size, l.order, l.objects,
					l.waste, 100 * w, 100 * best_waste_fraction(stride));
				fail();
			}
		}
		if (w > worst) {
			worst = w;
			worst_size = size;
		}
		kmem_cache_destroy(c);
	}
	/* The exception covers exactly the 122 strides listed above. */
	assert_int_equal(over_eighth, 122 * 8);
	assert_int_equal(worst_size, 6553);	/* the first size of stride 6560 */
	printf("# waste above 1/8 for %u of 8192 sizes (unavoidable at order <= %d), "
	       "worst %.1f%% at %u bytes\n", over_eighth, SLAB_MAX_ORDER, 100 * worst,
	       worst_size);
	assert_mm_clean();
}

/* The slabs a cache really grows have the layout it reports. */
static void test_real_slabs_match_the_reported_layout(void **state)
{
	(void)state;
	static const unsigned int sizes[] = {
		8, 24, 96, 192, 344, 1000, 2048, 3000, 4096, 4104, 6560, 8192, 20000, 32768,
	};

	boot_simple(MIB(16), "");
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct kmem_cache *c = kmem_cache_create("real", sizes[k], 0, 0, NULL);
		struct kmem_cache_layout l = layout_of(c);
		char attr[64];

		void *obj = kmem_cache_alloc(c, GFP_KERNEL);
		struct page *head = compound_head(virt_to_page(obj));

		assert_int_equal(page_order(head), l.order);
		assert_true(PageSlab(head));
		snprintf(attr, sizeof(attr), "%u\n", l.objects);
		assert_string_equal(proc_text("/sys/kernel/slab/real/objs_per_slab"), attr);
		snprintf(attr, sizeof(attr), "%u\n", l.order);
		assert_string_equal(proc_text("/sys/kernel/slab/real/order"), attr);
		snprintf(attr, sizeof(attr), "%u\n", l.objects);
		assert_string_equal(proc_text("/sys/kernel/slab/real/total_objects"), attr);
		kmem_cache_free(c, obj);
		kmem_cache_destroy(c);
		assert_mm_clean();
	}
}

/* ---- density against Linux ------------------------------------------------------------------------ */

struct linux_cache {
	char name[64];
	unsigned int objsize, objperslab, pagesperslab;
};

/* tests/host/data/linux-slabinfo.txt, found next to this source file or,
 * when run from elsewhere, from the binary (build/host/tests/NAME). */
static FILE *open_linux_slabinfo(void)
{
	static const char rel[] = "tests/host/data/linux-slabinfo.txt";
	char path[PATH_MAX + sizeof(rel) + 1], exe[PATH_MAX];
	FILE *f = fopen(rel, "r");

	if (f)
		return f;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (slash)
				*slash = '\0';
		}
		snprintf(path, sizeof(path), "%s/%s", exe, rel);
		f = fopen(path, "r");
	}
	return f;
}

static size_t read_linux_slabinfo(struct linux_cache *out, size_t max)
{
	FILE *f = open_linux_slabinfo();
	char line[512];
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "cannot open tests/host/data/linux-slabinfo.txt\n");
		fail();
	}
	assert_non_null(fgets(line, sizeof(line), f));
	assert_true(strncmp(line, "slabinfo - version: 2.1", 23) == 0);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_true(line[0] == '#');
	while (n < max && fgets(line, sizeof(line), f)) {
		struct linux_cache *lc = &out[n];
		unsigned long active, num;

		if (sscanf(line, "%63s %lu %lu %u %u %u", lc->name, &active, &num,
			   &lc->objsize, &lc->objperslab, &lc->pagesperslab) != 6) {
			fprintf(stderr, "bad slabinfo line: %s", line);
			fail();
		}
		if (lc->objsize <= 32768)
			n++;
	}
	fclose(f);
	return n;
}

static double density(unsigned int objsize, unsigned int objects, unsigned long pages)
{
	return (double)objsize * objects / ((double)pages * PAGE_SIZE);
}

/*
 * For each cache of the Linux snapshot, a cache of ours with the same
 * object size (align 0): density = objsize * objperslab / slab bytes.
 * Ours must be at least as dense on average, and never more than 2
 * percentage points worse for any one size.
 */
static void test_density_is_at_least_linux_for_its_own_caches(void **state)
{
	(void)state;
	static struct linux_cache lc[1024];
	static double ours[1024], theirs[1024];
	static unsigned int our_objs[1024], our_pages[1024];
	double sum_ours = 0, sum_theirs = 0, worst = 1;
	size_t n = read_linux_slabinfo(lc, ARRAY_SIZE(lc)), worst_i = 0, bad = 0;

	boot_simple(MIB(16), "");
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		struct kmem_cache *c = kmem_cache_create("density", lc[i].objsize, 0, 0, NULL);

		assert_non_null(c);
		struct kmem_cache_layout l = layout_of(c);

		our_objs[i] = l.objects;
		our_pages[i] = 1u << l.order;
		ours[i] = density(lc[i].objsize, l.objects, our_pages[i]);
		theirs[i] = density(lc[i].objsize, lc[i].objperslab, lc[i].pagesperslab);
		sum_ours += ours[i];
		sum_theirs += theirs[i];
		if (ours[i] - theirs[i] < worst) {
			worst = ours[i] - theirs[i];
			worst_i = i;
		}
		bad += ours[i] - theirs[i] < -0.02;
		kmem_cache_destroy(c);
	}
	double avg_ours = sum_ours / (double)n, avg_theirs = sum_theirs / (double)n;

	printf("# density over %zu Linux caches: ours %.2f%%, Linux %.2f%%; "
	       "worst %+.2f points (%s, %u bytes)\n", n, 100 * avg_ours,
	       100 * avg_theirs, 100 * worst, lc[worst_i].name, lc[worst_i].objsize);
	if (avg_ours < avg_theirs || bad) {
		fprintf(stderr, "%-28s %7s | %5s %5s %7s | %5s %5s %7s\n", "cache", "objsize",
			"objs", "pages", "Linux", "objs", "pages", "ours");
		for (size_t i = 0; i < n; i++)
			if (ours[i] < theirs[i])
				fprintf(stderr, "%-28s %7u | %5u %5u %6.2f%% | %5u %5u %6.2f%%\n",
					lc[i].name, lc[i].objsize, lc[i].objperslab,
					lc[i].pagesperslab, 100 * theirs[i], our_objs[i],
					our_pages[i], 100 * ours[i]);
		fprintf(stderr, "average: ours %.2f%%, Linux %.2f%%; %zu caches worse by more "
			"than 2 points\n", 100 * avg_ours, 100 * avg_theirs, bad);
		fail();
	}
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_every_object_is_aligned_as_requested, teardown_mm),
		cmocka_unit_test_teardown(test_default_alignment_is_at_least_8, teardown_mm),
		cmocka_unit_test_teardown(test_hwcache_align_follows_linux_rule, teardown_mm),
		cmocka_unit_test_teardown(test_successive_slabs_cycle_through_the_colours,
					  teardown_mm),
		cmocka_unit_test_teardown(test_a_cache_without_slack_has_one_colour, teardown_mm),
		cmocka_unit_test_teardown(test_new_slab_hands_out_its_objects_in_a_random_order,
					  teardown_mm),
		cmocka_unit_test_teardown(test_slab_freelist_random_0_hands_out_objects_in_address_order,
					  teardown_mm),
		cmocka_unit_test_teardown(test_objects_per_slab_and_waste_for_every_size_up_to_8192,
					  teardown_mm),
		cmocka_unit_test_teardown(test_real_slabs_match_the_reported_layout, teardown_mm),
		cmocka_unit_test_teardown(test_density_is_at_least_linux_for_its_own_caches,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_layout", tests, NULL, NULL);
}
