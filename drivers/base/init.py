# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/init.c: driver_init() — bring up the driver model (called by do_basic_setup).

Model: of the subsystems v4.9 initialises here only the platform bus is modelled
(devices_init, buses_init, classes_init, firmware_init, hypervisor_init, of_core_init,
cpu_dev_init, memory_dev_init and container_dev_init set up sysfs).
"""


def driver_init():
    """drivers/base/init.c: driver_init()."""
    from cmaport.drivers.base.platform import platform_bus_init

    # the core: devices_init(), buses_init(), classes_init() — sysfs only
    # firmware_init(), hypervisor_init(), of_core_init() — sysfs only
    platform_bus_init()
    # cpu_dev_init(), memory_dev_init(), container_dev_init() — sysfs only
