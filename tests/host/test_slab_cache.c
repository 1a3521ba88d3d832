/*
 * tests/host/test_slab_cache.c - the life of a cache: kmem_cache_create's
 * argument checks, create/alloc/free/destroy, destroy with live objects
 * (reported, counted, the cache leaked but still usable), destroy of
 * something that is not a live cache, kmem_cache_find, kmem_cache_shrink
 * and the one empty slab a cache keeps (SLAB_EMPTY_RESERVE), DMA caches
 * and SLAB_RECLAIM_ACCOUNT in /proc/meminfo.
 *
 * Arena: 32 MiB, so that ZONE_NORMAL [16 MiB, 32 MiB) exists beside
 * ZONE_DMA and a DMA cache's slabs can be told apart from the others.
 *
 * Page counts are compared after a warm-up create + destroy: the first
 * cache ever created makes the "kmem_cache" cache grow a slab for struct
 * kmem_cache, which it then keeps as its empty-slab reserve.
 */
#include "tests/host/helpers.h"

#include "mm/slab_internal.h"	/* SLAB_EMPTY_RESERVE */

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static unsigned int ctor_calls;

static void count_ctor(void *obj)
{
	(void)obj;
	ctor_calls++;
}

static void boot(void)
{
	boot_simple(MIB(32), "");
}

/* Creates and destroys a cache so that the caches' own bookkeeping has
 * reached its steady state; returns nr_free_pages() after it. */
static unsigned long warm_up(void)
{
	struct kmem_cache *c = kmem_cache_create("warm-up", 64, 0, 0, NULL);

	assert_non_null(c);
	kmem_cache_destroy(c);
	assert_mm_clean();
	return nr_free_pages();
}

static struct kmem_cache_layout layout_of(struct kmem_cache *c)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(c, &l);
	return l;
}

static unsigned long slab_pages(struct kmem_cache *c)
{
	return 1UL << layout_of(c).order;
}

static struct kmem_cache_stats stats_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st;
}

/* kmem_cache_create must refuse these arguments with NULL and exactly one
 * line "kmem_cache_create(NAME): why". */
static void assert_create_refused(const char *name, unsigned int size,
				  unsigned int align, slab_flags_t flags,
				  void (*ctor)(void *))
{
	mm_host_log_clear();
	struct kmem_cache *c = kmem_cache_create(name, size, align, flags, ctor);

	if (c || log_lines() != 1 ||
	    strncmp(mm_host_log(), "kmem_cache_create(", 18) != 0) {
		fprintf(stderr, "kmem_cache_create(\"%s\", %u, %u, %#x) = %p; log:\n%s\n",
			name ? name : "(null)", size, align, flags, (void *)c,
			mm_host_log());
		fail();
	}
	assert_mm_clean();
}

static void assert_create_accepted(const char *name, unsigned int size,
				   unsigned int align, slab_flags_t flags,
				   void (*ctor)(void *))
{
	struct kmem_cache *c = kmem_cache_create(name, size, align, flags, ctor);

	if (!c) {
		fprintf(stderr, "kmem_cache_create(\"%s\", %u, %u, %#x) failed; log:\n%s\n",
			name, size, align, flags, mm_host_log());
		fail();
	}
	void *obj = kmem_cache_alloc(c, GFP_KERNEL);

	assert_non_null(obj);
	assert_mm_clean();
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* ---- argument checks --------------------------------------------------------- */

static void test_create_refuses_bad_names(void **state)
{
	(void)state;
	boot();
	assert_create_refused(NULL, 64, 0, 0, NULL);
	assert_create_refused("", 64, 0, 0, NULL);
	/* 32 characters: one more than KMEM_CACHE_NAME_MAX leaves room for. */
	assert_create_refused("abcdefghijklmnopqrstuvwxyz012345", 64, 0, 0, NULL);
	assert_create_refused("abcdefghijklmnopqrstuvwxyz0123456789", 64, 0, 0, NULL);
	assert_create_refused("has space", 64, 0, 0, NULL);
	assert_create_refused(" lead", 64, 0, 0, NULL);
	assert_create_refused("a/b", 64, 0, 0, NULL);
	assert_create_refused("/", 64, 0, 0, NULL);
	assert_create_refused("tab\there", 64, 0, 0, NULL);
	assert_create_refused("new\nline", 64, 0, 0, NULL);
	assert_create_refused("hi\x7f", 64, 0, 0, NULL);
	assert_create_refused("caf\xc3\xa9", 64, 0, 0, NULL);
	assert_int_equal(mm_error_count(), 0);
}

static void test_create_accepts_names_up_to_31_printable_characters(void **state)
{
	(void)state;
	boot();
	assert_create_accepted("abcdefghijklmnopqrstuvwxyz01234", 64, 0, 0, NULL);
	assert_create_accepted("x", 64, 0, 0, NULL);
	assert_create_accepted("sock_inode_cache:v2-(x)~", 64, 0, 0, NULL);
}

static void test_create_refuses_size_zero_and_above_32768(void **state)
{
	(void)state;
	boot();
	assert_create_refused("zero", 0, 0, 0, NULL);
	assert_create_refused("big", 32769, 0, 0, NULL);
	assert_create_refused("huge", UINT_MAX, 0, 0, NULL);
	assert_create_accepted("one", 1, 0, 0, NULL);
	assert_create_accepted("max", 32768, 0, 0, NULL);
}

/*
 * A constructor moves the free pointer after the object, so the largest
 * object a cache with a ctor can hold is 32768 - 4 bytes:
 *
 *   | object: 32764 bytes                       | fp |   = 32768 = 8 pages
 *
 * A bigger one cannot be laid out in a slab of SLAB_MAX_ORDER: refused.
 */
static void test_create_refuses_a_ctor_object_whose_free_pointer_does_not_fit(void **state)
{
	(void)state;
	boot();
	assert_create_refused("ctor-32768", 32768, 0, 0, count_ctor);
	assert_create_refused("ctor-32765", 32765, 0, 0, count_ctor);

	struct kmem_cache *c = kmem_cache_create("ctor-32764", 32764, 0, 0, count_ctor);

	assert_non_null(c);
	struct kmem_cache_layout l = layout_of(c);

	assert_int_equal(l.order, SLAB_MAX_ORDER);
	assert_int_equal(l.objects, 1);
	assert_int_equal(l.offset, 32764);
	void *obj = kmem_cache_alloc(c, GFP_KERNEL);

	assert_non_null(obj);
	assert_int_equal(ctor_calls, 1);
	assert_mm_clean();
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
	assert_mm_clean();
	assert_int_equal(mm_error_count(), 0);
}

static void test_create_refuses_bad_alignments(void **state)
{
	(void)state;
	boot();
	assert_create_refused("a3", 64, 3, 0, NULL);
	assert_create_refused("a12", 64, 12, 0, NULL);
	assert_create_refused("a96", 64, 96, 0, NULL);
	assert_create_refused("a8192", 64, 8192, 0, NULL);
	assert_create_refused("a-top", 64, 0x80000000u, 0, NULL);
	assert_create_accepted("a1", 64, 1, 0, NULL);
	assert_create_accepted("a2", 64, 2, 0, NULL);
	assert_create_accepted("a4096", 64, 4096, 0, NULL);
}

static void test_create_refuses_unknown_flags(void **state)
{
	(void)state;
	boot();
	assert_create_refused("f1", 64, 0, 0x1, NULL);
	assert_create_refused("f2", 64, 0, 0x80000000u, NULL);
	assert_create_refused("f3", 64, 0, SLAB_HWCACHE_ALIGN | 0x10, NULL);
	assert_create_accepted("fok", 64, 0, SLAB_VALID_FLAGS & ~SLAB_PANIC, NULL);
}

static void test_create_refuses_the_name_of_a_live_cache(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("dup", 64, 0, 0, NULL);

	assert_non_null(c);
	assert_create_refused("dup", 128, 0, 0, NULL);
	assert_create_refused("kmalloc-64", 64, 0, 0, NULL);
	assert_create_refused("kmem_cache", 64, 0, 0, NULL);
	assert_ptr_equal(kmem_cache_find("dup"), c);
	assert_int_equal(kmem_cache_size(c), 64);

	/* Once destroyed, the name is free again. */
	kmem_cache_destroy(c);
	c = kmem_cache_create("dup", 128, 0, 0, NULL);
	assert_non_null(c);
	assert_int_equal(kmem_cache_size(c), 128);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_create_before_mm_is_booted_is_refused(void **state)
{
	(void)state;
	boot();
	mm_host_shutdown();
	assert_create_refused("early", 64, 0, 0, NULL);
	assert_log_contains("mm is not initialised");
}

/* ---- lifecycle ------------------------------------------------------------------ */

static void test_cache_lifecycle_create_alloc_free_destroy(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("life", 48, 0, 0, NULL);

	assert_non_null(c);
	assert_string_equal(kmem_cache_name(c), "life");
	assert_int_equal(kmem_cache_size(c), 48);

	enum { N = 500 };
	static char *objs[N];

	for (int i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_non_null(objs[i]);
		memset(objs[i], i & 0xff, 48);
		assert_mm_clean();
	}
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(st.objects_active, N);
	assert_int_equal(st.allocs, N);
	for (int i = 0; i < N; i++) {
		for (int b = 0; b < 48; b++)
			assert_int_equal((unsigned char)objs[i][b], i & 0xff);
		kmem_cache_free(c, objs[i]);
	}
	st = stats_of(c);
	assert_int_equal(st.objects_active, 0);
	assert_int_equal(st.frees, N);
	assert_int_equal(st.objects_peak, N);
	assert_mm_clean();
	kmem_cache_destroy(c);
	assert_null(kmem_cache_find("life"));
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_destroy_of_an_empty_cache_returns_all_its_pages(void **state)
{
	(void)state;
	boot();
	unsigned long base = warm_up();
	struct kmem_cache *c = kmem_cache_create("pages", 700, 0, 0, NULL);
	void *objs[100];

	assert_non_null(c);
	for (int i = 0; i < 100; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	assert_true(stats_of(c).slabs_created >= 3);
	assert_true(nr_free_pages() < base);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_int_equal(nr_free_pages(), base);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static bool slabinfo_lists(const char *name)
{
	char row[64];

	snprintf(row, sizeof(row), "\n%s ", name);
	return strstr(proc_text("/proc/slabinfo"), row) != NULL;
}

static void test_destroy_with_live_objects_reports_them_and_leaks_the_cache(void **state)
{
	(void)state;
	boot();
	unsigned long base = warm_up();
	struct kmem_cache *c = kmem_cache_create("leaky", 128, 0, 0, NULL);
	void *objs[3];
	char line[128];

	assert_non_null(c);
	for (int i = 0; i < 3; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));

	unsigned long errors = misuse_begin();

	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_true(strncmp(mm_host_log(),
			    "kmem_cache_destroy leaky: Slab cache still has objects\n", 55) == 0);
	assert_log_contains("  3 objects in 1 slabs are still allocated; the cache is leaked\n");
	for (int i = 0; i < 3; i++) {
		ksnprintf(line, sizeof(line), "  Object %p @offset=", objs[i]);
		assert_log_contains(line);
	}
	assert_int_equal(log_count("  Object "), 3);
	assert_mm_clean();

	/* Still listed, still findable, still usable. */
	assert_ptr_equal(kmem_cache_find("leaky"), c);
	assert_true(slabinfo_lists("leaky"));
	void *more = kmem_cache_alloc(c, GFP_KERNEL);

	assert_non_null(more);
	kmem_cache_free(c, more);
	for (int i = 0; i < 3; i++)
		kmem_cache_free(c, objs[i]);
	assert_int_equal(mm_error_count(), errors + 1);

	/* With its objects back, the cache can be destroyed after all. */
	mm_host_log_clear();
	kmem_cache_destroy(c);
	assert_int_equal(log_lines(), 0);
	assert_null(kmem_cache_find("leaky"));
	assert_false(slabinfo_lists("leaky"));
	assert_int_equal(nr_free_pages(), base);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();
}

/* 64-byte objects, 64 to a slab: 70 objects fill one slab and start a
 * second.  The report lists 16 of them, partial slabs first. */
static void test_destroy_with_many_live_objects_lists_a_bounded_number(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("many", 64, 0, 0, NULL);
	void *objs[70];
	char line[128];

	assert_non_null(c);
	for (int i = 0; i < 70; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	unsigned long errors = misuse_begin();

	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_log_contains("kmem_cache_destroy many: Slab cache still has objects\n");
	assert_log_contains("  70 objects in 2 slabs are still allocated; the cache is leaked\n");
	assert_int_equal(log_count("  Object "), 16);
	assert_log_contains("  ... and 54 more\n");
	for (int i = 64; i < 70; i++) {
		ksnprintf(line, sizeof(line), "  Object %p @offset=", objs[i]);
		assert_log_contains(line);
	}
	/* With only full slabs left, those are listed. */
	for (int i = 64; i < 70; i++)
		kmem_cache_free(c, objs[i]);
	assert_int_equal(kmem_cache_shrink(c), 1);
	errors = misuse_begin();
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_log_contains("  64 objects in 1 slabs are still allocated; the cache is leaked\n");
	/* By slot: the first 16 objects of the slab (one colour: no slack). */
	char *base = page_address(compound_head(virt_to_page(objs[0])));

	assert_int_equal(log_count("  Object "), 16);
	for (unsigned int i = 0; i < 16; i++) {
		ksnprintf(line, sizeof(line), "  Object %p @offset=%u in slab %p\n",
			  base + i * 64, i * 64, base);
		assert_log_contains(line);
	}
	for (int i = 0; i < 64; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();
}

static void test_destroy_twice_is_reported(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *c = kmem_cache_create("twice", 64, 0, 0, NULL);

	assert_non_null(c);
	kmem_cache_destroy(c);
	unsigned long errors = misuse_begin();

	kmem_cache_destroy(c);
	assert_refused(errors, "BUG: kmem_cache_destroy(");
	assert_log_contains("not a live cache");
}

static void test_destroy_of_a_bogus_pointer_is_reported(void **state)
{
	(void)state;
	boot();
	static uint64_t junk[64];
	unsigned long errors = misuse_begin();

	kmem_cache_destroy((struct kmem_cache *)junk);
	assert_refused(errors, "BUG: kmem_cache_destroy(");

	errors = misuse_begin();
	kmem_cache_destroy(kmalloc_slab(64, GFP_KERNEL));
	assert_refused(errors, "BUG: kmem_cache_destroy(kmalloc-64): built-in cache, refused");
	assert_non_null(kmem_cache_find("kmalloc-64"));
}

static void test_destroy_of_null_does_nothing(void **state)
{
	(void)state;
	boot();
	unsigned long errors = misuse_begin();

	kmem_cache_destroy(NULL);
	assert_int_equal(mm_error_count(), errors);
	assert_int_equal(log_lines(), 0);
	assert_mm_clean();
}

static void test_find_returns_live_caches_by_name(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *a = kmem_cache_create("alpha", 32, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("beta", 32, 0, 0, NULL);

	assert_ptr_equal(kmem_cache_find("alpha"), a);
	assert_ptr_equal(kmem_cache_find("beta"), b);
	assert_ptr_equal(kmem_cache_find("kmalloc-96"), kmalloc_slab(96, GFP_KERNEL));
	assert_non_null(kmem_cache_find("kmem_cache"));
	assert_null(kmem_cache_find("gamma"));
	assert_null(kmem_cache_find("alph"));
	assert_null(kmem_cache_find(""));
	assert_null(kmem_cache_find(NULL));
	kmem_cache_destroy(a);
	assert_null(kmem_cache_find("alpha"));
	assert_ptr_equal(kmem_cache_find("beta"), b);
	kmem_cache_destroy(b);
	assert_null(kmem_cache_find("beta"));
	assert_int_equal(mm_error_count(), 0);
}

/* ---- shrinking and the empty-slab reserve -------------------------------------------- */

/* Allocates n objects, which fill slabs one after the other. */
static void alloc_n(struct kmem_cache *c, void **objs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
}

static void free_n(struct kmem_cache *c, void **objs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
}

/*
 * "shrink" holds 256-byte objects, 16 to a one-page slab.  Allocating
 * 3 * 16 objects fills S1, S2, S3 in that order (a new slab is only made
 * when no partial one is left).  Freeing all of S2 leaves it empty: it is
 * kept (the reserve); freeing all of S3 then discards S3 at once:
 *
 *   after alloc:   full {S1 S2 S3}               pages: base - 3
 *   free S2, S3:   full {S1}  free {S2}          pages: base - 2
 *   shrink -> 1:   full {S1}                     pages: base - 1
 *   free S1:       free {S1}                     pages: base - 1
 *   shrink -> 0:   (no slab)                     pages: base
 */
static void test_shrink_returns_every_empty_slab_and_says_whether_slabs_remain(void **state)
{
	(void)state;
	boot();
	unsigned long base = warm_up();
	struct kmem_cache *c = kmem_cache_create("shrink", 256, 0, 0, NULL);

	assert_non_null(c);
	struct kmem_cache_layout l = layout_of(c);
	unsigned int n = l.objects;

	assert_int_equal(l.order, 0);
	assert_int_equal(n, 16);
	assert_int_equal(kmem_cache_shrink(c), 0);	/* nothing to shrink */

	void *objs[3 * 16];

	alloc_n(c, objs, 3 * n);
	assert_int_equal(stats_of(c).slabs_created, 3);
	assert_int_equal(nr_free_pages(), base - 3);
	free_n(c, objs + n, 2 * n);
	assert_int_equal(nr_free_pages(), base - 2);
	assert_int_equal(stats_of(c).slabs_destroyed, 1);
	assert_mm_clean();

	assert_int_equal(kmem_cache_shrink(c), 1);
	assert_int_equal(nr_free_pages(), base - 1);
	assert_int_equal(stats_of(c).slabs_destroyed, 2);
	assert_mm_clean();

	free_n(c, objs, n);
	assert_int_equal(nr_free_pages(), base - 1);
	assert_int_equal(kmem_cache_shrink(c), 0);
	assert_int_equal(nr_free_pages(), base);
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(st.slabs_destroyed, 3);
	assert_int_equal(st.objects_total, 0);
	assert_mm_clean();

	/* A partial slab is never given back. */
	void *one = kmem_cache_alloc(c, GFP_KERNEL);

	assert_int_equal(kmem_cache_shrink(c), 1);
	assert_int_equal(nr_free_pages(), base - 1);
	kmem_cache_free(c, one);
	assert_int_equal(kmem_cache_shrink(c), 0);
	kmem_cache_destroy(c);
	assert_int_equal(nr_free_pages(), base);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_shrink_of_a_bad_cache_pointer_is_reported(void **state)
{
	(void)state;
	boot();
	unsigned long errors = misuse_begin();

	assert_int_equal(kmem_cache_shrink(NULL), -EINVAL);
	assert_refused(errors, "BUG: kmem_cache_shrink: ");
}

static void test_a_cache_keeps_one_empty_slab_for_the_next_burst(void **state)
{
	(void)state;
	boot();
	unsigned long base = warm_up();
	struct kmem_cache *c = kmem_cache_create("reserve", 1000, 0, 0, NULL);

	assert_non_null(c);
	unsigned int n = layout_of(c).objects;
	unsigned long pages = slab_pages(c);
	void *objs[64];

	assert_true(3 * n <= 64);
	alloc_n(c, objs, 3 * n);
	free_n(c, objs, 3 * n);
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(SLAB_EMPTY_RESERVE, 1);
	assert_int_equal(st.slabs_created, 3);
	assert_int_equal(st.slabs_destroyed, 3 - SLAB_EMPTY_RESERVE);
	assert_int_equal(st.objects_total, n);
	assert_string_equal(proc_text("/sys/kernel/slab/reserve/slabs"), "1\n");
	assert_string_equal(proc_text("/sys/kernel/slab/reserve/partial"), "0\n");
	assert_int_equal(nr_free_pages(), base - pages);

	/* The next burst is served from the reserve: no new slab. */
	alloc_n(c, objs, n);
	assert_int_equal(stats_of(c).slabs_created, 3);
	free_n(c, objs, n);
	assert_int_equal(stats_of(c).slabs_created, 3);
	assert_int_equal(nr_free_pages(), base - pages);
	kmem_cache_destroy(c);
	assert_int_equal(nr_free_pages(), base);
	assert_mm_clean();
}

/* ---- zones and accounting ------------------------------------------------------------------ */

static void test_dma_cache_slabs_come_from_zone_dma(void **state)
{
	(void)state;
	boot();
	warm_up();
	struct kmem_cache *dma = kmem_cache_create("dma-objs", 256, 0, SLAB_CACHE_DMA, NULL);
	struct kmem_cache *normal = kmem_cache_create("normal-objs", 256, 0, 0, NULL);
	void *d[100], *n[100];

	assert_non_null(dma);
	assert_non_null(normal);
	unsigned long dma_free = nr_free_pages_zone(ZONE_DMA);
	unsigned long normal_free = nr_free_pages_zone(ZONE_NORMAL);

	alloc_n(dma, d, 100);
	unsigned long dma_slabs = stats_of(dma).slabs_created;

	assert_int_equal(nr_free_pages_zone(ZONE_DMA), dma_free - dma_slabs * slab_pages(dma));
	assert_int_equal(nr_free_pages_zone(ZONE_NORMAL), normal_free);
	alloc_n(normal, n, 100);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(page_zonenum(virt_to_page(d[i])), ZONE_DMA);
		assert_true(__pa(d[i]) < MAX_DMA_ADDRESS);
		assert_int_equal(page_zonenum(virt_to_page(n[i])), ZONE_NORMAL);
	}
	free_n(dma, d, 100);
	free_n(normal, n, 100);
	kmem_cache_destroy(dma);
	kmem_cache_destroy(normal);
	assert_int_equal(nr_free_pages_zone(ZONE_DMA), dma_free);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* The value of one "Key:   N kB" line of /proc/meminfo. */
static unsigned long meminfo_kb(const char *key)
{
	char pat[32];
	unsigned long kb;

	snprintf(pat, sizeof(pat), "\n%s:", key);
	const char *p = strstr(proc_text("/proc/meminfo"), pat);

	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(pat), "%lu kB", &kb), 1);
	return kb;
}

static void test_reclaim_account_cache_shows_in_sreclaimable(void **state)
{
	(void)state;
	boot();
	unsigned long unreclaim;

	assert_int_equal(meminfo_kb("SReclaimable"), 0);
	struct kmem_cache *c = kmem_cache_create("dentry-ish", 192, 0,
						 SLAB_RECLAIM_ACCOUNT, NULL);

	assert_non_null(c);
	unreclaim = meminfo_kb("SUnreclaim");	/* with struct kmem_cache's slab */
	void *obj = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long kb = slab_pages(c) * (PAGE_SIZE >> 10);
	char line[64];

	assert_non_null(obj);
	assert_int_equal(meminfo_kb("SReclaimable"), kb);
	assert_int_equal(meminfo_kb("SUnreclaim"), unreclaim);
	assert_int_equal(meminfo_kb("Slab"), kb + unreclaim);
	snprintf(line, sizeof(line), "\nSReclaimable:   %8lu kB\n", kb);
	assert_non_null(strstr(proc_text("/proc/meminfo"), line));
	assert_string_equal(proc_text("/sys/kernel/slab/dentry-ish/reclaim_account"), "1\n");

	kmem_cache_free(c, obj);
	assert_int_equal(meminfo_kb("SReclaimable"), kb);	/* the reserve slab */
	assert_int_equal(kmem_cache_shrink(c), 0);
	assert_int_equal(meminfo_kb("SReclaimable"), 0);
	kmem_cache_destroy(c);
	assert_mm_clean();
}

/* ---- running short of memory ------------------------------------------------------------------ */

static struct page *held[8192];
static size_t nheld;

/* Takes every free page (without shrinking any cache). */
static void take_every_page(void)
{
	struct page *pg;

	nheld = 0;
	while ((pg = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)) != NULL) {
		assert_true(nheld < ARRAY_SIZE(held));
		held[nheld++] = pg;
	}
	assert_int_equal(nr_free_pages(), 0);
}

static void give_every_page_back(void)
{
	while (nheld)
		__free_pages(held[--nheld], 0);
}

/*
 * 700-byte objects want order-2 slabs (23 objects).  With free memory cut
 * into single pages (every page with an even pfn free, its odd buddy
 * held, so nothing merges), the cache makes do with one-page slabs of 5
 * objects, uncoloured, without a warning for the order it could not get.
 */
static void test_slab_falls_back_to_the_smallest_order_when_memory_is_fragmented(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *c = kmem_cache_create("frag", 700, 0, 0, count_ctor);
	void *objs[6];

	assert_non_null(c);
	assert_int_equal(layout_of(c).order, 2);
	shrink_all_caches();
	take_every_page();
	size_t kept = 0;

	for (size_t i = 0; i < nheld; i++) {
		if (page_to_pfn(held[i]) % 2 == 0)
			__free_pages(held[i], 0);
		else
			held[kept++] = held[i];
	}
	nheld = kept;
	assert_true(nr_free_pages() > 0);
	assert_int_equal(nr_free_pages(), nr_free_blocks(ZONE_DMA, 0));

	ctor_calls = 0;
	mm_host_log_clear();
	for (int i = 0; i < 6; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	assert_log_lacks("page allocation failure");
	struct page *slab = compound_head(virt_to_page(objs[0]));

	assert_int_equal(page_order(slab), 0);
	assert_int_equal(slab->objects, 5);	/* 4096 / 704 */
	assert_int_equal(((char *)objs[0] - (char *)page_address(slab)) % 704, 0);
	struct kmem_cache_stats st = stats_of(c);

	assert_int_equal(st.slabs_created, 2);
	assert_int_equal(st.objects_total, 10);
	assert_int_equal(st.ctor_calls, 10);
	assert_int_equal(ctor_calls, 10);
	assert_mm_clean();
	for (int i = 0; i < 6; i++)
		kmem_cache_free(c, objs[i]);
	give_every_page_back();
	kmem_cache_destroy(c);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/*
 * Out of memory is no misuse: NULL, a warning unless __GFP_NOWARN, no
 * error counted.  An allocation that may wait first shrinks every cache
 * once: the empty slab "holder" keeps in reserve is enough for "needy".
 */
static void test_out_of_memory_returns_null_after_shrinking_caches_once(void **state)
{
	(void)state;
	boot_simple(MIB(16), "");
	struct kmem_cache *holder = kmem_cache_create("holder", 512, 0, 0, NULL);
	struct kmem_cache *needy = kmem_cache_create("needy", 256, 0, 0, NULL);
	void *obj;

	shrink_all_caches();
	kmem_cache_free(holder, kmem_cache_alloc(holder, GFP_KERNEL));	/* a reserve slab */
	take_every_page();

	mm_host_log_clear();
	assert_null(kmem_cache_alloc(needy, GFP_ATOMIC));
	assert_log_contains("mm: page allocation failure: order:0");
	mm_host_log_clear();
	assert_null(kmem_cache_alloc(needy, GFP_ATOMIC | __GFP_NOWARN));
	assert_int_equal(log_lines(), 0);
	assert_int_equal(stats_of(needy).alloc_failures, 2);
	assert_int_equal(stats_of(holder).slabs_destroyed, 0);
	assert_mm_clean();

	obj = kmem_cache_alloc(needy, GFP_KERNEL);
	assert_non_null(obj);
	assert_log_contains("mm: reclaim: shrinking the slab caches freed 1 pages");
	assert_int_equal(stats_of(holder).slabs_destroyed, 1);

	/* Once that slab is full, nothing is left to shrink. */
	void *more[16];

	for (int i = 0; i < 15; i++)
		assert_non_null(more[i] = kmem_cache_alloc(needy, GFP_KERNEL));
	mm_host_log_clear();
	assert_null(kmem_cache_alloc(needy, GFP_KERNEL));
	assert_log_contains("mm: page allocation failure: order:0");
	assert_int_equal(stats_of(needy).alloc_failures, 3);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();

	kmem_cache_free(needy, obj);
	for (int i = 0; i < 15; i++)
		kmem_cache_free(needy, more[i]);
	give_every_page_back();
	kmem_cache_destroy(needy);
	kmem_cache_destroy(holder);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_create_refuses_bad_names, teardown_mm),
		cmocka_unit_test_teardown(test_create_accepts_names_up_to_31_printable_characters,
					  teardown_mm),
		cmocka_unit_test_teardown(test_create_refuses_size_zero_and_above_32768, teardown_mm),
		cmocka_unit_test_teardown(test_create_refuses_a_ctor_object_whose_free_pointer_does_not_fit,
					  teardown_mm),
		cmocka_unit_test_teardown(test_create_refuses_bad_alignments, teardown_mm),
		cmocka_unit_test_teardown(test_create_refuses_unknown_flags, teardown_mm),
		cmocka_unit_test_teardown(test_create_refuses_the_name_of_a_live_cache, teardown_mm),
		cmocka_unit_test_teardown(test_create_before_mm_is_booted_is_refused, teardown_mm),
		cmocka_unit_test_teardown(test_cache_lifecycle_create_alloc_free_destroy, teardown_mm),
		cmocka_unit_test_teardown(test_destroy_of_an_empty_cache_returns_all_its_pages,
					  teardown_mm),
		cmocka_unit_test_teardown(test_destroy_with_live_objects_reports_them_and_leaks_the_cache,
					  teardown_mm),
		cmocka_unit_test_teardown(test_destroy_with_many_live_objects_lists_a_bounded_number,
					  teardown_mm),
		cmocka_unit_test_teardown(test_destroy_twice_is_reported, teardown_mm),
		cmocka_unit_test_teardown(test_destroy_of_a_bogus_pointer_is_reported, teardown_mm),
		cmocka_unit_test_teardown(test_destroy_of_null_does_nothing, teardown_mm),
		cmocka_unit_test_teardown(test_find_returns_live_caches_by_name, teardown_mm),
		cmocka_unit_test_teardown(test_shrink_returns_every_empty_slab_and_says_whether_slabs_remain,
					  teardown_mm),
		cmocka_unit_test_teardown(test_shrink_of_a_bad_cache_pointer_is_reported, teardown_mm),
		cmocka_unit_test_teardown(test_a_cache_keeps_one_empty_slab_for_the_next_burst,
					  teardown_mm),
		cmocka_unit_test_teardown(test_dma_cache_slabs_come_from_zone_dma, teardown_mm),
		cmocka_unit_test_teardown(test_reclaim_account_cache_shows_in_sreclaimable,
					  teardown_mm),
		cmocka_unit_test_teardown(test_slab_falls_back_to_the_smallest_order_when_memory_is_fragmented,
					  teardown_mm),
		cmocka_unit_test_teardown(test_out_of_memory_returns_null_after_shrinking_caches_once,
					  teardown_mm),
	};

	return cmocka_run_group_tests_name("slab_cache", tests, NULL, NULL);
}
