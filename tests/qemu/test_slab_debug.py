"""slab_debug on the console: boot through GRUB with slab_debug=FZPU,kmalloc-64,
damage objects with the shell's `corrupt` command and check that the whole
report reaches the console in Linux's shape, with kallsyms names, and that
mm is consistent afterwards (`check`, /sys/kernel/slab/NAME/validate)."""
import re

from qemu import Qemu, check

HEX = r"[0-9a-f]+"
SYM = r"\+0x%s/0x%s" % (HEX, HEX)


def expect_lines(vm, out, patterns):
    """Each regex of patterns matches a whole line of out, in this order."""
    pos = 0
    for pat in patterns:
        m = re.compile(r"^" + pat + r"$", re.M).search(out, pos)
        check(m is not None, "no line matching %r after offset %d in:\n%s" % (pat, pos, out), vm)
        pos = m.end()


def expect_clean(vm, cache):
    out = vm.cmd("check")
    check(re.search(r"^mm_check: 0 violations, \d+ misuses? refused since boot$", out, re.M),
          "check is not clean:\n" + out, vm)
    out = vm.cmd("cat /sys/kernel/slab/%s/validate" % cache)
    check(re.search(r"^%s: \d+ slabs, \d+ objects checked, 0 problems$" % re.escape(cache),
                    out, re.M), "validate is not clean:\n" + out, vm)


def test_redzone_overwrite_report_on_the_console():
    with Qemu(cmdline="slab_debug=FZPU,kmalloc-64", name="slab_debug_redzone") as vm:
        vm.wait_prompt()
        out = vm.cmd("corrupt redzone")
        obj = re.search(r"one byte past object (%s) \(64 bytes\) of kmalloc-64" % HEX, out)
        check(obj, "corrupt redzone did not say what it damaged:\n" + out, vm)
        addr = int(obj.group(1), 16)
        rz = "%08x" % (addr + 64)
        expect_lines(vm, out, [
            r"BUG kmalloc-64: Right Redzone overwritten",
            r"INFO: 0x%s-0x%s @offset=\d+\. First byte 0x88 instead of 0xcc" % (rz, rz),
            r"INFO: Slab 0x%s objects=\d+ used=\d+" % HEX,
            r"INFO: Object 0x%08x @offset=\d+ size=64" % addr,
            r"Redzone  %s: 88 +\." % rz,
            r"Allocated in corrupt_redzone%s age=\d+ms" % SYM,
            r"Freed in corrupt_redzone%s age=\d+ms" % SYM,
            r"FIX kmalloc-64: Restoring Right Redzone 0x%s-0x%s=0xcc" % (rz, rz),
        ])
        check(out.count("BUG") == 1, "one damage, one report:\n" + out, vm)
        expect_clean(vm, "kmalloc-64")
        out = vm.cmd("check")
        check("1 misuse refused since boot" in out, "the damage is counted once:\n" + out, vm)
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits with 33", vm)


def test_poison_double_free_and_freelist_reports():
    with Qemu(cmdline="slab_debug=FZPU,kmalloc-64", name="slab_debug_others") as vm:
        vm.wait_prompt()
        out = vm.cmd("corrupt poison")
        expect_lines(vm, out, [
            r"BUG kmalloc-64: Poison overwritten",
            r"INFO: 0x%s-0x%s @offset=\d+\. First byte 0x88 instead of 0x6b" % (HEX, HEX),
            r"INFO: Slab 0x%s objects=\d+ used=\d+" % HEX,
            r"INFO: Object 0x%s @offset=\d+ size=64" % HEX,
            r"Object   %s: 88 +\." % HEX,
            r"Allocated in corrupt_poison%s age=\d+ms" % SYM,
            r"Freed in corrupt_poison%s age=\d+ms" % SYM,
            r"FIX kmalloc-64: Restoring Poison 0x%s-0x%s=0x6b" % (HEX, HEX),
        ])
        expect_clean(vm, "kmalloc-64")

        out = vm.cmd("corrupt double-free")
        expect_lines(vm, out, [
            r"BUG kmalloc-64: Object already free: %s \(slab %s, \d+ of \d+ in use\)" % (HEX, HEX),
            r"Allocated in corrupt_double_free%s age=\d+ms" % SYM,
            r"Freed in corrupt_double_free%s age=\d+ms" % SYM,
            r"Freed again in corrupt_double_free%s" % SYM,
        ])
        expect_clean(vm, "kmalloc-64")

        # kmalloc-64 is poisoned, so its free pointer is out of a write's reach.
        out = vm.cmd("corrupt freelist")
        check("keeps its free pointer outside the object" in out, "freelist refused:\n" + out, vm)
        out = vm.cmd("corrupt freelist kmalloc-128")
        expect_lines(vm, out, [
            r"BUG kmalloc-128: Freepointer corrupt: object %s, fp word 0x%s \(overwritten after free\?\)"
            % (HEX, HEX),
            r"FIX kmalloc-128: Isolating slab %s: \d+ free objects are lost, none is handed out twice"
            % HEX,
        ])
        expect_clean(vm, "kmalloc-128")
        out = vm.cmd("check")
        check("3 misuses refused since boot" in out, "three damages, three counts:\n" + out, vm)
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits with 33", vm)


def test_corrupt_refuses_damage_nothing_would_detect():
    with Qemu(name="slab_debug_off") as vm:
        vm.wait_prompt()
        out = vm.cmd("corrupt redzone")
        check(out.strip() == "corrupt: kmalloc-64 has no red zones (boot with slab_debug=Z,kmalloc-64)",
              "redzone refused without Z, got %r" % out, vm)
        out = vm.cmd("corrupt poison")
        check(out.startswith("corrupt: kmalloc-64 is not poisoned"), "poison refused, got %r" % out, vm)
        out = vm.cmd("corrupt redzone no-such-cache")
        check(out.strip() == "corrupt: no-such-cache: no such cache (see /proc/slabinfo)",
              "unknown cache, got %r" % out, vm)
        out = vm.cmd("corrupt")
        check(out.strip() == "usage: corrupt redzone|poison|double-free|freelist [CACHE]",
              "usage line, got %r" % out, vm)
        # Double free detection is always on, without tracks.
        out = vm.cmd("corrupt double-free")
        check(re.search(r"^BUG kmalloc-64: Object already free: ", out, re.M) and "Allocated in" not in out,
              "double free without U:\n" + out, vm)
        expect_clean(vm, "kmalloc-64")
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits with 33", vm)
