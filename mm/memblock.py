# SPDX-License-Identifier: GPL-2.0-only
"""mm/memblock.c: the boot-time memory manager (v4.9), for a 32-bit ``phys_addr_t``.

memblock keeps two sorted arrays of ranges: ``memblock.memory`` (the RAM the kernel may
use) and ``memblock.reserved`` (what is taken). An empty array holds one dummy region
of size 0 with ``cnt == 1``, exactly as the kernel's static initialiser sets it up.
Allocation searches the free ranges (memory minus reserved) top-down and reserves what
it finds.

Configuration followed (ARM, v4.9): no ``CONFIG_HAVE_MEMBLOCK_NODE_MAP`` (no node ids),
no ``CONFIG_MOVABLE_NODE`` (``memblock_bottom_up()`` is false; a model-only knob,
``memblock_c.get().model_force_bottom_up``, forces the bottom-up path for tests), no
``CONFIG_HAVE_MEMBLOCK_PHYS_MAP``, no ``CONFIG_ARCH_DISCARD_MEMBLOCK``, ``CONFIG_DEBUG_FS``
on (``memblock_debug_show`` renders the ``memblock/memory`` and ``memblock/reserved``
files).

32-bit arithmetic: ``phys_addr_t`` is 32-bit. ``memblock_cap_size()`` keeps every stored
region below 4 GiB (so a region asked to end at exactly 4 GiB loses its last byte, as in
the kernel); the few other sums that C lets wrap are masked with ``_phys()``.

Where the kernel is silent about a ``memblock_remove``/``memblock_free`` of a range it
never had, the model records a diagnostic on the machine (never in the log).
"""

import sys

import attrs

from cmaport.arch.arm.include.asm.memory import __pa_symbol
from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_SIZE
from cmaport.arch.arm.kernel.vmlinux_lds import sections
from cmaport.include.linux.errno import ENOMEM
from cmaport.include.linux.init import early_param
from cmaport.include.linux.kernel import clamp, round_down, round_up
from cmaport.include.linux.memblock import (
    INIT_MEMBLOCK_REGIONS,
    MAX_NUMNODES,
    MEMBLOCK_ALLOC_ACCESSIBLE,
    MEMBLOCK_ALLOC_ANYWHERE,
    MEMBLOCK_HOTPLUG,
    MEMBLOCK_MIRROR,
    MEMBLOCK_NOMAP,
    MEMBLOCK_NONE,
    NUMA_NO_NODE,
    PHYS_ADDR_MAX,
    for_each_memblock,
    memblock as struct_memblock,
    memblock_bottom_up,
    memblock_clear_region_flags,
    memblock_get_region_node,
    memblock_is_hotpluggable,
    memblock_is_mirror,
    memblock_is_nomap,
    memblock_region,
    memblock_region_memory_base_pfn,
    memblock_region_memory_end_pfn,
    memblock_set_region_flags,
    memblock_set_region_node,
    memblock_type,
    movable_node_is_enabled,
)
from cmaport.include.linux.pfn import PFN_PHYS
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.errors import InputError
from cmaport.kernel.panic import BUG_ON, WARN_ON, WARN_ONCE, panic
from cmaport.kernel.printk import KERN_INFO, pr_helpers, printk
from cmaport.lib.vsprintf import sprintf

# mm/memblock.c defines no pr_fmt.
_pr = pr_helpers("")

# Model: sizeof(struct memblock_region) on ARM without NODE_MAP — base, size and flags,
# 4 bytes each. memblock_double_array() sizes the new array with it.
SIZEOF_MEMBLOCK_REGION = 12

# u64 loop-variable value that ends the for_each_*_range loops.
ULLONG_MAX = 0xFFFFFFFFFFFFFFFF


def _memblock_initdata():
    """Model-only: the static initialiser of ``struct memblock memblock``.

    Both arrays are the static 128-slot ``__initdata`` arrays, each holding the empty
    dummy entry (``cnt = 1``); direction top-down, no current limit.
    """
    return struct_memblock(
        bottom_up=False,
        current_limit=MEMBLOCK_ALLOC_ANYWHERE,
        memory=memblock_type(cnt=1, max=INIT_MEMBLOCK_REGIONS, total_size=0,
                             regions=[memblock_region()], name="memory"),
        reserved=memblock_type(cnt=1, max=INIT_MEMBLOCK_REGIONS, total_size=0,
                               regions=[memblock_region()], name="reserved"),
    )


@statics
class memblock_c:
    """mm/memblock.c: the file-scope variables (and the global ``memblock_debug``).

    ``model_force_bottom_up`` is a model-only knob, off by default: it makes
    ``memblock_bottom_up()`` true, which v4.9 on ARM never is (no CONFIG_MOVABLE_NODE).
    """

    memblock: object = attrs.Factory(_memblock_initdata)
    memblock_debug: int = 0
    system_has_some_mirror: bool = False
    memblock_can_resize: int = 0
    memblock_memory_in_slab: int = 0
    memblock_reserved_in_slab: int = 0
    model_force_bottom_up: bool = False


def memblock():
    """Model-only: the running machine's ``struct memblock memblock`` (mm/memblock.c).

    Ported code writes ``memblock().memory`` where C writes ``memblock.memory``.
    """
    return memblock_c.get().memblock


def _phys(x):
    """Model-only: truncate to ``phys_addr_t`` (32 bits), where C arithmetic wraps."""
    return x & PHYS_ADDR_MAX


def _check_phys(type, base, size):
    """Model-only: refuse a ``phys_addr_t`` argument C could not even pass (negative, or
    2^32 or more): the caller in C would have truncated it, the model names it instead."""
    for what, v in (("base", base), ("size", size)):
        if not 0 <= v <= PHYS_ADDR_MAX:
            raise InputError(f"memblock.{type.name}",
                             f"{what} {v:#x} does not fit a 32-bit phys_addr_t (range "
                             f"{base:#x}+{size:#x}); nothing was changed")


def _ret_ip(depth=2):
    """Model-only: ``_RET_IP_`` for ``%pF`` — the name of the calling Python function.

    ``depth=2`` is the caller of the function that calls this helper.
    """
    # Model: there is no return address; sys._getframe gives the caller's function name,
    # printed without the "+0xoff/0xsize" kallsyms would add.
    return sys._getframe(depth).f_code.co_name


def memblock_dbg(fmt, *args):
    """include/linux/memblock.h: memblock_dbg() — printk at KERN_INFO if ``memblock=debug``."""
    if memblock_c.get().memblock_debug:
        printk(KERN_INFO + fmt, *args)


def choose_memblock_flags():
    """mm/memblock.c: choose_memblock_flags() — MIRROR once some memory was marked mirrored."""
    return MEMBLOCK_MIRROR if memblock_c.get().system_has_some_mirror else MEMBLOCK_NONE


def memblock_type_name(type):
    """mm/memblock.c: memblock_type_name() — "memory", "reserved" or "unknown" by identity."""
    mb = memblock()
    if type is mb.memory:
        return "memory"
    elif type is mb.reserved:
        return "reserved"
    else:
        return "unknown"


def memblock_cap_size(base, size):
    """mm/memblock.c: memblock_cap_size() — shrink ``size`` so ``base + size`` cannot wrap.

    C passes ``size`` by pointer and also returns the new value; the port returns it and
    the caller assigns it back.
    """
    # Model: (phys_addr_t)ULLONG_MAX is 0xffffffff on 32-bit ARM, so a range that would end
    # at exactly 4 GiB is cut one byte short — the kernel does the same.
    return min(size, PHYS_ADDR_MAX - base)


def memblock_addrs_overlap(base1, size1, base2, size2):
    """mm/memblock.c: memblock_addrs_overlap() — do two half-open ranges intersect."""
    # Model: the sums are phys_addr_t and wrap at 4 GiB in C.
    return base1 < _phys(base2 + size2) and base2 < _phys(base1 + size1)


def memblock_overlaps_region(type, base, size):
    """mm/memblock.c: memblock_overlaps_region() — does [base, base+size) meet any region."""
    i = 0
    while i < type.cnt:
        if memblock_addrs_overlap(base, size, type.regions[i].base, type.regions[i].size):
            break
        i += 1
    return i < type.cnt


# --------------------------------------------------------------------------
# the free-range iterators (include/linux/memblock.h macros and their helpers)
# --------------------------------------------------------------------------

def __next_reserved_mem_region():
    """mm/memblock.c: __next_reserved_mem_region() — every reserved region, end inclusive.

    A generator yielding ``(start, end)`` where ``end = base + size - 1`` (so the dummy
    entry of an empty array yields ``(0, 0xffffffff)``, as in C).
    """
    type = memblock().reserved
    idx = 0
    while idx < type.cnt:
        r = type.regions[idx]
        base = r.base
        size = r.size
        idx += 1
        # Model: base + size - 1 is phys_addr_t arithmetic and wraps for the dummy entry.
        yield base, _phys(base + size - 1)


def for_each_reserved_mem_region():
    """include/linux/memblock.h: for_each_reserved_mem_region() — ``(start, end)`` pairs."""
    return __next_reserved_mem_region()


def __next_mem_range(nid, flags, type_a, type_b):
    """mm/memblock.c: __next_mem_range() — the ranges of ``type_a`` not in ``type_b``, ascending.

    C calls the function once per step with a u64 cursor (low half: index into
    ``type_a``; high half: index of the gap before each ``type_b`` region). The port is a
    generator yielding ``(start, end, nid)`` with the same two indices kept between
    steps; each step re-reads the arrays, as each C call does. With ``type_b`` ``None`` it
    yields the ``type_a`` regions themselves. Regions are skipped by the v4.9 rules:
    another node, hotpluggable with movable_node (never on ARM), not mirrored when
    MIRROR is asked for, NOMAP unless NOMAP is asked for.
    """
    if WARN_ONCE(nid == MAX_NUMNODES,
                 "Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead\n", line=883):
        nid = NUMA_NO_NODE

    idx_a = 0
    idx_b = 0

    def step():
        """mm/memblock.c: __next_mem_range(), one call — ``(start, end, nid)`` or ``None``."""
        nonlocal idx_a, idx_b
        while idx_a < type_a.cnt:
            m = type_a.regions[idx_a]
            m_start = m.base
            m_end = m.base + m.size
            m_nid = memblock_get_region_node(m)

            if nid != NUMA_NO_NODE and nid != m_nid:
                idx_a += 1
                continue
            if movable_node_is_enabled() and memblock_is_hotpluggable(m):
                idx_a += 1
                continue
            if (flags & MEMBLOCK_MIRROR) and not memblock_is_mirror(m):
                idx_a += 1
                continue
            if not (flags & MEMBLOCK_NOMAP) and memblock_is_nomap(m):
                idx_a += 1
                continue

            if type_b is None:
                idx_a += 1
                return m_start, m_end, m_nid

            # Walk the gaps in front of each type_b region (and the one after the last).
            while idx_b < type_b.cnt + 1:
                r_start = (type_b.regions[idx_b - 1].base + type_b.regions[idx_b - 1].size
                           if idx_b else 0)
                r_end = type_b.regions[idx_b].base if idx_b < type_b.cnt else PHYS_ADDR_MAX
                # This gap lies past the memory region: move on to the next one.
                if r_start >= m_end:
                    break
                if m_start < r_end:
                    out = (max(m_start, r_start), min(m_end, r_end), m_nid)
                    # Whichever of the two ends first moves forward.
                    if m_end <= r_end:
                        idx_a += 1
                    else:
                        idx_b += 1
                    return out
                idx_b += 1
            idx_a += 1
        return None

    while True:
        found = step()
        if found is None:
            return
        yield found


def __next_mem_range_rev(nid, flags, type_a, type_b):
    """mm/memblock.c: __next_mem_range_rev() — as ``__next_mem_range``, descending.

    A generator yielding ``(start, end, nid)`` from the top down; the first C call (the
    cursor at ULLONG_MAX) starts at the last ``type_a`` region and the gap after the
    last ``type_b`` region.
    """
    if WARN_ONCE(nid == MAX_NUMNODES,
                 "Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead\n", line=992):
        nid = NUMA_NO_NODE

    idx_a = type_a.cnt - 1
    idx_b = type_b.cnt if type_b is not None else 0

    def step():
        """mm/memblock.c: __next_mem_range_rev(), one call — ``(start, end, nid)`` or ``None``."""
        nonlocal idx_a, idx_b
        while idx_a >= 0:
            m = type_a.regions[idx_a]
            m_start = m.base
            m_end = m.base + m.size
            m_nid = memblock_get_region_node(m)

            if nid != NUMA_NO_NODE and nid != m_nid:
                idx_a -= 1
                continue
            if movable_node_is_enabled() and memblock_is_hotpluggable(m):
                idx_a -= 1
                continue
            if (flags & MEMBLOCK_MIRROR) and not memblock_is_mirror(m):
                idx_a -= 1
                continue
            if not (flags & MEMBLOCK_NOMAP) and memblock_is_nomap(m):
                idx_a -= 1
                continue

            if type_b is None:
                idx_a -= 1
                return m_start, m_end, m_nid

            while idx_b >= 0:
                r_start = (type_b.regions[idx_b - 1].base + type_b.regions[idx_b - 1].size
                           if idx_b else 0)
                r_end = type_b.regions[idx_b].base if idx_b < type_b.cnt else PHYS_ADDR_MAX
                # This gap lies below the memory region: move on to the next one down.
                if r_end <= m_start:
                    break
                if m_end > r_start:
                    out = (max(m_start, r_start), min(m_end, r_end), m_nid)
                    # Whichever of the two starts last moves backward.
                    if m_start >= r_start:
                        idx_a -= 1
                    else:
                        idx_b -= 1
                    return out
                idx_b -= 1
            idx_a -= 1
        return None

    while True:
        found = step()
        if found is None:
            return
        yield found


def for_each_mem_range(type_a, type_b, nid, flags):
    """include/linux/memblock.h: for_each_mem_range() — ``(start, end, nid)`` ascending."""
    return __next_mem_range(nid, flags, type_a, type_b)


def for_each_mem_range_rev(type_a, type_b, nid, flags):
    """include/linux/memblock.h: for_each_mem_range_rev() — ``(start, end, nid)`` descending."""
    return __next_mem_range_rev(nid, flags, type_a, type_b)


def for_each_free_mem_range(nid, flags):
    """include/linux/memblock.h: for_each_free_mem_range() — memory minus reserved, ascending."""
    mb = memblock()
    return __next_mem_range(nid, flags, mb.memory, mb.reserved)


def for_each_free_mem_range_reverse(nid, flags):
    """include/linux/memblock.h: for_each_free_mem_range_reverse() — the same, descending."""
    mb = memblock()
    return __next_mem_range_rev(nid, flags, mb.memory, mb.reserved)


# --------------------------------------------------------------------------
# finding free space
# --------------------------------------------------------------------------

def __memblock_find_range_bottom_up(start, end, size, align, nid, flags):
    """mm/memblock.c: __memblock_find_range_bottom_up() — lowest fit in [start, end), or 0."""
    for this_start, this_end, _ in for_each_free_mem_range(nid, flags):
        this_start = clamp(this_start, start, end)
        this_end = clamp(this_end, start, end)

        # Model: round_up() on phys_addr_t wraps to 0 near 4 GiB in C.
        cand = _phys(round_up(this_start, align))
        if cand < this_end and this_end - cand >= size:
            return cand
    return 0


def __memblock_find_range_top_down(start, end, size, align, nid, flags):
    """mm/memblock.c: __memblock_find_range_top_down() — highest fit in [start, end), or 0."""
    for this_start, this_end, _ in for_each_free_mem_range_reverse(nid, flags):
        this_start = clamp(this_start, start, end)
        this_end = clamp(this_end, start, end)

        if this_end < size:
            continue

        cand = round_down(this_end - size, align)
        if cand >= this_start:
            return cand
    return 0


def memblock_find_in_range_node(size, align, start, end, nid, flags):
    """mm/memblock.c: memblock_find_in_range_node() — find ``size`` free bytes, or 0.

    ``end == MEMBLOCK_ALLOC_ACCESSIBLE`` means ``memblock.current_limit``; ``start`` is
    raised to PAGE_SIZE so the first page is never handed out. Bottom-up mode (only with
    the model-only knob on ARM) searches above the kernel's end first and, if that
    fails, warns once and falls back to the top-down search.
    """
    if end == MEMBLOCK_ALLOC_ACCESSIBLE:
        end = memblock().current_limit

    # The first page of physical memory is never allocated.
    start = max(start, PAGE_SIZE)
    end = max(start, end)
    kernel_end = __pa_symbol(sections()._end)

    if memblock_bottom_up() and end > kernel_end:
        # Bottom-up allocations stay above the kernel image.
        bottom_up_start = max(start, kernel_end)

        ret = __memblock_find_range_bottom_up(bottom_up_start, end, size, align, nid, flags)
        if ret:
            return ret

        # Top-down has no lower bound at the kernel, so it may still succeed.
        WARN_ONCE(1, "memblock: bottom-up allocation failed, memory hotunplug may be affected\n",
                  line=241)

    return __memblock_find_range_top_down(start, end, size, align, nid, flags)


def memblock_find_in_range(start, end, size, align):
    """mm/memblock.c: memblock_find_in_range() — find free space; retry without MIRROR."""
    flags = choose_memblock_flags()

    while True:  # the C "again:" label
        ret = memblock_find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags)

        if not ret and (flags & MEMBLOCK_MIRROR):
            _pr.warn("Could not allocate %pap bytes of mirrored memory\n", size)
            flags &= ~MEMBLOCK_MIRROR
            continue
        return ret


# --------------------------------------------------------------------------
# the region arrays
# --------------------------------------------------------------------------

def memblock_remove_region(type, r):
    """mm/memblock.c: memblock_remove_region() — drop region ``r``; an empty array gets its dummy."""
    type.total_size = _phys(type.total_size - type.regions[r].size)
    del type.regions[r]
    type.cnt -= 1

    # The last region went: put the empty dummy entry back.
    if type.cnt == 0:
        WARN_ON(type.total_size != 0, line=290)
        type.cnt = 1
        # Model: C clears slot 0 in place; the list has no slot left, so a fresh one goes in.
        type.regions.append(memblock_region(0, 0, 0))
        memblock_set_region_node(type.regions[0], MAX_NUMNODES)


def memblock_double_array(type, new_area_start, new_area_size):
    """mm/memblock.c: memblock_double_array() — grow a region array to twice its slots.

    Refused (``-1``, silently) until ``memblock_allow_resize()``. The new array is found
    with ``memblock_find_in_range`` — above ``[new_area_start, +new_area_size)`` first
    when the reserved array is grown for that very range, then below it — and is
    itself reserved, so it shows up in ``memblock.reserved``. An array that an earlier
    doubling placed in memblock memory is freed.

    :return: 0, or -1 on failure (not an errno, as in C)
    """
    s = memblock_c.get()
    mb = s.memblock
    # Model: slab_is_available() is false: the model has no slab, and on ARM memblock
    # arrays are only grown before it exists, so the kmalloc()/kfree() branches of the C
    # function are never taken.
    use_slab = False

    # Until the boot code knows every reserved range, growing is not allowed.
    if not s.memblock_can_resize:
        return -1

    old_size = type.max * SIZEOF_MEMBLOCK_REGION
    new_size = old_size << 1
    # Whole pages, so that the arrays can be freed completely later.
    old_alloc_size = PAGE_ALIGN(old_size)
    new_alloc_size = PAGE_ALIGN(new_size)

    in_slab = "memblock_memory_in_slab" if type is mb.memory else "memblock_reserved_in_slab"

    # Only a new reserved array has to stay clear of the range being reserved.
    if type is not mb.reserved:
        new_area_start = new_area_size = 0

    addr = memblock_find_in_range(new_area_start + new_area_size, mb.current_limit,
                                  new_alloc_size, PAGE_SIZE)
    if not addr and new_area_size:
        addr = memblock_find_in_range(0, min(new_area_start, mb.current_limit),
                                      new_alloc_size, PAGE_SIZE)

    if not addr:
        _pr.err("memblock: Failed to double %s array from %ld to %ld entries !\n",
                memblock_type_name(type), type.max, type.max * 2)
        return -1

    memblock_dbg("memblock: %s is doubled to %ld at [%#010llx-%#010llx]",
                 memblock_type_name(type), type.max * 2, addr, addr + new_size - 1)

    # Model: the memcpy()/memset() into the new array: the Python list keeps the regions
    # and simply has room for more; what changes is max and where the array lives.
    old_array = type.array_phys
    type.array_phys = addr
    type.max <<= 1

    # The static initial arrays are never freed; an earlier memblock-allocated one is.
    if getattr(s, in_slab):
        pass  # Model: kfree(old_array) — unreachable, see use_slab above
    elif old_array is not None:
        memblock_free(old_array, old_alloc_size)

    # The new array came from memblock memory, so it must be reserved there.
    if not use_slab:
        BUG_ON(memblock_reserve(addr, new_alloc_size), line=436)

    setattr(s, in_slab, int(use_slab))
    return 0


def memblock_merge_regions(type):
    """mm/memblock.c: memblock_merge_regions() — join touching neighbours with equal flags."""
    i = 0
    # cnt is never below 1, so cnt - 1 is safe.
    while i < type.cnt - 1:
        this = type.regions[i]
        nxt = type.regions[i + 1]

        if (this.base + this.size != nxt.base
                or memblock_get_region_node(this) != memblock_get_region_node(nxt)
                or this.flags != nxt.flags):
            BUG_ON(this.base + this.size > nxt.base, line=463)
            i += 1
            continue

        this.size += nxt.size
        del type.regions[i + 1]
        type.cnt -= 1


def memblock_insert_region(type, idx, base, size, nid, flags):
    """mm/memblock.c: memblock_insert_region() — put a new region at ``idx``; room must exist."""
    BUG_ON(type.cnt >= type.max, line=494)
    rgn = memblock_region(base, size, flags)
    memblock_set_region_node(rgn, nid)
    type.regions.insert(idx, rgn)
    type.cnt += 1
    type.total_size = _phys(type.total_size + size)


def memblock_add_range(type, base, size, nid, flags):
    """mm/memblock.c: memblock_add_range() — add [base, base+size) to ``type``.

    Only the parts not yet covered are added; existing regions keep their flags (a
    region of other flags inside the new range draws a WARN). Two passes: the first
    counts the new pieces and grows the array if needed, the second inserts them; then
    neighbours are merged.

    :return: 0 or -ENOMEM
    """
    _check_phys(type, base, size)
    insert = False
    obase = base
    size = memblock_cap_size(base, size)
    end = base + size

    if not size:
        return 0

    # An empty array takes the range in its dummy slot.
    if type.regions[0].size == 0:
        WARN_ON(type.cnt != 1 or type.total_size, line=535)
        type.regions[0].base = base
        type.regions[0].size = size
        type.regions[0].flags = flags
        memblock_set_region_node(type.regions[0], nid)
        type.total_size = size
        return 0

    while True:  # the C "repeat:" label — pass one counts, pass two inserts
        base = obase
        nr_new = 0

        idx = 0
        while idx < type.cnt:
            rgn = type.regions[idx]
            rbase = rgn.base
            rend = rbase + rgn.size

            if rbase >= end:
                break
            if rend <= base:
                idx += 1
                continue
            # rgn overlaps the new range; the piece below it is new.
            if rbase > base:
                WARN_ON(flags != rgn.flags, line=568)
                nr_new += 1
                if insert:
                    memblock_insert_region(type, idx, base, rbase - base, nid, flags)
                    idx += 1
            # Everything below rend is now handled.
            base = min(rend, end)
            idx += 1

        # Whatever is left above the last overlapping region.
        if base < end:
            nr_new += 1
            if insert:
                memblock_insert_region(type, idx, base, end - base, nid, flags)

        if not nr_new:
            return 0

        if not insert:
            while type.cnt + nr_new > type.max:
                if memblock_double_array(type, obase, size) < 0:
                    return -ENOMEM
            insert = True
            continue
        else:
            memblock_merge_regions(type)
            return 0


def memblock_add_node(base, size, nid):
    """mm/memblock.c: memblock_add_node() — add memory for a node (no debug line)."""
    return memblock_add_range(memblock().memory, base, size, nid, 0)


def memblock_add(base, size):
    """mm/memblock.c: memblock_add() — add [base, base+size) to ``memblock.memory``."""
    memblock_dbg("memblock_add: [%#016llx-%#016llx] flags %#02lx %pF\n",
                 base, base + size - 1, 0, _ret_ip())

    return memblock_add_range(memblock().memory, base, size, MAX_NUMNODES, 0)


def memblock_isolate_range(type, base, size):
    """mm/memblock.c: memblock_isolate_range() — split regions at base and base+size.

    C returns the index range through two out-pointers; the port returns
    ``(ret, start_rgn, end_rgn)``: the regions ``start_rgn .. end_rgn - 1`` lie wholly
    inside the range (``0, 0`` when none does).
    """
    _check_phys(type, base, size)
    size = memblock_cap_size(base, size)
    end = base + size

    start_rgn = end_rgn = 0

    if not size:
        return 0, start_rgn, end_rgn

    # Splitting at the two ends adds at most two regions.
    while type.cnt + 2 > type.max:
        if memblock_double_array(type, base, size) < 0:
            return -ENOMEM, start_rgn, end_rgn

    idx = 0
    while idx < type.cnt:
        rgn = type.regions[idx]
        rbase = rgn.base
        rend = rbase + rgn.size

        if rbase >= end:
            break
        if rend <= base:
            idx += 1
            continue

        if rbase < base:
            # rgn starts below the range: cut off the low part; the loop then looks at
            # the remaining high part, which moved to idx + 1.
            rgn.base = base
            rgn.size -= base - rbase
            type.total_size = _phys(type.total_size - (base - rbase))
            memblock_insert_region(type, idx, rbase, base - rbase,
                                   memblock_get_region_node(rgn), rgn.flags)
        elif rend > end:
            # rgn reaches above the range: cut off the high part and look at the new
            # low part (now at idx) once more.
            rgn.base = end
            rgn.size -= end - rbase
            type.total_size = _phys(type.total_size - (end - rbase))
            memblock_insert_region(type, idx, rbase, end - rbase,
                                   memblock_get_region_node(rgn), rgn.flags)
            idx -= 1
        else:
            # rgn lies wholly inside: note it.
            if not end_rgn:
                start_rgn = idx
            end_rgn = idx + 1
        idx += 1

    return 0, start_rgn, end_rgn


def memblock_remove_range(type, base, size):
    """mm/memblock.c: memblock_remove_range() — cut [base, base+size) out of ``type``."""
    ret, start_rgn, end_rgn = memblock_isolate_range(type, base, size)
    if ret:
        return ret

    for i in range(end_rgn - 1, start_rgn - 1, -1):
        memblock_remove_region(type, i)
    return 0


def _diagnose_missing(where, type, base, size, what):
    """Model-only: note a remove/free of a range that meets no region of ``type``.

    A range wholly inside the board's declared device memory (SRAM that is not DRAM, such
    as the vexpress video SRAM a ``no-map`` /reserved-memory node describes) is not a
    mistake: it was never meant to be in memblock, so nothing is noted.
    """
    capped = memblock_cap_size(base, size)
    if capped and not memblock_overlaps_region(type, base, capped):
        # Model-only code may look at the simulated hardware: the machine's device memory.
        m = this_machine()
        hw = getattr(m, "hw", None)
        if hw is not None and hw.physmem.is_device_memory(base, capped):
            return
        m.diagnose(
            "%s (from %s)" % (where, _ret_ip(3)),
            "[%#010x-%#010x] %s" % (base, _phys(base + capped - 1), what))


def memblock_remove(base, size):
    """mm/memblock.c: memblock_remove() — take [base, base+size) out of ``memblock.memory``.

    Model-only: removing a range that meets no memory region at all is silent in the
    kernel; the model records a diagnostic.
    """
    _diagnose_missing("memblock_remove", memblock().memory, base, size,
                      "is not in memblock.memory, so nothing was removed (the kernel says nothing)")
    return memblock_remove_range(memblock().memory, base, size)


def memblock_free(base, size):
    """mm/memblock.c: memblock_free() — take [base, base+size) out of ``memblock.reserved``.

    Model-only: freeing a range that meets no reserved region is silent in the kernel;
    the model records a diagnostic.
    """
    memblock_dbg("   memblock_free: [%#016llx-%#016llx] %pF\n",
                 base, base + size - 1, _ret_ip())

    # Model: kmemleak_free_part_phys() — kmemleak is not modelled.
    _diagnose_missing("memblock_free", memblock().reserved, base, size,
                      "is not in memblock.reserved, so nothing was freed (the kernel says nothing)")
    return memblock_remove_range(memblock().reserved, base, size)


def memblock_reserve(base, size):
    """mm/memblock.c: memblock_reserve() — add [base, base+size) to ``memblock.reserved``."""
    memblock_dbg("memblock_reserve: [%#016llx-%#016llx] flags %#02lx %pF\n",
                 base, base + size - 1, 0, _ret_ip())

    return memblock_add_range(memblock().reserved, base, size, MAX_NUMNODES, 0)


def memblock_setclr_flag(base, size, set, flag):
    """mm/memblock.c: memblock_setclr_flag() — set or clear ``flag`` on memory in the range."""
    type = memblock().memory

    ret, start_rgn, end_rgn = memblock_isolate_range(type, base, size)
    if ret:
        return ret

    for i in range(start_rgn, end_rgn):
        if set:
            memblock_set_region_flags(type.regions[i], flag)
        else:
            memblock_clear_region_flags(type.regions[i], flag)

    memblock_merge_regions(type)
    return 0


def memblock_mark_hotplug(base, size):
    """mm/memblock.c: memblock_mark_hotplug() — flag memory MEMBLOCK_HOTPLUG."""
    return memblock_setclr_flag(base, size, 1, MEMBLOCK_HOTPLUG)


def memblock_clear_hotplug(base, size):
    """mm/memblock.c: memblock_clear_hotplug() — clear MEMBLOCK_HOTPLUG."""
    return memblock_setclr_flag(base, size, 0, MEMBLOCK_HOTPLUG)


def memblock_mark_mirror(base, size):
    """mm/memblock.c: memblock_mark_mirror() — flag memory MEMBLOCK_MIRROR (and remember it)."""
    memblock_c.get().system_has_some_mirror = True

    return memblock_setclr_flag(base, size, 1, MEMBLOCK_MIRROR)


def memblock_mark_nomap(base, size):
    """mm/memblock.c: memblock_mark_nomap() — flag memory MEMBLOCK_NOMAP.

    v4.9 has no memblock_clear_nomap(); later kernels added it.
    """
    return memblock_setclr_flag(base, size, 1, MEMBLOCK_NOMAP)


# --------------------------------------------------------------------------
# allocation
# --------------------------------------------------------------------------

def memblock_alloc_range_nid(size, align, start, end, nid, flags):
    """mm/memblock.c: memblock_alloc_range_nid() — find and reserve; 0 on failure.

    ``align == 0`` means SMP_CACHE_BYTES (64 on ARMv7).
    """
    if not align:
        align = this_machine().config.SMP_CACHE_BYTES

    found = memblock_find_in_range_node(size, align, start, end, nid, flags)
    if found and not memblock_reserve(found, size):
        # Model: kmemleak_alloc_phys(found, size, 0, 0) — kmemleak is not modelled.
        return found
    return 0


def memblock_alloc_range(size, align, start, end, flags):
    """mm/memblock.c: memblock_alloc_range() — allocate inside [start, end); 0 on failure."""
    return memblock_alloc_range_nid(size, align, start, end, NUMA_NO_NODE, flags)


def memblock_alloc_base_nid(size, align, max_addr, nid, flags):
    """mm/memblock.c: memblock_alloc_base_nid() — allocate below ``max_addr``; 0 on failure."""
    return memblock_alloc_range_nid(size, align, 0, max_addr, nid, flags)


def memblock_alloc_nid(size, align, nid):
    """mm/memblock.c: memblock_alloc_nid() — allocate below current_limit; retry without MIRROR.

    Unlike memblock_find_in_range(), the retry prints nothing.
    """
    flags = choose_memblock_flags()

    while True:  # the C "again:" label
        ret = memblock_alloc_base_nid(size, align, MEMBLOCK_ALLOC_ACCESSIBLE, nid, flags)

        if not ret and (flags & MEMBLOCK_MIRROR):
            flags &= ~MEMBLOCK_MIRROR
            continue
        return ret


def __memblock_alloc_base(size, align, max_addr):
    """mm/memblock.c: __memblock_alloc_base() — allocate below ``max_addr``, any flags; 0 on failure."""
    return memblock_alloc_base_nid(size, align, max_addr, NUMA_NO_NODE, MEMBLOCK_NONE)


def memblock_alloc_base(size, align, max_addr):
    """mm/memblock.c: memblock_alloc_base() — as ``__memblock_alloc_base``, but panics on failure."""
    alloc = __memblock_alloc_base(size, align, max_addr)

    if alloc == 0:
        panic("ERROR: Failed to allocate 0x%llx bytes below 0x%llx.\n", size, max_addr)

    return alloc


def memblock_alloc(size, align):
    """mm/memblock.c: memblock_alloc() — allocate below current_limit or panic."""
    return memblock_alloc_base(size, align, MEMBLOCK_ALLOC_ACCESSIBLE)


def memblock_alloc_try_nid(size, align, nid):
    """mm/memblock.c: memblock_alloc_try_nid() — try the node, then anywhere (panics on failure)."""
    res = memblock_alloc_nid(size, align, nid)

    if res:
        return res
    return memblock_alloc_base(size, align, MEMBLOCK_ALLOC_ACCESSIBLE)


# --------------------------------------------------------------------------
# queries and the rest of the API
# --------------------------------------------------------------------------

def memblock_phys_mem_size():
    """mm/memblock.c: memblock_phys_mem_size() — bytes in ``memblock.memory``."""
    return memblock().memory.total_size


def memblock_reserved_size():
    """mm/memblock.c: memblock_reserved_size() — bytes in ``memblock.reserved``."""
    return memblock().reserved.total_size


def memblock_mem_size(limit_pfn):
    """mm/memblock.c: memblock_mem_size() — bytes of whole memory pages below ``limit_pfn``."""
    pages = 0

    for r in for_each_memblock("memory"):
        start_pfn = memblock_region_memory_base_pfn(r)
        end_pfn = memblock_region_memory_end_pfn(r)
        start_pfn = min(start_pfn, limit_pfn)
        end_pfn = min(end_pfn, limit_pfn)
        pages += end_pfn - start_pfn

    return PFN_PHYS(pages)


def memblock_start_of_DRAM():
    """mm/memblock.c: memblock_start_of_DRAM() — base of the first memory region."""
    return memblock().memory.regions[0].base


def memblock_end_of_DRAM():
    """mm/memblock.c: memblock_end_of_DRAM() — end of the last memory region (0 if none)."""
    mem = memblock().memory
    idx = mem.cnt - 1

    return mem.regions[idx].base + mem.regions[idx].size


def __find_max_addr(limit):
    """mm/memblock.c: __find_max_addr() — the address where ``limit`` bytes of memory end.

    :return: that address, or PHYS_ADDR_MAX when there is less memory than ``limit``
    """
    max_addr = PHYS_ADDR_MAX

    for r in for_each_memblock("memory"):
        if limit <= r.size:
            max_addr = r.base + limit
            break
        limit -= r.size

    return max_addr


def memblock_enforce_memory_limit(limit):
    """mm/memblock.c: memblock_enforce_memory_limit() — keep only the first ``limit`` bytes (``mem=``)."""
    if not limit:
        return

    max_addr = __find_max_addr(limit)

    # There is no more memory than the limit: nothing to do.
    if max_addr == PHYS_ADDR_MAX:
        return

    # Cut both arrays at max_addr.
    memblock_remove_range(memblock().memory, max_addr, PHYS_ADDR_MAX)
    memblock_remove_range(memblock().reserved, max_addr, PHYS_ADDR_MAX)


def memblock_mem_limit_remove_map(limit):
    """mm/memblock.c: memblock_mem_limit_remove_map() — as above, but NOMAP memory stays."""
    type = memblock().memory

    if not limit:
        return

    max_addr = __find_max_addr(limit)

    if max_addr == PHYS_ADDR_MAX:
        return

    ret, start_rgn, end_rgn = memblock_isolate_range(type, max_addr, PHYS_ADDR_MAX)
    if ret:
        return

    # Remove every mapped region above the limit; NOMAP ones stay.
    for i in range(end_rgn - 1, start_rgn - 1, -1):
        if not memblock_is_nomap(type.regions[i]):
            memblock_remove_region(type, i)
    memblock_remove_range(memblock().reserved, max_addr, PHYS_ADDR_MAX)


def memblock_search(type, addr):
    """mm/memblock.c: memblock_search() — binary search; index of the region holding ``addr`` or -1."""
    left = 0
    right = type.cnt

    while True:  # do { } while (left < right)
        mid = (right + left) // 2

        if addr < type.regions[mid].base:
            right = mid
        elif addr >= type.regions[mid].base + type.regions[mid].size:
            left = mid + 1
        else:
            return mid
        if not left < right:
            break
    return -1


def memblock_is_reserved(addr):
    """mm/memblock.c: memblock_is_reserved() — is the byte at ``addr`` reserved."""
    return memblock_search(memblock().reserved, addr) != -1


def memblock_is_memory(addr):
    """mm/memblock.c: memblock_is_memory() — is the byte at ``addr`` memory (NOMAP included)."""
    return memblock_search(memblock().memory, addr) != -1


def memblock_is_map_memory(addr):
    """mm/memblock.c: memblock_is_map_memory() — memory and not NOMAP (ARM's pfn_valid)."""
    i = memblock_search(memblock().memory, addr)

    if i == -1:
        return False
    return not memblock_is_nomap(memblock().memory.regions[i])


def memblock_is_region_memory(base, size):
    """mm/memblock.c: memblock_is_region_memory() — does one memory region hold all of the range."""
    mem = memblock().memory
    idx = memblock_search(mem, base)
    size = memblock_cap_size(base, size)
    end = base + size

    if idx == -1:
        return False
    return mem.regions[idx].base <= base and (mem.regions[idx].base + mem.regions[idx].size) >= end


def memblock_is_region_reserved(base, size):
    """mm/memblock.c: memblock_is_region_reserved() — does the range *intersect* reserved memory.

    True as soon as one byte of the range is reserved (not "is all of it reserved").
    """
    size = memblock_cap_size(base, size)
    return memblock_overlaps_region(memblock().reserved, base, size)


def memblock_trim_memory(align):
    """mm/memblock.c: memblock_trim_memory() — shrink memory regions to ``align`` boundaries.

    A region with no aligned part left is removed.
    """
    mem = memblock().memory
    i = 0
    while i < mem.cnt:
        r = mem.regions[i]
        orig_start = r.base
        orig_end = r.base + r.size
        # Model: round_up() on phys_addr_t wraps near 4 GiB in C.
        start = _phys(round_up(orig_start, align))
        end = round_down(orig_end, align)

        if start == orig_start and end == orig_end:
            i += 1
            continue

        if start < end:
            r.base = start
            r.size = end - start
        else:
            memblock_remove_region(mem, i)
            i -= 1
        i += 1


def memblock_set_current_limit(limit):
    """mm/memblock.c: memblock_set_current_limit() — the ceiling of ACCESSIBLE allocations."""
    memblock().current_limit = limit


def memblock_get_current_limit():
    """mm/memblock.c: memblock_get_current_limit()."""
    return memblock().current_limit


def memblock_dump(type, name):
    """mm/memblock.c: memblock_dump() — print one array (dummy entry included)."""
    _pr.info(" %s.cnt  = 0x%lx\n", name, type.cnt)

    idx = 0
    while idx < type.cnt:
        rgn = type.regions[idx]
        # No NODE_MAP: the " on node %d" part stays empty.
        nid_buf = ""

        base = rgn.base
        size = rgn.size
        flags = rgn.flags
        # base and size are unsigned long long here, so base + size - 1 of the empty dummy
        # prints as 0xffffffffffffffff (vsprintf truncates to 64 bits).
        _pr.info(" %s[%#x]\t[%#016llx-%#016llx], %#llx bytes%s flags: %#lx\n",
                 name, idx, base, base + size - 1, size, nid_buf, flags)
        idx += 1


def __memblock_dump_all():
    """mm/memblock.c: __memblock_dump_all() — print the whole memblock configuration."""
    mb = memblock()
    _pr.info("MEMBLOCK configuration:\n")
    _pr.info(" memory size = %#llx reserved size = %#llx\n",
             mb.memory.total_size, mb.reserved.total_size)

    memblock_dump(mb.memory, "memory")
    memblock_dump(mb.reserved, "reserved")


def memblock_dump_all():
    """include/linux/memblock.h: memblock_dump_all() — the dump, only with ``memblock=debug``."""
    if memblock_c.get().memblock_debug:
        __memblock_dump_all()


def memblock_allow_resize():
    """mm/memblock.c: memblock_allow_resize() — from now on full arrays may be doubled."""
    memblock_c.get().memblock_can_resize = 1


@early_param("memblock")
def early_memblock(p):
    """mm/memblock.c: early_memblock() — ``memblock=`` containing "debug" turns debugging on.

    The test is a substring search, so ``memblock=nodebug`` turns it on too.
    """
    if p and "debug" in p:
        memblock_c.get().memblock_debug = 1
    return 0


def memblock_debug_show(type):
    """mm/memblock.c: memblock_debug_show() — the text of a ``memblock/*`` debugfs file.

    One line per region, end inclusive, in the 32-bit ``phys_addr_t`` format. C writes
    into a seq_file; the port returns the text.
    """
    out = []
    for i in range(type.cnt):
        reg = type.regions[i]
        out.append(sprintf("%4d: ", i))
        # sizeof(phys_addr_t) == 4: the unsigned long format (the dummy entry's end wraps).
        out.append(sprintf("0x%08lx..0x%08lx\n", reg.base, reg.base + reg.size - 1))
    return "".join(out)


def memblock_debugfs_read(name):
    """Model-only: read ``/sys/kernel/debug/memblock/<name>`` ("memory" or "reserved").

    Stands in for memblock_init_debugfs(), which creates the two files; the model has no
    debugfs, so the files are read through this function.
    """
    mb = memblock()
    if name == "memory":
        return memblock_debug_show(mb.memory)
    if name == "reserved":
        return memblock_debug_show(mb.reserved)
    raise FileNotFoundError(f"/sys/kernel/debug/memblock/{name}")


# ==========================================================================
# The NO_BOOTMEM allocation API (memblock_virt_alloc*, __memblock_free_early/late)
#
# Added for the page allocator issue (mm/page_alloc.py needs mem_map, the usemaps and
# free_all_bootmem). In v4.9 these live in mm/memblock.c under CONFIG_NO_BOOTMEM; the
# inline wrappers of include/linux/bootmem.h are in include/linux/bootmem.py.
# ==========================================================================

def _bootmem_caller():
    """Model-only: ``_RET_IP_`` of a memblock_virt_alloc_try_nid* call — the first caller
    outside the inline wrappers of include/linux/bootmem.h (which C folds into it)."""
    f = sys._getframe(2)
    while f is not None and f.f_globals.get("__name__") == "cmaport.include.linux.bootmem":
        f = f.f_back
    return f.f_code.co_name if f is not None else "?"


def memblock_virt_alloc_internal(size, align, min_addr, max_addr, nid):
    """mm/memblock.c: memblock_virt_alloc_internal() — find, reserve and zero boot memory.

    The lower bound is dropped when nothing fits above it, any node is accepted when the
    wanted one is full, and MIRROR is given up with a warning. ``max_addr`` 0
    (BOOTMEM_ALLOC_ACCESSIBLE) means memblock's current limit. Returns the kernel virtual
    address, or ``None``.
    """
    from cmaport.arch.arm.include.asm.memory import phys_to_virt

    flags = choose_memblock_flags()

    if WARN_ONCE(nid == MAX_NUMNODES,
                 "Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead\n", line=1261):
        nid = NUMA_NO_NODE

    # slab_is_available() is false: the model has no slab allocator.

    if not align:
        align = this_machine().config.SMP_CACHE_BYTES

    if max_addr > memblock().current_limit:
        max_addr = memblock().current_limit

    while True:  # the C "again:" label
        alloc = memblock_find_in_range_node(size, align, min_addr, max_addr, nid, flags)
        if alloc:
            break  # goto done
        if nid != NUMA_NO_NODE:
            alloc = memblock_find_in_range_node(size, align, min_addr, max_addr,
                                                NUMA_NO_NODE, flags)
            if alloc:
                break
        if min_addr:
            min_addr = 0
            continue
        if flags & MEMBLOCK_MIRROR:
            flags &= ~MEMBLOCK_MIRROR
            _pr.warn("Could not allocate %pap bytes of mirrored memory\n", size)
            continue
        return None

    # done:
    memblock_reserve(alloc, size)
    ptr = phys_to_virt(alloc)
    # memset(ptr, 0, size) on the simulated RAM (clearing a frame that was never written
    # costs nothing).
    this_machine().hw.physmem.fill(alloc, size, 0)
    # kmemleak_alloc(ptr, size, 0, 0): not modelled.
    return ptr


def memblock_virt_alloc_try_nid_nopanic(size, align, min_addr, max_addr, nid):
    """mm/memblock.c: memblock_virt_alloc_try_nid_nopanic() — boot memory or ``None``."""
    memblock_dbg("%s: %llu bytes align=0x%llx nid=%d from=0x%llx max_addr=0x%llx %pF\n",
                 "memblock_virt_alloc_try_nid_nopanic", size, align, nid, min_addr, max_addr,
                 _bootmem_caller())
    return memblock_virt_alloc_internal(size, align, min_addr, max_addr, nid)


def memblock_virt_alloc_try_nid(size, align, min_addr, max_addr, nid):
    """mm/memblock.c: memblock_virt_alloc_try_nid() — boot memory, or panic."""
    memblock_dbg("%s: %llu bytes align=0x%llx nid=%d from=0x%llx max_addr=0x%llx %pF\n",
                 "memblock_virt_alloc_try_nid", size, align, nid, min_addr, max_addr,
                 _bootmem_caller())
    ptr = memblock_virt_alloc_internal(size, align, min_addr, max_addr, nid)
    if ptr is not None:
        return ptr
    panic("%s: Failed to allocate %llu bytes align=0x%llx nid=%d from=0x%llx max_addr=0x%llx\n",
          "memblock_virt_alloc_try_nid", size, align, nid, min_addr, max_addr)
    return None


def __memblock_free_early(base, size):
    """mm/memblock.c: __memblock_free_early() — give boot memory back to memblock only."""
    memblock_dbg("%s: [%#016llx-%#016llx] %pF\n",
                 "__memblock_free_early", base, base + size - 1, _bootmem_caller())
    # kmemleak_free_part_phys(): not modelled.
    memblock_remove_range(memblock().reserved, base, size)


def __memblock_free_late(base, size):
    """mm/memblock.c: __memblock_free_late() — boot memory straight to the buddy allocator."""
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP
    from cmaport.mm.page_alloc import __free_pages_bootmem, page_alloc_c

    memblock_dbg("%s: [%#016llx-%#016llx] %pF\n",
                 "__memblock_free_late", base, base + size - 1, _bootmem_caller())
    cursor = PFN_UP(base)
    end = PFN_DOWN(base + size)
    while cursor < end:
        __free_pages_bootmem(pfn_to_page(cursor), cursor, 0)
        page_alloc_c.get().totalram_pages += 1
        cursor += 1
