# SPDX-License-Identifier: GPL-2.0-only
"""Zone and node sizes are ``unsigned long`` (v4.9-vs-v6.1 §15.2).

v4.9 fixes the lowmem limit in sanity_check_meminfo(), before arm_memblock_init() may
remove a no-map reserved-memory region at the end of RAM. bootmem_init() then sees
max_low above max_high: the HighMem zone size ``max_high - max_low`` wraps, the node span
(the sum of the zone sizes) wraps back to the new end of RAM, and mem_map is allocated
short by whatever MAX_ORDER_NR_PAGES alignment does not cover, while the lowmem zone still
spans the old limit. memmap_init_zone() then writes past the end of mem_map: the model
stops there (KernelBug, a diagnostic naming §15.2).
"""

import pytest

from cmaport.include.linux.mmzone import NODE_DATA, zone_type
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.errors import KernelBug
from cmaport.kernel.machine import Machine
from cmaport.mm.page_alloc import calc_memmap_size, page_alloc_c, usemap_size

RAM_BASE = 0x60000000
RAM_PAGES = (64 << 20) >> 12


def boot_removing_end(remove_bytes, reserve_all=False):
    """sanity_check_meminfo on 64 MiB, then remove ``remove_bytes`` at the end of RAM (what
    arm_memblock_init does to a no-map region allocated there), then paging_init."""
    from cmaport.arch.arm.include.asm.memory import memory_h
    from cmaport.arch.arm.mm.mmu import paging_init, sanity_check_meminfo
    from cmaport.mm.memblock import memblock_add, memblock_remove, memblock_reserve

    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=y")
    m = Machine(config=cfg)
    with m:
        memory_h.get().phys_offset = RAM_BASE
        memblock_add(RAM_BASE, 64 << 20)
        memblock_reserve(0x60100000, 0x600000)
        if reserve_all:
            memblock_reserve(RAM_BASE, 64 << 20)  # nothing left for mem_map
        sanity_check_meminfo()
        memblock_remove(RAM_BASE + (64 << 20) - remove_bytes, remove_bytes)
        error = None
        try:
            paging_init(None)
        except KernelBug as e:
            error = e
    return m, error


def test_wrapped_highmem_shortens_mem_map_and_memmap_init_zone_overruns():
    m, error = boot_removing_end(8 << 20)  # one MAX_ORDER block (2048 pages)
    removed = (8 << 20) >> 12
    with m:
        cfg = m.config
        assert removed == cfg.MAX_ORDER_NR_PAGES  # what alignment cannot hide
        zt = zone_type.get()
        pgdat = NODE_DATA(0)
        high = pgdat.node_zones[zt.ZONE_HIGHMEM]
        assert high.spanned_pages == (-removed) & 0xFFFFFFFF
        assert high.present_pages == 0
        # the node span wraps back to the new end of RAM
        assert pgdat.node_spanned_pages == RAM_PAGES - removed
        assert pgdat.node_present_pages == RAM_PAGES - removed
        start = RAM_BASE >> 12
        assert page_alloc_c.get().model_mem_map_pfns == (start, start + RAM_PAGES - removed)
    assert isinstance(error, KernelBug) and error.function == "memmap_init_zone"
    assert "pfn %#x" % (start + RAM_PAGES - removed) in str(error)
    notes = [d for d in m.diagnostics if d.where == "memmap_init_zone"]
    assert len(notes) == 1 and "§15.2" in notes[0].message
    assert "%d struct pages outside mem_map" % removed in notes[0].message
    # v4.9 prints nothing about it: no invented panic or BUG line in the log
    assert not any("panic" in line or "BUG" in line for line in m.dmesg())


def test_less_than_a_max_order_block_is_hidden_by_the_alignment():
    m, error = boot_removing_end(1 << 20)  # 256 pages: ALIGN(end, MAX_ORDER_NR_PAGES) covers them
    assert error is None
    with m:
        pgdat = NODE_DATA(0)
        zt = zone_type.get()
        assert pgdat.node_spanned_pages == RAM_PAGES - 256
        high = pgdat.node_zones[zt.ZONE_HIGHMEM]
        assert high.spanned_pages == (-256) & 0xFFFFFFFF
        # usemap_size()'s roundup wraps in 32 bits: no usemap for the wrapped zone
        assert high.pageblock_flags is None
        start = RAM_BASE >> 12
        assert page_alloc_c.get().model_mem_map_pfns == (start, start + RAM_PAGES)
    assert not [d for d in m.diagnostics if d.where == "memmap_init_zone"]


def test_size_helpers_wrap_at_32_bits():
    m = Machine()
    with m:
        nr = m.config.pageblock_nr_pages
        # roundup(0xFFFFFF00, pageblock_nr_pages) wraps to 0 in unsigned long
        assert usemap_size(0, 0x100000000 - 256) == 0
        # no wrap: one bit group per pageblock, rounded to whole longs
        blocks = (0x100000000 - nr) // nr
        assert usemap_size(0, 0x100000000 - nr) == (blocks * 4 + 31) // 32 * 4
        # 0xFFFFF800 struct pages of 32 bytes: the product wraps to 0xFFFF0000 bytes
        assert calc_memmap_size(0xFFFFF800, 0) == 0xFFFF0


def test_mem_map_that_cannot_be_allocated():
    """memblock has no room for mem_map: C stores NULL + offset and goes on; the first store
    of memmap_init_zone faults. The model notes the failed allocation and stops there."""
    m, error = boot_removing_end(0, reserve_all=True)
    assert isinstance(error, KernelBug) and error.function == "memmap_init_zone"
    assert [d.where for d in m.diagnostics] == ["alloc_node_mem_map", "memmap_init_zone"]
    assert "NULL mem_map" in m.diagnostics[0].message
    assert "NULL mem_map" in m.diagnostics[1].message and "§15.2" not in m.diagnostics[1].message
    assert not any("panic" in line for line in m.dmesg())
