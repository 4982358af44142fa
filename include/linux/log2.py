# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/log2.h: integer log2 and power-of-two rounding, for 32-bit ``unsigned long``."""

_ULONG = 0xFFFFFFFF  # unsigned long is 32-bit on ARM


def fls_long(x):
    """include/linux/bitops.h: fls_long() — the last set bit counting from 1 (0 for 0)."""
    return (x & _ULONG).bit_length()


def is_power_of_2(n):
    """include/linux/log2.h: is_power_of_2() — ``n != 0 && (n & (n - 1)) == 0``."""
    n &= _ULONG
    return n != 0 and (n & (n - 1)) == 0


def roundup_pow_of_two(n):
    """include/linux/log2.h: roundup_pow_of_two() — ``1UL << fls_long(n - 1)``.

    For a value that is not a compile-time constant (__roundup_pow_of_two). Undefined in
    C for 0 and above ``1 << 31`` (the shift is 32); ARM's register-controlled LSL gives 0
    there, and so does the model.
    """
    shift = fls_long(n - 1)
    return (1 << shift) & _ULONG if shift < 32 else 0


def rounddown_pow_of_two(n):
    """include/linux/log2.h: rounddown_pow_of_two() — ``1UL << (fls_long(n) - 1)``."""
    return 1 << (fls_long(n) - 1)
