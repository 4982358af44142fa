# SPDX-License-Identifier: GPL-2.0-only
"""Device-tree mistakes v4.9 accepts without a word: the model's diagnostics.

Each one is recorded on the machine (``cmaport: note: …`` in the CLI), names the node, and
leaves the kernel's log exactly as v4.9 writes it:

* a static ``/reserved-memory`` region (reserved or no-map) that overlaps the kernel image
  (v4.9 memblock_remove()s part of the running kernel for a no-map one);
* a ``memory-region`` phandle that names no node (of_parse_phandle() returns NULL quietly);
* a region whose ``compatible`` no ``RESERVEDMEM_OF_DECLARE`` entry takes (reserved, never
  initialised);
* a region with neither ``reg`` nor ``size`` (skipped).
"""

import pytest

SZ_1M = 1 << 20
# The model's kernel image on a board with RAM at 0x60000000: _stext at 0x60100000 (1 MiB
# aligned after the head text), _end at 0x60be8000 (arch/arm/kernel/vmlinux_lds.py).
KSTART, KEND = 0x60100000, 0x60BE8000


def region_board(dt, name, **props):
    root = dt.tree()
    root.find("/reserved-memory").add(dt.node(name, **props))
    return dt.board(root)


def notes(m, text):
    return [str(d) for d in m.diagnostics if text in str(d)]


def log_text(m):
    """The log, to show that no diagnostic leaked into it."""
    return "\n".join(m.dmesg())


@pytest.mark.parametrize("nomap", [True, False])
def test_a_region_over_the_kernel_image(dt, nomap):
    props = dict(reg=dt.u32s(0x60200000, SZ_1M))
    if nomap:
        props["no_map"] = b""
    m = dt.boot(region_board(dt, "fw@60200000", **props))
    got = notes(m, "overlaps the kernel image")
    assert len(got) == 1
    assert got[0].startswith("drivers/of/fdt.c: /reserved-memory/fw@60200000: ")
    assert "[0x60200000-0x602fffff] overlaps the kernel image [%#010x-%#010x]" % (
        KSTART, KEND - 1) in got[0]
    assert ("removes that part of the running kernel from memory" in got[0]) == nomap
    assert "kernel image" not in log_text(m)
    from cmaport.mm.memblock import for_each_memblock

    with m:
        memory = [(r.base, r.size) for r in for_each_memblock("memory")]
    if nomap:
        # what v4.9 does regardless: a hole in memory where the kernel's text is
        assert (0x60000000, 0x200000) in memory and (0x60300000, 0xFD00000) in memory


@pytest.mark.parametrize("base", [KSTART - SZ_1M, KEND + 0x18000])
def test_a_region_next_to_the_kernel_is_fine(dt, base):
    m = dt.boot(region_board(dt, "fw@%x" % base, reg=dt.u32s(base, 0x18000), no_map=b""))
    assert notes(m, "kernel image") == []


def test_only_the_overlapping_tuple_is_reported(dt):
    m = dt.boot(region_board(dt, "fw", reg=dt.u32s(0x6F000000, SZ_1M, KEND - 0x1000, 0x2000)))
    got = notes(m, "overlaps the kernel image")
    assert len(got) == 1 and "[%#010x-%#010x]" % (KEND - 0x1000, KEND + 0xFFF) in got[0]


def test_a_memory_region_phandle_that_points_nowhere(dt):
    """dma-client's probe calls of_reserved_mem_device_init(), which returns -ENODEV."""
    root = dt.tree()
    root.add(dt.node("dma-client", compatible=dt.strs("cmaport,dma-client"),
                     memory_region=dt.u32s(0x77)))
    m = dt.boot(dt.board(root), until=None)
    got = notes(m, "memory-region")
    assert got == ["drivers/of/of_reserved_mem.c: /dma-client: memory-region entry 0 is phandle "
                   "0x77, which names no node: of_reserved_mem_device_init() returns -ENODEV "
                   "(the kernel says nothing)"]
    assert not any("0x77" in l or "memory-region" in l for l in m.dmesg())


def test_a_memory_region_that_names_a_node_is_not_reported(dt):
    root = dt.tree()
    root.find("/reserved-memory").add(dt.node(
        "pool@6f000000", compatible=dt.strs("shared-dma-pool"), reg=dt.u32s(0x6F000000, 0x10000),
        no_map=b"", phandle=dt.u32s(1)))
    root.add(dt.node("dma-client", compatible=dt.strs("cmaport,dma-client"),
                     memory_region=dt.u32s(1)))
    m = dt.boot(dt.board(root), until=None)
    assert notes(m, "memory-region") == []


def test_a_compatible_no_handler_takes(dt):
    m = dt.boot(region_board(dt, "secure@6f000000", compatible=dt.strs("acme,secure", "acme,heap"),
                             reg=dt.u32s(0x6F000000, SZ_1M)))
    got = notes(m, "RESERVEDMEM_OF_DECLARE")
    assert got == ['drivers/of/of_reserved_mem.c: /reserved-memory/secure@6f000000: no '
                   'reserved-memory handler (RESERVEDMEM_OF_DECLARE) of this kernel takes '
                   'compatible "acme,secure", "acme,heap": the region [0x6f000000-0x6f0fffff] '
                   'stays reserved and nothing initialises it at boot (v4.9 says nothing; a '
                   'driver may still claim it)']
    assert not any("secure" in l for l in m.dmesg())
    m = dt.boot(region_board(dt, "secure@6f000000", compatible=dt.strs("acme,secure"),
                             reg=dt.u32s(0x6F000000, SZ_1M), no_map=b""))
    assert "stays out of memory (no-map) and nothing initialises it" in notes(
        m, "RESERVEDMEM_OF_DECLARE")[0]


@pytest.mark.parametrize("props", [
    {},  # a plain carve-out: nobody is meant to initialise it
    {"compatible": b"shared-dma-pool\0", "no_map": b""},  # taken by rmem_dma_setup
    {"compatible": b"shared-dma-pool\0"},  # refused by both handlers, with their own lines
])
def test_regions_a_handler_matches_or_without_compatible_are_not_reported(dt, props):
    m = dt.boot(region_board(dt, "r@6f000000", reg=dt.u32s(0x6F000000, SZ_1M), **props))
    assert notes(m, "RESERVEDMEM_OF_DECLARE") == []


def test_a_region_with_neither_reg_nor_size(dt):
    m = dt.boot(region_board(dt, "lost", compatible=dt.strs("shared-dma-pool"), reusable=b""))
    got = notes(m, "neither reg nor size")
    assert got == ["drivers/of/fdt.c: /reserved-memory/lost: a reserved-memory region with "
                   "neither reg nor size: v4.9 ignores it silently"]
    assert not any("lost" in l for l in m.dmesg())
