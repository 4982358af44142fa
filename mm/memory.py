# SPDX-License-Identifier: GPL-2.0-only
"""mm/memory.c: the globals of the generic memory code that the port needs so far.

``high_memory`` is the virtual address just past the lowmem linear map (set by the
ARM ``sanity_check_meminfo``); ``max_mapnr`` is the number of ``struct page``s in
``mem_map`` (FLATMEM).
"""

import attrs

from cmaport.kernel.machine import statics


@statics
class memory_c:
    """The file-scope globals of mm/memory.c."""

    high_memory: int = 0
    max_mapnr: int = 0


# -- user mappings of kernel memory (the part the DMA mmap path needs) --------------------
#
# Model: there is no process address space yet. A ``vm_area_struct`` stands alone (no
# mm_struct, no VMA tree) and ``remap_pfn_range`` records what it would map instead of
# writing page tables; its checks and the flags it sets are v4.9's.

# include/linux/mm.h: vm_flags
VM_READ = 0x00000001
VM_WRITE = 0x00000002
VM_EXEC = 0x00000004
VM_SHARED = 0x00000008
VM_MAYREAD = 0x00000010
VM_MAYWRITE = 0x00000020
VM_PFNMAP = 0x00000400
VM_IO = 0x00004000
VM_DONTEXPAND = 0x00040000
VM_DONTDUMP = 0x04000000


@attrs.define(slots=True, eq=False)
class vm_area_struct:
    """include/linux/mm_types.h: struct vm_area_struct — Model: the fields mmap handlers use.

    ``remapped`` is model-only: the ``(addr, pfn, size, prot)`` ranges remap_pfn_range()
    would have put into the page tables.
    """

    vm_start: int = 0
    vm_end: int = 0
    vm_pgoff: int = 0
    vm_flags: int = VM_READ | VM_WRITE | VM_SHARED | VM_MAYREAD | VM_MAYWRITE
    vm_page_prot: int = 0
    remapped: list = attrs.Factory(list)


def vma_pages(vma):
    """include/linux/mm.h: vma_pages() — how many pages the mapping spans."""
    return (vma.vm_end - vma.vm_start) >> 12


def is_cow_mapping(flags):
    """include/linux/mm.h: is_cow_mapping() — private and writable."""
    return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE


def remap_pfn_range(vma, addr, pfn, size, prot):
    """mm/memory.c: remap_pfn_range() — map physical pages into a user mapping.

    A copy-on-write mapping must be remapped whole (its ``vm_pgoff`` becomes the pfn); the
    mapping is marked VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP.

    :return: 0 or ``-EINVAL``
    """
    from cmaport.include.linux.errno import EINVAL
    from cmaport.kernel.panic import BUG_ON

    end = addr + ((size + 0xFFF) & ~0xFFF)

    # the unCOWed pages of a private mapping are found through vm_pgoff
    if is_cow_mapping(vma.vm_flags):
        if addr != vma.vm_start or end != vma.vm_end:
            return -EINVAL
        vma.vm_pgoff = pfn

    # (track_pfn_remap: no PAT on ARM)

    vma.vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP

    BUG_ON(addr >= end, line=1800)
    # Model: no page tables; the range is recorded on the VMA.
    vma.remapped.append((addr, pfn, end - addr, prot))
    return 0
