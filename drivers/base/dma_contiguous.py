# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/dma-contiguous.c: CMA for the DMA API — the default area and device-tree pools.

The default (global) area is sized by ``cma=`` or by the Kconfig choice
(CONFIG_CMA_SIZE_SEL_MBYTES: ``CONFIG_CMA_SIZE_MBYTES`` MiB; _PERCENTAGE:
``CONFIG_CMA_SIZE_PERCENTAGE`` % of memblock memory; _MIN/_MAX: the smaller/larger of
the two) and reserved by ``dma_contiguous_reserve(limit)`` from ``arm_memblock_init``,
after the device tree's ``/reserved-memory`` was handled. A DT ``shared-dma-pool`` node
that is ``reusable`` and not ``no-map`` becomes an area in ``rmem_cma_setup`` (the first
``shared-dma-pool`` handler by link order); with ``linux,cma-default`` it becomes the
default area, and then ``dma_contiguous_reserve`` does nothing — v4.9 ignores ``cma=``
(even ``cma=0``) silently in that case (6.1 lets the command line win).

``cma=`` forms (Documentation/kernel-parameters.txt: ``cma=nn[MG]@[start[MG][-end[MG]]]``):
``cma=SIZE`` (anywhere below the architecture's limit), ``cma=SIZE@BASE`` (fixed at BASE:
the implied limit is BASE + SIZE), ``cma=SIZE@BASE-END`` (anywhere in [BASE, END), fixed
only when END == BASE + SIZE); ``cma=0`` means no default area. Nothing is validated.

The file is built only with CONFIG_DMA_CMA (drivers/base/Makefile; include/linux/init.py
``LINK_ORDER``): without it neither ``early_param("cma")`` nor the ``shared-dma-pool``
``RESERVEDMEM_OF_DECLARE`` entry is in the image — a bare or valued ``cma`` is an
unknown parameter, and a ``reusable`` pool reaches only rmem_dma_setup, which refuses it.

Printing: ``pr_fmt`` is ``"cma: "`` for the generic part and **nothing** for the OF part
(the C file redefines it), so ``rmem_cma_setup`` prints ``Reserved memory: …`` bare.

Model: where v4.9 is silent about a ``cma=`` value a user would want to hear about —
text that is not a number (read as 0), a value that does not fit the 32-bit
``phys_addr_t`` (truncated), trailing characters (ignored), a size equal to the
"not given" marker, or a ``cma=`` that a device-tree default area overrides — the
model records a diagnostic and keeps the kernel's behaviour.
"""

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.drivers.of.of_reserved_mem import RESERVEDMEM_OF_DECLARE, reserved_mem_ops
from cmaport.include.linux.dma_contiguous import (dev_get_cma_area, dev_set_cma_area,
                                                  dma_contiguous_set_default)
from cmaport.include.linux.errno import EINVAL
from cmaport.include.linux.init import early_param
from cmaport.include.linux.kernel import min_not_zero
from cmaport.include.linux.sizes import SZ_1M
from cmaport.kernel.config import CONFIG
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.panic import kernel_fault_oops
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.cmdline import memparse
from cmaport.mm.cma import (cma_alloc, cma_declare_contiguous, cma_get_base, cma_get_size,
                            cma_init_reserved_mem, cma_release)

_pr = pr_helpers("cma: ", debug="CONFIG_CMA_DEBUG")
# The OF part of the file: "#undef pr_fmt / #define pr_fmt(fmt) fmt".
_pr_of = pr_helpers("", debug="CONFIG_CMA_DEBUG")

_U32 = 0xFFFFFFFF  # phys_addr_t is 32-bit (no LPAE)


@statics
class dma_contiguous_c:
    """The file-scope variables of drivers/base/dma-contiguous.c.

    ``size_cmdline`` is ``(phys_addr_t)-1`` until ``cma=`` is given; ``base_cmdline`` and
    ``limit_cmdline`` are 0 unless it has ``@``. (``size_bytes``, the Kconfig size, is a
    constant: see ``_size_bytes``.) ``cmdline_text`` is model-only: the ``cma=`` value, for
    diagnostics.
    """

    dma_contiguous_default_area: object = None
    size_cmdline: int = _U32
    base_cmdline: int = 0
    limit_cmdline: int = 0
    cmdline_text: str = None


def _size_bytes():
    """drivers/base/dma-contiguous.c: size_bytes — ``CMA_SIZE_MBYTES * SZ_1M`` (0 if undefined)."""
    mbytes = CONFIG("CONFIG_CMA_SIZE_MBYTES") or 0
    if mbytes * SZ_1M > _U32:  # Model: v4.9 is silent (a phys_addr_t product)
        this_machine().diagnose(
            "CONFIG_CMA_SIZE_MBYTES", "%d MiB does not fit the 32-bit phys_addr_t; v4.9's "
            "size_bytes keeps its low 32 bits, %#x" % (mbytes, (mbytes * SZ_1M) & _U32))
    return (mbytes * SZ_1M) & _U32


def _phys(value, what, text):
    """Model-only: a ``memparse`` result stored in a 32-bit ``phys_addr_t`` (diagnosed if cut)."""
    if value > _U32:
        this_machine().diagnose(
            "cma=", "%s: the %s %#x does not fit the 32-bit phys_addr_t; v4.9 keeps its low "
            "32 bits, %#x" % (text, what, value, value & _U32))
    return value & _U32


@early_param("cma")
def early_cma(p):
    """drivers/base/dma-contiguous.c: early_cma() — parse ``cma=size[@base[-limit]]``.

    Model: a bare ``cma`` (no ``=``) hands the handler a NULL string, which v4.9's
    memparse() dereferences: the model prints the oops line and stops the kernel
    (``KernelBug``, kernel/panic.py ``kernel_fault_oops``).
    """
    s = dma_contiguous_c.get()
    m = this_machine()
    _pr.debug("%s(%s)\n", "early_cma", p)
    if p is None:
        kernel_fault_oops(0, "early_cma", "'cma' without a value: memparse(NULL) in v4.9")
    text = "cma=" + p
    s.cmdline_text = text

    value, rest = memparse(p)
    bad_size = rest == p
    if bad_size:
        m.diagnose("cma=", "%s: %r is not a number; v4.9 reads it as 0 (no default CMA area)"
                   % (text, p))
    s.size_cmdline = _phys(value, "size", text)
    if s.size_cmdline == _U32:
        m.diagnose("cma=", "%s: a size of 0xffffffff is v4.9's \"no cma= given\" marker, so the "
                   "Kconfig size is used instead" % text)
    if rest[:1] != "@":
        if rest and not bad_size:
            m.diagnose("cma=", "%s: %r after the size is ignored by v4.9" % (text, rest))
        return 0
    value, rest2 = memparse(rest[1:])
    bad_base = rest2 == rest[1:]
    if bad_base:
        m.diagnose("cma=", "%s: the base %r is not a number; v4.9 reads it as 0" % (text, rest[1:]))
    s.base_cmdline = _phys(value, "base", text)
    if rest2[:1] != "-":
        if rest2 and not bad_base:
            m.diagnose("cma=", "%s: %r after the base is ignored by v4.9" % (text, rest2))
        s.limit_cmdline = (s.base_cmdline + s.size_cmdline) & _U32
        return 0
    value, rest3 = memparse(rest2[1:])
    if rest3 == rest2[1:]:
        m.diagnose("cma=", "%s: the limit %r is not a number; v4.9 reads it as 0 (no limit)"
                   % (text, rest2[1:]))
    elif rest3:
        m.diagnose("cma=", "%s: %r after the limit is ignored by v4.9" % (text, rest3))
    s.limit_cmdline = _phys(value, "limit", text)

    return 0


def cma_early_percent_memory():
    """drivers/base/dma-contiguous.c: cma_early_percent_memory() — CONFIG_CMA_SIZE_PERCENTAGE % of RAM.

    The pages of every memblock memory region are counted (memblock_phys_mem_size() is
    not ready this early). ``total_pages * CONFIG_CMA_SIZE_PERCENTAGE`` is computed in
    ``unsigned long`` and wraps before the division (Kconfig gives the percentage no
    range); the shifted result is a 32-bit ``phys_addr_t``. Without
    CONFIG_CMA_SIZE_PERCENTAGE the inline stub returns 0.
    """
    from cmaport.include.linux.memblock import (for_each_memblock, memblock_region_memory_base_pfn,
                                                memblock_region_memory_end_pfn)

    percentage = CONFIG("CONFIG_CMA_SIZE_PERCENTAGE")
    if percentage is None:
        return 0
    total_pages = 0
    for reg in for_each_memblock("memory"):
        total_pages += memblock_region_memory_end_pfn(reg) - memblock_region_memory_base_pfn(reg)
    total_pages &= _U32  # unsigned long
    # unsigned long arithmetic: the product wraps before the division
    return ((((total_pages * percentage) & _U32) // 100) << PAGE_SHIFT) & _U32


def dma_contiguous_reserve(limit):
    """drivers/base/dma-contiguous.c: dma_contiguous_reserve() — reserve the default area.

    ``cma=`` gives size, base and limit (``min_not_zero`` of its limit and ``limit``),
    and makes the area fixed when ``base + size`` equals its limit; otherwise the Kconfig
    choice gives the size (base 0, not fixed, ``limit``). Nothing happens for size 0 or
    when a device-tree area is already the default.

    :param limit: the highest address the area may reach (ARM: ``arm_dma_limit``)
    """
    s = dma_contiguous_c.get()
    selected_size = 0
    selected_base = 0
    selected_limit = limit & _U32
    fixed = False

    _pr.debug("%s(limit %08lx)\n", "dma_contiguous_reserve", limit & _U32)

    if s.size_cmdline != _U32:
        selected_size = s.size_cmdline
        selected_base = s.base_cmdline
        selected_limit = min_not_zero(s.limit_cmdline, limit & _U32)
        if (s.base_cmdline + s.size_cmdline) & _U32 == s.limit_cmdline:
            fixed = True
    elif CONFIG("CONFIG_CMA_SIZE_SEL_MBYTES"):
        selected_size = _size_bytes()
    elif CONFIG("CONFIG_CMA_SIZE_SEL_PERCENTAGE"):
        selected_size = cma_early_percent_memory()
    elif CONFIG("CONFIG_CMA_SIZE_SEL_MIN"):
        selected_size = min(_size_bytes(), cma_early_percent_memory())
    elif CONFIG("CONFIG_CMA_SIZE_SEL_MAX"):
        selected_size = max(_size_bytes(), cma_early_percent_memory())

    if selected_size and s.dma_contiguous_default_area is None:
        _pr.debug("%s: reserving %ld MiB for global area\n", "dma_contiguous_reserve",
                  selected_size // SZ_1M)

        ret, c = dma_contiguous_reserve_area(selected_size, selected_base, selected_limit, fixed)
        if ret == 0:
            s.dma_contiguous_default_area = c
    elif s.cmdline_text is not None and s.dma_contiguous_default_area is not None:
        this_machine().diagnose(
            "cma=", "%s is ignored: a device-tree region with linux,cma-default is already the "
            "default CMA area (v4.9 says nothing; 6.1 would let the command line win)"
            % s.cmdline_text)


def dma_contiguous_reserve_area(size, base, limit, fixed):
    """drivers/base/dma-contiguous.c: dma_contiguous_reserve_area() — reserve an area for DMA.

    ``cma_declare_contiguous(base, size, limit, 0, 0, fixed)``, then the architecture's
    ``dma_contiguous_early_fixup`` for the area that was made.

    Model: ``res_cma`` is returned.

    :return: ``(0, cma)``, or ``(-errno, None)``
    """
    from cmaport.arch.arm.mm.dma_mapping import dma_contiguous_early_fixup

    ret, c = cma_declare_contiguous(base, size, limit, 0, 0, fixed)
    if ret:
        return ret, None

    # the architecture's fixup for contiguous memory
    dma_contiguous_early_fixup(cma_get_base(c), cma_get_size(c))

    return 0, c


def dma_alloc_from_contiguous(dev, count, align):
    """drivers/base/dma-contiguous.c: dma_alloc_from_contiguous() — pages from the device's area.

    The alignment order is capped at CONFIG_CMA_ALIGNMENT.

    :return: the first ``struct page``, or ``None``
    """
    cap = CONFIG("CONFIG_CMA_ALIGNMENT")
    if (align & _U32) > cap:
        align = cap

    return cma_alloc(dev_get_cma_area(dev), count, align)


def dma_release_from_contiguous(dev, pages, count):
    """drivers/base/dma-contiguous.c: dma_release_from_contiguous() — give pages back to the device's area.

    :return: ``True`` if they were the area's
    """
    return cma_release(dev_get_cma_area(dev), pages, count)


# -- reserved memory regions from the device tree (CONFIG_OF_RESERVED_MEM) ----------------

def rmem_cma_device_init(rmem, dev):
    """drivers/base/dma-contiguous.c: rmem_cma_device_init() — the device allocates from this area."""
    dev_set_cma_area(dev, rmem.priv)
    return 0


def rmem_cma_device_release(rmem, dev):
    """drivers/base/dma-contiguous.c: rmem_cma_device_release() — back to the default area."""
    dev_set_cma_area(dev, None)


# drivers/base/dma-contiguous.c: static const struct reserved_mem_ops rmem_cma_ops
rmem_cma_ops = reserved_mem_ops(device_init=rmem_cma_device_init,
                                device_release=rmem_cma_device_release)


@RESERVEDMEM_OF_DECLARE("shared-dma-pool", name="cma")
def rmem_cma_setup(rmem):
    """drivers/base/dma-contiguous.c: rmem_cma_setup() — make a ``reusable`` DT region a CMA area.

    A region that is not ``reusable``, or is ``no-map``, is left (silently) to the next
    handler. Base and size must be multiples of the CMA alignment (``incorrect
    alignment``); then the area is made (``unable to setup`` if that fails), the
    architecture's fixup runs, ``linux,cma-default`` makes it the default area, and
    devices attached to the region allocate from it.

    :return: 0, or ``-EINVAL``/the error of cma_init_reserved_mem()
    """
    from cmaport.arch.arm.mm.dma_mapping import dma_contiguous_early_fixup
    from cmaport.drivers.of.fdt import of_get_flat_dt_prop

    cfg = this_machine().config
    align = PAGE_SIZE << max(cfg.MAX_ORDER - 1, cfg.pageblock_order)
    mask = align - 1
    node = rmem.fdt_node

    if (of_get_flat_dt_prop(node, "reusable")[0] is None
            or of_get_flat_dt_prop(node, "no-map")[0] is not None):
        return -EINVAL

    if (rmem.base & mask) or (rmem.size & mask):
        _pr_of.err("Reserved memory: incorrect alignment of CMA region\n")
        return -EINVAL

    err, c = cma_init_reserved_mem(rmem.base, rmem.size, 0)
    if err:
        _pr_of.err("Reserved memory: unable to setup CMA region\n")
        return err
    # the architecture's fixup for contiguous memory
    dma_contiguous_early_fixup(rmem.base, rmem.size)

    if of_get_flat_dt_prop(node, "linux,cma-default")[0] is not None:
        dma_contiguous_set_default(c)

    rmem.ops = rmem_cma_ops
    rmem.priv = c

    _pr_of.info("Reserved memory: created CMA memory pool at %pa, size %ld MiB\n",
                rmem.base, (rmem.size & _U32) // SZ_1M)

    return 0
