# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/device.c: devices made from device-tree nodes (and their DMA set-up).

``of_dma_configure`` gives every device created from the tree its DMA parameters: a
32-bit coherent mask unless the driver set one, ``dma_mask`` pointing at it, the
``dma-ranges`` offset, and the architecture's DMA operations (coherent or not, from
``dma-coherent``).
"""

from cmaport.drivers.base.core import dev_dbg, dev_err, dev_warn, device_add, device_initialize
from cmaport.drivers.of.address import of_dma_get_range, of_dma_is_coherent
from cmaport.drivers.of.base import of_match_node
from cmaport.include.linux.device import dev_name, field_ptr, set_dev_node
from cmaport.include.linux.dma_mapping import DMA_BIT_MASK
from cmaport.include.linux.pfn import PFN_DOWN
from cmaport.kernel.panic import BUG_ON

_U64 = 0xFFFFFFFFFFFFFFFF


def ilog2(n):
    """include/linux/log2.h: ilog2() — the index of the highest set bit."""
    return n.bit_length() - 1


def of_match_device(matches, dev):
    """drivers/of/device.c: of_match_device() — the entry of ``matches`` the device's node fits best."""
    if not matches or dev.of_node is None:
        return None
    return of_match_node(matches, dev.of_node)


def of_driver_match_device(dev, drv):
    """include/linux/of_device.h: of_driver_match_device() — does the driver's OF table fit?"""
    return of_match_device(drv.of_match_table, dev) is not None


def of_device_get_match_data(dev):
    """drivers/of/device.c: of_device_get_match_data() — ``data`` of the matching entry."""
    match = of_match_device(dev.driver.of_match_table, dev)
    if match is None:
        return None

    return match.data


def of_dev_get(dev):
    """drivers/of/device.c: of_dev_get() — Model: no reference counts."""
    return dev


def of_dev_put(dev):
    """drivers/of/device.c: of_dev_put() — Model: no reference counts."""
    return None


def of_device_add(ofdev):
    """drivers/of/device.c: of_device_add() — add a platform device made from a node.

    The platform name is the device name and the id -1, so the platform bus matches it
    sensibly; the device goes in with device_add() (its resources are *not* inserted in
    the resource tree, unlike platform_device_add()).
    """
    BUG_ON(ofdev.dev.of_node is None, "no device node", line=56)

    # name and id, for the platform bus's matching
    ofdev.name = dev_name(ofdev.dev)
    ofdev.id = -1

    # (of_node_to_nid(): no NUMA)
    set_dev_node(ofdev.dev, -1)

    return device_add(ofdev.dev)


def of_device_register(pdev):
    """drivers/of/device.c: of_device_register()."""
    device_initialize(pdev.dev)
    return of_device_add(pdev)


def of_device_unregister(ofdev):
    """drivers/of/device.c: of_device_unregister()."""
    from cmaport.drivers.base.core import device_unregister

    device_unregister(ofdev.dev)


def of_dma_configure(dev, np):
    """drivers/of/device.c: of_dma_configure() — DMA masks, offset and operations from the tree.

    The coherent mask defaults to 32 bits; ``dma_mask`` then points at it. With a
    ``dma-ranges`` above the node the offset between CPU and DMA addresses and the range's
    size limit the masks; then the arch sets up its DMA operations.
    """
    from cmaport.arch.arm.mm.dma_mapping import arch_setup_dma_ops

    # drivers set their own mask; 32 bits until then
    if not dev.coherent_dma_mask:
        dev.coherent_dma_mask = DMA_BIT_MASK(32)

    # the streaming mask follows the coherent one unless the arch set it
    if dev.dma_mask is None:
        dev.dma_mask = field_ptr(dev, "coherent_dma_mask")

    ret, dma_addr, paddr, size = of_dma_get_range(np)
    if ret < 0:
        dma_addr = offset = 0
        size = (dev.coherent_dma_mask + 1) & _U64
    else:
        offset = PFN_DOWN((paddr - dma_addr) & _U64) & 0xFFFFFFFF

        # a size given as a mask (odd): one more
        if size & 1:
            dev_warn(dev, "Invalid size 0x%llx for dma-range\n", size)
            size = (size + 1) & _U64

        if not size:
            dev_err(dev, "Adjusted size 0x%llx invalid\n", size)
            return
        dev_dbg(dev, "dma_pfn_offset(%#08lx)\n", offset)

    dev.dma_pfn_offset = offset

    # both masks are limited by the range (and by what the driver chose)
    # Model: for a 2^64 size (a 64-bit mask + 1 wraps to 0 in C's u64), ilog2(0) is
    # undefined; the port's arithmetic keeps it at 0 bits like the wrapped value.
    limit = DMA_BIT_MASK(ilog2((dma_addr + size) & _U64)) if (dma_addr + size) & _U64 else 0
    dev.coherent_dma_mask = min(dev.coherent_dma_mask, limit)
    dev.dma_mask.set(min(dev.dma_mask.get(), limit))

    coherent = of_dma_is_coherent(np)
    dev_dbg(dev, "device is%sdma coherent\n", " " if coherent else " not ")

    # (of_iommu_configure: no IOMMU in the model)
    iommu = None
    dev_dbg(dev, "device is%sbehind an iommu\n", " " if iommu else " not ")

    arch_setup_dma_ops(dev, dma_addr, size, iommu, coherent)
