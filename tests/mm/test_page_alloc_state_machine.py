# SPDX-License-Identifier: GPL-2.0-only
"""A hypothesis state machine over the buddy allocator: allocations of every kind, frees
(whole, split, of compound pages), drains, and stealing between migrate types.

After every step the bookkeeping must hold (mm/debug.py: model_check_zone): no page in
two lists, nr_free and the NR_FREE_PAGES / NR_FREE_CMA_PAGES counters equal the list
contents, per-cpu counts equal their lists, no two free buddies of one order left
unmerged — and every managed page is either free, on a per-cpu list or held by the test.
CMA pages only ever go to movable requests.
"""

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cmaport.include.linux.gfp import (GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOWAIT,
                                       GFP_TEMPORARY, __GFP_COLD, __GFP_COMP, __GFP_NOWARN,
                                       alloc_pages)
from cmaport.include.linux.mm import page_to_pfn, put_page
from cmaport.include.linux.mmzone import MIGRATE_CMA, NODE_DATA, NR_FREE_PAGES
from cmaport.mm.debug import model_check_zone
from cmaport.mm.page_alloc import (__free_pages, drain_all_pages, get_pageblock_migratetype,
                                   split_page)

GFPS = [GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_TEMPORARY, GFP_ATOMIC, GFP_NOWAIT,
        GFP_HIGHUSER_MOVABLE | __GFP_COLD, GFP_KERNEL | __GFP_COLD]
MOVABLE_GFPS = {GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER_MOVABLE | __GFP_COLD}
# (Names with two leading underscores would be mangled inside the class body.)
NOWARN = __GFP_NOWARN
COMP = __GFP_COMP
FREE_PAGES = __free_pages


class BuddyAllocatorMachine(RuleBasedStateMachine):
    """Model: a 64 MiB machine with 16 MiB of CMA pageblocks (conftest.make_mm)."""

    make_mm = None  # set by the test function (conftest's helper)

    def __init__(self):
        super().__init__()
        self.m = type(self).make_mm(cma=((0x62000000, 16 << 20),))
        self.m.__enter__()
        self.zone = NODE_DATA(0).node_zones[0]
        self.held = []  # (page, order, kind) with kind "block", "split" (single page) or "compound"
        self.managed = self.zone.managed_pages

    def teardown(self):
        self.m.__exit__(None, None, None)

    @rule(gfp=st.sampled_from(GFPS), order=st.sampled_from([0, 0, 0, 1, 2, 3, 5, 9, 11]))
    def alloc(self, gfp, order):
        page = alloc_pages(gfp | NOWARN, order)
        if page is None:
            return
        if get_pageblock_migratetype(page) == MIGRATE_CMA:
            assert gfp in MOVABLE_GFPS, f"a non-movable request got CMA pfn {page_to_pfn(page):#x}"
        self.held.append((page, order, "block"))

    @rule(gfp=st.sampled_from(GFPS), order=st.sampled_from([0, 3, 9]))
    def pressure(self, gfp, order):
        # Up to 2 MiB more, so the movable pages run out and CMA and stealing come into play.
        for _ in range(512 >> order):
            self.alloc(gfp, order)

    @rule(order=st.sampled_from([1, 2, 4]))
    def alloc_compound(self, order):
        page = alloc_pages(GFP_KERNEL | COMP | NOWARN, order)
        if page is not None:
            self.held.append((page, order, "compound"))

    @precondition(lambda self: self.held)
    @rule(i=st.integers(min_value=0))
    def free(self, i):
        page, order, kind = self.held.pop(i % len(self.held))
        if kind == "compound":
            put_page(page)
        else:
            FREE_PAGES(page, order)

    @precondition(lambda self: any(o and k == "block" for _, o, k in self.held))
    @rule(i=st.integers(min_value=0), keep=st.integers(min_value=0, max_value=3))
    def split_and_free_some(self, i, keep):
        blocks = [h for h in self.held if h[1] and h[2] == "block"]
        page, order, kind = blocks[i % len(blocks)]
        self.held.remove((page, order, kind))
        split_page(page, order)
        for j in range(1 << order):
            if j < keep:
                self.held.append((page + j, 0, "split"))
            else:
                FREE_PAGES(page + j, 0)

    @rule()
    def drain(self):
        drain_all_pages(None)

    @invariant()
    def bookkeeping_holds(self):
        assert model_check_zone(self.zone) == []

    @invariant()
    def every_page_is_accounted_for(self):
        held = sum(1 << o if k != "split" else 1 for _, o, k in self.held)
        free = self.zone.vm_stat[NR_FREE_PAGES]
        pcp = self.zone.pageset[0].pcp.count
        assert free + pcp + held == self.managed


def test_buddy_allocator_state_machine(mm_factory):
    BuddyAllocatorMachine.make_mm = staticmethod(mm_factory)
    run = BuddyAllocatorMachine.TestCase
    run.settings = settings(max_examples=25, stateful_step_count=40, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow])
    run().runTest()
