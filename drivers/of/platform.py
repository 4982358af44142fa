# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/platform.c: creating devices from the device tree (``of_platform_populate``).

At ``arch_initcall_sync`` level ``of_platform_default_populate_init`` walks the root's
children: a node without ``compatible`` is skipped; an ``arm,primecell`` node becomes
an AMBA device (its register window claimed in iomem); any other node becomes a platform
device (its ``reg`` ranges become resources but are *not* claimed in iomem), and if it is
a bus (``simple-bus``, ``simple-mfd``, ``isa``, ``arm,amba-bus``) its children are
populated the same way. Devices are named after their translated address
(``1001f000.clcd``), or after the path for nodes without one (``smb@4000000:motherboard``).
Every device gets its DMA set-up from the tree (``of_dma_configure``).

Model: AMBA devices are platform-style devices (see drivers/amba/bus.py); the interrupt
resources of a node are not made (there is no interrupt controller model, so
``of_irq_count`` is 0).
"""

import attrs

from cmaport.drivers.amba.bus import amba_device_add
from cmaport.drivers.base.core import dev_set_name, put_device
from cmaport.drivers.base.platform import platform_bus, platform_bus_type, platform_device_alloc, \
    platform_device_put
from cmaport.drivers.of.address import of_address_to_resource, of_translate_address
from cmaport.drivers.of.base import (of_device_is_available, of_device_is_compatible,
                                     of_find_compatible_node, of_get_property, of_match_node)
from cmaport.drivers.of.device import of_device_add, of_dma_configure
from cmaport.include.linux.device import dev_name, field_ptr
from cmaport.include.linux.errno import EINVAL
from cmaport.include.linux.init import arch_initcall_sync
from cmaport.include.linux.ioport import IORESOURCE_MEM, resource
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.of import (OF_BAD_ADDR, OF_POPULATED, OF_POPULATED_BUS,
                                      for_each_child_of_node, of_find_node_by_path,
                                      of_have_populated_dt, of_node_check_flag,
                                      of_node_clear_flag, of_node_get, of_node_put,
                                      of_node_set_flag, of_node_test_and_set_flag, of_read_ulong)
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.panic import WARN_ON
from cmaport.kernel.printk import pr_helpers

pr_fmt = "OF: "
_pr = pr_helpers(pr_fmt)

# drivers/of/platform.c: of_default_bus_match_table[] ("arm,amba-bus" only with
# CONFIG_ARM_AMBA; the end of the tuple is the sentinel)
_DEFAULT_BUS_MATCHES = (
    of_device_id(compatible="simple-bus"),
    of_device_id(compatible="simple-mfd"),
    of_device_id(compatible="isa"),
)
_AMBA_BUS_MATCH = (of_device_id(compatible="arm,amba-bus"),)


def of_default_bus_match_table():
    """drivers/of/platform.c: of_default_bus_match_table[] for this machine's configuration."""
    if IS_ENABLED("CONFIG_ARM_AMBA"):
        return _DEFAULT_BUS_MATCHES + _AMBA_BUS_MATCH
    return _DEFAULT_BUS_MATCHES


@attrs.frozen
class of_dev_auxdata:
    """include/linux/of_platform.h: struct of_dev_auxdata — a name/platform_data override by compatible and address."""

    compatible: str = None
    phys_addr: int = 0
    name: str = None
    platform_data: object = None


def of_dev_node_match(dev, data):
    """drivers/of/platform.c: of_dev_node_match()."""
    return dev.of_node is data


def of_find_device_by_node(np):
    """drivers/of/platform.c: of_find_device_by_node() — the platform device made from ``np``, or ``None``."""
    from cmaport.drivers.base.bus import bus_find_device
    from cmaport.include.linux.platform_device import to_platform_device

    dev = bus_find_device(platform_bus_type, None, np, of_dev_node_match)
    return to_platform_device(dev) if dev is not None else None


def of_device_make_bus_id(dev):
    """drivers/of/platform.c: of_device_make_bus_id() — a unique name from the address (or the path).

    A node whose ``reg`` translates to a CPU address is ``<addr>.<name>``; otherwise the
    node's own path component is prefixed and the parent is tried, and so on up the tree.
    """
    node = dev.of_node

    while node.parent is not None:
        # a translatable address is unique enough: it goes first, and that is all
        reg, _ = of_get_property(node, "reg")
        if reg is not None:
            addr = of_translate_address(node, reg)
            if addr != OF_BAD_ADDR:
                if dev_name(dev):
                    dev_set_name(dev, "%llx.%s:%s", addr, node.name, dev_name(dev))
                else:
                    dev_set_name(dev, "%llx.%s", addr, node.name)
                return

        # no address: prepend the node's path component
        tail = node.full_name[node.full_name.rfind("/") + 1:]
        if dev_name(dev):
            dev_set_name(dev, "%s:%s", tail, dev_name(dev))
        else:
            dev_set_name(dev, "%s", tail)
        node = node.parent


def of_irq_count(dev):
    """drivers/of/irq.c: of_irq_count() — Model: no interrupt controller model, so 0."""
    return 0


def of_device_alloc(np, bus_id, parent):
    """drivers/of/platform.c: of_device_alloc() — a platform device with the node's ``reg`` resources.

    :return: the ``platform_device``, or ``None``
    """
    dev = platform_device_alloc("", -1)
    if dev is None:
        return None

    # how many memory/IO ranges (and interrupts) the node has
    num_reg = 0
    temp_res = resource()
    while of_address_to_resource(np, num_reg, temp_res) == 0:
        num_reg += 1
    num_irq = of_irq_count(np)

    # the resource table
    if num_irq or num_reg:
        res = [resource() for _ in range(num_irq + num_reg)]

        dev.num_resources = num_reg + num_irq
        dev.resource = res
        for i in range(num_reg):
            rc = of_address_to_resource(np, i, res[i])
            WARN_ON(rc, line=138)
        # (of_irq_to_resource_table: no interrupts in the model)

    dev.dev.of_node = of_node_get(np)
    dev.dev.fwnode = np.fwnode
    dev.dev.parent = parent if parent is not None else platform_bus()

    if bus_id:
        dev_set_name(dev.dev, "%s", bus_id)
    else:
        of_device_make_bus_id(dev.dev)

    return dev


def of_dma_deconfigure(dev):
    """drivers/of/platform.c: of_dma_deconfigure()."""
    from cmaport.arch.arm.mm.dma_mapping import arch_teardown_dma_ops

    arch_teardown_dma_ops(dev)


def of_platform_device_create_pdata(np, bus_id, platform_data, parent):
    """drivers/of/platform.c: of_platform_device_create_pdata() — make and register a platform device.

    Disabled nodes and nodes that already have a device get none.

    :return: the ``platform_device``, or ``None``
    """
    if not of_device_is_available(np) or of_node_test_and_set_flag(np, OF_POPULATED):
        return None

    dev = of_device_alloc(np, bus_id, parent)
    if dev is None:
        of_node_clear_flag(np, OF_POPULATED)  # err_clear_flag
        return None

    dev.dev.bus = platform_bus_type
    dev.dev.platform_data = platform_data
    of_dma_configure(dev.dev, dev.dev.of_node)
    # (of_msi_configure: no MSI)

    if of_device_add(dev) != 0:
        of_dma_deconfigure(dev.dev)
        platform_device_put(dev)
        of_node_clear_flag(np, OF_POPULATED)  # err_clear_flag
        return None

    return dev


def of_platform_device_create(np, bus_id, parent):
    """drivers/of/platform.c: of_platform_device_create()."""
    return of_platform_device_create_pdata(np, bus_id, None, parent)


def of_amba_device_create(node, bus_id, platform_data, parent):
    """drivers/of/platform.c: of_amba_device_create() — a device for an ``arm,primecell`` node.

    Model: v4.9 allocates a ``struct amba_device`` on the AMBA bus; the model makes a
    platform device with the same name, resource and peripheral ID (drivers/amba/bus.py).

    :return: the device, or ``None``
    """
    _pr.debug("Creating amba device %s\n", node.full_name)

    if not of_device_is_available(node) or of_node_test_and_set_flag(node, OF_POPULATED):
        return None

    # amba_device_alloc(NULL, 0, 0): no name yet, one memory resource, dma_mask at the
    # coherent mask
    dev = platform_device_alloc("", -1)
    if dev is None:
        of_node_clear_flag(node, OF_POPULATED)
        return None
    res = resource(start=0, end=0xFFFFFFFF, flags=IORESOURCE_MEM)  # base 0, size 0: end = -1
    res.name = dev_name(dev.dev)
    dev.num_resources = 1
    dev.resource = [res]
    dev.dev.bus = platform_bus_type  # Model: &amba_bustype in v4.9
    dev.dev.dma_mask = field_ptr(dev.dev, "coherent_dma_mask")

    # the generic device fields
    dev.dev.of_node = of_node_get(node)
    dev.dev.fwnode = node.fwnode
    dev.dev.parent = parent if parent is not None else platform_bus()
    dev.dev.platform_data = platform_data
    if bus_id:
        dev_set_name(dev.dev, "%s", bus_id)
    else:
        of_device_make_bus_id(dev.dev)
    of_dma_configure(dev.dev, dev.dev.of_node)

    # the tree may give the peripheral ID instead of the hardware
    prop, _ = of_get_property(node, "arm,primecell-periphid")
    if prop is not None:
        dev.periphid = of_read_ulong(prop, 1)

    # (irq_of_parse_and_map() for each of the AMBA_NR_IRQS interrupts: no interrupt model)

    ret = of_address_to_resource(node, 0, res)
    if ret:
        _pr.err("amba: of_address_to_resource() failed (%d) for %s\n", ret, node.full_name)
        put_device(dev.dev)  # err_free: amba_device_put()
        of_node_clear_flag(node, OF_POPULATED)
        return None

    from cmaport.kernel.resource import iomem_resource

    # the platform name is the device name (as of_device_add() does for platform devices)
    dev.name = dev_name(dev.dev)
    ret = amba_device_add(dev, res, iomem_resource())
    if ret:
        _pr.err("amba_device_add() failed (%d) for %s\n", ret, node.full_name)
        put_device(dev.dev)  # err_free: amba_device_put()
        of_node_clear_flag(node, OF_POPULATED)
        return None

    return dev


def of_dev_lookup(lookup, np):
    """drivers/of/platform.c: of_dev_lookup() — the auxdata entry for a node (by compatible and address)."""
    if not lookup:
        return None

    compatible = 0
    for auxdata in lookup:
        if not auxdata.compatible:
            break
        if not of_device_is_compatible(np, auxdata.compatible):
            continue
        compatible += 1
        res = resource()
        if not of_address_to_resource(np, 0, res):
            if res.start != auxdata.phys_addr:
                continue
        _pr.debug("%s: devname=%s\n", np.full_name, auxdata.name)
        return auxdata

    if not compatible:
        return None

    # an entry without address and name matches by compatible alone
    for auxdata in lookup:
        if not auxdata.compatible:
            break
        if not of_device_is_compatible(np, auxdata.compatible):
            continue
        if not auxdata.phys_addr and not auxdata.name:
            _pr.debug("%s: compatible match\n", np.full_name)
            return auxdata

    return None


def of_platform_bus_create(bus, matches, lookup, parent, strict):
    """drivers/of/platform.c: of_platform_bus_create() — a device for ``bus``, then for its children if it is a bus.

    :return: 0 (errors of single devices are not passed on)
    """
    bus_id = None
    platform_data = None
    rc = 0

    # "strict": only nodes with a compatible get a device
    if strict and of_get_property(bus, "compatible")[0] is None:
        _pr.debug("%s() - skipping %s, no compatible prop\n", "of_platform_bus_create",
                  bus.full_name)
        return 0

    if of_node_check_flag(bus, OF_POPULATED_BUS):
        _pr.debug("%s() - skipping %s, already populated\n", "of_platform_bus_create",
                  bus.full_name)
        return 0

    auxdata = of_dev_lookup(lookup, bus)
    if auxdata is not None:
        bus_id = auxdata.name
        platform_data = auxdata.platform_data

    if of_device_is_compatible(bus, "arm,primecell"):
        # no error from here: old device trees must keep booting
        of_amba_device_create(bus, bus_id, platform_data, parent)
        return 0

    dev = of_platform_device_create_pdata(bus, bus_id, platform_data, parent)
    if dev is None or of_match_node(matches, bus) is None:
        return 0

    for child in for_each_child_of_node(bus):
        _pr.debug("   create child: %s\n", child.full_name)
        rc = of_platform_bus_create(child, matches, lookup, dev.dev, strict)
        if rc:
            of_node_put(child)
            break
    of_node_set_flag(bus, OF_POPULATED_BUS)
    return rc


def of_platform_bus_probe(root, matches, parent):
    """drivers/of/platform.c: of_platform_bus_probe() — devices for the bus children of ``root``."""
    root = of_node_get(root) if root is not None else of_find_node_by_path("/")
    if root is None:
        return -EINVAL

    _pr.debug("%s()\n", "of_platform_bus_probe")
    _pr.debug(" starting at: %s\n", root.full_name)

    rc = 0
    # the root itself may be a bus
    if of_match_node(matches, root) is not None:
        rc = of_platform_bus_create(root, matches, None, parent, False)
    else:
        for child in for_each_child_of_node(root):
            if of_match_node(matches, child) is None:
                continue
            rc = of_platform_bus_create(child, matches, None, parent, False)
            if rc:
                of_node_put(child)
                break

    of_node_put(root)
    return rc


def of_platform_populate(root, matches, lookup, parent):
    """drivers/of/platform.c: of_platform_populate() — devices for every child of ``root`` (the tree's root for ``None``)."""
    root = of_node_get(root) if root is not None else of_find_node_by_path("/")
    if root is None:
        return -EINVAL

    _pr.debug("%s()\n", "of_platform_populate")
    _pr.debug(" starting at: %s\n", root.full_name)

    rc = 0
    for child in for_each_child_of_node(root):
        rc = of_platform_bus_create(child, matches, lookup, parent, True)
        if rc:
            of_node_put(child)
            break
    of_node_set_flag(root, OF_POPULATED_BUS)

    of_node_put(root)
    return rc


def of_platform_default_populate(root, lookup, parent):
    """drivers/of/platform.c: of_platform_default_populate() — with of_default_bus_match_table."""
    return of_platform_populate(root, of_default_bus_match_table(), lookup, parent)


@arch_initcall_sync
def of_platform_default_populate_init():
    """drivers/of/platform.c: of_platform_default_populate_init() — the machine's devices from its tree.

    ``ramoops`` under ``/reserved-memory`` (which has no compatible) is created
    explicitly; then everything else.
    """
    if not of_have_populated_dt():
        from cmaport.include.linux.errno import ENODEV

        return -ENODEV

    # ramoops sits in /reserved-memory, which has no "compatible"
    node = of_find_node_by_path("/reserved-memory")
    if node is not None:
        node = of_find_compatible_node(node, None, "ramoops")
        if node is not None:
            of_platform_device_create(node, None, None)

    # everything else
    of_platform_default_populate(None, None, None)

    return 0


def of_platform_device_destroy(dev, data):
    """drivers/of/platform.c: of_platform_device_destroy() — remove a device made from the tree (and its children)."""
    from cmaport.drivers.base.core import device_for_each_child
    from cmaport.drivers.base.platform import platform_device_unregister
    from cmaport.include.linux.platform_device import to_platform_device

    # only devices populated from the tree
    if dev.of_node is None or not of_node_check_flag(dev.of_node, OF_POPULATED):
        return 0

    # the children of a bus first
    if of_node_check_flag(dev.of_node, OF_POPULATED_BUS):
        device_for_each_child(dev, None, of_platform_device_destroy)

    if dev.bus is platform_bus_type:
        # Model: AMBA devices are platform devices here, so this also covers
        # amba_device_unregister() (and releases their iomem window)
        platform_device_unregister(to_platform_device(dev))

    of_dma_deconfigure(dev)
    of_node_clear_flag(dev.of_node, OF_POPULATED)
    of_node_clear_flag(dev.of_node, OF_POPULATED_BUS)
    return 0


def of_platform_depopulate(parent):
    """drivers/of/platform.c: of_platform_depopulate() — remove the tree's devices below ``parent``."""
    from cmaport.drivers.base.core import device_for_each_child

    if parent.of_node is not None and of_node_check_flag(parent.of_node, OF_POPULATED_BUS):
        device_for_each_child(parent, None, of_platform_device_destroy)
        of_node_clear_flag(parent.of_node, OF_POPULATED_BUS)
