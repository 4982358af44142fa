# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/platform.c: the platform bus — devices that are just "there" on the SoC.

A platform device is named ``<name>.<id>`` (``<name>`` alone with PLATFORM_DEVID_NONE,
``<name>.<n>.auto`` with PLATFORM_DEVID_AUTO); device-tree devices get their
``of_device_make_bus_id`` name instead (``1001f000.clcd``). ``platform_device_add``
puts the device's memory and I/O resources into the resource trees. A platform driver
matches a device by its ``of_match_table`` first (the device tree's compatible), then
by its ``id_table``, then by name.

Model: the ``platform_bus`` parent device is per machine (``platform_c``); ACPI matching
and the PM domain hooks have no model.
"""

import attrs

from cmaport.drivers.base.core import dev_err, dev_set_name, dev_warn, device, device_add, \
    device_del, device_initialize, put_device
from cmaport.include.linux.device import dev_name
from cmaport.include.linux.errno import EBUSY, EINVAL, ENXIO, EPROBE_DEFER
from cmaport.include.linux.ioport import IORESOURCE_IO, IORESOURCE_MEM, resource_type
from cmaport.include.linux.device import bus_type
from cmaport.include.linux.platform_device import (PLATFORM_DEVID_AUTO, PLATFORM_DEVID_NONE,
                                                   platform_device, to_platform_device,
                                                   to_platform_driver)
from cmaport.kernel.machine import statics
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")


@statics
class platform_c:
    """drivers/base/platform.c: ``struct device platform_bus`` and the auto-id allocator.

    ``platform_devid_ida`` is the set of automatic ids in use.
    """

    platform_bus: device = attrs.Factory(lambda: device(init_name="platform"))
    platform_devid_ida: set = attrs.Factory(set)


def platform_bus():
    """drivers/base/platform.c: platform_bus — the parent of platform devices (``&platform_bus``)."""
    return platform_c.get().platform_bus


def platform_get_resource(dev, type_, num):
    """drivers/base/platform.c: platform_get_resource() — the num-th resource of a type, or ``None``."""
    for r in dev.resource[:dev.num_resources]:
        if type_ == resource_type(r):
            if num == 0:
                return r
            num -= 1
    return None


def platform_device_alloc(name, id_):
    """drivers/base/platform.c: platform_device_alloc() — a new platform device (not yet added)."""
    pa = platform_device()
    pa.name = name
    pa.id = id_
    device_initialize(pa.dev)
    # (platform_device_release, arch_setup_pdev_archdata: nothing to model)
    return pa


def platform_device_put(pdev):
    """drivers/base/platform.c: platform_device_put() — Model: no reference counts."""
    if pdev is not None:
        put_device(pdev.dev)


def _ida_simple_get(ids):
    """Model-only: ida_simple_get(&platform_devid_ida, 0, 0) — the lowest free id."""
    n = 0
    while n in ids:
        n += 1
    ids.add(n)
    return n


def platform_device_add(pdev):
    """drivers/base/platform.c: platform_device_add() — name the device, claim its resources, add it.

    :return: 0, ``-EINVAL`` for NULL, ``-EBUSY`` when a resource is taken
    """
    from cmaport.kernel.resource import insert_resource, iomem_resource, ioport_resource, \
        release_resource

    if pdev is None:
        return -EINVAL

    if pdev.dev.parent is None:
        pdev.dev.parent = platform_bus()

    pdev.dev.bus = platform_bus_type

    if pdev.id == PLATFORM_DEVID_NONE:
        dev_set_name(pdev.dev, "%s", pdev.name)
    elif pdev.id == PLATFORM_DEVID_AUTO:
        # an automatic id: remember to free it, and add ".auto" so that it cannot clash
        # with an explicit one
        pdev.id = _ida_simple_get(platform_c.get().platform_devid_ida)
        pdev.id_auto = True
        dev_set_name(pdev.dev, "%s.%d.auto", pdev.name, pdev.id)
    else:
        dev_set_name(pdev.dev, "%s.%d", pdev.name, pdev.id)

    i = 0
    ret = 0
    failed = False
    while i < pdev.num_resources:
        r = pdev.resource[i]

        if r.name is None:
            r.name = dev_name(pdev.dev)

        p = r.parent
        if p is None:
            if resource_type(r) == IORESOURCE_MEM:
                p = iomem_resource()
            elif resource_type(r) == IORESOURCE_IO:
                p = ioport_resource()

        if p is not None and insert_resource(p, r):
            dev_err(pdev.dev, "failed to claim resource %d\n", i)
            ret = -EBUSY
            failed = True
            break
        i += 1

    if not failed:
        _pr.debug("Registering platform device '%s'. Parent at %s\n",
                  dev_name(pdev.dev), dev_name(pdev.dev.parent))

        ret = device_add(pdev.dev)
        if ret == 0:
            return ret

    # failed:
    if pdev.id_auto:
        platform_c.get().platform_devid_ida.discard(pdev.id)
        pdev.id = PLATFORM_DEVID_AUTO

    i -= 1
    while i >= 0:
        r = pdev.resource[i]
        if r.parent is not None:
            release_resource(r)
        i -= 1

    return ret


def platform_device_register(pdev):
    """drivers/base/platform.c: platform_device_register() — initialise and add."""
    device_initialize(pdev.dev)
    return platform_device_add(pdev)


def platform_device_del(pdev):
    """drivers/base/platform.c: platform_device_del() — remove the device, give its resources back."""
    from cmaport.kernel.resource import release_resource

    if pdev is not None:
        device_del(pdev.dev)

        if pdev.id_auto:
            platform_c.get().platform_devid_ida.discard(pdev.id)
            pdev.id = PLATFORM_DEVID_AUTO

        for r in pdev.resource[:pdev.num_resources]:
            if r.parent is not None:
                release_resource(r)


def platform_device_unregister(pdev):
    """drivers/base/platform.c: platform_device_unregister()."""
    platform_device_del(pdev)
    platform_device_put(pdev)


def platform_drv_probe(_dev):
    """drivers/base/platform.c: platform_drv_probe() — call the platform driver's probe."""
    drv = to_platform_driver(_dev.driver)
    dev = to_platform_device(_dev)

    # Model: of_clk_set_defaults() (no clocks) and the PM domain attach have no model.
    if drv.probe:
        ret = drv.probe(dev)
    else:
        ret = 0

    if drv.prevent_deferred_probe and ret == -EPROBE_DEFER:
        dev_warn(_dev, "probe deferral not supported\n")
        ret = -ENXIO

    return ret


def platform_drv_probe_fail(_dev):
    """drivers/base/platform.c: platform_drv_probe_fail()."""
    return -ENXIO


def platform_drv_remove(_dev):
    """drivers/base/platform.c: platform_drv_remove() — call the platform driver's remove."""
    drv = to_platform_driver(_dev.driver)
    dev = to_platform_device(_dev)
    ret = 0

    if drv.remove:
        ret = drv.remove(dev)

    return ret


def platform_drv_shutdown(_dev):
    """drivers/base/platform.c: platform_drv_shutdown()."""
    drv = to_platform_driver(_dev.driver)
    dev = to_platform_device(_dev)

    if drv.shutdown:
        drv.shutdown(dev)


def __platform_driver_register(drv, owner=None):
    """drivers/base/platform.c: __platform_driver_register() — register a platform driver.

    Model: the assignments to ``drv.driver`` are the same on every machine (the structure
    is static in C and so is what is written into it).
    """
    from cmaport.drivers.base.driver import driver_register

    drv.driver.owner = owner
    drv.driver.bus = platform_bus_type
    drv.driver.probe = platform_drv_probe
    drv.driver.remove = platform_drv_remove
    drv.driver.shutdown = platform_drv_shutdown

    return driver_register(drv.driver)


platform_driver_register = __platform_driver_register  # include/linux/platform_device.h


def platform_driver_unregister(drv):
    """drivers/base/platform.c: platform_driver_unregister()."""
    from cmaport.drivers.base.driver import driver_unregister

    driver_unregister(drv.driver)


def platform_match_id(id_table, pdev):
    """drivers/base/platform.c: platform_match_id() — an id_table entry with the device's name."""
    for entry in id_table:
        if not entry.name:
            break
        if pdev.name == entry.name:
            pdev.id_entry = entry
            return entry
    return None


def platform_match(dev, drv):
    """drivers/base/platform.c: platform_match() — override, then OF, then id table, then name."""
    from cmaport.drivers.of.device import of_driver_match_device

    pdev = to_platform_device(dev)
    pdrv = to_platform_driver(drv)

    # driver_override binds only to the driver it names
    if pdev.driver_override:
        return int(pdev.driver_override == drv.name)

    # the device tree first
    if of_driver_match_device(dev, drv):
        return 1

    # (no ACPI)

    # then the id table
    if pdrv.id_table:
        return int(platform_match_id(pdrv.id_table, pdev) is not None)

    # at last the driver's name
    return int(pdev.name == drv.name)


# drivers/base/platform.c: struct bus_type platform_bus_type
platform_bus_type = bus_type(name="platform", match=platform_match)


def platform_bus_init():
    """drivers/base/platform.c: platform_bus_init() — register the platform bus device and bus type."""
    from cmaport.drivers.base.bus import bus_register
    from cmaport.drivers.base.core import device_register, device_unregister

    # (early_platform_cleanup: no early platform devices in the model)

    error = device_register(platform_bus())
    if error:
        return error
    error = bus_register(platform_bus_type)
    if error:
        device_unregister(platform_bus())
    # (of_platform_register_reconfig_notifier: CONFIG_OF_DYNAMIC is off)
    return error
