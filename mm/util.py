# SPDX-License-Identifier: GPL-2.0-only
"""mm/util.c: the page-mapping helpers (``page_mapping``, ``page_rmapping``,
``page_anon_vma``, ``page_mapped``) and ``vm_mmap_pgoff``."""

from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import (PAGE_MAPPING_ANON, PAGE_MAPPING_FLAGS,
                                              PageSlab, PageSwapCache, _mapping_bits,
                                              compound_head)


def _strip(value):
    """Model-only: ``(unsigned long)mapping & ~PAGE_MAPPING_FLAGS`` of a stored mapping."""
    if value is None or isinstance(value, int):
        # a raw pointer value: the model only stores flag-only values (0x2) or TAIL_MAPPING
        v = (value or 0) & ~PAGE_MAPPING_FLAGS
        return None if v == 0 else v
    # a tagged pointer wrapper (include/linux/migrate.py: movable_mapping)
    return getattr(value, "untagged", value)


def page_mapping(page):
    """mm/util.c: page_mapping() — the page's address_space; NULL for anonymous pages."""
    page = compound_head(page)
    if PageSlab(page):  # noqa: F821 (generated accessor)
        return None
    if PageSwapCache(page):  # noqa: F821
        # Model: no swap device, so no page is ever in the swap cache.
        return None
    mapping = struct_page_arrays.get().mapping.get(page)
    if _mapping_bits(mapping) & PAGE_MAPPING_ANON:
        return None
    return _strip(mapping)


def __page_rmapping(page):
    """mm/util.c: __page_rmapping() — page->mapping without the flag bits."""
    return _strip(struct_page_arrays.get().mapping.get(page))


def page_rmapping(page):
    """mm/util.c: page_rmapping() — of the compound head."""
    return __page_rmapping(compound_head(page))


def page_anon_vma(page):
    """mm/util.c: page_anon_vma() — the anon_vma of an anonymous page, else NULL."""
    page = compound_head(page)
    mapping = struct_page_arrays.get().mapping.get(page)
    if (_mapping_bits(mapping) & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_ANON:
        return None
    return __page_rmapping(page)


def page_mapped(page):
    """mm/util.c: page_mapped() — some pte maps the page (no THP: its own mapcount)."""
    return struct_page_arrays.get()._mapcount[page] >= 0


def total_mapcount(page):
    """mm/huge_memory.c / include/linux/mm.h: total_mapcount() — page_mapcount without THP."""
    from cmaport.include.linux.mm import page_mapcount

    return page_mapcount(page)


def vm_mmap_pgoff(file, addr, len_, prot, flag, pgoff):
    """mm/util.c: vm_mmap_pgoff() — do_mmap_pgoff under mmap_sem, then populate if asked.

    :return: the mapped address, or a negative errno
    """
    from cmaport.include.linux.sched import current
    from cmaport.mm.gup import mm_populate
    from cmaport.mm.mmap import do_mmap_pgoff

    # down_write_killable(&current->mm->mmap_sem): one CPU, nothing to serialise
    ret, populate = do_mmap_pgoff(file, addr, len_, prot, flag, pgoff)
    if populate and ret >= 0:
        mm_populate(ret, populate)
    return ret
