# SPDX-License-Identifier: GPL-2.0-only
"""A hypothesis state machine mixing background allocation, pinning and
alloc_contig_range / free_contig_range over a CMA area (and MOVABLE memory).

After every step: the buddy allocator's bookkeeping holds (mm/debug.py:
model_check_zone), no pageblock is left MIGRATE_ISOLATE and ``nr_isolate_pageblock`` is
0, the CMA pageblocks are still MIGRATE_CMA, every page the test holds is in use (count
>= 1, not on a free list) and still holds the bytes written into it, and every managed
page is free, on a per-cpu list or held — nothing leaks, nothing is handed out twice.
A failed alloc_contig_range changes no pageblock type and no held page.
"""

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule)

from cmaport.include.linux.errno import EBUSY
from cmaport.include.linux.gfp import (GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_NOWARN,
                                       alloc_pages)
from cmaport.include.linux.mm import get_page, page_to_pfn, pfn_to_page, put_page
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE, NODE_DATA
from cmaport.include.linux.page_flags import PageBuddy
from cmaport.mm.debug import model_check_zone
from cmaport.mm.page_alloc import (__free_pages, alloc_contig_range,
                                   alloc_contig_range_last_stats, drain_all_pages,
                                   free_contig_range, get_pageblock_migratetype)

CMA_BASE, CMA_PAGES = 0x62000, 0x1000  # two 8 MiB CMA pageblocks
NOWARN = __GFP_NOWARN
FREE_PAGES = __free_pages


class ContigRangeMachine(RuleBasedStateMachine):
    """Model: a 64 MiB machine with 16 MiB of CMA pageblocks (conftest.make_mm)."""

    make_mm = None  # set by the test function

    def __init__(self):
        super().__init__()
        self.m = type(self).make_mm(cma=((CMA_BASE << 12, CMA_PAGES << 12),))
        self.m.__enter__()
        self.zone = NODE_DATA(0).node_zones[0]
        self.managed = self.zone.managed_pages
        self.held = []  # (page, order): background allocations
        self.ranges = []  # (start, end): what alloc_contig_range gave us
        self.pinned = []  # pages with an extra reference (a get_page "pin")
        self.data = {}  # pfn -> the byte every byte of that page holds
        self.tag = 0

    def teardown(self):
        self.m.__exit__(None, None, None)

    def _write(self, pfn):
        self.tag = (self.tag % 250) + 1
        self.m.hw.physmem.write(pfn << 12, bytes([self.tag]) * 4096)
        self.data[pfn] = self.tag

    # -- background allocations --------------------------------------------------------
    @rule(movable=st.booleans(), order=st.sampled_from([0, 0, 0, 1, 3, 6]))
    def alloc_bg(self, movable, order):
        gfp = (GFP_HIGHUSER_MOVABLE if movable else GFP_KERNEL) | NOWARN
        page = alloc_pages(gfp, order)
        if page is None:
            return
        self.held.append((page, order))
        self._write(page_to_pfn(page))

    @rule(order=st.sampled_from([0, 3, 9]))
    def pressure(self, order):
        # Enough movable pages that MOVABLE runs out and the allocator falls back to CMA.
        for _ in range(1024 >> order):
            self.alloc_bg(True, order)

    @precondition(lambda self: self.held)
    @rule(i=st.integers(min_value=0))
    def free_bg(self, i):
        page, order = self.held.pop(i % len(self.held))
        if page in self.pinned:
            self.pinned.remove(page)
            put_page(page)
        self.data.pop(page_to_pfn(page), None)
        FREE_PAGES(page, order)

    @precondition(lambda self: self.held)
    @rule(i=st.integers(min_value=0))
    def pin(self, i):
        page, _ = self.held[i % len(self.held)]
        if page not in self.pinned:
            get_page(page)
            self.pinned.append(page)

    @rule()
    def drain(self):
        drain_all_pages(None)

    # -- contiguous ranges ---------------------------------------------------------------
    def _types(self):
        return bytes(self.zone.pageblock_flags)

    @rule(offset=st.integers(min_value=0, max_value=CMA_PAGES - 1),
          length=st.sampled_from([1, 2, 7, 64, 300, 1024, 2048, 4096]),
          cma=st.booleans())
    def contig_alloc(self, offset, length, cma):
        if cma:
            start = CMA_BASE + offset
            end = min(start + length, CMA_BASE + CMA_PAGES)
            mt = MIGRATE_CMA
        else:
            # MOVABLE memory below the CMA area (pageblocks 0x60800-0x62000).
            start = 0x60800 + offset
            end = min(start + length, CMA_BASE)
            mt = MIGRATE_MOVABLE
            if any(get_pageblock_migratetype(pfn_to_page(p)) != MIGRATE_MOVABLE
                   for p in range(start & ~2047, end, 2048)):
                return  # alloc_contig_range's precondition: all of migratetype
        types = self._types()
        ret = alloc_contig_range(start, end, mt)
        st_ = alloc_contig_range_last_stats()
        assert st_.ret == ret and st_.start == start
        if ret == 0:
            for pfn in range(start, end):
                page = pfn_to_page(pfn)
                assert not PageBuddy(page)
                assert struct_page_arrays.get()._refcount[page] == 1
            held_pfns = {page_to_pfn(p) + i for p, o in self.held for i in range(1 << o)}
            assert not held_pfns & set(range(start, end)), "a held page was handed out again"
            for s, e in self.ranges:
                assert e <= start or end <= s, "a range was handed out twice"
            self.ranges.append((start, end))
            for pfn in range(start, end, max(1, (end - start) // 4)):
                self._write(pfn)
        else:
            assert ret == -EBUSY
            assert self._types() == types, "a failed call changed a pageblock type"

    @precondition(lambda self: self.ranges)
    @rule(i=st.integers(min_value=0))
    def contig_free(self, i):
        start, end = self.ranges.pop(i % len(self.ranges))
        for pfn in range(start, end):
            self.data.pop(pfn, None)
        free_contig_range(start, end - start)

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def bookkeeping(self):
        assert model_check_zone(self.zone) == []
        assert self.zone.nr_isolate_pageblock == 0
        for pfn in range(CMA_BASE, CMA_BASE + CMA_PAGES, 2048):
            assert get_pageblock_migratetype(pfn_to_page(pfn)) == MIGRATE_CMA
        assert MIGRATE_ISOLATE not in {b >> 1 & 7 for b in self.zone.pageblock_flags}

    @invariant()
    def held_pages_intact(self):
        s = struct_page_arrays.get()
        for page, _ in self.held:
            assert s._refcount[page] >= 1 and not PageBuddy(page)
        for pfn, byte in self.data.items():
            assert self.m.hw.physmem.frame_bytes(pfn) == bytes([byte]) * 4096

    @invariant()
    def no_page_lost(self):
        zone = self.zone
        free = sum(area.nr_free << o for o, area in enumerate(zone.free_area))
        pcp = zone.pageset[0].pcp.count
        held = sum(1 << o for _, o in self.held) + sum(e - s for s, e in self.ranges)
        # Pages the boot left in use (reserved, mem_map...) are not managed.
        assert free + pcp + held == self.managed


def test_contig_range_state_machine(mm_factory):
    ContigRangeMachine.make_mm = staticmethod(mm_factory)
    run = ContigRangeMachine.TestCase
    run.settings = settings(max_examples=30, stateful_step_count=25, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run().runTest()


class ContigRangeWorkloadMachine(RuleBasedStateMachine):
    """Model: the same machine with user processes (cmaport.workload: anonymous and file
    mappings, fork, get_user_pages pins, mlock, page cache, writeback, exit) running
    between contiguous allocations of CMA and MOVABLE ranges — the ranges often chosen
    around pages the processes use — plus one process of our own whose pages are pushed
    into the CMA area (by exhausting MOVABLE for a moment) and sometimes pinned.

    After every step nothing a process stored has changed (``Workload.verify`` and our
    own record), rmap, LRU and buddy bookkeeping hold and no migration entry is left
    (``Workload.check``), no pageblock stays isolated, the CMA pageblocks are CMA, and
    the pages of every range we hold are ours, mapped by no process, and keep their bytes.
    """

    make_mm = None
    NPAGES = 48

    def __init__(self):
        super().__init__()
        self.m = type(self).make_mm(cma=((CMA_BASE << 12, CMA_PAGES << 12),))
        self.w = None
        self.ranges = []
        self.data = {}  # pfn -> byte, for the ranges we hold
        self.mine = {}  # page index -> bytes our process stored there
        self.pins = []  # pages of our process pinned by get_user_pages
        self.tag = 0
        self.stats = []

    def teardown(self):
        pass

    def _tag(self):
        self.tag = self.tag % 250 + 1
        return self.tag

    @initialize(seed=st.integers(min_value=0, max_value=2 ** 16))
    def start(self, seed):
        from cmaport.arch.arm.mm.fault import model_user_store
        from cmaport.include.linux.sched import use_task
        from cmaport.kernel.fork import model_spawn
        from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE,
                                     sys_mmap_pgoff)
        from cmaport.workload import Workload

        self.w = Workload(seed=seed, machine=self.m, max_procs=4)
        self.w.run(20)
        with self.m:
            self.task = model_spawn("cmauser")
            with use_task(self.task):
                self.addr = sys_mmap_pgoff(0, self.NPAGES << 12, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, None, 0)
            # The first store allocates the page table too (unmovable memory).
            self.mine[0] = bytes([self._tag()]) * 4096
            model_user_store(self.task, self.addr, self.mine[0])

    @rule(n=st.integers(min_value=1, max_value=25))
    def workload(self, n):
        self.w.run(n)

    @rule(idx=st.lists(st.integers(min_value=1, max_value=NPAGES - 1), min_size=1,
                       max_size=12, unique=True))
    def store_into_cma(self, idx):
        """Exhaust MOVABLE for a moment, so new movable pages come from CMA."""
        from cmaport.arch.arm.mm.fault import model_user_store

        with self.m:
            grabbed = []
            while True:
                page = alloc_pages(GFP_HIGHUSER_MOVABLE | NOWARN, 0)
                if page is None:
                    break
                grabbed.append(page)
                if get_pageblock_migratetype(pfn_to_page(page_to_pfn(page))) == MIGRATE_CMA:
                    break
            for i in idx:
                data = bytes([self._tag(), i]) * 2048
                model_user_store(self.task, self.addr + (i << 12), data)
                self.mine[i] = data
            for page in grabbed:
                put_page(page)

    def _my_page(self, i):
        from cmaport.mm.gup import follow_page
        from cmaport.mm.mmap import find_vma

        page = follow_page(find_vma(self.task.mm, self.addr + (i << 12)), self.addr + (i << 12), 0)
        return page if isinstance(page, int) else None

    @precondition(lambda self: self.w is not None and len(self.pins) < 3)
    @rule(i=st.integers(min_value=0, max_value=NPAGES - 1))
    def pin_mine(self, i):
        from cmaport.include.linux.mm import FOLL_WRITE
        from cmaport.include.linux.sched import use_task
        from cmaport.mm.gup import get_user_pages_remote

        if i not in self.mine:
            return
        with self.m:
            pages = []
            with use_task(self.task):
                ret = get_user_pages_remote(self.task, self.task.mm, self.addr + (i << 12), 1,
                                            FOLL_WRITE, pages, None)
            assert ret == 1
            self.pins.append(pages[0])

    @precondition(lambda self: self.pins)
    @rule(i=st.integers(min_value=0))
    def unpin_mine(self, i):
        with self.m:
            put_page(self.pins.pop(i % len(self.pins)))

    def _contig(self, start, end):
        with self.m:
            if start >= end:
                return
            mt = MIGRATE_CMA if CMA_BASE <= start < CMA_BASE + CMA_PAGES else MIGRATE_MOVABLE
            if any(get_pageblock_migratetype(pfn_to_page(p)) != mt
                   for p in range(start & ~2047, end, 2048)):
                return  # alloc_contig_range's precondition: all pageblocks of the type
            types = bytes(NODE_DATA(0).node_zones[0].pageblock_flags)
            ret = alloc_contig_range(start, end, mt)
            self.stats.append(alloc_contig_range_last_stats())
            if ret == 0:
                for s, e in self.ranges:
                    assert e <= start or end <= s, "a range was handed out twice"
                self.ranges.append((start, end))
                for pfn in range(start, end, max(1, (end - start) // 3)):
                    self.data[pfn] = self._tag()
                    self.m.hw.physmem.write(pfn << 12, bytes([self.data[pfn]]) * 4096)
            else:
                assert ret == -EBUSY
                assert bytes(NODE_DATA(0).node_zones[0].pageblock_flags) == types

    @rule(offset=st.integers(min_value=0, max_value=0x2000 - 1),
          length=st.sampled_from([1, 16, 200, 2048]))
    def contig_alloc(self, offset, length):
        start = CMA_BASE + offset
        self._contig(start, min(start + length, 0x63F7F))

    @rule(i=st.integers(min_value=0), before=st.integers(min_value=0, max_value=40),
          after=st.integers(min_value=1, max_value=40))
    def contig_alloc_around_a_user_page(self, i, before, after):
        pfns = list(self.w.user_pfns())
        with self.m:
            pfns += [page_to_pfn(p) for p in map(self._my_page, self.mine) if p is not None]
        pfns = [p for p in pfns if p >= CMA_BASE]
        if not pfns:
            return
        pfn = pfns[i % len(pfns)]
        block = pfn & ~2047
        self._contig(max(pfn - before, block), min(pfn + after, block + 2048, 0x63F7F))

    @precondition(lambda self: self.ranges)
    @rule(i=st.integers(min_value=0))
    def contig_free(self, i):
        start, end = self.ranges.pop(i % len(self.ranges))
        for pfn in range(start, end):
            self.data.pop(pfn, None)
        with self.m:
            free_contig_range(start, end - start)

    @invariant()
    def nothing_lost(self):
        from cmaport.arch.arm.mm.fault import model_user_load

        if self.w is None:
            return
        assert self.w.verify() == []
        assert self.w.check() == []
        with self.m:
            for i, data in self.mine.items():
                assert model_user_load(self.task, self.addr + (i << 12), 4096) == data
            zone = NODE_DATA(0).node_zones[0]
            assert zone.nr_isolate_pageblock == 0
            for pfn in range(CMA_BASE, CMA_BASE + CMA_PAGES, 2048):
                assert get_pageblock_migratetype(pfn_to_page(pfn)) == MIGRATE_CMA
            s = struct_page_arrays.get()
            held = set()
            for start, end in self.ranges:
                held.update(range(start, end))
                for pfn in range(start, end):
                    page = pfn_to_page(pfn)
                    assert s._refcount[page] == 1 and not PageBuddy(page)
            user = set(self.w.user_pfns())
            user.update(page_to_pfn(p) for p in map(self._my_page, self.mine) if p is not None)
            assert not user & held, "a process maps a page we hold"
            for pfn, byte in self.data.items():
                assert self.m.hw.physmem.frame_bytes(pfn) == bytes([byte]) * 4096


def test_contig_range_with_workload_state_machine(mm_factory):
    ContigRangeWorkloadMachine.make_mm = staticmethod(mm_factory)
    run = ContigRangeWorkloadMachine.TestCase
    run.settings = settings(max_examples=15, stateful_step_count=20, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run().runTest()
