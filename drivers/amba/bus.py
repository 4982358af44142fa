# SPDX-License-Identifier: GPL-2.0-only
"""drivers/amba/bus.c (+ include/linux/amba/bus.h): the AMBA (PrimeCell) devices, as modelled.

v4.9 puts every ``arm,primecell`` node on its own AMBA bus: ``amba_device_add`` claims the
device's register window in iomem (so /proc/iomem lists it under the node's full path),
reads the PrimeCell peripheral ID from the last 32 bytes of the window (clocks on), and
registers the device; AMBA drivers match on that ID.

Model: there is no AMBA bus. An AMBA device is a platform device (include/linux/
platform_device.py) with the same name (``1001f000.clcd``), the same resource claimed in
iomem, and its peripheral ID in ``periphid``; drivers that v4.9 has as AMBA drivers
match it by the device tree's compatible instead of the ID. The simulated hardware has
no clocks and no PrimeCell ID registers: the "read" gives the ID of the part the node's
compatible names (``arm,plNNN``/``arm,spNNN`` → part 0xNNN, designer 0x41 (ARM), the
revision QEMU's model of the part reports, else 0); ``arm,primecell-periphid`` in the
tree overrides it, as in v4.9.
"""

import re

from cmaport.include.linux.errno import ENODEV
from cmaport.include.linux.ioport import request_mem_region, release_mem_region, resource_size
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")

AMBA_NR_IRQS = 9
AMBA_CID = 0xB105F00D
CORESIGHT_CID = 0xB105900D

# Model: revisions of the parts as QEMU's device models report them (ID register 2 bits 7:4)
_PRIMECELL_REVISION = {0x111: 2, 0x011: 1, 0x031: 1, 0x061: 1, 0x804: 1, 0x805: 1}
_PRIMECELL_COMPAT = re.compile(r"^arm,(?:pl|sp)([0-9]{3})$")


def amba_rev(d):
    """include/linux/amba/bus.h: amba_rev() — the revision field of the peripheral ID."""
    return (d.periphid >> 20) & 0x0F


def amba_manf(d):
    """include/linux/amba/bus.h: amba_manf() — the designer code (0x41 is ARM)."""
    return (d.periphid >> 12) & 0xFF


def amba_part(d):
    """include/linux/amba/bus.h: amba_part() — the part number."""
    return d.periphid & 0xFFF


def amba_config(d):
    """include/linux/amba/bus.h: amba_config()."""
    return (d.periphid >> 24) & 0xFF


def _model_read_periphid(dev):
    """Model-only: the peripheral ID "read" from the device (see the module notes); 0 if unknown."""
    from cmaport.drivers.of.base import of_prop_next_string, __of_find_property
    from cmaport.include.linux.of import of_prop_string_at

    prop, _ = __of_find_property(dev.dev.of_node, "compatible")
    cp = of_prop_next_string(prop, None)
    while cp is not None:
        m = _PRIMECELL_COMPAT.match(of_prop_string_at(prop, cp))
        if m:
            part = int(m.group(1), 16)
            return (_PRIMECELL_REVISION.get(part, 0) << 20) | (0x41 << 12) | part
        cp = of_prop_next_string(prop, cp)
    return 0


def amba_device_try_add(dev, res, parent):
    """drivers/amba/bus.c: amba_device_try_add() — claim the window, identify the part, add the device.

    :param dev: the (platform-style) device; ``res`` its one memory resource
    :return: 0, or an error (the window is released again)
    """
    from cmaport.drivers.base.core import device_add
    from cmaport.kernel.resource import release_resource, request_resource

    ret = request_resource(parent, res)
    if ret:
        return ret

    # an ID given by the device tree: no need to ask the hardware
    if dev.periphid == 0:
        # Model: ioremap of the window, the PM domain and the apb_pclk clock are not
        # modelled; the ID registers "read" as the part the compatible names.
        dev.periphid = _model_read_periphid(dev)

        if not dev.periphid:
            ret = -ENODEV

        if ret:
            release_resource(res)
            return ret

    # skip_probe:
    ret = device_add(dev.dev)
    if ret:
        release_resource(res)
        return ret

    # (the irq0/irq1 attribute files are sysfs)
    return ret


def amba_device_add(dev, res, parent):
    """drivers/amba/bus.c: amba_device_add() — Model: no deferral (there are no clocks to wait for)."""
    return amba_device_try_add(dev, res, parent)


def amba_request_regions(dev, name):
    """drivers/amba/bus.c: amba_request_regions() — claim the device's window for its driver.

    :param name: the owner's name, ``None`` for the driver's name
    :return: 0, or ``-EBUSY``
    """
    from cmaport.include.linux.errno import EBUSY

    ret = 0

    if name is None:
        name = dev.dev.driver.name

    res = dev.resource[0]
    size = resource_size(res)

    if request_mem_region(res.start, size, name) is None:
        ret = -EBUSY

    return ret


def amba_release_regions(dev):
    """drivers/amba/bus.c: amba_release_regions()."""
    res = dev.resource[0]
    size = resource_size(res)
    release_mem_region(res.start, size)
