# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/ioport.h: ``struct resource``, the IORESOURCE_* flags and the region macros.

The functions on the resource tree are in kernel/resource.py; the inline helpers and
the ``request_mem_region``-style macros are here.
"""

import attrs

# include/linux/ioport.h: resource flags
IORESOURCE_BITS = 0x000000FF  # bus-specific bits
IORESOURCE_TYPE_BITS = 0x00001F00  # the resource type
IORESOURCE_IO = 0x00000100  # PCI/ISA I/O ports
IORESOURCE_MEM = 0x00000200
IORESOURCE_REG = 0x00000300  # register offsets
IORESOURCE_IRQ = 0x00000400
IORESOURCE_DMA = 0x00000800
IORESOURCE_BUS = 0x00001000
IORESOURCE_PREFETCH = 0x00002000
IORESOURCE_READONLY = 0x00004000
IORESOURCE_CACHEABLE = 0x00008000
IORESOURCE_RANGELENGTH = 0x00010000
IORESOURCE_SHADOWABLE = 0x00020000
IORESOURCE_SIZEALIGN = 0x00040000
IORESOURCE_STARTALIGN = 0x00080000
IORESOURCE_MEM_64 = 0x00100000
IORESOURCE_WINDOW = 0x00200000
IORESOURCE_MUXED = 0x00400000  # software-muxed
IORESOURCE_EXT_TYPE_BITS = 0x01000000
IORESOURCE_SYSRAM = 0x01000000  # System RAM (a modifier of IORESOURCE_MEM)
IORESOURCE_EXCLUSIVE = 0x08000000  # user space may not map it
IORESOURCE_DISABLED = 0x10000000
IORESOURCE_UNSET = 0x20000000
IORESOURCE_AUTO = 0x40000000
IORESOURCE_BUSY = 0x80000000  # a driver has claimed it

IORESOURCE_SYSTEM_RAM = IORESOURCE_MEM | IORESOURCE_SYSRAM

# include/linux/ioport.h: resource descriptors (resource.desc)
IORES_DESC_NONE = 0
IORES_DESC_CRASH_KERNEL = 1
IORES_DESC_ACPI_TABLES = 2
IORES_DESC_ACPI_NV_STORAGE = 3
IORES_DESC_PERSISTENT_MEMORY = 4
IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5

# include/linux/mm.h: what region_intersects() returns
REGION_INTERSECTS = 0
REGION_DISJOINT = 1
REGION_MIXED = 2

# arch/arm/include/asm/io.h (no PCI I/O window in the model: the non-PCI value)
IO_SPACE_LIMIT = 0xFFFFF

_RESOURCE_SIZE_MASK = 0xFFFFFFFF  # resource_size_t is phys_addr_t: 32-bit without LPAE

# sizeof(struct resource) on 32-bit ARM: start, end, name, flags, desc, parent, sibling,
# child (8 x 4 bytes).
SIZEOF_RESOURCE = 32


@attrs.define(slots=True, eq=False)
class resource:
    """include/linux/ioport.h: struct resource — one range in the resource tree.

    ``end`` is inclusive. ``parent``, ``sibling`` and ``child`` link the tree as in C.
    """

    start: int = 0
    end: int = 0
    name: str = None
    flags: int = 0
    desc: int = IORES_DESC_NONE
    parent: object = None
    sibling: object = None
    child: object = None

    def __repr__(self):
        return f"<resource {self.start:#010x}-{self.end:#010x} {self.name!r}>"


def resource_size(res):
    """include/linux/ioport.h: resource_size() — ``end - start + 1`` (32-bit arithmetic)."""
    return (res.end - res.start + 1) & _RESOURCE_SIZE_MASK


def resource_type(res):
    """include/linux/ioport.h: resource_type()."""
    return res.flags & IORESOURCE_TYPE_BITS


def resource_ext_type(res):
    """include/linux/ioport.h: resource_ext_type()."""
    return res.flags & IORESOURCE_EXT_TYPE_BITS


def resource_contains(r1, r2):
    """include/linux/ioport.h: resource_contains() — does r1 hold all of r2?"""
    if resource_type(r1) != resource_type(r2):
        return False
    if r1.flags & IORESOURCE_UNSET or r2.flags & IORESOURCE_UNSET:
        return False
    return r1.start <= r2.start and r1.end >= r2.end


def DEFINE_RES_NAMED(start, size, name, flags):
    """include/linux/ioport.h: DEFINE_RES_NAMED()."""
    return resource(start=start, end=(start + size - 1) & _RESOURCE_SIZE_MASK, name=name,
                    flags=flags, desc=IORES_DESC_NONE)


def DEFINE_RES_MEM_NAMED(start, size, name):
    """include/linux/ioport.h: DEFINE_RES_MEM_NAMED()."""
    return DEFINE_RES_NAMED(start, size, name, IORESOURCE_MEM)


def request_mem_region(start, n, name):
    """include/linux/ioport.h: request_mem_region() — claim a range of iomem (busy)."""
    from cmaport.kernel.resource import __request_region, iomem_resource

    return __request_region(iomem_resource(), start, n, name, 0)


def request_mem_region_exclusive(start, n, name):
    """include/linux/ioport.h: request_mem_region_exclusive()."""
    from cmaport.kernel.resource import __request_region, iomem_resource

    return __request_region(iomem_resource(), start, n, name, IORESOURCE_EXCLUSIVE)


def release_mem_region(start, n):
    """include/linux/ioport.h: release_mem_region()."""
    from cmaport.kernel.resource import __release_region, iomem_resource

    return __release_region(iomem_resource(), start, n)


def request_region(start, n, name):
    """include/linux/ioport.h: request_region() — claim a range of I/O ports."""
    from cmaport.kernel.resource import __request_region, ioport_resource

    return __request_region(ioport_resource(), start, n, name, 0)


def release_region(start, n):
    """include/linux/ioport.h: release_region()."""
    from cmaport.kernel.resource import __release_region, ioport_resource

    return __release_region(ioport_resource(), start, n)
