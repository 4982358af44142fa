# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/page-isolation.h: the MIGRATE_ISOLATE helpers (CONFIG_MEMORY_ISOLATION).

Only the inline tests the page allocator needs; the isolation API itself
(``start_isolate_page_range`` and friends, mm/page_isolation.c) belongs to the isolation
issue.
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
