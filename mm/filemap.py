# SPDX-License-Identifier: GPL-2.0-only
"""mm/filemap.c: the page cache — adding, finding and deleting pages of a file, the
file read fault (``filemap_fault``), ``filemap_page_mkwrite`` and a simple read(2).

Page-cache pages are allocated with the mapping's gfp mask (GFP_HIGHUSER_MOVABLE for an
ordinary inode), so they are movable and may land in CMA pageblocks; each holds one
reference for the cache (``page_tree``), is counted in NR_FILE_PAGES and sits on a file
LRU list.

Model: no readahead (``do_sync_mmap_readahead``/``do_async_mmap_readahead`` and the
fault-around of ``filemap_map_pages`` read and map only the page asked for), no shadow
entries (workingset), no cleancache, no memcg; ``page_tree`` is a dict
(include/linux/fs.py).
"""

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.errno import EEXIST, EIO, ENOMEM
from cmaport.include.linux.fs import i_size_read
from cmaport.include.linux.gfp import GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_COLD, __GFP_WRITE
from cmaport.include.linux.mm import (VM_BUG_ON_PAGE, VM_FAULT_LOCKED, VM_FAULT_MAJOR,
                                      VM_FAULT_NOPAGE, VM_FAULT_OOM,
                                      VM_FAULT_SIGBUS, page_mapcount, page_pgdat, page_to_pfn,
                                      put_page)
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.mmzone import NR_FILE_PAGES, NR_SHMEM
from cmaport.include.linux.page_flags import (ClearPageActive, ClearPageError, PageDirty,
                                              PageHuge, PageLocked, PageSwapBacked,
                                              PageUptodate, SetPageActive,
                                              __SetPageReferenced, compound_head,
                                              TestClearPageReclaim)
from cmaport.include.linux.pagemap import (AOP_TRUNCATED_PAGE, FGP_ACCESSED, FGP_CREAT,
                                           FGP_LOCK, FGP_NOFS, FGP_NOWAIT, FGP_WRITE,
                                           __ClearPageLocked, __SetPageLocked,
                                           __page_cache_alloc, find_get_page, lock_page,
                                           mapping_exiting, page_cache_get_speculative,
                                           trylock_page, unlock_page, wait_on_page_locked)
from cmaport.include.linux.vmstat import PGMAJFAULT, __mod_node_page_state, count_vm_event
from cmaport.kernel.panic import BUG_ON, WARN_ON_ONCE
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")


def page_cache_tree_insert(mapping, page, shadowp=None):
    """mm/filemap.c: page_cache_tree_insert() — put the page in the tree; -EEXIST if the
    slot holds a page already."""
    index = struct_page_arrays.get().index[page]
    if index in mapping.page_tree:
        return -EEXIST
    mapping.page_tree[index] = page
    mapping.nrpages += 1
    return 0


def page_cache_tree_delete(mapping, page, shadow=None):
    """mm/filemap.c: page_cache_tree_delete() — take the page out of the tree (no shadow
    entry is left: see the module note)."""
    index = struct_page_arrays.get().index[page]
    VM_BUG_ON_PAGE(mapping.page_tree.get(index) != page, page, "radix_tree_lookup != page")
    del mapping.page_tree[index]
    mapping.nrpages -= 1


def __delete_from_page_cache(page, shadow):
    """mm/filemap.c: __delete_from_page_cache() — out of the tree, mapping cleared,
    NR_FILE_PAGES down (index kept). The page must not be mapped any more."""
    from cmaport.include.linux.mm import page_mapcount_reset
    from cmaport.include.linux.page_ref import page_count, page_ref_sub
    from cmaport.kernel.machine import this_machine
    from cmaport.mm.debug import dump_page
    from cmaport.mm.page_writeback import account_page_cleaned
    from cmaport.mm.util import page_mapped

    s = struct_page_arrays.get()
    mapping = s.mapping.get(page)
    nr = 1  # hpage_nr_pages()
    # cleancache_put_page / cleancache_invalidate_page: no cleancache.
    VM_BUG_ON_PAGE(page_mapped(page), page, "page_mapped(page)", line=258)
    if not this_machine().config.get("CONFIG_DEBUG_VM") and page_mapped(page):
        from cmaport.include.linux.sched import current

        _pr.alert("BUG: Bad page cache in process %s  pfn:%05lx\n", current().comm,
                  page_to_pfn(page))
        dump_page(page, "still mapped when deleted")
        mapcount = page_mapcount(page)
        if mapping_exiting(mapping) and page_count(page) >= mapcount + 2:
            page_mapcount_reset(page)
            page_ref_sub(page, mapcount)

    page_cache_tree_delete(mapping, page, shadow)
    s.mapping.pop(page, None)
    # hugetlb pages do not count in the page cache
    if not PageHuge(page):
        __mod_node_page_state(page_pgdat(page), NR_FILE_PAGES, -nr)
    if PageSwapBacked(page):  # noqa: F821 (generated accessor)
        __mod_node_page_state(page_pgdat(page), NR_SHMEM, -nr)
    # A dirty page here would be data lost: v4.9 warns and fixes the counts.
    if WARN_ON_ONCE(PageDirty(page), line=314):  # noqa: F821
        account_page_cleaned(page, mapping)


def delete_from_page_cache(page):
    """mm/filemap.c: delete_from_page_cache() — delete a locked page and drop the cache's
    reference."""
    from cmaport.mm.util import page_mapping

    mapping = page_mapping(page)
    BUG_ON(not PageLocked(page))  # noqa: F821
    freepage = mapping.a_ops.freepage
    __delete_from_page_cache(page, None)
    if freepage is not None:
        freepage(page)
    put_page(page)


def __add_to_page_cache_locked(page, mapping, offset, gfp_mask, shadowp):
    """mm/filemap.c: __add_to_page_cache_locked() — a locked, new page into the cache at
    ``offset`` (one reference for the cache, NR_FILE_PAGES)."""
    from cmaport.include.linux.mm import get_page
    from cmaport.include.linux.vmstat import __inc_node_page_state

    huge = PageHuge(page)
    VM_BUG_ON_PAGE(not PageLocked(page), page, "!PageLocked(page)", line=665)  # noqa: F821
    VM_BUG_ON_PAGE(PageSwapBacked(page), page, "PageSwapBacked(page)", line=666)  # noqa: F821
    # mem_cgroup_try_charge(), radix_tree_maybe_preload(): nothing to do.
    s = struct_page_arrays.get()
    get_page(page)
    s.mapping[page] = mapping
    s.index[page] = offset
    error = page_cache_tree_insert(mapping, page, shadowp)
    if error:
        s.mapping.pop(page, None)
        put_page(page)
        return error
    if not huge:
        __inc_node_page_state(page, NR_FILE_PAGES)
    return 0


def add_to_page_cache_locked(page, mapping, offset, gfp_mask):
    """mm/filemap.c: add_to_page_cache_locked()."""
    return __add_to_page_cache_locked(page, mapping, offset, gfp_mask, None)


def add_to_page_cache_lru(page, mapping, offset, gfp_mask):
    """mm/filemap.c: add_to_page_cache_lru() — add a new page locked, then queue it for
    the (inactive) file LRU.

    :return: 0 or a negative errno (-EEXIST when another page holds the offset)
    """
    from cmaport.mm.swap import lru_cache_add

    shadow = None
    __SetPageLocked(page)
    ret = __add_to_page_cache_locked(page, mapping, offset, gfp_mask, shadow)
    if ret:
        __ClearPageLocked(page)
    else:
        # No shadow entries (workingset_refault): a re-read page starts inactive.
        if not (gfp_mask & __GFP_WRITE) and shadow is not None:
            SetPageActive(page)
        else:
            ClearPageActive(page)
        lru_cache_add(page)
    return ret


def end_page_writeback(page):
    """mm/filemap.c: end_page_writeback() — writeback done; a page reclaim wanted goes to the
    tail of its inactive list."""
    from cmaport.mm.page_writeback import test_clear_page_writeback
    from cmaport.mm.swap import rotate_reclaimable_page

    if TestClearPageReclaim(page):  # noqa: F821 (generated accessor)
        rotate_reclaimable_page(page)
    if not test_clear_page_writeback(page):
        from cmaport.kernel.panic import BUG

        BUG(line=893)
    # wake_up_page(page, PG_writeback): nobody waits.


def find_get_entry(mapping, offset):
    """mm/filemap.c: find_get_entry() — the page at ``offset`` with a reference, or NULL."""
    page = mapping.page_tree.get(offset)
    if page is None:
        return None
    head = compound_head(page)
    if not page_cache_get_speculative(head):
        # Model: a page being freed cannot be in the tree when nothing runs concurrently.
        return None
    return page


def pagecache_get_page(mapping, offset, fgp_flags, gfp_mask):
    """mm/filemap.c: pagecache_get_page() — find (and with FGP_CREAT make) the page at
    ``offset``; FGP_LOCK returns it locked, FGP_ACCESSED marks it accessed."""
    from cmaport.mm.swap import mark_page_accessed

    s = struct_page_arrays.get()
    while True:  # repeat:
        page = find_get_entry(mapping, offset)
        if page is not None:
            if fgp_flags & FGP_LOCK:
                if fgp_flags & FGP_NOWAIT:
                    if not trylock_page(page):
                        put_page(page)
                        return None
                else:
                    lock_page(page)
                if s.mapping.get(page) is not mapping:
                    unlock_page(page)
                    put_page(page)
                    continue
                VM_BUG_ON_PAGE(s.index[page] != offset, page, "page->index != offset", line=1228)
            if fgp_flags & FGP_ACCESSED:
                mark_page_accessed(page)
        # no_page:
        if page is None and (fgp_flags & FGP_CREAT):
            if fgp_flags & FGP_WRITE:
                gfp_mask |= __GFP_WRITE
            if fgp_flags & FGP_NOFS:
                from cmaport.include.linux.gfp import __GFP_FS

                gfp_mask &= ~__GFP_FS
            page = __page_cache_alloc(gfp_mask)
            if page is None:
                return None
            if WARN_ON_ONCE(not (fgp_flags & FGP_LOCK), line=1259):
                fgp_flags |= FGP_LOCK
            if fgp_flags & FGP_ACCESSED:
                __SetPageReferenced(page)  # noqa: F821
            err = add_to_page_cache_lru(page, mapping, offset, gfp_mask & GFP_RECLAIM_MASK)
            if err:
                put_page(page)
                page = None
                if err == -EEXIST:
                    continue
        return page


def page_cache_read(file, offset, gfp_mask):
    """mm/filemap.c: page_cache_read() — allocate a page, add it to the cache and read it.

    :return: 0 or a negative errno
    """
    mapping = file.f_mapping
    while True:
        page = __page_cache_alloc(gfp_mask | __GFP_COLD)
        if page is None:
            return -ENOMEM
        ret = add_to_page_cache_lru(page, mapping, offset, gfp_mask & GFP_KERNEL)
        if ret == 0:
            ret = mapping.a_ops.readpage(file, page)
        elif ret == -EEXIST:
            ret = 0  # losing the race to add is fine
        put_page(page)
        if ret != AOP_TRUNCATED_PAGE:
            return ret


def filemap_fault(vma, vmf):
    """mm/filemap.c: filemap_fault() — the page of a file mapping: from the cache, or read
    into it (a major fault). Returns with the page locked and referenced in ``vmf.page``.
    """
    file = vma.vm_file
    mapping = file.f_mapping
    ino = mapping.host
    offset = vmf.pgoff
    ret = 0

    size = (i_size_read(ino) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
    if offset >= size >> PAGE_SHIFT:
        return VM_FAULT_SIGBUS

    page = find_get_page(mapping, offset)
    if page is None:
        # do_sync_mmap_readahead(): no readahead in the model.
        count_vm_event(PGMAJFAULT)
        ret = VM_FAULT_MAJOR
    # (a cached page: do_async_mmap_readahead() — none)
    s = struct_page_arrays.get()
    while True:
        if page is None:
            # retry_find: / no_cached_page:
            page = find_get_page(mapping, offset)
            if page is None:
                error = page_cache_read(file, offset, vmf.gfp_mask)
                if error >= 0:
                    continue
                if error == -ENOMEM:
                    return VM_FAULT_OOM
                return VM_FAULT_SIGBUS
        # lock_page_or_retry(): the model waits only for pages nobody else holds.
        if not trylock_page(page):
            lock_page(page)
        if s.mapping.get(page) is not mapping:
            unlock_page(page)
            put_page(page)
            page = None
            continue
        VM_BUG_ON_PAGE(s.index[page] != offset, page, "page->index != offset", line=2148)
        if not PageUptodate(page):
            # page_not_uptodate: read it again
            ClearPageError(page)  # noqa: F821
            error = mapping.a_ops.readpage(file, page)
            if not error:
                wait_on_page_locked(page)
                if not PageUptodate(page):
                    error = -EIO
            put_page(page)
            page = None
            if not error or error == AOP_TRUNCATED_PAGE:
                continue
            return VM_FAULT_SIGBUS
        size = (i_size_read(ino) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if offset >= size >> PAGE_SHIFT:
            unlock_page(page)
            put_page(page)
            return VM_FAULT_SIGBUS
        vmf.page = page
        return ret | VM_FAULT_LOCKED


def filemap_page_mkwrite(vma, vmf):
    """mm/filemap.c: filemap_page_mkwrite() — a shared file page is about to be written:
    lock it and mark it dirty (VM_FAULT_LOCKED), or NOPAGE if it was truncated."""
    from cmaport.mm.page_writeback import set_page_dirty

    page = vmf.page
    ino = vma.vm_file.f_inode
    ret = VM_FAULT_LOCKED
    # sb_start_pagefault(), file_update_time(): no superblock freezing, no mtime.
    lock_page(page)
    if struct_page_arrays.get().mapping.get(page) is not ino.i_mapping:
        unlock_page(page)
        return VM_FAULT_NOPAGE
    # Dirty the page so that writeback sees it (and a later writepage cleans it).
    set_page_dirty(page)
    # wait_for_stable_page(): no stable-pages backing device.
    return ret


class vm_operations_struct:
    """include/linux/mm.h: struct vm_operations_struct (the members the model uses)."""

    __slots__ = ("fault", "map_pages", "page_mkwrite", "close", "name")

    def __init__(self, fault=None, map_pages=None, page_mkwrite=None, close=None, name=""):
        self.fault = fault
        self.map_pages = map_pages
        self.page_mkwrite = page_mkwrite
        self.close = close
        self.name = name


# mm/filemap.c: generic_file_vm_ops. Model: .map_pages (fault-around) is left out — see
# the module note.
generic_file_vm_ops = vm_operations_struct(fault=filemap_fault, page_mkwrite=filemap_page_mkwrite,
                                           name="generic_file_vm_ops")


def generic_file_mmap(file, vma):
    """mm/filemap.c: generic_file_mmap() — readpage is required; use generic_file_vm_ops."""
    from cmaport.include.linux.errno import ENOEXEC

    mapping = file.f_mapping
    if mapping.a_ops.readpage is None:
        return -ENOEXEC
    # file_accessed(): no atime.
    vma.vm_ops = generic_file_vm_ops
    return 0


def do_generic_file_read(filp, pos, count):
    """mm/filemap.c: do_generic_file_read() — read(2) through the page cache: find or read
    each page, copy out, mark it accessed.

    Model: no readahead and no iov_iter: the bytes read are returned (``b''`` at EOF), or a
    negative errno if nothing could be read.
    """
    from cmaport.kernel.machine import this_machine
    from cmaport.mm.swap import mark_page_accessed

    mapping = filp.f_mapping
    ino = mapping.host
    out = bytearray()
    physmem = this_machine().hw.physmem
    error = 0
    while count > 0:
        isize = i_size_read(ino)
        if pos >= isize:
            break
        index = pos >> PAGE_SHIFT
        offset = pos & (PAGE_SIZE - 1)
        page = find_get_page(mapping, index)
        if page is None:
            # no_cached_page:
            error = page_cache_read(filp, index, mapping.gfp_mask)
            if error < 0:
                break
            continue
        if not PageUptodate(page):
            lock_page(page)
            if not PageUptodate(page):
                error = mapping.a_ops.readpage(filp, page)
                wait_on_page_locked(page)
            else:
                unlock_page(page)
            if not PageUptodate(page):
                put_page(page)
                error = error or -EIO
                break
        nr = min(PAGE_SIZE - offset, isize - pos, count)
        from cmaport.include.linux.mm import page_to_phys

        out += physmem.read(page_to_phys(page) + offset, nr)
        mark_page_accessed(page)
        put_page(page)
        pos += nr
        count -= nr
    if not out and error < 0:
        return error
    return bytes(out)


def try_to_release_page(page, gfp_mask):
    """mm/filemap.c: try_to_release_page() — let the filesystem drop page->private."""
    from cmaport.include.linux.page_flags import PageWriteback
    from cmaport.mm.util import page_mapping

    mapping = page_mapping(page)
    BUG_ON(not PageLocked(page))  # noqa: F821
    if PageWriteback(page):  # noqa: F821
        return 0
    if mapping is not None and mapping.a_ops.releasepage is not None:
        return mapping.a_ops.releasepage(page, gfp_mask)
    # try_to_free_buffers(): the model's pages carry no buffer heads.
    return 1


def filemap_write_and_wait(mapping):
    """mm/filemap.c: filemap_write_and_wait() — write every dirty page of the mapping back
    and wait for it.

    Model: write_cache_pages() finds the dirty pages by the radix-tree tag; the model walks
    the cache in index order and writes each dirty page with write_one_page().
    :return: 0 or the first error
    """
    from cmaport.mm.page_writeback import write_one_page

    err = 0
    for index in sorted(mapping.page_tree):
        page = find_get_page(mapping, index)
        if page is None:
            continue
        if PageDirty(page):  # noqa: F821
            lock_page(page)
            if struct_page_arrays.get().mapping.get(page) is mapping:
                ret = write_one_page(page, 1)
                err = err or ret
            else:
                unlock_page(page)
        put_page(page)
    return err
