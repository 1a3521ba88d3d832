/*
 * tests/kernel/test_irq_alloc.c - allocating from interrupt context while
 * the interrupted code allocates from the same cache (or the same zones).
 *
 * The timer's tick hook (kernel/time.h, 100 Hz) allocates and frees with
 * GFP_ATOMIC on every tick and keeps a few objects across ticks, while the
 * main loop allocates and frees from the same cache for HOG_TICKS ticks,
 * in batches big enough to make and discard slabs all the time (the path
 * that drops the cache lock to call the buddy allocator).  On one CPU the
 * irqsave locks are what keeps the two apart; if they did not, an object
 * would be handed to both sides, and each side would find the other's
 * pattern in an object it holds.
 *
 * Every object carries its owner and a sequence number in all its words
 * but the first (where a free object keeps its free pointer), written when
 * it is handed out and checked before it is freed; an object handed out
 * while it still says LIVE was handed out twice.
 *
 * The same for the zones (pages and every kmalloc class from the hook),
 * and for the reports that must stay consistent while interrupts
 * allocate: a cache's validate and /proc/zoneinfo.
 *
 * The runner removes a tick hook after every test (kernel/ktest.c), so a
 * test that fails half-way leaves nothing running on the timer.
 */
#include "arch/x86/arch.h"
#include "arch/x86/irq.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "mm/mm.h"

#define HOG_TICKS	60	/* 0.6 s of jiffies */
#define MIN_HOOK_TICKS	(HOG_TICKS / 2)
#define LIVE_MAGIC	0x11fe0b1eu
#define FREE_MAGIC	0xdeadf4eeu
#define OWNER_MAIN	0x4d4d4d4du
#define OWNER_IRQ	0x49494949u
#define IRQ_KEEP	8	/* objects the hook keeps across ticks */
#define IRQ_TRANSIENT	2	/* allocated and freed within one tick */
#define MAIN_BATCH_MAX	256

struct tagged {
	uint32_t reserved;	/* the free pointer of a cache without ctor */
	uint32_t magic;
	uint32_t owner;
	uint32_t seq;
	uint32_t body[12];
};

static void tag_object(struct tagged *o, uint32_t owner, uint32_t seq)
{
	o->magic = LIVE_MAGIC;
	o->owner = owner;
	o->seq = seq;
	for (size_t i = 0; i < ARRAY_SIZE(o->body); i++)
		o->body[i] = owner ^ seq ^ (uint32_t)i;
}

static bool tag_intact(const struct tagged *o, uint32_t owner, uint32_t seq)
{
	if (o->magic != LIVE_MAGIC || o->owner != owner || o->seq != seq)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(o->body); i++)
		if (o->body[i] != (owner ^ seq ^ (uint32_t)i))
			return false;
	return true;
}

static unsigned int objects_per_slab_of(struct kmem_cache *s)
{
	struct kmem_cache_layout l;

	kmem_cache_get_layout(s, &l);
	return l.objects;
}

static bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- the interrupt side ------------------------------------------------- */

static struct {
	struct kmem_cache *cache;
	struct tagged *kept[IRQ_KEEP];
	uint32_t kept_seq[IRQ_KEEP];
	unsigned int next;		/* ring position of the oldest */
	uint32_t seq;
	unsigned long ticks, allocs, frees, failures;
	unsigned long twice;		/* handed out while LIVE */
	unsigned long damaged;		/* pattern changed while held */
	unsigned long not_in_irq;
	unsigned long hit_main;		/* ticks that came while main was in mm */
} irq_side;

static volatile bool main_in_mm;

static struct tagged *irq_get(void)
{
	struct tagged *o = kmem_cache_alloc(irq_side.cache, GFP_ATOMIC | __GFP_NOWARN);

	if (!o) {
		irq_side.failures++;
		return NULL;
	}
	irq_side.allocs++;
	if (o->magic == LIVE_MAGIC)
		irq_side.twice++;
	return o;
}

static void irq_put(struct tagged *o, uint32_t seq)
{
	if (!tag_intact(o, OWNER_IRQ, seq))
		irq_side.damaged++;
	o->magic = FREE_MAGIC;
	kmem_cache_free(irq_side.cache, o);
	irq_side.frees++;
}

static void irq_alloc_hook(void *ctx)
{
	(void)ctx;
	irq_side.ticks++;
	if (irq_nesting == 0)
		irq_side.not_in_irq++;
	if (main_in_mm)
		irq_side.hit_main++;

	for (int i = 0; i < IRQ_TRANSIENT; i++) {
		struct tagged *o = irq_get();
		uint32_t seq = irq_side.seq++;

		if (o) {
			tag_object(o, OWNER_IRQ, seq);
			irq_put(o, seq);
		}
	}

	/* Replace the oldest kept object with a new one. */
	unsigned int slot = irq_side.next;

	irq_side.next = (slot + 1) % IRQ_KEEP;
	if (irq_side.kept[slot]) {
		irq_put(irq_side.kept[slot], irq_side.kept_seq[slot]);
		irq_side.kept[slot] = NULL;
	}
	struct tagged *o = irq_get();

	if (o) {
		irq_side.kept_seq[slot] = irq_side.seq++;
		tag_object(o, OWNER_IRQ, irq_side.kept_seq[slot]);
		irq_side.kept[slot] = o;
	}
}

/* ---- the main side ---------------------------------------------------------- */

static struct tagged *batch[MAIN_BATCH_MAX];

KTEST(irq_alloc, tick_hook_and_main_loop_share_a_cache)
{
	struct kmem_cache *s = kmem_cache_create("kt_irq", sizeof(struct tagged),
						 0, 0, NULL);
	struct kmem_cache_layout l;
	struct kmem_cache_stats st0, st;
	unsigned long errors = mm_error_count();
	unsigned long main_allocs = 0, main_frees = 0, main_twice = 0;
	unsigned long main_damaged = 0, rounds = 0;
	uint32_t seq = 0;

	KT_ASSERT(s != NULL);
	kmem_cache_get_layout(s, &l);
	kmem_cache_get_stats(s, &st0);

	/* Batches from 1 up to about three slabs, so slabs come and go. */
	unsigned int span = 3 * l.objects < MAIN_BATCH_MAX ? 3 * l.objects
							   : MAIN_BATCH_MAX;

	memset(&irq_side, 0, sizeof(irq_side));
	irq_side.cache = s;

	unsigned long eflags = read_eflags();

	sti();
	time_set_tick_hook(irq_alloc_hook, NULL);

	unsigned long start = jiffies;

	while (jiffies - start < HOG_TICKS) {
		unsigned int n = 1 + (unsigned int)(rounds * 37 % span);
		unsigned int got = 0;

		for (unsigned int i = 0; i < n; i++) {
			main_in_mm = true;
			struct tagged *o = kmem_cache_alloc(s, GFP_KERNEL);

			main_in_mm = false;
			if (!o)
				break;
			main_allocs++;
			if (o->magic == LIVE_MAGIC)
				main_twice++;
			tag_object(o, OWNER_MAIN, seq + i);
			batch[got++] = o;
		}
		/* Free from the middle outwards: slabs empty in odd orders. */
		for (unsigned int k = 0; k < got; k++) {
			unsigned int i = (k * 7 + rounds) % got;

			if (!batch[i])
				for (i = 0; !batch[i]; i++)
					;
			if (!tag_intact(batch[i], OWNER_MAIN, seq + i))
				main_damaged++;
			batch[i]->magic = FREE_MAGIC;
			main_in_mm = true;
			kmem_cache_free(s, batch[i]);
			main_in_mm = false;
			main_frees++;
			batch[i] = NULL;
		}
		seq += n;
		rounds++;
	}

	time_set_tick_hook(NULL, NULL);
	for (unsigned int i = 0; i < IRQ_KEEP; i++)
		if (irq_side.kept[i])
			irq_put(irq_side.kept[i], irq_side.kept_seq[i]);
	if (!(eflags & EFLAGS_IF))
		cli();

	kprintf("    # %lu main rounds, %lu hook ticks (%lu while main was in mm), "
		"%lu + %lu allocations\n", rounds, irq_side.ticks, irq_side.hit_main,
		main_allocs, irq_side.allocs);

	kmem_cache_get_stats(s, &st);
	KT_EXPECT(irq_side.ticks >= MIN_HOOK_TICKS);
	KT_EXPECT_EQ(irq_side.not_in_irq, 0);
	KT_EXPECT_EQ(irq_side.failures, 0);
	KT_EXPECT(irq_side.allocs >= irq_side.ticks);
	KT_EXPECT_EQ(main_twice + irq_side.twice, 0);
	KT_EXPECT_EQ(main_damaged + irq_side.damaged, 0);
	KT_EXPECT_EQ(main_allocs, main_frees);
	KT_EXPECT_EQ(irq_side.allocs, irq_side.frees);
	KT_EXPECT_EQ(st.allocs - st0.allocs, main_allocs + irq_side.allocs);
	KT_EXPECT_EQ(st.frees - st0.frees, main_frees + irq_side.frees);
	KT_EXPECT_EQ(st.objects_active, 0);
	KT_EXPECT(st.slabs_created - st0.slabs_created > 1);	/* slabs churned */
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
	KT_EXPECT(kmem_cache_find("kt_irq") == NULL);
	KT_EXPECT_EQ(mm_check(), 0);
}

/* ---- pages and kmalloc: the zone locks and every kmalloc class ------------- */

#define PAGE_TICKS	30
#define PAGE_MAGIC	0x9a9e11feu
#define IRQ_PAGE_KEEP	4
#define MAIN_PAGES	16

/* A block or a kmalloc object, tagged in words 1..3 (16 bytes at least). */
struct held {
	uint32_t *p;
	unsigned int order;	/* pages; for kmalloc, the size */
	uint32_t seq;
};

static struct {
	struct held pages[IRQ_PAGE_KEEP], objs[IRQ_PAGE_KEEP];
	unsigned int next;
	uint32_t seq;
	unsigned long ticks, allocs, frees, failures, twice, damaged;
} irq_pg;

static bool take_tag(uint32_t *p, uint32_t owner, uint32_t seq)
{
	bool was_live = p[1] == PAGE_MAGIC;

	p[1] = PAGE_MAGIC;
	p[2] = owner;
	p[3] = seq;
	return was_live;
}

static bool drop_tag(uint32_t *p, uint32_t owner, uint32_t seq)
{
	bool intact = p[1] == PAGE_MAGIC && p[2] == owner && p[3] == seq;

	p[1] = FREE_MAGIC;
	return intact;
}

static void irq_page_hook(void *ctx)
{
	unsigned int slot = irq_pg.next;
	struct held *pg = &irq_pg.pages[slot], *ob = &irq_pg.objs[slot];

	(void)ctx;
	irq_pg.ticks++;
	irq_pg.next = (slot + 1) % IRQ_PAGE_KEEP;
	if (pg->p) {
		irq_pg.damaged += !drop_tag(pg->p, OWNER_IRQ, pg->seq);
		free_pages((unsigned long)pg->p, pg->order);
		irq_pg.frees++;
	}
	if (ob->p) {
		irq_pg.damaged += !drop_tag(ob->p, OWNER_IRQ, ob->seq);
		kfree(ob->p);
		irq_pg.frees++;
	}
	pg->order = irq_pg.seq % 3;
	pg->seq = irq_pg.seq++;
	pg->p = (uint32_t *)__get_free_pages(GFP_ATOMIC | __GFP_NOWARN, pg->order);
	ob->order = 16 << (irq_pg.seq % 9);		/* 16 .. 4096 bytes */
	ob->seq = irq_pg.seq++;
	ob->p = kmalloc(ob->order, GFP_ATOMIC | __GFP_NOWARN);
	for (struct held *h = pg; h; h = h == pg ? ob : NULL) {
		if (!h->p) {
			irq_pg.failures++;
			continue;
		}
		irq_pg.allocs++;
		irq_pg.twice += take_tag(h->p, OWNER_IRQ, h->seq);
	}
}

KTEST(irq_alloc, tick_hook_and_main_loop_share_zones_and_kmalloc)
{
	static struct held mine[MAIN_PAGES];
	unsigned long errors = mm_error_count();
	unsigned long nfree = nr_free_pages();
	unsigned long allocs = 0, frees = 0, twice = 0, damaged = 0, rounds = 0;
	uint32_t seq = 0;

	memset(&irq_pg, 0, sizeof(irq_pg));

	unsigned long eflags = read_eflags();

	sti();
	time_set_tick_hook(irq_page_hook, NULL);

	unsigned long start = jiffies;

	while (jiffies - start < PAGE_TICKS) {
		for (unsigned int i = 0; i < MAIN_PAGES; i++) {
			struct held *h = &mine[i];

			h->seq = seq++;
			if (i % 2) {
				h->order = (unsigned int)(rounds + i) % 4;
				h->p = (uint32_t *)__get_free_pages(GFP_KERNEL, h->order);
			} else {
				/* 16 .. 3015 bytes: room for the tag words */
				h->order = 16 + (unsigned int)((rounds * 13 + i * 29) % 3000);
				h->p = kmalloc(h->order, GFP_KERNEL);
			}
			if (h->p) {
				allocs++;
				twice += take_tag(h->p, OWNER_MAIN, h->seq);
			}
		}
		for (unsigned int i = 0; i < MAIN_PAGES; i++) {
			struct held *h = &mine[(i * 5 + rounds) % MAIN_PAGES];

			if (!h->p)
				continue;
			damaged += !drop_tag(h->p, OWNER_MAIN, h->seq);
			if (h->order < 4)
				free_pages((unsigned long)h->p, h->order);
			else
				kfree(h->p);
			h->p = NULL;
			frees++;
		}
		rounds++;
	}

	time_set_tick_hook(NULL, NULL);
	for (unsigned int i = 0; i < IRQ_PAGE_KEEP; i++) {
		struct held *pg = &irq_pg.pages[i], *ob = &irq_pg.objs[i];

		if (pg->p) {
			irq_pg.damaged += !drop_tag(pg->p, OWNER_IRQ, pg->seq);
			free_pages((unsigned long)pg->p, pg->order);
			irq_pg.frees++;
		}
		if (ob->p) {
			irq_pg.damaged += !drop_tag(ob->p, OWNER_IRQ, ob->seq);
			kfree(ob->p);
			irq_pg.frees++;
		}
	}
	if (!(eflags & EFLAGS_IF))
		cli();

	kprintf("    # %lu main rounds, %lu hook ticks, %lu + %lu allocations\n",
		rounds, irq_pg.ticks, allocs, irq_pg.allocs);
	KT_EXPECT(irq_pg.ticks >= PAGE_TICKS / 2);
	KT_EXPECT_EQ(irq_pg.failures, 0);
	KT_EXPECT_EQ(allocs, rounds * MAIN_PAGES);
	KT_EXPECT_EQ(twice + irq_pg.twice, 0);
	KT_EXPECT_EQ(damaged + irq_pg.damaged, 0);
	KT_EXPECT_EQ(allocs, frees);
	KT_EXPECT_EQ(irq_pg.allocs, irq_pg.frees);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
	/* kmalloc caches may keep an empty slab each; give them back. */
	for (unsigned int size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size *= 2)
		kmem_cache_shrink(kmalloc_slab(size, GFP_KERNEL));
	kmem_cache_shrink(kmalloc_slab(96, GFP_KERNEL));
	kmem_cache_shrink(kmalloc_slab(192, GFP_KERNEL));
	KT_EXPECT(nr_free_pages() >= nfree);
}

/* ---- the checker while the tick hook allocates --------------------------------- */

#define VALIDATE_TICKS	300
#define VALIDATE_SIZE	1024	/* few objects per slab: a cheap check */
#define VALIDATE_MAX	64

static struct {
	struct kmem_cache *cache;
	void *obj;
	unsigned long ticks, failures;
} irq_val;

/* Every tick moves the cache's one slab between the partial and the full
 * list: main keeps it one object short of full, the hook takes that
 * object on one tick and gives it back on the next. */
static void irq_validate_hook(void *ctx)
{
	(void)ctx;
	if (!irq_val.obj) {
		irq_val.obj = kmem_cache_alloc(irq_val.cache, GFP_ATOMIC | __GFP_NOWARN);
		irq_val.failures += irq_val.obj == NULL;
	} else {
		kmem_cache_free(irq_val.cache, irq_val.obj);
		irq_val.obj = NULL;
	}
	irq_val.ticks++;
}

/*
 * /sys/kernel/slab/NAME/validate runs the checks of one cache with
 * interrupts enabled: what it compares must be read under the cache's
 * lock, or a tick that moves a slab to another list in between makes it
 * report problems that are not there.  The window is a few instructions
 * wide: before the fix (the counts were read before the lock) this caught
 * it 1 to 4 times per run, in 4 boots out of 4 under TCG; a race this
 * narrow may still slip by once in a while, but a correct checker never
 * fails here.
 */
KTEST(irq_alloc, validate_sees_a_consistent_cache_under_tick_allocations)
{
	static char report[512];
	static void *held[VALIDATE_MAX];
	struct kmem_cache *s = kmem_cache_create("kt_irq_validate", VALIDATE_SIZE,
						 0, 0, NULL);
	unsigned long errors = mm_error_count();
	unsigned long runs = 0, bad = 0;
	unsigned int n = 0;

	KT_ASSERT(s != NULL);
	unsigned int per_slab = objects_per_slab_of(s);

	KT_ASSERT(per_slab >= 2 && per_slab <= VALIDATE_MAX);
	while (n < per_slab - 1) {
		held[n] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT(held[n] != NULL);
		n++;
	}
	memset(&irq_val, 0, sizeof(irq_val));
	irq_val.cache = s;

	unsigned long eflags = read_eflags();

	sti();
	time_set_tick_hook(irq_validate_hook, NULL);

	unsigned long start = jiffies;

	while (jiffies - start < VALIDATE_TICKS) {
		ssize_t len = mm_proc_read("/sys/kernel/slab/kt_irq_validate/validate",
					   report, sizeof(report));

		runs++;
		if (len <= 0 || !str_ends_with(report, ", 0 problems\n")) {
			if (bad++ == 0)
				kprintf("    # validate said: %s", report);
		}
	}
	time_set_tick_hook(NULL, NULL);
	if (!(eflags & EFLAGS_IF))
		cli();
	if (irq_val.obj)
		kmem_cache_free(s, irq_val.obj);
	while (n)
		kmem_cache_free(s, held[--n]);

	kprintf("    # %lu validate runs over %lu hook ticks, %lu inconsistent\n",
		runs, irq_val.ticks, bad);
	KT_EXPECT(irq_val.ticks >= VALIDATE_TICKS / 2);
	KT_EXPECT_EQ(irq_val.failures, 0);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(mm_error_count(), errors);
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
}

/* ---- /proc/zoneinfo while the tick hook allocates pages -------------------- */

#define ZONEINFO_TICKS	100

static struct {
	struct page *page;
	unsigned long ticks, failures;
} irq_zi;

/* A page taken on one tick and given back on the next: the Normal zone's
 * free count changes on every tick. */
static void irq_zoneinfo_hook(void *ctx)
{
	(void)ctx;
	if (!irq_zi.page) {
		irq_zi.page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		irq_zi.failures += irq_zi.page == NULL;
	} else {
		__free_page(irq_zi.page);
		irq_zi.page = NULL;
	}
	irq_zi.ticks++;
}

/* The number after the first `key` at or after *pos; moves *pos past it. */
static bool next_number(const char **pos, const char *key, unsigned long *v)
{
	size_t klen = strlen(key);
	const char *p = *pos;

	for (; *p; p++) {
		if (strncmp(p, key, klen) != 0)
			continue;
		p += klen;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		for (*v = 0; *p >= '0' && *p <= '9'; p++)
			*v = *v * 10 + (unsigned long)(*p - '0');
		*pos = p;
		return true;
	}
	return false;
}

/* In each populated zone's block, "pages free" and "nr_free_pages" are
 * the same count, read at the same moment. */
static bool zoneinfo_consistent(const char *report)
{
	const char *p = report;
	unsigned long a, b;

	while (next_number(&p, "\n  pages free", &a)) {
		const char *next_zone = p;
		const char *q = p;

		if (!next_number(&next_zone, "\nNode ", &b))
			next_zone = p + strlen(p);
		if (next_number(&q, "nr_free_pages", &b) && q <= next_zone && a != b)
			return false;
	}
	return true;
}

/*
 * Each zone's part of /proc/zoneinfo is one snapshot (mm/vmstat.c renders
 * every report under the zone's lock), even while interrupts allocate
 * from that zone.  Before zoneinfo took the lock, 2 to 5 reads in 100
 * ticks showed two different free counts for the same zone.
 */
KTEST(irq_alloc, zoneinfo_is_a_snapshot_under_tick_allocations)
{
	static char report[4096];
	unsigned long runs = 0, bad = 0;

	memset(&irq_zi, 0, sizeof(irq_zi));

	unsigned long eflags = read_eflags();

	sti();
	time_set_tick_hook(irq_zoneinfo_hook, NULL);

	unsigned long start = jiffies;

	while (jiffies - start < ZONEINFO_TICKS) {
		ssize_t len = mm_proc_read("/proc/zoneinfo", report, sizeof(report));

		runs++;
		if (len <= 0 || !zoneinfo_consistent(report)) {
			if (bad++ == 0)
				kprintf("    # inconsistent /proc/zoneinfo:\n%s", report);
		}
	}
	time_set_tick_hook(NULL, NULL);
	if (!(eflags & EFLAGS_IF))
		cli();
	if (irq_zi.page)
		__free_page(irq_zi.page);

	kprintf("    # %lu zoneinfo reads over %lu hook ticks, %lu inconsistent\n",
		runs, irq_zi.ticks, bad);
	KT_EXPECT(irq_zi.ticks >= ZONEINFO_TICKS / 2);
	KT_EXPECT_EQ(irq_zi.failures, 0);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(mm_check(), 0);
}
