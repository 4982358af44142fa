# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: a board — its hardware, and what its bootloader hands to the kernel.

A ``Board`` is the device tree the firmware holds (the hardware description), the RAM
that is really there, and the bootloader's settings: the command line it writes into
``/chosen/bootargs``, an initramfs it loads, where it puts the kernel and the blob.
``handover()`` does what QEMU's ``-kernel`` loader and U-Boot do before jumping to the
kernel: patch the blob (``/memory`` to match the RAM, ``/chosen``), copy it and the
initrd into RAM, and give the kernel the blob's physical address (``r2``).

Placement follows QEMU's ARM loader: the kernel at RAM base + 0x8000, the initrd at
RAM base + min(RAM/2, 128 MiB), the blob on the next 4 KiB boundary after the initrd (at
RAM base + min(RAM/2, 128 MiB) when there is none).

A board booting a user's device tree (``board_with_tree``) takes the rest of its hardware
(the CPU, the device memory, the bootloader's command line) from a built-in board: the one
named, or the one whose root ``compatible`` the tree carries.

Every check here runs before anything is built, so a bad board changes nothing.
"""

import importlib.resources

import attrs

from cmaport.arch.arm.hw import fdt_image
from cmaport.arch.arm.hw.cp15 import CP15
from cmaport.arch.arm.hw.physmem import PhysicalMemory
from cmaport.kernel.errors import BoardError

SZ_1M = 1 << 20
PHYS_LIMIT = 1 << 32  # no LPAE: the physical address space is 32-bit
KERNEL_TEXT_OFFSET = 0x8000  # where QEMU/U-Boot put a zImage's decompressed image
# Where the modelled kernel image ends, from the start of RAM: ``_end - PAGE_OFFSET`` of the
# default image of arch/arm/kernel/vmlinux_lds.py (KernelImage, CONFIG_DEBUG_RODATA's 1 MiB
# section alignment). The hardware layer imports nothing of the kernel, so the number is
# kept here; tests/arm/test_early_boot.py checks it against the linker symbols.
KERNEL_IMAGE_END = 0xBE8000
# v4.9's __fixup_pv_table (arch/arm/kernel/head.S) needs PHYS_OFFSET - PAGE_OFFSET to be a
# multiple of 16 MiB (one rotated 8-bit immediate); it branches to __error (a silent hang)
# otherwise. PHYS_OFFSET is the start of RAM here (the kernel is loaded at RAM + TEXT_OFFSET).
PHYS_OFFSET_ALIGN = 16 * SZ_1M


@attrs.define
class Handover:
    """Simulated: the state of the machine when the bootloader jumps to the kernel."""

    dtb: bytes  # the patched blob, as written to RAM
    dtb_phys: int  # r2: its physical address
    kernel_phys: int  # where the kernel image starts (PHYS_OFFSET + TEXT_OFFSET)
    initrd_start: int  # 0 when there is no initrd
    initrd_size: int


@attrs.define
class Hardware:
    """Simulated: the hardware of one machine (grows as the model grows)."""

    physmem: PhysicalMemory
    cpus: list = attrs.Factory(lambda: [CP15(0)])  # cp15 of each core; core 0 boots


def _root_cells(root):
    """Simulated: the root node's ``(#address-cells, #size-cells)``."""
    ac = root.get_u32s("#address-cells")
    sc = root.get_u32s("#size-cells")
    # drivers/of/fdt.c defaults when the root does not say (OF_ROOT_NODE_*_CELLS_DEFAULT)
    return (ac[0] if ac else 1), (sc[0] if sc else 1)


def _memory_nodes(root):
    """Simulated: the root's memory nodes (``device_type = "memory"``, ``memory``, ``memory@…``)."""
    return [n for n in root.children
            if n.get_str("device_type") == "memory" or n.name == "memory" or n.name.startswith("memory@")]


@attrs.define
class Board:
    """Simulated: one board and its bootloader settings.

    :param name: short name (``vexpress-a9``)
    :param dtb: the firmware's device tree blob
    :param ram: RAM banks ``[(base, size)]``; ``None`` takes them from the blob's ``/memory``
    :param bootargs: the command line the bootloader writes; ``None`` keeps the blob's
    :param initrd_size: bytes of initramfs the bootloader loads (0: none)
    :param initrd_addr: where it loads it (``None``: QEMU's choice)
    :param cpu: keyword arguments for each core's ``CP15`` (the CPU's identification)
    :param device_memory: on-board device memory (SRAM) ``[(base, size, name)]``: not RAM
        (not in ``/memory``), but reads and writes there reach real bytes
    :param ram_source: the input that gave ``ram`` (``--mem``), named by errors about the
        RAM (``None``: ``source``)
    :param initrd_source: the input that asked for the initrd (``--initrd``), named by
        errors about its placement (``None``: ``source``)
    """

    name: str
    dtb: bytes
    ram: list = None
    bootargs: str = None
    initrd_size: int = 0
    initrd_addr: int = None
    source: str = "<built-in>"
    ncpus: int = 1
    cpu: dict = attrs.Factory(dict)
    device_memory: list = attrs.Factory(list)
    ram_source: str = None
    initrd_source: str = None
    _tree: object = attrs.field(default=None, init=False, repr=False)

    def tree(self):
        """Simulated: the firmware's device tree, parsed (cached)."""
        if self._tree is None:
            self._tree = fdt_image.parse_dtb(self.dtb, self.source)
        return self._tree

    def _dt_tuples(self):
        """Simulated: the ``(base, size)`` tuples of the firmware's ``/memory`` nodes, as written."""
        root, _ = self.tree()
        ac, sc = _root_cells(root)
        if ac + sc == 0:
            # Model: tuples of no cells cannot be read; the kernel's own scan reports the
            # cell counts (drivers/of/fdt.py: _cells_unusable)
            return []
        out = []
        for node in _memory_nodes(root):
            reg = node.get_u32s("reg") or []
            for i in range(len(reg) // (ac + sc)):
                chunk = reg[i * (ac + sc):(i + 1) * (ac + sc)]
                base = fdt_image.cells(chunk[:ac], ac)[0] if ac else 0
                size = fdt_image.cells(chunk[ac:], sc)[0] if sc else 0
                out.append((base, size))
        return out

    def dt_ram(self):
        """Simulated: the RAM banks the firmware's ``/memory`` nodes describe.

        RAM at or above 4 GiB is on the board, but a CPU without LPAE cannot reach it, so
        the banks stop there; the kernel's own scan reports it ("Ignoring memory ...").
        """
        banks = []
        for base, size in self._dt_tuples():
            size = min(size, max(PHYS_LIMIT - base, 0))
            if size:
                banks.append((base, size))
        return banks

    def _no_ram_reason(self):
        """Simulated: why the firmware's tree gives no RAM (for the error message)."""
        root, _ = self.tree()
        ac, sc = _root_cells(root)
        nodes = _memory_nodes(root)
        if not nodes:
            return "the device tree has no /memory node"
        if ac + sc == 0 or not sc:
            return (f"its /memory cannot be read with the root's #address-cells = <{ac}> and "
                    f"#size-cells = <{sc}>")
        plural = ("s", "") if len(nodes) > 1 else ("", "s")
        if any(size for _, size in self._dt_tuples()):
            return ("its /memory node%s describe%s RAM only at or above 4 GiB, which a CPU "
                    "without LPAE cannot reach" % plural)
        return ("its /memory node%s describe%s no RAM (no reg tuple with a non-zero size)"
                % plural)

    def ram_banks(self):
        """Simulated: the RAM that is really there (the override, else the blob's)."""
        return list(self.ram) if self.ram is not None else self.dt_ram()

    def validate(self):
        """Simulated: refuse a board that cannot exist (before anything is built).

        The bootloader must be able to read the blob to patch it, so an unreadable blob
        is refused here, naming the file and the offset; a blob that the bootloader can
        read but the kernel dislikes is the kernel's business (it gets the kernel's lines).
        """
        self.tree()
        banks = self.ram_banks()
        ram_src = self.ram_source or self.source
        if not banks:
            raise BoardError(self.source, f"the board has no RAM: {self._no_ram_reason()}, and "
                             "no --mem gives it")
        for base, size in banks:
            if size <= 0:
                raise BoardError(ram_src, f"RAM bank at {base:#x} has size {size}")
            if base < 0 or base + size > PHYS_LIMIT:
                raise BoardError(ram_src,
                                 f"RAM {base:#x}+{size:#x} ends at {base + size:#x}, above the 32-bit "
                                 f"physical address space (the model has no LPAE)")
        for (b1, s1), (b2, s2) in zip(sorted(banks), sorted(banks)[1:]):
            if b1 + s1 > b2:
                raise BoardError(ram_src, f"RAM banks {b1:#x}+{s1:#x} and {b2:#x}+{s2:#x} overlap")
        base, size0 = min(banks)
        if base % PHYS_OFFSET_ALIGN:
            raise BoardError(ram_src, f"RAM starts at {base:#x}, which is not 16 MiB aligned: the "
                             "kernel is loaded at RAM + 0x8000 and v4.9's __fixup_pv_table "
                             "(head.S) stops the boot unless PHYS_OFFSET is a multiple of 16 MiB")
        k0, k1 = self.kernel_phys(), self.kernel_end()
        if k1 > base + size0:
            raise BoardError(ram_src, f"{_mib(size0)} of RAM at {base:#x} cannot hold the kernel "
                             f"image, loaded at {k0:#x} and ending at {k1:#x} "
                             f"({_mib(KERNEL_IMAGE_END)} from the start of RAM)")
        dtb = self._dtb_place()
        if not self.initrd_size and dtb < k1 and k0 < dtb + len(self.dtb):
            raise BoardError(ram_src, f"{_mib(size0)} of RAM is too small: the bootloader puts the "
                             f"device tree at {dtb:#x} (RAM base + min(RAM/2, 128 MiB)), inside "
                             f"the kernel image ({k0:#x}-{k1 - 1:#x}); give at least "
                             f"{_mib(_min_ram_for_dtb())}")
        regions = sorted(tuple(r) for r in self.device_memory)
        for base, size, name in regions:
            if size <= 0 or base < 0 or base + size > PHYS_LIMIT:
                raise BoardError(self.source, f"device memory {name!r} at {base:#x}+{size:#x} does "
                                 f"not fit the 32-bit physical address space")
            for b, s in banks:
                if base < b + s and b < base + size:
                    raise BoardError(ram_src, f"device memory {name!r} at {base:#x}+{size:#x} "
                                     f"overlaps RAM {b:#x}+{s:#x}")
        for (b1, s1, n1), (b2, s2, n2) in zip(regions, regions[1:]):
            if b1 + s1 > b2:
                raise BoardError(self.source, f"device memory {n1!r} and {n2!r} overlap")
        if self.initrd_size:
            initrd_src = self.initrd_source or self.source
            start, size = self._initrd_place()
            if not any(b <= start and start + size <= b + s for b, s in banks):
                raise BoardError(initrd_src, f"initrd {start:#x}+{size:#x} does not fit in RAM")
            if start < k1 and k0 < start + size:
                raise BoardError(initrd_src, f"initrd {start:#x}+{size:#x} overlaps the kernel "
                                 f"image loaded at {k0:#x}")
            if not any(b <= dtb and dtb + len(self.dtb) <= b + s for b, s in banks):
                raise BoardError(initrd_src, f"the bootloader puts the device tree after the "
                                 f"initrd, at {dtb:#x}, and it does not fit in RAM there")
            if dtb < k1 and k0 < dtb + len(self.dtb):
                raise BoardError(initrd_src, f"the bootloader puts the device tree after the "
                                 f"initrd, at {dtb:#x}, inside the kernel image "
                                 f"({k0:#x}-{k1 - 1:#x})")

    def ram_base(self):
        """Simulated: the base address of the lowest RAM bank."""
        return min(b for b, _ in self.ram_banks())

    def kernel_phys(self):
        """Simulated: where the loader puts the kernel (RAM base + ``KERNEL_TEXT_OFFSET``)."""
        return self.ram_base() + KERNEL_TEXT_OFFSET

    def kernel_end(self):
        """Simulated: the end of the kernel image in RAM (``_end`` as a physical address)."""
        return self.ram_base() + KERNEL_IMAGE_END

    def _dtb_place(self):
        """Simulated: where QEMU's loader puts the blob (after the initrd, if there is one)."""
        base, size0 = min(self.ram_banks())
        if self.initrd_size:
            start, size = self._initrd_place()
            return (start + size + 0xFFF) & ~0xFFF
        return base + min(size0 // 2, 128 * SZ_1M)

    def _initrd_place(self):
        """Simulated: ``(address, size)`` of the initrd — as asked, else QEMU's place for it."""
        banks = self.ram_banks()
        base, size0 = min(banks)
        if self.initrd_addr is not None:
            return self.initrd_addr, self.initrd_size
        return base + min(size0 // 2, 128 * SZ_1M), self.initrd_size

    def build_hardware(self):
        """Simulated: the hardware of a machine built from this board."""
        self.validate()
        return Hardware(PhysicalMemory(self.ram_banks(), self.device_memory),
                        [CP15(i, **self.cpu) for i in range(self.ncpus)])

    def handover(self, physmem, cmdline=None):
        """Simulated: patch the blob, load it (and the initrd) into RAM; what r2 points at.

        :param cmdline: replaces the command line as a bootloader would (``None``: the
            board's ``bootargs``, else the blob's own ``/chosen/bootargs``)
        """
        root, rsv = fdt_image.parse_dtb(self.dtb, self.source)
        ac, sc = _root_cells(root)
        banks = self.ram_banks()
        if self.ram is not None:
            # QEMU and U-Boot rewrite /memory to describe the RAM that is there.
            for node in _memory_nodes(root):
                root.children.remove(node)
            base0 = min(banks)[0]
            mem = fdt_image.Node(f"memory@{base0:x}")
            mem.set_str("device_type", "memory")
            mem.set_cells("reg", [x for b, s in sorted(banks) for x in ((b, ac), (s, sc))])
            root.children.insert(0, mem)
            mem.parent = root
        chosen = root.ensure("/chosen")
        args = cmdline if cmdline is not None else self.bootargs
        if args is not None:
            chosen.set_str("bootargs", args)
        initrd_start = 0
        if self.initrd_size:
            initrd_start, _ = self._initrd_place()
            chosen.set_cells("linux,initrd-start", [(initrd_start, 1)])
            chosen.set_cells("linux,initrd-end", [(initrd_start + self.initrd_size, 1)])
        blob = fdt_image.build_dtb(root, rsv)
        dtb_phys = self._dtb_place()
        if not physmem.is_ram(dtb_phys, len(blob)):
            raise BoardError(self.source, f"the device tree blob ({len(blob)} bytes) does not fit "
                             f"in RAM at {dtb_phys:#x}")
        physmem.write(dtb_phys, blob)
        return Handover(blob, dtb_phys, self.kernel_phys(), initrd_start, self.initrd_size)


def _mib(n):
    """Simulated: a size for an error message — ``N MiB`` when whole, else hex bytes."""
    return f"{n // SZ_1M} MiB" if n % SZ_1M == 0 else f"{n:#x} bytes"


def _min_ram_for_dtb():
    """Simulated: the least RAM (in whole MiB) for which QEMU's blob lands above the image."""
    return (2 * KERNEL_IMAGE_END + SZ_1M - 1) // SZ_1M * SZ_1M


def builtin_dtb(name):
    """Simulated: a device tree blob shipped with the package (``arch/arm/boot/dts``)."""
    return importlib.resources.files("cmaport.arch.arm.boot.dts").joinpath(name).read_bytes()


# Model-only: the bootloader command line of the built-in board. memblock=debug makes
# the early boot show memblock's own dump with no arguments.
DEFAULT_BOOTARGS = "console=ttyAMA0 memblock=debug"

# Simulated: the V2M-P1 motherboard's video SRAM, 8 MiB at the start of static memory chip
# select 3 (the device tree's vram@4c000000 describes it for the CLCD).
VEXPRESS_VIDEO_SRAM = (0x4C000000, 8 * SZ_1M, "video SRAM")


def default_board(ram_size=None, bootargs=DEFAULT_BOOTARGS, **kw):
    """Simulated: the built-in board, an ARM Versatile Express V2P-CA9 with 1 GiB.

    It has the motherboard's 8 MiB of video SRAM at 0x4c000000 as device memory.

    :param ram_size: RAM at 0x60000000 in bytes (``None``: the 1 GiB of the device tree)
    """
    ram = None if ram_size is None else [(0x60000000, ram_size)]
    kw.setdefault("device_memory", [VEXPRESS_VIDEO_SRAM])
    return Board("vexpress-a9", builtin_dtb("vexpress-v2p-ca9.dtb"), ram=ram, bootargs=bootargs,
                 source="arch/arm/boot/dts/vexpress-v2p-ca9.dtb", **kw)


# Simulated: QEMU's cortex-a15 as the oracle reports it (MIDR 414fc0f0, a PIPT
# instruction cache).
CORTEX_A15 = dict(midr=0x414FC0F0, ctr=0x8444C004, ccsidr_d=0x701FE00A, ccsidr_i=0x201FE00A)


def virt_board(ram_size=512 * SZ_1M, bootargs="console=ttyAMA0", **kw):
    """Simulated: QEMU's ``virt`` machine (Cortex-A15, RAM at 0x40000000), the oracle's board.

    :param ram_size: RAM in bytes (QEMU's ``-m``); the bootloader rewrites ``/memory``
    """
    return Board("virt", builtin_dtb("virt-base.dtb"), ram=[(0x40000000, ram_size)],
                 bootargs=bootargs, source="arch/arm/boot/dts/virt-base.dtb", cpu=CORTEX_A15, **kw)


# Simulated: the motherboard video SRAM in the RS1 memory map (CS2), as the A15 tile sees it.
VEXPRESS_RS1_VIDEO_SRAM = (0x18000000, 8 * SZ_1M, "video SRAM")


def vexpress_a15_board(ram_size=None, bootargs=DEFAULT_BOOTARGS, **kw):
    """Simulated: an ARM Versatile Express V2P-CA15 (TC1, RS1 memory map) with 1 GiB at 0x80000000.

    QEMU's vexpress-a15 as the oracle boots it: Cortex-A15 (MIDR 414fc0f0), the video SRAM
    at 0x18000000 as device memory.

    :param ram_size: RAM at 0x80000000 in bytes (``None``: the 1 GiB of the device tree)
    """
    ram = None if ram_size is None else [(0x80000000, ram_size)]
    kw.setdefault("device_memory", [VEXPRESS_RS1_VIDEO_SRAM])
    return Board("vexpress-a15", builtin_dtb("vexpress-v2p-ca15-tc1.dtb"), ram=ram, bootargs=bootargs,
                 source="arch/arm/boot/dts/vexpress-v2p-ca15-tc1.dtb", cpu=CORTEX_A15, **kw)


# Model-only: the built-in boards by name (the CLI's --board).
BOARDS = {"vexpress-a9": default_board, "vexpress-a15": vexpress_a15_board, "virt": virt_board}

# Model-only: the root ``compatible`` string by which a device tree names a built-in board.
BOARD_COMPATIBLES = {"arm,vexpress,v2p-ca9": "vexpress-a9", "arm,vexpress,v2p-ca15,tc1": "vexpress-a15",
                     "linux,dummy-virt": "virt"}


def board_for_tree(root):
    """Simulated: the built-in board a parsed tree's root ``compatible`` names (or ``None``)."""
    for compatible in root.get_strs("compatible"):
        if compatible in BOARD_COMPATIBLES:
            return BOARD_COMPATIBLES[compatible]
    return None


def board_with_tree(blob, source, name=None, **kw):
    """Simulated: a board that boots the device tree ``blob`` (read from ``source``).

    The hardware — the CPU, the device memory, the bootloader's command line — is that of
    the built-in board ``name``, or, when ``name`` is ``None``, of the built-in board whose
    root ``compatible`` the tree carries (``BOARD_COMPATIBLES``). A tree that names none
    gets a generic board: the default CPU, no device memory, no command line of the
    bootloader's. The RAM is the tree's ``/memory`` (``ram=`` replaces it, as ``--mem``
    does); a tree with its own ``/chosen/bootargs`` keeps them.

    :raises DeviceTreeError: the blob cannot be read
    """
    root, _ = fdt_image.parse_dtb(blob, source)
    if name is None:
        name = board_for_tree(root)
    if name is None:
        return Board(source, blob, source=source, **kw)
    hw = BOARDS[name]()
    chosen = root.find("/chosen")
    bootargs = None if chosen is not None and "bootargs" in chosen.props else hw.bootargs
    return Board(name, blob, source=source, bootargs=bootargs, ncpus=hw.ncpus, cpu=dict(hw.cpu),
                 device_memory=list(hw.device_memory), **kw)
