# SPDX-License-Identifier: GPL-2.0-only
"""lib/bitmap.c (with include/linux/bitmap.h, lib/find_bit.c and the bitops headers).

The bitmap helpers the CMA stack needs, for a 32-bit ARM kernel.

Representation: a bitmap is an ``array('I')`` of 32-bit unsigned words, exactly
the ``unsigned long`` array the kernel allocates. Bit ``i`` lives in word
``i // 32`` at bit position ``i % 32`` (least significant bit first), so the
words are the kernel's words and can be printed as they are.

Like the kernel, the helpers neither know nor check the length of the array:
the caller passes the number of bits. The bits of the last word beyond ``nbits``
are "don't care" for the functions that take ``nbits``.
"""

from array import array

from cmaport.include.linux.errno import EBUSY, ENOMEM
from cmaport.include.linux.kernel import __ALIGN_MASK

# include/asm-generic/bitsperlong.h: unsigned long is 32 bits on this ARM.
BITS_PER_LONG = 32
BITS_PER_BYTE = 8
# ~0UL: every bit of one unsigned long.
_ULONG_MAX = 0xFFFFFFFF

# The array type code whose items are exactly one 32-bit unsigned long.
_TYPECODE = "I"
assert array(_TYPECODE).itemsize * BITS_PER_BYTE == BITS_PER_LONG, \
    "array('I') must hold 32-bit words for the bitmap model"


# ---------------------------------------------------------------------------
# include/linux/bitops.h, include/linux/kernel.h, include/linux/bitmap.h macros
# ---------------------------------------------------------------------------

def BIT_WORD(nr):
    """include/linux/bitops.h: BIT_WORD() — index of the word holding bit nr."""
    return nr // BITS_PER_LONG


def BIT_MASK(nr):
    """include/linux/bitops.h: BIT_MASK() — the mask of bit nr inside its word."""
    return 1 << (nr % BITS_PER_LONG)


def BITS_TO_LONGS(nr):
    """include/linux/bitops.h: BITS_TO_LONGS() — words needed for nr bits (rounded up)."""
    return (nr + BITS_PER_LONG - 1) // BITS_PER_LONG


def BITMAP_FIRST_WORD_MASK(start):
    """include/linux/bitmap.h: BITMAP_FIRST_WORD_MASK() — bits start%32..31 of a word."""
    # The shift would carry past bit 31 in Python; cut it back to one word.
    return (_ULONG_MAX << (start & (BITS_PER_LONG - 1))) & _ULONG_MAX


def BITMAP_LAST_WORD_MASK(nbits):
    """include/linux/bitmap.h: BITMAP_LAST_WORD_MASK() — the valid bits of the last word.

    Bits 0..(nbits-1)%32 of a word; all 32 bits when nbits is a multiple of 32
    (including 0).
    """
    return _ULONG_MAX >> (-nbits & (BITS_PER_LONG - 1))


def __ffs(word):
    """include/asm-generic/bitops/__ffs.h: __ffs() — index of the lowest set bit.

    Undefined for 0 in the kernel; callers test for 0 first.
    """
    # x & -x isolates the lowest set bit.
    return (word & -word).bit_length() - 1


def ffz(word):
    """include/asm-generic/bitops/ffz.h: ffz() — index of the lowest clear bit."""
    return __ffs(~word & _ULONG_MAX)


def hweight_long(word):
    """include/linux/bitops.h: hweight_long() — number of set bits in one word."""
    return word.bit_count()


# ---------------------------------------------------------------------------
# Model: allocation
# ---------------------------------------------------------------------------

def bitmap_alloc_zeroed(nbits):
    """Model-only: a zeroed bitmap for nbits bits.

    Stands for ``kzalloc(BITS_TO_LONGS(nbits) * sizeof(long), GFP_KERNEL)`` as
    mm/cma.c does it (later kernels name this bitmap_zalloc()). It has
    BITS_TO_LONGS(nbits) words, so the unused tail of the last word is present
    and zero, as in the kernel.
    """
    return array(_TYPECODE, bytes(BITS_TO_LONGS(nbits) * (BITS_PER_LONG // BITS_PER_BYTE)))


# ---------------------------------------------------------------------------
# lib/find_bit.c
# ---------------------------------------------------------------------------
# Model: ARM v4.9 does not build lib/find_bit.c; arch/arm/lib/findbit.S scans
# byte by byte instead. Both give the same results (first match clamped to the
# size, the size when there is none, the size when the offset is at or past it),
# so the generic word-at-a-time C version is ported here.

def _find_next_bit(addr, nbits, start, invert):
    """lib/find_bit.c: _find_next_bit() — shared scan of find_next_bit/find_next_zero_bit.

    Each word is XORed with invert (0 to look for a set bit, ~0UL to look for a
    clear one) and the scan moves a whole word at a time past words with nothing
    to find. Returns nbits when nothing is found, also when start >= nbits.
    """
    if not nbits or start >= nbits:
        return nbits

    # First word: drop the bits below start.
    tmp = (addr[start // BITS_PER_LONG] ^ invert) & BITMAP_FIRST_WORD_MASK(start)
    start -= start % BITS_PER_LONG

    while not tmp:
        start += BITS_PER_LONG
        if start >= nbits:
            return nbits
        tmp = addr[start // BITS_PER_LONG] ^ invert

    # A hit in the last word may lie in its unused tail: clamp to nbits.
    return min(start + __ffs(tmp), nbits)


def find_next_bit(addr, size, offset):
    """lib/find_bit.c: find_next_bit() — first set bit at or after offset, else size."""
    return _find_next_bit(addr, size, offset, 0)


def find_next_zero_bit(addr, size, offset):
    """lib/find_bit.c: find_next_zero_bit() — first clear bit at or after offset, else size."""
    return _find_next_bit(addr, size, offset, _ULONG_MAX)


def find_first_bit(addr, size):
    """lib/find_bit.c: find_first_bit() — first set bit below size, else size."""
    idx = 0
    while idx * BITS_PER_LONG < size:
        word = addr[idx]
        if word:
            return min(idx * BITS_PER_LONG + __ffs(word), size)
        idx += 1
    return size


def find_first_zero_bit(addr, size):
    """lib/find_bit.c: find_first_zero_bit() — first clear bit below size, else size."""
    idx = 0
    while idx * BITS_PER_LONG < size:
        word = addr[idx]
        if word != _ULONG_MAX:
            return min(idx * BITS_PER_LONG + ffz(word), size)
        idx += 1
    return size


# ---------------------------------------------------------------------------
# Single-bit operations: arch/arm/include/asm/bitops.h, asm-generic/bitops
# ---------------------------------------------------------------------------

def test_bit(nr, addr):
    """include/asm-generic/bitops/non-atomic.h: test_bit() — 1 if bit nr is set, else 0."""
    return (addr[nr // BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1


def set_bit(nr, addr):
    """arch/arm/include/asm/bitops.h: set_bit() — set bit nr (atomically in the kernel)."""
    # Model: the ldrex/strex loop of arch/arm/lib/setbit.S — one CPU, nothing to serialise.
    addr[nr // BITS_PER_LONG] |= 1 << (nr % BITS_PER_LONG)


def clear_bit(nr, addr):
    """arch/arm/include/asm/bitops.h: clear_bit() — clear bit nr (atomically in the kernel)."""
    # Model: the ldrex/strex loop of arch/arm/lib/clearbit.S — one CPU, nothing to serialise.
    addr[nr // BITS_PER_LONG] &= ~(1 << (nr % BITS_PER_LONG)) & _ULONG_MAX


# ---------------------------------------------------------------------------
# include/linux/bitmap.h inlines
# ---------------------------------------------------------------------------
# Model: the small_const_nbits() fast paths of these inlines are chosen at
# compile time and compute the same results as the general paths ported here.

def bitmap_zero(dst, nbits):
    """include/linux/bitmap.h: bitmap_zero() — clear every word covering nbits bits."""
    for k in range(BITS_TO_LONGS(nbits)):
        dst[k] = 0


def bitmap_fill(dst, nbits):
    """include/linux/bitmap.h: bitmap_fill() — set bits [0, nbits); the tail of the last word stays 0."""
    nlongs = BITS_TO_LONGS(nbits)
    if nlongs == 0:
        # Model: with nbits == 0 the kernel writes outside the bitmap (dst[-1],
        # or a memset of (0 - 1) words); the model leaves memory alone.
        return
    for k in range(nlongs - 1):
        dst[k] = _ULONG_MAX
    dst[nlongs - 1] = BITMAP_LAST_WORD_MASK(nbits)


def bitmap_empty(src, nbits):
    """include/linux/bitmap.h: bitmap_empty() — 1 if no bit below nbits is set, else 0."""
    return int(find_first_bit(src, nbits) == nbits)


def bitmap_full(src, nbits):
    """include/linux/bitmap.h: bitmap_full() — 1 if every bit below nbits is set, else 0."""
    return int(find_first_zero_bit(src, nbits) == nbits)


def bitmap_weight(src, nbits):
    """include/linux/bitmap.h: bitmap_weight() — number of set bits among the first nbits."""
    return __bitmap_weight(src, nbits)


def bitmap_find_next_zero_area(map, size, start, nr, align_mask):
    """include/linux/bitmap.h: bitmap_find_next_zero_area() — the _off() search with offset 0."""
    return bitmap_find_next_zero_area_off(map, size, start, nr, align_mask, 0)


# ---------------------------------------------------------------------------
# lib/bitmap.c
# ---------------------------------------------------------------------------

def __bitmap_weight(bitmap, bits):
    """lib/bitmap.c: __bitmap_weight() — count the set bits among the first bits bits.

    Whole words are counted as they are; only the last, partial word is masked,
    so set bits in its unused tail do not count.
    """
    lim = bits // BITS_PER_LONG
    w = 0
    for k in range(lim):
        w += bitmap[k].bit_count()
    if bits % BITS_PER_LONG:
        w += (bitmap[lim] & BITMAP_LAST_WORD_MASK(bits)).bit_count()
    return w


def bitmap_set(map, start, len):
    """lib/bitmap.c: bitmap_set() — set bits [start, start + len), a word at a time.

    The first word gets the mask from start upwards, the middle words are set
    whole, the last word gets the mask below start + len. len is a C int: 0
    touches nothing; a negative len skips the loop and applies only the
    last-word step to the word of start, as the kernel does.
    """
    p = start // BITS_PER_LONG
    # unsigned int in C: wrap to 32 bits.
    size = (start + len) & _ULONG_MAX
    bits_to_set = BITS_PER_LONG - (start % BITS_PER_LONG)
    mask_to_set = BITMAP_FIRST_WORD_MASK(start)

    # Every word that the range covers up to its top bit.
    while len - bits_to_set >= 0:
        map[p] |= mask_to_set
        len -= bits_to_set
        bits_to_set = BITS_PER_LONG
        mask_to_set = _ULONG_MAX
        p += 1
    # The remaining bits stop inside word p (which is not touched if none remain).
    if len:
        mask_to_set &= BITMAP_LAST_WORD_MASK(size)
        map[p] |= mask_to_set


def bitmap_clear(map, start, len):
    """lib/bitmap.c: bitmap_clear() — clear bits [start, start + len), a word at a time.

    The mirror image of bitmap_set(): same masks, ANDed out instead of ORed in.
    """
    p = start // BITS_PER_LONG
    # unsigned int in C: wrap to 32 bits.
    size = (start + len) & _ULONG_MAX
    bits_to_clear = BITS_PER_LONG - (start % BITS_PER_LONG)
    mask_to_clear = BITMAP_FIRST_WORD_MASK(start)

    while len - bits_to_clear >= 0:
        map[p] &= ~mask_to_clear & _ULONG_MAX
        len -= bits_to_clear
        bits_to_clear = BITS_PER_LONG
        mask_to_clear = _ULONG_MAX
        p += 1
    if len:
        mask_to_clear &= BITMAP_LAST_WORD_MASK(size)
        map[p] &= ~mask_to_clear & _ULONG_MAX


def bitmap_find_next_zero_area_off(map, size, start, nr, align_mask, align_offset):
    """lib/bitmap.c: bitmap_find_next_zero_area_off() — find nr clear bits, aligned.

    Looks for the first index >= start such that (index + align_offset) is a
    multiple of align_mask + 1 and bits [index, index + nr) are all clear.
    Returns that index; on failure returns the end (index + nr) of the candidate
    that no longer fits, which is a value greater than size — not -1.

    The loop starts at the first clear bit at or after start (size if there is
    none), rounds it up to the alignment, and when the candidate range holds a
    set bit it starts over just after that bit. For nr >= 1 this is exactly the
    first fit described above. For nr == 0 it is not: the answer is the aligned
    first clear bit at or after start, so it skips set bits at start, and it is
    size itself (not > size) when no bit from start on is clear and size is
    aligned — even when start > size.
    """
    # The goto-again of the C code is this loop.
    while True:
        index = find_next_zero_bit(map, size, start)

        # Round up so that index + align_offset is aligned. unsigned long
        # arithmetic: wrap to 32 bits like the kernel.
        index = (__ALIGN_MASK(index + align_offset, align_mask) - align_offset) & _ULONG_MAX

        end = (index + nr) & _ULONG_MAX
        if end > size:
            return end
        i = find_next_bit(map, end, index)
        if i < end:
            # A set bit inside the candidate: no aligned start up to i can work.
            start = i + 1
            continue
        return index


# The operations of __reg_op().
REG_OP_ISFREE = 0   # 1 if every bit of the region is clear
REG_OP_ALLOC = 1    # set every bit of the region
REG_OP_RELEASE = 2  # clear every bit of the region


def __reg_op(bitmap, pos, order, reg_op):
    """lib/bitmap.c: __reg_op() — test, set or clear the 2**order bits at pos.

    The region must be aligned to its own size. Below order 5 it lies inside one
    word; from order 5 on it is a run of whole words. Returns 1 when
    REG_OP_ISFREE finds the region clear, otherwise 0.
    """
    nbits_reg = 1 << order
    index = pos // BITS_PER_LONG
    offset = pos - index * BITS_PER_LONG
    nlongs_reg = BITS_TO_LONGS(nbits_reg)
    nbitsinlong = min(nbits_reg, BITS_PER_LONG)

    # nbitsinlong low bits set, built so that 32 bits do not overflow a word;
    # then moved to the region's offset. The shift is an unsigned long shift:
    # anything pushed past bit 31 (a misaligned region) is lost, as in C.
    mask = 1 << (nbitsinlong - 1)
    mask += mask - 1
    mask = (mask << offset) & _ULONG_MAX

    ret = 0
    if reg_op == REG_OP_ISFREE:
        for i in range(nlongs_reg):
            if bitmap[index + i] & mask:
                return ret
        ret = 1
    elif reg_op == REG_OP_ALLOC:
        for i in range(nlongs_reg):
            bitmap[index + i] |= mask
    elif reg_op == REG_OP_RELEASE:
        notmask = ~mask & _ULONG_MAX
        for i in range(nlongs_reg):
            bitmap[index + i] &= notmask
    return ret


def bitmap_find_free_region(bitmap, bits, order):
    """lib/bitmap.c: bitmap_find_free_region() — allocate the first free aligned 2**order region.

    Tries pos = 0, 2**order, 2 * 2**order, ... as long as the whole region fits
    below bits (a trailing partial region is never used). The first clear one is
    set and its pos returned; -ENOMEM when there is none.
    """
    step = 1 << order
    pos = 0
    # unsigned int in C: the end of a region wraps to 32 bits.
    end = (pos + step) & _ULONG_MAX
    while end <= bits:
        if __reg_op(bitmap, pos, order, REG_OP_ISFREE):
            __reg_op(bitmap, pos, order, REG_OP_ALLOC)
            return pos
        pos = end
        end = (pos + step) & _ULONG_MAX
    return -ENOMEM


def bitmap_release_region(bitmap, pos, order):
    """lib/bitmap.c: bitmap_release_region() — clear the 2**order region at pos."""
    __reg_op(bitmap, pos, order, REG_OP_RELEASE)


def bitmap_allocate_region(bitmap, pos, order):
    """lib/bitmap.c: bitmap_allocate_region() — set the 2**order region at pos.

    Returns 0, or -EBUSY (bitmap unchanged) when any bit of the region is set.
    """
    if not __reg_op(bitmap, pos, order, REG_OP_ISFREE):
        return -EBUSY
    return __reg_op(bitmap, pos, order, REG_OP_ALLOC)
