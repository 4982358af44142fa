# SPDX-License-Identifier: GPL-2.0-only
"""init/main.c: ``start_kernel()``, the early parameters and the initcall levels.

The port runs the parts of the boot that matter to memory management, in v4.9's
order; everything else in ``start_kernel`` (scheduler, interrupts, timers, VFS, …) has
no model and is skipped without a trace in the log. ``start_kernel(until=...)`` can stop
after a named stage (``STAGES``) so tests can look at the machine mid-boot.
"""

from cmaport.include.linux.init import (INITCALL_LEVELS, early_param, init_h, initcalls,
                                        setup_table)
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.params import parameq, parse_args
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")

# The stages start_kernel() can stop after.
STAGES = ("setup_arch", "mm_init", "initcalls")

# init/version.c: linux_banner (the model's own build identification).
linux_banner = "Linux version 4.9.0-cmaport (cmaport@model) (Python port of v4.9) #1 SMP\n"


@statics
class main_c:
    """The file-scope variables of init/main.c."""

    early_param_done: bool = False
    static_command_line: str = ""
    initcall_command_line: str = ""
    argv_init: list = None
    envp_init: list = None
    initcall_debug: bool = False


def do_early_param(param, val, unused, arg):
    """init/main.c: do_early_param() — run every early handler registered for ``param``."""
    for p in setup_table():
        if (p.early and parameq(param, p.str)) or (param == "console" and p.str == "earlycon"):
            if p.setup_func(val) != 0:
                _pr.warn("Malformed early option '%s'\n", param)
    return 0


def parse_early_options(cmdline):
    """init/main.c: parse_early_options()."""
    parse_args("early options", cmdline, (), 0, 0, None, do_early_param)


def parse_early_param():
    """init/main.c: parse_early_param() — once per boot, on a copy of the command line."""
    s = main_c.get()
    if s.early_param_done:
        return
    parse_early_options(init_h.get().boot_command_line)
    s.early_param_done = True


def obsolete_checksetup(line):
    """init/main.c: obsolete_checksetup() — the non-early ``__setup`` handlers, by prefix."""
    had_early_param = False
    for p in setup_table():
        n = len(p.str)
        if line[:n] == p.str:
            if p.early:
                # Early handlers already ran; a bare "option" (no '=') counts as handled.
                if len(line) == n or line[n] == "=":
                    had_early_param = True
            elif not p.setup_func:
                _pr.warn("Parameter %s is obsolete, ignored\n", p.str)
                return True
            elif p.setup_func(line[n:]):
                return True
    return had_early_param


def unknown_bootoption(param, val, doing, arg):
    """init/main.c: unknown_bootoption() — hand what no parameter claims to init."""
    s = main_c.get()
    line = param if val is None else f"{param}={val}"
    if obsolete_checksetup(line):
        return 0
    # An unused module parameter ("module.param=...").
    dot = param.find(".")
    if dot >= 0:
        return 0
    if val is not None:
        s.envp_init.append(line)
    else:
        s.argv_init.append(param)
    return 0


def setup_command_line(command_line):
    """init/main.c: setup_command_line() — keep copies of the command line."""
    s = main_c.get()
    ih = init_h.get()
    ih.saved_command_line = ih.boot_command_line
    s.initcall_command_line = ih.boot_command_line
    s.static_command_line = command_line


@early_param("initcall_debug")
def _initcall_debug(val):
    """init/main.c: core_param(initcall_debug) — log each initcall (early-param form).

    Model: v4.9 has it as a core_param; registering it as an early parameter gives the
    same effect before the initcalls run.
    """
    main_c.get().initcall_debug = True
    return 0


def do_one_initcall(fn):
    """init/main.c: do_one_initcall() — run one initcall (with ``initcall_debug`` lines)."""
    s = main_c.get()
    if s.initcall_debug:
        _pr.debug("calling  %pF @ %i\n", fn, 1)
    ret = fn()
    if ret and ret != 0 and s.initcall_debug:
        _pr.debug("initcall %pF returned %d after %lld usecs\n", fn, ret, 0)
    return ret


def do_initcall_level(level):
    """init/main.c: do_initcall_level() — every initcall of one level, in link order."""
    for fn in initcalls(level):
        do_one_initcall(fn)


def do_pre_smp_initcalls():
    """init/main.c: do_pre_smp_initcalls() — the early initcalls."""
    do_initcall_level("early")


def do_initcalls():
    """init/main.c: do_initcalls() — levels core … late (early ran before SMP start)."""
    for level in INITCALL_LEVELS[1:]:
        do_initcall_level(level)


def start_kernel(until=None):
    """init/main.c: start_kernel() — the generic boot, on the running machine.

    Reads the boot hand-over (``arch/arm/kernel/head.py``), then follows v4.9's order as far
    as the model goes: ``setup_arch``, the command line, the early and normal parameters.
    """
    from cmaport.arch.arm.kernel.head import stext
    from cmaport.arch.arm.kernel.setup import setup_arch, smp_setup_processor_id

    if until is not None and until not in STAGES:
        raise ValueError(f"unknown boot stage {until!r}; one of {', '.join(STAGES)}")
    m = this_machine()
    s = main_c.get()
    s.argv_init = ["init"]
    s.envp_init = ["HOME=/", "TERM=linux"]

    stext(m)
    smp_setup_processor_id()
    _pr.notice("%s", linux_banner)
    command_line = setup_arch()
    setup_command_line(command_line)
    if until == "setup_arch":
        return

    _pr.notice("Kernel command line: %s\n", init_h.get().boot_command_line)
    parse_early_param()
    after_dashes = parse_args("Booting kernel", s.static_command_line, (), -1, -1, None,
                              unknown_bootoption)
    if isinstance(after_dashes, str) and after_dashes:
        s.argv_init.extend(after_dashes.split())
    # Model: the page allocator, mm_init() and the initcalls come with the next steps of
    # the port; the boot stops here.
    m.booted = True
