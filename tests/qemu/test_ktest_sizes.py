"""The in-kernel suites (`ktest`) at several memory sizes, through GRUB.

The mm tests drain and refill all of memory, tag every page, walk the
page tables of kmap slots: what they exercise depends on the machine.
  8M            the smallest machine worth booting: DMA only, no
                order-10 block (the tests that need one say so)
  32M           DMA and a small Normal zone; HighMem tests skip
  1200M         all three zones (HighMem above 896 MiB, reached by kmap)
  mem=64M       a 128M guest told to use 64M: mm must ignore the rest
  highmem=64M   a 256M guest whose top 64M is made HighMem
(The 128M boot is test_boot.test_ktest_boot_option_runs_all_suites.)

Each run must print a well-formed TAP stream ending in "N passed,
0 failed" and exit QEMU with 33.
"""
import re

from qemu import Qemu, check

TAP_LINE = re.compile(r"^(ok|not ok) (\d+) - (\S+)(?: # SKIP (.+))?$", re.M)


def run_ktest(name, cmdline, mem):
    """Boots with cmdline, checks the TAP stream; returns (vm, results)
    where results maps test name to its SKIP reason (None: it ran)."""
    with Qemu(cmdline=cmdline, mem=mem, name=name, timeout=240) as vm:
        plan = int(vm.expect(r"TAP version 13\n1\.\.(\d+)\n").group(1))
        m = vm.expect(r"\n(\d+) passed, (\d+) failed\n")
        code = vm.wait_exit()
    passed, failed = int(m.group(1)), int(m.group(2))
    tap = vm.buf[vm.buf.index("TAP version 13"):]
    lines = TAP_LINE.findall(tap)
    results = {}
    for i, (status, num, test, skip) in enumerate(lines, 1):
        check(int(num) == i, "%s: TAP line %d is numbered %s" % (name, i, num), vm)
        check(status == "ok", "%s: %s failed:\n%s" % (name, test, vm.tail(6000)))
        results[test] = skip or None
    check(failed == 0, "%s: %d tests failed:\n%s" % (name, failed, vm.tail(6000)))
    check(len(lines) == plan == passed, "%s: plan 1..%d, %d TAP lines, %d passed"
          % (name, plan, len(lines), passed), vm)
    check(code == 33, "%s: ktest exits QEMU with 33 when all pass, got %s"
          % (name, code), vm)
    return vm, results


def highmem_tests(results):
    return {t: s for t, s in results.items() if t.startswith("highmem.")}


def check_suites_ran(name, results, vm):
    for suite in ("buddy", "slab", "irq_alloc", "highmem"):
        check(any(t.startswith(suite + ".") for t in results),
              "%s: no %s test ran" % (name, suite), vm)


def test_ktest_at_8m_has_no_max_order_block():
    vm, results = run_ktest("ktest_8M", "ktest", "8M")
    check_suites_ran("ktest_8M", results, vm)
    check("Normal   empty" in vm.buf, "8M has only a DMA zone", vm)
    check("no free block that large in this much RAM" in vm.buf,
          "the every-order test says which orders 8M cannot have", vm)


def test_ktest_at_32m_skips_highmem():
    vm, results = run_ktest("ktest_32M", "ktest", "32M")
    check_suites_ran("ktest_32M", results, vm)
    check("HighMem  empty" in vm.buf, "32M has no HighMem zone", vm)
    for test, skip in highmem_tests(results).items():
        check(skip == "no highmem", "%s should skip with 'no highmem', got %r"
              % (test, skip), vm)


def test_ktest_at_1200m_runs_highmem():
    vm, results = run_ktest("ktest_1200M", "ktest", "1200M")
    check_suites_ran("ktest_1200M", results, vm)
    check(re.search(r"HighMem zone: \d+ pages", vm.buf), "1200M has a HighMem zone", vm)
    skipped = [t for t, s in results.items() if s]
    check(not skipped, "nothing skips with HighMem, skipped: %s" % skipped, vm)


def test_ktest_with_mem_64m():
    vm, results = run_ktest("ktest_mem64M", "ktest mem=64M", "128M")
    check_suites_ran("ktest_mem64M", results, vm)
    check("mm: mem=64M: RAM above 0x4000000 ignored" in vm.buf,
          "mem=64M is announced", vm)
    m = re.search(r"Memory: \d+K/(\d+)K available", vm.buf)
    check(m and int(m.group(1)) <= 64 * 1024,
          "with mem=64M at most 64M is present, got %s" % (m and m.group(0)), vm)


def test_ktest_with_highmem_64m_on_256m():
    vm, results = run_ktest("ktest_highmem64M", "ktest highmem=64M", "256M")
    check_suites_ran("ktest_highmem64M", results, vm)
    check(re.search(r"HighMem zone: 16384 pages", vm.buf),
          "highmem=64M makes 64M (16384 pages) HighMem", vm)
    skipped = [t for t, s in results.items() if s]
    check(not skipped, "nothing skips with HighMem, skipped: %s" % skipped, vm)
