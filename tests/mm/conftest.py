# SPDX-License-Identifier: GPL-2.0-only
"""Fixtures for the page allocator tests: machines whose memblock is set up by hand.

``make_mm`` runs the memory part of the v4.9 boot on a fresh machine without a device
tree: memblock_add/memblock_reserve as given, then sanity_check_meminfo, paging_init
(bootmem_init: zones and mem_map), build_all_zonelists, mem_init (free_all_bootmem),
setup_per_cpu_pageset, init_per_zone_wmark_min and page_alloc_init_late — the order of
start_kernel. The machine is returned entered (``with m:`` is active) through the
``mm`` fixture.
"""

import pytest

from cmaport.arch.arm.include.asm.memory import memory_h
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine

RAM_BASE = 0x60000000


def make_mm(ram_mb=64, reserve=((0x60100000, 0x600000),), settings=(), cma=(),
            dma_zone_size=0, before=None):
    """Build and 'boot' the memory management of a machine; returns it (not entered).

    :param dma_zone_size: a machine_desc dma_zone_size (bytes): with CONFIG_ZONE_DMA the
        lowmem is split into DMA and Normal there (arm_adjust_dma_zone).
    :param before: called after memblock is set up and before sanity_check_meminfo
        (where early parameters such as ``vmalloc=`` would have run).

    :param cma: ``(base, size)`` ranges reserved in memblock and then handed to the buddy
        allocator as MIGRATE_CMA pageblocks after boot, the way cma_activate_area does.
    """
    cfg = KernelConfig()
    for item in settings:
        cfg.set_assignment(item)
    m = Machine(config=cfg)
    with m:
        from cmaport.arch.arm.mm.init import mem_init
        from cmaport.arch.arm.mm.mmu import paging_init, sanity_check_meminfo
        from cmaport.mm.memblock import memblock_add, memblock_reserve
        from cmaport.mm.page_alloc import (build_all_zonelists, init_per_zone_wmark_min,
                                           page_alloc_init, page_alloc_init_late,
                                           setup_per_cpu_pageset)

        memory_h.get().phys_offset = RAM_BASE
        if dma_zone_size:
            from cmaport.arch.arm.mm.init import setup_dma_zone

            class mdesc:  # the machine_desc field setup_dma_zone reads
                pass

            mdesc.dma_zone_size = dma_zone_size
            setup_dma_zone(mdesc)
        memblock_add(RAM_BASE, ram_mb << 20)
        for base, size in reserve:
            memblock_reserve(base, size)
        for base, size in cma:
            memblock_reserve(base, size)
        if before is not None:
            before()
        sanity_check_meminfo()
        paging_init(None)
        build_all_zonelists(None, None)
        page_alloc_init()
        mem_init()
        setup_per_cpu_pageset()
        init_per_zone_wmark_min()
        # kernel_init_freeable(): from here blocking allocations are allowed.
        from cmaport.include.linux.gfp import __GFP_BITS_MASK
        from cmaport.mm.page_alloc import page_alloc_c

        page_alloc_c.get().gfp_allowed_mask = __GFP_BITS_MASK
        page_alloc_init_late()
        for base, size in cma:
            activate_cma(base, size)
    return m


def activate_cma(base, size):
    """What cma_init_reserved_mem + cma_activate_area do to the page allocator: count the
    pages in totalcma_pages and free each pageblock as MIGRATE_CMA."""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.kernel.machine import this_machine
    from cmaport.mm.page_alloc import init_cma_reserved_pageblock, page_alloc_c

    cfg = this_machine().config
    page_alloc_c.get().totalcma_pages += size >> 12
    pfn = base >> 12
    while pfn < (base + size) >> 12:
        init_cma_reserved_pageblock(pfn_to_page(pfn))
        pfn += cfg.pageblock_nr_pages


@pytest.fixture
def mm():
    """A 64 MiB machine (8 pageblocks) with 6 MiB reserved at 0x60100000, entered."""
    m = make_mm()
    with m:
        yield m


@pytest.fixture
def mm_cma():
    """A 64 MiB machine with 16 MiB of CMA pageblocks at 0x62000000, entered."""
    m = make_mm(cma=((0x62000000, 16 << 20),))
    with m:
        yield m


@pytest.fixture
def mm_factory():
    """``make_mm`` itself, for tests that need another machine."""
    return make_mm
