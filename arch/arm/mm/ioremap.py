# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/ioremap.c: mapping device memory into the kernel (``ioremap`` and friends).

The checks are v4.9's: no zero size or wrap-around, no supersection-unaligned mapping
above 4 GiB, and no device mapping of memory the kernel maps as RAM (``pfn_valid``): a
WARN and NULL — which is why ARM refuses DMA pools that are not ``no-map``.

Model: the mapping itself is an identity view of the physical range (an ``iomem_ptr``,
arch/arm/include/asm/io.py) until the MMU model lands: no vmalloc area, no page tables,
no static (iotable) mappings to reuse.
"""

from cmaport.arch.arm.include.asm.io import (MT_DEVICE, MT_DEVICE_CACHED, MT_DEVICE_WC,
                                             iomem_ptr)
from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_MASK, PAGE_SHIFT
from cmaport.kernel.panic import WARN_ON

# arch/arm/include/asm/mach/map.h: the memory types after the device ones
MT_UNCACHED = 4
MT_CACHECLEAN = 5
MT_MINICLEAN = 6
MT_LOW_VECTORS = 7
MT_HIGH_VECTORS = 8
MT_MEMORY_RWX = 9
MT_MEMORY_RW = 10
MT_ROM = 11
MT_MEMORY_RWX_NONCACHED = 12
MT_MEMORY_RW_DTCM = 13
MT_MEMORY_RWX_ITCM = 14
MT_MEMORY_RW_SO = 15
MT_MEMORY_DMA_READY = 16

SUPERSECTION_MASK = ~((1 << 24) - 1) & 0xFFFFFFFF


def get_mem_type(mtype):
    """arch/arm/mm/mmu.c: get_mem_type() — Model: every known type exists (no mem_types[] yet)."""
    return mtype if 0 <= mtype <= MT_MEMORY_DMA_READY else None


def __arm_ioremap_pfn_caller(pfn, offset, size, mtype, caller):
    """arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller() — check, then map.

    :return: the mapping (``iomem_ptr``), or ``None``
    """
    from cmaport.arch.arm.mm.init import pfn_valid

    paddr = (pfn << PAGE_SHIFT) & 0xFFFFFFFF

    # (no LPAE) a mapping above 4 GiB must be supersection aligned
    if pfn >= 0x100000 and (paddr & ~SUPERSECTION_MASK):
        return None

    if get_mem_type(mtype) is None:
        return None

    # whole pages, counting the offset into the first one
    size = PAGE_ALIGN(offset + size)

    # Model: no static mappings (iotable_init) to reuse.

    # RAM must not be mapped again with other attributes (ARMv6+ forbids it)
    if WARN_ON(pfn_valid(pfn) and mtype != MT_MEMORY_RW, line=303):
        return None

    # Model: get_vm_area_caller() and the page tables belong to the MMU model; the
    # mapping is an identity view of [paddr, paddr + size).
    return iomem_ptr(paddr + offset)


def __arm_ioremap_caller(phys_addr, size, mtype, caller):
    """arch/arm/mm/ioremap.c: __arm_ioremap_caller() — no zero size, no wrap-around."""
    offset = phys_addr & ~PAGE_MASK & 0xFFFFFFFF
    pfn = phys_addr >> PAGE_SHIFT

    last_addr = phys_addr + size - 1
    if not size or last_addr > 0xFFFFFFFF or last_addr < phys_addr:
        return None

    return __arm_ioremap_pfn_caller(pfn, offset, size, mtype, caller)


# arch/arm/mm/ioremap.c: the arch_ioremap_caller hook (platforms may replace it; none does here)
arch_ioremap_caller = __arm_ioremap_caller


def ioremap(res_cookie, size):
    """arch/arm/mm/ioremap.c: ioremap() — a device (strongly ordered, uncached) mapping."""
    return arch_ioremap_caller(res_cookie, size, MT_DEVICE, "ioremap")


ioremap_nocache = ioremap  # arch/arm/include/asm/io.h


def ioremap_cached(res_cookie, size):
    """arch/arm/mm/ioremap.c: ioremap_cached() (ioremap_cache is an alias)."""
    return arch_ioremap_caller(res_cookie, size, MT_DEVICE_CACHED, "ioremap_cached")


ioremap_cache = ioremap_cached


def ioremap_wc(res_cookie, size):
    """arch/arm/mm/ioremap.c: ioremap_wc() — a write-combining (normal, uncached) mapping."""
    return arch_ioremap_caller(res_cookie, size, MT_DEVICE_WC, "ioremap_wc")


ioremap_wt = ioremap_wc  # arch/arm/include/asm/io.h


def arch_memremap_wb(phys_addr, size):
    """arch/arm/mm/ioremap.c: arch_memremap_wb() — a cached mapping of normal memory."""
    return arch_ioremap_caller(phys_addr, size, MT_MEMORY_RW, "arch_memremap_wb")


def __iounmap(io_addr):
    """arch/arm/mm/ioremap.c: __iounmap() — Model: the identity view needs no undoing."""
    return None


arch_iounmap = __iounmap


def iounmap(cookie):
    """arch/arm/mm/ioremap.c: iounmap()."""
    arch_iounmap(cookie)
