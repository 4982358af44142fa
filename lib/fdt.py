# SPDX-License-Identifier: GPL-2.0-only
"""lib/fdt.c (scripts/dtc/libfdt/fdt.c): low-level walking of a flattened device tree.

The kernel compiles dtc's libfdt into lib/ (lib/fdt.c includes scripts/dtc/libfdt/fdt.c);
the early device-tree code reads the boot blob only through it. Offsets are offsets
into the structure block, errors are negative ``FDT_ERR_*`` codes, exactly as in
libfdt; a corrupt or truncated blob gives an error code, never an exception.

Conventions of the port:

* ``fdt`` is the blob (``bytes``).
* A C pointer into the blob comes back as the bytes it points at (``fdt_offset_ptr``) or
  as ``None`` for NULL.
* C output parameters come back in a tuple after the return value:
  ``fdt_next_tag(fdt, offset)`` → ``(tag, nextoffset)``;
  ``fdt_next_node(fdt, offset, depth)`` → ``(offset, depth)``, where ``depth=None``
  stands for a NULL ``int *depth`` (and stays ``None``).

Left out: fdt_move() and _fdt_find_string() (used only by the write side).
"""

from cmaport.include.linux.libfdt import (
    FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_ERR_BADMAGIC, FDT_ERR_BADOFFSET,
    FDT_ERR_BADSTATE, FDT_ERR_BADSTRUCTURE, FDT_ERR_BADVERSION, FDT_ERR_NOTFOUND,
    FDT_ERR_TRUNCATED, FDT_FIRST_SUPPORTED_VERSION, FDT_LAST_SUPPORTED_VERSION, FDT_MAGIC,
    FDT_NOP, FDT_PROP, FDT_SW_MAGIC, FDT_TAGALIGN, FDT_TAGSIZE, SIZEOF_FDT_PROPERTY,
    fdt32_to_cpu, fdt_last_comp_version, fdt_magic, fdt_off_dt_struct, fdt_size_dt_struct,
    fdt_totalsize, fdt_version,
)

_U32 = 0xFFFFFFFF
_INT_MAX = 0x7FFFFFFF


def fdt_check_header(fdt):
    """scripts/dtc/libfdt/fdt.c: fdt_check_header() — does ``fdt`` look like a usable blob?

    :return: 0, ``-FDT_ERR_BADMAGIC``, ``-FDT_ERR_BADVERSION``, ``-FDT_ERR_BADSTATE``, or
        (model) ``-FDT_ERR_TRUNCATED``
    """
    if fdt_magic(fdt) == FDT_MAGIC:
        # a finished tree: the version must be one this libfdt reads
        if fdt_version(fdt) < FDT_FIRST_SUPPORTED_VERSION:
            return -FDT_ERR_BADVERSION
        if fdt_last_comp_version(fdt) > FDT_LAST_SUPPORTED_VERSION:
            return -FDT_ERR_BADVERSION
    elif fdt_magic(fdt) == FDT_SW_MAGIC:
        # a tree still under sequential construction
        if fdt_size_dt_struct(fdt) == 0:
            return -FDT_ERR_BADSTATE
    else:
        return -FDT_ERR_BADMAGIC

    # Model: v4.9 cannot know the size of the buffer and reads on past its end; the port
    # knows it, and refuses a header that claims more bytes than the buffer holds (the
    # code later libfdt returns for this, in fdt_check_full()).
    if fdt_totalsize(fdt) > len(fdt):
        return -FDT_ERR_TRUNCATED
    return 0


def fdt_offset_ptr(fdt, offset, checklen):
    """scripts/dtc/libfdt/fdt.c: fdt_offset_ptr() — ``checklen`` bytes at a structure offset.

    The range must lie inside ``totalsize`` and, for version 17 blobs, inside the
    structure block. The C arithmetic is unsigned 32-bit and the overflow checks are
    kept as such.

    :return: the bytes, or ``None`` (NULL) when the range is not inside the blob
    """
    uoffset = offset & _U32  # the int offset compared with unsigned values
    absoffset = (uoffset + fdt_off_dt_struct(fdt)) & _U32

    if (absoffset < uoffset
            or ((absoffset + checklen) & _U32) < absoffset
            or ((absoffset + checklen) & _U32) > fdt_totalsize(fdt)):
        return None

    if fdt_version(fdt) >= 0x11:
        if (((uoffset + checklen) & _U32) < uoffset
                or ((uoffset + checklen) & _U32) > fdt_size_dt_struct(fdt)):
            return None

    # Model: the header may claim more than the buffer holds (see fdt_check_header()).
    if absoffset + checklen > len(fdt):
        return None
    return fdt[absoffset:absoffset + checklen]


def fdt_next_tag(fdt, startoffset):
    """scripts/dtc/libfdt/fdt.c: fdt_next_tag() — the tag at ``startoffset`` and what follows it.

    :return: ``(tag, nextoffset)``. A premature end, a truncated item or an unknown tag
        give ``FDT_END`` with ``nextoffset`` = ``-FDT_ERR_TRUNCATED`` (no room for a tag)
        or ``-FDT_ERR_BADSTRUCTURE``.
    """
    offset = startoffset

    nextoffset = -FDT_ERR_TRUNCATED
    tagp = fdt_offset_ptr(fdt, offset, FDT_TAGSIZE)
    if tagp is None:
        return FDT_END, nextoffset  # the blob ends before this tag
    tag = fdt32_to_cpu(tagp)
    offset += FDT_TAGSIZE

    nextoffset = -FDT_ERR_BADSTRUCTURE
    if tag == FDT_BEGIN_NODE:
        # step over the node name, up to and including its NUL
        while True:
            p = fdt_offset_ptr(fdt, offset, 1)
            offset += 1
            if p is None or p[0] == 0:
                break
        if p is None:
            return FDT_END, nextoffset
    elif tag == FDT_PROP:
        lenp = fdt_offset_ptr(fdt, offset, 4)
        if lenp is None:
            return FDT_END, nextoffset
        # step over len, nameoff and the value
        offset += SIZEOF_FDT_PROPERTY - FDT_TAGSIZE + fdt32_to_cpu(lenp)
        if offset > _INT_MAX:
            # Model: the C int offset would wrap around here; a length this large cannot
            # describe a value inside any blob, so treat it as the truncated item it is.
            return FDT_END, nextoffset
    elif tag in (FDT_END, FDT_END_NODE, FDT_NOP):
        pass
    else:
        return FDT_END, nextoffset  # not a tag at all

    # the whole item must be inside the structure block
    if fdt_offset_ptr(fdt, startoffset, offset - startoffset) is None:
        return FDT_END, nextoffset

    return tag, FDT_TAGALIGN(offset)


def _fdt_check_node_offset(fdt, offset):
    """scripts/dtc/libfdt/fdt.c: _fdt_check_node_offset() — is a node at ``offset``?

    :return: the offset just after the node's BEGIN_NODE tag and name, or
        ``-FDT_ERR_BADOFFSET``
    """
    if offset < 0 or offset % FDT_TAGSIZE:
        return -FDT_ERR_BADOFFSET
    tag, offset = fdt_next_tag(fdt, offset)
    if tag != FDT_BEGIN_NODE:
        return -FDT_ERR_BADOFFSET
    return offset


def _fdt_check_prop_offset(fdt, offset):
    """scripts/dtc/libfdt/fdt.c: _fdt_check_prop_offset() — is a property at ``offset``?

    :return: the offset just after the property, or ``-FDT_ERR_BADOFFSET``
    """
    if offset < 0 or offset % FDT_TAGSIZE:
        return -FDT_ERR_BADOFFSET
    tag, offset = fdt_next_tag(fdt, offset)
    if tag != FDT_PROP:
        return -FDT_ERR_BADOFFSET
    return offset


def fdt_next_node(fdt, offset, depth):
    """scripts/dtc/libfdt/fdt.c: fdt_next_node() — the next node in document order.

    :param offset: a node offset, or a negative number to start at the root
    :param depth: the current depth (``int *depth``), or ``None`` for NULL
    :return: ``(offset, depth)``: the next node's offset and the updated depth. With a
        depth, leaving the starting level (depth below 0) returns the offset after the
        closing END_NODE; the end of the tree gives ``-FDT_ERR_NOTFOUND``; a corrupt blob
        gives its error code.
    """
    nextoffset = 0

    if offset >= 0:
        nextoffset = _fdt_check_node_offset(fdt, offset)
        if nextoffset < 0:
            return nextoffset, depth

    while True:
        offset = nextoffset
        tag, nextoffset = fdt_next_tag(fdt, offset)

        if tag in (FDT_PROP, FDT_NOP):
            pass
        elif tag == FDT_BEGIN_NODE:
            if depth is not None:
                depth += 1
        elif tag == FDT_END_NODE:
            if depth is not None:
                depth -= 1
                if depth < 0:
                    return nextoffset, depth
        elif tag == FDT_END:
            if nextoffset >= 0 or (nextoffset == -FDT_ERR_TRUNCATED and depth is None):
                return -FDT_ERR_NOTFOUND, depth
            return nextoffset, depth

        if tag == FDT_BEGIN_NODE:
            break

    return offset, depth


def fdt_first_subnode(fdt, offset):
    """scripts/dtc/libfdt/fdt.c: fdt_first_subnode() — the first child of a node.

    :return: its offset, or ``-FDT_ERR_NOTFOUND`` (also for errors, as in libfdt)
    """
    offset, depth = fdt_next_node(fdt, offset, 0)
    if offset < 0 or depth != 1:
        return -FDT_ERR_NOTFOUND
    return offset


def fdt_next_subnode(fdt, offset):
    """scripts/dtc/libfdt/fdt.c: fdt_next_subnode() — the next sibling of a child node.

    :return: its offset, or ``-FDT_ERR_NOTFOUND``
    """
    depth = 1
    # the next sibling is the next node found at the same depth relative to the parent
    while True:
        offset, depth = fdt_next_node(fdt, offset, depth)
        if offset < 0 or depth < 1:
            return -FDT_ERR_NOTFOUND
        if not depth > 1:
            break
    return offset
