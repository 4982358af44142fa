# SPDX-License-Identifier: GPL-2.0-only
"""reclaim_clean_pages_from_list (mm/vmscan.c, v4.9): alloc_contig_range frees the clean
page-cache pages of its isolated list instead of migrating them."""

import pytest

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.arch.arm.mm.fault import model_user_load, model_user_store
from cmaport.fs.modelfs import modelfs_create, modelfs_open
from cmaport.include.linux.list import LIST_HEAD, list_add_tail, list_count, list_for_each
from cmaport.include.linux.mm import page_zone, put_page
from cmaport.include.linux.mm_inline import page_is_file_cache
from cmaport.include.linux.mmzone import (NODE_DATA, NR_FILE_PAGES, NR_ISOLATED_ANON,
                                          NR_ISOLATED_FILE)
from cmaport.include.linux.page_ref import page_count
from cmaport.include.linux.pagemap import find_get_page
from cmaport.include.linux.sched import use_task
from cmaport.include.linux.vmstat import global_node_page_state, inc_node_page_state
from cmaport.kernel.fork import model_spawn
from cmaport.kernel.machine import Machine
from cmaport.mm.debug import model_check_lru, model_check_rmap, model_page_at
from cmaport.mm.filemap import do_generic_file_read
from cmaport.mm.migrate import putback_movable_pages
from cmaport.mm.mlock import sys_mlock
from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE,
                             sys_mmap_pgoff)
from cmaport.mm.swap import lru_add_drain_all
from cmaport.mm.vmscan import isolate_lru_page, reclaim_clean_pages_from_list


@pytest.fixture
def m():
    machine = Machine().boot()
    with machine:
        yield machine


def test_clean_file_pages_are_freed_dirty_anon_and_mlocked_ones_stay(m):
    data = bytes(range(251)) * 100  # 6+ pages
    ino = modelfs_create("f", data)
    f = modelfs_open(ino)
    p = model_spawn("p")
    with use_task(p):
        shared = sys_mmap_pgoff(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0)
        locked = sys_mmap_pgoff(0, PAGE_SIZE, PROT_READ, MAP_SHARED, f, 5)
        anon = sys_mmap_pgoff(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, None, 0)
    assert do_generic_file_read(f, 4 * PAGE_SIZE, 10) == data[4 * PAGE_SIZE:4 * PAGE_SIZE + 10]
    unmapped_clean = find_get_page(f.f_mapping, 4)
    model_user_load(p, shared, 1)
    mapped_clean = model_page_at(p.mm, shared)
    model_user_store(p, shared + PAGE_SIZE, b"dirty")
    dirty = model_page_at(p.mm, shared + PAGE_SIZE)
    with use_task(p):
        assert sys_mlock(locked, PAGE_SIZE) == 0
    mlocked = model_page_at(p.mm, locked)
    model_user_store(p, anon, b"anon")
    anon_page = model_page_at(p.mm, anon)
    put_page(unmapped_clean)
    lru_add_drain_all()

    pages = [unmapped_clean, mapped_clean, dirty, mlocked, anon_page]
    head = LIST_HEAD()
    for page in pages:
        assert isolate_lru_page(page) == 0
        list_add_tail(page, head)
        inc_node_page_state(page, NR_ISOLATED_ANON + page_is_file_cache(page))
    cached = global_node_page_state(NR_FILE_PAGES)
    isolated_file = global_node_page_state(NR_ISOLATED_FILE)

    zone = page_zone(unmapped_clean)
    ret = reclaim_clean_pages_from_list(zone, head)
    # v4.9 also unmaps a clean mapped page (TTU_UNMAP, force_reclaim) and frees it
    assert ret == 2
    assert sorted(list_for_each(head)) == sorted([dirty, mlocked, anon_page])
    assert global_node_page_state(NR_ISOLATED_FILE) == isolated_file - 2
    assert global_node_page_state(NR_FILE_PAGES) == cached - 2
    assert find_get_page(f.f_mapping, 4) is None and find_get_page(f.f_mapping, 0) is None
    assert page_count(unmapped_clean) == 0 and page_count(mapped_clean) == 0
    assert model_page_at(p.mm, shared) is None  # its pte is gone
    putback_movable_pages(head)
    lru_add_drain_all()
    assert model_check_rmap() == [] and model_check_lru() == []
    assert global_node_page_state(NR_ISOLATED_FILE) == 0
    # the data comes back from the file
    assert model_user_load(p, shared, 8) == data[:8]
    assert model_user_load(p, shared + PAGE_SIZE, 5) == b"dirty"
    assert do_generic_file_read(f, 4 * PAGE_SIZE, 10) == data[4 * PAGE_SIZE:4 * PAGE_SIZE + 10]
    assert list_count(head) == 0
    zone_ok = NODE_DATA(0).node_zones[0]
    from cmaport.mm.debug import model_check_zone

    assert model_check_zone(zone_ok) == []
