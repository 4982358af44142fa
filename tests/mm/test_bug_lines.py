# SPDX-License-Identifier: GPL-2.0-only
"""WARN and BUG reports name v4.9's file and line: a static inline reports the header it is
written in (mm/internal.h for set_page_refcounted), not the file that calls it."""

import types

import pytest

from cmaport.include.linux.gfp import GFP_KERNEL, alloc_pages
from cmaport.include.linux.mm import set_page_refcounted
from cmaport.include.linux.mmzone import NODE_DATA
from cmaport.include.linux.page_flags import clear_compound_head, set_compound_head
from cmaport.kernel.errors import KernelBug
from cmaport.mm.page_alloc import __free_pages


@pytest.fixture
def m_debug(mm_factory):
    machine = mm_factory(settings=("CONFIG_DEBUG_VM=y",))
    with machine:
        yield machine


def last_bug(machine):
    return [line for line in machine.dmesg() if line.startswith("kernel BUG at")][-1]


def test_set_page_refcounted_reports_mm_internal_h(m_debug):
    page = alloc_pages(GFP_KERNEL, 1)
    with pytest.raises(KernelBug) as e:
        set_page_refcounted(page)  # _refcount is 1 already
    assert last_bug(m_debug) == "kernel BUG at mm/internal.h:70!"
    assert e.value.function == "set_page_refcounted"
    set_compound_head(page + 1, page)
    with pytest.raises(KernelBug):
        set_page_refcounted(page + 1)
    assert last_bug(m_debug) == "kernel BUG at mm/internal.h:69!"
    clear_compound_head(page + 1)
    __free_pages(page, 1)


def test_is_zone_first_populated_warns_at_line_1354(mm_factory):
    from cmaport.mm.vmstat import is_zone_first_populated

    m = mm_factory()
    with m:
        zone = NODE_DATA(0).node_zones[0]
        empty = types.SimpleNamespace(node_zones=[types.SimpleNamespace(present_pages=0)])
        assert is_zone_first_populated(empty, zone) is False
    w = m.warnings[-1]
    assert (w.file, w.line, w.function) == ("mm/vmstat.c", 1354, "is_zone_first_populated")
