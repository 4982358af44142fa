# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/cma.h: the CMA interface (``struct cma`` itself is private to mm/cma.c).

``MAX_CMA_AREAS`` is one global area plus ``CONFIG_CMA_AREAS`` optional ones (0 without
CMA). The functions are in mm/cma.py; they are re-exported here as the header declares
them: ``cma_get_base``, ``cma_get_size``, ``cma_declare_contiguous`` (seven arguments, no
name in v4.9), ``cma_init_reserved_mem``, ``cma_alloc``, ``cma_release``.
"""


def MAX_CMA_AREAS():
    """include/linux/cma.h: MAX_CMA_AREAS — ``1 + CONFIG_CMA_AREAS``, or 0 without CMA."""
    from cmaport.kernel.machine import this_machine

    return this_machine().config.MAX_CMA_AREAS


def __getattr__(name):
    # The declarations of the header, resolved lazily (mm/cma.c includes this header).
    if name in ("totalcma_pages",):
        from cmaport.mm import page_alloc

        return getattr(page_alloc, name)
    if name in ("cma_get_base", "cma_get_size", "cma_declare_contiguous", "cma_init_reserved_mem",
                "cma_alloc", "cma_release"):
        from cmaport.mm import cma

        return getattr(cma, name)
    raise AttributeError(name)
