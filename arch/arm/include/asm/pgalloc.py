# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/pgalloc.h (with include/linux/mm.h's pgtable_page_ctor/dtor):
allocating and freeing pte pages.

A pte page is a real order-0 page from the buddy allocator (``PGALLOC_GFP``: unmovable,
zeroed), counted in NR_PAGETABLE; the model keeps its entries in a ``pte_table``
(arch/arm/include/asm/pgtable.py).
"""

from cmaport.arch.arm.include.asm.pgtable import pte_table
from cmaport.include.linux.gfp import GFP_KERNEL, __GFP_NOTRACK, __GFP_ZERO, alloc_pages
from cmaport.include.linux.mmzone import NR_PAGETABLE
from cmaport.include.linux.vmstat import dec_zone_page_state, inc_zone_page_state

PGALLOC_GFP = GFP_KERNEL | __GFP_NOTRACK | __GFP_ZERO


def pgtable_page_ctor(page):
    """include/linux/mm.h: pgtable_page_ctor() — the ptlock (not kept) and NR_PAGETABLE."""
    inc_zone_page_state(page, NR_PAGETABLE)
    return True


def pgtable_page_dtor(page):
    """include/linux/mm.h: pgtable_page_dtor()."""
    dec_zone_page_state(page, NR_PAGETABLE)


def pte_alloc_one(mm, addr):
    """arch/arm/include/asm/pgalloc.h: pte_alloc_one() — a zeroed page for a user pte table.

    (No CONFIG_HIGHPTE; clean_pte_table() is cache maintenance the model has no cache for.)
    :return: the ``pte_table`` (the C ``pgtable_t`` is its ``struct page *``), or ``None``
    """
    from cmaport.mm.page_alloc import __free_pages

    page = alloc_pages(PGALLOC_GFP, 0)
    if page is None:
        return None
    if not pgtable_page_ctor(page):
        __free_pages(page, 0)
        return None
    return pte_table(page)


def pte_free(mm, pte):
    """arch/arm/include/asm/pgalloc.h: pte_free() — pgtable_page_dtor, then __free_page."""
    from cmaport.mm.page_alloc import __free_pages

    pgtable_page_dtor(pte.page)
    __free_pages(pte.page, 0)
