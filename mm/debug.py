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
    """Model-only: the value ``%p`` prints for a pointer field (``None`` for NULL)."""
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


def model_migration_entries():
    """Model-only: every migration entry left in a page table, as ``(mm, addr, pfn, write)``.

    After a migration has completed there must be none (remove_migration_ptes replaced them
    all).
    """
    from cmaport.arch.arm.include.asm.page import PAGE_SIZE
    from cmaport.arch.arm.include.asm.pgtable import (PTRS_PER_PTE, pte_none, pte_present)
    from cmaport.include.linux.swapops import (is_migration_entry, is_write_migration_entry,
                                               pte_to_swp_entry, swp_offset)
    from cmaport.kernel.fork import model_all_mms

    out = []
    for mm in model_all_mms():
        if mm.pgd is None:
            continue
        for i, table in enumerate(mm.pgd.entries):
            if table is None:
                continue
            for j in range(PTRS_PER_PTE):
                pte = table.ptes[j]
                if pte_none(pte) or pte_present(pte):
                    continue
                entry = pte_to_swp_entry(pte)
                if is_migration_entry(entry):
                    addr = (i << 21) + j * PAGE_SIZE
                    out.append((mm, addr, swp_offset(entry), is_write_migration_entry(entry)))
    return out


def model_check_rmap():
    """Model-only: check the reverse mappings against the page tables; return the problems.

    Walks every pte of every live mm: a present pte's page must be mapped exactly as many
    times as ptes map it (``page_mapcount``; at least that many references too); an
    anonymous page's anon_vma must share the root of the VMA's and its index must be the
    VMA's linear index; a file page must belong to the VMA's file at that index; every
    page with a mapcount must be found in some pte. Every VMA must be reachable from its
    rmap structures (the anon_vma trees, the file's i_mmap). NR_ANON_MAPPED and
    NR_FILE_MAPPED must count the mapped pages. Migration entries are reported by
    ``model_migration_entries`` (they are legal while a migration runs).
    """
    from cmaport.arch.arm.include.asm.page import PAGE_SIZE
    from cmaport.arch.arm.include.asm.pgtable import pte_none, pte_present
    from cmaport.include.linux.mm import linear_page_index, page_to_pfn
    from cmaport.include.linux.mmzone import NR_ANON_MAPPED, NR_FILE_MAPPED
    from cmaport.include.linux.page_flags import PageAnon
    from cmaport.include.linux.vmstat import global_node_page_state
    from cmaport.kernel.fork import model_all_mms
    from cmaport.mm.memory import vm_normal_page
    from cmaport.mm.util import page_anon_vma, page_mapping

    s = struct_page_arrays.get()
    problems = []
    ptes_of = {}
    for mm in model_all_mms():
        vma = mm.mmap
        n = 0
        prev_end = 0
        while vma is not None:
            n += 1
            if vma.vm_start < prev_end or vma.vm_start >= vma.vm_end:
                problems.append(f"mm {mm.model_id}: {vma!r} overlaps or is empty")
            prev_end = vma.vm_end
            if vma.vm_mm is not mm:
                problems.append(f"mm {mm.model_id}: {vma!r} has another vm_mm")
            for avc in vma.anon_vma_chain:
                if avc not in avc.anon_vma.rb_root:
                    problems.append(f"mm {mm.model_id}: {vma!r} is missing from an anon_vma tree")
            if vma.anon_vma is not None and not any(a.anon_vma is vma.anon_vma
                                                    for a in vma.anon_vma_chain):
                problems.append(f"mm {mm.model_id}: {vma!r} is not chained to its anon_vma")
            if vma.vm_file is not None and vma not in vma.vm_file.f_mapping.i_mmap:
                problems.append(f"mm {mm.model_id}: {vma!r} is missing from its file's i_mmap")
            for addr in range(vma.vm_start, vma.vm_end, PAGE_SIZE):
                table = mm.pgd.entries[addr >> 21]
                if table is None:
                    continue
                pte = table.ptes[(addr >> 12) & 511]
                if pte_none(pte) or not pte_present(pte):
                    continue
                page = vm_normal_page(vma, addr, pte)
                if page is None:
                    continue
                ptes_of[page] = ptes_of.get(page, 0) + 1
                pfn = page_to_pfn(page)
                if PageAnon(page):
                    av = page_anon_vma(page)
                    if vma.anon_vma is None or av is None or av.root is not vma.anon_vma.root:
                        problems.append(f"pfn {pfn:#x} at {addr:#x}: anon_vma root differs from the VMA's")
                    if s.index[page] != linear_page_index(vma, addr):
                        problems.append(f"pfn {pfn:#x} at {addr:#x}: index {s.index[page]:#x} is not "
                                        f"the linear index {linear_page_index(vma, addr):#x}")
                else:
                    mapping = page_mapping(page)
                    if vma.vm_file is None or mapping is not vma.vm_file.f_mapping:
                        problems.append(f"pfn {pfn:#x} at {addr:#x}: not a page of the VMA's file")
                    elif s.index[page] != linear_page_index(vma, addr):
                        problems.append(f"pfn {pfn:#x} at {addr:#x}: file index {s.index[page]} is not "
                                        f"{linear_page_index(vma, addr)}")
            vma = vma.vm_next
        if n != mm.map_count:
            problems.append(f"mm {mm.model_id}: map_count {mm.map_count} but {n} VMAs")
    anon_mapped = file_mapped = 0
    mc = s._mapcount
    for page in range(s.nr_pages):
        c = mc[page]
        if c < 0:
            continue
        expected = ptes_of.get(page, 0)
        if c + 1 != expected:
            problems.append(f"pfn {page_to_pfn(page):#x}: mapcount {c + 1} but {expected} ptes map it")
        if s._refcount[page] < c + 1:
            problems.append(f"pfn {page_to_pfn(page):#x}: refcount {s._refcount[page]} below mapcount {c + 1}")
        if PageAnon(page):
            anon_mapped += 1
        else:
            file_mapped += 1
    for page in ptes_of:
        if mc[page] < 0:
            problems.append(f"pfn {page_to_pfn(page):#x}: mapped by {ptes_of[page]} ptes but mapcount 0")
    if global_node_page_state(NR_ANON_MAPPED) != anon_mapped:
        problems.append(f"NR_ANON_MAPPED {global_node_page_state(NR_ANON_MAPPED)} != {anon_mapped}")
    if global_node_page_state(NR_FILE_MAPPED) != file_mapped:
        problems.append(f"NR_FILE_MAPPED {global_node_page_state(NR_FILE_MAPPED)} != {file_mapped}")
    return problems


def model_check_lru():
    """Model-only: check the node's LRU lists; return the problems.

    Every page on a list has PG_lru, belongs on that list (``page_lru``) and is on one list
    only; each list's length equals its node counter and the zones' counters sum to it;
    every PG_lru page is on a list; pages waiting in the per-cpu pagevecs are not on one;
    NR_MLOCK counts the PG_mlocked pages and NR_FILE_PAGES the page-cache pages.
    """
    from cmaport.include.linux.list import list_for_each
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.include.linux.mm_inline import page_lru
    from cmaport.include.linux.mmzone import (NODE_DATA, NR_FILE_PAGES, NR_LRU_BASE, NR_MLOCK,
                                              NR_LRU_LISTS, NR_ZONE_LRU_BASE)
    from cmaport.include.linux.page_flags import PG_lru, PG_mlocked
    from cmaport.include.linux.vmstat import global_node_page_state, global_page_state
    from cmaport.mm.swap import model_pagevec_pages

    s = struct_page_arrays.get()
    pgdat = NODE_DATA(0)
    problems = []
    on = {}
    for lru in range(NR_LRU_LISTS):
        n = 0
        for page in list_for_each(pgdat.lruvec.lists[lru]):
            n += 1
            pfn = page_to_pfn(page)
            if page in on:
                problems.append(f"pfn {pfn:#x} is on LRU lists {on[page]} and {lru}")
            on[page] = lru
            if not s.flags[page] & (1 << PG_lru):
                problems.append(f"pfn {pfn:#x} on LRU list {lru} has no PG_lru")
            elif page_lru(page) != lru:
                problems.append(f"pfn {pfn:#x} on LRU list {lru} belongs on list {page_lru(page)}")
        if pgdat.vm_stat[NR_LRU_BASE + lru] != n:
            problems.append(f"LRU list {lru}: counter {pgdat.vm_stat[NR_LRU_BASE + lru]} but {n} pages")
        zsum = sum(z.vm_stat[NR_ZONE_LRU_BASE + lru] for z in pgdat.node_zones)
        if zsum != n:
            problems.append(f"LRU list {lru}: zone counters sum to {zsum} but {n} pages")
    mlocked = 0
    lru_bit = 1 << PG_lru
    mlock_bit = 1 << PG_mlocked
    flags = s.flags
    for page in range(s.nr_pages):
        f = flags[page]
        if f & lru_bit and page not in on and s._mapcount[page] != -128:
            problems.append(f"pfn {page_to_pfn(page):#x} has PG_lru but is on no LRU list")
        if f & mlock_bit:
            mlocked += 1
    for page in model_pagevec_pages("lru_add_pvec"):
        if page in on:
            problems.append(f"pfn {page_to_pfn(page):#x} is in an lru_add pagevec and on LRU list {on[page]}")
    for which in ("lru_rotate_pvecs", "activate_page_pvecs"):
        for page in model_pagevec_pages(which):
            if s._refcount[page] < 1:
                problems.append(f"pfn {page_to_pfn(page):#x} is in {which} without a reference")
    if global_page_state(NR_MLOCK) != mlocked:
        problems.append(f"NR_MLOCK {global_page_state(NR_MLOCK)} != {mlocked} PG_mlocked pages")
    from cmaport.include.linux.fs import address_space

    cached = sum(1 for v in s.mapping.values() if isinstance(v, address_space))
    if global_node_page_state(NR_FILE_PAGES) != cached:
        problems.append(f"NR_FILE_PAGES {global_node_page_state(NR_FILE_PAGES)} != {cached} page-cache pages")
    return problems


def model_pte_at(mm, addr):
    """Model-only: the Linux pte that maps user address ``addr`` in ``mm`` (0 if none)."""
    table = mm.pgd.entries[addr >> 21]
    if table is None:
        return 0
    return table.ptes[(addr >> 12) & 511]


def model_page_at(mm, addr):
    """Model-only: the ``struct page *`` a present pte maps at ``addr`` in ``mm`` (``None`` for
    no pte, a migration entry, or the zero page)."""
    from cmaport.arch.arm.include.asm.pgtable import pte_present
    from cmaport.mm.memory import vm_normal_page
    from cmaport.mm.mmap import find_vma

    pte = model_pte_at(mm, addr)
    if not pte_present(pte):
        return None
    vma = find_vma(mm, addr)
    if vma is None or vma.vm_start > addr:
        return None
    return vm_normal_page(vma, addr, pte)
