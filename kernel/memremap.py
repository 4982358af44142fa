# SPDX-License-Identifier: GPL-2.0-only
"""kernel/memremap.c: memremap() — map memory that has no I/O side effects.

What decides the outcome is where the range lies in /proc/iomem's top level
(``region_intersects`` against ``System RAM``): a range that is partly RAM is refused
(WARN), a range that is RAM is refused for anything but write-back (WARN), a range
outside RAM gets a new mapping (``ioremap_wt``/``ioremap_wc``; on ARM ``arch_memremap_wb``
for write-back). On v4.9 ARM a ``no-map`` reserved region is a hole in ``System RAM``,
so a DMA pool there maps fine.

Model: the mapping is the identity view of arch/arm/include/asm/io.py.
"""

from cmaport.include.linux.ioport import (IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM,
                                          REGION_INTERSECTS, REGION_MIXED)
from cmaport.kernel.panic import WARN_ONCE

# include/linux/io.h
MEMREMAP_WB = 1 << 0
MEMREMAP_WT = 1 << 1
MEMREMAP_WC = 1 << 2


def try_ram_remap(offset, size):
    """kernel/memremap.c: try_ram_remap() — the linear-map address of lowmem RAM, else ``None``."""
    from cmaport.arch.arm.include.asm.memory import __va
    from cmaport.arch.arm.mm.init import pfn_valid
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.include.linux.page_flags import PageHighMem

    pfn = offset >> 12

    # lowmem RAM is mapped already
    if pfn_valid(pfn) and not PageHighMem(pfn_to_page(pfn)):
        return __va(offset)
    return None  # arch_memremap_wb() will map it


def memremap(offset, size, flags):
    """kernel/memremap.c: memremap() — map ``[offset, offset + size)`` with one of the MEMREMAP_* types.

    :return: the mapping's address, or ``None``
    """
    from cmaport.arch.arm.mm.ioremap import arch_memremap_wb, ioremap_wc, ioremap_wt
    from cmaport.kernel.resource import region_intersects

    is_ram = region_intersects(offset, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)
    addr = None

    if not flags:
        return None

    if is_ram == REGION_MIXED:
        WARN_ONCE(1, "memremap attempted on mixed range %pa size: %#lx\n", offset, size, line=84)
        return None

    # the requested types are tried in turn
    if flags & MEMREMAP_WB:
        # write-back RAM can come from the linear map
        if is_ram == REGION_INTERSECTS:
            addr = try_ram_remap(offset, size)
        if addr is None:
            addr = arch_memremap_wb(offset, size)

    # anything else would be a second, differently cached mapping of RAM
    if addr is None and is_ram == REGION_INTERSECTS and flags != MEMREMAP_WB:
        WARN_ONCE(1, "memremap attempted on ram %pa size: %#lx\n", offset, size, line=110)
        return None

    if addr is None and flags & MEMREMAP_WT:
        addr = ioremap_wt(offset, size)

    if addr is None and flags & MEMREMAP_WC:
        addr = ioremap_wc(offset, size)

    return addr


def memunmap(addr):
    """kernel/memremap.c: memunmap() — undo a mapping (linear-map addresses need nothing)."""
    from cmaport.arch.arm.mm.ioremap import iounmap
    from cmaport.mm.vmalloc import is_vmalloc_addr

    if is_vmalloc_addr(addr):
        iounmap(addr)
