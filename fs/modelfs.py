# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: a minimal disk-backed filesystem for the page cache to cache.

A file is an ``inode`` whose contents live on the model's backing store (the inode's
``data`` bytearray, standing in for the disk). Its ``address_space_operations`` are what a
simple block filesystem without buffer heads provides: ``readpage`` copies the file's
bytes into the page's frame in simulated RAM, ``writepage`` copies them back (a
synchronous write: writeback starts and ends before it returns), ``set_page_dirty`` is
``__set_page_dirty_nobuffers`` and ``migratepage`` is ``migrate_page`` — or, with
``migratepage=None``, none at all, so migration takes the ``fallback_migrate_page`` path
(dirty pages are written out first, in MIGRATE_SYNC mode only). ``mmap`` is
``generic_file_mmap``.
"""

import attrs

from cmaport.arch.arm.include.asm.page import PAGE_SHIFT, PAGE_SIZE
from cmaport.include.linux.fs import (address_space, address_space_operations, file,
                                      file_operations, fs_model_c, inode)
from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE
from cmaport.include.linux.mm import page_to_phys
from cmaport.include.linux.mm_types import struct_page_arrays
from cmaport.include.linux.page_flags import PageLocked, SetPageUptodate
from cmaport.include.linux.pagemap import mapping_set_gfp_mask, unlock_page
from cmaport.kernel.machine import this_machine
from cmaport.kernel.panic import BUG_ON


def modelfs_readpage(filp, page):
    """Model-only: ->readpage — fill a locked page from the file's bytes (zeros past EOF),
    mark it up to date, unlock it."""
    mapping = struct_page_arrays.get().mapping.get(page)
    ino = mapping.host
    index = struct_page_arrays.get().index[page]
    start = index << PAGE_SHIFT
    chunk = bytes(ino.data[start:start + PAGE_SIZE])
    physmem = this_machine().hw.physmem
    physmem.write(page_to_phys(page), chunk + bytes(PAGE_SIZE - len(chunk)))
    SetPageUptodate(page)
    unlock_page(page)
    return 0


def modelfs_writepage(page, wbc):
    """Model-only: ->writepage — write a locked page's bytes (up to i_size) to the backing
    store; writeback starts and ends here. The page comes back unlocked."""
    from cmaport.mm.filemap import end_page_writeback
    from cmaport.mm.page_writeback import set_page_writeback

    BUG_ON(not PageLocked(page))  # noqa: F821 (generated accessor)
    mapping = struct_page_arrays.get().mapping.get(page)
    ino = mapping.host
    index = struct_page_arrays.get().index[page]
    set_page_writeback(page)
    unlock_page(page)
    start = index << PAGE_SHIFT
    n = max(0, min(PAGE_SIZE, ino.i_size - start))
    if n:
        data = this_machine().hw.physmem.read(page_to_phys(page), n)
        if len(ino.data) < start + n:
            ino.data.extend(bytes(start + n - len(ino.data)))
        ino.data[start:start + n] = data
    end_page_writeback(page)
    return 0


def _aops(migratepage):
    """Model-only: a modelfs file's address_space_operations, with ``migratepage`` as given."""
    from cmaport.mm.page_writeback import __set_page_dirty_nobuffers

    return address_space_operations(readpage=modelfs_readpage, writepage=modelfs_writepage,
                                    set_page_dirty=__set_page_dirty_nobuffers,
                                    migratepage=migratepage)


@attrs.define(slots=True, eq=False)
class modelfs_sb:
    """Model-only: the filesystem instance (its files by name)."""

    files: dict = attrs.Factory(dict)


def modelfs_create(name, data=b"", migratepage="default"):
    """Model-only: create a file holding ``data``; returns its inode.

    :param migratepage: ``"default"`` gives the mapping migrate_page as its ->migratepage;
        ``None`` leaves it out (migration then uses fallback_migrate_page)
    """
    from cmaport.mm.migrate import migrate_page

    s = fs_model_c.get()
    ino = inode(i_ino=s.next_ino, i_size=len(data), name=name, data=bytearray(data))
    s.next_ino += 1
    mapping = address_space(host=ino,
                            a_ops=_aops(migrate_page if migratepage == "default" else migratepage))
    mapping_set_gfp_mask(mapping, GFP_HIGHUSER_MOVABLE)  # inode_init_always()
    ino.i_data = mapping
    ino.i_mapping = mapping
    return ino


def modelfs_open(ino):
    """Model-only: open a file (what do_dentry_open leaves in a ``struct file``)."""
    from cmaport.mm.filemap import generic_file_mmap

    # opened O_RDWR: FMODE_READ | FMODE_WRITE
    return file(f_inode=ino, f_mapping=ino.i_mapping, f_op=file_operations(mmap=generic_file_mmap),
                f_mode=0x1 | 0x2)
