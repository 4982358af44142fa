# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/driver.c: registering drivers."""

from cmaport.drivers.base.bus import bus_add_driver, bus_p, bus_remove_driver, drv_p
from cmaport.include.linux.errno import EBUSY
from cmaport.kernel.panic import BUG_ON, WARN
from cmaport.kernel.printk import KERN_ERR, KERN_WARNING, printk


def driver_find(name, bus):
    """drivers/base/driver.c: driver_find() — a registered driver of the bus by name, or ``None``."""
    for drv in bus_p(bus).klist_drivers:
        if drv.name == name:
            return drv
    return None


def driver_register(drv):
    """drivers/base/driver.c: driver_register() — add a driver to its bus (and bind it).

    :return: 0, ``-EBUSY`` when a driver of that name is already registered, or
        bus_add_driver()'s error
    """
    BUG_ON(bus_p(drv.bus) is None, "the driver's bus is not registered", line=153)

    if ((drv.bus.probe and drv.probe) or (drv.bus.remove and drv.remove)
            or (drv.bus.shutdown and drv.shutdown)):
        printk(KERN_WARNING + "Driver '%s' needs updating - please use bus_type methods\n",
               drv.name)

    other = driver_find(drv.name, drv.bus)
    if other is not None:
        printk(KERN_ERR + "Error: Driver '%s' is already registered, aborting...\n", drv.name)
        return -EBUSY

    ret = bus_add_driver(drv)
    if ret:
        return ret
    # Model: the driver's attribute groups and uevent are sysfs.
    return ret


def driver_unregister(drv):
    """drivers/base/driver.c: driver_unregister() — unbind its devices and remove the driver."""
    if drv is None or drv_p(drv) is None:
        WARN(1, "Unexpected driver unregister!\n", line=191)
        return
    bus_remove_driver(drv)
