# SPDX-License-Identifier: GPL-2.0-only
"""The cmaport command line: the board options, and bad input as one line + exit status 2."""

import importlib.resources
import pathlib
import shutil

import pytest

from cmaport.arch.arm.hw import fdt_image
from cmaport.arch.arm.hw.board import builtin_dtb
from cmaport.cli import main, parse_cma_action
from cmaport.kernel.errors import InputError

needs_dtc = pytest.mark.skipif(shutil.which("dtc") is None,
                               reason="dtc (device-tree-compiler) is not on PATH")
DTS_DIR = pathlib.Path(str(importlib.resources.files("cmaport.arch.arm.boot.dts")))
ORACLE_DTS = pathlib.Path(__file__).resolve().parent / "data" / "oracle" / "dts"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code, out, err


def test_boot_with_no_arguments_prints_the_log(capsys):
    code, out, err = run(capsys, "boot")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Booting Linux on physical CPU 0x0"
    assert "OF: fdt:Machine model: V2P-CA9" in lines
    assert "MEMBLOCK configuration:" in lines
    assert "Kernel command line: console=ttyAMA0 memblock=debug" in lines
    # multi_v7_defconfig has CONFIG_HIGHMEM: all 1 GiB, the default area at the top of highmem
    assert not any(l.startswith("Truncating RAM") for l in lines)
    assert "cma: Reserved 64 MiB at 0x9c000000" in lines
    assert "  HighMem zone: 65536 pages, LIFO batch:15" in lines
    assert err == ""


def test_notes_go_to_stderr_never_into_the_log(capsys):
    code, out, err = run(capsys, "boot", "--cmdline", "console=ttyAMA0 cma=5G")
    assert code == 0
    assert err.startswith("cmaport: note: cma=: cma=5G: ") and "cmaport: note:" not in out


def test_timestamps(capsys):
    code, out, _ = run(capsys, "boot", "--timestamps")
    assert code == 0
    assert out.splitlines()[0] == "[    0.000000] Booting Linux on physical CPU 0x0"


def test_options_reach_the_kernel(capsys):
    code, out, _ = run(capsys, "boot", "--board", "virt", "--mem", "1G",
                       "--cmdline", "memblock=debug foo=bar", "--set", "CONFIG_HIGHMEM=y")
    assert code == 0
    assert "OF: fdt:Machine model: linux,dummy-virt" in out
    assert " memory[0x0]\t[0x00000040000000-0x0000007fffffff], 0x40000000 bytes flags: 0x0" in out
    assert "Kernel command line: memblock=debug foo=bar" in out


def test_config_file(tmp_path, capsys):
    cfg = tmp_path / "board.config"
    cfg.write_text("# CONFIG_HIGHMEM is not set\nCONFIG_SOMETHING_ELSE=y\n")
    code, out, err = run(capsys, "boot", "--config", str(cfg))
    assert code == 0
    assert "Truncating RAM at 0x60000000-0xa0000000 to -0x90000000\n" in out
    assert "1 symbol(s) of" in err


def test_config_file_that_is_not_utf8(tmp_path, capsys):
    cfg = tmp_path / "binary.config"
    cfg.write_bytes(b"CONFIG_CMA=y\n# \xff\xfe\n")
    code, out, err = run(capsys, "boot", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err == (f"cmaport: error: {cfg}:line 2: not a text .config: byte 0xff at offset 15 "
                   "is not UTF-8\n")


@pytest.mark.parametrize("argv,message", [
    (["--mem", "12Q"], "cmaport: error: --mem: '12Q' is not a size"),
    (["--mem", "5G"], "cmaport: error: --mem: RAM 0x60000000+0x140000000 ends at 0x1a0000000, "
                      "above the 32-bit physical address space"),
    (["--mem", "4G"], "cmaport: error: --mem: RAM 0x60000000+0x100000000 ends at 0x160000000"),
    (["--mem", "1G@0xd0000000"], "cmaport: error: --mem: RAM 0xd0000000+0x40000000 ends at "
                                 "0x110000000"),
    (["--mem", "99999999999999999999999G"],
     "cmaport: error: --mem: '99999999999999999999999G' is too large"),
    (["--mem", "16E"], "cmaport: error: --mem: '16E' is too large"),
    (["--mem", ""], "cmaport: error: --mem: '' is not a size"),
    (["--initrd", ""], "cmaport: error: --initrd: '' is not a size"),
    (["--mem", "0"], "RAM size is zero"),
    (["--mem", "512M@0x60000001"], "cmaport: error: --mem: RAM starts at 0x60000001, which is "
                                   "not 16 MiB aligned"),
    (["--mem", "512M@0x68800000"], "cmaport: error: --mem: RAM starts at 0x68800000, which is "
                                   "not 16 MiB aligned"),
    (["--board", "virt", "--mem", "512M@0x40800000"], "cmaport: error: --mem: RAM starts at "
                                                      "0x40800000"),
    (["--mem", "8M"], "cmaport: error: --mem: 8 MiB of RAM at 0x60000000 cannot hold the kernel "
                      "image, loaded at 0x60008000 and ending at 0x60be8000"),
    (["--mem", "11M"], "cmaport: error: --mem: 11 MiB of RAM at 0x60000000 cannot hold"),
    (["--mem", "12M"], "cmaport: error: --mem: 12 MiB of RAM is too small: the bootloader puts "
                       "the device tree at 0x60600000 (RAM base + min(RAM/2, 128 MiB)), inside the "
                       "kernel image (0x60008000-0x60be7fff); give at least 24 MiB"),
    (["--mem", "23M"], "device tree at 0x60b80000"),
    (["--mem", "512M@0x40000000"], "cmaport: error: --mem: device memory 'video SRAM' at "
                                   "0x4c000000+0x800000 overlaps RAM 0x40000000+0x20000000"),
    (["--set", "CONFIG_FOO=1"], "cmaport: error: --set: unknown configuration symbol CONFIG_FOO"),
    (["--mem", "512M@"], "cmaport: error: --mem: '512M@': no address after '@' (SIZE or SIZE@ADDR)"),
    (["--config", ""], "cmaport: error: --config: '' is neither a file nor a shipped configuration"),
    (["--dtb", "/dev/zero"], "cmaport: error: /dev/zero: more than 16 MiB: too large for a "
                             "device-tree blob"),
    (["--board", "pi"], "'pi' is not a built-in board"),
    (["--initrd", "16M@0x60000000"], "cmaport: error: --initrd: initrd 0x60000000+0x1000000 "
                                     "overlaps the kernel image"),
    (["--initrd", "1M@0x60b00000"], "cmaport: error: --initrd: initrd 0x60b00000+0x100000 "
                                    "overlaps the kernel image"),
    (["--initrd", "16M@0x10000000"], "cmaport: error: --initrd: initrd 0x10000000+0x1000000 "
                                     "does not fit in RAM"),
    (["--mem", "512M", "--initrd", "16M@0x7f000000"],
     "cmaport: error: --initrd: the bootloader puts the device tree after the initrd, at "
     "0x80000000, and it does not fit in RAM there"),
])
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    code, out, err = run(capsys, "boot", *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_corrupt_dtb_names_file_and_offset(tmp_path, capsys):
    from cmaport.arch.arm.hw.board import builtin_dtb

    blob = bytearray(builtin_dtb("vexpress-v2p-ca9.dtb"))
    truncated = tmp_path / "truncated.dtb"
    truncated.write_bytes(bytes(blob[:200]))
    code, _, err = run(capsys, "boot", "--dtb", str(truncated))
    assert code == 2 and str(truncated) in err and "truncated" in err
    blob[0] = 0
    badmagic = tmp_path / "badmagic.dtb"
    badmagic.write_bytes(bytes(blob))
    code, _, err = run(capsys, "boot", "--dtb", str(badmagic))
    assert code == 2 and "bad magic 0x000dfeed at offset 0x0" in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "boot", "--dtb", "/nonexistent/board.dtb")
    assert code == 2
    assert "/nonexistent/board.dtb" in err


@pytest.mark.parametrize("option", ["--dtb", "--dts"])
def test_unreadable_tree_is_one_line(tmp_path, capsys, option):
    code, out, err = run(capsys, "boot", option, "/nonexistent.dts")
    assert (code, out) == (2, "")
    assert err == "cmaport: error: /nonexistent.dts: cannot read: No such file or directory\n"
    code, out, err = run(capsys, "boot", option, str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"cmaport: error: {tmp_path}: cannot read: Is a directory\n"


def test_usage_errors_are_one_line(capsys):
    code, out, err = run(capsys, "boot", "--nope")
    assert (code, out) == (2, "")
    assert err == "cmaport: error: No such option '--nope'. (see 'cmaport boot --help')\n"
    code, _, err = run(capsys, "proc", "slabinfo")
    assert code == 2 and len(err.splitlines()) == 1 and "'slabinfo' is not one of" in err


def test_smallest_ram_that_holds_the_kernel_and_the_blob_boots(capsys):
    code, out, err = run(capsys, "boot", "--mem", "24M")
    assert code == 0, err
    # the blob at RAM + 12 MiB, just above the image's _end (0x60be8000)
    assert "memblock_reserve: [0x00000060c00000-" in out


def tree_file(tmp_path, edit, name="board.dtb", base="vexpress-v2p-ca9.dtb"):
    """A built-in blob changed by ``edit(root)``, written to a file."""
    root, rsv = fdt_image.parse_dtb(builtin_dtb(base))
    edit(root)
    path = tmp_path / name
    path.write_bytes(fdt_image.build_dtb(root, rsv))
    return str(path)


def test_memory_with_only_empty_tuples(tmp_path, capsys):
    def empty(root):
        root.find("/memory@60000000").set_u32s("reg", [0x60000000, 0, 0x70000000, 0])

    path = tree_file(tmp_path, empty)
    code, out, err = run(capsys, "boot", "--dtb", path)
    assert (code, out) == (2, "")
    assert err == (f"cmaport: error: {path}: the board has no RAM: its /memory node describes no "
                   "RAM (no reg tuple with a non-zero size), and no --mem gives it\n")

    def no_memory(root):
        root.children.remove(root.find("/memory@60000000"))

    path = tree_file(tmp_path, no_memory, "nomem.dtb")
    code, _, err = run(capsys, "boot", "--dtb", path)
    assert code == 2 and "the device tree has no /memory node, and no --mem gives it" in err
    # --mem SIZE: the RAM is where the board (named by the tree's compatible) has it
    code, out, err = run(capsys, "boot", "--dtb", path, "--mem", "512M")
    assert code == 0, err
    assert " memory[0x0]\t[0x00000060000000-0x0000007fffffff], 0x20000000 bytes flags: 0x0\n" in out

    def no_memory_no_board(root):
        no_memory(root)
        root.set_str("compatible", "example,unknown")

    path = tree_file(tmp_path, no_memory_no_board, "nomem-unknown.dtb")
    code, _, err = run(capsys, "boot", "--dtb", path, "--mem", "512M")
    assert code == 2
    assert err == (f"cmaport: error: --mem: '512M': {path} describes no RAM to take the base from; "
                   "give it as --mem SIZE@BASE\n")


def test_root_cells_of_zero(tmp_path, capsys):
    def zero_cells(root):
        root.set_u32s("#address-cells", [0])
        root.set_u32s("#size-cells", [0])

    path = tree_file(tmp_path, zero_cells)
    code, out, err = run(capsys, "boot", "--dtb", path)
    assert (code, out) == (2, "")
    assert ("cannot be read with the root's #address-cells = <0> and #size-cells = <0>, and no "
            "--mem gives it") in err
    # with the RAM given, the kernel's own scan meets the cells: it skips /memory (a note:
    # v4.9 would loop forever) and then has no memory at all
    code, out, err = run(capsys, "boot", "--dtb", path, "--mem", "256M")
    assert code == 1 and out.startswith("Booting Linux on physical CPU 0x0\n")
    assert "early_init_dt_scan_memory: root #address-cells=0 #size-cells=0" in err
    assert err.splitlines()[-1].startswith("cmaport: the kernel stopped: ")
    assert "Traceback" not in err


def test_builtin_tree_as_dtb_boots_on_its_boards_hardware(capsys):
    code, default, _ = run(capsys, "boot")
    assert code == 0
    code, out, err = run(capsys, "boot", "--dtb", str(DTS_DIR / "vexpress-v2p-ca9.dtb"))
    assert (code, err) == (0, "")
    # the video SRAM is there for the CLCD, the CPU and the bootloader's command line too
    assert out == default
    code, virt, _ = run(capsys, "boot", "--board", "virt")
    code, out, _ = run(capsys, "boot", "--dtb", str(DTS_DIR / "virt-base.dtb"))
    assert code == 0 and out == virt


def test_board_hardware_with_another_tree_bus_error_is_an_oops(capsys):
    """``--board virt`` has no video SRAM: the vexpress tree's CLCD writes to 0x4c000000,
    which no memory answers. The log so far, one line of reason, status 1."""
    code, out, err = run(capsys, "boot", "--board", "virt",
                         "--dtb", str(DTS_DIR / "vexpress-v2p-ca9.dtb"))
    assert code == 1
    assert "OF: fdt:Machine model: V2P-CA9\n" in out
    assert "CPU: PIPT / VIPT nonaliasing data cache, PIPT instruction cache\n" in out  # virt's A15
    assert err.splitlines()[-1].startswith(
        "cmaport: the kernel stopped: external abort (bus error): physical access 0x4c000000+")
    assert "Traceback" not in err


def test_bus_error_in_a_boot_is_reported_like_an_oops(capsys, monkeypatch):
    from cmaport.arch.arm.hw.physmem import BusError
    from cmaport.kernel.machine import Machine

    def boot(self, until=None):
        with self:
            from cmaport.kernel.printk import pr_helpers

            pr_helpers("").info("a line before the abort\n")
        raise BusError(0x4C000000, 0x1000)

    monkeypatch.setattr(Machine, "boot", boot)
    code, out, err = run(capsys, "boot")
    assert code == 1
    assert out == "a line before the abort\n"
    assert err == ("cmaport: the kernel stopped: external abort (bus error): physical access "
                   "0x4c000000+0x1000 is outside RAM and device memory\n")


@needs_dtc
def test_dts_that_includes_a_builtin_tree_gets_its_hardware(capsys):
    code, out, err = run(capsys, "boot", "--dts", str(ORACLE_DTS / "vexpress-a9-cma.dts"))
    assert code == 0, err
    assert "Reserved memory: created CMA memory pool at 0x6e000000, size 32 MiB\n" in out
    assert "clcd-pl11x 1001f000.clcd: assigned reserved memory node vram@4c000000\n" in out
    assert "Kernel command line: console=ttyAMA0 memblock=debug\n" in out


@needs_dtc
def test_board_with_dts_is_the_oracles_form(capsys):
    code, out, err = run(capsys, "boot", "--board", "virt", "--dts",
                         str(ORACLE_DTS / "virt-cma-pools.dts"), "--mem", "512M")
    assert code == 0, err
    assert "CPU: ARMv7 Processor [414fc0f0] revision 0 (ARMv7), cr=10c5387d\n" in out
    assert "OF: fdt:Machine model: linux,dummy-virt\n" in out
    assert "Reserved memory: created CMA memory pool at 0x5c000000, size 64 MiB\n" in out


@needs_dtc
@pytest.mark.parametrize("source,message", [
    ("/dts-v1/;\n/ {\n  foo = <1 2;\n};\n",
     "dtc failed: Error: {path}:3.13-14 syntax error (FATAL ERROR: Unable to parse input tree)"),
    ("/dts-v1/;\n/ { a = &nolabel; };\n",
     'dtc failed: {path}:2.3-21: ERROR (path_references): /: Reference to non-existent node or '
     'label "nolabel" (ERROR: Input tree has errors, aborting (use -f to force output))'),
])
def test_dtc_errors_are_one_line(tmp_path, capsys, source, message):
    path = tmp_path / "broken.dts"
    path.write_text(source)
    code, out, err = run(capsys, "boot", "--dts", str(path))
    assert (code, out) == (2, "")
    assert err == f"cmaport: error: {path}: " + message.format(path=path) + "\n"


@pytest.mark.skipif(shutil.which("dtc") is None or shutil.which("cpp") is None,
                    reason="dtc and cpp are needed")
def test_cpp_errors_are_one_line(tmp_path, capsys):
    path = tmp_path / "inc.dts"
    path.write_text('/dts-v1/;\n#include "nothere.h"\n/ { };\n')
    code, out, err = run(capsys, "boot", "--dts", str(path))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"cmaport: error: {path}: cpp failed: {path}:2:10: fatal error: "
                          "nothere.h: No such file or directory")


def test_compiler_output_folding():
    from cmaport.arch.arm.hw.fdt_image import _one_line

    gcc = ('x.dts:2:10: fatal error: nothere.h: No such file or directory\n'
           '    2 | #include "nothere.h"\n      |          ^~~~~~~~~~~\ncompilation terminated.\n')
    assert _one_line(gcc) == ("x.dts:2:10: fatal error: nothere.h: No such file or directory "
                              "(compilation terminated.)")
    # the error with a file:line comes first even when another line precedes it
    assert _one_line("Warning: something\nError: x.dts:3.1-2 bad\nFATAL ERROR: stop\n") == \
        "Error: x.dts:3.1-2 bad (Warning: something; FATAL ERROR: stop)"
    assert _one_line('FATAL ERROR: Couldn\'t open "a.dtsi"\n') == 'FATAL ERROR: Couldn\'t open "a.dtsi"'
    assert _one_line("") == "no message"


def test_proc_help_lists_every_file(capsys):
    code, out, _ = run(capsys, "proc", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "NAME: buddyinfo, iomem, meminfo, pagetypeinfo, vmstat, zoneinfo." in text


# -- cmaport cma: actions ----------------------------------------------------------------------

def test_area_names_may_hold_an_at_sign():
    assert parse_cma_action("alloc:16@cma2@48800000") == ("alloc", [16], "cma2@48800000")
    assert parse_cma_action("free:0x48800:16@cma2@48800000") == ("free", [0x48800, 16],
                                                                 "cma2@48800000")


@pytest.mark.parametrize("text,message", [
    ("alloc:0x100000000", "COUNT 0x100000000 does not fit cma_alloc()'s size_t count"),
    ("alloc:1:4294967296", "ALIGN 0x100000000 does not fit cma_alloc()'s unsigned int align"),
    ("free:0x100000000:1", "PFN 0x100000000 does not fit an unsigned long pfn"),
    ("free:0x60000:0x100000001@default", "COUNT 0x100000001 does not fit cma_release()'s "
                                         "unsigned int count"),
])
def test_numbers_must_fit_their_c_types(text, message):
    with pytest.raises(InputError) as e:
        parse_cma_action(text)
    assert str(e.value) == f"cmaport cma: {text!r}: {message} (32 bits on this ARM)"
    # the largest values that fit are accepted
    assert parse_cma_action("alloc:0xffffffff:0xffffffff")[1] == [0xFFFFFFFF, 0xFFFFFFFF]


def test_every_action_is_checked_before_the_boot(capsys, monkeypatch):
    import cmaport.cli as cli

    def no_boot(*a, **k):
        raise AssertionError("the machine was booted")

    monkeypatch.setattr(cli, "boot_machine", no_boot)
    code, out, err = run(capsys, "cma", "alloc:16", "free:0x9c000:0x100000000")
    assert (code, out) == (2, "")
    assert err.startswith("cmaport: error: cmaport cma: 'free:0x9c000:0x100000000': COUNT")


def cma2_tree(root):
    rm = root.ensure("/reserved-memory")
    rm.set_u32s("#address-cells", [2])
    rm.set_u32s("#size-cells", [2])
    rm.props["ranges"] = b""
    node = rm.add(fdt_image.Node("cma2@48800000"))
    node.set_str("compatible", "shared-dma-pool")
    node.props["reusable"] = b""
    node.set_u32s("reg", [0, 0x48800000, 0, 0x800000])


def test_area_named_by_a_node_with_a_unit_address(tmp_path, capsys):
    path = tree_file(tmp_path, cma2_tree, base="virt-base.dtb")
    code, out, err = run(capsys, "cma", "--dtb", path, "--mem", "512M",
                         "alloc:16@cma2@48800000", "free:0x48800:16@cma2@48800000")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == ("cma-0 (cma2@48800000): base_pfn=0x48800 count=2048 order_per_bit=0 "
                        "used=0 maxchunk=2048")
    assert "alloc count=16 align=0 @cma-0 -> pfn 0x48800 (bit 0)" in lines
    assert "free pfn=0x48800 count=16 @cma-0 -> true" in lines


def test_failing_action_is_named_and_earlier_output_stays(capsys):
    code, out, err = run(capsys, "cma", "alloc:16", "free:0x9c000:99999999", "alloc:4")
    assert code == 2
    lines = out.splitlines()
    assert lines[-2:] == ["alloc count=16 align=0 @cma-0 -> pfn 0x9c040 (bit 64)",
                          "  cma-0: used=464 maxchunk=15744 bitmap: [0-80) [256-640)"]
    assert not any(l.startswith("alloc count=4 ") for l in lines)  # nothing after the failure
    assert err.splitlines()[-1].startswith(
        "cmaport: error: cma action 'free:0x9c000:99999999': free_contig_range: range [0x9c000, ")


def test_kernel_stop_in_an_action_is_named(capsys, monkeypatch):
    import cmaport.cli as cli
    from cmaport.kernel.errors import KernelBug

    real = cli.run_cma_action

    def run_action(action, c):
        if action[0] == "free":
            raise KernelBug("cma_release", "made up for the test")
        return real(action, c)

    monkeypatch.setattr(cli, "run_cma_action", run_action)
    code, out, err = run(capsys, "cma", "alloc:16", "free:0x9c040:16")
    assert code == 1
    assert out.splitlines()[-2] == "alloc count=16 align=0 @cma-0 -> pfn 0x9c040 (bit 64)"
    assert err.splitlines()[-1] == ("cmaport: the kernel stopped in cma action 'free:0x9c040:16': "
                                    "kernel BUG in cma_release(): made up for the test")
