# SPDX-License-Identifier: GPL-2.0-only
"""lib/cmdline.c memparse() and lib/kstrtox.c parsing, with the kernel's edge cases."""

import pytest
from hypothesis import given, strategies as st

from cmaport.lib.cmdline import get_option, memparse, parse_option_str
from cmaport.lib.kstrtox import kstrtobool, simple_strtol, simple_strtoull


@pytest.mark.parametrize("text,value,rest", [
    ("64M", 64 << 20, ""),
    ("64m", 64 << 20, ""),
    ("16M@0x50000000", 16 << 20, "@0x50000000"),
    ("0x50000000-0x51000000", 0x50000000, "-0x51000000"),
    ("4k", 4096, ""),
    ("1G", 1 << 30, ""),
    ("2T", 2 << 40, ""),
    ("1P", 1 << 50, ""),
    ("1E", 1 << 60, ""),
    ("010", 8, ""),          # leading 0: octal
    ("09", 0, "9"),          # 9 is not an octal digit: the parse stops
    ("0x", 0, "x"),          # "0x" without a hex digit is an octal 0 followed by 'x'
    ("0X1f", 0x1F, ""),
    ("abc", 0, "abc"),       # not a number: 0, nothing consumed
    ("", 0, ""),
    ("12MB", 12 << 20, "B"),  # only one suffix letter is eaten
    ("16E", 0, ""),          # 16 << 60 wraps to 0 in an unsigned long long
    ("-1", 0, "-1"),         # memparse takes no sign
])
def test_memparse(text, value, rest):
    assert memparse(text) == (value, rest)


def test_strtoull_wraps_like_unsigned_long_long():
    value, rest = simple_strtoull("0x1ffffffffffffffff")
    assert value == 0xFFFFFFFFFFFFFFFF and rest == ""


def test_strtol_is_a_32_bit_long():
    assert simple_strtol("-5") == (-5, "")
    assert simple_strtol("0xffffffff") == (-1, "")


def test_get_option_codes():
    assert get_option("12,13") == (2, 12, "13")
    assert get_option("12-14") == (3, 12, "-14")
    assert get_option("12") == (1, 12, "")
    assert get_option("x") == (0, None, "x")


@given(st.integers(0, 2 ** 40), st.sampled_from(["", "K", "M", "G", "k", "m", "g"]))
def test_memparse_suffixes(n, suffix):
    shift = {"": 0, "K": 10, "M": 20, "G": 30}[suffix.upper()]
    assert memparse(f"{n}{suffix}") == ((n << shift) & (2 ** 64 - 1), "")
    assert memparse(f"{n:#x}{suffix}@tail") == ((n << shift) & (2 ** 64 - 1), "@tail")


@pytest.mark.parametrize("s,option,found", [
    ("foo,bar", "bar", True),
    ("foobar,bar", "foo", False),  # a prefix of an item is not the item
    ("a,b", "a,b", True),  # prefix comparison: the option may span a comma
    ("", "", False),  # no item at all
    ("x,", "", False),  # the empty item after the last comma is never looked at
    ("a,,b", "", True),
])
def test_parse_option_str_compares_prefixes(s, option, found):
    assert parse_option_str(s, option) is found


@pytest.mark.parametrize("s,out", [
    ("y", (0, True)), ("Yes", (0, True)), ("1", (0, True)), ("on", (0, True)),
    ("n", (0, False)), ("0", (0, False)), ("OFF", (0, False)),
    ("o", (-22, None)), ("", (-22, None)), ("true", (-22, None)), (None, (-22, None)),
])
def test_kstrtobool_looks_at_the_first_one_or_two_characters(s, out):
    assert kstrtobool(s) == out
