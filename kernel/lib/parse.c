/*
 * kernel/lib/parse.c - strict number parsing and the command-line parser.
 *
 * Strict means: no leading spaces, no sign, no trailing garbage, overflow
 * detected.  Boot options and shell arguments go through these functions,
 * so "12abc", "", "-1" and "99999999999999999999" are errors, never
 * silently truncated values.
 */
#include "kernel/lib/parse.h"

#include "mm/port.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Parses the longest number prefix; *end gets the first unused char. */
static int parse_prefix(const char *s, unsigned int base,
			unsigned long long *res, const char **end)
{
	unsigned long long v = 0;
	const char *p = s;
	bool overflow = false;

	if (base == 0) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    digit_value(p[2]) < 16) {
			base = 16;
			p += 2;
		} else if (p[0] == '0') {
			/* Octal, as C and Linux read "0..": "08" is an error,
			 * not decimal 8.  The 0 is an octal digit itself, so
			 * "0" alone still parses. */
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		   digit_value(p[2]) < 16) {
		p += 2;
	}
	if (base < 2 || base > 36)
		return -EINVAL;

	const char *digits = p;

	while (digit_value(*p) < (int)base) {
		unsigned long long d = (unsigned long long)digit_value(*p);

		if (v > (~0ULL - d) / base)
			overflow = true;
		v = v * base + d;
		p++;
	}
	if (p == digits)
		return -EINVAL;
	*end = p;
	if (overflow)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	const char *end;
	unsigned long long v;
	int err;

	if (!s)
		return -EINVAL;
	err = parse_prefix(s, base, &v, &end);
	if (err == -EINVAL || *end != '\0')
		return -EINVAL;
	if (err)
		return err;
	*res = v;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > (unsigned long)-1)
		return -ERANGE;
	*res = (unsigned long)v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > (unsigned int)-1)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

int parse_size(const char *s, unsigned long long *res)
{
	const char *end;
	unsigned long long v;
	unsigned int shift = 0;
	int err;

	if (!s)
		return -EINVAL;
	err = parse_prefix(s, 0, &v, &end);
	if (err == -EINVAL)
		return err;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	/* Accept an optional "B"/"iB" after a suffix: 64KiB, 128MB. */
	if (shift && (end[0] == 'i' || end[0] == 'I') &&
	    (end[1] == 'b' || end[1] == 'B'))
		end += 2;
	else if (shift && (end[0] == 'b' || end[0] == 'B'))
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (err)
		return err;
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*res = v << shift;
	return 0;
}

const struct kparam *kparam_find(const struct kparam *table, size_t n,
				 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int kparam_parse(const char *cmdline, const struct kparam *table, size_t n,
		 kparam_report_fn report, void *ctx)
{
	char word[KPARAM_WORD_MAX + 1];
	const char *p = cmdline;
	int failures = 0;

	if (!p)
		return 0;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;

		/* Copy one word, dropping quotes; spaces inside quotes stay. */
		size_t len = 0;
		bool quoted = false, too_long = false;

		for (; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (len < KPARAM_WORD_MAX)
				word[len++] = *p;
			else
				too_long = true;
		}
		word[len] = '\0';

		char *val = NULL;

		for (char *q = word; *q; q++) {
			if (*q == '=') {
				*q = '\0';
				val = q + 1;
				break;
			}
		}
		if (too_long) {
			failures++;
			if (report)
				report(ctx, word, val, -ENOSPC);
			continue;
		}

		const struct kparam *kp = kparam_find(table, n, word);
		int err = kp ? kp->set(val, kp) : -ENOENT;

		if (err) {
			failures++;
			if (report)
				report(ctx, word, val, err);
		}
	}
	return failures;
}

int kparam_set_bool(const char *val, const struct kparam *kp)
{
	bool *b = kp->arg;

	if (!val || strcmp(val, "1") == 0 || strcmp(val, "y") == 0 ||
	    strcmp(val, "on") == 0 || strcmp(val, "yes") == 0) {
		*b = true;
		return 0;
	}
	if (strcmp(val, "0") == 0 || strcmp(val, "n") == 0 ||
	    strcmp(val, "off") == 0 || strcmp(val, "no") == 0) {
		*b = false;
		return 0;
	}
	return -EINVAL;
}

int kparam_set_uint(const char *val, const struct kparam *kp)
{
	return val ? kstrtouint(val, 0, kp->arg) : -EINVAL;
}

int kparam_set_size(const char *val, const struct kparam *kp)
{
	return val ? parse_size(val, kp->arg) : -EINVAL;
}
