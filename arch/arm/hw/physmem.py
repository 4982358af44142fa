# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: physical memory — RAM banks holding real bytes, sparsely.

A 4 KiB frame costs nothing until something writes to it; reading a frame that was
never written gives zeros. Accesses outside every RAM bank raise ``BusError`` (an
external abort on real hardware).
"""

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
_ZERO_PAGE = bytes(PAGE_SIZE)


class BusError(Exception):
    """Simulated: an access to a physical address with no RAM behind it."""


class PhysicalMemory:
    """Simulated: the RAM of a board; ``banks`` is a list of ``(base, size)``."""

    def __init__(self, banks):
        self.banks = sorted(banks)
        self.frames = {}  # frame number -> bytearray(PAGE_SIZE)

    def is_ram(self, addr, size=1):
        for base, sz in self.banks:
            if base <= addr and addr + size <= base + sz:
                return True
        return False

    def _check(self, addr, size):
        if not self.is_ram(addr, size):
            raise BusError(f"physical access {addr:#x}+{size:#x} is outside RAM")

    def read(self, addr, size):
        """Simulated: ``size`` bytes from physical address ``addr``."""
        self._check(addr, size)
        out = bytearray()
        while size:
            frame, off = divmod(addr, PAGE_SIZE)
            n = min(size, PAGE_SIZE - off)
            data = self.frames.get(frame)
            out += (data[off:off + n] if data is not None else _ZERO_PAGE[:n])
            addr += n
            size -= n
        return bytes(out)

    def write(self, addr, data):
        """Simulated: store ``data`` at physical address ``addr``."""
        self._check(addr, len(data))
        pos = 0
        size = len(data)
        while pos < size:
            frame, off = divmod(addr + pos, PAGE_SIZE)
            n = min(size - pos, PAGE_SIZE - off)
            page = self.frames.get(frame)
            if page is None:
                page = self.frames[frame] = bytearray(PAGE_SIZE)
            page[off:off + n] = data[pos:pos + n]
            pos += n

    def fill(self, addr, size, byte=0):
        """Simulated: set ``size`` bytes to ``byte`` (zeroing whole frames frees them)."""
        self._check(addr, size)
        end = addr + size
        while addr < end:
            frame, off = divmod(addr, PAGE_SIZE)
            n = min(end - addr, PAGE_SIZE - off)
            if byte == 0 and n == PAGE_SIZE:
                self.frames.pop(frame, None)
            else:
                page = self.frames.get(frame)
                if page is None:
                    if byte == 0:
                        addr += n
                        continue
                    page = self.frames[frame] = bytearray(PAGE_SIZE)
                page[off:off + n] = bytes([byte]) * n
            addr += n

    def copy_frame(self, dst_frame, src_frame):
        """Simulated: copy one whole 4 KiB frame (what a page copy loop ends up doing)."""
        self._check(src_frame << PAGE_SHIFT, PAGE_SIZE)
        self._check(dst_frame << PAGE_SHIFT, PAGE_SIZE)
        src = self.frames.get(src_frame)
        if src is None:
            self.frames.pop(dst_frame, None)
        else:
            self.frames[dst_frame] = bytearray(src)

    def frame_bytes(self, frame):
        """Simulated: the contents of one frame (zeros if never written)."""
        data = self.frames.get(frame)
        return bytes(data) if data is not None else _ZERO_PAGE

    @property
    def resident_frames(self):
        return len(self.frames)
