# SPDX-License-Identifier: GPL-2.0-only
"""lib/fdt_ro.c (scripts/dtc/libfdt/fdt_ro.c): read-only access to a flattened device tree.

Conventions (see lib/fdt.py): ``fdt`` is the blob (``bytes``); node and property
offsets are structure-block offsets; errors are negative ``FDT_ERR_*`` codes. Names and
paths may be passed as ``str`` or ``bytes``; what comes out of the blob (names, strings,
property values) is ``bytes``. Where C returns a pointer and fills ``*lenp``, the port
returns ``(value, len)``: ``value`` is the bytes (``None`` for NULL) and ``len`` the
length or the negative error; other output parameters follow the return value in the
tuple the same way.

Model: C reads a string until its NUL, and a property value that lacks one is read on
into the blob. In a well-formed blob the byte after a value is always 0 (padding, or the
high byte of the big-endian tag that follows), so the port ends such a string at the
end of the value, which gives the same result.

Left out (not used by the kernel code in scope): fdt_node_offset_by_prop_value(),
fdt_stringlist_count/search/get(), fdt_get_property_namelen's writable twins.
"""

from cmaport.include.linux.libfdt import (
    FDT_ERR_BADOFFSET, FDT_ERR_BADPATH, FDT_ERR_BADPHANDLE, FDT_ERR_BADSTRUCTURE,
    FDT_ERR_INTERNAL, FDT_ERR_NOSPACE, FDT_ERR_NOTFOUND, FDT_END, FDT_NOP, FDT_PROP,
    FDT_TAGSIZE, SIZEOF_FDT_PROPERTY, _fdt_mem_rsv, _fdt_offset_ptr, fdt32_to_cpu,
    fdt_off_dt_strings, fdt_property,
)
from cmaport.lib.fdt import (
    _fdt_check_node_offset, _fdt_check_prop_offset, fdt_check_header, fdt_next_node,
    fdt_next_tag, fdt_offset_ptr,
)


def _bytes(s):
    """Model-only: a name argument (``str`` or ``bytes``) as bytes."""
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def _cstr_arg(s):
    """Model-only: a C string argument as the bytes up to its NUL (what strlen() measures)."""
    return _cstring(_bytes(s))


def _strlen_at(fdt, absoffset):
    """Model-only: strlen() of the C string at a buffer offset (the buffer end stops it)."""
    if absoffset < 0 or absoffset >= len(fdt):
        return 0
    nul = fdt.find(b"\0", absoffset)
    return (nul if nul >= 0 else len(fdt)) - absoffset


def _cstring(value):
    """Model-only: the C string at the start of ``value`` (up to its first NUL)."""
    nul = value.find(b"\0")
    return value if nul < 0 else value[:nul]


def _fdt_nodename_eq(fdt, offset, s, len_):
    """scripts/dtc/libfdt/fdt_ro.c: _fdt_nodename_eq() — does the node's name match ``s``?

    A name without a unit address also matches a node name that has one
    (``"memory"`` matches ``memory@40000000``).
    """
    p = fdt_offset_ptr(fdt, offset + FDT_TAGSIZE, len_ + 1)

    if p is None:
        return 0  # the blob ends inside the name: no match

    if p[:len_] != s[:len_]:
        return 0

    if p[len_] == 0:
        return 1
    elif b"@" not in s[:len_] and p[len_] == ord("@"):
        return 1
    else:
        return 0


def fdt_string(fdt, stroffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_string() — a string of the strings block (unchecked).

    :param stroffset: the offset in the strings block (a C ``int``: a ``nameoff`` of
        2^31 or more is negative, as in C)
    :return: the bytes of the string, without its NUL
    """
    if stroffset > 0x7FFFFFFF:
        stroffset -= 1 << 32
    start = fdt_off_dt_strings(fdt) + stroffset
    return fdt[start:start + _strlen_at(fdt, start)] if 0 <= start < len(fdt) else b""


def _fdt_string_eq(fdt, stroffset, s, len_):
    """scripts/dtc/libfdt/fdt_ro.c: _fdt_string_eq() — is string ``stroffset`` exactly ``s``?"""
    p = fdt_string(fdt, stroffset)
    return len(p) == len_ and p[:len_] == s[:len_]


def fdt_get_mem_rsv(fdt, n):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_mem_rsv() — memory reservation entry ``n``.

    ``n`` is not checked against the number of entries (as in C).

    :return: ``(err, address, size)``; ``address`` and ``size`` are ``None`` on error
    """
    err = fdt_check_header(fdt)
    if err != 0:
        return err, None, None
    address, size = _fdt_mem_rsv(fdt, n)
    return 0, address, size


def fdt_num_mem_rsv(fdt):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_num_mem_rsv() — entries before the zero-size terminator."""
    i = 0
    while _fdt_mem_rsv(fdt, i)[1] != 0:
        i += 1
    return i


def _nextprop(fdt, offset):
    """scripts/dtc/libfdt/fdt_ro.c: _nextprop() — the first property at or after ``offset``.

    :return: its offset; ``-FDT_ERR_NOTFOUND`` when a node or END_NODE comes first
    """
    while True:
        tag, nextoffset = fdt_next_tag(fdt, offset)

        if tag == FDT_END:
            if nextoffset >= 0:
                return -FDT_ERR_BADSTRUCTURE
            return nextoffset
        elif tag == FDT_PROP:
            return offset

        offset = nextoffset
        if tag != FDT_NOP:
            break

    return -FDT_ERR_NOTFOUND


def fdt_subnode_offset_namelen(fdt, offset, name, namelen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_subnode_offset_namelen() — a child by name.

    :return: the child's offset, ``-FDT_ERR_NOTFOUND``, or an error of the walk
    """
    err = fdt_check_header(fdt)
    if err != 0:
        return err
    name = _bytes(name)

    depth = 0
    while offset >= 0 and depth >= 0:
        if depth == 1 and _fdt_nodename_eq(fdt, offset, name, namelen):
            return offset
        offset, depth = fdt_next_node(fdt, offset, depth)

    if depth < 0:
        return -FDT_ERR_NOTFOUND
    return offset  # an error from the walk


def fdt_subnode_offset(fdt, parentoffset, name):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_subnode_offset()."""
    name = _cstr_arg(name)
    return fdt_subnode_offset_namelen(fdt, parentoffset, name, len(name))


def fdt_path_offset_namelen(fdt, path, namelen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_path_offset_namelen() — a node by path (or alias).

    A path that does not start with ``/`` begins with an alias name from ``/aliases``.

    :return: the node's offset, ``-FDT_ERR_NOTFOUND``, ``-FDT_ERR_BADPATH`` (unknown alias)
        or an error of the walk
    """
    path = _bytes(path)
    end = namelen
    p = 0
    offset = 0

    err = fdt_check_header(fdt)
    if err != 0:
        return err

    # the first component may be an alias
    if path[:1] != b"/":
        q = path.find(b"/", p, end)
        if q < 0:
            q = end

        alias = fdt_get_alias_namelen(fdt, path[p:], q - p)
        if alias is None:
            return -FDT_ERR_BADPATH
        offset = fdt_path_offset(fdt, _cstring(alias))

        p = q

    while p < end:
        while path[p:p + 1] == b"/":
            p += 1
            if p == end:
                return offset
        q = path.find(b"/", p, end)
        if q < 0:
            q = end

        offset = fdt_subnode_offset_namelen(fdt, offset, path[p:], q - p)
        if offset < 0:
            return offset

        p = q

    return offset


def fdt_path_offset(fdt, path):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_path_offset()."""
    path = _cstr_arg(path)
    return fdt_path_offset_namelen(fdt, path, len(path))


def fdt_get_name(fdt, nodeoffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_name() — the name of a node (with unit address).

    :return: ``(name, len)``, or ``(None, error)``
    """
    nh = _fdt_offset_ptr(fdt, nodeoffset)

    err = fdt_check_header(fdt)
    if err != 0:
        return None, err
    err = _fdt_check_node_offset(fdt, nodeoffset)
    if err < 0:
        return None, err

    name_at = nh + FDT_TAGSIZE
    length = _strlen_at(fdt, name_at)
    return fdt[name_at:name_at + length], length


def fdt_first_property_offset(fdt, nodeoffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_first_property_offset() — a node's first property.

    :return: its offset, ``-FDT_ERR_NOTFOUND`` when the node has none, or an error
    """
    offset = _fdt_check_node_offset(fdt, nodeoffset)
    if offset < 0:
        return offset
    return _nextprop(fdt, offset)


def fdt_next_property_offset(fdt, offset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_next_property_offset() — the property after ``offset``."""
    offset = _fdt_check_prop_offset(fdt, offset)
    if offset < 0:
        return offset
    return _nextprop(fdt, offset)


def fdt_get_property_by_offset(fdt, offset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_property_by_offset() — the property at ``offset``.

    :return: ``(struct fdt_property, len)``, or ``(None, error)``
    """
    err = _fdt_check_prop_offset(fdt, offset)
    if err < 0:
        return None, err

    at = _fdt_offset_ptr(fdt, offset)
    head = fdt[at:at + SIZEOF_FDT_PROPERTY]
    length = fdt32_to_cpu(head[4:8])
    data_at = at + SIZEOF_FDT_PROPERTY
    prop = fdt_property(fdt32_to_cpu(head[0:4]), length, fdt32_to_cpu(head[8:12]),
                        fdt[data_at:data_at + length])
    return prop, prop.len


def fdt_get_property_namelen(fdt, offset, name, namelen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_property_namelen() — a property of a node by name.

    :return: ``(struct fdt_property, len)``, or ``(None, error)`` (``-FDT_ERR_NOTFOUND``
        when the node has no such property)
    """
    name = _bytes(name)
    lenp = None
    offset = fdt_first_property_offset(fdt, offset)
    while offset >= 0:
        prop, lenp = fdt_get_property_by_offset(fdt, offset)
        if prop is None:
            offset = -FDT_ERR_INTERNAL
            break
        if _fdt_string_eq(fdt, prop.nameoff, name, namelen):
            return prop, lenp
        offset = fdt_next_property_offset(fdt, offset)

    return None, offset


def fdt_get_property(fdt, nodeoffset, name):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_property()."""
    name = _cstr_arg(name)
    return fdt_get_property_namelen(fdt, nodeoffset, name, len(name))


def fdt_getprop_namelen(fdt, nodeoffset, name, namelen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_getprop_namelen() — a property's value by name.

    :return: ``(value, len)``, or ``(None, error)``
    """
    prop, lenp = fdt_get_property_namelen(fdt, nodeoffset, name, namelen)
    if prop is None:
        return None, lenp
    return prop.data, lenp


def fdt_getprop_by_offset(fdt, offset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_getprop_by_offset() — value and name of a property.

    :return: ``(value, name, len)``, or ``(None, None, error)``
    """
    prop, lenp = fdt_get_property_by_offset(fdt, offset)
    if prop is None:
        return None, None, lenp
    return prop.data, fdt_string(fdt, prop.nameoff), lenp


def fdt_getprop(fdt, nodeoffset, name):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_getprop() — a property's value by name.

    :return: ``(value, len)``, or ``(None, error)``
    """
    name = _cstr_arg(name)
    return fdt_getprop_namelen(fdt, nodeoffset, name, len(name))


def fdt_get_phandle(fdt, nodeoffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_phandle() — ``phandle`` (or ``linux,phandle``).

    :return: the phandle, or 0 when the node has none of exactly one cell
    """
    php, length = fdt_getprop(fdt, nodeoffset, "phandle")
    if php is None or length != 4:
        php, length = fdt_getprop(fdt, nodeoffset, "linux,phandle")
        if php is None or length != 4:
            return 0
    return fdt32_to_cpu(php)


def fdt_get_alias_namelen(fdt, name, namelen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_alias_namelen() — a ``/aliases`` value, or ``None``."""
    aliasoffset = fdt_path_offset(fdt, "/aliases")
    if aliasoffset < 0:
        return None
    return fdt_getprop_namelen(fdt, aliasoffset, name, namelen)[0]


def fdt_get_alias(fdt, name):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_alias()."""
    name = _cstr_arg(name)
    return fdt_get_alias_namelen(fdt, name, len(name))


def fdt_get_path(fdt, nodeoffset, buflen):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_get_path() — the full path of a node.

    :param buflen: the size of the C buffer (the path and its NUL must fit)
    :return: ``(0, path)`` or ``(error, None)``
    """
    err = fdt_check_header(fdt)
    if err != 0:
        return err, None

    if buflen < 2:
        return -FDT_ERR_NOSPACE, None

    buf = bytearray(buflen)
    pdepth = 0
    p = 0
    offset, depth = 0, 0
    while offset >= 0 and offset <= nodeoffset:
        while pdepth > depth:
            # drop the last component, back to the previous '/'
            while True:
                p -= 1
                if buf[p - 1] == ord("/"):
                    break
            pdepth -= 1

        if pdepth >= depth:
            name, namelen = fdt_get_name(fdt, offset)
            if name is None:
                return namelen, None
            if p + namelen + 1 <= buflen:
                buf[p:p + namelen] = name
                p += namelen
                buf[p] = ord("/")
                p += 1
                pdepth += 1

        if offset == nodeoffset:
            if pdepth < depth + 1:
                return -FDT_ERR_NOSPACE, None

            if p > 1:  # the root is "/", every other path loses its trailing '/'
                p -= 1
            buf[p] = 0
            return 0, bytes(buf[:p])

        offset, depth = fdt_next_node(fdt, offset, depth)

    if offset == -FDT_ERR_NOTFOUND or offset >= 0:
        return -FDT_ERR_BADOFFSET, None
    elif offset == -FDT_ERR_BADOFFSET:
        return -FDT_ERR_BADSTRUCTURE, None

    return offset, None  # an error from the walk


def fdt_supernode_atdepth_offset(fdt, nodeoffset, supernodedepth):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_supernode_atdepth_offset() — the ancestor at a depth.

    :return: ``(offset, nodedepth)``: the ancestor's offset (or an error) and the depth of
        ``nodeoffset`` (``None`` where C leaves ``*nodedepth`` unwritten)
    """
    supernodeoffset = -FDT_ERR_INTERNAL
    nodedepth = None

    err = fdt_check_header(fdt)
    if err != 0:
        return err, nodedepth

    if supernodedepth < 0:
        return -FDT_ERR_NOTFOUND, nodedepth

    offset, depth = 0, 0
    while offset >= 0 and offset <= nodeoffset:
        if depth == supernodedepth:
            supernodeoffset = offset

        if offset == nodeoffset:
            nodedepth = depth

            if supernodedepth > depth:
                return -FDT_ERR_NOTFOUND, nodedepth
            return supernodeoffset, nodedepth

        offset, depth = fdt_next_node(fdt, offset, depth)

    if offset == -FDT_ERR_NOTFOUND or offset >= 0:
        return -FDT_ERR_BADOFFSET, nodedepth
    elif offset == -FDT_ERR_BADOFFSET:
        return -FDT_ERR_BADSTRUCTURE, nodedepth

    return offset, nodedepth  # an error from the walk


def fdt_node_depth(fdt, nodeoffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_node_depth() — 0 for the root, or an error."""
    err, nodedepth = fdt_supernode_atdepth_offset(fdt, nodeoffset, 0)
    if err:
        return err if err < 0 else -FDT_ERR_INTERNAL
    return nodedepth


def fdt_parent_offset(fdt, nodeoffset):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_parent_offset() — the parent node, or an error."""
    nodedepth = fdt_node_depth(fdt, nodeoffset)

    if nodedepth < 0:
        return nodedepth
    return fdt_supernode_atdepth_offset(fdt, nodeoffset, nodedepth - 1)[0]


def fdt_node_offset_by_phandle(fdt, phandle):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_node_offset_by_phandle() — the node with a phandle.

    :return: its offset, ``-FDT_ERR_BADPHANDLE`` for 0 and -1 (0xffffffff),
        ``-FDT_ERR_NOTFOUND``, or an error of the walk
    """
    phandle &= 0xFFFFFFFF  # uint32_t
    if phandle == 0 or phandle == 0xFFFFFFFF:
        return -FDT_ERR_BADPHANDLE

    err = fdt_check_header(fdt)
    if err != 0:
        return err

    # a plain scan over all nodes in document order
    offset, _ = fdt_next_node(fdt, -1, None)
    while offset >= 0:
        if fdt_get_phandle(fdt, offset) == phandle:
            return offset
        offset, _ = fdt_next_node(fdt, offset, None)

    return offset  # an error from the walk


def fdt_stringlist_contains(strlist, listlen, str_):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_stringlist_contains() — is ``str_`` in the NUL-separated list?

    :param strlist: the list (a property value, ``bytes``)
    :param listlen: its length in bytes
    :return: 1 or 0
    """
    str_ = _cstr_arg(str_)
    want = str_ + b"\0"
    length = len(str_)
    pos = 0

    while listlen >= length:
        # C compares length + 1 bytes, one past a list whose last string has no NUL;
        # the byte after a value reads as 0 (see the module notes)
        chunk = strlist[pos:pos + length + 1]
        if len(chunk) < length + 1:
            chunk = bytes(chunk) + bytes(length + 1 - len(chunk))
        if chunk == want:
            return 1
        nul = strlist.find(b"\0", pos, pos + listlen)
        if nul < 0:
            return 0  # the list is not NUL-terminated
        listlen -= (nul - pos) + 1
        pos = nul + 1
    return 0


def fdt_node_check_compatible(fdt, nodeoffset, compatible):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_node_check_compatible().

    :return: 0 when the node's ``compatible`` lists ``compatible``, 1 when it does not,
        or the error of the property lookup (``-FDT_ERR_NOTFOUND`` without ``compatible``)
    """
    prop, length = fdt_getprop(fdt, nodeoffset, "compatible")
    if prop is None:
        return length

    return 0 if fdt_stringlist_contains(prop, length, compatible) else 1


def fdt_node_offset_by_compatible(fdt, startoffset, compatible):
    """scripts/dtc/libfdt/fdt_ro.c: fdt_node_offset_by_compatible() — the next compatible node.

    :param startoffset: search after this node; -1 to search the whole tree
    :return: the node's offset, ``-FDT_ERR_NOTFOUND``, or an error
    """
    err = fdt_check_header(fdt)
    if err != 0:
        return err

    # a plain scan over the nodes after startoffset
    offset, _ = fdt_next_node(fdt, startoffset, None)
    while offset >= 0:
        err = fdt_node_check_compatible(fdt, offset, compatible)
        if err < 0 and err != -FDT_ERR_NOTFOUND:
            return err
        elif err == 0:
            return offset
        offset, _ = fdt_next_node(fdt, offset, None)

    return offset  # an error from the walk
