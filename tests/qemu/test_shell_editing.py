"""The line editor, driven by the raw bytes a terminal sends: backspace,
Ctrl-U, Ctrl-C, history on the arrow keys (ESC [ A / ESC [ B and the
ESC O A form), Tab completion of commands, cache names and paths; then the
same through the PS/2 keyboard (QEMU's sendkey), with the VGA screen read
back from video memory."""
import os
import re
import time

from qemu import PROMPT, check
from test_shell_lib import (Qmp, handle_of, qmp_args, qmp_socket_path, run,
                            shell_vm, strip)

UP, DOWN, LEFT = "\x1b[A", "\x1b[B", "\x1b[D"
CTRL_C, CTRL_U, DEL, BS, TAB = "\x03", "\x15", "\x7f", "\x08", "\t"


def expect_line(vm, text):
    """Waits for the editor to show `text` as the current line."""
    vm.expect(re.escape(text))


def check_editing(vm):
    check(run(vm, "uptimx" + DEL + "e").startswith("up "), "DEL erases a character", vm)
    check(run(vm, "uptimee" + BS).startswith("up "), "^H erases a character", vm)
    check(run(vm, "alloc 3" + CTRL_U + "uptime").startswith("up "), "Ctrl-U erases the line", vm)
    check(run(vm, DEL * 5 + "uptime").startswith("up "), "DEL on an empty line is harmless", vm)

    # Ctrl-C cancels: the typed command never runs.
    vm.send("alloc 3" + CTRL_C)
    vm.expect(r"\^C\n" + re.escape(PROMPT))
    check(run(vm, "handles").startswith("no live handles"), "Ctrl-C ran nothing", vm)
    # Unknown escape sequences and cursor keys do nothing.
    check(run(vm, "upt" + LEFT + "\x1b[3~\x1b[1;5C\x1bOH" + "ime").startswith("up "),
          "escape sequences are skipped", vm)
    # CR LF is one Enter (the LF is dropped), a lone LF is Enter too.
    start = len(vm.buf)
    vm.send("uptime\r\n")
    vm.expect(r"uptime\nup [^\n]*\n" + re.escape(PROMPT))
    vm.send("uptime\n")
    vm.expect(r"uptime\nup [^\n]*\n" + re.escape(PROMPT))
    time.sleep(0.2)
    vm._read(0.1)
    check(vm.buf[start:].count(PROMPT) == 2, "CR LF is one Enter, not two", vm)
    # A control character inside an escape sequence ends it and still acts.
    vm.send("\x1b[12" + CTRL_C)
    vm.expect(r"\^C\n" + re.escape(PROMPT))


def check_history(vm):
    run(vm, "zones")
    run(vm, "free")
    run(vm, "uptime")                               # history: uptime free zones
    check(run(vm, UP).startswith("up "), "Up recalls the last command", vm)
    out = run(vm, UP + UP)                          # a repeat is stored once
    check(out.startswith(" " * 14 + "total"), "Up twice: the one before: %r" % out, vm)
    out = run(vm, UP * 4)                           # newest first: free uptime free zones
    check(out.startswith("zone "), "Up four times: %r" % out, vm)
    out = run(vm, "\x1bOA" + UP + UP + DOWN)        # zones free uptime, back to free
    check(out.startswith(" " * 14 + "total"), "ESC O A is Up; Down walks back: %r" % out, vm)
    # Down past the newest entry restores the line being typed.
    vm.send("upti" + UP + UP + DOWN + DOWN)
    expect_line(vm, "upti")
    check(strip(vm.cmd("me")).startswith("up "), "the draft survives Up/Down", vm)
    # An overlong line stays refused after a trip through the history.
    out = run(vm, "x" * 300 + UP + DOWN)
    check(out.startswith("shell: line too long"), "overlong draft restored: %r" % out, vm)
    # Ctrl-C drops a recalled line; an empty line runs nothing.
    vm.send(UP + CTRL_C)
    vm.expect(r"\^C\n" + re.escape(PROMPT))
    check(run(vm, "").strip() == "", "an empty line does nothing", vm)
    # The last 16 commands are kept: Up stops at the oldest of them.
    names = ["alloc", "cache", "cat", "check", "dmesg", "frag", "free", "halt", "handles",
             "help", "kfree", "kmalloc", "ktest", "ls", "memmap", "reboot", "slabtop",
             "unfrag", "uptime", "zones"]
    for n in names:
        run(vm, "help " + n)
    out = run(vm, UP * 40)
    check(out.startswith("usage: " + names[len(names) - 16]),
          "Up stops at the 16th newest command: %r" % out, vm)


def check_completion(vm):
    check(run(vm, "upt" + TAB).startswith("up "), "Tab completes a unique command", vm)
    out = run(vm, "zon" + TAB)
    check(out.startswith("zone "), "Tab completes zones", vm)
    # Ambiguous: the candidates are listed, the line is redrawn.
    vm.send("k" + TAB)
    vm.expect(r"kfree  kmalloc  ktest  \n" + re.escape(PROMPT + "k"))
    out = run(vm, "m" + TAB + "64")
    check(out.startswith("handle "), "kmalloc completed", vm)
    run(vm, "kfree %d" % handle_of(out))
    vm.send("he" + TAB)                          # "help " (unique)
    check(run(vm, "sla" + TAB).startswith("usage: slabtop"), "help's argument completes", vm)
    # Common prefix: "ca" -> "cat " is not unique (cache, cat): "ca" stays.
    vm.send("ca" + TAB)
    vm.expect(r"cache  cat  \n" + re.escape(PROMPT + "ca"))
    vm.send(CTRL_U)
    out = run(vm, "cat /proc/bud" + TAB)
    check(out.startswith("Node 0, zone"), "Tab completes a path: %r" % out, vm)
    out = run(vm, "cat /sys/kernel/de" + TAB + "ex" + TAB + "un" + TAB)
    check(out.startswith("Node 0, zone"), "directories complete with '/': %r" % out, vm)
    out = run(vm, "cat /sys/kernel/slab/kmalloc-19" + TAB + "st" + TAB)
    check(out.startswith("objects_total"), "cache directories complete: %r" % out, vm)
    run(vm, "cache create mycache 40")
    out = run(vm, "cache all" + TAB + "myc" + TAB + "2")
    check(out.startswith("mycache: allocated 2"), "subcommands and cache names: %r" % out, vm)
    run(vm, "cache free mycache all")


def check_keyboard_and_screen(vm, qmp):
    # Typed on the PS/2 keyboard: the same shell, echoed on both consoles.
    qmp.type("upti")
    qmp.sendkey("tab")
    qmp.sendkey("ret")
    vm.expect(r"uptime \nup \d+:")
    vm.wait_prompt()
    qmp.type("alloc 1")
    qmp.sendkey("ret")
    m = vm.expect(r"handle (\d+): allocated order 1")
    vm.wait_prompt()
    h = int(m.group(1))
    # Shift, Backspace, Ctrl-U, Ctrl-C and the arrows.
    qmp.type("FREE")
    qmp.sendkey("ctrl-u")
    qmp.type("free %d" % h)
    qmp.sendkey("ret")
    vm.expect(r"handle %d: freed order 1" % h)
    vm.wait_prompt()
    qmp.type("zonesx")
    qmp.sendkey("backspace")
    qmp.sendkey("ret")
    vm.expect(r"\nzone +phys range")
    vm.wait_prompt()
    qmp.type("alloc 5")
    qmp.sendkey("ctrl-c")
    vm.expect(r"\^C\n" + re.escape(PROMPT))
    qmp.sendkey("up")
    qmp.sendkey("ret")
    vm.expect(r"\nzone +phys range")
    vm.wait_prompt()
    qmp.sendkey("shift-a")
    qmp.sendkey("ret")
    vm.expect(r"\nA: command not found")
    vm.wait_prompt()
    check(run(vm, "handles").startswith("no live handles"), "keyboard Ctrl-C ran nothing", vm)

    run(vm, "memmap")
    run(vm, "handles")
    # The console writes the serial port first and then the screen: poll
    # until the screen has caught up with what the serial side showed.
    for _ in range(50):
        screen = qmp.screen()
        rows = [text for text, _ in screen]
        if (any(l.startswith("mm> handles") for l in rows) and
                any(l.startswith("no live handles") for l in rows) and
                rows[-1].rstrip() == PROMPT.rstrip()):
            break
        time.sleep(0.1)
    text = "\n".join(rows)
    check(any(l.startswith("mm> handles") for l in rows) and
          any(l.startswith("no live handles") for l in rows) and
          rows[-1].rstrip() == PROMPT.rstrip(),
          "the VGA console shows commands, output and the prompt:\n" + text, vm)
    check(not any("\x1b" in l or "[0m" in l or "[3" in l for l in rows),
          "escape sequences are interpreted, not shown:\n" + text, vm)
    # memmap's colours reach the screen: free blocks green, the kernel red.
    GREEN, RED, FG = 0x02, 0x04, 0x0F
    cells = [(c, a & FG) for t, attrs in screen if t.startswith("0x")
             for c, a in zip(t[len("0x00000000 "):], attrs[len("0x00000000 "):])]
    check(cells and all(a == GREEN for c, a in cells if c in "0123456789A."),
          "free cells are green on VGA", vm)
    check(all(a == RED for c, a in cells if c == "K"), "kernel cells are red on VGA", vm)


def test_shell_line_editing_history_completion_keyboard():
    sock = qmp_socket_path("editing")
    try:
        with shell_vm("shell_editing", extra=qmp_args(sock)) as vm:
            check_editing(vm)
            check_history(vm)
            check_completion(vm)
            qmp = Qmp(sock)
            try:
                check_keyboard_and_screen(vm, qmp)
            finally:
                qmp.close()
            check(run(vm, "check").startswith("mm_check: 0 violations, 0 misuses"),
                  "check", vm)
    finally:
        if os.path.exists(sock):
            os.unlink(sock)
