/*
 * tests/host/test_parse.c - kernel/lib/parse.c: the strict number parsers
 * (kstrtoull, kstrtoul, kstrtouint), parse_size, and the boot command-line
 * parser kparam_parse with its lookup and ready-made setters.
 *
 * Strict means what parse.c's header says: the whole string is the number,
 * no spaces, no sign, overflow is -ERANGE and anything else -EINVAL, and
 * the result is only written on success.
 */
#include "tests/host/helpers.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kernel/lib/parse.h"

/* A value that no parser produces, to see that errors leave *res alone. */
#define UNTOUCHED	0x5a5a5a5a5a5a5a5aULL

static void expect_ull(const char *s, unsigned base, unsigned long long want)
{
	unsigned long long v = UNTOUCHED;
	int err = kstrtoull(s, base, &v);

	if (err != 0 || v != want)
		fail_msg("kstrtoull(\"%s\", %u) = %d, %llu; want 0, %llu", s, base,
			 err, v, want);
}

static void expect_ull_err(const char *s, unsigned base, int want_err)
{
	unsigned long long v = UNTOUCHED;
	int err = kstrtoull(s, base, &v);

	if (err != want_err || v != UNTOUCHED)
		fail_msg("kstrtoull(\"%s\", %u) = %d (result %#llx); want %d, untouched",
			 s ? s : "(null)", base, err, v, want_err);
}

static void expect_size(const char *s, unsigned long long want)
{
	unsigned long long v = UNTOUCHED;
	int err = parse_size(s, &v);

	if (err != 0 || v != want)
		fail_msg("parse_size(\"%s\") = %d, %llu; want 0, %llu", s, err, v,
			 want);
}

static void expect_size_err(const char *s, int want_err)
{
	unsigned long long v = UNTOUCHED;
	int err = parse_size(s, &v);

	if (err != want_err || v != UNTOUCHED)
		fail_msg("parse_size(\"%s\") = %d (result %#llx); want %d, untouched",
			 s ? s : "(null)", err, v, want_err);
}

/* ---- kstrtoull and friends -------------------------------------------------- */

static void test_kstrtoull_base_0_reads_decimal_hex_and_octal(void **state)
{
	(void)state;
	expect_ull("0", 0, 0);
	expect_ull("7", 0, 7);
	expect_ull("4096", 0, 4096);
	expect_ull("0x10", 0, 16);
	expect_ull("0X1f", 0, 31);
	expect_ull("0xDEADbeef", 0, 0xdeadbeef);
	expect_ull("010", 0, 8);
	expect_ull("00", 0, 0);
	expect_ull("0777", 0, 0777);
	expect_ull("000000000000000000000000000000000000042", 0, 042);
	expect_ull("0x00000000000000000000000000000001", 0, 1);
}

static void test_kstrtoull_base_0_leading_zero_means_octal(void **state)
{
	(void)state;
	/* "0.." is octal, so 8 and 9 are not digits of it: an error, never
	 * a silent switch to decimal. */
	expect_ull_err("08", 0, -EINVAL);
	expect_ull_err("09", 0, -EINVAL);
	expect_ull_err("018", 0, -EINVAL);
	expect_ull_err("0089", 0, -EINVAL);
	/* With an explicit base 10 a leading zero is just a zero. */
	expect_ull("08", 10, 8);
	expect_ull("010", 10, 10);
}

static void test_kstrtoull_honours_explicit_bases(void **state)
{
	(void)state;
	expect_ull("101", 2, 5);
	expect_ull("777", 8, 0777);
	expect_ull("999", 10, 999);
	expect_ull("ff", 16, 255);
	expect_ull("FF", 16, 255);
	expect_ull("0xff", 16, 255);	/* the prefix is allowed with base 16 */
	expect_ull("0", 16, 0);
	expect_ull("zz", 36, 35 * 36 + 35);
	expect_ull("Zz", 36, 35 * 36 + 35);
	expect_ull_err("2", 2, -EINVAL);
	expect_ull_err("8", 8, -EINVAL);
	expect_ull_err("a", 10, -EINVAL);
	expect_ull_err("g", 16, -EINVAL);
	expect_ull_err("0x10", 10, -EINVAL);	/* 0x only means hex in base 0/16 */
	expect_ull_err("0x10", 8, -EINVAL);
	expect_ull_err("0xg", 16, -EINVAL);
	expect_ull_err("1", 1, -EINVAL);
	expect_ull_err("1", 37, -EINVAL);
	expect_ull_err("0", 1, -EINVAL);
}

static void test_kstrtoull_rejects_overflow_with_erange(void **state)
{
	(void)state;
	expect_ull("18446744073709551615", 0, ULLONG_MAX);
	expect_ull_err("18446744073709551616", 0, -ERANGE);
	expect_ull_err("18446744073709551620", 0, -ERANGE);
	expect_ull_err("99999999999999999999999", 0, -ERANGE);
	expect_ull("0xffffffffffffffff", 0, ULLONG_MAX);
	expect_ull_err("0x10000000000000000", 0, -ERANGE);
	expect_ull_err("0xfffffffffffffffff", 0, -ERANGE);
	expect_ull("01777777777777777777777", 0, ULLONG_MAX);
	expect_ull_err("02000000000000000000000", 0, -ERANGE);
	expect_ull("1111111111111111111111111111111111111111111111111111111111111111",
		   2, ULLONG_MAX);
	expect_ull_err("10000000000000000000000000000000000000000000000000000000000000000",
		       2, -ERANGE);
	/* Trailing garbage after an overflowing number is still garbage. */
	expect_ull_err("99999999999999999999999x", 0, -EINVAL);
}

static void test_kstrtoull_rejects_garbage_empty_signs_and_spaces(void **state)
{
	static const char *const bad[] = {
		"", " ", "x", "12abc", "1 ", " 1", "1\n", "\t1", "+1", "-1", "- 1",
		"1 2", "1.0", "1e3", "0x", "0X", "0xx1", "0b101", "1_000", "1k",
		"0x1g", "0x 1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_ull_err(bad[i], 0, -EINVAL);
	expect_ull_err(NULL, 0, -EINVAL);
	expect_ull_err("", 16, -EINVAL);
	expect_ull_err("-0", 10, -EINVAL);
}

static void test_kstrtoul_and_kstrtouint_check_their_own_range(void **state)
{
	unsigned long ul = 1;
	unsigned int ui = 1;

	(void)state;
	assert_int_equal(kstrtouint("4294967295", 0, &ui), 0);
	assert_int_equal(ui, UINT_MAX);
	ui = 7;
	assert_int_equal(kstrtouint("4294967296", 0, &ui), -ERANGE);
	assert_int_equal(kstrtouint("0x100000000", 0, &ui), -ERANGE);
	assert_int_equal(kstrtouint("99999999999999999999999", 0, &ui), -ERANGE);
	assert_int_equal(kstrtouint("12abc", 0, &ui), -EINVAL);
	assert_int_equal(kstrtouint(NULL, 0, &ui), -EINVAL);
	assert_int_equal(ui, 7);
	assert_int_equal(kstrtouint("0x20", 16, &ui), 0);
	assert_int_equal(ui, 32);

	assert_int_equal(kstrtoul("4096", 0, &ul), 0);
	assert_int_equal(ul, 4096);
	if (sizeof(unsigned long) == sizeof(unsigned long long)) {
		assert_int_equal(kstrtoul("18446744073709551615", 0, &ul), 0);
		assert_true(ul == ULONG_MAX);
	} else {
		assert_int_equal(kstrtoul("4294967296", 0, &ul), -ERANGE);
	}
	ul = 7;
	assert_int_equal(kstrtoul("18446744073709551616", 0, &ul), -ERANGE);
	assert_int_equal(kstrtoul("-1", 0, &ul), -EINVAL);
	assert_int_equal(kstrtoul("", 0, &ul), -EINVAL);
	assert_int_equal(ul, 7);
}

/* ---- parse_size -------------------------------------------------------------- */

static void test_parse_size_applies_every_suffix(void **state)
{
	(void)state;
	expect_size("0", 0);
	expect_size("4096", 4096);
	expect_size("0x1000", 4096);
	expect_size("010", 8);
	expect_size("64k", 64ULL << 10);
	expect_size("64K", 64ULL << 10);
	expect_size("128m", 128ULL << 20);
	expect_size("128M", 128ULL << 20);
	expect_size("1g", 1ULL << 30);
	expect_size("3G", 3ULL << 30);
	expect_size("2t", 2ULL << 40);
	expect_size("2T", 2ULL << 40);
	expect_size("0x10M", 16ULL << 20);
	expect_size("0k", 0);
}

static void test_parse_size_accepts_b_and_ib_after_a_suffix(void **state)
{
	(void)state;
	expect_size("64KiB", 64ULL << 10);
	expect_size("64kib", 64ULL << 10);
	expect_size("64KIB", 64ULL << 10);
	expect_size("64KB", 64ULL << 10);
	expect_size("64kb", 64ULL << 10);
	expect_size("128MiB", 128ULL << 20);
	expect_size("128MB", 128ULL << 20);
	expect_size("1GiB", 1ULL << 30);
	expect_size("1GB", 1ULL << 30);
	expect_size("1TiB", 1ULL << 40);
	expect_size("1TB", 1ULL << 40);
}

static void test_parse_size_rejects_overflow_on_shift(void **state)
{
	(void)state;
	/* The largest value of each suffix, then one more. */
	expect_size("18014398509481983K", 18014398509481983ULL << 10);
	expect_size_err("18014398509481984K", -ERANGE);
	expect_size("17592186044415M", 17592186044415ULL << 20);
	expect_size_err("17592186044416M", -ERANGE);
	expect_size("17179869183G", 17179869183ULL << 30);
	expect_size_err("17179869184G", -ERANGE);
	expect_size("16777215T", 16777215ULL << 40);
	expect_size_err("16777216T", -ERANGE);
	expect_size_err("0x1000000TiB", -ERANGE);
	/* And overflow of the number itself. */
	expect_size("18446744073709551615", ULLONG_MAX);
	expect_size_err("18446744073709551616", -ERANGE);
	expect_size_err("99999999999999999999K", -ERANGE);
}

static void test_parse_size_rejects_trailing_garbage(void **state)
{
	static const char *const bad[] = {
		"", "K", "M", "iB", "k1", "1X", "1P", "1 K", " 1K", "1K ", "-1K",
		"+1K", "1.5G", "1KK", "1KiBx", "1Ki", "1KBB", "1KiB B", "1iB",
		"1KbB", "0x", "0xK", "08M", "1M\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_size_err(bad[i], -EINVAL);
	expect_size_err(NULL, -EINVAL);
}

/* ---- kparam_parse ------------------------------------------------------------- */

/* What the recording setter saw, in order. */
struct set_log {
	int calls;
	char text[1024];	/* "name=val;" or "name;" per call */
	int fail_with;		/* returned by the setter when non-zero */
};

static int record_set(const char *val, const struct kparam *kp)
{
	struct set_log *log = kp->arg;
	size_t len = strlen(log->text);

	snprintf(log->text + len, sizeof(log->text) - len, "%s%s%s;", kp->name,
		 val ? "=" : "", val ? val : "");
	log->calls++;
	return log->fail_with;
}

/* What the report callback saw, in order. */
struct report_log {
	int calls;
	char text[2048];	/* "name=val:err;" or "name:err;" per report */
};

static void record_report(void *ctx, const char *name, const char *val,
			  int err)
{
	struct report_log *r = ctx;
	size_t len = strlen(r->text);

	snprintf(r->text + len, sizeof(r->text) - len, "%s%s%s:%d;", name,
		 val ? "=" : "", val ? val : "", err);
	r->calls++;
}

static struct set_log set_log;

static const struct kparam table[] = {
	{ "quiet", record_set, &set_log, "less output" },
	{ "mem", record_set, &set_log, "limit RAM" },
	{ "slab_debug", record_set, &set_log, "slab debugging" },
	{ "x", record_set, &set_log, "a one-letter name" },
};
#define TABLE_N	(sizeof(table) / sizeof(table[0]))

static int reset_logs(void **state)
{
	(void)state;
	memset(&set_log, 0, sizeof(set_log));
	return 0;
}

/* Parses cmdline with the recording table; checks what was set, what was
 * reported and the return value. */
static void expect_parse(const char *cmdline, const char *want_set,
			 const char *want_reports, int want_ret)
{
	struct report_log r;
	int ret;

	memset(&r, 0, sizeof(r));
	memset(&set_log, 0, sizeof(set_log));
	ret = kparam_parse(cmdline, table, TABLE_N, record_report, &r);
	if (strcmp(set_log.text, want_set) != 0 ||
	    strcmp(r.text, want_reports) != 0 || ret != want_ret)
		fail_msg("kparam_parse(\"%s\"):\n  set     \"%s\"\n  want    \"%s\"\n"
			 "  reports \"%s\"\n  want    \"%s\"\n  returned %d, want %d",
			 cmdline ? cmdline : "(null)", set_log.text, want_set,
			 r.text, want_reports, ret, want_ret);
	assert_int_equal(r.calls, ret);
}

static void test_kparam_parse_applies_bare_words_and_name_value_pairs(void **state)
{
	(void)state;
	expect_parse("quiet", "quiet;", "", 0);
	expect_parse("mem=128M", "mem=128M;", "", 0);
	expect_parse("quiet mem=64M slab_debug=FZ x",
		     "quiet;mem=64M;slab_debug=FZ;x;", "", 0);
	/* A word given twice is applied twice, in order. */
	expect_parse("mem=1M mem=2M", "mem=1M;mem=2M;", "", 0);
}

static void test_kparam_parse_passes_empty_value_as_empty_string(void **state)
{
	(void)state;
	/* "mem=" has a value, the empty string; "mem" has none (NULL). */
	expect_parse("mem=", "mem=;", "", 0);
	expect_parse("mem", "mem;", "", 0);
	expect_parse("mem=\"\"", "mem=;", "", 0);
}

static void test_kparam_parse_removes_quotes_and_keeps_quoted_spaces(void **state)
{
	(void)state;
	expect_parse("slab_debug=\"F Z,kmalloc-64\" quiet",
		     "slab_debug=F Z,kmalloc-64;quiet;", "", 0);
	expect_parse("\"slab_debug=a\tb\"", "slab_debug=a\tb;", "", 0);
	expect_parse("qu\"ie\"t", "quiet;", "", 0);
	/* An unterminated quote runs to the end of the line. */
	expect_parse("mem=\"1 2 3", "mem=1 2 3;", "", 0);
	/* An empty quoted word is an (unknown) empty name. */
	expect_parse("\"\" quiet", "quiet;", ":-2;", 1);
}

static void test_kparam_parse_splits_at_the_first_equals_sign(void **state)
{
	(void)state;
	expect_parse("slab_debug=F,a=b=c", "slab_debug=F,a=b=c;", "", 0);
	expect_parse("x==", "x==;", "", 0);
	expect_parse("=value", "", "=value:-2;", 1);
}

static void test_kparam_parse_separates_words_by_tabs_and_newlines(void **state)
{
	(void)state;
	expect_parse("\tquiet\nmem=1M\r\n  x \t", "quiet;mem=1M;x;", "", 0);
	expect_parse(" \t\n\r ", "", "", 0);
}

static void test_kparam_parse_reports_and_skips_overlong_words(void **state)
{
	char cmdline[3 * KPARAM_WORD_MAX];
	char name[KPARAM_WORD_MAX + 2];
	char want[3 * KPARAM_WORD_MAX + 2];
	struct report_log r;

	(void)state;
	/* KPARAM_WORD_MAX characters are fine: "mem=" plus a long value. */
	memset(cmdline, 0, sizeof(cmdline));
	strcpy(cmdline, "mem=");
	memset(cmdline + 4, '9', KPARAM_WORD_MAX - 4);
	snprintf(want, sizeof(want), "%s;", cmdline);
	expect_parse(cmdline, want, "", 0);

	/* One more is reported with -ENOSPC and skipped; the next word still
	 * parses. */
	memset(cmdline, 0, sizeof(cmdline));
	strcpy(cmdline, "mem=");
	memset(cmdline + 4, '9', KPARAM_WORD_MAX - 3);
	strcat(cmdline, " quiet");
	memset(&r, 0, sizeof(r));
	memset(&set_log, 0, sizeof(set_log));
	assert_int_equal(kparam_parse(cmdline, table, TABLE_N, record_report, &r),
			 1);
	assert_string_equal(set_log.text, "quiet;");
	assert_int_equal(r.calls, 1);
	assert_non_null(strstr(r.text, ":-28;"));
	assert_memory_equal(r.text, "mem=999", 7);	/* names what it skipped */

	/* A long bare word, then a good one, then another long one. */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(cmdline, sizeof(cmdline), "%s x %s", name, name);
	memset(&r, 0, sizeof(r));
	memset(&set_log, 0, sizeof(set_log));
	assert_int_equal(kparam_parse(cmdline, table, TABLE_N, record_report, &r),
			 2);
	assert_string_equal(set_log.text, "x;");
	assert_int_equal(r.calls, 2);

	/* Quotes do not count towards the length. */
	memset(cmdline, 0, sizeof(cmdline));
	strcpy(cmdline, "\"mem=");
	memset(cmdline + 5, '9', KPARAM_WORD_MAX - 4);
	strcat(cmdline, "\"");
	snprintf(want, sizeof(want), "mem=%.*s;", KPARAM_WORD_MAX - 4,
		 cmdline + 5);
	expect_parse(cmdline, want, "", 0);
}

static void test_kparam_parse_reports_unknown_words_with_enoent(void **state)
{
	(void)state;
	expect_parse("bogus", "", "bogus:-2;", 1);
	expect_parse("quiet bogus=1 mem=1M quie quiet2",
		     "quiet;mem=1M;", "bogus=1:-2;quie:-2;quiet2:-2;", 3);
	expect_parse("QUIET", "", "QUIET:-2;", 1);	/* names are case-sensitive */
}

static void test_kparam_parse_reports_setter_errors(void **state)
{
	struct report_log r;
	bool flag = false;
	unsigned int n = 5;
	const struct kparam strict[] = {
		{ "flag", kparam_set_bool, &flag, NULL },
		{ "n", kparam_set_uint, &n, NULL },
	};

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(kparam_parse("flag=maybe n=12abc n=0x10 n flag", strict,
				      2, record_report, &r), 3);
	assert_string_equal(r.text, "flag=maybe:-22;n=12abc:-22;n:-22;");
	assert_true(flag);
	assert_int_equal(n, 16);

	/* Every setter error is passed through as it is. */
	memset(&r, 0, sizeof(r));
	set_log.fail_with = -ERANGE;
	assert_int_equal(kparam_parse("mem=1 quiet", table, TABLE_N,
				      record_report, &r), 2);
	assert_string_equal(r.text, "mem=1:-34;quiet:-34;");
	assert_int_equal(set_log.calls, 2);
}

static void test_kparam_parse_accepts_null_and_empty_cmdline(void **state)
{
	(void)state;
	expect_parse(NULL, "", "", 0);
	expect_parse("", "", "", 0);
	assert_int_equal(kparam_parse(NULL, NULL, 0, NULL, NULL), 0);
}

static void test_kparam_parse_returns_number_of_reported_words(void **state)
{
	(void)state;
	expect_parse("a b quiet c=1", "quiet;", "a:-2;b:-2;c=1:-2;", 3);
	/* Without a report callback the count is the same. */
	assert_int_equal(kparam_parse("a b quiet c=1", table, TABLE_N, NULL, NULL),
			 3);
	/* An empty table knows nothing. */
	assert_int_equal(kparam_parse("quiet x", NULL, 0, NULL, NULL), 2);
}

/* ---- kparam_find and the setters ----------------------------------------------- */

static void test_kparam_find_matches_whole_names_only(void **state)
{
	(void)state;
	assert_ptr_equal(kparam_find(table, TABLE_N, "quiet"), &table[0]);
	assert_ptr_equal(kparam_find(table, TABLE_N, "x"), &table[3]);
	assert_null(kparam_find(table, TABLE_N, "quie"));
	assert_null(kparam_find(table, TABLE_N, "quiet2"));
	assert_null(kparam_find(table, TABLE_N, "Quiet"));
	assert_null(kparam_find(table, TABLE_N, ""));
	assert_null(kparam_find(table, 0, "quiet"));
	assert_null(kparam_find(NULL, 0, "quiet"));
}

static void test_kparam_set_bool_accepts_1_y_on_yes_and_0_n_off_no(void **state)
{
	static const char *const yes[] = { "1", "y", "on", "yes" };
	static const char *const no[] = { "0", "n", "off", "no" };
	static const char *const bad[] = { "", "2", "maybe", "o", "nope" };
	bool b = false;
	const struct kparam kp = { "b", kparam_set_bool, &b, NULL };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		assert_int_equal(kparam_set_bool(yes[i], &kp), 0);
		assert_true(b);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		assert_int_equal(kparam_set_bool(no[i], &kp), 0);
		assert_false(b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		assert_int_equal(kparam_set_bool(bad[i], &kp), -EINVAL);
		assert_true(b);
	}
	/* A bare word means "on". */
	b = false;
	assert_int_equal(kparam_set_bool(NULL, &kp), 0);
	assert_true(b);
}

static void test_kparam_set_uint_requires_a_strict_number(void **state)
{
	unsigned int v = 9;
	const struct kparam kp = { "n", kparam_set_uint, &v, NULL };

	(void)state;
	assert_int_equal(kparam_set_uint("42", &kp), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kparam_set_uint("0x2a", &kp), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kparam_set_uint("4294967295", &kp), 0);
	assert_int_equal(v, UINT_MAX);
	v = 9;
	assert_int_equal(kparam_set_uint("4294967296", &kp), -ERANGE);
	assert_int_equal(kparam_set_uint("-1", &kp), -EINVAL);
	assert_int_equal(kparam_set_uint("", &kp), -EINVAL);
	assert_int_equal(kparam_set_uint("4k", &kp), -EINVAL);
	assert_int_equal(kparam_set_uint(NULL, &kp), -EINVAL);
	assert_int_equal(v, 9);
}

static void test_kparam_set_size_accepts_suffixes(void **state)
{
	unsigned long long v = 9;
	const struct kparam kp = { "mem", kparam_set_size, &v, NULL };

	(void)state;
	assert_int_equal(kparam_set_size("128M", &kp), 0);
	assert_int_equal(v, 128ULL << 20);
	assert_int_equal(kparam_set_size("4096", &kp), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(kparam_set_size("1TiB", &kp), 0);
	assert_int_equal(v, 1ULL << 40);
	v = 9;
	assert_int_equal(kparam_set_size("16777216T", &kp), -ERANGE);
	assert_int_equal(kparam_set_size("12Q", &kp), -EINVAL);
	assert_int_equal(kparam_set_size("", &kp), -EINVAL);
	assert_int_equal(kparam_set_size(NULL, &kp), -EINVAL);
	assert_int_equal(v, 9);

	/* Through the parser, as a boot option would be. */
	assert_int_equal(kparam_parse("mem=64MiB", &kp, 1, NULL, NULL), 0);
	assert_int_equal(v, 64ULL << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kstrtoull_base_0_reads_decimal_hex_and_octal),
		cmocka_unit_test(test_kstrtoull_base_0_leading_zero_means_octal),
		cmocka_unit_test(test_kstrtoull_honours_explicit_bases),
		cmocka_unit_test(test_kstrtoull_rejects_overflow_with_erange),
		cmocka_unit_test(test_kstrtoull_rejects_garbage_empty_signs_and_spaces),
		cmocka_unit_test(test_kstrtoul_and_kstrtouint_check_their_own_range),
		cmocka_unit_test(test_parse_size_applies_every_suffix),
		cmocka_unit_test(test_parse_size_accepts_b_and_ib_after_a_suffix),
		cmocka_unit_test(test_parse_size_rejects_overflow_on_shift),
		cmocka_unit_test(test_parse_size_rejects_trailing_garbage),
		cmocka_unit_test_setup(test_kparam_parse_applies_bare_words_and_name_value_pairs, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_passes_empty_value_as_empty_string, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_removes_quotes_and_keeps_quoted_spaces, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_splits_at_the_first_equals_sign, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_separates_words_by_tabs_and_newlines, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_reports_and_skips_overlong_words, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_reports_unknown_words_with_enoent, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_reports_setter_errors, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_accepts_null_and_empty_cmdline, reset_logs),
		cmocka_unit_test_setup(test_kparam_parse_returns_number_of_reported_words, reset_logs),
		cmocka_unit_test(test_kparam_find_matches_whole_names_only),
		cmocka_unit_test(test_kparam_set_bool_accepts_1_y_on_yes_and_0_n_off_no),
		cmocka_unit_test(test_kparam_set_uint_requires_a_strict_number),
		cmocka_unit_test(test_kparam_set_size_accepts_suffixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
