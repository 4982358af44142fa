# SPDX-License-Identifier: GPL-2.0-only
"""kernel/panic.c, lib/bug.c, include/asm-generic/bug.h: WARN, BUG and panic.

``WARN*`` print the kernel's report into the log (``------------[ cut here ]...``,
``WARNING: CPU: 0 PID: 0 at mm/page_alloc.c:7327 free_contig_range``, the message, the
call chain, ``---[ end trace … ]---``), taint the machine with ``W`` and record a
structured ``KernelWarning`` on ``machine.warnings``. They return the condition, as the
C macros do, so ``if WARN_ON(x): return`` reads as in C.

``BUG*`` print ``kernel BUG at file:line!`` and raise ``KernelBug``; ``panic`` prints
``Kernel panic - not syncing: …`` and raises ``KernelPanic``.

The C file and line are those of the v4.9 source: the file is derived from the Python
module of the caller (``cmaport.mm.page_alloc`` → ``mm/page_alloc.c``), the line is
passed as ``line=`` where a test or a reader needs it, the function is the caller's name.
"""

import sys

import attrs

from cmaport.kernel.errors import KernelBug, KernelPanic
from cmaport.kernel.machine import this_machine
from cmaport.kernel.printk import KERN_DEFAULT, printk
from cmaport.lib.vsprintf import vsnprintf

_KERNEL_PACKAGES = ("cmaport.mm.", "cmaport.kernel.", "cmaport.lib.", "cmaport.drivers.",
                    "cmaport.arch.", "cmaport.init.", "cmaport.include.")


@attrs.define
class KernelWarning:
    """Model-only: one WARN report, as recorded on the machine."""

    file: str
    line: int
    function: str
    message: str


# Kernel file and folder names spelt with a dash where the port has an underscore.
_DASHED_C = {"dma_contiguous", "dma_coherent", "dma_mapping", "mach_vexpress", "amba_clcd"}
_DASHED_H = {"dma_contiguous", "dma_mapping", "pageblock_flags", "page_isolation"}


def _c_file(module):
    """Model-only: the C file a module of the port stands for (``mm/page_alloc.c``)."""
    name = module[len("cmaport."):] if module.startswith("cmaport.") else module
    parts = name.split(".")
    header = "include" in parts
    dashed = _DASHED_H if header else _DASHED_C
    parts = [p.replace("_", "-") if p in dashed else p for p in parts]
    return "/".join(parts) + (".h" if header else ".c")


# Model-only: code objects of wrapper functions the kernel does not have (see
# model_only_frame); backtraces leave their frames out.
_MODEL_ONLY_CODE = set()


def model_only_frame(fn):
    """Model-only: mark ``fn`` as a wrapper of the port that the kernel does not have.

    Its frames are left out of the call chain of WARN/BUG reports, so a backtrace shows
    the kernel's chain (a header's dispatch to the ``drivers/`` function of the same name,
    for instance, would otherwise read ``(f) from (f)``). Returns ``fn`` itself: no frame
    is added.
    """
    _MODEL_ONLY_CODE.add(fn.__code__)
    return fn


def _caller(depth):
    """Model-only: ``(module, function)`` of the Python frame ``depth`` calls above the caller."""
    f = sys._getframe(depth + 1)
    return f.f_globals.get("__name__", "?"), f.f_code.co_name


def _call_chain(depth):
    """Model-only: the chain of ported functions above the caller, innermost first."""
    names = []
    f = sys._getframe(depth + 1)
    while f is not None:
        mod = f.f_globals.get("__name__", "")
        if (mod.startswith(_KERNEL_PACKAGES) and not mod.startswith("cmaport.kernel.panic")
                and f.f_code not in _MODEL_ONLY_CODE):
            names.append(f.f_code.co_name)
        f = f.f_back
    return names


def dump_stack(depth=1):
    """lib/dump_stack.c: dump_stack() — the task line, the board, the call chain.

    Model: there is no machine code, so the backtrace lists the ported functions of the
    Python call chain without addresses.
    """
    m = this_machine()
    taint = "Tainted: G        W" if "W" in getattr(m, "taint", "") else "Not tainted"
    printk("CPU: 0 PID: %d Comm: %s %s 4.9.0-cmaport #1\n", m_pid(m), m_comm(m), taint)
    if m.log.arch_desc:
        printk("Hardware name: %s\n", m.log.arch_desc)
    chain = _call_chain(depth + 1)
    for callee, caller in zip(chain, chain[1:]):
        printk("(%s) from (%s)\n", callee, caller)


def m_pid(m):
    """Model-only: the pid of the running task (0, the boot CPU's idle task, unless set)."""
    return getattr(m, "current_pid", 0)


def m_comm(m):
    """Model-only: the name of the running task."""
    return getattr(m, "current_comm", "swapper/0")


def __warn(file, line, function, message, depth):
    """kernel/panic.c: __warn() — print a WARNING report and taint the kernel."""
    m = this_machine()
    printk("\0014------------[ cut here ]------------\n")
    printk("\0014WARNING: CPU: %d PID: %d at %s:%d %s\n", 0, m_pid(m), file, line, function)
    if message:
        printk(message)
    dump_stack(depth + 1)
    printk("\0014---[ end trace %016llx ]---\n", 0)
    m.taint = getattr(m, "taint", "") + ("" if "W" in getattr(m, "taint", "") else "W")
    m.warnings.append(KernelWarning(file, line, function, message.rstrip("\n")))


def _warn_at(condition, fmt, args, line, depth, once_key=None):
    """include/asm-generic/bug.h: what WARN*() share — __warn() if ``condition`` holds.

    The _ONCE variants pass ``once_key`` and report once per call site. Returns
    ``condition``, as the macros do.
    """
    if not condition:
        return condition
    module, function = _caller(depth + 1)
    file = _c_file(module)
    if once_key is not None:
        m = this_machine()
        done = m.__dict__.setdefault("_warn_once", set())
        key = (file, line, function, once_key)
        if key in done:
            return condition
        done.add(key)
    message = vsnprintf(fmt, args) if fmt else ""
    __warn(file, line or 0, function, message, depth + 1)
    return condition


def WARN(condition, fmt, *args, line=0):
    """include/asm-generic/bug.h: WARN() — report with a message when condition holds."""
    return _warn_at(condition, fmt, args, line, 1)


def WARN_ON(condition, line=0):
    """include/asm-generic/bug.h: WARN_ON()."""
    return _warn_at(condition, None, (), line, 1)


def WARN_ONCE(condition, fmt, *args, line=0):
    """include/asm-generic/bug.h: WARN_ONCE() — only the first time per call site."""
    return _warn_at(condition, fmt, args, line, 1, once_key=fmt)


def WARN_ON_ONCE(condition, line=0):
    """include/asm-generic/bug.h: WARN_ON_ONCE()."""
    return _warn_at(condition, None, (), line, 1, once_key="")


def BUG(detail="", line=0):
    """include/asm-generic/bug.h: BUG() — report and stop (raises ``KernelBug``)."""
    module, function = _caller(1)
    printk(KERN_DEFAULT + "------------[ cut here ]------------\n")
    printk("\0012kernel BUG at %s:%u!\n", _c_file(module), line)
    raise KernelBug(function, detail)


def BUG_ON(condition, detail="", line=0):
    """include/asm-generic/bug.h: BUG_ON()."""
    if condition:
        module, function = _caller(1)
        printk(KERN_DEFAULT + "------------[ cut here ]------------\n")
        printk("\0012kernel BUG at %s:%u!\n", _c_file(module), line)
        raise KernelBug(function, detail)


def kernel_fault_oops(addr, function, detail):
    """Model-only: a kernel access to an unmapped address — arch/arm/mm/fault.c's
    __do_kernel_fault() line, then the kernel stops.

    Prints ``Unable to handle kernel NULL pointer dereference at virtual address %08lx``
    (below PAGE_SIZE) or ``… paging request …`` (elsewhere) at KERN_ALERT and raises
    ``KernelBug(function, detail)``.

    Model: the register dump, the backtrace and the fate of the task that faulted (pid 1
    dying panics the kernel; another task is killed and the kernel goes on, tainted) are
    not modelled: the model stops at the alert line, as for every oops.
    """
    from cmaport.arch.arm.include.asm.page import PAGE_SIZE
    from cmaport.kernel.printk import KERN_ALERT

    addr &= 0xFFFFFFFF
    printk(KERN_ALERT + "Unable to handle kernel %s at virtual address %08lx\n",
           "NULL pointer dereference" if addr < PAGE_SIZE else "paging request", addr)
    raise KernelBug(function, detail)


def panic(fmt, *args):
    """kernel/panic.c: panic() — print the message and stop (raises ``KernelPanic``)."""
    msg = vsnprintf(fmt, args)
    printk("\0010Kernel panic - not syncing: %s\n", msg.rstrip("\n"))
    raise KernelPanic(msg.rstrip("\n"))
