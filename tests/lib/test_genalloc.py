# SPDX-License-Identifier: GPL-2.0-only
"""lib/genalloc.c: the pool ARM's atomic DMA allocations come from."""

import pytest

from cmaport.kernel.errors import KernelBug
from cmaport.kernel.machine import Machine
from cmaport.lib.genalloc import (addr_in_gen_pool, gen_pool_add, gen_pool_add_virt, gen_pool_alloc,
                                  gen_pool_avail, gen_pool_create, gen_pool_destroy,
                                  gen_pool_dma_alloc, gen_pool_first_fit_order_align,
                                  gen_pool_free, gen_pool_set_algo, gen_pool_size,
                                  gen_pool_virt_to_phys, roundup_pow_of_two)

V = 0xFFE00000
P = 0x5F000000


def atomic_like():
    """The atomic pool's shape: 256 KiB in pages, order-aligned first fit."""
    pool = gen_pool_create(12, -1)
    assert gen_pool_add_virt(pool, V, P, 256 * 1024, -1) == 0
    gen_pool_set_algo(pool, gen_pool_first_fit_order_align, 12)
    return pool


def test_order_aligned_first_fit():
    pool = atomic_like()
    a = gen_pool_alloc(pool, 4096)
    b = gen_pool_alloc(pool, 3 * 4096)  # 3 pages, aligned to 4
    c = gen_pool_alloc(pool, 100)  # rounded up to a page
    assert (a - V, b - V, c - V) == (0, 4 * 4096, 4096)
    assert gen_pool_avail(pool) == 256 * 1024 - 5 * 4096
    assert gen_pool_virt_to_phys(pool, b + 5) == P + 4 * 4096 + 5
    assert gen_pool_virt_to_phys(pool, V - 1) == 0xFFFFFFFF
    gen_pool_free(pool, a, 4096)
    assert gen_pool_alloc(pool, 4096) == a
    assert gen_pool_alloc(pool, 0) == 0
    assert gen_pool_alloc(pool, 512 * 1024) == 0  # more than the chunk has


def test_first_fit_by_default_and_chunks_newest_first():
    pool = gen_pool_create(5, -1)
    gen_pool_add(pool, 0x1000, 256, -1)
    gen_pool_add(pool, 0x2000, 256, -1)
    assert gen_pool_size(pool) == 512
    # the newest chunk is searched first
    assert gen_pool_alloc(pool, 32) == 0x2000
    assert gen_pool_alloc(pool, 64) == 0x2020
    assert gen_pool_virt_to_phys(pool, 0x2000) == 0xFFFFFFFF  # added without a phys address
    assert gen_pool_alloc(pool, 200) == 0x1000  # does not fit the rest of the first chunk
    assert gen_pool_dma_alloc(None, 32) == (None, None)


def test_addr_in_gen_pool():
    pool = atomic_like()
    assert addr_in_gen_pool(pool, V, 256 * 1024)
    assert not addr_in_gen_pool(pool, V, 256 * 1024 + 1)
    assert not addr_in_gen_pool(pool, V - 4096, 4096)


def test_roundup_pow_of_two():
    assert [roundup_pow_of_two(n) for n in (1, 2, 3, 5, 64, 65)] == [1, 2, 4, 8, 64, 128]


def test_bad_free_and_destroy_are_bugs():
    with Machine():
        pool = atomic_like()
        a = gen_pool_alloc(pool, 4096)
        with pytest.raises(KernelBug):
            gen_pool_free(pool, V + 8192, 4096)  # its bits are clear
        with pytest.raises(KernelBug):
            gen_pool_free(pool, 0x1000, 4096)  # in no chunk
        with pytest.raises(KernelBug):
            gen_pool_destroy(pool)  # something is still allocated
        pool = atomic_like()
        gen_pool_free(pool, gen_pool_alloc(pool, 4096), 4096)
        gen_pool_destroy(pool)
        assert a


def test_roundup_pow_of_two_lives_in_log2():
    """include/linux/log2.h: 1UL << fls_long(n - 1) in 32-bit unsigned long; a shift of 32
    (n == 0 or n > 2^31) is ARM's register LSL: 0."""
    import cmaport.lib.genalloc as genalloc
    from cmaport.include.linux.log2 import (fls_long, is_power_of_2, roundup_pow_of_two,
                                            rounddown_pow_of_two)

    assert genalloc.roundup_pow_of_two is roundup_pow_of_two
    assert [roundup_pow_of_two(n) for n in (1, 2, 3, 4, 5, 64, 65, 1 << 31)] == [
        1, 2, 4, 4, 8, 64, 128, 1 << 31]
    assert roundup_pow_of_two((1 << 31) + 1) == 0 and roundup_pow_of_two(0) == 0
    assert [rounddown_pow_of_two(n) for n in (1, 3, 64, 65)] == [1, 2, 64, 64]
    assert (fls_long(0), fls_long(1), fls_long(0xFFFFFFFF), fls_long(-1)) == (0, 1, 32, 32)
    assert [is_power_of_2(n) for n in (0, 1, 6, 8)] == [False, True, False, True]
