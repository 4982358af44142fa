# SPDX-License-Identifier: GPL-2.0-only
"""kernel/params.c and include/linux/init.h: boot parameters.

* ``parse_args`` / ``next_arg`` / ``parse_one`` split a command line exactly as the
  kernel does: quotes group spaces, ``-`` and ``_`` are the same in names, ``--``
  stops the parse.

The ``early_param``/``__setup`` table itself is in ``include/linux/init.py``.
"""

import attrs

from cmaport.include.linux.errno import EINVAL, ENOENT, ENOSPC
from cmaport.kernel.printk import pr_helpers
from cmaport.lib.ctype import _SPACE, isspace
from cmaport.lib.kstrtox import kstrtobool

_pr = pr_helpers("")

def dash2underscore(c):
    """kernel/params.c: dash2underscore()."""
    return "_" if c == "-" else c


def parameqn(a, b, n):
    """kernel/params.c: parameqn() — compare n characters, ``-`` equal to ``_``."""
    for i in range(n):
        ca = a[i] if i < len(a) else "\0"
        cb = b[i] if i < len(b) else "\0"
        if dash2underscore(ca) != dash2underscore(cb):
            return False
    return True


def parameq(a, b):
    """kernel/params.c: parameq() — names equal up to and including the terminator."""
    return parameqn(a, b, len(a) + 1)


@attrs.define
class kernel_param:
    """include/linux/moduleparam.h: struct kernel_param — a ``core_param``/``module_param``."""

    name: str
    set: object
    level: int = -1
    noarg: bool = False  # KERNEL_PARAM_OPS_FL_NOARG: the name alone is a valid setting
    # Model: C points ``arg`` at the variable; here it is a function that stores the value.
    arg: object = None


def param_set_bool(val, kp):
    """kernel/params.c: param_set_bool() — a bare name means true, else y/n/1/0/on/off."""
    if val is None:
        val = "1"
    ret, value = kstrtobool(val)
    if ret == 0:
        kp.arg(value)
    return ret


def core_param_bool(name, store):
    """include/linux/moduleparam.h: core_param(name, var, bool, perm) — a level -1 entry of
    ``__param`` with ``param_ops_bool`` (which may be given without a value)."""
    return kernel_param(name, param_set_bool, -1, True, store)


def parse_one(param, val, doing, params, min_level, max_level, arg, handle_unknown):
    """kernel/params.c: parse_one() — find ``param`` in ``params`` or hand it on."""
    for p in params:
        if parameq(param, p.name):
            if p.level < min_level or p.level > max_level:
                return 0
            if val is None and not p.noarg:
                return -EINVAL
            _pr.debug("handling %s with %p\n", param, p.set)
            return p.set(val, p)
    if handle_unknown is not None:
        _pr.debug("doing %s: %s='%s'\n", doing, param, val)
        return handle_unknown(param, val, doing, arg)
    _pr.debug("Unknown argument '%s'\n", param)
    return -ENOENT


def skip_spaces(s):
    """lib/string.c: skip_spaces() — drop the leading characters ``isspace()`` accepts."""
    return s.lstrip("".join(_SPACE))


def next_arg(args):
    """kernel/params.c: next_arg() — split off one ``param[=val]`` word.

    :return: ``(param, val, rest)``; ``val`` is ``None`` without ``=``. Double quotes
        group spaces and are removed around the value (or the whole word), as in C.
    """
    in_quote = quoted = False
    if args[:1] == '"':
        args = args[1:]
        in_quote = quoted = True
    equals = 0
    i = 0
    n = len(args)
    while i < n:
        c = args[i]
        if isspace(c) and not in_quote:
            break
        if equals == 0 and c == "=":
            equals = i
        if c == '"':
            in_quote = not in_quote
        i += 1
    word = args[:i]
    rest = args[i + 1:] if i < n else ""
    if not equals:
        param, val = word, None
        if quoted and param.endswith('"'):
            param = param[:-1]
    else:
        param, val = word[:equals], word[equals + 1:]
        if val.startswith('"'):
            val = val[1:]
            if val.endswith('"'):
                val = val[:-1]
        elif quoted and val.endswith('"'):
            val = val[:-1]
    return param, val, skip_spaces(rest)


def parse_args(doing, args, params, min_level, max_level, arg, unknown):
    """kernel/params.c: parse_args() — walk a command line word by word.

    :return: the rest of the line after ``--`` (or ``None``), or an error
        (negative errno) from the last option that failed
    """
    err = None
    args = skip_spaces(args)
    if args:
        _pr.debug("doing %s, parsing ARGS: '%s'\n", doing, args)
    while args:
        param, val, args = next_arg(args)
        if val is None and param == "--":
            return err if err is not None else args
        ret = parse_one(param, val, doing, params, min_level, max_level, arg, unknown)
        if ret == 0:
            continue
        if ret == -ENOENT:
            _pr.err("%s: Unknown parameter `%s'\n", doing, param)
        elif ret == -ENOSPC:
            _pr.err("%s: `%s' too large for parameter `%s'\n", doing, val or "", param)
        else:
            _pr.err("%s: `%s' invalid for parameter `%s'\n", doing, val or "", param)
        err = ret
    return err


