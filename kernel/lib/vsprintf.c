/*
 * kernel/lib/vsprintf.c - a small, complete C99 printf formatter without
 * floating point, for the kernel and for mm on both builds.
 *
 * The output goes through struct out, which counts every character that
 * would be written and stores only those that fit, so truncation is
 * handled in exactly one place (out_putc).
 *
 * Numbers are converted into a local buffer, least significant digit
 * first, then emitted with the sign/prefix/zero/space padding C99 asks
 * for.  On i386, 64-bit values are divided with libgcc only when their
 * upper half is non-zero.
 */
#include "kernel/lib/vsprintf.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size;	/* capacity including the NUL */
	size_t len;	/* characters produced so far (may exceed size) */
};

static void out_putc(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_putc(o, c);
}

enum {
	F_LEFT = 1 << 0,	/* '-' */
	F_PLUS = 1 << 1,	/* '+' */
	F_SPACE = 1 << 2,	/* ' ' */
	F_ALT = 1 << 3,		/* '#' */
	F_ZERO = 1 << 4,	/* '0' */
	F_UPPER = 1 << 5,	/* X rather than x */
};

struct spec {
	unsigned flags;
	int width;	/* -1: none */
	int prec;	/* -1: none */
};

/* Largest number of digits: 64-bit octal needs 22. */
#define NUM_BUF 24

static int num_to_digits(char *tmp, unsigned long long v, unsigned base,
			 bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	if (v >> 32) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v >> 32);
	}
	/* The remainder fits in 32 bits: divide without libgcc. */
	uint32_t w = (uint32_t)v;
	while (w) {
		tmp[n++] = digits[w % base];
		w /= base;
	}
	return n;
}

static void out_number(struct out *o, unsigned long long v, bool negative,
		       unsigned base, const struct spec *sp)
{
	char tmp[NUM_BUF];
	char prefix[3];
	int np = 0;
	int nd = num_to_digits(tmp, v, base, sp->flags & F_UPPER);
	int zeros = 0;

	if (negative)
		prefix[np++] = '-';
	else if (sp->flags & F_PLUS)
		prefix[np++] = '+';
	else if (sp->flags & F_SPACE)
		prefix[np++] = ' ';

	if (sp->flags & F_ALT) {
		if (base == 16 && v != 0) {
			prefix[np++] = '0';
			prefix[np++] = (sp->flags & F_UPPER) ? 'X' : 'x';
		} else if (base == 8) {
			/* '#' with octal: the first digit must be a zero. */
			if (sp->prec <= nd && (nd == 0 || v != 0))
				zeros = 1;
		}
	}

	if (sp->prec >= 0) {
		/* An explicit precision: at least prec digits, no '0' flag. */
		if (sp->prec > nd + zeros)
			zeros = sp->prec - nd;
	} else if (nd == 0) {
		zeros = zeros ? zeros : 1;	/* the value 0 prints one digit */
	}

	int body = np + zeros + nd;
	int pad = sp->width > body ? sp->width - body : 0;

	if (!(sp->flags & F_LEFT) && !((sp->flags & F_ZERO) && sp->prec < 0))
		out_pad(o, ' ', pad);
	for (int i = 0; i < np; i++)
		out_putc(o, prefix[i]);
	if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && sp->prec < 0)
		out_pad(o, '0', pad);
	out_pad(o, '0', zeros);
	while (nd > 0)
		out_putc(o, tmp[--nd]);
	if (sp->flags & F_LEFT)
		out_pad(o, ' ', pad);
}

static void out_string(struct out *o, const char *s, const struct spec *sp)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!(sp->flags & F_LEFT))
		out_pad(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		out_putc(o, s[i]);
	if (sp->flags & F_LEFT)
		out_pad(o, ' ', pad);
}

static void out_pointer(struct out *o, const char **fmtp, void *p,
			struct spec *sp)
{
	const char *f = *fmtp;

	if (*f == 'S' || *f == 's') {
		char sym[128];

		(*fmtp)++;
		sp->prec = -1;
		out_string(o, mm_port_symbolize((unsigned long)p, sym,
						sizeof(sym)), sp);
		return;
	}
	if (*f == 'x')
		(*fmtp)++;

	/* Raw hex of pointer width, zero-padded, as Linux's %px; the width
	 * and '-' of the directive then pad the whole field. */
	char hex[2 * sizeof(void *) + 1];
	struct out h = { .buf = hex, .size = sizeof(hex), .len = 0 };
	struct spec hs = { .flags = F_ZERO, .width = 2 * sizeof(void *),
			   .prec = -1 };

	out_number(&h, (uintptr_t)p, false, 16, &hs);
	hex[h.len < sizeof(hex) ? h.len : sizeof(hex) - 1] = '\0';
	sp->prec = -1;
	out_string(o, hex, sp);
}

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	while (*fmt) {
		if (*fmt != '%') {
			out_putc(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		struct spec sp = { .flags = 0, .width = -1, .prec = -1 };

		for (;; fmt++) {
			if (*fmt == '-')
				sp.flags |= F_LEFT;
			else if (*fmt == '+')
				sp.flags |= F_PLUS;
			else if (*fmt == ' ')
				sp.flags |= F_SPACE;
			else if (*fmt == '#')
				sp.flags |= F_ALT;
			else if (*fmt == '0')
				sp.flags |= F_ZERO;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_LEFT;
				sp.width = sp.width == INT32_MIN ? 0 : -sp.width;
			}
			fmt++;
		} else {
			int w = 0;
			bool any = false;

			while (*fmt >= '0' && *fmt <= '9') {
				if (w < 100000)	/* clamp absurd widths */
					w = w * 10 + (*fmt - '0');
				fmt++;
				any = true;
			}
			if (any)
				sp.width = w;
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;	/* as if omitted */
				fmt++;
			} else {
				int p = 0;

				while (*fmt >= '0' && *fmt <= '9') {
					if (p < 100000)
						p = p * 10 + (*fmt - '0');
					fmt++;
				}
				sp.prec = p;
			}
		}

		enum length len = LEN_NONE;

		switch (*fmt) {
		case 'h':
			fmt++;
			len = LEN_H;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_HH;
			}
			break;
		case 'l':
			fmt++;
			len = LEN_L;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LL;
			}
			break;
		case 'z':
			fmt++;
			len = LEN_Z;
			break;
		case 't':
			fmt++;
			len = LEN_T;
			break;
		case 'j':
			fmt++;
			len = LEN_J;
			break;
		default:
			break;
		}

		char conv = *fmt;

		if (conv == '\0') {
			/* A lone '%' at the end: copy it literally. */
			while (start < fmt)
				out_putc(&o, *start++);
			break;
		}
		fmt++;

		switch (conv) {
		case 'd':
		case 'i': {
			long long v;

			switch (len) {
			case LEN_HH: v = (signed char)va_arg(ap, int); break;
			case LEN_H: v = (short)va_arg(ap, int); break;
			case LEN_L: v = va_arg(ap, long); break;
			case LEN_LL: v = va_arg(ap, long long); break;
			case LEN_Z: v = va_arg(ap, __PTRDIFF_TYPE__); break;
			case LEN_T: v = va_arg(ap, __PTRDIFF_TYPE__); break;
			case LEN_J: v = va_arg(ap, intmax_t); break;
			default: v = va_arg(ap, int); break;
			}
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
						       : (unsigned long long)v;
			out_number(&o, mag, v < 0, 10, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;

			switch (len) {
			case LEN_HH: v = (unsigned char)va_arg(ap, unsigned); break;
			case LEN_H: v = (unsigned short)va_arg(ap, unsigned); break;
			case LEN_L: v = va_arg(ap, unsigned long); break;
			case LEN_LL: v = va_arg(ap, unsigned long long); break;
			case LEN_Z: v = va_arg(ap, size_t); break;
			case LEN_T: v = (size_t)va_arg(ap, __PTRDIFF_TYPE__); break;
			case LEN_J: v = va_arg(ap, uintmax_t); break;
			default: v = va_arg(ap, unsigned); break;
			}
			if (conv == 'X')
				sp.flags |= F_UPPER;
			sp.flags &= ~(unsigned)(F_PLUS | F_SPACE);
			out_number(&o, v, false,
				   conv == 'u' ? 10 : conv == 'o' ? 8 : 16, &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			int pad = sp.width > 1 ? sp.width - 1 : 0;

			if (!(sp.flags & F_LEFT))
				out_pad(&o, ' ', pad);
			out_putc(&o, c);
			if (sp.flags & F_LEFT)
				out_pad(&o, ' ', pad);
			break;
		}
		case 's':
			out_string(&o, va_arg(ap, const char *), &sp);
			break;
		case 'p':
			out_pointer(&o, &fmt, va_arg(ap, void *), &sp);
			break;
		case '%':
			out_putc(&o, '%');
			break;
		case 'n':
			(void)va_arg(ap, void *);	/* refused: never store */
			break;
		default:
			/* Unknown conversion: copy the directive literally. */
			while (start < fmt)
				out_putc(&o, *start++);
			break;
		}
	}

	if (o.size > 0)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kvscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = kvsnprintf(buf, size, fmt, ap);

	if (size == 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int kscnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
