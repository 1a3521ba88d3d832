"""tests/qemu/qemu.py - boot the kernel's GRUB image in QEMU and talk to its
serial console, for the transcript tests in tests/qemu/test_*.py.

    with Qemu(cmdline="slab_debug=FZ", mem="128M") as vm:
        vm.wait_prompt()
        out = vm.cmd("cat /proc/buddyinfo")
        assert out.startswith("Node 0, zone")
        vm.cmd("halt", expect_prompt=False)
        assert vm.wait_exit() == 33

Every wait has a timeout; on timeout or failure the exception carries the
end of the transcript.  The whole transcript of each VM is written to
build/qemu-logs/NAME.log for post-mortems.
"""
import hashlib
import os
import re
import select
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("MM_BUILD", os.path.join(ROOT, "build"))
KERNEL = os.path.join(BUILD, "kernel.elf")
PROMPT = "mm> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A complete sequence at a position (used to spot one cut in half).
ANSI_END = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[^\[])")


class TestFailure(Exception):
    pass


def iso_for(cmdline):
    """A GRUB ISO that boots the current kernel with cmdline (cached)."""
    if not os.path.exists(KERNEL):
        raise TestFailure("%s is missing: run make first" % KERNEL)
    key = hashlib.sha1(cmdline.encode()).hexdigest()[:12]
    iso_dir = os.path.join(BUILD, "iso")
    os.makedirs(iso_dir, exist_ok=True)
    iso = os.path.join(iso_dir, "k-%s.iso" % key)
    mkiso = os.path.join(ROOT, "tools", "mkiso.sh")
    newest_input = max(os.path.getmtime(KERNEL), os.path.getmtime(mkiso))
    if not os.path.exists(iso) or os.path.getmtime(iso) < newest_input:
        # Per thread: run-tests.py boots VMs from a thread pool, and two
        # tests with the same cmdline may build the same image at once.
        tmp = iso + ".tmp.%d.%d" % (os.getpid(), threading.get_ident())
        subprocess.run([mkiso, KERNEL, tmp, cmdline],
                       check=True)
        os.replace(tmp, iso)
    return iso


class Qemu:
    def __init__(self, cmdline="", mem="128M", name=None, timeout=None, extra=()):
        self.cmdline = cmdline
        self.mem = mem
        self.name = name or "qemu"
        self.default_timeout = timeout or float(os.environ.get("MM_QEMU_TIMEOUT", "60"))
        self.extra = list(extra)
        self.buf = ""          # everything received, ANSI codes removed
        self.pending = ""      # the start of an escape sequence cut by a read
        self.pos = 0           # how far expect() has consumed self.buf
        self.proc = None
        self.exit_code = None

    # ---- lifecycle ----------------------------------------------------
    def start(self):
        iso = iso_for(self.cmdline)
        args = ["qemu-system-i386", "-cdrom", iso, "-m", self.mem, "-no-reboot",
                "-display", "none", "-serial", "stdio", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + self.extra
        if os.environ.get("KVM") == "1" and os.path.exists("/dev/kvm"):
            args += ["-enable-kvm", "-cpu", "host"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc and self.exit_code is None:
            self.exit_code = self.proc.returncode
        log_dir = os.path.join(BUILD, "qemu-logs")
        os.makedirs(log_dir, exist_ok=True)
        with open(os.path.join(log_dir, self.name + ".log"), "w") as f:
            f.write(self.buf)

    # ---- reading ------------------------------------------------------
    def _read(self, timeout):
        """Reads what is available within timeout; False at EOF."""
        r, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        if not r:
            return True
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        text = self.pending + data.decode("latin-1").replace("\r", "")
        # An escape sequence cut by the read boundary waits for the rest.
        cut = text.rfind("\x1b")
        if cut >= 0 and not ANSI_END.match(text, cut):
            text, self.pending = text[:cut], text[cut:]
        else:
            self.pending = ""
        self.buf += ANSI.sub("", text)
        return True

    def tail(self, n=1500):
        return self.buf[-n:]

    def expect(self, pattern, timeout=None):
        """Waits for regex pattern after the current position; returns the
        match and moves the position past it."""
        timeout = self.default_timeout if timeout is None else timeout
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.time()
            if left <= 0:
                raise TestFailure("timeout after %ss waiting for %r; transcript ends:\n%s"
                                  % (timeout, pattern, self.tail()))
            if not self._read(min(left, 0.5)):
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise TestFailure("QEMU exited (status %s) while waiting for %r; transcript ends:\n%s"
                                  % (self.proc.wait(), pattern, self.tail()))

    def wait_prompt(self, timeout=None):
        self.expect(re.escape(PROMPT), timeout)

    # ---- writing ------------------------------------------------------
    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise TestFailure("QEMU is gone; transcript ends:\n" + self.tail())

    def cmd(self, line, timeout=None, expect_prompt=True):
        """Types line at the prompt (the previous prompt must have been
        consumed) and returns the output up to the next prompt."""
        start = len(self.buf)
        self.send(line + "\r")
        # The echo of the line itself ends with a newline.
        self.pos = max(self.pos, start)
        if not expect_prompt:
            return None
        self.expect(r"\n")
        out_start = self.pos
        self.wait_prompt(timeout)
        out = self.buf[out_start:self.pos - len(PROMPT)]
        return out

    def wait_exit(self, timeout=None):
        timeout = self.default_timeout if timeout is None else timeout
        deadline = time.time() + timeout
        while self.proc.poll() is None:
            left = deadline - time.time()
            if left <= 0:
                raise TestFailure("QEMU did not exit within %ss; transcript ends:\n%s"
                                  % (timeout, self.tail()))
            self._read(min(left, 0.5))
        while self._read(0):
            if self.proc.stdout.closed:
                break
            r, _, _ = select.select([self.proc.stdout], [], [], 0)
            if not r:
                break
        self.exit_code = self.proc.returncode
        return self.exit_code


def check(cond, msg, vm=None):
    if not cond:
        raise TestFailure(msg + ("\ntranscript ends:\n" + vm.tail() if vm else ""))
