# Makefile - the kernel (i386, freestanding), the host library of mm, the host
# tests, the QEMU tests, benchmarks and the lab.  Everything goes under build/.
#
#   make            kernel ELF + ISO + host library + host test binaries
#   make run        boot the ISO in QEMU, console on this terminal (MEM=128M,
#                   KVM=1, CMDLINE="...", VGA=1 for a window as well)
#   make test       every check: host suites (ASan+UBSan), QEMU boots, ktest,
#                   shell transcripts
#   make debug      QEMU halted at the first instruction, gdb attached
#   make hostlib    build/host/libmm.a (SANITIZE= for a plain build)
#   make coverage   line coverage of mm/ by the host suites
#   make bench      host benchmarks (not part of make test; BENCH_ARGS=--quick)
#   make lab        the slab-versus-buddy lab on the host: CSVs, plots and
#                   a report in build/lab/ (docs/lab/README.md; RETRACE=1
#                   records the real-program traces again)
#   make lab-kernel the same experiments in the kernel under QEMU, CSVs in
#                   build/lab/kernel-*.csv (MEM=512M by default, KVM=1)
#   make lab-report the report again with what build/lab/ holds (no runs)
#   make lab-docs   redo the report and publish it with its plots to docs/lab/
#   make deps       install the Debian packages the build needs
#   make clean

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
# Keep intermediate objects (test objects, extra sources) between builds.
.SECONDARY:

BUILD   := build
# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-8s %s\n' $(1) $(2))
MEM     ?= 128M
KVM     ?= 0
CMDLINE ?=
PYTHON  ?= python3

# ---- toolchains --------------------------------------------------------

CC      ?= gcc
HOSTCC  ?= gcc
NM      ?= nm

# Kernel: 32-bit, freestanding, no FPU/SIMD state to save on interrupts,
# frame pointers for the oops backtrace, no PIC (fixed link address).
KCFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector -nostdlib \
	-mno-sse -mno-mmx -mno-80387 \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -DMM_KERNEL \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wpointer-arith -Wno-unused-parameter \
	-I. -MD -MP
# MM_KERNEL selects the kernel half of mm/port.h (host is the default).
# -fno-strict-aliasing: mm reinterprets raw memory as objects and lists,
# as Linux does (and builds with the same flag).
KASFLAGS := -m32 -I. -MD -MP
# libgcc provides 64-bit division (__udivdi3, __umoddi3) on i386.
KLIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name 2>/dev/null)
KLDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T linker.ld

# Host: mm built as ordinary C with the sanitizers on by default.
SANITIZE ?= address,undefined
HOST_SANFLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all)
HOSTCFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wpointer-arith -Wno-unused-parameter \
	-I. -MD -MP $(HOST_SANFLAGS)
HOSTLDFLAGS := $(HOST_SANFLAGS)
# Test binaries export their functions (-rdynamic) so that dladdr, behind
# %pS on the host, names a test function in "Allocated in ..." reports.
HOST_TEST_LDFLAGS := -rdynamic
HOSTLIBS := -lpthread

# ---- sources -------------------------------------------------------------

# mm: compiled unmodified into both builds.
MM_SRCS := mm/memblock.c mm/init.c mm/page_alloc.c mm/highmem.c mm/vmstat.c \
	mm/check.c mm/debug.c mm/slab.c mm/slab_cache.c mm/kmalloc.c mm/slab_proc.c mm/slab_debug.c \
	mm/mempool.c

# The lab (mm/lab/lab.h): experiments shared by tools/mmlab and the kernel
# shell's `lab` command, so they are part of mm in both builds.
MM_LAB_SRCS := mm/lab/core.c mm/lab/output.c mm/lab/mem.c mm/lab/alloc.c mm/lab/fit.c \
	mm/lab/workload.c mm/lab/trace.c mm/lab/exp_waste.c mm/lab/exp_frag.c \
	mm/lab/exp_pinning.c mm/lab/exp_ctor.c mm/lab/exp_colour.c \
	mm/lab/exp_speed.c mm/lab/exp_replay.c
MM_SRCS += $(MM_LAB_SRCS)

# The part of kernel/lib that mm uses: in both builds.
KLIB_SHARED_SRCS := kernel/lib/vsprintf.c kernel/lib/parse.c

# In-kernel tests (ktest), linked into every kernel.
KTEST_SRCS := tests/kernel/test_lib.c tests/kernel/test_arch.c tests/kernel/test_slab_debug.c \
	tests/kernel/mm_helpers.c tests/kernel/test_buddy.c \
	tests/kernel/test_highmem.c tests/kernel/test_slab.c \
	tests/kernel/test_irq_alloc.c

KERNEL_ASM_SRCS := boot/boot.S arch/x86/isr.S
KERNEL_C_SRCS := \
	arch/x86/gdt.c arch/x86/traps.c arch/x86/pic.c arch/x86/pit.c \
	arch/x86/serial.c arch/x86/vga.c arch/x86/port.c \
	kernel/kmain.c kernel/printk.c kernel/panic.c kernel/multiboot.c \
	kernel/params.c kernel/kallsyms.c kernel/shell.c kernel/ktest.c \
	kernel/cmd_basic.c kernel/cmd_mm.c kernel/cmd_debug.c kernel/cmd_lab.c \
	kernel/lib/string.c $(KLIB_SHARED_SRCS) $(MM_SRCS) \
	$(KTEST_SRCS)
# The shell's views and experiments, and its second input device.
KERNEL_C_SRCS += arch/x86/keyboard.c \
	kernel/cmd_fs.c kernel/cmd_alloc.c kernel/cmd_slab.c kernel/cmd_slabtop.c \
	kernel/cmd_memmap.c

HOST_PORT_SRCS := arch/host/port.c arch/host/host.c
HOSTLIB_SRCS := $(MM_SRCS) $(HOST_PORT_SRCS) $(KLIB_SHARED_SRCS)

# Host test suites: tests/host/NAME.c -> build/host/tests/NAME.  Extra
# sources a suite needs besides libmm.a are listed as NAME_EXTRA.
HOST_TESTS := test_vsprintf test_parse test_multiboot \
	test_memmap test_buddy test_zones test_misuse test_exhaust test_reports \
	test_extfrag test_buddy_random test_checker \
	test_slab_cache test_slab_ctor test_slab_layout test_kmalloc test_slab_misuse \
	test_slab_bulk_mempool test_slab_reports test_slab_random test_slab_threads \
	test_slab_checker test_slab_debug test_failslab \
	test_lab test_lab_trace
test_multiboot_EXTRA := kernel/multiboot.c
test_lab_EXTRA := tests/host/lab_helpers.c
test_lab_trace_EXTRA := tests/host/lab_helpers.c
HOST_TEST_HELPERS := tests/host/helpers.c

# ---- derived names --------------------------------------------------------

KOBJS := $(KERNEL_ASM_SRCS:%.S=$(BUILD)/kernel/%.o) \
	 $(KERNEL_C_SRCS:%.c=$(BUILD)/kernel/%.o)
HOSTLIB_OBJS := $(HOSTLIB_SRCS:%.c=$(BUILD)/host/%.o)
HOSTLIB := $(BUILD)/host/libmm.a
HOST_TEST_BINS := $(HOST_TESTS:%=$(BUILD)/host/tests/%)

KERNEL_ELF := $(BUILD)/kernel.elf
KERNEL_ISO := $(BUILD)/kernel.iso

# ---- top-level targets ----------------------------------------------------

.PHONY: all kernel iso hostlib host-tests run debug test test-host test-qemu coverage \
	bench lab lab-kernel lab-report lab-docs lab-tools deps clean

all: kernel iso hostlib host-tests

kernel: $(KERNEL_ELF)
iso: $(KERNEL_ISO)
hostlib: $(HOSTLIB)
host-tests: $(HOST_TEST_BINS)

deps:
	@tools/install-deps.sh

# Every build, run and test starts by making sure the tools exist (a fast
# check of a few files when nothing is missing).
$(BUILD)/.deps-ok: tools/install-deps.sh
	@tools/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

# ---- kernel -----------------------------------------------------------------

$(BUILD)/kernel/%.o: %.c $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

# Tests run in source order: keep the .ktest entries in the order written.
$(BUILD)/kernel/tests/kernel/%.o: KCFLAGS += -fno-toplevel-reorder

$(BUILD)/kernel/%.o: %.S $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two-pass link for kallsyms: link with an empty symbol table, generate the
# real one from that image, link again.  .kallsyms sits after .text,
# .rodata and .data (linker.ld), so the second pass moves no function; the
# cmp below proves it.
$(BUILD)/kallsyms0.S: tools/gen-kallsyms.sh
	@mkdir -p $(BUILD)
	$(Q)tools/gen-kallsyms.sh - > $@

$(BUILD)/%.o: $(BUILD)/%.S
	$(call say,AS,$<)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(KOBJS) $(BUILD)/kallsyms0.o linker.ld
	$(call say,LD,$@)
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/kallsyms0.o $(KLIBGCC)

$(BUILD)/kallsyms1.S: $(BUILD)/kernel.pass1.elf tools/gen-kallsyms.sh
	$(call say,KSYMS,$@)
	$(Q)NM=$(NM) tools/gen-kallsyms.sh $< > $@

$(KERNEL_ELF): $(BUILD)/kernel.pass1.elf $(BUILD)/kallsyms1.o
	$(call say,LD,$@)
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/kallsyms1.o $(KLIBGCC)
	@$(NM) -n $(BUILD)/kernel.pass1.elf | grep ' [tT] ' > $(BUILD)/syms1.txt
	@$(NM) -n $@ | grep ' [tT] ' > $(BUILD)/syms2.txt
	@cmp -s $(BUILD)/syms1.txt $(BUILD)/syms2.txt || \
		{ echo "kallsyms: function addresses moved between link passes"; \
		  rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot $@ || \
		{ echo "$@: not a Multiboot kernel"; rm -f $@; exit 1; }

# The command line is written into the ISO's grub.cfg, so the ISO depends
# on it: `make run CMDLINE=...` after a build with another (or no) command
# line rebuilds the image instead of booting the old options.  The stamp
# only changes when CMDLINE does.  Single-quoted for the shell, so '$' and
# quotes in CMDLINE reach mkiso.sh as typed.
CMDLINE_SH := '$(subst ','\'',$(CMDLINE))'
CMDLINE_STAMP := $(BUILD)/.cmdline
$(CMDLINE_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(CMDLINE_SH) | cmp -s - $@ || printf '%s\n' $(CMDLINE_SH) > $@

$(KERNEL_ISO): $(KERNEL_ELF) tools/mkiso.sh $(CMDLINE_STAMP)
	$(call say,ISO,$@)
	$(Q)tools/mkiso.sh $(KERNEL_ELF) $@ $(CMDLINE_SH)

# ---- host library and tests --------------------------------------------------

# The compiler flags are part of what an object depends on: switching
# SANITIZE rebuilds everything instead of mixing instrumented objects.
HOST_FLAGS_STAMP := $(BUILD)/host/.flags
$(HOST_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(HOSTCC) $(HOSTCFLAGS)' | cmp -s - $@ || \
		echo '$(HOSTCC) $(HOSTCFLAGS)' > $@
.PHONY: FORCE
FORCE:

$(BUILD)/host/%.o: %.c $(HOST_FLAGS_STAMP) $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

$(HOSTLIB): $(HOSTLIB_OBJS)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

HOST_TEST_HELPER_OBJS := $(HOST_TEST_HELPERS:%.c=$(BUILD)/host/%.o)

# No '%' in the NAME_EXTRA expression: make replaces every '%' of a pattern
# rule's prerequisites with the stem before the second expansion, which
# turned a patsubst here into a no-op that left the .c files unlinked.
.SECONDEXPANSION:
$(BUILD)/host/tests/%: $(BUILD)/host/tests/host/%.o \
		$$(addprefix $(BUILD)/host/,$$(addsuffix .o,$$(basename $$($$*_EXTRA)))) \
		$(HOST_TEST_HELPER_OBJS) $(HOSTLIB)
	@mkdir -p $(dir $@)
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(HOSTLDFLAGS) $(HOST_TEST_LDFLAGS) -o $@ $(filter %.o,$^) $(HOSTLIB) -lcmocka $(HOSTLIBS)

$(BUILD)/host/tests/host/%.o: tests/host/%.c $(HOST_FLAGS_STAMP) $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

# ---- benchmarks ------------------------------------------------------------------

# `make bench` measures an optimized, sanitizer-free build of the same
# sources, in its own tree (build/bench/obj), so it never touches the
# sanitized objects of build/host.  -O2 as a release build would use; no
# -march=native, so numbers compare across machines of one ISA; frame
# pointers kept as in the kernel build (and for perf's call graphs).
# BENCH_ARGS=--quick for a smoke run (< 5 s); see docs/bench.md.
# tools/bench/callgrind.sh counts instructions per operation under valgrind
# (for machines without a PMU), tools/bench/slab_ir.sh compares the slab
# pair's instructions between commits.
BENCH_DIR := $(BUILD)/bench
OBJCOPY ?= objcopy
BENCH_OBJDIR := $(BENCH_DIR)/obj
BENCH_CFLAGS := -std=gnu11 -O2 -g -fno-omit-frame-pointer -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wpointer-arith -Wno-unused-parameter -I. -MD -MP
BENCH_TOOL_SRCS := tools/bench/mmbench.c tools/bench/harness.c \
	tools/bench/rows_ref.c tools/bench/rows_page.c tools/bench/rows_slab.c
BENCH_LIB_OBJS := $(HOSTLIB_SRCS:%.c=$(BENCH_OBJDIR)/%.o)
# slab_nocheck.o: see the rule below.
BENCH_TOOL_OBJS := $(BENCH_TOOL_SRCS:%.c=$(BENCH_OBJDIR)/%.o) \
	$(BENCH_OBJDIR)/tools/bench/slab_nocheck.o
BENCH_LIB := $(BENCH_DIR)/libmm.a
BENCH_BIN := $(BENCH_DIR)/mmbench
BENCH_ARGS ?=

bench: $(BENCH_BIN)
	$(BENCH_BIN) --csv $(BENCH_DIR)/bench.csv $(BENCH_ARGS)

BENCH_FLAGS_STAMP := $(BENCH_DIR)/.flags
$(BENCH_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(HOSTCC) $(BENCH_CFLAGS)' | cmp -s - $@ || \
		echo '$(HOSTCC) $(BENCH_CFLAGS)' > $@

# The header of every run prints the flags its library was built with.
$(BENCH_OBJDIR)/tools/bench/harness.o: BENCH_EXTRA := \
	-DMMBENCH_CFLAGS='"$(filter-out -I. -MD -MP,$(BENCH_CFLAGS))"'

$(BENCH_OBJDIR)/%.o: %.c $(BENCH_FLAGS_STAMP) $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,BENCHCC,$<)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) $(BENCH_EXTRA) -c $< -o $@

# The cost of the always-on double-free check, measured in the same run:
# a private copy of mm/slab.c built with SLAB_BENCH_NO_FREE_CHECK=1 (the
# bench-only knob documented there), whose one global symbol is its
# kmem_cache_free, renamed bench_kmem_cache_free_nocheck.  objcopy makes
# every other symbol it defines local, so nothing clashes with libmm.a;
# its undefined references (the page allocator, the port, slab_debug_*)
# resolve to libmm.a, and its free path uses no global variable of
# slab.c, so freeing through it works on the caches libmm.a created.
$(BENCH_OBJDIR)/tools/bench/slab_nocheck.o: mm/slab.c $(BENCH_FLAGS_STAMP) $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,BENCHCC,$@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -DSLAB_BENCH_NO_FREE_CHECK=1 -MF $(@:.o=.d) -MT $@ \
		-c $< -o $@.tmp
	$(Q)$(OBJCOPY) --redefine-sym kmem_cache_free=bench_kmem_cache_free_nocheck \
		--keep-global-symbol=bench_kmem_cache_free_nocheck $@.tmp $@
	@rm -f $@.tmp

$(BENCH_LIB): $(BENCH_LIB_OBJS)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BENCH_BIN): $(BENCH_TOOL_OBJS) $(BENCH_LIB)
	$(call say,BENCHLD,$@)
	$(Q)$(HOSTCC) -o $@ $(BENCH_TOOL_OBJS) $(BENCH_LIB) $(HOSTLIBS)

# ---- running --------------------------------------------------------------------

QEMU_FLAGS := -m $(MEM) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	$(if $(filter 1,$(KVM)),-enable-kvm -cpu host)

# The console is COM1 on this terminal; Ctrl-A X quits QEMU, Ctrl-A C
# switches to the QEMU monitor.  VGA=1 also opens a window with the VGA
# console.  `halt` ends QEMU with status 33, which tools/qemu-run.sh maps to 0.
run: $(KERNEL_ISO)
	tools/qemu-run.sh -cdrom $(KERNEL_ISO) $(QEMU_FLAGS) -serial mon:stdio \
		$(if $(filter 1,$(VGA)),,-display none)

# QEMU waits for gdb on :1234 before the first instruction; gdb loads the
# symbols and the helpers in tools/gdb/mm.gdb and owns this terminal.  The
# kernel's console is on TCP port DEBUG_PORT: `telnet localhost 4555` (or
# `nc localhost 4555`) in another terminal shows it and types into the
# shell.  See README.md.
DEBUG_PORT ?= 4555
debug: $(KERNEL_ISO)
	@echo "make debug: kernel console on tcp port $(DEBUG_PORT) (telnet localhost $(DEBUG_PORT))"
	tools/qemu-run.sh -cdrom $(KERNEL_ISO) $(QEMU_FLAGS) \
		-serial tcp::$(DEBUG_PORT),server=on,wait=off -monitor none \
		-display none -s -S & qemu=$$!; \
	gdb -q -x tools/gdb/mm.gdb $(KERNEL_ELF); \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

# ---- tests ----------------------------------------------------------------------

test: all
	@$(PYTHON) tools/run-tests.py --build $(BUILD) $(HOST_TEST_BINS)

test-host: host-tests
	@$(PYTHON) tools/run-tests.py --build $(BUILD) --host-only $(HOST_TEST_BINS)

# Line coverage of mm/ by the host suites (an instrumented build of its own).
coverage:
	@tools/coverage.sh $(BUILD)/coverage

test-qemu: kernel iso
	@$(PYTHON) tools/run-tests.py --build $(BUILD) --qemu-only

# ---- the lab ------------------------------------------------------------------------

# The lab's host build: mm optimised and without sanitizers (it measures
# cycles), in a tree of its own so that it never mixes with the
# sanitized objects of build/host.
LAB_HOST := $(BUILD)/lab-host
LAB_HOSTCFLAGS := -std=gnu11 -O2 -g -fno-omit-frame-pointer -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wpointer-arith -Wno-unused-parameter -I. -MD -MP
LAB_HOSTLIB := $(LAB_HOST)/libmm.a
MMLAB := $(BUILD)/tools/mmlab
TRACE_MALLOC := $(BUILD)/tools/trace-malloc.so

$(LAB_HOST)/%.o: %.c $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(LAB_HOSTCFLAGS) -c $< -o $@

$(LAB_HOSTLIB): $(HOSTLIB_SRCS:%.c=$(LAB_HOST)/%.o)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(MMLAB): $(LAB_HOST)/tools/mmlab.o $(LAB_HOSTLIB)
	@mkdir -p $(dir $@)
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) -o $@ $< $(LAB_HOSTLIB) $(HOSTLIBS)

# An LD_PRELOAD shim: position-independent, no sanitizer (it runs inside
# other programs).
$(TRACE_MALLOC): tools/trace-malloc.c $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -fPIC -shared -Wall -Wextra -Werror \
		-Wstrict-prototypes -Wmissing-prototypes -o $@ $< -lpthread

lab-tools: $(MMLAB) $(TRACE_MALLOC)

# A multi-threaded program test_lab_trace records with the shim; plain
# (a sanitized program would refuse the LD_PRELOAD).
TRACE_VICTIM := $(BUILD)/tools/trace-victim
$(TRACE_VICTIM): tests/host/trace_victim.c $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -Wall -Wextra -Werror -o $@ $< -lpthread

# test_lab_trace runs the shim on the victim: both come with the suites.
host-tests: $(TRACE_MALLOC) $(TRACE_VICTIM)

# Runs the standard set (tools/lab.py --help for its knobs), records two
# traces from real programs, plots with gnuplot, writes build/lab/report.md.
lab: lab-tools
	@$(PYTHON) tools/lab.py --build $(BUILD) $(if $(filter 1,$(RETRACE)),--retrace)

# The report again, without running anything (e.g. after make lab-kernel).
lab-report:
	@$(PYTHON) tools/lab.py --build $(BUILD) --report-only

# 512M unless MEM is given: the buddy allocator's replay of the Python trace
# needs ~400 MiB (a 128M guest reports most of it as failed).
LAB_MEM := $(if $(filter command line environment,$(origin MEM)),$(MEM),512M)
lab-kernel: kernel
	@KVM=$(KVM) $(PYTHON) tools/lab-kernel.py --build $(BUILD) --mem $(LAB_MEM)

lab-docs:
	@$(PYTHON) tools/lab.py --build $(BUILD) --publish docs/lab

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
