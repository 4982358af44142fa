# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/pgd.c: allocating and freeing a process's first-level table.

The classic MMU needs 16 KiB (an order-2 block, ``__get_free_pages(GFP_KERNEL, 2)``).
Model: the kernel half of the table (copied from ``init_mm`` by pgd_alloc) is not
modelled, nor the vectors-page pte table that ``pgd_free`` may find at index 0; only the
user half is kept, in a ``pgd_table`` (arch/arm/include/asm/pgtable.py).
"""

from cmaport.arch.arm.include.asm.pgtable import pgd_table
from cmaport.include.linux.gfp import GFP_KERNEL, alloc_pages


def pgd_alloc(mm):
    """arch/arm/mm/pgd.c: pgd_alloc() — a zeroed 16 KiB table, or ``None``."""
    page = alloc_pages(GFP_KERNEL, 2)  # __pgd_alloc()
    if page is None:
        return None
    # memset of the user entries and the copy of the kernel entries: see the module note.
    return pgd_table(page)


def pgd_free(mm, pgd_base):
    """arch/arm/mm/pgd.c: pgd_free() — give the 16 KiB back."""
    from cmaport.mm.page_alloc import __free_pages

    if pgd_base is None:
        return
    __free_pages(pgd_base.page, 2)  # __pgd_free()
