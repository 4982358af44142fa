# SPDX-License-Identifier: GPL-2.0-only
"""kernel/trace/trace.c and kernel/trace/trace_output.c: the event buffer and the ``trace`` file.

What the CMA trace events need: one ring buffer per machine that ``TRACE_EVENT``
tracepoints write into when they are enabled (``trace_event=`` on the command line, see
trace_events.py), and the text of ``/sys/kernel/debug/tracing/trace`` as v4.9 prints it:
``# tracer: nop``, the ``entries-in-buffer/entries-written`` line, the irq-info column
header (TRACE_ITER_IRQ_INFO is a default flag), then one line per event::

           swapper/0-1     [000] ....     0.000000: cma_alloc: pfn=8c000 page=ef8e8000 count=64 align=6

``comm-pid`` comes from the saved command lines (``<idle>`` for pid 0), the four flag
characters are irqs-off, need-resched, hardirq/softirq and the preempt depth, the
timestamp is the machine's simulated clock (the trace clock is ``local``, in ns).

Model: there is one CPU, no interrupts and no preemption, so every event is recorded on
CPU 0 with the flags ``....``; the tracer is always ``nop`` (function tracers have no
model). The per-CPU buffer of the kernel (1.4 MB once expanded) holds tens of thousands
of these small events; the model keeps every event (nothing is overwritten), so
entries-in-buffer always equals entries-written.
"""

import attrs

from cmaport.kernel.machine import statics, this_machine
from cmaport.lib.vsprintf import vsnprintf

# kernel/trace/trace.h: the trace_flags bits the output depends on
TRACE_ITER_CONTEXT_INFO = 1 << 20
TRACE_ITER_IRQ_INFO = 1 << 13
TRACE_ITER_VERBOSE = 1 << 6
# kernel/trace/trace.c: TRACE_DEFAULT_FLAGS (the bits above that are on by default)
TRACE_DEFAULT_FLAGS = TRACE_ITER_CONTEXT_INFO | TRACE_ITER_IRQ_INFO

# include/linux/trace_events.h: trace_entry->flags
TRACE_FLAG_IRQS_OFF = 0x01
TRACE_FLAG_IRQS_NOSUPPORT = 0x02
TRACE_FLAG_NEED_RESCHED = 0x04
TRACE_FLAG_HARDIRQ = 0x08
TRACE_FLAG_SOFTIRQ = 0x10
TRACE_FLAG_PREEMPT_RESCHED = 0x20
TRACE_FLAG_NMI = 0x40

PID_MAX_DEFAULT = 0x8000  # include/linux/threads.h
NSEC_PER_USEC = 1000
USEC_PER_SEC = 1000000


@attrs.frozen
class trace_entry:
    """include/linux/trace_events.h: struct trace_entry and the event's fields after it.

    ``call`` is the event (``trace_event_call``), ``fields`` the values its
    ``TP_fast_assign`` stored, ``ts`` the ring buffer's timestamp (ns), ``cpu`` the
    per-CPU buffer it went into.
    """

    call: object
    flags: int
    preempt_count: int
    pid: int
    cpu: int
    ts: int
    fields: tuple


@statics
class trace_c:
    """The file-scope variables of kernel/trace/trace.c for the top trace array.

    ``buffer`` is the ring buffer (oldest first), ``entries_written`` how many events
    were ever committed, ``savedcmd`` the pid → comm map ``tracing_record_cmdline``
    keeps, ``trace_flags`` the top array's flags.
    """

    buffer: list = attrs.Factory(list)
    entries_written: int = 0
    savedcmd: dict = attrs.Factory(dict)
    trace_flags: int = TRACE_DEFAULT_FLAGS
    tracer_name: str = "nop"


def tracing_record_cmdline(pid, comm):
    """kernel/trace/trace.c: tracing_record_cmdline() — remember the comm of ``pid``."""
    if not pid:
        return
    trace_c.get().savedcmd[pid] = comm


def trace_find_cmdline(pid):
    """kernel/trace/trace.c: trace_find_cmdline() — the comm saved for ``pid``."""
    if not pid:
        return "<idle>"
    if pid < 0:
        return "<XXX>"
    if pid > PID_MAX_DEFAULT:
        return "<...>"
    return trace_c.get().savedcmd.get(pid, "<...>")


def trace_event_buffer_commit(call, fields):
    """kernel/trace/trace_events.c: trace_event_buffer_reserve() + trace_event_buffer_commit().

    Reserves an entry in the running CPU's buffer, stores the common header
    (``tracing_generic_entry_update``: flags, preempt count, pid) and the event's fields,
    and commits it. The commit (``__buffer_unlock_commit``) only sets the CPU's
    ``trace_cmdline_save``; the task's comm is saved at the next sched_switch
    (``probe_sched_switch`` → tracing_record_cmdline).

    Model: one CPU without interrupts or preemption: flags and preempt count are 0.
    """
    from cmaport.kernel.panic import m_comm, m_pid

    m = this_machine()
    s = trace_c.get()
    pid = m_pid(m)
    s.buffer.append(trace_entry(call, 0, 0, pid, 0, m.clock_ns, tuple(fields)))
    s.entries_written += 1
    # Model: no scheduler, so no sched_switch: the comm is saved now, at the commit, not
    # at the task's next switch (the same name unless the task renames itself between).
    tracing_record_cmdline(pid, m_comm(m))


# -- kernel/trace/trace_output.c ------------------------------------------------------

def trace_print_lat_fmt(entry):
    """kernel/trace/trace_output.c: trace_print_lat_fmt() — the four flag characters."""
    nmi = entry.flags & TRACE_FLAG_NMI
    hardirq = entry.flags & TRACE_FLAG_HARDIRQ
    softirq = entry.flags & TRACE_FLAG_SOFTIRQ

    if entry.flags & TRACE_FLAG_IRQS_OFF:
        irqs_off = "d"
    elif entry.flags & TRACE_FLAG_IRQS_NOSUPPORT:
        irqs_off = "X"
    else:
        irqs_off = "."

    resched = entry.flags & (TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED)
    need_resched = {TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED: "N",
                    TRACE_FLAG_NEED_RESCHED: "n",
                    TRACE_FLAG_PREEMPT_RESCHED: "p"}.get(resched, ".")

    if nmi and hardirq:
        hardsoft_irq = "Z"
    elif nmi:
        hardsoft_irq = "z"
    elif hardirq and softirq:
        hardsoft_irq = "H"
    elif hardirq:
        hardsoft_irq = "h"
    elif softirq:
        hardsoft_irq = "s"
    else:
        hardsoft_irq = "."

    out = irqs_off + need_resched + hardsoft_irq
    if entry.preempt_count:
        out += "%x" % entry.preempt_count
    else:
        out += "."
    return out


def trace_print_context(entry):
    """kernel/trace/trace_output.c: trace_print_context() — ``comm-pid [cpu] flags timestamp: ``.

    The trace clock (``local``) counts nanoseconds, so the time is printed as seconds
    and microseconds.
    """
    s = trace_c.get()
    comm = trace_find_cmdline(entry.pid)
    out = vsnprintf("%16s-%-5d [%03d] ", (comm, entry.pid, entry.cpu))
    if s.trace_flags & TRACE_ITER_IRQ_INFO:
        out += trace_print_lat_fmt(entry)
    t = entry.ts // NSEC_PER_USEC  # ns2usecs()
    usec_rem = t % USEC_PER_SEC
    secs = t // USEC_PER_SEC
    out += vsnprintf(" %5lu.%06lu: ", (secs, usec_rem))
    return out


def trace_raw_output(entry):
    """include/trace/trace_events.h: trace_raw_output_<call>() — ``name: `` and the TP_printk text."""
    call = entry.call
    # trace_raw_output_prep(): the event's name first
    return "%s: " % call.name + vsnprintf(call.print_fmt, entry.fields)


def print_trace_fmt(entry):
    """kernel/trace/trace.c: print_trace_fmt() — context, then the event's own output."""
    s = trace_c.get()
    out = ""
    if s.trace_flags & TRACE_ITER_CONTEXT_INFO:
        out += trace_print_context(entry)
    return out + trace_raw_output(entry)


def print_event_info(m_lines):
    """kernel/trace/trace.c: print_event_info() — the entry counts and the CPU count."""
    s = trace_c.get()
    entries = len(s.buffer)
    # num_online_cpus(): the model runs one CPU
    m_lines.append("# entries-in-buffer/entries-written: %d/%d   #P:%d" % (entries, s.entries_written, 1))
    m_lines.append("#")


def print_func_help_header_irq(m_lines):
    """kernel/trace/trace.c: print_func_help_header_irq() — the column header with the flag legend."""
    print_event_info(m_lines)
    m_lines += [
        "#                              _-----=> irqs-off",
        "#                             / _----=> need-resched",
        "#                            | / _---=> hardirq/softirq",
        "#                            || / _--=> preempt-depth",
        "#                            ||| /     delay",
        "#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION",
        "#              | |       |   ||||       |         |",
    ]


def print_func_help_header(m_lines):
    """kernel/trace/trace.c: print_func_help_header() — the column header without irq info."""
    print_event_info(m_lines)
    m_lines += [
        "#           TASK-PID   CPU#      TIMESTAMP  FUNCTION",
        "#              | |       |          |         |",
    ]


def trace_default_header(m_lines):
    """kernel/trace/trace.c: trace_default_header() — the header of the nop tracer."""
    s = trace_c.get()
    if not s.trace_flags & TRACE_ITER_CONTEXT_INFO:
        return
    if not s.trace_flags & TRACE_ITER_VERBOSE:
        if s.trace_flags & TRACE_ITER_IRQ_INFO:
            print_func_help_header_irq(m_lines)
        else:
            print_func_help_header(m_lines)


def tracing_read_trace():
    """kernel/trace/trace.c: the ``trace`` file (tracing_open + s_show for each entry).

    :return: the text a ``cat /sys/kernel/debug/tracing/trace`` prints
    """
    s = trace_c.get()
    lines = ["# tracer: %s" % s.tracer_name, "#"]
    trace_default_header(lines)
    for entry in s.buffer:
        lines.append(print_trace_fmt(entry))
    return "\n".join(lines) + "\n"


def trace_init():
    """kernel/trace/trace.c: trace_init() — allocate the buffers, then set up the events.

    Model: tracer_alloc_buffers() has nothing to allocate (the buffer is a list).
    """
    from cmaport.kernel.trace.trace_events import trace_event_init

    trace_c.get()
    trace_event_init()
