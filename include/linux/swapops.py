# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/swapops.h (with the swap-type numbers of include/linux/swap.h): swap
entries, and the migration entries page migration puts into ptes.

A ``swp_entry_t`` is its ``unsigned long`` value here. The type sits in the top bits
(``SWP_TYPE_SHIFT`` = 32 - (MAX_SWAPFILES_SHIFT + RADIX_TREE_EXCEPTIONAL_SHIFT) = 25),
the offset below it; the arch encodes that into a not-present pte
(arch/arm/include/asm/pgtable.py). With CONFIG_MIGRATION the two highest types are the
migration entries (read and write); there is no HWPOISON type (no MEMORY_FAILURE).
"""

from cmaport.arch.arm.include.asm.pgtable import (__pte_to_swp_entry, __swp_entry,
                                                  __swp_entry_to_pte, __swp_offset,
                                                  __swp_type, pte_none, pte_present,
                                                  pte_swp_soft_dirty)
from cmaport.kernel.panic import BUG_ON

# include/linux/swap.h
MAX_SWAPFILES_SHIFT = 5
SWP_MIGRATION_NUM = 2  # CONFIG_MIGRATION
SWP_HWPOISON_NUM = 0  # no CONFIG_MEMORY_FAILURE
MAX_SWAPFILES = (1 << MAX_SWAPFILES_SHIFT) - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM
SWP_MIGRATION_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM
SWP_MIGRATION_WRITE = MAX_SWAPFILES + SWP_HWPOISON_NUM + 1

# include/linux/radix-tree.h
RADIX_TREE_EXCEPTIONAL_SHIFT = 2
SWP_TYPE_SHIFT = 32 - (MAX_SWAPFILES_SHIFT + RADIX_TREE_EXCEPTIONAL_SHIFT)
SWP_OFFSET_MASK = (1 << SWP_TYPE_SHIFT) - 1


def swp_entry(type_, offset):
    """include/linux/swapops.h: swp_entry() — type and offset into one value."""
    return ((type_ << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK)) & 0xFFFFFFFF


def swp_type(entry):
    """include/linux/swapops.h: swp_type()."""
    return entry >> SWP_TYPE_SHIFT


def swp_offset(entry):
    """include/linux/swapops.h: swp_offset()."""
    return entry & SWP_OFFSET_MASK


def is_swap_pte(pte):
    """include/linux/swapops.h: is_swap_pte() — not none and not present."""
    return not pte_none(pte) and not pte_present(pte)


def pte_to_swp_entry(pte):
    """include/linux/swapops.h: pte_to_swp_entry() — the arch encoding back to an entry."""
    # pte_swp_soft_dirty() is always false on ARM: nothing to clear.
    assert not pte_swp_soft_dirty(pte)
    arch_entry = __pte_to_swp_entry(pte)
    return swp_entry(__swp_type(arch_entry), __swp_offset(arch_entry))


def swp_entry_to_pte(entry):
    """include/linux/swapops.h: swp_entry_to_pte()."""
    arch_entry = __swp_entry(swp_type(entry), swp_offset(entry))
    return __swp_entry_to_pte(arch_entry)


def non_swap_entry(entry):
    """include/linux/swapops.h: non_swap_entry() — a migration (or hwpoison) entry."""
    return swp_type(entry) >= MAX_SWAPFILES


def make_migration_entry(page, write):
    """include/linux/swapops.h: make_migration_entry() — the pfn of a locked page."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.include.linux.page_flags import PageLocked

    BUG_ON(not PageLocked(page))
    return swp_entry(SWP_MIGRATION_WRITE if write else SWP_MIGRATION_READ, page_to_pfn(page))


def is_migration_entry(entry):
    """include/linux/swapops.h: is_migration_entry()."""
    t = swp_type(entry)
    return t == SWP_MIGRATION_READ or t == SWP_MIGRATION_WRITE


def is_write_migration_entry(entry):
    """include/linux/swapops.h: is_write_migration_entry()."""
    return swp_type(entry) == SWP_MIGRATION_WRITE


def migration_entry_to_page(entry):
    """include/linux/swapops.h: migration_entry_to_page() — the page must still be locked."""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.include.linux.page_flags import PageLocked

    p = pfn_to_page(swp_offset(entry))
    BUG_ON(not PageLocked(p))
    return p


def make_migration_entry_read(entry):
    """include/linux/swapops.h: make_migration_entry_read() — returns the read entry
    (C rewrites ``*entry`` in place)."""
    return swp_entry(SWP_MIGRATION_READ, swp_offset(entry))


def is_hwpoison_entry(entry):
    """include/linux/swapops.h: is_hwpoison_entry() — 0 without CONFIG_MEMORY_FAILURE."""
    return False
