# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/mm_inline.h: LRU list helpers (for the page-cache and anonymous-page users).

The page allocator only needs ``page_off_lru``/``del_page_from_lru_list`` (through
``__page_cache_release`` when a page still on an LRU list is freed); the rest is here for
the issues that put pages on the node's LRU lists (``pgdat.lruvec.lists``, head slots of
the link arrays). No memcg: the lruvec is the node's.
"""

from cmaport.include.linux.list import list_add, list_del
from cmaport.include.linux.mm import page_zonenum
from cmaport.include.linux.mmzone import (LRU_ACTIVE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE,
                                          LRU_UNEVICTABLE, NR_LRU_BASE, NR_ZONE_LRU_BASE)
from cmaport.include.linux.page_flags import (PageActive, PageSwapBacked, PageUnevictable,
                                              __ClearPageActive, __ClearPageUnevictable)
from cmaport.include.linux.vmstat import __mod_node_page_state, __mod_zone_page_state


def page_is_file_cache(page):
    """include/linux/mm_inline.h: page_is_file_cache() — not swap-backed."""
    return not PageSwapBacked(page)


def hpage_nr_pages(page):
    """include/linux/huge_mm.h: hpage_nr_pages() — 1 without THP."""
    return 1


def __update_lru_size(lruvec, lru, zid, nr_pages):
    """include/linux/mm_inline.h: __update_lru_size() — node and zone LRU counters."""
    pgdat = lruvec.pgdat
    __mod_node_page_state(pgdat, NR_LRU_BASE + lru, nr_pages)
    __mod_zone_page_state(pgdat.node_zones[zid], NR_ZONE_LRU_BASE + lru, nr_pages)


def update_lru_size(lruvec, lru, zid, nr_pages):
    """include/linux/mm_inline.h: update_lru_size() — no memcg."""
    __update_lru_size(lruvec, lru, zid, nr_pages)


def add_page_to_lru_list(page, lruvec, lru):
    """include/linux/mm_inline.h: add_page_to_lru_list()."""
    update_lru_size(lruvec, lru, page_zonenum(page), hpage_nr_pages(page))
    list_add(page, lruvec.lists[lru])


def del_page_from_lru_list(page, lruvec, lru):
    """include/linux/mm_inline.h: del_page_from_lru_list()."""
    list_del(page)
    update_lru_size(lruvec, lru, page_zonenum(page), -hpage_nr_pages(page))


def page_lru_base_type(page):
    """include/linux/mm_inline.h: page_lru_base_type() — file or anon inactive list."""
    if page_is_file_cache(page):
        return LRU_INACTIVE_FILE
    return LRU_INACTIVE_ANON


def page_off_lru(page):
    """include/linux/mm_inline.h: page_off_lru() — the page's list, clearing Active/Unevictable."""
    if PageUnevictable(page):
        __ClearPageUnevictable(page)
        lru = LRU_UNEVICTABLE
    else:
        lru = page_lru_base_type(page)
        if PageActive(page):
            __ClearPageActive(page)
            lru += LRU_ACTIVE
    return lru


def page_lru(page):
    """include/linux/mm_inline.h: page_lru() — which LRU list the page belongs on."""
    if PageUnevictable(page):
        lru = LRU_UNEVICTABLE
    else:
        lru = page_lru_base_type(page)
        if PageActive(page):
            lru += LRU_ACTIVE
    return lru
