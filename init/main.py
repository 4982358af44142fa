# SPDX-License-Identifier: GPL-2.0-only
"""init/main.c: ``start_kernel()``, the early parameters and the initcall levels.

The port runs the parts of the boot that matter to memory management, in v4.9's
order; everything else in ``start_kernel`` (scheduler, interrupts, timers, VFS, …) has
no model and is skipped without a trace in the log. ``start_kernel(until=...)`` can stop
after a named stage (``STAGES``) so tests can look at the machine mid-boot:
``setup_arch`` (memblock, zones and mem_map exist), ``mm_init`` (the buddy allocator is
live and ``Memory:`` printed), ``initcalls`` (the whole boot: per-cpu pagesets, the
initcalls — watermarks among them — and the freeing of the __init memory).
"""

from cmaport.include.linux.init import (INITCALL_LEVELS, init_h, initcalls,
                                        setup_table)
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.panic import panic
from cmaport.kernel.params import core_param_bool, parameq, parameqn, parse_args
from cmaport.kernel.printk import KERN_DEBUG, pr_helpers, printk

# init/main.c defines DEBUG (for initcall_debug), so its pr_debug lines are compiled in.
_pr = pr_helpers("", debug=True)

# init/main.c: MAX_INIT_ARGS, MAX_INIT_ENVS (CONFIG_INIT_ENV_ARG_LIMIT, 32 by default).
MAX_INIT_ARGS = 32
MAX_INIT_ENVS = 32

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
    panic_later: str = None
    panic_param: str = None
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
        if parameqn(line, p.str, n):
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


def set_init_arg(param, val, unused, arg):
    """init/main.c: set_init_arg() — a word after ``--`` becomes an argument of init."""
    s = main_c.get()
    if s.panic_later:
        return 0
    line = param if val is None else f"{param}={val}"  # repair_env_string()
    for i in range(len(s.argv_init)):
        if i == MAX_INIT_ARGS:
            s.panic_later = "init"
            s.panic_param = line
            return 0
    s.argv_init.append(line)
    return 0


def unknown_bootoption(param, val, doing, arg):
    """init/main.c: unknown_bootoption() — hand what no parameter claims to init."""
    s = main_c.get()
    line = param if val is None else f"{param}={val}"  # repair_env_string()
    if obsolete_checksetup(line):
        return 0
    # An unused module parameter ("module.param=..."): the dot is in the name part.
    if "." in param:
        return 0
    if s.panic_later:
        return 0
    if val is not None:
        # an environment variable replaces one of the same NAME=
        envp = s.envp_init
        i = 0
        while i < len(envp):
            if i == MAX_INIT_ENVS:
                s.panic_later = "env"
                s.panic_param = line
            if envp[i][:len(param) + 1] == line[:len(param) + 1]:
                break
            i += 1
        if i < len(envp):
            envp[i] = line
        else:
            envp.append(line)
    else:
        for i in range(len(s.argv_init)):
            if i == MAX_INIT_ARGS:
                s.panic_later = "init"
                s.panic_param = line
        s.argv_init.append(line)
    return 0


def setup_command_line(command_line):
    """init/main.c: setup_command_line() — keep copies of the command line."""
    s = main_c.get()
    ih = init_h.get()
    ih.saved_command_line = ih.boot_command_line
    s.initcall_command_line = ih.boot_command_line
    s.static_command_line = command_line


def _store_initcall_debug(value):
    """Model-only: where ``core_param(initcall_debug, …)`` stores its value."""
    main_c.get().initcall_debug = value


# init/main.c's part of the __param section (the only kernel_param the model has):
# core_param(initcall_debug, initcall_debug, bool, 0644).
__param = (core_param_bool("initcall_debug", _store_initcall_debug),)


def do_one_initcall_debug(fn):
    """init/main.c: do_one_initcall_debug() — run ``fn`` between two KERN_DEBUG lines."""
    m = this_machine()
    printk(KERN_DEBUG + "calling  %pF @ %i\n", fn, m.current_pid)
    calltime = m.clock_ns
    ret = fn()
    duration = (m.clock_ns - calltime) >> 10
    printk(KERN_DEBUG + "initcall %pF returned %d after %lld usecs\n", fn, ret or 0, duration)
    return ret


def do_one_initcall(fn):
    """init/main.c: do_one_initcall() — run one initcall (logged with ``initcall_debug``).

    Model: there is no preemption count or interrupt state to find unbalanced.
    """
    if main_c.get().initcall_debug:
        return do_one_initcall_debug(fn)
    return fn()


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


def mm_init():
    """init/main.c: mm_init() — the memory allocators (the page allocator goes live here).

    page_ext_init_flatmem(), kmem_cache_init(), percpu_init_late(), pgtable_init(),
    vmalloc_init() and ioremap_huge_init() have no model.
    """
    from cmaport.arch.arm.mm.init import mem_init

    mem_init()


def kernel_init_freeable():
    """init/main.c: kernel_init_freeable() — the part of init (pid 1) that runs the initcalls.

    From here blocking allocations are allowed (``gfp_allowed_mask``). Scheduler, SMP
    bring-up, lockup detector, the console and the root file system have no model.
    """
    from cmaport.include.linux.gfp import __GFP_BITS_MASK
    from cmaport.mm.page_alloc import page_alloc_c, page_alloc_init_late

    # Now the scheduler is up and blocking allocations are fine.
    page_alloc_c.get().gfp_allowed_mask = __GFP_BITS_MASK
    do_pre_smp_initcalls()
    page_alloc_init_late()
    do_basic_setup()


def do_basic_setup():
    """init/main.c: do_basic_setup() — the driver model and the initcalls (only these are modelled)."""
    from cmaport.drivers.base.init import driver_init

    driver_init()
    do_initcalls()


def kernel_init(unused=None):
    """init/main.c: kernel_init() — pid 1: the initcalls, then free the __init memory.

    Model: there is no user space to start; the boot ends once the kernel is running.
    """
    from cmaport.arch.arm.mm.init import free_initmem
    from cmaport.mm.page_alloc import page_alloc_c

    m = this_machine()
    m.current_pid = 1  # the init task runs as pid 1 (comm "swapper/0" until it execs)
    kernel_init_freeable()
    free_initmem()
    # mark_readonly(): the section permissions belong to the MMU model.
    page_alloc_c.get().system_booting = False  # system_state = SYSTEM_RUNNING
    return 0


def rest_init():
    """init/main.c: rest_init() — start init (pid 1) and kthreadd; the boot CPU goes idle.

    Model: kernel_init runs to completion as a direct call; there is no scheduler.
    """
    kernel_init(None)


def start_kernel(until=None):
    """init/main.c: start_kernel() — the generic boot, on the running machine.

    Reads the boot hand-over (``arch/arm/kernel/head.py``), then follows v4.9's order as far
    as the model goes: ``setup_arch`` (memblock, zones and mem_map), the zonelists, the
    command line and the parameters, ``mm_init`` (the page allocator goes live and prints
    ``Memory:``), the per-cpu pagesets, then ``rest_init`` with the initcalls.
    """
    from cmaport.arch.arm.kernel.head import stext
    from cmaport.arch.arm.kernel.setup import setup_arch, smp_setup_processor_id
    from cmaport.mm.page_alloc import build_all_zonelists, page_alloc_init, setup_per_cpu_pageset

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
    # setup_nr_cpu_ids(), setup_per_cpu_areas(), smp_prepare_boot_cpu(): not modelled.
    if until == "setup_arch":
        return

    build_all_zonelists(None, None)
    page_alloc_init()

    _pr.notice("Kernel command line: %s\n", init_h.get().boot_command_line)
    parse_early_param()
    after_dashes = parse_args("Booting kernel", s.static_command_line, __param, -1, -1, None,
                              unknown_bootoption)
    if isinstance(after_dashes, str):
        parse_args("Setting init args", after_dashes, (), -1, -1, None, set_init_arg)

    # setup_log_buf(), pidhash_init(), vfs_caches_init_early(), trap_init(): not modelled.
    mm_init()
    if until == "mm_init":
        return

    # sched_init() … rcu_init(): not modelled.
    # Trace points may be used from here on.
    from cmaport.kernel.trace.trace import trace_init

    trace_init()
    # context_tracking_init() … console_init(): not modelled.
    if s.panic_later:
        panic("Too many boot %s vars at `%s'", s.panic_later, s.panic_param)
    # lockdep_info() … page_ext_init(), kmemleak_init(): not modelled.
    setup_per_cpu_pageset()
    # numa_policy_init() … check_bugs(): not modelled.
    rest_init()
    m.booted = True
