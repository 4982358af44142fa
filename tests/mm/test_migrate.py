# SPDX-License-Identifier: GPL-2.0-only
"""Page migration (mm/migrate.c, v4.9): contents and every mapping move to the new page,
no migration entry survives, and pages migration cannot move fail the way v4.9 fails."""

import pytest

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import L_PTE_RDONLY, L_PTE_YOUNG, pte_pfn
from cmaport.arch.arm.mm.fault import model_user_load, model_user_store
from cmaport.fs.modelfs import modelfs_create, modelfs_open
from cmaport.include.linux.errno import EINVAL, ENOMEM
from cmaport.include.linux.fs import address_space, address_space_operations
from cmaport.include.linux.gfp import GFP_KERNEL, GFP_USER, __GFP_MOVABLE, alloc_page
from cmaport.include.linux.highmem import copy_highpage
from cmaport.include.linux.list import (LIST_HEAD, list_add_tail, list_count, list_empty,
                                        list_first_entry)
from cmaport.include.linux.migrate import (MIGRATEPAGE_SUCCESS, MR_CMA, MR_COMPACTION,
                                           __ClearPageMovable, __SetPageMovable)
from cmaport.include.linux.migrate_mode import MIGRATE_ASYNC, MIGRATE_SYNC, MIGRATE_SYNC_LIGHT
from cmaport.include.linux.mm import (FOLL_WRITE, get_page, page_mapcount, page_to_phys,
                                      page_to_pfn, page_zone, put_page)
from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_is_file_cache, page_lru
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import (ISOLATE_UNEVICTABLE, NODE_DATA,
                                          NR_FILE_DIRTY, NR_FILE_PAGES, NR_ISOLATED_ANON,
                                          NR_ISOLATED_FILE, NR_MLOCK)
from cmaport.include.linux.page_flags import (PageActive, PageDirty, PageIsolated,
                                              PageLRU, PageMlocked, PageUnevictable,
                                              __PageMovable)
from cmaport.include.linux.page_ref import page_count
from cmaport.include.linux.pagemap import find_get_page, lock_page, unlock_page
from cmaport.include.linux.sched import use_task
from cmaport.include.linux.vmstat import (PGMIGRATE_FAIL, PGMIGRATE_SUCCESS,
                                          global_node_page_state, global_page_state,
                                          inc_node_page_state)
from cmaport.kernel.cost import delta, snapshot
from cmaport.kernel.errors import WouldBlock
from cmaport.kernel.fork import find_task_by_vpid, model_spawn, sys_fork
from cmaport.kernel.machine import Machine
from cmaport.mm.debug import (model_check_lru, model_check_rmap, model_check_zone,
                              model_migration_entries, model_page_at, model_pte_at)
from cmaport.mm.gup import get_user_pages_remote
from cmaport.mm.migrate import (isolate_movable_page, migrate_pages, migrate_prep,
                                putback_movable_pages)
from cmaport.mm.mlock import sys_mlock
from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE,
                             sys_mmap_pgoff, sys_munmap)
from cmaport.mm.swap import lru_add_drain, mem_cgroup_page_lruvec
from cmaport.mm.vmscan import __isolate_lru_page, isolate_lru_page
from cmaport.mm.vmstat import vmstat_c

RW = PROT_READ | PROT_WRITE
# (names with two leading underscores would be mangled inside the class body)
MOVABLE = __GFP_MOVABLE
SET_MOVABLE = __SetPageMovable
CLEAR_MOVABLE = __ClearPageMovable


@pytest.fixture
def m():
    machine = Machine().boot()
    with machine:
        yield machine


def mmap(task, length, flags=MAP_PRIVATE | MAP_ANONYMOUS, file=None, pgoff=0):
    with use_task(task):
        addr = sys_mmap_pgoff(0, length, RW, flags, file, pgoff)
    assert addr >= 0
    return addr


def isolate(pages):
    """What a migrate_pages() caller does: isolate each page and count it isolated."""
    migrate_prep()
    head = LIST_HEAD()
    for page in pages:
        assert isolate_lru_page(page) == 0
        list_add_tail(page, head)
        inc_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
    return head


def target(page, private, result):
    """The new_page_t of alloc_contig_range (alloc_migrate_target): a movable page."""
    return alloc_page(GFP_USER | __GFP_MOVABLE)


def check_all():
    problems = model_check_rmap() + model_check_lru()
    for zone in NODE_DATA(0).node_zones:
        if zone.present_pages:
            problems += model_check_zone(zone)
    assert problems == []
    assert model_migration_entries() == []
    assert global_node_page_state(NR_ISOLATED_ANON) == 0
    assert global_node_page_state(NR_ISOLATED_FILE) == 0


def events():
    return dict(vmstat_c.get().vm_event_states)


def freed(page):
    """The old page went back to the allocator (count 0; free, or on a per-cpu list)."""
    return page_count(page) == 0 and not PageLRU(page)


def test_anonymous_page_migrates_with_its_contents(m):
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE)
    model_user_store(p, addr, bytes(range(256)) * 16)
    old = model_page_at(p.mm, addr)
    lru_add_drain()
    head = isolate([old])
    ev = events()
    before = snapshot()
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    cost = delta(before)
    assert list_empty(head)
    new = model_page_at(p.mm, addr)
    assert new is not None and new != old and freed(old)
    # the pte: the new pfn, still writable; remove_migration_pte makes it old (not young)
    pte = model_pte_at(p.mm, addr)
    assert pte_pfn(pte) == page_to_pfn(new) and not pte & L_PTE_RDONLY and not pte & L_PTE_YOUNG
    assert model_user_load(p, addr, PAGE_SIZE) == bytes(range(256)) * 16
    assert page_mapcount(new) == 1 and PageActive(new)
    assert events()[PGMIGRATE_SUCCESS] == ev[PGMIGRATE_SUCCESS] + 1
    assert (cost["pages_migrated"], cost["pages_copied"], cost["pages_allocated"]) == (1, 1, 1)
    assert cost["ptes_updated"] == 2  # unmapped to a migration entry, then remapped
    assert cost["tlb_flushes"] >= 1 and cost["time_ns"] > 0
    check_all()


def test_forked_page_moves_in_every_process(m):
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE)
    model_user_store(p, addr, b"shared by three")
    with use_task(p):
        c1 = find_task_by_vpid(sys_fork())
    with use_task(c1):
        c2 = find_task_by_vpid(sys_fork())
    old = model_page_at(p.mm, addr)
    assert page_mapcount(old) == 3
    head = isolate([old])
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    new = model_page_at(p.mm, addr)
    assert new != old and freed(old)
    for t in (p, c1, c2):
        assert model_page_at(t.mm, addr) == new
        # still copy-on-write: a read migration entry comes back read-only
        assert model_pte_at(t.mm, addr) & L_PTE_RDONLY
        assert model_user_load(t, addr, 15) == b"shared by three"
    assert page_mapcount(new) == 3
    check_all()
    model_user_store(c2, addr, b"S")
    assert model_user_load(p, addr, 3) == b"sha" and model_user_load(c2, addr, 3) == b"Sha"
    check_all()


def test_file_page_moves_in_the_page_cache_and_every_mapping(m):
    data = b"file contents!" * 600
    ino = modelfs_create("f", data)
    f = modelfs_open(ino)
    a, b, c = model_spawn("a"), model_spawn("b"), model_spawn("c")
    aa = mmap(a, 3 * PAGE_SIZE, flags=MAP_SHARED, file=f)
    ba = mmap(b, PAGE_SIZE, flags=MAP_SHARED, file=f, pgoff=1)
    ca = mmap(c, 2 * PAGE_SIZE, flags=MAP_PRIVATE, file=f)
    model_user_store(a, aa + PAGE_SIZE, b"dirty!")
    model_user_load(b, ba, 1)
    model_user_load(c, ca + PAGE_SIZE, 1)  # a private, read-only mapping of the same page
    old = find_get_page(f.f_mapping, 1)
    put_page(old)
    assert page_mapcount(old) == 3 and PageDirty(old)
    cached = global_node_page_state(NR_FILE_PAGES)
    dirty = global_node_page_state(NR_FILE_DIRTY)
    lru_add_drain()
    head = isolate([old])
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    new = find_get_page(f.f_mapping, 1)
    put_page(new)
    assert new != old and freed(old)
    assert struct_page_arrays.get().mapping.get(old) is None  # move_to_new_page cleared it
    assert (model_page_at(a.mm, aa + PAGE_SIZE), model_page_at(b.mm, ba),
            model_page_at(c.mm, ca + PAGE_SIZE)) == (new, new, new)
    assert page_mapcount(new) == 3 and PageDirty(new)
    assert global_node_page_state(NR_FILE_PAGES) == cached
    assert global_node_page_state(NR_FILE_DIRTY) == dirty
    for t, addr in ((a, aa + PAGE_SIZE), (b, ba), (c, ca + PAGE_SIZE)):
        assert model_user_load(t, addr, 6) == b"dirty!"
    check_all()


def test_pinned_page_fails_after_ten_passes_and_stays_intact(m):
    """get_user_pages holds a reference: migrate_page_move_mapping sees page_count != 1
    (anonymous, after unmapping) and returns -EAGAIN every pass; after 10 passes the page is
    counted as not migrated, still on the list, its ptes back on the old page."""
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE)
    model_user_store(p, addr, b"pinned")
    pages = []
    with use_task(p):
        assert get_user_pages_remote(p, p.mm, addr, 1, FOLL_WRITE, pages, None) == 1
    old = pages[0]
    lru_add_drain()
    head = isolate([old])
    ev = events()
    before = snapshot()
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 1
    cost = delta(before)
    assert list_count(head) == 1 and list_first_entry(head) == old
    assert cost["retries"] == 9 and cost["pages_failed"] == 1 and cost["pages_migrated"] == 0
    assert cost["pages_copied"] == 0 and cost["pages_allocated"] == 10
    assert events()[PGMIGRATE_FAIL] == ev[PGMIGRATE_FAIL] + 1
    # intact: mapped where it was, with its contents, pin and isolation references
    assert model_page_at(p.mm, addr) == old and page_mapcount(old) == 1
    assert page_count(old) == 3 and not PageLRU(old)
    assert model_migration_entries() == []
    assert model_user_load(p, addr, 6) == b"pinned"
    putback_movable_pages(head)
    assert list_empty(head) and PageLRU(old) is False  # back through the pagevec
    lru_add_drain()
    assert PageLRU(old) and page_count(old) == 2
    check_all()
    put_page(old)
    check_all()


def test_pinned_file_page_fails_too(m):
    ino = modelfs_create("f", b"q" * PAGE_SIZE)
    f = modelfs_open(ino)
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE, flags=MAP_SHARED, file=f)
    pages = []
    with use_task(p):
        assert get_user_pages_remote(p, p.mm, addr, 1, 0, pages, None) == 1
    lru_add_drain()
    head = isolate(pages)
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 1
    assert find_get_page(f.f_mapping, 0) == pages[0]
    put_page(pages[0])
    putback_movable_pages(head)
    put_page(pages[0])
    lru_add_drain()
    check_all()


def test_mlocked_page_migrates_when_isolated_with_isolate_unevictable(m):
    """v4.9: CMA isolates with ISOLATE_UNEVICTABLE and migrates mlocked pages; try_to_unmap
    ignores the mlock (TTU_IGNORE_MLOCK) and remove_migration_pte mlocks the new page."""
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE)
    model_user_store(p, addr, b"locked")
    with use_task(p):
        assert sys_mlock(addr, 2 * PAGE_SIZE) == 0
    old = model_page_at(p.mm, addr)
    assert PageMlocked(old) and PageUnevictable(old) and PageLRU(old)
    assert global_page_state(NR_MLOCK) == 2
    # compaction's mode refuses an unevictable page; CMA's takes it
    assert __isolate_lru_page(old, 0) == -EINVAL
    assert __isolate_lru_page(old, ISOLATE_UNEVICTABLE) == 0
    lruvec = mem_cgroup_page_lruvec(old, page_zone(old).zone_pgdat)
    del_page_from_lru_list(old, lruvec, page_lru(old))
    head = LIST_HEAD()
    list_add_tail(old, head)
    inc_node_page_state(old, NR_ISOLATED_ANON)
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    new = model_page_at(p.mm, addr)
    assert new != old and freed(old) and not PageMlocked(old)
    assert PageMlocked(new) and PageUnevictable(new) and PageLRU(new)
    assert global_page_state(NR_MLOCK) == 2
    assert model_user_load(p, addr, 6) == b"locked"
    check_all()


def test_clean_page_cache_page_without_mappings_migrates(m):
    from cmaport.mm.filemap import do_generic_file_read

    ino = modelfs_create("f", b"cache" * 1000)
    f = modelfs_open(ino)
    assert do_generic_file_read(f, 0, 5) == b"cache"
    old = find_get_page(f.f_mapping, 0)
    put_page(old)
    lru_add_drain()
    head = isolate([old])
    assert migrate_pages(head, target, None, 0, MIGRATE_ASYNC, MR_COMPACTION) == 0
    assert find_get_page(f.f_mapping, 0) != old
    assert freed(old)
    assert do_generic_file_read(f, 0, 5000) == b"cache" * 1000
    put_page(find_get_page(f.f_mapping, 0))
    put_page(find_get_page(f.f_mapping, 0))
    check_all()


def test_dirty_page_of_a_mapping_without_migratepage(m):
    """fallback_migrate_page(): a dirty page fails for good (-EBUSY) unless the mode is
    MIGRATE_SYNC; then it is written out (-EAGAIN) and moves on a later pass."""
    ino = modelfs_create("f", b"d" * (2 * PAGE_SIZE), migratepage=None)
    f = modelfs_open(ino)
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE, flags=MAP_SHARED, file=f)
    model_user_store(p, addr, b"NEW")
    model_user_store(p, addr + PAGE_SIZE, b"two")
    page0 = model_page_at(p.mm, addr)
    page1 = model_page_at(p.mm, addr + PAGE_SIZE)
    assert PageDirty(page0) and PageDirty(page1)
    lru_add_drain()
    head = isolate([page0])
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC_LIGHT, MR_COMPACTION) == 1
    assert list_empty(head) and model_page_at(p.mm, addr) == page0  # put back at once
    assert bytes(ino.data[:3]) == b"ddd"
    lru_add_drain()
    head = isolate([page1])
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    new = model_page_at(p.mm, addr + PAGE_SIZE)
    assert new != page1 and not PageDirty(new)
    assert bytes(ino.data[PAGE_SIZE:PAGE_SIZE + 3]) == b"two"  # written out by writeout()
    assert model_user_load(p, addr + PAGE_SIZE, 3) == b"two"
    lru_add_drain()
    check_all()


def test_no_target_page_stops_with_enomem(m):
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE)
    model_user_store(p, addr, b"a")
    model_user_store(p, addr + PAGE_SIZE, b"b")
    pages = [model_page_at(p.mm, addr), model_page_at(p.mm, addr + PAGE_SIZE)]
    lru_add_drain()
    head = isolate(pages)
    calls = []

    def none(page, private, result):
        calls.append(page)
        return None

    assert migrate_pages(head, none, None, 0, MIGRATE_SYNC, MR_CMA) == -ENOMEM
    assert calls == pages[:1] and list_count(head) == 2
    putback_movable_pages(head)
    lru_add_drain()
    check_all()


def test_page_freed_while_isolated_counts_as_migrated(m):
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE)
    model_user_store(p, addr, b"gone")
    old = model_page_at(p.mm, addr)
    lru_add_drain()
    head = isolate([old])
    with use_task(p):
        assert sys_munmap(addr, PAGE_SIZE) == 0
    assert page_count(old) == 1  # only the isolation's reference
    before = snapshot()
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    assert delta(before)["pages_copied"] == 0
    assert freed(old)
    check_all()


def test_locked_page_async_gives_up_sync_would_wait(m):
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE)
    model_user_store(p, addr, b"L")
    page = model_page_at(p.mm, addr)
    lru_add_drain()
    lock_page(page)  # someone else holds the page lock
    head = isolate([page])
    # MIGRATE_ASYNC never forces the lock: -EAGAIN for all ten passes
    assert migrate_pages(head, target, None, 0, MIGRATE_ASYNC, MR_COMPACTION) == 1
    assert list_count(head) == 1
    # MIGRATE_SYNC takes the lock by force from the fourth pass: it would sleep forever
    with pytest.raises(WouldBlock):
        migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA)
    unlock_page(page)
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    assert model_user_load(p, addr, 1) == b"L"


# --- a non-LRU movable page (a driver's, like zsmalloc's or the balloon's) ----------------

class toy_driver:
    """A driver owning movable pages: isolate/putback/migratepage as the API wants."""

    def __init__(self):
        self.mapping = address_space(a_ops=address_space_operations(
            isolate_page=self.isolate_page, putback_page=self.putback_page,
            migratepage=self.migratepage))
        self.pages = []
        self.isolated = []

    def alloc(self, data):
        page = alloc_page(GFP_KERNEL | MOVABLE)
        from cmaport.kernel.machine import this_machine

        this_machine().hw.physmem.write(page_to_phys(page), data)
        lock_page(page)
        SET_MOVABLE(page, self.mapping)
        unlock_page(page)
        self.pages.append(page)
        return page

    def isolate_page(self, page, mode):
        self.isolated.append(page)
        return True

    def putback_page(self, page):
        self.isolated.remove(page)

    def migratepage(self, mapping, newpage, page, mode):
        copy_highpage(newpage, page)
        get_page(newpage)
        SET_MOVABLE(newpage, self.mapping)
        self.pages[self.pages.index(page)] = newpage
        CLEAR_MOVABLE(page)
        self.isolated.remove(page)
        put_page(page)  # the driver's own reference
        return MIGRATEPAGE_SUCCESS


def test_non_lru_movable_page_migrates_through_its_driver(m):
    from cmaport.kernel.machine import this_machine

    drv = toy_driver()
    old = drv.alloc(b"driver data")
    assert __PageMovable(old) and not PageLRU(old)
    assert isolate_movable_page(old, ISOLATE_UNEVICTABLE)
    assert PageIsolated(old) and page_count(old) == 2
    assert not isolate_movable_page(old, 0)  # already isolated
    head = LIST_HEAD()
    list_add_tail(old, head)
    inc_node_page_state(old, NR_ISOLATED_FILE)  # acct_isolated: not swap-backed
    assert migrate_pages(head, target, None, 0, MIGRATE_SYNC, MR_CMA) == 0
    new = drv.pages[0]
    assert new != old and freed(old) and not PageIsolated(new) and page_count(new) == 1
    assert this_machine().hw.physmem.read(page_to_phys(new), 11) == b"driver data"
    # putback gives an isolated page back to its driver
    assert isolate_movable_page(new, 0)
    head = LIST_HEAD()
    list_add_tail(new, head)
    inc_node_page_state(new, NR_ISOLATED_FILE)
    putback_movable_pages(head)
    assert drv.isolated == [] and not PageIsolated(new) and page_count(new) == 1
    check_all()


# --- the VM_BUG_ON_PAGEs of mm/migrate.c (CONFIG_DEBUG_VM), with v4.9's line numbers -------

@pytest.fixture
def m_debug(mm_factory):
    machine = mm_factory(settings=("CONFIG_DEBUG_VM=y",))
    with machine:
        yield machine


def bug_line(machine, call):
    from cmaport.kernel.errors import KernelBug

    with pytest.raises(KernelBug):
        call()
    return [line for line in machine.dmesg() if line.startswith("kernel BUG at")][-1]


def test_putback_movable_page_bug_lines(m_debug):
    from cmaport.include.linux.page_flags import __ClearPageIsolated
    from cmaport.mm.migrate import putback_movable_page

    drv = toy_driver()
    page = drv.alloc(b"x")
    assert bug_line(m_debug, lambda: putback_movable_page(page)) == "kernel BUG at mm/migrate.c:143!"
    lock_page(page)
    assert bug_line(m_debug, lambda: putback_movable_page(page)) == "kernel BUG at mm/migrate.c:145!"
    assert isolate_movable_page(page, 0) is False  # locked: trylock fails
    unlock_page(page)
    assert isolate_movable_page(page, 0)
    lock_page(page)
    CLEAR_MOVABLE(page)
    assert bug_line(m_debug, lambda: putback_movable_page(page)) == "kernel BUG at mm/migrate.c:144!"
    __ClearPageIsolated(page)


def test_putback_movable_pages_bug_line(m_debug):
    drv = toy_driver()
    page = drv.alloc(b"x")
    head = LIST_HEAD()
    list_add_tail(page, head)
    inc_node_page_state(page, NR_ISOLATED_FILE)
    assert bug_line(m_debug, lambda: putback_movable_pages(head)) == "kernel BUG at mm/migrate.c:179!"
