# SPDX-License-Identifier: GPL-2.0-only
"""mm/nobootmem.c: the bootmem interface on top of memblock (ARM: CONFIG_NO_BOOTMEM).

Here lives ``contig_page_data`` (the one node of a !NUMA kernel) and
``free_all_bootmem``: at the end of boot every memblock range that is memory and not
reserved (and not NOMAP) is handed to the buddy allocator in naturally aligned blocks of
up to MAX_ORDER-1, lowest address first; reserved ranges become PG_reserved pages.
Only lowmem (below ``max_low_pfn``) is freed here; ARM frees highmem itself
(``free_highpages``).
"""

import attrs

from cmaport.include.linux.mmzone import for_each_online_pgdat, new_pglist_data
from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP
from cmaport.kernel.machine import statics


@statics
class nobootmem_c:
    """The file-scope variables of mm/nobootmem.c (with the globals it defines)."""

    contig_page_data: object = attrs.Factory(new_pglist_data)
    max_low_pfn: int = 0
    min_low_pfn: int = 0
    max_pfn: int = 0
    max_possible_pfn: int = 0
    reset_managed_pages_done: int = 0


def free_bootmem_late(addr, size):
    """mm/nobootmem.c: free_bootmem_late() — free pages straight to the buddy allocator."""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.mm.page_alloc import __free_pages_bootmem, page_alloc_c

    # kmemleak_free_part_phys(): not modelled.
    cursor = PFN_UP(addr)
    end = PFN_DOWN(addr + size)
    while cursor < end:
        __free_pages_bootmem(pfn_to_page(cursor), cursor, 0)
        page_alloc_c.get().totalram_pages += 1
        cursor += 1


def __ffs(word):
    """arch/arm/include/asm/bitops.h: __ffs() — index of the lowest set bit (ARMv5+: ``ffs(x) - 1``).

    :param word: an ``unsigned long`` (32-bit)
    :return: the bit index as an ``unsigned long``; for 0, 0xffffffff (see the note)
    """
    # Model: C calls __ffs(0) undefined; ARMv7's build computes ffs(0) - 1 with
    # ffs(0) = fls(0) = 32 - clz(0) = 32 - 32 = 0, and 0 - 1 as unsigned long is 0xffffffff.
    # The port returns that value, so __free_pages_memory's min() picks MAX_ORDER-1 for pfn 0.
    return ((word & -word).bit_length() - 1) & 0xFFFFFFFF


def __free_pages_memory(start, end):
    """mm/nobootmem.c: __free_pages_memory() — free [start, end) pfns in the largest naturally
    aligned blocks (at most MAX_ORDER-1), lowest first."""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.kernel.machine import this_machine
    from cmaport.mm.page_alloc import __free_pages_bootmem

    max_order = this_machine().config.MAX_ORDER
    while start < end:
        order = min(max_order - 1, __ffs(start))
        while start + (1 << order) > end:
            order -= 1
        __free_pages_bootmem(pfn_to_page(start), start, order)
        start += 1 << order


def __free_memory_core(start, end):
    """mm/nobootmem.c: __free_memory_core() — the whole pages of [start, end) below max_low_pfn."""
    start_pfn = PFN_UP(start)
    end_pfn = min(PFN_DOWN(end), nobootmem_c.get().max_low_pfn)
    if start_pfn > end_pfn:
        return 0
    __free_pages_memory(start_pfn, end_pfn)
    return end_pfn - start_pfn


def free_low_memory_core_early():
    """mm/nobootmem.c: free_low_memory_core_early() — mark the reserved ranges, free the rest."""
    from cmaport.include.linux.memblock import MEMBLOCK_NONE, NUMA_NO_NODE
    from cmaport.mm.memblock import (for_each_free_mem_range, for_each_reserved_mem_region,
                                     memblock_clear_hotplug)
    from cmaport.mm.page_alloc import reserve_bootmem_region

    count = 0
    memblock_clear_hotplug(0, -1 & 0xFFFFFFFF)
    for start, end in list(for_each_reserved_mem_region()):
        reserve_bootmem_region(start, end)
    # NUMA_NO_NODE, not node 0: node 0 need not have the low memory.
    for start, end, _nid in list(for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NONE)):
        count += __free_memory_core(start, end)
    # No CONFIG_ARCH_DISCARD_MEMBLOCK: memblock's arrays stay.
    return count


def reset_node_managed_pages(pgdat):
    """mm/nobootmem.c: reset_node_managed_pages() — forget the estimates of free_area_init_core."""
    for z in pgdat.node_zones:
        z.managed_pages = 0


def reset_all_zones_managed_pages():
    """mm/nobootmem.c: reset_all_zones_managed_pages() — once."""
    s = nobootmem_c.get()
    if s.reset_managed_pages_done:
        return
    for pgdat in for_each_online_pgdat():
        reset_node_managed_pages(pgdat)
    s.reset_managed_pages_done = 1


def free_all_bootmem():
    """mm/nobootmem.c: free_all_bootmem() — release free lowmem to the buddy allocator.

    :return: the number of pages released (also added to totalram_pages)
    """
    from cmaport.mm.page_alloc import page_alloc_c

    reset_all_zones_managed_pages()
    pages = free_low_memory_core_early()
    page_alloc_c.get().totalram_pages += pages
    return pages


def free_bootmem_node(pgdat, physaddr, size):
    """mm/nobootmem.c: free_bootmem_node() — memblock_free()."""
    from cmaport.mm.memblock import memblock_free

    memblock_free(physaddr, size)


def free_bootmem(addr, size):
    """mm/nobootmem.c: free_bootmem() — memblock_free()."""
    from cmaport.mm.memblock import memblock_free

    memblock_free(addr, size)
