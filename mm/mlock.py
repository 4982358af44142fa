# SPDX-License-Identifier: GPL-2.0-only
"""mm/mlock.c: mlock(2) and munlock(2), and the PG_mlocked bookkeeping of the
unevictable LRU list.

An mlocked page has PG_mlocked, is counted in NR_MLOCK and sits on the unevictable list
(PG_unevictable). ``mlock_vma_page`` marks a page; ``munlock_vma_page`` and
``clear_page_mlock`` (the last unmap) undo it, moving the page back to an evictable list
when no other locked VMA maps it.

Model: the task is root (CAP_IPC_LOCK: RLIMIT_MEMLOCK does not limit it); no mmap_sem.
``munlock_vma_pages_range`` munlocks page by page instead of in pagevec batches
(``__munlock_pagevec``); each page ends as the batch would leave it.
"""

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.errno import EINVAL, ENOMEM, EPERM
from cmaport.include.linux.mm import (FOLL_DUMP, FOLL_GET, VM_BUG_ON_PAGE, VM_LOCKED,
                                      VM_LOCKED_CLEAR_MASK, VM_SPECIAL, get_page,
                                      page_mapcount, page_pgdat, page_zone, put_page)
from cmaport.include.linux.page_flags import (ClearPageLRU, PageLRU,
                                              PageLocked, PageTail, PageUnevictable,
                                              TestClearPageMlocked, TestSetPageMlocked)
from cmaport.include.linux.mmzone import NR_MLOCK
from cmaport.include.linux.vmstat import (UNEVICTABLE_PGCLEARED, UNEVICTABLE_PGMLOCKED,
                                          UNEVICTABLE_PGMUNLOCKED, UNEVICTABLE_PGSTRANDED,
                                          __count_vm_event, __mod_zone_page_state,
                                          count_vm_event, mod_zone_page_state)
from cmaport.kernel.panic import BUG_ON


def can_do_mlock():
    """mm/mlock.c: can_do_mlock() — Model: the task has CAP_IPC_LOCK."""
    return True


def clear_page_mlock(page):
    """mm/mlock.c: clear_page_mlock() — the last mapping went: no longer mlocked; back to an
    evictable list if the page can be isolated now."""
    from cmaport.mm.vmscan import isolate_lru_page, putback_lru_page

    if not TestClearPageMlocked(page):  # noqa: F821 (generated accessor)
        return
    mod_zone_page_state(page_zone(page), NR_MLOCK, -1)
    count_vm_event(UNEVICTABLE_PGCLEARED)
    if not isolate_lru_page(page):
        putback_lru_page(page)
    else:
        # lost the race: someone else has it off the LRU
        if PageUnevictable(page):  # noqa: F821
            count_vm_event(UNEVICTABLE_PGSTRANDED)


def mlock_vma_page(page):
    """mm/mlock.c: mlock_vma_page() — mark a locked page mlocked; an LRU page moves to the
    unevictable list."""
    from cmaport.mm.vmscan import isolate_lru_page, putback_lru_page

    BUG_ON(not PageLocked(page), line=83)  # noqa: F821
    VM_BUG_ON_PAGE(PageTail(page), page, "PageTail(page)", line=85)
    if not TestSetPageMlocked(page):  # noqa: F821
        mod_zone_page_state(page_zone(page), NR_MLOCK, 1)
        count_vm_event(UNEVICTABLE_PGMLOCKED)
        if not isolate_lru_page(page):
            putback_lru_page(page)


def __munlock_isolate_lru_page(page, getpage):
    """mm/mlock.c: __munlock_isolate_lru_page() — off the LRU (under the lru_lock)."""
    from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_lru
    from cmaport.mm.swap import mem_cgroup_page_lruvec

    if PageLRU(page):  # noqa: F821
        lruvec = mem_cgroup_page_lruvec(page, page_pgdat(page))
        if getpage:
            get_page(page)
        ClearPageLRU(page)  # noqa: F821
        del_page_from_lru_list(page, lruvec, page_lru(page))
        return True
    return False


def __munlock_isolated_page(page):
    """mm/mlock.c: __munlock_isolated_page() — another locked VMA may still map the page
    (try_to_munlock); then put it back where it belongs."""
    from cmaport.include.linux.rmap import SWAP_AGAIN, SWAP_MLOCK
    from cmaport.mm.rmap import try_to_munlock
    from cmaport.mm.vmscan import putback_lru_page

    ret = SWAP_AGAIN
    # mapped once: that is our own mapping, nobody else to ask
    if page_mapcount(page) > 1:
        ret = try_to_munlock(page)
    if ret != SWAP_MLOCK:
        count_vm_event(UNEVICTABLE_PGMUNLOCKED)
    putback_lru_page(page)


def __munlock_isolation_failed(page):
    """mm/mlock.c: __munlock_isolation_failed() — count a page someone else has off the LRU."""
    if PageUnevictable(page):  # noqa: F821
        __count_vm_event(UNEVICTABLE_PGSTRANDED)
    else:
        __count_vm_event(UNEVICTABLE_PGMUNLOCKED)


def munlock_vma_page(page):
    """mm/mlock.c: munlock_vma_page() — clear PG_mlocked of a locked page and move it back
    to an evictable list unless another locked VMA maps it.

    :return: the page mask (0 for a small page)
    """
    zone = page_zone(page)
    BUG_ON(not PageLocked(page), line=182)  # noqa: F821
    VM_BUG_ON_PAGE(PageTail(page), page, "PageTail(page)", line=184)
    # Model: zone_lru_lock(zone) — one CPU.
    if not TestClearPageMlocked(page):  # noqa: F821
        return 0
    nr_pages = 1  # hpage_nr_pages()
    __mod_zone_page_state(zone, NR_MLOCK, -nr_pages)
    if __munlock_isolate_lru_page(page, True):
        __munlock_isolated_page(page)
        return nr_pages - 1
    __munlock_isolation_failed(page)
    return nr_pages - 1


def munlock_vma_pages_range(vma, start, end):
    """mm/mlock.c: munlock_vma_pages_range() — clear VM_LOCKED and munlock every page the
    range maps (Model: page by page, see the module note)."""
    from cmaport.include.linux.errno import IS_ERR
    from cmaport.include.linux.pagemap import lock_page, unlock_page
    from cmaport.mm.gup import follow_page_mask

    vma.vm_flags &= VM_LOCKED_CLEAR_MASK
    while start < end:
        page_mask = [0]
        # FOLL_DUMP: the zero page (and anything abnormal) comes back as an error
        page = follow_page_mask(vma, start, FOLL_GET | FOLL_DUMP, page_mask)
        if page is not None and not IS_ERR(page):
            lock_page(page)
            munlock_vma_page(page)
            unlock_page(page)
            put_page(page)  # the follow_page_mask() reference
        start += PAGE_SIZE
        # cond_resched()


def munlock_vma_pages_all(vma):
    """mm/internal.h: munlock_vma_pages_all()."""
    munlock_vma_pages_range(vma, vma.vm_start, vma.vm_end)


def mlock_fixup(vma, prev, start, end, newflags):
    """mm/mlock.c: mlock_fixup() — give [start, end) of ``vma`` the new VM_LOCKED state,
    splitting the VMA where needed (Model: no vma_merge — VMAs are never merged back).

    :return: ``(ret, prev)`` — C's ``*prev`` is returned
    """
    from cmaport.mm.mmap import split_vma

    mm = vma.vm_mm
    ret = 0
    lock = bool(newflags & VM_LOCKED)
    old_flags = vma.vm_flags
    if newflags == vma.vm_flags or (vma.vm_flags & VM_SPECIAL):
        # don't set VM_LOCKED or VM_LOCKONFAULT and don't count (no hugetlb, no gate vma)
        return ret, vma
    # vma_merge(): Model — not done (see above).
    if start != vma.vm_start:
        ret = split_vma(mm, vma, start, 1)
        if ret:
            return ret, vma
    if end != vma.vm_end:
        ret = split_vma(mm, vma, end, 0)
        if ret:
            return ret, vma
    # success: keep count of locked memory
    nr_pages = (end - start) >> PAGE_SHIFT
    if not lock:
        nr_pages = -nr_pages
    elif old_flags & VM_LOCKED:
        nr_pages = 0
    mm.locked_vm += nr_pages
    if lock:
        vma.vm_flags = newflags
    else:
        munlock_vma_pages_range(vma, start, end)
    return ret, vma


def apply_vma_lock_flags(start, len_, flags):
    """mm/mlock.c: apply_vma_lock_flags() — mlock_fixup over every VMA of [start, start+len).

    :return: 0, -EINVAL or -ENOMEM (a hole in the range)
    """
    from cmaport.include.linux.mm import VM_BUG_ON
    from cmaport.include.linux.sched import current
    from cmaport.mm.mmap import find_vma

    VM_BUG_ON(start & ~PAGE_MASK, "offset_in_page(start)", line=584)
    end = start + len_
    if end < start:
        return -EINVAL
    if end == start:
        return 0
    vma = find_vma(current().mm, start)
    if vma is None or vma.vm_start > start:
        return -ENOMEM
    prev = vma.vm_prev
    if start > vma.vm_start:
        prev = vma
    nstart = start
    error = 0
    while True:
        newflags = vma.vm_flags & VM_LOCKED_CLEAR_MASK
        newflags |= flags
        tmp = vma.vm_end
        if tmp > end:
            tmp = end
        error, prev = mlock_fixup(vma, prev, nstart, tmp, newflags)
        if error:
            break
        nstart = tmp
        if nstart < prev.vm_end:
            nstart = prev.vm_end
        if nstart >= end:
            break
        vma = prev.vm_next
        if vma is None or vma.vm_start != nstart:
            error = -ENOMEM
            break
    return error


def __mlock_posix_error_return(retval):
    """mm/mlock.c: __mlock_posix_error_return() — gup errors as mlock(2) reports them."""
    from cmaport.include.linux.errno import EAGAIN, EFAULT

    if retval == -EFAULT:
        retval = -ENOMEM
    elif retval == -ENOMEM:
        retval = -EAGAIN
    return retval


def do_mlock(start, len_, flags):
    """mm/mlock.c: do_mlock() — drain the pagevecs, set VM_LOCKED, fault everything in
    (``__mm_populate`` mlocks each page as it goes)."""
    from cmaport.mm.gup import __mm_populate
    from cmaport.mm.swap import lru_add_drain_all

    if not can_do_mlock():
        return -EPERM
    lru_add_drain_all()  # flush the pagevecs
    len_ = (len_ + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK
    start &= PAGE_MASK
    # RLIMIT_MEMLOCK does not bind a CAP_IPC_LOCK task (see the module note).
    error = apply_vma_lock_flags(start, len_, flags)
    if error:
        return error
    error = __mm_populate(start, len_, 0)
    if error:
        return __mlock_posix_error_return(error)
    return 0


def sys_mlock(start, len_):
    """mm/mlock.c: SYSCALL_DEFINE2(mlock) — do_mlock(start, len, VM_LOCKED)."""
    return do_mlock(start, len_, VM_LOCKED)


def sys_munlock(start, len_):
    """mm/mlock.c: SYSCALL_DEFINE2(munlock) — clear VM_LOCKED over the range (munlocking the
    pages)."""
    len_ = (len_ + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK
    start &= PAGE_MASK
    return apply_vma_lock_flags(start, len_, 0)
