# SPDX-License-Identifier: GPL-2.0-only
"""mm/migrate.c: page migration — move the contents of in-use pages to other pages.

``migrate_pages`` takes a list of isolated pages and, for each, a target page from
``get_new_page``; ``unmap_and_move`` locks the page, replaces every pte mapping it by a
migration entry (``try_to_unmap`` with TTU_MIGRATION), moves the page-cache slot and
checks that no one else holds a reference (``migrate_page_move_mapping``: a page with more
references than expected — pinned by get_user_pages, say — fails with -EAGAIN), copies
contents and flags (``migrate_page_copy``), and turns the migration entries into ptes of
the new page (``remove_migration_ptes``). -EAGAIN is retried: up to 10 passes, the page
lock taken by force from the fourth on. Non-LRU movable pages (a driver's, tagged
PAGE_MAPPING_MOVABLE) are isolated and moved through their driver's
``address_space_operations``.

Model: one CPU, so nothing races with a migration: a page is only ever locked by the
migration itself or by a caller that holds it locked across the call (which the kernel
would wait out, and the model reports as ``WouldBlock``). No THP, hugetlb, KSM, balloon,
swap cache, buffer heads or memcg; ``set_page_owner_migrate_reason`` and the tracepoint
are not modelled.
"""

from cmaport.arch.arm.include.asm.pgtable import (mk_pte, pte_mkold, pte_offset_map,
                                                  ptep_get, set_pte_at)
from cmaport.arch.arm.include.asm.tlbflush import flush_dcache_page, update_mmu_cache
from cmaport.include.linux.errno import EAGAIN, EBUSY, EINVAL, EIO, ENOMEM
from cmaport.include.linux.list import list_del, list_for_each_entry_safe
from cmaport.include.linux.migrate import (MIGRATEPAGE_SUCCESS, MR_MEMORY_FAILURE,
                                           PageMovable)
from cmaport.include.linux.migrate_mode import MIGRATE_ASYNC, MIGRATE_SYNC
from cmaport.include.linux.mm import (VM_BUG_ON_PAGE, VM_LOCKED, get_page,
                                      get_page_unless_zero, maybe_mkwrite, page_to_nid,
                                      page_zone, put_page)
from cmaport.include.linux.mm_inline import page_is_file_cache
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import (NR_FILE_DIRTY, NR_FILE_PAGES, NR_ISOLATED_ANON,
                                          NR_SHMEM, NR_ZONE_WRITE_PENDING)
from cmaport.include.linux.page_flags import (ClearPageActive, ClearPageDirty, ClearPagePrivate,
                                              ClearPageSwapCache, ClearPageUnevictable,
                                              PageAnon, PageChecked, PageDirty, PageError,
                                              PageHuge, PageIsolated, PageKsm, PageLocked,
                                              PageMappedToDisk, PageReferenced, PageSwapBacked,
                                              PageSwapCache, PageTransCompound,
                                              PageUnevictable, PageUptodate, PageWriteback,
                                              SetPageActive, SetPageChecked, SetPageDirty,
                                              SetPageError, SetPageMappedToDisk,
                                              SetPageReferenced, SetPageSwapCache,
                                              SetPageUnevictable, SetPageUptodate,
                                              TestClearPageActive, TestClearPageUnevictable,
                                              __ClearPageIsolated, __PageMovable,
                                              __SetPageIsolated, __SetPageSwapBacked,
                                              page_has_private)
from cmaport.include.linux.page_ref import page_count, page_ref_freeze, page_ref_unfreeze
from cmaport.include.linux.pagemap import (AOP_WRITEPAGE_ACTIVATE, lock_page, page_index,
                                           trylock_page, unlock_page, wait_on_page_locked,
                                           wait_on_page_writeback)
from cmaport.include.linux.rmap import (SWAP_AGAIN, TTU_IGNORE_ACCESS, TTU_IGNORE_MLOCK,
                                        TTU_MIGRATION, put_anon_vma, rmap_walk_control)
from cmaport.include.linux.swapops import (is_migration_entry, is_swap_pte,
                                           is_write_migration_entry, migration_entry_to_page,
                                           pte_to_swp_entry)
from cmaport.include.linux.vmstat import (PGMIGRATE_FAIL, PGMIGRATE_SUCCESS,
                                          __dec_zone_state, __inc_zone_state,
                                          __mod_node_page_state, count_vm_events,
                                          dec_node_page_state)
from cmaport.kernel.cost import account
from cmaport.kernel.panic import BUG_ON, WARN_ON_ONCE
from cmaport.mm.util import page_mapped, page_mapping


def migrate_prep():
    """mm/migrate.c: migrate_prep() — drain every CPU's LRU pagevecs so that the pages can be
    isolated; pages that leave the LRU later just fail to migrate. Returns 0."""
    from cmaport.mm.swap import lru_add_drain_all

    lru_add_drain_all()
    return 0


def migrate_prep_local():
    """mm/migrate.c: migrate_prep_local() — this CPU's pagevecs only. Returns 0."""
    from cmaport.mm.swap import lru_add_drain

    lru_add_drain()
    return 0


def isolate_movable_page(page, mode):
    """mm/migrate.c: isolate_movable_page() — isolate a driver's non-LRU movable page through
    its ->isolate_page (PG_isolated set, one reference taken).

    :return: True if the page was isolated
    """
    # A page being freed (count 0) is left alone; a reference taken on a page that is
    # being freed is dropped again by put_page below.
    if not get_page_unless_zero(page):
        return False
    # PageMovable is tested before the page lock: the owner of a new page expects nobody
    # to take its lock.
    if not __PageMovable(page):
        put_page(page)
        return False
    # The lock keeps a page under migration (or being released) from being isolated twice.
    if not trylock_page(page):
        put_page(page)
        return False
    if not PageMovable(page) or PageIsolated(page):  # noqa: F821 (generated accessor)
        unlock_page(page)
        put_page(page)
        return False
    mapping = page_mapping(page)
    VM_BUG_ON_PAGE(mapping is None, page, "!mapping", line=118)
    if not mapping.a_ops.isolate_page(page, mode):
        unlock_page(page)
        put_page(page)
        return False
    # drivers must not use PG_isolated themselves
    WARN_ON_ONCE(PageIsolated(page), line=124)  # noqa: F821
    __SetPageIsolated(page)  # noqa: F821
    unlock_page(page)
    return True


def putback_movable_page(page):
    """mm/migrate.c: putback_movable_page() — give an isolated movable page back to its
    driver (the page is locked)."""
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=143)  # noqa: F821
    VM_BUG_ON_PAGE(not PageMovable(page), page, "!PageMovable(page)", line=144)
    VM_BUG_ON_PAGE(not PageIsolated(page), page, "!PageIsolated(page)", line=145)  # noqa: F821
    mapping = page_mapping(page)
    mapping.a_ops.putback_page(page)
    __ClearPageIsolated(page)  # noqa: F821


def putback_movable_pages(l):
    """mm/migrate.c: putback_movable_pages() — return every page of an isolated list where it
    came from (the LRU, or its driver), undoing NR_ISOLATED_ANON/FILE."""
    from cmaport.mm.vmscan import putback_lru_page

    for page in list_for_each_entry_safe(l):
        # PageHuge(): no hugetlb pages (putback_active_hugepage).
        list_del(page)
        dec_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
        # An LRU page's mapping never carries PAGE_MAPPING_MOVABLE, so __PageMovable tells
        # the isolated non-LRU pages apart.
        if __PageMovable(page):
            VM_BUG_ON_PAGE(not PageIsolated(page), page, "!PageIsolated(page)", line=179)  # noqa: F821
            lock_page(page)
            if PageMovable(page):
                putback_movable_page(page)
            else:
                __ClearPageIsolated(page)  # noqa: F821
            unlock_page(page)
            put_page(page)
        else:
            putback_lru_page(page)


# --- migration ptes ---------------------------------------------------------------------

def remove_migration_pte(new, vma, addr, old):
    """mm/migrate.c: remove_migration_pte() — a migration entry for ``old`` at ``addr``
    becomes a pte of ``new`` (old: never young; writable only if the entry was a write entry
    and the VMA still allows it), with its rmap and mlock."""
    from cmaport.mm.mlock import mlock_vma_page
    from cmaport.mm.rmap import mm_find_pmd, page_add_anon_rmap, page_add_file_rmap

    mm = vma.vm_mm
    # PageHuge(new): no hugetlb.
    pmd = mm_find_pmd(mm, addr)
    if pmd is None:
        return SWAP_AGAIN
    ptep = pte_offset_map(pmd, addr)
    # Model: spin_lock(ptl) — one CPU.
    pte = ptep_get(ptep)
    if not is_swap_pte(pte):
        return SWAP_AGAIN
    entry = pte_to_swp_entry(pte)
    if not is_migration_entry(entry) or migration_entry_to_page(entry) != old:
        return SWAP_AGAIN
    get_page(new)
    pte = pte_mkold(mk_pte(new, vma.vm_page_prot))
    # pte_swp_soft_dirty(): no soft-dirty on ARM.
    # the VMA's permissions may have changed since the migration started
    if is_write_migration_entry(entry):
        pte = maybe_mkwrite(pte, vma)
    flush_dcache_page(new)
    set_pte_at(mm, addr, ptep, pte)
    account("ptes_updated")
    if PageAnon(new):
        page_add_anon_rmap(new, vma, addr, False)
    else:
        page_add_file_rmap(new, False)
    if (vma.vm_flags & VM_LOCKED) and not PageTransCompound(new):
        mlock_vma_page(new)
    # no need to invalidate: the entry was not present
    update_mmu_cache(vma, addr, ptep)
    return SWAP_AGAIN


def remove_migration_ptes(old, new, locked):
    """mm/migrate.c: remove_migration_ptes() — replace every migration entry of ``old`` by a
    pte of ``new`` (found through ``new``'s rmap)."""
    from cmaport.mm.rmap import rmap_walk, rmap_walk_locked

    rwc = rmap_walk_control(rmap_one=remove_migration_pte, arg=old)
    if locked:
        rmap_walk_locked(new, rwc)
    else:
        rmap_walk(new, rwc)


def __migration_entry_wait(mm, ptep, ptl):
    """mm/migrate.c: __migration_entry_wait() — a fault met a migration entry: wait for the
    page lock (the migration holds it), then retry the fault.

    Model: nothing runs beside the migration, so a locked page here can never be unlocked:
    WouldBlock is raised before the reference C takes (and would drop after waiting).
    """
    pte = ptep_get(ptep)
    if not is_swap_pte(pte):
        return
    entry = pte_to_swp_entry(pte)
    if not is_migration_entry(entry):
        return
    page = migration_entry_to_page(entry)
    if PageLocked(page):  # noqa: F821
        wait_on_page_locked(page)
    if not get_page_unless_zero(page):
        return
    wait_on_page_locked(page)
    put_page(page)


def migration_entry_wait(mm, pmd, address):
    """mm/migrate.c: migration_entry_wait()."""
    ptep = pte_offset_map(pmd, address)
    __migration_entry_wait(mm, ptep, None)


# --- moving the mapping and the contents ----------------------------------------------------

def migrate_page_move_mapping(mapping, newpage, page, head, mode, extra_count):
    """mm/migrate.c: migrate_page_move_mapping() — hand the page's identity (mapping, index,
    page-cache slot, dirty bit) to ``newpage``, provided nobody else holds the page.

    The references expected are 1 for an anonymous page without a mapping (the isolation's)
    and 2 for a page-cache page (plus 1 with PagePrivate), plus ``extra_count``; any other
    count — a get_user_pages pin, say — fails with -EAGAIN, as does a page no longer in its
    slot.
    """
    s = struct_page_arrays.get()
    expected_count = 1 + extra_count
    if mapping is None:
        # an anonymous page without a mapping
        if page_count(page) != expected_count:
            return -EAGAIN
        # no turning back from here
        s.index[newpage] = s.index[page]
        if page in s.mapping:
            s.mapping[newpage] = s.mapping[page]
        if PageSwapBacked(page):  # noqa: F821
            __SetPageSwapBacked(newpage)  # noqa: F821
        return MIGRATEPAGE_SUCCESS

    oldzone = page_zone(page)
    newzone = page_zone(newpage)
    # Model: mapping->tree_lock — one CPU.
    index = page_index(page)
    expected_count += 1 + page_has_private(page)
    if page_count(page) != expected_count or mapping.page_tree.get(index) != page:
        return -EAGAIN
    if not page_ref_freeze(page, expected_count):
        return -EAGAIN
    # mode == MIGRATE_ASYNC && head: no buffer heads in the model.
    # Now nobody else looks at the page: no turning back.
    s.index[newpage] = s.index[page]
    s.mapping[newpage] = s.mapping[page]
    if PageSwapBacked(page):  # noqa: F821
        __SetPageSwapBacked(newpage)  # noqa: F821
    get_page(newpage)  # the page cache's reference
    if PageSwapCache(page):  # noqa: F821
        SetPageSwapCache(newpage)  # noqa: F821
        s.private[newpage] = s.private[page]
    # Move the dirty bit while the refs are frozen and newpage is not visible yet.
    dirty = PageDirty(page)  # noqa: F821
    if dirty:
        ClearPageDirty(page)  # noqa: F821
        SetPageDirty(newpage)  # noqa: F821
    mapping.page_tree[index] = newpage  # radix_tree_replace_slot()
    # Drop the cache's reference to the old page by unfreezing to one less.
    page_ref_unfreeze(page, expected_count - 1)
    # The counters of the page's zone move with it (the others follow the references).
    if newzone is not oldzone:
        __mod_node_page_state(oldzone.zone_pgdat, NR_FILE_PAGES, -1)
        __mod_node_page_state(newzone.zone_pgdat, NR_FILE_PAGES, 1)
        if PageSwapBacked(page) and not PageSwapCache(page):  # noqa: F821
            __mod_node_page_state(oldzone.zone_pgdat, NR_SHMEM, -1)
            __mod_node_page_state(newzone.zone_pgdat, NR_SHMEM, 1)
        from cmaport.include.linux.fs import mapping_cap_account_dirty

        if dirty and mapping_cap_account_dirty(mapping):
            __mod_node_page_state(oldzone.zone_pgdat, NR_FILE_DIRTY, -1)
            __dec_zone_state(oldzone, NR_ZONE_WRITE_PENDING)
            __mod_node_page_state(newzone.zone_pgdat, NR_FILE_DIRTY, 1)
            __inc_zone_state(newzone, NR_ZONE_WRITE_PENDING)
    return MIGRATEPAGE_SUCCESS


def migrate_page_copy(newpage, page):
    """mm/migrate.c: migrate_page_copy() — the contents (copy_highpage) and the page flags:
    error, referenced, uptodate, active or unevictable (moved), checked, mappedtodisk, dirty.

    PG_mlocked is not copied: remove_migration_pte() mlocks the new page again for each
    VM_LOCKED mapping (the old one lost PG_mlocked with its last mapping).
    """
    from cmaport.include.linux.highmem import copy_highpage
    from cmaport.mm.filemap import end_page_writeback

    # PageHuge() / PageTransHuge(): never here.
    copy_highpage(newpage, page)
    if PageError(page):  # noqa: F821
        SetPageError(newpage)  # noqa: F821
    if PageReferenced(page):  # noqa: F821
        SetPageReferenced(newpage)  # noqa: F821
    if PageUptodate(page):
        SetPageUptodate(newpage)
    if TestClearPageActive(page):  # noqa: F821
        VM_BUG_ON_PAGE(PageUnevictable(page), page, "PageUnevictable(page)", line=635)  # noqa: F821
        SetPageActive(newpage)  # noqa: F821
    elif TestClearPageUnevictable(page):  # noqa: F821
        SetPageUnevictable(newpage)  # noqa: F821
    if PageChecked(page):  # noqa: F821
        SetPageChecked(newpage)  # noqa: F821
    if PageMappedToDisk(page):  # noqa: F821
        SetPageMappedToDisk(newpage)  # noqa: F821
    # the dirty bit of a page migrate_page_move_mapping() did not handle
    if PageDirty(page):  # noqa: F821
        SetPageDirty(newpage)  # noqa: F821
    # page_is_young/page_is_idle: no idle page tracking; cpupid: no NUMA balancing;
    # ksm_migrate_page(): no KSM.
    if PageSwapCache(page):  # noqa: F821
        ClearPageSwapCache(page)  # noqa: F821
    ClearPagePrivate(page)  # noqa: F821
    struct_page_arrays.get().private[page] = 0
    # wake any waiters on the new page
    if PageWriteback(newpage):  # noqa: F821
        end_page_writeback(newpage)
    # copy_page_owner(), mem_cgroup_migrate(): not configured.


def migrate_page(mapping, newpage, page, mode):
    """mm/migrate.c: migrate_page() — the generic ->migratepage of pages without private
    data: move the mapping, then copy (both pages locked)."""
    BUG_ON(PageWriteback(page), line=699)  # noqa: F821
    rc = migrate_page_move_mapping(mapping, newpage, page, None, mode, 0)
    if rc != MIGRATEPAGE_SUCCESS:
        return rc
    migrate_page_copy(newpage, page)
    return MIGRATEPAGE_SUCCESS


def buffer_migrate_page(mapping, newpage, page, mode):
    """mm/migrate.c: buffer_migrate_page() — for pages with buffer heads; the model's pages
    never have any, so this is migrate_page()."""
    if not page_has_private(page):
        return migrate_page(mapping, newpage, page, mode)
    raise NotImplementedError("Model: no buffer heads")


def writeout(mapping, page):
    """mm/migrate.c: writeout() — write a dirty page out so it can migrate later: this
    attempt is lost (-EAGAIN, or -EIO)."""
    if mapping.a_ops.writepage is None:
        return -EINVAL
    from cmaport.mm.page_writeback import clear_page_dirty_for_io

    if not clear_page_dirty_for_io(page):
        return -EAGAIN  # someone else already started a write
    # The page must be clean to migrate; writepage may drop the lock, so the ptes go back
    # to the old page first.
    remove_migration_ptes(page, page, False)
    rc = mapping.a_ops.writepage(page, None)  # wbc: WB_SYNC_NONE, one page, for reclaim
    if rc != AOP_WRITEPAGE_ACTIVATE:
        lock_page(page)  # it came back unlocked
    return -EIO if rc < 0 else -EAGAIN


def fallback_migrate_page(mapping, newpage, page, mode):
    """mm/migrate.c: fallback_migrate_page() — a mapping without ->migratepage: dirty pages
    are written out first (full MIGRATE_SYNC only, else -EBUSY); private data must go."""
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.mm.filemap import try_to_release_page

    if PageDirty(page):  # noqa: F821
        if mode != MIGRATE_SYNC:
            return -EBUSY
        return writeout(mapping, page)
    if page_has_private(page) and not try_to_release_page(page, GFP_KERNEL):
        return -EAGAIN
    return migrate_page(mapping, newpage, page, mode)


def move_to_new_page(newpage, page, mode):
    """mm/migrate.c: move_to_new_page() — move a locked, unmapped page with the right
    migratepage; on success a page-cache page loses its mapping (an anonymous or movable one
    keeps it for the statistics; free_pages_prepare clears it).

    :return: MIGRATEPAGE_SUCCESS or a negative errno
    """
    rc = -EAGAIN
    is_lru = not __PageMovable(page)
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=854)  # noqa: F821
    VM_BUG_ON_PAGE(not PageLocked(newpage), newpage, "!PageLocked(newpage)", line=855)  # noqa: F821
    mapping = page_mapping(page)
    if is_lru:
        if mapping is None:
            rc = migrate_page(mapping, newpage, page, mode)
        elif mapping.a_ops.migratepage is not None:
            # the common path: most filesystems (and swap) have a ->migratepage
            rc = mapping.a_ops.migratepage(mapping, newpage, page, mode)
        else:
            rc = fallback_migrate_page(mapping, newpage, page, mode)
    else:
        # a non-LRU page may have been released since it was isolated
        VM_BUG_ON_PAGE(not PageIsolated(page), page, "!PageIsolated(page)", line=880)  # noqa: F821
        if not PageMovable(page):
            rc = MIGRATEPAGE_SUCCESS
            __ClearPageIsolated(page)  # noqa: F821
            return rc
        rc = mapping.a_ops.migratepage(mapping, newpage, page, mode)
        WARN_ON_ONCE(rc == MIGRATEPAGE_SUCCESS and not PageIsolated(page), line=889)  # noqa: F821
    if rc == MIGRATEPAGE_SUCCESS:
        if __PageMovable(page):
            VM_BUG_ON_PAGE(not PageIsolated(page), page, "!PageIsolated(page)", line=899)  # noqa: F821
            # cleared under the page lock so no compactor tries to migrate it
            __ClearPageIsolated(page)  # noqa: F821
        # Anonymous and movable mappings are cleared by free_pages_prepare; PageAnon must
        # stay true for the statistics until then.
        from cmaport.include.linux.page_flags import PageMappingFlags

        if not PageMappingFlags(page):
            struct_page_arrays.get().mapping.pop(page, None)
    return rc


def __unmap_and_move(page, newpage, force, mode):
    """mm/migrate.c: __unmap_and_move() — lock the page, unmap it to migration entries,
    move it, and map the new (or, on failure, the old) page again.

    Model: the labels out_unlock_both / out_unlock / out of C are the steps after
    ``locked_part`` returns (it says whether newpage was locked).
    """
    from cmaport.include.linux.sched import PF_MEMALLOC, current
    from cmaport.mm.rmap import page_get_anon_vma, try_to_unmap

    rc = -EAGAIN
    is_lru = not __PageMovable(page)
    anon_vma = None

    if not trylock_page(page):
        if not force or mode == MIGRATE_ASYNC:
            return _unmap_and_move_out(rc, newpage)
        # Direct compaction must never wait for a page lock: it may hold another (readahead
        # adds pages locked, and one bio can cover several of them).
        if current().flags & PF_MEMALLOC:
            return _unmap_and_move_out(rc, newpage)
        lock_page(page)

    def locked_part():
        """mm/migrate.c: __unmap_and_move() with the page locked, up to out_unlock_both.

        Returns ``(rc, whether newpage was locked)``.
        """
        nonlocal anon_vma
        page_was_mapped = 0
        rc = -EAGAIN
        if PageWriteback(page):  # noqa: F821
            # Only a full synchronous migration waits for writeback.
            if mode != MIGRATE_SYNC:
                return -EBUSY, False
            if not force:
                return rc, False
            wait_on_page_writeback(page)
        # try_to_unmap() may take the mapcount to 0, after which the anon_vma could be
        # freed: hold a reference until the end.
        if PageAnon(page) and not PageKsm(page):
            anon_vma = page_get_anon_vma(page)
        # Block others from the new page while references to it are set up.
        if not trylock_page(newpage):
            return rc, False
        if not is_lru:
            return move_to_new_page(newpage, page, mode), True
        if struct_page_arrays.get().mapping.get(page) is None:
            # A new swap-cache page without rmap yet, or an orphaned page with private
            # data: try_to_unmap() would BUG on it.
            VM_BUG_ON_PAGE(PageAnon(page), page, "PageAnon(page)", line=1013)
            if page_has_private(page):
                # try_to_free_buffers(): the model's pages carry no buffers.
                return rc, True
        elif page_mapped(page):
            # Establish migration ptes
            VM_BUG_ON_PAGE(PageAnon(page) and not PageKsm(page) and anon_vma is None, page,
                           "PageAnon(page) && !PageKsm(page) && !anon_vma", line=1020)
            try_to_unmap(page, TTU_MIGRATION | TTU_IGNORE_MLOCK | TTU_IGNORE_ACCESS)
            page_was_mapped = 1
        if not page_mapped(page):
            rc = move_to_new_page(newpage, page, mode)
        if page_was_mapped:
            remove_migration_ptes(page, newpage if rc == MIGRATEPAGE_SUCCESS else page, False)
        return rc, True

    rc, newpage_locked = locked_part()
    if newpage_locked:
        # out_unlock_both:
        unlock_page(newpage)
    # out_unlock: drop the anon_vma reference if we took one
    if anon_vma is not None:
        put_anon_vma(anon_vma)
    unlock_page(page)
    return _unmap_and_move_out(rc, newpage)


def _unmap_and_move_out(rc, newpage):
    """Model-only: __unmap_and_move's ``out:`` — a migrated newpage drops the migration's
    reference: an LRU page goes to the LRU (through the pagevec), a movable one is put."""
    from cmaport.mm.vmscan import putback_lru_page

    if rc == MIGRATEPAGE_SUCCESS:
        if __PageMovable(newpage):
            put_page(newpage)
        else:
            putback_lru_page(newpage)
    return rc


def unmap_and_move(get_new_page, put_new_page, private, page, force, mode, reason):
    """mm/migrate.c: unmap_and_move() — get a target page and migrate one page to it.

    For any result but -EAGAIN the page leaves the list (NR_ISOLATED down): migrated, its
    isolation reference is dropped (freeing it); failed for good, it goes back to the LRU
    (or its driver). The target is released unless it was used.
    """
    from cmaport.mm.vmscan import putback_lru_page

    rc = MIGRATEPAGE_SUCCESS
    result = [None]
    newpage = get_new_page(page, private, result)
    if newpage is None:
        return -ENOMEM
    account("pages_allocated")

    skip_to_out = False
    if page_count(page) == 1:
        # the page was freed from under us: done
        ClearPageActive(page)  # noqa: F821
        ClearPageUnevictable(page)  # noqa: F821
        if __PageMovable(page):
            lock_page(page)
            if not PageMovable(page):
                __ClearPageIsolated(page)  # noqa: F821
            unlock_page(page)
        if put_new_page is not None:
            put_new_page(newpage, private)
        else:
            put_page(newpage)
        skip_to_out = True
    if not skip_to_out:
        # PageTransHuge(): no THP to split.
        rc = __unmap_and_move(page, newpage, force, mode)
        # set_page_owner_migrate_reason(): no page owner.
    # out:
    if rc != -EAGAIN:
        # A migrated page has lost all references and will be freed; one that failed keeps
        # its references and is put back.
        list_del(page)
        dec_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
    if rc == MIGRATEPAGE_SUCCESS:
        # release the reference taken at isolation
        put_page(page)
        if reason == MR_MEMORY_FAILURE:
            pass  # test_set_page_hwpoison(): no MEMORY_FAILURE
    elif not skip_to_out:
        if rc != -EAGAIN:
            if not __PageMovable(page):
                putback_lru_page(page)
            else:
                lock_page(page)
                if PageMovable(page):
                    putback_movable_page(page)
                else:
                    __ClearPageIsolated(page)  # noqa: F821
                unlock_page(page)
                put_page(page)
        # put_new:
        if put_new_page is not None:
            put_new_page(newpage, private)
        else:
            put_page(newpage)
    if result[0] is not None:
        result[0][0] = rc if rc else page_to_nid(newpage)
    return rc


def migrate_pages(from_, get_new_page, put_new_page, private, mode, reason):
    """mm/migrate.c: migrate_pages() — migrate the isolated pages on ``from_`` to pages from
    ``get_new_page``.

    Up to 10 passes while some page asks to be retried (-EAGAIN); from the fourth pass on
    the page lock is taken by force. -ENOMEM stops at once (returned); other errors fail the
    page for good. Pages that still wanted a retry after the last pass count as failed and
    stay on the list; the caller puts back what is left (putback_movable_pages) when the
    result is not 0.

    :return: the number of pages not migrated, or -ENOMEM
    """
    from cmaport.include.linux.sched import PF_SWAPWRITE, current

    retry = 1
    nr_failed = 0
    nr_succeeded = 0
    tsk = current()
    swapwrite = tsk.flags & PF_SWAPWRITE
    if not swapwrite:
        tsk.flags |= PF_SWAPWRITE
    rc = 0
    try:
        pass_ = 0
        while pass_ < 10 and retry:
            retry = 0
            if pass_:
                account("retries")
            for page in list_for_each_entry_safe(from_):
                # cond_resched()
                if PageHuge(page):
                    raise NotImplementedError("Model: no hugetlb pages")
                rc = unmap_and_move(get_new_page, put_new_page, private, page, pass_ > 2,
                                    mode, reason)
                if rc == -ENOMEM:
                    nr_failed += 1
                    account("pages_failed")
                    return rc
                elif rc == -EAGAIN:
                    retry += 1
                elif rc == MIGRATEPAGE_SUCCESS:
                    nr_succeeded += 1
                    account("pages_migrated")
                else:
                    # A permanent failure (-EBUSY, -ENOSYS, ...): unlike -EAGAIN the page
                    # has left the list and is not tried again.
                    nr_failed += 1
                    account("pages_failed")
            pass_ += 1
        nr_failed += retry
        if retry:
            account("pages_failed", retry)
        rc = nr_failed
        return rc
    finally:
        # out:
        if nr_succeeded:
            count_vm_events(PGMIGRATE_SUCCESS, nr_succeeded)
        if nr_failed:
            count_vm_events(PGMIGRATE_FAIL, nr_failed)
        # trace_mm_migrate_pages(): not modelled.
        if not swapwrite:
            tsk.flags &= ~PF_SWAPWRITE
