# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/vmstat.h (with vm_event_item.h): zone/node counters and VM events.

Model: v4.9 SMP keeps per-cpu differentials (``vm_stat_diff``) that are folded into the
zone and the global counters once they pass ``stat_threshold`` or when vmstat_update
runs (every second). The model folds every update at once, as a settled system shows
them: ``zone_page_state()`` and ``global_page_state()`` return the exact sums (they still
clamp a negative value to 0 as the SMP kernel does). ``stat_threshold`` itself is
computed and shown in /proc/zoneinfo.

VM events (``CONFIG_VM_EVENT_COUNTERS``) are kept in one dict per machine keyed by their
/proc/vmstat names; the per-zone families (``pgalloc``, ``allocstall``, ``pgskip``) use
the zone's suffix (``pgalloc_dma``, ``pgalloc_normal``, …) as ``TEXTS_FOR_ZONES`` does.
"""

from cmaport.include.linux.mmzone import MIGRATE_CMA, NR_FREE_CMA_PAGES, NR_FREE_PAGES
from cmaport.kernel.machine import _running

# enum vm_event_item, by /proc/vmstat name (the per-zone ones are prefixes).
PGPGIN = "pgpgin"
PGPGOUT = "pgpgout"
PSWPIN = "pswpin"
PSWPOUT = "pswpout"
PGALLOC = "pgalloc"
ALLOCSTALL = "allocstall"
PGSKIP = "pgskip"
PGFREE = "pgfree"
PGACTIVATE = "pgactivate"
PGDEACTIVATE = "pgdeactivate"
PGFAULT = "pgfault"
PGMAJFAULT = "pgmajfault"
PGLAZYFREED = "pglazyfreed"
PGREFILL = "pgrefill"
PGSTEAL_KSWAPD = "pgsteal_kswapd"
PGSTEAL_DIRECT = "pgsteal_direct"
PGSCAN_KSWAPD = "pgscan_kswapd"
PGSCAN_DIRECT = "pgscan_direct"
PGSCAN_DIRECT_THROTTLE = "pgscan_direct_throttle"
PGINODESTEAL = "pginodesteal"
SLABS_SCANNED = "slabs_scanned"
KSWAPD_INODESTEAL = "kswapd_inodesteal"
KSWAPD_LOW_WMARK_HIT_QUICKLY = "kswapd_low_wmark_hit_quickly"
KSWAPD_HIGH_WMARK_HIT_QUICKLY = "kswapd_high_wmark_hit_quickly"
PAGEOUTRUN = "pageoutrun"
PGROTATED = "pgrotated"
DROP_PAGECACHE = "drop_pagecache"
DROP_SLAB = "drop_slab"
PGMIGRATE_SUCCESS = "pgmigrate_success"
PGMIGRATE_FAIL = "pgmigrate_fail"
COMPACTMIGRATE_SCANNED = "compact_migrate_scanned"
COMPACTFREE_SCANNED = "compact_free_scanned"
COMPACTISOLATED = "compact_isolated"
COMPACTSTALL = "compact_stall"
COMPACTFAIL = "compact_fail"
COMPACTSUCCESS = "compact_success"
KCOMPACTD_WAKE = "compact_daemon_wake"
UNEVICTABLE_PGCULLED = "unevictable_pgs_culled"
UNEVICTABLE_PGSCANNED = "unevictable_pgs_scanned"
UNEVICTABLE_PGRESCUED = "unevictable_pgs_rescued"
UNEVICTABLE_PGMLOCKED = "unevictable_pgs_mlocked"
UNEVICTABLE_PGMUNLOCKED = "unevictable_pgs_munlocked"
UNEVICTABLE_PGCLEARED = "unevictable_pgs_cleared"
UNEVICTABLE_PGSTRANDED = "unevictable_pgs_stranded"


def _vm():
    """Model-only: the running machine's mm/vmstat.c statics (the global counters)."""
    return _running.get()._statics[_mm_vmstat.vmstat_c]


# --- zone and node counters --------------------------------------------------------------

def zone_page_state_add(x, zone, item):
    """include/linux/vmstat.h: zone_page_state_add() — add to the zone and the global counter."""
    zone.vm_stat[item] += x
    _vm().vm_zone_stat[item] += x


def node_page_state_add(x, pgdat, item):
    """include/linux/vmstat.h: node_page_state_add()."""
    pgdat.vm_stat[item] += x
    _vm().vm_node_stat[item] += x


def global_page_state(item):
    """include/linux/vmstat.h: global_page_state() — negative reads as 0 (SMP)."""
    x = _vm().vm_zone_stat[item]
    return x if x > 0 else 0


def global_node_page_state(item):
    """include/linux/vmstat.h: global_node_page_state()."""
    x = _vm().vm_node_stat[item]
    return x if x > 0 else 0


def zone_page_state(zone, item):
    """include/linux/vmstat.h: zone_page_state() — negative reads as 0 (SMP)."""
    x = zone.vm_stat[item]
    return x if x > 0 else 0


def zone_page_state_snapshot(zone, item):
    """include/linux/vmstat.h: zone_page_state_snapshot() — plus the per-cpu diffs (always 0 here)."""
    x = zone.vm_stat[item]
    for pset in zone.pageset[:1]:
        x += pset.vm_stat_diff[item]
    return x if x > 0 else 0


def node_page_state(pgdat, item):
    """mm/vmstat.c: node_page_state() — the node's counter (negative reads as 0)."""
    x = pgdat.vm_stat[item]
    return x if x > 0 else 0


def node_page_state_snapshot(pgdat, item):
    """include/linux/vmstat.h: node_page_state_snapshot()."""
    return node_page_state(pgdat, item)


def __mod_zone_page_state(zone, item, delta):
    """mm/vmstat.c: __mod_zone_page_state() — add ``delta`` to a zone counter.

    Model: folded into the zone and global counters at once (see the module note).
    """
    zone.vm_stat[item] += delta
    _running.get()._statics[_mm_vmstat.vmstat_c].vm_zone_stat[item] += delta


mod_zone_page_state = __mod_zone_page_state


def __mod_node_page_state(pgdat, item, delta):
    """mm/vmstat.c: __mod_node_page_state() — add ``delta`` to a node counter."""
    pgdat.vm_stat[item] += delta
    _vm().vm_node_stat[item] += delta


mod_node_page_state = __mod_node_page_state


def __inc_zone_state(zone, item):
    """mm/vmstat.c: __inc_zone_state()."""
    __mod_zone_page_state(zone, item, 1)


def __dec_zone_state(zone, item):
    """mm/vmstat.c: __dec_zone_state()."""
    __mod_zone_page_state(zone, item, -1)


def __inc_zone_page_state(page, item):
    """mm/vmstat.c: __inc_zone_page_state() — on the page's zone."""
    from cmaport.include.linux.mm import page_zone

    __mod_zone_page_state(page_zone(page), item, 1)


def __dec_zone_page_state(page, item):
    """mm/vmstat.c: __dec_zone_page_state()."""
    from cmaport.include.linux.mm import page_zone

    __mod_zone_page_state(page_zone(page), item, -1)


inc_zone_page_state = __inc_zone_page_state
dec_zone_page_state = __dec_zone_page_state


def __inc_node_page_state(page, item):
    """mm/vmstat.c: __inc_node_page_state() — on the page's node."""
    from cmaport.include.linux.mm import page_pgdat

    __mod_node_page_state(page_pgdat(page), item, 1)


def __dec_node_page_state(page, item):
    """mm/vmstat.c: __dec_node_page_state()."""
    from cmaport.include.linux.mm import page_pgdat

    __mod_node_page_state(page_pgdat(page), item, -1)


inc_node_page_state = __inc_node_page_state
dec_node_page_state = __dec_node_page_state


def __mod_zone_freepage_state(zone, nr_pages, migratetype):
    """include/linux/vmstat.h: __mod_zone_freepage_state() — NR_FREE_PAGES, and NR_FREE_CMA_PAGES
    when the pages are of a MIGRATE_CMA pageblock."""
    vzs = _running.get()._statics[_mm_vmstat.vmstat_c].vm_zone_stat
    zone.vm_stat[NR_FREE_PAGES] += nr_pages
    vzs[NR_FREE_PAGES] += nr_pages
    if migratetype == MIGRATE_CMA:
        zone.vm_stat[NR_FREE_CMA_PAGES] += nr_pages
        vzs[NR_FREE_CMA_PAGES] += nr_pages


# --- VM events -----------------------------------------------------------------------------

def __count_vm_event(item):
    """include/linux/vmstat.h: __count_vm_event()."""
    _running.get()._statics[_mm_vmstat.vmstat_c].vm_event_states[item] += 1


count_vm_event = __count_vm_event


def __count_vm_events(item, delta):
    """include/linux/vmstat.h: __count_vm_events()."""
    _running.get()._statics[_mm_vmstat.vmstat_c].vm_event_states[item] += delta


count_vm_events = __count_vm_events


def __count_zid_vm_events(item, zid, delta):
    """include/linux/vmstat.h: __count_zid_vm_events() — the per-zone event of zone ``zid``."""
    s = _running.get()._statics[_mm_vmstat.vmstat_c]
    s.vm_event_states[s.zone_event_names[item][zid]] += delta


# Model: mm/vmstat.py includes this header; bound here at the end (see include/linux/gfp.py).
from cmaport.mm import vmstat as _mm_vmstat  # noqa: E402
