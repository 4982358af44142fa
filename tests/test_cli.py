# SPDX-License-Identifier: GPL-2.0-only
"""The cmaport command line: the board options, and bad input as one line + exit status 2."""

import pytest

from cmaport.cli import main


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
    # the model's notes go to stderr, never into the kernel log
    assert "cmaport: note:" in err and "cmaport: note:" not in out


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
    cfg.write_text("CONFIG_HIGHMEM=y\nCONFIG_SOMETHING_ELSE=y\n")
    code, out, err = run(capsys, "boot", "--config", str(cfg))
    assert code == 0
    assert "Truncating RAM" not in out
    assert "1 symbol(s) of" in err


@pytest.mark.parametrize("argv,message", [
    (["--mem", "12Q"], "cmaport: error: --mem: '12Q' is not a size"),
    (["--mem", "5G"], "above the 32-bit physical address space"),
    (["--mem", "0"], "RAM size is zero"),
    (["--set", "CONFIG_FOO=1"], "cmaport: error: --set: unknown configuration symbol CONFIG_FOO"),
    (["--board", "pi"], "'pi' is not a built-in board"),
    (["--initrd", "16M@0x60000000"], "overlaps the kernel image"),
    (["--initrd", "16M@0x10000000"], "does not fit in RAM"),
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
