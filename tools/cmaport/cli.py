# SPDX-License-Identifier: GPL-2.0-only
"""The ``cmaport`` command line.

Every subcommand that runs a machine takes the same board options::

    cmaport boot [--dtb FILE | --dts FILE] [--mem SIZE[@BASE]] [--cmdline "..."]
                 [--config FILE] [--set CONFIG_X=V ...] [--initrd SIZE[@ADDR]]
    cmaport proc NAME [board options]      # NAME: buddyinfo meminfo pagetypeinfo vmstat zoneinfo

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


def build_machine(dtb=None, dts=None, mem=None, cmdline=None, config=None, settings=(), initrd=None,
                  board=None):
    """Build (but do not boot) a machine from the board options."""
    from cmaport.kernel.config import KernelConfig
    from cmaport.kernel.machine import Machine

    cfg = KernelConfig()
    if config:
        cfg.load(config)
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
        click.option("--config", "config", type=click.Path(dir_okay=False, exists=True),
                     help="read a .config-format file over the v4.9 multi_v7_defconfig defaults"),
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
