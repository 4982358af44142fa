# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/page-flags.h: the page flags of v4.9 on 32-bit ARM and their accessors.

The flag set is the ARM multiplatform one: ``CONFIG_MMU`` gives ``PG_mlocked``; ARM has
no ``PG_uncached`` (ARCH_USES_PG_UNCACHED), no ``PG_hwpoison`` (MEMORY_FAILURE) and no
``PG_young``/``PG_idle`` (64-bit only), so ``NR_PAGEFLAGS`` is 21 and the zone number
sits in the top bits of ``page->flags`` (include/linux/page-flags-layout.h).

The accessors are generated the way the C macros generate them (``PAGEFLAG(LRU, lru,
PF_HEAD)`` makes ``PageLRU``, ``SetPageLRU``, ``ClearPageLRU``); each generated function
carries its own name and docstring. The policies: ``PF_ANY`` uses the page itself,
``PF_HEAD`` and ``PF_NO_TAIL`` the compound head, ``PF_NO_COMPOUND`` the page (the
``VM_BUG_ON_PGFLAGS`` checks belong to ``CONFIG_DEBUG_VM_PGFLAGS``, which is off).

Compound pages: ``compound_head`` of a tail page lives in its ``lru.next`` (a union in
C). C tags the head pointer with bit 0; the model's link array holds slot numbers, any
of which may be odd, so the tagged value is stored as ``-(2 * head) - 1`` — negative and
odd, which neither a slot number nor the list poison (negative and even) ever is.
"""

from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.kernel.machine import _running

# enum pageflags
PG_locked = 0
PG_error = 1
PG_referenced = 2
PG_uptodate = 3
PG_dirty = 4
PG_lru = 5
PG_active = 6
PG_slab = 7
PG_owner_priv_1 = 8
PG_arch_1 = 9
PG_reserved = 10
PG_private = 11
PG_private_2 = 12
PG_writeback = 13
PG_head = 14
PG_swapcache = 15
PG_mappedtodisk = 16
PG_reclaim = 17
PG_swapbacked = 18
PG_unevictable = 19
PG_mlocked = 20  # CONFIG_MMU
__NR_PAGEFLAGS = 21
NR_PAGEFLAGS = __NR_PAGEFLAGS  # include/generated/bounds.h
# aliases
PG_checked = PG_owner_priv_1
PG_fscache = PG_private_2
PG_pinned = PG_owner_priv_1
PG_savepinned = PG_dirty
PG_foreign = PG_owner_priv_1
PG_slob_free = PG_private
PG_double_map = PG_private_2
PG_isolated = PG_reclaim

# Flags checked when a page is freed / prepared for the caller.
__PG_MLOCKED = 1 << PG_mlocked
__PG_HWPOISON = 0  # no CONFIG_MEMORY_FAILURE
PAGE_FLAGS_CHECK_AT_FREE = (1 << PG_lru | 1 << PG_locked | 1 << PG_private | 1 << PG_private_2
                            | 1 << PG_writeback | 1 << PG_reserved | 1 << PG_slab
                            | 1 << PG_swapcache | 1 << PG_active | 1 << PG_unevictable
                            | __PG_MLOCKED)
PAGE_FLAGS_CHECK_AT_PREP = ((1 << NR_PAGEFLAGS) - 1) & ~__PG_HWPOISON
PAGE_FLAGS_PRIVATE = 1 << PG_private | 1 << PG_private_2
PG_head_mask = 1 << PG_head

# The special _mapcount values (PAGE_MAPCOUNT_OPS).
PAGE_BUDDY_MAPCOUNT_VALUE = -128
PAGE_BALLOON_MAPCOUNT_VALUE = -256
PAGE_KMEMCG_MAPCOUNT_VALUE = -512

# The low bits of page->mapping (anon / non-lru movable).
PAGE_MAPPING_ANON = 0x1
PAGE_MAPPING_MOVABLE = 0x2
PAGE_MAPPING_KSM = PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE
PAGE_MAPPING_FLAGS = PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE

# include/linux/poison.h (POISON_POINTER_DELTA is 0 on ARM).
TAIL_MAPPING = 0x400


def _pages():
    """Model-only: the running machine's ``struct page`` field arrays."""
    return _running.get()._statics[struct_page_arrays]


# --- compound pages ---------------------------------------------------------------

def compound_head(page):
    """include/linux/page-flags.h: compound_head() — the head of a compound page, or ``page``."""
    head = _running.get()._statics[struct_page_arrays].lru_next[page]
    if head < 0 and head & 1:
        return (-head - 1) >> 1
    return page


def PageTail(page):
    """include/linux/page-flags.h: PageTail() — bit 0 of ``compound_head`` is set."""
    head = _running.get()._statics[struct_page_arrays].lru_next[page]
    return head < 0 and (head & 1) == 1


def PageCompound(page):
    """include/linux/page-flags.h: PageCompound() — a head (PG_head) or a tail page."""
    s = _running.get()._statics[struct_page_arrays]
    head = s.lru_next[page]
    return bool(s.flags[page] & PG_head_mask) or (head < 0 and (head & 1) == 1)


def set_compound_head(page, head):
    """include/linux/page-flags.h: set_compound_head() — tag ``page`` as a tail of ``head``."""
    _pages().lru_next[page] = -(2 * head) - 1


def clear_compound_head(page):
    """include/linux/page-flags.h: clear_compound_head() — ``compound_head = 0``."""
    _pages().lru_next[page] = 0


# --- the flag accessor generators (the PAGEFLAG() family of macros) ----------------

def _policy_page(policy, page):
    """include/linux/page-flags.h: PF_ANY() & co. — the page that holds the flag."""
    if policy in ("PF_HEAD", "PF_NO_TAIL"):
        return compound_head(page)
    return page


def _make_test(uname, bit, policy):
    """include/linux/page-flags.h: TESTPAGEFLAG() — make ``PageX()``."""
    mask = 1 << bit
    if policy in ("PF_HEAD", "PF_NO_TAIL"):
        def test(page):
            """include/linux/page-flags.h: PageX() — the flag of the compound head."""
            s = _running.get()._statics[struct_page_arrays]
            head = s.lru_next[page]
            if head < 0 and head & 1:
                page = (-head - 1) >> 1
            return bool(s.flags[page] & mask)
    else:
        def test(page):
            """include/linux/page-flags.h: PageX() — the flag of the page itself."""
            return bool(_running.get()._statics[struct_page_arrays].flags[page] & mask)
    test.__name__ = test.__qualname__ = "Page" + uname
    test.__doc__ = f"include/linux/page-flags.h: Page{uname}() — test PG_{_lname(bit)} ({policy})."
    return test


def _make_set(prefix, uname, bit, policy):
    """include/linux/page-flags.h: SETPAGEFLAG(), __SETPAGEFLAG() — make ``[__]SetPageX()``."""
    mask = 1 << bit

    def set_(page):
        """include/linux/page-flags.h: [__]SetPageX() — set the flag (named below)."""
        page = _policy_page(policy, page)
        _pages().flags[page] |= mask
    set_.__name__ = set_.__qualname__ = prefix + "SetPage" + uname
    atomic = "atomically" if not prefix else "non-atomically"
    set_.__doc__ = (f"include/linux/page-flags.h: {prefix}SetPage{uname}() — set PG_{_lname(bit)} "
                    f"({atomic}; one CPU in the model).")
    return set_


def _make_clear(prefix, uname, bit, policy):
    """include/linux/page-flags.h: CLEARPAGEFLAG(), __CLEARPAGEFLAG() — make ``[__]ClearPageX()``."""
    mask = ~(1 << bit) & 0xFFFFFFFF

    def clear(page):
        """include/linux/page-flags.h: [__]ClearPageX() — clear the flag (named below)."""
        page = _policy_page(policy, page)
        _pages().flags[page] &= mask
    clear.__name__ = clear.__qualname__ = prefix + "ClearPage" + uname
    clear.__doc__ = f"include/linux/page-flags.h: {prefix}ClearPage{uname}() — clear PG_{_lname(bit)}."
    return clear


def _make_testset(uname, bit, policy, clear):
    """include/linux/page-flags.h: TESTSETFLAG(), TESTCLEARFLAG() — make Test{Set,Clear}PageX()."""
    mask = 1 << bit

    def testop(page):
        """include/linux/page-flags.h: TestSetPageX(), TestClearPageX() — return the old value."""
        page = _policy_page(policy, page)
        flags = _pages().flags
        old = bool(flags[page] & mask)
        if clear:
            flags[page] &= ~mask & 0xFFFFFFFF
        else:
            flags[page] |= mask
        return old
    name = ("TestClearPage" if clear else "TestSetPage") + uname
    testop.__name__ = testop.__qualname__ = name
    testop.__doc__ = f"include/linux/page-flags.h: {name}() — {'clear' if clear else 'set'} PG_{_lname(bit)}, return the old value."
    return testop


_BIT_NAMES = {v: k[3:] for k, v in list(globals().items())
              if k.startswith("PG_") and isinstance(v, int) and k not in (
                  "PG_checked", "PG_fscache", "PG_pinned", "PG_savepinned", "PG_foreign",
                  "PG_slob_free", "PG_double_map", "PG_isolated", "PG_head_mask")}


def _lname(bit):
    """Model-only: a flag bit's name for the docstrings (``lru`` for PG_lru), else its number."""
    return _BIT_NAMES.get(bit, str(bit))


def _export(*fns):
    """Model-only: make generated accessors module globals, under their own names."""
    g = globals()
    for fn in fns:
        g[fn.__name__] = fn


def PAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: PAGEFLAG() — PageX, SetPageX, ClearPageX."""
    _export(_make_test(uname, bit, policy), _make_set("", uname, bit, policy),
            _make_clear("", uname, bit, policy))


def __PAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: __PAGEFLAG() — PageX, __SetPageX, __ClearPageX."""
    _export(_make_test(uname, bit, policy), _make_set("__", uname, bit, policy),
            _make_clear("__", uname, bit, policy))


def TESTPAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: TESTPAGEFLAG()."""
    _export(_make_test(uname, bit, policy))


def SETPAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: SETPAGEFLAG()."""
    _export(_make_set("", uname, bit, policy))


def __SETPAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: __SETPAGEFLAG()."""
    _export(_make_set("__", uname, bit, policy))


def CLEARPAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: CLEARPAGEFLAG()."""
    _export(_make_clear("", uname, bit, policy))


def __CLEARPAGEFLAG(uname, bit, policy):
    """include/linux/page-flags.h: __CLEARPAGEFLAG()."""
    _export(_make_clear("__", uname, bit, policy))


def TESTSCFLAG(uname, bit, policy):
    """include/linux/page-flags.h: TESTSCFLAG() — TestSetPageX and TestClearPageX."""
    _export(_make_testset(uname, bit, policy, False), _make_testset(uname, bit, policy, True))


def TESTCLEARFLAG(uname, bit, policy):
    """include/linux/page-flags.h: TESTCLEARFLAG()."""
    _export(_make_testset(uname, bit, policy, True))


# The flags and their accessors, as page-flags.h declares them (v4.9).
__PAGEFLAG("Locked", PG_locked, "PF_NO_TAIL")
PAGEFLAG("Error", PG_error, "PF_NO_COMPOUND")
TESTCLEARFLAG("Error", PG_error, "PF_NO_COMPOUND")
PAGEFLAG("Referenced", PG_referenced, "PF_HEAD")
TESTCLEARFLAG("Referenced", PG_referenced, "PF_HEAD")
__SETPAGEFLAG("Referenced", PG_referenced, "PF_HEAD")
PAGEFLAG("Dirty", PG_dirty, "PF_HEAD")
TESTSCFLAG("Dirty", PG_dirty, "PF_HEAD")
__CLEARPAGEFLAG("Dirty", PG_dirty, "PF_HEAD")
PAGEFLAG("LRU", PG_lru, "PF_HEAD")
__CLEARPAGEFLAG("LRU", PG_lru, "PF_HEAD")
PAGEFLAG("Active", PG_active, "PF_HEAD")
__CLEARPAGEFLAG("Active", PG_active, "PF_HEAD")
TESTCLEARFLAG("Active", PG_active, "PF_HEAD")
__PAGEFLAG("Slab", PG_slab, "PF_NO_TAIL")
PAGEFLAG("Checked", PG_checked, "PF_NO_COMPOUND")
PAGEFLAG("Reserved", PG_reserved, "PF_NO_COMPOUND")
__CLEARPAGEFLAG("Reserved", PG_reserved, "PF_NO_COMPOUND")
PAGEFLAG("SwapBacked", PG_swapbacked, "PF_NO_TAIL")
__CLEARPAGEFLAG("SwapBacked", PG_swapbacked, "PF_NO_TAIL")
__SETPAGEFLAG("SwapBacked", PG_swapbacked, "PF_NO_TAIL")
PAGEFLAG("Private", PG_private, "PF_ANY")
__SETPAGEFLAG("Private", PG_private, "PF_ANY")
__CLEARPAGEFLAG("Private", PG_private, "PF_ANY")
PAGEFLAG("Private2", PG_private_2, "PF_ANY")
TESTSCFLAG("Private2", PG_private_2, "PF_ANY")
PAGEFLAG("OwnerPriv1", PG_owner_priv_1, "PF_ANY")
TESTCLEARFLAG("OwnerPriv1", PG_owner_priv_1, "PF_ANY")
TESTPAGEFLAG("Writeback", PG_writeback, "PF_NO_COMPOUND")
TESTSCFLAG("Writeback", PG_writeback, "PF_NO_COMPOUND")
PAGEFLAG("MappedToDisk", PG_mappedtodisk, "PF_NO_TAIL")
PAGEFLAG("Reclaim", PG_reclaim, "PF_NO_TAIL")
TESTCLEARFLAG("Reclaim", PG_reclaim, "PF_NO_TAIL")
PAGEFLAG("SwapCache", PG_swapcache, "PF_NO_COMPOUND")  # CONFIG_SWAP (multi_v7_defconfig)
PAGEFLAG("Unevictable", PG_unevictable, "PF_HEAD")
__CLEARPAGEFLAG("Unevictable", PG_unevictable, "PF_HEAD")
TESTCLEARFLAG("Unevictable", PG_unevictable, "PF_HEAD")
PAGEFLAG("Mlocked", PG_mlocked, "PF_NO_TAIL")
__CLEARPAGEFLAG("Mlocked", PG_mlocked, "PF_NO_TAIL")
TESTSCFLAG("Mlocked", PG_mlocked, "PF_NO_TAIL")
__PAGEFLAG("Head", PG_head, "PF_ANY")
CLEARPAGEFLAG("Head", PG_head, "PF_ANY")
__PAGEFLAG("Isolated", PG_isolated, "PF_ANY")


def PageUptodate(page):
    """include/linux/page-flags.h: PageUptodate() — PG_uptodate of the head (with smp_rmb)."""
    page = compound_head(page)
    return bool(_pages().flags[page] & (1 << PG_uptodate))


def SetPageUptodate(page):
    """include/linux/page-flags.h: SetPageUptodate() — set PG_uptodate (smp_wmb first)."""
    _pages().flags[page] |= 1 << PG_uptodate


def __SetPageUptodate(page):
    """include/linux/page-flags.h: __SetPageUptodate()."""
    _pages().flags[page] |= 1 << PG_uptodate


CLEARPAGEFLAG("Uptodate", PG_uptodate, "PF_NO_TAIL")


def PageHighMem(page):
    """include/linux/page-flags.h: PageHighMem() — ``is_highmem_idx(page_zonenum(page))``."""
    from cmaport.include.linux.mm import page_zonenum
    from cmaport.include.linux.mmzone import is_highmem_idx

    return is_highmem_idx(page_zonenum(page))


def PageHWPoison(page):
    """include/linux/page-flags.h: PageHWPoison() — false: no CONFIG_MEMORY_FAILURE."""
    return False


def PageUncached(page):
    """include/linux/page-flags.h: PageUncached() — false: ARM does not use PG_uncached."""
    return False


def PageDoubleMap(page):
    """include/linux/page-flags.h: PageDoubleMap() — false without CONFIG_TRANSPARENT_HUGEPAGE."""
    return False


def ClearPageDoubleMap(page):
    """include/linux/page-flags.h: ClearPageDoubleMap() — no-op without THP."""


def PageTransHuge(page):
    """include/linux/page-flags.h: PageTransHuge() — false without THP."""
    return False


def PageTransCompound(page):
    """include/linux/page-flags.h: PageTransCompound() — false without THP."""
    return False


def PageHuge(page):
    """include/linux/page-flags.h: PageHuge() — false without CONFIG_HUGETLB_PAGE."""
    return False


def PageKsm(page):
    """include/linux/page-flags.h: PageKsm() — false without CONFIG_KSM."""
    return False


def ClearPageCompound(page):
    """include/linux/page-flags.h: ClearPageCompound() — only for a head page."""
    ClearPageHead(page)  # noqa: F821 (generated above)


def PageBuddy(page):
    """include/linux/page-flags.h: PageBuddy() — ``_mapcount`` is PAGE_BUDDY_MAPCOUNT_VALUE."""
    return _running.get()._statics[struct_page_arrays]._mapcount[page] == PAGE_BUDDY_MAPCOUNT_VALUE


def __SetPageBuddy(page):
    """include/linux/page-flags.h: __SetPageBuddy() — mark the head of a free block.

    The VM_BUG_ON_PAGE(_mapcount != -1) of the macro belongs to CONFIG_DEBUG_VM.
    """
    _running.get()._statics[struct_page_arrays]._mapcount[page] = PAGE_BUDDY_MAPCOUNT_VALUE


def __ClearPageBuddy(page):
    """include/linux/page-flags.h: __ClearPageBuddy() — ``_mapcount`` back to -1."""
    _running.get()._statics[struct_page_arrays]._mapcount[page] = -1


def PageBalloon(page):
    """include/linux/page-flags.h: PageBalloon() — ``_mapcount`` is PAGE_BALLOON_MAPCOUNT_VALUE."""
    return _pages()._mapcount[page] == PAGE_BALLOON_MAPCOUNT_VALUE


def PageKmemcg(page):
    """include/linux/page-flags.h: PageKmemcg() — ``_mapcount`` is PAGE_KMEMCG_MAPCOUNT_VALUE."""
    return _pages()._mapcount[page] == PAGE_KMEMCG_MAPCOUNT_VALUE


def _mapping_bits(value):
    """Model-only: the low pointer bits of a ``page->mapping`` value (see mm_types.py)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return getattr(value, "mapping_flags", 0)


def PageMappingFlags(page):
    """include/linux/page-flags.h: PageMappingFlags() — mapping has ANON or MOVABLE bits."""
    return (_mapping_bits(_pages().mapping.get(page)) & PAGE_MAPPING_FLAGS) != 0


def PageAnon(page):
    """include/linux/page-flags.h: PageAnon() — the head's mapping has PAGE_MAPPING_ANON."""
    page = compound_head(page)
    return (_mapping_bits(_pages().mapping.get(page)) & PAGE_MAPPING_ANON) != 0


def __PageMovable(page):
    """include/linux/page-flags.h: __PageMovable() — mapping bits are exactly MOVABLE."""
    return (_mapping_bits(_pages().mapping.get(page)) & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE


def page_has_private(page):
    """include/linux/page-flags.h: page_has_private() — PG_private or PG_private_2."""
    return bool(_pages().flags[page] & PAGE_FLAGS_PRIVATE)


# --- %pGp: pageflag_names (include/trace/events/mmflags.h, mm/debug.c) ------------

pageflag_names = (
    (1 << PG_locked, "locked"),
    (1 << PG_error, "error"),
    (1 << PG_referenced, "referenced"),
    (1 << PG_uptodate, "uptodate"),
    (1 << PG_dirty, "dirty"),
    (1 << PG_lru, "lru"),
    (1 << PG_active, "active"),
    (1 << PG_slab, "slab"),
    (1 << PG_owner_priv_1, "owner_priv_1"),
    (1 << PG_arch_1, "arch_1"),
    (1 << PG_reserved, "reserved"),
    (1 << PG_private, "private"),
    (1 << PG_private_2, "private_2"),
    (1 << PG_writeback, "writeback"),
    (1 << PG_head, "head"),
    (1 << PG_swapcache, "swapcache"),
    (1 << PG_mappedtodisk, "mappedtodisk"),
    (1 << PG_reclaim, "reclaim"),
    (1 << PG_swapbacked, "swapbacked"),
    (1 << PG_unevictable, "unevictable"),
    (1 << PG_mlocked, "mlocked"),  # IF_HAVE_PG_MLOCK (CONFIG_MMU)
)


def format_flags(flags, names):
    """lib/vsprintf.c: format_flags() — names joined with ``|``; unnamed bits as ``0x..``."""
    out = []
    for mask, name in names:
        if not flags:
            break
        if (flags & mask) != mask:
            continue
        out.append(name)
        flags &= ~mask
        if flags:
            out.append("|")
    if flags:
        out.append("%#x" % flags)
    return "".join(out)


def _render_pageflags(flags):
    """lib/vsprintf.c: flags_string() case 'p' — the zone bits are removed first."""
    return format_flags(flags & ((1 << NR_PAGEFLAGS) - 1), pageflag_names)


def _register():
    """Model-only: hook the ``%pGp`` renderer into lib/vsprintf.py at import."""
    from cmaport.lib.vsprintf import register_flags_renderer

    register_flags_renderer("p", _render_pageflags)


_register()
