# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dma-coherent.c: per-device pools, and the device-tree ``shared-dma-pool`` ones.

Pools here live in the built-in board's video SRAM (device memory at 0x4c000000, not
RAM). Where an allocation falls back to the architecture, a test double stands in for
ARM's ``ops->alloc`` (which comes with the CMA/ARM DMA work).
"""

import shutil

import pytest
from hypothesis import given, settings, strategies as st

from cmaport.arch.arm.include.asm.dma_mapping import set_dma_ops
from cmaport.arch.arm.include.asm.io import iomem_ptr
from cmaport.drivers.base.dma_coherent import (dma_alloc_from_coherent, dma_declare_coherent_memory,
                                               dma_mark_declared_memory_occupied,
                                               dma_mmap_from_coherent, dma_release_declared_memory,
                                               dma_release_from_coherent)
from cmaport.include.linux.device import device
from cmaport.include.linux.dma_mapping import (DMA_MEMORY_EXCLUSIVE, DMA_MEMORY_IO, DMA_MEMORY_MAP,
                                               dma_alloc_coherent, dma_free_coherent, dma_map_ops)
from cmaport.include.linux.errno import EBUSY, EINVAL, ENXIO, IS_ERR, PTR_ERR
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine
from cmaport.mm.memory import VM_IO, VM_PFNMAP, vm_area_struct

SRAM = 0x4C000000
PAGE = 4096


class FakeArchOps:
    """A stand-in for ARM's allocator: hands out fake linear-map addresses and counts calls."""

    def __init__(self):
        self.calls = []
        self.next = 0xC1000000

    def alloc(self, dev, size, gfp, attrs):
        self.calls.append(("alloc", size))
        addr = self.next
        self.next += (size + PAGE - 1) & ~(PAGE - 1)
        return addr, addr - 0xC0000000 + 0x60000000

    def free(self, dev, size, cpu_addr, handle, attrs):
        self.calls.append(("free", size, cpu_addr))

    def ops(self):
        return dma_map_ops(alloc=self.alloc, free=self.free)


def pool_device(pages, flags, fake=None):
    dev = device()
    if fake is not None:
        set_dma_ops(dev, fake.ops())
    assert dma_declare_coherent_memory(dev, SRAM, SRAM, pages * PAGE, flags) == flags & (
        DMA_MEMORY_MAP | DMA_MEMORY_IO)
    return dev


def test_declare_returns_the_mapping_flag_and_0_on_failure():
    with Machine() as m:
        dev = device()
        assert dma_declare_coherent_memory(dev, SRAM, SRAM, 16 * PAGE, DMA_MEMORY_MAP) == DMA_MEMORY_MAP
        assert dev.dma_mem.virt_base == iomem_ptr(SRAM) and dev.dma_mem.size == 16
        # a second pool for the same device: -EBUSY inside, 0 outside (v4.9 convention)
        assert dma_declare_coherent_memory(dev, SRAM, SRAM, PAGE, DMA_MEMORY_MAP) == 0
        other = device()
        assert dma_declare_coherent_memory(other, SRAM, SRAM, PAGE, 0) == 0  # neither MAP nor IO
        assert dma_declare_coherent_memory(other, SRAM, SRAM, 0, DMA_MEMORY_MAP) == 0
        assert dma_declare_coherent_memory(other, SRAM, 0x1000, PAGE, DMA_MEMORY_IO) == DMA_MEMORY_IO
        dma_release_declared_memory(other)
        assert other.dma_mem is None
        # wrap-around: ioremap refuses, so does the declaration
        assert dma_declare_coherent_memory(other, 0xFFF00000, 0, 0x200000, DMA_MEMORY_IO) == 0
        assert m.warnings == []


def test_memremap_refuses_ram_with_a_warning():
    m = Machine().boot(until="setup_arch")
    with m:
        dev = device()
        assert dma_declare_coherent_memory(dev, 0x70000000, 0x70000000, PAGE, DMA_MEMORY_MAP) == 0
    [w] = m.warnings
    assert (w.file, w.line, w.function) == ("kernel/memremap.c", 110, "memremap")
    assert w.message == "memremap attempted on ram 0x70000000 size: 0x1000"


def test_exclusive_pool_when_full_fails_without_asking_the_arch():
    with Machine():
        fake = FakeArchOps()
        dev = pool_device(4, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE, fake)
        got = [dma_alloc_coherent(dev, PAGE, 0) for _ in range(4)]
        assert [h for _, h in got] == [SRAM + i * PAGE for i in range(4)]
        assert dma_alloc_coherent(dev, PAGE, 0) == (None, None)
        assert dma_alloc_from_coherent(dev, 5 * PAGE) == (DMA_MEMORY_EXCLUSIVE, None, None)
        assert fake.calls == []


def test_non_exclusive_pool_falls_back_to_the_arch_allocator():
    with Machine():
        fake = FakeArchOps()
        dev = pool_device(4, DMA_MEMORY_MAP, fake)
        for _ in range(4):
            dma_alloc_coherent(dev, PAGE, 0)
        cpu, handle = dma_alloc_coherent(dev, PAGE, 0)
        assert (cpu, handle) == (0xC1000000, 0x61000000) and fake.calls == [("alloc", PAGE)]
        assert dma_alloc_from_coherent(dev, 8 * PAGE) == (0, None, None)  # too big: fall back
        # freeing goes to the pool first, then to the arch
        dma_free_coherent(dev, PAGE, cpu, handle)
        dma_free_coherent(dev, PAGE, iomem_ptr(SRAM), SRAM)
        assert fake.calls[-1] == ("free", PAGE, cpu)
        assert dma_alloc_coherent(dev, PAGE, 0)[1] == SRAM  # the pool's page is free again


def test_device_without_pool_goes_straight_to_the_arch():
    with Machine():
        fake = FakeArchOps()
        dev = device()
        set_dma_ops(dev, fake.ops())
        assert dma_alloc_from_coherent(dev, PAGE) == (0, None, None)
        assert dma_alloc_from_coherent(None, PAGE) == (0, None, None)
        assert dma_alloc_coherent(dev, 3 * PAGE, 0)[0] == 0xC1000000


def test_allocation_is_zeroed_through_the_mapping_exactly_size_bytes():
    with Machine() as m:
        physmem = m.hw.physmem
        physmem.fill(SRAM, 4 * PAGE, 0xAA)
        dev = pool_device(4, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE)
        cpu, handle = dma_alloc_coherent(dev, 6000, 0)
        assert (cpu, handle) == (iomem_ptr(SRAM), SRAM)
        data = physmem.read(SRAM, 2 * PAGE)
        assert data[:6000] == bytes(6000) and set(data[6000:]) == {0xAA}  # memset(ret, 0, size)
        # a DMA_MEMORY_IO pool is cleared with memset_io
        io = device()
        physmem.fill(SRAM + 0x100000, PAGE, 0x55)
        dma_declare_coherent_memory(io, SRAM + 0x100000, 0x100000, PAGE, DMA_MEMORY_IO)
        assert dma_alloc_coherent(io, 100, 0)[1] == 0x100000
        assert physmem.read(SRAM + 0x100000, 101) == bytes(100) + b"\x55"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 40 * PAGE)), max_size=25))
def test_blocks_are_the_first_naturally_aligned_power_of_two_runs(ops):
    """Allocations follow bitmap_find_free_region(): order = get_order(size), the lowest free
    2^order-aligned run that ends inside the pool (64 pages), else NULL (exclusive pool)."""
    pages = 64
    with Machine():
        fake = FakeArchOps()
        dev = pool_device(pages, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE, fake)
        busy = set()
        held = []
        for is_free, size in ops:
            if is_free and held:
                size, cpu, handle, run = held.pop(0)
                dma_free_coherent(dev, size, cpu, handle)
                busy -= run
                continue
            n = -(-size // PAGE)
            order = (n - 1).bit_length()
            want = None
            for p in range(0, pages - (1 << order) + 1, 1 << order):
                if not busy & set(range(p, p + (1 << order))):
                    want = p
                    break
            cpu, handle = dma_alloc_coherent(dev, size, 0)
            if want is None:
                assert (cpu, handle) == (None, None)
            else:
                assert handle == SRAM + want * PAGE and cpu == iomem_ptr(handle)
                run = set(range(want, want + (1 << order)))
                busy |= run
                held.append((size, cpu, handle, run))
        assert fake.calls == []


def test_mark_declared_memory_occupied():
    with Machine():
        assert PTR_ERR(dma_mark_declared_memory_occupied(device(), SRAM, PAGE)) == -EINVAL
        dev = pool_device(16, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE)
        # 0x800 into page 3, 0x1000 long: size becomes 0x1800 from the page start -> order 1
        ptr = dma_mark_declared_memory_occupied(dev, SRAM + 3 * PAGE + 0x800, 0x1000)
        assert ptr == iomem_ptr(SRAM + 3 * PAGE)  # pages 3 and 4 (not aligned: allowed)
        taken = dma_mark_declared_memory_occupied(dev, SRAM + 4 * PAGE, PAGE)
        assert IS_ERR(taken) and PTR_ERR(taken) == -EBUSY
        # order-1 requests now skip pages 2-3 and 4-5
        handles = [dma_alloc_coherent(dev, 2 * PAGE, 0)[1] for _ in range(2)]
        assert handles == [SRAM, SRAM + 6 * PAGE]
        assert dma_alloc_coherent(dev, PAGE, 0)[1] == SRAM + 2 * PAGE


def test_release_only_takes_pool_addresses():
    with Machine():
        dev = pool_device(8, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE)
        cpu, _ = dma_alloc_coherent(dev, 4 * PAGE, 0)
        assert dma_release_from_coherent(dev, 2, 0xC1000000) == 0
        assert dma_release_from_coherent(dev, 2, None) == 0
        assert dma_release_from_coherent(None, 2, cpu) == 0
        assert dma_release_from_coherent(dev, 2, iomem_ptr(SRAM + 8 * PAGE)) == 0  # one past
        assert dma_release_from_coherent(dev, 2, cpu) == 1
        assert dma_alloc_coherent(dev, 8 * PAGE, 0)[1] == SRAM


def test_mmap_from_coherent():
    with Machine():
        dev = pool_device(8, DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE)
        dma_alloc_coherent(dev, PAGE, 0)
        cpu, _ = dma_alloc_coherent(dev, 3 * PAGE, 0)  # order 2: pages 4..7, 3 pages used
        vma = vm_area_struct(vm_start=0x10000, vm_end=0x12000, vm_pgoff=1)
        assert dma_mmap_from_coherent(dev, vma, cpu, 3 * PAGE) == (1, 0)
        assert vma.remapped == [(0x10000, (SRAM >> 12) + 4 + 1, 2 * PAGE, 0)]
        assert vma.vm_flags & VM_IO and vma.vm_flags & VM_PFNMAP
        too_big = vm_area_struct(vm_start=0x10000, vm_end=0x13000, vm_pgoff=1)
        assert dma_mmap_from_coherent(dev, too_big, cpu, 3 * PAGE) == (1, -ENXIO)
        assert dma_mmap_from_coherent(dev, vma, 0xC1000000, PAGE) == (0, None)
        assert dma_mmap_from_coherent(device(), vma, cpu, PAGE) == (0, None)


# -- device-tree pools -------------------------------------------------------------------

def test_default_board_pool_lines():
    m = Machine().boot(until="setup_arch")
    lines = m.dmesg()
    i = lines.index("Reserved memory: created DMA memory pool at 0x4c000000, size 8 MiB")
    assert lines[i + 1] == "OF: reserved mem: initialized node vram@4c000000, compatible id shared-dma-pool"


def _pool_tree(dt, **vram):
    root = dt.tree()
    rm = root.find("/reserved-memory")
    props = dict(compatible=dt.strs("shared-dma-pool"))
    props.update(vram)
    rm.add(dt.node("pool@4c000000", **props))
    return root


def test_pool_without_no_map_is_refused_on_arm(dt):
    root = _pool_tree(dt, reg=dt.u32s(0x6E000000, 0x100000))
    m = dt.boot(dt.board(root))
    assert "Reserved memory: regions without no-map are not yet supported" in m.dmesg()
    assert not any("initialized node pool" in l for l in m.dmesg())
    assert m.log.records[[r.text for r in m.log.records].index(
        "Reserved memory: regions without no-map are not yet supported")].level == 3


def test_reusable_pool_is_not_a_dma_pool(dt):
    root = _pool_tree(dt, reg=dt.u32s(0x6E000000, 0x800000), reusable=b"")
    m = dt.boot(dt.board(root))
    # rmem_dma_setup refuses silently (a reusable region is CMA's business); the CMA
    # handler, first by link order, takes it (drivers/base/dma_contiguous.py)
    assert not any("DMA memory pool" in l for l in m.dmesg())
    assert [l for l in m.dmesg() if "pool@4c000000" in l or "memory pool" in l] == [
        "Reserved memory: created CMA memory pool at 0x6e000000, size 8 MiB",
        "OF: reserved mem: initialized node pool@4c000000, compatible id shared-dma-pool"]


def test_pool_that_cannot_be_mapped_fails_at_first_attach(dt):
    from cmaport.drivers.of.of_reserved_mem import __find_rmem, of_reserved_mem_device_init_by_idx
    from cmaport.include.linux.errno import ENODEV
    from cmaport.include.linux.of import of_find_node_by_path

    # the last 1 MiB of the 32-bit space and 1 MiB past it: phys_addr_t wraps, ioremap says no
    root = _pool_tree(dt, reg=dt.u32s(0xFFF00000, 0x200000), no_map=b"")
    root.add(dt.node("user", memory_region=dt.u32s(1)))
    root.find("/reserved-memory/pool@4c000000").props["phandle"] = dt.u32s(1)
    m = dt.boot(dt.board(root))
    assert "Reserved memory: created DMA memory pool at 0xfff00000, size 2 MiB" in m.dmesg()
    with m:
        dev = device(of_node=of_find_node_by_path("/user"))
        assert of_reserved_mem_device_init_by_idx(dev, dev.of_node, 0) == -ENODEV
        assert __find_rmem(of_find_node_by_path("/reserved-memory/pool@4c000000")).priv is None
    assert m.dmesg()[-1] == "Reserved memory: failed to init DMA memory pool at 0xfff00000, size 2 MiB"


def _pool_lines(lines):
    """The DMA-pool lines of a log: rmem_dma_setup()'s and the ``initialized node`` after one."""
    out = []
    for i, line in enumerate(lines):
        if line.startswith("Reserved memory: created DMA memory pool") or \
                line == "Reserved memory: regions without no-map are not yet supported":
            out.append(line)
            if "created DMA" in line and i + 1 < len(lines):
                out.append(lines[i + 1])
    return out


@pytest.mark.skipif(shutil.which("dtc") is None, reason="dtc (device-tree-compiler) is not on PATH")
@pytest.mark.parametrize("sample", ["vexpress-a9-dt-cma-512", "virt-dt-cma-pools-512",
                                    "virt-dt-cma-pools-1024", "virt-dt-cma-plus-cmdline",
                                    "virt-dt-static-cma", "virt-dt-errors"])
def test_dt_pool_lines_match_the_oracle(sample):
    """rmem_dma_setup() is the same in 6.1 (v4.9-vs-v6.1.md §8): the DMA-pool lines of the
    oracle's device-tree boots, in order (6.1's extra "compatible matching fail" lines are
    not DMA-pool lines)."""
    import json
    import pathlib

    from cmaport.arch.arm.hw import fdt_image
    from cmaport.arch.arm.hw.board import CORTEX_A15, Board, default_board

    data = pathlib.Path(__file__).resolve().parent.parent / "data" / "oracle"
    s = json.loads((data / "samples.json").read_text())["samples"][sample]
    root = pathlib.Path(__file__).resolve().parent.parent.parent
    blob = fdt_image.compile_dts(str(data / "dts" / s["setup"]["dts"]),
                                 include_dirs=[str(root / "arch" / "arm" / "boot" / "dts")])
    ram = s["setup"]["ram_mib"] << 20
    if s["setup"]["machine"] == "virt":
        b = Board("virt", blob, ram=[(0x40000000, ram)], cpu=CORTEX_A15)
    else:
        b = Board("vexpress-a9", blob, ram=[(0x60000000, ram)],
                  device_memory=default_board().device_memory)
    cfg = KernelConfig()
    if sample == "virt-dt-errors":
        # its no-map cma-nomap region lands at the end of RAM: with CONFIG_HIGHMEM v4.9's
        # HighMem zone size wraps and memmap_init_zone overruns mem_map (v4.9-vs-v6.1 §15.2,
        # tests/mm/test_zone_sizing.py), so compare the pool lines on a lowmem-only build
        cfg.set_assignment("CONFIG_HIGHMEM=n")
    m = Machine(board=b, config=cfg, cmdline=s["cmdline"]).boot(until="setup_arch")
    want = _pool_lines(s["lines"])
    assert want  # every chosen sample has some
    assert _pool_lines(m.dmesg()) == want
