/*
 * tests/host/test_kmalloc.c - kmalloc's size classes, alignment, the
 * large (compound page) path, KMALLOC_MAX_SIZE, GFP_DMA, the zeroing and
 * overflow-checked variants, krealloc's edge cases and ksize.
 *
 *   size        class                         ksize
 *   0           ZERO_SIZE_PTR                 0
 *   1..8        kmalloc-8                     8
 *   9..16       kmalloc-16                    16
 *   17..32      kmalloc-32                    32
 *   33..64      kmalloc-64                    64
 *   65..96      kmalloc-96                    96
 *   97..128     kmalloc-128                   128
 *   129..192    kmalloc-192                   192
 *   193..256    kmalloc-256, then one class per power of two up to 8192
 *   8193..4M    compound pages of order get_order(size)   PAGE_SIZE << order
 *   > 4M        refused, reported, counted
 *
 * Arena: 32 MiB, so that ZONE_NORMAL exists beside ZONE_DMA.
 */
#include "tests/host/helpers.h"

#include "mm/slab_internal.h"	/* kmalloc_large_pages */

#include <stdio.h>
#include <string.h>

#define MIB(x)	((uint64_t)(x) << 20)

static void boot(void)
{
	boot_simple(MIB(32), "");
}

/* The class a request of size bytes must land in (the table above). */
static size_t expected_class(size_t size)
{
	static const size_t small[] = { 8, 16, 32, 64, 96, 128, 192 };

	for (size_t i = 0; i < ARRAY_SIZE(small); i++)
		if (size <= small[i])
			return small[i];
	size_t c = 256;

	while (c < size)
		c <<= 1;
	return c;
}

/* ---- size classes --------------------------------------------------------------- */

static void test_every_size_up_to_8192_gets_its_class(void **state)
{
	(void)state;
	char name[32];

	boot();
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		size_t want = expected_class(size);
		char *p = kmalloc(size, GFP_KERNEL);

		assert_non_null(p);
		if (ksize(p) != want) {
			fprintf(stderr, "kmalloc(%zu): ksize %zu, want %zu\n", size, ksize(p), want);
			fail();
		}
		snprintf(name, sizeof(name), "kmalloc-%zu", want);
		assert_string_equal(kmem_cache_name(kmalloc_slab(size, GFP_KERNEL)), name);
		p[0] = 1;
		p[want - 1] = 2;	/* the whole class is usable */
		kfree(p);
		if (size % 256 == 0)
			assert_mm_clean();
	}
	assert_null(kmalloc_slab(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL));
	assert_null(kmalloc_slab(0, GFP_KERNEL));
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_kmalloc_zero_returns_zero_size_ptr(void **state)
{
	(void)state;
	boot();
	unsigned long free = nr_free_pages();

	assert_ptr_equal(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_ptr_equal(kzalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_ptr_equal(kcalloc(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_ptr_equal(kmalloc_array(8, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_int_equal(ksize(ZERO_SIZE_PTR), 0);
	assert_int_equal(ksize(NULL), 0);
	assert_int_equal(nr_free_pages(), free);
	assert_int_equal(mm_error_count(), 0);
}

static void test_kfree_of_null_and_zero_size_ptr_does_nothing(void **state)
{
	(void)state;
	boot();
	unsigned long errors = misuse_begin();

	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	assert_int_equal(mm_error_count(), errors);
	assert_int_equal(log_lines(), 0);
	assert_mm_clean();
}

/* ---- alignment ----------------------------------------------------------------------- */

/*
 * Natural alignment is a promise about virtual addresses: on the host the
 * arena's own placement must not break it.  QEMU's 128M map ends at
 * 0x7fe0000, an arena size that mmap need not align even to 2 MiB; every
 * power of two up to KMALLOC_MAX_SIZE, and a MAX_PAGE_ORDER block, must
 * still be aligned to its size.
 */
static void test_natural_alignment_holds_for_an_odd_sized_arena(void **state)
{
	static const struct mem_region qemu_128m[] = {
		{ 0x0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ 0x100000, 0x7ee0000, MEM_USABLE },
		{ 0x7fe0000, 0x20000, MEM_RESERVED },
	};

	(void)state;
	for (int round = 0; round < 4; round++) {
		boot_map(qemu_128m, ARRAY_SIZE(qemu_128m), "");
		for (size_t size = 8; size <= KMALLOC_MAX_SIZE; size <<= 1) {
			void *p = kmalloc(size, GFP_KERNEL);

			assert_non_null(p);
			if ((uintptr_t)p % size) {
				fprintf(stderr, "arena %p: kmalloc(%zu) = %p: not aligned to %zu\n",
					mm_host_arena(), size, p, size);
				fail();
			}
			kfree(p);
		}
		struct page *pg = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);

		assert_non_null(pg);
		assert_int_equal((uintptr_t)page_address(pg) % (PAGE_SIZE << MAX_PAGE_ORDER), 0);
		__free_pages(pg, MAX_PAGE_ORDER);
		assert_mm_clean();
		mm_host_shutdown();
	}
}

static void test_power_of_two_sizes_are_naturally_aligned(void **state)
{
	(void)state;
	static void *objs[600];

	boot();
	for (size_t size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size <<= 1) {
		/* Enough objects to span several slabs of the class. */
		size_t n = size <= 512 ? 600 : 40;

		for (size_t i = 0; i < n; i++) {
			objs[i] = kmalloc(size, GFP_KERNEL);
			assert_non_null(objs[i]);
			if ((uintptr_t)objs[i] % size) {
				fprintf(stderr, "kmalloc(%zu) = %p: not aligned to %zu\n", size,
					objs[i], size);
				fail();
			}
		}
		for (size_t i = 0; i < n; i++)
			kfree(objs[i]);
	}
	assert_mm_clean();
}

static void test_every_object_is_8_byte_aligned(void **state)
{
	(void)state;
	static void *objs[200];

	boot();
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size += size < 256 ? 1 : 37) {
		size_t n = size <= 1024 ? 200 : 20;

		for (size_t i = 0; i < n; i++) {
			objs[i] = kmalloc(size, GFP_KERNEL);
			assert_int_equal((uintptr_t)objs[i] % 8, 0);
		}
		for (size_t i = 0; i < n; i++)
			kfree(objs[i]);
	}
	assert_mm_clean();
}

/* ---- the large path ------------------------------------------------------------------- */

static void test_large_requests_are_compound_pages(void **state)
{
	(void)state;
	static const size_t sizes[] = {
		KMALLOC_MAX_CACHE_SIZE + 1, 12288, 16384, 16385, 65536, 100000,
		1 << 20, (1 << 20) + 1, KMALLOC_MAX_SIZE,
	};

	boot();
	unsigned long free = nr_free_pages();

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		unsigned int order = get_order(sizes[k]);
		char *p = kmalloc(sizes[k], GFP_KERNEL);

		assert_non_null(p);
		struct page *page = virt_to_page(p);

		assert_int_equal(ksize(p), PAGE_SIZE << order);
		assert_true(PageHead(page) || order == 0);
		assert_true(PageLargeKmalloc(page));
		assert_false(PageSlab(page));
		assert_int_equal(page_order(page), order);
		/* Naturally aligned in pfn space, as every buddy block. */
		assert_int_equal(page_to_pfn(page) % (1UL << order), 0);
		assert_int_equal(nr_free_pages(), free - (1UL << order));
		assert_int_equal(kmalloc_large_pages(), 1UL << order);
		p[0] = 1;
		p[sizes[k] - 1] = 2;
		assert_mm_clean();
		kfree(p);
		assert_int_equal(nr_free_pages(), free);
	}
	assert_int_equal(kmalloc_large_pages(), 0);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_kmalloc_max_size_is_the_limit(void **state)
{
	(void)state;
	boot();
	void *p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);

	assert_non_null(p);
	assert_int_equal(ksize(p), KMALLOC_MAX_SIZE);
	kfree(p);

	unsigned long free = nr_free_pages();
	unsigned long errors = misuse_begin();

	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc: 4194305 bytes is more than KMALLOC_MAX_SIZE");
	errors = misuse_begin();
	assert_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc: ");
	errors = misuse_begin();
	assert_null(kzalloc(KMALLOC_MAX_SIZE * 2, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc: ");
	assert_int_equal(nr_free_pages(), free);
}

/* ---- GFP_DMA ----------------------------------------------------------------------------- */

static void test_gfp_dma_uses_dma_caches_and_zone_dma(void **state)
{
	(void)state;
	char name[32];
	void *dma[50], *normal[50];

	boot();
	for (size_t size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size = expected_class(size + 1)) {
		snprintf(name, sizeof(name), "dma-kmalloc-%zu", size);
		assert_string_equal(kmem_cache_name(kmalloc_slab(size, GFP_DMA)), name);
		assert_non_null(kmem_cache_find(name));
		for (int i = 0; i < 50; i++) {
			dma[i] = kmalloc(size, GFP_DMA);
			normal[i] = kmalloc(size, GFP_KERNEL);
			assert_non_null(dma[i]);
			assert_non_null(normal[i]);
			assert_int_equal(page_zonenum(virt_to_page(dma[i])), ZONE_DMA);
			assert_int_equal(page_zonenum(virt_to_page(normal[i])), ZONE_NORMAL);
			assert_ptr_equal(compound_head(virt_to_page(dma[i]))->slab_cache,
					 kmalloc_slab(size, GFP_DMA));
			assert_int_equal(ksize(dma[i]), size);
		}
		for (int i = 0; i < 50; i++) {
			kfree(dma[i]);
			kfree(normal[i]);
		}
		if (size == KMALLOC_MAX_CACHE_SIZE)
			break;
	}
	/* Large DMA requests come from ZONE_DMA as well. */
	void *big = kmalloc(64 << 10, GFP_DMA);

	assert_non_null(big);
	assert_int_equal(page_zonenum(virt_to_page(big)), ZONE_DMA);
	kfree(big);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

/* RAM only above 16 MiB: no ZONE_DMA, hence no dma-kmalloc caches.
 * GFP_DMA requests fail like any allocation that cannot be served. */
static void test_gfp_dma_without_zone_dma_fails_like_out_of_memory(void **state)
{
	(void)state;
	static const struct mem_region map[] = { { MIB(16), MIB(16), MEM_USABLE } };

	assert_int_equal(mm_host_boot(map, 1, ""), 0);
	assert_null(kmalloc_slab(64, GFP_DMA));
	assert_null(kmem_cache_find("dma-kmalloc-64"));
	mm_host_log_clear();
	assert_null(kmalloc(64, GFP_DMA));
	assert_string_equal(mm_host_log(),
			    "kmalloc(64, GFP_DMA): allocation failure: no ZONE_DMA\n");
	mm_host_log_clear();
	assert_null(kmalloc(64, GFP_DMA | __GFP_NOWARN));
	assert_null(kmalloc(100000, GFP_DMA | __GFP_NOWARN));
	assert_int_equal(log_lines(), 0);
	void *p = kmalloc(64, GFP_KERNEL);

	assert_non_null(p);
	kfree(p);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_kmalloc_before_mm_is_booted_returns_null(void **state)
{
	(void)state;
	boot();
	mm_host_shutdown();
	mm_host_log_clear();
	assert_null(kmalloc(64, GFP_KERNEL));
	assert_log_contains("kmalloc(64): called before the kmalloc caches exist\n");
}

/* ---- zeroing and overflow ------------------------------------------------------------------- */

static bool all_zero(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i])
			return false;
	return true;
}

static void test_kzalloc_returns_zeroed_memory(void **state)
{
	(void)state;
	static const size_t sizes[] = { 1, 8, 50, 96, 192, 256, 1000, 4096, 8192, 20000, 100000 };

	boot();
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		/* Dirty a block, free it, and get it back zeroed. */
		char *p = kmalloc(sizes[k], GFP_KERNEL);

		memset(p, 0xa5, ksize(p));
		kfree(p);
		char *z = kzalloc(sizes[k], GFP_KERNEL);

		/* A slab hands the object just freed out again (LIFO). */
		if (sizes[k] <= KMALLOC_MAX_CACHE_SIZE)
			assert_ptr_equal(z, p);
		assert_true(all_zero(z, sizes[k]));
		memset(z, 0xa5, ksize(z));
		kfree(z);
		char *c = kcalloc(1, sizes[k], GFP_KERNEL);

		if (sizes[k] <= KMALLOC_MAX_CACHE_SIZE)
			assert_ptr_equal(c, z);
		assert_true(all_zero(c, sizes[k]));
		kfree(c);
	}
	assert_mm_clean();
}

static void test_array_size_overflow_is_refused_and_counted(void **state)
{
	(void)state;
	boot();
	unsigned long errors = misuse_begin();

	assert_null(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc_array: ");
	errors = misuse_begin();
	assert_null(kmalloc_array(SIZE_MAX / 3, 4, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc_array: ");
	errors = misuse_begin();
	assert_null(kmalloc_array(2, SIZE_MAX / 2 + 1, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc_array: ");

	/* No overflow: served as n * size bytes. */
	int *a = kcalloc(100, sizeof(int), GFP_KERNEL);

	assert_non_null(a);
	assert_int_equal(ksize(a), 512);
	assert_true(all_zero(a, 100 * sizeof(int)));
	kfree(a);
	a = kmalloc_array(3000, sizeof(int), GFP_KERNEL);
	assert_int_equal(ksize(a), 16384);	/* 12000 bytes: large path */
	kfree(a);
	assert_mm_clean();
}

/* ---- krealloc ------------------------------------------------------------------------------------ */

static void fill(void *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(seed + i * 13);
}

static bool filled(const void *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != (unsigned char)(seed + i * 13))
			return false;
	return true;
}

static void test_krealloc_of_null_allocates(void **state)
{
	(void)state;
	boot();
	void *p = krealloc(NULL, 100, GFP_KERNEL);

	assert_non_null(p);
	assert_int_equal(ksize(p), 128);
	void *q = krealloc(ZERO_SIZE_PTR, 10, GFP_KERNEL);

	assert_int_equal(ksize(q), 16);
	kfree(p);
	kfree(q);
	assert_ptr_equal(krealloc(NULL, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_krealloc_to_zero_frees_and_returns_zero_size_ptr(void **state)
{
	(void)state;
	boot();
	struct kmem_cache *k64 = kmalloc_slab(64, GFP_KERNEL);
	struct kmem_cache_stats before, after;
	void *p = kmalloc(64, GFP_KERNEL);

	kmem_cache_get_stats(k64, &before);
	assert_ptr_equal(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	kmem_cache_get_stats(k64, &after);
	assert_int_equal(after.frees, before.frees + 1);
	assert_int_equal(after.objects_active, before.objects_active - 1);

	unsigned long free = nr_free_pages();

	p = kmalloc(100000, GFP_KERNEL);
	assert_ptr_equal(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_int_equal(nr_free_pages(), free);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_krealloc_shrinks_in_place(void **state)
{
	(void)state;
	boot();
	char *p = kmalloc(200, GFP_KERNEL);

	fill(p, 200, 3);
	assert_ptr_equal(krealloc(p, 100, GFP_KERNEL), p);
	assert_ptr_equal(krealloc(p, 256, GFP_KERNEL), p);	/* within its class */
	assert_true(filled(p, 200, 3));
	assert_int_equal(ksize(p), 256);
	/* __GFP_ZERO clears what lies beyond the new size. */
	assert_ptr_equal(krealloc(p, 10, GFP_KERNEL | __GFP_ZERO), p);
	assert_true(filled(p, 10, 3));
	assert_true(all_zero(p + 10, 246));
	kfree(p);

	char *big = kmalloc(100000, GFP_KERNEL);

	fill(big, 100000, 9);
	assert_ptr_equal(krealloc(big, 50000, GFP_KERNEL), big);
	assert_true(filled(big, 50000, 9));
	kfree(big);
	assert_int_equal(mm_error_count(), 0);
	assert_mm_clean();
}

static void test_krealloc_grows_by_copying(void **state)
{
	(void)state;
	static const size_t steps[] = { 1, 8, 9, 100, 192, 193, 4096, 8192, 8193, 70000, 300000 };

	boot();
	unsigned long free = nr_free_pages();
	char *p = kmalloc(steps[0], GFP_KERNEL);

	fill(p, steps[0], 5);
	for (size_t k = 1; k < ARRAY_SIZE(steps); k++) {
		size_t old = ksize(p);
		char *q = krealloc(p, steps[k], GFP_KERNEL);

		assert_non_null(q);
		assert_true(ksize(q) >= steps[k]);
		assert_true(filled(q, steps[k - 1], 5));
		if (steps[k] > old)
			assert_ptr_not_equal(q, p);
		fill(q, steps[k], 5);
		p = q;
		assert_mm_clean();
	}
	kfree(p);
	shrink_all_caches();
	assert_int_equal(nr_free_pages(), free);
	assert_int_equal(mm_error_count(), 0);
}

static void test_krealloc_failure_keeps_the_old_block(void **state)
{
	(void)state;
	boot();
	char *p = kmalloc(100, GFP_KERNEL);

	fill(p, 100, 7);

	/* Refused (too big): reported, the old block untouched. */
	unsigned long errors = misuse_begin();

	assert_null(krealloc(p, KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	assert_refused(errors, "BUG: kmalloc: ");
	assert_true(filled(p, 100, 7));
	assert_int_equal(ksize(p), 128);

	/* Out of memory (not misuse): every page taken, so a large block
	 * cannot be had. */
	static struct page *held[8192];
	size_t n = 0;
	struct page *pg;

	while ((pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL) {
		assert_true(n < ARRAY_SIZE(held));
		held[n++] = pg;
	}
	errors = mm_error_count();
	assert_null(krealloc(p, 64 << 10, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(mm_error_count(), errors);
	assert_true(filled(p, 100, 7));
	assert_mm_clean();
	while (n)
		__free_pages(held[--n], 0);
	char *q = krealloc(p, 64 << 10, GFP_KERNEL);

	assert_non_null(q);
	assert_true(filled(q, 100, 7));
	kfree(q);
	assert_mm_clean();
}

/* ---- ksize ----------------------------------------------------------------------------------------- */

static int a_global;

static void test_ksize_reports_pointers_mm_did_not_hand_out(void **state)
{
	(void)state;
	int on_stack;

	boot();
	unsigned long errors = misuse_begin();

	assert_int_equal(ksize(&on_stack), 0);
	assert_refused(errors, "BUG: ksize(");
	assert_log_contains("not an address mm handed out");

	errors = misuse_begin();
	assert_int_equal(ksize(&a_global), 0);
	assert_refused(errors, "BUG: ksize(");

	/* Inside a slab object, not at its start. */
	char *p = kmalloc(64, GFP_KERNEL);

	errors = misuse_begin();
	assert_int_equal(ksize(p + 8), 0);
	assert_refused(errors, "BUG kmalloc-64: ksize(");
	assert_log_contains("Invalid object pointer");
	assert_int_equal(ksize(p), 64);
	kfree(p);

	/* Inside a large block, not at its start. */
	char *big = kmalloc(100000, GFP_KERNEL);

	errors = misuse_begin();
	assert_int_equal(ksize(big + PAGE_SIZE), 0);
	assert_refused(errors, "BUG: ksize(");
	assert_log_contains("not the start of a kmalloc() block");
	kfree(big);

	/* A page from alloc_pages, and a free page. */
	struct page *pg = alloc_pages(GFP_KERNEL, 0);

	errors = misuse_begin();
	assert_int_equal(ksize(page_address(pg)), 0);
	assert_refused(errors, "BUG: ksize(");
	assert_log_contains("(a page allocation)");
	__free_pages(pg, 0);
	errors = misuse_begin();
	assert_int_equal(ksize(page_address(pg)), 0);
	assert_refused(errors, "BUG: ksize(");
	assert_log_contains("(free or never allocated)");
}

/* krealloc of a pointer that is not a block start refuses, and leaves
 * everything as it was. */
static void test_krealloc_of_an_interior_pointer_is_refused(void **state)
{
	(void)state;
	boot();
	char *p = kmalloc(64, GFP_KERNEL);
	struct kmem_cache_stats before, after;

	fill(p, 64, 1);
	kmem_cache_get_stats(kmalloc_slab(128, GFP_KERNEL), &before);
	unsigned long errors = misuse_begin();

	assert_null(krealloc(p + 16, 100, GFP_KERNEL));
	assert_refused(errors, "BUG kmalloc-64: ksize(");
	kmem_cache_get_stats(kmalloc_slab(128, GFP_KERNEL), &after);
	assert_int_equal(after.allocs, before.allocs);
	assert_true(filled(p, 64, 1));
	kfree(p);
	assert_int_equal(mm_error_count(), errors + 1);
	assert_mm_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_every_size_up_to_8192_gets_its_class, teardown_mm),
		cmocka_unit_test_teardown(test_kmalloc_zero_returns_zero_size_ptr, teardown_mm),
		cmocka_unit_test_teardown(test_kfree_of_null_and_zero_size_ptr_does_nothing,
					  teardown_mm),
		cmocka_unit_test_teardown(test_power_of_two_sizes_are_naturally_aligned, teardown_mm),
		cmocka_unit_test_teardown(test_natural_alignment_holds_for_an_odd_sized_arena,
					  teardown_mm),
		cmocka_unit_test_teardown(test_every_object_is_8_byte_aligned, teardown_mm),
		cmocka_unit_test_teardown(test_large_requests_are_compound_pages, teardown_mm),
		cmocka_unit_test_teardown(test_kmalloc_max_size_is_the_limit, teardown_mm),
		cmocka_unit_test_teardown(test_gfp_dma_uses_dma_caches_and_zone_dma, teardown_mm),
		cmocka_unit_test_teardown(test_gfp_dma_without_zone_dma_fails_like_out_of_memory,
					  teardown_mm),
		cmocka_unit_test_teardown(test_kmalloc_before_mm_is_booted_returns_null, teardown_mm),
		cmocka_unit_test_teardown(test_kzalloc_returns_zeroed_memory, teardown_mm),
		cmocka_unit_test_teardown(test_array_size_overflow_is_refused_and_counted, teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_of_null_allocates, teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_to_zero_frees_and_returns_zero_size_ptr,
					  teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_shrinks_in_place, teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_grows_by_copying, teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_failure_keeps_the_old_block, teardown_mm),
		cmocka_unit_test_teardown(test_ksize_reports_pointers_mm_did_not_hand_out, teardown_mm),
		cmocka_unit_test_teardown(test_krealloc_of_an_interior_pointer_is_refused, teardown_mm),
	};

	return cmocka_run_group_tests_name("kmalloc", tests, NULL, NULL);
}
