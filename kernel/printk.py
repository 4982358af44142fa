# SPDX-License-Identifier: GPL-2.0-only
"""kernel/printk/printk.c: printk() and the log buffer, one per machine.

The rules kept from v4.9:

* A message starts with an optional level header (``KERN_SOH`` + digit); without one it
  gets ``default_message_loglevel`` (4, warning).
* ``KERN_CONT`` continues the last record if it is still open (its text did not end in a
  newline); any other printk closes an open record first (v4.9 made ``KERN_CONT``
  mandatory for continuations).
* A trailing newline ends the record and is not stored; newlines inside one printk stay
  in the record, and ``dmesg`` prints each of its lines with the record's prefix.
* ``pr_debug`` is compiled in only where the file defines ``DEBUG``; in the port that
  is the Kconfig symbol passed to ``pr_helpers(debug=...)`` (``CONFIG_CMA_DEBUG`` for
  mm/cma.c), or the model-only switch ``LogBuffer.debug_all``.

Model: there is no console driver; ``dmesg`` reads the records back. Timestamps come
from the machine's simulated clock and are off by default so logs compare exactly.
"""

from cmaport.kernel.machine import this_machine, _running
from cmaport.lib.vsprintf import vsnprintf

KERN_SOH = "\001"
KERN_EMERG = KERN_SOH + "0"
KERN_ALERT = KERN_SOH + "1"
KERN_CRIT = KERN_SOH + "2"
KERN_ERR = KERN_SOH + "3"
KERN_WARNING = KERN_SOH + "4"
KERN_NOTICE = KERN_SOH + "5"
KERN_INFO = KERN_SOH + "6"
KERN_DEBUG = KERN_SOH + "7"
KERN_DEFAULT = KERN_SOH + "d"
KERN_CONT = KERN_SOH + "c"

LOGLEVEL_EMERG, LOGLEVEL_ALERT, LOGLEVEL_CRIT, LOGLEVEL_ERR = 0, 1, 2, 3
LOGLEVEL_WARNING, LOGLEVEL_NOTICE, LOGLEVEL_INFO, LOGLEVEL_DEBUG = 4, 5, 6, 7

# include/linux/printk.h: the v4.9 defaults (CONFIG_MESSAGE_LOGLEVEL_DEFAULT = 4,
# CONSOLE_LOGLEVEL_DEFAULT = 7).
MESSAGE_LOGLEVEL_DEFAULT = 4
CONSOLE_LOGLEVEL_DEFAULT = 7

LEVEL_NAMES = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")


class Record:
    """kernel/printk/printk.c: struct printk_log — one message in the log buffer."""

    __slots__ = ("level", "text", "ts_nsec", "open")

    def __init__(self, level, text, ts_nsec, open_):
        self.level = level
        self.text = text
        self.ts_nsec = ts_nsec
        self.open = open_

    def __repr__(self):
        return f"<{self.level}>{self.text!r}"


class LogBuffer:
    """kernel/printk/printk.c: the log buffer (``log_buf``) of one machine."""

    def __init__(self, machine):
        self.machine = machine
        self.records = []
        self.console_loglevel = CONSOLE_LOGLEVEL_DEFAULT
        self.default_message_loglevel = MESSAGE_LOGLEVEL_DEFAULT
        # Model-only: as if every file were built with -DDEBUG (all pr_debug on).
        self.debug_all = False
        # Model-only: callbacks that see every finished line (for live output).
        self.listeners = []
        # kernel/printk/printk.c: dump_stack_arch_desc_str ("Hardware name: ...").
        self.arch_desc = ""

    def store(self, level, text):
        """kernel/printk/printk.c: vprintk_emit() and log_output() — add formatted text.

        Model: one task writes at a time, so a continuation always belongs to the open
        line (``cont.owner == current``); the line-length limits (``LOG_LINE_MAX``, the
        80 % flush of the cont buffer) are not modelled.
        """
        newline = text.endswith("\n")
        if newline:
            text = text[:-1]
        cont = False
        # printk_get_level(): strip every header in front; the first level wins
        while len(text) >= 2 and text[0] == KERN_SOH and text[1] in "01234567dc":
            code = text[1]
            if code == "c":
                cont = True
            elif code != "d" and level is None:
                level = int(code)
            text = text[2:]
        if level is None:
            level = self.default_message_loglevel
        last = self.records[-1] if self.records else None
        if last is not None and last.open:
            if cont:
                last.text += text
                if newline:
                    last.open = False
                    self._emit(last)
                return
            last.open = False
            self._emit(last)
        if not text and cont:
            return  # an empty continuation with nothing to continue only flushes
        if not newline:
            if text:  # an empty fragment leaves the cont buffer empty
                self.records.append(Record(level, text, self.machine.clock_ns, True))
            return
        rec = Record(level, text, self.machine.clock_ns, False)
        self.records.append(rec)
        self._emit(rec)

    def _emit(self, rec):
        """Model-only: hand a finished record to the listeners (live output)."""
        for fn in self.listeners:
            fn(rec)

    def flush(self):
        """Model-only: close a record left open (as a later printk or a reader would)."""
        if self.records and self.records[-1].open:
            self.records[-1].open = False
            self._emit(self.records[-1])

    @staticmethod
    def format_record(rec, timestamps=False):
        """kernel/printk/printk.c: msg_print_text() — the lines of one record."""
        prefix = ""
        if timestamps:
            ts = rec.ts_nsec
            prefix = "[%5d.%06d] " % (ts // 1000000000, (ts % 1000000000) // 1000)
        return [prefix + line for line in rec.text.split("\n")]

    def lines(self, timestamps=False, levels=None):
        """Model-only: every stored line, as ``dmesg`` prints them."""
        out = []
        for rec in self.records:
            if levels is not None and rec.level not in levels:
                continue
            out.extend(self.format_record(rec, timestamps))
        return out

    def text(self, timestamps=False, levels=None):
        """Model-only: ``lines()`` joined with newlines (with a final newline)."""
        lines = self.lines(timestamps, levels)
        return "\n".join(lines) + ("\n" if lines else "")


def dump_stack_set_arch_desc(fmt, *args):
    """kernel/printk/printk.c: dump_stack_set_arch_desc() — the "Hardware name:" of reports."""
    this_machine().log.arch_desc = vsnprintf(fmt, args)


def printk(fmt, *args):
    """kernel/printk/printk.c: printk() — format and store one message.

    ``fmt`` may start with a ``KERN_*`` level header, as in C.
    """
    m = this_machine()
    text = vsnprintf(fmt, args) if args else (fmt if "%" not in fmt else vsnprintf(fmt, ()))
    m.log.store(None, text)
    return len(text)


class PrFmt:
    """include/linux/printk.h: the ``pr_*`` macros bound to one file's ``pr_fmt``.

    :param pr_fmt: the prefix the file defines (``"cma: "``); ``""`` for none
    :param debug: whether the file defines ``DEBUG``: a Kconfig symbol name whose value
        turns ``pr_debug`` on (``"CONFIG_CMA_DEBUG"``), ``True``, or ``None`` (never)
    """

    __slots__ = ("pr_fmt", "debug_symbol")

    def __init__(self, pr_fmt="", debug=None):
        self.pr_fmt = pr_fmt
        self.debug_symbol = debug

    def _print(self, header, fmt, args):
        """include/linux/printk.h: what each pr_*() expands to — printk(level pr_fmt(fmt), …)."""
        m = this_machine()
        text = vsnprintf(self.pr_fmt + fmt, args)
        m.log.store(None, header + text)

    def emerg(self, fmt, *args):
        """include/linux/printk.h: pr_emerg()."""
        self._print(KERN_EMERG, fmt, args)

    def alert(self, fmt, *args):
        """include/linux/printk.h: pr_alert()."""
        self._print(KERN_ALERT, fmt, args)

    def crit(self, fmt, *args):
        """include/linux/printk.h: pr_crit()."""
        self._print(KERN_CRIT, fmt, args)

    def err(self, fmt, *args):
        """include/linux/printk.h: pr_err()."""
        self._print(KERN_ERR, fmt, args)

    def warn(self, fmt, *args):
        """include/linux/printk.h: pr_warn()."""
        self._print(KERN_WARNING, fmt, args)

    def notice(self, fmt, *args):
        """include/linux/printk.h: pr_notice()."""
        self._print(KERN_NOTICE, fmt, args)

    def info(self, fmt, *args):
        """include/linux/printk.h: pr_info()."""
        self._print(KERN_INFO, fmt, args)

    def cont(self, fmt, *args):
        """include/linux/printk.h: pr_cont() — continue the open line (no pr_fmt)."""
        m = this_machine()
        m.log.store(None, KERN_CONT + vsnprintf(fmt, args))

    def debug_enabled(self):
        """Model-only: whether ``pr_debug`` of this file prints on the running machine."""
        m = _running.get()
        if m is None:
            return False
        if m.log.debug_all:
            return True
        sym = self.debug_symbol
        if sym is None or sym is False:
            return False
        if sym is True:
            return True
        return bool(m.config.get(sym))

    def debug(self, fmt, *args):
        """include/linux/printk.h: pr_debug() — only where the file defines DEBUG."""
        if self.debug_enabled():
            self._print(KERN_DEBUG, fmt, args)


def pr_helpers(pr_fmt="", debug=None):
    """Model-only: the ``pr_*`` helpers of one file (see ``PrFmt``)."""
    return PrFmt(pr_fmt, debug)
