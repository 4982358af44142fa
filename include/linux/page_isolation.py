# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/page-isolation.h: the MIGRATE_ISOLATE helpers (CONFIG_MEMORY_ISOLATION).

The three inline tests, and the functions the header declares, which are defined in
mm/page_isolation.c (``start_isolate_page_range``, ``undo_isolate_page_range``,
``test_pages_isolated``, ``alloc_migrate_target``) and mm/page_alloc.c
(``has_unmovable_pages``, ``set_pageblock_migratetype``, ``move_freepages_block``,
``move_freepages``). Importing one of those from here gives the definition (looked up
when first asked for, as the linker resolves a declaration), so callers can include the
header as C code does.
"""

from cmaport.include.linux.mmzone import MIGRATE_ISOLATE


def has_isolate_pageblock(zone):
    """include/linux/page-isolation.h: has_isolate_pageblock() — the zone has isolated pageblocks."""
    return zone.nr_isolate_pageblock != 0


def is_migrate_isolate_page(page):
    """include/linux/page-isolation.h: is_migrate_isolate_page() — the pageblock is MIGRATE_ISOLATE."""
    from cmaport.mm.page_alloc import get_pageblock_migratetype

    return get_pageblock_migratetype(page) == MIGRATE_ISOLATE


def is_migrate_isolate(migratetype):
    """include/linux/page-isolation.h: is_migrate_isolate()."""
    return migratetype == MIGRATE_ISOLATE


# The declarations of page-isolation.h: name -> the module that defines it.
_DECLARED = {
    "has_unmovable_pages": "cmaport.mm.page_alloc",
    "set_pageblock_migratetype": "cmaport.mm.page_alloc",
    "move_freepages_block": "cmaport.mm.page_alloc",
    "move_freepages": "cmaport.mm.page_alloc",
    "start_isolate_page_range": "cmaport.mm.page_isolation",
    "undo_isolate_page_range": "cmaport.mm.page_isolation",
    "test_pages_isolated": "cmaport.mm.page_isolation",
    "alloc_migrate_target": "cmaport.mm.page_isolation",
}


def __getattr__(name):
    """Model-only: resolve a declared function to its definition on first use."""
    module = _DECLARED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
