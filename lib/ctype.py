# SPDX-License-Identifier: GPL-2.0-only
"""lib/ctype.c, include/linux/ctype.h: the kernel's character classes (the ones in use).

Model: the port works on characters, not bytes; a character below 256 is classified by
the kernel's Latin-1 table, anything above is no class at all.
"""

# lib/ctype.c: the _S (white space) entries: 9-13, 32 and 160 (no-break space).
_SPACE = frozenset("\t\n\v\f\r \xa0")


def isspace(c):
    """include/linux/ctype.h: isspace() — the _S class of lib/ctype.c's table."""
    return c in _SPACE
