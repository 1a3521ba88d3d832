"""tests/qemu/test_shell_lib.py - helpers shared by the shell transcript
tests (test_shell_*.py).  It defines no test itself.

    with shell_vm("alloc") as vm:
        before = buddyinfo(vm)
        out = run(vm, "alloc 3")

run() types a command as a user would and returns its output with every
ANSI colour sequence removed (qemu.py strips them per read, so a sequence
split between two reads would otherwise survive).
"""
import json
import os
import re
import socket
import tempfile
import time

from qemu import Qemu, check

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NR_ORDERS = 11
SCREEN_ROWS = 25
SCREEN_COLS = 80


def shell_vm(name, cmdline="", mem="128M", extra=(), timeout=60):
    """A VM that has reached its first prompt (use with `with`)."""
    class _Ctx:
        def __enter__(self):
            self.vm = Qemu(cmdline=cmdline, mem=mem, name=name, timeout=timeout,
                           extra=extra).start()
            try:
                self.vm.wait_prompt()
            except Exception:
                self.vm.close()
                raise
            return self.vm

        def __exit__(self, *exc):
            self.vm.close()
            return False
    return _Ctx()


def strip(text):
    return ANSI.sub("", text)


def run(vm, line, timeout=None):
    return strip(vm.cmd(line, timeout=timeout))


def lines(text):
    return [l for l in text.split("\n") if l != ""]


def one_error_line(vm, line):
    """Runs a malformed command; returns its output, checked to be one line."""
    out = run(vm, line)
    check(out.count("\n") == 1 and out.strip() != "",
          "%r must answer with exactly one line, got %r" % (line, out), vm)
    return out.strip()


# ---- /proc parsers ------------------------------------------------------------

BUDDY_LINE = re.compile(r"^Node 0, zone ([ A-Za-z]{8}) ((?:[ \d]{6} ){11})$")


def parse_buddyinfo(text):
    zones = {}
    for l in lines(text):
        m = BUDDY_LINE.match(l)
        if not m:
            raise AssertionError("not a buddyinfo line: %r" % l)
        zones[m.group(1).strip()] = [int(x) for x in m.group(2).split()]
    return zones


def buddyinfo(vm):
    return parse_buddyinfo(run(vm, "cat /proc/buddyinfo"))


def expected_after_alloc(counts, order):
    """The buddy lists after allocating one block of `order` from a zone
    with these free counts: the smallest non-empty order j >= order loses a
    block, each order order..j-1 gains one (the upper halves of the split).
    None when no block is large enough."""
    for j in range(order, NR_ORDERS):
        if counts[j] > 0:
            after = list(counts)
            after[j] -= 1
            for o in range(order, j):
                after[o] += 1
            return after
    return None


SLABINFO_ROW = re.compile(
    r"^(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) : tunables +(\d+) +(\d+) +(\d+)"
    r" : slabdata +(\d+) +(\d+) +(\d+)$")
SLABINFO_FIELDS = ("active_objs", "num_objs", "objsize", "objperslab", "pagesperslab",
                   "limit", "batchcount", "sharedfactor", "active_slabs", "num_slabs",
                   "sharedavail")


def parse_slabinfo(text):
    rows = {}
    ls = lines(text)
    for l in ls[2:]:
        m = SLABINFO_ROW.match(l)
        if not m:
            raise AssertionError("not a slabinfo row: %r" % l)
        rows[m.group(1)] = dict(zip(SLABINFO_FIELDS, (int(x) for x in m.groups()[1:])))
    return rows


def slabinfo(vm):
    return parse_slabinfo(run(vm, "cat /proc/slabinfo"))


def parse_keyvals(text):
    out = {}
    for l in lines(text):
        k, v = l.split()
        out[k] = int(v)
    return out


def parse_index(text):
    """unusable_index / extfrag_index: {zone: [11 values * 1000]}."""
    zones = {}
    for l in lines(text):
        m = re.match(r"^Node 0, zone ([ A-Za-z]{8}) ((?:-?\d+\.\d{3} ){11})$", l)
        if not m:
            raise AssertionError("not an extfrag line: %r" % l)
        zones[m.group(1).strip()] = [round(float(x) * 1000) for x in m.group(2).split()]
    return zones


def handle_of(out):
    m = re.search(r"^handle (\d+): ", out, re.M)
    if not m:
        raise AssertionError("no handle in %r" % out)
    return int(m.group(1))


# ---- QMP: the keyboard and the VGA screen ------------------------------------------

class Qmp:
    """A QMP connection to a VM started with qmp_args(path)."""

    def __init__(self, path, timeout=10):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())          # the greeting
        self.execute("qmp_capabilities")

    def execute(self, cmd, **args):
        self.f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "error" in r:
                raise AssertionError("QMP %s: %s" % (cmd, r["error"]))
            if "return" in r:
                return r["return"]

    def sendkey(self, key):
        """key in QEMU's sendkey syntax: 'a', 'shift-a', 'ctrl-c', 'up', 'ret'."""
        self.execute("human-monitor-command", **{"command-line": "sendkey " + key})
        time.sleep(0.02)

    def type(self, text):
        names = {" ": "spc", "-": "minus", "/": "slash", ".": "dot", "\n": "ret"}
        for ch in text:
            if ch.isupper():
                self.sendkey("shift-" + ch.lower())
            else:
                self.sendkey(names.get(ch, ch))

    def screen(self):
        """The VGA text screen: 25 rows of (80 characters, 80 attribute bytes)."""
        fd, path = tempfile.mkstemp(prefix="vga-", suffix=".bin")
        os.close(fd)
        try:
            self.execute("pmemsave", val=0xB8000, size=SCREEN_ROWS * SCREEN_COLS * 2,
                         filename=path)
            data = open(path, "rb").read()
        finally:
            os.unlink(path)
        row = SCREEN_COLS * 2
        return [(data[r * row:(r + 1) * row:2].decode("latin-1"),
                 data[r * row + 1:(r + 1) * row:2]) for r in range(SCREEN_ROWS)]

    def close(self):
        self.sock.close()


def qmp_socket_path(name):
    return os.path.join(tempfile.gettempdir(), "mm-qmp-%s-%d.sock" % (name, os.getpid()))


def qmp_args(path):
    return ["-qmp", "unix:%s,server=on,wait=off" % path]
