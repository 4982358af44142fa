# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/base.c: walking and reading the unflattened device tree.

What the device side of reserved memory needs: the node lookups (by path, by phandle, by
compatible), property access and the typed readers, compatible matching with v4.9's
scores, phandle lists (``memory-region``), ``#address-cells``/``#size-cells`` and the
alias table built by ``of_alias_scan`` when the tree is unflattened.

Model: ``devtree_lock`` (a raw spinlock) is not needed on one CPU; the locked wrappers
call their ``__`` variants directly. Output parameters are returned in tuples (see
include/linux/of.py).
"""

import attrs

from cmaport.drivers.of.fdt import _cstr, _str, be32_to_cpup
from cmaport.include.linux.errno import EILSEQ, EINVAL, ENODATA, ENOENT, EOVERFLOW
from cmaport.include.linux.of import (
    OF_ROOT_NODE_ADDR_CELLS_DEFAULT, OF_ROOT_NODE_SIZE_CELLS_DEFAULT, for_each_of_allnodes,
    for_each_property_of_node, of_compat_cmp, of_node_cmp, of_node_full_name, of_node_get,
    of_node_put, of_phandle_iterator, of_prop_cmp, of_prop_string_at,
)
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import WARN, WARN_ONCE
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.kstrtox import kstrtoint

pr_fmt = "OF: "
_pr = pr_helpers(pr_fmt)

INT_MAX = 0x7FFFFFFF


@attrs.define(slots=True, eq=False)
class alias_prop:
    """drivers/of/of_private.h: struct alias_prop — one entry of the alias table.

    ``alias`` is the property name (``serial0``), ``stem`` the name without the trailing
    digits (``serial``), ``id`` those digits as a number.
    """

    alias: str = None
    np: object = None
    id: int = 0
    stem: str = ""


# drivers/of/of_private.h: sizeof(struct alias_prop) on 32-bit ARM: list_head (8), alias,
# np, id (12); the stem follows it.
SIZEOF_ALIAS_PROP = 20


@statics
class base_c:
    """drivers/of/base.c: its globals and file-scope variables.

    ``aliases_lookup`` is the list of ``alias_prop`` (C: a ``list_head``, in insertion
    order).
    """

    of_root: object = None
    of_chosen: object = None
    of_aliases: object = None
    of_stdout: object = None
    of_stdout_options: str = None
    aliases_lookup: list = attrs.Factory(list)


def of_n_addr_cells(np):
    """drivers/of/base.c: of_n_addr_cells() — ``#address-cells`` of the nearest ancestor that has it."""
    while True:
        if np.parent is not None:
            np = np.parent
        ip, _ = of_get_property(np, "#address-cells")
        if ip is not None:
            return be32_to_cpup(ip)
        if np.parent is None:
            break
    # the root has no #address-cells: the default
    return OF_ROOT_NODE_ADDR_CELLS_DEFAULT


def of_n_size_cells(np):
    """drivers/of/base.c: of_n_size_cells() — ``#size-cells`` of the nearest ancestor that has it."""
    while True:
        if np.parent is not None:
            np = np.parent
        ip, _ = of_get_property(np, "#size-cells")
        if ip is not None:
            return be32_to_cpup(ip)
        if np.parent is None:
            break
    return OF_ROOT_NODE_SIZE_CELLS_DEFAULT


def __of_find_property(np, name):
    """drivers/of/base.c: __of_find_property() — a node's property by name.

    :return: ``(property or None, len)``; ``len`` is ``None`` when not found
    """
    if np is None:
        return None, None

    pp = np.properties
    while pp is not None:
        if of_prop_cmp(pp.name, name) == 0:
            return pp, pp.length
        pp = pp.next
    return None, None


def of_find_property(np, name):
    """drivers/of/base.c: of_find_property() — __of_find_property() under devtree_lock."""
    # Model: devtree_lock — one CPU, nothing to serialise.
    return __of_find_property(np, name)


def __of_get_property(np, name):
    """drivers/of/base.c: __of_get_property() — ``(value, len)`` or ``(None, None)``."""
    pp, lenp = __of_find_property(np, name)
    return (pp.value, lenp) if pp is not None else (None, None)


def of_get_property(np, name):
    """drivers/of/base.c: of_get_property() — a property's value.

    :return: ``(value bytes, len)``, or ``(None, None)`` when the node lacks it
    """
    pp, lenp = of_find_property(np, name)
    return (pp.value, lenp) if pp is not None else (None, None)


def of_prop_next_string(prop, cur):
    """drivers/of/base.c: of_prop_next_string() — the next string of a string-list property.

    :param cur: the offset of the current string in the value, ``None`` to start
    :return: the offset of the next string, or ``None`` at the end
    """
    if prop is None:
        return None

    if cur is None:
        return 0

    curv = cur + len(_cstr(prop.value[cur:])) + 1
    if curv >= prop.length:
        return None

    return curv


def __of_device_is_compatible(device, compat, type_, name):
    """drivers/of/base.c: __of_device_is_compatible() — how well a node matches.

    A compatible match scores ``INT_MAX/2`` minus four times its position in the node's
    list (an earlier, more specific string scores higher); a matching ``device_type`` adds
    2 and a matching name 1. A requested field that does not match gives 0.
    """
    index = 0
    score = 0

    # compatible first: it counts most
    if compat:
        prop, _ = __of_find_property(device, "compatible")
        cp = of_prop_next_string(prop, None)
        while cp is not None:
            if of_compat_cmp(of_prop_string_at(prop, cp), compat, len(compat)) == 0:
                score = INT_MAX // 2 - (index << 2)
                break
            cp = of_prop_next_string(prop, cp)
            index += 1
        if not score:
            return 0

    # then the device type
    if type_:
        if not device.type or of_node_cmp(type_, device.type):
            return 0
        score += 2

    # the name counts least
    if name:
        if not device.name or of_node_cmp(name, device.name):
            return 0
        score += 1

    return score


def of_device_is_compatible(device, compat):
    """drivers/of/base.c: of_device_is_compatible() — the compatible score, 0 for no match."""
    return __of_device_is_compatible(device, compat, None, None)


def __of_device_is_available(device):
    """drivers/of/base.c: __of_device_is_available() — no ``status``, or ``okay``/``ok``."""
    if device is None:
        return False

    status, statlen = __of_get_property(device, "status")
    if status is None:
        return True

    if statlen > 0:
        s = _cstr(status)
        if s == b"okay" or s == b"ok":
            return True

    return False


def of_device_is_available(device):
    """drivers/of/base.c: of_device_is_available() — is the node enabled?"""
    return __of_device_is_available(device)


def of_get_parent(node):
    """drivers/of/base.c: of_get_parent()."""
    if node is None:
        return None
    return of_node_get(node.parent)


def of_get_next_parent(node):
    """drivers/of/base.c: of_get_next_parent() — the parent, dropping the child's reference."""
    if node is None:
        return None
    parent = of_node_get(node.parent)
    of_node_put(node)
    return parent


def __of_get_next_child(node, prev):
    """drivers/of/base.c: __of_get_next_child() — the child after ``prev`` (the first for ``None``)."""
    if node is None:
        return None

    nxt = prev.sibling if prev is not None else node.child
    while nxt is not None:
        if of_node_get(nxt):
            break
        nxt = nxt.sibling
    of_node_put(prev)
    return nxt


def of_get_next_child(node, prev):
    """drivers/of/base.c: of_get_next_child()."""
    return __of_get_next_child(node, prev)


def of_get_child_by_name(node, name):
    """drivers/of/base.c: of_get_child_by_name() — the first child whose name matches."""
    from cmaport.include.linux.of import for_each_child_of_node

    for child in for_each_child_of_node(node):
        if child.name and of_node_cmp(child.name, name) == 0:
            return child
    return None


def __of_find_all_nodes(prev):
    """drivers/of/base.c: __of_find_all_nodes() — the node after ``prev`` in depth-first order."""
    if prev is None:
        np = base_c.get().of_root
    elif prev.child is not None:
        np = prev.child
    else:
        # climb until a node has a next sibling (None past the last node)
        np = prev
        while np.parent is not None and np.sibling is None:
            np = np.parent
        np = np.sibling
    return np


def __of_find_node_by_path(parent, path):
    """drivers/of/base.c: __of_find_node_by_path() — the child named by the first path component."""
    length = 0
    while length < len(path) and path[length] not in "/:":
        length += 1
    if not length:
        return None

    child = parent.child
    while child is not None:
        slash = child.full_name.rfind("/")
        if WARN(slash < 0, "malformed device_node %s\n", child.full_name):
            child = child.sibling
            continue
        name = child.full_name[slash + 1:]
        if path[:length] == name[:length] and len(name) == length:
            return child
        child = child.sibling
    return None


def _strchrnul(s, c, start=0):
    """Model-only: lib/string.c strchrnul() as an index (the end of ``s`` when ``c`` is absent)."""
    i = s.find(c, start)
    return len(s) if i < 0 else i


def of_find_node_opts_by_path(path):
    """drivers/of/base.c: of_find_node_opts_by_path() — a node by full path or alias.

    ``/a/b``, or ``alias/rest``; what follows a ``:`` is the options string.

    :return: ``(node or None, opts or None)``
    """
    s = base_c.get()
    np = None
    separator = path.find(":")
    separator = None if separator < 0 else separator

    opts = path[separator + 1:] if separator is not None else None

    if path == "/":
        return of_node_get(s.of_root), opts

    pos = 0
    # an alias may start the path
    if not path.startswith("/"):
        p = separator
        if p is None:
            p = _strchrnul(path, "/")
        length = p

        # of_aliases must not be NULL
        if s.of_aliases is None:
            return None, opts

        for pp in for_each_property_of_node(s.of_aliases):
            if len(pp.name) == length and pp.name == path[:length]:
                np = of_find_node_opts_by_path(_str(_cstr(pp.value)))[0]
                break
        if np is None:
            return None, opts
        pos = p

    # walk down, one path component at a time
    # Model: devtree_lock — one CPU, nothing to serialise.
    if np is None:
        np = of_node_get(s.of_root)
    while np is not None and path[pos:pos + 1] == "/":
        pos += 1
        np = __of_find_node_by_path(np, path[pos:])
        pos = _strchrnul(path, "/", pos)
        if separator is not None and separator < pos:
            break
    return np, opts


def of_find_node_by_name(frm, name):
    """drivers/of/base.c: of_find_node_by_name() — the next node (after ``frm``) with that name."""
    from cmaport.include.linux.of import for_each_of_allnodes_from

    found = None
    for np in for_each_of_allnodes_from(frm):
        if np.name and of_node_cmp(np.name, name) == 0 and of_node_get(np):
            found = np
            break
    of_node_put(frm)
    return found


def of_find_compatible_node(frm, type_, compatible):
    """drivers/of/base.c: of_find_compatible_node() — the next compatible node after ``frm``."""
    from cmaport.include.linux.of import for_each_of_allnodes_from

    found = None
    for np in for_each_of_allnodes_from(frm):
        if __of_device_is_compatible(np, compatible, type_, None) and of_node_get(np):
            found = np
            break
    of_node_put(frm)
    return found


def of_find_node_by_phandle(handle):
    """drivers/of/base.c: of_find_node_by_phandle() — the node whose phandle is ``handle``.

    A linear walk of all nodes (v4.9 has no phandle cache); ``None`` for phandle 0.
    """
    if not handle:
        return None

    found = None
    for np in for_each_of_allnodes():
        if np.phandle == handle:
            found = np
            break
    return of_node_get(found)


def __of_match_node(matches, node):
    """drivers/of/base.c: __of_match_node() — the best-scoring entry of a match table.

    :param matches: a tuple of ``of_device_id`` (the sentinel is the tuple's end), or ``None``
    """
    best_match = None
    best_score = 0

    if not matches:
        return None

    for m in matches:
        if not (m.name or m.type or m.compatible):
            break  # the all-empty sentinel
        score = __of_device_is_compatible(node, m.compatible, m.type, m.name)
        if score > best_score:
            best_match = m
            best_score = score

    return best_match


def of_match_node(matches, node):
    """drivers/of/base.c: of_match_node() — __of_match_node() under devtree_lock."""
    return __of_match_node(matches, node)


def of_phandle_iterator_init(it, np, list_name, cells_name, cell_count):
    """drivers/of/base.c: of_phandle_iterator_init() — start walking a phandle list property."""
    # memset(it, 0, sizeof(*it))
    for field in attrs.fields(of_phandle_iterator):
        setattr(it, field.name, field.default)

    lst, size = of_get_property(np, list_name)
    if lst is None:
        return -ENOENT

    it.cells_name = cells_name
    it.cell_count = cell_count
    it.parent = np
    it.list = lst
    it.list_end = size // 4
    it.phandle_end = 0
    it.cur = 0

    return 0


def of_phandle_iterator_next(it):
    """drivers/of/base.c: of_phandle_iterator_next() — the next phandle and its argument count.

    :return: 0, ``-ENOENT`` at the end, ``-EINVAL`` for a malformed list
    """
    count = 0

    if it.node is not None:
        of_node_put(it.node)
        it.node = None

    if it.list is None or it.phandle_end >= it.list_end:
        return -ENOENT

    it.cur = it.phandle_end

    # phandle 0 is an empty entry without arguments
    it.phandle = be32_to_cpup(it.list[4 * it.cur:])
    it.cur += 1

    if it.phandle:
        # the provider's #*-cells says how many arguments follow
        it.node = of_find_node_by_phandle(it.phandle)

        if it.cells_name:
            if it.node is None:
                _pr.err("%s: could not find phandle\n", it.parent.full_name)
                return _iterator_err(it)

            ret, count = _read_u32(it.node, it.cells_name)
            if ret:
                _pr.err("%s: could not get %s for %s\n", it.parent.full_name, it.cells_name,
                        it.node.full_name)
                return _iterator_err(it)
        else:
            count = it.cell_count

        # the arguments must fit in what is left of the property
        if it.cur + count > it.list_end:
            _pr.err("%s: arguments longer than property\n", it.parent.full_name)
            return _iterator_err(it)

    it.phandle_end = it.cur + count
    it.cur_count = count

    return 0


def _iterator_err(it):
    """Model-only: the ``err:`` label of of_phandle_iterator_next()."""
    if it.node is not None:
        of_node_put(it.node)
        it.node = None
    return -EINVAL


def _read_u32(np, name):
    """Model-only: of_property_read_u32() (include/linux/of.py imports this module)."""
    from cmaport.include.linux.of import of_property_read_u32

    return of_property_read_u32(np, name)


def of_phandle_iterator_args(it, args, size):
    """drivers/of/base.c: of_phandle_iterator_args() — copy the current entry's arguments.

    :return: the number of cells copied
    """
    count = it.cur_count

    if WARN_ONCE(size < count, "phandle arguments count is %d, but only %d slots are available\n",
                 count, size):
        count = size

    for i in range(count):
        args[i] = be32_to_cpup(it.list[4 * (it.cur + i):])

    return count


def __of_parse_phandle_with_args(np, list_name, cells_name, cell_count, index, out_args):
    """drivers/of/base.c: __of_parse_phandle_with_args() — entry ``index`` of a phandle list.

    :return: 0 (``out_args`` filled), ``-ENOENT`` (no such entry, or an empty one) or
        ``-EINVAL`` (malformed list)
    """
    it = of_phandle_iterator()
    cur_index = 0

    # of_for_each_phandle(&it, rc, np, list_name, cells_name, cell_count)
    of_phandle_iterator_init(it, np, list_name, cells_name, cell_count)
    rc = of_phandle_iterator_next(it)
    while rc == 0:
        # parsing went well so far: the wanted entry, or keep going
        rc = -ENOENT
        if cur_index == index:
            if not it.phandle:
                break  # goto err: an empty entry

            if out_args is not None:
                c = of_phandle_iterator_args(it, out_args.args, len(out_args.args))
                out_args.np = it.node
                out_args.args_count = c
            else:
                of_node_put(it.node)

            return 0

        cur_index += 1
        rc = of_phandle_iterator_next(it)

    # -ENOENT: no such entry or an empty one; -EINVAL: the list is malformed
    of_node_put(it.node)
    return rc


def of_parse_phandle(np, phandle_name, index):
    """drivers/of/base.c: of_parse_phandle() — the node the index-th phandle points to, or ``None``."""
    from cmaport.include.linux.of import of_phandle_args

    if index < 0:
        return None

    args = of_phandle_args()
    if __of_parse_phandle_with_args(np, phandle_name, None, 0, index, args):
        return None

    return args.np


def of_parse_phandle_with_args(np, list_name, cells_name, index, out_args):
    """drivers/of/base.c: of_parse_phandle_with_args() — a phandle with ``#*-cells`` arguments."""
    if index < 0:
        return -EINVAL
    return __of_parse_phandle_with_args(np, list_name, cells_name, 0, index, out_args)


def of_count_phandle_with_args(np, list_name, cells_name):
    """drivers/of/base.c: of_count_phandle_with_args() — how many entries a phandle list has."""
    it = of_phandle_iterator()
    cur_index = 0

    rc = of_phandle_iterator_init(it, np, list_name, cells_name, 0)
    if rc:
        return rc

    rc = of_phandle_iterator_next(it)
    while rc == 0:
        cur_index += 1
        rc = of_phandle_iterator_next(it)

    if rc != -ENOENT:
        return rc

    return cur_index


def of_find_property_value_of_size(np, propname, min_, max_):
    """drivers/of/base.c: of_find_property_value_of_size() — a value of an acceptable length.

    :return: ``(value, length)``, or ``(negative error, None)`` (C: ``ERR_PTR``)
    """
    prop, _ = of_find_property(np, propname)

    if prop is None:
        return -EINVAL, None
    if prop.value is None:
        return -ENODATA, None
    if prop.length < min_:
        return -EOVERFLOW, None
    if max_ and prop.length > max_:
        return -EOVERFLOW, None

    return prop.value, prop.length


def of_property_read_u32_index(np, propname, index):
    """drivers/of/base.c: of_property_read_u32_index() — one cell of a property.

    :return: ``(0, value)`` or ``(error, None)``
    """
    val, _ = of_find_property_value_of_size(np, propname, (index + 1) * 4, 0)

    if isinstance(val, int):
        return val, None

    return 0, be32_to_cpup(val[4 * index:])


def of_property_read_variable_u32_array(np, propname, sz_min, sz_max):
    """drivers/of/base.c: of_property_read_variable_u32_array() — between sz_min and sz_max cells.

    :return: ``(number of cells read, values)`` or ``(error, None)``
    """
    val, sz = of_find_property_value_of_size(np, propname, sz_min * 4, sz_max * 4)

    if isinstance(val, int):
        return val, None

    if not sz_max:
        sz = sz_min
    else:
        sz //= 4

    return sz, [be32_to_cpup(val[4 * i:]) for i in range(sz)]


def of_property_read_string(np, propname):
    """drivers/of/base.c: of_property_read_string() — a NUL-terminated string property.

    :return: ``(0, str)`` or ``(error, None)``
    """
    prop, _ = of_find_property(np, propname)
    if prop is None:
        return -EINVAL, None
    if prop.value is None:
        return -ENODATA, None
    if len(_cstr(prop.value[:prop.length])) >= prop.length:
        return -EILSEQ, None
    return 0, _str(_cstr(prop.value))


def of_property_read_string_helper(np, propname, out_strs, sz, skip):
    """drivers/of/base.c: of_property_read_string_helper() — strings of a string list.

    :param out_strs: Model: ``True`` for a non-NULL output array (the strings come back
        in the tuple), ``False`` to count only
    :return: ``(count or error, list of str)``
    """
    prop, _ = of_find_property(np, propname)
    strs = []

    if prop is None:
        return -EINVAL, strs
    if prop.value is None:
        return -ENODATA, strs
    p = 0
    end = prop.length

    i = 0
    while p < end and (not out_strs or i < skip + sz):
        length = len(_cstr(prop.value[p:end]))
        l = min(length, end - p) + 1
        if p + l > end:
            return -EILSEQ, strs
        if out_strs and i >= skip:
            strs.append(of_prop_string_at(prop, p))
        i += 1
        p += l
    i -= skip
    return (-ENODATA if i <= 0 else i), strs


def of_alias_add(ap, np, id_, stem, stem_len):
    """drivers/of/base.c: of_alias_add() — fill an alias_prop and append it to the table."""
    s = base_c.get()
    ap.np = np
    ap.id = id_
    ap.stem = stem[:stem_len]
    s.aliases_lookup.append(ap)
    _pr.debug("adding DT alias:%s: stem=%s id=%i node=%s\n",
              ap.alias, ap.stem, ap.id, of_node_full_name(np))


def of_alias_scan(dt_alloc):
    """drivers/of/base.c: of_alias_scan() — find /chosen, /aliases and stdout; build the alias table.

    :param dt_alloc: the allocator for the ``alias_prop`` entries (at boot
        early_init_dt_alloc_memory_arch: each alias takes memblock memory)
    """
    from cmaport.include.linux.of import of_find_node_by_path

    s = base_c.get()
    s.of_aliases = of_find_node_by_path("/aliases")
    s.of_chosen = of_find_node_by_path("/chosen")
    if s.of_chosen is None:
        s.of_chosen = of_find_node_by_path("/chosen@0")

    if s.of_chosen is not None:
        # linux,stdout-path is the older spelling (and /aliases/stdout only on PPC)
        name, _ = of_get_property(s.of_chosen, "stdout-path")
        if name is None:
            name, _ = of_get_property(s.of_chosen, "linux,stdout-path")
        if name is not None:
            s.of_stdout, s.of_stdout_options = of_find_node_opts_by_path(_str(_cstr(name)))

    if s.of_aliases is None:
        return

    for pp in for_each_property_of_node(s.of_aliases):
        start = pp.name

        # name, phandle and linux,phandle are not aliases
        if pp.name == "name" or pp.name == "phandle" or pp.name == "linux,phandle":
            continue

        np = of_find_node_opts_by_path(_str(_cstr(pp.value)))[0]
        if np is None:
            continue

        # the trailing digits are the id, what comes before them the stem
        end = len(start)
        while end > 0 and start[end - 1].isdigit():
            end -= 1
        length = end

        rc, id_ = kstrtoint(start[end:], 10)
        if rc < 0:
            continue

        # an alias_prop with room for the stem
        ap = dt_alloc(SIZEOF_ALIAS_PROP + length + 1, 4)
        if not ap:
            continue
        ap = alias_prop()
        ap.alias = start
        of_alias_add(ap, np, id_, start, length)


def of_alias_get_id(np, stem):
    """drivers/of/base.c: of_alias_get_id() — the alias id of a node for a stem, or -ENODEV."""
    from cmaport.include.linux.errno import ENODEV

    ident = -ENODEV
    for app in base_c.get().aliases_lookup:
        if app.stem != stem:
            continue
        if np is app.np:
            ident = app.id
            break
    return ident


# -- the OF graph (ports and endpoints) ------------------------------------------------

def of_graph_get_next_endpoint(parent, prev):
    """drivers/of/base.c: of_graph_get_next_endpoint() — the endpoint after ``prev`` under ``parent``.

    With ``prev`` ``None`` the walk starts at the first ``port`` node (under ``ports`` if
    the node has one); a node without any ``port`` is reported (``graph: no port node
    found in …``, level err) and gives ``None``. The walk then goes through the endpoints
    of that port and of the following ``port`` siblings.
    """
    if parent is None:
        return None

    if prev is None:
        node = of_get_child_by_name(parent, "ports")
        if node is not None:
            parent = node

        port = of_get_child_by_name(parent, "port")
        of_node_put(node)

        if port is None:
            _pr.err("graph: no port node found in %s\n", parent.full_name)
            return None
    else:
        port = of_get_parent(prev)
        if WARN_ONCE(port is None, "%s(): endpoint %s has no parent node\n",
                     "of_graph_get_next_endpoint", prev.full_name):
            return None

    while True:
        # the next endpoint of this port (the first one when prev is None)
        endpoint = of_get_next_child(port, prev)
        if endpoint is not None:
            of_node_put(port)
            return endpoint

        # this port has no more: go on with the next "port" sibling
        prev = None

        while True:
            port = of_get_next_child(parent, port)
            if port is None:
                return None
            if not of_node_cmp(port.name, "port"):
                break


def of_graph_get_remote_port_parent(node):
    """drivers/of/base.c: of_graph_get_remote_port_parent() — the device at the other end of an endpoint.

    Follows ``remote-endpoint``, then climbs to the endpoint's port and that port's
    device — three levels only when the port sits in a ``ports`` node, else two.
    """
    np = of_parse_phandle(node, "remote-endpoint", 0)

    depth = 3
    while depth and np is not None:
        np = of_get_next_parent(np)
        # Model: C dereferences NULL here (a remote endpoint that is a child of the root);
        # the model stops with NULL
        if depth == 2 and (np is None or of_node_cmp(np.name, "ports")):
            break
        depth -= 1
    return np
