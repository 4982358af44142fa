# SPDX-License-Identifier: GPL-2.0-only
"""mm/cma.c with the real alloc_contig_range()/free_contig_range(), after a full boot.

QEMU's virt board with 256 MiB and ``cma=16M``: the area is pfns 0x4f000..0x4ffff, and the
atomic pool (postcore) took its bits 0-63 at boot.
"""

import re

import pytest

from cmaport.arch.arm.hw.board import virt_board
from cmaport.kernel.machine import Machine

pytestmark = pytest.mark.slow

BASE = 0x4F000


def boot(cmdline="cma=16M"):
    return Machine(board=virt_board(ram_size=256 << 20,
                                    bootargs="console=ttyAMA0 " + cmdline)).boot()


def meminfo_cma():
    from cmaport.fs.proc.meminfo import meminfo_proc_show

    text = meminfo_proc_show()
    return tuple(int(re.search(r"^%s:\s+(\d+) kB$" % k, text, re.M).group(1))
                 for k in ("CmaTotal", "CmaFree"))


def area():
    from cmaport.mm.cma import cma_c

    return cma_c.get().cma_areas[0]


def on_pcp_lists(start, end):
    """Pages of [start, end) on the per-cpu lists (walked as the kernel links them)."""
    from cmaport.include.linux.list import list_for_each
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.include.linux.mmzone import NODE_DATA

    pcp = NODE_DATA(0).node_zones[0].pageset[0].pcp
    return sum(start <= page_to_pfn(p) < end for head in pcp.lists for p in list_for_each(head))


def test_cmafree_follows_cma_alloc_and_release():
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.mm.cma import cma_alloc, cma_release
    from cmaport.mm.cma_debug import bitmap_runs

    m = boot()
    with m:
        # the atomic pool's 64 pages are gone since the boot
        assert meminfo_cma() == (16384, 16384 - 256)
        p = cma_alloc(area(), 300, 0)
        assert page_to_pfn(p) == BASE + 64
        assert meminfo_cma() == (16384, 16384 - 256 - 1200)
        q = cma_alloc(area(), 2048, 11)
        assert page_to_pfn(q) == BASE + 2048
        assert meminfo_cma() == (16384, 16384 - 256 - 1200 - 8192)
        assert bitmap_runs(area()) == [(0, 364), (2048, 4096)]
        assert cma_release(area(), p, 300) and cma_release(area(), q, 2048)
        assert bitmap_runs(area()) == [(0, 64)]
        # free_contig_range() frees page by page: order-0 pages go to the per-cpu list
        # (MOVABLE, their type CMA cached) and count as free only once drained
        from cmaport.include.linux.mmzone import NODE_DATA
        from cmaport.mm.page_alloc import drain_all_pages

        pcp = NODE_DATA(0).node_zones[0].pageset[0].pcp
        on_pcp = on_pcp_lists(BASE, BASE + 4096)
        assert 0 < on_pcp <= pcp.count < pcp.high
        assert meminfo_cma() == (16384, 16384 - 256 - 4 * on_pcp)
        drain_all_pages(None)
        assert meminfo_cma() == (16384, 16384 - 256)
        from cmaport.include.linux.mmzone import NODE_DATA
        from cmaport.mm.debug import model_check_zone

        assert model_check_zone(NODE_DATA(0).node_zones[0]) == []


def test_retry_past_a_pinned_page():
    """A page of the area that cannot be migrated (here: held by someone who took it with
    alloc_contig_range() directly) makes alloc_contig_range() fail with -EBUSY and print the
    busy range; cma_alloc() clears the bits and retries at the next aligned candidate."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.mm.cma import cma_alloc, cma_release
    from cmaport.mm.cma_debug import bitmap_runs
    from cmaport.mm.page_alloc import alloc_contig_range, free_contig_range

    m = boot("cma=16M trace_event=cma:cma_alloc")
    with m:
        assert alloc_contig_range(BASE + 70, BASE + 71, 4) == 0  # the pinned page
        before = len(m.dmesg())
        p = cma_alloc(area(), 16, 4)  # candidates: bit 64 (busy), then bit 80
        assert page_to_pfn(p) == BASE + 80
        busy = [l for l in m.dmesg()[before:] if "PFNs busy" in l]
        assert len(busy) == 1 and re.fullmatch(r"alloc_contig_range: \[[0-9a-f]+, 4f050\) PFNs busy",
                                               busy[0])
        assert bitmap_runs(area()) == [(0, 64), (80, 96)]
        # with no alignment every bit is a candidate: 64 .. 70 are busy, 71 fits
        q = cma_alloc(area(), 9, 0)
        assert page_to_pfn(q) == BASE + 71
        from cmaport.kernel.trace.trace import trace_c

        # one event per call, however many retries
        assert [e.fields[0] for e in trace_c.get().buffer] == [BASE, BASE + 80, BASE + 71]
        assert cma_release(area(), p, 16) and cma_release(area(), q, 9)
        free_contig_range(BASE + 70, 1)
        assert bitmap_runs(area()) == [(0, 64)]
        from cmaport.kernel.cost import snapshot

        assert snapshot()["retries"] >= 1 + 7


def test_default_board_with_cma_64m():
    """The built-in board (vexpress-a9, 1 GiB, multi_v7_defconfig: HIGHMEM, lowmem up to
    0x90000000) with cma=64M prints what v4.9 prints: the area at the top of highmem (tried
    first), then the atomic pool from it; the daughterboard CLCD's frame buffer (1.5 MiB)
    comes from it too."""
    from cmaport.kernel.machine import Machine

    m = Machine(cmdline="console=ttyAMA0 cma=64M").boot()
    assert [l for l in m.dmesg() if l.startswith(("cma:", "DMA:"))] == [
        "cma: Reserved 64 MiB at 0x9c000000",
        "DMA: preallocated 256 KiB pool for atomic coherent allocations",
    ]
    memory = next(l for l in m.dmesg() if l.startswith("Memory:"))
    assert memory.endswith(", 65536K cma-reserved, 196608K highmem)")
    with m:
        assert meminfo_cma() == (65536, 65536 - 256 - 1536)
