#!/bin/sh
# coverage.sh [BUILD_DIR] - line coverage of mm/ by the host suites.
#
# Builds the host suites once more with gcov instrumentation (and the
# sanitizers) in their own tree, runs every suite, and prints the share of
# lines executed per mm/ source file, lowest first.  `make coverage` runs
# it.  The lines never run, for one file:
#   gcov -t -o build/coverage/host/mm mm/FILE.c | grep '#####'
set -eu
cov=${1:-build/coverage}
rm -rf "$cov"
make --no-print-directory BUILD="$cov" host-tests \
	SANITIZE="address,undefined --coverage" >"$cov.log" 2>&1 || {
	cat "$cov.log" >&2
	exit 1
}
for t in "$cov"/host/tests/test_*; do
	case $t in *.o) continue ;; esac
	[ -x "$t" ] || continue
	"$t" >/dev/null 2>&1 || echo "coverage: $(basename "$t") failed (see make test)" >&2
done
cd "$cov/host"
echo "line coverage of mm/ by the host suites:"
gcov -n mm/*.o mm/lab/*.o 2>/dev/null |
	awk '/^File .mm\// { f = $2; gsub("\047", "", f) }
	     /^Lines executed:/ && f { sub("Lines executed:", ""); printf "  %-28s %8s of %s lines\n", f, $1, $3; f = "" }' |
	sort -k2 -n
