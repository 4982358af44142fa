# SPDX-License-Identifier: GPL-2.0-only
"""The memory layout of the oracle's recorded boots (Debian 6.1 under QEMU) against the v4.9 model.

Every sample is booted the way the oracle booted it (the ``oracle`` fixture of
tests/conftest.py), and four facts of tests/data/oracle/samples.json are compared:

* ``iomem`` — the ``System RAM`` lines of /proc/iomem. The same in v4.9: one per memblock
  memory region, and the no-map regions v4.9 removes from memory are exactly the ranges
  6.1 lists as ``reserved`` instead of ``System RAM`` (v4.9-vs-v6.1.md §18 #28: "iomem
  identical"). **Differs for RAM that ends inside a page** (``V49_IOMEM``): v4.9 rounds
  each resource down to whole pages.
* ``memblock`` — ``memblock.memory`` at the end of the boot. **Differs where there are
  no-map regions** (§7.1, §7.6): 6.1 keeps them in ``memblock.memory`` as regions flagged
  NOMAP, v4.9 memblock_remove()s them. So v4.9's regions are the sample's System RAM
  ranges; without no-map regions that is the sample's memblock.memory itself.
* ``zones`` — each populated zone's ``spanned`` and ``present`` pages. ``spanned`` is the
  same; **``present`` differs where there are no-map regions**: v4.9 does not count the
  removed pages (§17.1, §18 #25/#28/#31), so it is the System RAM pages inside the zone.
* ``cma_pageblocks`` — the CMA column of /proc/pagetypeinfo's block counts, per populated
  zone: exact in both (§17.4), except where v4.9 reserves other CMA areas (``V49_CMA``).

Not compared: vexpress-a15 (no such board in the model) and virt-dt-errors, which v4.9
cannot boot (§15.2; tests/drivers/test_cma_oracle.py::test_virt_dt_errors_v49).
"""

import json
import pathlib
import re

import pytest

pytestmark = pytest.mark.slow

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "oracle"
SAMPLES = json.loads((DATA / "samples.json").read_text())["samples"]

NOT_COMPARED = {
    "vexpress-a15-default-1024": "the model has no vexpress-a15 board",
    "virt-dt-errors": "v4.9 does not boot it (§15.2): see test_cma_oracle.py::test_virt_dt_errors_v49",
}
# Where v4.9's /proc/iomem differs: {sample: (why, System RAM lines)}
V49_IOMEM = {
    "virt-default-3072": (
        "v4.9's request_standard_resources() rounds each System RAM resource to whole pages "
        "(end = __pfn_to_phys(end_pfn) - 1): RAM capped at 0xffffffff (§18 #18) ends at "
        "0xffffefff; 6.1 takes the memblock region's own end, 0xfffffffe",
        ["40000000-ffffefff : System RAM"]),
}
# Where v4.9 has other CMA areas than 6.1 (§18): {sample: (why, {zone: CMA pageblocks})}
V49_CMA = {
    "virt-cmdline-cma16M-unaligned": (
        "§6, §18 #10: v4.9 rounds the fixed base up and reserves 16 MiB at 0x50800000 (2 "
        "blocks); 6.1 refuses the unaligned base", {"DMA": 2}),
    "virt-dt-cma-plus-cmdline": (
        "§4, §18 #24: in v4.9 the DT's 64 MiB linux,cma pool wins over cma=32M (with the 16 MiB "
        "multimedia pool: 10 blocks); 6.1 takes the command line's 32 MiB (6 blocks)",
        {"DMA": 10}),
}
PAGE_SHIFT = 12


def system_ram(sample):
    """The sample's System RAM ranges of /proc/iomem, as (first, last) byte addresses."""
    out = []
    for line in sample["iomem_system_ram"]:
        m = re.fullmatch(r"([0-9a-f]+)-([0-9a-f]+) : System RAM", line)
        out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def has_nomap(sample):
    """6.1 lists no-map regions in memblock.memory but not as System RAM."""
    return [tuple(r) for r in sample["memblock_memory"]] != system_ram(sample)


def v49_zones(sample):
    """{zone: (spanned, present)} of the zones that span pages; present counts System RAM
    pages only (the zones follow each other from the first one's start_pfn)."""
    ram = system_ram(sample)
    out = {}
    start = None
    for zname in ("DMA", "Normal", "HighMem", "Movable"):
        z = sample["zones"][zname]
        if not z["spanned"]:
            continue
        start = z.get("start_pfn", start)
        end = start + z["spanned"]
        present = sum(max(0, min(end, (last + 1) >> PAGE_SHIFT) - max(start, first >> PAGE_SHIFT))
                      for first, last in ram)
        out[zname] = (z["spanned"], present)
        start = end
    return out


# -- the model's side ------------------------------------------------------------------------

_last = {}


def booted(oracle, name):
    """The model booted as the oracle booted ``name``; only the last machine is kept (the
    facts of one sample are tested one after the other)."""
    if name not in _last:
        _last.clear()
        _last[name] = oracle.boot(name)
    return _last[name]


def model_iomem(m):
    from cmaport.kernel.resource import proc_iomem

    with m:
        return [l for l in proc_iomem().splitlines() if l.endswith(" : System RAM")
                and not l.startswith(" ")]


def model_memblock(m):
    from cmaport.mm.memblock import for_each_memblock

    with m:
        return [(r.base, r.base + r.size - 1) for r in for_each_memblock("memory")]


def model_zones(m):
    from cmaport.include.linux.mmzone import NODE_DATA

    with m:
        return {z.name: (z.spanned_pages, z.present_pages) for z in NODE_DATA(0).node_zones
                if z.spanned_pages}


def model_cma_pageblocks(m):
    """The CMA column of /proc/pagetypeinfo's "Number of blocks type" table, per zone."""
    from cmaport.mm.vmstat import pagetypeinfo_show

    with m:
        text = pagetypeinfo_show()
    lines = text.splitlines()
    head = next(i for i, l in enumerate(lines) if l.startswith("Number of blocks type"))
    col = lines[head].split()[4:].index("CMA")
    out = {}
    for l in lines[head + 1:]:
        mm = re.match(r"Node\s+0, zone\s+(\w+)\s+(.*)$", l)
        if mm:
            out[mm.group(1)] = int(mm.group(2).split()[col])
    return out


# -- the facts -------------------------------------------------------------------------------

def check_iomem(m, name, sample):
    """/proc/iomem's System RAM lines: identical in v4.9 and 6.1, but for a partial last page."""
    want = sample["iomem_system_ram"]
    if name in V49_IOMEM:
        assert V49_IOMEM[name][1] != want, V49_IOMEM[name][0]
        want = V49_IOMEM[name][1]
    assert model_iomem(m) == want


def check_memblock(m, name, sample):
    """v4.9 removes no-map regions from memblock.memory; 6.1 keeps them, flagged NOMAP."""
    want = system_ram(sample)
    if not has_nomap(sample):
        assert want == [tuple(r) for r in sample["memblock_memory"]]
    assert model_memblock(m) == want


def check_zones(m, name, sample):
    """Spanned pages as in 6.1; present pages without the no-map regions v4.9 removed."""
    want = v49_zones(sample)
    sixone = {z: (v["spanned"], v["present"]) for z, v in sample["zones"].items() if v["spanned"]}
    if not has_nomap(sample):
        assert want == sixone
    else:
        assert want != sixone  # the difference named in the module docstring
    assert model_zones(m) == want


def check_cma_pageblocks(m, name, sample):
    """The CMA pageblocks of each populated zone: exact in both, unless v4.9 has other areas."""
    want = {z: c["CMA"] for z, c in sample["pageblocks"].items()}
    if name in V49_CMA:
        assert V49_CMA[name][1] != want, V49_CMA[name][0]
        want = V49_CMA[name][1]
    assert model_cma_pageblocks(m) == want


FACTS = {"iomem": check_iomem, "memblock": check_memblock, "zones": check_zones,
         "cma_pageblocks": check_cma_pageblocks}
# sample-major, so that the facts of one boot are checked one after the other
CASES = [(n, f) for n in sorted(SAMPLES) if n not in NOT_COMPARED for f in FACTS]


@pytest.mark.parametrize("name, fact", CASES, ids=["%s-%s" % c for c in CASES])
def test_layout_matches_the_oracle(oracle, name, fact):
    FACTS[fact](booted(oracle, name), name, SAMPLES[name])


def test_every_sample_is_compared_or_excused():
    assert {n for n, _ in CASES} | set(NOT_COMPARED) == set(SAMPLES)
    assert len(CASES) == 4 * (len(SAMPLES) - 2)
