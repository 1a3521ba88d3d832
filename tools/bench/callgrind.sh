#!/bin/sh
# tools/bench/callgrind.sh - instructions per operation of mmbench rows,
# counted by valgrind's callgrind: the "instr" column for machines whose
# CPU counters are not available (most VMs).  Exact and repeatable, unlike
# time; it says nothing about cache misses or the cost of locked
# instructions, which time does.
#
#   tools/bench/callgrind.sh [-v] [KEY...]     (make bench builds mmbench first)
#
# Each KEY (see mmbench --list; default: the slab rows and their
# references) runs alone under callgrind with a fixed operation count
# (--ops, no calibration, one round: a warm-up of OPS/8 and OPS), counting
# only inside measure_once, i.e. the row's run function.  Prints Ir per
# operation; with -v also the functions under it that take at least 2% of
# the instructions, inclusive, per operation.  OPS (default 204800, a
# multiple of 64 so bulk rows do whole calls) and MMBENCH (default
# build/bench/mmbench) can be set in the environment.
set -eu

BIN=${MMBENCH:-build/bench/mmbench}
OPS=${OPS:-204800}
VERBOSE=0
if [ "${1:-}" = "-v" ]; then
	VERBOSE=1
	shift
fi
if [ $# -eq 0 ]; then
	set -- ref.freelist ref.freelist.mutex ref.glibc.32 ref.glibc.256 \
		ref.glibc.1024 ref.glibc.mix ref.glibc.bulk16 ref.glibc.bulk64 \
		slab.32 slab.256 slab.1024 slab.256.empty slab.bulk16 slab.bulk64 \
		kmalloc.mix slab.32.nocheck slab.256.nocheck slab.1024.nocheck \
		debug.fzpu debug.init_alloc debug.init_free
fi
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed" >&2; exit 1; }
[ -x "$BIN" ] || { echo "$0: no $BIN (make bench first)" >&2; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# One round = a warm-up of OPS/8 operations and a measurement of OPS.
total_ops=$((OPS + OPS / 8))

printf '%-22s %12s   (callgrind, %d ops counted per row)\n' "row" "Ir/op" "$total_ops"
for key; do
	# --aslr: no re-exec (valgrind would not follow it).
	if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
		--collect-atstart=no --toggle-collect=measure_once \
		"$BIN" --aslr --ops "$OPS" --reps 1 --filter "=$key" >/dev/null 2>&1; then
		printf '%-22s %12s\n' "$key" "FAILED"
		continue
	fi
	ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
	if [ -z "$ir" ] || [ "$ir" -eq 0 ]; then
		printf '%-22s %12s\n' "$key" "no such row"
		continue
	fi
	awk -v k="$key" -v ir="$ir" -v n="$total_ops" \
		'BEGIN { printf "%-22s %12.1f\n", k, ir / n }'
	[ "$VERBOSE" -eq 1 ] || continue
	# Inclusive costs, one line per function of a named object file
	# (callgrind_annotate also lists inlined pieces by header file).
	callgrind_annotate --auto=no --inclusive=yes "$out" 2>/dev/null |
	awk -v ir="$ir" -v n="$total_ops" '
		/^ *[0-9,]+ \(/ && /\[/ {
			c = $1; gsub(",", "", c); c += 0
			if (c < 0.02 * ir)
				next
			fn = $0; sub(/^[^)]*\) */, "", fn); sub(/ \[.*/, "", fn)
			sub(/^.*:/, "", fn)
			# the harness and the program around the run function
			if (fn ~ /^(main|bench_run_rows|with_row|sample|measure_once)$/ ||
			    fn ~ /^(\(below main\)|__libc_start_main.*|0x[0-9a-f]+)$/)
				next
			printf "    %-40s %10.1f\n", fn, c / n
		}'
done
