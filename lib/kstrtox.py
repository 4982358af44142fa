# SPDX-License-Identifier: GPL-2.0-only
"""lib/kstrtox.c and the simple_strto*() of lib/vsprintf.c: integer parsing.

C strings are Python ``str``; where C hands back a ``char **endp`` the port returns
the rest of the string after the number instead.
"""

ULLONG_MASK = (1 << 64) - 1
KSTRTOX_OVERFLOW = 1 << 31


def _tolower(c):
    """include/linux/ctype.h: _tolower() — one character in lower case (``""``, C's NUL, stays)."""
    return c.lower() if c else c


def _isxdigit(c):
    """include/linux/ctype.h: isxdigit() — a hexadecimal digit (``""``, C's NUL, is not)."""
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


def _kstrtoull(s, base):
    """lib/kstrtox.c: _kstrtoull() — the whole string must be the number (one newline may follow).

    :return: ``(0, value)``, or ``(-ERANGE | -EINVAL, None)``
    """
    from cmaport.include.linux.errno import EINVAL, ERANGE

    s, base = _parse_integer_fixup_radix(s, base)
    res, rv = _parse_integer(s, base)
    if rv & KSTRTOX_OVERFLOW:
        return -ERANGE, None
    if rv == 0:
        return -EINVAL, None
    s = s[rv:]
    if s[:1] == "\n":
        s = s[1:]
    if s:
        return -EINVAL, None
    return 0, res


def kstrtoull(s, base):
    """lib/kstrtox.c: kstrtoull() — an unsigned long long (a leading ``+`` is allowed)."""
    if s[:1] == "+":
        s = s[1:]
    return _kstrtoull(s, base)


def kstrtoll(s, base):
    """lib/kstrtox.c: kstrtoll() — a signed long long (a leading ``-`` is allowed)."""
    from cmaport.include.linux.errno import ERANGE

    if s[:1] == "-":
        rv, tmp = _kstrtoull(s[1:], base)
        if rv < 0:
            return rv, None
        neg = (-tmp) & ULLONG_MASK
        if neg and not neg & (1 << 63):  # (long long)-tmp > 0
            return -ERANGE, None
        return 0, neg - (1 << 64) if neg & (1 << 63) else neg
    rv, tmp = kstrtoull(s, base)
    if rv < 0:
        return rv, None
    if tmp & (1 << 63):  # (long long)tmp < 0
        return -ERANGE, None
    return 0, tmp


def kstrtoint(s, base):
    """lib/kstrtox.c: kstrtoint() — an ``int``.

    :return: ``(0, value)``, or ``(-ERANGE | -EINVAL, None)``
    """
    from cmaport.include.linux.errno import ERANGE

    rv, tmp = kstrtoll(s, base)
    if rv < 0:
        return rv, None
    if not -0x80000000 <= tmp <= 0x7FFFFFFF:
        return -ERANGE, None
    return 0, tmp


def kstrtobool(s):
    """lib/kstrtox.c: kstrtobool() — y/Y/1/on is true, n/N/0/off is false.

    :return: ``(0, value)`` or ``(-EINVAL, None)``
    """
    from cmaport.include.linux.errno import EINVAL

    if s is None:
        return -EINVAL, None
    c = s[:1]
    if c in ("y", "Y", "1"):
        return 0, True
    if c in ("n", "N", "0"):
        return 0, False
    if c in ("o", "O"):
        c2 = s[1:2]
        if c2 in ("n", "N"):
            return 0, True
        if c2 in ("f", "F"):
            return 0, False
    return -EINVAL, None
