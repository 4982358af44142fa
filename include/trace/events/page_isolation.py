# SPDX-License-Identifier: GPL-2.0-only
"""include/trace/events/page_isolation.h: the ``page_isolation`` trace event of v4.9.

One event, ``test_pages_isolated``, at the end of every test_pages_isolated() that got
as far as looking at the pages: the range and the first pfn that was not free
(``fin_pfn``, ``end_pfn`` or beyond when all were). ``TP_printk`` computes ``ret`` from
the fields: ``success`` when ``end_pfn <= fin_pfn``, else ``fail``.
"""

from cmaport.kernel.trace.trace_events import TRACE_EVENT, trace_event_enabled

TRACE_SYSTEM = "page_isolation"

_trace_test_pages_isolated = TRACE_EVENT(
    TRACE_SYSTEM, "test_pages_isolated",
    "start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx ret=%s")


def trace_test_pages_isolated(start_pfn, end_pfn, fin_pfn):
    """include/trace/events/page_isolation.h: trace_test_pages_isolated() — (start_pfn, end_pfn, fin_pfn)."""
    if not trace_event_enabled(_trace_test_pages_isolated.event_call):
        return
    start_pfn &= 0xFFFFFFFF
    end_pfn &= 0xFFFFFFFF
    fin_pfn &= 0xFFFFFFFF
    _trace_test_pages_isolated(start_pfn, end_pfn, fin_pfn,
                               "success" if end_pfn <= fin_pfn else "fail")
