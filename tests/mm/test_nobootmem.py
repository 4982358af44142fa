# SPDX-License-Identifier: GPL-2.0-only
"""mm/nobootmem.c: free_all_bootmem() on a board whose RAM starts at physical address 0.

__free_pages_memory() takes ``min(MAX_ORDER - 1, __ffs(start))`` as the first order; for
pfn 0 ARM's ``__ffs(0)`` is ``ffs(0) - 1`` = 0xffffffff (unsigned long), so the order is
MAX_ORDER-1 and is then lowered until the block fits the range.
"""

from cmaport.arch.arm.hw.board import virt_board
from cmaport.include.linux.mm import pfn_to_page
from cmaport.include.linux.page_flags import PageBuddy
from cmaport.kernel.machine import Machine
from cmaport.mm.internal import page_order
from cmaport.mm.nobootmem import __ffs


def test_ffs_of_zero_is_armv7s_value():
    assert __ffs(0) == 0xFFFFFFFF
    assert __ffs(1) == 0 and __ffs(0x400) == 10 and __ffs(0x80000000) == 31


def test_boot_with_ram_at_zero_frees_pfn_0():
    b = virt_board(ram_size=256 << 20)
    b.ram = [(0, 256 << 20)]
    m = Machine(board=b)
    m.boot()
    with m:
        # pfns 0-3 are free (swapper_pg_dir is reserved at PHYS_OFFSET + 0x4000): the first
        # block is freed with order MAX_ORDER-1 lowered to 2, and cannot merge upwards.
        page = pfn_to_page(0)
        assert PageBuddy(page)
        assert page_order(page) == 2
    assert any(line.startswith("Memory: ") for line in m.dmesg())
