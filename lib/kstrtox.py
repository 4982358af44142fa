# SPDX-License-Identifier: GPL-2.0-only
"""lib/kstrtox.c and the simple_strto*() of lib/vsprintf.c: integer parsing.

C strings are Python ``str``; where C hands back a ``char **endp`` the port returns
the rest of the string after the number instead.
"""

ULLONG_MASK = (1 << 64) - 1
KSTRTOX_OVERFLOW = 1 << 31


def _tolower(c):
    return c.lower() if c else c


def _isxdigit(c):
    return bool(c) and c in "0123456789abcdefABCDEF"


def _parse_integer_fixup_radix(s, base):
    """lib/kstrtox.c: _parse_integer_fixup_radix() — choose the base, skip ``0x``.

    :return: ``(rest, base)``
    """
    if base == 0:
        if s[:1] == "0":
            if _tolower(s[1:2]) == "x" and _isxdigit(s[2:3]):
                base = 16
            else:
                base = 8
        else:
            base = 10
    if base == 16 and s[:1] == "0" and _tolower(s[1:2]) == "x":
        s = s[2:]
    return s, base


def _parse_integer(s, base):
    """lib/kstrtox.c: _parse_integer() — digits of ``base`` at the start of ``s``.

    :return: ``(value, chars consumed | KSTRTOX_OVERFLOW)``; the value wraps modulo
        2^64 like the C ``unsigned long long`` accumulator.
    """
    res = 0
    rv = 0
    for c in s:
        if "0" <= c <= "9":
            val = ord(c) - ord("0")
        elif "a" <= c.lower() <= "f":
            val = ord(c.lower()) - ord("a") + 10
        else:
            break
        if val >= base:
            break
        if res & (ULLONG_MASK << 60) & ULLONG_MASK:
            if res > (ULLONG_MASK - val) // base:
                rv |= KSTRTOX_OVERFLOW
        res = (res * base + val) & ULLONG_MASK
        rv += 1
    return res, rv


def simple_strtoull(cp, base=0):
    """lib/vsprintf.c: simple_strtoull() — parse an unsigned number.

    :return: ``(value, rest)`` where ``rest`` is what ``*endp`` would point at
    """
    s, base = _parse_integer_fixup_radix(cp, base)
    value, rv = _parse_integer(s, base)
    consumed = rv & ~KSTRTOX_OVERFLOW
    return value, s[consumed:]


def simple_strtoul(cp, base=0):
    """lib/vsprintf.c: simple_strtoul() — as simple_strtoull, truncated to 32 bits."""
    value, rest = simple_strtoull(cp, base)
    return value & 0xFFFFFFFF, rest


def simple_strtol(cp, base=0):
    """lib/vsprintf.c: simple_strtol() — a signed ``long`` (32-bit on ARM)."""
    if cp[:1] == "-":
        value, rest = simple_strtoul(cp[1:], base)
        value = -value
    else:
        value, rest = simple_strtoul(cp, base)
    value &= 0xFFFFFFFF
    if value & 0x80000000:
        value -= 1 << 32
    return value, rest
