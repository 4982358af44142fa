# SPDX-License-Identifier: GPL-2.0-only
"""mm/cma.c and mm/cma.h: the Contiguous Memory Allocator of Linux v4.9.

A CMA area is a range of physical memory reserved from memblock at boot
(``cma_declare_contiguous``, or ``cma_init_reserved_mem`` for a range someone else
reserved, e.g. a device-tree ``reusable`` region) and described by a ``struct cma``:
its first pfn, its size in pages, and a bitmap in which one bit stands for
``2^order_per_bit`` pages. At ``core_initcall`` time ``cma_init_reserved_areas`` gives
each area's pageblocks to the buddy allocator as MIGRATE_CMA, so movable allocations may
use them; ``cma_alloc`` later takes a range back with ``alloc_contig_range`` (migrating
whatever lives there) and marks it in the bitmap; ``cma_release`` frees it.

v4.9 facts kept (see shared/reference/v4.9-vs-v6.1.md §6, §9, §11):

* areas have no name (``cma_get_name``/``cma_for_each_area`` came later; the model has
  them as model-only helpers, the name being the ``cma-<slot>`` of v4.9's debugfs);
* the minimum alignment is ``PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)``; a fixed
  base is rounded **up** to it silently, the limit rounded down, and ``base + size > limit``
  is never checked; a non-fixed area is placed top-down, in highmem first when the
  allowed range spans both;
* ``cma_bitmap_aligned_offset`` has the wrong sign (``ALIGN(base_pfn, 2^align) -
  base_pfn``), so an area whose base is not aligned to ``2^align`` pages returns
  misaligned blocks for large ``align`` (unreachable through the DMA API);
* ``cma_activate_area`` checks the zone pageblock by pageblock and releases each as it
  goes: on a mismatch the blocks already released stay CMA, the rest stay reserved,
  ``count`` becomes 0 and the activation of every later area is abandoned: those keep
  their ``count`` and a NULL bitmap, which cma_alloc() (it checks only ``count``) and
  cma_release() dereference — an oops (for the default area, in atomic_pool_init);
* ``cma_alloc`` retries only on ``-EBUSY`` (from ``start = bit + mask + 1``) and prints
  nothing at info level when it fails; ``cma_release`` frees the pages before clearing
  the bits and checks nothing but the first pfn (``VM_BUG_ON`` for the end, only with
  CONFIG_DEBUG_VM).

Locks: ``cma->lock`` (a mutex) guards an area's bitmap; the file's ``cma_mutex``
serialises every ``alloc_contig_range`` CMA makes, across all areas, because isolating
pageblocks of two overlapping aligned ranges at once would break. Model: one CPU, no
preemption — both are comments at the places they are taken.

``alloc_contig_range``/``free_contig_range`` (mm/page_alloc.c) are imported when
called (``from cmaport.mm.page_alloc import …`` inside the function), so the module's
current attributes are used.
"""

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.errno import EBUSY, EINVAL, ENOMEM, ENOSPC
from cmaport.include.linux.init import core_initcall
from cmaport.include.linux.kernel import ALIGN, ULONG_MAX
from cmaport.include.linux.mmzone import MIGRATE_CMA
from cmaport.include.linux.pfn import PFN_DOWN
from cmaport.include.linux.sizes import SZ_1M
from cmaport.include.trace.events.cma import trace_cma_alloc, trace_cma_release
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.panic import WARN_ON_ONCE, kernel_fault_oops
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.bitmap import (BITS_PER_LONG, bitmap_alloc_zeroed, bitmap_clear,
                                bitmap_find_next_zero_area_off, bitmap_set)

_pr = pr_helpers("cma: ", debug="CONFIG_CMA_DEBUG")

_U32 = 0xFFFFFFFF  # phys_addr_t, unsigned long and size_t are 32-bit (no LPAE)

# Model: cma_areas[] is a .bss array; its place there is build-dependent. The model puts
# it at this offset from __bss_start, so "%p" of a struct cma * prints a stable address.
CMA_AREAS_BSS_OFFSET = 0x1A40
# sizeof(struct cma) on this ARM build: base_pfn, count, bitmap, order_per_bit (4 bytes
# each) and a struct mutex (count, wait_lock, wait_list (8), owner, osq: 24 bytes with
# SMP and MUTEX_SPIN_ON_OWNER); CONFIG_CMA_DEBUGFS adds mem_head and mem_head_lock.
SIZEOF_STRUCT_CMA = 40
SIZEOF_STRUCT_CMA_DEBUGFS = 48


@attrs.define(slots=True, eq=False)
class cma:
    """mm/cma.h: struct cma — one contiguous area.

    ``bitmap`` is ``None`` until the area is activated (an ``array('I')`` of unsigned
    longs after), ``count`` is in pages (0 for an area whose activation failed),
    ``order_per_bit`` the log2 of the pages one bit stands for. ``mem_head`` is the
    CONFIG_CMA_DEBUGFS list of debugfs allocations (newest first). ``index`` is
    model-only: the slot in ``cma_areas[]``; so is ``live``: the ranges cma_alloc() handed
    out and cma_release() has not given back, ``{first pfn: pages}`` (for the diagnostic of
    a release that cuts into one, see ``_model_track_release``).
    """

    base_pfn: int = 0
    count: int = 0
    bitmap: object = None
    order_per_bit: int = 0
    # Model: struct mutex lock — guards bitmap; one CPU, nothing to serialise.
    mem_head: list = attrs.Factory(list)
    # Model: spinlock_t mem_head_lock (CONFIG_CMA_DEBUGFS) — guards mem_head; one CPU.
    index: int = 0
    live: dict = attrs.Factory(dict)


def _cma_areas_factory():
    """mm/cma.c: cma_areas[MAX_CMA_AREAS] — the empty slots (``index`` is model-only)."""
    return [cma(index=i) for i in range(this_machine().config.MAX_CMA_AREAS)]


@statics
class cma_c:
    """The file-scope variables of mm/cma.c (declared in mm/cma.h).

    ``cma_areas`` is the static array of MAX_CMA_AREAS areas, ``cma_area_count`` how many
    are in use. (``cma_mutex`` is a comment in cma_alloc.)
    """

    cma_areas: list = attrs.Factory(_cma_areas_factory)
    cma_area_count: int = 0


def cma_address(c):
    """Model-only: the kernel virtual address of ``struct cma`` ``c`` (what ``%p`` prints)."""
    from cmaport.arch.arm.kernel.vmlinux_lds import sections

    size = SIZEOF_STRUCT_CMA_DEBUGFS if this_machine().config.get("CONFIG_CMA_DEBUGFS") \
        else SIZEOF_STRUCT_CMA
    return (sections().__bss_start + CMA_AREAS_BSS_OFFSET + c.index * size) & _U32


def _cma_min_alignment():
    """mm/cma.c: ``PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)`` — every area's alignment."""
    cfg = this_machine().config
    return PAGE_SIZE << max(cfg.MAX_ORDER - 1, cfg.pageblock_order)


def _shl1(n):
    """Model-only: ``1UL << n`` as ARM computes it for a shift held in a register.

    A shift of 32 or more is undefined in C. The compiler emits a register-controlled
    LSL, which uses only the bottom byte of the shift register: that byte is the shift,
    and a shift of 32..255 gives 0. So 32..255 give 0, 256 gives ``1 << 0``, 257 gives
    ``1 << 1``, and so on modulo 256 — what the model returns.
    """
    n &= 0xFF  # LSL by register: Rs[7:0]
    return (1 << n) & _U32 if n < BITS_PER_LONG else 0


def cma_get_base(c):
    """mm/cma.c: cma_get_base() — the area's physical base (``PFN_PHYS(base_pfn)``)."""
    return (c.base_pfn << PAGE_SHIFT) & _U32


def cma_get_size(c):
    """mm/cma.c: cma_get_size() — the area's size in bytes (``count << PAGE_SHIFT``)."""
    return (c.count << PAGE_SHIFT) & _U32


def cma_get_name(c):
    """Model-only: the area's name (not in v4.9) — the ``cma-<slot>`` of v4.9's debugfs.

    v4.9's ``struct cma`` has no name; later kernels added one (``cma_get_name`` in
    v4.15). The model names an area after the directory mm/cma_debug.c gives it.
    """
    return "cma-%d" % c.index


def cma_for_each_area(it, data):
    """Model-only: call ``it(cma, data)`` for every area in use (not in v4.9; v4.16 added it).

    Stops at the first non-zero return value and returns it; 0 otherwise.
    """
    s = cma_c.get()
    for i in range(s.cma_area_count):
        ret = it(s.cma_areas[i], data)
        if ret:
            return ret
    return 0


def cma_bitmap_maxno(c):
    """mm/cma.h: cma_bitmap_maxno() — the number of bits (``count >> order_per_bit``)."""
    return c.count >> c.order_per_bit


def cma_bitmap_aligned_mask(c, align_order):
    """mm/cma.c: cma_bitmap_aligned_mask() — the bit-index mask for ``2^align_order`` pages.

    0 when a bit already covers the alignment, else ``2^(align_order - order_per_bit) - 1``
    (the comparison is unsigned: ``align_order`` meets the ``unsigned int`` field).
    """
    if (align_order & _U32) <= c.order_per_bit:
        return 0
    return (_shl1(align_order - c.order_per_bit) - 1) & _U32


def cma_bitmap_aligned_offset(c, align_order):
    """mm/cma.c: cma_bitmap_aligned_offset() — v4.9's offset for the aligned search, in bits.

    ``(ALIGN(base_pfn, 2^align_order) - base_pfn) >> order_per_bit``: the distance from the
    base up to the next aligned pfn. bitmap_find_next_zero_area_off() wants the base's
    distance *past* the previous aligned pfn (``base_pfn mod 2^align``; later kernels
    fixed it), so for an unaligned base the result is aligned only when that distance is
    0 or exactly half the alignment (v4.9-vs-v6.1.md §11.2). Kept as in v4.9.
    """
    if (align_order & _U32) <= c.order_per_bit:
        return 0
    # ALIGN() in 32-bit unsigned arithmetic
    aligned = ALIGN(c.base_pfn, _shl1(align_order)) & _U32
    return ((aligned - c.base_pfn) & _U32) >> c.order_per_bit


def cma_bitmap_pages_to_bits(c, pages):
    """mm/cma.c: cma_bitmap_pages_to_bits() — pages rounded up to whole bits, in bits."""
    return (ALIGN(pages & _U32, 1 << c.order_per_bit) & _U32) >> c.order_per_bit


def cma_clear_bitmap(c, pfn, count):
    """mm/cma.c: cma_clear_bitmap() — clear the bits of ``count`` pages from ``pfn``.

    Model: a range past the end of the bitmap (a cma_release() whose count runs off the
    area, without CONFIG_DEBUG_VM) makes the kernel write past its kzalloc'ed bitmap;
    the model clears only the bits the bitmap has and records a diagnostic. An area that
    was never activated has a NULL bitmap: bitmap_clear() writes through it, and the
    model stops with the oops (see ``model_null_bitmap_oops``).
    """
    bitmap_no = ((pfn - c.base_pfn) & _U32) >> c.order_per_bit
    bitmap_count = cma_bitmap_pages_to_bits(c, count)

    # Model: cma->lock taken here — one CPU, nothing to serialise.
    if c.bitmap is None:
        if not bitmap_count:
            return  # __bitmap_clear() of no bits touches no word
        model_null_bitmap_oops(c, "cma_clear_bitmap", bitmap_no)
    have = len(c.bitmap) * BITS_PER_LONG
    if bitmap_no + bitmap_count > have:
        this_machine().diagnose(
            "cma_clear_bitmap",
            "%s: bits %d..%d are past the end of the area's bitmap (%d bits): v4.9 writes "
            "past the allocation; the model clears only up to the end"
            % (cma_get_name(c), bitmap_no, bitmap_no + bitmap_count - 1, have))
        bitmap_count = max(0, have - bitmap_no)
    bitmap_clear(c.bitmap, bitmap_no, bitmap_count)


def model_null_bitmap_oops(c, function, bit):
    """Model-only: the kernel touches bit ``bit`` of an area's NULL bitmap — the oops.

    An area that cma_init_reserved_areas() never reached (it stops at the first area
    whose activation fails) keeps its ``count`` and has no bitmap, and nothing in
    cma_alloc()/cma_release() looks at the bitmap pointer: the word holding the bit is
    read or written at ``BIT_WORD(bit) * sizeof(long)``, an address in the first pages.

    Model: the oops line is printed and the kernel stops (``KernelBug``); in v4.9 the
    task dies in the fault, which for pid 1 (the initcalls: atomic_pool_init) kills the
    kernel.
    """
    s = cma_c.get()
    reason = ("cma_init_reserved_areas() stopped at an earlier area that failed"
              if c.index < s.cma_area_count else "it is not one of cma_areas[]")
    kernel_fault_oops((bit // BITS_PER_LONG) * (BITS_PER_LONG // 8), function,
                      "%s (pfns %#x..%#x, %d pages) was never activated (%s): its bitmap is "
                      "NULL" % (cma_get_name(c), c.base_pfn, c.base_pfn + c.count - 1,
                                c.count, reason))


def _page_exists(pfn):
    """Model-only: does ``pfn`` have a ``struct page`` in mem_map?"""
    from cmaport.include.linux.mm_types import struct_page_arrays

    s = struct_page_arrays.get()
    page = pfn - s.pfn_offset
    return 0 <= page < s.nr_pages


def _block_all_valid(pfn, n):
    """Model-only: ``pfn_valid()`` of every pfn of ``[pfn, pfn + n)`` at once.

    True when one memblock memory region that is not NOMAP holds the whole range (what
    pfn_valid() would answer for each pfn); otherwise the caller asks pfn by pfn.
    """
    from cmaport.include.linux.memblock import memblock_is_nomap
    from cmaport.mm.memblock import memblock, memblock_search

    mem = memblock().memory
    idx = memblock_search(mem, (pfn << PAGE_SHIFT) & _U32)
    if idx == -1:
        return False
    r = mem.regions[idx]
    return not memblock_is_nomap(r) and ((pfn + n) << PAGE_SHIFT) <= r.base + r.size


def cma_activate_area(c):
    """mm/cma.c: cma_activate_area() — give an area's pageblocks to the buddy allocator.

    Allocates the zeroed bitmap, then for each pageblock in address order checks that
    every pfn is valid (WARN_ON_ONCE otherwise) and in the zone of the area's first page,
    and releases the block as MIGRATE_CMA (init_cma_reserved_pageblock). A zone mismatch
    frees the bitmap, sets ``count`` to 0 and fails with ``-EINVAL``; the blocks released
    before it stay in the buddy allocator as CMA.

    Model: kzalloc() of the bitmap does not fail here (the kernel would return -ENOMEM).
    The per-pfn checks are made per pageblock where one test answers for all of its
    pfns (a block inside one memory region, all of it in one zone); the result is the
    same. A pfn without a ``struct page`` (an area reserved past the end of RAM with a
    fixed ``cma=``, which v4.9 does not prevent) makes the kernel read past mem_map; the
    model treats such a page as being in no zone, records a diagnostic, and so fails
    the zone check there.

    :return: 0, or ``-EINVAL``
    """
    from cmaport.include.linux.mm import page_zone, pfn_to_page
    from cmaport.include.linux.mm_types import struct_page_arrays
    from cmaport.arch.arm.mm.init import pfn_valid
    from cmaport.mm.page_alloc import init_cma_reserved_pageblock

    cfg = this_machine().config
    pageblock_nr_pages = cfg.pageblock_nr_pages
    base_pfn = c.base_pfn
    pfn = base_pfn
    i = (c.count >> cfg.pageblock_order) & _U32

    c.bitmap = bitmap_alloc_zeroed(cma_bitmap_maxno(c))

    def zone_of(p):
        """mm/cma.c: cma_activate_area()'s page_zone(pfn_to_page(p)); past mem_map, ``None``."""
        if not _page_exists(p):
            this_machine().diagnose(
                "cma_activate_area",
                "%s: pfn %#x has no struct page (past the end of mem_map): v4.9 reads "
                "garbage there; the model counts it as a zone mismatch"
                % (cma_get_name(c), p))
            return None
        return page_zone(pfn_to_page(p))

    WARN_ON_ONCE(not pfn_valid(pfn), line=109)
    zone = zone_of(pfn)

    s = struct_page_arrays.get()
    # do { ... } while (--i); (i is unsigned: an area smaller than a pageblock would wrap,
    # but cma_init_reserved_mem() only accepts multiples of the pageblock size)
    while True:
        base_pfn = pfn
        block_ok = zone is not None and _block_all_valid(pfn, pageblock_nr_pages)
        if block_ok:
            first = pfn - s.pfn_offset
            if first + pageblock_nr_pages > s.nr_pages:
                block_ok = False
            else:
                shift, mask = s.zones_pgshift, s.zones_mask
                zid = (s.flags[first] >> shift) & mask
                block_ok = (s.node_zones[zid] is zone
                            and all(((f >> shift) & mask) == zid
                                    for f in s.flags[first:first + pageblock_nr_pages]))
        if block_ok:
            pfn += pageblock_nr_pages
        else:
            for _ in range(pageblock_nr_pages):
                WARN_ON_ONCE(not pfn_valid(pfn), line=117)
                # alloc_contig_range() needs its range in one zone: the whole area must be.
                if zone is None or zone_of(pfn) is not zone:
                    # err:
                    released = (base_pfn - c.base_pfn) >> cfg.pageblock_order
                    this_machine().diagnose(
                        "cma_activate_area",
                        "%s (pfns %#x..%#x) is not in one zone (pfn %#x): v4.9 disables it "
                        "silently (count = 0) after giving %d pageblock(s) to the buddy "
                        "allocator as CMA; the rest stays reserved"
                        % (cma_get_name(c), c.base_pfn, c.base_pfn + c.count - 1, pfn,
                           released))
                    c.bitmap = None  # kfree()
                    c.count = 0
                    return -EINVAL
                pfn += 1
        init_cma_reserved_pageblock(pfn_to_page(base_pfn))
        i = (i - 1) & _U32
        if not i:
            break

    # mutex_init(&cma->lock)
    if cfg.get("CONFIG_CMA_DEBUGFS"):
        c.mem_head = []  # INIT_HLIST_HEAD(); spin_lock_init(&cma->mem_head_lock)

    return 0


@core_initcall
def cma_init_reserved_areas():
    """mm/cma.c: cma_init_reserved_areas() — core_initcall: activate every area in slot order.

    Stops at the first area that fails and returns its error; later areas stay inactive
    (their memory stays reserved).
    """
    s = cma_c.get()
    for i in range(s.cma_area_count):
        ret = cma_activate_area(s.cma_areas[i])
        if ret:
            if i + 1 < s.cma_area_count:
                this_machine().diagnose(
                    "cma_init_reserved_areas",
                    "%s not activated: v4.9 stops at the first area that fails (their memory "
                    "stays reserved)" % ", ".join(cma_get_name(c) for c in
                                                  s.cma_areas[i + 1:s.cma_area_count]))
            return ret
    return 0


def cma_init_reserved_mem(base, size, order_per_bit):
    """mm/cma.c: cma_init_reserved_mem() — make an area of memory that is already reserved.

    Checks, in order: a free slot (else ``Not enough slots for CMA reserved regions!``,
    ``-ENOSPC``); ``size`` non-zero and the range *intersecting* memblock.reserved; the
    minimum alignment (in pages) a multiple of ``2^order_per_bit``; base and size
    multiples of the minimum alignment (no rounding here). Then fills the next slot and
    adds the pages to ``totalcma_pages``. The bitmap comes at activation.

    Model: ``res_cma`` is returned.

    :return: ``(0, cma)``, or ``(-errno, None)``
    """
    from cmaport.mm.memblock import memblock_is_region_reserved
    from cmaport.mm.page_alloc import page_alloc_c

    s = cma_c.get()
    base &= _U32
    size &= _U32

    # Sanity checks
    if s.cma_area_count == len(s.cma_areas):
        _pr.err("Not enough slots for CMA reserved regions!\n")
        return -ENOSPC, None

    if not size or not memblock_is_region_reserved(base, size):
        return -EINVAL, None

    # the alignment the buddy allocator needs
    alignment = _cma_min_alignment()

    # which must hold whole bits
    if (alignment >> PAGE_SHIFT) % (1 << order_per_bit):
        return -EINVAL, None

    if ALIGN(base, alignment) & _U32 != base or ALIGN(size, alignment) & _U32 != size:
        return -EINVAL, None

    # The area is initialised later, once the slab allocator and friends are up.
    c = s.cma_areas[s.cma_area_count]
    c.base_pfn = PFN_DOWN(base)
    c.count = size >> PAGE_SHIFT
    c.order_per_bit = order_per_bit
    s.cma_area_count += 1
    page_alloc_c.get().totalcma_pages += size // PAGE_SIZE

    return 0, c


def cma_declare_contiguous(base, size, limit, alignment, order_per_bit, fixed):
    """mm/cma.c: cma_declare_contiguous() — reserve an area from memblock and make it a CMA area.

    The arguments are printed raw (pr_debug), then sanitised: the alignment is raised to
    the minimum, base and size are rounded **up**, the limit **down**; a zero base means
    "not fixed". A fixed area must not straddle the lowmem/highmem boundary
    (``Region at … defined on low/high memory boundary``) and must not intersect a reserved
    range (``-EBUSY``). A non-fixed one is searched top-down in ``[base, limit)`` (limit 0
    or past the end of RAM meaning the end of RAM), in highmem first when the range spans
    both. Errors found before the reservation step (no slot, size 0, alignment not a power
    of two, size not whole bits) return silently; later ones print ``Failed to reserve %ld
    MiB`` with the rounded size. A failure in cma_init_reserved_mem() does not give the
    memblock reservation back.

    Model: ``res_cma`` is returned; kmemleak_ignore_phys() has nothing to do.

    :return: ``(0, cma)``, or ``(-errno, None)``
    """
    from cmaport.arch.arm.include.asm.memory import __pa
    from cmaport.mm.memblock import (MEMBLOCK_NONE, memblock_alloc_range, memblock_end_of_DRAM,
                                     memblock_is_region_reserved, memblock_reserve)
    from cmaport.mm.memory import memory_c

    s = cma_c.get()
    base &= _U32
    size &= _U32
    limit &= _U32
    alignment &= _U32
    memblock_end = memblock_end_of_DRAM() & _U32
    ret = 0

    highmem_start = __pa(memory_c.get().high_memory)
    _pr.debug("%s(size %pa, base %pa, limit %pa alignment %pa)\n",
              "cma_declare_contiguous", size, base, limit, alignment)

    if s.cma_area_count == len(s.cma_areas):
        _pr.err("Not enough slots for CMA reserved regions!\n")
        return -ENOSPC, None

    if not size:
        return -EINVAL, None

    if alignment and alignment & (alignment - 1):
        return -EINVAL, None

    # Sanitise: an area must cover whole max-order blocks, or the buddy allocator could
    # merge its edge pages with the neighbouring (non-CMA) memory.
    alignment = max(alignment, _cma_min_alignment())
    base = ALIGN(base, alignment) & _U32
    size = ALIGN(size, alignment) & _U32
    limit &= ~(alignment - 1) & _U32

    if not base:
        fixed = False

    # the size must hold whole bits
    if (size >> PAGE_SHIFT) % (1 << order_per_bit):
        return -EINVAL, None

    def err(code):
        """mm/cma.c: cma_declare_contiguous()'s ``err:`` — print the rounded size, fail."""
        _pr.err("Failed to reserve %ld MiB\n", size // SZ_1M)
        return code, None

    # A fixed area must lie on one side of the lowmem/highmem boundary.
    if fixed and base < highmem_start and ((base + size) & _U32) > highmem_start:
        ret = -EINVAL
        _pr.err("Region at %pa defined on low/high memory boundary (%pa)\n", base, highmem_start)
        return err(ret)

    # No limit, or one past the end of memory, means the end of memory.
    if limit == 0 or limit > memblock_end:
        limit = memblock_end

    if fixed:
        if memblock_is_region_reserved(base, size) or memblock_reserve(base, size) < 0:
            ret = -EBUSY
            return err(ret)
    else:
        addr = 0

        # The whole area must be in one zone: when the range spans the boundary, try
        # highmem first, then lowmem.
        if base < highmem_start and limit > highmem_start:
            addr = memblock_alloc_range(size, alignment, highmem_start, limit, MEMBLOCK_NONE)
            limit = highmem_start

        if not addr:
            addr = memblock_alloc_range(size, alignment, base, limit, MEMBLOCK_NONE)
            if not addr:
                ret = -ENOMEM
                return err(ret)

        # kmemleak_ignore_phys(addr): no kmemleak in the model.
        base = addr

    ret, c = cma_init_reserved_mem(base, size, order_per_bit)
    if ret:
        return err(ret)

    _pr.info("Reserved %ld MiB at %pa\n", size // SZ_1M, base)
    return 0, c


def cma_alloc(c, count, align):
    """mm/cma.c: cma_alloc() — allocate ``count`` contiguous pages aligned to ``2^align`` pages.

    First fit in the bitmap from bit 0 (with v4.9's mask and offset for the alignment);
    the bits are set before the pages are taken, so the range is ours while
    alloc_contig_range() migrates whatever is in it. ``-EBUSY`` (a page that could not be
    moved) clears the bits and retries from the next aligned candidate after the busy
    one; any other error stops. The ``cma_alloc`` trace event is emitted at the end
    (pfn -1 when nothing was tried), except for the early returns (no area, count 0,
    more bits than the area has).

    :param c: ``struct cma *`` (``None`` for NULL)
    :param count: pages wanted (``size_t``)
    :param align: order of the alignment, in pages
    :return: the first ``struct page`` of the range, or ``None``
    """
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.kernel.cost import account
    from cmaport.mm.page_alloc import alloc_contig_range

    pfn = ULONG_MAX  # (unsigned long)-1
    start = 0
    page = None
    count &= _U32
    align &= _U32

    if c is None or not c.count:
        return None

    _pr.debug("%s(cma %p, count %zu, align %d)\n", "cma_alloc", cma_address(c), count,
              align - (1 << 32) if align & 0x80000000 else align)

    if not count:
        return None

    mask = cma_bitmap_aligned_mask(c, align)
    offset = cma_bitmap_aligned_offset(c, align)
    bitmap_maxno = cma_bitmap_maxno(c)
    bitmap_count = cma_bitmap_pages_to_bits(c, count)

    if bitmap_count > bitmap_maxno:
        return None

    while True:
        # Model: cma->lock taken here — one CPU, nothing to serialise.
        if c.bitmap is None:
            # find_next_zero_bit() reads the word of bit ``start`` (start < bitmap_maxno)
            model_null_bitmap_oops(c, "cma_alloc", start)
        bitmap_no = bitmap_find_next_zero_area_off(c.bitmap, bitmap_maxno, start,
                                                   bitmap_count, mask, offset)
        if bitmap_no >= bitmap_maxno:
            break
        bitmap_set(c.bitmap, bitmap_no, bitmap_count)
        # The bits keep other callers off the range while the lock is dropped; a failed
        # migration clears them again.

        pfn = (c.base_pfn + (bitmap_no << c.order_per_bit)) & _U32
        # Model: cma_mutex taken here — it serialises every CMA alloc_contig_range() on
        # the machine; one CPU, nothing to serialise.
        ret = alloc_contig_range(pfn, pfn + count, MIGRATE_CMA)
        if ret == 0:
            page = pfn_to_page(pfn)
            _model_track_alloc(c, pfn, count)  # Model: cma.live bookkeeping
            break

        cma_clear_bitmap(c, pfn, count)
        if ret != -EBUSY:
            break

        _pr.debug("%s(): memory range at %p is busy, retrying\n", "cma_alloc",
                  _struct_page_ptr(pfn_to_page(pfn)))
        # Model: a cost counter of the model (kernel/cost.py), not kernel code.
        account("retries")
        # try the next aligned candidate after the busy one
        start = (bitmap_no + mask + 1) & _U32

    trace_cma_alloc(pfn, page, count, align)

    _pr.debug("%s(): returned %p\n", "cma_alloc", _struct_page_ptr(page))
    return page


def _struct_page_ptr(page):
    """Model-only: the value of a ``struct page *`` for ``%p`` (NULL for ``None``)."""
    from cmaport.mm.debug import struct_page_address

    return None if page is None else struct_page_address(page)


def _model_track_alloc(c, pfn, count):
    """Model-only: remember a range cma_alloc() handed out (``cma.live``)."""
    c.live[pfn] = count


def _model_live_in(c, pfn, end):
    """Model-only: the live allocations ``(first pfn, pages)`` that ``[pfn, end)`` touches."""
    return sorted((p, n) for p, n in c.live.items() if p < end and p + n > pfn)


def _model_track_release(c, pfn, end):
    """Model-only: forget the pages ``[pfn, end)`` of the live allocations (what is left of
    an allocation the range cuts into stays live, in one or two pieces)."""
    for p, n in _model_live_in(c, pfn, end):
        del c.live[p]
        if p < pfn:
            c.live[p] = pfn - p
        if p + n > end:
            c.live[end] = p + n - end


def model_split_allocation(c, pfn, count):
    """Model-only: a caller that frees the head of its own allocation on purpose (cma_debug's
    partial ``free``) says so first: the live allocation at ``pfn`` becomes two, its first
    ``count`` pages and the rest, so the release that follows cuts into nothing."""
    n = c.live.get(pfn)
    if n is not None and 0 < count < n:
        c.live[pfn] = count
        c.live[pfn + count] = n - count


def cma_release(c, pages, count):
    """mm/cma.c: cma_release() — give back pages cma_alloc() returned.

    Refuses (``False``) a NULL area or page and a first pfn outside the area; anything
    else is released: ``free_contig_range`` first, then the bits are cleared and the
    ``cma_release`` event emitted. Whether the range runs past the end of the area is
    checked only by ``VM_BUG_ON`` (CONFIG_DEBUG_VM), on ``pfn + count`` in ``unsigned
    long`` (a count that wraps it around 32 bits passes); whether it was allocated at all
    is not checked.

    Model: where v4.9 is silent about a release it does not check — a range past the end
    of the area without CONFIG_DEBUG_VM (or one whose end wraps around), pages whose bits
    are not set (never allocated, or released twice), or a range that covers only part
    of a live allocation (its owner still uses the rest; the model keeps the ranges
    cma_alloc() handed out in ``cma.live``) — the model records a diagnostic and then
    does what the kernel does.

    :param c: ``struct cma *`` (``None`` for NULL)
    :param pages: the first ``struct page`` (``None`` for NULL)
    :param count: pages (``unsigned int``)
    :return: ``True`` if the pages were released
    """
    from cmaport.include.linux.mm import VM_BUG_ON, page_to_pfn
    from cmaport.lib.bitmap import find_next_zero_bit
    from cmaport.mm.page_alloc import free_contig_range

    if c is None or pages is None:
        return False

    _pr.debug("%s(page %p)\n", "cma_release", _struct_page_ptr(pages))

    pfn = page_to_pfn(pages)
    count &= _U32

    if pfn < c.base_pfn or pfn >= c.base_pfn + c.count:
        return False

    end = (pfn + count) & _U32  # unsigned long: wraps
    area_end = c.base_pfn + c.count
    VM_BUG_ON(end > area_end, "pfn + count > cma->base_pfn + cma->count", line=457)

    m = this_machine()
    name = cma_get_name(c)
    if end > area_end:
        m.diagnose("cma_release",
                   "%s: releasing pfns %#x..%#x runs %d page(s) past the end of the area "
                   "(%#x..%#x); v4.9 checks this only with CONFIG_DEBUG_VM (VM_BUG_ON) and "
                   "otherwise frees pages that are not the area's"
                   % (name, pfn, end - 1, end - area_end, c.base_pfn, area_end - 1))
    elif end < pfn:
        m.diagnose("cma_release",
                   "%s: releasing %d pages from pfn %#x: pfn + count wraps around 32 bits to "
                   "%#x, so even CONFIG_DEBUG_VM's VM_BUG_ON does not see that the range runs "
                   "far past the end of the area (%#x..%#x)"
                   % (name, count, pfn, end, c.base_pfn, area_end - 1))
    elif count and c.bitmap is not None:
        first = (pfn - c.base_pfn) >> c.order_per_bit
        nbits = cma_bitmap_pages_to_bits(c, count)
        if find_next_zero_bit(c.bitmap, first + nbits, first) < first + nbits:
            m.diagnose("cma_release",
                       "%s: pfns %#x..%#x include pages cma_alloc() did not hand out (their "
                       "bitmap bits are clear); v4.9 does not check and frees them anyway"
                       % (name, pfn, end - 1))
        cut = [(p, n) for p, n in _model_live_in(c, pfn, end) if p < pfn or p + n > end]
        if cut:
            m.diagnose("cma_release",
                       "%s: releasing pfns %#x..%#x (%d pages) cuts into %s; v4.9 does not "
                       "check: it frees the pages and clears their bits, and the owner still "
                       "uses the rest"
                       % (name, pfn, end - 1, count,
                          " and ".join("the allocation of pfns %#x..%#x (%d pages)"
                                       % (p, p + n - 1, n) for p, n in cut)))

    free_contig_range(pfn, count)
    cma_clear_bitmap(c, pfn, count)
    _model_track_release(c, pfn, pfn + count)
    trace_cma_release(pfn, pages, count)

    return True
