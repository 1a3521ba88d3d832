/*
 * mm/slab_debug.c - Linux's slab debugging: red zones, poisoning, owner
 * tracking, tracing and fault injection (failslab), enabled per cache by
 * flags or by the slab_debug= boot option.
 *
 *   slab_debug                      FZPU for every cache
 *   slab_debug=FZ                   those letters for every cache
 *   slab_debug=FZ,kmalloc-64,foo    only for the named caches
 *   slab_debug=P,kmalloc-*;U,foo    several blocks; a trailing '*' matches
 *                                   a prefix; a block without names sets
 *                                   the flags of every other cache
 *   slab_debug=-                    off (also "-" inside a block)
 *
 *   F consistency checks: a slab's whole freelist is walked before every
 *     alloc and free (a broken one isolates the slab at once), and every
 *     free looks for the object on it, so a double free is caught even
 *     after a write after free destroyed the object's free pointer
 *   Z red zones   P poisoning   U store user (tracks)   T trace
 *   A failslab: allocations fail with the probability failslab=PERCENT
 *     gives (failslab= alone applies to every cache); never kmem_cache
 *
 * The layout these add is drawn in mm/slab_internal.h.  Every finding is
 * reported in Linux's shape, starting with "BUG NAME: WHAT overwritten",
 * with the damaged bytes in hex and the owner tracks, then repaired
 * ("FIX NAME: Restoring ...") and counted once in mm_error_count(), so
 * the allocator stays consistent and the next mm_check() is clean.
 */
#include "mm/slab_internal.h"

#include "kernel/lib/parse.h"

#define SLAB_DEBUG_SPEC_MAX	KPARAM_WORD_MAX
#define SLAB_DEBUG_ALL		(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
#define HEXDUMP_MAX		64	/* bytes shown per damaged area */
#define HEXDUMP_LINE		16

static char debug_spec[SLAB_DEBUG_SPEC_MAX + 1];
static bool debug_spec_set;
static unsigned int failslab_percent;
static unsigned long failslab_injected;

/* ---- boot options ----------------------------------------------------------- */

static slab_flags_t letter_flag(char c)
{
	switch (c) {
	case 'F': case 'f': return SLAB_CONSISTENCY_CHECKS;
	case 'Z': case 'z': return SLAB_RED_ZONE;
	case 'P': case 'p': return SLAB_POISON;
	case 'U': case 'u': return SLAB_STORE_USER;
	case 'T': case 't': return SLAB_TRACE;
	case 'A': case 'a': return SLAB_FAILSLAB;
	default: return 0;
	}
}

/* Flags of one option field ("FZ", "-", "" = everything). */
static slab_flags_t parse_letters(const char *p, size_t n, bool warn)
{
	slab_flags_t f = 0;

	if (n == 0)
		return SLAB_DEBUG_ALL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '-')
			return 0;
		slab_flags_t bit = letter_flag(p[i]);

		if (!bit && warn)
			pr_warn("slab_debug: option '%c' unknown, skipped\n", p[i]);
		f |= bit;
	}
	return f;
}

static bool name_matches(const char *pat, size_t n, const char *name)
{
	if (n > 0 && pat[n - 1] == '*')
		return strncmp(pat, name, n - 1) == 0;
	return strlen(name) == n && strncmp(pat, name, n) == 0;
}

/*
 * Walks the spec.  With name == NULL it only validates (warns once about
 * unknown letters).  Returns the flags for name: the flags of the first
 * block that names it, else those of the last block without names; an
 * empty spec is FZPU for everyone.
 */
static slab_flags_t walk_spec(const char *name, bool *mentions_failslab)
{
	slab_flags_t global = 0, named = 0;
	bool found = false;
	const char *p = debug_spec;

	if (mentions_failslab)
		*mentions_failslab = false;
	/* "slab_debug" or "slab_debug=" alone: full debugging, as Linux. */
	if (!*p)
		return SLAB_DEBUG_ALL;
	while (*p) {
		const char *end = p;

		while (*end && *end != ';')
			end++;
		const char *comma = p;

		while (comma < end && *comma != ',')
			comma++;
		slab_flags_t f = parse_letters(p, (size_t)(comma - p), name == NULL);

		if (mentions_failslab && (f & SLAB_FAILSLAB))
			*mentions_failslab = true;
		if (comma == end) {
			global = f;
		} else {
			for (const char *q = comma + 1; q < end;) {
				const char *e = q;

				while (e < end && *e != ',')
					e++;
				if (name && !found && name_matches(q, (size_t)(e - q), name)) {
					named = f;
					found = true;
				}
				q = e < end ? e + 1 : e;
			}
		}
		p = *end ? end + 1 : end;
	}
	return found ? named : global;
}

int slab_set_debug(const char *val, const struct kparam *kp)
{
	(void)kp;
	if (val && strlen(val) > SLAB_DEBUG_SPEC_MAX)
		return -EINVAL;
	debug_spec[0] = '\0';
	if (val)
		memcpy(debug_spec, val, strlen(val) + 1);
	debug_spec_set = true;
	walk_spec(NULL, NULL);	/* warn about unknown letters once */
	return 0;
}

int slab_set_failslab(const char *val, const struct kparam *kp)
{
	unsigned int pct;

	(void)kp;
	if (!val || kstrtouint(val, 10, &pct) || pct > 100)
		return -EINVAL;
	failslab_percent = pct;
	return 0;
}

slab_flags_t slab_debug_flags_for(const char *name)
{
	bool mentions_a = false;
	slab_flags_t f = debug_spec_set ? walk_spec(name, &mentions_a) : 0;

	/* failslab=PERCENT without any A in slab_debug: every cache. */
	if (failslab_percent && !mentions_a)
		f |= SLAB_FAILSLAB;
	return f;
}

void slab_debug_reset(void)
{
	debug_spec[0] = '\0';
	debug_spec_set = false;
	failslab_percent = 0;
	failslab_injected = 0;
}

bool slab_should_failslab(struct kmem_cache *s)
{
	if (!(s->flags & SLAB_FAILSLAB) || failslab_percent == 0)
		return false;
	if (get_random_u32() % 100 >= failslab_percent)
		return false;
	__atomic_fetch_add(&failslab_injected, 1, __ATOMIC_RELAXED);
	return true;
}

unsigned long slab_failslab_injected(void)
{
	return failslab_injected;
}

bool slab_want_init_on_alloc(const struct kmem_cache *s)
{
	return mm_opts.init_on_alloc && !s->ctor;
}

bool slab_want_init_on_free(const struct kmem_cache *s)
{
	return mm_opts.init_on_free && !s->ctor && !(s->flags & SLAB_POISON);
}

/* ---- reports -------------------------------------------------------------------- */

/* Where a report goes: the log (pr_err), or a /sys validate buffer. */
#define out_line(out, ...)	seq_or_log((out), "", __VA_ARGS__)

static void hexdump(struct seq_buf *out, const char *label, const uint8_t *p,
		    size_t len)
{
	if (len > HEXDUMP_MAX)
		len = HEXDUMP_MAX;
	for (size_t off = 0; off < len; off += HEXDUMP_LINE) {
		char hex[3 * HEXDUMP_LINE + 1], asc[HEXDUMP_LINE + 1];
		size_t n = len - off < HEXDUMP_LINE ? len - off : HEXDUMP_LINE;
		size_t h = 0;

		for (size_t i = 0; i < n; i++) {
			uint8_t b = p[off + i];

			h += (size_t)kscnprintf(hex + h, sizeof(hex) - h, "%s%02x",
						i ? " " : "", b);
			asc[i] = b >= ' ' && b <= '~' ? (char)b : '.';
		}
		asc[n] = '\0';
		out_line(out, "%-8s %p: %-47s  %s\n", label, (const void *)(p + off),
			 hex, asc);
	}
}

static struct slab_track *get_track(struct kmem_cache *s, void *obj, int which)
{
	return (struct slab_track *)((char *)obj + s->track_off) + which;
}

enum { TRACK_ALLOC, TRACK_FREE };

static void print_track(struct seq_buf *out, const char *what,
			const struct slab_track *t)
{
	if (!t->addr)
		return;
	out_line(out, "%s in %pS age=%lums\n", what, (void *)t->addr,
		 mm_port_ticks_ms() - t->when);
}

void slab_debug_print_tracks(struct kmem_cache *s, void *obj)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track(NULL, "Allocated", get_track(s, obj, TRACK_ALLOC));
	print_track(NULL, "Freed", get_track(s, obj, TRACK_FREE));
}

/*
 * Checks that [start, start + bytes) all hold value, except its last byte
 * which must hold end (poison ends in POISON_END; red zones pass end ==
 * value).  If not, reports the damaged range in Linux's shape, restores
 * it and counts one error: one damaged area, one report.
 */
static bool check_bytes(struct kmem_cache *s, struct page *page, void *obj,
			const char *what, uint8_t *start, size_t bytes,
			uint8_t value, uint8_t end, struct seq_buf *out)
{
	uint8_t *fault = NULL, *last = NULL;

	for (size_t i = 0; i < bytes; i++) {
		if (start[i] != (i + 1 == bytes ? end : value)) {
			if (!fault)
				fault = start + i;
			last = start + i;
		}
	}
	if (!fault)
		return true;

	uint8_t *stop = start + bytes - 1;
	uint8_t want = fault == stop ? end : value;

	out_line(out, "BUG %s: %s overwritten\n", s->name, what);
	out_line(out, "INFO: 0x%p-0x%p @offset=%u. First byte 0x%x instead of 0x%x\n",
		 (void *)fault, (void *)last,
		 (unsigned int)(fault - (uint8_t *)page_address(page)), *fault, want);
	out_line(out, "INFO: Slab 0x%p objects=%u used=%u\n", page_address(page),
		 page->objects, page->inuse);
	out_line(out, "INFO: Object 0x%p @offset=%u size=%u\n", obj,
		 (unsigned int)((uint8_t *)obj - (uint8_t *)page_address(page)),
		 s->object_size);
	hexdump(out, what[0] == 'P' ? "Object" : "Redzone", fault,
		(size_t)(last - fault) + 1);
	if (s->flags & SLAB_STORE_USER) {
		print_track(out, "Allocated", get_track(s, obj, TRACK_ALLOC));
		print_track(out, "Freed", get_track(s, obj, TRACK_FREE));
	}
	out_line(out, "FIX %s: Restoring %s 0x%p-0x%p=0x%x\n", s->name, what,
		 (void *)fault, (void *)last, want);
	memset(fault, value, (size_t)(last - fault) + 1);
	*stop = end;
	mm_count_error();
	return false;
}

/* The red zones of obj: left [obj - red_left_pad, obj), right
 * [obj + object_size, obj + inuse). */
static int check_redzones(struct kmem_cache *s, struct page *page, void *obj,
			  uint8_t value, struct seq_buf *out)
{
	int bad = 0;

	if (!(s->flags & SLAB_RED_ZONE))
		return 0;
	bad += !check_bytes(s, page, obj, "Left Redzone", (uint8_t *)obj - s->red_left_pad,
			    s->red_left_pad, value, value, out);
	bad += !check_bytes(s, page, obj, "Right Redzone",
			    (uint8_t *)obj + s->object_size,
			    s->inuse - s->object_size, value, value, out);
	return bad;
}

static bool poisoned(const struct kmem_cache *s)
{
	return (s->flags & SLAB_POISON) && !s->ctor;
}

static int check_poison(struct kmem_cache *s, struct page *page, void *obj,
			struct seq_buf *out)
{
	if (!poisoned(s))
		return 0;
	/* The whole object is one area: a write after free that covers the
	 * end marker too is one damage, reported and counted once. */
	return !check_bytes(s, page, obj, "Poison", obj, s->object_size,
			    POISON_FREE, POISON_END, out);
}

static void set_redzones(struct kmem_cache *s, void *obj, uint8_t value)
{
	if (!(s->flags & SLAB_RED_ZONE))
		return;
	memset((uint8_t *)obj - s->red_left_pad, value, s->red_left_pad);
	memset((uint8_t *)obj + s->object_size, value, s->inuse - s->object_size);
}

static void poison_free(struct kmem_cache *s, void *obj)
{
	memset(obj, POISON_FREE, s->object_size - 1);
	((uint8_t *)obj)[s->object_size - 1] = POISON_END;
}

/* ---- hooks ------------------------------------------------------------------------ */

void slab_debug_init_object(struct kmem_cache *s, void *obj)
{
	set_redzones(s, obj, SLUB_RED_INACTIVE);
	if (poisoned(s))
		poison_free(s, obj);
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, obj, TRACK_ALLOC), 0, 2 * sizeof(struct slab_track));
}

void slab_debug_alloc(struct kmem_cache *s, struct page *page, void *obj,
		      unsigned long caller)
{
	/* A write after free shows up as damaged poison here. */
	check_poison(s, page, obj, NULL);
	check_redzones(s, page, obj, SLUB_RED_INACTIVE, NULL);
	set_redzones(s, obj, SLUB_RED_ACTIVE);
	if (poisoned(s))
		memset(obj, POISON_INUSE, s->object_size);
	if (slab_want_init_on_alloc(s))
		memset(obj, 0, s->object_size);
	if (s->flags & SLAB_STORE_USER) {
		struct slab_track *t = get_track(s, obj, TRACK_ALLOC);

		t->addr = caller;
		t->when = mm_port_ticks_ms();
	}
	if (s->flags & SLAB_TRACE)
		pr_info("TRACE %s alloc 0x%p inuse=%u by %pS\n", s->name, obj,
			page->inuse, (void *)caller);
}

void slab_debug_free(struct kmem_cache *s, struct page *page, void *obj,
		     unsigned long caller)
{
	/* An overflow or underflow while the object was live. */
	check_redzones(s, page, obj, SLUB_RED_ACTIVE, NULL);
	if (s->flags & SLAB_STORE_USER) {
		struct slab_track *t = get_track(s, obj, TRACK_FREE);

		t->addr = caller;
		t->when = mm_port_ticks_ms();
	}
	if (s->flags & SLAB_TRACE)
		pr_info("TRACE %s free 0x%p inuse=%u by %pS\n", s->name, obj,
			page->inuse, (void *)caller);
	if (poisoned(s))
		poison_free(s, obj);
	else if (slab_want_init_on_free(s))
		memset(obj, 0, s->object_size);
	set_redzones(s, obj, SLUB_RED_INACTIVE);
}

/* Whether both red zones of obj hold value throughout. */
static bool redzones_hold(struct kmem_cache *s, void *obj, uint8_t value)
{
	const uint8_t *left = (uint8_t *)obj - s->red_left_pad;
	const uint8_t *right = (uint8_t *)obj + s->object_size;

	for (unsigned int i = 0; i < s->red_left_pad; i++)
		if (left[i] != value)
			return false;
	for (unsigned int i = 0; i < s->inuse - s->object_size; i++)
		if (right[i] != value)
			return false;
	return true;
}

void slab_debug_isolate(struct kmem_cache *s, struct page *page)
{
	if (!(s->flags & SLAB_RED_ZONE))
		return;
	/* The objects that were free say so in their red zones; as lost
	 * objects they count as allocated from now on. */
	for (unsigned int i = 0; i < page->objects; i++) {
		void *obj = slab_obj(s, page, i);

		if (redzones_hold(s, obj, SLUB_RED_INACTIVE))
			set_redzones(s, obj, SLUB_RED_ACTIVE);
	}
}

int slab_debug_validate(struct kmem_cache *s, struct page *page,
			const uint8_t *is_free, struct seq_buf *out)
{
	int bad = 0;

	if (!(s->flags & (SLAB_RED_ZONE | SLAB_POISON)))
		return 0;
	for (unsigned int i = 0; i < page->objects; i++) {
		void *obj = slab_obj(s, page, i);
		bool free = is_free[i / 8] & (1u << (i % 8));

		bad += check_redzones(s, page, obj,
				      free ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE, out);
		if (free)
			bad += check_poison(s, page, obj, out);
	}
	return bad;
}
