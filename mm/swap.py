# SPDX-License-Identifier: GPL-2.0-only
"""mm/swap.c: releasing pages, and the LRU lists' per-cpu pagevecs.

``__put_page`` frees a page whose last reference went (``__page_cache_release`` takes it
off its LRU list first). ``lru_cache_add`` queues a page in this CPU's ``lru_add_pvec``
(it holds a reference there) and the pagevec goes onto the node's LRU lists when it is
full (PAGEVEC_SIZE, 14) or drained (``lru_add_drain``, ``lru_add_drain_all``);
``mark_page_accessed`` and ``activate_page`` move pages towards the active lists. Which
list a page joins is decided when the pagevec drains (``page_lru``).

Model: one CPU runs everything, so only CPU 0's pagevecs ever fill; the per-cpu work of
``lru_add_drain_all`` runs at once. No memcg: the lruvec is the node's.
"""

from cmaport.include.linux.mm import get_compound_page_dtor, page_zone
from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_off_lru
from cmaport.include.linux.page_flags import PageCompound, PageHuge, PageLRU, __ClearPageLRU


def mem_cgroup_page_lruvec(page, pgdat):
    """include/linux/memcontrol.h: mem_cgroup_page_lruvec() — the node's lruvec (no memcg)."""
    return pgdat.lruvec


def __page_cache_release(page):
    """mm/swap.c: __page_cache_release() — take the page off its LRU list.

    Model: the zone's lru_lock — one CPU, nothing to serialise.
    """
    if PageLRU(page):
        zone = page_zone(page)
        lruvec = mem_cgroup_page_lruvec(page, zone.zone_pgdat)
        __ClearPageLRU(page)
        del_page_from_lru_list(page, lruvec, page_off_lru(page))
    # mem_cgroup_uncharge(page): no memcg.


def __put_single_page(page):
    """mm/swap.c: __put_single_page() — off the LRU, then to the per-cpu free list."""
    from cmaport.mm.page_alloc import free_hot_cold_page

    __page_cache_release(page)
    free_hot_cold_page(page, False)


def __put_compound_page(page):
    """mm/swap.c: __put_compound_page() — off the LRU, then the compound destructor."""
    if not PageHuge(page):
        __page_cache_release(page)
    dtor = get_compound_page_dtor(page)
    dtor(page)


def __put_page(page):
    """mm/swap.c: __put_page() — free a page whose last reference went."""
    if PageCompound(page):
        __put_compound_page(page)
    else:
        __put_single_page(page)


# --- the LRU lists and the per-cpu pagevecs (for the page-cache and anonymous users) -------

import attrs  # noqa: E402

from cmaport.include.linux.list import LIST_HEAD, list_add, list_del, list_empty  # noqa: E402
from cmaport.include.linux.list import list_head_release  # noqa: E402
from cmaport.include.linux.mm import (VM_BUG_ON_PAGE, VM_LOCKED, VM_SPECIAL, get_page,  # noqa: E402
                                      page_pgdat, put_page, put_page_testzero)
from cmaport.include.linux.mm_inline import (add_page_to_lru_list, page_is_file_cache,  # noqa: E402
                                             page_lru, page_lru_base_type)
from cmaport.include.linux.mmzone import LRU_ACTIVE, LRU_UNEVICTABLE, NR_MLOCK  # noqa: E402
from cmaport.include.linux.page_flags import (ClearPageActive, ClearPageReferenced,  # noqa: E402
                                              PageActive, PageReferenced, PageUnevictable,
                                              SetPageActive, SetPageLRU, SetPageReferenced,
                                              SetPageUnevictable, TestSetPageMlocked,
                                              __ClearPageActive, compound_head)
from cmaport.include.linux.pagevec import pagevec, pagevec_add, pagevec_count, pagevec_reinit  # noqa: E402
from cmaport.include.linux.vmstat import (PGACTIVATE, PGROTATED, UNEVICTABLE_PGMLOCKED,  # noqa: E402
                                          __count_vm_event, __count_vm_events,
                                          __mod_zone_page_state, count_vm_event)
from cmaport.kernel.machine import statics  # noqa: E402


def _per_cpu_pagevecs():
    """Model-only: one empty pagevec per possible CPU (a ``DEFINE_PER_CPU`` pagevec)."""
    from cmaport.mm.page_alloc import num_possible_cpus

    return [pagevec() for _ in range(max(num_possible_cpus(), 1))]


@statics
class swap_c:
    """The file-scope per-cpu pagevecs of mm/swap.c (one entry per possible CPU).

    Model: the deactivate pagevecs (MADV_FREE, invalidate_mapping_pages) are not used by
    anything the model runs, so they are not kept.
    """

    lru_add_pvec: list = attrs.Factory(_per_cpu_pagevecs)
    lru_rotate_pvecs: list = attrs.Factory(_per_cpu_pagevecs)
    activate_page_pvecs: list = attrs.Factory(_per_cpu_pagevecs)


def _this_cpu():
    """Model-only: the CPU whose per-cpu pagevec is used — smp_processor_id()."""
    from cmaport.mm.page_alloc import smp_processor_id

    return smp_processor_id()


def put_pages_list(pages):
    """mm/swap.c: put_pages_list() — drop the reference of every page on a list."""
    from cmaport.include.linux.mm_types import struct_page_arrays

    s = struct_page_arrays.get()
    while not list_empty(pages):
        victim = s.lru_prev[pages]  # list_entry(pages->prev, struct page, lru)
        list_del(victim)
        put_page(victim)


def pagevec_lru_move_fn(pvec, move_fn, arg):
    """mm/swap.c: pagevec_lru_move_fn() — apply move_fn to each page under its node's
    lru_lock, then drop the pagevec's references.

    Model: pgdat->lru_lock — one CPU, nothing to serialise.
    """
    for i in range(pagevec_count(pvec)):
        page = pvec.pages[i]
        pgdat = page_pgdat(page)
        lruvec = mem_cgroup_page_lruvec(page, pgdat)
        move_fn(page, lruvec, arg)
    release_pages(pvec.pages, pvec.nr, pvec.cold)
    pagevec_reinit(pvec)


def pagevec_move_tail_fn(page, lruvec, arg):
    """mm/swap.c: pagevec_move_tail_fn() — an evictable inactive page to the tail."""
    from cmaport.include.linux.list import list_move_tail

    if PageLRU(page) and not PageUnevictable(page):
        list_move_tail(page, lruvec.lists[page_lru(page)])
        arg[0] += 1


def pagevec_move_tail(pvec):
    """mm/swap.c: pagevec_move_tail()."""
    pgmoved = [0]
    pagevec_lru_move_fn(pvec, pagevec_move_tail_fn, pgmoved)
    __count_vm_events(PGROTATED, pgmoved[0])


def rotate_reclaimable_page(page):
    """mm/swap.c: rotate_reclaimable_page() — after writeback of a page reclaim wanted:
    move it to the tail of the inactive list."""
    from cmaport.include.linux.page_flags import PageDirty, PageLocked

    if (not PageLocked(page) and not PageDirty(page) and not PageActive(page)  # noqa: F821
            and not PageUnevictable(page) and PageLRU(page)):
        get_page(page)
        pvec = swap_c.get().lru_rotate_pvecs[_this_cpu()]
        if not pagevec_add(pvec, page) or _is_compound(page):
            pagevec_move_tail(pvec)


def _is_compound(page):
    """Model-only: PageCompound(), imported when first called."""
    from cmaport.include.linux.page_flags import PageCompound

    return PageCompound(page)


def update_page_reclaim_stat(lruvec, file, rotated):
    """mm/swap.c: update_page_reclaim_stat()."""
    lruvec.reclaim_stat_recent_scanned[file] += 1
    if rotated:
        lruvec.reclaim_stat_recent_rotated[file] += 1


def __activate_page(page, lruvec, arg):
    """mm/swap.c: __activate_page() — an inactive evictable page to the active list."""
    from cmaport.include.linux.mm_inline import del_page_from_lru_list

    if PageLRU(page) and not PageActive(page) and not PageUnevictable(page):
        file = page_is_file_cache(page)
        lru = page_lru_base_type(page)
        del_page_from_lru_list(page, lruvec, lru)
        SetPageActive(page)
        lru += LRU_ACTIVE
        add_page_to_lru_list(page, lruvec, lru)
        __count_vm_event(PGACTIVATE)
        update_page_reclaim_stat(lruvec, int(file), 1)


def activate_page_drain(cpu):
    """mm/swap.c: activate_page_drain() (CONFIG_SMP)."""
    pvec = swap_c.get().activate_page_pvecs[cpu]
    if pagevec_count(pvec):
        pagevec_lru_move_fn(pvec, __activate_page, None)


def need_activate_page_drain(cpu):
    """mm/swap.c: need_activate_page_drain()."""
    return pagevec_count(swap_c.get().activate_page_pvecs[cpu]) != 0


def activate_page(page):
    """mm/swap.c: activate_page() (CONFIG_SMP) — queue an LRU page for activation."""
    page = compound_head(page)
    if PageLRU(page) and not PageActive(page) and not PageUnevictable(page):
        pvec = swap_c.get().activate_page_pvecs[_this_cpu()]
        get_page(page)
        if not pagevec_add(pvec, page) or _is_compound(page):
            pagevec_lru_move_fn(pvec, __activate_page, None)


def __lru_cache_activate_page(page):
    """mm/swap.c: __lru_cache_activate_page() — a page still in this CPU's add-pagevec
    becomes active when the pagevec drains."""
    pvec = swap_c.get().lru_add_pvec[_this_cpu()]
    for i in range(pagevec_count(pvec) - 1, -1, -1):
        if pvec.pages[i] == page:
            SetPageActive(page)
            break


def mark_page_accessed(page):
    """mm/swap.c: mark_page_accessed() — inactive,unreferenced → inactive,referenced →
    active,unreferenced → active,referenced."""
    page = compound_head(page)
    if not PageActive(page) and not PageUnevictable(page) and PageReferenced(page):
        # On the LRU: queue for activation; else it is in a pagevec and goes to the
        # active list when that drains.
        if PageLRU(page):
            activate_page(page)
        else:
            __lru_cache_activate_page(page)
        ClearPageReferenced(page)
        # workingset_activation(): no shadow entries are kept.
    elif not PageReferenced(page):
        SetPageReferenced(page)
    # page_is_idle(): no CONFIG_IDLE_PAGE_TRACKING.


def __lru_cache_add(page):
    """mm/swap.c: __lru_cache_add() — into this CPU's pagevec (with a reference);
    a full pagevec goes to the LRU lists."""
    pvec = swap_c.get().lru_add_pvec[_this_cpu()]
    get_page(page)
    if not pagevec_add(pvec, page) or _is_compound(page):
        __pagevec_lru_add(pvec)


def lru_cache_add_anon(page):
    """mm/swap.c: lru_cache_add_anon()."""
    if PageActive(page):
        ClearPageActive(page)
    __lru_cache_add(page)


def lru_cache_add_file(page):
    """mm/swap.c: lru_cache_add_file()."""
    if PageActive(page):
        ClearPageActive(page)
    __lru_cache_add(page)


def lru_cache_add(page):
    """mm/swap.c: lru_cache_add() — queue a page for the LRU; which list is decided when the
    pagevec drains."""
    VM_BUG_ON_PAGE(PageActive(page) and PageUnevictable(page), page,
                   "PageActive(page) && PageUnevictable(page)", line=431)
    VM_BUG_ON_PAGE(PageLRU(page), page, "PageLRU(page)", line=432)
    __lru_cache_add(page)


def add_page_to_unevictable_list(page):
    """mm/swap.c: add_page_to_unevictable_list() — straight onto the unevictable list
    (never through a pagevec)."""
    pgdat = page_pgdat(page)
    lruvec = mem_cgroup_page_lruvec(page, pgdat)
    ClearPageActive(page)
    SetPageUnevictable(page)
    SetPageLRU(page)
    add_page_to_lru_list(page, lruvec, LRU_UNEVICTABLE)


def lru_cache_add_active_or_unevictable(page, vma):
    """mm/swap.c: lru_cache_add_active_or_unevictable() — a newly mapped page: active list,
    or (in a VM_LOCKED VMA) mlocked on the unevictable list."""
    from cmaport.include.linux.mm import page_zone

    VM_BUG_ON_PAGE(PageLRU(page), page, "PageLRU(page)", line=473)
    if (vma.vm_flags & (VM_LOCKED | VM_SPECIAL)) != VM_LOCKED:
        SetPageActive(page)
        lru_cache_add(page)
        return
    if not TestSetPageMlocked(page):  # noqa: F821 (generated accessor)
        __mod_zone_page_state(page_zone(page), NR_MLOCK, 1)
        count_vm_event(UNEVICTABLE_PGMLOCKED)
    add_page_to_unevictable_list(page)


def lru_add_drain_cpu(cpu):
    """mm/swap.c: lru_add_drain_cpu() — empty one CPU's pagevecs onto the LRU lists."""
    s = swap_c.get()
    pvec = s.lru_add_pvec[cpu]
    if pagevec_count(pvec):
        __pagevec_lru_add(pvec)
    pvec = s.lru_rotate_pvecs[cpu]
    if pagevec_count(pvec):
        # Model: local_irq_save — no interrupts.
        pagevec_move_tail(pvec)
    # lru_deactivate_file_pvecs, lru_deactivate_pvecs: see swap_c.
    activate_page_drain(cpu)


def lru_add_drain():
    """mm/swap.c: lru_add_drain() — this CPU's pagevecs."""
    lru_add_drain_cpu(_this_cpu())


def lru_add_drain_all():
    """mm/swap.c: lru_add_drain_all() — drain every online CPU that has something queued.

    Model: the per-cpu work items run at once, on the one CPU; the round counts as one
    ``drains`` event of the cost model.
    """
    from cmaport.kernel.cost import account
    from cmaport.mm.page_alloc import for_each_online_cpu

    s = swap_c.get()
    has_work = []
    for cpu in for_each_online_cpu():
        if (pagevec_count(s.lru_add_pvec[cpu]) or pagevec_count(s.lru_rotate_pvecs[cpu])
                or need_activate_page_drain(cpu)):
            has_work.append(cpu)  # INIT_WORK + queue_work_on
    for cpu in has_work:
        lru_add_drain_cpu(cpu)  # flush_work(): lru_add_drain_per_cpu ran on that CPU
    account("drains")


def release_pages(pages, nr, cold):
    """mm/swap.c: release_pages() — put_page for each; the last reference takes the page
    off its LRU and frees it."""
    from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_off_lru
    from cmaport.include.linux.page_flags import PageCompound, __ClearPageLRU
    from cmaport.mm.page_alloc import free_hot_cold_page_list

    pages_to_free = LIST_HEAD()
    for i in range(nr):
        page = pages[i]
        page = compound_head(page)
        if not put_page_testzero(page):
            continue
        if PageCompound(page):
            __put_compound_page(page)
            continue
        if PageLRU(page):
            pgdat = page_pgdat(page)
            lruvec = mem_cgroup_page_lruvec(page, pgdat)
            VM_BUG_ON_PAGE(not PageLRU(page), page, "!PageLRU(page)", line=783)
            __ClearPageLRU(page)
            del_page_from_lru_list(page, lruvec, page_off_lru(page))
        # Clear Active in case of a parallel mark_page_accessed
        __ClearPageActive(page)
        list_add(page, pages_to_free)
    free_hot_cold_page_list(pages_to_free, cold)
    # Model: the C list head goes out of scope with the pages still threaded on it.
    from cmaport.include.linux.list import INIT_LIST_HEAD

    INIT_LIST_HEAD(pages_to_free)
    list_head_release(pages_to_free)


def __pagevec_release(pvec):
    """mm/swap.c: __pagevec_release() — drain the LRU pagevecs, then release the pages."""
    lru_add_drain()
    release_pages(pvec.pages, pagevec_count(pvec), pvec.cold)
    pagevec_reinit(pvec)


def __pagevec_lru_add_fn(page, lruvec, arg):
    """mm/swap.c: __pagevec_lru_add_fn() — onto the list page_lru() picks."""
    file = page_is_file_cache(page)
    active = PageActive(page)
    lru = page_lru(page)
    VM_BUG_ON_PAGE(PageLRU(page), page, "PageLRU(page)", line=863)
    SetPageLRU(page)
    add_page_to_lru_list(page, lruvec, lru)
    update_page_reclaim_stat(lruvec, int(file), active)


def __pagevec_lru_add(pvec):
    """mm/swap.c: __pagevec_lru_add() — the pagevec's pages onto the LRU, references dropped."""
    pagevec_lru_move_fn(pvec, __pagevec_lru_add_fn, None)


def model_pagevec_pages(which="lru_add_pvec"):
    """Model-only: the pages sitting in one kind of per-cpu pagevec (for invariant checks).

    Pages in ``lru_add_pvec`` are not on an LRU list yet; those in the rotate and activate
    pagevecs are.
    """
    s = swap_c.get()
    out = []
    for pvec in getattr(s, which):
        out.extend(pvec.pages[:pvec.nr])
    return out
