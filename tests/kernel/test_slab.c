/*
 * tests/kernel/test_slab.c - the slab layer, kmalloc and mempool on real
 * memory: constructors, size classes and alignment, large kmalloc, misuse
 * refused and counted, destroying a cache that is still in use,
 * shrinking, and a mempool living on its reserve when memory runs out.
 *
 * Every cache a test creates it destroys again, so the suite can run
 * twice (the shell's `ktest slab`).
 */
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "tests/kernel/mm_helpers.h"

#define CTOR_MAGIC	0xc0115eedu
#define CTOR_FILL	0xc7

struct ctor_obj {
	uint32_t magic;
	uint32_t state;
	uint8_t body[56];
};

static unsigned long ctor_runs;

static void kt_ctor(void *p)
{
	struct ctor_obj *o = p;

	o->magic = CTOR_MAGIC;
	o->state = 0;
	memset(o->body, CTOR_FILL, sizeof(o->body));
	ctor_runs++;
}

/* Every byte as the constructor left it. */
static bool is_constructed(const struct ctor_obj *o)
{
	if (o->magic != CTOR_MAGIC || o->state != 0)
		return false;
	for (size_t i = 0; i < sizeof(o->body); i++)
		if (o->body[i] != CTOR_FILL)
			return false;
	return true;
}

#define MAX_OBJS	1024
static void *objs[MAX_OBJS];

static unsigned int objects_per_slab(struct kmem_cache *s)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(s, &l);
	return l.objects;
}

/*
 * Bonwick: the constructor runs when a slab is made, once for each of its
 * objects, and never on allocation.
 */
KTEST(slab, ctor_runs_once_per_object_not_per_allocation)
{
	struct kmem_cache *s = kmem_cache_create("kt_ctor", sizeof(struct ctor_obj),
						 0, 0, kt_ctor);
	struct kmem_cache_stats st;

	KT_ASSERT(s != NULL);
	unsigned int per_slab = objects_per_slab(s);
	unsigned int n = 3 * per_slab + 1;	/* four slabs */

	KT_ASSERT(n <= MAX_OBJS);
	ctor_runs = 0;

	void *first = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(first != NULL);
	KT_EXPECT_EQ(ctor_runs, per_slab);	/* the whole slab, at once */
	for (int i = 0; i < 100; i++) {
		kmem_cache_free(s, first);
		first = kmem_cache_alloc(s, GFP_KERNEL);
	}
	KT_EXPECT_EQ(ctor_runs, per_slab);	/* not once per allocation */
	kmem_cache_free(s, first);

	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT(objs[i] != NULL);
		KT_EXPECT(is_constructed(objs[i]));
	}
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.slabs_created, 4);
	KT_EXPECT_EQ(ctor_runs, st.objects_total);	/* each object once */
	KT_EXPECT_EQ(st.ctor_calls, ctor_runs);
	KT_EXPECT_EQ(mm_check(), 0);

	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.ctor_calls, ctor_runs);
	KT_EXPECT_EQ(st.objects_active, 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * A freed object stays constructed: the free pointer lives outside the
 * object, so nothing of it is overwritten while it sits on the freelist,
 * and it comes back exactly as the constructor (or its last user, who must
 * restore that state) left it.
 */
KTEST(slab, constructed_state_survives_free_and_realloc)
{
	struct kmem_cache *s = kmem_cache_create("kt_ctor_state",
						 sizeof(struct ctor_obj), 0, 0, kt_ctor);
	struct kmem_cache_layout l;

	KT_ASSERT(s != NULL);
	kmem_cache_get_layout(s, &l);
	KT_EXPECT(l.offset >= l.object_size);	/* fp outside the object */

	unsigned int n = l.objects * 2;

	KT_ASSERT(n <= MAX_OBJS);
	unsigned long runs = ctor_runs;

	for (int round = 0; round < 3; round++) {
		unsigned long damaged = 0;

		for (unsigned int i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			KT_ASSERT(objs[i] != NULL);
			if (!is_constructed(objs[i]))
				damaged++;
			/* Use it, then put it back in its constructed state. */
			struct ctor_obj *o = objs[i];

			o->state = 1;
			memset(o->body, 0, sizeof(o->body));
			o->state = 0;
			memset(o->body, CTOR_FILL, sizeof(o->body));
		}
		KT_EXPECT_EQ(damaged, 0);
		/* Free in a different order from the allocation. */
		for (unsigned int i = 0; i < n; i += 2)
			kmem_cache_free(s, objs[i]);
		for (unsigned int i = 1; i < n; i += 2)
			kmem_cache_free(s, objs[i]);
		KT_EXPECT_EQ(mm_check(), 0);
	}
	/* Two slabs per round; one empty slab is kept between rounds. */
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(ctor_runs - runs, st.ctor_calls);
	KT_EXPECT_EQ(st.ctor_calls, st.slabs_created * l.objects);
	kmem_cache_destroy(s);
}

static bool is_power_of_2(size_t x)
{
	return x && !(x & (x - 1));
}

static unsigned int class_of(size_t size)
{
	static const unsigned int classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};

	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* kmalloc(size, gfp) four times: class, alignment, no overlap. */
static void check_kmalloc_size(size_t size, gfp_t gfp, const char *prefix)
{
	unsigned int cls = class_of(size);
	struct kmem_cache *s = kmalloc_slab(size, gfp);
	char name[KMEM_CACHE_NAME_MAX];
	uint8_t *p[4];

	ksnprintf(name, sizeof(name), "%s%u", prefix, cls);
	if (!KT_EXPECT(s != NULL) || !KT_EXPECT_STREQ(kmem_cache_name(s), name))
		return;
	for (int i = 0; i < 4; i++) {
		p[i] = kmalloc(size, gfp);
		if (!KT_EXPECT(p[i] != NULL)) {
			while (i-- > 0)
				kfree(p[i]);
			return;
		}
		uintptr_t a = (uintptr_t)p[i];

		KT_EXPECT_EQ(ksize(p[i]), cls);
		KT_EXPECT(IS_ALIGNED(a, SLAB_MIN_ALIGN));
		if (is_power_of_2(size) && !IS_ALIGNED(a, size))
			kprintf("    # kmalloc(%zu) = %p is not %zu-aligned\n", size,
				(void *)p[i], size);
		KT_EXPECT(!is_power_of_2(size) || IS_ALIGNED(a, size));
		KT_EXPECT(!is_power_of_2(cls) || IS_ALIGNED(a, cls));
		if (gfp & __GFP_DMA)
			KT_EXPECT(__pa(p[i]) + cls <= MAX_DMA_ADDRESS);
		memset(p[i], 0x10 + i, cls);	/* all ksize() bytes are ours */
	}
	for (int i = 0; i < 4; i++) {
		bool intact = true;

		for (size_t b = 0; b < cls; b++)
			intact &= p[i][b] == 0x10 + i;
		KT_EXPECT(intact);
		kfree(p[i]);
	}
}

KTEST(slab, kmalloc_classes_and_alignment)
{
	static const size_t sizes[] = {
		1, 7, 8, 9, 16, 17, 24, 32, 33, 48, 64, 65, 96, 97, 128, 129,
		192, 193, 256, 257, 512, 513, 1000, 1024, 1025, 2048, 2049,
		4096, 4097, 8000, 8192,
	};
	unsigned long errors = mm_error_count();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		check_kmalloc_size(sizes[i], GFP_KERNEL, "kmalloc-");
	if (populated_zone(&zones[ZONE_DMA]))
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i += 3)
			check_kmalloc_size(sizes[i], GFP_DMA, "dma-kmalloc-");
	KT_EXPECT(kmalloc_slab(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL) == NULL);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

/* Above the largest class: a compound page from the buddy allocator. */
KTEST(slab, large_kmalloc_is_a_compound_page)
{
	static const size_t sizes[] = {
		KMALLOC_MAX_CACHE_SIZE + 1, 5 * PAGE_SIZE, 64 * PAGE_SIZE,
		KMALLOC_MAX_SIZE,
	};
	unsigned long errors = mm_error_count();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i];
		unsigned int order = get_order(size);
		unsigned long nfree = nr_free_pages();

		unsigned int top = 0;

		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
			if (nr_free_blocks(ZONE_DMA, o) || nr_free_blocks(ZONE_NORMAL, o))
				top = o;
		if (order > top) {
			kprintf("    # %zu bytes: no free order-%u block in this much RAM\n",
				size, order);
			continue;
		}
		uint8_t *p = kmalloc(size, GFP_KERNEL);

		if (!KT_EXPECT(p != NULL))
			continue;
		struct page *head = virt_to_page(p);

		KT_EXPECT(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
		KT_EXPECT(PageLargeKmalloc(head) && PageHead(head));
		KT_EXPECT_EQ(compound_order(head), order);
		KT_EXPECT(compound_head(virt_to_page(p + size - 1)) == head);
		KT_EXPECT_EQ(ksize(p), PAGE_SIZE << order);
		KT_EXPECT_EQ(nr_free_pages(), nfree - (1UL << order));
		p[0] = 1;
		p[ksize(p) - 1] = 2;
		KT_EXPECT(p[0] == 1 && p[ksize(p) - 1] == 2);
		KT_EXPECT_EQ(mm_check(), 0);
		kfree(p);
		KT_EXPECT_EQ(nr_free_pages(), nfree);
	}
	KT_EXPECT_EQ(mm_error_count(), errors);

	/* Too big, or a size that overflows: refused and counted. */
	KT_EXPECT(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == NULL);
	KT_EXPECT_EQ(mm_error_count(), ++errors);
	KT_EXPECT(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	KT_EXPECT_EQ(mm_error_count(), ++errors);
	KT_EXPECT(kcalloc(65536, 65537, GFP_KERNEL) == NULL);
	KT_EXPECT_EQ(mm_error_count(), ++errors);

	/* krealloc across the slab/page boundary keeps the contents. */
	uint8_t *r = kmalloc(100, GFP_KERNEL);

	KT_ASSERT(r != NULL);
	for (int i = 0; i < 100; i++)
		r[i] = (uint8_t)i;
	uint8_t *big = krealloc(r, 3 * PAGE_SIZE, GFP_KERNEL);

	KT_ASSERT(big != NULL);
	KT_EXPECT(PageLargeKmalloc(virt_to_page(big)));
	bool same = true;

	for (int i = 0; i < 100; i++)
		same &= big[i] == (uint8_t)i;
	KT_EXPECT(same);
	kfree(big);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(slab, zero_size_and_null_are_not_allocations)
{
	unsigned long errors = mm_error_count();

	KT_EXPECT(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	KT_EXPECT_EQ(ksize(ZERO_SIZE_PTR), 0);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	kmem_cache_free(kmalloc_slab(64, GFP_KERNEL), NULL);

	void *p = kmalloc(40, GFP_KERNEL);

	KT_ASSERT(p != NULL);
	KT_EXPECT(krealloc(p, 0, GFP_KERNEL) == ZERO_SIZE_PTR);	/* frees p */
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * kmem_cache_zalloc on an object known to be dirty: the only object of a
 * fresh cache is dirtied and freed; its slab stays (the empty reserve)
 * with that object at the head of its freelist, so it comes back next.
 */
KTEST(slab, zalloc_zeroes_a_dirty_object)
{
	struct kmem_cache *s = kmem_cache_create("kt_zero", 200, 0, 0, NULL);

	KT_ASSERT(s != NULL);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(p != NULL);
	memset(p, 0xee, 200);
	kmem_cache_free(s, p);

	uint8_t *z = kmem_cache_zalloc(s, GFP_KERNEL);
	bool zero = z != NULL;

	KT_EXPECT(z == p);
	for (int i = 0; z && i < 200; i++)
		zero &= z[i] == 0;
	KT_EXPECT(zero);
	kmem_cache_free(s, z);
	kmem_cache_destroy(s);

	uint8_t *k = kzalloc(300, GFP_KERNEL);

	KT_ASSERT(k != NULL);
	zero = true;
	for (int i = 0; i < 300; i++)
		zero &= k[i] == 0;
	KT_EXPECT(zero);
	kfree(k);
}

/* One more refused misuse, and every invariant still holds. */
#define EXPECT_REFUSED(errors)						\
	do {								\
		(errors)++;						\
		KT_EXPECT_EQ(mm_error_count(), (errors));		\
		KT_EXPECT_EQ(mm_check(), 0);				\
	} while (0)

/* n objects of s, all different?  (After a refused double free, an
 * object on the freelist twice would come out twice.) */
static bool all_distinct_allocations(struct kmem_cache *s, unsigned int n)
{
	bool distinct = true;

	if (n > MAX_OBJS)
		n = MAX_OBJS;
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!objs[i]) {
			n = i;
			distinct = false;
			break;
		}
		for (unsigned int j = 0; j < i; j++)
			if (objs[j] == objs[i])
				distinct = false;
	}
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	return distinct;
}

static void check_double_free(struct kmem_cache *s)
{
	unsigned long errors = mm_error_count();
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	void *b = kmem_cache_alloc(s, GFP_KERNEL);
	void *c = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(a && b && c);
	kmem_cache_free(s, a);
	ktest_log_mark();
	kmem_cache_free(s, a);			/* the last one freed */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("Object already free");
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);			/* not the last one */
	EXPECT_REFUSED(errors);
	kmem_cache_free(s, c);
	kmem_cache_free(s, b);
	EXPECT_REFUSED(errors);
	KT_EXPECT(all_distinct_allocations(s, 2 * objects_per_slab(s) + 3));
	KT_EXPECT_EQ(mm_error_count(), errors);
}

KTEST(slab, double_free_is_refused_and_counted)
{
	struct kmem_cache *plain = kmem_cache_create("kt_df", 64, 0, 0, NULL);
	struct kmem_cache *ctor = kmem_cache_create("kt_df_ctor", sizeof(struct ctor_obj),
						    0, 0, kt_ctor);

	KT_ASSERT(plain && ctor);
	check_double_free(plain);
	check_double_free(ctor);	/* free pointer outside the object */
	kmem_cache_destroy(plain);
	kmem_cache_destroy(ctor);

	unsigned long errors = mm_error_count();
	void *p = kmalloc(64, GFP_KERNEL);

	KT_ASSERT(p != NULL);
	kfree(p);
	ktest_log_mark();
	kfree(p);
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("BUG kmalloc-64: Object already free");
}

KTEST(slab, free_into_the_wrong_cache_is_refused)
{
	struct kmem_cache *a = kmem_cache_create("kt_wrong_a", 128, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("kt_wrong_b", 128, 0, 0, NULL);

	KT_ASSERT(a && b);
	unsigned long errors = mm_error_count();
	uint8_t *x = kmem_cache_alloc(a, GFP_KERNEL);

	KT_ASSERT(x != NULL);
	ktest_log_mark();
	kmem_cache_free(b, x);
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("BUG kt_wrong_b: Wrong slab cache");
	kmem_cache_free(a, x + 8);		/* not an object start */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("Invalid object pointer");
	void *k = kmalloc(128, GFP_KERNEL);	/* kmalloc-128: yet another cache */

	KT_ASSERT(k != NULL);
	kmem_cache_free(a, k);
	EXPECT_REFUSED(errors);
	kfree(k);

	kmem_cache_free(a, x);			/* x was live all along */
	KT_EXPECT_EQ(mm_error_count(), errors);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}

static uint32_t not_from_kmalloc[4];

KTEST(slab, kfree_of_memory_kmalloc_never_gave_is_refused)
{
	unsigned long errors = mm_error_count();
	unsigned long nfree;

	ktest_log_mark();
	kfree(not_from_kmalloc);			/* the kernel's .bss */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("not kmalloc() memory");
	kfree((void *)(uintptr_t)0x1000);		/* below the direct map */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("not an address mm handed out");

	struct page *page = alloc_page(GFP_KERNEL);

	KT_ASSERT(page != NULL);
	kfree(page_address(page));			/* a page allocation */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("a page allocation");
	__free_page(page);

	uint8_t *small = kmalloc(100, GFP_KERNEL);

	KT_ASSERT(small != NULL);
	kfree(small + 8);				/* inside an object */
	EXPECT_REFUSED(errors);
	kfree(small);

	uint8_t *large = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);

	KT_ASSERT(large != NULL);
	nfree = nr_free_pages();
	kfree(large + PAGE_SIZE);			/* inside a large block */
	EXPECT_REFUSED(errors);
	KT_EXPECT_LOG("not the start of a kmalloc() block");
	KT_EXPECT_EQ(nr_free_pages(), nfree);
	kfree(large);
	nfree = nr_free_pages();
	kfree(large);					/* large, twice */
	EXPECT_REFUSED(errors);
	KT_EXPECT_EQ(nr_free_pages(), nfree);
}

KTEST(slab, destroy_with_live_objects_reports_and_leaks)
{
	struct kmem_cache *s = kmem_cache_create("kt_leaky", 96, 0, 0, NULL);
	uint32_t *live[3];

	KT_ASSERT(s != NULL);
	for (int i = 0; i < 3; i++) {
		live[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT(live[i] != NULL);
		live[i][0] = 0x1eaf0000u + (uint32_t)i;
	}
	kmem_cache_free(s, live[1]);

	unsigned long errors = mm_error_count();
	unsigned long nfree = nr_free_pages();

	ktest_log_mark();
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT_LOG("kmem_cache_destroy kt_leaky: Slab cache still has objects");
	KT_EXPECT_EQ(nr_free_pages(), nfree);		/* nothing was freed */
	KT_EXPECT(kmem_cache_find("kt_leaky") == s);	/* leaked, still usable */
	KT_EXPECT_EQ(mm_check(), 0);

	/* The live objects are intact and can still be freed. */
	KT_EXPECT_EQ(live[0][0], 0x1eaf0000u);
	KT_EXPECT_EQ(live[2][0], 0x1eaf0002u);
	kmem_cache_free(s, live[0]);
	kmem_cache_free(s, live[2]);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT_EQ(mm_check(), 0);

	/* Once it is empty, it can go. */
	kmem_cache_destroy(s);
	KT_EXPECT(kmem_cache_find("kt_leaky") == NULL);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(slab, shrink_gives_empty_slabs_back_to_the_buddy)
{
	struct kmem_cache *s = kmem_cache_create("kt_shrink", 512, 0, 0, NULL);
	struct kmem_cache_layout l;
	struct kmem_cache_stats st;

	KT_ASSERT(s != NULL);
	kmem_cache_get_layout(s, &l);

	unsigned long slab_pages = 1UL << l.order;
	unsigned int n = 4 * l.objects;
	unsigned long nfree = nr_free_pages();

	KT_ASSERT(n <= MAX_OBJS);
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT(objs[i] != NULL);
	}
	KT_EXPECT_EQ(nr_free_pages(), nfree - 4 * slab_pages);
	KT_EXPECT_EQ(kmem_cache_shrink(s), 1);	/* all in use: nothing to give */
	KT_EXPECT_EQ(nr_free_pages(), nfree - 4 * slab_pages);

	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	/* Emptied slabs go back at once but for one kept in reserve. */
	KT_EXPECT_EQ(nr_free_pages(), nfree - slab_pages);
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.slabs_destroyed, 3);

	KT_EXPECT_EQ(kmem_cache_shrink(s), 0);
	KT_EXPECT_EQ(nr_free_pages(), nfree);
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.slabs_destroyed, 4);
	KT_EXPECT_EQ(st.objects_total, 0);
	KT_EXPECT_EQ(mm_check(), 0);

	/* A partial slab stays. */
	void *one = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(one != NULL);
	KT_EXPECT_EQ(kmem_cache_shrink(s), 1);
	kmem_cache_free(s, one);
	KT_EXPECT_EQ(kmem_cache_shrink(s), 0);
	KT_EXPECT_EQ(nr_free_pages(), nfree);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_check(), 0);
}

/*
 * With every page taken and the cache's last slab full, the cache cannot
 * give an object, and the mempool hands out its reserve instead, then
 * says no; freeing refills the reserve first.  A bulk allocation in the
 * same state is all or nothing.
 */
KTEST(slab, mempool_falls_back_to_its_reserve)
{
	enum { RESERVE = 4 };
	struct kmem_cache *s = kmem_cache_create("kt_pool", 256, 0, 0, NULL);
	struct kmem_cache_stats st;

	KT_ASSERT(s != NULL);
	mempool_t *pool = mempool_create_slab_pool(RESERVE, s);

	KT_ASSERT(pool != NULL);
	KT_EXPECT_EQ(pool->curr_nr, RESERVE);

	unsigned long errors = mm_error_count();
	struct page_hoard h;
	unsigned int held = 0;
	void *taken[RESERVE + 1];

	hoard_init(&h);
	hoard_fill(&h, GFP_DRAIN, 0);
	KT_EXPECT_EQ(nr_free_pages(), 0);
	/* Use up what the cache's slabs still hold. */
	while (held < MAX_OBJS &&
	       (objs[held] = kmem_cache_alloc(s, GFP_ATOMIC | __GFP_NOWARN)) != NULL)
		held++;
	KT_EXPECT(held < MAX_OBJS);

	kmem_cache_get_stats(s, &st);
	unsigned long active = st.objects_active;

	KT_EXPECT_EQ(kmem_cache_alloc_bulk(s, GFP_ATOMIC | __GFP_NOWARN, 3, taken), 0);
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.objects_active, active);	/* nothing half-done */

	for (int i = 0; i < RESERVE; i++) {
		taken[i] = mempool_alloc(pool, GFP_ATOMIC);
		KT_EXPECT(taken[i] != NULL);
	}
	KT_EXPECT_EQ(pool->curr_nr, 0);
	KT_EXPECT_EQ(pool->reserve_used, RESERVE);
	taken[RESERVE] = mempool_alloc(pool, GFP_ATOMIC);
	KT_EXPECT(taken[RESERVE] == NULL);		/* reserve empty too */
	KT_EXPECT_EQ(mm_check(), 0);

	for (int i = 0; i < RESERVE; i++)
		if (taken[i])
			mempool_free(taken[i], pool);
	KT_EXPECT_EQ(pool->curr_nr, RESERVE);		/* refilled first */
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.objects_active, active);	/* none went back */

	hoard_release(&h, false);
	for (unsigned int i = 0; i < held; i++)
		kmem_cache_free(s, objs[i]);
	/* With memory back, the allocator serves and the reserve stays. */
	void *e = mempool_alloc(pool, GFP_KERNEL);

	KT_EXPECT(e != NULL);
	KT_EXPECT_EQ(pool->curr_nr, RESERVE);
	mempool_free(e, pool);
	mempool_destroy(pool);
	kmem_cache_get_stats(s, &st);
	KT_EXPECT_EQ(st.objects_active, 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
}
