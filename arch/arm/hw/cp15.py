# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: the system control coprocessor (cp15) of one ARMv7 core.

Kernel code reads and writes these registers the way the CPU lets it: ``mrc``/``mcr``
with (opc1, CRn, CRm, opc2) (ARM ARM B4.1). Only the identification and control
registers the model needs so far are implemented; an access to any other encoding
raises ``UndefinedInstruction``, as the CPU would trap it.

The values are those of a Cortex-A9 MPCore r0p0 core as QEMU's ``cortex-a9`` models
it (MIDR 0x410fc090, CTR 0x80038003, 16 KiB 4-way L1 caches with 32-byte lines), with
SCTLR as the v7 set-up code leaves it (``cr=10c5387d`` in a real boot log).
"""


class UndefinedInstruction(Exception):
    """Simulated: an ``mrc``/``mcr`` to an encoding this CPU does not implement."""


# (opc1, CRn, CRm, opc2) of the registers below.
MIDR = (0, 0, 0, 0)
CTR = (0, 0, 0, 1)
MPIDR = (0, 0, 0, 5)
CCSIDR = (1, 0, 0, 0)
CLIDR = (1, 0, 0, 1)
CSSELR = (2, 0, 0, 0)
SCTLR = (0, 1, 0, 0)


class CP15:
    """Simulated: cp15 of one core."""

    def __init__(self, cpu=0, midr=0x410FC090, ctr=0x80038003, clidr=0x09200003,
                 ccsidr_d=0xE00FE019, ccsidr_i=0x200FE019, sctlr=0x10C5387D):
        self.regs = {MIDR: midr, CTR: ctr, MPIDR: 0x80000000 | cpu, CLIDR: clidr,
                     CSSELR: 0, SCTLR: sctlr}
        # CCSIDR is banked by CSSELR: (level << 1) | InD.
        self.ccsidr = {0: ccsidr_d, 1: ccsidr_i}

    def mrc(self, opc1, crn, crm, opc2):
        """Simulated: read a cp15 register."""
        key = (opc1, crn, crm, opc2)
        if key == CCSIDR:
            return self.ccsidr.get(self.regs[CSSELR], 0)
        try:
            return self.regs[key]
        except KeyError:
            raise UndefinedInstruction(f"mrc p15, {opc1}, rX, c{crn}, c{crm}, {opc2}") from None

    def mcr(self, opc1, crn, crm, opc2, value):
        """Simulated: write a cp15 register (identification registers are read-only)."""
        key = (opc1, crn, crm, opc2)
        if key in (CSSELR, SCTLR):
            self.regs[key] = value & 0xFFFFFFFF
            return
        raise UndefinedInstruction(f"mcr p15, {opc1}, rX, c{crn}, c{crm}, {opc2}")
