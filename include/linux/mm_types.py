# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/mm_types.h: ``struct page`` (v4.9, 32-bit ARM) as compact per-field arrays.

In the kernel ``mem_map`` is an array of 32-byte ``struct page``s. In the port a
``struct page *`` is an index into ``mem_map`` (an ``int``; NULL is ``None``) and every
field of ``struct page`` is one array indexed by that number:

==================  =======================  =====================================
C field             array                    notes
==================  =======================  =====================================
``flags``           ``flags`` (``'I'``)      page flags in the low bits, the zone
                                             number in the top bits
                                             (include/linux/page-flags-layout.h)
``mapping``         ``mapping`` (a dict)     sparse: only pages that have one
``index``           ``index`` (``'I'``)      also the pcp migratetype cache
``_mapcount``       ``_mapcount`` (``'i'``)  -1 when unmapped; -128
                                             (PAGE_BUDDY_MAPCOUNT_VALUE) marks
                                             the head of a free buddy block
``_refcount``       ``_refcount`` (``'i'``)
``lru.next/prev``   ``lru_next``/``lru_prev``  indexes of list slots (see below)
``private``         ``private`` (``'I'``)    the buddy order of a free block
==================  =======================  =====================================

**Lists.** ``struct list_head`` threaded through ``page->lru`` is kept in the two link
arrays. Slot ``n`` for ``n < nr_pages`` is page ``n``'s ``lru``; the slots after the
pages are list *heads* (the zones' free lists, the per-cpu lists, lists a caller
declares with ``LIST_HEAD()``), so ``list_add``/``list_del`` are a handful of array
stores and a free block costs its head page only. ``include/linux/list.py`` has the
kernel's list functions over these slots. ``list_entry(ptr, struct page, lru)`` is the
identity: the page *is* its ``lru`` slot.

**Unions.** Where C overlays fields, the port overlays the same arrays:
``compound_head`` of a tail page is ``lru.next`` (stored as ``-(2*head)-1``: negative
and odd, which no list link ever is; see ``include/linux/page_flags.py``),
``compound_dtor``/``compound_order`` of the first tail page share ``lru.prev``,
``compound_mapcount`` of the first tail page is its ``mapping``.

**For the developers of the movable users** (page cache, anonymous pages, rmap):
``mapping`` holds ``struct address_space *``/``anon_vma`` stand-ins (any object; an
object's ``mapping_flags`` attribute, when present, supplies the low bits
``PAGE_MAPPING_ANON``/``PAGE_MAPPING_MOVABLE`` that C tags into the pointer; an ``int``
is a raw pointer value such as ``TAIL_MAPPING``); ``index`` is the page offset;
``_mapcount`` starts at -1; ``PG_lru``/``PG_active``/``PG_swapbacked``/``PG_unevictable``
live in ``flags`` (``include/linux/page_flags.py``); ``lru`` links a page into any list
with the functions of ``include/linux/list.py`` once it is off the allocator's lists.
The allocator's free-time checks (``free_pages_check``) look at all of them exactly as
v4.9 does.

Model: the storage is the model's, not the simulated RAM: ``alloc_node_mem_map`` still
reserves ``sizeof(struct page)`` bytes per entry from memblock so the accounting is the
kernel's, but the fields live in these arrays.

The header's other two structures, ``struct mm_struct`` and ``struct vm_area_struct``,
are ordinary objects (at the end of this file).
"""

from array import array

import attrs

from cmaport.kernel.machine import statics

# sizeof(struct page) on 32-bit ARM v4.9 (no MEMCG, no WANT_PAGE_VIRTUAL, no KMEMCHECK):
# flags, mapping, index, counters (_mapcount + _refcount), lru (2 pointers), private.
SIZEOF_STRUCT_PAGE = 32

# Model: list poison values for list_del() (include/linux/poison.h LIST_POISON1/2). They
# are negative and even: never a slot index, never a tagged compound_head.
LIST_POISON1 = -0x100100
LIST_POISON2 = -0x200200


@statics
class struct_page_arrays:
    """Model-only: the storage of every ``struct page`` of the machine (what ``mem_map``
    points at), plus the list-head slots that follow the pages in the link arrays.

    Created empty; ``alloc_node_mem_map`` (mm/page_alloc.py) sizes it. ``pfn_offset`` is
    ``ARCH_PFN_OFFSET`` (``page_to_pfn(page) == page + pfn_offset``), cached here because
    every page conversion needs it. The zone fields of ``flags`` are decoded with
    ``zones_pgshift``/``zones_mask`` and ``node_zones`` (the zones of node 0), set by
    ``free_area_init_node`` — the compile-time constants of page-flags-layout.h for
    this machine's configuration. ``max_order``/``pageblock_order``/``debug_vm`` are MAX_ORDER,
    pageblock_order and IS_ENABLED(CONFIG_DEBUG_VM), cached for the hot paths.
    """

    nr_pages: int = 0
    flags: array = attrs.Factory(lambda: array("I"))
    _refcount: array = attrs.Factory(lambda: array("i"))
    _mapcount: array = attrs.Factory(lambda: array("i"))
    private: array = attrs.Factory(lambda: array("I"))
    index: array = attrs.Factory(lambda: array("I"))
    lru_next: array = attrs.Factory(lambda: array("i"))
    lru_prev: array = attrs.Factory(lambda: array("i"))
    mapping: dict = attrs.Factory(dict)
    # Released head slots, reused by LIST_HEAD().
    free_heads: list = attrs.Factory(list)
    pfn_offset: int = 0
    max_order: int = 0
    pageblock_order: int = 0
    debug_vm: bool = False
    zones_pgshift: int = 0
    zones_mask: int = 0
    node_zones: list = attrs.Factory(list)

    def resize(self, nr_pages):
        """Model-only: give the storage ``nr_pages`` zeroed entries (``memset(map, 0)``).

        Only allowed while no list head exists yet (the heads follow the pages).
        """
        if len(self.lru_next) != self.nr_pages:
            raise RuntimeError("mem_map must be sized before any list head is created")
        self.nr_pages = nr_pages
        self.flags = array("I", bytes(4 * nr_pages))
        self._refcount = array("i", bytes(4 * nr_pages))
        self._mapcount = array("i", bytes(4 * nr_pages))
        self.private = array("I", bytes(4 * nr_pages))
        self.index = array("I", bytes(4 * nr_pages))
        self.lru_next = array("i", bytes(4 * nr_pages))
        self.lru_prev = array("i", bytes(4 * nr_pages))
        self.mapping = {}
        self.free_heads = []

    def new_head(self):
        """Model-only: a fresh list-head slot (initialised empty)."""
        if self.free_heads:
            h = self.free_heads.pop()
        else:
            h = len(self.lru_next)
            self.lru_next.append(h)
            self.lru_prev.append(h)
        self.lru_next[h] = h
        self.lru_prev[h] = h
        return h

    def release_head(self, h):
        """Model-only: give a head slot back (its list must be empty)."""
        if h < self.nr_pages or self.lru_next[h] != h:
            raise ValueError(f"slot {h} is not an empty list head")
        self.free_heads.append(h)

    def bytes_per_page(self):
        """Model-only: the RSS cost of the arrays per ``struct page`` (for benchmarks)."""
        n = max(self.nr_pages, 1)
        total = sum(a.itemsize * len(a) for a in (self.flags, self._refcount, self._mapcount,
                                                     self.private, self.index, self.lru_next,
                                                     self.lru_prev))
        return total / n


# --- struct mm_struct and struct vm_area_struct ---------------------------------------

# enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS }
MM_FILEPAGES = 0
MM_ANONPAGES = 1
MM_SWAPENTS = 2
MM_SHMEMPAGES = 3
NR_MM_COUNTERS = 4

_DEFAULT_VM_FLAGS = 0x1 | 0x2 | 0x8 | 0x10 | 0x20  # VM_READ|WRITE|SHARED|MAYREAD|MAYWRITE


@attrs.define(slots=True, eq=False)
class vm_area_struct:
    """include/linux/mm_types.h: struct vm_area_struct — one mapping of an address space.

    ``vm_next``/``vm_prev`` are the mm's sorted VMA list; ``anon_vma_chain`` is a Python
    list of the VMA's ``anon_vma_chain`` entries, newest first (C: ``list_add`` on the
    ``same_vma`` list head). Model: the VMA rbtree (``vm_rb``) and the i_mmap interval-tree
    node (``shared.rb``) are not kept; their users walk the sorted list / ``i_mmap`` list.

    A VMA made by a device's mmap handler with no ``vm_mm`` (the DMA tests) stands alone;
    ``remapped`` (model-only) records what ``remap_pfn_range`` would have put into the page
    tables.
    """

    vm_start: int = 0
    vm_end: int = 0
    vm_next: object = None
    vm_prev: object = None
    vm_mm: object = None
    vm_page_prot: int = 0
    vm_flags: int = _DEFAULT_VM_FLAGS
    anon_vma_chain: list = attrs.Factory(list)
    anon_vma: object = None
    vm_ops: object = None
    vm_pgoff: int = 0
    vm_file: object = None
    vm_private_data: object = None
    remapped: list = attrs.Factory(list)

    def __repr__(self):
        return (f"<vma {self.vm_start:#010x}-{self.vm_end:#010x} flags={self.vm_flags:#x} "
                f"pgoff={self.vm_pgoff:#x}{' file' if self.vm_file is not None else ''}>")


@attrs.define(slots=True, eq=False)
class mm_struct:
    """include/linux/mm_types.h: struct mm_struct — a process address space.

    ``pgd`` is the model's first-level table (arch/arm/include/asm/pgtable.py);
    ``rss_stat`` is ``struct mm_rss_stat`` (the NR_MM_COUNTERS counters). Model: no
    ``mm_rb``/vmacache (``find_vma`` walks the sorted ``mmap`` list), no mmap_sem or
    page_table_lock (one CPU, nothing to serialise), no ASID context.
    """

    mmap: object = None
    get_unmapped_area: object = None
    mmap_base: int = 0
    mmap_legacy_base: int = 0
    task_size: int = 0
    highest_vm_end: int = 0
    pgd: object = None
    mm_users: int = 1
    mm_count: int = 1
    nr_ptes: int = 0
    map_count: int = 0
    hiwater_rss: int = 0
    hiwater_vm: int = 0
    total_vm: int = 0
    locked_vm: int = 0
    pinned_vm: int = 0
    data_vm: int = 0
    exec_vm: int = 0
    stack_vm: int = 0
    def_flags: int = 0
    rss_stat: list = attrs.Factory(lambda: [0] * NR_MM_COUNTERS)
    flags: int = 0
    owner: object = None  # Model: the task that created it (for diagnostics)
    model_id: int = 0

    def __repr__(self):
        return f"<mm {self.model_id} vmas={self.map_count}>"
