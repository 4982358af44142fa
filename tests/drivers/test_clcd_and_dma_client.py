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
FB = 1024 * 768 * 2  # the model's default mode: 1024x768, 16 bpp
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
    assert [l for l in m.dmesg() if l.startswith("clcd-pl11x")] == [
        "clcd-pl11x 10020000.clcd: PL111 designer 41 rev2 at 0x10020000",
        "clcd-pl11x 10020000.clcd: /clcd@10020000 hardware, 1024x768@60 display",
        "clcd-pl11x 1001f000.clcd: PL111 designer 41 rev2 at 0x1001f000",
        "clcd-pl11x 1001f000.clcd: assigned reserved memory node vram@4c000000",
        f"clcd-pl11x 1001f000.clcd: {MB_CLCD} hardware, 1024x768@60 display",
    ]
    with m:
        mb = device_named("1001f000.clcd")
        fb = mb.dev.driver_data
        # order 9 (1.5 MiB -> 2 MiB of pages) at the start of the pool
        assert (fb.screen_base, fb.smem_start, fb.smem_len) == (iomem_ptr(SRAM), SRAM, FB)
        assert mb.dev.dma_mem.size == 2048 and mb.dev.dma_mem.flags == 0x09  # MAP|EXCLUSIVE
        assert m.hw.physmem.read(SRAM, FB) == bytes(FB)  # zeroed through the WC mapping
        assert set(m.hw.physmem.read(SRAM + FB, 0x1000)) == {0xAA}  # only size bytes
        # the next buffer of that device comes after the frame buffer's 512 pages
        assert dma_alloc_coherent(mb.dev, 4096, 0)[1] == SRAM + 0x200000
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
    from the default CMA area (64 MiB at 0x8c000000; the atomic pool has bits 0-63), aligned
    to min(get_order(1.5 MiB), CONFIG_CMA_ALIGNMENT) = 2^8 pages."""
    m = Machine().boot()
    lines = m.dmesg()
    assert "clcd-pl11x 10020000.clcd: /clcd@10020000 hardware, 1024x768@60 display" in lines
    assert f"clcd-pl11x 1001f000.clcd: {MB_CLCD} hardware, 1024x768@60 display" in lines
    with m:
        from cmaport.arch.arm.mm.dma_mapping import dma_mapping_c
        from cmaport.mm.cma import cma_c
        from cmaport.mm.cma_debug import bitmap_runs

        db = device_named("10020000.clcd").dev.driver_data
        assert (db.screen_base, db.smem_start, db.smem_len) == (0xEC100000, 0x8C100000, FB)
        assert bitmap_runs(cma_c.get().cma_areas[0]) == [(0, 64), (256, 256 + FB // 4096)]
        assert dma_mapping_c.get().arm_dma_bufs[0].allocator.name == "cma_allocator"
        assert "10020000-10020fff : /clcd@10020000\n  10020000-10020fff : clcd-pl11x" in proc_iomem()


def panel_board(dt, **clcd_props):
    root = dt.tree()
    clcd = root.add(dt.node("clcd@1f000", compatible=dt.strs("arm,pl111", "arm,primecell"),
                            reg=dt.u32s(0x1001F000, 0x1000), **clcd_props))
    port = clcd.add(dt.node("port"))
    port.add(dt.node("endpoint", remote_endpoint=dt.u32s(7)))
    panel = root.add(dt.node("panel", compatible=dt.strs("panel-dpi")))
    panel.add(dt.node("port")).add(dt.node("endpoint", phandle=dt.u32s(7)))
    panel.add(dt.node("panel-timing", clock_frequency=dt.u32s(25175000), hactive=dt.u32s(640),
                      vactive=dt.u32s(480), hfront_porch=dt.u32s(16), hback_porch=dt.u32s(48),
                      hsync_len=dt.u32s(96), vfront_porch=dt.u32s(10), vback_porch=dt.u32s(33),
                      vsync_len=dt.u32s(2)))
    return dt.board(root)


def test_a_dpi_panel_sets_the_mode_and_the_frame_size(dt, fake_arm):
    m = dt.boot(panel_board(dt), until=None)
    # 25.175 MHz / (800 x 525) = 59 Hz (integer division, as fb_videomode_from_videomode)
    assert "clcd-pl11x 1001f000.clcd: /clcd@1f000 hardware, 640x480@59 display" in m.dmesg()
    # without max-memory-bandwidth v4.9 takes 32 bits per pixel
    assert fake_arm.calls == [("alloc", "1001f000.clcd", 640 * 480 * 4)]


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
