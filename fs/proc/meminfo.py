# SPDX-License-Identifier: GPL-2.0-only
"""fs/proc/meminfo.c: /proc/meminfo in v4.9's format.

Every line is computed by v4.9's rules from the model's counters. The page allocator's
lines (MemTotal, MemFree, MemAvailable, the HighTotal/HighFree/LowTotal/LowFree lines with
CONFIG_HIGHMEM, CommitLimit, VmallocTotal, CmaTotal, CmaFree) reflect the model; the lines
of subsystems the model does not have yet (page cache, slab, page tables, kernel stacks,
swap, vmalloc use, committed memory of processes) show the 0 their counters hold. There
are no HugePages lines (no CONFIG_HUGETLB_PAGE on non-LPAE ARM) and ARM adds no
arch_report_meminfo lines. C writes into a ``seq_file``; ``meminfo_proc_show`` returns
the text.
"""

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT
from cmaport.kernel.config import IS_ENABLED


def show_val_kb(m, s, num):
    """fs/proc/meminfo.c: show_val_kb() — the label (16 columns), the KiB value right-aligned
    in 8 columns, " kB"."""
    v = str((num << (PAGE_SHIFT - 10)) & 0xFFFFFFFF)
    m.append(s[:16])
    if len(v) < 8:
        m.append(" " * (8 - len(v)))
    m.append(v)
    m.append(" kB\n")


def vm_commit_limit():
    """mm/util.c: vm_commit_limit() — overcommit_ratio (50%) of RAM, plus swap."""
    from cmaport.mm.page_alloc import page_alloc_c

    sysctl_overcommit_kbytes = 0
    sysctl_overcommit_ratio = 50
    if sysctl_overcommit_kbytes:
        allowed = sysctl_overcommit_kbytes >> (PAGE_SHIFT - 10)
    else:
        # hugetlb_total_pages() is 0.
        allowed = (page_alloc_c.get().totalram_pages * sysctl_overcommit_ratio) // 100
    allowed += 0  # total_swap_pages
    return allowed


def meminfo_proc_show():
    """fs/proc/meminfo.c: meminfo_proc_show() — the text of /proc/meminfo."""
    from cmaport.arch.arm.mm.mmu import VMALLOC_END, VMALLOC_OFFSET
    from cmaport.include.linux import mmzone as mz
    from cmaport.include.linux.vmstat import global_node_page_state, global_page_state
    from cmaport.lib.vsprintf import sprintf
    from cmaport.mm.memory import memory_c
    from cmaport.mm.page_alloc import page_alloc_c, si_mem_available, si_meminfo, sysinfo

    i = sysinfo()
    si_meminfo(i)
    # si_swapinfo(): no swap.
    i.totalswap = i.freeswap = 0
    committed = 0  # percpu_counter_read_positive(&vm_committed_as): no processes
    cached = global_node_page_state(mz.NR_FILE_PAGES) - 0 - i.bufferram  # - swap cache
    if cached < 0:
        cached = 0
    pages = [global_node_page_state(mz.NR_LRU_BASE + lru) for lru in range(mz.NR_LRU_LISTS)]
    available = si_mem_available()

    m = []
    show_val_kb(m, "MemTotal:       ", i.totalram)
    show_val_kb(m, "MemFree:        ", i.freeram)
    show_val_kb(m, "MemAvailable:   ", available)
    show_val_kb(m, "Buffers:        ", i.bufferram)
    show_val_kb(m, "Cached:         ", cached)
    show_val_kb(m, "SwapCached:     ", 0)
    show_val_kb(m, "Active:         ", pages[mz.LRU_ACTIVE_ANON] + pages[mz.LRU_ACTIVE_FILE])
    show_val_kb(m, "Inactive:       ", pages[mz.LRU_INACTIVE_ANON] + pages[mz.LRU_INACTIVE_FILE])
    show_val_kb(m, "Active(anon):   ", pages[mz.LRU_ACTIVE_ANON])
    show_val_kb(m, "Inactive(anon): ", pages[mz.LRU_INACTIVE_ANON])
    show_val_kb(m, "Active(file):   ", pages[mz.LRU_ACTIVE_FILE])
    show_val_kb(m, "Inactive(file): ", pages[mz.LRU_INACTIVE_FILE])
    show_val_kb(m, "Unevictable:    ", pages[mz.LRU_UNEVICTABLE])
    show_val_kb(m, "Mlocked:        ", global_page_state(mz.NR_MLOCK))
    if IS_ENABLED("CONFIG_HIGHMEM"):
        show_val_kb(m, "HighTotal:      ", i.totalhigh)
        show_val_kb(m, "HighFree:       ", i.freehigh)
        show_val_kb(m, "LowTotal:       ", i.totalram - i.totalhigh)
        show_val_kb(m, "LowFree:        ", i.freeram - i.freehigh)
    show_val_kb(m, "SwapTotal:      ", i.totalswap)
    show_val_kb(m, "SwapFree:       ", i.freeswap)
    show_val_kb(m, "Dirty:          ", global_node_page_state(mz.NR_FILE_DIRTY))
    show_val_kb(m, "Writeback:      ", global_node_page_state(mz.NR_WRITEBACK))
    show_val_kb(m, "AnonPages:      ", global_node_page_state(mz.NR_ANON_MAPPED))
    show_val_kb(m, "Mapped:         ", global_node_page_state(mz.NR_FILE_MAPPED))
    show_val_kb(m, "Shmem:          ", i.sharedram)
    show_val_kb(m, "Slab:           ", global_page_state(mz.NR_SLAB_RECLAIMABLE)
                + global_page_state(mz.NR_SLAB_UNRECLAIMABLE))
    show_val_kb(m, "SReclaimable:   ", global_page_state(mz.NR_SLAB_RECLAIMABLE))
    show_val_kb(m, "SUnreclaim:     ", global_page_state(mz.NR_SLAB_UNRECLAIMABLE))
    m.append(sprintf("KernelStack:    %8lu kB\n", global_page_state(mz.NR_KERNEL_STACK_KB)))
    show_val_kb(m, "PageTables:     ", global_page_state(mz.NR_PAGETABLE))
    # CONFIG_QUICKLIST: not on ARM.
    show_val_kb(m, "NFS_Unstable:   ", global_node_page_state(mz.NR_UNSTABLE_NFS))
    show_val_kb(m, "Bounce:         ", global_page_state(mz.NR_BOUNCE))
    show_val_kb(m, "WritebackTmp:   ", global_node_page_state(mz.NR_WRITEBACK_TEMP))
    show_val_kb(m, "CommitLimit:    ", vm_commit_limit())
    show_val_kb(m, "Committed_AS:   ", committed)
    vmalloc_start = (memory_c.get().high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1)
    m.append(sprintf("VmallocTotal:   %8lu kB\n", (VMALLOC_END - vmalloc_start) >> 10))
    show_val_kb(m, "VmallocUsed:    ", 0)
    show_val_kb(m, "VmallocChunk:   ", 0)
    # CONFIG_MEMORY_FAILURE and CONFIG_TRANSPARENT_HUGEPAGE are off.
    if IS_ENABLED("CONFIG_CMA"):
        show_val_kb(m, "CmaTotal:       ", page_alloc_c.get().totalcma_pages)
        show_val_kb(m, "CmaFree:        ", global_page_state(mz.NR_FREE_CMA_PAGES))
    # hugetlb_report_meminfo(): no CONFIG_HUGETLB_PAGE. arch_report_meminfo(): ARM has none.
    return "".join(m)
