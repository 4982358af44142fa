# SPDX-License-Identifier: GPL-2.0-only
"""kernel/config.py: v4.9 multi_v7_defconfig defaults, .config files, --set and errors."""

import pytest

from cmaport.kernel.config import SYMBOLS, KernelConfig
from cmaport.kernel.errors import ConfigError


def test_multi_v7_defaults_and_derived_constants():
    c = KernelConfig()
    assert c.get("CONFIG_CMA") is True
    assert c.get("CONFIG_CMA_SIZE_MBYTES") == 64  # multi_v7_defconfig
    assert c.get("CONFIG_CMA_AREAS") == 7
    # multi_v7_defconfig: ARCH_OMAP3=y brings ARCH_OMAP2PLUS_TYPICAL (default y), which
    # selects HIGHMEM (arch/arm/mach-omap2/Kconfig)
    assert c.get("CONFIG_HIGHMEM") is True
    assert "ARCH_OMAP2PLUS_TYPICAL" in SYMBOLS["CONFIG_HIGHMEM"].origin
    # FORCE_MAX_ZONEORDER defaults to 12 because multi_v7 enables SOC_AM33XX
    assert (c.MAX_ORDER, c.pageblock_order, c.pageblock_nr_pages) == (12, 11, 2048)
    assert c.MAX_CMA_AREAS == 8
    assert c.PAGE_OFFSET == 0xC0000000
    assert c.SMP_CACHE_BYTES == 64


def test_choice_and_depends():
    c = KernelConfig()
    c.set_assignment("CONFIG_CMA_SIZE_SEL_PERCENTAGE=y")
    assert c.get("CONFIG_CMA_SIZE_SEL_MBYTES") is False
    # CMA_SIZE_MBYTES depends on !CMA_SIZE_SEL_PERCENTAGE: undefined now
    assert c.get("CONFIG_CMA_SIZE_MBYTES") is None
    assert c.get("CONFIG_CMA_SIZE_PERCENTAGE") == 10
    c.set_assignment("CONFIG_VMSPLIT_2G=y")
    assert c.PAGE_OFFSET == 0x80000000
    c.set_assignment("CONFIG_CMA=n")
    assert c.MAX_CMA_AREAS == 0
    assert c.get("CONFIG_DMA_CMA") is False


@pytest.mark.parametrize("assignment,message", [
    ("CONFIG_FOO=y", "unknown configuration symbol CONFIG_FOO"),
    ("CONFIG_CMA_ALIGNMENT=13", "outside the Kconfig range 4..12"),
    # v4.9's Kconfig has no range for FORCE_MAX_ZONEORDER: the limit is the model's
    ("CONFIG_FORCE_MAX_ZONEORDER=15", "CONFIG_FORCE_MAX_ZONEORDER=15: outside the model's limit 9..14"),
    ("CONFIG_FORCE_MAX_ZONEORDER=8", "outside the model's limit 9..14"),
    # cma_areas[1 + CONFIG_CMA_AREAS]: a negative array size does not compile
    ("CONFIG_CMA_AREAS=-2", "CONFIG_CMA_AREAS=-2: below -1, the least value that compiles"),
    ("CONFIG_CMA_AREAS=seven", "CONFIG_CMA_AREAS=seven: not a decimal integer"),
    # Kconfig's int is a signed decimal: no Python underscores, no 0x or 0b prefixes
    ("CONFIG_CMA_SIZE_MBYTES=1_6", "not a decimal integer"),
    ("CONFIG_CMA_SIZE_MBYTES=0x20", "not a decimal integer"),
    # no Kconfig limit, but the model builds one struct cma per slot
    ("CONFIG_CMA_AREAS=99999999999", "above 4096, the model's limit"),
    ("CONFIG_HIGHMEM=maybe", "a bool takes y or n"),
    ("CONFIG_ARM_LPAE=y", "cannot be changed in this model"),
    ("CONFIG_CMA_SIZE_SEL_MBYTES=n", "one member of the CMA_SIZE_SEL choice must be y"),
    ("CMA_AREAS", "expected CONFIG_NAME=VALUE"),
    # mm/Kconfig: MEMORY_ISOLATION has no prompt, CMA and COMPACTION select MIGRATION
    ("CONFIG_MEMORY_ISOLATION=n", "CONFIG_MEMORY_ISOLATION=n: the symbol has no prompt; "
                                  "it is y exactly when CMA (which selects it) is y"),
    ("CONFIG_MIGRATION=n", "CONFIG_MIGRATION=n: it is selected by COMPACTION || CMA, which is y"),
])
def test_bad_settings_name_the_input_and_change_nothing(assignment, message):
    c = KernelConfig()
    before = c.to_dotconfig()
    with pytest.raises(ConfigError) as e:
        c.set_assignment(assignment)
    assert message in str(e.value)
    assert str(e.value).startswith("--set")
    assert c.to_dotconfig() == before


def test_load_dotconfig(tmp_path):
    path = tmp_path / "my.config"
    path.write_text(
        "#\n# a kernel .config\n#\n"
        "# CONFIG_HIGHMEM is not set\n"
        "# CONFIG_CMA_SIZE_SEL_MBYTES is not set\n"
        "CONFIG_CMA_SIZE_SEL_MAX=y\n"
        "CONFIG_CMA_SIZE_MBYTES=16\n"
        "CONFIG_FORCE_MAX_ZONEORDER=11\n"
        'CONFIG_CMDLINE="console=ttyAMA0"\n'
        "CONFIG_NET=y\n")
    c = KernelConfig()
    c.load(str(path))
    assert c.get("CONFIG_HIGHMEM") is False
    assert c.get("CONFIG_CMA_SIZE_SEL_MAX") is True
    assert c.get("CONFIG_CMA_SIZE_MBYTES") == 16
    assert c.get("CONFIG_CMDLINE") == "console=ttyAMA0"
    assert (c.MAX_ORDER, c.pageblock_order) == (11, 10)
    assert c.ignored == ["CONFIG_NET"]
    # a round trip through the writer keeps every value
    c2 = KernelConfig()
    c2.load("again", text=c.to_dotconfig())
    assert c2.to_dotconfig() == c.to_dotconfig()


def test_malformed_dotconfig_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.config"
    path.write_text("CONFIG_CMA=y\nthis is not a config line\n")
    with pytest.raises(ConfigError) as e:
        KernelConfig().load(str(path))
    assert f"{path}:line 2" in str(e.value)


def test_set_refuses_a_symbol_whose_dependency_is_off():
    c = KernelConfig()
    c.set_assignment("CONFIG_CMA=n")
    with pytest.raises(ConfigError) as e:
        c.set_assignment("CONFIG_DMA_CMA=y")
    assert "depends on HAVE_DMA_CONTIGUOUS && CMA" in str(e.value)


def test_selected_symbols_follow_what_selects_them(tmp_path):
    c = KernelConfig()
    assert c.get("CONFIG_MEMORY_ISOLATION") is True and c.get("CONFIG_MIGRATION") is True
    c.set_assignment("CONFIG_CMA=n")
    # only CMA selects MEMORY_ISOLATION on ARM; COMPACTION still selects MIGRATION
    assert c.get("CONFIG_MEMORY_ISOLATION") is False and c.get("CONFIG_MIGRATION") is True
    assert "# CONFIG_MEMORY_ISOLATION is not set" in c.to_dotconfig()
    c.set_assignment("CONFIG_COMPACTION=n")
    # MIGRATION depends on (... || COMPACTION || CMA): nothing left to offer it
    assert c.get("CONFIG_MIGRATION") is False
    with pytest.raises(ConfigError, match="CONFIG_MIGRATION depends on"):
        c.set_assignment("CONFIG_MIGRATION=y")
    with pytest.raises(ConfigError, match="has no prompt"):
        c.set_assignment("CONFIG_MEMORY_ISOLATION=y")
    # a file that contradicts a select is refused at its line; one that agrees loads
    path = tmp_path / "iso.config"
    path.write_text("# CONFIG_CMA is not set\nCONFIG_MEMORY_ISOLATION=y\n")
    with pytest.raises(ConfigError) as e:
        KernelConfig().load(str(path))
    assert f"{path}:line 2: CONFIG_MEMORY_ISOLATION=y: the symbol has no prompt" in str(e.value)
    path.write_text("CONFIG_CMA=y\nCONFIG_MEMORY_ISOLATION=y\nCONFIG_MIGRATION=y\n")
    c = KernelConfig()
    c.load(str(path))
    # a later --set that turns the selector off recomputes instead of blaming the file
    c.set_assignment("CONFIG_CMA=n")
    assert c.get("CONFIG_MEMORY_ISOLATION") is False


def test_a_batch_of_settings_is_order_free_and_all_or_nothing():
    # as a .config fragment: the value can come before the choice that makes it visible
    c = KernelConfig()
    c.set_assignments(["CONFIG_CMA_SIZE_PERCENTAGE=20", "CONFIG_CMA_SIZE_SEL_PERCENTAGE=y"])
    assert c.get("CONFIG_CMA_SIZE_PERCENTAGE") == 20
    # a batch that ends with a dependency unmet changes nothing
    c = KernelConfig()
    before = c.to_dotconfig()
    with pytest.raises(ConfigError) as e:
        c.set_assignments(["CONFIG_CMA_DEBUG=y", "CONFIG_HIGHMEM=n", "CONFIG_CMA=n"])
    assert str(e.value) == "--set: CONFIG_CMA_DEBUG depends on CMA, which is not met"
    assert c.to_dotconfig() == before


def test_a_file_is_read_whole_or_not_at_all_and_a_second_choice_member_overrides(tmp_path):
    path = tmp_path / "half.config"
    path.write_text("# CONFIG_HIGHMEM is not set\nCONFIG_CMA_AREAS=x\n")
    c = KernelConfig()
    before = c.to_dotconfig()
    with pytest.raises(ConfigError, match="line 2: CONFIG_CMA_AREAS=x"):
        c.load(str(path))
    assert c.to_dotconfig() == before
    # scripts/kconfig/confdata.c: the later member wins, with an "override" warning
    path.write_text("CONFIG_CMA_SIZE_SEL_MAX=y\nCONFIG_CMA_SIZE_SEL_MIN=y\n")
    c.load(str(path))
    assert c.get("CONFIG_CMA_SIZE_SEL_MIN") and not c.get("CONFIG_CMA_SIZE_SEL_MAX")
    assert c.notes == [f"{path}:line 2: override: CONFIG_CMA_SIZE_SEL_MIN changes choice "
                       "state (was CONFIG_CMA_SIZE_SEL_MAX)"]


def test_an_endless_file_is_refused(tmp_path):
    import os

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(ConfigError, match="more than 16 MiB: too large for a .config"):
        KernelConfig().load("/dev/zero")


def test_cma_areas_down_to_minus_one():
    c = KernelConfig()
    c.set_assignment("CONFIG_CMA_AREAS=-1")
    assert c.MAX_CMA_AREAS == 0  # GCC's zero-length array
    c.set_assignment("CONFIG_CMA_AREAS=64")
    assert c.MAX_CMA_AREAS == 65
    with pytest.raises(ConfigError) as e:
        c.set("CONFIG_CMA_AREAS", -5)
    assert "below -1" in str(e.value)


def test_range_errors_in_a_file_name_the_line(tmp_path):
    path = tmp_path / "r.config"
    path.write_text("CONFIG_CMA=y\nCONFIG_FORCE_MAX_ZONEORDER=20\n")
    with pytest.raises(ConfigError) as e:
        KernelConfig().load(str(path))
    assert str(e.value) == f"{path}:line 2: CONFIG_FORCE_MAX_ZONEORDER=20: outside the model's limit 9..14"


def test_a_config_file_that_is_not_utf8_or_not_there(tmp_path):
    path = tmp_path / "bin.config"
    path.write_bytes(b"CONFIG_CMA=y\nCONFIG_CMDLINE=\"\xe9\"\n")
    with pytest.raises(ConfigError) as e:
        KernelConfig().load(str(path))
    assert str(e.value) == (f"{path}:line 2: not a text .config: byte 0xe9 at offset 29 is not "
                            "UTF-8")
    with pytest.raises(ConfigError) as e:
        KernelConfig().load(str(tmp_path / "missing.config"))
    assert str(e.value).endswith("missing.config: cannot read: No such file or directory")
