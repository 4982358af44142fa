# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/mmu.c: the kernel's MMU set-up (the parts the boot order needs so far).

Here: the cache policy chosen from the CPU's proc_info (``cachepolicy=``, ``ecc=``, and
``build_mem_type_table``'s SMP rules and ``Memory policy:`` line), ``vmalloc=``, the
lowmem/highmem split (``sanity_check_meminfo``) and the swapper_pg_dir reservation. The
page-table construction of ``paging_init`` (``build_mem_type_table``'s ``mem_types[]``,
``map_lowmem``, the remap of the CMA ranges) belongs to the MMU model and is not ported
yet; ``paging_init`` prints the cache policy, sets memblock's limit and runs
``bootmem_init`` (the zones and mem_map).
"""

import attrs

from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET, PHYS_OFFSET, TEXT_OFFSET, __pa
from cmaport.include.linux.init import early_param
from cmaport.include.linux.kernel import IS_ALIGNED, round_down
from cmaport.include.linux.sizes import SZ_16M, SZ_32M
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import kernel_fault_oops
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.cmdline import memparse

_pr = pr_helpers("")

_PHYS_MASK = 0xFFFFFFFF  # phys_addr_t is 32-bit (no LPAE)

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


# arch/arm/include/asm/pgtable-2level-hwdef.h
PMD_PROTECTION = 1 << 9  # v5: the ECC bit of a first-level descriptor
PMD_SECT_S = 1 << 16  # v6: shareable
# arch/arm/include/asm/system_info.h
CPU_ARCH_ARMv5 = 5
CPU_ARCH_ARMv6 = 8
CPU_ARCH_ARMv7 = 9


@statics
class mmu_c:
    """The file-scope variables of arch/arm/mm/mmu.c."""

    cachepolicy: int = CPOLICY_WRITEBACK
    ecc_mask: int = 0
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


def cpu_architecture():
    """arch/arm/kernel/setup.c: cpu_architecture() — Model: the model's CPU is always ARMv7."""
    return CPU_ARCH_ARMv7


def is_smp():
    """arch/arm/include/asm/smp_plat.h: is_smp() — SMP kernel on an SMP system?

    multi_v7_defconfig has CONFIG_SMP_ON_UP=y, so the answer is head.S's ``smp_on_up``.
    """
    from cmaport.arch.arm.kernel.setup import setup_c

    if not IS_ENABLED("CONFIG_SMP"):
        return False
    # CONFIG_SMP_ON_UP (y in multi_v7_defconfig; not one of the model's symbols)
    return bool(setup_c.get().smp_on_up)


@early_param("cachepolicy")
def early_cachepolicy(p):
    """arch/arm/mm/mmu.c: early_cachepolicy() — ``cachepolicy=`` (refused on ARMv6 and later).

    The page tables head.S built already use the policy of the proc_info entry; ARMv6+
    cannot change it, so any other choice only gets a warning.
    """
    s = mmu_c.get()
    if p is None:  # a bare "cachepolicy": v4.9's memcmp() reads through the NULL string
        kernel_fault_oops(0, "early_cachepolicy",
                          "'cachepolicy' without a value: memcmp(NULL, ...) in v4.9")
    selected = -1

    for i, cp in enumerate(cache_policies):
        # memcmp() of the policy's length: a prefix match, as in C
        if p[:len(cp.policy)] == cp.policy:
            selected = i
            break

    if selected == -1:
        _pr.err("ERROR: unknown or unsupported cache policy\n")

    # changing the attributes of memory already mapped is unpredictable on ARMv6+
    if cpu_architecture() >= CPU_ARCH_ARMv6 and selected != s.cachepolicy:
        _pr.warn("Only cachepolicy=%s supported on ARMv6 and later\n",
                 cache_policies[s.cachepolicy].policy)
        return 0

    # Model: the rest (clear the policy's SCTLR bits, flush the caches) is for pre-ARMv6
    # CPUs; the model's CPU is ARMv7, so it is never reached.
    return 0


@early_param("nocache")
def early_nocache(__unused):
    """arch/arm/mm/mmu.c: early_nocache() — the deprecated ``nocache``: ``cachepolicy=buffered``."""
    p = "buffered"
    _pr.warn("nocache is deprecated; use cachepolicy=%s\n", p)
    early_cachepolicy(p)
    return 0


@early_param("nowb")
def early_nowrite(__unused):
    """arch/arm/mm/mmu.c: early_nowrite() — the deprecated ``nowb``: ``cachepolicy=uncached``."""
    p = "uncached"
    _pr.warn("nowb is deprecated; use cachepolicy=%s\n", p)
    early_cachepolicy(p)
    return 0


@early_param("ecc")
def early_ecc(p):
    """arch/arm/mm/mmu.c: early_ecc() — ``ecc=on``/``ecc=off`` (no LPAE): the ECC bit of memory sections."""
    s = mmu_c.get()
    if p is None:  # a bare "ecc": v4.9's memcmp() reads through the NULL string
        kernel_fault_oops(0, "early_ecc", "'ecc' without a value: memcmp(NULL, ...) in v4.9")
    if p[:2] == "on":
        s.ecc_mask = PMD_PROTECTION
    elif p[:3] == "off":
        s.ecc_mask = 0
    return 0


def build_mem_type_table():
    """arch/arm/mm/mmu.c: build_mem_type_table() — the cache policy (the part decided and printed).

    Pre-ARMv5/v6 restrictions do not apply to the model's ARMv7 CPU. On an SMP system the
    policy must be write-allocate and the mappings shared: anything else the boot code
    chose is overridden with a warning. Then ``Memory policy: [ECC enabled, ]Data cache
    <policy>`` is printed.

    Model: the rest — the ``mem_types[]`` table (device, memory, vector and ROM mapping
    types), ``protection_map[]``, ``pgprot_user``/``pgprot_kernel`` and the domain bits —
    belongs to the MMU model and is not ported (arch/arm/include/asm/pgtable.py computes
    ``user_pgprot`` from the same policy and initial pmd value).
    """
    s = mmu_c.get()
    cpu_arch = cpu_architecture()

    # (CPU_DCACHE_DISABLE / CPU_DCACHE_WRITETHROUGH limits apply before ARMv6 only)
    if cpu_arch < CPU_ARCH_ARMv5:
        if s.cachepolicy >= CPOLICY_WRITEALLOC:
            s.cachepolicy = CPOLICY_WRITEBACK
        s.ecc_mask = 0

    if is_smp():
        if s.cachepolicy != CPOLICY_WRITEALLOC:
            _pr.warn("Forcing write-allocate cache policy for SMP\n")
            s.cachepolicy = CPOLICY_WRITEALLOC
        if not (s.initial_pmd_value & PMD_SECT_S):
            _pr.warn("Forcing shared mappings for SMP\n")
            s.initial_pmd_value |= PMD_SECT_S

    # Model: mem_types[], protection_map[] and the pgprot values: the MMU model's (see above)
    cp = cache_policies[s.cachepolicy]

    _pr.info("Memory policy: %sData cache %s\n",
             "ECC enabled, " if s.ecc_mask else "", cp.policy)


@early_param("vmalloc")
def early_vmalloc(arg):
    """arch/arm/mm/mmu.c: early_vmalloc() — ``vmalloc=size`` sets the vmalloc area size."""
    if arg is None:  # a bare "vmalloc": v4.9's memparse() reads through the NULL string
        kernel_fault_oops(0, "early_vmalloc", "'vmalloc' without a value: memparse(NULL) in v4.9")
    vmalloc_reserve, _ = memparse(arg)
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
    notices. The loop walks the live ``memblock.memory`` array by index, as C's
    ``for_each_memblock`` does: when a whole bank is removed the next one slides into
    its slot and is skipped (v4.9 then keeps that bank, highmem or not).
    """
    from cmaport.arch.arm.kernel.setup import cache_is_vipt_aliasing, setup_c
    from cmaport.mm.memblock import memblock, memblock_remove, memblock_set_current_limit
    from cmaport.mm.memory import memory_c

    s = mmu_c.get()
    memblock_limit = 0
    highmem = 0
    should_use_highmem = False
    # A 64-bit value on purpose: the limit may be above the 32-bit physical space.
    vmalloc_limit = s.vmalloc_min - PAGE_OFFSET() + PHYS_OFFSET()

    mem = memblock().memory
    i = 0  # for_each_memblock(memory, reg): reg = &memblock.memory.regions[i]
    while i < mem.cnt:
        reg = mem.regions[i]
        block_start = reg.base
        block_end = (reg.base + reg.size) & _PHYS_MASK  # phys_addr_t: 0 for a bank ending at 4 GiB
        size_limit = reg.size
        if reg.base >= vmalloc_limit:
            highmem = 1
        else:
            size_limit = (vmalloc_limit - reg.base) & _PHYS_MASK

        if not IS_ENABLED("CONFIG_HIGHMEM") or cache_is_vipt_aliasing(setup_c.get().cacheid):
            if highmem:
                _pr.notice("Ignoring RAM at %pa-%pa (!CONFIG_HIGHMEM)\n", block_start, block_end)
                memblock_remove(reg.base, reg.size)
                should_use_highmem = True
                i += 1  # continue: the next bank moved into this slot and is skipped
                continue
            if reg.size > size_limit:
                overlap_size = reg.size - size_limit
                _pr.notice("Truncating RAM at %pa-%pa", block_start, block_end)
                block_end = vmalloc_limit & _PHYS_MASK
                _pr.cont(" to -%pa", block_end)
                memblock_remove(vmalloc_limit & _PHYS_MASK, overlap_size)
                should_use_highmem = True
            # the slot may hold another object after the split (C's reg is the slot)
            reg = mem.regions[i]

        if not highmem:
            if block_end > s.arm_lowmem_limit:
                if reg.size > size_limit:
                    s.arm_lowmem_limit = vmalloc_limit & _PHYS_MASK
                else:
                    s.arm_lowmem_limit = block_end
            # memblock's limit: the first bank edge that is not 2 MiB aligned (rounded
            # down below), so early allocations stay inside fully mapped sections.
            if not memblock_limit:
                if not IS_ALIGNED(block_start, PMD_SIZE):
                    memblock_limit = block_start
                elif not IS_ALIGNED(block_end, PMD_SIZE):
                    memblock_limit = s.arm_lowmem_limit
        i += 1

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

    build_mem_type_table() decides and prints the cache policy (its mapping-type table is
    the MMU model's). Model: the page-table part (prepare_page_table, map_lowmem,
    early_fixmap_shutdown, devicemaps_init, kmap_init, the zero page) belongs to the MMU
    model, which is not ported yet — nor are the boot-memory allocations it makes
    (early_alloc() of the L2 tables, the vectors page and the zero page). What remains is
    its effect on memory management: ``memblock_set_current_limit``,
    ``dma_contiguous_remap`` (which records the CMA ranges it would remap) and
    ``bootmem_init``.
    """
    from cmaport.arch.arm.mm.dma_mapping import dma_contiguous_remap
    from cmaport.arch.arm.mm.init import bootmem_init
    from cmaport.mm.memblock import memblock_set_current_limit

    build_mem_type_table()
    # Model: prepare_page_table() and map_lowmem() — the MMU model's (not ported)
    memblock_set_current_limit(mmu_c.get().arm_lowmem_limit)
    dma_contiguous_remap()
    # Model: early_fixmap_shutdown(), devicemaps_init(), kmap_init(), tcm_init() and the
    # zero page's early_alloc() — the MMU model's (not ported; their memblock
    # allocations are missing from memblock.reserved)
    bootmem_init()
