/* placeholder until the slab layer lands */
#ifndef MM_SLAB_H
#define MM_SLAB_H
#define SLAB_BOOT_PARAMS
#define SLAB_PROC_ENTRIES
struct slab_totals { unsigned long empty_slab_pages, reclaimable_pages, unreclaimable_pages; };
void slab_get_totals(struct slab_totals *st);
int kmem_cache_init(void);
void slab_reset(void);
int slab_check(void);
#endif
