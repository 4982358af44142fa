# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/scatterlist.h (+ lib/scatterlist.c): scatter-gather tables, minimally.

Model: a table is a Python list of entries; there is no chaining (a chain entry is only
needed past one page of entries) and no ``page_link`` bit tricks: ``page`` is the
``struct page *`` (a mem_map index).
"""

import attrs


@attrs.define(slots=True, eq=False)
class scatterlist:
    """include/linux/scatterlist.h: struct scatterlist."""

    page: object = None
    offset: int = 0
    length: int = 0
    dma_address: int = 0
    dma_length: int = 0


@attrs.define(slots=True, eq=False)
class sg_table:
    """include/linux/scatterlist.h: struct sg_table."""

    sgl: list = None
    nents: int = 0
    orig_nents: int = 0


def sg_alloc_table(table, nents, gfp_mask):
    """lib/scatterlist.c: sg_alloc_table() — ``nents`` empty entries. Returns 0."""
    table.sgl = [scatterlist() for _ in range(nents)]
    table.nents = table.orig_nents = nents
    return 0


def sg_free_table(table):
    """lib/scatterlist.c: sg_free_table()."""
    table.sgl = None
    table.nents = table.orig_nents = 0


def sg_set_page(sg, page, length, offset):
    """include/linux/scatterlist.h: sg_set_page() — point an entry at part of a page run."""
    sg.page = page
    sg.offset = offset
    sg.length = length
