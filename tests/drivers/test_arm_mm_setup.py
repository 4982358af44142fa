# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/mmu.c at boot: the lowmem/highmem split and the cache policy.

* sanity_check_meminfo() walks the live ``memblock.memory`` array as v4.9's
  ``for_each_memblock`` does: removing a whole highmem bank (without CONFIG_HIGHMEM) moves
  the next bank into the slot just handled, and that bank is skipped — and kept.
* build_mem_type_table() prints ``Memory policy: [ECC enabled, ]Data cache <policy>`` from
  paging_init(), after the reserved-memory and ``cma:`` lines (v4.9-vs-v6.1.md §15.1). The
  policy is the proc_info entry's: ``writealloc`` on SMP, ``writeback`` when head.S's
  __fixup_smp finds a uniprocessor (a one-core Cortex-A9, like the oracle's QEMU vexpress).
"""

import pathlib

import pytest

from cmaport.arch.arm.hw.board import default_board, virt_board
from cmaport.kernel.errors import KernelBug, KernelPanic
from cmaport.kernel.machine import Machine

SZ_1M = 1 << 20
DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "oracle"


def banks_board(dt, banks):
    root = dt.tree()
    root.find("/memory@%x" % dt.RAM).props["reg"] = dt.u32s(*[x for b in banks for x in b])
    return dt.board(root)


def memory_regions(m):
    from cmaport.mm.memblock import for_each_memblock

    with m:
        return [(r.base, r.size) for r in for_each_memblock("memory")]


# -- sanity_check_meminfo -------------------------------------------------------------------

def test_removing_a_highmem_bank_skips_the_next_one_as_v49_does(dt):
    """512 MiB of lowmem, then 16 MiB at 0xa0000000, 0xb0000000 and 0xc0000000, no HIGHMEM:
    the bank at 0xa0000000 is removed, the one at 0xb0000000 slides into its slot and is
    never looked at, the one at 0xc0000000 is removed. v4.9 keeps 0xb0000000 in memblock
    (above the lowmem limit, so the zones never see it)."""
    b = banks_board(dt, [(0x60000000, 512 * SZ_1M), (0xA0000000, 16 * SZ_1M),
                         (0xB0000000, 16 * SZ_1M), (0xC0000000, 16 * SZ_1M)])
    m = dt.boot(b, until=None, config=["CONFIG_HIGHMEM=n"])
    notices = [l for l in m.dmesg() if l.startswith(("Ignoring RAM", "Truncating", "Consider"))]
    assert notices == ["Ignoring RAM at 0xa0000000-0xa1000000 (!CONFIG_HIGHMEM)",
                       "Ignoring RAM at 0xc0000000-0xc1000000 (!CONFIG_HIGHMEM)",
                       "Consider using a HIGHMEM enabled kernel."]
    assert memory_regions(m) == [(0x60000000, 512 * SZ_1M), (0xB0000000, 16 * SZ_1M)]


def test_a_bank_at_the_top_of_the_address_space(dt):
    """memblock_add() caps a bank that would end at 4 GiB one byte short (memblock_cap_size),
    so block_end, a phys_addr_t, is 0xffffffff and does not wrap."""
    b = banks_board(dt, [(0x60000000, 256 * SZ_1M), (0xFF000000, 16 * SZ_1M)])
    m = dt.boot(b, config=["CONFIG_HIGHMEM=n"])
    assert "Ignoring RAM at 0xff000000-0xffffffff (!CONFIG_HIGHMEM)" in m.dmesg()
    assert memory_regions(m) == [(0x60000000, 256 * SZ_1M)]


def test_truncating_a_bank_keeps_its_low_part(dt):
    """One 1 GiB bank at 0x60000000 without HIGHMEM: cut at the vmalloc limit, 240 MiB of
    vmalloc and its 8 MiB gap below 0xff800000 mapped back to RAM: 0x90000000."""
    b = banks_board(dt, [(0x60000000, 1024 * SZ_1M)])
    m = dt.boot(b, config=["CONFIG_HIGHMEM=n"])
    assert "Truncating RAM at 0x60000000-0xa0000000 to -0x90000000" in m.dmesg()
    assert memory_regions(m) == [(0x60000000, 0x30000000)]
    with m:
        from cmaport.arch.arm.mm.mmu import mmu_c
        from cmaport.mm.memblock import memblock

        assert mmu_c.get().arm_lowmem_limit == 0x90000000
        assert memblock().current_limit == 0x90000000


# -- build_mem_type_table -------------------------------------------------------------------

def policy_lines(m):
    return [l for l in m.dmesg() if ("policy" in l or "Forcing" in l or "deprecated" in l)
            and not l.startswith("Kernel command line")]


def test_a_one_core_cortex_a9_boots_up_with_writeback():
    """The built-in board has one core: __fixup_smp() finds a uniprocessor (the SCU counts
    one CPU), so the UP section flags (PMD_SECT_WB, not shared) set the policy."""
    m = Machine().boot()
    lines = m.dmesg()
    assert policy_lines(m) == ["Memory policy: Data cache writeback"]
    # v4.9 prints it from paging_init: after the reserved-memory and cma: lines, before the
    # zones are built
    at = lines.index("Memory policy: Data cache writeback")
    assert lines.index("OF: reserved mem: initialized node vram@4c000000, compatible id "
                       "shared-dma-pool") < at
    assert max(i for i, l in enumerate(lines) if l.startswith(("cma: ", "MEMBLOCK", " reserved"))) < at
    assert at < next(i for i, l in enumerate(lines) if l.startswith("On node 0 totalpages"))
    with m:
        from cmaport.arch.arm.kernel.setup import setup_c
        from cmaport.arch.arm.mm.mmu import is_smp, mmu_c

        assert setup_c.get().smp_on_up == 0 and not is_smp()
        assert mmu_c.get().initial_pmd_value & (1 << 16) == 0


@pytest.mark.parametrize("board", [lambda: default_board(ncpus=4), lambda: virt_board()],
                         ids=["vexpress-a9x4", "virt-a15"])
def test_smp_systems_use_writealloc(board):
    m = Machine(board=board()).boot()
    assert policy_lines(m) == ["Memory policy: Data cache writealloc"]


def test_ecc_and_the_refused_cache_policies():
    m = Machine(cmdline="ecc=on cachepolicy=writealloc nocache nowb cachepolicy=bogus").boot()
    assert policy_lines(m) == [
        "Only cachepolicy=writeback supported on ARMv6 and later",
        "nocache is deprecated; use cachepolicy=buffered",
        "Only cachepolicy=writeback supported on ARMv6 and later",
        "nowb is deprecated; use cachepolicy=uncached",
        "Only cachepolicy=writeback supported on ARMv6 and later",
        "ERROR: unknown or unsupported cache policy",
        "Only cachepolicy=writeback supported on ARMv6 and later",
        "Memory policy: ECC enabled, Data cache writeback",
    ]
    m = Machine(cmdline="ecc=on ecc=off cachepolicy=writeback").boot()
    assert policy_lines(m) == ["Memory policy: Data cache writeback"]


def test_smp_forces_write_allocate_and_shared_mappings():
    """An SMP system whose boot code set up another policy: both rules fire."""
    from cmaport.arch.arm.kernel.setup import setup_c
    from cmaport.arch.arm.mm.mmu import (CPOLICY_WRITEALLOC, CPOLICY_WRITEBACK,
                                         build_mem_type_table, mmu_c)

    m = Machine()
    with m:
        setup_c.get().smp_on_up = 1
        s = mmu_c.get()
        s.cachepolicy, s.initial_pmd_value = CPOLICY_WRITEBACK, 0x0C
        build_mem_type_table()
        assert (s.cachepolicy, s.initial_pmd_value) == (CPOLICY_WRITEALLOC, 0x0C | (1 << 16))
    assert m.dmesg() == ["Forcing write-allocate cache policy for SMP",
                         "Forcing shared mappings for SMP",
                         "Memory policy: Data cache writealloc"]


def oracle_policies():
    out = {}
    for line in (DATA / "memory-policy.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, text = line.split(": ", 1)
            out[name] = text
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(oracle_policies()))
def test_memory_policy_line_matches_the_oracle(oracle, name):
    """The text is the same in v4.9 and 6.1 (only its place in the log differs, §15.1)."""
    m = oracle.machine(name)
    try:
        m.boot()
    except (KernelBug, KernelPanic):
        assert name == "virt-dt-errors"  # §15.2: after paging_init printed the policy
    assert policy_lines(m) == [oracle_policies()[name]]
