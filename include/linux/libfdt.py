# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/libfdt.h: the libfdt headers the kernel builds with (dtc's libfdt of v4.9).

include/linux/libfdt.h pulls in scripts/dtc/libfdt/fdt.h (the blob layout: header, tags,
``struct fdt_property``), scripts/dtc/libfdt/libfdt.h (error codes, header accessors) and,
for lib/fdt.c and lib/fdt_ro.c, scripts/dtc/libfdt/libfdt_internal.h. All three are here.

The blob is a ``bytes`` object; an offset into it stands for a pointer. The kernel's
libfdt trusts the header it reads: it has no idea how large the buffer behind the
pointer is.

Model: the port does know where the buffer ends. A byte read beyond ``len(fdt)`` (a header
field of a blob shorter than its header, a reservation entry or string past the end)
reads as zero, so a truncated blob ends in what looks like an empty string, a
terminating reservation entry or a bad tag, instead of in whatever memory would follow
it on a real machine. ``fdt_offset_ptr()`` and ``fdt_check_header()`` also refuse ranges
beyond the buffer (see lib/fdt.py).
"""

import attrs

# -- scripts/dtc/libfdt/fdt.h ------------------------------------------------

FDT_MAGIC = 0xD00DFEED  # the first word of every blob
FDT_TAGSIZE = 4  # sizeof(fdt32_t)

FDT_BEGIN_NODE = 0x1  # a node starts; its name follows, NUL-terminated, padded
FDT_END_NODE = 0x2
FDT_PROP = 0x3  # len, nameoff, then len bytes of value, padded
FDT_NOP = 0x4
FDT_END = 0x9

FDT_V1_SIZE = 7 * 4
FDT_V2_SIZE = FDT_V1_SIZE + 4
FDT_V3_SIZE = FDT_V2_SIZE + 4
FDT_V16_SIZE = FDT_V3_SIZE
FDT_V17_SIZE = FDT_V16_SIZE + 4

# struct fdt_header: byte offset of each big-endian 32-bit field.
_FDT_HEADER_FIELDS = {
    "magic": 0,
    "totalsize": 4,
    "off_dt_struct": 8,
    "off_dt_strings": 12,
    "off_mem_rsvmap": 16,
    "version": 20,
    "last_comp_version": 24,
    "boot_cpuid_phys": 28,
    "size_dt_strings": 32,
    "size_dt_struct": 36,
}

# sizeof() of the fdt.h structures (the C code steps through the blob with them).
SIZEOF_FDT_HEADER = 40
SIZEOF_FDT_RESERVE_ENTRY = 16  # fdt64_t address, fdt64_t size
SIZEOF_FDT_NODE_HEADER = 4  # fdt32_t tag, then the name
SIZEOF_FDT_PROPERTY = 12  # fdt32_t tag, len, nameoff, then the data


@attrs.frozen
class fdt_property:
    """scripts/dtc/libfdt/fdt.h: struct fdt_property — a property as it sits in the blob.

    Model: C hands out a pointer into the blob; the port reads the three header words and
    copies the ``len`` bytes of ``data`` out of it.
    """

    tag: int
    len: int
    nameoff: int
    data: bytes


# -- scripts/dtc/libfdt/libfdt.h -------------------------------------------

FDT_FIRST_SUPPORTED_VERSION = 0x10
FDT_LAST_SUPPORTED_VERSION = 0x11

# Error codes; libfdt functions return them negated.
FDT_ERR_NOTFOUND = 1  # no such node or property
FDT_ERR_EXISTS = 2
FDT_ERR_NOSPACE = 3
FDT_ERR_BADOFFSET = 4  # an offset that is out of range or not where a node/property starts
FDT_ERR_BADPATH = 5
FDT_ERR_BADPHANDLE = 6  # phandle 0 or -1
FDT_ERR_BADSTATE = 7  # an unfinished sequential-write tree
FDT_ERR_TRUNCATED = 8  # the structure block ends without FDT_END
FDT_ERR_BADMAGIC = 9
FDT_ERR_BADVERSION = 10
FDT_ERR_BADSTRUCTURE = 11  # a corrupt structure block (bad tag, misnesting)
FDT_ERR_BADLAYOUT = 12
FDT_ERR_INTERNAL = 13
FDT_ERR_BADNCELLS = 14
FDT_ERR_BADVALUE = 15
FDT_ERR_MAX = 15

# Model-only: the names of the codes above, for messages and tests.
FDT_ERR_NAMES = {v: k for k, v in dict(globals()).items()
                 if k.startswith("FDT_ERR_") and k != "FDT_ERR_MAX" and isinstance(v, int)}


def fdt32_to_cpu(x):
    """include/linux/libfdt_env.h: fdt32_to_cpu() — the value of 4 big-endian bytes."""
    return int.from_bytes(x[:4], "big")


def fdt64_to_cpu(x):
    """include/linux/libfdt_env.h: fdt64_to_cpu() — the value of 8 big-endian bytes."""
    return int.from_bytes(x[:8], "big")


def _fdt_read(fdt, absoffset, size):
    """Model-only: ``size`` bytes of the buffer at ``absoffset``; bytes past its end read as 0."""
    if absoffset < 0:
        return bytes(size)
    b = fdt[absoffset:absoffset + size]
    if len(b) < size:
        b = bytes(b) + bytes(size - len(b))
    return b


def fdt_get_header(fdt, field):
    """scripts/dtc/libfdt/libfdt.h: fdt_get_header() — one 32-bit field of the header."""
    return fdt32_to_cpu(_fdt_read(fdt, _FDT_HEADER_FIELDS[field], 4))


def fdt_magic(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_magic()."""
    return fdt_get_header(fdt, "magic")


def fdt_totalsize(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_totalsize()."""
    return fdt_get_header(fdt, "totalsize")


def fdt_off_dt_struct(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_off_dt_struct()."""
    return fdt_get_header(fdt, "off_dt_struct")


def fdt_off_dt_strings(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_off_dt_strings()."""
    return fdt_get_header(fdt, "off_dt_strings")


def fdt_off_mem_rsvmap(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_off_mem_rsvmap()."""
    return fdt_get_header(fdt, "off_mem_rsvmap")


def fdt_version(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_version()."""
    return fdt_get_header(fdt, "version")


def fdt_last_comp_version(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_last_comp_version()."""
    return fdt_get_header(fdt, "last_comp_version")


def fdt_boot_cpuid_phys(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_boot_cpuid_phys()."""
    return fdt_get_header(fdt, "boot_cpuid_phys")


def fdt_size_dt_strings(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_size_dt_strings()."""
    return fdt_get_header(fdt, "size_dt_strings")


def fdt_size_dt_struct(fdt):
    """scripts/dtc/libfdt/libfdt.h: fdt_size_dt_struct()."""
    return fdt_get_header(fdt, "size_dt_struct")


# -- scripts/dtc/libfdt/libfdt_internal.h ----------------------------------

FDT_SW_MAGIC = ~FDT_MAGIC & 0xFFFFFFFF  # a blob still being written sequentially


def FDT_ALIGN(x, a):
    """scripts/dtc/libfdt/libfdt_internal.h: FDT_ALIGN() — round up to a power of two."""
    return (x + a - 1) & ~(a - 1)


def FDT_TAGALIGN(x):
    """scripts/dtc/libfdt/libfdt_internal.h: FDT_TAGALIGN() — round up to a whole tag."""
    return FDT_ALIGN(x, FDT_TAGSIZE)


def _fdt_offset_ptr(fdt, offset):
    """scripts/dtc/libfdt/libfdt_internal.h: _fdt_offset_ptr() — unchecked.

    Model: returns the absolute offset in the buffer of structure-block offset ``offset``
    (the C returns the pointer).
    """
    return fdt_off_dt_struct(fdt) + offset


def _fdt_mem_rsv(fdt, n):
    """scripts/dtc/libfdt/libfdt_internal.h: _fdt_mem_rsv() — reservation entry ``n``, unchecked.

    :return: ``(address, size)`` (entries past the buffer read as zeros, see the module notes)
    """
    entry = _fdt_read(fdt, fdt_off_mem_rsvmap(fdt) + n * SIZEOF_FDT_RESERVE_ENTRY,
                      SIZEOF_FDT_RESERVE_ENTRY)
    return fdt64_to_cpu(entry[:8]), fdt64_to_cpu(entry[8:])
