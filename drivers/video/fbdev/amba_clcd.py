# SPDX-License-Identifier: GPL-2.0-only
"""drivers/video/fbdev/amba-clcd.c: the ARM PrimeCell PL110/PL111 CLCD driver — a model of its probe.

The part of the probe that matters for reserved memory and DMA: claim the register
window (``amba_request_regions``: a ``clcd-pl11x`` entry under the device's window in
/proc/iomem), say which part it found (``PL111 designer 41 rev2 at 0x1001f000``), read
the display from the device tree, get a frame buffer, and report ``<board> hardware,
<mode> display``.

The display comes from the OF graph as in v4.9: the node's first ``port``/``endpoint``
(``graph: no port node found in …`` and -ENODEV without one), the ``panel-dpi`` panel at
the other end of ``remote-endpoint`` and its ``panel-timing`` (drivers/video/
of_display_timing.c, videomode.c and fbmon.c's fb_videomode_from_videomode(), kept here,
their only user), the bits per pixel from ``max-memory-bandwidth`` (else 32), and the
endpoint's ``arm,pl11x,tft-r0g0b0-pads`` matched against the known TFT wirings. Any
failure there fails the probe; -ENODEV and -ENXIO do so without a message (dd.c).

Where the frame buffer comes from is the point: a CLCD with a ``memory-region`` (the
Versatile Express motherboard's, pointing at the no-map ``shared-dma-pool``
vram@4c000000) gets it from that region; one without (the daughterboard's) from the
generic DMA allocator (on ARM: CMA). A ``memory-region`` whose phandle names no node fails
the probe with -ENODEV, as in v4.9.

Model — where this differs from v4.9's amba-clcd:

* **The memory-region.** v4.9's ``clcdfb_of_vram_setup`` only ``of_iomap``s the region
  node and uses the whole region as the frame buffer; it never binds the region to the
  device. The model binds it as the device's DMA pool with ``of_reserved_mem_device_init``
  (so the kernel's ``assigned reserved memory node …`` line appears, which v4.9's
  amba-clcd never prints) and allocates a frame buffer of the mode's size from it with
  ``dma_alloc_coherent`` — what the later pl111 DRM driver (drivers/gpu/drm/pl111,
  v4.13+) does. As in that driver, a region that exists but cannot be bound (not a
  reserved-memory pool, or its handler refused it) leaves the device on the generic
  allocator (the model records a diagnostic; v4.9 would map the node's ``reg``).
* v4.9's driver is an AMBA driver matched by peripheral ID (id 0x00041110, mask
  0x000ffffe: PL110 and PL111 by ARM). Here it is a platform driver matching the
  ``arm,pl110``/``arm,pl111`` compatibles; the device's ``periphid`` is still what it
  prints (drivers/amba/bus.py).
* No registers are touched (the simulated board has none), there are no clocks (v4.9
  fails without a ``clcdclk``; the model's trees leave clocks out), no backlight
  devices (a panel's ``backlight`` phandle defers the probe, as it would while no
  backlight driver has registered), no colour map, no ``tim2``/``cntl`` register values
  and no ``register_framebuffer``; the frame-buffer state is kept in a ``clcd_fb`` on the
  device's driver data.
"""

import attrs

from cmaport.drivers.amba.bus import amba_manf, amba_part, amba_release_regions, \
    amba_request_regions, amba_rev
from cmaport.drivers.base.core import dev_info
from cmaport.drivers.base.platform import platform_driver_register
from cmaport.include.linux.device import device_driver
from cmaport.include.linux.dma_mapping import (DMA_BIT_MASK, dma_alloc_coherent,
                                               dma_free_coherent, dma_set_mask_and_coherent)
from cmaport.include.linux.errno import EINVAL, ENODEV, ENOENT, ENOMEM, EPROBE_DEFER
from cmaport.include.linux.gfp import GFP_KERNEL
from cmaport.include.linux.init import module_init
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.platform_device import platform_driver, platform_get_drvdata, \
    platform_set_drvdata
from cmaport.kernel.config import IS_ENABLED
from cmaport.kernel.machine import this_machine
from cmaport.kernel.printk import KERN_ERR, pr_helpers, printk

# drivers/video/of_display_timing.c has no pr_fmt
_pr_timing = pr_helpers("")

# include/video/display_timing.h: enum display_flags
DISPLAY_FLAGS_HSYNC_LOW = 1 << 0
DISPLAY_FLAGS_HSYNC_HIGH = 1 << 1
DISPLAY_FLAGS_VSYNC_LOW = 1 << 2
DISPLAY_FLAGS_VSYNC_HIGH = 1 << 3
DISPLAY_FLAGS_DE_LOW = 1 << 4
DISPLAY_FLAGS_DE_HIGH = 1 << 5
DISPLAY_FLAGS_PIXDATA_POSEDGE = 1 << 6
DISPLAY_FLAGS_PIXDATA_NEGEDGE = 1 << 7
DISPLAY_FLAGS_INTERLACED = 1 << 8
DISPLAY_FLAGS_DOUBLESCAN = 1 << 9
DISPLAY_FLAGS_DOUBLECLK = 1 << 10

# include/linux/amba/clcd.h: the capability bits of a panel
CLCD_CAP_444 = 1 << 0
CLCD_CAP_5551 = 1 << 1
CLCD_CAP_565 = 1 << 2
CLCD_CAP_888 = 1 << 3
CLCD_CAP_BGR = 1 << 4
CLCD_CAP_ALL = CLCD_CAP_BGR | CLCD_CAP_444 | CLCD_CAP_5551 | CLCD_CAP_565 | CLCD_CAP_888

_U32 = 0xFFFFFFFF  # unsigned int / unsigned long / u32


@attrs.define(slots=True, eq=False)
class timing_entry:
    """include/video/display_timing.h: struct timing_entry — min, typical, max."""

    min: int = 0
    typ: int = 0
    max: int = 0


@attrs.define(slots=True, eq=False)
class display_timing:
    """include/video/display_timing.h: struct display_timing."""

    pixelclock: timing_entry = attrs.Factory(timing_entry)
    hactive: timing_entry = attrs.Factory(timing_entry)
    hfront_porch: timing_entry = attrs.Factory(timing_entry)
    hback_porch: timing_entry = attrs.Factory(timing_entry)
    hsync_len: timing_entry = attrs.Factory(timing_entry)
    vactive: timing_entry = attrs.Factory(timing_entry)
    vfront_porch: timing_entry = attrs.Factory(timing_entry)
    vback_porch: timing_entry = attrs.Factory(timing_entry)
    vsync_len: timing_entry = attrs.Factory(timing_entry)
    flags: int = 0


@attrs.define(slots=True, eq=False)
class videomode:
    """include/video/videomode.h: struct videomode."""

    pixelclock: int = 0
    hactive: int = 0
    hfront_porch: int = 0
    hback_porch: int = 0
    hsync_len: int = 0
    vactive: int = 0
    vfront_porch: int = 0
    vback_porch: int = 0
    vsync_len: int = 0
    flags: int = 0


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
    width: int = 0
    height: int = 0
    caps: int = 0
    bpp: int = 0
    bgr_connection: bool = False
    backlight: object = None


@attrs.define(slots=True, eq=False)
class clcd_board:
    """include/linux/amba/clcd.h: struct clcd_board — ``setup``/``remove`` get the frame buffer."""

    name: str = None
    caps: int = 0
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


def _div(a, b, what):
    """Model-only: C's unsigned division; a division by zero (an oops in v4.9) is noted and gives 0."""
    if b == 0:
        this_machine().diagnose("drivers/video/fbdev/amba-clcd.c",
                                f"{what}: v4.9 divides by zero here (an oops); the model takes 0")
        return 0
    return a // b


def PICOS2KHZ(a, what="PICOS2KHZ"):
    """include/uapi/linux/fb.h: PICOS2KHZ() — a pixel period in ps as a frequency in kHz."""
    return _div(1000000000, a, what)


def KHZ2PICOS(a, what="KHZ2PICOS"):
    """include/uapi/linux/fb.h: KHZ2PICOS() — a frequency in kHz as a pixel period in ps."""
    return _div(1000000000, a, what)


# -- drivers/video/of_display_timing.c, videomode.c, fbdev/core/fbmon.c ----------------------

def parse_timing_property(np, name, result):
    """drivers/video/of_display_timing.c: parse_timing_property() — one value, or min/typ/max.

    :return: 0, or a negative error (reported for a missing or malformed property)
    """
    from cmaport.drivers.of.base import of_find_property
    from cmaport.include.linux.of import of_node_full_name, of_property_read_u32, \
        of_property_read_u32_array

    prop, length = of_find_property(np, name)
    if prop is None:
        _pr_timing.err("%s: could not find property %s\n", of_node_full_name(np), name)
        return -EINVAL

    cells = length // 4
    if cells == 1:
        ret, val = of_property_read_u32(np, name)
        if ret == 0:
            result.min = result.typ = result.max = val
    elif cells == 3:
        ret, vals = of_property_read_u32_array(np, name, cells)
        if ret == 0:
            result.min, result.typ, result.max = vals
    else:
        _pr_timing.err("%s: illegal timing specification in %s\n", of_node_full_name(np), name)
        return -EINVAL

    return ret


def of_parse_display_timing(np, dt):
    """drivers/video/of_display_timing.c: of_parse_display_timing() — a panel-timing node.

    Every value is read (each missing one reported) before the result is judged.
    """
    from cmaport.include.linux.of import of_node_full_name, of_property_read_bool, \
        of_property_read_u32

    ret = 0
    ret |= parse_timing_property(np, "hback-porch", dt.hback_porch)
    ret |= parse_timing_property(np, "hfront-porch", dt.hfront_porch)
    ret |= parse_timing_property(np, "hactive", dt.hactive)
    ret |= parse_timing_property(np, "hsync-len", dt.hsync_len)
    ret |= parse_timing_property(np, "vback-porch", dt.vback_porch)
    ret |= parse_timing_property(np, "vfront-porch", dt.vfront_porch)
    ret |= parse_timing_property(np, "vactive", dt.vactive)
    ret |= parse_timing_property(np, "vsync-len", dt.vsync_len)
    ret |= parse_timing_property(np, "clock-frequency", dt.pixelclock)

    dt.flags = 0
    for name, high, low in (("vsync-active", DISPLAY_FLAGS_VSYNC_HIGH, DISPLAY_FLAGS_VSYNC_LOW),
                            ("hsync-active", DISPLAY_FLAGS_HSYNC_HIGH, DISPLAY_FLAGS_HSYNC_LOW),
                            ("de-active", DISPLAY_FLAGS_DE_HIGH, DISPLAY_FLAGS_DE_LOW),
                            ("pixelclk-active", DISPLAY_FLAGS_PIXDATA_POSEDGE,
                             DISPLAY_FLAGS_PIXDATA_NEGEDGE)):
        err, val = of_property_read_u32(np, name)
        if not err:
            dt.flags |= high if val else low

    if of_property_read_bool(np, "interlaced"):
        dt.flags |= DISPLAY_FLAGS_INTERLACED
    if of_property_read_bool(np, "doublescan"):
        dt.flags |= DISPLAY_FLAGS_DOUBLESCAN
    if of_property_read_bool(np, "doubleclk"):
        dt.flags |= DISPLAY_FLAGS_DOUBLECLK

    if ret:
        _pr_timing.err("%s: error reading timing properties\n", of_node_full_name(np))
        return -EINVAL

    return 0


def of_get_display_timing(np, name, dt):
    """drivers/video/of_display_timing.c: of_get_display_timing() — the timing in child ``name``."""
    from cmaport.drivers.of.base import of_get_child_by_name
    from cmaport.include.linux.of import of_node_full_name

    if np is None:
        return -EINVAL

    timing_np = of_get_child_by_name(np, name)
    if timing_np is None:
        _pr_timing.err("%s: could not find node '%s'\n", of_node_full_name(np), name)
        return -ENOENT

    return of_parse_display_timing(timing_np, dt)


def videomode_from_timing(dt, vm):
    """drivers/video/videomode.c: videomode_from_timing() — the typical values."""
    vm.pixelclock = dt.pixelclock.typ
    vm.hactive = dt.hactive.typ
    vm.hfront_porch = dt.hfront_porch.typ
    vm.hback_porch = dt.hback_porch.typ
    vm.hsync_len = dt.hsync_len.typ

    vm.vactive = dt.vactive.typ
    vm.vfront_porch = dt.vfront_porch.typ
    vm.vback_porch = dt.vback_porch.typ
    vm.vsync_len = dt.vsync_len.typ

    vm.flags = dt.flags


def fb_videomode_from_videomode(vm, fbmode):
    """drivers/video/fbdev/core/fbmon.c: fb_videomode_from_videomode() — the frame-buffer mode.

    The pixel clock becomes a period in ps (via kHz), the refresh rate is the pixel clock
    over the whole frame, rounded down. (Margins, sync and vmode flags are not kept.)

    :return: 0, or -EINVAL for a frame with no total width or height
    """
    fbmode.xres = vm.hactive
    fbmode.yres = vm.vactive

    # the kHz step rounds down; C guards only against a zero clock
    fbmode.pixclock = KHZ2PICOS(vm.pixelclock // 1000, "fb_videomode_from_videomode: "
                                "a pixel clock below 1 kHz") if vm.pixelclock else 0

    htotal = (vm.hactive + vm.hfront_porch + vm.hback_porch + vm.hsync_len) & _U32
    vtotal = (vm.vactive + vm.vfront_porch + vm.vback_porch + vm.vsync_len) & _U32
    if htotal and vtotal:
        fbmode.refresh = _div(vm.pixelclock, (htotal * vtotal) & _U32,
                              "fb_videomode_from_videomode: htotal * vtotal wraps to 0")
    else:
        # a mode without a total width and height is not a mode
        fbmode.refresh = 0
        return -EINVAL

    return 0


# -- drivers/video/fbdev/amba-clcd.c ---------------------------------------------------------

def clcdfb_of_get_dpi_panel_mode(node, clcd_panel_):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_get_dpi_panel_mode() — the panel's mode.

    (The sync and clock-edge inversion bits it sets in ``tim2`` are register values: not
    modelled.)
    """
    timing = display_timing()
    video = videomode()

    err = of_get_display_timing(node, "panel-timing", timing)
    if err:
        return err

    videomode_from_timing(timing, video)

    err = fb_videomode_from_videomode(video, clcd_panel_.mode)
    if err:
        return err

    return 0


def clcdfb_snprintf_mode(mode):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_snprintf_mode() — ``<x>x<y>@<refresh>``."""
    return "%ux%u@%u" % (mode.xres, mode.yres, mode.refresh)


def clcdfb_of_get_backlight(endpoint, clcd_panel_):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_get_backlight() — the panel's optional backlight.

    Model: there are no backlight devices (of_find_backlight_by_node() finds none), so a
    ``backlight`` phandle defers the probe, as in v4.9 while no backlight has registered.
    """
    from cmaport.drivers.of.base import of_graph_get_remote_port_parent, of_parse_phandle
    from cmaport.include.linux.of import of_node_put

    panel = of_graph_get_remote_port_parent(endpoint)
    if panel is None:
        return -ENODEV

    # the backlight is optional
    backlight = of_parse_phandle(panel, "backlight", 0)
    if backlight is not None:
        clcd_panel_.backlight = None  # of_find_backlight_by_node(): Model: none exist
        of_node_put(backlight)

        if clcd_panel_.backlight is None:
            return -EPROBE_DEFER
    return 0


def clcdfb_of_get_mode(dev, endpoint, clcd_panel_):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_get_mode() — the mode of a directly connected DPI panel."""
    from cmaport.drivers.of.base import of_device_is_compatible, of_graph_get_remote_port_parent

    panel = of_graph_get_remote_port_parent(endpoint)
    if panel is None:
        return -ENODEV

    # only panel-dpi panels, connected directly
    if of_device_is_compatible(panel, "panel-dpi"):
        err = clcdfb_of_get_dpi_panel_mode(panel, clcd_panel_)
    else:
        err = -ENOENT
    if err:
        return err
    mode = clcd_panel_.mode

    # devm_kzalloc() of the name: Model: not tracked as a managed resource, does not fail
    mode.name = clcdfb_snprintf_mode(mode)

    return 0


# drivers/video/fbdev/amba-clcd.c: the TFT wirings clcdfb_of_init_tft_panel() knows:
# (part, r0, g0, b0, caps)
_TFT_PANELS = (
    (0x110, 1, 7, 13, CLCD_CAP_5551),
    (0x110, 0, 8, 16, CLCD_CAP_888),
    (0x110, 16, 8, 0, CLCD_CAP_888),
    (0x111, 4, 14, 20, CLCD_CAP_444),
    (0x111, 3, 11, 19, CLCD_CAP_444 | CLCD_CAP_5551),
    (0x111, 3, 10, 19, CLCD_CAP_444 | CLCD_CAP_5551 | CLCD_CAP_565),
    (0x111, 0, 8, 16, CLCD_CAP_444 | CLCD_CAP_5551 | CLCD_CAP_565 | CLCD_CAP_888),
)


def clcdfb_of_init_tft_panel(fb, r0, g0, b0):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_init_tft_panel() — the panel's colour capabilities.

    The pads the endpoint names must be one of the known wirings of this part.
    (The ``tim2``/``cntl`` register bits and the ST bit-mux set-up are not modelled; the
    ARM vendor data has no ``st_bitmux_control``.)

    :return: 0, or -EINVAL for a wiring the driver does not know
    """
    fb.panel.caps = 0

    for part, pr0, pg0, pb0, caps in _TFT_PANELS:
        if fb.panel.caps:
            break
        if amba_part(fb.dev) != part:
            continue
        if g0 != pg0:
            continue
        if r0 == pr0 and b0 == pb0:
            fb.panel.caps = caps

    # the R and B lines swapped on the board
    if r0 != 0 and b0 == 0:
        fb.panel.bgr_connection = True

    return 0 if fb.panel.caps else -EINVAL


def clcdfb_of_init_display(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_init_display() — the panel from the OF graph.

    :return: 0, -ENODEV without an endpoint or panel, -EPROBE_DEFER for a backlight that
        is not there, -ENOENT for a panel that is not ``panel-dpi`` or an endpoint without
        ``arm,pl11x,tft-r0g0b0-pads``, -EINVAL for a bad timing or an unknown wiring
    """
    from cmaport.drivers.of.base import of_graph_get_next_endpoint
    from cmaport.include.linux.of import of_property_read_u32, of_property_read_u32_array

    fb.panel = clcd_panel()  # devm_kzalloc(): Model: not tracked, does not fail

    # the endpoint that leads to the panel
    endpoint = of_graph_get_next_endpoint(fb.dev.dev.of_node, None)
    if endpoint is None:
        return -ENODEV

    # (vendor->init_panel: the ARM vendor data has none)

    err = clcdfb_of_get_backlight(endpoint, fb.panel)
    if err:
        return err

    err = clcdfb_of_get_mode(fb.dev.dev, endpoint, fb.panel)
    if err:
        return err

    err, max_bandwidth = of_property_read_u32(fb.dev.dev.of_node, "max-memory-bandwidth")
    if not err:
        # the widest pixel the bus allows: 8 * bytes/s over pixels/s, rearranged as in C
        bpp = _div(max_bandwidth // (1000 // 8),
                   PICOS2KHZ(fb.panel.mode.pixclock, "clcdfb_of_init_display: pixclock 0"),
                   "clcdfb_of_init_display: a pixel clock above 1 GHz")
        # rounddown_pow_of_two(); Model: C's result for 0 is undefined, the model keeps 0
        bpp = 1 << (bpp.bit_length() - 1) if bpp else 0
        if bpp > 32:
            bpp = 32
    else:
        bpp = 32
    fb.panel.bpp = bpp

    # (CONFIG_CPU_BIG_ENDIAN: not on this build)
    fb.panel.width = -1
    fb.panel.height = -1

    err, tft_r0b0g0 = of_property_read_u32_array(endpoint, "arm,pl11x,tft-r0g0b0-pads", 3)
    if err != 0:
        return -ENOENT

    return clcdfb_of_init_tft_panel(fb, tft_r0b0g0[0], tft_r0b0g0[1], tft_r0b0g0[2])


def clcdfb_of_vram_setup(fb):
    """drivers/video/fbdev/amba-clcd.c: clcdfb_of_vram_setup() — the frame buffer from the memory-region.

    As in v4.9: the display first, then the ``memory-region`` phandle; one that names no
    node fails the probe with -ENODEV. Model: the region is then bound as the device's
    DMA pool and the frame buffer allocated from it (see the module notes) where v4.9
    ``of_iomap``s the whole region.
    """
    from cmaport.drivers.of.base import of_parse_phandle
    from cmaport.drivers.of.of_reserved_mem import (of_reserved_mem_device_init,
                                                    of_reserved_mem_diagnose_dangling)
    from cmaport.include.linux.of import of_node_full_name, of_node_put

    err = clcdfb_of_init_display(fb)
    if err:
        return err

    memory = of_parse_phandle(fb.dev.dev.of_node, "memory-region", 0)
    if memory is None:
        of_reserved_mem_diagnose_dangling(fb.dev.dev.of_node, 0,
                                          "the CLCD probe fails with -ENODEV (as in v4.9)")
        return -ENODEV

    # Model: v4.9 of_iomap()s the region; the model binds it as the DMA pool (pl111 DRM, v4.13+)
    ret = of_reserved_mem_device_init(fb.dev.dev)
    if ret == 0:
        fb.uses_reserved_mem = True
    else:
        this_machine().diagnose(
            "drivers/video/fbdev/amba-clcd.c",
            "%s: its memory-region %s cannot be bound as a DMA pool (%d): the model takes the "
            "frame buffer from the generic DMA allocator; v4.9 would map the node's reg"
            % (of_node_full_name(fb.dev.dev.of_node), of_node_full_name(memory), ret))
    of_node_put(memory)

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
    framesize = (fb.panel.mode.xres * fb.panel.mode.yres * fb.panel.bpp // 8) & _U32
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
    board.caps = CLCD_CAP_ALL
    # (check, decode, mmap: the frame-buffer operations are not modelled)
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
