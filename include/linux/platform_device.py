# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/platform_device.h: ``struct platform_device`` and ``struct platform_driver``.

Model: ``to_platform_device``/``to_platform_driver`` (``container_of``) follow the
``container`` back-link that the embedding structure sets on its ``device`` /
``device_driver``.
"""

import attrs

from cmaport.arch.arm.include.asm.device import pdev_archdata
from cmaport.include.linux.device import device, device_driver

PLATFORM_DEVID_NONE = -1
PLATFORM_DEVID_AUTO = -2


@attrs.define(slots=True, eq=False)
class platform_device:
    """include/linux/platform_device.h: struct platform_device.

    ``resource`` is the list of its ``struct resource`` (``num_resources`` of them).
    ``periphid`` is model-only: the PrimeCell peripheral ID of a device that v4.9 would
    have created on the AMBA bus (see drivers/of/platform.py); 0 for others.
    """

    name: str = None
    id: int = 0
    id_auto: bool = False
    dev: device = attrs.Factory(device)
    num_resources: int = 0
    resource: list = attrs.Factory(list)
    id_entry: object = None
    driver_override: str = None
    archdata: pdev_archdata = attrs.Factory(pdev_archdata)
    periphid: int = 0

    def __attrs_post_init__(self):
        self.dev.container = self

    def __repr__(self):
        return f"<platform_device {self.dev.kobj_name or self.name}>"


@attrs.define(slots=True, eq=False)
class platform_driver:
    """include/linux/platform_device.h: struct platform_driver.

    ``probe(pdev)`` → 0 or an error; ``remove(pdev)``.
    """

    probe: object = None
    remove: object = None
    shutdown: object = None
    driver: device_driver = attrs.Factory(device_driver)
    id_table: tuple = None
    prevent_deferred_probe: bool = False

    def __attrs_post_init__(self):
        self.driver.container = self

    def __repr__(self):
        return f"<platform_driver {self.driver.name}>"


def to_platform_device(dev):
    """include/linux/platform_device.h: to_platform_device() — container_of(dev)."""
    return dev.container


def to_platform_driver(drv):
    """include/linux/platform_device.h: to_platform_driver() — container_of(drv)."""
    return drv.container


def platform_get_drvdata(pdev):
    """include/linux/platform_device.h: platform_get_drvdata()."""
    return pdev.dev.driver_data


def platform_set_drvdata(pdev, data):
    """include/linux/platform_device.h: platform_set_drvdata()."""
    pdev.dev.driver_data = data
