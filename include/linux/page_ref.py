# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/page_ref.h: ``page->_refcount`` accessors.

``_refcount`` is an ``atomic_t`` (32-bit signed). The page_ref tracepoints are not
modelled. Model: one CPU, so the atomic operations are plain read-modify-writes.
"""

from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import compound_head
from cmaport.kernel.machine import _running


def _rc():
    """Model-only: the running machine's ``_refcount`` array."""
    return _running.get()._statics[struct_page_arrays]._refcount


def page_ref_count(page):
    """include/linux/page_ref.h: page_ref_count() — the raw ``_refcount``."""
    return _running.get()._statics[struct_page_arrays]._refcount[page]


def page_count(page):
    """include/linux/page_ref.h: page_count() — ``_refcount`` of the compound head."""
    return _rc()[compound_head(page)]


def set_page_count(page, v):
    """include/linux/page_ref.h: set_page_count()."""
    _running.get()._statics[struct_page_arrays]._refcount[page] = v


def init_page_count(page):
    """include/linux/page_ref.h: init_page_count() — 1, before the first free."""
    _running.get()._statics[struct_page_arrays]._refcount[page] = 1


def page_ref_add(page, nr):
    """include/linux/page_ref.h: page_ref_add()."""
    _rc()[page] += nr


def page_ref_sub(page, nr):
    """include/linux/page_ref.h: page_ref_sub()."""
    _rc()[page] -= nr


def page_ref_inc(page):
    """include/linux/page_ref.h: page_ref_inc()."""
    _rc()[page] += 1


def page_ref_dec(page):
    """include/linux/page_ref.h: page_ref_dec()."""
    _rc()[page] -= 1


def page_ref_sub_and_test(page, nr):
    """include/linux/page_ref.h: page_ref_sub_and_test() — subtract; true if it reached 0."""
    rc = _rc()
    rc[page] -= nr
    return rc[page] == 0


def page_ref_inc_return(page):
    """include/linux/page_ref.h: page_ref_inc_return()."""
    rc = _rc()
    rc[page] += 1
    return rc[page]


def page_ref_dec_and_test(page):
    """include/linux/page_ref.h: page_ref_dec_and_test() — decrement; true if it reached 0."""
    rc = _running.get()._statics[struct_page_arrays]._refcount
    v = rc[page] - 1
    rc[page] = v
    return v == 0


def page_ref_dec_return(page):
    """include/linux/page_ref.h: page_ref_dec_return()."""
    rc = _rc()
    rc[page] -= 1
    return rc[page]


def page_ref_add_unless(page, nr, u):
    """include/linux/page_ref.h: page_ref_add_unless() — add unless the count is ``u``."""
    rc = _rc()
    if rc[page] == u:
        return 0
    rc[page] += nr
    return 1


def page_ref_freeze(page, count):
    """include/linux/page_ref.h: page_ref_freeze() — cmpxchg ``count`` -> 0."""
    rc = _rc()
    if rc[page] == count:
        rc[page] = 0
        return 1
    return 0


def page_ref_unfreeze(page, count):
    """include/linux/page_ref.h: page_ref_unfreeze() — set the count again after a freeze.

    The VM_BUG_ONs belong to CONFIG_DEBUG_VM (checked by the caller's configuration).
    """
    _rc()[page] = count
