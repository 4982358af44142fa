# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: what arch/arm/kernel/head.S and head-common.S leave behind.

The assembly entry point runs with the MMU off, turns it on and jumps to
``start_kernel``. Its effects that later C code depends on are modelled here:

* the bootloader's hand-over happens (the board copies the blob into RAM);
* ``__fixup_pv_table`` fixes ``PHYS_OFFSET`` from where the kernel was loaded
  (load address − ``TEXT_OFFSET``);
* ``__mmap_switched`` stores ``r2`` (the blob's physical address) in ``__atags_pointer``.

The initial section mappings head.S builds (``__create_page_tables``) belong to the MMU
model and are not represented yet.
"""

from cmaport.arch.arm.include.asm.memory import TEXT_OFFSET, memory_h
from cmaport.arch.arm.kernel.setup import setup_c


def stext(machine):
    """Model-only: arch/arm/kernel/head.S: stext — from the bootloader to ``start_kernel``."""
    handover = machine.board.handover(machine.hw.physmem, machine.cmdline_override)
    machine.handover = handover
    memory_h.get().phys_offset = handover.kernel_phys - TEXT_OFFSET
    setup_c.get().atags_pointer = handover.dtb_phys
