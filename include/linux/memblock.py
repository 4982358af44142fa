# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/memblock.h: memblock's flags, structures and inline helpers (v4.9).

The configuration this port follows is the ARM one: a 32-bit ``phys_addr_t`` (no LPAE),
no ``CONFIG_HAVE_MEMBLOCK_NODE_MAP`` (regions carry no node id), no
``CONFIG_MOVABLE_NODE`` (the allocation direction is always top-down, hotpluggable
memory is never skipped) and no ``CONFIG_ARCH_DISCARD_MEMBLOCK``.

The one ``struct memblock`` of a boot (``extern struct memblock memblock``) is defined in
``mm/memblock.py``; so are ``memblock_dbg``, ``memblock_dump_all`` and the
``for_each_*_mem_range`` iterators, which need it or the functions of mm/memblock.c.

The region arrays: in C each ``struct memblock_type`` points at an array of ``max``
``struct memblock_region`` slots of which the first ``cnt`` are in use. In the port
``regions`` is a Python list that always holds exactly ``cnt`` regions; ``max`` is kept
and checked as in C, so an array is "full" at the same moment it is in the kernel.
"""

import attrs

from cmaport.include.linux.pfn import PFN_DOWN, PFN_UP

INIT_MEMBLOCK_REGIONS = 128
INIT_PHYSMEM_REGIONS = 4

# The memblock flags (the anonymous enum of memblock.h).
MEMBLOCK_NONE = 0x0      # nothing special
MEMBLOCK_HOTPLUG = 0x1   # the memory may be hot-removed
MEMBLOCK_MIRROR = 0x2    # the memory is mirrored
MEMBLOCK_NOMAP = 0x4     # keep the memory out of the kernel's linear map

# The limits accepted by memblock_alloc_base() and friends. phys_addr_t is 32-bit,
# so "anywhere" is the all-ones 32-bit address.
MEMBLOCK_ALLOC_ANYWHERE = 0xFFFFFFFF
MEMBLOCK_ALLOC_ACCESSIBLE = 0

# Model: (phys_addr_t)ULLONG_MAX, the largest phys_addr_t, which C gets by truncating
# ULLONG_MAX to 32 bits. The port spells the result out.
PHYS_ADDR_MAX = 0xFFFFFFFF

# include/linux/numa.h with CONFIG_NODES_SHIFT = 0 (ARM has no NUMA).
MAX_NUMNODES = 1
NUMA_NO_NODE = -1


@attrs.define(eq=True)
class memblock_region:
    """include/linux/memblock.h: struct memblock_region — one range and its flags.

    There is no ``nid`` field: it exists only with ``CONFIG_HAVE_MEMBLOCK_NODE_MAP``.
    """

    base: int = 0
    size: int = 0
    flags: int = 0


@attrs.define(eq=False)
class memblock_type:
    """include/linux/memblock.h: struct memblock_type — one sorted array of regions.

    ``name`` is model-only here: later kernels added the field; v4.9 derives the name with
    ``memblock_type_name()`` by comparing the address of the type. ``array_phys`` is
    model-only too: the physical address of the array once ``memblock_double_array()``
    has moved it out of the static ``__initdata`` array (``None`` while it is the static
    one), which C learns by comparing pointers.
    """

    cnt: int = 1
    max: int = INIT_MEMBLOCK_REGIONS
    total_size: int = 0
    regions: list = attrs.Factory(lambda: [memblock_region()])
    name: str = ""
    array_phys: object = None


@attrs.define(eq=False)
class memblock:
    """include/linux/memblock.h: struct memblock — the memory and reserved arrays.

    No ``physmem`` array: ARM does not select ``CONFIG_HAVE_MEMBLOCK_PHYS_MAP``.
    """

    bottom_up: bool = False
    current_limit: int = MEMBLOCK_ALLOC_ANYWHERE
    memory: memblock_type = attrs.Factory(lambda: memblock_type(name="memory"))
    reserved: memblock_type = attrs.Factory(lambda: memblock_type(name="reserved"))


def _memblock_statics():
    """Model-only: the file-scope state of mm/memblock.c (``extern struct memblock memblock``).

    The header's inline helpers reach the extern that mm/memblock.c defines; the port
    resolves it when the helper runs, as the linker resolves the symbol.
    """
    # Model: import at call time — mm/memblock.py imports this header at load time.
    from cmaport.mm.memblock import memblock_c

    return memblock_c.get()


def memblock_is_hotpluggable(m):
    """include/linux/memblock.h: memblock_is_hotpluggable() — without CONFIG_MOVABLE_NODE.

    v4.9 compiles this to ``false`` when ``CONFIG_MOVABLE_NODE`` is off (ARM), whatever
    the region's flags say.
    """
    return False


def movable_node_is_enabled():
    """include/linux/memblock.h: movable_node_is_enabled() — false without CONFIG_MOVABLE_NODE."""
    return False


def memblock_is_mirror(m):
    """include/linux/memblock.h: memblock_is_mirror() — the region has MEMBLOCK_MIRROR."""
    return bool(m.flags & MEMBLOCK_MIRROR)


def memblock_is_nomap(m):
    """include/linux/memblock.h: memblock_is_nomap() — the region has MEMBLOCK_NOMAP."""
    return bool(m.flags & MEMBLOCK_NOMAP)


def memblock_set_region_flags(r, flags):
    """include/linux/memblock.h: memblock_set_region_flags() — or ``flags`` into the region."""
    r.flags |= flags


def memblock_clear_region_flags(r, flags):
    """include/linux/memblock.h: memblock_clear_region_flags() — clear ``flags`` in the region."""
    r.flags &= ~flags


def memblock_set_region_node(r, nid):
    """include/linux/memblock.h: memblock_set_region_node() — a no-op without NODE_MAP."""


def memblock_get_region_node(r):
    """include/linux/memblock.h: memblock_get_region_node() — always node 0 without NODE_MAP."""
    return 0


def memblock_set_bottom_up(enable):
    """include/linux/memblock.h: memblock_set_bottom_up() — a no-op without CONFIG_MOVABLE_NODE.

    ARM has no ``CONFIG_MOVABLE_NODE``, so v4.9 compiles this to nothing and
    ``memblock.bottom_up`` stays false. Tests that want the bottom-up path set the
    model-only knob ``memblock_c.get().model_force_bottom_up`` instead.
    """


def memblock_bottom_up():
    """include/linux/memblock.h: memblock_bottom_up() — false without CONFIG_MOVABLE_NODE.

    Model-only knob: ``memblock_c.get().model_force_bottom_up`` (off by default) makes
    it return true, as it would with ``CONFIG_MOVABLE_NODE`` and
    ``memblock_set_bottom_up(true)``, so the bottom-up search can be exercised.
    """
    # Model: the knob stands in for CONFIG_MOVABLE_NODE + memblock.bottom_up = true.
    return bool(_memblock_statics().model_force_bottom_up)


def memblock_region_memory_base_pfn(reg):
    """include/linux/memblock.h: memblock_region_memory_base_pfn() — first whole pfn."""
    return PFN_UP(reg.base)


def memblock_region_memory_end_pfn(reg):
    """include/linux/memblock.h: memblock_region_memory_end_pfn() — pfn after the last whole page."""
    return PFN_DOWN(reg.base + reg.size)


def memblock_region_reserved_base_pfn(reg):
    """include/linux/memblock.h: memblock_region_reserved_base_pfn() — first pfn touched."""
    return PFN_DOWN(reg.base)


def memblock_region_reserved_end_pfn(reg):
    """include/linux/memblock.h: memblock_region_reserved_end_pfn() — pfn after the last page touched."""
    return PFN_UP(reg.base + reg.size)


def for_each_memblock(memblock_type_name):
    """include/linux/memblock.h: for_each_memblock() — the regions of ``memory`` or ``reserved``.

    Takes the member's name, as the macro does, and yields the regions in order. Like
    the C loop it reads ``cnt`` again before each step.
    """
    type_ = getattr(_memblock_statics().memblock, memblock_type_name)
    i = 0
    while i < type_.cnt:
        yield type_.regions[i]
        i += 1


def for_each_memblock_type(memblock_type):
    """include/linux/memblock.h: for_each_memblock_type() — ``(idx, rgn)`` over one type.

    The C macro is used inside mm/memblock.c with loops that insert while they walk;
    those loops are written out with an index there. This generator is for readers.
    """
    idx = 0
    while idx < memblock_type.cnt:
        yield idx, memblock_type.regions[idx]
        idx += 1
