# SPDX-License-Identifier: GPL-2.0-only
"""User memory on the v4.9 model: faults, rmap, fork/COW, the page cache, the LRU lists,
mlock, get_user_pages pins, munmap and exit — checked against v4.9's semantics
(mm/memory.c, mm/rmap.c, mm/swap.c, mm/mlock.c, mm/filemap.c, mm/gup.c) and the model's
bookkeeping invariants (mm/debug.py)."""

import pytest

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import (L_PTE_DIRTY, L_PTE_PRESENT, L_PTE_RDONLY,
                                                  L_PTE_USER, L_PTE_XN, L_PTE_YOUNG, pte_pfn)
from cmaport.arch.arm.mm.fault import UserFault, model_user_load, model_user_store
from cmaport.fs.modelfs import modelfs_create, modelfs_open
from cmaport.include.linux.gfp import alloc_page, GFP_KERNEL
from cmaport.include.linux.list import list_count
from cmaport.include.linux.mm import FOLL_WRITE, page_mapcount, page_to_pfn, put_page
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import (LRU_ACTIVE_ANON, LRU_INACTIVE_FILE, LRU_UNEVICTABLE,
                                          NODE_DATA, NR_ANON_MAPPED, NR_FILE_DIRTY,
                                          NR_FILE_MAPPED, NR_FILE_PAGES, NR_FREE_PAGES,
                                          NR_MLOCK, NR_PAGETABLE)
from cmaport.include.linux.page_flags import (PageActive, PageAnon, PageDirty, PageLRU,
                                              PageMlocked, PageSwapBacked, PageUnevictable,
                                              PageUptodate)
from cmaport.include.linux.page_ref import page_count
from cmaport.include.linux.pagemap import find_get_page
from cmaport.include.linux.pagevec import PAGEVEC_SIZE
from cmaport.include.linux.rmap import anon_vma
from cmaport.include.linux.sched import use_task
from cmaport.include.linux.vmstat import (PGFAULT, PGMAJFAULT, global_node_page_state,
                                          global_page_state)
from cmaport.kernel.exit import do_exit
from cmaport.kernel.fork import find_task_by_vpid, model_spawn, sys_fork
from cmaport.kernel.machine import Machine
from cmaport.mm.debug import (model_check_lru, model_check_rmap, model_check_zone,
                              model_migration_entries, model_page_at, model_pte_at)
from cmaport.mm.filemap import do_generic_file_read, filemap_write_and_wait
from cmaport.mm.gup import get_user_pages_remote
from cmaport.mm.memory import memory_c
from cmaport.mm.mlock import sys_mlock, sys_munlock
from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_LOCKED, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED,
                             PROT_READ, PROT_WRITE, find_vma, sys_mmap_pgoff, sys_munmap)
from cmaport.mm.swap import lru_add_drain, lru_add_drain_all, lru_cache_add, swap_c
from cmaport.mm.vmstat import vmstat_c

RW = PROT_READ | PROT_WRITE


@pytest.fixture
def m():
    machine = Machine().boot()
    with machine:
        yield machine


def mmap(task, length, prot=RW, flags=MAP_PRIVATE | MAP_ANONYMOUS, file=None, pgoff=0):
    with use_task(task):
        addr = sys_mmap_pgoff(0, length, prot, flags, file, pgoff)
    assert addr >= 0, addr
    return addr


def check_all():
    problems = model_check_rmap() + model_check_lru()
    for zone in NODE_DATA(0).node_zones:
        if zone.present_pages:
            problems += model_check_zone(zone)
    assert problems == []
    assert model_migration_entries() == []


def lru_len(lru):
    return list_count(NODE_DATA(0).lruvec.lists[lru])


def events():
    return dict(vmstat_c.get().vm_event_states)


def test_anonymous_write_fault_maps_a_new_zeroed_page(m):
    p = model_spawn("t")
    addr = mmap(p, 4 * PAGE_SIZE)
    # the VMA: private anonymous, its pgoff is its virtual page number (do_mmap)
    vma = find_vma(p.mm, addr)
    assert (vma.vm_start, vma.vm_end, vma.vm_pgoff) == (addr, addr + 4 * PAGE_SIZE, addr >> 12)
    before = global_node_page_state(NR_ANON_MAPPED)
    faults = events()[PGFAULT]
    model_user_store(p, addr + 100, b"abc")
    # one write fault: do_anonymous_page, nothing else
    assert events()[PGFAULT] == faults + 1
    page = model_page_at(p.mm, addr)
    pte = model_pte_at(p.mm, addr)
    assert pte_pfn(pte) == page_to_pfn(page)
    # writable, dirty, young, user, not executable (mk_pte + pte_mkwrite(pte_mkdirty))
    for bit in (L_PTE_PRESENT, L_PTE_YOUNG, L_PTE_DIRTY, L_PTE_USER, L_PTE_XN):
        assert pte & bit
    assert not pte & L_PTE_RDONLY
    s = struct_page_arrays.get()
    assert PageAnon(page) and PageSwapBacked(page) and PageUptodate(page)
    assert isinstance(s.mapping[page], anon_vma) and s.mapping[page] is vma.anon_vma
    assert s.index[page] == addr >> 12
    assert page_mapcount(page) == 1
    # the mapping's reference and the lru_add pagevec's
    assert page_count(page) == 2 and not PageLRU(page)
    assert global_node_page_state(NR_ANON_MAPPED) == before + 1
    # contents: zeroed, then the store
    assert model_user_load(p, addr, 110) == bytes(100) + b"abc" + bytes(7)
    lru_add_drain()
    # lru_cache_add_active_or_unevictable: the active anon list
    assert PageLRU(page) and PageActive(page) and page_count(page) == 1
    assert lru_len(LRU_ACTIVE_ANON) >= 1
    check_all()


def test_anonymous_read_fault_maps_the_zero_page_then_cow(m):
    p = model_spawn("t")
    addr = mmap(p, PAGE_SIZE)
    assert model_user_load(p, addr, 16) == bytes(16)
    pte = model_pte_at(p.mm, addr)
    zero_pfn = memory_c.get().zero_pfn
    assert zero_pfn and pte_pfn(pte) == zero_pfn
    assert pte & L_PTE_RDONLY  # PAGE_COPY: read-only until the write fault
    assert model_page_at(p.mm, addr) is None  # vm_normal_page(): not a normal page
    assert global_node_page_state(NR_ANON_MAPPED) == 0
    # the write goes through do_wp_page -> wp_page_copy with a zeroed new page
    model_user_store(p, addr + 8, b"x")
    page = model_page_at(p.mm, addr)
    assert page is not None and page_to_pfn(page) != zero_pfn and PageAnon(page)
    assert model_user_load(p, addr, 16) == bytes(8) + b"x" + bytes(7)
    check_all()


def test_fork_shares_pages_copy_on_write(m):
    p = model_spawn("parent")
    addr = mmap(p, 2 * PAGE_SIZE)
    model_user_store(p, addr, b"parent data")
    page = model_page_at(p.mm, addr)
    with use_task(p):
        cpid = sys_fork()
    c = find_task_by_vpid(cpid)
    # both map the same page, write-protected in both (copy_one_pte)
    assert model_page_at(c.mm, addr) == page
    assert page_mapcount(page) == 2
    assert model_pte_at(p.mm, addr) & L_PTE_RDONLY and model_pte_at(c.mm, addr) & L_PTE_RDONLY
    # the child's VMA is linked to the parent's anon_vma and to one of its own
    cvma = find_vma(c.mm, addr)
    pvma = find_vma(p.mm, addr)
    assert cvma.anon_vma is not pvma.anon_vma and cvma.anon_vma.root is pvma.anon_vma
    check_all()
    # the child writes: it gets a copy, the parent keeps the original
    model_user_store(c, addr, b"child")
    cpage = model_page_at(c.mm, addr)
    assert cpage != page and page_mapcount(page) == 1 and page_mapcount(cpage) == 1
    assert model_user_load(c, addr, 11) == b"childt data"
    assert model_user_load(p, addr, 11) == b"parent data"
    # the parent writes: the page is only its own now, so it is reused (no copy)
    model_user_store(p, addr, b"PARENT")
    assert model_page_at(p.mm, addr) == page
    assert struct_page_arrays.get().mapping[page] is pvma.anon_vma  # page_move_anon_rmap
    check_all()
    do_exit(0, c)
    do_exit(0, p)
    check_all()


def test_file_mappings_share_the_page_cache(m):
    data = bytes(range(256)) * 48  # 3 pages
    ino = modelfs_create("f", data)
    f = modelfs_open(ino)
    a, b = model_spawn("a"), model_spawn("b")
    addr_a = mmap(a, 3 * PAGE_SIZE, flags=MAP_SHARED, file=f)
    addr_b = mmap(b, 2 * PAGE_SIZE, flags=MAP_SHARED, file=f, pgoff=1)
    majfault = events()[PGMAJFAULT]
    assert model_user_load(a, addr_a + PAGE_SIZE, 8) == data[PAGE_SIZE:PAGE_SIZE + 8]
    assert events()[PGMAJFAULT] == majfault + 1  # read from the "disk" (filemap_fault)
    assert model_user_load(b, addr_b, 8) == data[PAGE_SIZE:PAGE_SIZE + 8]
    assert events()[PGMAJFAULT] == majfault + 1  # the page-cache page, no I/O
    page = find_get_page(f.f_mapping, 1)
    put_page(page)
    assert model_page_at(a.mm, addr_a + PAGE_SIZE) == page == model_page_at(b.mm, addr_b)
    assert page_mapcount(page) == 2 and not PageAnon(page)
    assert global_node_page_state(NR_FILE_PAGES) == 1
    assert global_node_page_state(NR_FILE_MAPPED) == 1
    # write-notify: the shared page is mapped read-only until written
    assert model_pte_at(b.mm, addr_b) & L_PTE_RDONLY
    model_user_store(b, addr_b + 4, b"WXYZ")
    assert PageDirty(page) and global_node_page_state(NR_FILE_DIRTY) == 1
    assert model_user_load(a, addr_a + PAGE_SIZE, 8) == data[PAGE_SIZE:PAGE_SIZE + 4] + b"WXYZ"
    # writeback cleans the page and write-protects the ptes again (page_mkclean)
    assert filemap_write_and_wait(f.f_mapping) == 0
    assert not PageDirty(page) and global_node_page_state(NR_FILE_DIRTY) == 0
    assert model_pte_at(b.mm, addr_b) & L_PTE_RDONLY
    assert bytes(ino.data[PAGE_SIZE:PAGE_SIZE + 8]) == data[PAGE_SIZE:PAGE_SIZE + 4] + b"WXYZ"
    # the next store dirties it again
    model_user_store(a, addr_a + PAGE_SIZE, b"!")
    assert PageDirty(page)
    lru_add_drain()
    check_all()


def test_private_file_mapping_copies_on_write(m):
    data = b"0123456789" * 500
    ino = modelfs_create("f", data)
    f = modelfs_open(ino)
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE, flags=MAP_PRIVATE, file=f)
    assert model_user_load(p, addr, 10) == data[:10]
    cache_page = find_get_page(f.f_mapping, 0)
    put_page(cache_page)
    assert model_page_at(p.mm, addr) == cache_page
    model_user_store(p, addr, b"private")
    anon = model_page_at(p.mm, addr)
    assert anon != cache_page and PageAnon(anon)
    assert model_user_load(p, addr, 10) == b"private789"
    # the file and its page cache are untouched
    assert do_generic_file_read(f, 0, 10) == data[:10]
    check_all()


def test_read_past_the_file_is_sigbus(m):
    ino = modelfs_create("f", b"x" * 100)
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE, flags=MAP_PRIVATE, file=modelfs_open(ino))
    assert model_user_load(p, addr, 4) == b"xxxx"
    with pytest.raises(UserFault) as e:
        model_user_load(p, addr + PAGE_SIZE, 4)
    assert e.value.signal == "SIGBUS"
    with pytest.raises(UserFault) as e:
        model_user_load(p, addr + 2 * PAGE_SIZE, 4)
    assert e.value.signal == "SIGSEGV"


def test_munmap_and_exit_give_everything_back(m):
    zone = NODE_DATA(0).node_zones[0]
    lru_add_drain_all()
    free0 = zone.vm_stat[NR_FREE_PAGES]
    # the zero page is allocated once and kept, like ARM's empty_zero_page
    p = model_spawn("p")
    addr = mmap(p, PAGE_SIZE)
    model_user_load(p, addr, 1)
    do_exit(0, p)
    from cmaport.mm.page_alloc import drain_all_pages

    drain_all_pages(None)
    free0 = zone.vm_stat[NR_FREE_PAGES]

    p = model_spawn("p")
    a1 = mmap(p, 64 * PAGE_SIZE)
    a2 = mmap(p, 16 * PAGE_SIZE)
    for i in range(64):
        model_user_store(p, a1 + i * PAGE_SIZE, b"a")
    for i in range(16):
        model_user_store(p, a2 + i * PAGE_SIZE, b"b")
    assert global_page_state(NR_PAGETABLE) >= 1
    with use_task(p):
        cpid = sys_fork()
    c = find_task_by_vpid(cpid)
    # munmap the middle of a1 in the parent: the VMA is split in two
    with use_task(p):
        assert sys_munmap(a1 + 8 * PAGE_SIZE, 8 * PAGE_SIZE) == 0
    vmas = []
    v = p.mm.mmap
    while v is not None:
        vmas.append((v.vm_start, v.vm_end))
        v = v.vm_next
    assert (a1, a1 + 8 * PAGE_SIZE) in vmas and (a1 + 16 * PAGE_SIZE, a1 + 64 * PAGE_SIZE) in vmas
    assert model_user_load(c, a1 + 9 * PAGE_SIZE, 1) == b"a"  # the child still has them
    check_all()
    do_exit(0, p)
    do_exit(0, c)
    lru_add_drain_all()
    drain_all_pages(None)
    check_all()
    assert global_node_page_state(NR_ANON_MAPPED) == 0
    assert global_page_state(NR_PAGETABLE) == 0
    assert zone.vm_stat[NR_FREE_PAGES] == free0


def test_pagevec_holds_fourteen_pages(m):
    pages = [alloc_page(GFP_KERNEL) for _ in range(PAGEVEC_SIZE)]
    pvec = swap_c.get().lru_add_pvec[0]
    lru_add_drain()
    for i, page in enumerate(pages[:-1]):
        lru_cache_add(page)
        assert pvec.nr == i + 1 and not PageLRU(page)
    # the 14th fills the pagevec: __pagevec_lru_add() moves them all to the LRU
    lru_cache_add(pages[-1])
    assert pvec.nr == 0 and all(PageLRU(p) for p in pages)
    assert lru_len(LRU_INACTIVE_FILE) == PAGEVEC_SIZE  # not swap-backed, not active
    for page in pages:
        put_page(page)  # the last reference takes it off the LRU (__page_cache_release)
    assert lru_len(LRU_INACTIVE_FILE) == 0
    check_all()


def test_mlock_moves_pages_to_the_unevictable_list(m):
    p = model_spawn("p")
    addr = mmap(p, 4 * PAGE_SIZE)
    for i in range(4):
        model_user_store(p, addr + i * PAGE_SIZE, b"m")
    with use_task(p):
        assert sys_mlock(addr + PAGE_SIZE, 2 * PAGE_SIZE) == 0
    # mlock_fixup() split the VMA in three; the middle one is VM_LOCKED
    assert p.mm.map_count == 3 and p.mm.locked_vm == 2
    pages = [model_page_at(p.mm, addr + i * PAGE_SIZE) for i in range(4)]
    assert [bool(PageMlocked(pg)) for pg in pages] == [False, True, True, False]
    assert all(PageUnevictable(pg) and PageLRU(pg) for pg in pages[1:3])
    assert global_page_state(NR_MLOCK) == 2 and lru_len(LRU_UNEVICTABLE) == 2
    # a new fault in a locked VMA goes straight to the unevictable list (mlocked)
    addr2 = mmap(p, 2 * PAGE_SIZE, flags=MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED)
    assert PageMlocked(model_page_at(p.mm, addr2))  # MAP_LOCKED populates
    assert global_page_state(NR_MLOCK) == 4
    check_all()
    with use_task(p):
        assert sys_munlock(addr, 4 * PAGE_SIZE) == 0
    assert global_page_state(NR_MLOCK) == 2
    lru_add_drain()
    assert not any(PageMlocked(pg) or PageUnevictable(pg) for pg in pages)
    check_all()
    # munmap of a locked range munlocks first
    with use_task(p):
        assert sys_munmap(addr2, 2 * PAGE_SIZE) == 0
    assert global_page_state(NR_MLOCK) == 0
    check_all()


def test_get_user_pages_pins_until_put_page(m):
    p = model_spawn("p")
    addr = mmap(p, 2 * PAGE_SIZE)
    pages = []
    with use_task(p):
        # faults the pages in for writing
        assert get_user_pages_remote(p, p.mm, addr, 2, FOLL_WRITE, pages, None) == 2
    assert [model_page_at(p.mm, addr), model_page_at(p.mm, addr + PAGE_SIZE)] == pages
    lru_add_drain()
    assert [page_count(pg) for pg in pages] == [2, 2]  # the mapping and the pin
    do_exit(0, p)
    # the pins keep the pages after the process is gone
    assert [page_count(pg) for pg in pages] == [1, 1]
    for pg in pages:
        put_page(pg)
    check_all()


def test_meminfo_shows_user_memory(m):
    from cmaport.fs.proc.meminfo import meminfo_proc_show

    p = model_spawn("p")
    mmap(p, 8 * PAGE_SIZE, flags=MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE)
    ino = modelfs_create("f", b"z" * (4 * PAGE_SIZE))
    faddr = mmap(p, 4 * PAGE_SIZE, flags=MAP_SHARED, file=modelfs_open(ino))
    model_user_store(p, faddr, b"d")
    model_user_load(p, faddr + PAGE_SIZE, 1)
    lru_add_drain()
    text = "".join(meminfo_proc_show())
    assert "AnonPages:            32 kB" in text
    assert "Mapped:                8 kB" in text
    assert "Cached:                8 kB" in text
    assert "Dirty:                 4 kB" in text
    assert "Active(anon):         32 kB" in text
    assert "Inactive(file):        8 kB" in text
