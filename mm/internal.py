# SPDX-License-Identifier: GPL-2.0-only
"""mm/internal.h: the helpers mm/ shares internally (the parts the page allocator uses).

The allocation flags ``ALLOC_*``, ``struct alloc_context``, buddy index arithmetic,
``page_order`` and ``set_page_refcounted``, and ``pageblock_pfn_to_page``.
``struct compact_control`` (mm/compaction.c's state, used by alloc_contig_range) is at the end.
"""

import attrs

from cmaport.include.linux.gfp import GFP_BOOT_MASK, GFP_RECLAIM_MASK  # noqa: F401 (re-export)
from cmaport.include.linux.mm import pfn_to_page, set_page_refcounted  # noqa: F401 (re-export)
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import WMARK_HIGH, WMARK_LOW, WMARK_MIN
from cmaport.kernel.machine import _running

# The ALLOC_WMARK bits index zone->watermark.
ALLOC_WMARK_MIN = WMARK_MIN
ALLOC_WMARK_LOW = WMARK_LOW
ALLOC_WMARK_HIGH = WMARK_HIGH
ALLOC_NO_WATERMARKS = 0x04  # don't check watermarks at all
ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1
ALLOC_HARDER = 0x10  # try to alloc harder
ALLOC_HIGH = 0x20  # __GFP_HIGH set
ALLOC_CPUSET = 0x40  # check for correct cpuset
ALLOC_CMA = 0x80  # allow allocations from CMA areas


@attrs.define(slots=True, eq=False)
class alloc_context:
    """mm/internal.h: struct alloc_context — what one allocation carries between helpers.

    ``preferred_zoneref`` is a position in ``zonelist._zonerefs`` (the C pointer into
    the zonelist).
    """

    zonelist: object = None
    nodemask: object = None
    preferred_zoneref: int = 0
    migratetype: int = 0
    high_zoneidx: int = 0
    spread_dirty_pages: bool = False


def ac_classzone_idx(ac):
    """mm/internal.h: ac_classzone_idx() — the zone index of the preferred zoneref."""
    return ac.zonelist._zonerefs[ac.preferred_zoneref].zone_idx


def __find_buddy_index(page_idx, order):
    """mm/internal.h: __find_buddy_index() — flip bit ``order`` of the index."""
    return page_idx ^ (1 << order)


def page_order(page):
    """mm/internal.h: page_order() — the order of a free buddy block (PageBuddy checked by the caller)."""
    return _running.get()._statics[struct_page_arrays].private[page]


def page_order_unsafe(page):
    """mm/internal.h: page_order_unsafe() — READ_ONCE(page_private(page))."""
    return _running.get()._statics[struct_page_arrays].private[page]


def pageblock_pfn_to_page(start_pfn, end_pfn, zone):
    """mm/internal.h: pageblock_pfn_to_page() — a contiguous zone needs no checks."""
    if zone.contiguous:
        return pfn_to_page(start_pfn)
    from cmaport.mm.page_alloc import __pageblock_pfn_to_page

    return __pageblock_pfn_to_page(start_pfn, end_pfn, zone)


# --- mm/compaction.c's state (the compaction/CMA issue) --------------------------------


@attrs.define(slots=True, eq=False)
class compact_control:
    """mm/internal.h: struct compact_control — what one compaction (or one
    alloc_contig_range) carries between the scanners and migration.

    ``freepages`` and ``migratepages`` are list-head slots (``LIST_HEAD()``), ``None``
    until the owner sets them up (C: a zeroed ``list_head`` in a designated initialiser).
    ``mode`` is an ``enum migrate_mode`` value (include/linux/migrate_mode.h). The
    ``const`` members (``gfp_mask``, ``alloc_flags``, ``classzone_idx``) are ordinary
    fields here. alloc_contig_range() fills ``nr_migratepages`` (0), ``order`` (-1),
    ``zone``, ``mode`` (MIGRATE_SYNC) and ``ignore_skip_hint`` (true); everything else
    keeps the zero the C initialiser gives it.
    """

    freepages: object = None
    migratepages: object = None
    nr_freepages: int = 0
    nr_migratepages: int = 0
    free_pfn: int = 0
    migrate_pfn: int = 0
    last_migrated_pfn: int = 0
    mode: int = 0
    ignore_skip_hint: bool = False
    ignore_block_suitable: bool = False
    direct_compaction: bool = False
    whole_zone: bool = False
    order: int = 0
    gfp_mask: int = 0
    alloc_flags: int = 0
    classzone_idx: int = 0
    zone: object = None
    contended: bool = False
