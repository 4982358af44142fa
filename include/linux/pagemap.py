# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/pagemap.h: page-cache helpers — the page lock, mapping flags, the
find_get_page family's wrappers and page-cache references.

Model: ``lock_page`` sleeps in the kernel until the holder unlocks; the model runs one
task at a time, so a page locked when ``lock_page`` is called stays locked forever —
it raises ``WouldBlock`` (kernel/errors.py) instead of hanging.
"""

from cmaport.include.linux.gfp import __GFP_BITS_MASK
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import PG_locked, compound_head

# enum mapping_flags (bits of address_space->flags above the gfp mask)
AS_EIO = 0
AS_ENOSPC = 1
AS_MM_ALL_LOCKS = 2
AS_UNEVICTABLE = 3
AS_EXITING = 4
AS_NO_WRITEBACK_TAGS = 5

# pagecache_get_page() flags
FGP_ACCESSED = 0x00000001
FGP_LOCK = 0x00000002
FGP_CREAT = 0x00000004
FGP_WRITE = 0x00000008
FGP_NOFS = 0x00000010
FGP_NOWAIT = 0x00000020

# returned by ->readpage/->writepage
AOP_WRITEPAGE_ACTIVATE = 0x80000
AOP_TRUNCATED_PAGE = 0x80001

_LOCKED = 1 << PG_locked


def mapping_set_unevictable(mapping):
    """include/linux/pagemap.h: mapping_set_unevictable()."""
    mapping.as_flags |= 1 << AS_UNEVICTABLE


def mapping_clear_unevictable(mapping):
    """include/linux/pagemap.h: mapping_clear_unevictable()."""
    mapping.as_flags &= ~(1 << AS_UNEVICTABLE)


def mapping_unevictable(mapping):
    """include/linux/pagemap.h: mapping_unevictable() — AS_UNEVICTABLE (NULL: false)."""
    if mapping is not None:
        return bool(mapping.as_flags & (1 << AS_UNEVICTABLE))
    return False


def mapping_exiting(mapping):
    """include/linux/pagemap.h: mapping_exiting()."""
    return bool(mapping.as_flags & (1 << AS_EXITING))


def mapping_set_error(mapping, error):
    """include/linux/pagemap.h: mapping_set_error() — remember an async write error."""
    from cmaport.include.linux.errno import ENOSPC

    if error:
        if error == -ENOSPC:
            mapping.as_flags |= 1 << AS_ENOSPC
        else:
            mapping.as_flags |= 1 << AS_EIO


def mapping_gfp_mask(mapping):
    """include/linux/pagemap.h: mapping_gfp_mask() — the gfp bits kept in mapping->flags."""
    return mapping.gfp_mask & __GFP_BITS_MASK


def mapping_set_gfp_mask(mapping, mask):
    """include/linux/pagemap.h: mapping_set_gfp_mask()."""
    mapping.gfp_mask = mask


def page_index(page):
    """include/linux/mm.h: page_index() — ``page->index`` (no swap cache)."""
    return struct_page_arrays.get().index[page]


def page_cache_get_speculative(page):
    """include/linux/pagemap.h: page_cache_get_speculative() — a reference unless the page is
    being freed (CONFIG_SMP path: get_page_unless_zero)."""
    from cmaport.include.linux.mm import get_page_unless_zero

    return get_page_unless_zero(page)


def trylock_page(page):
    """include/linux/pagemap.h: trylock_page() — set PG_locked; false if it was set."""
    page = compound_head(page)
    flags = struct_page_arrays.get().flags
    if flags[page] & _LOCKED:
        return False
    flags[page] |= _LOCKED
    return True


def lock_page(page):
    """include/linux/pagemap.h: lock_page() — trylock, else __lock_page() (sleeps).

    Model: see the module note — a page someone else holds locked raises WouldBlock.
    """
    if not trylock_page(page):
        __lock_page(page)


def __lock_page(page):
    """mm/filemap.c: __lock_page() — wait for PG_locked to clear, then take it."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.kernel.errors import WouldBlock

    raise WouldBlock(f"lock_page: pfn {page_to_pfn(page):#x} is locked and no other task runs "
                     "to unlock it")


def unlock_page(page):
    """mm/filemap.c: unlock_page() — clear PG_locked (wake_up_page: nobody waits)."""
    from cmaport.include.linux.mm import VM_BUG_ON_PAGE

    page = compound_head(page)
    flags = struct_page_arrays.get().flags
    VM_BUG_ON_PAGE(not flags[page] & _LOCKED, page, "!PageLocked(page)", line=866)
    flags[page] &= ~_LOCKED & 0xFFFFFFFF


def __SetPageLocked(page):
    """include/linux/page-flags.h: __SetPageLocked()."""
    struct_page_arrays.get().flags[page] |= _LOCKED


def __ClearPageLocked(page):
    """include/linux/page-flags.h: __ClearPageLocked()."""
    struct_page_arrays.get().flags[page] &= ~_LOCKED & 0xFFFFFFFF


def wait_on_page_locked(page):
    """include/linux/pagemap.h: wait_on_page_locked() — Model: WouldBlock if still locked."""
    from cmaport.include.linux.page_flags import PageLocked

    if PageLocked(page):  # noqa: F821 (generated accessor)
        __lock_page(page)


def wait_on_page_writeback(page):
    """include/linux/pagemap.h: wait_on_page_writeback() — Model: writeback in the model
    always completes before its writer returns, so there is nothing to wait for."""


def find_get_page(mapping, offset):
    """include/linux/pagemap.h: find_get_page() — pagecache_get_page(mapping, offset, 0, 0)."""
    from cmaport.mm.filemap import pagecache_get_page

    return pagecache_get_page(mapping, offset, 0, 0)


def find_lock_page(mapping, offset):
    """include/linux/pagemap.h: find_lock_page() — found and locked."""
    from cmaport.mm.filemap import pagecache_get_page

    return pagecache_get_page(mapping, offset, FGP_LOCK, 0)


def find_or_create_page(mapping, offset, gfp_mask):
    """include/linux/pagemap.h: find_or_create_page()."""
    from cmaport.mm.filemap import pagecache_get_page

    return pagecache_get_page(mapping, offset, FGP_LOCK | FGP_ACCESSED | FGP_CREAT, gfp_mask)


def __page_cache_alloc(gfp):
    """include/linux/pagemap.h: __page_cache_alloc() — alloc_pages(gfp, 0) (no NUMA)."""
    from cmaport.include.linux.gfp import alloc_pages

    return alloc_pages(gfp, 0)


def page_cache_alloc_cold(mapping):
    """include/linux/pagemap.h: page_cache_alloc_cold()."""
    from cmaport.include.linux.gfp import __GFP_COLD

    return __page_cache_alloc(mapping_gfp_mask(mapping) | __GFP_COLD)
