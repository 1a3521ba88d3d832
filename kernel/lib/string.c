/*
 * kernel/lib/string.c - the C string functions the freestanding kernel
 * needs (the compiler may also emit calls to memset/memcpy/memmove/memcmp
 * on its own, so these four must exist with exactly these names).
 *
 * Simple byte loops with a word-at-a-time path for aligned bulk copies and
 * fills; mm's hot paths copy small fixed sizes that the compiler inlines.
 */
#include "kernel/lib/string.h"

#include <stdint.h>

void *(memset)(void *s, int c, size_t n)
{
	unsigned char *p = s;

	if (n >= 16 && ((uintptr_t)p & 3) == 0) {
		uint32_t w = (unsigned char)c * 0x01010101u;
		size_t words = n / 4;

		__asm__ volatile("rep stosl"
				 : "+D"(p), "+c"(words)
				 : "a"(w)
				 : "memory");
		n &= 3;
	}
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *(memcpy)(void *__restrict d, const void *__restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (n >= 16 && (((uintptr_t)dp | (uintptr_t)sp) & 3) == 0) {
		size_t words = n / 4;

		__asm__ volatile("rep movsl"
				 : "+D"(dp), "+S"(sp), "+c"(words)
				 :
				 : "memory");
		n &= 3;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp == sp || n == 0)
		return d;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int (memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (; n; n--, pa++, pb++)
		if (*pa != *pb)
			return *pa < *pb ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *d, const char *s, size_t size)
{
	size_t len = strlen(s);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(d, s, n);
		d[n] = '\0';
	}
	return len;
}
