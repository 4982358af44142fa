# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/migrate.h: migration results, reasons and the non-LRU movable page API.

``new_page_t`` is ``get_new_page(page, private, result)`` returning a page or ``None``;
``result`` is a one-element list standing for C's ``int **result``: a callback that wants
to learn the outcome stores a one-element list in ``result[0]`` and unmap_and_move() puts
the outcome (the error, or the new page's node) into it. ``free_page_t`` is
``put_new_page(page, private)``.

``PageMovable``/``__SetPageMovable``/``__ClearPageMovable`` are defined in mm/compaction.c
in v4.9 (declared here); the port keeps them in this header so that migration does not
depend on the compaction file. A non-LRU movable page's ``mapping`` is its driver's
``address_space`` tagged with PAGE_MAPPING_MOVABLE: the model stores a
``movable_mapping`` wrapper that carries the tag (include/linux/mm_types.py explains the
tag bits).
"""

from cmaport.include.linux.mm import VM_BUG_ON_PAGE
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import PAGE_MAPPING_MOVABLE, PageLocked, __PageMovable

MIGRATEPAGE_SUCCESS = 0

# enum migrate_reason
MR_COMPACTION = 0
MR_MEMORY_FAILURE = 1
MR_MEMORY_HOTPLUG = 2
MR_SYSCALL = 3
MR_MEMPOLICY_MBIND = 4
MR_NUMA_MISPLACED = 5
MR_CMA = 6
MR_TYPES = 7

# mm/debug.c: migrate_reason_names[]
migrate_reason_names = ("compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
                        "mempolicy_mbind", "numa_misplaced", "cma")


class movable_mapping:
    """Model-only: ``(void *)((unsigned long)mapping | PAGE_MAPPING_MOVABLE)`` — a driver's
    address_space pointer with the movable tag; ``untagged`` is the address_space."""

    __slots__ = ("untagged",)
    mapping_flags = PAGE_MAPPING_MOVABLE

    def __init__(self, mapping):
        self.untagged = mapping

    @property
    def model_address(self):
        """Model-only: the tagged pointer — the mapping's address with PAGE_MAPPING_MOVABLE set."""
        return getattr(self.untagged, "model_address", 0) | PAGE_MAPPING_MOVABLE


def PageMovable(page):
    """mm/compaction.c: PageMovable() — a movable page whose driver can still isolate it."""
    from cmaport.mm.util import page_mapping

    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=98)  # noqa: F821
    if not __PageMovable(page):
        return 0
    mapping = page_mapping(page)
    if mapping is not None and mapping.a_ops is not None and mapping.a_ops.isolate_page is not None:
        return 1
    return 0


def __SetPageMovable(page, mapping):
    """mm/compaction.c: __SetPageMovable() — tag a locked driver page as movable."""
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=113)  # noqa: F821
    struct_page_arrays.get().mapping[page] = movable_mapping(mapping)


def __ClearPageMovable(page):
    """mm/compaction.c: __ClearPageMovable() — the driver releases the page: only the
    MOVABLE tag stays in page->mapping (so a racing isolation sees it gone)."""
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=122)  # noqa: F821
    VM_BUG_ON_PAGE(not PageMovable(page), page, "!PageMovable(page)", line=123)
    struct_page_arrays.get().mapping[page] = PAGE_MAPPING_MOVABLE
