# SPDX-License-Identifier: GPL-2.0-only
"""The workload generator (tools/cmaport/workload.py): reproducible for a seed, and its
verify() finds a lost byte — the instrument the migration tests rely on."""

from cmaport.include.linux.gfp import GFP_USER, __GFP_MOVABLE, alloc_page
from cmaport.include.linux.list import LIST_HEAD, list_add_tail
from cmaport.include.linux.migrate import MR_CMA
from cmaport.include.linux.migrate_mode import MIGRATE_SYNC
from cmaport.include.linux.mm import page_to_phys, pfn_to_page
from cmaport.include.linux.mm_inline import page_is_file_cache
from cmaport.include.linux.mmzone import NR_ISOLATED_ANON
from cmaport.include.linux.vmstat import inc_node_page_state
from cmaport.kernel.machine import Machine
from cmaport.mm.debug import model_page_at
from cmaport.mm.migrate import migrate_pages, migrate_prep, putback_movable_pages
from cmaport.mm.vmscan import isolate_lru_page
from cmaport.workload import Workload


def target(page, private, result):
    return alloc_page(GFP_USER | __GFP_MOVABLE)


def migrate_everything(w):
    """Migrate every page the workload's processes map (what cma_alloc does to a range)."""
    with w.machine:
        migrate_prep()
        head = LIST_HEAD()
        n = 0
        for pfn in w.user_pfns():
            page = pfn_to_page(pfn)
            if isolate_lru_page(page) == 0:
                list_add_tail(page, head)
                inc_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
                n += 1
        ret = migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA)
        if ret:
            putback_movable_pages(head)
    return n, ret


def test_same_seed_same_run():
    a = Workload(seed=42, machine=Machine().boot()).run(300)
    b = Workload(seed=42, machine=Machine().boot()).run(300)
    c = Workload(seed=43, machine=Machine().boot()).run(300)
    assert a.log == b.log and a.state_digest() == b.state_digest()
    assert a.log != c.log
    assert a.verify() == [] and a.check() == []


def test_verify_finds_a_corrupted_byte():
    w = Workload(seed=7).run(200)
    assert w.verify() == []
    pid, proc = next((pid, proc) for pid, proc in w.procs.items() if proc.pages)
    addr = sorted(proc.pages)[0]
    with w.machine:
        page = model_page_at(proc.task.mm, addr)
        phys = page_to_phys(page) + 123
        physmem = w.machine.hw.physmem
        physmem.write(phys, bytes([physmem.read(phys, 1)[0] ^ 0x5A]))
    problems = w.verify()
    assert problems and problems[0].startswith(f"pid {pid} {addr + 123:#010x}: read ")


def test_migration_never_loses_a_byte():
    w = Workload(seed=3)
    moved = 0
    for _ in range(5):
        w.run(120)
        n, ret = migrate_everything(w)
        # only pinned pages can stay behind
        assert 0 <= ret <= len(w.pins)
        moved += n - ret
        assert w.verify() == []
        assert w.check() == []
    assert moved > 200
