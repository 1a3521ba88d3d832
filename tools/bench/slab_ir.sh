#!/bin/sh
# tools/bench/slab_ir.sh - instructions (and time) of the slab pair at
# several commits: does a change make the fast path longer?
#
#   tools/bench/slab_ir.sh [REV...]       (default: 6a8fc89 HEAD)
#
# For each REV: `git archive` of that commit into a temporary directory,
# its host library built there with the current Makefile's BENCH_CFLAGS
# (-O2, no sanitizers: `make hostlib SANITIZE= HOSTCFLAGS=...`), and
# tools/bench/slab_ir.c (from this tree, using only the API every commit
# since the slab layer has) linked against it.  Then, for each size in
# SIZES (default "32 256 1024"):
#   - N (default 100000) held pairs under callgrind: instructions per
#     kmem_cache_alloc, per kmem_cache_free, and per pair with its loop;
#   - ROUNDS (default 7) rounds of TIME_N (default 2000000) pairs run
#     natively, every commit and size once per round (interleaved, so
#     that load from other jobs spreads over all of them): ns per pair,
#     median and minimum.  ROUNDS=0 skips the timing.
# CMDLINE (default empty) is passed to mm_init, e.g. CMDLINE=init_on_free=1.
# 6a8fc89 is the slab layer before debugging (slab_debug=, init_on_*) was
# added; aa53de8 is the commit that added it.  The repository is not
# modified, and none of this is part of `make bench`.
set -eu

root=$(git rev-parse --show-toplevel)
SIZES=${SIZES:-"32 256 1024"}
N=${N:-100000}
ROUNDS=${ROUNDS:-7}
TIME_N=${TIME_N:-2000000}
CMDLINE=${CMDLINE:-}
CC=${HOSTCC:-gcc}
[ $# -gt 0 ] || set -- 6a8fc89 HEAD
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed" >&2; exit 1; }

flags=$(make -s --no-print-directory -C "$root" \
	--eval='print-bench-cflags: ; @echo $(BENCH_CFLAGS)' print-bench-cflags)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

commits=""
for rev; do
	commit=$(git -C "$root" rev-parse --short "$rev^{commit}")
	commits="$commits $commit"
	src=$tmp/src-$commit
	mkdir -p "$src"
	git -C "$root" archive "$commit" | tar -x -C "$src"
	if ! make -s -C "$src" hostlib BUILD="$tmp/build-$commit" SANITIZE= \
		HOSTCFLAGS="$flags" >"$tmp/make.log" 2>&1; then
		echo "$rev: building its host library failed:" >&2
		cat "$tmp/make.log" >&2
		exit 1
	fi
	(cd "$src" && $CC $flags -o "$tmp/slab_ir-$commit" "$root/tools/bench/slab_ir.c" \
		"$tmp/build-$commit/host/libmm.a" -lpthread)
done

echo "flags:   $flags"
echo "cmdline: \"$CMDLINE\"; one object of the cache held (its slab stays partial)"
echo
printf '%-10s %6s %10s %10s %10s   instructions per call (callgrind, %s pairs)\n' \
	commit size alloc free pair "$N"
for commit in $commits; do
	for size in $SIZES; do
		out=$tmp/cg-$commit-$size
		valgrind --tool=callgrind --callgrind-out-file="$out" \
			--collect-atstart=no --toggle-collect=pairs \
			"$tmp/slab_ir-$commit" "$size" "$N" "$CMDLINE" >/dev/null 2>"$out.err" || {
			echo "$commit: slab_ir $size failed:" >&2
			cat "$out.err" >&2
			exit 1
		}
		callgrind_annotate --auto=no --inclusive=yes "$out" 2>/dev/null |
		awk -v commit="$commit" -v size="$size" -v n="$N" '
			/^ *[0-9,]+ \(/ && /\[/ {
				c = $1; gsub(",", "", c); c += 0
				if ($0 ~ /:do_alloc \[/) a = c
				if ($0 ~ /:do_free \[/) f = c
				if ($0 ~ /:pairs \[/) p = c
			}
			END {
				printf "%-10s %6s %10.1f %10.1f %10.1f\n",
					commit, size, a / n, f / n, p / n
			}'
	done
done

[ "$ROUNDS" -gt 0 ] || exit 0
echo
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for size in $SIZES; do
		for commit in $commits; do
			"$tmp/slab_ir-$commit" "$size" "$TIME_N" "$CMDLINE" |
				sed -n "s/^ns_per_pair /$commit $size /p" >>"$tmp/times"
		done
	done
	r=$((r + 1))
done
printf '%-10s %6s %10s %10s   ns per pair (%s rounds of %s pairs, interleaved)\n' \
	commit size median min "$ROUNDS" "$TIME_N"
for commit in $commits; do
	for size in $SIZES; do
		awk -v c="$commit" -v s="$size" '$1 == c && $2 == s { print $3 }' "$tmp/times" |
		sort -n | awk -v c="$commit" -v s="$size" '
			{ v[NR] = $1 }
			END {
				m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
				printf "%-10s %6s %10.1f %10.1f\n", c, s, m, v[1]
			}'
	done
done
