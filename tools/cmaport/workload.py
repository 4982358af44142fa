# SPDX-License-Identifier: GPL-2.0-only
"""Seeded, reproducible background pressure for a machine: user processes and a page cache.

A ``Workload`` drives one machine through the kernel's own entry points, the way user
programs would: processes are spawned and forked, map anonymous memory and files
(private and shared), store recognisable contents into them and load them back, read
files through the page cache, pin pages with get_user_pages, mlock and munlock ranges,
write files back, unmap and exit. Every choice comes from ``random.Random(seed)``, so the
same seed on the same kind of machine gives the same sequence of actions and the same
state.

The workload remembers what every process stored. ``verify()`` loads every such page back
through the process's own page tables and reports each byte that differs — migration
(cma_alloc, compaction) must never lose one. ``check()`` runs the model's bookkeeping
checks (rmap, LRU, buddy allocator) and reports leftover migration entries.

Example::

    from cmaport.kernel.machine import Machine
    from cmaport.workload import Workload

    w = Workload(seed=1, machine=Machine().boot())
    w.run(500)
    assert w.verify() == [] and w.check() == []
"""

import random

from cmaport.arch.arm.include.asm.page import PAGE_SIZE
from cmaport.kernel.machine import Machine

# action -> default weight
DEFAULT_WEIGHTS = {
    "spawn": 3,
    "fork": 2,
    "exit": 1,
    "mmap_anon": 6,
    "mmap_file_shared": 3,
    "mmap_file_private": 2,
    "munmap": 2,
    "store": 30,
    "load": 8,
    "read_file": 6,
    "pin": 3,
    "unpin": 3,
    "mlock": 2,
    "munlock": 1,
    "writeback": 2,
}


class Region:
    """One mapping a process made (the workload's own record of it)."""

    __slots__ = ("start", "npages", "kind", "file", "pgoff")

    def __init__(self, start, npages, kind, file=None, pgoff=0):
        self.start = start
        self.npages = npages
        self.kind = kind  # "anon", "file_shared" or "file_private"
        self.file = file  # index into Workload.files
        self.pgoff = pgoff

    def copy(self):
        return Region(self.start, self.npages, self.kind, self.file, self.pgoff)

    def end(self):
        return self.start + self.npages * PAGE_SIZE


class Proc:
    """One process of the workload: its task, its mappings and what it stored."""

    __slots__ = ("task", "regions", "pages")

    def __init__(self, task):
        self.task = task
        self.regions = []
        # page address -> the 4 KiB this process expects there (anonymous memory and
        # private copies of file pages; shared file pages are checked against the file)
        self.pages = {}


class Workload:
    """Seeded background pressure on ``machine`` (a booted ``Machine``; a default one is
    booted when omitted).

    :param seed: the random seed; the same seed gives the same run
    :param max_procs: at most this many processes at once
    :param max_region_pages: the largest mapping, in pages
    :param files: how many files to create (their sizes are random up to
        ``max_file_pages`` pages)
    :param weights: action -> relative weight, overriding ``DEFAULT_WEIGHTS`` (0 turns an
        action off; e.g. ``{"pin": 0}`` for a run whose memory can always migrate)
    :param max_pins: at most this many pages pinned at once
    """

    def __init__(self, seed, machine=None, *, max_procs=6, max_region_pages=32, files=4,
                 max_file_pages=24, weights=None, max_pins=8):
        self.seed = seed
        self.rng = random.Random(seed)
        self.machine = machine if machine is not None else Machine().boot()
        self.max_procs = max_procs
        self.max_region_pages = max_region_pages
        self.max_pins = max_pins
        self.weights = dict(DEFAULT_WEIGHTS)
        if weights:
            for k in weights:
                if k not in DEFAULT_WEIGHTS:
                    raise KeyError(f"unknown workload action {k!r}")
            self.weights.update(weights)
        self.procs = {}  # pid -> Proc
        self.files = []  # (inode, struct file, shadow bytearray of the expected contents)
        self.pins = []  # (pid, addr, page)
        self.log = []  # one line per step: what was done
        self.steps = 0
        self.generation = 0
        with self.machine:
            from cmaport.fs.modelfs import modelfs_create, modelfs_open

            for i in range(files):
                npages = self.rng.randint(1, max_file_pages)
                size = npages * PAGE_SIZE - self.rng.randrange(0, PAGE_SIZE // 2)
                data = self.rng.randbytes(size)
                ino = modelfs_create(f"file{i}", data)
                self.files.append((ino, modelfs_open(ino), bytearray(data)))

    # -- driving ------------------------------------------------------------------
    def run(self, n):
        """Run ``n`` steps."""
        for _ in range(n):
            self.step()
        return self

    def step(self):
        """Run one randomly chosen action (inside the machine)."""
        actions = [a for a, w in self.weights.items() if w > 0]
        weights = [self.weights[a] for a in actions]
        action = self.rng.choices(actions, weights)[0]
        with self.machine:
            msg = getattr(self, "_do_" + action)()
        self.steps += 1
        self.log.append(f"{self.steps}: {action}: {msg}")
        return msg

    # -- helpers --------------------------------------------------------------------
    def _pick_proc(self):
        if not self.procs:
            return None
        return self.procs[self.rng.choice(list(self.procs))]

    def _pick_region(self, proc, kinds=None):
        regions = [r for r in proc.regions if kinds is None or r.kind in kinds]
        if not regions:
            return None
        return self.rng.choice(regions)

    def _pick_page(self, kinds=None):
        """A random process, one of its mappings (of ``kinds``) and a page of it, or ``None``."""
        proc = self._pick_proc()
        if proc is None:
            return None
        region = self._pick_region(proc, kinds)
        if region is None:
            return None
        return proc, region, region.start + self.rng.randrange(region.npages) * PAGE_SIZE

    def _pattern(self, proc, addr, n):
        """Recognisable contents: a header naming the process, address and generation,
        then seeded random bytes."""
        self.generation += 1
        head = f"pid{proc.task.pid}@{addr:08x}#{self.generation};".encode()
        return (head + self.rng.randbytes(max(0, n - len(head))))[:n]

    def _file_page(self, fidx, index):
        shadow = self.files[fidx][2]
        chunk = bytes(shadow[index * PAGE_SIZE:(index + 1) * PAGE_SIZE])
        return chunk + bytes(PAGE_SIZE - len(chunk))

    def _expected(self, proc, region, page_addr):
        """What a load of the page at ``page_addr`` must give."""
        if page_addr in proc.pages:
            return proc.pages[page_addr]
        if region.kind == "anon":
            return bytes(PAGE_SIZE)
        index = region.pgoff + (page_addr - region.start) // PAGE_SIZE
        return self._file_page(region.file, index)

    def _region_of(self, proc, addr):
        for r in proc.regions:
            if r.start <= addr < r.end():
                return r
        return None

    # -- actions --------------------------------------------------------------------
    def _do_spawn(self):
        from cmaport.kernel.fork import model_spawn

        if len(self.procs) >= self.max_procs:
            return "full"
        task = model_spawn(f"wl{self.seed}")
        self.procs[task.pid] = Proc(task)
        return f"pid {task.pid}"

    def _do_fork(self):
        from cmaport.include.linux.sched import use_task
        from cmaport.kernel.fork import find_task_by_vpid, sys_fork

        proc = self._pick_proc()
        if proc is None or len(self.procs) >= self.max_procs:
            return "skip"
        with use_task(proc.task):
            pid = sys_fork()
        if pid < 0:
            return f"fork failed {pid}"
        child = Proc(find_task_by_vpid(pid))
        child.regions = [r.copy() for r in proc.regions]
        child.pages = dict(proc.pages)
        self.procs[pid] = child
        return f"{proc.task.pid} -> {pid}"

    def _do_exit(self):
        from cmaport.kernel.exit import do_exit

        proc = self._pick_proc()
        if proc is None:
            return "skip"
        do_exit(0, proc.task)
        del self.procs[proc.task.pid]
        return f"pid {proc.task.pid}"

    def _mmap(self, proc, length, prot, flags, file, pgoff):
        from cmaport.include.linux.sched import use_task
        from cmaport.mm.mmap import sys_mmap_pgoff

        with use_task(proc.task):
            return sys_mmap_pgoff(0, length, prot, flags, file, pgoff)

    def _do_mmap_anon(self):
        from cmaport.mm.mmap import (MAP_ANONYMOUS, MAP_POPULATE, MAP_PRIVATE, PROT_READ,
                                     PROT_WRITE)

        proc = self._pick_proc()
        if proc is None:
            return "skip"
        npages = self.rng.randint(1, self.max_region_pages)
        flags = MAP_PRIVATE | MAP_ANONYMOUS
        if self.rng.random() < 0.2:
            flags |= MAP_POPULATE
        addr = self._mmap(proc, npages * PAGE_SIZE, PROT_READ | PROT_WRITE, flags, None, 0)
        if addr < 0:
            return f"failed {addr}"
        proc.regions.append(Region(addr, npages, "anon"))
        return f"pid {proc.task.pid} {addr:#x}+{npages}"

    def _mmap_file(self, kind):
        from cmaport.mm.mmap import MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE

        proc = self._pick_proc()
        if proc is None or not self.files:
            return "skip"
        fidx = self.rng.randrange(len(self.files))
        ino, f, _ = self.files[fidx]
        fpages = (ino.i_size + PAGE_SIZE - 1) // PAGE_SIZE
        pgoff = self.rng.randrange(fpages)
        npages = self.rng.randint(1, fpages - pgoff)
        flags = MAP_SHARED if kind == "file_shared" else MAP_PRIVATE
        addr = self._mmap(proc, npages * PAGE_SIZE, PROT_READ | PROT_WRITE, flags, f, pgoff)
        if addr < 0:
            return f"failed {addr}"
        proc.regions.append(Region(addr, npages, kind, fidx, pgoff))
        return f"pid {proc.task.pid} file{fidx}[{pgoff}+{npages}] at {addr:#x}"

    def _do_mmap_file_shared(self):
        return self._mmap_file("file_shared")

    def _do_mmap_file_private(self):
        return self._mmap_file("file_private")

    def _do_munmap(self):
        from cmaport.include.linux.sched import use_task
        from cmaport.mm.mmap import sys_munmap

        proc = self._pick_proc()
        if proc is None:
            return "skip"
        region = self._pick_region(proc)
        if region is None:
            return "skip"
        # the whole region, or its front or back part
        cut = self.rng.randint(1, region.npages)
        if self.rng.random() < 0.5:
            start, n = region.start, cut
        else:
            start, n = region.end() - cut * PAGE_SIZE, cut
        with use_task(proc.task):
            ret = sys_munmap(start, n * PAGE_SIZE)
        if ret:
            return f"failed {ret}"
        end = start + n * PAGE_SIZE
        for a in range(start, end, PAGE_SIZE):
            proc.pages.pop(a, None)
        proc.regions.remove(region)
        if start > region.start:
            proc.regions.append(Region(region.start, (start - region.start) // PAGE_SIZE,
                                       region.kind, region.file, region.pgoff))
        if end < region.end():
            proc.regions.append(Region(end, (region.end() - end) // PAGE_SIZE, region.kind,
                                       region.file,
                                       region.pgoff + (end - region.start) // PAGE_SIZE))
        return f"pid {proc.task.pid} {start:#x}+{n}"

    def _do_store(self):
        from cmaport.arch.arm.mm.fault import model_user_store

        picked = self._pick_page()
        if picked is None:
            return "skip"
        proc, region, page_addr = picked
        limit = PAGE_SIZE
        if region.kind == "file_shared":
            # Stores past EOF would stay in the page cache, never reaching the file (and
            # private mappings of the page would see them): the workload keeps to the data.
            index = region.pgoff + (page_addr - region.start) // PAGE_SIZE
            limit = min(PAGE_SIZE, self.files[region.file][0].i_size - index * PAGE_SIZE)
        if self.rng.random() < 0.5:
            off, n = 0, limit
        else:
            off = self.rng.randrange(limit)
            n = self.rng.randint(1, limit - off)
        data = self._pattern(proc, page_addr + off, n)
        before = self._expected(proc, region, page_addr)
        model_user_store(proc.task, page_addr + off, data)
        after = before[:off] + data + before[off + n:]
        if region.kind == "file_shared":
            index = region.pgoff + (page_addr - region.start) // PAGE_SIZE
            ino, _, shadow = self.files[region.file]
            # only the bytes inside the file count (the rest of the last page is not data)
            start = index * PAGE_SIZE
            valid = max(0, min(PAGE_SIZE, ino.i_size - start))
            shadow[start:start + valid] = after[:valid]
        else:
            proc.pages[page_addr] = after
        return f"pid {proc.task.pid} {page_addr + off:#x}+{n}"

    def _do_load(self):
        from cmaport.arch.arm.mm.fault import model_user_load

        picked = self._pick_page()
        if picked is None:
            return "skip"
        proc, region, page_addr = picked
        got = model_user_load(proc.task, page_addr, PAGE_SIZE)
        ok = self._compare(proc, region, page_addr, got)
        return f"pid {proc.task.pid} {page_addr:#x} {'ok' if ok else 'MISMATCH'}"

    def _compare(self, proc, region, page_addr, got):
        want = self._expected(proc, region, page_addr)
        if region.kind == "file_shared":
            # past EOF the page holds what was stored there, which is not file data
            index = region.pgoff + (page_addr - region.start) // PAGE_SIZE
            ino = self.files[region.file][0]
            valid = max(0, min(PAGE_SIZE, ino.i_size - index * PAGE_SIZE))
            return got[:valid] == want[:valid]
        return got == want

    def _do_read_file(self):
        from cmaport.mm.filemap import do_generic_file_read

        if not self.files:
            return "skip"
        fidx = self.rng.randrange(len(self.files))
        ino, f, shadow = self.files[fidx]
        pos = self.rng.randrange(max(ino.i_size, 1))
        count = self.rng.randint(1, 4 * PAGE_SIZE)
        got = do_generic_file_read(f, pos, count)
        ok = got == bytes(shadow[pos:pos + count])
        return f"file{fidx} {pos}+{count} {'ok' if ok else 'MISMATCH'}"

    def _do_pin(self):
        from cmaport.include.linux.mm import FOLL_WRITE
        from cmaport.include.linux.sched import use_task
        from cmaport.mm.gup import get_user_pages_remote

        proc = self._pick_proc()
        if proc is None or len(self.pins) >= self.max_pins:
            return "skip"
        region = self._pick_region(proc, ("anon", "file_shared"))
        if region is None:
            return "skip"
        addr = region.start + self.rng.randrange(region.npages) * PAGE_SIZE
        pages = []
        with use_task(proc.task):
            ret = get_user_pages_remote(proc.task, proc.task.mm, addr, 1, FOLL_WRITE, pages, None)
        if ret != 1:
            return f"failed {ret}"
        self.pins.append((proc.task.pid, addr, pages[0]))
        return f"pid {proc.task.pid} {addr:#x}"

    def _do_unpin(self):
        from cmaport.include.linux.mm import put_page

        if not self.pins:
            return "skip"
        pid, addr, page = self.pins.pop(self.rng.randrange(len(self.pins)))
        put_page(page)
        return f"pid {pid} {addr:#x}"

    def _lock(self, lock):
        from cmaport.include.linux.sched import use_task
        from cmaport.mm.mlock import sys_mlock, sys_munlock

        proc = self._pick_proc()
        if proc is None:
            return "skip"
        region = self._pick_region(proc)
        if region is None:
            return "skip"
        first = self.rng.randrange(region.npages)
        n = self.rng.randint(1, region.npages - first)
        start = region.start + first * PAGE_SIZE
        with use_task(proc.task):
            ret = (sys_mlock if lock else sys_munlock)(start, n * PAGE_SIZE)
        if lock and ret == 0 and region.kind == "file_private":
            # mlock populated the range for writing: every page got its private copy of
            # the file's current contents now (a later store changes that copy)
            for i in range(n):
                a = start + i * PAGE_SIZE
                if a not in proc.pages:
                    proc.pages[a] = self._expected(proc, region, a)
        return f"pid {proc.task.pid} {start:#x}+{n} -> {ret}"

    def _do_mlock(self):
        return self._lock(True)

    def _do_munlock(self):
        return self._lock(False)

    def _do_writeback(self):
        from cmaport.mm.filemap import filemap_write_and_wait

        if not self.files:
            return "skip"
        fidx = self.rng.randrange(len(self.files))
        ret = filemap_write_and_wait(self.files[fidx][1].f_mapping)
        return f"file{fidx} -> {ret}"

    # -- inspection -------------------------------------------------------------------
    def verify(self):
        """Load back every page a process stored into (and every page of a written file
        through each shared mapping of it); return a description of every difference
        (empty: nothing was lost)."""
        from cmaport.arch.arm.mm.fault import model_user_load

        problems = []
        written_files = {i for i, (ino, _, shadow) in enumerate(self.files)
                         if bytes(shadow) != bytes(ino.data)}
        with self.machine:
            for pid, proc in self.procs.items():
                for region in proc.regions:
                    for i in range(region.npages):
                        page_addr = region.start + i * PAGE_SIZE
                        if page_addr not in proc.pages and not (
                                region.kind == "file_shared" and region.file in written_files):
                            continue
                        got = model_user_load(proc.task, page_addr, PAGE_SIZE)
                        if not self._compare(proc, region, page_addr, got):
                            want = self._expected(proc, region, page_addr)
                            diff = next(k for k in range(PAGE_SIZE) if got[k] != want[k])
                            problems.append(f"pid {pid} {page_addr + diff:#010x}: read "
                                            f"{got[diff]:#04x}, stored {want[diff]:#04x}")
            # and through read(2): the page cache and the files themselves
            from cmaport.mm.filemap import do_generic_file_read

            for i in sorted(written_files):
                ino, f, shadow = self.files[i]
                got = do_generic_file_read(f, 0, ino.i_size)
                if got != bytes(shadow):
                    diff = next(k for k in range(len(shadow)) if got[k] != shadow[k])
                    problems.append(f"file{i} offset {diff}: read {got[diff]:#04x}, "
                                    f"written {shadow[diff]:#04x}")
        return problems

    def check(self):
        """The model's bookkeeping checks: rmap, LRU lists, every zone's buddy allocator,
        and no migration entry left in any page table. Returns the problems found."""
        from cmaport.include.linux.mmzone import NODE_DATA
        from cmaport.mm.debug import (model_check_lru, model_check_rmap, model_check_zone,
                                      model_migration_entries)

        with self.machine:
            problems = model_check_rmap() + model_check_lru()
            for zone in NODE_DATA(0).node_zones:
                if zone.present_pages:
                    problems += model_check_zone(zone)
            problems += [f"migration entry left at {addr:#x} (pfn {pfn:#x})"
                         for _mm, addr, pfn, _w in model_migration_entries()]
        return problems

    def user_pfns(self):
        """The pfns of the pages the workload's processes map now (sorted)."""
        from cmaport.include.linux.mm import page_to_pfn
        from cmaport.mm.gup import follow_page
        from cmaport.mm.mmap import find_vma

        out = set()
        with self.machine:
            for proc in self.procs.values():
                mm = proc.task.mm
                for region in proc.regions:
                    for i in range(region.npages):
                        addr = region.start + i * PAGE_SIZE
                        vma = find_vma(mm, addr)
                        page = follow_page(vma, addr, 0)
                        if isinstance(page, int):
                            out.add(page_to_pfn(page))
        return sorted(out)

    def state_digest(self):
        """A digest of the machine's memory state (the log, the free counts, what every
        process maps where): equal digests mean two runs did the same thing."""
        import hashlib

        h = hashlib.sha256()
        for line in self.log:
            h.update(line.encode())
        with self.machine:
            from cmaport.include.linux.mmzone import NODE_DATA

            for zone in NODE_DATA(0).node_zones:
                h.update(repr(zone.vm_stat).encode())
            h.update(repr(NODE_DATA(0).vm_stat).encode())
        h.update(repr(self.user_pfns()).encode())
        return h.hexdigest()
