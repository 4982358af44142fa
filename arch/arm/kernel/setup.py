# SPDX-License-Identifier: GPL-2.0-only
"""arch/arm/kernel/setup.c: ``setup_arch()`` and the early CPU and memory set-up.

In scope: the order of ``setup_arch`` (it decides when reserved memory and CMA are set
up), the processor identification lines, ``mem=`` and ``arm_add_memory``, the standard
resources (``System RAM`` with ``Kernel code``/``Kernel data`` in /proc/iomem), the
unflattening of the device tree and ``customize_machine``. Out of scope (no effect on
memory management): SMP bring-up, PSCI, reboot modes, crash kernel, hwcaps, Xen, EFI,
TCM.
"""

import attrs

from cmaport.arch.arm.include.asm.cputype import (MPIDR_HWID_BITMASK, get_cr, read_ccsidr,
                                                  read_cpuid_cachetype, read_cpuid_id,
                                                  read_cpuid_mpidr, set_csselr)
from cmaport.arch.arm.include.asm.memory import PHYS_OFFSET
from cmaport.arch.arm.include.asm.page import PAGE_ALIGN, PAGE_SIZE
from cmaport.include.linux.errno import EINVAL
from cmaport.include.linux.init import arch_initcall, early_param, init_h
from cmaport.include.linux.ioport import IORESOURCE_BUSY, IORESOURCE_IO, IORESOURCE_MEM, \
    IORESOURCE_SYSTEM_RAM, resource
from cmaport.kernel.machine import statics
from cmaport.kernel.panic import kernel_fault_oops
from cmaport.kernel.printk import dump_stack_set_arch_desc, pr_helpers
from cmaport.lib.cmdline import memparse

_pr = pr_helpers("")

ULONG_MAX = 0xFFFFFFFF

# arch/arm/include/asm/cachetype.h
CACHEID_VIVT = 1 << 0
CACHEID_VIPT_NONALIASING = 1 << 1
CACHEID_VIPT_ALIASING = 1 << 2
CACHEID_VIPT = CACHEID_VIPT_ALIASING | CACHEID_VIPT_NONALIASING
CACHEID_ASID_TAGGED = 1 << 3
CACHEID_VIPT_I_ALIASING = 1 << 4
CACHEID_PIPT = 1 << 5

CPU_ARCH_ARMv7 = 9  # arch/arm/include/asm/system_info.h


@statics
class setup_c:
    """The file-scope variables of arch/arm/kernel/setup.c."""

    atags_pointer: int = 0  # __atags_pointer: r2 at entry (the DTB's physical address)
    machine_desc: object = None
    machine_name: str = ""
    cmd_line: str = ""
    cacheid: int = 0
    # arch/arm/kernel/head.S: smp_on_up (1 unless __fixup_smp found a uniprocessor)
    smp_on_up: int = 1
    usermem: int = 0  # early_mem()'s static usermem
    # mem_res[]: video_ram, kernel_code, kernel_data (static struct resource)
    mem_res: list = attrs.Factory(lambda: [
        resource(name="Video RAM", start=0, end=0, flags=IORESOURCE_MEM),
        resource(name="Kernel code", start=0, end=0, flags=IORESOURCE_SYSTEM_RAM),
        resource(name="Kernel data", start=0, end=0, flags=IORESOURCE_SYSTEM_RAM),
    ])
    # io_res[]: lp0, lp1, lp2 (the legacy parallel ports)
    io_res: list = attrs.Factory(lambda: [
        resource(name="reserved", start=0x3BC, end=0x3BE, flags=IORESOURCE_IO | IORESOURCE_BUSY),
        resource(name="reserved", start=0x378, end=0x37F, flags=IORESOURCE_IO | IORESOURCE_BUSY),
        resource(name="reserved", start=0x278, end=0x27F, flags=IORESOURCE_IO | IORESOURCE_BUSY),
    ])


def cache_is_vivt(cacheid):
    """arch/arm/include/asm/cachetype.h: cache_is_vivt()."""
    return bool(cacheid & CACHEID_VIVT)


def cache_is_vipt_nonaliasing(cacheid):
    """arch/arm/include/asm/cachetype.h: cache_is_vipt_nonaliasing()."""
    return bool(cacheid & CACHEID_VIPT_NONALIASING)


def cache_is_vipt_aliasing(cacheid):
    """arch/arm/include/asm/cachetype.h: cache_is_vipt_aliasing()."""
    return bool(cacheid & CACHEID_VIPT_ALIASING)


def icache_is_vivt_asid_tagged(cacheid):
    """arch/arm/include/asm/cachetype.h: icache_is_vivt_asid_tagged()."""
    return bool(cacheid & CACHEID_ASID_TAGGED)


def icache_is_vipt_aliasing(cacheid):
    """arch/arm/include/asm/cachetype.h: icache_is_vipt_aliasing()."""
    return bool(cacheid & CACHEID_VIPT_I_ALIASING)


def icache_is_pipt(cacheid):
    """arch/arm/include/asm/cachetype.h: icache_is_pipt()."""
    return bool(cacheid & CACHEID_PIPT)


def cpu_has_aliasing_icache(arch, cacheid):
    """arch/arm/kernel/setup.c: cpu_has_aliasing_icache() — ARMv7 register format only."""
    if icache_is_pipt(cacheid):
        return 0
    # Model: only the ARMv7 branch exists; the model's CPU is a Cortex-A9.
    set_csselr(1)
    id_reg = read_ccsidr()
    line_size = 4 << ((id_reg & 0x7) + 2)
    num_sets = ((id_reg >> 13) & 0x7FFF) + 1
    return int(line_size * num_sets > PAGE_SIZE)


def cacheid_init():
    """arch/arm/kernel/setup.c: cacheid_init() — classify the caches and print them."""
    s = setup_c.get()
    arch = CPU_ARCH_ARMv7
    cachetype = read_cpuid_cachetype()
    cacheid = 0
    if (cachetype & (7 << 29)) == 4 << 29:
        # ARMv7 CTR format: the data cache behaves as non-aliasing.
        cacheid = CACHEID_VIPT_NONALIASING
        l1ip = cachetype & (3 << 14)
        if l1ip == 1 << 14:
            cacheid |= CACHEID_ASID_TAGGED
        elif l1ip == 3 << 14:
            cacheid |= CACHEID_PIPT
    if cpu_has_aliasing_icache(arch, cacheid):
        cacheid |= CACHEID_VIPT_I_ALIASING
    s.cacheid = cacheid
    _pr.info("CPU: %s data cache, %s instruction cache\n",
             "VIVT" if cache_is_vivt(cacheid) else
             "VIPT aliasing" if cache_is_vipt_aliasing(cacheid) else
             "PIPT / VIPT nonaliasing" if cache_is_vipt_nonaliasing(cacheid) else "unknown",
             "VIVT" if cache_is_vivt(cacheid) else
             "VIVT ASID tagged" if icache_is_vivt_asid_tagged(cacheid) else
             "VIPT aliasing" if icache_is_vipt_aliasing(cacheid) else
             "PIPT" if icache_is_pipt(cacheid) else
             "VIPT nonaliasing" if cache_is_vipt_nonaliasing(cacheid) else "unknown")


def smp_setup_processor_id():
    """arch/arm/kernel/setup.c: smp_setup_processor_id() — name the boot CPU."""
    mpidr = read_cpuid_mpidr() & MPIDR_HWID_BITMASK
    _pr.info("Booting Linux on physical CPU 0x%x\n", mpidr)


# arch/arm/mm/proc-v7-2level.S: the cache bits of the kernel's section mappings
PMD_FLAGS_SMP = 0x100C | (1 << 16)  # PMD_SECT_WBWA | PMD_SECT_S
PMD_FLAGS_UP = 0x000C  # PMD_SECT_WB


def __fixup_smp():
    """Model-only: arch/arm/kernel/head.S: __fixup_smp — does this SMP kernel run on a uniprocessor?

    The assembly runs before the MMU is on: a CPU without the revised CPUID scheme, or
    whose MPIDR does not say "multiprocessing extensions, not uniprocessor", is UP; an
    ARM11MPCore is SMP; a Cortex-A9 is UP when it has no SCU (CBAR 0) or its SCU counts one
    CPU. On UP the ``ALT_UP`` alternatives are patched in (among them the proc_info's
    ``PMD_FLAGS_UP``) and ``smp_on_up`` becomes 0.

    Model: it belongs to head.S (arch/arm/kernel/head.py); it is called from
    setup_processor(), the first reader of what it decides. The simulated Cortex-A9 has no
    CBAR or SCU registers: its SCU is taken to be at a non-zero base and to count the
    board's cores, as QEMU's a9mpcore does for ``-smp N``.

    :return: 1 for SMP, 0 for UP (the value of ``smp_on_up``)
    """
    from cmaport.kernel.machine import this_machine

    midr = read_cpuid_id()
    if (midr & 0x000F0000) != 0x000F0000:
        return 0  # no CPUID scheme: assume UP
    part = midr & ~0x00FF000F & 0xFFFFFFFF
    if part == 0x4100B020:
        return 1  # ARM11MPCore
    if (read_cpuid_mpidr() & 0xC0000000) != 0x80000000:
        return 0  # no MP extensions, or part of a uniprocessor system
    if part != 0x4100C090:
        return 1  # not a Cortex-A9
    # Model: the SCU configuration's CPU-count field (number of cores - 1)
    scu_cpus = (len(this_machine().hw.cpus) - 1) & 0x3
    return 1 if scu_cpus else 0


def setup_processor():
    """arch/arm/kernel/setup.c: setup_processor() — identify the CPU (the printed part).

    Model: the proc_info lookup always finds the ARMv7 entry ("ARMv7 Processor"); hwcaps,
    errata and the per-CPU stacks have no effect on memory management. The entry's
    section flags are ``PMD_FLAGS_SMP``, or ``PMD_FLAGS_UP`` once __fixup_smp() has
    patched in the UP alternatives (a one-core Cortex-A9: ``writeback``).
    """
    s = setup_c.get()
    s.smp_on_up = __fixup_smp()
    midr = read_cpuid_id()
    _pr.info("CPU: %s [%08x] revision %d (ARMv%s), cr=%08lx\n",
             "ARMv7 Processor", midr, midr & 15, "7", get_cr())
    from cmaport.arch.arm.mm.mmu import init_default_cache_policy

    # proc-v7.S: __cpu_mm_mmu_flags of the v7 proc_info entry (ALT_SMP / ALT_UP)
    init_default_cache_policy(PMD_FLAGS_SMP if s.smp_on_up else PMD_FLAGS_UP)
    cacheid_init()


def arm_add_memory(start, size):
    """arch/arm/kernel/setup.c: arm_add_memory() — add a RAM bank given by ``mem=``."""
    from cmaport.mm.memblock import memblock_add

    aligned_start = PAGE_ALIGN(start)
    if aligned_start > start + size:
        size = 0
    else:
        size -= aligned_start - start
    if aligned_start > ULONG_MAX:
        _pr.crit("Ignoring memory at 0x%08llx outside 32-bit physical address space\n", start)
        return -EINVAL
    if aligned_start + size > ULONG_MAX:
        _pr.crit("Truncating memory at 0x%08llx to fit in 32-bit physical address space\n", start)
        size = ULONG_MAX - aligned_start
    phys_offset = PHYS_OFFSET()
    if aligned_start < phys_offset:
        if aligned_start + size <= phys_offset:
            _pr.info("Ignoring memory below PHYS_OFFSET: 0x%08llx-0x%08llx\n",
                     aligned_start, aligned_start + size)
            return -EINVAL
        _pr.info("Ignoring memory below PHYS_OFFSET: 0x%08llx-0x%08llx\n",
                 aligned_start, phys_offset)
        size -= phys_offset - aligned_start
        aligned_start = phys_offset
    start = aligned_start
    size &= ~(PAGE_SIZE - 1)
    if size == 0:
        return -EINVAL
    memblock_add(start, size)
    return 0


@early_param("mem")
def early_mem(p):
    """arch/arm/kernel/setup.c: early_mem() — ``mem=size[@start]`` replaces the RAM layout."""
    from cmaport.mm.memblock import memblock_end_of_DRAM, memblock_remove, memblock_start_of_DRAM

    s = setup_c.get()
    if s.usermem == 0:
        s.usermem = 1
        memblock_remove(memblock_start_of_DRAM(), memblock_end_of_DRAM() - memblock_start_of_DRAM())
    start = PHYS_OFFSET()
    if p is None:  # a bare "mem": v4.9 has removed all RAM, then memparse() reads NULL
        kernel_fault_oops(0, "early_mem", "'mem' without a value: memparse(NULL) in v4.9")
    size, endp = memparse(p)
    if endp[:1] == "@":
        start, _ = memparse(endp[1:])
    arm_add_memory(start, size)
    return 0


def request_standard_resources(mdesc):
    """arch/arm/kernel/setup.c: request_standard_resources() — System RAM and the kernel in iomem.

    One ``System RAM`` resource per memblock memory region (whole pages), each from boot
    memory; ``Kernel code`` (``_text`` up to ``__init_begin``) and ``Kernel data``
    (``_sdata`` up to ``_end``) go inside the region that holds them. Then the machine's
    video RAM and legacy parallel ports, if it declares them.
    """
    from cmaport.arch.arm.include.asm.memory import __pfn_to_phys, virt_to_phys
    from cmaport.arch.arm.kernel.vmlinux_lds import sections
    from cmaport.include.linux.bootmem import memblock_virt_alloc
    from cmaport.include.linux.ioport import SIZEOF_RESOURCE
    from cmaport.include.linux.memblock import (memblock_region_memory_base_pfn,
                                                memblock_region_memory_end_pfn)
    from cmaport.kernel.resource import iomem_resource, ioport_resource, request_resource
    from cmaport.mm.memblock import for_each_memblock

    s = setup_c.get()
    video_ram, kernel_code, kernel_data = s.mem_res
    sec = sections()

    kernel_code.start = virt_to_phys(sec._text)
    kernel_code.end = virt_to_phys(sec.__init_begin - 1)
    kernel_data.start = virt_to_phys(sec._sdata)
    kernel_data.end = virt_to_phys(sec._end - 1)

    for region in list(for_each_memblock("memory")):
        start = __pfn_to_phys(memblock_region_memory_base_pfn(region))
        end = (__pfn_to_phys(memblock_region_memory_end_pfn(region)) - 1) & 0xFFFFFFFF

        # Model: arm_has_idmap_alias() is false (only Keystone 2 has a boot-time alias of
        # its RAM), so there is no "System RAM (boot alias)" resource.

        # Model: the resource is a Python object; its 32 bytes are taken from boot memory
        # as in v4.9, so the allocation shows in memblock.reserved.
        memblock_virt_alloc(SIZEOF_RESOURCE, 0)
        res = resource()
        res.name = "System RAM"
        res.start = start
        res.end = end
        res.flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY

        request_resource(iomem_resource(), res)

        if kernel_code.start >= res.start and kernel_code.end <= res.end:
            request_resource(res, kernel_code)
        if kernel_data.start >= res.start and kernel_data.end <= res.end:
            request_resource(res, kernel_data)

    if mdesc.video_start:
        video_ram.start = mdesc.video_start
        video_ram.end = mdesc.video_end
        request_resource(iomem_resource(), video_ram)

    # only some machines can have the legacy parallel ports
    if mdesc.reserve_lp0:
        request_resource(ioport_resource(), s.io_res[0])
    if mdesc.reserve_lp1:
        request_resource(ioport_resource(), s.io_res[1])
    if mdesc.reserve_lp2:
        request_resource(ioport_resource(), s.io_res[2])


@arch_initcall
def customize_machine():
    """arch/arm/kernel/setup.c: customize_machine() — the machine's own device set-up.

    DT machines without an ``init_machine`` hook (vexpress, the generic machine) do
    nothing here: their devices come from of_platform_default_populate_init().
    """
    s = setup_c.get()
    if s.machine_desc.init_machine:
        s.machine_desc.init_machine()

    return 0


def setup_arch():
    """arch/arm/kernel/setup.c: setup_arch() — the architecture's part of the boot.

    :return: the command line (what ``*cmdline_p`` is set to)
    """
    from cmaport.arch.arm.kernel.devtree import setup_machine_fdt
    from cmaport.arch.arm.mm.init import arm_memblock_init, setup_dma_zone
    from cmaport.arch.arm.mm.mmu import early_paging_init, paging_init, sanity_check_meminfo
    from cmaport.drivers.of.fdt import unflatten_device_tree
    from cmaport.init.main import parse_early_param
    from cmaport.kernel.panic import panic

    s = setup_c.get()
    setup_processor()
    mdesc = setup_machine_fdt(s.atags_pointer)
    if mdesc is None:
        # Model: there is no ATAG path (setup_machine_tags); a board without a valid
        # device tree cannot boot.
        panic("no valid device tree at %pa and ATAG boot is not modelled", s.atags_pointer)
    s.machine_desc = mdesc
    s.machine_name = mdesc.name
    dump_stack_set_arch_desc("%s", mdesc.name)

    # Keep a copy for later use; boot_command_line stays as the bootloader gave it.
    s.cmd_line = init_h.get().boot_command_line

    parse_early_param()

    early_paging_init(mdesc)
    setup_dma_zone(mdesc)
    sanity_check_meminfo()
    arm_memblock_init(mdesc)
    paging_init(mdesc)
    request_standard_resources(mdesc)

    # (arm_pm_restart = mdesc->restart: the model has no reboot)

    unflatten_device_tree()
    # arm_dt_init_cpu_maps(), psci_dt_init(), the SMP operations, hyp_mode_check() and
    # reserve_crashkernel() have no model.
    return s.cmd_line
