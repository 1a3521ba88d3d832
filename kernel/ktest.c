/*
 * kernel/ktest.c - runs the KTEST cases linked into the .ktest section.
 */
#include "kernel/ktest.h"

#include "arch/x86/traps.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

extern const struct ktest_case __ktest_start[], __ktest_end[];

static unsigned int current_failures;

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
		if (current_failures == 0) {
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
