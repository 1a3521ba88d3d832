#!/bin/sh
# qemu-run.sh QEMU-ARGS...
#
# Runs qemu-system-i386 and maps the kernel's isa-debug-exit codes to
# ordinary exit statuses: 33 (the kernel wrote 0x10: success, e.g. `halt`)
# becomes 0; 35 (0x11: failure, e.g. an oops or failed ktest) stays 35 so
# scripts can tell it from QEMU's own errors.  A TERM/INT/HUP sent to this
# script stops QEMU too.
# QEMU runs in the background so that signals can be forwarded; a
# background job's stdin would be /dev/null, so the terminal is passed on
# through fd 3 (dash ignores a plain <&0 here).
exec 3<&0
qemu-system-i386 "$@" <&3 3<&- &
pid=$!
trap 'kill $pid 2>/dev/null' TERM INT HUP
# wait returns early when a trapped signal arrives: wait again for QEMU.
while :; do
	wait $pid
	status=$?
	kill -0 $pid 2>/dev/null || break
done
[ "$status" -eq 33 ] && exit 0
exit "$status"
