# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/device.h: ``struct device``, ``struct device_driver``, ``struct bus_type``.

The driver core's functions are in drivers/base/ (core.py, bus.py, dd.py, driver.py,
devres.py); the structures and the inline accessors are here.

Model:

* Only the fields the model reads are kept. The kobject of a device is reduced to its
  name (``kobj_name``) and whether it is in sysfs (``kobj_in_sysfs``: set by device_add,
  which is what ``device_is_registered`` tests).
* ``container`` stands for ``container_of()``: the structure that embeds this device
  (a ``platform_device``), set by whoever embeds it.
* A C pointer to a ``u64`` (``dev->dma_mask``, usually ``&dev->coherent_dma_mask``) is a
  ``field_ptr``: writes through it land in the field it points at, as in C.
* ``struct bus_type`` and ``struct device_driver`` are static structures in C that the
  core fills in at registration (``bus->p``, ``drv->p``). The port keeps those runtime
  parts per machine (drivers/base/bus.py), so the structures themselves stay constant.
* The lists (``klist``) are Python lists in insertion order.
"""

import attrs

from cmaport.arch.arm.include.asm.device import dev_archdata

NUMA_NO_NODE = -1


@attrs.define(slots=True, eq=False)
class field_ptr:
    """Model-only: a C pointer to a field of a structure (``&dev->coherent_dma_mask``)."""

    obj: object
    attr: str

    def get(self):
        """Model-only: ``*p`` — read the field."""
        return getattr(self.obj, self.attr)

    def set(self, value):
        """Model-only: ``*p = value`` — write the field."""
        setattr(self.obj, self.attr, value)


@attrs.define(slots=True, eq=False)
class device_dma_parameters:
    """include/linux/device.h: struct device_dma_parameters."""

    max_segment_size: int = 0
    segment_boundary_mask: int = 0


@attrs.define(slots=True, eq=False)
class device_private:
    """drivers/base/base.h: struct device_private — the core's own part of a device."""

    children: list = attrs.Factory(list)  # klist_children (devices whose parent this is)
    device: object = None


@attrs.define(slots=True, eq=False)
class device:
    """include/linux/device.h: struct device — the fields the model uses.

    ``dma_mem`` is the per-device coherent pool (drivers/base/dma_coherent.py),
    ``cma_area`` the per-device CMA area (drivers/base/dma_contiguous.py), ``archdata``
    ARM's ``struct dev_archdata`` (``dma_ops``, ``dma_coherent``), ``devres_head`` the
    managed resources (drivers/base/devres.py), newest last.
    """

    parent: object = None
    p: object = None
    kobj_name: str = None
    kobj_in_sysfs: bool = False
    init_name: str = None
    type: object = None
    bus: object = None
    driver: object = None
    platform_data: object = None
    driver_data: object = None
    numa_node: int = NUMA_NO_NODE
    dma_mask: object = None
    coherent_dma_mask: int = 0
    dma_pfn_offset: int = 0
    dma_parms: object = None
    dma_mem: object = None
    cma_area: object = None
    archdata: dev_archdata = attrs.Factory(dev_archdata)
    of_node: object = None
    fwnode: object = None
    devt: int = 0
    id: int = 0
    devres_head: list = attrs.Factory(list)
    class_: object = None
    release: object = None
    container: object = None

    def __repr__(self):
        name = self.init_name if self.init_name else self.kobj_name
        return f"<device {name}>"


@attrs.define(slots=True, eq=False)
class device_driver:
    """include/linux/device.h: struct device_driver (the fields the model uses).

    ``of_match_table`` is a tuple of ``of_device_id``. ``container`` stands for
    ``container_of()`` (the ``platform_driver`` that embeds it).
    """

    name: str = None
    bus: object = None
    owner: object = None
    suppress_bind_attrs: bool = False
    probe_type: int = 0
    of_match_table: tuple = None
    acpi_match_table: tuple = None
    probe: object = None
    remove: object = None
    shutdown: object = None
    container: object = None

    def __repr__(self):
        return f"<device_driver {self.name}>"


@attrs.define(slots=True, eq=False)
class bus_type:
    """include/linux/device.h: struct bus_type (its runtime part ``p`` is per machine)."""

    name: str = None
    dev_name: str = None
    match: object = None
    probe: object = None
    remove: object = None
    shutdown: object = None

    def __repr__(self):
        return f"<bus_type {self.name}>"


@attrs.define(slots=True, eq=False)
class subsys_private:
    """drivers/base/base.h: struct subsys_private — a registered bus's lists."""

    klist_devices: list = attrs.Factory(list)
    klist_drivers: list = attrs.Factory(list)
    drivers_autoprobe: int = 1
    bus: object = None


@attrs.define(slots=True, eq=False)
class driver_private:
    """drivers/base/base.h: struct driver_private — a registered driver's bound devices."""

    klist_devices: list = attrs.Factory(list)
    driver: object = None


# include/linux/device.h: enum probe_type
PROBE_DEFAULT_STRATEGY = 0
PROBE_PREFER_ASYNCHRONOUS = 1
PROBE_FORCE_SYNCHRONOUS = 2


def dev_name(dev):
    """include/linux/device.h: dev_name() — the init name until the kobject has one.

    Model: ``None`` stands for a NULL name.
    """
    if dev.init_name:
        return dev.init_name
    return dev.kobj_name


def dev_get_drvdata(dev):
    """include/linux/device.h: dev_get_drvdata()."""
    return dev.driver_data


def dev_set_drvdata(dev, data):
    """include/linux/device.h: dev_set_drvdata()."""
    dev.driver_data = data


def dev_get_platdata(dev):
    """include/linux/device.h: dev_get_platdata()."""
    return dev.platform_data


def dev_to_node(dev):
    """include/linux/device.h: dev_to_node() (CONFIG_NUMA off: always NUMA_NO_NODE)."""
    return NUMA_NO_NODE


def set_dev_node(dev, node):
    """include/linux/device.h: set_dev_node() — nothing without CONFIG_NUMA."""
    return None


def device_is_registered(dev):
    """include/linux/device.h: device_is_registered() — the kobject is in sysfs."""
    return dev.kobj_in_sysfs
