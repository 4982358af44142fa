# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/list.h: the doubly linked lists threaded through ``struct page``'s ``lru``.

A ``struct list_head *`` is a slot number in the machine's link arrays
(``include/linux/mm_types.py``): slot ``n < nr_pages`` is page ``n``'s ``lru``, the
slots after the pages are list heads. ``list_entry()``/``container_of`` of a page's
``lru`` is the page itself, so ``list_first_entry(head, struct page, lru)`` is written
``list_first_entry(head)`` and returns the page number.

``LIST_HEAD()`` (the C macro declares a head on the stack) returns a fresh head slot;
a caller that is done with a temporary head gives it back with ``list_head_release()``
(model-only: C just leaves the stack frame).

Model: these functions read the running machine's link arrays; the small inline helpers
of list.h that the C compiler folds into their callers (``__list_add``, ``__list_del``)
are folded here too where the callers are hot, with the same stores in the same order.
"""

from cmaport.include.linux.mm_types import LIST_POISON1, LIST_POISON2, struct_page_arrays
from cmaport.kernel.machine import _running


def _links():
    """Model-only: the running machine's ``struct page`` storage (the link arrays)."""
    return _running.get()._statics[struct_page_arrays]


def LIST_HEAD():
    """include/linux/list.h: LIST_HEAD() — a new, empty list head (a fresh slot)."""
    return struct_page_arrays.get().new_head()


def list_head_release(head):
    """Model-only: give back a head made with ``LIST_HEAD()`` (the list must be empty)."""
    struct_page_arrays.get().release_head(head)


def INIT_LIST_HEAD(list):
    """include/linux/list.h: INIT_LIST_HEAD() — make ``list`` point at itself."""
    s = _links()
    s.lru_next[list] = list
    s.lru_prev[list] = list


def __list_add(new, prev, next):
    """include/linux/list.h: __list_add() — link ``new`` between ``prev`` and ``next``."""
    s = _links()
    s.lru_prev[next] = new
    s.lru_next[new] = next
    s.lru_prev[new] = prev
    s.lru_next[prev] = new


def list_add(new, head):
    """include/linux/list.h: list_add() — insert ``new`` right after ``head`` (stack order)."""
    s = _links()
    nxt = s.lru_next
    next = nxt[head]
    # __list_add(new, head, head->next)
    s.lru_prev[next] = new
    nxt[new] = next
    s.lru_prev[new] = head
    nxt[head] = new


def list_add_tail(new, head):
    """include/linux/list.h: list_add_tail() — insert ``new`` just before ``head`` (queue order)."""
    s = _links()
    prv = s.lru_prev
    prev = prv[head]
    # __list_add(new, head->prev, head)
    prv[head] = new
    s.lru_next[new] = head
    prv[new] = prev
    s.lru_next[prev] = new


def __list_del(prev, next):
    """include/linux/list.h: __list_del() — join ``prev`` and ``next``."""
    s = _links()
    s.lru_prev[next] = prev
    s.lru_next[prev] = next


def __list_del_entry(entry):
    """include/linux/list.h: __list_del_entry() — unlink ``entry``, leave its links as they were."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    next = nxt[entry]
    prev = prv[entry]
    prv[next] = prev
    nxt[prev] = next


def list_del(entry):
    """include/linux/list.h: list_del() — unlink ``entry`` and poison its links."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    next = nxt[entry]
    prev = prv[entry]
    # __list_del(entry->prev, entry->next)
    prv[next] = prev
    nxt[prev] = next
    nxt[entry] = LIST_POISON1
    prv[entry] = LIST_POISON2


def list_del_init(entry):
    """include/linux/list.h: list_del_init() — unlink ``entry`` and make it an empty list."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    next = nxt[entry]
    prev = prv[entry]
    prv[next] = prev
    nxt[prev] = next
    nxt[entry] = entry
    prv[entry] = entry


def list_replace(old, new):
    """include/linux/list.h: list_replace() — put ``new`` where ``old`` is linked."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    nxt[new] = nxt[old]
    prv[nxt[new]] = new
    prv[new] = prv[old]
    nxt[prv[new]] = new


def list_move(list, head):
    """include/linux/list.h: list_move() — unlink ``list`` and add it after ``head``."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    # __list_del_entry(list)
    next = nxt[list]
    prev = prv[list]
    prv[next] = prev
    nxt[prev] = next
    # list_add(list, head)
    next = nxt[head]
    prv[next] = list
    nxt[list] = next
    prv[list] = head
    nxt[head] = list


def list_move_tail(list, head):
    """include/linux/list.h: list_move_tail() — unlink ``list`` and add it before ``head``."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    next = nxt[list]
    prev = prv[list]
    prv[next] = prev
    nxt[prev] = next
    prev = prv[head]
    prv[head] = list
    nxt[list] = head
    prv[list] = prev
    nxt[prev] = list


def list_is_last(list, head):
    """include/linux/list.h: list_is_last() — is ``list`` the last entry before ``head``."""
    return _links().lru_next[list] == head


def list_empty(head):
    """include/linux/list.h: list_empty() — does ``head`` point at itself."""
    return _running.get()._statics[struct_page_arrays].lru_next[head] == head


def list_empty_careful(head):
    """include/linux/list.h: list_empty_careful() — both links point at ``head``."""
    s = _links()
    next = s.lru_next[head]
    return next == head and next == s.lru_prev[head]


def list_is_singular(head):
    """include/linux/list.h: list_is_singular() — exactly one entry."""
    s = _links()
    next = s.lru_next[head]
    return next != head and next == s.lru_prev[head]


def __list_splice(list, prev, next):
    """include/linux/list.h: __list_splice() — put the entries of ``list`` between two slots."""
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    first = nxt[list]
    last = prv[list]
    prv[first] = prev
    nxt[prev] = first
    nxt[last] = next
    prv[next] = last


def list_splice(list, head):
    """include/linux/list.h: list_splice() — join ``list`` after ``head`` (``list`` is left stale)."""
    if not list_empty(list):
        __list_splice(list, head, _links().lru_next[head])


def list_splice_tail(list, head):
    """include/linux/list.h: list_splice_tail() — join ``list`` before ``head``."""
    if not list_empty(list):
        __list_splice(list, _links().lru_prev[head], head)


def list_splice_init(list, head):
    """include/linux/list.h: list_splice_init() — list_splice, then reinitialise ``list``."""
    if not list_empty(list):
        __list_splice(list, head, _links().lru_next[head])
        INIT_LIST_HEAD(list)


def list_splice_tail_init(list, head):
    """include/linux/list.h: list_splice_tail_init() — list_splice_tail, then reinitialise ``list``."""
    if not list_empty(list):
        __list_splice(list, _links().lru_prev[head], head)
        INIT_LIST_HEAD(list)


def list_cut_position(list, head, entry):
    """include/linux/list.h: list_cut_position() — move ``head``'s entries up to ``entry`` to ``list``."""
    if list_empty(head):
        return
    if list_is_singular(head) and _links().lru_next[head] != entry and head != entry:
        return
    if entry == head:
        INIT_LIST_HEAD(list)
        return
    # __list_cut_position()
    s = _links()
    nxt = s.lru_next
    prv = s.lru_prev
    new_first = nxt[entry]
    nxt[list] = nxt[head]
    prv[nxt[list]] = list
    prv[list] = entry
    nxt[entry] = list
    nxt[head] = new_first
    prv[new_first] = head


def list_entry(ptr):
    """include/linux/list.h: list_entry(ptr, struct page, lru) — the page is its ``lru`` slot."""
    return ptr


def list_first_entry(ptr):
    """include/linux/list.h: list_first_entry(ptr, struct page, lru)."""
    return _running.get()._statics[struct_page_arrays].lru_next[ptr]


def list_last_entry(ptr):
    """include/linux/list.h: list_last_entry(ptr, struct page, lru)."""
    return _running.get()._statics[struct_page_arrays].lru_prev[ptr]


def list_first_entry_or_null(ptr):
    """include/linux/list.h: list_first_entry_or_null() — ``None`` for an empty list."""
    next = _running.get()._statics[struct_page_arrays].lru_next[ptr]
    return next if next != ptr else None


def list_next_entry(pos):
    """include/linux/list.h: list_next_entry(pos, lru)."""
    return _links().lru_next[pos]


def list_prev_entry(pos):
    """include/linux/list.h: list_prev_entry(pos, lru)."""
    return _links().lru_prev[pos]


def list_for_each(head):
    """include/linux/list.h: list_for_each() — the slots after ``head``, in order.

    A generator; like the C loop it reads ``pos->next`` after the body ran, so the body
    must not unlink ``pos`` (use ``list_for_each_entry_safe``).
    """
    nxt = _links().lru_next
    pos = nxt[head]
    while pos != head:
        yield pos
        pos = nxt[pos]


# include/linux/list.h: list_for_each_entry(pos, head, lru) — the pages on ``head``, in
# order. Model: a page and its lru slot are the same index, so the entry walk is the list walk.
list_for_each_entry = list_for_each


def list_for_each_entry_reverse(head):
    """include/linux/list.h: list_for_each_entry_reverse() — the entries, last first."""
    prv = _links().lru_prev
    pos = prv[head]
    while pos != head:
        yield pos
        pos = prv[pos]


def list_for_each_entry_safe(head):
    """include/linux/list.h: list_for_each_entry_safe() — entries; the body may unlink ``pos``."""
    nxt = _links().lru_next
    pos = nxt[head]
    n = nxt[pos] if pos != head else head
    while pos != head:
        yield pos
        pos = n
        n = nxt[pos]


def list_for_each_entry_safe_reverse(head):
    """include/linux/list.h: list_for_each_entry_safe_reverse() — last first; ``pos`` may go."""
    prv = _links().lru_prev
    pos = prv[head]
    n = prv[pos] if pos != head else head
    while pos != head:
        yield pos
        pos = n
        n = prv[pos]


def list_count(head):
    """Model-only: the number of entries on ``head`` (what ``list_for_each`` + a counter gives)."""
    nxt = _links().lru_next
    n = 0
    pos = nxt[head]
    while pos != head:
        n += 1
        pos = nxt[pos]
    return n
