# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/rmap.h: ``struct anon_vma``, ``struct anon_vma_chain``, the
try_to_unmap flags and results, and the rmap walk control.

An ``anon_vma`` is what ``page->mapping`` of an anonymous page points at, tagged with
PAGE_MAPPING_ANON: its ``mapping_flags`` attribute supplies that bit
(include/linux/mm_types.py). Model: the interval tree ``rb_root`` of chain entries is a
Python list (walks test each entry's VMA range against the page offset, which is what
``anon_vma_interval_tree_foreach`` selects); the rwsem is not kept (one CPU).
"""

import attrs

from cmaport.include.linux.page_flags import PAGE_MAPPING_ANON
from cmaport.kernel.machine import statics

# enum ttu_flags
TTU_UNMAP = 1
TTU_MIGRATION = 2
TTU_MUNLOCK = 4
TTU_LZFREE = 8
TTU_SPLIT_HUGE_PMD = 16
TTU_IGNORE_MLOCK = 1 << 8
TTU_IGNORE_ACCESS = 1 << 9
TTU_IGNORE_HWPOISON = 1 << 10
TTU_BATCH_FLUSH = 1 << 11
TTU_RMAP_LOCKED = 1 << 12
TTU_ACTION_MASK = 0xFF

# do_page_add_anon_rmap() flags
RMAP_EXCLUSIVE = 0x01
RMAP_COMPOUND = 0x02

# try_to_unmap() results
SWAP_SUCCESS = 0
SWAP_AGAIN = 1
SWAP_FAIL = 2
SWAP_MLOCK = 3
SWAP_LZFREE = 4


@statics
class anon_vma_slab:
    """Model-only: the ``anon_vma`` kmem cache's address counter (for %p in dumps)."""

    next_address: int = 0xEE000000


@attrs.define(slots=True, eq=False)
class anon_vma:
    """include/linux/rmap.h: struct anon_vma.

    ``model_address`` is the tagged pointer value page->mapping holds (the address of the
    object plus PAGE_MAPPING_ANON), for dump_page().
    """

    root: object = None
    refcount: int = 0
    degree: int = 0
    parent: object = None
    rb_root: list = attrs.Factory(list)
    model_address: int = 0
    mapping_flags = PAGE_MAPPING_ANON

    def __repr__(self):
        return f"<anon_vma {self.model_address - 1:#x} refcount={self.refcount} degree={self.degree}>"


@attrs.define(slots=True, eq=False)
class anon_vma_chain:
    """include/linux/rmap.h: struct anon_vma_chain — links one VMA to one anon_vma."""

    vma: object = None
    anon_vma: object = None


@attrs.define(slots=True, eq=False)
class rmap_walk_control:
    """include/linux/rmap.h: struct rmap_walk_control."""

    arg: object = None
    rmap_one: object = None
    done: object = None
    anon_lock: object = None
    invalid_vma: object = None


def get_anon_vma(av):
    """include/linux/rmap.h: get_anon_vma()."""
    av.refcount += 1


def put_anon_vma(av):
    """include/linux/rmap.h: put_anon_vma() — free it with the last reference."""
    from cmaport.mm.rmap import __put_anon_vma

    av.refcount -= 1
    if av.refcount == 0:
        __put_anon_vma(av)


def anon_vma_lock_write(av):
    """include/linux/rmap.h: anon_vma_lock_write() — Model: one CPU, nothing to serialise."""


def anon_vma_unlock_write(av):
    """include/linux/rmap.h: anon_vma_unlock_write()."""


def anon_vma_lock_read(av):
    """include/linux/rmap.h: anon_vma_lock_read() — Model: one CPU."""


def anon_vma_unlock_read(av):
    """include/linux/rmap.h: anon_vma_unlock_read()."""


def page_dup_rmap(page, compound):
    """include/linux/rmap.h: page_dup_rmap() — one more pte maps the page (fork)."""
    from cmaport.include.linux.mm_types import struct_page_arrays

    struct_page_arrays.get()._mapcount[page] += 1
