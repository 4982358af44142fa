# SPDX-License-Identifier: GPL-2.0-only
"""drivers/video/fbdev/amba-clcd.c: the ARM PrimeCell PL110/PL111 CLCD driver — a model of its probe.

The part of the probe that matters for reserved memory and DMA: claim the register
window (``amba_request_regions``: a ``clcd-pl11x`` entry under the device's window in
/proc/iomem), say which part it found (``PL111 designer 41 rev2 at 0x1001f000``), get a
frame buffer, and report ``<board> hardware, <mode> display``. Where the frame buffer
comes from is the point: a CLCD with a ``memory-region`` (the Versatile Express
motherboard's, pointing at the no-map ``shared-dma-pool`` vram@4c000000) gets it from that
pool; one without (the daughterboard's) from the generic DMA allocator (on ARM: CMA).

Model:

* v4.9's driver is an AMBA driver matched by peripheral ID (id 0x00041110, mask
  0x000ffffe: PL110 and PL111 by ARM). Here it is a platform driver matching the
  ``arm,pl110``/``arm,pl111`` compatibles; the device's ``periphid`` is still what it
  prints (drivers/amba/bus.py).
* v4.9's ``clcdfb_of_vram_setup`` ``of_iomap``s the memory-region node and uses it as
  the frame buffer directly. Binding the region as the device's DMA pool with
  ``of_reserved_mem_device_init`` and allocating the frame buffer from it with
  ``dma_alloc_coherent`` is what the later pl111 DRM driver (drivers/gpu/drm/pl111,
  v4.13+) does; the model does that, so the pool, the ``assigned reserved memory node``
  line and the exclusive-pool rules are exercised. As in that driver, a region that
  cannot be bound leaves the device on the generic allocator.
* v4.9 takes the display mode from the OF graph (``port``/``endpoint`` → a
  ``panel-dpi`` panel's ``panel-timing``) and fails the probe without one. The model
  uses that mode when such a panel is connected, else a default mode:
  1024x768, 16 bits per pixel, 60 Hz (a 1.5 MiB frame buffer).
* No registers are touched (the simulated board has none), there are no clocks, no
  colour map and no ``register_framebuffer``; the frame-buffer state is kept in a
  ``clcd_fb`` on the device's driver data.
"""

import attrs

from cmaport.drivers.amba.bus import amba_manf, amba_part, amba_release_regions, \
    amba_request_regions, amba_rev
from cmaport.drivers.base.core import dev_info
from cmaport.drivers.base.platform import platform_driver_register
from cmaport.include.linux.device import device_driver
from cmaport.include.linux.dma_mapping import (DMA_BIT_MASK, dma_alloc_coherent,
                                               dma_free_coherent, dma_set_mask_and_coherent)
from cmaport.include.linux.errno import EINVAL, ENOMEM
from cmaport.include.linux.gfp import GFP_KERNEL
from cmaport.include.linux.init import module_init
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.platform_device import platform_driver, platform_get_drvdata, \
    platform_set_drvdata
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.printk import KERN_ERR, printk

# Model: the mode used when no panel-dpi panel is connected (see the module notes)
DEFAULT_XRES = 1024
DEFAULT_YRES = 768
DEFAULT_BPP = 16
DEFAULT_REFRESH = 60


@attrs.define(slots=True, eq=False)
class fb_videomode:
    """include/linux/fb.h: struct fb_videomode (the fields the probe uses)."""

    name: str = None
    refresh: int = 0
    xres: int = 0
    yres: int = 0
    pixclock: int = 0


@attrs.define(slots=True, eq=False)
class clcd_panel:
    """include/linux/amba/clcd.h: struct clcd_panel (the fields the probe uses)."""

    mode: fb_videomode = attrs.Factory(fb_videomode)
    width: int = -1
    height: int = -1
    bpp: int = 0


@attrs.define(slots=True, eq=False)
class clcd_board:
    """include/linux/amba/clcd.h: struct clcd_board — ``setup``/``remove`` get the frame buffer."""

    name: str = None
    setup: object = None
    remove: object = None


@attrs.define(slots=True, eq=False)
class clcd_fb:
    """include/linux/amba/clcd.h: struct clcd_fb — Model: the frame-buffer fields of ``fb_info`` inline.

    ``screen_base`` is the CPU address of the frame buffer, ``smem_start`` its DMA
    (= physical) address and ``smem_len`` its length.
    """

    dev: object = None
    board: clcd_board = None
    panel: clcd_panel = None
    screen_base: object = None
    smem_start: int = 0
    smem_len: int = 0
    uses_reserved_mem: bool = False


def _timing_value(np, name):
    """Model-only: a panel-timing property (one value, or min/typ/max: the typical one)."""
    from cmaport.drivers.of.base import of_property_read_variable_u32_array

    n, vals = of_property_read_variable_u32_array(np, name, 1, 3)
    if n < 0:
        return None
    return vals[1] if n == 3 else vals[0]


def clcdfb_model_get_mode(fb):
    """Model-only: the display mode — a connected ``panel-dpi``'s ``panel-timing``, else the default.

    Follows v4.9's OF-graph lookup (``port``/``ports`` → first endpoint →
    ``remote-endpoint`` → the panel) without its error messages, since the model does not
    fail without a panel.
    """
    from cmaport.drivers.of.base import (of_device_is_compatible, of_get_child_by_name,
                                         of_get_next_child, of_get_next_parent,
                                         of_parse_phandle)
    from cmaport.include.linux.of import of_node_cmp, of_property_read_u32

    node = fb.dev.dev.of_node
    panel = fb.panel
    mode = panel.mode

    parent = of_get_child_by_name(node, "ports") or node
    port = of_get_child_by_name(parent, "port")
    endpoint = of_get_next_child(port, None) if port is not None else None
    remote = of_parse_phandle(endpoint, "remote-endpoint", 0) if endpoint is not None else None
    # of_graph_get_remote_port_parent(): up three levels only through a "ports" node
    np = remote
    depth = 3
    while depth and np is not None:
        np = of_get_next_parent(np)
        if depth == 2 and of_node_cmp(np.name, "ports"):
            break
        depth -= 1
    timing = of_get_child_by_name(np, "panel-timing") if np is not None else None

    if np is not None and of_device_is_compatible(np, "panel-dpi") and timing is not None:
        vals = {k: _timing_value(timing, k) for k in (
            "hactive", "vactive", "hfront-porch", "hback-porch", "hsync-len",
            "vfront-porch", "vback-porch", "vsync-len", "clock-frequency")}
        if None not in vals.values():
            htotal = vals["hactive"] + vals["hfront-porch"] + vals["hback-porch"] + vals["hsync-len"]
            vtotal = vals["vactive"] + vals["vfront-porch"] + vals["vback-porch"] + vals["vsync-len"]
            mode.xres = vals["hactive"]
            mode.yres = vals["vactive"]
            mode.refresh = vals["clock-frequency"] // (htotal * vtotal) if htotal and vtotal else 0
            mode.pixclock = (10 ** 12) // vals["clock-frequency"] if vals["clock-frequency"] else 0
            # the bpp as v4.9 derives it: from max-memory-bandwidth, else 32
            err, max_bandwidth = of_property_read_u32(node, "max-memory-bandwidth")
            if not err and mode.pixclock:
                bpp = max_bandwidth // (1000 // 8) // ((10 ** 12 // mode.pixclock) // 1000 or 1)
                bpp = 1 << (bpp.bit_length() - 1) if bpp else 0
                panel.bpp = min(bpp, 32)
            else:
                panel.bpp = 32
            mode.name = "%ux%u@%u" % (mode.xres, mode.yres, mode.refresh)
            return 0

    mode.xres = DEFAULT_XRES
    mode.yres = DEFAULT_YRES
    mode.refresh = DEFAULT_REFRESH
    panel.bpp = DEFAULT_BPP
    mode.name = "%ux%u@%u" % (mode.xres, mode.yres, mode.refresh)
    return 0


def clcdfb_of_init_display(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_init_display() — the panel (Model: see clcdfb_model_get_mode)."""
    fb.panel = clcd_panel()
    return clcdfb_model_get_mode(fb)


def clcdfb_of_vram_setup(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_vram_setup() — the frame buffer from the memory-region.

    Model: binds the region as the device's DMA pool and allocates from it (see the
    module notes) instead of ``of_iomap`` of the region.
    """
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_device_init

    err = clcdfb_of_init_display(fb)
    if err:
        return err

    # as the pl111 DRM driver: a region that cannot be bound leaves the generic allocator
    if of_reserved_mem_device_init(fb.dev.dev) == 0:
        fb.uses_reserved_mem = True

    return clcdfb_of_dma_setup_alloc(fb)


def clcdfb_of_vram_remove(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_vram_remove() — Model: free the buffer, detach the pool."""
    from cmaport.drivers.of.of_reserved_mem import of_reserved_mem_device_release

    clcdfb_of_dma_remove(fb)
    if fb.uses_reserved_mem:
        of_reserved_mem_device_release(fb.dev.dev)
        fb.uses_reserved_mem = False


def clcdfb_of_dma_setup_alloc(fb):
    """drivers/video/fbdev/amba-clcd.c: the allocation half of clcdfb_of_dma_setup()."""
    framesize = (fb.panel.mode.xres * fb.panel.mode.yres * fb.panel.bpp // 8) & 0xFFFFFFFF
    screen_base, dma = dma_alloc_coherent(fb.dev.dev, framesize, GFP_KERNEL)
    fb.screen_base = screen_base
    if fb.screen_base is None:
        return -ENOMEM

    fb.smem_start = dma
    fb.smem_len = framesize

    return 0


def clcdfb_of_dma_setup(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_dma_setup() — the frame buffer from dma_alloc_coherent()."""
    err = clcdfb_of_init_display(fb)
    if err:
        return err

    return clcdfb_of_dma_setup_alloc(fb)


def clcdfb_of_dma_remove(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_dma_remove()."""
    dma_free_coherent(fb.dev.dev, fb.smem_len, fb.screen_base, fb.smem_start)


def clcdfb_of_get_board(dev):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_get_board() — the board description from the node."""
    from cmaport.drivers.of.base import of_find_property
    from cmaport.include.linux.of import of_node_full_name

    node = dev.dev.of_node
    board = clcd_board()  # devm_kzalloc(): Model: not tracked as a managed resource

    board.name = of_node_full_name(node)
    # (caps, check, decode, mmap: the frame-buffer operations are not modelled)
    if of_find_property(node, "memory-region")[0] is not None:
        board.setup = clcdfb_of_vram_setup
        board.remove = clcdfb_of_vram_remove
    else:
        board.setup = clcdfb_of_dma_setup
        board.remove = clcdfb_of_dma_remove

    return board


def clcdfb_register(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_register() — Model: the report line only.

    (Clocks, registers, the colour map, fb_set_var and register_framebuffer are not
    modelled.)
    """
    dev_info(fb.dev.dev, "%s hardware, %s display\n", fb.board.name, fb.panel.mode.name)
    return 0


def clcdfb_probe(dev):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_probe() — claim the registers, get a frame buffer.

    :return: 0, or an error (the regions are released again)
    """
    board = dev.dev.platform_data

    if board is None:
        board = clcdfb_of_get_board(dev)

    if board is None:
        return -EINVAL

    # (vendor->init_board: the ARM vendor data has none)

    ret = dma_set_mask_and_coherent(dev.dev, DMA_BIT_MASK(32))
    if ret:
        return ret

    ret = amba_request_regions(dev, None)
    if ret:
        printk(KERN_ERR + "CLCD: unable to reserve regs region\n")
        return ret

    fb = clcd_fb()  # kzalloc() does not fail in the model

    fb.dev = dev
    fb.board = board

    dev_info(fb.dev.dev, "PL%03x designer %02x rev%u at 0x%08llx\n",
             amba_part(dev), amba_manf(dev), amba_rev(dev), dev.resource[0].start)

    ret = fb.board.setup(fb)
    if ret:
        # free_fb, free_region
        amba_release_regions(dev)
        return ret

    ret = clcdfb_register(fb)
    if ret == 0:
        platform_set_drvdata(dev, fb)
        return ret

    fb.board.remove(fb)
    amba_release_regions(dev)
    return ret


def clcdfb_remove(dev):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_remove() — give back the frame buffer and the registers."""
    fb = platform_get_drvdata(dev)

    # (clcdfb_disable, unregister_framebuffer, the colour map, iounmap, the clock: not modelled)
    fb.board.remove(fb)

    amba_release_regions(dev)

    return 0


# Model: the AMBA id table (PL110/PL111 by ARM) as device-tree compatibles
clcdfb_of_match = (
    of_device_id(compatible="arm,pl110"),
    of_device_id(compatible="arm,pl111"),
)

# drivers/video/fbdev/amba-clcd.c: static struct amba_driver clcd_driver
clcd_driver = platform_driver(
    driver=device_driver(name="clcd-pl11x", of_match_table=clcdfb_of_match),
    probe=clcdfb_probe,
    remove=clcdfb_remove,
)


@module_init
def amba_clcdfb_init():
    """drivers/video/fbdev/amba-clcd.c: amba_clcdfb_init() — register the driver.

    Model: ``video=ambafb:off`` (fb_get_options) is not parsed; the driver is linked in
    only with CONFIG_FB_ARMCLCD (multi_v7_defconfig: y).
    """
    if not IS_ENABLED("CONFIG_FB_ARMCLCD"):
        return 0  # Model: not built in, so there would be no initcall at all

    return platform_driver_register(clcd_driver)


