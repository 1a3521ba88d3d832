"""Malformed commands: each gets exactly one error line, changes nothing
(buddyinfo, slabinfo and the handle table are identical afterwards), is
never passed on to mm as a misuse, and the shell stays usable."""
import re

from qemu import check
from test_shell_lib import handle_of, one_error_line, run, shell_vm

HUGE = "99999999999999999999999999"
LONG_NAME = "c" * 40

# Each must be refused with one line.  "x" stands for a cache the test
# creates first (shell-owned, holding 3 objects).
MALFORMED = [
    # alloc ORDER [zone]
    "alloc", "alloc x", "alloc -1", "alloc 11", "alloc " + HUGE, "alloc 0x", "alloc 1.5",
    "alloc 3 foo", "alloc 3 normal extra", "alloc 3k",
    # free [HANDLE], kfree HANDLE, kmalloc SIZE
    "free x", "free 0", "free -2", "free 424242", "free " + HUGE, "free 1 2",
    "kfree", "kfree abc", "kfree 424242", "kfree 1 2",
    "kmalloc", "kmalloc -5", "kmalloc 5M", "kmalloc 12q", "kmalloc " + HUGE, "kmalloc 1 2",
    # cache ...
    "cache", "cache bogus", "cache create", "cache create foo", "cache create foo 0",
    "cache create foo 100000", "cache create foo 64 3", "cache create foo 64 8 bar",
    "cache create foo 64 ctor extra", "cache create foo 64 bar", "cache create a/b 64",
    "cache create kmalloc-64 64", "cache create x 64", "cache create %s 64" % LONG_NAME,
    "cache create foo -64", "cache create foo 32768 0 ctor", "cache create foo 32768 4096 ctor",
    "cache alloc", "cache alloc nope 1", "cache alloc kmalloc-64 1", "cache alloc x",
    "cache alloc x 0", "cache alloc x -1", "cache alloc x " + HUGE, "cache alloc x 1 2",
    "cache free nope 1", "cache free x", "cache free x 4", "cache free x 0",
    "cache free x some", "cache free kmalloc-64 all",
    "cache shrink", "cache shrink nope", "cache shrink x y",
    "cache destroy", "cache destroy nope", "cache destroy kmalloc-64",
    "cache destroy kmem_cache", "cache destroy x", "cache list extra",
    # frag / unfrag
    "frag", "frag 0", "frag -3", "frag " + HUGE, "frag 99999999", "frag 10 nozone",
    "frag 10 dma extra", "unfrag now",
    # views
    "memmap 3", "memmap 0", "memmap foo", "memmap 4 dma extra", "memmap highmem",
    "memmap 4 8", "memmap 4194304", "zones x", "slabtop x", "check x", "handles x",
    "ls /nope", "ls nope", "ls /proc /sys", "ls /proc/buddyinfo/x",
    "cat", "cat /nope", "cat /proc", "cat /sys/kernel/slab/nope/stats", "cat a b",
    "cat /sys/kernel/slab/kmalloc-64/nope",
    "help nope", "help a b", "ktest nosuchsuite", "ktest a b", "uptime x", "dmesg x",
    "halt now", "reboot now", "frobnicate", "ALLOC 1",
]


def state(vm):
    return (run(vm, "cat /proc/buddyinfo"), run(vm, "cat /proc/slabinfo"), run(vm, "handles"))


def test_shell_malformed_commands_get_one_line_and_change_nothing():
    with shell_vm("shell_errors") as vm:
        # A shell cache holding 3 objects and one live handle of each kind.
        run(vm, "cache create x 64")
        run(vm, "cache alloc x 3")
        page_h = handle_of(run(vm, "alloc 2"))
        obj_h = handle_of(run(vm, "kmalloc 50"))
        before = state(vm)

        for line in MALFORMED:
            one_error_line(vm, line)
        # A page handle is not a kmalloc handle and vice versa.
        msg = one_error_line(vm, "kfree %d" % page_h)
        check("use 'free %d'" % page_h in msg, "kfree of a page handle: %r" % msg, vm)
        msg = one_error_line(vm, "free %d" % obj_h)
        check("use 'kfree %d'" % obj_h in msg, "free of a kmalloc handle: %r" % msg, vm)
        msg = one_error_line(vm, "cache destroy x")
        check("holds 3 objects" in msg, "destroy refused while held: %r" % msg, vm)
        check(one_error_line(vm, "alloc 11").startswith(
            "alloc: bad ORDER '11': expected a number in 0..10"), "range message", vm)
        check(one_error_line(vm, "x" * 300).startswith("shell: line too long"), "long line", vm)
        check(one_error_line(vm, " ".join(["a"] * 20)).startswith("shell: too many arguments"),
              "too many words", vm)
        check(state(vm) == before, "malformed commands changed the allocator state", vm)

        # Double free of a handle: the second is refused, nothing reused.
        h = handle_of(run(vm, "alloc 0"))
        run(vm, "free %d" % h)
        msg = one_error_line(vm, "free %d" % h)
        check(msg == "free: no handle %d (already freed? see 'handles')" % h,
              "double free: %r" % msg, vm)
        k = handle_of(run(vm, "kmalloc 60"))   # kmalloc-64 has a slab already
        check(k == h + 1, "handle numbers are never reused", vm)
        run(vm, "kfree %d" % k)
        check(one_error_line(vm, "kfree %d" % k).startswith("kfree: no handle"),
              "double kfree", vm)
        check(state(vm) == before, "double frees changed the allocator state", vm)

        out = run(vm, "check")
        check(re.match(r"^mm_check: 0 violations, 0 misuses refused since boot$", out.strip()),
              "the shell passed no misuse on to mm: %r" % out, vm)
        check(run(vm, "uptime").startswith("up "), "the shell is still usable", vm)
