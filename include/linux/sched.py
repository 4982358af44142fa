# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/sched.h: ``struct task_struct`` (what the memory code reads of it) and
``current``.

Model: there is no scheduler. ``current`` is the task the caller made current with
``use_task()`` (a context switch: the task's mm becomes the one faults and system calls
act on); outside any ``use_task`` it is the boot CPU's idle task (pid 0, no mm). Tasks
are kept by pid in ``sched_c.tasks`` until they exit.
"""

import contextlib

import attrs

from cmaport.kernel.machine import statics, this_machine

# task flags
PF_EXITING = 0x00000004
PF_MEMALLOC = 0x00000800
PF_KTHREAD = 0x00200000
PF_RANDOMIZE = 0x00400000
PF_SWAPWRITE = 0x00800000

TASK_COMM_LEN = 16


@attrs.define(slots=True, eq=False)
class task_struct:
    """include/linux/sched.h: struct task_struct (pid, comm, mm and the fault counters)."""

    pid: int = 0
    comm: str = ""
    mm: object = None
    active_mm: object = None
    flags: int = 0
    min_flt: int = 0
    maj_flt: int = 0
    exit_code: int = 0
    parent: object = None

    def __repr__(self):
        return f"<task {self.pid} {self.comm!r}>"


def _init_task():
    """init/init_task.c: init_task — the boot CPU's idle task (pid 0, ``swapper/0``)."""
    return task_struct(pid=0, comm="swapper/0", flags=PF_KTHREAD)


@statics
class sched_c:
    """Model-only: the running task, the task table and the last pid handed out."""

    init_task: object = attrs.Factory(_init_task)
    current: object = None
    tasks: dict = attrs.Factory(dict)
    last_pid: int = 0


def current():
    """include/asm-generic/current.h: current — the task running on this CPU."""
    s = sched_c.get()
    return s.current if s.current is not None else s.init_task


def set_current(tsk):
    """Model-only: make ``tsk`` the running task (``None``: back to the idle task); WARN
    reports name it."""
    s = sched_c.get()
    s.current = tsk
    m = this_machine()
    t = current()
    m.current_pid = t.pid
    m.current_comm = t.comm


@contextlib.contextmanager
def use_task(tsk):
    """Model-only: run the body as ``tsk`` (a context switch to it and back)."""
    s = sched_c.get()
    prev = s.current
    set_current(tsk)
    try:
        yield tsk
    finally:
        set_current(prev)


def alloc_pid():
    """kernel/pid.c: alloc_pid() — the next free pid (Model: pids count up from 1, never
    wrap or get reused)."""
    s = sched_c.get()
    s.last_pid += 1
    return s.last_pid
