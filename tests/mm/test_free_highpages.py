# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/init.c free_highpages(): the whole-block shortcut leaves the kernel's state.

free_highmem_page() frees highmem one page at a time through the boot pageset; the model
frees whole MAX_ORDER-aligned blocks in one step. Both must leave every struct page, every
free list (in order) and every counter the same.
"""

import pytest

from cmaport.arch.arm.hw.board import virt_board
from cmaport.arch.arm.mm.init import init_c
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import NODE_DATA
from cmaport.kernel.machine import Machine


def boot(page_by_page, cmdline, ram):
    m = Machine(board=virt_board(ram_size=ram), cmdline=cmdline)
    m.config.set_assignment("CONFIG_HIGHMEM=y")
    with m:
        init_c.get().model_free_highmem_page_by_page = page_by_page
    return m.boot(until="mm_init")


def state(m):
    with m:
        s = struct_page_arrays.get()
        arrays = {name: bytes(getattr(s, name)) for name in
                  ("flags", "_refcount", "_mapcount", "private", "index", "lru_next", "lru_prev")}
        zones = []
        for z in NODE_DATA(0).node_zones:
            zones.append((z.name, z.managed_pages, list(z.vm_stat),
                          [a.nr_free for a in z.free_area]))
        from cmaport.mm.page_alloc import page_alloc_c
        ps = page_alloc_c.get()
        totals = (ps.totalram_pages, ps.totalhigh_pages)
    return arrays, zones, totals, m.dmesg()


@pytest.mark.parametrize("cmdline,ram", [
    ("console=ttyAMA0", 1 << 30),
    # a reserved range inside highmem splits it into unaligned pieces
    ("memblock=debug cma=8M@0x77c00000 mem=1001M", 1 << 30),
])
def test_whole_block_shortcut_matches_page_by_page(cmdline, ram):
    fast = state(boot(False, cmdline, ram))
    slow = state(boot(True, cmdline, ram))
    assert fast[0].keys() == slow[0].keys()
    for name in fast[0]:
        assert fast[0][name] == slow[0][name], name
    assert fast[1:] == slow[1:]
    # the shortcut really ran: highmem exists and is mostly free
    assert any(name == "HighMem" and managed > 0 for name, managed, *_ in fast[1])
