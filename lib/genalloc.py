# SPDX-License-Identifier: GPL-2.0-only
"""lib/genalloc.c (+ include/linux/genalloc.h): the general-purpose special-memory allocator.

A pool hands out pieces of memory someone else owns (ARM's atomic DMA pool uses one over
256 KiB of pre-mapped coherent memory). Each chunk added to the pool has a bitmap with
one bit per ``2^min_alloc_order`` bytes; an allocation takes ``nbits`` clear bits found
by the pool's algorithm (first fit by default; ``gen_pool_first_fit_order_align`` aligns
each allocation to its own size rounded up to a power of two, in granules). Chunks are
kept newest first (``list_add_rcu`` at the head), and allocation walks them in that order.

Model: the lockless cmpxchg loops of ``set_bits_ll``/``clear_bits_ll`` are plain
read-modify-write (one CPU, no NMI); the RCU list is a Python list. kmalloc of the pool
and of a chunk does not fail here.
"""

import attrs

from cmaport.include.linux.errno import EBUSY
from cmaport.include.linux.log2 import roundup_pow_of_two
from cmaport.kernel.panic import BUG, BUG_ON
from cmaport.lib.bitmap import (BITMAP_FIRST_WORD_MASK, BITMAP_LAST_WORD_MASK, BITS_PER_LONG,
                                bitmap_alloc_zeroed, bitmap_find_next_zero_area, find_next_bit)

_U32 = 0xFFFFFFFF


@attrs.define(slots=True, eq=False)
class gen_pool_chunk:
    """include/linux/genalloc.h: struct gen_pool_chunk — one range of the pool.

    ``start_addr``/``end_addr`` are the first and last byte (inclusive), ``phys_addr``
    the physical address of the first byte, ``avail`` the free bytes, ``bits`` the
    allocation bitmap.
    """

    phys_addr: int = 0
    start_addr: int = 0
    end_addr: int = 0
    avail: int = 0
    bits: object = None


@attrs.define(slots=True, eq=False)
class gen_pool:
    """include/linux/genalloc.h: struct gen_pool — the pool.

    ``chunks`` newest first; ``algo(map, size, start, nr, data, pool)`` finds the bits.
    """

    min_alloc_order: int = 0
    chunks: list = attrs.Factory(list)
    algo: object = None
    data: object = None
    name: str = None
    # Model: spinlock_t lock — guards the chunk list on additions; one CPU.


def chunk_size(chunk):
    """lib/genalloc.c: chunk_size() — bytes in the chunk."""
    return chunk.end_addr - chunk.start_addr + 1


def set_bits_ll(addr, i, mask_to_set):
    """lib/genalloc.c: set_bits_ll() — set bits of one word unless one is already set.

    :return: 0, or ``-EBUSY`` (nothing changed)
    """
    val = addr[i]
    if val & mask_to_set:
        return -EBUSY
    addr[i] = val | mask_to_set
    return 0


def clear_bits_ll(addr, i, mask_to_clear):
    """lib/genalloc.c: clear_bits_ll() — clear bits of one word unless one is already clear.

    :return: 0, or ``-EBUSY`` (nothing changed)
    """
    val = addr[i]
    if (val & mask_to_clear) != mask_to_clear:
        return -EBUSY
    addr[i] = val & ~mask_to_clear & _U32
    return 0


def bitmap_set_ll(map_, start, nr):
    """lib/genalloc.c: bitmap_set_ll() — set ``nr`` bits from ``start`` word by word.

    :return: 0, or the number of bits left unset when a word already had one of its bits set
    """
    p = start // BITS_PER_LONG
    size = start + nr
    bits_to_set = BITS_PER_LONG - (start % BITS_PER_LONG)
    mask_to_set = BITMAP_FIRST_WORD_MASK(start)

    while nr - bits_to_set >= 0:
        if set_bits_ll(map_, p, mask_to_set):
            return nr
        nr -= bits_to_set
        bits_to_set = BITS_PER_LONG
        mask_to_set = _U32
        p += 1
    if nr:
        mask_to_set &= BITMAP_LAST_WORD_MASK(size)
        if set_bits_ll(map_, p, mask_to_set):
            return nr
    return 0


def bitmap_clear_ll(map_, start, nr):
    """lib/genalloc.c: bitmap_clear_ll() — clear ``nr`` bits from ``start`` word by word.

    :return: 0, or the number of bits left set when a word already had one of its bits clear
    """
    p = start // BITS_PER_LONG
    size = start + nr
    bits_to_clear = BITS_PER_LONG - (start % BITS_PER_LONG)
    mask_to_clear = BITMAP_FIRST_WORD_MASK(start)

    while nr - bits_to_clear >= 0:
        if clear_bits_ll(map_, p, mask_to_clear):
            return nr
        nr -= bits_to_clear
        bits_to_clear = BITS_PER_LONG
        mask_to_clear = _U32
        p += 1
    if nr:
        mask_to_clear &= BITMAP_LAST_WORD_MASK(size)
        if clear_bits_ll(map_, p, mask_to_clear):
            return nr
    return 0


def gen_pool_create(min_alloc_order, nid):
    """lib/genalloc.c: gen_pool_create() — an empty pool of ``2^min_alloc_order``-byte granules.

    :return: the pool (first-fit algorithm, no name)
    """
    return gen_pool(min_alloc_order=min_alloc_order, algo=gen_pool_first_fit)


def gen_pool_add_virt(pool, virt, phys, size, nid):
    """lib/genalloc.c: gen_pool_add_virt() — add memory at ``virt`` (physical ``phys``) to the pool.

    :return: 0 (the model's kzalloc of the chunk does not fail)
    """
    nbits = size >> pool.min_alloc_order
    chunk = gen_pool_chunk(phys_addr=phys & _U32, start_addr=virt, end_addr=virt + size - 1,
                           avail=size, bits=bitmap_alloc_zeroed(nbits))
    # Model: pool->lock — one CPU.
    pool.chunks.insert(0, chunk)  # list_add_rcu(): at the head
    return 0


def gen_pool_add(pool, addr, size, nid):
    """include/linux/genalloc.h: gen_pool_add() — memory without a physical address (phys -1)."""
    return gen_pool_add_virt(pool, addr, _U32, size, nid)


def gen_pool_virt_to_phys(pool, addr):
    """lib/genalloc.c: gen_pool_virt_to_phys() — the physical address behind ``addr``, or -1."""
    paddr = _U32  # (phys_addr_t)-1
    for chunk in pool.chunks:
        if chunk.start_addr <= addr <= chunk.end_addr:
            paddr = (chunk.phys_addr + (addr - chunk.start_addr)) & _U32
            break
    return paddr


def gen_pool_destroy(pool):
    """lib/genalloc.c: gen_pool_destroy() — free the pool; BUG if anything is still allocated."""
    order = pool.min_alloc_order
    for chunk in list(pool.chunks):
        pool.chunks.remove(chunk)
        end_bit = chunk_size(chunk) >> order
        bit = find_next_bit(chunk.bits, end_bit, 0)
        BUG_ON(bit < end_bit, "gen_pool_destroy: memory still allocated", line=252)
    # kfree_const(pool->name); kfree(pool)


def gen_pool_alloc(pool, size):
    """lib/genalloc.c: gen_pool_alloc() — ``size`` bytes with the pool's algorithm; 0 if none."""
    return gen_pool_alloc_algo(pool, size, pool.algo, pool.data)


def gen_pool_alloc_algo(pool, size, algo, data):
    """lib/genalloc.c: gen_pool_alloc_algo() — ``size`` bytes found by ``algo``.

    Chunks with fewer free bytes than ``size`` are skipped; the first chunk where the
    algorithm finds room wins.

    :return: the address, or 0
    """
    addr = 0
    order = pool.min_alloc_order

    if size == 0:
        return 0

    nbits = (size + (1 << order) - 1) >> order
    for chunk in pool.chunks:
        if size > chunk.avail:
            continue

        start_bit = 0
        end_bit = chunk_size(chunk) >> order
        while True:  # retry:
            start_bit = algo(chunk.bits, end_bit, start_bit, nbits, data, pool)
            if start_bit >= end_bit:
                break
            remain = bitmap_set_ll(chunk.bits, start_bit, nbits)
            if remain:
                # Model: only a concurrent allocation could get here; undo and retry.
                remain = bitmap_clear_ll(chunk.bits, start_bit, nbits - remain)
                BUG_ON(remain, "gen_pool_alloc_algo: bitmap_clear_ll failed", line=321)
                continue
            break
        if start_bit >= end_bit:
            continue

        addr = chunk.start_addr + (start_bit << order)
        size = nbits << order
        chunk.avail -= size
        break
    return addr


def gen_pool_dma_alloc(pool, size):
    """lib/genalloc.c: gen_pool_dma_alloc() — allocate and give the DMA (physical) address too.

    :return: ``(vaddr, dma)``; ``(None, None)`` when there is no pool or no room
    """
    if pool is None:
        return None, None
    vaddr = gen_pool_alloc(pool, size)
    if not vaddr:
        return None, None
    return vaddr, gen_pool_virt_to_phys(pool, vaddr)


def gen_pool_free(pool, addr, size):
    """lib/genalloc.c: gen_pool_free() — give back ``size`` bytes at ``addr``.

    BUG when the range runs past its chunk, when its bits were not all set, or when no
    chunk holds ``addr``.
    """
    order = pool.min_alloc_order
    nbits = (size + (1 << order) - 1) >> order
    for chunk in pool.chunks:
        if chunk.start_addr <= addr <= chunk.end_addr:
            BUG_ON(addr + size - 1 > chunk.end_addr, "gen_pool_free: past the chunk", line=388)
            start_bit = (addr - chunk.start_addr) >> order
            remain = bitmap_clear_ll(chunk.bits, start_bit, nbits)
            BUG_ON(remain, "gen_pool_free: bits were not set", line=391)
            size = nbits << order
            chunk.avail += size
            return
    BUG("gen_pool_free: address %#x is in no chunk" % addr, line=399)


def addr_in_gen_pool(pool, start, size):
    """lib/genalloc.c: addr_in_gen_pool() — does one chunk hold all of ``[start, start + size)``?"""
    end = start + size - 1
    for chunk in pool.chunks:
        if chunk.start_addr <= start <= chunk.end_addr:
            if end <= chunk.end_addr:
                return True
    return False


def gen_pool_avail(pool):
    """lib/genalloc.c: gen_pool_avail() — free bytes in all chunks."""
    return sum(chunk.avail for chunk in pool.chunks)


def gen_pool_size(pool):
    """lib/genalloc.c: gen_pool_size() — bytes in all chunks."""
    return sum(chunk_size(chunk) for chunk in pool.chunks)


def gen_pool_set_algo(pool, algo, data):
    """lib/genalloc.c: gen_pool_set_algo() — change the algorithm (NULL: first fit)."""
    pool.algo = algo if algo is not None else gen_pool_first_fit
    pool.data = data


def gen_pool_first_fit(map_, size, start, nr, data, pool):
    """lib/genalloc.c: gen_pool_first_fit() — the first ``nr`` clear bits."""
    return bitmap_find_next_zero_area(map_, size, start, nr, 0)


def gen_pool_first_fit_order_align(map_, size, start, nr, data, pool):
    """lib/genalloc.c: gen_pool_first_fit_order_align() — first fit aligned to ``nr``'s power of two.

    ``data`` is not used (ARM passes PAGE_SHIFT).
    """
    align_mask = roundup_pow_of_two(nr) - 1
    return bitmap_find_next_zero_area(map_, size, start, nr, align_mask)
