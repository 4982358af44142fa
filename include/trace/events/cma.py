# SPDX-License-Identifier: GPL-2.0-only
"""include/trace/events/cma.h: the ``cma`` trace events of v4.9.

Two events, system ``cma``: ``cma_alloc`` at the end of every cma_alloc() that got past
its early checks (on failure ``pfn`` is the last pfn tried, or ``-1`` as
``ffffffff``, and ``page`` is NULL: ``  (null)``), and ``cma_release`` for every
successful cma_release(). ``page`` is a ``struct page *``, printed with ``%p`` (unhashed
in v4.9): the address of the page's ``struct page`` in mem_map. The tracepoint
functions take the ``struct page *`` (a mem_map index, ``None`` for NULL) and store that
address, as ``TP_fast_assign`` stores the pointer.

(Later kernels replaced these by ``cma_alloc_start``/``cma_alloc_finish``/
``cma_alloc_busy_retry`` with an area name; v4.9 has only these two.)
"""

from cmaport.kernel.trace.trace_events import TRACE_EVENT, trace_event_enabled

TRACE_SYSTEM = "cma"

_trace_cma_alloc = TRACE_EVENT(TRACE_SYSTEM, "cma_alloc", "pfn=%lx page=%p count=%u align=%u")
_trace_cma_release = TRACE_EVENT(TRACE_SYSTEM, "cma_release", "pfn=%lx page=%p count=%u")


def _page_ptr(page):
    """Model-only: the value of a ``const struct page *`` (its mem_map entry's address)."""
    from cmaport.mm.debug import struct_page_address

    return None if page is None else struct_page_address(page)


def trace_cma_alloc(pfn, page, count, align):
    """include/trace/events/cma.h: trace_cma_alloc() — (pfn, page, count, align)."""
    if not trace_event_enabled(_trace_cma_alloc.event_call):
        return
    _trace_cma_alloc(pfn & 0xFFFFFFFF, _page_ptr(page), count & 0xFFFFFFFF, align & 0xFFFFFFFF)


def trace_cma_release(pfn, page, count):
    """include/trace/events/cma.h: trace_cma_release() — (pfn, page, count)."""
    if not trace_event_enabled(_trace_cma_release.event_call):
        return
    _trace_cma_release(pfn & 0xFFFFFFFF, _page_ptr(page), count & 0xFFFFFFFF)
