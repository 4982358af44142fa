# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/mach/arch.h: ``struct machine_desc`` and DT_MACHINE_START.

``DT_MACHINE_START`` places a machine description in the ``.arch.info.init`` section;
the port keeps a static table filled at import, returned in link order.
"""

import itertools

import attrs

from cmaport.include.linux.init import link_position, link_vmlinux

_seq = itertools.count()


@attrs.frozen
class machine_desc:
    """arch/arm/include/asm/mach/arch.h: struct machine_desc (the fields in scope)."""

    nr: int
    name: str
    dt_compat: tuple = ()
    dma_zone_size: int = 0  # bytes; 0 = no restriction (arm_dma_limit stays 4 GiB)
    reserve: object = None  # optional hook run by arm_memblock_init
    dt_fixup: object = None
    init_machine: object = None  # optional hook run by customize_machine (arch_initcall)
    video_start: int = 0  # physical start of a video RAM the machine reserves (0: none)
    video_end: int = 0
    reserve_lp0: int = 0  # claim the legacy parallel-port I/O ranges
    reserve_lp1: int = 0
    reserve_lp2: int = 0
    l2c_aux_val: int = 0
    l2c_aux_mask: int = 0
    module: str = ""
    seq: int = 0


_machines = []


def DT_MACHINE_START(name, **fields):
    """arch/arm/include/asm/mach/arch.h: DT_MACHINE_START … MACHINE_END."""
    import sys

    module = sys._getframe(1).f_globals.get("__name__", "")
    desc = machine_desc(nr=~0 & 0xFFFFFFFF, name=name, module=module, seq=next(_seq), **fields)
    _machines.append(desc)
    return desc


def machine_table():
    """Model-only: ``__arch_info_begin..__arch_info_end`` in link order."""
    link_vmlinux()
    return sorted(_machines, key=lambda d: (link_position(d.module), d.seq))
