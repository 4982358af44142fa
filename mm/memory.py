# SPDX-License-Identifier: GPL-2.0-only
"""mm/memory.c: page faults, the copy of page tables on fork, and unmapping.

Also the file's globals: ``high_memory`` (the virtual address just past the lowmem linear
map, set by ``sanity_check_meminfo``) and ``max_mapnr`` (FLATMEM).

Faults: ``handle_mm_fault`` walks to the pte and dispatches: an empty pte of an anonymous
VMA gets a zeroed movable page (``do_anonymous_page``; a read maps the shared zero page);
of a file VMA, the page cache page (``do_read_fault``), a private copy of it
(``do_cow_fault``) or the page itself made writable (``do_shared_fault``); a present pte
written without permission goes to ``do_wp_page`` (copy-on-write or reuse); a pte holding
a migration entry waits for the migration (``do_swap_page``). The hardware of ARMv7 sets
neither the young nor the dirty bit: a pte that is not young is not valid for the MMU and
a clean one is read-only to it, so ``handle_pte_fault`` sets them on the faults that
follow.

Model: no THP, no hugetlb, no userfaultfd, no NUMA balancing, no memcg charging, no swap
device (a swap entry other than a migration entry never exists). Page-table locks are
not taken (one CPU). The zero page is allocated on first use (see ``empty_zero_page``).
``remap_pfn_range`` keeps the device work's behaviour: it records the range on the VMA
instead of writing ptes (a device VMA has no mm here).
"""

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SHIFT, PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import (PMD_MASK, PMD_SIZE, mk_pte, pfn_pte,
                                                  pgd_addr_end, pgd_offset, pmd_none,
                                                  pmd_offset, pmd_populate, pmdp_get,
                                                  pte_dirty, pte_mkclean, pte_mkdirty,
                                                  pte_mkold, pte_mkspecial, pte_mkwrite,
                                                  pte_mkyoung,
                                                  pte_none, pte_offset_map,
                                                  pte_offset_map_lock, pte_pfn, pte_present,
                                                  pte_same, pte_unmap,
                                                  pte_unmap_unlock, pte_wrprotect, pte_write,
                                                  pte_young, ptep_clear_flush, ptep_get,
                                                  ptep_get_and_clear_full,
                                                  ptep_set_access_flags, ptep_set_wrprotect,
                                                  pte_clear_not_present_full, pud_offset,
                                                  set_pte_at)
from cmaport.arch.arm.include.asm.tlbflush import (flush_cache_page, flush_icache_page,
                                                   flush_tlb_fix_spurious_fault,
                                                   update_mmu_cache)
from cmaport.include.linux.errno import ENOMEM
from cmaport.include.linux.mm import (FAULT_FLAG_MKWRITE, FAULT_FLAG_WRITE, VM_BUG_ON_PAGE,
                                      VM_DONTDUMP, VM_DONTEXPAND, VM_FAULT_ERROR,
                                      VM_FAULT_LOCKED, VM_FAULT_NOPAGE, VM_FAULT_OOM,
                                      VM_FAULT_RETRY, VM_FAULT_SIGBUS, VM_FAULT_WRITE,
                                      VM_HUGETLB, VM_IO, VM_LOCKED,
                                      VM_MIXEDMAP, VM_PFNMAP, VM_SEQ_READ, VM_SHARED,
                                      VM_WRITE, add_mm_counter, dec_mm_counter_fast,
                                      get_page, inc_mm_counter_fast, is_cow_mapping,
                                      linear_page_index, maybe_mkwrite, mm_counter,
                                      mm_counter_file, page_mapcount, pfn_to_page, put_page,
                                      vma_is_anonymous)
from cmaport.include.linux.mm_types import MM_ANONPAGES, MM_SWAPENTS, NR_MM_COUNTERS
from cmaport.include.linux.mm_types import vm_area_struct  # noqa: F401 (re-export)
from cmaport.include.linux.mm import (VM_EXEC, VM_MAYREAD, VM_MAYWRITE, VM_READ,  # noqa: F401
                                      vma_pages)  # (re-exports, see below)
from cmaport.include.linux.page_flags import (PageAnon, PageKsm, PageLocked, PageMlocked,
                                              __SetPageUptodate)
from cmaport.include.linux.swapops import (is_migration_entry, is_write_migration_entry,
                                           make_migration_entry_read, migration_entry_to_page,
                                           non_swap_entry, pte_to_swp_entry, swp_entry_to_pte)
from cmaport.include.linux.vmstat import PGFAULT, count_vm_event
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import BUG, BUG_ON

# (The vm_flags constants, vma_pages, is_cow_mapping and struct vm_area_struct imported
# above from include/linux/mm.py and mm_types.py are also this module's names, for the
# device code that found them here first.)


@statics
class memory_c:
    """The file-scope globals of mm/memory.c (``zero_pfn`` is the zero page's pfn, 0 until
    it exists)."""

    high_memory: int = 0
    max_mapnr: int = 0
    zero_pfn: int = 0


# --- the zero page ---------------------------------------------------------------------

def empty_zero_page():
    """arch/arm/mm/mmu.c: empty_zero_page — the page of zeros read faults of anonymous
    memory map.

    Model: ARM allocates it from memblock in paging_init(), whose page-table part is not
    ported yet; the model allocates it (zeroed, unmovable, PG_reserved like a memblock
    page) from the buddy allocator the first time it is needed.
    """
    from cmaport.include.linux.gfp import GFP_KERNEL, __GFP_ZERO, alloc_pages
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.include.linux.page_flags import SetPageReserved

    s = memory_c.get()
    if not s.zero_pfn:
        page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0)
        if page is None:
            return None
        SetPageReserved(page)  # noqa: F821 (generated accessor)
        s.zero_pfn = page_to_pfn(page)
    return pfn_to_page(s.zero_pfn)


def is_zero_pfn(pfn):
    """include/asm-generic/pgtable.h: is_zero_pfn()."""
    return pfn == memory_c.get().zero_pfn and pfn != 0


def my_zero_pfn(addr):
    """include/asm-generic/pgtable.h: my_zero_pfn() — zero_pfn (init_zero_pfn)."""
    from cmaport.include.linux.mm import page_to_pfn

    return page_to_pfn(empty_zero_page())


# --- page-table pages -------------------------------------------------------------------

def __pte_alloc(mm, pmd, address):
    """mm/memory.c: __pte_alloc() — a new pte page for an empty pmd.

    :return: 0 or -ENOMEM
    """
    from cmaport.arch.arm.include.asm.pgalloc import pte_alloc_one, pte_free

    new = pte_alloc_one(mm, address)
    if new is None:
        return -ENOMEM
    # smp_wmb(): the zeroed page is visible before the pmd points at it.
    # Model: mm->page_table_lock — one CPU.
    if pmd_none(pmdp_get(pmd)):  # has another populated it?
        mm.nr_ptes += 1
        pmd_populate(mm, pmd, new)
        new = None
    if new is not None:
        pte_free(mm, new)
    return 0


def pte_alloc(mm, pmd, address):
    """include/linux/mm.h: pte_alloc() — __pte_alloc only if the pmd is empty (non-zero
    on failure)."""
    return pmd_none(pmdp_get(pmd)) and __pte_alloc(mm, pmd, address)


def free_pte_range(tlb, pmd, addr):
    """mm/memory.c: free_pte_range() — clear the pmd, free its pte page through the gather."""
    from cmaport.arch.arm.include.asm.pgtable import pmd_clear
    from cmaport.arch.arm.include.asm.tlb import pte_free_tlb

    token = pmdp_get(pmd)
    pmd_clear(pmd)
    pte_free_tlb(tlb, token, addr)
    tlb.mm.nr_ptes -= 1


def free_pgd_range(tlb, addr, end, floor, ceiling):
    """mm/memory.c: free_pgd_range() — free the pte pages of [addr, end) that lie wholly
    between ``floor`` and ``ceiling`` (no other VMA uses them). With the pud and pmd folded
    this is free_pmd_range at PMD (2 MiB) granularity."""
    addr &= PMD_MASK
    if addr < floor:
        addr = (addr + PMD_SIZE) & 0xFFFFFFFF
        if not addr:
            return
    if ceiling:
        ceiling &= PMD_MASK
        if not ceiling:
            return
    if ((end - 1) & 0xFFFFFFFF) > ((ceiling - 1) & 0xFFFFFFFF):
        end -= PMD_SIZE
    if addr > ((end - 1) & 0xFFFFFFFF):
        return
    mm = tlb.mm
    while True:
        nxt = pgd_addr_end(addr, end)
        pmd = pmd_offset(pud_offset(pgd_offset(mm, addr), addr), addr)
        if not pmd_none(pmdp_get(pmd)):  # pmd_none_or_clear_bad()
            free_pte_range(tlb, pmd, addr)
        addr = nxt
        if addr == end:
            break


def free_pgtables(tlb, vma, floor, ceiling):
    """mm/memory.c: free_pgtables() — unlink the VMAs from rmap, then free their page tables
    between ``floor`` and ``ceiling``."""
    from cmaport.mm.mmap import unlink_file_vma
    from cmaport.mm.rmap import unlink_anon_vmas

    while vma is not None:
        nxt = vma.vm_next
        addr = vma.vm_start
        # hide the VMA from rmap before freeing its page tables
        unlink_anon_vmas(vma)
        unlink_file_vma(vma)
        # gather nearby VMAs into one call down
        while nxt is not None and nxt.vm_start <= vma.vm_end + PMD_SIZE:
            vma = nxt
            nxt = vma.vm_next
            unlink_anon_vmas(vma)
            unlink_file_vma(vma)
        free_pgd_range(tlb, addr, vma.vm_end, floor, nxt.vm_start if nxt is not None else ceiling)
        vma = nxt


# --- which page a pte maps --------------------------------------------------------------

def vm_normal_page(vma, addr, pte):
    """mm/memory.c: vm_normal_page() — the struct page a pte maps, or NULL for the zero
    page and raw pfn mappings (ARM without LPAE has no pte_special: the !HAVE_PTE_SPECIAL
    rules apply)."""
    from cmaport.mm.page_alloc import page_alloc_c

    pfn = pte_pfn(pte)
    if vma.vm_flags & (VM_PFNMAP | VM_MIXEDMAP):
        if vma.vm_flags & VM_MIXEDMAP:
            from cmaport.arch.arm.mm.init import pfn_valid

            if not pfn_valid(pfn):
                return None
            return pfn_to_page(pfn)
        off = (addr - vma.vm_start) >> PAGE_SHIFT
        if pfn == vma.vm_pgoff + off:
            return None
        if not is_cow_mapping(vma.vm_flags):
            return None
    if is_zero_pfn(pfn):
        return None
    # check_pfn:
    highest = getattr(page_alloc_c.get(), "highest_memmap_pfn", None)
    if highest is not None and pfn > highest:
        print_bad_pte(vma, addr, pte, None)
        return None
    return pfn_to_page(pfn)


def print_bad_pte(vma, addr, pte, page):
    """mm/memory.c: print_bad_pte() — report a pte that maps something impossible.

    Model: the report's first line (``BUG: Bad page map in process ...``) and the page dump
    are printed; the rate limiting and the vma/file lines are not.
    """
    from cmaport.include.linux.sched import current
    from cmaport.kernel.printk import pr_helpers
    from cmaport.mm.debug import dump_page

    _pr = pr_helpers("")
    _pr.alert("BUG: Bad page map in process %s  pte:%08llx pmd:%08llx\n", current().comm,
              pte, 0)
    if page is not None:
        dump_page(page, "bad pte")


# --- fork ------------------------------------------------------------------------------------

def copy_one_pte(dst_mm, src_mm, dst_pte, src_pte, vma, addr, rss):
    """mm/memory.c: copy_one_pte() — copy one pte to the child: a private writable page
    becomes read-only in both (copy-on-write); the page gets one more mapping."""
    from cmaport.include.linux.rmap import page_dup_rmap

    vm_flags = vma.vm_flags
    pte = ptep_get(src_pte)
    if not pte_present(pte):
        entry = pte_to_swp_entry(pte)
        if not non_swap_entry(entry):
            # Model: no swap device, so no swap entries (swap_duplicate).
            BUG(line=862)
        elif is_migration_entry(entry):
            page = migration_entry_to_page(entry)
            rss[mm_counter(page)] += 1
            if is_write_migration_entry(entry) and is_cow_mapping(vm_flags):
                # COW mappings need the entry read-only in both parent and child
                entry = make_migration_entry_read(entry)
                pte = swp_entry_to_pte(entry)
                set_pte_at(src_mm, addr, src_pte, pte)
        set_pte_at(dst_mm, addr, dst_pte, pte)
        return 0
    if is_cow_mapping(vm_flags):
        ptep_set_wrprotect(src_mm, addr, src_pte)
        pte = pte_wrprotect(pte)
    if vm_flags & VM_SHARED:
        pte = pte_mkclean(pte)
    pte = pte_mkold(pte)
    page = vm_normal_page(vma, addr, pte)
    if page is not None:
        get_page(page)
        page_dup_rmap(page, False)
        rss[mm_counter(page)] += 1
    set_pte_at(dst_mm, addr, dst_pte, pte)
    return 0


def add_mm_rss_vec(mm, rss):
    """mm/memory.c: add_mm_rss_vec()."""
    for i in range(NR_MM_COUNTERS):
        if rss[i]:
            add_mm_counter(mm, i, rss[i])


def copy_pte_range(dst_mm, src_mm, dst_pmd, src_pmd, vma, addr, end):
    """mm/memory.c: copy_pte_range() — the ptes of one pte page."""
    rss = [0] * NR_MM_COUNTERS
    if pte_alloc(dst_mm, dst_pmd, addr):
        return -ENOMEM
    while True:
        src_pte = pte_offset_map(src_pmd, addr)
        dst_pte = pte_offset_map_lock(dst_mm, dst_pmd, addr)
        if not pte_none(ptep_get(src_pte)):
            copy_one_pte(dst_mm, src_mm, dst_pte, src_pte, vma, addr, rss)
        addr += PAGE_SIZE
        if addr == end:
            break
    add_mm_rss_vec(dst_mm, rss)
    return 0


def copy_page_range(dst_mm, src_mm, vma):
    """mm/memory.c: copy_page_range() — copy a VMA's ptes to the child. VMAs without an
    anon_vma are skipped: their faults will fill the child's ptes.

    :return: 0 or -ENOMEM
    """
    addr = vma.vm_start
    end = vma.vm_end
    if not (vma.vm_flags & (VM_HUGETLB | VM_PFNMAP | VM_MIXEDMAP)) and vma.anon_vma is None:
        return 0
    # mmu notifiers: none.
    ret = 0
    while True:
        nxt = pgd_addr_end(addr, end)
        src_pmd = pmd_offset(pud_offset(pgd_offset(src_mm, addr), addr), addr)
        if not pmd_none(pmdp_get(src_pmd)):  # pgd_none_or_clear_bad()
            dst_pmd = pmd_offset(pud_offset(pgd_offset(dst_mm, addr), addr), addr)
            if copy_pte_range(dst_mm, src_mm, dst_pmd, src_pmd, vma, addr, nxt):
                ret = -ENOMEM
                break
        addr = nxt
        if addr == end:
            break
    return ret


# --- unmapping ----------------------------------------------------------------------------

def zap_pte_range(tlb, vma, pmd, addr, end, details):
    """mm/memory.c: zap_pte_range() — clear the ptes of [addr, end) in one pte page; the
    pages lose a mapping and are released through the gather (a dirty pte dirties a file
    page, a young one marks it accessed)."""
    from cmaport.arch.arm.include.asm.tlb import (__tlb_remove_page, tlb_flush_mmu_free,
                                                  tlb_flush_mmu_tlbonly, tlb_remove_tlb_entry)
    from cmaport.mm.page_writeback import set_page_dirty
    from cmaport.mm.rmap import page_remove_rmap
    from cmaport.mm.swap import mark_page_accessed
    from cmaport.mm.util import page_rmapping

    mm = tlb.mm
    while True:  # again:
        force_flush = 0
        rss = [0] * NR_MM_COUNTERS
        pending_page = None
        while True:
            pte = pte_offset_map_lock(mm, pmd, addr)
            ptent = ptep_get(pte)
            if pte_none(ptent):
                pass
            elif pte_present(ptent):
                page = vm_normal_page(vma, addr, ptent)
                if details is not None and page is not None:
                    if details.check_mapping is not None and \
                            details.check_mapping is not page_rmapping(page):
                        addr += PAGE_SIZE
                        if addr == end:
                            break
                        continue
                ptent = ptep_get_and_clear_full(mm, addr, pte, tlb.fullmm)
                tlb_remove_tlb_entry(tlb, pte, addr)
                if page is not None:
                    if not PageAnon(page):
                        if pte_dirty(ptent):
                            force_flush = 1
                            set_page_dirty(page)
                        if pte_young(ptent) and not (vma.vm_flags & VM_SEQ_READ):
                            mark_page_accessed(page)
                    rss[mm_counter(page)] -= 1
                    page_remove_rmap(page, False)
                    if page_mapcount(page) < 0:
                        print_bad_pte(vma, addr, ptent, page)
                    if __tlb_remove_page(tlb, page):
                        force_flush = 1
                        pending_page = page
                        addr += PAGE_SIZE
                        break
            elif details is None or details.check_swap_entries:
                entry = pte_to_swp_entry(ptent)
                if not non_swap_entry(entry):
                    rss[MM_SWAPENTS] -= 1
                elif is_migration_entry(entry):
                    page = migration_entry_to_page(entry)
                    rss[mm_counter(page)] -= 1
                # free_swap_and_cache(): no swap device.
                pte_clear_not_present_full(mm, addr, pte, tlb.fullmm)
            addr += PAGE_SIZE
            if addr == end:
                break
        add_mm_rss_vec(mm, rss)
        # flush the TLB before the pages may be reused
        if force_flush:
            tlb_flush_mmu_tlbonly(tlb)
        pte_unmap_unlock(None)
        if force_flush:
            force_flush = 0
            tlb_flush_mmu_free(tlb)
            if pending_page is not None:
                __tlb_remove_page(tlb, pending_page)
                pending_page = None
            if addr != end:
                continue
        return addr


def unmap_page_range(tlb, vma, addr, end, details):
    """mm/memory.c: unmap_page_range() — zap the ptes of [addr, end) of one VMA."""
    from cmaport.arch.arm.include.asm.tlb import tlb_end_vma, tlb_start_vma

    BUG_ON(addr >= end, line=1291)
    tlb_start_vma(tlb, vma)
    mm = vma.vm_mm
    while True:
        nxt = pgd_addr_end(addr, end)
        pmd = pmd_offset(pud_offset(pgd_offset(mm, addr), addr), addr)
        if not pmd_none(pmdp_get(pmd)):  # pgd/pud/pmd_none_or_clear_bad()
            nxt = zap_pte_range(tlb, vma, pmd, addr, nxt, details)
        addr = nxt
        if addr == end:
            break
    tlb_end_vma(tlb, vma)


def unmap_single_vma(tlb, vma, start_addr, end_addr, details):
    """mm/memory.c: unmap_single_vma() — the part of [start, end) inside ``vma``."""
    start = max(vma.vm_start, start_addr)
    if start >= vma.vm_end:
        return
    end = min(vma.vm_end, end_addr)
    if end <= vma.vm_start:
        return
    # uprobe_munmap(), untrack_pfn(): none.
    if start != end:
        unmap_page_range(tlb, vma, start, end, details)


def unmap_vmas(tlb, vma, start_addr, end_addr):
    """mm/memory.c: unmap_vmas() — unmap [start, end) in every VMA of the list from ``vma``."""
    while vma is not None and vma.vm_start < end_addr:
        unmap_single_vma(tlb, vma, start_addr, end_addr, None)
        vma = vma.vm_next


def zap_page_range(vma, start, size, details):
    """mm/memory.c: zap_page_range() — remove the user pages of a range (MADV_DONTNEED)."""
    from cmaport.arch.arm.include.asm.tlb import mmu_gather, tlb_finish_mmu, tlb_gather_mmu
    from cmaport.include.linux.mm import update_hiwater_rss
    from cmaport.mm.swap import lru_add_drain

    mm = vma.vm_mm
    end = start + size
    tlb = mmu_gather()
    lru_add_drain()
    tlb_gather_mmu(tlb, mm, start, end)
    update_hiwater_rss(mm)
    while vma is not None and vma.vm_start < end:
        unmap_single_vma(tlb, vma, start, end, details)
        vma = vma.vm_next
    tlb_finish_mmu(tlb, start, end)


# --- faults ------------------------------------------------------------------------------

@attrs.define(slots=True, eq=False)
class fault_env:
    """include/linux/mm.h: struct fault_env — what one fault carries between the handlers.

    ``pmd``/``pte`` are table pointers (arch/arm/include/asm/pgtable.py).
    """

    vma: object = None
    address: int = 0
    flags: int = 0
    pmd: object = None
    pte: object = None
    ptl: object = None
    prealloc_pte: object = None


@attrs.define(slots=True, eq=False)
class vm_fault:
    """include/linux/mm.h: struct vm_fault — what ->fault and ->page_mkwrite are given."""

    flags: int = 0
    gfp_mask: int = 0
    pgoff: int = 0
    virtual_address: int = 0
    cow_page: object = None
    page: object = None
    entry: object = None


def __get_fault_gfp_mask(vma):
    """mm/memory.c: __get_fault_gfp_mask() — the mapping's mask, with FS and IO."""
    from cmaport.include.linux.gfp import GFP_KERNEL, __GFP_FS, __GFP_IO
    from cmaport.include.linux.pagemap import mapping_gfp_mask

    f = vma.vm_file
    if f is not None:
        return mapping_gfp_mask(f.f_mapping) | __GFP_FS | __GFP_IO
    return GFP_KERNEL


def do_anonymous_page(fe):
    """mm/memory.c: do_anonymous_page() — first touch of anonymous memory: a read maps the
    zero page read-only; a write gets a new zeroed page, mapped writable and dirty, on the
    active anon LRU (or mlocked on the unevictable list in a VM_LOCKED VMA)."""
    from cmaport.include.linux.highmem import alloc_zeroed_user_highpage_movable
    from cmaport.mm.rmap import anon_vma_prepare, page_add_new_anon_rmap
    from cmaport.mm.swap import lru_cache_add_active_or_unevictable

    vma = fe.vma
    # a file mapping without vm_ops?
    if vma.vm_flags & VM_SHARED:
        return VM_FAULT_SIGBUS
    # check_stack_guard_page(): stacks do not grow in the model.
    if pte_alloc(vma.vm_mm, fe.pmd, fe.address):
        return VM_FAULT_OOM
    # Use the zero page for reads (mm_forbids_zeropage() is false)
    if not (fe.flags & FAULT_FLAG_WRITE):
        zero = my_zero_pfn(fe.address)
        if zero is None:
            return VM_FAULT_OOM
        entry = pte_mkspecial(pfn_pte(zero, vma.vm_page_prot))
        fe.pte = pte_offset_map_lock(vma.vm_mm, fe.pmd, fe.address)
        if not pte_none(ptep_get(fe.pte)):
            pte_unmap_unlock(fe.pte)
            return 0
        # userfaultfd_missing(): no userfaultfd.
        set_pte_at(vma.vm_mm, fe.address, fe.pte, entry)
        update_mmu_cache(vma, fe.address, fe.pte)
        pte_unmap_unlock(fe.pte)
        return 0
    # Allocate our own private page.
    if anon_vma_prepare(vma):
        return VM_FAULT_OOM
    page = alloc_zeroed_user_highpage_movable(vma, fe.address)
    if page is None:
        return VM_FAULT_OOM
    # mem_cgroup_try_charge(): no memcg.
    # The stores that zeroed the page are visible before the pte (barrier in C).
    __SetPageUptodate(page)
    entry = mk_pte(page, vma.vm_page_prot)
    if vma.vm_flags & VM_WRITE:
        entry = pte_mkwrite(pte_mkdirty(entry))
    fe.pte = pte_offset_map_lock(vma.vm_mm, fe.pmd, fe.address)
    if not pte_none(ptep_get(fe.pte)):
        # release:
        put_page(page)
        pte_unmap_unlock(fe.pte)
        return 0
    inc_mm_counter_fast(vma.vm_mm, MM_ANONPAGES)
    page_add_new_anon_rmap(page, vma, fe.address, False)
    lru_cache_add_active_or_unevictable(page, vma)
    # setpte:
    set_pte_at(vma.vm_mm, fe.address, fe.pte, entry)
    update_mmu_cache(vma, fe.address, fe.pte)
    pte_unmap_unlock(fe.pte)
    return 0


def __do_fault(fe, pgoff, cow_page):
    """mm/memory.c: __do_fault() — ask ->fault for the page; return ``(ret, page)`` with the
    page locked."""
    from cmaport.include.linux.pagemap import lock_page

    vma = fe.vma
    vmf = vm_fault(flags=fe.flags, gfp_mask=__get_fault_gfp_mask(vma), pgoff=pgoff,
                   virtual_address=fe.address & PAGE_MASK, cow_page=cow_page)
    ret = vma.vm_ops.fault(vma, vmf)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        return ret, None
    # PageHWPoison(): no MEMORY_FAILURE.
    if not (ret & VM_FAULT_LOCKED):
        lock_page(vmf.page)
    else:
        VM_BUG_ON_PAGE(not PageLocked(vmf.page), vmf.page, "!PageLocked(vmf.page)", line=2882)
    return ret, vmf.page


def pte_alloc_one_map(fe):
    """mm/memory.c: pte_alloc_one_map() — make sure a pte page exists; point fe.pte at the
    entry."""
    vma = fe.vma
    if pmd_none(pmdp_get(fe.pmd)):
        if pte_alloc(vma.vm_mm, fe.pmd, fe.address):
            return VM_FAULT_OOM
    fe.pte = pte_offset_map_lock(vma.vm_mm, fe.pmd, fe.address)
    return 0


def alloc_set_pte(fe, memcg, page):
    """mm/memory.c: alloc_set_pte() — map ``page`` at the fault address: a new private copy
    as anonymous, else as a file page."""
    from cmaport.include.linux.mm_types import MM_ANONPAGES as _ANON
    from cmaport.mm.rmap import page_add_file_rmap, page_add_new_anon_rmap
    from cmaport.mm.swap import lru_cache_add_active_or_unevictable

    vma = fe.vma
    write = fe.flags & FAULT_FLAG_WRITE
    if fe.pte is None:
        ret = pte_alloc_one_map(fe)
        if ret:
            return ret
    # re-check under the ptl
    if not pte_none(ptep_get(fe.pte)):
        return VM_FAULT_NOPAGE
    flush_icache_page(vma, page)
    entry = mk_pte(page, vma.vm_page_prot)
    if write:
        entry = maybe_mkwrite(pte_mkdirty(entry), vma)
    # copy-on-write page
    if write and not (vma.vm_flags & VM_SHARED):
        inc_mm_counter_fast(vma.vm_mm, _ANON)
        page_add_new_anon_rmap(page, vma, fe.address, False)
        lru_cache_add_active_or_unevictable(page, vma)
    else:
        inc_mm_counter_fast(vma.vm_mm, mm_counter_file(page))
        page_add_file_rmap(page, False)
    set_pte_at(vma.vm_mm, fe.address, fe.pte, entry)
    update_mmu_cache(vma, fe.address, fe.pte)
    return 0


def do_read_fault(fe, pgoff):
    """mm/memory.c: do_read_fault() — map the page-cache page read-only (no fault-around:
    see mm/filemap.py)."""
    from cmaport.include.linux.pagemap import unlock_page

    ret, fault_page = __do_fault(fe, pgoff, None)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        return ret
    ret |= alloc_set_pte(fe, None, fault_page)
    unlock_page(fault_page)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        put_page(fault_page)
    return ret


def do_cow_fault(fe, pgoff):
    """mm/memory.c: do_cow_fault() — a write to a private file mapping: a new anonymous page
    holding a copy of the file page."""
    from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE, alloc_pages
    from cmaport.include.linux.highmem import copy_user_highpage
    from cmaport.include.linux.pagemap import unlock_page
    from cmaport.mm.rmap import anon_vma_prepare

    vma = fe.vma
    if anon_vma_prepare(vma):
        return VM_FAULT_OOM
    new_page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0)  # alloc_page_vma()
    if new_page is None:
        return VM_FAULT_OOM
    ret, fault_page = __do_fault(fe, pgoff, new_page)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        put_page(new_page)
        return ret
    copy_user_highpage(new_page, fault_page, fe.address, vma)
    __SetPageUptodate(new_page)
    ret |= alloc_set_pte(fe, None, new_page)
    unlock_page(fault_page)
    put_page(fault_page)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        put_page(new_page)
        return ret
    return ret


def do_page_mkwrite(vma, page, address):
    """mm/memory.c: do_page_mkwrite() — tell the filesystem a page becomes writable; the
    page comes back locked."""
    from cmaport.include.linux.pagemap import lock_page, page_index, unlock_page
    from cmaport.mm.util import page_rmapping

    vmf = vm_fault(flags=FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE,
                   pgoff=page_index(page), virtual_address=address & PAGE_MASK,
                   page=page)
    ret = vma.vm_ops.page_mkwrite(vma, vmf)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE):
        return ret
    if not (ret & VM_FAULT_LOCKED):
        lock_page(page)
        if page_rmapping(page) is None:
            unlock_page(page)
            return 0  # retry
        ret |= VM_FAULT_LOCKED
    else:
        VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=2071)
    return ret


def do_shared_fault(fe, pgoff):
    """mm/memory.c: do_shared_fault() — a write to a shared file mapping: the page-cache page
    itself, made writable and dirty."""
    from cmaport.include.linux.pagemap import unlock_page
    from cmaport.mm.page_writeback import set_page_dirty

    vma = fe.vma
    ret, fault_page = __do_fault(fe, pgoff, None)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        return ret
    # does the backing address space want to know the page becomes writable?
    if vma.vm_ops.page_mkwrite is not None:
        unlock_page(fault_page)
        tmp = do_page_mkwrite(vma, fault_page, fe.address)
        if not tmp or (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)):
            put_page(fault_page)
            return tmp
    ret |= alloc_set_pte(fe, None, fault_page)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):
        unlock_page(fault_page)
        put_page(fault_page)
        return ret
    set_page_dirty(fault_page)
    unlock_page(fault_page)
    # balance_dirty_pages_ratelimited(), file_update_time(): no throttling, no mtime.
    return ret


def do_fault(fe):
    """mm/memory.c: do_fault() — an empty pte of a file VMA: read, COW or shared fault."""
    vma = fe.vma
    pgoff = linear_page_index(vma, fe.address)
    if vma.vm_ops.fault is None:
        return VM_FAULT_SIGBUS
    if not (fe.flags & FAULT_FLAG_WRITE):
        return do_read_fault(fe, pgoff)
    if not (vma.vm_flags & VM_SHARED):
        return do_cow_fault(fe, pgoff)
    return do_shared_fault(fe, pgoff)


def cow_user_page(dst, src, va, vma):
    """mm/memory.c: cow_user_page() — copy the old page (never NULL here: the zero page is
    handled by the caller)."""
    from cmaport.include.linux.highmem import copy_user_highpage

    copy_user_highpage(dst, src, va, vma)


def wp_page_reuse(fe, orig_pte, page, page_mkwrite, dirty_shared):
    """mm/memory.c: wp_page_reuse() — the faulting VMA may write the page it maps already:
    make the pte young, dirty and writable."""
    from cmaport.include.linux.pagemap import lock_page, unlock_page
    from cmaport.mm.page_writeback import set_page_dirty

    vma = fe.vma
    flush_cache_page(vma, fe.address, pte_pfn(orig_pte))
    entry = pte_mkyoung(orig_pte)
    entry = maybe_mkwrite(pte_mkdirty(entry), vma)
    if ptep_set_access_flags(vma, fe.address, fe.pte, entry, 1):
        update_mmu_cache(vma, fe.address, fe.pte)
    pte_unmap_unlock(fe.pte)
    if dirty_shared:
        if not page_mkwrite:
            lock_page(page)
        set_page_dirty(page)
        VM_BUG_ON_PAGE(PageAnon(page), page, "PageAnon(page)", line=2106)
        unlock_page(page)
        put_page(page)
    return VM_FAULT_WRITE


def wp_page_copy(fe, orig_pte, old_page):
    """mm/memory.c: wp_page_copy() — copy-on-write: a new anonymous page (a copy of the old
    one, or zeroed for the zero page) replaces the pte."""
    from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE, alloc_pages
    from cmaport.include.linux.highmem import alloc_zeroed_user_highpage_movable
    from cmaport.include.linux.pagemap import lock_page, unlock_page
    from cmaport.mm.mlock import munlock_vma_page
    from cmaport.mm.rmap import anon_vma_prepare, page_add_new_anon_rmap, page_remove_rmap
    from cmaport.mm.swap import lru_cache_add_active_or_unevictable

    vma = fe.vma
    mm = vma.vm_mm
    page_copied = 0

    def oom():
        """mm/memory.c: wp_page_copy()'s ``oom:`` label — drop old_page, return VM_FAULT_OOM."""
        if old_page is not None:
            put_page(old_page)
        return VM_FAULT_OOM

    if anon_vma_prepare(vma):
        return oom()
    if is_zero_pfn(pte_pfn(orig_pte)):
        new_page = alloc_zeroed_user_highpage_movable(vma, fe.address)
        if new_page is None:
            return oom()
    else:
        new_page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0)  # alloc_page_vma()
        if new_page is None:
            return oom()
        cow_user_page(new_page, old_page, fe.address, vma)
    __SetPageUptodate(new_page)
    # Re-check the pte: we dropped the lock.
    fe.pte = pte_offset_map_lock(mm, fe.pmd, fe.address)
    if pte_same(ptep_get(fe.pte), orig_pte):
        if old_page is not None:
            if not PageAnon(old_page):
                dec_mm_counter_fast(mm, mm_counter_file(old_page))
                inc_mm_counter_fast(mm, MM_ANONPAGES)
        else:
            inc_mm_counter_fast(mm, MM_ANONPAGES)
        flush_cache_page(vma, fe.address, pte_pfn(orig_pte))
        entry = mk_pte(new_page, vma.vm_page_prot)
        entry = maybe_mkwrite(pte_mkdirty(entry), vma)
        # Clear the old pte and flush the TLB before the new one is set (never two
        # different pages visible at once).
        ptep_clear_flush(vma, fe.address, fe.pte)
        page_add_new_anon_rmap(new_page, vma, fe.address, False)
        lru_cache_add_active_or_unevictable(new_page, vma)
        set_pte_at(mm, fe.address, fe.pte, entry)
        update_mmu_cache(vma, fe.address, fe.pte)
        if old_page is not None:
            # Only now may the old page lose its mapcount (see the ordering note in C).
            page_remove_rmap(old_page, False)
        # free the old page below
        new_page = old_page
        page_copied = 1
    if new_page is not None:
        put_page(new_page)
    pte_unmap_unlock(fe.pte)
    if old_page is not None:
        # an mlocked page COWed away from a locked VMA is munlocked here
        if page_copied and (vma.vm_flags & VM_LOCKED):
            lock_page(old_page)
            if PageMlocked(old_page):
                munlock_vma_page(old_page)
            unlock_page(old_page)
        put_page(old_page)
    return VM_FAULT_WRITE if page_copied else 0


def wp_page_shared(fe, orig_pte, old_page):
    """mm/memory.c: wp_page_shared() — a write to a read-only shared page (write-notify):
    page_mkwrite, then reuse it dirty."""
    vma = fe.vma
    page_mkwrite = 0
    get_page(old_page)
    if vma.vm_ops is not None and vma.vm_ops.page_mkwrite is not None:
        from cmaport.include.linux.pagemap import unlock_page

        pte_unmap_unlock(fe.pte)
        tmp = do_page_mkwrite(vma, old_page, fe.address)
        if not tmp or (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)):
            put_page(old_page)
            return tmp
        fe.pte = pte_offset_map_lock(vma.vm_mm, fe.pmd, fe.address)
        if not pte_same(ptep_get(fe.pte), orig_pte):
            unlock_page(old_page)
            pte_unmap_unlock(fe.pte)
            put_page(old_page)
            return 0
        page_mkwrite = 1
    return wp_page_reuse(fe, orig_pte, old_page, page_mkwrite, 1)


def reuse_swap_page(page):
    """mm/swapfile.c: reuse_swap_page() — may a COW fault write the page in place? Yes when
    this is its only mapping (no swap cache in the model). Returns ``(reuse,
    total_mapcount)``."""
    BUG_ON(not PageLocked(page), line=0)
    if PageKsm(page):
        return False, 0
    count = page_mapcount(page)  # page_trans_huge_mapcount(): no THP
    return count <= 1, count


def do_wp_page(fe, orig_pte):
    """mm/memory.c: do_wp_page() — a write to a present, read-only pte: reuse the page when
    it is only ours (or shared-writable), copy it otherwise."""
    from cmaport.include.linux.pagemap import lock_page, trylock_page, unlock_page
    from cmaport.mm.rmap import page_move_anon_rmap

    vma = fe.vma
    old_page = vm_normal_page(vma, fe.address, orig_pte)
    if old_page is None:
        # the zero page or a raw pfn: a shared writable VM_PFNMAP reuses, the rest copies
        if (vma.vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED):
            return wp_page_reuse(fe, orig_pte, None, 0, 0)  # wp_pfn_shared()
        pte_unmap_unlock(fe.pte)
        return wp_page_copy(fe, orig_pte, old_page)
    # Take out anonymous pages first: their mapping is not the file's.
    if PageAnon(old_page) and not PageKsm(old_page):
        if not trylock_page(old_page):
            get_page(old_page)
            pte_unmap_unlock(fe.pte)
            lock_page(old_page)
            fe.pte = pte_offset_map_lock(vma.vm_mm, fe.pmd, fe.address)
            if not pte_same(ptep_get(fe.pte), orig_pte):
                unlock_page(old_page)
                pte_unmap_unlock(fe.pte)
                put_page(old_page)
                return 0
            put_page(old_page)
        reuse, total_mapcount = reuse_swap_page(old_page)
        if reuse:
            if total_mapcount == 1:
                # the page is exclusively ours: move it to our own anon_vma
                page_move_anon_rmap(old_page, vma)
            unlock_page(old_page)
            return wp_page_reuse(fe, orig_pte, old_page, 0, 0)
        unlock_page(old_page)
    elif (vma.vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED):
        return wp_page_shared(fe, orig_pte, old_page)
    # Ok, we need to copy. Oh, well..
    get_page(old_page)
    pte_unmap_unlock(fe.pte)
    return wp_page_copy(fe, orig_pte, old_page)


def do_swap_page(fe, orig_pte):
    """mm/memory.c: do_swap_page() — a not-present pte that is not empty. In the model it can
    only hold a migration entry: wait for the migration (the fault is then retried).

    (pte_unmap_same(): the pte is re-read under the lock; one CPU, it cannot differ.)
    """
    from cmaport.mm.migrate import migration_entry_wait

    vma = fe.vma
    entry = pte_to_swp_entry(orig_pte)
    if non_swap_entry(entry):
        if is_migration_entry(entry):
            migration_entry_wait(vma.vm_mm, fe.pmd, fe.address)
            return 0
        print_bad_pte(vma, fe.address, orig_pte, None)
        return VM_FAULT_SIGBUS
    # Model: no swap device — a swap entry cannot exist.
    print_bad_pte(vma, fe.address, orig_pte, None)
    return VM_FAULT_SIGBUS


def handle_pte_fault(fe):
    """mm/memory.c: handle_pte_fault() — dispatch on the pte: none (a first touch), not
    present (a migration entry), write-protected (COW), or just not young / not dirty (the
    access and dirty bits ARMv7 does not set in hardware)."""
    if pmd_none(pmdp_get(fe.pmd)):
        # leave the pte page to be allocated later
        fe.pte = None
        entry = 0
    else:
        fe.pte = pte_offset_map(fe.pmd, fe.address)
        entry = ptep_get(fe.pte)
        if pte_none(entry):
            pte_unmap(fe.pte)
            fe.pte = None
    if fe.pte is None:
        if vma_is_anonymous(fe.vma):
            return do_anonymous_page(fe)
        return do_fault(fe)
    if not pte_present(entry):
        return do_swap_page(fe, entry)
    # pte_protnone(): no NUMA balancing.
    if not pte_same(ptep_get(fe.pte), entry):
        pte_unmap_unlock(fe.pte)
        return 0
    if fe.flags & FAULT_FLAG_WRITE:
        if not pte_write(entry):
            return do_wp_page(fe, entry)
        entry = pte_mkdirty(entry)
    entry = pte_mkyoung(entry)
    if ptep_set_access_flags(fe.vma, fe.address, fe.pte, entry, fe.flags & FAULT_FLAG_WRITE):
        update_mmu_cache(fe.vma, fe.address, fe.pte)
    else:
        # only protection faults need this; the arch cannot tell them apart yet
        if fe.flags & FAULT_FLAG_WRITE:
            flush_tlb_fix_spurious_fault(fe.vma, fe.address)
    pte_unmap_unlock(fe.pte)
    return 0


def __handle_mm_fault(vma, address, flags):
    """mm/memory.c: __handle_mm_fault() — find the pmd (pud/pmd folded), then
    handle_pte_fault (no THP)."""
    fe = fault_env(vma=vma, address=address, flags=flags)
    mm = vma.vm_mm
    pgd = pgd_offset(mm, address)
    pud = pud_offset(pgd, address)  # pud_alloc(): folded
    fe.pmd = pmd_offset(pud, address)  # pmd_alloc(): folded
    return handle_pte_fault(fe)


def handle_mm_fault(vma, address, flags):
    """mm/memory.c: handle_mm_fault() — count the fault and handle it.

    :return: VM_FAULT_* bits
    """
    count_vm_event(PGFAULT)
    # mem_cgroup_count_vm_event(), check_sync_rss_stat(), memcg OOM: no memcg.
    # arch_vma_access_permitted(): always true on ARM.
    # is_vm_hugetlb_page(): no hugetlb.
    return __handle_mm_fault(vma, address, flags)


# --- device mappings (the DMA mmap path) ----------------------------------------------------

def remap_pfn_range(vma, addr, pfn, size, prot):
    """mm/memory.c: remap_pfn_range() — map physical pages into a user mapping.

    A copy-on-write mapping must be remapped whole (its ``vm_pgoff`` becomes the pfn); the
    mapping is marked VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP.

    :return: 0 or ``-EINVAL``
    """
    from cmaport.include.linux.errno import EINVAL

    end = addr + ((size + 0xFFF) & ~0xFFF)

    # the unCOWed pages of a private mapping are found through vm_pgoff
    if is_cow_mapping(vma.vm_flags):
        if addr != vma.vm_start or end != vma.vm_end:
            return -EINVAL
        vma.vm_pgoff = pfn

    # (track_pfn_remap: no PAT on ARM)

    vma.vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP

    BUG_ON(addr >= end, line=1800)
    # Model: the device VMAs of the DMA code have no mm, so no page tables: the range is
    # recorded on the VMA.
    vma.remapped.append((addr, pfn, end - addr, prot))
    return 0

