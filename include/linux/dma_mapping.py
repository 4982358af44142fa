# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/dma-mapping.h: the generic DMA API (the v4.9 inline wrappers).

``dma_alloc_attrs`` first offers the request to the device's own coherent pool
(``dma_alloc_from_coherent``, drivers/base/dma_coherent.py): a pool that served it, or an
*exclusive* pool that could not, ends the call; otherwise the architecture's
``ops->alloc`` runs (on ARM ``arm_dma_alloc``: CMA, buddy pages or the atomic pool).
``dma_free_attrs`` likewise gives the buffer back to the pool first.

Model: output parameters are returned. ``dma_alloc_attrs(dev, size, gfp, attrs)``
returns ``(cpu_addr, dma_handle)`` (C: ``void *`` and ``*dma_handle``); ``cpu_addr`` is
``None`` for NULL and ``dma_handle`` ``None`` where C leaves it unset. ``struct
dma_map_ops`` methods take the C arguments without the output ones and return them the
same way: ``ops.alloc(dev, size, gfp, attrs) -> (cpu_addr, dma_handle)``.
"""

import attrs

from cmaport.include.linux.errno import EIO
from cmaport.kernel.panic import BUG_ON, WARN_ON

# include/linux/dma-mapping.h: DMA attributes
DMA_ATTR_WRITE_BARRIER = 1 << 0
DMA_ATTR_WEAK_ORDERING = 1 << 1
DMA_ATTR_WRITE_COMBINE = 1 << 2
DMA_ATTR_NON_CONSISTENT = 1 << 3
DMA_ATTR_NO_KERNEL_MAPPING = 1 << 4
DMA_ATTR_SKIP_CPU_SYNC = 1 << 5
DMA_ATTR_FORCE_CONTIGUOUS = 1 << 6
DMA_ATTR_ALLOC_SINGLE_PAGES = 1 << 7
DMA_ATTR_NO_WARN = 1 << 8

# include/linux/dma-mapping.h: flags of the coherent memory API
DMA_MEMORY_MAP = 0x01
DMA_MEMORY_IO = 0x02
DMA_MEMORY_INCLUDES_CHILDREN = 0x04
DMA_MEMORY_EXCLUSIVE = 0x08

DMA_MASK_NONE = 0x0

# include/linux/dma-direction.h
DMA_BIDIRECTIONAL = 0
DMA_TO_DEVICE = 1
DMA_FROM_DEVICE = 2
DMA_NONE = 3

_U64 = 0xFFFFFFFFFFFFFFFF


def DMA_BIT_MASK(n):
    """include/linux/dma-mapping.h: DMA_BIT_MASK() — the low ``n`` bits set (a u64)."""
    return _U64 if n == 64 else (1 << n) - 1


@attrs.frozen
class dma_map_ops:
    """include/linux/dma-mapping.h: struct dma_map_ops — an architecture's DMA operations.

    A field left ``None`` is a NULL method. The calling conventions of the model are in
    the module docstring.
    """

    alloc: object = None
    free: object = None
    mmap: object = None
    get_sgtable: object = None
    map_page: object = None
    unmap_page: object = None
    map_sg: object = None
    unmap_sg: object = None
    map_resource: object = None
    unmap_resource: object = None
    sync_single_for_cpu: object = None
    sync_single_for_device: object = None
    sync_sg_for_cpu: object = None
    sync_sg_for_device: object = None
    mapping_error: object = None
    dma_supported: object = None
    set_dma_mask: object = None
    is_phys: int = 0


def get_dma_ops(dev):
    """arch/arm/include/asm/dma-mapping.h: get_dma_ops() (included by dma-mapping.h)."""
    from cmaport.arch.arm.include.asm.dma_mapping import get_dma_ops as arm_get_dma_ops

    return arm_get_dma_ops(dev)


def valid_dma_direction(dma_direction):
    """include/linux/dma-mapping.h: valid_dma_direction()."""
    return dma_direction in (DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE)


def is_device_dma_capable(dev):
    """include/linux/dma-mapping.h: is_device_dma_capable() — a non-zero DMA mask."""
    return dev.dma_mask is not None and dev.dma_mask.get() != DMA_MASK_NONE


def arch_dma_alloc_attrs(dev, flag):
    """include/linux/dma-mapping.h: arch_dma_alloc_attrs() — ARM does not define it: true."""
    return True


def dma_alloc_attrs(dev, size, flag, attrs_):
    """include/linux/dma-mapping.h: dma_alloc_attrs() — the device's pool first, then the arch.

    :return: ``(cpu_addr, dma_handle)``
    """
    from cmaport.drivers.base.dma_coherent import dma_alloc_from_coherent

    ops = get_dma_ops(dev)

    BUG_ON(ops is None, "no dma_map_ops", line=457)

    ret, dma_handle, cpu_addr = dma_alloc_from_coherent(dev, size)
    if ret:
        return cpu_addr, dma_handle

    if not arch_dma_alloc_attrs(dev, flag):
        return None, dma_handle
    if not ops.alloc:
        return None, dma_handle

    cpu_addr, dma_handle = ops.alloc(dev, size, flag, attrs_)
    # (debug_dma_alloc_coherent: CONFIG_DMA_API_DEBUG is off)
    return cpu_addr, dma_handle


def dma_free_attrs(dev, size, cpu_addr, dma_handle, attrs_):
    """include/linux/dma-mapping.h: dma_free_attrs() — back to the device's pool, else to the arch."""
    from cmaport.drivers.base.dma_coherent import dma_release_from_coherent
    from cmaport.mm.page_alloc import get_order

    ops = get_dma_ops(dev)

    BUG_ON(ops is None, "no dma_map_ops", line=478)
    # Model: interrupts are never disabled in the model, so irqs_disabled() is false.
    WARN_ON(False, line=479)

    if dma_release_from_coherent(dev, get_order(size), cpu_addr):
        return

    if not ops.free or cpu_addr is None:
        return

    # (debug_dma_free_coherent: CONFIG_DMA_API_DEBUG is off)
    ops.free(dev, size, cpu_addr, dma_handle, attrs_)


def dma_alloc_coherent(dev, size, flag):
    """include/linux/dma-mapping.h: dma_alloc_coherent() — ``(cpu_addr, dma_handle)``."""
    return dma_alloc_attrs(dev, size, flag, 0)


def dma_free_coherent(dev, size, cpu_addr, dma_handle):
    """include/linux/dma-mapping.h: dma_free_coherent()."""
    return dma_free_attrs(dev, size, cpu_addr, dma_handle, 0)


def dma_alloc_noncoherent(dev, size, gfp):
    """include/linux/dma-mapping.h: dma_alloc_noncoherent() — DMA_ATTR_NON_CONSISTENT."""
    return dma_alloc_attrs(dev, size, gfp, DMA_ATTR_NON_CONSISTENT)


def dma_free_noncoherent(dev, size, cpu_addr, dma_handle):
    """include/linux/dma-mapping.h: dma_free_noncoherent()."""
    dma_free_attrs(dev, size, cpu_addr, dma_handle, DMA_ATTR_NON_CONSISTENT)


def dma_zalloc_coherent(dev, size, flag):
    """include/linux/dma-mapping.h: dma_zalloc_coherent() — with __GFP_ZERO."""
    from cmaport.include.linux.gfp import __GFP_ZERO

    return dma_alloc_coherent(dev, size, flag | __GFP_ZERO)


def dma_alloc_wc(dev, size, gfp):
    """include/linux/dma-mapping.h: dma_alloc_wc() — DMA_ATTR_WRITE_COMBINE."""
    return dma_alloc_attrs(dev, size, gfp, DMA_ATTR_WRITE_COMBINE)


dma_alloc_writecombine = dma_alloc_wc  # include/linux/dma-mapping.h


def dma_free_wc(dev, size, cpu_addr, dma_addr):
    """include/linux/dma-mapping.h: dma_free_wc()."""
    return dma_free_attrs(dev, size, cpu_addr, dma_addr, DMA_ATTR_WRITE_COMBINE)


dma_free_writecombine = dma_free_wc  # include/linux/dma-mapping.h


def dma_mmap_attrs(dev, vma, cpu_addr, dma_addr, size, attrs_):
    """include/linux/dma-mapping.h: dma_mmap_attrs() — the arch's mmap, else dma_common_mmap()."""
    from cmaport.drivers.base.dma_mapping import dma_common_mmap

    ops = get_dma_ops(dev)
    BUG_ON(ops is None, "no dma_map_ops", line=419)
    if ops.mmap:
        return ops.mmap(dev, vma, cpu_addr, dma_addr, size, attrs_)
    return dma_common_mmap(dev, vma, cpu_addr, dma_addr, size)


def dma_mmap_coherent(dev, vma, cpu_addr, dma_addr, size):
    """include/linux/dma-mapping.h: dma_mmap_coherent()."""
    return dma_mmap_attrs(dev, vma, cpu_addr, dma_addr, size, 0)


def dma_mmap_wc(dev, vma, cpu_addr, dma_addr, size):
    """include/linux/dma-mapping.h: dma_mmap_wc()."""
    return dma_mmap_attrs(dev, vma, cpu_addr, dma_addr, size, DMA_ATTR_WRITE_COMBINE)


def dma_get_sgtable_attrs(dev, sgt, cpu_addr, dma_addr, size, attrs_):
    """include/linux/dma-mapping.h: dma_get_sgtable_attrs()."""
    from cmaport.drivers.base.dma_mapping import dma_common_get_sgtable

    ops = get_dma_ops(dev)
    BUG_ON(ops is None, "no dma_map_ops", line=437)
    if ops.get_sgtable:
        return ops.get_sgtable(dev, sgt, cpu_addr, dma_addr, size, attrs_)
    return dma_common_get_sgtable(dev, sgt, cpu_addr, dma_addr, size)


def dma_get_sgtable(dev, sgt, cpu_addr, dma_addr, size):
    """include/linux/dma-mapping.h: dma_get_sgtable()."""
    return dma_get_sgtable_attrs(dev, sgt, cpu_addr, dma_addr, size, 0)


def dma_supported(dev, mask):
    """arch/arm/mm/dma-mapping.c: dma_supported() (HAVE_ARCH_DMA_SUPPORTED)."""
    from cmaport.arch.arm.mm.dma_mapping import dma_supported as arm_dma_supported

    return arm_dma_supported(dev, mask)


def dma_set_mask(dev, mask):
    """include/linux/dma-mapping.h: dma_set_mask() — the streaming mask, if the arch supports it.

    :return: 0, or ``-EIO``
    """
    ops = get_dma_ops(dev)

    if ops.set_dma_mask:
        return ops.set_dma_mask(dev, mask)

    if dev.dma_mask is None or not dma_supported(dev, mask):
        return -EIO
    dev.dma_mask.set(mask)
    return 0


def dma_get_mask(dev):
    """include/linux/dma-mapping.h: dma_get_mask() — 32 bits unless the device has a mask."""
    if dev is not None and dev.dma_mask is not None and dev.dma_mask.get():
        return dev.dma_mask.get()
    return DMA_BIT_MASK(32)


def dma_set_coherent_mask(dev, mask):
    """include/linux/dma-mapping.h: dma_set_coherent_mask() — 0, or ``-EIO`` if unsupported."""
    if not dma_supported(dev, mask):
        return -EIO
    dev.coherent_dma_mask = mask
    return 0


def dma_set_mask_and_coherent(dev, mask):
    """include/linux/dma-mapping.h: dma_set_mask_and_coherent() — both masks (the coherent one unchecked)."""
    rc = dma_set_mask(dev, mask)
    if rc == 0:
        dma_set_coherent_mask(dev, mask)
    return rc


def dma_coerce_mask_and_coherent(dev, mask):
    """include/linux/dma-mapping.h: dma_coerce_mask_and_coherent() — point dma_mask at the coherent mask first."""
    from cmaport.include.linux.device import field_ptr

    dev.dma_mask = field_ptr(dev, "coherent_dma_mask")
    return dma_set_mask_and_coherent(dev, mask)


def dma_max_pfn(dev):
    """include/linux/dma-mapping.h: dma_max_pfn() — ARM overrides it (through dma_to_pfn)."""
    from cmaport.arch.arm.include.asm.dma_mapping import dma_max_pfn as arm_dma_max_pfn

    return arm_dma_max_pfn(dev)


def dma_get_cache_alignment():
    """include/linux/dma-mapping.h: dma_get_cache_alignment() — ARCH_DMA_MINALIGN (L1 line, 64)."""
    return 64
