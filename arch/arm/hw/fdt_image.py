# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: the firmware's side of device trees — read, edit and write FDT blobs.

The kernel reads a device tree blob through its libfdt subset (``lib/fdt*.py``). The
*bootloader* builds and patches the blob before the kernel runs: QEMU and U-Boot
replace the ``/memory`` node, write ``/chosen/bootargs`` and the initrd location. This
module is that firmware code. It is written independently of the kernel's libfdt port
(it shares no code with it), so each can be checked against the other.

* ``parse_dtb(blob)`` → ``(root Node, memreserve list)``; malformed blobs raise
  ``DeviceTreeError`` naming the offset.
* ``build_dtb(root, memreserve)`` → bytes: a version-17 blob laid out as ``dtc`` does
  (header, reservation map, structure block, strings block).
* ``compile_dts(path)`` runs the system ``dtc`` (through ``cpp`` when the source has
  ``#include`` lines, as the kernel build does).
"""

import os
import re
import shutil
import struct
import subprocess
import tempfile

from cmaport.kernel.errors import DeviceTreeError, read_input_file

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE = 1
FDT_END_NODE = 2
FDT_PROP = 3
FDT_NOP = 4
FDT_END = 9
FDT_V17_SIZE = 40


class Node:
    """Simulated: one device-tree node (name with unit address, properties, children)."""

    __slots__ = ("name", "props", "children", "parent")

    def __init__(self, name, props=None, children=None):
        self.name = name
        self.props = dict(props or {})
        self.children = []
        self.parent = None
        for c in children or ():
            self.add(c)

    def add(self, child):
        """Simulated: append ``child`` to this node's children; returns it."""
        child.parent = self
        self.children.append(child)
        return child

    def child(self, name):
        """Simulated: the direct child named ``name`` (with its unit address), or ``None``."""
        for c in self.children:
            if c.name == name:
                return c
        return None

    def find(self, path):
        """Simulated: the node at an absolute path (``/reserved-memory/linux,cma``), or ``None``."""
        node = self
        for part in path.strip("/").split("/"):
            if not part:
                continue
            node = node.child(part)
            if node is None:
                return None
        return node

    def ensure(self, path):
        """Simulated: the node at an absolute path, creating the missing nodes on the way."""
        node = self
        for part in path.strip("/").split("/"):
            if not part:
                continue
            nxt = node.child(part)
            if nxt is None:
                nxt = node.add(Node(part))
            node = nxt
        return node

    def path(self):
        """Simulated: this node's absolute path (``/`` for the root)."""
        if self.parent is None:
            return "/"
        parent = self.parent.path()
        return (parent if parent != "/" else "") + "/" + self.name

    def walk(self, depth=0):
        """Simulated: this node and its descendants, depth first, as ``(node, depth)``."""
        yield self, depth
        for c in self.children:
            yield from c.walk(depth + 1)

    # -- property helpers ----------------------------------------------------
    def get_u32s(self, name):
        """Simulated: a property as big-endian u32 cells (``None`` if absent)."""
        v = self.props.get(name)
        if v is None:
            return None
        return list(struct.unpack(">%dI" % (len(v) // 4), v[: len(v) // 4 * 4]))

    def get_str(self, name):
        """Simulated: a string property's first string (``None`` if absent)."""
        v = self.props.get(name)
        if v is None:
            return None
        return v.split(b"\0", 1)[0].decode("utf-8", "replace")

    def get_strs(self, name):
        """Simulated: a string-list property's strings (``[]`` if absent)."""
        v = self.props.get(name)
        if v is None:
            return []
        return [s.decode("utf-8", "replace") for s in v.split(b"\0")[:-1]]

    def set_u32s(self, name, values):
        """Simulated: set a property to big-endian u32 cells."""
        self.props[name] = struct.pack(">%dI" % len(values), *values)

    def set_str(self, name, s):
        """Simulated: set a property to one NUL-terminated string."""
        self.props[name] = s.encode() + b"\0"

    def set_cells(self, name, numbers_and_cells):
        """Simulated: set a property from ``[(value, ncells), ...]`` (big-endian cells)."""
        out = []
        for value, ncells in numbers_and_cells:
            for i in reversed(range(ncells)):
                out.append((value >> (32 * i)) & 0xFFFFFFFF)
        self.set_u32s(name, out)

    def __repr__(self):
        return f"Node({self.path()!r})"


def cells(values, ncells):
    """Simulated: split a big-endian cell list into numbers of ``ncells`` cells each.

    ``ncells`` of 0 (or less) gives no numbers: groups of no cells cannot be counted.
    """
    out = []
    if ncells <= 0:
        return out
    for i in range(0, len(values) - ncells + 1, ncells):
        v = 0
        for c in values[i:i + ncells]:
            v = (v << 32) | c
        out.append(v)
    return out


def _u32(blob, off, what):
    """Simulated: the big-endian u32 at ``off``; past the end, ``DeviceTreeError`` naming ``what``."""
    if off + 4 > len(blob):
        raise DeviceTreeError("device tree blob", f"truncated: {what} at offset {off:#x} "
                              f"runs past the end ({len(blob):#x} bytes)")
    return struct.unpack_from(">I", blob, off)[0]


def parse_dtb(blob, source="device tree blob"):
    """Simulated: parse a flattened device tree into ``(root, memreserve)``."""
    if len(blob) < FDT_V17_SIZE:
        raise DeviceTreeError(source, f"truncated: {len(blob)} bytes, shorter than the "
                              f"{FDT_V17_SIZE}-byte header")
    (magic, totalsize, off_struct, off_strings, off_rsv, version, last_comp,
     _boot_cpu, size_strings, size_struct) = struct.unpack_from(">10I", blob, 0)
    if magic != FDT_MAGIC:
        raise DeviceTreeError(source, f"bad magic {magic:#010x} at offset 0x0 (expected 0xd00dfeed)")
    if version < 16 or last_comp > 17:
        raise DeviceTreeError(source, f"unsupported FDT version {version} (last compatible {last_comp})")
    if totalsize > len(blob):
        raise DeviceTreeError(source, f"truncated: header totalsize {totalsize:#x} > blob size {len(blob):#x}")
    for name, off, size in (("structure block", off_struct, size_struct),
                            ("strings block", off_strings, size_strings)):
        if off + size > totalsize:
            raise DeviceTreeError(source, f"{name} at {off:#x}+{size:#x} runs past totalsize {totalsize:#x}")
    rsv = []
    off = off_rsv
    while True:
        if off + 16 > totalsize:
            raise DeviceTreeError(source, f"memory reservation map at {off_rsv:#x} is not terminated")
        addr, size = struct.unpack_from(">QQ", blob, off)
        off += 16
        if addr == 0 and size == 0:
            break
        rsv.append((addr, size))

    def string_at(nameoff):
        """Simulated: the name at ``nameoff`` in the strings block (which must hold it)."""
        start = off_strings + nameoff
        end = blob.find(b"\0", start, off_strings + size_strings)
        if nameoff >= size_strings or end < 0:
            raise DeviceTreeError(source, f"property name offset {nameoff:#x} is outside the strings block")
        return blob[start:end].decode("utf-8", "replace")

    off = off_struct
    end_struct = off_struct + size_struct
    stack = []
    root = None
    while True:
        tag = _u32(blob, off, "tag")
        tag_off = off
        off += 4
        if tag == FDT_BEGIN_NODE:
            nul = blob.find(b"\0", off, end_struct)
            if nul < 0:
                raise DeviceTreeError(source, f"node name at {off:#x} is not terminated")
            name = blob[off:nul].decode("utf-8", "replace")
            off = (nul + 1 + 3) & ~3
            node = Node(name)
            if stack:
                stack[-1].add(node)
            elif root is None:
                root = node
            else:
                raise DeviceTreeError(source, f"second root node at {tag_off:#x}")
            stack.append(node)
        elif tag == FDT_END_NODE:
            if not stack:
                raise DeviceTreeError(source, f"unbalanced END_NODE at {tag_off:#x}")
            stack.pop()
        elif tag == FDT_PROP:
            length = _u32(blob, off, "property length")
            nameoff = _u32(blob, off + 4, "property name offset")
            off += 8
            if off + length > end_struct:
                raise DeviceTreeError(source, f"property at {tag_off:#x} ({length} bytes) runs past the structure block")
            if not stack:
                raise DeviceTreeError(source, f"property outside any node at {tag_off:#x}")
            stack[-1].props[string_at(nameoff)] = bytes(blob[off:off + length])
            off = (off + length + 3) & ~3
        elif tag == FDT_NOP:
            continue
        elif tag == FDT_END:
            if stack:
                raise DeviceTreeError(source, f"END at {tag_off:#x} with {len(stack)} node(s) still open")
            break
        else:
            raise DeviceTreeError(source, f"bad tag {tag:#x} at offset {tag_off:#x}")
        if off > end_struct:
            raise DeviceTreeError(source, f"structure block overrun at {off:#x}")
    if root is None:
        raise DeviceTreeError(source, "no root node")
    return root, rsv


def build_dtb(root, memreserve=(), boot_cpuid_phys=0):
    """Simulated: write a version-17 FDT blob, laid out as dtc lays it out."""
    strings = bytearray()
    string_offsets = {}

    def nameoff(name):
        """Simulated: ``name``'s offset in the strings block, added on first use."""
        if name not in string_offsets:
            string_offsets[name] = len(strings)
            strings.extend(name.encode() + b"\0")
        return string_offsets[name]

    st = bytearray()

    def emit(node):
        """Simulated: write ``node`` and its subtree into the structure block."""
        st.extend(struct.pack(">I", FDT_BEGIN_NODE))
        st.extend(node.name.encode() + b"\0")
        while len(st) % 4:
            st.append(0)
        for pname, value in node.props.items():
            st.extend(struct.pack(">III", FDT_PROP, len(value), nameoff(pname)))
            st.extend(value)
            while len(st) % 4:
                st.append(0)
        for c in node.children:
            emit(c)
        st.extend(struct.pack(">I", FDT_END_NODE))

    emit(root)
    st.extend(struct.pack(">I", FDT_END))
    rsv = bytearray()
    for addr, size in memreserve:
        rsv.extend(struct.pack(">QQ", addr, size))
    rsv.extend(struct.pack(">QQ", 0, 0))
    off_rsv = FDT_V17_SIZE
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(st)
    total = off_strings + len(strings)
    header = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv, 17, 16,
                         boot_cpuid_phys, len(strings), len(st))
    return bytes(header + rsv + st + strings)


def dtc_available():
    """Simulated: whether the device-tree compiler is on PATH."""
    return shutil.which("dtc") is not None


def compile_dts(path, include_dirs=()):
    """Simulated: compile a ``.dts`` file with the system ``dtc`` (and ``cpp`` for #include).

    :raises DeviceTreeError: the file cannot be read, ``dtc`` (or ``cpp``) is missing, or the
        source does not compile (the compiler's first error, with its file:line, on one line)
    """
    source = read_input_file(path, DeviceTreeError, "a device-tree source").decode(
        "utf-8", errors="replace")
    if not dtc_available():
        raise DeviceTreeError(path, "cannot compile a .dts: the device-tree compiler `dtc` is "
                              "not on PATH (install device-tree-compiler, or pass a .dtb)")
    dirs = [os.path.dirname(os.path.abspath(path))] + list(include_dirs)
    inc = []
    for d in dirs:
        inc += ["-i", d]
    src_path = path
    tmp = None
    try:
        if any(line.lstrip().startswith("#include") for line in source.splitlines()):
            if shutil.which("cpp") is None:
                raise DeviceTreeError(path, "the source has #include lines but the C preprocessor "
                                      "`cpp` is not on PATH")
            cpp_args = ["cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp"]
            for d in dirs:
                cpp_args += ["-I", d]
            pre = subprocess.run(cpp_args + [path], capture_output=True, text=True)
            if pre.returncode != 0:
                raise DeviceTreeError(path, "cpp failed: " + _one_line(pre.stderr))
            fd, tmp = tempfile.mkstemp(suffix=".dts")
            with os.fdopen(fd, "w") as f:
                f.write(pre.stdout)
            src_path = tmp
        res = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb"] + inc + [src_path],
                             capture_output=True)
        if res.returncode != 0:
            raise DeviceTreeError(path, "dtc failed: "
                                  + _one_line(res.stderr.decode(errors="replace")))
        return res.stdout
    finally:
        if tmp:
            os.unlink(tmp)


# gcc's source excerpt under a diagnostic: "    2 | #include ..." and "      |   ^~~~"
_EXCERPT = re.compile(r"^\s*\d*\s*\|")
_LOCATED = re.compile(r"(?:^|\s)\S+:\d+[.:]\d+")


def _one_line(stderr):
    """Simulated: a compiler's error output as one line.

    The first error that names a file:line comes first (else the first error, else the
    first line); the other lines follow in parentheses, ``; ``-separated.
    """
    lines = [l.strip() for l in stderr.splitlines() if l.strip() and not _EXCERPT.match(l)]
    if not lines:
        return "no message"
    errors = [l for l in lines if "error" in l.lower()]
    located = [l for l in errors if _LOCATED.search(l)]
    head = (located or errors or lines)[0]
    rest = [l for l in lines if l is not head]
    return head + (" (" + "; ".join(rest) + ")" if rest else "")


def load_device_tree(path, include_dirs=()):
    """Simulated: the blob of a ``.dtb`` file, or of a ``.dts`` file compiled with dtc."""
    if path.endswith(".dts") or path.endswith(".dtsi"):
        return compile_dts(path, include_dirs)
    return read_input_file(path, DeviceTreeError, "a device-tree blob")
