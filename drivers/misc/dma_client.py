# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: a generic DMA client — a device whose only job is to allocate DMA buffers.

There is no such driver in the kernel. It stands for "some driver that uses the DMA
API", so that tests (and later the CLI) can exercise coherent allocations on a device of
their choosing:

* a device-tree node with ``compatible = "cmaport,dma-client"`` (and optionally
  ``memory-region = <&pool>``) becomes a platform device at boot, and this driver binds
  it: the probe sets 32-bit DMA masks and, when the node has a ``memory-region``, attaches
  the region with ``of_reserved_mem_device_init`` (a ``shared-dma-pool`` region becomes the
  device's coherent pool), printing the kernel's ``assigned reserved memory node`` line;
* ``dma_client_create()`` registers a device without a node (platform device
  ``cmaport-dma-client.N.auto``), bound the same way by name.

``dma_client_alloc``/``dma_client_free`` call ``dma_alloc_coherent``/``dma_free_coherent``
on the device and keep a list of what is allocated (the driver data).
"""

import attrs

from cmaport.drivers.base.platform import (platform_device_alloc, platform_device_register,
                                           platform_driver_register)
from cmaport.include.linux.device import device_driver
from cmaport.include.linux.dma_mapping import (DMA_BIT_MASK, dma_alloc_coherent,
                                               dma_coerce_mask_and_coherent, dma_free_coherent)
from cmaport.include.linux.errno import ENODEV
from cmaport.include.linux.gfp import GFP_KERNEL
from cmaport.include.linux.init import module_init
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.platform_device import (PLATFORM_DEVID_AUTO, platform_driver,
                                                   platform_get_drvdata, platform_set_drvdata)

DRIVER_NAME = "cmaport-dma-client"


@attrs.define(slots=True, eq=False)
class dma_client_buffer:
    """Model-only: one buffer the client holds."""

    size: int
    cpu_addr: object
    dma_handle: int


@attrs.define(slots=True, eq=False)
class dma_client:
    """Model-only: the client's driver data."""

    pdev: object = None
    has_region: bool = False
    region_ret: int = 0  # what of_reserved_mem_device_init() returned (-ENODEV: none)
    buffers: list = attrs.Factory(list)


def dma_client_probe(pdev):
    """Model-only: bind a client: DMA masks, then the node's memory-region if it has one."""
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_device_init

    priv = dma_client(pdev=pdev)

    ret = dma_coerce_mask_and_coherent(pdev.dev, DMA_BIT_MASK(32))
    if ret:
        return ret

    if pdev.dev.of_node is not None:
        ret = of_reserved_mem_device_init(pdev.dev)
        priv.region_ret = ret
        if ret == 0:
            priv.has_region = True
        elif ret != -ENODEV:
            # a memory-region that cannot be attached is an error for this client
            return ret
    else:
        priv.region_ret = -ENODEV

    platform_set_drvdata(pdev, priv)
    return 0


def dma_client_remove(pdev):
    """Model-only: free what the client holds, then detach its region."""
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_device_release

    priv = platform_get_drvdata(pdev)
    for buf in list(priv.buffers):
        dma_client_free(pdev, buf)
    if priv.has_region:
        of_reserved_mem_device_release(pdev.dev)
    return 0


dma_client_of_match = (of_device_id(compatible="cmaport,dma-client"),)

dma_client_driver = platform_driver(
    driver=device_driver(name=DRIVER_NAME, of_match_table=dma_client_of_match),
    probe=dma_client_probe,
    remove=dma_client_remove,
)


@module_init
def dma_client_init():
    """Model-only: register the client driver (device level, like any module_init)."""
    return platform_driver_register(dma_client_driver)


def dma_client_create():
    """Model-only: register a client device without a device-tree node.

    :return: the ``platform_device`` (bound to the driver if it is registered), or an error
    """
    pdev = platform_device_alloc(DRIVER_NAME, PLATFORM_DEVID_AUTO)
    ret = platform_device_register(pdev)
    if ret:
        return ret
    return pdev


def dma_client_alloc(pdev, size, gfp=GFP_KERNEL):
    """Model-only: ``dma_alloc_coherent`` on the client; the buffer (or ``None``) is kept in its list."""
    priv = platform_get_drvdata(pdev)
    cpu_addr, dma_handle = dma_alloc_coherent(pdev.dev, size, gfp)
    if cpu_addr is None:
        return None
    buf = dma_client_buffer(size, cpu_addr, dma_handle)
    priv.buffers.append(buf)
    return buf


def dma_client_free(pdev, buf):
    """Model-only: ``dma_free_coherent`` of one of the client's buffers."""
    priv = platform_get_drvdata(pdev)
    dma_free_coherent(pdev.dev, buf.size, buf.cpu_addr, buf.dma_handle)
    priv.buffers.remove(buf)
