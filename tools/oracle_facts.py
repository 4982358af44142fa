#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Extract the facts tests need from the real-kernel oracle's recorded boots.

Reads the logs recorded by ``shared/oracle/run-experiments.sh`` (Debian's 6.1.176 armmp
kernel under QEMU) and writes ``tests/data/oracle/samples.json``: for every sample the
setup it was booted with, the reserved-memory and CMA lines of its log, the ``Memory:``
line, CmaTotal/CmaFree, the pageblock counts per zone, the zones, memblock's final
regions, the System RAM ranges of /proc/iomem, the cmaprobe results and the trace
events. Only facts are copied, never code.

Usage: tools/oracle_facts.py [SAMPLES_DIR] [OUTPUT]
"""

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = pathlib.Path("/work/shared/oracle/samples")
DEFAULT_OUT = ROOT / "tests" / "data" / "oracle" / "samples.json"

# run-experiments.sh: name -> (machine, device tree, RAM MiB, extra command line)
SETUPS = {
    "virt-default-512": ("virt", None, 512, ""),
    "virt-default-1024": ("virt", None, 1024, ""),
    "virt-default-2048": ("virt", None, 2048, ""),
    "virt-default-3072": ("virt", None, 3072, ""),
    "virt-cmdline-cma32M": ("virt", None, 512, "cma=32M"),
    "virt-cmdline-cma0": ("virt", None, 512, "cma=0"),
    "virt-cmdline-cma16M-at": ("virt", None, 512, "cma=16M@0x50000000"),
    "virt-cmdline-cma16M-fixed": ("virt", None, 512, "cma=16M@0x50000000-0x51000000"),
    "virt-cmdline-cma600M": ("virt", None, 512, "cma=600M"),
    "virt-cmdline-cma256M-1024": ("virt", None, 1024, "cma=256M"),
    "virt-dt-cma-pools-512": ("virt", "virt-cma-pools.dts", 512, ""),
    "virt-dt-cma-pools-1024": ("virt", "virt-cma-pools.dts", 1024, ""),
    "virt-dt-cma-only-2048": ("virt", "virt-cma-only.dts", 2048, ""),
    "virt-dt-cma-plus-cmdline": ("virt", "virt-cma-pools.dts", 512, "cma=32M"),
    "virt-dt-static-cma": ("virt", "virt-static-cma.dts", 512, ""),
    "virt-dt-bad-cells": ("virt", "virt-bad-cells.dts", 512, ""),
    "virt-dt-errors": ("virt", "virt-errors.dts", 512, ""),
    "vexpress-a9-default-512": ("vexpress-a9", None, 512, ""),
    "vexpress-a15-default-1024": ("vexpress-a15", None, 1024, ""),
    "virt-dt-cma-pools-memblock-debug": ("virt", "virt-cma-pools.dts", 512, "memblock=debug"),
    "virt-default-512-memblock-debug": ("virt", None, 512, "memblock=debug"),
    "virt-default-512-cmaprobe": ("virt", None, 512, "trace_event=cma:*"),
    "virt-dt-cma-pools-512-cmaprobe": ("virt", "virt-cma-pools.dts", 512, "trace_event=cma:*"),
    "virt-dt-cma-pools-512-cmaprobe-multimedia": (
        "virt", "virt-cma-pools.dts", 512,
        "trace_event=cma:* oracle.modargs=area=multimedia+tests=16:0,2048:11,2048:0,8:3+dma=65536"),
    "virt-cmdline-cma256M-1024-cmaprobe": (
        "virt", None, 1024,
        "cma=256M trace_event=cma:* oracle.modargs=tests=16:0,4096:12,65536:0,1:0+dma=4096,8388608,33554432"),
    "vexpress-a9-dt-cma-512": ("vexpress-a9", "vexpress-a9-cma.dts", 512, ""),
    "virt-cmdline-cma16M-range": ("virt", None, 512, "cma=16M@0x48000000-0x58000000"),
    "virt-cmdline-cma16M-unaligned": ("virt", None, 512, "cma=16M@0x50400000"),
    "virt-cmdline-cma16M-on-initrd": ("virt", None, 512, "cma=16M@0x48000000"),
    "virt-cmdline-cma32M-lowhigh-1024": ("virt", None, 1024, "cma=32M@0x6f000000"),
    "virt-cmdline-cma12M": ("virt", None, 512, "cma=12M"),
}

_TS = re.compile(r"^\[\s*\d+\.\d+\] ?")
_KEEP = ("cma: ", "Reserved memory: ", "OF: reserved mem: ", "OF: fdt: Reserved memory",
         "OF: fdt: Machine model", "Memory: ", "DMA: ", "Truncating RAM", "Ignoring RAM")


def sections(text):
    """The ``===== BEGIN name =====`` sections of a log, by name."""
    out = {}
    for m in re.finditer(r"===== BEGIN (.+?) =====\n(.*?)===== END \1 =====", text, re.S):
        out[m.group(1)] = m.group(2).splitlines()
    return out


def strip_ts(line):
    return _TS.sub("", line)


def extract(path):
    text = path.read_text(errors="replace")
    sec = sections(text)
    dmesg = [strip_ts(x) for x in sec.get("dmesg", [])]
    facts = {}
    name = path.stem
    machine, dts, ram, extra = SETUPS.get(name, (None, None, None, None))
    facts["setup"] = {"machine": machine, "dts": dts, "ram_mib": ram, "extra_cmdline": extra}
    facts["cmdline"] = (sec.get("cmdline") or [""])[0]
    lines = []
    for i, line in enumerate(dmesg):
        if line.startswith(_KEEP):
            lines.append(line)
            # the second line of OVERLAP DETECTED! is unprefixed
            if line.endswith("OVERLAP DETECTED!") and i + 1 < len(dmesg):
                lines.append(dmesg[i + 1])
    facts["lines"] = lines
    meminfo = {}
    for line in sec.get("meminfo", []):
        m = re.match(r"(\w+):\s+(\d+)", line)
        if m:
            meminfo[m.group(1)] = int(m.group(2))
    facts["meminfo"] = {k: meminfo[k] for k in ("MemTotal", "MemFree", "HighTotal", "LowTotal",
                                                 "CmaTotal", "CmaFree") if k in meminfo}
    blocks = {}
    pti = sec.get("pagetypeinfo", [])
    header = None
    for line in pti:
        if line.startswith("Number of blocks type"):
            header = line.split()[4:]
        elif header and line.startswith("Node"):
            parts = line.split()
            blocks[parts[3]] = dict(zip(header, map(int, parts[4:])))
    facts["pageblocks"] = blocks
    facts["buddyinfo"] = sec.get("buddyinfo", [])
    zones = {}
    cur = None
    for line in sec.get("zoneinfo", []):
        m = re.match(r"Node 0, zone\s+(\w+)", line)
        if m:
            cur = zones.setdefault(m.group(1), {})
            continue
        m = re.match(r"\s+(spanned|present|managed|cma|nr_free_cma|nr_free_pages)\s+(\d+)", line)
        if cur is not None and m:
            cur.setdefault(m.group(1), int(m.group(2)))
        m = re.match(r"\s+start_pfn:\s+(\d+)", line)
        if cur is not None and m:
            cur["start_pfn"] = int(m.group(1))
    facts["zones"] = zones

    def ranges(secname):
        out = []
        for line in sec.get(secname, []):
            m = re.match(r"\s*\d+: 0x([0-9a-f]+)\.\.0x([0-9a-f]+)", line)
            if m:
                out.append([int(m.group(1), 16), int(m.group(2), 16)])
        return out

    facts["memblock_memory"] = ranges("memblock_memory")
    facts["memblock_reserved"] = ranges("memblock_reserved")
    facts["iomem_system_ram"] = [line.strip() for line in sec.get("iomem", [])
                                 if line.endswith(": System RAM")]
    probe = []
    for key in sec:
        if key.startswith("insmod"):
            for line in sec[key]:
                line = strip_ts(line)
                if line.startswith("cmaprobe: ") and re.search(r"cma_alloc |cma_release |dma_alloc_coherent|"
                                                               r"dma_free_coherent|initial |default_area|"
                                                               r"after_\w+ area=\S+ (base_pfn|set_runs)", line):
                    probe.append(line)
    # the insmod section repeats the kernel's lines at the end: keep each once, in order
    seen = set()
    facts["cmaprobe"] = [x for x in probe if not (x in seen or seen.add(x))]
    facts["trace"] = [line.strip() for line in sec.get("trace", []) if "cma_" in line]
    return name, facts


def main(argv):
    samples = pathlib.Path(argv[1]) if len(argv) > 1 else DEFAULT_SAMPLES
    out = pathlib.Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    data = {"source": "shared/oracle/samples (Debian linux-image-6.1.0-50-armmp 6.1.176-1 under QEMU 7.2)",
            "samples": {}}
    for path in sorted(samples.glob("*.log")):
        name, facts = extract(path)
        data["samples"][name] = facts
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{out}: {len(data['samples'])} samples")


if __name__ == "__main__":
    main(sys.argv)
