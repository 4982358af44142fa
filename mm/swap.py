# SPDX-License-Identifier: GPL-2.0-only
"""mm/swap.c: releasing the last reference of a page (``__put_page``).

Only the release path the allocator needs; the LRU/pagevec machinery of mm/swap.c
belongs to the page-cache issue. ``__page_cache_release`` takes a page that is still on
an LRU list off it before it is freed, as v4.9 does.
"""

from cmaport.include.linux.mm import get_compound_page_dtor, page_zone
from cmaport.include.linux.mm_inline import del_page_from_lru_list, page_off_lru
from cmaport.include.linux.page_flags import PageCompound, PageHuge, PageLRU, __ClearPageLRU


def mem_cgroup_page_lruvec(page, pgdat):
    """include/linux/memcontrol.h: mem_cgroup_page_lruvec() — the node's lruvec (no memcg)."""
    return pgdat.lruvec


def __page_cache_release(page):
    """mm/swap.c: __page_cache_release() — take the page off its LRU list.

    Model: the zone's lru_lock — one CPU, nothing to serialise.
    """
    if PageLRU(page):
        zone = page_zone(page)
        lruvec = mem_cgroup_page_lruvec(page, zone.zone_pgdat)
        __ClearPageLRU(page)
        del_page_from_lru_list(page, lruvec, page_off_lru(page))
    # mem_cgroup_uncharge(page): no memcg.


def __put_single_page(page):
    """mm/swap.c: __put_single_page() — off the LRU, then to the per-cpu free list."""
    from cmaport.mm.page_alloc import free_hot_cold_page

    __page_cache_release(page)
    free_hot_cold_page(page, False)


def __put_compound_page(page):
    """mm/swap.c: __put_compound_page() — off the LRU, then the compound destructor."""
    if not PageHuge(page):
        __page_cache_release(page)
    dtor = get_compound_page_dtor(page)
    dtor(page)


def __put_page(page):
    """mm/swap.c: __put_page() — free a page whose last reference went."""
    if PageCompound(page):
        __put_compound_page(page)
    else:
        __put_single_page(page)
