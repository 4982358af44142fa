# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/core.c: devices — naming, adding, removing, and ``dev_printk``.

``struct device`` and its inline accessors are in include/linux/device.py; they are
re-exported here. ``dev_info(dev, fmt, …)`` prints ``"<driver> <device>: message"`` as
v4.9's ``__dev_printk`` does: the driver's name when one is bound, else the bus's (or the
class's) name, else an empty string, then the device's name.

Model: the sysfs side of a device (kobject, uevents, attribute files, device links,
power management, classes, devtmpfs) has no model; ``device_add`` keeps what decides
behaviour: the name, the parent's child list, the bus's device list and the probe. The
``SUBSYSTEM=``/``DEVICE=`` dictionary that ``create_syslog_header`` builds for
``/dev/kmsg`` is computed but not stored (the log buffer keeps no dictionaries).
"""

import attrs

from cmaport.include.linux.device import (  # noqa: F401  (re-exported: the header's types)
    NUMA_NO_NODE, dev_get_drvdata, dev_name, dev_set_drvdata, dev_to_node, device,
    device_is_registered, device_private, field_ptr, set_dev_node,
)
from cmaport.include.linux.errno import EINVAL
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import WARN
from cmaport.kernel.printk import (KERN_ALERT, KERN_CRIT, KERN_DEBUG, KERN_EMERG, KERN_ERR,
                                   KERN_INFO, KERN_NOTICE, KERN_SOH, KERN_WARNING, pr_helpers,
                                   printk)
from cmaport.lib.vsprintf import vsnprintf

_pr = pr_helpers("")


@statics
class core_c:
    """drivers/base/core.c: the devices of this machine (C: ``devices_kset``, in add order)."""

    devices: list = attrs.Factory(list)


def dev_driver_string(dev):
    """drivers/base/core.c: dev_driver_string() — the bound driver's name, else the bus's, else the class's, else ``""``."""
    drv = dev.driver
    return drv.name if drv is not None else (
        dev.bus.name if dev.bus is not None else (
            dev.class_.name if dev.class_ is not None else ""))


def dev_set_name(dev, fmt, *args):
    """drivers/base/core.c: dev_set_name() — kobject_set_name_vargs() on the device.

    A ``/`` in the name becomes ``!`` (sysfs names cannot hold a slash).

    :return: 0
    """
    s = vsnprintf(fmt, args)
    # a '/' cannot be part of a sysfs name
    if "/" in s:
        s = s.replace("/", "!")
    dev.kobj_name = s
    return 0


def device_initialize(dev):
    """drivers/base/core.c: device_initialize() — make a device ready for device_add()."""
    # Model: the kobject, dma_pools list, mutex and PM state have no model.
    dev.devres_head = []
    set_dev_node(dev, -1)


def device_private_init(dev):
    """drivers/base/core.c: device_private_init() — allocate the core's part of the device."""
    dev.p = device_private(device=dev)
    return 0


def get_device(dev):
    """drivers/base/core.c: get_device() — Model: no reference counts; returns ``dev``."""
    return dev


def put_device(dev):
    """drivers/base/core.c: put_device() — Model: no reference counts; nothing is freed."""
    return None


def device_add(dev):
    """drivers/base/core.c: device_add() — name the device, put it on its bus and try to probe it.

    :return: 0, or ``-EINVAL`` when the device ends up without a name
    """
    from cmaport.drivers.base.bus import bus_add_device, bus_probe_device

    error = -EINVAL

    dev = get_device(dev)
    if dev is None:
        return error

    if dev.p is None:
        error = device_private_init(dev)
        if error:
            return error

    # a statically allocated device carries its name in init_name
    if dev.init_name:
        dev_set_name(dev, "%s", dev.init_name)
        dev.init_name = None

    # a bus may number its devices itself
    if not dev_name(dev) and dev.bus is not None and dev.bus.dev_name:
        dev_set_name(dev, "%s%u", dev.bus.dev_name, dev.id)

    if not dev_name(dev):
        # name_error:
        dev.p = None
        put_device(dev)
        return -EINVAL

    _pr.debug("device: '%s': %s\n", dev_name(dev), "device_add")

    parent = get_device(dev.parent)

    # Model: kobject_add(), the uevent and attribute files, class symlinks and the PM
    # list are sysfs; the device is now "in sysfs".
    dev.kobj_in_sysfs = True
    core_c.get().devices.append(dev)

    error = bus_add_device(dev)
    if error:
        # BusError: undo what was done
        dev.kobj_in_sysfs = False
        core_c.get().devices.remove(dev)
        put_device(parent)
        dev.p = None
        put_device(dev)
        return error

    bus_probe_device(dev)
    if parent is not None:
        if parent.p is None:
            device_private_init(parent)
        parent.p.children.append(dev)

    put_device(dev)
    return 0


def device_register(dev):
    """drivers/base/core.c: device_register() — device_initialize() then device_add()."""
    device_initialize(dev)
    return device_add(dev)


def device_del(dev):
    """drivers/base/core.c: device_del() — take the device off its bus and its parent."""
    from cmaport.drivers.base.bus import bus_remove_device

    parent = dev.parent

    if parent is not None and parent.p is not None and dev in parent.p.children:
        parent.p.children.remove(dev)
    bus_remove_device(dev)
    if dev in core_c.get().devices:
        core_c.get().devices.remove(dev)
    dev.kobj_in_sysfs = False
    put_device(parent)


def device_unregister(dev):
    """drivers/base/core.c: device_unregister() — device_del() then put_device()."""
    _pr.debug("device: '%s': %s\n", dev_name(dev), "device_unregister")
    device_del(dev)
    put_device(dev)


def device_for_each_child(parent, data, fn):
    """drivers/base/core.c: device_for_each_child() — ``fn(child, data)`` until one returns non-zero."""
    error = 0

    if parent.p is None:
        return 0

    for child in list(parent.p.children):
        error = fn(child, data)
        if error:
            break
    return error


# -- dev_printk -----------------------------------------------------------------

def create_syslog_header(dev):
    """drivers/base/core.c: create_syslog_header() — the ``SUBSYSTEM=``/``DEVICE=`` dictionary.

    :return: the dictionary text (``""`` for a device without bus or class)
    """
    hdrlen = 128

    if dev.class_ is not None:
        subsys = dev.class_.name
    elif dev.bus is not None:
        subsys = dev.bus.name
    else:
        return ""

    hdr = "SUBSYSTEM=%s" % subsys
    pos = len(hdr)
    if pos >= hdrlen:
        return _syslog_overflow(dev)

    # DEVICE=: block/char dev_t, net ifindex, or +subsystem:name
    if dev.devt >> 20:  # MAJOR(dev->devt)
        c = "b" if subsys == "block" else "c"
        entry = "DEVICE=%c%u:%u" % (c, dev.devt >> 20, dev.devt & 0xFFFFF)
    else:
        # Model: no net devices, so no "DEVICE=n<ifindex>" case.
        entry = "DEVICE=+%s:%s" % (subsys, dev_name(dev))
    hdr += "\0" + entry
    pos += 1 + len(entry)

    if pos >= hdrlen:
        return _syslog_overflow(dev)

    return hdr


def _syslog_overflow(dev):
    """Model-only: the ``overflow:`` label of create_syslog_header()."""
    dev_WARN(dev, "device/subsystem name too long")
    return ""


def dev_vprintk_emit(level, dev, fmt, args):
    """drivers/base/core.c: dev_vprintk_emit() — store a message with the device's dictionary."""
    # Model: the dictionary is built as in C but the log buffer does not keep it.
    create_syslog_header(dev)
    text = vsnprintf(fmt, args)
    return printk(KERN_SOH + str(level) + "%s", text)


def dev_printk_emit(level, dev, fmt, *args):
    """drivers/base/core.c: dev_printk_emit()."""
    return dev_vprintk_emit(level, dev, fmt, args)


def __dev_printk(level, dev, fmt, args):
    """drivers/base/core.c: __dev_printk() — ``"<driver> <device>: "`` before the message.

    Model: ``%pV`` (the caller's format and arguments) is formatted first, then put into
    the ``"%s %s: %pV"`` frame.
    """
    vaf = vsnprintf(fmt, args)
    if dev is not None:
        dev_printk_emit(int(level[1]), dev, "%s %s: %s", dev_driver_string(dev), dev_name(dev), vaf)
    else:
        printk("%s(NULL device *): %s", level, vaf)


def dev_printk(level, dev, fmt, *args):
    """drivers/base/core.c: dev_printk() — at an explicit ``KERN_*`` level."""
    __dev_printk(level, dev, fmt, args)


def dev_emerg(dev, fmt, *args):
    """drivers/base/core.c: dev_emerg()."""
    __dev_printk(KERN_EMERG, dev, fmt, args)


def dev_alert(dev, fmt, *args):
    """drivers/base/core.c: dev_alert()."""
    __dev_printk(KERN_ALERT, dev, fmt, args)


def dev_crit(dev, fmt, *args):
    """drivers/base/core.c: dev_crit()."""
    __dev_printk(KERN_CRIT, dev, fmt, args)


def dev_err(dev, fmt, *args):
    """drivers/base/core.c: dev_err()."""
    __dev_printk(KERN_ERR, dev, fmt, args)


def dev_warn(dev, fmt, *args):
    """drivers/base/core.c: dev_warn()."""
    __dev_printk(KERN_WARNING, dev, fmt, args)


def dev_notice(dev, fmt, *args):
    """drivers/base/core.c: dev_notice()."""
    __dev_printk(KERN_NOTICE, dev, fmt, args)


def _dev_info(dev, fmt, *args):
    """drivers/base/core.c: _dev_info()."""
    __dev_printk(KERN_INFO, dev, fmt, args)


dev_info = _dev_info  # include/linux/device.h: #define dev_info(dev, fmt, arg...) _dev_info(dev, fmt, ##arg)


def dev_dbg(dev, fmt, *args):
    """include/linux/device.h: dev_dbg() — compiled out unless the file defines DEBUG.

    Model: CONFIG_DYNAMIC_DEBUG is off in multi_v7_defconfig; the model's switch for
    "every file built with -DDEBUG" (``LogBuffer.debug_all``) turns these on.
    """
    if _pr.debug_enabled():
        __dev_printk(KERN_DEBUG, dev, fmt, args)


def dev_WARN(dev, fmt, *args):
    """include/linux/device.h: dev_WARN() — a WARNING whose message names the device."""
    return WARN(1, "%s %s: " + fmt, dev_driver_string(dev), dev_name(dev), *args)

