#!/usr/bin/env python3
"""tools/lab-kernel.py - what `make lab-kernel` runs: the lab's experiments
in the kernel under QEMU, collected from the serial console.

    tools/lab-kernel.py [--build build] [--mem 512M] [--trace NAME=FILE]... [--no-traces]
                        [--only NAME,...]

Boots build/kernel.elf through GRUB with `quiet slab_freelist_random=0`
(no kernel messages between the rows; reproducible slab layouts), types
`lab NAME ... --format csv` at the shell for each experiment of the
standard set (the same defaults as `make lab` on the host), checks that
every row has the header's number of columns, and writes
build/lab/kernel-NAME.csv.  Then each trace `make lab` recorded
(build/lab/trace-NAME.txt; or those given with --trace) is pasted into
`lab replay -` (at most 64 MiB each: the kernel keeps it in memory),
giving build/lab/kernel-replay-NAME.csv.
KVM=1 in the environment runs QEMU with KVM where /dev/kvm exists, so the
cycle counts come from the real CPU.  `make lab` compares these files with
the host's in its report.
"""
import argparse
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))

# (csv name, lab arguments): the host's standard set, minus the traces.
KERNEL_SET = [
    ("waste", "waste"),
    ("fragmentation", "fragmentation"),
    ("pinning", "pinning"),
    ("ctor", "ctor"),
    ("colour", "colour"),
    ("colour-sets", "colour --by-set"),
    ("speed", "speed"),
    ("speed-hist", "speed --histogram"),
]
TRACE_MAX = 64 << 20


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def extract_csv(out, name):
    """The CSV lines of a command's output: the first line with a comma is
    the header, then every line with as many columns; other lines (kernel
    messages, the paste prompt) are reported and dropped."""
    lines = [l for l in out.splitlines() if l.strip()]
    header = next((l for l in lines if "," in l), None)
    if header is None:
        raise SystemExit("lab-kernel: %s printed no CSV:\n%s" % (name, out[-2000:]))
    cols = header.count(",")
    rows = []
    for l in lines[lines.index(header) + 1:]:
        if l.count(",") == cols and not l.startswith(("lab", "trace:", "mm>")):
            rows.append(l)
        else:
            say("  %s: %s" % (name, l))
    return header, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--mem", default="512M",
                    help="guest RAM (512M: room for the buddy allocator's replay of the "
                         "Python trace)")
    ap.add_argument("--trace", action="append", default=[], metavar="NAME=FILE",
                    help="a trace to replay in the kernel (default: build/lab/trace-*.txt)")
    ap.add_argument("--no-traces", action="store_true", help="replay no trace")
    ap.add_argument("--only", help="comma-separated CSV names to run")
    args = ap.parse_args()
    os.environ["MM_BUILD"] = os.path.abspath(args.build)
    from qemu import Qemu  # after MM_BUILD: it picks the kernel from there

    lab_dir = os.path.join(args.build, "lab")
    os.makedirs(lab_dir, exist_ok=True)
    todo = [e for e in KERNEL_SET if not args.only or e[0] in args.only.split(",")]
    traces = []
    if not args.no_traces:
        if args.trace:
            traces = [t.split("=", 1) if "=" in t else
                      (os.path.basename(t).rsplit(".", 1)[0], t) for t in args.trace]
        else:
            traces = [(os.path.basename(p)[len("trace-"):-len(".txt")], p)
                      for p in sorted(glob.glob(os.path.join(lab_dir, "trace-*.txt")))]
        if args.only:
            traces = [t for t in traces if "replay-" + t[0] in args.only.split(",")]
    for name, path in traces:
        if os.path.getsize(path) > TRACE_MAX:
            raise SystemExit("lab-kernel: %s is larger than 64 MiB" % path)
    kvm = os.environ.get("KVM") == "1" and os.path.exists("/dev/kvm")
    say("lab-kernel: booting the kernel (%s, %s)" % (args.mem, "KVM" if kvm else "TCG emulation"))
    t_all = time.time()
    with Qemu(cmdline="quiet slab_freelist_random=0", mem=args.mem, name="lab-kernel",
              timeout=120) as vm:
        vm.wait_prompt()
        results = []
        for i, (name, cmd) in enumerate(todo, 1):
            t0 = time.time()
            say("[%d/%d] %s: lab %s" % (i, len(todo), name, cmd))
            out = vm.cmd("lab %s --format csv" % cmd, timeout=1800)
            results.append((name, out, time.time() - t0))
        for name, path in traces:
            t0 = time.time()
            say("[+] replay-%s: pasting %s (%d KiB) into lab replay -"
                % (name, os.path.relpath(path), os.path.getsize(path) >> 10))
            start = len(vm.buf)
            vm.send("lab replay - --format csv\r")
            vm.expect("paste the trace")
            with open(path) as f:
                for chunk in iter(lambda: f.read(1 << 16), ""):
                    vm.send(chunk)
            vm.send("\r.\r")
            vm.wait_prompt(timeout=3600)
            out = vm.buf[start:vm.pos]
            out = out[out.find("\n") + 1:]
            results.append(("replay-" + name, out, time.time() - t0))
        vm.cmd("halt", expect_prompt=False)
        vm.wait_exit()

    with open(os.path.join(lab_dir, "kernel-run.json"), "w") as f:
        json.dump({"mem": args.mem, "kvm": kvm,
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, f)
    for name, out, secs in results:
        header, rows = extract_csv(out, name)
        path = os.path.join(lab_dir, "kernel-%s.csv" % name)
        with open(path, "w") as f:
            f.write(header + "\n" + "".join(r + "\n" for r in rows))
        say("  wrote %s: %d rows (%.1fs in the guest)" % (os.path.relpath(path), len(rows), secs))
    say("lab-kernel: done in %.0fs; `make lab` compares these with the host's" % (time.time() - t_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
