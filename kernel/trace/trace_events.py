# SPDX-License-Identifier: GPL-2.0-only
"""kernel/trace/trace_events.c: the event list, enabling events, and ``trace_event=``.

``TRACE_EVENT()`` (include/linux/tracepoint.h with CREATE_TRACE_POINTS) defines an event:
its system (``TRACE_SYSTEM``), its name and its ``TP_printk`` format; the port's
``TRACE_EVENT`` returns the ``trace_<name>()`` function the C code calls. The events are
code: they sit in ``__start_ftrace_events..__stop_ftrace_events`` for the whole run; only
whether each one is enabled is per machine.

``trace_event=`` (a ``__setup`` option) saves its value; ``trace_init`` →
``event_trace_enable`` enables the listed events, and the early initcall
``event_trace_enable_again`` does it once more (disabling each first). An entry is
``system:event``, ``system:*``/``system:``, ``*:event``/``:event``, or a bare name
matching a system or an event; entries are separated by commas. One that matches no
event prints ``Failed to enable trace event: <entry>`` (each of the two times).
"""

import attrs

from cmaport.include.linux.errno import EINVAL, ENODEV
from cmaport.include.linux.init import (COMMAND_LINE_SIZE, __setup, early_initcall,
                                        link_vmlinux)
from cmaport.kernel.machine import _running, statics
from cmaport.kernel.printk import pr_helpers

_pr = pr_helpers("")  # trace_events.c: pr_fmt(fmt) is fmt


@attrs.frozen
class trace_event_call:
    """include/linux/trace_events.h: struct trace_event_call — one event (code, not state)."""

    system: str
    name: str
    print_fmt: str


# __start_ftrace_events .. __stop_ftrace_events: filled when the headers are imported.
_ftrace_events = []


@statics
class trace_events_c:
    """The file-scope variables of kernel/trace/trace_events.c.

    ``bootup_event_buf`` is what ``trace_event=`` saved; ``enabled`` the events whose
    tracepoint is on (C: each file's EVENT_FILE_FL_ENABLED); ``ring_buffer_expanded``
    (trace.c) is set by the option.
    """

    bootup_event_buf: str = ""
    enabled: set = attrs.Factory(set)
    ring_buffer_expanded: bool = False
    tracing_selftest_disabled: bool = False


def TRACE_EVENT(system, name, print_fmt, assign=None):
    """include/linux/tracepoint.h: TRACE_EVENT() — define an event; returns ``trace_<name>``.

    The returned function takes the tracepoint's arguments (``TP_PROTO``). When the event
    is enabled on the running machine (the static key), ``assign`` — the event's
    ``TP_fast_assign`` — turns them into the values stored in the entry, in the order of
    the ``TP_printk`` arguments (without ``assign`` the arguments are stored as they
    are), and the entry is committed. A disabled event costs the key test only.
    """
    from cmaport.kernel.trace.trace import trace_event_buffer_commit

    call = trace_event_call(system, name, print_fmt)
    _ftrace_events.append(call)

    def trace_fn(*args):
        """include/linux/tracepoint.h: trace_<name>() — commit an entry if the event is on."""
        if not trace_event_enabled(call):
            return  # the static key is off
        trace_event_buffer_commit(call, assign(*args) if assign is not None else args)

    trace_fn.__name__ = "trace_" + name
    trace_fn.__doc__ = "%s: trace_%s() — the %s:%s tracepoint." % (
        "include/trace/events/%s.h" % system, name, system, name)
    trace_fn.event_call = call
    return trace_fn


def trace_event_enabled(call):
    """Model-only: is the tracepoint's static key on (the event enabled) on the running machine?"""
    m = _running.get()
    if m is None:
        return False
    s = m._statics.get(trace_events_c)
    return s is not None and call in s.enabled


def ftrace_events():
    """Model-only: the ``ftrace_events`` list (every event linked into the image)."""
    link_vmlinux()
    return list(_ftrace_events)


@__setup("trace_event=")
def setup_trace_event(str_):
    """kernel/trace/trace_events.c: setup_trace_event() — keep the events to enable at boot."""
    s = trace_events_c.get()
    s.bootup_event_buf = (str_ or "")[:COMMAND_LINE_SIZE - 1]  # strlcpy
    s.ring_buffer_expanded = True
    s.tracing_selftest_disabled = True
    return 1


def ftrace_event_enable_disable(call, enable):
    """kernel/trace/trace_events.c: ftrace_event_enable_disable() — switch one event."""
    s = trace_events_c.get()
    if enable:
        s.enabled.add(call)
    else:
        s.enabled.discard(call)
    return 0


def __ftrace_set_clr_event_nolock(tr, match, sub, event, set_):
    """kernel/trace/trace_events.c: __ftrace_set_clr_event_nolock() — switch every matching event.

    :return: 0 if at least one event matched, else ``-EINVAL``
    """
    ret = -EINVAL
    for call in ftrace_events():
        name = call.name
        if match is not None and match != name and match != call.system:
            continue
        if sub is not None and sub != call.system:
            continue
        if event is not None and event != name:
            continue
        ftrace_event_enable_disable(call, set_)
        ret = 0
    return ret


def __ftrace_set_clr_event(tr, match, sub, event, set_):
    """kernel/trace/trace_events.c: __ftrace_set_clr_event() — the above under event_mutex.

    Model: event_mutex — one CPU, nothing to serialise.
    """
    return __ftrace_set_clr_event_nolock(tr, match, sub, event, set_)


def ftrace_set_clr_event(tr, buf, set_):
    """kernel/trace/trace_events.c: ftrace_set_clr_event() — parse ``[system:]event`` and switch."""
    event = sub = None
    match, colon, rest = buf.partition(":")
    if colon:
        sub = match
        event = rest
        match = None
        if not sub or sub == "*":
            sub = None
        if not event or event == "*":
            event = None
    return __ftrace_set_clr_event(tr, match, sub, event, set_)


def trace_set_clr_event(system, event, set_):
    """kernel/trace/trace_events.c: trace_set_clr_event() — switch ``system:event`` by name."""
    return __ftrace_set_clr_event(None, None, system, event, set_)


def early_enable_events(tr, disable_first):
    """kernel/trace/trace_events.c: early_enable_events() — enable the ``trace_event=`` list."""
    buf = trace_events_c.get().bootup_event_buf
    for token in buf.split(","):
        if token:
            # Restarting an event means stopping it first.
            if disable_first:
                ftrace_set_clr_event(tr, token, 0)
            ret = ftrace_set_clr_event(tr, token, 1)
            if ret:
                _pr.warn("Failed to enable trace event: %s\n", token)


def event_trace_enable():
    """kernel/trace/trace_events.c: event_trace_enable() — the events exist; enable the boot list.

    Model: event_init() of each call and the early file entries have nothing to set up.
    """
    early_enable_events(None, False)
    return 0


@early_initcall
def event_trace_enable_again():
    """kernel/trace/trace_events.c: event_trace_enable_again() — enable the boot list once more."""
    if _running.get() is None:
        return -ENODEV
    early_enable_events(None, True)
    return 0


def trace_event_init():
    """kernel/trace/trace_events.c: trace_event_init() — called by trace_init().

    event_trace_memsetup() and init_ftrace_syscalls() have nothing to do in the model.
    """
    event_trace_enable()
