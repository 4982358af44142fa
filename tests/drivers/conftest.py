# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the driver tests: small device trees, boots, and the Debian DTB corpus.

Tests reach the helpers through the ``dt`` fixture (a namespace) because pytest's
importlib mode does not let test modules import each other.

The corpus: Debian's armhf kernel DTBs are looked for in ``$CMAPORT_DTB_DIR``, then in
``tests/data/cache/debian-dtbs/`` (filled by ``tools/fetch_debian_dtbs.sh``, git-ignored).
A test that asks for ``corpus_dtb`` gets one parameter per DTB listed in
``tests/data/oracle/dtbs-with-reserved-memory.txt``; without the DTBs it gets a single
``None`` and skips.
"""

import os
import pathlib
import struct
import types

import pytest

from cmaport.arch.arm.hw.board import Board
from cmaport.arch.arm.hw.fdt_image import Node, build_dtb
from cmaport.kernel.machine import Machine

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data"
ORACLE = DATA / "oracle"
DTB_CACHE = DATA / "cache" / "debian-dtbs"
DTB_LIST = ORACLE / "dtbs-with-reserved-memory.txt"


def u32s(*v):
    """Big-endian cells."""
    return struct.pack(">%dI" % len(v), *v)


def strs(*s):
    """A string-list property value."""
    return b"".join(x.encode() + b"\0" for x in s)


def node(name, **props):
    """A node; in keyword names ``__`` stands for ',' and ``_`` for '-', ``hash_`` for '#'
    (``device_type`` keeps its underscore)."""
    p = {}
    for k, v in props.items():
        if k != "device_type":
            k = k.replace("hash_", "#").replace("__", ",").replace("_", "-")
        p[k] = v
    return Node(name, p)


RAM = 0x60000000
RAM_SIZE = 0x10000000  # 256 MiB, all lowmem


def tree(ram=RAM, ram_size=RAM_SIZE):
    """A minimal 1/1-cell tree with memory, /chosen and an empty /reserved-memory."""
    root = node("", hash_address_cells=u32s(1), hash_size_cells=u32s(1),
                compatible=strs("cmaport,test-board"), model=strs("cmaport test board"))
    root.add(node("chosen"))
    root.add(node("memory@%x" % ram, device_type=strs("memory"), reg=u32s(ram, ram_size)))
    root.add(node("reserved-memory", hash_address_cells=u32s(1), hash_size_cells=u32s(1),
                  ranges=b""))
    return root


def board(root, name="test", ram=None, **kw):
    """A Board for a tree built with ``tree()``/``node()``."""
    return Board(name, build_dtb(root), ram=ram, source=f"<{name}>", **kw)


def boot(b=None, until="setup_arch", cmdline="", config=()):
    """Boot a machine (the built-in board for ``None``) and return it."""
    m = Machine(board=b, cmdline=cmdline)
    for s in config:
        m.config.set_assignment(s)
    return m.boot(until=until)


def find_debian_dtbs():
    """The directory holding Debian's armhf DTBs, or ``None``."""
    env = os.environ.get("CMAPORT_DTB_DIR")
    for d in ([pathlib.Path(env)] if env else []) + [DTB_CACHE]:
        if d.is_dir() and any(d.rglob("*.dtb")):
            return d
    return None


def corpus_entries():
    """``{dtb file name: [region lines of dtbs-with-reserved-memory.txt]}``."""
    entries = {}
    for line in DTB_LIST.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        name = line.split()[0]
        entries.setdefault(name, []).append(line)
    return entries


def pytest_generate_tests(metafunc):
    if "corpus_dtb" in metafunc.fixturenames:
        d = find_debian_dtbs()
        if d is None:
            metafunc.parametrize("corpus_dtb", [None], ids=["no-debian-dtbs"])
        else:
            names = sorted(corpus_entries())
            metafunc.parametrize("corpus_dtb", [(d, n) for n in names], ids=names)


@pytest.fixture
def dt():
    """The helpers above, as one namespace."""
    return types.SimpleNamespace(u32s=u32s, strs=strs, node=node, tree=tree, board=board,
                                 boot=boot, RAM=RAM, RAM_SIZE=RAM_SIZE, Node=Node,
                                 build_dtb=build_dtb, find_debian_dtbs=find_debian_dtbs,
                                 corpus_entries=corpus_entries, ORACLE=ORACLE, ROOT=ROOT)
