# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/dma-mapping.h: ARM's side of the DMA API header.

``get_dma_ops`` gives a device's DMA operations: the ones ``arch_setup_dma_ops`` stored
in ``dev->archdata.dma_ops``, else ``arm_dma_ops`` (arch/arm/mm/dma_mapping.py). The
pfn/bus conversions apply the device's ``dma_pfn_offset`` (a bus address is a physical
address on the machines the model has: ``__pfn_to_bus`` is ``__pfn_to_phys``).

Model: the Xen initial domain's ops are never chosen (no Xen). ``dma_addr_t`` is 32-bit
(multi_v7_defconfig selects neither LPAE nor Xen).
"""

from cmaport.arch.arm.include.asm.memory import __phys_to_pfn, __pfn_to_phys, __phys_to_virt
from cmaport.arch.arm.include.asm.page import PAGE_MASK
from cmaport.kernel.panic import BUG_ON

DMA_ERROR_CODE = 0xFFFFFFFF  # (~(dma_addr_t)0x0)

_DMA_ADDR_MASK = 0xFFFFFFFF


def __generic_dma_ops(dev):
    """arch/arm/include/asm/dma-mapping.h: __generic_dma_ops() — the device's ops, else arm_dma_ops."""
    from cmaport.arch.arm.mm.dma_mapping import arm_dma_ops

    if dev is not None and dev.archdata.dma_ops is not None:
        return dev.archdata.dma_ops
    return arm_dma_ops


def get_dma_ops(dev):
    """arch/arm/include/asm/dma-mapping.h: get_dma_ops() — (no Xen) __generic_dma_ops()."""
    return __generic_dma_ops(dev)


def set_dma_ops(dev, ops):
    """arch/arm/include/asm/dma-mapping.h: set_dma_ops()."""
    BUG_ON(dev is None, "no device", line=36)
    dev.archdata.dma_ops = ops


def pfn_to_dma(dev, pfn):
    """arch/arm/include/asm/dma-mapping.h: pfn_to_dma() — less the device's pfn offset."""
    if dev is not None:
        pfn = (pfn - dev.dma_pfn_offset) & 0xFFFFFFFF
    return __pfn_to_phys(pfn) & _DMA_ADDR_MASK


def dma_to_pfn(dev, addr):
    """arch/arm/include/asm/dma-mapping.h: dma_to_pfn() — plus the device's pfn offset."""
    pfn = __phys_to_pfn(addr & _DMA_ADDR_MASK)

    if dev is not None:
        pfn = (pfn + dev.dma_pfn_offset) & 0xFFFFFFFF

    return pfn


def dma_to_virt(dev, addr):
    """arch/arm/include/asm/dma-mapping.h: dma_to_virt() — the linear-map address of a DMA address."""
    if dev is not None:
        pfn = dma_to_pfn(dev, addr)

        return __phys_to_virt(__pfn_to_phys(pfn))

    return __phys_to_virt(addr)


def virt_to_dma(dev, addr):
    """arch/arm/include/asm/dma-mapping.h: virt_to_dma()."""
    from cmaport.arch.arm.include.asm.memory import __virt_to_phys

    if dev is not None:
        return pfn_to_dma(dev, __virt_to_phys(addr) >> 12)

    return __virt_to_phys(addr)


def dma_max_pfn(dev):
    """arch/arm/include/asm/dma-mapping.h: dma_max_pfn() — ARM's: through dma_to_pfn()."""
    return dma_to_pfn(dev, dev.dma_mask.get())


def is_device_dma_coherent(dev):
    """arch/arm/include/asm/dma-mapping.h: is_device_dma_coherent()."""
    return dev.archdata.dma_coherent


def phys_to_dma(dev, paddr):
    """arch/arm/include/asm/dma-mapping.h: phys_to_dma()."""
    offset = paddr & ~PAGE_MASK & 0xFFF
    return (pfn_to_dma(dev, __phys_to_pfn(paddr)) + offset) & _DMA_ADDR_MASK


def dma_to_phys(dev, dev_addr):
    """arch/arm/include/asm/dma-mapping.h: dma_to_phys()."""
    offset = dev_addr & ~PAGE_MASK & 0xFFF
    return (__pfn_to_phys(dma_to_pfn(dev, dev_addr)) + offset) & 0xFFFFFFFF
