# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/of.h: ``struct device_node``, ``struct property`` and the inline helpers.

After ``unflatten_device_tree()`` (drivers/of/fdt.py) the device tree is a tree of
``device_node`` objects linked as in C (``parent``, ``child``, ``sibling``; the properties
of a node form a singly linked list through ``property.next``). The functions that walk
it are in drivers/of/base.py; the small ``static inline`` helpers of of.h are here.

Model:

* A property value (C: ``void *value``) is the ``bytes`` copied from the blob; a
  ``const __be32 *`` cursor into it is the ``bytes`` from that cell on, as in
  drivers/of/fdt.py. A ``const char *`` into a string-list property is its offset in
  the value (``of_prop_next_string``).
* Node names, types and full names are ``str``.
* Output parameters come back as tuples: ``of_property_read_u32(np, name)`` returns
  ``(ret, value)`` (``value`` is ``None`` where C leaves ``*out_value`` alone);
  ``of_get_property(np, name)`` returns ``(value, len)`` like
  ``of_get_flat_dt_prop`` (``len`` is ``None`` where C leaves ``*lenp`` alone).
* ``struct kobject kobj`` and ``struct fwnode_handle fwnode`` are not modelled beyond
  what the code reads (``fwnode`` is the node itself); with ``CONFIG_OF_DYNAMIC`` unset
  (multi_v7_defconfig) ``of_node_get``/``of_node_put`` are the no-op reference counters
  of of.h.
"""

import attrs

from cmaport.drivers.of.fdt import _cstr, _str, _strcasecmp, of_read_number

phandle = int  # typedef u32 phandle

# include/linux/of.h: flag bits of device_node._flags
OF_DYNAMIC = 1  # node and properties were allocated via kmalloc
OF_DETACHED = 2  # node has been detached from the device tree
OF_POPULATED = 3  # a device was created for the node
OF_POPULATED_BUS = 4  # of_platform_populate went down into the node's children

OF_BAD_ADDR = 0xFFFFFFFFFFFFFFFF  # ((u64)-1)

OF_ROOT_NODE_ADDR_CELLS_DEFAULT = 1
OF_ROOT_NODE_SIZE_CELLS_DEFAULT = 1

MAX_PHANDLE_ARGS = 16

# include/linux/fwnode.h: enum fwnode_type
FWNODE_INVALID, FWNODE_OF, FWNODE_ACPI, FWNODE_ACPI_DATA, FWNODE_ACPI_STATIC, FWNODE_PDATA, \
    FWNODE_IRQCHIP = range(7)

# Model: sizeof() of the structures unflatten_device_tree() allocates, for a v4.9
# multi_v7 build (32-bit pointers, no CONFIG_DEBUG_LOCK_ALLOC / DEBUG_KOBJECT_RELEASE,
# no SPARC fields). They decide how many bytes the unflattened tree takes from memblock.
# struct property: name, length, value, next, _flags, unique_id (6 x 4) + struct
# bin_attribute (struct attribute 8, size, private, read, write, mmap: 28) = 52.
SIZEOF_PROPERTY = 52
# struct device_node: name, type, phandle, full_name (16), fwnode (8), properties,
# deadprops, parent, child, sibling (20), struct kobject (36), _flags, data (8) = 88.
SIZEOF_DEVICE_NODE = 88
ALIGNOF_DEVICE_NODE = 4
ALIGNOF_PROPERTY = 4


@attrs.define(slots=True, eq=False)
class property:
    """include/linux/of.h: struct property — one property of a node (a linked-list cell)."""

    name: str = None
    length: int = 0
    value: bytes = None
    next: object = None
    _flags: int = 0
    unique_id: int = 0

    def __repr__(self):
        return f"<property {self.name} len={self.length}>"


@attrs.define(slots=True, eq=False)
class fwnode_handle:
    """include/linux/fwnode.h: struct fwnode_handle."""

    type: int = FWNODE_INVALID
    secondary: object = None


@attrs.define(slots=True, eq=False)
class device_node:
    """include/linux/of.h: struct device_node — one node of the unflattened tree.

    ``name`` is the node name without unit address (``clcd``), ``type`` its
    ``device_type`` (``"<NULL>"`` when it has none), ``full_name`` its path
    (``/smb@4000000/motherboard/iofpga@7,0/clcd@1f000``).
    """

    name: str = None
    type: str = None
    phandle: int = 0
    full_name: str = None
    fwnode: fwnode_handle = attrs.Factory(fwnode_handle)
    properties: object = None
    deadprops: object = None
    parent: object = None
    child: object = None
    sibling: object = None
    _flags: int = 0
    data: object = None

    def __repr__(self):
        return f"<device_node {self.full_name}>"


@attrs.define(slots=True, eq=False)
class of_phandle_args:
    """include/linux/of.h: struct of_phandle_args — a phandle and its argument cells."""

    np: object = None
    args_count: int = 0
    args: list = attrs.Factory(lambda: [0] * MAX_PHANDLE_ARGS)


@attrs.define(slots=True, eq=False)
class of_phandle_iterator:
    """include/linux/of.h: struct of_phandle_iterator.

    Model: ``list_end``, ``phandle_end`` and ``cur`` are cell indexes into ``list``
    (the property value), not pointers.
    """

    cells_name: str = None
    cell_count: int = 0
    parent: object = None
    list: bytes = None
    list_end: int = 0
    phandle_end: int = 0
    cur: int = 0
    cur_count: int = 0
    phandle: int = 0
    node: object = None


def of_node_init(node):
    """include/linux/of.h: of_node_init() — mark the fwnode as an OF node (no kobject)."""
    node.fwnode.type = FWNODE_OF


def of_node_get(node):
    """include/linux/of.h: of_node_get() — !CONFIG_OF_DYNAMIC: no reference counting."""
    return node


def of_node_put(node):
    """include/linux/of.h: of_node_put() — !CONFIG_OF_DYNAMIC: nothing to drop."""
    return None


def of_node_check_flag(n, flag):
    """include/linux/of.h: of_node_check_flag() — test_bit(flag, &n->_flags)."""
    return bool(n._flags & (1 << flag))


def of_node_test_and_set_flag(n, flag):
    """include/linux/of.h: of_node_test_and_set_flag()."""
    old = bool(n._flags & (1 << flag))
    n._flags |= 1 << flag
    return old


def of_node_set_flag(n, flag):
    """include/linux/of.h: of_node_set_flag()."""
    n._flags |= 1 << flag


def of_node_clear_flag(n, flag):
    """include/linux/of.h: of_node_clear_flag()."""
    n._flags &= ~(1 << flag)


def of_node_full_name(np):
    """include/linux/of.h: of_node_full_name() — ``"<no-node>"`` for NULL."""
    return np.full_name if np is not None else "<no-node>"


def of_node_is_root(node):
    """include/linux/of.h: of_node_is_root()."""
    return node is not None and node.parent is None


def is_of_node(fwnode):
    """include/linux/of.h: is_of_node()."""
    return fwnode is not None and fwnode.type == FWNODE_OF


def of_have_populated_dt():
    """include/linux/of.h: of_have_populated_dt() — is there an unflattened tree?"""
    from cmaport.drivers.of.base import base_c

    return base_c.get().of_root is not None


def of_read_ulong(cell, size):
    """include/linux/of.h: of_read_ulong() — of_read_number() cut to an unsigned long."""
    return of_read_number(cell, size) & 0xFFFFFFFF


def of_compat_cmp(s1, s2, l):
    """include/linux/of.h: of_compat_cmp() — strcasecmp() (``l`` is ignored, as in C)."""
    return _strcasecmp(_b(s1), _b(s2))


def of_prop_cmp(s1, s2):
    """include/linux/of.h: of_prop_cmp() — strcmp()."""
    return (s1 > s2) - (s1 < s2)


def of_node_cmp(s1, s2):
    """include/linux/of.h: of_node_cmp() — strcasecmp()."""
    return _strcasecmp(_b(s1), _b(s2))


def _b(s):
    """Model-only: a C string as ``bytes`` (for the byte-wise strcasecmp)."""
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def of_prop_string_at(prop, cur):
    """Model-only: the C string at offset ``cur`` of a property value (as ``str``)."""
    return _str(_cstr(prop.value[cur:]))


def for_each_property_of_node(dn):
    """include/linux/of.h: for_each_property_of_node() — the node's property list."""
    pp = dn.properties
    while pp is not None:
        yield pp
        pp = pp.next


def for_each_child_of_node(parent):
    """include/linux/of.h: for_each_child_of_node() — through of_get_next_child()."""
    from cmaport.drivers.of.base import of_get_next_child

    child = of_get_next_child(parent, None)
    while child is not None:
        yield child
        child = of_get_next_child(parent, child)


def for_each_of_allnodes_from(frm):
    """include/linux/of.h: for_each_of_allnodes_from() — depth first, after ``frm``."""
    from cmaport.drivers.of.base import __of_find_all_nodes

    dn = __of_find_all_nodes(frm)
    while dn is not None:
        yield dn
        dn = __of_find_all_nodes(dn)


def for_each_of_allnodes():
    """include/linux/of.h: for_each_of_allnodes() — every node, depth first from the root."""
    return for_each_of_allnodes_from(None)


def of_find_node_by_path(path):
    """include/linux/of.h: of_find_node_by_path() — of_find_node_opts_by_path(path, NULL)."""
    from cmaport.drivers.of.base import of_find_node_opts_by_path

    return of_find_node_opts_by_path(path)[0]


def of_property_read_u32_array(np, propname, sz):
    """include/linux/of.h: of_property_read_u32_array() — exactly ``sz`` cells (or more).

    :return: ``(0, values)``, or ``(-EINVAL | -ENODATA | -EOVERFLOW, None)``
    """
    from cmaport.drivers.of.base import of_property_read_variable_u32_array

    ret, values = of_property_read_variable_u32_array(np, propname, sz, 0)
    if ret >= 0:
        return 0, values
    else:
        return ret, None


def of_property_read_u32(np, propname):
    """include/linux/of.h: of_property_read_u32() — the first cell of a property.

    :return: ``(0, value)`` or ``(error, None)``
    """
    ret, values = of_property_read_u32_array(np, propname, 1)
    return ret, (values[0] if values is not None else None)


def of_property_read_bool(np, propname):
    """include/linux/of.h: of_property_read_bool() — does the property exist?"""
    from cmaport.drivers.of.base import of_find_property

    prop, _ = of_find_property(np, propname)
    return True if prop is not None else False


def of_property_read_string_index(np, propname, index):
    """include/linux/of.h: of_property_read_string_index() — the index-th string of a list.

    :return: ``(0, str)`` or ``(error, None)``
    """
    from cmaport.drivers.of.base import of_property_read_string_helper

    rc, strs = of_property_read_string_helper(np, propname, True, 1, index)
    return (rc if rc < 0 else 0), (strs[0] if rc >= 0 else None)


def of_property_count_strings(np, propname):
    """include/linux/of.h: of_property_count_strings()."""
    from cmaport.drivers.of.base import of_property_read_string_helper

    return of_property_read_string_helper(np, propname, False, 0, 0)[0]

