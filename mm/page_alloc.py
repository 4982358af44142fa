# SPDX-License-Identifier: GPL-2.0-only
"""mm/page_alloc.c: the zoned buddy allocator of Linux v4.9 (32-bit ARM, FLATMEM, one node).

What is here, in the order of the C file: the pageblock flag storage, ``bad_page``,
compound pages, the free path (``__free_one_page`` with buddy merging and v4.9's
isolation rule at pageblock order, the per-cpu lists, ``free_one_page``,
``__free_pages_ok``, the boot-time ``__free_pages_bootmem``), ``init_cma_reserved_pageblock``,
the allocation path (``expand``, ``__rmqueue_smallest``, ``fallbacks[]``,
``__rmqueue_cma_fallback``, ``move_freepages_block``, ``can_steal_fallback``,
``steal_suitable_fallback``, ``find_suitable_fallback``, ``__rmqueue_fallback``,
``__rmqueue``, ``rmqueue_bulk``, ``buffered_rmqueue``), watermarks
(``__zone_watermark_ok`` with the CMA subtraction), ``get_page_from_freelist``, the slow
path, the public entry points, the zone/node set-up of ``free_area_init_node`` and the
watermark set-up of ``init_per_zone_wmark_min``.

Model notes, in one place (each site also says so):

* Locks (zone->lock, local_irq_save, pcp_batch_high_lock, managed_page_count_lock) are
  comments: one CPU, no interrupts.
* Reclaim, kswapd, the OOM killer, cpusets and memcg have no model: direct reclaim makes
  no progress, there is nothing to kill. Direct compaction arrives with the compaction
  issue; until then it finds nothing.
* Bulk initialisation. ``memmap_init_zone``, ``reserve_bootmem_region``,
  ``__free_pages_boot_core`` and the tail-page checks of ``free_pages_prepare`` touch
  every ``struct page`` of a range; the port does the same stores with slice operations
  on the arrays and falls back to the per-page loop whenever a page differs from the
  common case, so the result is the kernel's page for page.
* Compile-time constants the hot paths need (MAX_ORDER, pageblock_order, the zone bits
  of page->flags, IS_ENABLED(CONFIG_CMA) …) are read once per machine into
  ``struct_page_arrays``/``page_alloc_c``.
"""

from array import array

import attrs

from cmaport.arch.arm.include.asm.memory import PHYS_PFN_OFFSET
from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.gfp import (
    GFP_BOOT_MASK,
    GFP_HIGHUSER_MOVABLE,
    GFP_KERNEL,
    GFP_MOVABLE_MASK,
    GFP_MOVABLE_SHIFT,
    GFP_USER,
    GFP_ZONEMASK,
    __GFP_ATOMIC,
    __GFP_COLD,
    __GFP_COMP,
    __GFP_DIRECT_RECLAIM,
    __GFP_HARDWALL,
    __GFP_HIGH,
    __GFP_HIGHMEM,
    __GFP_MEMALLOC,
    __GFP_NOFAIL,
    __GFP_NOMEMALLOC,
    __GFP_NORETRY,
    __GFP_NOWARN,
    __GFP_REPEAT,
    __GFP_THISNODE,
    __GFP_WRITE,
    __GFP_ZERO,
    gfp_zone,
    gfpflags_to_migratetype,
    node_zonelist,
)
from cmaport.include.linux.kernel import ALIGN, round_down
from cmaport.include.linux.list import (
    INIT_LIST_HEAD,
    list_add,
    list_add_tail,
    list_del,
    list_empty,
    list_first_entry_or_null,
    list_move,
)
from cmaport.include.linux.mm import (
    __free_reserved_page,
    VM_BUG_ON,
    put_page_testzero,
    COMPOUND_PAGE_DTOR,
    VM_BUG_ON_PAGE,
    compound_order,
    page_address,
    page_to_pfn,
    page_zone,
    page_zone_id,
    pfn_to_page,
    pfn_valid_within,
    set_compound_order,
    set_compound_page_dtor,
    set_page_links,
    set_page_refcounted,
    virt_to_page,
)
from cmaport.include.linux.mm_types import (LIST_POISON1, LIST_POISON2, SIZEOF_STRUCT_PAGE,
                                            struct_page_arrays)
from cmaport.include.linux.mmzone import (
    MEMMAP_EARLY,
    MIGRATE_CMA,
    MIGRATE_HIGHATOMIC,
    MIGRATE_ISOLATE,
    MIGRATE_MOVABLE,
    MIGRATE_PCPTYPES,
    MIGRATE_RECLAIMABLE,
    MIGRATE_TYPES,
    MIGRATE_UNMOVABLE,
    NR_FREE_CMA_PAGES,
    NR_FREE_PAGES,
    NR_LRU_LISTS,
    NR_PAGES_SCANNED,
    NR_SLAB_RECLAIMABLE,
    PAGE_ALLOC_COSTLY_ORDER,
    WMARK_HIGH,
    WMARK_LOW,
    WMARK_MIN,
    ZONELIST_FALLBACK,
    NODE_DATA,
    first_zones_zonelist,
    for_each_online_pgdat,
    for_each_populated_zone,
    for_each_zone,
    for_each_zone_zonelist,
    high_wmark_pages,
    is_highmem,
    is_highmem_idx,
    is_migrate_cma,
    low_wmark_pages,
    managed_zone,
    min_wmark_pages,
    next_zones_zonelist,
    per_cpu_nodestat,
    per_cpu_pageset,
    populated_zone,
    zone_end_pfn,
    zone_idx,
    zone_spans_pfn,
    zone_type,
    zoneref,
)
from cmaport.include.linux.page_flags import (
    PAGE_BUDDY_MAPCOUNT_VALUE,
    PAGE_FLAGS_CHECK_AT_FREE,
    PAGE_FLAGS_CHECK_AT_PREP,
    PG_reserved,
    TAIL_MAPPING,
    PageBuddy,
    PageCompound,
    PageHighMem,
    PageTail,
    __SetPageHead,
    _mapping_bits,
    clear_compound_head,
    compound_head,
    set_compound_head,
)
from cmaport.include.linux.page_ref import page_ref_count, set_page_count
from cmaport.include.linux.pageblock_flags import (
    MIGRATETYPE_MASK,
    NR_PAGEBLOCK_BITS,
    PB_migrate,
    PB_migrate_end,
)
from cmaport.include.linux.vmstat import (
    PGALLOC,
    PGFREE,
    __count_vm_events,
    __mod_node_page_state,
    __mod_zone_freepage_state,
    __mod_zone_page_state,
    global_node_page_state,
    global_page_state,
    node_page_state,
    zone_page_state,
)
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.errors import KernelBug, WouldBlock
from cmaport.kernel.machine import _running, statics, this_machine
from cmaport.kernel.panic import BUG_ON, WARN_ON, WARN_ON_ONCE, dump_stack, m_comm
from cmaport.kernel.printk import KERN_CONT, KERN_DEBUG, KERN_DEFAULT, printk, pr_helpers
from cmaport.mm.internal import (
    ALLOC_CMA,
    ALLOC_CPUSET,
    ALLOC_HARDER,
    ALLOC_HIGH,
    ALLOC_NO_WATERMARKS,
    ALLOC_WMARK_LOW,
    ALLOC_WMARK_MASK,
    ALLOC_WMARK_MIN,
    ALLOC_WMARK_HIGH,
    __find_buddy_index,
    ac_classzone_idx,
    alloc_context,
    page_order,
)

# mm/page_alloc.c defines no pr_fmt.
_pr = pr_helpers("")

ULONG_MAX = 0xFFFFFFFF
HZ = 100  # CONFIG_HZ of the ARM multiplatform build (HZ_100)
INITIAL_JIFFIES = (-300 * HZ) & 0xFFFFFFFF  # include/linux/jiffies.h
SWAP_CLUSTER_MAX = 32  # include/linux/swap.h

# Model: constant subexpressions of the hot paths, folded as the C compiler folds them.
_KEEP_AT_PREP = ~PAGE_FLAGS_CHECK_AT_PREP & 0xFFFFFFFF
_MIGRATETYPE_SHIFT = NR_PAGEBLOCK_BITS - 1 - PB_migrate_end

# current_zonelist_order values and their names.
ZONELIST_ORDER_DEFAULT = 0
ZONELIST_ORDER_NODE = 1
ZONELIST_ORDER_ZONE = 2
zonelist_order_name = ("Default", "Node", "Zone")

# Model: where contig_page_data sits in the modelled image (.data; build-dependent in C).
CONTIG_PAGE_DATA_DATA_OFFSET = 0x3B7C0


def _sysctl_lowmem_reserve_ratio():
    """mm/page_alloc.c: the initialiser of ``sysctl_lowmem_reserve_ratio[MAX_NR_ZONES-1]``
    for this configuration."""
    z = zone_type.get()
    ratios = []
    if z.ZONE_DMA is not None:
        ratios.append(256)
    if z.ZONE_HIGHMEM is not None:
        ratios.append(32)
    ratios.append(32)
    return ratios


@statics
class page_alloc_c:
    """The file-scope variables of mm/page_alloc.c (and the few mm globals it owns here).

    ``vm_total_pages`` is mm/vmscan.c's, ``totalhigh_pages`` mm/highmem.c's,
    ``highest_memmap_pfn`` mm/memory.c's; they are kept here because only this file
    writes them. ``boot_pageset`` is the per-cpu ``boot_pageset`` (a list indexed by
    cpu). ``bad_page_*`` are bad_page()'s function-level statics. ``config_cma`` is the
    compile-time ``IS_ENABLED(CONFIG_CMA)`` the hot paths test (CONFIG_DEBUG_VM's is
    ``struct_page_arrays.debug_vm``).
    """

    totalram_pages: int = 0
    totalreserve_pages: int = 0
    totalcma_pages: int = 0
    totalhigh_pages: int = 0
    percpu_pagelist_fraction: int = 0
    gfp_allowed_mask: int = GFP_BOOT_MASK
    sysctl_lowmem_reserve_ratio: list = attrs.Factory(_sysctl_lowmem_reserve_ratio)
    min_free_kbytes: int = 1024
    user_min_free_kbytes: int = -1
    watermark_scale_factor: int = 10
    nr_kernel_pages: int = 0
    nr_all_pages: int = 0
    dma_reserve: int = 0
    page_group_by_mobility_disabled: int = 0
    vm_total_pages: int = 0
    current_zonelist_order: int = ZONELIST_ORDER_DEFAULT
    boot_pageset: list = attrs.Factory(lambda: [per_cpu_pageset() for _ in range(num_possible_cpus())])
    highest_memmap_pfn: int = 0
    bad_page_resume: int = 0
    bad_page_nr_shown: int = 0
    bad_page_nr_unshown: int = 0
    system_booting: bool = True
    config_cma: bool = attrs.Factory(lambda: IS_ENABLED("CONFIG_CMA"))
    # Model-only: the pfns [lo, hi) whose struct pages lie inside the mem_map that
    # alloc_node_mem_map got from memblock (C has only the pointer; memmap_init_zone uses
    # this to notice that it would write past the allocation).
    model_mem_map_pfns: tuple = (0, 0)


def _P():
    """Model-only: the running machine's struct page arrays."""
    return _running.get()._statics[struct_page_arrays]


def _S():
    """Model-only: the running machine's page_alloc_c."""
    return _running.get()._statics[page_alloc_c]


def totalcma_pages():
    """mm/page_alloc.c: totalcma_pages — the pages given to CMA areas (cma_init_reserved_mem adds)."""
    return page_alloc_c.get().totalcma_pages


def totalram_pages():
    """mm/page_alloc.c: totalram_pages — the pages the buddy allocator manages."""
    return page_alloc_c.get().totalram_pages


def jiffies():
    """Model-only: ``jiffies`` from the machine's simulated clock (HZ 100)."""
    return (INITIAL_JIFFIES + this_machine().clock_ns * HZ // 1000000000) & 0xFFFFFFFF


def time_before(a, b):
    """include/linux/jiffies.h: time_before() — wrap-safe ``a < b``."""
    d = (a - b) & 0xFFFFFFFF
    return d >= 0x80000000


def smp_processor_id():
    """include/linux/smp.h: smp_processor_id() — the model runs on CPU 0."""
    return 0


def num_possible_cpus():
    """include/linux/cpumask.h: the possible CPUs of the model (its cores)."""
    return len(this_machine().hw.cpus)


def for_each_possible_cpu():
    """include/linux/cpumask.h: for_each_possible_cpu()."""
    return range(num_possible_cpus())


def for_each_online_cpu():
    """include/linux/cpumask.h: for_each_online_cpu() — the model has one online CPU."""
    return range(1)


# --- the pcp migratetype cache ------------------------------------------------------------

def get_pcppage_migratetype(page):
    """mm/page_alloc.c: get_pcppage_migratetype() — the type cached in ``page->index``."""
    return _running.get()._statics[struct_page_arrays].index[page]


def set_pcppage_migratetype(page, migratetype):
    """mm/page_alloc.c: set_pcppage_migratetype() — cache the type in ``page->index``.

    A page on a pcp list may belong to a CMA (or HIGHATOMIC) pageblock while sitting on
    the MOVABLE list; the cached type sends it back to the right free list.
    """
    _running.get()._statics[struct_page_arrays].index[page] = migratetype


# --- pageblock flags -----------------------------------------------------------------------

def get_pageblock_bitmap(page, pfn):
    """mm/page_alloc.c: get_pageblock_bitmap() — the zone's usemap (no SPARSEMEM)."""
    return page_zone(page).pageblock_flags


def pfn_to_bitidx(page, pfn):
    """mm/page_alloc.c: pfn_to_bitidx() — the first bit of the pageblock's group in the usemap."""
    s = _running.get()._statics[struct_page_arrays]
    zone = s.node_zones[(s.flags[page] >> s.zones_pgshift) & s.zones_mask]
    pfn = pfn - round_down(zone.zone_start_pfn, 1 << s.pageblock_order)
    return (pfn >> s.pageblock_order) * NR_PAGEBLOCK_BITS


def __get_pfnblock_flags_mask(page, pfn, end_bitidx, mask):
    """mm/page_alloc.c: __get_pfnblock_flags_mask() — read bits of the pageblock holding ``pfn``.

    Model: the usemap has one byte per pageblock (see include/linux/pageblock_flags.py);
    the bit the kernel's ``BITS_PER_LONG - bitidx - 1`` shift selects is
    ``NR_PAGEBLOCK_BITS - 1 - end_bitidx`` inside that byte.
    """
    s = _running.get()._statics[struct_page_arrays]
    zone = s.node_zones[(s.flags[page] >> s.zones_pgshift) & s.zones_mask]
    bitmap = zone.pageblock_flags
    pb_order = s.pageblock_order
    block = (pfn - ((zone.zone_start_pfn >> pb_order) << pb_order)) >> pb_order
    word = bitmap[block]
    return (word >> (NR_PAGEBLOCK_BITS - 1 - end_bitidx)) & mask


def get_pfnblock_flags_mask(page, pfn, end_bitidx, mask):
    """mm/page_alloc.c: get_pfnblock_flags_mask() — the flags of the pageblock holding ``pfn``."""
    return __get_pfnblock_flags_mask(page, pfn, end_bitidx, mask)


def get_pfnblock_migratetype(page, pfn):
    """mm/page_alloc.c: get_pfnblock_migratetype() — the migrate type of ``pfn``'s pageblock.

    (__get_pfnblock_flags_mask(page, pfn, PB_migrate_end, MIGRATETYPE_MASK), inlined as
    the __always_inline of C does.)
    """
    s = _running.get()._statics[struct_page_arrays]
    zone = s.node_zones[(s.flags[page] >> s.zones_pgshift) & s.zones_mask]
    pb_order = s.pageblock_order
    word = zone.pageblock_flags[(pfn - ((zone.zone_start_pfn >> pb_order) << pb_order)) >> pb_order]
    return (word >> _MIGRATETYPE_SHIFT) & MIGRATETYPE_MASK


def get_pageblock_migratetype(page):
    """include/linux/mmzone.h: get_pageblock_migratetype() — of the page's pageblock."""
    return __get_pfnblock_flags_mask(page, page_to_pfn(page), PB_migrate_end, MIGRATETYPE_MASK)


def set_pfnblock_flags_mask(page, flags, pfn, end_bitidx, mask):
    """mm/page_alloc.c: set_pfnblock_flags_mask() — write bits of the pageblock holding ``pfn``.

    Model: a plain read-modify-write (the cmpxchg loop has nothing to race with). The
    ``VM_BUG_ON_PAGE(!zone_spans_pfn())`` check is kept for CONFIG_DEBUG_VM.
    """
    zone = page_zone(page)
    bitmap = zone.pageblock_flags
    bitidx = pfn_to_bitidx(page, pfn)
    VM_BUG_ON_PAGE(not zone_spans_pfn(zone, pfn), page, "!zone_spans_pfn(page_zone(page), pfn)",
                   line=436)
    shift = NR_PAGEBLOCK_BITS - 1 - end_bitidx
    block = bitidx // NR_PAGEBLOCK_BITS
    word = bitmap[block]
    bitmap[block] = (word & ~(mask << shift)) | (flags << shift)


def set_pageblock_flags_group(page, flags, start_bitidx, end_bitidx):
    """include/linux/pageblock-flags.h: set_pageblock_flags_group()."""
    set_pfnblock_flags_mask(page, flags, page_to_pfn(page), end_bitidx,
                            (1 << (end_bitidx - start_bitidx + 1)) - 1)


def set_pageblock_migratetype(page, migratetype):
    """mm/page_alloc.c: set_pageblock_migratetype() — retype the page's pageblock.

    With mobility grouping disabled, the three pcp types all become UNMOVABLE; CMA,
    HIGHATOMIC and ISOLATE are stored as given.
    """
    if _S().page_group_by_mobility_disabled and migratetype < MIGRATE_PCPTYPES:
        migratetype = MIGRATE_UNMOVABLE
    set_pageblock_flags_group(page, migratetype, PB_migrate, PB_migrate_end)


# --- sanity checks ------------------------------------------------------------------------------

def page_outside_zone_boundaries(zone, page):
    """mm/page_alloc.c: page_outside_zone_boundaries() (CONFIG_DEBUG_VM)."""
    pfn = page_to_pfn(page)
    start_pfn = zone.zone_start_pfn
    sp = zone.spanned_pages
    ret = 0 if zone_spans_pfn(zone, pfn) else 1
    if ret:
        _pr.err("page 0x%lx outside node %d zone %s [ 0x%lx - 0x%lx ]\n",
                pfn, 0, zone.name, start_pfn, start_pfn + sp)
    return ret


def page_is_consistent(zone, page):
    """mm/page_alloc.c: page_is_consistent() (CONFIG_DEBUG_VM)."""
    if not pfn_valid_within(page_to_pfn(page)):
        return 0
    if zone is not page_zone(page):
        return 0
    return 1


def bad_range(zone, page):
    """mm/page_alloc.c: bad_range() — only with CONFIG_DEBUG_VM (else 0)."""
    if not _P().debug_vm:
        return 0
    if page_outside_zone_boundaries(zone, page):
        return 1
    if not page_is_consistent(zone, page):
        return 1
    return 0


def print_modules():
    """kernel/module.c: print_modules() — the model loads no modules."""
    printk(KERN_DEFAULT + "Modules linked in:")
    printk(KERN_CONT + "\n")


def bad_page(page, reason, bad_flags):
    """mm/page_alloc.c: bad_page() — report a page in a state it must not be in.

    A burst of 60 reports, then silence until a minute after the first of them (with a
    count of what was suppressed). Afterwards ``_mapcount`` is reset so a stale PageBuddy
    cannot confuse the allocator, and the kernel is tainted ``B``.
    """
    s = _S()
    m = this_machine()
    while True:  # the C "goto out" is the break below
        if s.bad_page_nr_shown == 60:
            if time_before(jiffies(), s.bad_page_resume):
                s.bad_page_nr_unshown += 1
                break
            if s.bad_page_nr_unshown:
                _pr.alert("BUG: Bad page state: %lu messages suppressed\n", s.bad_page_nr_unshown)
                s.bad_page_nr_unshown = 0
            s.bad_page_nr_shown = 0
        shown = s.bad_page_nr_shown
        s.bad_page_nr_shown += 1
        if shown == 0:
            s.bad_page_resume = (jiffies() + 60 * HZ) & 0xFFFFFFFF

        _pr.alert("BUG: Bad page state in process %s  pfn:%05lx\n", m_comm(m), page_to_pfn(page))
        from cmaport.mm.debug import __dump_page

        __dump_page(page, reason)
        bad_flags &= _P().flags[page]
        if bad_flags:
            _pr.alert("bad because of flags: %#lx(%pGp)\n", bad_flags, bad_flags)
        # dump_page_owner(): CONFIG_PAGE_OWNER is off.
        print_modules()
        dump_stack()
        break
    # out: leave the bad fields for debugging, except a PageBuddy mark.
    _P()._mapcount[page] = -1  # page_mapcount_reset()
    if "B" not in getattr(m, "taint", ""):
        m.taint = getattr(m, "taint", "") + "B"  # add_taint(TAINT_BAD_PAGE)


# --- compound pages ---------------------------------------------------------------------------

def free_compound_page(page):
    """mm/page_alloc.c: free_compound_page() — the COMPOUND_PAGE_DTOR destructor."""
    __free_pages_ok(page, compound_order(page))


# compound_page_dtors[] (no HUGETLB_PAGE, no THP).
compound_page_dtors = (None, free_compound_page)


def prep_compound_page(page, order):
    """mm/page_alloc.c: prep_compound_page() — make ``2^order`` pages one compound page."""
    nr_pages = 1 << order
    set_compound_page_dtor(page, COMPOUND_PAGE_DTOR)
    set_compound_order(page, order)
    __SetPageHead(page)
    s = _P()
    for i in range(1, nr_pages):
        p = page + i
        set_page_count(p, 0)
        s.mapping[p] = TAIL_MAPPING
        set_compound_head(p, page)
    # atomic_set(compound_mapcount_ptr(page), -1): page[1].mapping holds the counter.
    s.mapping[page + 1] = -1


# --- buddy bookkeeping ---------------------------------------------------------------------------

# page_is_guard(), set_page_guard(), clear_page_guard(): CONFIG_DEBUG_PAGEALLOC only (off:
# empty inlines); page_is_buddy(), __free_one_page() and expand() say so where C calls them.


def set_page_order(page, order):
    """mm/page_alloc.c: set_page_order() — record the order in ``private``, mark PageBuddy."""
    s = _running.get()._statics[struct_page_arrays]
    s.private[page] = order
    s._mapcount[page] = PAGE_BUDDY_MAPCOUNT_VALUE  # __SetPageBuddy


def rmv_page_order(page):
    """mm/page_alloc.c: rmv_page_order() — clear PageBuddy and ``private``."""
    s = _running.get()._statics[struct_page_arrays]
    s._mapcount[page] = -1  # __ClearPageBuddy
    s.private[page] = 0


def page_is_buddy(page, buddy, order):
    """mm/page_alloc.c: page_is_buddy() — is ``buddy`` a free block of exactly ``order`` in
    the same zone as ``page`` (so the two may merge)?

    (pfn_valid_within() is always true and there are no guard pages on this configuration.)
    """
    s = _running.get()._statics[struct_page_arrays]
    if s._mapcount[buddy] == PAGE_BUDDY_MAPCOUNT_VALUE and s.private[buddy] == order:
        # The zone check comes last: it is the expensive one in C.
        # page_zone_id(page) != page_zone_id(buddy)
        flags = s.flags
        if (flags[page] ^ flags[buddy]) >> s.zones_pgshift & s.zones_mask:
            return 0
        if s.debug_vm:
            VM_BUG_ON_PAGE(s._refcount[buddy] != 0, buddy, "page_count(buddy) != 0", line=753)
        return 1
    return 0


def __free_one_page(page, pfn, zone, order, migratetype):
    """mm/page_alloc.c: __free_one_page() — give a block back, merging it with free buddies.

    Merging stops at ``pageblock_order`` first; above it, when the zone has isolated
    pageblocks, a block never merges with a buddy whose pageblock is isolated while its
    own is not (or the other way round), so isolation and CMA accounting stay right. The
    merged block goes to the head of its free list — or to the tail when it is below
    ``MAX_ORDER - 2`` and the next-higher buddy is free too, so it is likely to merge soon.
    """
    s = _running.get()._statics[struct_page_arrays]
    MAX_ORDER = s.max_order
    max_order = min(MAX_ORDER, s.pageblock_order + 1)
    mapcount = s._mapcount
    private = s.private
    nxt = s.lru_next
    prv = s.lru_prev

    debug_vm = s.debug_vm
    if debug_vm:
        VM_BUG_ON(not zone.initialized, "!zone_is_initialized(zone)", line=798)
        VM_BUG_ON_PAGE(s.flags[page] & PAGE_FLAGS_CHECK_AT_PREP, page,
                       "page->flags & PAGE_FLAGS_CHECK_AT_PREP", line=799)
        VM_BUG_ON(migratetype == -1, "migratetype == -1", line=801)
    if migratetype != MIGRATE_ISOLATE:
        __mod_zone_freepage_state(zone, 1 << order, migratetype)

    page_idx = pfn & ((1 << MAX_ORDER) - 1)

    if debug_vm:
        VM_BUG_ON_PAGE(page_idx & ((1 << order) - 1), page, "page_idx & ((1 << order) - 1)",
                       line=807)
        VM_BUG_ON_PAGE(bad_range(zone, page), page, "bad_range(zone, page)", line=808)

    buddy_idx = 0
    buddy = page
    while True:  # continue_merging:
        while order < max_order - 1:
            buddy_idx = page_idx ^ (1 << order)  # __find_buddy_index()
            buddy = page + (buddy_idx - page_idx)
            if not page_is_buddy(page, buddy, order):
                break  # goto done_merging
            # Our buddy is free (no guard pages here): take it off its list and merge
            # one order up.
            # list_del(&buddy->lru), inlined
            n = nxt[buddy]
            p = prv[buddy]
            prv[n] = p
            nxt[p] = n
            nxt[buddy] = LIST_POISON1
            prv[buddy] = LIST_POISON2
            zone.free_area[order].nr_free -= 1
            mapcount[buddy] = -1  # rmv_page_order(buddy)
            private[buddy] = 0
            combined_idx = buddy_idx & page_idx
            page = page + (combined_idx - page_idx)
            page_idx = combined_idx
            order += 1
        else:
            if max_order < MAX_ORDER:
                # Here order >= pageblock_order: keep an isolated pageblock and a normal
                # one apart.
                if zone.nr_isolate_pageblock:  # has_isolate_pageblock(zone)
                    buddy_idx = __find_buddy_index(page_idx, order)
                    buddy = page + (buddy_idx - page_idx)
                    buddy_mt = get_pageblock_migratetype(buddy)
                    if (migratetype != buddy_mt and
                            (migratetype == MIGRATE_ISOLATE or buddy_mt == MIGRATE_ISOLATE)):
                        break  # goto done_merging
                max_order += 1
                continue  # goto continue_merging
        break

    # done_merging:
    private[page] = order  # set_page_order()
    mapcount[page] = PAGE_BUDDY_MAPCOUNT_VALUE
    area = zone.free_area[order]
    head = area.free_list[migratetype]

    # If the next-higher buddy is free as well, these pages are likely to merge soon:
    # queue the block at the tail so it is not handed out first.
    if order < MAX_ORDER - 2:  # && pfn_valid_within(page_to_pfn(buddy)), always 1 here
        combined_idx = buddy_idx & page_idx
        higher_page = page + (combined_idx - page_idx)
        buddy_idx = combined_idx ^ (1 << (order + 1))  # __find_buddy_index()
        higher_buddy = higher_page + (buddy_idx - combined_idx)
        if page_is_buddy(higher_page, higher_buddy, order + 1):
            # list_add_tail(&page->lru, &zone->free_area[order].free_list[migratetype])
            last = prv[head]
            prv[head] = page
            nxt[page] = head
            prv[page] = last
            nxt[last] = page
            area.nr_free += 1  # out:
            return

    # list_add(&page->lru, &zone->free_area[order].free_list[migratetype])
    first = nxt[head]
    prv[first] = page
    nxt[page] = first
    prv[page] = head
    nxt[head] = page
    area.nr_free += 1  # out:


# --- the free path: checks ---------------------------------------------------------------------

def page_expected_state(page, check_flags):
    """mm/page_alloc.c: page_expected_state() — unmapped, no mapping, count 0, no ``check_flags``."""
    s = _running.get()._statics[struct_page_arrays]
    if s._mapcount[page] != -1:
        return False
    if page in s.mapping or s._refcount[page] or (s.flags[page] & check_flags):
        return False
    return True


def free_pages_check_bad(page):
    """mm/page_alloc.c: free_pages_check_bad() — find what is wrong (the last match wins)."""
    s = _P()
    bad_reason = None
    bad_flags = 0
    if s._mapcount[page] != -1:
        bad_reason = "nonzero mapcount"
    if s.mapping.get(page) is not None:
        bad_reason = "non-NULL mapping"
    if s._refcount[page] != 0:
        bad_reason = "nonzero _refcount"
    if s.flags[page] & PAGE_FLAGS_CHECK_AT_FREE:
        bad_reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set"
        bad_flags = PAGE_FLAGS_CHECK_AT_FREE
    bad_page(page, bad_reason, bad_flags)


def free_pages_check(page):
    """mm/page_alloc.c: free_pages_check() — 0 if the page may be freed, else report it (1)."""
    if page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE):
        return 0
    free_pages_check_bad(page)
    return 1


def free_tail_pages_check(head_page, page):
    """mm/page_alloc.c: free_tail_pages_check() — only checks with CONFIG_DEBUG_VM; always
    clears the tail's ``mapping`` and ``compound_head``."""
    s = _P()
    ret = 1
    while True:  # the C "goto out" is a break
        if not _P().debug_vm:
            ret = 0
            break
        d = page - head_page
        if d == 1:
            # the first tail page: ->mapping is compound_mapcount()
            v = s.mapping.get(page, 0)
            if (v if isinstance(v, int) else 0) + 1:
                bad_page(page, "nonzero compound_mapcount", 0)
                break
        elif d == 2:
            pass  # ->mapping is page_deferred_list().next: ignored
        else:
            if s.mapping.get(page) != TAIL_MAPPING:
                bad_page(page, "corrupted mapping in tail page", 0)
                break
        if not PageTail(page):
            bad_page(page, "PageTail not set", 0)
            break
        if compound_head(page) != head_page:
            bad_page(page, "compound_head not consistent", 0)
            break
        ret = 0
        break
    # out:
    s.mapping.pop(page, None)
    clear_compound_head(page)
    return ret


def _tails_in_expected_state(s, first, n):
    """Model-only: ``page_expected_state(p, PAGE_FLAGS_CHECK_AT_FREE)`` for ``n`` pages at once.

    True only if every page passes; then the caller clears their PAGE_FLAGS_CHECK_AT_PREP
    bits in bulk. On False the caller runs the kernel's per-page loop.
    """
    end = first + n
    if s._mapcount[first:end].count(-1) != n or s._refcount[first:end].count(0) != n:
        return False
    mapping = s.mapping
    if mapping:
        if len(mapping) < n:
            if any(first <= k < end for k in mapping):
                return False
        elif any(p in mapping for p in range(first, end)):
            return False
    for f in set(s.flags[first:end]):
        if f & PAGE_FLAGS_CHECK_AT_FREE:
            return False
    return True


def _clear_flags_bulk(s, first, n, clear):
    """Model-only: ``flags &= ~clear`` for ``n`` pages (slice stores when they share one value)."""
    end = first + n
    flags = s.flags
    values = set(flags[first:end])
    keep = ~clear & 0xFFFFFFFF
    if len(values) == 1:
        (v,) = values
        flags[first:end] = array("I", [v & keep]) * n
    else:
        for p in range(first, end):
            flags[p] &= keep


def free_pages_prepare(page, order, check_free):
    """mm/page_alloc.c: free_pages_prepare() — check the pages and clear their state before a free.

    Tail pages are checked here for order > 0 (compound tails also with
    free_tail_pages_check); the head page only when ``check_free``. Any bad page makes the
    whole free fail (the pages are leaked, as in the kernel).
    """
    s = _running.get()._statics[struct_page_arrays]
    bad = 0
    if s.debug_vm:
        VM_BUG_ON_PAGE(PageTail(page), page, "PageTail(page)", line=998)

    # Tail pages first, before the head's compound information is cleared.
    if order:
        compound = PageCompound(page)
        VM_BUG_ON_PAGE(compound and compound_order(page) != order, page,
                       "compound && compound_order(page) != order", line=1011)
        # ClearPageDoubleMap(): no THP.
        n = (1 << order) - 1
        if not compound and _tails_in_expected_state(s, page + 1, n):
            # Model: the loop below, done with slice operations (all tails are clean).
            _clear_flags_bulk(s, page + 1, n, PAGE_FLAGS_CHECK_AT_PREP)
        else:
            for i in range(1, 1 << order):
                if compound:
                    bad += free_tail_pages_check(page, page + i)
                if free_pages_check(page + i):
                    bad += 1
                    continue
                s.flags[page + i] &= _KEEP_AT_PREP  # ~PAGE_FLAGS_CHECK_AT_PREP
    if s.mapping and page in s.mapping and _mapping_bits(s.mapping[page]) & 0x3:
        del s.mapping[page]  # PageMappingFlags(page): page->mapping = NULL
    # memcg_kmem_uncharge(): no memcg.
    if check_free:
        bad += free_pages_check(page)
    if bad:
        return False

    # page_cpupid_reset_last(): no NUMA balancing.
    s.flags[page] &= _KEEP_AT_PREP  # page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP
    # reset_page_owner(), debug_check_no_locks_freed()/no_obj_freed(), arch_free_page(),
    # kernel_poison_pages(), kernel_map_pages(), kasan_free_pages(): none configured.
    return True


def free_pcp_prepare(page):
    """mm/page_alloc.c: free_pcp_prepare() — the head is checked now only with CONFIG_DEBUG_VM."""
    return free_pages_prepare(page, 0, _P().debug_vm)


def bulkfree_pcp_prepare(page):
    """mm/page_alloc.c: bulkfree_pcp_prepare() — without CONFIG_DEBUG_VM the check happens
    when the page leaves the per-cpu list."""
    if _P().debug_vm:
        return False
    return free_pages_check(page)


# --- the free path: per-cpu lists and the buddy lists ---------------------------------------------

def free_pcppages_bulk(zone, count, pcp):
    """mm/page_alloc.c: free_pcppages_bulk() — give ``count`` pages of a per-cpu cache back.

    The three lists are emptied round-robin from their tails; an empty list makes the
    next one give more (``batch_free``). Each page goes back with its cached migrate type,
    or the pageblock's current one if the zone has isolated pageblocks.

    Model: zone->lock — one CPU, nothing to serialise.
    """
    s = _running.get()._statics[struct_page_arrays]
    nxt = s.lru_next
    prv = s.lru_prev
    pfn_offset = s.pfn_offset
    mapcount = s._mapcount
    refcount = s._refcount
    flags = s.flags
    mapping = s.mapping
    debug_vm = s.debug_vm
    migratetype = 0
    batch_free = 0
    isolated_pageblocks = zone.nr_isolate_pageblock != 0  # has_isolate_pageblock()
    nr_scanned = node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED)
    if nr_scanned:
        __mod_node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED, -nr_scanned)

    lists = pcp.lists
    while count:
        # Round-robin over the lists, counting the empty ones we pass.
        while True:
            batch_free += 1
            migratetype += 1
            if migratetype == MIGRATE_PCPTYPES:
                migratetype = 0
            list_ = lists[migratetype]
            if nxt[list_] != list_:  # !list_empty(list)
                break

        # This is the only non-empty list: free them all.
        if batch_free == MIGRATE_PCPTYPES:
            batch_free = count

        while True:
            page = prv[list_]  # list_last_entry()
            # list_del(&page->lru): __free_one_page changes the lists.
            n = nxt[page]
            p = prv[page]
            prv[n] = p
            nxt[p] = n
            nxt[page] = LIST_POISON1
            prv[page] = LIST_POISON2

            mt = s.index[page]  # get_pcppage_migratetype()
            # MIGRATE_ISOLATE pages never go to the pcp lists.
            if debug_vm:
                VM_BUG_ON_PAGE(mt == MIGRATE_ISOLATE, page, "is_migrate_isolate(mt)", line=1130)
            # The pageblock could have been isolated in the meantime.
            if isolated_pageblocks:
                mt = get_pageblock_migratetype(page)

            # bulkfree_pcp_prepare(): without CONFIG_DEBUG_VM the page is checked now.
            if debug_vm or not (mapcount[page] != -1 or page in mapping or refcount[page]
                                or flags[page] & PAGE_FLAGS_CHECK_AT_FREE) \
                    or not bulkfree_pcp_prepare(page):
                __free_one_page(page, page + pfn_offset, zone, 0, mt)

            count -= 1
            if not count:
                break
            batch_free -= 1
            if not batch_free or nxt[list_] == list_:
                break


def free_one_page(zone, page, pfn, order, migratetype):
    """mm/page_alloc.c: free_one_page() — one block straight to the buddy lists.

    Re-reads the pageblock type when the zone has isolated pageblocks or the caller says
    ISOLATE. Model: zone->lock — one CPU, nothing to serialise.
    """
    nr_scanned = node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED)
    if nr_scanned:
        __mod_node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED, -nr_scanned)
    if zone.nr_isolate_pageblock or migratetype == MIGRATE_ISOLATE:
        migratetype = get_pfnblock_migratetype(page, pfn)
    __free_one_page(page, pfn, zone, order, migratetype)


def __init_single_page(page, pfn, zone, nid):
    """mm/page_alloc.c: __init_single_page() — zone links, count 1, unmapped, empty lru."""
    set_page_links(page, zone, nid, pfn)
    s = _P()
    s._refcount[page] = 1  # init_page_count()
    s._mapcount[page] = -1  # page_mapcount_reset()
    # page_cpupid_reset_last(): no NUMA balancing.
    s.lru_next[page] = page  # INIT_LIST_HEAD(&page->lru)
    s.lru_prev[page] = page
    # WANT_PAGE_VIRTUAL is not defined on ARM.


def __init_single_pfn(pfn, zone, nid):
    """mm/page_alloc.c: __init_single_pfn()."""
    return __init_single_page(pfn_to_page(pfn), pfn, zone, nid)


def init_reserved_page(pfn):
    """mm/page_alloc.c: init_reserved_page() — nothing without DEFERRED_STRUCT_PAGE_INIT."""


def reserve_bootmem_region(start, end):
    """mm/page_alloc.c: reserve_bootmem_region() — mark the valid pages of a range PG_reserved.

    Model: the per-pfn loop is done run by run over the memory regions ``pfn_valid``
    accepts (memory that is not NOMAP), with slice stores: each valid page gets an empty
    ``lru`` and PG_reserved, exactly as the loop does.
    """
    from cmaport.include.linux.memblock import for_each_memblock, memblock_is_nomap
    from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP

    start_pfn = PFN_DOWN(start)
    end_pfn = PFN_UP(end)
    s = _P()
    for reg in for_each_memblock("memory"):
        if memblock_is_nomap(reg):
            continue
        # pfn_valid(pfn) is memblock_is_map_memory(pfn << PAGE_SHIFT): the pfn's first byte.
        lo = max(start_pfn, (reg.base + PAGE_SIZE - 1) >> PAGE_SHIFT)
        hi = min(end_pfn, (reg.base + reg.size + PAGE_SIZE - 1) >> PAGE_SHIFT)
        if lo >= hi:
            continue
        first = pfn_to_page(lo)
        last = pfn_to_page(hi)
        # init_reserved_page(): nothing; INIT_LIST_HEAD(&page->lru); SetPageReserved(page)
        s.lru_next[first:last] = array("i", range(first, last))
        s.lru_prev[first:last] = array("i", range(first, last))
        flags = s.flags
        values = set(flags[first:last])
        if len(values) == 1:
            (v,) = values
            flags[first:last] = array("I", [v | (1 << PG_reserved)]) * (last - first)
        else:
            for p in range(first, last):
                flags[p] |= 1 << PG_reserved


def __free_pages_ok(page, order):
    """mm/page_alloc.c: __free_pages_ok() — free a block of order > 0 straight to the buddy lists."""
    pfn = page_to_pfn(page)
    if not free_pages_prepare(page, order, True):
        return
    migratetype = get_pfnblock_migratetype(page, pfn)
    # Model: local_irq_save — no interrupts.
    __count_vm_events(PGFREE, 1 << order)
    free_one_page(page_zone(page), page, pfn, order, migratetype)


def __free_pages_boot_core(page, order):
    """mm/page_alloc.c: __free_pages_boot_core() — hand a boot-time block to the allocator.

    Every page loses PG_reserved and gets count 0; the zone manages the pages from now on;
    the head is given a reference and freed with ``__free_pages`` (so order 0 goes through
    the per-cpu list, as in v4.9).

    Model: the per-page loop is done with slice stores.
    """
    s = _P()
    nr_pages = 1 << order
    _clear_flags_bulk(s, page, nr_pages, 1 << PG_reserved)  # __ClearPageReserved(p)
    s._refcount[page:page + nr_pages] = array("i", bytes(4 * nr_pages))  # set_page_count(p, 0)
    page_zone(page).managed_pages += nr_pages
    set_page_refcounted(page)
    __free_pages(page, order)


def early_page_uninitialised(pfn):
    """mm/page_alloc.c: early_page_uninitialised() — false without DEFERRED_STRUCT_PAGE_INIT."""
    return False


def __free_pages_bootmem(page, pfn, order):
    """mm/page_alloc.c: __free_pages_bootmem() — free boot memory (nobootmem's free_all_bootmem)."""
    if early_page_uninitialised(pfn):
        return
    return __free_pages_boot_core(page, order)


def __pageblock_pfn_to_page(start_pfn, end_pfn, zone):
    """mm/page_alloc.c: __pageblock_pfn_to_page() — the first page if [start, end) is valid and
    in ``zone`` (only the first and last pages are checked), else ``None``."""
    from cmaport.arch.arm.mm.init import pfn_valid

    end_pfn -= 1  # end_pfn is one past the range
    if not pfn_valid(start_pfn) or not pfn_valid(end_pfn):
        return None
    start_page = pfn_to_page(start_pfn)
    if page_zone(start_page) is not zone:
        return None
    end_page = pfn_to_page(end_pfn)
    # A shorter check than page_zone(end_page).
    if page_zone_id(start_page) != page_zone_id(end_page):
        return None
    return start_page


def set_zone_contiguous(zone):
    """mm/page_alloc.c: set_zone_contiguous() — no holes in any pageblock of the zone."""
    pageblock_nr_pages = 1 << _P().pageblock_order
    block_start_pfn = zone.zone_start_pfn
    block_end_pfn = ALIGN(block_start_pfn + 1, pageblock_nr_pages)
    while block_start_pfn < zone_end_pfn(zone):
        block_end_pfn = min(block_end_pfn, zone_end_pfn(zone))
        if __pageblock_pfn_to_page(block_start_pfn, block_end_pfn, zone) is None:
            return
        block_start_pfn = block_end_pfn
        block_end_pfn += pageblock_nr_pages
    # No hole found.
    zone.contiguous = True


def clear_zone_contiguous(zone):
    """mm/page_alloc.c: clear_zone_contiguous()."""
    zone.contiguous = False


def page_alloc_init_late():
    """mm/page_alloc.c: page_alloc_init_late() — decide which zones are contiguous."""
    for zone in for_each_populated_zone():
        set_zone_contiguous(zone)


def init_cma_reserved_pageblock(page):
    """mm/page_alloc.c: init_cma_reserved_pageblock() — give a reserved pageblock to the buddy
    allocator as MIGRATE_CMA (CONFIG_CMA; called by cma_activate_area).

    Every page loses PG_reserved and gets count 0, the pageblock becomes MIGRATE_CMA, and it
    is freed as one block of ``pageblock_order`` (or MAX_ORDER-1 blocks if pageblocks were
    larger); the zone manages the pages from now on.
    """
    s = _P()
    nr = 1 << s.pageblock_order
    # Model: the do/while over the pageblock's pages, as slice stores.
    _clear_flags_bulk(s, page, nr, 1 << PG_reserved)
    s._refcount[page:page + nr] = array("i", bytes(4 * nr))

    set_pageblock_migratetype(page, MIGRATE_CMA)

    if s.pageblock_order >= s.max_order:
        i = nr
        p = page
        max_order_nr_pages = 1 << (s.max_order - 1)
        while True:
            set_page_refcounted(p)
            __free_pages(p, s.max_order - 1)
            p += max_order_nr_pages
            i -= max_order_nr_pages
            if not i:
                break
    else:
        set_page_refcounted(page)
        __free_pages(page, s.pageblock_order)

    adjust_managed_page_count(page, nr)


# --- the allocation path ----------------------------------------------------------------------

def expand(zone, page, low, high, area, migratetype):
    """mm/page_alloc.c: expand() — split a block of order ``high`` down to ``low``.

    At each step the upper half goes on the free list one order lower (at its head); the
    caller keeps the lowest part. ``area`` is the order-``high`` free area (the C pointer;
    here its order is ``high`` and ``zone.free_area[high - 1]`` is ``area - 1``).
    """
    s = _running.get()._statics[struct_page_arrays]
    nxt = s.lru_next
    prv = s.lru_prev
    free_areas = zone.free_area
    debug_vm = s.debug_vm
    size = 1 << high
    while high > low:
        high -= 1  # area--, high--
        area = free_areas[high]
        size >>= 1
        buddy = page + size
        # VM_BUG_ON_PAGE(bad_range(zone, &page[size])): CONFIG_DEBUG_VM only.
        if debug_vm:
            VM_BUG_ON_PAGE(bad_range(zone, buddy), buddy, "bad_range(zone, &page[size])",
                           line=1639)
        # set_page_guard(): no guard pages.
        # list_add(&page[size].lru, &area->free_list[migratetype])
        head = area.free_list[migratetype]
        first = nxt[head]
        prv[first] = buddy
        nxt[buddy] = first
        prv[buddy] = head
        nxt[head] = buddy
        area.nr_free += 1
        s.private[buddy] = high  # set_page_order(&page[size], high)
        s._mapcount[buddy] = PAGE_BUDDY_MAPCOUNT_VALUE


def check_new_page_bad(page):
    """mm/page_alloc.c: check_new_page_bad() — report why a page about to be handed out is bad."""
    s = _P()
    bad_reason = None
    bad_flags = 0
    if s._mapcount[page] != -1:
        bad_reason = "nonzero mapcount"
    if s.mapping.get(page) is not None:
        bad_reason = "non-NULL mapping"
    if s._refcount[page] != 0:
        bad_reason = "nonzero _count"
    # __PG_HWPOISON is 0 here: the hwpoison branch cannot trigger.
    if s.flags[page] & PAGE_FLAGS_CHECK_AT_PREP:
        bad_reason = "PAGE_FLAGS_CHECK_AT_PREP flag set"
        bad_flags = PAGE_FLAGS_CHECK_AT_PREP
    bad_page(page, bad_reason, bad_flags)


def check_new_page(page):
    """mm/page_alloc.c: check_new_page() — 0 if the page is fit to hand out, else report it (1)."""
    if page_expected_state(page, PAGE_FLAGS_CHECK_AT_PREP):
        return 0
    check_new_page_bad(page)
    return 1


def check_pcp_refill(page):
    """mm/page_alloc.c: check_pcp_refill() — without CONFIG_DEBUG_VM pages are checked when they
    move from the buddy lists to a per-cpu list."""
    if _P().debug_vm:
        return False
    return check_new_page(page)


def check_new_pcp(page):
    """mm/page_alloc.c: check_new_pcp() — with CONFIG_DEBUG_VM, when they leave the per-cpu list."""
    if _P().debug_vm:
        return check_new_page(page)
    return False


def check_new_pages(page, order):
    """mm/page_alloc.c: check_new_pages() — every page of a block of order > 0.

    Model: a bulk test first; the per-page loop runs when some page is not clean.
    """
    s = _P()
    n = 1 << order
    if order and _tails_in_expected_state(s, page, n):
        if not any(f & PAGE_FLAGS_CHECK_AT_PREP for f in set(s.flags[page:page + n])):
            return False
    for i in range(n):
        if check_new_page(page + i):
            return True
    return False


def free_pages_prezeroed(poisoned):
    """mm/page_alloc.c: free_pages_prezeroed() — no PAGE_POISONING_ZERO."""
    return False


def post_alloc_hook(page, order, gfp_flags):
    """mm/page_alloc.c: post_alloc_hook() — clear ``private``, count 1 (and the debug hooks, none here)."""
    s = _running.get()._statics[struct_page_arrays]
    s.private[page] = 0  # set_page_private(page, 0)
    # set_page_refcounted(page): VM_BUG_ONs only with CONFIG_DEBUG_VM.
    if s.debug_vm:
        set_page_refcounted(page)
    else:
        s._refcount[page] = 1
    # arch_alloc_page, kernel_map_pages, kernel_poison_pages, kasan_alloc_pages,
    # set_page_owner: none configured.


def prep_new_page(page, order, gfp_flags, alloc_flags):
    """mm/page_alloc.c: prep_new_page() — ready a block for the caller (zeroing, compound, pfmemalloc)."""
    s = _running.get()._statics[struct_page_arrays]
    # page_is_poisoned() is false without CONFIG_PAGE_POISONING.
    if s.debug_vm:
        post_alloc_hook(page, order, gfp_flags)
    else:
        # post_alloc_hook() inlined (an inline function in C): without CONFIG_DEBUG_VM
        # and the debug hooks it clears private and sets the count to 1.
        s.private[page] = 0
        s._refcount[page] = 1
    if (gfp_flags & __GFP_ZERO) and not free_pages_prezeroed(False):
        from cmaport.include.linux.highmem import clear_highpage

        for i in range(1 << order):
            clear_highpage(page + i)
    if order and (gfp_flags & __GFP_COMP):
        prep_compound_page(page, order)
    # Pages handed out with ALLOC_NO_WATERMARKS are marked pfmemalloc (page->index = -1UL).
    if alloc_flags & ALLOC_NO_WATERMARKS:
        s.index[page] = ULONG_MAX  # set_page_pfmemalloc()
    else:
        s.index[page] = 0  # clear_page_pfmemalloc()


def __rmqueue_smallest(zone, order, migratetype):
    """mm/page_alloc.c: __rmqueue_smallest() — the first free block of ``migratetype`` at the
    smallest order that fits; split it down to ``order``."""
    s = _running.get()._statics[struct_page_arrays]
    nxt = s.lru_next
    prv = s.lru_prev
    free_areas = zone.free_area
    for current_order in range(order, s.max_order):
        area = free_areas[current_order]
        head = area.free_list[migratetype]
        page = nxt[head]  # list_first_entry_or_null()
        if page == head:
            continue
        # list_del(&page->lru)
        n = nxt[page]
        p = prv[page]
        prv[n] = p
        nxt[p] = n
        nxt[page] = LIST_POISON1
        prv[page] = LIST_POISON2
        s._mapcount[page] = -1  # rmv_page_order(page)
        s.private[page] = 0
        area.nr_free -= 1
        expand(zone, page, order, current_order, area, migratetype)
        s.index[page] = migratetype  # set_pcppage_migratetype()
        return page
    return None


# The order of fallbacks when a type's own lists are empty; each row ends at
# MIGRATE_TYPES. CMA and ISOLATE are never used as fallbacks (nor fall back).
fallbacks = {
    MIGRATE_UNMOVABLE: (MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES),
    MIGRATE_RECLAIMABLE: (MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES),
    MIGRATE_MOVABLE: (MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES),
    # C has no initialiser for this row, so it is zero-filled: four MIGRATE_UNMOVABLE (0),
    # reached only by a gfp with both mobility bits (gfpflags_to_migratetype() gives 3).
    # Model: a fifth read (fallbacks[3][4], out of bounds) is the next row's first
    # element in memory, MIGRATE_TYPES, which ends find_suitable_fallback()'s loop.
    MIGRATE_HIGHATOMIC: (MIGRATE_UNMOVABLE,) * 4 + (MIGRATE_TYPES,),
    MIGRATE_CMA: (MIGRATE_TYPES,),  # never used
    MIGRATE_ISOLATE: (MIGRATE_TYPES,),  # never used
}


def __rmqueue_cma_fallback(zone, order):
    """mm/page_alloc.c: __rmqueue_cma_fallback() — a MIGRATE_CMA block (NULL without CONFIG_CMA)."""
    if not _S().config_cma:
        return None
    return __rmqueue_smallest(zone, order, MIGRATE_CMA)


def move_freepages(zone, start_page, end_page, migratetype):
    """mm/page_alloc.c: move_freepages() — move the free blocks in [start_page, end_page]
    to the lists of ``migratetype``; returns the pages moved. Counters are not touched."""
    s = _P()
    pages_moved = 0
    VM_BUG_ON(page_zone(start_page) is not page_zone(end_page),
              "page_zone(start_page) != page_zone(end_page)", line=1863)
    page = start_page
    while page <= end_page:
        if not pfn_valid_within(page_to_pfn(page)):
            page += 1
            continue
        if s._mapcount[page] != PAGE_BUDDY_MAPCOUNT_VALUE:  # !PageBuddy(page)
            page += 1
            continue
        order = s.private[page]  # page_order(page)
        list_move(page, zone.free_area[order].free_list[migratetype])
        page += 1 << order
        pages_moved += 1 << order
    return pages_moved


def move_freepages_block(zone, page, migratetype):
    """mm/page_alloc.c: move_freepages_block() — move_freepages over the page's pageblock,
    cut to the zone: a block starting before the zone starts at ``page``, one ending after
    it moves nothing."""
    pageblock_nr_pages = 1 << _P().pageblock_order
    start_pfn = page_to_pfn(page)
    start_pfn = start_pfn & ~(pageblock_nr_pages - 1)
    start_page = pfn_to_page(start_pfn)
    end_page = start_page + pageblock_nr_pages - 1
    end_pfn = start_pfn + pageblock_nr_pages - 1

    # Do not cross zone boundaries.
    if not zone_spans_pfn(zone, start_pfn):
        start_page = page
    if not zone_spans_pfn(zone, end_pfn):
        return 0
    return move_freepages(zone, start_page, end_page, migratetype)


def change_pageblock_range(pageblock_page, start_order, migratetype):
    """mm/page_alloc.c: change_pageblock_range() — retype the 2^(order - pageblock_order) blocks."""
    pb_order = _P().pageblock_order
    nr_pageblocks = 1 << (start_order - pb_order)
    while nr_pageblocks:
        nr_pageblocks -= 1
        set_pageblock_migratetype(pageblock_page, migratetype)
        pageblock_page += 1 << pb_order


def can_steal_fallback(order, start_mt):
    """mm/page_alloc.c: can_steal_fallback() — may the requester claim the rest of the donor's
    pageblock? Yes for big blocks (at least half a pageblock's order), for unmovable and
    reclaimable requests, and when mobility grouping is off."""
    pb_order = _P().pageblock_order
    # This first test is kept apart on purpose in v4.9: such a block is a whole pageblock.
    if order >= pb_order:
        return True
    if (order >= pb_order // 2 or start_mt == MIGRATE_RECLAIMABLE
            or start_mt == MIGRATE_UNMOVABLE or _S().page_group_by_mobility_disabled):
        return True
    return False


def steal_suitable_fallback(zone, page, start_type):
    """mm/page_alloc.c: steal_suitable_fallback() — claim the donor block's pageblock(s) for
    ``start_type``: whole pageblocks outright; otherwise move its free pages over and retype
    the pageblock if at least half of it was free (or grouping is off)."""
    pb_order = _P().pageblock_order
    current_order = page_order(page)

    # Whole pageblocks: take them.
    if current_order >= pb_order:
        change_pageblock_range(page, current_order, start_type)
        return

    pages = move_freepages_block(zone, page, start_type)

    # Claim the pageblock if over half of it is free.
    if pages >= (1 << (pb_order - 1)) or _S().page_group_by_mobility_disabled:
        set_pageblock_migratetype(page, start_type)


def find_suitable_fallback(area, order, migratetype, only_stealable):
    """mm/page_alloc.c: find_suitable_fallback() — the first fallback type with a free block
    of this order; with ``only_stealable`` the first one whose pageblock may be claimed.

    C returns the type and sets ``*can_steal``; the port returns ``(type, can_steal)``
    (type -1 when none).
    """
    if area.nr_free == 0:
        return -1, False

    can_steal = False
    i = 0
    while True:
        fallback_mt = fallbacks[migratetype][i]
        i += 1
        if fallback_mt == MIGRATE_TYPES:
            break
        if list_empty(area.free_list[fallback_mt]):
            continue
        if can_steal_fallback(order, migratetype):
            can_steal = True
        if not only_stealable:
            return fallback_mt, can_steal
        if can_steal:
            return fallback_mt, can_steal
    return -1, can_steal


def reserve_highatomic_pageblock(page, zone, alloc_order):
    """mm/page_alloc.c: reserve_highatomic_pageblock() — set aside the pageblock of a high-order
    atomic allocation (at most 1% of the zone plus one pageblock; never CMA or ISOLATE).

    Model: zone->lock — one CPU, nothing to serialise.
    """
    pageblock_nr_pages = 1 << _P().pageblock_order
    # About 1% of the zone, plus one pageblock.
    max_managed = (zone.managed_pages // 100) + pageblock_nr_pages
    if zone.nr_reserved_highatomic >= max_managed:
        return
    # (The limit is checked again under the lock in C.)
    if zone.nr_reserved_highatomic >= max_managed:
        return
    mt = get_pageblock_migratetype(page)
    if mt != MIGRATE_HIGHATOMIC and mt != MIGRATE_ISOLATE and not is_migrate_cma(mt):
        zone.nr_reserved_highatomic += pageblock_nr_pages
        set_pageblock_migratetype(page, MIGRATE_HIGHATOMIC)
        move_freepages_block(zone, page, MIGRATE_HIGHATOMIC)


def unreserve_highatomic_pageblock(ac):
    """mm/page_alloc.c: unreserve_highatomic_pageblock() — give one HIGHATOMIC pageblock per zone
    back to the requester's type, keeping at least one pageblock reserved."""
    pageblock_nr_pages = 1 << _P().pageblock_order
    max_order = _P().max_order
    for zone, _z in _zonelist_zones(ac.zonelist, ac.high_zoneidx):
        # Preserve at least one pageblock.
        if zone.nr_reserved_highatomic <= pageblock_nr_pages:
            continue
        for order in range(max_order):
            area = zone.free_area[order]
            page = list_first_entry_or_null(area.free_list[MIGRATE_HIGHATOMIC])
            if page is None:
                continue
            # Guard against underflow (should not happen).
            zone.nr_reserved_highatomic -= min(pageblock_nr_pages, zone.nr_reserved_highatomic)
            # Give the pageblock to the requester's type, bypassing the stealing heuristics.
            set_pageblock_migratetype(page, ac.migratetype)
            move_freepages_block(zone, page, ac.migratetype)
            return


def __rmqueue_fallback(zone, order, start_migratetype):
    """mm/page_alloc.c: __rmqueue_fallback() — take the largest block of a fallback type.

    Searches from MAX_ORDER-1 down to ``order`` (stealing big blocks fragments less); takes
    the first block of the first suitable fallback list, claims its pageblock when
    ``can_steal``, then splits it onto the *requester's* lists. The cached pcp type is the
    requester's; CMA pageblocks are never reached here.
    """
    s = _P()
    current_order = s.max_order - 1
    while current_order >= order and current_order <= s.max_order - 1:
        area = zone.free_area[current_order]
        fallback_mt, can_steal = find_suitable_fallback(area, current_order, start_migratetype, False)
        if fallback_mt == -1:
            current_order -= 1
            continue

        page = s.lru_next[area.free_list[fallback_mt]]  # list_first_entry()
        if can_steal:
            steal_suitable_fallback(zone, page, start_migratetype)

        # Take the block off the free lists.
        area.nr_free -= 1
        list_del(page)
        rmv_page_order(page)

        expand(zone, page, order, current_order, area, start_migratetype)
        # The cached type may differ from the pageblock's; never for CMA pageblocks,
        # which are only reached through __rmqueue_cma_fallback().
        set_pcppage_migratetype(page, start_migratetype)
        return page
    return None


def __rmqueue(zone, order, migratetype):
    """mm/page_alloc.c: __rmqueue() — a block from the buddy lists: own type first; for MOVABLE
    requests then the CMA lists; then the fallback types (stealing)."""
    page = __rmqueue_smallest(zone, order, migratetype)
    if page is None:
        if migratetype == MIGRATE_MOVABLE:
            page = __rmqueue_cma_fallback(zone, order)
        if page is None:
            page = __rmqueue_fallback(zone, order, migratetype)
    return page


def rmqueue_bulk(zone, order, count, list_, migratetype, cold):
    """mm/page_alloc.c: rmqueue_bulk() — move ``count`` blocks to a per-cpu list; returns how many.

    Each page goes after the previous one, so the list is in physical order (cold: at the
    tail). A page that fails its check is left out (and leaked), but still counted in
    NR_FREE_PAGES — exactly as v4.9 does. Model: zone->lock — one CPU.
    """
    s = _running.get()._statics[struct_page_arrays]
    index = s.index
    mapcount = s._mapcount
    refcount = s._refcount
    flags = s.flags
    mapping = s.mapping
    debug_vm = s.debug_vm
    i = 0
    while i < count:
        page = __rmqueue(zone, order, migratetype)
        if page is None:
            break
        # check_pcp_refill(page); a clean page (the usual case) needs no call.
        if not debug_vm and (mapcount[page] != -1 or page in mapping or refcount[page]
                             or flags[page] & PAGE_FLAGS_CHECK_AT_PREP) \
                and check_pcp_refill(page):
            i += 1
            continue
        # Split pages arrive in physical order; linking each after the previous keeps
        # the caller's list in that order.
        if not cold:
            list_add(page, list_)
        else:
            list_add_tail(page, list_)
        list_ = page
        if index[page] == MIGRATE_CMA:  # is_migrate_cma(get_pcppage_migratetype(page))
            __mod_zone_page_state(zone, NR_FREE_CMA_PAGES, -(1 << order))
        i += 1
    __mod_zone_page_state(zone, NR_FREE_PAGES, -(i << order))
    return i


def drain_pages_zone(cpu, zone):
    """mm/page_alloc.c: drain_pages_zone() — empty one CPU's per-cpu list of ``zone``."""
    pcp = zone.pageset[cpu].pcp
    if pcp.count:
        free_pcppages_bulk(zone, pcp.count, pcp)
        pcp.count = 0


def drain_pages(cpu):
    """mm/page_alloc.c: drain_pages() — every populated zone of one CPU."""
    for zone in for_each_populated_zone():
        drain_pages_zone(cpu, zone)


def drain_local_pages(zone):
    """mm/page_alloc.c: drain_local_pages() — this CPU; one zone or all."""
    cpu = smp_processor_id()
    if zone is not None:
        drain_pages_zone(cpu, zone)
    else:
        drain_pages(cpu)


def drain_all_pages(zone):
    """mm/page_alloc.c: drain_all_pages() — the per-cpu pages of every CPU back to the buddy
    lists (one zone, or all with ``None``).

    Model: the IPI to the CPUs with pages (on_each_cpu_mask) is a direct call; the model
    has one online CPU.
    """
    cpus_with_pcps = []
    for cpu in for_each_online_cpu():
        has_pcps = False
        if zone is not None:
            if zone.pageset[cpu].pcp.count:
                has_pcps = True
        else:
            for z in for_each_populated_zone():
                if z.pageset[cpu].pcp.count:
                    has_pcps = True
                    break
        if has_pcps:
            cpus_with_pcps.append(cpu)
    for cpu in cpus_with_pcps:
        # Model: drain_local_pages() run "on" that CPU.
        if zone is not None:
            drain_pages_zone(cpu, zone)
        else:
            drain_pages(cpu)


def free_hot_cold_page(page, cold):
    """mm/page_alloc.c: free_hot_cold_page() — free an order-0 page to this CPU's list.

    The pageblock type is cached in ``page->index``. ISOLATE pages go straight back to the
    buddy lists; CMA and HIGHATOMIC pages go on the MOVABLE list (their cached type takes
    them back to the right free list). A full list (count >= high) gives ``batch`` back.
    Model: local_irq_save — no interrupts.
    """
    st = _running.get()._statics
    s = st[struct_page_arrays]
    zone = s.node_zones[(s.flags[page] >> s.zones_pgshift) & s.zones_mask]  # page_zone()
    pfn = page + s.pfn_offset  # page_to_pfn()

    if s.debug_vm or page in s.mapping:
        if not free_pcp_prepare(page):
            return
    else:
        # free_pcp_prepare() inlined (a static inline in C): at order 0 without
        # CONFIG_DEBUG_VM, for a page with no mapping at all (the test above: any mapping,
        # flagged or not, takes the full function), it only clears the prep flags.
        s.flags[page] &= _KEEP_AT_PREP

    # get_pfnblock_migratetype(page, pfn), __always_inline in C:
    pb_order = s.pageblock_order
    migratetype = (zone.pageblock_flags[(pfn - ((zone.zone_start_pfn >> pb_order) << pb_order))
                                        >> pb_order] >> _MIGRATETYPE_SHIFT) & MIGRATETYPE_MASK
    s.index[page] = migratetype  # set_pcppage_migratetype()
    st[_vmstat_c].vm_event_states[PGFREE] += 1  # __count_vm_event(PGFREE)

    # Only UNMOVABLE, MOVABLE and RECLAIMABLE have pcp lists.
    if migratetype >= MIGRATE_PCPTYPES:
        if migratetype == MIGRATE_ISOLATE:
            free_one_page(zone, page, pfn, 0, migratetype)
            return
        migratetype = MIGRATE_MOVABLE

    pcp = zone.pageset[0].pcp  # this_cpu_ptr(zone->pageset)->pcp
    head = pcp.lists[migratetype]
    nxt = s.lru_next
    prv = s.lru_prev
    if not cold:
        # list_add(&page->lru, &pcp->lists[migratetype])
        first = nxt[head]
        prv[first] = page
        nxt[page] = first
        prv[page] = head
        nxt[head] = page
    else:
        list_add_tail(page, head)
    pcp.count += 1
    if pcp.count >= pcp.high:
        batch = pcp.batch
        free_pcppages_bulk(zone, batch, pcp)
        pcp.count -= batch


def free_hot_cold_page_list(list_, cold):
    """mm/page_alloc.c: free_hot_cold_page_list() — free each page of a list."""
    from cmaport.include.linux.list import list_for_each_entry_safe

    for page in list_for_each_entry_safe(list_):
        free_hot_cold_page(page, cold)


def split_page(page, order):
    """mm/page_alloc.c: split_page() — make the pages of a non-compound block separately
    freeable (each gets a reference)."""
    VM_BUG_ON_PAGE(PageCompound(page), page, "PageCompound(page)", line=2481)
    VM_BUG_ON_PAGE(not page_ref_count(page), page, "!page_count(page)", line=2482)
    # CONFIG_KMEMCHECK is off.
    for i in range(1, 1 << order):
        set_page_refcounted(page + i)
    # split_page_owner(): no page owner.


def __isolate_free_page(page, order):
    """mm/page_alloc.c: __isolate_free_page() — take a free block off the buddy lists for the
    caller (compaction, CMA); returns the pages taken, 0 if the watermark forbids it.

    Outside isolated pageblocks the zone must still meet min watermark + 2^order (with
    ALLOC_CMA) and the free counters go down. A block of at least half a pageblock turns its
    pageblocks MOVABLE, unless they are ISOLATE or CMA.
    """
    BUG_ON(not PageBuddy(page), line=2505)
    zone = page_zone(page)
    mt = get_pageblock_migratetype(page)

    if mt != MIGRATE_ISOLATE:
        # Obey the watermark as an allocation would; a raised order-0 mark stands in for
        # the high-order check, since the block is known to exist.
        watermark = min_wmark_pages(zone) + (1 << order)
        if not zone_watermark_ok(zone, 0, watermark, 0, ALLOC_CMA):
            return 0
        __mod_zone_freepage_state(zone, -(1 << order), mt)

    # Off the free list.
    list_del(page)
    zone.free_area[order].nr_free -= 1
    rmv_page_order(page)

    # Half a pageblock or more: set the pageblock(s) MOVABLE.
    pb_order = _P().pageblock_order
    if order >= pb_order - 1:
        endpage = page + (1 << order) - 1
        while page < endpage:
            mt = get_pageblock_migratetype(page)
            if mt != MIGRATE_ISOLATE and not is_migrate_cma(mt):
                set_pageblock_migratetype(page, MIGRATE_MOVABLE)
            page += 1 << pb_order

    return 1 << order


def buffered_rmqueue(preferred_zone, zone, order, gfp_flags, alloc_flags, migratetype):
    """mm/page_alloc.c: buffered_rmqueue() — take a block from ``zone``.

    Order 0 comes from this CPU's list of ``migratetype`` (refilled with ``batch`` pages
    when empty; the first page when hot, the last when cold). Larger orders come from
    the buddy lists, trying the HIGHATOMIC reserve first for ALLOC_HARDER.
    Model: local_irq_save / zone->lock — one CPU, no interrupts.
    """
    cold = (gfp_flags & __GFP_COLD) != 0

    st = _running.get()._statics
    debug_vm = st[struct_page_arrays].debug_vm
    if order == 0:
        s = st[struct_page_arrays]
        nxt = s.lru_next
        prv = s.lru_prev
        while True:
            pcp = zone.pageset[0].pcp  # this_cpu_ptr(zone->pageset)->pcp
            try:
                list_ = pcp.lists[migratetype]
            except IndexError:
                _pcp_list_out_of_bounds(zone, migratetype, gfp_flags)
            if nxt[list_] == list_:  # list_empty(list)
                pcp.count += rmqueue_bulk(zone, 0, pcp.batch, list_, migratetype, cold)
                if nxt[list_] == list_:
                    return None  # goto failed
            if cold:
                page = prv[list_]  # list_last_entry()
            else:
                page = nxt[list_]  # list_first_entry()
            # list_del(&page->lru)
            n = nxt[page]
            p = prv[page]
            prv[n] = p
            nxt[p] = n
            nxt[page] = LIST_POISON1
            prv[page] = LIST_POISON2
            pcp.count -= 1
            # check_new_pcp(): only with CONFIG_DEBUG_VM.
            if not debug_vm or not check_new_pcp(page):
                break
    else:
        # No __GFP_NOFAIL above order 1.
        WARN_ON_ONCE((gfp_flags & __GFP_NOFAIL) and order > 1, line=2621)
        while True:
            page = None
            if alloc_flags & ALLOC_HARDER:
                page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC)
            if page is None:
                page = __rmqueue(zone, order, migratetype)
            if not (page is not None and check_new_pages(page, order)):
                break
        if page is None:
            return None  # goto failed
        __mod_zone_freepage_state(zone, -(1 << order), get_pcppage_migratetype(page))

    # __count_zid_vm_events(PGALLOC, page_zonenum(page), 1 << order)
    vs = st[_vmstat_c]
    s = st[struct_page_arrays]
    zid = (s.flags[page] >> s.zones_pgshift) & s.zones_mask
    vs.vm_event_states[vs.zone_event_names[PGALLOC][zid]] += 1 << order
    # zone_statistics(): an empty inline without CONFIG_NUMA.
    # VM_BUG_ON_PAGE(bad_range(zone, page)): CONFIG_DEBUG_VM only.
    if debug_vm:
        VM_BUG_ON_PAGE(bad_range(zone, page), page, "bad_range(zone, page)", line=2645)
    return page


def _pcp_list_out_of_bounds(zone, migratetype, gfp_flags):
    """Model-only: an order-0 request of migrate type MIGRATE_HIGHATOMIC (a gfp with both
    __GFP_MOVABLE and __GFP_RECLAIMABLE) reaches ``pcp->lists[3]``.

    Model: there are MIGRATE_PCPTYPES (3) lists; v4.9 reads the fourth past the array, over
    the pageset's stat_threshold and vm_stat_diff bytes, takes that garbage for a list
    pointer and unlinks a "page" there: it oopses or corrupts memory. The model stops with
    a diagnostic and KernelBug (no kernel log line: v4.9 prints none of its own).
    """
    this_machine().diagnose(
        "buffered_rmqueue",
        "gfp %#x has both __GFP_MOVABLE and __GFP_RECLAIMABLE: an order-0 request of "
        "migratetype %d indexes pcp->lists[%d] past its %d lists; v4.9 takes the bytes "
        "after the array for a list head and crashes or corrupts memory"
        % (gfp_flags, migratetype, migratetype, MIGRATE_PCPTYPES))
    raise KernelBug("buffered_rmqueue", "pcp->lists[%d] is past the end of the per-cpu lists "
                    "in zone %s" % (migratetype, zone.name))


# --- watermarks ---------------------------------------------------------------------------------

def __zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags, free_pages):
    """mm/page_alloc.c: __zone_watermark_ok() — would ``order`` pages leave the zone above ``mark``?

    The block itself is taken off (2^order - 1 pages); ALLOC_HIGH halves the mark;
    ALLOC_HARDER lowers it by a quarter, others do not count the high-atomic reserve;
    without ALLOC_CMA the free CMA pages do not count. Order 0 then passes if enough is
    free; higher orders also need a free block of at least that order on a list the
    request may use (any list for ALLOC_HARDER; the pcp types, and CMA with ALLOC_CMA).
    """
    min_ = mark
    alloc_harder = alloc_flags & ALLOC_HARDER

    # free_pages may go negative.
    free_pages -= (1 << order) - 1

    if alloc_flags & ALLOC_HIGH:
        min_ -= min_ // 2

    if not alloc_harder:
        free_pages -= z.nr_reserved_highatomic
    else:
        min_ -= min_ // 4

    # CONFIG_CMA: requests that may not use CMA pageblocks cannot count their free pages.
    # (C compiles this out without CONFIG_CMA; the counter is then always 0, so it makes
    # no difference here. ALLOC_CMA itself can still be set: __isolate_free_page passes it.)
    if not (alloc_flags & ALLOC_CMA):
        free_pages -= z.vm_stat[NR_FREE_CMA_PAGES] if z.vm_stat[NR_FREE_CMA_PAGES] > 0 else 0

    # Below the order-0 mark no request goes ahead.
    if free_pages <= min_ + z.lowmem_reserve[classzone_idx]:
        return False

    if not order:
        return True

    # A high-order request needs a suitable free block.
    s = _running.get()._statics[struct_page_arrays]
    nxt = s.lru_next
    for o in range(order, s.max_order):
        area = z.free_area[o]
        if not area.nr_free:
            continue
        if alloc_harder:
            return True
        for mt in range(MIGRATE_PCPTYPES):
            head = area.free_list[mt]
            if nxt[head] != head:
                return True
        # CONFIG_CMA only in C; without it the CMA lists are always empty, so the same.
        head = area.free_list[MIGRATE_CMA]
        if (alloc_flags & ALLOC_CMA) and nxt[head] != head:
            return True
    return False


def zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags):
    """mm/page_alloc.c: zone_watermark_ok() — with the zone's NR_FREE_PAGES."""
    return __zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags,
                               zone_page_state(z, NR_FREE_PAGES))


def zone_watermark_fast(z, order, mark, classzone_idx, alloc_flags):
    """mm/page_alloc.c: zone_watermark_fast() — order 0 above the mark passes at once."""
    v = z.vm_stat
    free_pages = v[NR_FREE_PAGES] if v[NR_FREE_PAGES] > 0 else 0  # zone_page_state()
    cma_pages = 0
    # CONFIG_CMA: requests that may not use CMA pageblocks do not count their free pages.
    # (Without CONFIG_CMA the counter is always 0, so the test needs no #ifdef here.)
    if not (alloc_flags & ALLOC_CMA):
        cma_pages = v[NR_FREE_CMA_PAGES] if v[NR_FREE_CMA_PAGES] > 0 else 0
    # The fast check (may pass while only the high-atomic reserve is free; harmless).
    # C compares a long with an unsigned long: the difference is converted to unsigned
    # long, so a negative one (more free CMA than free pages) passes. Mask to 32 bits.
    if not order and ((free_pages - cma_pages) & 0xFFFFFFFF) > mark + z.lowmem_reserve[classzone_idx]:
        return True
    return __zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags, free_pages)


def zone_watermark_ok_safe(z, order, mark, classzone_idx):
    """mm/page_alloc.c: zone_watermark_ok_safe() — no ALLOC_CMA: free CMA pages never count.

    Model: the counters are exact, so the snapshot below percpu_drift_mark is the same value.
    """
    free_pages = zone_page_state(z, NR_FREE_PAGES)
    if z.percpu_drift_mark and free_pages < z.percpu_drift_mark:
        from cmaport.include.linux.vmstat import zone_page_state_snapshot

        free_pages = zone_page_state_snapshot(z, NR_FREE_PAGES)
    return __zone_watermark_ok(z, order, mark, classzone_idx, 0, free_pages)


def _zonelist_zones(zl, high_zoneidx):
    """Model-only: for_each_zone_zonelist_nodemask(zone, z, zl, high_zoneidx, NULL)."""
    from cmaport.include.linux.mmzone import for_each_zone_zonelist_nodemask

    return for_each_zone_zonelist_nodemask(zl, high_zoneidx, None)


def get_page_from_freelist(gfp_mask, order, alloc_flags, ac):
    """mm/page_alloc.c: get_page_from_freelist() — walk the zonelist from the preferred zone
    and take the first zone that passes its watermark.

    There is no CMA logic here in v4.9: CMA pages are reached through ALLOC_CMA in the
    watermark check and __rmqueue's MOVABLE fallback. No cpusets, no dirty-limit spreading
    across nodes (one node), no node reclaim (node_reclaim_mode 0).
    """
    refs = ac.zonelist._zonerefs
    z = ac.preferred_zoneref
    high_zoneidx = ac.high_zoneidx
    preferred_zone = refs[ac.preferred_zoneref].zone
    classzone_idx = refs[ac.preferred_zoneref].zone_idx
    # for_next_zone_zonelist_nodemask(zone, z, ac->zonelist, ac->high_zoneidx, ac->nodemask)
    zone = refs[z].zone
    while zone is not None:
        # cpusets_enabled() is false; ac->spread_dirty_pages: node_dirty_ok() holds with
        # nothing dirty, and there is one node.
        mark = zone.watermark[alloc_flags & ALLOC_WMARK_MASK]
        # zone_watermark_fast() is a static inline: its order-0 test is done here, and
        # only when that does not pass is the whole function called.
        v = zone.vm_stat
        free_pages = v[NR_FREE_PAGES] if v[NR_FREE_PAGES] > 0 else 0
        if not alloc_flags & ALLOC_CMA and v[NR_FREE_CMA_PAGES] > 0:
            free_pages -= v[NR_FREE_CMA_PAGES]
        # long > unsigned long in C: the difference is converted to unsigned long, so a
        # negative one becomes huge and passes (masked to 32 bits; tested only when
        # negative, which keeps the common case one comparison).
        limit = mark + zone.lowmem_reserve[classzone_idx]
        fast_ok = not order and (free_pages > limit
                                 or (free_pages < 0 and (free_pages & 0xFFFFFFFF) > limit))
        if not fast_ok and not zone_watermark_fast(zone, order, mark, classzone_idx, alloc_flags):
            if not (alloc_flags & ALLOC_NO_WATERMARKS):
                # node_reclaim_mode is 0 (zone_allows_reclaim() is not reached): next zone.
                z = next_zones_zonelist(ac.zonelist, z + 1, high_zoneidx, ac.nodemask)
                zone = refs[z].zone
                continue
        # try_this_zone:
        page = buffered_rmqueue(preferred_zone, zone, order, gfp_mask, alloc_flags, ac.migratetype)
        if page is not None:
            prep_new_page(page, order, gfp_mask, alloc_flags)
            # A high-order atomic allocation may reserve its pageblock for the future.
            if order and (alloc_flags & ALLOC_HARDER):
                reserve_highatomic_pageblock(page, zone, order)
            return page
        z = next_zones_zonelist(ac.zonelist, z + 1, high_zoneidx, ac.nodemask)
        zone = refs[z].zone
    return None


def should_suppress_show_mem():
    """mm/page_alloc.c: should_suppress_show_mem() — false (NODES_SHIFT is 0)."""
    return False


SHOW_MEM_FILTER_NODES = 0x0001


def warn_alloc(gfp_mask, fmt, *args):
    """mm/page_alloc.c: warn_alloc() — report a failed (or stalling) allocation, then the stack
    and show_mem(), unless __GFP_NOWARN.

    Model: the printk rate limit (10 reports in 5 s) is not modelled: the clock does not
    advance during a run, so the model reports every failure.
    """
    from cmaport.include.linux.sched import PF_EXITING, PF_MEMALLOC, current

    if (gfp_mask & __GFP_NOWARN) or debug_guardpage_minorder() > 0:
        return
    filt = SHOW_MEM_FILTER_NODES
    # Model: no OOM killer, so no task is ever TIF_MEMDIE; never in interrupt context.
    if not (gfp_mask & __GFP_NOMEMALLOC):
        if current().flags & (PF_MEMALLOC | PF_EXITING):
            filt &= ~SHOW_MEM_FILTER_NODES
    if not (gfp_mask & __GFP_DIRECT_RECLAIM):
        filt &= ~SHOW_MEM_FILTER_NODES
    _pr.warn("%s: ", m_comm(this_machine()))
    _pr.cont("%s", _vsnprintf(fmt, args))  # %pV
    _pr.cont(", mode:%#x(%pGg)\n", gfp_mask, gfp_mask)
    dump_stack()
    if not should_suppress_show_mem():
        from cmaport.lib.show_mem import show_mem

        show_mem(filt)


def _vsnprintf(fmt, args):
    """Model-only: lib/vsprintf.py's vsnprintf(), imported when first called."""
    from cmaport.lib.vsprintf import vsnprintf

    return vsnprintf(fmt, args)


def debug_guardpage_minorder():
    """include/linux/mm.h: debug_guardpage_minorder() — 0 without CONFIG_DEBUG_PAGEALLOC."""
    return 0


def __alloc_pages_may_oom(gfp_mask, order, ac):
    """mm/page_alloc.c: __alloc_pages_may_oom() — one more try at the high mark, then the OOM killer.

    Returns ``(page, did_some_progress)``. Model: there is no OOM killer and no task to
    kill, so ``out_of_memory()`` makes no progress; __GFP_NOFAIL still gets its
    WARN_ON_ONCE and the no-watermark attempts as in the kernel.
    """
    did_some_progress = 0
    # Model: oom_lock — nothing to serialise.
    page = get_page_from_freelist(gfp_mask | __GFP_HARDWALL, order,
                                  ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac)
    if page is not None:
        return page, did_some_progress
    if not (gfp_mask & __GFP_NOFAIL):
        # Model: no task dumps core, so PF_DUMPCORE is never set.
        # The OOM killer does not help costly orders, lowmem-only requests, or __GFP_THISNODE.
        if order > PAGE_ALLOC_COSTLY_ORDER:
            return None, did_some_progress
        if ac.high_zoneidx < zone_type.get().ZONE_NORMAL:
            return None, did_some_progress
        # pm_suspended_storage(): Model — no suspend, storage is never suspended.
        if gfp_mask & __GFP_THISNODE:
            return None, did_some_progress
    # out_of_memory(): Model — nothing to kill, no progress.
    if WARN_ON_ONCE(gfp_mask & __GFP_NOFAIL, line=3086):
        did_some_progress = 1
        if gfp_mask & __GFP_NOFAIL:
            page = get_page_from_freelist(gfp_mask, order, ALLOC_NO_WATERMARKS | ALLOC_CPUSET, ac)
            if page is None:
                page = get_page_from_freelist(gfp_mask, order, ALLOC_NO_WATERMARKS, ac)
    return page, did_some_progress


def __alloc_pages_direct_compact(gfp_mask, order, alloc_flags, ac, prio):
    """mm/page_alloc.c: __alloc_pages_direct_compact() — compact, then try again.

    Model: direct compaction belongs to the compaction issue; until it is ported the
    attempt finds nothing (COMPACT_SKIPPED).
    """
    return None, "COMPACT_SKIPPED"


def __perform_reclaim(gfp_mask, order, ac):
    """mm/page_alloc.c: __perform_reclaim() — direct reclaim; returns the pages reclaimed.

    Model: page reclaim (mm/vmscan.c try_to_free_pages) is not modelled: nothing is
    reclaimed.
    """
    return 0


def __alloc_pages_direct_reclaim(gfp_mask, order, alloc_flags, ac):
    """mm/page_alloc.c: __alloc_pages_direct_reclaim() — reclaim, then try again; if that
    fails, release the high-atomic reserve and drain the per-cpu lists once and retry.

    Returns ``(page, did_some_progress)`` (C sets ``*did_some_progress``). Without reclaim
    progress it gives up at once — so a failing allocation does not drain the pcp lists.
    """
    did_some_progress = __perform_reclaim(gfp_mask, order, ac)
    if not did_some_progress:
        return None, did_some_progress
    drained = False
    while True:  # retry:
        page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac)
        # Pages may be pinned on per-cpu lists or in the high-atomic reserve.
        if page is None and not drained:
            unreserve_highatomic_pageblock(ac)
            drain_all_pages(None)
            drained = True
            continue
        return page, did_some_progress


def gfp_to_alloc_flags(gfp_mask):
    """mm/page_alloc.c: gfp_to_alloc_flags() — the slow path's flags: the min mark, __GFP_HIGH
    as ALLOC_HIGH, ALLOC_HARDER for atomic requests, ALLOC_CMA for movable ones."""
    alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET
    # __GFP_HIGH has the value of ALLOC_HIGH.
    alloc_flags |= gfp_mask & __GFP_HIGH
    if gfp_mask & __GFP_ATOMIC:
        # Not worth trying harder for __GFP_NOMEMALLOC.
        if not (gfp_mask & __GFP_NOMEMALLOC):
            alloc_flags |= ALLOC_HARDER
        alloc_flags &= ~ALLOC_CPUSET
    # Model: the allocating task is never a real-time task.
    if _S().config_cma:
        if gfpflags_to_migratetype(gfp_mask) == MIGRATE_MOVABLE:
            alloc_flags |= ALLOC_CMA
    return alloc_flags


def gfp_pfmemalloc_allowed(gfp_mask):
    """mm/page_alloc.c: gfp_pfmemalloc_allowed() — may the request ignore the watermarks?
    (__GFP_MEMALLOC, or a PF_MEMALLOC task, unless __GFP_NOMEMALLOC)."""
    from cmaport.include.linux.sched import PF_MEMALLOC, current

    if gfp_mask & __GFP_NOMEMALLOC:
        return False
    if gfp_mask & __GFP_MEMALLOC:
        return True
    # Model: never in interrupt or softirq context (in_serving_softirq() and
    # in_interrupt() are false), and no OOM killer ever sets TIF_MEMDIE.
    if current().flags & PF_MEMALLOC:
        return True
    return False


def should_reclaim_retry(gfp_mask, order, ac, alloc_flags, did_some_progress, no_progress_loops):
    """mm/page_alloc.c: should_reclaim_retry() — is another reclaim round worth it?

    Returns ``(retry, no_progress_loops)`` (C updates ``*no_progress_loops``). Whenever a
    zone would pass the min watermark with everything reclaimable reclaimed, v4.9 retries
    (after waiting for writeback, or cond_resched — nothing to wait for in the model),
    at most MAX_RECLAIM_RETRIES times without progress.
    """
    from cmaport.include.linux.vmstat import zone_page_state_snapshot
    from cmaport.mm.vmscan import zone_reclaimable_pages

    if did_some_progress and order <= PAGE_ALLOC_COSTLY_ORDER:
        no_progress_loops = 0
    else:
        no_progress_loops += 1
    # Make sure we converge to OOM if we cannot make any progress.
    if no_progress_loops > 16:  # MAX_RECLAIM_RETRIES
        return False, no_progress_loops
    for zone, _z in _zonelist_zones(ac.zonelist, ac.high_zoneidx):
        available = zone_reclaimable_pages(zone)  # (reclaimable: the writeback test's base)
        available -= -(-(no_progress_loops * available) // 16)  # DIV_ROUND_UP(.., MAX_RECLAIM_RETRIES)
        available += zone_page_state_snapshot(zone, NR_FREE_PAGES)
        # Would the allocation succeed if we reclaimed everything reclaimable?
        if __zone_watermark_ok(zone, order, min_wmark_pages(zone), ac_classzone_idx(ac),
                               alloc_flags, available):
            # Model: no dirty/writeback pages to wait for; the retry goes on.
            return True, no_progress_loops
    return False, no_progress_loops


def __alloc_pages_slowpath(gfp_mask, order, ac):
    """mm/page_alloc.c: __alloc_pages_slowpath() — the min watermark and harder flags, then
    (for callers that may block) reclaim, compaction and the OOM killer; on failure warn_alloc.

    Model: kswapd is not modelled (waking it does nothing); reclaim and the OOM killer make
    no progress; direct compaction finds nothing until it is ported.
    """
    from cmaport.include.linux.sched import PF_MEMALLOC, current

    can_direct_reclaim = bool(gfp_mask & __GFP_DIRECT_RECLAIM)
    page = None
    compact_priority = "DEF_COMPACT_PRIORITY"
    no_progress_loops = 0
    did_some_progress = 0

    # Orders the buddy allocator can never satisfy.
    if order >= _P().max_order:
        WARN_ON_ONCE(not (gfp_mask & __GFP_NOWARN), line=3511)
        return None

    # Atomic reserves are not for callers that may block.
    if WARN_ON_ONCE((gfp_mask & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM))
                    == (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM), line=3519):
        gfp_mask &= ~__GFP_ATOMIC

    alloc_flags = gfp_to_alloc_flags(gfp_mask)

    # wake_all_kswapds(): Model — no kswapd.

    # The adjusted flags may be enough.
    page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac)
    if page is not None:
        return page

    # Costly orders try compaction before reclaim.
    if can_direct_reclaim and order > PAGE_ALLOC_COSTLY_ORDER and not gfp_pfmemalloc_allowed(gfp_mask):
        page, compact_result = __alloc_pages_direct_compact(gfp_mask, order, alloc_flags, ac,
                                                            "INIT_COMPACT_PRIORITY")
        if page is not None:
            return page
        if gfp_mask & __GFP_NORETRY:
            if compact_result == "COMPACT_DEFERRED":
                warn_alloc(gfp_mask, "page allocation failure: order:%u", order)
                return None
            compact_priority = "INIT_COMPACT_PRIORITY"

    while True:  # retry:
        if gfp_pfmemalloc_allowed(gfp_mask):
            alloc_flags = ALLOC_NO_WATERMARKS
        # Reset the zonelist iterator for requests that ignore memory policies.
        if not (alloc_flags & ALLOC_CPUSET) or (alloc_flags & ALLOC_NO_WATERMARKS):
            ac.zonelist = node_zonelist(0, gfp_mask)
            ac.preferred_zoneref = first_zones_zonelist(ac.zonelist, ac.high_zoneidx, ac.nodemask)

        page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac)
        if page is not None:
            return page

        # A caller that cannot reclaim cannot balance anything.
        if not can_direct_reclaim:
            WARN_ON_ONCE(gfp_mask & __GFP_NOFAIL, line=3612)
            break  # goto nopage

        # No direct reclaim from inside reclaim (or from another PF_MEMALLOC context).
        if current().flags & PF_MEMALLOC:
            if WARN_ON_ONCE(gfp_mask & __GFP_NOFAIL, line=3623):
                # cond_resched(); goto retry. Model: only another task could free memory
                # for the retry (the ALLOC_NO_WATERMARKS attempt above failed); there is
                # none, so v4.9 would loop for ever: the model stops instead.
                raise WouldBlock("__alloc_pages_slowpath: a __GFP_NOFAIL order-%d allocation "
                                 "by a PF_MEMALLOC task finds no page and can only loop waiting "
                                 "for another task to free memory" % order)
            break  # goto nopage
        # Model: no OOM killer, so no task is TIF_MEMDIE.

        page, did_some_progress = __alloc_pages_direct_reclaim(gfp_mask, order, alloc_flags, ac)
        if page is not None:
            return page

        page, compact_result = __alloc_pages_direct_compact(gfp_mask, order, alloc_flags, ac,
                                                            compact_priority)
        if page is not None:
            return page

        if gfp_mask & __GFP_NORETRY:
            break
        # Costly orders are not retried without __GFP_REPEAT.
        if order > PAGE_ALLOC_COSTLY_ORDER and not (gfp_mask & __GFP_REPEAT):
            break
        # Model: no stall warning — the simulated clock does not advance.

        retry, no_progress_loops = should_reclaim_retry(gfp_mask, order, ac, alloc_flags,
                                                        did_some_progress > 0, no_progress_loops)
        if retry:
            continue
        # should_compact_retry() needs reclaim progress first; there is none.

        # Reclaim has failed: the OOM killer.
        page, did_some_progress = __alloc_pages_may_oom(gfp_mask, order, ac)
        if page is not None:
            return page
        # Retry as long as the OOM killer is making progress.
        if did_some_progress:
            no_progress_loops = 0
            continue
        break

    # nopage:
    warn_alloc(gfp_mask, "page allocation failure: order:%u", order)
    return page


def __alloc_pages_nodemask(gfp_mask, order, zonelist, nodemask):
    """mm/page_alloc.c: __alloc_pages_nodemask() — the heart of the zoned buddy allocator.

    The fast path tries the zonelist at the low watermark (with ALLOC_CMA for MOVABLE
    requests); the slow path follows.
    """
    st = _running.get()._statics
    s = st[page_alloc_c]
    alloc_flags = ALLOC_WMARK_LOW
    alloc_mask = gfp_mask  # the gfp actually used
    # gfpflags_to_migratetype() and gfp_zone() inlined (static inlines of gfp.h); both
    # mobility bits is a VM_WARN_ON and a bad zone combination a VM_BUG_ON, so only
    # CONFIG_DEBUG_VM takes the full helpers (the warning names gfp.h's line and this
    # function, where C inlines it).
    migratetype = 0 if s.page_group_by_mobility_disabled else \
        (gfp_mask & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT
    if st[struct_page_arrays].debug_vm:
        gfpflags_to_migratetype(gfp_mask)
        high_zoneidx = gfp_zone(gfp_mask)
    else:
        high_zoneidx = st[zone_type].gfp_zone_of[gfp_mask & GFP_ZONEMASK]
    # cpusets_enabled() is false.
    gfp_mask &= s.gfp_allowed_mask
    # might_sleep_if(), lockdep: nothing to model.
    # should_fail_alloc_page(): an inline returning false without CONFIG_FAIL_PAGE_ALLOC.

    # The zonelist may be empty (no zone at all).
    if zonelist._zonerefs[0].zone is None:
        return None

    if s.config_cma and migratetype == MIGRATE_MOVABLE:
        alloc_flags |= ALLOC_CMA

    # retry_cpuset: (cpusets never change the mems here)
    # Model: struct alloc_context is built once with the values C stores into it up to here
    # (.high_zoneidx, .zonelist, .nodemask, .migratetype, then .spread_dirty_pages and
    # .preferred_zoneref).
    ac = alloc_context(zonelist, nodemask,
                       first_zones_zonelist(zonelist, high_zoneidx, nodemask),
                       migratetype, high_zoneidx, bool(gfp_mask & __GFP_WRITE))

    # First allocation attempt.
    page = get_page_from_freelist(alloc_mask, order, alloc_flags, ac)
    if page is None:
        # memalloc_noio_flags(): Model — memalloc_noio_save() is not modelled, so no task
        # has PF_MEMALLOC_NOIO and the mask keeps __GFP_IO/__GFP_FS.
        alloc_mask = gfp_mask
        ac.spread_dirty_pages = False
        page = __alloc_pages_slowpath(alloc_mask, order, ac)
    # out: no memcg, no kmemcheck.
    return page


def __get_free_pages(gfp_mask, order):
    """mm/page_alloc.c: __get_free_pages() — the kernel virtual address of new pages, or 0."""
    from cmaport.include.linux.gfp import alloc_pages

    # A 32-bit address cannot name a highmem page.
    VM_BUG_ON((gfp_mask & __GFP_HIGHMEM) != 0, "(gfp_mask & __GFP_HIGHMEM) != 0", line=3822)
    page = alloc_pages(gfp_mask, order)
    if page is None:
        return 0
    return page_address(page)


def get_zeroed_page(gfp_mask):
    """mm/page_alloc.c: get_zeroed_page()."""
    return __get_free_pages(gfp_mask | __GFP_ZERO, 0)


def __free_pages(page, order):
    """mm/page_alloc.c: __free_pages() — drop a reference; on the last one free the block
    (order 0 through the per-cpu list)."""
    rc = _running.get()._statics[struct_page_arrays]._refcount
    # put_page_testzero() is a static inline: its two ordinary outcomes are done here, and
    # only a count that is already 0 or below (a bad free it reports) takes the call.
    v = rc[page]
    if v > 1:
        rc[page] = v - 1
        return
    if v == 1:
        rc[page] = 0
        last = True
    else:
        last = put_page_testzero(page)
    if last:
        if order == 0:
            free_hot_cold_page(page, False)
        else:
            __free_pages_ok(page, order)


def free_pages(addr, order):
    """mm/page_alloc.c: free_pages() — __free_pages of a kernel virtual address (0 is ignored)."""
    if addr != 0:
        from cmaport.include.linux.mm import virt_addr_valid

        if _P().debug_vm:
            VM_BUG_ON(not virt_addr_valid(addr), "!virt_addr_valid((void *)addr)", line=3852)
        __free_pages(virt_to_page(addr), order)


def get_order(size):
    """include/asm-generic/getorder.h: get_order() — the order of pages holding ``size`` bytes.

    ``size`` is an ``unsigned long`` (32 bits): ``size - 1`` wraps for 0, so get_order(0)
    is ``fls(0xffffffff >> PAGE_SHIFT)`` = 20, as both the runtime ``__get_order()`` and
    the constant branch (``BITS_PER_LONG - PAGE_SHIFT``) give. The one version in the port
    (drivers and the ARM DMA code use it).
    """
    size = (size - 1) & 0xFFFFFFFF  # size--, in unsigned long
    size >>= PAGE_SHIFT
    return size.bit_length()  # fls()


def make_alloc_exact(addr, order, size):
    """mm/page_alloc.c: make_alloc_exact() — split the block and free the pages past ``size``."""
    if addr:
        alloc_end = addr + (PAGE_SIZE << order)
        used = addr + PAGE_ALIGN(size)
        split_page(virt_to_page(addr), order)
        while used < alloc_end:
            free_pages(used, 0)  # free_page()
            used += PAGE_SIZE
    return addr


def alloc_pages_exact(size, gfp_mask):
    """mm/page_alloc.c: alloc_pages_exact() — just enough contiguous pages for ``size`` bytes."""
    order = get_order(size)
    addr = __get_free_pages(gfp_mask, order)
    return make_alloc_exact(addr, order, size)


def free_pages_exact(virt, size):
    """mm/page_alloc.c: free_pages_exact() — free what alloc_pages_exact() gave."""
    addr = virt
    end = addr + PAGE_ALIGN(size)
    while addr < end:
        free_pages(addr, 0)
        addr += PAGE_SIZE


# --- counting free memory ----------------------------------------------------------------------

def nr_free_zone_pages(offset):
    """mm/page_alloc.c: nr_free_zone_pages() — managed pages above the high watermark in the
    zones up to ``offset``."""
    total = 0
    zl = node_zonelist(0, GFP_KERNEL)
    for zone, _z in for_each_zone_zonelist(zl, offset):
        size = zone.managed_pages
        high = high_wmark_pages(zone)
        if size > high:
            total += size - high
    return total


def nr_free_buffer_pages():
    """mm/page_alloc.c: nr_free_buffer_pages() — over ZONE_DMA and ZONE_NORMAL."""
    return nr_free_zone_pages(gfp_zone(GFP_USER))


def nr_free_pagecache_pages():
    """mm/page_alloc.c: nr_free_pagecache_pages() — over all zones."""
    return nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE))


def show_node(zone):
    """mm/page_alloc.c: show_node() — nothing without NUMA."""


def si_mem_available():
    """mm/page_alloc.c: si_mem_available() — an estimate of memory available without swapping."""
    from cmaport.include.linux.mmzone import (LRU_ACTIVE_FILE, LRU_INACTIVE_FILE, NR_LRU_BASE)

    pages = [global_node_page_state(NR_LRU_BASE + lru) for lru in range(NR_LRU_LISTS)]
    wmark_low = 0
    for zone in for_each_zone():
        wmark_low += zone.watermark[WMARK_LOW]
    available = global_page_state(NR_FREE_PAGES) - _S().totalreserve_pages
    # At least half the page cache, or the low watermarks' worth, must stay.
    pagecache = pages[LRU_ACTIVE_FILE] + pages[LRU_INACTIVE_FILE]
    pagecache -= min(pagecache // 2, wmark_low)
    available += pagecache
    # Part of the reclaimable slab is in use; cap the estimate at the low watermarks.
    available += global_page_state(NR_SLAB_RECLAIMABLE) - min(
        global_page_state(NR_SLAB_RECLAIMABLE) // 2, wmark_low)
    if available < 0:
        available = 0
    return available


@attrs.define
class sysinfo:
    """include/uapi/linux/sysinfo.h: struct sysinfo (the memory fields)."""

    totalram: int = 0
    sharedram: int = 0
    freeram: int = 0
    bufferram: int = 0
    totalswap: int = 0
    freeswap: int = 0
    totalhigh: int = 0
    freehigh: int = 0
    mem_unit: int = 0


def si_meminfo(val):
    """mm/page_alloc.c: si_meminfo() — totals for /proc/meminfo (no block devices: no buffers)."""
    from cmaport.include.linux.highmem import nr_free_highpages
    from cmaport.include.linux.mmzone import NR_SHMEM

    s = _S()
    val.totalram = s.totalram_pages
    val.sharedram = global_node_page_state(NR_SHMEM)
    val.freeram = global_page_state(NR_FREE_PAGES)
    val.bufferram = 0  # nr_blockdev_pages(): no block devices
    val.totalhigh = s.totalhigh_pages
    val.freehigh = nr_free_highpages()
    val.mem_unit = PAGE_SIZE


def K(x):
    """mm/page_alloc.c: K() — pages to KiB."""
    return x << (PAGE_SHIFT - 10)


_migration_type_letters = {MIGRATE_UNMOVABLE: "U", MIGRATE_MOVABLE: "M", MIGRATE_RECLAIMABLE: "E",
                           MIGRATE_HIGHATOMIC: "H", MIGRATE_CMA: "C", MIGRATE_ISOLATE: "I"}


def show_migration_types(type_):
    """mm/page_alloc.c: show_migration_types() — the letters of the non-empty lists."""
    tmp = "".join(_migration_type_letters[i] for i in range(MIGRATE_TYPES) if type_ & (1 << i))
    printk(KERN_CONT + "(%s) ", tmp)


def show_free_areas(filt):
    """mm/page_alloc.c: show_free_areas() — the free memory report of show_mem()."""
    from cmaport.include.linux import mmzone as mz
    from cmaport.include.linux.vmstat import zone_page_state as zps
    from cmaport.mm.vmscan import pgdat_reclaimable

    free_pcp = 0
    for zone in for_each_populated_zone():
        for cpu in for_each_online_cpu():
            free_pcp += zone.pageset[cpu].pcp.count

    g = global_node_page_state
    printk("active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
           " active_file:%lu inactive_file:%lu isolated_file:%lu\n"
           " unevictable:%lu dirty:%lu writeback:%lu unstable:%lu\n"
           " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
           " mapped:%lu shmem:%lu pagetables:%lu bounce:%lu\n"
           " free:%lu free_pcp:%lu free_cma:%lu\n",
           g(mz.NR_ACTIVE_ANON), g(mz.NR_INACTIVE_ANON), g(mz.NR_ISOLATED_ANON),
           g(mz.NR_ACTIVE_FILE), g(mz.NR_INACTIVE_FILE), g(mz.NR_ISOLATED_FILE),
           g(mz.NR_UNEVICTABLE), g(mz.NR_FILE_DIRTY), g(mz.NR_WRITEBACK), g(mz.NR_UNSTABLE_NFS),
           global_page_state(mz.NR_SLAB_RECLAIMABLE), global_page_state(mz.NR_SLAB_UNRECLAIMABLE),
           g(mz.NR_FILE_MAPPED), g(mz.NR_SHMEM), global_page_state(mz.NR_PAGETABLE),
           global_page_state(mz.NR_BOUNCE), global_page_state(NR_FREE_PAGES), free_pcp,
           global_page_state(NR_FREE_CMA_PAGES))

    for pgdat in for_each_online_pgdat():
        n = lambda item: K(node_page_state(pgdat, item))  # noqa: E731
        printk("Node %d"
               " active_anon:%lukB"
               " inactive_anon:%lukB"
               " active_file:%lukB"
               " inactive_file:%lukB"
               " unevictable:%lukB"
               " isolated(anon):%lukB"
               " isolated(file):%lukB"
               " mapped:%lukB"
               " dirty:%lukB"
               " writeback:%lukB"
               " shmem:%lukB"
               " writeback_tmp:%lukB"
               " unstable:%lukB"
               " pages_scanned:%lu"
               " all_unreclaimable? %s"
               "\n",
               pgdat.node_id,
               n(mz.NR_ACTIVE_ANON), n(mz.NR_INACTIVE_ANON), n(mz.NR_ACTIVE_FILE),
               n(mz.NR_INACTIVE_FILE), n(mz.NR_UNEVICTABLE), n(mz.NR_ISOLATED_ANON),
               n(mz.NR_ISOLATED_FILE), n(mz.NR_FILE_MAPPED), n(mz.NR_FILE_DIRTY),
               n(mz.NR_WRITEBACK), n(mz.NR_SHMEM), n(mz.NR_WRITEBACK_TEMP),
               n(mz.NR_UNSTABLE_NFS), node_page_state(pgdat, NR_PAGES_SCANNED),
               "yes" if not pgdat_reclaimable(pgdat) else "no")

    for zone in for_each_populated_zone():
        free_pcp = 0
        for cpu in for_each_online_cpu():
            free_pcp += zone.pageset[cpu].pcp.count
        show_node(zone)
        printk(KERN_CONT + "%s"
               " free:%lukB"
               " min:%lukB"
               " low:%lukB"
               " high:%lukB"
               " active_anon:%lukB"
               " inactive_anon:%lukB"
               " active_file:%lukB"
               " inactive_file:%lukB"
               " unevictable:%lukB"
               " writepending:%lukB"
               " present:%lukB"
               " managed:%lukB"
               " mlocked:%lukB"
               " slab_reclaimable:%lukB"
               " slab_unreclaimable:%lukB"
               " kernel_stack:%lukB"
               " pagetables:%lukB"
               " bounce:%lukB"
               " free_pcp:%lukB"
               " local_pcp:%ukB"
               " free_cma:%lukB"
               "\n",
               zone.name,
               K(zps(zone, NR_FREE_PAGES)),
               K(min_wmark_pages(zone)),
               K(low_wmark_pages(zone)),
               K(high_wmark_pages(zone)),
               K(zps(zone, mz.NR_ZONE_ACTIVE_ANON)),
               K(zps(zone, mz.NR_ZONE_INACTIVE_ANON)),
               K(zps(zone, mz.NR_ZONE_ACTIVE_FILE)),
               K(zps(zone, mz.NR_ZONE_INACTIVE_FILE)),
               K(zps(zone, mz.NR_ZONE_UNEVICTABLE)),
               K(zps(zone, mz.NR_ZONE_WRITE_PENDING)),
               K(zone.present_pages),
               K(zone.managed_pages),
               K(zps(zone, mz.NR_MLOCK)),
               K(zps(zone, mz.NR_SLAB_RECLAIMABLE)),
               K(zps(zone, mz.NR_SLAB_UNRECLAIMABLE)),
               zps(zone, mz.NR_KERNEL_STACK_KB),
               K(zps(zone, mz.NR_PAGETABLE)),
               K(zps(zone, mz.NR_BOUNCE)),
               K(free_pcp),
               K(zone.pageset[smp_processor_id()].pcp.count),
               K(zps(zone, NR_FREE_CMA_PAGES)))
        printk("lowmem_reserve[]:")
        for i in range(zone_type.get().MAX_NR_ZONES):
            printk(KERN_CONT + " %ld", zone.lowmem_reserve[i])
        printk(KERN_CONT + "\n")

    max_order = _P().max_order
    for zone in for_each_populated_zone():
        nr = [0] * max_order
        types = [0] * max_order
        total = 0
        show_node(zone)
        printk(KERN_CONT + "%s: ", zone.name)
        # Model: zone->lock — one CPU.
        for order in range(max_order):
            area = zone.free_area[order]
            nr[order] = area.nr_free
            total += nr[order] << order
            types[order] = 0
            for type_ in range(MIGRATE_TYPES):
                if not list_empty(area.free_list[type_]):
                    types[order] |= 1 << type_
        for order in range(max_order):
            printk(KERN_CONT + "%lu*%lukB ", nr[order], K(1) << order)
            if nr[order]:
                show_migration_types(types[order])
        printk(KERN_CONT + "= %lukB\n", K(total))

    # hugetlb_show_meminfo(): no CONFIG_HUGETLB_PAGE.
    printk("%ld total pagecache pages\n", global_node_page_state(mz.NR_FILE_PAGES))
    # show_swap_cache_info() (CONFIG_SWAP): the model has no swap.
    printk("%lu pages in swap cache\n", 0)
    printk("Swap cache stats: add %lu, delete %lu, find %lu/%lu\n", 0, 0, 0, 0)
    printk("Free swap  = %ldkB\n", 0)
    printk("Total swap = %lukB\n", 0)


# --- zonelists -------------------------------------------------------------------------------------

def zoneref_set_zone(zone, zoneref):
    """mm/page_alloc.c: zoneref_set_zone()."""
    zoneref.zone = zone
    zoneref.zone_idx = zone_idx(zone)


def check_highest_zone(k):
    """include/linux/mempolicy.h: check_highest_zone() — policy_zone matters only with NUMA."""


def build_zonelists_node(pgdat, zl, nr_zones):
    """mm/page_alloc.c: build_zonelists_node() — the node's managed zones, highest first."""
    zone_type_ = zone_type.get().MAX_NR_ZONES
    while True:
        zone_type_ -= 1
        zone = pgdat.node_zones[zone_type_]
        if managed_zone(zone):
            while len(zl._zonerefs) <= nr_zones:
                zl._zonerefs.append(zoneref())
            zoneref_set_zone(zone, zl._zonerefs[nr_zones])
            nr_zones += 1
            check_highest_zone(zone_type_)
        if not zone_type_:
            break
    return nr_zones


def set_zonelist_order():
    """mm/page_alloc.c: set_zonelist_order() — "Zone" order without NUMA."""
    _S().current_zonelist_order = ZONELIST_ORDER_ZONE


def build_zonelists(pgdat):
    """mm/page_alloc.c: build_zonelists() (!NUMA) — this node's zones, then the other nodes'
    (there are none), then the terminating NULL zoneref."""
    zl = pgdat.node_zonelists[ZONELIST_FALLBACK]
    zl._zonerefs = []
    j = build_zonelists_node(pgdat, zl, 0)
    # Model: MAX_NUMNODES is 1: no other node to add.
    while len(zl._zonerefs) <= j:
        zl._zonerefs.append(zoneref())
    zl._zonerefs[j].zone = None
    zl._zonerefs[j].zone_idx = 0
    del zl._zonerefs[j + 1:]


def node_online(nid):
    """include/linux/nodemask.h: node_online() (MAX_NUMNODES == 1) — only node 0 exists."""
    return nid == 0


def __build_all_zonelists(data):
    """mm/page_alloc.c: __build_all_zonelists() — every node's zonelists, and the boot
    pagesets (batch 0: high 0, batch 1 — a freed page goes straight to the buddy lists)."""
    self_ = data
    # A node being hot-added is not online yet: build its zonelists too.
    if self_ is not None and not node_online(self_.node_id):
        build_zonelists(self_)
    for pgdat in for_each_online_pgdat():
        build_zonelists(pgdat)
    s = _S()
    for cpu in for_each_possible_cpu():
        setup_pageset(s.boot_pageset[cpu], 0)
    return 0


def build_all_zonelists_init():
    """mm/page_alloc.c: build_all_zonelists_init() — at boot.

    mminit_verify_zonelist() prints only with mminit_loglevel raised (not modelled);
    cpuset_init_current_mems_allowed() has nothing to do.
    """
    __build_all_zonelists(None)


def build_all_zonelists(pgdat, zone):
    """mm/page_alloc.c: build_all_zonelists() — build the zonelists, decide mobility grouping
    and print "Built … zonelists".

    Grouping by mobility is off when the pages above the high watermarks are fewer than
    ``pageblock_nr_pages * MIGRATE_TYPES``.
    """
    s = _S()
    set_zonelist_order()
    if s.system_booting:
        build_all_zonelists_init()
    else:
        # Model: stop_machine() — one CPU; memory hotplug is not modelled.
        __build_all_zonelists(pgdat)
    s.vm_total_pages = nr_free_pagecache_pages()
    pageblock_nr_pages = this_machine().config.pageblock_nr_pages
    # MIGRATE_TYPES is the configuration's count of types.
    from cmaport.include.linux.mmzone import migratetype_names_in_config

    nr_types = len(migratetype_names_in_config())
    if s.vm_total_pages < pageblock_nr_pages * nr_types:
        s.page_group_by_mobility_disabled = 1
    else:
        s.page_group_by_mobility_disabled = 0
    _pr.info("Built %i zonelists in %s order, mobility grouping %s.  Total pages: %ld\n",
             1,  # nr_online_nodes
             zonelist_order_name[s.current_zonelist_order],
             "off" if s.page_group_by_mobility_disabled else "on",
             s.vm_total_pages)


# --- zone and mem_map initialisation ------------------------------------------------------------------

def memmap_init_zone(size, nid, zone, start_pfn, context):
    """mm/page_alloc.c: memmap_init_zone() — initialise the struct pages of a zone and mark
    every pageblock MIGRATE_MOVABLE (so boot-time kernel allocations claim their own
    pageblocks instead of spreading).

    FLATMEM: early_pfn_valid() is always true, so holes inside the zone get initialised
    pages too. Model: the per-pfn ``__init_single_page`` is done with slice stores (same
    values: the zone links over zeroed flags, count 1, mapcount -1, an empty lru).

    ``size`` and the pfns are ``unsigned long``: a wrapped zone size (v4.9-vs-v6.1 §15.2)
    gives an ``end_pfn`` below ``start_pfn`` and an empty loop, as in C. A zone that
    reaches past the end of the mem_map alloc_node_mem_map allocated (§15.2's lowmem zone)
    stops the model with ``KernelBug`` and a diagnostic; see the note there.
    """
    s = _P()
    end_pfn = (start_pfn + size) & 0xFFFFFFFF  # unsigned long: wraps as in C
    if _S().highest_memmap_pfn < ((end_pfn - 1) & 0xFFFFFFFF):
        _S().highest_memmap_pfn = (end_pfn - 1) & 0xFFFFFFFF
    if start_pfn >= end_pfn:
        return  # the C loop runs no iteration
    map_lo, map_hi = _S().model_mem_map_pfns
    if start_pfn < map_lo or end_pfn > map_hi:
        # Model: v4.9 checks nothing here (FLATMEM: early_pfn_valid() is always true) and
        # writes the struct pages of these pfns past the end of the mem_map it allocated,
        # over the memblock allocations made before it (top-down: the zero page, the
        # kmap/fixmap/vector page tables, the vectors page, …). What breaks then depends on
        # the build; v4.9 prints nothing here and is expected to crash or hang early. The
        # model cannot corrupt its own memory the same way, so it stops here: a
        # diagnostic names the cause and KernelBug (with no kernel log line) ends the boot.
        name = zone_type.get().zone_names[zone]
        if map_lo == map_hi:
            # alloc_node_mem_map() got nothing from memblock (it noted that).
            this_machine().diagnose(
                "memmap_init_zone",
                "zone %s: mem_map could not be allocated; v4.9 stores the struct page of pfn "
                "%#x through a NULL mem_map and faults" % (name, start_pfn))
            raise KernelBug("memmap_init_zone", "no mem_map for pfn %#x" % start_pfn)
        bad = start_pfn if start_pfn < map_lo else map_hi
        nbad = (map_lo - start_pfn if start_pfn < map_lo else 0) + max(0, end_pfn - map_hi)
        this_machine().diagnose(
            "memmap_init_zone",
            "zone %s spans pfns %#x-%#x but mem_map was allocated for pfns %#x-%#x: v4.9 "
            "initialises %d struct pages outside mem_map and corrupts the memory around it "
            "(v4.9-vs-v6.1 §15.2: the lowmem limit is computed before no-map memory is "
            "removed from the end of RAM, so the HighMem zone size wraps and the node "
            "span, hence mem_map, is too short)"
            % (name, start_pfn, end_pfn - 1, map_lo, map_hi - 1, nbad))
        raise KernelBug("memmap_init_zone",
                        "struct page of pfn %#x is outside mem_map (pfns %#x-%#x): v4.9 "
                        "overwrites memory here and crashes later" % (bad, map_lo, map_hi - 1))
    # No ZONE_DEVICE altmap.
    first = pfn_to_page(start_pfn)
    last = pfn_to_page(end_pfn)
    n = last - first
    # __init_single_page() on every pfn (memory from memblock is zeroed: flags == 0).
    zt = zone_type.get()
    zone_bits = (zone & zt.ZONES_MASK) << zt.ZONES_PGSHIFT
    s.flags[first:last] = array("I", [zone_bits]) * n  # set_page_links()
    s._refcount[first:last] = array("i", [1]) * n  # init_page_count()
    s._mapcount[first:last] = array("i", [-1]) * n  # page_mapcount_reset()
    s.lru_next[first:last] = array("i", range(first, last))  # INIT_LIST_HEAD(&page->lru)
    s.lru_prev[first:last] = array("i", range(first, last))
    # Every pageblock starts MOVABLE.
    pageblock_nr_pages = 1 << s.pageblock_order
    pfn = ALIGN(start_pfn, pageblock_nr_pages)
    while pfn < end_pfn:
        set_pageblock_migratetype(pfn_to_page(pfn), MIGRATE_MOVABLE)
        pfn += pageblock_nr_pages


def zone_init_free_lists(zone):
    """mm/page_alloc.c: zone_init_free_lists() — empty lists for every order and type."""
    from cmaport.include.linux.list import LIST_HEAD

    for order in range(_P().max_order):
        area = zone.free_area[order]
        if not area.free_list:
            area.free_list = [LIST_HEAD() for _ in range(MIGRATE_TYPES)]
        for t in range(MIGRATE_TYPES):
            INIT_LIST_HEAD(area.free_list[t])
        area.nr_free = 0


def memmap_init(size, nid, zone, start_pfn):
    """mm/page_alloc.c: memmap_init() — memmap_init_zone(…, MEMMAP_EARLY)."""
    memmap_init_zone(size, nid, zone, start_pfn, MEMMAP_EARLY)


def rounddown_pow_of_two(n):
    """include/linux/log2.h: rounddown_pow_of_two()."""
    return 1 << (n.bit_length() - 1)


def zone_batchsize(zone):
    """mm/page_alloc.c: zone_batchsize() — about 1/1000 of the zone, at most 512 KiB, /4,
    clamped to 2^n - 1 (CONFIG_MMU)."""
    batch = zone.managed_pages // 1024
    if batch * PAGE_SIZE > 512 * 1024:
        batch = (512 * 1024) // PAGE_SIZE
    batch //= 4  # *4 below
    if batch < 1:
        batch = 1
    batch = rounddown_pow_of_two(batch + batch // 2) - 1
    return batch


def pageset_update(pcp, high, batch):
    """mm/page_alloc.c: pageset_update() — batch 1 first, then high, then batch (barriers in C)."""
    pcp.batch = 1
    pcp.high = high
    pcp.batch = batch


def pageset_set_batch(p, batch):
    """mm/page_alloc.c: pageset_set_batch() — high = 6 * batch."""
    pageset_update(p.pcp, 6 * batch, max(1, 1 * batch))


def pageset_init(p):
    """mm/page_alloc.c: pageset_init() — zero the pageset, empty lists.

    Model: the list heads are slots of the link arrays, allocated the first time.
    """
    from cmaport.include.linux.list import LIST_HEAD

    lists = p.pcp.lists
    p.pcp = type(p.pcp)()
    p.stat_threshold = 0
    p.vm_stat_diff = [0] * len(p.vm_stat_diff)
    pcp = p.pcp
    pcp.count = 0
    pcp.lists = lists if lists else [LIST_HEAD() for _ in range(MIGRATE_PCPTYPES)]
    for migratetype in range(MIGRATE_PCPTYPES):
        INIT_LIST_HEAD(pcp.lists[migratetype])


def setup_pageset(p, batch):
    """mm/page_alloc.c: setup_pageset()."""
    pageset_init(p)
    pageset_set_batch(p, batch)


def pageset_set_high(p, high):
    """mm/page_alloc.c: pageset_set_high() — batch = high/4, at most PAGE_SHIFT*8."""
    batch = max(1, high // 4)
    if (high // 4) > (PAGE_SHIFT * 8):
        batch = PAGE_SHIFT * 8
    pageset_update(p.pcp, high, batch)


def pageset_set_high_and_batch(zone, pcp):
    """mm/page_alloc.c: pageset_set_high_and_batch()."""
    s = _S()
    if s.percpu_pagelist_fraction:
        pageset_set_high(pcp, zone.managed_pages // s.percpu_pagelist_fraction)
    else:
        pageset_set_batch(pcp, zone_batchsize(zone))


def zone_pageset_init(zone, cpu):
    """mm/page_alloc.c: zone_pageset_init()."""
    pcp = zone.pageset[cpu]
    pageset_init(pcp)
    pageset_set_high_and_batch(zone, pcp)


def setup_zone_pageset(zone):
    """mm/page_alloc.c: setup_zone_pageset() — the zone's own per-cpu pagesets."""
    zone.pageset = [per_cpu_pageset() for _ in for_each_possible_cpu()]  # alloc_percpu()
    for cpu in for_each_possible_cpu():
        zone_pageset_init(zone, cpu)


def setup_per_cpu_pageset():
    """mm/page_alloc.c: setup_per_cpu_pageset() — replace the boot pagesets of populated zones."""
    for zone in for_each_populated_zone():
        setup_zone_pageset(zone)
    for pgdat in for_each_online_pgdat():
        pgdat.per_cpu_nodestats = [per_cpu_nodestat() for _ in for_each_possible_cpu()]


def zone_pcp_init(zone):
    """mm/page_alloc.c: zone_pcp_init() — start on the boot pageset; print the batch."""
    zone.pageset = _S().boot_pageset
    if populated_zone(zone):
        printk(KERN_DEBUG + "  %s zone: %lu pages, LIFO batch:%u\n",
               zone.name, zone.present_pages, zone_batchsize(zone))


def init_currently_empty_zone(zone, zone_start_pfn, size):
    """mm/page_alloc.c: init_currently_empty_zone() — empty free lists, mark initialised."""
    pgdat = zone.zone_pgdat
    pgdat.nr_zones = zone_idx(zone) + 1
    zone.zone_start_pfn = zone_start_pfn
    # mminit_dprintk(MMINIT_TRACE, …): mminit_loglevel is 0.
    zone_init_free_lists(zone)
    zone.initialized = 1
    return 0


def zone_spanned_pages_in_node(nid, zone_type_, node_start_pfn, node_end_pfn, zones_size):
    """mm/page_alloc.c: zone_spanned_pages_in_node() (!HAVE_MEMBLOCK_NODE_MAP) — the zones
    follow each other from the node's start; returns ``(size, zone_start_pfn, zone_end_pfn)``."""
    # unsigned long arithmetic: a wrapped zone size (§15.2) wraps the sums back.
    zone_start_pfn = node_start_pfn
    for z in range(zone_type_):
        zone_start_pfn = (zone_start_pfn + zones_size[z]) & 0xFFFFFFFF
    zone_end_pfn = (zone_start_pfn + zones_size[zone_type_]) & 0xFFFFFFFF
    return zones_size[zone_type_], zone_start_pfn, zone_end_pfn


def zone_absent_pages_in_node(nid, zone_type_, node_start_pfn, node_end_pfn, zholes_size):
    """mm/page_alloc.c: zone_absent_pages_in_node() (!HAVE_MEMBLOCK_NODE_MAP)."""
    if zholes_size is None:
        return 0
    return zholes_size[zone_type_]


def calculate_node_totalpages(pgdat, node_start_pfn, node_end_pfn, zones_size, zholes_size):
    """mm/page_alloc.c: calculate_node_totalpages() — spanned and present pages per zone.

    Every size is an ``unsigned long`` (masked to 32 bits): with a wrapped HighMem size
    (v4.9-vs-v6.1 §15.2) the node's spanned total wraps back below the lowmem zone's end.
    """
    realtotalpages = 0
    totalpages = 0
    for i in range(zone_type.get().MAX_NR_ZONES):
        zone = pgdat.node_zones[i]
        size, zone_start_pfn, zone_end_pfn_ = zone_spanned_pages_in_node(
            pgdat.node_id, i, node_start_pfn, node_end_pfn, zones_size)
        real_size = (size - zone_absent_pages_in_node(pgdat.node_id, i, node_start_pfn,
                                                      node_end_pfn, zholes_size)) & 0xFFFFFFFF
        if size:
            zone.zone_start_pfn = zone_start_pfn
        else:
            zone.zone_start_pfn = 0
        zone.spanned_pages = size
        zone.present_pages = real_size
        totalpages = (totalpages + size) & 0xFFFFFFFF
        realtotalpages = (realtotalpages + real_size) & 0xFFFFFFFF
    pgdat.node_spanned_pages = totalpages
    pgdat.node_present_pages = realtotalpages
    printk(KERN_DEBUG + "On node %d totalpages: %lu\n", pgdat.node_id, realtotalpages)


def usemap_size(zone_start_pfn, zonesize):
    """mm/page_alloc.c: usemap_size() — bytes of the zone's pageblock bitmap (whole longs)."""
    pageblock_nr_pages = this_machine().config.pageblock_nr_pages
    pageblock_order = this_machine().config.pageblock_order
    # unsigned long arithmetic, masked to 32 bits (roundup() is (x + y - 1) / y * y).
    M = 0xFFFFFFFF
    zonesize = (zonesize + (zone_start_pfn & (pageblock_nr_pages - 1))) & M
    usemapsize = (((zonesize + pageblock_nr_pages - 1) & M) // pageblock_nr_pages) * pageblock_nr_pages
    usemapsize = usemapsize >> pageblock_order
    usemapsize = (usemapsize * NR_PAGEBLOCK_BITS) & M
    usemapsize = (((usemapsize + 8 * 4 - 1) & M) // (8 * 4)) * (8 * 4)  # 8 * sizeof(unsigned long)
    return usemapsize // 8


def setup_usemap(pgdat, zone, zone_start_pfn, zonesize):
    """mm/page_alloc.c: setup_usemap() — allocate the zone's pageblock flags from memblock.

    Model: memblock gives the kernel's number of bytes; the flags themselves live in a
    bytearray with one byte per pageblock (include/linux/pageblock_flags.py).
    """
    from cmaport.include.linux.bootmem import memblock_virt_alloc_node_nopanic

    usemapsize = usemap_size(zone_start_pfn, zonesize)
    zone.pageblock_flags = None
    if usemapsize:
        addr = memblock_virt_alloc_node_nopanic(usemapsize, pgdat.node_id)
        if addr is not None:
            nblocks = usemapsize * 8 // NR_PAGEBLOCK_BITS
            zone.pageblock_flags = bytearray(nblocks)


def set_pageblock_order():
    """mm/page_alloc.c: set_pageblock_order() — nothing: pageblock_order is a constant here."""


def calc_memmap_size(spanned_pages, present_pages):
    """mm/page_alloc.c: calc_memmap_size() — pages of struct page for the zone (no SPARSEMEM).

    ``unsigned long`` arithmetic: the product and PAGE_ALIGN wrap at 32 bits as in C.
    """
    pages = spanned_pages
    return (PAGE_ALIGN((pages * SIZEOF_STRUCT_PAGE) & 0xFFFFFFFF) & 0xFFFFFFFF) >> PAGE_SHIFT


def lruvec_init(lruvec, pgdat):
    """mm/mmzone.c: lruvec_init() — empty LRU lists (``pgdat`` is model-only: C's container_of)."""
    from cmaport.include.linux.list import LIST_HEAD

    if not lruvec.lists:
        lruvec.lists = [LIST_HEAD() for _ in range(NR_LRU_LISTS)]
    for lst in lruvec.lists:
        INIT_LIST_HEAD(lst)
    lruvec.pgdat = pgdat


def free_area_init_core(pgdat):
    """mm/page_alloc.c: free_area_init_core() — set up each zone: managed estimate, name,
    per-cpu pageset, usemap, free lists, and the struct pages.

    ``managed_pages`` starts as present minus the memmap and (zone 0) dma_reserve pages —
    an estimate that free_all_bootmem replaces; it is what "Total pages" and the LIFO
    batch are computed from. The sizes are ``unsigned long`` (the guarded subtractions
    cannot wrap; the sums are masked).
    """
    s = _S()
    zt = zone_type.get()
    nid = pgdat.node_id
    # pgdat_resize_init, kswapd/pfmemalloc/kcompactd waitqueues, page_ext: nothing to model.
    lruvec_init(pgdat.lruvec, pgdat)

    for j in range(zt.MAX_NR_ZONES):
        zone = pgdat.node_zones[j]
        zone_start_pfn = zone.zone_start_pfn
        size = zone.spanned_pages
        realsize = freesize = zone.present_pages

        # The memmap of the zone is not free memory; that affects the watermarks and batches.
        memmap_pages = calc_memmap_size(size, realsize)
        if not is_highmem_idx(j):
            if freesize >= memmap_pages:
                freesize -= memmap_pages
                if memmap_pages:
                    printk(KERN_DEBUG + "  %s zone: %lu pages used for memmap\n",
                           zt.zone_names[j], memmap_pages)
            else:
                _pr.warn("  %s zone: %lu pages exceeds freesize %lu\n",
                         zt.zone_names[j], memmap_pages, freesize)

        # Account for reserved pages.
        if j == 0 and freesize > s.dma_reserve:
            freesize -= s.dma_reserve
            printk(KERN_DEBUG + "  %s zone: %lu pages reserved\n", zt.zone_names[0], s.dma_reserve)

        if not is_highmem_idx(j):
            s.nr_kernel_pages = (s.nr_kernel_pages + freesize) & 0xFFFFFFFF
        elif s.nr_kernel_pages > memmap_pages * 2:
            # Charge the highmem memmap to lowmem when there is enough of it.
            s.nr_kernel_pages -= memmap_pages
        s.nr_all_pages = (s.nr_all_pages + freesize) & 0xFFFFFFFF

        # An estimate for lowmem, fixed up when bootmem is freed; highmem is all managed.
        zone.managed_pages = realsize if is_highmem_idx(j) else freesize
        zone.name = zt.zone_names[j]
        zone.zone_pgdat = pgdat
        # Model: spin_lock_init/zone_seqlock_init — nothing to serialise.
        zone_pcp_init(zone)

        if not size:
            continue

        set_pageblock_order()
        setup_usemap(pgdat, zone, zone_start_pfn, size)
        ret = init_currently_empty_zone(zone, zone_start_pfn, size)
        BUG_ON(ret, line=5818)
        memmap_init(size, nid, j, zone_start_pfn)


def alloc_node_mem_map(pgdat):
    """mm/page_alloc.c: alloc_node_mem_map() — the node's struct pages, aligned to
    MAX_ORDER_NR_PAGES at both ends so buddy arithmetic never leaves mem_map.

    The bytes come from memblock as in the kernel (``sizeof(struct page)`` each); the
    model keeps the fields in ``struct_page_arrays``, indexed from ``ARCH_PFN_OFFSET``.
    ``end`` and ``size`` are ``unsigned long``: with a wrapped node span (v4.9-vs-v6.1
    §15.2) the map is as short as v4.9's; the pfns it covers are recorded for
    memmap_init_zone (``page_alloc_c.model_mem_map_pfns``).
    """
    from cmaport.include.linux.bootmem import memblock_virt_alloc_node_nopanic
    from cmaport.include.linux.mmzone import pgdat_end_pfn

    if not pgdat.node_spanned_pages:
        return
    cfg = this_machine().config
    max_order_nr_pages = cfg.MAX_ORDER_NR_PAGES
    start = pgdat.node_start_pfn & ~(max_order_nr_pages - 1)
    offset = pgdat.node_start_pfn - start
    # (ia64 maps its own node_mem_map.)
    if pgdat.node_mem_map is None:
        end = pgdat_end_pfn(pgdat) & 0xFFFFFFFF
        end = ALIGN(end, max_order_nr_pages) & 0xFFFFFFFF
        size = ((end - start) * SIZEOF_STRUCT_PAGE) & 0xFFFFFFFF
        # alloc_remap(): no HAVE_ARCH_ALLOC_REMAP on ARM.
        map_virt = memblock_virt_alloc_node_nopanic(size, pgdat.node_id)
        if map_virt is None:
            # Model: C does not check: node_mem_map becomes NULL + offset, mem_map is then
            # (about) NULL and the first store of memmap_init_zone faults on the unmapped
            # low addresses (an Oops in the idle task, which panics). The model keeps its
            # storage but records that no pfn has a struct page in the kernel's map, so
            # memmap_init_zone stops there with a diagnostic and KernelBug.
            this_machine().diagnose(
                "alloc_node_mem_map",
                "memblock could not allocate %d bytes for mem_map (pfns %#x-%#x); v4.9 "
                "goes on with a NULL mem_map" % (size, start, end - 1))
            _S().model_mem_map_pfns = (start, start)
            map_virt = 0
        else:
            _S().model_mem_map_pfns = (start, end)
        pgdat.node_mem_map_virt = (map_virt + offset * SIZEOF_STRUCT_PAGE) & 0xFFFFFFFF

        arch_pfn_offset = PHYS_PFN_OFFSET()
        s = _P()
        s.pfn_offset = arch_pfn_offset
        s.max_order = cfg.MAX_ORDER
        s.pageblock_order = cfg.pageblock_order
        s.debug_vm = IS_ENABLED("CONFIG_DEBUG_VM")  # the one cached copy of the option
        if start != arch_pfn_offset:
            # Model: FLATMEM indexes mem_map from ARCH_PFN_OFFSET; a node whose aligned
            # start differs makes v4.9 index outside the map it allocated. The model's
            # storage starts at ARCH_PFN_OFFSET so it keeps working, and says so.
            this_machine().diagnose(
                "alloc_node_mem_map",
                "RAM starts at pfn %#x but PHYS_PFN_OFFSET is %#x: v4.9's FLATMEM mem_map "
                "(allocated for pfns %#x..%#x) would be indexed outside its allocation"
                % (pgdat.node_start_pfn, arch_pfn_offset, start, end))
        s.resize(max(end - min(start, arch_pfn_offset), end - arch_pfn_offset))
        pgdat.node_mem_map = pgdat.node_start_pfn - arch_pfn_offset
    # !CONFIG_NEED_MULTIPLE_NODES: mem_map is node 0's map, pfn ARCH_PFN_OFFSET at index 0.


def free_area_init_node(nid, zones_size, node_start_pfn, zholes_size):
    """mm/page_alloc.c: free_area_init_node() — size the zones, allocate mem_map, set up the zones."""
    from cmaport.arch.arm.kernel.vmlinux_lds import sections

    pgdat = NODE_DATA(nid)
    zt = zone_type.get()
    s = struct_page_arrays.get()
    s.zones_pgshift = zt.ZONES_PGSHIFT
    s.zones_mask = zt.ZONES_MASK
    s.node_zones = pgdat.node_zones
    # Model: the hot paths look these per-machine objects up without creating them.
    from cmaport.mm.vmstat import vmstat_c

    page_alloc_c.get()
    vmstat_c.get()

    # pg_data_t must be zero when it is allocated.
    WARN_ON(pgdat.nr_zones or pgdat.kswapd_classzone_idx, line=5877)
    # reset_deferred_meminit(): nothing.
    pgdat.node_id = nid
    pgdat.node_start_pfn = node_start_pfn
    pgdat.per_cpu_nodestats = None
    start_pfn = node_start_pfn
    end_pfn = 0
    calculate_node_totalpages(pgdat, start_pfn, end_pfn, zones_size, zholes_size)

    alloc_node_mem_map(pgdat)
    # Model: &contig_page_data in the modelled image.
    pgdat.self_virt = sections()._sdata + CONTIG_PAGE_DATA_DATA_OFFSET
    printk(KERN_DEBUG + "free_area_init_node: node %d, pgdat %08lx, node_mem_map %08lx\n",
           nid, pgdat.self_virt, pgdat.node_mem_map_virt)

    free_area_init_core(pgdat)


def adjust_managed_page_count(page, count):
    """mm/page_alloc.c: adjust_managed_page_count() — the zone's managed pages and totalram
    (and totalhigh for highmem). Model: managed_page_count_lock — one CPU."""
    s = _S()
    page_zone(page).managed_pages += count
    s.totalram_pages += count
    if PageHighMem(page):
        s.totalhigh_pages += count


def free_reserved_area(start, end, poison, s):
    """mm/page_alloc.c: free_reserved_area() — free reserved pages [start, end) (virtual),
    poisoning them first when ``poison`` is a byte; prints "Freeing %s memory" with a name."""
    from cmaport.include.linux.mm import free_reserved_page

    start = PAGE_ALIGN(start)
    end = end & ~(PAGE_SIZE - 1)
    pages = 0
    pos = start
    while pos < end:
        if (poison & 0xFFFFFFFF) <= 0xFF:
            # memset(pos, poison, PAGE_SIZE) on the simulated RAM
            from cmaport.arch.arm.include.asm.memory import __pa

            this_machine().hw.physmem.fill(__pa(pos), PAGE_SIZE, poison & 0xFF)
        free_reserved_page(virt_to_page(pos))
        pos += PAGE_SIZE
        pages += 1
    if pages and s:
        _pr.info("Freeing %s memory: %ldK (%p - %p)\n", s, pages << (PAGE_SHIFT - 10), start, end)
    return pages


def free_highmem_page(page):
    """mm/page_alloc.c: free_highmem_page() (CONFIG_HIGHMEM) — a highmem page to the allocator."""
    __free_reserved_page(page)
    s = _S()
    s.totalram_pages += 1
    page_zone(page).managed_pages += 1
    s.totalhigh_pages += 1


def model_free_highmem_block(page, order):
    """Model-only: the net effect of ``free_highmem_page()`` on every page of one free block,
    done in one step when that is exact.

    During ``mem_init`` the per-cpu lists are still the boot pageset (high 0, batch 1), so
    ``free_highmem_page()`` sends each page through the pcp list straight into
    ``__free_one_page()``. Freeing the pages of a ``MAX_ORDER``-aligned block that way, in
    ascending order, leaves exactly what one ``__free_one_page()`` of the whole block leaves:
    the blocks built on the way are added to and taken off the lower-order lists again (which
    does not move anything else on those lists), and the last page completes one
    ``MAX_ORDER - 1`` block, which goes to the head of its list. Per page the kernel also
    clears PG_reserved (``__free_reserved_page``), PAGE_FLAGS_CHECK_AT_PREP and a flagged
    ``mapping`` (``free_pcp_prepare``), caches the migrate type in ``index``, counts PGFREE,
    resets the node's NR_PAGES_SCANNED (``free_pcppages_bulk``) and adds to totalram,
    totalhigh and the zone's managed pages; this does all of that at once.

    That equivalence needs the clean state boot leaves, so nothing is changed and False is
    returned (the caller must then free the block page by page with ``free_highmem_page``)
    unless: the zone's pcp is the boot pageset's (high <= 1, batch 1) with every list empty;
    no pageblock of the block is ISOLATE and all have one migrate type; and every page is
    unmapped (``_mapcount`` -1, so not PageBuddy), has no ``mapping`` but a flagged one, is
    not a compound tail, has no PAGE_FLAGS_CHECK_AT_FREE flag but PG_reserved, and shares the
    others' zone/node bits.

    :param page: the first page of the block (``MAX_ORDER_NR_PAGES``-aligned, all highmem)
    :return: True if the block was freed, False if nothing was done
    """
    st = _running.get()._statics
    s = st[struct_page_arrays]
    n = 1 << order
    pfn = page + s.pfn_offset
    end = page + n
    flags = s.flags
    zone = s.node_zones[(flags[page] >> s.zones_pgshift) & s.zones_mask]
    # The boot pageset: each freed page leaves the pcp list again at once.
    pcp = zone.pageset[0].pcp
    nxt = s.lru_next
    if pcp.count or pcp.high > 1 or pcp.batch != 1 or any(nxt[h] != h for h in pcp.lists):
        return False
    # One migrate type for every pageblock, and not ISOLATE (free_one_page's path).
    migratetype = get_pfnblock_migratetype(page, pfn)
    if migratetype == MIGRATE_ISOLATE or zone.nr_isolate_pageblock:
        return False
    pb = 1 << s.pageblock_order
    for p in range(page + pb, end, pb):
        if get_pfnblock_migratetype(p, p + s.pfn_offset) != migratetype:
            return False
    # Every page in the state the per-page path frees without a bad_page report.
    if s._mapcount[page:end].count(-1) != n:
        return False
    if min(nxt[page:end]) < 0 and any(nxt[p] < 0 and nxt[p] & 1 for p in range(page, end)):
        return False  # PageTail
    reserved = 1 << PG_reserved
    values = set(flags[page:end])
    for f in values:
        if f & PAGE_FLAGS_CHECK_AT_FREE & ~reserved:
            return False
    if len({f & _KEEP_AT_PREP for f in values}) != 1:
        return False  # pages of different zones or nodes
    mapping = s.mapping
    flagged = []
    if mapping:
        keys = [k for k in mapping if page <= k < end] if len(mapping) < n else \
            [p for p in range(page, end) if p in mapping]
        for k in keys:
            if not _mapping_bits(mapping[k]) & 0x3:
                return False  # free_pages_check() would report it
            flagged.append(k)

    # __free_reserved_page(): ClearPageReserved; free_pcp_prepare(): PageMappingFlags ->
    # mapping = NULL, flags &= ~PAGE_FLAGS_CHECK_AT_PREP (PG_reserved is one of them).
    for k in flagged:
        del mapping[k]
    (kept,) = {f & _KEEP_AT_PREP for f in values}
    flags[page:end] = array("I", [kept]) * n
    s._refcount[page:end] = array("i", bytes(4 * n))  # init_page_count(), put_page_testzero()
    s.private[page:end] = array("I", bytes(4 * n))  # each page merged away, or the head below
    s.index[page:end] = array("I", [migratetype]) * n  # set_pcppage_migratetype()
    s.lru_next[page:end] = array("i", [LIST_POISON1]) * n  # list_del() off pcp and free lists
    s.lru_prev[page:end] = array("i", [LIST_POISON2]) * n
    st[_vmstat_c].vm_event_states[PGFREE] += n
    # free_pcppages_bulk(): the node's NR_PAGES_SCANNED goes back to 0.
    nr_scanned = node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED)
    if nr_scanned:
        __mod_node_page_state(zone.zone_pgdat, NR_PAGES_SCANNED, -nr_scanned)
    __free_one_page(page, pfn, zone, order, migratetype)
    ps = _S()
    ps.totalram_pages += n
    zone.managed_pages += n
    ps.totalhigh_pages += n
    return True


def mem_init_print_info(str_):
    """mm/page_alloc.c: mem_init_print_info() — the "Memory: …K/…K available (…)" line.

    available = free pages now; the total is the zones' present pages; reserved = total
    minus totalram minus totalcma; the section sizes come from the (modelled) image.
    """
    from cmaport.arch.arm.kernel.vmlinux_lds import sections
    from cmaport.include.linux.mm import get_num_physpages

    sec = sections()
    st = _S()
    physpages = get_num_physpages()
    codesize = sec._etext - sec._stext
    datasize = sec._edata - sec._sdata
    rosize = sec.__end_rodata - sec.__start_rodata
    bss_size = sec.__bss_stop - sec.__bss_start
    init_data_size = sec.__init_end - sec.__init_begin
    init_code_size = sec._einittext - sec._sinittext

    def adj_init_size(start, end, size, pos, adj):
        """mm/page_alloc.c: adj_init_size() (a macro) — count a nested section once."""
        if start <= pos < end and size > adj:
            size -= adj
        return size

    init_data_size = adj_init_size(sec.__init_begin, sec.__init_end, init_data_size,
                                   sec._sinittext, init_code_size)
    codesize = adj_init_size(sec._stext, sec._etext, codesize, sec._sinittext, init_code_size)
    datasize = adj_init_size(sec._sdata, sec._edata, datasize, sec.__init_begin, init_data_size)
    codesize = adj_init_size(sec._stext, sec._etext, codesize, sec.__start_rodata, rosize)
    datasize = adj_init_size(sec._sdata, sec._edata, datasize, sec.__start_rodata, rosize)

    fmt = ("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK init, "
           "%luK bss, %luK reserved, %luK cma-reserved")
    args = [global_page_state(NR_FREE_PAGES) << (PAGE_SHIFT - 10),
            physpages << (PAGE_SHIFT - 10),
            codesize >> 10, datasize >> 10, rosize >> 10,
            (init_data_size + init_code_size) >> 10, bss_size >> 10,
            # unsigned long: the difference and the shift wrap at 32 bits
            (((physpages - st.totalram_pages - st.totalcma_pages) & ULONG_MAX)
             << (PAGE_SHIFT - 10)) & ULONG_MAX,
            st.totalcma_pages << (PAGE_SHIFT - 10)]
    if IS_ENABLED("CONFIG_HIGHMEM"):
        fmt += ", %luK highmem"
        args.append(st.totalhigh_pages << (PAGE_SHIFT - 10))
    fmt += "%s%s)\n"
    args += [", " if str_ else "", str_ if str_ else ""]
    _pr.info(fmt, *args)


def set_dma_reserve(new_dma_reserve):
    """mm/page_alloc.c: set_dma_reserve() — pages of zone 0 not to count as free."""
    _S().dma_reserve = new_dma_reserve


def page_alloc_init():
    """mm/page_alloc.c: page_alloc_init() — the CPU-hotplug notifier (no hotplug in the model)."""


# --- watermarks and reserves ---------------------------------------------------------------------------

def calculate_totalreserve_pages():
    """mm/page_alloc.c: calculate_totalreserve_pages() — the high watermarks plus the largest
    lowmem reserve of each zone, capped at its managed pages."""
    reserve_pages = 0
    nr_zones = zone_type.get().MAX_NR_ZONES
    for pgdat in for_each_online_pgdat():
        pgdat.totalreserve_pages = 0
        for i in range(nr_zones):
            zone = pgdat.node_zones[i]
            max_ = 0
            # The largest lowmem_reserve for this zone.
            for j in range(i, nr_zones):
                if zone.lowmem_reserve[j] > max_:
                    max_ = zone.lowmem_reserve[j]
            # The high watermark counts as reserved.
            max_ += high_wmark_pages(zone)
            if max_ > zone.managed_pages:
                max_ = zone.managed_pages
            pgdat.totalreserve_pages += max_
            reserve_pages += max_
    _S().totalreserve_pages = reserve_pages


def setup_per_zone_lowmem_reserve():
    """mm/page_alloc.c: setup_per_zone_lowmem_reserve() — what each lower zone keeps back from
    allocations that could use a higher zone (managed pages above it / the ratio)."""
    s = _S()
    ratio = s.sysctl_lowmem_reserve_ratio
    nr_zones = zone_type.get().MAX_NR_ZONES
    for pgdat in for_each_online_pgdat():
        for j in range(nr_zones):
            zone = pgdat.node_zones[j]
            managed_pages = zone.managed_pages
            zone.lowmem_reserve[j] = 0
            idx = j
            while idx:
                idx -= 1
                if ratio[idx] < 1:
                    ratio[idx] = 1
                lower_zone = pgdat.node_zones[idx]
                lower_zone.lowmem_reserve[j] = managed_pages // ratio[idx]
                managed_pages += lower_zone.managed_pages
    calculate_totalreserve_pages()


def mult_frac(x, numer, denom):
    """include/linux/kernel.h: mult_frac() — x * numer / denom without overflowing."""
    quot = x // denom
    rem = x % denom
    return (quot * numer) + ((rem * numer) // denom)


def __setup_per_zone_wmarks():
    """mm/page_alloc.c: __setup_per_zone_wmarks() — min/low/high per zone from min_free_kbytes.

    Lowmem zones share ``min_free_kbytes`` in proportion to their managed pages; highmem
    gets managed/1024 clamped to [32, 128]. low and high add max(min/4, managed *
    watermark_scale_factor / 10000) once and twice.
    """
    s = _S()
    pages_min = s.min_free_kbytes >> (PAGE_SHIFT - 10)
    lowmem_pages = 0
    for zone in for_each_zone():
        if not is_highmem(zone):
            lowmem_pages += zone.managed_pages
    for zone in for_each_zone():
        # Model: zone->lock — one CPU.
        tmp = pages_min * zone.managed_pages
        tmp //= lowmem_pages  # do_div()
        if is_highmem(zone):
            # Highmem gets a small min: __GFP_HIGH and PF_MEMALLOC rarely need it.
            min_pages = zone.managed_pages // 1024
            min_pages = min(max(min_pages, SWAP_CLUSTER_MAX), 128)
            zone.watermark[WMARK_MIN] = min_pages
        else:
            zone.watermark[WMARK_MIN] = tmp
        # kswapd's distances scale with the zone, with a floor for small systems.
        tmp = max(tmp >> 2, mult_frac(zone.managed_pages, s.watermark_scale_factor, 10000))
        zone.watermark[WMARK_LOW] = min_wmark_pages(zone) + tmp
        zone.watermark[WMARK_HIGH] = min_wmark_pages(zone) + tmp * 2
    calculate_totalreserve_pages()


def setup_per_zone_wmarks():
    """mm/page_alloc.c: setup_per_zone_wmarks() — Model: zonelists_mutex, nothing to serialise."""
    __setup_per_zone_wmarks()


def int_sqrt(x):
    """lib/int_sqrt.c: int_sqrt() — the integer square root."""
    import math

    return math.isqrt(x)


def init_per_zone_wmark_min():
    """mm/page_alloc.c: init_per_zone_wmark_min() — min_free_kbytes = sqrt(lowmem KiB * 16),
    clamped to [128, 65536], then the watermarks, thresholds and lowmem reserves
    (a core_initcall)."""
    s = _S()
    lowmem_kbytes = nr_free_buffer_pages() * (PAGE_SIZE >> 10)
    new_min_free_kbytes = int_sqrt(lowmem_kbytes * 16)
    if new_min_free_kbytes > s.user_min_free_kbytes:
        s.min_free_kbytes = new_min_free_kbytes
        if s.min_free_kbytes < 128:
            s.min_free_kbytes = 128
        if s.min_free_kbytes > 65536:
            s.min_free_kbytes = 65536
    else:
        _pr.warn("min_free_kbytes is not updated to %d because user defined value %d is preferred\n",
                 new_min_free_kbytes, s.user_min_free_kbytes)
    setup_per_zone_wmarks()
    from cmaport.mm.vmstat import refresh_zone_stat_thresholds

    refresh_zone_stat_thresholds()
    setup_per_zone_lowmem_reserve()
    return 0


def is_free_buddy_page(page):
    """mm/page_alloc.c: is_free_buddy_page() — is the page inside a free buddy block?"""
    pfn = page_to_pfn(page)
    s = _P()
    # Model: zone->lock — one CPU.
    order = 0
    while order < s.max_order:
        page_head = page - (pfn & ((1 << order) - 1))
        if PageBuddy(page_head) and page_order(page_head) >= order:
            break
        order += 1
    return order < s.max_order


def _register_initcalls():
    """Model-only: register this file's initcall (``core_initcall(init_per_zone_wmark_min)``)."""
    from cmaport.include.linux.init import core_initcall

    core_initcall(init_per_zone_wmark_min)


_register_initcalls()


# Model: the counters' home (mm/vmstat.c), bound late: it includes this file's headers.
from cmaport.mm.vmstat import vmstat_c as _vmstat_c  # noqa: E402


# ==========================================================================================
# alloc_contig_range() and its helpers (mm/page_alloc.c @7016-7329): the isolation/CMA issue.
# Appended section; it uses mm/page_isolation.py, mm/compaction.py and the migration code
# (mm/migrate.py, mm/vmscan.py, mm/swap.py), all imported where they are called.
# ==========================================================================================

def has_unmovable_pages(zone, page, count, skip_hwpoisoned_pages):
    """mm/page_alloc.c: has_unmovable_pages() — does the pageblock starting at ``page``
    hold more than ``count`` pages that are in use and not on an LRU list?

    ZONE_MOVABLE, and pageblocks typed MOVABLE or CMA, are taken on trust: no page is
    looked at. Otherwise each pfn of the pageblock is checked: free buddy blocks are
    stepped over, pages with no reference (per-cpu pages, tails) and hwpoisoned pages (if
    asked) are ignored, and every other page that is not PageLRU counts. Like v4.9 this
    is not exact: a page only briefly off the LRU also counts.
    """
    from cmaport.include.linux.kernel import round_up
    from cmaport.include.linux.mmzone import zone_type
    from cmaport.include.linux.page_flags import PageHuge, PageHWPoison, PageLRU
    from cmaport.kernel.cost import account

    # Callers should drain the LRU pagevecs first (lru_add_drain_all) to see fewer
    # pages off the LRU; ZONE_MOVABLE never holds unmovable pages.
    if zone_idx(zone) == zone_type.get().ZONE_MOVABLE:
        return False
    mt = get_pageblock_migratetype(page)
    if mt == MIGRATE_MOVABLE or is_migrate_cma(mt):
        return False

    pageblock_nr_pages = 1 << _P().pageblock_order
    pfn = page_to_pfn(page)
    found = 0
    it = 0
    scanned = 0
    try:
        while it < pageblock_nr_pages:
            check = pfn + it
            scanned += 1
            if not pfn_valid_within(check):
                it += 1
                continue

            page = pfn_to_page(check)

            # Huge pages are movable though not on the LRU; skip their tails.
            if PageHuge(page):
                it = round_up(it + 1, 1 << compound_order(page)) - 1
                it += 1
                continue

            # No reference: free (skip a whole buddy block) or a tail page.
            if not page_ref_count(page):
                if PageBuddy(page):
                    it += (1 << page_order(page)) - 1
                it += 1
                continue

            if skip_hwpoisoned_pages and PageHWPoison(page):
                it += 1
                continue

            if not PageLRU(page):
                found += 1
            # PG_reserved pages (used kernel memory, holes) have a reference: they count.
            if found > count:
                return True
            it += 1
        return False
    finally:
        account("pages_scanned", scanned)


def pfn_max_align_down(pfn):
    """mm/page_alloc.c: pfn_max_align_down() — round down to
    max(MAX_ORDER_NR_PAGES, pageblock_nr_pages) (2048 pages, 8 MiB, by default)."""
    s = _P()
    return pfn & ~(max(1 << (s.max_order - 1), 1 << s.pageblock_order) - 1)


def pfn_max_align_up(pfn):
    """mm/page_alloc.c: pfn_max_align_up() — round up to
    max(MAX_ORDER_NR_PAGES, pageblock_nr_pages)."""
    s = _P()
    return ALIGN(pfn, max(1 << (s.max_order - 1), 1 << s.pageblock_order))


@attrs.define(slots=True, eq=False)
class alloc_contig_range_stats:
    """Model-only: what one alloc_contig_range() call did and what it would have cost.

    One record per call, made when the call returns (on every path). The cost fields are
    the kernel/cost.py counters accumulated during the call, whoever accounted them: the
    scanners and isolation (``pages_scanned``, ``pages_isolated``), migration
    (``pages_migrated``, ``pages_failed``, ``pages_copied``, ``ptes_updated``,
    ``tlb_flushes``, ``pages_allocated`` for the targets), the frees of the head and tail
    and of failed attempts (``pages_freed``), pcp/LRU drains (``drains``) and
    ``retries`` (here: each extra migrate_pages() round on pages left from the previous
    one; migrate_pages() may count its own passes too). ``time_ns`` is the simulated time
    the call took under the machine's cost table (kernel/cost.py ``set_costs``).

    ``ret`` is the return value; ``outer_start``/``outer_end`` the range of free blocks
    actually taken (``None`` when the call did not get that far); ``migrate_rounds`` the
    number of batches isolate_migratepages_range() produced and ``free_isolated`` the
    pages isolate_freepages_range() took. ``delta`` holds every counter, including events
    added to the cost table later.
    """

    start: int
    end: int
    migratetype: int
    ret: int = 0
    outer_start: object = None
    outer_end: object = None
    migrate_rounds: int = 0
    free_isolated: int = 0
    pages_scanned: int = 0
    pages_isolated: int = 0
    pages_migrated: int = 0
    pages_failed: int = 0
    retries: int = 0
    pages_copied: int = 0
    ptes_updated: int = 0
    tlb_flushes: int = 0
    pages_allocated: int = 0
    pages_freed: int = 0
    drains: int = 0
    time_ns: int = 0
    delta: dict = attrs.Factory(dict)


@statics
class alloc_contig_range_c:
    """Model-only: the per-call records of alloc_contig_range() on this machine.

    ``last`` is the record of the most recent call; ``history`` keeps the most recent
    ``history_limit`` records (oldest first) for latency distributions. Set
    ``history_limit`` (before the calls) to keep more or fewer; 0 keeps none.
    """

    last: object = None
    history: list = attrs.Factory(list)
    history_limit: int = 10000
    # The record of the call in progress (alloc_contig_range does not nest).
    current: object = None


def alloc_contig_range_last_stats():
    """Model-only: the ``alloc_contig_range_stats`` of the last call on the running
    machine (``None`` before the first)."""
    return alloc_contig_range_c.get().last


def alloc_contig_range_history():
    """Model-only: the ``alloc_contig_range_stats`` of the recent calls, oldest first."""
    return list(alloc_contig_range_c.get().history)


def _acr_stats_finish(rec, before, ret):
    """Model-only: close the record of one alloc_contig_range() call."""
    from cmaport.kernel.cost import delta

    d = delta(before)
    rec.ret = ret
    rec.delta = d
    for name in ("pages_scanned", "pages_isolated", "pages_migrated", "pages_failed",
                 "retries", "pages_copied", "ptes_updated", "tlb_flushes",
                 "pages_allocated", "pages_freed", "drains", "time_ns"):
        setattr(rec, name, d.get(name, 0))
    st = alloc_contig_range_c.get()
    st.last = rec
    st.current = None
    if st.history_limit > 0:
        st.history.append(rec)
        if len(st.history) > st.history_limit:
            del st.history[:len(st.history) - st.history_limit]
    return ret


def _model_check_contig_range(where, start, end, first_page=True):
    """Model-only: refuse a pfn range that v4.9 has no defined behaviour for.

    alloc_contig_range() and free_contig_range() trust their caller: a pfn without a
    ``struct page`` (outside the node, so outside mem_map) or an ``end`` before ``start``
    makes v4.9 read and write memory that is not a ``struct page`` (or free pages it
    does not own). The model cannot follow it there, so it raises ``InputError`` before
    changing anything. Ranges inside the node but outside the caller's zone, or crossing
    zones, keep v4.9's behaviour. ``first_page``: the caller reads the ``struct page`` of
    ``start`` even when the range is empty (alloc_contig_range does).
    """
    from cmaport.include.linux.mmzone import pgdat_end_pfn
    from cmaport.kernel.errors import InputError

    pgdat = NODE_DATA(0)
    lo = pgdat.node_start_pfn
    hi = pgdat_end_pfn(pgdat)
    if not (isinstance(start, int) and isinstance(end, int)):
        raise InputError(where, "pfns must be integers, not %r and %r" % (start, end))
    if end < start:
        raise InputError(where, "range [%#x, %#x) ends before it starts; v4.9 would free pages "
                         "it does not own" % (start, end))
    if start < lo or end > hi or (first_page and start >= hi):
        raise InputError(where, "range [%#x, %#x) is not inside the memory of node 0 "
                         "[%#x, %#x); v4.9 would use struct pages that do not exist"
                         % (start, end, lo, hi))


def __alloc_contig_migrate_range(cc, start, end):
    """mm/page_alloc.c: __alloc_contig_migrate_range() — migrate every movable page in use
    in ``[start, end)`` (one zone) elsewhere.

    Batch by batch (at most COMPACT_CLUSTER_MAX pages): isolate, drop clean page-cache
    pages outright (``reclaim_clean_pages_from_list``), migrate the rest with
    ``alloc_migrate_target`` targets. Pages that could not move yet stay on the list and
    are tried again; the fifth consecutive round with pages left gives up with -EBUSY
    (unless an error is already recorded). A fatal signal, or a scanner returning 0, gives
    -EINTR. On an error the leftovers go back to their lists. Returns 0 or the error; a
    positive migrate_pages() result (pages not migrated) is not an error.
    """
    from cmaport.include.linux.errno import EBUSY, EINTR
    from cmaport.include.linux.list import list_empty
    from cmaport.kernel.cost import account
    from cmaport.mm.compaction import fatal_signal_pending, isolate_migratepages_range
    from cmaport.include.linux.migrate import MR_CMA
    from cmaport.mm.migrate import migrate_pages, migrate_prep, putback_movable_pages
    from cmaport.mm.page_isolation import alloc_migrate_target
    from cmaport.mm.vmscan import reclaim_clean_pages_from_list

    pfn = start
    tries = 0
    ret = 0
    rec = alloc_contig_range_c.get().current

    migrate_prep()

    while pfn < end or not list_empty(cc.migratepages):
        if fatal_signal_pending():
            ret = -EINTR
            break

        if list_empty(cc.migratepages):
            cc.nr_migratepages = 0
            pfn = isolate_migratepages_range(cc, pfn, end)
            if rec is not None:
                rec.migrate_rounds += 1
            if not pfn:
                ret = -EINTR
                break
            tries = 0
        else:
            tries += 1
            if tries == 5:
                ret = ret if ret < 0 else -EBUSY
                break
            account("retries")

        nr_reclaimed = reclaim_clean_pages_from_list(cc.zone, cc.migratepages)
        cc.nr_migratepages -= nr_reclaimed

        ret = migrate_pages(cc.migratepages, alloc_migrate_target, None, 0, cc.mode, MR_CMA)

    if ret < 0:
        putback_movable_pages(cc.migratepages)
        return ret
    return 0


def alloc_contig_range(start, end, migratetype):
    """mm/page_alloc.c: alloc_contig_range() — allocate every page of the pfn range
    ``[start, end)`` (one zone; its pageblocks all ``migratetype``, MIGRATE_MOVABLE or
    MIGRATE_CMA; the caller alone changes their types — CMA holds cma_mutex).

    Returns 0 with each page of the range an order-0 page with one reference (give them
    back with ``free_contig_range``), or a negative errno. The steps (§5.2 of the
    reference inventory):

    1. isolate the range widened to max(MAX_ORDER_NR_PAGES, pageblock_nr_pages) on both
       sides; failure returns -EBUSY at once, silently;
    2. migrate what is in use in ``[start, end)`` (an -EBUSY from there carries on, so the
       test below can name the range);
    3. drain the LRU pagevecs and the per-cpu lists;
    4. find ``outer_start``, the head of the free block that holds ``start``;
    5. test_pages_isolated(outer_start, end): on failure print
       ``alloc_contig_range: [outer_start, end) PFNs busy`` (pr_info, line 7292) and
       return -EBUSY;
    6. take the free blocks with isolate_freepages_range (0 → -EBUSY, silently) and free
       the pages of ``[outer_start, start)`` and ``[end, outer_end)`` again;
    7. on every path, give the widened range back to ``migratetype``.

    Model-only: each call leaves an ``alloc_contig_range_stats`` record
    (``alloc_contig_range_last_stats()``). A range outside the node's memory, or one that
    ends before it starts, raises ``InputError`` (see ``_model_check_contig_range``).
    """
    from cmaport.include.linux.errno import EBUSY
    from cmaport.include.linux.list import LIST_HEAD, list_empty, list_head_release
    from cmaport.kernel.cost import account, snapshot
    from cmaport.include.linux.migrate_mode import MIGRATE_SYNC
    from cmaport.mm.compaction import isolate_freepages_range
    from cmaport.mm.internal import compact_control
    from cmaport.mm.page_isolation import (start_isolate_page_range, test_pages_isolated,
                                           undo_isolate_page_range)
    from cmaport.mm.swap import lru_add_drain_all

    _model_check_contig_range("alloc_contig_range", start, end)
    before = snapshot()
    rec = alloc_contig_range_stats(start=start, end=end, migratetype=migratetype)
    alloc_contig_range_c.get().current = rec

    cc = compact_control(nr_migratepages=0, order=-1, zone=page_zone(pfn_to_page(start)),
                         mode=MIGRATE_SYNC, ignore_skip_hint=True)
    cc.migratepages = LIST_HEAD()  # INIT_LIST_HEAD(&cc.migratepages)

    def cc_gone():
        """Model-only: release ``cc.migratepages``' list head slot as ``cc`` goes out of scope."""
        # Model: cc lived on the stack; its list head slot is given back (it is empty:
        # migration either emptied it or put the leftovers back).
        if list_empty(cc.migratepages):
            list_head_release(cc.migratepages)

    # Isolate whole MAX_ORDER blocks and pageblocks, so that no free block straddles the
    # edge of the isolated range and merges with a block of another type.
    ret = start_isolate_page_range(pfn_max_align_down(start), pfn_max_align_up(end),
                                   migratetype, False)
    if ret:
        cc_gone()
        return _acr_stats_finish(rec, before, ret)

    # goto done is the finally clause: the isolation is undone on every path below.
    try:
        ret = __alloc_contig_migrate_range(cc, start, end)
        # -EBUSY falls through: test_pages_isolated below names the busy range.
        if ret and ret != -EBUSY:
            return ret

        # Freed pages may still sit in pagevecs or per-cpu lists: flush them.
        lru_add_drain_all()
        drain_all_pages(cc.zone)
        account("drains")

        # The free block holding start may begin below it: find its head.
        max_order = _P().max_order
        order = 0
        outer_start = start
        while not PageBuddy(pfn_to_page(outer_start)):
            order += 1
            if order >= max_order:
                outer_start = start
                break
            outer_start &= (~0 << order) & ULONG_MAX

        if outer_start != start:
            order = page_order(pfn_to_page(outer_start))
            # A smaller free block below start does not hold start: report from start.
            if outer_start + (1 << order) <= start:
                outer_start = start
        rec.outer_start = outer_start

        # Every page of the range must now be free and isolated.
        if test_pages_isolated(outer_start, end, False):
            _pr.info("%s: [%lx, %lx) PFNs busy\n", "alloc_contig_range", outer_start, end)
            ret = -EBUSY
            return ret

        # Take the free blocks off the (isolated) free lists.
        outer_end = isolate_freepages_range(cc, outer_start, end)
        rec.free_isolated = cc.nr_freepages
        if not outer_end:
            ret = -EBUSY
            return ret
        rec.outer_end = outer_end

        # Give back what the free blocks held beyond the range.
        if start != outer_start:
            free_contig_range(outer_start, start - outer_start)
        if end != outer_end:
            free_contig_range(end, outer_end - end)
        return ret
    finally:
        # done:
        undo_isolate_page_range(pfn_max_align_down(start), pfn_max_align_up(end),
                                migratetype)
        cc_gone()
        _acr_stats_finish(rec, before, ret)


def free_contig_range(pfn, nr_pages):
    """mm/page_alloc.c: free_contig_range() — drop one reference on each of the
    ``nr_pages`` pages from ``pfn`` (freeing them), and WARN with the number of pages that
    had other references (line 7327)."""
    from cmaport.include.linux.gfp import __free_page
    from cmaport.include.linux.page_ref import page_count
    from cmaport.kernel.cost import account
    from cmaport.kernel.panic import WARN

    nr_pages &= 0xFFFFFFFF  # unsigned int nr_pages
    _model_check_contig_range("free_contig_range", pfn, pfn + nr_pages, first_page=False)
    count = 0
    n = nr_pages
    while n:
        n -= 1
        page = pfn_to_page(pfn)
        count += page_count(page) != 1
        __free_page(page)
        pfn += 1
    if nr_pages:
        account("pages_freed", nr_pages)
    WARN(count != 0, "%d pages are still in use!\n", count, line=7327)
