# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/io.h: I/O mappings (``void __iomem *``) and the ``*_io`` accessors.

Model: there is no MMU model yet, so a mapping made by ``ioremap``/``memremap`` is an
identity view of the physical range: its "kernel virtual address" is an ``iomem_ptr``,
an ``int`` whose value is the physical address and whose type says "reach this through
an I/O mapping". Pointer arithmetic on it keeps the type (``virt_base + offset``), so
``memset``/``memset_io`` on any address derived from it store into the simulated
physical memory (RAM or the board's device memory). When the MMU model lands, the
mapping becomes a real vmalloc-space address.
"""

from cmaport.kernel.machine import this_machine

# arch/arm/include/asm/io.h: the memory types of ioremap
MT_DEVICE = 0
MT_DEVICE_NONSHARED = 1
MT_DEVICE_CACHED = 2
MT_DEVICE_WC = 3


class iomem_ptr(int):
    """Model-only: a ``void __iomem *`` made by ioremap/memremap (identity view, see above)."""

    __slots__ = ()

    def __add__(self, other):
        if isinstance(other, int) and not isinstance(other, iomem_ptr):
            return iomem_ptr(int(self) + other)
        return int(self) + int(other)

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, iomem_ptr):
            return int(self) - int(other)
        if isinstance(other, int):
            return iomem_ptr(int(self) - other)
        return NotImplemented

    def __repr__(self):
        return f"iomem_ptr({int(self):#010x})"


def iomem_phys(addr):
    """Model-only: the physical address an ``iomem_ptr`` stands for (identity view)."""
    return int(addr)


def memset_io(dst, c, count):
    """arch/arm/include/asm/io.h: memset_io() — fill device memory through its mapping."""
    this_machine().hw.physmem.fill(iomem_phys(dst), count, c & 0xFF)


def memcpy_fromio(src, count):
    """arch/arm/include/asm/io.h: memcpy_fromio() — Model: returns the bytes read."""
    return this_machine().hw.physmem.read(iomem_phys(src), count)


def memcpy_toio(dst, data):
    """arch/arm/include/asm/io.h: memcpy_toio() — store ``data`` through the mapping."""
    this_machine().hw.physmem.write(iomem_phys(dst), bytes(data))


def readl(addr):
    """arch/arm/include/asm/io.h: readl() — a little-endian 32-bit load through the mapping."""
    return int.from_bytes(this_machine().hw.physmem.read(iomem_phys(addr), 4), "little")


def writel(value, addr):
    """arch/arm/include/asm/io.h: writel() — a little-endian 32-bit store through the mapping."""
    this_machine().hw.physmem.write(iomem_phys(addr), (value & 0xFFFFFFFF).to_bytes(4, "little"))
