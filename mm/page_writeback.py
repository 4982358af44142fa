# SPDX-License-Identifier: GPL-2.0-only
"""mm/page-writeback.c: the global dirty limits (the two writeback lines of /proc/vmstat),
and dirtying and writing back page-cache pages (``set_page_dirty``,
``clear_page_dirty_for_io``, the writeback flag and their counters, ``write_one_page``).

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


# --- dirtying and writing back page-cache pages ------------------------------------------
#
# Model: no bdi_writeback structures, no radix-tree tags, no memcg statistics and no dirty
# throttling (balance_dirty_pages): the node/zone counters and the page flags are kept as
# v4.9 keeps them.

def account_page_dirtied(page, mapping):
    """mm/page-writeback.c: account_page_dirtied() — NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING,
    NR_DIRTIED."""
    from cmaport.include.linux.fs import mapping_cap_account_dirty
    from cmaport.include.linux.mmzone import NR_DIRTIED, NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING
    from cmaport.include.linux.vmstat import __inc_node_page_state, __inc_zone_page_state

    if mapping_cap_account_dirty(mapping):
        __inc_node_page_state(page, NR_FILE_DIRTY)
        __inc_zone_page_state(page, NR_ZONE_WRITE_PENDING)
        __inc_node_page_state(page, NR_DIRTIED)


def account_page_cleaned(page, mapping, wb=None):
    """mm/page-writeback.c: account_page_cleaned() — undo account_page_dirtied's counts."""
    from cmaport.include.linux.fs import mapping_cap_account_dirty
    from cmaport.include.linux.mmzone import NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING
    from cmaport.include.linux.vmstat import dec_node_page_state, dec_zone_page_state

    if mapping_cap_account_dirty(mapping):
        dec_node_page_state(page, NR_FILE_DIRTY)
        dec_zone_page_state(page, NR_ZONE_WRITE_PENDING)


def __set_page_dirty_nobuffers(page):
    """mm/page-writeback.c: __set_page_dirty_nobuffers() — set PG_dirty and account it.

    :return: 1 if the page was clean before
    """
    from cmaport.include.linux.page_flags import PagePrivate, PageUptodate, TestSetPageDirty
    from cmaport.kernel.panic import BUG_ON, WARN_ON_ONCE
    from cmaport.mm.util import page_mapping

    if not TestSetPageDirty(page):  # noqa: F821 (generated accessor)
        mapping = page_mapping(page)
        if mapping is None:
            return 1
        BUG_ON(page_mapping(page) is not mapping)
        WARN_ON_ONCE(not PagePrivate(page) and not PageUptodate(page), line=2440)  # noqa: F821
        account_page_dirtied(page, mapping)
        # radix_tree_tag_set(PAGECACHE_TAG_DIRTY), __mark_inode_dirty(): see the note above.
        return 1
    return 0


def set_page_dirty(page):
    """mm/page-writeback.c: set_page_dirty() — through the mapping's ->set_page_dirty.

    (Without a mapping: just PG_dirty. A mapping without the method would use
    __set_page_dirty_buffers; the model's filesystems always give one.)
    """
    from cmaport.include.linux.page_flags import (ClearPageReclaim, PageDirty, PageReclaim,
                                                  TestSetPageDirty, compound_head)
    from cmaport.mm.util import page_mapping

    mapping = page_mapping(page)
    page = compound_head(page)
    if mapping is not None:
        spd = mapping.a_ops.set_page_dirty
        if PageReclaim(page):  # noqa: F821
            ClearPageReclaim(page)  # noqa: F821
        if spd is None:
            spd = __set_page_dirty_nobuffers
        return spd(page)
    if not PageDirty(page):  # noqa: F821
        if not TestSetPageDirty(page):  # noqa: F821
            return 1
    return 0


def clear_page_dirty_for_io(page):
    """mm/page-writeback.c: clear_page_dirty_for_io() — before writing a locked page out:
    write-protect its shared ptes (page_mkclean), then clear PG_dirty and its counts.

    :return: 1 if the page was dirty
    """
    from cmaport.include.linux.fs import mapping_cap_account_dirty
    from cmaport.include.linux.mmzone import NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING
    from cmaport.include.linux.page_flags import PageLocked, TestClearPageDirty
    from cmaport.include.linux.vmstat import dec_node_page_state, dec_zone_page_state
    from cmaport.kernel.panic import BUG_ON
    from cmaport.mm.rmap import page_mkclean
    from cmaport.mm.util import page_mapping

    mapping = page_mapping(page)
    ret = 0
    BUG_ON(not PageLocked(page))  # noqa: F821
    if mapping is not None and mapping_cap_account_dirty(mapping):
        if page_mkclean(page):
            set_page_dirty(page)
        if TestClearPageDirty(page):  # noqa: F821
            dec_node_page_state(page, NR_FILE_DIRTY)
            dec_zone_page_state(page, NR_ZONE_WRITE_PENDING)
            ret = 1
        return ret
    return int(TestClearPageDirty(page))  # noqa: F821


def test_clear_page_writeback(page):
    """mm/page-writeback.c: test_clear_page_writeback() — end of writeback: NR_WRITEBACK
    down, NR_WRITTEN up."""
    from cmaport.include.linux.mmzone import NR_WRITEBACK, NR_WRITTEN, NR_ZONE_WRITE_PENDING
    from cmaport.include.linux.page_flags import TestClearPageWriteback
    from cmaport.include.linux.vmstat import (dec_node_page_state, dec_zone_page_state,
                                              inc_node_page_state)

    ret = TestClearPageWriteback(page)  # noqa: F821
    if ret:
        dec_node_page_state(page, NR_WRITEBACK)
        dec_zone_page_state(page, NR_ZONE_WRITE_PENDING)
        inc_node_page_state(page, NR_WRITTEN)
    return ret


def __test_set_page_writeback(page, keep_write):
    """mm/page-writeback.c: __test_set_page_writeback() — start of writeback."""
    from cmaport.include.linux.mmzone import NR_WRITEBACK, NR_ZONE_WRITE_PENDING
    from cmaport.include.linux.page_flags import TestSetPageWriteback
    from cmaport.include.linux.vmstat import inc_node_page_state, inc_zone_page_state

    ret = TestSetPageWriteback(page)  # noqa: F821
    if not ret:
        inc_node_page_state(page, NR_WRITEBACK)
        inc_zone_page_state(page, NR_ZONE_WRITE_PENDING)
    return ret


def set_page_writeback(page):
    """include/linux/page-flags.h: set_page_writeback()."""
    __test_set_page_writeback(page, False)


def write_one_page(page, wait):
    """mm/page-writeback.c: write_one_page() — write a locked page out if it is dirty
    (the page comes back unlocked)."""
    from cmaport.include.linux.errno import EIO
    from cmaport.include.linux.mm import get_page, put_page
    from cmaport.include.linux.mm_types import struct_page_arrays
    from cmaport.include.linux.page_flags import PageError, PageLocked
    from cmaport.include.linux.pagemap import unlock_page, wait_on_page_writeback
    from cmaport.kernel.panic import BUG_ON

    mapping = struct_page_arrays.get().mapping.get(page)
    ret = 0
    BUG_ON(not PageLocked(page))  # noqa: F821
    if wait:
        wait_on_page_writeback(page)
    if clear_page_dirty_for_io(page):
        get_page(page)
        ret = mapping.a_ops.writepage(page, None)  # wbc: WB_SYNC_ALL, one page
        if ret == 0 and wait:
            wait_on_page_writeback(page)
            if PageError(page):  # noqa: F821
                ret = -EIO
        put_page(page)
    else:
        unlock_page(page)
    return ret
