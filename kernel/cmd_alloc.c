/*
 * kernel/cmd_alloc.c - allocating by hand: alloc/free (buddy blocks),
 * kmalloc/kfree, the table of live handles, and frag/unfrag.
 *
 * Handles.  Every block or object the user allocates gets a handle: a
 * number that is never reused during a boot, so freeing a handle twice
 * (or a typo) is "no such handle", never a free of something else.  The
 * records live in the shell's own slab cache, "shell_handle", made at
 * init and grown by one slab there: the first experiments then change
 * the buddy lists by exactly what they allocate, and the cache shows up
 * in /proc/slabinfo like any other.  The list is kept in handle order.
 *
 * frag/unfrag.  `frag N` allocates N single pages and frees every other
 * one, so the freed pages cannot merge with their buddies (which stay
 * allocated): free memory grows in order-0 blocks only and the unusable
 * index of every higher order rises.  The kept pages are chained through
 * their own page->lru (the owner's field of an allocated page), so the
 * bookkeeping allocates nothing and `unfrag` gives back exactly what frag
 * took: the buddy lists end byte for byte as before.
 */
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

#define HANDLE_CACHE_NAME	"shell_handle"
#define HANDLE_ID_MAX		0x7fffffffUL

enum handle_kind { HANDLE_PAGES, HANDLE_KMALLOC };

struct shell_handle {
	struct list_head list;		/* in `handles`, by id */
	unsigned long id;
	enum handle_kind kind;
	union {
		struct {
			struct page *page;
			unsigned int order;
		} pages;
		struct {
			void *ptr;
			size_t size;		/* what was asked for */
		} obj;
	};
};

static struct list_head handles = LIST_HEAD_INIT(handles);
static unsigned long next_handle_id = 1;
static unsigned long nr_handles;
static struct kmem_cache *handle_cache;

static void handles_init(void)
{
	handle_cache = kmem_cache_create(HANDLE_CACHE_NAME,
					 sizeof(struct shell_handle), 0, 0, NULL);
	if (!handle_cache)
		return;	/* reported by mm; the commands say so when used */
	/* Grow the first slab now (it stays as the cache's empty reserve). */
	kmem_cache_free(handle_cache, kmem_cache_alloc(handle_cache, GFP_KERNEL));
}

static struct shell_handle *handle_new(const char *cmd, enum handle_kind kind)
{
	if (!handle_cache) {
		shell_error(cmd, "no handle cache (it could not be created at boot)");
		return NULL;
	}
	if (next_handle_id > HANDLE_ID_MAX) {
		shell_error(cmd, "out of handle numbers");
		return NULL;
	}
	struct shell_handle *h = kmem_cache_alloc(handle_cache,
						  GFP_KERNEL | __GFP_NOWARN);

	if (!h) {
		shell_error(cmd, "out of memory for the handle record");
		return NULL;
	}
	h->kind = kind;
	return h;
}

/* Makes h live: gives it the next number and puts it in the table. */
static void handle_publish(struct shell_handle *h)
{
	h->id = next_handle_id++;
	list_add_tail(&h->list, &handles);
	nr_handles++;
}

static void handle_release(struct shell_handle *h)
{
	list_del(&h->list);
	nr_handles--;
	kmem_cache_free(handle_cache, h);
}

/* Finds a live handle of the wanted kind; prints the error otherwise. */
static struct shell_handle *handle_lookup(const char *cmd, const char *arg,
					  enum handle_kind kind)
{
	unsigned long id;
	struct shell_handle *h;

	if (!shell_parse_ulong(cmd, "HANDLE", arg, 1, HANDLE_ID_MAX, &id))
		return NULL;
	list_for_each_entry(h, &handles, list) {
		if (h->id != id)
			continue;
		if (h->kind == kind)
			return h;
		shell_error(cmd, "handle %lu is a %s; use '%s %lu'", id,
			    h->kind == HANDLE_PAGES ? "page block" : "kmalloc object",
			    h->kind == HANDLE_PAGES ? "free" : "kfree", id);
		return NULL;
	}
	shell_error(cmd, "no handle %lu (already freed? see 'handles')", id);
	return NULL;
}

/* ---- alloc / free ------------------------------------------------------------ */

static gfp_t zone_gfp(enum zone_type zone)
{
	switch (zone) {
	case ZONE_DMA:
		return GFP_KERNEL | __GFP_DMA;
	case ZONE_HIGHMEM:
		return GFP_HIGHUSER;
	default:
		return GFP_KERNEL;
	}
}

static void print_block(const char *what, unsigned long id, struct page *page,
			unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	void *va = page_address(page);
	char virt[24];

	if (va)
		ksnprintf(virt, sizeof(virt), "%#lx", (unsigned long)va);
	else
		strlcpy(virt, "none (highmem)", sizeof(virt));
	kprintf("handle %lu: %s order %u (%lu page%s) at pfn %#lx phys %#llx virt %s zone %s\n",
		id, what, order, 1UL << order, order ? "s" : "", pfn,
		(unsigned long long)page_to_phys(page), virt, page_zone(page)->name);
}

static int cmd_alloc(int argc, char **argv)
{
	unsigned long order;
	enum zone_type zone = ZONE_NORMAL;

	if (argc < 2 || argc > 3)
		return shell_usage(argv[0]);
	if (!shell_parse_ulong(argv[0], "ORDER", argv[1], 0, MAX_PAGE_ORDER, &order))
		return 1;
	if (argc == 3 && !shell_parse_zone(argv[0], argv[2], &zone))
		return 1;

	struct shell_handle *h = handle_new(argv[0], HANDLE_PAGES);

	if (!h)
		return 1;
	struct page *page = alloc_pages(zone_gfp(zone) | __GFP_NOWARN,
					(unsigned int)order);

	if (!page) {
		kmem_cache_free(handle_cache, h);
		return shell_error(argv[0], "out of memory: no free block of order %lu for zone %s or below",
				   order, zones[zone].name);
	}
	h->pages.page = page;
	h->pages.order = (unsigned int)order;
	handle_publish(h);
	print_block("allocated", h->id, page, h->pages.order);
	return 0;
}
SHELL_CMD(alloc, "alloc ORDER [dma|normal|highmem]",
	  "2^ORDER pages from the buddy allocator; gives a handle",
	  cmd_alloc);

static int free_handle(const char *cmd, const char *arg)
{
	struct shell_handle *h = handle_lookup(cmd, arg, HANDLE_PAGES);

	if (!h)
		return 1;
	print_block("freed", h->id, h->pages.page, h->pages.order);
	__free_pages(h->pages.page, h->pages.order);
	handle_release(h);
	return 0;
}

static int cmd_free(int argc, char **argv)
{
	if (argc == 1) {
		shell_show_free();
		return 0;
	}
	if (argc == 2)
		return free_handle(argv[0], argv[1]);
	return shell_usage(argv[0]);
}
SHELL_CMD(free, "free [HANDLE]",
	  "memory totals (procps free -k -l), or free a handle",
	  cmd_free);

/* ---- kmalloc / kfree --------------------------------------------------------------- */

static void describe_kmalloc(char *buf, size_t size, const void *p, size_t asked)
{
	if (p == ZERO_SIZE_PTR) {
		ksnprintf(buf, size, "ZERO_SIZE_PTR (kmalloc(0) owns no memory)");
		return;
	}
	struct kmem_cache *s = kmalloc_slab(asked, GFP_KERNEL);

	if (s)
		ksnprintf(buf, size, "from %s (ksize %zu)", kmem_cache_name(s),
			  ksize(p));
	else
		ksnprintf(buf, size, "order-%u pages from the buddy allocator (ksize %zu)",
			  get_order(asked), ksize(p));
}

static int cmd_kmalloc(int argc, char **argv)
{
	unsigned long size;
	char how[80];

	if (argc != 2)
		return shell_usage(argv[0]);
	if (!shell_parse_size(argv[0], "SIZE", argv[1], 0, KMALLOC_MAX_SIZE, &size))
		return 1;

	struct shell_handle *h = handle_new(argv[0], HANDLE_KMALLOC);

	if (!h)
		return 1;
	void *p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);

	if (!p) {
		kmem_cache_free(handle_cache, h);
		return shell_error(argv[0], "out of memory for %lu bytes", size);
	}
	h->obj.ptr = p;
	h->obj.size = size;
	handle_publish(h);
	describe_kmalloc(how, sizeof(how), p, size);
	kprintf("handle %lu: kmalloc(%lu) = %#lx %s\n", h->id, size,
		(unsigned long)p, how);
	return 0;
}
SHELL_CMD(kmalloc, "kmalloc SIZE",
	  "kmalloc SIZE bytes (k, M suffixes); gives a handle",
	  cmd_kmalloc);

static int cmd_kfree(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage(argv[0]);
	struct shell_handle *h = handle_lookup(argv[0], argv[1], HANDLE_KMALLOC);

	if (!h)
		return 1;
	kprintf("handle %lu: kfree(%#lx) of kmalloc(%zu)\n", h->id,
		(unsigned long)h->obj.ptr, h->obj.size);
	kfree(h->obj.ptr);
	handle_release(h);
	return 0;
}
SHELL_CMD(kfree, "kfree HANDLE", "free a kmalloc handle", cmd_kfree);

static int cmd_handles(int argc, char **argv)
{
	struct shell_handle *h;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (nr_handles == 0) {
		kprintf("no live handles (alloc and kmalloc make them)\n");
		return 0;
	}
	kprintf("%6s  %-7s  %s\n", "HANDLE", "KIND", "WHAT");
	list_for_each_entry(h, &handles, list) {
		if (h->kind == HANDLE_PAGES) {
			struct page *page = h->pages.page;

			kprintf("%6lu  %-7s  order %u at pfn %#lx, zone %s\n", h->id,
				"pages", h->pages.order, page_to_pfn(page),
				page_zone(page)->name);
		} else {
			kprintf("%6lu  %-7s  %zu bytes at %#lx\n", h->id, "kmalloc",
				h->obj.size, (unsigned long)h->obj.ptr);
		}
	}
	return 0;
}
SHELL_COMMAND(handles, .usage = "handles",
	      .help = "list the live handles of alloc and kmalloc",
	      .fn = cmd_handles, .init = handles_init);

/* ---- frag / unfrag ------------------------------------------------------------------------ */

static struct list_head frag_pages = LIST_HEAD_INIT(frag_pages);
static unsigned long frag_kept;

static struct page *lru_to_page(struct list_head *e)
{
	return list_entry(e, struct page, lru);
}

/* Free pages the allocator could use for a request aimed at zone. */
static unsigned long free_pages_for(enum zone_type zone)
{
	unsigned long n = 0;

	for (int z = (int)zone; z >= 0; z--)
		n += nr_free_pages_zone((enum zone_type)z);
	return n;
}

static void free_page_list(struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *page = lru_to_page(list->next);

		list_del(&page->lru);
		__free_page(page);
	}
}

static int cmd_frag(int argc, char **argv)
{
	enum zone_type zone = ZONE_NORMAL;
	unsigned long n, avail;
	struct list_head taken = LIST_HEAD_INIT(taken);

	if (argc < 2 || argc > 3)
		return shell_usage(argv[0]);
	if (argc == 3 && !shell_parse_zone(argv[0], argv[2], &zone))
		return 1;
	avail = free_pages_for(zone);
	if (!shell_parse_ulong(argv[0], "N", argv[1], 1, avail ? avail : 1, &n))
		return 1;

	for (unsigned long i = 0; i < n; i++) {
		struct page *page = alloc_pages(zone_gfp(zone) | __GFP_NOWARN, 0);

		if (!page) {
			free_page_list(&taken);	/* all or nothing */
			return shell_error(argv[0], "out of memory after %lu of %lu pages; nothing kept",
					   i, n);
		}
		list_add_tail(&page->lru, &taken);
	}

	/* Keep pages 0, 2, 4, ...; free 1, 3, 5, ... */
	unsigned long i = 0, kept = 0;
	unsigned long lo = ~0UL, hi = 0;

	while (!list_empty(&taken)) {
		struct page *page = lru_to_page(taken.next);
		unsigned long pfn = page_to_pfn(page);

		list_del(&page->lru);
		lo = pfn < lo ? pfn : lo;
		hi = pfn > hi ? pfn : hi;
		if (i++ % 2 == 0) {
			list_add_tail(&page->lru, &frag_pages);
			kept++;
		} else {
			__free_page(page);
		}
	}
	frag_kept += kept;
	kprintf("frag: allocated %lu pages (pfn %#lx-%#lx), freed every other one: kept %lu (%lu in all; 'unfrag' frees them)\n",
		n, lo, hi, kept, frag_kept);
	return 0;
}
SHELL_CMD(frag, "frag N [dma|normal|highmem]",
	  "allocate N pages, free every other one, keep the rest",
	  cmd_frag);

static int cmd_unfrag(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	if (frag_kept == 0) {
		kprintf("unfrag: nothing to free (frag keeps no pages)\n");
		return 0;
	}
	free_page_list(&frag_pages);
	kprintf("unfrag: freed the %lu pages frag kept\n", frag_kept);
	frag_kept = 0;
	return 0;
}
SHELL_CMD(unfrag, "unfrag", "free every page that frag kept", cmd_unfrag);
