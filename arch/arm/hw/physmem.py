# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: physical memory — RAM banks and on-board device memory holding real bytes, sparsely.

A 4 KiB frame costs nothing until something writes to it; reading a frame that was
never written gives zeros. Besides the RAM banks a board can have *device memory*:
static RAM behind a bus chip select (the Versatile Express video SRAM at 0x4c000000),
which is not DRAM (the kernel never sees it as ``/memory``) but holds bytes all the same.
An access must lie inside one RAM bank or one device-memory region; anything else raises
``BusError`` (an external abort on real hardware).
"""

from cmaport.kernel.errors import CmaportError

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
_ZERO_PAGE = bytes(PAGE_SIZE)


class BusError(CmaportError):
    """Simulated: an access to a physical address with no memory behind it.

    On real hardware an external abort, which the kernel reports as an oops; ``addr`` and
    ``size`` say what was accessed.
    """

    def __init__(self, addr, size):
        self.addr = addr
        self.size = size
        super().__init__(f"physical access {addr:#x}+{size:#x} is outside RAM and device memory")


class PhysicalMemory:
    """Simulated: the memory of a board.

    :param banks: the RAM, a list of ``(base, size)``
    :param device_regions: on-board device memory (SRAM), a list of ``(base, size, name)``;
        it holds bytes like RAM but is not RAM (``is_ram`` is false for it)
    """

    def __init__(self, banks, device_regions=()):
        self.banks = sorted(banks)
        self.device_regions = sorted(tuple(r) for r in device_regions)
        self.frames = {}  # frame number -> bytearray(PAGE_SIZE)

    def is_ram(self, addr, size=1):
        """Simulated: whether ``[addr, addr + size)`` lies in one RAM bank."""
        for base, sz in self.banks:
            if base <= addr and addr + size <= base + sz:
                return True
        return False

    def is_device_memory(self, addr, size=1):
        """Simulated: whether ``[addr, addr + size)`` lies in one device-memory region."""
        for base, sz, _name in self.device_regions:
            if base <= addr and addr + size <= base + sz:
                return True
        return False

    def is_backed(self, addr, size=1):
        """Simulated: whether an access there reaches memory (RAM or device memory)."""
        return self.is_ram(addr, size) or self.is_device_memory(addr, size)

    def _check(self, addr, size):
        """Simulated: raise ``BusError`` unless the access reaches memory."""
        if not self.is_backed(addr, size):
            raise BusError(addr, size)

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
        """Simulated: how many 4 KiB frames are stored (written and not zeroed since)."""
        return len(self.frames)
