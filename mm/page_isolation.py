# SPDX-License-Identifier: GPL-2.0-only
"""mm/page_isolation.c: turning pageblocks MIGRATE_ISOLATE and back (CONFIG_MEMORY_ISOLATION).

An isolated pageblock keeps its free pages on the MIGRATE_ISOLATE free lists, where no
allocation finds them, and every page freed inside it lands there too (the free path
re-reads the pageblock type while ``zone->nr_isolate_pageblock`` is non-zero). The free
counters leave those pages out. alloc_contig_range() isolates the pageblocks around the
range it wants, migrates what is in use, checks with ``test_pages_isolated`` that every
page is free, takes the pages, and undoes the isolation.

* ``start_isolate_page_range`` isolates pageblock by pageblock and, on the first
  pageblock it cannot isolate, un-isolates the ones before it and returns -EBUSY; both
  ends must be pageblock-aligned (``BUG_ON``, lines 169-170).
* ``undo_isolate_page_range`` un-isolates every pageblock of the range that is
  MIGRATE_ISOLATE (``BUG_ON`` on unaligned ends, lines 201-202).
* ``test_pages_isolated`` returns 0 when every pageblock of the range is isolated and every
  pfn lies in a free buddy block, else -EBUSY.
* ``alloc_migrate_target`` is the ``new_page_t`` alloc_contig_range passes to
  migrate_pages(): an order-0 ``GFP_USER | __GFP_MOVABLE`` page (``__GFP_HIGHMEM`` too for a
  highmem source), which may come from another CMA pageblock but never from the isolated
  range.

v4.9 has no check that a pageblock is already isolated: ``set_migratetype_isolate`` on a
MIGRATE_ISOLATE pageblock whose pages are all free (or on the LRU) isolates it a second
time — ``nr_isolate_pageblock`` and NR_FREE_PAGES are changed twice, and the one undo
that follows leaves them wrong (fixed upstream in v4.18, "make start_isolate_page_range()
fail if already isolated"). The port keeps v4.9's behaviour and records a diagnostic.

Cost accounting (kernel/cost.py): ``has_unmovable_pages`` and ``test_pages_isolated``
count each pfn they look at as ``pages_scanned``; every ``drain_all_pages`` is a
``drains``; a block freed again by ``unset_migratetype_isolate`` is ``pages_freed``.

Model: ``zone->lock`` (irqsave) is a comment — one CPU, no interrupts.
"""

import attrs

from cmaport.include.linux.errno import EBUSY
from cmaport.include.linux.gfp import GFP_USER, __GFP_HIGHMEM, __GFP_MOVABLE, alloc_page
from cmaport.include.linux.mm import page_to_pfn, page_zone, pfn_to_page, pfn_valid_within
from cmaport.include.linux.mmzone import MIGRATE_ISOLATE
from cmaport.include.linux.page_flags import PageBuddy, PageHighMem, PageHuge, PageHWPoison
from cmaport.include.linux.page_isolation import is_migrate_isolate_page
from cmaport.include.trace.events.page_isolation import trace_test_pages_isolated  # CREATE_TRACE_POINTS
from cmaport.kernel.cost import account
from cmaport.kernel.machine import this_machine
from cmaport.kernel.panic import BUG_ON
from cmaport.mm.internal import __find_buddy_index, page_order

# include/linux/memory.h
MEM_ISOLATE_COUNT = 1 << 0


@attrs.define(slots=True, eq=False)
class memory_isolate_notify_arg:
    """include/linux/memory.h: struct memory_isolate_notify — what the notifier is asked."""

    start_pfn: int = 0
    nr_pages: int = 0
    pages_found: int = 0


def memory_isolate_notify(val, v):
    """include/linux/memory.h: memory_isolate_notify() — 0: the inline stub of a kernel
    without CONFIG_MEMORY_HOTPLUG_SPARSE (ARM has no memory hotplug, so no balloon driver
    can report pages)."""
    return 0


def notifier_to_errno(ret):
    """include/linux/notifier.h: notifier_to_errno() — NOTIFY_STOP_MASK'ed result to errno."""
    NOTIFY_STOP_MASK = 0x8000
    NOTIFY_OK = 0x0001
    ret &= ~NOTIFY_STOP_MASK
    return NOTIFY_OK - ret if ret > NOTIFY_OK else 0


def _pageblock_nr_pages():
    """Model-only: pageblock_nr_pages of the running machine's configuration."""
    return this_machine().config.pageblock_nr_pages


def set_migratetype_isolate(page, skip_hwpoisoned_pages):
    """mm/page_isolation.c: set_migratetype_isolate() — isolate the pageblock of ``page``.

    The pageblock may be isolated when has_unmovable_pages() finds nothing in the way
    (MOVABLE and CMA pageblocks are never looked at). It then becomes MIGRATE_ISOLATE,
    ``zone->nr_isolate_pageblock`` goes up, its free pages move to the ISOLATE lists and
    leave the free counters (NR_FREE_CMA_PAGES too, by the old type), and the per-cpu
    lists are drained. Returns 0 or -EBUSY.
    """
    from cmaport.mm.page_alloc import (__mod_zone_freepage_state, drain_all_pages,
                                       get_pageblock_migratetype, has_unmovable_pages,
                                       move_freepages_block, set_pageblock_migratetype)

    ret = -EBUSY
    zone = page_zone(page)

    # Model: spin_lock_irqsave(&zone->lock) — one CPU.
    pfn = page_to_pfn(page)
    arg = memory_isolate_notify_arg(start_pfn=pfn, nr_pages=_pageblock_nr_pages(),
                                    pages_found=0)

    # Balloon drivers could vouch for pages they own here; none exists on ARM.
    notifier_ret = memory_isolate_notify(MEM_ISOLATE_COUNT, arg)
    notifier_ret = notifier_to_errno(notifier_ret)
    if not notifier_ret:
        # Only pageblocks without pinned, non-LRU pages may be isolated.
        if not has_unmovable_pages(zone, page, arg.pages_found, skip_hwpoisoned_pages):
            ret = 0

    # out:
    if not ret:
        migratetype = get_pageblock_migratetype(page)
        if migratetype == MIGRATE_ISOLATE:
            # Model: v4.9 does not notice; say what it does to the counters.
            this_machine().diagnose(
                "mm/page_isolation.c",
                "set_migratetype_isolate: pageblock at pfn %#x is already MIGRATE_ISOLATE; "
                "v4.9 isolates it again (nr_isolate_pageblock and NR_FREE_PAGES change twice "
                "and one undo will not restore them)" % (pfn & ~(_pageblock_nr_pages() - 1)))
        set_pageblock_migratetype(page, MIGRATE_ISOLATE)
        zone.nr_isolate_pageblock += 1
        nr_pages = move_freepages_block(zone, page, MIGRATE_ISOLATE)
        __mod_zone_freepage_state(zone, -nr_pages, migratetype)

    # Model: spin_unlock_irqrestore(&zone->lock).
    if not ret:
        drain_all_pages(zone)
        account("drains")
    return ret


def unset_migratetype_isolate(page, migratetype):
    """mm/page_isolation.c: unset_migratetype_isolate() — give the pageblock of ``page``
    back to ``migratetype`` (nothing happens unless it is MIGRATE_ISOLATE).

    A free block of at least pageblock order at the start, whose buddy is not isolated,
    could not merge while isolated: it is taken off the free list and freed again so the
    free path merges and counts it. Otherwise the pageblock's free pages move to the
    ``migratetype`` lists and return to the free counters.
    """
    from cmaport.mm.page_alloc import (__free_pages, __isolate_free_page,
                                       __mod_zone_freepage_state, get_pageblock_migratetype,
                                       move_freepages_block, post_alloc_hook,
                                       set_pageblock_migratetype)

    isolated_page = False
    order = 0
    zone = page_zone(page)
    # Model: spin_lock_irqsave(&zone->lock) — one CPU.
    if get_pageblock_migratetype(page) == MIGRATE_ISOLATE:
        s = this_machine().config
        if PageBuddy(page):
            order = page_order(page)
            if order >= s.pageblock_order:
                page_idx = page_to_pfn(page) & ((1 << s.MAX_ORDER) - 1)
                buddy_idx = __find_buddy_index(page_idx, order)
                buddy = page + (buddy_idx - page_idx)

                if pfn_valid_within(page_to_pfn(buddy)) and not is_migrate_isolate_page(buddy):
                    __isolate_free_page(page, order)
                    isolated_page = True

        # A block taken out above was the pageblock's only free memory: nothing to move.
        if not isolated_page:
            nr_pages = move_freepages_block(zone, page, migratetype)
            __mod_zone_freepage_state(zone, nr_pages, migratetype)
        set_pageblock_migratetype(page, migratetype)
        zone.nr_isolate_pageblock -= 1
    # out: Model: spin_unlock_irqrestore(&zone->lock).
    if isolated_page:
        post_alloc_hook(page, order, __GFP_MOVABLE)
        __free_pages(page, order)
        account("pages_freed", 1 << order)


def __first_valid_page(pfn, nr_pages):
    """mm/page_isolation.c: __first_valid_page() — the first page of the range that
    pfn_valid_within() accepts, or NULL (always the first on ARM: no holes in zones)."""
    i = 0
    while i < nr_pages:
        if pfn_valid_within(pfn + i):
            break
        i += 1
    if i == nr_pages:
        return None
    return pfn_to_page(pfn + i)


def start_isolate_page_range(start_pfn, end_pfn, migratetype, skip_hwpoisoned_pages):
    """mm/page_isolation.c: start_isolate_page_range() — isolate every pageblock of
    ``[start_pfn, end_pfn)`` (both pageblock-aligned, else BUG).

    On the first pageblock that cannot be isolated, the ones already done are given back
    to ``migratetype`` and the result is -EBUSY (nothing is printed); 0 on success.
    C's ``goto undo`` is the second loop.
    """
    pageblock_nr_pages = _pageblock_nr_pages()
    BUG_ON(start_pfn & (pageblock_nr_pages - 1),
           "start_pfn %#x is not pageblock-aligned" % start_pfn, line=169)
    BUG_ON(end_pfn & (pageblock_nr_pages - 1),
           "end_pfn %#x is not pageblock-aligned" % end_pfn, line=170)

    undo_pfn = None
    pfn = start_pfn
    while pfn < end_pfn:
        page = __first_valid_page(pfn, pageblock_nr_pages)
        if page is not None and set_migratetype_isolate(page, skip_hwpoisoned_pages):
            undo_pfn = pfn
            break  # goto undo
        pfn += pageblock_nr_pages
    else:
        return 0

    # undo:
    pfn = start_pfn
    while pfn < undo_pfn:
        unset_migratetype_isolate(pfn_to_page(pfn), migratetype)
        pfn += pageblock_nr_pages
    return -EBUSY


def undo_isolate_page_range(start_pfn, end_pfn, migratetype):
    """mm/page_isolation.c: undo_isolate_page_range() — give every MIGRATE_ISOLATE pageblock
    of ``[start_pfn, end_pfn)`` (both pageblock-aligned, else BUG) back to ``migratetype``.
    Returns 0."""
    from cmaport.mm.page_alloc import get_pageblock_migratetype

    pageblock_nr_pages = _pageblock_nr_pages()
    BUG_ON(start_pfn & (pageblock_nr_pages - 1),
           "start_pfn %#x is not pageblock-aligned" % start_pfn, line=201)
    BUG_ON(end_pfn & (pageblock_nr_pages - 1),
           "end_pfn %#x is not pageblock-aligned" % end_pfn, line=202)
    pfn = start_pfn
    while pfn < end_pfn:
        page = __first_valid_page(pfn, pageblock_nr_pages)
        if page is not None and get_pageblock_migratetype(page) == MIGRATE_ISOLATE:
            unset_migratetype_isolate(page, migratetype)
        pfn += pageblock_nr_pages
    return 0


def __test_page_isolated_in_pageblock(pfn, end_pfn, skip_hwpoisoned_pages):
    """mm/page_isolation.c: __test_page_isolated_in_pageblock() — walk ``[pfn, end_pfn)``
    over free blocks (and, if asked, hwpoisoned pages); returns the first pfn that is
    neither, or ``end_pfn`` (or beyond) when all are."""
    steps = 0
    while pfn < end_pfn:
        steps += 1
        if not pfn_valid_within(pfn):
            pfn += 1
            continue
        page = pfn_to_page(pfn)
        if PageBuddy(page):
            # A free block; it should be on an ISOLATE list, which is not checked.
            pfn += 1 << page_order(page)
        elif skip_hwpoisoned_pages and PageHWPoison(page):
            pfn += 1
        else:
            break
    account("pages_scanned", steps)
    return pfn


def test_pages_isolated(start_pfn, end_pfn, skip_hwpoisoned_pages):
    """mm/page_isolation.c: test_pages_isolated() — 0 if every pageblock of
    ``[start_pfn, end_pfn)`` is MIGRATE_ISOLATE and every pfn is in a free block, else
    -EBUSY. The range must lie in one zone (the caller's duty)."""
    from cmaport.mm.page_alloc import get_pageblock_migratetype

    pageblock_nr_pages = _pageblock_nr_pages()
    # Pageblock types first (free blocks need not be pageblock-aligned).
    pfn = start_pfn
    while pfn < end_pfn:
        page = __first_valid_page(pfn, pageblock_nr_pages)
        if page is not None and get_pageblock_migratetype(page) != MIGRATE_ISOLATE:
            break
        pfn += pageblock_nr_pages
    # Model: end_pfn - start_pfn is an unsigned long in C (masked to 32 bits).
    page = __first_valid_page(start_pfn, (end_pfn - start_pfn) & 0xFFFFFFFF)
    if pfn < end_pfn or page is None:
        return -EBUSY
    # Then every page, under the zone lock.
    # Model: spin_lock_irqsave(&page_zone(page)->lock) — one CPU.
    pfn = __test_page_isolated_in_pageblock(start_pfn, end_pfn, skip_hwpoisoned_pages)

    trace_test_pages_isolated(start_pfn, end_pfn, pfn)

    return -EBUSY if pfn < end_pfn else 0


def alloc_migrate_target(page, private, resultp):
    """mm/page_isolation.c: alloc_migrate_target() — the ``new_page_t`` of
    alloc_contig_range's migration: an order-0 ``GFP_USER | __GFP_MOVABLE`` page, with
    ``__GFP_HIGHMEM`` when the source is a highmem page. (A huge page would get a huge
    page on the next node; the model has no hugetlbfs, so ``PageHuge`` is always false.)
    """
    gfp_mask = GFP_USER | __GFP_MOVABLE

    if PageHuge(page):
        # alloc_huge_page_node(page_hstate(compound_head(page)), next_node_in(...)):
        # no CONFIG_HUGETLB_PAGE on this ARM configuration.
        return None

    if PageHighMem(page):
        gfp_mask |= __GFP_HIGHMEM

    return alloc_page(gfp_mask)
