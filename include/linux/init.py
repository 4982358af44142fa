# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/init.h: ``early_param``, ``__setup`` and the initcall levels.

These macros place entries in linker sections that the kernel walks in link order:
``.init.setup`` (``obs_kernel_param``) and ``.initcallN.init``. In the port they are
decorators that fill module-level tables when a module is imported. The tables are code,
not state: they never change while a machine runs. Readers get them back in the kernel's
link order (``LINK_ORDER`` below), whatever order Python imported the modules in.

A parameter handler keeps the C signature: it takes the value string (``None`` when the
option had no ``=``) and returns 0 or an error; it finds its machine with
``this_machine()``. An initcall takes no argument and returns 0 or an error.
"""

import importlib
import importlib.util
import itertools
import sys

import attrs

from cmaport.kernel.machine import statics

# Model-only: the vmlinux link order of the port's modules that put entries in these
# tables (top-level Makefile: init-y, then core-y = arch/arm/{kernel,mm}/, kernel/, mm/,
# then libs-y, then drivers-y; inside a folder the order of its Makefile's obj-y).
LINK_ORDER = (
    "cmaport.init.main",
    "cmaport.arch.arm.kernel.setup",
    "cmaport.arch.arm.kernel.devtree",
    "cmaport.arch.arm.mm.init",
    "cmaport.arch.arm.mm.mmu",
    "cmaport.arch.arm.mm.dma_mapping",
    "cmaport.arch.arm.mach_vexpress.v2m",
    "cmaport.kernel.printk",
    "cmaport.kernel.params",
    "cmaport.kernel.trace.trace_events",
    "cmaport.mm.page_alloc",
    "cmaport.mm.vmstat",
    "cmaport.mm.compaction",
    "cmaport.mm.memblock",
    "cmaport.mm.page_isolation",
    "cmaport.mm.cma",
    "cmaport.mm.cma_debug",
    "cmaport.lib.bitmap",
    # drivers/Makefile: video/ (line 20), amba/ (31), base/ (69), misc/ (69), of/ (139)
    "cmaport.drivers.video.fbdev.amba_clcd",
    "cmaport.drivers.base.dma_mapping",
    "cmaport.drivers.base.dma_contiguous",
    "cmaport.drivers.base.dma_coherent",
    "cmaport.drivers.misc.dma_client",
    # drivers/of/Makefile: base.o device.o platform.o fdt.o ... address.o ... of_reserved_mem.o
    "cmaport.drivers.of.platform",
    "cmaport.drivers.of.fdt",
    "cmaport.drivers.of.of_reserved_mem",
)

_LINK_INDEX = {name: i for i, name in enumerate(LINK_ORDER)}


def link_vmlinux():
    """Model-only: make sure every module of ``LINK_ORDER`` that exists is imported.

    The linker puts the table entries of every built-in object into the image; the port's
    equivalent of "linked in" is "imported". Every reader of a linker-built table calls
    this first, so the table is complete whoever imported what before. Importing is
    idempotent, so this holds no state of its own.
    """
    for module in LINK_ORDER:
        if module not in sys.modules and importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def link_position(module):
    """Model-only: where a module's table entries sit in the link order.

    A module missing from ``LINK_ORDER`` sorts after all listed ones (then by the order
    its entries were registered), so forgetting to list it cannot reorder the others.
    """
    return _LINK_INDEX.get(module, len(LINK_ORDER))


_sequence = itertools.count()


@attrs.frozen
class obs_kernel_param:
    """include/linux/init.h: struct obs_kernel_param — one ``__setup``/``early_param`` entry."""

    str: str
    setup_func: object
    early: bool
    module: str
    seq: int


_setup_entries = []


def __setup_param(str_, fn, early):
    """include/linux/init.h: __setup_param() — add one entry to the ``.init.setup`` table."""
    _setup_entries.append(obs_kernel_param(str_, fn, early, fn.__module__, next(_sequence)))
    return fn


def early_param(name):
    """include/linux/init.h: early_param() — a handler run by ``parse_early_param``."""

    def register(fn):
        return __setup_param(name, fn, True)

    return register


def __setup(name):
    """include/linux/init.h: __setup() — an obsolete-style handler, matched by prefix."""

    def register(fn):
        return __setup_param(name, fn, False)

    return register


def setup_table():
    """Model-only: the ``__setup_start..__setup_end`` table in link order."""
    link_vmlinux()
    return sorted(_setup_entries, key=lambda e: (link_position(e.module), e.seq))


# include/linux/init.h: the initcall levels, in the order do_initcalls() runs them.
INITCALL_LEVELS = ("early", "core", "postcore", "arch", "subsys", "fs", "device", "late")


@attrs.frozen
class initcall_entry:
    """Model-only: one function in an ``.initcallN.init`` section."""

    level: str
    fn: object
    module: str
    seq: int


_initcalls = []


def _initcall(level):
    def register(fn):
        _initcalls.append(initcall_entry(level, fn, fn.__module__, next(_sequence)))
        return fn

    return register


early_initcall = _initcall("early")
core_initcall = _initcall("core")
postcore_initcall = _initcall("postcore")
arch_initcall = _initcall("arch")
subsys_initcall = _initcall("subsys")
fs_initcall = _initcall("fs")
device_initcall = _initcall("device")
late_initcall = _initcall("late")
module_init = device_initcall

# include/linux/init.h: the "sync" variants. Their section (.initcallNs.init) follows the
# level's plain one in the linker script, so they run after all of the level's plain
# initcalls, in link order. Model: a sync level is not a level of its own; initcalls()
# returns it after the plain entries of the same level.
core_initcall_sync = _initcall("core_sync")
postcore_initcall_sync = _initcall("postcore_sync")
arch_initcall_sync = _initcall("arch_sync")
subsys_initcall_sync = _initcall("subsys_sync")
fs_initcall_sync = _initcall("fs_sync")
device_initcall_sync = _initcall("device_sync")
late_initcall_sync = _initcall("late_sync")


def initcalls(level):
    """Model-only: the functions of one initcall level, in link order, then its sync ones."""
    link_vmlinux()

    def of_level(name):
        return [e.fn for e in sorted((e for e in _initcalls if e.level == name),
                                     key=lambda e: (link_position(e.module), e.seq))]

    return of_level(level) + of_level(level + "_sync")


# Model: the strings declared in include/linux/init.h (defined in init/main.c), kept
# per machine. COMMAND_LINE_SIZE is 1024 on ARM (asm/setup.h).
COMMAND_LINE_SIZE = 1024


@statics
class init_h:
    """The command-line strings of include/linux/init.h, one set per machine."""

    boot_command_line: str = ""
    saved_command_line: str = ""
