# SPDX-License-Identifier: GPL-2.0-only
"""Tests for mm/memblock.py and include/linux/memblock.py (Linux v4.9, 32-bit phys_addr_t).

Expected values are worked out by hand from v4.9's mm/memblock.c and
include/linux/memblock.h for the ARM configuration (no NODE_MAP, no MOVABLE_NODE,
SMP_CACHE_BYTES = 64). Printed lines are the v4.9 formats (see
shared/reference/v4.9-vs-v6.1.md §2.1 and §14: 6.1 prints ``%pa`` ranges instead). The
hypothesis state machine compares every step against a page-granular reference model
written here.
"""

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cmaport.arch.arm.include.asm.memory import memory_h
from cmaport.include.linux.errno import ENOMEM
from cmaport.include.linux.init import setup_table
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
    for_each_memblock,
    memblock_bottom_up,
    memblock_region,
    memblock_region_memory_base_pfn,
    memblock_region_memory_end_pfn,
    memblock_region_reserved_base_pfn,
    memblock_region_reserved_end_pfn,
    memblock_set_bottom_up,
)
from cmaport.kernel.errors import InputError, KernelPanic
from cmaport.kernel.machine import Machine
from cmaport.mm.memblock import (
    __memblock_alloc_base,
    __memblock_dump_all,
    __next_mem_range,
    __next_mem_range_rev,
    early_memblock,
    for_each_free_mem_range,
    for_each_free_mem_range_reverse,
    for_each_reserved_mem_region,
    memblock,
    memblock_add,
    memblock_add_node,
    memblock_alloc,
    memblock_alloc_base,
    memblock_alloc_nid,
    memblock_alloc_range,
    memblock_alloc_try_nid,
    memblock_allow_resize,
    memblock_c,
    memblock_cap_size,
    memblock_clear_hotplug,
    memblock_debugfs_read,
    memblock_dump_all,
    memblock_end_of_DRAM,
    memblock_enforce_memory_limit,
    memblock_find_in_range,
    memblock_free,
    memblock_get_current_limit,
    memblock_is_map_memory,
    memblock_is_memory,
    memblock_is_region_memory,
    memblock_is_region_reserved,
    memblock_is_reserved,
    memblock_mark_hotplug,
    memblock_mark_mirror,
    memblock_mark_nomap,
    memblock_mem_limit_remove_map,
    memblock_mem_size,
    memblock_phys_mem_size,
    memblock_remove,
    memblock_reserve,
    memblock_reserved_size,
    memblock_set_current_limit,
    memblock_start_of_DRAM,
    memblock_trim_memory,
)

SZ_1M = 1 << 20
RAM = 0x60000000           # the default board's RAM: 1 GiB at 0x60000000
RAM_END = 0xA0000000
KERNEL_START = 0x60008000  # PHYS_OFFSET + TEXT_OFFSET
KERNEL_END = 0x60BE8000    # __pa_symbol(_end) of the default KernelImage


@pytest.fixture
def m():
    """A bare machine that is running, with PHYS_OFFSET set and memblock empty."""
    mach = Machine()
    with mach:
        memory_h.get().phys_offset = RAM
        yield mach


def regions(type_):
    return [(r.base, r.size, r.flags) for r in type_.regions]


def snapshot():
    mb = memblock()
    return [(t.cnt, t.max, t.total_size, regions(t)) for t in (mb.memory, mb.reserved)]


def boot_ram():
    """The usual early state: 1 GiB of RAM, the kernel image reserved."""
    assert memblock_add(RAM, RAM_END - RAM) == 0
    assert memblock_reserve(KERNEL_START, KERNEL_END - KERNEL_START) == 0


def debug_on():
    """memblock=debug through the registered early_param handler."""
    entries = [e for e in setup_table() if e.str == "memblock" and e.early]
    assert len(entries) == 1
    assert entries[0].setup_func("debug") == 0


# ---------------------------------------------------------------------------
# the empty state and the header
# ---------------------------------------------------------------------------

def test_empty_memblock_has_one_dummy_region(m):
    mb = memblock()
    for t, name in ((mb.memory, "memory"), (mb.reserved, "reserved")):
        assert t.cnt == 1
        assert t.regions == [memblock_region(0, 0, 0)]
        assert t.max == INIT_MEMBLOCK_REGIONS == 128
        assert t.total_size == 0
        assert t.name == name
    assert mb.bottom_up is False
    assert mb.current_limit == MEMBLOCK_ALLOC_ANYWHERE == 0xFFFFFFFF
    assert MEMBLOCK_ALLOC_ACCESSIBLE == 0
    assert (MEMBLOCK_NONE, MEMBLOCK_HOTPLUG, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP) == (0, 1, 2, 4)
    assert memblock_start_of_DRAM() == 0
    assert memblock_end_of_DRAM() == 0
    assert memblock_is_memory(0) is False
    assert memblock_is_reserved(0) is False
    # The dummy region is walked like any other, end wrapping in phys_addr_t.
    assert list(for_each_reserved_mem_region()) == [(0, 0xFFFFFFFF)]
    assert list(for_each_memblock("memory")) == [memblock_region(0, 0, 0)]


def test_two_machines_do_not_share_memblock():
    a, b = Machine(), Machine()
    with a:
        memblock_add(RAM, SZ_1M)
    with b:
        assert memblock().memory.regions == [memblock_region(0, 0, 0)]
    with a:
        assert memblock().memory.regions == [memblock_region(RAM, SZ_1M, 0)]


def test_region_pfn_helpers_round_differently_for_memory_and_reserved():
    r = memblock_region(0x60000800, 0x2000, 0)  # covers part of 3 pages
    assert memblock_region_memory_base_pfn(r) == 0x60001
    assert memblock_region_memory_end_pfn(r) == 0x60002
    assert memblock_region_reserved_base_pfn(r) == 0x60000
    assert memblock_region_reserved_end_pfn(r) == 0x60003


def test_region_pfn_helpers_wrap_in_32_bits():
    # PFN_UP(0xffffffff) is 0 on a 32-bit kernel: a reserved region reaching the top of
    # the address space ends at pfn 0, and a memory region starting in the last page
    # has no whole page
    assert memblock_region_reserved_end_pfn(memblock_region(0xFFFFF000, 0xFFF, 0)) == 0
    assert memblock_region_memory_base_pfn(memblock_region(0xFFFFF800, 0x7FF, 0)) == 0


def test_total_size_wraps_like_phys_addr_t(m):
    # memblock_trim_memory() shrinks regions without touching total_size (v4.9); the
    # sums that follow wrap at 4 GiB as the phys_addr_t field does
    memblock_add(0x800, 0xFFFFF000)
    memblock_trim_memory(0x1000)
    memblock_add(0, 0x800)
    memblock_add(0xFFFFF000, 0x800)
    assert memblock_phys_mem_size() == 0


@pytest.mark.parametrize("call,base,size,what", [
    (memblock_add, 0x100000000, 0x1000, "base 0x100000000"),
    (memblock_reserve, RAM, 0x100000000, "size 0x100000000"),
    (memblock_remove, -0x1000, 0x1000, "base -0x1000"),
])
def test_addresses_beyond_phys_addr_t_are_refused(m, call, base, size, what):
    boot_ram()
    before = snapshot()
    with pytest.raises(InputError) as e:
        call(base, size)
    assert what + " does not fit a 32-bit phys_addr_t" in str(e.value)
    assert snapshot() == before


# ---------------------------------------------------------------------------
# placement, alignment, limits
# ---------------------------------------------------------------------------

def test_top_down_placement_and_merging_of_allocations(m):
    boot_ram()
    assert memblock_alloc(SZ_1M, SZ_1M) == 0x9FF00000
    assert memblock_alloc(SZ_1M, SZ_1M) == 0x9FE00000
    # Two touching reservations with equal flags become one region.
    assert regions(memblock().reserved) == [
        (KERNEL_START, KERNEL_END - KERNEL_START, 0),
        (0x9FE00000, 2 * SZ_1M, 0),
    ]
    assert memblock_reserved_size() == KERNEL_END - KERNEL_START + 2 * SZ_1M
    # memblock_find_in_range only looks; it does not reserve.
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, SZ_1M, SZ_1M) == 0x9FD00000
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, SZ_1M, SZ_1M) == 0x9FD00000


def test_align_zero_means_smp_cache_bytes(m):
    boot_ram()
    assert m.config.SMP_CACHE_BYTES == 64
    # round_down(0xa0000000 - 100, 64)
    assert memblock_alloc(100, 0) == 0x9FFFFF80
    # the next one goes below it: round_down(0x9fffff80 - 100, 64)
    assert memblock_alloc_range(100, 0, 0, MEMBLOCK_ALLOC_ACCESSIBLE, MEMBLOCK_NONE) == 0x9FFFFF00
    assert regions(memblock().reserved)[-2:] == [(0x9FFFFF00, 100, 0), (0x9FFFFF80, 100, 0)]
    # an explicit alignment is honoured
    assert memblock_alloc(100, 0x1000) == 0x9FFFF000  # round_down(0x9fffff00 - 100, 4 KiB)


def test_current_limit_and_explicit_ranges(m):
    boot_ram()
    memblock_set_current_limit(0x70000000)
    assert memblock_get_current_limit() == 0x70000000
    # ACCESSIBLE (0) means current_limit
    assert memblock_alloc(0x1000, 0x1000) == 0x6FFFF000
    assert memblock_alloc_nid(0x1000, 0x1000, NUMA_NO_NODE) == 0x6FFFE000
    # an explicit max_addr is used as it is, even above current_limit
    assert memblock_alloc_base(0x1000, 0x1000, 0x68000000) == 0x67FFF000
    assert __memblock_alloc_base(0x1000, 0x1000, MEMBLOCK_ALLOC_ANYWHERE) == 0x9FFFF000
    # an explicit [start, end) window
    assert memblock_alloc_range(0x1000, 0x1000, 0x61000000, 0x62000000, MEMBLOCK_NONE) == 0x61FFF000
    # a window with no room (all inside the kernel's reservation) fails with 0
    assert memblock_alloc_range(0x1000, 0x1000, 0x60100000, 0x60200000, MEMBLOCK_NONE) == 0
    # node 0 is the only node: memblock_alloc_try_nid finds it
    assert memblock_alloc_try_nid(0x1000, 0x1000, 0) == 0x6FFFD000


def test_first_page_is_never_used(m):
    memblock_add(0, 0x4000)
    # start is raised to PAGE_SIZE
    assert memblock_find_in_range(0, 0x2000, 0x1000, 0x1000) == 0x1000
    assert memblock_find_in_range(0, 0x1000, 0x1000, 0x1000) == 0
    assert memblock_find_in_range(0, 0x2000, 0x2000, 0x1000) == 0
    memblock_reserve(0x1000, 0x3000)
    # only page 0 is free, and it is never handed out
    assert memblock_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE, MEMBLOCK_NONE) == 0
    assert __memblock_alloc_base(16, 16, MEMBLOCK_ALLOC_ANYWHERE) == 0


def test_bottom_up_is_off_and_memblock_set_bottom_up_is_a_no_op(m):
    boot_ram()
    memblock_set_bottom_up(True)  # v4.9 without CONFIG_MOVABLE_NODE: compiled out
    assert memblock_bottom_up() is False
    assert memblock().bottom_up is False
    assert memblock_alloc(SZ_1M, SZ_1M) == 0x9FF00000


def test_bottom_up_knob_allocates_just_above_the_kernel(m):
    boot_ram()
    memblock_c.get().model_force_bottom_up = True
    assert memblock_bottom_up() is True
    assert memblock_alloc(SZ_1M, SZ_1M) == 0x60C00000  # round_up(_end, 1 MiB)
    assert memblock_alloc(0x1000, 0x1000) == KERNEL_END  # bottom of the gap below it
    assert memblock_alloc(0x1000, 0) == KERNEL_END + 0x1000
    # an end at or below the kernel's end: plain top-down, no warning
    assert memblock_find_in_range(RAM, 0x60004000, 0x1000, 0x1000) == 0x60003000
    assert m.warnings == []


def test_bottom_up_failure_warns_once_and_falls_back_to_top_down(m):
    boot_ram()
    memblock_reserve(KERNEL_END, RAM_END - KERNEL_END)  # nothing free above the kernel
    memblock_c.get().model_force_bottom_up = True
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, 0x1000, 0x1000) == 0x60007000
    assert len(m.warnings) == 1
    w = m.warnings[0]
    assert (w.file, w.line, w.function) == ("mm/memblock.c", 241, "memblock_find_in_range_node")
    assert w.message == "memblock: bottom-up allocation failed, memory hotunplug may be affected"
    assert "memblock: bottom-up allocation failed, memory hotunplug may be affected" in m.dmesg()
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, 0x1000, 0x1000) == 0x60007000
    assert len(m.warnings) == 1  # WARN_ONCE


# ---------------------------------------------------------------------------
# flags, merging, iterators
# ---------------------------------------------------------------------------

def test_adjacent_regions_merge_only_with_equal_flags(m):
    A = RAM
    memblock_add(A, SZ_1M)
    memblock_add(A + 2 * SZ_1M, SZ_1M)
    assert memblock().memory.cnt == 2
    memblock_add(A + SZ_1M, SZ_1M)  # fills the hole: all three merge
    assert regions(memblock().memory) == [(A, 3 * SZ_1M, 0)]

    assert memblock_mark_hotplug(A + SZ_1M, SZ_1M) == 0
    assert regions(memblock().memory) == [
        (A, SZ_1M, 0), (A + SZ_1M, SZ_1M, MEMBLOCK_HOTPLUG), (A + 2 * SZ_1M, SZ_1M, 0)]
    assert memblock_clear_hotplug(A + SZ_1M, SZ_1M) == 0
    assert regions(memblock().memory) == [(A, 3 * SZ_1M, 0)]

    memblock_mark_nomap(A + 2 * SZ_1M, SZ_1M)
    # adding a range that starts on the NOMAP region: the new part does not merge with it
    memblock_add(A + 2 * SZ_1M, 2 * SZ_1M)
    assert regions(memblock().memory) == [
        (A, 2 * SZ_1M, 0), (A + 2 * SZ_1M, SZ_1M, MEMBLOCK_NOMAP), (A + 3 * SZ_1M, SZ_1M, 0)]
    assert memblock_phys_mem_size() == 4 * SZ_1M
    assert m.warnings == []


def test_adding_around_a_region_of_other_flags_warns(m):
    A = RAM
    memblock_add(A + SZ_1M, SZ_1M)
    memblock_mark_nomap(A + SZ_1M, SZ_1M)
    memblock_add(A, 3 * SZ_1M)
    # the pieces below and above are added with flags 0; the NOMAP region is kept
    assert regions(memblock().memory) == [
        (A, SZ_1M, 0), (A + SZ_1M, SZ_1M, MEMBLOCK_NOMAP), (A + 2 * SZ_1M, SZ_1M, 0)]
    # the WARN_ON sits in the loop both passes run: it fires twice
    assert [(w.file, w.line, w.function) for w in m.warnings] == [
        ("mm/memblock.c", 568, "memblock_add_range")] * 2


def test_nomap_regions_are_skipped_by_the_free_range_iterators(m):
    A = RAM
    memblock_add(A, 16 * SZ_1M)
    memblock_mark_nomap(A + 15 * SZ_1M, SZ_1M)
    memblock_reserve(A + 4 * SZ_1M, SZ_1M)
    assert list(for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NONE)) == [
        (A, A + 4 * SZ_1M, 0), (A + 5 * SZ_1M, A + 15 * SZ_1M, 0)]
    assert list(for_each_free_mem_range_reverse(NUMA_NO_NODE, MEMBLOCK_NONE)) == [
        (A + 5 * SZ_1M, A + 15 * SZ_1M, 0), (A, A + 4 * SZ_1M, 0)]
    # asked for explicitly, NOMAP memory is included
    assert list(for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NOMAP)) == [
        (A, A + 4 * SZ_1M, 0), (A + 5 * SZ_1M, A + 15 * SZ_1M, 0),
        (A + 15 * SZ_1M, A + 16 * SZ_1M, 0)]
    assert memblock_alloc(0x1000, 0x1000) == A + 15 * SZ_1M - 0x1000
    # NOMAP memory is memory, but not mapped memory (ARM pfn_valid)
    assert memblock_is_memory(A + 15 * SZ_1M) is True
    assert memblock_is_map_memory(A + 15 * SZ_1M) is False
    assert memblock_is_map_memory(A) is True
    assert memblock_is_map_memory(A + 16 * SZ_1M) is False


def test_hotplug_memory_is_not_skipped_without_movable_node(m):
    A = RAM
    memblock_add(A, 16 * SZ_1M)
    memblock_mark_hotplug(A + 15 * SZ_1M, SZ_1M)
    assert memblock_alloc(0x1000, 0x1000) == A + 16 * SZ_1M - 0x1000
    # the two regions are separate free ranges: nothing straddles their boundary
    memblock_free(A + 16 * SZ_1M - 0x1000, 0x1000)
    memblock_reserve(A + 15 * SZ_1M + 0x1000, SZ_1M - 0x1000)
    assert memblock_alloc(0x2000, 0x1000) == A + 15 * SZ_1M - 0x2000


def test_free_range_iterators_walk_memory_minus_reserved(m):
    memblock_add(0x10000000, 0x100000)
    memblock_add(0x20000000, 0x100000)
    memblock_reserve(0x0F000000, 0x1001000)   # straddles the start of bank 0
    memblock_reserve(0x10080000, 0x10000)
    memblock_reserve(0x200FF000, 0x2000)      # straddles the end of bank 1
    fwd = list(for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NONE))
    assert fwd == [(0x10001000, 0x10080000, 0), (0x10090000, 0x10100000, 0),
                   (0x20000000, 0x200FF000, 0)]
    assert list(for_each_free_mem_range_reverse(NUMA_NO_NODE, MEMBLOCK_NONE)) == fwd[::-1]
    # without type_b the memory regions themselves
    mb = memblock()
    assert list(__next_mem_range(NUMA_NO_NODE, 0, mb.memory, None)) == [
        (0x10000000, 0x10100000, 0), (0x20000000, 0x20100000, 0)]
    assert list(__next_mem_range_rev(NUMA_NO_NODE, 0, mb.memory, None)) == [
        (0x20000000, 0x20100000, 0), (0x10000000, 0x10100000, 0)]
    # node 5 matches no region (without NODE_MAP every region is on node 0)
    assert list(__next_mem_range(5, 0, mb.memory, mb.reserved)) == []


def test_max_numnodes_is_deprecated_but_works(m):
    memblock_add(RAM, SZ_1M)
    mb = memblock()
    assert list(__next_mem_range(MAX_NUMNODES, 0, mb.memory, mb.reserved)) == [
        (RAM, RAM + SZ_1M, 0)]
    assert [(w.line, w.function) for w in m.warnings] == [(883, "__next_mem_range")]
    assert m.warnings[0].message == "Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead"
    assert list(__next_mem_range_rev(MAX_NUMNODES, 0, mb.memory, mb.reserved)) == [
        (RAM, RAM + SZ_1M, 0)]
    assert [(w.line, w.function) for w in m.warnings][1:] == [(992, "__next_mem_range_rev")]


def test_mirror_search_and_its_fallback(m):
    A = RAM
    memblock_add(A, 16 * SZ_1M)
    memblock_mark_mirror(A, SZ_1M)
    mb = memblock()
    assert list(__next_mem_range(NUMA_NO_NODE, MEMBLOCK_MIRROR, mb.memory, mb.reserved)) == [
        (A, A + SZ_1M, 0)]
    # with some mirrored memory, memblock_find_in_range looks there first
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, 0x1000, 0x1000) == A + SZ_1M - 0x1000
    memblock_reserve(A, SZ_1M)
    n = len(m.log.records)
    assert memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, 0x1000, 0x1000) == A + 16 * SZ_1M - 0x1000
    assert m.dmesg()[n:] == ["Could not allocate 0x00001000 bytes of mirrored memory"]
    assert m.log.records[-1].level == 4
    # memblock_alloc_nid retries without a word
    n = len(m.log.records)
    assert memblock_alloc_nid(0x1000, 0x1000, NUMA_NO_NODE) == A + 16 * SZ_1M - 0x1000
    assert len(m.log.records) == n


# ---------------------------------------------------------------------------
# queries
# ---------------------------------------------------------------------------

def test_is_region_reserved_means_intersects(m):
    boot_ram()
    memblock_reserve(0x70000000, 0x1000)
    assert memblock_is_region_reserved(0x70000000, 0x1000) is True
    assert memblock_is_region_reserved(0x6FFFF800, 0x1000) is True   # one half reserved
    assert memblock_is_region_reserved(0x70000FFF, 0x100000) is True  # only the first byte
    assert memblock_is_region_reserved(0x6FFFF000, 0x1000) is False  # touches, no overlap
    assert memblock_is_region_reserved(0x70001000, 0x1000) is False
    assert memblock_is_region_reserved(0x60000000, 0x40000000) is True
    assert memblock_is_reserved(0x70000FFF) is True
    assert memblock_is_reserved(0x70001000) is False


def test_is_region_memory_needs_one_region(m):
    memblock_add(RAM, 2 * SZ_1M)
    assert memblock_is_region_memory(RAM, 2 * SZ_1M) is True
    assert memblock_is_region_memory(RAM + 0x1000, 0x1000) is True
    assert memblock_is_region_memory(RAM + SZ_1M, 2 * SZ_1M) is False
    assert memblock_is_region_memory(RAM - 0x1000, 0x2000) is False
    # two touching regions of different flags are two regions: spanning both fails
    memblock_mark_hotplug(RAM + SZ_1M, SZ_1M)
    assert memblock_is_region_memory(RAM, 2 * SZ_1M) is False


def test_dram_bounds_and_sizes(m):
    memblock_add(0x80000000, 0x10000000)
    memblock_add(0x60000000, 0x10000000)
    assert memblock_start_of_DRAM() == 0x60000000
    assert memblock_end_of_DRAM() == 0x90000000
    assert memblock_phys_mem_size() == 0x20000000
    assert memblock_mem_size(0x68000) == 0x08000000
    assert memblock_mem_size(0x85000) == 0x15000000
    memblock_remove(0x88000000, 0x08000000)
    assert memblock_end_of_DRAM() == 0x88000000
    memblock_mark_nomap(0x87F00000, 0x100000)
    # NOMAP memory still counts for the end of DRAM
    assert memblock_end_of_DRAM() == 0x88000000
    memblock_remove(0x60000000, 0x30000000)
    assert memblock_end_of_DRAM() == 0
    assert regions(memblock().memory) == [(0, 0, 0)]


def test_a_region_ending_at_4gib_loses_its_last_byte(m):
    # memblock_cap_size(): (phys_addr_t)ULLONG_MAX is 0xffffffff on 32-bit
    assert memblock_cap_size(0xFFF00000, 0x100000) == 0xFFFFF
    assert memblock_cap_size(0x1000, 0x1000) == 0x1000
    debug_on()
    memblock_add(0xFFF00000, 0x100000)
    # the debug line uses the size as passed, in 64-bit arithmetic
    assert m.dmesg()[-1] == "memblock_add: [0x000000fff00000-0x000000ffffffff] flags 0x0 test_a_region_ending_at_4gib_loses_its_last_byte"
    assert regions(memblock().memory) == [(0xFFF00000, 0xFFFFF, 0)]
    assert memblock_end_of_DRAM() == 0xFFFFFFFF
    assert memblock_is_memory(0xFFFFFFFE) is True
    assert memblock_is_memory(0xFFFFFFFF) is False
    memblock_add(0xFFFFFFFF, 1)  # capped to size 0: nothing
    assert memblock().memory.cnt == 1
    assert memblock_is_region_memory(0xFFF00000, 0x100000) is True  # capped the same way


def test_trim_memory(m):
    memblock_add(0x60000100, 0x1FFF00)      # -> [0x60100000, 0x60200000)
    memblock_add(0x60300100, 0x100)         # no whole MiB: removed
    memblock_add(0x60400000, 0x100000)      # already aligned
    memblock_trim_memory(SZ_1M)
    assert regions(memblock().memory) == [(0x60100000, SZ_1M, 0), (0x60400000, SZ_1M, 0)]
    # total_size is not adjusted for the trimmed edges (v4.9 only changes base/size)
    assert memblock_phys_mem_size() == 0x1FFF00 + 0x100000
    memblock_trim_memory(0x400000)
    assert regions(memblock().memory) == [(0, 0, 0)]
    # ... so emptying the array finds total_size != 0 and warns (mm/memblock.c:290)
    assert [(w.line, w.function) for w in m.warnings] == [(290, "memblock_remove_region")]
    assert memblock_phys_mem_size() == 0x1FFF00 - 0x100000


def test_enforce_memory_limit(m):
    memblock_add(0x60000000, 0x10000000)
    memblock_add(0x80000000, 0x10000000)
    memblock_reserve(0x8FF00000, 0x100000)
    memblock_reserve(0x60000000, 0x1000)
    memblock_enforce_memory_limit(0)  # no limit
    memblock_enforce_memory_limit(0x40000000)  # more than there is
    assert memblock_phys_mem_size() == 0x20000000
    memblock_enforce_memory_limit(0x18000000)
    assert regions(memblock().memory) == [(0x60000000, 0x10000000, 0), (0x80000000, 0x08000000, 0)]
    assert regions(memblock().reserved) == [(0x60000000, 0x1000, 0)]


def test_mem_limit_remove_map_keeps_nomap(m):
    memblock_add(0x60000000, 0x10000000)
    memblock_mark_nomap(0x6F000000, 0x100000)
    memblock_reserve(0x6FF00000, 0x1000)
    memblock_mem_limit_remove_map(0x08000000)
    assert regions(memblock().memory) == [
        (0x60000000, 0x08000000, 0), (0x6F000000, 0x100000, MEMBLOCK_NOMAP)]
    assert regions(memblock().reserved) == [(0, 0, 0)]


# ---------------------------------------------------------------------------
# printed output
# ---------------------------------------------------------------------------

def test_dump_text(m):
    boot_ram()
    memblock_reserve(0x9FFFF000, 0x1000)
    memblock_mark_nomap(0x9FE00000, 0x100000)
    memblock_dump_all()                 # memblock_debug is 0: nothing
    assert m.dmesg() == []
    __memblock_dump_all()
    assert m.dmesg() == [
        "MEMBLOCK configuration:",
        " memory size = 0x40000000 reserved size = 0xbe1000",
        " memory.cnt  = 0x3",
        " memory[0x0]\t[0x00000060000000-0x0000009fdfffff], 0x3fe00000 bytes flags: 0x0",
        " memory[0x1]\t[0x0000009fe00000-0x0000009fefffff], 0x100000 bytes flags: 0x4",
        " memory[0x2]\t[0x0000009ff00000-0x0000009fffffff], 0x100000 bytes flags: 0x0",
        " reserved.cnt  = 0x2",
        " reserved[0x0]\t[0x00000060008000-0x00000060be7fff], 0xbe0000 bytes flags: 0x0",
        " reserved[0x1]\t[0x0000009ffff000-0x0000009fffffff], 0x1000 bytes flags: 0x0",
    ]
    assert {r.level for r in m.log.records} == {6}


def test_dump_of_an_empty_array_shows_the_dummy(m):
    memblock_add(RAM, SZ_1M)
    debug_on()
    memblock_dump_all()
    assert m.dmesg() == [
        "MEMBLOCK configuration:",
        " memory size = 0x100000 reserved size = 0x0",
        " memory.cnt  = 0x1",
        " memory[0x0]\t[0x00000060000000-0x000000600fffff], 0x100000 bytes flags: 0x0",
        " reserved.cnt  = 0x1",
        " reserved[0x0]\t[0x00000000000000-0xffffffffffffffff], 0x0 bytes flags: 0x0",
    ]


def test_debugfs_files(m):
    assert memblock_debugfs_read("reserved") == "   0: 0x00000000..0xffffffff\n"
    boot_ram()
    memblock_reserve(0x9FFFF000, 0x1000)
    assert memblock_debugfs_read("memory") == "   0: 0x60000000..0x9fffffff\n"
    assert memblock_debugfs_read("reserved") == (
        "   0: 0x60008000..0x60be7fff\n"
        "   1: 0x9ffff000..0x9fffffff\n")
    with pytest.raises(FileNotFoundError):
        memblock_debugfs_read("physmem")


def board_setup():
    """A named caller, so that %pF has something to print."""
    memblock_add(RAM, RAM_END - RAM)
    memblock_reserve(KERNEL_START, KERNEL_END - KERNEL_START)
    memblock_alloc(0x1000, 0x1000)
    memblock_free(0x9FFFF000, 0x1000)
    memblock_remove(0x9FF00000, SZ_1M)   # no debug line in v4.9
    memblock_add_node(0x9FF00000, SZ_1M, 0)  # no debug line either


def test_memblock_dbg_lines_after_memblock_debug(m):
    board_setup()
    assert m.dmesg() == []  # memblock_debug is off
    m2 = Machine()
    with m2:
        debug_on()
        board_setup()
    assert m2.dmesg() == [
        "memblock_add: [0x00000060000000-0x0000009fffffff] flags 0x0 board_setup",
        "memblock_reserve: [0x00000060008000-0x00000060be7fff] flags 0x0 board_setup",
        "memblock_reserve: [0x0000009ffff000-0x0000009fffffff] flags 0x0 memblock_alloc_range_nid",
        "   memblock_free: [0x0000009ffff000-0x0000009fffffff] board_setup",
    ]
    assert {r.level for r in m2.log.records} == {6}  # KERN_INFO


@pytest.mark.parametrize("value, on", [
    ("debug", 1), ("nodebug", 1), ("foo,debug", 1), ("foo", 0), ("", 0), (None, 0)])
def test_early_memblock_is_a_substring_test(m, value, on):
    assert early_memblock(value) == 0
    assert memblock_c.get().memblock_debug == on


# ---------------------------------------------------------------------------
# growing the arrays
# ---------------------------------------------------------------------------

def fill_reserved(n, base=RAM):
    for i in range(n):
        assert memblock_reserve(base + i * 0x2000, 0x1000) == 0


def test_double_array_refused_before_allow_resize(m):
    memblock_add(RAM, RAM_END - RAM)
    fill_reserved(128)
    assert memblock().reserved.cnt == 128 == memblock().reserved.max
    before = snapshot()
    # v4.9 refuses silently: memblock_double_array() returns -1 before any pr_err
    assert memblock_reserve(RAM + 128 * 0x2000, 0x1000) == -ENOMEM
    # splitting a region would need two more slots: also refused
    assert memblock_free(RAM + 0x400, 0x100) == -ENOMEM
    assert snapshot() == before
    assert m.dmesg() == []


def test_double_array_after_allow_resize_reserves_the_new_array(m):
    memblock_add(RAM, RAM_END - RAM)
    fill_reserved(128)
    memblock_allow_resize()
    debug_on()
    assert memblock_reserve(RAM + 128 * 0x2000, 0x1000) == 0
    res = memblock().reserved
    assert res.max == 256
    assert res.cnt == 130   # 129 reservations + the new array itself
    assert res.array_phys == 0x9FFFF000
    assert regions(res)[-1] == (0x9FFFF000, 0x1000, 0)  # 256 * 12 bytes, page-aligned
    assert memblock_is_reserved(0x9FFFF000)
    assert m.dmesg() == [
        "memblock_reserve: [0x00000060100000-0x00000060100fff] flags 0x0 test_double_array_after_allow_resize_reserves_the_new_array",
        "memblock: reserved is doubled to 256 at [0x9ffff000-0x9ffffbff]",
        "memblock_reserve: [0x0000009ffff000-0x0000009fffffff] flags 0x0 memblock_double_array",
    ]

    # The second doubling moves the array again and frees the first one.
    m.log.records.clear()
    fill_reserved(126, base=RAM + 129 * 0x2000)
    assert res.cnt == 256
    m.log.records.clear()
    assert memblock_reserve(0x70000000, 0x1000) == 0
    assert res.max == 512
    assert res.array_phys == 0x9FFFD000  # 6144 bytes -> two pages, below the old array
    assert regions(res)[-1] == (0x9FFFD000, 0x2000, 0)
    assert not memblock_is_reserved(0x9FFFF000)
    assert m.dmesg() == [
        "memblock_reserve: [0x00000070000000-0x00000070000fff] flags 0x0 test_double_array_after_allow_resize_reserves_the_new_array",
        "memblock: reserved is doubled to 512 at [0x9fffd000-0x9fffe7ff]",
        "   memblock_free: [0x0000009ffff000-0x0000009fffffff] memblock_double_array",
        "memblock_reserve: [0x0000009fffd000-0x0000009fffefff] flags 0x0 memblock_double_array",
    ]


def test_double_array_with_no_room_prints_the_kernel_error(m):
    memblock_add(RAM, RAM_END - RAM)
    fill_reserved(128)
    memblock_allow_resize()
    memblock_set_current_limit(RAM)  # nothing accessible
    assert memblock_reserve(RAM + 128 * 0x2000, 0x1000) == -ENOMEM
    assert m.dmesg() == ["memblock: Failed to double reserved array from 128 to 256 entries !"]
    assert m.log.records[-1].level == 3
    assert memblock().reserved.cnt == 128


def test_double_memory_array(m):
    for i in range(128):
        assert memblock_add(RAM + i * 0x200000, SZ_1M) == 0
    assert memblock_add(0x90000000, SZ_1M) == -ENOMEM
    memblock_allow_resize()
    assert memblock_add(0x90000000, SZ_1M) == 0
    mem = memblock().memory
    assert (mem.cnt, mem.max) == (129, 256)
    # top-down: the highest free page of memory as it was before the new bank went in;
    # it is reserved, not taken out of memory
    assert mem.array_phys == 0x6FEFF000
    assert regions(memblock().reserved) == [(0x6FEFF000, 0x1000, 0)]
    assert memblock_is_memory(0x6FEFF000)
    assert memblock_end_of_DRAM() == 0x90100000


# ---------------------------------------------------------------------------
# failures and diagnostics
# ---------------------------------------------------------------------------

def test_memblock_alloc_base_panics_with_the_kernel_message(m):
    boot_ram()
    with pytest.raises(KernelPanic) as e:
        memblock_alloc_base(0x1000, 0x1000, RAM)
    assert str(e.value) == "ERROR: Failed to allocate 0x1000 bytes below 0x60000000."
    assert m.dmesg()[-1] == "Kernel panic - not syncing: ERROR: Failed to allocate 0x1000 bytes below 0x60000000."
    assert m.log.records[-1].level == 0
    # memblock_alloc passes ACCESSIBLE, so the message says "below 0x0"
    with pytest.raises(KernelPanic, match=r"^ERROR: Failed to allocate 0x80000000 bytes below 0x0\.$"):
        memblock_alloc(0x80000000, 0x1000)
    # the non-panicking variant returns 0
    assert __memblock_alloc_base(0x1000, 0x1000, RAM) == 0


def test_removing_never_added_memory_is_a_diagnostic(m):
    boot_ram()
    before = snapshot()
    n = len(m.log.records)
    assert memblock_remove(0x10000000, 0x1000) == 0
    assert snapshot() == before
    assert len(m.log.records) == n
    assert [(d.where, d.message) for d in m.diagnostics] == [
        ("memblock_remove (from test_removing_never_added_memory_is_a_diagnostic)",
         "[0x10000000-0x10000fff] is not in memblock.memory, so nothing was removed "
         "(the kernel says nothing)")]
    assert memblock_free(0x70000000, 0x1000) == 0
    assert snapshot() == before
    assert (m.diagnostics[-1].where, m.diagnostics[-1].message) == (
        "memblock_free (from test_removing_never_added_memory_is_a_diagnostic)",
        "[0x70000000-0x70000fff] is not in memblock.reserved, so nothing was freed "
        "(the kernel says nothing)")
    # partly present ranges and size-0 calls are not reported
    assert memblock_remove(0x9FFFF000, 0x2000) == 0
    assert memblock_free(KERNEL_START, 0) == 0
    assert memblock_remove(0x10000000, 0) == 0
    assert len(m.diagnostics) == 2
    assert memblock_end_of_DRAM() == 0x9FFFF000


def test_removing_device_memory_is_not_a_diagnostic(m):
    """A no-map /reserved-memory region on the board's device memory (the vexpress video
    SRAM at 0x4c000000, which is not DRAM) was never in memblock: nothing to note."""
    from cmaport.arch.arm.hw.board import VEXPRESS_VIDEO_SRAM

    base, size, _name = VEXPRESS_VIDEO_SRAM
    boot_ram()
    assert memblock_remove(base, size) == 0
    assert memblock_remove(base + 0x1000, 0x1000) == 0
    assert m.diagnostics == []
    # reaching past the device memory is a mistake again
    assert memblock_remove(base + size - 0x1000, 0x2000) == 0
    assert [d.message for d in m.diagnostics] == [
        "[%#010x-%#010x] is not in memblock.memory, so nothing was removed (the kernel says "
        "nothing)" % (base + size - 0x1000, base + size + 0xFFF)]


def test_default_boot_has_no_diagnostics():
    m = Machine().boot()
    assert m.diagnostics == []


def test_byte_granular_overlapping_reserves(m):
    # reservations need not be page-aligned (a DTB, an initrd); only the uncovered bytes
    # are added, then everything touching merges
    memblock_reserve(0x60000000, 0x1000)
    memblock_reserve(0x60000FFF, 2)          # one new byte on top
    assert regions(memblock().reserved) == [(0x60000000, 0x1001, 0)]
    memblock_reserve(0x5FFFFFFF, 0x1003)     # one new byte below and one above
    assert regions(memblock().reserved) == [(0x5FFFFFFF, 0x1003, 0)]
    assert memblock_reserved_size() == 0x1003
    memblock_free(0x60000000, 1)             # a one-byte hole
    assert regions(memblock().reserved) == [(0x5FFFFFFF, 1, 0), (0x60000001, 0x1001, 0)]


def test_remove_splits_regions(m):
    memblock_add(RAM, 16 * SZ_1M)
    assert memblock_remove(RAM + 4 * SZ_1M, 4 * SZ_1M) == 0
    assert regions(memblock().memory) == [(RAM, 4 * SZ_1M, 0), (RAM + 8 * SZ_1M, 8 * SZ_1M, 0)]
    assert memblock_phys_mem_size() == 12 * SZ_1M
    # a range over a hole and parts of both neighbours
    assert memblock_remove(RAM + 3 * SZ_1M, 6 * SZ_1M) == 0
    assert regions(memblock().memory) == [(RAM, 3 * SZ_1M, 0), (RAM + 9 * SZ_1M, 7 * SZ_1M, 0)]
    assert m.diagnostics == []


# ---------------------------------------------------------------------------
# hypothesis: random operation sequences against a page-granular reference
# ---------------------------------------------------------------------------

PAGE = 0x1000
NPAGES = 40
MAXP = NPAGES + 12  # ranges start below NPAGES and are up to 12 pages long

ranges = st.tuples(st.integers(0, NPAGES - 1), st.integers(0, 12))


def runs(pages):
    """Maximal runs of consecutive pages with equal flags: [(first, last+1, flags)]."""
    out = []
    for p in sorted(pages):
        f = pages[p]
        if out and out[-1][1] == p and out[-1][2] == f:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1, f])
    return [tuple(r) for r in out]


class MemblockMachine(RuleBasedStateMachine):
    """add/remove/reserve/free/mark_* and allocations, checked after every step."""

    def __init__(self):
        super().__init__()
        self.m = Machine()
        with self.m:
            memory_h.get().phys_offset = RAM
        self.mem = {}     # page -> flags
        self.res = {}     # page -> 0

    @rule(r=ranges)
    def add(self, r):
        start, n = r
        with self.m:
            assert memblock_add(start * PAGE, n * PAGE) == 0
        for p in range(start, start + n):
            self.mem.setdefault(p, 0)

    @rule(r=ranges)
    def remove(self, r):
        start, n = r
        with self.m:
            assert memblock_remove(start * PAGE, n * PAGE) == 0
        for p in range(start, start + n):
            self.mem.pop(p, None)

    @rule(r=ranges)
    def reserve(self, r):
        start, n = r
        with self.m:
            assert memblock_reserve(start * PAGE, n * PAGE) == 0
        for p in range(start, start + n):
            self.res[p] = 0

    @rule(r=ranges)
    def free(self, r):
        start, n = r
        with self.m:
            assert memblock_free(start * PAGE, n * PAGE) == 0
        for p in range(start, start + n):
            self.res.pop(p, None)

    @rule(r=ranges, flag=st.sampled_from([MEMBLOCK_NOMAP, MEMBLOCK_HOTPLUG]), set_=st.booleans())
    def setclr(self, r, flag, set_):
        start, n = r
        with self.m:
            if flag == MEMBLOCK_NOMAP:
                assert memblock_mark_nomap(start * PAGE, n * PAGE) == 0
                set_ = True
            elif set_:
                assert memblock_mark_hotplug(start * PAGE, n * PAGE) == 0
            else:
                assert memblock_clear_hotplug(start * PAGE, n * PAGE) == 0
        for p in range(start, start + n):
            if p in self.mem:
                self.mem[p] = self.mem[p] | flag if set_ else self.mem[p] & ~flag

    @rule(size=st.integers(1, 6), align_shift=st.integers(0, 3))
    def alloc(self, size, align_shift):
        align = 1 << align_shift
        expected = 0
        # the highest aligned start >= page 1 whose pages are free, mapped and in one region
        for a in range((MAXP - size) // align * align, 0, -align):
            pages = range(a, a + size)
            flags = {self.mem.get(p) for p in pages}
            if (len(flags) == 1 and None not in flags and not min(flags) & MEMBLOCK_NOMAP
                    and not any(p in self.res for p in pages)):
                expected = a * PAGE
                break
        with self.m:
            got = memblock_alloc_range(size * PAGE, align * PAGE, 0, MEMBLOCK_ALLOC_ACCESSIBLE,
                                       MEMBLOCK_NONE)
        assert got == expected
        if got:
            for p in range(got // PAGE, got // PAGE + size):
                self.res[p] = 0

    def check_type(self, t, ref):
        assert t.cnt == len(t.regions)
        assert t.cnt <= t.max
        if not ref:
            assert t.cnt == 1
            assert t.regions == [memblock_region(0, 0, 0)]
            assert t.total_size == 0
            return
        got = []
        for r in t.regions:
            assert r.size > 0
            assert r.base % PAGE == 0 and r.size % PAGE == 0
            got.append((r.base // PAGE, (r.base + r.size) // PAGE, r.flags))
        for a, b in zip(got, got[1:]):
            assert a[1] <= b[0], "regions overlap or are out of order"
            assert not (a[1] == b[0] and a[2] == b[2]), "touching regions with equal flags"
        assert t.total_size == sum(r.size for r in t.regions)
        # sorted + disjoint + merged + same bytes and flags <=> exactly the reference runs
        assert got == runs(ref)

    @invariant()
    def consistent(self):
        with self.m:
            mb = memblock()
            self.check_type(mb.memory, self.mem)
            self.check_type(mb.reserved, self.res)
            free = []
            for first, end, flags in runs(self.mem):
                if flags & MEMBLOCK_NOMAP:
                    continue
                for p in range(first, end):
                    if p in self.res:
                        continue
                    if free and free[-1][1] == p * PAGE and free[-1][3] == (first, end):
                        free[-1][1] = (p + 1) * PAGE
                    else:
                        free.append([p * PAGE, (p + 1) * PAGE, 0, (first, end)])
            free = [(s, e, n) for s, e, n, _ in free]
            assert list(for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NONE)) == free
            assert list(for_each_free_mem_range_reverse(NUMA_NO_NODE, MEMBLOCK_NONE)) == free[::-1]
            for p in range(MAXP + 1):
                assert memblock_is_memory(p * PAGE) == (p in self.mem)
                assert memblock_is_reserved(p * PAGE) == (p in self.res)
                assert memblock_is_map_memory(p * PAGE) == (
                    p in self.mem and not self.mem[p] & MEMBLOCK_NOMAP)
            assert memblock_end_of_DRAM() == ((max(self.mem) + 1) * PAGE if self.mem else 0)


MemblockMachine.TestCase.settings = settings(
    max_examples=300, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestMemblockStateMachine = MemblockMachine.TestCase
