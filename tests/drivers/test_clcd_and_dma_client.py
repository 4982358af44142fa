# SPDX-License-Identifier: GPL-2.0-only
"""The probe path end to end: drivers/video/fbdev/amba-clcd.c (model) and the DMA client.

On the built-in board the motherboard CLCD has ``memory-region = <&video_sram>`` and gets
its frame buffer from the 8 MiB pool at 0x4c000000; the daughterboard CLCD has none and
goes to the architecture's allocator (ARM's arm_dma_alloc: the default CMA area). A test
double stands in for that allocator in the tests about the probe path itself; one test
checks the real one.
"""

import pytest

import cmaport.arch.arm.mm.dma_mapping as arm_dma
from cmaport.arch.arm.include.asm.io import iomem_ptr
from cmaport.drivers.base.bus import bus_p
from cmaport.drivers.base.platform import platform_bus_type, platform_driver_unregister
from cmaport.include.linux.device import dev_name
from cmaport.include.linux.dma_mapping import dma_alloc_coherent, dma_map_ops
from cmaport.kernel.machine import Machine
from cmaport.kernel.resource import proc_iomem

SRAM = 0x4C000000
# The built-in tree's panels (v4.9's vexpress trees): the CoreTile's XGA at 16 bpp, the
# motherboard's VGA at 16 bpp (max-memory-bandwidth allows 16 at either pixel clock)
FB = 1024 * 768 * 2
MB_FB = 640 * 480 * 2
MB_CLCD = "/smb@4000000/motherboard/iofpga@7,0/clcd@1f000"


class FakeArchOps:
    def __init__(self):
        self.calls = []

    def alloc(self, dev, size, gfp, attrs):
        self.calls.append(("alloc", dev_name(dev), size))
        return 0xC2000000, 0x62000000

    def free(self, dev, size, cpu_addr, handle, attrs):
        self.calls.append(("free", dev_name(dev), size))


@pytest.fixture
def fake_arm(monkeypatch):
    fake = FakeArchOps()
    monkeypatch.setattr(arm_dma, "arm_dma_ops", dma_map_ops(alloc=fake.alloc, free=fake.free))
    return fake


def device_named(name):
    for d in bus_p(platform_bus_type).klist_devices:
        if dev_name(d) == name:
            return d.container
    raise LookupError(name)


def test_default_board_clcds_get_their_frame_buffers(fake_arm):
    m = Machine()
    m.hw.physmem.fill(SRAM, 2 << 20, 0xAA)  # leftovers in the video SRAM
    m.boot()
    # 63500127 Hz / (1328 x 798) and 25175000 Hz / (800 x 525): 59 Hz, rounded down as
    # fb_videomode_from_videomode() does
    assert [l for l in m.dmesg() if l.startswith("clcd-pl11x")] == [
        "clcd-pl11x 10020000.clcd: PL111 designer 41 rev2 at 0x10020000",
        "clcd-pl11x 10020000.clcd: /clcd@10020000 hardware, 1024x768@59 display",
        "clcd-pl11x 1001f000.clcd: PL111 designer 41 rev2 at 0x1001f000",
        "clcd-pl11x 1001f000.clcd: assigned reserved memory node vram@4c000000",
        f"clcd-pl11x 1001f000.clcd: {MB_CLCD} hardware, 640x480@59 display",
    ]
    with m:
        mb = device_named("1001f000.clcd")
        fb = mb.dev.driver_data
        # order 8 (600 KiB -> 1 MiB of pages) at the start of the pool
        assert (fb.screen_base, fb.smem_start, fb.smem_len) == (iomem_ptr(SRAM), SRAM, MB_FB)
        assert mb.dev.dma_mem.size == 2048 and mb.dev.dma_mem.flags == 0x09  # MAP|EXCLUSIVE
        assert m.hw.physmem.read(SRAM, MB_FB) == bytes(MB_FB)  # zeroed through the WC mapping
        assert set(m.hw.physmem.read(SRAM + MB_FB, 0x1000)) == {0xAA}  # only size bytes
        # the next buffer of that device comes after the frame buffer's 256 pages
        assert dma_alloc_coherent(mb.dev, 4096, 0)[1] == SRAM + 0x100000
        db = device_named("10020000.clcd").dev.driver_data
        assert (db.screen_base, db.smem_start) == (0xC2000000, 0x62000000)
        assert fake_arm.calls == [("alloc", "10020000.clcd", FB)]
        text = proc_iomem()
        assert "10020000-10020fff : /clcd@10020000\n  10020000-10020fff : clcd-pl11x\n" in text


def test_unbinding_gives_everything_back(fake_arm):
    from cmaport.drivers.of.of_reserved_mem import of_rmem_assigned_c
    from cmaport.drivers.video.fbdev.amba_clcd import clcd_driver

    m = Machine().boot()
    with m:
        mb = device_named("1001f000.clcd")
        pool = mb.dev.dma_mem
        platform_driver_unregister(clcd_driver)
        assert mb.dev.driver is None and mb.dev.dma_mem is None
        assert all(w == 0 for w in pool.bitmap)
        assert of_rmem_assigned_c.get().of_rmem_assigned_device_list == []
        assert "clcd-pl11x" not in proc_iomem()
        assert fake_arm.calls[-1] == ("free", "10020000.clcd", FB)


def test_daughterboard_clcd_gets_its_frame_buffer_from_cma():
    """The daughterboard CLCD has no memory-region: arm_dma_alloc() takes its frame buffer
    from the default CMA area (64 MiB at 0x9c000000, in HighMem: multi_v7_defconfig has
    CONFIG_HIGHMEM; the atomic pool has bits 0-63), aligned to min(get_order(1.5 MiB),
    CONFIG_CMA_ALIGNMENT) = 2^8 pages. Highmem pages have no linear address: the buffer is
    mapped in vmalloc space."""
    m = Machine().boot()
    lines = m.dmesg()
    assert "clcd-pl11x 10020000.clcd: /clcd@10020000 hardware, 1024x768@59 display" in lines
    assert f"clcd-pl11x 1001f000.clcd: {MB_CLCD} hardware, 640x480@59 display" in lines
    with m:
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c
        from cmaport.mm.cma import cma_c
        from cmaport.mm.cma_debug import bitmap_runs
        from cmaport.mm.vmalloc import VMALLOC_START, find_vm_area

        db = device_named("10020000.clcd").dev.driver_data
        assert (db.smem_start, db.smem_len) == (0x9C100000, FB)
        assert db.screen_base >= VMALLOC_START() and find_vm_area(db.screen_base).nr_pages == FB // 4096
        assert bitmap_runs(cma_c.get().cma_areas[0]) == [(0, 64), (256, 256 + FB // 4096)]
        assert dma_mapping_c.get().arm_dma_bufs[0].allocator.name == "cma_allocator"
        assert "10020000-10020fff : /clcd@10020000\n  10020000-10020fff : clcd-pl11x" in proc_iomem()


VGA = dict(clock_frequency=25175000, hactive=640, vactive=480, hfront_porch=16,
           hback_porch=48, hsync_len=96, vfront_porch=10, vback_porch=33, vsync_len=2)


def panel_board(dt, pads=(0, 8, 16), panel_compat="panel-dpi", timing=VGA, port=True,
                panel_props=None, extra=None, **clcd_props):
    """A PL111 at 0x1001f000 whose port leads to a panel (v4.9's vexpress wiring)."""
    root = dt.tree()
    clcd = root.add(dt.node("clcd@1f000", compatible=dt.strs("arm,pl111", "arm,primecell"),
                            reg=dt.u32s(0x1001F000, 0x1000), **clcd_props))
    if port:
        ep = {"remote_endpoint": dt.u32s(7)}
        if pads is not None:
            ep["arm__pl11x__tft_r0g0b0_pads"] = dt.u32s(*pads)
        clcd.add(dt.node("port")).add(dt.node("endpoint", **ep))
    panel = root.add(dt.node("panel", compatible=dt.strs(panel_compat), **(panel_props or {})))
    panel.add(dt.node("port")).add(dt.node("endpoint", phandle=dt.u32s(7)))
    panel.add(dt.node("panel-timing", **{k: dt.u32s(v) for k, v in timing.items()}))
    if extra:
        extra(root)
    return dt.board(root)


def clcd_lines(m):
    return [l for l in m.dmesg() if "clcd" in l or "graph:" in l or "timing" in l
            or "could not find" in l]


def test_a_dpi_panel_sets_the_mode_and_the_frame_size(dt, fake_arm):
    m = dt.boot(panel_board(dt), until=None)
    # 25.175 MHz / (800 x 525) = 59 Hz (integer division, as fb_videomode_from_videomode)
    assert "clcd-pl11x 1001f000.clcd: /clcd@1f000 hardware, 640x480@59 display" in m.dmesg()
    # without max-memory-bandwidth v4.9 takes 32 bits per pixel
    assert fake_arm.calls == [("alloc", "1001f000.clcd", 640 * 480 * 4)]


@pytest.mark.parametrize("bandwidth, bpp", [(50350000, 16), (100700000, 32), (1000000000, 32),
                                            (25175000, 8), (37762500, 8)])
def test_max_memory_bandwidth_gives_the_bits_per_pixel(dt, fake_arm, bandwidth, bpp):
    """bpp = bandwidth / 125 / PICOS2KHZ(pixclock), rounded down to a power of two, at most
    32: pixclock = KHZ2PICOS(25175) = 39721 ps, PICOS2KHZ(39721) = 25175 kHz."""
    dt.boot(panel_board(dt, max_memory_bandwidth=dt.u32s(bandwidth)), until=None)
    assert fake_arm.calls == [("alloc", "1001f000.clcd", 640 * 480 * bpp // 8)]


def test_a_clcd_without_a_panel_fails_the_probe_as_v49(dt, fake_arm):
    """No port: of_graph_get_next_endpoint() reports it, clcdfb_of_init_display() returns
    -ENODEV and the driver core drops the device without a message."""
    m = dt.boot(panel_board(dt, port=False), until=None)
    assert clcd_lines(m) == ["clcd-pl11x 1001f000.clcd: PL111 designer 41 rev2 at 0x1001f000",
                             "OF: graph: no port node found in /clcd@1f000"]
    with m:
        assert device_named("1001f000.clcd").dev.driver is None
        assert "clcd-pl11x" not in proc_iomem()  # the registers are given back
    assert fake_arm.calls == []


@pytest.mark.parametrize("kw, err, lines", [
    # an endpoint without the pads property: -ENOENT
    (dict(pads=None), -2, []),
    # a wiring the driver does not know for a PL111: -EINVAL
    (dict(pads=(1, 7, 13)), -22, []),
    # a panel that is not panel-dpi: -ENOENT
    (dict(panel_compat="sharp,lq035q7db03"), -2, []),
    # a timing with a missing value: every value is read, then -EINVAL
    (dict(timing={k: v for k, v in VGA.items() if k != "hsync_len"}), -22,
     ["/panel/panel-timing: could not find property hsync-len",
      "/panel/panel-timing: error reading timing properties"]),
])
def test_bad_panels_fail_the_probe(dt, fake_arm, kw, err, lines):
    m = dt.boot(panel_board(dt, **kw), until=None)
    got = clcd_lines(m)
    assert got == ["clcd-pl11x 1001f000.clcd: PL111 designer 41 rev2 at 0x1001f000"] + lines + [
        f"clcd-pl11x: probe of 1001f000.clcd failed with error {err}"]
    assert fake_arm.calls == []


def test_a_panel_with_a_backlight_waits_for_it(dt, fake_arm):
    """of_find_backlight_by_node() finds nothing (no backlight driver): -EPROBE_DEFER."""
    def backlight(root):
        root.add(dt.node("backlight", phandle=dt.u32s(9)))

    m = dt.boot(panel_board(dt, panel_props=dict(backlight=dt.u32s(9)), extra=backlight),
                until=None)
    assert not any("hardware" in l or "probe of" in l for l in m.dmesg())
    with m:
        from cmaport.drivers.base.dd import dd_c

        dev = device_named("1001f000.clcd").dev
        assert dev.driver is None
        s = dd_c.get()
        assert dev in s.deferred_probe_pending_list + s.deferred_probe_active_list
    assert fake_arm.calls == []


def test_a_memory_region_that_points_nowhere_fails_the_probe(dt, fake_arm):
    """v4.9: of_parse_phandle() finds no node, clcdfb_of_vram_setup() returns -ENODEV; the
    kernel says nothing and the frame buffer does not come from CMA either."""
    m = dt.boot(panel_board(dt, memory_region=dt.u32s(0x42)), until=None)
    assert not any("hardware" in l or "assigned" in l or "probe of" in l for l in m.dmesg())
    assert fake_arm.calls == []
    with m:
        assert device_named("1001f000.clcd").dev.driver is None
    notes = [str(d) for d in m.diagnostics if "memory-region" in str(d)]
    assert len(notes) == 1
    assert "/clcd@1f000: memory-region entry 0 is phandle 0x42, which names no node" in notes[0]
    assert "-ENODEV" in notes[0]


def test_a_memory_region_that_is_no_pool_falls_back_with_a_note(dt, fake_arm):
    """The model's one difference (the pl111 DRM driver's rule): a region node that cannot
    be bound as a DMA pool leaves the frame buffer to the generic allocator."""
    def region(root):
        root.find("/reserved-memory").add(dt.node(
            "fw@6f000000", reg=dt.u32s(0x6F000000, 0x100000), phandle=dt.u32s(3)))

    m = dt.boot(panel_board(dt, memory_region=dt.u32s(3), extra=region), until=None)
    assert "clcd-pl11x 1001f000.clcd: /clcd@1f000 hardware, 640x480@59 display" in m.dmesg()
    assert not any("assigned" in l for l in m.dmesg())
    assert fake_arm.calls == [("alloc", "1001f000.clcd", 640 * 480 * 4)]
    assert any("/reserved-memory/fw@6f000000 cannot be bound as a DMA pool (-22)" in str(d)
               for d in m.diagnostics)


def test_dma_client_from_the_device_tree_and_without_one(dt, fake_arm):
    from cmaport.drivers.misc.dma_client import dma_client_alloc, dma_client_create, dma_client_free

    root = dt.tree()
    root.find("/reserved-memory").add(dt.node(
        "pool@6f000000", compatible=dt.strs("shared-dma-pool"), reg=dt.u32s(0x6F000000, 0x10000),
        no_map=b"", phandle=dt.u32s(1)))
    root.add(dt.node("dma-client", compatible=dt.strs("cmaport,dma-client"),
                     memory_region=dt.u32s(1)))
    m = dt.boot(dt.board(root), until=None)
    assert ("cmaport-dma-client dma-client: assigned reserved memory node pool@6f000000"
            in m.dmesg())
    with m:
        client = device_named("dma-client")
        bufs = [dma_client_alloc(client, 0x4000) for _ in range(5)]
        # 64 KiB no-map pool inside RAM (a hole in System RAM, so memremap gives a WC mapping)
        assert [b.dma_handle for b in bufs[:4]] == [0x6F000000 + i * 0x4000 for i in range(4)]
        assert bufs[4] is None and fake_arm.calls == []  # exclusive pool: no fallback
        dma_client_free(client, bufs[1])
        assert dma_client_alloc(client, 0x1000).dma_handle == 0x6F004000
        plain = dma_client_create()
        assert dev_name(plain.dev) == "cmaport-dma-client.0.auto"
        assert plain.dev.driver is not None and plain.dev.driver_data.region_ret == -19
        assert dma_client_alloc(plain, 0x1000).dma_handle == 0x62000000
        assert fake_arm.calls == [("alloc", "cmaport-dma-client.0.auto", 0x1000)]
