/*
 * mm/memblock.c - boot-time memory: the sanitized firmware map, the early
 * reservations, and the early allocator that places mem_map.
 *
 * Two sorted tables of disjoint, non-adjacent [base, base + size) ranges:
 *
 *   memory    RAM the firmware calls usable (the union of its usable
 *             entries), minus everything it calls anything else (overlaps
 *             resolve in favour of the non-usable type, whose ranges grow
 *             outward to whole pages), then page-aligned inward, clipped at
 *             4 GiB and at mem=.
 *   reserved  ranges of that RAM the buddy allocator must never see: the
 *             first MiB, the kernel image, the boot loader's data, mem_map.
 *
 * Invariant of both tables after every call: regions[i].base +
 * regions[i].size < regions[i + 1].base (sorted, disjoint, and adjacent
 * ranges merged), and no region is empty.
 *
 * Worked example (a firmware map with an overlap and an unaligned end):
 *
 *   usable    [0x000000, 0x09fc00)   -> memory [0x000000, 0x09f000)
 *   usable    [0x100000, 0x800000)   -> memory [0x100000, 0x800000)
 *   reserved  [0x7ff800, 0x900000)   -> removes [0x7ff000, 0x900000)
 *                                       memory [0x100000, 0x7ff000)
 */
#include "mm/internal.h"

#define FOUR_GIB	0x100000000ULL

struct memblock memblock;

void memblock_reset(void)
{
	memset(&memblock, 0, sizeof(memblock));
	memblock.memory.name = "memory";
	memblock.reserved.name = "reserved";
}

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static void remove_at(struct memblock_type *t, unsigned long i)
{
	memmove(&t->regions[i], &t->regions[i + 1],
		(t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

static int insert_at(struct memblock_type *t, unsigned long i,
		     phys_addr_t base, phys_addr_t size)
{
	if (t->cnt == MEMBLOCK_MAX_REGIONS) {
		t->overflowed = true;
		return -ENOSPC;
	}
	memmove(&t->regions[i + 1], &t->regions[i],
		(t->cnt - i) * sizeof(t->regions[0]));
	t->regions[i].base = base;
	t->regions[i].size = size;
	t->cnt++;
	return 0;
}

/* Adds [base, base + size) to t, merging with every region it touches. */
static int type_add(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size;
	unsigned long i = 0;

	if (size == 0)
		return 0;
	/* Skip regions that end before base (not even touching). */
	while (i < t->cnt && region_end(&t->regions[i]) < base)
		i++;
	/* Absorb every region that overlaps or touches [base, end). */
	while (i < t->cnt && t->regions[i].base <= end) {
		if (t->regions[i].base < base)
			base = t->regions[i].base;
		if (region_end(&t->regions[i]) > end)
			end = region_end(&t->regions[i]);
		remove_at(t, i);
	}
	return insert_at(t, i, base, end - base);
}

/* Removes [base, base + size) from t, splitting a region if needed. */
static int type_remove(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size;

	if (size == 0)
		return 0;
	for (unsigned long i = 0; i < t->cnt;) {
		struct memblock_region *r = &t->regions[i];
		phys_addr_t rb = r->base, re = region_end(r);

		if (re <= base || rb >= end) {
			i++;
			continue;
		}
		if (rb < base && re > end) {
			/* Punch a hole: keep both sides. */
			r->size = base - rb;
			return insert_at(t, i + 1, end, re - end);
		}
		if (rb < base) {
			r->size = base - rb;
			i++;
		} else if (re > end) {
			r->base = end;
			r->size = re - end;
			i++;
		} else {
			remove_at(t, i);
		}
	}
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return type_add(&memblock.memory, base, size);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return type_remove(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return type_add(&memblock.reserved, base, size);
}

phys_addr_t memblock_end_of_ram(void)
{
	if (memblock.memory.cnt == 0)
		return 0;
	return region_end(&memblock.memory.regions[memblock.memory.cnt - 1]);
}

/*
 * Free ranges = memory minus reserved, walked with two cursors over the two
 * sorted tables.
 */
void memblock_for_each_free_range(void (*fn)(phys_addr_t start, phys_addr_t end,
					     void *ctx), void *ctx)
{
	const struct memblock_type *res = &memblock.reserved;

	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		phys_addr_t start = memblock.memory.regions[i].base;
		phys_addr_t end = region_end(&memblock.memory.regions[i]);

		for (unsigned long j = 0; j < res->cnt && start < end; j++) {
			phys_addr_t rb = res->regions[j].base;
			phys_addr_t re = region_end(&res->regions[j]);

			if (re <= start)
				continue;
			if (rb >= end)
				break;
			if (rb > start)
				fn(start, rb, ctx);
			start = re;
		}
		if (start < end)
			fn(start, end, ctx);
	}
}

/* Largest aligned block inside [start, end) that ends as high as possible. */
struct alloc_search {
	phys_addr_t size, align, limit, found;
};

static void try_range(phys_addr_t start, phys_addr_t end, void *ctx)
{
	struct alloc_search *a = ctx;

	if (end > a->limit)
		end = a->limit;
	if (end <= start || end - start < a->size)
		return;
	phys_addr_t base = ALIGN_DOWN(end - a->size, a->align);

	if (base >= start && base > a->found)
		a->found = base;	/* top-down: keep the highest fit */
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t limit)
{
	struct alloc_search a = { size, align, limit, 0 };

	if (size == 0 || align == 0 || (align & (align - 1)))
		return 0;
	memblock_for_each_free_range(try_range, &a);
	if (a.found == 0 || memblock_reserve(a.found, size) != 0)
		return 0;
	return a.found;
}

/* Shrinks every memory region inward to whole multiples of align,
 * dropping the ones that hold none. */
static void memblock_trim_memory(phys_addr_t align)
{
	struct memblock_type *t = &memblock.memory;

	for (unsigned long i = 0; i < t->cnt;) {
		struct memblock_region *r = &t->regions[i];
		phys_addr_t base = ALIGN(r->base, align);
		phys_addr_t end = ALIGN_DOWN(region_end(r), align);

		if (base >= end) {
			remove_at(t, i);
			continue;
		}
		r->base = base;
		r->size = end - base;
		i++;
	}
}

void memblock_add_firmware_map(const struct mem_region *map, size_t n)
{
	phys_addr_t above_4g = 0;

	/* Usable RAM first, as given: entries that touch or overlap merge
	 * before anything is rounded, so a page that firmware split between
	 * two usable entries at an unaligned address is not lost. */
	for (size_t i = 0; i < n; i++) {
		uint64_t base = map[i].base, end = map[i].base + map[i].size;

		if (map[i].type != MEM_USABLE || map[i].size == 0)
			continue;
		if (end < base)
			end = ~0ULL;		/* wraps: runs to the top */
		if (end > FOUR_GIB) {
			above_4g += end - (base > FOUR_GIB ? base : FOUR_GIB);
			end = FOUR_GIB;
		}
		if (base < end)
			memblock_add(base, end - base);
	}
	/* Then every other type wins wherever it overlaps, grown outward:
	 * a page that is partly reserved is not usable. */
	for (size_t i = 0; i < n; i++) {
		uint64_t base = map[i].base, end = map[i].base + map[i].size;

		if (map[i].type == MEM_USABLE || map[i].size == 0)
			continue;
		if (end < base || end > FOUR_GIB)
			end = FOUR_GIB;
		if (base >= FOUR_GIB)
			continue;
		base = ALIGN_DOWN(base, (uint64_t)PAGE_SIZE);
		end = ALIGN(end, (uint64_t)PAGE_SIZE);
		memblock_remove(base, end - base);
	}
	/* Last, what is left shrinks inward to whole pages. */
	memblock_trim_memory(PAGE_SIZE);
	if (above_4g)
		pr_info("mm: %llu MiB of RAM above 4 GiB ignored (i386 without PAE)\n",
			(unsigned long long)(above_4g >> 20));
}
