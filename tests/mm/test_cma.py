# SPDX-License-Identifier: GPL-2.0-only
"""mm/cma.c: reserving areas, activating them, the bitmap search of cma_alloc, cma_release.

Most tests run on QEMU's ``virt`` board booted to the end of ``mm_init`` (the buddy
allocator is live, the initcalls have not run) and then activate the areas themselves
(``cma_init_reserved_areas``, the core initcall), so each test sees one step at a time.
The configuration is v4.9's multi_v7_defconfig (MAX_ORDER 12: 8 MiB pageblocks and CMA
alignment, HIGHMEM, which 256 MiB of RAM leaves empty) unless a test says otherwise.

Where ``alloc_contig_range`` itself is not the subject, ``ContigDouble`` stands in for it
and ``free_contig_range`` (see its docstring); the tests with the real ones are at the
end and in test_cma_boot.py.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmaport.mm.cma as cma_mod
from cmaport.arch.arm.hw.board import virt_board
from cmaport.include.linux.errno import EBUSY, EINTR, EINVAL, ENOMEM, ENOSPC
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine

SZ_1M = 1 << 20
RAM = 0x40000000


def boot(cmdline="", ram_mb=256, settings=(), until="mm_init", bottom_up=False):
    cfg = KernelConfig()
    for s in settings:
        cfg.set_assignment(s)
    m = Machine(board=virt_board(ram_size=ram_mb * SZ_1M, bootargs="console=ttyAMA0 " + cmdline),
                config=cfg)
    if bottom_up:
        from cmaport.mm.memblock import memblock_c

        with m:
            memblock_c.get().model_force_bottom_up = True
    return m.boot(until=until)


def cma_lines(m):
    return [l for l in m.dmesg() if l.startswith(("cma: ", "Reserved memory: "))]


def areas(m):
    with m:
        s = cma_mod.cma_c.get()
        return [(c.base_pfn, c.count, c.order_per_bit) for c in s.cma_areas[:s.cma_area_count]]


class ContigDouble:
    """TEMPORARY stand-in for mm/page_alloc.c's alloc_contig_range()/free_contig_range().

    The tests that are about cma.c's own logic (the bitmap search, the retry decision,
    the trace events) use it so that they do not depend on page migration. It succeeds
    unless the range holds a pfn in ``pinned`` (then ``-EBUSY``, which is what the real
    one returns for a page it cannot move) or ``fail_with`` is set; it records every
    call. The tests against the real functions are in test_cma_boot.py.
    """

    def __init__(self, pinned=(), fail_with=0):
        self.pinned = set(pinned)
        self.fail_with = fail_with
        self.allocs = []
        self.frees = []

    def alloc_contig_range(self, start, end, migratetype):
        assert migratetype == 4  # MIGRATE_CMA
        self.allocs.append((start, end))
        if self.fail_with:
            return self.fail_with
        if any(start <= p < end for p in self.pinned):
            return -EBUSY
        return 0

    def free_contig_range(self, pfn, nr_pages):
        self.frees.append((pfn, nr_pages))


@pytest.fixture
def contig(monkeypatch):
    import cmaport.mm.page_alloc as page_alloc_mod

    d = ContigDouble()
    # cma.c imports them from mm/page_alloc.c when it calls them
    monkeypatch.setattr(page_alloc_mod, "alloc_contig_range", d.alloc_contig_range)
    monkeypatch.setattr(page_alloc_mod, "free_contig_range", d.free_contig_range)
    return d


def runs(c):
    from cmaport.mm.cma_debug import bitmap_runs

    return bitmap_runs(c)


# --- placement: cma_declare_contiguous through dma_contiguous_reserve ----------------------

@pytest.mark.parametrize("cmdline, line, area", [
    # Kconfig's 64 MiB, top-down below the end of lowmem (256 MiB RAM: 0x50000000)
    ("", "cma: Reserved 64 MiB at 0x4c000000", (0x4C000, 0x4000, 0)),
    # sizes are rounded up to the 8 MiB alignment (MAX_ORDER 12)
    ("cma=12M", "cma: Reserved 16 MiB at 0x4f000000", (0x4F000, 0x1000, 0)),
    ("cma=1", "cma: Reserved 8 MiB at 0x4f800000", (0x4F800, 0x800, 0)),
    # cma=SIZE@BASE: fixed at BASE (the implied limit is BASE + SIZE)
    ("cma=16M@0x48800000", "cma: Reserved 16 MiB at 0x48800000", (0x48800, 0x1000, 0)),
    # a fixed base is rounded *up* silently (6.1 refuses it)
    ("cma=16M@0x48400000", "cma: Reserved 16 MiB at 0x48800000", (0x48800, 0x1000, 0)),
    # cma=SIZE@BASE-END with END != BASE + SIZE: top-down inside [BASE, END)
    ("cma=16M@0x44000000-0x4c000000", "cma: Reserved 16 MiB at 0x4b000000", (0x4B000, 0x1000, 0)),
    # ... and END == BASE + SIZE makes it fixed again
    ("cma=16M@0x46000000-0x47000000", "cma: Reserved 16 MiB at 0x46000000", (0x46000, 0x1000, 0)),
    # the limit is rounded down: 0x4c7fffff loses its last 8 MiB
    ("cma=16M@0x44000000-0x4c7fffff", "cma: Reserved 16 MiB at 0x4b000000", (0x4B000, 0x1000, 0)),
    # a fixed base past the end of RAM: v4.9 does not check base + size against the limit
    ("cma=8M@0x58000000", "cma: Reserved 8 MiB at 0x58000000", (0x58000, 0x800, 0)),
])
def test_placement_of_the_default_area(cmdline, line, area):
    m = boot(cmdline, until="setup_arch")
    assert cma_lines(m) == [line]
    assert areas(m) == [area]
    with m:
        from cmaport.mm.memblock import memblock_is_region_reserved

        assert memblock_is_region_reserved(area[0] << 12, area[1] << 12)
        from cmaport.mm.page_alloc import page_alloc_c

        assert page_alloc_c.get().totalcma_pages == area[1]


@pytest.mark.parametrize("cmdline, lines", [
    # too big: the search fails (-ENOMEM), with the rounded size
    ("cma=300M", ["cma: Failed to reserve 304 MiB"]),
    # fixed over the kernel image: -EBUSY
    ("cma=16M@0x40000000", ["cma: Failed to reserve 16 MiB"]),
    # cma=0: no area and no message
    ("cma=0", []),
    # @0 is not fixed (base 0 means "anywhere"), but the implied limit 0 + 16 MiB stays:
    # nothing below 16 MiB is RAM here
    ("cma=16M@0", ["cma: Failed to reserve 16 MiB"]),
    # a range with no room
    ("cma=16M@0x44000000-0x44800000", ["cma: Failed to reserve 16 MiB"]),
])
def test_default_area_failures(cmdline, lines):
    m = boot(cmdline, until="setup_arch")
    assert cma_lines(m) == lines
    assert areas(m) == []
    with m:
        from cmaport.drivers.base.dma_contiguous import dma_contiguous_c

        assert dma_contiguous_c.get().dma_contiguous_default_area is None


def test_fixed_area_across_the_highmem_boundary_is_refused():
    # HIGHMEM on 1 GiB: lowmem ends at 0x70000000
    m = boot("cma=32M@0x6f000000", ram_mb=1024, settings=["CONFIG_HIGHMEM=y"], until="setup_arch")
    assert cma_lines(m) == ["cma: Region at 0x6f000000 defined on low/high memory boundary (0x70000000)",
                            "cma: Failed to reserve 32 MiB"]
    assert areas(m) == []


def test_highmem_first_then_lowmem():
    # the allowed range spans both: highmem first, from its top
    m = boot("cma=64M", ram_mb=1024, settings=["CONFIG_HIGHMEM=y"], until="setup_arch")
    assert cma_lines(m) == ["cma: Reserved 64 MiB at 0x7c000000"]
    # all of highmem (256 MiB) does not fit twice: the second try is in lowmem
    m = boot("cma=288M", ram_mb=1024, settings=["CONFIG_HIGHMEM=y"], until="setup_arch")
    assert cma_lines(m) == ["cma: Reserved 288 MiB at 0x5e000000"]


def test_bottom_up_search():
    # Model knob: memblock's bottom-up mode (v4.9 ARM never has it; MOVABLE_NODE only) —
    # the area then starts at the first aligned slot above the kernel
    m = boot("cma=16M", bottom_up=True, until="setup_arch")
    with m:
        from cmaport.arch.arm.include.asm.memory import __pa
        from cmaport.arch.arm.kernel.vmlinux_lds import sections

        kernel_end = __pa(sections()._end)
    base = (kernel_end + 8 * SZ_1M - 1) & ~(8 * SZ_1M - 1)
    assert cma_lines(m) == ["cma: Reserved 16 MiB at %#010x" % base]


@pytest.mark.parametrize("setting, line", [
    # CONFIG_CMA_SIZE_SEL_PERCENTAGE: 10 % of 256 MiB = 6553 pages -> 25.6 MiB -> 32 MiB
    ("CONFIG_CMA_SIZE_SEL_PERCENTAGE=y", "cma: Reserved 32 MiB at 0x4e000000"),
    # MIN/MAX of that and CONFIG_CMA_SIZE_MBYTES (64)
    ("CONFIG_CMA_SIZE_SEL_MIN=y", "cma: Reserved 32 MiB at 0x4e000000"),
    ("CONFIG_CMA_SIZE_SEL_MAX=y", "cma: Reserved 64 MiB at 0x4c000000"),
])
def test_kconfig_size_selection(setting, line):
    m = boot(settings=[setting], until="setup_arch")
    assert cma_lines(m) == [line]


def test_percentage_counts_memblock_memory():
    m = boot(settings=["CONFIG_CMA_SIZE_SEL_PERCENTAGE=y", "CONFIG_CMA_SIZE_PERCENTAGE=3"],
             until="setup_arch")
    with m:
        from cmaport.drivers.base.dma_contiguous import cma_early_percent_memory

        assert cma_early_percent_memory() == (65536 * 3 // 100) << 12
    assert cma_lines(m) == ["cma: Reserved 8 MiB at 0x4f800000"]


def test_percentage_product_wraps_in_unsigned_long():
    """dma-contiguous.c:86: total_pages * CONFIG_CMA_SIZE_PERCENTAGE is an unsigned long
    product: 65536 pages * 65546 = 2^32 + 655360 wraps to 655360, / 100 = 6553 pages.
    (Kconfig gives the percentage no range.) Unwrapped it would be ~3.9 GiB and fail."""
    m = boot(settings=["CONFIG_CMA_SIZE_SEL_PERCENTAGE=y", "CONFIG_CMA_SIZE_PERCENTAGE=65546"],
             until="setup_arch")
    with m:
        from cmaport.drivers.base.dma_contiguous import cma_early_percent_memory

        assert cma_early_percent_memory() == 6553 << 12
    assert cma_lines(m) == ["cma: Reserved 32 MiB at 0x4e000000"]


def test_pr_debug_lines_with_cma_debug():
    m = boot("cma=16M@0x48800000", settings=["CONFIG_CMA_DEBUG=y"], until="setup_arch")
    lines = [l for l in m.dmesg() if l.startswith("cma: ")]
    assert lines == [
        "cma: early_cma(16M@0x48800000)",
        "cma: dma_contiguous_reserve(limit ffffffff)",
        "cma: dma_contiguous_reserve: reserving 16 MiB for global area",
        # the raw arguments, before they are sanitised
        "cma: cma_declare_contiguous(size 0x01000000, base 0x48800000, limit 0x49800000 "
        "alignment 0x00000000)",
        "cma: Reserved 16 MiB at 0x48800000",
    ]


# --- cma_init_reserved_mem / cma_declare_contiguous called directly -----------------------

def test_cma_init_reserved_mem_checks_in_order():
    m = boot("cma=0", until="setup_arch")
    with m:
        from cmaport.mm.memblock import memblock_reserve

        memblock_reserve(0x48000000, 0x800000)
        # not reserved at all
        assert cma_mod.cma_init_reserved_mem(0x49000000, 0x800000, 0) == (-EINVAL, None)
        # size 0
        assert cma_mod.cma_init_reserved_mem(0x48000000, 0, 0) == (-EINVAL, None)
        # "reserved" means "intersects": half reserved is accepted
        ret, c = cma_mod.cma_init_reserved_mem(0x47800000, 0x1000000, 0)
        assert ret == 0 and (c.base_pfn, c.count) == (0x47800, 0x1000)
        # not aligned to 8 MiB (no rounding here)
        assert cma_mod.cma_init_reserved_mem(0x48400000, 0x800000, 0) == (-EINVAL, None)
        assert cma_mod.cma_init_reserved_mem(0x48000000, 0x400000, 0) == (-EINVAL, None)
        # order_per_bit must divide the alignment (2^11 pages)
        assert cma_mod.cma_init_reserved_mem(0x48000000, 0x800000, 12) == (-EINVAL, None)
        ret, c = cma_mod.cma_init_reserved_mem(0x48000000, 0x800000, 11)
        assert ret == 0 and c.order_per_bit == 11 and cma_mod.cma_bitmap_maxno(c) == 1
    assert m.dmesg()[-1:] != ["cma: Not enough slots for CMA reserved regions!"]


def test_more_areas_than_config_cma_areas():
    # MAX_CMA_AREAS = 1 + CONFIG_CMA_AREAS; the default area took one slot
    m = boot("cma=8M", settings=["CONFIG_CMA_AREAS=2"], until="setup_arch")
    with m:
        assert len(cma_mod.cma_c.get().cma_areas) == 3
        assert cma_mod.cma_declare_contiguous(0, 8 * SZ_1M, 0, 0, 0, False)[0] == 0
        assert cma_mod.cma_declare_contiguous(0, 8 * SZ_1M, 0, 0, 0, False)[0] == 0
        before = len(m.dmesg())
        # the slot check comes first: no "Failed to reserve" line after it
        assert cma_mod.cma_declare_contiguous(0, 8 * SZ_1M, 0, 0, 0, False) == (-ENOSPC, None)
        assert m.dmesg()[before:] == ["cma: Not enough slots for CMA reserved regions!"]
        from cmaport.mm.memblock import memblock_reserve

        memblock_reserve(0x48000000, 0x800000)
        assert cma_mod.cma_init_reserved_mem(0x48000000, 0x800000, 0) == (-ENOSPC, None)
        assert m.dmesg()[-1] == "cma: Not enough slots for CMA reserved regions!"
        assert cma_mod.cma_c.get().cma_area_count == 3


def test_silent_early_errors_of_cma_declare_contiguous():
    m = boot("cma=0", until="setup_arch")
    with m:
        before = len(m.dmesg())
        assert cma_mod.cma_declare_contiguous(0, 0, 0, 0, 0, False) == (-EINVAL, None)
        assert cma_mod.cma_declare_contiguous(0, SZ_1M, 0, 3 * SZ_1M, 0, False) == (-EINVAL, None)
        # 8 MiB = 2^11 pages is not a multiple of 2^12 pages per bit
        assert cma_mod.cma_declare_contiguous(0, SZ_1M, 0, 0, 12, False) == (-EINVAL, None)
        assert m.dmesg()[before:] == []
        # an explicit alignment above the minimum is used as given, for the size too
        ret, c = cma_mod.cma_declare_contiguous(0, SZ_1M, 0, 32 * SZ_1M, 0, False)
        assert ret == 0 and c.base_pfn == 0x4C000 and c.count == 0x2000
        assert m.dmesg()[-1] == "cma: Reserved 32 MiB at 0x4c000000"


# --- activation -----------------------------------------------------------------------------

def test_activation_makes_cma_pageblocks():
    from cmaport.include.linux.mmzone import MIGRATE_CMA, NODE_DATA, NR_FREE_CMA_PAGES
    from cmaport.include.linux.vmstat import global_page_state
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.mm.page_alloc import get_pageblock_migratetype, page_alloc_c

    m = boot("cma=16M")
    with m:
        zone = NODE_DATA(0).node_zones[0]
        managed = zone.managed_pages
        assert global_page_state(NR_FREE_CMA_PAGES) == 0
        assert cma_mod.cma_init_reserved_areas() == 0
        c = cma_mod.cma_c.get().cma_areas[0]
        assert c.bitmap is not None and len(c.bitmap) == 4096 // 32 and not any(c.bitmap)
        assert global_page_state(NR_FREE_CMA_PAGES) == 4096
        assert zone.managed_pages == managed + 4096
        assert page_alloc_c.get().totalcma_pages == 4096
        types = [get_pageblock_migratetype(pfn_to_page(p)) for p in range(0x40000, 0x50000, 2048)]
        assert types.count(MIGRATE_CMA) == 2 and types[-2:] == [MIGRATE_CMA] * 2
        from cmaport.mm.debug import model_check_zone

        assert model_check_zone(zone) == []
        from cmaport.fs.proc.meminfo import meminfo_proc_show

        text = meminfo_proc_show()
    assert "CmaTotal:          16384 kB\nCmaFree:           16384 kB\n" in text


def virt_dt_board(ram_mb, regions, cmdline=""):
    """QEMU virt with static ``reusable`` shared-dma-pool regions ``[(name, base, size)]``."""
    import struct

    from cmaport.arch.arm.hw.board import CORTEX_A15, Board, builtin_dtb
    from cmaport.arch.arm.hw.fdt_image import Node, build_dtb, parse_dtb

    def cells(*v):
        return struct.pack(">%dI" % len(v), *v)

    root, rsv = parse_dtb(builtin_dtb("virt-base.dtb"))
    rm = root.add(Node("reserved-memory", {"#address-cells": cells(2), "#size-cells": cells(2),
                                            "ranges": b""}))
    for name, base, size in regions:
        rm.add(Node(name, {"compatible": b"shared-dma-pool\0", "reusable": b"",
                           "reg": cells(0, base, 0, size)}))
    return Board("virt", build_dtb(root, rsv), ram=[(RAM, ram_mb * SZ_1M)],
                 bootargs="console=ttyAMA0 " + cmdline, cpu=CORTEX_A15)


def test_area_across_two_zones_is_disabled_and_stops_later_areas():
    """v4.9 §9: the blocks released before the zone check fails stay CMA, count becomes 0,
    later areas stay reserved and inactive; nothing is printed (the model notes it)."""
    from cmaport.include.linux.mmzone import NR_FREE_CMA_PAGES
    from cmaport.include.linux.vmstat import global_page_state

    # 1 GiB with HIGHMEM: lowmem ends at 0x70000000; the first region straddles it
    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=y")
    board = virt_dt_board(1024, [("straddle@6f000000", 0x6F000000, 0x2000000),
                                 ("later@78000000", 0x78000000, 0x800000)], "cma=0")
    m = Machine(board=board, config=cfg).boot(until="mm_init")
    assert cma_lines(m) == [
        "Reserved memory: created CMA memory pool at 0x6f000000, size 32 MiB",
        "Reserved memory: created CMA memory pool at 0x78000000, size 8 MiB"]
    with m:
        assert cma_mod.cma_init_reserved_areas() == -EINVAL
        first, second = cma_mod.cma_c.get().cma_areas[:2]
        assert first.count == 0 and first.bitmap is None
        assert second.bitmap is None and second.count == 0x800  # never activated
        # the two lowmem pageblocks went to the buddy allocator as CMA before the check failed
        assert global_page_state(NR_FREE_CMA_PAGES) == 4096
        # cma_alloc on a disabled area gives NULL at once
        assert cma_mod.cma_alloc(first, 1, 0) is None
        from cmaport.mm.page_alloc import page_alloc_c

        assert page_alloc_c.get().totalcma_pages == 0x2000 + 0x800  # still counted
        # paging_init's dma_contiguous_remap: the lowmem part only (clipped at
        # arm_lowmem_limit); the highmem area needs no remap
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

        assert [(d.virtual, d.pfn, d.length) for d in dma_mapping_c.get().dma_contiguous_maps] == [
            (0xEF000000, 0x6F000, 0x1000000)]
    assert any("cma-0" in str(d) and "zone" in str(d) for d in m.diagnostics)
    assert any("cma-1" in str(d) and "not activated" in str(d) for d in m.diagnostics)


def straddle_board(default=True, debugfs=False, cmdline=""):
    """1 GiB virt with HIGHMEM (lowmem ends at 0x70000000): a reusable 16 MiB region at
    0x6f800000 straddles the boundary — rmem_cma_setup takes it, activation fails — and
    the default area (Kconfig's 64 MiB, in highmem) or a second DT region comes after it."""
    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=y")
    if debugfs:
        cfg.set_assignment("CONFIG_CMA_DEBUGFS=y")
    regions = [("straddle@6f800000", 0x6F800000, 0x1000000)]
    if not default:
        regions.append(("later@78000000", 0x78000000, 0x800000))
        cmdline = "cma=0 " + cmdline
    return Machine(board=virt_dt_board(1024, regions, cmdline), config=cfg)


def test_never_activated_default_area_oopses_in_atomic_pool_init():
    """cma.c:149-153 and 374: the area after a failed one keeps its count and a NULL
    bitmap; cma_alloc() checks only the count, and atomic_pool_init (pid 1) dereferences
    the bitmap: the kernel dies with the NULL-pointer oops."""
    from cmaport.kernel.errors import KernelBug

    m = straddle_board()
    with pytest.raises(KernelBug) as e:
        m.boot()
    assert e.value.function == "cma_alloc"
    assert "cma-1" in e.value.detail and "never activated" in e.value.detail
    assert m.dmesg()[-1] == ("Unable to handle kernel NULL pointer dereference at virtual "
                             "address 00000000")
    with m:
        c = cma_mod.cma_c.get().cma_areas[1]
        assert (c.base_pfn, c.count, c.bitmap) == (0x7C000, 0x4000, None)


def test_never_activated_area_oops_through_the_cli(tmp_path, capsys):
    """The CLI prints the log and exits 1 (no traceback)."""
    from cmaport.cli import main

    dtb = tmp_path / "straddle.dtb"
    dtb.write_bytes(straddle_board().board.dtb)
    with pytest.raises(SystemExit) as e:
        main(["boot", "--dtb", str(dtb), "--mem", "1G", "--set", "CONFIG_HIGHMEM=y"])
    assert e.value.code == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == ("Unable to handle kernel NULL pointer dereference at "
                                    "virtual address 00000000")
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("cmaport: the kernel stopped: kernel BUG in cma_alloc(): cma-1")


def test_never_activated_area_release_and_debugfs():
    """cma=0 and a second DT area: the boot survives (the pool comes from buddy pages);
    the failed area (count 0) reads as empty, the never-activated one oopses on every
    access to its bitmap. (debugfs' bitmap file of 0 words is empty, not a newline.)"""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.kernel.errors import KernelBug
    from cmaport.mm.cma_debug import cma_debugfs_read

    def oops_in(fn, *args):
        with pytest.raises(KernelBug) as e:
            fn(*args)
        assert m.dmesg()[-1] == ("Unable to handle kernel NULL pointer dereference at "
                                 "virtual address 00000000")
        return e.value.function

    m = straddle_board(default=False, debugfs=True).boot()
    with m:
        assert [cma_debugfs_read("cma/cma-0/" + f) for f in ("count", "used", "maxchunk",
                                                             "bitmap")] == ["0\n", "0\n", "0\n", ""]
        c = cma_mod.cma_c.get().cma_areas[1]
        assert c.count == 0x800 and c.bitmap is None
        assert oops_in(cma_debugfs_read, "cma/cma-1/used") == "cma_used_get"
        assert oops_in(cma_debugfs_read, "cma/cma-1/maxchunk") == "cma_maxchunk_get"
        assert oops_in(cma_debugfs_read, "cma/cma-1/bitmap") == "u32_array_open"
        assert oops_in(cma_mod.cma_alloc, c, 1, 0) == "cma_alloc"
        # a release of no pages clears no bits: nothing is dereferenced
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn), 0) is True
        assert oops_in(cma_mod.cma_release, c, pfn_to_page(c.base_pfn), 4) == "cma_clear_bitmap"


def test_fixed_area_past_the_end_of_ram_fails_activation():
    m = boot("cma=8M@0x58000000")  # RAM ends at 0x50000000; above lowmem, so no boundary check
    assert cma_lines(m) == ["cma: Reserved 8 MiB at 0x58000000"]
    with m:
        assert cma_mod.cma_init_reserved_areas() == -EINVAL
        assert cma_mod.cma_c.get().cma_areas[0].count == 0
    assert any("no struct page" in str(d) for d in m.diagnostics)
    # both WARN_ON_ONCE(!pfn_valid(pfn)) sites fire for the first pfn
    assert [(w.function, w.line) for w in m.warnings] == [("cma_activate_area", 109),
                                                          ("cma_activate_area", 117)]


# --- the bitmap search ----------------------------------------------------------------------

def test_bitmap_helpers():
    c = cma_mod.cma(base_pfn=0x5E800, count=4096, order_per_bit=2)
    assert cma_mod.cma_bitmap_maxno(c) == 1024
    assert cma_mod.cma_bitmap_aligned_mask(c, 2) == 0
    assert cma_mod.cma_bitmap_aligned_mask(c, 6) == 15
    # pages to bits: rounded up
    assert [cma_mod.cma_bitmap_pages_to_bits(c, n) for n in (1, 4, 5, 8)] == [1, 1, 2, 2]
    # v4.9's offset: ALIGN(base_pfn, 2^align) - base_pfn, in bits
    assert cma_mod.cma_bitmap_aligned_offset(c, 13) == (0x60000 - 0x5E800) >> 2
    assert cma_mod.cma_bitmap_aligned_offset(c, 2) == 0
    # a shift past the word: ARM's register shift gives 0, so the mask is all ones
    assert cma_mod.cma_bitmap_aligned_mask(c, 40) == 0xFFFFFFFF


def test_register_shift_uses_the_bottom_byte():
    """1UL << n with n in a register: ARM's LSL takes Rs[7:0]; 32..255 give 0, 256 is
    a shift by 0."""
    c = cma_mod.cma(base_pfn=0x5E800, count=4096, order_per_bit=0)
    assert [cma_mod._shl1(n) for n in (0, 31, 32, 255, 256, 257, 0x1FF)] == [
        1, 1 << 31, 0, 0, 1, 2, 0]
    assert cma_mod.cma_bitmap_aligned_mask(c, 32) == 0xFFFFFFFF  # (0 - 1) as unsigned long
    assert cma_mod.cma_bitmap_aligned_mask(c, 256) == 0
    assert cma_mod.cma_bitmap_aligned_mask(c, 258) == 3
    assert cma_mod.cma_bitmap_aligned_offset(c, 256) == 0  # ALIGN(base, 1) - base
    assert cma_mod.cma_bitmap_aligned_offset(c, 268) == 0x800  # ALIGN(0x5e800, 1 << 12) - base


def test_misaligned_block_from_the_wrong_sign_offset(contig):
    """v4.9-vs-v6.1 §11.2: an area at pfn 0x5e800, align 13 -> pfn 0x5f000 (not 8192-aligned)."""
    m = boot("cma=0", ram_mb=512)
    with m:
        from cmaport.mm.memblock import memblock_reserve

        memblock_reserve(0x5E800000, 0x1000000)
        ret, c = cma_mod.cma_init_reserved_mem(0x5E800000, 0x1000000, 0)
        assert ret == 0 and cma_mod.cma_init_reserved_areas() == 0
        page = cma_mod.cma_alloc(c, 1, 13)
        from cmaport.include.linux.mm import page_to_pfn

        assert page_to_pfn(page) == 0x5F000 and 0x5F000 % 0x2000 == 0x1000


def test_first_fit_with_alignment_and_interleaved_release(contig):
    m = boot("cma=16M")
    with m:
        from cmaport.include.linux.mm import page_to_pfn, pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        base = c.base_pfn

        def alloc(n, a):
            p = cma_mod.cma_alloc(c, n, a)
            return None if p is None else page_to_pfn(p) - base

        assert alloc(64, 6) == 0
        assert alloc(16, 0) == 64
        assert alloc(16, 4) == 80
        assert alloc(1, 0) == 96
        assert alloc(2048, 11) == 2048
        assert runs(c) == [(0, 97), (2048, 4096)]
        # the requested count (not the bit-rounded one) goes to alloc_contig_range
        assert contig.allocs[-1] == (base + 2048, base + 4096)
        assert cma_mod.cma_release(c, pfn_to_page(base + 64), 16)
        assert runs(c) == [(0, 64), (80, 97), (2048, 4096)]
        assert alloc(8, 3) == 64  # first fit takes the hole
        assert alloc(9, 3) == 104  # 9 pages do not fit at 72 (bits 80.. are used): next 8-aligned
        assert alloc(2049, 0) is None  # 2048 clear bits at most now: no call at all
        assert len(contig.allocs) == 7
        assert contig.frees == [(base + 64, 16)]


@pytest.mark.parametrize("order_per_bit", [0, 1, 3])
def test_order_per_bit(contig, order_per_bit):
    m = boot("cma=0")
    with m:
        from cmaport.include.linux.mm import page_to_pfn, pfn_to_page
        from cmaport.mm.memblock import memblock_reserve

        memblock_reserve(0x48000000, 0x800000)
        ret, c = cma_mod.cma_init_reserved_mem(0x48000000, 0x800000, order_per_bit)
        assert ret == 0 and cma_mod.cma_init_reserved_areas() == 0
        assert len(c.bitmap) * 32 >= 2048 >> order_per_bit
        per = 1 << order_per_bit
        p1 = page_to_pfn(cma_mod.cma_alloc(c, 3, 0)) - 0x48000
        p2 = page_to_pfn(cma_mod.cma_alloc(c, 5, 0)) - 0x48000
        bits3 = -(-3 // per)
        assert (p1, p2) == (0, bits3 * per)
        assert runs(c) == [(0, bits3 + -(-5 // per))]
        # an alignment below one bit is free, above it is counted in bits
        p3 = page_to_pfn(cma_mod.cma_alloc(c, 1, order_per_bit + 2)) - 0x48000
        assert p3 % (per << 2) == 0 and p3 >= (bits3 + -(-5 // per)) * per
        cma_mod.cma_release(c, pfn_to_page(0x48000 + p2), 5)
        assert runs(c)[0] == (0, bits3)
        from cmaport.mm.cma_debug import cma_area_view

        v = cma_area_view(c)
        assert v["used"] == (bits3 + 1) * per


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 300), st.integers(0, 9)), max_size=25))
def test_bitmap_matches_the_live_allocations(ops):
    """Invariant: after any interleaving of allocs and releases the set bits are exactly the
    live allocations (rounded to whole bits), and live allocations never overlap."""
    import cmaport.mm.page_alloc as pa

    d = ContigDouble()
    m = _small_machine()
    saved = pa.alloc_contig_range, pa.free_contig_range
    pa.alloc_contig_range, pa.free_contig_range = d.alloc_contig_range, d.free_contig_range
    try:
        with m:
            from cmaport.include.linux.mm import page_to_pfn, pfn_to_page

            c = cma_mod.cma_c.get().cma_areas[1]
            c.bitmap = cma_mod.bitmap_alloc_zeroed(cma_mod.cma_bitmap_maxno(c))
            live = []
            for is_alloc, n, a in ops:
                if is_alloc or not live:
                    p = cma_mod.cma_alloc(c, n, a)
                    if p is not None:
                        pfn = page_to_pfn(p)
                        assert (pfn - c.base_pfn) % (1 << max(a, c.order_per_bit)) == 0
                        live.append((pfn, n))
                else:
                    pfn, k = live.pop(n % len(live))
                    assert cma_mod.cma_release(c, pfn_to_page(pfn), k)
            want = set()
            for pfn, k in live:
                first = (pfn - c.base_pfn) >> c.order_per_bit
                bits = set(range(first, first + cma_mod.cma_bitmap_pages_to_bits(c, k)))
                assert not bits & want
                want |= bits
            got = {i for i in range(cma_mod.cma_bitmap_maxno(c)) if c.bitmap[i // 32] >> (i % 32) & 1}
            assert got == want
    finally:
        pa.alloc_contig_range, pa.free_contig_range = saved


def _small_machine():
    """A machine with a second, order_per_bit 1 area (not activated: the property test
    gives it a fresh bitmap itself)."""
    m = boot("cma=8M", ram_mb=128, until="setup_arch")
    with m:
        from cmaport.mm.memblock import memblock_reserve

        memblock_reserve(0x43000000, 0x800000)
        assert cma_mod.cma_init_reserved_mem(0x43000000, 0x800000, 1)[0] == 0
    return m


def trace_on(m):
    """The boot stopped after mm_init: run trace_init() (start_kernel's next step) by hand."""
    from cmaport.kernel.trace.trace import trace_init

    with m:
        trace_init()


def test_retry_past_a_busy_range(contig):
    """-EBUSY clears the bits and retries at bit + mask + 1; the trace shows one event."""
    m = boot("cma=16M trace_event=cma:cma_alloc")
    trace_on(m)
    with m:
        from cmaport.include.linux.mm import page_to_pfn

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        base = c.base_pfn
        contig.pinned = {base + 5, base + 20, base + 40}
        p = cma_mod.cma_alloc(c, 16, 4)  # mask 15: candidates 0, 16, 32, 48
        assert page_to_pfn(p) == base + 48
        assert contig.allocs == [(base + i, base + i + 16) for i in (0, 16, 32, 48)]
        assert runs(c) == [(48, 64)]
        contig.allocs.clear()
        p = cma_mod.cma_alloc(c, 8, 0)  # mask 0: every bit is a candidate
        assert page_to_pfn(p) == base + 6
        assert [a[0] - base for a in contig.allocs] == [0, 1, 2, 3, 4, 5, 6]
        from cmaport.kernel.trace.trace import trace_c

        assert [e.call.name for e in trace_c.get().buffer] == ["cma_alloc", "cma_alloc"]
        from cmaport.kernel.cost import snapshot

        assert snapshot()["retries"] == 3 + 6


def test_other_errors_stop_at_once(contig):
    m = boot("cma=16M trace_event=cma:*")
    trace_on(m)
    with m:
        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        contig.fail_with = -EINTR
        assert cma_mod.cma_alloc(c, 16, 0) is None
        assert len(contig.allocs) == 1 and runs(c) == []
        from cmaport.kernel.trace.trace import tracing_read_trace

        # the pfn tried is in the event, the page is NULL
        assert tracing_read_trace().splitlines()[-1].endswith(
            "cma_alloc: pfn=4f000 page=  (null) count=16 align=0")
        contig.fail_with = -ENOMEM
        assert cma_mod.cma_alloc(c, 16, 0) is None and len(contig.allocs) == 2


def test_early_returns_emit_no_event(contig):
    m = boot("cma=16M trace_event=cma")
    trace_on(m)
    with m:
        from cmaport.kernel.trace.trace import trace_c

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        assert cma_mod.cma_alloc(None, 1, 0) is None
        assert cma_mod.cma_alloc(c, 0, 0) is None
        assert cma_mod.cma_alloc(c, 4097, 0) is None
        assert trace_c.get().buffer == [] and contig.allocs == []
        # no room left: the event with pfn -1
        assert cma_mod.cma_alloc(c, 4096, 0) is not None
        assert cma_mod.cma_alloc(c, 1, 0) is None
        e = trace_c.get().buffer[-1]
        assert e.fields == (0xFFFFFFFF, None, 1, 0)


# --- cma_release ---------------------------------------------------------------------------

def test_release_refuses_pages_outside_the_area(contig):
    m = boot("cma=16M trace_event=cma:cma_release")
    trace_on(m)
    with m:
        from cmaport.include.linux.mm import pfn_to_page
        from cmaport.kernel.trace.trace import trace_c

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        cma_mod.cma_alloc(c, 64, 0)
        before = [w for w in c.bitmap]
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn - 1), 1) is False
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn + c.count), 1) is False
        assert cma_mod.cma_release(None, pfn_to_page(c.base_pfn), 1) is False
        assert cma_mod.cma_release(c, None, 1) is False
        assert list(c.bitmap) == before and contig.frees == [] and trace_c.get().buffer == []


def test_release_past_the_end_without_debug_vm_is_diagnosed(contig):
    m = boot("cma=8M")
    with m:
        from cmaport.include.linux.mm import pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        page = cma_mod.cma_alloc(c, 2048, 0)
        assert page is not None and len(c.bitmap) == 64
        # the kernel goes on (frees 4 pages that are not the area's); the model says so
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn + 2044), 8) is True
        assert contig.frees == [(c.base_pfn + 2044, 8)]
        assert runs(c) == [(0, 2044)]
    assert any("past the end of the area" in str(d) for d in m.diagnostics)


def test_release_past_the_end_with_debug_vm_is_a_bug(contig):
    from cmaport.kernel.errors import KernelBug

    m = boot("cma=8M", settings=["CONFIG_DEBUG_VM=y"])
    with m:
        from cmaport.include.linux.mm import pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        cma_mod.cma_alloc(c, 2048, 0)
        before = list(c.bitmap)
        with pytest.raises(KernelBug) as e:
            cma_mod.cma_release(c, pfn_to_page(c.base_pfn + 2044), 8)
        assert e.value.function == "cma_release"
        assert list(c.bitmap) == before and contig.frees == []
    assert m.dmesg()[-1] == "kernel BUG at mm/cma.c:457!"


def test_release_count_that_wraps_pfn_plus_count(contig):
    """cma.c:457: pfn + count is an unsigned long; a count of 0xffffffff makes it
    pfn - 1, so even CONFIG_DEBUG_VM's VM_BUG_ON passes. The model says so and goes on
    (its bitmap diagnostic clears only up to the end of the bitmap)."""
    m = boot("cma=8M", settings=["CONFIG_DEBUG_VM=y"])
    with m:
        from cmaport.include.linux.mm import pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        assert cma_mod.cma_alloc(c, 64, 0) is not None
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn + 16), 0xFFFFFFFF) is True
        assert contig.frees == [(c.base_pfn + 16, 0xFFFFFFFF)]
        assert runs(c) == [(0, 16)]
    assert not any(l.startswith("kernel BUG") for l in m.dmesg())
    notes = [str(d) for d in m.diagnostics]
    assert any("wraps around 32 bits to %#x" % (0x4F800 + 15) in n for n in notes)
    assert not any("page(s) past the end of the area" in n for n in notes)
    assert any("past the end of the area's bitmap" in n for n in notes)  # cma_clear_bitmap


def test_release_that_cuts_into_a_live_allocation_is_diagnosed(contig):
    """v4.9 frees part of an allocation without a word (e.g. 3 pages of the atomic pool):
    the bits are cleared, and the model names the allocation it cut into."""
    m = boot("cma=8M")
    with m:
        from cmaport.include.linux.mm import page_to_pfn, pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        a = page_to_pfn(cma_mod.cma_alloc(c, 64, 0))
        b = page_to_pfn(cma_mod.cma_alloc(c, 8, 0))
        assert (a, b) == (0x4F800, 0x4F840)
        assert cma_mod.cma_release(c, pfn_to_page(a + 1), 3) is True
        assert runs(c) == [(0, 1), (4, 72)]
        assert c.live == {a: 1, a + 4: 60, b: 8}
        # the tail of one and the head of the next: both are named
        assert cma_mod.cma_release(c, pfn_to_page(a + 62), 4) is True
        assert c.live == {a: 1, a + 4: 58, b + 2: 6}
        # whole allocations: nothing to say
        n = len(m.diagnostics)
        assert cma_mod.cma_release(c, pfn_to_page(b + 2), 6) is True
        assert len(m.diagnostics) == n
    notes = [str(d) for d in m.diagnostics if "cuts into" in str(d)]
    assert notes == [
        "cma_release: cma-0: releasing pfns 0x4f801..0x4f803 (3 pages) cuts into the "
        "allocation of pfns 0x4f800..0x4f83f (64 pages); v4.9 does not check: it frees the "
        "pages and clears their bits, and the owner still uses the rest",
        "cma_release: cma-0: releasing pfns 0x4f83e..0x4f841 (4 pages) cuts into the "
        "allocation of pfns 0x4f804..0x4f83f (60 pages) and the allocation of pfns "
        "0x4f840..0x4f847 (8 pages); v4.9 does not check: it frees the pages and clears "
        "their bits, and the owner still uses the rest"]


def test_release_of_pages_never_allocated_is_diagnosed(contig):
    m = boot("cma=8M")
    with m:
        from cmaport.include.linux.mm import pfn_to_page

        cma_mod.cma_init_reserved_areas()
        c = cma_mod.cma_c.get().cma_areas[0]
        cma_mod.cma_alloc(c, 4, 0)
        assert cma_mod.cma_release(c, pfn_to_page(c.base_pfn), 8) is True  # v4.9: no check
        assert runs(c) == []
    assert any("did not hand out" in str(d) for d in m.diagnostics)


def test_cma_get_base_size_and_model_helpers():
    m = boot("cma=16M", until="setup_arch")
    with m:
        c = cma_mod.cma_c.get().cma_areas[0]
        assert cma_mod.cma_get_base(c) == 0x4F000000
        assert cma_mod.cma_get_size(c) == 16 * SZ_1M
        assert cma_mod.cma_get_name(c) == "cma-0"
        seen = []
        assert cma_mod.cma_for_each_area(lambda a, d: seen.append((a.index, d)) or 0, "x") == 0
        assert seen == [(0, "x")]
        assert cma_mod.cma_for_each_area(lambda a, d: 7, None) == 7


# --- mm/cma_debug.c -------------------------------------------------------------------------

def test_debugfs_files_and_lifo_free(contig):
    from cmaport.include.linux.errno import ENOENT
    from cmaport.mm.cma_debug import cma_debugfs_init, cma_debugfs_read, cma_debugfs_write

    m = boot("cma=16M", settings=["CONFIG_CMA_DEBUGFS=y"])
    with m:
        cma_mod.cma_init_reserved_areas()
        assert cma_debugfs_init() == 0
        d = "cma/cma-0/"
        assert [cma_debugfs_read(d + f) for f in ("base_pfn", "count", "order_per_bit", "used",
                                                 "maxchunk")] == ["323584\n", "4096\n", "0\n",
                                                                  "0\n", "4096\n"]
        assert cma_debugfs_write(d + "alloc", 10) == 0
        assert cma_debugfs_write(d + "alloc", 5) == 0
        assert cma_debugfs_write(d + "alloc", 5000) == -ENOMEM
        assert cma_debugfs_read(d + "used") == "15\n"
        assert cma_debugfs_read(d + "bitmap") == "32767" + " 0" * 127 + "\n"
        # free 7 pages: the newest entry (5) whole, then 2 pages of the older one
        assert cma_debugfs_write(d + "free", 7) == 0
        assert contig.frees == [(0x4F00A, 5), (0x4F000, 2)]
        assert runs(cma_mod.cma_c.get().cma_areas[0]) == [(2, 10)]
        assert cma_debugfs_read(d + "maxchunk") == "4086\n"
        assert cma_debugfs_read(d + "alloc") == -ENOENT  # write-only
        assert cma_debugfs_read("cma/cma-1/used") == -ENOENT
    # debugfs freeing the head of its own entry is not a release that cuts into a live
    # allocation
    assert not any("cuts into" in str(d) for d in m.diagnostics)


def test_debugfs_needs_the_config():
    """mm/Makefile: cma_debug.o only with CONFIG_CMA_DEBUGFS — its late initcall is not in
    the image otherwise."""
    from cmaport.include.linux.errno import ENOENT
    from cmaport.include.linux.init import initcalls
    from cmaport.mm.cma_debug import cma_debugfs_init, cma_debugfs_read

    m = Machine(board=virt_board(ram_size=256 * SZ_1M, bootargs="cma=16M")).boot()
    with m:
        assert cma_debugfs_init not in initcalls("late")
        assert cma_debugfs_read("cma/cma-0/used") == -ENOENT
    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_CMA_DEBUGFS=y")
    m = Machine(board=virt_board(ram_size=256 * SZ_1M, bootargs="cma=16M"), config=cfg).boot()
    with m:
        assert cma_debugfs_init in initcalls("late")
        assert cma_debugfs_read("cma/cma-0/count") == "4096\n"


def test_debugfs_free_of_a_negative_count_releases_every_entry_whole(contig):
    """cma_debug.c:102: mem->n (unsigned long) <= count (int): -1 is ULONG_MAX there, so
    each entry is released whole; count -= n stays an int and the list runs dry."""
    from cmaport.mm.cma_debug import cma_debugfs_init, cma_debugfs_write

    m = boot("cma=16M", settings=["CONFIG_CMA_DEBUGFS=y"])
    with m:
        cma_mod.cma_init_reserved_areas()
        cma_debugfs_init()
        c = cma_mod.cma_c.get().cma_areas[0]
        d = "cma/cma-0/"
        for n in (10, 5, 7):
            assert cma_debugfs_write(d + "alloc", n) == 0
        assert cma_debugfs_write(d + "free", (1 << 64) - 1) == 0  # echo -1 > free
        assert contig.frees == [(0x4F00F, 7), (0x4F00A, 5), (0x4F000, 10)]
        assert c.mem_head == [] and runs(c) == [] and c.live == {}
    assert m.diagnostics == []


def test_debugfs_used_passes_all_32_bits_of_maxno(monkeypatch):
    """cma_used_get(): (int)maxno into bitmap_weight()'s unsigned int nbits — the same 32
    bits, not 31."""
    import cmaport.mm.cma_debug as cma_debug_mod

    seen = []
    monkeypatch.setattr(cma_debug_mod, "bitmap_weight", lambda bm, n: seen.append(n) or 3)
    c = cma_mod.cma(base_pfn=0, count=0x80000040, order_per_bit=0, bitmap=[0])
    assert cma_debug_mod.cma_used_get(c) == 3
    assert seen == [0x80000040]


def test_debugfs_quirks_with_order_per_bit(contig):
    from cmaport.mm.cma_debug import cma_free_mem, cma_maxchunk_get, cma_mem

    m = boot("cma=0", until="setup_arch")
    m.log.debug_all = True  # cma_debug.c's pr_debug (dynamic debug)
    with m:
        c = cma_mod.cma(base_pfn=0x48000, count=2048, order_per_bit=1, index=3)
        c.bitmap = cma_mod.bitmap_alloc_zeroed(1024)
        cma_mod.bitmap_set(c.bitmap, 0, 2)
        c.mem_head = [cma_mem(p=0x48000 - 0x40000, n=4)]
        # a partial release of an entry is refused when one bit is two pages
        assert cma_free_mem(c, 2) == 0
        assert contig.frees == [] and c.mem_head[0].n == 4
        assert m.dmesg()[-1] == "cma: cannot release partial block when order_per_bit != 0"
        # maxchunk: v4.9 compares the scan with count (pages), not the 1024 bits: it never
        # ends; the model stops and says so
        assert cma_maxchunk_get(c) == 1022 * 2
    assert any("loops for ever" in str(d) for d in m.diagnostics)


# --- trace_event= --------------------------------------------------------------------------

@pytest.mark.parametrize("value, enabled", [
    ("cma:*", {"cma_alloc", "cma_release"}),
    ("cma:", {"cma_alloc", "cma_release"}),
    ("cma", {"cma_alloc", "cma_release"}),
    ("cma:cma_release", {"cma_release"}),
    ("*:cma_alloc", {"cma_alloc"}),
    (":cma_alloc", {"cma_alloc"}),
    ("cma_alloc", {"cma_alloc"}),
    ("foo:cma_alloc,cma:cma_release", {"cma_release"}),
    ("", set()),
])
def test_trace_event_selectors(value, enabled):
    from cmaport.kernel.trace.trace_events import early_enable_events, trace_events_c

    m = Machine()
    with m:
        trace_events_c.get().bootup_event_buf = value
        early_enable_events(None, False)
        assert {c.name for c in trace_events_c.get().enabled} == enabled
    assert ("Failed to enable trace event: foo:cma_alloc" in m.dmesg()) == ("foo" in value)


def test_trace_event_assign_runs_only_when_enabled(monkeypatch):
    """TRACE_EVENT(..., assign=TP_fast_assign): the static key is tested once, in the
    tracepoint; a disabled event does not compute its fields."""
    import cmaport.include.trace.events.cma as events
    from cmaport.kernel.trace.trace import trace_c
    from cmaport.kernel.trace.trace_events import early_enable_events, trace_events_c

    calls = []
    monkeypatch.setattr(events, "_page_ptr", lambda page: calls.append(page) or 0xEF000000)
    m = Machine()
    with m:
        events.trace_cma_alloc(0x1FFFFFFFF, 7, -1, 3)
        assert calls == [] and trace_c.get().buffer == []
        trace_events_c.get().bootup_event_buf = "cma:cma_alloc"
        early_enable_events(None, False)
        events.trace_cma_alloc(0x1FFFFFFFF, 7, -1, 3)
        events.trace_cma_release(1, 7, 1)  # not enabled
        assert calls == [7]
        assert [e.fields for e in trace_c.get().buffer] == [(0xFFFFFFFF, 0xEF000000, 0xFFFFFFFF, 3)]
