"""tools/lab_report.py - turns build/lab/*.csv into plots (gnuplot, SVG and
PNG) and build/lab/report.md.

Every sentence of the report is computed from the CSVs of the run it
describes: numbers are read, compared and quoted; a claim is only made
when the numbers support it (otherwise the opposite, or nothing, is
said).  Used by tools/lab.py; `tools/lab.py --report-only` re-renders.
"""
import csv
import json
import os
import re
import statistics
import subprocess

KMALLOC_CLASSES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192]
ALLOC_ORDER = ["cache", "kmalloc", "buddy", "first-fit", "best-fit", "next-fit"]
PAGE = 4096


# ---- reading ---------------------------------------------------------------------

def read_csv(lab_dir, name):
    path = os.path.join(lab_dir, name + ".csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k, v in r.items():
            r[k] = num(v)
    return rows


def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        pass
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def fmt(x, digits=2):
    if isinstance(x, int):
        return "{:,}".format(x)
    if x == float("inf"):
        return "inf"
    return "{:,.{}f}".format(x, digits)


def pct(x):
    return "%.0f%%" % (100 * x)


def md_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---:" if i else ":---" for i in range(len(headers))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def kmalloc_class(size):
    for c in KMALLOC_CLASSES:
        if size <= c:
            return c
    return None


# ---- plotting ------------------------------------------------------------------

class Plotter:
    """Writes NAME.dat/NAME.gp under plots/ and renders NAME.svg and NAME.png."""

    def __init__(self, lab_dir):
        self.dir = os.path.join(lab_dir, "plots")
        os.makedirs(self.dir, exist_ok=True)
        self.terms = self._terminals()
        self.made = []

    @staticmethod
    def _terminals():
        try:
            out = subprocess.run(["gnuplot", "-e", "set terminal"], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True).stdout
        except OSError:
            return None
        words = {line.split()[0] for line in out.splitlines() if line.strip()}
        png = "pngcairo" if "pngcairo" in words else "png" if "png" in words else None
        return {"svg": "svg" in words, "png": png}

    def plot(self, name, data, script, width=900, height=480):
        """data: {block name: text}; script uses '$DIR/NAME-BLOCK.dat'."""
        if not self.terms:
            return False
        for block, text in data.items():
            with open(os.path.join(self.dir, "%s-%s.dat" % (name, block)), "w") as f:
                f.write(text)
        body = script.replace("$DAT", os.path.join(self.dir, name))
        with open(os.path.join(self.dir, name + ".gp"), "w") as f:
            f.write(body)
        ok = True
        outputs = []
        if self.terms["svg"]:
            outputs.append(("svg", "set terminal svg size %d,%d dynamic noenhanced font 'Helvetica,12' background '#ffffff'"
                            % (width, height)))
        if self.terms["png"]:
            font = "font 'Helvetica,10'" if self.terms["png"] == "pngcairo" else ""
            outputs.append(("png", "set terminal %s size %d,%d noenhanced %s background '#ffffff'"
                            % (self.terms["png"], width, height, font)))
        for ext, term in outputs:
            out = os.path.join(self.dir, "%s.%s" % (name, ext))
            full = "%s\nset output '%s'\n%s\nunset output\n" % (term, out, body)
            r = subprocess.run(["gnuplot"], input=full, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            if r.returncode != 0 or not os.path.exists(out):
                print("lab: gnuplot failed for %s.%s:\n%s" % (name, ext, r.stderr))
                ok = False
        if ok:
            self.made.append(name)
        return ok

    def image(self, name, alt):
        if name not in self.made:
            return "*(plot %s not rendered: gnuplot missing or failed)*\n" % name
        return "![%s](plots/%s.svg)\n\n[PNG](plots/%s.png)\n" % (alt, name, name)


COMMON = """set grid lc rgb '#dddddd'
set key outside right top
set border lc rgb '#555555'
"""
COLORS = {"cache": "#1b9e77", "kmalloc": "#d95f02", "buddy": "#7570b3",
          "first-fit": "#e7298a", "best-fit": "#66a61e", "next-fit": "#e6ab02"}


# ---- sections ------------------------------------------------------------------

def section_waste(rows, plot):
    if not rows:
        return ""
    sizes = sorted({r["size"] for r in rows})
    allocs = [a for a in ALLOC_ORDER if any(r["allocator"] == a for r in rows)]
    ratio = {(r["size"], r["allocator"]): r["taken_per_requested"] for r in rows}
    bpo = {(r["size"], r["allocator"]): r["bytes_per_object"] for r in rows}
    objects = {r["size"]: r["objects"] for r in rows}
    failed = sum(r["failed"] for r in rows)

    data = {}
    for a in allocs:
        data[a] = "".join("%d %s\n" % (s, ratio[(s, a)]) for s in sizes if (s, a) in ratio)
    plots = ", ".join("'$DAT-%s.dat' using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb '%s' title '%s'"
                      % (a, COLORS[a], a) for a in allocs)
    plot.plot("waste", data, COMMON + """set title 'Bytes taken from the buddy allocator per byte requested'
set xlabel 'object size (bytes)'
set ylabel 'taken / requested'
set logscale xy 2
set xrange [6:10000]
set format y '%g'
plot """ + plots + "\n")

    s = ["## Internal waste (`waste`)\n",
         "For each object size, %s to %s objects (about 256 KiB, at least 64) are allocated "
         "one at a time and the pages that leave the buddy allocator are counted; the ratio "
         "is bytes taken per byte requested (1.000 is no waste).\n"
         % (fmt(min(objects.values())), fmt(max(objects.values())))]
    s.append(plot.image("waste", "bytes taken per byte requested, per size and allocator"))
    s.append("\nWhat this run shows:\n")
    for a in allocs:
        vals = [(ratio[(sz, a)], sz) for sz in sizes if (sz, a) in ratio]
        worst = max(vals)
        s.append("- **%s**: median %s over %d sizes, worst %s at %d bytes.\n"
                 % (a, fmt(statistics.median(v for v, _ in vals), 3), len(vals),
                    fmt(worst[0], 3), worst[1]))
    if "cache" in allocs and "kmalloc" in allocs:
        worse = [(ratio[(sz, "kmalloc")] / ratio[(sz, "cache")], sz) for sz in sizes
                 if (sz, "cache") in ratio and (sz, "kmalloc") in ratio
                 and ratio[(sz, "kmalloc")] > ratio[(sz, "cache")] * 1.001]
        if worse:
            w = max(worse)
            cls = kmalloc_class(w[1])
            s.append("- kmalloc took more than a dedicated cache for %d of %d sizes; the largest gap "
                     "is %.2fx at %d bytes, which kmalloc serves from its %s class.\n"
                     % (len(worse), len(sizes), w[0], w[1],
                        "%d-byte" % cls if cls else "page-allocation"))
        else:
            s.append("- kmalloc never took more than a dedicated cache.\n")
    if "buddy" in allocs:
        b = [(ratio[(sz, "buddy")], sz) for sz in sizes if (sz, "buddy") in ratio]
        s.append("- Raw buddy pages cost from %s (at %d bytes) to %s (at %d bytes) bytes per byte"
                 % (fmt(min(b)[0], 3), min(b)[1], fmt(max(b)[0], 3), max(b)[1]))
        if (4097, "buddy") in bpo:
            s.append("; a 4097-byte object takes %d bytes, %d pages" %
                     (bpo[(4097, "buddy")], bpo[(4097, "buddy")] // PAGE))
        s.append(".\n")
    fits = [a for a in ("first-fit", "best-fit", "next-fit") if a in allocs]
    if len(fits) > 1:
        same = all(len({ratio.get((sz, a)) for a in fits}) == 1 for sz in sizes)
        if same:
            s.append("- With nothing freed there are no holes to choose between, and the %d fit "
                     "heaps took identical memory at every size; their cost is the 8-byte "
                     "header per object (and the 32-byte minimum block): %s at %d bytes, %s at "
                     "%d bytes.\n"
                     % (len(fits), fmt(ratio[(sizes[0], fits[0])], 3), sizes[0],
                        fmt(ratio[(sizes[-1], fits[0])], 3), sizes[-1]))
        else:
            s.append("- The fit heaps took different memory at some sizes even without frees.\n")
    s.append("- %s.\n" % ("Every allocation succeeded" if failed == 0
                          else "%d allocations failed" % failed))
    s.append("\n<details><summary>Table: taken / requested per size</summary>\n\n")
    s.append(md_table(["size"] + allocs,
                      [[sz] + [fmt(ratio.get((sz, a), float("nan")), 3) for a in allocs]
                       for sz in sizes]))
    s.append("\n</details>\n")
    return "".join(s)


def frag_stats(rows):
    out = {}
    budget = rows[0]["free_pages"] if rows else 0
    for a in ALLOC_ORDER:
        run = [r for r in rows if r["allocator"] == a and r["phase"] == "run"]
        if not run:
            continue
        end = [r for r in rows if r["allocator"] == a and r["phase"] == "end"]
        settled = [r for r in rows if r["allocator"] == a and r["phase"] == "settled"]
        shares = [r["partial_slab_pages"] / r["slab_pages"] for r in run if r["slab_pages"]]
        out[a] = {
            "peak_taken": max(r["taken_pages"] for r in run),
            "peak_live_kib": max(r["live_kib"] for r in run),
            "max_unusable": max(r[k] for r in run for k in r if k.startswith("unusable_o")
                                and k != "unusable_o10"),
            "min_largest": min(r["largest_order"] for r in run),
            "partial_share": statistics.mean(shares) if shares else None,
            "failed": run[-1]["failed"] if not end else end[0]["failed"],
            "end_taken": end[0]["taken_pages"] if end else None,
            "settled_whole": bool(settled) and settled[0]["free_pages"] == budget
            and settled[0]["largest_order"] == 10,
            "ops": end[0]["op"] if end else run[-1]["op"],
        }
    return budget, out


def section_frag(rows, plot, name, title, workload):
    if not rows:
        return ""
    order_col = [k for k in rows[0] if k.startswith("unusable_o") and k != "unusable_o10"][0]
    order = int(order_col[len("unusable_o"):])
    budget, st = frag_stats(rows)
    allocs = list(st)
    data = {}
    for a in allocs:
        data[a] = "".join("%d %d %s %d %d\n" % (r["op"], r["taken_pages"], r[order_col],
                                                r["largest_order"], r["partial_slab_pages"])
                          for r in rows if r["allocator"] == a and r["phase"] == "run")

    def series(col, extra=""):
        return ", ".join("'$DAT-%s.dat' using 1:%d with lines lw 2 lc rgb '%s' title '%s'%s"
                         % (a, col, COLORS[a], a, extra) for a in allocs)
    plot.plot(name, data, COMMON + """set multiplot layout 3,1 title '%s'
set autoscale xfix
set xlabel 'operations'
set ylabel 'pages taken'
set logscale y
plot %s
unset logscale y
set ylabel 'unusable index, order %d'
set yrange [0:1]
plot %s
set yrange [-1:10.5]
set ylabel 'largest free order'
plot %s
unset multiplot
""" % (title, series(2), order, series(3), series(4)), height=900)

    s = ["## %s (`%s`)\n" % (title, "fragmentation" + (" --trace" if "gcc" in name else "")),
         "%s The workload runs in a budget of %d free pages (%d MiB, whole 4 MiB blocks; a "
         "ballast holds the rest of memory), so the buddy counts describe the budget alone. "
         "Sampled over time: pages taken, Linux's unusable free index for order-%d "
         "requests (the share of free memory in blocks too small for them), and the largest "
         "free order.\n" % (workload, budget, budget * PAGE >> 20, order)]
    s.append(plot.image(name, title))
    s.append("\nWhat this run shows:\n")
    for a in allocs:
        x = st[a]
        line = ("- **%s**: at most %s pages taken (%s KiB) for at most %s KiB live (%.1fx); "
                "unusable index for order %d up to %s; largest free order down to %d"
                % (a, fmt(x["peak_taken"]), fmt(x["peak_taken"] * 4), fmt(x["peak_live_kib"]),
                   x["peak_taken"] * 4 / max(x["peak_live_kib"], 1), order,
                   fmt(x["max_unusable"], 3), x["min_largest"]))
        if x["partial_share"] is not None:
            line += "; on average %s of its slab pages were in partially used slabs" % pct(
                x["partial_share"])
        if x["failed"]:
            line += "; %s allocations failed" % fmt(x["failed"])
        s.append(line + ".\n")
    slabby = [a for a in allocs if st[a]["partial_share"] is not None]
    if "buddy" in st and slabby:
        a = slabby[0]
        s.append("- Served as whole pages (buddy), the same operations took %.1f times the "
                 "pages they took through %s.\n"
                 % (st["buddy"]["peak_taken"] / max(st[a]["peak_taken"], 1), a))
    held = [a for a in allocs if st[a]["end_taken"]]
    if held:
        s.append("- With every object freed, %s still held %s pages (empty slabs or chunks "
                 "each cache or heap keeps for the next burst).\n"
                 % (", ".join(held), ", ".join(fmt(st[a]["end_taken"]) for a in held)))
    whole = [a for a in allocs if st[a]["settled_whole"]]
    if len(whole) == len(allocs):
        s.append("- Once the allocator was destroyed and the caches shrunk, the budget was a "
                 "set of whole order-10 blocks again after every allocator: the buddy "
                 "allocator's merging undoes all of it.\n")
    else:
        s.append("- After settling, the budget was **not** whole again for: %s.\n"
                 % ", ".join(a for a in allocs if a not in whole))
    return "".join(s)


def section_pinning(rows, plot):
    if not rows:
        return ""
    sizes = sorted({r["size"] for r in rows})
    by = {(r["size"], r["frees"]): r for r in rows}
    data = {"d": "".join("%d %d %d %d\n" % (sz, by[(sz, "random")]["pages_after_shrink"],
                                            by[(sz, "grouped")]["pages_after_shrink"],
                                            by[(sz, "random")]["pages_needed"])
                         for sz in sizes)}
    plot.plot("pinning", data, COMMON + """set title 'Pages still held after freeing %d%% of the objects and shrinking'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel 'pages'
set xlabel 'object size (bytes)'
set logscale y
set yrange [1:*]
plot '$DAT-d.dat' using 2:xtic(1) lc rgb '#d95f02' title 'random frees', \\
     '' using 3 lc rgb '#1b9e77' title 'lifetime-grouped frees', \\
     '' using 4 lc rgb '#999999' title 'needed by the survivors'
""" % round(100 * rows[0]["freed"] / rows[0]["objects"]))
    s = ["## Pages pinned by partially used slabs (`pinning`)\n",
         "A fresh cache per size is filled with %d slabs' worth of objects, then %d%% of the "
         "objects are freed, either a random subset or all but the first ones allocated "
         "(lifetime-grouped, as when objects that die together are allocated together); "
         "pages are counted before and after `kmem_cache_shrink`.\n"
         % (rows[0]["pages_filled"] // rows[0]["pages_per_slab"],
            round(100 * rows[0]["freed"] / rows[0]["objects"]))]
    s.append(plot.image("pinning", "pages held after freeing most objects"))
    s.append("\n" + md_table(["size", "frees", "objs/slab", "filled", "before shrink",
                              "partial slabs", "after shrink", "needed", "after / needed"],
                             [[r["size"], r["frees"], r["objects_per_slab"], r["pages_filled"],
                               r["pages_before_shrink"], r["partial_slabs"],
                               r["pages_after_shrink"], r["pages_needed"],
                               fmt(r["pinned_per_needed"], 3)] for r in rows]))
    s.append("\nWhat this run shows:\n")
    rnd = [(by[(sz, "random")]["pinned_per_needed"], sz) for sz in sizes]
    grp = [by[(sz, "grouped")]["pinned_per_needed"] for sz in sizes]
    s.append("- Random frees left %s to %s times the pages the survivors need (worst at "
             "%d-byte objects, %d per slab: a slab empties only if all of them die).\n"
             % (fmt(min(rnd)[0], 2), fmt(max(rnd)[0], 2), max(rnd)[1],
                by[(max(rnd)[1], "random")]["objects_per_slab"]))
    if all(g == 1.0 for g in grp):
        s.append("- Lifetime-grouped frees left exactly the pages the survivors need, at every size.\n")
    else:
        s.append("- Lifetime-grouped frees left %s to %s times the pages needed.\n"
                 % (fmt(min(grp), 2), fmt(max(grp), 2)))
    shrunk = [r["pages_before_shrink"] - r["pages_after_shrink"] for r in rows]
    one_slab = all(d == r["pages_per_slab"] * r["empty_slabs"] for d, r in zip(shrunk, rows))
    if one_slab and max(r["empty_slabs"] for r in rows) <= 1:
        s.append("- `kmem_cache_shrink` gave back at most one slab per cache: empty slabs "
                 "already go back as they empty, except the one a cache keeps; the partially "
                 "used ones are what it cannot touch.\n")
    return "".join(s)


def section_ctor(rows):
    if not rows:
        return ""
    s = ["## Object caching with constructors (`ctor`)\n",
         "An object whose constructor does real work is allocated and freed in a loop from a "
         "cache that constructs objects once per slab (**cached**, Bonwick's object caching) "
         "and from a cache without a constructor whose user constructs every object it "
         "allocates (**per-alloc**). *steady*: a working set of W objects, each step frees a "
         "random one and allocates a replacement; *batch*: allocate W, free W, repeat. Cycles "
         "per allocation include any construction.\n"]
    s.append("\n" + md_table(["mode", "pattern", "W", "ctor calls", "per alloc", "objs/slab",
                              "slabs made", "alloc median", "alloc p99.9", "alloc max",
                              "free median"],
                             [[r["mode"], r["pattern"], r["working_set"], fmt(r["ctor_calls"]),
                               fmt(r["ctor_per_alloc"], 3), r["objects_per_slab"],
                               r["slabs_created"], fmt(r["alloc_median"]),
                               fmt(r["alloc_p999"]), fmt(r["alloc_max"]),
                               fmt(r["free_median"])] for r in rows]))
    s.append("\nWhat this run shows:\n")
    by = {(r["mode"], r["pattern"], r["working_set"]): r for r in rows}
    for (mode, pat, ws), r in sorted(by.items()):
        if mode != "cached":
            continue
        p = by.get(("per-alloc", pat, ws))
        if not p:
            continue
        s.append("- %s, W=%d: the cached constructor ran %s times per allocation against %s; "
                 "allocations took a median %s cycles against %s (%.1fx)"
                 % (pat, ws, fmt(r["ctor_per_alloc"], 3), fmt(p["ctor_per_alloc"], 3),
                    fmt(r["alloc_median"]), fmt(p["alloc_median"]),
                    p["alloc_median"] / max(r["alloc_median"], 1)))
        need = -(-ws // r["objects_per_slab"])
        if r["slabs_created"] > 2 * need:
            s.append("; the working set fits in %d slab%s but %d were created: freeing the set "
                     "emptied slabs that went back to the buddy allocator with their constructed "
                     "objects, so %s of the allocations paid for a constructor anyway"
                     % (need, "" if need == 1 else "s", r["slabs_created"],
                        pct(r["ctor_per_alloc"])))
            if r["alloc_p999"] > 20 * max(r["alloc_median"], 1):
                s.append(", and the allocation that makes a slab runs all %d of its "
                         "constructors: p99.9 is %s cycles, %.0fx the median"
                         % (r["objects_per_slab"], fmt(r["alloc_p999"]),
                            r["alloc_p999"] / max(r["alloc_median"], 1)))
        s.append(".\n")
    return "".join(s)


def section_colour(rows, sets, plot):
    if not rows:
        return ""
    by = {(r["size"], r["colouring"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    s = ["## Slab colouring (`colour`)\n",
         "Object start addresses over the 64 sets of a modelled L1 cache (64-byte lines, set = "
         "address bits 6-11), for %d slabs of objects per size, with colouring on and off "
         "(`kmem_cache_set_colouring`). Without colouring, object i of every slab starts at "
         "the same page offset.\n" % rows[0]["slabs"]]
    shown = []
    if sets:
        gain = sorted(sizes, key=lambda sz: by[(sz, "off")]["max_per_set"] /
                      max(by[(sz, "on")]["max_per_set"], 1), reverse=True)
        shown = [gain[0]] + ([sz for sz in sizes if by[(sz, "on")]["colours"] == 1][:1])
        data = {}
        for sz in shown:
            for c in ("on", "off"):
                data["%d-%s" % (sz, c)] = "".join("%d %d\n" % (r["set"], r["objects"]) for r in sets
                                                  if r["size"] == sz and r["colouring"] == c)
        panels = ""
        for sz in shown:
            panels += ("set title '%d-byte objects'\nplot '$DAT-%d-off.dat' using ($1-0.2):2 with "
                       "boxes fs solid 0.7 lc rgb '#d95f02' title 'colouring off', "
                       "'$DAT-%d-on.dat' using ($1+0.2):2 with boxes fs solid 0.7 lc rgb "
                       "'#1b9e77' title 'on'\n" % (sz, sz, sz))
        plot.plot("colour", data, COMMON + """set multiplot layout %d,1
set boxwidth 0.4
set xrange [-1:64]
set xlabel 'L1 set'
set ylabel 'object starts'
%sunset multiplot
""" % (len(shown), panels), height=320 * len(shown))
        s.append(plot.image("colour", "object starts per L1 set"))
    s.append("\n" + md_table(["size", "colouring", "objects", "objs/slab", "colours",
                              "sets used", "max per set", "ideal max"],
                             [[r["size"], r["colouring"], r["objects"], r["objects_per_slab"],
                               r["colours"], r["sets_used"], r["max_per_set"], r["ideal_max"]]
                              for r in rows]))
    s.append("\nWhat this run shows:\n")
    for sz in sizes:
        on, off = by[(sz, "on")], by[(sz, "off")]
        if on["colours"] == 1:
            s.append("- %d bytes: the slab leaves no room for a second colour, so colouring "
                     "changes nothing: %d set%s used, up to %d starts in one (ideal %d).\n"
                     % (sz, on["sets_used"], "" if on["sets_used"] == 1 else "s",
                        on["max_per_set"], on["ideal_max"]))
        else:
            s.append("- %d bytes: %d colours spread the starts over %d sets instead of %d; the "
                     "busiest set holds %d instead of %d (ideal %d).\n"
                     % (sz, on["colours"], on["sets_used"], off["sets_used"], on["max_per_set"],
                        off["max_per_set"], on["ideal_max"]))
    return "".join(s)


def section_speed(rows, hist, plot):
    if not rows:
        return ""
    ov = [r for r in rows if r["op"] == "overhead"][0]
    ops = [r for r in rows if r["op"] != "overhead"]

    def label(r):
        return "%s %s" % (r["op"], ("o%d" % r["order"]) if "pages" in r["op"] else r["bytes"])
    data = {"d": "".join('%d "%s" %d %d %d %d %d\n' % (i, label(r), r["median"], r["p99"],
                                                       r["p999"], r["max"], r["min"])
                         for i, r in enumerate(ops))}
    plot.plot("speed", data, COMMON + """set title 'Cycles per operation: median, 99th, 99.9th percentile, worst'
set logscale y
set ylabel 'cycles'
set xtics rotate by -60 font ',9'
set xrange [-1:%d]
set key inside top left
plot '$DAT-d.dat' using 1:3:xtic(2) with points pt 7 ps 1 lc rgb '#1b9e77' title 'median', \\
     '' using 1:4 with points pt 5 ps 0.8 lc rgb '#7570b3' title 'p99', \\
     '' using 1:5 with points pt 9 ps 1 lc rgb '#d95f02' title 'p99.9', \\
     '' using 1:6 with points pt 2 ps 1 lc rgb '#e7298a' title 'max'
""" % len(ops), height=560)
    if hist:
        want = [("cache_alloc", 64), ("kmalloc", 64), ("alloc_pages", 4096),
                ("alloc_pages", 4194304), ("cache_free", 64)]
        data = {}
        titles = []
        for op, b in want:
            rs = [r for r in hist if r["op"] == op and r["bytes"] == b]
            if not rs:
                continue
            total = sum(r["count"] for r in rs)
            acc = 0
            lines = []
            for r in rs:
                acc += r["count"]
                lines.append("%d %.6f\n" % (r["bucket_hi"], acc / total))
            key = "%s-%d" % (op, b)
            data[key] = "".join(lines)
            what = ("order %d" % ((b // PAGE).bit_length() - 1)) if "pages" in op else "%d B" % b
            titles.append((key, "%s %s" % (op, what)))
        series = ", ".join("'$DAT-%s.dat' using 1:2 with steps lw 2 title '%s'" % (k, t)
                           for k, t in titles)
        plot.plot("speed-cdf", data, COMMON + """set title 'Latency distribution: share of operations below a number of cycles'
set logscale x 2
set xlabel 'cycles (upper bound of power-of-two buckets)'
set ylabel 'cumulative share'
set yrange [0:1.02]
set key inside bottom right
plot %s
""" % series)
    s = ["## Cycles per operation (`speed`)\n",
         "Each operation is timed alone with the cycle counter (rdtsc), in batches of "
         "allocations followed by their frees; the `overhead` row is two back-to-back readings "
         "(median %s cycles), which every number includes.\n" % fmt(ov["median"])]
    s.append(plot.image("speed", "cycles per operation"))
    if hist:
        s.append("\n" + plot.image("speed-cdf", "latency distribution"))
    s.append("\n" + md_table(["op", "bytes", "order", "min", "median", "p90", "p99", "p99.9", "max"],
                             [[r["op"], r["bytes"], r["order"], fmt(r["min"]), fmt(r["median"]),
                               fmt(r["p90"]), fmt(r["p99"]), fmt(r["p999"]), fmt(r["max"])]
                              for r in rows]))
    s.append("\nWhat this run shows:\n")
    med = [r["median"] for r in ops]
    s.append("- Medians range from %s to %s cycles, of which about %s are the clock itself.\n"
             % (fmt(min(med)), fmt(max(med)), fmt(ov["median"])))
    if ov["min"] >= 10:
        s.append("- Two back-to-back readings of this machine's counter never differed by less "
                 "than %s cycles: it advances in coarse steps here, so differences of a step "
                 "or two between medians are not significant.\n" % fmt(ov["min"]))
    tail = max(ops, key=lambda r: r["p999"] / max(r["median"], 1))
    s.append("- The widest tail is %s %s: p99.9 is %.0fx its median (%s cycles)"
             % (tail["op"], tail["bytes"], tail["p999"] / max(tail["median"], 1),
                fmt(tail["p999"])))
    if tail["p90"] > 10 * max(tail["median"], 1):
        s.append(", and already its p90 is %s cycles: more than a tenth of these operations "
                 "take a slow path" % fmt(tail["p90"]))
    s.append(".\n")
    worst = max(ops, key=lambda r: r["max"])
    s.append("- The single worst operation took %s cycles (%s %s), %.0fx the largest p99.9; "
             "single worst cases include whatever interrupted the measurement (interrupts, "
             "and on the host the scheduler), which is why the percentiles are the numbers to "
             "compare.\n" % (fmt(worst["max"]), worst["op"], worst["bytes"],
                             worst["max"] / max(max(r["p999"] for r in ops), 1)))
    pages = [r for r in ops if r["op"] == "alloc_pages"]
    if len(pages) > 1:
        s.append("- `alloc_pages` medians stay between %s and %s cycles from order %d to order %d: "
                 "the cost of a buddy allocation barely depends on the order.\n"
                 % (fmt(min(r["median"] for r in pages)), fmt(max(r["median"] for r in pages)),
                    min(r["order"] for r in pages), max(r["order"] for r in pages)))
    return "".join(s)


def section_replay(traces, plot):
    have = [(name, rows) for name, rows in traces if rows]
    if not have:
        return ""
    allocs = [a for a in ALLOC_ORDER if any(r["allocator"] == a for _, rows in have for r in rows)]
    data = {"d": "".join('"%s" %s\n' % (a, " ".join(
        str(next((r["peak_taken_per_live"] for r in rows if r["allocator"] == a), "NaN"))
        for _, rows in have)) for a in allocs)}
    cols = ", ".join("'$DAT-d.dat' using %d%s title '%s'" % (i + 2, ":xtic(1)" if i == 0 else "", n)
                     for i, (n, _) in enumerate(have))
    plot.plot("replay", data, COMMON + """set title 'Peak memory taken per peak byte live, replaying real programs'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set ylabel 'peak taken / peak live'
plot %s
""" % cols)
    s = ["## Replaying real programs (`replay`)\n",
         "Traces recorded with `tools/trace-malloc.so` (every malloc/free of the program) and "
         "replayed through each allocator. *peak taken / peak live* is the most memory the "
         "allocator took from the buddy at once over the most bytes the program had live at "
         "once (1.000 would be a perfect allocator).\n"]
    s.append(plot.image("replay", "peak taken per peak live"))
    for name, rows in have:
        r0 = rows[0]
        s.append("\n**%s**: %s operations, up to %s objects and %s KiB live.\n\n"
                 % (name, fmt(r0["ops"]), fmt(r0["peak_objects"]), fmt(r0["peak_live_kib"])))
        s.append(md_table(["allocator", "peak taken KiB", "taken / live", "cycles per op",
                           "blocks searched per alloc", "failed"],
                          [[r["allocator"], fmt(r["peak_taken_kib"]),
                            fmt(r["peak_taken_per_live"], 3), fmt(r["cycles_per_op"], 0),
                            fmt(r["searched_per_alloc"], 1) if r["searched_per_alloc"] else "-",
                            fmt(r["failed"])] for r in rows]))
        best = min(rows, key=lambda r: r["peak_taken_per_live"])
        worst = max(rows, key=lambda r: r["peak_taken_per_live"])
        s.append("\nWhat this trace shows: %s needed the least memory (%sx the live bytes), %s the "
                 "most (%sx)" % (best["allocator"], fmt(best["peak_taken_per_live"], 2),
                                 worst["allocator"], fmt(worst["peak_taken_per_live"], 2)))
        by = {r["allocator"]: r for r in rows}
        if "cache" in by and "kmalloc" in by:
            if by["cache"]["peak_taken_per_live"] > by["kmalloc"]["peak_taken_per_live"]:
                s.append("; a dedicated cache per request size took more than kmalloc's shared "
                         "classes (%s against %s): with one cache per distinct size, each keeps "
                         "partly used slabs of its own"
                         % (fmt(by["cache"]["peak_taken_per_live"], 2),
                            fmt(by["kmalloc"]["peak_taken_per_live"], 2)))
            else:
                s.append("; dedicated caches took no more than kmalloc")
        fits = [by[a] for a in ("first-fit", "best-fit", "next-fit") if a in by]
        if fits and "kmalloc" in by:
            s.append("; per operation kmalloc spent %s cycles and the fit heaps %s (they looked "
                     "at %s free blocks per allocation)"
                     % (fmt(by["kmalloc"]["cycles_per_op"], 0),
                        ", ".join("%s %s" % (r["allocator"], fmt(r["cycles_per_op"], 0))
                                  for r in fits),
                        ", ".join("%s %s" % (r["allocator"], fmt(r["searched_per_alloc"], 1))
                                  for r in fits)))
        failed = [r["allocator"] for r in rows if r["failed"]]
        if failed:
            s.append("; %s ran out of memory (see failed)" % ", ".join(failed))
        s.append(".\n")
    return "".join(s)


def section_kernel(lab_dir):
    pairs = []
    for name in ("waste", "pinning", "colour", "colour-sets", "fragmentation", "ctor", "speed",
                 "replay-python", "replay-gcc"):
        host = read_csv(lab_dir, name)
        kern = read_csv(lab_dir, "kernel-" + name)
        if host and kern:
            pairs.append((name, host, kern))
    if not pairs:
        return ("## Host and kernel\n\nNo kernel results in this run (`make lab-kernel` "
                "writes build/lab/kernel-*.csv; see docs/lab/README.md).\n")
    guest = ""
    try:
        with open(os.path.join(lab_dir, "kernel-run.json")) as f:
            k = json.load(f)
        guest = " (%s of RAM, %s, %s)" % (k.get("mem"), "KVM" if k.get("kvm") else
                                          "TCG emulation", k.get("date"))
    except (OSError, ValueError):
        pass
    s = ["## Host and kernel\n",
         "The same experiments, run by the kernel's `lab` command under QEMU%s "
         "(`make lab-kernel`), compared with the host's:\n\n" % guest]
    timing = {"alloc_median", "alloc_p99", "alloc_p999", "alloc_max", "free_median",
              "free_max", "mean_per_op", "min", "median", "p90", "p99", "p999", "max", "mean",
              "cycles_per_op"}
    for name, host, kern in pairs:
        if name.startswith("replay") and host[0].get("ops") != kern[0].get("ops"):
            s.append("- `%s`: the kernel replayed another recording of the trace (%s ops, the "
                     "host %s): run `make lab-kernel` again.\n"
                     % (name, fmt(kern[0]["ops"]), fmt(host[0]["ops"])))
            continue
        if list(host[0]) != list(kern[0]):
            s.append("- `%s`: the kernel's CSV has other columns than the host's: it comes from "
                     "another version of the sources (run `make lab-kernel` again).\n" % name)
            continue
        cols = [c for c in host[0] if c not in timing]
        same = sum(1 for h, k in zip(host, kern) if all(h[c] == k.get(c) for c in cols))
        line = "- `%s`: %d of %d rows identical" % (name, same, max(len(host), len(kern)))
        if len(host) != len(kern):
            line += " (%d rows on the host, %d in the kernel)" % (len(host), len(kern))
        if any(c in timing for c in host[0]):
            key = next(k for k in ("median", "alloc_median", "cycles_per_op") if k in host[0])
            ratios = [k[key] / h[key] for h, k in zip(host, kern) if h[key] and k.get(key)]
            if ratios:
                line += (" apart from the cycle counts; kernel/host ratio of `%s` %s to %s"
                         % (key, fmt(min(ratios), 1), fmt(max(ratios), 1)))
        if same < len(host):
            diff = sorted({c for h, k in zip(host, kern) for c in cols if h[c] != k.get(c)})
            line += "; columns that differ: %s" % ", ".join(diff[:8])
            if "failed" in diff and "allocator" in host[0]:
                line += "; failed allocations, host/kernel: %s" % ", ".join(
                    "%s %s/%s" % (h["allocator"], fmt(h["failed"]), fmt(k["failed"]))
                    for h, k in zip(host, kern) if h["failed"] != k["failed"])
        s.append(line + ".\n")
    s.append("\nCounts of pages, objects and sets are the machine-independent part: the "
             "experiments start from a settled mm and (fragmentation) from the same budget of "
             "whole blocks. Cycle counts are not comparable under TCG emulation, where the "
             "guest's TSC follows QEMU's virtual clock and every instruction is translated; "
             "with KVM=1 they come from the real CPU but include virtualisation exits.\n")
    return "".join(s)


def describe_synthetic(o):
    """The synthetic workload of the fragmentation experiment, from the
    options it ran with."""
    if not o:
        return "A synthetic workload (its options were not recorded)."
    dist = {"powerlaw": "drawn from a power law (P(size > s) ~ 1/s) on",
            "uniform": "uniform on", "fixed": "all of"}.get(o.get("dist"), o.get("dist"))
    sizes = ("%s..%s bytes" % (o.get("min"), o.get("max")) if o.get("dist") != "fixed"
             else "%s bytes" % o.get("min"))
    life = {"random": "at random", "fifo": "oldest first", "lifo": "newest first"}.get(
        o.get("life"), o.get("life"))
    return ("A synthetic workload: %s operations on up to %s short-lived objects, freed %s, "
            "plus %s%% of allocations that live until the end; sizes %s %s (seed %s)."
            % (fmt(int(o.get("ops", 0))), fmt(int(o.get("live", 0))), life,
               o.get("longlived"), dist, sizes, o.get("seed")))


def write_report(lab_dir, info):
    plot = Plotter(lab_dir)
    busy = ""
    if info.get("load") is not None and info["load"] > 0.75 * int(info["nproc"]):
        busy = ("- **The machine was busy** (load average %.1f on %s CPUs when the run "
                "started): cycle counts are inflated and noisy; page, object and set counts "
                "are not affected.\n" % (info["load"], info["nproc"]))
    parts = ["# Slab versus buddy: lab report\n",
             "Generated by `make lab` (tools/lab.py) from the CSV files next to this report; "
             "every sentence below is computed from this run's numbers. "
             "docs/lab/README.md explains the experiments and how to run them.\n\n",
             "- Run: %s on %s, %s (%s CPUs); gcc %s, Python %s\n"
             % (info["date"], info["host"], info["cpu"] or "unknown CPU", info["nproc"],
                info["gcc"], info["python"]),
             "- Commit: `%s`; Source fingerprint: `%s`\n" % (info["commit"], info["fingerprint"]),
             busy,
             "- Host runs: `build/tools/mmlab` (a fresh arena per run, 256 MiB unless `--mem` "
             "says otherwise, boot option `slab_freelist_random=0`, seed 1, each experiment's "
             "defaults: `mmlab help NAME`):\n"]
    for name, cmd in info.get("commands", []):
        parts.append("  - `%s`: `mmlab %s`\n" % (name + ".csv", cmd))
    parts.append("\n")
    parts.append(section_waste(read_csv(lab_dir, "waste"), plot))
    parts.append("\n" + section_frag(read_csv(lab_dir, "fragmentation"), plot, "fragmentation",
                                     "Fragmentation over time",
                                     describe_synthetic(info.get("options", {}).get("fragmentation"))))
    parts.append("\n" + section_frag(read_csv(lab_dir, "fragmentation-gcc"), plot,
                                     "fragmentation-gcc", "Fragmentation replaying gcc",
                                     "The workload is the gcc trace (cc1 compiling mm/slab.c)."))
    parts.append("\n" + section_pinning(read_csv(lab_dir, "pinning"), plot))
    parts.append("\n" + section_ctor(read_csv(lab_dir, "ctor")))
    parts.append("\n" + section_colour(read_csv(lab_dir, "colour"),
                                       read_csv(lab_dir, "colour-sets"), plot))
    parts.append("\n" + section_speed(read_csv(lab_dir, "speed"),
                                      read_csv(lab_dir, "speed-hist"), plot))
    parts.append("\n" + section_replay([("python", read_csv(lab_dir, "replay-python")),
                                        ("gcc (cc1)", read_csv(lab_dir, "replay-gcc"))], plot))
    parts.append("\n" + section_kernel(lab_dir))
    csvs = sorted(f for f in os.listdir(lab_dir) if f.endswith(".csv"))
    parts.append("\n## Data\n\n" + " ".join("[%s](%s)" % (f, f) for f in csvs) + "\n")
    text = "".join(parts)
    # A blank line after each heading and before each list, as Markdown
    # renderers expect.
    text = re.sub(r"^(#+ .*)\n(?!\n)", r"\1\n\n", text, flags=re.M)
    text = re.sub(r"^([^-\n|<][^\n]*)\n(- )", r"\1\n\n\2", text, flags=re.M)
    with open(os.path.join(lab_dir, "report.md"), "w") as f:
        f.write(text)


# ---- the summary docs/lab/README.md carries -------------------------------------

SUMMARY_BEGIN = "<!-- lab-summary: generated by make lab-docs from docs/lab/*.csv; do not edit -->"
SUMMARY_END = "<!-- lab-summary end -->"


def key_findings(lab_dir):
    """A few bullets with the reference run's headline numbers."""
    out = []
    waste = read_csv(lab_dir, "waste")
    if waste:
        med = {}
        for a in ALLOC_ORDER:
            v = [r["taken_per_requested"] for r in waste if r["allocator"] == a]
            if v:
                med[a] = statistics.median(v)
        sizes = {r["size"] for r in waste}
        out.append("**Waste** (median bytes taken per byte requested over %d sizes from %d to "
                   "%d): %s." % (len(sizes), min(sizes), max(sizes),
                                 ", ".join("%s %s" % (a, fmt(m, 2)) for a, m in med.items())))
    frag = read_csv(lab_dir, "fragmentation")
    if frag:
        _, st = frag_stats(frag)
        if "kmalloc" in st and "buddy" in st:
            out.append("**Fragmentation** (one synthetic workload in a %d MiB budget): kmalloc "
                       "took at most %s pages, page-granular allocation %s; the unusable index "
                       "for order-3 requests reached %s with pages and %s with kmalloc."
                       % (frag[0]["free_pages"] * PAGE >> 20,
                          fmt(st["kmalloc"]["peak_taken"]), fmt(st["buddy"]["peak_taken"]),
                          fmt(st["buddy"]["max_unusable"], 3),
                          fmt(st["kmalloc"]["max_unusable"], 3)))
    pin = read_csv(lab_dir, "pinning")
    if pin:
        rnd = [r["pinned_per_needed"] for r in pin if r["frees"] == "random"]
        grp = [r["pinned_per_needed"] for r in pin if r["frees"] == "grouped"]
        def span(v):
            return fmt(min(v), 1) if min(v) == max(v) else "%s to %s" % (fmt(min(v), 1),
                                                                          fmt(max(v), 1))
        out.append("**Pinning**: after freeing 90%% of the objects at random, caches still held "
                   "%s times the pages the survivors need; freed in lifetime groups, %s."
                   % (span(rnd), span(grp)))
    ctor = read_csv(lab_dir, "ctor")
    if ctor:
        by = {(r["mode"], r["pattern"], r["working_set"]): r for r in ctor}
        c = by.get(("cached", "steady", 16))
        p = by.get(("per-alloc", "steady", 16))
        b = by.get(("cached", "batch", 256))
        if c and p:
            line = ("**Object caching**: with 16 objects churning, the constructor ran %s times "
                    "per allocation instead of once, and allocations took a median %s cycles "
                    "instead of %s" % (fmt(c["ctor_per_alloc"], 3), fmt(c["alloc_median"]),
                                       fmt(p["alloc_median"])))
            if b:
                line += ("; freeing a 256-object working set at once gave the slabs back, and "
                         "the constructor ran %s times per allocation" % fmt(b["ctor_per_alloc"], 2))
            out.append(line + ".")
    col = read_csv(lab_dir, "colour")
    if col:
        by = {(r["size"], r["colouring"]): r for r in col}
        best = max({r["size"] for r in col},
                   key=lambda sz: by[(sz, "on")]["sets_used"] - by[(sz, "off")]["sets_used"])
        flat = [sz for sz in sorted({r["size"] for r in col}) if by[(sz, "on")]["colours"] == 1]
        line = ("**Colouring**: %d-byte objects started in %d of 64 L1 sets with colouring, %d "
                "without" % (best, by[(best, "on")]["sets_used"], by[(best, "off")]["sets_used"]))
        if flat:
            line += "; %s-byte objects leave no room for colours and all start in %d set%s" % (
                flat[0], by[(flat[0], "on")]["sets_used"],
                "" if by[(flat[0], "on")]["sets_used"] == 1 else "s")
        out.append(line + ".")
    speed = read_csv(lab_dir, "speed")
    if speed:
        pages = [r for r in speed if r["op"] == "alloc_pages"]
        ops = [r for r in speed if r["op"] != "overhead"]
        tail = max(ops, key=lambda r: r["p999"] / max(r["median"], 1))
        if pages:
            out.append("**Speed** (host cycles, clock included): alloc_pages medians %s to %s "
                       "cycles across orders %d-%d; the widest tail is %s %s (p99.9 %s, median %s)."
                       % (fmt(min(r["median"] for r in pages)), fmt(max(r["median"] for r in pages)),
                          min(r["order"] for r in pages), max(r["order"] for r in pages),
                          tail["op"], tail["bytes"], fmt(tail["p999"]), fmt(tail["median"])))
    for name, label in (("replay-python", "Python"), ("replay-gcc", "gcc")):
        rows = read_csv(lab_dir, name)
        if rows:
            ordered = sorted(rows, key=lambda r: r["peak_taken_per_live"])
            out.append("**Replaying %s** (%s ops): peak memory per live byte %s." % (
                label, fmt(rows[0]["ops"]),
                ", ".join("%s %s" % (r["allocator"], fmt(r["peak_taken_per_live"], 2))
                          for r in ordered)))
    kern = [n for n in ("waste", "fragmentation", "pinning", "colour")
            if read_csv(lab_dir, "kernel-" + n)]
    if kern:
        same = []
        for n in kern:
            h, k = read_csv(lab_dir, n), read_csv(lab_dir, "kernel-" + n)
            if h == k:
                same.append(n)
        out.append("**Host versus kernel**: %s gave byte-identical CSVs in the kernel under QEMU%s."
                   % (", ".join(same) if same else "no experiment",
                      "" if len(same) == len(kern) else
                      " (%s differed)" % ", ".join(n for n in kern if n not in same)))
    return "".join("- %s\n" % l for l in out)


def update_summary(readme, lab_dir):
    """Replaces the generated block of readme with this run's findings."""
    with open(readme) as f:
        text = f.read()
    if SUMMARY_BEGIN not in text or SUMMARY_END not in text:
        return False
    head, rest = text.split(SUMMARY_BEGIN, 1)
    _, tail = rest.split(SUMMARY_END, 1)
    with open(readme, "w") as f:
        f.write(head + SUMMARY_BEGIN + "\n" + key_findings(lab_dir) + SUMMARY_END + tail)
    return True
