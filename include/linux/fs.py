# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/fs.h: ``struct address_space``, ``struct inode``, ``struct file`` and the
operation tables — as much as the page cache and file mappings use.

Model: ``page_tree`` (the radix tree) is a dict ``index -> struct page *``; the dirty
and writeback radix-tree tags are not kept (nothing walks them: writeback in the model
is per page). ``i_mmap`` (an interval tree of VMAs) is a list. No locks (one CPU).
``as_flags`` holds the AS_* bits and ``gfp_mask`` the gfp bits that C keeps together in
``mapping->flags``.
"""

import attrs

from cmaport.include.linux.gfp import GFP_HIGHUSER_MOVABLE
from cmaport.kernel.machine import statics


@statics
class fs_model_c:
    """Model-only: counters for inode numbers and %p addresses of address_spaces."""

    next_ino: int = 1
    next_address: int = 0xED000000


@attrs.define(slots=True, eq=False)
class address_space_operations:
    """include/linux/fs.h: struct address_space_operations (the members the model uses)."""

    writepage: object = None
    readpage: object = None
    set_page_dirty: object = None
    releasepage: object = None
    freepage: object = None
    migratepage: object = None
    isolate_page: object = None
    putback_page: object = None
    launder_page: object = None
    is_dirty_writeback: object = None


@attrs.define(slots=True, eq=False)
class address_space:
    """include/linux/fs.h: struct address_space — the page cache of one inode (or the
    mapping of a driver's movable pages)."""

    host: object = None
    page_tree: dict = attrs.Factory(dict)
    i_mmap: list = attrs.Factory(list)
    nrpages: int = 0
    nrexceptional: int = 0
    a_ops: object = None
    as_flags: int = 0
    gfp_mask: int = GFP_HIGHUSER_MOVABLE
    private_data: object = None
    model_address: int = 0
    mapping_flags: int = 0  # Model: the tag bits page->mapping carries (see mm_types.py)

    def __attrs_post_init__(self):
        s = fs_model_c.get()
        self.model_address = s.next_address
        s.next_address += 0x100

    def __repr__(self):
        return f"<address_space {self.model_address:#x} nrpages={self.nrpages}>"


@attrs.define(slots=True, eq=False)
class inode:
    """include/linux/fs.h: struct inode — ``i_data`` is its address_space.

    ``data`` is model-only: the file's contents on the backing store (a bytearray).
    """

    i_ino: int = 0
    i_size: int = 0
    i_mapping: object = None
    i_data: object = None
    i_sb: object = None
    name: str = ""
    data: bytearray = attrs.Factory(bytearray)

    def __repr__(self):
        return f"<inode {self.i_ino} {self.name!r} size={self.i_size}>"


@attrs.define(slots=True, eq=False)
class file_operations:
    """include/linux/fs.h: struct file_operations (mmap only)."""

    mmap: object = None


@attrs.define(slots=True, eq=False)
class file:
    """include/linux/fs.h: struct file."""

    f_inode: object = None
    f_mapping: object = None
    f_op: object = None
    f_count: int = 1
    f_mode: int = 0


def file_inode(f):
    """include/linux/fs.h: file_inode()."""
    return f.f_inode


def i_size_read(ino):
    """include/linux/fs.h: i_size_read()."""
    return ino.i_size


def get_file(f):
    """include/linux/fs.h: get_file() — one more reference."""
    f.f_count += 1
    return f


def fput(f):
    """fs/file_table.c: fput() — drop a reference (the model never frees files)."""
    f.f_count -= 1


def mapping_cap_account_dirty(mapping):
    """include/linux/backing-dev.h: mapping_cap_account_dirty() — the model's filesystems
    account dirty pages (their backing device has BDI_CAP_ACCOUNT_DIRTY)."""
    return True
