# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/tlb.h: the ARM ``mmu_gather`` — batching page frees behind a TLB flush.

Pages unmapped by zap_pte_range are gathered; their TLB entries are flushed (one range
flush per VMA, or one flush of the whole mm at exit) before the pages are given back.
Model: the gather array is a Python list of at most ``max`` entries; the page ARM
borrows for it (``__tlb_alloc_page``, a GFP_NOWAIT page) is not allocated — its
``max`` is what that page would hold (PAGE_SIZE / sizeof(struct page *)).
"""

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import PMD_MASK, TASK_SIZE
from cmaport.arch.arm.include.asm.tlbflush import flush_tlb_mm, flush_tlb_range

MMU_GATHER_BUNDLE = 8
_SZ_1M = 1 << 20


class mmu_gather:
    """arch/arm/include/asm/tlb.h: struct mmu_gather."""

    __slots__ = ("mm", "fullmm", "vma", "start", "end", "range_start", "range_end", "nr",
                 "max", "pages")

    def __init__(self):
        self.mm = None
        self.fullmm = 0
        self.vma = None
        self.start = self.end = 0
        self.range_start = 0
        self.range_end = 0
        self.nr = 0
        self.max = 0
        self.pages = []


def tlb_flush(tlb):
    """arch/arm/include/asm/tlb.h: tlb_flush() — the whole mm, or the gathered range."""
    if tlb.fullmm or tlb.vma is None:
        flush_tlb_mm(tlb.mm)
    elif tlb.range_end > 0:
        flush_tlb_range(tlb.vma, tlb.range_start, tlb.range_end)
        tlb.range_start = TASK_SIZE()
        tlb.range_end = 0


def tlb_add_flush(tlb, addr):
    """arch/arm/include/asm/tlb.h: tlb_add_flush() — widen the range to flush."""
    if not tlb.fullmm:
        if addr < tlb.range_start:
            tlb.range_start = addr
        if addr + PAGE_SIZE > tlb.range_end:
            tlb.range_end = addr + PAGE_SIZE


def tlb_flush_mmu_tlbonly(tlb):
    """arch/arm/include/asm/tlb.h: tlb_flush_mmu_tlbonly()."""
    tlb_flush(tlb)


def tlb_flush_mmu_free(tlb):
    """arch/arm/include/asm/tlb.h: tlb_flush_mmu_free() — release the gathered pages."""
    from cmaport.mm.swap_state import free_pages_and_swap_cache

    free_pages_and_swap_cache(tlb.pages, tlb.nr)
    tlb.pages = []
    tlb.nr = 0


def tlb_flush_mmu(tlb):
    """arch/arm/include/asm/tlb.h: tlb_flush_mmu()."""
    tlb_flush_mmu_tlbonly(tlb)
    tlb_flush_mmu_free(tlb)


def tlb_gather_mmu(tlb, mm, start, end):
    """arch/arm/include/asm/tlb.h: tlb_gather_mmu() — ``fullmm`` when the range is 0..~0."""
    tlb.mm = mm
    tlb.fullmm = int(start == 0 and end == 0xFFFFFFFF)
    tlb.start = start
    tlb.end = end
    tlb.vma = None
    tlb.nr = 0
    tlb.pages = []
    tlb.max = PAGE_SIZE // 4  # Model: __tlb_alloc_page() — see the module note


def tlb_finish_mmu(tlb, start, end):
    """arch/arm/include/asm/tlb.h: tlb_finish_mmu() — flush and free what is left."""
    tlb_flush_mmu(tlb)
    # check_pgt_cache(): no quicklists.


def tlb_remove_tlb_entry(tlb, ptep, addr):
    """arch/arm/include/asm/tlb.h: tlb_remove_tlb_entry() — remember the address to flush."""
    tlb_add_flush(tlb, addr)


def tlb_start_vma(tlb, vma):
    """arch/arm/include/asm/tlb.h: tlb_start_vma() — a fresh range for this VMA."""
    if not tlb.fullmm:
        tlb.vma = vma
        tlb.range_start = TASK_SIZE()
        tlb.range_end = 0


def tlb_end_vma(tlb, vma):
    """arch/arm/include/asm/tlb.h: tlb_end_vma() — flush the VMA's range."""
    if not tlb.fullmm:
        tlb_flush(tlb)


def __tlb_remove_page(tlb, page):
    """arch/arm/include/asm/tlb.h: __tlb_remove_page() — gather; true when the batch is full."""
    if tlb.nr == tlb.max:
        return True
    tlb.pages.append(page)
    tlb.nr += 1
    return False


def tlb_remove_page(tlb, page):
    """arch/arm/include/asm/tlb.h: tlb_remove_page() — gather, flushing a full batch first."""
    if __tlb_remove_page(tlb, page):
        tlb_flush_mmu(tlb)
        __tlb_remove_page(tlb, page)


def __pte_free_tlb(tlb, pte, addr):
    """arch/arm/include/asm/tlb.h: __pte_free_tlb() — a pte page covers two 1 MiB L1
    entries: flush both, then free the page through the gather."""
    from cmaport.arch.arm.include.asm.pgalloc import pgtable_page_dtor

    pgtable_page_dtor(pte.page)
    addr &= PMD_MASK
    tlb_add_flush(tlb, addr + _SZ_1M - PAGE_SIZE)
    tlb_add_flush(tlb, addr + _SZ_1M)
    tlb_remove_page(tlb, pte.page)


pte_free_tlb = __pte_free_tlb
