# SPDX-License-Identifier: GPL-2.0-only
"""The ``cmaport`` command line.

Every subcommand that runs a machine takes the same board options::

    cmaport boot [--dtb FILE | --dts FILE] [--mem SIZE[@BASE]] [--cmdline "..."]
                 [--config FILE] [--set CONFIG_X=V ...] [--initrd SIZE[@ADDR]]
    cmaport proc NAME [board options]      # NAME: buddyinfo meminfo pagetypeinfo vmstat zoneinfo
    cmaport cma [board options] [--trace] [alloc:COUNT[:ALIGN][@AREA] | free:PFN:COUNT[@AREA] ...]
    cmaport trace [board options]           # /sys/kernel/debug/tracing/trace after the boot

Bad input is one line on stderr and exit status 2; a kernel panic or BUG prints the log
up to that point, then the reason, and exits with status 1.
"""

import importlib.resources
import sys

import click

from cmaport.kernel.errors import CmaportError, InputError, KernelBug, KernelPanic


def parse_size(text, option):
    """Parse a size such as ``512M``, ``1G`` or ``0x20000000`` strictly (whole string)."""
    from cmaport.lib.cmdline import memparse

    value, rest = memparse(text)
    if rest or not text or text[0] in "+-":
        raise InputError(option, f"{text!r} is not a size (a number with an optional K, M or G suffix)")
    return value


def parse_size_at(text, option):
    """Parse ``SIZE[@ADDR]``; returns ``(size, addr or None)``."""
    size_text, at, addr_text = text.partition("@")
    size = parse_size(size_text, option)
    addr = parse_size(addr_text, option) if at else None
    return size, addr


def build_board(dtb=None, dts=None, mem=None, initrd=None, board_name=None):
    """Build the board the options describe (the built-in one by default)."""
    from cmaport.arch.arm.hw.board import BOARDS, Board
    from cmaport.arch.arm.hw.fdt_image import compile_dts, load_device_tree

    kw = {}
    if initrd:
        kw["initrd_size"], kw["initrd_addr"] = parse_size_at(initrd, "--initrd")
    if dtb and dts:
        raise InputError("--dtb/--dts", "give either a .dtb or a .dts, not both")
    if board_name and (dtb or dts):
        raise InputError("--board", "give either a built-in --board or a --dtb/--dts, not both")
    if board_name and board_name not in BOARDS:
        raise InputError("--board", f"{board_name!r} is not a built-in board "
                         f"(one of: {', '.join(sorted(BOARDS))})")
    ram = None
    if mem:
        size, base = parse_size_at(mem, "--mem")
        if size == 0:
            raise InputError("--mem", f"{mem!r}: RAM size is zero")
        ram = (base, size)
    if dtb or dts:
        path = dtb or dts
        # A .dts may /include/ the built-in boards' sources (virt-base.dts, …).
        builtin = str(importlib.resources.files("cmaport.arch.arm.boot.dts"))
        blob = load_device_tree(path) if dtb else compile_dts(path, include_dirs=[builtin])
        board = Board(name=path, dtb=blob, source=path, **kw)
        if ram is not None:
            base = ram[0] if ram[0] is not None else board.dt_ram()[0][0] if board.dt_ram() else None
            if base is None:
                raise InputError("--mem", f"{path} has no /memory node: give the base as --mem SIZE@BASE")
            board.ram = [(base, ram[1])]
    else:
        board = BOARDS[board_name or "vexpress-a9"](**kw)
        if ram is not None:
            base = ram[0] if ram[0] is not None else board.ram_base()
            board.ram = [(base, ram[1])]
    board.validate()
    return board


def resolve_config(config):
    """A ``--config`` argument as a path: a file, or the name of a shipped configuration
    (``arch/arm/configs/NAME.config``)."""
    import os

    if os.path.isfile(config):
        return config
    shipped = importlib.resources.files("cmaport.arch.arm.configs").joinpath(
        config if config.endswith(".config") else config + ".config")
    if shipped.is_file():
        return str(shipped)
    names = sorted(p.name[:-len(".config")] for p in
                   importlib.resources.files("cmaport.arch.arm.configs").iterdir()
                   if p.name.endswith(".config"))
    raise InputError("--config", f"{config!r} is neither a file nor a shipped configuration "
                     f"(shipped: {', '.join(names)})")


def build_machine(dtb=None, dts=None, mem=None, cmdline=None, config=None, settings=(), initrd=None,
                  board=None):
    """Build (but do not boot) a machine from the board options."""
    from cmaport.kernel.config import KernelConfig
    from cmaport.kernel.machine import Machine

    cfg = KernelConfig()
    if config:
        cfg.load(resolve_config(config))
    for item in settings:
        cfg.set_assignment(item)
    board = build_board(dtb, dts, mem, initrd, board)
    m = Machine(board=board, config=cfg, cmdline=cmdline)
    if cfg.ignored:
        m.diagnose("--config", f"{len(cfg.ignored)} symbol(s) of {config} are not modelled and were "
                   f"ignored (first: {cfg.ignored[0]})")
    return m


def board_options(fn):
    """The options every machine-running subcommand takes."""
    options = [
        click.option("--board", metavar="NAME",
                     help="a built-in board: vexpress-a9 (the default) or virt (QEMU's, the oracle's)"),
        click.option("--dtb", type=click.Path(dir_okay=False), help="boot this device tree blob"),
        click.option("--dts", type=click.Path(dir_okay=False),
                     help="compile this device tree source with dtc and boot it"),
        click.option("--mem", metavar="SIZE[@BASE]",
                     help="RAM size (and base), replacing the device tree's /memory as QEMU's -m does"),
        click.option("--cmdline", metavar='"..."',
                     help="kernel command line; replaces the device tree's bootargs as a bootloader would"),
        click.option("--config", "config", metavar="FILE|NAME",
                     help="read a .config-format file over the v4.9 multi_v7_defconfig defaults; "
                          "NAME picks a shipped one (oracle_armmp: the oracle kernel's options)"),
        click.option("--set", "settings", multiple=True, metavar="CONFIG_X=V",
                     help="set one configuration symbol (repeatable)"),
        click.option("--initrd", metavar="SIZE[@ADDR]", help="have the bootloader load an initramfs"),
    ]
    for opt in reversed(options):
        fn = opt(fn)
    return fn


def _report(machine):
    for d in machine.diagnostics:
        click.echo(f"cmaport: note: {d}", err=True)


def boot_machine(options, until=None, timestamps=False):
    """Build and boot a machine from the board options.

    A kernel panic or BUG prints the log so far and the reason, and exits with status 1.
    """
    m = build_machine(**options)
    try:
        m.boot(until=until)
    except (KernelPanic, KernelBug) as e:
        m.log.flush()
        click.echo(m.log.text(timestamps=timestamps), nl=False)
        _report(m)
        click.echo(f"cmaport: the kernel stopped: {e}", err=True)
        sys.exit(1)
    m.log.flush()
    return m


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cmaport")
def cli():
    """cmaport: the Linux v4.9 CMA stack, ported to Python, on a model ARM board."""


@cli.command()
@board_options
@click.option("--timestamps/--no-timestamps", default=False,
              help="prefix each line with [    0.000000] as dmesg does")
def boot(timestamps, **options):
    """Boot the board and print the kernel log."""
    m = boot_machine(options, timestamps=timestamps)
    click.echo(m.log.text(timestamps=timestamps), nl=False)
    _report(m)


# The /proc files `cmaport proc` can show, and the functions that render them.
PROC_FILES = {
    "buddyinfo": ("cmaport.mm.vmstat", "frag_show"),
    "pagetypeinfo": ("cmaport.mm.vmstat", "pagetypeinfo_show"),
    "zoneinfo": ("cmaport.mm.vmstat", "zoneinfo_show"),
    "meminfo": ("cmaport.fs.proc.meminfo", "meminfo_proc_show"),
    "vmstat": ("cmaport.mm.vmstat", "vmstat_show"),
    "iomem": ("cmaport.kernel.resource", "proc_iomem"),
}


def read_proc(machine, name):
    """The text of ``/proc/<name>`` on a booted machine."""
    import importlib

    module, func = PROC_FILES[name]
    with machine:
        return getattr(importlib.import_module(module), func)()


@cli.command()
@board_options
@click.argument("name", type=click.Choice(sorted(PROC_FILES)), metavar="NAME")
def proc(name, **options):
    """Boot the board and print /proc/NAME (buddyinfo, meminfo, pagetypeinfo, vmstat, zoneinfo)."""
    m = boot_machine(options)
    click.echo(read_proc(m, name), nl=False)
    _report(m)


# -- cmaport cma / cmaport trace ----------------------------------------------------------

_NUMBER = r"(?:0[xX][0-9a-fA-F]+|[0-9]+)"


def parse_cma_action(text):
    """Parse one ``cmaport cma`` action; returns ``(kind, numbers, area)``.

    ``alloc:COUNT[:ALIGN][@AREA]`` and ``free:PFN:COUNT[@AREA]``; numbers are decimal or
    ``0x`` hex. Anything else is an ``InputError`` naming the action.
    """
    import re

    m = re.fullmatch(r"(alloc|free)((?::%s)+)(?:@([^@\s]+))?" % _NUMBER, text)
    if m:
        kind = m.group(1)
        numbers = [int(x, 0) for x in m.group(2)[1:].split(":")]
        if (kind == "alloc" and len(numbers) in (1, 2)) or (kind == "free" and len(numbers) == 2):
            return kind, numbers, m.group(3)
    raise InputError("cmaport cma", f"{text!r} is not an action: use alloc:COUNT[:ALIGN][@AREA] "
                     f"or free:PFN:COUNT[@AREA] (numbers in decimal or 0x hex)")


def _cma_area_names(c):
    """The names an area answers to: its slot, ``cma-N``, its device-tree node, ``default``."""
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_c
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_c

    names = [str(c.index), "cma-%d" % c.index]
    rm = of_reserved_mem_c.get()
    for rmem in rm.reserved_mem[:rm.reserved_mem_count]:
        if rmem.priv is c:
            names.append(rmem.name)
    if dma_contiguous_c.get().dma_contiguous_default_area is c:
        names.append("default")
    return names


def find_cma_area(area):
    """The area an ``@AREA`` names (``None``: the default area, else the first one)."""
    from cmaport.mm.cma import cma_c

    s = cma_c.get()
    areas = s.cma_areas[:s.cma_area_count]
    if not areas:
        raise InputError("cmaport cma", "the machine has no CMA area")
    if area is None:
        area = "default"
        if not any("default" in _cma_area_names(c) for c in areas):
            return areas[0]
    for c in areas:
        if area in _cma_area_names(c):
            return c
    known = ", ".join("/".join(_cma_area_names(c)[1:]) for c in areas)
    raise InputError("cmaport cma", f"no CMA area {area!r} (the areas: {known})")


def cma_area_lines(c, brief=False):
    """The lines ``cmaport cma`` prints for one area (what mm/cma_debug.c shows)."""
    from cmaport.mm.cma_debug import cma_area_view, format_runs

    v = cma_area_view(c)
    names = _cma_area_names(c)[2:]
    label = v["name"] + (" (%s)" % ", ".join(names) if names else "")
    if v["used"] is None:
        state = "not active"
        return [f"{label}: base_pfn={v['base_pfn']:#x} count={v['count']} "
                f"order_per_bit={v['order_per_bit']} {state}"]
    if brief:
        return [f"  {v['name']}: used={v['used']} maxchunk={v['maxchunk']} "
                f"bitmap: {format_runs(v['bitmap'])}"]
    return [f"{label}: base_pfn={v['base_pfn']:#x} count={v['count']} "
            f"order_per_bit={v['order_per_bit']} used={v['used']} maxchunk={v['maxchunk']}",
            f"  bitmap: {format_runs(v['bitmap'])}"]


def run_cma_action(action, c):
    """Run one parsed action on area ``c`` of the running machine; returns the lines to print."""
    from cmaport.include.linux.mm import page_to_pfn, pfn_to_page
    from cmaport.mm.cma import cma_alloc, cma_release

    kind, numbers, _ = action
    name = "cma-%d" % c.index
    if kind == "alloc":
        count = numbers[0]
        align = numbers[1] if len(numbers) > 1 else 0
        page = cma_alloc(c, count, align)
        text = "FAILED" if page is None else "pfn %#x (bit %d)" % (
            page_to_pfn(page), (page_to_pfn(page) - c.base_pfn) >> c.order_per_bit)
        head = f"alloc count={count} align={align} @{name} -> {text}"
    else:
        pfn, count = numbers
        from cmaport.include.linux.mm_types import struct_page_arrays

        sp = struct_page_arrays.get()
        if not 0 <= pfn - sp.pfn_offset < sp.nr_pages:
            raise InputError("cmaport cma", f"free: pfn {pfn:#x} has no struct page on this machine")
        ok = cma_release(c, pfn_to_page(pfn), count)
        head = f"free pfn={pfn:#x} count={count} @{name} -> {'true' if ok else 'false'}"
    return [head] + cma_area_lines(c, brief=True)


@cli.command("cma")
@board_options
@click.option("--trace", "show_trace", is_flag=True,
              help="print the trace buffer afterwards (events need trace_event=cma:* on the command line)")
@click.argument("actions", nargs=-1, metavar="[ACTION...]")
def cma_command(actions, show_trace, **options):
    """Boot the board, show the CMA areas as mm/cma_debug.c would, then run ACTIONs in order.

    \b
    ACTION is one of
      alloc:COUNT[:ALIGN][@AREA]   cma_alloc(area, COUNT, ALIGN)
      free:PFN:COUNT[@AREA]        cma_release(area, pfn_to_page(PFN), COUNT)
    AREA is the slot number, cma-N, the device-tree node name, or default
    (the default: the default area, else the first one).
    """
    parsed = [parse_cma_action(a) for a in actions]  # bad actions: before anything runs
    m = boot_machine(options)
    out = []
    with m:
        from cmaport.mm.cma import cma_c

        s = cma_c.get()
        if not s.cma_area_count:
            out.append("no CMA areas")
        for c in s.cma_areas[:s.cma_area_count]:
            out += cma_area_lines(c)
        # every area is looked up before the first action runs (a bad name changes nothing)
        targets = [find_cma_area(action[2]) for action in parsed]
        for action, c in zip(parsed, targets):
            out += run_cma_action(action, c)
        if show_trace:
            from cmaport.kernel.trace.trace import tracing_read_trace

            text = tracing_read_trace()
    m.log.flush()
    click.echo("\n".join(out))
    if show_trace:
        click.echo(text, nl=False)
    _report(m)


@cli.command()
@board_options
def trace(**options):
    """Boot the board and print /sys/kernel/debug/tracing/trace.

    Events are recorded only when the command line enables them, as in the kernel:
    trace_event=cma:* (or cma:cma_alloc, cma:cma_release).
    """
    from cmaport.kernel.trace.trace import tracing_read_trace

    m = boot_machine(options)
    with m:
        text = tracing_read_trace()
    click.echo(text, nl=False)
    _report(m)


def main(argv=None):
    """Entry point of the ``cmaport`` console script."""
    try:
        cli.main(args=argv, prog_name="cmaport", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.ClickException as e:
        e.show()
        sys.exit(2)
    except InputError as e:
        click.echo(f"cmaport: error: {e}", err=True)
        sys.exit(2)
    except CmaportError as e:
        click.echo(f"cmaport: error: {e}", err=True)
        sys.exit(1)
    except SystemExit:
        raise
    sys.exit(0)


if __name__ == "__main__":
    main()
