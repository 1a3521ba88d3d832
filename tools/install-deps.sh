#!/bin/sh
# Install the Debian packages the build and the tests need, and only those that
# are missing.  Called by `make deps`, and by `make run` / `make test` when one of
# the tools they use is not found, so a fresh Debian 12 machine needs nothing else.
#
# As root it runs apt-get itself; otherwise it prints the exact command to run.
set -eu

# package:probe pairs.  The probe is a file that the package installs; checking a
# file (not `dpkg -s`) also works in containers whose dpkg database is trimmed.
NEEDED="
qemu-system-x86:/usr/bin/qemu-system-i386
grub-pc-bin:/usr/lib/grub/i386-pc/multiboot.mod
grub-common:/usr/bin/grub-file
xorriso:/usr/bin/xorriso
mtools:/usr/bin/mformat
gcc:/usr/bin/gcc
make:/usr/bin/make
binutils:/usr/bin/nm
libcmocka-dev:/usr/include/cmocka.h
python3:/usr/bin/python3
gdb:/usr/bin/gdb
gnuplot-nox:/usr/bin/gnuplot
"

missing=""
for pair in $NEEDED; do
    pkg=${pair%%:*}
    probe=${pair#*:}
    [ -e "$probe" ] || missing="$missing $pkg"
done
# The 32-bit libgcc (gcc-multilib) lives under the compiler's version
# (.../12/32/libgcc.a on Debian 12, .../14/32/ on Debian 13): ask gcc where.
# Without multilib gcc prints a bare "libgcc.a" instead of a path.
libgcc32=$(gcc -m32 -print-libgcc-file-name 2>/dev/null || true)
case $libgcc32 in
/*) [ -e "$libgcc32" ] || missing="$missing gcc-multilib" ;;
*) missing="$missing gcc-multilib" ;;
esac

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: not root; run:  sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# --no-install-recommends keeps gnuplot and qemu from pulling in desktops.
apt-get install -y -q --no-install-recommends $missing
