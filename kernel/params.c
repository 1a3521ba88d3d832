/*
 * kernel/params.c - the kernel's boot options.
 *
 * The command line is parsed twice: here for the kernel's words and in
 * mm_init() for mm's words.  Each parser ignores the other's words; this
 * one also warns about words nobody knows, on one line each, as Linux's
 * "Unknown kernel command line parameters" does.
 */
#include "kernel/params.h"

#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

struct kernel_options kopt;

static int set_ktest(const char *val, const struct kparam *kp)
{
	(void)kp;
	/* A bad value is reported as "ignored": it must not start the run. */
	if (val && (!*val || strlen(val) >= sizeof(kopt.ktest_suite)))
		return -EINVAL;
	if (val)
		strlcpy(kopt.ktest_suite, val, sizeof(kopt.ktest_suite));
	kopt.ktest = true;
	return 0;
}

static const char *const crash_kinds[] = {
	"pagefault", "write", "divide", "ud", "gpf", "panic",
};

static int set_crashtest(const char *val, const struct kparam *kp)
{
	(void)kp;
	if (!val)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(crash_kinds); i++) {
		if (strcmp(val, crash_kinds[i]) == 0) {
			strlcpy(kopt.crashtest, val, sizeof(kopt.crashtest));
			return 0;
		}
	}
	return -EINVAL;
}

static const struct kparam kernel_param_table[] = {
	{ "ktest", set_ktest, NULL,
	  "run the in-kernel test suites (ktest=SUITE: one suite), print TAP, exit QEMU" },
	{ "quiet", kparam_set_bool, &kopt.quiet,
	  "console shows only warnings and errors (dmesg keeps everything)" },
	{ "crashtest", set_crashtest, NULL,
	  "crashtest=pagefault|write|divide|ud|gpf|panic: fault on purpose after boot" },
};

const struct kparam *kernel_params(size_t *n)
{
	*n = ARRAY_SIZE(kernel_param_table);
	return kernel_param_table;
}

static void report(void *ctx, const char *name, const char *val, int err)
{
	size_t nmm;
	const struct kparam *mmp = mm_boot_params(&nmm);

	(void)ctx;
	if (err == -ENOENT) {
		if (kparam_find(mmp, nmm, name))
			return;		/* mm_init handles it */
		pr_warn("Unknown kernel command line parameter \"%s%s%s\", ignored\n",
			name, val ? "=" : "", val ? val : "");
	} else if (err == -ENOSPC) {
		pr_warn("Kernel command line parameter \"%.32s...\" is longer than %d characters, ignored\n",
			name, KPARAM_WORD_MAX);
	} else {
		pr_warn("Malformed kernel command line parameter \"%s%s%s\", ignored\n",
			name, val ? "=" : "", val ? val : "");
	}
}

void kernel_parse_cmdline(const char *cmdline)
{
	kparam_parse(cmdline, kernel_param_table, ARRAY_SIZE(kernel_param_table),
		     report, NULL);
}

void kernel_parse_cmdline_early(const char *cmdline)
{
	kparam_parse(cmdline, kernel_param_table, ARRAY_SIZE(kernel_param_table),
		     NULL, NULL);
}
