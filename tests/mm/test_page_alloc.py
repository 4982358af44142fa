# SPDX-License-Identifier: GPL-2.0-only
"""Tests for the v4.9 buddy allocator (mm/page_alloc.py) on hand-built machines.

Expected values are worked out from v4.9's mm/page_alloc.c and mm/nobootmem.c for the
machines of conftest.py. The 64 MiB machine (RAM 0x60000000-0x64000000, 8 pageblocks of
2048 pages, 6 MiB reserved at 0x60100000, mem_map at the top) ends its boot with these
free blocks, all MOVABLE, handed over lowest address first:

====== =================================================================
order  blocks (pfn)
====== =================================================================
11     0x60800 0x61000 0x61800 0x62000 0x62800 0x63000
10     0x63800
9      0x63c00
8      0x60000 0x60700 0x63e00
6..0   0x63f00 0x63f40 0x63f60 0x63f70 0x63f78 0x63f7c 0x63f7e
====== =================================================================

(0x63f7f holds the 4-byte usemap, 0x63f80-0x63fff the mem_map.)
"""

import re

import pytest

from cmaport.include.linux.gfp import (GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOWAIT,
                                       GFP_TEMPORARY, __GFP_DMA, __GFP_HIGHMEM, __GFP_MEMALLOC,
                                       __GFP_MOVABLE, __GFP_NOWARN, __GFP_RECLAIMABLE, alloc_pages,
                                       gfp_zone, gfpflags_to_migratetype)
from cmaport.include.linux.list import list_for_each
from cmaport.include.linux.mm import page_to_pfn, page_zone, pfn_to_page
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import (MIGRATE_CMA, MIGRATE_ISOLATE,
                                          MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_TYPES,
                                          MIGRATE_UNMOVABLE, NODE_DATA, NR_FREE_CMA_PAGES,
                                          NR_FREE_PAGES, zone_type)
from cmaport.include.linux.page_flags import PageBuddy
from cmaport.kernel.errors import KernelBug
from cmaport.mm.debug import model_check_zone
from cmaport.mm.internal import ALLOC_CMA, ALLOC_HARDER, ALLOC_HIGH
from cmaport.mm.page_alloc import (
    __free_pages,
    __isolate_free_page,
    __zone_watermark_ok,
    can_steal_fallback,
    drain_all_pages,
    fallbacks,
    find_suitable_fallback,
    get_pageblock_migratetype,
    is_free_buddy_page,
    move_freepages_block,
    page_alloc_c,
    set_pageblock_migratetype,
    split_page,
)

MOVABLE = GFP_HIGHUSER_MOVABLE | __GFP_NOWARN
# Takes everything, watermarks ignored (the slow path's ALLOC_NO_WATERMARKS).
GRAB = GFP_NOWAIT | __GFP_MEMALLOC | __GFP_NOWARN


def zone0():
    return NODE_DATA(0).node_zones[0]


def free_list(zone, order, mt):
    return [page_to_pfn(p) for p in list_for_each(zone.free_area[order].free_list[mt])]


def pcp_list(zone, mt):
    return [page_to_pfn(p) for p in list_for_each(zone.pageset[0].pcp.lists[mt])]


def free_blocks(zone, mt):
    """``{pfn: order}`` of the free blocks on ``mt``'s lists."""
    out = {}
    for order in range(len(zone.free_area)):
        for pfn in free_list(zone, order, mt):
            out[pfn] = order
    return out


def grab_all(gfp=GRAB | __GFP_MOVABLE):
    """Allocate order-0 pages until the zone is empty; returns their pfns."""
    got = []
    while True:
        page = alloc_pages(gfp, 0)
        if page is None:
            return got
        got.append(page_to_pfn(page))


def free_pfns(pfns, drain=True):
    for pfn in pfns:
        __free_pages(pfn_to_page(pfn), 0)
    if drain:
        drain_all_pages(None)


def assert_consistent():
    assert model_check_zone(zone0()) == []


# --- the boot state --------------------------------------------------------------------

def test_boot_frees_lowest_first_and_lists_keep_the_last_at_the_head(mm):
    z = zone0()
    assert free_list(z, 11, MIGRATE_MOVABLE) == [0x63000, 0x62800, 0x62000, 0x61800, 0x61000, 0x60800]
    assert free_list(z, 10, MIGRATE_MOVABLE) == [0x63800]
    assert free_list(z, 9, MIGRATE_MOVABLE) == [0x63c00]
    # v4.9 adds boot-time blocks at the head: the highest block is handed out first
    # (6.1 queues them at the tail with FPI_TO_TAIL and starts from the bottom) ...
    # ... except where __free_one_page's tail rule applies: 0x63e00 (order 8) was freed
    # right after 0x63c00 (order 9), which is the order-9 buddy of 0x63e00's order-9
    # block, so it went to the tail.
    assert free_list(z, 8, MIGRATE_MOVABLE) == [0x60700, 0x60000, 0x63e00]
    assert [free_list(z, o, MIGRATE_MOVABLE) for o in range(7)] == [
        [0x63f7e], [0x63f7c], [0x63f78], [0x63f70], [0x63f60], [0x63f40], [0x63f00]]
    assert z.vm_stat[NR_FREE_PAGES] == 14719 == z.managed_pages
    assert page_alloc_c.get().totalram_pages == 14719
    assert_consistent()


def test_every_pageblock_starts_movable_and_reserved_pages_are_marked(mm):
    from cmaport.include.linux.page_flags import PageReserved

    for pfn in range(0x60000, 0x64000, 2048):
        assert get_pageblock_migratetype(pfn_to_page(pfn)) == MIGRATE_MOVABLE
    s = struct_page_arrays.get()
    assert PageReserved(pfn_to_page(0x60100)) and PageReserved(pfn_to_page(0x63fff))
    assert not PageReserved(pfn_to_page(0x60800))
    # A reserved page keeps the _refcount 1 of memmap_init_zone; free pages have 0.
    assert s._refcount[pfn_to_page(0x60100)] == 1
    assert s._refcount[pfn_to_page(0x60800)] == 0
    assert PageBuddy(pfn_to_page(0x60800)) and not PageBuddy(pfn_to_page(0x60801))


# --- allocation order, fallbacks and stealing ----------------------------------------------

def test_movable_request_takes_the_smallest_block_and_refills_the_pcp_in_order(mm):
    z = zone0()
    page = alloc_pages(MOVABLE, 0)
    # rmqueue_bulk moved batch (3) pages: 0x63f7e, then 0x63f7c split from order 1
    # (0x63f7d went to the order-0 list and came next).
    assert page_to_pfn(page) == 0x63f7e
    assert pcp_list(z, MIGRATE_MOVABLE) == [0x63f7c, 0x63f7d]
    assert z.pageset[0].pcp.count == 2
    assert z.vm_stat[NR_FREE_PAGES] == 14719 - 3
    assert_consistent()


def test_first_unmovable_request_steals_the_largest_movable_block(mm):
    z = zone0()
    page = alloc_pages(GFP_KERNEL, 0)
    # __rmqueue_fallback searches from MAX_ORDER-1 down and takes the first order-11
    # MOVABLE block; a whole pageblock changes type (change_pageblock_range).
    assert page_to_pfn(page) == 0x63000
    assert get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE
    # The rest of the block was split onto the UNMOVABLE lists (expand with start type).
    assert free_list(z, 10, MIGRATE_UNMOVABLE) == [0x63400]
    assert free_list(z, 1, MIGRATE_UNMOVABLE) == []  # 0x63002 went to the pcp list
    assert pcp_list(z, MIGRATE_UNMOVABLE) == [0x63001, 0x63002]
    assert free_list(z, 0, MIGRATE_UNMOVABLE) == [0x63003]
    assert 0x63000 not in free_blocks(z, MIGRATE_MOVABLE)
    assert_consistent()


def test_fallbacks_table_is_v49():
    assert fallbacks[MIGRATE_UNMOVABLE] == (MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES)
    assert fallbacks[MIGRATE_RECLAIMABLE] == (MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES)
    assert fallbacks[MIGRATE_MOVABLE] == (MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES)
    assert fallbacks[MIGRATE_CMA] == (MIGRATE_TYPES,)
    assert fallbacks[MIGRATE_ISOLATE] == (MIGRATE_TYPES,)


@pytest.mark.parametrize("order,start_mt,disabled,expected", [
    (11, MIGRATE_MOVABLE, 0, True),     # a whole pageblock
    (5, MIGRATE_MOVABLE, 0, True),      # pageblock_order / 2 = 5
    (4, MIGRATE_MOVABLE, 0, False),
    (0, MIGRATE_MOVABLE, 0, False),
    (0, MIGRATE_UNMOVABLE, 0, True),
    (0, MIGRATE_RECLAIMABLE, 0, True),
    (0, MIGRATE_MOVABLE, 1, True),      # mobility grouping off
])
def test_can_steal_fallback(mm, order, start_mt, disabled, expected):
    page_alloc_c.get().page_group_by_mobility_disabled = disabled
    assert can_steal_fallback(order, start_mt) is expected


def test_find_suitable_fallback_reports_the_first_nonempty_fallback(mm):
    z = zone0()
    # Order 11 holds MOVABLE blocks only: UNMOVABLE falls back to MOVABLE (RECLAIMABLE empty).
    assert find_suitable_fallback(z.free_area[11], 11, MIGRATE_UNMOVABLE, False) == (MIGRATE_MOVABLE, True)
    # A small MOVABLE request may not claim a pageblock, but the type is still returned
    # unless only stealable fallbacks are wanted.
    set_pageblock_migratetype(pfn_to_page(0x60800), MIGRATE_UNMOVABLE)
    move_freepages_block(z, pfn_to_page(0x60800), MIGRATE_UNMOVABLE)
    assert find_suitable_fallback(z.free_area[11], 2, MIGRATE_MOVABLE, False) == (MIGRATE_UNMOVABLE, False)
    assert find_suitable_fallback(z.free_area[11], 2, MIGRATE_MOVABLE, True) == (-1, False)
    assert find_suitable_fallback(z.free_area[7], 7, MIGRATE_MOVABLE, False) == (-1, False)


def _block_partly_free(nfree):
    """Take every page, then give back the first ``nfree`` pages of pageblock 0x60800."""
    got = grab_all()
    free_pfns([p for p in got if 0x60800 <= p < 0x60800 + nfree])
    z = zone0()
    assert sum(1 << o for o in free_blocks(z, MIGRATE_MOVABLE).values()) == nfree
    return z


def test_steal_claims_the_pageblock_when_at_least_half_is_free(mm):
    z = _block_partly_free(1100)
    page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)
    assert page is not None
    # move_freepages_block moved 1100 >= 1024 pages: the pageblock becomes UNMOVABLE.
    assert get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE
    assert free_blocks(z, MIGRATE_MOVABLE) == {}
    assert_consistent()


def test_steal_moves_pages_but_keeps_the_type_when_less_than_half_is_free(mm):
    z = _block_partly_free(1000)
    page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)
    # Only 1000 pages free: the free pages move to the UNMOVABLE lists, the pageblock
    # stays MOVABLE.
    assert get_pageblock_migratetype(page) == MIGRATE_MOVABLE
    assert free_blocks(z, MIGRATE_MOVABLE) == {}
    assert sum(1 << o for o in free_blocks(z, MIGRATE_UNMOVABLE).values()) == 1000 - 3
    assert_consistent()


def test_small_movable_fallback_takes_pages_without_claiming(mm):
    # An UNMOVABLE pageblock whose only free pages are one order-4 block; the MOVABLE
    # lists are empty. can_steal_fallback(4, MOVABLE) is false (4 < 11 / 2): the block is
    # taken but the pageblock and its other pages are left alone.
    got = grab_all()
    z = zone0()
    set_pageblock_migratetype(pfn_to_page(0x61000), MIGRATE_UNMOVABLE)
    free_pfns([p for p in got if 0x61000 <= p < 0x61010])
    assert free_blocks(z, MIGRATE_UNMOVABLE) == {0x61000: 4}
    page = alloc_pages(MOVABLE | __GFP_MEMALLOC, 0)  # 16 free pages: below the watermarks
    assert page_to_pfn(page) == 0x61000
    assert get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE
    # The split remainders go to the requester's (MOVABLE) lists; rmqueue_bulk then took
    # 0x61001 and 0x61002 (0x61003 split off) for the pcp list.
    assert free_blocks(z, MIGRATE_MOVABLE) == {0x61008: 3, 0x61004: 2, 0x61003: 0}
    assert pcp_list(z, MIGRATE_MOVABLE) == [0x61001, 0x61002]
    assert_consistent()


def test_a_whole_free_pageblock_is_claimed_even_by_a_movable_request(mm):
    got = grab_all()
    z = zone0()
    set_pageblock_migratetype(pfn_to_page(0x61000), MIGRATE_UNMOVABLE)
    free_pfns([p for p in got if 0x61000 <= p < 0x61800])
    assert free_blocks(z, MIGRATE_UNMOVABLE) == {0x61000: 11}
    page = alloc_pages(MOVABLE, 0)
    # An order-11 fallback block is a whole pageblock: it changes type (order >= pageblock_order).
    assert page_to_pfn(page) == 0x61000
    assert get_pageblock_migratetype(page) == MIGRATE_MOVABLE
    assert_consistent()


# --- merging -----------------------------------------------------------------------------------

def test_buddies_merge_on_free(mm):
    got = grab_all()
    assert zone0().vm_stat[NR_FREE_PAGES] == 0
    free_pfns([0x60800])
    free_pfns([0x60801])
    assert free_blocks(zone0(), MIGRATE_MOVABLE) == {0x60800: 1}
    free_pfns([0x60803])
    free_pfns([0x60802])
    assert free_blocks(zone0(), MIGRATE_MOVABLE) == {0x60800: 2}
    free_pfns([p for p in got if 0x60800 <= p < 0x61000 and p > 0x60803])
    assert free_blocks(zone0(), MIGRATE_MOVABLE) == {0x60800: 11}
    assert_consistent()


def test_a_block_whose_higher_buddy_is_free_goes_to_the_tail(mm):
    grab_all()
    z = zone0()
    free_pfns([0x60810])
    free_pfns([0x60806, 0x60807])
    assert free_list(z, 1, MIGRATE_MOVABLE) == [0x60806]
    # 0x60804's buddy 0x60805 is in use, but the order-1 buddy of 0x60804-5 (0x60806) is
    # free: merging is likely soon, so the page is queued at the tail.
    free_pfns([0x60804])
    assert free_list(z, 0, MIGRATE_MOVABLE) == [0x60810, 0x60804]
    # Without a free higher buddy a block goes to the head.
    free_pfns([0x60820])
    assert free_list(z, 0, MIGRATE_MOVABLE) == [0x60820, 0x60810, 0x60804]
    assert_consistent()


def test_blocks_never_merge_across_zones(mm_factory):
    # A DMA zone of 4097 pages: DMA ends at pfn 0x61001, Normal starts there, so pages
    # 0x61000 (DMA) and 0x61001 (Normal) are order-0 buddies in different zones.
    m = mm_factory(dma_zone_size=0x1001000)
    with m:
        dma, normal = NODE_DATA(0).node_zones[0], NODE_DATA(0).node_zones[1]
        assert (dma.zone_start_pfn, dma.spanned_pages) == (0x60000, 4097)
        assert (normal.zone_start_pfn, normal.spanned_pages) == (0x61001, 12287)
        assert page_zone(pfn_to_page(0x61000)) is dma
        assert page_zone(pfn_to_page(0x61001)) is normal
        # v4.9 assumes MAX_ORDER-aligned zone boundaries: free_all_bootmem hands the
        # order-11 block 0x61000-0x617ff to page_zone(0x61000), i.e. to DMA.
        assert free_blocks(dma, MIGRATE_MOVABLE)[0x61000] == 11
        # Normal requests fall back to DMA through the zonelist, above DMA's lowmem reserve.
        assert dma.lowmem_reserve[1] == normal.managed_pages // 256
        grab_all()
        assert all(z.vm_stat[NR_FREE_PAGES] == 0 for z in (dma, normal))
        free_pfns([0x61001])
        free_pfns([0x61000])
        # page_is_buddy() compares the zones: the two stay apart. (Normal's first, partial
        # pageblock was never set MOVABLE: memmap_init_zone marks aligned pfns only, so its
        # usemap entry is still 0, UNMOVABLE.)
        assert free_blocks(dma, MIGRATE_MOVABLE) == {0x61000: 0}
        assert free_blocks(normal, MIGRATE_UNMOVABLE) == {0x61001: 0}
        assert get_pageblock_migratetype(pfn_to_page(0x61001)) == MIGRATE_UNMOVABLE
        assert model_check_zone(dma) == [] and model_check_zone(normal) == []


# --- CMA ---------------------------------------------------------------------------------------

def test_cma_pageblocks_are_freed_as_whole_blocks(mm_cma):
    z = zone0()
    assert free_list(z, 11, MIGRATE_CMA) == [0x62800, 0x62000]
    assert z.vm_stat[NR_FREE_CMA_PAGES] == 4096
    assert page_alloc_c.get().totalcma_pages == 4096
    assert get_pageblock_migratetype(pfn_to_page(0x62000)) == MIGRATE_CMA
    assert_consistent()


def test_only_movable_requests_get_cma_pages_and_only_after_movable_lists_run_dry(mm_cma):
    z = zone0()
    cma = range(0x62000, 0x63000)
    # Unmovable requests never get CMA pages: they steal from MOVABLE and then fail.
    unmovable = grab_all(GRAB)
    assert unmovable and not any(p in cma for p in unmovable)
    assert z.vm_stat[NR_FREE_CMA_PAGES] == 4096
    assert alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) is None
    free_pfns(unmovable)
    # Movable requests use MOVABLE pages first; the first CMA page comes only when no
    # MOVABLE block is left at any order.
    got = []
    while True:
        page = alloc_pages(MOVABLE | __GFP_MEMALLOC, 0)
        pfn = page_to_pfn(page)
        if pfn in cma:
            break
        got.append(pfn)
    assert free_blocks(z, MIGRATE_MOVABLE) == {}
    assert_consistent()


def test_unmovable_request_does_not_count_free_cma_pages(mm_cma):
    z = zone0()
    grab_all(GRAB)  # everything but the CMA pageblocks
    free = z.vm_stat[NR_FREE_PAGES]
    assert free == z.vm_stat[NR_FREE_CMA_PAGES] == 4096
    mark = 100
    assert not __zone_watermark_ok(z, 0, mark, 0, 0, free)
    assert __zone_watermark_ok(z, 0, mark, 0, ALLOC_CMA, free)
    # Order 11: a CMA block is free; only ALLOC_CMA may count it.
    assert __zone_watermark_ok(z, 11, mark, 0, ALLOC_CMA, free)
    assert not __zone_watermark_ok(z, 11, mark, 0, 0, free + 10000)


def test_watermark_rules(mm):
    z = zone0()
    free = z.vm_stat[NR_FREE_PAGES]  # 14719
    assert __zone_watermark_ok(z, 0, free - 1, 0, 0, free)
    assert not __zone_watermark_ok(z, 0, free, 0, 0, free)
    # ALLOC_HIGH halves the mark, ALLOC_HARDER takes a quarter off.
    assert __zone_watermark_ok(z, 0, 2 * free - 2, 0, ALLOC_HIGH, free)
    assert __zone_watermark_ok(z, 0, (free * 4) // 3 - 2, 0, ALLOC_HARDER, free)
    # An order-n request first loses 2^n - 1 pages, then needs a free block of order >= n.
    assert __zone_watermark_ok(z, 11, free - 2048, 0, 0, free)
    assert not __zone_watermark_ok(z, 11, free - 2047, 0, 0, free)


def _more_free_cma_than_free(z):
    """Model-only: counters where NR_FREE_CMA_PAGES exceeds NR_FREE_PAGES (returns a restore)."""
    saved = z.vm_stat[NR_FREE_PAGES], z.vm_stat[NR_FREE_CMA_PAGES]
    z.vm_stat[NR_FREE_CMA_PAGES] = saved[0] + 100

    def restore():
        z.vm_stat[NR_FREE_PAGES], z.vm_stat[NR_FREE_CMA_PAGES] = saved
    return restore


def test_fast_watermark_compares_a_negative_difference_unsigned(mm):
    """zone_watermark_fast(): ``long free_pages - cma_pages`` against an ``unsigned long``
    mark: C converts the difference, so a negative one passes the order-0 check."""
    from cmaport.mm.page_alloc import zone_watermark_fast

    z = zone0()
    restore = _more_free_cma_than_free(z)
    try:
        mark = z.watermark[1]
        assert zone_watermark_fast(z, 0, mark, 0, 0)  # -100 as unsigned long passes
        # the full check is signed (long against long) and fails
        assert not __zone_watermark_ok(z, 0, mark, 0, 0, z.vm_stat[NR_FREE_PAGES])
        assert not zone_watermark_fast(z, 1, mark, 0, 0)  # order > 0 takes the full check
    finally:
        restore()


def test_inlined_fast_watermark_in_get_page_from_freelist(mm, monkeypatch):
    """get_page_from_freelist()'s inlined order-0 test converts the difference as C does:
    it passes without calling zone_watermark_fast()."""
    import cmaport.mm.page_alloc as pa

    def never(*args):
        raise AssertionError("the inlined fast check should have passed")

    z = zone0()
    restore = _more_free_cma_than_free(z)
    monkeypatch.setattr(pa, "zone_watermark_fast", never)
    try:
        page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)  # no ALLOC_CMA
        assert page is not None
    finally:
        restore()


def test_cma_page_freed_goes_to_the_movable_pcp_list_and_back_to_the_cma_list(mm_cma):
    z = zone0()
    s = struct_page_arrays.get()
    grab_all(GRAB)  # MOVABLE and the rest gone; only CMA is left
    cma_before = z.vm_stat[NR_FREE_CMA_PAGES]
    page = alloc_pages(MOVABLE | __GFP_MEMALLOC, 0)
    assert get_pageblock_migratetype(page) == MIGRATE_CMA
    # rmqueue_bulk took a batch from the CMA lists and counted them. (The batch is 1:
    # it was sized from managed_pages before the CMA pageblocks were added, and v4.9 does
    # not recompute it.)
    batch = z.pageset[0].pcp.batch
    assert batch == 1
    assert z.vm_stat[NR_FREE_CMA_PAGES] == cma_before - batch
    __free_pages(page, 0)
    assert page_to_pfn(page) in pcp_list(z, MIGRATE_MOVABLE)
    assert s.index[page] == MIGRATE_CMA  # the real type rides in page->index
    drain_all_pages(None)
    assert z.vm_stat[NR_FREE_CMA_PAGES] == cma_before
    assert free_list(z, 11, MIGRATE_CMA)  # merged back into its pageblock
    assert_consistent()


def test_isolate_free_page_keeps_cma_pageblocks_cma(mm_cma):
    z = zone0()
    page = pfn_to_page(0x62000)
    assert __isolate_free_page(page, 11) == 2048
    assert get_pageblock_migratetype(page) == MIGRATE_CMA
    assert z.vm_stat[NR_FREE_CMA_PAGES] == 2048
    assert not PageBuddy(page)
    assert_consistent()


def test_isolated_pageblock_pages_bypass_the_pcp_lists(mm):
    from cmaport.include.linux.vmstat import __mod_zone_freepage_state

    z = zone0()
    page = alloc_pages(MOVABLE, 0)
    pfn = page_to_pfn(page)
    # What set_migratetype_isolate() (next issue) does to the pageblock 0x63800-0x63fff.
    set_pageblock_migratetype(page, MIGRATE_ISOLATE)
    z.nr_isolate_pageblock += 1
    moved = move_freepages_block(z, page, MIGRATE_ISOLATE)
    __mod_zone_freepage_state(z, -moved, MIGRATE_MOVABLE)
    free_before = z.vm_stat[NR_FREE_PAGES]
    __free_pages(page, 0)
    # ISOLATE pages go straight to the buddy lists, are not counted as free, and merge
    # with their free buddies on the ISOLATE lists.
    assert pfn not in pcp_list(z, MIGRATE_MOVABLE)
    assert any(b <= pfn < b + (1 << o) for b, o in free_blocks(z, MIGRATE_ISOLATE).items())
    assert z.vm_stat[NR_FREE_PAGES] == free_before
    assert_consistent()


# --- gfp -------------------------------------------------------------------------------------

def test_gfp_to_migratetype_and_zone(mm):
    assert gfpflags_to_migratetype(GFP_KERNEL) == MIGRATE_UNMOVABLE
    assert gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE) == MIGRATE_MOVABLE
    assert gfpflags_to_migratetype(GFP_TEMPORARY) == MIGRATE_RECLAIMABLE
    zt = zone_type.get()
    # the default configuration (multi_v7_defconfig) has CONFIG_HIGHMEM
    assert (zt.ZONE_DMA, zt.ZONE_NORMAL, zt.ZONE_HIGHMEM, zt.ZONE_MOVABLE) == (0, 1, 2, 3)
    assert gfp_zone(GFP_KERNEL) == 1
    assert gfp_zone(__GFP_DMA) == 0
    assert gfp_zone(__GFP_HIGHMEM) == 2
    assert gfp_zone(__GFP_MOVABLE) == 1
    assert gfp_zone(__GFP_MOVABLE | __GFP_HIGHMEM) == 3
    assert gfp_zone(GFP_HIGHUSER_MOVABLE) == 3
    assert gfp_zone(__GFP_MOVABLE | __GFP_DMA) == 0


def test_gfp_zone_without_highmem_and_without_zone_dma(mm_factory):
    with mm_factory(settings=["CONFIG_HIGHMEM=n"]):
        zt = zone_type.get()
        assert (zt.ZONE_DMA, zt.ZONE_NORMAL, zt.ZONE_HIGHMEM, zt.ZONE_MOVABLE) == (0, 1, None, 2)
        assert gfp_zone(__GFP_HIGHMEM) == 1  # no CONFIG_HIGHMEM: ZONE_NORMAL
        assert gfp_zone(__GFP_MOVABLE) == 1
        assert gfp_zone(__GFP_MOVABLE | __GFP_HIGHMEM) == 2
    with mm_factory(settings=["CONFIG_HIGHMEM=n", "CONFIG_ZONE_DMA=n"]):
        zt = zone_type.get()
        assert (zt.ZONE_DMA, zt.ZONE_NORMAL, zt.ZONE_MOVABLE, zt.ZONES_SHIFT) == (None, 0, 1, 1)
        assert gfp_zone(__GFP_DMA) == 0
        assert NODE_DATA(0).node_zones[0].name == "Normal"


def test_mobility_grouping_off_on_small_machines(mm_factory):
    # 32 MiB: fewer than pageblock_nr_pages * MIGRATE_TYPES (12288) pages.
    m = mm_factory(ram_mb=32)
    with m:
        assert "Built 1 zonelists in Zone order, mobility grouping off.  Total pages: 8128" in m.dmesg()
        assert page_alloc_c.get().page_group_by_mobility_disabled == 1
        # Every request is UNMOVABLE, so none may use CMA; pcp types collapse to UNMOVABLE.
        assert gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE) == MIGRATE_UNMOVABLE
        page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0)
        assert get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE
        set_pageblock_migratetype(page, MIGRATE_MOVABLE)
        assert get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE
        set_pageblock_migratetype(page, MIGRATE_CMA)
        assert get_pageblock_migratetype(page) == MIGRATE_CMA


# --- reference counting and bad pages -------------------------------------------------------

def _bad_page_lines(m):
    lines = m.dmesg()
    i = next(i for i, l in enumerate(lines) if l.startswith("BUG: Bad page state"))
    return lines[i:]


def test_double_free_is_found_when_the_pcp_list_is_drained(mm):
    z = zone0()
    page = alloc_pages(MOVABLE, 0)
    page = alloc_pages(MOVABLE, 0)  # 0x63f7c
    pfn = page_to_pfn(page)
    free_before = z.vm_stat[NR_FREE_PAGES]
    __free_pages(page, 0)
    __free_pages(page, 0)  # the refcount goes to -1; v4.9 says nothing yet
    assert struct_page_arrays.get()._refcount[page] == -1
    assert any("double free" in d.message for d in mm.diagnostics)
    assert not any(l.startswith("BUG: Bad page") for l in mm.dmesg())
    drain_all_pages(None)
    lines = _bad_page_lines(mm)
    assert lines[0] == "BUG: Bad page state in process swapper/0  pfn:%05x" % pfn
    assert re.fullmatch(r"page:c3[0-9a-f]{6} count:-1 mapcount:0 mapping:  \(null\) index:0x1", lines[1])
    assert lines[2] == "flags: 0x0()"
    assert lines[3] == "page dumped because: nonzero _refcount"
    assert lines[4] == "Modules linked in:"
    assert lines[5].startswith("CPU: 0 PID: 0 Comm: swapper/0")
    assert "B" in mm.taint
    # The bad page is dropped, not freed; the rest of the pcp list went back.
    assert not is_free_buddy_page(page)
    assert z.vm_stat[NR_FREE_PAGES] == free_before + 1  # the other pcp page
    assert_consistent()


def test_double_free_with_debug_vm_is_a_vm_bug_on_page(mm_factory):
    m = mm_factory(settings=["CONFIG_DEBUG_VM=y"])
    with m:
        page = alloc_pages(MOVABLE, 0)
        __free_pages(page, 0)
        with pytest.raises(KernelBug) as e:
            __free_pages(page, 0)
        assert e.value.function == "put_page_testzero"
        lines = m.dmesg()
        assert lines[-5] == "page:c3ffefc0 count:0 mapcount:0 mapping:  (null) index:0x1"
        assert lines[-4] == "flags: 0x0()"
        assert lines[-3] == "page dumped because: VM_BUG_ON_PAGE(page_ref_count(page) == 0)"
        assert lines[-2] == "------------[ cut here ]------------"
        assert lines[-1] == "kernel BUG at include/linux/mm.h:445!"


def test_freeing_with_a_larger_order_reports_the_tail_page(mm):
    alloc_pages(MOVABLE, 0)  # 0x63f7e
    page = alloc_pages(MOVABLE, 0)  # 0x63f7c
    buddy = alloc_pages(MOVABLE, 0)  # 0x63f7d, still in use
    assert page_to_pfn(buddy) == page_to_pfn(page) + 1
    free_before = zone0().vm_stat[NR_FREE_PAGES]
    __free_pages(page, 1)
    lines = _bad_page_lines(mm)
    assert lines[0] == "BUG: Bad page state in process swapper/0  pfn:63f7d"
    assert lines[1] == "page:c3ffefa0 count:1 mapcount:0 mapping:  (null) index:0x0"
    assert lines[3] == "page dumped because: nonzero _refcount"
    # The whole free was abandoned; nothing reached the free lists.
    assert zone0().vm_stat[NR_FREE_PAGES] == free_before
    assert_consistent()


def test_split_page_makes_every_page_freeable(mm):
    z = zone0()
    page = alloc_pages(MOVABLE, 3)
    split_page(page, 3)
    s = struct_page_arrays.get()
    assert [s._refcount[page + i] for i in range(8)] == [1] * 8
    for i in range(8):
        __free_pages(page + i, 0)
    drain_all_pages(None)
    assert z.vm_stat[NR_FREE_PAGES] == 14719
    assert_consistent()


def test_compound_pages_free_through_their_destructor(mm):
    from cmaport.include.linux.gfp import __GFP_COMP
    from cmaport.include.linux.mm import compound_order, put_page
    from cmaport.include.linux.page_flags import PageHead, PageTail, compound_head

    page = alloc_pages(MOVABLE | __GFP_COMP, 2)
    assert PageHead(page) and compound_order(page) == 2
    assert all(PageTail(page + i) and compound_head(page + i) == page for i in range(1, 4))
    put_page(page + 2)  # any tail drops the head's reference
    assert zone0().vm_stat[NR_FREE_PAGES] == 14719
    assert not PageTail(page + 1)
    assert_consistent()


# --- allocation failure ---------------------------------------------------------------------

def test_failed_allocation_is_reported_by_warn_alloc(mm):
    grab_all(GRAB)
    n = len(mm.dmesg())
    assert alloc_pages(GFP_KERNEL, 0) is None
    lines = mm.dmesg()[n:]
    assert lines[0] == "swapper/0: page allocation failure: order:0, mode:0x24000c0(GFP_KERNEL)"
    assert lines[1].startswith("CPU: 0 PID: 0 Comm: swapper/0")
    i = lines.index("Mem-Info:")
    assert lines[i + 1] == "active_anon:0 inactive_anon:0 isolated_anon:0"
    assert lines[i + 6] == " free:0 free_pcp:0 free_cma:0"
    assert re.match(r"DMA free:0kB min:968kB low:1208kB high:1448kB ", lines[i + 8])
    assert lines[i + 9] == "lowmem_reserve[]: 0 0 0 0"  # DMA, Normal, HighMem, Movable
    assert lines[i + 10] == "DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB " \
                            "0*2048kB 0*4096kB 0*8192kB = 0kB"
    assert "16384 pages RAM" in lines and "1665 pages reserved" in lines
    assert "0 pages cma reserved" in lines
    # __GFP_NOWARN keeps quiet.
    n = len(mm.dmesg())
    assert alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) is None
    assert len(mm.dmesg()) == n


def test_orders_beyond_max_order_fail_with_a_warning(mm):
    assert alloc_pages(GFP_KERNEL, 12) is None
    assert mm.warnings and mm.warnings[-1].line == 3511


def test_get_page_and_put_page_count_references(mm):
    from cmaport.include.linux.mm import get_page, put_page
    from cmaport.include.linux.page_ref import page_count

    z = zone0()
    page = alloc_pages(MOVABLE, 0)
    get_page(page)
    assert page_count(page) == 2
    put_page(page)
    assert page_count(page) == 1 and page_to_pfn(page) not in pcp_list(z, MIGRATE_MOVABLE)
    put_page(page)  # the last reference frees the page (through the pcp list)
    assert page_count(page) == 0 and page_to_pfn(page) in pcp_list(z, MIGRATE_MOVABLE)
    # One more put is an underflow: v4.9 without CONFIG_DEBUG_VM only decrements.
    put_page(page)
    assert page_count(page) == -1
    assert any(d.where == "put_page_testzero" for d in mm.diagnostics)
    assert pcp_list(z, MIGRATE_MOVABLE).count(page_to_pfn(page)) == 1
    assert_consistent()


def test_debug_vm_checks_stay_quiet_in_correct_use(mm_factory):
    with mm_factory(settings=["CONFIG_DEBUG_VM=y"]) as m:
        pages = [(alloc_pages(g, o), o) for g in (GFP_KERNEL, MOVABLE, GFP_TEMPORARY)
                 for o in (0, 1, 3, 11)]
        for page, order in pages:
            __free_pages(page, order)
        drain_all_pages(None)
        assert model_check_zone(zone0()) == []
        assert zone0().vm_stat[NR_FREE_PAGES] == 14719
        assert not m.warnings


# --- both mobility bits: gfpflags_to_migratetype() gives MIGRATE_HIGHATOMIC ---------------

BOTH = GFP_KERNEL | __GFP_MOVABLE | __GFP_RECLAIMABLE | __GFP_NOWARN


def test_highatomic_fallbacks_row_is_zero_filled(mm):
    """v4.9's fallbacks[MIGRATE_HIGHATOMIC] has no initialiser: four UNMOVABLE (0), then
    the next row's MIGRATE_TYPES ends the search."""
    from cmaport.include.linux.mmzone import MIGRATE_HIGHATOMIC

    assert fallbacks[MIGRATE_HIGHATOMIC][:4] == (MIGRATE_UNMOVABLE,) * 4
    z = zone0()
    area = z.free_area[11]
    assert free_list(z, 11, MIGRATE_UNMOVABLE) == []
    assert find_suitable_fallback(area, 11, MIGRATE_HIGHATOMIC, False) == (-1, False)
    page = alloc_pages(GFP_KERNEL, 0)  # an UNMOVABLE pageblock is claimed and split
    order = next(o for o in range(11) if free_list(z, o, MIGRATE_UNMOVABLE))
    mt, _ = find_suitable_fallback(z.free_area[order], order, MIGRATE_HIGHATOMIC, False)
    assert mt == MIGRATE_UNMOVABLE
    __free_pages(page, 0)


def test_both_mobility_bits_warn_with_debug_vm_and_high_orders_work(mm_factory):
    m = mm_factory(settings=("CONFIG_DEBUG_VM=y",))
    with m:
        assert gfpflags_to_migratetype(BOTH) == 3
        w = m.warnings[-1]
        assert (w.file, w.line) == ("include/linux/gfp.h", 269)
        assert w.function == "test_both_mobility_bits_warn_with_debug_vm_and_high_orders_work"
        keep = alloc_pages(GFP_KERNEL, 0)  # so that an UNMOVABLE list has pages
        n = len(m.warnings)
        page = alloc_pages(BOTH, 1)
        assert page is not None
        w = m.warnings[n]
        assert (w.file, w.line, w.function) == ("include/linux/gfp.h", 269, "__alloc_pages_nodemask")
        assert any("WARNING: CPU: 0 PID: 0 at include/linux/gfp.h:269 __alloc_pages_nodemask" in line
                   for line in m.dmesg())
        __free_pages(page, 1)
        __free_pages(keep, 0)
        assert_consistent()


def test_both_mobility_bits_without_debug_vm_say_nothing(mm):
    keep = alloc_pages(GFP_KERNEL, 0)
    page = alloc_pages(BOTH, 1)
    assert page is not None
    assert mm.warnings == []
    __free_pages(page, 1)
    __free_pages(keep, 0)
    assert_consistent()


def test_order_0_with_both_mobility_bits_stops_at_the_missing_pcp_list(mm):
    with pytest.raises(KernelBug) as e:
        alloc_pages(BOTH, 0)
    assert e.value.function == "buffered_rmqueue"
    assert [d.where for d in mm.diagnostics] == ["buffered_rmqueue"]
    assert "pcp->lists[3]" in mm.diagnostics[0].message


# --- PF_MEMALLOC: the task's flags, read as v4.9 reads current->flags -------------------

@pytest.fixture
def memalloc_task():
    from cmaport.include.linux.sched import PF_MEMALLOC, current

    task = current()
    task.flags |= PF_MEMALLOC
    yield task
    task.flags &= ~PF_MEMALLOC


def test_gfp_pfmemalloc_allowed_reads_the_task_flags(mm):
    from cmaport.include.linux.gfp import __GFP_NOMEMALLOC
    from cmaport.include.linux.sched import PF_MEMALLOC, current
    from cmaport.mm.page_alloc import gfp_pfmemalloc_allowed

    assert not gfp_pfmemalloc_allowed(GFP_KERNEL)
    current().flags |= PF_MEMALLOC
    try:
        assert gfp_pfmemalloc_allowed(GFP_KERNEL)
        assert not gfp_pfmemalloc_allowed(GFP_KERNEL | __GFP_NOMEMALLOC)
    finally:
        current().flags &= ~PF_MEMALLOC


def test_pf_memalloc_task_allocates_below_the_watermarks(mm):
    from cmaport.include.linux.sched import PF_MEMALLOC, current

    grab_all(GFP_KERNEL | __GFP_NOWARN)  # down to the min watermark
    assert alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) is None
    current().flags |= PF_MEMALLOC
    try:
        # ALLOC_NO_WATERMARKS, and no direct reclaim from a PF_MEMALLOC context
        assert alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) is not None
        grab_all(GFP_KERNEL | __GFP_NOWARN)
        assert zone0().vm_stat[NR_FREE_PAGES] == 0
        assert alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) is None  # goto nopage
    finally:
        current().flags &= ~PF_MEMALLOC


def test_pf_memalloc_nofail_warns_then_would_loop(mm, memalloc_task):
    from cmaport.include.linux.gfp import __GFP_NOFAIL
    from cmaport.kernel.errors import WouldBlock

    grab_all(GFP_KERNEL | __GFP_NOWARN)
    with pytest.raises(WouldBlock):
        alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0)
    w = mm.warnings[-1]
    assert (w.file, w.line, w.function) == ("mm/page_alloc.c", 3623, "__alloc_pages_slowpath")


def test_memory_line_reserved_field_is_shifted_in_32_bits(mm, monkeypatch):
    """(physpages - totalram_pages - totalcma_pages) << (PAGE_SHIFT - 10) is unsigned long:
    with more counted than present the difference wraps and the shift drops the top bits."""
    import cmaport.mm.page_alloc as pa
    from cmaport.include.linux.mm import get_num_physpages

    seen = []
    # (the printed line cannot tell: %lu shows the low 32 bits of any value)
    monkeypatch.setattr(pa, "_pr", type("pr", (), {"info": staticmethod(lambda fmt, *a: seen.append(a))}))
    s = page_alloc_c.get()
    saved = s.totalcma_pages
    s.totalcma_pages = get_num_physpages() - s.totalram_pages + 5  # 5 pages too many
    try:
        pa.mem_init_print_info(None)
    finally:
        s.totalcma_pages = saved
    reserved = seen[0][7]
    assert reserved == (((-5) & 0xFFFFFFFF) << 2) & 0xFFFFFFFF == 0xFFFFFFEC


def test_build_all_zonelists_builds_self_only_when_offline(mm, monkeypatch):
    """__build_all_zonelists(): ``self && !node_online(self->node_id)``."""
    import types

    import cmaport.mm.page_alloc as pa

    built = []
    original = pa.build_zonelists
    monkeypatch.setattr(pa, "build_zonelists", lambda pgdat: (built.append(pgdat), original(pgdat)))
    pa.__build_all_zonelists(NODE_DATA(0))
    assert built == [NODE_DATA(0)]  # node 0 is online: once, in the online loop
    built.clear()
    offline = types.SimpleNamespace(node_id=1)
    monkeypatch.setattr(pa, "build_zonelists", lambda pgdat: built.append(pgdat))
    pa.__build_all_zonelists(offline)
    assert built == [offline, NODE_DATA(0)]


@pytest.mark.parametrize("debug_vm", [False, True])
def test_one_debug_vm_cache(mm_factory, debug_vm):
    """CONFIG_DEBUG_VM is cached once, in struct_page_arrays (the hot paths' object)."""
    m = mm_factory(settings=("CONFIG_DEBUG_VM=%s" % ("y" if debug_vm else "n"),))
    with m:
        assert struct_page_arrays.get().debug_vm is debug_vm
        assert not hasattr(page_alloc_c.get(), "config_debug_vm")


def test_no_stubs_c_never_calls():
    """Inlines that compile to nothing here are comments at their call sites, not functions."""
    import cmaport.mm.compaction as compaction
    import cmaport.mm.page_alloc as pa

    for name in ("should_fail_alloc_page", "zone_statistics", "zone_allows_reclaim",
                 "page_is_guard", "set_page_guard", "clear_page_guard"):
        assert not hasattr(pa, name), name
    assert not hasattr(compaction, "migrate_async_suitable")


def test_get_order_is_32_bit():
    """include/asm-generic/getorder.h on a 32-bit unsigned long."""
    from cmaport.mm.page_alloc import get_order

    assert get_order(0) == 20  # size - 1 wraps to 0xffffffff
    assert [get_order(n) for n in (1, 4096, 4097, 8192, 1 << 20, (1 << 20) + 1)] == [0, 0, 1, 1, 8, 9]
    assert get_order(0xFFFFFFFF) == 20
    assert get_order(1 << 31) == 19
