# SPDX-License-Identifier: GPL-2.0-only
"""kernel/fork.c: creating address spaces and copying them on fork.

``mm_alloc`` makes an empty mm (with its pgd); ``dup_mmap`` copies the parent's VMAs and
(through ``copy_page_range``) its ptes: private writable pages become shared copy-on-write
in both processes, anonymous VMAs join the parent's anon_vmas (``anon_vma_fork``).
``mmput`` drops a user and tears the mm down with the last one.

Model: ``_do_fork`` makes a task that shares nothing but the copied mm (no files,
signals, credentials, threads); the new task is not scheduled — the caller runs it with
``use_task``. ``model_spawn`` stands for fork + execve of a program whose own segments are
not modelled: a task with a fresh, empty mm.
"""

from cmaport.include.linux.errno import ENOMEM
from cmaport.include.linux.mm import VM_DONTCOPY, VM_LOCKED, VM_LOCKONFAULT
from cmaport.include.linux.mm_types import mm_struct
from cmaport.include.linux.sched import TASK_COMM_LEN, alloc_pid, current, sched_c, task_struct
from cmaport.kernel.machine import statics

# include/uapi/linux/sched.h
CLONE_VM = 0x00000100
SIGCHLD = 17


@statics
class fork_c:
    """Model-only: every live mm, for the rmap invariant checks (mm/debug.py), and the
    counter naming them."""

    mms: list = None
    next_id: int = 1


def _mms():
    """Model-only: the running machine's list of live mms (made on first use)."""
    s = fork_c.get()
    if s.mms is None:
        s.mms = []
    return s.mms


def model_all_mms():
    """Model-only: the mm_structs that exist (not yet freed by __mmdrop)."""
    return list(_mms())


def mm_alloc_pgd(mm):
    """kernel/fork.c: mm_alloc_pgd() — pgd_alloc, -ENOMEM if it fails."""
    from cmaport.arch.arm.mm.pgd import pgd_alloc

    mm.pgd = pgd_alloc(mm)
    if mm.pgd is None:
        return -ENOMEM
    return 0


def mm_free_pgd(mm):
    """kernel/fork.c: mm_free_pgd()."""
    from cmaport.arch.arm.mm.pgd import pgd_free

    pgd_free(mm, mm.pgd)
    mm.pgd = None


def mm_init(mm, p):
    """kernel/fork.c: mm_init() — one user, one reference, no VMAs, a pgd."""
    mm.mmap = None
    mm.mm_users = 1
    mm.mm_count = 1
    mm.map_count = 0
    mm.locked_vm = 0
    mm.pinned_vm = 0
    mm.rss_stat = [0] * len(mm.rss_stat)
    mm.nr_ptes = 0
    mm.owner = p
    if mm_alloc_pgd(mm):
        return None
    # init_new_context(): ASIDs are not modelled.
    s = fork_c.get()
    mm.model_id = s.next_id
    s.next_id += 1
    _mms().append(mm)
    return mm


def mm_alloc():
    """kernel/fork.c: mm_alloc() — a new, empty address space."""
    mm = mm_struct()
    return mm_init(mm, current())


def __mmdrop(mm):
    """kernel/fork.c: __mmdrop() — free the pgd and the mm."""
    mm_free_pgd(mm)
    if mm in _mms():
        _mms().remove(mm)


def mmdrop(mm):
    """include/linux/sched.h: mmdrop() — drop a reference; free with the last."""
    mm.mm_count -= 1
    if mm.mm_count == 0:
        __mmdrop(mm)


def __mmput(mm):
    """kernel/fork.c: __mmput() — tear down the mappings, then drop the reference."""
    from cmaport.mm.mmap import exit_mmap

    # uprobe_clear_state, exit_aio, ksm_exit, khugepaged_exit: none configured.
    exit_mmap(mm)
    mmdrop(mm)


def mmput(mm):
    """kernel/fork.c: mmput() — drop a user of the mm; the last one frees its mappings."""
    mm.mm_users -= 1
    if mm.mm_users == 0:
        __mmput(mm)


def dup_mmap(mm, oldmm):
    """kernel/fork.c: dup_mmap() — copy every VMA (but VM_DONTCOPY ones) and its ptes.

    The child's VMAs are never VM_LOCKED: mlock is not inherited.
    """
    from cmaport.include.linux.fs import get_file
    from cmaport.mm.memory import copy_page_range
    from cmaport.mm.mmap import _vma_copy, vm_stat_account
    from cmaport.mm.rmap import anon_vma_fork

    mm.total_vm = oldmm.total_vm
    mm.data_vm = oldmm.data_vm
    mm.exec_vm = oldmm.exec_vm
    mm.stack_vm = oldmm.stack_vm
    mm.mmap_base = oldmm.mmap_base
    mm.get_unmapped_area = oldmm.get_unmapped_area
    prev = None
    retval = 0
    mpnt = oldmm.mmap
    while mpnt is not None:
        if mpnt.vm_flags & VM_DONTCOPY:
            vm_stat_account(mm, mpnt.vm_flags, -((mpnt.vm_end - mpnt.vm_start) >> 12))
            mpnt = mpnt.vm_next
            continue
        tmp = _vma_copy(mpnt)
        tmp.vm_mm = mm
        if anon_vma_fork(tmp, mpnt):
            return -ENOMEM
        tmp.vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT)
        tmp.vm_next = tmp.vm_prev = None
        f = tmp.vm_file
        if f is not None:
            get_file(f)
            mapping = f.f_mapping
            # insert just after the parent's VMA (vma_interval_tree_insert_after)
            i = mapping.i_mmap.index(mpnt)
            mapping.i_mmap.insert(i + 1, tmp)
        # link it after prev (the child's list is built in order)
        tmp.vm_prev = prev
        if prev is not None:
            prev.vm_next = tmp
        else:
            mm.mmap = tmp
        prev = tmp
        mm.map_count += 1
        retval = copy_page_range(mm, oldmm, mpnt)
        # vm_ops->open: none of the model's VMAs have one.
        if retval:
            break
        mpnt = mpnt.vm_next
    if prev is not None:
        mm.highest_vm_end = prev.vm_end
    return retval


def dup_mm(tsk):
    """kernel/fork.c: dup_mm() — a copy of current's mm for the child."""
    oldmm = current().mm
    mm = mm_struct()
    mm.def_flags = oldmm.def_flags
    if mm_init(mm, tsk) is None:
        return None
    err = dup_mmap(mm, oldmm)
    if err:
        mmput(mm)
        return None
    mm.hiwater_rss = 0
    mm.hiwater_vm = mm.total_vm
    return mm


def copy_mm(clone_flags, tsk):
    """kernel/fork.c: copy_mm() — share (CLONE_VM) or duplicate the parent's mm."""
    tsk.mm = None
    tsk.active_mm = None
    oldmm = current().mm
    if oldmm is None:
        return 0
    if clone_flags & CLONE_VM:
        oldmm.mm_users += 1
        mm = oldmm
    else:
        mm = dup_mm(tsk)
        if mm is None:
            return -ENOMEM
    tsk.mm = mm
    tsk.active_mm = mm
    return 0


def copy_process(clone_flags):
    """kernel/fork.c: copy_process() — Model: the task struct and its mm only (see the
    module note)."""
    parent = current()
    p = task_struct(comm=parent.comm, flags=parent.flags & ~0x00000004, parent=parent)
    retval = copy_mm(clone_flags, p)
    if retval:
        return retval
    p.pid = alloc_pid()
    sched_c.get().tasks[p.pid] = p
    return p


def _do_fork(clone_flags, stack_start=0, stack_size=0, parent_tidptr=None,
             child_tidptr=None, tls=0):
    """kernel/fork.c: _do_fork() — copy the current task; return the child's pid or -errno."""
    p = copy_process(clone_flags)
    if isinstance(p, int):
        return p
    # wake_up_new_task(): Model — not scheduled (see the module note).
    return p.pid


def sys_fork():
    """kernel/fork.c: SYSCALL_DEFINE0(fork) — _do_fork(SIGCHLD, ...)."""
    return _do_fork(SIGCHLD)


def find_task_by_vpid(nr):
    """kernel/pid.c: find_task_by_vpid() — the live task with pid ``nr``, or NULL."""
    return sched_c.get().tasks.get(nr)


def model_spawn(comm):
    """Model-only: a new process as fork + execve leave it, with an empty address space
    (no segments of a program are mapped). Returns the task."""
    from cmaport.arch.arm.mm.mmap import arch_pick_mmap_layout

    mm = mm_alloc()
    if mm is None:
        return None
    p = task_struct(comm=comm[:TASK_COMM_LEN - 1], mm=mm, active_mm=mm)
    arch_pick_mmap_layout(mm)
    p.pid = alloc_pid()
    mm.owner = p
    sched_c.get().tasks[p.pid] = p
    return p

