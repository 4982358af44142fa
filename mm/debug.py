# SPDX-License-Identifier: GPL-2.0-only
"""mm/debug.c: dump_page() — the page dump of bad_page() and VM_BUG_ON_PAGE().

``%p`` of a ``struct page *`` prints the address of the struct page in the kernel's
linear map, as v4.9 does (unhashed): ``node_mem_map``'s virtual address plus 32 bytes per
entry. ``mapping:%p`` prints the pointer value: NULL as ``  (null)``; the model's
stand-in objects print their ``model_address`` attribute when they have one, else 0.
"""

from cmaport.include.linux.mm import page_mapcount, page_to_pgoff
from cmaport.include.linux.mm_types import SIZEOF_STRUCT_PAGE, struct_page_arrays
from cmaport.include.linux.page_flags import PageCompound, PageSlab
from cmaport.include.linux.page_ref import page_ref_count
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")


def struct_page_address(page):
    """Model-only: the kernel virtual address of ``struct page`` number ``page``."""
    from cmaport.include.linux.mmzone import NODE_DATA

    pgdat = NODE_DATA(0)
    return (pgdat.node_mem_map_virt + (page - (pgdat.node_mem_map or 0)) * SIZEOF_STRUCT_PAGE) & 0xFFFFFFFF


def _pointer_value(v):
    if v is None:
        return None
    if isinstance(v, int):
        return v & 0xFFFFFFFF
    return getattr(v, "model_address", 0)


def __dump_page(page, reason):
    """mm/debug.c: __dump_page() — count, mapcount, mapping, index, flags and the reason."""
    from cmaport.include.linux.mm import compound_mapcount

    s = struct_page_arrays.get()
    # Slab pages use _mapcount for their own bookkeeping.
    mapcount = 0 if PageSlab(page) else page_mapcount(page)  # noqa: F821 (generated)
    _pr.emerg("page:%p count:%d mapcount:%d mapping:%p index:%#lx",
              struct_page_address(page), page_ref_count(page), mapcount,
              _pointer_value(s.mapping.get(page)), page_to_pgoff(page))
    if PageCompound(page):
        _pr.cont(" compound_mapcount: %d", compound_mapcount(page))
    _pr.cont("\n")
    _pr.emerg("flags: %#lx(%pGp)\n", s.flags[page], s.flags[page])
    if reason:
        _pr.alert("page dumped because: %s\n", reason)


def dump_page(page, reason):
    """mm/debug.c: dump_page() — __dump_page and the page owner (not modelled)."""
    __dump_page(page, reason)


def model_check_zone(zone):
    """Model-only: check a zone's buddy allocator bookkeeping; return the problems found.

    Checks what the kernel's data structures promise: every free-list entry is a
    PageBuddy head of its list's order, aligned, inside the zone, with count 0; no page
    belongs to two free blocks or to a free block and a per-cpu list; ``nr_free`` matches
    the lists; NR_FREE_PAGES equals the pages on the free lists outside MIGRATE_ISOLATE
    and NR_FREE_CMA_PAGES those on the CMA lists; the per-cpu counts match their lists;
    and no two free buddies of the same order (below MAX_ORDER-1) are left unmerged.
    For tests and for developers chasing a bookkeeping bug; the kernel has no such check.
    """
    from cmaport.include.linux.list import list_for_each
    from cmaport.include.linux.mm import page_to_pfn, page_zone
    from cmaport.include.linux.mmzone import (MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_PCPTYPES,
                                              MIGRATE_TYPES, NR_FREE_CMA_PAGES, NR_FREE_PAGES,
                                              zone_end_pfn)
    from cmaport.include.linux.page_flags import PAGE_BUDDY_MAPCOUNT_VALUE

    s = struct_page_arrays.get()
    problems = []
    owner = {}  # page -> (order, type) of the free block covering it
    blocks = {}  # head page -> order
    free_pages = 0
    cma_pages = 0
    max_order = s.max_order
    for order in range(max_order):
        area = zone.free_area[order]
        n = 0
        for t in range(MIGRATE_TYPES):
            for page in list_for_each(area.free_list[t]):
                n += 1
                pfn = page_to_pfn(page)
                if s._mapcount[page] != PAGE_BUDDY_MAPCOUNT_VALUE:
                    problems.append(f"pfn {pfn:#x} on free list {order}/{t} is not PageBuddy")
                if s.private[page] != order:
                    problems.append(f"pfn {pfn:#x} on free list order {order} has order {s.private[page]}")
                if pfn & ((1 << order) - 1):
                    problems.append(f"pfn {pfn:#x} is not aligned to order {order}")
                if not (zone.zone_start_pfn <= pfn and pfn + (1 << order) <= zone_end_pfn(zone)):
                    problems.append(f"block {pfn:#x}/{order} is outside zone {zone.name}")
                if s._refcount[page] != 0:
                    problems.append(f"free block {pfn:#x} has _refcount {s._refcount[page]}")
                if page in blocks:
                    problems.append(f"pfn {pfn:#x} is on two free lists")
                blocks[page] = order
                for p in range(page, page + (1 << order)):
                    if p in owner:
                        problems.append(f"page {page_to_pfn(p):#x} is in two free blocks")
                    owner[p] = (order, t)
                if t != MIGRATE_ISOLATE:
                    free_pages += 1 << order
                if t == MIGRATE_CMA:
                    cma_pages += 1 << order
        if n != area.nr_free:
            problems.append(f"order {order}: nr_free {area.nr_free} but {n} blocks on the lists")
    if zone.vm_stat[NR_FREE_PAGES] != free_pages:
        problems.append(f"NR_FREE_PAGES {zone.vm_stat[NR_FREE_PAGES]} != {free_pages} pages on the free lists")
    if zone.vm_stat[NR_FREE_CMA_PAGES] != cma_pages:
        problems.append(f"NR_FREE_CMA_PAGES {zone.vm_stat[NR_FREE_CMA_PAGES]} != {cma_pages} pages on the CMA lists")
    seen_pcp = set()
    for cpu, pset in enumerate(zone.pageset[:1]):
        pcp = pset.pcp
        count = 0
        for t in range(MIGRATE_PCPTYPES):
            for page in list_for_each(pcp.lists[t]):
                count += 1
                if page in owner:
                    problems.append(f"pcp page {page_to_pfn(page):#x} is also in a free block")
                if page in seen_pcp:
                    problems.append(f"pcp page {page_to_pfn(page):#x} is on two pcp lists")
                seen_pcp.add(page)
                if page_zone(page) is not zone:
                    problems.append(f"pcp page {page_to_pfn(page):#x} belongs to another zone")
        if count != pcp.count:
            problems.append(f"cpu {cpu}: pcp count {pcp.count} but {count} pages on the lists")
    for page, order in blocks.items():
        if order >= max_order - 1:
            continue
        pfn = page_to_pfn(page)
        buddy = page + ((pfn ^ (1 << order)) - pfn)
        if blocks.get(buddy) == order and page_zone(buddy) is zone:
            if page < buddy:
                problems.append(f"free buddies {pfn:#x} and {page_to_pfn(buddy):#x} of order {order} "
                                "are not merged")
    return problems
