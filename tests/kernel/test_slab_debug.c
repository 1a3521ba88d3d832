/*
 * tests/kernel/test_slab_debug.c - slab debugging on real memory under
 * the real kernel: red zones, poison, double free and a corrupt freelist,
 * in caches created here with SLAB_RED_ZONE | SLAB_POISON |
 * SLAB_STORE_USER (so no boot option is needed).  Each test asserts the
 * report in the kernel log, including "Allocated in <this test>+0x..."
 * as %pS prints it through kallsyms, exactly one more mm_error_count(),
 * the repaired bytes, and mm_check() == 0.
 *
 * mm_check() repairs what it reports, and KT_EXPECT_EQ evaluates its
 * arguments twice: a non-zero result is kept in a local first.
 *
 * ktest may run several times per boot (the shell's `ktest`): every
 * cache gets a name unique to the run, and log lines are looked for only
 * after a marker printed by the test itself.
 */
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "mm/slab_internal.h"

#define DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)
#define OBJ_SIZE	60	/* not a multiple of 8: RZ R covers the padding */
#define LOG_WINDOW	8192

/* ---- the log since the last mark ----------------------------------------------------- */

static char log_window[LOG_WINDOW + 1];
static size_t log_window_len;
static unsigned int mark_seq;
static char mark_text[48];

static void window_append(const char *s, size_t n, void *ctx)
{
	(void)ctx;
	if (n > LOG_WINDOW) {
		s += n - LOG_WINDOW;
		n = LOG_WINDOW;
	}
	if (log_window_len + n > LOG_WINDOW) {
		size_t drop = log_window_len + n - LOG_WINDOW;

		memmove(log_window, log_window + drop, log_window_len - drop);
		log_window_len -= drop;
	}
	memcpy(log_window + log_window_len, s, n);
	log_window_len += n;
}

static void log_mark(void)
{
	ksnprintf(mark_text, sizeof(mark_text), "ktest slab_debug mark %u\n", ++mark_seq);
	pr_info("%s", mark_text);
}

static const char *find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/* What was logged since log_mark(). */
static const char *log_since_mark(void)
{
	log_window_len = 0;
	log_dump(window_append, NULL);
	log_window[log_window_len] = '\0';

	const char *m = find(log_window, mark_text);

	return m ? m + strlen(mark_text) : "";
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = find(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Expects each of lines[] in the log since the mark, in order. */
static bool log_has_in_order(const char *const *lines, size_t n)
{
	const char *p = log_since_mark();

	for (size_t i = 0; i < n; i++) {
		const char *hit = find(p, lines[i]);

		if (!hit) {
			kprintf("    # log since the mark lacks \"%s\"\n", lines[i]);
			return false;
		}
		p = hit + strlen(lines[i]);
	}
	return true;
}

static bool bytes_are(const void *p, uint8_t value, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != value)
			return false;
	return true;
}

static struct kmem_cache *debug_cache(const char *base, unsigned int size,
				      slab_flags_t flags)
{
	static unsigned int run;
	char name[KMEM_CACHE_NAME_MAX];

	ksnprintf(name, sizeof(name), "%s-%u", base, ++run);
	return kmem_cache_create(name, size, 0, flags, NULL);
}

/* ---- tests ----------------------------------------------------------------------------- */

KTEST(slab_debug, right_redzone_overwrite_is_reported_at_free)
{
	struct kmem_cache *s = debug_cache("kt-rz", OBJ_SIZE, DEBUG_FLAGS);
	unsigned long errors = mm_error_count();
	char line[3][96];

	KT_ASSERT(s);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(p);
	KT_EXPECT(bytes_are(p + OBJ_SIZE, SLUB_RED_ACTIVE, s->inuse - OBJ_SIZE));
	log_mark();
	p[OBJ_SIZE] = 0x88;
	kmem_cache_free(s, p);

	ksnprintf(line[0], sizeof(line[0]), "BUG %s: Right Redzone overwritten\n", s->name);
	ksnprintf(line[1], sizeof(line[1]), "Redzone  %p: 88", p + OBJ_SIZE);
	ksnprintf(line[2], sizeof(line[2]), "FIX %s: Restoring Right Redzone", s->name);
	const char *report[] = {
		line[0], ". First byte 0x88 instead of 0xcc\n", "INFO: Slab ",
		"INFO: Object ", line[1],
		"Allocated in ktest_slab_debug_right_redzone_overwrite_is_reported_at_free+0x",
		line[2],
	};
	KT_EXPECT(log_has_in_order(report, ARRAY_SIZE(report)));
	KT_EXPECT_EQ(count(log_since_mark(), "BUG"), 1);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT(bytes_are(p + OBJ_SIZE, SLUB_RED_INACTIVE, s->inuse - OBJ_SIZE));
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
}

KTEST(slab_debug, left_redzone_overwrite_is_reported_at_free)
{
	struct kmem_cache *s = debug_cache("kt-lrz", OBJ_SIZE, DEBUG_FLAGS);
	unsigned long errors = mm_error_count();
	char line[2][96];

	KT_ASSERT(s);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(p);
	log_mark();
	p[-1] = 0x11;
	kmem_cache_free(s, p);

	ksnprintf(line[0], sizeof(line[0]), "BUG %s: Left Redzone overwritten\n", s->name);
	ksnprintf(line[1], sizeof(line[1]), "FIX %s: Restoring Left Redzone", s->name);
	const char *report[] = {
		line[0], ". First byte 0x11 instead of 0xcc\n",
		"Allocated in ktest_slab_debug_left_redzone_overwrite_is_reported_at_free+0x",
		line[1],
	};
	KT_EXPECT(log_has_in_order(report, ARRAY_SIZE(report)));
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT(bytes_are(p - s->red_left_pad, SLUB_RED_INACTIVE, s->red_left_pad));
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
}

KTEST(slab_debug, write_after_free_is_reported_at_the_next_allocation)
{
	struct kmem_cache *s = debug_cache("kt-uaf", OBJ_SIZE, DEBUG_FLAGS);
	unsigned long errors = mm_error_count();
	char line[2][96];

	KT_ASSERT(s);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(p);
	kmem_cache_free(s, p);
	KT_EXPECT(bytes_are(p, POISON_FREE, OBJ_SIZE - 1));
	KT_EXPECT_EQ(p[OBJ_SIZE - 1], POISON_END);
	log_mark();
	p[7] = 0x00;

	uint8_t *q = kmem_cache_alloc(s, GFP_KERNEL);

	KT_EXPECT(q == p);	/* LIFO: the damaged object comes back */
	ksnprintf(line[0], sizeof(line[0]), "BUG %s: Poison overwritten\n", s->name);
	ksnprintf(line[1], sizeof(line[1]), "FIX %s: Restoring Poison", s->name);
	const char *report[] = {
		line[0], ". First byte 0x0 instead of 0x6b\n",
		"Allocated in ktest_slab_debug_write_after_free_is_reported_at_the_next_allocation+0x",
		"Freed in ktest_slab_debug_write_after_free_is_reported_at_the_next_allocation+0x",
		line[1],
	};
	KT_EXPECT(log_has_in_order(report, ARRAY_SIZE(report)));
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT(bytes_are(q, POISON_INUSE, OBJ_SIZE));
	kmem_cache_free(s, q);
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
}

KTEST(slab_debug, double_free_is_refused_and_names_both_frees)
{
	struct kmem_cache *s = debug_cache("kt-df", OBJ_SIZE, DEBUG_FLAGS);
	unsigned long errors = mm_error_count();
	char line[96];

	KT_ASSERT(s);
	void *keep = kmem_cache_alloc(s, GFP_KERNEL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(keep && p);
	kmem_cache_free(s, p);
	log_mark();
	kmem_cache_free(s, p);

	ksnprintf(line, sizeof(line), "BUG %s: Object already free: %p", s->name, p);
	const char *report[] = {
		line,
		"Allocated in ktest_slab_debug_double_free_is_refused_and_names_both_frees+0x",
		"Freed in ktest_slab_debug_double_free_is_refused_and_names_both_frees+0x",
		"Freed again in ktest_slab_debug_double_free_is_refused_and_names_both_frees+0x",
	};
	KT_EXPECT(log_has_in_order(report, ARRAY_SIZE(report)));
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT_EQ(mm_check(), 0);

	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	void *b = kmem_cache_alloc(s, GFP_KERNEL);

	KT_EXPECT(a && b && a != b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, keep);
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
}

KTEST(slab_debug, corrupt_freelist_isolates_the_slab)
{
	/* No poison: the free pointer is the object's first word. */
	struct kmem_cache *s = debug_cache("kt-fp", 64, SLAB_RED_ZONE);
	unsigned long errors = mm_error_count();
	void *got[3 * PAGE_SIZE / 64];
	char line[96];

	KT_ASSERT(s);
	KT_ASSERT_EQ(s->offset, 0);
	uint8_t *a = kmem_cache_alloc(s, GFP_KERNEL);
	uint8_t *b = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(a && b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);		/* freelist: b -> a -> ... */
	log_mark();
	*slab_fp(s, b) ^= 0xffff0000u;	/* a write after free into b */

	uint8_t *c = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(c);
	KT_EXPECT(c != a && c != b);
	ksnprintf(line, sizeof(line), "BUG %s: Freepointer corrupt: object %p", s->name, b);
	const char *report[] = { line, "Isolating slab" };

	KT_EXPECT(log_has_in_order(report, ARRAY_SIZE(report)));
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT_EQ(mm_check(), 0);

	/* Nothing of the isolated slab, nothing twice. */
	unsigned int n = 3 * s->objects;

	if (n > ARRAY_SIZE(got))
		n = ARRAY_SIZE(got);
	for (unsigned int i = 0; i < n; i++) {
		got[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT(got[i]);
		KT_EXPECT(slab_page_of(got[i]) != slab_page_of(b));
		for (unsigned int j = 0; j < i; j++)
			KT_EXPECT(got[i] != got[j]);
		KT_EXPECT(got[i] != c);
	}
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, got[i]);
	kmem_cache_free(s, c);
	KT_EXPECT_EQ(mm_check(), 0);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	/* The isolated slab pins its lost objects: the cache stays. */
}

KTEST(slab_debug, validate_and_mm_check_repair_a_live_object)
{
	static char out[2048];
	char path[80];
	struct kmem_cache *s = debug_cache("kt-val", OBJ_SIZE, DEBUG_FLAGS);
	unsigned long errors = mm_error_count();

	KT_ASSERT(s);
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	KT_ASSERT(p);
	ksnprintf(path, sizeof(path), "/sys/kernel/slab/%s/validate", s->name);
	p[OBJ_SIZE + 2] = 0;	/* in the padding part of RZ R */
	KT_ASSERT(mm_proc_read(path, out, sizeof(out)) > 0);
	KT_EXPECT(find(out, "Right Redzone overwritten\n") != NULL);
	KT_EXPECT(find(out, "Allocated in ktest_slab_debug_validate_and_mm_check_repair_a_live_object+0x") != NULL);
	KT_EXPECT(find(out, "objects checked, 1 problem\n") != NULL);
	KT_EXPECT_EQ(mm_error_count(), errors + 1);
	KT_EXPECT(bytes_are(p + OBJ_SIZE, SLUB_RED_ACTIVE, s->inuse - OBJ_SIZE));
	KT_ASSERT(mm_proc_read(path, out, sizeof(out)) > 0);
	KT_EXPECT(find(out, "objects checked, 0 problems\n") != NULL);

	log_mark();
	p[-2] = 0x42;
	int bad = mm_check();	/* once: KT_EXPECT_EQ evaluates twice */

	KT_EXPECT_EQ(bad, 1);
	KT_EXPECT(find(log_since_mark(), "Left Redzone overwritten\n") != NULL);
	KT_EXPECT_EQ(mm_error_count(), errors + 2);
	KT_EXPECT(bytes_are(p - s->red_left_pad, SLUB_RED_ACTIVE, s->red_left_pad));
	KT_EXPECT_EQ(mm_check(), 0);
	kmem_cache_free(s, p);
	KT_EXPECT_EQ(mm_error_count(), errors + 2);
	kmem_cache_destroy(s);
	KT_EXPECT_EQ(mm_check(), 0);
}
