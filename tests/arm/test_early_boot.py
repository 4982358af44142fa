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
    # the blob the bootloader handed over (at RAM + 128 MiB), as patched: its size follows
    # the shipped device tree
    blob = len(m.handover.dtb)
    assert m.handover.dtb_phys == 0x68000000
    assert upto_dump(m.dmesg()) == [
        "Booting Linux on physical CPU 0x0",
        "Linux version 4.9.0-cmaport (cmaport@model) (Python port of v4.9) #1 SMP",
        "CPU: ARMv7 Processor [410fc090] revision 0 (ARMv7), cr=10c5387d",
        "CPU: PIPT / VIPT nonaliasing data cache, VIPT nonaliasing instruction cache",
        "OF: fdt:Machine model: V2P-CA9",
        # multi_v7_defconfig has HIGHMEM (ARCH_OMAP2PLUS_TYPICAL selects it): no truncation,
        # the 256 MiB above the 768 MiB of lowmem stay in memblock.memory
        # arm_memblock_init, in v4.9's order: kernel image, swapper_pg_dir, the blob
        "memblock_reserve: [0x00000060100000-0x00000060be7fff] flags 0x0 arm_memblock_init",
        "memblock_reserve: [0x00000060004000-0x00000060007fff] flags 0x0 arm_mm_memblock_reserve",
        "memblock_reserve: [0x00000068000000-0x%014x] flags 0x0 early_init_dt_reserve_memory_arch"
        % (0x68000000 + blob - 1),
        # /reserved-memory: the video SRAM becomes a DMA pool (drivers/base/dma-coherent.c;
        # the oracle's vexpress-a9-default-512 boot prints the same two lines)
        "Reserved memory: created DMA memory pool at 0x4c000000, size 8 MiB",
        "OF: reserved mem: initialized node vram@4c000000, compatible id shared-dma-pool",
        # dma_contiguous_reserve(arm_dma_limit = 0xffffffff): CONFIG_CMA_SIZE_MBYTES=64, and
        # cma_declare_contiguous tries highmem first, from its top (8 MiB alignment, MAX_ORDER 12)
        "memblock_reserve: [0x0000009c000000-0x0000009fffffff] flags 0x0 memblock_alloc_range_nid",
        "cma: Reserved 64 MiB at 0x9c000000",
        "MEMBLOCK configuration:",
        " memory size = 0x40000000 reserved size = %#x" % (0x4000 + 0xAE8000 + blob + 0x4000000),
        " memory.cnt  = 0x1",
        " memory[0x0]\t[0x00000060000000-0x0000009fffffff], 0x40000000 bytes flags: 0x0",
        " reserved.cnt  = 0x4",
        " reserved[0x0]\t[0x00000060004000-0x00000060007fff], 0x4000 bytes flags: 0x0",
        " reserved[0x1]\t[0x00000060100000-0x00000060be7fff], 0xae8000 bytes flags: 0x0",
        " reserved[0x2]\t[0x00000068000000-0x%014x], %#x bytes flags: 0x0" % (0x68000000 + blob - 1, blob),
        " reserved[0x3]\t[0x0000009c000000-0x0000009fffffff], 0x4000000 bytes flags: 0x0",
    ]


def test_highmem_keeps_all_ram_and_limits_memblock_to_lowmem():
    m = boot()  # the default configuration has CONFIG_HIGHMEM=y
    assert not any("Truncating" in line for line in m.dmesg())
    assert regions(m, "memory") == [(0x60000000, 0x40000000)]
    with m:
        # lowmem ends 768 MiB above PHYS_OFFSET (240 MiB vmalloc + 8 MiB gap under 0xff800000)
        assert memblock_get_current_limit() == 0x90000000


def test_without_highmem_ram_above_lowmem_is_truncated():
    m = boot(settings=["CONFIG_HIGHMEM=n"])
    log = m.dmesg()
    i = log.index("Truncating RAM at 0x60000000-0xa0000000 to -0x90000000")
    assert log[i + 1] == "Consider using a HIGHMEM enabled kernel."
    assert regions(m, "memory") == [(0x60000000, 0x30000000)]
    # the default area at the top of lowmem
    assert "cma: Reserved 64 MiB at 0x8c000000" in log


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
    assert regions(b, "memory") == [(0x40000000, 0x40000000)]  # HIGHMEM: nothing truncated
    with a:
        assert memblock().memory.total_size == 0x10000000


def test_the_boards_kernel_image_end_is_the_linkers():
    """arch/arm/hw/board.py keeps the image's end as a number (the hardware layer imports no
    kernel code): it must be the default image's ``_end - PAGE_OFFSET``."""
    from cmaport.arch.arm.hw.board import KERNEL_IMAGE_END
    from cmaport.arch.arm.kernel.vmlinux_lds import KernelImage, link_symbols

    s = link_symbols(KernelImage(), 0xC0000000, debug_rodata=True)
    assert KERNEL_IMAGE_END == s._end - 0xC0000000
    # and what the boot reserves for the image ends there
    m = boot()
    assert (0x60100000, KERNEL_IMAGE_END - 0x100000) in regions(m, "reserved")


@pytest.mark.parametrize("ram,message", [
    ([(0x60000000, 8 << 20)], "cannot hold the kernel image"),
    ([(0x60000000, 16 << 20)], "the bootloader puts the device tree at 0x60800000"),
    ([(0x61000000 + 0x100000, 64 << 20)], "not 16 MiB aligned"),
])
def test_board_refuses_ram_the_kernel_cannot_boot_from(ram, message):
    from cmaport.kernel.errors import BoardError

    b = default_board()
    b.ram, b.ram_source = ram, "--mem"
    with pytest.raises(BoardError) as e:
        b.validate()
    assert str(e.value).startswith("--mem: ") and message in str(e.value)


def test_a_tree_gets_the_hardware_of_the_board_it_names():
    from cmaport.arch.arm.hw import fdt_image
    from cmaport.arch.arm.hw.board import (CORTEX_A15, VEXPRESS_VIDEO_SRAM, board_for_tree,
                                           board_with_tree, builtin_dtb)

    vexpress = builtin_dtb("vexpress-v2p-ca9.dtb")
    b = board_with_tree(vexpress, "my.dtb")
    assert (b.name, b.source, b.device_memory, b.cpu) == ("vexpress-a9", "my.dtb",
                                                          [VEXPRESS_VIDEO_SRAM], {})
    assert b.bootargs == "console=ttyAMA0 memblock=debug" and b.ram is None
    # a board named explicitly wins over the tree's compatible
    b = board_with_tree(vexpress, "my.dtb", "virt")
    assert (b.name, b.cpu, b.device_memory, b.bootargs) == ("virt", CORTEX_A15, [], "console=ttyAMA0")
    # a tree that names no built-in board gets a generic one; one with its own bootargs
    # keeps them
    root, rsv = fdt_image.parse_dtb(vexpress)
    root.set_str("compatible", "example,board")
    root.ensure("/chosen").set_str("bootargs", "cma=16M")
    assert board_for_tree(root) is None
    b = board_with_tree(fdt_image.build_dtb(root, rsv), "other.dtb")
    assert (b.name, b.device_memory, b.cpu, b.bootargs) == ("other.dtb", [], {}, None)
    root.set_str("compatible", "linux,dummy-virt")
    b = board_with_tree(fdt_image.build_dtb(root, rsv), "other.dtb")
    assert (b.name, b.cpu, b.bootargs) == ("virt", CORTEX_A15, None)


def test_root_cells_of_zero_do_not_crash_the_firmware():
    from cmaport.arch.arm.hw import fdt_image
    from cmaport.arch.arm.hw.board import Board, builtin_dtb

    assert fdt_image.cells([1, 2, 3], 0) == []
    root, rsv = fdt_image.parse_dtb(builtin_dtb("vexpress-v2p-ca9.dtb"))
    for ac, sc in ((0, 0), (0, 1), (1, 0)):
        root.set_u32s("#address-cells", [ac])
        root.set_u32s("#size-cells", [sc])
        b = Board("zero", fdt_image.build_dtb(root, rsv))
        # (0, 1): one-cell tuples hold only a size, at base 0
        assert b.dt_ram() == ([(0, 0x60000000), (0, 0x40000000)] if (ac, sc) == (0, 1) else [])


def test_ram_above_4g_in_the_device_tree_is_ignored_as_v49_does():
    """A board with a bank above 4 GiB (an LPAE-capable one) boots: the hardware keeps
    what a non-LPAE CPU can reach and the kernel's scan prints its "Ignoring" lines."""
    from cmaport.arch.arm.hw import fdt_image
    from cmaport.arch.arm.hw.board import builtin_dtb
    from cmaport.arch.arm.hw.board import board_with_tree
    from cmaport.kernel.machine import Machine

    root, rsv = fdt_image.parse_dtb(builtin_dtb("virt-base.dtb"))
    mem = root.find("/memory@40000000")
    mem.set_u32s("reg", [0, 0x40000000, 0, 0x20000000, 1, 0, 0, 0x10000000,
                         0, 0xF0000000, 0, 0x20000000])
    b = board_with_tree(fdt_image.build_dtb(root, rsv), "lpae.dtb")
    assert b.dt_ram() == [(0x40000000, 0x20000000), (0xF0000000, 0x10000000)]
    m = Machine(board=b)
    m.boot()
    log = m.dmesg()
    assert "OF: fdt:Ignoring memory block 0x100000000 - 0x110000000" in log
    assert "OF: fdt:Ignoring memory range 0x100000000 - 0x110000000" in log
    with m:
        from cmaport.mm.memblock import memblock

        mb = memblock().memory
        assert [(r.base, r.size) for r in mb.regions[:mb.cnt]] == [
            (0x40000000, 0x20000000), (0xF0000000, 0x0FFFFFFF)]


@pytest.mark.parametrize("param,function", [
    ("mem", "early_mem"), ("vmalloc", "early_vmalloc"), ("initrd", "early_initrd"),
    ("ecc", "early_ecc"), ("cachepolicy", "early_cachepolicy"),
])
def test_a_bare_early_parameter_hands_null_to_its_handler(param, function):
    """do_early_param() passes val = NULL for a word without '='; these v4.9 handlers
    read through it (memparse or memcmp), so the boot ends in the NULL-pointer oops."""
    from cmaport.kernel.errors import KernelBug
    from cmaport.kernel.machine import Machine

    m = Machine(cmdline="console=ttyAMA0 " + param)
    with pytest.raises(KernelBug) as e:
        m.boot(until="setup_arch")
    assert e.value.function == function
    assert m.dmesg()[-1] == ("Unable to handle kernel NULL pointer dereference at virtual "
                             "address 00000000")
