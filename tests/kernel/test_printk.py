# SPDX-License-Identifier: GPL-2.0-only
"""kernel/printk/printk.c: levels, continuation lines, pr_fmt, pr_debug and dmesg output."""

from cmaport.kernel.machine import Machine, NoMachineError
from cmaport.kernel.printk import KERN_CONT, KERN_DEBUG, KERN_INFO, pr_helpers, printk

import pytest


def test_levels_and_default_level():
    m = Machine()
    with m:
        printk(KERN_INFO + "info line\n")
        printk("no level\n")
        printk(KERN_DEBUG + "debug line\n")
    assert [(r.level, r.text) for r in m.log.records] == [
        (6, "info line"), (4, "no level"), (7, "debug line")]
    assert m.dmesg(levels={6}) == ["info line"]


def test_pr_cont_joins_and_a_new_printk_closes_the_line():
    # arch/arm/mm/mmu.c prints "Truncating RAM at ..." + pr_cont(" to -%pa") with no
    # newline; the next pr_notice starts a new record.
    pr = pr_helpers("")
    m = Machine()
    with m:
        pr.notice("Truncating RAM at %pa-%pa", 0x60000000, 0xA0000000)
        pr.cont(" to -%pa", 0x90000000)
        pr.notice("Consider using a HIGHMEM enabled kernel.\n")
        printk(KERN_CONT + " orphan continuation\n")
    assert m.dmesg() == [
        "Truncating RAM at 0x60000000-0xa0000000 to -0x90000000",
        "Consider using a HIGHMEM enabled kernel.",
        " orphan continuation",
    ]


def test_level_headers_as_vprintk_emit_strips_them():
    m = Machine()
    with m:
        printk(KERN_INFO + "a\n")
        printk(KERN_CONT + "\n")  # an empty continuation with no open line: nothing stored
        printk(KERN_INFO + KERN_CONT + "b\n")  # every header is stripped, the level kept
        printk(KERN_DEBUG + KERN_INFO + "c\n")  # the first level wins
        printk("\001zd\n")  # not a level header: stays in the text, default level
        printk(KERN_INFO)  # an empty fragment opens no line ...
        printk(KERN_CONT + "e\n")  # ... so this continuation is a record of its own
    assert [(r.level, r.text) for r in m.log.records] == [
        (6, "a"), (6, "b"), (7, "c"), (4, "\001zd"), (4, "e")]


def test_pr_fmt_applies_once_per_call_and_each_line_gets_the_timestamp():
    pr = pr_helpers("OF: reserved mem: ")
    m = Machine()
    with m:
        pr.err("OVERLAP DETECTED!\n%s (%pa--%pa) overlaps with %s (%pa--%pa)\n",
               "ovl1@4a000000", 0x4A000000, 0x4A200000, "ovl2@4a100000", 0x4A100000, 0x4A300000)
    assert m.dmesg() == [
        "OF: reserved mem: OVERLAP DETECTED!",
        "ovl1@4a000000 (0x4a000000--0x4a200000) overlaps with ovl2@4a100000 (0x4a100000--0x4a300000)",
    ]
    assert m.dmesg(timestamps=True)[1].startswith("[    0.000000] ovl1@")


def test_pr_debug_follows_the_files_debug_symbol():
    pr = pr_helpers("cma: ", debug="CONFIG_CMA_DEBUG")
    m = Machine()
    with m:
        pr.debug("early_cma(%s)\n", "64M")
        m.config.set("CONFIG_CMA_DEBUG", True)
        pr.debug("early_cma(%s)\n", "32M")
    assert m.dmesg() == ["cma: early_cma(32M)"]


def test_two_machines_keep_separate_logs():
    a, b = Machine(), Machine()
    with a:
        printk("in a\n")
        with b:
            printk("in b\n")
        printk("a again\n")
    assert a.dmesg() == ["in a", "a again"]
    assert b.dmesg() == ["in b"]


def test_ported_code_needs_a_running_machine():
    with pytest.raises(NoMachineError):
        printk("nobody listens\n")
