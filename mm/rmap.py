# SPDX-License-Identifier: GPL-2.0-only
"""mm/rmap.c: reverse mapping — from a page to every pte that maps it.

An anonymous page's ``mapping`` is its ``anon_vma`` (tagged PAGE_MAPPING_ANON); every
VMA that may map it is linked to that anon_vma through an ``anon_vma_chain``. A file
page's ``mapping`` is its ``address_space``, whose ``i_mmap`` holds every VMA mapping the
file. ``rmap_walk`` visits the VMAs that could map a page at its offset and calls
``rmap_one`` for each; ``try_to_unmap`` (here: with TTU_MIGRATION, migration entries)
and ``remove_migration_ptes`` (mm/migrate.py) are built on it.

Model: the interval trees are lists (include/linux/rmap.py); the walks visit the entries
whose VMA covers the page offset, in the order they were linked. No locks (one CPU).
"""

from cmaport.arch.arm.include.asm.pgtable import (pmd_none, pmdp_get, pgd_offset, pmd_offset,
                                                  pte_dirty, pte_offset_map, pte_pfn,
                                                  pte_present, pte_write, ptep_clear_flush,
                                                  ptep_clear_flush_young, ptep_get, pud_offset,
                                                  set_pte_at)
from cmaport.arch.arm.include.asm.tlbflush import flush_cache_page
from cmaport.include.linux.errno import EFAULT, ENOMEM
from cmaport.include.linux.mm import (VM_BUG_ON_PAGE, VM_GROWSDOWN, VM_GROWSUP, VM_LOCKED,
                                      VM_SEQ_READ, VM_STACK_INCOMPLETE_SETUP, dec_mm_counter,
                                      mm_counter_file, page_mapcount, page_pgdat, page_to_pfn,
                                      page_to_pgoff, put_page, update_hiwater_rss, vma_pages)
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import NR_ANON_MAPPED, NR_FILE_MAPPED
from cmaport.include.linux.page_flags import (PAGE_MAPPING_ANON, PageAnon, PageHuge, PageKsm,
                                              PageLocked, PageMlocked, PageTransCompound,
                                              __SetPageSwapBacked, compound_head)
from cmaport.include.linux.rmap import (RMAP_COMPOUND, RMAP_EXCLUSIVE, SWAP_AGAIN, SWAP_FAIL,
                                        SWAP_LZFREE, SWAP_MLOCK, SWAP_SUCCESS, TTU_IGNORE_ACCESS,
                                        TTU_IGNORE_MLOCK, TTU_MIGRATION, TTU_MUNLOCK,
                                        TTU_RMAP_LOCKED, anon_vma, anon_vma_chain, anon_vma_slab,
                                        anon_vma_lock_read, anon_vma_lock_write,
                                        anon_vma_unlock_read, anon_vma_unlock_write, get_anon_vma,
                                        put_anon_vma, rmap_walk_control)
from cmaport.include.linux.swapops import make_migration_entry, swp_entry_to_pte
from cmaport.include.linux.vmstat import __mod_node_page_state
from cmaport.kernel.cost import account
from cmaport.kernel.panic import BUG_ON, WARN_ON_ONCE
from cmaport.mm.util import page_anon_vma, page_mapped, page_mapping, page_rmapping, total_mapcount

# --- anon_vma lifetime ---------------------------------------------------------------


def anon_vma_alloc():
    """mm/rmap.c: anon_vma_alloc() — refcount 1, degree 1, its own root and parent."""
    slab = anon_vma_slab.get()
    av = anon_vma(refcount=1, degree=1, model_address=slab.next_address + PAGE_MAPPING_ANON)
    slab.next_address += 64  # Model: sizeof(struct anon_vma) rounded to the slab object
    av.parent = av
    av.root = av
    return av


def anon_vma_free(av):
    """mm/rmap.c: anon_vma_free() — the refcount must be 0 (kmem_cache_free)."""
    from cmaport.include.linux.mm import VM_BUG_ON

    VM_BUG_ON(av.refcount, "atomic_read(&anon_vma->refcount)", line=95)
    av.rb_root.clear()


def anon_vma_chain_alloc(gfp):
    """mm/rmap.c: anon_vma_chain_alloc()."""
    return anon_vma_chain()


def anon_vma_chain_free(avc):
    """mm/rmap.c: anon_vma_chain_free()."""


def anon_vma_chain_link(vma, avc, av):
    """mm/rmap.c: anon_vma_chain_link() — on the VMA's chain (newest first) and in the
    anon_vma's tree."""
    avc.vma = vma
    avc.anon_vma = av
    vma.anon_vma_chain.insert(0, avc)  # list_add(&avc->same_vma, &vma->anon_vma_chain)
    av.rb_root.append(avc)  # anon_vma_interval_tree_insert()


def anon_vma_prepare(vma):
    """mm/rmap.c: anon_vma_prepare() — make sure the VMA has an anon_vma (reuse a
    neighbour's when find_mergeable_anon_vma finds one).

    :return: 0 or -ENOMEM
    """
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.mm.mmap import find_mergeable_anon_vma

    av = vma.anon_vma
    if av is None:
        avc = anon_vma_chain_alloc(GFP_KERNEL)
        if avc is None:
            return -ENOMEM
        av = find_mergeable_anon_vma(vma)
        allocated = None
        if av is None:
            av = anon_vma_alloc()
            allocated = av
        anon_vma_lock_write(av)
        # Model: mm->page_table_lock — one CPU, nothing to serialise.
        if vma.anon_vma is None:
            vma.anon_vma = av
            anon_vma_chain_link(vma, avc, av)
            # the vma's reference, or the self-parent link of a new root
            av.degree += 1
            allocated = None
            avc = None
        anon_vma_unlock_write(av)
        if allocated is not None:
            put_anon_vma(allocated)
        if avc is not None:
            anon_vma_chain_free(avc)
    return 0


def anon_vma_clone(dst, src):
    """mm/rmap.c: anon_vma_clone() — link ``dst`` to every anon_vma ``src`` is linked to;
    reuse one that has no VMA and one child left (degree < 2).

    :return: 0 or -ENOMEM
    """
    # list_for_each_entry_reverse over src->anon_vma_chain: oldest first
    for pavc in reversed(list(src.anon_vma_chain)):
        avc = anon_vma_chain_alloc(0)
        av = pavc.anon_vma
        anon_vma_chain_link(dst, avc, av)
        if dst.anon_vma is None and av is not src.anon_vma and av.degree < 2:
            dst.anon_vma = av
    if dst.anon_vma is not None:
        dst.anon_vma.degree += 1
    return 0


def anon_vma_fork(vma, pvma):
    """mm/rmap.c: anon_vma_fork() — the child VMA joins the parent's anon_vmas and gets
    one of its own for the pages it will COW.

    :return: 0 or -ENOMEM
    """
    if pvma.anon_vma is None:
        return 0
    vma.anon_vma = None
    error = anon_vma_clone(vma, pvma)
    if error:
        return error
    if vma.anon_vma is not None:
        return 0
    av = anon_vma_alloc()
    avc = anon_vma_chain_alloc(0)
    av.root = pvma.anon_vma.root
    av.parent = pvma.anon_vma
    # the root must outlive this anon_vma: its lock lives there
    get_anon_vma(av.root)
    vma.anon_vma = av
    anon_vma_lock_write(av)
    anon_vma_chain_link(vma, avc, av)
    av.parent.degree += 1
    anon_vma_unlock_write(av)
    return 0


def unlink_anon_vmas(vma):
    """mm/rmap.c: unlink_anon_vmas() — take the VMA out of its anon_vmas; free the ones
    left with no VMA (newest first, so the root goes last)."""
    keep = []
    for avc in list(vma.anon_vma_chain):
        av = avc.anon_vma
        av.rb_root.remove(avc)  # anon_vma_interval_tree_remove()
        if not av.rb_root:
            # empty anon_vmas stay on the list, to be freed below
            av.parent.degree -= 1
            keep.append(avc)
            continue
        vma.anon_vma_chain.remove(avc)
        anon_vma_chain_free(avc)
    if vma.anon_vma is not None:
        vma.anon_vma.degree -= 1
    for avc in keep:
        av = avc.anon_vma
        # VM_WARN_ON(anon_vma->degree): CONFIG_DEBUG_VM only
        if av.degree and _debug_vm():
            WARN_ON_ONCE(True, line=412)
        put_anon_vma(av)
        vma.anon_vma_chain.remove(avc)
        anon_vma_chain_free(avc)


def _debug_vm():
    """Model-only: IS_ENABLED(CONFIG_DEBUG_VM)."""
    from cmaport.kernel.machine import this_machine

    return bool(this_machine().config.get("CONFIG_DEBUG_VM"))


def __put_anon_vma(av):
    """mm/rmap.c: __put_anon_vma() — free it, and its root when that was the last reference."""
    root = av.root
    anon_vma_free(av)
    if root is not av:
        root.refcount -= 1
        if root.refcount == 0:
            anon_vma_free(root)


def page_get_anon_vma(page):
    """mm/rmap.c: page_get_anon_vma() — a reference on a mapped anonymous page's anon_vma,
    or NULL."""
    mapping = struct_page_arrays.get().mapping.get(page)
    if not isinstance(mapping, anon_vma):
        return None
    if not page_mapped(page):
        return None
    av = mapping
    if av.refcount == 0:  # atomic_inc_not_zero()
        return None
    av.refcount += 1
    if not page_mapped(page):
        put_anon_vma(av)
        return None
    return av


def page_lock_anon_vma_read(page):
    """mm/rmap.c: page_lock_anon_vma_read() — the anon_vma of a mapped anonymous page,
    read-locked (Model: no lock), or NULL."""
    mapping = struct_page_arrays.get().mapping.get(page)
    if not isinstance(mapping, anon_vma):
        return None
    if not page_mapped(page):
        return None
    anon_vma_lock_read(mapping.root)
    return mapping


def page_unlock_anon_vma_read(av):
    """mm/rmap.c: page_unlock_anon_vma_read()."""
    anon_vma_unlock_read(av)


# --- where a page is mapped -----------------------------------------------------------------

def __vma_address(page, vma):
    """mm/internal.h: __vma_address() — the address ``page`` has in ``vma`` (may be outside)."""
    pgoff = page_to_pgoff(page)
    return (vma.vm_start + ((pgoff - vma.vm_pgoff) << 12)) & 0xFFFFFFFF


def vma_address(page, vma):
    """mm/internal.h: vma_address() — checked to lie inside the VMA (VM_BUG_ON)."""
    from cmaport.include.linux.mm import VM_BUG_ON

    address = __vma_address(page, vma)
    VM_BUG_ON(address < vma.vm_start or address >= vma.vm_end,
              "address < vma->vm_start || address >= vma->vm_end")
    return address


def page_address_in_vma(page, vma):
    """mm/rmap.c: page_address_in_vma() — the user address of ``page`` in ``vma``, or -EFAULT."""
    if PageAnon(page):
        page__anon_vma = page_anon_vma(page)
        if vma.anon_vma is None or page__anon_vma is None or \
                vma.anon_vma.root is not page__anon_vma.root:
            return -EFAULT
    elif struct_page_arrays.get().mapping.get(page) is not None:
        if vma.vm_file is None or vma.vm_file.f_mapping is not \
                struct_page_arrays.get().mapping.get(page):
            return -EFAULT
    else:
        return -EFAULT
    address = __vma_address(page, vma)
    if address < vma.vm_start or address >= vma.vm_end:
        return -EFAULT
    return address


def mm_find_pmd(mm, address):
    """mm/rmap.c: mm_find_pmd() — the pmd covering ``address`` if it points at a pte page."""
    pgd = pgd_offset(mm, address)
    # pgd_present() / pud_present(): folded, always true
    pud = pud_offset(pgd, address)
    pmd = pmd_offset(pud, address)
    pmde = pmdp_get(pmd)
    if pmd_none(pmde):
        return None
    return pmd


def __page_check_address(page, mm, address, sync):
    """mm/rmap.c: __page_check_address() — the pte mapping ``page`` at ``address`` in ``mm``
    (returned "locked"), or NULL."""
    pmd = mm_find_pmd(mm, address)
    if pmd is None:
        return None
    pte = pte_offset_map(pmd, address)
    if not sync and not pte_present(ptep_get(pte)):
        return None
    # Model: spin_lock(ptl) — one CPU.
    val = ptep_get(pte)
    if pte_present(val) and page_to_pfn(page) == pte_pfn(val):
        return pte
    return None


def page_check_address(page, mm, address, sync):
    """include/linux/rmap.h: page_check_address() — __page_check_address()."""
    return __page_check_address(page, mm, address, sync)


def page_mapped_in_vma(page, vma):
    """mm/rmap.c: page_mapped_in_vma() — 1 if a pte of ``vma`` really maps ``page``."""
    address = __vma_address(page, vma)
    if address < vma.vm_start or address >= vma.vm_end:
        return 0
    pte = page_check_address(page, vma.vm_mm, address, 1)
    if pte is None:
        return 0
    return 1


# --- page_referenced ---------------------------------------------------------------------------

class page_referenced_arg:
    """mm/rmap.c: struct page_referenced_arg."""

    __slots__ = ("mapcount", "referenced", "vm_flags", "memcg")

    def __init__(self, mapcount):
        self.mapcount = mapcount
        self.referenced = 0
        self.vm_flags = 0
        self.memcg = None


def page_referenced_one(page, vma, address, pra):
    """mm/rmap.c: page_referenced_one() — test and clear the young bit of one mapping."""
    mm = vma.vm_mm
    pte = page_check_address(page, mm, address, 0)  # page_check_address_transhuge()
    if pte is None:
        return SWAP_AGAIN
    if vma.vm_flags & VM_LOCKED:
        pra.vm_flags |= VM_LOCKED
        return SWAP_FAIL  # breaks the walk
    referenced = 0
    if ptep_clear_flush_young(vma, address, pte):
        # a reference through a sequentially read mapping does not count
        if not (vma.vm_flags & VM_SEQ_READ):
            referenced += 1
    # clear_page_idle(), test_and_clear_page_young(): no CONFIG_IDLE_PAGE_TRACKING.
    if referenced:
        pra.referenced += 1
        pra.vm_flags |= vma.vm_flags
    pra.mapcount -= 1
    if not pra.mapcount:
        return SWAP_SUCCESS  # breaks the walk
    return SWAP_AGAIN


def page_referenced(page, is_locked, memcg, vm_flags_out=None):
    """mm/rmap.c: page_referenced() — how many ptes referenced the page since the last look.

    ``vm_flags_out`` (a one-element list, C's ``unsigned long *vm_flags``) receives the
    flags of the VMAs that referenced it.
    """
    from cmaport.include.linux.pagemap import trylock_page, unlock_page

    pra = page_referenced_arg(total_mapcount(page))
    rwc = rmap_walk_control(rmap_one=page_referenced_one, arg=pra,
                            anon_lock=page_lock_anon_vma_read)
    we_locked = 0
    if vm_flags_out is not None:
        vm_flags_out[0] = 0
    if not page_mapped(page):
        return 0
    if page_rmapping(page) is None:
        return 0
    if not is_locked and (not PageAnon(page) or PageKsm(page)):
        we_locked = trylock_page(page)
        if not we_locked:
            return 1
    # memcg is never set: no memory cgroups.
    rmap_walk(page, rwc)
    if vm_flags_out is not None:
        vm_flags_out[0] = pra.vm_flags
    if we_locked:
        unlock_page(page)
    return pra.referenced


# --- adding and removing mappings ---------------------------------------------------------------

def page_move_anon_rmap(page, vma):
    """mm/rmap.c: page_move_anon_rmap() — the page now belongs to ``vma``'s own anon_vma
    (a COW fault found it exclusively ours)."""
    page = compound_head(page)
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=1099)
    struct_page_arrays.get().mapping[page] = vma.anon_vma


def __page_set_anon_rmap(page, vma, address, exclusive):
    """mm/rmap.c: __page_set_anon_rmap() — set mapping (the anon_vma, or its root when the
    page is not exclusively this VMA's) and index."""
    from cmaport.include.linux.mm import linear_page_index

    av = vma.anon_vma
    BUG_ON(av is None, line=1123)
    if PageAnon(page):
        return
    if not exclusive:
        av = av.root
    s = struct_page_arrays.get()
    s.mapping[page] = av
    s.index[page] = linear_page_index(vma, address)


def __page_check_anon_rmap(page, vma, address):
    """mm/rmap.c: __page_check_anon_rmap() — CONFIG_DEBUG_VM checks of an added mapping."""
    from cmaport.include.linux.mm import linear_page_index
    from cmaport.kernel.machine import this_machine

    if not this_machine().config.get("CONFIG_DEBUG_VM"):
        return
    BUG_ON(page_anon_vma(page).root is not vma.anon_vma.root, line=1163)
    BUG_ON(page_to_pgoff(page) != linear_page_index(vma, address), line=1164)


def page_add_anon_rmap(page, vma, address, compound):
    """mm/rmap.c: page_add_anon_rmap() — one more pte maps an anonymous page."""
    do_page_add_anon_rmap(page, vma, address, RMAP_COMPOUND if compound else 0)


def do_page_add_anon_rmap(page, vma, address, flags):
    """mm/rmap.c: do_page_add_anon_rmap() — count the mapping; the first one sets the rmap."""
    compound = bool(flags & RMAP_COMPOUND)
    s = struct_page_arrays.get()
    if compound:
        raise NotImplementedError("no THP")
    s._mapcount[page] += 1
    first = s._mapcount[page] == 0  # atomic_inc_and_test
    if first:
        __mod_node_page_state(page_pgdat(page), NR_ANON_MAPPED, 1)
    if PageKsm(page):
        return
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=1222)
    if first:
        __page_set_anon_rmap(page, vma, address, flags & RMAP_EXCLUSIVE)
    else:
        __page_check_anon_rmap(page, vma, address)


def page_add_new_anon_rmap(page, vma, address, compound):
    """mm/rmap.c: page_add_new_anon_rmap() — the first mapping of a new anonymous page
    (swap-backed, mapcount 0, exclusive to ``vma``)."""
    from cmaport.include.linux.mm import VM_BUG_ON

    VM_BUG_ON(address < vma.vm_start or address >= vma.vm_end,
              "address < vma->vm_start || address >= vma->vm_end", line=1248)
    __SetPageSwapBacked(page)  # noqa: F821 (generated accessor)
    # mapcount starts at -1
    struct_page_arrays.get()._mapcount[page] = 0
    __mod_node_page_state(page_pgdat(page), NR_ANON_MAPPED, 1)
    __page_set_anon_rmap(page, vma, address, 1)


def page_add_file_rmap(page, compound):
    """mm/rmap.c: page_add_file_rmap() — one more pte maps a file page; the first counts
    in NR_FILE_MAPPED."""
    s = struct_page_arrays.get()
    # lock_page_memcg(): no memcg.
    s._mapcount[page] += 1
    if s._mapcount[page] != 0:  # !atomic_inc_and_test()
        return
    __mod_node_page_state(page_pgdat(page), NR_FILE_MAPPED, 1)


def page_remove_file_rmap(page, compound):
    """mm/rmap.c: page_remove_file_rmap() — the last unmap leaves NR_FILE_MAPPED and clears
    an mlock."""
    from cmaport.mm.mlock import clear_page_mlock

    s = struct_page_arrays.get()
    s._mapcount[page] -= 1
    if s._mapcount[page] >= 0:  # !atomic_add_negative(-1)
        return
    __mod_node_page_state(page_pgdat(page), NR_FILE_MAPPED, -1)
    if PageMlocked(page):  # noqa: F821 (generated accessor)
        clear_page_mlock(page)


def page_remove_rmap(page, compound):
    """mm/rmap.c: page_remove_rmap() — one pte less maps the page. An anonymous page keeps
    its mapping (free_pages_prepare clears it)."""
    from cmaport.mm.mlock import clear_page_mlock

    if not PageAnon(page):
        return page_remove_file_rmap(page, compound)
    if compound:
        raise NotImplementedError("no THP")
    s = struct_page_arrays.get()
    s._mapcount[page] -= 1
    if s._mapcount[page] >= 0:  # still mapped by someone else
        return
    __mod_node_page_state(page_pgdat(page), NR_ANON_MAPPED, -1)
    if PageMlocked(page):  # noqa: F821
        clear_page_mlock(page)
    # PageTransCompound(): no THP, no deferred split.


# --- try_to_unmap -----------------------------------------------------------------------------

class rmap_private:
    """mm/rmap.c: struct rmap_private."""

    __slots__ = ("flags", "lazyfreed")

    def __init__(self, flags):
        self.flags = flags
        self.lazyfreed = 0


def try_to_unmap_one(page, vma, address, rp):
    """mm/rmap.c: try_to_unmap_one() — remove (or, with TTU_MIGRATION, replace by a
    migration entry) the pte mapping ``page`` in ``vma``."""
    from cmaport.include.linux.mm import VM_BUG_ON_PAGE as _VBP
    from cmaport.include.linux.page_flags import PageSwapCache
    from cmaport.mm.mlock import mlock_vma_page
    from cmaport.mm.page_writeback import set_page_dirty

    mm = vma.vm_mm
    ret = SWAP_AGAIN
    flags = rp.flags

    # munlock gains nothing from VMAs that are not locked
    if (flags & TTU_MUNLOCK) and not (vma.vm_flags & VM_LOCKED):
        return ret
    # TTU_SPLIT_HUGE_PMD: no THP.
    pte = page_check_address(page, mm, address, PageTransCompound(page))
    if pte is None:
        return ret

    # An mlocked page cannot be reclaimed; a referenced one should rather be reactivated.
    if not (flags & TTU_IGNORE_MLOCK):
        if vma.vm_flags & VM_LOCKED:
            if not PageTransCompound(page):
                mlock_vma_page(page)
            return SWAP_MLOCK
        if flags & TTU_MUNLOCK:
            return ret
    if not (flags & TTU_IGNORE_ACCESS):
        if ptep_clear_flush_young(vma, address, pte):  # ptep_clear_flush_young_notify
            return SWAP_FAIL

    # Nuke the page table entry (should_defer_flush(): no batched unmap flush on ARM).
    flush_cache_page(vma, address, page_to_pfn(page))
    pteval = ptep_clear_flush(vma, address, pte)
    account("ptes_updated")

    # The dirty bit moves from the pte to the page.
    if pte_dirty(pteval):
        set_page_dirty(page)

    update_hiwater_rss(mm)

    # PageHWPoison(): no MEMORY_FAILURE; pte_unused(): always 0 on ARM.
    if flags & TTU_MIGRATION:
        # The pfn goes into a migration entry; a fault on it waits for the migration.
        entry = make_migration_entry(page, pte_write(pteval))
        swp_pte = swp_entry_to_pte(entry)
        set_pte_at(mm, address, pte, swp_pte)
    elif PageAnon(page):
        # Model: there is no swap device, so reclaim never gets an anonymous page into
        # the swap cache and never reaches this branch (shrink_page_list activates it).
        _VBP(not PageSwapCache(page), page, "!PageSwapCache(page)", line=1550)  # noqa: F821
        set_pte_at(mm, address, pte, pteval)
        return SWAP_FAIL
    else:
        dec_mm_counter(mm, mm_counter_file(page))

    # discard:
    page_remove_rmap(page, PageHuge(page))
    put_page(page)
    # out_unmap: pte_unmap_unlock; mmu_notifier_invalidate_page(): no notifiers.
    return ret


def is_vma_temporary_stack(vma):
    """mm/rmap.c: is_vma_temporary_stack() — the stack VMA exec is still setting up."""
    maybe_stack = vma.vm_flags & (VM_GROWSDOWN | VM_GROWSUP)
    if not maybe_stack:
        return False
    if (vma.vm_flags & VM_STACK_INCOMPLETE_SETUP) == VM_STACK_INCOMPLETE_SETUP:
        return True
    return False


def invalid_migration_vma(vma, arg):
    """mm/rmap.c: invalid_migration_vma() — skip exec's temporary stack."""
    return is_vma_temporary_stack(vma)


def page_mapcount_is_zero(page):
    """mm/rmap.c: page_mapcount_is_zero()."""
    return not page_mapcount(page)


def try_to_unmap(page, flags):
    """mm/rmap.c: try_to_unmap() — remove every pte mapping ``page`` (the caller holds the
    page lock).

    :return: SWAP_SUCCESS (no mapping left), SWAP_AGAIN, SWAP_FAIL or SWAP_MLOCK
    """
    rp = rmap_private(flags)
    rwc = rmap_walk_control(rmap_one=try_to_unmap_one, arg=rp, done=page_mapcount_is_zero,
                            anon_lock=page_lock_anon_vma_read)
    # exec's temporary stack VMA is skipped by migration
    if (flags & TTU_MIGRATION) and not PageKsm(page) and PageAnon(page):
        rwc.invalid_vma = invalid_migration_vma
    if flags & TTU_RMAP_LOCKED:
        ret = rmap_walk_locked(page, rwc)
    else:
        ret = rmap_walk(page, rwc)
    if ret != SWAP_MLOCK and not page_mapcount(page):
        ret = SWAP_SUCCESS
        if rp.lazyfreed and not _page_dirty(page):
            ret = SWAP_LZFREE
    return ret


def _page_dirty(page):
    """Model-only: PageDirty() (imported late: page_flags generates it)."""
    from cmaport.include.linux.page_flags import PageDirty

    return PageDirty(page)  # noqa: F821


def page_not_mapped(page):
    """mm/rmap.c: page_not_mapped()."""
    return not page_mapped(page)


def try_to_munlock(page):
    """mm/rmap.c: try_to_munlock() — leave PG_mlocked set if another VMA still locks the page.

    :return: SWAP_AGAIN, SWAP_FAIL or SWAP_MLOCK
    """
    from cmaport.include.linux.page_flags import PageLRU

    rp = rmap_private(TTU_MUNLOCK)
    rwc = rmap_walk_control(rmap_one=try_to_unmap_one, arg=rp, done=page_not_mapped,
                            anon_lock=page_lock_anon_vma_read)
    VM_BUG_ON_PAGE(not PageLocked(page) or PageLRU(page), page,  # noqa: F821
                   "!PageLocked(page) || PageLRU(page)", line=1704)
    return rmap_walk(page, rwc)


# --- the walks -----------------------------------------------------------------------------

def rmap_walk_anon_lock(page, rwc):
    """mm/rmap.c: rmap_walk_anon_lock() — the anon_vma to walk (remove_migration_ptes uses
    page_anon_vma: the page is unmapped by then)."""
    if rwc.anon_lock is not None:
        return rwc.anon_lock(page)
    av = page_anon_vma(page)
    if av is None:
        return None
    anon_vma_lock_read(av)
    return av


def _covers(vma, pgoff):
    """Model-only: the interval-tree query — does ``vma`` map file/anon offset ``pgoff``."""
    return vma.vm_pgoff <= pgoff < vma.vm_pgoff + vma_pages(vma)


def rmap_walk_anon(page, rwc, locked):
    """mm/rmap.c: rmap_walk_anon() — call rmap_one for every VMA of the page's anon_vma
    that covers its offset."""
    ret = SWAP_AGAIN
    if locked:
        av = page_anon_vma(page)
        VM_BUG_ON_PAGE(av is None, page, "!anon_vma", line=1766)
    else:
        av = rmap_walk_anon_lock(page, rwc)
    if av is None:
        return ret
    pgoff = page_to_pgoff(page)
    for avc in list(av.rb_root):  # anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, ...)
        vma = avc.vma
        if not _covers(vma, pgoff):
            continue
        address = vma_address(page, vma)
        if rwc.invalid_vma is not None and rwc.invalid_vma(vma, rwc.arg):
            continue
        ret = rwc.rmap_one(page, vma, address, rwc.arg)
        if ret != SWAP_AGAIN:
            break
        if rwc.done is not None and rwc.done(page):
            break
    if not locked:
        anon_vma_unlock_read(av)
    return ret


def rmap_walk_file(page, rwc, locked):
    """mm/rmap.c: rmap_walk_file() — call rmap_one for every VMA in the mapping's i_mmap
    that covers the page's offset (the page is locked)."""
    ret = SWAP_AGAIN
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=1822)
    mapping = page_mapping(page)
    if mapping is None:
        return ret
    pgoff = page_to_pgoff(page)
    # i_mmap_lock_read(): Model — one CPU.
    for vma in list(mapping.i_mmap):  # vma_interval_tree_foreach(vma, &mapping->i_mmap, ...)
        if not _covers(vma, pgoff):
            continue
        address = vma_address(page, vma)
        if rwc.invalid_vma is not None and rwc.invalid_vma(vma, rwc.arg):
            continue
        ret = rwc.rmap_one(page, vma, address, rwc.arg)
        if ret != SWAP_AGAIN:
            break
        if rwc.done is not None and rwc.done(page):
            break
    return ret


def rmap_walk(page, rwc):
    """mm/rmap.c: rmap_walk() — anonymous or file walk (no KSM)."""
    if PageAnon(page):
        return rmap_walk_anon(page, rwc, False)
    return rmap_walk_file(page, rwc, False)


def rmap_walk_locked(page, rwc):
    """mm/rmap.c: rmap_walk_locked() — the caller holds the rmap lock."""
    if PageAnon(page):
        return rmap_walk_anon(page, rwc, True)
    return rmap_walk_file(page, rwc, True)


# --- page_mkclean ---------------------------------------------------------------------------

def page_mkclean_one(page, vma, address, cleaned):
    """mm/rmap.c: page_mkclean_one() — write-protect and clean one shared mapping, so the
    next write faults and dirties the page again."""
    from cmaport.arch.arm.include.asm.pgtable import pte_mkclean, pte_wrprotect

    mm = vma.vm_mm
    ret = 0
    pte = page_check_address(page, mm, address, 1)
    if pte is not None:
        val = ptep_get(pte)
        if pte_dirty(val) or pte_write(val):
            flush_cache_page(vma, address, pte_pfn(val))
            entry = ptep_clear_flush(vma, address, pte)
            entry = pte_wrprotect(entry)
            entry = pte_mkclean(entry)
            set_pte_at(mm, address, pte, entry)
            ret = 1
    if ret:
        cleaned[0] += 1
    return SWAP_AGAIN


def invalid_mkclean_vma(vma, arg):
    """mm/rmap.c: invalid_mkclean_vma() — only shared mappings are cleaned."""
    from cmaport.include.linux.mm import VM_SHARED

    return not (vma.vm_flags & VM_SHARED)


def page_mkclean(page):
    """mm/rmap.c: page_mkclean() — clean every shared pte of a locked file page; return how
    many were dirty or writable."""
    cleaned = [0]
    BUG_ON(not PageLocked(page), line=1067)
    if not page_mapped(page):
        return 0
    mapping = page_mapping(page)
    if mapping is None:
        return 0
    rwc = rmap_walk_control(rmap_one=page_mkclean_one, arg=cleaned,
                            invalid_vma=invalid_mkclean_vma)
    rmap_walk(page, rwc)
    return cleaned[0]
