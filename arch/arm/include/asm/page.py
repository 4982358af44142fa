# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/page.h: the page size (4 KiB on ARM)."""

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PAGE_MASK = ~(PAGE_SIZE - 1) & 0xFFFFFFFF


def PAGE_ALIGN(addr):
    """include/linux/mm.h: PAGE_ALIGN() — round up to the next page boundary."""
    return (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
