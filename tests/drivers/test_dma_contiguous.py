# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dma-contiguous.c: ``cma=``, the default area, device-tree CMA pools, devices.

The device trees are the small 1/1-cell trees of conftest.py (256 MiB of RAM at
0x60000000, all lowmem); the configuration is v4.9's multi_v7_defconfig (64 MiB default
area, MAX_ORDER 12: 8 MiB alignment).
"""

import pytest

from cmaport.kernel.errors import KernelBug
from cmaport.kernel.machine import Machine

SZ_1M = 1 << 20
SDP = b"shared-dma-pool\0"


def parsed(value):
    """Run early_cma(value) on a fresh machine; (size, base, limit, diagnostics)."""
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_c, early_cma

    m = Machine()
    with m:
        assert early_cma(value) == 0
        s = dma_contiguous_c.get()
        return (s.size_cmdline, s.base_cmdline, s.limit_cmdline), [str(d) for d in m.diagnostics]


@pytest.mark.parametrize("value, want", [
    ("64M", (64 * SZ_1M, 0, 0)),
    ("64M@0x50000000", (64 * SZ_1M, 0x50000000, 0x54000000)),
    ("64M@0x50000000-0x60000000", (64 * SZ_1M, 0x50000000, 0x60000000)),
    ("0x1000000@1G", (0x1000000, 1 << 30, (1 << 30) + 0x1000000)),
    ("0", (0, 0, 0)),
    ("012k", (10 << 10, 0, 0)),  # any C base: a leading 0 is octal
])
def test_early_cma_forms(value, want):
    got, diags = parsed(value)
    assert got == want and diags == []


@pytest.mark.parametrize("value, want, note", [
    # cut to the 32-bit phys_addr_t: 5 GiB becomes 1 GiB
    ("5G", (1 << 30, 0, 0), "does not fit the 32-bit phys_addr_t"),
    # not a number: 0 (no default area)
    ("abc", (0, 0, 0), "is not a number"),
    # trailing characters are ignored
    ("64Mfoo", (64 * SZ_1M, 0, 0), "'foo' after the size is ignored"),
    ("64M@xyz", (64 * SZ_1M, 0, 64 * SZ_1M), "the base 'xyz' is not a number"),
    ("64M@0x50000000-", (64 * SZ_1M, 0x50000000, 0), "the limit '' is not a number"),
    # the "not given" marker
    ("4294967295", (0xFFFFFFFF, 0, 0), "marker"),
])
def test_early_cma_keeps_the_kernels_reading_and_says_so(value, want, note):
    got, diags = parsed(value)
    assert got == want
    assert len(diags) == 1 and note in diags[0] and diags[0].startswith("cma=: cma=" + value)


def test_bare_cma_dereferences_null():
    m = Machine(cmdline="console=ttyAMA0 cma")
    with pytest.raises(KernelBug) as e:
        m.boot(until="setup_arch")
    assert e.value.function == "early_cma"
    assert m.dmesg()[-1] == "Unable to handle kernel NULL pointer dereference at virtual address 00000000"


def test_size_marker_falls_back_to_kconfig():
    m = Machine(cmdline="console=ttyAMA0 cma=4294967295").boot(until="setup_arch")
    # CONFIG_CMA_SIZE_MBYTES=64, at the top of highmem (multi_v7_defconfig has HIGHMEM)
    assert "cma: Reserved 64 MiB at 0x9c000000" in m.dmesg()


def cma_tree(dt, *regions, ram_size=None):
    """The conftest tree with ``regions``: (name, props) under /reserved-memory."""
    root = dt.tree(ram_size=ram_size) if ram_size else dt.tree()
    rm = root.find("/reserved-memory")
    for name, props in regions:
        rm.add(dt.node(name, **props))
    return root


def rmem_lines(m):
    return [l for l in m.dmesg() if l.startswith(("Reserved memory:", "OF: reserved mem:", "cma:"))]


def test_dt_default_area_wins_over_kconfig_and_cmdline(dt):
    root = cma_tree(dt, ("linux,cma", dict(compatible=SDP, reusable=b"", size=dt.u32s(0x2000000),
                                            linux__cma_default=b"")))
    m = dt.boot(dt.board(root), cmdline="cma=32M")
    assert rmem_lines(m) == [
        "Reserved memory: created CMA memory pool at 0x6e000000, size 32 MiB",
        "OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
    ]
    with m:
        from cmaport.drivers.base.dma_contiguous import dma_contiguous_c
        from cmaport.mm.cma import cma_c

        assert cma_c.get().cma_area_count == 1
        assert dma_contiguous_c.get().dma_contiguous_default_area is cma_c.get().cma_areas[0]
    # v4.9 is silent about the ignored cma= (6.1 lets it win: v4.9-vs-v6.1.md §4)
    assert any("cma=32M is ignored" in str(d) for d in m.diagnostics)


def test_dt_pool_without_default_flag_leaves_the_kconfig_area(dt):
    root = cma_tree(dt, ("mm@68000000", dict(compatible=SDP, reusable=b"",
                                              reg=dt.u32s(0x68000000, 0x800000))))
    m = dt.boot(dt.board(root))
    assert rmem_lines(m) == [
        "Reserved memory: created CMA memory pool at 0x68000000, size 8 MiB",
        "OF: reserved mem: initialized node mm@68000000, compatible id shared-dma-pool",
        "cma: Reserved 64 MiB at 0x6c000000",
    ]
    with m:
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

        # dma_contiguous_early_fixup saw both, in that order
        s = dma_mapping_c.get()
        assert [(r.base, r.size) for r in s.dma_mmu_remap] == [(0x68000000, 0x800000),
                                                               (0x6C000000, 0x4000000)]
        # paging_init's dma_contiguous_remap: both in lowmem, MT_MEMORY_DMA_READY (16)
        assert [(d.virtual, d.pfn, d.length, d.type) for d in s.dma_contiguous_maps] == [
            (0xC8000000, 0x68000, 0x800000, 16), (0xCC000000, 0x6C000, 0x4000000, 16)]


@pytest.mark.parametrize("props, lines", [
    # not 8 MiB aligned (MAX_ORDER 12)
    (dict(reusable=b"", reg="0x68400000 0x800000"),
     ["Reserved memory: incorrect alignment of CMA region"]),
    (dict(reusable=b"", reg="0x68000000 0x400000"),
     ["Reserved memory: incorrect alignment of CMA region"]),
    # reusable and no-map: both handlers refuse, silently
    (dict(reusable=b"", no_map=b"", reg="0x68000000 0x800000"), []),
])
def test_dt_pools_cma_refuses(dt, props, lines):
    props = dict(props, compatible=SDP)
    props["reg"] = dt.u32s(*(int(x, 16) for x in props["reg"].split()))
    m = dt.boot(dt.board(cma_tree(dt, ("pool", props))))
    assert rmem_lines(m) == lines + ["cma: Reserved 64 MiB at 0x6c000000"]
    with m:
        from cmaport.mm.cma import cma_c

        assert cma_c.get().cma_area_count == 1


def test_more_dt_pools_than_slots(dt):
    # MAX_CMA_AREAS is 8: the ninth pool cannot be made, nor the Kconfig area after them
    pools = [("p%d" % i, dict(compatible=SDP, reusable=b"", reg=dt.u32s(0x60800000 + i * 0x1000000,
                                                                          0x800000)))
             for i in range(1, 10)]
    m = dt.boot(dt.board(cma_tree(dt, *pools)))
    lines = rmem_lines(m)
    assert lines[-3:] == [
        "cma: Not enough slots for CMA reserved regions!",
        "Reserved memory: unable to setup CMA region",
        # dma_contiguous_reserve: no slot either, and no "Failed to reserve" after it
        "cma: Not enough slots for CMA reserved regions!",
    ]
    assert sum(l.startswith("Reserved memory: created CMA") for l in lines) == 8


def test_device_gets_its_dt_area(dt):
    from cmaport.drivers.of.of_reserved_mem import (of_reserved_mem_device_init,
                                                    of_reserved_mem_device_release)
    from cmaport.include.linux.device import device
    from cmaport.include.linux.dma_contiguous import dev_get_cma_area
    from cmaport.include.linux.of import of_find_node_by_path

    root = cma_tree(dt, ("mm@68000000", dict(compatible=SDP, reusable=b"", phandle=dt.u32s(5),
                                              reg=dt.u32s(0x68000000, 0x800000))))
    root.add(dt.node("client", memory_region=dt.u32s(5)))
    m = dt.boot(dt.board(root))
    with m:
        from cmaport.mm.cma import cma_c

        dev = device(init_name="client", of_node=of_find_node_by_path("/client"))
        default = dev_get_cma_area(None)
        assert default is cma_c.get().cma_areas[1] and dev_get_cma_area(dev) is default
        assert of_reserved_mem_device_init(dev) == 0
        assert dev.cma_area is cma_c.get().cma_areas[0] and dev_get_cma_area(dev) is dev.cma_area
        of_reserved_mem_device_release(dev)
        assert dev.cma_area is None and dev_get_cma_area(dev) is default


def test_alignment_cap_of_dma_alloc_from_contiguous(monkeypatch):
    import cmaport.drivers.base.dma_contiguous as dc

    seen = []
    monkeypatch.setattr(dc, "cma_alloc", lambda c, count, align: seen.append((count, align)))
    with Machine():
        for order in (0, 4, 8, 9, 12):
            dc.dma_alloc_from_contiguous(None, 1, order)
    # CONFIG_CMA_ALIGNMENT is 8
    assert seen == [(1, 0), (1, 4), (1, 8), (1, 8), (1, 8)]


def test_dma_declare_contiguous_gives_a_device_a_fixed_area():
    from cmaport.include.linux.device import device
    from cmaport.include.linux.dma_contiguous import dev_get_cma_area, dma_declare_contiguous
    from cmaport.mm.cma import cma_get_base

    m = Machine().boot(until="setup_arch")
    with m:
        dev = device(init_name="x")
        # fixed (limit ignored when the base is given): 0x70000000 is free
        assert dma_declare_contiguous(dev, 8 * SZ_1M, 0x70000000, 0) == 0
        assert cma_get_base(dev_get_cma_area(dev)) == 0x70000000
        # over the kernel image: -EBUSY
        other = device(init_name="y")
        assert dma_declare_contiguous(other, 8 * SZ_1M, 0x60000000, 0) == -16
        assert other.cma_area is None
    assert m.dmesg()[-1] == "cma: Failed to reserve 8 MiB"


def test_no_dma_cma():
    m = Machine(cmdline="console=ttyAMA0 cma=16M")
    m.config.set_assignment("CONFIG_DMA_CMA=n")
    m.boot(until="setup_arch")
    assert not any(l.startswith("cma:") for l in m.dmesg())
    with m:
        from cmaport.include.linux.dma_contiguous import dev_get_cma_area, dma_declare_contiguous

        assert dev_get_cma_area(None) is None
        assert dma_declare_contiguous(None, SZ_1M, 0, 0) == -38  # -ENOSYS


# --- Kconfig-gated linking: dma-contiguous.o only with DMA_CMA, cma.o only with CMA ---------



def test_link_table_leaves_out_objects_not_built():
    """The tables a reader gets are those of the running machine's image."""
    from cmaport.drivers.base.dma_contiguous import early_cma, rmem_cma_setup
    from cmaport.drivers.of.of_reserved_mem import _reservedmem_of_entries
    from cmaport.include.linux.init import built_in, initcalls, link_table, setup_table
    from cmaport.mm.cma import cma_init_reserved_areas

    def rmem_fns():
        return [e.data for e in link_table(_reservedmem_of_entries)]

    with Machine():
        assert built_in("cmaport.drivers.base.dma_contiguous")
        assert early_cma in [e.setup_func for e in setup_table()]
        assert rmem_cma_setup in rmem_fns()
        assert cma_init_reserved_areas in initcalls("core")
    m = Machine()
    m.config.set_assignment("CONFIG_DMA_CMA=n")
    with m:
        assert not built_in("cmaport.drivers.base.dma_contiguous")
        assert built_in("cmaport.mm.cma") and built_in("cmaport.mm.page_alloc")
        assert early_cma not in [e.setup_func for e in setup_table()]
        assert rmem_cma_setup not in rmem_fns()
        # rmem_dma_setup (dma-coherent.o) is still there, first among shared-dma-pool now
        assert [e.name for e in link_table(_reservedmem_of_entries)
                if e.compatible == "shared-dma-pool"] == ["dma"]
    m = Machine()
    m.config.set_assignment("CONFIG_CMA=n")
    with m:
        assert not built_in("cmaport.mm.cma") and not built_in("cmaport.drivers.base.dma_contiguous")
        assert cma_init_reserved_areas not in initcalls("core")
    # no machine: no configuration to ask, the whole table
    assert built_in("cmaport.drivers.base.dma_contiguous")


def test_without_dma_cma_a_bare_cma_is_an_unknown_parameter():
    """No early_param("cma") in the image: a bare cma is handed to init (argv), no oops."""
    m = Machine(cmdline="console=ttyAMA0 cma")
    m.config.set_assignment("CONFIG_DMA_CMA=n")
    m.boot()
    assert not any("Unable to handle" in l for l in m.dmesg())
    with m:
        from cmaport.init.main import main_c

        assert main_c.get().argv_init == ["init", "cma"]


def test_without_dma_cma_a_reusable_default_pool_makes_no_cma_area(dt):
    """rmem_cma_setup is not in __reservedmem_of_table: the reusable pool goes to
    rmem_dma_setup, which refuses it silently."""
    root = cma_tree(dt, ("linux,cma", dict(compatible=SDP, reusable=b"", size=dt.u32s(0x2000000),
                                            linux__cma_default=b"")))
    m = dt.boot(dt.board(root), config=["CONFIG_DMA_CMA=n"])
    assert not any("CMA memory pool" in l for l in rmem_lines(m))
    with m:
        from cmaport.mm.cma import cma_c

        assert cma_c.get().cma_area_count == 0


def test_without_cma_no_slot_message(dt):
    root = cma_tree(dt, ("mm@68000000", dict(compatible=SDP, reusable=b"",
                                              reg=dt.u32s(0x68000000, 0x800000))))
    m = dt.boot(dt.board(root), config=["CONFIG_CMA=n"])
    assert not any("cma: " in l or "CMA" in l for l in rmem_lines(m))


def test_percentage_multiplication_wraps_before_the_division():
    """dma-contiguous.c:86 in unsigned long: 65536 pages * 65546 % wraps to 655360."""
    from cmaport.drivers.base.dma_contiguous import cma_early_percent_memory

    m = Machine(config=None)
    m.config.set_assignment("CONFIG_CMA_SIZE_SEL_PERCENTAGE=y")
    m.config.set_assignment("CONFIG_CMA_SIZE_PERCENTAGE=65546")
    with m:
        from cmaport.mm.memblock import memblock_add

        memblock_add(0x60000000, 256 * SZ_1M)
        assert cma_early_percent_memory() == 6553 << 12


def test_warn_backtrace_shows_the_kernels_chain():
    """free_contig_range's WARN under dma_release_from_contiguous: no model-only frames
    (the header's dispatch, cma.c's former wrappers) in the chain."""
    m = Machine().boot()
    with m:
        from cmaport.include.linux.dma_contiguous import (dma_alloc_from_contiguous,
                                                          dma_release_from_contiguous)
        from cmaport.include.linux.mm import get_page

        page = dma_alloc_from_contiguous(None, 4, 0)
        get_page(page)
        assert dma_release_from_contiguous(None, page, 4) is True
    log = m.dmesg()
    i = log.index("1 pages are still in use!")
    chain = [l for l in log[i:] if l.startswith("(")]
    assert chain == ["(free_contig_range) from (cma_release)",
                     "(cma_release) from (dma_release_from_contiguous)"]


def test_a_kconfig_size_of_4_gib_wraps_to_no_area_with_a_note():
    # size_bytes = (phys_addr_t)CMA_SIZE_MBYTES * SZ_1M: 4096 MiB is 0 in 32 bits
    m = Machine(cmdline="console=ttyAMA0")
    m.config.set_assignment("CONFIG_CMA_SIZE_MBYTES=4096")
    m.boot(until="setup_arch")
    assert not any(line.startswith("cma: Reserved") for line in m.dmesg())
    assert any("CONFIG_CMA_SIZE_MBYTES: 4096 MiB does not fit the 32-bit phys_addr_t; v4.9's "
               "size_bytes keeps its low 32 bits, 0x0" in str(d) for d in m.diagnostics)
