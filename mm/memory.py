# SPDX-License-Identifier: GPL-2.0-only
"""mm/memory.c: the globals of the generic memory code that the port needs so far.

``high_memory`` is the virtual address just past the lowmem linear map (set by the
ARM ``sanity_check_meminfo``); ``max_mapnr`` is the number of ``struct page``s in
``mem_map`` (FLATMEM).
"""

from cmaport.kernel.machine import statics


@statics
class memory_c:
    """The file-scope globals of mm/memory.c."""

    high_memory: int = 0
    max_mapnr: int = 0
