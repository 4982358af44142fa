# SPDX-License-Identifier: GPL-2.0-only
"""kernel/params.c and init/main.c: splitting the command line and early parameters."""

import pytest

from cmaport.include.linux.init import early_param, link_position, setup_table
from cmaport.init.main import parse_early_param
from cmaport.include.linux.init import init_h
from cmaport.kernel.machine import Machine
from cmaport.kernel.params import next_arg, parameq, parse_args


@pytest.mark.parametrize("args,out", [
    ("cma=64M quiet", ("cma", "64M", "quiet")),
    ('dyndbg="file cma.c +p" x', ("dyndbg", "file cma.c +p", "x")),
    ('"quoted=a b" next', ("quoted", "a b", "next")),
    ("flag   next", ("flag", None, "next")),
    ("a=b=c", ("a", "b=c", "")),
    ("=value", ("=value", None, "")),
    # the kernel's isspace(): ASCII white space and Latin-1's no-break space, nothing else
    ("a\x1cb c", ("a\x1cb", None, "c")),
    ("a\xa0b", ("a", None, "b")),
])
def test_next_arg(args, out):
    assert next_arg(args) == out


def test_parameq_treats_dash_and_underscore_alike():
    assert parameq("coherent-pool", "coherent_pool")
    assert not parameq("cma", "cma_debug")


def test_parse_args_stops_at_double_dash_and_reports_unknown():
    seen = []

    def unknown(param, val, doing, arg):
        seen.append((param, val))
        return 0

    with Machine():
        rest = parse_args("Booting kernel", " a=1 b -- init args", (), -1, -1, None, unknown)
    assert seen == [("a", "1"), ("b", None)]
    assert rest == "init args"


def test_early_params_run_in_command_line_order_and_link_order():
    calls = []

    @early_param("modeltestparam")
    def handler_b(val):
        calls.append(("b", val))
        return 0

    @early_param("modeltestparam")
    def handler_a(val):
        calls.append(("a", val))
        return 1  # non-zero: the kernel warns "Malformed early option"

    m = Machine()
    with m:
        init_h.get().boot_command_line = "modeltestparam=1 other modeltestparam=2"
        parse_early_param()
        parse_early_param()  # only once per boot
    # every registered handler runs for each occurrence, in table order
    assert calls == [("b", "1"), ("a", "1"), ("b", "2"), ("a", "2")]
    assert m.dmesg() == ["Malformed early option 'modeltestparam'"] * 2
    # the table is sorted by link order, whatever the import order
    positions = [link_position(e.module) for e in setup_table()]
    assert positions == sorted(positions)


def test_initcalls_run_by_level_then_link_order():
    from cmaport.include.linux import init as init_h_mod

    probes = []
    # Registered in reverse level order, from a module missing from LINK_ORDER (so after
    # every listed module), two per level.
    for level in reversed(init_h_mod.INITCALL_LEVELS):
        for n in (1, 2):
            def fn():
                return 0
            fn.__module__ = "tests.initcall_probe"
            fn.__name__ = f"{level}_{n}"
            init_h_mod._initcall(level)(fn)
            probes.append(fn)
    try:
        order = [fn.__name__ for level in init_h_mod.INITCALL_LEVELS
                 for fn in init_h_mod.initcalls(level) if fn in probes]
        core = init_h_mod.initcalls("core")
    finally:
        init_h_mod._initcalls[:] = [e for e in init_h_mod._initcalls
                                    if e.module != "tests.initcall_probe"]
    assert order == [f"{level}_{n}" for level in init_h_mod.INITCALL_LEVELS for n in (1, 2)]
    # unlisted modules come after every module of LINK_ORDER within a level
    assert [f.__name__ for f in core[-2:]] == ["core_1", "core_2"]


def _init_args(cmdline):
    """Boot with ``cmdline``; init's argv and envp, initcall_debug and the log."""
    m = Machine(cmdline=cmdline)
    m.boot()
    with m:
        from cmaport.init.main import main_c

        s = main_c.get()
        return s.argv_init, s.envp_init, s.initcall_debug, m.dmesg()


def test_unknown_options_go_to_init_as_v49_hands_them_over():
    argv, envp, _, log = _init_args(
        'HOME=/root FOO=1 FOO=2 coherent-pool=1M foo.bar=1 lone -- "a b" c=d')
    # NAME=value replaces an earlier NAME= (strncmp up to the '='); a module parameter
    # (dot in the name) stays in /proc/cmdline only
    assert envp == ["HOME=/root", "TERM=linux", "FOO=2"]
    # coherent-pool is early_param("coherent_pool"): dash and underscore match, so
    # obsolete_checksetup counts it as handled; after "--" parse_args strips the quotes
    assert argv == ["init", "lone", "a b", "c=d"]
    assert not any("Unknown" in line or "invalid" in line for line in log)


def test_too_many_init_variables_panic_after_the_console_starts():
    from cmaport.kernel.errors import KernelPanic

    # 2 default variables + 30 fill MAX_INIT_ENVS; the 31st takes the spare slot and the
    # 32nd finds the array full
    m = Machine(cmdline=" ".join(f"V{i}=1" for i in range(1, 41)))
    with pytest.raises(KernelPanic):
        m.boot()
    assert m.dmesg()[-1] == "Kernel panic - not syncing: Too many boot env vars at `V32=1'"


@pytest.mark.parametrize("cmdline,on,error", [
    ("initcall_debug", True, None),
    ("initcall_debug=1", True, None),
    ("initcall_debug=off", False, None),
    ("initcall_debug=0", False, None),
    ("initcall_debug=maybe", False,
     "Booting kernel: `maybe' invalid for parameter `initcall_debug'"),
])
def test_initcall_debug_is_a_bool_core_param(cmdline, on, error):
    _, _, debug, log = _init_args(cmdline)
    assert debug is on
    calling = [line for line in log if line.startswith("calling  ")]
    returned = [line for line in log if line.startswith("initcall ")]
    # do_one_initcall_debug prints both lines for every initcall, pid 1 calling
    assert len(calling) == len(returned) and (len(calling) > 5) is on
    if on:
        assert "calling  init_per_zone_wmark_min @ 1" in calling
        assert "initcall init_per_zone_wmark_min returned 0 after 0 usecs" in returned
    assert (error in log) if error else not any("invalid" in line for line in log)
