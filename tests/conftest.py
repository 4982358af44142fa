# SPDX-License-Identifier: GPL-2.0-only
"""Shared fixtures: the oracle's recorded boots, and booting the model the way the oracle booted.

``oracle`` (a namespace):

* ``samples`` — tests/data/oracle/samples.json (``{name: facts}``), written by
  tools/oracle_facts.py from the oracle's logs (Debian's 6.1 armmp kernel under QEMU);
* ``boot(name, until=None)`` (``machine(name)``: built, not booted) — a v4.9 model machine
  set up like that sample: the board
  QEMU emulated (``virt``: RAM at 0x40000000; ``vexpress-a9``/``vexpress-a15``: the built-in
  V2P-CA9 / V2P-CA15), its
  RAM, the sample's device tree (compiled from tests/data/oracle/dts with ``dtc``; the test
  is skipped without it), the sample's command line, QEMU's initramfs size, and
  arch/arm/configs/oracle_armmp.config (the oracle kernel's CMA options for a v4.9 build);
* ``initrd_size(name)`` — QEMU's initramfs: the sample's memblock.reserved entry that
  holds RAM + 128 MiB (where QEMU loads it), from there on, less the device tree blob QEMU
  put right after it (its own 1 MiB blob for the ``virt`` machine's generated tree, else
  the ``-dtb`` file expanded as QEMU's load_device_tree does: ``2 * (size + 10000)``),
  page aligned.
"""

import json
import pathlib
import shutil
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ORACLE_DATA = ROOT / "tests" / "data" / "oracle"
ORACLE_CONFIG = ROOT / "arch" / "arm" / "configs" / "oracle_armmp.config"

RAM_BASE = {"virt": 0x40000000, "vexpress-a9": 0x60000000, "vexpress-a15": 0x80000000}
SZ_1M = 1 << 20

_samples = None


def oracle_samples():
    global _samples
    if _samples is None:
        with open(ORACLE_DATA / "samples.json", encoding="utf-8") as f:
            _samples = json.load(f)["samples"]
    return _samples


def _dtb_for(setup):
    """The blob the model boots for a sample (``None``: the board's built-in one)."""
    from cmaport.arch.arm.hw.fdt_image import compile_dts

    if setup["dts"] is None:
        return None
    if shutil.which("dtc") is None:
        pytest.skip("dtc (device-tree-compiler) is not installed: cannot compile "
                    + setup["dts"])
    builtin = ROOT / "arch" / "arm" / "boot" / "dts"
    return compile_dts(str(ORACLE_DATA / "dts" / setup["dts"]), include_dirs=[str(builtin)])


def initrd_size(name):
    """QEMU's initramfs size for a sample (see the module docstring)."""
    from cmaport.arch.arm.hw.board import builtin_dtb

    sample = oracle_samples()[name]
    setup = sample["setup"]
    start = RAM_BASE[setup["machine"]] + 128 * SZ_1M
    entry = next(((b, e) for b, e in sample["memblock_reserved"] if b <= start <= e), None)
    if entry is None:
        return 0xD9000  # the initramfs of every sample without a module
    if setup["dts"] is None and setup["machine"] == "virt":
        blob = SZ_1M  # QEMU's generated tree for -M virt
    else:
        dtb = _dtb_for(setup)
        if dtb is None:
            dtb = builtin_dtb("vexpress-v2p-ca15-tc1.dtb" if setup["machine"] == "vexpress-a15"
                              else "vexpress-v2p-ca9.dtb")
        blob = 2 * (len(dtb) + 10000)
    return (entry[1] + 1 - start - blob) & ~0xFFF


def oracle_boot(name, until=None):
    """A v4.9 model machine booted as the oracle booted sample ``name``."""
    return oracle_machine(name).boot(until=until)


def oracle_machine(name):
    """The v4.9 model machine for sample ``name``, built but not booted."""
    from cmaport.arch.arm.hw.board import (CORTEX_A15, VEXPRESS_VIDEO_SRAM, Board, default_board,
                                           vexpress_a15_board, virt_board)
    from cmaport.kernel.config import KernelConfig
    from cmaport.kernel.machine import Machine

    sample = oracle_samples()[name]
    setup = sample["setup"]
    ram = setup["ram_mib"] * SZ_1M
    cmdline = sample["cmdline"]
    machine = setup["machine"]
    dtb = _dtb_for(setup)
    irs = initrd_size(name)
    if machine == "vexpress-a15":
        board = vexpress_a15_board(ram_size=ram, bootargs=cmdline, initrd_size=irs)
    elif machine == "virt":
        if dtb is None:
            board = virt_board(ram_size=ram, bootargs=cmdline, initrd_size=irs)
        else:
            board = Board("virt", dtb, ram=[(RAM_BASE["virt"], ram)], bootargs=cmdline,
                          source=setup["dts"], cpu=CORTEX_A15, initrd_size=irs)
    else:
        if dtb is None:
            board = default_board(ram_size=ram, bootargs=cmdline, initrd_size=irs)
        else:
            board = Board("vexpress-a9", dtb, ram=[(RAM_BASE[machine], ram)], bootargs=cmdline,
                          source=setup["dts"], device_memory=[VEXPRESS_VIDEO_SRAM],
                          initrd_size=irs)
    cfg = KernelConfig()
    cfg.load(str(ORACLE_CONFIG))
    return Machine(board=board, config=cfg, cmdline=cmdline)


@pytest.fixture(scope="session")
def oracle():
    """The oracle's samples and a way to boot the model like each of them."""
    return types.SimpleNamespace(samples=oracle_samples(), boot=oracle_boot,
                                 machine=oracle_machine, initrd_size=initrd_size,
                                 config=ORACLE_CONFIG)
