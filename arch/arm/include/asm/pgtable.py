# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/pgtable.h with pgtable-2level.h (and asm-generic/pgtable.h's
helpers): the Linux view of the classic ARM two-level page tables.

Geometry (no LPAE): a ``pgd_t`` is two first-level entries (2 MiB, ``PGDIR_SHIFT`` 21),
2048 of them cover 4 GiB; the pud and pmd levels are folded into the pgd; a pte page
holds 512 Linux ptes (two hardware tables of 256 entries follow them in the same page).
The Linux pte bits are pgtable-2level.h's ``L_PTE_*``.

Model: the tables live in Python objects, not in simulated RAM. The pgd is a
``pgd_table`` whose 2048 entries are ``None`` (``pmd_none``) or a ``pte_table``; a
``pte_table`` holds the 512 Linux ptes of one pte page in an ``array('I')`` and the
``struct page *`` of the page the kernel allocated for it (allocated for real, so the
memory it costs and where it lands are the kernel's). Pointers into the tables are
tuples: ``pmd_t *`` is ``(pgd entries, index)``, ``pte_t *`` is ``(pte array, index)``.
The hardware half of each pte page (what ``cpu_v7_set_pte_ext`` writes) is not built:
every read and write of an entry goes through the helpers below (``ptep_get``,
``set_pte_at``, ``ptep_get_and_clear``, ``pte_clear``, ``pmdp_get``, ``pmd_populate``),
so the MMU issue that moves the tables into RAM changes this file only.

(The pgprot helpers of the DMA code still live in arch/arm/mm/dma_mapping.py.)
"""

from array import array

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.sizes import SZ_16M

# pgtable-2level.h: geometry
PTRS_PER_PTE = 512
PTRS_PER_PMD = 1
PTRS_PER_PGD = 2048
PTE_HWTABLE_PTRS = PTRS_PER_PTE
PTE_HWTABLE_OFF = PTE_HWTABLE_PTRS * 4
PTE_HWTABLE_SIZE = PTRS_PER_PTE * 4
PMD_SHIFT = 21
PGDIR_SHIFT = 21
PMD_SIZE = 1 << PMD_SHIFT
PMD_MASK = ~(PMD_SIZE - 1) & 0xFFFFFFFF
PGDIR_SIZE = 1 << PGDIR_SHIFT
PGDIR_MASK = ~(PGDIR_SIZE - 1) & 0xFFFFFFFF
SECTION_SHIFT = 20

# pgtable-2level.h: the Linux pte bits
L_PTE_VALID = 1 << 0
L_PTE_PRESENT = 1 << 0
L_PTE_YOUNG = 1 << 1
L_PTE_DIRTY = 1 << 6
L_PTE_RDONLY = 1 << 7
L_PTE_USER = 1 << 8
L_PTE_XN = 1 << 9
L_PTE_SHARED = 1 << 10
L_PTE_NONE = 1 << 11
# memory types (bits 5:2)
L_PTE_MT_UNCACHED = 0x00 << 2
L_PTE_MT_BUFFERABLE = 0x01 << 2
L_PTE_MT_WRITETHROUGH = 0x02 << 2
L_PTE_MT_WRITEBACK = 0x03 << 2
L_PTE_MT_MINICACHE = 0x06 << 2
L_PTE_MT_WRITEALLOC = 0x07 << 2
L_PTE_MT_DEV_SHARED = 0x04 << 2
L_PTE_MT_DEV_NONSHARED = 0x0C << 2
L_PTE_MT_DEV_WC = 0x09 << 2
L_PTE_MT_DEV_CACHED = 0x0B << 2
L_PTE_MT_VECTORS = 0x0F << 2
L_PTE_MT_MASK = 0x0F << 2

# arch/arm/include/asm/pgtable-2level-hwdef.h: the S bit of a section descriptor
PMD_SECT_S = 1 << 16

# arch/arm/include/asm/memory.h (non-LPAE: no bits above 32)
PHYS_MASK = 0xFFFFFFFF

# pgtable.h
FIRST_USER_ADDRESS = PAGE_SIZE * 2
_L_PTE_DEFAULT = L_PTE_PRESENT | L_PTE_YOUNG


def TASK_SIZE():
    """arch/arm/include/asm/memory.h: TASK_SIZE — ``CONFIG_PAGE_OFFSET - 16 MiB``."""
    from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET

    return PAGE_OFFSET() - SZ_16M


def TASK_UNMAPPED_BASE():
    """arch/arm/include/asm/memory.h: TASK_UNMAPPED_BASE — ``ALIGN(TASK_SIZE / 3, 16 MiB)``."""
    return (TASK_SIZE() // 3 + SZ_16M - 1) & ~(SZ_16M - 1)


def USER_PGTABLES_CEILING():
    """arch/arm/include/asm/pgtable.h: USER_PGTABLES_CEILING — TASK_SIZE."""
    return TASK_SIZE()


# The protection bits of the __P/__S table (pgtable.h), before build_mem_type_table()
# adds the cache policy of user memory.
__PAGE_NONE = _L_PTE_DEFAULT | L_PTE_RDONLY | L_PTE_XN | L_PTE_NONE
__PAGE_SHARED = _L_PTE_DEFAULT | L_PTE_USER | L_PTE_XN
__PAGE_SHARED_EXEC = _L_PTE_DEFAULT | L_PTE_USER
__PAGE_COPY = _L_PTE_DEFAULT | L_PTE_USER | L_PTE_RDONLY | L_PTE_XN
__PAGE_COPY_EXEC = _L_PTE_DEFAULT | L_PTE_USER | L_PTE_RDONLY
__PAGE_READONLY = _L_PTE_DEFAULT | L_PTE_USER | L_PTE_RDONLY | L_PTE_XN
__PAGE_READONLY_EXEC = _L_PTE_DEFAULT | L_PTE_USER | L_PTE_RDONLY

# mm/mmap.c: protection_map[] is indexed by VM_READ|VM_WRITE|VM_EXEC|VM_SHARED.
_PROTECTION_BASE = (
    __PAGE_NONE, __PAGE_READONLY, __PAGE_COPY, __PAGE_COPY,                          # __P000..__P011
    __PAGE_READONLY_EXEC, __PAGE_READONLY_EXEC, __PAGE_COPY_EXEC, __PAGE_COPY_EXEC,  # __P100..__P111
    __PAGE_NONE, __PAGE_READONLY, __PAGE_SHARED, __PAGE_SHARED,                      # __S000..__S011
    __PAGE_READONLY_EXEC, __PAGE_READONLY_EXEC, __PAGE_SHARED_EXEC, __PAGE_SHARED_EXEC,
)


def user_pgprot():
    """arch/arm/mm/mmu.c: build_mem_type_table()'s ``user_pgprot`` — the cache policy's
    pte memory type, plus L_PTE_SHARED when the boot page tables had the S bit set.

    Model: build_mem_type_table() is not ported yet (see arch/arm/mm/mmu.py); this computes
    the one value of it that user mappings need from the same inputs (the cache policy
    and the initial pmd value).
    """
    from cmaport.arch.arm.mm.mmu import cache_policies, mmu_c

    s = mmu_c.get()
    prot = cache_policies[s.cachepolicy].pte
    if s.initial_pmd_value & PMD_SECT_S:
        prot |= L_PTE_SHARED
    return prot


def pgprot_user():
    """arch/arm/mm/mmu.c: pgprot_user — PRESENT | YOUNG | user_pgprot."""
    return L_PTE_PRESENT | L_PTE_YOUNG | user_pgprot()


def protection_map(index):
    """mm/mmap.c: protection_map[index] — with build_mem_type_table()'s user_pgprot added."""
    return _PROTECTION_BASE[index] | user_pgprot()


# --- the model's table storage ---------------------------------------------------------

class pte_table:
    """Model-only: one pte page — its 512 Linux ptes and the ``struct page *`` holding it."""

    __slots__ = ("ptes", "page")

    def __init__(self, page):
        self.ptes = array("I", bytes(4 * PTRS_PER_PTE))
        self.page = page

    def __repr__(self):
        return f"<pte_table page={self.page}>"


class pgd_table:
    """Model-only: a first-level table — 2048 entries (``None`` or a ``pte_table``) and the
    ``struct page *`` of its four pages (pgd_alloc takes an order-2 block)."""

    __slots__ = ("entries", "page")

    def __init__(self, page):
        self.entries = [None] * PTRS_PER_PGD
        self.page = page


# --- pgd / pud / pmd ------------------------------------------------------------------

def pgd_index(addr):
    """arch/arm/include/asm/pgtable.h: pgd_index()."""
    return addr >> PGDIR_SHIFT


def pgd_offset(mm, addr):
    """arch/arm/include/asm/pgtable.h: pgd_offset() — ``mm->pgd + pgd_index(addr)``."""
    return (mm.pgd.entries, addr >> PGDIR_SHIFT)


def pgd_addr_end(addr, end):
    """include/asm-generic/pgtable.h: pgd_addr_end() — the next pgd boundary, capped at end."""
    boundary = (addr + PGDIR_SIZE) & PGDIR_MASK
    return boundary if boundary - 1 < end - 1 else end


def pud_offset(pgd, addr):
    """include/asm-generic/pgtable-nopud.h: pud_offset() — the pgd itself (folded)."""
    return pgd


def pmd_offset(pud, addr):
    """arch/arm/include/asm/pgtable-2level.h: pmd_offset() — the pud itself (folded)."""
    return pud


def pmd_addr_end(addr, end):
    """arch/arm/include/asm/pgtable-2level.h: pmd_addr_end() — ``end`` (one pmd per pgd)."""
    return end


def pmdp_get(pmdp):
    """Model-only: ``*pmd`` — the entry (a ``pte_table`` or ``None``)."""
    entries, i = pmdp
    return entries[i]


def pmd_none(pmd):
    """arch/arm/include/asm/pgtable.h: pmd_none() — of an entry value (``*pmd``)."""
    return pmd is None


def pmd_present(pmd):
    """arch/arm/include/asm/pgtable-2level.h: pmd_present()."""
    return pmd is not None


def pmd_bad(pmd):
    """arch/arm/include/asm/pgtable-2level.h: pmd_bad() — a section mapping; never in user tables."""
    return False


def pmd_trans_huge(pmd):
    """include/asm-generic/pgtable.h: pmd_trans_huge() — 0 without THP."""
    return False


def pmd_populate(mm, pmdp, pte):
    """arch/arm/include/asm/pgalloc.h: pmd_populate() — point the pmd at a pte page
    (user tables: _PAGE_USER_TABLE)."""
    entries, i = pmdp
    entries[i] = pte


def pmd_clear(pmdp):
    """arch/arm/include/asm/pgtable-2level.h: pmd_clear() — both L1 entries to 0."""
    entries, i = pmdp
    entries[i] = None


def pte_index(addr):
    """arch/arm/include/asm/pgtable.h: pte_index()."""
    return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)


def pte_offset_map(pmd, addr):
    """arch/arm/include/asm/pgtable.h: pte_offset_map() — the pte of ``addr`` in the pte page
    ``*pmd`` points at (no kmap: no HIGHPTE)."""
    entries, i = pmd
    return (entries[i].ptes, (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))


pte_offset_kernel = pte_offset_map


def pte_offset_map_lock(mm, pmd, addr):
    """include/linux/mm.h: pte_offset_map_lock() — Model: no split ptlock, one CPU."""
    return pte_offset_map(pmd, addr)


def pte_unmap(pte):
    """arch/arm/include/asm/pgtable.h: pte_unmap() — nothing without HIGHPTE."""


def pte_unmap_unlock(pte, ptl=None):
    """include/linux/mm.h: pte_unmap_unlock() — Model: no ptlock to drop."""


# --- reading and writing one pte ---------------------------------------------------------

def ptep_get(ptep):
    """Model-only: ``*ptep`` — read one Linux pte (C dereferences the pointer; later kernels
    call this read ptep_get())."""
    ptes, i = ptep
    return ptes[i]


def set_pte_ext(ptep, pte, ext):
    """arch/arm/include/asm/pgtable-2level.h: set_pte_ext() — cpu_v7_set_pte_ext().

    Model: only the Linux pte is stored; the hardware pte the v7 code derives from it (and
    ``ext``) is not built yet (see the module note).
    """
    ptes, i = ptep
    ptes[i] = pte & 0xFFFFFFFF


def set_pte_at(mm, addr, ptep, pteval):
    """arch/arm/include/asm/pgtable.h: set_pte_at() — user ptes below TASK_SIZE get nG.

    (__sync_icache_dcache has nothing to do: the model has no caches yet.)
    """
    ext = 0
    if addr < TASK_SIZE() and pte_valid_user(pteval):
        ext |= 1 << 11  # PTE_EXT_NG
    set_pte_ext(ptep, pteval, ext)


def pte_clear(mm, addr, ptep):
    """arch/arm/include/asm/pgtable.h: pte_clear() — set_pte_ext(ptep, 0, 0)."""
    set_pte_ext(ptep, 0, 0)


def ptep_get_and_clear(mm, addr, ptep):
    """include/asm-generic/pgtable.h: ptep_get_and_clear() — read the pte, then clear it."""
    pte = ptep_get(ptep)
    pte_clear(mm, addr, ptep)
    return pte


def ptep_get_and_clear_full(mm, addr, ptep, full):
    """include/asm-generic/pgtable.h: ptep_get_and_clear_full()."""
    return ptep_get_and_clear(mm, addr, ptep)


def pte_clear_not_present_full(mm, addr, ptep, full):
    """include/asm-generic/pgtable.h: pte_clear_not_present_full()."""
    pte_clear(mm, addr, ptep)


def ptep_set_wrprotect(mm, addr, ptep):
    """include/asm-generic/pgtable.h: ptep_set_wrprotect()."""
    old = ptep_get(ptep)
    set_pte_at(mm, addr, ptep, pte_wrprotect(old))


def ptep_clear_flush(vma, address, ptep):
    """mm/pgtable-generic.c: ptep_clear_flush() — clear and flush the TLB entry if it was live."""
    from cmaport.arch.arm.include.asm.tlbflush import flush_tlb_page

    mm = vma.vm_mm
    pte = ptep_get_and_clear(mm, address, ptep)
    if pte_accessible(mm, pte):
        flush_tlb_page(vma, address)
    return pte


def ptep_set_access_flags(vma, address, ptep, entry, dirty):
    """mm/pgtable-generic.c: ptep_set_access_flags() — store a more permissive pte; true if
    it changed (then the stale TLB entry is flushed)."""
    from cmaport.arch.arm.include.asm.tlbflush import flush_tlb_fix_spurious_fault

    changed = not pte_same(ptep_get(ptep), entry)
    if changed:
        set_pte_at(vma.vm_mm, address, ptep, entry)
        flush_tlb_fix_spurious_fault(vma, address)
    return changed


def ptep_test_and_clear_young(vma, address, ptep):
    """include/asm-generic/pgtable.h: ptep_test_and_clear_young()."""
    pte = ptep_get(ptep)
    if not pte_young(pte):
        r = 0
    else:
        set_pte_at(vma.vm_mm, address, ptep, pte_mkold(pte))
        r = 1
    return r


def ptep_clear_flush_young(vma, address, ptep):
    """mm/pgtable-generic.c: ptep_clear_flush_young() — and flush if it was young."""
    from cmaport.arch.arm.include.asm.tlbflush import flush_tlb_page

    young = ptep_test_and_clear_young(vma, address, ptep)
    if young:
        flush_tlb_page(vma, address)
    return young


# --- pte values -------------------------------------------------------------------------

def pte_val(pte):
    """arch/arm/include/asm/pgtable-2level-types.h: pte_val() — a pte is its value here."""
    return pte


def pfn_pte(pfn, prot):
    """arch/arm/include/asm/pgtable.h: pfn_pte()."""
    return ((pfn << PAGE_SHIFT) | prot) & 0xFFFFFFFF


def pte_pfn(pte):
    """arch/arm/include/asm/pgtable.h: pte_pfn()."""
    return (pte & PHYS_MASK) >> PAGE_SHIFT


def mk_pte(page, prot):
    """arch/arm/include/asm/pgtable.h: mk_pte()."""
    from cmaport.include.linux.mm import page_to_pfn

    return pfn_pte(page_to_pfn(page), prot)


def pte_page(pte):
    """arch/arm/include/asm/pgtable.h: pte_page()."""
    from cmaport.include.linux.mm import pfn_to_page

    return pfn_to_page(pte_pfn(pte))


def pte_none(pte):
    """arch/arm/include/asm/pgtable.h: pte_none()."""
    return not pte


def pte_present(pte):
    """arch/arm/include/asm/pgtable.h: pte_present()."""
    return bool(pte & L_PTE_PRESENT)


def pte_valid(pte):
    """arch/arm/include/asm/pgtable.h: pte_valid()."""
    return bool(pte & L_PTE_VALID)


def pte_accessible(mm, pte):
    """arch/arm/include/asm/pgtable.h: pte_accessible() — no TLB flush pending: pte_valid()."""
    return pte_valid(pte)


def pte_write(pte):
    """arch/arm/include/asm/pgtable.h: pte_write() — L_PTE_RDONLY clear."""
    return not (pte & L_PTE_RDONLY)


def pte_dirty(pte):
    """arch/arm/include/asm/pgtable.h: pte_dirty()."""
    return bool(pte & L_PTE_DIRTY)


def pte_young(pte):
    """arch/arm/include/asm/pgtable.h: pte_young()."""
    return bool(pte & L_PTE_YOUNG)


def pte_exec(pte):
    """arch/arm/include/asm/pgtable.h: pte_exec()."""
    return not (pte & L_PTE_XN)


def pte_valid_user(pte):
    """arch/arm/include/asm/pgtable.h: pte_valid_user() — valid, user and young."""
    return pte_valid(pte) and bool(pte & L_PTE_USER) and pte_young(pte)


def pte_special(pte):
    """arch/arm/include/asm/pgtable-2level.h: pte_special() — 0: no special bit without LPAE."""
    return False


def pte_mkspecial(pte):
    """arch/arm/include/asm/pgtable-2level.h: pte_mkspecial() — the pte unchanged."""
    return pte


def pte_protnone(pte):
    """include/asm-generic/pgtable.h: pte_protnone() — 0 without NUMA balancing."""
    return False


def pte_same(a, b):
    """include/asm-generic/pgtable.h: pte_same()."""
    return a == b


def pte_wrprotect(pte):
    """arch/arm/include/asm/pgtable.h: pte_wrprotect() — set L_PTE_RDONLY."""
    return pte | L_PTE_RDONLY


def pte_mkwrite(pte):
    """arch/arm/include/asm/pgtable.h: pte_mkwrite() — clear L_PTE_RDONLY."""
    return pte & ~L_PTE_RDONLY


def pte_mkclean(pte):
    """arch/arm/include/asm/pgtable.h: pte_mkclean()."""
    return pte & ~L_PTE_DIRTY


def pte_mkdirty(pte):
    """arch/arm/include/asm/pgtable.h: pte_mkdirty()."""
    return pte | L_PTE_DIRTY


def pte_mkold(pte):
    """arch/arm/include/asm/pgtable.h: pte_mkold()."""
    return pte & ~L_PTE_YOUNG


def pte_mkyoung(pte):
    """arch/arm/include/asm/pgtable.h: pte_mkyoung()."""
    return pte | L_PTE_YOUNG


def pte_modify(pte, newprot):
    """arch/arm/include/asm/pgtable.h: pte_modify() — replace the protection bits."""
    mask = L_PTE_XN | L_PTE_RDONLY | L_PTE_USER | L_PTE_NONE | L_PTE_VALID
    return (pte & ~mask) | (newprot & mask)


def pte_swp_soft_dirty(pte):
    """include/asm-generic/pgtable.h: pte_swp_soft_dirty() — 0: ARM has no soft-dirty bit."""
    return False


def pte_soft_dirty(pte):
    """include/asm-generic/pgtable.h: pte_soft_dirty() — 0 on ARM."""
    return False


# --- swap entries in ptes (pgtable.h) ----------------------------------------------------
# A not-present pte holds a swap entry: bits 1:0 zero, the type in bits 6:2, the offset
# from bit 7.
__SWP_TYPE_SHIFT = 2
__SWP_TYPE_BITS = 5
__SWP_TYPE_MASK = (1 << __SWP_TYPE_BITS) - 1
__SWP_OFFSET_SHIFT = __SWP_TYPE_BITS + __SWP_TYPE_SHIFT


def __swp_type(x):
    """arch/arm/include/asm/pgtable.h: __swp_type() (of a ``swp_entry_t`` value)."""
    return (x >> __SWP_TYPE_SHIFT) & __SWP_TYPE_MASK


def __swp_offset(x):
    """arch/arm/include/asm/pgtable.h: __swp_offset()."""
    return x >> __SWP_OFFSET_SHIFT


def __swp_entry(type_, offset):
    """arch/arm/include/asm/pgtable.h: __swp_entry()."""
    return ((type_ << __SWP_TYPE_SHIFT) | (offset << __SWP_OFFSET_SHIFT)) & 0xFFFFFFFF


def __pte_to_swp_entry(pte):
    """arch/arm/include/asm/pgtable.h: __pte_to_swp_entry() — the pte value as it is."""
    return pte


def __swp_entry_to_pte(swp):
    """arch/arm/include/asm/pgtable.h: __swp_entry_to_pte()."""
    return swp
