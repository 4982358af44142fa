# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/kernel.h: the arithmetic helpers the ported code uses."""

ULONG_MAX = 0xFFFFFFFF  # unsigned long is 32-bit on ARM
UINT_MAX = 0xFFFFFFFF
ULLONG_MAX = 0xFFFFFFFFFFFFFFFF


def __ALIGN_MASK(x, mask):
    """include/linux/kernel.h: __ALIGN_MASK() — round up with a mask of low bits."""
    return (x + mask) & ~mask


def ALIGN(x, a):
    """include/linux/kernel.h: ALIGN() — round ``x`` up to a power of two ``a``."""
    return (x + (a - 1)) & ~(a - 1)


def round_up(x, y):
    """include/linux/kernel.h: round_up() — ``y`` must be a power of two."""
    return ((x - 1) | (y - 1)) + 1


def round_down(x, y):
    """include/linux/kernel.h: round_down() — ``y`` must be a power of two."""
    return x & ~(y - 1)


def IS_ALIGNED(x, a):
    """include/linux/kernel.h: IS_ALIGNED()."""
    return (x & (a - 1)) == 0


def DIV_ROUND_UP(n, d):
    """include/linux/kernel.h: DIV_ROUND_UP()."""
    return (n + d - 1) // d


def min_not_zero(x, y):
    """include/linux/kernel.h: min_not_zero() — the smaller value that is not zero."""
    if x == 0:
        return y
    if y == 0:
        return x
    return min(x, y)


def clamp(val, lo, hi):
    """include/linux/kernel.h: clamp()."""
    return min(max(val, lo), hi)
