# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dma-mapping.c: the managed DMA API and the architecture-independent helpers.

* ``dmam_*``: allocations and declared pools released automatically when the driver lets
  go of the device (devres). v4.9 quirk kept (line 164): ``dmam_free_noncoherent`` tests
  the *negated* ``devres_destroy`` result, so it WARNs when the managed record was found
  and removed (success) and stays silent when nothing matched; ``dmam_free_coherent``
  (line 105) warns only when nothing matched.
* ``dma_common_mmap``: a user mapping of a coherent buffer (the device's pool first, else
  the buffer's linear-map pages); ``dma_common_get_sgtable``: a one-entry table.
* ``dma_common_pages_remap``/``dma_common_contiguous_remap``/``dma_common_free_remap``:
  a second kernel mapping of pages in the vmalloc space (ARM uses them for non-coherent
  buffers).

Model: there is no MMU model, so the remaps are vmalloc-space bookkeeping (mm/vmalloc.py)
and ``remap_pfn_range`` records the user mapping on the ``vm_area_struct``
(mm/memory.py). Output parameters are returned as in include/linux/dma_mapping.py.
"""

import attrs

from cmaport.drivers.base.devres import devres_add, devres_alloc, devres_destroy, devres_free
from cmaport.include.linux.dma_mapping import (dma_alloc_coherent, dma_alloc_noncoherent,
                                               dma_free_coherent, dma_free_noncoherent)
from cmaport.include.linux.errno import ENOMEM, ENXIO
from cmaport.include.linux.gfp import GFP_KERNEL
from cmaport.kernel.panic import WARN, WARN_ON

_PAGE_SHIFT = 12

# arch/arm/include/asm/pgtable-2level.h: the L_PTE bits pgprot_noncached() touches
L_PTE_MT_UNCACHED = 0x00 << 2
L_PTE_MT_MASK = 0x0F << 2
L_PTE_XN = 1 << 9


def pgprot_noncached(prot):
    """arch/arm/include/asm/pgtable.h: pgprot_noncached() — strongly ordered, never executable."""
    return (prot & ~L_PTE_MT_MASK) | L_PTE_MT_UNCACHED | L_PTE_XN


@attrs.define(slots=True, eq=False)
class dma_devres:
    """drivers/base/dma-mapping.c: struct dma_devres — one managed buffer."""

    size: int = 0
    vaddr: object = None
    dma_handle: int = 0


SIZEOF_DMA_DEVRES = 12  # size_t, void *, dma_addr_t (32-bit)


def dmam_coherent_release(dev, res):
    """drivers/base/dma-mapping.c: dmam_coherent_release() — free a managed coherent buffer."""
    this = res

    dma_free_coherent(dev, this.size, this.vaddr, this.dma_handle)


def dmam_noncoherent_release(dev, res):
    """drivers/base/dma-mapping.c: dmam_noncoherent_release() — free a managed non-coherent buffer."""
    this = res

    dma_free_noncoherent(dev, this.size, this.vaddr, this.dma_handle)


def dmam_match(dev, res, match_data):
    """drivers/base/dma-mapping.c: dmam_match() — the record of a buffer (by address; size and handle must agree)."""
    this = res
    match = match_data

    if this.vaddr == match.vaddr:
        WARN_ON(this.size != match.size or this.dma_handle != match.dma_handle, line=44)
        return 1
    return 0


def dmam_alloc_coherent(dev, size, gfp):
    """drivers/base/dma-mapping.c: dmam_alloc_coherent() — dma_alloc_coherent() released on detach.

    :return: ``(vaddr, dma_handle)``; ``vaddr`` is ``None`` on failure
    """
    dr = devres_alloc(dmam_coherent_release, SIZEOF_DMA_DEVRES, gfp)
    if dr is None:
        return None, None

    vaddr, dma_handle = dma_alloc_coherent(dev, size, gfp)
    if vaddr is None:
        devres_free(dr)
        return None, dma_handle

    dr.data = dma_devres(size=size, vaddr=vaddr, dma_handle=dma_handle)

    devres_add(dev, dr)

    return vaddr, dma_handle


def dmam_free_coherent(dev, size, vaddr, dma_handle):
    """drivers/base/dma-mapping.c: dmam_free_coherent() — free it now; WARN if it was not managed."""
    match_data = dma_devres(size, vaddr, dma_handle)

    dma_free_coherent(dev, size, vaddr, dma_handle)
    WARN_ON(devres_destroy(dev, dmam_coherent_release, dmam_match, match_data), line=105)


def dmam_alloc_noncoherent(dev, size, gfp):
    """drivers/base/dma-mapping.c: dmam_alloc_noncoherent() — dma_alloc_noncoherent() released on detach.

    :return: ``(vaddr, dma_handle)``; ``vaddr`` is ``None`` on failure
    """
    dr = devres_alloc(dmam_noncoherent_release, SIZEOF_DMA_DEVRES, gfp)
    if dr is None:
        return None, None

    vaddr, dma_handle = dma_alloc_noncoherent(dev, size, gfp)
    if vaddr is None:
        devres_free(dr)
        return None, dma_handle

    dr.data = dma_devres(size=size, vaddr=vaddr, dma_handle=dma_handle)

    devres_add(dev, dr)

    return vaddr, dma_handle


def dmam_free_noncoherent(dev, size, vaddr, dma_handle):
    """drivers/base/dma-mapping.c: dmam_free_noncoherent() — free it now.

    v4.9 quirk: the WARN_ON tests ``!devres_destroy(...)``, i.e. it fires when the managed
    record *was* found (0 = success) and not when nothing matched.
    """
    match_data = dma_devres(size, vaddr, dma_handle)

    dma_free_noncoherent(dev, size, vaddr, dma_handle)
    WARN_ON(not devres_destroy(dev, dmam_noncoherent_release, dmam_match, match_data), line=164)


def dmam_coherent_decl_release(dev, res):
    """drivers/base/dma-mapping.c: dmam_coherent_decl_release()."""
    from cmaport.drivers.base.dma_coherent import dma_release_declared_memory

    dma_release_declared_memory(dev)


def dmam_declare_coherent_memory(dev, phys_addr, device_addr, size, flags):
    """drivers/base/dma-mapping.c: dmam_declare_coherent_memory() — a device pool released on detach.

    :return: 0, or ``-ENOMEM`` (the declaration failed)
    """
    from cmaport.drivers.base.dma_coherent import dma_declare_coherent_memory

    res = devres_alloc(dmam_coherent_decl_release, 0, GFP_KERNEL)
    if res is None:
        return -ENOMEM

    rc = dma_declare_coherent_memory(dev, phys_addr, device_addr, size, flags)
    if rc:
        devres_add(dev, res)
        rc = 0
    else:
        devres_free(res)
        rc = -ENOMEM

    return rc


def dmam_release_declared_memory(dev):
    """drivers/base/dma-mapping.c: dmam_release_declared_memory() — drop the managed record (WARN if none)."""
    WARN_ON(devres_destroy(dev, dmam_coherent_decl_release, None, None), line=221)


def dma_common_get_sgtable(dev, sgt, cpu_addr, handle, size):
    """drivers/base/dma-mapping.c: dma_common_get_sgtable() — one entry covering the buffer's pages."""
    from cmaport.include.linux.mm import virt_to_page
    from cmaport.include.linux.scatterlist import sg_alloc_table, sg_set_page

    page = virt_to_page(cpu_addr)

    ret = sg_alloc_table(sgt, 1, GFP_KERNEL)
    if ret:
        return ret

    sg_set_page(sgt.sgl[0], page, (size + 0xFFF) & ~0xFFF, 0)
    return 0


def dma_common_mmap(dev, vma, cpu_addr, dma_addr, size):
    """drivers/base/dma-mapping.c: dma_common_mmap() — map a coherent buffer to user space.

    The device's pool maps its own buffers; otherwise the buffer's linear-map pages are
    mapped, if the requested window fits the buffer.

    :return: 0 or an error (``-ENXIO`` when the window does not fit)
    """
    from cmaport.drivers.base.dma_coherent import dma_mmap_from_coherent
    from cmaport.include.linux.mm import page_to_pfn, virt_to_page
    from cmaport.mm.memory import remap_pfn_range, vma_pages

    ret = -ENXIO
    # (CONFIG_MMU, and ARM does not set CONFIG_ARCH_NO_COHERENT_DMA_MMAP)
    user_count = vma_pages(vma)
    count = ((size + 0xFFF) & ~0xFFF) >> _PAGE_SHIFT
    pfn = page_to_pfn(virt_to_page(cpu_addr)) & 0xFFFFFFFF
    off = vma.vm_pgoff

    vma.vm_page_prot = pgprot_noncached(vma.vm_page_prot)

    done, pool_ret = dma_mmap_from_coherent(dev, vma, cpu_addr, size)
    if done:
        return pool_ret

    if off < count and user_count <= (count - off):
        ret = remap_pfn_range(vma, vma.vm_start, pfn + off, user_count << _PAGE_SHIFT,
                              vma.vm_page_prot)

    return ret


def dma_common_pages_remap(pages, size, vm_flags, prot, caller):
    """drivers/base/dma-mapping.c: dma_common_pages_remap() — map ``pages`` in the vmalloc space.

    :return: the new kernel address, or ``None``
    """
    from cmaport.mm.vmalloc import get_vm_area_caller, map_vm_area, vunmap

    area = get_vm_area_caller(size, vm_flags, caller)
    if area is None:
        return None

    area.pages = pages

    if map_vm_area(area, prot, pages):
        vunmap(area.addr)
        return None

    return area.addr


def dma_common_contiguous_remap(page, size, vm_flags, prot, caller):
    """drivers/base/dma-mapping.c: dma_common_contiguous_remap() — remap a run of contiguous pages.

    The temporary page array is freed again after the mapping is made (the area keeps a
    pointer to it in C; the model keeps its own copy).
    """
    from cmaport.include.linux.mm import page_to_pfn, pfn_to_page

    # kmalloc(sizeof(struct page *) << get_order(size)) — Model: a Python list
    pfn = page_to_pfn(page)
    pages = [pfn_to_page(pfn + i) for i in range(size >> _PAGE_SHIFT)]

    ptr = dma_common_pages_remap(pages, size, vm_flags, prot, caller)

    # kfree(pages)
    return ptr


def dma_common_free_remap(cpu_addr, size, vm_flags):
    """drivers/base/dma-mapping.c: dma_common_free_remap() — undo a remap (WARN for an unknown area)."""
    from cmaport.mm.vmalloc import find_vm_area, unmap_kernel_range, vunmap

    area = find_vm_area(cpu_addr)

    if area is None or (area.flags & vm_flags) != vm_flags:
        WARN(1, "trying to free invalid coherent area: %p\n", cpu_addr, line=336)
        return

    unmap_kernel_range(cpu_addr, (size + 0xFFF) & ~0xFFF)
    vunmap(cpu_addr)
