# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/{fdt,base,address,device}.c: the unflattened tree and what is read from it.

Most checks use the built-in board (arch/arm/boot/dts/vexpress-v2p-ca9.dts), booted to
the end of setup_arch, where v4.9 unflattens the tree (after paging_init). The expected
values are derived from the source .dts and from the firmware-side parser
(arch/arm/hw/fdt_image.py), which shares no code with the kernel side.
"""

import re

import pytest

from cmaport.arch.arm.hw.board import default_board
from cmaport.arch.arm.hw.fdt_image import parse_dtb
from cmaport.drivers.of.address import (of_address_to_resource, of_get_address,
                                        of_translate_address)
from cmaport.drivers.of.base import (INT_MAX, __of_match_node, base_c, of_device_is_available,
                                     of_device_is_compatible, of_find_node_by_phandle,
                                     of_find_node_opts_by_path, of_get_property, of_n_addr_cells,
                                     of_n_size_cells, of_parse_phandle,
                                     of_property_read_string_helper)
from cmaport.include.linux.errno import EINVAL, ENODATA, EOVERFLOW
from cmaport.include.linux.ioport import IORESOURCE_MEM, resource
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.of import (OF_BAD_ADDR, SIZEOF_DEVICE_NODE, SIZEOF_PROPERTY,
                                      for_each_of_allnodes, of_find_node_by_path,
                                      of_property_read_u32, of_property_read_u32_array)

CLCD_MB = "/smb@4000000/motherboard/iofpga@7,0/clcd@1f000"


@pytest.fixture(scope="module")
def vexpress():
    from cmaport.kernel.machine import Machine

    return Machine().boot(until="setup_arch")


def test_unflattened_tree_matches_the_blob_in_order_names_and_types(vexpress):
    from cmaport.drivers.of.fdt import fdt_c

    with vexpress:
        root, _ = parse_dtb(fdt_c.get().initial_boot_params)
    want = [(n.path(), n.name.split("@")[0], n.get_str("device_type") or "<NULL>")
            for n, _ in root.walk()]
    with vexpress:
        got = [(n.full_name, n.name, n.type) for n in for_each_of_allnodes()]
        assert base_c.get().of_root.full_name == "/"
        # a v17 blob has no "name" property: it is made up from the unit name
        assert of_get_property(of_find_node_by_path(CLCD_MB), "name") == (b"clcd\0", 5)
    assert got == want
    assert got[0] == ("/", "", "<NULL>")
    assert ("/cpus/cpu@0", "cpu", "cpu") in got


def _expected_tree_bytes(root):
    """The dry run of unflatten_dt_nodes(), recomputed from the firmware's view of the tree."""
    mem = 0

    def alloc(size):
        nonlocal mem
        mem = (mem + 3) & ~3
        mem += size

    for n, _ in root.walk():
        path = n.path()
        alloc(SIZEOF_DEVICE_NODE + (2 if path == "/" else len(path.encode()) + 1))
        for _ in n.props:
            alloc(SIZEOF_PROPERTY)
        if "name" not in n.props:
            alloc(SIZEOF_PROPERTY + len(n.name.split("@")[0].encode()) + 1)
    return (mem + 3) & ~3


def test_unflattening_takes_its_memory_from_memblock_after_the_system_ram_resource(vexpress):
    from cmaport.drivers.of.fdt import fdt_c

    # the blob as the bootloader handed it over (with /chosen/bootargs added)
    with vexpress:
        root, _ = parse_dtb(fdt_c.get().initial_boot_params)
    # memblock=debug (the built-in board's bootargs) logs each reservation
    lines = vexpress.dmesg()
    i = lines.index("memblock_virt_alloc_try_nid: 32 bytes align=0x0 nid=-1 from=0x0 "
                    "max_addr=0x0 request_standard_resources")
    spans = []
    for line in lines[i + 1:]:
        m = re.match(r"memblock_reserve: \[0x([0-9a-f]+)-0x([0-9a-f]+)\]", line)
        if m:
            spans.append(int(m.group(2), 16) - int(m.group(1), 16) + 1)
    # the resource (32 bytes), the tree (+4 for the end marker), the one alias (serial0):
    # sizeof(struct alias_prop) + "serial" + NUL
    assert spans == [32, _expected_tree_bytes(root) + 4, 20 + len("serial") + 1]


def test_path_alias_and_options_lookups(vexpress):
    with vexpress:
        s = base_c.get()
        assert s.of_chosen is of_find_node_by_path("/chosen")
        assert s.of_aliases.full_name == "/aliases"
        uart = of_find_node_by_path("/smb@4000000/motherboard/iofpga@7,0/uart@9000")
        assert of_find_node_opts_by_path("serial0") == (uart, None)
        assert of_find_node_opts_by_path("serial0:115200n8") == (uart, "115200n8")
        assert of_find_node_opts_by_path("/smb@4000000/motherboard:opt")[1] == "opt"
        assert of_find_node_by_path("/smb@4000000/nothing") is None
        assert of_find_node_by_path("nosuchalias") is None
        assert of_find_node_by_path("/") is s.of_root
        [alias] = s.aliases_lookup
        assert (alias.alias, alias.stem, alias.id, alias.np) == ("serial0", "serial", 0, uart)


def test_phandles_and_memory_region(vexpress):
    with vexpress:
        vram = of_find_node_by_path("/reserved-memory/vram@4c000000")
        clcd = of_find_node_by_path(CLCD_MB)
        assert vram.phandle != 0
        assert of_find_node_by_phandle(vram.phandle) is vram
        assert of_find_node_by_phandle(0) is None
        assert of_find_node_by_phandle(0x7777) is None
        assert of_parse_phandle(clcd, "memory-region", 0) is vram
        assert of_parse_phandle(clcd, "memory-region", 1) is None
        assert of_parse_phandle(clcd, "memory-region", -1) is None
        assert of_parse_phandle(of_find_node_by_path("/clcd@10020000"), "memory-region", 0) is None


def test_compatible_scores_and_matching(vexpress):
    with vexpress:
        clcd = of_find_node_by_path(CLCD_MB)
        assert of_device_is_compatible(clcd, "arm,pl111") == INT_MAX // 2
        assert of_device_is_compatible(clcd, "arm,primecell") == INT_MAX // 2 - 4
        assert of_device_is_compatible(clcd, "ARM,PL111") == INT_MAX // 2  # strcasecmp
        assert of_device_is_compatible(clcd, "arm,pl110") == 0
        table = (of_device_id(compatible="arm,primecell"), of_device_id(compatible="arm,pl111"),
                 of_device_id(compatible="arm,pl110"))
        assert __of_match_node(table, clcd) is table[1]  # the more specific string wins
        assert __of_match_node((of_device_id(name="clcd"),), clcd).name == "clcd"
        assert __of_match_node((), clcd) is None


def test_cells_translation_and_resources(vexpress):
    with vexpress:
        clcd = of_find_node_by_path(CLCD_MB)
        flash = of_find_node_by_path("/smb@4000000/motherboard/flash@0,0")
        eth = of_find_node_by_path("/smb@4000000/motherboard/ethernet@3,2000000")
        assert (of_n_addr_cells(clcd), of_n_size_cells(clcd)) == (1, 1)
        assert (of_n_addr_cells(flash), of_n_size_cells(flash)) == (2, 1)
        # iofpga: <0 7 0 0x20000>, then the smb's chip select 7 -> 0x10000000
        addrp, size, flags = of_get_address(clcd, 0)
        assert (size, flags) == (0x1000, IORESOURCE_MEM)
        assert of_translate_address(clcd, addrp) == 0x1001F000
        assert of_translate_address(eth, of_get_address(eth, 0)[0]) == 0x4E000000
        assert of_translate_address(flash, of_get_address(flash, 1)[0]) == 0x44000000
        assert of_get_address(flash, 2) == (None, None, None)
        r = resource()
        assert of_address_to_resource(clcd, 0, r) == 0
        # v4.9: no reg-names, so the resource is named after the full path
        assert (r.start, r.end, r.name, r.flags) == (0x1001F000, 0x1001FFFF, CLCD_MB, IORESOURCE_MEM)
        assert of_address_to_resource(clcd, 1, r) == -EINVAL


def test_translation_stops_without_ranges_and_outside_them(dt):
    root = dt.tree()
    bus = root.add(dt.node("bus@0", compatible=dt.strs("simple-bus"),
                           hash_address_cells=dt.u32s(1), hash_size_cells=dt.u32s(1),
                           ranges=dt.u32s(0, 0x20000000, 0x1000)))
    bus.add(dt.node("in@10", reg=dt.u32s(0x10, 4), reg_names=dt.strs("regs")))
    bus.add(dt.node("out@2000", reg=dt.u32s(0x2000, 4)))
    closed = root.add(dt.node("closed", hash_address_cells=dt.u32s(1), hash_size_cells=dt.u32s(1)))
    closed.add(dt.node("dev@0", reg=dt.u32s(0, 4)))
    m = dt.boot(dt.board(root))
    with m:
        inside = of_find_node_by_path("/bus@0/in@10")
        assert of_translate_address(inside, of_get_address(inside, 0)[0]) == 0x20000010
        r = resource()
        assert of_address_to_resource(inside, 0, r) == 0
        assert r.name == "regs"  # reg-names wins over the path
        out = of_find_node_by_path("/bus@0/out@2000")
        assert of_translate_address(out, of_get_address(out, 0)[0]) == OF_BAD_ADDR
        dev = of_find_node_by_path("/closed/dev@0")
        assert of_translate_address(dev, of_get_address(dev, 0)[0]) == OF_BAD_ADDR


def test_availability_and_typed_readers(dt):
    root = dt.tree()
    for name, status in (("a", None), ("b", b"okay\0"), ("c", b"ok\0"), ("d", b"disabled\0"),
                         ("e", b"")):
        n = root.add(dt.node(name))
        if status is not None:
            n.props["status"] = status
    root.add(dt.node("cells", one=dt.u32s(7), three=dt.u32s(1, 2, 3), empty=b"",
                     list=dt.strs("x", "yy", "zzz")))
    m = dt.boot(dt.board(root))
    with m:
        avail = {n: of_device_is_available(of_find_node_by_path("/" + n)) for n in "abcde"}
        assert avail == {"a": True, "b": True, "c": True, "d": False, "e": False}
        assert of_device_is_available(None) is False
        n = of_find_node_by_path("/cells")
        assert of_property_read_u32(n, "one") == (0, 7)
        assert of_property_read_u32(n, "missing") == (-EINVAL, None)
        assert of_property_read_u32(n, "empty") == (-EOVERFLOW, None)
        assert of_property_read_u32_array(n, "three", 3) == (0, [1, 2, 3])
        assert of_property_read_u32_array(n, "three", 4) == (-EOVERFLOW, None)
        assert of_property_read_string_helper(n, "list", True, 2, 1) == (2, ["yy", "zzz"])
        assert of_property_read_string_helper(n, "list", False, 0, 0)[0] == 3
        assert of_property_read_string_helper(n, "empty", False, 0, 0)[0] == -ENODATA


def test_of_dma_configure_reads_dma_ranges_and_dma_coherent(dt):
    from cmaport.arch.arm.mm.dma_mapping import arm_coherent_dma_ops, arm_dma_ops
    from cmaport.drivers.of.device import of_dma_configure
    from cmaport.include.linux.device import device

    root = dt.tree()
    bus = root.add(dt.node("soc", compatible=dt.strs("simple-bus"), ranges=b"",
                           hash_address_cells=dt.u32s(1), hash_size_cells=dt.u32s(1),
                           dma_ranges=dt.u32s(0, 0x60000000, 0x10000000)))
    bus.add(dt.node("dev@1000", reg=dt.u32s(0x1000, 0x100), dma_coherent=b""))
    root.add(dt.node("plain@2000", reg=dt.u32s(0x2000, 0x100)))
    m = dt.boot(dt.board(root))
    with m:
        d = device()
        of_dma_configure(d, of_find_node_by_path("/soc/dev@1000"))
        # bus address 0 is CPU address 0x60000000: the offset in pages; 256 MiB of range
        assert d.dma_pfn_offset == 0x60000
        assert d.coherent_dma_mask == 0x0FFFFFFF and d.dma_mask.get() == 0x0FFFFFFF
        assert d.archdata.dma_coherent and d.archdata.dma_ops is arm_coherent_dma_ops
        p = device()
        of_dma_configure(p, of_find_node_by_path("/plain@2000"))
        # no dma-ranges: 32-bit default, dma_mask points at the coherent mask
        assert p.coherent_dma_mask == 0xFFFFFFFF and p.dma_pfn_offset == 0
        p.dma_mask.set(0xFFFF)
        assert p.coherent_dma_mask == 0xFFFF
        assert not p.archdata.dma_coherent and p.archdata.dma_ops is arm_dma_ops


def test_the_default_board_blob_is_the_one_unflattened():
    # guard: the tests above read the built-in board; a rebuilt .dtb must keep these nodes
    root, _ = parse_dtb(default_board().dtb)
    assert root.find(CLCD_MB).get_u32s("memory-region")
    assert root.find("/clcd@10020000").get_u32s("memory-region") is None
