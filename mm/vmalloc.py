# SPDX-License-Identifier: GPL-2.0-only
"""mm/vmalloc.c: the kernel's vmalloc address space (the part DMA remapping uses).

``get_vm_area_caller`` reserves a range of the vmalloc area, lowest address first, with a
guard page after it (unless VM_NO_GUARD); ``map_vm_area`` records the pages that back
it; ``find_vm_area``/``vunmap`` look it up and give it back.

Model: the areas are bookkeeping only. There is no MMU model yet, so nothing is written
into page tables; ``vmalloc_to_pfn`` answers from the recorded pages (that is what lets
``memset`` reach the right physical memory through a remapped address). The rbtree, the
free-area cache, lazy purging and vmalloc() itself are not ported.
"""

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_SHIFT, PAGE_SIZE
from cmaport.kernel.machine import statics

# include/linux/vmalloc.h
VM_IOREMAP = 0x00000001
VM_ALLOC = 0x00000002
VM_MAP = 0x00000004
VM_USERMAP = 0x00000008
VM_UNINITIALIZED = 0x00000020
VM_NO_GUARD = 0x00000040
VM_KASAN = 0x00000080

IOREMAP_MAX_ORDER = 24  # arch/arm/include/asm/memory.h

# arch/arm/include/asm/pgtable.h
VMALLOC_OFFSET = 8 << 20
VMALLOC_END = 0xFF800000


def VMALLOC_START():
    """arch/arm/include/asm/pgtable.h: VMALLOC_START — 8 MiB above high_memory, 8 MiB aligned."""
    from cmaport.mm.memory import memory_c

    return (memory_c.get().high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1)


@attrs.define(slots=True, eq=False)
class vm_struct:
    """include/linux/vmalloc.h: struct vm_struct — one area of the vmalloc space.

    ``size`` includes the guard page; ``pages`` are ``struct page *`` (mem_map indexes).
    """

    addr: int = 0
    size: int = 0
    flags: int = 0
    pages: list = None
    nr_pages: int = 0
    phys_addr: int = 0
    caller: object = None


@statics
class vmalloc_c:
    """mm/vmalloc.c: the busy areas of this machine (C: vmap_area_root/list), by address."""

    areas: list = attrs.Factory(list)


def get_vm_area_size(area):
    """include/linux/vmalloc.h: get_vm_area_size() — the size without the guard page."""
    if not area.flags & VM_NO_GUARD:
        return area.size - PAGE_SIZE
    return area.size


def __get_vm_area_node(size, align, flags, start, end, caller):
    """mm/vmalloc.c: __get_vm_area_node() — the lowest free range of the window that fits.

    Model: alloc_vmap_area()'s search is a walk of the sorted busy areas.
    """
    if flags & VM_IOREMAP:
        order = max(PAGE_SHIFT, min(IOREMAP_MAX_ORDER, size.bit_length()))
        align = 1 << order

    size = PAGE_ALIGN(size)
    if not size:
        return None

    if not flags & VM_NO_GUARD:
        size += PAGE_SIZE

    areas = vmalloc_c.get().areas
    addr = (start + align - 1) & ~(align - 1)
    for a in areas:
        if addr + size <= a.addr:
            break
        if a.addr + a.size > addr:
            addr = (a.addr + a.size + align - 1) & ~(align - 1)
    if addr + size > end or addr + size < addr:
        return None

    area = vm_struct(addr=addr, size=size, flags=flags, caller=caller)
    areas.append(area)
    areas.sort(key=lambda a: a.addr)
    return area


def get_vm_area_caller(size, flags, caller):
    """mm/vmalloc.c: get_vm_area_caller() — an area anywhere in the vmalloc space."""
    return __get_vm_area_node(size, 1, flags, VMALLOC_START(), VMALLOC_END, caller)


def find_vm_area(addr):
    """mm/vmalloc.c: find_vm_area() — the area that starts at ``addr``, or ``None``."""
    for a in vmalloc_c.get().areas:
        if a.addr == addr:
            return a
    return None


def map_vm_area(area, prot, pages):
    """mm/vmalloc.c: map_vm_area() — map ``pages`` at the area.

    Model: the pages are recorded on the area; no page tables are written.
    """
    area.pages = list(pages)
    area.nr_pages = len(area.pages)
    return 0


def remove_vm_area(addr):
    """mm/vmalloc.c: remove_vm_area() — forget the area that starts at ``addr``."""
    area = find_vm_area(addr)
    if area is not None:
        vmalloc_c.get().areas.remove(area)
    return area


def vunmap(addr):
    """mm/vmalloc.c: vunmap() — release a mapped area (the pages stay allocated)."""
    if addr:
        remove_vm_area(addr)


def unmap_kernel_range(addr, size):
    """mm/vmalloc.c: unmap_kernel_range() — Model: no page tables to clear."""
    return None


def is_vmalloc_addr(x):
    """include/linux/mm.h: is_vmalloc_addr() — inside [VMALLOC_START, VMALLOC_END)?

    Model: an ioremap/memremap mapping (an identity-view ``iomem_ptr``) counts as a
    vmalloc address: on the real kernel it is one.
    """
    from cmaport.arch.arm.include.asm.io import iomem_ptr

    if isinstance(x, iomem_ptr):
        return True
    return VMALLOC_START() <= x < VMALLOC_END


def vmalloc_to_pfn(vmalloc_addr):
    """mm/vmalloc.c: vmalloc_to_pfn() — the pfn behind a mapped vmalloc address, or 0."""
    from cmaport.include.linux.mm import page_to_pfn

    for a in vmalloc_c.get().areas:
        if a.addr <= vmalloc_addr < a.addr + get_vm_area_size(a) and a.pages:
            index = (vmalloc_addr - a.addr) >> PAGE_SHIFT
            if index < len(a.pages):
                return page_to_pfn(a.pages[index])
    return 0
