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
