# SPDX-License-Identifier: GPL-2.0-only
"""lib/sort.c: sort() — the kernel's in-place heapsort of v4.9 (not stable).

v4.9 has the classic top-down heapsort: build a max-heap by sifting down every inner
element from the last one to the root, then repeatedly swap the root with the last
element of the unsorted part and sift the new root down. A child is preferred over its
sibling only when the left one compares strictly smaller, and sifting stops as soon as
the parent is not smaller than the chosen child. Equal keys therefore come out in an
order fixed by the algorithm, not by their input order; callers that sort records with
equal keys (drivers/of/of_reserved_mem.c sorts the dynamic regions, all at base 0) get
exactly the order reproduced here. (v5.1 replaced this with a bottom-up heapsort that
places elements identically; see shared/reference/v4.9-vs-v6.1.md §7.2.)

Model: C sorts a byte array of ``num`` elements of ``size`` bytes and hands pointers to
the callbacks. The port sorts the first ``num`` elements of a Python list in place:

* ``cmp_func(a, b)`` receives the two elements themselves and returns <0, 0 or >0;
* ``swap_func(base, i, j, size)`` receives the list and the two element indices (C:
  two element pointers and the size); ``None`` swaps the two list slots, which is what
  the C default swaps (u32_swap, u64_swap, generic_swap) amount to.

``size`` is kept for the C signature and handed to ``swap_func``; the loop counters
count elements where C pre-scales them by ``size``.
"""


def generic_swap(base, i, j, size):
    """lib/sort.c: generic_swap() — exchange two elements (the port swaps the list slots)."""
    base[i], base[j] = base[j], base[i]


def sort(base, num, size, cmp_func, swap_func=None):
    """lib/sort.c: sort() — heapsort the first ``num`` elements of ``base`` in place.

    :param base: the array (a Python list)
    :param num: number of elements to sort
    :param size: element size in bytes (only passed on to ``swap_func``)
    :param cmp_func: ``cmp_func(a, b)`` → negative, 0 or positive
    :param swap_func: ``swap_func(base, i, j, size)``, or ``None`` for the default swap
    """
    # C: (num/2 - 1) in size_t wraps for num < 2 and becomes negative as an int, so
    # neither loop runs; Python's floor division gives -1 for those, the same effect.
    i = num // 2 - 1
    n = num

    if swap_func is None:
        # Model: u32_swap/u64_swap are only faster forms of generic_swap.
        swap_func = generic_swap

    # build the heap
    while i >= 0:
        r = i
        while r * 2 + 1 < n:
            c = r * 2 + 1
            if c < n - 1 and cmp_func(base[c], base[c + 1]) < 0:
                c += 1
            if cmp_func(base[r], base[c]) >= 0:
                break
            swap_func(base, r, c, size)
            r = c
        i -= 1

    # take the maximum off the heap, one element at a time
    i = n - 1
    while i > 0:
        swap_func(base, 0, i, size)
        r = 0
        while r * 2 + 1 < i:
            c = r * 2 + 1
            if c < i - 1 and cmp_func(base[c], base[c + 1]) < 0:
                c += 1
            if cmp_func(base[r], base[c]) >= 0:
                break
            swap_func(base, r, c, size)
            r = c
        i -= 1
