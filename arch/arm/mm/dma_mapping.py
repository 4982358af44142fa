# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/dma-mapping.c: ARM's DMA operations for devices without an IOMMU.

Allocation (``arm_dma_alloc`` for devices that do not snoop the caches,
``arm_coherent_dma_alloc`` for ``dma-coherent`` ones) goes through ``__dma_alloc``, which
picks one of four allocators, first match wins (v4.9's order):

1. ``cma_allocator`` — the gfp can block and the device has a CMA area (its own or the
   default one): **for coherent devices too, and for any size, even one page**.
   ``__alloc_from_contiguous`` takes the pages from CMA (alignment order capped at
   CONFIG_CMA_ALIGNMENT), zeroes them, and for lowmem rewrites the buffer's own linear-map
   PTEs to the DMA protection (``__dma_remap``), for highmem maps it in the vmalloc space;
2. ``simple_allocator`` — a coherent device: buddy pages (``__dma_alloc_buffer``:
   alloc_pages, split_page, the excess pages freed), zeroed, the linear address;
3. ``remap_allocator`` — the gfp can block: the same pages, mapped again in the vmalloc
   space with the DMA protection;
4. ``pool_allocator`` — atomic: the 256 KiB (``coherent_pool=``) pool that
   ``atomic_pool_init`` (postcore) made, a gen_pool with order-aligned first fit, taken from
   the default CMA area when there is one, else from remapped buddy pages.

Every buffer is recorded (``arm_dma_buffer``: its address and allocator) so
``__arm_dma_free`` gives it back the same way; an unknown address is ``WARN(… "Freeing
invalid buffer %p")``. ``dma_contiguous_early_fixup`` records each CMA area at
reservation time; ``dma_contiguous_remap`` (from paging_init) would remap their lowmem
part with 4 KiB pages.

Also here: ``arch_setup_dma_ops`` (every device made from the device tree gets
``arm_coherent_dma_ops`` or ``arm_dma_ops`` depending on ``dma-coherent``), the teardown,
and ``dma_supported``/``get_coherent_dma_mask`` with their warnings.

Model notes:

* There is no MMU model yet: ``dma_contiguous_remap`` records the ``map_desc`` it would
  create (``dma_mapping_c.dma_contiguous_maps``) instead of clearing the section
  mappings and building page tables (nor does it take the L2 tables from memblock);
  ``__dma_remap`` records the protection of each remapped linear-map page
  (``dma_mapping_c.linear_pte_prot``, pfn → prot, PAGE_KERNEL entries dropped) and counts
  the PTE and TLB work in kernel/cost.py; the vmalloc remaps are vmalloc-space
  bookkeeping (mm/vmalloc.py).
* There is no cache model yet: the cache maintenance of ``__dma_clear_buffer``
  (``dmac_flush_range``, ``outer_flush_range``) is a comment; the zeroing itself writes
  the simulated RAM.
* The streaming operations (map_page, unmap_page, map_sg, the syncs) are cache
  maintenance plus an address conversion; they come with the cache model, and their
  ``dma_map_ops`` entries are NULL until then. There is no IOMMU
  (CONFIG_ARM_DMA_USE_IOMMU is off): ``arm_setup_iommu_dma_ops`` returns false.
* Output parameters are returned: an allocator's ``alloc(args)`` returns
  ``(vaddr, page)`` (C: the ``void *`` result and ``*ret_page``; ``page`` is ``None`` when
  C leaves it unset); ``ops.alloc(dev, size, gfp, attrs)`` returns ``(cpu_addr,
  dma_handle)`` as include/linux/dma_mapping.py documents.
* ``pgprot_t`` values are ints (the Linux PTE bits); PAGE_KERNEL is the value
  build_mem_type_table() computes for this machine class (see ``PAGE_KERNEL``).
"""

import sys

import attrs

from cmaport.arch.arm.include.asm.dma_mapping import (DMA_ERROR_CODE, dma_to_pfn, pfn_to_dma,
                                                      set_dma_ops)
from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.dma_mapping import (DMA_ATTR_NO_KERNEL_MAPPING,
                                               DMA_ATTR_WRITE_COMBINE, DMA_BIT_MASK, dma_map_ops)
from cmaport.include.linux.errno import ENOMEM, ENXIO
from cmaport.include.linux.init import early_param, postcore_initcall
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.panic import BUG_ON, WARN
from cmaport.kernel.printk import pr_helpers
from cmaport.mm.page_alloc import get_order  # include/asm-generic/getorder.h

_pr = pr_helpers("")  # no pr_fmt in this file

_DMA_ADDR_MAX = 0xFFFFFFFF  # (dma_addr_t)~0: 32-bit dma_addr_t
_U32 = 0xFFFFFFFF

# coherent_flag values
NORMAL = 0
COHERENT = 1

# arch/arm/mm/mm.h: VM_ARM_DMA_CONSISTENT (the same value as VM_ARM_EMPTY_MAPPING in v4.9)
VM_ARM_DMA_CONSISTENT = 0x20000000
# arch/arm/include/asm/mach/map.h: the memory type of the remapped CMA lowmem
MT_MEMORY_DMA_READY = 16

DEFAULT_DMA_COHERENT_POOL_SIZE = 256 * 1024  # SZ_256K


# -- arch/arm/include/asm/pgtable.h: the protections the DMA code uses -------------------
# Model: these belong in arch/arm/include/asm/pgtable.py (the MMU side of the port); they
# are kept here, to the letter of the header, until that module carries them.

L_PTE_PRESENT = 1 << 0
L_PTE_YOUNG = 1 << 1
L_PTE_DIRTY = 1 << 6
L_PTE_XN = 1 << 9
L_PTE_SHARED = 1 << 10
L_PTE_MT_UNCACHED = 0x00 << 2
L_PTE_MT_BUFFERABLE = 0x01 << 2
L_PTE_MT_WRITEALLOC = 0x07 << 2
L_PTE_MT_MASK = 0x0F << 2


def pgprot_kernel():
    """arch/arm/mm/mmu.c: pgprot_kernel — set by build_mem_type_table().

    Model: build_mem_type_table() belongs to the MMU model (not ported yet); this is what
    it computes for this machine class (ARMv7, SMP so shared, write-allocate, no LPAE):
    PRESENT | YOUNG | DIRTY | MT_WRITEALLOC | SHARED = 0x45f.
    """
    return L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_MT_WRITEALLOC | L_PTE_SHARED


def PAGE_KERNEL():
    """arch/arm/include/asm/pgtable.h: PAGE_KERNEL — ``pgprot_kernel | L_PTE_XN`` (0x65f)."""
    return pgprot_kernel() | L_PTE_XN


def __pgprot_modify(prot, mask, bits):
    """arch/arm/include/asm/pgtable.h: __pgprot_modify() — ``(prot & ~mask) | bits``."""
    return (prot & ~mask) | bits


def pgprot_writecombine(prot):
    """arch/arm/include/asm/pgtable.h: pgprot_writecombine() — normal non-cacheable (bufferable)."""
    return __pgprot_modify(prot, L_PTE_MT_MASK, L_PTE_MT_BUFFERABLE)


def pgprot_dmacoherent(prot):
    """arch/arm/include/asm/pgtable.h: pgprot_dmacoherent() — bufferable with
    CONFIG_ARM_DMA_MEM_BUFFERABLE (else strongly ordered), never executable."""
    if IS_ENABLED("CONFIG_ARM_DMA_MEM_BUFFERABLE"):
        return __pgprot_modify(prot, L_PTE_MT_MASK, L_PTE_MT_BUFFERABLE | L_PTE_XN)
    return __pgprot_modify(prot, L_PTE_MT_MASK, L_PTE_MT_UNCACHED | L_PTE_XN)


# -- the structures ---------------------------------------------------------------------

@attrs.define(slots=True, eq=False)
class arm_dma_alloc_args:
    """arch/arm/mm/dma-mapping.c: struct arm_dma_alloc_args."""

    dev: object = None
    size: int = 0
    gfp: int = 0
    prot: int = 0
    caller: object = None
    want_vaddr: bool = True
    coherent_flag: int = NORMAL


@attrs.define(slots=True, eq=False)
class arm_dma_free_args:
    """arch/arm/mm/dma-mapping.c: struct arm_dma_free_args."""

    dev: object = None
    size: int = 0
    cpu_addr: object = None
    page: object = None
    want_vaddr: bool = True


@attrs.frozen
class arm_dma_allocator:
    """arch/arm/mm/dma-mapping.c: struct arm_dma_allocator — ``alloc(args) -> (vaddr, page)``, ``free(args)``.

    ``name`` is model-only (the C variable's name, for views).
    """

    alloc: object
    free: object
    name: str = ""


@attrs.define(slots=True, eq=False)
class arm_dma_buffer:
    """arch/arm/mm/dma-mapping.c: struct arm_dma_buffer — which allocator made a buffer.

    ``virt`` is the CPU address, or the ``struct page *`` when there is no kernel mapping.
    """

    virt: object = None
    allocator: object = None


@attrs.define(slots=True, eq=False)
class dma_contig_early_reserve:
    """arch/arm/mm/dma-mapping.c: struct dma_contig_early_reserve — one CMA area to remap."""

    base: int = 0
    size: int = 0


@attrs.define(slots=True, eq=False)
class map_desc:
    """arch/arm/include/asm/mach/map.h: struct map_desc — a static mapping to create."""

    virtual: int = 0
    pfn: int = 0
    length: int = 0
    type: int = 0


@statics
class dma_mapping_c:
    """The file-scope variables of arch/arm/mm/dma-mapping.c.

    ``arm_dma_bufs`` the live buffers, newest first (``list_add``); ``atomic_pool`` the
    gen_pool (``None`` until postcore, or after a failure); ``dma_mmu_remap`` the areas
    ``dma_contiguous_early_fixup`` recorded (an ``__initdata`` array of MAX_CMA_AREAS in C).
    Model-only records for the MMU model: ``dma_contiguous_maps`` (the ``map_desc`` each
    remap would create) and ``linear_pte_prot`` (pfn → the protection ``__dma_remap`` gave
    its linear-map PTE; absent means PAGE_KERNEL).
    """

    arm_dma_bufs: list = attrs.Factory(list)
    atomic_pool: object = None
    atomic_pool_size: int = DEFAULT_DMA_COHERENT_POOL_SIZE
    dma_mmu_remap: list = attrs.Factory(list)
    dma_mmu_remap_num: int = 0
    dma_contiguous_maps: list = attrs.Factory(list)
    linear_pte_prot: dict = attrs.Factory(dict)


def _return_address(depth=2):
    """Model-only: ``__builtin_return_address(0)`` — the name of the calling function."""
    return sys._getframe(depth).f_code.co_name


def arm_dma_buffer_find(virt):
    """arch/arm/mm/dma-mapping.c: arm_dma_buffer_find() — find **and unlink** a buffer's record.

    Model: arm_dma_bufs_lock — one CPU, nothing to serialise.
    """
    s = dma_mapping_c.get()
    for buf in s.arm_dma_bufs:
        if buf.virt == virt:
            s.arm_dma_bufs.remove(buf)
            return buf
    return None


def __dma_supported(dev, mask, warn):
    """arch/arm/mm/dma-mapping.c: __dma_supported() — does ``mask`` reach all of the DMA zone?

    A mask wider than ``dma_addr_t`` is refused when there is memory it could not reach;
    a mask whose last pfn lies below the DMA zone's end (``min(max_pfn,
    arm_dma_pfn_limit)``) is refused too.
    """
    from cmaport.arch.arm.mm.init import init_c
    from cmaport.drivers.base.core import dev_warn
    from cmaport.mm.nobootmem import nobootmem_c

    max_pfn = nobootmem_c.get().max_pfn

    # sizeof(mask) (u64) != sizeof(dma_addr_t) (u32): a mask beyond 32 bits cannot be
    # honoured when there is memory above what dma_addr_t can hold
    if mask > _DMA_ADDR_MAX and dma_to_pfn(dev, _DMA_ADDR_MAX) < max_pfn - 1:
        if warn:
            dev_warn(dev, "Coherent DMA mask %#llx is larger than dma_addr_t allows\n", mask)
            dev_warn(dev, "Driver did not use or check the return value from dma_set_coherent_mask()?\n")
        return 0

    max_dma_pfn = min(max_pfn, init_c.get().arm_dma_pfn_limit)

    # the mask as a pfn limit (the page it points into can still be used)
    if dma_to_pfn(dev, mask & _DMA_ADDR_MAX) < max_dma_pfn:
        if warn:
            dev_warn(dev, "Coherent DMA mask %#llx (pfn %#lx-%#lx) covers a smaller range of "
                     "system memory than the DMA zone pfn 0x0-%#lx\n",
                     mask, dma_to_pfn(dev, 0), dma_to_pfn(dev, mask & _DMA_ADDR_MAX) + 1,
                     max_dma_pfn + 1)
        return 0

    return 1


def dma_supported(dev, mask):
    """arch/arm/mm/dma-mapping.c: dma_supported() — __dma_supported() without warnings."""
    return __dma_supported(dev, mask, False)


def arm_get_dma_map_ops(coherent):
    """arch/arm/mm/dma-mapping.c: arm_get_dma_map_ops()."""
    return arm_coherent_dma_ops if coherent else arm_dma_ops


def arm_setup_iommu_dma_ops(dev, dma_base, size, iommu):
    """arch/arm/mm/dma-mapping.c: arm_setup_iommu_dma_ops() — !CONFIG_ARM_DMA_USE_IOMMU: false."""
    return False


def arm_teardown_iommu_dma_ops(dev):
    """arch/arm/mm/dma-mapping.c: arm_teardown_iommu_dma_ops() — nothing without the IOMMU path."""
    return None


def arch_setup_dma_ops(dev, dma_base, size, iommu, coherent):
    """arch/arm/mm/dma-mapping.c: arch_setup_dma_ops() — pick the device's DMA operations."""
    dev.archdata.dma_coherent = coherent
    if arm_setup_iommu_dma_ops(dev, dma_base, size, iommu):
        dma_ops = None  # arm_get_iommu_dma_map_ops(coherent): not reachable without the IOMMU
    else:
        dma_ops = arm_get_dma_map_ops(coherent)

    set_dma_ops(dev, dma_ops)


def arch_teardown_dma_ops(dev):
    """arch/arm/mm/dma-mapping.c: arch_teardown_dma_ops()."""
    arm_teardown_iommu_dma_ops(dev)


def get_coherent_dma_mask(dev):
    """arch/arm/mm/dma-mapping.c: get_coherent_dma_mask() — the mask a coherent buffer must fit.

    A NULL device gets 32 bits. A device's mask must be set (``coherent DMA mask is
    unset``) and supported (__dma_supported's warnings); otherwise 0.
    """
    from cmaport.drivers.base.core import dev_warn

    mask = DMA_BIT_MASK(32)

    if dev is not None:
        mask = dev.coherent_dma_mask

        # it must be non-zero and reach the DMA zone
        if mask == 0:
            dev_warn(dev, "coherent DMA mask is unset\n")
            return 0

        if not __dma_supported(dev, mask, True):
            return 0

    return mask


def __dma_clear_buffer(page, size, coherent_flag):
    """arch/arm/mm/dma-mapping.c: __dma_clear_buffer() — zero a new buffer (and flush it for non-coherent use).

    Highmem pages are zeroed one by one through a temporary mapping, lowmem through the
    linear map. ``size`` is a ``size_t`` and the highmem loop runs ``while (size > 0)``
    with ``size -= PAGE_SIZE``: a size that is not a multiple of PAGE_SIZE (the atomic
    pool's ``coherent_pool=`` size is not rounded) steps over 0, wraps to nearly 4 GiB
    and never reaches 0 (the remainder mod PAGE_SIZE stays), so the loop zeroes every page
    after the buffer and walks off the end of mem_map.

    Model: the zeroing writes the simulated RAM; the cache maintenance (dmac_flush_range,
    outer_flush_range for NORMAL buffers) waits for the cache model. When the runaway
    loop reaches the first page past mem_map, the model records a diagnostic and stops
    with the oops at that ``struct page``'s address (``kernel_fault_oops``): in v4.9,
    kmap_atomic() then reads whatever memory follows mem_map as a ``struct page`` and
    zeroes the page it happens to name, until the kernel faults or is corrupted.
    """
    from cmaport.include.linux.mm import page_address, page_to_phys
    from cmaport.include.linux.mm_types import struct_page_arrays
    from cmaport.include.linux.page_flags import PageHighMem
    from cmaport.lib.string import memset

    physmem = this_machine().hw.physmem
    size &= _U32  # size_t
    if PageHighMem(page):
        first, nr_pages = page, struct_page_arrays.get().nr_pages
        while size > 0:
            if page >= nr_pages:
                # Model: past mem_map v4.9 reads garbage as a struct page; the model stops.
                _dma_clear_buffer_runaway(first, page, size)
            # ptr = kmap_atomic(page); memset(ptr, 0, PAGE_SIZE)
            physmem.fill(page_to_phys(page), PAGE_SIZE, 0)
            # Model: dmac_flush_range(ptr, ptr + PAGE_SIZE) for NORMAL — no cache model.
            page += 1
            size = (size - PAGE_SIZE) & _U32  # size_t: wraps below 0
        # Model: outer_flush_range(base, end) for NORMAL — no cache model.
    else:
        ptr = page_address(page)
        memset(ptr, 0, size)
        # Model: dmac_flush_range() and outer_flush_range() for NORMAL — no cache model.


def _dma_clear_buffer_runaway(first, page, size):
    """Model-only: __dma_clear_buffer()'s highmem loop has left mem_map — diagnose and oops."""
    from cmaport.include.linux.mm import page_to_pfn
    from cmaport.kernel.panic import kernel_fault_oops
    from cmaport.mm.debug import struct_page_address

    this_machine().diagnose(
        "__dma_clear_buffer",
        "the size_t size of the highmem buffer at pfn %#x is not a multiple of PAGE_SIZE: "
        "size -= PAGE_SIZE stepped over 0 and wrapped, so v4.9 zeroed every page after the "
        "buffer (%d pages, to the end of mem_map) and goes on past it; the model stops there"
        % (page_to_pfn(first), page - first))
    kernel_fault_oops(struct_page_address(page), "__dma_clear_buffer",
                      "the zeroing loop left mem_map at pfn %#x (size_t size wrapped; %#x "
                      "left)" % (page_to_pfn(page), size))


def __dma_alloc_buffer(dev, size, gfp, coherent_flag):
    """arch/arm/mm/dma-mapping.c: __dma_alloc_buffer() — page-aligned ``size`` bytes of buddy pages.

    A block of ``get_order(size)`` is allocated, split into single pages, the pages past
    ``size`` are freed, and the rest is zeroed.

    :return: the first ``struct page``, or ``None``
    """
    from cmaport.include.linux.gfp import __free_page, alloc_pages
    from cmaport.mm.page_alloc import split_page

    order = get_order(size)

    page = alloc_pages(gfp, order)
    if page is None:
        return None

    # split the block and give the pages past the buffer back
    split_page(page, order)
    p = page + (size >> PAGE_SHIFT)
    e = page + (1 << order)
    while p < e:
        __free_page(p)
        p += 1

    __dma_clear_buffer(page, size, coherent_flag)

    return page


def __dma_free_buffer(page, size):
    """arch/arm/mm/dma-mapping.c: __dma_free_buffer() — free a buffer's pages one by one."""
    from cmaport.include.linux.gfp import __free_page

    e = page + (size >> PAGE_SHIFT)
    while page < e:
        __free_page(page)
        page += 1


def __dma_alloc_remap(page, size, gfp, prot, caller):
    """arch/arm/mm/dma-mapping.c: __dma_alloc_remap() — map the pages in the vmalloc space.

    The area is VM_ARM_DMA_CONSISTENT | VM_USERMAP (the buffer may be mapped to user space).
    """
    from cmaport.drivers.base.dma_mapping import dma_common_contiguous_remap
    from cmaport.mm.vmalloc import VM_USERMAP

    return dma_common_contiguous_remap(page, size, VM_ARM_DMA_CONSISTENT | VM_USERMAP, prot, caller)


def __dma_free_remap(cpu_addr, size):
    """arch/arm/mm/dma-mapping.c: __dma_free_remap() — undo __dma_alloc_remap()."""
    from cmaport.drivers.base.dma_mapping import dma_common_free_remap
    from cmaport.mm.vmalloc import VM_USERMAP

    dma_common_free_remap(cpu_addr, size, VM_ARM_DMA_CONSISTENT | VM_USERMAP)


@early_param("coherent_pool")
def early_coherent_pool(p):
    """arch/arm/mm/dma-mapping.c: early_coherent_pool() — ``coherent_pool=size``.

    Model: a bare ``coherent_pool`` hands a NULL string to memparse(), which v4.9
    dereferences: the oops line is printed and the kernel stops (``KernelBug``,
    kernel/panic.py ``kernel_fault_oops``). A size that does not fit the 32-bit ``size_t``
    is cut to it, with a diagnostic.
    """
    from cmaport.kernel.panic import kernel_fault_oops
    from cmaport.lib.cmdline import memparse

    if p is None:
        kernel_fault_oops(0, "early_coherent_pool",
                          "'coherent_pool' without a value: memparse(NULL)")
    value, rest = memparse(p)
    if rest == p or rest or value > _U32:
        this_machine().diagnose(
            "coherent_pool=", "coherent_pool=%s: v4.9 reads %#x (the number at the start, cut to "
            "32 bits; anything else is ignored)" % (p, value & _U32))
    dma_mapping_c.get().atomic_pool_size = value & _U32
    return 0


def init_dma_coherent_pool_size(size):
    """arch/arm/mm/dma-mapping.c: init_dma_coherent_pool_size() — a platform's pool size.

    Too late once the pool exists (BUG); the command line wins (the size is taken only
    while it is still the default).
    """
    s = dma_mapping_c.get()
    BUG_ON(s.atomic_pool is not None, "init_dma_coherent_pool_size: the pool exists", line=394)
    if s.atomic_pool_size == DEFAULT_DMA_COHERENT_POOL_SIZE:
        s.atomic_pool_size = size & _U32


@postcore_initcall
def atomic_pool_init():
    """arch/arm/mm/dma-mapping.c: atomic_pool_init() — postcore: the pool for atomic allocations.

    Runs after CMA is active (core). The memory comes from the default CMA area when there
    is one (``__alloc_from_contiguous``: count 64, align 6 for 256 KiB — bit 0 of an idle
    area), else from buddy pages remapped in the vmalloc space; a default area that cannot
    serve it makes the pool fail (no fallback). The pool allocates in pages, each
    allocation aligned to its size rounded up to a power of two.

    :return: 0, or ``-ENOMEM``
    """
    from cmaport.include.linux.dma_contiguous import dev_get_cma_area
    from cmaport.include.linux.gfp import GFP_DMA, GFP_KERNEL
    from cmaport.include.linux.mm import page_to_phys
    from cmaport.lib.genalloc import (gen_pool_add_virt, gen_pool_create, gen_pool_destroy,
                                      gen_pool_first_fit_order_align, gen_pool_set_algo)

    s = dma_mapping_c.get()
    prot = pgprot_dmacoherent(PAGE_KERNEL())
    gfp = GFP_KERNEL | GFP_DMA

    s.atomic_pool = gen_pool_create(PAGE_SHIFT, -1)
    if s.atomic_pool is not None:
        # The pool serves only non-coherent devices: NORMAL.
        if dev_get_cma_area(None) is not None:
            ptr, page = __alloc_from_contiguous(None, s.atomic_pool_size, prot, atomic_pool_init,
                                                True, NORMAL)
        else:
            ptr, page = __alloc_remap_buffer(None, s.atomic_pool_size, gfp, prot,
                                             atomic_pool_init, True)
        if ptr:
            ret = gen_pool_add_virt(s.atomic_pool, ptr, page_to_phys(page), s.atomic_pool_size, -1)
            if not ret:
                gen_pool_set_algo(s.atomic_pool, gen_pool_first_fit_order_align, PAGE_SHIFT)
                _pr.info("DMA: preallocated %zu KiB pool for atomic coherent allocations\n",
                         s.atomic_pool_size // 1024)
                return 0
        # destroy_genpool:
        gen_pool_destroy(s.atomic_pool)
        s.atomic_pool = None
    # out:
    _pr.err("DMA: failed to allocate %zu KiB pool for atomic coherent allocation\n",
            s.atomic_pool_size // 1024)
    return -ENOMEM


def dma_contiguous_early_fixup(base, size):
    """arch/arm/mm/dma-mapping.c: dma_contiguous_early_fixup() — remember a CMA area for dma_contiguous_remap().

    v4.9 does not check the bound of ``dma_mmu_remap[MAX_CMA_AREAS]``; it cannot overflow,
    because every call follows the creation of an area and there are at most MAX_CMA_AREAS.
    """
    s = dma_mapping_c.get()
    s.dma_mmu_remap.append(dma_contig_early_reserve(base & _U32, size & _U32))
    s.dma_mmu_remap_num += 1


def dma_contiguous_remap():
    """arch/arm/mm/dma-mapping.c: dma_contiguous_remap() — remap the CMA areas' lowmem with pages.

    Called by paging_init() right after map_lowmem(). For each area recorded by
    dma_contiguous_early_fixup(), in recording order, the part below ``arm_lowmem_limit``
    is described as an MT_MEMORY_DMA_READY ``map_desc``; the kernel clears its section
    mappings, flushes the TLB and creates the mapping again with 4 KiB pages
    (iotable_init), so that __dma_remap() can later change single PTEs.

    Model: the page-table rewrite (pmd_clear, flush_tlb_kernel_range, iotable_init and
    the L2 tables it takes from memblock) belongs to the MMU model, which is not ported
    yet; the ``map_desc`` of each range is recorded in ``dma_contiguous_maps``.
    """
    from cmaport.arch.arm.include.asm.memory import __phys_to_pfn, __phys_to_virt
    from cmaport.arch.arm.mm.mmu import mmu_c

    if not IS_ENABLED("CONFIG_DMA_CMA"):
        return  # the inline stub of arch/arm/mm/mm.h
    s = dma_mapping_c.get()
    arm_lowmem_limit = mmu_c.get().arm_lowmem_limit
    for i in range(s.dma_mmu_remap_num):
        start = s.dma_mmu_remap[i].base
        end = (start + s.dma_mmu_remap[i].size) & _U32

        if end > arm_lowmem_limit:
            end = arm_lowmem_limit
        if start >= end:
            continue

        m = map_desc(virtual=__phys_to_virt(start), pfn=__phys_to_pfn(start), length=end - start,
                     type=MT_MEMORY_DMA_READY)
        # Model: pmd_clear() of every 2 MiB of the range, flush_tlb_kernel_range() and
        # iotable_init(&map, 1) — the MMU model's work; the mapping is recorded.
        s.dma_contiguous_maps.append(m)


def __dma_update_pte(addr, prot):
    """arch/arm/mm/dma-mapping.c: __dma_update_pte() — give the PTE that maps ``addr`` the protection ``prot``.

    The page is the linear map's (``virt_to_page(addr)``).

    Model: no page tables: the protection is recorded per pfn (PAGE_KERNEL, the normal
    one, by dropping the record).
    """
    from cmaport.include.linux.mm import page_to_pfn, virt_to_page

    s = dma_mapping_c.get()
    pfn = page_to_pfn(virt_to_page(addr))
    if prot == PAGE_KERNEL():
        s.linear_pte_prot.pop(pfn, None)
    else:
        s.linear_pte_prot[pfn] = prot
    return 0


def __dma_remap(page, size, prot):
    """arch/arm/mm/dma-mapping.c: __dma_remap() — rewrite a lowmem buffer's linear-map PTEs to ``prot``.

    ``apply_to_page_range`` over the buffer's linear addresses calls __dma_update_pte()
    for each PTE, then the range is flushed from the TLB. (``end`` is an ``unsigned`` int
    in v4.9: harmless on 32-bit ARM.)

    Model: no page tables (see __dma_update_pte); the PTE updates and the TLB flush are
    counted in kernel/cost.py.
    """
    from cmaport.include.linux.mm import page_address
    from cmaport.kernel.cost import account

    start = page_address(page)
    end = (start + size) & _U32

    # apply_to_page_range(&init_mm, start, size, __dma_update_pte, &prot)
    for addr in range(start, end, PAGE_SIZE):
        __dma_update_pte(addr, prot)
    account("ptes_updated", size >> PAGE_SHIFT)
    # flush_tlb_kernel_range(start, end)
    account("tlb_flushes")


def __alloc_remap_buffer(dev, size, gfp, prot, caller, want_vaddr):
    """arch/arm/mm/dma-mapping.c: __alloc_remap_buffer() — buddy pages, mapped again with ``prot``.

    Used only for non-coherent devices (NORMAL).

    :return: ``(vaddr, page)``; ``(None, None)`` on failure; ``(None, page)`` without a
        kernel mapping
    """
    page = __dma_alloc_buffer(dev, size, gfp, NORMAL)
    if page is None:
        return None, None
    if not want_vaddr:
        return None, page

    ptr = __dma_alloc_remap(page, size, gfp, prot, caller)
    if not ptr:
        __dma_free_buffer(page, size)
        return None, None

    return ptr, page


def __alloc_from_pool(size):
    """arch/arm/mm/dma-mapping.c: __alloc_from_pool() — a piece of the atomic pool.

    :return: ``(vaddr, page)``, or ``(None, None)`` (with ``coherent pool not initialised!``
        before atomic_pool_init)
    """
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.lib.genalloc import gen_pool_alloc, gen_pool_virt_to_phys

    s = dma_mapping_c.get()

    if s.atomic_pool is None:
        WARN(1, "coherent pool not initialised!\n", line=564)
        return None, None

    val = gen_pool_alloc(s.atomic_pool, size)
    if val:
        phys = gen_pool_virt_to_phys(s.atomic_pool, val)
        return val, pfn_to_page(phys >> PAGE_SHIFT)  # phys_to_page()

    return None, None


def __in_atomic_pool(start, size):
    """arch/arm/mm/dma-mapping.c: __in_atomic_pool() — is the buffer inside the atomic pool?"""
    from cmaport.lib.genalloc import addr_in_gen_pool

    return addr_in_gen_pool(dma_mapping_c.get().atomic_pool, start, size)


def __free_from_pool(start, size):
    """arch/arm/mm/dma-mapping.c: __free_from_pool() — give a piece back to the pool (1), or 0 if it is not the pool's."""
    from cmaport.lib.genalloc import gen_pool_free

    if not __in_atomic_pool(start, size):
        return 0

    gen_pool_free(dma_mapping_c.get().atomic_pool, start, size)

    return 1


def __alloc_from_contiguous(dev, size, prot, caller, want_vaddr, coherent_flag):
    """arch/arm/mm/dma-mapping.c: __alloc_from_contiguous() — a buffer from the device's CMA area.

    ``size >> PAGE_SHIFT`` pages aligned to ``get_order(size)`` (capped by
    dma_alloc_from_contiguous), zeroed; a lowmem buffer gets its own linear-map PTEs
    rewritten to ``prot`` and is used through the linear address, a highmem one is mapped
    in the vmalloc space (if that fails, the pages go back to CMA).

    :return: ``(vaddr, page)``; ``(None, None)`` on failure; ``(None, page)`` without a
        kernel mapping
    """
    from cmaport.include.linux.dma_contiguous import (dma_alloc_from_contiguous,
                                                      dma_release_from_contiguous)
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.include.linux.mm import page_address
    from cmaport.include.linux.page_flags import PageHighMem

    order = get_order(size)
    count = (size & _U32) >> PAGE_SHIFT

    page = dma_alloc_from_contiguous(dev, count, order)
    if page is None:
        return None, None

    __dma_clear_buffer(page, size, coherent_flag)

    if not want_vaddr:
        return None, page

    if PageHighMem(page):
        ptr = __dma_alloc_remap(page, size, GFP_KERNEL, prot, caller)
        if not ptr:
            dma_release_from_contiguous(dev, page, count)
            return None, None
    else:
        __dma_remap(page, size, prot)
        ptr = page_address(page)

    return ptr, page


def __free_from_contiguous(dev, page, cpu_addr, size, want_vaddr):
    """arch/arm/mm/dma-mapping.c: __free_from_contiguous() — undo the mapping, give the pages back to CMA.

    A highmem buffer loses its vmalloc mapping; a lowmem one gets its linear map back to
    PAGE_KERNEL (before the pages return to CMA).
    """
    from cmaport.include.linux.dma_contiguous import dma_release_from_contiguous
    from cmaport.include.linux.page_flags import PageHighMem

    if want_vaddr:
        if PageHighMem(page):
            __dma_free_remap(cpu_addr, size)
        else:
            __dma_remap(page, size, PAGE_KERNEL())
    dma_release_from_contiguous(dev, page, size >> PAGE_SHIFT)


def __get_dma_pgprot(attrs_, prot):
    """arch/arm/mm/dma-mapping.c: __get_dma_pgprot() — write-combining or DMA-coherent protection."""
    if attrs_ & DMA_ATTR_WRITE_COMBINE:
        return pgprot_writecombine(prot)
    return pgprot_dmacoherent(prot)


def nommu():
    """arch/arm/mm/dma-mapping.c: nommu() — 0: the model has an MMU."""
    return 0


def __alloc_simple_buffer(dev, size, gfp):
    """arch/arm/mm/dma-mapping.c: __alloc_simple_buffer() — buddy pages used through the linear map.

    Used only for coherent devices (COHERENT: no cache flush).

    :return: ``(vaddr, page)``, or ``(None, None)``
    """
    from cmaport.include.linux.mm import page_address

    page = __dma_alloc_buffer(dev, size, gfp, COHERENT)
    if page is None:
        return None, None

    return page_address(page), page


def simple_allocator_alloc(args):
    """arch/arm/mm/dma-mapping.c: simple_allocator_alloc()."""
    return __alloc_simple_buffer(args.dev, args.size, args.gfp)


def simple_allocator_free(args):
    """arch/arm/mm/dma-mapping.c: simple_allocator_free()."""
    __dma_free_buffer(args.page, args.size)


simple_allocator = arm_dma_allocator(simple_allocator_alloc, simple_allocator_free,
                                     "simple_allocator")


def cma_allocator_alloc(args):
    """arch/arm/mm/dma-mapping.c: cma_allocator_alloc()."""
    return __alloc_from_contiguous(args.dev, args.size, args.prot, args.caller, args.want_vaddr,
                                   args.coherent_flag)


def cma_allocator_free(args):
    """arch/arm/mm/dma-mapping.c: cma_allocator_free()."""
    __free_from_contiguous(args.dev, args.page, args.cpu_addr, args.size, args.want_vaddr)


cma_allocator = arm_dma_allocator(cma_allocator_alloc, cma_allocator_free, "cma_allocator")


def pool_allocator_alloc(args):
    """arch/arm/mm/dma-mapping.c: pool_allocator_alloc()."""
    return __alloc_from_pool(args.size)


def pool_allocator_free(args):
    """arch/arm/mm/dma-mapping.c: pool_allocator_free()."""
    __free_from_pool(args.cpu_addr, args.size)


pool_allocator = arm_dma_allocator(pool_allocator_alloc, pool_allocator_free, "pool_allocator")


def remap_allocator_alloc(args):
    """arch/arm/mm/dma-mapping.c: remap_allocator_alloc()."""
    return __alloc_remap_buffer(args.dev, args.size, args.gfp, args.prot, args.caller,
                                args.want_vaddr)


def remap_allocator_free(args):
    """arch/arm/mm/dma-mapping.c: remap_allocator_free()."""
    if args.want_vaddr:
        __dma_free_remap(args.cpu_addr, args.size)

    __dma_free_buffer(args.page, args.size)


remap_allocator = arm_dma_allocator(remap_allocator_alloc, remap_allocator_free,
                                    "remap_allocator")


def __dma_alloc(dev, size, gfp, prot, is_coherent, attrs_, caller):
    """arch/arm/mm/dma-mapping.c: __dma_alloc() — allocate a coherent buffer (the allocator choice).

    See the module docstring for the four allocators and their order.

    Model: the ``struct arm_dma_buffer`` kzalloc does not fail; ``*handle`` is returned.

    :return: ``(cpu_addr, handle)``: the CPU address (the ``struct page *`` with
        DMA_ATTR_NO_KERNEL_MAPPING) or ``None``; the DMA address, DMA_ERROR_CODE when
        the allocator failed, ``None`` when C leaves it unset
    """
    from cmaport.drivers.base.core import dev_warn
    from cmaport.include.linux.dma_contiguous import dev_get_cma_area
    from cmaport.include.linux.gfp import GFP_DMA, __GFP_COMP, gfpflags_allow_blocking
    from cmaport.include.linux.mm import page_to_pfn

    mask = get_coherent_dma_mask(dev)
    page = None
    args = arm_dma_alloc_args(
        dev=dev, size=PAGE_ALIGN(size), gfp=gfp, prot=prot, caller=caller,
        want_vaddr=(attrs_ & DMA_ATTR_NO_KERNEL_MAPPING) == 0,
        coherent_flag=COHERENT if is_coherent else NORMAL)

    if IS_ENABLED("CONFIG_DMA_API_DEBUG"):
        limit = (mask + 1) & ~mask
        if limit and size >= limit:
            dev_warn(dev, "coherent allocation too big (requested %#x mask %#llx)\n", size, mask)
            return None, None

    if not mask:
        return None, None

    # Model: kzalloc(sizeof(*buf), gfp & ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM)) —
    # the slab allocator is not modelled; the record is a Python object and cannot fail.
    buf = arm_dma_buffer()

    if mask < 0xFFFFFFFF:
        gfp |= GFP_DMA

    # split_page() cannot handle compound pages, so __GFP_COMP is dropped (it should
    # not be set on ARM in the first place).
    gfp &= ~__GFP_COMP
    args.gfp = gfp

    handle = DMA_ERROR_CODE
    allowblock = gfpflags_allow_blocking(gfp)
    cma = dev_get_cma_area(dev) is not None if allowblock else False

    if cma:
        buf.allocator = cma_allocator
    elif nommu() or is_coherent:
        buf.allocator = simple_allocator
    elif allowblock:
        buf.allocator = remap_allocator
    else:
        buf.allocator = pool_allocator

    addr, page = buf.allocator.alloc(args)

    if page is not None:
        handle = pfn_to_dma(dev, page_to_pfn(page))
        buf.virt = addr if args.want_vaddr else page

        # Model: arm_dma_bufs_lock — one CPU.
        dma_mapping_c.get().arm_dma_bufs.insert(0, buf)  # list_add()
    # else: kfree(buf)

    return (addr if args.want_vaddr else page), handle


def arm_dma_alloc(dev, size, gfp, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_dma_alloc() — a buffer for a non-coherent device.

    The protection is write-combining with DMA_ATTR_WRITE_COMBINE, else DMA-coherent
    (bufferable, not cacheable).

    :return: ``(cpu_addr, dma_handle)``
    """
    prot = __get_dma_pgprot(attrs_, PAGE_KERNEL())

    return __dma_alloc(dev, size, gfp, prot, False, attrs_, _return_address())


def arm_coherent_dma_alloc(dev, size, gfp, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_coherent_dma_alloc() — a buffer for a cache-coherent device (PAGE_KERNEL).

    :return: ``(cpu_addr, dma_handle)``
    """
    return __dma_alloc(dev, size, gfp, PAGE_KERNEL(), True, attrs_, _return_address())


def __arm_dma_mmap(dev, vma, cpu_addr, dma_addr, size, attrs_):
    """arch/arm/mm/dma-mapping.c: __arm_dma_mmap() — map a coherent buffer to user space.

    The device's coherent pool maps its own buffers; otherwise the buffer's pages (from
    the DMA address), if the requested window fits the buffer.

    :return: 0 or an error (``-ENXIO`` when the window does not fit)
    """
    from cmaport.drivers.base.dma_coherent import dma_mmap_from_coherent
    from cmaport.mm.memory import remap_pfn_range

    ret = -ENXIO
    nr_vma_pages = (vma.vm_end - vma.vm_start) >> PAGE_SHIFT
    nr_pages = PAGE_ALIGN(size) >> PAGE_SHIFT
    pfn = dma_to_pfn(dev, dma_addr)
    off = vma.vm_pgoff

    done, pool_ret = dma_mmap_from_coherent(dev, vma, cpu_addr, size)
    if done:
        return pool_ret

    if off < nr_pages and nr_vma_pages <= (nr_pages - off):
        ret = remap_pfn_range(vma, vma.vm_start, pfn + off, vma.vm_end - vma.vm_start,
                              vma.vm_page_prot)

    return ret


def arm_coherent_dma_mmap(dev, vma, cpu_addr, dma_addr, size, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_coherent_dma_mmap() — the user mapping keeps the vma's protection."""
    return __arm_dma_mmap(dev, vma, cpu_addr, dma_addr, size, attrs_)


def arm_dma_mmap(dev, vma, cpu_addr, dma_addr, size, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_dma_mmap() — the user mapping gets the DMA protection."""
    vma.vm_page_prot = __get_dma_pgprot(attrs_, vma.vm_page_prot)
    return __arm_dma_mmap(dev, vma, cpu_addr, dma_addr, size, attrs_)


def __arm_dma_free(dev, size, cpu_addr, handle, attrs_, is_coherent):
    """arch/arm/mm/dma-mapping.c: __arm_dma_free() — give a buffer back through the allocator that made it.

    An address that no live buffer has is ``WARN(… "Freeing invalid buffer %p")`` and
    nothing else happens.
    """
    from cmaport.include.linux.mm import pfn_to_page

    page = pfn_to_page(dma_to_pfn(dev, handle))
    args = arm_dma_free_args(dev=dev, size=PAGE_ALIGN(size), cpu_addr=cpu_addr, page=page,
                             want_vaddr=(attrs_ & DMA_ATTR_NO_KERNEL_MAPPING) == 0)

    buf = arm_dma_buffer_find(cpu_addr)
    if WARN(buf is None, "Freeing invalid buffer %p\n", cpu_addr, line=914):
        return

    buf.allocator.free(args)
    # kfree(buf)


def arm_dma_free(dev, size, cpu_addr, handle, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_dma_free()."""
    __arm_dma_free(dev, size, cpu_addr, handle, attrs_, False)


def arm_coherent_dma_free(dev, size, cpu_addr, handle, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_coherent_dma_free()."""
    __arm_dma_free(dev, size, cpu_addr, handle, attrs_, True)


def arm_dma_get_sgtable(dev, sgt, cpu_addr, handle, size, attrs_):
    """arch/arm/mm/dma-mapping.c: arm_dma_get_sgtable() — a one-entry table for the buffer's pages."""
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.include.linux.mm import pfn_to_page
    from cmaport.include.linux.scatterlist import sg_alloc_table, sg_set_page

    page = pfn_to_page(dma_to_pfn(dev, handle))

    ret = sg_alloc_table(sgt, 1, GFP_KERNEL)
    if ret:
        return ret

    sg_set_page(sgt.sgl[0], page, PAGE_ALIGN(size), 0)
    return 0


arm_dma_ops = dma_map_ops(
    alloc=arm_dma_alloc,
    free=arm_dma_free,
    mmap=arm_dma_mmap,
    get_sgtable=arm_dma_get_sgtable,
    # Model: map_page, unmap_page, map_sg, unmap_sg and the four syncs (the streaming API)
    # come with the cache model.
)
"""arch/arm/mm/dma-mapping.c: arm_dma_ops — for devices that do not snoop the caches."""

arm_coherent_dma_ops = dma_map_ops(
    alloc=arm_coherent_dma_alloc,
    free=arm_coherent_dma_free,
    mmap=arm_coherent_dma_mmap,
    get_sgtable=arm_dma_get_sgtable,
    # Model: map_page and map_sg come with the cache model.
)
"""arch/arm/mm/dma-mapping.c: arm_coherent_dma_ops — for cache-coherent devices."""
