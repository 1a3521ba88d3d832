"""Boot through GRUB: banner, firmware map, shell basics, ktest, and the
exception report of a deliberate fault."""
from qemu import Qemu, check


def test_boot_reaches_shell_and_halts():
    with Qemu(name="boot_shell") as vm:
        vm.expect(r"mmkernel version \S+")
        vm.expect(r"BIOS-provided physical RAM map:")
        vm.expect(r"BIOS-e820: \[mem 0x0000000000000000-0x[0-9a-f]{16}\] usable")
        vm.wait_prompt()

        out = vm.cmd("help")
        for name in ("help", "uptime", "dmesg", "halt", "ktest"):
            check(("\n  " + name) in "\n" + out, "help does not list %r" % name, vm)

        out = vm.cmd("help uptime")
        check(out.startswith("usage: uptime"), "help CMD shows the usage", vm)

        out = vm.cmd("frobnicate now")
        check(out.strip() == "frobnicate: command not found (type 'help' for the list)",
              "unknown command gets one error line, got %r" % out, vm)

        out = vm.cmd("x" * 400)
        check("line too long" in out and out.count("\n") == 1,
              "an overlong line is refused on one line, got %r" % out, vm)

        out = vm.cmd("uptime")
        check(out.startswith("up "), "uptime answers", vm)
        out = vm.cmd("uptime extra")
        check(out.strip() == "usage: uptime", "bad arguments get the usage line", vm)

        out = vm.cmd("dmesg")
        check("BIOS-e820" in out and out.lstrip().startswith("["),
              "dmesg shows timestamped kernel messages", vm)

        vm.cmd("halt", expect_prompt=False)
        vm.expect("System halted")
        code = vm.wait_exit()
        check(code == 33, "halt exits QEMU with 33, got %s" % code, vm)


def test_ktest_boot_option_runs_all_suites():
    with Qemu(cmdline="ktest", name="ktest_boot", timeout=240) as vm:
        vm.expect(r"TAP version 13")
        m = vm.expect(r"\n(\d+) passed, (\d+) failed\n")
        code = vm.wait_exit()
        check(int(m.group(2)) == 0, "ktest reports failures:\n" + vm.buf[-4000:])
        check(int(m.group(1)) > 0, "ktest ran no test", vm)
        check("not ok" not in vm.buf, "a test failed", vm)
        check(code == 33, "ktest exits QEMU with 33 when all pass, got %s" % code, vm)


def test_page_fault_prints_oops_and_exits_35():
    with Qemu(cmdline="crashtest=pagefault", name="crash_pagefault") as vm:
        vm.expect(r"BUG: kernel NULL pointer dereference, address: 00000000")
        vm.expect(r"#PF: supervisor read access in kernel mode")
        vm.expect(r"Oops: page fault: 0000 \[#1\]")
        vm.expect(r"EIP: crash_on_purpose\+0x[0-9a-f]+/0x[0-9a-f]+")
        vm.expect(r"EAX: [0-9a-f]{8} EBX: [0-9a-f]{8}")
        vm.expect(r"CR0: [0-9a-f]{8} CR2: 00000000")
        vm.expect(r"Call Trace:\n crash_on_purpose\+0x[0-9a-f]+/0x[0-9a-f]+\n kmain\+")
        code = vm.wait_exit()
        check(code == 35, "an oops exits QEMU with 35, got %s" % code, vm)


def test_invalid_opcode_and_divide_are_reported():
    for kind, name in (("ud", "invalid opcode"), ("divide", "divide error")):
        with Qemu(cmdline="crashtest=" + kind, name="crash_" + kind) as vm:
            vm.expect(r"Oops: %s: 0000 \[#1\]" % name)
            vm.expect(r"EIP: crash_on_purpose\+")
            code = vm.wait_exit()
            check(code == 35, "%s: exit status 35, got %s" % (kind, code), vm)


def test_cmdline_with_grub_metacharacters_reaches_the_kernel():
    # ';' separates commands in grub.cfg and '$' expands variables: the
    # ISO's multiboot line must quote the options (README's per-cache
    # slab_debug example uses ';').
    cmdline = "slab_debug=Z,kmalloc-64;P,kmalloc-128 mm_review=$x"
    with Qemu(cmdline=cmdline, name="boot_cmdline_quoting") as vm:
        line = vm.expect(r"Command line: [^\n]*\n").group(0).rstrip("\n")
        check(line == "Command line: " + cmdline,
              "the kernel got %r, not the command line given" % line, vm)
        vm.wait_prompt()
        for cache, size in (("kmalloc-64", 192), ("kmalloc-128", 256), ("kmalloc-96", 96)):
            out = vm.cmd("cat /sys/kernel/slab/%s/slab_size" % cache)
            check(out.strip() == str(size),
                  "%s: slab_size %r, expected %d (red zone / poison / none)"
                  % (cache, out.strip(), size), vm)
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits with 33", vm)


def test_bad_boot_options_are_reported_and_ignored():
    # README: "a bad value for a known option is reported and the option
    # ignored" -- `ktest=` used to be reported as ignored and still run.
    with Qemu(cmdline="ktest= mem=abc failslab=200", name="boot_bad_options") as vm:
        vm.expect(r'Malformed kernel command line parameter "ktest=", ignored\n')
        vm.expect(r"mm: bad value for boot option mem=abc, ignored\n")
        vm.expect(r"mm: bad value for boot option failslab=200, ignored\n")
        vm.wait_prompt()
        check("TAP version" not in vm.buf, "an ignored ktest= ran the tests", vm)
        vm.cmd("halt", expect_prompt=False)
        check(vm.wait_exit() == 33, "halt exits with 33", vm)
