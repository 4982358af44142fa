# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/highmem.h (and mm/highmem.c): clearing pages and counting free highmem.

``clear_highpage`` writes zeros into the simulated RAM behind the page (what
``kmap_atomic`` + ``clear_page`` do); ``nr_free_highpages`` sums the free pages of the
highmem zones (0 without CONFIG_HIGHMEM). ``totalhigh_pages`` is kept with the page
allocator's globals (mm/page_alloc.py).
"""

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.kernel.machine import this_machine


def clear_highpage(page):
    """include/linux/highmem.h: clear_highpage() — zero the page's memory.

    Model: the simulated physical memory is written directly (kmap_atomic/kunmap_atomic
    of a highmem page have no model).
    """
    from cmaport.include.linux.mm import page_to_phys

    this_machine().hw.physmem.fill(page_to_phys(page), PAGE_SIZE, 0)


def nr_free_highpages():
    """mm/highmem.c: nr_free_highpages() — free pages of the highmem zones."""
    from cmaport.include.linux.mmzone import for_each_populated_zone, is_highmem, NR_FREE_PAGES
    from cmaport.include.linux.vmstat import zone_page_state

    if not this_machine().config.get("CONFIG_HIGHMEM"):
        return 0
    pages = 0
    for zone in for_each_populated_zone():
        if is_highmem(zone):
            pages += zone_page_state(zone, NR_FREE_PAGES)
    return pages


def totalhigh_pages():
    """mm/highmem.c: totalhigh_pages — 0UL without CONFIG_HIGHMEM."""
    from cmaport.mm.page_alloc import page_alloc_c

    return page_alloc_c.get().totalhigh_pages
