# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/pageblock-flags.h: the bits kept per pageblock, and pageblock_order.

``pageblock_order`` is ``MAX_ORDER - 1`` (no ``CONFIG_HUGETLB_PAGE`` on non-LPAE ARM): 11
pages-order, 2048 pages (8 MiB) with the default ``CONFIG_FORCE_MAX_ZONEORDER=12``. It is
a compile-time value, so it is read from the configuration: ``pageblock_order()`` and
``pageblock_nr_pages()`` here, or ``this_machine().config.pageblock_order``.

Storage. v4.9 keeps ``NR_PAGEBLOCK_BITS`` (4) bits per pageblock in the zone's usemap,
most significant bit first inside each ``unsigned long``: bit ``PB_migrate`` (0) of a
block is the most significant of its four, ``PB_migrate_skip`` (3) the least. The
model's usemap is a ``bytearray`` with one byte per pageblock holding those four bits
in the same order (``value >> (NR_PAGEBLOCK_BITS - 1 - end_bitidx)``), so
``get_pfnblock_flags_mask`` reads exactly the fields the kernel's shifts select
(mm/page_alloc.py). The usemap's size in memblock is still the kernel's
(``usemap_size``).
"""

from cmaport.kernel.machine import this_machine

# enum pageblock_bits
PB_migrate = 0
PB_migrate_end = PB_migrate + 3 - 1
PB_migrate_skip = 3
NR_PAGEBLOCK_BITS = 4

# include/linux/mmzone.h
NR_MIGRATETYPE_BITS = PB_migrate_end - PB_migrate + 1
MIGRATETYPE_MASK = (1 << NR_MIGRATETYPE_BITS) - 1


def pageblock_order():
    """include/linux/pageblock-flags.h: pageblock_order — ``MAX_ORDER - 1`` on ARM."""
    return this_machine().config.pageblock_order


def pageblock_nr_pages():
    """include/linux/pageblock-flags.h: pageblock_nr_pages — ``1 << pageblock_order``."""
    return this_machine().config.pageblock_nr_pages


def get_pageblock_flags_group(page, start_bitidx, end_bitidx):
    """include/linux/pageblock-flags.h: get_pageblock_flags_group()."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.mm.page_alloc import get_pfnblock_flags_mask

    return get_pfnblock_flags_mask(page, page_to_pfn(page), end_bitidx,
                                   (1 << (end_bitidx - start_bitidx + 1)) - 1)


def set_pageblock_flags_group(page, flags, start_bitidx, end_bitidx):
    """include/linux/pageblock-flags.h: set_pageblock_flags_group()."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.mm.page_alloc import set_pfnblock_flags_mask

    set_pfnblock_flags_mask(page, flags, page_to_pfn(page), end_bitidx,
                            (1 << (end_bitidx - start_bitidx + 1)) - 1)


def get_pageblock_migratetype(page):
    """include/linux/mmzone.h: get_pageblock_migratetype() — the block's migrate type."""
    from cmaport.mm.page_alloc import get_pageblock_migratetype as impl

    return impl(page)


def get_pageblock_skip(page):
    """include/linux/pageblock-flags.h: get_pageblock_skip() (CONFIG_COMPACTION)."""
    return get_pageblock_flags_group(page, PB_migrate_skip, PB_migrate_skip)


def clear_pageblock_skip(page):
    """include/linux/pageblock-flags.h: clear_pageblock_skip() (CONFIG_COMPACTION)."""
    set_pageblock_flags_group(page, 0, PB_migrate_skip, PB_migrate_skip)


def set_pageblock_skip(page):
    """include/linux/pageblock-flags.h: set_pageblock_skip() (CONFIG_COMPACTION)."""
    set_pageblock_flags_group(page, 1, PB_migrate_skip, PB_migrate_skip)
