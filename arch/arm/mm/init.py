# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/init.c: ARM memory initialisation — memblock reservations, zones, mem_init.

``arm_memblock_init`` is where the early reservations happen, in v4.9's order: the
kernel image, the initrd, the initial page table, the machine's own reservations, the
device-tree blob, ``/memreserve/`` and ``/reserved-memory``, then the default CMA area.
``bootmem_init`` sizes the zones (lowmem in zone 0 — ``DMA`` with CONFIG_ZONE_DMA —,
highmem in ZONE_HIGHMEM) and builds mem_map; ``mem_init`` hands the free memory to the
buddy allocator and prints ``Memory: …`` and the virtual memory layout.
"""

from cmaport.arch.arm.include.asm.memory import PHYS_OFFSET, __pa
from cmaport.arch.arm.kernel.vmlinux_lds import sections
from cmaport.include.linux.init import early_param
from cmaport.include.linux.initrd import initrd_h
from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.panic import BUG_ON, kernel_fault_oops
from cmaport.kernel.printk import pr_helpers
from cmaport.include.linux.kernel import round_down
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
    # Model-only: free highmem strictly page by page (no whole-block shortcut).
    model_free_highmem_page_by_page: bool = False


@early_param("initrd")
def early_initrd(p):
    """arch/arm/mm/init.c: early_initrd() — ``initrd=start,size`` (physical)."""
    s = init_c.get()
    if p is None:  # a bare "initrd": v4.9's memparse() reads through the NULL string
        kernel_fault_oops(0, "early_initrd", "'initrd' without a value: memparse(NULL) in v4.9")
    start, endp = memparse(p)
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

    # The default CMA area (drivers/base/dma-contiguous.c; an inline stub without DMA_CMA).
    if IS_ENABLED("CONFIG_DMA_CMA"):
        from cmaport.drivers.base.dma_contiguous import dma_contiguous_reserve

        dma_contiguous_reserve(arm_dma_limit())

    s.arm_memblock_steal_permitted = False
    memblock_dump_all()


def pfn_valid(pfn):
    """arch/arm/mm/init.c: pfn_valid() (HAVE_ARCH_PFN_VALID) — memory that is not NOMAP."""
    from cmaport.mm.memblock import memblock_is_map_memory

    # __pfn_to_phys() is a 32-bit phys_addr_t here.
    return memblock_is_map_memory((pfn << 12) & 0xFFFFFFFF)


def arm_adjust_dma_zone(size, hole, dma_size):
    """arch/arm/mm/init.c: arm_adjust_dma_zone() — split zone 0 into DMA and Normal."""
    from cmaport.include.linux.mmzone import zone_type

    zt = zone_type.get()
    if size[0] <= dma_size:
        return
    size[zt.ZONE_NORMAL] = size[0] - dma_size
    size[zt.ZONE_DMA] = dma_size
    hole[zt.ZONE_NORMAL] = hole[0]
    hole[zt.ZONE_DMA] = 0


def zone_sizes_init(min_, max_low, max_high):
    """arch/arm/mm/init.c: zone_sizes_init() — lowmem in zone 0, highmem above; holes from memblock.

    The sizes are ``unsigned long``: with memory removed at the end of RAM after the
    lowmem limit was fixed (v4.9 computes it before the reservations), ``max_high -
    max_low`` wraps, as in the kernel (v4.9-vs-v6.1 notes §15.2).
    """
    from cmaport.include.linux.memblock import (for_each_memblock, memblock_region_memory_base_pfn,
                                                memblock_region_memory_end_pfn)
    from cmaport.include.linux.mmzone import zone_type
    from cmaport.mm.page_alloc import free_area_init_node

    zt = zone_type.get()
    zone_size = [0] * zt.MAX_NR_ZONES
    # The memory size is known; split it into zones.
    zone_size[0] = (max_low - min_) & 0xFFFFFFFF
    if IS_ENABLED("CONFIG_HIGHMEM"):
        zone_size[zt.ZONE_HIGHMEM] = (max_high - max_low) & 0xFFFFFFFF

    # holes = zone size - the banks in it
    zhole_size = list(zone_size)
    for reg in for_each_memblock("memory"):
        start = memblock_region_memory_base_pfn(reg)
        end = memblock_region_memory_end_pfn(reg)
        if start < max_low:
            low_end = min(end, max_low)
            zhole_size[0] = (zhole_size[0] - (low_end - start)) & 0xFFFFFFFF
        if IS_ENABLED("CONFIG_HIGHMEM"):
            if end > max_low:
                high_start = max(start, max_low)
                zhole_size[zt.ZONE_HIGHMEM] = (zhole_size[zt.ZONE_HIGHMEM]
                                               - (end - high_start)) & 0xFFFFFFFF

    if IS_ENABLED("CONFIG_ZONE_DMA"):
        s = init_c.get()
        # The machine's own DMA zone size, if it has one.
        if s.arm_dma_zone_size:
            arm_adjust_dma_zone(zone_size, zhole_size, s.arm_dma_zone_size >> 12)

    free_area_init_node(0, zone_size, min_, zhole_size)


def bootmem_init():
    """arch/arm/mm/init.c: bootmem_init() — the zones and mem_map (no SPARSEMEM on this build)."""
    from cmaport.mm.memblock import memblock_allow_resize
    from cmaport.mm.nobootmem import nobootmem_c

    memblock_allow_resize()
    min_, max_low, max_high = find_limits()
    # early_memtest(): only with CONFIG_MEMTEST and memtest=; not modelled.
    # arm_memory_present(), sparse_init(): nothing without SPARSEMEM.
    zone_sizes_init(min_, max_low, max_high)
    nb = nobootmem_c.get()
    nb.min_low_pfn = min_
    nb.max_low_pfn = max_low
    nb.max_pfn = max_high


def free_memmap(start_pfn, end_pfn):
    """arch/arm/mm/init.c: free_memmap() — give back the mem_map pages of a hole to memblock."""
    from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_MASK
    from cmaport.include.linux.bootmem import memblock_free_early
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.mm.debug import struct_page_address

    # The struct pages of the range (their kernel virtual addresses).
    start_pg = struct_page_address(pfn_to_page(start_pfn - 1) + 1)
    end_pg = struct_page_address(pfn_to_page(end_pfn - 1) + 1)
    # Physical addresses, start rounded up and end down.
    pg = PAGE_ALIGN(__pa(start_pg))
    pgend = __pa(end_pg) & PAGE_MASK
    # Free the whole pages between them.
    if pg < pgend:
        memblock_free_early(pg, pgend - pg)


def free_unused_memmap():
    """arch/arm/mm/init.c: free_unused_memmap() — free mem_map between banks (FLATMEM: banks
    are aligned to MAX_ORDER_NR_PAGES at both ends, which the buddy allocator needs)."""
    from cmaport.include.linux.kernel import ALIGN
    from cmaport.include.linux.memblock import (for_each_memblock, memblock_region_memory_base_pfn,
                                                memblock_region_memory_end_pfn)
    from cmaport.kernel.machine import this_machine

    max_order_nr_pages = this_machine().config.MAX_ORDER_NR_PAGES
    prev_end = 0
    # The banks are in address order.
    for reg in for_each_memblock("memory"):
        start = memblock_region_memory_base_pfn(reg)
        start = round_down(start, max_order_nr_pages)
        # A gap since the previous bank: free its memmap.
        if prev_end and prev_end < start:
            free_memmap(prev_end, start)
        prev_end = ALIGN(memblock_region_memory_end_pfn(reg), max_order_nr_pages)


def free_area_high(pfn, end):
    """arch/arm/mm/init.c: free_area_high() — free highmem pages one by one (CONFIG_HIGHMEM).

    Model: freeing a whole MAX_ORDER-aligned block page by page through the boot pageset
    ends in the state one free of the whole block gives (see
    ``model_free_highmem_block``); the model frees such blocks whole — a 3 GiB board
    would otherwise take seconds — and the unaligned ends page by page, as the kernel does.
    A block the shortcut refuses (not in boot's clean state) goes page by page too.
    ``init_c.model_free_highmem_page_by_page`` turns the shortcut off (tests compare both).
    """
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.mm.page_alloc import free_highmem_page, model_free_highmem_block

    order = this_machine().config.MAX_ORDER - 1
    block = 1 << order
    shortcut = not init_c.get().model_free_highmem_page_by_page
    while pfn < end:
        page = pfn_to_page(pfn)
        # the shortcut only where it is exact: it returns False (having done nothing) when
        # the block or the boot pageset is not in the clean state it needs
        if (shortcut and pfn % block == 0 and pfn + block <= end
                and model_free_highmem_block(page, order)):
            pfn += block
            continue
        free_highmem_page(page)
        pfn += 1


def free_highpages():
    """arch/arm/mm/init.c: free_highpages() — free highmem that is neither reserved nor NOMAP.

    Reserved ranges in highmem (a CMA area, say) stay reserved; cma_activate_area frees
    them later.
    """
    if not IS_ENABLED("CONFIG_HIGHMEM"):
        return
    from cmaport.include.linux.memblock import (for_each_memblock, memblock_is_nomap,
                                                memblock_region_memory_base_pfn,
                                                memblock_region_memory_end_pfn,
                                                memblock_region_reserved_base_pfn,
                                                memblock_region_reserved_end_pfn)
    from cmaport.mm.nobootmem import nobootmem_c

    max_low = nobootmem_c.get().max_low_pfn
    for mem in list(for_each_memblock("memory")):
        start = memblock_region_memory_base_pfn(mem)
        end = memblock_region_memory_end_pfn(mem)
        # Skip banks wholly in lowmem.
        if end <= max_low:
            continue
        if memblock_is_nomap(mem):
            continue
        # Cut a bank that starts in lowmem.
        if start < max_low:
            start = max_low
        # Leave out the reserved ranges.
        for res in list(for_each_memblock("reserved")):
            res_start = memblock_region_reserved_base_pfn(res)
            res_end = memblock_region_reserved_end_pfn(res)
            if res_end < start:
                continue
            if res_start < start:
                res_start = start
            if res_start > end:
                res_start = end
            if res_end > end:
                res_end = end
            if res_start != start:
                free_area_high(start, res_start)
            start = res_end
            if start == end:
                break
        # Free what is left.
        if start < end:
            free_area_high(start, end)


# arch/arm/include/asm/fixmap.h, asm/highmem.h, Kconfig VECTORS_BASE
FIXADDR_START = 0xFFC00000
FIXADDR_END = 0xFFF00000
CONFIG_VECTORS_BASE = 0xFFFF0000
LAST_PKMAP = 512  # PTRS_PER_PTE
SZ_16M = 16 << 20


def mem_init():
    """arch/arm/mm/init.c: mem_init() — free the boot memory to the buddy allocator, print
    "Memory: …" and the virtual kernel memory layout.

    (No TCM; CONFIG_MODULES as in multi_v7_defconfig; ARM has no SA1111 here.)
    """
    from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET
    from cmaport.arch.arm.mm.mmu import PMD_SIZE, VMALLOC_END, VMALLOC_OFFSET
    from cmaport.include.linux.bootmem import free_all_bootmem
    from cmaport.include.linux.kernel import DIV_ROUND_UP
    from cmaport.include.linux.mm import pfn_to_page, set_max_mapnr
    from cmaport.mm.memory import memory_c
    from cmaport.mm.nobootmem import nobootmem_c
    from cmaport.mm.page_alloc import mem_init_print_info

    set_max_mapnr(pfn_to_page(nobootmem_c.get().max_pfn))  # - mem_map (index 0)

    # Put all unused low memory on the free lists.
    free_unused_memmap()
    free_all_bootmem()
    free_highpages()
    mem_init_print_info(None)

    sec = sections()
    high_memory = memory_c.get().high_memory
    page_offset = PAGE_OFFSET()
    vmalloc_start = (high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1)

    def MLK(b, t):
        """arch/arm/mm/init.c: MLK() — ``b, t`` and the size in KiB."""
        return (b, t, (t - b) >> 10)

    def MLM(b, t):
        """arch/arm/mm/init.c: MLM() — ``b, t`` and the size in MiB."""
        return (b, t, (t - b) >> 20)

    def MLK_ROUNDUP(b, t):
        """arch/arm/mm/init.c: MLK_ROUNDUP() — ``b, t`` and the size in KiB, rounded up."""
        return (b, t, DIV_ROUND_UP(t - b, 1024))

    fmt = ("Virtual kernel memory layout:\n"
           "    vector  : 0x%08lx - 0x%08lx   (%4ld kB)\n"
           "    fixmap  : 0x%08lx - 0x%08lx   (%4ld kB)\n"
           "    vmalloc : 0x%08lx - 0x%08lx   (%4ld MB)\n"
           "    lowmem  : 0x%08lx - 0x%08lx   (%4ld MB)\n")
    args = (MLK(CONFIG_VECTORS_BASE, CONFIG_VECTORS_BASE + 4096)
            + MLK(FIXADDR_START, FIXADDR_END)
            + MLM(vmalloc_start, VMALLOC_END)
            + MLM(page_offset, high_memory))
    if IS_ENABLED("CONFIG_HIGHMEM"):
        fmt += "    pkmap   : 0x%08lx - 0x%08lx   (%4ld MB)\n"
        pkmap_base = page_offset - PMD_SIZE
        args += MLM(pkmap_base, pkmap_base + LAST_PKMAP * 4096)
    # CONFIG_MODULES
    fmt += "    modules : 0x%08lx - 0x%08lx   (%4ld MB)\n"
    modules_end = page_offset - PMD_SIZE if IS_ENABLED("CONFIG_HIGHMEM") else page_offset
    args += MLM(page_offset - SZ_16M, modules_end)
    fmt += ("      .text : 0x%p - 0x%p   (%4td kB)\n"
            "      .init : 0x%p - 0x%p   (%4td kB)\n"
            "      .data : 0x%p - 0x%p   (%4td kB)\n"
            "       .bss : 0x%p - 0x%p   (%4td kB)\n")
    args += (MLK_ROUNDUP(sec._text, sec._etext) + MLK_ROUNDUP(sec.__init_begin, sec.__init_end)
             + MLK_ROUNDUP(sec._sdata, sec._edata) + MLK_ROUNDUP(sec.__bss_start, sec.__bss_stop))
    _pr.notice(fmt, *args)

    # Check the boundaries once more at run time.
    TASK_SIZE = page_offset - SZ_16M
    BUG_ON(TASK_SIZE > page_offset - SZ_16M)
    if IS_ENABLED("CONFIG_HIGHMEM"):
        BUG_ON(page_offset - PMD_SIZE + LAST_PKMAP * 4096 > page_offset)
    # PAGE_SIZE is 4 KiB: the small-machine overcommit default does not apply.


def poison_init_mem(s, count):
    """arch/arm/mm/init.c: poison_init_mem() — fill with an undefined instruction (ARM mode)."""
    import struct

    from cmaport.kernel.machine import this_machine

    this_machine().hw.physmem.write(__pa(s), struct.pack("<I", 0xE7FDDEF0) * (count // 4))


def free_initmem():
    """arch/arm/mm/init.c: free_initmem() — poison the __init sections and free them.

    fix_kernmem_perms() (section permissions) belongs to the MMU model; there is no TCM;
    the vexpress board is not an Integrator, so the memory is freed
    (``free_initmem_default(-1)``: no second poisoning).
    """
    from cmaport.mm.page_alloc import free_reserved_area

    sec = sections()
    poison_init_mem(sec.__init_begin, sec.__init_end - sec.__init_begin)
    # free_initmem_default(-1)
    free_reserved_area(sec.__init_begin, sec.__init_end, -1, "unused kernel")
