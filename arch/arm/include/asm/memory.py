# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/memory.h: kernel virtual <-> physical address translation.

With ``CONFIG_ARM_PATCH_PHYS_VIRT`` (on in every multiplatform build) the offset between
the linear map and physical memory is found at boot from where the bootloader put the
kernel (``__fixup_pv_table`` in head.S): ``PHYS_OFFSET`` = load address − ``TEXT_OFFSET``.
The port keeps that runtime value in ``memory_h.get().phys_offset``, set by the boot entry
(``arch/arm/kernel/head.py``).
"""

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT
from cmaport.kernel.machine import statics, this_machine

TEXT_OFFSET = 0x8000  # arch/arm/Makefile: textofs-y


@statics
class memory_h:
    """The runtime part of asm/memory.h: ``__pv_phys_pfn_offset`` as an address."""

    phys_offset: int = 0


def PAGE_OFFSET():
    """arch/arm/include/asm/memory.h: PAGE_OFFSET (``CONFIG_PAGE_OFFSET``, from VMSPLIT)."""
    return this_machine().config.PAGE_OFFSET


def PHYS_OFFSET():
    """arch/arm/include/asm/memory.h: PHYS_OFFSET — physical start of RAM (runtime)."""
    return memory_h.get().phys_offset


def PHYS_PFN_OFFSET():
    """arch/arm/include/asm/memory.h: PHYS_PFN_OFFSET."""
    return memory_h.get().phys_offset >> PAGE_SHIFT


def __virt_to_phys(x):
    """arch/arm/include/asm/memory.h: __virt_to_phys() — lowmem linear map only."""
    return (x - this_machine().config.PAGE_OFFSET + memory_h.get().phys_offset) & 0xFFFFFFFF


def __phys_to_virt(x):
    """arch/arm/include/asm/memory.h: __phys_to_virt() — lowmem linear map only."""
    return (x - memory_h.get().phys_offset + this_machine().config.PAGE_OFFSET) & 0xFFFFFFFF


__pa = __virt_to_phys
__va = __phys_to_virt
virt_to_phys = __virt_to_phys
phys_to_virt = __phys_to_virt
__pa_symbol = __virt_to_phys


def __pfn_to_phys(pfn):
    """include/asm-generic/memory_model.h: __pfn_to_phys()."""
    return pfn << PAGE_SHIFT


def __phys_to_pfn(paddr):
    """include/asm-generic/memory_model.h: __phys_to_pfn()."""
    return paddr >> PAGE_SHIFT
