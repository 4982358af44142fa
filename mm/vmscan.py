# SPDX-License-Identifier: GPL-2.0-only
"""mm/vmscan.c: the LRU isolation API, the page-list reclaim alloc_contig_range uses, and
the reclaimability tests the allocator's views use.

``isolate_lru_page``/``__isolate_lru_page`` take pages off the node's LRU lists for
migration; ``putback_lru_page`` returns them; ``reclaim_clean_pages_from_list`` frees the
clean page-cache pages of an isolated list through ``shrink_page_list``.

Model: page reclaim proper (kswapd, direct reclaim, the LRU scanning of shrink_node) is
not modelled, only ``shrink_page_list`` on a list it is handed. There is no swap device,
so anonymous pages are never reclaimed and never count as reclaimable.
"""

from cmaport.include.linux.mmzone import (NR_ACTIVE_ANON, NR_ACTIVE_FILE, NR_INACTIVE_ANON,
                                          NR_INACTIVE_FILE, NR_ISOLATED_ANON, NR_ISOLATED_FILE,
                                          NR_PAGES_SCANNED, NR_ZONE_ACTIVE_ANON,
                                          NR_ZONE_ACTIVE_FILE, NR_ZONE_INACTIVE_ANON,
                                          NR_ZONE_INACTIVE_FILE)
from cmaport.include.linux.vmstat import node_page_state_snapshot, zone_page_state_snapshot


def get_nr_swap_pages():
    """include/linux/swap.h: get_nr_swap_pages() — 0: the model has no swap device."""
    return 0


def zone_reclaimable_pages(zone):
    """mm/vmscan.c: zone_reclaimable_pages() — file LRU pages (plus anon with swap)."""
    nr = (zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_FILE)
          + zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_FILE))
    if get_nr_swap_pages() > 0:
        nr += (zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_ANON)
               + zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_ANON))
    return nr


def pgdat_reclaimable_pages(pgdat):
    """mm/vmscan.c: pgdat_reclaimable_pages() — file LRU and isolated file pages (plus anon with swap)."""
    nr = (node_page_state_snapshot(pgdat, NR_ACTIVE_FILE)
          + node_page_state_snapshot(pgdat, NR_INACTIVE_FILE)
          + node_page_state_snapshot(pgdat, NR_ISOLATED_FILE))
    if get_nr_swap_pages() > 0:
        nr += (node_page_state_snapshot(pgdat, NR_ACTIVE_ANON)
               + node_page_state_snapshot(pgdat, NR_INACTIVE_ANON)
               + node_page_state_snapshot(pgdat, NR_ISOLATED_ANON))
    return nr


def pgdat_reclaimable(pgdat):
    """mm/vmscan.c: pgdat_reclaimable() — scanned fewer than six times the reclaimable pages.

    With nothing on the LRU lists this is ``0 < 0``: false, so /proc/zoneinfo shows
    ``node_unreclaimable: 1`` until there are file pages.
    """
    return node_page_state_snapshot(pgdat, NR_PAGES_SCANNED) < pgdat_reclaimable_pages(pgdat) * 6


# --- the LRU isolation API and the page-list reclaim of alloc_contig_range -----------------

from cmaport.include.linux.errno import EBUSY, EINVAL  # noqa: E402
from cmaport.include.linux.mmzone import (DEF_PRIORITY, ISOLATE_ASYNC_MIGRATE,  # noqa: E402
                                          ISOLATE_CLEAN, ISOLATE_UNEVICTABLE, ISOLATE_UNMAPPED,
                                          NR_VMSCAN_IMMEDIATE, NR_VMSCAN_WRITE)

# include/linux/mmzone.h: enum pgdat_flags
PGDAT_CONGESTED, PGDAT_DIRTY, PGDAT_WRITEBACK = range(3)

# include/linux/swap.h
SWAP_CLUSTER_MAX = 32
COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX

# enum pageout_t
PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS, PAGE_CLEAN = range(4)
# enum page_references
PAGEREF_RECLAIM, PAGEREF_RECLAIM_CLEAN, PAGEREF_KEEP, PAGEREF_ACTIVATE = range(4)


class scan_control:
    """mm/vmscan.c: struct scan_control (the fields shrink_page_list reads)."""

    __slots__ = ("nr_to_reclaim", "gfp_mask", "order", "nodemask", "target_mem_cgroup",
                 "priority", "may_writepage", "may_unmap", "may_swap", "nr_scanned",
                 "nr_reclaimed")

    def __init__(self, gfp_mask=0, priority=DEF_PRIORITY, may_unmap=0, may_writepage=0,
                 may_swap=0):
        self.nr_to_reclaim = 0
        self.gfp_mask = gfp_mask
        self.order = 0
        self.nodemask = None
        self.target_mem_cgroup = None
        self.priority = priority
        self.may_writepage = may_writepage
        self.may_unmap = may_unmap
        self.may_swap = may_swap
        self.nr_scanned = 0
        self.nr_reclaimed = 0


def current_is_kswapd():
    """include/linux/swap.h: current_is_kswapd() — Model: there is no kswapd thread."""
    return False


def sane_reclaim(sc):
    """mm/vmscan.c: sane_reclaim() — true without memcg."""
    return True


def page_evictable(page):
    """mm/vmscan.c: page_evictable() — not in an unevictable mapping and not mlocked."""
    from cmaport.include.linux.page_flags import PageMlocked
    from cmaport.include.linux.pagemap import mapping_unevictable
    from cmaport.mm.util import page_mapping

    return not mapping_unevictable(page_mapping(page)) and not PageMlocked(page)  # noqa: F821


def is_page_cache_freeable(page):
    """mm/vmscan.c: is_page_cache_freeable() — only the isolator and the cache hold it."""
    from cmaport.include.linux.page_flags import page_has_private
    from cmaport.include.linux.page_ref import page_count

    return page_count(page) - page_has_private(page) == 2


def __remove_mapping(mapping, page, reclaimed):
    """mm/vmscan.c: __remove_mapping() — take a locked, clean, unreferenced page out of the
    page cache; it comes back with refcount 0. Returns 1 on success."""
    from cmaport.include.linux.page_flags import PageDirty, PageLocked, PageSwapCache
    from cmaport.include.linux.page_ref import page_ref_freeze, page_ref_unfreeze
    from cmaport.kernel.panic import BUG_ON
    from cmaport.mm.filemap import __delete_from_page_cache
    from cmaport.mm.util import page_mapping

    BUG_ON(not PageLocked(page), line=633)  # noqa: F821
    BUG_ON(mapping is not page_mapping(page), line=634)
    # Freeze the count before testing PG_dirty: a reference holder may dirty it and drop
    # the reference in between.
    if not page_ref_freeze(page, 2):
        return 0
    if PageDirty(page):  # noqa: F821
        page_ref_unfreeze(page, 2)
        return 0
    if PageSwapCache(page):  # noqa: F821
        raise AssertionError("Model: no swap cache")
    freepage = mapping.a_ops.freepage
    # workingset_eviction(): no shadow entries in the model.
    __delete_from_page_cache(page, None)
    if freepage is not None:
        freepage(page)
    return 1


def remove_mapping(mapping, page):
    """mm/vmscan.c: remove_mapping() — __remove_mapping, leaving the caller's reference."""
    from cmaport.include.linux.page_ref import page_ref_unfreeze

    if __remove_mapping(mapping, page, False):
        page_ref_unfreeze(page, 1)
        return 1
    return 0


def putback_lru_page(page):
    """mm/vmscan.c: putback_lru_page() — an isolated page back to the right LRU list
    (evictable: through the pagevec; unevictable: straight onto that list), dropping the
    isolation reference."""
    from cmaport.include.linux.mm import VM_BUG_ON_PAGE, put_page
    from cmaport.include.linux.page_flags import ClearPageUnevictable, PageLRU, PageUnevictable
    from cmaport.include.linux.vmstat import (UNEVICTABLE_PGCULLED, UNEVICTABLE_PGRESCUED,
                                              count_vm_event)
    from cmaport.mm.swap import add_page_to_unevictable_list, lru_cache_add

    was_unevictable = PageUnevictable(page)
    VM_BUG_ON_PAGE(PageLRU(page), page, "PageLRU(page)", line=748)
    while True:  # redo:
        ClearPageUnevictable(page)
        if page_evictable(page):
            is_unevictable = False
            lru_cache_add(page)
        else:
            is_unevictable = True
            add_page_to_unevictable_list(page)
        # The page may have become evictable meanwhile (a racing munlock).
        if is_unevictable and page_evictable(page):
            if not isolate_lru_page(page):
                put_page(page)
                continue
        break
    if was_unevictable and not is_unevictable:
        count_vm_event(UNEVICTABLE_PGRESCUED)
    elif not was_unevictable and is_unevictable:
        count_vm_event(UNEVICTABLE_PGCULLED)
    put_page(page)  # drop the isolation reference


def page_check_references(page, sc):
    """mm/vmscan.c: page_check_references() — reclaim, keep or activate a page."""
    from cmaport.include.linux.mm import VM_EXEC, VM_LOCKED
    from cmaport.include.linux.page_flags import (PageSwapBacked, SetPageReferenced,
                                                  TestClearPageReferenced)
    from cmaport.mm.rmap import page_referenced

    vm_flags = [0]
    referenced_ptes = page_referenced(page, 1, sc.target_mem_cgroup, vm_flags)
    referenced_page = TestClearPageReferenced(page)  # noqa: F821
    if vm_flags[0] & VM_LOCKED:
        return PAGEREF_RECLAIM
    if referenced_ptes:
        if PageSwapBacked(page):  # noqa: F821
            return PAGEREF_ACTIVATE
        SetPageReferenced(page)  # noqa: F821
        if referenced_page or referenced_ptes > 1:
            return PAGEREF_ACTIVATE
        if vm_flags[0] & VM_EXEC:
            return PAGEREF_ACTIVATE
        return PAGEREF_KEEP
    if referenced_page and not PageSwapBacked(page):  # noqa: F821
        return PAGEREF_RECLAIM_CLEAN
    return PAGEREF_RECLAIM


def page_check_dirty_writeback(page):
    """mm/vmscan.c: page_check_dirty_writeback() — ``(dirty, writeback)`` of a file page."""
    from cmaport.include.linux.mm_inline import page_is_file_cache
    from cmaport.include.linux.page_flags import PageDirty, PageWriteback, page_has_private
    from cmaport.mm.util import page_mapping

    if not page_is_file_cache(page):
        return False, False
    dirty = PageDirty(page)  # noqa: F821
    writeback = PageWriteback(page)  # noqa: F821
    if not page_has_private(page):
        return dirty, writeback
    mapping = page_mapping(page)
    if mapping is not None and mapping.a_ops.is_dirty_writeback is not None:
        return mapping.a_ops.is_dirty_writeback(page, dirty, writeback)
    return dirty, writeback


def pageout(page, mapping, sc):
    """mm/vmscan.c: pageout() — write a dirty page out with ->writepage."""
    from cmaport.include.linux.page_flags import (ClearPageDirty, ClearPageReclaim,
                                                  PageWriteback, SetPageReclaim,
                                                  page_has_private)
    from cmaport.include.linux.pagemap import AOP_WRITEPAGE_ACTIVATE
    from cmaport.include.linux.vmstat import inc_node_page_state
    from cmaport.mm.page_writeback import clear_page_dirty_for_io

    if not is_page_cache_freeable(page):
        return PAGE_KEEP
    if mapping is None:
        if page_has_private(page):
            # try_to_free_buffers(): the model's pages have no buffers.
            ClearPageDirty(page)  # noqa: F821
            return PAGE_CLEAN
        return PAGE_KEEP
    if mapping.a_ops.writepage is None:
        return PAGE_ACTIVATE
    # may_write_to_inode(): the model's backing store is never congested.
    if clear_page_dirty_for_io(page):
        SetPageReclaim(page)  # noqa: F821
        res = mapping.a_ops.writepage(page, None)
        if res < 0:
            from cmaport.include.linux.pagemap import lock_page, mapping_set_error, unlock_page

            lock_page(page)
            mapping_set_error(mapping, res)
            unlock_page(page)
        if res == AOP_WRITEPAGE_ACTIVATE:
            ClearPageReclaim(page)  # noqa: F821
            return PAGE_ACTIVATE
        if not PageWriteback(page):  # noqa: F821
            ClearPageReclaim(page)  # noqa: F821
        inc_node_page_state(page, NR_VMSCAN_WRITE)
        return PAGE_SUCCESS
    return PAGE_CLEAN


def shrink_page_list(page_list, pgdat, sc, ttu_flags, force_reclaim):
    """mm/vmscan.c: shrink_page_list() — try to free every page on an isolated list.

    Pages that cannot be freed go back on ``page_list``. Model: the five ``ret_nr_*``
    counters are returned as a dict with the number reclaimed: ``(nr_reclaimed, stats)``.
    There is no swap device, so anonymous pages are kept (add_to_swap fails).
    """
    from cmaport.include.linux.gfp import __GFP_FS, __GFP_IO
    from cmaport.include.linux.list import (LIST_HEAD, list_add, list_add_tail, list_del,
                                            list_empty, list_head_release, list_splice)
    from cmaport.include.linux.mm import VM_BUG_ON_PAGE
    from cmaport.include.linux.page_ref import page_count
    from cmaport.include.linux.mm_inline import page_is_file_cache
    from cmaport.include.linux.mm_types import struct_page_arrays
    from cmaport.include.linux.page_flags import (PageActive, PageAnon, PageDirty, PageLRU,
                                                  PageReclaim, PageSwapCache,
                                                  PageUnevictable, PageWriteback,
                                                  SetPageActive, SetPageReclaim,
                                                  page_has_private)
    from cmaport.include.linux.pagemap import (__ClearPageLocked, trylock_page, unlock_page,
                                               wait_on_page_writeback)
    from cmaport.include.linux.rmap import (SWAP_AGAIN, SWAP_FAIL, SWAP_LZFREE, SWAP_MLOCK,
                                            SWAP_SUCCESS, TTU_BATCH_FLUSH)
    from cmaport.include.linux.vmstat import (PGACTIVATE, PGLAZYFREED, count_vm_event,
                                              count_vm_events, inc_node_page_state)
    from cmaport.mm.filemap import try_to_release_page
    from cmaport.mm.page_alloc import free_hot_cold_page_list
    from cmaport.mm.rmap import try_to_unmap
    from cmaport.mm.util import page_mapped, page_mapping

    s = struct_page_arrays.get()
    ret_pages = LIST_HEAD()
    free_pages = LIST_HEAD()
    pgactivate = 0
    nr_unqueued_dirty = nr_dirty = nr_congested = nr_reclaimed = 0
    nr_writeback = nr_immediate = 0

    while not list_empty(page_list):
        references = PAGEREF_RECLAIM_CLEAN
        ret = SWAP_SUCCESS
        page = s.lru_prev[page_list]  # lru_to_page(): the last entry
        list_del(page)

        # The outcome, as the C labels: keep, keep_locked, activate_locked, cull_mlocked,
        # free_it (Model: goto targets become this variable).
        if not trylock_page(page):
            outcome = "keep"
        else:
            outcome = None
            VM_BUG_ON_PAGE(PageActive(page), page, "PageActive(page)", line=940)
            sc.nr_scanned += 1
            mapping = None
            if not page_evictable(page):
                outcome = "cull_mlocked"
            elif not sc.may_unmap and page_mapped(page):
                outcome = "keep_locked"
            if outcome is None:
                # double the slab pressure for mapped and swapcache pages
                if page_mapped(page) or PageSwapCache(page):
                    sc.nr_scanned += 1
                may_enter_fs = (sc.gfp_mask & __GFP_FS) or \
                    (PageSwapCache(page) and (sc.gfp_mask & __GFP_IO))
                dirty, writeback = page_check_dirty_writeback(page)
                if dirty or writeback:
                    nr_dirty += 1
                if dirty and not writeback:
                    nr_unqueued_dirty += 1
                mapping = page_mapping(page)
                # inode_write_congested(): never in the model.
                if writeback and PageReclaim(page):
                    nr_congested += 1
                if PageWriteback(page):
                    if current_is_kswapd() and PageReclaim(page) and \
                            pgdat.flags & (1 << PGDAT_WRITEBACK):
                        nr_immediate += 1
                        outcome = "keep_locked"
                    elif sane_reclaim(sc) or not PageReclaim(page) or not may_enter_fs:
                        SetPageReclaim(page)
                        nr_writeback += 1
                        outcome = "keep_locked"
                    else:
                        unlock_page(page)
                        wait_on_page_writeback(page)
                        list_add_tail(page, page_list)
                        continue
            if outcome is None:
                if not force_reclaim:
                    references = page_check_references(page, sc)
                if references == PAGEREF_ACTIVATE:
                    outcome = "activate_locked"
                elif references == PAGEREF_KEEP:
                    outcome = "keep_locked"
            if outcome is None and PageAnon(page) and not PageSwapCache(page):
                if not (sc.gfp_mask & __GFP_IO):
                    outcome = "keep_locked"
                else:
                    # add_to_swap(): Model — no swap device, so it always fails.
                    outcome = "activate_locked"
            if outcome is None and page_mapped(page) and mapping is not None:
                ret = try_to_unmap(page, ttu_flags | TTU_BATCH_FLUSH)
                if ret == SWAP_FAIL:
                    outcome = "activate_locked"
                elif ret == SWAP_AGAIN:
                    outcome = "keep_locked"
                elif ret == SWAP_MLOCK:
                    outcome = "cull_mlocked"
                elif ret == SWAP_LZFREE:
                    outcome = "lazyfree"
            if outcome is None and PageDirty(page):
                if page_is_file_cache(page) and not current_is_kswapd():
                    # only kswapd writes file pages back from reclaim
                    inc_node_page_state(page, NR_VMSCAN_IMMEDIATE)
                    SetPageReclaim(page)
                    outcome = "keep_locked"
                elif references == PAGEREF_RECLAIM_CLEAN or not may_enter_fs \
                        or not sc.may_writepage:
                    outcome = "keep_locked"
                else:
                    r = pageout(page, mapping, sc)
                    if r == PAGE_KEEP:
                        outcome = "keep_locked"
                    elif r == PAGE_ACTIVATE:
                        outcome = "activate_locked"
                    elif r == PAGE_SUCCESS:
                        if PageWriteback(page) or PageDirty(page):
                            outcome = "keep"
                        elif not trylock_page(page):
                            outcome = "keep"
                        elif PageDirty(page) or PageWriteback(page):
                            outcome = "keep_locked"
                        else:
                            mapping = page_mapping(page)
            if outcome is None and page_has_private(page):
                if not try_to_release_page(page, sc.gfp_mask):
                    outcome = "activate_locked"
                elif mapping is None and page_count(page) == 1:
                    unlock_page(page)
                    from cmaport.include.linux.mm import put_page_testzero

                    if put_page_testzero(page):
                        outcome = "free_it"
                    else:
                        nr_reclaimed += 1
                        continue
            if outcome is None or outcome == "lazyfree":
                # lazyfree:
                if mapping is None or not __remove_mapping(mapping, page, True):
                    outcome = "keep_locked"
                else:
                    # No reference is left and none can be taken any more.
                    __ClearPageLocked(page)
                    outcome = "free_it"

        if outcome == "free_it":
            if ret == SWAP_LZFREE:
                count_vm_event(PGLAZYFREED)
            nr_reclaimed += 1
            list_add(page, free_pages)
            continue
        if outcome == "cull_mlocked":
            # try_to_free_swap(): no swap cache.
            unlock_page(page)
            list_add(page, ret_pages)
            continue
        if outcome == "activate_locked":
            VM_BUG_ON_PAGE(PageActive(page), page, "PageActive(page)", line=1244)
            SetPageActive(page)
            pgactivate += 1
            outcome = "keep_locked"
        if outcome == "keep_locked":
            unlock_page(page)
        # keep:
        list_add(page, ret_pages)
        VM_BUG_ON_PAGE(PageLRU(page) or PageUnevictable(page), page,
                       "PageLRU(page) || PageUnevictable(page)", line=1251)

    # mem_cgroup_uncharge_list(), try_to_unmap_flush(): nothing batched.
    free_hot_cold_page_list(free_pages, True)
    # Model: the C list heads go out of scope with the pages still threaded on them.
    from cmaport.include.linux.list import INIT_LIST_HEAD

    INIT_LIST_HEAD(free_pages)
    list_head_release(free_pages)
    list_splice(ret_pages, page_list)
    from cmaport.include.linux.list import INIT_LIST_HEAD

    INIT_LIST_HEAD(ret_pages)
    list_head_release(ret_pages)
    count_vm_events(PGACTIVATE, pgactivate)
    stats = {"nr_dirty": nr_dirty, "nr_congested": nr_congested,
             "nr_unqueued_dirty": nr_unqueued_dirty, "nr_writeback": nr_writeback,
             "nr_immediate": nr_immediate}
    return nr_reclaimed, stats


def reclaim_clean_pages_from_list(zone, page_list):
    """mm/vmscan.c: reclaim_clean_pages_from_list() — free the clean page-cache pages of an
    isolated list at once (alloc_contig_range calls it before migrating).

    The clean, non-movable file pages are moved to a private list and given to
    shrink_page_list with TTU_UNMAP|TTU_IGNORE_ACCESS and ``force_reclaim``: a clean page
    that is mapped is unmapped and freed too (not only unmapped ones). What could not be
    freed goes back on ``page_list``; NR_ISOLATED_FILE drops by the number freed.

    :return: the number of pages freed
    """
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.include.linux.list import (LIST_HEAD, list_for_each_entry_safe,
                                            list_head_release, list_move, list_splice)
    from cmaport.include.linux.mm_inline import page_is_file_cache
    from cmaport.include.linux.mmzone import NR_ISOLATED_FILE
    from cmaport.include.linux.page_flags import ClearPageActive, PageDirty, __PageMovable
    from cmaport.include.linux.rmap import TTU_IGNORE_ACCESS, TTU_UNMAP
    from cmaport.include.linux.vmstat import mod_node_page_state

    sc = scan_control(gfp_mask=GFP_KERNEL, priority=DEF_PRIORITY, may_unmap=1)
    clean_pages = LIST_HEAD()
    for page in list_for_each_entry_safe(page_list):
        if page_is_file_cache(page) and not PageDirty(page) and not __PageMovable(page):  # noqa: F821
            ClearPageActive(page)  # noqa: F821
            list_move(page, clean_pages)
    ret, _ = shrink_page_list(clean_pages, zone.zone_pgdat, sc, TTU_UNMAP | TTU_IGNORE_ACCESS,
                              True)
    list_splice(clean_pages, page_list)
    from cmaport.include.linux.list import INIT_LIST_HEAD

    INIT_LIST_HEAD(clean_pages)
    list_head_release(clean_pages)
    mod_node_page_state(zone.zone_pgdat, NR_ISOLATED_FILE, -ret)
    return ret


def __isolate_lru_page(page, mode):
    """mm/vmscan.c: __isolate_lru_page() — may this LRU page be isolated in ``mode``? On
    success it gets a reference and loses PG_lru; the caller (holding the LRU lock) takes it
    off its list.

    :return: 0, -EINVAL (not on an LRU, or unevictable without ISOLATE_UNEVICTABLE) or
        -EBUSY
    """
    from cmaport.include.linux.mm import get_page_unless_zero
    from cmaport.include.linux.page_flags import (ClearPageLRU, PageDirty, PageLRU,
                                                  PageUnevictable, PageWriteback)
    from cmaport.mm.util import page_mapped, page_mapping

    ret = -EINVAL
    if not PageLRU(page):  # noqa: F821
        return ret
    # compaction must not take unevictable pages; CMA may (ISOLATE_UNEVICTABLE)
    if PageUnevictable(page) and not (mode & ISOLATE_UNEVICTABLE):  # noqa: F821
        return ret
    ret = -EBUSY
    if mode & (ISOLATE_CLEAN | ISOLATE_ASYNC_MIGRATE):
        if PageWriteback(page):  # noqa: F821
            return ret
        if PageDirty(page):  # noqa: F821
            if mode & ISOLATE_CLEAN:
                return ret
            # without blocking only pages with a ->migratepage can move
            mapping = page_mapping(page)
            if mapping is not None and mapping.a_ops.migratepage is None:
                return ret
    if (mode & ISOLATE_UNMAPPED) and page_mapped(page):
        return ret
    if get_page_unless_zero(page):
        # PG_lru is cleared only once the page is sure not to be freed elsewhere
        ClearPageLRU(page)  # noqa: F821
        ret = 0
    return ret


def isolate_lru_page(page):
    """mm/vmscan.c: isolate_lru_page() — take one page off its LRU list, with a reference.

    :return: 0, or -EBUSY if the page is not on an LRU list
    """
    from cmaport.include.linux.mm import VM_BUG_ON_PAGE, get_page, page_zone
    from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_lru
    from cmaport.include.linux.page_flags import ClearPageLRU, PageLRU, PageTail
    from cmaport.include.linux.page_ref import page_count
    from cmaport.mm.swap import mem_cgroup_page_lruvec

    ret = -EBUSY
    VM_BUG_ON_PAGE(not page_count(page), page, "!page_count(page)", line=1529)
    if PageTail(page):
        # WARN_RATELIMIT(PageTail(page), "trying to isolate tail page")
        from cmaport.kernel.panic import WARN

        WARN(True, "trying to isolate tail page", line=1530)
    if PageLRU(page):  # noqa: F821
        zone = page_zone(page)
        # Model: zone_lru_lock(zone) — one CPU.
        lruvec = mem_cgroup_page_lruvec(page, zone.zone_pgdat)
        if PageLRU(page):  # noqa: F821
            lru = page_lru(page)
            get_page(page)
            ClearPageLRU(page)  # noqa: F821
            del_page_from_lru_list(page, lruvec, lru)
            ret = 0
    return ret


def zone_lru_lock(zone):
    """include/linux/mmzone.h: zone_lru_lock() — the node's lru_lock. Model: one CPU, so
    there is nothing to lock; the value only stands for the lock."""
    return zone.zone_pgdat
