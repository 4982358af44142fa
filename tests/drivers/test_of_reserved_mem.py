# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/of_reserved_mem.c: saving, sorting, allocating and initialising regions.

The trees are rebuilt from shared/oracle/dts/virt-*.dts (their ``virt-base.dts`` include
is not in the repository): QEMU virt, root #address-cells = #size-cells = 2, RAM at
0x40000000. Region handlers are the test's own (registered under unique compatibles, or
in a table isolated for the test), so the results do not depend on which
RESERVEDMEM_OF_DECLARE users exist yet. Processing orders are v4.9's (base-only sort key,
shared/reference/v4.9-vs-v6.1.md §7.2); the 6.1 oracle logs agree on them.
"""

import struct

import pytest

from cmaport.arch.arm.hw.fdt_image import Node, build_dtb
from cmaport.drivers.of import of_reserved_mem as R
from cmaport.drivers.of.fdt import early_init_dt_scan, early_init_fdt_scan_reserved_mem
from cmaport.drivers.of.of_reserved_mem import (
    MAX_RESERVED_REGIONS, RESERVEDMEM_OF_DECLARE, __find_rmem, __rmem_cmp,
    early_init_dt_alloc_reserved_memory_arch, fdt_reserved_mem_save_node, of_reserved_mem_c,
    reserved_mem,
)
from cmaport.include.linux.errno import EINVAL, ENOMEM
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine
from cmaport.mm.memblock import memblock, memblock_add, memblock_reserve

RAM = 0x40000000
RAM_SIZE = 0x20000000  # 512 MiB: RAM ends at 0x60000000
TOP = RAM + RAM_SIZE
SZ_1M = 0x100000


def u32s(*v):
    return struct.pack(">%dI" % len(v), *v)


def c2(*values):
    """Values as 2-cell numbers (the virt root's cell size)."""
    out = []
    for v in values:
        out += [v >> 32, v & 0xFFFFFFFF]
    return u32s(*out)


def virt(*regions, mem_size=RAM_SIZE):
    root = Node("", {"#address-cells": u32s(2), "#size-cells": u32s(2),
                     "compatible": b"linux,dummy-virt\0", "model": b"linux,dummy-virt\0"})
    root.add(Node("memory@40000000", {"device_type": b"memory\0", "reg": c2(RAM, mem_size)}))
    root.add(Node("chosen"))
    rm = root.add(Node("reserved-memory", {"#address-cells": u32s(2), "#size-cells": u32s(2),
                                           "ranges": b""}))
    for r in regions:
        rm.add(r)
    return root


def pool(name, **props):
    """A reserved-memory node; in keyword names __ stands for ',' and _ for '-'
    (no_map → no-map, linux__phandle → linux,phandle)."""
    p = {}
    for k, v in props.items():
        p[k.replace("__", ",").replace("_", "-")] = v
    return Node(name, p)


SDP = b"shared-dma-pool\0"


def run(root, rsv=(), debug=False):
    """The early boot steps on the running machine: scan, then /reserved-memory."""
    from cmaport.kernel.machine import this_machine
    if debug:
        this_machine().log.debug_all = True
    assert early_init_dt_scan(build_dtb(root, rsv))
    early_init_fdt_scan_reserved_mem()


def table():
    s = of_reserved_mem_c.get()
    return s.reserved_mem[:s.reserved_mem_count]


def names():
    return [r.name for r in table()]


def placed(name):
    for r in table():
        if r.name == name:
            return r.base, r.size
    raise KeyError(name)


def regions(kind):
    t = getattr(memblock(), kind)
    return [(r.base, r.size) for r in t.regions[:t.cnt] if r.size]


@pytest.fixture
def machine():
    with Machine() as m:
        yield m


@pytest.fixture
def handlers(monkeypatch):
    """An isolated RESERVEDMEM_OF_DECLARE table for one test.

    The real table is linked first (so no module imported later adds to the test's
    table), then replaced by an empty one; register() adds an entry as if it were
    declared in ``module``.
    """
    R.__reservedmem_of_table()
    monkeypatch.setattr(R, "_reservedmem_of_entries", [])
    calls = []

    def register(compat, module, accept, tag=None):
        def init(rmem):
            calls.append((tag or module, rmem.name))
            return 0 if accept(rmem) else -EINVAL
        init.__module__ = module
        RESERVEDMEM_OF_DECLARE(compat)(init)
        return init

    register.calls = calls
    return register


# -- the table ---------------------------------------------------------------------------

def test_struct_and_table_start_empty(machine):
    s = of_reserved_mem_c.get()
    assert len(s.reserved_mem) == MAX_RESERVED_REGIONS == 16
    assert s.reserved_mem_count == 0
    r = s.reserved_mem[0]
    assert (r.name, r.fdt_node, r.phandle, r.ops, r.base, r.size, r.priv) == \
        (None, 0, 0, None, 0, 0, None)


def test_seventeenth_region_is_dropped(machine):
    for i in range(MAX_RESERVED_REGIONS):
        fdt_reserved_mem_save_node(100 + i, f"r{i}", 0x40000000 + i * SZ_1M, SZ_1M)
    assert machine.dmesg() == []
    fdt_reserved_mem_save_node(200, "r16", 0x50000000, SZ_1M)
    assert machine.dmesg() == ["OF: reserved mem: not enough space all defined regions."]
    assert machine.log.records[0].level == 3
    assert names() == [f"r{i}" for i in range(16)]
    assert table()[3].fdt_node == 103


def test_seventeen_static_regions_all_reserved_sixteen_saved(machine):
    regs = [pool(f"r@{0x41000000 + i * SZ_1M:x}", reg=c2(0x41000000 + i * SZ_1M, 0x1000))
            for i in range(17)]
    run(virt(*regs))
    assert len(regions("reserved")) == 17
    assert len(table()) == 16
    assert "OF: reserved mem: not enough space all defined regions." in machine.dmesg()


def test_rmem_cmp():
    a, b = reserved_mem(base=1), reserved_mem(base=2)
    assert (__rmem_cmp(a, b), __rmem_cmp(b, a), __rmem_cmp(a, reserved_mem(base=1, size=9))) == \
        (-1, 1, 0)


# -- dynamic allocation ---------------------------------------------------------------------

@pytest.mark.parametrize("props, expected", [
    # top-down from the end of RAM; no alignment means SMP_CACHE_BYTES
    (dict(size=c2(SZ_1M)), (TOP - SZ_1M, SZ_1M)),
    (dict(size=c2(0x1234)), (TOP - 0x1240, 0x1234)),
    (dict(size=c2(SZ_1M), alignment=c2(0x1000000)), (TOP - 0x1000000, SZ_1M)),
    # inside the window, from its top
    (dict(size=c2(0x1000000), alignment=c2(0x400000), alloc_ranges=c2(0x44000000, 0x4000000)),
     (0x47000000, 0x1000000)),
    # a window outside RAM fails, the next one is tried
    (dict(size=c2(SZ_1M), alloc_ranges=c2(0x30000000, 0x1000000, 0x50000000, 0x1000000)),
     (0x50F00000, SZ_1M)),
    # a window that ends at 4 GiB ends at 0 in 32 bits, which means "anywhere"
    (dict(size=c2(SZ_1M), alloc_ranges=c2(0x40000000, 0xC0000000)), (TOP - SZ_1M, SZ_1M)),
])
def test_dynamic_placement(machine, props, expected):
    run(virt(pool("dyn", **props)))
    assert placed("dyn") == expected
    assert (expected[0], expected[1]) in regions("reserved")


def test_dynamic_allocation_debug_line(machine):
    run(virt(pool("dyn", size=c2(2 * SZ_1M))), debug=True)
    assert "OF: reserved mem: allocated memory for 'dyn' node: base 0x5fe00000, size 2 MiB" in \
        machine.dmesg()


@pytest.mark.parametrize("compat, reusable, no_map, cma, max_order, expected_base", [
    (SDP, True, False, True, 12, 0x5F800000),  # 8 MiB: PAGE_SIZE << (MAX_ORDER - 1)
    (SDP, True, False, True, 11, 0x5FC00000),  # 4 MiB with CONFIG_FORCE_MAX_ZONEORDER=11
    (SDP, True, True, True, 12, TOP - SZ_1M),  # no-map: not for CMA
    (SDP, False, False, True, 12, TOP - SZ_1M),  # not reusable
    (b"acme,pool\0", True, False, True, 12, TOP - SZ_1M),  # not shared-dma-pool
    (SDP, True, False, False, 12, TOP - SZ_1M),  # CONFIG_CMA=n
    (b"acme,pool\0SHARED-DMA-POOL\0", True, False, True, 12, 0x5F800000),  # any case, any place
])
def test_cma_alignment_rule(compat, reusable, no_map, cma, max_order, expected_base, handlers):
    cfg = KernelConfig()
    cfg.set("CONFIG_FORCE_MAX_ZONEORDER", max_order)
    if not cma:
        cfg.set("CONFIG_DMA_CMA", False)
        cfg.set("CONFIG_CMA", False)
    cfg.finalize()
    props = dict(compatible=compat, size=c2(SZ_1M))
    if reusable:
        props["reusable"] = b""
    if no_map:
        props["no_map"] = b""
    with Machine(config=cfg):
        run(virt(pool("p", **props)))
        # the alignment grows, the size does not
        assert placed("p") == (expected_base, SZ_1M)


def test_dynamic_no_map_is_reserved_and_removed(machine):
    run(virt(pool("dyn-dma", compatible=SDP, size=c2(2 * SZ_1M), no_map=b"")))
    assert placed("dyn-dma") == (TOP - 2 * SZ_1M, 2 * SZ_1M)
    assert regions("memory") == [(RAM, RAM_SIZE - 2 * SZ_1M)]
    assert regions("reserved") == [(TOP - 2 * SZ_1M, 2 * SZ_1M)]


def test_window_at_4g_wraps_to_anywhere_but_keeps_its_start(machine):
    # end = 0x80000000 + 0x80000000 = 0 in 32 bits → no upper bound; the result
    # (top of RAM) is below the start 0x80000000 and is given back
    run(virt(pool("dyn", size=c2(SZ_1M), alloc_ranges=c2(0x80000000, 0x80000000))))
    assert machine.dmesg() == ["OF: reserved mem: failed to allocate memory for node 'dyn'"]
    assert regions("reserved") == []


def test_window_result_below_start_is_freed(machine):
    # the window is taken by a static region: the top-down search lands below it
    run(virt(pool("fw@50000000", reg=c2(0x50000000, 0x1000000)),
             pool("dyn", size=c2(SZ_1M), alloc_ranges=c2(0x50000000, 0x1000000))))
    assert machine.dmesg() == ["OF: reserved mem: failed to allocate memory for node 'dyn'"]
    assert machine.log.records[0].level == 6
    assert regions("reserved") == [(0x50000000, 0x1000000)]  # nothing left behind
    assert placed("dyn") == (0, 0)


def test_alloc_arch_directly(machine):
    memblock_add(RAM, RAM_SIZE)
    assert early_init_dt_alloc_reserved_memory_arch(SZ_1M, SZ_1M, 0, 0, False) == \
        (0, TOP - SZ_1M)
    assert early_init_dt_alloc_reserved_memory_arch(SZ_1M, SZ_1M, 0x5F000000, TOP - SZ_1M,
                                                    False) == (0, TOP - 2 * SZ_1M)
    assert early_init_dt_alloc_reserved_memory_arch(SZ_1M, SZ_1M, TOP - SZ_1M, TOP, True) == \
        (-ENOMEM, None)
    assert early_init_dt_alloc_reserved_memory_arch(RAM_SIZE, SZ_1M, 0, 0, False) == \
        (-ENOMEM, None)
    assert regions("reserved") == [(TOP - 2 * SZ_1M, 2 * SZ_1M)]


@pytest.mark.parametrize("node, line", [
    (pool("bad-size", size=u32s(SZ_1M)),
     "OF: reserved mem: invalid size property in 'bad-size' node."),
    # the length of alignment is checked against #address-cells (sic)
    (pool("badalign", size=c2(SZ_1M), alignment=u32s(SZ_1M)),
     "OF: reserved mem: invalid alignment property in 'badalign' node."),
    (pool("badranges", size=c2(SZ_1M), alloc_ranges=u32s(0, 0x44000000, 0x4000000)),
     "OF: reserved mem: invalid alloc-ranges property in 'badranges', skipping node."),
    (pool("huge", compatible=SDP, reusable=b"", size=c2(0x40000000)),
     "OF: reserved mem: failed to allocate memory for node 'huge'"),
    (pool("no-window", size=c2(SZ_1M), alloc_ranges=b""),
     "OF: reserved mem: failed to allocate memory for node 'no-window'"),
])
def test_dynamic_errors(machine, node, line, handlers):
    run(virt(node))
    assert machine.dmesg() == [line]
    assert regions("reserved") == []
    assert placed(node.name) == (0, 0)


def test_zero_size_reg_makes_a_region_dynamic(machine):
    # saved with size 0 after the failed reservation, then allocated like a dynamic one
    run(virt(pool("z@48000000", reg=c2(0x48000000, 0), size=c2(SZ_1M))))
    assert placed("z@48000000") == (TOP - SZ_1M, SZ_1M)
    # without a size property the allocation fails silently
    with Machine() as m:
        run(virt(pool("y@48000000", reg=c2(0x48000000, 0))))
        assert placed("y@48000000") == (0x48000000, 0)
        assert m.dmesg() == ["OF: fdt:Reserved memory: failed to reserve memory for node "
                             "'y@48000000': base 0x48000000, size 0 MiB"]


# -- overlap check and order -----------------------------------------------------------------

def test_overlap_detected_two_lines(machine):
    run(virt(pool("ovl1@4a000000", reg=c2(0x4A000000, 0x200000)),
             pool("ovl2@4a100000", reg=c2(0x4A100000, 0x200000))))
    assert machine.dmesg() == [
        "OF: reserved mem: OVERLAP DETECTED!",
        "ovl1@4a000000 (0x4a000000--0x4a200000) overlaps with "
        "ovl2@4a100000 (0x4a100000--0x4a300000)",
    ]
    assert len(machine.log.records) == 1 and machine.log.records[0].level == 3


def test_overlap_check_skips_base_zero_and_wraps_in_32_bits(machine):
    # a static region at 0 is never compared (v4.9 skips pairs with a zero base)
    run(virt(pool("at0", reg=c2(0, 0x2000000)), pool("b@1000000", reg=c2(0x1000000, SZ_1M)),
             pool("hi@ffe00000", reg=c2(0xFFE00000, 0x300000)),
             pool("top@fff00000", reg=c2(0xFFF00000, 0x10000))))
    # 0xffe00000 + 0x300000 wraps to 0x100000: no overlap is seen
    assert machine.dmesg() == []
    assert names() == ["at0", "b@1000000", "hi@ffe00000", "top@fff00000"]


def virt_errors():
    """shared/oracle/dts/virt-errors.dts, reserved-memory part."""
    return virt(
        pool("cma-unaligned@49100000", compatible=SDP, reusable=b"",
             reg=c2(0x49100000, 0x800000)),
        pool("dma-mapped", compatible=SDP, size=c2(0x100000)),
        pool("cma-nomap", compatible=SDP, reusable=b"", no_map=b"", size=c2(0x800000)),
        pool("outside@80000000", reg=c2(0x80000000, 0x100000), no_map=b""),
        pool("ovl1@4a000000", reg=c2(0x4A000000, 0x200000)),
        pool("ovl2@4a100000", reg=c2(0x4A100000, 0x200000)),
        pool("huge", compatible=SDP, reusable=b"", size=c2(0x40000000)),
        pool("badalign", size=c2(0x100000), alignment=u32s(0x100000)),
        pool("disabled", status=b"disabled\0", size=c2(0x100000)),
    )


def test_virt_errors_processing_order(machine, handlers):
    handlers("shared-dma-pool", "test", lambda rmem: False)
    run(virt_errors())
    assert names() == ["cma-nomap", "badalign", "dma-mapped", "huge", "cma-unaligned@49100000",
                       "ovl1@4a000000", "ovl2@4a100000", "outside@80000000"]
    assert machine.dmesg() == [
        "OF: reserved mem: OVERLAP DETECTED!",
        "ovl1@4a000000 (0x4a000000--0x4a200000) overlaps with "
        "ovl2@4a100000 (0x4a100000--0x4a300000)",
        "OF: reserved mem: invalid alignment property in 'badalign' node.",
        "OF: reserved mem: failed to allocate memory for node 'huge'",
    ]
    # every dynamic region is handled before any static one, statics by address
    assert handlers.calls == [("test", "cma-nomap"), ("test", "dma-mapped"),
                              ("test", "cma-unaligned@49100000")]
    # cma-nomap: reserved and removed from memory; dma-mapped below it
    assert placed("cma-nomap") == (TOP - 0x800000, 0x800000)
    assert placed("dma-mapped") == (TOP - 0x800000 - SZ_1M, SZ_1M)
    assert (0x4A000000, 0x300000) in regions("reserved")  # ovl1 + ovl2 merged


def virt_cma_pools():
    """shared/oracle/dts/virt-cma-pools.dts, reserved-memory part."""
    return virt(
        pool("linux,cma", compatible=SDP, reusable=b"", size=c2(0x4000000),
             linux__cma_default=b""),
        pool("fw@4f000000", reg=c2(0x4F000000, 0x100000), no_map=b""),
        pool("dyn-dma", compatible=SDP, size=c2(0x200000), alignment=c2(0x100000),
             alloc_ranges=c2(0x50000000, 0x8000000), no_map=b""),
        pool("multimedia", compatible=SDP, reusable=b"", size=c2(0x1000000),
             alignment=c2(0x400000), alloc_ranges=c2(0x44000000, 0x4000000)),
    )


def test_virt_cma_pools_order_placement_and_dispatch(machine, handlers):
    # declared in the DMA-pool module first: link order still puts the CMA module first
    handlers("shared-dma-pool", "cmaport.drivers.base.dma_coherent",
             lambda r: r.fdt_node and R.of_get_flat_dt_prop(r.fdt_node, "no-map")[0] is not None,
             tag="dma")
    handlers("shared-dma-pool", "cmaport.drivers.base.dma_contiguous",
             lambda r: R.of_get_flat_dt_prop(r.fdt_node, "reusable")[0] is not None, tag="cma")
    run(virt_cma_pools(), rsv=[(0x48000000, 0x1000)])
    assert names() == ["linux,cma", "dyn-dma", "multimedia", "fw@4f000000"]
    # the placements of the oracle's 512 MiB boot (virt-dt-cma-pools-512.log)
    assert placed("linux,cma") == (0x5C000000, 0x4000000)
    assert placed("dyn-dma") == (0x57E00000, 0x200000)
    assert placed("multimedia") == (0x47000000, 0x1000000)
    assert handlers.calls == [("cma", "linux,cma"), ("cma", "dyn-dma"), ("dma", "dyn-dma"),
                              ("cma", "multimedia")]
    assert machine.dmesg() == [
        "OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
        "OF: reserved mem: initialized node dyn-dma, compatible id shared-dma-pool",
        "OF: reserved mem: initialized node multimedia, compatible id shared-dma-pool",
    ]
    assert regions("memory") == [(0x40000000, 0xF000000), (0x4F100000, 0x8D00000),
                                 (0x58000000, 0x8000000)]


def test_vexpress_order():
    """shared/oracle/dts/vexpress-a9-cma.dts (1-cell root): linux,cma before vram."""
    root = Node("", {"#address-cells": u32s(1), "#size-cells": u32s(1)})
    root.add(Node("memory@60000000", {"device_type": b"memory\0",
                                      "reg": u32s(0x60000000, 0x20000000)}))
    rm = root.add(Node("reserved-memory", {"#address-cells": u32s(1), "#size-cells": u32s(1),
                                           "ranges": b""}))
    rm.add(Node("vram@18000000", {"compatible": SDP, "reg": u32s(0x18000000, 0x800000),
                                  "no-map": b""}))
    rm.add(Node("linux,cma", {"compatible": SDP, "reusable": b"", "size": u32s(0x4000000)}))
    with Machine():
        run(root)
        assert names() == ["linux,cma", "vram@18000000"]
        assert placed("linux,cma") == (0x7C000000, 0x4000000)


def test_handler_dispatch_rules(machine, handlers):
    handlers("acme,a", "cmaport.drivers.base.dma_contiguous", lambda r: False, tag="refuse")
    handlers("acme,b", "cmaport.drivers.base.dma_contiguous", lambda r: True, tag="b")
    handlers("acme,a", "cmaport.drivers.of.of_reserved_mem", lambda r: True, tag="a-late")
    run(virt(pool("one@41000000", compatible=b"acme,a\0acme,b\0", reg=c2(0x41000000, SZ_1M)),
             pool("two@42000000", compatible=b"acme,c\0", reg=c2(0x42000000, SZ_1M)),
             pool("three@43000000", compatible=b"acme,a\0", reg=c2(0x43000000, SZ_1M))))
    # table order, not the node's compatible order; a refusal moves on to the next entry
    assert handlers.calls == [("refuse", "one@41000000"), ("b", "one@41000000"),
                              ("refuse", "three@43000000"), ("a-late", "three@43000000")]
    assert machine.dmesg() == [
        "OF: reserved mem: initialized node one@41000000, compatible id acme,b",
        "OF: reserved mem: initialized node three@43000000, compatible id acme,a",
    ]
    # two@ has no handler: it stays reserved, silently
    assert regions("reserved") == [(0x41000000, SZ_1M), (0x42000000, SZ_1M), (0x43000000, SZ_1M)]


def test_table_follows_link_order(handlers):
    handlers("x", "cmaport.some.unlisted.module", lambda r: True)
    handlers("x", "cmaport.drivers.base.dma_coherent", lambda r: True)
    handlers("x", "cmaport.drivers.base.dma_contiguous", lambda r: True)
    handlers("x", "cmaport.drivers.base.dma_contiguous", lambda r: True)
    order = [(e.module, e.seq) for e in R.__reservedmem_of_table()]
    assert [m for m, _ in order] == ["cmaport.drivers.base.dma_contiguous"] * 2 + \
        ["cmaport.drivers.base.dma_coherent", "cmaport.some.unlisted.module"]
    assert order[0][1] < order[1][1]


def test_phandles_and_find_rmem(machine):
    run(virt(pool("a@41000000", reg=c2(0x41000000, SZ_1M), phandle=u32s(7)),
             pool("b@42000000", reg=c2(0x42000000, SZ_1M), linux__phandle=u32s(9)),
             pool("c@43000000", reg=c2(0x43000000, SZ_1M))))
    assert [r.phandle for r in table()] == [7, 9, 0]

    class device_node:
        def __init__(self, phandle):
            self.phandle = phandle

    assert __find_rmem(device_node(9)).name == "b@42000000"
    assert __find_rmem(device_node(8)) is None
    assert __find_rmem(device_node(0)) is None


def test_static_no_map_region_stays_out_of_memory_even_unclaimed(machine):
    memblock_reserve(0x48000000, 0x1000)
    run(virt(pool("fw@4f000000", reg=c2(0x4F000000, SZ_1M), no_map=b"")))
    assert (0x4F000000, SZ_1M) not in regions("reserved")
    assert regions("memory") == [(RAM, 0xF000000), (0x4F100000, 0x10F00000)]


def test_pool_helper_spells_dts_names():
    assert pool("x", linux__cma_default=b"", no_map=b"").props == \
        {"linux,cma-default": b"", "no-map": b""}


@pytest.mark.parametrize("props, placement, note", [
    # a 2-cell size with its high cell set: v4.9 keeps the low 32 bits (8 MiB)
    (dict(size=c2(0x100800000)), (TOP - 0x800000, 0x800000),
     "/reserved-memory/p: size 0x100800000 does not fit the 32-bit phys_addr_t; v4.9 keeps "
     "its low 32 bits, 0x800000"),
    # an alignment of 4 GiB is 0 in 32 bits: no alignment at all
    (dict(size=c2(SZ_1M), alignment=c2(0x100000000)), (TOP - SZ_1M, SZ_1M),
     "/reserved-memory/p: alignment 0x100000000 does not fit the 32-bit phys_addr_t"),
    # round_down(x, 0x3000000) masks with 0x2ffffff: 0x5f000000 & ~0x2ffffff
    (dict(size=c2(0x1000000), alignment=c2(0x3000000)), (0x5D000000, 0x1000000),
     "/reserved-memory/p: alignment 0x3000000 is not a power of two"),
])
def test_values_v49_cuts_or_misreads_silently_get_a_note(machine, props, placement, note):
    run(virt(pool("p", **props)))
    assert placed("p") == placement
    assert [d for d in machine.diagnostics if note in str(d)], machine.diagnostics


def test_a_static_reg_above_4g_is_cut_with_a_note(machine):
    run(virt(pool("p", reg=c2(0x150000000, SZ_1M))))
    assert placed("p") == (0x50000000, SZ_1M)
    assert any("/reserved-memory/p: reg base 0x150000000 does not fit the 32-bit phys_addr_t"
               in str(d) for d in machine.diagnostics)
