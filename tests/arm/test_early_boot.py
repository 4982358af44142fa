# SPDX-License-Identifier: GPL-2.0-only
"""The ARM early boot of v4.9 on the built-in boards: setup_arch's lines and reservations."""

import pytest

from cmaport.arch.arm.hw.board import default_board, virt_board
from cmaport.kernel.machine import Machine
from cmaport.mm.memblock import for_each_memblock, memblock, memblock_get_current_limit


def boot(board=None, cmdline=None, settings=()):
    m = Machine(board=board, cmdline=cmdline)
    for s in settings:
        m.config.set_assignment(s)
    return m.boot(until="setup_arch")


def upto_dump(lines):
    """The log up to the end of arm_memblock_init's memblock dump."""
    last = max(i for i, line in enumerate(lines) if line.startswith(" reserved["))
    return lines[:last + 1]


def regions(m, name):
    with m:
        return [(r.base, r.size) for r in for_each_memblock(name)]


def test_default_board_log_up_to_the_memblock_dump():
    m = boot()
    assert upto_dump(m.dmesg()) == [
        "Booting Linux on physical CPU 0x0",
        "Linux version 4.9.0-cmaport (cmaport@model) (Python port of v4.9) #1 SMP",
        "CPU: ARMv7 Processor [410fc090] revision 0 (ARMv7), cr=10c5387d",
        "CPU: PIPT / VIPT nonaliasing data cache, VIPT nonaliasing instruction cache",
        "OF: fdt:Machine model: V2P-CA9",
        # multi_v7_defconfig has no HIGHMEM: RAM above the 768 MiB of lowmem goes
        "Truncating RAM at 0x60000000-0xa0000000 to -0x90000000",
        "Consider using a HIGHMEM enabled kernel.",
        # arm_memblock_init, in v4.9's order: kernel image, swapper_pg_dir, the blob
        "memblock_reserve: [0x00000060100000-0x00000060be7fff] flags 0x0 arm_memblock_init",
        "memblock_reserve: [0x00000060004000-0x00000060007fff] flags 0x0 arm_mm_memblock_reserve",
        "memblock_reserve: [0x00000068000000-0x00000068000cd7] flags 0x0 early_init_dt_reserve_memory_arch",
        # /reserved-memory: the video SRAM becomes a DMA pool (drivers/base/dma-coherent.c;
        # the oracle's vexpress-a9-default-512 boot prints the same two lines)
        "Reserved memory: created DMA memory pool at 0x4c000000, size 8 MiB",
        "OF: reserved mem: initialized node vram@4c000000, compatible id shared-dma-pool",
        # dma_contiguous_reserve(arm_dma_limit): CONFIG_CMA_SIZE_MBYTES=64 at the top of
        # lowmem (memblock_end 0x90000000, 8 MiB alignment with MAX_ORDER 12)
        "memblock_reserve: [0x0000008c000000-0x0000008fffffff] flags 0x0 memblock_alloc_range_nid",
        "cma: Reserved 64 MiB at 0x8c000000",
        "MEMBLOCK configuration:",
        " memory size = 0x30000000 reserved size = 0x4aeccd8",
        " memory.cnt  = 0x1",
        " memory[0x0]\t[0x00000060000000-0x0000008fffffff], 0x30000000 bytes flags: 0x0",
        " reserved.cnt  = 0x4",
        " reserved[0x0]\t[0x00000060004000-0x00000060007fff], 0x4000 bytes flags: 0x0",
        " reserved[0x1]\t[0x00000060100000-0x00000060be7fff], 0xae8000 bytes flags: 0x0",
        " reserved[0x2]\t[0x00000068000000-0x00000068000cd7], 0xcd8 bytes flags: 0x0",
        " reserved[0x3]\t[0x0000008c000000-0x0000008fffffff], 0x4000000 bytes flags: 0x0",
    ]
    # the video SRAM node is no-map and outside DRAM: the kernel is silent, the model notes it
    assert any("0x4c000000-0x4c7fffff" in str(d) for d in m.diagnostics)


def test_highmem_keeps_all_ram_and_limits_memblock_to_lowmem():
    m = boot(settings=["CONFIG_HIGHMEM=y"])
    assert not any("Truncating" in line for line in m.dmesg())
    assert regions(m, "memory") == [(0x60000000, 0x40000000)]
    with m:
        # lowmem ends 768 MiB above PHYS_OFFSET (240 MiB vmalloc + 8 MiB gap under 0xff800000)
        assert memblock_get_current_limit() == 0x90000000


def test_cmdline_replaces_bootargs_and_early_params_act():
    m = boot(cmdline="mem=256M initrd=0x64000000,0x100000")
    assert regions(m, "memory") == [(0x60000000, 0x10000000)]
    assert (0x64000000, 0x100000) in regions(m, "reserved")
    # memblock=debug is gone with the bootloader's bootargs: no debug lines
    assert not any(line.startswith("memblock_reserve") for line in m.dmesg())


@pytest.mark.parametrize("initrd,message", [
    ("0x60200000,0x100000",
     "INITRD: 0x60200000+0x00100000 overlaps in-use memory region - disabling initrd"),
    ("0xc0000000,0x100000",
     "INITRD: 0xc0000000+0x00100000 is not a memory region - disabling initrd"),
])
def test_bad_initrd_gets_the_kernels_line_and_no_reservation(initrd, message):
    m = boot(cmdline=f"initrd={initrd}")
    assert message in m.dmesg()
    base = int(initrd.split(",")[0], 16)
    assert all(b != base for b, _ in regions(m, "reserved"))


def test_virt_board_is_a_generic_dt_machine():
    m = boot(board=virt_board(ram_size=512 << 20))
    log = m.dmesg()
    assert "OF: fdt:Machine model: linux,dummy-virt" in log
    assert "CPU: PIPT / VIPT nonaliasing data cache, PIPT instruction cache" in log
    assert regions(m, "memory") == [(0x40000000, 0x20000000)]
    # the blob sits where QEMU puts it without an initrd: RAM base + 128 MiB
    assert any(b == 0x48000000 for b, _ in regions(m, "reserved"))
    assert m.log.arch_desc == "Generic DT based system"


def test_two_machines_do_not_share_state():
    a = boot(board=default_board(ram_size=256 << 20))
    b = boot(board=virt_board(ram_size=1 << 30))
    assert regions(a, "memory") == [(0x60000000, 0x10000000)]
    assert regions(b, "memory") == [(0x40000000, 0x30000000)]  # lowmem only (no HIGHMEM)
    with a:
        assert memblock().memory.total_size == 0x10000000
