# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/of_reserved_mem.c (+ include/linux/of_reserved_mem.h): ``/reserved-memory`` regions.

The early scan (drivers/of/fdt.c) saves every region node in a table of 16: static
regions (``reg``) already reserved, dynamic ones (``size``) with base and size 0.
fdt_init_reserved_mem() then sorts the table by base with the kernel's unstable
heapsort (lib/sort.py), prints overlaps between static neighbours, allocates the
dynamic regions top-down from memblock and hands every region to the first
``RESERVEDMEM_OF_DECLARE`` handler whose compatible matches and which accepts it
(the CMA handler of drivers/base/dma-contiguous.c before the DMA-pool handler of
drivers/base/dma-coherent.c, by link order).

v4.9 facts kept (see shared/reference/v4.9-vs-v6.1.md §7): the sort key is ``base``
only, so the dynamic regions (all at 0) come first in the order the heapsort leaves
them and are allocated before any static region is initialised; dynamic regions are
never checked for overlap; a failed allocation or a refusing handler gives nothing back.

Devices: of_reserved_mem_device_init_by_idx() attaches a region to a device through
the device node's ``memory-region`` phandle list (the region's ``ops->device_init``
does the work, e.g. the DMA pool of drivers/base/dma-coherent.c), records the pair in a
list (newest first) and prints ``<driver> <device>: assigned reserved memory node …``;
of_reserved_mem_device_release() undoes the first pair found for the device. v4.9 has
no of_reserved_mem_lookup() (it came in v4.17) and does not check whether the target
node is enabled (6.1 does).
"""

import itertools

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.drivers.of.fdt import (
    _cells_unusable, _flat_node_path, _phys_cut, _t_len, be32_to_cpup, dt_mem_next_cell, fdt_c,
    of_flat_dt_is_compatible, of_get_flat_dt_prop, of_read_number,
)
from cmaport.include.linux.errno import EINVAL, ENODEV, ENOENT, ENOMEM
from cmaport.include.linux.init import link_table
from cmaport.include.linux.sizes import SZ_1M
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.sort import sort

pr_fmt = "OF: reserved mem: "
_pr = pr_helpers(pr_fmt)
pr_err, pr_info, pr_debug = _pr.err, _pr.info, _pr.debug

MAX_RESERVED_REGIONS = 16

_U32 = 0xFFFFFFFF  # phys_addr_t and unsigned long are 32-bit

# sizeof(struct reserved_mem) on 32-bit ARM: seven 4-byte fields (only handed to sort()).
SIZEOF_RESERVED_MEM = 28


# -- include/linux/of_reserved_mem.h ---------------------------------------------

@attrs.define(slots=True, eq=False)
class reserved_mem:
    """include/linux/of_reserved_mem.h: struct reserved_mem — one region.

    ``name`` is the node's name (``linux,cma``, ``region@38000000``), ``fdt_node`` its
    offset in the boot blob, ``ops`` the handler's ``reserved_mem_ops``, ``priv`` the
    handler's object (the ``struct cma`` of a CMA region, the DMA pool of a coherent one).
    """

    name: str = None
    fdt_node: int = 0
    phandle: int = 0
    ops: object = None
    base: int = 0
    size: int = 0
    priv: object = None


@attrs.define(slots=True)
class reserved_mem_ops:
    """include/linux/of_reserved_mem.h: struct reserved_mem_ops — what a device gets.

    ``device_init(rmem, dev)`` → 0 or an error; ``device_release(rmem, dev)``.
    """

    device_init: object = None
    device_release: object = None


@attrs.frozen
class of_device_id:
    """include/linux/mod_devicetable.h: struct of_device_id — one ``RESERVEDMEM_OF_DECLARE`` entry.

    ``data`` is the ``reservedmem_of_init_fn``: ``init(rmem)`` → 0 to take the region.
    ``name``, ``module`` and ``seq`` are model-only: the C symbol name
    (``__of_table_<name>``) and where the entry sits in the link order.
    """

    name: str
    compatible: str
    data: object
    module: str
    seq: int


# The __reservedmem_of_table section: code, filled when the modules are imported.
_reservedmem_of_entries = []
_reservedmem_seq = itertools.count()


def RESERVEDMEM_OF_DECLARE(compat, name=None):
    """include/linux/of_reserved_mem.h: RESERVEDMEM_OF_DECLARE() — register a region handler.

    Used as a decorator on the init function::

        @RESERVEDMEM_OF_DECLARE("shared-dma-pool", name="cma")
        def rmem_cma_setup(rmem): ...

    The entry goes into the static ``__reservedmem_of_table`` in link order (the module's
    place in ``init/main``'s ``LINK_ORDER``), then in registration order.
    """

    def register(fn):
        """include/linux/of_reserved_mem.h: RESERVEDMEM_OF_DECLARE() — add ``fn`` to the table."""
        _reservedmem_of_entries.append(of_device_id(
            name if name is not None else fn.__name__, compat, fn, fn.__module__,
            next(_reservedmem_seq)))
        return fn

    return register


def __reservedmem_of_table():
    """Model-only: the linker-built ``__reservedmem_of_table[]`` of the running machine's image.

    ``link_table()`` (include/linux/init.py) imports every module of the link order, keeps
    the entries whose object the configuration builds (no ``rmem_cma_setup`` without
    CONFIG_DMA_CMA) and sorts them in link order, then in registration order.
    """
    return link_table(_reservedmem_of_entries)


@statics
class of_reserved_mem_c:
    """drivers/of/of_reserved_mem.c: its file-scope variables.

    ``reserved_mem`` is the static array of ``MAX_RESERVED_REGIONS`` structures (all
    zero at boot), ``reserved_mem_count`` how many of them are in use.
    """

    reserved_mem: list = attrs.Factory(
        lambda: [reserved_mem() for _ in range(MAX_RESERVED_REGIONS)])
    reserved_mem_count: int = 0


def early_init_dt_alloc_reserved_memory_arch(size, align, start, end, nomap):
    """drivers/of/of_reserved_mem.c: early_init_dt_alloc_reserved_memory_arch() — allocate a region.

    A top-down memblock allocation below ``end`` (``0`` means anywhere); a result below
    ``start`` is freed again and counts as a failure: there is no search restricted to
    ``[start, end)``. With ``nomap`` the range is then removed from memory (it stays
    reserved). ARM does not override this ``__weak`` function.

    :return: ``(ret, base)``: 0, ``-ENOMEM`` or memblock_remove()'s error, and the value
        written to ``*res_base`` (``None`` where C leaves it alone)
    """
    from cmaport.mm.memblock import (MEMBLOCK_ALLOC_ANYWHERE, __memblock_alloc_base,
                                     memblock_free, memblock_remove)

    # memblock_alloc_base() would panic on failure, hence the __ variant
    end = MEMBLOCK_ALLOC_ANYWHERE if not end else end
    base = __memblock_alloc_base(size, align, end)
    if not base:
        return -ENOMEM, None

    # the allocation only had an upper bound: check the lower one now
    if base < start:
        memblock_free(base, size)
        return -ENOMEM, None

    res_base = base
    if nomap:
        return memblock_remove(base, size), res_base
    return 0, res_base


def fdt_reserved_mem_save_node(node, uname, base, size):
    """drivers/of/of_reserved_mem.c: fdt_reserved_mem_save_node() — add a region to the table.

    When all 16 slots are used, the region is dropped with a message (static regions
    stay reserved all the same).
    """
    s = of_reserved_mem_c.get()

    # C takes &reserved_mem[count] before the check (one past the end when full)
    if s.reserved_mem_count == len(s.reserved_mem):
        pr_err("not enough space all defined regions.\n")
        return
    rmem = s.reserved_mem[s.reserved_mem_count]

    rmem.fdt_node = node
    rmem.name = uname
    rmem.base = base
    rmem.size = size

    s.reserved_mem_count += 1
    return


def __reserved_mem_alloc_size(node, uname):
    """drivers/of/of_reserved_mem.c: __reserved_mem_alloc_size() — allocate a dynamic region.

    ``size`` must have ``#size-cells`` cells; ``alignment`` (optional) must have
    ``#address-cells`` cells (sic). With ``CONFIG_CMA``, a ``shared-dma-pool`` node that is
    ``reusable`` and not ``no-map`` gets at least the CMA alignment
    (``PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)``, 8 MiB by default) — the
    alignment only, not the size. ``alloc-ranges`` windows are tried in order (the first
    success wins); without them the region comes from the top of all memory.

    :return: ``(0, base, size)``, or ``(error, None, None)`` (``*res_base``/``*res_size``
        untouched)
    """
    s = fdt_c.get()
    t_len = _t_len()
    start = end = 0
    base = 0
    align = 0

    prop, len_ = of_get_flat_dt_prop(node, "size")
    if prop is None:
        return -EINVAL, None, None

    # C compares an int with a size_t: both as unsigned
    if len_ != (s.dt_root_size_cells * 4) & _U32:
        pr_err("invalid size property in '%s' node.\n", uname)
        return -EINVAL, None, None
    size, prop = dt_mem_next_cell(s.dt_root_size_cells, prop)
    size = _phys_cut(node, "size", size)

    nomap = of_get_flat_dt_prop(node, "no-map")[0] is not None

    prop, len_ = of_get_flat_dt_prop(node, "alignment")
    if prop is not None:
        if len_ != (s.dt_root_addr_cells * 4) & _U32:
            pr_err("invalid alignment property in '%s' node.\n", uname)
            return -EINVAL, None, None
        align, prop = dt_mem_next_cell(s.dt_root_addr_cells, prop)
        align = _phys_cut(node, "alignment", align)
        if align & (align - 1):  # Model: v4.9 is silent
            this_machine().diagnose(
                "drivers/of/of_reserved_mem.c", "%s: alignment %#x is not a power of two; "
                "memblock's round_down() assumes one (it masks with alignment - 1), so the "
                "placement follows the mask, not the alignment" % (_flat_node_path(node), align))

    # a CMA area must be aligned to what the buddy allocator and pageblocks need
    if (IS_ENABLED("CONFIG_CMA")
            and of_flat_dt_is_compatible(node, "shared-dma-pool")
            and of_get_flat_dt_prop(node, "reusable")[0] is not None
            and of_get_flat_dt_prop(node, "no-map")[0] is None):
        config = this_machine().config
        order = max(config.MAX_ORDER - 1, config.pageblock_order)

        align = max(align, (PAGE_SIZE << order) & _U32)

    prop, len_ = of_get_flat_dt_prop(node, "alloc-ranges")
    if prop is not None:

        if _cells_unusable("__reserved_mem_alloc_size"):
            # Model: C divides by zero or reads ~2^32 cells here; skip the node.
            return -EINVAL, None, None
        if len_ % t_len != 0:
            pr_err("invalid alloc-ranges property in '%s', skipping node.\n", uname)
            return -EINVAL, None, None

        base = 0

        while len_ > 0:
            start, prop = dt_mem_next_cell(s.dt_root_addr_cells, prop)
            start = _phys_cut(node, "alloc-ranges start", start)
            window, prop = dt_mem_next_cell(s.dt_root_size_cells, prop)
            end = (start + window) & _U32  # a u64 sum stored in a phys_addr_t

            ret, res_base = early_init_dt_alloc_reserved_memory_arch(size, align, start, end,
                                                                     nomap)
            if res_base is not None:
                base = res_base
            if ret == 0:
                pr_debug("allocated memory for '%s' node: base %pa, size %ld MiB\n",
                         uname, base, size // SZ_1M)
                break
            len_ -= t_len

    else:
        ret, res_base = early_init_dt_alloc_reserved_memory_arch(size, align, 0, 0, nomap)
        if res_base is not None:
            base = res_base
        if ret == 0:
            pr_debug("allocated memory for '%s' node: base %pa, size %ld MiB\n",
                     uname, base, size // SZ_1M)

    if base == 0:
        pr_info("failed to allocate memory for node '%s'\n", uname)
        return -ENOMEM, None, None

    return 0, base, size


def __reserved_mem_init_node(rmem):
    """drivers/of/of_reserved_mem.c: __reserved_mem_init_node() — give the region to its handler.

    The table is walked in link order; entries whose compatible the node lacks are
    skipped; the first init function that returns 0 takes the region. One that refuses
    lets the walk go on to the next matching entry (so ``shared-dma-pool`` goes from the
    CMA handler to the DMA-pool handler).

    :return: 0, or ``-ENOENT`` when no handler took the region (the caller ignores it)
    """
    handled = False  # Model-only: did any entry's compatible match?
    for i in __reservedmem_of_table():
        initfn = i.data
        compat = i.compatible

        if not of_flat_dt_is_compatible(rmem.fdt_node, compat):
            continue
        handled = True

        if initfn(rmem) == 0:
            pr_info("initialized node %s, compatible id %s\n", rmem.name, compat)
            return 0
    if not handled:
        _diagnose_unhandled_compatible(rmem)
    return -ENOENT


def _diagnose_unhandled_compatible(rmem):
    """Model-only: a region whose ``compatible`` no ``RESERVEDMEM_OF_DECLARE`` entry takes.

    The region stays reserved (or out of memory, with ``no-map``) and nothing initialises
    it at boot; v4.9 says nothing. (v4.9 multi_v7 links only the two ``shared-dma-pool``
    handlers: the qbman and ion ones are not built.) A node without ``compatible`` is a plain carve-out and
    is not reported.
    """
    from cmaport.drivers.of.fdt import _flat_node_path, _str

    prop, length = of_get_flat_dt_prop(rmem.fdt_node, "compatible")
    if prop is None or not length:
        return
    compats = [_str(c) for c in bytes(prop[:length]).split(b"\0") if c]
    nomap = of_get_flat_dt_prop(rmem.fdt_node, "no-map")[0] is not None
    this_machine().diagnose(
        "drivers/of/of_reserved_mem.c",
        "%s: no reserved-memory handler (RESERVEDMEM_OF_DECLARE) of this kernel takes "
        "compatible %s: the region [%#010x-%#010x] stays %s and nothing initialises it "
        "at boot (v4.9 says nothing; a driver may still claim it)"
        % (_flat_node_path(rmem.fdt_node), ", ".join('"%s"' % c for c in compats),
           rmem.base, (rmem.base + rmem.size - 1) & _U32,
           "out of memory (no-map)" if nomap else "reserved"))


def __rmem_cmp(a, b):
    """drivers/of/of_reserved_mem.c: __rmem_cmp() — order regions by base (only)."""
    ra, rb = a, b

    if ra.base < rb.base:
        return -1

    if ra.base > rb.base:
        return 1

    return 0


def __rmem_check_for_overlap():
    """drivers/of/of_reserved_mem.c: __rmem_check_for_overlap() — sort the table and report overlaps.

    The table is sorted in place (the order fdt_init_reserved_mem() then processes it
    in). Neighbours are compared only when both bases are non-zero, so dynamic regions
    (base 0 at this point) and a region at address 0 are never checked. The ends
    printed are exclusive; the sum is 32-bit and wraps, as in C.
    """
    s = of_reserved_mem_c.get()

    if s.reserved_mem_count < 2:
        return

    sort(s.reserved_mem, s.reserved_mem_count, SIZEOF_RESERVED_MEM, __rmem_cmp, None)
    for i in range(s.reserved_mem_count - 1):
        this = s.reserved_mem[i]
        next_ = s.reserved_mem[i + 1]
        if not (this.base and next_.base):
            continue
        if ((this.base + this.size) & _U32) > next_.base:
            this_end = (this.base + this.size) & _U32
            next_end = (next_.base + next_.size) & _U32
            pr_err("OVERLAP DETECTED!\n%s (%pa--%pa) overlaps with %s (%pa--%pa)\n",
                   this.name, this.base, this_end, next_.name, next_.base, next_end)


def fdt_init_reserved_mem():
    """drivers/of/of_reserved_mem.c: fdt_init_reserved_mem() — allocate and initialise the regions.

    After the overlap check (which sorts the table), each region in table order gets its
    ``phandle`` (or ``linux,phandle``), a dynamic one (size 0 — also a static region whose
    first ``reg`` tuple has size 0) is allocated, and a region that has memory is handed
    to __reserved_mem_init_node(). Errors are not reported here.
    """
    s = of_reserved_mem_c.get()

    # report overlapping static regions (this sorts the table)
    __rmem_check_for_overlap()

    for i in range(s.reserved_mem_count):
        rmem = s.reserved_mem[i]
        node = rmem.fdt_node
        err = 0

        prop, len_ = of_get_flat_dt_prop(node, "phandle")
        if prop is None:
            prop, len_ = of_get_flat_dt_prop(node, "linux,phandle")
        if prop is not None:
            rmem.phandle = of_read_number(prop, len_ // 4) & _U32  # unsigned long

        if rmem.size == 0:
            err, base, size = __reserved_mem_alloc_size(node, rmem.name)
            if err == 0:
                rmem.base, rmem.size = base, size
        if err == 0:
            __reserved_mem_init_node(rmem)


def __find_rmem(node):
    """drivers/of/of_reserved_mem.c: __find_rmem() — the region whose phandle is the node's.

    :param node: a ``struct device_node`` (anything with a ``phandle``)
    :return: the ``reserved_mem``, or ``None`` (also for a node without a phandle)
    """
    s = of_reserved_mem_c.get()

    if not node.phandle:
        return None

    for i in range(s.reserved_mem_count):
        if s.reserved_mem[i].phandle == node.phandle:
            return s.reserved_mem[i]
    return None


# -- attaching regions to devices ---------------------------------------------------------

@attrs.define(slots=True, eq=False)
class rmem_assigned_device:
    """drivers/of/of_reserved_mem.c: struct rmem_assigned_device — one device–region pair."""

    dev: object = None
    rmem: object = None


@statics
class of_rmem_assigned_c:
    """drivers/of/of_reserved_mem.c: ``of_rmem_assigned_device_list`` (list_add: newest first)."""

    of_rmem_assigned_device_list: list = attrs.Factory(list)
    # Model: of_rmem_assigned_device_mutex — one task, nothing to serialise.


def of_reserved_mem_diagnose_dangling(np, idx, consequence):
    """Model-only: note a ``memory-region`` entry whose phandle names no node.

    of_parse_phandle() then returns NULL without a word (v4.9 checks the target only when
    a ``#*-cells`` name is given), so the caller fails quietly; the model records a
    diagnostic naming the node, the entry and ``consequence``.

    :return: ``True`` if the entry exists and points nowhere
    """
    from cmaport.drivers.of.base import of_find_node_by_phandle, of_get_property
    from cmaport.include.linux.of import of_node_full_name

    value, length = of_get_property(np, "memory-region")
    if value is None or length < 4 * (idx + 1):
        return False  # no such entry: nothing dangles
    phandle = be32_to_cpup(value[4 * idx:])
    if of_find_node_by_phandle(phandle) is not None:
        return False
    this_machine().diagnose(
        "drivers/of/of_reserved_mem.c",
        "%s: memory-region entry %d is phandle %#x, which names no node: %s"
        % (of_node_full_name(np), idx, phandle, consequence))
    return True


def of_reserved_mem_device_init_by_idx(dev, np, idx):
    """drivers/of/of_reserved_mem.c: of_reserved_mem_device_init_by_idx() — attach region ``idx`` of ``memory-region``.

    :return: 0; ``-EINVAL`` (no device/node, the phandle names no region, or the region
        has no ``device_init``); ``-ENODEV`` (no such ``memory-region`` entry); or
        ``device_init``'s error
    """
    from cmaport.drivers.base.core import dev_info
    from cmaport.drivers.of.base import of_parse_phandle
    from cmaport.include.linux.of import of_node_put

    if np is None or dev is None:
        return -EINVAL

    target = of_parse_phandle(np, "memory-region", idx)
    if target is None:
        of_reserved_mem_diagnose_dangling(
            np, idx, "of_reserved_mem_device_init() returns -ENODEV (the kernel says nothing)")
        return -ENODEV

    rmem = __find_rmem(target)
    of_node_put(target)

    if rmem is None or rmem.ops is None or not rmem.ops.device_init:
        return -EINVAL

    # kmalloc() of the record does not fail in the model
    rd = rmem_assigned_device()

    ret = rmem.ops.device_init(rmem, dev)
    if ret == 0:
        rd.dev = dev
        rd.rmem = rmem

        # Model: of_rmem_assigned_device_mutex — one task, nothing to serialise.
        of_rmem_assigned_c.get().of_rmem_assigned_device_list.insert(0, rd)  # list_add

        dev_info(dev, "assigned reserved memory node %s\n", rmem.name)
    # else: kfree(rd)

    return ret


def of_reserved_mem_device_init(dev):
    """include/linux/of_reserved_mem.h: of_reserved_mem_device_init() — region 0 of the device's own node."""
    return of_reserved_mem_device_init_by_idx(dev, dev.of_node, 0)


def of_reserved_mem_device_release(dev):
    """drivers/of/of_reserved_mem.c: of_reserved_mem_device_release() — detach the device's region.

    Only the first (newest) record for the device is removed; the region's
    ``device_release`` runs if it has one.
    """
    s = of_rmem_assigned_c.get()
    rmem = None

    # Model: of_rmem_assigned_device_mutex — one task, nothing to serialise.
    for rd in s.of_rmem_assigned_device_list:
        if rd.dev is dev:
            rmem = rd.rmem
            s.of_rmem_assigned_device_list.remove(rd)
            break

    if rmem is None or rmem.ops is None or not rmem.ops.device_release:
        return

    rmem.ops.device_release(rmem, dev)
