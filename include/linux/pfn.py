# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/pfn.h: page frame number helpers (4 KiB pages).

The sums are 32-bit on ARM without LPAE (``unsigned long`` and ``phys_addr_t`` alike), so
they wrap as C's do: ``PFN_UP(0xfffff800)`` is 0.
"""

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
_U32 = 0xFFFFFFFF


def PFN_ALIGN(x):
    """include/linux/pfn.h: PFN_ALIGN() — round up to a page boundary."""
    return ((x + PAGE_SIZE - 1) & _U32) & ~(PAGE_SIZE - 1)


def PFN_UP(x):
    """include/linux/pfn.h: PFN_UP() — the first pfn at or above address ``x``."""
    return ((x + PAGE_SIZE - 1) & _U32) >> PAGE_SHIFT


def PFN_DOWN(x):
    """include/linux/pfn.h: PFN_DOWN() — the pfn that holds address ``x``."""
    return x >> PAGE_SHIFT


def PFN_PHYS(x):
    """include/linux/pfn.h: PFN_PHYS() — the physical address of a pfn."""
    return x << PAGE_SHIFT


def PHYS_PFN(x):
    """include/linux/pfn.h: PHYS_PFN()."""
    return x >> PAGE_SHIFT
