# SPDX-License-Identifier: GPL-2.0-only
"""mm/vmstat.c: the VM counters and the /proc files that show the allocator.

``/proc/buddyinfo`` (frag_show), ``/proc/pagetypeinfo`` (pagetypeinfo_show),
``/proc/zoneinfo`` (zoneinfo_show) and ``/proc/vmstat`` in v4.9's formats. v4.9 shows
populated zones only in all three zone files, has no ``cma`` line in zoneinfo (the CMA
count is the ``nr_free_cma`` counter), and its pagetypeinfo skips pageblocks whose first
pfn is not ``pfn_valid`` (no-map holes). ``/proc/pagetypeinfo`` has no "Number of mixed
blocks" table: that needs CONFIG_PAGE_OWNER, which the configuration leaves off.

C writes into a ``seq_file``; the port's ``*_show`` functions return the text. Counters
the model has no subsystem for (slab, page tables, kernel stacks, swap, the LRU lists
until the page-cache issue lands) are shown with the values they hold: 0.
"""

import attrs

from cmaport.include.linux.mm import memmap_valid_within, page_zone, pfn_to_page
from cmaport.include.linux.mmzone import (
    MIGRATE_TYPES,
    NR_PAGES_SCANNED,
    NR_VM_NODE_STAT_ITEMS,
    NR_VM_ZONE_STAT_ITEMS,
    NR_FREE_PAGES,
    for_each_online_pgdat,
    for_each_populated_zone,
    high_wmark_pages,
    low_wmark_pages,
    migratetype_names_in_config,
    min_wmark_pages,
    populated_zone,
    zone_end_pfn,
    zone_type,
)
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics, this_machine
from cmaport.lib.vsprintf import sprintf

# The zone counters, then the node counters (enum zone_stat_item / node_stat_item).
_ZONE_STAT_TEXT = (
    "nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file",
    "nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
    "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_page_table_pages", "nr_kernel_stack",
    "nr_bounce", "nr_free_cma",
)
_NODE_STAT_TEXT = (
    "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
    "nr_unevictable", "nr_isolated_anon", "nr_isolated_file", "nr_pages_scanned",
    "workingset_refault", "workingset_activate", "workingset_nodereclaim", "nr_anon_pages",
    "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem",
    "nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_anon_transparent_hugepages", "nr_unstable",
    "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
)
_WRITEBACK_TEXT = ("nr_dirty_threshold", "nr_dirty_background_threshold")
# TEXTS_FOR_ZONES() suffix of each zone name.
_ZONE_SUFFIX = {"DMA": "dma", "Normal": "normal", "HighMem": "high", "Movable": "movable"}


def _event_text():
    """Model-only: the vm_event_item part of vmstat_text[] for this configuration."""
    suffixes = [_ZONE_SUFFIX[n] for n in zone_type.get().zone_names]
    out = ["pgpgin", "pgpgout", "pswpin", "pswpout"]
    for prefix in ("pgalloc", "allocstall", "pgskip"):
        out += [f"{prefix}_{s}" for s in suffixes]
    out += ["pgfree", "pgactivate", "pgdeactivate", "pgfault", "pgmajfault", "pglazyfreed",
            "pgrefill", "pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct",
            "pgscan_direct_throttle", "pginodesteal", "slabs_scanned", "kswapd_inodesteal",
            "kswapd_low_wmark_hit_quickly", "kswapd_high_wmark_hit_quickly", "pageoutrun",
            "pgrotated", "drop_pagecache", "drop_slab"]
    cfg = this_machine().config
    if cfg.get("CONFIG_MIGRATION"):
        out += ["pgmigrate_success", "pgmigrate_fail"]
    if cfg.get("CONFIG_COMPACTION"):
        out += ["compact_migrate_scanned", "compact_free_scanned", "compact_isolated",
                "compact_stall", "compact_fail", "compact_success", "compact_daemon_wake"]
    out += ["unevictable_pgs_culled", "unevictable_pgs_scanned", "unevictable_pgs_rescued",
            "unevictable_pgs_mlocked", "unevictable_pgs_munlocked", "unevictable_pgs_cleared",
            "unevictable_pgs_stranded"]
    return out


def _zone_event_names():
    """Model-only: the per-zone event names (``pgalloc_<zone>`` …) of this configuration's zones."""
    suffixes = [_ZONE_SUFFIX[n] for n in zone_type.get().zone_names]
    return {p: [f"{p}_{s}" for s in suffixes] for p in ("pgalloc", "allocstall", "pgskip")}


@statics
class vmstat_c:
    """The file-scope variables of mm/vmstat.c: the global counters and the VM events.

    ``vm_event_states`` is the per-cpu ``struct vm_event_state`` summed over the one CPU
    (``all_vm_events``), keyed by name. Events the model never counts stay 0.
    """

    vm_zone_stat: list = attrs.Factory(lambda: [0] * NR_VM_ZONE_STAT_ITEMS)
    vm_node_stat: list = attrs.Factory(lambda: [0] * NR_VM_NODE_STAT_ITEMS)
    vm_event_states: dict = attrs.Factory(lambda: dict.fromkeys(_event_text(), 0))
    zone_event_names: dict = attrs.Factory(_zone_event_names)


def vmstat_text():
    """mm/vmstat.c: vmstat_text[] — every /proc/vmstat name, in order, for this configuration."""
    return list(_ZONE_STAT_TEXT) + list(_NODE_STAT_TEXT) + list(_WRITEBACK_TEXT) + _event_text()


# --- thresholds ---------------------------------------------------------------------------

def num_online_cpus():
    """include/linux/cpumask.h: num_online_cpus() — the model's online CPUs (one)."""
    return 1


def fls(x):
    """include/asm-generic/bitops/fls.h: fls() — last set bit, counting from 1."""
    return x.bit_length()


def calculate_pressure_threshold(zone):
    """mm/vmstat.c: calculate_pressure_threshold() — a smaller threshold under pressure."""
    watermark_distance = low_wmark_pages(zone) - min_wmark_pages(zone)
    threshold = max(1, watermark_distance // num_online_cpus())
    return min(125, threshold)


def calculate_normal_threshold(zone):
    """mm/vmstat.c: calculate_normal_threshold() — grows with CPUs and zone size (max 125)."""
    mem = zone.managed_pages >> (27 - 12)  # memory in 128 MB units
    threshold = 2 * fls(num_online_cpus()) * (1 + fls(mem))
    return min(125, threshold)


def refresh_zone_stat_thresholds():
    """mm/vmstat.c: refresh_zone_stat_thresholds() — per-cpu thresholds and drift marks."""
    for pgdat in for_each_online_pgdat():
        for cpu in range(num_online_cpus()):
            pgdat.per_cpu_nodestats[cpu].stat_threshold = 0

    for zone in for_each_populated_zone():
        pgdat = zone.zone_pgdat
        threshold = calculate_normal_threshold(zone)
        for cpu in range(num_online_cpus()):
            zone.pageset[cpu].stat_threshold = threshold
            # Base the node threshold on the largest populated zone.
            pgdat_threshold = pgdat.per_cpu_nodestats[cpu].stat_threshold
            pgdat.per_cpu_nodestats[cpu].stat_threshold = max(threshold, pgdat_threshold)
        # A drift mark only where NR_FREE_PAGES could hide a breach of the min watermark.
        tolerate_drift = low_wmark_pages(zone) - min_wmark_pages(zone)
        max_drift = num_online_cpus() * threshold
        if max_drift > tolerate_drift:
            zone.percpu_drift_mark = high_wmark_pages(zone) + max_drift


# --- /proc/buddyinfo ------------------------------------------------------------------------

def walk_zones_in_node(pgdat, print_fn, out):
    """mm/vmstat.c: walk_zones_in_node() — ``print_fn`` for each populated zone.

    Model: zone->lock — one CPU, nothing to serialise.
    """
    for zone in pgdat.node_zones:
        if not populated_zone(zone):
            continue
        print_fn(out, pgdat, zone)


def frag_show_print(m, pgdat, zone):
    """mm/vmstat.c: frag_show_print() — one buddyinfo line."""
    m.append(sprintf("Node %d, zone %8s ", pgdat.node_id, zone.name))
    for order in range(this_machine().config.MAX_ORDER):
        m.append(sprintf("%6lu ", zone.free_area[order].nr_free))
    m.append("\n")


def frag_show():
    """mm/vmstat.c: frag_show() — the text of /proc/buddyinfo."""
    out = []
    for pgdat in for_each_online_pgdat():
        walk_zones_in_node(pgdat, frag_show_print, out)
    return "".join(out)


# --- /proc/pagetypeinfo -----------------------------------------------------------------------

def pagetypeinfo_showfree_print(m, pgdat, zone):
    """mm/vmstat.c: pagetypeinfo_showfree_print() — free blocks per order, for each type."""
    from cmaport.include.linux.list import list_count

    for mtype, name in migratetype_names_in_config():
        m.append(sprintf("Node %4d, zone %8s, type %12s ", pgdat.node_id, zone.name, name))
        for order in range(this_machine().config.MAX_ORDER):
            area = zone.free_area[order]
            # list_for_each(curr, &area->free_list[mtype]) freecount++;
            freecount = list_count(area.free_list[mtype])
            m.append(sprintf("%6lu ", freecount))
        m.append("\n")


def pagetypeinfo_showfree(m, pgdat):
    """mm/vmstat.c: pagetypeinfo_showfree() — the header and the per-type free counts."""
    m.append(sprintf("%-43s ", "Free pages count per migrate type at order"))
    for order in range(this_machine().config.MAX_ORDER):
        m.append(sprintf("%6d ", order))
    m.append("\n")
    walk_zones_in_node(pgdat, pagetypeinfo_showfree_print, m)


def pagetypeinfo_showblockcount_print(m, pgdat, zone):
    """mm/vmstat.c: pagetypeinfo_showblockcount_print() — pageblocks of each type in a zone."""
    from cmaport.arch.arm.mm.init import pfn_valid
    from cmaport.mm.page_alloc import get_pageblock_migratetype

    cfg = this_machine().config
    start_pfn = zone.zone_start_pfn
    end_pfn = zone_end_pfn(zone)
    count = [0] * MIGRATE_TYPES
    for pfn in range(start_pfn, end_pfn, cfg.pageblock_nr_pages):
        if not pfn_valid(pfn):
            continue
        page = pfn_to_page(pfn)
        # Watch for holes punched in the memmap.
        if not memmap_valid_within(pfn, page, zone):
            continue
        if page_zone(page) is not zone:
            continue
        mtype = get_pageblock_migratetype(page)
        if mtype < MIGRATE_TYPES:
            count[mtype] += 1
    m.append(sprintf("Node %d, zone %8s ", pgdat.node_id, zone.name))
    for mtype, _ in migratetype_names_in_config():
        m.append(sprintf("%12lu ", count[mtype]))
    m.append("\n")


def pagetypeinfo_showblockcount(m, pgdat):
    """mm/vmstat.c: pagetypeinfo_showblockcount() — the header and the per-zone block counts."""
    m.append(sprintf("\n%-23s", "Number of blocks type "))
    for _, name in migratetype_names_in_config():
        m.append(sprintf("%12s ", name))
    m.append("\n")
    walk_zones_in_node(pgdat, pagetypeinfo_showblockcount_print, m)


def pagetypeinfo_show():
    """mm/vmstat.c: pagetypeinfo_show() — the text of /proc/pagetypeinfo.

    No "Number of mixed blocks" part: CONFIG_PAGE_OWNER is off.
    """
    cfg = this_machine().config
    out = []
    for pgdat in for_each_online_pgdat():
        # A memoryless node prints nothing.
        if not pgdat.node_present_pages:
            continue
        out.append(sprintf("Page block order: %d\n", cfg.pageblock_order))
        out.append(sprintf("Pages per block:  %lu\n", cfg.pageblock_nr_pages))
        out.append("\n")
        pagetypeinfo_showfree(out, pgdat)
        pagetypeinfo_showblockcount(out, pgdat)
    return "".join(out)


# --- /proc/zoneinfo --------------------------------------------------------------------------

def is_zone_first_populated(pgdat, zone):
    """mm/vmstat.c: is_zone_first_populated() — is ``zone`` the node's first populated zone."""
    from cmaport.kernel.panic import WARN_ON_ONCE

    for compare in pgdat.node_zones:
        if populated_zone(compare):
            return zone is compare
    WARN_ON_ONCE(1, line=1354)
    return False


def zoneinfo_show_print(m, pgdat, zone):
    """mm/vmstat.c: zoneinfo_show_print() — one zone of /proc/zoneinfo (v4.9 layout)."""
    from cmaport.include.linux.vmstat import node_page_state, zone_page_state
    from cmaport.mm.vmscan import pgdat_reclaimable

    m.append(sprintf("Node %d, zone %8s", pgdat.node_id, zone.name))
    if is_zone_first_populated(pgdat, zone):
        m.append("\n  per-node stats")
        for i in range(NR_VM_NODE_STAT_ITEMS):
            m.append(sprintf("\n      %-12s %lu", _NODE_STAT_TEXT[i], node_page_state(pgdat, i)))
    m.append(sprintf("\n  pages free     %lu"
                     "\n        min      %lu"
                     "\n        low      %lu"
                     "\n        high     %lu"
                     "\n   node_scanned  %lu"
                     "\n        spanned  %lu"
                     "\n        present  %lu"
                     "\n        managed  %lu",
                     zone_page_state(zone, NR_FREE_PAGES),
                     min_wmark_pages(zone),
                     low_wmark_pages(zone),
                     high_wmark_pages(zone),
                     node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED),
                     zone.spanned_pages,
                     zone.present_pages,
                     zone.managed_pages))
    for i in range(NR_VM_ZONE_STAT_ITEMS):
        m.append(sprintf("\n      %-12s %lu", _ZONE_STAT_TEXT[i], zone_page_state(zone, i)))
    m.append(sprintf("\n        protection: (%ld", zone.lowmem_reserve[0]))
    for i in range(1, len(zone.lowmem_reserve)):
        m.append(sprintf(", %ld", zone.lowmem_reserve[i]))
    m.append(")\n  pagesets")
    for i in range(num_online_cpus()):
        pageset = zone.pageset[i]
        m.append(sprintf("\n    cpu: %i"
                         "\n              count: %i"
                         "\n              high:  %i"
                         "\n              batch: %i",
                         i, pageset.pcp.count, pageset.pcp.high, pageset.pcp.batch))
        if IS_ENABLED("CONFIG_SMP"):
            m.append(sprintf("\n  vm stats threshold: %d", pageset.stat_threshold))
    m.append(sprintf("\n  node_unreclaimable:  %u"
                     "\n  start_pfn:           %lu"
                     "\n  node_inactive_ratio: %u",
                     int(not pgdat_reclaimable(zone.zone_pgdat)),
                     zone.zone_start_pfn,
                     zone.zone_pgdat.inactive_ratio))
    m.append("\n")


def zoneinfo_show():
    """mm/vmstat.c: zoneinfo_show() — the text of /proc/zoneinfo (populated zones only)."""
    out = []
    for pgdat in for_each_online_pgdat():
        walk_zones_in_node(pgdat, zoneinfo_show_print, out)
    return "".join(out)


# --- /proc/vmstat ------------------------------------------------------------------------------

def vmstat_show():
    """mm/vmstat.c: vmstat_start/vmstat_show — the text of /proc/vmstat.

    The zone and node counters (global_page_state, global_node_page_state), the two
    dirty thresholds (global_dirty_limits), then the events (all_vm_events; pgpgin and
    pgpgout are halved, sectors to kbytes).
    """
    from cmaport.include.linux.vmstat import global_node_page_state, global_page_state
    from cmaport.mm.page_writeback import global_dirty_limits

    v = [global_page_state(i) for i in range(NR_VM_ZONE_STAT_ITEMS)]
    v += [global_node_page_state(i) for i in range(NR_VM_NODE_STAT_ITEMS)]
    background, dirty = global_dirty_limits()
    v += [dirty, background]  # NR_DIRTY_THRESHOLD, NR_DIRTY_BG_THRESHOLD
    events = vmstat_c.get().vm_event_states
    names = _event_text()
    ev = [events.get(n, 0) for n in names]
    ev[0] //= 2  # PGPGIN: sectors -> kbytes
    ev[1] //= 2  # PGPGOUT
    v += ev
    text = vmstat_text()
    return "".join("%s %d\n" % (name, val & 0xFFFFFFFF) for name, val in zip(text, v))
