# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: the machine — one object that owns every piece of state of one boot.

The kernel keeps its state in globals (``memblock``, ``contig_page_data``,
``cma_areas[]``, file-scope ``static`` variables). The port keeps all of it on a
``Machine``: the configuration, the log buffer, the simulated hardware and, for every
C file that has file-scope variables, one ``@statics`` object. Ported code finds the
machine that is running with ``this_machine()``, so it keeps the C signatures; two
machines in one process never see each other.

A machine becomes the running one inside ``with machine:`` (and during
``machine.boot()``). Nesting is allowed; leaving restores the previous one.
"""

import contextvars

import attrs

_running = contextvars.ContextVar("cmaport_running_machine", default=None)


class NoMachineError(RuntimeError):
    """Model-only: ported code was called while no machine was running."""


def this_machine():
    """Model-only: the machine whose code is running (like the one kernel image of a boot)."""
    m = _running.get()
    if m is None:
        raise NoMachineError(
            "no machine is running: call ported code inside `with machine:` "
            "or through Machine.boot()"
        )
    return m


def statics(cls):
    """Model-only: declare the file-scope variables of one C file.

    Turns ``cls`` into a slotted attrs class and gives it ``get()``, which returns
    the running machine's instance (created with the field defaults on first use).
    """
    cls = attrs.define(slots=True)(cls)

    def get(cls=cls):
        """Model-only: the running machine's instance of this class, created on first use."""
        m = _running.get()
        if m is None:
            this_machine()  # raises the explanatory error
        inst = m._statics.get(cls)
        if inst is None:
            inst = m._statics[cls] = cls()
        return inst

    cls.get = staticmethod(get)
    return cls


@attrs.define(slots=False, eq=False)
class Diagnostic:
    """Model-only: something the kernel accepts silently but a user would want to hear."""

    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


class Machine:
    """Model-only: board + hardware + configuration + all kernel state of one boot.

    :param board: the hardware and what the bootloader hands over
        (``cmaport.arch.arm.hw.board.Board``); the built-in default board if omitted
    :param config: a ``cmaport.kernel.config.KernelConfig``; v4.9 defaults if omitted
    :param cmdline: the kernel command line; ``None`` keeps the board's (the device
        tree's ``bootargs``), a string replaces it as a bootloader would
    """

    def __init__(self, board=None, config=None, cmdline=None):
        from cmaport.arch.arm.hw.board import default_board
        from cmaport.kernel.config import KernelConfig
        from cmaport.kernel.printk import LogBuffer

        self.board = board if board is not None else default_board()
        self.config = config if config is not None else KernelConfig()
        self.cmdline_override = cmdline
        self.log = LogBuffer(self)
        self.clock_ns = 0
        self.warnings = []
        self.diagnostics = []
        self.hw = self.board.build_hardware()
        self._statics = {}
        self._tokens = []
        self.booted = False

    # -- the running machine -------------------------------------------------
    def __enter__(self):
        self._tokens.append(_running.set(self))
        return self

    def __exit__(self, *exc):
        _running.reset(self._tokens.pop())
        return False

    # -- model bookkeeping ---------------------------------------------------
    def diagnose(self, where, message):
        """Model-only: record a diagnostic (never printed into the kernel log)."""
        self.diagnostics.append(Diagnostic(where, message))

    def dmesg(self, timestamps=False, levels=None):
        """Model-only: the log buffer as ``dmesg`` prints it (a list of lines)."""
        return self.log.lines(timestamps=timestamps, levels=levels)

    # -- boot ----------------------------------------------------------------
    def boot(self, until=None):
        """Model-only: run ``start_kernel()`` on this machine.

        :param until: stop after the named stage (see ``cmaport.init.main.STAGES``);
            ``None`` runs the whole boot the model implements.
        """
        from cmaport.init.main import start_kernel

        with self:
            start_kernel(until=until)
        return self
