# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/mm.h (with asm-generic/memory_model.h and the ARM asm/memory.h page macros).

``struct page *`` is the index of the page in ``mem_map`` (FLATMEM):
``page_to_pfn(page) == page + ARCH_PFN_OFFSET`` with ``ARCH_PFN_OFFSET == PHYS_PFN_OFFSET``
(arch/arm/include/asm/memory.h). NULL is ``None``.

Everything a ``struct page`` holds is in the machine's arrays
(include/linux/mm_types.py); the helpers here read and write them as the inline
functions of mm.h do. ``get_page``/``put_page`` and ``put_page_testzero`` keep v4.9's
rules, including the ``VM_BUG_ON_PAGE`` checks that exist only with
``CONFIG_DEBUG_VM``.
"""

from cmaport.arch.arm.include.asm.memory import (PAGE_OFFSET, PHYS_PFN_OFFSET, __pa, __va,
                                                 __pfn_to_phys)
from cmaport.arch.arm.include.asm.page import PAGE_SHIFT
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import (PG_reserved, PageCompound, PageHead, PageTail,
                                              compound_head)
from cmaport.include.linux.page_ref import init_page_count, page_ref_count, page_ref_inc
from cmaport.kernel.machine import _running, this_machine

# enum compound_dtor_id (no HUGETLB_PAGE, no THP)
NULL_COMPOUND_DTOR = 0
COMPOUND_PAGE_DTOR = 1
NR_COMPOUND_DTORS = 2

# vm_flags (struct vm_area_struct)
VM_NONE = 0x00000000
VM_READ = 0x00000001
VM_WRITE = 0x00000002
VM_EXEC = 0x00000004
VM_SHARED = 0x00000008
VM_MAYREAD = 0x00000010
VM_MAYWRITE = 0x00000020
VM_MAYEXEC = 0x00000040
VM_MAYSHARE = 0x00000080
VM_GROWSDOWN = 0x00000100
VM_UFFD_MISSING = 0x00000200
VM_PFNMAP = 0x00000400
VM_DENYWRITE = 0x00000800
VM_UFFD_WP = 0x00001000
VM_LOCKED = 0x00002000
VM_IO = 0x00004000
VM_SEQ_READ = 0x00008000
VM_RAND_READ = 0x00010000
VM_DONTCOPY = 0x00020000
VM_DONTEXPAND = 0x00040000
VM_LOCKONFAULT = 0x00080000
VM_ACCOUNT = 0x00100000
VM_NORESERVE = 0x00200000
VM_HUGETLB = 0x00400000
VM_ARCH_1 = 0x01000000
VM_DONTDUMP = 0x04000000
VM_MIXEDMAP = 0x10000000
VM_HUGEPAGE = 0x20000000
VM_NOHUGEPAGE = 0x40000000
VM_MERGEABLE = 0x80000000
VM_GROWSUP = VM_NONE  # only on architectures whose stack grows up
VM_STACK_INCOMPLETE_SETUP = VM_RAND_READ | VM_SEQ_READ
VM_STACK = VM_GROWSDOWN
VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP
VM_LOCKED_CLEAR_MASK = ~(VM_LOCKED | VM_LOCKONFAULT) & 0xFFFFFFFF
# arch/arm/include/asm/page.h: VM_DATA_DEFAULT_FLAGS (READ_IMPLIES_EXEC off)
VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC

# struct vm_fault / fault_env flags
FAULT_FLAG_WRITE = 0x01
FAULT_FLAG_MKWRITE = 0x02
FAULT_FLAG_ALLOW_RETRY = 0x04
FAULT_FLAG_RETRY_NOWAIT = 0x08
FAULT_FLAG_KILLABLE = 0x10
FAULT_FLAG_TRIED = 0x20
FAULT_FLAG_USER = 0x40
FAULT_FLAG_REMOTE = 0x80
FAULT_FLAG_INSTRUCTION = 0x100

# handle_mm_fault() results
VM_FAULT_OOM = 0x0001
VM_FAULT_SIGBUS = 0x0002
VM_FAULT_MAJOR = 0x0004
VM_FAULT_WRITE = 0x0008
VM_FAULT_HWPOISON = 0x0010
VM_FAULT_HWPOISON_LARGE = 0x0020
VM_FAULT_SIGSEGV = 0x0040
VM_FAULT_NOPAGE = 0x0100
VM_FAULT_LOCKED = 0x0200
VM_FAULT_RETRY = 0x0400
VM_FAULT_FALLBACK = 0x0800
VM_FAULT_DAX_LOCKED = 0x1000
VM_FAULT_ERROR = (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON
                  | VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK)

# get_user_pages() flags
FOLL_WRITE = 0x01
FOLL_TOUCH = 0x02
FOLL_GET = 0x04
FOLL_DUMP = 0x08
FOLL_FORCE = 0x10
FOLL_NOWAIT = 0x20
FOLL_POPULATE = 0x40
FOLL_SPLIT = 0x80
FOLL_HWPOISON = 0x100
FOLL_NUMA = 0x200
FOLL_MIGRATION = 0x400
FOLL_TRIED = 0x800
FOLL_MLOCK = 0x1000
FOLL_REMOTE = 0x2000
FOLL_COW = 0x4000


def _pages():
    """Model-only: the running machine's ``struct page`` field arrays."""
    return _running.get()._statics[struct_page_arrays]


# --- memory model ---------------------------------------------------------------------

def ARCH_PFN_OFFSET():
    """arch/arm/include/asm/memory.h: ARCH_PFN_OFFSET — ``PHYS_PFN_OFFSET``."""
    return PHYS_PFN_OFFSET()


def page_to_pfn(page):
    """include/asm-generic/memory_model.h: page_to_pfn() — FLATMEM: ``page - mem_map + ARCH_PFN_OFFSET``."""
    return page + _running.get()._statics[struct_page_arrays].pfn_offset


def pfn_to_page(pfn):
    """include/asm-generic/memory_model.h: pfn_to_page() — FLATMEM: ``mem_map + pfn - ARCH_PFN_OFFSET``."""
    return pfn - _running.get()._statics[struct_page_arrays].pfn_offset


def page_to_phys(page):
    """arch/arm/include/asm/memory.h: page_to_phys()."""
    return __pfn_to_phys(page_to_pfn(page))


def virt_to_pfn(kaddr):
    """arch/arm/include/asm/memory.h: virt_to_pfn() — lowmem linear map."""
    return __pa(kaddr) >> PAGE_SHIFT


def virt_to_page(kaddr):
    """arch/arm/include/asm/memory.h: virt_to_page()."""
    return pfn_to_page(virt_to_pfn(kaddr))


def pfn_to_kaddr(pfn):
    """arch/arm/include/asm/memory.h: pfn_to_kaddr()."""
    return __va(pfn << PAGE_SHIFT)


def virt_addr_valid(kaddr):
    """arch/arm/include/asm/memory.h: virt_addr_valid() — in lowmem and a valid pfn."""
    from cmaport.arch.arm.mm.init import pfn_valid
    from cmaport.mm.memory import memory_c

    return (PAGE_OFFSET() <= kaddr < memory_c.get().high_memory) and pfn_valid(virt_to_pfn(kaddr))


def pfn_valid_within(pfn):
    """include/linux/mmzone.h: pfn_valid_within() — 1: ARM has no CONFIG_HOLES_IN_ZONE."""
    return 1


def early_pfn_valid(pfn):
    """include/linux/mmzone.h: early_pfn_valid() — 1 without SPARSEMEM."""
    return 1


# --- zone and node of a page (page-flags-layout.h) -----------------------------------

def page_zonenum(page):
    """include/linux/mm.h: page_zonenum() — the zone number in the top bits of ``flags``."""
    s = _running.get()._statics[struct_page_arrays]
    return (s.flags[page] >> s.zones_pgshift) & s.zones_mask


def page_zone_id(page):
    """include/linux/mm.h: page_zone_id() — node and zone bits; here the zone number."""
    s = _running.get()._statics[struct_page_arrays]
    return (s.flags[page] >> s.zones_pgshift) & s.zones_mask


def page_to_nid(page):
    """include/linux/mm.h: page_to_nid() — 0 (one node)."""
    return 0


def page_zone(page):
    """include/linux/mm.h: page_zone() — ``&NODE_DATA(nid)->node_zones[page_zonenum(page)]``."""
    s = _running.get()._statics[struct_page_arrays]
    return s.node_zones[(s.flags[page] >> s.zones_pgshift) & s.zones_mask]


def page_pgdat(page):
    """include/linux/mm.h: page_pgdat()."""
    return page_zone(page).zone_pgdat


def set_page_zone(page, zone):
    """include/linux/mm.h: set_page_zone() — store the zone number in the top bits."""
    s = _pages()
    s.flags[page] = ((s.flags[page] & ~(s.zones_mask << s.zones_pgshift))
                     | ((zone & s.zones_mask) << s.zones_pgshift)) & 0xFFFFFFFF


def set_page_node(page, node):
    """include/linux/mm.h: set_page_node() — NODES_WIDTH is 0: nothing to store."""


def set_page_links(page, zone, node, pfn):
    """include/linux/mm.h: set_page_links() — zone and node (no section bits in FLATMEM)."""
    set_page_zone(page, zone)
    set_page_node(page, node)


# --- the fields -----------------------------------------------------------------------

def page_private(page):
    """include/linux/mm.h: page_private()."""
    return _running.get()._statics[struct_page_arrays].private[page]


def set_page_private(page, private):
    """include/linux/mm.h: set_page_private()."""
    _running.get()._statics[struct_page_arrays].private[page] = private


def page_mapcount_reset(page):
    """include/linux/mm.h: page_mapcount_reset() — ``_mapcount = -1``."""
    _running.get()._statics[struct_page_arrays]._mapcount[page] = -1


def compound_mapcount(page):
    """include/linux/mm.h: compound_mapcount() — of the head, kept in page[1].mapping."""
    page = compound_head(page)
    v = _pages().mapping.get(page + 1, 0)
    return (v if isinstance(v, int) else 0) + 1


def __page_mapcount(page):
    """mm/util.c: __page_mapcount() — a compound page's mapcount (anon: plus the compound one)."""
    from cmaport.include.linux.page_flags import PageAnon, PageDoubleMap, PageHuge

    ret = _pages()._mapcount[page] + 1
    if not PageAnon(page) and not PageHuge(page):
        return ret
    page = compound_head(page)
    v = _pages().mapping.get(page + 1, 0)
    ret += (v if isinstance(v, int) else 0) + 1
    if PageDoubleMap(page):
        ret -= 1
    return ret


def page_mapcount(page):
    """include/linux/mm.h: page_mapcount() — ``_mapcount + 1`` (compound: __page_mapcount)."""
    if PageCompound(page):
        return __page_mapcount(page)
    return _pages()._mapcount[page] + 1


def page_to_pgoff(page):
    """include/linux/pagemap.h: page_to_pgoff() — ``page->index`` (no hugetlb pages)."""
    return _pages().index[page]


def compound_order(page):
    """include/linux/mm.h: compound_order() — 0 unless a head page (page[1].compound_order)."""
    if not PageHead(page):
        return 0
    return (_pages().lru_prev[page + 1] >> 16) & 0xFFFF


def set_compound_order(page, order):
    """include/linux/mm.h: set_compound_order() — page[1].compound_order (shares lru.prev)."""
    s = _pages()
    s.lru_prev[page + 1] = (s.lru_prev[page + 1] & 0xFFFF) | (order << 16)


def set_compound_page_dtor(page, compound_dtor):
    """include/linux/mm.h: set_compound_page_dtor() — page[1].compound_dtor."""
    s = _pages()
    s.lru_prev[page + 1] = (s.lru_prev[page + 1] & ~0xFFFF) | compound_dtor


def get_compound_page_dtor(page):
    """include/linux/mm.h: get_compound_page_dtor() — the destructor by id."""
    from cmaport.mm.page_alloc import compound_page_dtors

    return compound_page_dtors[_pages().lru_prev[page + 1] & 0xFFFF]


def lowmem_page_address(page):
    """include/linux/mm.h: lowmem_page_address() — ``page_to_virt`` of the linear map."""
    return __va(page_to_pfn(page) << PAGE_SHIFT)


def page_address(page):
    """include/linux/mm.h / mm/highmem.c: page_address() — the kernel virtual address.

    With CONFIG_HIGHMEM (HASHED_PAGE_VIRTUAL) a highmem page has an address only while
    kmapped; the model has no kmap, so it is NULL (``None``).
    """
    from cmaport.include.linux.page_flags import PageHighMem

    if PageHighMem(page):
        return None
    return lowmem_page_address(page)


# --- reference counting ---------------------------------------------------------------

def VM_BUG_ON_PAGE(cond, page, text, line=0, file=None):
    """include/linux/mmdebug.h: VM_BUG_ON_PAGE() — with CONFIG_DEBUG_VM: dump_page, then BUG().

    ``text`` is the stringified condition the C macro passes to dump_page(); ``line`` the
    v4.9 line of the use. The report names the C file of the caller (where the macro is
    expanded) and raises ``KernelBug``. ``file`` (model-only) names that file when the
    caller's module is not it: a static inline of one header ported in another module.
    """
    if not cond or not this_machine().config.get("CONFIG_DEBUG_VM"):
        return
    import sys

    from cmaport.kernel.errors import KernelBug
    from cmaport.kernel.panic import _c_file
    from cmaport.kernel.printk import KERN_DEFAULT, printk
    from cmaport.mm.debug import dump_page

    caller = sys._getframe(1)
    dump_page(page, "VM_BUG_ON_PAGE(%s)" % text)
    printk(KERN_DEFAULT + "------------[ cut here ]------------\n")
    printk("\0012kernel BUG at %s:%u!\n", file or _c_file(caller.f_globals.get("__name__", "?")), line)
    raise KernelBug(caller.f_code.co_name, "VM_BUG_ON_PAGE(%s) pfn:%05x" % (text, page_to_pfn(page)))


def VM_BUG_ON(cond, text, line=0):
    """include/linux/mmdebug.h: VM_BUG_ON() — with CONFIG_DEBUG_VM: BUG() when ``cond`` holds."""
    if not cond or not this_machine().config.get("CONFIG_DEBUG_VM"):
        return
    import sys

    from cmaport.kernel.errors import KernelBug
    from cmaport.kernel.panic import _c_file
    from cmaport.kernel.printk import KERN_DEFAULT, printk

    caller = sys._getframe(1)
    printk(KERN_DEFAULT + "------------[ cut here ]------------\n")
    printk("\0012kernel BUG at %s:%u!\n", _c_file(caller.f_globals.get("__name__", "?")), line)
    raise KernelBug(caller.f_code.co_name, "VM_BUG_ON(%s)" % text)


def VM_WARN_ON(cond, line=0, file=None, function=None):
    """include/linux/mmdebug.h: VM_WARN_ON() — with CONFIG_DEBUG_VM: WARN_ON(cond); without
    it the condition is not even evaluated for its value (nothing happens).

    ``file`` and ``function`` (model-only) name the C file the macro is written in and the
    function it ends up in, when the caller's module and name are not those (a static
    inline of a header is expanded into its caller: the report names the header's line
    and the caller's function).
    """
    if not cond or not this_machine().config.get("CONFIG_DEBUG_VM"):
        return
    import sys

    from cmaport.kernel.panic import __warn, _c_file

    caller = sys._getframe(1)
    __warn(file or _c_file(caller.f_globals.get("__name__", "?")), line,
           function or caller.f_code.co_name, "", 1)


def put_page_testzero(page):
    """include/linux/mm.h: put_page_testzero() — drop a reference; true if it was the last.

    Model: when the count was already 0 (a double free or a refcount underflow) v4.9
    without CONFIG_DEBUG_VM says nothing here; the model records a diagnostic.
    """
    rc = _running.get()._statics[struct_page_arrays]._refcount
    v = rc[page]
    if v <= 0:
        VM_BUG_ON_PAGE(v == 0, page, "page_ref_count(page) == 0", line=445)
        m = this_machine()
        m.diagnose("put_page_testzero",
                   "pfn %#x: reference dropped while _refcount was %d (double free or "
                   "refcount underflow); v4.9 without CONFIG_DEBUG_VM notices only when the "
                   "page is next checked" % (page_to_pfn(page), v))
    # page_ref_dec_and_test(page)
    v -= 1
    rc[page] = v
    return v == 0


def get_page_unless_zero(page):
    """include/linux/mm.h: get_page_unless_zero()."""
    from cmaport.include.linux.page_ref import page_ref_add_unless

    return page_ref_add_unless(page, 1, 0)


def get_page(page):
    """include/linux/mm.h: get_page() — take a reference on the (head) page."""
    page = compound_head(page)
    VM_BUG_ON_PAGE(page_ref_count(page) <= 0, page, "page_ref_count(page) <= 0", line=768)
    page_ref_inc(page)


def put_page(page):
    """include/linux/mm.h: put_page() — drop a reference; free the page on the last one."""
    page = compound_head(page)
    if put_page_testzero(page):
        _swap.__put_page(page)


def set_page_refcounted(page):
    """mm/internal.h: set_page_refcounted() — a fresh page gets ``_refcount`` 1.

    Ported here (mm/internal.py re-exports it); its VM_BUG_ON_PAGEs are expanded in
    mm/internal.h and report that file.
    """
    VM_BUG_ON_PAGE(PageTail(page), page, "PageTail(page)", line=69, file="mm/internal.h")
    VM_BUG_ON_PAGE(page_ref_count(page), page, "page_ref_count(page)", line=70, file="mm/internal.h")
    _running.get()._statics[struct_page_arrays]._refcount[page] = 1


def __free_reserved_page(page):
    """include/linux/mm.h: __free_reserved_page() — clear PG_reserved, count 1, free."""
    s = _pages()
    s.flags[page] &= ~(1 << PG_reserved) & 0xFFFFFFFF  # ClearPageReserved
    init_page_count(page)
    _page_alloc.__free_pages(page, 0)  # __free_page()


def free_reserved_page(page):
    """include/linux/mm.h: free_reserved_page() — and count it as managed."""
    __free_reserved_page(page)
    _page_alloc.adjust_managed_page_count(page, 1)


def mark_page_reserved(page):
    """include/linux/mm.h: mark_page_reserved() — set PG_reserved, no longer managed."""
    from cmaport.mm.page_alloc import adjust_managed_page_count

    _pages().flags[page] |= 1 << PG_reserved
    adjust_managed_page_count(page, -1)


def get_num_physpages():
    """include/linux/mm.h: get_num_physpages() — present pages of all nodes."""
    from cmaport.include.linux.mmzone import for_each_online_pgdat

    return sum(pgdat.node_present_pages for pgdat in for_each_online_pgdat())


def set_max_mapnr(limit):
    """include/linux/mm.h: set_max_mapnr() — FLATMEM's ``max_mapnr``."""
    from cmaport.mm.memory import memory_c

    memory_c.get().max_mapnr = limit


def memmap_valid_within(pfn, page, zone):
    """mm/mmzone.c: memmap_valid_within() — ARM selects ARCH_HAS_HOLES_MEMORYMODEL."""
    if page_to_pfn(page) != pfn:
        return False
    if page_zone(page) is not zone:
        return False
    return True



# --- mm counters and small VMA helpers (include/linux/mm.h, pagemap.h) ------------------

def get_mm_counter(mm, member):
    """include/linux/mm.h: get_mm_counter() — negative reads as 0 (SMP)."""
    v = mm.rss_stat[member]
    return v if v > 0 else 0


def add_mm_counter(mm, member, value):
    """include/linux/mm.h: add_mm_counter()."""
    mm.rss_stat[member] += value


def inc_mm_counter(mm, member):
    """include/linux/mm.h: inc_mm_counter()."""
    mm.rss_stat[member] += 1


def dec_mm_counter(mm, member):
    """include/linux/mm.h: dec_mm_counter()."""
    mm.rss_stat[member] -= 1


def inc_mm_counter_fast(mm, member):
    """mm/memory.c: inc_mm_counter_fast() — Model: the per-task SPLIT_RSS_COUNTING cache is
    folded into the mm at once (as sync_mm_rss would after 64 events)."""
    mm.rss_stat[member] += 1


def dec_mm_counter_fast(mm, member):
    """mm/memory.c: dec_mm_counter_fast() — see inc_mm_counter_fast."""
    mm.rss_stat[member] -= 1


def mm_counter_file(page):
    """include/linux/mm.h: mm_counter_file() — shmem pages count apart."""
    from cmaport.include.linux.mm_types import MM_FILEPAGES, MM_SHMEMPAGES
    from cmaport.include.linux.page_flags import PageSwapBacked

    if PageSwapBacked(page):  # noqa: F821 (generated accessor)
        return MM_SHMEMPAGES
    return MM_FILEPAGES


def mm_counter(page):
    """include/linux/mm.h: mm_counter() — which rss counter a mapped page counts in."""
    from cmaport.include.linux.mm_types import MM_ANONPAGES
    from cmaport.include.linux.page_flags import PageAnon

    if PageAnon(page):
        return MM_ANONPAGES
    return mm_counter_file(page)


def get_mm_rss(mm):
    """include/linux/mm.h: get_mm_rss() — file + anon + shmem pages."""
    from cmaport.include.linux.mm_types import MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES

    return (get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES)
            + get_mm_counter(mm, MM_SHMEMPAGES))


def update_hiwater_rss(mm):
    """include/linux/mm.h: update_hiwater_rss()."""
    _rss = get_mm_rss(mm)
    if mm.hiwater_rss < _rss:
        mm.hiwater_rss = _rss


def maybe_mkwrite(pte, vma):
    """include/linux/mm.h: maybe_mkwrite() — writable if the VMA is."""
    from cmaport.arch.arm.include.asm.pgtable import pte_mkwrite

    if vma.vm_flags & VM_WRITE:
        pte = pte_mkwrite(pte)
    return pte


def vma_is_anonymous(vma):
    """include/linux/mm.h: vma_is_anonymous() — no vm_ops."""
    return vma.vm_ops is None


def vma_pages(vma):
    """include/linux/mm.h: vma_pages()."""
    return (vma.vm_end - vma.vm_start) >> PAGE_SHIFT


def is_cow_mapping(flags):
    """mm/internal.h: is_cow_mapping() — private and may be written."""
    return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE


def linear_page_index(vma, address):
    """include/linux/pagemap.h: linear_page_index() — the page offset ``address`` maps."""
    pgoff = (address - vma.vm_start) >> PAGE_SHIFT
    pgoff += vma.vm_pgoff
    return pgoff


# Model: the .c files behind these inline functions include this header themselves; they
# are bound here at the end, after this header's names exist (see include/linux/gfp.py).
from cmaport.mm import page_alloc as _page_alloc  # noqa: E402
from cmaport.mm import swap as _swap  # noqa: E402
