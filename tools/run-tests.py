#!/usr/bin/env python3
"""tools/run-tests.py - what `make test` runs.

Runs the host cmocka suites (TAP output, under ASan+UBSan as built) and
the QEMU tests (tests/qemu/test_*.py, two VMs at a time), prints one line
per test and the totals "N passed, N failed", and exits non-zero if
anything failed.

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
    p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=600)
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

    if not args.qemu_only:
        print("== host suites (cmocka, sanitizers as built)")
        for path in args.host:
            name = os.path.basename(path)
            if args.pattern and not re.search(args.pattern, name):
                continue
            passed, failed, out, secs = run_host_suite(path)
            total_pass += passed
            total_fail += failed
            status = "ok" if failed == 0 else "FAIL"
            print("%-4s %-28s %5d passed, %d failed (%.1fs)" % (status, name, passed, failed, secs))
            if failed:
                failures.append((name, out[-6000:]))
            sys.stdout.flush()

    if not args.host_only:
        tests = discover_qemu_tests(args.pattern)
        print("== QEMU tests (%d, %d at a time)" % (len(tests), args.jobs))
        sys.stdout.flush()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for name, ok, detail, secs in pool.map(run_qemu_test, tests):
                print("%-4s %-60s (%.1fs)" % ("ok" if ok else "FAIL", name, secs))
                sys.stdout.flush()
                if ok:
                    total_pass += 1
                else:
                    total_fail += 1
                    failures.append((name, detail))

    for name, detail in failures:
        print("\n---- %s failed:\n%s" % (name, detail.rstrip()))
    print("\n%d passed, %d failed" % (total_pass, total_fail))
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
