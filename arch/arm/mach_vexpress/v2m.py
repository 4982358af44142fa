# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mach-vexpress/v2m.c: the Versatile Express machine description.

Only what boot code reads is modelled: the name and the device-tree compatible list.
The SMP operations and the L2 cache controller values have no effect in the model.
"""

from cmaport.arch.arm.include.asm.mach.arch import DT_MACHINE_START

v2m_dt_match = ("arm,vexpress",)

VEXPRESS_DT = DT_MACHINE_START(
    "ARM-Versatile Express",
    dt_compat=v2m_dt_match,
    l2c_aux_val=0x00400000,
    l2c_aux_mask=0xFE0FFFFF,
)
