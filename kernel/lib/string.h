/*
 * kernel/lib/string.h - the C string functions for the kernel build.
 * On the host the C library provides the same functions; mm reaches them
 * through mm/port.h either way.
 *
 * The names in parentheses stop mm/port.h's function-like macros (which
 * map memset/memcpy/memcmp to the compiler builtins) from expanding here.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

void *(memset)(void *s, int c, size_t n);
void *(memcpy)(void *__restrict d, const void *__restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int (memcmp)(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *d, const char *s, size_t size);

#endif
