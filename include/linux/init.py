# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/init.h: ``early_param``, ``__setup`` and the initcall levels.

These macros place entries in linker sections that the kernel walks in link order:
``.init.setup`` (``obs_kernel_param``) and ``.initcallN.init``. In the port they are
decorators that fill module-level tables when a module is imported. The tables are code,
not state: they never change while a machine runs. Readers get them back in the kernel's
link order (``LINK_ORDER`` below), whatever order Python imported the modules in, and
only the entries of objects the running machine's configuration builds
(``obj-$(CONFIG_X)``: ``LINK_ORDER`` names the symbol; ``link_table``).

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
# An entry is a module name (always built: obj-y), or ``(module, "CONFIG_X")`` for an
# object its Makefile builds only with that symbol (``obj-$(CONFIG_X) += x.o``): without
# it, its table entries (early_param/__setup, initcalls, RESERVEDMEM_OF_DECLARE, …) are
# not in the image.
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
    ("cmaport.mm.cma", "CONFIG_CMA"),                 # mm/Makefile: obj-$(CONFIG_CMA) += cma.o
    ("cmaport.mm.cma_debug", "CONFIG_CMA_DEBUGFS"),   # obj-$(CONFIG_CMA_DEBUGFS) += cma_debug.o
    "cmaport.lib.bitmap",
    # drivers/Makefile: video/ (line 20), amba/ (31), base/ (69), misc/ (69), of/ (139)
    "cmaport.drivers.video.fbdev.amba_clcd",
    "cmaport.drivers.base.dma_mapping",
    # drivers/base/Makefile: obj-$(CONFIG_DMA_CMA) += dma-contiguous.o
    ("cmaport.drivers.base.dma_contiguous", "CONFIG_DMA_CMA"),
    "cmaport.drivers.base.dma_coherent",
    "cmaport.drivers.misc.dma_client",
    # drivers/of/Makefile: base.o device.o platform.o fdt.o ... address.o ... of_reserved_mem.o
    "cmaport.drivers.of.platform",
    "cmaport.drivers.of.fdt",
    "cmaport.drivers.of.of_reserved_mem",
)


def _link_entry(entry):
    """Model-only: ``(module, condition or None)`` of one ``LINK_ORDER`` entry."""
    return (entry, None) if isinstance(entry, str) else entry


_LINK_INDEX = {_link_entry(e)[0]: i for i, e in enumerate(LINK_ORDER)}
_LINK_CONDITION = {m: c for m, c in map(_link_entry, LINK_ORDER) if c is not None}


def link_vmlinux():
    """Model-only: make sure every module of ``LINK_ORDER`` that exists is imported.

    The linker puts the table entries of every built-in object into the image; the port's
    equivalent of "linked in" is "imported". Every reader of a linker-built table calls
    this first, so the table is complete whoever imported what before. Importing is
    idempotent, so this holds no state of its own. (Whether an object is built with the
    running machine's configuration is ``built_in()``'s question.)
    """
    for module, _ in map(_link_entry, LINK_ORDER):
        if module not in sys.modules and importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def link_position(module):
    """Model-only: where a module's table entries sit in the link order.

    A module missing from ``LINK_ORDER`` sorts after all listed ones (then by the order
    its entries were registered), so forgetting to list it cannot reorder the others.
    """
    return _LINK_INDEX.get(module, len(LINK_ORDER))


def built_in(module):
    """Model-only: is ``module``'s object in the image of the running machine's configuration?

    True for an object its Makefile always builds (and for a module missing from
    ``LINK_ORDER``); for a ``(module, "CONFIG_X")`` entry, ``IS_ENABLED("CONFIG_X")``. With
    no machine running there is no configuration to ask: every object counts.
    """
    from cmaport.kernel.machine import _running

    condition = _LINK_CONDITION.get(module)
    if condition is None:
        return True
    m = _running.get()
    return m is None or bool(m.config.get(condition))


def link_table(entries):
    """Model-only: a linker-built table as the running machine's image has it.

    ``entries`` are the registered entries of one table, each with ``module`` (the Python
    module that registered it) and ``seq`` (registration order). Returns those whose
    object is built with the running machine's configuration (``built_in``), sorted in
    link order, then in registration order. Every reader of a table built from
    ``LINK_ORDER`` modules uses this (``setup_table``, ``initcalls``,
    drivers/of's ``__reservedmem_of_table``).
    """
    link_vmlinux()
    return sorted((e for e in entries if built_in(e.module)),
                  key=lambda e: (link_position(e.module), e.seq))


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
        """include/linux/init.h: early_param() — the decorator: ``fn`` handles ``name``."""
        return __setup_param(name, fn, True)

    return register


def __setup(name):
    """include/linux/init.h: __setup() — an obsolete-style handler, matched by prefix."""

    def register(fn):
        """include/linux/init.h: __setup() — the decorator: ``fn`` handles ``name``."""
        return __setup_param(name, fn, False)

    return register


def setup_table():
    """Model-only: the ``__setup_start..__setup_end`` table of the running machine's image, in link order."""
    return link_table(_setup_entries)


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
    """include/linux/init.h: __define_initcall() — the decorator of one initcall level."""
    def register(fn):
        """include/linux/init.h: __define_initcall() — put ``fn`` in this level's section."""
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
    """Model-only: the functions of one initcall level in the running machine's image,
    in link order, then its sync ones."""

    def of_level(name):
        """Model-only: the functions of one level name (plain or ``_sync``), in link order."""
        return [e.fn for e in link_table(e for e in _initcalls if e.level == name)]

    return of_level(level) + of_level(level + "_sync")


# Model: the strings declared in include/linux/init.h (defined in init/main.c), kept
# per machine. COMMAND_LINE_SIZE is 1024 on ARM (asm/setup.h).
COMMAND_LINE_SIZE = 1024


@statics
class init_h:
    """The command-line strings of include/linux/init.h, one set per machine."""

    boot_command_line: str = ""
    saved_command_line: str = ""
