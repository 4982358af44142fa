# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/mmap.c: where mmap() puts things — the top-down layout below the stack gap.

The Cortex-A9's data cache is VIPT non-aliasing (``cache_is_vipt_aliasing()`` is false),
so shared mappings need no colour alignment. Model: tasks run without PF_RANDOMIZE
(as after ``norandmaps``), so layouts are reproducible: ``mmap_base`` is
``TASK_SIZE - 128 MiB`` (the 8 MiB default RLIMIT_STACK is below MIN_GAP).
"""

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import FIRST_USER_ADDRESS, TASK_SIZE
from cmaport.include.linux.errno import ENOMEM

MIN_GAP = 128 * 1024 * 1024
_RLIMIT_STACK = 8 * 1024 * 1024  # the default _STK_LIM


def MAX_GAP():
    """arch/arm/mm/mmap.c: MAX_GAP — TASK_SIZE / 6 * 5."""
    return TASK_SIZE() // 6 * 5


def cache_is_vipt_aliasing():
    """arch/arm/include/asm/cachetype.h: cache_is_vipt_aliasing() — false on a Cortex-A9."""
    return False


def mmap_is_legacy():
    """arch/arm/mm/mmap.c: mmap_is_legacy() — no ADDR_COMPAT_LAYOUT, finite stack limit,
    legacy_va_layout sysctl 0: the top-down layout."""
    return False


def mmap_base(rnd):
    """arch/arm/mm/mmap.c: mmap_base() — below the stack's gap."""
    gap = _RLIMIT_STACK
    if gap < MIN_GAP:
        gap = MIN_GAP
    elif gap > MAX_GAP():
        gap = MAX_GAP()
    return (TASK_SIZE() - gap - rnd + PAGE_SIZE - 1) & PAGE_MASK


def arch_pick_mmap_layout(mm):
    """arch/arm/mm/mmap.c: arch_pick_mmap_layout() — top-down below mmap_base."""
    random_factor = 0  # no PF_RANDOMIZE (see the module note)
    if mmap_is_legacy():
        raise NotImplementedError("legacy layout")
    mm.mmap_base = mmap_base(random_factor)
    mm.get_unmapped_area = arch_get_unmapped_area_topdown


def arch_get_unmapped_area_topdown(filp, addr0, len_, pgoff, flags):
    """arch/arm/mm/mmap.c: arch_get_unmapped_area_topdown() — a hint if it is free, else the
    highest gap below mmap_base (then anything above it)."""
    from cmaport.include.linux.sched import current
    from cmaport.mm.mmap import MAP_FIXED, find_vma, vm_unmapped_area

    mm = current().mm
    addr = addr0
    if len_ > TASK_SIZE():
        return -ENOMEM
    if flags & MAP_FIXED:
        return addr
    if addr:
        addr = (addr + PAGE_SIZE - 1) & PAGE_MASK
        vma = find_vma(mm, addr)
        if TASK_SIZE() - len_ >= addr and (vma is None or addr + len_ <= vma.vm_start):
            return addr
    info = {"flags": 1, "length": len_, "low_limit": FIRST_USER_ADDRESS,
            "high_limit": mm.mmap_base, "align_mask": 0, "align_offset": pgoff << 12}
    addr = vm_unmapped_area(info)
    # Fall back to the bottom-up search above mmap_base.
    if addr < 0 or addr & ~PAGE_MASK:
        info["flags"] = 0
        info["low_limit"] = mm.mmap_base
        info["high_limit"] = TASK_SIZE()
        addr = vm_unmapped_area(info)
    return addr
