# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/init.c: ARM memory initialisation — memblock reservations and zones.

``arm_memblock_init`` is where the early reservations happen, in v4.9's order: the
kernel image, the initrd, the initial page table, the machine's own reservations, the
device-tree blob, ``/memreserve/`` and ``/reserved-memory``, then the default CMA area.
"""

from cmaport.arch.arm.include.asm.memory import PHYS_OFFSET, __pa
from cmaport.arch.arm.kernel.vmlinux_lds import sections
from cmaport.include.linux.init import early_param
from cmaport.include.linux.initrd import initrd_h
from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import BUG_ON
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.cmdline import memparse

_pr = pr_helpers("")


@statics
class init_c:
    """The file-scope variables of arch/arm/mm/init.c."""

    phys_initrd_start: int = 0
    phys_initrd_size: int = 0
    arm_dma_zone_size: int = 0
    arm_dma_limit: int = 0xFFFFFFFF
    arm_dma_pfn_limit: int = 0xFFFFFFFF >> 12
    arm_memblock_steal_permitted: bool = True


@early_param("initrd")
def early_initrd(p):
    """arch/arm/mm/init.c: early_initrd() — ``initrd=start,size`` (physical)."""
    s = init_c.get()
    start, endp = memparse(p or "")
    if endp[:1] == ",":
        size, _ = memparse(endp[1:])
        s.phys_initrd_start = start & 0xFFFFFFFF
        s.phys_initrd_size = size & 0xFFFFFFFF
    return 0


def find_limits():
    """arch/arm/mm/init.c: find_limits() — first pfn, end of lowmem, end of RAM.

    :return: ``(min, max_low, max_high)`` pfns
    """
    from cmaport.mm.memblock import (memblock_end_of_DRAM, memblock_get_current_limit,
                                     memblock_start_of_DRAM)

    max_low = PFN_DOWN(memblock_get_current_limit())
    min_ = PFN_UP(memblock_start_of_DRAM())
    max_high = PFN_DOWN(memblock_end_of_DRAM())
    return min_, max_low, max_high


def setup_dma_zone(mdesc):
    """arch/arm/mm/init.c: setup_dma_zone() — the DMA zone limit from the machine."""
    if not IS_ENABLED("CONFIG_ZONE_DMA"):
        return
    s = init_c.get()
    if mdesc.dma_zone_size:
        s.arm_dma_zone_size = mdesc.dma_zone_size
        s.arm_dma_limit = PHYS_OFFSET() + s.arm_dma_zone_size - 1
    else:
        s.arm_dma_limit = 0xFFFFFFFF
    s.arm_dma_pfn_limit = s.arm_dma_limit >> 12


def arm_dma_limit():
    """arch/arm/mm/mm.h: arm_dma_limit — all of 32-bit space without CONFIG_ZONE_DMA."""
    if not IS_ENABLED("CONFIG_ZONE_DMA"):
        return 0xFFFFFFFF
    return init_c.get().arm_dma_limit


def arm_memblock_steal(size, align):
    """arch/arm/mm/init.c: arm_memblock_steal() — take memory away from the kernel for good."""
    from cmaport.mm.memblock import (MEMBLOCK_ALLOC_ANYWHERE, memblock_alloc_base, memblock_free,
                                     memblock_remove)

    BUG_ON(not init_c.get().arm_memblock_steal_permitted)
    phys = memblock_alloc_base(size, align, MEMBLOCK_ALLOC_ANYWHERE)
    memblock_free(phys, size)
    memblock_remove(phys, size)
    return phys


def arm_memblock_init(mdesc):
    """arch/arm/mm/init.c: arm_memblock_init() — the early reservations, in v4.9's order."""
    from cmaport.arch.arm.mm.mmu import arm_mm_memblock_reserve
    from cmaport.drivers.of.fdt import early_init_fdt_reserve_self, early_init_fdt_scan_reserved_mem
    from cmaport.mm.memblock import (memblock_dump_all, memblock_is_region_memory,
                                     memblock_is_region_reserved, memblock_reserve)

    s = init_c.get()
    sec = sections()
    # The kernel's text, data and bss (CONFIG_XIP_KERNEL is not modelled).
    memblock_reserve(__pa(sec._stext), sec._end - sec._stext)

    if IS_ENABLED("CONFIG_BLK_DEV_INITRD"):
        ird = initrd_h.get()
        # The device-tree scan filled initrd_start/initrd_end (virtual addresses).
        if ird.initrd_start and not s.phys_initrd_size:
            s.phys_initrd_start = __pa(ird.initrd_start)
            s.phys_initrd_size = ird.initrd_end - ird.initrd_start
        ird.initrd_start = ird.initrd_end = 0
        if s.phys_initrd_size and not memblock_is_region_memory(s.phys_initrd_start, s.phys_initrd_size):
            _pr.err("INITRD: 0x%08llx+0x%08lx is not a memory region - disabling initrd\n",
                    s.phys_initrd_start, s.phys_initrd_size)
            s.phys_initrd_start = s.phys_initrd_size = 0
        if s.phys_initrd_size and memblock_is_region_reserved(s.phys_initrd_start, s.phys_initrd_size):
            _pr.err("INITRD: 0x%08llx+0x%08lx overlaps in-use memory region - disabling initrd\n",
                    s.phys_initrd_start, s.phys_initrd_size)
            s.phys_initrd_start = s.phys_initrd_size = 0
        if s.phys_initrd_size:
            memblock_reserve(s.phys_initrd_start, s.phys_initrd_size)
            from cmaport.arch.arm.include.asm.memory import __phys_to_virt

            ird.initrd_start = __phys_to_virt(s.phys_initrd_start)
            ird.initrd_end = ird.initrd_start + s.phys_initrd_size

    arm_mm_memblock_reserve()

    if mdesc.reserve:
        mdesc.reserve()

    early_init_fdt_reserve_self()
    early_init_fdt_scan_reserved_mem()

    # The default CMA area (drivers/base/dma-contiguous.c), once CMA is ported.
    try:
        from cmaport.drivers.base.dma_contiguous import dma_contiguous_reserve
    except ImportError:  # Model: until the CMA issue lands there is nothing to reserve.
        dma_contiguous_reserve = None
    if dma_contiguous_reserve is not None and IS_ENABLED("CONFIG_DMA_CMA"):
        dma_contiguous_reserve(arm_dma_limit())

    s.arm_memblock_steal_permitted = False
    memblock_dump_all()


def bootmem_init():
    """arch/arm/mm/init.c: bootmem_init() — size the zones (once the page allocator exists)."""
    from cmaport.mm.memblock import memblock_allow_resize

    memblock_allow_resize()
    # Model: zones and mem_map come with the page allocator (not ported yet).
