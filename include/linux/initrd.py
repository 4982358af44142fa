# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/initrd.h: where the initial ramdisk is.

The variables are declared here and, in the kernel, defined in init/do_mounts_initrd.c
(``initrd_start``, ``initrd_end``, ``initrd_below_start_ok``). The early device-tree scan
fills them from ``/chosen`` (drivers/of/fdt.c: early_init_dt_check_for_initrd()); the
ARM memory setup validates and reserves the range later.
"""

from cmaport.kernel.machine import statics


@statics
class initrd_h:
    """The variables of include/linux/initrd.h (defined in init/do_mounts_initrd.c), per machine.

    ``initrd_start``/``initrd_end`` are kernel virtual addresses (``unsigned long``), 0 when
    there is no initrd; ``initrd_below_start_ok`` allows the initrd below the start of
    the kernel's memory.
    """

    initrd_start: int = 0
    initrd_end: int = 0
    initrd_below_start_ok: int = 0
