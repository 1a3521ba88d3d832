/*
 * tests/kernel/test_lib.c - the kernel library under the real kernel:
 * printk formats (the shapes Linux's reports use), number parsing and the
 * command-line parser; and the test runner's own helpers.
 */
#include "kernel/ktest.h"
#include "kernel/lib/parse.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/printk.h"

KTEST(printk, formats_linux_reports_use)
{
	char buf[128];

	ksnprintf(buf, sizeof(buf), "%-17s|", "kmalloc-64");
	KT_EXPECT_STREQ(buf, "kmalloc-64       |");
	ksnprintf(buf, sizeof(buf), "%6lu %6lu", 42UL, 1234567UL);
	KT_EXPECT_STREQ(buf, "    42 1234567");
	ksnprintf(buf, sizeof(buf), "%08x", 0xbeefU);
	KT_EXPECT_STREQ(buf, "0000beef");
	ksnprintf(buf, sizeof(buf), "%llu", 18446744073709551615ULL);
	KT_EXPECT_STREQ(buf, "18446744073709551615");
	ksnprintf(buf, sizeof(buf), "%zu %c %% %5.2s|", (size_t)7, 'x', "abc");
	KT_EXPECT_STREQ(buf, "7 x %    ab|");
	ksnprintf(buf, sizeof(buf), "0x%016llx", 0x9fbffULL);
	KT_EXPECT_STREQ(buf, "0x000000000009fbff");
	ksnprintf(buf, sizeof(buf), "%p", (void *)0xc0100000);
	KT_EXPECT_STREQ(buf, "c0100000");
	ksnprintf(buf, sizeof(buf), "%d %i %+d % d", -5, 0, 3, 4);
	KT_EXPECT_STREQ(buf, "-5 0 +3  4");
}

KTEST(printk, truncates_and_terminates)
{
	char buf[8];
	int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");

	KT_EXPECT_EQ(n, 10);
	KT_EXPECT_STREQ(buf, "0123456");
	KT_EXPECT_EQ(kscnprintf(buf, sizeof(buf), "%s", "0123456789"), 7);
}

KTEST(printk, symbolizes_kernel_functions)
{
	char buf[96];

	ksnprintf(buf, sizeof(buf), "%pS", (void *)ktest_run);
	KT_EXPECT(strncmp(buf, "ktest_run+0x0/0x", 16) == 0);
}

KTEST(parse, strict_numbers_and_sizes)
{
	unsigned long v = 0;
	unsigned long long s = 0;

	KT_EXPECT_EQ(kstrtoul("4096", 0, &v), 0);
	KT_EXPECT_EQ(v, 4096);
	KT_EXPECT_EQ(kstrtoul("0x10", 0, &v), 0);
	KT_EXPECT_EQ(v, 16);
	KT_EXPECT(kstrtoul("12abc", 0, &v) < 0);
	KT_EXPECT(kstrtoul("", 0, &v) < 0);
	KT_EXPECT(kstrtoul("99999999999999999999999", 0, &v) < 0);
	KT_EXPECT_EQ(parse_size("128M", &s), 0);
	KT_EXPECT_EQ(s, 128ULL << 20);
}

/* ---- the test runner's own helpers ------------------------------------- */

KTEST(ktest, expect_eq_evaluates_each_operand_once)
{
	unsigned int a = 0, b = 0;

	KT_EXPECT_EQ(++a, 1);
	KT_EXPECT_EQ(1, ++b);
	KT_EXPECT_EQ(a, 1);
	KT_EXPECT_EQ(b, 1);
}

KTEST(ktest, log_search_sees_only_messages_after_the_mark)
{
	printk("ktest: log probe before the mark\n");
	ktest_log_mark();
	KT_EXPECT(!ktest_log_seen("ktest: log probe before the mark"));
	KT_EXPECT(!ktest_log_seen("ktest: log probe after the mark"));
	printk("ktest: log probe after the mark\n");
	KT_EXPECT(ktest_log_seen("ktest: log probe after the mark"));
	KT_EXPECT(ktest_log_seen("probe after"));
	ktest_log_mark();
	KT_EXPECT(!ktest_log_seen("ktest: log probe after the mark"));
}
