/*
 * kernel/ktest.h - the in-kernel test runner (a tiny KUnit).
 *
 *	KTEST(printk, pads_to_width)
 *	{
 *		char buf[16];
 *
 *		ksnprintf(buf, sizeof(buf), "%6lu", 42UL);
 *		KT_EXPECT_STREQ(buf, "    42");
 *	}
 *
 * Each KTEST lands in the .ktest section; ktest_run() executes them in link
 * order (files in Makefile order, tests in file order), prints one TAP line
 * per test and the closing "N passed, N failed".  A test fails when one of
 * its expectations fails or when it faults: the fault is reported, caught
 * (arch/x86/traps.h) and the run goes on with the next test.
 *
 * A test that does not apply to this boot (no HighMem zone, say) calls
 * KT_SKIP("reason"): it is reported as TAP's "ok N - suite.name # SKIP
 * reason" and counted with the passed ones, as TAP consumers count it.
 * A tick hook (kernel/time.h) never outlives the test that installed it:
 * the runner removes it after each test, even one that faulted.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KTEST(suite, name)						\
	static void ktest_##suite##_##name(void);			\
	static const struct ktest_case ktest_case_##suite##_##name	\
		__attribute__((used, section(".ktest"), aligned(4))) =	\
		{ #suite, #name, ktest_##suite##_##name };		\
	static void ktest_##suite##_##name(void)

/* Records a failed expectation; returns cond. */
bool ktest_check(bool cond, const char *expr, const char *file, int line);
bool ktest_check_ul(bool cond, unsigned long a, unsigned long b,
		    const char *expr, const char *file, int line);
bool ktest_check_str(const char *a, const char *b, const char *expr,
		     const char *file, int line);

#define KT_EXPECT(c)	ktest_check(!!(c), #c, __FILE__, __LINE__)
#define KT_ASSERT(c)	do { if (!KT_EXPECT(c)) return; } while (0)
/* Each operand is evaluated once (it may be a call such as mm_check()). */
#define KT_EXPECT_EQ(a, b)						\
	({								\
		unsigned long __kt_a = (unsigned long)(a);		\
		unsigned long __kt_b = (unsigned long)(b);		\
		ktest_check_ul(__kt_a == __kt_b, __kt_a, __kt_b,	\
			       #a " == " #b, __FILE__, __LINE__);	\
	})
#define KT_ASSERT_EQ(a, b)	do { if (!KT_EXPECT_EQ(a, b)) return; } while (0)
#define KT_EXPECT_STREQ(a, b)	ktest_check_str((a), (b), #a " == " #b, \
						__FILE__, __LINE__)

/* Ends the current test as skipped (unless an expectation already
 * failed: then it stays a failure). */
void ktest_skip(const char *reason);
#define KT_SKIP(reason)	do { ktest_skip(reason); return; } while (0)

/*
 * Kernel messages (pr_err and friends go to the log that dmesg shows):
 * ktest_log_mark() remembers where the log ends now; ktest_log_seen()
 * tells whether a line logged after the mark contains needle.  For tests
 * of reports ("BUG kmalloc-64: Object already free").
 */
void ktest_log_mark(void);
bool ktest_log_seen(const char *needle);
bool ktest_check_log(const char *needle, const char *file, int line);
#define KT_EXPECT_LOG(needle)	ktest_check_log((needle), __FILE__, __LINE__)

/*
 * Runs every test whose suite equals filter (all when filter is NULL or
 * empty).  Prints TAP and "N passed, N failed"; returns the number failed,
 * or -1 when no test matched.
 */
int ktest_run(const char *filter);
/* Lists the suites, one line each with their test counts. */
void ktest_list(void);

/* Runs fn and reports whether it faulted; *vector, *cr2 describe the
 * fault.  For tests that expect a fault (quiet: no oops printed). */
bool ktest_faults(void (*fn)(void), unsigned int *vector, uint32_t *cr2);

#endif
