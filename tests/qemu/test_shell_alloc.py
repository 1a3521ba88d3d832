"""Experiments by hand: alloc/free change /proc/buddyinfo by exactly the
buddy split and back; frag raises the unusable index and unfrag restores
the lists; kmalloc and the cache commands show up in /proc/slabinfo and
/sys/kernel/slab/NAME/stats with the right counts.

The VMs boot with highmem=32M, so all three zones exist (HighMem is the
top 32 MiB of RAM, which ends at 0x07fe0000 on QEMU's 128 MiB machine)."""
import re

from qemu import check
from test_shell_lib import (buddyinfo, expected_after_alloc, handle_of,
                            parse_buddyinfo, parse_index, parse_keyvals, run,
                            shell_vm, slabinfo)

ZONE_ARG = {"DMA": "dma", "Normal": "normal", "HighMem": "highmem"}
FALLBACK = {"DMA": ["DMA"], "Normal": ["Normal", "DMA"],
            "HighMem": ["HighMem", "Normal", "DMA"]}


def served_zone(out):
    m = re.search(r" zone (\w+)$", out.strip())
    if not m:
        raise AssertionError("alloc names no zone: %r" % out)
    return m.group(1)


def check_alloc_free(vm, order, zone):
    before_text = run(vm, "cat /proc/buddyinfo")
    before = parse_buddyinfo(before_text)
    out = run(vm, "alloc %d %s" % (order, ZONE_ARG[zone]))
    check(out.startswith("handle ") and out.count("\n") == 1, "alloc output %r" % out, vm)
    got = served_zone(out)
    # The zone that serves is the first of the fallback list with a block.
    want_zone = next(z for z in FALLBACK[zone]
                     if z in before and expected_after_alloc(before[z], order))
    check(got == want_zone, "alloc %d %s served from %s, expected %s"
          % (order, zone, got, want_zone), vm)
    after = buddyinfo(vm)
    for z in before:
        want = expected_after_alloc(before[z], order) if z == got else before[z]
        check(after[z] == want, "alloc %d from %s: zone %s is %r, expected %r (before %r)"
              % (order, got, z, after[z], want, before[z]), vm)
    pfn = int(re.search(r"pfn (0x[0-9a-f]+)", out).group(1), 16)
    check(pfn % (1 << order) == 0, "blocks are naturally aligned: %r" % out, vm)
    if got == "HighMem":
        check("virt none (highmem)" in out, "a highmem block has no address", vm)
    h = handle_of(out)
    out = run(vm, "free %d" % h)
    check(out.startswith("handle %d: freed order %d" % (h, order)), "free %r" % out, vm)
    check(run(vm, "cat /proc/buddyinfo") == before_text,
          "free restores buddyinfo byte for byte after alloc %d %s" % (order, zone), vm)


def test_shell_alloc_free_frag_change_buddyinfo_exactly():
    with shell_vm("shell_alloc_buddy", cmdline="highmem=32M") as vm:
        zones_out = run(vm, "zones")
        check(re.search(r"^HighMem +0x05fe0000-0x07fdffff +8192 ", zones_out, re.M),
              "highmem=32M makes a HighMem zone: %r" % zones_out, vm)
        for order in range(11):
            check_alloc_free(vm, order, "Normal")
        for order in (0, 3, 9, 10):
            check_alloc_free(vm, order, "DMA")
        for order in (0, 2, 10):
            check_alloc_free(vm, order, "HighMem")

        # Several live handles, listed, freed out of order.
        hs = [handle_of(run(vm, "alloc %d" % o)) for o in (1, 4, 0)]
        listing = run(vm, "handles")
        for h in hs:
            check(re.search(r"^ +%d +pages +order" % h, listing, re.M),
                  "handles lists %d: %r" % (h, listing), vm)
        for h in (hs[1], hs[0], hs[2]):
            run(vm, "free %d" % h)
        check(run(vm, "handles").startswith("no live handles"), "all freed", vm)

        # frag: the freed pages cannot merge, so free memory in Normal
        # moves to order 0 and every higher order's unusable index rises.
        base_text = run(vm, "cat /proc/buddyinfo")
        base = parse_buddyinfo(base_text)
        idx0 = parse_index(run(vm, "cat /sys/kernel/debug/extfrag/unusable_index"))
        out = run(vm, "frag 2000")
        check(re.match(r"^frag: allocated 2000 pages .* kept 1000 ", out), "frag %r" % out, vm)
        frag = buddyinfo(vm)
        check(frag["Normal"][0] >= base["Normal"][0] + 1000,
              "1000 isolated free pages in Normal: %r -> %r" % (base["Normal"], frag["Normal"]), vm)
        idx1 = parse_index(run(vm, "cat /sys/kernel/debug/extfrag/unusable_index"))
        check(idx1["Normal"][0] == 0, "order 0 is always usable", vm)
        for o in range(1, 11):
            check(idx1["Normal"][o] > idx0["Normal"][o],
                  "unusable_index[%d] rises: %r -> %r" % (o, idx0["Normal"], idx1["Normal"]), vm)
        check(idx1["DMA"] == idx0["DMA"] and idx1["HighMem"] == idx0["HighMem"],
              "other zones untouched", vm)
        out = run(vm, "frag 64 dma")
        check("kept 32 (1032 in all" in out, "frag accumulates: %r" % out, vm)
        check(buddyinfo(vm)["DMA"][0] > base["DMA"][0] + 16, "frag dma", vm)
        out = run(vm, "unfrag")
        check(out.strip() == "unfrag: freed the 1032 pages frag kept", "unfrag %r" % out, vm)
        check(run(vm, "cat /proc/buddyinfo") == base_text,
              "unfrag restores buddyinfo byte for byte", vm)
        idx2 = parse_index(run(vm, "cat /sys/kernel/debug/extfrag/unusable_index"))
        check(idx2 == idx0, "unfrag restores the unusable index", vm)
        check(run(vm, "unfrag").startswith("unfrag: nothing to free"), "unfrag twice", vm)

        out = run(vm, "memmap")
        check(re.search(r"^HighMem +\[mem 0x05fe0000-0x07fdffff\]  highmem", out, re.M),
              "memmap marks the HighMem zone: %r" % out, vm)
        check(run(vm, "check").startswith("mm_check: 0 violations, 0 misuses"), "check", vm)


def test_shell_kmalloc_and_cache_commands_show_in_slabinfo():
    with shell_vm("shell_alloc_slab", cmdline="highmem=32M") as vm:
        before = slabinfo(vm)
        out = run(vm, "kmalloc 100")
        check(re.match(r"^handle \d+: kmalloc\(100\) = 0x[0-9a-f]+ from kmalloc-128 \(ksize 128\)$",
                       out.strip()), "kmalloc %r" % out, vm)
        h = handle_of(out)
        mid = slabinfo(vm)
        check(mid["kmalloc-128"]["active_objs"] == before["kmalloc-128"]["active_objs"] + 1,
              "kmalloc 100 is one more active kmalloc-128 object", vm)
        big = handle_of(run(vm, "kmalloc 10k"))
        check(run(vm, "kfree %d" % h).startswith("handle %d: kfree(" % h), "kfree", vm)
        check(run(vm, "kfree %d" % big).startswith("handle %d: kfree(" % big), "kfree big", vm)
        after = slabinfo(vm)
        check(after["kmalloc-128"]["active_objs"] == before["kmalloc-128"]["active_objs"],
              "kfree gives the object back", vm)

        out = run(vm, "cache create demo 100 ctor")
        m = re.match(r"^demo: object 100 bytes, stride (\d+), align (\d+), (\d+)-page slabs of "
                     r"(\d+) objects, \d+ bytes unused per slab, \d+ colours, demo ctor$",
                     out.strip())
        check(m, "cache create %r" % out, vm)
        per_slab = int(m.group(4))
        rows = slabinfo(vm)
        check(rows["demo"]["active_objs"] == 0 and rows["demo"]["num_objs"] == 0 and
              rows["demo"]["objperslab"] == per_slab, "a new cache is empty: %r" % rows["demo"], vm)

        n = per_slab + 5            # two slabs
        out = run(vm, "cache alloc demo %d" % n)
        check(out.startswith("demo: allocated %d; shell holds %d;" % (n, n)) and
              "constructed" not in out, "cache alloc %r" % out, vm)
        row = slabinfo(vm)["demo"]
        check(row["active_objs"] == n and row["num_objs"] == 2 * per_slab and
              row["active_slabs"] == 2 and row["num_slabs"] == 2,
              "slabinfo after cache alloc: %r" % row, vm)
        st = parse_keyvals(run(vm, "cat /sys/kernel/slab/demo/stats"))
        check(st["objects_active"] == n and st["objects_total"] == 2 * per_slab and
              st["allocs"] == n and st["slabs_created"] == 2 and
              st["ctor_calls"] == 2 * per_slab, "stats after alloc: %r" % st, vm)

        out = run(vm, "cache free demo 10")
        check(out.startswith("demo: freed 10; shell holds %d;" % (n - 10)), "cache free", vm)
        check(slabinfo(vm)["demo"]["active_objs"] == n - 10, "slabinfo after free", vm)
        # Reuse: objects come back constructed; the ctor does not run again.
        out = run(vm, "cache alloc demo 10")
        check("constructed" not in out, "reused objects keep their constructed state", vm)
        st = parse_keyvals(run(vm, "cat /sys/kernel/slab/demo/stats"))
        check(st["ctor_calls"] == 2 * per_slab and st["frees"] == 10,
              "ctor runs once per object, not per allocation: %r" % st, vm)

        out = run(vm, "cache destroy demo")
        check(out.strip() == "cache destroy: the shell still holds %d objects of demo; "
              "'cache free demo all' first" % n, "destroy refused while held: %r" % out, vm)
        check("demo" in slabinfo(vm), "the refused destroy kept the cache", vm)
        listing = run(vm, "cache list")
        check(re.search(r"^demo +100 +\d+ +\d+ +\d+ +%d +\d+ +yes +%d +%d$" % (per_slab, n, n),
                        listing, re.M), "cache list row for demo: %r" % listing, vm)

        run(vm, "cache free demo all")
        row = slabinfo(vm)["demo"]
        check(row["active_objs"] == 0 and row["active_slabs"] == 0, "all freed: %r" % row, vm)
        out = run(vm, "cache shrink demo")
        check(re.match(r"^demo: shrink freed \d+ slabs? \(\d+ pages?\); 0 slabs left$", out.strip()),
              "shrink %r" % out, vm)
        check(slabinfo(vm)["demo"]["num_slabs"] == 0, "shrink gives every empty slab back", vm)
        check(run(vm, "cache destroy demo").startswith("demo: destroyed"), "destroy", vm)
        check("demo" not in slabinfo(vm), "a destroyed cache leaves slabinfo", vm)
        check(run(vm, "cat /sys/kernel/slab/demo/stats").startswith("cat: "),
              "and /sys/kernel/slab", vm)

        # A cache with an alignment, no ctor.
        out = run(vm, "cache create al 24 64")
        check("align 64" in out and "demo ctor" not in out, "align: %r" % out, vm)
        run(vm, "cache alloc al 3")
        check(slabinfo(vm)["al"]["objsize"] == 64, "stride rounded to the alignment", vm)
        run(vm, "cache free al 3")
        run(vm, "cache destroy al")
        check(run(vm, "check").startswith("mm_check: 0 violations, 0 misuses"), "check", vm)
