# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/highmem.h (and mm/highmem.c): clearing and copying pages, and counting
free highmem.

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


def clear_user_highpage(page, vaddr):
    """include/linux/highmem.h: clear_user_highpage() — zero a page a user will map.

    Model: the simulated RAM is written directly (no kmap, no cache aliasing to handle).
    """
    from cmaport.include.linux.mm import page_to_phys

    this_machine().hw.physmem.fill(page_to_phys(page), PAGE_SIZE, 0)


def __alloc_zeroed_user_highpage(movableflags, vma, vaddr):
    """include/linux/highmem.h: __alloc_zeroed_user_highpage() — a zeroed user page."""
    from cmaport.include.linux.gfp import GFP_HIGHUSER, alloc_pages

    page = alloc_pages(GFP_HIGHUSER | movableflags, 0)  # alloc_page_vma(): no NUMA
    if page is not None:
        clear_user_highpage(page, vaddr)
    return page


def alloc_zeroed_user_highpage_movable(vma, vaddr):
    """include/linux/highmem.h: alloc_zeroed_user_highpage_movable() — movable: it may come
    from MIGRATE_CMA pageblocks."""
    from cmaport.include.linux.gfp import __GFP_MOVABLE

    return __alloc_zeroed_user_highpage(__GFP_MOVABLE, vma, vaddr)


def copy_user_highpage(to, from_, vaddr, vma):
    """include/linux/highmem.h: copy_user_highpage() — copy a page for COW (4 KiB through
    the simulated RAM; one ``pages_copied`` event of the cost model)."""
    copy_highpage(to, from_)


def copy_highpage(to, from_):
    """include/linux/highmem.h: copy_highpage() — copy one page's contents (what migration
    does to move a page's data); counted as ``pages_copied`` by the cost model."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.kernel.cost import account

    this_machine().hw.physmem.copy_frame(page_to_pfn(to), page_to_pfn(from_))
    account("pages_copied")
