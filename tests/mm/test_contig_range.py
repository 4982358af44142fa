# SPDX-License-Identifier: GPL-2.0-only
"""alloc_contig_range() / free_contig_range() and the isolation they rely on, on ranges
where nothing has to be migrated (mm/page_alloc.c @7016-7329, mm/page_isolation.c,
mm/compaction.c's free scanner).

The machines are conftest's: 64 MiB at 0x60000000 (pfns 0x60000-0x64000, eight pageblocks
of 2048 pages = MAX_ORDER_NR_PAGES, so alloc_contig_range isolates whole 8 MiB blocks),
6 MiB reserved for the "kernel" at pfn 0x60100, and for ``mm_cma`` two MIGRATE_CMA
pageblocks at 0x62000 and 0x62800. Each expected value is worked out from the v4.9 source.

A failed call must leave the machine as it found it: pageblock types, the buddy blocks on
each free list, the free counters, every page in use and every byte of memory
(``machine_state``); the per-cpu lists are drained first, since alloc_contig_range
drains them as a side effect, as the kernel does.
"""

import pytest

from cmaport.include.linux.errno import EBUSY, EINTR
from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_NOWARN, alloc_pages
from cmaport.include.linux.list import list_for_each
from cmaport.include.linux.mm import get_page, page_to_pfn, pfn_to_page
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import (MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE,
                                          MIGRATE_TYPES, MIGRATE_UNMOVABLE, NODE_DATA,
                                          NR_FREE_CMA_PAGES, NR_FREE_PAGES,
                                          for_each_populated_zone)
from cmaport.include.linux.page_flags import PageBuddy
from cmaport.include.linux.page_ref import page_count
from cmaport.kernel.cost import DEFAULT_COSTS
from cmaport.kernel.errors import InputError, KernelBug
from cmaport.mm.debug import model_check_zone
from cmaport.mm.page_alloc import (alloc_contig_range, alloc_contig_range_history,
                                   alloc_contig_range_last_stats, drain_all_pages,
                                   free_contig_range, get_pageblock_migratetype,
                                   has_unmovable_pages, pfn_max_align_down, pfn_max_align_up,
                                   set_pageblock_migratetype)
from cmaport.mm.page_isolation import start_isolate_page_range, undo_isolate_page_range
from cmaport.mm.page_isolation import test_pages_isolated as pages_isolated  # not a test

PB = 2048  # pageblock_nr_pages = MAX_ORDER_NR_PAGES with CONFIG_FORCE_MAX_ZONEORDER=12
CMA0, CMA1, CMA_END = 0x62000, 0x62800, 0x63000


def zone0():
    return NODE_DATA(0).node_zones[0]


def buddy_blocks():
    """Every free buddy block of every zone: {(pfn, order, free-list type)}."""
    out = set()
    for zone in for_each_populated_zone():
        for order, area in enumerate(zone.free_area):
            for t in range(MIGRATE_TYPES):
                for page in list_for_each(area.free_list[t]):
                    out.add((page_to_pfn(page), order, t))
    return out


def free_pfns():
    return {pfn + i for pfn, order, _ in buddy_blocks() for i in range(1 << order)}


def machine_state(m):
    """What a failed call must not change (the per-cpu lists drained beforehand)."""
    s = struct_page_arrays.get()
    free = free_pfns()
    in_use = tuple(
        (p, s.flags[p], s._refcount[p], s._mapcount[p], s.private[p], s.index[p],
         s.mapping.get(p))
        for p in range(s.nr_pages) if p + s.pfn_offset not in free)
    zones = tuple((bytes(z.pageblock_flags), z.vm_stat[NR_FREE_PAGES],
                   z.vm_stat[NR_FREE_CMA_PAGES], z.nr_isolate_pageblock,
                   tuple(a.nr_free for a in z.free_area))
                  for z in for_each_populated_zone())
    frames = {k: bytes(v) for k, v in m.hw.physmem.frames.items()}
    return buddy_blocks(), zones, in_use, frames


def fill(m, pfn, byte):
    m.hw.physmem.write(pfn << 12, bytes([byte]) * 4096)


def check_all_zones():
    for zone in for_each_populated_zone():
        assert model_check_zone(zone) == []
        assert zone.nr_isolate_pageblock == 0


def block_type(pfn):
    return get_pageblock_migratetype(pfn_to_page(pfn))


# --- the helpers ---------------------------------------------------------------------------

def test_pfn_max_align(mm):
    # max(MAX_ORDER_NR_PAGES, pageblock_nr_pages) = 2048 (8 MiB) on this configuration.
    assert pfn_max_align_down(0x62123) == 0x62000
    assert pfn_max_align_up(0x62123) == 0x62800
    assert pfn_max_align_up(0x62800) == 0x62800
    assert pfn_max_align_down(0x62800) == 0x62800


def test_has_unmovable_pages_trusts_movable_and_cma_blocks(mm_cma):
    zone = zone0()
    # The kernel image block (pfn 0x60000) is MOVABLE at boot: taken on trust although
    # 0x600 reserved pages sit in it.
    assert block_type(0x60000) == MIGRATE_MOVABLE
    assert has_unmovable_pages(zone, pfn_to_page(0x60000), 0, False) is False
    assert has_unmovable_pages(zone, pfn_to_page(CMA0), 0, False) is False
    # The same block typed UNMOVABLE is looked at: the reserved pages count.
    set_pageblock_migratetype(pfn_to_page(0x60000), MIGRATE_UNMOVABLE)
    assert has_unmovable_pages(zone, pfn_to_page(0x60000), 0, False) is True
    # ``count`` pages may be tolerated: 0x600 reserved pages are found, so 0x5ff is not
    # enough and 0x600 is.
    assert has_unmovable_pages(zone, pfn_to_page(0x60000), 0x5FF, False) is True
    assert has_unmovable_pages(zone, pfn_to_page(0x60000), 0x600, False) is False
    # A free UNMOVABLE block: buddy pages have no reference and are stepped over.
    set_pageblock_migratetype(pfn_to_page(0x60800), MIGRATE_UNMOVABLE)
    assert has_unmovable_pages(zone, pfn_to_page(0x60800), 0, False) is False


def test_has_unmovable_pages_counts_only_the_head_of_a_non_compound_block(mm):
    page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 3)  # 8 pages, only the head referenced
    pfn = page_to_pfn(page)
    start = pfn & ~(PB - 1)
    assert block_type(start) == MIGRATE_UNMOVABLE  # the allocation claimed the block
    zone = zone0()
    assert has_unmovable_pages(zone, pfn_to_page(start), 0, False) is True
    assert has_unmovable_pages(zone, pfn_to_page(start), 1, False) is False


# --- isolation and its undo ------------------------------------------------------------------

def test_isolate_and_undo_a_free_block_restores_everything(mm_cma):
    m = mm_cma
    drain_all_pages(None)
    before = machine_state(m)
    zone = zone0()
    free0 = zone.vm_stat[NR_FREE_PAGES]
    cma0 = zone.vm_stat[NR_FREE_CMA_PAGES]

    assert start_isolate_page_range(CMA0, CMA_END, MIGRATE_CMA, False) == 0
    assert block_type(CMA0) == block_type(CMA1) == MIGRATE_ISOLATE
    assert zone.nr_isolate_pageblock == 2
    # The free pages moved to the ISOLATE lists and left both counters.
    assert zone.vm_stat[NR_FREE_PAGES] == free0 - 2 * PB
    assert zone.vm_stat[NR_FREE_CMA_PAGES] == cma0 - 2 * PB
    assert {(CMA0, 11, MIGRATE_ISOLATE), (CMA1, 11, MIGRATE_ISOLATE)} <= buddy_blocks()
    assert model_check_zone(zone) == []
    assert pages_isolated(CMA0, CMA_END, False) == 0

    assert undo_isolate_page_range(CMA0, CMA_END, MIGRATE_CMA) == 0
    # The order-11 blocks were taken out and freed again (their buddies are not isolated).
    assert machine_state(m) == before
    check_all_zones()


def test_start_isolate_rolls_back_on_the_first_busy_pageblock(mm):
    m = mm
    page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)
    busy = page_to_pfn(page) & ~(PB - 1)
    assert block_type(busy) == MIGRATE_UNMOVABLE
    start = busy - 2 * PB
    assert start >= 0x60000 and block_type(start) == block_type(start + PB) == MIGRATE_MOVABLE
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    assert start_isolate_page_range(start, busy + PB, MIGRATE_MOVABLE, False) == -EBUSY
    assert m.dmesg()[n:] == []  # silent
    assert machine_state(m) == before
    check_all_zones()


def test_isolation_requires_pageblock_alignment(mm):
    m = mm
    before = machine_state(m)
    with pytest.raises(KernelBug) as e:
        start_isolate_page_range(0x62001, 0x62800, MIGRATE_MOVABLE, False)
    assert e.value.function == "start_isolate_page_range"
    assert "kernel BUG at mm/page_isolation.c:169!" in m.dmesg()
    with pytest.raises(KernelBug):
        start_isolate_page_range(0x62000, 0x62801, MIGRATE_MOVABLE, False)
    assert "kernel BUG at mm/page_isolation.c:170!" in m.dmesg()
    with pytest.raises(KernelBug):
        undo_isolate_page_range(0x62000, 0x62001, MIGRATE_MOVABLE)
    assert "kernel BUG at mm/page_isolation.c:202!" in m.dmesg()
    assert machine_state(m) == before


def test_test_pages_isolated(mm_cma):
    # Not isolated: -EBUSY before any page is looked at.
    assert pages_isolated(CMA0, CMA0 + 16, False) == -EBUSY
    assert start_isolate_page_range(CMA0, CMA1, MIGRATE_CMA, False) == 0
    assert pages_isolated(CMA0, CMA1, False) == 0
    # Inside a free block but not at its head: PageBuddy is false there, so -EBUSY
    # (this is why alloc_contig_range first looks for outer_start).
    assert pages_isolated(CMA0 + 5, CMA0 + 9, False) == -EBUSY
    # Crossing into the CMA block that is not isolated.
    assert pages_isolated(CMA0, CMA1 + 1, False) == -EBUSY
    # An empty range has no first page: -EBUSY.
    assert pages_isolated(CMA0, CMA0, False) == -EBUSY
    undo_isolate_page_range(CMA0, CMA1, MIGRATE_CMA)
    check_all_zones()


def test_test_pages_isolated_trace_event(mm_cma):
    from cmaport.include.trace.events.page_isolation import _trace_test_pages_isolated
    from cmaport.kernel.trace.trace_events import ftrace_event_enable_disable

    ftrace_event_enable_disable(_trace_test_pages_isolated.event_call, 1)
    from cmaport.kernel.trace.trace import trace_c

    start_isolate_page_range(CMA0, CMA1, MIGRATE_CMA, False)
    assert pages_isolated(CMA0, CMA0 + 0x10, False) == 0
    undo_isolate_page_range(CMA0, CMA1, MIGRATE_CMA)
    events = trace_c.get().buffer
    assert [e.fields for e in events] == [(CMA0, CMA0 + 0x10, CMA1, "success")]


# --- alloc_contig_range on free ranges ----------------------------------------------------------

def test_alloc_and_free_a_free_cma_range(mm_cma):
    m = mm_cma
    zone = zone0()
    drain_all_pages(None)
    before = machine_state(m)
    free0 = zone.vm_stat[NR_FREE_PAGES]
    cma0 = zone.vm_stat[NR_FREE_CMA_PAGES]
    n = len(m.dmesg())

    assert alloc_contig_range(CMA0, CMA0 + 0x400, MIGRATE_CMA) == 0
    assert m.dmesg()[n:] == []
    s = struct_page_arrays.get()
    for pfn in range(CMA0, CMA0 + 0x400):
        page = pfn_to_page(pfn)
        assert page_count(page) == 1 and not PageBuddy(page) and s.private[page] == 0
    # Both pageblocks are CMA again, the tail of the first is free on the CMA lists.
    assert block_type(CMA0) == block_type(CMA1) == MIGRATE_CMA
    assert (CMA0 + 0x400, 10, MIGRATE_CMA) in buddy_blocks()
    assert zone.vm_stat[NR_FREE_PAGES] == free0 - 0x400
    assert zone.vm_stat[NR_FREE_CMA_PAGES] == cma0 - 0x400
    check_all_zones()

    free_contig_range(CMA0, 0x400)
    drain_all_pages(None)
    assert machine_state(m) == before
    check_all_zones()


def test_unaligned_range_takes_the_whole_free_block_and_gives_back_head_and_tail(mm_cma):
    m = mm_cma
    drain_all_pages(None)
    before = machine_state(m)
    start, end = CMA0 + 0x123, CMA0 + 0x456
    assert alloc_contig_range(start, end, MIGRATE_CMA) == 0
    st = alloc_contig_range_last_stats()
    # outer_start is the head of the order-11 block holding start; the free scanner took
    # the whole block, so outer_end is its end.
    assert (st.outer_start, st.outer_end, st.ret) == (CMA0, CMA1, 0)
    assert st.free_isolated == PB
    free = free_pfns()
    assert not free & set(range(start, end))
    assert set(range(CMA0, start)) <= free and set(range(end, CMA1)) <= free
    check_all_zones()
    free_contig_range(start, end - start)
    drain_all_pages(None)
    assert machine_state(m) == before


def test_outer_start_inside_a_smaller_free_block(mm_cma):
    # Take pfn CMA0 alone: the rest of the block is free as blocks of order 0, 1, 2, ...
    assert alloc_contig_range(CMA0, CMA0 + 1, MIGRATE_CMA) == 0
    assert (CMA0 + 2, 1, MIGRATE_CMA) in buddy_blocks()
    # CMA0 + 3 is the second page of the order-1 block at CMA0 + 2.
    assert alloc_contig_range(CMA0 + 3, CMA0 + 0x10, MIGRATE_CMA) == 0
    st = alloc_contig_range_last_stats()
    assert (st.outer_start, st.outer_end) == (CMA0 + 2, CMA0 + 0x10)
    assert PageBuddy(pfn_to_page(CMA0 + 2))  # the head page was given back
    check_all_zones()
    free_contig_range(CMA0, 1)
    free_contig_range(CMA0 + 3, 0x10 - 3)
    check_all_zones()


def test_a_small_free_block_below_start_is_not_outer_start(mm_cma):
    m = mm_cma
    # Take CMA0 + 3 alone: CMA0 + 2 is a free order-0 block that does not hold CMA0 + 3.
    assert alloc_contig_range(CMA0 + 3, CMA0 + 4, MIGRATE_CMA) == 0
    assert (CMA0 + 2, 0, MIGRATE_CMA) in buddy_blocks()
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    assert alloc_contig_range(CMA0 + 3, CMA0 + 0x10, MIGRATE_CMA) == -EBUSY
    # The busy line names start, not the free block below it (page_alloc.c @7286).
    assert m.dmesg()[n:] == ["alloc_contig_range: [62003, 62010) PFNs busy"]
    assert machine_state(m) == before
    check_all_zones()


def test_free_range_across_two_pageblocks(mm_cma):
    assert alloc_contig_range(CMA0 + 0x7ff, CMA1 + 1, MIGRATE_CMA) == 0
    st = alloc_contig_range_last_stats()
    # The range starts in one order-11 block and ends in the next: both are taken whole
    # (strict free scanner), then head and tail are freed.
    assert (st.outer_start, st.outer_end) == (CMA0, CMA_END)
    assert st.free_isolated == 2 * PB
    assert {p for p in range(CMA0, CMA_END)} - free_pfns() == {CMA0 + 0x7ff, CMA1}
    check_all_zones()
    free_contig_range(CMA0 + 0x7ff, 2)
    check_all_zones()


def test_empty_aligned_range_reports_busy(mm_cma):
    m = mm_cma
    n = len(m.dmesg())
    # v4.9: test_pages_isolated(start, start) finds no first page and says -EBUSY.
    assert alloc_contig_range(CMA0, CMA0, MIGRATE_CMA) == -EBUSY
    assert m.dmesg()[n:] == ["alloc_contig_range: [62000, 62000) PFNs busy"]
    check_all_zones()


# --- busy ranges ---------------------------------------------------------------------------------

def test_kernel_pages_make_the_range_busy(mm):
    """The reserved "kernel image" pages are in use and not on an LRU list: nothing can
    move them, the block is isolated (it is MOVABLE) but test_pages_isolated fails."""
    m = mm
    for pfn in (0x60100, 0x60150, 0x601ff):
        fill(m, pfn, pfn & 0xFF)
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    assert alloc_contig_range(0x60100, 0x60200, MIGRATE_MOVABLE) == -EBUSY
    assert m.dmesg()[n:] == ["alloc_contig_range: [60100, 60200) PFNs busy"]
    # pr_info: KERN_INFO (6), no prefix (page_alloc.c has no pr_fmt)
    assert m.dmesg(levels=(6,))[-1] == "alloc_contig_range: [60100, 60200) PFNs busy"
    assert alloc_contig_range_last_stats().ret == -EBUSY
    assert machine_state(m) == before
    check_all_zones()


def test_an_allocated_cma_range_is_busy_for_a_second_call(mm_cma):
    m = mm_cma
    assert alloc_contig_range(CMA0 + 0x100, CMA0 + 0x200, MIGRATE_CMA) == 0
    for pfn in range(CMA0 + 0x100, CMA0 + 0x200, 0x40):
        fill(m, pfn, 0xA5)
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    # The pages held by the first call are not on an LRU list: the second call reports
    # the range from the head of the free block holding its start (CMA0, order 8).
    assert (CMA0, 8, MIGRATE_CMA) in buddy_blocks()
    assert alloc_contig_range(CMA0 + 0x80, CMA0 + 0x180, MIGRATE_CMA) == -EBUSY
    assert m.dmesg()[n:] == ["alloc_contig_range: [62000, 62180) PFNs busy"]
    assert machine_state(m) == before
    check_all_zones()


def test_isolation_failure_is_silent_and_rolled_back(mm):
    m = mm
    page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)  # claims a pageblock UNMOVABLE
    busy = page_to_pfn(page) & ~(PB - 1)
    fill(m, page_to_pfn(page), 0x5A)
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    # The range starts two pageblocks lower: those are isolated first, then given back.
    ret = alloc_contig_range(busy - 2 * PB + 5, busy + 5, MIGRATE_MOVABLE)
    assert ret == -EBUSY
    assert m.dmesg()[n:] == []  # v4.9 prints nothing when isolation fails
    st = alloc_contig_range_last_stats()
    assert st.ret == -EBUSY and st.outer_start is None and st.migrate_rounds == 0
    assert machine_state(m) == before
    check_all_zones()


def test_fatal_signal_gives_eintr_and_undoes_the_isolation(mm_cma):
    m = mm_cma
    drain_all_pages(None)
    before = machine_state(m)
    m.model_fatal_signal = True
    try:
        n = len(m.dmesg())
        assert alloc_contig_range(CMA0, CMA0 + 0x10, MIGRATE_CMA) == -EINTR
        assert m.dmesg()[n:] == []
    finally:
        m.model_fatal_signal = False
    assert machine_state(m) == before
    check_all_zones()


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("start,end", [(0x5F000, 0x5F010), (0x63FF0, 0x64010),
                                       (0x64000, 0x64001), (0x64000, 0x64000),
                                       (0x62010, 0x62000)])
def test_ranges_without_struct_pages_are_refused(mm, start, end):
    m = mm
    before = machine_state(m)
    n = len(m.dmesg())
    with pytest.raises(InputError) as e:
        alloc_contig_range(start, end, MIGRATE_MOVABLE)
    assert "alloc_contig_range" in str(e.value)
    assert m.dmesg()[n:] == []
    assert machine_state(m) == before
    if end != start:
        with pytest.raises(InputError):
            free_contig_range(start, end - start)
    else:
        free_contig_range(start, 0)  # frees nothing, reads no struct page: allowed
        assert machine_state(m) == before


def test_range_crossing_zones(mm_factory):
    """v4.9 does not check the zone: with the first zone contiguous,
    pageblock_pfn_to_page() does not look at the zone either, so a free range across
    the DMA/Normal boundary is allocated, each page accounted to its own zone."""
    m = mm_factory(dma_zone_size=16 << 20)
    with m:
        dma, normal = NODE_DATA(0).node_zones[0], NODE_DATA(0).node_zones[1]
        assert (dma.name, normal.name, normal.zone_start_pfn) == ("DMA", "Normal", 0x61000)
        free_dma, free_normal = dma.vm_stat[NR_FREE_PAGES], normal.vm_stat[NR_FREE_PAGES]
        n = len(m.dmesg())
        assert alloc_contig_range(0x60F00, 0x61100, MIGRATE_MOVABLE) == 0
        assert m.dmesg()[n:] == []
        assert dma.vm_stat[NR_FREE_PAGES] == free_dma - 0x100
        assert normal.vm_stat[NR_FREE_PAGES] == free_normal - 0x100
        check_all_zones()
        free_contig_range(0x60F00, 0x200)
        drain_all_pages(None)
        assert dma.vm_stat[NR_FREE_PAGES] == free_dma
        assert normal.vm_stat[NR_FREE_PAGES] == free_normal
        check_all_zones()

        # With the DMA zone not contiguous (as after a memory hot-remove),
        # pageblock_pfn_to_page() checks the zone: test_pages_isolated() still passes,
        # but the strict free scanner stops at the Normal pageblock and gives back what
        # it took: -EBUSY without a line, and everything as it was.
        from cmaport.mm.page_alloc import clear_zone_contiguous

        clear_zone_contiguous(dma)
        before = machine_state(m)
        n = len(m.dmesg())
        assert alloc_contig_range(0x60F00, 0x61100, MIGRATE_MOVABLE) == -EBUSY
        assert m.dmesg()[n:] == []
        st = alloc_contig_range_last_stats()
        assert st.outer_start == 0x60800 and st.outer_end is None
        assert st.free_isolated == PB  # the DMA block, taken and given back
        drain_all_pages(None)
        assert machine_state(m) == before
        check_all_zones()


def test_already_isolated_block_with_a_busy_page_is_refused_silently(mm):
    m = mm
    # Kernel pages in pageblock 0: isolate it by hand (it is MOVABLE, so this works),
    # then type it... it stays ISOLATE; has_unmovable_pages() now scans it and finds them.
    assert start_isolate_page_range(0x60000, 0x60800, MIGRATE_MOVABLE, False) == 0
    drain_all_pages(None)
    before = machine_state(m)
    n = len(m.dmesg())
    assert alloc_contig_range(0x60010, 0x60020, MIGRATE_MOVABLE) == -EBUSY
    assert m.dmesg()[n:] == []
    assert machine_state(m) == before
    assert block_type(0x60000) == MIGRATE_ISOLATE
    assert m.diagnostics == []
    undo_isolate_page_range(0x60000, 0x60800, MIGRATE_MOVABLE)
    check_all_zones()


def test_already_isolated_free_block_is_isolated_twice_as_in_v4_9(mm_cma):
    """v4.9 has no "already isolated" check (added in v4.18): a free ISOLATE pageblock
    passes has_unmovable_pages() and is isolated a second time, so NR_FREE_PAGES loses
    its free pages twice; the call succeeds and its undo un-isolates the block under the
    first isolator's feet. The model keeps this and records a diagnostic."""
    m = mm_cma
    zone = zone0()
    free0 = zone.vm_stat[NR_FREE_PAGES]
    assert start_isolate_page_range(CMA0, CMA1, MIGRATE_CMA, False) == 0
    assert alloc_contig_range(CMA0, CMA0 + 0x10, MIGRATE_CMA) == 0
    assert [d.where for d in m.diagnostics] == ["mm/page_isolation.c"]
    assert "already MIGRATE_ISOLATE" in m.diagnostics[0].message
    assert block_type(CMA0) == MIGRATE_CMA
    assert zone.nr_isolate_pageblock == 1  # left behind by the double isolation
    # NR_FREE_PAGES: -2048 (first isolation) -2048 (second) +2032 (undo) = 2064 short,
    # though only 16 pages were taken.
    assert zone.vm_stat[NR_FREE_PAGES] == free0 - 2064
    assert any("NR_FREE_PAGES" in p for p in model_check_zone(zone))


# --- free_contig_range ---------------------------------------------------------------------------

def test_free_contig_range_warns_about_pages_still_in_use(mm_cma):
    m = mm_cma
    assert alloc_contig_range(CMA0, CMA0 + 8, MIGRATE_CMA) == 0
    get_page(pfn_to_page(CMA0 + 1))
    get_page(pfn_to_page(CMA0 + 5))
    n = len(m.dmesg())
    free_contig_range(CMA0, 8)
    lines = m.dmesg()[n:]
    assert "WARNING: CPU: 0 PID: 0 at mm/page_alloc.c:7327 free_contig_range" in lines
    assert "2 pages are still in use!" in lines
    assert [w.message for w in m.warnings] == ["2 pages are still in use!"]
    assert page_count(pfn_to_page(CMA0 + 1)) == 1


# --- the per-call record ------------------------------------------------------------------------

def test_stats_record_each_call_and_its_simulated_time(mm_cma):
    m = mm_cma
    t0 = m.clock_ns
    assert alloc_contig_range(CMA0, CMA0 + 0x400, MIGRATE_CMA) == 0
    st = alloc_contig_range_last_stats()
    assert (st.start, st.end, st.migratetype, st.ret) == (CMA0, CMA0 + 0x400, MIGRATE_CMA, 0)
    # Drains: the isolation of the one pageblock (drain_all_pages), migrate_prep's
    # lru_add_drain_all, then lru_add_drain_all and drain_all_pages after migration.
    assert st.drains == 4
    assert st.pages_isolated == PB and st.free_isolated == PB
    # The tail of the block went back page by page; the undo freed nothing whole.
    assert st.pages_freed == PB - 0x400
    assert st.pages_migrated == st.pages_failed == st.pages_copied == 0
    # The time is the cost table applied to the counters.
    assert st.time_ns == m.clock_ns - t0
    assert st.time_ns == sum(DEFAULT_COSTS[k] * v for k, v in st.delta.items()
                             if k in DEFAULT_COSTS)
    assert st.time_ns > 0

    assert alloc_contig_range(CMA0, CMA0 + 0x10, MIGRATE_CMA) == -EBUSY
    hist = alloc_contig_range_history()
    assert [h.ret for h in hist] == [0, -EBUSY]
    assert hist[-1] is alloc_contig_range_last_stats()
    assert hist[-1].pages_scanned > 0


def test_movable_allocation_in_a_cma_block_is_busy_without_lru(mm_cma):
    """A page handed out by the buddy allocator and not put on an LRU list (a driver's
    page, a pinned page) is unmovable in practice: the range stays busy."""
    m = mm_cma
    got = []
    while True:  # empty MOVABLE so that movable requests fall back to CMA
        page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0)
        assert page is not None
        got.append(page)
        if block_type(page_to_pfn(page)) == MIGRATE_CMA:
            break
    pfn = page_to_pfn(got[-1])
    fill(m, pfn, 0x77)
    start = pfn & ~0xFF
    n = len(m.dmesg())
    assert alloc_contig_range(start, start + 0x100, MIGRATE_CMA) == -EBUSY
    assert any(l.endswith("PFNs busy") for l in m.dmesg()[n:])
    assert m.hw.physmem.frame_bytes(pfn) == bytes([0x77]) * 4096
    assert page_count(got[-1]) == 1
    check_all_zones()
