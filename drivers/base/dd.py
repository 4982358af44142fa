# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dd.c: binding devices to drivers (matching, probing, unbinding).

``really_probe`` follows v4.9: ``dev->driver`` is set *before* the probe (so the driver's
``dev_info`` lines carry its name), a failed probe releases the device's managed
resources, and the failure is reported only for errors other than -ENODEV/-ENXIO (as
``"<driver>: probe of <device> failed with error <n>"``); -EPROBE_DEFER puts the device
on the deferred list.

Model: probing is synchronous (no async probes, no probe_count wait queue); pinctrl,
PM domains, runtime PM and the bus notifiers have no model. The deferred-probe list is
kept, but no work item retries it: ``driver_deferred_probe_trigger`` retries it at once.
"""

import attrs

from cmaport.drivers.base.bus import bus_for_each_dev, bus_for_each_drv, drv_p
from cmaport.drivers.base.devres import devres_release_all
from cmaport.include.linux.device import (PROBE_PREFER_ASYNCHRONOUS, dev_name, dev_set_drvdata,
                                          device_is_registered)
from cmaport.include.linux.errno import EBUSY, ENODEV, ENXIO, EPROBE_DEFER
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import WARN_ON
from cmaport.kernel.printk import KERN_WARNING, pr_helpers, printk

_pr = pr_helpers("")


@statics
class dd_c:
    """drivers/base/dd.c: the deferred-probe lists of this machine."""

    deferred_probe_pending_list: list = attrs.Factory(list)
    deferred_probe_active_list: list = attrs.Factory(list)
    deferred_trigger_count: int = 0
    driver_deferred_probe_enable: bool = False
    defer_all_probes: bool = False
    probe_count: int = 0


def driver_deferred_probe_add(dev):
    """drivers/base/dd.c: driver_deferred_probe_add() — park a device whose probe asked to wait."""
    s = dd_c.get()
    if dev not in s.deferred_probe_pending_list:
        _dev_dbg(dev, "Added to deferred list\n")
        s.deferred_probe_pending_list.append(dev)


def driver_deferred_probe_del(dev):
    """drivers/base/dd.c: driver_deferred_probe_del()."""
    s = dd_c.get()
    if dev in s.deferred_probe_pending_list:
        _dev_dbg(dev, "Removed from deferred list\n")
        s.deferred_probe_pending_list.remove(dev)


def driver_deferred_probe_trigger():
    """drivers/base/dd.c: driver_deferred_probe_trigger() — retry the deferred devices.

    Model: C moves them to the active list and lets a work item retry them once
    ``driver_deferred_probe_enable`` is set (late_initcall); the model counts the trigger
    and retries at once when enabled.
    """
    s = dd_c.get()
    if not s.driver_deferred_probe_enable:
        return
    s.deferred_trigger_count += 1
    s.deferred_probe_active_list.extend(s.deferred_probe_pending_list)
    s.deferred_probe_pending_list.clear()
    while s.deferred_probe_active_list:
        dev = s.deferred_probe_active_list.pop(0)
        bus_probe_device_again(dev)


def bus_probe_device_again(dev):
    """Model-only: what deferred_probe_work_func() does for one device (device_attach())."""
    device_attach(dev)


def _dev_dbg(dev, fmt, *args):
    """Model-only: dev_dbg() (drivers/base/core.py imports this module)."""
    from cmaport.drivers.base.core import dev_dbg

    dev_dbg(dev, fmt, *args)


def device_is_bound(dev):
    """drivers/base/dd.c: device_is_bound() — is the device on its driver's list?"""
    if dev.p is None or dev.driver is None:
        return False
    p = drv_p(dev.driver)
    return p is not None and dev in p.klist_devices


def driver_bound(dev):
    """drivers/base/dd.c: driver_bound() — record the binding."""
    if device_is_bound(dev):
        printk(KERN_WARNING + "%s: device %s already bound\n", "driver_bound", dev.kobj_name)
        return

    _pr.debug("driver: '%s': %s: bound to device '%s'\n", dev.driver.name, "driver_bound",
              dev_name(dev))

    drv_p(dev.driver).klist_devices.append(dev)

    # off the deferred list, and give the waiting devices another chance
    driver_deferred_probe_del(dev)
    driver_deferred_probe_trigger()


def driver_match_device(drv, dev):
    """drivers/base/base.h: driver_match_device() — the bus's match, or "yes" without one."""
    return drv.bus.match(dev, drv) if drv.bus.match else 1


def driver_allows_async_probing(drv):
    """drivers/base/dd.c: driver_allows_async_probing() — Model: only PROBE_PREFER_ASYNCHRONOUS (no module parameters)."""
    return drv.probe_type == PROBE_PREFER_ASYNCHRONOUS


def really_probe(dev, drv):
    """drivers/base/dd.c: really_probe() — call the probe and record the result.

    :return: 1 when the driver bound, else 0 (errors of ->probe are reported, not returned)
    """
    s = dd_c.get()
    ret = -EPROBE_DEFER
    local_trigger_count = s.deferred_trigger_count

    if s.defer_all_probes:
        _dev_dbg(dev, "Driver %s force probe deferral\n", drv.name)
        driver_deferred_probe_add(dev)
        return ret

    s.probe_count += 1
    _pr.debug("bus: '%s': %s: probing driver %s with device %s\n",
              drv.bus.name, "really_probe", drv.name, dev_name(dev))
    WARN_ON(len(dev.devres_head) != 0, line=344)

    dev.driver = drv

    # Model: pinctrl_bind_pins(), driver_sysfs_add() and the PM domain have no model.

    if dev.bus.probe:
        ret = dev.bus.probe(dev)
    elif drv.probe:
        ret = drv.probe(dev)
    else:
        ret = 0

    if not ret:
        # (CONFIG_DEBUG_TEST_DRIVER_REMOVE is off: no remove-and-reprobe test)
        driver_bound(dev)
        ret = 1
        _pr.debug("bus: '%s': %s: bound device %s to driver %s\n",
                  drv.bus.name, "really_probe", dev_name(dev), drv.name)
        s.probe_count -= 1
        return ret

    # probe_failed:
    devres_release_all(dev)
    dev.driver = None
    dev_set_drvdata(dev, None)

    if ret == -EPROBE_DEFER:
        # the driver asked to be tried again later
        _dev_dbg(dev, "Driver %s requests probe deferral\n", drv.name)
        driver_deferred_probe_add(dev)
        # a trigger while probing: trigger again
        if local_trigger_count != s.deferred_trigger_count:
            driver_deferred_probe_trigger()
    elif ret in (-ENODEV, -ENXIO):
        _pr.debug("%s: probe of %s rejects match %d\n", drv.name, dev_name(dev), ret)
    else:
        # the driver matched but could not set the device up
        printk(KERN_WARNING + "%s: probe of %s failed with error %d\n", drv.name, dev_name(dev), ret)
    # errors of ->probe are not passed on, so that the next driver gets its chance
    ret = 0
    s.probe_count -= 1
    return ret


def driver_probe_device(drv, dev):
    """drivers/base/dd.c: driver_probe_device() — probe a registered device with a driver."""
    if not device_is_registered(dev):
        return -ENODEV

    _pr.debug("bus: '%s': %s: matched device %s with driver %s\n",
              drv.bus.name, "driver_probe_device", dev_name(dev), drv.name)

    # Model: pm_runtime_get_sync/barrier/idle on the parent have no model.
    return really_probe(dev, drv)


def __device_attach_driver(drv, data):
    """drivers/base/dd.c: __device_attach_driver() — try one driver for the device."""
    dev = data["dev"]

    # another path may have bound the device meanwhile
    if dev.driver is not None:
        return -EBUSY

    ret = driver_match_device(drv, dev)
    if ret == 0:
        return 0
    elif ret == -EPROBE_DEFER:
        _dev_dbg(dev, "Device match requests probe deferral\n")
        driver_deferred_probe_add(dev)
    elif ret < 0:
        _dev_dbg(dev, "Bus failed to match device: %d", ret)
        return ret
    # ret > 0: a match

    async_allowed = driver_allows_async_probing(drv)

    if async_allowed:
        data["have_async"] = True

    if data["check_async"] and async_allowed != data["want_async"]:
        return 0

    return driver_probe_device(drv, dev)


def __device_attach(dev, allow_async):
    """drivers/base/dd.c: __device_attach() — bind a device to the first driver that takes it.

    :return: 1 when bound, 0 when no driver took it
    """
    from cmaport.drivers.base.core import dev_dbg

    ret = 0
    # Model: device_lock — one task, nothing to serialise.
    if dev.driver is not None:
        if device_is_bound(dev):
            return 1
        ret = device_bind_driver(dev)
        if ret == 0:
            ret = 1
        else:
            dev.driver = None
            ret = 0
    else:
        data = {"dev": dev, "check_async": allow_async, "want_async": False,
                "have_async": False}

        ret = bus_for_each_drv(dev.bus, None, data, __device_attach_driver)
        if not ret and allow_async and data["have_async"]:
            # Model: no async probing; the async drivers get their turn right away.
            dev_dbg(dev, "scheduling asynchronous probe\n")
            data["check_async"] = False
            ret = bus_for_each_drv(dev.bus, None, data, __device_attach_driver)
    return ret


def device_attach(dev):
    """drivers/base/dd.c: device_attach()."""
    return __device_attach(dev, False)


def device_initial_probe(dev):
    """drivers/base/dd.c: device_initial_probe()."""
    __device_attach(dev, True)


def device_bind_driver(dev):
    """drivers/base/dd.c: device_bind_driver() — bind a device whose ``driver`` is already set."""
    driver_bound(dev)
    return 0


def __driver_attach(dev, drv):
    """drivers/base/dd.c: __driver_attach() — try a new driver on one device (always 0)."""
    ret = driver_match_device(drv, dev)
    if ret == 0:
        return 0
    elif ret == -EPROBE_DEFER:
        _dev_dbg(dev, "Device match requests probe deferral\n")
        driver_deferred_probe_add(dev)
    elif ret < 0:
        _dev_dbg(dev, "Bus failed to match device: %d", ret)
        return ret

    # Model: device_lock on the device and its parent — one task.
    if dev.driver is None:
        driver_probe_device(drv, dev)

    return 0


def driver_attach(drv):
    """drivers/base/dd.c: driver_attach() — try a driver on every device of its bus."""
    return bus_for_each_dev(drv.bus, None, drv, __driver_attach)


def __device_release_driver(dev):
    """drivers/base/dd.c: __device_release_driver() — the driver's remove, then its managed resources."""
    drv = dev.driver
    if drv is not None:
        if dev.bus is not None and dev.bus.remove:
            dev.bus.remove(dev)
        elif drv.remove:
            drv.remove(dev)
        devres_release_all(dev)
        dev.driver = None
        dev_set_drvdata(dev, None)

        p = drv_p(drv)
        if p is not None and dev in p.klist_devices:
            p.klist_devices.remove(dev)


def device_release_driver(dev):
    """drivers/base/dd.c: device_release_driver() — unbind the device from its driver."""
    # Model: device_lock — one task.
    __device_release_driver(dev)


def driver_detach(drv):
    """drivers/base/dd.c: driver_detach() — unbind every device, the last bound first."""
    p = drv_p(drv)
    while p is not None and p.klist_devices:
        dev = p.klist_devices[-1]
        if dev.driver is drv:
            __device_release_driver(dev)
        else:
            p.klist_devices.remove(dev)
