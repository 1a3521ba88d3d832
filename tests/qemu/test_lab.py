"""The lab in the kernel: `lab NAME` runs mm/lab's experiments on the
machine's memory and prints the same CSV as tools/mmlab on the host."""
from qemu import Qemu, check

WASTE_HEADER = ("size,allocator,objects,requested_bytes,taken_pages,taken_bytes,"
                "taken_per_requested,bytes_per_object,units,failed")
REPLAY_HEADER = ("allocator,ops,allocs,frees,bad_lines,failed,unfreed,peak_objects,"
                 "peak_live_kib,peak_taken_kib,peak_taken_per_live,cycles_per_op,searched_per_alloc,"
                 "caches")


def parse_csv(out, header, vm):
    """The rows of a CSV printed by `lab ... --format csv` as dicts; checks
    the header and that every line has its number of columns."""
    lines = [l for l in out.splitlines() if l.strip()]
    check(header in lines, "no CSV header %r in %r" % (header, out), vm)
    lines = lines[lines.index(header):]
    names = header.split(",")
    rows = []
    for line in lines[1:]:
        if line.startswith(("lab", "trace:", "mm>")):
            continue        # messages and the prompt, not rows
        cells = line.split(",")
        check(len(cells) == len(names), "row %r has %d columns, the header %d"
              % (line, len(cells), len(names)), vm)
        rows.append(dict(zip(names, cells)))
    return rows


def test_lab_waste_csv_in_the_kernel():
    with Qemu(cmdline="slab_freelist_random=0", name="lab_waste") as vm:
        vm.wait_prompt()
        out = vm.cmd("lab")
        for name in ("waste", "fragmentation", "pinning", "ctor", "colour", "speed", "replay"):
            check(("\n" + name + " ") in "\n" + out, "lab lists %s" % name, vm)

        out = vm.cmd("lab waste --sizes 8,4097 --objects 64 --allocators cache,kmalloc,buddy "
                     "--format csv")
        rows = parse_csv(out, WASTE_HEADER, vm)
        check(len(rows) == 6, "2 sizes x 3 allocators, got %d rows" % len(rows), vm)
        by = {(r["size"], r["allocator"]): r for r in rows}
        # By construction: a 4097-byte object is an order-1 block of the buddy.
        check(by[("4097", "buddy")]["taken_bytes"] == str(64 * 8192),
              "raw buddy: 64 objects of 4097 bytes take 64 x 2 pages", vm)
        check(by[("8", "buddy")]["taken_pages"] == "64", "one page per 8 bytes", vm)
        # The marginal cost runs over whole slabs: kmalloc-8 packs 512 a page,
        # whatever the kernel's own allocations left in it.
        check((by[("8", "kmalloc")]["objects"], by[("8", "kmalloc")]["taken_pages"])
              == ("512", "1"), "kmalloc-8 packs 512 a page: %r" % by[("8", "kmalloc")], vm)
        for r in rows:
            check(r["failed"] == "0", "no allocation failed: %r" % r, vm)

        out = vm.cmd("lab waste --sizes 8 --objects 4 --allocators buddy")
        check(out.splitlines()[1].startswith("-------"), "the default is a table", vm)

        out = vm.cmd("lab frobnicate")
        check(out.strip() == "lab: no experiment 'frobnicate' (lab list)",
              "an unknown experiment is one error line, got %r" % out, vm)
        out = vm.cmd("lab waste --sizes banana")
        check("not a number" in out, "a bad option value is reported, got %r" % out, vm)

        # 2^30 samples of 4 bytes overflow a 32-bit size: refused, not wrapped.
        out = vm.cmd("lab ctor --ops 1073741824")
        check("bookkeeping" in out and "failed (error" not in out,
              "an oversized configuration is refused, got %r" % out, vm)

        out = vm.cmd("check")
        check(out.startswith("mm_check: 0 violations"), "mm is consistent after the lab", vm)
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits 33", vm)


def test_lab_replays_a_pasted_trace():
    trace = ["# pasted", "a 1 100", "a 2 5000", "x 9", "f 1", "a 3 4097",
             "f 42", "f 2", "f 3"]
    with Qemu(cmdline="slab_freelist_random=0", name="lab_replay") as vm:
        vm.wait_prompt()
        vm.send("lab replay - --allocators kmalloc,buddy,first-fit --format csv\r")
        vm.expect("paste the trace")
        vm.send("\r".join(trace) + "\r.\r")
        vm.wait_prompt()
        out = vm.buf[vm.buf.rfind("lab replay -"):]
        check("trace:4: unknown op 'x'" in out, "the bad line is reported with its number", vm)
        check("trace:7: free of ID 42, which is not allocated" in out,
              "the unknown free is reported", vm)
        rows = parse_csv(out, REPLAY_HEADER, vm)
        check([r["allocator"] for r in rows] == ["kmalloc", "buddy", "first-fit"],
              "one row per allocator", vm)
        for r in rows:
            check((r["allocs"], r["frees"], r["bad_lines"], r["unfreed"]) == ("3", "3", "2", "0"),
                  "the replay went on past the bad lines: %r" % r, vm)
        buddy = rows[1]
        check(buddy["peak_taken_kib"] == "16", "buddy peak: 2 + 2 pages, got %r" % buddy, vm)
        out = vm.cmd("check")
        check(out.startswith("mm_check: 0 violations"), "mm is consistent after the replay", vm)
        vm.cmd("halt", expect_prompt=False)
        vm.wait_exit()
