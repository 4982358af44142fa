# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/gfp.h: GFP flags, the zone table, and the page allocation entry points.

The bits are v4.9's (26 bits, ``__GFP_BITS_SHIFT``). ``gfp_zone()`` uses the kernel's
``GFP_ZONE_TABLE`` built for this machine's zones (``GFP_ZONES_SHIFT`` is
``ZONES_SHIFT``). ``gfpflags_to_migratetype()`` maps ``__GFP_MOVABLE`` to
MIGRATE_MOVABLE and ``__GFP_RECLAIMABLE`` to MIGRATE_RECLAIMABLE unless
``page_group_by_mobility_disabled`` (then every request is MIGRATE_UNMOVABLE — and so
never gets ALLOC_CMA).

The allocation wrappers (``alloc_pages``, ``alloc_page``, ``__get_free_page``,
``__free_page``, ``free_page``) are the !NUMA macros of gfp.h; the real work is in
mm/page_alloc.py.
"""

from cmaport.kernel.machine import _running

___GFP_DMA = 0x01
___GFP_HIGHMEM = 0x02
___GFP_DMA32 = 0x04
___GFP_MOVABLE = 0x08
___GFP_RECLAIMABLE = 0x10
___GFP_HIGH = 0x20
___GFP_IO = 0x40
___GFP_FS = 0x80
___GFP_COLD = 0x100
___GFP_NOWARN = 0x200
___GFP_REPEAT = 0x400
___GFP_NOFAIL = 0x800
___GFP_NORETRY = 0x1000
___GFP_MEMALLOC = 0x2000
___GFP_COMP = 0x4000
___GFP_ZERO = 0x8000
___GFP_NOMEMALLOC = 0x10000
___GFP_HARDWALL = 0x20000
___GFP_THISNODE = 0x40000
___GFP_ATOMIC = 0x80000
___GFP_ACCOUNT = 0x100000
___GFP_NOTRACK = 0x200000
___GFP_DIRECT_RECLAIM = 0x400000
___GFP_OTHER_NODE = 0x800000
___GFP_WRITE = 0x1000000
___GFP_KSWAPD_RECLAIM = 0x2000000

__GFP_DMA = ___GFP_DMA
__GFP_HIGHMEM = ___GFP_HIGHMEM
__GFP_DMA32 = ___GFP_DMA32
__GFP_MOVABLE = ___GFP_MOVABLE
GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE
__GFP_RECLAIMABLE = ___GFP_RECLAIMABLE
__GFP_WRITE = ___GFP_WRITE
__GFP_HARDWALL = ___GFP_HARDWALL
__GFP_THISNODE = ___GFP_THISNODE
__GFP_ACCOUNT = ___GFP_ACCOUNT
__GFP_ATOMIC = ___GFP_ATOMIC
__GFP_HIGH = ___GFP_HIGH
__GFP_MEMALLOC = ___GFP_MEMALLOC
__GFP_NOMEMALLOC = ___GFP_NOMEMALLOC
__GFP_IO = ___GFP_IO
__GFP_FS = ___GFP_FS
__GFP_DIRECT_RECLAIM = ___GFP_DIRECT_RECLAIM
__GFP_KSWAPD_RECLAIM = ___GFP_KSWAPD_RECLAIM
__GFP_RECLAIM = ___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM
__GFP_REPEAT = ___GFP_REPEAT
__GFP_NOFAIL = ___GFP_NOFAIL
__GFP_NORETRY = ___GFP_NORETRY
__GFP_COLD = ___GFP_COLD
__GFP_NOWARN = ___GFP_NOWARN
__GFP_COMP = ___GFP_COMP
__GFP_ZERO = ___GFP_ZERO
__GFP_NOTRACK = ___GFP_NOTRACK
__GFP_NOTRACK_FALSE_POSITIVE = __GFP_NOTRACK
__GFP_OTHER_NODE = ___GFP_OTHER_NODE
__GFP_BITS_SHIFT = 26
__GFP_BITS_MASK = (1 << __GFP_BITS_SHIFT) - 1

GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM
GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS
GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT
GFP_NOWAIT = __GFP_KSWAPD_RECLAIM
GFP_NOIO = __GFP_RECLAIM
GFP_NOFS = __GFP_RECLAIM | __GFP_IO
GFP_TEMPORARY = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_RECLAIMABLE
GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL
GFP_DMA = __GFP_DMA
GFP_DMA32 = __GFP_DMA32
GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM
GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE
GFP_TRANSHUGE_LIGHT = ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN)
                       & ~__GFP_RECLAIM)
GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM

# mm/internal.h
GFP_RECLAIM_MASK = (__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_NOWARN
                    | __GFP_REPEAT | __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC
                    | __GFP_NOMEMALLOC)
GFP_BOOT_MASK = __GFP_BITS_MASK & ~(__GFP_RECLAIM | __GFP_IO | __GFP_FS)

GFP_MOVABLE_MASK = __GFP_RECLAIMABLE | __GFP_MOVABLE
GFP_MOVABLE_SHIFT = 3


def gfpflags_to_migratetype(gfp_flags):
    """include/linux/gfp.h: gfpflags_to_migratetype() — the free lists a request prefers.

    Both mobility bits at once is a caller's bug (VM_WARN_ON with CONFIG_DEBUG_VM); the
    result is then 3, MIGRATE_HIGHATOMIC, which v4.9 does not stop: see
    ``fallbacks[MIGRATE_HIGHATOMIC]`` and ``buffered_rmqueue`` in mm/page_alloc.py.
    """
    if (gfp_flags & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK:
        import sys

        from cmaport.include.linux.mm import VM_WARN_ON

        # A static inline: the WARNING names gfp.h's line and the function it is inlined in.
        VM_WARN_ON(True, line=269, function=sys._getframe(1).f_code.co_name)
    if _running.get()._statics[_page_alloc.page_alloc_c].page_group_by_mobility_disabled:
        return 0  # MIGRATE_UNMOVABLE
    return (gfp_flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT


def gfpflags_allow_blocking(gfp_flags):
    """include/linux/gfp.h: gfpflags_allow_blocking() — __GFP_DIRECT_RECLAIM is set."""
    return bool(gfp_flags & __GFP_DIRECT_RECLAIM)


def _zone_table(z):
    """Model-only: GFP_ZONE_TABLE and GFP_ZONE_BAD for the zones of ``z`` (a ``zone_type``)."""
    shift = z.ZONES_SHIFT
    opt_highmem = z.ZONE_HIGHMEM if z.ZONE_HIGHMEM is not None else z.ZONE_NORMAL
    opt_dma = z.ZONE_DMA if z.ZONE_DMA is not None else z.ZONE_NORMAL
    opt_dma32 = z.ZONE_NORMAL  # ARM has no ZONE_DMA32
    table = ((z.ZONE_NORMAL << 0 * shift)
             | (opt_dma << ___GFP_DMA * shift)
             | (opt_highmem << ___GFP_HIGHMEM * shift)
             | (opt_dma32 << ___GFP_DMA32 * shift)
             | (z.ZONE_NORMAL << ___GFP_MOVABLE * shift)
             | (opt_dma << (___GFP_MOVABLE | ___GFP_DMA) * shift)
             | (z.ZONE_MOVABLE << (___GFP_MOVABLE | ___GFP_HIGHMEM) * shift)
             | (opt_dma32 << (___GFP_MOVABLE | ___GFP_DMA32) * shift))
    bad = (1 << (___GFP_DMA | ___GFP_HIGHMEM)
           | 1 << (___GFP_DMA | ___GFP_DMA32)
           | 1 << (___GFP_DMA32 | ___GFP_HIGHMEM)
           | 1 << (___GFP_DMA | ___GFP_DMA32 | ___GFP_HIGHMEM)
           | 1 << (___GFP_MOVABLE | ___GFP_HIGHMEM | ___GFP_DMA)
           | 1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_DMA)
           | 1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_HIGHMEM)
           | 1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_DMA | ___GFP_HIGHMEM))
    return table, bad


def gfp_zone(flags):
    """include/linux/gfp.h: gfp_zone() — the highest zone a request may use.

    ``VM_BUG_ON`` of a bad zone combination belongs to CONFIG_DEBUG_VM.
    """
    z = _running.get()._statics[_mmzone.zone_type]
    bit = flags & GFP_ZONEMASK
    if (z.GFP_ZONE_BAD >> bit) & 1:
        from cmaport.kernel.machine import this_machine

        if this_machine().config.get("CONFIG_DEBUG_VM"):
            from cmaport.kernel.panic import BUG

            BUG("VM_BUG_ON((GFP_ZONE_BAD >> bit) & 1)")
    # (GFP_ZONE_TABLE >> (bit * GFP_ZONES_SHIFT)) & ((1 << GFP_ZONES_SHIFT) - 1), looked up
    # in the table's 16 entries, decoded once per machine.
    return z.gfp_zone_of[bit]


def gfp_zonelist(flags):
    """include/linux/gfp.h: gfp_zonelist() — ZONELIST_FALLBACK (no NUMA)."""
    return 0


def node_zonelist(nid, flags):
    """include/linux/gfp.h: node_zonelist() — ``NODE_DATA(nid)->node_zonelists + gfp_zonelist(flags)``."""
    from cmaport.include.linux.mmzone import NODE_DATA

    return NODE_DATA(nid).node_zonelists[gfp_zonelist(flags)]


def numa_node_id():
    """include/linux/topology.h: numa_node_id() — 0."""
    return 0


def __alloc_pages(gfp_mask, order, zonelist):
    """include/linux/gfp.h: __alloc_pages() — ``__alloc_pages_nodemask`` with no nodemask."""
    return _page_alloc.__alloc_pages_nodemask(gfp_mask, order, zonelist, None)


def __alloc_pages_node(nid, gfp_mask, order):
    """include/linux/gfp.h: __alloc_pages_node() — from ``nid``'s zonelist."""
    return _page_alloc.__alloc_pages_nodemask(
        gfp_mask, order, _mmzone.NODE_DATA(nid).node_zonelists[0], None)


def alloc_pages_node(nid, gfp_mask, order):
    """include/linux/gfp.h: alloc_pages_node() — NUMA_NO_NODE means the local node."""
    if nid == -1:
        nid = 0  # numa_mem_id()
    return __alloc_pages_node(nid, gfp_mask, order)


def alloc_pages(gfp_mask, order):
    """include/linux/gfp.h: alloc_pages() — ``alloc_pages_node(numa_node_id(), …)`` (!NUMA).

    The inline chain alloc_pages_node → __alloc_pages_node → __alloc_pages is folded, as
    the compiler folds it: ``__alloc_pages_nodemask(gfp_mask, order,
    node_zonelist(0, gfp_mask), NULL)``.
    """
    return _page_alloc.__alloc_pages_nodemask(
        gfp_mask, order,
        _running.get()._statics[_nobootmem.nobootmem_c].contig_page_data.node_zonelists[0],
        None)


def alloc_page(gfp_mask):
    """include/linux/gfp.h: alloc_page()."""
    return alloc_pages(gfp_mask, 0)


def __get_free_page(gfp_mask):
    """include/linux/gfp.h: __get_free_page()."""
    return _page_alloc.__get_free_pages(gfp_mask, 0)


def __get_dma_pages(gfp_mask, order):
    """include/linux/gfp.h: __get_dma_pages()."""
    return _page_alloc.__get_free_pages(gfp_mask | GFP_DMA, order)


def __free_page(page):
    """include/linux/gfp.h: __free_page()."""
    _page_alloc.__free_pages(page, 0)


def free_page(addr):
    """include/linux/gfp.h: free_page()."""
    _page_alloc.free_pages(addr, 0)


# --- %pGg: gfpflag_names (include/trace/events/mmflags.h) ---------------------------

gfpflag_names = (
    (GFP_TRANSHUGE, "GFP_TRANSHUGE"),
    (GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT"),
    (GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"),
    (GFP_HIGHUSER, "GFP_HIGHUSER"),
    (GFP_USER, "GFP_USER"),
    (GFP_TEMPORARY, "GFP_TEMPORARY"),
    (GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"),
    (GFP_KERNEL, "GFP_KERNEL"),
    (GFP_NOFS, "GFP_NOFS"),
    (GFP_ATOMIC, "GFP_ATOMIC"),
    (GFP_NOIO, "GFP_NOIO"),
    (GFP_NOWAIT, "GFP_NOWAIT"),
    (GFP_DMA, "GFP_DMA"),
    (__GFP_HIGHMEM, "__GFP_HIGHMEM"),
    (GFP_DMA32, "GFP_DMA32"),
    (__GFP_HIGH, "__GFP_HIGH"),
    (__GFP_ATOMIC, "__GFP_ATOMIC"),
    (__GFP_IO, "__GFP_IO"),
    (__GFP_FS, "__GFP_FS"),
    (__GFP_COLD, "__GFP_COLD"),
    (__GFP_NOWARN, "__GFP_NOWARN"),
    (__GFP_REPEAT, "__GFP_REPEAT"),
    (__GFP_NOFAIL, "__GFP_NOFAIL"),
    (__GFP_NORETRY, "__GFP_NORETRY"),
    (__GFP_COMP, "__GFP_COMP"),
    (__GFP_ZERO, "__GFP_ZERO"),
    (__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"),
    (__GFP_MEMALLOC, "__GFP_MEMALLOC"),
    (__GFP_HARDWALL, "__GFP_HARDWALL"),
    (__GFP_THISNODE, "__GFP_THISNODE"),
    (__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"),
    (__GFP_MOVABLE, "__GFP_MOVABLE"),
    (__GFP_ACCOUNT, "__GFP_ACCOUNT"),
    (__GFP_NOTRACK, "__GFP_NOTRACK"),
    (__GFP_WRITE, "__GFP_WRITE"),
    (__GFP_RECLAIM, "__GFP_RECLAIM"),
    (__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"),
    (__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"),
    (__GFP_OTHER_NODE, "__GFP_OTHER_NODE"),
)


def _render_gfpflags(flags):
    """lib/vsprintf.c: flags_string() case 'g' — format_flags over gfpflag_names."""
    from cmaport.include.linux.page_flags import format_flags

    return format_flags(flags, gfpflag_names)


def _register():
    """Model-only: hook the ``%pGg`` renderer into lib/vsprintf.py at import."""
    from cmaport.lib.vsprintf import register_flags_renderer

    register_flags_renderer("g", _render_gfpflags)


_register()

# Model: the modules these inline functions call into are bound at the end, after this
# header's names exist, because they include this header themselves (as C headers and
# .c files do); the functions look them up when they run.
from cmaport.include.linux import mmzone as _mmzone  # noqa: E402
from cmaport.mm import nobootmem as _nobootmem  # noqa: E402
from cmaport.mm import page_alloc as _page_alloc  # noqa: E402
