# SPDX-License-Identifier: GPL-2.0-only
"""kernel/resource.c and arch/arm/kernel/setup.c: the resource tree and /proc/iomem.

The /proc/iomem comparisons use the oracle's recorded boots (tests/data/oracle/iomem/ and
samples.json). v4.9 and 6.1 agree on the ``System RAM`` ranges, including the holes that
``no-map`` regions leave (v4.9 removes them from memblock.memory, 6.1 marks them NOMAP;
both leave them out of System RAM: shared/reference/v4.9-vs-v6.1.md §7.6, §18 #28/#31).
They differ in the names of device resources (v4.9: the node's full path; 6.1: its base
name) and in what drivers claim inside them.
"""

import json
import pathlib
import shutil

import pytest

from cmaport.arch.arm.hw import fdt_image
from cmaport.arch.arm.hw.board import Board, CORTEX_A15, default_board, virt_board
from cmaport.include.linux.errno import EBUSY
from cmaport.include.linux.ioport import (IORESOURCE_BUSY, IORESOURCE_IO, IORESOURCE_MEM,
                                          IORESOURCE_SYSTEM_RAM, REGION_DISJOINT,
                                          REGION_INTERSECTS, REGION_MIXED, resource)
from cmaport.kernel.machine import Machine
from cmaport.kernel.resource import (__release_region, __request_region, insert_resource,
                                     iomem_resource, ioport_resource, proc_iomem, proc_ioports,
                                     proc_resource_read,
                                     region_intersects, release_resource, request_resource)

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "oracle"
SAMPLES = json.loads((DATA / "samples.json").read_text())["samples"]
DTS_DIR = pathlib.Path(__file__).resolve().parent.parent.parent / "arch" / "arm" / "boot" / "dts"
SZ_1M = 1 << 20


def mem(start, end, name, flags=IORESOURCE_MEM):
    return resource(start=start, end=end, name=name, flags=flags)


def system_ram_lines(text):
    return [l for l in text.splitlines() if l.endswith(": System RAM")]


def test_request_resource_keeps_children_sorted_and_refuses_conflicts():
    with Machine():
        root = iomem_resource()
        b = mem(0x2000, 0x2FFF, "b")
        a = mem(0x1000, 0x1FFF, "a")
        assert request_resource(root, b) == 0
        assert request_resource(root, a) == 0
        assert request_resource(root, mem(0x2800, 0x37FF, "overlap")) == -EBUSY
        assert request_resource(root, mem(0x10, 0x1, "backwards")) == -EBUSY
        inner = mem(0x2100, 0x21FF, "inner")
        assert request_resource(b, inner) == 0
        assert proc_iomem() == ("00001000-00001fff : a\n"
                                "00002000-00002fff : b\n"
                                "  00002100-000021ff : inner\n")
        assert release_resource(b) == 0  # with its child
        assert proc_iomem() == "00001000-00001fff : a\n"


def test_insert_resource_adopts_the_ranges_it_covers_but_not_partial_overlaps():
    with Machine() as m:
        root = iomem_resource()
        for s, e, n in ((0x1000, 0x1FFF, "x"), (0x2000, 0x2FFF, "y"), (0x5000, 0x5FFF, "z")):
            assert request_resource(root, mem(s, e, n)) == 0
        assert insert_resource(root, mem(0x0, 0x2FFF, "bus")) == 0
        assert insert_resource(root, mem(0x4800, 0x57FF, "partial")) == -EBUSY
        twice = mem(0x8000, 0x8FFF, "twice")
        assert insert_resource(root, twice) == 0
        assert insert_resource(root, twice) == -EBUSY  # WARN: duplicated insertion
        assert m.warnings[-1].file == "kernel/resource.c" and m.warnings[-1].line == 797
        assert proc_iomem() == ("00000000-00002fff : bus\n"
                                "  00001000-00001fff : x\n"
                                "  00002000-00002fff : y\n"
                                "00005000-00005fff : z\n"
                                "00008000-00008fff : twice\n")


def test_request_region_goes_into_non_busy_ranges_and_stops_at_busy_ones():
    with Machine() as m:
        root = iomem_resource()
        window = mem(0x10000, 0x1FFFF, "window")
        request_resource(root, window)
        claim = __request_region(root, 0x10000, 0x1000, "drv", 0)
        assert claim.parent is window and claim.flags == IORESOURCE_MEM | IORESOURCE_BUSY
        assert __request_region(root, 0x10800, 0x100, "again", 0) is None  # inside a busy one
        __release_region(root, 0x10000, 0x1000)
        assert window.child is None
        __release_region(root, 0x10000, 0x1000)
        assert m.dmesg()[-1] == ("Trying to free nonexistent resource "
                                 "<0000000000010000-0000000000010fff>")


def test_r_show_widths_depth_and_missing_names():
    with Machine():
        request_resource(ioport_resource(), resource(start=0x3F8, end=0x3FF, name="serial",
                                                     flags=IORESOURCE_IO))
        # ARM's I/O space ends at 0xfffff (IO_SPACE_LIMIT), so 8 digits there too ...
        assert proc_ioports() == "000003f8-000003ff : serial\n"
        # ... a root that ends below 0x10000 gets 4
        small = resource(start=0, end=0xFFFF, name="x86-like", flags=IORESOURCE_IO)
        request_resource(small, resource(start=0x3F8, end=0x3FF, name="serial", flags=IORESOURCE_IO))
        assert proc_resource_read(small) == "03f8-03ff : serial\n"
        parent = iomem_resource()
        for depth in range(7):
            r = mem(0x100 * (depth + 1), 0xFFFF - depth, None if depth == 6 else f"d{depth}")
            assert request_resource(parent, r) == 0
            parent = r
        lines = proc_iomem().splitlines()
        # two spaces a level, but never deeper than MAX_IORES_LEVEL (5)
        assert [len(l) - len(l.lstrip()) for l in lines] == [0, 2, 4, 6, 8, 10, 10]
        assert lines[-1].endswith(" : <BAD>")
        assert proc_iomem(capable=False).splitlines()[0] == "00000000-00000000 : d0"


def test_region_intersects_looks_at_the_top_level_only():
    with Machine():
        root = iomem_resource()
        ram = mem(0x1000, 0x1FFF, "System RAM", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY)
        request_resource(root, ram)
        request_resource(root, mem(0x3000, 0x3FFF, "dev"))
        request_resource(ram, mem(0x1000, 0x10FF, "Kernel code", IORESOURCE_SYSTEM_RAM))
        f = IORESOURCE_SYSTEM_RAM
        assert region_intersects(0x1100, 0x100, f, 0) == REGION_INTERSECTS
        assert region_intersects(0x2000, 0x1000, f, 0) == REGION_DISJOINT
        assert region_intersects(0x3000, 0x100, f, 0) == REGION_DISJOINT  # only another kind
        assert region_intersects(0x1800, 0x2000, f, 0) == REGION_MIXED


def test_default_board_iomem_after_setup_arch():
    m = Machine().boot(until="setup_arch")
    with m:
        # one System RAM per memblock memory region (all 1 GiB: with CONFIG_HIGHMEM nothing
        # is truncated, highmem included); Kernel code is _text .. __init_begin - 1, Kernel
        # data _sdata .. _end - 1 of the model's image (arch/arm/kernel/vmlinux_lds.py)
        assert proc_iomem() == ("60000000-9fffffff : System RAM\n"
                                "  60008000-609fffff : Kernel code\n"
                                "  60b00000-60be7fff : Kernel data\n")


def test_default_board_iomem_with_devices_after_the_initcalls():
    m = Machine().boot()
    with m:
        text = proc_iomem()
    # AMBA (arm,primecell) devices claim their window under the node's full path (v4.9);
    # other platform devices do not claim theirs; the CLCD driver claims its registers
    assert ("1001f000-1001ffff : /smb@4000000/motherboard/iofpga@7,0/clcd@1f000\n"
            "  1001f000-1001ffff : clcd-pl11x\n") in text
    assert "10009000-10009fff : /smb@4000000/motherboard/iofpga@7,0/uart@9000\n" in text
    assert "100e0000-100e0fff : /memory-controller@100e0000\n" in text
    assert "1e001000" not in text and "smb" in text and "4e000000" not in text
    assert "10020000-10020fff : /clcd@10020000\n" in text


def test_virt_default_512_iomem_matches_the_oracle_but_for_v49_names():
    sample = SAMPLES["virt-default-512"]
    oracle = (DATA / "iomem" / "virt-default-512.txt").read_text()
    m = Machine(board=virt_board(512 * SZ_1M), cmdline=sample["cmdline"]).boot()
    with m:
        text = proc_iomem()
    assert system_ram_lines(text) == sample["iomem_system_ram"] == system_ram_lines(oracle)
    top = [l.split(" : ")[0] for l in text.splitlines() if not l.startswith(" ")]
    top_oracle = [l.split(" : ")[0] for l in oracle.splitlines() if not l.startswith(" ")]
    assert top == top_oracle  # the same three devices and the RAM, at the same places
    # 6.1: "pl011@9000000" with the driver's "9000000.pl011 pl011@9000000" inside;
    # v4.9: the full path, and the model has no PL011/PL031/PL061 drivers
    assert text.splitlines()[0] == "09000000-09000fff : /pl011@9000000"
    assert oracle.splitlines()[0] == "09000000-09000fff : pl011@9000000"


def test_vexpress_512_system_ram_matches_the_oracle():
    sample = SAMPLES["vexpress-a9-default-512"]
    m = Machine(board=default_board(ram_size=512 * SZ_1M), cmdline=sample["cmdline"])
    m.boot(until="setup_arch")
    with m:
        assert system_ram_lines(proc_iomem()) == sample["iomem_system_ram"]


@pytest.mark.skipif(shutil.which("dtc") is None, reason="dtc (device-tree-compiler) is not on PATH")
def test_no_map_pool_is_a_hole_in_system_ram_and_absent_from_memblock_memory():
    from cmaport.mm.memblock import for_each_memblock

    sample = SAMPLES["virt-dt-static-cma"]
    blob = fdt_image.compile_dts(str(DATA / "dts" / "virt-static-cma.dts"),
                                 include_dirs=[str(DTS_DIR)])
    b = Board("virt", blob, ram=[(0x40000000, 512 * SZ_1M)], cpu=CORTEX_A15)
    m = Machine(board=b, cmdline=sample["cmdline"]).boot(until="setup_arch")
    with m:
        assert system_ram_lines(proc_iomem()) == sample["iomem_system_ram"]
        # v4.9: the static no-map dmapool@4e000000 is *removed* from memblock.memory (6.1
        # keeps it there flagged NOMAP; v4.9-vs-v6.1.md §7.6, §18 #31)
        assert [(r.base, r.size) for r in for_each_memblock("memory")] == [
            (0x40000000, 0x0E000000), (0x4E400000, 0x11C00000)]
