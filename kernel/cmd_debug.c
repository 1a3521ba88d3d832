/*
 * kernel/cmd_debug.c - `corrupt`: damage a slab object on purpose, the
 * way a buggy caller would, and make the allocator look at it, so that
 * slab_debug's reports can be seen on a live kernel:
 *
 *   corrupt redzone [CACHE]      one byte written past the object, then
 *                                freed: "Right Redzone overwritten"
 *   corrupt poison [CACHE]       one byte written into a freed object,
 *                                then allocated again: "Poison overwritten"
 *   corrupt double-free [CACHE]  freed twice: "Object already free"
 *   corrupt freelist [CACHE]     the free pointer of a freed object
 *                                overwritten, then allocated: "Freepointer
 *                                corrupt" and the slab is isolated
 *
 * CACHE defaults to kmalloc-64 (boot with slab_debug=FZPU,kmalloc-64 for
 * the full report).  A mode is refused when the cache cannot detect that
 * damage (no red zone, no poison, a free pointer out of reach), so the
 * command never damages memory nobody checks.  Writes into freed objects
 * are made only while a second object of the same slab stays allocated,
 * so the slab cannot have gone back to the buddy allocator.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/slab.h"

#define DEFAULT_CACHE		"kmalloc-64"
#define DAMAGE_BYTE		0x88	/* what the "buggy caller" writes */
#define FP_FLIP			0xffff0000u	/* spoils a free pointer's check half */
#define TAKE_BACK_MAX		256	/* allocations tried to get an object back */

static void *held[TAKE_BACK_MAX];

/*
 * Allocates until obj comes back (a slab's freelist is LIFO), holding
 * the other objects, then frees those.  Inlined so that the owner track
 * names the corrupt_* function.  Returns whether obj came back.
 */
static inline __attribute__((always_inline)) bool take_back(struct kmem_cache *s,
							      void *obj)
{
	unsigned int n = 0;
	bool found = false;

	while (n < TAKE_BACK_MAX) {
		void *p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);

		if (!p)
			break;
		if (p == obj) {
			found = true;
			break;
		}
		held[n++] = p;
	}
	while (n)
		kmem_cache_free(s, held[--n]);
	return found;
}

/* An object and a second one keeping its slab in use (see the top). */
static inline __attribute__((always_inline)) bool alloc_pair(struct kmem_cache *s,
							       uint8_t **obj, void **keep)
{
	*obj = kmem_cache_alloc(s, GFP_KERNEL);
	*keep = kmem_cache_alloc(s, GFP_KERNEL);
	if (*obj && *keep)
		return true;
	kmem_cache_free(s, *obj);
	kmem_cache_free(s, *keep);
	return false;
}

static __attribute__((noinline)) int corrupt_redzone(struct kmem_cache *s)
{
	uint8_t *obj;
	void *keep;

	if (!alloc_pair(s, &obj, &keep))
		return -ENOMEM;
	/* A previous life first, so that the report has a "Freed in". */
	kmem_cache_free(s, obj);
	if (!take_back(s, obj)) {
		kmem_cache_free(s, keep);
		return -EBUSY;
	}
	kprintf("corrupt: writing %#x one byte past object %p (%u bytes) of %s, then freeing it\n",
		DAMAGE_BYTE, obj, kmem_cache_size(s), kmem_cache_name(s));
	obj[kmem_cache_size(s)] = DAMAGE_BYTE;
	kmem_cache_free(s, obj);
	kmem_cache_free(s, keep);
	return 0;
}

static __attribute__((noinline)) int corrupt_poison(struct kmem_cache *s)
{
	uint8_t *obj;
	void *keep;

	if (!alloc_pair(s, &obj, &keep))
		return -ENOMEM;
	kmem_cache_free(s, obj);
	kprintf("corrupt: writing %#x into freed object %p of %s, then allocating it again\n",
		DAMAGE_BYTE, obj, kmem_cache_name(s));
	obj[kmem_cache_size(s) / 2] = DAMAGE_BYTE;
	bool back = take_back(s, obj);

	if (back)
		kmem_cache_free(s, obj);
	kmem_cache_free(s, keep);
	return back ? 0 : -EBUSY;
}

static __attribute__((noinline)) int corrupt_double_free(struct kmem_cache *s)
{
	uint8_t *obj;
	void *keep;

	if (!alloc_pair(s, &obj, &keep))
		return -ENOMEM;
	kmem_cache_free(s, obj);
	kprintf("corrupt: freeing object %p of %s a second time\n", obj,
		kmem_cache_name(s));
	kmem_cache_free(s, obj);
	kmem_cache_free(s, keep);
	return 0;
}

static __attribute__((noinline)) int corrupt_freelist(struct kmem_cache *s)
{
	uint8_t *obj;
	void *keep;

	if (!alloc_pair(s, &obj, &keep))
		return -ENOMEM;
	kmem_cache_free(s, obj);
	kprintf("corrupt: overwriting the free pointer of freed object %p of %s, then allocating\n",
		obj, kmem_cache_name(s));
	/* The free pointer is the object's first word (layout.offset 0). */
	*(uint32_t *)obj ^= FP_FLIP;
	/* The slab's allocations meet the damage and isolate the slab; obj
	 * is never handed out again. */
	bool back = take_back(s, obj);

	if (back)
		kmem_cache_free(s, obj);
	kmem_cache_free(s, keep);
	return 0;
}

static bool cache_has_ctor(const char *name)
{
	char path[64], val[8];

	ksnprintf(path, sizeof(path), "/sys/kernel/slab/%s/ctor", name);
	return mm_proc_read(path, val, sizeof(val)) > 0 && val[0] == '1';
}

static int cmd_corrupt(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return shell_usage(argv[0]);
	const char *mode = argv[1];
	const char *name = argc == 3 ? argv[2] : DEFAULT_CACHE;
	struct kmem_cache *s = kmem_cache_find(name);
	struct kmem_cache_layout l;

	if (!s)
		return shell_error(argv[0], "%s: no such cache (see /proc/slabinfo)", name);
	kmem_cache_get_layout(s, &l);

	int err;

	if (strcmp(mode, "redzone") == 0) {
		if (!(l.flags & SLAB_RED_ZONE))
			return shell_error(argv[0], "%s has no red zones (boot with slab_debug=Z,%s)",
					   name, name);
		err = corrupt_redzone(s);
	} else if (strcmp(mode, "poison") == 0) {
		if (!(l.flags & SLAB_POISON) || cache_has_ctor(name))
			return shell_error(argv[0], "%s is not poisoned (boot with slab_debug=P,%s; never with a ctor)",
					   name, name);
		if (l.objects < 2)
			return shell_error(argv[0], "%s: one object per slab, nothing keeps the slab while it is free",
					   name);
		err = corrupt_poison(s);
	} else if (strcmp(mode, "double-free") == 0) {
		err = corrupt_double_free(s);
	} else if (strcmp(mode, "freelist") == 0) {
		if (l.offset != 0)
			return shell_error(argv[0], "%s keeps its free pointer outside the object (poison or a ctor): try a cache without P",
					   name);
		if (l.objects < 2)
			return shell_error(argv[0], "%s: one object per slab, nothing keeps the slab while it is free",
					   name);
		err = corrupt_freelist(s);
	} else {
		return shell_usage(argv[0]);
	}
	if (err == -ENOMEM)
		return shell_error(argv[0], "%s: out of memory", name);
	if (err == -EBUSY)
		return shell_error(argv[0], "%s: the object did not come back; run check", name);
	kprintf("corrupt: done; `check` and `cat /sys/kernel/slab/%s/validate` should be clean\n",
		name);
	return 0;
}
SHELL_CMD(corrupt, "corrupt redzone|poison|double-free|freelist [CACHE]",
	  "damage an object of CACHE (kmalloc-64) on purpose and trigger slab_debug's report",
	  cmd_corrupt);
