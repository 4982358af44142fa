# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: the section symbols of the modelled vmlinux (arch/arm/kernel/vmlinux.lds.S).

There is no real kernel image, but boot code needs its symbols: ``arm_memblock_init``
reserves ``_stext.._end``, ``mem_init_print_info`` reports the section sizes, memblock's
bottom-up search starts above ``_end``. The layout follows v4.9's linker script for a
non-XIP ARMv7 build: ``_text`` at ``PAGE_OFFSET + TEXT_OFFSET``; with
``CONFIG_DEBUG_RODATA`` the text and the init sections start on 1 MiB boundaries; then
text, rodata, init, data, bss. The section *sizes* are model parameters (a plausible
v4.9 multiplatform build), not facts about any real image; they can be changed per
machine with ``KernelImage`` arguments.
"""

import types

import attrs

from cmaport.arch.arm.include.asm.memory import TEXT_OFFSET
from cmaport.kernel.machine import this_machine

SZ_1K = 1 << 10
SZ_1M = 1 << 20


def _align(x, a):
    """Model-only: ``x`` rounded up to a multiple of ``a`` (a power of two), as ``ALIGN()``."""
    return (x + a - 1) & ~(a - 1)


@attrs.define
class KernelImage:
    """Model-only: section sizes of the modelled kernel image, in bytes."""

    text: int = 7168 * SZ_1K
    rodata: int = 2048 * SZ_1K
    init: int = 1024 * SZ_1K
    rwdata: int = 640 * SZ_1K
    bss: int = 288 * SZ_1K


def link_symbols(image, page_offset, debug_rodata=True):
    """Model-only: the linker symbols (virtual addresses) for an image layout.

    A module-level function on purpose: inside a class body Python would mangle the
    ``__init_begin``-style names.
    """
    section = SZ_1M if debug_rodata else 1 << 12
    s = types.SimpleNamespace()
    s._text = page_offset + TEXT_OFFSET
    s._stext = _align(s._text + 0x1000, section)  # head text, then .text
    s._etext = s._stext + image.text
    s.__start_rodata = s._etext
    s.__end_rodata = s.__start_rodata + image.rodata
    s.__init_begin = _align(s.__end_rodata, section)
    s._sinittext = s.__init_begin
    s._einittext = s._sinittext + image.init // 2
    s.__init_end = s.__init_begin + image.init
    s._sdata = _align(s.__init_end, section)
    s._edata = s._sdata + image.rwdata
    s.__bss_start = s._edata
    s.__bss_stop = s.__bss_start + image.bss
    s._end = s.__bss_stop
    return s


def sections():
    """Model-only: the running machine's linker symbols (include/asm-generic/sections.h)."""
    m = this_machine()
    s = m.__dict__.get("_sections")
    if s is None:
        image = getattr(m, "kernel_image", None) or KernelImage()
        s = m._sections = link_symbols(image, m.config.PAGE_OFFSET,
                                       bool(m.config.get("CONFIG_DEBUG_RODATA")))
    return s
