# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/include/asm/cputype.h: reading the CPU identification registers.

Each helper is one ``mrc p15`` on the boot CPU (the model runs kernel code on core 0).
"""

from cmaport.kernel.machine import this_machine

MPIDR_HWID_BITMASK = 0xFFFFFF
MPIDR_SMP_BITMASK = 0x3 << 30
MPIDR_SMP_VALUE = 0x2 << 30


def _cp15():
    """Model-only: the boot CPU's cp15 (core 0), which these ``mrc``/``mcr`` reach."""
    return this_machine().hw.cpus[0]


def read_cpuid_id():
    """arch/arm/include/asm/cputype.h: read_cpuid_id() — MIDR."""
    return _cp15().mrc(0, 0, 0, 0)


def read_cpuid_cachetype():
    """arch/arm/include/asm/cputype.h: read_cpuid_cachetype() — CTR."""
    return _cp15().mrc(0, 0, 0, 1)


def read_cpuid_mpidr():
    """arch/arm/include/asm/cputype.h: read_cpuid_mpidr() — MPIDR."""
    return _cp15().mrc(0, 0, 0, 5)


def get_cr():
    """arch/arm/include/asm/cp15.h: get_cr() — SCTLR."""
    return _cp15().mrc(0, 1, 0, 0)


def set_csselr(value):
    """arch/arm/include/asm/cachetype.h: set_csselr() — ``mcr p15, 2, …, c0, c0, 0`` (CSSELR)."""
    _cp15().mcr(2, 0, 0, 0, value)


def read_ccsidr():
    """arch/arm/include/asm/cachetype.h: read_ccsidr() — ``mrc p15, 1, …, c0, c0, 0`` (CCSIDR)."""
    return _cp15().mrc(1, 0, 0, 0)
