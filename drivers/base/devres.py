# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/devres.c: device-managed resources, released when the driver lets go.

A devres is a release function and its data, kept on the device's ``devres_head``.
``devres_release_all`` (after a failed probe, or when the driver is unbound) releases
them newest first.

Model: C allocates the release record and the caller's data in one block and hands out a
pointer to the data; here ``devres_alloc`` returns the record (a ``devres``), and the
caller keeps its data in ``dr.data``. ``release(dev, res)`` and ``match(dev, res,
match_data)`` receive that data, as in C. ``devres_lock`` has nothing to serialise.
"""

import attrs

from cmaport.include.linux.errno import ENOENT
from cmaport.kernel.panic import WARN_ON


@attrs.define(slots=True, eq=False)
class devres:
    """drivers/base/devres.c: struct devres — one managed resource."""

    release: object = None
    size: int = 0
    data: object = None


def devres_alloc(release, size, gfp=0):
    """include/linux/device.h: devres_alloc() — a new, not yet added, managed resource."""
    return devres(release=release, size=size)


def devres_free(res):
    """drivers/base/devres.c: devres_free() — drop one that was never added."""
    return None


def devres_add(dev, res):
    """drivers/base/devres.c: devres_add() — hand the resource to the device."""
    dev.devres_head.append(res)


def devres_find(dev, release, match, match_data):
    """drivers/base/devres.c: devres_find() — the newest matching resource's data, or ``None``."""
    node = _find_dr(dev, release, match, match_data)
    return node.data if node is not None else None


def _find_dr(dev, release, match, match_data):
    """drivers/base/devres.c: find_dr() — newest first."""
    for node in reversed(dev.devres_head):
        if node.release is not release:
            continue
        if match is not None and not match(dev, node.data, match_data):
            continue
        return node
    return None


def devres_remove(dev, release, match, match_data):
    """drivers/base/devres.c: devres_remove() — unlink the newest matching resource (no release)."""
    node = _find_dr(dev, release, match, match_data)
    if node is not None:
        dev.devres_head.remove(node)
        return node
    return None


def devres_destroy(dev, release, match, match_data):
    """drivers/base/devres.c: devres_destroy() — remove and free, without calling ``release``.

    :return: 0, or ``-ENOENT`` when nothing matched
    """
    res = devres_remove(dev, release, match, match_data)
    if res is None:
        return -ENOENT

    devres_free(res)
    return 0


def devres_release(dev, release, match, match_data):
    """drivers/base/devres.c: devres_release() — remove, call ``release`` and free."""
    res = devres_remove(dev, release, match, match_data)
    if res is None:
        return -ENOENT

    release(dev, res.data)
    devres_free(res)
    return 0


def devres_release_all(dev):
    """drivers/base/devres.c: devres_release_all() — release everything, newest first.

    :return: how many resources were released, or ``-ENODEV`` for a device never initialised
    """
    # Model: "devres_head.next == NULL" (a device that was never initialised) cannot occur.
    if WARN_ON(dev.devres_head is None, line=513):
        from cmaport.include.linux.errno import ENODEV

        return -ENODEV
    todo = list(reversed(dev.devres_head))
    dev.devres_head.clear()
    for node in todo:
        node.release(dev, node.data)
        devres_free(node)
    return len(todo)
