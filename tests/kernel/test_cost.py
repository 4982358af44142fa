# SPDX-License-Identifier: GPL-2.0-only
"""kernel/cost.py: counters and the simulated clock advance per machine."""

import pytest

from cmaport.kernel.cost import account, delta, set_costs, snapshot
from cmaport.kernel.machine import Machine


def test_account_advances_the_clock_and_counts():
    m = Machine()
    with m:
        before = snapshot()
        account("pages_copied", 3)
        account("tlb_flushes")
        d = delta(before)
    assert d["pages_copied"] == 3 and d["tlb_flushes"] == 1
    assert d["time_ns"] == 3 * 4000 + 500 == m.clock_ns


def test_costs_are_per_machine_and_checked():
    a, b = Machine(), Machine()
    with a:
        set_costs(pages_copied=1000)
        account("pages_copied")
    with b:
        account("pages_copied")
        with pytest.raises(KeyError):
            set_costs(coffee=1)
    assert (a.clock_ns, b.clock_ns) == (1000, 4000)
