# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/device.h: ARM's additions to ``struct device``.

``dma_ops`` is the device's ``struct dma_map_ops`` (set by ``arch_setup_dma_ops``;
``None`` means ``arm_dma_ops``), ``dma_coherent`` whether the device snoops the CPU
caches (the device tree's ``dma-coherent``). Without CONFIG_DMABOUNCE, CONFIG_IOMMU_API
users and CONFIG_ARM_DMA_USE_IOMMU the other fields do not exist.
"""

import attrs


@attrs.define(slots=True, eq=False)
class dev_archdata:
    """arch/arm/include/asm/device.h: struct dev_archdata."""

    dma_ops: object = None
    iommu: object = None
    dma_coherent: bool = False


@attrs.define(slots=True, eq=False)
class pdev_archdata:
    """arch/arm/include/asm/device.h: struct pdev_archdata (empty without ARCH_OMAP)."""
