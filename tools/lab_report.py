"""tools/lab_report.py - turns build/lab/*.csv into plots (gnuplot, SVG and
PNG) and build/lab/report.md.

Every sentence of the report is computed from the CSVs of the run it
describes: numbers are read, compared and quoted; a claim is only made
when the numbers support it (otherwise the opposite, or nothing, is
said).  Used by tools/lab.py; `tools/lab.py --report-only` re-renders.
"""
import csv
import json
import math
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

FIT_HEAPS = ("first-fit", "best-fit", "next-fit")


def unit_name(alloc, size):
    """What one unit of memory the allocator takes is, for a size."""
    if alloc in FIT_HEAPS:
        return "chunk"
    if alloc in ("cache", "kmalloc") and size <= KMALLOC_CLASSES[-1]:
        return "slab"
    return "block"


def per_unit(r):
    """'N objects per P-page slab' for a waste row, from its span."""
    if not r["units"]:
        return "no whole unit measured"
    objs = r["objects"] / r["units"]
    pages = r["taken_pages"] / r["units"]
    unit = unit_name(r["allocator"], r["size"])
    if unit == "block" and objs == 1:
        return "%s page%s per object" % (fmt(int(pages)) if pages == int(pages) else fmt(pages, 1),
                                         "" if pages == 1 else "s")
    o = fmt(int(objs)) if objs == int(objs) else fmt(objs, 1)
    p = fmt(int(pages)) if pages == int(pages) else fmt(pages, 1)
    return "%s object%s per %s-page %s" % (o, "" if objs == 1 else "s", p, unit)


def fit_model_bytes(size, chunk_pages):
    """Bytes per object of a fit heap by its layout (mm/lab/fit.c): a chunk
    of chunk_pages pages with 16 bytes of chunk header holds blocks of the
    size plus an 8-byte header, rounded up to 8, at least 32 bytes."""
    chunk = chunk_pages * PAGE
    block = max(32, (size + 8 + 7) // 8 * 8)
    if block > chunk - 16:
        return None         # a chunk of its own
    return chunk / ((chunk - 16) // block)


def section_waste(rows, plot, opts=None):
    if not rows:
        return ""
    opts = opts or {}
    sizes = sorted({r["size"] for r in rows})
    allocs = [a for a in ALLOC_ORDER if any(r["allocator"] == a for r in rows)]
    by = {(r["size"], r["allocator"]): r for r in rows}
    ratio = {k: r["taken_per_requested"] for k, r in by.items()}
    failed = [r for r in rows if r["failed"]]

    data = {}
    for a in allocs:
        data[a] = "".join("%d %s\n" % (s, ratio[(s, a)]) for s in sizes if (s, a) in ratio)
    plots = ", ".join("'$DAT-%s.dat' using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb '%s' title '%s'"
                      % (a, COLORS[a], a) for a in allocs)
    plot.plot("waste", data, COMMON + """set title 'Bytes taken from the buddy allocator per byte requested (marginal)'
set xlabel 'object size (bytes)'
set ylabel 'taken / requested'
set logscale xy 2
set xrange [6:10000]
set format y '%g'
plot """ + plots + "\n")

    objs = [r["objects"] for r in rows if r["objects"]]
    s = ["## Internal waste (`waste`)\n",
         "The marginal cost of one more object, in steady state. For each object size and "
         "allocator, objects are allocated one at a time while the free pages are watched. "
         "The allocators take memory in units (a slab, a fit heap's chunk, a buddy block); "
         "counting starts at the first allocation that takes pages, and stops just before "
         "the first allocation that takes pages once at least %s are counted. The span is therefore whole units, all filled: its pages "
         "over its objects' bytes is what each further object costs, whatever the number of "
         "objects and whatever other users left in kmalloc's caches (1.000 is no waste). "
         "Here the spans held %s to %s objects.\n"
         % ("about 256 KiB worth of objects (64 to 4,096)"
            if str(opts.get("objects", "0")) == "0" else "%s objects" % opts["objects"],
            fmt(min(objs)), fmt(max(objs)))]
    s.append(plot.image("waste", "bytes taken per byte requested, per size and allocator"))
    s.append("\nWhat this run shows:\n")
    for a in allocs:
        vals = [(ratio[(sz, a)], sz) for sz in sizes if (sz, a) in ratio and by[(sz, a)]["objects"]]
        if not vals:
            continue
        worst = max(vals)
        exact = [sz for v, sz in vals if v == 1.0]
        wr = by[(worst[1], a)]
        line = ("- **%s**: median %s over %d sizes, worst %s at %d bytes (%s%s)"
                % (a, fmt(statistics.median(v for v, _ in vals), 3), len(vals),
                   fmt(worst[0], 3), worst[1], per_unit(wr),
                   "" if wr["objects"] == wr["units"] else
                   ", %s bytes each" % fmt(wr["bytes_per_object"], 0)))
        if exact:
            line += "; exactly 1.000 at %d size%s (%s)" % (
                len(exact), "" if len(exact) == 1 else "s", ", ".join(str(x) for x in exact))
        s.append(line + ".\n")
    if "cache" in allocs and "kmalloc" in allocs:
        both = [sz for sz in sizes if (sz, "cache") in ratio and (sz, "kmalloc") in ratio]
        worse = [(ratio[(sz, "kmalloc")] / ratio[(sz, "cache")], sz) for sz in both
                 if ratio[(sz, "kmalloc")] > ratio[(sz, "cache")] * 1.001]
        same = [sz for sz in both if abs(ratio[(sz, "kmalloc")] - ratio[(sz, "cache")]) < 0.0015]
        if worse:
            g, sz = max(worse)
            k, c = by[(sz, "kmalloc")], by[(sz, "cache")]
            s.append("- kmalloc took more than a dedicated cache at %d of %d sizes and the same at "
                     "%d; the largest gap is %.2fx at %d bytes: kmalloc's size class puts %s "
                     "(%s bytes each), a dedicated cache %s (%s bytes each).\n"
                     % (len(worse), len(both), len(same), g, sz, per_unit(k),
                        fmt(k["bytes_per_object"], 0), per_unit(c),
                        fmt(c["bytes_per_object"], 0)))
        else:
            s.append("- kmalloc never took more than a dedicated cache.\n")
    if "buddy" in allocs:
        b = [(ratio[(sz, "buddy")], sz) for sz in sizes if (sz, "buddy") in ratio]
        s.append("- Raw buddy pages cost from %s (at %d bytes) to %s (at %d bytes) bytes per byte"
                 % (fmt(min(b)[0], 3), min(b)[1], fmt(max(b)[0], 3), max(b)[1]))
        if (4097, "buddy") in by:
            r = by[(4097, "buddy")]
            s.append("; a 4097-byte object takes %s bytes (%s)" % (
                fmt(r["bytes_per_object"], 0), per_unit(r)))
        s.append(".\n")
    fits = [a for a in FIT_HEAPS if a in allocs]
    if fits:
        same = False
        if len(fits) > 1:
            same = all(len({ratio.get((sz, a)) for a in fits}) == 1 for sz in sizes)
            s.append("- The %d fit heaps took %s memory at every size%s.\n"
                     % (len(fits), "identical" if same else "**not** identical",
                        " (allocating one size without freeing, only one free block is ever "
                        "large enough, so the policies make the same choices)" if same else ""))
        chunk_pages = 1 << int(opts.get("chunk-order", 4))
        a = fits[0]
        fr = [by[(sz, a)] for sz in sizes if (sz, a) in by and by[(sz, a)]["objects"]]
        model = [(r, fit_model_bytes(r["size"], chunk_pages)) for r in fr]
        match = [r for r, m in model if m is not None and abs(m - r["bytes_per_object"]) < 0.001]
        over = sorted(fr, key=lambda r: r["bytes_per_object"] - r["size"])
        worst = max(fr, key=lambda r: r["taken_per_requested"])

        def each(r):
            return "%s, %s bytes each" % (per_unit(r), fmt(r["bytes_per_object"], 0))
        line = ("- %s cost per object beyond the bytes asked ranges from %s bytes (at %d bytes) "
                "to %s (at %d bytes: %s); the worst ratio is %s at %d bytes (%s)"
                % ("The fit heaps'" if same else a + "'s",
                   fmt(over[0]["bytes_per_object"] - over[0]["size"], 0), over[0]["size"],
                   fmt(over[-1]["bytes_per_object"] - over[-1]["size"], 0), over[-1]["size"],
                   each(over[-1]), fmt(worst["taken_per_requested"], 3), worst["size"],
                   each(worst)))
        if len(match) == len(fr):
            line += (". At every size this is what the heap's layout predicts: a %d KiB chunk "
                     "(16 bytes of it the chunk's own header) over the blocks it holds, a block "
                     "being the size plus an 8-byte header, rounded up to 8, at least 32 bytes"
                     % (chunk_pages * 4))
        else:
            line += ("; at %d of %d sizes the cost differs from what the heap's layout predicts "
                     "(a chunk over blocks of the size + 8 bytes, rounded up to 8, at least 32)"
                     % (len(fr) - len(match), len(fr)))
        s.append(line + ".\n")
        for other in ("cache", "kmalloc"):
            if other in allocs:
                both = [sz for sz in sizes if (sz, other) in ratio and (sz, a) in ratio]
                less = [sz for sz in both if ratio[(sz, a)] < ratio[(sz, other)] - 0.0005]
                s.append("- %s took less than %s at %d of %d sizes%s.\n"
                         % (a, "a dedicated cache" if other == "cache" else other, len(less),
                            len(both), (" (%s)" % ", ".join(str(x) for x in less))
                            if 0 < len(less) <= 12 else ""))
    if failed:
        s.append("- An allocation failed (the measurement stopped) for: %s.\n" % ", ".join(
            "%s %d bytes" % (r["allocator"], r["size"]) for r in failed))
    else:
        s.append("- Every allocation succeeded.\n")
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
            # Exact running peaks where the CSV has them, else the samples'.
            "peak_taken": max(r.get("peak_taken_pages", r["taken_pages"]) for r in run),
            "peak_live_kib": max(r.get("peak_live_kib", r["live_kib"]) for r in run),
            "max_unusable": max(r[k] for r in run for k in r if k.startswith("unusable_o")
                                and k != "unusable_o10"),
            "min_largest": min(r["largest_order"] for r in run),
            "partial_share": statistics.mean(shares) if shares else None,
            "failed": run[-1]["failed"] if not end else end[0]["failed"],
            "end_taken": end[0]["taken_pages"] if end else None,
            "end_slab": end[0]["slab_pages"] if end else None,
            "end_partial": end[0]["partial_slab_pages"] if end else None,
            "trail": [(r["op"], r["live_objects"], r["live_kib"]) for r in run],
            "settled_whole": bool(settled) and settled[0]["free_pages"] == budget
            and settled[0]["largest_order"] == 10,
            "ops": end[0]["op"] if end else run[-1]["op"],
        }
    return budget, out


def section_frag(rows, plot, name, title, workload, opts=None):
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
         "Sampled %d times over the run: pages taken, Linux's unusable free index for order-%d "
         "requests (the share of free memory in blocks too small for them), and the largest "
         "free order; the most pages taken and bytes live are tracked after every operation, "
         "not only at the samples.\n"
         % (workload, budget, budget * PAGE >> 20,
            len([r for r in rows if r["allocator"] == allocs[0] and r["phase"] == "run"]),
            order)]
    s.append(plot.image(name, title))
    s.append("\nWhat this run shows:\n")
    for a in allocs:
        x = st[a]
        line = ("- **%s**: at most %s pages taken (%s KiB) for at most %s KiB live (peak taken "
                "over peak live: %.2f); at the samples, the unusable index for order %d reached "
                "%s and %s"
                % (a, fmt(x["peak_taken"]), fmt(x["peak_taken"] * 4), fmt(x["peak_live_kib"]),
                   x["peak_taken"] * 4 / max(x["peak_live_kib"], 1), order,
                   fmt(x["max_unusable"], 3),
                   "the largest free block stayed order 10" if x["min_largest"] == 10 else
                   "the largest free block fell to order %d" % x["min_largest"]))
        if x["partial_share"] is not None:
            line += "; on average %s of its slab pages were in partially used slabs" % pct(
                x["partial_share"])
        if x["failed"]:
            line += "; %s allocations failed" % fmt(x["failed"])
        s.append(line + ".\n")
    same_ops = len({tuple(st[a]["trail"]) for a in allocs}) == 1 and not any(
        st[a]["failed"] for a in allocs)
    slabby = [a for a in allocs if st[a]["partial_share"] is not None]
    if "buddy" in st and slabby:
        a = slabby[0]
        s.append("- Served as whole pages (buddy), %s took at most %s pages, %.1f times the "
                 "most %s took (%s).\n"
                 % ("the same operations" if same_ops else "the workload",
                    fmt(st["buddy"]["peak_taken"]),
                    st["buddy"]["peak_taken"] / max(st[a]["peak_taken"], 1), a,
                    fmt(st[a]["peak_taken"])))
    if not same_ops:
        s.append("- The allocators did not all see the same live objects at the samples (an "
                 "allocation failed, or the workload differed): compare with care.\n")
    chunk_pages = 1 << int((opts or {}).get("chunk-order", 4))
    for a in allocs:
        x = st[a]
        if not x["end_taken"]:
            continue
        why = ""
        if x["end_slab"] == x["end_taken"] and x["end_partial"] == 0:
            why = ": all of them in empty slabs, which its caches keep for the next burst"
        elif a in FIT_HEAPS and x["end_taken"] == chunk_pages:
            why = ": one empty %d KiB chunk, which the heap keeps for the next burst" % (
                chunk_pages * 4)
        s.append("- With every object freed, %s still held %s pages%s.\n"
                 % (a, fmt(x["end_taken"]), why))
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
    worst = [sz for v, sz in rnd if v == max(rnd)[0]]
    s.append("- Random frees left %s to %s times the pages the survivors need; the most at %s "
             "bytes (%s objects per slab).\n"
             % (fmt(min(rnd)[0], 2), fmt(max(rnd)[0], 2), " and ".join(str(x) for x in worst),
                " and ".join(str(by[(x, "random")]["objects_per_slab"]) for x in worst)))
    # A slab keeps its pages unless every one of its k objects is among the
    # f freed (of n): hypergeometric odds C(n-k, f-k) / C(n, f).
    exp = []
    for sz in sizes:
        r = by[(sz, "random")]
        n, f, k = r["objects"], r["freed"], r["objects_per_slab"]
        slabs = r["pages_filled"] // r["pages_per_slab"]
        p_empty = math.comb(n - k, f - k) / math.comb(n, f) if f >= k else 0.0
        held = r["pages_before_shrink"] // r["pages_per_slab"] - r["empty_slabs"]
        exp.append((sz, slabs * (1 - p_empty), held, slabs, k))
    def within(e, h, sl):
        p = e / sl
        return abs(h - e) <= max(1.0, 3 * math.sqrt(sl * p * (1 - p)))
    ok = all(within(e, h, sl) for _, e, h, sl, _ in exp)
    slabs = {sl for _, _, _, sl, _ in exp}
    s.append("- A slab keeps its pages unless all of its objects are among the frees: with %d%% "
             "freed at random, chance predicts %s of the %s slabs keep survivors (%s bytes); the "
             "run left %s%s.\n"
             % (round(100 * rows[0]["freed"] / rows[0]["objects"]),
                ", ".join(fmt(e, 1) for _, e, _, _, _ in exp),
                "/".join(str(x) for x in sorted(slabs)),
                ", ".join(str(sz) for sz, _, _, _, _ in exp),
                ", ".join("%d" % h for _, _, h, _, _ in exp),
                ", within chance (3 standard deviations)" if ok else
                ", not all within 3 standard deviations of it"))
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


def clock_step(speed):
    """The smallest difference two back-to-back clock readings showed, when
    it is coarse (10 cycles or more), else None."""
    ov = [r for r in speed or [] if r["op"] == "overhead"]
    return ov[0]["min"] if ov and ov[0]["min"] >= 10 else None


def section_ctor(rows, speed=None, opts=None):
    if not rows:
        return ""
    opts = opts or {}
    s = ["## Object caching with constructors (`ctor`)\n",
         "An object of %s bytes whose constructor does real work is allocated and freed in a "
         "loop from a cache that constructs objects once per slab (**cached**, Bonwick's object "
         "caching) and from a cache without a constructor whose user constructs every object "
         "it allocates (**per-alloc**). *steady*: a working set of W objects, each step frees a "
         "random one and allocates a replacement; *batch*: allocate W, free W, repeat. Cycles "
         "per allocation include any construction; *alloc mean* is the mean of all but the "
         "slowest 0.1%% of them, finer than the clock's steps and not swayed by a few "
         "interrupted operations.\n" % opts.get("sizes", "512")]
    s.append("\n" + md_table(["mode", "pattern", "W", "ctor calls", "per alloc", "objs/slab",
                              "slabs made", "alloc median", "alloc mean", "alloc p99",
                              "alloc p99.9", "alloc max", "free median"],
                             [[r["mode"], r["pattern"], r["working_set"], fmt(r["ctor_calls"]),
                               fmt(r["ctor_per_alloc"], 3), r["objects_per_slab"],
                               r["slabs_created"], fmt(r["alloc_median"]),
                               fmt(r.get("alloc_mean", 0)), fmt(r["alloc_p99"]),
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
        line = ("- %s, W=%d: the constructor ran %s times per allocation with object caching "
                "against %s without; allocations took a median %s cycles against %s"
                % (pat, ws, fmt(r["ctor_per_alloc"], 3), fmt(p["ctor_per_alloc"], 3),
                   fmt(r["alloc_median"]), fmt(p["alloc_median"])))
        if "alloc_mean" in r:
            line += " (means %s against %s)" % (fmt(r["alloc_mean"]), fmt(p["alloc_mean"]))
        extra = ""
        need = -(-ws // r["objects_per_slab"])
        allocs = ws + r["ops"] // 2
        if r["slabs_created"] > 2 * need:
            rounds = (r["ops"] // 2) / ws
            again = (r["slabs_created"] - need) / max(rounds, 1)
            line += ("; the working set fits in %d slab%s, but %s were made, %.1f per round of "
                     "frees and allocations: freeing the set gave %s of its slabs back to the "
                     "buddy allocator, constructed objects included, so object caching saved "
                     "only %s of the constructor calls"
                     % (need, "" if need == 1 else "s", fmt(r["slabs_created"]), again,
                        "all but about %.0f" % (need - again) if need - again >= 0.5 else "all",
                        pct(1 - r["ctor_per_alloc"])))
        if r["ctor_calls"] == r["slabs_created"] * r["objects_per_slab"] and \
                r["slabs_created"] > 2 * need:
            share = r["slabs_created"] / allocs
            k = r["objects_per_slab"]
            line += (". Every slab made ran all %d of its constructors (constructor calls = "
                     "slabs made x objects per slab) in the one allocation that made it: %s of "
                     "about %s allocations, %.1f%%" % (k, fmt(r["slabs_created"]), fmt(allocs),
                                                      100 * share))
            if share > 0.01:
                est = k * p["alloc_median"]
                line += (", more than the 1%% above p99, and p99 is %s cycles" %
                         fmt(r["alloc_p99"]))
                if 0.75 <= r["alloc_p99"] / est <= 1.25:
                    line += (", close to %d constructions at the per-alloc median (%d x %s = %s)"
                             % (k, k, fmt(p["alloc_median"]), fmt(est)))
        s.append(line + ".\n")
    # Equal medians: a real tie or the clock's steps?
    step = clock_step(speed)
    ties = []
    for mode in ("cached", "per-alloc"):
        for pat in ("steady", "batch"):
            rs = sorted((r for r in rows if r["mode"] == mode and r["pattern"] == pat),
                        key=lambda r: r["working_set"])
            if len(rs) > 1 and len({r["alloc_median"] for r in rs}) == 1 and "alloc_mean" in rs[0]:
                ties.append("%s %s %s (means %s for W=%s)" % (
                    mode, pat, fmt(rs[0]["alloc_median"]),
                    ", ".join(fmt(r["alloc_mean"]) for r in rs),
                    ", ".join(str(r["working_set"]) for r in rs)))
    if ties:
        line = ("- Every working set gave the same median allocation within %s: %s"
                % ("each mode and pattern" if len(ties) == 4 else "these modes and patterns",
                   "; ".join(ties)))
        if step:
            line += (". This machine's clock advances in steps of about %d cycles (two "
                     "back-to-back readings never differed by less, in `speed`): a median is a "
                     "whole number of steps and hides differences smaller than one, and a "
                     "median says nothing of the slowest half; the means average over the steps "
                     "and include the slow allocations" % step)
        s.append(line + ".\n")
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
                              "start offsets", "sets used", "max per set", "bound", "even"],
                             [[r["size"], r["colouring"], r["objects"], r["objects_per_slab"],
                               r["colours"], r.get("start_offsets", "-"), r["sets_used"],
                               r["max_per_set"], r.get("bound_max", "-"), r["ideal_max"]]
                              for r in rows]))
    s.append("\n*start offsets*: distinct offsets of object starts within their slabs; *bound*: "
             "the fewest starts the busiest set could hold with that many offsets, "
             "ceil(objects / min(64, offsets)); *even*: ceil(objects / 64), a spread over all "
             "64 sets.\n")
    s.append("\nWhat this run shows:\n")
    for sz in sizes:
        on, off = by[(sz, "on")], by[(sz, "off")]
        if on["colours"] == 1:
            s.append("- %d bytes: the slab leaves no room for a second colour; with colouring "
                     "on, %s: %d set%s used, up to %d starts in one.\n"
                     % (sz, "nothing changed" if (on["sets_used"], on["max_per_set"]) ==
                        (off["sets_used"], off["max_per_set"]) else "the spread still changed",
                        on["sets_used"], "" if on["sets_used"] == 1 else "s", on["max_per_set"]))
            continue
        line = "- %d bytes: " % sz
        if "start_offsets" in on:
            used = on["start_offsets"] // max(on["objects_per_slab"], 1)
            line += ("%d objects per slab and %s give %d start offsets instead of %d; "
                     % (on["objects_per_slab"],
                        "%d colours" % on["colours"] if used == on["colours"] else
                        "%d of its %d colours (one per slab: %d slabs)" % (
                            used, on["colours"], on["slabs"]),
                        on["start_offsets"], off["start_offsets"]))
        if on["sets_used"] > off["sets_used"]:
            line += "they fall in %d sets instead of %d" % (on["sets_used"], off["sets_used"])
        elif on["sets_used"] == off["sets_used"]:
            line += "they fall in as many sets as without (%d)" % on["sets_used"]
        else:
            line += "they fall in fewer sets than without (%d against %d)" % (
                on["sets_used"], off["sets_used"])
        if on["max_per_set"] < off["max_per_set"]:
            line += ", and the busiest set holds %d starts instead of %d" % (
                on["max_per_set"], off["max_per_set"])
        elif on["max_per_set"] == off["max_per_set"]:
            line += ", and the busiest set holds as many (%d)" % on["max_per_set"]
        else:
            line += ", and the busiest set holds more: %d against %d" % (
                on["max_per_set"], off["max_per_set"])
        if "bound_max" in on:
            if on["max_per_set"] == on["bound_max"]:
                line += (", as few as %d offsets allow" % on["start_offsets"]
                         if on["start_offsets"] < 64 else ", as few as an even spread allows")
            else:
                line += ("; %d offsets could hold it to %d%s, but %s"
                         % (on["start_offsets"], on["bound_max"],
                            "" if on["bound_max"] == on["ideal_max"] else
                            " (an even spread over 64 sets: %d)" % on["ideal_max"],
                            "they map to only %d sets" % on["sets_used"]
                            if on["sets_used"] < min(64, on["start_offsets"]) else
                            "they are not spread evenly over the sets"))
        s.append(line + ".\n")
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
         "allocations (up to 8 MiB) followed by their frees; the `overhead` row is two "
         "back-to-back readings (median %s cycles), which every number includes. *slabs*: the "
         "slabs the timed allocations made, or the timed frees gave back to the buddy "
         "allocator. On the host, every page of the arena was written once before the run, so "
         "that the host's first-touch page faults are not in the numbers.\n" % fmt(ov["median"])]
    s.append(plot.image("speed", "cycles per operation"))
    if hist:
        s.append("\n" + plot.image("speed-cdf", "latency distribution"))
    s.append("\n" + md_table(["op", "bytes", "order", "objs/slab", "slabs", "min", "median",
                              "p90", "p99", "p99.9", "max"],
                             [[r["op"], r["bytes"], r["order"], r.get("objects_per_slab") or "-",
                               fmt(r["slabs"]) if r.get("objects_per_slab") else "-", fmt(r["min"]), fmt(r["median"]),
                               fmt(r["p90"]), fmt(r["p99"]), fmt(r["p999"]), fmt(r["max"])]
                              for r in rows]))
    s.append("\nWhat this run shows:\n")
    med = [r["median"] for r in ops]
    s.append("- Medians range from %s to %s cycles, of which about %s are the clock itself.\n"
             % (fmt(min(med)), fmt(max(med)), fmt(ov["median"])))
    if ov["min"] >= 10:
        s.append("- Two back-to-back readings of this machine's counter never differed by less "
                 "than %s cycles: it advances in steps of about that many, so medians are whole "
                 "steps and differences of a step or two between them are not significant.\n"
                 % fmt(ov["min"]))
    # Slab operations: how often the slow path (a new slab) came, and which
    # percentiles that share reaches.
    slab_rows = [r for r in ops if r.get("slabs") and r["op"] in ("cache_alloc", "kmalloc")]
    for b in sorted({r["bytes"] for r in slab_rows}):
        rs = [r for r in slab_rows if r["bytes"] == b]
        counts = sorted({(r["slabs"], r["samples"], r["objects_per_slab"], r["order"]) for r in rs})
        slabs, samples, per, order = counts[0]
        share = slabs / samples
        names = {"cache_alloc": "a dedicated cache", "kmalloc": "kmalloc"}

        def both(vals):
            vals = [fmt(v) for v in vals]
            if len(set(vals)) == 1:
                return vals[0] + " cycles" + (" for both" if len(rs) > 1 else "")
            return " and ".join("%s (%s)" % (v, r["op"]) for v, r in zip(vals, rs)) + " cycles"
        line = ("- %d bytes: %s of %s allocations made a new slab, through %s (%d objects per "
                "order-%d slab: one allocation in %.0f)"
                % (b, " and ".join(fmt(c[0]) for c in counts), fmt(samples),
                   " and through ".join(names[r["op"]] for r in rs) +
                   (" alike" if len(counts) == 1 and len(rs) > 1 else ""),
                   per, order, 1 / share))
        reach = [(n, c) for n, c, q in (("p90", "p90", 0.10), ("p99", "p99", 0.01),
                                         ("p99.9", "p999", 0.001)) if share > q]
        if reach:
            n, c = reach[0]
            line += (", more than the %s of allocations above %s: %s is %s, the median "
                     "%s" % ({"p90": "10%", "p99": "1%", "p99.9": "0.1%"}[n], n, n,
                             both([r[c] for r in rs]), both([r["median"] for r in rs])))
        s.append(line + ".\n")
    tail = max(ops, key=lambda r: r["p999"] / max(r["median"], 1))
    s.append("- The widest tail relative to its median is %s %s: p99.9 is %.0fx the median (%s "
             "against %s cycles).\n" % (tail["op"], tail["bytes"],
                                         tail["p999"] / max(tail["median"], 1), fmt(tail["p999"]),
                                         fmt(tail["median"])))
    worst = max(ops, key=lambda r: r["max"])
    s.append("- The single worst operation took %s cycles (%s %s), %.0fx the largest p99.9. A "
             "worst case is one sample and includes whatever interrupted it (interrupts, and on "
             "the host the scheduler); the percentiles are the numbers to compare.\n"
             % (fmt(worst["max"]), worst["op"], worst["bytes"],
                worst["max"] / max(max(r["p999"] for r in ops), 1)))
    pages = [r for r in ops if r["op"] == "alloc_pages"]
    if len(pages) > 1:
        lo = min(r["median"] for r in pages)
        hi = max(r["median"] for r in pages)
        line = ("- `alloc_pages` medians range from %s to %s cycles over orders %d to %d"
                % (fmt(lo), fmt(hi), min(r["order"] for r in pages),
                   max(r["order"] for r in pages)))
        line += " (%s)" % ", ".join("%d: %s" % (r["order"], fmt(r["median"])) for r in pages)
        if hi <= 2 * lo or (ov["min"] >= 10 and hi - lo <= 2 * ov["min"]):
            line += ": the cost of a buddy allocation barely depends on the order"
        s.append(line + ".\n")
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
                           "blocks searched per alloc", "slab caches", "failed"],
                          [[r["allocator"], fmt(r["peak_taken_kib"]),
                            fmt(r["peak_taken_per_live"], 3), fmt(r["cycles_per_op"], 0),
                            fmt(r["searched_per_alloc"], 1) if r["searched_per_alloc"] else "-",
                            fmt(r["caches"]) if r.get("caches") else "-",
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
                         "classes (%s against %s)"
                         % (fmt(by["cache"]["peak_taken_per_live"], 2),
                            fmt(by["kmalloc"]["peak_taken_per_live"], 2)))
                if by["cache"].get("caches") and by["kmalloc"].get("caches"):
                    s.append(": it made %s caches (one per distinct size, rounded up to 8) where "
                             "kmalloc used %s, and a cache's slabs hold objects of its own size "
                             "only, so each has its own partly used slabs"
                             % (fmt(by["cache"]["caches"]), fmt(by["kmalloc"]["caches"])))
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
    guest, kinfo = "", {}
    try:
        with open(os.path.join(lab_dir, "kernel-run.json")) as f:
            kinfo = json.load(f)
        guest = " (%s of RAM, %s, %s)" % (kinfo.get("mem"), "KVM" if kinfo.get("kvm") else
                                          "TCG emulation", kinfo.get("date"))
    except (OSError, ValueError):
        pass
    s = ["## Host and kernel\n",
         "The same experiments, run by the kernel's `lab` command under QEMU%s "
         "(`make lab-kernel`), compared with the host's:\n\n" % guest]
    speed_ratios = []
    timing = {"alloc_median", "alloc_p99", "alloc_p999", "alloc_max", "alloc_mean", "free_median",
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
            key = next(c for c in ("median", "alloc_median", "cycles_per_op") if c in host[0])
            ratios = [k[key] / h[key] for h, k in zip(host, kern) if h[key] and k.get(key)]
            if ratios:
                line += (" apart from the cycle counts; kernel/host ratio of `%s` %s to %s"
                         % (key, fmt(min(ratios), 1), fmt(max(ratios), 1)))
                if name == "speed":
                    speed_ratios = ratios
        if same < len(host):
            diff = sorted({c for h, k in zip(host, kern) for c in cols if h[c] != k.get(c)})
            if "allocator" in host[0]:
                per = []
                for h, k in zip(host, kern):
                    d = [c for c in cols if h[c] != k.get(c) and c != "peak_taken_per_live"]
                    if d:
                        per.append("%s: %s" % (h["allocator"], ", ".join(
                            "%s %s on the host, %s in the kernel" % (
                                c, fmt(h[c]) if isinstance(h[c], int) else fmt(h[c], 3),
                                fmt(k[c]) if isinstance(k[c], int) else fmt(k[c], 3))
                            for c in d[:3])))
                line += "; differences: %s" % "; ".join(per)
            else:
                line += "; columns that differ: %s" % ", ".join(diff[:8])
        s.append(line + ".\n")
    counts = [name for name, host, kern in pairs
              if name in ("waste", "pinning", "colour", "colour-sets", "fragmentation")]
    same = [name for name, host, kern in pairs if name in counts and host == kern]
    if counts and same == counts:
        s.append("\nThe counts of pages, objects and sets (%s) are identical on the host and in "
                 "the kernel: each experiment starts from a settled mm, `fragmentation` from the "
                 "same budget of whole blocks, and `waste` measures whole slabs, chunks or blocks "
                 "whatever the kernel's own allocations left in kmalloc's caches.\n"
                 % ", ".join(counts))
    if any(n.startswith("replay") for n, _, _ in pairs):
        s.append("Where replays differ, docs/lab/README.md (Host and kernel) lists what depends "
                 "on the machine: memory, the slabs of `kmem_cache` a dedicated cache's "
                 "descriptor lands in, and where the buddy allocator places a fit heap's chunks "
                 "(its free list is in address order).\n")
    elif counts:
        s.append("\nThe counts of pages, objects and sets differ for: %s (see above).\n"
                 % ", ".join(n for n in counts if n not in same))
    if guest and kinfo.get("kvm"):
        close = speed_ratios and 0.5 <= min(speed_ratios) and max(speed_ratios) <= 2
        s.append("The guest ran under KVM on the real CPU and read its TSC: %s\n" % (
            "the `speed` medians are within a factor of 2 of the host's; tails also include "
            "virtualisation exits." if close else
            "even so, the `speed` medians differ from the host's by more than a factor of 2 "
            "(ratios above)."))
    elif guest:
        s.append("Cycle counts are not comparable: under TCG emulation the guest's TSC follows "
                 "QEMU's virtual clock and every guest instruction is translated, so guest "
                 "cycles measure the emulator (the ratios above).\n")
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
    if info.get("others_cpu") is not None:
        o = info["others_cpu"]
        if o > 0.10:
            busy = ("- **The machine was busy**: other processes used %s of its CPU time while "
                    "the experiments ran: cycle counts are inflated and noisy; page, object and "
                    "set counts are not affected.\n" % pct(o))
        else:
            busy = ("- Other processes used %s of the machine's CPU time while the experiments "
                    "ran.\n" % pct(o))
    elif info.get("load") is not None and info["load"] > 0.75 * int(info["nproc"]):
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
    parts.append(section_waste(read_csv(lab_dir, "waste"), plot,
                               info.get("options", {}).get("waste")))
    opts = info.get("options", {})
    parts.append("\n" + section_frag(read_csv(lab_dir, "fragmentation"), plot, "fragmentation",
                                     "Fragmentation over time",
                                     describe_synthetic(opts.get("fragmentation")),
                                     opts.get("fragmentation")))
    parts.append("\n" + section_frag(read_csv(lab_dir, "fragmentation-gcc"), plot,
                                     "fragmentation-gcc", "Fragmentation replaying gcc",
                                     "The workload is the gcc trace (cc1 compiling mm/slab.c).",
                                     opts.get("fragmentation-gcc")))
    parts.append("\n" + section_pinning(read_csv(lab_dir, "pinning"), plot))
    parts.append("\n" + section_ctor(read_csv(lab_dir, "ctor"), read_csv(lab_dir, "speed"),
                                     opts.get("ctor")))
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
        line = ("**Waste** (the marginal cost of an object: median bytes taken per byte "
                "requested over %d sizes from %d to %d): %s" % (
                    len(sizes), min(sizes), max(sizes),
                    ", ".join("%s %s" % (a, fmt(m, 3)) for a, m in med.items())))
        w = {(r["size"], r["allocator"]): r for r in waste}
        if (4097, "cache") in w and (4097, "kmalloc") in w:
            line += ("; a 4097-byte object costs %s bytes in a dedicated cache, %s through "
                     "kmalloc" % (fmt(w[(4097, "cache")]["bytes_per_object"], 0),
                                  fmt(w[(4097, "kmalloc")]["bytes_per_object"], 0)))
        out.append(line + ".")
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
            if b and b["slabs_created"] > 2 * -(-256 // b["objects_per_slab"]):
                line += ("; freeing a 256-object working set at once gave its slabs back (%s "
                         "slabs made for a set that fits in %d), and the constructor ran %s "
                         "times per allocation" % (fmt(b["slabs_created"]),
                                                   -(-256 // b["objects_per_slab"]),
                                                   fmt(b["ctor_per_alloc"], 2)))
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
            line = ("**Speed** (host cycles, clock included): alloc_pages medians %s to %s "
                    "cycles across orders %d-%d; the widest tail is %s %s (p99.9 %s, median %s)"
                    % (fmt(min(r["median"] for r in pages)), fmt(max(r["median"] for r in pages)),
                       min(r["order"] for r in pages), max(r["order"] for r in pages),
                       tail["op"], tail["bytes"], fmt(tail["p999"]), fmt(tail["median"])))
            km = [r for r in speed if r["op"] == "kmalloc" and r.get("slabs")]
            if km:
                r = max(km, key=lambda r: r["slabs"] / r["samples"])
                if r["slabs"] / r["samples"] > 0.10:
                    line += ("; kmalloc %s makes a new slab every %.0fth allocation (%d objects "
                             "per slab), more than the tenth above p90, which is %s against a "
                             "median of %s" % (r["bytes"], r["samples"] / r["slabs"],
                                               r["objects_per_slab"], fmt(r["p90"]),
                                               fmt(r["median"])))
            out.append(line + ".")
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
