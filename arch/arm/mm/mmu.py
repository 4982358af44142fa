# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/mmu.c: the kernel's MMU set-up (the parts the boot order needs so far).

Here: the cache policy chosen from the CPU's proc_info, ``vmalloc=``, the lowmem/highmem
split (``sanity_check_meminfo``) and the swapper_pg_dir reservation. The page-table
construction of ``paging_init`` (``build_mem_type_table``, ``map_lowmem``, the remap of the
CMA ranges) belongs to the MMU model and is not ported yet; ``paging_init``
sets memblock's limit and runs ``bootmem_init`` (the zones and mem_map).
"""

import attrs

from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET, PHYS_OFFSET, TEXT_OFFSET, __pa
from cmaport.include.linux.init import early_param
from cmaport.include.linux.kernel import IS_ALIGNED, round_down
from cmaport.include.linux.sizes import SZ_16M, SZ_32M
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.cmdline import memparse

_pr = pr_helpers("")

# arch/arm/include/asm/pgtable.h
VMALLOC_OFFSET = 8 << 20
VMALLOC_END = 0xFF800000
# arch/arm/include/asm/pgtable-2level.h
PMD_SHIFT = 21
PMD_SIZE = 1 << PMD_SHIFT
# arch/arm/kernel/head.S: the initial page table sits just below the kernel.
PG_DIR_SIZE = 0x4000
SWAPPER_PG_DIR_SIZE = 2048 * 8  # PTRS_PER_PGD * sizeof(pgd_t)

# arch/arm/include/asm/pgtable-2level-hwdef.h
PMD_SECT_BUFFERABLE = 1 << 2
PMD_SECT_CACHEABLE = 1 << 3
PMD_SECT_TEX = lambda x: x << 12  # noqa: E731
PMD_SECT_UNCACHED = 0
PMD_SECT_BUFFERED = PMD_SECT_BUFFERABLE
PMD_SECT_WT = PMD_SECT_CACHEABLE
PMD_SECT_WB = PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE
PMD_SECT_WBWA = PMD_SECT_TEX(1) | PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE
PMD_SECT_CACHE_MASK = PMD_SECT_TEX(1) | PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE
# arch/arm/include/asm/pgtable-2level.h: L_PTE_MT_*
L_PTE_MT_UNCACHED = 0x00 << 2
L_PTE_MT_BUFFERABLE = 0x01 << 2
L_PTE_MT_WRITETHROUGH = 0x02 << 2
L_PTE_MT_WRITEBACK = 0x03 << 2
L_PTE_MT_WRITEALLOC = 0x07 << 2
# arch/arm/include/asm/cp15.h
CR_W = 1 << 3
CR_C = 1 << 2

CPOLICY_UNCACHED, CPOLICY_BUFFERED, CPOLICY_WRITETHROUGH, CPOLICY_WRITEBACK, CPOLICY_WRITEALLOC = range(5)


@attrs.frozen
class cachepolicy:
    """arch/arm/mm/mmu.c: struct cachepolicy."""

    policy: str
    cr_mask: int
    pmd: int
    pte: int
    pte_s2: int = 0


# arch/arm/mm/mmu.c: cache_policies[], indexed by CPOLICY_* (pte_s2 is 0 without LPAE).
cache_policies = (
    cachepolicy("uncached", CR_W | CR_C, PMD_SECT_UNCACHED, L_PTE_MT_UNCACHED),
    cachepolicy("buffered", CR_C, PMD_SECT_BUFFERED, L_PTE_MT_BUFFERABLE),
    cachepolicy("writethrough", 0, PMD_SECT_WT, L_PTE_MT_WRITETHROUGH),
    cachepolicy("writeback", 0, PMD_SECT_WB, L_PTE_MT_WRITEBACK),
    cachepolicy("writealloc", 0, PMD_SECT_WBWA, L_PTE_MT_WRITEALLOC),
)


@statics
class mmu_c:
    """The file-scope variables of arch/arm/mm/mmu.c."""

    cachepolicy: int = CPOLICY_WRITEBACK
    initial_pmd_value: int = 0
    vmalloc_min: int = VMALLOC_END - (240 << 20) - VMALLOC_OFFSET
    arm_lowmem_limit: int = 0


def init_default_cache_policy(pmd):
    """arch/arm/mm/mmu.c: init_default_cache_policy() — the policy the boot code set up."""
    s = mmu_c.get()
    s.initial_pmd_value = pmd
    pmd &= PMD_SECT_CACHE_MASK
    for i, cp in enumerate(cache_policies):
        if cp.pmd == pmd:
            s.cachepolicy = i
            return
    _pr.err("ERROR: could not find cache policy\n")


@early_param("vmalloc")
def early_vmalloc(arg):
    """arch/arm/mm/mmu.c: early_vmalloc() — ``vmalloc=size`` sets the vmalloc area size."""
    vmalloc_reserve, _ = memparse(arg or "")
    vmalloc_reserve &= 0xFFFFFFFF  # unsigned long
    if vmalloc_reserve < SZ_16M:
        vmalloc_reserve = SZ_16M
        _pr.warn("vmalloc area too small, limiting to %luMB\n", vmalloc_reserve >> 20)
    if vmalloc_reserve > VMALLOC_END - (PAGE_OFFSET() + SZ_32M):
        vmalloc_reserve = VMALLOC_END - (PAGE_OFFSET() + SZ_32M)
        _pr.warn("vmalloc area is too big, limiting to %luMB\n", vmalloc_reserve >> 20)
    mmu_c.get().vmalloc_min = VMALLOC_END - vmalloc_reserve
    return 0


def sanity_check_meminfo():
    """arch/arm/mm/mmu.c: sanity_check_meminfo() — split RAM into lowmem and highmem.

    Computes ``arm_lowmem_limit`` and ``high_memory`` and sets memblock's current limit.
    Without ``CONFIG_HIGHMEM`` RAM above the lowmem limit is removed, with the kernel's
    notices.
    """
    from cmaport.arch.arm.kernel.setup import cache_is_vipt_aliasing, setup_c
    from cmaport.mm.memblock import for_each_memblock, memblock_remove, memblock_set_current_limit
    from cmaport.mm.memory import memory_c

    s = mmu_c.get()
    memblock_limit = 0
    highmem = 0
    should_use_highmem = False
    # A 64-bit value on purpose: the limit may be above the 32-bit physical space.
    vmalloc_limit = s.vmalloc_min - PAGE_OFFSET() + PHYS_OFFSET()

    for reg in list(for_each_memblock("memory")):
        block_start = reg.base
        block_end = reg.base + reg.size
        size_limit = reg.size
        if reg.base >= vmalloc_limit:
            highmem = 1
        else:
            size_limit = vmalloc_limit - reg.base

        if not IS_ENABLED("CONFIG_HIGHMEM") or cache_is_vipt_aliasing(setup_c.get().cacheid):
            if highmem:
                _pr.notice("Ignoring RAM at %pa-%pa (!CONFIG_HIGHMEM)\n", block_start, block_end)
                memblock_remove(reg.base, reg.size)
                should_use_highmem = True
                continue
            if reg.size > size_limit:
                overlap_size = reg.size - size_limit
                _pr.notice("Truncating RAM at %pa-%pa", block_start, block_end)
                block_end = vmalloc_limit
                _pr.cont(" to -%pa", block_end)
                memblock_remove(vmalloc_limit, overlap_size)
                should_use_highmem = True

        if not highmem:
            if block_end > s.arm_lowmem_limit:
                if reg.size > size_limit:
                    s.arm_lowmem_limit = vmalloc_limit
                else:
                    s.arm_lowmem_limit = block_end
            # memblock's limit: the first bank edge that is not 2 MiB aligned (rounded
            # down below), so early allocations stay inside fully mapped sections.
            if not memblock_limit:
                if not IS_ALIGNED(block_start, PMD_SIZE):
                    memblock_limit = block_start
                elif not IS_ALIGNED(block_end, PMD_SIZE):
                    memblock_limit = s.arm_lowmem_limit

    if should_use_highmem:
        _pr.notice("Consider using a HIGHMEM enabled kernel.\n")

    # high_memory = __va(arm_lowmem_limit - 1) + 1
    memory_c.get().high_memory = ((s.arm_lowmem_limit - 1 - PHYS_OFFSET() + PAGE_OFFSET()) + 1) & 0xFFFFFFFF

    if memblock_limit:
        memblock_limit = round_down(memblock_limit, PMD_SIZE)
    if not memblock_limit:
        memblock_limit = s.arm_lowmem_limit
    memblock_set_current_limit(memblock_limit)


def swapper_pg_dir():
    """arch/arm/kernel/head.S: swapper_pg_dir — the virtual address of the initial page table."""
    return PAGE_OFFSET() + TEXT_OFFSET - PG_DIR_SIZE


def arm_mm_memblock_reserve():
    """arch/arm/mm/mmu.c: arm_mm_memblock_reserve() — keep the initial page table."""
    from cmaport.mm.memblock import memblock_reserve

    memblock_reserve(__pa(swapper_pg_dir()), SWAPPER_PG_DIR_SIZE)


def early_paging_init(mdesc):
    """arch/arm/mm/mmu.c: early_paging_init() — only Keystone 2 (LPAE) does anything here."""
    return


def paging_init(mdesc):
    """arch/arm/mm/mmu.c: paging_init() — build the kernel page tables, then the zones.

    Model: the page-table part (build_mem_type_table, map_lowmem, devicemaps_init, the
    zero page) belongs to the MMU model, which is not ported yet; only its effect on
    memory management remains: ``memblock_set_current_limit``, ``dma_contiguous_remap``
    (which records the CMA ranges it would remap) and ``bootmem_init``.
    """
    from cmaport.arch.arm.mm.dma_mapping import dma_contiguous_remap
    from cmaport.arch.arm.mm.init import bootmem_init
    from cmaport.mm.memblock import memblock_set_current_limit

    memblock_set_current_limit(mmu_c.get().arm_lowmem_limit)
    dma_contiguous_remap()
    bootmem_init()
