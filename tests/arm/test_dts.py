# SPDX-License-Identifier: GPL-2.0-only
"""The shipped device trees: their blobs match their sources, and .dts input goes through dtc."""

import importlib.resources
import pathlib
import shutil

import pytest

from cmaport.arch.arm.hw import fdt_image
from cmaport.arch.arm.hw.board import builtin_dtb

needs_dtc = pytest.mark.skipif(shutil.which("dtc") is None,
                               reason="dtc (device-tree-compiler) is not on PATH")
DTS_DIR = pathlib.Path(str(importlib.resources.files("cmaport.arch.arm.boot.dts")))
ORACLE_DTS = pathlib.Path(__file__).resolve().parent.parent / "data" / "oracle" / "dts"


@needs_dtc
@pytest.mark.parametrize("name", ["vexpress-v2p-ca9", "virt-base"])
def test_shipped_blob_is_its_source_compiled(name):
    assert fdt_image.compile_dts(str(DTS_DIR / f"{name}.dts")) == builtin_dtb(f"{name}.dtb")


def test_default_board_tree_has_the_vram_pool_and_the_clcd_using_it():
    root, rsv = fdt_image.parse_dtb(builtin_dtb("vexpress-v2p-ca9.dtb"))
    vram = root.find("/reserved-memory/vram@4c000000")
    assert vram.get_strs("compatible") == ["shared-dma-pool"]
    assert "no-map" in vram.props
    assert vram.get_u32s("reg") == [0x4C000000, 0x00800000]
    clcd = root.find("/smb@4000000/motherboard/iofpga@7,0/clcd@1f000")
    assert clcd.get_strs("compatible") == ["arm,pl111", "arm,primecell"]
    assert clcd.get_u32s("memory-region") == vram.get_u32s("phandle")
    assert root.find("/memory@60000000").get_u32s("reg") == [0x60000000, 0x40000000]
    assert rsv == []


@needs_dtc
@pytest.mark.parametrize("dts", sorted(p.name for p in ORACLE_DTS.glob("*.dts")))
def test_oracle_trees_compile_against_our_virt_base(dts):
    blob = fdt_image.compile_dts(str(ORACLE_DTS / dts), include_dirs=[str(DTS_DIR)])
    root, _ = fdt_image.parse_dtb(blob)
    expected = "V2P-CA9" if dts.startswith("vexpress") else "linux,dummy-virt"
    assert root.get_str("model") == expected
    assert root.find("/reserved-memory") is not None


def test_missing_dtc_is_a_clear_error(monkeypatch, tmp_path):
    from cmaport.kernel.errors import DeviceTreeError

    monkeypatch.setattr(shutil, "which", lambda name: None)
    src = tmp_path / "x.dts"
    src.write_text("/dts-v1/; / { };\n")
    with pytest.raises(DeviceTreeError, match="`dtc` is not on PATH"):
        fdt_image.compile_dts(str(src))


def test_unreadable_source_is_a_device_tree_error(tmp_path):
    from cmaport.kernel.errors import DeviceTreeError

    with pytest.raises(DeviceTreeError) as e:
        fdt_image.compile_dts("/nonexistent.dts")
    assert str(e.value) == "/nonexistent.dts: cannot read: No such file or directory"
    with pytest.raises(DeviceTreeError) as e:
        fdt_image.compile_dts(str(tmp_path))
    assert str(e.value) == f"{tmp_path}: cannot read: Is a directory"


@needs_dtc
def test_dtc_error_is_one_line_with_file_and_line(tmp_path):
    from cmaport.kernel.errors import DeviceTreeError

    src = tmp_path / "bad.dts"
    src.write_text("/dts-v1/;\n/ {\n\tx { y; };\n\tz = <1>;\n};\n")
    with pytest.raises(DeviceTreeError) as e:
        fdt_image.compile_dts(str(src))
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(f"{src}: dtc failed: Error: {src}:4.")
    assert msg.endswith("(FATAL ERROR: Unable to parse input tree)")


@needs_dtc
def test_vexpress_a15_blob_is_its_source_compiled():
    assert (fdt_image.compile_dts(str(DTS_DIR / "vexpress-v2p-ca15-tc1.dts"))
            == builtin_dtb("vexpress-v2p-ca15-tc1.dtb"))
