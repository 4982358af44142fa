# SPDX-License-Identifier: GPL-2.0-only
"""mm/cma_debug.c: the CMA debugfs interface (CONFIG_CMA_DEBUGFS), and the model's view of an area.

With CONFIG_CMA_DEBUGFS the late initcall ``cma_debugfs_init`` creates
``/sys/kernel/debug/cma/cma-<slot>/`` for every area, with ``base_pfn``, ``count``,
``order_per_bit``, ``used`` (pages whose bits are set), ``maxchunk`` (the longest run of
clear bits, in pages), ``bitmap`` (the bitmap as u32 words) — all ``"%llu\\n"`` except the
bitmap — and the write-only ``alloc`` (``cma_alloc(cma, n, 0)``, remembered in a list)
and ``free`` (gives back ``n`` pages from the most recent allocations, LIFO).

v4.9 quirks kept: ``order_per_bit`` is read through the ``unsigned long`` getter
(harmless on 32-bit ARM); ``maxchunk`` stops its scan when the start index reaches
``cma->count`` (pages) rather than the number of bits — for order_per_bit > 0 it never
gets there (see cma_maxchunk_get); a partial ``free`` of an entry is
refused with a pr_debug (``cma: cannot release partial block when order_per_bit != 0``)
when a bit stands for more than one page.

Model: debugfs itself is not modelled. ``cma_debugfs_read(path)`` and
``cma_debugfs_write(path, value)`` stand for reading and writing those files;
``cma_area_view`` (model-only) gives the same values for any area whether or not
CONFIG_CMA_DEBUGFS is set, for ``cmaport cma``.
"""

import attrs

from cmaport.include.linux.errno import ENOENT, ENOMEM
from cmaport.include.linux.init import late_initcall
from cmaport.kernel.machine import statics
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.bitmap import bitmap_weight, find_next_bit, find_next_zero_bit
from cmaport.lib.vsprintf import vsnprintf
from cmaport.mm.cma import (cma_alloc, cma_bitmap_maxno, cma_c, cma_release,
                            model_null_bitmap_oops, model_split_allocation)

_pr = pr_helpers("")  # no pr_fmt: the one pr_debug hard-codes "cma: "

_U64 = 0xFFFFFFFFFFFFFFFF


@attrs.define(slots=True, eq=False)
class cma_mem:
    """mm/cma_debug.c: struct cma_mem — one debugfs allocation (``p``: first page, ``n``: pages)."""

    p: int = 0
    n: int = 0


@statics
class cma_debug_c:
    """The file-scope variables of mm/cma_debug.c: the debugfs root and what is under it.

    Model: ``files`` maps a path under ``/sys/kernel/debug/`` to ``(reader, writer)``.
    """

    cma_debugfs_root: str = None
    files: dict = attrs.Factory(dict)


def cma_debugfs_get(c, field):
    """mm/cma_debug.c: cma_debugfs_get() — an ``unsigned long`` field of the area."""
    return getattr(c, field)


def cma_used_get(c):
    """mm/cma_debug.c: cma_used_get() — pages whose bits are set (``bitmap_weight << order_per_bit``).

    The number of bits is cast to ``int`` and handed to bitmap_weight()'s ``unsigned int
    nbits``: the same 32 bits. An area that was never activated (NULL bitmap, ``count``
    not 0) makes bitmap_weight() read through NULL: the oops (mm/cma.py
    ``model_null_bitmap_oops``; in v4.9 the reading task dies).
    """
    # Model: cma->lock — one CPU.
    nbits = cma_bitmap_maxno(c) & 0xFFFFFFFF  # (int)maxno as unsigned int nbits
    if c.bitmap is None and nbits:
        model_null_bitmap_oops(c, "cma_used_get", 0)
    used = bitmap_weight(c.bitmap, nbits) if nbits else 0
    return (used << c.order_per_bit) & _U64


def cma_maxchunk_get(c):
    """mm/cma_debug.c: cma_maxchunk_get() — the longest run of clear bits, in pages.

    The scan ends when the start index reaches ``cma->count`` (pages), not the number of
    bits (v4.9). With order_per_bit 0 the two are equal. With order_per_bit > 0 there are
    fewer bits than pages: once the scan reaches the end of the bitmap,
    find_next_zero_bit() keeps returning the number of bits, which is below ``count``, so
    the loop never ends and the reading task spins for ever.

    Model: that endless loop is detected (the scan position stops moving) and cut short
    with a diagnostic; the value returned is the longest run found, as the kernel would
    have had it when it started spinning. An area that was never activated (NULL bitmap,
    ``count`` not 0) makes the first find_next_zero_bit() read through NULL: the oops.
    """
    from cmaport.kernel.machine import this_machine

    maxchunk = 0
    end = 0
    bitmap_maxno = cma_bitmap_maxno(c)

    # Model: cma->lock — one CPU.
    if c.bitmap is None and bitmap_maxno:
        model_null_bitmap_oops(c, "cma_maxchunk_get", 0)
    while True:
        start = find_next_zero_bit(c.bitmap, bitmap_maxno, end)
        if start >= c.count:
            break
        if start >= bitmap_maxno:
            this_machine().diagnose(
                "cma_maxchunk_get",
                "cma-%d: order_per_bit %d: the scan compares against count (%d pages) while the "
                "bitmap has %d bits, so v4.9 loops for ever here; the model stops"
                % (c.index, c.order_per_bit, c.count, bitmap_maxno))
            break
        end = find_next_bit(c.bitmap, bitmap_maxno, start)
        maxchunk = max(end - start, maxchunk)
    return (maxchunk << c.order_per_bit) & _U64


def cma_add_to_cma_mem_list(c, mem):
    """mm/cma_debug.c: cma_add_to_cma_mem_list() — push at the head (mem_head_lock: one CPU)."""
    c.mem_head.insert(0, mem)


def cma_get_entry_from_list(c):
    """mm/cma_debug.c: cma_get_entry_from_list() — pop the head, or ``None``."""
    if c.mem_head:
        return c.mem_head.pop(0)
    return None


def cma_free_mem(c, count):
    """mm/cma_debug.c: cma_free_mem() — release ``count`` pages of the debugfs allocations, newest first.

    A whole entry is released when it is not larger than what is left; a larger entry is
    split only when one bit is one page (order_per_bit 0), else the message is printed and
    the rest stays. Always 0.

    ``count`` is an ``int`` and ``mem->n`` an ``unsigned long``: the comparison is
    unsigned, so a negative count (``free`` of -1) is larger than every entry and releases
    them all whole; ``count -= mem->n`` stays an ``int`` (it wraps, and reaches 0 only by
    chance), so the loop ends when the list is empty.
    """
    from cmaport.include.linux.mm import page_to_pfn

    count = _s32(count)
    while count:
        mem = cma_get_entry_from_list(c)
        if mem is None:
            return 0

        if mem.n <= (count & 0xFFFFFFFF):  # int converted to unsigned long
            cma_release(c, mem.p, mem.n)
            count = _s32(count - mem.n)
        elif c.order_per_bit == 0:
            # Model: the entry's head is freed on purpose (cma.live is told, so the model
            # does not report a release that cuts into a live allocation).
            model_split_allocation(c, page_to_pfn(mem.p), count)
            cma_release(c, mem.p, count)
            mem.p += count
            mem.n -= count
            count = 0
            cma_add_to_cma_mem_list(c, mem)
        else:
            _pr.debug("cma: cannot release partial block when order_per_bit != 0\n")
            cma_add_to_cma_mem_list(c, mem)
            break

    return 0


def cma_free_write(c, val):
    """mm/cma_debug.c: cma_free_write() — the ``free`` file (the value is an ``int`` of pages)."""
    pages = _s32(val)
    return cma_free_mem(c, pages)


def cma_alloc_mem(c, count):
    """mm/cma_debug.c: cma_alloc_mem() — ``cma_alloc(cma, count, 0)`` remembered in the list.

    :return: 0, or ``-ENOMEM`` when cma_alloc() failed
    """
    p = cma_alloc(c, count, 0)
    if p is None:
        return -ENOMEM

    cma_add_to_cma_mem_list(c, cma_mem(p=p, n=count))
    return 0


def cma_alloc_write(c, val):
    """mm/cma_debug.c: cma_alloc_write() — the ``alloc`` file (the value is an ``int`` of pages)."""
    pages = _s32(val)
    return cma_alloc_mem(c, pages)


def _s32(x):
    """Model-only: C's ``int`` of a ``u64`` — the low 32 bits, sign-extended."""
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


def u32_format_array(c, array, array_size):
    """fs/debugfs/file.c: u32_format_array() — the text of a ``u32`` array file.

    Each element is ``%u`` followed by a space, the last by a newline: no elements give
    an empty file. ``array`` is the bitmap the file was created with (an ``unsigned long``
    is one ``u32`` here); a NULL one with elements is read through: the oops. ``c`` is
    model-only (the area, for the oops report); C's ``buf``/``bufsize`` are the result.

    Model: the text is made at each read (v4.9 makes it when the file is opened).
    """
    if array is None and array_size > 0:
        model_null_bitmap_oops(c, "u32_array_open", 0)
    return "".join("%u%s" % (array[i], " " if i < array_size - 1 else "\n")
                   for i in range(array_size))


def cma_debugfs_add_one(c, idx):
    """mm/cma_debug.c: cma_debugfs_add_one() — the ``cma-<idx>`` directory of one area."""
    s = cma_debug_c.get()
    name = "cma-%d" % idx
    d = "%s/%s/" % (s.cma_debugfs_root, name)

    def simple(get):
        """include/linux/fs.h: DEFINE_SIMPLE_ATTRIBUTE() with ``%llu`` — a read-only u64 file."""
        return lambda: vsnprintf("%llu\n", (get(),))

    s.files[d + "alloc"] = (None, lambda v: cma_alloc_write(c, v))
    s.files[d + "free"] = (None, lambda v: cma_free_write(c, v))
    s.files[d + "base_pfn"] = (simple(lambda: cma_debugfs_get(c, "base_pfn")), None)
    s.files[d + "count"] = (simple(lambda: cma_debugfs_get(c, "count")), None)
    s.files[d + "order_per_bit"] = (simple(lambda: cma_debugfs_get(c, "order_per_bit")), None)
    s.files[d + "used"] = (simple(lambda: cma_used_get(c)), None)
    s.files[d + "maxchunk"] = (simple(lambda: cma_maxchunk_get(c)), None)
    # debugfs_create_u32_array(): the pointer and the length are taken now
    u32s = (cma_bitmap_maxno(c) + 31) // 32  # DIV_ROUND_UP(maxno, BITS_PER_BYTE * sizeof(u32))
    bitmap = c.bitmap
    s.files[d + "bitmap"] = (lambda: u32_format_array(c, bitmap, u32s), None)


@late_initcall
def cma_debugfs_init():
    """mm/cma_debug.c: cma_debugfs_init() — late_initcall: the ``cma`` directory and one per area.

    The file is built only with CONFIG_CMA_DEBUGFS (include/linux/init.py: LINK_ORDER), so
    without it the initcall is not in the image.
    """
    s = cma_debug_c.get()
    s.cma_debugfs_root = "cma"
    areas = cma_c.get()
    for i in range(areas.cma_area_count):
        cma_debugfs_add_one(areas.cma_areas[i], i)
    return 0


def cma_debugfs_read(path):
    """Model-only: read ``/sys/kernel/debug/<path>`` (e.g. ``cma/cma-0/used``).

    :return: the file's text, or ``-ENOENT`` when it does not exist or is write-only
    """
    reader, _ = cma_debug_c.get().files.get(path.strip("/"), (None, None))
    if reader is None:
        return -ENOENT
    return reader()


def cma_debugfs_write(path, value):
    """Model-only: write a number to ``/sys/kernel/debug/<path>`` (``alloc`` or ``free``).

    :return: the write handler's result, or ``-ENOENT``
    """
    _, writer = cma_debug_c.get().files.get(path.strip("/"), (None, None))
    if writer is None:
        return -ENOENT
    return writer(value & _U64)


# -- Model-only: the view ``cmaport cma`` prints ------------------------------------------

def bitmap_runs(c):
    """Model-only: the runs of set bits of an area's bitmap, ``[(first, end)]`` in bits."""
    runs = []
    maxno = cma_bitmap_maxno(c)
    if c.bitmap is None:
        return runs
    start = find_next_bit(c.bitmap, maxno, 0)
    while start < maxno:
        end = find_next_zero_bit(c.bitmap, maxno, start)
        runs.append((start, end))
        start = find_next_bit(c.bitmap, maxno, end)
    return runs


def format_runs(runs):
    """Model-only: ``[0-64) [4096-8192)``, or ``(none)``."""
    return " ".join("[%d-%d)" % r for r in runs) if runs else "(none)"


def cma_area_view(c):
    """Model-only: what cma_debug.c shows of an area, as a dict (works without CONFIG_CMA_DEBUGFS).

    Keys: ``name`` (``cma-<slot>``), ``base_pfn``, ``count``, ``order_per_bit``, ``used``,
    ``maxchunk``, ``bitmap`` (the runs of set bits); ``used``/``maxchunk``/``bitmap`` are
    ``None`` for an area that is not active (no bitmap).
    """
    active = c.bitmap is not None
    return {
        "name": "cma-%d" % c.index,
        "base_pfn": c.base_pfn,
        "count": c.count,
        "order_per_bit": c.order_per_bit,
        "used": cma_used_get(c) if active else None,
        "maxchunk": cma_maxchunk_get(c) if active else None,
        "bitmap": bitmap_runs(c) if active else None,
    }
