# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/fdt.c: the early flat device-tree scans on blobs built by the test.

Every test runs on the default machine (memblock empty) and builds its blob with the
firmware-side writer (cmaport.arch.arm.hw.fdt_image). Expected lines are v4.9's: the
prefix is ``OF: fdt:`` without a space (6.1 prints ``OF: fdt: ``).
"""

import struct

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from cmaport.arch.arm.hw.fdt_image import Node, build_dtb
from cmaport.arch.arm.include.asm.memory import memory_h
from cmaport.drivers.of import fdt as F
from cmaport.drivers.of.fdt import (
    early_init_dt_add_memory_arch, early_init_dt_scan, early_init_dt_scan_nodes,
    early_init_dt_verify, early_init_fdt_reserve_self, early_init_fdt_scan_reserved_mem,
    fdt_c, of_fdt_is_compatible, of_fdt_match, of_flat_dt_match_machine, of_get_flat_dt_prop,
    of_get_flat_dt_root, of_get_flat_dt_size, of_get_flat_dt_subnode_by_name, of_scan_flat_dt,
)
from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_c
from cmaport.include.linux.init import init_h
from cmaport.include.linux.initrd import initrd_h
from cmaport.include.linux.libfdt import FDT_ERR_NOTFOUND
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine
from cmaport.mm.memblock import memblock

RAM = 0x40000000
RAM_SIZE = 0x20000000
DTB_PA = 0x48000000


def u32s(*v):
    return struct.pack(">%dI" % len(v), *v)


def cells(cells_per_value, *values):
    out = []
    for v in values:
        out += [(v >> (32 * i)) & 0xFFFFFFFF for i in reversed(range(cells_per_value))]
    return u32s(*out)


def virt_root(ncells=2, mem=((RAM, RAM_SIZE),), model=b"linux,dummy-virt\0"):
    props = {"#address-cells": u32s(ncells), "#size-cells": u32s(ncells),
             "compatible": b"linux,dummy-virt\0"}
    if model is not None:
        props["model"] = model
    root = Node("", props)
    if mem:
        reg = b"".join(cells(ncells, b, s) for b, s in mem)
        root.add(Node("memory@%x" % mem[0][0], {"device_type": b"memory\0", "reg": reg}))
    root.add(Node("chosen", {}))
    return root


def reserved_memory(root, ncells=2, ranges=True):
    props = {"#address-cells": u32s(ncells), "#size-cells": u32s(ncells)}
    if ranges:
        props["ranges"] = b""
    return root.add(Node("reserved-memory", props))


def regions(kind):
    t = getattr(memblock(), kind)
    return [(r.base, r.size) for r in t.regions[:t.cnt] if r.size]


def saved():
    s = of_reserved_mem_c.get()
    return [(r.name, r.base, r.size) for r in s.reserved_mem[:s.reserved_mem_count]]


@pytest.fixture
def machine():
    with Machine() as m:
        yield m


# -- verify ---------------------------------------------------------------------------

def test_verify_adopts_a_good_blob_and_refuses_bad_ones(machine):
    blob = build_dtb(virt_root())
    assert early_init_dt_verify(None) is False
    assert early_init_dt_verify(b"") is False
    assert early_init_dt_verify(b"\xd0\x0d\xfe\xed" + bytes(36)) is False  # version 0
    assert early_init_dt_verify(blob[:-1]) is False  # shorter than totalsize
    bad = bytearray(blob)
    bad[0] = 0
    assert early_init_dt_verify(bytes(bad)) is False
    assert fdt_c.get().initial_boot_params is None
    assert early_init_dt_verify(blob, DTB_PA) is True
    assert fdt_c.get().initial_boot_params is blob
    assert of_get_flat_dt_size() == len(blob)
    assert of_get_flat_dt_root() == 0
    assert early_init_dt_scan(bytes(bad)) is False
    assert fdt_c.get().initial_boot_params is blob  # a failed verify keeps the old one


def test_machines_do_not_share_state():
    blob = build_dtb(virt_root())
    with Machine():
        assert early_init_dt_scan(blob)
        assert fdt_c.get().dt_root_addr_cells == 2
    with Machine():
        assert fdt_c.get().initial_boot_params is None
        assert fdt_c.get().dt_root_addr_cells == 0  # BSS until the root is scanned


# -- root, memory ------------------------------------------------------------------------

def test_root_cells_default_to_one(machine):
    root = Node("", {})
    root.add(Node("memory", {"device_type": b"memory\0", "reg": u32s(0x60000000, 0x1000000)}))
    assert early_init_dt_scan(build_dtb(root))
    assert (fdt_c.get().dt_root_addr_cells, fdt_c.get().dt_root_size_cells) == (1, 1)
    assert regions("memory") == [(0x60000000, 0x1000000)]


def test_memory_nodes_into_memblock(machine):
    root = virt_root(mem=None)
    root.add(Node("memory@40000000", {"device_type": b"memory\0",
                                      "reg": cells(2, 0x40000000, 0x8000000, 0x50000000, 0,
                                                   0x60000000, 0x4000000)}))
    # linux,usable-memory wins over reg
    root.add(Node("memory@70000000", {"device_type": b"memory\0",
                                      "reg": cells(2, 0x70000000, 0x10000000),
                                      "linux,usable-memory": cells(2, 0x70000000, 0x1000000)}))
    # not memory: another device_type, or none (memory@0 counts only on PowerPC)
    root.add(Node("memory@80000000", {"device_type": b"memoryx\0",
                                      "reg": cells(2, 0x80000000, 0x1000000)}))
    root.add(Node("memory@0", {"reg": cells(2, 0, 0x1000000)}))
    # a trailing partial tuple is ignored
    root.add(Node("memory@90000000", {"device_type": b"memory\0",
                                      "reg": cells(2, 0x90000000, 0x1000000) + u32s(1, 2)}))
    assert early_init_dt_scan(build_dtb(root))
    assert regions("memory") == [(0x40000000, 0x8000000), (0x60000000, 0x4000000),
                                 (0x70000000, 0x1000000), (0x90000000, 0x1000000)]


def test_memory_scan_debug_lines(machine):
    machine.log.debug_all = True
    assert early_init_dt_scan(build_dtb(virt_root()))
    log = machine.dmesg()
    assert "OF: fdt:dt_root_size_cells = 2" in log
    assert "OF: fdt:memory scan node memory@40000000, reg size 16," in log
    assert "OF: fdt: - 40000000 ,  20000000" in log


@pytest.mark.parametrize("phys_offset, base, size, lines, added", [
    # a block that does not reach the next page boundary
    (0, 0x40000800, 0x400, ["OF: fdt:Ignoring memory block 0x40000800 - 0x40000c00"], []),
    # an unaligned start loses the rest of its page, the size whole pages only
    (0, 0x40000800, 0x10000, [], [(0x40001000, 0xF000)]),
    (0, 0x100000000, 0x1000, ["OF: fdt:Ignoring memory block 0x100000000 - 0x100001000"], []),
    (0, 0xF0000000, 0x20000000, ["OF: fdt:Ignoring memory range 0x100000000 - 0x110000000"],
     [(0xF0000000, 0x0FFFFFFF)]),  # memblock_cap_size() keeps it below 4 GiB
    (0, 0x40000000, 0x100000000, ["OF: fdt:Ignoring memory range 0x100000000 - 0x140000000"],
     [(0x40000000, 0xBFFFFFFF)]),
    (0x40000000, 0x30000000, 0x8000000,
     ["OF: fdt:Ignoring memory block 0x30000000 - 0x38000000"], []),
    (0x40000000, 0x30000000, 0x20000000,
     ["OF: fdt:Ignoring memory range 0x30000000 - 0x40000000"], [(0x40000000, 0x10000000)]),
    # v4.9 quirk: a sub-page block at address 0 has size 0 after the masking, and
    # base + size - 1 wraps in u64, so the block grows to all of 4 GiB above PHYS_OFFSET
    (0x40000000, 0, 0x800,
     ["OF: fdt:Ignoring memory range 0x100000000 - 0x0",
      "OF: fdt:Ignoring memory range 0x0 - 0x40000000"], [(0x40000000, 0xBFFFFFFF)]),
    (0, 0, 0x800, ["OF: fdt:Ignoring memory range 0x100000000 - 0x0"], []),
])
def test_add_memory_arch_checks(machine, phys_offset, base, size, lines, added):
    memory_h.get().phys_offset = phys_offset
    early_init_dt_add_memory_arch(base, size)
    assert machine.dmesg() == lines
    assert regions("memory") == added
    if lines:
        assert all(r.level == 4 for r in machine.log.records)  # pr_warn


def test_add_memory_arch_through_the_memory_scan(machine):
    memory_h.get().phys_offset = 0x40000000
    root = virt_root(mem=((0x3F000000, 0x2000000), (0x50000000, 0x10000000)))
    assert early_init_dt_scan(build_dtb(root))
    assert machine.dmesg() == ["OF: fdt:Ignoring memory range 0x3f000000 - 0x40000000"]
    assert regions("memory") == [(0x40000000, 0x1000000), (0x50000000, 0x10000000)]


@pytest.mark.parametrize("addr, size", [(0, 0), (0xFFFFFFFF, 1), (0x40000000, 0xC0000000)])
def test_root_cells_that_would_hang_v49_are_diagnosed(machine, addr, size):
    root = Node("", {"#address-cells": u32s(addr), "#size-cells": u32s(size)})
    root.add(Node("memory", {"device_type": b"memory\0", "reg": u32s(0x60000000, 0x1000000)}))
    assert early_init_dt_scan(build_dtb(root))
    assert regions("memory") == []
    assert any("loop forever" in d.message for d in machine.diagnostics)


# -- chosen ------------------------------------------------------------------------------------

def chosen_blob(props=None, name="chosen", parent=None):
    root = virt_root()
    root.children = [c for c in root.children if c.name != "chosen"]
    host = root.add(Node(parent)) if parent else root
    host.add(Node(name, props or {}))
    return build_dtb(root)


def cmdline_after(blob, config=None):
    with Machine(config=config):
        assert early_init_dt_scan(blob)
        return init_h.get().boot_command_line


def test_bootargs_become_the_command_line():
    assert cmdline_after(chosen_blob({"bootargs": b"console=ttyAMA0 cma=16M\0"})) == \
        "console=ttyAMA0 cma=16M"
    assert cmdline_after(chosen_blob({"bootargs": b"a=1\0"}, name="chosen@0")) == "a=1"
    assert cmdline_after(chosen_blob({"bootargs": b"a=1\0"}, parent="soc")) == ""
    assert cmdline_after(chosen_blob({"bootargs": b""})) == ""
    assert cmdline_after(chosen_blob({})) == ""
    # without its NUL the value loses its last character (strlcpy with len as the size)
    assert cmdline_after(chosen_blob({"bootargs": b"mem=64M"})) == "mem=64"
    # COMMAND_LINE_SIZE is 1024: 1023 characters survive
    assert cmdline_after(chosen_blob({"bootargs": b"x" * 2000 + b"\0"})) == "x" * 1023
    assert cmdline_after(chosen_blob({"bootargs": b"a=1\0b=2\0"})) == "a=1"


def config(**kw):
    c = KernelConfig()
    for k, v in kw.items():
        c.set("CONFIG_" + k, v)
    c.finalize()
    return c


@pytest.mark.parametrize("mode, builtin, bootargs, expected", [
    ("CMDLINE_FROM_BOOTLOADER", "root=/dev/vda", b"console=ttyAMA0\0", "console=ttyAMA0"),
    ("CMDLINE_FROM_BOOTLOADER", "root=/dev/vda", None, "root=/dev/vda"),
    ("CMDLINE_EXTEND", "root=/dev/vda", b"console=ttyAMA0\0", "console=ttyAMA0 root=/dev/vda"),
    ("CMDLINE_EXTEND", "root=/dev/vda", None, " root=/dev/vda"),
    ("CMDLINE_EXTEND", "", b"console=ttyAMA0\0", "console=ttyAMA0 "),  # always the space
    ("CMDLINE_FORCE", "root=/dev/vda", b"console=ttyAMA0\0", "root=/dev/vda"),
    ("CMDLINE_FORCE", "", b"console=ttyAMA0\0", ""),
])
def test_config_cmdline(mode, builtin, bootargs, expected):
    props = {} if bootargs is None else {"bootargs": bootargs}
    cfg = config(CMDLINE=builtin, **{mode: True})
    assert cmdline_after(chosen_blob(props), cfg) == expected


def test_cmdline_extend_is_cut_to_command_line_size():
    cfg = config(CMDLINE="y" * 100, CMDLINE_EXTEND=True)
    line = cmdline_after(chosen_blob({"bootargs": b"x" * 1000 + b"\0"}), cfg)
    assert line == "x" * 1000 + " " + "y" * 22 and len(line) == 1023


def test_chosen_is_scanned_before_the_root_cells(machine):
    """v4.9 scans /chosen first; the initrd cells do not depend on #address-cells."""
    machine.log.debug_all = True
    assert early_init_dt_scan(chosen_blob({"bootargs": b"quiet\0"}))
    log = machine.dmesg()
    assert log.index("OF: fdt:Command line is: quiet") < log.index("OF: fdt:dt_root_size_cells = 2")


def test_initrd_from_chosen(machine):
    memory_h.get().phys_offset = RAM
    props = {"linux,initrd-start": u32s(0x48000000), "linux,initrd-end": u32s(0, 0x48100000)}
    assert early_init_dt_scan(chosen_blob(props))
    s = initrd_h.get()
    assert (s.initrd_start, s.initrd_end, s.initrd_below_start_ok) == (0xC8000000, 0xC8100000, 1)


def test_initrd_needs_both_properties_and_the_config():
    blob = chosen_blob({"linux,initrd-start": u32s(0x48000000)})
    with Machine():
        assert early_init_dt_scan(blob)
        assert initrd_h.get().initrd_start == 0
    blob = chosen_blob({"linux,initrd-start": u32s(0x48000000), "linux,initrd-end": u32s(0x48100000)})
    with Machine(config=config(BLK_DEV_INITRD=False)):
        assert early_init_dt_scan(blob)
        assert initrd_h.get().initrd_end == 0


# -- machine match -----------------------------------------------------------------------------

def vexpress_root(model=b"V2P-CA9\0", compatible=b"arm,vexpress,v2p-ca9\0arm,vexpress\0"):
    props = {"compatible": compatible}
    if model is not None:
        props["model"] = model
    return Node("", props)


def test_machine_model_line_and_best_match(machine):
    assert early_init_dt_verify(build_dtb(vexpress_root()))
    candidates = [("generic-vexpress", ["arm,vexpress"]),
                  ("other", ["ti,omap4"]),
                  ("ca9", ["foo", "ARM,Vexpress,V2P-CA9"])]  # compared without case
    assert of_flat_dt_match_machine("default", lambda: candidates) == "ca9"
    assert machine.dmesg() == ["OF: fdt:Machine model: V2P-CA9"]
    assert machine.log.records[-1].level == 6


def test_machine_model_falls_back_to_compatible_and_default(machine):
    assert early_init_dt_verify(build_dtb(vexpress_root(model=None)))
    assert of_flat_dt_match_machine("default", lambda: [("x", ["ti,omap4"])]) == "default"
    assert machine.dmesg() == ["OF: fdt:Machine model: arm,vexpress,v2p-ca9"]


def test_no_machine_matches(machine):
    assert early_init_dt_verify(build_dtb(vexpress_root()))
    assert of_flat_dt_match_machine(None, lambda: [("x", ["ti,omap4"])]) is None
    assert machine.dmesg() == ["OF: fdt:", " unrecognized device tree list:", "[ ",
                               "'arm,vexpress,v2p-ca9' ", "'arm,vexpress' ", "]", ""]


def test_compatible_scores(machine):
    blob = build_dtb(vexpress_root())
    assert of_fdt_is_compatible(blob, 0, "arm,vexpress,v2p-ca9") == 1
    assert of_fdt_is_compatible(blob, 0, "ARM,VEXPRESS") == 2
    assert of_fdt_is_compatible(blob, 0, "arm,vexpress,v2p") == 0
    assert of_fdt_match(blob, 0, ["x", "arm,vexpress", "arm,vexpress,v2p-ca9"]) == 1
    assert of_fdt_match(blob, 0, ["x"]) == 0
    assert of_fdt_match(blob, 0, None) == 0
    nocompat = build_dtb(Node(""))
    assert of_fdt_is_compatible(nocompat, 0, "x") == 0


# -- of_scan_flat_dt ---------------------------------------------------------------------------

def test_scan_visits_every_node_in_document_order(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("a")).add(Node("b"))
    # blobs before version 16 stored full paths as names; the scan passes the basename
    root.add(Node("/old/style@1"))
    blob = build_dtb(root)
    assert early_init_dt_verify(blob)
    seen = []

    def it(node, uname, depth, data):
        seen.append((uname, depth, data))
        return 0

    assert of_scan_flat_dt(it, "d") == 0
    assert seen == [("", 0, "d"), ("memory@40000000", 1, "d"), ("chosen", 1, "d"),
                    ("reserved-memory", 1, "d"), ("a", 2, "d"), ("b", 3, "d"),
                    ("style@1", 1, "d")]
    seen.clear()
    assert of_scan_flat_dt(lambda n, u, d, x: seen.append(u) or (7 if u == "chosen" else 0),
                           None) == 7
    assert seen == ["", "memory@40000000", "chosen"]
    rm_off = of_get_flat_dt_subnode_by_name(0, "reserved-memory")
    assert of_get_flat_dt_prop(rm_off, "ranges") == (b"", 0)
    assert of_get_flat_dt_subnode_by_name(0, "nothing") == -FDT_ERR_NOTFOUND


# -- reserved memory: the fdt.c side -----------------------------------------------------------

def scan_reserved(root, rsv=(), debug=False):
    """Boot-like sequence on the running machine: scan, reserve the DTB, scan reserved-memory."""
    blob = build_dtb(root, rsv)
    if debug:
        from cmaport.kernel.machine import this_machine
        this_machine().log.debug_all = True
    assert early_init_dt_scan(blob, DTB_PA)
    early_init_fdt_scan_reserved_mem()
    return blob


def test_static_regions_reserved_or_removed(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("fw@4f000000", {"reg": cells(2, 0x4F000000, 0x100000), "no-map": b""}))
    rm.add(Node("region@48000000", {"reg": cells(2, 0x48000000, 0x200000)}))
    scan_reserved(root, debug=True)
    assert regions("memory") == [(0x40000000, 0xF000000), (0x4F100000, 0x10F00000)]
    assert regions("reserved") == [(0x48000000, 0x200000)]
    assert saved() == [("region@48000000", 0x48000000, 0x200000),
                       ("fw@4f000000", 0x4F000000, 0x100000)]
    log = machine.dmesg()
    assert "OF: fdt:Reserved memory: reserved region for node 'fw@4f000000': base 0x4f000000, size 1 MiB" in log
    assert "OF: fdt:Reserved memory: reserved region for node 'region@48000000': base 0x48000000, size 2 MiB" in log


def test_every_reg_tuple_is_reserved_but_only_the_first_saved(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("multi", {"reg": cells(2, 0x44000000, 0x100000, 0x0, 0x0, 0x46000000, 0x100000)}))
    scan_reserved(root)
    assert regions("reserved") == [(0x44000000, 0x100000), (0x46000000, 0x100000)]
    assert saved() == [("multi", 0x44000000, 0x100000)]
    # the zero-size tuple is reported as a failure, at info level
    assert machine.dmesg() == ["OF: fdt:Reserved memory: failed to reserve memory for node "
                               "'multi': base 0x00000000, size 0 MiB"]
    assert machine.log.records[0].level == 6


def test_a_failed_first_tuple_is_saved_all_the_same(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("zero@48000000", {"reg": cells(2, 0x48000000, 0)}))
    scan_reserved(root)
    assert machine.dmesg() == ["OF: fdt:Reserved memory: failed to reserve memory for node "
                               "'zero@48000000': base 0x48000000, size 0 MiB"]
    assert saved() == [("zero@48000000", 0x48000000, 0)]
    assert regions("reserved") == []


def test_invalid_reg_and_regions_without_reg_or_size(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("bad", {"reg": u32s(0, 0x48000000, 0x100000)}))  # 3 cells for 2+2
    rm.add(Node("empty-reg", {"reg": b"", "size": cells(2, 0x100000)}))  # reg wins, saves nothing
    rm.add(Node("nothing", {"compatible": b"x\0"}))
    rm.add(Node("dyn", {"size": cells(2, 0x100000)}))
    scan_reserved(root)
    assert machine.dmesg()[0] == \
        "OF: fdt:Reserved memory: invalid reg property in 'bad', skipping node."
    assert machine.log.records[0].level == 3
    assert [name for name, _, _ in saved()] == ["dyn"]


@pytest.mark.parametrize("rm_cells, ranges", [(1, True), (2, False)])
def test_unsupported_reserved_memory_node(machine, rm_cells, ranges):
    root = virt_root()
    rm = reserved_memory(root, ncells=rm_cells, ranges=ranges)
    rm.add(Node("fw@4f000000", {"reg": u32s(0x4F000000, 0x100000)}))
    rm.add(Node("linux,cma", {"size": u32s(0x4000000)}))
    scan_reserved(root)
    assert machine.dmesg() == ["OF: fdt:Reserved memory: unsupported node format, ignoring"]
    assert saved() == [] and regions("reserved") == []


def test_status_and_grandchildren_and_the_end_of_the_scan(machine):
    root = virt_root()
    rm = reserved_memory(root)
    rm.add(Node("off", {"status": b"disabled\0", "reg": cells(2, 0x41000000, 0x100000)}))
    rm.add(Node("fail", {"status": b"fail\0", "size": cells(2, 0x100000)}))
    rm.add(Node("ok", {"status": b"ok\0", "reg": cells(2, 0x42000000, 0x100000)}))
    rm.add(Node("okay", {"status": b"okay\0", "reg": cells(2, 0x43000000, 0x100000)}))
    # v4.9 quirk: a grandchild of /reserved-memory is a region too
    group = rm.add(Node("group"))
    group.add(Node("inner@44000000", {"reg": cells(2, 0x44000000, 0x100000)}))
    # a depth-2 node after /reserved-memory is not
    root.add(Node("later")).add(Node("r@45000000", {"reg": cells(2, 0x45000000, 0x100000)}))
    # nor a reserved-memory node deeper in the tree
    root.add(Node("soc")).add(Node("reserved-memory", {"#address-cells": u32s(2),
                                                       "#size-cells": u32s(2), "ranges": b""}))
    scan_reserved(root)
    assert regions("reserved") == [(0x42000000, 0x100000), (0x43000000, 0x100000),
                                   (0x44000000, 0x100000)]
    assert sorted(name for name, _, _ in saved()) == ["inner@44000000", "ok", "okay"]


def test_memreserve_first_then_regions(machine, monkeypatch):
    calls = []
    real = F.early_init_dt_reserve_memory_arch

    def spy(base, size, nomap):
        calls.append((base, size, nomap))
        return real(base, size, nomap)

    monkeypatch.setattr(F, "early_init_dt_reserve_memory_arch", spy)
    root = virt_root()
    reserved_memory(root).add(Node("r@4a000000", {"reg": cells(2, 0x4A000000, 0x100000),
                                                  "no-map": b""}))
    # the u64 /memreserve/ entries are handed over as 32-bit phys_addr_t
    scan_reserved(root, rsv=[(0x41000000, 0x2000), (0x140000000, 0x1000)])
    assert calls == [(0x41000000, 0x2000, 0), (0x40000000, 0x1000, 0),
                     (0x4A000000, 0x100000, True)]
    assert (0x41000000, 0x2000) in regions("reserved")


def test_reserve_self(machine):
    blob = build_dtb(virt_root())
    assert early_init_dt_scan(blob, DTB_PA)
    early_init_fdt_reserve_self()
    assert regions("reserved") == [(DTB_PA, len(blob))]


def test_reserve_self_without_an_address_is_a_diagnostic(machine):
    assert early_init_dt_scan(build_dtb(virt_root()))
    early_init_fdt_reserve_self()
    assert regions("reserved") == []
    assert machine.diagnostics and "address is unknown" in machine.diagnostics[0].message


def test_nothing_happens_without_a_blob(machine):
    early_init_fdt_reserve_self()
    early_init_fdt_scan_reserved_mem()
    assert regions("reserved") == [] and machine.dmesg() == []


def test_found_is_static_a_second_scan_does_nothing(machine):
    root = virt_root()
    reserved_memory(root).add(Node("dyn", {"size": cells(2, 0x100000)}))
    scan_reserved(root)
    assert len(saved()) == 1
    early_init_fdt_scan_reserved_mem()
    assert len(saved()) == 1


# -- robustness ------------------------------------------------------------------------------

@st.composite
def damaged_boot_blobs(draw):
    root = virt_root()
    root.children[1].props["bootargs"] = b"console=ttyAMA0\0"
    rm = reserved_memory(root)
    rm.add(Node("fw@4f000000", {"reg": cells(2, 0x4F000000, 0x100000), "no-map": b""}))
    rm.add(Node("pool", {"compatible": b"shared-dma-pool\0", "reusable": b"",
                         "size": cells(2, 0x400000), "alignment": cells(2, 0x100000),
                         "alloc-ranges": cells(2, 0x44000000, 0x4000000)}))
    blob = bytearray(build_dtb(root, [(0x41000000, 0x1000)]))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(blob) - 1))
        blob[at] = draw(st.integers(0, 255))
    return bytes(blob)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(damaged_boot_blobs())
def test_damaged_blobs_never_raise(blob):
    with Machine():
        if early_init_dt_verify(blob, DTB_PA):
            of_flat_dt_match_machine(None, lambda: [("virt", ["linux,dummy-virt"])])
            early_init_dt_scan_nodes()
            early_init_fdt_reserve_self()
            early_init_fdt_scan_reserved_mem()


def test_bootargs_longer_than_command_line_size_are_cut_with_a_note():
    from cmaport.include.linux.init import init_h
    from cmaport.kernel.machine import Machine

    line = "console=ttyAMA0 " + "x" * 1010 + " cma=16M"
    m = Machine(cmdline=line)
    m.boot(until="setup_arch")
    with m:
        assert init_h.get().boot_command_line == line[:1023]
    # the cma= past the cut never reached early_cma: the Kconfig default (64 MiB) is used
    assert "cma: Reserved 64 MiB at 0x9c000000" in m.dmesg()
    assert any("/chosen/bootargs: 1034 characters, more than COMMAND_LINE_SIZE - 1 = 1023"
               in str(d) for d in m.diagnostics)
