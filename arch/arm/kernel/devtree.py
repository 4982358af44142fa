# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/kernel/devtree.c: pick the machine description for the device tree.

The blob is read from RAM where the bootloader put it (``__atags_pointer``), as the
kernel reads it through the linear map.
"""

from cmaport.arch.arm.include.asm.mach.arch import DT_MACHINE_START, machine_table
from cmaport.kernel.machine import this_machine
from cmaport.kernel.panic import panic
from cmaport.kernel.printk import printk

# arch/arm/kernel/devtree.c: the fallback description of a multiplatform kernel.
GENERIC_DT = DT_MACHINE_START("Generic DT based system", l2c_aux_val=0x0, l2c_aux_mask=0xFFFFFFFF)


def arch_get_next_mach():
    """arch/arm/kernel/devtree.c: arch_get_next_mach() — the machine table with compat lists.

    Model: C walks the table with a cursor; the port returns it as a list of
    ``(machine_desc, dt_compat)`` pairs in link order, skipping the generic entry.
    """
    return [(d, d.dt_compat) for d in machine_table() if d.dt_compat]


def _read_blob(dt_phys):
    """Model-only: the blob at ``dt_phys``, read as the kernel reads it (header first)."""
    physmem = this_machine().hw.physmem
    if not dt_phys or not physmem.is_ram(dt_phys, 8):
        return None
    header = physmem.read(dt_phys, 8)
    totalsize = int.from_bytes(header[4:8], "big")
    if totalsize < 8 or not physmem.is_ram(dt_phys, totalsize):
        return header
    return physmem.read(dt_phys, totalsize)


def setup_machine_fdt(dt_phys):
    """arch/arm/kernel/devtree.c: setup_machine_fdt() — verify the blob, match the machine.

    :return: the ``machine_desc``, or ``None`` when there is no valid blob
    """
    from cmaport.drivers.of.fdt import (early_init_dt_scan_nodes, early_init_dt_verify,
                                        of_flat_dt_match_machine, of_get_flat_dt_prop,
                                        of_get_flat_dt_root)

    blob = _read_blob(dt_phys)
    if blob is None or not early_init_dt_verify(blob, dt_phys):
        return None
    mdesc = of_flat_dt_match_machine(GENERIC_DT, arch_get_next_mach)
    if mdesc is None:
        printk("\nError: unrecognized/unsupported device tree compatible list:\n[ ")
        prop, size = of_get_flat_dt_prop(of_get_flat_dt_root(), "compatible")
        for name in (prop or b"").split(b"\0")[:-1]:
            printk("'%s' ", name.decode())
        printk("]\n\n")
        dump_machine_table()
    if mdesc.dt_fixup:
        mdesc.dt_fixup()
    early_init_dt_scan_nodes()
    return mdesc


def dump_machine_table():
    """arch/arm/kernel/setup.c: dump_machine_table() — list the machines, then stop."""
    printk("Available machine support:\n\nID (hex)\tNAME\n")
    for d in machine_table():
        printk("%08x\t%s\n", d.nr, d.name)
    printk("\nPlease check your kernel config and/or bootloader.\n")
    # Model: the kernel spins forever here; the model stops the boot.
    panic("unrecognized/unsupported device tree compatible list")
