# SPDX-License-Identifier: GPL-2.0-only
"""The page allocator in the full boot of the built-in board, and ``cmaport proc``.

Values that depend only on the RAM (1 GiB at 0x60000000: 768 MiB of lowmem and, with
multi_v7_defconfig's CONFIG_HIGHMEM, 256 MiB of HighMem) and v4.9's rules are asserted exactly; values that depend on the
reservations of other parts of the boot (the device tree blob, …) are checked through
their relations (``Memory:`` available = the free pages at that moment, reserved = present
- totalram - totalcma).
"""

import re

import pytest

from cmaport.cli import main
from cmaport.kernel.machine import Machine

MEMORY_RE = re.compile(r"Memory: (\d+)K/(\d+)K available \((\d+)K kernel code, (\d+)K rwdata, "
                       r"(\d+)K rodata, (\d+)K init, (\d+)K bss, (\d+)K reserved, "
                       r"(\d+)K cma-reserved(?:, (\d+)K highmem)?\)")


@pytest.fixture(scope="module")
def booted():
    return Machine().boot()


def test_boot_lines_in_v49_order(booted):
    # The built-in board boots with memblock=debug: leave memblock's own lines out.
    lines = [l for l in booted.dmesg() if not l.startswith(("memblock_", "MEMBLOCK", " "))
             or l.startswith(("  DMA", "  HighMem", "    "))]
    i = lines.index("On node 0 totalpages: 262144")
    # mem_map (8 MiB for 1 GiB) is allocated top-down at the top of lowmem (0x8f800000): the
    # 64 MiB default CMA area went to the top of highmem
    assert lines[i + 1] == "free_area_init_node: node 0, pgdat c0b3b7c0, node_mem_map ef800000"
    j = lines.index("  DMA zone: 1536 pages used for memmap")
    # no memmap line for HighMem: free_area_init_core charges mem_map to lowmem zones only
    assert lines[j + 1:j + 4] == ["  DMA zone: 0 pages reserved",
                                  "  DMA zone: 196608 pages, LIFO batch:31",
                                  "  HighMem zone: 65536 pages, LIFO batch:15"]
    built = lines.index("Built 1 zonelists in Zone order, mobility grouping on.  Total pages: 260608")
    cmdline = next(k for k, l in enumerate(lines) if l.startswith("Kernel command line:"))
    memory = next(k for k, l in enumerate(lines) if l.startswith("Memory:"))
    assert j < built < cmdline < memory
    assert lines[memory + 1] == "Virtual kernel memory layout:"
    assert lines[memory + 5] == "    lowmem  : 0xc0000000 - 0xf0000000   ( 768 MB)"
    assert lines[memory + 6] == "    pkmap   : 0xbfe00000 - 0xc0000000   (   2 MB)"
    # postcore: the atomic DMA pool from the default CMA area, before the __init memory goes
    assert lines[-1] == "Freeing unused kernel memory: 1024K (c0a00000 - c0b00000)"
    assert "DMA: preallocated 256 KiB pool for atomic coherent allocations" in lines[memory:]


def test_memory_line_values(booted):
    memory = next(l for l in booted.dmesg() if l.startswith("Memory:"))
    m = MEMORY_RE.fullmatch(memory)
    # highmem: what free_highpages() freed, the 256 MiB of HighMem less the 64 MiB default
    # CMA area at its top (still reserved at mem_init)
    assert m and m.group(10) == "196608"
    available, physpages, reserved, cma = (int(m.group(i)) for i in (1, 2, 8, 9))
    assert physpages == 1048576
    with booted:
        from cmaport.mm.page_alloc import page_alloc_c

        s = page_alloc_c.get()
        # After mem_init the core initcall gave the CMA pageblocks to the buddy allocator and
        # free_initmem() gave back the 256 pages of the __init sections.
        at_mem_init = s.totalram_pages - 256 - s.totalcma_pages
        assert reserved == physpages - at_mem_init * 4 - s.totalcma_pages * 4
        assert available == at_mem_init * 4  # all managed pages were free then
    # CONFIG_CMA_SIZE_MBYTES=64 (multi_v7_defconfig): the default area is still reserved then
    assert cma == 65536


def test_booted_machine_is_consistent_and_allocates(booted):
    with booted:
        from cmaport.include.linux.gfp import GFP_KERNEL, alloc_pages
        from cmaport.include.linux.mmzone import NODE_DATA
        from cmaport.mm.debug import model_check_zone
        from cmaport.mm.page_alloc import __free_pages, page_alloc_c

        zone = NODE_DATA(0).node_zones[0]
        assert model_check_zone(zone) == []
        # The initcalls ran: watermarks exist, blocking allocations are allowed.
        assert zone.watermark[0] > 0
        assert page_alloc_c.get().gfp_allowed_mask == (1 << 26) - 1
        page = alloc_pages(GFP_KERNEL, 3)
        __free_pages(page, 3)
        assert model_check_zone(zone) == []


def test_boot_stages_stop_where_asked():
    m = Machine().boot(until="setup_arch")
    assert "On node 0 totalpages: 262144" in m.dmesg()
    assert not any(l.startswith("Built 1 zonelists") for l in m.dmesg())
    m = Machine().boot(until="mm_init")
    assert any(l.startswith("Memory:") for l in m.dmesg())
    assert not any(l.startswith("Freeing unused kernel memory") for l in m.dmesg())


@pytest.mark.slow
def test_boot_without_highmem():
    """CONFIG_HIGHMEM=n: v4.9 truncates the 1 GiB to the 768 MiB of lowmem, the default area
    goes to the top of lowmem, and mem_map (6 MiB) below it."""
    from cmaport.kernel.config import KernelConfig

    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=n")
    m = Machine(config=cfg).boot()
    lines = m.dmesg()
    assert "Truncating RAM at 0x60000000-0xa0000000 to -0x90000000" in lines
    assert "On node 0 totalpages: 196608" in lines
    assert "free_area_init_node: node 0, pgdat c0b3b7c0, node_mem_map eba00000" in lines
    assert not any("HighMem zone" in l for l in lines)
    assert ("Built 1 zonelists in Zone order, mobility grouping on.  Total pages: 195072"
            in lines)
    memory = MEMORY_RE.fullmatch(next(l for l in lines if l.startswith("Memory:")))
    assert memory.group(2) == "786432" and memory.group(10) is None  # no ", …K highmem"
    assert memory.group(9) == "65536"
    assert "cma: Reserved 64 MiB at 0x8c000000" in lines
    assert not any(l.startswith("    pkmap") for l in lines)


def run(capsys, *argv):
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code, out, err


def test_cli_proc_buddyinfo(capsys):
    code, out, _ = run(capsys, "proc", "buddyinfo")
    assert code == 0
    assert re.fullmatch(r"Node 0, zone      DMA( +\d+){12} \nNode 0, zone  HighMem( +\d+){12} \n", out)


def test_cli_proc_meminfo_with_options(capsys):
    code, out, _ = run(capsys, "proc", "meminfo", "--mem", "512M")
    assert code == 0
    assert out.splitlines()[0].startswith("MemTotal:  ")
    # the 64 MiB default area; the atomic pool (256 KiB) and the daughterboard CLCD's
    # 1.5 MiB frame buffer came from it at boot
    assert "CmaTotal:          65536 kB\nCmaFree:           63744 kB\n" in out


def test_cli_proc_rejects_unknown_files(capsys):
    code, _, err = run(capsys, "proc", "slabinfo")
    assert code == 2
    assert "slabinfo" in err
