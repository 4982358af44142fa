# SPDX-License-Identifier: GPL-2.0-only
"""lib/fdt.c, lib/fdt_ro.c: the libfdt port against independent readers and writers.

* the firmware-side FDT writer/reader (cmaport.arch.arm.hw.fdt_image, written separately);
* the real libfdt through pylibfdt, when it is installed (optional extra ``[fdt]``);
* ``dtc``, when it is on PATH.
"""

import shutil
import struct
import subprocess

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from cmaport.arch.arm.hw.fdt_image import Node, build_dtb, parse_dtb
from cmaport.include.linux.libfdt import (
    FDT_BEGIN_NODE, FDT_END, FDT_ERR_BADMAGIC, FDT_ERR_BADOFFSET, FDT_ERR_BADPATH,
    FDT_ERR_BADPHANDLE, FDT_ERR_BADSTATE, FDT_ERR_BADSTRUCTURE, FDT_ERR_BADVERSION,
    FDT_ERR_NOSPACE, FDT_ERR_NOTFOUND, FDT_ERR_TRUNCATED, FDT_NOP, FDT_PROP, FDT_SW_MAGIC,
    fdt_off_dt_struct, fdt_totalsize,
)
from cmaport.lib.fdt import (
    _fdt_check_node_offset, _fdt_check_prop_offset, fdt_check_header, fdt_first_subnode,
    fdt_next_node, fdt_next_subnode, fdt_next_tag, fdt_offset_ptr,
)
from cmaport.lib.fdt_ro import (
    fdt_first_property_offset, fdt_get_alias, fdt_get_mem_rsv, fdt_get_name, fdt_get_path,
    fdt_get_phandle, fdt_get_property_by_offset, fdt_getprop, fdt_getprop_by_offset,
    fdt_next_property_offset, fdt_node_check_compatible, fdt_node_depth,
    fdt_node_offset_by_compatible, fdt_node_offset_by_phandle, fdt_num_mem_rsv,
    fdt_parent_offset, fdt_path_offset, fdt_stringlist_contains, fdt_string,
    fdt_subnode_offset, fdt_supernode_atdepth_offset,
)


def u32s(*v):
    return struct.pack(">%dI" % len(v), *v)


def sample_tree():
    root = Node("", {"#address-cells": u32s(1), "#size-cells": u32s(1),
                     "compatible": b"arm,vexpress,v2p-ca9\0arm,vexpress\0",
                     "model": b"V2P-CA9\0"})
    root.add(Node("aliases", {"serial0": b"/smb@4000000/motherboard/uart@9000\0",
                              "rm": b"/reserved-memory\0"}))
    root.add(Node("chosen", {"bootargs": b"console=ttyAMA0\0"}))
    root.add(Node("memory@60000000", {"device_type": b"memory\0",
                                      "reg": u32s(0x60000000, 0x20000000)}))
    rm = root.add(Node("reserved-memory", {"#address-cells": u32s(1), "#size-cells": u32s(1),
                                           "ranges": b""}))
    rm.add(Node("vram@18000000", {"compatible": b"shared-dma-pool\0",
                                  "reg": u32s(0x18000000, 0x800000), "no-map": b"",
                                  "phandle": u32s(3)}))
    rm.add(Node("linux,cma", {"compatible": b"shared-dma-pool\0", "reusable": b"",
                              "size": u32s(0x4000000), "linux,phandle": u32s(4)}))
    smb = root.add(Node("smb@4000000", {"compatible": b"simple-bus\0"}))
    mb = smb.add(Node("motherboard"))
    mb.add(Node("uart@9000", {"compatible": b"arm,pl011\0arm,primecell\0"}))
    mb.add(Node("uart@a000", {"compatible": b"arm,pl011\0arm,primecell\0"}))
    return root


@pytest.fixture
def tree():
    return sample_tree()


@pytest.fixture
def blob(tree):
    return build_dtb(tree, [(0x1000, 0x2000), (0x70000000, 0x100000)])


def offset_of(blob, path):
    off = fdt_path_offset(blob, path)
    assert off >= 0, (path, off)
    return off


def port_tree(blob):
    """Read the whole tree with the port: (name, props, children)."""
    def node(off):
        name, length = fdt_get_name(blob, off)
        assert length == len(name)
        props = {}
        p = fdt_first_property_offset(blob, off)
        while p >= 0:
            value, pname, plen = fdt_getprop_by_offset(blob, p)
            assert plen == len(value)
            props[pname.decode()] = value
            p = fdt_next_property_offset(blob, p)
        assert p == -FDT_ERR_NOTFOUND
        children = []
        c = fdt_first_subnode(blob, off)
        while c >= 0:
            children.append(node(c))
            c = fdt_next_subnode(blob, c)
        assert c == -FDT_ERR_NOTFOUND
        return name.decode(), props, children
    return node(0)


def node_tree(n):
    return n.name, dict(n.props), [node_tree(c) for c in n.children]


def walk(blob):
    """(offset, depth) of every node, with fdt_next_node and a depth (as of_scan_flat_dt).

    :return: the nodes, and where the walk stopped: the offset after the root's
        END_NODE (depth -1) for a sound blob, or the error code
    """
    out = []
    off, depth = fdt_next_node(blob, -1, -1)
    while off >= 0 and depth >= 0:
        out.append((off, depth))
        off, depth = fdt_next_node(blob, off, depth)
    if off >= 0:
        assert depth == -1 and fdt_next_tag(blob, off)[0] == FDT_END
        return out, "end"
    return out, off


# -- against the firmware's writer ------------------------------------------------

def test_walk_names_props_and_children(tree, blob):
    assert fdt_check_header(blob) == 0
    assert port_tree(blob) == node_tree(tree)


def test_document_order_depths_paths_parents(tree, blob):
    nodes, end = walk(blob)
    assert end == "end"
    # without a depth the walk runs into FDT_END: "not found"
    assert fdt_next_node(blob, nodes[-1][0], None)[0] == -FDT_ERR_NOTFOUND
    expected = list(tree.walk())
    assert [d for _, d in nodes] == [d for _, d in expected]
    by_path = {}
    for (off, depth), (n, d) in zip(nodes, expected):
        err, path = fdt_get_path(blob, off, 256)
        assert err == 0 and path.decode() == n.path()
        assert fdt_path_offset(blob, n.path()) == off
        assert fdt_node_depth(blob, off) == depth
        by_path[n.path()] = off
    for n, _ in expected:
        if n.parent is not None:
            assert fdt_parent_offset(blob, by_path[n.path()]) == by_path[n.parent.path()]
    assert fdt_parent_offset(blob, 0) == -FDT_ERR_NOTFOUND
    # the ancestor at depth 1 of a depth-3 node
    uart = by_path["/smb@4000000/motherboard/uart@a000"]
    assert fdt_supernode_atdepth_offset(blob, uart, 1) == (by_path["/smb@4000000"], 3)
    assert fdt_supernode_atdepth_offset(blob, uart, 4) == (-FDT_ERR_NOTFOUND, 3)


def test_paths_without_unit_address_aliases_and_subnodes(blob):
    mem = offset_of(blob, "/memory@60000000")
    assert fdt_path_offset(blob, "/memory") == mem
    assert fdt_path_offset(blob, "//memory@60000000/") == mem
    assert fdt_path_offset(blob, "/memory@6") == -FDT_ERR_NOTFOUND
    assert fdt_path_offset(blob, "/nothing") == -FDT_ERR_NOTFOUND
    assert fdt_path_offset(blob, "/") == 0
    # aliases: the first component of a relative path
    assert fdt_get_alias(blob, "rm") == b"/reserved-memory\0"
    assert fdt_path_offset(blob, "rm/linux,cma") == offset_of(blob, "/reserved-memory/linux,cma")
    assert fdt_path_offset(blob, "serial0") == offset_of(blob, "/smb/motherboard/uart@9000")
    assert fdt_path_offset(blob, "nosuchalias/x") == -FDT_ERR_BADPATH
    rm = offset_of(blob, "/reserved-memory")
    assert fdt_subnode_offset(blob, rm, "vram") == offset_of(blob, "/reserved-memory/vram@18000000")
    assert fdt_subnode_offset(blob, rm, "linux") == -FDT_ERR_NOTFOUND
    assert fdt_first_subnode(blob, offset_of(blob, "/chosen")) == -FDT_ERR_NOTFOUND


def test_properties_phandles_and_compatibles(blob):
    cma = offset_of(blob, "/reserved-memory/linux,cma")
    vram = offset_of(blob, "/reserved-memory/vram@18000000")
    assert fdt_getprop(blob, cma, "size") == (u32s(0x4000000), 4)
    assert fdt_getprop(blob, cma, "reusable") == (b"", 0)
    assert fdt_getprop(blob, cma, "no-map") == (None, -FDT_ERR_NOTFOUND)
    assert fdt_getprop(blob, cma, b"siz") == (None, -FDT_ERR_NOTFOUND)
    assert fdt_get_phandle(blob, vram) == 3
    assert fdt_get_phandle(blob, cma) == 4  # linux,phandle
    assert fdt_get_phandle(blob, 0) == 0
    assert fdt_node_offset_by_phandle(blob, 3) == vram
    assert fdt_node_offset_by_phandle(blob, 4) == cma
    assert fdt_node_offset_by_phandle(blob, 5) == -FDT_ERR_NOTFOUND
    assert fdt_node_offset_by_phandle(blob, 0) == -FDT_ERR_BADPHANDLE
    assert fdt_node_offset_by_phandle(blob, 0xFFFFFFFF) == -FDT_ERR_BADPHANDLE
    assert fdt_node_check_compatible(blob, 0, "arm,vexpress") == 0
    assert fdt_node_check_compatible(blob, 0, "arm,vexp") == 1
    assert fdt_node_check_compatible(blob, offset_of(blob, "/chosen"), "x") == -FDT_ERR_NOTFOUND
    first = fdt_node_offset_by_compatible(blob, -1, "shared-dma-pool")
    assert first == vram
    assert fdt_node_offset_by_compatible(blob, first, "shared-dma-pool") == cma
    assert fdt_node_offset_by_compatible(blob, cma, "shared-dma-pool") == -FDT_ERR_NOTFOUND
    assert fdt_node_offset_by_compatible(blob, -1, "arm,primecell") == \
        offset_of(blob, "/smb/motherboard/uart@9000")
    # a property by offset: the struct and its name in the strings block
    p = fdt_first_property_offset(blob, cma)
    prop, length = fdt_get_property_by_offset(blob, p)
    assert (prop.tag, prop.len, prop.data) == (FDT_PROP, 16, b"shared-dma-pool\0")
    assert fdt_string(blob, prop.nameoff) == b"compatible"


def test_stringlist_contains():
    lst = b"arm,pl011\0arm,primecell\0"
    assert fdt_stringlist_contains(lst, len(lst), "arm,primecell") == 1
    assert fdt_stringlist_contains(lst, len(lst), "arm,pl011") == 1
    assert fdt_stringlist_contains(lst, len(lst), "arm") == 0
    assert fdt_stringlist_contains(lst, len(lst), "arm,primecell\0x") == 1  # C stops at the NUL
    # the last string without its NUL still matches (the byte after a value is 0)
    assert fdt_stringlist_contains(b"abc", 3, "abc") == 1
    assert fdt_stringlist_contains(b"abcd", 4, "abc") == 0
    assert fdt_stringlist_contains(b"", 0, "") == 1  # C compares one NUL past the end


def test_memory_reservation_map(blob):
    assert fdt_num_mem_rsv(blob) == 2
    assert fdt_get_mem_rsv(blob, 0) == (0, 0x1000, 0x2000)
    assert fdt_get_mem_rsv(blob, 1) == (0, 0x70000000, 0x100000)
    assert fdt_get_mem_rsv(blob, 2) == (0, 0, 0)  # the terminator
    assert fdt_num_mem_rsv(build_dtb(Node(""))) == 0


def test_next_tag_steps_over_items(blob):
    tag, nxt = fdt_next_tag(blob, 0)
    assert tag == FDT_BEGIN_NODE and nxt == 8  # tag + "" + NUL, padded
    tag, nxt2 = fdt_next_tag(blob, nxt)
    assert tag == FDT_PROP and nxt2 == nxt + 12 + 4
    assert _fdt_check_node_offset(blob, 0) == 8
    assert _fdt_check_prop_offset(blob, 8) == nxt2
    assert _fdt_check_prop_offset(blob, 0) == -FDT_ERR_BADOFFSET
    assert fdt_offset_ptr(blob, 0, 4) == u32s(FDT_BEGIN_NODE)


# -- bad offsets and bad blobs -------------------------------------------------------

def test_bad_offsets(blob):
    size = len(blob)
    for off in (-4, 2, 4, 8, size, 1 << 20, 0x7FFFFFFC):
        assert fdt_get_name(blob, off) == (None, -FDT_ERR_BADOFFSET), off
        assert fdt_first_property_offset(blob, off) == -FDT_ERR_BADOFFSET, off
        assert fdt_getprop(blob, off, "reg") == (None, -FDT_ERR_BADOFFSET), off
        if off >= 0:  # a negative offset means "from the start"
            assert fdt_next_node(blob, off, 0) == (-FDT_ERR_BADOFFSET, 0), off
    assert fdt_next_node(blob, -4, 0) == (0, 1)
    cma = offset_of(blob, "/reserved-memory/linux,cma")
    assert fdt_next_property_offset(blob, cma) == -FDT_ERR_BADOFFSET  # a node, not a property
    assert fdt_get_property_by_offset(blob, cma) == (None, -FDT_ERR_BADOFFSET)
    assert fdt_offset_ptr(blob, -4, 4) is None
    assert fdt_offset_ptr(blob, 0x7FFFFFFF, 4) is None
    assert fdt_offset_ptr(blob, 0xFFFFFFF0, 0x20) is None  # unsigned wrap-around
    assert fdt_get_path(blob, 6, 256) == (-FDT_ERR_BADOFFSET, None)
    assert fdt_get_path(blob, cma, 8) == (-FDT_ERR_NOSPACE, None)
    assert fdt_get_path(blob, 0, 1) == (-FDT_ERR_NOSPACE, None)


def patched(blob, at, value):
    b = bytearray(blob)
    b[at:at + 4] = u32s(value)
    return bytes(b)


def test_header_errors(blob):
    bad = patched(blob, 0, 0x12345678)
    assert fdt_check_header(bad) == -FDT_ERR_BADMAGIC
    assert fdt_path_offset(bad, "/chosen") == -FDT_ERR_BADMAGIC
    assert fdt_get_name(bad, 0) == (None, -FDT_ERR_BADMAGIC)
    assert fdt_get_mem_rsv(bad, 0) == (-FDT_ERR_BADMAGIC, None, None)
    assert fdt_node_offset_by_phandle(bad, 3) == -FDT_ERR_BADMAGIC
    assert fdt_check_header(b"") == -FDT_ERR_BADMAGIC
    assert fdt_check_header(b"\xd0\x0d") == -FDT_ERR_BADMAGIC
    assert fdt_check_header(patched(blob, 20, 15)) == -FDT_ERR_BADVERSION  # version
    assert fdt_check_header(patched(blob, 24, 18)) == -FDT_ERR_BADVERSION  # last_comp_version
    sw = patched(patched(blob, 0, FDT_SW_MAGIC), 36, 0)
    assert fdt_check_header(sw) == -FDT_ERR_BADSTATE
    assert fdt_check_header(patched(blob, 0, FDT_SW_MAGIC)) == 0
    # a buffer shorter than its header says
    assert fdt_check_header(blob[:-1]) == -FDT_ERR_TRUNCATED
    assert fdt_check_header(blob[:20]) == -FDT_ERR_BADVERSION  # the version field is missing
    assert fdt_check_header(blob + b"\0" * 8) == 0  # a larger buffer is fine


def cut_struct(blob, size_struct, keep_bytes=True):
    """The blob with its structure block cut to ``size_struct`` bytes (header updated)."""
    cut = fdt_off_dt_struct(blob) + size_struct
    b = bytearray(blob[:cut] if keep_bytes else blob)
    if keep_bytes:
        b[4:8] = u32s(cut)
    b[36:40] = u32s(size_struct)
    return bytes(b)


def test_truncated_structure_block(blob):
    chosen = fdt_path_offset(blob, "/chosen")
    # cut at a tag boundary: there is no room for the next tag
    short = cut_struct(blob, chosen)
    assert fdt_check_header(short) == 0
    nodes, end = walk(short)
    assert [o for o, _ in nodes] == [0, fdt_path_offset(blob, "/aliases")]
    assert end == -FDT_ERR_TRUNCATED
    # without a depth, running out of structure is only "not found"
    assert fdt_next_node(short, nodes[-1][0], None)[0] == -FDT_ERR_NOTFOUND
    # cut inside an item: the tag is there, the rest is not
    assert walk(cut_struct(blob, chosen + 6))[1] == -FDT_ERR_BADSTRUCTURE
    assert walk(cut_struct(blob, chosen + 6, keep_bytes=False))[1] == -FDT_ERR_BADSTRUCTURE
    assert fdt_get_name(cut_struct(blob, chosen + 6), chosen) == (None, -FDT_ERR_BADOFFSET)


def test_bad_tag_and_bad_lengths(tree):
    blob = build_dtb(tree)
    chosen = fdt_path_offset(blob, "/chosen")
    base = fdt_off_dt_struct(blob)
    bad = patched(blob, base + chosen, 0x77)  # not a tag
    assert fdt_get_name(bad, chosen) == (None, -FDT_ERR_BADOFFSET)
    assert walk(bad)[1] == -FDT_ERR_BADSTRUCTURE
    # a NOP where a tag was is skipped
    root = Node("", {"a": b"1\0"})
    root.add(Node("x"))
    b = bytearray(build_dtb(root))
    p = fdt_first_property_offset(bytes(b), 0)
    b[fdt_off_dt_struct(b) + p:fdt_off_dt_struct(b) + p + 4] = u32s(FDT_NOP)
    b[fdt_off_dt_struct(b) + p + 4:fdt_off_dt_struct(b) + p + 16] = u32s(FDT_NOP) * 3
    nb = bytes(b)
    assert fdt_first_property_offset(nb, 0) == -FDT_ERR_NOTFOUND
    assert fdt_get_name(nb, fdt_first_subnode(nb, 0)) == (b"x", 1)
    # a property whose length runs past the block, or would wrap a C int
    mem = fdt_path_offset(blob, "/memory")
    reg = fdt_first_property_offset(blob, mem)
    while fdt_getprop_by_offset(blob, reg)[1] != b"device_type":
        reg = fdt_next_property_offset(blob, reg)
    for length in (0x10000, 0xFFFFFFF8):
        bad = patched(blob, base + reg + 4, length)
        assert fdt_getprop(bad, mem, "device_type") == (None, -FDT_ERR_BADSTRUCTURE)
        assert fdt_getprop(bad, mem, "reg") == (None, -FDT_ERR_BADSTRUCTURE)
        assert fdt_next_tag(bad, reg) == (FDT_END, -FDT_ERR_BADSTRUCTURE)
    # a name offset outside the strings block reads as an empty name
    bad = patched(blob, base + reg + 8, 0x7FFFFFF0)
    assert fdt_getprop_by_offset(bad, reg)[1] == b""
    assert fdt_getprop(bad, mem, "device_type") == (None, -FDT_ERR_NOTFOUND)


def test_header_totalsize_beyond_buffer_never_reads_past_it(tree):
    blob = build_dtb(tree)
    b = bytearray(blob)
    b[4:8] = u32s(len(blob) + 0x1000)
    lying = bytes(b)
    assert fdt_check_header(lying) == -FDT_ERR_TRUNCATED
    assert fdt_path_offset(lying, "/chosen") == -FDT_ERR_TRUNCATED
    assert fdt_offset_ptr(lying, len(blob), 4) is None
    assert fdt_totalsize(lying) == len(blob) + 0x1000


# -- random trees ------------------------------------------------------------------

name_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789,-_")
node_names = st.tuples(st.text(name_chars, min_size=1, max_size=12),
                       st.none() | st.integers(0, 0xFFFFFFFF)).map(
    lambda t: t[0] if t[1] is None else f"{t[0]}@{t[1]:x}")
prop_names = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz,-#"), min_size=1, max_size=16)
prop_values = st.binary(max_size=24)


@st.composite
def trees(draw, max_depth=3):
    counter = iter(range(1, 1000))

    def make(name, depth):
        props = draw(st.dictionaries(prop_names.filter(lambda n: n not in ("phandle",
                                                                          "linux,phandle")),
                                     prop_values, max_size=4))
        if draw(st.booleans()):
            props["phandle"] = u32s(next(counter))
        n = Node(name, props)
        if depth < max_depth:
            for child in draw(st.lists(node_names, max_size=3, unique=True)):
                n.add(make(child, depth + 1))
        return n

    root = make("", 0)
    rsv = draw(st.lists(st.tuples(st.integers(0, 2**64 - 1), st.integers(1, 2**64 - 1)),
                        max_size=3))
    return root, rsv


def _libfdt_match(root, path):
    """The node libfdt's fdt_path_offset() finds for ``path`` (first-match rule)."""
    node = root
    for comp in path.strip("/").split("/"):
        if not comp:
            continue
        node = next(c for c in node.children
                    if c.name == comp or ("@" not in comp and c.name.startswith(comp + "@")))
    return node


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(trees())
def test_random_trees_round_trip(tr):
    root, rsv = tr
    blob = build_dtb(root, rsv)
    assert port_tree(blob) == node_tree(root)
    assert fdt_num_mem_rsv(blob) == len(rsv)
    for i, (a, s) in enumerate(rsv):
        assert fdt_get_mem_rsv(blob, i) == (0, a, s)
    nodes, end = walk(blob)
    assert end == "end"
    offsets = {id(n): off for (off, _), (n, _) in zip(nodes, root.walk())}
    for (off, depth), (n, d) in zip(nodes, root.walk()):
        assert depth == d
        err, path = fdt_get_path(blob, off, 4096)
        assert path.decode() == n.path()
        # libfdt matches a path component without a unit address against the first
        # sibling named either exactly so or so followed by '@…' (fdt_nodename_eq_).
        assert fdt_path_offset(blob, n.path()) == offsets[id(_libfdt_match(root, n.path()))]
        ph = n.props.get("phandle")
        if ph is not None:
            assert fdt_get_phandle(blob, off) == struct.unpack(">I", ph)[0]
            assert fdt_node_offset_by_phandle(blob, struct.unpack(">I", ph)[0]) == off


@st.composite
def damaged(draw):
    root, rsv = draw(trees(max_depth=2))
    blob = bytearray(build_dtb(root, rsv))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(blob) - 1))
        blob[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        blob = blob[:draw(st.integers(0, len(blob)))]
    return bytes(blob)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(damaged())
def test_damaged_blobs_give_error_codes_not_exceptions(blob):
    fdt_check_header(blob)
    fdt_num_mem_rsv(blob)
    fdt_get_mem_rsv(blob, 0)
    steps = 0
    off, depth = fdt_next_node(blob, -1, -1)
    while off >= 0 and depth >= 0:
        steps += 1
        assert steps < 10000
        fdt_get_name(blob, off)
        fdt_get_path(blob, off, 512)
        fdt_parent_offset(blob, off)
        p = fdt_first_property_offset(blob, off)
        while p >= 0:
            fdt_getprop_by_offset(blob, p)
            p = fdt_next_property_offset(blob, p)
        assert isinstance(p, int)
        fdt_getprop(blob, off, "compatible")
        prev, off = off, None
        off, depth = fdt_next_node(blob, prev, depth)
        assert off < 0 or off > prev
    for path in ("/", "/chosen", "a/b", "/x@1/y"):
        assert isinstance(fdt_path_offset(blob, path), int)
    assert isinstance(fdt_node_offset_by_phandle(blob, 1), int)
    assert isinstance(fdt_node_offset_by_compatible(blob, -1, "a"), int)


# -- against the real libfdt ----------------------------------------------------------

def _libfdt():
    return pytest.importorskip("libfdt", reason="pylibfdt not installed (optional extra: pip install .[fdt])")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(trees())
def test_against_pylibfdt(tr):
    libfdt = _libfdt()
    root, rsv = tr
    blob = build_dtb(root, rsv)
    f = libfdt.Fdt(blob)
    q = (libfdt.NOTFOUND, libfdt.BADOFFSET, libfdt.BADPATH, libfdt.BADPHANDLE)
    assert f.num_mem_rsv() == fdt_num_mem_rsv(blob)
    for i in range(f.num_mem_rsv()):
        assert f.get_mem_rsv(i) == list(fdt_get_mem_rsv(blob, i)[1:])
    nodes, _ = walk(blob)
    for off, depth in nodes:
        assert f.get_name(off) == fdt_get_name(blob, off)[0].decode()
        assert f.get_path(off) == fdt_get_path(blob, off, 4096)[1].decode()
        assert f.parent_offset(off, q) == fdt_parent_offset(blob, off)
        assert libfdt.fdt_node_depth(f._fdt, off) == fdt_node_depth(blob, off)
        assert f.first_subnode(off, q) == fdt_first_subnode(blob, off)
        assert f.next_subnode(off, q) == fdt_next_subnode(blob, off)
        assert f.first_property_offset(off, q) == fdt_first_property_offset(blob, off)
        assert f.get_phandle(off) == fdt_get_phandle(blob, off)
        assert libfdt.fdt_node_check_compatible(f._fdt, off, "a") == \
            fdt_node_check_compatible(blob, off, "a")
        p = fdt_first_property_offset(blob, off)
        while p >= 0:
            value, name, _ = fdt_getprop_by_offset(blob, p)
            assert bytes(f.getprop(off, name.decode())) == value
            assert f.next_property_offset(p, q) == fdt_next_property_offset(blob, p)
            p = fdt_next_property_offset(blob, p)
        assert f.getprop(off, "no-such-prop", q) == fdt_getprop(blob, off, "no-such-prop")[1]
        path = fdt_get_path(blob, off, 4096)[1].decode()
        short = "/".join(part.split("@")[0] for part in path.split("/"))
        assert f.path_offset(short or "/", q) == fdt_path_offset(blob, short or "/")
    for ph in (0, 1, 2, 3, 50):
        assert f.node_offset_by_phandle(ph, q) == fdt_node_offset_by_phandle(blob, ph)
    assert f.path_offset("/no/such", q) == fdt_path_offset(blob, "/no/such")
    assert f.path_offset("relative", q) == fdt_path_offset(blob, "relative")
    assert libfdt.fdt_node_offset_by_compatible(f._fdt, -1, "a") == \
        fdt_node_offset_by_compatible(blob, -1, "a")


def test_against_pylibfdt_bad_offsets(blob):
    libfdt = _libfdt()
    f = libfdt.Fdt(blob)
    q = (libfdt.BADOFFSET, libfdt.NOTFOUND, libfdt.BADSTRUCTURE)
    for off in (-4, 2, 4, len(blob) + 4):
        assert f.first_property_offset(off, q) == fdt_first_property_offset(blob, off)
        assert f.parent_offset(off, q) == fdt_parent_offset(blob, off)


# -- dtc ---------------------------------------------------------------------------------

DTS = """/dts-v1/;
/memreserve/ 0x61000000 0x00100000;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	model = "cmaport test";
	compatible = "arm,vexpress,v2p-ca9", "arm,vexpress";

	memory@60000000 {
		device_type = "memory";
		reg = <0x60000000 0x20000000>;
	};

	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;

		cma: linux,cma {
			compatible = "shared-dma-pool";
			reusable;
			size = <0x4000000>;
			linux,cma-default;
		};
		vram: vram@18000000 {
			compatible = "shared-dma-pool";
			reg = <0x18000000 0x00800000>;
			no-map;
		};
	};

	clcd@1f000 {
		compatible = "arm,pl111", "arm,primecell";
		memory-region = <&vram>;
	};
	dev {
		memory-region = <&cma>;
	};
};
"""


def _dtc():
    if shutil.which("dtc") is None:
        pytest.skip("the device-tree compiler `dtc` is not on PATH (install device-tree-compiler)")
    return shutil.which("dtc")


def dtc(args, data):
    res = subprocess.run([_dtc(), "-q"] + args, input=data, capture_output=True, check=True)
    return res.stdout


def test_dtc_compiled_source():
    blob = dtc(["-I", "dts", "-O", "dtb"], DTS.encode())
    assert fdt_check_header(blob) == 0
    root, rsv = parse_dtb(blob)
    assert port_tree(blob) == node_tree(root)
    assert [fdt_get_mem_rsv(blob, i)[1:] for i in range(fdt_num_mem_rsv(blob))] == rsv == \
        [(0x61000000, 0x100000)]
    # phandle references resolve to the labelled nodes
    for dev, target in (("/clcd@1f000", "/reserved-memory/vram@18000000"),
                        ("/dev", "/reserved-memory/linux,cma")):
        ph, length = fdt_getprop(blob, fdt_path_offset(blob, dev), "memory-region")
        assert length == 4
        off = fdt_node_offset_by_phandle(blob, struct.unpack(">I", ph)[0])
        assert fdt_get_path(blob, off, 256) == (0, target.encode())
    assert fdt_node_offset_by_compatible(blob, -1, "arm,primecell") == \
        fdt_path_offset(blob, "/clcd")


def test_dtc_round_trip_of_a_firmware_blob(tree, blob):
    again = dtc(["-I", "dtb", "-O", "dtb"], blob)
    assert port_tree(again) == port_tree(blob) == node_tree(tree)
    text = dtc(["-I", "dtb", "-O", "dts"], blob).decode()
    assert "linux,cma {" in text and "/memreserve/" in text
    from_text = dtc(["-I", "dts", "-O", "dtb"], text.encode())
    assert port_tree(from_text) == node_tree(tree)
    assert [fdt_get_mem_rsv(from_text, i) for i in range(fdt_num_mem_rsv(from_text))] == \
        [fdt_get_mem_rsv(blob, i) for i in range(fdt_num_mem_rsv(blob))]


def test_constants_are_libfdts():
    from cmaport.include.linux import libfdt as h
    assert (h.FDT_MAGIC, h.FDT_TAGSIZE, h.FDT_BEGIN_NODE, h.FDT_END_NODE, h.FDT_PROP,
            h.FDT_NOP, FDT_END) == (0xD00DFEED, 4, 1, 2, 3, 4, 9)
    assert (h.FDT_V16_SIZE, h.FDT_V17_SIZE, FDT_SW_MAGIC) == (36, 40, 0x2FF20112)
    codes = ["NOTFOUND", "EXISTS", "NOSPACE", "BADOFFSET", "BADPATH", "BADPHANDLE",
             "BADSTATE", "TRUNCATED", "BADMAGIC", "BADVERSION", "BADSTRUCTURE",
             "BADLAYOUT", "INTERNAL", "BADNCELLS", "BADVALUE"]
    assert [getattr(h, "FDT_ERR_" + c) for c in codes] == list(range(1, 16))
    assert h.FDT_ERR_NAMES[8] == "FDT_ERR_TRUNCATED" and h.FDT_ERR_MAX == 15


def test_path_without_unit_address_takes_the_first_match():
    # libfdt (and the real pylibfdt) resolve "/0" to "0@0" when it comes first.
    root = Node("/")
    root.add(Node("0@0"))
    root.add(Node("0"))
    blob = build_dtb(root)
    assert fdt_path_offset(blob, "/0") == fdt_path_offset(blob, "/0@0")
