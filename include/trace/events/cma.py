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

from cmaport.kernel.trace.trace_events import TRACE_EVENT

TRACE_SYSTEM = "cma"

_U32 = 0xFFFFFFFF


def _page_ptr(page):
    """Model-only: the value of a ``const struct page *`` (its mem_map entry's address)."""
    from cmaport.mm.debug import struct_page_address

    return None if page is None else struct_page_address(page)


def _cma_alloc_assign(pfn, page, count, align):
    """include/trace/events/cma.h: cma_alloc's TP_fast_assign — pfn, page, count, align."""
    return (pfn & _U32, _page_ptr(page), count & _U32, align & _U32)


def _cma_release_assign(pfn, page, count):
    """include/trace/events/cma.h: cma_release's TP_fast_assign — pfn, page, count."""
    return (pfn & _U32, _page_ptr(page), count & _U32)


# trace_cma_alloc(pfn, page, count, align) and trace_cma_release(pfn, page, count)
trace_cma_alloc = TRACE_EVENT(TRACE_SYSTEM, "cma_alloc", "pfn=%lx page=%p count=%u align=%u",
                              assign=_cma_alloc_assign)
trace_cma_release = TRACE_EVENT(TRACE_SYSTEM, "cma_release", "pfn=%lx page=%p count=%u",
                                assign=_cma_release_assign)
