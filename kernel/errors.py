# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: the exceptions of the model, apart from the kernel's own conventions.

Ported functions return what the kernel returns (negative errno, ``None``). These
exceptions are for the two things the kernel has no return value for:

* ``InputError`` and its subclasses: a user's input (a device tree, a command-line option,
  a configuration file, a scenario line) that the model refuses. The message names the
  input and the position in it. They are raised before the model changes anything.
* ``KernelBug`` / ``KernelPanic`` (raised by ``kernel/panic.py``): the kernel would have
  stopped (``BUG()``, ``panic()``).
"""


class CmaportError(Exception):
    """Model-only: base class of every exception the model raises on purpose."""


class InputError(CmaportError):
    """Model-only: bad user input. ``source`` names the input, ``where`` the place in it."""

    def __init__(self, source, message, where=None):
        self.source = source
        self.where = where
        self.detail = message
        loc = f"{source}:{where}" if where is not None else str(source)
        super().__init__(f"{loc}: {message}")


class ConfigError(InputError):
    """Model-only: a Kconfig symbol or value that the configuration refuses."""


class BoardError(InputError):
    """Model-only: a board description (RAM banks, initrd, reservations) that cannot exist."""


class DeviceTreeError(InputError):
    """Model-only: a device tree blob or source that cannot be read."""


class KernelBug(CmaportError):
    """Model-only: the kernel hit ``BUG()``; ``function`` and ``detail`` say where and what."""

    def __init__(self, function, detail=""):
        self.function = function
        self.detail = detail
        super().__init__(f"kernel BUG in {function}(): {detail}" if detail else f"kernel BUG in {function}()")


class KernelPanic(CmaportError):
    """Model-only: the kernel called ``panic()`` with this message."""


class WouldBlock(CmaportError):
    """Model-only: the kernel would sleep until another task acts (a page lock that someone
    else holds, a migration entry a fault must wait out). The model runs one task at a
    time, so nothing could ever wake it: it stops with this error instead of hanging."""


# Model-only: the most a user-supplied file (.config, .dtb, .dts) may hold; a real one is
# a few hundred KiB at most, and an endless file (a device, a pipe) must not hang the model.
INPUT_FILE_LIMIT = 16 << 20


def read_input_file(path, error, what):
    """Model-only: the bytes of the user's file ``path``, or ``error(path, …)`` if it
    cannot be read or holds more than ``INPUT_FILE_LIMIT`` bytes (``what`` names the kind)."""
    try:
        with open(path, "rb") as f:
            data = f.read(INPUT_FILE_LIMIT + 1)
    except OSError as e:
        raise error(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > INPUT_FILE_LIMIT:
        raise error(path, f"more than {INPUT_FILE_LIMIT >> 20} MiB: too large for {what}")
    return data
