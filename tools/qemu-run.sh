#!/bin/sh
# qemu-run.sh QEMU-ARGS...
#
# Runs qemu-system-i386 and maps the kernel's isa-debug-exit codes to
# ordinary exit statuses: 33 (the kernel wrote 0x10: success, e.g. `halt`)
# becomes 0; 35 (0x11: failure, e.g. an oops or failed ktest) stays 35 so
# scripts can tell it from QEMU's own errors.
qemu-system-i386 "$@"
status=$?
[ "$status" -eq 33 ] && exit 0
exit "$status"
