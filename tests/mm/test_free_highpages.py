# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/init.c free_highpages(): the whole-block shortcut leaves the kernel's state.

free_highmem_page() frees highmem one page at a time through the boot pageset; the model
frees whole MAX_ORDER-aligned blocks in one step (mm/page_alloc.py
model_free_highmem_block) when the block is in the clean state boot leaves, and otherwise
returns False so that the caller frees it page by page. Both ways must leave every struct
page, every free list (in order), every counter (zone, node, global, VM events), the
per-cpu lists and the log the same.
"""

import pytest

import cmaport.arch.arm.mm.init as arm_init
import cmaport.mm.page_alloc as page_alloc
from cmaport.arch.arm.hw.board import virt_board
from cmaport.arch.arm.mm.init import init_c
from cmaport.include.linux.list import list_for_each
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import NODE_DATA, NR_PAGES_SCANNED, zone_type
from cmaport.include.linux.page_flags import (PAGE_MAPPING_ANON, PG_dirty, PG_lru, PG_referenced,
                                              PageBuddy)
from cmaport.kernel.machine import Machine
from cmaport.mm.internal import page_order
from cmaport.mm.vmstat import vmstat_c


def boot(page_by_page, cmdline, ram, perturb=None, monkeypatch=None):
    """Boot to mm_init; ``perturb(first_block_pfn)`` runs just before free_highpages().

    :return: the machine and the return values of each model_free_highmem_block call
    """
    m = Machine(board=virt_board(ram_size=ram), cmdline=cmdline)
    m.config.set_assignment("CONFIG_HIGHMEM=y")
    with m:
        init_c.get().model_free_highmem_page_by_page = page_by_page
    results = []
    if monkeypatch is not None:
        original_free_highpages = arm_init.free_highpages
        original_block = page_alloc.model_free_highmem_block

        def free_highpages():
            if perturb is not None:
                perturb(first_free_block())
            original_free_highpages()

        def model_free_highmem_block(page, order):
            results.append(original_block(page, order))
            return results[-1]

        monkeypatch.setattr(arm_init, "free_highpages", free_highpages)
        monkeypatch.setattr(page_alloc, "model_free_highmem_block", model_free_highmem_block)
    m.boot(until="mm_init")
    if monkeypatch is not None:
        monkeypatch.undo()
    return m, results


def first_free_block():
    """The pfn of a MAX_ORDER-aligned highmem block that free_highpages() frees (no
    reserved page in it): 16 blocks above the start of HighMem."""
    from cmaport.kernel.machine import this_machine

    zone = NODE_DATA(0).node_zones[zone_type.get().ZONE_HIGHMEM]
    block = this_machine().config.MAX_ORDER_NR_PAGES
    return (zone.zone_start_pfn + block - 1) // block * block + 16 * block


def state(m):
    with m:
        s = struct_page_arrays.get()
        arrays = {name: bytes(getattr(s, name)) for name in
                  ("flags", "_refcount", "_mapcount", "private", "index", "lru_next", "lru_prev")}
        arrays["mapping"] = sorted(s.mapping)
        zones = []
        for z in NODE_DATA(0).node_zones:
            pcp = z.pageset[0].pcp
            zones.append((z.name, z.managed_pages, list(z.vm_stat),
                          [a.nr_free for a in z.free_area],
                          (pcp.count, pcp.high, pcp.batch,
                           [list(list_for_each(h)) for h in pcp.lists])))
        node = list(NODE_DATA(0).vm_stat)
        vs = vmstat_c.get()
        stats = (list(vs.vm_zone_stat), list(vs.vm_node_stat), dict(vs.vm_event_states))
        from cmaport.mm.page_alloc import page_alloc_c
        ps = page_alloc_c.get()
        totals = (ps.totalram_pages, ps.totalhigh_pages)
    return arrays, zones, node, stats, totals, m.dmesg()


def assert_same(fast, slow):
    assert fast[0].keys() == slow[0].keys()
    for name in fast[0]:
        assert fast[0][name] == slow[0][name], name
    for i, what in enumerate(("zones", "node stats", "global stats and events", "totals", "log"), 1):
        assert fast[i] == slow[i], what


@pytest.mark.parametrize("cmdline,ram", [
    ("console=ttyAMA0", 1 << 30),
    # a reserved range inside highmem splits it into unaligned pieces
    ("memblock=debug cma=8M@0x77c00000 mem=1001M", 1 << 30),
])
def test_whole_block_shortcut_matches_page_by_page(cmdline, ram, monkeypatch):
    m, results = boot(False, cmdline, ram, monkeypatch=monkeypatch)
    fast = state(m)
    slow = state(boot(True, cmdline, ram)[0])
    assert_same(fast, slow)
    # the shortcut really ran: highmem exists and is mostly free
    assert any(name == "HighMem" and managed > 0 for name, managed, *_ in fast[1])
    assert results and all(results)


def _scanned(pfn):
    from cmaport.include.linux.vmstat import __mod_node_page_state

    __mod_node_page_state(NODE_DATA(0), NR_PAGES_SCANNED, 7)


def _prep_flags(pfn):
    s = struct_page_arrays.get()
    s.flags[pfn - s.pfn_offset + 5] |= 1 << PG_dirty
    s.flags[pfn - s.pfn_offset + 6] |= 1 << PG_referenced


def _anon_mapping(pfn):
    s = struct_page_arrays.get()
    s.mapping[pfn - s.pfn_offset + 9] = PAGE_MAPPING_ANON


def _flag_checked_at_free(pfn):
    s = struct_page_arrays.get()
    s.flags[pfn - s.pfn_offset + 3] |= 1 << PG_lru


def _mapped(pfn):
    s = struct_page_arrays.get()
    s._mapcount[pfn - s.pfn_offset + 1] = 0


def _plain_mapping(pfn):
    s = struct_page_arrays.get()
    s.mapping[pfn - s.pfn_offset + 2] = object()


def _pcp_not_empty(pfn):
    """A lowmem page sits on the boot pageset's list (freed while high was raised)."""
    from cmaport.include.linux.gfp import GFP_KERNEL, alloc_pages
    from cmaport.mm.page_alloc import free_hot_cold_page

    page = alloc_pages(GFP_KERNEL, 0)
    pcp = NODE_DATA(0).node_zones[0].pageset[0].pcp
    pcp.high = 8
    free_hot_cold_page(page, False)
    pcp.high = 0
    assert pcp.count == 1


@pytest.mark.parametrize("perturb,shortcut_everywhere", [
    (_scanned, True),  # free_pcppages_bulk resets NR_PAGES_SCANNED: the shortcut does too
    (_prep_flags, True),  # PAGE_FLAGS_CHECK_AT_PREP flags are cleared, not only PG_reserved
    (_anon_mapping, True),  # a flagged mapping is cleared as free_pcp_prepare does
    (_flag_checked_at_free, False),  # not the clean state: that block goes page by page
    (_mapped, False),  # bad_page() in both ways
    (_plain_mapping, False),  # bad_page() in both ways
    (_pcp_not_empty, False),  # the pcp list is not empty: every block goes page by page
])
def test_shortcut_is_exact_or_falls_back(perturb, shortcut_everywhere, monkeypatch):
    cmdline, ram = "console=ttyAMA0", 1 << 30
    m, results = boot(False, cmdline, ram, perturb, monkeypatch)
    fast = state(m)
    slow_m, _ = boot(True, cmdline, ram, perturb, monkeypatch)
    slow = state(slow_m)
    assert_same(fast, slow)
    assert results
    if shortcut_everywhere:
        assert all(results)
    else:
        assert not all(results)
    with m:
        pfn = first_free_block()
        s = struct_page_arrays.get()
        whole = PageBuddy(pfn - s.pfn_offset) and \
            page_order(pfn - s.pfn_offset) == m.config.MAX_ORDER - 1
        assert whole == (perturb not in (_mapped, _plain_mapping))  # a bad page is leaked
        assert NODE_DATA(0).vm_stat[NR_PAGES_SCANNED] == 0
