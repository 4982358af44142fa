# SPDX-License-Identifier: GPL-2.0-only
"""``cmaport cma`` (the areas as mm/cma_debug.c shows them, and alloc/free actions) and
``cmaport trace`` (the ftrace buffer after the boot)."""

import pytest

from cmaport.cli import main, parse_cma_action
from cmaport.kernel.errors import InputError

VIRT = ["--board", "virt", "--mem", "256M"]


def run(capsys, *argv):
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code, out, err


@pytest.mark.parametrize("text, want", [
    ("alloc:16", ("alloc", [16], None)),
    ("alloc:0x10:4@cma-1", ("alloc", [16, 4], "cma-1")),
    ("free:0x4f040:16", ("free", [0x4F040, 16], None)),
    ("free:323648:1@linux,cma", ("free", [323648, 1], "linux,cma")),
    ("alloc:010:08", ("alloc", [10, 8], None)),  # leading zeros are decimal, not octal
])
def test_actions_parse(text, want):
    assert parse_cma_action(text) == want


@pytest.mark.parametrize("text", ["alloc", "alloc:", "alloc:1:2:3", "free:1", "free:1:2:3",
                                  "alloc:-1", "alloc:1.5", "grab:1", "alloc:1@", "alloc:0x"])
def test_garbled_actions_are_input_errors(text):
    with pytest.raises(InputError) as e:
        parse_cma_action(text)
    assert repr(text) in str(e.value)


def test_garbled_action_exits_2_before_booting(capsys):
    code, out, err = run(capsys, "cma", *VIRT, "alloc:16", "alloc:x")
    assert code == 2 and out == ""
    assert err.startswith("cmaport: error: cmaport cma: 'alloc:x' is not an action")


@pytest.mark.slow
def test_show_then_alloc_and_free(capsys):
    code, out, err = run(capsys, "cma", *VIRT, "--cmdline", "console=ttyAMA0 cma=16M",
                         "alloc:16", "alloc:16:4", "free:0x4f040:16", "alloc:4096@cma-0",
                         "free:0x4f050:16@default")
    assert code == 0, err
    assert out.splitlines() == [
        "cma-0 (default): base_pfn=0x4f000 count=4096 order_per_bit=0 used=64 maxchunk=4032",
        "  bitmap: [0-64)",
        "alloc count=16 align=0 @cma-0 -> pfn 0x4f040 (bit 64)",
        "  cma-0: used=80 maxchunk=4016 bitmap: [0-80)",
        "alloc count=16 align=4 @cma-0 -> pfn 0x4f050 (bit 80)",
        "  cma-0: used=96 maxchunk=4000 bitmap: [0-96)",
        "free pfn=0x4f040 count=16 @cma-0 -> true",
        "  cma-0: used=80 maxchunk=4000 bitmap: [0-64) [80-96)",
        "alloc count=4096 align=0 @cma-0 -> FAILED",
        "  cma-0: used=80 maxchunk=4000 bitmap: [0-64) [80-96)",
        "free pfn=0x4f050 count=16 @cma-0 -> true",
        "  cma-0: used=64 maxchunk=4032 bitmap: [0-64)",
    ]


@pytest.mark.slow
def test_unknown_area_and_no_area(capsys):
    code, _, err = run(capsys, "cma", *VIRT, "alloc:1@nosuch")
    assert code == 2 and "no CMA area 'nosuch' (the areas: cma-0/default)" in err
    code, out, err = run(capsys, "cma", *VIRT, "--cmdline", "console=ttyAMA0 cma=0", "alloc:1")
    assert code == 2 and "the machine has no CMA area" in err


@pytest.mark.slow
def test_cma_with_trace(capsys):
    code, out, _ = run(capsys, "cma", *VIRT, "--cmdline", "console=ttyAMA0 cma=16M trace_event=cma:*",
                       "--trace", "alloc:1", "free:0x4f040:1", "free:0x4e000:1")
    assert code == 0
    lines = out.splitlines()
    assert "free pfn=0x4e000 count=1 @cma-0 -> false" in lines
    events = [l.split(": ", 1)[1] for l in lines if "[000]" in l]
    assert [e.split(" page=")[0] for e in events] == [
        "cma_alloc: pfn=4f000", "cma_alloc: pfn=4f040", "cma_release: pfn=4f040"]
    assert "# entries-in-buffer/entries-written: 3/3   #P:1" in lines


@pytest.mark.slow
def test_trace_command(capsys):
    code, out, _ = run(capsys, "trace", *VIRT, "--cmdline", "console=ttyAMA0 cma=16M trace_event=cma:*")
    assert code == 0
    lines = out.splitlines()
    assert lines[:12] == [
        "# tracer: nop",
        "#",
        "# entries-in-buffer/entries-written: 1/1   #P:1",
        "#",
        "#                              _-----=> irqs-off",
        "#                             / _----=> need-resched",
        "#                            | / _---=> hardirq/softirq",
        "#                            || / _--=> preempt-depth",
        "#                            ||| /     delay",
        "#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION",
        "#              | |       |   ||||       |         |",
        lines[11],
    ]
    # the atomic pool: pid 1 (kernel_init, still named swapper/0), 64 pages, order 6
    assert lines[11].startswith("       swapper/0-1     [000] ....     ")
    assert lines[11].endswith(": cma_alloc: pfn=4f000 page=%08x count=64 align=6"
                              % (int(lines[11].split("page=")[1].split()[0], 16)))
    # trace_event is off unless the command line enables it
    code, out, _ = run(capsys, "trace", *VIRT)
    assert code == 0 and "# entries-in-buffer/entries-written: 0/0   #P:1" in out
    # an event name that does not exist: the kernel's warning (twice: trace_init and the
    # early initcall both try)
    code, out, _ = run(capsys, "boot", *VIRT, "--cmdline", "console=ttyAMA0 trace_event=cma:nope")
    assert out.count("Failed to enable trace event: cma:nope\n") == 2


def test_free_of_a_pfn_with_no_struct_page_is_refused_by_cma_release(capsys):
    # pfn_to_page() is pointer arithmetic: cma_release() gets a pointer outside mem_map
    # and returns false because the pfn is not in the area, as in v4.9
    code, out, _ = run(capsys, "cma", *VIRT, "free:0x10:1", "free:0xfffff:1")
    assert code == 0
    assert "free pfn=0x10 count=1 @cma-0 -> false" in out
    assert "free pfn=0xfffff count=1 @cma-0 -> false" in out
