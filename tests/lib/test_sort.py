# SPDX-License-Identifier: GPL-2.0-only
"""lib/sort.c: sort() — the v4.9 heapsort and the order it gives equal keys.

The equal-key orders come from shared/reference/v4.9-vs-v6.1.md §7.2 (d = dynamic
reserved-memory region, base 0; S = static region; indices in device-tree order).
"""

import hypothesis.strategies as st
from hypothesis import given

from cmaport.lib.sort import sort


def by_key(a, b):
    return (a[0] > b[0]) - (a[0] < b[0])


def regions(spec):
    """A saved reserved-memory table: 'd' entries at base 0, 'S' entries at rising bases."""
    out, nd, ns = [], 0, 0
    for ch in spec.split():
        if ch == "d":
            out.append((0, f"d{nd}"))
            nd += 1
        else:
            out.append((0x48000000 + 0x100000 * ns, f"S{ns}"))
            ns += 1
    return out


def heapsorted_names(spec):
    arr = regions(spec)
    sort(arr, len(arr), 28, by_key)
    return [name for _, name in arr]


def test_only_dynamic_regions_come_out_first_dt_entry_last():
    for n in range(2, 12):
        assert heapsorted_names(" ".join("d" * n)) == [f"d{i}" for i in range(1, n)] + ["d0"]


def test_mixed_closed_forms():
    assert heapsorted_names("S d d d") == ["d0", "d1", "d2", "S0"]
    assert heapsorted_names("d d S d") == ["d1", "d0", "d2", "S0"]
    assert heapsorted_names("d d d S") == ["d0", "d2", "d1", "S0"]
    assert heapsorted_names("S S d d") == ["d1", "d0", "S0", "S1"]


def test_dts_examples_from_the_reference():
    # virt-cma-pools.dts: linux,cma, fw (static), dyn-dma, multimedia
    table = [(0, "linux,cma"), (0x4F000000, "fw"), (0, "dyn-dma"), (0, "multimedia")]
    sort(table, len(table), 28, by_key)
    assert [n for _, n in table] == ["linux,cma", "dyn-dma", "multimedia", "fw"]

    # virt-errors.dts (the disabled node is never saved)
    table = [(0x49100000, "cma-unaligned"), (0, "dma-mapped"), (0, "cma-nomap"),
             (0x80000000, "outside"), (0x4A000000, "ovl1"), (0x4A100000, "ovl2"),
             (0, "huge"), (0, "badalign")]
    sort(table, len(table), 28, by_key)
    assert [n for _, n in table] == ["cma-nomap", "badalign", "dma-mapped", "huge",
                                     "cma-unaligned", "ovl1", "ovl2", "outside"]

    # vexpress-a9-cma.dts: vram (static), linux,cma
    table = [(0x18000000, "vram"), (0, "linux,cma")]
    sort(table, len(table), 28, by_key)
    assert [n for _, n in table] == ["linux,cma", "vram"]


def test_not_stable():
    arr = [(1, "a"), (1, "b"), (1, "c")]
    sort(arr, 3, 8, by_key)
    assert [n for _, n in arr] == ["b", "c", "a"]


def test_num_limits_the_sorted_prefix_and_small_counts_do_nothing():
    arr = [3, 2, 1, 0]
    calls = []

    def cmp(a, b):
        calls.append((a, b))
        return a - b

    sort(arr, 0, 4, cmp)
    sort(arr, 1, 4, cmp)
    assert arr == [3, 2, 1, 0] and calls == []
    sort(arr, 3, 4, cmp)
    assert arr == [1, 2, 3, 0]


def test_custom_swap_func_gets_base_indices_and_size():
    seen = []

    def swap(base, i, j, size):
        seen.append(size)
        base[i], base[j] = base[j], base[i]

    arr = [5, 4, 3, 2, 1]
    sort(arr, 5, 12, lambda a, b: a - b, swap)
    assert arr == [1, 2, 3, 4, 5]
    assert seen and set(seen) == {12}


def c_sort_byte_offsets(arr, size, cmp):
    """An independent transcription with the C's pre-scaled byte counters."""
    num = len(arr)
    i = ((num // 2 - 1) * size) if num >= 2 else -size
    n = num * size

    def at(off):
        return arr[off // size]

    def swap(a, b):
        arr[a // size], arr[b // size] = arr[b // size], arr[a // size]

    while i >= 0:
        r = i
        while r * 2 + size < n:
            c = r * 2 + size
            if c < n - size and cmp(at(c), at(c + size)) < 0:
                c += size
            if cmp(at(r), at(c)) >= 0:
                break
            swap(r, c)
            r = c
        i -= size
    i = n - size
    while i > 0:
        swap(0, i)
        r = 0
        while r * 2 + size < i:
            c = r * 2 + size
            if c < i - size and cmp(at(c), at(c + size)) < 0:
                c += size
            if cmp(at(r), at(c)) >= 0:
                break
            swap(r, c)
            r = c
        i -= size


keys = st.lists(st.integers(min_value=0, max_value=4), max_size=40)


@given(keys)
def test_sorted_permutation_and_same_order_as_the_byte_offset_loop(ks):
    tagged = [(k, i) for i, k in enumerate(ks)]
    arr = list(tagged)
    sort(arr, len(arr), 28, by_key)
    assert [k for k, _ in arr] == sorted(ks)
    assert sorted(arr) == sorted(tagged)  # a permutation: every element once

    ref = list(tagged)
    c_sort_byte_offsets(ref, 28, by_key)
    assert arr == ref  # equal keys land exactly where the C loop puts them
