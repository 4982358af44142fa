# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/dma-mapping.h and drivers/base/dma-mapping.c: the generic DMA API.

The managed (dmam_*) variants, v4.9's inverted WARN in dmam_free_noncoherent (line 164),
dma_common_mmap/get_sgtable, the vmalloc-space remap helpers and the mask setters.
"""

import pytest

from cmaport.arch.arm.include.asm.dma_mapping import get_dma_ops, set_dma_ops
from cmaport.arch.arm.include.asm.io import iomem_ptr
from cmaport.arch.arm.mm.dma_mapping import arm_dma_ops
from cmaport.drivers.base.devres import devres_release_all
from cmaport.drivers.base.dma_coherent import dma_declare_coherent_memory
from cmaport.drivers.base.dma_mapping import (dma_common_contiguous_remap, dma_common_free_remap,
                                              dma_common_get_sgtable, dma_common_mmap,
                                              dmam_alloc_coherent, dmam_alloc_noncoherent,
                                              dmam_declare_coherent_memory, dmam_free_coherent,
                                              dmam_free_noncoherent, dmam_release_declared_memory)
from cmaport.include.linux.device import device, field_ptr
from cmaport.include.linux.dma_mapping import (DMA_BIT_MASK, DMA_MEMORY_EXCLUSIVE, DMA_MEMORY_MAP,
                                               dma_alloc_attrs, dma_alloc_coherent, dma_alloc_wc,
                                               dma_alloc_writecombine,
                                               dma_map_ops, dma_mmap_attrs, dma_set_coherent_mask,
                                               dma_set_mask_and_coherent)
from cmaport.include.linux.errno import EIO, ENOMEM, ENXIO
from cmaport.include.linux.scatterlist import sg_table
from cmaport.kernel.machine import Machine
from cmaport.mm.memory import vm_area_struct

SRAM = 0x4C000000
PAGE = 4096


@pytest.fixture(scope="module")
def booted():
    return Machine().boot(until="setup_arch")


def pooled(pages=8, exclusive=True):
    dev = device()
    flags = DMA_MEMORY_MAP | (DMA_MEMORY_EXCLUSIVE if exclusive else 0)
    assert dma_declare_coherent_memory(dev, SRAM, SRAM, pages * PAGE, flags)
    return dev


def test_arm_ops_are_the_default_and_refuse_an_unset_mask():
    from cmaport.arch.arm.mm.dma_mapping import arm_dma_alloc

    with Machine() as m:
        dev = device(init_name="nomask")
        assert get_dma_ops(dev) is arm_dma_ops and get_dma_ops(None) is arm_dma_ops
        assert arm_dma_ops.alloc is arm_dma_alloc
        # get_coherent_dma_mask(): a device whose coherent mask is 0 gets nothing
        assert dma_alloc_coherent(dev, PAGE, 0) == (None, None)
        # no driver, no bus: dev_driver_string() is "" (so the line starts with a space)
        assert m.dmesg()[-1] == " nomask: coherent DMA mask is unset"


def test_attrs_reach_the_arch_allocator():
    seen = []
    with Machine():
        dev = device()
        set_dma_ops(dev, dma_map_ops(alloc=lambda d, s, g, a: seen.append(a) or (0xC0100000, 0x100000)))
        assert dma_alloc_wc(dev, PAGE, 0) == (0xC0100000, 0x100000)
        assert dma_alloc_writecombine is dma_alloc_wc
        dma_alloc_attrs(dev, PAGE, 0, 1 << 4)
        assert seen == [1 << 2, 1 << 4]  # DMA_ATTR_WRITE_COMBINE, DMA_ATTR_NO_KERNEL_MAPPING


def test_managed_coherent_buffers_go_back_with_the_driver():
    with Machine() as m:
        dev = pooled(4)
        cpu, handle = dmam_alloc_coherent(dev, 4 * PAGE, 0)
        assert handle == SRAM and len(dev.devres_head) == 1
        assert dma_alloc_coherent(dev, PAGE, 0) == (None, None)  # the pool is full
        devres_release_all(dev)  # the driver let go of the device
        assert dev.devres_head == [] and dma_alloc_coherent(dev, PAGE, 0)[1] == SRAM
        assert dmam_alloc_coherent(dev, 8 * PAGE, 0) == (None, None) and dev.devres_head == []
        cpu, handle = dmam_alloc_coherent(dev, PAGE, 0)
        dmam_free_coherent(dev, PAGE, cpu, handle)
        assert m.warnings == [] and dev.devres_head == []
        # freeing one that is not managed: devres_destroy() says -ENOENT, WARN_ON fires
        cpu, handle = dma_alloc_coherent(dev, PAGE, 0)
        dmam_free_coherent(dev, PAGE, cpu, handle)
        assert [(w.file, w.line) for w in m.warnings] == [("drivers/base/dma-mapping.c", 105)]


def test_dmam_free_noncoherent_warns_on_success_v49_quirk():
    with Machine() as m:
        dev = pooled(4)
        cpu, handle = dmam_alloc_noncoherent(dev, PAGE, 0)
        assert handle == SRAM
        dmam_free_noncoherent(dev, PAGE, cpu, handle)
        # the record was found and destroyed (0), and v4.9 tests !0: a WARNING
        assert [(w.file, w.line, w.function) for w in m.warnings] == [
            ("drivers/base/dma-mapping.c", 164, "dmam_free_noncoherent")]
        assert dev.devres_head == []
        cpu, handle = dma_alloc_coherent(dev, PAGE, 0)
        dmam_free_noncoherent(dev, PAGE, cpu, handle)  # not managed: silent
        assert len(m.warnings) == 1


def test_dmam_declare_and_release():
    with Machine() as m:
        dev = device()
        assert dmam_declare_coherent_memory(dev, SRAM, SRAM, PAGE, DMA_MEMORY_MAP) == 0
        assert dev.dma_mem is not None and len(dev.devres_head) == 1
        assert dmam_declare_coherent_memory(dev, SRAM, SRAM, PAGE, DMA_MEMORY_MAP) == -ENOMEM
        dmam_release_declared_memory(dev)  # drops the record only
        assert dev.devres_head == [] and m.warnings == []
        dmam_release_declared_memory(dev)
        assert [(w.file, w.line) for w in m.warnings] == [("drivers/base/dma-mapping.c", 221)]


def test_dma_common_mmap_for_pool_and_linear_buffers(booted):
    with booted:
        dev = pooled(8)
        cpu, _ = dma_alloc_coherent(dev, 2 * PAGE, 0)
        vma = vm_area_struct(vm_start=0x40000, vm_end=0x42000, vm_page_prot=0x0C)
        # arm_dma_mmap: the vma gets pgprot_dmacoherent (bufferable, XN), then the pool maps it
        assert dma_mmap_attrs(dev, vma, cpu, SRAM, 2 * PAGE, 0) == 0
        assert vma.remapped == [(0x40000, SRAM >> 12, 2 * PAGE, 0x204)]
        plain = device()
        buf = 0xC0200000  # linear map: pfn 0x60200
        vma = vm_area_struct(vm_start=0x50000, vm_end=0x52000, vm_pgoff=1)
        assert dma_common_mmap(plain, vma, buf, 0x60200000, 3 * PAGE) == 0
        assert vma.remapped[0][1] == 0x60201
        vma = vm_area_struct(vm_start=0x50000, vm_end=0x53000, vm_pgoff=1)
        assert dma_common_mmap(plain, vma, buf, 0x60200000, 3 * PAGE) == -ENXIO


def test_dma_common_get_sgtable(booted):
    from cmaport.include.linux.mm import page_to_pfn

    with booted:
        sgt = sg_table()
        assert dma_common_get_sgtable(device(), sgt, 0xC0300000, 0x60300000, 5000) == 0
        [sg] = sgt.sgl
        assert (page_to_pfn(sg.page), sg.length, sg.offset) == (0x60300, 2 * PAGE, 0)


def test_remap_into_vmalloc_space_and_back(booted):
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.lib.string import memset, model_read
    from cmaport.mm.vmalloc import VMALLOC_START, find_vm_area

    with booted as m:
        start = VMALLOC_START()
        assert start == 0xF0800000  # high_memory 0xf0000000 + 8 MiB
        addr = dma_common_contiguous_remap(pfn_to_page(0x61000), 3 * PAGE, 0x20000000, 0, "test")
        assert addr == start
        second = dma_common_contiguous_remap(pfn_to_page(0x62000), PAGE, 0x20000000, 0, "test")
        assert second == start + 4 * PAGE  # 3 pages and a guard page
        m.hw.physmem.fill(0x61000000, 3 * PAGE, 0x11)
        memset(addr + PAGE + 10, 0, 20)  # through the second remapped page
        assert m.hw.physmem.read(0x61001000 + 8, 24) == b"\x11\x11" + bytes(20) + b"\x11\x11"
        assert model_read(addr + PAGE + 8, 4) == b"\x11\x11\x00\x00"
        dma_common_free_remap(addr, 3 * PAGE, 0x20000000)
        assert find_vm_area(addr) is None and m.warnings == []
        dma_common_free_remap(addr, 3 * PAGE, 0x20000000)
        dma_common_free_remap(second, PAGE, 0x40000000)  # flags do not match
        assert [(w.message, w.line) for w in m.warnings] == [
            ("trying to free invalid coherent area: f0800000", 336),
            ("trying to free invalid coherent area: f0804000", 336)]


def test_masks(booted):
    with booted:
        dev = device()
        dev.dma_mask = field_ptr(dev, "coherent_dma_mask")
        assert dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)) == 0
        assert dev.coherent_dma_mask == 0xFFFFFFFF
        # 16 MiB of reach does not cover the DMA zone (all 768 MiB of lowmem)
        assert dma_set_coherent_mask(dev, DMA_BIT_MASK(24)) == -EIO
        assert dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24)) == -EIO
        assert dev.coherent_dma_mask == 0xFFFFFFFF
        assert dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)) == 0  # all RAM is below 4 GiB
        no_mask = device()
        assert dma_set_mask_and_coherent(no_mask, DMA_BIT_MASK(32)) == -EIO


def test_memset_outside_every_mapping_is_a_fault(booted):
    from cmaport.kernel.errors import KernelBug
    from cmaport.lib.string import memset

    with booted:
        with pytest.raises(KernelBug):
            memset(0x1000, 0, 4)
    assert booted.dmesg()[-1] == "Unable to handle kernel paging request at virtual address 00001000"
    assert iomem_ptr(5) + 3 == iomem_ptr(8) and isinstance(iomem_ptr(5) + 3, iomem_ptr)
