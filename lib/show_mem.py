# SPDX-License-Identifier: GPL-2.0-only
"""lib/show_mem.c: show_mem() — the memory report of warn_alloc() and the SysRq 'm' key."""

from cmaport.kernel.printk import printk


def show_mem(filter):
    """lib/show_mem.c: show_mem() — "Mem-Info:", the free areas, then page totals.

    Model: pgdat_resize_lock — one CPU. No quicklists, no CONFIG_MEMORY_FAILURE.
    """
    from cmaport.include.linux.mmzone import for_each_online_pgdat, is_highmem_idx, populated_zone
    from cmaport.mm.page_alloc import page_alloc_c, show_free_areas

    total = 0
    reserved = 0
    highmem = 0
    printk("Mem-Info:\n")
    show_free_areas(filter)
    for pgdat in for_each_online_pgdat():
        for zoneid, zone in enumerate(pgdat.node_zones):
            if not populated_zone(zone):
                continue
            total += zone.present_pages
            reserved += zone.present_pages - zone.managed_pages
            if is_highmem_idx(zoneid):
                highmem += zone.present_pages
    printk("%lu pages RAM\n", total)
    printk("%lu pages HighMem/MovableOnly\n", highmem)
    printk("%lu pages reserved\n", reserved)
    from cmaport.kernel.config import IS_ENABLED

    if IS_ENABLED("CONFIG_CMA"):
        printk("%lu pages cma reserved\n", page_alloc_c.get().totalcma_pages)
