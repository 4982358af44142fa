# SPDX-License-Identifier: GPL-2.0-only
"""mm/vmscan.c: the reclaimability tests the allocator's views use.

Page reclaim itself (kswapd, direct reclaim) is not modelled; these helpers only read
the LRU counters, which the page-cache and anonymous-page issues fill. The model has no
swap device, so anonymous pages never count as reclaimable.
"""

from cmaport.include.linux.mmzone import (NR_ACTIVE_ANON, NR_ACTIVE_FILE, NR_INACTIVE_ANON,
                                          NR_INACTIVE_FILE, NR_ISOLATED_ANON, NR_ISOLATED_FILE,
                                          NR_PAGES_SCANNED, NR_ZONE_ACTIVE_ANON,
                                          NR_ZONE_ACTIVE_FILE, NR_ZONE_INACTIVE_ANON,
                                          NR_ZONE_INACTIVE_FILE)
from cmaport.include.linux.vmstat import node_page_state_snapshot, zone_page_state_snapshot


def get_nr_swap_pages():
    """include/linux/swap.h: get_nr_swap_pages() — 0: the model has no swap device."""
    return 0


def zone_reclaimable_pages(zone):
    """mm/vmscan.c: zone_reclaimable_pages() — file LRU pages (plus anon with swap)."""
    nr = (zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_FILE)
          + zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_FILE))
    if get_nr_swap_pages() > 0:
        nr += (zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_ANON)
               + zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_ANON))
    return nr


def pgdat_reclaimable_pages(pgdat):
    """mm/vmscan.c: pgdat_reclaimable_pages() — file LRU and isolated file pages (plus anon with swap)."""
    nr = (node_page_state_snapshot(pgdat, NR_ACTIVE_FILE)
          + node_page_state_snapshot(pgdat, NR_INACTIVE_FILE)
          + node_page_state_snapshot(pgdat, NR_ISOLATED_FILE))
    if get_nr_swap_pages() > 0:
        nr += (node_page_state_snapshot(pgdat, NR_ACTIVE_ANON)
               + node_page_state_snapshot(pgdat, NR_INACTIVE_ANON)
               + node_page_state_snapshot(pgdat, NR_ISOLATED_ANON))
    return nr


def pgdat_reclaimable(pgdat):
    """mm/vmscan.c: pgdat_reclaimable() — scanned fewer than six times the reclaimable pages.

    With nothing on the LRU lists this is ``0 < 0``: false, so /proc/zoneinfo shows
    ``node_unreclaimable: 1`` until there are file pages.
    """
    return node_page_state_snapshot(pgdat, NR_PAGES_SCANNED) < pgdat_reclaimable_pages(pgdat) * 6
