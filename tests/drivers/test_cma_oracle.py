# SPDX-License-Identifier: GPL-2.0-only
"""The oracle's recorded boots (Debian 6.1 under QEMU) against the v4.9 model.

Every sample is booted the way the oracle booted it (tests/conftest.py: the board, RAM,
device tree, command line, QEMU's initramfs, arch/arm/configs/oracle_armmp.config). Where
v4.9 and 6.1 agree (shared/reference/v4.9-vs-v6.1.md §18) the recorded values are the
expected ones: the reserved-memory / ``cma:`` / ``DMA:`` lines, CmaTotal and CmaFree of
/proc/meminfo, and — for the samples that ran the cmaprobe module — the first-fit
positions and bitmaps of the same allocation sequence, and the trace events in v4.9's
format. Where they differ the test asserts v4.9's behaviour and names the difference
(``V49`` below).
"""

import re

import pytest

pytestmark = pytest.mark.slow

KEEP = ("cma: ", "Reserved memory: ", "OF: reserved mem: ", "OF: fdt: Reserved memory",
        "OF: fdt:Reserved memory", "DMA: ")

POOLS_512 = [
    "Reserved memory: created CMA memory pool at 0x5c000000, size 64 MiB",
    "OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
    "Reserved memory: created DMA memory pool at 0x57e00000, size 2 MiB",
    "OF: reserved mem: initialized node dyn-dma, compatible id shared-dma-pool",
    "Reserved memory: created CMA memory pool at 0x47000000, size 16 MiB",
    "OF: reserved mem: initialized node multimedia, compatible id shared-dma-pool",
    "DMA: preallocated 256 KiB pool for atomic coherent allocations",
]

# Samples where v4.9 prints other lines than 6.1: (why, v4.9's lines, CmaTotal, CmaFree).
V49 = {
    "virt-cmdline-cma16M-unaligned": (
        "§6: v4.9 rounds a fixed base up to the CMA alignment and reserves there; 6.1 refuses "
        "with 'must be aligned'",
        ["cma: Reserved 16 MiB at 0x50800000",
         "DMA: preallocated 256 KiB pool for atomic coherent allocations"], 16384, 16128),
    "virt-dt-cma-plus-cmdline": (
        "§4: in v4.9 the DT linux,cma-default pool wins and cma=32M is ignored silently; 6.1 "
        "bypasses the DT pool and reserves the command-line area",
        POOLS_512, 81920, 81664),
}
# "OF: fdt: " (6.1) is "OF: fdt:" in v4.9 (§2.1): a prefix-only difference.
PREFIX_ONLY = {"virt-dt-bad-cells"}
# CmaFree depends on the workload of the boot (§16.3, §18 #11/#12): v4.9 idle is CmaTotal - 256.
WORKLOAD_CMAFREE = {"virt-cmdline-cma256M-1024", "virt-cmdline-cma256M-1024-cmaprobe"}
CRASHES = {"virt-dt-errors"}


def v49_lines(name, sample):
    if name in V49:
        return V49[name][1]
    lines = [l for l in sample["lines"] if l.startswith(KEEP)]
    if name in PREFIX_ONLY:
        lines = [l.replace("OF: fdt: ", "OF: fdt:") for l in lines]
    return lines


def meminfo(m):
    from cmaport.fs.proc.meminfo import meminfo_proc_show

    with m:
        text = meminfo_proc_show()
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB$", text, re.M)}


SAMPLES = sorted(__import__("json").load(
    open(__import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "oracle"
         / "samples.json"))["samples"])


@pytest.mark.parametrize("name", SAMPLES)
def test_boot_lines_and_cma_counters(oracle, name):
    if name in CRASHES:
        pytest.skip("v4.9 does not boot this one cleanly: see test_virt_dt_errors_v49")
    sample = oracle.samples[name]
    m = oracle.boot(name)
    got = [l for l in m.dmesg() if l.startswith(KEEP)]
    assert got == v49_lines(name, sample)
    info = meminfo(m)
    total = V49[name][2] if name in V49 else sample["meminfo"]["CmaTotal"]
    free = V49[name][3] if name in V49 else sample["meminfo"]["CmaFree"]
    if name in WORKLOAD_CMAFREE:
        free = total - 256
    assert (info["CmaTotal"], info["CmaFree"]) == (total, free)
    # the cma-reserved (and highmem) fields of the Memory: line are the same in v4.9
    want = re.search(r"(\d+K cma-reserved, \d+K highmem)", next(
        l for l in sample["lines"] if l.startswith("Memory:"))).group(1)
    memory = next(l for l in m.dmesg() if l.startswith("Memory:"))
    if name in V49:
        want = re.sub(r"^\d+K", "%dK" % total, want)
    assert want in memory


def test_virt_dt_errors_v49(oracle):
    """§18 #30 and §15.2: v4.9 prints other lines (no 'matching fail', the default area at
    0x5e000000 because the no-map cma-nomap region was removed from memory), and then sizes
    HighMem from a lowmem limit (0x60000000) above the new end of RAM (0x5f800000): the
    HighMem size wraps, the node span and so mem_map end at pfn 0x5f800, and
    memmap_init_zone() writes the struct pages of the lowmem zone's last 2048 pfns past the
    end of mem_map. v4.9 corrupts memory there and is expected to crash or hang early; the
    model stops at the overrun with KernelBug and a diagnostic naming the cause."""
    from cmaport.kernel.errors import KernelBug

    m = oracle.machine("virt-dt-errors")
    with pytest.raises(KernelBug) as e:
        m.boot()
    assert e.value.function == "memmap_init_zone"
    assert e.value.detail.startswith("struct page of pfn 0x5f800 is outside mem_map "
                                     "(pfns 0x40000-0x5f7ff)")
    notes = [d for d in m.diagnostics if d.where == "memmap_init_zone"]
    assert len(notes) == 1
    assert "initialises 2048 struct pages outside mem_map" in notes[0].message
    assert "§15.2" in notes[0].message
    assert [l for l in m.dmesg() if l.startswith(KEEP + ("ovl1",))] == [
        "OF: reserved mem: OVERLAP DETECTED!",
        "ovl1@4a000000 (0x4a000000--0x4a200000) overlaps with ovl2@4a100000 (0x4a100000--0x4a300000)",
        "OF: reserved mem: invalid alignment property in 'badalign' node.",
        "Reserved memory: regions without no-map are not yet supported",
        "OF: reserved mem: failed to allocate memory for node 'huge'",
        "Reserved memory: incorrect alignment of CMA region",
        "cma: Reserved 16 MiB at 0x5e000000",
    ]


# --- cmaprobe: the same allocation sequence, the same first-fit positions ---------------

PROBES = [n for n in SAMPLES if n.endswith("cmaprobe") or "cmaprobe-" in n]


def area_named(name):
    """The model's area for a probe area name ('reserved' is 6.1's name for the default area)."""
    from cmaport.drivers.base.dma_contiguous import dma_contiguous_c
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_c

    if name == "reserved":
        return dma_contiguous_c.get().dma_contiguous_default_area
    rm = of_reserved_mem_c.get()
    return next(r.priv for r in rm.reserved_mem[:rm.reserved_mem_count] if r.name == name)


def replay_probe(sample):
    """Run the probe's sequence on the running machine, asserting each recorded result."""
    from cmaport.include.linux.device import device
    from cmaport.include.linux.dma_mapping import DMA_BIT_MASK, dma_alloc_coherent, dma_free_coherent
    from cmaport.include.linux.gfp import GFP_KERNEL
    from cmaport.include.linux.mm import page_to_pfn, pfn_to_page
    from cmaport.mm.cma import cma_alloc, cma_release
    from cmaport.mm.cma_debug import cma_area_view, format_runs

    dev = device(init_name="cmaprobe", coherent_dma_mask=DMA_BIT_MASK(32))
    bufs = {}
    checked = 0
    for line in sample["cmaprobe"]:
        line = line[len("cmaprobe: "):]
        if m := re.fullmatch(r"\w+ area=(\S+) base_pfn=(0x[0-9a-f]+) count=(\d+) order_per_bit=0 "
                             r"\S+ \S+ used=(\d+) maxchunk=(\d+) bitmap_bits=\d+", line):
            v = cma_area_view(area_named(m.group(1)))
            assert (v["base_pfn"], v["count"], v["used"], v["maxchunk"]) == (
                int(m.group(2), 16), int(m.group(3)), int(m.group(4)), int(m.group(5))), line
        elif m := re.fullmatch(r"\w+ area=(\S+) set_runs: (.*)", line):
            assert format_runs(cma_area_view(area_named(m.group(1)))["bitmap"]) == m.group(2), line
        elif m := re.fullmatch(r"default_area=(\S+) \(probe pfn (0x[0-9a-f]+)\)", line):
            c = area_named(m.group(1))
            p = cma_alloc(c, 1, 0)
            assert page_to_pfn(p) == int(m.group(2), 16)
            assert cma_release(c, p, 1)
        elif m := re.fullmatch(r"cma_alloc area=(\S+) count=(\d+) align=(\d+) -> (.*)", line):
            p = cma_alloc(area_named(m.group(1)), int(m.group(2)), int(m.group(3)))
            if m.group(4) == "FAILED":
                assert p is None, line
            else:
                assert "pfn=%#x" % page_to_pfn(p) == m.group(4).split()[0], line
        elif m := re.fullmatch(r"cma_release area=(\S+) pfn=(0x[0-9a-f]+) count=(\d+) -> ok", line):
            assert cma_release(area_named(m.group(1)), pfn_to_page(int(m.group(2), 16)),
                               int(m.group(3)))
        elif m := re.fullmatch(r"dma_alloc_coherent size=(\d+) -> dma=(0x[0-9a-f]+) area=\S+", line):
            cpu, handle = dma_alloc_coherent(dev, int(m.group(1)), GFP_KERNEL)
            assert handle == int(m.group(2), 16), line
            bufs[handle] = cpu
        elif m := re.fullmatch(r"dma_free_coherent dma=(0x[0-9a-f]+) size=(\d+)", line):
            handle = int(m.group(1), 16)
            dma_free_coherent(dev, int(m.group(2)), bufs.pop(handle), handle)
        else:
            continue
        checked += 1
    return checked


def v49_event(ev, mem_map_virt, ram_pfn):
    """A 6.1 cma event as v4.9 prints it (§2.2): no name, pfn without 0x, the raw page pointer."""
    m = re.search(r"(cma_alloc_finish|cma_release): name=\S+ pfn=0x([0-9a-f]+) page=\S+ "
                  r"count=(\d+)(?: align=(\d+))?", ev)
    if m is None:
        return None
    pfn = int(m.group(2), 16)
    if m.group(1) == "cma_release":
        return "cma_release: pfn=%x page=%08x count=%s" % (pfn, mem_map_virt + 32 * (pfn - ram_pfn),
                                                          m.group(3))
    if pfn == 0xFFFFFFFF:
        return "cma_alloc: pfn=ffffffff page=  (null) count=%s align=%s" % (m.group(3), m.group(4))
    return "cma_alloc: pfn=%x page=%08x count=%s align=%s" % (
        pfn, mem_map_virt + 32 * (pfn - ram_pfn), m.group(3), m.group(4))


@pytest.mark.parametrize("name", PROBES)
def test_cmaprobe_sequence_and_trace(oracle, name):
    from cmaport.kernel.trace.trace import tracing_read_trace

    sample = oracle.samples[name]
    m = oracle.boot(name)
    with m:
        assert replay_probe(sample) > 10
        text = tracing_read_trace()
    node = next(l for l in m.dmesg() if l.startswith("free_area_init_node:"))
    mem_map_virt = int(node.rsplit(" ", 1)[1], 16)
    ram_pfn = 0x40000  # virt: RAM at 0x40000000
    want = [e for e in (v49_event(ev, mem_map_virt, ram_pfn) for ev in sample["trace"]) if e]
    lines = text.splitlines()
    assert lines[:3] == ["# tracer: nop", "#",
                         "# entries-in-buffer/entries-written: %d/%d   #P:1" % (len(want), len(want))]
    events = [l for l in lines if not l.startswith("#")]
    assert [l.split(": ", 1)[1] for l in events] == want
    # the atomic pool is taken in kernel_init (pid 1, still called swapper/0)
    assert events[0].startswith("       swapper/0-1     [000] ....     ")
