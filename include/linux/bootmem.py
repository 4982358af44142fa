# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/bootmem.h: the memblock-backed boot allocator API (CONFIG_NO_BOOTMEM).

The inline wrappers around ``memblock_virt_alloc_try_nid[_nopanic]`` and
``__memblock_free_early``/``__memblock_free_late`` (mm/memblock.py). With NO_BOOTMEM the
low limit is 0 (the search is top-down) and "accessible" means memblock's current limit.
Allocations return the kernel virtual address (``None`` for NULL).
"""

from cmaport.include.linux.memblock import NUMA_NO_NODE

BOOTMEM_ALLOC_ACCESSIBLE = 0
BOOTMEM_ALLOC_ANYWHERE = 0xFFFFFFFF
BOOTMEM_LOW_LIMIT = 0  # top-down with NO_BOOTMEM
ARCH_LOW_ADDRESS_LIMIT = 0xFFFFFFFF


def memblock_virt_alloc(size, align):
    """include/linux/bootmem.h: memblock_virt_alloc() — panics on failure."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid

    return memblock_virt_alloc_try_nid(size, align, BOOTMEM_LOW_LIMIT, BOOTMEM_ALLOC_ACCESSIBLE,
                                       NUMA_NO_NODE)


def memblock_virt_alloc_nopanic(size, align):
    """include/linux/bootmem.h: memblock_virt_alloc_nopanic() — ``None`` on failure."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid_nopanic

    return memblock_virt_alloc_try_nid_nopanic(size, align, BOOTMEM_LOW_LIMIT,
                                               BOOTMEM_ALLOC_ACCESSIBLE, NUMA_NO_NODE)


def memblock_virt_alloc_low(size, align):
    """include/linux/bootmem.h: memblock_virt_alloc_low()."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid

    return memblock_virt_alloc_try_nid(size, align, BOOTMEM_LOW_LIMIT, ARCH_LOW_ADDRESS_LIMIT,
                                       NUMA_NO_NODE)


def memblock_virt_alloc_low_nopanic(size, align):
    """include/linux/bootmem.h: memblock_virt_alloc_low_nopanic()."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid_nopanic

    return memblock_virt_alloc_try_nid_nopanic(size, align, BOOTMEM_LOW_LIMIT,
                                               ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE)


def memblock_virt_alloc_from_nopanic(size, align, min_addr):
    """include/linux/bootmem.h: memblock_virt_alloc_from_nopanic()."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid_nopanic

    return memblock_virt_alloc_try_nid_nopanic(size, align, min_addr, BOOTMEM_ALLOC_ACCESSIBLE,
                                               NUMA_NO_NODE)


def memblock_virt_alloc_node(size, nid):
    """include/linux/bootmem.h: memblock_virt_alloc_node() — SMP_CACHE_BYTES alignment, panics."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid

    return memblock_virt_alloc_try_nid(size, 0, BOOTMEM_LOW_LIMIT, BOOTMEM_ALLOC_ACCESSIBLE, nid)


def memblock_virt_alloc_node_nopanic(size, nid):
    """include/linux/bootmem.h: memblock_virt_alloc_node_nopanic() — ``None`` on failure."""
    from cmaport.mm.memblock import memblock_virt_alloc_try_nid_nopanic

    return memblock_virt_alloc_try_nid_nopanic(size, 0, BOOTMEM_LOW_LIMIT,
                                               BOOTMEM_ALLOC_ACCESSIBLE, nid)


def memblock_free_early(base, size):
    """include/linux/bootmem.h: memblock_free_early()."""
    from cmaport.mm.memblock import __memblock_free_early

    __memblock_free_early(base, size)


def memblock_free_early_nid(base, size, nid):
    """include/linux/bootmem.h: memblock_free_early_nid()."""
    from cmaport.mm.memblock import __memblock_free_early

    __memblock_free_early(base, size)


def memblock_free_late(base, size):
    """include/linux/bootmem.h: memblock_free_late()."""
    from cmaport.mm.memblock import __memblock_free_late

    __memblock_free_late(base, size)


def free_all_bootmem():
    """include/linux/bootmem.h: free_all_bootmem() — mm/nobootmem.c."""
    from cmaport.mm.nobootmem import free_all_bootmem as impl

    return impl()
