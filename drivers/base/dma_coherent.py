# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dma-coherent.c: per-device coherent memory pools (no ``pr_fmt``).

A pool is a physical range mapped once (``memremap(…, MEMREMAP_WC)`` for
DMA_MEMORY_MAP, else ``ioremap``) and handed out in naturally aligned power-of-two page
blocks from a bitmap (``bitmap_find_free_region``). ``dma_alloc_attrs`` asks the pool
first; when the pool cannot serve a request, ``dma_alloc_from_coherent`` returns the
pool's ``DMA_MEMORY_EXCLUSIVE`` flag: an exclusive pool makes the allocation fail (NULL),
a non-exclusive one lets it fall back to the architecture's allocator.

Device-tree pools: ``RESERVEDMEM_OF_DECLARE(dma, "shared-dma-pool", rmem_dma_setup)``
accepts a ``/reserved-memory`` region that is not ``reusable`` and, on ARM, is
``no-map``; the pool itself is created when the first device attaches
(``of_reserved_mem_device_init``), with the physical address as the device address and
DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE, and shared by every device attached later.

v4.9 facts kept: ``dma_declare_coherent_memory`` returns the flag it mapped with on
success and **0 on failure** (later kernels return 0 / -errno); the pool's device
address is the physical address (no ``dma_pfn_offset``); the lazily created pool is
never freed (``rmem_dma_device_release`` only detaches the device).

Model: ``mem->spinlock`` has nothing to serialise on one CPU; kzalloc of the structure
and the bitmap does not fail. Output parameters are returned (see each function).
"""

import attrs

from cmaport.arch.arm.include.asm.io import memset_io
from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SHIFT
from cmaport.drivers.of.of_reserved_mem import RESERVEDMEM_OF_DECLARE, reserved_mem_ops
from cmaport.include.linux.dma_mapping import (DMA_MEMORY_EXCLUSIVE, DMA_MEMORY_IO,
                                               DMA_MEMORY_MAP)
from cmaport.include.linux.errno import EBUSY, EINVAL, ENODEV, ENXIO, ERR_PTR
from cmaport.include.linux.pfn import PFN_DOWN
from cmaport.include.linux.sizes import SZ_1M
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.bitmap import (bitmap_alloc_zeroed, bitmap_allocate_region,
                                bitmap_find_free_region, bitmap_release_region)
from cmaport.lib.string import memset

_pr = pr_helpers("")  # no pr_fmt in this file
pr_err, pr_info = _pr.err, _pr.info

_DMA_ADDR_MASK = 0xFFFFFFFF  # dma_addr_t is 32-bit


def _s32(x):
    """Model-only: a value stored into a C ``int``."""
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


@attrs.define(slots=True, eq=False)
class dma_coherent_mem:
    """drivers/base/dma-coherent.c: struct dma_coherent_mem — one pool.

    ``virt_base`` is the CPU's mapping of the pool, ``device_base`` the address the
    device uses for its first byte, ``size`` the pool's length in **pages** (an ``int``),
    ``bitmap`` one bit per page.
    """

    virt_base: object = None
    device_base: int = 0
    pfn_base: int = 0
    size: int = 0
    flags: int = 0
    bitmap: object = None
    # Model: spinlock_t spinlock — one CPU, nothing to serialise.


def get_order(size):
    """include/asm-generic/getorder.h: get_order() (through mm/page_alloc.py)."""
    from cmaport.mm.page_alloc import get_order as _get_order

    return _get_order(size)


def dma_init_coherent_memory(phys_addr, device_addr, size, flags):
    """drivers/base/dma-coherent.c: dma_init_coherent_memory() — map a range and make a pool of it.

    Fails (false) without DMA_MEMORY_MAP or DMA_MEMORY_IO, for size 0, or when the range
    cannot be mapped; on failure everything done so far is undone.

    :return: ``(True, mem)`` or ``(False, None)`` (C: ``bool`` and ``*mem``)
    """
    from cmaport.arch.arm.mm.ioremap import ioremap, iounmap
    from cmaport.kernel.memremap import MEMREMAP_WC, memremap, memunmap

    dma_mem = None
    mem_base = None
    pages = _s32(size >> PAGE_SHIFT)

    # goto out: one exit path that undoes what was done
    def out():
        """drivers/base/dma-coherent.c: dma_init_coherent_memory()'s ``out:`` — unmap, fail."""
        if mem_base is not None:
            if flags & DMA_MEMORY_MAP:
                memunmap(mem_base)
            else:
                iounmap(mem_base)
        return False, None

    if (flags & (DMA_MEMORY_MAP | DMA_MEMORY_IO)) == 0:
        return out()
    if not size:
        return out()

    if flags & DMA_MEMORY_MAP:
        mem_base = memremap(phys_addr, size, MEMREMAP_WC)
    else:
        mem_base = ioremap(phys_addr, size)
    if mem_base is None:
        return out()

    # kzalloc() of the structure and of BITS_TO_LONGS(pages) longs
    dma_mem = dma_coherent_mem()
    dma_mem.bitmap = bitmap_alloc_zeroed(max(pages, 0))

    dma_mem.virt_base = mem_base
    dma_mem.device_base = device_addr & _DMA_ADDR_MASK
    dma_mem.pfn_base = PFN_DOWN(phys_addr)
    dma_mem.size = pages
    dma_mem.flags = flags

    return True, dma_mem


def dma_release_coherent_memory(mem):
    """drivers/base/dma-coherent.c: dma_release_coherent_memory() — unmap and free a pool."""
    from cmaport.arch.arm.mm.ioremap import iounmap
    from cmaport.kernel.memremap import memunmap

    if mem is None:
        return

    if mem.flags & DMA_MEMORY_MAP:
        memunmap(mem.virt_base)
    else:
        iounmap(mem.virt_base)
    # kfree(mem->bitmap); kfree(mem)
    mem.bitmap = None


def dma_assign_coherent_memory(dev, mem):
    """drivers/base/dma-coherent.c: dma_assign_coherent_memory() — give the device its pool.

    DMA_MEMORY_INCLUDES_CHILDREN is not looked at (v4.9 says so in the source).

    :return: 0, or ``-EBUSY`` when the device has a pool already
    """
    if dev.dma_mem is not None:
        return -EBUSY

    dev.dma_mem = mem

    return 0


def dma_declare_coherent_memory(dev, phys_addr, device_addr, size, flags):
    """drivers/base/dma-coherent.c: dma_declare_coherent_memory() — a pool for one device.

    :return: DMA_MEMORY_MAP or DMA_MEMORY_IO (how it was mapped) on success, **0** on
        failure (v4.9 convention)
    """
    ok, mem = dma_init_coherent_memory(phys_addr, device_addr, size, flags)
    if not ok:
        return 0

    if dma_assign_coherent_memory(dev, mem) == 0:
        return DMA_MEMORY_MAP if flags & DMA_MEMORY_MAP else DMA_MEMORY_IO

    dma_release_coherent_memory(mem)
    return 0


def dma_release_declared_memory(dev):
    """drivers/base/dma-coherent.c: dma_release_declared_memory() — free the device's pool."""
    mem = dev.dma_mem

    if mem is None:
        return
    dma_release_coherent_memory(mem)
    dev.dma_mem = None


def dma_mark_declared_memory_occupied(dev, device_addr, size):
    """drivers/base/dma-coherent.c: dma_mark_declared_memory_occupied() — reserve part of the pool.

    The block is the power-of-two page run that starts at ``device_addr``'s page (the
    size counts from the page start).

    :return: the CPU address of the block, or ``ERR_PTR(-EINVAL)`` (no pool) /
        ``ERR_PTR(-EBUSY)`` (taken)
    """
    mem = dev.dma_mem

    size += device_addr & ~PAGE_MASK & 0xFFF

    if mem is None:
        return ERR_PTR(-EINVAL)

    # Model: spin_lock_irqsave(&mem->spinlock) — one CPU, nothing to serialise.
    pos = _s32(((device_addr - mem.device_base) & _DMA_ADDR_MASK) >> PAGE_SHIFT)
    err = bitmap_allocate_region(mem.bitmap, pos, get_order(size))

    if err != 0:
        return ERR_PTR(err)
    return mem.virt_base + (pos << PAGE_SHIFT)


def dma_alloc_from_coherent(dev, size):
    """drivers/base/dma-coherent.c: dma_alloc_from_coherent() — a block from the device's pool.

    :return: ``(ret, dma_handle, vaddr)``. ``ret`` 0: the device has no pool, or its
        non-exclusive pool could not serve the request — go on with the generic allocator.
        ``ret`` non-zero: done; ``vaddr`` is the zeroed block, or ``None`` (NULL) when an
        exclusive pool could not serve it (``ret`` is then DMA_MEMORY_EXCLUSIVE).
        ``dma_handle``/``vaddr`` are ``None`` where C does not write them.
    """
    order = get_order(size)

    if dev is None:
        return 0, None, None
    mem = dev.dma_mem
    if mem is None:
        return 0, None, None

    ret = None  # *ret = NULL
    # Model: spin_lock_irqsave(&mem->spinlock) — one CPU, nothing to serialise.

    if size > (mem.size << PAGE_SHIFT):
        return _alloc_err(mem)

    pageno = bitmap_find_free_region(mem.bitmap, mem.size, order)
    if pageno < 0:
        return _alloc_err(mem)

    # the pool has room
    dma_handle = (mem.device_base + (pageno << PAGE_SHIFT)) & _DMA_ADDR_MASK
    ret = mem.virt_base + (pageno << PAGE_SHIFT)
    dma_memory_map = mem.flags & DMA_MEMORY_MAP
    if dma_memory_map:
        memset(ret, 0, size)
    else:
        memset_io(ret, 0, size)

    return 1, dma_handle, ret


def _alloc_err(mem):
    """Model-only: the ``err:`` label of dma_alloc_from_coherent().

    The generic allocator may take over only when the pool is not exclusive.
    """
    return mem.flags & DMA_MEMORY_EXCLUSIVE, None, None


def dma_release_from_coherent(dev, order, vaddr):
    """drivers/base/dma-coherent.c: dma_release_from_coherent() — give a block back to the pool.

    :return: 1 when ``vaddr`` lies in the device's pool (the 2^order pages at its page
        are released), else 0 (not from the pool: the caller frees it elsewhere)
    """
    mem = dev.dma_mem if dev is not None else None

    # Model: a NULL vaddr (None) lies below every mapping, as in C's comparison.
    if (mem is not None and vaddr is not None and vaddr >= mem.virt_base
            and vaddr < (mem.virt_base + (mem.size << PAGE_SHIFT))):
        page = _s32((vaddr - mem.virt_base) >> PAGE_SHIFT)

        # Model: spin_lock_irqsave(&mem->spinlock) — one CPU, nothing to serialise.
        bitmap_release_region(mem.bitmap, page, order)
        return 1
    return 0


def dma_mmap_from_coherent(dev, vma, vaddr, size):
    """drivers/base/dma-coherent.c: dma_mmap_from_coherent() — map a pool block to user space.

    :return: ``(1, err)`` when the buffer is in the pool (``err`` is remap_pfn_range()'s
        result, or ``-ENXIO`` when the requested window does not fit the buffer),
        ``(0, None)`` when it is not (the caller maps it itself)
    """
    from cmaport.mm.memory import remap_pfn_range, vma_pages

    mem = dev.dma_mem if dev is not None else None

    if (mem is not None and vaddr is not None and vaddr >= mem.virt_base
            and vaddr + size <= (mem.virt_base + (mem.size << PAGE_SHIFT))):
        off = vma.vm_pgoff
        start = _s32((vaddr - mem.virt_base) >> PAGE_SHIFT)
        user_count = _s32(vma_pages(vma))
        count = _s32(((size + 0xFFF) & ~0xFFF) >> PAGE_SHIFT)

        ret = -ENXIO
        if off < count and user_count <= count - off:
            pfn = mem.pfn_base + start + off
            # Model: remap_pfn_range() records the mapping on the vma (no page tables).
            ret = remap_pfn_range(vma, vma.vm_start, pfn, user_count << PAGE_SHIFT,
                                  vma.vm_page_prot)
        return 1, ret
    return 0, None


# -- reserved memory regions from the device tree (CONFIG_OF_RESERVED_MEM) --------------

def rmem_dma_device_init(rmem, dev):
    """drivers/base/dma-coherent.c: rmem_dma_device_init() — attach a device to a DT pool.

    The pool is created by the first device (and kept in ``rmem->priv``); every device
    attached later shares it. The result of dma_assign_coherent_memory() is ignored, so a
    device that has a pool already keeps it and still "succeeds".

    :return: 0, or ``-ENODEV`` when the pool cannot be created
    """
    mem = rmem.priv

    if mem is None:
        ok, mem = dma_init_coherent_memory(rmem.base, rmem.base, rmem.size,
                                           DMA_MEMORY_MAP | DMA_MEMORY_EXCLUSIVE)
        if not ok:
            pr_err("Reserved memory: failed to init DMA memory pool at %pa, size %ld MiB\n",
                   rmem.base, (rmem.size & 0xFFFFFFFF) // SZ_1M)
            return -ENODEV
    rmem.priv = mem
    dma_assign_coherent_memory(dev, mem)
    return 0


def rmem_dma_device_release(rmem, dev):
    """drivers/base/dma-coherent.c: rmem_dma_device_release() — detach the device (the pool stays)."""
    dev.dma_mem = None


# drivers/base/dma-coherent.c: static const struct reserved_mem_ops rmem_dma_ops
rmem_dma_ops = reserved_mem_ops(device_init=rmem_dma_device_init,
                                device_release=rmem_dma_device_release)


@RESERVEDMEM_OF_DECLARE("shared-dma-pool", name="dma")
def rmem_dma_setup(rmem):
    """drivers/base/dma-coherent.c: rmem_dma_setup() — accept a ``shared-dma-pool`` region as a DMA pool.

    ``reusable`` regions are CMA's (refused silently); on ARM a region without
    ``no-map`` is refused with a message, because the pool's write-combining mapping
    must not alias the kernel's cached mapping of the same RAM.

    :return: 0, or ``-EINVAL``
    """
    from cmaport.drivers.of.fdt import of_get_flat_dt_prop

    node = rmem.fdt_node

    if of_get_flat_dt_prop(node, "reusable")[0] is not None:
        return -EINVAL

    if IS_ENABLED("CONFIG_ARM"):
        if of_get_flat_dt_prop(node, "no-map")[0] is None:
            pr_err("Reserved memory: regions without no-map are not yet supported\n")
            return -EINVAL

    rmem.ops = rmem_dma_ops
    pr_info("Reserved memory: created DMA memory pool at %pa, size %ld MiB\n",
            rmem.base, (rmem.size & 0xFFFFFFFF) // SZ_1M)
    return 0
