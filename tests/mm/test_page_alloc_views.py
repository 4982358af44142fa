# SPDX-License-Identifier: GPL-2.0-only
"""The allocator's /proc files and boot lines in v4.9's formats, for states worked out by hand.

The 64 MiB machine of conftest.py (see test_page_alloc.py for its free blocks): 14719
free pages; min_free_kbytes = int_sqrt(14719 * 4 * 16) = 970, so min = 970 / 4 = 242,
low = min + max(242 / 4, 14719 * 10 / 10000) = 302, high = 362; the pcp batch is
rounddown_pow_of_two(3 + 1) - 1 = 3 from 16256 / 1024 / 4 = 3 (high 18); the vmstat
threshold is 2 * fls(1) * (1 + fls(14719 >> 15)) = 2.
"""

import re

from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE, GFP_KERNEL, alloc_pages
from cmaport.mm.vmstat import frag_show, pagetypeinfo_show, vmstat_show, zoneinfo_show
from cmaport.fs.proc.meminfo import meminfo_proc_show

HEADER = ("Free pages count per migrate type at order       0      1      2      3      4      5"
          "      6      7      8      9     10     11 \n")


def test_buddyinfo_after_boot(mm):
    assert frag_show() == ("Node 0, zone      DMA      1      1      1      1      1      1"
                           "      1      0      3      1      1      6 \n")


def row(*n):
    return "".join("%6d " % x for x in n) + "\n"


def test_pagetypeinfo_after_boot(mm):
    assert pagetypeinfo_show() == (
        "Page block order: 11\n"
        "Pages per block:  2048\n"
        "\n"
        + HEADER
        + "Node    0, zone      DMA, type    Unmovable " + row(*[0] * 12)
        + "Node    0, zone      DMA, type      Movable " + row(1, 1, 1, 1, 1, 1, 1, 0, 3, 1, 1, 6)
        + "Node    0, zone      DMA, type  Reclaimable " + row(*[0] * 12)
        + "Node    0, zone      DMA, type   HighAtomic " + row(*[0] * 12)
        + "Node    0, zone      DMA, type          CMA " + row(*[0] * 12)
        + "Node    0, zone      DMA, type      Isolate " + row(*[0] * 12)
        + "\n"
        "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"
        "Node 0, zone      DMA            0            8            0            0            0            0 \n"
    )


def test_pagetypeinfo_with_cma_and_a_stolen_pageblock(mm_cma):
    # The first unmovable allocation takes the whole order-11 MOVABLE block at 0x63000
    # and splits it on the UNMOVABLE lists (one block of each order 0..10); the pcp batch
    # is 1 (sized before CMA was added), so only 0x63000 left the free lists.
    assert alloc_pages(GFP_KERNEL, 0) is not None
    text = pagetypeinfo_show()
    assert text.splitlines(keepends=True)[4:] == [
        "Node    0, zone      DMA, type    Unmovable " + row(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0),
        "Node    0, zone      DMA, type      Movable " + row(1, 1, 1, 1, 1, 1, 1, 0, 3, 1, 1, 3),
        "Node    0, zone      DMA, type  Reclaimable " + row(*[0] * 12),
        "Node    0, zone      DMA, type   HighAtomic " + row(*[0] * 12),
        "Node    0, zone      DMA, type          CMA " + row(*([0] * 11 + [2])),
        "Node    0, zone      DMA, type      Isolate " + row(*[0] * 12),
        "\n",
        "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n",
        "Node 0, zone      DMA            1            5            0            0            2            0 \n",
    ]


def test_pagetypeinfo_leaves_out_types_the_configuration_lacks(mm_factory):
    # CMA=n also turns off MEMORY_ISOLATION, which only CMA selects on ARM (mm/Kconfig):
    # four migratetypes are left, and no Isolate column
    with mm_factory(settings=["CONFIG_CMA=n", "CONFIG_DMA_CMA=n"]):
        text = pagetypeinfo_show()
        assert "type          CMA" not in text and "Isolate" not in text
        assert text.splitlines()[-2] == ("Number of blocks type     Unmovable      Movable  "
                                         "Reclaimable   HighAtomic ")
        assert text.splitlines()[-1] == ("Node 0, zone      DMA            0            8"
                                         "            0            0 ")


def test_zoneinfo_vm_stats_threshold_only_with_smp(mm_factory):
    # zoneinfo_show_print() prints the per-cpu stat threshold under CONFIG_SMP only
    with mm_factory(settings=["CONFIG_SMP=n"]):
        lines = zoneinfo_show().splitlines()
        i = lines.index("              batch: 3")
        assert lines[i + 1] == "  node_unreclaimable:  1"
        assert not any("vm stats threshold" in line for line in lines)


def test_zoneinfo_after_boot(mm):
    text = zoneinfo_show()
    lines = text.splitlines()
    assert lines[0] == "Node 0, zone      DMA"
    assert lines[1] == "  per-node stats"
    assert lines[2] == "      nr_inactive_anon 0"
    assert lines[14] == "      nr_mapped    0"
    i = lines.index("  pages free     14719")
    assert lines[i:i + 25] == [
        "  pages free     14719",
        "        min      242",
        "        low      302",
        "        high     362",
        "   node_scanned  0",
        "        spanned  16384",
        "        present  16384",
        "        managed  14719",
        "      nr_free_pages 14719",
        "      nr_zone_inactive_anon 0",
        "      nr_zone_active_anon 0",
        "      nr_zone_inactive_file 0",
        "      nr_zone_active_file 0",
        "      nr_zone_unevictable 0",
        "      nr_zone_write_pending 0",
        "      nr_mlock     0",
        "      nr_slab_reclaimable 0",
        "      nr_slab_unreclaimable 0",
        "      nr_page_table_pages 0",
        "      nr_kernel_stack 0",
        "      nr_bounce    0",
        "      nr_free_cma  0",
        "        protection: (0, 0, 0, 0)",  # DMA, Normal, HighMem, Movable
        "  pagesets",
        "    cpu: 0",
    ]
    assert lines[i + 25:] == [
        "              count: 0",
        "              high:  18",
        "              batch: 3",
        "  vm stats threshold: 2",
        "  node_unreclaimable:  1",
        "  start_pfn:           393216",
        "  node_inactive_ratio: 0",
    ]
    # v4.9 has no "cma" line (6.1 does) and shows only populated zones (no Normal, no Movable).
    assert not any(re.match(r"\s+cma\s", line) for line in lines)
    assert "zone   Normal" not in text and "zone  Movable" not in text


def test_zoneinfo_counts_pcp_pages_and_free_cma(mm_cma):
    alloc_pages(GFP_HIGHUSER_MOVABLE, 0)
    lines = zoneinfo_show().splitlines()
    assert "      nr_free_cma  4096" in lines
    assert "              count: 0" in lines  # batch 1: the one page went to the caller


def test_meminfo(mm_cma):
    text = meminfo_proc_show()
    lines = text.splitlines()
    # MemTotal: totalram (free_all_bootmem's 10623 pages + 4096 CMA pages).
    assert lines[0] == "MemTotal:          58876 kB"
    assert lines[1] == "MemFree:           58876 kB"
    # MemAvailable: free - totalreserve. The watermarks were set from the 10623 managed
    # pages before the CMA pageblocks came: min_free_kbytes = int_sqrt(10623 * 4 * 16) =
    # 824, min 206, high 206 + 2 * 51 = 308; (14719 - 308) * 4 = 57644 kB.
    assert lines[2] == "MemAvailable:      57644 kB"
    assert lines[-2] == "CmaTotal:          16384 kB"
    assert lines[-1] == "CmaFree:           16384 kB"
    assert "CommitLimit:       29436 kB" in lines  # 14719 * 50 / 100 pages
    assert "KernelStack:           0 kB" in lines
    # CONFIG_HIGHMEM (multi_v7_defconfig) adds the High/Low lines, here with no highmem
    assert "HighTotal:             0 kB" in lines and "LowTotal:          58876 kB" in lines
    assert all(re.fullmatch(r"[A-Za-z()_]+:\s+\d+ kB", l) for l in lines)
    assert len(lines) == 40


def test_meminfo_highmem_lines(mm_factory):
    # 1 GiB with CONFIG_HIGHMEM: lowmem ends at 0x90000000, 256 MiB of highmem.
    with mm_factory(ram_mb=1024, settings=["CONFIG_HIGHMEM=y"]):
        lines = meminfo_proc_show().splitlines()
        assert "HighTotal:        262144 kB" in lines
        assert "HighFree:         262144 kB" in lines
        assert lines.index("HighTotal:        262144 kB") == lines.index("Mlocked:               0 kB") + 1
    # without CONFIG_HIGHMEM the four High/Low lines are not there at all
    with mm_factory(settings=["CONFIG_HIGHMEM=n"]):
        lines = meminfo_proc_show().splitlines()
        assert not any(l.startswith(("HighTotal", "HighFree", "LowTotal", "LowFree")) for l in lines)
        assert len(lines) == 36


def test_vmstat(mm):
    alloc_pages(GFP_HIGHUSER_MOVABLE, 0)
    lines = vmstat_show().splitlines()
    names = [l.split()[0] for l in lines]
    assert names[:3] == ["nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon"]
    assert names[13] == "nr_free_cma"
    assert names[14] == "nr_inactive_anon"
    assert names[40:42] == ["nr_dirty_threshold", "nr_dirty_background_threshold"]
    assert names[42:46] == ["pgpgin", "pgpgout", "pswpin", "pswpout"]
    assert names[46:50] == ["pgalloc_dma", "pgalloc_normal", "pgalloc_high", "pgalloc_movable"]
    values = dict(l.split() for l in lines)
    assert values["nr_free_pages"] == str(14719 - 3)
    assert values["pgalloc_dma"] == "1"
    # Boot frees count too: every page handed over by free_all_bootmem.
    assert values["pgfree"] == "14719"
    # (free 14716 - totalreserve 362 + 1) * 20% and 10%.
    assert values["nr_dirty_threshold"] == str((819 * (14716 - 362 + 1)) // 4096)
    assert values["nr_dirty_background_threshold"] == str((409 * (14716 - 362 + 1)) // 4096)


def test_memory_line_and_zone_lines(mm):
    lines = mm.dmesg()
    assert lines[lines.index("On node 0 totalpages: 16384") + 1:][:6] == [
        "free_area_init_node: node 0, pgdat c0b3b7c0, node_mem_map c3f80000",
        "  DMA zone: 128 pages used for memmap",
        "  DMA zone: 0 pages reserved",
        "  DMA zone: 16384 pages, LIFO batch:3",
        "Built 1 zonelists in Zone order, mobility grouping on.  Total pages: 16256",
        "Memory: 58876K/65536K available (7168K kernel code, 640K rwdata, 2048K rodata, "
        "1024K init, 288K bss, 6660K reserved, 0K cma-reserved, 0K highmem)",
    ]
    levels = {r.text: r.level for r in mm.log.records}
    assert levels["On node 0 totalpages: 16384"] == 7  # KERN_DEBUG
    assert levels["  DMA zone: 0 pages reserved"] == 7
    assert levels["Built 1 zonelists in Zone order, mobility grouping on.  Total pages: 16256"] == 6


def test_memory_line_with_highmem_and_cma(mm_factory):
    m = mm_factory(ram_mb=1024, settings=["CONFIG_HIGHMEM=y"], cma=((0x9f000000, 16 << 20),))
    with m:
        memory = [l for l in m.dmesg() if l.startswith("Memory:")][0]
        # The CMA area is still reserved when mem_init runs (cma-reserved shows 0 until
        # cma_init_reserved_mem counts it); free_highpages skipped it.
        assert re.fullmatch(r"Memory: \d+K/1048576K available \(7168K kernel code, 640K rwdata, "
                            r"2048K rodata, 1024K init, 288K bss, \d+K reserved, 0K cma-reserved, "
                            r"245760K highmem\)", memory)
        assert "  HighMem zone: 65536 pages, LIFO batch:15" in m.dmesg()
        assert "    pkmap   : 0xbfe00000 - 0xc0000000   (   2 MB)" in m.log.text()
        assert "    modules : 0xbf000000 - 0xbfe00000   (  14 MB)" in m.log.text()
