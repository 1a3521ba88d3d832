"""Robustness: for a bounded time the shell is fed seeded random input --
raw bytes, control characters, well-formed and broken escape sequences,
very long lines, and real commands with random arguments -- and must then
answer Ctrl-C, Enter and `check` with 0 violations.

The seed is fixed by default and printed in every failure message;
MM_FUZZ_SEED=N replays one, MM_FUZZ_SEED=random draws a fresh one,
MM_FUZZ_SECONDS=S changes the duration."""
import os
import random
import re
import time

from qemu import PROMPT, check
from test_shell_lib import run, shell_vm, strip

DEFAULT_SEED = 20261121

DURATION = float(os.environ.get("MM_FUZZ_SECONDS", "12"))
CHUNK_MAX = 200          # bytes sent before draining the output again
QUIET_SECONDS = 1.5      # no output for this long: the shell has caught up

# Commands worth feeding random arguments (never halt, reboot or ktest,
# which would end or stall the run).
COMMANDS = ["alloc", "free", "kmalloc", "kfree", "cache", "frag", "unfrag", "cat",
            "ls", "help", "handles", "zones", "slabtop", "check", "uptime",
            "memmap", "dmesg"]
WORDS = ["0", "1", "3", "10", "11", "-1", "0x10", "4k", "1M", "99999999999999999999",
         "dma", "normal", "highmem", "all", "ctor", "create", "alloc", "free",
         "shrink", "destroy", "list", "fz", "kmalloc-64", "/proc/buddyinfo",
         "/proc", "/sys/kernel/slab/", "/sys/kernel/slab/fz/stats", "", "x" * 40]
ESCAPES = ["\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1bOA", "\x1b[1;5A", "\x1b[3~",
           "\x1b[", "\x1bO", "\x1b", "\x1b[99999999999999999999m", "\x1b[" + "9" * 40,
           "\x1b\x1b[A", "\x1b[?25h", "\x1b]0;title\x07"]


# Well-formed commands with arguments drawn from pools that mix valid and
# invalid values, so that most of them get past the usage check.
TEMPLATES = ["alloc {order}", "alloc {order} {zone}", "free {handle}", "free",
             "kmalloc {size}", "kfree {handle}", "handles", "cache alloc fz {n}",
             "cache free fz {n}", "cache free fz all", "cache shrink {cache}",
             "cache create {cache} {size}", "cache create {cache} {size} {align} ctor",
             "cache alloc {cache} {n}", "cache destroy {cache}", "cache list",
             "frag {n}", "frag {n} {zone}", "unfrag", "memmap {ppc}", "memmap {ppc} {zone}",
             "cat {path}", "ls {path}", "slabtop", "zones", "check", "help {cmd}"]
POOLS = {
    "order": ["0", "1", "2", "5", "10", "11", "-1", "x"],
    "zone": ["dma", "normal", "highmem", "DMA", "bogus"],
    "handle": [str(i) for i in range(1, 40)] + ["0", "-1", "h"],
    "size": ["1", "8", "100", "4k", "8192", "8193", "1M", "4M", "5M", "0", "32768"],
    "n": ["1", "7", "100", "1000", "3000", "0", "all", "99999999"],
    "cache": ["fz", "fz2", "kmalloc-64", "kmem_cache", "shell_handle", "a/b", "nope"],
    "align": ["0", "8", "64", "4096", "3", "8192"],
    "ppc": ["1", "4", "64", "1024", "3", "0"],
    "path": ["/proc/buddyinfo", "/proc/slabinfo", "/proc", "/", "/sys/kernel/slab/fz/stats",
             "/sys/kernel/slab/fz/validate", "/sys/kernel/slab/", "/nope", "proc"],
    "cmd": COMMANDS + ["nope"],
}


def random_command(rng):
    words = rng.choice(TEMPLATES).split()
    return " ".join(rng.choice(POOLS[w[1:-1]]) if w.startswith("{") else w for w in words)


def random_piece(rng):
    kind = rng.random()
    if kind < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if kind < 0.40:
        return bytes(rng.choice([0, 3, 4, 7, 8, 9, 10, 12, 13, 21, 23, 26, 27, 127])
                     for _ in range(rng.randrange(1, 8)))
    if kind < 0.55:
        return "".join(rng.choice(ESCAPES) for _ in range(rng.randrange(1, 6))).encode()
    if kind < 0.65:
        line = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(200, 1500)))
        return (line + rng.choice(["\r", "", "\x15", "\x03"])).encode()
    end = rng.choice(["\r", "\r", "\r", "\r", "\t", "\t\r", "\x03", ""])
    if kind < 0.80:
        # A command with random words.
        words = [rng.choice(COMMANDS)] + [rng.choice(WORDS) for _ in range(rng.randrange(0, 5))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(1, len(words) + 1), "%d" % rng.randrange(1 << 32))
        return (" ".join(words) + end).encode()
    return (random_command(rng) + end).encode()


def send_draining(vm, data):
    """Writes data without ever blocking on a full pipe: while QEMU cannot
    take more input, its output is read (so neither side waits on the
    other)."""
    fd = vm.proc.stdin.fileno()
    os.set_blocking(fd, False)
    try:
        while data:
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                pass
            vm._read(0.005)
    finally:
        os.set_blocking(fd, True)


def drain(vm, quiet):
    """Reads output until none has come for `quiet` seconds."""
    last = time.time()
    while time.time() - last < quiet:
        before = len(vm.buf)
        vm._read(0.1)
        if len(vm.buf) != before:
            last = time.time()


def test_shell_survives_random_input():
    # A fixed seed by default (make test is deterministic);
    # MM_FUZZ_SEED=N replays one, MM_FUZZ_SEED=random draws a new one.
    env_seed = os.environ.get("MM_FUZZ_SEED", str(DEFAULT_SEED))
    seed = random.randrange(1 << 31) if env_seed == "random" else int(env_seed, 0)
    print("shell fuzz seed %d" % seed)
    rng = random.Random(seed)
    tag = " (seed %d; replay with MM_FUZZ_SEED=%d)" % (seed, seed)
    with shell_vm("shell_fuzz", timeout=90) as vm:
        # A cache the random commands can find, with objects held.
        run(vm, "cache create fz 48 ctor")
        run(vm, "cache alloc fz 10")
        sent = 0
        deadline = time.time() + DURATION
        while time.time() < deadline:
            data = b"".join(random_piece(rng) for _ in range(4))
            for i in range(0, len(data), CHUNK_MAX):
                send_draining(vm, data[i:i + CHUNK_MAX])
            sent += len(data)
            check(vm.proc.poll() is None, "QEMU exited during the fuzz run" + tag, vm)
        drain(vm, QUIET_SECONDS)
        check(vm.proc.poll() is None, "QEMU exited" + tag, vm)
        check(not re.search(r"^(Oops|Kernel panic|BUG)", strip(vm.buf), re.M),
              "no oops, panic or BUG report" + tag, vm)

        # Back to a clean prompt: Ctrl-C, Enter, then the checker.
        vm.pos = len(vm.buf)
        vm.send("\x03\r")
        vm.expect(r"\^C\n" + re.escape(PROMPT) + r"\n" + re.escape(PROMPT))
        out = run(vm, "check")
        check(re.match(r"^mm_check: 0 violations, 0 misuses refused since boot$", out.strip()),
              "after %d random bytes: %r%s" % (sent, out, tag), vm)
        check(run(vm, "uptime").startswith("up "), "the shell still works" + tag, vm)
        check(run(vm, "unfrag").startswith("unfrag"), "unfrag still works" + tag, vm)
