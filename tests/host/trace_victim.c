/*
 * tests/host/trace_victim.c - a program for test_lab_trace to record with
 * tools/trace-malloc.so: VICTIM_THREADS threads each run VICTIM_ROUNDS
 * rounds of every allocation function the shim intercepts, at the same
 * time; then the main thread leaks one block of VICTIM_LEAK bytes.
 *
 * Each round records 5 allocations (malloc, calloc, the block realloc
 * returns, posix_memalign, aligned_alloc) and 5 frees (the block realloc
 * replaced, and the 4 others).  Built without sanitizers: it runs under
 * LD_PRELOAD, which a sanitized program refuses.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define VICTIM_THREADS	4
#define VICTIM_ROUNDS	1000
#define VICTIM_LEAK	12345

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < VICTIM_ROUNDS; i++) {
		char *a = malloc(16 + i % 100);
		void *b = calloc(3, 8);
		void *c = NULL;
		void *d = aligned_alloc(32, 64);

		if (!a || !b || !d || posix_memalign(&c, 64, 100))
			abort();
		memset(a, 1, 16);
		a = realloc(a, 200 + i % 50);
		if (!a)
			abort();
		free(b);
		free(c);
		free(d);
		free(a);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[VICTIM_THREADS];

	for (int i = 0; i < VICTIM_THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < VICTIM_THREADS; i++)
		pthread_join(t[i], NULL);
	char *leak = malloc(VICTIM_LEAK);

	if (!leak)
		return 1;
	leak[0] = 1;
	return 0;
}
