/*
 * tests/host/test_vsprintf.c - kernel/lib/vsprintf.c against the C
 * library's printf and against its own header's promises.
 *
 * The bulk of the suite is a seeded generator: random format strings
 * (literal text, "%%", one or two directives with random flags, literal or
 * '*' widths and precisions, and length modifiers) with matching random
 * arguments, for every conversion where C99 and our header agree (all but
 * %p, %n and %pS).  Each format is run through kvsnprintf, kvscnprintf and
 * the host's vsnprintf at buffer sizes 0 (NULL and non-NULL), 1, 2, a
 * random short size, the exact length, one more, and plenty; output bytes,
 * the untouched rest of the buffer and the return values must agree.
 * Only combinations C99 defines are generated (no '#' on %d, no '0' or
 * precision on %c, no 'l' on %c/%s), so the reference is any conforming
 * libc, not glibc's reading of undefined behaviour.
 *
 * The rest are targeted tests of what differs from libc on purpose (%p,
 * %pS, %n, unknown conversions, kscnprintf) and of edge values.
 *
 * Reproduce a failure with MM_TEST_SEED=<seed printed>.
 */
#include "tests/host/helpers.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/vsprintf.h"

/*
 * The generator passes each argument with exactly the type its conversion
 * reads.  On this host the typedefs used by z, t and j are the plain long
 * types, which lets one union member serve l, z, t and j alike.
 */
_Static_assert(_Generic((size_t)0, unsigned long: 1, default: 0),
	       "size_t is unsigned long");
_Static_assert(_Generic((ptrdiff_t)0, long: 1, default: 0),
	       "ptrdiff_t is long");
_Static_assert(_Generic((intmax_t)0, long: 1, default: 0),
	       "intmax_t is long");
_Static_assert(_Generic((uintmax_t)0, unsigned long: 1, default: 0),
	       "uintmax_t is unsigned long");

#define DEFAULT_SEED	0x5eedf0e3a7c1ULL
#define NR_RANDOM_FORMATS	30000
#define OUT_MAX		4096	/* far more than any generated output */
#define CANARY		0xa5

/* ---- helpers ------------------------------------------------------------ */

/* Prints s with non-printable bytes escaped, for failure messages. */
static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '"')
			fprintf(stderr, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
}

/* kvsnprintf through a plain (unchecked) variadic wrapper, for formats the
 * compiler's format checking rightly objects to (%q, '0' with %p, ...). */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Asserts that ksnprintf-style output in buf is exactly want (and NUL). */
#define assert_fmt(want, ...)						\
	do {								\
		char buf_[256];						\
		int n_ = ksnprintf(buf_, sizeof(buf_), __VA_ARGS__);	\
		assert_string_equal(buf_, want);			\
		assert_int_equal(n_, strlen(want));			\
	} while (0)

/* The same, for formats the compiler's checker warns about on purpose. */
#define assert_fmt_unchecked(want, ...)					\
	do {								\
		char buf_[256];						\
		int n_ = fmt_unchecked(buf_, sizeof(buf_), __VA_ARGS__); \
		assert_string_equal(buf_, want);			\
		assert_int_equal(n_, strlen(want));			\
	} while (0)

/* ---- the random generator ------------------------------------------------- */

/* What the value of a directive is passed as. */
enum vkind { VK_INT, VK_UINT, VK_LONG, VK_ULONG, VK_LLONG, VK_ULLONG, VK_STR,
	     NR_VKINDS };

/* Which of width and precision come from '*' arguments. */
enum stars { ST_N, ST_W, ST_P, ST_WP, NR_STARS };

struct directive {
	char text[48];
	enum stars stars;
	enum vkind kind;
	int width_arg, prec_arg;
	union {
		int i;
		unsigned u;
		long l;
		unsigned long ul;
		long long ll;
		unsigned long long ull;
		const char *s;
	} v;
};

struct fmt_case {
	uint64_t seed;
	unsigned iter;
	char fmt[256];
	int nr_dirs;
	struct directive d[2];
	size_t short_size;	/* a random size in [1, length + 1] */
};

static const char *const string_pool[] = {
	"", "a", "hello", "kmalloc-64", "with space", "tab\there",
	"0123456789abcdefghijklmnopqrstuvwxyz",
	"\x01\x7f\x80\xff high bytes",
	"a rather long string that is longer than most widths and precisions "
	"the generator picks, so that truncation by precision is exercised",
};

static long long random_signed(uint64_t *rng, int bits)
{
	static const long long edges[] = {
		0, 1, -1, 7, -7, 8, 9, 10, 15, 16, 127, 128, -128, -129, 255,
		256, 32767, 32768, -32768, -32769, 65535, 65536,
		INT_MAX, INT_MIN, (long long)INT_MAX + 1, (long long)INT_MIN - 1,
		UINT_MAX, (long long)UINT_MAX + 1, LLONG_MAX, LLONG_MIN,
		LLONG_MIN + 1, 1000000007, -999999999999LL,
	};
	long long v;

	switch (rng_below(rng, 4)) {
	case 0:
		v = edges[rng_below(rng, sizeof(edges) / sizeof(edges[0]))];
		break;
	case 1:
		v = (long long)rng_below(rng, 2001) - 1000;
		break;
	default:
		v = (long long)rng_next(rng);
		/* random magnitudes, not just huge values */
		v >>= rng_below(rng, 64);
		break;
	}
	if (bits == 32)
		v = (int)(unsigned)v;	/* keep the low 32 bits, sign-extended */
	return v;
}

/* Appends 0..max random literal characters (never a lone '%'). */
static void append_literal(char *fmt, size_t cap, uint64_t *rng, int max)
{
	size_t len = strlen(fmt);
	int n = (int)rng_below(rng, (uint64_t)max + 1);

	for (int i = 0; i < n && len + 3 < cap; i++) {
		if (rng_below(rng, 12) == 0) {
			fmt[len++] = '%';
			fmt[len++] = '%';
		} else {
			char c = (char)(' ' + rng_below(rng, 95));

			fmt[len++] = c == '%' ? '_' : c;
		}
	}
	fmt[len] = '\0';
}

static void gen_directive(struct directive *d, uint64_t *rng)
{
	static const char convs[] = "diuxXocs";
	static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z",
					       "t", "j" };
	char conv = convs[rng_below(rng, sizeof(convs) - 1)];
	bool is_int = conv != 'c' && conv != 's';
	bool is_signed = conv == 'd' || conv == 'i';
	const char *flags;
	char *p = d->text;
	int star_bits = 0;

	switch (conv) {
	case 'd': case 'i': case 'u':
		flags = "-+ 0";
		break;
	case 'o': case 'x': case 'X':
		flags = "-+ #0";
		break;
	default:
		flags = "-";
		break;
	}

	*p++ = '%';
	for (int i = (int)rng_below(rng, 5); i > 0; i--)
		*p++ = flags[rng_below(rng, strlen(flags))];

	/* width: none, '*', or digits (a literal width cannot start with 0) */
	switch (rng_below(rng, 4)) {
	case 0:
		break;
	case 1:
		star_bits |= 1;
		*p++ = '*';
		d->width_arg = (int)rng_below(rng, 81) - 40;
		break;
	default:
		p += sprintf(p, "%d", rng_below(rng, 16) == 0 ?
			     100 + (int)rng_below(rng, 200) :
			     1 + (int)rng_below(rng, 40));
		break;
	}

	/* precision: none, '.', '.*', or '.digits'; not for %c */
	if (conv != 'c') {
		switch (rng_below(rng, 5)) {
		case 0:
		case 1:
			break;
		case 2:
			*p++ = '.';
			if (rng_below(rng, 3) == 0)
				break;
			p += sprintf(p, "%d", rng_below(rng, 16) == 0 ?
				     100 + (int)rng_below(rng, 100) :
				     (int)rng_below(rng, 40));
			break;
		default:
			star_bits |= 2;
			*p++ = '.';
			*p++ = '*';
			d->prec_arg = (int)rng_below(rng, 51) - 10;
			break;
		}
	}
	d->stars = star_bits == 0 ? ST_N : star_bits == 1 ? ST_W :
		   star_bits == 2 ? ST_P : ST_WP;

	if (is_int) {
		unsigned li = (unsigned)rng_below(rng, 8);
		bool wide = li >= 3 && li != 4;	/* l z t j: the long types */
		bool llong = li == 4;
		int bits = wide || llong ? 64 : 32;
		long long v = random_signed(rng, bits);

		p += sprintf(p, "%s", lengths[li]);
		if (is_signed) {
			d->kind = llong ? VK_LLONG : wide ? VK_LONG : VK_INT;
			if (d->kind == VK_INT)
				d->v.i = (int)v;
			else if (d->kind == VK_LONG)
				d->v.l = (long)v;
			else
				d->v.ll = v;
		} else {
			d->kind = llong ? VK_ULLONG : wide ? VK_ULONG : VK_UINT;
			if (d->kind == VK_UINT)
				d->v.u = (unsigned)v;
			else if (d->kind == VK_ULONG)
				d->v.ul = (unsigned long)v;
			else
				d->v.ull = (unsigned long long)v;
		}
	} else if (conv == 'c') {
		d->kind = VK_INT;
		d->v.i = (int)rng_below(rng, 601) - 300;	/* converted to unsigned char */
	} else {
		d->kind = VK_STR;
		d->v.s = string_pool[rng_below(rng, sizeof(string_pool) /
						     sizeof(string_pool[0]))];
	}
	*p++ = conv;
	*p = '\0';
}

static void gen_case(struct fmt_case *c, uint64_t *rng)
{
	c->fmt[0] = '\0';
	c->nr_dirs = (int)rng_below(rng, 8) == 0 ? 0 :
		     1 + (int)rng_below(rng, 2);
	append_literal(c->fmt, sizeof(c->fmt), rng, 6);
	for (int i = 0; i < c->nr_dirs; i++) {
		gen_directive(&c->d[i], rng);
		strcat(c->fmt, c->d[i].text);
		append_literal(c->fmt, sizeof(c->fmt), rng, 6);
	}
	/* Clamped to the real length once it is known. */
	c->short_size = 1 + (size_t)rng_below(rng, 64);
}

static void print_case(const struct fmt_case *c)
{
	fprintf(stderr, "seed %#llx (MM_TEST_SEED), format #%u: \"",
		(unsigned long long)c->seed, c->iter);
	print_escaped(c->fmt, strlen(c->fmt));
	fprintf(stderr, "\"\n");
	for (int i = 0; i < c->nr_dirs; i++) {
		const struct directive *d = &c->d[i];

		fprintf(stderr, "  arg block %d (%s):", i, d->text);
		if (d->stars == ST_W || d->stars == ST_WP)
			fprintf(stderr, " width %d", d->width_arg);
		if (d->stars == ST_P || d->stars == ST_WP)
			fprintf(stderr, " precision %d", d->prec_arg);
		switch (d->kind) {
		case VK_INT: fprintf(stderr, " int %d\n", d->v.i); break;
		case VK_UINT: fprintf(stderr, " unsigned %u\n", d->v.u); break;
		case VK_LONG: fprintf(stderr, " long %ld\n", d->v.l); break;
		case VK_ULONG: fprintf(stderr, " unsigned long %lu\n", d->v.ul); break;
		case VK_LLONG: fprintf(stderr, " long long %lld\n", d->v.ll); break;
		case VK_ULLONG: fprintf(stderr, " unsigned long long %llu\n", d->v.ull); break;
		default:
			fprintf(stderr, " string \"");
			print_escaped(d->v.s, strlen(d->v.s));
			fprintf(stderr, "\"\n");
			break;
		}
	}
}

static void report_mismatch(const struct fmt_case *c, const char *what,
			    const char *ref, int ref_len, size_t size,
			    const char *want, size_t want_len, int want_ret,
			    const char *got, size_t got_len, int got_ret)
{
	print_case(c);
	fprintf(stderr, "  the C library's whole output: \"");
	print_escaped(ref, (size_t)ref_len);
	fprintf(stderr, "\"\n  %s at buffer size %zu (bytes up to the NUL):\n"
		"    want %d \"", what, size, want_ret);
	print_escaped(want, want_len);
	fprintf(stderr, "\"\n    got  %d \"", got_ret);
	print_escaped(got, got_len);
	fprintf(stderr, "\"\n");
	fail_msg("kvsnprintf disagrees with the C library (seed %#llx)",
		 (unsigned long long)c->seed);
}

/*
 * Runs the format with the arguments given at every interesting buffer
 * size and compares.  The whole OUT_MAX buffer is compared, so a byte
 * written past the terminating NUL is caught as well.
 */
static void check_case(const struct fmt_case *c, ...)
{
	static char ref[OUT_MAX], want[OUT_MAX], got[OUT_MAX];
	va_list ap, aq;
	int n;

	va_start(ap, c);
	va_copy(aq, ap);
	n = vsnprintf(ref, sizeof(ref), c->fmt, aq);
	va_end(aq);
	if (n < 0 || n >= OUT_MAX) {
		print_case(c);
		fail_msg("reference output length %d out of range", n);
	}

	size_t short_size = c->short_size <= (size_t)n + 1 ? c->short_size : 1;
	size_t sizes[] = { 0, 0, 1, 2, short_size, (size_t)n, (size_t)n + 1,
			   OUT_MAX };

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t size = sizes[si];
		/* The first size-0 run passes NULL, as C99 allows. */
		bool null_buf = si == 0;
		int want_ret, got_ret, cn_ret;

		memset(want, CANARY, sizeof(want));
		memset(got, CANARY, sizeof(got));
		va_copy(aq, ap);
		want_ret = null_buf ? vsnprintf(NULL, 0, c->fmt, aq) :
				      vsnprintf(want, size, c->fmt, aq);
		va_end(aq);
		va_copy(aq, ap);
		got_ret = kvsnprintf(null_buf ? NULL : got, size, c->fmt, aq);
		va_end(aq);

		size_t shown = size < (size_t)n + 1 ? size : (size_t)n + 1;

		if (want_ret != got_ret || memcmp(want, got, sizeof(got)) != 0)
			report_mismatch(c, "kvsnprintf", ref, n, size, want, shown,
					want_ret, got, shown, got_ret);

		/* kvscnprintf: same bytes, returns what was stored. */
		memset(got, CANARY, sizeof(got));
		va_copy(aq, ap);
		cn_ret = kvscnprintf(null_buf ? NULL : got, size, c->fmt, aq);
		va_end(aq);
		int cn_want = size == 0 ? 0 :
			      (size_t)n < size ? n : (int)(size - 1);

		if (cn_ret != cn_want || memcmp(want, got, sizeof(got)) != 0)
			report_mismatch(c, "kvscnprintf", ref, n, size, want, shown,
					cn_want, got, shown, cn_ret);
	}
	va_end(ap);
}

/* The argument list of one directive block, by its shape. */
#define ARGS_ST_N(d, f)		(d).v.f
#define ARGS_ST_W(d, f)		(d).width_arg, (d).v.f
#define ARGS_ST_P(d, f)		(d).prec_arg, (d).v.f
#define ARGS_ST_WP(d, f)	(d).width_arg, (d).prec_arg, (d).v.f

#define SHAPE(st, k)		((st) * NR_VKINDS + (k))
#define NR_SHAPES		(NR_STARS * NR_VKINDS)

/* Every (stars, kind) shape, twice over so that the lists can nest. */
#define KINDS_A(X, st, ...)						\
	X(st, VK_INT, i, __VA_ARGS__) X(st, VK_UINT, u, __VA_ARGS__)	\
	X(st, VK_LONG, l, __VA_ARGS__) X(st, VK_ULONG, ul, __VA_ARGS__)	\
	X(st, VK_LLONG, ll, __VA_ARGS__) X(st, VK_ULLONG, ull, __VA_ARGS__) \
	X(st, VK_STR, s, __VA_ARGS__)
#define SHAPES_A(X, ...)						\
	KINDS_A(X, ST_N, __VA_ARGS__) KINDS_A(X, ST_W, __VA_ARGS__)	\
	KINDS_A(X, ST_P, __VA_ARGS__) KINDS_A(X, ST_WP, __VA_ARGS__)
#define KINDS_B(X, st, ...)						\
	X(st, VK_INT, i, __VA_ARGS__) X(st, VK_UINT, u, __VA_ARGS__)	\
	X(st, VK_LONG, l, __VA_ARGS__) X(st, VK_ULONG, ul, __VA_ARGS__)	\
	X(st, VK_LLONG, ll, __VA_ARGS__) X(st, VK_ULLONG, ull, __VA_ARGS__) \
	X(st, VK_STR, s, __VA_ARGS__)
#define SHAPES_B(X, ...)						\
	KINDS_B(X, ST_N, __VA_ARGS__) KINDS_B(X, ST_W, __VA_ARGS__)	\
	KINDS_B(X, ST_P, __VA_ARGS__) KINDS_B(X, ST_WP, __VA_ARGS__)

#define CASE_ONE(st, k, f, c)						\
	case SHAPE(st, k):						\
		check_case(c, ARGS_##st((c)->d[0], f));			\
		break;
#define CASE_TWO_INNER(st2, k2, f2, c, st1, k1, f1)			\
	case SHAPE(st1, k1) * NR_SHAPES + SHAPE(st2, k2):		\
		check_case(c, ARGS_##st1((c)->d[0], f1),		\
			   ARGS_##st2((c)->d[1], f2));			\
		break;
#define CASE_TWO(st1, k1, f1, c)	SHAPES_B(CASE_TWO_INNER, c, st1, k1, f1)

/* Calls check_case with the case's arguments, each with its exact type. */
static void run_case(const struct fmt_case *c)
{
	int s0 = c->nr_dirs > 0 ? SHAPE(c->d[0].stars, c->d[0].kind) : 0;
	int s1 = c->nr_dirs > 1 ? SHAPE(c->d[1].stars, c->d[1].kind) : 0;

	switch (c->nr_dirs) {
	case 0:
		check_case(c, 0);	/* excess arguments are ignored */
		break;
	case 1:
		switch (s0) {
		SHAPES_A(CASE_ONE, c)
		default:
			fail();
		}
		break;
	default:
		switch (s0 * NR_SHAPES + s1) {
		SHAPES_A(CASE_TWO, c)
		default:
			fail();
		}
		break;
	}
}

static void test_vsprintf_matches_glibc_on_random_formats(void **state)
{
	uint64_t seed = test_seed(DEFAULT_SEED);
	uint64_t rng = seed;

	(void)state;
	for (unsigned i = 0; i < NR_RANDOM_FORMATS; i++) {
		struct fmt_case c = { .seed = seed, .iter = i };

		gen_case(&c, &rng);
		run_case(&c);
	}
}

/* ---- targeted tests ------------------------------------------------------ */

static void test_vsprintf_formats_linux_report_shapes(void **state)
{
	(void)state;
	assert_fmt("kmalloc-64        |", "%-17s |", "kmalloc-64");
	assert_fmt("a-name-longer-than-17", "%-17s", "a-name-longer-than-17");
	assert_fmt("    42 1234567", "%6lu %6lu", 42UL, 1234567UL);
	assert_fmt("0000beef", "%08x", 0xbeefU);
	assert_fmt("18446744073709551615", "%llu", 18446744073709551615ULL);
	assert_fmt("7", "%zu", (size_t)7);
	assert_fmt("x", "%c", 'x');
	assert_fmt("100%", "%d%%", 100);
	assert_fmt("0x000000000009fbff", "0x%016llx", 0x9fbffULL);
	assert_fmt("Node 0, zone   Normal      1      0 ",
		   "Node %d, zone %8s %6lu %6lu ", 0, "Normal", 1UL, 0UL);
	assert_fmt("MemTotal:         131072 kB", "%-15s %8lu kB", "MemTotal:",
		   131072UL);
	assert_fmt("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
		   "BIOS-e820: [mem 0x%016llx-0x%016llx] %s", 0ULL, 0x9fbffULL,
		   "usable");
}

static void test_vsprintf_pointer_is_zero_padded_hex_without_prefix(void **state)
{
	char want[64], buf[64];
	const int digits = 2 * (int)sizeof(void *);
	void *p = (void *)(uintptr_t)0xc0100000UL;

	(void)state;
	snprintf(want, sizeof(want), "%0*lx", digits, 0xc0100000UL);
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%p", p), digits);
	assert_string_equal(buf, want);
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%px", p), digits);
	assert_string_equal(buf, want);

	/* NULL is all zeros, not "(nil)". */
	snprintf(want, sizeof(want), "%0*d", digits, 0);
	ksnprintf(buf, sizeof(buf), "%p", NULL);
	assert_string_equal(buf, want);

	/* The width pads the whole field, '-' to the right. */
	snprintf(want, sizeof(want), "[%*s%0*lx]", 4, "", digits, 0xabcUL);
	ksnprintf(buf, sizeof(buf), "[%*p]", digits + 4, (void *)0xabcUL);
	assert_string_equal(buf, want);
	snprintf(want, sizeof(want), "[%0*lx%*s]", digits, 0xabcUL, 4, "");
	ksnprintf(buf, sizeof(buf), "[%-*px]", digits + 4, (void *)0xabcUL);
	assert_string_equal(buf, want);

	/* A width smaller than the digits never cuts them, nor does a
	 * precision. */
	snprintf(want, sizeof(want), "%0*lx", digits, 0xabcUL);
	fmt_unchecked(buf, sizeof(buf), "%3.2p", (void *)0xabcUL);
	assert_string_equal(buf, want);

	/* "%px" consumes the 'x'; text after it is literal. */
	snprintf(want, sizeof(want), "%0*lxy", digits, 0x10UL);
	ksnprintf(buf, sizeof(buf), "%pxy", (void *)0x10UL);
	assert_string_equal(buf, want);

	/* Truncation still terminates and returns the full length. */
	snprintf(want, sizeof(want), "%0*lx", digits, 0xc0100000UL);
	assert_int_equal(ksnprintf(buf, 5, "%p", p), digits);
	assert_int_equal(strlen(buf), 4);
	assert_memory_equal(buf, want, 4);
}

static void test_vsprintf_pS_of_unknown_address_falls_back_to_hex(void **state)
{
	static const unsigned long addrs[] = { 0x10, 0x1234, 0xdead0000UL };
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		char *end;
		int n = ksnprintf(buf, sizeof(buf), "%pS", (void *)addrs[i]);

		/* Hex of the address, with or without a 0x prefix, and nothing
		 * else: no symbol name is invented for an unmapped address. */
		assert_int_equal(n, strlen(buf));
		assert_true(n > 0);
		assert_int_equal(strtoul(buf, &end, 16), addrs[i]);
		assert_int_equal(*end, '\0');
	}

	/* The directive's width applies to the symbolized text. */
	int n = ksnprintf(buf, sizeof(buf), "[%-40pS]", (void *)0x1234UL);

	assert_int_equal(n, 42);
	assert_int_equal(strlen(buf), 42);
	assert_int_equal(buf[41], ']');
	assert_int_equal(buf[40], ' ');
}

static void test_vsprintf_n_is_refused_and_consumes_its_argument(void **state)
{
	char buf[64];
	int target = 12345;
	const char *fmt = "ab%ncd%d";

	(void)state;
	/* Through a non-literal format: compilers rightly warn about %n. */
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), fmt, &target, 7), 5);
	assert_string_equal(buf, "abcd7");
	assert_int_equal(target, 12345);

	/* With length modifiers too. */
	fmt = "%hhn%hn%ln%lln|%s";
	signed char hh = 1;
	short h = 2;
	long l = 3;
	long long ll = 4;

	assert_int_equal(fmt_unchecked(buf, sizeof(buf), fmt, &hh, &h, &l, &ll,
				       "end"), 4);
	assert_string_equal(buf, "|end");
	assert_int_equal(hh, 1);
	assert_int_equal(h, 2);
	assert_int_equal(l, 3);
	assert_int_equal(ll, 4);
}

static void test_vsprintf_copies_unknown_conversion_literally(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), "a%qb", 0), 4);
	assert_string_equal(buf, "a%qb");
	fmt_unchecked(buf, sizeof(buf), "%-05.3lq|%d", 42);
	assert_string_equal(buf, "%-05.3lq|42");
	fmt_unchecked(buf, sizeof(buf), "%y%d%k", 1);
	assert_string_equal(buf, "%y1%k");
	/* A '*' in an unknown directive still takes its int, so the
	 * arguments after it stay in step. */
	fmt_unchecked(buf, sizeof(buf), "%*w%d", 9, 2);
	assert_string_equal(buf, "%*w2");

	/* A directive cut off by the end of the format is copied as well. */
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), "50%", 0), 3);
	assert_string_equal(buf, "50%");
	fmt_unchecked(buf, sizeof(buf), "x%-5l", 0);
	assert_string_equal(buf, "x%-5l");
	fmt_unchecked(buf, sizeof(buf), "x%.", 0);
	assert_string_equal(buf, "x%.");
}

static void test_kscnprintf_returns_stored_length_so_chaining_is_safe(void **state)
{
	char buf[16];
	size_t len = 0;

	(void)state;
	/* Chained appends stop at the end of the buffer, never past it. */
	memset(buf, CANARY, sizeof(buf));
	for (int i = 0; i < 10; i++)
		len += kscnprintf(buf + len, sizeof(buf) - len, "%d,", i * 11);
	assert_int_equal(len, sizeof(buf) - 1);
	assert_string_equal(buf, "0,11,22,33,44,5");

	/* Once full, each further call stores nothing and returns 0. */
	assert_int_equal(kscnprintf(buf + len, sizeof(buf) - len, "more"), 0);
	assert_int_equal(kscnprintf(buf, 0, "more"), 0);
	assert_int_equal(kscnprintf(NULL, 0, "%d", 123), 0);

	/* Whereas ksnprintf reports what would have been written. */
	assert_int_equal(ksnprintf(buf, 4, "%s", "abcdef"), 6);
	assert_int_equal(kscnprintf(buf, 4, "%s", "abcdef"), 3);
	assert_int_equal(kscnprintf(buf, 7, "%s", "abcdef"), 6);
	assert_int_equal(kscnprintf(buf, 8, "%s", "abcdef"), 6);
	assert_string_equal(buf, "abcdef");
}

static void test_vsprintf_always_nul_terminates(void **state)
{
	const char *full = "x=-42 [hello     ] 0x2a";
	size_t n = strlen(full);
	char buf[64];

	(void)state;
	for (size_t size = 1; size < sizeof(buf); size++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(ksnprintf(buf, size, "x=%d [%-10s] %#x", -42,
					   "hello", 42), n);
		size_t stored = n < size ? n : size - 1;

		assert_int_equal(buf[stored], '\0');
		assert_memory_equal(buf, full, stored);
		for (size_t i = stored + 1; i < sizeof(buf); i++)
			assert_int_equal((unsigned char)buf[i], CANARY);
	}

	/* Size 0: nothing at all is written. */
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ksnprintf(buf, 0, "%s", "abc"), 3);
	assert_int_equal((unsigned char)buf[0], CANARY);
	assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);

	/* An empty result is an empty string. */
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", ""), 0);
	assert_int_equal(buf[0], '\0');
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal((unsigned char)buf[1], CANARY);
}

static void test_vsprintf_prints_extreme_signed_values(void **state)
{
	(void)state;
	assert_fmt("-2147483648", "%d", INT32_MIN);
	assert_fmt("2147483647", "%i", INT32_MAX);
	assert_fmt("-9223372036854775808", "%lld", LLONG_MIN);
	assert_fmt("9223372036854775807", "%lld", LLONG_MAX);
	assert_fmt("-9223372036854775808", "%jd", INTMAX_MIN);
	assert_fmt("-9223372036854775808", "%ld", LONG_MIN);
	assert_fmt("-128 -32768", "%hhd %hd", -128, -32768);
	/* hh and h convert the promoted int back to the narrow type. */
	assert_fmt("-1 255 -1 65535", "%hhd %hhu %hd %hu", 255, 255, 65535,
		   65535);
	assert_fmt("4294967295 ffffffff 37777777777", "%u %x %o", UINT32_MAX,
		   UINT32_MAX, UINT32_MAX);
	assert_fmt("1777777777777777777777", "%llo", ULLONG_MAX);
	assert_fmt("FFFFFFFFFFFFFFFF", "%llX", ULLONG_MAX);
	assert_fmt("-00000000002147483648", "%021d", INT32_MIN);
	assert_fmt("-2147483648          |", "%-21d|", INT32_MIN);
	assert_fmt("+9223372036854775807", "%+lld", LLONG_MAX);
	assert_fmt("-000000000009223372036854775808", "%.30lld", LLONG_MIN);
}

static void test_vsprintf_zero_precision_of_zero_prints_no_digits(void **state)
{
	(void)state;
	assert_fmt("[]", "[%.0d]", 0);
	assert_fmt("[]", "[%.d]", 0);
	assert_fmt("[     ]", "[%5.0d]", 0);
	assert_fmt("[+]", "[%+.0d]", 0);
	assert_fmt("[ ]", "[% .0d]", 0);
	assert_fmt("[]", "[%.0u%.0x%.0X]", 0U, 0U, 0U);
	assert_fmt("[]", "[%.*d]", 0, 0);
	/* A negative precision is as if none was given: one digit. */
	assert_fmt("[0]", "[%.*d]", -1, 0);
	/* The '0' flag is ignored when a precision is given. */
	assert_fmt_unchecked("[   ]", "[%03.0d]", 0);
	assert_fmt_unchecked("[  1]", "[%03.0d]", 1);
	/* Non-zero values are unaffected. */
	assert_fmt("[7]", "[%.0d]", 7);
}

static void test_vsprintf_alt_flag_with_octal_and_hex_and_zero(void **state)
{
	(void)state;
	/* Octal: the first digit is forced to be a zero, never doubled. */
	assert_fmt("010", "%#o", 8U);
	assert_fmt("0", "%#o", 0U);
	assert_fmt("0", "%#.0o", 0U);
	assert_fmt("010", "%#.2o", 8U);
	assert_fmt("00010", "%#.5o", 8U);
	assert_fmt("  010", "%#5o", 8U);
	assert_fmt("00010", "%#05o", 8U);
	/* Hex: 0x for non-zero values only, counted in the width. */
	assert_fmt("0x2a", "%#x", 42U);
	assert_fmt("0X2A", "%#X", 42U);
	assert_fmt("0", "%#x", 0U);
	assert_fmt("", "%#.0x", 0U);
	assert_fmt("0x0000002a", "%#010x", 42U);
	assert_fmt("0x002a", "%#.4x", 42U);
	assert_fmt("    0x002a", "%#10.4x", 42U);
	assert_fmt("0x2a      |", "%-#10x|", 42U);
	assert_fmt("0xffffffffffffffff", "%#llx", ULLONG_MAX);
}

static void test_vsprintf_null_string_prints_null_marker(void **state)
{
	char buf[32];
	const char *fmt = "[%s]";

	(void)state;
	/* Through a variable: passing NULL for %s is a bug in the caller, and
	 * the compiler rightly says so; the formatter must not crash on it. */
	fmt_unchecked(buf, sizeof(buf), fmt, (const char *)NULL);
	assert_string_equal(buf, "[(null)]");
}

static void test_vsprintf_negative_star_width_left_justifies(void **state)
{
	(void)state;
	assert_fmt("[5   ]", "[%*d]", -4, 5);
	assert_fmt("[ab   ]", "[%*s]", -5, "ab");
	assert_fmt("[5   ]", "[%0*d]", -4, 5);	/* '-' beats '0' */
	assert_fmt("[   ab]", "[%*.*s]", 5, 2, "abcdef");
	assert_fmt("[00005]", "[%.*d]", 5, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vsprintf_matches_glibc_on_random_formats),
		cmocka_unit_test(test_vsprintf_formats_linux_report_shapes),
		cmocka_unit_test(test_vsprintf_pointer_is_zero_padded_hex_without_prefix),
		cmocka_unit_test(test_vsprintf_pS_of_unknown_address_falls_back_to_hex),
		cmocka_unit_test(test_vsprintf_n_is_refused_and_consumes_its_argument),
		cmocka_unit_test(test_vsprintf_copies_unknown_conversion_literally),
		cmocka_unit_test(test_kscnprintf_returns_stored_length_so_chaining_is_safe),
		cmocka_unit_test(test_vsprintf_always_nul_terminates),
		cmocka_unit_test(test_vsprintf_prints_extreme_signed_values),
		cmocka_unit_test(test_vsprintf_zero_precision_of_zero_prints_no_digits),
		cmocka_unit_test(test_vsprintf_alt_flag_with_octal_and_hex_and_zero),
		cmocka_unit_test(test_vsprintf_null_string_prints_null_marker),
		cmocka_unit_test(test_vsprintf_negative_star_width_left_justifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
