# SPDX-License-Identifier: GPL-2.0-only
"""The kernel-tree layout installs as one package: every code folder is listed."""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _config():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]


def test_every_folder_with_python_code_is_a_listed_package():
    cfg = _config()
    listed = set(cfg["packages"])
    mapping = cfg["package-dir"]
    found = set()
    for pkg, folder in mapping.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            name = pkg if str(rel) == "." else pkg + "." + ".".join(rel.parts)
            found.add(name)
        for py in base.rglob("*.py"):
            assert (py.parent / "__init__.py").exists(), f"{py} is in a folder without __init__.py"
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - found == set(), "these listed packages have no folder"


def test_only_cmaport_is_installed_at_the_top():
    cfg = _config()
    assert {p.split(".")[0] for p in cfg["packages"]} == {"cmaport"}
