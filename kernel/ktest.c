/*
 * kernel/ktest.c - runs the KTEST cases linked into the .ktest section.
 */
#include "kernel/ktest.h"

#include "arch/x86/traps.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/time.h"

extern const struct ktest_case __ktest_start[], __ktest_end[];

static unsigned int current_failures;
static const char *current_skip;	/* reason, when the test skipped */

void ktest_skip(const char *reason)
{
	current_skip = reason && *reason ? reason : "skipped";
}

bool ktest_check(bool cond, const char *expr, const char *file, int line)
{
	if (!cond) {
		current_failures++;
		kprintf("    # %s:%d: expected %s\n", file, line, expr);
	}
	return cond;
}

bool ktest_check_ul(bool cond, unsigned long a, unsigned long b,
		    const char *expr, const char *file, int line)
{
	if (!cond) {
		current_failures++;
		kprintf("    # %s:%d: expected %s, got %lu (0x%lx) vs %lu (0x%lx)\n",
			file, line, expr, a, a, b, b);
	}
	return cond;
}

bool ktest_check_str(const char *a, const char *b, const char *expr,
		     const char *file, int line)
{
	bool ok = a && b && strcmp(a, b) == 0;

	if (!ok) {
		current_failures++;
		kprintf("    # %s:%d: expected %s, got \"%s\" vs \"%s\"\n",
			file, line, expr, a ? a : "(null)", b ? b : "(null)");
	}
	return ok;
}

static bool matches(const struct ktest_case *t, const char *filter)
{
	return !filter || !*filter || strcmp(t->suite, filter) == 0;
}

/* Runs one test under a fault catcher; kept out of line so that no local
 * of the caller lives across the ksetjmp. */
static __attribute__((noinline)) void run_one(const struct ktest_case *t)
{
	static struct fault_catcher fc;

	current_failures = 0;
	current_skip = NULL;
	fc.quiet = 0;
	fault_catcher_arm(&fc);
	if (ksetjmp(&fc.env) == 0) {
		t->fn();
		fault_catcher_disarm();
	} else {
		current_failures++;
		kprintf("    # faulted: %s at %pS\n", exception_name(fc.vector),
			(void *)(uintptr_t)fc.eip);
	}
	/* A hook left behind (by a test that faulted or returned early)
	 * would run the test's code on every tick from now on. */
	time_set_tick_hook(NULL, NULL);
}

int ktest_run(const char *filter)
{
	unsigned int total = 0, passed = 0, failed = 0;

	for (const struct ktest_case *t = __ktest_start; t < __ktest_end; t++)
		if (matches(t, filter))
			total++;
	if (total == 0) {
		kprintf("ktest: no suite named '%s' (try: ktest list)\n",
			filter ? filter : "");
		return -1;
	}

	kprintf("TAP version 13\n1..%u\n", total);
	unsigned int n = 0;

	for (const struct ktest_case *t = __ktest_start; t < __ktest_end; t++) {
		if (!matches(t, filter))
			continue;
		n++;
		run_one(t);
		if (current_failures == 0 && current_skip) {
			passed++;
			kprintf("ok %u - %s.%s # SKIP %s\n", n, t->suite, t->name,
				current_skip);
		} else if (current_failures == 0) {
			passed++;
			kprintf("ok %u - %s.%s\n", n, t->suite, t->name);
		} else {
			failed++;
			kprintf("not ok %u - %s.%s\n", n, t->suite, t->name);
		}
	}
	kprintf("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}

void ktest_list(void)
{
	const char *suite = NULL;
	unsigned int count = 0;

	for (const struct ktest_case *t = __ktest_start; t <= __ktest_end; t++) {
		if (t == __ktest_end || !suite || strcmp(t->suite, suite) != 0) {
			if (suite)
				kprintf("  %-16s %u tests\n", suite, count);
			if (t == __ktest_end)
				break;
			suite = t->suite;
			count = 0;
		}
		count++;
	}
}

static struct fault_catcher expect_fc;

bool ktest_faults(void (*fn)(void), unsigned int *vector, uint32_t *cr2)
{
	expect_fc.quiet = 1;
	fault_catcher_arm(&expect_fc);
	if (ksetjmp(&expect_fc.env) == 0) {
		fn();
		fault_catcher_disarm();
		return false;
	}
	*vector = expect_fc.vector;
	*cr2 = expect_fc.cr2;
	return true;
}

/* ---- searching the kernel log ------------------------------------------- */

/*
 * The log is read back with log_dump() one line at a time.  A mark is the
 * last complete line logged when it was taken; every logged line starts
 * with its timestamp ("[    1.234567] "), so the line is as good as a
 * position.  If the mark has since been overwritten (the log wrapped),
 * everything still in the log is newer than the mark.
 */
#define LOG_LINE_MAX	1152	/* a printk line (1024) and its timestamp */

static char mark_line[LOG_LINE_MAX];
static bool mark_set;

struct log_scan {
	char line[LOG_LINE_MAX];
	size_t len;
	const char *needle;		/* NULL: taking a mark */
	bool seen_mark;			/* the mark line went by */
	bool found_after_mark;
	bool found_anywhere;
};

static struct log_scan scan;

static bool str_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static void scan_line(struct log_scan *sc)
{
	sc->line[sc->len] = '\0';
	if (!sc->needle) {
		memcpy(mark_line, sc->line, sc->len + 1);
	} else if (mark_set && strcmp(sc->line, mark_line) == 0) {
		sc->seen_mark = true;
		sc->found_after_mark = false;
	} else if (str_contains(sc->line, sc->needle)) {
		sc->found_anywhere = true;
		sc->found_after_mark = sc->seen_mark;
	}
	sc->len = 0;
}

static void scan_emit(const char *s, size_t n, void *ctx)
{
	struct log_scan *sc = ctx;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			scan_line(sc);
		else if (sc->len + 1 < sizeof(sc->line))
			sc->line[sc->len++] = s[i];
	}
}

void ktest_log_mark(void)
{
	memset(&scan, 0, sizeof(scan));
	mark_line[0] = '\0';
	log_dump(scan_emit, &scan);
	mark_set = mark_line[0] != '\0';
}

bool ktest_log_seen(const char *needle)
{
	memset(&scan, 0, sizeof(scan));
	scan.needle = needle;
	log_dump(scan_emit, &scan);
	if (scan.len)
		scan_line(&scan);	/* a last line without its newline */
	return mark_set && scan.seen_mark ? scan.found_after_mark
					  : scan.found_anywhere;
}

bool ktest_check_log(const char *needle, const char *file, int line)
{
	bool ok = ktest_log_seen(needle);

	if (!ok) {
		current_failures++;
		kprintf("    # %s:%d: expected a kernel message containing \"%s\"\n",
			file, line, needle);
	}
	return ok;
}
