# SPDX-License-Identifier: GPL-2.0-only
"""lib/string.c (arch/arm/lib/memset.S): memset() on kernel virtual addresses.

Model: the CPU reaches memory through its MMU; without an MMU model the port resolves a
kernel virtual address itself: an ioremap/memremap mapping (``iomem_ptr``) is an identity
view of physical memory, a remapped vmalloc address goes through the pages recorded for
its area, and anything else must be in the lowmem linear map (``__pa``). An address that
is none of these is a kernel paging fault: the Oops line is printed and ``KernelBug`` is
raised.
"""

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.kernel.machine import this_machine


def _phys_chunks(s, count):
    """Model-only: the physical pieces ``(phys, length)`` behind ``[s, s + count)``."""
    from cmaport.arch.arm.include.asm.io import iomem_phys, iomem_ptr
    from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET, __pa
    from cmaport.mm.memory import memory_c
    from cmaport.mm.vmalloc import is_vmalloc_addr, vmalloc_to_pfn

    if isinstance(s, iomem_ptr):
        return [(iomem_phys(s), count)]
    if is_vmalloc_addr(s):
        out = []
        addr = s
        end = s + count
        while addr < end:
            n = min(end - addr, PAGE_SIZE - (addr & (PAGE_SIZE - 1)))
            pfn = vmalloc_to_pfn(addr)
            if not pfn:
                _fault(addr)
            out.append(((pfn << PAGE_SHIFT) | (addr & (PAGE_SIZE - 1)), n))
            addr += n
        return out
    if PAGE_OFFSET() <= s and s + count <= memory_c.get().high_memory:
        return [(__pa(s), count)]
    _fault(s)


def _fault(addr):
    """Model-only: an access to an address with no mapping — the Oops line, then KernelBug."""
    from cmaport.kernel.errors import KernelBug
    from cmaport.kernel.printk import KERN_ALERT, printk

    printk(KERN_ALERT + "Unable to handle kernel paging request at virtual address %08lx\n", addr)
    raise KernelBug("memset", f"no mapping at virtual address {addr:#010x}")


def memset(s, c, count):
    """lib/string.c: memset() — fill ``count`` bytes at kernel address ``s`` with ``c``."""
    physmem = this_machine().hw.physmem
    for phys, n in _phys_chunks(s, count):
        physmem.fill(phys, n, c & 0xFF)
    return s


def model_read(s, count):
    """Model-only: the bytes the CPU would read at kernel address ``s`` (for tests and the CLI)."""
    physmem = this_machine().hw.physmem
    return b"".join(physmem.read(phys, n) for phys, n in _phys_chunks(s, count))


def model_write(s, data):
    """Model-only: store ``data`` at kernel address ``s`` as the CPU would (for tests and the CLI)."""
    physmem = this_machine().hw.physmem
    pos = 0
    for phys, n in _phys_chunks(s, len(data)):
        physmem.write(phys, bytes(data[pos:pos + n]))
        pos += n
