# SPDX-License-Identifier: GPL-2.0-only
"""mm/swap_state.c: releasing gathered pages (the model has no swap device, so no swap cache)."""


def free_swap_cache(page):
    """mm/swap_state.c: free_swap_cache() — nothing: no page is ever in the swap cache."""


def free_page_and_swap_cache(page):
    """mm/swap_state.c: free_page_and_swap_cache()."""
    from cmaport.include.linux.mm import put_page

    free_swap_cache(page)
    put_page(page)


def free_pages_and_swap_cache(pages, nr):
    """mm/swap_state.c: free_pages_and_swap_cache() — drain this CPU's LRU pagevecs, then
    release_pages()."""
    from cmaport.mm.swap import lru_add_drain, release_pages

    lru_add_drain()
    for i in range(nr):
        free_swap_cache(pages[i])
    release_pages(pages, nr, False)
