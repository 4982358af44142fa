# SPDX-License-Identifier: GPL-2.0-only
"""mm/mmap.c: the VMAs of an address space — mmap, munmap, splitting, exit.

Model: an mm's VMAs are kept in the sorted ``vm_next``/``vm_prev`` list only; the VMA
rbtree, its gap augmentation and the per-thread vmacache are not kept (``find_vma``
walks the list; the top-down search scans the gaps the rbtree would find). VMAs are never
merged (``vma_merge`` finds nothing), so a range mapped twice in a row is two VMAs.
No rlimits, no overcommit accounting (``security_vm_enough_memory``), no uprobes or perf
events. Shared anonymous mappings (shmem) are not modelled: ``do_mmap`` refuses them
with -EINVAL.
"""

from cmaport.arch.arm.include.asm.page import PAGE_MASK, PAGE_SHIFT, PAGE_SIZE
from cmaport.arch.arm.include.asm.pgtable import (FIRST_USER_ADDRESS, TASK_SIZE,
                                                  USER_PGTABLES_CEILING, protection_map)
from cmaport.include.linux.errno import EACCES, EINVAL, ENODEV, ENOMEM, EOVERFLOW, EPERM
from cmaport.include.linux.mm import (VM_DENYWRITE, VM_EXEC, VM_GROWSDOWN,
                                      VM_GROWSUP, VM_LOCKED, VM_LOCKED_CLEAR_MASK, VM_MAYEXEC,
                                      VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_PFNMAP,
                                      VM_READ, VM_SHARED, VM_SPECIAL, VM_STACK, VM_WRITE,
                                      vma_pages)
from cmaport.include.linux.mm_types import vm_area_struct

# include/uapi/asm-generic/mman-common.h and mman.h
PROT_NONE = 0x0
PROT_READ = 0x1
PROT_WRITE = 0x2
PROT_EXEC = 0x4
MAP_SHARED = 0x01
MAP_PRIVATE = 0x02
MAP_TYPE = 0x0F
MAP_FIXED = 0x10
MAP_ANONYMOUS = 0x20
MAP_GROWSDOWN = 0x0100
MAP_DENYWRITE = 0x0800
MAP_EXECUTABLE = 0x1000
MAP_LOCKED = 0x2000
MAP_NORESERVE = 0x4000
MAP_POPULATE = 0x8000
MAP_NONBLOCK = 0x10000
MAP_STACK = 0x20000
MAP_HUGETLB = 0x40000
# include/linux/fs.h
FMODE_READ = 0x1
FMODE_WRITE = 0x2

# mm/mmap.c: sysctl_max_map_count (DEFAULT_MAX_MAP_COUNT), and mmap_min_addr
# (CONFIG_DEFAULT_MMAP_MIN_ADDR of the ARM build)
DEFAULT_MAX_MAP_COUNT = 65530
MMAP_MIN_ADDR = 4096


def vm_get_page_prot(vm_flags):
    """mm/mmap.c: vm_get_page_prot() — protection_map[] of the R/W/X/SHARED bits."""
    return protection_map(vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED))


def vm_pgprot_modify(oldprot, vm_flags):
    """mm/mmap.c: vm_pgprot_modify() — pgprot_modify(old, vm_get_page_prot(flags))."""
    return vm_get_page_prot(vm_flags)


def vma_wants_writenotify(vma, vm_page_prot):
    """mm/mmap.c: vma_wants_writenotify() — should a shared writable mapping start
    read-only, so the first write faults (page_mkwrite, dirty accounting)?"""
    from cmaport.include.linux.fs import mapping_cap_account_dirty

    vm_flags = vma.vm_flags
    if (vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED):
        return 0
    if vma.vm_ops is not None and vma.vm_ops.page_mkwrite is not None:
        return 1
    # pgprot_val(vm_page_prot) != pgprot_val(vm_pgprot_modify(...)): never on ARM
    # vma_soft_dirty: no CONFIG_MEM_SOFT_DIRTY
    if vm_flags & VM_PFNMAP:
        return 0
    return int(vma.vm_file is not None and mapping_cap_account_dirty(vma.vm_file.f_mapping))


def vma_set_page_prot(vma):
    """mm/mmap.c: vma_set_page_prot() — the VMA's pte protection (read-only first for
    write-notify)."""
    vm_flags = vma.vm_flags
    vm_page_prot = vm_pgprot_modify(vma.vm_page_prot, vm_flags)
    if vma_wants_writenotify(vma, vm_page_prot):
        vm_flags &= ~VM_SHARED
        vm_page_prot = vm_pgprot_modify(vm_page_prot, vm_flags)
    vma.vm_page_prot = vm_page_prot


def calc_vm_prot_bits(prot, pkey=0):
    """include/linux/mman.h: calc_vm_prot_bits() — PROT_* to VM_* (the same bits)."""
    return ((VM_READ if prot & PROT_READ else 0) | (VM_WRITE if prot & PROT_WRITE else 0)
            | (VM_EXEC if prot & PROT_EXEC else 0))


def calc_vm_flag_bits(flags):
    """include/linux/mman.h: calc_vm_flag_bits() — MAP_* to VM_*."""
    return ((VM_GROWSDOWN if flags & MAP_GROWSDOWN else 0)
            | (VM_DENYWRITE if flags & MAP_DENYWRITE else 0)
            | (VM_LOCKED if flags & MAP_LOCKED else 0))


# --- finding VMAs ---------------------------------------------------------------------

def find_vma(mm, addr):
    """mm/mmap.c: find_vma() — the first VMA that ends above ``addr``, or NULL."""
    vma = mm.mmap
    while vma is not None:
        if vma.vm_end > addr:
            return vma
        vma = vma.vm_next
    return None


def find_vma_prev(mm, addr):
    """mm/mmap.c: find_vma_prev() — ``(vma, prev)``."""
    vma = find_vma(mm, addr)
    if vma is not None:
        return vma, vma.vm_prev
    prev = mm.mmap
    while prev is not None and prev.vm_next is not None:
        prev = prev.vm_next
    return None, prev


def find_extend_vma(mm, addr):
    """mm/mmap.c: find_extend_vma() — the VMA containing ``addr``.

    Model: stacks do not grow (expand_stack is not modelled), so only a VMA that already
    contains the address is returned.
    """
    addr &= PAGE_MASK
    vma = find_vma(mm, addr)
    if vma is None:
        return None
    if vma.vm_start <= addr:
        return vma
    return None


# --- linking ---------------------------------------------------------------------------

def __vma_link_list(mm, vma, prev):
    """mm/util.c: __vma_link_list() — into the sorted list after ``prev``."""
    vma.vm_prev = prev
    if prev is not None:
        nxt = prev.vm_next
        prev.vm_next = vma
    else:
        nxt = mm.mmap
        mm.mmap = vma
    vma.vm_next = nxt
    if nxt is not None:
        nxt.vm_prev = vma


def __vma_unlink_list(mm, vma):
    """mm/mmap.c: the list part of __vma_unlink_common()."""
    prev = vma.vm_prev
    nxt = vma.vm_next
    if prev is not None:
        prev.vm_next = nxt
    else:
        mm.mmap = nxt
    if nxt is not None:
        nxt.vm_prev = prev


def __vma_link_file(vma):
    """mm/mmap.c: __vma_link_file() — a file VMA into its mapping's i_mmap."""
    f = vma.vm_file
    if f is not None:
        mapping = f.f_mapping
        # VM_DENYWRITE / mapping_allow_writable(): no write-deny accounting.
        mapping.i_mmap.append(vma)  # vma_interval_tree_insert()


def __remove_shared_vm_struct(vma, f, mapping):
    """mm/mmap.c: __remove_shared_vm_struct() — out of i_mmap."""
    mapping.i_mmap.remove(vma)  # vma_interval_tree_remove()


def unlink_file_vma(vma):
    """mm/mmap.c: unlink_file_vma() — the VMA leaves its file's i_mmap (before its page
    tables are freed)."""
    f = vma.vm_file
    if f is not None:
        mapping = f.f_mapping
        if vma in mapping.i_mmap:
            __remove_shared_vm_struct(vma, f, mapping)


def _find_prev(mm, addr):
    """Model-only: the VMA that ends at or below ``addr`` (find_vma_links's ``pprev``)."""
    prev = None
    vma = mm.mmap
    while vma is not None and vma.vm_end <= addr:
        prev = vma
        vma = vma.vm_next
    return prev


def find_vma_links(mm, addr, end):
    """mm/mmap.c: find_vma_links() — ``(overlap, prev)``: -ENOMEM if a VMA overlaps
    [addr, end), else 0; ``prev`` is the VMA before the insertion point."""
    prev = _find_prev(mm, addr)
    nxt = prev.vm_next if prev is not None else mm.mmap
    if nxt is not None and nxt.vm_start < end:
        return -ENOMEM, prev
    return 0, prev


def vma_link(mm, vma, prev):
    """mm/mmap.c: vma_link() — into the list (and rbtree) and the file's i_mmap."""
    __vma_link_list(mm, vma, prev)
    __vma_link_file(vma)
    mm.map_count += 1
    if vma.vm_next is None:
        mm.highest_vm_end = vma.vm_end


def __insert_vm_struct(mm, vma):
    """mm/mmap.c: __insert_vm_struct() — link a VMA that does not overlap anything."""
    err, prev = find_vma_links(mm, vma.vm_start, vma.vm_end)
    if err:
        from cmaport.kernel.panic import BUG

        BUG(line=2940)
    __vma_link_list(mm, vma, prev)
    mm.map_count += 1


# --- anon_vma reuse -------------------------------------------------------------------------

def anon_vma_compatible(a, b):
    """mm/mmap.c: anon_vma_compatible() — adjacent, same file and flags, continuous offsets."""
    # (VM_SOFTDIRTY is 0 and mpol_equal() always true: no soft-dirty, no NUMA policies)
    return (a.vm_end == b.vm_start
            and a.vm_file is b.vm_file
            and not ((a.vm_flags ^ b.vm_flags) & ~(VM_READ | VM_WRITE | VM_EXEC))
            and b.vm_pgoff == a.vm_pgoff + ((b.vm_start - a.vm_start) >> PAGE_SHIFT))


def reusable_anon_vma(old, a, b):
    """mm/mmap.c: reusable_anon_vma() — ``old``'s anon_vma, if old has only that one."""
    if anon_vma_compatible(a, b):
        av = old.anon_vma
        if av is not None and len(old.anon_vma_chain) == 1:  # list_is_singular()
            return av
    return None


def find_mergeable_anon_vma(vma):
    """mm/mmap.c: find_mergeable_anon_vma() — a neighbour's anon_vma this VMA may share."""
    anon = None
    near = vma.vm_next
    if near is not None:
        anon = reusable_anon_vma(near, vma, near)
        if anon is not None:
            return anon
    near = vma.vm_prev
    if near is not None:
        anon = reusable_anon_vma(near, near, vma)
    return anon


# --- mmap ------------------------------------------------------------------------------

def vm_stat_account(mm, flags, npages):
    """mm/mmap.c: vm_stat_account() — total_vm and the exec/stack/data counts."""
    mm.total_vm += npages
    if (flags & (VM_EXEC | VM_WRITE)) == VM_EXEC:
        mm.exec_vm += npages
    elif flags & VM_STACK:
        mm.stack_vm += npages
    elif (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE:
        mm.data_vm += npages


def get_unmapped_area(file, addr, len_, pgoff, flags):
    """mm/mmap.c: get_unmapped_area() — the mm's (top-down) search, checked.

    :return: an address, or a negative errno
    """
    from cmaport.include.linux.sched import current

    if len_ > TASK_SIZE():
        return -ENOMEM
    get_area = current().mm.get_unmapped_area
    addr = get_area(file, addr, len_, pgoff, flags)
    if addr < 0:
        return addr
    if addr > TASK_SIZE() - len_:
        return -ENOMEM
    if addr & ~PAGE_MASK:
        return -EINVAL
    return addr


def vm_unmapped_area(info):
    """include/linux/mm.h: vm_unmapped_area() — top-down or bottom-up gap search."""
    if info["flags"] & 1:  # VM_UNMAPPED_AREA_TOPDOWN
        return unmapped_area_topdown(info)
    return unmapped_area(info)


def _gaps():
    """Model-only: the gaps between the current mm's VMAs, lowest first."""
    from cmaport.include.linux.sched import current

    out = []
    start = 0
    vma = current().mm.mmap
    while vma is not None:
        out.append((start, vma.vm_start))
        start = vma.vm_end
        vma = vma.vm_next
    out.append((start, TASK_SIZE()))
    return out


def unmapped_area(info):
    """mm/mmap.c: unmapped_area() — the lowest gap that fits (Model: a scan of the gaps
    instead of the augmented rbtree walk; same answer)."""
    length = info["length"] + info["align_mask"]
    for gap_start, gap_end in _gaps():
        gap_start = max(gap_start, info["low_limit"])
        gap_end = min(gap_end, info["high_limit"])
        if gap_end > gap_start and gap_end - gap_start >= length:
            gap_start += (info["align_offset"] - gap_start) & info["align_mask"]
            return gap_start
    return -ENOMEM


def unmapped_area_topdown(info):
    """mm/mmap.c: unmapped_area_topdown() — the highest gap below high_limit that fits
    (Model: a scan of the gaps instead of the augmented rbtree walk; same answer)."""
    length = info["length"] + info["align_mask"]
    for gap_start, gap_end in reversed(_gaps()):
        gap_start = max(gap_start, info["low_limit"])
        gap_end = min(gap_end, info["high_limit"])
        if gap_end > gap_start and gap_end - gap_start >= length:
            gap_end -= info["length"]
            gap_end -= (gap_end - info["align_offset"]) & info["align_mask"]
            return gap_end
    return -ENOMEM


def round_hint_to_min(hint):
    """mm/mmap.c: round_hint_to_min() — no hint below mmap_min_addr."""
    hint &= PAGE_MASK
    if hint != 0 and hint < MMAP_MIN_ADDR:
        return (MMAP_MIN_ADDR + PAGE_SIZE - 1) & PAGE_MASK
    return hint


def do_mmap(file, addr, len_, prot, flags, vm_flags, pgoff):
    """mm/mmap.c: do_mmap() — check and prepare a new mapping, then mmap_region().

    :return: ``(addr or -errno, populate)`` — C's ``*populate`` is returned
    """
    from cmaport.include.linux.sched import current
    from cmaport.mm.mlock import can_do_mlock

    mm = current().mm
    populate = 0
    if not len_:
        return -EINVAL, 0
    # READ_IMPLIES_EXEC: not in the task's personality.
    if not (flags & MAP_FIXED):
        addr = round_hint_to_min(addr)
    len_ = (len_ + PAGE_SIZE - 1) & PAGE_MASK
    if not len_:
        return -ENOMEM, 0
    if ((pgoff + (len_ >> PAGE_SHIFT)) & 0xFFFFFFFF) < pgoff:
        return -EOVERFLOW, 0
    if mm.map_count > DEFAULT_MAX_MAP_COUNT:
        return -ENOMEM, 0
    addr = get_unmapped_area(file, addr, len_, pgoff, flags)
    if addr < 0 or addr & ~PAGE_MASK:
        return addr, 0
    vm_flags |= (calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm.def_flags
                 | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
    if flags & MAP_LOCKED:
        if not can_do_mlock():
            return -EPERM, 0
        # mlock_future_check(): RLIMIT_MEMLOCK does not bind (see mm/mlock.py).
    if file is not None:
        mtype = flags & MAP_TYPE
        if mtype == MAP_SHARED:
            if (prot & PROT_WRITE) and not (file.f_mode & FMODE_WRITE):
                return -EACCES, 0
            vm_flags |= VM_SHARED | VM_MAYSHARE
            if not (file.f_mode & FMODE_WRITE):
                vm_flags &= ~(VM_MAYWRITE | VM_SHARED)
        if mtype in (MAP_SHARED, MAP_PRIVATE):
            if not (file.f_mode & FMODE_READ):
                return -EACCES, 0
            if file.f_op is None or file.f_op.mmap is None:
                return -ENODEV, 0
            if vm_flags & (VM_GROWSDOWN | VM_GROWSUP):
                return -EINVAL, 0
        else:
            return -EINVAL, 0
    else:
        mtype = flags & MAP_TYPE
        if mtype == MAP_SHARED:
            # Model: shared anonymous memory (shmem_zero_setup) is not modelled.
            return -EINVAL, 0
        elif mtype == MAP_PRIVATE:
            # the offset of an anonymous page is its virtual page number
            pgoff = addr >> PAGE_SHIFT
        else:
            return -EINVAL, 0
    # MAP_NORESERVE: no overcommit accounting in the model.
    addr = mmap_region(file, addr, len_, vm_flags, pgoff)
    if addr >= 0 and ((vm_flags & VM_LOCKED)
                      or (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE):
        populate = len_
    return addr, populate


def do_mmap_pgoff(file, addr, len_, prot, flags, pgoff):
    """include/linux/mm.h: do_mmap_pgoff() — do_mmap() with no extra vm_flags."""
    return do_mmap(file, addr, len_, prot, flags, 0, pgoff)


def mmap_region(file, addr, len_, vm_flags, pgoff):
    """mm/mmap.c: mmap_region() — replace whatever is mapped at [addr, addr+len) by a new
    VMA (no merging: see the module note).

    :return: the address, or a negative errno
    """
    from cmaport.include.linux.fs import fput, get_file
    from cmaport.include.linux.sched import current

    mm = current().mm
    # may_expand_vm(): no RLIMIT_AS.
    # Clear old maps
    while True:
        err, prev = find_vma_links(mm, addr, addr + len_)
        if not err:
            break
        if do_munmap(mm, addr, len_):
            return -ENOMEM
    # accountable_mapping() / security_vm_enough_memory(): no overcommit accounting.
    # vma_merge(): see the module note.
    vma = vm_area_struct(vm_mm=mm, vm_start=addr, vm_end=addr + len_, vm_flags=vm_flags,
                         vm_pgoff=pgoff)
    vma.vm_page_prot = vm_get_page_prot(vm_flags)
    if file is not None:
        vma.vm_file = get_file(file)
        error = file.f_op.mmap(file, vma)
        if error:
            fput(vma.vm_file)
            vma.vm_file = None
            return error
        addr = vma.vm_start
        vm_flags = vma.vm_flags
    vma_link(mm, vma, prev)
    # out:
    vm_stat_account(mm, vm_flags, len_ >> PAGE_SHIFT)
    if vm_flags & VM_LOCKED:
        if not (vm_flags & VM_SPECIAL):
            mm.locked_vm += len_ >> PAGE_SHIFT
        else:
            vma.vm_flags &= VM_LOCKED_CLEAR_MASK
    # VM_SOFTDIRTY is 0 without CONFIG_MEM_SOFT_DIRTY.
    vma_set_page_prot(vma)
    return addr


def sys_mmap_pgoff(addr, len_, prot, flags, file, pgoff):
    """mm/mmap.c: SYSCALL_DEFINE6(mmap_pgoff) — ``file`` stands for the fd (``None`` with
    MAP_ANONYMOUS).

    :return: the mapped address, or a negative errno
    """
    from cmaport.include.linux.errno import EBADF
    from cmaport.mm.util import vm_mmap_pgoff

    if not (flags & MAP_ANONYMOUS):
        if file is None:
            return -EBADF
    else:
        file = None
    flags &= ~(MAP_EXECUTABLE | MAP_DENYWRITE)
    return vm_mmap_pgoff(file, addr, len_, prot, flags, pgoff)


# --- splitting and unmapping ---------------------------------------------------------------

def _vma_copy(vma):
    """Model-only: ``*new = *vma`` with a fresh anon_vma_chain (C then INIT_LIST_HEADs it)."""
    return vm_area_struct(vm_start=vma.vm_start, vm_end=vma.vm_end, vm_mm=vma.vm_mm,
                          vm_page_prot=vma.vm_page_prot, vm_flags=vma.vm_flags,
                          anon_vma=vma.anon_vma, vm_ops=vma.vm_ops, vm_pgoff=vma.vm_pgoff,
                          vm_file=vma.vm_file, vm_private_data=vma.vm_private_data)


def vma_adjust(vma, start, end, pgoff, insert):
    """include/linux/mm.h: vma_adjust(), mm/mmap.c: __vma_adjust() — change a VMA's range,
    inserting ``insert`` beside it (the split case; Model: no merge cases, as nothing merges)."""
    mm = vma.vm_mm
    if vma.vm_file is not None and insert is not None:
        # __vma_link_file(insert) happens before the range changes, as in C
        __vma_link_file(insert)
    vma.vm_start = start
    vma.vm_end = end
    vma.vm_pgoff = pgoff
    if insert is not None:
        __insert_vm_struct(mm, insert)
    if vma.vm_next is None:
        mm.highest_vm_end = vma.vm_end
    return 0


def __split_vma(mm, vma, addr, new_below):
    """mm/mmap.c: __split_vma() — split ``vma`` at ``addr``; the new VMA is the lower part
    when ``new_below``.

    :return: 0 or a negative errno
    """
    from cmaport.include.linux.fs import get_file
    from cmaport.mm.rmap import anon_vma_clone

    new = _vma_copy(vma)
    if new_below:
        new.vm_end = addr
    else:
        new.vm_start = addr
        new.vm_pgoff += (addr - vma.vm_start) >> PAGE_SHIFT
    # vma_dup_policy(): no NUMA policy.
    err = anon_vma_clone(new, vma)
    if err:
        return err
    if new.vm_file is not None:
        get_file(new.vm_file)
    if new_below:
        err = vma_adjust(vma, addr, vma.vm_end,
                         vma.vm_pgoff + ((addr - new.vm_start) >> PAGE_SHIFT), new)
    else:
        err = vma_adjust(vma, vma.vm_start, addr, vma.vm_pgoff, new)
    return err


def split_vma(mm, vma, addr, new_below):
    """mm/mmap.c: split_vma() — __split_vma() unless the mm has too many VMAs."""
    if mm.map_count >= DEFAULT_MAX_MAP_COUNT:
        return -ENOMEM
    return __split_vma(mm, vma, addr, new_below)


def detach_vmas_to_be_unmapped(mm, vma, prev, end):
    """mm/mmap.c: detach_vmas_to_be_unmapped() — cut the VMAs from ``vma`` up to ``end`` out
    of the mm's list; they stay chained to each other."""
    vma.vm_prev = None
    tail_vma = None
    while True:
        mm.map_count -= 1
        tail_vma = vma
        vma = vma.vm_next
        if not (vma is not None and vma.vm_start < end):
            break
    if prev is not None:
        prev.vm_next = vma
    else:
        mm.mmap = vma
    if vma is not None:
        vma.vm_prev = prev
    else:
        mm.highest_vm_end = prev.vm_end if prev is not None else 0
    tail_vma.vm_next = None


def unmap_region(mm, vma, prev, start, end):
    """mm/mmap.c: unmap_region() — zap the ptes of the detached VMAs and free their page
    tables between the neighbours."""
    from cmaport.arch.arm.include.asm.tlb import mmu_gather, tlb_finish_mmu, tlb_gather_mmu
    from cmaport.include.linux.mm import update_hiwater_rss
    from cmaport.mm.memory import free_pgtables, unmap_vmas
    from cmaport.mm.swap import lru_add_drain

    nxt = prev.vm_next if prev is not None else mm.mmap
    tlb = mmu_gather()
    lru_add_drain()
    tlb_gather_mmu(tlb, mm, start, end)
    update_hiwater_rss(mm)
    unmap_vmas(tlb, vma, start, end)
    free_pgtables(tlb, vma, prev.vm_end if prev is not None else FIRST_USER_ADDRESS,
                  nxt.vm_start if nxt is not None else USER_PGTABLES_CEILING())
    tlb_finish_mmu(tlb, start, end)


def remove_vma(vma):
    """mm/mmap.c: remove_vma() — close and free a VMA; return the next one."""
    from cmaport.include.linux.fs import fput

    nxt = vma.vm_next
    if vma.vm_ops is not None and vma.vm_ops.close is not None:
        vma.vm_ops.close(vma)
    if vma.vm_file is not None:
        fput(vma.vm_file)
    return nxt


def remove_vma_list(mm, vma):
    """mm/mmap.c: remove_vma_list() — account and free the detached VMAs."""
    while vma is not None:
        nrpages = vma_pages(vma)
        vm_stat_account(mm, vma.vm_flags, -nrpages)
        vma = remove_vma(vma)


def do_munmap(mm, start, len_):
    """mm/mmap.c: do_munmap() — unmap [start, start+len): split the VMAs at the ends,
    munlock, detach, zap and free.

    :return: 0 or a negative errno
    """
    from cmaport.mm.mlock import munlock_vma_pages_all

    if (start & ~PAGE_MASK) or start > TASK_SIZE() or len_ > TASK_SIZE() - start:
        return -EINVAL
    len_ = (len_ + PAGE_SIZE - 1) & PAGE_MASK
    if len_ == 0:
        return -EINVAL
    vma = find_vma(mm, start)
    if vma is None:
        return 0
    prev = vma.vm_prev
    end = start + len_
    if vma.vm_start >= end:
        return 0
    if start > vma.vm_start:
        if end < vma.vm_end and mm.map_count >= DEFAULT_MAX_MAP_COUNT:
            return -ENOMEM
        error = __split_vma(mm, vma, start, 0)
        if error:
            return error
        prev = vma
    last = find_vma(mm, end)
    if last is not None and end > last.vm_start:
        error = __split_vma(mm, last, end, 1)
        if error:
            return error
    vma = prev.vm_next if prev is not None else mm.mmap
    # munlock the locked ranges before detaching the VMAs
    if mm.locked_vm:
        tmp = vma
        while tmp is not None and tmp.vm_start < end:
            if tmp.vm_flags & VM_LOCKED:
                mm.locked_vm -= vma_pages(tmp)
                munlock_vma_pages_all(tmp)
            tmp = tmp.vm_next
    detach_vmas_to_be_unmapped(mm, vma, prev, end)
    unmap_region(mm, vma, prev, start, end)
    # arch_unmap(): nothing on ARM.
    remove_vma_list(mm, vma)
    return 0


def vm_munmap(start, len_):
    """mm/mmap.c: vm_munmap() — do_munmap on the current mm."""
    from cmaport.include.linux.sched import current

    return do_munmap(current().mm, start, len_)


def sys_munmap(addr, len_):
    """mm/mmap.c: SYSCALL_DEFINE2(munmap)."""
    return vm_munmap(addr, len_)


def exit_mmap(mm):
    """mm/mmap.c: exit_mmap() — the mm's last user is gone: munlock, zap everything, free
    the page tables and the VMAs."""
    from cmaport.arch.arm.include.asm.tlb import mmu_gather, tlb_finish_mmu, tlb_gather_mmu
    from cmaport.arch.arm.include.asm.tlbflush import flush_cache_mm
    from cmaport.mm.memory import free_pgtables, unmap_vmas
    from cmaport.mm.mlock import munlock_vma_pages_all
    from cmaport.mm.swap import lru_add_drain

    # mmu_notifier_release(): no notifiers.
    if mm.locked_vm:
        vma = mm.mmap
        while vma is not None:
            if vma.vm_flags & VM_LOCKED:
                munlock_vma_pages_all(vma)
            vma = vma.vm_next
    vma = mm.mmap
    if vma is None:
        return
    lru_add_drain()
    flush_cache_mm(mm)
    tlb = mmu_gather()
    tlb_gather_mmu(tlb, mm, 0, 0xFFFFFFFF)
    unmap_vmas(tlb, vma, 0, 0xFFFFFFFF)
    free_pgtables(tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING())
    tlb_finish_mmu(tlb, 0, 0xFFFFFFFF)
    while vma is not None:
        # VM_ACCOUNT: no overcommit accounting.
        vma = remove_vma(vma)
    # Model: C leaves mm->mmap pointing at the freed VMAs (the mm is freed next); the model
    # empties it so that nothing can walk them.
    mm.mmap = None
    mm.map_count = 0
