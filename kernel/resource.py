# SPDX-License-Identifier: GPL-2.0-only
"""kernel/resource.c: the resource trees (``iomem_resource``, ``ioport_resource``) and /proc/iomem.

A resource is a range; its children lie inside it and are kept sorted, without
overlaps, in a sibling list. ``request_resource`` adds a range where it fits as a child
and fails on a conflict; ``insert_resource`` also slides the new range *between* a
parent and the children it covers; ``__request_region`` claims a busy range, descending
into non-busy ranges that contain it. ``/proc/iomem`` prints the tree depth first, two
spaces of indent per level (at most 5 levels), as ``r_show`` does.

Model: ``resource_lock`` (a rwlock) has nothing to serialise on one CPU. Resources come
from Python, not from the slab or bootmem, so ``free_resource`` keeps no free list.
The root resources are per machine (the C globals, in ``resource_c``).
"""

import attrs

from cmaport.include.linux.errno import EBUSY, EINVAL
from cmaport.include.linux.ioport import (
    IO_SPACE_LIMIT, IORES_DESC_NONE, IORESOURCE_BUSY, IORESOURCE_IO, IORESOURCE_MEM,
    IORESOURCE_MUXED, REGION_DISJOINT, REGION_INTERSECTS, REGION_MIXED, resource,
    resource_ext_type, resource_size, resource_type,
)
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import WARN_ON
from cmaport.kernel.printk import KERN_DEBUG, KERN_WARNING, printk

MAX_IORES_LEVEL = 5

_U32 = 0xFFFFFFFF  # resource_size_t


@statics
class resource_c:
    """kernel/resource.c: the two root resources of this machine."""

    ioport_resource: resource = attrs.Factory(
        lambda: resource(start=0, end=IO_SPACE_LIMIT, name="PCI IO", flags=IORESOURCE_IO))
    iomem_resource: resource = attrs.Factory(
        lambda: resource(start=0, end=_U32, name="PCI mem", flags=IORESOURCE_MEM))


def iomem_resource():
    """kernel/resource.c: iomem_resource — the root of the physical address space (``&iomem_resource``)."""
    return resource_c.get().iomem_resource


def ioport_resource():
    """kernel/resource.c: ioport_resource — the root of the I/O port space (``&ioport_resource``)."""
    return resource_c.get().ioport_resource


def next_resource(p, sibling_only):
    """kernel/resource.c: next_resource() — depth-first successor of ``p``."""
    # only the siblings, if the caller says so
    if sibling_only:
        return p.sibling

    if p.child is not None:
        return p.child
    while p.sibling is None and p.parent is not None:
        p = p.parent
    return p.sibling


def r_next(p, pos):
    """kernel/resource.c: r_next() — the seq_file iterator's next step: ``(next, pos + 1)``."""
    return next_resource(p, False), pos + 1


def r_start(root, pos):
    """kernel/resource.c: r_start() — the resource at position ``pos`` of the walk."""
    # Model: read_lock(&resource_lock) — one CPU, nothing to serialise.
    l = 0
    p = root.child
    while p is not None and l < pos:
        p, l = r_next(p, l)
    return p


def r_show(root, r, capable=True):
    """kernel/resource.c: r_show() — one line of /proc/iomem (or /proc/ioports).

    The addresses are 4 hex digits wide when the root ends below 0x10000, else 8; a reader
    without CAP_SYS_ADMIN sees zeros.

    :param capable: Model: whether the reader has CAP_SYS_ADMIN (root, as the oracle's
        init script runs)
    """
    width = 4 if root.end < 0x10000 else 8

    depth = 0
    p = r
    while depth < MAX_IORES_LEVEL:
        if p.parent is root:
            break
        depth += 1
        p = p.parent

    if capable:
        start = r.start
        end = r.end
    else:
        start = end = 0

    return "%*s%0*x-%0*x : %s\n" % (depth * 2, "", width, start, width, end,
                                      r.name if r.name is not None else "<BAD>")


def proc_resource_read(root, capable=True):
    """Model-only: the whole text of a resource file, as ``seq_read`` builds it from r_start/r_next/r_show."""
    out = []
    pos = 0
    p = r_start(root, pos)
    while p is not None:
        out.append(r_show(root, p, capable))
        p, pos = r_next(p, pos)
    return "".join(out)


def proc_iomem(capable=True):
    """Model-only: what ``cat /proc/iomem`` prints on the running machine."""
    return proc_resource_read(iomem_resource(), capable)


def proc_ioports(capable=True):
    """Model-only: what ``cat /proc/ioports`` prints on the running machine."""
    return proc_resource_read(ioport_resource(), capable)


def __request_resource(root, new):
    """kernel/resource.c: __request_resource() — add ``new`` as a child of ``root``.

    :return: ``None`` on success, else the conflicting resource (``root`` itself when
        ``new`` does not lie inside it)
    """
    start = new.start
    end = new.end

    if end < start:
        return root
    if start < root.start:
        return root
    if end > root.end:
        return root

    # walk the sorted children; prev is the cell that points at tmp (C: struct resource **p)
    prev = None
    tmp = root.child
    while True:
        if tmp is None or tmp.start > end:
            new.sibling = tmp
            if prev is None:
                root.child = new
            else:
                prev.sibling = new
            new.parent = root
            return None
        prev = tmp
        nxt = tmp.sibling
        if tmp.end < start:
            tmp = nxt
            continue
        return tmp


def __release_resource(old, release_child):
    """kernel/resource.c: __release_resource() — unlink ``old``; its children move up unless released too.

    :return: 0, or ``-EINVAL`` when ``old`` is not in its parent's list
    """
    prev = None
    tmp = old.parent.child
    while True:
        if tmp is None:
            break
        if tmp is old:
            if release_child or tmp.child is None:
                _set_link(old.parent, prev, tmp.sibling)
            else:
                chd = tmp.child
                while True:
                    chd.parent = tmp.parent
                    if chd.sibling is None:
                        break
                    chd = chd.sibling
                _set_link(old.parent, prev, tmp.child)
                chd.sibling = tmp.sibling
            old.parent = None
            return 0
        prev = tmp
        tmp = tmp.sibling
    return -EINVAL


def _set_link(parent, prev, value):
    """Model-only: ``*p = value`` where ``p`` is ``&parent->child`` or ``&prev->sibling``."""
    if prev is None:
        parent.child = value
    else:
        prev.sibling = value


def __release_child_resources(r):
    """kernel/resource.c: __release_child_resources() — drop every descendant, keeping their sizes."""
    p = r.child
    r.child = None
    while p is not None:
        tmp = p
        p = p.sibling

        tmp.parent = None
        tmp.sibling = None
        __release_child_resources(tmp)

        # Model: %pR is printed with the "[mem start-end]" part only (no flag names).
        printk(KERN_DEBUG + "release child resource [mem %#010x-%#010x]\n", tmp.start, tmp.end)
        # keep the size and the flags, forget the place
        size = resource_size(tmp)
        tmp.start = 0
        tmp.end = size - 1


def release_child_resources(r):
    """kernel/resource.c: release_child_resources()."""
    __release_child_resources(r)


def request_resource_conflict(root, new):
    """kernel/resource.c: request_resource_conflict() — ``None`` or the conflicting resource."""
    # Model: write_lock(&resource_lock) — one CPU, nothing to serialise.
    return __request_resource(root, new)


def request_resource(root, new):
    """kernel/resource.c: request_resource() — 0, or ``-EBUSY`` on a conflict."""
    conflict = request_resource_conflict(root, new)
    return -EBUSY if conflict is not None else 0


def release_resource(old):
    """kernel/resource.c: release_resource() — unlink ``old`` and everything below it."""
    return __release_resource(old, True)


def __insert_resource(parent, new):
    """kernel/resource.c: __insert_resource() — put ``new`` into the tree, adopting what it covers.

    Descends while one existing resource holds all of ``new``; then the resources that
    ``new`` covers become its children. A partial overlap fails.

    :return: ``None`` on success, else the conflicting resource
    """
    while True:
        first = __request_resource(parent, new)
        if first is None:
            return first

        if first is parent:
            return first
        if WARN_ON(first is new, line=797):  # inserted twice
            return first

        if first.start > new.start or first.end < new.end:
            break
        if first.start == new.start and first.end == new.end:
            break
        parent = first

    nxt = first
    while True:
        # a partial overlap cannot be fixed
        if nxt.start < new.start or nxt.end > new.end:
            return nxt
        if nxt.sibling is None:
            break
        if nxt.sibling.start > new.end:
            break
        nxt = nxt.sibling

    new.parent = parent
    new.sibling = nxt.sibling
    new.child = first

    nxt.sibling = None
    nxt = first
    while nxt is not None:
        nxt.parent = new
        nxt = nxt.sibling

    if parent.child is first:
        parent.child = new
    else:
        nxt = parent.child
        while nxt.sibling is not first:
            nxt = nxt.sibling
        nxt.sibling = new
    return None


def insert_resource_conflict(parent, new):
    """kernel/resource.c: insert_resource_conflict() — ``None`` or the conflicting resource."""
    # Model: write_lock(&resource_lock) — one CPU, nothing to serialise.
    return __insert_resource(parent, new)


def insert_resource(parent, new):
    """kernel/resource.c: insert_resource() — 0, or ``-EBUSY``."""
    conflict = insert_resource_conflict(parent, new)
    return -EBUSY if conflict is not None else 0


def alloc_resource(flags=0):
    """kernel/resource.c: alloc_resource() — a zeroed resource.

    Model: no bootmem free list to reuse; every resource is a new object.
    """
    return resource()


def free_resource(res):
    """kernel/resource.c: free_resource() — Model: the object is simply dropped."""
    return None


def __request_region(parent, start, n, name, flags):
    """kernel/resource.c: __request_region() — claim a busy range, inside non-busy ones that hold it.

    :return: the new resource, or ``None`` when the range is taken
    """
    res = alloc_resource()

    res.name = name
    res.start = start
    res.end = (start + n - 1) & _U32

    # Model: write_lock(&resource_lock) — one CPU, nothing to serialise.
    while True:
        res.flags = resource_type(parent) | resource_ext_type(parent)
        res.flags |= IORESOURCE_BUSY | flags
        res.desc = parent.desc

        conflict = __request_resource(parent, res)
        if conflict is None:
            break
        if conflict is not parent:
            if not conflict.flags & IORESOURCE_BUSY:
                parent = conflict
                continue
        if conflict.flags & flags & IORESOURCE_MUXED:
            # Model: the muxed wait (schedule() until the holder releases) cannot happen
            # with one task; the request fails like a plain conflict.
            pass
        # the range is taken
        free_resource(res)
        res = None
        break
    return res


def __release_region(parent, start, n):
    """kernel/resource.c: __release_region() — release a busy range claimed by __request_region()."""
    end = (start + n - 1) & _U32

    # Model: write_lock(&resource_lock) — one CPU, nothing to serialise.
    owner = parent  # the resource whose child list p walks (C: struct resource **p)
    prev = None
    res = parent.child
    while True:
        if res is None:
            break
        if res.start <= start and res.end >= end:
            if not res.flags & IORESOURCE_BUSY:
                owner, prev, res = res, None, res.child
                continue
            if res.start != start or res.end != end:
                break
            _set_link(owner, prev, res.sibling)
            free_resource(res)
            return
        prev = res
        res = res.sibling

    printk(KERN_WARNING + "Trying to free nonexistent resource <%016llx-%016llx>\n", start, end)


def region_intersects(start, size, flags, desc):
    """kernel/resource.c: region_intersects() — does ``[start, start+size)`` hit resources of a kind?

    Only the top level of iomem is looked at.

    :return: REGION_INTERSECTS (only resources with ``flags``/``desc``), REGION_DISJOINT
        (none of them) or REGION_MIXED (both kinds)
    """
    end = (start + size - 1) & _U32
    type_ = 0
    other = 0

    # Model: read_lock(&resource_lock) — one CPU, nothing to serialise.
    p = iomem_resource().child
    while p is not None:
        is_type = ((p.flags & flags) == flags) and (desc == IORES_DESC_NONE or desc == p.desc)

        if p.start <= start <= p.end:
            if is_type:
                type_ += 1
            else:
                other += 1
        if p.start <= end <= p.end:
            if is_type:
                type_ += 1
            else:
                other += 1
        if p.start >= start and p.end <= end:
            if is_type:
                type_ += 1
            else:
                other += 1
        p = p.sibling

    if other == 0:
        return REGION_INTERSECTS if type_ else REGION_DISJOINT

    if type_:
        return REGION_MIXED

    return REGION_DISJOINT
