# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/mm/fault.c: user data aborts — ``do_page_fault`` finds the VMA and calls
``handle_mm_fault`` — and, model-only, the user loads and stores that take them.

Model: there is no CPU yet. ``model_user_load``/``model_user_store`` are what a user
load or store does on ARMv7: the translation walks the task's page tables and, if the
hardware pte would refuse the access, takes a data abort into ``do_page_fault`` and tries
again; then it reads or writes the frame in simulated RAM. The walk reads the Linux ptes
and applies the rules ``cpu_v7_set_pte_ext`` (arch/arm/mm/proc-v7-2level.S) encodes into
the hardware pte: no hardware pte unless the Linux pte is present, young and not
L_PTE_NONE; user access needs L_PTE_USER; a write needs a pte that is dirty and not
L_PTE_RDONLY (a clean pte is read-only to the hardware). The MMU issue replaces this walk
by arch/arm/hw's table walker over descriptors in RAM.
"""

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import (L_PTE_DIRTY, L_PTE_NONE, L_PTE_PRESENT,
                                                  L_PTE_RDONLY, L_PTE_USER, L_PTE_YOUNG,
                                                  TASK_SIZE, pgd_offset, pmd_none, pmd_offset,
                                                  pmdp_get, pte_offset_map, ptep_get,
                                                  pud_offset)
from cmaport.include.linux.mm import (FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_KILLABLE,
                                      FAULT_FLAG_USER, FAULT_FLAG_WRITE, VM_EXEC,
                                      VM_FAULT_ERROR, VM_FAULT_MAJOR, VM_FAULT_OOM,
                                      VM_FAULT_RETRY, VM_FAULT_SIGBUS, VM_READ, VM_WRITE)
from cmaport.kernel.errors import CmaportError

# arch/arm/mm/fault.h
FSR_LNX_PF = 1 << 31
FSR_WRITE = 1 << 11
# arch/arm/mm/fault.c
VM_FAULT_BADMAP = 0x010000
VM_FAULT_BADACCESS = 0x020000


class UserFault(CmaportError):
    """Model-only: a user access the kernel answered with a signal (SIGSEGV or SIGBUS);
    ``signal`` names it, ``addr`` is the faulting address."""

    def __init__(self, signal, addr, fault):
        self.signal = signal
        self.addr = addr
        self.fault = fault
        super().__init__(f"{signal} at {addr:#010x} (fault {fault:#x})")


def access_error(fsr, vma):
    """arch/arm/mm/fault.c: access_error() — does the VMA forbid this kind of access?"""
    mask = VM_READ | VM_EXEC | VM_WRITE
    if fsr & FSR_WRITE:
        mask = VM_WRITE
    if fsr & FSR_LNX_PF:
        mask = VM_EXEC
    return not (vma.vm_flags & mask)


def __do_page_fault(mm, addr, fsr, flags, tsk):
    """arch/arm/mm/fault.c: __do_page_fault() — the VMA must contain the address (stacks do
    not grow in the model) and allow the access."""
    from cmaport.mm.memory import handle_mm_fault
    from cmaport.mm.mmap import find_vma

    vma = find_vma(mm, addr)
    fault = VM_FAULT_BADMAP
    if vma is None:
        return fault
    if vma.vm_start > addr:
        return fault  # check_stack: expand_stack() is not modelled
    # good_area:
    if access_error(fsr, vma):
        return VM_FAULT_BADACCESS
    return handle_mm_fault(vma, addr & PAGE_MASK, flags)


def do_page_fault(addr, fsr, regs=None):
    """arch/arm/mm/fault.c: do_page_fault() — a data abort from user mode.

    :return: 0 when the access may be retried; Model: a fault the kernel would answer with
        a signal raises ``UserFault`` (SIGSEGV / SIGBUS; VM_FAULT_OOM runs no OOM killer)
    """
    from cmaport.include.linux.sched import current

    tsk = current()
    mm = tsk.mm
    flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE
    # user_mode(regs): the model's accesses come from user mode
    flags |= FAULT_FLAG_USER
    if fsr & FSR_WRITE:
        flags |= FAULT_FLAG_WRITE
    if mm is None:
        raise UserFault("SIGSEGV", addr, VM_FAULT_BADMAP)
    fault = __do_page_fault(mm, addr, fsr, flags, tsk)
    # perf events; the retry with FAULT_FLAG_TRIED never happens (nothing waits).
    if not (fault & VM_FAULT_ERROR) and not (fault & (VM_FAULT_BADMAP | VM_FAULT_BADACCESS)):
        if flags & FAULT_FLAG_ALLOW_RETRY:
            if fault & VM_FAULT_MAJOR:
                tsk.maj_flt += 1
            else:
                tsk.min_flt += 1
        if not (fault & VM_FAULT_RETRY):
            return 0
        return 0
    if fault & VM_FAULT_OOM:
        # pagefault_out_of_memory(): the model has no OOM killer
        raise UserFault("OOM", addr, fault)
    if fault & VM_FAULT_SIGBUS:
        raise UserFault("SIGBUS", addr, fault)
    raise UserFault("SIGSEGV", addr, fault)


def _hw_permits(pte, write):
    """Model-only: the hardware pte cpu_v7_set_pte_ext would build allows this user access."""
    if not (pte & L_PTE_PRESENT) or not (pte & L_PTE_YOUNG) or (pte & L_PTE_NONE):
        return False
    if not (pte & L_PTE_USER):
        return False
    if write and ((pte & L_PTE_RDONLY) or not (pte & L_PTE_DIRTY)):
        return False
    return True


def model_translate(mm, addr, write):
    """Model-only: the MMU's walk for a user access — the physical address, or ``None``
    (a translation or permission fault)."""
    if addr >= TASK_SIZE():
        return None
    pmd = pmd_offset(pud_offset(pgd_offset(mm, addr), addr), addr)
    if pmd_none(pmdp_get(pmd)):
        return None
    pte = ptep_get(pte_offset_map(pmd, addr))
    if not _hw_permits(pte, write):
        return None
    return (pte & PAGE_MASK) | (addr & ~PAGE_MASK)


def _access(tsk, addr, size, write, data=None):
    """Model-only: a user load/store of ``size`` bytes, page by page."""
    from cmaport.include.linux.sched import use_task
    from cmaport.kernel.machine import this_machine

    physmem = this_machine().hw.physmem
    out = bytearray()
    pos = 0
    with use_task(tsk):
        while pos < size:
            a = (addr + pos) & 0xFFFFFFFF
            n = min(size - pos, PAGE_SIZE - (a & ~PAGE_MASK))
            for _ in range(8):
                phys = model_translate(tsk.mm, a, write)
                if phys is not None:
                    break
                do_page_fault(a, FSR_WRITE if write else 0)
            else:
                raise RuntimeError(f"Model: the fault at {a:#x} never resolved")
            if write:
                physmem.write(phys, bytes(data[pos:pos + n]))
            else:
                out += physmem.read(phys, n)
            pos += n
    return bytes(out)


def model_user_store(tsk, addr, data):
    """Model-only: task ``tsk`` stores ``data`` at user address ``addr`` (faulting as
    needed)."""
    _access(tsk, addr, len(data), True, data)


def model_user_load(tsk, addr, size):
    """Model-only: task ``tsk`` loads ``size`` bytes from user address ``addr``."""
    return _access(tsk, addr, size, False)
