# SPDX-License-Identifier: GPL-2.0-only
"""Real device trees: every Debian armhf DTB with ``/reserved-memory`` boots to the end.

The DTBs come from Debian's ``linux-image-6.1.0-*-armmp`` (``tools/fetch_debian_dtbs.sh``,
or ``$CMAPORT_DTB_DIR``); the list of those with ``/reserved-memory`` is the oracle's
(tests/data/oracle/dtbs-with-reserved-memory.txt). Without the DTBs the test skips.

Every DTB is booted to the end (mem_init, the initcalls, device creation, the drivers'
probes): all 214 take ~78 s of CPU here, against ~69 s to the end of setup_arch (most of
the time goes to reading the blob), so no subset is needed. Errors of the device stage
that v4.9 prints for a tree are listed in ``DEVICE_ERRORS`` with the reason.

The kernel is built without CONFIG_HIGHMEM (multi_v7_defconfig has it): the predictions
below are for lowmem, and with HIGHMEM v4.9 cannot boot a DTB whose no-map region ends RAM
(the HighMem zone size wraps and memmap_init_zone overruns mem_map: v4.9-vs-v6.1 §15.2,
tests/mm/test_zone_sizing.py).

For each DTB the board gets the RAM of the DTB's ``/memory`` (below 4 GiB: the model has
no LPAE), or 512 MiB at the memory node's unit address / below the lowest static region
when the DTB leaves the size to the bootloader (``RAM_FACTS`` where that would be wrong).
The bootloader rewrites ``/memory`` to match, as QEMU and U-Boot do. Static no-map regions
outside that RAM are the board's device memory (video SRAM and the like:
``nomap_device_memory``), as the built-in vexpress board has its video SRAM, so the pools
drivers bind there at probe time have bytes behind them.

What v4.9's rules predict, computed here from the firmware-side parser
(arch/arm/hw/fdt_image.py) without the kernel's code:

* the first depth-1 node named ``reserved-memory`` is used if its cells equal the root's
  and it has ``ranges`` (else ``unsupported node format``); all its descendants (v4.9:
  grandchildren too) with no ``status`` or ``okay``/``ok`` are regions;
* every ``reg`` tuple (cut to 32-bit ``phys_addr_t``) of a static region is removed from
  ``memblock.memory`` (``no-map``) or added to ``memblock.reserved``;
* a static ``shared-dma-pool`` that is ``no-map`` and not ``reusable`` becomes a DMA pool
  (``Reserved memory: created DMA memory pool …`` + ``initialized node …``), one that is
  neither is refused with ``regions without no-map are not yet supported``;
* the error lines are only the predicted ones.

* a static ``shared-dma-pool`` that is ``reusable`` and not ``no-map`` becomes a CMA pool
  (``Reserved memory: created CMA memory pool …`` + ``initialized node …``) when base and
  size are 8 MiB aligned (MAX_ORDER 12), else ``incorrect alignment of CMA region``; a
  dynamic one may fail that way too (its size is not rounded);
* the 64 MiB default CMA area (multi_v7_defconfig's CONFIG_CMA_SIZE_MBYTES) is placed
  top-down at 8 MiB alignment in lowmem: ``cma: Failed to reserve 64 MiB`` is expected when
  no such window is free of the kernel image, the blob (at RAM + min(RAM/2, 128 MiB)) and the
  static regions, and allowed when dynamic regions could have taken the room.
"""

import re

import attrs
import pytest

from cmaport.arch.arm.hw.board import Board
from cmaport.arch.arm.hw.fdt_image import cells, parse_dtb
from cmaport.kernel.config import KernelConfig
from cmaport.kernel.machine import Machine

U32 = 0xFFFFFFFF
SZ_1M = 1 << 20
LIMIT = 1 << 32
MAX_RESERVED_REGIONS = 16

pytestmark = pytest.mark.slow


@attrs.define
class Prediction:
    """What v4.9 does with one DTB's /reserved-memory."""

    nomap: list = attrs.Factory(list)  # (base, size) removed from memory
    reserved: list = attrs.Factory(list)  # (base, size) in memblock.reserved
    errors: list = attrs.Factory(list)  # error records that must appear
    optional_errors: list = attrs.Factory(list)  # error records that may appear
    info: list = attrs.Factory(list)  # info records that must appear
    overlap: bool = False
    dynamic: bool = False  # some region is allocated at boot (placement not predicted)
    cma_default: bool = False  # a node asks to be the default CMA area


def _cells(node, name, default):
    v = node.get_u32s(name)
    return v[0] if v else default


def _first(node, name):
    v = node.get_u32s(name)
    return v[0] if v else None


def predict(root):
    """v4.9's treatment of /reserved-memory (see the module docstring)."""
    p = Prediction()
    ac = _cells(root, "#address-cells", 1)
    sc = _cells(root, "#size-cells", 1)
    rm = next((c for c in root.children if c.name == "reserved-memory"), None)
    if rm is None:
        return p
    if (_first(rm, "#size-cells") != sc or _first(rm, "#address-cells") != ac
            or "ranges" not in rm.props):
        p.errors.append("OF: fdt:Reserved memory: unsupported node format, ignoring")
        return p

    tlen = (ac + sc) * 4
    saved = []  # (node, base, size, static)
    for n, _ in rm.walk():
        if n is rm:
            continue
        status = n.get_str("status")
        if status is not None and status not in ("okay", "ok"):
            continue
        uname = n.name
        reg = n.props.get("reg")
        if reg is None:
            if "size" in n.props:
                saved.append((n, 0, 0, False))
            continue
        if len(reg) and len(reg) % tlen:
            p.errors.append(f"OF: fdt:Reserved memory: invalid reg property in '{uname}', skipping node.")
            continue
        nums = cells(list(n.get_u32s("reg")), 1)
        first = True
        for i in range(len(reg) // tlen):
            base = cells(nums[i * (ac + sc):i * (ac + sc) + ac], ac)[0] & U32
            size = cells(nums[i * (ac + sc) + ac:(i + 1) * (ac + sc)], sc)[0] & U32
            if size:
                size = min(size, LIMIT - base)  # memblock_cap_size()
                (p.nomap if "no-map" in n.props else p.reserved).append((base, size))
            if first:
                saved.append((n, base, size, True))
                first = False

    if len(saved) > MAX_RESERVED_REGIONS:
        p.errors += ["OF: reserved mem: not enough space all defined regions."] * (
            len(saved) - MAX_RESERVED_REGIONS)
        saved = saved[:MAX_RESERVED_REGIONS]

    static = sorted((b, s) for _, b, s, st in saved if st and b)
    p.overlap = any(b1 + s1 > b2 for (b1, s1), (b2, _) in zip(static, static[1:]))

    for n, base, size, is_static in saved:
        compat = n.get_strs("compatible")
        dma_pool = "shared-dma-pool" in compat and "reusable" not in n.props
        cma_pool = "shared-dma-pool" in compat and "reusable" in n.props and "no-map" not in n.props
        if "linux,cma-default" in n.props:
            p.cma_default = True
        if not is_static or not size:
            p.dynamic = True
            if cma_pool:
                p.optional_errors.append("Reserved memory: incorrect alignment of CMA region")
            # dynamic: the size/alignment/alloc-ranges checks, then maybe a pool
            if n.props.get("size") is not None and len(n.props["size"]) != sc * 4:
                p.errors.append(f"OF: reserved mem: invalid size property in '{n.name}' node.")
                continue
            if "alignment" in n.props and len(n.props["alignment"]) != ac * 4:
                p.errors.append(f"OF: reserved mem: invalid alignment property in '{n.name}' node.")
                continue
            if "alloc-ranges" in n.props and len(n.props["alloc-ranges"]) % tlen:
                p.errors.append(f"OF: reserved mem: invalid alloc-ranges property in '{n.name}', "
                                "skipping node.")
                continue
            if dma_pool and "no-map" not in n.props:
                p.optional_errors.append("Reserved memory: regions without no-map are not yet supported")
            continue
        if cma_pool:
            if (base | size) & (8 * SZ_1M - 1):
                p.errors.append("Reserved memory: incorrect alignment of CMA region")
            else:
                p.info.append("Reserved memory: created CMA memory pool at 0x%08x, size %d MiB"
                              % (base, size // SZ_1M))
                p.info.append(f"OF: reserved mem: initialized node {n.name}, compatible id "
                              "shared-dma-pool")
        if dma_pool:
            if "no-map" in n.props:
                p.info.append("Reserved memory: created DMA memory pool at 0x%08x, size %d MiB"
                              % (base, size // SZ_1M))
                p.info.append(f"OF: reserved mem: initialized node {n.name}, compatible id "
                              "shared-dma-pool")
            else:
                p.errors.append("Reserved memory: regions without no-map are not yet supported")
    return p


# RAM for trees whose /memory is left to the bootloader and whose regions do not say where
# it is: {DTB: (why, banks)}
RAM_FACTS = {
    "rk3288-rock-pi-n8.dtb": (
        "RK3288's DRAM starts at 0 (U-Boot fills in /memory); its one region, the 16 MiB "
        "dma-unusable@fe000000, marks the top of a 4 GiB map, and 512 MiB below it would "
        "cover the SoC's device windows (0xff000000 up)", [(0, 512 * SZ_1M)]),
}


def corpus_board(name, blob):
    """A board for a Debian DTB: its RAM below 4 GiB, or a sensible default."""
    b = Board(name, blob, source=name)
    banks = []
    if name in RAM_FACTS:
        banks = RAM_FACTS[name][1]
    for base, size in b.dt_ram() if not banks else ():
        if base < LIMIT and size:
            banks.append((base, min(size, LIMIT - base)))
    if not banks:
        root, _ = parse_dtb(blob)
        bases = [int(c.name.split("@")[1], 16) for c in root.children
                 if c.name.startswith("memory@") and c.name.split("@")[1]]
        bases = [x for x in bases if x < LIMIT - 512 * SZ_1M]
        if not bases:
            # below the lowest static region (kept inside the 32-bit space)
            p = predict(root)
            low = min((r for r in p.nomap + p.reserved), default=(0x80000000, 0))[0]
            bases = [min(low & ~(256 * SZ_1M - 1), LIMIT - 512 * SZ_1M)]
        banks = [(bases[0], 512 * SZ_1M)]
    return Board(name, blob, ram=banks, source=name,
                 device_memory=nomap_device_memory(parse_dtb(blob)[0], banks))


def nomap_device_memory(root, banks):
    """The on-board memory the tree describes as static no-map regions outside the RAM.

    Such a region is device memory (video SRAM, an on-chip buffer): a driver's DMA pool
    there is memremap()ed and written at probe, so the board must have bytes there, as the
    built-in vexpress board has its video SRAM. The parts outside RAM, merged.
    """
    pieces = []
    for base, size in predict(root).nomap:
        end = min(base + size, LIMIT)
        cuts = [(base, end)]
        for rb, rs in sorted(banks):
            cuts = [c for lo, hi in cuts
                    for c in ((lo, min(hi, rb)), (max(lo, rb + rs), hi)) if c[0] < c[1]]
        pieces += cuts
    merged = []
    for lo, hi in sorted(pieces):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi - lo, "no-map region at %#x" % lo) for lo, hi in merged]


def default_area_fits(board, blob, p):
    """Is there an 8 MiB-aligned 64 MiB window in lowmem free of the known reservations?"""
    base, size = min(board.ram_banks())
    end = min(base + size, base + 768 * SZ_1M)  # lowmem without HIGHMEM (vmalloc 240 MiB)
    dtb = base + min(size // 2, 128 * SZ_1M)
    # the model's kernel image (_stext.._end) and the blob, then the static regions
    taken = [(base + SZ_1M, 0xAE8000), (dtb, len(blob) + 0x1000)] + p.reserved + p.nomap
    win = (end - 64 * SZ_1M) & ~(8 * SZ_1M - 1)
    while win >= base:
        if not _intersects(taken, win, 64 * SZ_1M):
            return True
        win -= 8 * SZ_1M
    return False


def _intersects(ranges, base, size):
    return any(b < base + size and base < b + s for b, s in ranges)


def _covered(ranges, base, size):
    """[base, base + size) lies inside the union of ``ranges`` (merged memblock regions)."""
    pos = base
    for b, s in sorted(ranges):
        if b <= pos < b + s:
            pos = b + s
        if pos >= base + size:
            return True
    return pos >= base + size


# Errors of the device-creation stage (after setup_arch) that v4.9 prints for these trees:
# {DTB: [(why, regular expression of the line)]}
_CORESIGHT = ("the CoreSight components (etb, tpiu, funnel, ptm/etm) are AMBA devices whose "
              "peripheral ID is read from the hardware; there is none (QEMU reads 0), so "
              "amba_device_add() returns -ENODEV",
              r"OF: amba_device_add\(\) failed \(-19\) for /(etb|tpiu|funnel|ptm|etm)@")
_MB_RANGES = ("6.1's tree maps the motherboard's chip selects (0x1c000000 for CS3) outside the "
              "0x18000000-byte range of its parent bus@8000000, so the IO FPGA's devices have "
              "no CPU address (OF_BAD_ADDR): of_address_to_resource() returns -EINVAL",
              r"OF: amba: of_address_to_resource\(\) failed \(-22\) for /bus@8000000/")
DEVICE_ERRORS = {
    "vexpress-v2p-ca15_a7.dtb": [_CORESIGHT],
    "vexpress-v2p-ca5s.dtb": [_MB_RANGES],
}


def test_debian_dtb_boots_with_v49_reserved_memory(corpus_dtb):
    if corpus_dtb is None:
        pytest.skip("Debian's armhf kernel DTBs are not present: run tools/fetch_debian_dtbs.sh "
                    "(or set CMAPORT_DTB_DIR)")
    from cmaport.mm.memblock import for_each_memblock

    directory, name = corpus_dtb
    blob = (directory / name).read_bytes()
    root, _ = parse_dtb(blob)
    want = predict(root)

    cfg = KernelConfig()
    cfg.set_assignment("CONFIG_HIGHMEM=n")  # see the module docstring
    m = Machine(board=corpus_board(name, blob), config=cfg, cmdline="")
    m.boot()  # the whole boot: any exception (KernelPanic, KernelBug) fails the test

    with m:
        memory = [(r.base, r.size) for r in for_each_memblock("memory")]
        reserved = [(r.base, r.size) for r in for_each_memblock("reserved")]
    for base, size in want.nomap:
        assert not _intersects(memory, base, size), f"no-map {base:#x}+{size:#x} still in memory"
    for base, size in want.reserved:
        assert _covered(reserved, base, size), f"{base:#x}+{size:#x} not in memblock.reserved"

    failed = "cma: Failed to reserve 64 MiB"
    if not want.cma_default:
        if not default_area_fits(m.board, blob, want):
            want.errors.append(failed)
        elif want.dynamic:
            want.optional_errors.append(failed)
    else:
        want.optional_errors.append(failed)

    records = [r.text for r in m.log.records]
    for line in want.info:
        assert line in records
    errors = [r.text for r in m.log.records if r.level <= 3]
    for line in want.errors:
        assert line in errors
        errors.remove(line)
    for line in want.optional_errors:
        if line in errors:
            errors.remove(line)
    if want.overlap:
        errors = [e for e in errors if not e.startswith("OF: reserved mem: OVERLAP DETECTED!\n")]
    for why, pattern in DEVICE_ERRORS.get(name, ()):
        assert any(re.match(pattern, e) for e in errors), why
        errors = [e for e in errors if not re.match(pattern, e)]
    assert errors == [], f"unexpected error lines: {errors}"


def test_corpus_list_is_the_oracles(dt):
    """The list the corpus test walks is the oracle's, copied verbatim (214 DTBs, 435 nodes)."""
    text = (dt.ORACLE / "dtbs-with-reserved-memory.txt").read_text()
    assert text.splitlines()[0].startswith("# DTBs in linux-image-6.1.0-50-armmp with a "
                                           "/reserved-memory node: 214 of 898; child nodes: 435")
    entries = dt.corpus_entries()
    assert len(entries) == 214 and sum(len(v) for v in entries.values()) == 435


def test_nomap_regions_outside_ram_become_device_memory(dt):
    """The parts of static no-map regions outside RAM, merged; reserved (mapped) regions and
    no-map regions inside RAM add nothing."""
    root = dt.tree()  # RAM 0x60000000 + 256 MiB
    rm = root.find("/reserved-memory")
    rm.add(dt.node("vram@4c000000", reg=dt.u32s(0x4C000000, 0x800000), no_map=b""))
    rm.add(dt.node("more@4c400000", reg=dt.u32s(0x4C400000, 0x800000), no_map=b""))
    rm.add(dt.node("edge@6ff00000", reg=dt.u32s(0x6FF00000, 0x200000), no_map=b""))
    rm.add(dt.node("inside@61000000", reg=dt.u32s(0x61000000, 0x100000), no_map=b""))
    rm.add(dt.node("mapped@40000000", reg=dt.u32s(0x40000000, 0x100000)))
    tree, _ = parse_dtb(dt.build_dtb(root))
    assert nomap_device_memory(tree, [(dt.RAM, dt.RAM_SIZE)]) == [
        (0x4C000000, 0xC00000, "no-map region at 0x4c000000"),
        (0x70000000, 0x100000, "no-map region at 0x70000000"),
    ]
