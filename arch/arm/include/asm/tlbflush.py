# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/tlbflush.h and cacheflush.h: TLB and cache maintenance for user
mappings.

Model: there is no TLB and no cache yet (a later MMU issue adds them to arch/arm/hw/).
Each TLB maintenance operation is counted as a ``tlb_flushes`` event of the cost model
(kernel/cost.py), which is what it costs a real Cortex-A9; the cache operations the
kernel performs for a VIPT non-aliasing data cache do nothing there either.
"""

from cmaport.kernel.cost import account


def flush_tlb_page(vma, uaddr):
    """arch/arm/include/asm/tlbflush.h: flush_tlb_page() — one user TLB entry (broadcast)."""
    account("tlb_flushes")


def flush_tlb_range(vma, start, end):
    """arch/arm/kernel/smp_tlb.c: flush_tlb_range() — a range of one mm's TLB entries."""
    account("tlb_flushes")


def flush_tlb_mm(mm):
    """arch/arm/kernel/smp_tlb.c: flush_tlb_mm() — every TLB entry of an ASID."""
    account("tlb_flushes")


def flush_tlb_fix_spurious_fault(vma, address):
    """include/asm-generic/pgtable.h: flush_tlb_fix_spurious_fault() — flush_tlb_page()."""
    flush_tlb_page(vma, address)


def update_mmu_cache(vma, addr, ptep):
    """arch/arm/include/asm/tlbflush.h: update_mmu_cache() — D-cache maintenance of a newly
    mapped page on aliasing caches; nothing for the model."""


def flush_cache_page(vma, user_addr, pfn):
    """arch/arm/include/asm/cacheflush.h: flush_cache_page() — VIPT non-aliasing: nothing."""


def flush_cache_range(vma, start, end):
    """arch/arm/include/asm/cacheflush.h: flush_cache_range() — VIPT non-aliasing: nothing."""


def flush_cache_mm(mm):
    """arch/arm/include/asm/cacheflush.h: flush_cache_mm() — VIPT non-aliasing: nothing."""


def flush_dcache_page(page):
    """arch/arm/mm/flush.c: flush_dcache_page() — Model: no caches to keep coherent."""


def flush_anon_page(vma, page, vmaddr):
    """arch/arm/include/asm/cacheflush.h: flush_anon_page() — nothing on non-aliasing caches."""


def flush_icache_page(vma, page):
    """arch/arm/include/asm/cacheflush.h: flush_icache_page() — empty on ARM."""
