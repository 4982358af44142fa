# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/dma-mapping.c: ARM's DMA operations (the device set-up part so far).

Here: ``arch_setup_dma_ops`` (every device made from the device tree gets
``arm_coherent_dma_ops`` or ``arm_dma_ops`` depending on ``dma-coherent``), the teardown,
and ``dma_supported`` (does a mask cover the DMA zone?).

The allocator side — ``arm_dma_alloc``/``arm_coherent_dma_alloc`` and ``__dma_alloc``
(CMA, buddy pages remapped, the atomic pool), ``arm_dma_free``, ``arm_dma_mmap``,
``arm_dma_get_sgtable``, the streaming map/unmap/sync operations, ``atomic_pool_init``
and ``dma_contiguous_remap`` — comes with the CMA/ARM DMA work: see the STUB section
below. Until then ``ops->alloc`` is NULL, so ``dma_alloc_attrs`` returns NULL for a
device without its own coherent pool.

Model: there is no IOMMU (CONFIG_ARM_DMA_USE_IOMMU is off): ``arm_setup_iommu_dma_ops``
is the stub that returns false.
"""

from cmaport.arch.arm.include.asm.dma_mapping import dma_to_pfn, set_dma_ops
from cmaport.include.linux.dma_mapping import dma_map_ops

_DMA_ADDR_MAX = 0xFFFFFFFF  # (dma_addr_t)~0: 32-bit dma_addr_t


# ======================================================================================
# STUB — ops->alloc comes with the CMA/ARM DMA work.
#
# v4.9 fills arm_dma_ops with arm_dma_alloc, arm_dma_free, arm_dma_mmap,
# arm_dma_get_sgtable, arm_dma_map_page, arm_dma_unmap_page, arm_dma_map_sg,
# arm_dma_unmap_sg and the four sync operations; arm_coherent_dma_ops with
# arm_coherent_dma_alloc, arm_coherent_dma_free, arm_coherent_dma_mmap,
# arm_dma_get_sgtable, arm_coherent_dma_map_page, arm_dma_map_sg. Those need the page
# allocator and CMA; until they are ported every method here is NULL (None), so:
#   * dma_alloc_attrs() returns NULL once the device's own pool (if any) declined;
#   * dma_free_attrs() does nothing for memory not from the device's pool;
#   * dma_mmap_attrs()/dma_get_sgtable_attrs() fall back to the dma_common_* helpers.
# Convention for the methods to come (include/linux/dma_mapping.py):
#   alloc(dev, size, gfp, attrs) -> (cpu_addr, dma_handle)
#   free(dev, size, cpu_addr, dma_handle, attrs)
#   mmap(dev, vma, cpu_addr, dma_addr, size, attrs) -> int
#   get_sgtable(dev, sgt, cpu_addr, handle, size, attrs) -> int
# ======================================================================================

arm_dma_ops = dma_map_ops()
"""arch/arm/mm/dma-mapping.c: arm_dma_ops — for devices that do not snoop the caches (STUB)."""

arm_coherent_dma_ops = dma_map_ops()
"""arch/arm/mm/dma-mapping.c: arm_coherent_dma_ops — for cache-coherent devices (STUB)."""

# ====================================================================================== END STUB


def __dma_supported(dev, mask, warn):
    """arch/arm/mm/dma-mapping.c: __dma_supported() — does ``mask`` reach all of the DMA zone?

    A mask wider than ``dma_addr_t`` is refused when there is memory it could not reach;
    a mask whose last pfn lies below the DMA zone's end (``min(max_pfn,
    arm_dma_pfn_limit)``) is refused too.
    """
    from cmaport.arch.arm.mm.init import init_c
    from cmaport.drivers.base.core import dev_warn
    from cmaport.mm.nobootmem import nobootmem_c

    max_pfn = nobootmem_c.get().max_pfn

    # sizeof(mask) (u64) != sizeof(dma_addr_t) (u32): a mask beyond 32 bits cannot be
    # honoured when there is memory above what dma_addr_t can hold
    if mask > _DMA_ADDR_MAX and dma_to_pfn(dev, _DMA_ADDR_MAX) < max_pfn - 1:
        if warn:
            dev_warn(dev, "Coherent DMA mask %#llx is larger than dma_addr_t allows\n", mask)
            dev_warn(dev, "Driver did not use or check the return value from dma_set_coherent_mask()?\n")
        return 0

    max_dma_pfn = min(max_pfn, init_c.get().arm_dma_pfn_limit)

    # the mask as a pfn limit (the page it points into can still be used)
    if dma_to_pfn(dev, mask & _DMA_ADDR_MAX) < max_dma_pfn:
        if warn:
            dev_warn(dev, "Coherent DMA mask %#llx (pfn %#lx-%#lx) covers a smaller range of "
                     "system memory than the DMA zone pfn 0x0-%#lx\n",
                     mask, dma_to_pfn(dev, 0), dma_to_pfn(dev, mask & _DMA_ADDR_MAX) + 1,
                     max_dma_pfn + 1)
        return 0

    return 1


def dma_supported(dev, mask):
    """arch/arm/mm/dma-mapping.c: dma_supported() — __dma_supported() without warnings."""
    return __dma_supported(dev, mask, False)


def arm_get_dma_map_ops(coherent):
    """arch/arm/mm/dma-mapping.c: arm_get_dma_map_ops()."""
    return arm_coherent_dma_ops if coherent else arm_dma_ops


def arm_setup_iommu_dma_ops(dev, dma_base, size, iommu):
    """arch/arm/mm/dma-mapping.c: arm_setup_iommu_dma_ops() — !CONFIG_ARM_DMA_USE_IOMMU: false."""
    return False


def arm_teardown_iommu_dma_ops(dev):
    """arch/arm/mm/dma-mapping.c: arm_teardown_iommu_dma_ops() — nothing without the IOMMU path."""
    return None


def arch_setup_dma_ops(dev, dma_base, size, iommu, coherent):
    """arch/arm/mm/dma-mapping.c: arch_setup_dma_ops() — pick the device's DMA operations."""
    dev.archdata.dma_coherent = coherent
    if arm_setup_iommu_dma_ops(dev, dma_base, size, iommu):
        dma_ops = None  # arm_get_iommu_dma_map_ops(coherent): not reachable without the IOMMU
    else:
        dma_ops = arm_get_dma_map_ops(coherent)

    set_dma_ops(dev, dma_ops)


def arch_teardown_dma_ops(dev):
    """arch/arm/mm/dma-mapping.c: arch_teardown_dma_ops()."""
    arm_teardown_iommu_dma_ops(dev)
