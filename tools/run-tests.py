#!/usr/bin/env python3
"""tools/run-tests.py - what `make test` runs.

Runs the host cmocka suites (TAP output, under ASan+UBSan as built) and
the QEMU tests (tests/qemu/test_*.py) in one pool of -j workers (2: this
is a 2-core budget), longest first, prints one line per suite or test as
it finishes and the totals "N passed, N failed" (host suites count their
cmocka tests, a QEMU test counts once), and exits non-zero if anything
failed.

    tools/run-tests.py [--host-only|--qemu-only] [-k PATTERN] [HOST_BINARIES...]
"""
import argparse
import concurrent.futures
import importlib.util
import os
import re
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))


def run_host_suite(path):
    env = dict(os.environ)
    env["CMOCKA_MESSAGE_OUTPUT"] = "TAP"
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    t0 = time.time()
    try:
        p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        # A missing binary or a hung suite is one failure, not the end
        # of the whole run.
        return 0, 1, "%s: %s\n" % (path, e), time.time() - t0
    out = p.stdout.decode(errors="replace")
    passed = len(re.findall(r"^ok \d+", out, re.M))
    failed = len(re.findall(r"^not ok \d+", out, re.M))
    if p.returncode != 0 and failed == 0:
        failed = 1          # crashed, sanitizer report, or exit without TAP
    return passed, failed, out, time.time() - t0


def discover_qemu_tests(pattern):
    tests = []
    qdir = os.path.join(ROOT, "tests", "qemu")
    for fn in sorted(os.listdir(qdir)):
        if not (fn.startswith("test_") and fn.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(fn[:-3], os.path.join(qdir, fn))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in dir(mod):
            if name.startswith("test_") and callable(getattr(mod, name)):
                full = "%s.%s" % (fn[:-3], name)
                if pattern and not re.search(pattern, full):
                    continue
                tests.append((full, getattr(mod, name)))
    return tests


def run_qemu_test(item):
    name, fn = item
    t0 = time.time()
    try:
        fn()
        return name, True, "", time.time() - t0
    except Exception as e:  # noqa: BLE001 - every failure is reported
        detail = str(e) if e.__class__.__name__ == "TestFailure" else traceback.format_exc()
        return name, False, detail, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--host-only", action="store_true")
    ap.add_argument("--qemu-only", action="store_true")
    ap.add_argument("-k", dest="pattern", help="only tests whose name matches")
    ap.add_argument("-j", dest="jobs", type=int, default=2, help="VMs at a time")
    ap.add_argument("host", nargs="*")
    args = ap.parse_args()
    os.environ["MM_BUILD"] = os.path.abspath(args.build)

    total_pass = total_fail = 0
    failures = []

    # One pool for everything: host suites and QEMU boots share the CPUs,
    # the longest jobs start first so the run ends as early as it can.
    jobs = []
    if not args.qemu_only:
        for path in args.host:
            # build/host/tests/* also matches build/host/tests/host/, the
            # suites' object directory (README: run-tests.py build/host/tests/*).
            if os.path.isdir(path):
                continue
            name = os.path.basename(path)
            if args.pattern and not re.search(args.pattern, name):
                continue
            slow = any(w in name for w in ("random", "threads", "failslab"))
            jobs.append((0 if slow else 2, "host", name, path))
    if not args.host_only:
        for name, fn in discover_qemu_tests(args.pattern):
            jobs.append((1, "qemu", name, fn))
    jobs.sort(key=lambda j: j[0])
    print("== %d host suites (cmocka, sanitizers as built) and %d QEMU tests, %d at a time"
          % (sum(1 for j in jobs if j[1] == "host"), sum(1 for j in jobs if j[1] == "qemu"),
             args.jobs))
    sys.stdout.flush()

    def run(job):
        _, kind, name, what = job
        if kind == "host":
            passed, failed, out, secs = run_host_suite(what)
            return kind, name, passed, failed, out[-6000:], secs
        name, ok, detail, secs = run_qemu_test((name, what))
        return kind, name, int(ok), int(not ok), detail, secs

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run, j) for j in jobs]
        for fut in concurrent.futures.as_completed(futures):
            kind, name, passed, failed, detail, secs = fut.result()
            total_pass += passed
            total_fail += failed
            status = "ok" if failed == 0 else "FAIL"
            if kind == "host":
                print("%-4s %-56s %5d passed, %d failed (%.1fs)"
                      % (status, "host: " + name, passed, failed, secs))
            else:
                print("%-4s %-56s (%.1fs)" % (status, "qemu: " + name, secs))
            sys.stdout.flush()
            if failed:
                failures.append((name, detail))

    for name, detail in failures:
        print("\n---- %s failed:\n%s" % (name, detail.rstrip()))
    print("\n%d passed, %d failed" % (total_pass, total_fail))
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
