# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: what the model's memory-management work would cost on real hardware.

The kernel has no such counters; the CMA papers measure allocation latency, and the
model estimates it from the work it actually does. Ported code calls ``account(event,
n)`` at the places where a real kernel spends the time (a page copied by migration, a
page-table entry rewritten, a TLB flush, a pfn scanned by compaction, …). Each call adds
to the machine's counters and advances its simulated clock (``machine.clock_ns``, also
the printk timestamp) by ``n`` times the event's cost.

The default costs model a ~1 GHz Cortex-A9 with DDR2/DDR3 memory (copying a 4 KiB page
takes a few microseconds at the ~1 GB/s a memcpy gets there). They are estimates, not
measurements: experimenters who have numbers for their own SoC replace them with
``set_costs`` (per machine).

``snapshot()`` and ``delta(before)`` let a caller read what one operation cost::

    before = snapshot()
    page = cma_alloc(cma, 1024, 8)
    print(delta(before))   # {'pages_migrated': 12, 'ptes_updated': 12, ..., 'time_ns': 61200}
"""

from cmaport.kernel.machine import statics, this_machine

# event -> default cost in nanoseconds for one occurrence
DEFAULT_COSTS = {
    "pages_scanned": 20,        # compaction/isolation looks at one pfn
    "pages_isolated": 150,      # a page taken off the LRU or a free list
    "pages_migrated": 0,        # counted; its cost is in the copy/PTE/alloc events
    "pages_failed": 0,          # a page migration gave up on
    "retries": 0,               # a retry of migrate_pages / alloc_contig_range / cma_alloc
    "pages_copied": 4000,       # copy_highpage(): 4 KiB at ~1 GB/s
    "ptes_updated": 80,         # one page-table entry unmapped/remapped (incl. rmap walk step)
    "tlb_flushes": 500,         # one TLB maintenance operation (flush_tlb_page/range)
    "pages_allocated": 300,     # a target page for migration from the buddy allocator
    "pages_freed": 200,         # a page given back to the buddy allocator
    "drains": 2000,             # drain_all_pages / lru_add_drain_all (IPI round on one CPU)
}


@statics
class cost_state:
    """Model-only: this machine's counters and cost table."""

    counters: dict = None
    costs: dict = None


def _state():
    """Model-only: this machine's cost state, its counters and cost table filled on first use."""
    s = cost_state.get()
    if s.counters is None:
        s.counters = dict.fromkeys(DEFAULT_COSTS, 0)
        s.costs = dict(DEFAULT_COSTS)
    return s


def account(event, n=1):
    """Model-only: record ``n`` occurrences of ``event`` and advance the simulated clock."""
    s = _state()
    s.counters[event] += n
    cost = s.costs[event] * n
    if cost:
        this_machine().clock_ns += cost


def set_costs(**costs):
    """Model-only: replace some event costs (nanoseconds) on the running machine."""
    s = _state()
    for name, value in costs.items():
        if name not in s.costs:
            raise KeyError(f"unknown cost event {name!r}; one of {', '.join(sorted(s.costs))}")
        s.costs[name] = int(value)


def snapshot():
    """Model-only: the counters and the clock now, for a later ``delta``."""
    s = _state()
    snap = dict(s.counters)
    snap["time_ns"] = this_machine().clock_ns
    return snap


def delta(before):
    """Model-only: what happened since ``before`` (counters and simulated time)."""
    now = snapshot()
    return {k: now[k] - before.get(k, 0) for k in now}
