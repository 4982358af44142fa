# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/bus.c: buses — their device and driver lists, and the walks over them.

Model: ``bus->p`` (``struct subsys_private``) is per machine: ``bus_p(bus)`` looks it up
in ``bus_c.subsys`` (``None`` until bus_register() ran on this machine). The sysfs side
(kset, attribute files, symlinks) and the bus notifiers have no model.
"""

import attrs

from cmaport.include.linux.device import dev_name, driver_private, subsys_private
from cmaport.include.linux.errno import EINVAL
from cmaport.kernel.machine import statics
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")


@statics
class bus_c:
    """Model-only: the runtime parts of buses and drivers on this machine.

    ``subsys`` maps a ``bus_type`` to its ``subsys_private`` (C: ``bus->p``), ``drivers``
    a ``device_driver`` to its ``driver_private`` (C: ``drv->p``).
    """

    subsys: dict = attrs.Factory(dict)
    drivers: dict = attrs.Factory(dict)


def bus_p(bus):
    """Model-only: ``bus->p`` on the running machine (``None`` before bus_register())."""
    return bus_c.get().subsys.get(bus)


def drv_p(drv):
    """Model-only: ``drv->p`` on the running machine (``None`` unless registered)."""
    return bus_c.get().drivers.get(drv)


def bus_get(bus):
    """drivers/base/bus.c: bus_get() — Model: no reference counts."""
    return bus


def bus_put(bus):
    """drivers/base/bus.c: bus_put() — Model: no reference counts."""
    return None


def bus_register(bus):
    """drivers/base/bus.c: bus_register() — make a bus ready for devices and drivers.

    :return: 0
    """
    priv = subsys_private(bus=bus)
    bus_c.get().subsys[bus] = priv
    priv.drivers_autoprobe = 1
    # Model: the kset, the uevent/probe attribute files and the device/driver ksets are sysfs.
    _pr.debug("bus: '%s': registered\n", bus.name)
    return 0


def bus_unregister(bus):
    """drivers/base/bus.c: bus_unregister()."""
    _pr.debug("bus: '%s': unregistering\n", bus.name)
    bus_c.get().subsys.pop(bus, None)


def bus_add_device(dev):
    """drivers/base/bus.c: bus_add_device() — put the device on its bus's list."""
    bus = bus_get(dev.bus)

    if bus is not None:
        _pr.debug("bus: '%s': add device %s\n", bus.name, dev_name(dev))
        # Model: the attribute groups and sysfs links have no model.
        bus_p(bus).klist_devices.append(dev)
    return 0


def bus_probe_device(dev):
    """drivers/base/bus.c: bus_probe_device() — look for a driver for a new device."""
    from cmaport.drivers.base.dd import device_initial_probe

    bus = dev.bus

    if bus is None:
        return

    if bus_p(bus).drivers_autoprobe:
        device_initial_probe(dev)

    # Model: no subsys_interface users.


def bus_remove_device(dev):
    """drivers/base/bus.c: bus_remove_device() — take the device off its bus, unbinding it."""
    from cmaport.drivers.base.dd import device_release_driver

    bus = dev.bus

    if bus is None:
        return

    p = bus_p(bus)
    if p is not None and dev in p.klist_devices:
        p.klist_devices.remove(dev)

    _pr.debug("bus: '%s': remove device %s\n", dev.bus.name, dev_name(dev))
    device_release_driver(dev)
    bus_put(dev.bus)


def bus_add_driver(drv):
    """drivers/base/bus.c: bus_add_driver() — put a driver on its bus and bind it to waiting devices."""
    from cmaport.drivers.base.dd import driver_allows_async_probing, driver_attach

    bus = bus_get(drv.bus)
    if bus is None:
        return -EINVAL

    _pr.debug("bus: '%s': add driver %s\n", bus.name, drv.name)

    priv = driver_private(driver=drv)
    bus_c.get().drivers[drv] = priv

    bus_p(bus).klist_drivers.append(drv)
    if bus_p(drv.bus).drivers_autoprobe:
        if driver_allows_async_probing(drv):
            # Model: there are no asynchronous probes; the driver attaches right away.
            _pr.debug("bus: '%s': probing driver %s asynchronously\n", drv.bus.name, drv.name)
            driver_attach(drv)
        else:
            error = driver_attach(drv)
            if error:
                # out_unregister:
                bus_c.get().drivers.pop(drv, None)
                bus_p(bus).klist_drivers.remove(drv)
                bus_put(bus)
                return error
    # Model: module_add_driver(), the uevent and bind attribute files are sysfs.
    return 0


def bus_remove_driver(drv):
    """drivers/base/bus.c: bus_remove_driver() — unbind every device, forget the driver."""
    from cmaport.drivers.base.dd import driver_detach

    if drv.bus is None:
        return

    p = bus_p(drv.bus)
    if p is not None and drv in p.klist_drivers:
        p.klist_drivers.remove(drv)
    _pr.debug("bus: '%s': remove driver %s\n", drv.bus.name, drv.name)
    driver_detach(drv)
    bus_c.get().drivers.pop(drv, None)
    bus_put(drv.bus)


def bus_for_each_dev(bus, start, data, fn):
    """drivers/base/bus.c: bus_for_each_dev() — ``fn(dev, data)`` for the devices after ``start``."""
    if bus is None or bus_p(bus) is None:
        return -EINVAL

    devices = list(bus_p(bus).klist_devices)
    if start is not None:
        devices = devices[devices.index(start) + 1:]
    error = 0
    for dev in devices:
        error = fn(dev, data)
        if error:
            break
    return error


def bus_find_device(bus, start, data, match):
    """drivers/base/bus.c: bus_find_device() — the first device (after ``start``) that ``match`` accepts."""
    if bus is None or bus_p(bus) is None:
        return None

    devices = list(bus_p(bus).klist_devices)
    if start is not None:
        devices = devices[devices.index(start) + 1:]
    for dev in devices:
        if match(dev, data):
            return dev
    return None


def bus_for_each_drv(bus, start, data, fn):
    """drivers/base/bus.c: bus_for_each_drv() — ``fn(drv, data)`` for the bus's drivers, in registration order."""
    if bus is None:
        return -EINVAL

    drivers = list(bus_p(bus).klist_drivers)
    if start is not None:
        drivers = drivers[drivers.index(start) + 1:]
    error = 0
    for drv in drivers:
        error = fn(drv, data)
        if error:
            break
    return error
