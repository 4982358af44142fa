# SPDX-License-Identifier: GPL-2.0-only
"""kernel/exit.c: a task exits — its address space goes with it (``exit_mm``).

Model: only the memory side of do_exit is modelled; the task disappears from the task
table at once (no zombie, no wait()).
"""

from cmaport.include.linux.sched import PF_EXITING, sched_c, use_task


def exit_mm(tsk):
    """kernel/exit.c: exit_mm() — detach the mm from the task and drop the task's use."""
    from cmaport.kernel.fork import mmput

    mm = tsk.mm
    # mm_release(): no futexes or vfork waiters.
    if mm is None:
        return
    # mmap_sem, core dumping, lazy TLB: one CPU, nothing to wait for.
    tsk.mm = None
    # mm_update_next_owner(): no memcg.
    mmput(mm)


def do_exit(code, tsk=None):
    """kernel/exit.c: do_exit() — the memory part: PF_EXITING, exit_mm. ``tsk`` (model-only)
    names the task; by default the current one."""
    from cmaport.include.linux.sched import current

    tsk = tsk if tsk is not None else current()
    with use_task(tsk):
        tsk.flags |= PF_EXITING
        tsk.exit_code = code
        exit_mm(tsk)
    sched_c.get().tasks.pop(tsk.pid, None)
