# SPDX-License-Identifier: GPL-2.0-only
"""lib/cmdline.c: helpers for parsing the kernel command line.

C strings are Python ``str``; an updated ``char **`` comes back as the rest of the
string.
"""

from cmaport.lib.kstrtox import ULLONG_MASK, simple_strtol, simple_strtoull

# memparse(): each suffix letter and how many times the value is shifted left by 10.
_MEMPARSE_SHIFTS = {"K": 1, "k": 1, "M": 2, "m": 2, "G": 3, "g": 3,
                    "T": 4, "t": 4, "P": 5, "p": 5, "E": 6, "e": 6}


def memparse(ptr):
    """lib/cmdline.c: memparse() — a number with an optional K/M/G/T/P/E suffix.

    The number takes any C base (``0x`` hex, leading ``0`` octal, decimal). At most one
    suffix letter is consumed. Nothing is validated: text that is not a number gives 0
    and is left unconsumed, trailing characters are left for the caller, and the value
    wraps modulo 2^64 as the C ``unsigned long long`` does.

    :return: ``(value, rest)`` where ``rest`` is what ``*retptr`` would point at
    """
    ret, rest = simple_strtoull(ptr, 0)
    shifts = _MEMPARSE_SHIFTS.get(rest[:1])
    if shifts is not None:
        ret = (ret << (10 * shifts)) & ULLONG_MASK
        rest = rest[1:]
    return ret, rest


def get_option(s):
    """lib/cmdline.c: get_option() — an integer, then an optional comma.

    :return: ``(code, value, rest)``; code 0 = no integer, 1 = integer, 2 = integer and
        a comma (skipped), 3 = integer followed by ``-`` (a range)
    """
    if not s:
        return 0, None, s
    value, rest = simple_strtol(s, 0)
    if rest == s:
        return 0, None, s
    if rest[:1] == ",":
        return 2, value, rest[1:]
    if rest[:1] == "-":
        return 3, value, rest
    return 1, value, rest


def parse_option_str(s, option):
    """lib/cmdline.c: parse_option_str() — does an item of the comma-separated ``s`` begin
    with ``option`` and end right after it (so ``option`` may itself hold commas)."""
    i = 0
    n = len(s)
    while i < n:
        if s.startswith(option, i):
            j = i + len(option)
            if j == n or s[j] == ",":
                return True
            i = j
        while i < n and s[i] != ",":
            i += 1
        if i < n:
            i += 1
    return False
