# SPDX-License-Identifier: GPL-2.0-only
"""mm/compaction.c: the scanners alloc_contig_range() borrows from compaction.

v4.9 compiles this part of the file for ``CONFIG_COMPACTION || CONFIG_CMA``. The port has
what alloc_contig_range needs (§4.8 of the reference inventory):

* the *free scanner* in strict mode — ``isolate_freepages_range`` /
  ``isolate_freepages_block`` take every free buddy block of a range off the free lists,
  ``map_pages`` turns them into order-0 pages with a reference each, and
  ``release_freepages`` gives them back when the range has a hole;
* the *migration scanner* — ``isolate_migratepages_range`` /
  ``isolate_migratepages_block`` take at most ``COMPACT_CLUSTER_MAX`` in-use movable
  pages (LRU pages through ``__isolate_lru_page``, driver pages through
  ``isolate_movable_page``) off their lists onto ``cc->migratepages`` and account them in
  NR_ISOLATED_ANON/FILE (``acct_isolated``);
* the helpers they use: ``update_pageblock_skip`` (with CONFIG_COMPACTION CMA sets
  ``ignore_skip_hint`` so it returns at once; without it C has an empty stub), the lock
  helpers, ``too_many_isolated``, and ``count_compact_events``, which counts the
  ``compact_*`` VM events only with CONFIG_COMPACTION.

Direct compaction, kcompactd and the free scanner's non-strict use (``isolate_freepages``,
``compaction_alloc``) are not ported: nothing in the CMA stack calls them.

Cost accounting (kernel/cost.py): each pfn a scanner looks at is ``pages_scanned``, each
page it takes off a list (LRU or free list) is ``pages_isolated``, each page
``release_freepages`` frees is ``pages_freed``.

Model: there is one CPU, no interrupts and no signals unless a test raises one (see
``fatal_signal_pending``): ``zone->lock`` and the LRU lock are comments, ``need_resched()``
is always false, and the lock is never contended.
"""

from cmaport.include.linux.gfp import __GFP_MOVABLE, __free_page
from cmaport.include.linux.kernel import ALIGN, round_down
from cmaport.include.linux.list import (INIT_LIST_HEAD, LIST_HEAD, list_add, list_add_tail,
                                        list_del, list_empty, list_for_each_entry,
                                        list_for_each_entry_safe, list_head_release,
                                        list_splice)
from cmaport.include.linux.mm import (VM_BUG_ON_PAGE, compound_order, page_mapcount, page_private, page_to_pfn,
                                      pfn_to_page, pfn_valid_within, set_page_private)
from cmaport.include.linux.migrate_mode import MIGRATE_ASYNC
from cmaport.include.linux.mmzone import (ISOLATE_UNEVICTABLE, NR_ACTIVE_ANON, NR_ACTIVE_FILE,
                                          NR_INACTIVE_ANON, NR_INACTIVE_FILE, NR_ISOLATED_ANON,
                                          NR_ISOLATED_FILE)
from cmaport.include.linux.page_flags import (PageBuddy, PageCompound, PageIsolated, PageLRU,
                                              __PageMovable)
from cmaport.include.linux.page_ref import page_count
from cmaport.include.linux.pageblock_flags import set_pageblock_skip
from cmaport.include.linux.vmstat import (COMPACTFREE_SCANNED, COMPACTISOLATED,
                                          COMPACTMIGRATE_SCANNED, count_vm_events,
                                          mod_node_page_state, node_page_state)
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.cost import account
from cmaport.kernel.machine import this_machine
from cmaport.mm.internal import page_order, page_order_unsafe, pageblock_pfn_to_page

SWAP_CLUSTER_MAX = 32  # include/linux/swap.h
COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX  # include/linux/swap.h
HZ = 100  # CONFIG_HZ of the ARM multiplatform build


def count_compact_events(item, delta):
    """mm/compaction.c: count_compact_events() — count_vm_events(); compiles to nothing
    without CONFIG_COMPACTION (the compact_* events do not exist then). (Its sibling
    count_compact_event() is only used by the direct compaction this port does not have.)"""
    if IS_ENABLED("CONFIG_COMPACTION"):
        count_vm_events(item, delta)


def _pageblock_order():
    """Model-only: pageblock_order of the running machine's configuration."""
    return this_machine().config.pageblock_order


def block_start_pfn(pfn, order):
    """mm/compaction.c: block_start_pfn() — ``pfn`` rounded down to ``2^order``."""
    return round_down(pfn, 1 << order)


def block_end_pfn(pfn, order):
    """mm/compaction.c: block_end_pfn() — the next ``2^order`` boundary above ``pfn``."""
    return ALIGN(pfn + 1, 1 << order)


def pageblock_start_pfn(pfn):
    """mm/compaction.c: pageblock_start_pfn()."""
    return block_start_pfn(pfn, _pageblock_order())


def pageblock_end_pfn(pfn):
    """mm/compaction.c: pageblock_end_pfn()."""
    return block_end_pfn(pfn, _pageblock_order())


# --- the running task (no scheduler in the model) ------------------------------------------

def fatal_signal_pending(current=None):
    """include/linux/sched.h: fatal_signal_pending() — has the task been sent SIGKILL?

    Model: there is no task model here; a test delivers a fatal signal to the task doing
    the work by setting ``machine.model_fatal_signal = True`` (false by default), which
    lets the -EINTR paths of the scanners and of alloc_contig_range run.
    """
    return bool(getattr(this_machine(), "model_fatal_signal", False))


def need_resched():
    """include/linux/sched.h: need_resched() — Model: nothing else wants the CPU."""
    return False


def cond_resched():
    """include/linux/sched.h: cond_resched() — Model: nothing to switch to."""


def congestion_wait(sync, timeout):
    """mm/backing-dev.c: congestion_wait() — sleep up to ``timeout`` jiffies.

    Model: no block device is congested and no other task runs, so the wait always lasts
    the whole timeout; the simulated clock advances by it.
    """
    this_machine().clock_ns += timeout * (1000000000 // HZ)
    return timeout


BLK_RW_ASYNC = 0  # include/linux/backing-dev-defs.h


# --- the free pages ------------------------------------------------------------------------

def release_freepages(freelist):
    """mm/compaction.c: release_freepages() — free every page on ``freelist``; returns the
    highest pfn freed."""
    high_pfn = 0
    nr = 0
    for page in list_for_each_entry_safe(freelist):
        pfn = page_to_pfn(page)
        list_del(page)
        __free_page(page)
        nr += 1
        if pfn > high_pfn:
            high_pfn = pfn
    if nr:
        account("pages_freed", nr)
    return high_pfn


def map_pages(list_):
    """mm/compaction.c: map_pages() — make the isolated buddy blocks on ``list_`` usable:
    each block (its order kept in page_private) gets the allocation hook and is split, and
    its pages replace it on the list as order-0 pages."""
    from cmaport.mm.page_alloc import post_alloc_hook, split_page

    tmp_list = LIST_HEAD()
    for page in list_for_each_entry_safe(list_):
        list_del(page)

        order = page_private(page)
        nr_pages = 1 << order

        post_alloc_hook(page, order, __GFP_MOVABLE)
        if order:
            split_page(page, order)

        for _ in range(nr_pages):
            list_add(page, tmp_list)
            page += 1

    list_splice(tmp_list, list_)
    # Model: tmp_list lived on the stack; its slot is given back.
    INIT_LIST_HEAD(tmp_list)
    list_head_release(tmp_list)


def update_pageblock_skip(cc, page, nr_isolated, migrate_scanner):
    """mm/compaction.c: update_pageblock_skip() (CONFIG_COMPACTION) — mark a pageblock that
    gave nothing as one to skip, and move the zone's cached scanner positions.

    Callers that ``ignore_skip_hint`` (alloc_contig_range does) change nothing. Without
    CONFIG_COMPACTION (a CMA-only build) C compiles the empty stub instead.
    """
    if not IS_ENABLED("CONFIG_COMPACTION"):
        return  # the !CONFIG_COMPACTION stub: no skip bits, no cached scanner positions
    zone = cc.zone
    if cc.ignore_skip_hint:
        return
    if page is None:
        return
    if nr_isolated:
        return
    set_pageblock_skip(page)
    pfn = page_to_pfn(page)
    if migrate_scanner:
        if pfn > zone.compact_cached_migrate_pfn[0]:
            zone.compact_cached_migrate_pfn[0] = pfn
        if cc.mode != MIGRATE_ASYNC and pfn > zone.compact_cached_migrate_pfn[1]:
            zone.compact_cached_migrate_pfn[1] = pfn
    else:
        if pfn < zone.compact_cached_free_pfn:
            zone.compact_cached_free_pfn = pfn


def compact_trylock_irqsave(lock, cc):
    """mm/compaction.c: compact_trylock_irqsave() — take the lock (ASYNC: only if free).

    Model: one CPU, so the lock is always free; returns true (held).
    """
    return True


def compact_unlock_should_abort(lock, locked, cc):
    """mm/compaction.c: compact_unlock_should_abort() — drop the lock if held; should the
    scan stop (fatal signal, or ASYNC and a reschedule is due)?

    C clears ``*locked``; the port returns ``(abort, locked)``.
    """
    if locked:
        locked = False  # Model: spin_unlock_irqrestore — nothing to release
    if fatal_signal_pending():
        cc.contended = True
        return True, locked
    if need_resched():
        if cc.mode == MIGRATE_ASYNC:
            cc.contended = True
            return True, locked
        cond_resched()
    return False, locked


def compact_should_abort(cc):
    """mm/compaction.c: compact_should_abort() — need_resched handling without a lock."""
    if need_resched():
        if cc.mode == MIGRATE_ASYNC:
            cc.contended = True
            return True
        cond_resched()
    return False


def isolate_freepages_block(cc, start_pfn, end_pfn, freelist, strict):
    """mm/compaction.c: isolate_freepages_block() — take the free buddy blocks of
    ``[start_pfn, end_pfn)`` off the free lists onto ``freelist`` (each with its order in
    page_private).

    In ``strict`` mode (CMA) the first pfn that is not the head of a free block ends the
    walk and the result is 0, even if some blocks were taken already. C updates
    ``*start_pfn`` with how far it got; the port returns ``(total_isolated, start_pfn)``.
    """
    from cmaport.mm.page_alloc import __isolate_free_page

    MAX_ORDER = this_machine().config.MAX_ORDER
    nr_scanned = 0
    total_isolated = 0
    valid_page = None
    locked = False
    blockpfn = start_pfn
    cursor = pfn_to_page(blockpfn)

    while blockpfn < end_pfn:
        page = cursor
        failed = False

        # Every SWAP_CLUSTER_MAX pfns the lock is dropped (and the scan may stop).
        if not (blockpfn % SWAP_CLUSTER_MAX):
            abort, locked = compact_unlock_should_abort(None, locked, cc)
            if abort:
                break

        nr_scanned += 1
        if not pfn_valid_within(blockpfn):
            failed = True
        else:
            if valid_page is None:
                valid_page = page

            if PageCompound(page):
                # Skip a compound page whole (its order is read without a lock).
                comp_order = compound_order(page)
                if comp_order < MAX_ORDER:
                    blockpfn += (1 << comp_order) - 1
                    cursor += (1 << comp_order) - 1
                failed = True
            elif not PageBuddy(page):
                failed = True
            else:
                if not locked:
                    # Model: zone->lock — compact_trylock_irqsave always succeeds.
                    locked = compact_trylock_irqsave(None, cc)
                    if not locked:
                        break
                    # Recheck under the lock.
                    if not PageBuddy(page):
                        failed = True
                if not failed:
                    # A free block: take it whole; map_pages splits it later.
                    order = page_order(page)
                    isolated = __isolate_free_page(page, order)
                    if not isolated:
                        break
                    set_page_private(page, order)

                    total_isolated += isolated
                    cc.nr_freepages += isolated
                    list_add_tail(page, freelist)

                    if not strict and cc.nr_migratepages <= cc.nr_freepages:
                        blockpfn += isolated
                        break
                    # Continue after the block.
                    blockpfn += isolated - 1
                    cursor += isolated - 1
                    blockpfn += 1
                    cursor += 1
                    continue

        # isolate_fail:
        if strict:
            break
        blockpfn += 1
        cursor += 1

    if locked:
        locked = False  # Model: spin_unlock_irqrestore(&cc->zone->lock)

    # A bogus compound order could have carried the pfn past the block.
    if blockpfn > end_pfn:
        blockpfn = end_pfn

    # trace_mm_compaction_isolate_freepages(): no trace event in the model.

    new_start_pfn = blockpfn
    taken = total_isolated  # Model: for the cost accounting below

    # Strict callers want every page of the range or nothing.
    if strict and blockpfn < end_pfn:
        total_isolated = 0

    if blockpfn == end_pfn:
        update_pageblock_skip(cc, valid_page, total_isolated, False)

    count_compact_events(COMPACTFREE_SCANNED, nr_scanned)
    if total_isolated:
        count_compact_events(COMPACTISOLATED, total_isolated)
    account("pages_scanned", nr_scanned)
    if taken:
        account("pages_isolated", taken)
    return total_isolated, new_start_pfn


def isolate_freepages_range(cc, start_pfn, end_pfn):
    """mm/compaction.c: isolate_freepages_range() — take every page of
    ``[start_pfn, end_pfn)`` off the free lists as order-0 pages with a reference each.

    Returns one past the last pfn taken (beyond ``end_pfn`` when the last free block
    reaches past it), or 0 — after giving everything back — if any pfn of the range is
    not free, is a hole, or lies outside ``cc->zone``.
    """
    pageblock_nr_pages = 1 << _pageblock_order()
    freelist = LIST_HEAD()

    pfn = start_pfn
    block_start = pageblock_start_pfn(pfn)
    if block_start < cc.zone.zone_start_pfn:
        block_start = cc.zone.zone_start_pfn
    block_end = pageblock_end_pfn(pfn)

    isolated = 0
    first = True
    while True:
        if not first:
            # The for loop's step: on to the next pageblock.
            pfn += isolated
            block_start = block_end
            block_end += pageblock_nr_pages
        first = False
        if not pfn < end_pfn:
            break

        # isolate_freepages_block moves its own copy of pfn.
        isolate_start_pfn = pfn

        block_end = min(block_end, end_pfn)

        # A block larger than a pageblock can carry pfn past block_end: realign.
        if pfn >= block_end:
            block_start = pageblock_start_pfn(pfn)
            block_end = pageblock_end_pfn(pfn)
            block_end = min(block_end, end_pfn)

        if pageblock_pfn_to_page(block_start, block_end, cc.zone) is None:
            break

        isolated, isolate_start_pfn = isolate_freepages_block(cc, isolate_start_pfn,
                                                              block_end, freelist, True)

        # Strict mode: 0 means a hole or a page in use somewhere in the block.
        if not isolated:
            break

    # __isolate_free_page() left the blocks whole.
    map_pages(freelist)

    if pfn < end_pfn:
        # Stopped early: give everything back.
        release_freepages(freelist)
        list_head_release(freelist)  # Model: the on-stack list head goes away
        return 0

    # The caller does not want the list itself, only the pages.
    # Model: the on-stack list head goes away; the pages keep stale links, as in C.
    INIT_LIST_HEAD(freelist)
    list_head_release(freelist)
    return pfn


# --- the pages to migrate ------------------------------------------------------------------

def acct_isolated(zone, cc):
    """mm/compaction.c: acct_isolated() — add the anon and file pages on
    ``cc->migratepages`` to NR_ISOLATED_ANON / NR_ISOLATED_FILE."""
    from cmaport.include.linux.mm_inline import page_is_file_cache

    if list_empty(cc.migratepages):
        return
    count = [0, 0]
    for page in list_for_each_entry(cc.migratepages):
        count[1 if page_is_file_cache(page) else 0] += 1
    mod_node_page_state(zone.zone_pgdat, NR_ISOLATED_ANON, count[0])
    mod_node_page_state(zone.zone_pgdat, NR_ISOLATED_FILE, count[1])


def too_many_isolated(zone):
    """mm/compaction.c: too_many_isolated() — more pages isolated than half the LRU pages?"""
    pgdat = zone.zone_pgdat
    inactive = node_page_state(pgdat, NR_INACTIVE_FILE) + node_page_state(pgdat, NR_INACTIVE_ANON)
    active = node_page_state(pgdat, NR_ACTIVE_FILE) + node_page_state(pgdat, NR_ACTIVE_ANON)
    isolated = node_page_state(pgdat, NR_ISOLATED_FILE) + node_page_state(pgdat, NR_ISOLATED_ANON)
    return isolated > (inactive + active) // 2


def isolate_migratepages_block(cc, low_pfn, end_pfn, isolate_mode):
    """mm/compaction.c: isolate_migratepages_block() — move the movable in-use pages of
    ``[low_pfn, end_pfn)`` (one pageblock) onto ``cc->migratepages``, stopping once
    ``COMPACT_CLUSTER_MAX`` are there.

    Free blocks and compound pages are stepped over, pinned anonymous pages (more
    references than mappings) are left alone, LRU pages are taken with
    ``__isolate_lru_page`` and non-LRU movable pages with ``isolate_movable_page``.
    Returns the first pfn not scanned, or 0 on a fatal signal.
    """
    from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_lru
    from cmaport.mm.swap import mem_cgroup_page_lruvec
    from cmaport.mm.util import page_mapping
    from cmaport.mm.vmscan import __isolate_lru_page

    MAX_ORDER = this_machine().config.MAX_ORDER
    zone = cc.zone
    nr_scanned = 0
    nr_isolated = 0
    locked = False
    page = None
    valid_page = None
    skip_on_failure = False
    next_skip_pfn = 0

    # Wait while reclaim and compaction hold too many LRU pages isolated.
    while too_many_isolated(zone):
        if cc.mode == MIGRATE_ASYNC:
            return 0
        congestion_wait(BLK_RW_ASYNC, HZ // 10)
        if fatal_signal_pending():
            return 0
        # Model: no other task can put its isolated pages back, so the condition cannot
        # change while this one waits; v4.9 would wait for ever. Say so and go on.
        this_machine().diagnose(
            "mm/compaction.c",
            "isolate_migratepages_block: too_many_isolated() stays true with nobody left to "
            "put pages back; v4.9 would wait in congestion_wait() for ever")
        break

    if compact_should_abort(cc):
        return 0

    if cc.direct_compaction and cc.mode == MIGRATE_ASYNC:
        skip_on_failure = True
        next_skip_pfn = block_end_pfn(low_pfn, cc.order)

    while low_pfn < end_pfn:
        success = False
        if skip_on_failure and low_pfn >= next_skip_pfn:
            # The previous cc->order block was all isolated: migrate it first.
            if nr_isolated:
                break
            next_skip_pfn = block_end_pfn(low_pfn, cc.order)

        # Every SWAP_CLUSTER_MAX pfns the LRU lock is dropped (and the scan may stop).
        if not (low_pfn % SWAP_CLUSTER_MAX):
            abort, locked = compact_unlock_should_abort(None, locked, cc)
            if abort:
                break

        if pfn_valid_within(low_pfn):
            nr_scanned += 1
            page = pfn_to_page(low_pfn)
            if valid_page is None:
                valid_page = page

            if PageBuddy(page):
                # A free block: skip it (order read without the zone lock).
                freepage_order = page_order_unsafe(page)
                if 0 < freepage_order < MAX_ORDER:
                    low_pfn += (1 << freepage_order) - 1
                low_pfn += 1
                continue

            if PageCompound(page):
                # THP and hugetlbfs pages are not moved here; skip them whole.
                comp_order = compound_order(page)
                if comp_order < MAX_ORDER:
                    low_pfn += (1 << comp_order) - 1
            elif not PageLRU(page):
                # A driver's movable page (checked again under its page lock).
                if __PageMovable(page) and not PageIsolated(page):
                    if locked:
                        locked = False  # Model: spin_unlock_irqrestore(zone_lru_lock)
                    from cmaport.mm.migrate import isolate_movable_page

                    if isolate_movable_page(page, isolate_mode):
                        success = True
            elif not page_mapping(page) and page_count(page) > page_mapcount(page):
                # An anonymous page pinned beyond its mappings cannot move now.
                pass
            else:
                ok = True
                if not locked:
                    # Model: zone_lru_lock(zone) — always free on one CPU.
                    locked = compact_trylock_irqsave(None, cc)
                    if not locked:
                        break
                    if not PageLRU(page):
                        ok = False
                    elif PageCompound(page):
                        low_pfn += (1 << compound_order(page)) - 1
                        ok = False
                if ok:
                    lruvec = mem_cgroup_page_lruvec(page, zone.zone_pgdat)
                    if __isolate_lru_page(page, isolate_mode) == 0:
                        VM_BUG_ON_PAGE(PageCompound(page), page, "PageCompound(page)",
                                       line=865)
                        del_page_from_lru_list(page, lruvec, page_lru(page))
                        success = True

        if success:
            # isolate_success:
            list_add(page, cc.migratepages)
            cc.nr_migratepages += 1
            nr_isolated += 1
            # Where migration is likely to free pages first.
            if not cc.last_migrated_pfn:
                cc.last_migrated_pfn = low_pfn
            if cc.nr_migratepages == COMPACT_CLUSTER_MAX:
                low_pfn += 1
                break
            low_pfn += 1
            continue

        # isolate_fail:
        if not skip_on_failure:
            low_pfn += 1
            continue
        # Direct ASYNC compaction only: release what this cc->order block gave.
        if nr_isolated:
            if locked:
                locked = False
            acct_isolated(zone, cc)
            from cmaport.mm.migrate import putback_movable_pages

            putback_movable_pages(cc.migratepages)
            cc.nr_migratepages = 0
            cc.last_migrated_pfn = 0
            nr_isolated = 0
        if low_pfn < next_skip_pfn:
            low_pfn = next_skip_pfn - 1
            next_skip_pfn += 1 << cc.order
        low_pfn += 1

    # Skipping a free block may have gone past the range.
    if low_pfn > end_pfn:
        low_pfn = end_pfn

    if locked:
        locked = False  # Model: spin_unlock_irqrestore(zone_lru_lock(zone))

    if low_pfn == end_pfn:
        update_pageblock_skip(cc, valid_page, nr_isolated, True)

    # trace_mm_compaction_isolate_migratepages(): no trace event in the model.
    count_compact_events(COMPACTMIGRATE_SCANNED, nr_scanned)
    if nr_isolated:
        count_compact_events(COMPACTISOLATED, nr_isolated)
    account("pages_scanned", nr_scanned)
    if nr_isolated:
        account("pages_isolated", nr_isolated)
    return low_pfn


def isolate_migratepages_range(cc, start_pfn, end_pfn):
    """mm/compaction.c: isolate_migratepages_range() — isolate the next batch (at most
    ``COMPACT_CLUSTER_MAX``) of movable pages of ``[start_pfn, end_pfn)``, pageblock by
    pageblock, skipping pageblocks that are not wholly valid and in ``cc->zone``.

    Returns the pfn to continue from (possibly past ``end_pfn``), or 0 on a fatal signal.
    """
    pageblock_nr_pages = 1 << _pageblock_order()
    pfn = start_pfn
    block_start = pageblock_start_pfn(pfn)
    if block_start < cc.zone.zone_start_pfn:
        block_start = cc.zone.zone_start_pfn
    block_end = pageblock_end_pfn(pfn)

    while pfn < end_pfn:
        block_end = min(block_end, end_pfn)

        if pageblock_pfn_to_page(block_start, block_end, cc.zone) is not None:
            pfn = isolate_migratepages_block(cc, pfn, block_end, ISOLATE_UNEVICTABLE)
            if not pfn:
                break
            if cc.nr_migratepages == COMPACT_CLUSTER_MAX:
                break

        # The for loop's step.
        pfn = block_end
        block_start = block_end
        block_end += pageblock_nr_pages

    acct_isolated(cc.zone, cc)
    return pfn
