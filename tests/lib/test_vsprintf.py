# SPDX-License-Identifier: GPL-2.0-only
"""lib/vsprintf.c: the kernel's printf rules, checked on the formats the port prints."""

import pytest
from hypothesis import given, strategies as st

from cmaport.lib.vsprintf import sprintf, vsnprintf


@pytest.mark.parametrize("fmt,args,out", [
    # %pa: 0x + 8 zero-padded digits without LPAE (special_hex_number)
    ("%pa", (0x2C000000,), "0x2c000000"),
    ("%pa", (0,), "0x00000000"),
    ("Reserved %ld MiB at %pa\n", (16, 0x5F000000), "Reserved 16 MiB at 0x5f000000\n"),
    # memblock=debug formats: %#016llx counts the 0x in the width
    ("[%#016llx-%#016llx]", (0x5F000000, 0x5FFFFFFF), "[0x0000005f000000-0x0000005fffffff]"),
    ("flags %#02lx", (0,), "flags 0x0"),
    ("flags: %#lx", (4,), "flags: 0x4"),
    (" %s[%#x]\t", ("memory", 0), " memory[0x0]\t"),
    # unsigned conversions truncate to the C type (long is 32-bit on ARM)
    ("%lx", (-1,), "ffffffff"),
    ("%llx", (-1,), "ffffffffffffffff"),
    ("%08lx", (0x1234,), "00001234"),
    ("%d", (0xFFFFFFFF,), "-1"),
    ("%u", (-1,), "4294967295"),
    ("%lld", (-5,), "-5"),
    ("%hhu", (257,), "1"),
    # plain %p: 8 digits, no 0x, not hashed in v4.9; NULL is "(null)" in pointer width
    ("%p", (0xC0A1B2C4,), "c0a1b2c4"),
    ("%p", (0x1000,), "00001000"),
    ("%p", (None,), "  (null)"),
    ("page=%p count=%u", (None, 64), "page=  (null) count=64"),
    # widths, left alignment, precision
    ("%-8s|", ("DMA",), "DMA     |"),
    ("%8s|", ("DMA",), "     DMA|"),
    ("%.3s", ("abcdef",), "abc"),
    ("%5.3d", (7,), "  007"),
    ("%-5d|", (42,), "42   |"),
    ("%+d %+d", (3, -3), "+3 -3"),
    ("% d", (3,), " 3"),
    ("%*d|", (6, 42), "    42|"),
    ("%-*d|", (6, 42), "42    |"),
    ("%#o %#o", (8, 0), "010 0"),
    ("%#X", (255,), "0XFF"),
    ("[%5lu.%06lu] ", (0, 0), "[    0.000000] "),
    ("%c%c", ("o", 107), "ok"),
    ("100%%", (), "100%"),
    ("%s", (None,), "(null)"),
])
def test_kernel_formats(fmt, args, out):
    assert vsnprintf(fmt, args) == out


def test_symbol_pointer_prints_the_function_name():
    def memblock_alloc_range_nid():
        pass

    assert sprintf("%pF", memblock_alloc_range_nid) == "memblock_alloc_range_nid"
    assert sprintf("%pS", "cma_alloc") == "cma_alloc"


def test_phys_addr_width_follows_phys_addr_t():
    assert vsnprintf("%pa", (0x80000000,), phys_size=8) == "0x0000000080000000"


def test_unsupported_conversion_is_refused():
    with pytest.raises(ValueError):
        sprintf("%q", 1)


@given(st.integers(min_value=-(2 ** 40), max_value=2 ** 40), st.integers(0, 20))
def test_decimal_matches_c_semantics(n, width):
    # %*ld on a 32-bit long: the value is reduced to a signed 32-bit int first.
    v = n & 0xFFFFFFFF
    if v >= 2 ** 31:
        v -= 2 ** 32
    assert sprintf("%*ld", width, n) == ("%*d" % (width, v))


@given(st.integers(min_value=0, max_value=2 ** 64 - 1), st.integers(0, 24))
def test_hex_zero_pad_matches_c_semantics(n, width):
    assert sprintf("%0*llx", width, n) == ("%0*x" % (width, n))
