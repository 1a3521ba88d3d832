#include "mm/internal.h"
#include "mm/slab.h"
int kmem_cache_init(void) { return 0; }
void slab_reset(void) {}
unsigned long mm_reclaim(void) { return 0; }
void slab_get_totals(struct slab_totals *st) { memset(st, 0, sizeof(*st)); }
int slab_check(void) { return 0; }
