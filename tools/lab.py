#!/usr/bin/env python3
"""tools/lab.py - what `make lab` runs: the lab's standard set on the host.

    tools/lab.py [--build build] [--only NAME,...]     run, plot, report
    tools/lab.py --report-only                          re-plot and re-report
                                                        (e.g. after make lab-kernel)
    tools/lab.py --publish docs/lab                     re-report, then copy it

A run:
  1. records two traces from real programs with build/tools/trace-malloc.so
     (once: later runs reuse them, --retrace records them again):
     a Python script (PYTHONMALLOC=malloc, so every object goes through
     malloc) and gcc compiling mm/slab.c (cc1's own trace is kept);
  2. runs every experiment with build/tools/mmlab (progress on stderr),
     writing build/lab/NAME.csv;
  3. renders plots with gnuplot (SVG and PNG) and writes build/lab/report.md
     with the tables, the plots and sentences computed from this run's
     numbers (tools/lab_report.py);
  4. says whether docs/lab/ (the committed reference run) was made from the
     same sources; `make lab-docs` refreshes it.
Kernel results (`make lab-kernel`, build/lab/kernel-*.csv) are compared in
the report when present.  What describes the run (date, machine, the CPU
time other processes used while it ran,
commit, source fingerprint) is kept in build/lab/run.json, so a report
made again later still describes the run the numbers came from.
"""
import json
import argparse
import glob
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import lab_report  # noqa: E402

# A deterministic Python workload: JSON, regular expressions, a dict, a sort.
PYTHON_WORKLOAD = r'''
import json, re
recs = [{"id": i, "name": "item%d" % i, "tags": ["t%d" % (i % 7), "u%d" % (i % 13)]}
        for i in range(3000)]
text = json.dumps(recs)
back = json.loads(text)
words = re.findall(r"[a-z]+[0-9]+", text)
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
'''

# (csv name, mmlab arguments, mmlab options).  Traces are filled in below.
ARENA_BIG = ["--mem", "896M"]       # the most lowmem a host boot has
STANDARD = [
    ("waste", ["waste"], []),
    ("fragmentation", ["fragmentation"], []),
    ("pinning", ["pinning"], []),
    ("ctor", ["ctor"], []),
    ("colour", ["colour"], []),
    ("colour-sets", ["colour", "--by-set"], []),
    ("speed", ["speed"], []),
    ("speed-hist", ["speed", "--histogram"], []),
    ("replay-python", ["replay", "@python"], ARENA_BIG),
    ("replay-gcc", ["replay", "@gcc"], ARENA_BIG),
    ("fragmentation-gcc", ["fragmentation", "--trace", "@gcc", "--budget", "64M"], ["--mem", "512M"]),
]

LOAD_AT_START = None


def cpu_snapshot():
    """(seconds the machine's CPUs were busy, CPU seconds of our children,
    wall time), or None where /proc/stat is missing."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(v) - v[3] - (v[4] if len(v) > 4 else 0)     # all but idle and iowait
    t = os.times()
    return busy / os.sysconf("SC_CLK_TCK"), t.children_user + t.children_system, time.time()


def others_cpu(before, after):
    """The share of the machine's CPU time that other processes used
    between two snapshots."""
    if not before or not after or after[2] <= before[2]:
        return None
    others = (after[0] - before[0]) - (after[1] - before[1])
    return max(0.0, others / ((after[2] - before[2]) * (os.cpu_count() or 1)))

# What decides the results: mm, the lab, the host port, these tools.
FINGERPRINT_GLOBS = ["mm/*.[ch]", "mm/lab/*.[ch]", "arch/host/*.[ch]", "kernel/lib/*.[ch]",
                     "tools/mmlab.c", "tools/trace-malloc.c", "tools/lab.py",
                     "tools/lab_report.py", "tools/lab-kernel.py"]


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def fingerprint():
    h = hashlib.sha256()
    for pattern in FINGERPRINT_GLOBS:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            h.update(os.path.relpath(path, ROOT).encode())
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def record_trace(build, name, argv, env_extra, lab_dir):
    """Runs argv under trace-malloc with one file per process and keeps the
    largest (the process that did the work: cc1 for gcc)."""
    tdir = os.path.join(lab_dir, "traces")
    os.makedirs(tdir, exist_ok=True)
    for old in glob.glob(os.path.join(tdir, name + ".*")):
        os.remove(old)
    env = dict(os.environ)
    env.update(env_extra)
    env["MM_TRACE_FILE"] = os.path.join(tdir, name + ".%p")
    env["LD_PRELOAD"] = os.path.join(build, "tools", "trace-malloc.so")
    t0 = time.time()
    subprocess.run(argv, env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    files = glob.glob(os.path.join(tdir, name + ".*"))
    if not files:
        raise SystemExit("lab: recording %s wrote no trace (is %s built?)"
                         % (name, env["LD_PRELOAD"]))
    best = max(files, key=os.path.getsize)
    out = os.path.join(lab_dir, "trace-%s.txt" % name)
    os.replace(best, out)
    for f in files:
        if f != best and os.path.exists(f):
            os.remove(f)
    with open(out) as f:
        first = f.readline().strip()
        ops = sum(1 for _ in f)
    say("  recorded %s: %d ops in %.1fs (%s)" % (os.path.relpath(out, ROOT), ops,
                                                 time.time() - t0, first[2:80]))
    return out


def record_traces(build, lab_dir, again):
    """The two traces, recorded unless a previous run did (real programs
    are not bit-for-bit repeatable, and `make lab-kernel` replays the same
    files, so they are kept until `make lab RETRACE=1`)."""
    have = {n: os.path.join(lab_dir, "trace-%s.txt" % n) for n in ("python", "gcc")}
    if not again and all(os.path.exists(p) for p in have.values()):
        say("lab: using the traces recorded earlier (make lab RETRACE=1 records them again)")
        return have
    say("lab: recording traces from real programs")
    traces = {}
    tmp = os.path.join(lab_dir, "traces")
    traces["python"] = record_trace(
        build, "python", [sys.executable, "-c", PYTHON_WORKLOAD],
        {"PYTHONMALLOC": "malloc", "PYTHONHASHSEED": "0"}, lab_dir)
    traces["gcc"] = record_trace(
        build, "gcc", ["gcc", "-O2", "-std=gnu11", "-I" + ROOT, "-c",
                       os.path.join(ROOT, "mm", "slab.c"), "-o",
                       os.path.join(tmp, "slab.o")], {}, lab_dir)
    return traces


def run_experiments(build, lab_dir, traces, only):
    mmlab = os.path.join(build, "tools", "mmlab")
    if not os.path.exists(mmlab):
        raise SystemExit("lab: %s is missing: run `make lab-tools`" % mmlab)
    todo = [e for e in STANDARD if not only or e[0] in only]
    for i, (name, args, opts) in enumerate(todo, 1):
        args = [traces[a[1:]] if a.startswith("@") else a for a in args]
        out = os.path.join(lab_dir, name + ".csv")
        say("[%d/%d] %s: mmlab %s" % (i, len(todo), name,
                                      " ".join(os.path.relpath(a, ROOT) if a.startswith("/")
                                               else a for a in args + opts)))
        t0 = time.time()
        r = subprocess.run([mmlab] + args + opts + ["--out", out + ".tmp"], cwd=ROOT)
        if r.returncode != 0:
            raise SystemExit("lab: %s failed (exit %d)" % (name, r.returncode))
        os.replace(out + ".tmp", out)
        with open(out) as f:
            rows = sum(1 for _ in f) - 1
        say("  wrote %s: %d rows in %.1fs" % (os.path.relpath(out, ROOT), rows, time.time() - t0))


def commands(lab_dir):
    """The mmlab command line behind each CSV, for the report."""
    out = []
    for name, args, opts in STANDARD:
        args = [os.path.relpath(os.path.join(lab_dir, "trace-%s.txt" % a[1:]), ROOT)
                if a.startswith("@") else a for a in args]
        out.append((name, " ".join(args + opts)))
    return out


def experiment_options(build):
    """Each experiment's options as run: its defaults from `mmlab help NAME`
    with the standard set's arguments on top, for the report to describe
    the workloads from what actually ran."""
    mmlab = os.path.join(build, "tools", "mmlab")
    out = {}
    for name, args, _ in STANDARD:
        r = subprocess.run([mmlab, "help", args[0]], stdout=subprocess.PIPE, text=True)
        line = [l for l in r.stdout.splitlines() if l.startswith("defaults:")]
        words = line[0].split()[1:] if line else []
        words += [a for a in args[1:] if not a.startswith("@")]
        opts, i = {}, 0
        while i < len(words):
            if words[i].startswith("--"):
                key = words[i][2:]
                if i + 1 < len(words) and not words[i + 1].startswith("--"):
                    opts[key] = words[i + 1]
                    i += 2
                    continue
                opts[key] = True
            i += 1
        out[name] = opts
    return out


def run_info(traces):
    def cmd(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1) if m else ""
    except OSError:
        pass
    rev = cmd(["git", "rev-parse", "--short=12", "HEAD"])
    if cmd(["git", "status", "--porcelain", "--untracked-files=no"]):
        rev += " (with uncommitted changes)"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "host": "%s %s, %s" % (platform.system(), platform.release(), platform.machine()),
        "cpu": cpu, "nproc": str(os.cpu_count() or 1),
        "gcc": cmd(["gcc", "-dumpfullversion"]),
        "python": platform.python_version(),
        "commit": rev,
        "fingerprint": fingerprint(),
        "load": LOAD_AT_START,
    }


def published_fingerprint(dest):
    try:
        with open(os.path.join(dest, "report.md")) as f:
            m = re.search(r"Source fingerprint: `([0-9a-f]+)`", f.read())
            return m.group(1) if m else None
    except OSError:
        return None


def publish(lab_dir, dest):
    report = os.path.join(lab_dir, "report.md")
    if not os.path.exists(report):
        raise SystemExit("lab: no %s: run `make lab` first" % report)
    os.makedirs(dest, exist_ok=True)
    for old in glob.glob(os.path.join(dest, "*.csv")):
        os.remove(old)
    shutil.rmtree(os.path.join(dest, "plots"), ignore_errors=True)
    shutil.copytree(os.path.join(lab_dir, "plots"), os.path.join(dest, "plots"),
                    ignore=shutil.ignore_patterns("*.gp", "*.dat"))
    for csv in glob.glob(os.path.join(lab_dir, "*.csv")):
        shutil.copy(csv, dest)
    shutil.copy(report, dest)
    readme = os.path.join(dest, "README.md")
    if os.path.exists(readme) and lab_report.update_summary(readme, dest):
        say("lab: updated the findings in %s" % os.path.relpath(readme, ROOT))
    say("lab: published %s to %s" % (os.path.relpath(report, ROOT), os.path.relpath(dest, ROOT)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--only", help="comma-separated experiment CSV names to (re)run")
    ap.add_argument("--report-only", action="store_true", help="no runs: plot and report")
    ap.add_argument("--retrace", action="store_true",
                    help="record the traces again even if build/lab has them")
    ap.add_argument("--publish", metavar="DIR", help="copy the last report to DIR")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    lab_dir = os.path.join(build, "lab")
    os.makedirs(lab_dir, exist_ok=True)
    docs = os.path.join(ROOT, "docs", "lab")

    run_json = os.path.join(lab_dir, "run.json")
    if args.publish or args.report_only:
        if not os.path.exists(run_json):
            raise SystemExit("lab: no %s: run `make lab` first" % os.path.relpath(run_json, ROOT))
        with open(run_json) as f:
            info = json.load(f)
        say("lab: plotting and writing the report")
        lab_report.write_report(lab_dir, info)
        if args.publish:
            publish(lab_dir, os.path.abspath(args.publish))
        return 0

    global LOAD_AT_START
    if hasattr(os, "getloadavg"):
        LOAD_AT_START = os.getloadavg()[0]
    t0 = time.time()
    only = set(args.only.split(",")) if args.only else None
    traces = record_traces(build, lab_dir, args.retrace)
    cpu0 = cpu_snapshot()
    run_experiments(build, lab_dir, traces, only)
    cpu1 = cpu_snapshot()
    info = run_info(traces)
    info["others_cpu"] = others_cpu(cpu0, cpu1)
    info["commands"] = commands(lab_dir)
    info["options"] = experiment_options(build)
    with open(run_json, "w") as f:
        json.dump(info, f, indent=1)
    stale = [os.path.basename(k) for k in glob.glob(os.path.join(lab_dir, "kernel-*.csv"))]
    if stale:
        say("lab: the report compares with the kernel results of the last `make lab-kernel`"
            " (%d files in build/lab/)" % len(stale))
    say("lab: plotting and writing the report")
    lab_report.write_report(lab_dir, info)
    say("lab: done in %.0fs: %s" % (time.time() - t0,
                                     os.path.relpath(os.path.join(lab_dir, "report.md"), ROOT)))
    pub = published_fingerprint(docs)
    if pub != info["fingerprint"]:
        say("lab: note: docs/lab/ was made from other sources (fingerprint %s, now %s);"
            " `make lab-docs` publishes this run" % (pub, info["fingerprint"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
