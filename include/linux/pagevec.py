# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/pagevec.h: a small batch of pages (14 on 32-bit: the struct fits in 64
bytes)."""

PAGEVEC_SIZE = 14


class pagevec:
    """include/linux/pagevec.h: struct pagevec — ``nr``, ``cold`` and ``pages[]``."""

    __slots__ = ("nr", "cold", "pages")

    def __init__(self, cold=0):
        self.nr = 0
        self.cold = cold
        self.pages = [None] * PAGEVEC_SIZE

    def __repr__(self):
        return f"<pagevec {self.pages[:self.nr]}>"


def pagevec_init(pvec, cold):
    """include/linux/pagevec.h: pagevec_init()."""
    pvec.nr = 0
    pvec.cold = cold


def pagevec_reinit(pvec):
    """include/linux/pagevec.h: pagevec_reinit()."""
    pvec.nr = 0


def pagevec_count(pvec):
    """include/linux/pagevec.h: pagevec_count()."""
    return pvec.nr


def pagevec_space(pvec):
    """include/linux/pagevec.h: pagevec_space()."""
    return PAGEVEC_SIZE - pvec.nr


def pagevec_add(pvec, page):
    """include/linux/pagevec.h: pagevec_add() — add a page; return the space left (0: full)."""
    pvec.pages[pvec.nr] = page
    pvec.nr += 1
    return pagevec_space(pvec)


def pagevec_release(pvec):
    """include/linux/pagevec.h: pagevec_release()."""
    from cmaport.mm.swap import __pagevec_release

    if pagevec_count(pvec):
        __pagevec_release(pvec)
