# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/dma-mapping.c: the allocator choice of __dma_alloc, the atomic pool, freeing.

The built-in board (1 GiB at 0x60000000) built without CONFIG_HIGHMEM (768 MiB of lowmem:
multi_v7_defconfig has HIGHMEM, but these tests want the default area in the linear map) has
v4.9's 64 MiB default area at 0x8c000000 (pfn 0x8c000, linear address 0xec000000);
``atomic_pool_init`` took its bits 0-63 and the daughterboard CLCD's 1.5 MiB frame buffer
(amba-clcd, built in by multi_v7_defconfig) bits 256-639.
"""

import pytest

from cmaport.include.linux.device import device
from cmaport.include.linux.dma_mapping import (DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_WRITE_COMBINE,
                                               DMA_BIT_MASK, dma_alloc_attrs, dma_alloc_coherent,
                                               dma_free_attrs, dma_free_coherent)
from cmaport.include.linux.gfp import GFP_ATOMIC, GFP_KERNEL
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine

PAGE = 4096
CMA_PFN = 0x8C000


def booted(cmdline="", board=None, settings=()):
    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=n")  # see the module docstring
    for s in settings:
        cfg.set_assignment(s)
    return Machine(board=board, config=cfg, cmdline="console=ttyAMA0 " + cmdline).boot()


def dma_dev(coherent=False, mask=DMA_BIT_MASK(32), name="dev0"):
    from cmaport.arch.arm.mm.dma_mapping import arch_setup_dma_ops

    dev = device(init_name=name, coherent_dma_mask=mask)
    arch_setup_dma_ops(dev, 0, 1 << 32, None, coherent)
    return dev


def allocator_of(cpu_addr):
    from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

    return next(b.allocator.name for b in dma_mapping_c.get().arm_dma_bufs if b.virt == cpu_addr)


def runs():
    from cmaport.mm.cma import cma_c
    from cmaport.mm.cma_debug import bitmap_runs

    return bitmap_runs(cma_c.get().cma_areas[0])


def cma_free_kb():
    from cmaport.include.linux.mmzone import NR_FREE_CMA_PAGES
    from cmaport.include.linux.vmstat import global_page_state

    return global_page_state(NR_FREE_CMA_PAGES) * 4


BOOT_RUNS = [(0, 64), (256, 640)]


@pytest.fixture
def default_boot():
    return booted()


def test_atomic_pool_comes_from_the_default_area(default_boot):
    m = default_boot
    assert "DMA: preallocated 256 KiB pool for atomic coherent allocations" in m.dmesg()
    with m:
        from cmaport.arch.arm.mm.dma_mapping import PAGE_KERNEL, dma_mapping_c, pgprot_dmacoherent
        from cmaport.lib.genalloc import gen_pool_avail

        s = dma_mapping_c.get()
        chunk = s.atomic_pool.chunks[0]
        # lowmem CMA: the pool is used through the linear map, its PTEs now DMA-coherent
        assert (chunk.start_addr, chunk.phys_addr) == (0xEC000000, 0x8C000000)
        assert gen_pool_avail(s.atomic_pool) == 256 * 1024
        assert PAGE_KERNEL() == 0x65F and pgprot_dmacoherent(PAGE_KERNEL()) == 0x647
        assert {s.linear_pte_prot[p] for p in range(CMA_PFN, CMA_PFN + 64)} == {0x647}
        assert len(s.linear_pte_prot) == 64 + 384  # the pool and the frame buffer
        assert runs() == BOOT_RUNS


def test_allocator_choice(default_boot):
    """v4.9: CMA whenever the gfp can block and an area exists — coherent devices too, and
    one page too; then simple (coherent), remap (can block), the atomic pool."""
    with default_boot:
        nc, co = dma_dev(), dma_dev(coherent=True, name="dev1")
        before = cma_free_kb()
        a, ha = dma_alloc_coherent(nc, PAGE, GFP_KERNEL)
        b, hb = dma_alloc_coherent(co, PAGE, GFP_KERNEL)
        c, hc = dma_alloc_coherent(nc, 3 * PAGE, GFP_ATOMIC)
        d, hd = dma_alloc_coherent(co, PAGE, GFP_ATOMIC)
        assert [allocator_of(x) for x in (a, b, c, d)] == [
            "cma_allocator", "cma_allocator", "pool_allocator", "simple_allocator"]
        # CMA: first fit after the pool's 64 pages; one page has alignment order 0
        assert (ha, hb) == (0x8C040000, 0x8C041000) and (a, b) == (0xEC040000, 0xEC041000)
        # the pool: 3 pages aligned to 4 within the pool
        assert (c, hc) == (0xEC000000, 0x8C000000)
        assert cma_free_kb() == before - 8
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

        prot = dma_mapping_c.get().linear_pte_prot
        assert prot[0x8C040] == 0x647  # non-coherent: DMA-coherent protection
        assert 0x8C041 not in prot  # coherent: PAGE_KERNEL
        for dev, x, h, n in ((nc, a, ha, 1), (co, b, hb, 1), (nc, c, hc, 3), (co, d, hd, 1)):
            dma_free_coherent(dev, n * PAGE, x, h)
        assert runs() == BOOT_RUNS
        from cmaport.mm.page_alloc import drain_all_pages

        drain_all_pages(None)  # the pages released one by one wait on the per-cpu list
        assert cma_free_kb() == before
        assert 0x8C040 not in prot  # back to PAGE_KERNEL
        # only the frame buffer's record is left
        assert [b.virt for b in dma_mapping_c.get().arm_dma_bufs] == [0xEC100000]


def test_alignment_and_write_combine(default_boot):
    with default_boot:
        dev = dma_dev(name="wc")
        x, h = dma_alloc_coherent(dev, 65536, GFP_KERNEL)  # count 16, align 4
        # count 256, align 8: bits 0, 256 and 512 are taken (the frame buffer ends at 640)
        y, k = dma_alloc_attrs(dev, 1 << 20, GFP_KERNEL, DMA_ATTR_WRITE_COMBINE)
        assert (h, k) == (0x8C040000, 0x8C300000)
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

        assert dma_mapping_c.get().linear_pte_prot[0x8C300] == 0x647  # MT_BUFFERABLE | XN
        dma_free_attrs(dev, 1 << 20, y, k, DMA_ATTR_WRITE_COMBINE)
        dma_free_coherent(dev, 65536, x, h)
        assert runs() == BOOT_RUNS


def test_buffers_are_zeroed(default_boot):
    m = default_boot
    m.hw.physmem.fill(0x8C040000, 4 * PAGE, 0xAA)
    with m:
        dev = dma_dev(name="z")
        x, h = dma_alloc_coherent(dev, 3 * PAGE + 1, GFP_KERNEL)  # 4 pages after PAGE_ALIGN
        assert h == 0x8C040000
        assert m.hw.physmem.read(h, 4 * PAGE) == bytes(4 * PAGE)
        dma_free_coherent(dev, 3 * PAGE + 1, x, h)


def test_no_kernel_mapping_returns_the_page(default_boot):
    with default_boot:
        from cmaport.include.linux.mm import page_to_pfn

        dev = dma_dev(name="nomap")
        page, h = dma_alloc_attrs(dev, 2 * PAGE, GFP_KERNEL, DMA_ATTR_NO_KERNEL_MAPPING)
        assert page_to_pfn(page) == 0x8C040 and h == 0x8C040000
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c

        assert 0x8C040 not in dma_mapping_c.get().linear_pte_prot  # no remap without a mapping
        dma_free_attrs(dev, 2 * PAGE, page, h, DMA_ATTR_NO_KERNEL_MAPPING)
        assert runs() == BOOT_RUNS


def test_freeing_an_invalid_buffer_warns(default_boot):
    m = default_boot
    with m:
        dev = dma_dev(name="bad")
        dma_free_coherent(dev, PAGE, 0xEC7FF000, 0x8C7FF000)
    w = m.warnings[-1]
    assert (w.file, w.line, w.function, w.message) == (
        "arch/arm/mm/dma-mapping.c", 914, "__arm_dma_free", "Freeing invalid buffer ec7ff000")
    assert "WARNING: CPU: 0 PID: 1 at arch/arm/mm/dma-mapping.c:914 __arm_dma_free" in m.dmesg()


def test_coherent_mask_warnings(default_boot):
    m = default_boot
    with m:
        assert dma_alloc_coherent(dma_dev(mask=0, name="m0"), PAGE, GFP_KERNEL) == (None, None)
        assert dma_alloc_coherent(dma_dev(mask=DMA_BIT_MASK(28), name="m28"), PAGE,
                                  GFP_KERNEL) == (None, None)
    lines = m.dmesg()
    assert " m0: coherent DMA mask is unset" in lines
    assert (" m28: Coherent DMA mask 0xfffffff (pfn 0x0-0x10000) covers a smaller range of system "
            "memory than the DMA zone pfn 0x0-0x90001") in lines


def test_remap_and_simple_without_cma():
    m = booted("cma=0")
    assert "DMA: preallocated 256 KiB pool for atomic coherent allocations" in m.dmesg()
    with m:
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c
        from cmaport.include.linux.mmzone import NR_FREE_PAGES
        from cmaport.include.linux.vmstat import global_page_state
        from cmaport.lib.string import model_read
        from cmaport.mm.vmalloc import VMALLOC_START, find_vm_area

        pool = dma_mapping_c.get().atomic_pool.chunks[0]
        assert pool.start_addr >= VMALLOC_START()  # buddy pages remapped in the vmalloc space
        nc, co = dma_dev(name="nc"), dma_dev(coherent=True, name="co")
        from cmaport.mm.page_alloc import drain_all_pages

        drain_all_pages(None)
        free = global_page_state(NR_FREE_PAGES)
        x, h = dma_alloc_coherent(nc, 5 * PAGE, GFP_KERNEL)
        # an order-3 block, split, 3 pages given back (to the per-cpu list first)
        assert global_page_state(NR_FREE_PAGES) == free - 8
        drain_all_pages(None)
        assert global_page_state(NR_FREE_PAGES) == free - 5
        assert allocator_of(x) == "remap_allocator" and find_vm_area(x).nr_pages == 5
        assert model_read(x, 5 * PAGE) == bytes(5 * PAGE)
        y, k = dma_alloc_coherent(co, PAGE, GFP_KERNEL)
        assert allocator_of(y) == "simple_allocator" and y == 0xC0000000 + k - 0x60000000
        dma_free_coherent(nc, 5 * PAGE, x, h)
        dma_free_coherent(co, PAGE, y, k)
        assert find_vm_area(x) is None


def test_pool_failure_has_no_fallback():
    m = booted("coherent_pool=128M")
    # the default area (64 MiB) cannot give 128 MiB: no buddy fallback (singular 'allocation')
    assert "DMA: failed to allocate 131072 KiB pool for atomic coherent allocation" in m.dmesg()
    with m:
        assert dma_alloc_coherent(dma_dev(name="atomic"), PAGE, GFP_ATOMIC) == (None, 0xFFFFFFFF)
    assert m.warnings[-1].message == "coherent pool not initialised!"
    assert m.warnings[-1].line == 564


def test_highmem_cma_buffers_are_mapped_in_vmalloc_space(oracle):
    m = oracle.boot("virt-default-1024")  # the default area is in HighMem: 0x7f000000
    with m:
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c
        from cmaport.lib.string import model_read
        from cmaport.mm.vmalloc import VMALLOC_START, find_vm_area

        pool = dma_mapping_c.get().atomic_pool.chunks[0]
        assert pool.phys_addr == 0x7F000000 and pool.start_addr >= VMALLOC_START()
        dev = dma_dev(name="hi")
        x, h = dma_alloc_coherent(dev, 2 * PAGE, GFP_KERNEL)
        assert h == 0x7F040000 and find_vm_area(x).nr_pages == 2
        assert model_read(x, 2 * PAGE) == bytes(2 * PAGE)
        assert dma_mapping_c.get().linear_pte_prot == {}  # no linear map to rewrite
        dma_free_coherent(dev, 2 * PAGE, x, h)
        assert find_vm_area(x) is None


def test_mmap_and_sgtable(default_boot):
    with default_boot:
        from cmaport.include.linux.dma_mapping import dma_get_sgtable, dma_mmap_coherent
        from cmaport.include.linux.mm import page_to_pfn
        from cmaport.include.linux.scatterlist import sg_table
        from cmaport.mm.memory import vm_area_struct

        dev = dma_dev(name="mm")
        x, h = dma_alloc_coherent(dev, 2 * PAGE, GFP_KERNEL)
        vma = vm_area_struct(vm_start=0x10000, vm_end=0x12000, vm_page_prot=0x65F)
        assert dma_mmap_coherent(dev, vma, x, h, 2 * PAGE) == 0
        assert vma.vm_page_prot == 0x647 and vma.remapped == [(0x10000, 0x8C040, 0x2000, 0x647)]
        too_big = vm_area_struct(vm_start=0x10000, vm_end=0x13000, vm_page_prot=0x65F)
        assert dma_mmap_coherent(dev, too_big, x, h, 2 * PAGE) == -6  # -ENXIO
        sgt = sg_table()
        assert dma_get_sgtable(dev, sgt, x, h, 2 * PAGE) == 0
        assert (page_to_pfn(sgt.sgl[0].page), sgt.sgl[0].length) == (0x8C040, 2 * PAGE)
        dma_free_coherent(dev, 2 * PAGE, x, h)


def test_clear_buffer_size_wraps_past_mem_map():
    """__dma_clear_buffer: size is a size_t; a highmem buffer whose size is not a multiple
    of PAGE_SIZE (coherent_pool=5000: one page from CMA) steps over 0 and wraps, and the
    loop zeroes every page after it until it leaves mem_map. With CONFIG_HIGHMEM on 1 GiB
    of virt the default area is at the top of highmem (0x7c000000); the model stops at
    the first struct page past mem_map (0xf0000000: the vmalloc gap after lowmem)."""
    from cmaport.arch.arm.hw.board import virt_board
    from cmaport.kernel.errors import KernelBug

    m = Machine(board=virt_board(ram_size=1 << 30), config=KernelConfig(),
                cmdline="console=ttyAMA0 coherent_pool=5000")
    m.config.set_assignment("CONFIG_HIGHMEM=y")
    m.hw.physmem.fill(0x7FFFF000, PAGE, 0x5A)  # the last page of RAM, far past the buffer
    with pytest.raises(KernelBug) as e:
        m.boot()
    assert e.value.function == "__dma_clear_buffer" and "pfn 0x80000" in e.value.detail
    assert m.dmesg()[-1] == "Unable to handle kernel paging request at virtual address f0000000"
    assert m.hw.physmem.read(0x7FFFF000, PAGE) == bytes(PAGE)
    assert any("wrapped" in str(d) and "16384 pages" in str(d) for d in m.diagnostics)


def test_clear_buffer_of_whole_pages_in_highmem():
    """The same board with a page-multiple pool boots and zeroes only the pool."""
    from cmaport.arch.arm.hw.board import virt_board

    m = Machine(board=virt_board(ram_size=1 << 30), config=KernelConfig(),
                cmdline="console=ttyAMA0 coherent_pool=8K")
    m.config.set_assignment("CONFIG_HIGHMEM=y")
    m.hw.physmem.fill(0x7C000000, 3 * PAGE, 0x5A)
    m.boot()
    assert "DMA: preallocated 8 KiB pool for atomic coherent allocations" in m.dmesg()
    assert m.hw.physmem.read(0x7C000000, 3 * PAGE) == bytes(2 * PAGE) + b"\x5a" * PAGE


def test_partial_release_of_the_atomic_pool_is_diagnosed(default_boot):
    """v4.9's cma_release() frees 3 pages of the pool's 64 without a word; the bitmap
    loses their bits. The model keeps that and names the allocation it cut into."""
    m = default_boot
    with m:
        from cmaport.include.linux.dma_contiguous import dma_release_from_contiguous
        from cmaport.include.linux.mm import pfn_to_page

        assert dma_release_from_contiguous(None, pfn_to_page(CMA_PFN + 8), 3) is True
        assert runs() == [(0, 8), (11, 64), (256, 640)]
    assert [str(d) for d in m.diagnostics if "cuts into" in str(d)] == [
        "cma_release: cma-0: releasing pfns 0x8c008..0x8c00a (3 pages) cuts into the "
        "allocation of pfns 0x8c000..0x8c03f (64 pages); v4.9 does not check: it frees the "
        "pages and clears their bits, and the owner still uses the rest"]


def test_get_order_is_the_page_allocators():
    """One get_order() in the port (include/asm-generic/getorder.h, 32-bit): 0 gives 20."""
    import cmaport.arch.arm.mm.dma_mapping as dm
    import cmaport.mm.page_alloc as pa

    assert dm.get_order is pa.get_order
    assert [dm.get_order(n) for n in (0, 1, PAGE, PAGE + 1, 5000, 256 * 1024)] == [20, 0, 0, 1, 1, 6]
