# SPDX-License-Identifier: GPL-2.0-only
"""mm/page-writeback.c: the global dirty limits (the two writeback lines of /proc/vmstat).

Only what ``vmstat_start`` needs: ``global_dirty_limits`` from the dirtyable memory and
the v4.9 default ratios (``vm_dirty_ratio`` 20, ``dirty_background_ratio`` 10, no byte
limits). The reader is an ordinary task (no PF_LESS_THROTTLE, not real-time); memcg
writeback domains are not configured.
"""

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.include.linux.kernel import DIV_ROUND_UP
from cmaport.include.linux.mmzone import (NR_ACTIVE_FILE, NR_FREE_PAGES, NR_INACTIVE_FILE,
                                          NR_ZONE_ACTIVE_FILE, NR_ZONE_INACTIVE_FILE,
                                          high_wmark_pages, is_highmem_idx, populated_zone,
                                          zone_type, NODE_DATA)
from cmaport.include.linux.vmstat import global_node_page_state, global_page_state, zone_page_state
from cmaport.kernel.machine import statics


@statics
class page_writeback_c:
    """The file-scope variables (sysctls) of mm/page-writeback.c."""

    dirty_background_ratio: int = 10
    dirty_background_bytes: int = 0
    vm_highmem_is_dirtyable: int = 0
    vm_dirty_ratio: int = 20
    vm_dirty_bytes: int = 0


@attrs.define
class dirty_throttle_control:
    """mm/page-writeback.c: struct dirty_throttle_control (the global domain's fields)."""

    avail: int = 0
    thresh: int = 0
    bg_thresh: int = 0


def highmem_dirtyable_memory(total):
    """mm/page-writeback.c: highmem_dirtyable_memory() — 0 without CONFIG_HIGHMEM."""
    z = zone_type.get()
    if z.ZONE_HIGHMEM is None:
        return 0
    x = 0
    for i in range(z.ZONE_NORMAL + 1, z.MAX_NR_ZONES):
        if not is_highmem_idx(i):
            continue
        zone = NODE_DATA(0).node_zones[i]
        if not populated_zone(zone):
            continue
        nr_pages = zone_page_state(zone, NR_FREE_PAGES)
        # watch for underflows
        nr_pages -= min(nr_pages, high_wmark_pages(zone))
        nr_pages += zone_page_state(zone, NR_ZONE_INACTIVE_FILE)
        nr_pages += zone_page_state(zone, NR_ZONE_ACTIVE_FILE)
        x += nr_pages
    if x < 0:
        x = 0
    return min(x, total)


def global_dirtyable_memory():
    """mm/page-writeback.c: global_dirtyable_memory() — free minus reserves, plus file LRU, plus 1."""
    from cmaport.mm.page_alloc import page_alloc_c

    x = global_page_state(NR_FREE_PAGES)
    x -= min(x, page_alloc_c.get().totalreserve_pages)
    x += global_node_page_state(NR_INACTIVE_FILE)
    x += global_node_page_state(NR_ACTIVE_FILE)
    if not page_writeback_c.get().vm_highmem_is_dirtyable:
        x -= highmem_dirtyable_memory(x)
    return x + 1


def domain_dirty_limits(dtc):
    """mm/page-writeback.c: domain_dirty_limits() — thresh and bg_thresh of the global domain."""
    s = page_writeback_c.get()
    available_memory = dtc.avail
    bytes_ = s.vm_dirty_bytes
    bg_bytes = s.dirty_background_bytes
    # Ratios per PAGE_SIZE for precision.
    ratio = (s.vm_dirty_ratio * PAGE_SIZE) // 100
    bg_ratio = (s.dirty_background_ratio * PAGE_SIZE) // 100

    if bytes_:
        thresh = DIV_ROUND_UP(bytes_, PAGE_SIZE)
    else:
        thresh = (ratio * available_memory) // PAGE_SIZE
    if bg_bytes:
        bg_thresh = DIV_ROUND_UP(bg_bytes, PAGE_SIZE)
    else:
        bg_thresh = (bg_ratio * available_memory) // PAGE_SIZE
    if bg_thresh >= thresh:
        bg_thresh = thresh // 2
    # Model: the reader is neither PF_LESS_THROTTLE nor real-time: no lift.
    dtc.thresh = thresh
    dtc.bg_thresh = bg_thresh


def global_dirty_limits():
    """mm/page-writeback.c: global_dirty_limits() — ``(background, dirty)`` thresholds."""
    gdtc = dirty_throttle_control()
    gdtc.avail = global_dirtyable_memory()
    domain_dirty_limits(gdtc)
    return gdtc.bg_thresh, gdtc.thresh
