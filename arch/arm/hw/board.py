# SPDX-License-Identifier: GPL-2.0-only
"""Simulated: a board — its hardware, and what its bootloader hands to the kernel.

A ``Board`` is the device tree the firmware holds (the hardware description), the RAM
that is really there, and the bootloader's settings: the command line it writes into
``/chosen/bootargs``, an initramfs it loads, where it puts the kernel and the blob.
``handover()`` does what QEMU's ``-kernel`` loader and U-Boot do before jumping to the
kernel: patch the blob (``/memory`` to match the RAM, ``/chosen``), copy it and the
initrd into RAM, and give the kernel the blob's physical address (``r2``).

Placement follows QEMU's ARM loader: the kernel at RAM base + 0x8000, the initrd at
RAM base + min(RAM/2, 128 MiB), the blob on the next 4 KiB boundary after the initrd.

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
    ac = root.get_u32s("#address-cells")
    sc = root.get_u32s("#size-cells")
    # drivers/of/fdt.c defaults when the root does not say (OF_ROOT_NODE_*_CELLS_DEFAULT)
    return (ac[0] if ac else 1), (sc[0] if sc else 1)


def _memory_nodes(root):
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
    _tree: object = attrs.field(default=None, init=False, repr=False)

    def tree(self):
        """Simulated: the firmware's device tree, parsed (cached)."""
        if self._tree is None:
            self._tree = fdt_image.parse_dtb(self.dtb, self.source)
        return self._tree

    def dt_ram(self):
        """Simulated: the RAM banks the firmware's ``/memory`` nodes describe."""
        root, _ = self.tree()
        ac, sc = _root_cells(root)
        banks = []
        for node in _memory_nodes(root):
            reg = node.get_u32s("reg") or []
            for i in range(len(reg) // (ac + sc)):
                chunk = reg[i * (ac + sc):(i + 1) * (ac + sc)]
                base = fdt_image.cells(chunk[:ac], ac)[0]
                size = fdt_image.cells(chunk[ac:], sc)[0]
                if size:
                    banks.append((base, size))
        return banks

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
        if not banks:
            raise BoardError(self.source, "the board has no RAM (no /memory node and no --mem)")
        for base, size in banks:
            if size <= 0:
                raise BoardError(self.source, f"RAM bank at {base:#x} has size {size}")
            if base + size > PHYS_LIMIT:
                raise BoardError(self.source,
                                 f"RAM {base:#x}+{size:#x} ends at {base + size:#x}, above the 32-bit "
                                 f"physical address space (the model has no LPAE)")
        for (b1, s1), (b2, s2) in zip(sorted(banks), sorted(banks)[1:]):
            if b1 + s1 > b2:
                raise BoardError(self.source, f"RAM banks {b1:#x}+{s1:#x} and {b2:#x}+{s2:#x} overlap")
        regions = sorted(tuple(r) for r in self.device_memory)
        for base, size, name in regions:
            if size <= 0 or base < 0 or base + size > PHYS_LIMIT:
                raise BoardError(self.source, f"device memory {name!r} at {base:#x}+{size:#x} does "
                                 f"not fit the 32-bit physical address space")
            for b, s in banks:
                if base < b + s and b < base + size:
                    raise BoardError(self.source, f"device memory {name!r} at {base:#x}+{size:#x} "
                                     f"overlaps RAM {b:#x}+{s:#x}")
        for (b1, s1, n1), (b2, s2, n2) in zip(regions, regions[1:]):
            if b1 + s1 > b2:
                raise BoardError(self.source, f"device memory {n1!r} and {n2!r} overlap")
        if self.initrd_size:
            start, size = self._initrd_place()
            if not any(b <= start and start + size <= b + s for b, s in banks):
                raise BoardError(self.source, f"initrd {start:#x}+{size:#x} does not fit in RAM")
            k0, k1 = self.kernel_phys(), self.kernel_phys() + 16 * SZ_1M
            if start < k1 and k0 < start + size:
                raise BoardError(self.source, f"initrd {start:#x}+{size:#x} overlaps the kernel "
                                 f"image loaded at {k0:#x}")

    def ram_base(self):
        return min(b for b, _ in self.ram_banks())

    def kernel_phys(self):
        return self.ram_base() + KERNEL_TEXT_OFFSET

    def _initrd_place(self):
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
        base, size0 = min(banks)
        dtb_phys = base + min(size0 // 2, 128 * SZ_1M)
        if self.initrd_size:
            dtb_phys = (initrd_start + self.initrd_size + 0xFFF) & ~0xFFF
        if not physmem.is_ram(dtb_phys, len(blob)):
            raise BoardError(self.source, f"the device tree blob ({len(blob)} bytes) does not fit "
                             f"in RAM at {dtb_phys:#x}")
        physmem.write(dtb_phys, blob)
        return Handover(blob, dtb_phys, self.kernel_phys(), initrd_start, self.initrd_size)


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


# Model-only: the built-in boards by name (the CLI's --board).
BOARDS = {"vexpress-a9": default_board, "virt": virt_board}
