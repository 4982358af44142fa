# SPDX-License-Identifier: GPL-2.0-only
"""mm/gup.c: get_user_pages — look up (faulting in as needed) the pages behind user
addresses, and pin them.

A page returned with FOLL_GET (``get_user_pages`` always passes it when it is given a
``pages`` list) holds an extra reference until the caller's ``put_page``: migration then
finds more references than mappings and gives up on it (mm/migrate.py). ``__mm_populate``
faults a range in (and, through FOLL_MLOCK, mlocks its pages) for mmap(MAP_POPULATE /
MAP_LOCKED) and mlock(2).

Model: ``pages``/``vmas`` are Python lists that receive the results (C fills arrays).
No huge pages, no gate area, no fast (lockless) variant of its own: ``get_user_pages_fast``
takes the slow path. A fault never returns VM_FAULT_RETRY in the model (nothing waits),
so ``*locked`` is never dropped.
"""

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import (pgd_offset, pmd_bad, pmd_none, pmd_offset,
                                                  pmdp_get, pte_dirty, pte_mkdirty,
                                                  pte_mkyoung, pte_none, pte_offset_map_lock,
                                                  pte_page, pte_pfn, pte_present, pte_same,
                                                  pte_unmap_unlock, pte_write, ptep_get,
                                                  pud_offset, set_pte_at)
from cmaport.arch.arm.include.asm.tlbflush import (flush_anon_page, flush_dcache_page,
                                                   update_mmu_cache)
from cmaport.include.linux.errno import (EBUSY, EEXIST, EFAULT, EHWPOISON, ENOENT, ENOMEM,
                                         ERR_PTR, IS_ERR, PTR_ERR)
from cmaport.include.linux.mm import (FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_REMOTE,
                                      FAULT_FLAG_RETRY_NOWAIT, FAULT_FLAG_TRIED,
                                      FAULT_FLAG_WRITE, FOLL_COW, FOLL_DUMP, FOLL_FORCE,
                                      FOLL_GET, FOLL_HWPOISON, FOLL_MIGRATION, FOLL_MLOCK,
                                      FOLL_NOWAIT, FOLL_NUMA, FOLL_POPULATE, FOLL_REMOTE,
                                      FOLL_TOUCH, FOLL_TRIED, FOLL_WRITE, VM_BUG_ON,
                                      VM_FAULT_ERROR, VM_FAULT_HWPOISON,
                                      VM_FAULT_HWPOISON_LARGE, VM_FAULT_MAJOR, VM_FAULT_OOM,
                                      VM_FAULT_RETRY, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV,
                                      VM_FAULT_WRITE, VM_IO, VM_LOCKED, VM_LOCKONFAULT,
                                      VM_MAYREAD, VM_PFNMAP, VM_READ, VM_SHARED, VM_WRITE,
                                      VM_EXEC, get_page, is_cow_mapping)
from cmaport.include.linux.page_flags import PageDirty, PageTransCompound
from cmaport.include.linux.swapops import is_migration_entry, pte_to_swp_entry
from cmaport.kernel.panic import BUG


def no_page_table(vma, flags):
    """mm/gup.c: no_page_table() — nothing mapped: NULL (fault it in), or -EFAULT for a dump
    of untouched anonymous memory."""
    if (flags & FOLL_DUMP) and (vma.vm_ops is None or vma.vm_ops.fault is None):
        return ERR_PTR(-EFAULT)
    return None


def follow_pfn_pte(vma, address, pte, flags):
    """mm/gup.c: follow_pfn_pte() — a pte with no struct page behind it."""
    if flags & FOLL_GET:
        return -EFAULT
    if flags & FOLL_TOUCH:
        entry = ptep_get(pte)
        if flags & FOLL_WRITE:
            entry = pte_mkdirty(entry)
        entry = pte_mkyoung(entry)
        if not pte_same(ptep_get(pte), entry):
            set_pte_at(vma.vm_mm, address, pte, entry)
            update_mmu_cache(vma, address, pte)
    return -EEXIST


def can_follow_write_pte(pte, flags):
    """mm/gup.c: can_follow_write_pte() — writable, or a forced write to our own COW copy."""
    return pte_write(pte) or ((flags & FOLL_FORCE) and (flags & FOLL_COW) and pte_dirty(pte))


def follow_page_pte(vma, address, pmd, flags):
    """mm/gup.c: follow_page_pte() — the page a present pte maps (with a reference for
    FOLL_GET, accessed for FOLL_TOUCH, mlocked for FOLL_MLOCK in a locked VMA)."""
    from cmaport.include.linux.mm_types import struct_page_arrays
    from cmaport.include.linux.pagemap import trylock_page, unlock_page
    from cmaport.mm.memory import is_zero_pfn, vm_normal_page
    from cmaport.mm.migrate import migration_entry_wait
    from cmaport.mm.mlock import mlock_vma_page
    from cmaport.mm.page_writeback import set_page_dirty
    from cmaport.mm.swap import mark_page_accessed

    mm = vma.vm_mm
    while True:  # retry:
        if pmd_bad(pmdp_get(pmd)):
            return no_page_table(vma, flags)
        ptep = pte_offset_map_lock(mm, pmd, address)
        pte = ptep_get(ptep)
        if not pte_present(pte):
            if not (flags & FOLL_MIGRATION) or pte_none(pte):
                break  # no_page
            entry = pte_to_swp_entry(pte)
            if not is_migration_entry(entry):
                break
            pte_unmap_unlock(ptep)
            migration_entry_wait(mm, pmd, address)
            continue
        # FOLL_NUMA && pte_protnone(): no NUMA balancing.
        if (flags & FOLL_WRITE) and not can_follow_write_pte(pte, flags):
            pte_unmap_unlock(ptep)
            return None
        page = vm_normal_page(vma, address, pte)
        if page is None:
            if flags & FOLL_DUMP:
                return ERR_PTR(-EFAULT)
            if is_zero_pfn(pte_pfn(pte)):
                page = pte_page(pte)
            else:
                ret = follow_pfn_pte(vma, address, ptep, flags)
                return ERR_PTR(ret)
        # FOLL_SPLIT: no THP.
        if flags & FOLL_GET:
            get_page(page)
        if flags & FOLL_TOUCH:
            if (flags & FOLL_WRITE) and not pte_dirty(pte) and not PageDirty(page):  # noqa: F821
                set_page_dirty(page)
            # mark_page_accessed() may itself be called with a page table lock held
            mark_page_accessed(page)
        if (flags & FOLL_MLOCK) and (vma.vm_flags & VM_LOCKED):
            # PTE-mapped THP are never mlocked (PageTransCompound: never here)
            if not PageTransCompound(page):
                # The page may be under migration or truncation: mlock it only if it is
                # still attached and we get its lock without waiting.
                if struct_page_arrays.get().mapping.get(page) is not None and trylock_page(page):
                    mlock_vma_page(page)
                    unlock_page(page)
        pte_unmap_unlock(ptep)
        return page
    # no_page:
    pte_unmap_unlock(ptep)
    if not pte_none(pte):
        return None
    return no_page_table(vma, flags)


def follow_page_mask(vma, address, flags, page_mask):
    """mm/gup.c: follow_page_mask() — the page mapped at ``address``, walking pgd/pud/pmd
    (``page_mask`` is a one-element list; 0 for a small page)."""
    page_mask[0] = 0
    mm = vma.vm_mm
    pgd = pgd_offset(mm, address)
    pud = pud_offset(pgd, address)
    pmd = pmd_offset(pud, address)
    if pmd_none(pmdp_get(pmd)):  # pgd_none / pud_none fold into this
        return no_page_table(vma, flags)
    # huge pud/pmd, devmap, THP: none.
    return follow_page_pte(vma, address, pmd, flags)


def follow_page(vma, address, foll_flags):
    """include/linux/mm.h: follow_page()."""
    return follow_page_mask(vma, address, foll_flags, [0])


def faultin_page(tsk, vma, address, flags, nonblocking):
    """mm/gup.c: faultin_page() — fault the page in for get_user_pages (``flags`` is a
    one-element list: FOLL_COW may be added).

    :return: 0, -EFAULT, -ENOMEM, -EBUSY (retry dropped mmap_sem) or -ENOENT (skip it)
    """
    fault_flags = 0
    # mlock on a range not yet populated: nothing to do
    if (flags[0] & (FOLL_POPULATE | FOLL_MLOCK)) == FOLL_MLOCK:
        return -ENOENT
    # FOLL_POPULATE over a stack guard page: no growing stacks in the model.
    if flags[0] & FOLL_WRITE:
        fault_flags |= FAULT_FLAG_WRITE
    if flags[0] & FOLL_REMOTE:
        fault_flags |= FAULT_FLAG_REMOTE
    if nonblocking is not None:
        fault_flags |= FAULT_FLAG_ALLOW_RETRY
    if flags[0] & FOLL_NOWAIT:
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT
    if flags[0] & FOLL_TRIED:
        fault_flags |= FAULT_FLAG_TRIED
    from cmaport.mm.memory import handle_mm_fault

    ret = handle_mm_fault(vma, address, fault_flags)
    if ret & VM_FAULT_ERROR:
        if ret & VM_FAULT_OOM:
            return -ENOMEM
        if ret & (VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE):
            return -EHWPOISON if flags[0] & FOLL_HWPOISON else -EFAULT
        if ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV):
            return -EFAULT
        BUG(line=405)
    if tsk is not None:
        if ret & VM_FAULT_MAJOR:
            tsk.maj_flt += 1
        else:
            tsk.min_flt += 1
    if ret & VM_FAULT_RETRY:
        if nonblocking is not None:
            nonblocking[0] = 0
        return -EBUSY
    # A COW of a page we may not write made our private copy: FOLL_COW lets the retry
    # follow it even though it is not writable (FOLL_FORCE on a read-only mapping).
    if (ret & VM_FAULT_WRITE) and not (vma.vm_flags & VM_WRITE):
        flags[0] |= FOLL_COW
    return 0


def check_vma_flags(vma, gup_flags):
    """mm/gup.c: check_vma_flags() — may get_user_pages touch this VMA the way it wants?"""
    vm_flags = vma.vm_flags
    write = gup_flags & FOLL_WRITE
    if vm_flags & (VM_IO | VM_PFNMAP):
        return -EFAULT
    if write:
        if not (vm_flags & VM_WRITE):
            if not (gup_flags & FOLL_FORCE):
                return -EFAULT
            if not is_cow_mapping(vm_flags):
                return -EFAULT
    elif not (vm_flags & VM_READ):
        if not (gup_flags & FOLL_FORCE):
            return -EFAULT
        if not (vm_flags & VM_MAYREAD):
            return -EFAULT
    # arch_vma_access_permitted(): always on ARM.
    return 0


def __get_user_pages(tsk, mm, start, nr_pages, gup_flags, pages, vmas, nonblocking):
    """mm/gup.c: __get_user_pages() — walk ``nr_pages`` pages from ``start``, faulting in
    what is missing; ``pages``/``vmas`` receive the results.

    :return: how many pages were done, or a negative errno if none
    """
    from cmaport.mm.mmap import find_extend_vma

    i = 0
    vma = None
    if not nr_pages:
        return 0
    VM_BUG_ON((pages is not None) != bool(gup_flags & FOLL_GET),
              "!!pages != !!(gup_flags & FOLL_GET)", line=542)
    # FOLL_FORCE can write to even unwritable ptes in COW VMAs: make the NUMA hinting
    # faults of other flags visible
    if not (gup_flags & FOLL_FORCE):
        gup_flags |= FOLL_NUMA
    while True:
        foll_flags = [gup_flags]
        if vma is None or start >= vma.vm_end:
            vma = find_extend_vma(mm, start)
            # in_gate_area(): ARM's vectors page is not modelled.
            if vma is None or check_vma_flags(vma, gup_flags):
                return i if i else -EFAULT
        skip = False
        while True:  # retry:
            # fatal_signal_pending(): no signals.
            page = follow_page_mask(vma, start, foll_flags[0], [0])
            if page is None:
                ret = faultin_page(tsk, vma, start, foll_flags, nonblocking)
                if ret == 0:
                    continue
                if ret in (-EFAULT, -ENOMEM, -EHWPOISON):
                    return i if i else ret
                if ret == -EBUSY:
                    return i
                if ret == -ENOENT:
                    skip = True
                    break
                BUG(line=604)
            elif IS_ERR(page) and PTR_ERR(page) == -EEXIST:
                # a proper pte exists but no struct page behind it: skip
                skip = True
                break
            elif IS_ERR(page):
                return i if i else PTR_ERR(page)
            break
        if not skip and pages is not None:
            pages.append(page)  # pages[i] = page
            flush_anon_page(vma, page, start)
            flush_dcache_page(page)
        # next_page:
        if vmas is not None:
            vmas.append(vma)
        i += 1
        start += PAGE_SIZE
        nr_pages -= 1
        if not nr_pages:
            break
    return i


def __get_user_pages_locked(tsk, mm, start, nr_pages, pages, vmas, locked, notify_drop,
                            flags):
    """mm/gup.c: __get_user_pages_locked() — FOLL_GET when pages are wanted; with
    ``locked`` NULL, one call of __get_user_pages."""
    if pages is not None:
        flags |= FOLL_GET
    ret = __get_user_pages(tsk, mm, start, nr_pages, flags, pages, vmas, locked)
    # VM_FAULT_RETRY never happens in the model (see the module note).
    return ret


def get_user_pages_remote(tsk, mm, start, nr_pages, gup_flags, pages, vmas):
    """mm/gup.c: get_user_pages_remote() — pin the pages of another task's mm."""
    return __get_user_pages_locked(tsk, mm, start, nr_pages, pages, vmas, None, False,
                                   gup_flags | FOLL_TOUCH | FOLL_REMOTE)


def get_user_pages(start, nr_pages, gup_flags, pages, vmas):
    """mm/gup.c: get_user_pages() — pin pages of the current task (each returned page must
    be released with put_page)."""
    from cmaport.include.linux.sched import current

    cur = current()
    return __get_user_pages_locked(cur, cur.mm, start, nr_pages, pages, vmas, None, False,
                                   gup_flags | FOLL_TOUCH)


def get_user_pages_fast(start, nr_pages, write, pages):
    """mm/gup.c: get_user_pages_fast() — Model: the lockless walk is not modelled; this is
    its slow path (get_user_pages_unlocked)."""
    return get_user_pages(start & PAGE_MASK, nr_pages, FOLL_WRITE if write else 0, pages, None)


def populate_vma_page_range(vma, start, end, nonblocking):
    """mm/gup.c: populate_vma_page_range() — fault in [start, end) of one VMA (mlocking
    the pages if the VMA is locked).

    :return: pages done, or a negative errno
    """
    from cmaport.include.linux.sched import current

    mm = vma.vm_mm
    nr_pages = (end - start) // PAGE_SIZE
    VM_BUG_ON(start & ~PAGE_MASK, "start & ~PAGE_MASK", line=1015)
    VM_BUG_ON(end & ~PAGE_MASK, "end & ~PAGE_MASK", line=1016)
    gup_flags = FOLL_TOUCH | FOLL_POPULATE | FOLL_MLOCK
    if vma.vm_flags & VM_LOCKONFAULT:
        gup_flags &= ~FOLL_POPULATE
    # a private writable mapping is populated for writing: its COW happens now, not later
    if (vma.vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE:
        gup_flags |= FOLL_WRITE
    # an inaccessible VMA (PROT_NONE) is not populated
    if vma.vm_flags & (VM_READ | VM_WRITE | VM_EXEC):
        gup_flags |= FOLL_FORCE
    return __get_user_pages(current(), mm, start, nr_pages, gup_flags, None, None, nonblocking)


def __mm_populate(start, len_, ignore_errors):
    """mm/gup.c: __mm_populate() — populate every VMA of [start, start+len).

    :return: 0 or a negative errno
    """
    from cmaport.include.linux.sched import current
    from cmaport.mm.mmap import find_vma

    mm = current().mm
    VM_BUG_ON(start & ~PAGE_MASK, "start & ~PAGE_MASK", line=1062)
    end = start + len_
    locked = [0]
    vma = None
    ret = 0
    nstart = start
    while nstart < end:
        if not locked[0]:
            locked[0] = 1
            vma = find_vma(mm, nstart)
        elif nstart >= vma.vm_end:
            vma = vma.vm_next
        if vma is None or vma.vm_start >= end:
            break
        # set [nstart, nend) to the intersection of the VMA and the range
        nend = min(end, vma.vm_end)
        if vma.vm_flags & (VM_IO | VM_PFNMAP):
            nstart = nend
            continue
        if nstart < vma.vm_start:
            nstart = vma.vm_start
        ret = populate_vma_page_range(vma, nstart, nend, locked)
        if ret < 0:
            if ignore_errors:
                ret = 0
                nstart = nend
                continue
            break
        nend = nstart + ret * PAGE_SIZE
        ret = 0
        nstart = nend
    return ret


def mm_populate(addr, len_):
    """include/linux/mm.h: mm_populate() — __mm_populate ignoring errors."""
    __mm_populate(addr, len_, 1)
