/*
 * mm/init.c - mm_init: from a firmware memory map to a running buddy
 * allocator and slab layer.
 *
 *   1. forget any previous boot (the host boots mm many times);
 *   2. read mm's boot options from the command line;
 *   3. sanitize the map into memblock.memory (mm/memblock.c), apply mem=;
 *   4. reserve the first MiB and what the platform already uses;
 *   5. decide the zones: DMA below 16 MiB, NORMAL up to the lowmem limit
 *      (896 MiB, or lower with highmem=), HIGHMEM above;
 *   6. place mem_map with the early allocator, mark every page reserved,
 *      then hand every free range to the buddy allocator in maximal
 *      naturally aligned blocks;
 *   7. bring up the slab layer and the kmalloc caches.
 *
 * Pages that are present but reserved stay PG_reserved forever: the
 * buddy allocator never sees them, and freeing one is reported.
 */
#include "mm/internal.h"
#include "mm/slab.h"
#include "kernel/lib/parse.h"

#define ONE_MIB			(1ULL << 20)
#define MIN_LOWMEM		(4ULL << 20)	/* smallest lowmem highmem= may leave */
#define FOUR_GIB		0x100000000ULL
#define HIGHMEM_MIN_WMARK_LOW	32UL	/* Linux's SWAP_CLUSTER_MAX */
#define HIGHMEM_MIN_WMARK_HIGH	128UL

struct mm_options mm_opts;
bool mm_booted;

/* ---- boot options ----------------------------------------------------------- */

static int set_mem(const char *val, const struct kparam *kp)
{
	unsigned long long v;
	int err = val ? parse_size(val, &v) : -EINVAL;

	(void)kp;
	if (err)
		return err;
	if (v < MIN_LOWMEM)
		return -EINVAL;
	mm_opts.mem_limit = v;
	return 0;
}

static int set_highmem(const char *val, const struct kparam *kp)
{
	unsigned long long v;
	int err = val ? parse_size(val, &v) : -EINVAL;

	(void)kp;
	if (err)
		return err;
	mm_opts.highmem_size = v;
	mm_opts.highmem_set = true;
	return 0;
}

static const struct kparam mm_param_table[] = {
	{ "mem", set_mem, NULL,
	  "mem=SIZE: use only RAM below SIZE (e.g. mem=64M; at least 4M)" },
	{ "highmem", set_highmem, NULL,
	  "highmem=SIZE: make the top SIZE of RAM the HighMem zone" },
	{ "init_on_alloc", kparam_set_bool, &mm_opts.init_on_alloc,
	  "init_on_alloc=1: zero every page and object when it is allocated" },
	{ "init_on_free", kparam_set_bool, &mm_opts.init_on_free,
	  "init_on_free=1: zero every page and object when it is freed" },
	SLAB_BOOT_PARAMS
};

const struct kparam *mm_boot_params(size_t *n)
{
	*n = ARRAY_SIZE(mm_param_table);
	return mm_param_table;
}

static void report_param(void *ctx, const char *name, const char *val, int err)
{
	(void)ctx;
	/* Words mm does not know belong to the kernel, which warns about
	 * the ones nobody knows; mm only speaks about its own. */
	if (err == -ENOENT || err == -ENOSPC)
		return;
	pr_warn("mm: bad value for boot option %s%s%s, ignored\n", name,
		val ? "=" : "", val ? val : "");
}

/* ---- zones --------------------------------------------------------------------- */

static unsigned long pfn_up(phys_addr_t a)
{
	return (unsigned long)((a + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

static unsigned long pfn_down(phys_addr_t a)
{
	return (unsigned long)(a >> PAGE_SHIFT);
}

static phys_addr_t decide_lowmem_limit(phys_addr_t end_of_ram)
{
	phys_addr_t limit = mm_port_lowmem_limit();

	if (mm_opts.highmem_set) {
		phys_addr_t want = mm_opts.highmem_size >= end_of_ram ? 0
				 : end_of_ram - mm_opts.highmem_size;

		want = ALIGN_DOWN(want, (phys_addr_t)PAGE_SIZE);
		if (want < MIN_LOWMEM) {
			pr_warn("mm: highmem=%lluM would leave less than %lluM of lowmem; lowmem ends at %lluM\n",
				(unsigned long long)(mm_opts.highmem_size >> 20),
				(unsigned long long)(MIN_LOWMEM >> 20),
				(unsigned long long)(MIN_LOWMEM >> 20));
			want = MIN_LOWMEM;
		}
		if (want < limit)
			limit = want;
	}
	return limit < end_of_ram ? limit : end_of_ram;
}

/* Counts present pages per zone and clips each zone's span to RAM. */
static void setup_zones(phys_addr_t lowmem_end)
{
	unsigned long bounds[MAX_NR_ZONES + 1] = {
		0,
		min(pfn_down(MAX_DMA_ADDRESS), pfn_down(lowmem_end)),
		pfn_down(lowmem_end),
		max_pfn,
	};

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long lo = bounds[z], hi = max(bounds[z + 1], bounds[z]);
		unsigned long first = hi, last = lo;

		for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
			const struct memblock_region *r = &memblock.memory.regions[i];
			unsigned long s = max(pfn_up(r->base), lo);
			unsigned long e = min(pfn_down(r->base + r->size), hi);

			if (s >= e)
				continue;
			zone->present_pages += e - s;
			first = min(first, s);
			last = max(last, e);
		}
		if (zone->present_pages) {
			zone->zone_start_pfn = first;
			zone->spanned_pages = last - first;
		} else {
			zone->zone_start_pfn = lo;
			zone->spanned_pages = 0;
		}
	}
}

/*
 * Watermarks as Linux computes them (min_free_kbytes = sqrt(16 * lowmem
 * KiB), shared among lowmem zones in proportion to their size; low = min
 * + min/4, high = min + min/2; HIGHMEM gets a small fixed min).  They are
 * reported in /proc/zoneinfo but not enforced: there is no reclaim to
 * wake, and refusing allocations that could succeed would only surprise.
 */
static unsigned long int_sqrt(unsigned long long x)
{
	unsigned long long r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return (unsigned long)r;
}

static void setup_watermarks(void)
{
	unsigned long lowmem_pages = zones[ZONE_DMA].managed_pages +
				     zones[ZONE_NORMAL].managed_pages;
	unsigned long min_kb = int_sqrt((unsigned long long)lowmem_pages *
					(PAGE_SIZE / 1024) * 16);
	unsigned long min_pages = min_kb / (PAGE_SIZE / 1024);

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long m;

		if (z == ZONE_HIGHMEM) {
			/* Linux: managed/1024 clamped to [SWAP_CLUSTER_MAX, 128]. */
			m = zone->managed_pages / 1024;
			m = m < HIGHMEM_MIN_WMARK_LOW ? HIGHMEM_MIN_WMARK_LOW
			  : m > HIGHMEM_MIN_WMARK_HIGH ? HIGHMEM_MIN_WMARK_HIGH : m;
			if (!zone->managed_pages)
				m = 0;
		}
		else
			m = lowmem_pages ? (unsigned long)((unsigned long long)min_pages *
						zone->managed_pages / lowmem_pages) : 0;
		zone->watermark[WMARK_MIN] = m;
		zone->watermark[WMARK_LOW] = m + m / 4;
		zone->watermark[WMARK_HIGH] = m + m / 2;
	}
}

/* ---- mem_map ------------------------------------------------------------------ */

static enum zone_type pfn_zone(unsigned long pfn)
{
	if (pfn >= max_low_pfn)
		return ZONE_HIGHMEM;
	if (pfn < pfn_down(MAX_DMA_ADDRESS))
		return ZONE_DMA;
	return ZONE_NORMAL;
}

static void init_mem_map(void)
{
	/* Every pfn starts as a reserved hole in its zone... */
	memset(mem_map, 0, max_pfn * sizeof(struct page));
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		mem_map[pfn].flags = (1u << PG_reserved) | (1u << PG_hole) |
				     ((uint32_t)pfn_zone(pfn) << PAGE_ZONE_SHIFT);
	/* ...RAM is not a hole... */
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		for (unsigned long pfn = pfn_up(r->base);
		     pfn < pfn_down(r->base + r->size); pfn++)
			page_clear_flag(&mem_map[pfn], PG_hole);
	}
}

/* ...and free RAM is not reserved: it goes to the buddy allocator. */
static void free_one_range(phys_addr_t start, phys_addr_t end, void *ctx)
{
	unsigned long s = pfn_up(start), e = pfn_down(end);

	(void)ctx;
	if (s >= e)
		return;
	for (unsigned long pfn = s; pfn < e; pfn++) {
		page_clear_flag(&mem_map[pfn], PG_reserved);
		page_zone(&mem_map[pfn])->managed_pages++;
	}
	free_range_to_buddy(s, e);
}

/* ---- boot messages --------------------------------------------------------------- */

static void print_zone_ranges(void)
{
	pr_info("Zone ranges:\n");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &zones[z];

		if (!populated_zone(zone)) {
			pr_info("  %-8s empty\n", zone->name);
			continue;
		}
		pr_info("  %-8s [mem 0x%016llx-0x%016llx]\n", zone->name,
			(unsigned long long)zone->zone_start_pfn << PAGE_SHIFT,
			((unsigned long long)zone_end_pfn(zone) << PAGE_SHIFT) - 1);
	}
	pr_info("Early memory node ranges\n");
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		pr_info("  node   0: [mem 0x%016llx-0x%016llx]\n",
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->size - 1));
	}
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &zones[z];

		if (populated_zone(zone))
			pr_info("  %s zone: %lu pages, %lu managed, %lu free\n",
				zone->name, zone->present_pages,
				zone->managed_pages, zone->free_pages);
	}
}

/* ---- entry points ------------------------------------------------------------------ */

void mm_teardown(void)
{
	slab_reset();
	page_alloc_reset();
	memblock_reset();
	mm_errors_reset();
	memset(&mm_opts, 0, sizeof(mm_opts));
	mm_booted = false;
}

int mm_init(const struct mem_region *map, size_t n, const char *cmdline)
{
	mm_teardown();

	size_t nparams;
	const struct kparam *params = mm_boot_params(&nparams);

	kparam_parse(cmdline, params, nparams, report_param, NULL);

	if (!map || n == 0) {
		pr_err("mm: empty memory map, nothing to manage\n");
		mm_teardown();
		return -EINVAL;
	}
	memblock_add_firmware_map(map, n);
	if (mm_opts.mem_limit && mm_opts.mem_limit < FOUR_GIB) {
		phys_addr_t lim = ALIGN_DOWN((phys_addr_t)mm_opts.mem_limit,
					     (phys_addr_t)PAGE_SIZE);

		memblock_remove(lim, FOUR_GIB - lim);
		pr_info("mm: mem=%lluM: RAM above %#llx ignored\n",
			(unsigned long long)(mm_opts.mem_limit >> 20),
			(unsigned long long)lim);
	}
	if (memblock.memory.overflowed)
		pr_warn("mm: memory map has more than %d ranges, some RAM ignored\n",
			MEMBLOCK_MAX_REGIONS);

	phys_addr_t end_of_ram = memblock_end_of_ram();

	if (end_of_ram == 0) {
		pr_err("mm: no usable RAM in the memory map\n");
		mm_teardown();
		return -ENOMEM;
	}

	/* The first MiB holds the BIOS data area, the EBDA, video memory and
	 * option ROMs on a PC; Linux reserves it too. */
	memblock_reserve(0, ONE_MIB);
	const struct mm_port_range *early;
	size_t nearly = mm_port_early_reserved(&early);

	for (size_t i = 0; i < nearly; i++)
		memblock_reserve(ALIGN_DOWN(early[i].base, (phys_addr_t)PAGE_SIZE),
				 ALIGN(early[i].base + early[i].size, (phys_addr_t)PAGE_SIZE) -
				 ALIGN_DOWN(early[i].base, (phys_addr_t)PAGE_SIZE));
	if (memblock.reserved.overflowed) {
		/* A reservation that was not recorded would hand memory in use
		 * to the buddy allocator: refuse to boot instead. */
		pr_err("mm: more than %d reserved ranges, cannot reserve them all\n",
		       MEMBLOCK_MAX_REGIONS);
		mm_teardown();
		return -ENOSPC;
	}

	max_pfn = pfn_down(end_of_ram);
	phys_addr_t lowmem_end = decide_lowmem_limit(end_of_ram);

	max_low_pfn = pfn_down(lowmem_end);

	phys_addr_t map_bytes = ALIGN((phys_addr_t)max_pfn * sizeof(struct page),
				      (phys_addr_t)PAGE_SIZE);
	phys_addr_t map_pa = memblock_alloc(map_bytes, PAGE_SIZE, lowmem_end);

	if (!map_pa) {
		pr_err("mm: no room in lowmem for mem_map (%llu KiB for %lu pages)\n",
		       (unsigned long long)(map_bytes >> 10), max_pfn);
		mm_teardown();
		return -ENOMEM;
	}
	mem_map = __va(map_pa);

	setup_zones(lowmem_end);
	init_mem_map();
	memblock_for_each_free_range(free_one_range, NULL);
	setup_watermarks();
	print_zone_ranges();
	pr_info("mm: mem_map at %#llx: %lu struct pages of %zu bytes (%llu KiB)\n",
		(unsigned long long)map_pa, max_pfn, sizeof(struct page),
		(unsigned long long)(map_bytes >> 10));

	int err = kmem_cache_init();

	if (err) {
		pr_err("mm: slab initialisation failed (%d)\n", err);
		mm_teardown();
		return err;
	}
	mm_booted = true;
	return 0;
}
