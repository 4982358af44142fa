# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/fdt.c: the early, flat device-tree code (before the tree is unflattened).

What the ARM boot needs from it: checking the blob (``early_init_dt_verify``), picking
the machine (``of_flat_dt_match_machine``), the scans of ``/chosen`` (command line,
initrd), of the root's cell sizes and of the ``memory`` nodes
(``early_init_dt_scan_nodes``), the reservation of the blob itself and the
``/memreserve/`` + ``/reserved-memory`` handling (``early_init_fdt_scan_reserved_mem``,
which hands over to drivers/of/of_reserved_mem.c). The blob is read only through the
libfdt port (lib/fdt.py, lib/fdt_ro.py).

Model:

* ``initial_boot_params`` is the blob as ``bytes``: the arch code reads it from the
  simulated RAM and passes it to ``early_init_dt_verify(params, phys)``. Its physical
  address is passed beside it, because ``early_init_fdt_reserve_self`` reserves the
  blob's memory by address (C: ``__pa(initial_boot_params)``).
* A node offset (``unsigned long node``) is an ``int``; a node name (``uname``) and the
  strings the code compares are ``str``; a property comes back from
  ``of_get_flat_dt_prop`` as ``(value bytes or None, len)``.
* A ``const __be32 *`` cursor into a property is the ``bytes`` from that cell on;
  ``dt_mem_next_cell`` returns the number and the advanced cursor. Cells read past the end
  of a short property read as 0 (C reads the blob bytes that follow).
* ``boot_command_line`` (init/main.c, declared in include/linux/init.h) is
  ``init_h.boot_command_line`` of include/linux/init.py, a ``str``.
* ``of_fdt_crc32`` is not computed: only the sysfs export of the raw blob
  (of_fdt_raw_init(), not ported) reads it.

Unflattening (``unflatten_device_tree``, called from ``setup_arch`` after
``paging_init``) builds the tree of ``struct device_node`` (include/linux/of.py) from the
blob, through the libfdt port, with v4.9's two passes: a dry run that adds up the bytes
the nodes and properties need, one ``memblock_alloc`` of that size (so the tree's memory
shows in ``memblock.reserved`` as on the real kernel), then the real pass.

Left out: ``of_fdt_limit_memory`` (writes the blob), the earlycon ``stdout-path`` scan,
``of_fdt_unflatten_tree`` (overlays), the sysfs export of the raw blob and the
``!CONFIG_HAVE_MEMBLOCK`` variants (ARM always has memblock).
"""

from cmaport.arch.arm.include.asm.memory import PAGE_OFFSET, __pa, __va
from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.include.linux.errno import EINVAL, ENOENT
from cmaport.include.linux.init import COMMAND_LINE_SIZE, init_h
from cmaport.include.linux.initrd import initrd_h
from cmaport.include.linux.libfdt import FDT_ERR_NOTFOUND as _FDT_ERR_NOTFOUND
from cmaport.include.linux.libfdt import fdt_totalsize
from cmaport.include.linux.sizes import SZ_1M
from cmaport.kernel.config import CONFIG, IS_ENABLED
from cmaport.kernel.machine import statics, this_machine
from cmaport.kernel.printk import pr_helpers, printk
from cmaport.lib.fdt import fdt_check_header, fdt_next_node
from cmaport.lib.fdt_ro import (fdt_first_property_offset, fdt_get_mem_rsv, fdt_get_name,
                                fdt_getprop, fdt_getprop_by_offset, fdt_next_property_offset,
                                fdt_subnode_offset)

pr_fmt = "OF: fdt:"  # no trailing space in v4.9
_pr = pr_helpers(pr_fmt)
pr_err, pr_warn, pr_info, pr_debug = _pr.err, _pr.warn, _pr.info, _pr.debug
pr_warning = pr_warn  # include/linux/printk.h: the old name, still used in v4.9

# include/linux/of.h
OF_ROOT_NODE_ADDR_CELLS_DEFAULT = 1
OF_ROOT_NODE_SIZE_CELLS_DEFAULT = 1

_U32 = 0xFFFFFFFF  # phys_addr_t, unsigned long (32-bit ARM without LPAE)
_U64 = 0xFFFFFFFFFFFFFFFF  # u64


@statics
class fdt_c:
    """drivers/of/fdt.c: its file-scope (and function-static) variables."""

    # void *initial_boot_params: the blob, or None before early_init_dt_verify()
    initial_boot_params: object = None
    # Model: the blob's physical address (C: __pa() of the pointer), None if not given
    initial_boot_params_pa: object = None
    # int dt_root_addr_cells, dt_root_size_cells: 0 (BSS) until early_init_dt_scan_root()
    dt_root_addr_cells: int = 0
    dt_root_size_cells: int = 0
    # the function-static "found" of __fdt_scan_reserved_mem(): set once, never reset
    fdt_scan_reserved_mem_found: int = 0


# -- small helpers of the headers the C file includes ---------------------------

def be32_to_cpup(p):
    """include/linux/byteorder/generic.h: be32_to_cpup() — the first cell of a property.

    Model: a property shorter than a cell reads as if padded with zero bytes.
    """
    return int.from_bytes(bytes(p[:4]).ljust(4, b"\0"), "big")


def of_read_number(cell, size):
    """include/linux/of.h: of_read_number() — ``size`` cells as one big-endian number (u64).

    More than two cells keep only the low 64 bits: the earlier cells are shifted out of
    the u64, so only the last two are read. Model: a negative ``size`` reads nothing (C
    would loop over about 2^32 cells).
    """
    r = 0
    for i in range(max(size - 2, 0), size):
        r = ((r << 32) | be32_to_cpup(cell[4 * i:4 * i + 4])) & _U64
    return r


def kbasename(path):
    """include/linux/string.h: kbasename() — what follows the last ``/``."""
    tail = path.rfind(b"/")
    return path[tail + 1:] if tail >= 0 else path


def _cstr(value):
    """Model-only: the C string at the start of a property value, as ``bytes``.

    The string ends at its NUL, or at the end of the value (where a well-formed blob
    always has a 0 byte next, see lib/fdt_ro.py).
    """
    nul = value.find(b"\0")
    return value if nul < 0 else value[:nul]


def _str(b):
    """Model-only: blob bytes as the ``str`` the port uses for C strings."""
    return b.decode("utf-8", "replace")


def _tolower(c):
    """include/linux/ctype.h: tolower() — ASCII and Latin-1 capitals (the kernel's _ctype)."""
    if 0x41 <= c <= 0x5A or (0xC0 <= c <= 0xDE and c != 0xD7):
        return c + 0x20
    return c


def _strcasecmp(s1, s2):
    """lib/string.c: strcasecmp() — compare two C strings (``bytes``) ignoring case.

    Model: lib/string.c has no port yet; of_compat_cmp() is this on ARM.
    """
    i = 0
    while True:
        c1 = _tolower(s1[i]) if i < len(s1) else 0
        c2 = _tolower(s2[i]) if i < len(s2) else 0
        if c1 != c2 or c1 == 0:
            return c1 - c2
        i += 1


def _strlcpy(src, size):
    """lib/string.c: strlcpy() — at most ``size - 1`` bytes of the C string ``src``."""
    src = _cstr(src)
    if size:
        return src[:size - 1] if len(src) >= size else src
    return b""


def _strlcat(dest, src, count):
    """lib/string.c: strlcat() — append ``src`` to ``dest`` within a buffer of ``count`` bytes."""
    dsize = len(dest)
    src = _cstr(src)
    # C BUG_ON(dsize >= count): dest always fits its buffer here
    count -= dsize
    length = len(src)
    if length >= count:
        length = count - 1
    return dest + src[:length]


def _s32(x):
    """Model-only: a u32 stored into a C ``int``."""
    return x - (1 << 32) if x & 0x80000000 else x


def _t_len():
    """Model-only: C's ``int t_len = (dt_root_addr_cells + dt_root_size_cells) * sizeof(__be32)``.

    The product is unsigned 32-bit arithmetic stored in an ``int``.
    """
    s = fdt_c.get()
    return _s32(((s.dt_root_addr_cells + s.dt_root_size_cells) * 4) & _U32)


def _cells_unusable(where):
    """Model-only: root cell counts for which the v4.9 loops never end (or read ~2^32 cells).

    When the tuple size (``#address-cells`` + ``#size-cells``, or that times 4) is 0 or
    negative as a C ``int``, the loops over ``reg`` tuples never end (or the ``%`` divides
    by zero); a negative count makes of_read_number() run for ~2^32 cells. The kernel
    hangs or crashes. The port records a diagnostic and skips the node instead.
    """
    s = fdt_c.get()
    if (s.dt_root_addr_cells < 0 or s.dt_root_size_cells < 0
            or _s32((s.dt_root_addr_cells + s.dt_root_size_cells) & _U32) <= 0
            or _t_len() <= 0):
        this_machine().diagnose(
            "drivers/of/fdt.c",
            f"{where}: root #address-cells={s.dt_root_addr_cells} #size-cells="
            f"{s.dt_root_size_cells}: v4.9 would loop forever here; the node is ignored")
        return True
    return False


def _flat_node_path(node):
    """Model-only: the full path of a flat-tree node, for diagnostics (its name if that fails)."""
    from cmaport.lib.fdt_ro import fdt_get_path

    blob = fdt_c.get().initial_boot_params
    err, path = fdt_get_path(blob, node, 4096)
    if err or path is None:
        name, _ = fdt_get_name(blob, node)
        return _str(name) if name is not None else "node at offset %d" % node
    return _str(path)


def _phys_cut(node, prop, value):
    """Model-only: a device-tree number stored in a 32-bit ``phys_addr_t``: its low 32 bits,
    with a diagnostic when that changes it (v4.9 cuts it without a word)."""
    if value > _U32:
        this_machine().diagnose(
            "device tree", "%s: %s %#x does not fit the 32-bit phys_addr_t; v4.9 keeps "
            "its low 32 bits, %#x" % (_flat_node_path(node), prop, value, value & _U32))
    return value & _U32


def _diagnose_kernel_overlap(node, base, size, nomap):
    """Model-only: a static reserved region that overlaps the kernel image.

    v4.9 says nothing: a ``no-map`` region is memblock_remove()d even where the running
    kernel lies, a reserved one is reserved a second time and handed to its user. The
    kernel image is what arm_memblock_init() reserves for it (``_stext`` to ``_end``).
    """
    from cmaport.arch.arm.kernel.vmlinux_lds import sections

    sec = sections()
    kstart = __pa(sec._stext)
    kend = __pa(sec._end)
    end = base + min(size, _U32 - base)  # memblock_cap_size()
    if not (base < kend and kstart < end):
        return
    if nomap:
        what = ("v4.9 removes that part of the running kernel from memory (memblock_remove) "
                "without a word")
    else:
        what = ("v4.9 reserves it a second time without a word, and whoever uses the region "
                "writes over the kernel")
    this_machine().diagnose(
        "drivers/of/fdt.c",
        "%s: %sregion [%#010x-%#010x] overlaps the kernel image [%#010x-%#010x]: %s"
        % (_flat_node_path(node), "no-map " if nomap else "reserved ", base, end - 1,
           kstart, kend - 1, what))


# -- compatible matching on any blob ---------------------------------------------

def of_fdt_is_compatible(blob, node, compat):
    """drivers/of/fdt.c: of_fdt_is_compatible() — is ``compat`` in the node's compatible list?

    :return: 0 for no; otherwise the 1-based position of the match in the list (a smaller
        score is a more specific match). Strings compare without regard to case.
    """
    cp, cplen = fdt_getprop(blob, node, "compatible")
    if cp is None:
        return 0
    want = compat.encode() if isinstance(compat, str) else compat
    score = 0
    pos = 0
    while cplen > 0:
        score += 1
        here = _cstr(cp[pos:])
        if _strcasecmp(here, want) == 0:
            return score
        l = len(here) + 1
        pos += l
        cplen -= l

    return 0


def of_fdt_match(blob, node, compat):
    """drivers/of/fdt.c: of_fdt_match() — the best score of a node against a list of compatibles.

    :param compat: a list of strings (the C NULL-terminated array), or ``None``
    :return: the smallest non-zero score, or 0
    """
    score = 0

    if not compat:
        return 0

    for c in compat:
        tmp = of_fdt_is_compatible(blob, node, c)
        if tmp and (score == 0 or tmp < score):
            score = tmp

    return score


# -- the early flat-tree accessors ---------------------------------------------------

def __reserved_mem_reserve_reg(node, uname):
    """drivers/of/fdt.c: __reserved_mem_reserve_reg() — reserve the ``reg`` ranges of a region node.

    Every ``(base, size)`` tuple is reserved (or removed from memory with ``no-map``),
    and the first one is saved as the region, whether or not reserving it worked.

    :return: 0, ``-ENOENT`` without ``reg``, ``-EINVAL`` when ``reg`` does not divide
        into tuples of the root's cell sizes
    """
    from cmaport.drivers.of.of_reserved_mem import fdt_reserved_mem_save_node

    s = fdt_c.get()
    t_len = _t_len()
    first = 1

    prop, len_ = of_get_flat_dt_prop(node, "reg")
    if prop is None:
        return -ENOENT

    if _cells_unusable("__reserved_mem_reserve_reg"):
        return -EINVAL

    if len_ and len_ % t_len != 0:
        pr_err("Reserved memory: invalid reg property in '%s', skipping node.\n", uname)
        return -EINVAL

    nomap = of_get_flat_dt_prop(node, "no-map")[0] is not None

    while len_ >= t_len:
        # phys_addr_t is 32-bit: the cells are truncated to it
        base, prop = dt_mem_next_cell(s.dt_root_addr_cells, prop)
        size, prop = dt_mem_next_cell(s.dt_root_size_cells, prop)
        base = _phys_cut(node, "reg base", base)
        size = _phys_cut(node, "reg size", size)

        if size:
            _diagnose_kernel_overlap(node, base, size, nomap)  # Model: v4.9 is silent
        if size and early_init_dt_reserve_memory_arch(base, size, nomap) == 0:
            pr_debug("Reserved memory: reserved region for node '%s': base %pa, size %ld MiB\n",
                     uname, base, size // SZ_1M)
        else:
            pr_info("Reserved memory: failed to reserve memory for node '%s': base %pa, size %ld MiB\n",
                    uname, base, size // SZ_1M)

        len_ -= t_len
        if first:
            fdt_reserved_mem_save_node(node, uname, base, size)
            first = 0
    return 0


def __reserved_mem_check_root(node):
    """drivers/of/fdt.c: __reserved_mem_check_root() — can ``/reserved-memory`` be read?

    Its ``#size-cells`` and ``#address-cells`` must equal the root's, and it must have
    ``ranges``.

    :return: 0 or ``-EINVAL``
    """
    s = fdt_c.get()

    prop = of_get_flat_dt_prop(node, "#size-cells")[0]
    if prop is None or be32_to_cpup(prop) != s.dt_root_size_cells & _U32:
        return -EINVAL

    prop = of_get_flat_dt_prop(node, "#address-cells")[0]
    if prop is None or be32_to_cpup(prop) != s.dt_root_addr_cells & _U32:
        return -EINVAL

    prop = of_get_flat_dt_prop(node, "ranges")[0]
    if prop is None:
        return -EINVAL
    return 0


def __fdt_scan_reserved_mem(node, uname, depth, data):
    """drivers/of/fdt.c: __fdt_scan_reserved_mem() — the of_scan_flat_dt() callback for regions.

    It waits for the first depth-1 node named ``reserved-memory`` (checked with
    __reserved_mem_check_root()), then treats every following node of depth 2 **or
    deeper** as a region until a node of depth < 2 ends the scan (v4.9 quirk: grandchildren
    are regions too). Nodes with a ``status`` other than ``okay``/``ok`` are skipped;
    a node with ``reg`` is reserved at once, one with only ``size`` is saved for dynamic
    allocation.

    ``found`` is a function-static in C: set once per boot, never reset, so a second scan
    stops at the root.

    :return: 0 to go on, 1 to stop the scan
    """
    from cmaport.drivers.of.of_reserved_mem import fdt_reserved_mem_save_node

    s = fdt_c.get()

    if not s.fdt_scan_reserved_mem_found and depth == 1 and uname == "reserved-memory":
        if __reserved_mem_check_root(node) != 0:
            pr_err("Reserved memory: unsupported node format, ignoring\n")
            return 1  # stop the scan
        s.fdt_scan_reserved_mem_found = 1
        return 0  # the regions follow
    elif not s.fdt_scan_reserved_mem_found:
        return 0
    elif s.fdt_scan_reserved_mem_found and depth < 2:
        return 1  # past the end of /reserved-memory

    status = of_get_flat_dt_prop(node, "status")[0]
    if status is not None and _cstr(status) != b"okay" and _cstr(status) != b"ok":
        return 0

    err = __reserved_mem_reserve_reg(node, uname)
    if err == -ENOENT and of_get_flat_dt_prop(node, "size")[0] is not None:
        fdt_reserved_mem_save_node(node, uname, 0, 0)
    elif err == -ENOENT:
        # Model: v4.9 skips a region with neither reg nor size without a word
        this_machine().diagnose(
            "drivers/of/fdt.c", "%s: a reserved-memory region with neither reg nor size: v4.9 "
            "ignores it silently" % _flat_node_path(node))

    return 0


def early_init_fdt_scan_reserved_mem():
    """drivers/of/fdt.c: early_init_fdt_scan_reserved_mem() — reserve what the device tree asks for.

    First the header's ``/memreserve/`` entries (memblock_reserve, never no-map), then
    the ``/reserved-memory`` regions, then fdt_init_reserved_mem() allocates the dynamic
    ones and runs the region handlers.
    """
    from cmaport.drivers.of.of_reserved_mem import fdt_init_reserved_mem

    blob = fdt_c.get().initial_boot_params
    if blob is None:
        return

    # the /memreserve/ entries of the header, up to the zero-size terminator
    n = 0
    while True:
        _, base, size = fdt_get_mem_rsv(blob, n)
        if not size:
            break
        # the u64 entries are passed as 32-bit phys_addr_t
        early_init_dt_reserve_memory_arch(base & _U32, size & _U32, 0)
        n += 1

    of_scan_flat_dt(__fdt_scan_reserved_mem, None)
    fdt_init_reserved_mem()


def early_init_fdt_reserve_self():
    """drivers/of/fdt.c: early_init_fdt_reserve_self() — reserve the memory of the blob itself."""
    s = fdt_c.get()
    if s.initial_boot_params is None:
        return
    if s.initial_boot_params_pa is None:
        # Model: the arch code did not say where the blob is (early_init_dt_verify()).
        this_machine().diagnose("drivers/of/fdt.c", "early_init_fdt_reserve_self: the "
                                "blob's address is unknown; it is not reserved")
        return

    # __pa(initial_boot_params): the physical address the arch code handed over
    early_init_dt_reserve_memory_arch(s.initial_boot_params_pa,
                                      fdt_totalsize(s.initial_boot_params), 0)


def of_scan_flat_dt(it, data):
    """drivers/of/fdt.c: of_scan_flat_dt() — call ``it`` on every node, in document order.

    :param it: ``it(node, uname, depth, data)``; a non-zero return stops the scan
    :param data: handed to ``it``
    :return: the last value ``it`` returned (0 when the scan ran to the end)
    """
    blob = fdt_c.get().initial_boot_params
    rc = 0
    depth = -1

    offset, depth = fdt_next_node(blob, -1, depth)
    while offset >= 0 and depth >= 0 and not rc:
        pathp = fdt_get_name(blob, offset)[0]
        if pathp[:1] == b"/":
            # blobs before version 16 store the full path
            pathp = kbasename(pathp)
        rc = it(offset, _str(pathp), depth, data)
        offset, depth = fdt_next_node(blob, offset, depth)
    return rc


def of_get_flat_dt_subnode_by_name(node, uname):
    """drivers/of/fdt.c: of_get_flat_dt_subnode_by_name() — a child's offset, or -FDT_ERR_NOTFOUND."""
    return fdt_subnode_offset(fdt_c.get().initial_boot_params, node, uname)


def of_get_flat_dt_root():
    """drivers/of/fdt.c: of_get_flat_dt_root() — the root node is at offset 0."""
    return 0


def of_get_flat_dt_size():
    """drivers/of/fdt.c: of_get_flat_dt_size() — ``totalsize`` of the blob."""
    return fdt_totalsize(fdt_c.get().initial_boot_params)


def of_get_flat_dt_prop(node, name):
    """drivers/of/fdt.c: of_get_flat_dt_prop() — a property of a node of the boot blob.

    :return: ``(value, len)``, or ``(None, negative error)``
    """
    return fdt_getprop(fdt_c.get().initial_boot_params, node, name)


def of_flat_dt_is_compatible(node, compat):
    """drivers/of/fdt.c: of_flat_dt_is_compatible() — of_fdt_is_compatible() on the boot blob."""
    return of_fdt_is_compatible(fdt_c.get().initial_boot_params, node, compat)


def of_flat_dt_match(node, compat):
    """drivers/of/fdt.c: of_flat_dt_match() — of_fdt_match() on the boot blob."""
    return of_fdt_match(fdt_c.get().initial_boot_params, node, compat)


def of_flat_dt_get_machine_name():
    """drivers/of/fdt.c: of_flat_dt_get_machine_name() — the root's ``model``, else its first compatible.

    :return: a ``str``, or ``None``
    """
    dt_root = of_get_flat_dt_root()

    name = of_get_flat_dt_prop(dt_root, "model")[0]
    if name is None:
        name = of_get_flat_dt_prop(dt_root, "compatible")[0]
    return None if name is None else _str(_cstr(name))


def of_flat_dt_match_machine(default_match, get_next_compat):
    """drivers/of/fdt.c: of_flat_dt_match_machine() — the machine whose compatibles fit the root best.

    :param default_match: returned when no candidate matches (may be ``None``)
    :param get_next_compat: the arch's machine descriptions: called once, it returns the
        ``(data, compat_list)`` pairs in table order. Model: C calls it once per candidate
        (it returns the data and fills ``*compat``; NULL ends the walk) with a static
        cursor; the port takes all pairs in one call, which keeps no cursor state.
    :return: the best candidate's data, ``default_match``, or ``None`` (after printing the
        root's compatible list) when there is neither
    """
    data = None
    best_data = default_match
    best_score = ~1 & _U32  # unsigned int
    score = 0

    dt_root = of_get_flat_dt_root()
    for data, compat in get_next_compat():
        if data is None:
            break
        score = of_flat_dt_match(dt_root, compat) & _U32
        if score > 0 and score < best_score:
            best_data = data
            best_score = score

    if best_data is None:
        pr_err("\n unrecognized device tree list:\n[ ")

        prop, size = of_get_flat_dt_prop(dt_root, "compatible")
        if prop is not None:
            pos = 0
            while size > 0:
                here = _cstr(prop[pos:])
                printk("'%s' ", _str(here))
                size -= len(here) + 1
                pos += len(here) + 1
        printk("]\n\n")
        return None

    pr_info("Machine model: %s\n", of_flat_dt_get_machine_name())

    return best_data


def __early_init_dt_declare_initrd(start, end):
    """drivers/of/fdt.c: __early_init_dt_declare_initrd() — record the initrd (virtual addresses)."""
    s = initrd_h.get()
    s.initrd_start = __va(start & _U32)  # (unsigned long)__va(u64)
    s.initrd_end = __va(end & _U32)
    s.initrd_below_start_ok = 1


def early_init_dt_check_for_initrd(node):
    """drivers/of/fdt.c: early_init_dt_check_for_initrd() — ``linux,initrd-start``/``-end`` of /chosen.

    Both properties are read with as many cells as they have; nothing is checked here.
    Without ``CONFIG_BLK_DEV_INITRD`` it does nothing.
    """
    if not IS_ENABLED("CONFIG_BLK_DEV_INITRD"):
        return

    pr_debug("Looking for initrd properties... ")

    prop, len_ = of_get_flat_dt_prop(node, "linux,initrd-start")
    if prop is None:
        return
    start = of_read_number(prop, len_ // 4)

    prop, len_ = of_get_flat_dt_prop(node, "linux,initrd-end")
    if prop is None:
        return
    end = of_read_number(prop, len_ // 4)

    __early_init_dt_declare_initrd(start, end)

    pr_debug("initrd_start=0x%llx  initrd_end=0x%llx\n", start, end)


def early_init_dt_scan_root(node, uname, depth, data):
    """drivers/of/fdt.c: early_init_dt_scan_root() — the root's ``#size-cells``/``#address-cells``.

    Missing properties give the defaults (1 and 1).

    :return: 1 at the root (stop the scan), else 0
    """
    s = fdt_c.get()

    if depth != 0:
        return 0

    s.dt_root_size_cells = OF_ROOT_NODE_SIZE_CELLS_DEFAULT
    s.dt_root_addr_cells = OF_ROOT_NODE_ADDR_CELLS_DEFAULT

    prop = of_get_flat_dt_prop(node, "#size-cells")[0]
    if prop is not None:
        s.dt_root_size_cells = _s32(be32_to_cpup(prop))
    pr_debug("dt_root_size_cells = %x\n", s.dt_root_size_cells)

    prop = of_get_flat_dt_prop(node, "#address-cells")[0]
    if prop is not None:
        s.dt_root_addr_cells = _s32(be32_to_cpup(prop))
    pr_debug("dt_root_addr_cells = %x\n", s.dt_root_addr_cells)

    return 1


def dt_mem_next_cell(s, cellp):
    """drivers/of/fdt.c: dt_mem_next_cell() — read ``s`` cells and step over them.

    :param cellp: the property bytes from the current cell on (C: ``const __be32 **``)
    :return: ``(value, advanced cellp)``
    """
    p = cellp
    cellp = p[4 * s:] if s > 0 else p
    return of_read_number(p, s), cellp


def early_init_dt_scan_memory(node, uname, depth, data):
    """drivers/of/fdt.c: early_init_dt_scan_memory() — add the ranges of a ``memory`` node.

    Only nodes with ``device_type = "memory"`` count (the PowerPC ``memory@0`` exception
    does not apply on ARM). ``linux,usable-memory`` wins over ``reg``; zero-size tuples
    are skipped, the others go to early_init_dt_add_memory_arch().

    :return: 0 (scan on)
    """
    s = fdt_c.get()
    type_ = of_get_flat_dt_prop(node, "device_type")[0]

    if type_ is None:
        # CONFIG_PPC32 is never set on ARM, so a node without device_type is not memory
        return 0
    elif _cstr(type_) != b"memory":
        return 0

    reg, l = of_get_flat_dt_prop(node, "linux,usable-memory")
    if reg is None:
        reg, l = of_get_flat_dt_prop(node, "reg")
    if reg is None:
        return 0

    endp = l // 4  # cells in the property; reg is consumed from the front

    pr_debug("memory scan node %s, reg size %d,\n", uname, l)

    if _cells_unusable("early_init_dt_scan_memory"):
        return 0

    cells = 0
    while endp - cells >= s.dt_root_addr_cells + s.dt_root_size_cells:
        base, reg = dt_mem_next_cell(s.dt_root_addr_cells, reg)
        size, reg = dt_mem_next_cell(s.dt_root_size_cells, reg)
        cells += s.dt_root_addr_cells + s.dt_root_size_cells

        if size == 0:
            continue
        pr_debug(" - %llx ,  %llx\n", base, size)

        early_init_dt_add_memory_arch(base, size)

    return 0


def early_init_dt_scan_chosen(node, uname, depth, data):
    """drivers/of/fdt.c: early_init_dt_scan_chosen() — initrd and command line from ``/chosen``.

    ``bootargs`` (if present and not empty) replaces the command line, cut to
    ``COMMAND_LINE_SIZE - 1`` bytes (and to its length minus one: a value without a
    trailing NUL loses its last character). Then ``CONFIG_CMDLINE`` applies:
    ``CMDLINE_EXTEND`` appends a space and it (even when it is empty),
    ``CMDLINE_FORCE`` replaces the command line with it, otherwise it is used only when
    the command line is still empty.

    :param data: where the command line goes (C: the ``boot_command_line`` buffer); the
        port passes the ``init_h`` instance that holds it, ``None`` for NULL
    :return: 1 at ``/chosen`` or ``/chosen@0`` (stop the scan), else 0
    """
    pr_debug("search \"chosen\", depth: %d, uname: %s\n", depth, uname)

    if depth != 1 or data is None or (uname != "chosen" and uname != "chosen@0"):
        return 0

    early_init_dt_check_for_initrd(node)

    # the command line from the bootloader
    buf = data.boot_command_line.encode("utf-8")
    p, l = of_get_flat_dt_prop(node, "bootargs")
    if p is not None and l > 0:
        buf = _strlcpy(p, min(l, COMMAND_LINE_SIZE))
        given = p[:l].split(b"\0", 1)[0]
        if len(given) > len(buf):  # Model: v4.9 is silent
            this_machine().diagnose(
                "/chosen/bootargs", "%d characters, more than COMMAND_LINE_SIZE - 1 = %d: v4.9 "
                "drops the rest, from %r" % (len(given), COMMAND_LINE_SIZE - 1,
                                             _str(given[len(buf):len(buf) + 40])))

    # CONFIG_CMDLINE: a default, an addition or a replacement
    cmdline = CONFIG("CONFIG_CMDLINE")
    if cmdline is not None:  # #ifdef CONFIG_CMDLINE (a string symbol is defined even when "")
        cmdline = cmdline.encode("utf-8")
        if IS_ENABLED("CONFIG_CMDLINE_EXTEND"):
            buf = _strlcat(buf, b" ", COMMAND_LINE_SIZE)
            buf = _strlcat(buf, cmdline, COMMAND_LINE_SIZE)
        elif IS_ENABLED("CONFIG_CMDLINE_FORCE"):
            buf = _strlcpy(cmdline, COMMAND_LINE_SIZE)
        else:
            # nothing from the bootloader: take the built-in one
            if not buf:
                buf = _strlcpy(cmdline, COMMAND_LINE_SIZE)
    data.boot_command_line = _str(buf)

    pr_debug("Command line is: %s\n", data.boot_command_line)

    return 1


def MIN_MEMBLOCK_ADDR():
    """drivers/of/fdt.c: MIN_MEMBLOCK_ADDR — ``__pa(PAGE_OFFSET)``, the start of RAM (runtime on ARM)."""
    return __pa(PAGE_OFFSET())


MAX_MEMBLOCK_ADDR = _U32  # drivers/of/fdt.c: (phys_addr_t)~0


def early_init_dt_add_memory_arch(base, size):
    """drivers/of/fdt.c: early_init_dt_add_memory_arch() — page-align a memory range and add it.

    A range that starts inside a page loses the rest of that page; the size is cut to
    whole pages; what lies above the 32-bit physical address space or below the start
    of RAM (``PHYS_OFFSET``) is dropped with a warning; the rest goes to memblock_add().
    The arithmetic is u64 as in C (a tiny range at address 0 wraps; see the tests).
    """
    from cmaport.mm.memblock import memblock_add

    phys_offset = MIN_MEMBLOCK_ADDR()
    # C's PAGE_MASK is an int (-4096): with a u64 it sign-extends and keeps the high bits
    page_mask = ~(PAGE_SIZE - 1) & _U64
    base &= _U64
    size &= _U64

    if base & (PAGE_SIZE - 1):  # !PAGE_ALIGNED(base)
        if size < PAGE_SIZE - (base & ~page_mask & _U64):
            pr_warn("Ignoring memory block 0x%llx - 0x%llx\n", base, (base + size) & _U64)
            return
        size = (size - (PAGE_SIZE - (base & ~page_mask & _U64))) & _U64
        base = ((base + PAGE_SIZE - 1) & page_mask) & _U64  # PAGE_ALIGN()
    size &= page_mask

    if base > MAX_MEMBLOCK_ADDR:
        pr_warning("Ignoring memory block 0x%llx - 0x%llx\n", base, (base + size) & _U64)
        return

    if ((base + size - 1) & _U64) > MAX_MEMBLOCK_ADDR:
        pr_warning("Ignoring memory range 0x%llx - 0x%llx\n",
                   MAX_MEMBLOCK_ADDR + 1, (base + size) & _U64)
        size = (MAX_MEMBLOCK_ADDR - base + 1) & _U64

    if ((base + size) & _U64) < phys_offset:
        pr_warning("Ignoring memory block 0x%llx - 0x%llx\n", base, (base + size) & _U64)
        return
    if base < phys_offset:
        pr_warning("Ignoring memory range 0x%llx - 0x%llx\n", base, phys_offset)
        size = (size - (phys_offset - base)) & _U64
        base = phys_offset
    # memblock_add() takes 32-bit phys_addr_t arguments
    memblock_add(base & _U32, size & _U32)


def early_init_dt_reserve_memory_arch(base, size, nomap):
    """drivers/of/fdt.c: early_init_dt_reserve_memory_arch() — reserve a range, or remove it (no-map).

    :return: what memblock_remove() / memblock_reserve() return
    """
    from cmaport.mm.memblock import memblock_remove, memblock_reserve

    if nomap:
        return memblock_remove(base, size)
    return memblock_reserve(base, size)


def early_init_dt_verify(params, phys=None):
    """drivers/of/fdt.c: early_init_dt_verify() — check the blob's header and adopt it.

    :param params: the blob (``bytes``), or ``None`` for a NULL pointer
    :param phys: Model: the physical address the blob is at (for
        early_init_fdt_reserve_self(); C has the pointer itself)
    :return: ``True`` if the header is usable (the blob becomes ``initial_boot_params``),
        ``False`` otherwise
    """
    if params is None:
        return False

    # is it a device tree at all?
    if fdt_check_header(params):
        return False

    s = fdt_c.get()
    s.initial_boot_params = params
    s.initial_boot_params_pa = phys
    # Model: of_fdt_crc32 is not computed (see the module notes).
    return True


def early_init_dt_scan_nodes():
    """drivers/of/fdt.c: early_init_dt_scan_nodes() — /chosen, then the root's cells, then memory.

    The order is v4.9's: ``/chosen`` is scanned before the root's cell sizes are known.
    """
    # command line and initrd
    of_scan_flat_dt(early_init_dt_scan_chosen, init_h.get())

    # #address-cells / #size-cells of the root
    of_scan_flat_dt(early_init_dt_scan_root, None)

    # the memory nodes, into memblock
    of_scan_flat_dt(early_init_dt_scan_memory, None)


def early_init_dt_scan(params, phys=None):
    """drivers/of/fdt.c: early_init_dt_scan() — verify the blob, then scan it.

    :return: ``False`` when the blob is not usable
    """
    status = early_init_dt_verify(params, phys)
    if not status:
        return False

    early_init_dt_scan_nodes()
    return True


# -- unflattening ---------------------------------------------------------------------

FDT_MAX_DEPTH = 64


def unflatten_dt_alloc(mem, size, align):
    """drivers/of/fdt.c: unflatten_dt_alloc() — carve ``size`` bytes from the tree's memory.

    Model: ``mem`` is the running offset (C: ``void **mem``, starting at the block's base,
    or at 0 in the dry run); the function returns ``(res, new mem)``.
    """
    mem = (mem + align - 1) & ~(align - 1)  # PTR_ALIGN
    res = mem
    mem += size
    return res, mem


def populate_properties(blob, offset, mem, np, nodename, dryrun):
    """drivers/of/fdt.c: populate_properties() — copy a node's properties (and make up ``name``).

    ``phandle``/``linux,phandle`` set the node's phandle (the first one wins),
    ``ibm,phandle`` overrides it. A blob of version 16 or later has no ``name`` property:
    one is made from the unit name (what comes before ``@``).

    :return: the advanced ``mem`` offset
    """
    from cmaport.include.linux.of import ALIGNOF_PROPERTY, SIZEOF_PROPERTY, property

    has_name = False
    pprev_tail = None  # Model: &np->properties, then &pp->next (the last cell)

    cur = fdt_first_property_offset(blob, offset)
    while cur >= 0:
        val, pname, sz = fdt_getprop_by_offset(blob, cur)
        if val is None:
            pr_warn("Cannot locate property at 0x%x\n", cur)
            cur = fdt_next_property_offset(blob, cur)
            continue

        if pname is None:
            pr_warn("Cannot find property name at 0x%x\n", cur)
            cur = fdt_next_property_offset(blob, cur)
            continue
        pname = _str(pname)

        if pname == "name":
            has_name = True

        _, mem = unflatten_dt_alloc(mem, SIZEOF_PROPERTY, ALIGNOF_PROPERTY)
        if dryrun:
            cur = fdt_next_property_offset(blob, cur)
            continue

        # both the ePAPR "phandle" and the older "linux,phandle" are accepted
        if pname == "phandle" or pname == "linux,phandle":
            if not np.phandle:
                np.phandle = be32_to_cpup(val)

        # pSeries' "ibm,phandle" always wins
        if pname == "ibm,phandle":
            np.phandle = be32_to_cpup(val)

        pp = property(name=pname, length=sz, value=bytes(val))
        if pprev_tail is None:
            np.properties = pp
        else:
            pprev_tail.next = pp
        pprev_tail = pp
        cur = fdt_next_property_offset(blob, cur)

    # no "name" property (version 0x10 and later): derive it from the unit name
    if not has_name:
        ps = nodename.rfind("/") + 1
        pa = nodename.rfind("@")
        if pa < ps:
            pa = len(nodename)
        length = (pa - ps) + 1
        _, mem = unflatten_dt_alloc(mem, SIZEOF_PROPERTY + length, ALIGNOF_PROPERTY)
        if not dryrun:
            value = nodename[ps:pa].encode("utf-8") + b"\0"
            pp = property(name="name", length=length, value=value)
            if pprev_tail is None:
                np.properties = pp
            else:
                pprev_tail.next = pp
            pprev_tail = pp
            pr_debug("fixed up name for %s -> %s\n", nodename, value[:-1].decode("utf-8", "replace"))

    # *pprev = NULL: the list already ends in None
    return mem


def populate_node(blob, offset, mem, dad, fpsize, dryrun):
    """drivers/of/fdt.c: populate_node() — make one device_node and link it under ``dad``.

    The full path is rebuilt from the parent's (a version-16+ blob stores only the unit
    name); ``fpsize`` carries the path length down the tree for the dry run's sizes. The
    new node goes to the *front* of the parent's child list (reverse_nodes() fixes the
    order later).

    :return: ``(fpsize, node, mem)``; ``fpsize`` 0 means the node could not be read
    """
    from cmaport.include.linux.of import (ALIGNOF_DEVICE_NODE, SIZEOF_DEVICE_NODE, device_node,
                                          of_node_init)

    pathp, l = fdt_get_name(blob, offset)
    if pathp is None:
        return 0, None, mem
    pathp = _str(pathp)  # l stays the blob's byte length

    l += 1
    allocl = l

    # A version-16+ blob has only the unit name here (no leading '/'); the full path is
    # rebuilt, and fpsize accumulates its length.
    new_format = 0
    if not pathp.startswith("/"):
        new_format = 1
        if fpsize == 0:
            # the root: its path is "/", and its children must not get "//"
            fpsize = 1
            allocl = 2
            l = 1
            pathp = ""
        else:
            # a '/' and the name (its NUL is already in l)
            fpsize += l
            allocl = fpsize

    _, mem = unflatten_dt_alloc(mem, SIZEOF_DEVICE_NODE + allocl, ALIGNOF_DEVICE_NODE)
    np = None
    if not dryrun:
        np = device_node()
        of_node_init(np)
        # Model: the kernel stores the path right after the structure; here it is a str.
        fn = ""
        if new_format:
            if dad is not None and dad.parent is not None:
                fn = dad.full_name
            fn += "/"
        np.full_name = fn + pathp

        if dad is not None:
            np.parent = dad
            np.sibling = dad.child
            dad.child = np

    mem = populate_properties(blob, offset, mem, np, pathp, dryrun)
    if not dryrun:
        from cmaport.drivers.of.base import of_get_property

        name, _ = of_get_property(np, "name")
        type_, _ = of_get_property(np, "device_type")
        np.name = _str(_cstr(name)) if name is not None else None
        np.type = _str(_cstr(type_)) if type_ is not None else None

        if np.name is None:
            np.name = "<NULL>"
        if np.type is None:
            np.type = "<NULL>"

    return fpsize, np, mem


def reverse_nodes(parent):
    """drivers/of/fdt.c: reverse_nodes() — put every child list back into blob order."""
    # depth first
    child = parent.child
    while child is not None:
        reverse_nodes(child)
        child = child.sibling

    # then this node's own list
    child = parent.child
    parent.child = None
    while child is not None:
        nxt = child.sibling
        child.sibling = parent.child
        parent.child = child
        child = nxt


def unflatten_dt_nodes(blob, mem, dad, want_nodes):
    """drivers/of/fdt.c: unflatten_dt_nodes() — one pass over the blob's nodes.

    :param mem: ``None`` for the dry run (only sizes are added up), else the base offset
        of the tree's memory
    :param dad: the parent for a subtree, ``None`` for a whole tree
    :param want_nodes: whether the caller wants the first node back (C: ``nodepp``)
    :return: ``(size, first node)``; ``size`` is negative on a blob error
    """
    from cmaport.kernel.panic import WARN_ON_ONCE

    offset = 0
    depth = 0
    initial_depth = 0
    fpsizes = [0] * (FDT_MAX_DEPTH + 1)
    nps = [None] * (FDT_MAX_DEPTH + 1)
    dryrun = mem is None
    base = 0 if dryrun else mem
    mem = base
    nodepp = None

    # a subtree may have several nodes at its first level: start at depth 1 so that
    # fdt_next_node() goes on past the first one
    if dad is not None:
        depth = initial_depth = 1

    root = dad
    fpsizes[depth] = len(dad.full_name) if dad is not None else 0
    nps[depth] = dad

    while offset >= 0 and depth >= initial_depth:
        if WARN_ON_ONCE(depth >= FDT_MAX_DEPTH):
            offset, depth = fdt_next_node(blob, offset, depth)
            continue

        fpsizes[depth + 1], nps[depth + 1], mem = populate_node(
            blob, offset, mem, nps[depth], fpsizes[depth], dryrun)
        if not fpsizes[depth + 1]:
            return mem - base, nodepp

        if not dryrun and want_nodes and nodepp is None:
            nodepp = nps[depth + 1]
        if not dryrun and root is None:
            root = nps[depth + 1]
        offset, depth = fdt_next_node(blob, offset, depth)

    if offset < 0 and offset != -_FDT_ERR_NOTFOUND:
        pr_err("Error %d processing FDT\n", offset)
        return -EINVAL, nodepp

    # back to blob order: some drivers depend on it
    if not dryrun:
        reverse_nodes(root)

    return mem - base, nodepp


def __unflatten_device_tree(blob, dad, dt_alloc, detached):
    """drivers/of/fdt.c: __unflatten_device_tree() — size the tree, allocate it, build it.

    :param dt_alloc: ``dt_alloc(size, align)`` → the address of the tree's memory
    :return: ``(mem, first node)``; ``mem`` is ``None`` on failure
    """
    from cmaport.include.linux.of import ALIGNOF_DEVICE_NODE, OF_DETACHED, of_node_set_flag
    from cmaport.include.linux.libfdt import fdt_magic, fdt_version

    pr_debug(" -> unflatten_device_tree()\n")

    if blob is None:
        pr_debug("No device tree pointer\n")
        return None, None

    pr_debug("Unflattening device tree:\n")
    pr_debug("magic: %08x\n", fdt_magic(blob))
    pr_debug("size: %08x\n", fdt_totalsize(blob))
    pr_debug("version: %08x\n", fdt_version(blob))

    if fdt_check_header(blob):
        pr_err("Invalid device tree blob header\n")
        return None, None

    # the dry run: how much memory the tree takes
    size, _ = unflatten_dt_nodes(blob, None, dad, False)
    if size < 0:
        return None, None

    size = (size + 3) & ~3  # ALIGN(size, 4)
    pr_debug("  size is %d, allocating...\n", size)

    # the tree's memory, with room for the end marker
    mem = dt_alloc(size + 4, ALIGNOF_DEVICE_NODE)
    # Model: C zeroes the block and writes 0xdeadbeef after it; the nodes here are Python
    # objects, so the reserved bytes are left as they are and the marker cannot be hit.

    pr_debug("  unflattening %p...\n", mem)

    # the real pass
    _, mynodes = unflatten_dt_nodes(blob, mem, dad, True)

    if detached and mynodes is not None:
        of_node_set_flag(mynodes, OF_DETACHED)
        pr_debug("unflattened tree is detached\n")

    pr_debug(" <- unflatten_device_tree()\n")
    return mem, mynodes


def early_init_dt_alloc_memory_arch(size, align):
    """drivers/of/fdt.c: early_init_dt_alloc_memory_arch() (__weak, not overridden by ARM).

    Boot memory for the unflattened tree: ``__va(memblock_alloc(size, align))``, which
    panics when memblock has nothing left.
    """
    from cmaport.mm.memblock import memblock_alloc

    return __va(memblock_alloc(size, align))


def unflatten_device_tree():
    """drivers/of/fdt.c: unflatten_device_tree() — build ``of_root`` from the boot blob.

    Then of_alias_scan() finds ``/chosen`` and ``/aliases`` (each alias also takes a little
    memblock memory).
    """
    from cmaport.drivers.of.base import base_c, of_alias_scan

    _, root = __unflatten_device_tree(fdt_c.get().initial_boot_params, None,
                                      early_init_dt_alloc_memory_arch, False)
    base_c.get().of_root = root

    # /chosen and /aliases, for everyone
    of_alias_scan(early_init_dt_alloc_memory_arch)
