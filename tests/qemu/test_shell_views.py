"""Shell views: every report cat prints has Linux's format, ls lists the
tree by directory, and free, zones, slabtop and memmap agree with the
reports they summarize and fit one 80x25 screen."""
import math
import re

from qemu import check
from test_shell_lib import (SCREEN_COLS, SCREEN_ROWS, lines, parse_buddyinfo,
                            parse_index, parse_keyvals, parse_slabinfo, run,
                            shell_vm)

SLABINFO_HEADER = ("# name            <active_objs> <num_objs> <objsize> <objperslab>"
                   " <pagesperslab> : tunables <limit> <batchcount> <sharedfactor>"
                   " : slabdata <active_slabs> <num_slabs> <sharedavail>")
STATS_KEYS = ["objects_total", "objects_active", "objects_peak", "allocs", "frees",
              "alloc_failures", "slabs_created", "slabs_destroyed", "ctor_calls"]
SLAB_ATTRS = ["align", "ctor", "object_size", "objects", "objs_per_slab", "order",
              "partial", "reclaim_account", "slab_size", "slabs", "stats",
              "total_objects", "validate"]


def check_proc_formats(vm):
    buddy_text = run(vm, "cat /proc/buddyinfo")
    buddy = parse_buddyinfo(buddy_text)     # 11 numbers of width 6 per zone
    check(set(buddy) >= {"DMA", "Normal"}, "buddyinfo zones: %r" % buddy, vm)
    for zone, counts in buddy.items():
        check(len(counts) == 11, "buddyinfo %s has 11 orders" % zone, vm)

    text = run(vm, "cat /proc/slabinfo")
    ls = lines(text)
    check(ls[0] == "slabinfo - version: 2.1", "slabinfo version line: %r" % ls[0], vm)
    check(ls[1] == SLABINFO_HEADER, "slabinfo header: %r" % ls[1], vm)
    rows = parse_slabinfo(text)
    for l in ls[2:]:
        # Byte for byte Linux's seq_printf formats.
        f = l.split()
        again = ("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d"
                 % (f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]),
                    int(f[8]), int(f[9]), int(f[10]), int(f[13]), int(f[14]), int(f[15])))
        check(l == again, "slabinfo row not in Linux's layout: %r" % l, vm)
    check("kmalloc-64" in rows and "kmem_cache" in rows, "slabinfo rows", vm)

    meminfo = lines(run(vm, "cat /proc/meminfo"))
    for l in meminfo:
        check(re.match(r"^\w+:\s+\d+ kB$", l), "meminfo line %r" % l, vm)
    keys = [l.split(":")[0] for l in meminfo]
    for k in ("MemTotal", "MemFree", "Slab"):
        check(k in keys, "meminfo has %s" % k, vm)
    check(keys[0] == "MemTotal", "meminfo starts with MemTotal", vm)

    zoneinfo = run(vm, "cat /proc/zoneinfo")
    for zone in buddy:
        check(re.search(r"^Node 0, zone +%s$" % zone, zoneinfo, re.M),
              "zoneinfo has zone %s" % zone, vm)
    for key in ("pages free", "min", "low", "high", "spanned", "present", "managed"):
        check(re.search(r"^\s+%s\s+\d+$" % key, zoneinfo, re.M), "zoneinfo %s" % key, vm)

    unusable = parse_index(run(vm, "cat /sys/kernel/debug/extfrag/unusable_index"))
    extfrag = parse_index(run(vm, "cat /sys/kernel/debug/extfrag/extfrag_index"))
    check(set(unusable) == set(buddy) == set(extfrag), "extfrag zones", vm)
    for zone, vals in unusable.items():
        check(all(0 <= v <= 1000 for v in vals), "unusable_index in [0,1]", vm)
        check(vals == sorted(vals), "unusable_index grows with the order", vm)
    for zone, vals in extfrag.items():
        check(all(-1000 <= v <= 1000 for v in vals), "extfrag_index range", vm)

    stats = run(vm, "cat /sys/kernel/slab/kmalloc-64/stats")
    check([l.split()[0] for l in lines(stats)] == STATS_KEYS,
          "stats keys in order: %r" % stats, vm)
    parse_keyvals(stats)
    return buddy, rows, zoneinfo


def check_ls(vm, rows):
    check(lines(run(vm, "ls")) == ["proc/", "sys/"], "ls / lists proc/ and sys/", vm)
    check(lines(run(vm, "ls /")) == ["proc/", "sys/"], "ls /", vm)
    procs = lines(run(vm, "ls /proc"))
    check(procs == ["buddyinfo", "meminfo", "slabinfo", "zoneinfo"],
          "ls /proc: %r" % procs, vm)
    for name in procs:
        out = run(vm, "cat /proc/" + name)
        check(out and not out.startswith("cat:"), "ls /proc lists %s, cat reads it" % name, vm)
    check(lines(run(vm, "ls /sys/kernel")) == ["debug/", "slab/"], "ls /sys/kernel", vm)
    check(lines(run(vm, "ls /sys/kernel/debug/extfrag/")) ==
          ["extfrag_index", "unusable_index"], "ls extfrag (trailing slash)", vm)
    caches = lines(run(vm, "ls //sys//kernel/slab"))
    check(caches == sorted(n + "/" for n in rows),
          "ls /sys/kernel/slab lists one directory per cache: %r" % caches, vm)
    attrs = lines(run(vm, "ls /sys/kernel/slab/kmalloc-64"))
    check(attrs == SLAB_ATTRS, "cache attributes: %r" % attrs, vm)
    for a in attrs:
        out = run(vm, "cat /sys/kernel/slab/kmalloc-64/" + a)
        check(out and not out.startswith("cat:"), "attribute %s can be read" % a, vm)
    check(run(vm, "ls /proc/meminfo").strip() == "/proc/meminfo", "ls FILE names it", vm)
    check(run(vm, "cat /proc").startswith("cat: /proc: Is a directory"), "cat DIR", vm)


def check_free_and_zones(vm, zoneinfo):
    meminfo = {l.split(":")[0]: int(l.split()[1]) for l in lines(run(vm, "cat /proc/meminfo"))}
    free = lines(run(vm, "free"))
    check(free[0].split() == ["total", "used", "free", "shared", "buff/cache", "available"],
          "free header %r" % free[0], vm)
    mem = free[1].split()
    check(mem[0] == "Mem:" and int(mem[1]) == meminfo["MemTotal"] and
          int(mem[3]) == meminfo["MemFree"], "free agrees with meminfo: %r" % free[1], vm)
    check([l.split()[0] for l in free[1:]] == ["Mem:", "Low:", "High:", "Swap:"],
          "free -l rows", vm)

    zones = lines(run(vm, "zones"))
    check(zones[0].split()[:2] == ["zone", "phys"], "zones header %r" % zones[0], vm)
    info = {}
    for block in re.split(r"^Node 0, zone +", zoneinfo, flags=re.M)[1:]:
        name = block.split("\n")[0].strip()
        vals = dict(re.findall(r"^\s+(spanned|present|managed)\s+(\d+)$", block, re.M))
        info[name] = vals
    for l in zones[1:4]:
        f = l.split()
        name = f[0]
        check(name in info, "zones names zone %s" % name, vm)
        nums = f[-5:-1] if f[1] != "(empty)" else f[2:6]
        check(nums[:3] == [info[name]["spanned"], info[name]["present"],
                           info[name]["managed"]],
              "zones agrees with zoneinfo for %s: %r" % (name, l), vm)
        check(re.match(r"^\d+/\d+/\d+$", f[-1]), "watermarks min/low/high", vm)
        if f[1] != "(empty)":
            check(re.match(r"^0x[0-9a-f]{8}-0x[0-9a-f]{8}$", f[1]), "zone range %r" % f[1], vm)


def check_slabtop(vm, rows):
    out = lines(run(vm, "slabtop"))
    check(len(out) <= SCREEN_ROWS - 1, "slabtop fits one screen with the prompt", vm)
    heads = ["Active / Total Objects (% used)    : ",
             "Active / Total Slabs (% used)      : ",
             "Active / Total Caches (% used)     : ",
             "Active / Total Size (% used)       : ",
             "Minimum / Average / Maximum Object : "]
    for i, h in enumerate(heads):
        check(out[i].startswith(" " + h), "slabtop header line %d: %r" % (i, out[i]), vm)
    check(re.match(r"^ Active / Total Objects \(% used\)    : (\d+) / (\d+) \(\d+\.\d%\)$",
                   out[0]), "objects totals %r" % out[0], vm)
    total_objs = sum(r["num_objs"] for r in rows.values())
    check(int(out[0].split(":")[1].split("/")[1].split()[0]) == total_objs,
          "slabtop total objects = sum of slabinfo num_objs", vm)
    check(re.match(r"^ Active / Total Size \(% used\)       : \d+\.\d\dK / \d+\.\d\dK \(\d+\.\d%\)$",
                   out[3]), "size totals %r" % out[3], vm)
    check(out[5] == "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME",
          "slabtop column header %r" % out[5], vm)
    sizes = []
    for l in out[6:]:
        m = re.match(r"^ *(\d+) +(\d+) +(\d+)% +(\d+\.\d\d)K +(\d+) +(\d+) +(\d+)K (\S+) *$", l)
        check(m, "slabtop row %r" % l, vm)
        name = m.group(8)
        r = rows[name]
        check(int(m.group(1)) == r["num_objs"] and int(m.group(6)) == r["objperslab"],
              "slabtop row agrees with slabinfo: %r" % l, vm)
        sizes.append(int(m.group(7)))
    check(sizes == sorted(sizes, reverse=True), "slabtop sorted by cache size", vm)
    check(len(out) - 6 == min(len(rows), SCREEN_ROWS - 8), "slabtop rows fill the screen", vm)


def check_memmap(vm, buddy, zoneinfo):
    out = run(vm, "memmap")
    ls = out.rstrip("\n").split("\n")
    check(len(ls) <= SCREEN_ROWS - 1, "memmap fits one screen with the prompt: %d" % len(ls), vm)
    check(all(len(l) <= SCREEN_COLS for l in ls), "memmap lines fit 80 columns", vm)
    m = re.match(r"^memmap: (\d+) pages? \(\d+ KiB\) per cell", ls[0])
    check(m, "memmap title %r" % ls[0], vm)
    ppc = int(m.group(1))
    check("S slab" in ls[2] and "K kernel image" in ls[2] and "a allocated" in ls[2]
          and "r reserved" in ls[2], "memmap legend %r" % ls[2], vm)
    cells = {}
    zone = None
    for l in ls[3:]:
        zm = re.match(r"^(\w+) +\[mem 0x([0-9a-f]{8})-0x([0-9a-f]{8})\]", l)
        if zm:
            zone = zm.group(1)
            cells[zone] = ""
            continue
        mm = re.match(r"^0x[0-9a-f]{8} (.*)$", l)
        check(mm and zone, "memmap line %r" % l, vm)
        check(re.match(r"^[0-9A.SKmar ?]*$", mm.group(1)), "memmap cells %r" % l, vm)
        cells[zone] += mm.group(1)
    spanned = {}
    for block in re.split(r"^Node 0, zone +", zoneinfo, flags=re.M)[1:]:
        name = block.split("\n")[0].strip()
        spanned[name] = int(re.search(r"spanned\s+(\d+)", block).group(1))
    for z in buddy:
        want = math.ceil(spanned[z] / ppc)
        check(len(cells[z]) == want, "zone %s: %d cells of %d pages, got %d"
              % (z, want, ppc, len(cells[z])), vm)
    check("K" in cells["DMA"], "the kernel image shows in DMA", vm)

    # One page per cell: the free cells of DMA are exactly its free pages,
    # and each free block head shows its order.
    out = run(vm, "memmap 1 dma")
    cells = "".join(re.match(r"^0x[0-9a-f]{8} (.*)$", l).group(1)
                    for l in lines(out) if l.startswith("0x"))
    free_pages = sum(n << o for o, n in enumerate(buddy["DMA"]))
    check(sum(c in "0123456789A." for c in cells) == free_pages,
          "memmap 1 dma: free cells = free pages (%d)" % free_pages, vm)
    heads = [sum(1 for c in cells if c == "0123456789A"[o]) for o in range(11)]
    check(heads == buddy["DMA"], "memmap 1 dma: order digits = buddyinfo %r vs %r"
          % (heads, buddy["DMA"]), vm)


def test_shell_views_formats_and_agreement():
    with shell_vm("shell_views") as vm:
        buddy, rows, zoneinfo = check_proc_formats(vm)
        check_ls(vm, rows)
        check_free_and_zones(vm, zoneinfo)
        check_slabtop(vm, parse_slabinfo(run(vm, "cat /proc/slabinfo")))
        check_memmap(vm, parse_buddyinfo(run(vm, "cat /proc/buddyinfo")), zoneinfo)

        out = run(vm, "help")
        for name in ("alloc", "cache", "cat", "check", "dmesg", "frag", "free", "halt",
                     "handles", "help", "kfree", "kmalloc", "ktest", "ls", "memmap",
                     "reboot", "slabtop", "unfrag", "uptime", "zones"):
            check(re.search(r"^  %s\b" % name, out, re.M), "help lists %s" % name, vm)
            usage = run(vm, "help " + name)
            check(usage.startswith("usage: " + name) and len(lines(usage)) == 2,
                  "help %s: usage and one line: %r" % (name, usage), vm)
        check("BIOS-e820" in run(vm, "dmesg"), "dmesg", vm)
        out = run(vm, "ktest printk")
        check(out.startswith("TAP version 13") and
              re.search(r"^\d+ passed, 0 failed$", out, re.M),
              "ktest SUITE from the shell: %r" % out, vm)
        check(run(vm, "check").startswith("mm_check: 0 violations"), "check", vm)
