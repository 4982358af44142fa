# SPDX-License-Identifier: GPL-2.0-only
"""The ``cmaport`` command line.

Every subcommand that runs a machine takes the same board options::

    cmaport boot [--board NAME] [--dtb FILE | --dts FILE] [--mem SIZE[@BASE]] [--cmdline "..."]
                 [--config FILE] [--set CONFIG_X=V ...] [--initrd SIZE[@ADDR]]
    cmaport proc NAME [board options]       # NAME: buddyinfo iomem meminfo pagetypeinfo vmstat
                                            #       zoneinfo
    cmaport cma [board options] [--trace] [alloc:COUNT[:ALIGN][@AREA] | free:PFN:COUNT[@AREA] ...]
    cmaport trace [board options]           # /sys/kernel/debug/tracing/trace after the boot

Bad input is one line on stderr and exit status 2; a kernel panic or BUG (or an access
that no memory answers: an external abort) prints the log up to that point, then the
reason, and exits with status 1.
"""

import importlib.resources
import re
import sys

import click

from cmaport.arch.arm.hw.physmem import BusError
from cmaport.kernel.errors import CmaportError, InputError, KernelBug, KernelPanic

# A size as memparse() reads it: a C number (0x hex, 0 octal, decimal) and one suffix letter.
_SIZE = re.compile(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([KkMmGgTtPpEe]?)")
_SUFFIX_SHIFT = {"": 0, "k": 10, "m": 20, "g": 30, "t": 40, "p": 50, "e": 60}


def parse_size(text, option):
    """Parse a size such as ``512M``, ``1G`` or ``0x20000000`` strictly (whole string).

    The value is memparse()'s; one that memparse() would wrap (beyond its 64-bit
    ``unsigned long long``) is refused rather than shown wrapped.
    """
    from cmaport.lib.cmdline import memparse

    value, rest = memparse(text)
    m = _SIZE.fullmatch(text)
    if rest or not text or text[0] in "+-" or not m:
        raise InputError(option, f"{text!r} is not a size (a number with an optional K, M or G suffix)")
    number = m.group(1)
    exact = int(number, 16 if number[:2].lower() == "0x" else 8 if number[0] == "0" else 10)
    exact <<= _SUFFIX_SHIFT[m.group(2).lower()]
    if exact != value:
        raise InputError(option, f"{text!r} is too large (it does not fit memparse()'s 64 bits)")
    return value


def parse_size_at(text, option):
    """Parse ``SIZE[@ADDR]``; returns ``(size, addr or None)``."""
    size_text, at, addr_text = text.partition("@")
    size = parse_size(size_text, option)
    if at and not addr_text:
        raise InputError(option, f"{text!r}: no address after '@' (SIZE or SIZE@ADDR)")
    addr = parse_size(addr_text, option) if at else None
    return size, addr


def build_board(dtb=None, dts=None, mem=None, initrd=None, board_name=None):
    """Build the board the options describe (the built-in one by default).

    ``--dtb``/``--dts`` boot that tree on the hardware of ``--board`` if given, else of the
    built-in board the tree's root ``compatible`` names (``board_with_tree``).
    """
    from cmaport.arch.arm.hw.board import BOARDS, board_with_tree
    from cmaport.arch.arm.hw.fdt_image import compile_dts, load_device_tree

    kw = {}
    if initrd is not None:
        kw["initrd_size"], kw["initrd_addr"] = parse_size_at(initrd, "--initrd")
    if dtb is not None and dts is not None:
        raise InputError("--dtb/--dts", "give either a .dtb or a .dts, not both")
    if board_name is not None and board_name not in BOARDS:
        raise InputError("--board", f"{board_name!r} is not a built-in board "
                         f"(one of: {', '.join(sorted(BOARDS))})")
    ram = None
    if mem is not None:
        size, base = parse_size_at(mem, "--mem")
        if size == 0:
            raise InputError("--mem", f"{mem!r}: RAM size is zero")
        ram = (base, size)
    if dtb is not None or dts is not None:
        path = dtb if dtb is not None else dts
        # A .dts may /include/ the built-in boards' sources (virt-base.dts, …).
        builtin = str(importlib.resources.files("cmaport.arch.arm.boot.dts"))
        if dtb is not None:
            blob = load_device_tree(path)
        else:
            blob = compile_dts(path, include_dirs=[builtin])
        board = board_with_tree(blob, path, board_name, **kw)
        if ram is not None and ram[0] is None:
            # as QEMU's -m: the RAM is where the machine has it; a tree that names no
            # built-in board says where with its /memory
            if board.name in BOARDS:
                ram = (BOARDS[board.name]().ram_base(), ram[1])
            elif board.dt_ram():
                ram = (min(board.dt_ram())[0], ram[1])
            else:
                raise InputError("--mem", f"{mem!r}: {path} describes no RAM to take the base "
                                 "from; give it as --mem SIZE@BASE")
    else:
        board = BOARDS[board_name or "vexpress-a9"](**kw)
        if ram is not None and ram[0] is None:
            ram = (board.ram_base(), ram[1])
    if ram is not None:
        board.ram = [ram]
        board.ram_source = "--mem"
    if initrd is not None:
        board.initrd_source = "--initrd"
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
    if config is not None:
        cfg.load(resolve_config(config))
    if settings:
        cfg.set_assignments(settings)
    board = build_board(dtb, dts, mem, initrd, board)
    m = Machine(board=board, config=cfg, cmdline=cmdline)
    if cfg.ignored:
        m.diagnose("--config", f"{len(cfg.ignored)} symbol(s) of {config} are not modelled and were "
                   f"ignored (first: {cfg.ignored[0]})")
    for note in cfg.notes:
        m.diagnose("--config", note)
    return m


def board_options(fn):
    """The options every machine-running subcommand takes."""
    options = [
        click.option("--board", metavar="NAME",
                     help="a built-in board: vexpress-a9 (the default), vexpress-a15 or virt (QEMU's, the oracle's)"),
        click.option("--dtb", metavar="FILE",
                     help="boot this device tree blob (on the hardware of --board, or of the "
                          "built-in board its root compatible names)"),
        click.option("--dts", metavar="FILE",
                     help="compile this device tree source with dtc and boot it (as --dtb)"),
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

    A kernel panic or BUG, or an access no memory answers (an external abort, which the
    kernel would report as an oops), prints the log so far and the reason, and exits with
    status 1.
    """
    m = build_machine(**options)
    try:
        m.boot(until=until)
    except (KernelPanic, KernelBug, BusError) as e:
        m.log.flush()
        click.echo(m.log.text(timestamps=timestamps), nl=False)
        _report(m)
        click.echo(f"cmaport: the kernel stopped: {_stop_reason(e)}", err=True)
        sys.exit(1)
    m.log.flush()
    return m


def _stop_reason(e):
    """The one-line reason a kernel stopped."""
    if isinstance(e, BusError):
        return f"external abort (bus error): {e}"
    return str(e)


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
    """Boot the board and print /proc/NAME.

    NAME: buddyinfo, iomem, meminfo, pagetypeinfo, vmstat, zoneinfo.
    """
    m = boot_machine(options)
    click.echo(read_proc(m, name), nl=False)
    _report(m)


# -- cmaport cma / cmaport trace ----------------------------------------------------------

_NUMBER = r"(?:0[xX][0-9a-fA-F]+|[0-9]+)"


# The C parameter each number of an action is passed as: (name, C type); all are 32-bit
# on this ARM. cma_alloc(struct cma *, size_t count, unsigned int align) and
# cma_release(struct cma *, const struct page *, unsigned int count), the pfn an
# unsigned long.
_CMA_ACTION_PARAMS = {
    "alloc": (("COUNT", "cma_alloc()'s size_t count"),
              ("ALIGN", "cma_alloc()'s unsigned int align")),
    "free": (("PFN", "an unsigned long pfn"), ("COUNT", "cma_release()'s unsigned int count")),
}


def parse_cma_action(text):
    """Parse one ``cmaport cma`` action; returns ``(kind, numbers, area)``.

    ``alloc:COUNT[:ALIGN][@AREA]`` and ``free:PFN:COUNT[@AREA]``; numbers are decimal or
    ``0x`` hex and must fit the C parameter they are passed as (32 bits). AREA is
    everything after the first ``@`` that follows the numbers, so it may hold ``@`` itself
    (a device-tree node such as ``cma2@48800000``). Anything else is an ``InputError``
    naming the action.
    """
    m = re.fullmatch(r"(alloc|free)((?::%s)+)(?:@(\S+))?" % _NUMBER, text)
    if m:
        kind = m.group(1)
        # decimal (leading zeros allowed, not octal) or 0x hex
        numbers = [int(x, 16) if x[:2] in ("0x", "0X") else int(x, 10)
                   for x in m.group(2)[1:].split(":")]
        if (kind == "alloc" and len(numbers) in (1, 2)) or (kind == "free" and len(numbers) == 2):
            for value, (name, ctype) in zip(numbers, _CMA_ACTION_PARAMS[kind]):
                if value > 0xFFFFFFFF:
                    raise InputError("cmaport cma", f"{text!r}: {name} {value:#x} does not fit "
                                     f"{ctype} (32 bits on this ARM)")
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
        # pfn_to_page() is pointer arithmetic in C: a pfn with no struct page still makes
        # a pointer, which cma_release() refuses (false) for lying outside the area
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
    parsed = [parse_cma_action(a) for a in actions]  # bad actions: before the boot
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
        for text, action, c in zip(actions, parsed, targets):
            m.log.flush()
            before = len(m.dmesg())
            try:
                out += run_cma_action(action, c)
            except InputError as e:
                # what the earlier actions did stays visible
                click.echo("\n".join(out))
                _report(m)
                raise InputError(f"cma action {text!r}", str(e)) from None
            except CmaportError as e:  # KernelBug, KernelPanic, BusError, WouldBlock
                m.log.flush()
                click.echo("\n".join(out + m.dmesg()[before:]))
                _report(m)
                click.echo(f"cmaport: the kernel stopped in cma action {text!r}: {_stop_reason(e)}",
                           err=True)
                sys.exit(1)
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


# click >= 8.2 raises this when a group gets no arguments (8.1 prints the help itself)
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", None)


def main(argv=None):
    """Entry point of the ``cmaport`` console script."""
    try:
        cli.main(args=argv, prog_name="cmaport", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.UsageError as e:
        if _NO_ARGS_IS_HELP is not None and isinstance(e, _NO_ARGS_IS_HELP):
            e.show()  # no arguments at all: the help is the message
            sys.exit(2)
        # one line, as every other input error; the hint names the command's help
        hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
        click.echo(f"cmaport: error: {e.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.exceptions.ClickException as e:
        click.echo(f"cmaport: error: {e.format_message()}", err=True)
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
