# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/mmzone.h: migrate types, zones, free areas, per-cpu lists and the node.

Configuration-dependent enums. ``enum zone_type`` depends on ``CONFIG_ZONE_DMA`` and
``CONFIG_HIGHMEM`` (ZONE_DMA?, ZONE_NORMAL, ZONE_HIGHMEM?, ZONE_MOVABLE; no DMA32, no
ZONE_DEVICE on ARM), and so do ``MAX_NR_ZONES``, ``ZONES_SHIFT`` and the zone bits of
``page->flags`` (include/linux/page-flags-layout.h). The kernel fixes them at compile
time; the port computes them once per machine in ``zone_type`` (read it with
``zone_type.get().ZONE_NORMAL``).

The migrate types are module constants with the values of the default build
(``CONFIG_CMA`` and ``CONFIG_MEMORY_ISOLATION`` on: UNMOVABLE 0, MOVABLE 1, RECLAIMABLE 2,
HIGHATOMIC 3 = PCPTYPES, CMA 4, ISOLATE 5, TYPES 6). Model: when a configuration turns
CMA or isolation off, the kernel would renumber ISOLATE and shrink MIGRATE_TYPES; the port
keeps the numbers, never uses the missing type (``is_migrate_cma()`` is false, nothing sets
it) and leaves it out of every printed table (``migratetype_names_in_config()``).

The structs that are few (``zone``, ``free_area``, ``per_cpu_pages``, ``pglist_data``) are
slotted attrs classes. A ``struct list_head`` member is a head slot of the link arrays
(``include/linux/list.py``), made when the struct is initialised, as INIT_LIST_HEAD does.
"""

import attrs

from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import _running, statics, this_machine

# PAGE_ALLOC_COSTLY_ORDER
PAGE_ALLOC_COSTLY_ORDER = 3

# The migrate types (anonymous enum of mmzone.h).
MIGRATE_UNMOVABLE = 0
MIGRATE_MOVABLE = 1
MIGRATE_RECLAIMABLE = 2
MIGRATE_PCPTYPES = 3
MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES
MIGRATE_CMA = 4
MIGRATE_ISOLATE = 5
MIGRATE_TYPES = 6

# mm/page_alloc.c: migratetype_names[] (declared here by mmzone.h).
migratetype_names = ("Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate")


def migratetype_names_in_config():
    """Model-only: the ``(type, name)`` pairs the running configuration has (see the module note)."""
    out = [(t, migratetype_names[t]) for t in range(MIGRATE_CMA)]
    if IS_ENABLED("CONFIG_CMA"):
        out.append((MIGRATE_CMA, "CMA"))
    if IS_ENABLED("CONFIG_MEMORY_ISOLATION"):
        out.append((MIGRATE_ISOLATE, "Isolate"))
    return out


def is_migrate_cma(migratetype):
    """include/linux/mmzone.h: is_migrate_cma() — false without CONFIG_CMA (never set then)."""
    return migratetype == MIGRATE_CMA


def is_migrate_cma_page(page):
    """include/linux/mmzone.h: is_migrate_cma_page() — the pageblock is MIGRATE_CMA."""
    from cmaport.include.linux.pageblock_flags import get_pageblock_migratetype

    return get_pageblock_migratetype(page) == MIGRATE_CMA


def for_each_migratetype_order():
    """include/linux/mmzone.h: for_each_migratetype_order() — ``(order, type)`` pairs."""
    max_order = this_machine().config.MAX_ORDER
    for order in range(max_order):
        for t in range(MIGRATE_TYPES):
            yield order, t


# enum zone_stat_item (no ZSMALLOC, no NUMA in the ARM multiplatform build)
NR_FREE_PAGES = 0
NR_ZONE_LRU_BASE = 1
NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE
NR_ZONE_ACTIVE_ANON = 2
NR_ZONE_INACTIVE_FILE = 3
NR_ZONE_ACTIVE_FILE = 4
NR_ZONE_UNEVICTABLE = 5
NR_ZONE_WRITE_PENDING = 6
NR_MLOCK = 7
NR_SLAB_RECLAIMABLE = 8
NR_SLAB_UNRECLAIMABLE = 9
NR_PAGETABLE = 10
NR_KERNEL_STACK_KB = 11
NR_BOUNCE = 12
NR_FREE_CMA_PAGES = 13
NR_VM_ZONE_STAT_ITEMS = 14

# enum node_stat_item
NR_LRU_BASE = 0
NR_INACTIVE_ANON = NR_LRU_BASE
NR_ACTIVE_ANON = 1
NR_INACTIVE_FILE = 2
NR_ACTIVE_FILE = 3
NR_UNEVICTABLE = 4
NR_ISOLATED_ANON = 5
NR_ISOLATED_FILE = 6
NR_PAGES_SCANNED = 7
WORKINGSET_REFAULT = 8
WORKINGSET_ACTIVATE = 9
WORKINGSET_NODERECLAIM = 10
NR_ANON_MAPPED = 11
NR_FILE_MAPPED = 12
NR_FILE_PAGES = 13
NR_FILE_DIRTY = 14
NR_WRITEBACK = 15
NR_WRITEBACK_TEMP = 16
NR_SHMEM = 17
NR_SHMEM_THPS = 18
NR_SHMEM_PMDMAPPED = 19
NR_ANON_THPS = 20
NR_UNSTABLE_NFS = 21
NR_VMSCAN_WRITE = 22
NR_VMSCAN_IMMEDIATE = 23
NR_DIRTIED = 24
NR_WRITTEN = 25
NR_VM_NODE_STAT_ITEMS = 26

# enum lru_list
LRU_BASE = 0
LRU_ACTIVE = 1
LRU_FILE = 2
LRU_INACTIVE_ANON = LRU_BASE
LRU_ACTIVE_ANON = LRU_BASE + LRU_ACTIVE
LRU_INACTIVE_FILE = LRU_BASE + LRU_FILE
LRU_ACTIVE_FILE = LRU_BASE + LRU_FILE + LRU_ACTIVE
LRU_UNEVICTABLE = 4
NR_LRU_LISTS = 5

# isolate_mode_t: what __isolate_lru_page() may take
ISOLATE_CLEAN = 0x1
ISOLATE_UNMAPPED = 0x2
ISOLATE_ASYNC_MIGRATE = 0x4
ISOLATE_UNEVICTABLE = 0x8

# DEF_PRIORITY: the scan priority reclaim starts at (1/4096th of the LRU)
DEF_PRIORITY = 12

# enum zone_watermarks
WMARK_MIN = 0
WMARK_LOW = 1
WMARK_HIGH = 2
NR_WMARK = 3

# enum { ZONELIST_FALLBACK, MAX_ZONELISTS } (no NUMA)
ZONELIST_FALLBACK = 0
MAX_ZONELISTS = 1

# enum memmap_context
MEMMAP_EARLY = 0
MEMMAP_HOTPLUG = 1

# include/linux/numa.h: one node (NODES_SHIFT 0)
MAX_NUMNODES = 1
NODES_SHIFT = 0


@statics
class zone_type:
    """include/linux/mmzone.h: ``enum zone_type`` and page-flags-layout.h, for this machine.

    Computed from the configuration when first used. ``None`` for a zone the
    configuration does not have. ``zone_names`` is mm/page_alloc.c's ``zone_names[]``.
    """

    ZONE_DMA: object = None
    ZONE_NORMAL: int = 0
    ZONE_HIGHMEM: object = None
    ZONE_MOVABLE: int = 0
    MAX_NR_ZONES: int = 0
    zone_names: tuple = ()
    ZONES_SHIFT: int = 0
    ZONES_WIDTH: int = 0
    ZONES_PGOFF: int = 0
    ZONES_PGSHIFT: int = 0
    ZONES_MASK: int = 0
    ZONEID_SHIFT: int = 0
    ZONEID_PGSHIFT: int = 0
    ZONEID_MASK: int = 0
    GFP_ZONES_SHIFT: int = 0
    GFP_ZONE_TABLE: int = 0
    GFP_ZONE_BAD: int = 0
    gfp_zone_of: tuple = ()

    def __attrs_post_init__(self):
        """Model-only: compute the enum and the layout from the machine's configuration."""
        cfg = this_machine().config
        n = 0
        names = []
        if cfg.get("CONFIG_ZONE_DMA"):
            self.ZONE_DMA = n
            names.append("DMA")
            n += 1
        self.ZONE_NORMAL = n
        names.append("Normal")
        n += 1
        if cfg.get("CONFIG_HIGHMEM"):
            self.ZONE_HIGHMEM = n
            names.append("HighMem")
            n += 1
        self.ZONE_MOVABLE = n
        names.append("Movable")
        n += 1
        self.MAX_NR_ZONES = n
        self.zone_names = tuple(names)
        # include/linux/page-flags-layout.h (BITS_PER_LONG 32, no SPARSEMEM, no NUMA,
        # no NUMA_BALANCING: the zone is the only field in the top bits).
        if n < 2:
            shift = 0
        elif n <= 2:
            shift = 1
        elif n <= 4:
            shift = 2
        else:
            shift = 3
        self.ZONES_SHIFT = shift
        self.ZONES_WIDTH = shift
        self.ZONES_PGOFF = 32 - 0 - 0 - shift  # BITS_PER_LONG - SECTIONS - NODES - ZONES
        self.ZONES_PGSHIFT = self.ZONES_PGOFF * (shift != 0)
        self.ZONES_MASK = (1 << shift) - 1
        self.ZONEID_SHIFT = NODES_SHIFT + shift
        self.ZONEID_PGSHIFT = self.ZONES_PGOFF * (self.ZONEID_SHIFT != 0)
        self.ZONEID_MASK = (1 << self.ZONEID_SHIFT) - 1
        # include/linux/gfp.h: GFP_ZONES_SHIFT is ZONES_SHIFT (no ZONE_DEVICE).
        from cmaport.include.linux.gfp import _zone_table

        self.GFP_ZONES_SHIFT = shift
        self.GFP_ZONE_TABLE, self.GFP_ZONE_BAD = _zone_table(self)
        self.gfp_zone_of = tuple((self.GFP_ZONE_TABLE >> (bit * shift)) & ((1 << shift) - 1)
                                 for bit in range(16))


def MAX_NR_ZONES():
    """kernel/bounds.c: MAX_NR_ZONES (include/generated/bounds.h) for this machine's configuration."""
    return zone_type.get().MAX_NR_ZONES


@attrs.define(slots=True, eq=False)
class free_area:
    """include/linux/mmzone.h: struct free_area — one list head per migrate type."""

    free_list: list = attrs.Factory(list)
    nr_free: int = 0


@attrs.define(slots=True, eq=False)
class per_cpu_pages:
    """include/linux/mmzone.h: struct per_cpu_pages — the order-0 cache of one CPU."""

    count: int = 0
    high: int = 0
    batch: int = 0
    lists: list = attrs.Factory(list)  # MIGRATE_PCPTYPES head slots


@attrs.define(slots=True, eq=False)
class per_cpu_pageset:
    """include/linux/mmzone.h: struct per_cpu_pageset (CONFIG_SMP, no NUMA).

    Model: ``vm_stat_diff`` is kept for the layout but stays 0 — the model folds every
    counter update into the zone at once (see include/linux/vmstat.py).
    """

    pcp: per_cpu_pages = attrs.Factory(per_cpu_pages)
    stat_threshold: int = 0
    vm_stat_diff: list = attrs.Factory(lambda: [0] * NR_VM_ZONE_STAT_ITEMS)


@attrs.define(slots=True, eq=False)
class per_cpu_nodestat:
    """include/linux/mmzone.h: struct per_cpu_nodestat."""

    stat_threshold: int = 0
    vm_node_stat_diff: list = attrs.Factory(lambda: [0] * NR_VM_NODE_STAT_ITEMS)


@attrs.define(slots=True, eq=False)
class zone:
    """include/linux/mmzone.h: struct zone.

    ``pageset`` is the per-cpu pointer: a list indexed by cpu (all entries are the same
    ``boot_pageset`` object until ``setup_per_cpu_pageset``). ``pageblock_flags`` (the
    FLATMEM usemap) is a bytearray with one byte per pageblock holding its
    ``NR_PAGEBLOCK_BITS`` bits (see include/linux/pageblock_flags.py).
    ``zone_idx_`` is model-only: C computes ``zone - zone->zone_pgdat->node_zones``.
    """

    watermark: list = attrs.Factory(lambda: [0] * NR_WMARK)
    nr_reserved_highatomic: int = 0
    lowmem_reserve: list = attrs.Factory(list)
    zone_pgdat: object = None
    pageset: list = attrs.Factory(list)
    pageblock_flags: object = None
    zone_start_pfn: int = 0
    managed_pages: int = 0
    spanned_pages: int = 0
    present_pages: int = 0
    name: str = None
    nr_isolate_pageblock: int = 0
    initialized: int = 0
    free_area: list = attrs.Factory(list)
    flags: int = 0
    percpu_drift_mark: int = 0
    compact_cached_free_pfn: int = 0
    compact_cached_migrate_pfn: list = attrs.Factory(lambda: [0, 0])
    compact_considered: int = 0
    compact_defer_shift: int = 0
    compact_order_failed: int = 0
    compact_blockskip_flush: bool = False
    contiguous: bool = False
    vm_stat: list = attrs.Factory(lambda: [0] * NR_VM_ZONE_STAT_ITEMS)
    zone_idx_: int = 0

    def __repr__(self):
        return f"<zone {self.name} start_pfn={self.zone_start_pfn:#x} spanned={self.spanned_pages}>"


@attrs.define(slots=True, eq=False)
class zoneref:
    """include/linux/mmzone.h: struct zoneref."""

    zone: object = None
    zone_idx: int = 0


@attrs.define(slots=True, eq=False)
class zonelist:
    """include/linux/mmzone.h: struct zonelist — zonerefs ending with a NULL zone."""

    _zonerefs: list = attrs.Factory(list)


@attrs.define(slots=True, eq=False)
class lruvec:
    """include/linux/mmzone.h: struct lruvec — the node's LRU list heads (for the page-cache
    and anonymous-page users of later issues; the allocator only creates them)."""

    lists: list = attrs.Factory(list)
    pgdat: object = None  # Model: C finds the node with container_of()
    reclaim_stat_recent_rotated: list = attrs.Factory(lambda: [0, 0])
    reclaim_stat_recent_scanned: list = attrs.Factory(lambda: [0, 0])
    inactive_age: int = 0


@attrs.define(slots=True, eq=False)
class pglist_data:
    """include/linux/mmzone.h: struct pglist_data (pg_data_t) — the one node of ARM.

    ``node_mem_map`` is the ``struct page *`` of the node's first pfn (an index into
    mem_map). ``node_mem_map_virt``/``self_virt`` are model-only: the virtual addresses
    the KERN_DEBUG line of free_area_init_node prints.
    """

    node_zones: list = attrs.Factory(list)
    node_zonelists: list = attrs.Factory(list)
    nr_zones: int = 0
    node_mem_map: object = None
    node_start_pfn: int = 0
    node_present_pages: int = 0
    node_spanned_pages: int = 0
    node_id: int = 0
    kswapd_order: int = 0
    kswapd_classzone_idx: int = 0
    kcompactd_max_order: int = 0
    kcompactd_classzone_idx: int = 0
    totalreserve_pages: int = 0
    lruvec: lruvec = attrs.Factory(lruvec)
    inactive_ratio: int = 0
    flags: int = 0
    per_cpu_nodestats: list = attrs.Factory(list)
    vm_stat: list = attrs.Factory(lambda: [0] * NR_VM_NODE_STAT_ITEMS)
    node_mem_map_virt: int = 0
    self_virt: int = 0


# --- inline helpers -----------------------------------------------------------------

def min_wmark_pages(z):
    """include/linux/mmzone.h: min_wmark_pages()."""
    return z.watermark[WMARK_MIN]


def low_wmark_pages(z):
    """include/linux/mmzone.h: low_wmark_pages()."""
    return z.watermark[WMARK_LOW]


def high_wmark_pages(z):
    """include/linux/mmzone.h: high_wmark_pages()."""
    return z.watermark[WMARK_HIGH]


def zone_end_pfn(zone):
    """include/linux/mmzone.h: zone_end_pfn()."""
    return zone.zone_start_pfn + zone.spanned_pages


def zone_spans_pfn(zone, pfn):
    """include/linux/mmzone.h: zone_spans_pfn()."""
    return zone.zone_start_pfn <= pfn < zone.zone_start_pfn + zone.spanned_pages


def pgdat_end_pfn(pgdat):
    """include/linux/mmzone.h: pgdat_end_pfn()."""
    return pgdat.node_start_pfn + pgdat.node_spanned_pages


def node_lruvec(pgdat):
    """include/linux/mmzone.h: node_lruvec()."""
    return pgdat.lruvec


def new_pglist_data():
    """Model-only: a zeroed ``pg_data_t`` with its MAX_NR_ZONES zones and MAX_ORDER free areas
    (the static ``contig_page_data`` of mm/nobootmem.c)."""
    zt = zone_type.get()
    max_order = this_machine().config.MAX_ORDER
    pgdat = pglist_data()
    for j in range(zt.MAX_NR_ZONES):
        z = zone(zone_idx_=j, lowmem_reserve=[0] * zt.MAX_NR_ZONES,
                 free_area=[free_area() for _ in range(max_order)])
        z.zone_pgdat = pgdat
        pgdat.node_zones.append(z)
    pgdat.node_zonelists = [zonelist() for _ in range(MAX_ZONELISTS)]
    return pgdat


def zone_is_initialized(zone):
    """include/linux/mmzone.h: zone_is_initialized()."""
    return bool(zone.initialized)


def zone_is_empty(zone):
    """include/linux/mmzone.h: zone_is_empty()."""
    return zone.spanned_pages == 0


def zone_idx(zone):
    """include/linux/mmzone.h: zone_idx() — the zone's index in its node."""
    return zone.zone_idx_


def zone_to_nid(zone):
    """include/linux/mm.h: zone_to_nid() — 0 without NUMA."""
    return 0


def managed_zone(zone):
    """include/linux/mmzone.h: managed_zone() — the buddy allocator manages pages here."""
    return bool(zone.managed_pages)


def populated_zone(zone):
    """include/linux/mmzone.h: populated_zone() — the zone has present pages."""
    return bool(zone.present_pages)


def zone_movable_is_highmem():
    """include/linux/mmzone.h: zone_movable_is_highmem() — ZONE_MOVABLE - 1 == ZONE_HIGHMEM."""
    z = zone_type.get()
    return z.ZONE_HIGHMEM is not None and z.ZONE_MOVABLE - 1 == z.ZONE_HIGHMEM


def is_highmem_idx(idx):
    """include/linux/mmzone.h: is_highmem_idx() — 0 without CONFIG_HIGHMEM."""
    z = zone_type.get()
    if z.ZONE_HIGHMEM is None:
        return 0
    return int(idx == z.ZONE_HIGHMEM or (idx == z.ZONE_MOVABLE and zone_movable_is_highmem()))


def is_highmem(zone):
    """include/linux/mmzone.h: is_highmem()."""
    return is_highmem_idx(zone.zone_idx_)


def NODE_DATA(nid):
    """include/linux/mmzone.h: NODE_DATA() — ``&contig_page_data`` (no NUMA)."""
    try:
        return _running.get()._statics[_nobootmem.nobootmem_c].contig_page_data
    except KeyError:
        return _nobootmem.nobootmem_c.get().contig_page_data


def first_online_pgdat():
    """mm/mmzone.c: first_online_pgdat() — node 0."""
    return NODE_DATA(0)


def next_online_pgdat(pgdat):
    """mm/mmzone.c: next_online_pgdat() — none after node 0."""
    return None


def next_zone(zone):
    """mm/mmzone.c: next_zone() — the following zone of the node, or ``None``."""
    pgdat = zone.zone_pgdat
    i = zone.zone_idx_
    if i < len(pgdat.node_zones) - 1:
        return pgdat.node_zones[i + 1]
    return next_online_pgdat(pgdat)


def for_each_online_pgdat():
    """include/linux/mmzone.h: for_each_online_pgdat()."""
    pgdat = first_online_pgdat()
    while pgdat is not None:
        yield pgdat
        pgdat = next_online_pgdat(pgdat)


def for_each_zone():
    """include/linux/mmzone.h: for_each_zone() — every zone of every node."""
    pgdat = first_online_pgdat()
    zone = pgdat.node_zones[0] if pgdat.node_zones else None
    while zone is not None:
        yield zone
        zone = next_zone(zone)


def for_each_populated_zone():
    """include/linux/mmzone.h: for_each_populated_zone() — zones with present pages."""
    for zone in for_each_zone():
        if populated_zone(zone):
            yield zone


def zonelist_zone(zoneref):
    """include/linux/mmzone.h: zonelist_zone()."""
    return zoneref.zone


def zonelist_zone_idx(zoneref):
    """include/linux/mmzone.h: zonelist_zone_idx()."""
    return zoneref.zone_idx


def zonelist_node_idx(zoneref):
    """include/linux/mmzone.h: zonelist_node_idx() — 0 without NUMA."""
    return 0


def __next_zones_zonelist(zl, z, highest_zoneidx, nodes):
    """mm/mmzone.c: __next_zones_zonelist() — from position ``z``, the first allowed zoneref.

    The C function walks a ``struct zoneref *``; the port passes the zonelist and the
    position in it and returns the position (the terminator's when none is left).
    ``nodes`` is ignored: there is one node.
    """
    refs = zl._zonerefs
    # The terminator's zone_idx is 0, so the walk always stops there.
    while refs[z].zone_idx > highest_zoneidx:
        z += 1
    return z


def next_zones_zonelist(zl, z, highest_zoneidx, nodes):
    """include/linux/mmzone.h: next_zones_zonelist() — see ``__next_zones_zonelist``."""
    if nodes is None and zl._zonerefs[z].zone_idx <= highest_zoneidx:
        return z
    return __next_zones_zonelist(zl, z, highest_zoneidx, nodes)


def first_zones_zonelist(zonelist, highest_zoneidx, nodes):
    """include/linux/mmzone.h: first_zones_zonelist() — position of the first usable zoneref
    (next_zones_zonelist() from the start, folded in)."""
    if nodes is None and zonelist._zonerefs[0].zone_idx <= highest_zoneidx:
        return 0
    return __next_zones_zonelist(zonelist, 0, highest_zoneidx, nodes)


def for_each_zone_zonelist_nodemask(zlist, highidx, nodemask):
    """include/linux/mmzone.h: for_each_zone_zonelist_nodemask() — ``(zone, z)`` pairs."""
    z = first_zones_zonelist(zlist, highidx, nodemask)
    zone = zlist._zonerefs[z].zone
    while zone is not None:
        yield zone, z
        z = next_zones_zonelist(zlist, z + 1, highidx, nodemask)
        zone = zlist._zonerefs[z].zone


def for_each_zone_zonelist(zlist, highidx):
    """include/linux/mmzone.h: for_each_zone_zonelist()."""
    return for_each_zone_zonelist_nodemask(zlist, highidx, None)


# Model: mm/nobootmem.py (which defines contig_page_data) includes this header; bound at
# the end (see include/linux/gfp.py).
from cmaport.mm import nobootmem as _nobootmem  # noqa: E402
