# SPDX-License-Identifier: GPL-2.0-only
"""lib/vsprintf.c: the kernel's printf, as the 32-bit ARM kernel formats.

Format strings are written exactly as in the kernel source and rendered here with the
kernel's rules: flags ``-+ #0``, field width and precision (also ``*``), the
qualifiers ``hh h l ll L z Z t``, the conversions ``d i u o x X c s p %`` and the
pointer extensions used by the code in scope:

* ``%pa`` / ``%pap`` (phys_addr_t) and ``%pad`` (dma_addr_t): ``0x`` and zero-padded hex
  of the full type width (``special_hex_number()``);
* ``%p``: the raw value, 8 hex digits, no ``0x`` (v4.9 does not hash pointers); NULL
  (``None``) prints ``(null)`` right-aligned in the pointer width;
* ``%pF %pf %pS %ps %pB``: a symbol. Takes a Python function or a string;
* ``%pG``: flag names, through renderers registered by the owner of the flag table
  (``register_flags_renderer``), as ``%pGg`` (gfp) and ``%pGp`` (page flags).

Integer arguments are truncated to the C type the qualifier names, with ARM's sizes
(``int``/``long``/``size_t``/``ptrdiff_t`` 32-bit, ``long long`` 64-bit), so ``%lx`` of
``-1`` prints ``ffffffff`` as the kernel does.
"""

import re

# printf_spec.flags (lib/vsprintf.c)
ZEROPAD = 1
SIGN = 2
PLUS = 4
SPACE = 8
LEFT = 16
SMALL = 32
SPECIAL = 64

# Width in bits of each integer qualifier on 32-bit ARM.
_QUAL_BITS = {"": 32, "l": 32, "L": 64, "z": 32, "Z": 32, "t": 32, "h": 16, "H": 8}

# Size in bytes of phys_addr_t / dma_addr_t without LPAE. A machine with a 64-bit
# phys_addr_t (LPAE) passes its own size through vsnprintf(phys_size=...).
PHYS_ADDR_SIZE = 4
POINTER_SIZE = 4

_flags_renderers = {}


def register_flags_renderer(kind, fn):
    """Model-only: install the renderer for ``%pG<kind>`` (``fn(value) -> str``).

    lib/vsprintf.c: flags_string() dispatches on the letter after ``%pG``; the tables it
    reads (gfpflag_names, pageflag_names) belong to mm, so mm registers them here.
    """
    _flags_renderers[kind] = fn


# One conversion: %[flags][width][.precision][qualifier]conv, plus the letters that
# follow a 'p' (the kernel reads them as part of the pointer extension).
_SPEC = re.compile(
    r"%(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d*))?"
    r"(?P<qual>hh|ll|[hlLzZt])?(?P<conv>[diouxXcsp%])"
)

_cache = {}


def _parse(fmt):
    """lib/vsprintf.c: format_decode() for a whole format — text and conversion tuples (cached)."""
    parts = _cache.get(fmt)
    if parts is not None:
        return parts
    parts = []
    pos = 0
    n = len(fmt)
    while pos < n:
        pct = fmt.find("%", pos)
        if pct < 0:
            parts.append(fmt[pos:])
            break
        if pct > pos:
            parts.append(fmt[pos:pct])
        m = _SPEC.match(fmt, pct)
        if m is None:
            # lib/vsprintf.c: format_decode() warns about unsupported conversions
            # and drops them; the model refuses them so a typo cannot pass silently.
            raise ValueError(f"unsupported conversion in format {fmt!r} at {pct}")
        flags = 0
        for ch in m.group("flags"):
            flags |= {"-": LEFT, "+": PLUS, " ": SPACE, "#": SPECIAL, "0": ZEROPAD}[ch]
        width = m.group("width")
        prec = m.group("prec")
        qual = m.group("qual") or ""
        if qual == "ll":
            qual = "L"
        elif qual == "hh":
            qual = "H"
        conv = m.group("conv")
        end = m.end()
        ext = ""
        if conv == "p":
            # The pointer extension letters (alphanumerics) right after %p.
            j = end
            while j < n and fmt[j].isalnum():
                j += 1
            ext = fmt[end:j]
            end = j
        parts.append((flags, width, prec, qual, conv, ext))
        pos = end
    parts = tuple(parts)
    _cache[fmt] = parts
    return parts


def number(num, base, flags, field_width, precision, bits, signed):
    """lib/vsprintf.c: number() — render an integer with the kernel's padding rules."""
    mask = (1 << bits) - 1
    num &= mask
    sign = ""
    if flags & LEFT:
        flags &= ~ZEROPAD
    if signed:
        if num >> (bits - 1):
            num = (1 << bits) - num
            sign = "-"
            field_width -= 1
        elif flags & PLUS:
            sign = "+"
            field_width -= 1
        elif flags & SPACE:
            sign = " "
            field_width -= 1
    need_pfx = bool(flags & SPECIAL) and base != 10
    if need_pfx:
        if base == 16:
            field_width -= 2
        elif num != 0:
            field_width -= 1
    if base == 16:
        digits = format(num, "x" if flags & SMALL else "X")
    elif base == 8:
        digits = format(num, "o")
    else:
        digits = str(num)
    i = len(digits)
    if i > precision:
        precision = i
    field_width -= precision
    out = []
    if not (flags & (ZEROPAD | LEFT)) and field_width > 0:
        out.append(" " * field_width)
        field_width = 0
    out.append(sign)
    if need_pfx:
        if base == 16 or num != 0:
            out.append("0")
        if base == 16:
            out.append("x" if flags & SMALL else "X")
    if not (flags & LEFT) and field_width > 0:
        out.append(("0" if flags & ZEROPAD else " ") * field_width)
        field_width = 0
    if precision > i:
        out.append("0" * (precision - i))
    out.append(digits)
    if field_width > 0:
        out.append(" " * field_width)
    return "".join(out)


def string(s, flags, field_width, precision):
    """lib/vsprintf.c: string() — a C string with precision and padding."""
    if s is None:
        s = "(null)"
    if precision >= 0:
        s = s[:precision]
    pad = field_width - len(s)
    if pad <= 0:
        return s
    return s + " " * pad if flags & LEFT else " " * pad + s


def special_hex_number(num, size):
    """lib/vsprintf.c: special_hex_number() — ``0x`` and ``2*size`` zero-padded digits."""
    return number(num, 16, SPECIAL | SMALL | ZEROPAD, 2 + 2 * size, -1, 8 * size, False)


def _symbol_name(ptr):
    """Model-only: the name ``%pF``/``%pS`` print: a function's Python name (no kallsyms)."""
    if isinstance(ptr, str):
        return ptr
    return getattr(ptr, "__name__", repr(ptr))


def pointer(ext, ptr, flags, field_width, precision, phys_size):
    """lib/vsprintf.c: pointer() — the ``%p`` family for the extensions in scope."""
    default_width = 2 * POINTER_SIZE
    if ptr is None and not ext.startswith("K"):
        if field_width == -1:
            field_width = default_width
        return string("(null)", flags, field_width, precision)
    c = ext[:1]
    if c in ("F", "f", "S", "s", "B"):
        # Model: there is no machine code, so a symbol prints as its name without the
        # "+0xoff/0xsize" that kallsyms adds for %pF/%pS.
        return string(_symbol_name(ptr), flags, field_width, precision)
    if c == "a":
        size = phys_size
        if ext[1:2] == "d":
            size = phys_size  # dma_addr_t has the width of phys_addr_t here
        return special_hex_number(ptr, size)
    if c == "G":
        renderer = _flags_renderers.get(ext[1:2])
        if renderer is None:
            raise ValueError(f"no renderer registered for %pG{ext[1:2]}")
        return renderer(ptr)
    if ext:
        raise ValueError(f"unsupported pointer extension %p{ext}")
    flags |= SMALL
    if field_width == -1:
        field_width = default_width
        flags |= ZEROPAD
    return number(ptr, 16, flags, field_width, precision, 8 * POINTER_SIZE, False)


def vsnprintf(fmt, args, phys_size=PHYS_ADDR_SIZE):
    """lib/vsprintf.c: vsnprintf() — format ``args`` (a sequence) with ``fmt``.

    Unlike the C function there is no buffer size: the whole string is returned.
    Too few arguments raise ``IndexError`` (in C they would read garbage).
    """
    out = []
    ai = 0
    for part in _parse(fmt):
        if part.__class__ is str:
            out.append(part)
            continue
        flags, width, prec, qual, conv, ext = part
        if conv == "%":
            out.append("%")
            continue
        if width == "*":
            field_width = args[ai]
            ai += 1
            if field_width < 0:
                field_width = -field_width
                flags |= LEFT
        elif width is None:
            field_width = -1
        else:
            field_width = int(width)
        if prec == "*":
            precision = max(args[ai], 0)
            ai += 1
        elif prec is None:
            precision = -1
        else:
            precision = int(prec) if prec else 0
        arg = args[ai]
        ai += 1
        if conv == "s":
            out.append(string(arg, flags, field_width, precision))
        elif conv == "c":
            out.append(string(arg if isinstance(arg, str) else chr(arg), flags, field_width, -1))
        elif conv == "p":
            out.append(pointer(ext, arg, flags, field_width, precision, phys_size))
        else:
            bits = _QUAL_BITS[qual]
            if conv in ("d", "i"):
                out.append(number(int(arg), 10, flags, field_width, precision, bits, True))
            elif conv == "u":
                out.append(number(int(arg), 10, flags, field_width, precision, bits, False))
            elif conv == "o":
                out.append(number(int(arg), 8, flags, field_width, precision, bits, False))
            elif conv == "x":
                out.append(number(int(arg), 16, flags | SMALL, field_width, precision, bits, False))
            else:  # "X"
                out.append(number(int(arg), 16, flags, field_width, precision, bits, False))
    return "".join(out)


def sprintf(fmt, *args):
    """lib/vsprintf.c: sprintf() — ``vsnprintf`` with the arguments spread out."""
    return vsnprintf(fmt, args)
