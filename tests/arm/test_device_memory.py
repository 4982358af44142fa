# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/hw: on-board device memory (the Versatile Express video SRAM) next to RAM."""

import pytest

from cmaport.arch.arm.hw.board import VEXPRESS_VIDEO_SRAM, default_board, virt_board
from cmaport.arch.arm.hw.physmem import BusError, PhysicalMemory
from cmaport.kernel.errors import BoardError

SZ_1M = 1 << 20


def test_device_memory_holds_bytes_but_is_not_ram():
    pm = PhysicalMemory([(0x60000000, 16 * SZ_1M)], [(0x4C000000, 8 * SZ_1M, "sram")])
    assert pm.is_device_memory(0x4C7FFFFF) and not pm.is_ram(0x4C000000)
    pm.write(0x4C7FFFFE, b"\x01\x02")
    assert pm.read(0x4C7FFFFE, 2) == b"\x01\x02"
    pm.fill(0x4C000000, 4096, 0x5A)
    assert pm.read(0x4C000FFF, 2) == b"\x5a\x00"
    with pytest.raises(BusError):
        pm.read(0x4C7FFFFF, 2)  # runs off the end of the SRAM
    with pytest.raises(BusError):
        pm.write(0x50000000, b"x")  # neither RAM nor device memory


def test_default_board_has_the_video_sram_and_virt_has_none():
    hw = default_board().build_hardware()
    assert hw.physmem.device_regions == [VEXPRESS_VIDEO_SRAM]
    assert VEXPRESS_VIDEO_SRAM[:2] == (0x4C000000, 8 * SZ_1M)
    assert virt_board().build_hardware().physmem.device_regions == []


def test_device_memory_must_not_overlap_ram_or_each_other():
    with pytest.raises(BoardError, match="overlaps RAM"):
        default_board(device_memory=[(0x6FF00000, SZ_1M, "bad")]).validate()
    with pytest.raises(BoardError, match="overlap"):
        default_board(device_memory=[(0x1000, 0x2000, "a"), (0x2000, 0x1000, "b")]).validate()
    with pytest.raises(BoardError, match="32-bit"):
        default_board(device_memory=[(0xFFFFF000, 0x2000, "wrap")]).validate()
