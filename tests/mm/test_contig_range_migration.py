# SPDX-License-Identifier: GPL-2.0-only
"""alloc_contig_range() with pages to migrate (mm/page_alloc.c @7129-7315 with mm/migrate.c,
mm/compaction.c's migration scanner and the LRU): what is in use in the range moves, its
contents survive, every page-table entry and page-cache slot follows it to the new page;
a pinned page cannot move, so after v4.9's five rounds the call gives up with -EBUSY and
the "PFNs busy" line, leaving everything where it was.

The machines are conftest's 64 MiB ones (pageblocks of 2048 pages). User pages are made
by processes of the model (``model_spawn``, ``sys_mmap_pgoff``, stores through the
simulated MMU); the ranges are the pageblock-bounded stretches that hold them.
"""

import pytest

from cmaport.arch.arm.mm.fault import model_translate, model_user_load, model_user_store
from cmaport.include.linux.errno import EBUSY
from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE, __GFP_NOWARN, alloc_pages
from cmaport.include.linux.mm import FOLL_WRITE, page_to_pfn, pfn_to_page, put_page
from cmaport.include.linux.mmzone import (MIGRATE_CMA, MIGRATE_MOVABLE, NODE_DATA,
                                          NR_ISOLATED_ANON, NR_ISOLATED_FILE)
from cmaport.include.linux.page_flags import PageBuddy
from cmaport.include.linux.page_ref import page_count
from cmaport.include.linux.sched import use_task
from cmaport.kernel.fork import find_task_by_vpid, model_spawn, sys_fork
from cmaport.mm.debug import model_check_lru, model_check_rmap, model_check_zone
from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE,
                             sys_mmap_pgoff)
from cmaport.mm.page_alloc import (alloc_contig_range, alloc_contig_range_history,
                                   alloc_contig_range_last_stats,
                                   drain_all_pages, free_contig_range,
                                   get_pageblock_migratetype)

PB = 2048
PAGE = 4096


def pattern(tag, i):
    return bytes(((tag * 7 + i * 13 + k) & 0xFF) for k in range(256)) * 16


def anon_process(npages, tag, comm="user"):
    """A process with ``npages`` private anonymous pages, each stored with its own pattern."""
    task = model_spawn(comm)
    with use_task(task):
        addr = sys_mmap_pgoff(0, npages * PAGE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, None, 0)
    assert addr > 0
    for i in range(npages):
        model_user_store(task, addr + i * PAGE, pattern(tag, i))
    return task, addr


def pfn_of(task, addr):
    """The pfn the task's page table maps at ``addr`` (the Linux pte, read as
    follow_page() reads it: after migration the pte is "old", so the hardware entry stays
    empty until the next access)."""
    from cmaport.mm.gup import follow_page
    from cmaport.mm.mmap import find_vma

    page = follow_page(find_vma(task.mm, addr), addr, 0)
    assert isinstance(page, int), page
    return page_to_pfn(page)


def hw_pfn(task, addr):
    """The pfn the simulated MMU reaches at ``addr`` (after a load has made the pte young)."""
    model_user_load(task, addr, 1)
    phys = model_translate(task.mm, addr, False)
    assert phys is not None
    return phys >> 12


def block_of(pfn):
    return pfn & ~(PB - 1)


def span(pfns):
    """The range from the lowest to the highest pfn, all in one MOVABLE pageblock."""
    lo, hi = min(pfns), max(pfns) + 1
    assert block_of(lo) == block_of(hi - 1)
    assert get_pageblock_migratetype(pfn_to_page(lo)) == MIGRATE_MOVABLE
    return lo, hi


def all_checks():
    problems = model_check_rmap() + model_check_lru()
    for zone in NODE_DATA(0).node_zones:
        if zone.present_pages:
            problems += model_check_zone(zone)
            assert zone.nr_isolate_pageblock == 0
    return problems


def test_anonymous_pages_move_with_their_contents(mm):
    m = mm
    task, addr = anon_process(8, 1)
    old = [pfn_of(task, addr + i * PAGE) for i in range(8)]
    lo, hi = span(old)
    n = len(m.dmesg())
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    assert m.dmesg()[n:] == []
    for i in range(8):
        new = pfn_of(task, addr + i * PAGE)
        assert not lo <= new < hi  # the page table now points outside the range
        assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(1, i)
        assert hw_pfn(task, addr + i * PAGE) == new  # and so does the MMU
    for pfn in range(lo, hi):  # and the range is ours
        assert page_count(pfn_to_page(pfn)) == 1 and not PageBuddy(pfn_to_page(pfn))
    st = alloc_contig_range_last_stats()
    assert st.ret == 0 and st.migrate_rounds == 1
    assert st.pages_migrated == 8 and st.pages_failed == 0
    assert st.pages_copied == 8 and st.pages_allocated == 8
    assert st.ptes_updated >= 16  # each pte unmapped, then pointed at the new page
    assert st.tlb_flushes >= 8
    assert st.time_ns == sum(v for k, v in st.delta.items() if k == "time_ns")
    assert st.time_ns >= 8 * 4000  # at least the copies
    node = NODE_DATA(0)
    assert node.vm_stat[NR_ISOLATED_ANON] == node.vm_stat[NR_ISOLATED_FILE] == 0
    assert all_checks() == []
    free_contig_range(lo, hi - lo)
    assert all_checks() == []


def test_shared_anonymous_page_every_mapping_follows(mm):
    parent, addr = anon_process(4, 2)
    with use_task(parent):
        pid = sys_fork()
    child = find_task_by_vpid(pid)
    old = [pfn_of(parent, addr + i * PAGE) for i in range(4)]
    assert [pfn_of(child, addr + i * PAGE) for i in range(4)] == old  # shared until written
    lo, hi = span(old)
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    for i in range(4):
        new = pfn_of(parent, addr + i * PAGE)
        assert not lo <= new < hi
        assert pfn_of(child, addr + i * PAGE) == new  # both ptes point at the one new page
        assert model_user_load(child, addr + i * PAGE, PAGE) == pattern(2, i)
        assert model_user_load(parent, addr + i * PAGE, PAGE) == pattern(2, i)
        assert hw_pfn(child, addr + i * PAGE) == hw_pfn(parent, addr + i * PAGE) == new
    assert alloc_contig_range_last_stats().pages_migrated == 4
    assert all_checks() == []
    # Copy-on-write still works on the moved page.
    model_user_store(child, addr, b"\xEE" * PAGE)
    assert model_user_load(parent, addr, PAGE) == pattern(2, 0)
    assert all_checks() == []


def test_page_cache_pages_move_or_are_dropped(mm):
    from cmaport.fs.modelfs import modelfs_create, modelfs_open
    from cmaport.mm.filemap import do_generic_file_read

    data = bytes(range(256)) * 16 * 6  # six pages
    ino = modelfs_create("f", data)
    f = modelfs_open(ino)
    task = model_spawn("reader")
    # pages 0-5 come into the page cache by read(2): clean, unmapped
    assert do_generic_file_read(f, 0, len(data)) == data
    # ... and pages 0-2 are mapped shared and written: dirty, mapped
    with use_task(task):
        addr = sys_mmap_pgoff(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0)
    model_user_store(task, addr + 5, b"dirty!")
    model_user_store(task, addr + 2 * PAGE, b"second")
    expect = bytearray(data)
    expect[5:11] = b"dirty!"
    expect[2 * PAGE:2 * PAGE + 6] = b"second"
    cache = dict(ino.i_mapping.page_tree)
    pfns = sorted(page_to_pfn(p) for p in cache.values())
    lo, hi = span(pfns)
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    st = alloc_contig_range_last_stats()
    # The clean pages (1, 3, 4, 5) are dropped by reclaim_clean_pages_from_list (they
    # can be read again); the dirty ones (0, 2) are migrated.
    assert st.pages_migrated == 2 and st.pages_copied == 2
    assert sorted(ino.i_mapping.page_tree) == [0, 2] and ino.i_mapping.nrpages == 2
    for idx, page in ino.i_mapping.page_tree.items():
        assert not lo <= page_to_pfn(page) < hi
    assert do_generic_file_read(f, 0, len(data)) == bytes(expect)
    assert model_user_load(task, addr, 3 * PAGE) == bytes(expect[:3 * PAGE])
    new0 = pfn_of(task, addr)
    assert new0 == page_to_pfn(ino.i_mapping.page_tree[0])  # pte and page cache agree
    assert all_checks() == []


def test_mlocked_page_moves(mm):
    from cmaport.mm.mlock import sys_mlock

    task, addr = anon_process(3, 3)
    with use_task(task):
        assert sys_mlock(addr, 3 * PAGE) == 0
    old = [pfn_of(task, addr + i * PAGE) for i in range(3)]
    lo, hi = span(old)
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    for i in range(3):
        assert not lo <= pfn_of(task, addr + i * PAGE) < hi
        assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(3, i)
    assert all_checks() == []


def test_pinned_anonymous_page_is_not_even_isolated(mm):
    """isolate_migratepages_block skips an anonymous page with more references than
    mappings (a get_user_pages pin): it is never tried, the others move, and
    test_pages_isolated finds it — -EBUSY and the "PFNs busy" line."""
    from cmaport.mm.gup import get_user_pages_remote

    m = mm
    task, addr = anon_process(4, 4)
    old = [pfn_of(task, addr + i * PAGE) for i in range(4)]
    lo, hi = span(old)
    pages = []
    with use_task(task):
        assert get_user_pages_remote(task, task.mm, addr + PAGE, 1, FOLL_WRITE, pages,
                                     None) == 1
    pinned = pages[0]
    assert page_to_pfn(pinned) == old[1]
    types = bytes(NODE_DATA(0).node_zones[0].pageblock_flags)
    n = len(m.dmesg())
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == -EBUSY
    # old[0] moved away and its page was freed into the isolated range, so the range is
    # reported from lo.
    assert m.dmesg()[n:] == ["alloc_contig_range: [%x, %x) PFNs busy" % (lo, hi)]
    st = alloc_contig_range_last_stats()
    assert (st.migrate_rounds, st.pages_migrated, st.pages_failed, st.retries) == (1, 3, 0, 0)
    assert pfn_of(task, addr + PAGE) == old[1]
    for i in range(4):
        assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(4, i)
        if i != 1:
            assert not lo <= pfn_of(task, addr + i * PAGE) < hi
    assert bytes(NODE_DATA(0).node_zones[0].pageblock_flags) == types
    assert all_checks() == []
    # Unpinned, it moves.
    put_page(pinned)
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    assert not lo <= pfn_of(task, addr + PAGE) < hi
    assert model_user_load(task, addr + PAGE, PAGE) == pattern(4, 1)
    assert all_checks() == []


def test_pinned_page_cache_page_gives_ebusy_after_five_rounds(mm):
    """A pinned page-cache page is isolated (it has a mapping) but every migration
    attempt finds an extra reference (-EAGAIN): migrate_pages() tries it ten times, and
    __alloc_contig_migrate_range calls it again until the fifth round with the page still
    on the list, then gives up: -EBUSY, the page goes back to the LRU, and
    test_pages_isolated() prints the "PFNs busy" line."""
    from cmaport.fs.modelfs import modelfs_create, modelfs_open
    from cmaport.mm.gup import get_user_pages_remote

    m = mm
    data = bytes(range(256)) * 16 * 3
    ino = modelfs_create("pinned", data)
    f = modelfs_open(ino)
    task = model_spawn("pinner")
    with use_task(task):
        addr = sys_mmap_pgoff(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0)
    for i in range(3):
        model_user_store(task, addr + i * PAGE, pattern(6, i))
    old = [pfn_of(task, addr + i * PAGE) for i in range(3)]
    lo, hi = span(old)
    pages = []
    with use_task(task):
        assert get_user_pages_remote(task, task.mm, addr + PAGE, 1, FOLL_WRITE, pages,
                                     None) == 1
    pinned = pages[0]
    drain_all_pages(None)
    types = bytes(NODE_DATA(0).node_zones[0].pageblock_flags)
    n = len(m.dmesg())
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == -EBUSY
    lines = m.dmesg()[n:]
    assert len(lines) == 1 and lines[0].endswith(", %x) PFNs busy" % hi), lines
    st = alloc_contig_range_last_stats()
    # One batch of three; two move at once, the pinned one fails -EAGAIN in all ten
    # passes of five migrate_pages() calls: 5 x 9 extra passes + 4 extra rounds.
    assert st.migrate_rounds == 1
    assert st.pages_migrated == 2
    assert st.pages_failed == 5
    assert st.retries == 5 * 9 + 4
    assert pfn_of(task, addr + PAGE) == old[1] == page_to_pfn(pinned)
    assert ino.i_mapping.page_tree[1] == pinned
    for i in range(3):
        assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(6, i)
    assert bytes(NODE_DATA(0).node_zones[0].pageblock_flags) == types
    node = NODE_DATA(0)
    assert node.vm_stat[NR_ISOLATED_ANON] == node.vm_stat[NR_ISOLATED_FILE] == 0
    assert all_checks() == []
    put_page(pinned)
    assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
    assert model_user_load(task, addr + PAGE, PAGE) == pattern(6, 1)
    assert not lo <= pfn_of(task, addr + PAGE) < hi
    assert all_checks() == []


def test_user_pages_in_a_cma_area_are_migrated_out(mm_cma):
    """Movable allocations use CMA pageblocks only once MOVABLE is empty (v4.9); then
    cma-style alloc_contig_range(..., MIGRATE_CMA) moves them out (into other free
    memory: the targets are MOVABLE allocations and may come from the other CMA block)."""
    task = model_spawn("cmauser")
    with use_task(task):
        addr = sys_mmap_pgoff(0, 16 * PAGE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, None, 0)
    model_user_store(task, addr, pattern(5, 0))  # the page table exists now
    grabbed = []
    while True:
        page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0)
        if get_pageblock_migratetype(page) == MIGRATE_CMA:
            put_page(page)
            break
        grabbed.append(page)
    for i in range(1, 16):
        model_user_store(task, addr + i * PAGE, pattern(5, i))
    in_cma = [pfn_of(task, addr + i * PAGE) for i in range(1, 16)]
    assert all(0x62000 <= p < 0x63000 for p in in_cma)
    for page in grabbed:  # room for the targets
        put_page(page)
    lo, hi = min(in_cma), max(in_cma) + 1
    assert alloc_contig_range(lo, hi, MIGRATE_CMA) == 0
    for i in range(16):
        assert not lo <= pfn_of(task, addr + i * PAGE) < hi
        assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(5, i)
    assert alloc_contig_range_last_stats().pages_migrated == 15
    assert all_checks() == []
    free_contig_range(lo, hi - lo)
    assert all_checks() == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_workload_pages_survive_contig_allocations(mm_factory, seed):
    """A seeded workload (no pins) fills memory with processes and page cache; every
    MOVABLE pageblock is then taken whole by alloc_contig_range and given back. Whatever
    the processes stored reads back the same, and nothing leaks."""
    from cmaport.workload import Workload

    m = mm_factory()
    w = Workload(seed=seed, machine=m, weights={"pin": 0})
    w.run(150)
    assert w.verify() == [] and w.check() == []
    with m:
        taken = 0
        for start in range(0x60800, 0x64000, PB):
            if get_pageblock_migratetype(pfn_to_page(start)) != MIGRATE_MOVABLE:
                continue
            end = min(start + PB, 0x63F7F)  # 0x63f7f.. holds the usemap and mem_map
            ret = alloc_contig_range(start, end, MIGRATE_MOVABLE)
            if ret == 0:
                taken += 1
                free_contig_range(start, end - start)
            else:
                assert ret == -EBUSY
        assert taken >= 3
        # Every process page in those pageblocks had to move (or stop the block).
        assert sum(r.pages_migrated for r in alloc_contig_range_history()) > 0
    assert w.verify() == [] and w.check() == []
    w.run(50)
    assert w.verify() == [] and w.check() == []


@pytest.mark.parametrize("compaction", [True, False])
def test_migration_without_config_compaction(mm_factory, compaction):
    """mm/compaction.c 24-38: without CONFIG_COMPACTION (CMA alone builds the scanners)
    count_compact_event(s) compile to nothing and the compact_* events do not exist."""
    from cmaport.mm.vmstat import vmstat_c, vmstat_text

    settings = () if compaction else ("CONFIG_COMPACTION=n",)
    m = mm_factory(settings=settings)
    with m:
        task, addr = anon_process(4, 3)
        lo, hi = span([pfn_of(task, addr + i * PAGE) for i in range(4)])
        assert alloc_contig_range(lo, hi, MIGRATE_MOVABLE) == 0
        for i in range(4):
            assert model_user_load(task, addr + i * PAGE, PAGE) == pattern(3, i)
        events = vmstat_c.get().vm_event_states
        assert events["pgmigrate_success"] == 4
        names = [n for n in vmstat_text() if n.startswith("compact_")]
        if compaction:
            assert events["compact_migrate_scanned"] >= 4
            assert events["compact_isolated"] >= 8  # 4 migrated + 4 free pages taken
            assert len(names) == 7
        else:
            assert names == []
            assert not any(k.startswith("compact_") for k in events)
        assert all_checks() == []


@pytest.mark.parametrize("compaction", [True, False])
def test_update_pageblock_skip_is_a_stub_without_compaction(mm_factory, compaction):
    from cmaport.include.linux.pageblock_flags import get_pageblock_skip
    from cmaport.mm.compaction import update_pageblock_skip
    from cmaport.mm.internal import compact_control

    settings = () if compaction else ("CONFIG_COMPACTION=n",)
    m = mm_factory(settings=settings)
    with m:
        zone = NODE_DATA(0).node_zones[0]
        page = pfn_to_page(0x63000)
        cc = compact_control(zone=zone)
        update_pageblock_skip(cc, page, 0, True)
        assert bool(get_pageblock_skip(page)) == compaction
        assert (zone.compact_cached_migrate_pfn[0] == 0x63000) == compaction
