# SPDX-License-Identifier: GPL-2.0-only
"""A hypothesis state machine over user memory: faults, mappings, fork, unmap, exit, pins,
mlock and migration, driven through the workload generator's actions.

After every step the rmap (every present pte's page mapped exactly as often as ptes map
it), the LRU lists, the buddy allocator must be consistent, no migration entry may be left
in any page table, and every byte a process stored must still be there.
"""

import random

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cmaport.include.linux.gfp import GFP_USER, __GFP_MOVABLE, alloc_page
from cmaport.include.linux.list import LIST_HEAD, list_add_tail
from cmaport.include.linux.migrate import MR_CMA
from cmaport.include.linux.migrate_mode import MIGRATE_ASYNC, MIGRATE_SYNC, MIGRATE_SYNC_LIGHT
from cmaport.include.linux.mm import pfn_to_page
from cmaport.include.linux.mm_inline import page_is_file_cache
from cmaport.include.linux.mmzone import NR_ISOLATED_ANON
from cmaport.include.linux.vmstat import inc_node_page_state
from cmaport.mm.migrate import migrate_pages, migrate_prep, putback_movable_pages
from cmaport.mm.vmscan import isolate_lru_page
from cmaport.workload import DEFAULT_WEIGHTS, Workload

ACTIONS = sorted(DEFAULT_WEIGHTS)
MODES = [MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC]


def target(page, private, result):
    return alloc_page(GFP_USER | __GFP_MOVABLE)


class UserMemoryMachine(RuleBasedStateMachine):
    make_mm = None  # set by the test function (conftest's helper)

    def __init__(self):
        super().__init__()
        self.w = Workload(seed=0, machine=type(self).make_mm(ram_mb=64), max_procs=4,
                          max_region_pages=12, files=2, max_file_pages=8)

    @rule(action=st.sampled_from(ACTIONS), seed=st.integers(0, 2**16))
    def act(self, action, seed):
        self.w.rng = random.Random(seed)
        with self.w.machine:
            getattr(self.w, "_do_" + action)()

    @rule(seed=st.integers(0, 2**16), mode=st.sampled_from(MODES),
          fraction=st.floats(0.1, 1.0))
    def migrate(self, seed, mode, fraction):
        rng = random.Random(seed)
        pfns = self.w.user_pfns()
        chosen = [p for p in pfns if rng.random() < fraction]
        with self.w.machine:
            migrate_prep()
            head = LIST_HEAD()
            for pfn in chosen:
                page = pfn_to_page(pfn)
                if isolate_lru_page(page) == 0:
                    list_add_tail(page, head)
                    inc_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
            ret = migrate_pages(head, target, None, 0, mode, MR_CMA)
            assert ret >= 0
            if ret:
                putback_movable_pages(head)

    @invariant()
    def consistent(self):
        assert self.w.check() == []

    @invariant()
    def nothing_lost(self):
        assert self.w.verify() == []


def test_user_memory_state_machine(mm_factory):
    UserMemoryMachine.make_mm = staticmethod(mm_factory)
    run = UserMemoryMachine.TestCase
    run.settings = settings(max_examples=40, stateful_step_count=40, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run().runTest()
