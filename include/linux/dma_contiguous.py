# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/dma-contiguous.h: the DMA side of CMA (CONFIG_DMA_CMA).

``dev_get_cma_area(dev)`` is the device's own area (set from a device-tree
``memory-region`` or ``dma_declare_contiguous``), else the default area
(``dma_contiguous_default_area``, drivers/base/dma_contiguous.py); a NULL device means the
default area. Without CONFIG_DMA_CMA the header's stubs apply: no area, allocations give
NULL, ``dma_declare_contiguous`` is ``-ENOSYS``.

``dma_alloc_from_contiguous``/``dma_release_from_contiguous`` here are the model's
dispatch between the extern functions of drivers/base/dma-contiguous.c (with DMA_CMA)
and the header's stubs; they are not kernel frames (``model_only_frame``), so WARN
backtraces go straight from the caller to the drivers/ function.

Device-tree default pools: v4.9 knows only ``linux,cma-default`` (on a ``reusable``
``shared-dma-pool``, taken by rmem_cma_setup). ``linux,dma-default`` (a default
coherent pool from a ``no-map`` ``shared-dma-pool``, dma_coherent_default_memory) does
not exist in v4.9 — it came later (v4.15) — so rmem_dma_setup ignores the property and
such a pool serves only the devices whose ``memory-region`` points at it.
"""

from cmaport.include.linux.errno import ENOSYS
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.panic import model_only_frame


def dev_get_cma_area(dev):
    """include/linux/dma-contiguous.h: dev_get_cma_area() — the device's area, else the default."""
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_c

    if not IS_ENABLED("CONFIG_DMA_CMA"):
        return None
    if dev is not None and dev.cma_area is not None:
        return dev.cma_area
    return dma_contiguous_c.get().dma_contiguous_default_area


def dev_set_cma_area(dev, cma):
    """include/linux/dma-contiguous.h: dev_set_cma_area() — give the device its own area."""
    if dev is not None and IS_ENABLED("CONFIG_DMA_CMA"):
        dev.cma_area = cma


def dma_contiguous_set_default(cma):
    """include/linux/dma-contiguous.h: dma_contiguous_set_default() — make ``cma`` the default area."""
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_c

    if IS_ENABLED("CONFIG_DMA_CMA"):
        dma_contiguous_c.get().dma_contiguous_default_area = cma


def dma_declare_contiguous(dev, size, base, limit):
    """include/linux/dma-contiguous.h: dma_declare_contiguous() — a fixed area for one device.

    :return: 0, or the error of dma_contiguous_reserve_area() (``-ENOSYS`` without DMA_CMA)
    """
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_reserve_area

    if not IS_ENABLED("CONFIG_DMA_CMA"):
        return -ENOSYS
    ret, cma = dma_contiguous_reserve_area(size, base, limit, True)
    if ret == 0:
        dev_set_cma_area(dev, cma)
    return ret


@model_only_frame
def dma_alloc_from_contiguous(dev, count, order):
    """include/linux/dma-contiguous.h: dma_alloc_from_contiguous() (drivers/base/dma-contiguous.c)."""
    from cmaport.drivers.base import dma_contiguous

    if not IS_ENABLED("CONFIG_DMA_CMA"):
        return None
    return dma_contiguous.dma_alloc_from_contiguous(dev, count, order)


@model_only_frame
def dma_release_from_contiguous(dev, pages, count):
    """include/linux/dma-contiguous.h: dma_release_from_contiguous() (drivers/base/dma-contiguous.c)."""
    from cmaport.drivers.base import dma_contiguous

    if not IS_ENABLED("CONFIG_DMA_CMA"):
        return False
    return dma_contiguous.dma_release_from_contiguous(dev, pages, count)
