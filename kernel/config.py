# SPDX-License-Identifier: GPL-2.0-only
"""Model-only: the Kconfig configuration of the modelled kernel build.

The symbols in scope, their types, dependencies and their values for the default build,
which is **v4.9's ``arch/arm/configs/multi_v7_defconfig``** (the ARMv7 multiplatform
build) resolved through v4.9's Kconfig defaults and ``select``s. Each symbol records
where its default comes from. A configuration is read from a ``.config``-format file
(``KernelConfig.load``) and changed with ``set`` (the CLI's ``--set CONFIG_X=V``).

Values: ``bool`` symbols are ``True``/``False`` (``y``/``n``; ``m`` counts as ``y``),
``int``/``hex`` symbols are ``int``, ``string`` symbols ``str``. A symbol whose
``depends on`` is not met is undefined: ``False`` for a bool, ``None`` otherwise, as
``#ifdef CONFIG_X`` would see it.

What the kernel derives at compile time from the configuration (``MAX_ORDER``,
``pageblock_order``, ``MAX_CMA_AREAS``, ``PAGE_OFFSET``, ``SMP_CACHE_BYTES``…) is
computed by ``finalize()`` and stored as attributes of the configuration.
"""

import contextlib
import re

import attrs

from cmaport.kernel.errors import ConfigError, read_input_file


@attrs.frozen
class Symbol:
    """Model-only: one Kconfig symbol in scope."""

    name: str
    type: str  # "bool", "int", "hex", "string"
    default: object
    origin: str  # where the default value comes from
    depends: str = ""  # Kconfig "depends on" expression, "" for none
    range: tuple = None  # (lo, hi) for int symbols; None for an open end
    range_is: str = "the Kconfig range"  # whose limit ``range`` is, for the error message
    model_max: int = None  # where Kconfig sets no upper limit, the most the model takes
    choice: str = None  # name of the choice group the symbol belongs to
    fixed: str = None  # if set: why the model cannot take another value
    selected_by: str = ""  # Kconfig expression of the symbols that "select" this one
    prompt: bool = True  # False: no prompt, the value comes only from selected_by
    help: str = ""


def _S(name, type_, default, origin, **kw):
    """Model-only: a ``Symbol`` named ``CONFIG_<name>`` (shorthand for the table below)."""
    return Symbol("CONFIG_" + name, type_, default, origin, **kw)


_MV7 = "multi_v7_defconfig"
_KC = "Kconfig default"

# The symbols in scope. Keep them grouped as the Kconfig files are.
SYMBOLS = {s.name: s for s in (
    # arch/arm/Kconfig, arch/arm/mm/Kconfig
    _S("ARM", "bool", True, _KC, fixed="the model is a 32-bit ARM machine"),
    _S("MMU", "bool", True, _KC, fixed="the model has an MMU"),
    _S("CPU_V7", "bool", True, "selected by ARCH_MULTI_V7", fixed="the model's CPU is an ARMv7 Cortex-A9"),
    _S("ARCH_MULTI_V7", "bool", True, _MV7, fixed="the model is an ARMv7 multiplatform build"),
    _S("ARCH_VEXPRESS", "bool", True, _MV7),
    _S("SMP", "bool", True, _MV7),
    _S("NR_CPUS", "int", 16, _MV7, depends="SMP", range=(2, 32)),
    _S("ARM_LPAE", "bool", False, _KC, fixed="LPAE (3-level page tables, 64-bit phys_addr_t) is not modelled"),
    _S("HIGHMEM", "bool", True, "selected by ARCH_OMAP2PLUS_TYPICAL (default y, "
       "arch/arm/mach-omap2/Kconfig), which ARCH_OMAP3=y of multi_v7_defconfig brings in; "
       "the defconfig also has HIGHPTE=y",
       help="High memory support: RAM above the lowmem limit becomes ZONE_HIGHMEM instead of being ignored"),
    _S("VMSPLIT_3G", "bool", True, _KC, choice="VMSPLIT"),
    _S("VMSPLIT_2G", "bool", False, _KC, choice="VMSPLIT"),
    _S("VMSPLIT_1G", "bool", False, _KC, choice="VMSPLIT"),
    # v4.9's Kconfig gives FORCE_MAX_ZONEORDER no range; 9..14 is what the model supports
    _S("FORCE_MAX_ZONEORDER", "int", 12, "Kconfig default with SOC_AM33XX=y (multi_v7_defconfig)",
       range=(9, 14), range_is="the model's limit",
       help="MAX_ORDER: the buddy allocator handles blocks of 2^0 .. 2^(MAX_ORDER-1) pages"),
    _S("ZONE_DMA", "bool", True, "selected by ARCH_PRIMA2 (default y under ARCH_SIRF in multi_v7_defconfig)"),
    _S("ARM_L1_CACHE_SHIFT", "int", 6, "Kconfig default for CPU_V7 (ARM_L1_CACHE_SHIFT_6)"),
    _S("ARM_DMA_MEM_BUFFERABLE", "bool", True, "Kconfig default for CPU_V7"),
    _S("DEBUG_RODATA", "bool", True, "Kconfig default for CPU_V7", depends="MMU && !XIP_KERNEL"),
    _S("XIP_KERNEL", "bool", False, _KC, fixed="the model boots a normal (non-XIP) kernel image"),
    _S("ARM_PATCH_PHYS_VIRT", "bool", True, _KC),
    _S("CMDLINE", "string", "", _KC),
    _S("CMDLINE_FROM_BOOTLOADER", "bool", True, _KC, choice="CMDLINE_SOURCE"),
    _S("CMDLINE_EXTEND", "bool", False, _KC, choice="CMDLINE_SOURCE"),
    _S("CMDLINE_FORCE", "bool", False, _KC, choice="CMDLINE_SOURCE"),
    _S("BLK_DEV_INITRD", "bool", True, _MV7),
    # mm/Kconfig
    _S("FLATMEM", "bool", True, _KC, fixed="the model uses FLATMEM (one mem_map)"),
    _S("HAVE_MEMBLOCK", "bool", True, "selected by ARM", fixed="ARM always has memblock"),
    _S("NO_BOOTMEM", "bool", True, "selected by ARM", fixed="ARM uses nobootmem"),
    _S("HAVE_ARCH_PFN_VALID", "bool", True, "selected by ARM"),
    # no prompt: only a select turns it on (MEMORY_HOTREMOVE and MEMORY_FAILURE, its
    # other selectors, are not available on ARM)
    _S("MEMORY_ISOLATION", "bool", False, "selected by CMA", selected_by="CMA", prompt=False),
    # NUMA and ARCH_ENABLE_MEMORY_HOTREMOVE, the other alternatives, are not on ARM
    _S("MIGRATION", "bool", True, "selected by CMA / COMPACTION",
       depends="(COMPACTION || CMA) && MMU", selected_by="COMPACTION || CMA"),
    _S("COMPACTION", "bool", True, _KC),
    _S("MOVABLE_NODE", "bool", False, "not available on ARM", fixed="MOVABLE_NODE needs HAVE_MEMBLOCK_NODE_MAP, which ARM lacks"),
    _S("CMA", "bool", True, _MV7, depends="HAVE_MEMBLOCK && MMU"),
    _S("CMA_DEBUG", "bool", False, _KC, depends="CMA"),
    _S("CMA_DEBUGFS", "bool", False, _KC, depends="CMA && DEBUG_FS"),
    # no Kconfig range, but mm/cma.c's cma_areas[1 + CONFIG_CMA_AREAS] cannot have a
    # negative size (-1 gives the zero-length array GCC accepts)
    _S("CMA_AREAS", "int", 7, _KC, depends="CMA", range=(-1, None),
       range_is="the least value that compiles (mm/cma.c's cma_areas[1 + CONFIG_CMA_AREAS] "
                "would have a negative size)", model_max=4096),
    _S("DEBUG_VM", "bool", False, _KC),
    _S("DEBUG_PAGEALLOC", "bool", False, _KC),
    _S("PAGE_POISONING", "bool", False, _KC),
    # drivers/base/Kconfig
    _S("DMA_CMA", "bool", True, _MV7, depends="HAVE_DMA_CONTIGUOUS && CMA"),
    _S("HAVE_DMA_CONTIGUOUS", "bool", True, "selected by ARM (CPU_V6 || CPU_V7 with MMU)"),
    _S("CMA_SIZE_MBYTES", "int", 64, _MV7, depends="DMA_CMA && !CMA_SIZE_SEL_PERCENTAGE"),
    _S("CMA_SIZE_PERCENTAGE", "int", 10, _KC, depends="DMA_CMA && !CMA_SIZE_SEL_MBYTES"),
    _S("CMA_SIZE_SEL_MBYTES", "bool", True, _KC, choice="CMA_SIZE_SEL", depends="DMA_CMA"),
    _S("CMA_SIZE_SEL_PERCENTAGE", "bool", False, _KC, choice="CMA_SIZE_SEL", depends="DMA_CMA"),
    _S("CMA_SIZE_SEL_MIN", "bool", False, _KC, choice="CMA_SIZE_SEL", depends="DMA_CMA"),
    _S("CMA_SIZE_SEL_MAX", "bool", False, _KC, choice="CMA_SIZE_SEL", depends="DMA_CMA"),
    _S("CMA_ALIGNMENT", "int", 8, _KC, depends="DMA_CMA", range=(4, 12)),
    _S("HAVE_GENERIC_DMA_COHERENT", "bool", True, "selected by ARM"),
    _S("DMA_API_DEBUG", "bool", False, _KC),
    _S("ARM_DMA_USE_IOMMU", "bool", False, _KC, fixed="the ARM IOMMU DMA path is not modelled"),
    # drivers/amba/Kconfig, drivers/video/fbdev/Kconfig
    _S("ARM_AMBA", "bool", True, "selected by ARCH_VEXPRESS (multi_v7_defconfig)"),
    _S("FB_ARMCLCD", "bool", True, _MV7, depends="ARM_AMBA"),
    # drivers/of/Kconfig
    _S("OF", "bool", True, "selected by ARCH_MULTIPLATFORM (USE_OF)", fixed="the model boots from a device tree"),
    _S("OF_EARLY_FLATTREE", "bool", True, "selected by ARM with USE_OF"),
    _S("OF_RESERVED_MEM", "bool", True, "default y with OF_EARLY_FLATTREE && HAVE_MEMBLOCK",
       depends="OF_EARLY_FLATTREE && HAVE_MEMBLOCK"),
    # lib/Kconfig.debug, init/Kconfig, fs/Kconfig
    _S("DEBUG_FS", "bool", True, _MV7),
    _S("PROC_FS", "bool", True, _KC),
    _S("KALLSYMS", "bool", True, _KC),
    _S("MESSAGE_LOGLEVEL_DEFAULT", "int", 4, _KC, range=(1, 7)),
)}

_EXPR_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9_]+)")


def _eval_depends(expr, lookup):
    """Model-only: evaluate a Kconfig ``depends on`` expression (``!``, ``&&``, ``||``, ``()``)."""
    tokens = []
    pos = 0
    while pos < len(expr):
        m = _EXPR_TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"bad Kconfig expression {expr!r}")
        tokens.append(m.group(1))
        pos = m.end()
    tokens.append(None)
    i = 0

    def atom():
        """Model-only: parse one operand (``!x``, ``(…)`` or a symbol); return its truth."""
        nonlocal i
        t = tokens[i]
        i += 1
        if t == "!":
            return not atom()
        if t == "(":
            v = disj()
            i += 1  # ")"
            return v
        return bool(lookup("CONFIG_" + t))

    def conj():
        """Model-only: parse operands joined by ``&&``."""
        nonlocal i
        v = atom()
        while tokens[i] == "&&":
            i += 1
            v = atom() and v
        return v

    def disj():
        """Model-only: parse ``&&`` groups joined by ``||``."""
        nonlocal i
        v = conj()
        while tokens[i] == "||":
            i += 1
            v = conj() or v
        return v

    return disj()


def _check_range(sym, value, text, source, where):
    """Model-only: refuse an int value outside the symbol's range (naming whose range it is)."""
    if sym.model_max is not None and value > sym.model_max:
        raise ConfigError(source, f"{sym.name}={text}: above {sym.model_max}, the model's limit "
                          "(Kconfig sets none; each slot is a struct the model builds)", where)
    if not sym.range:
        return
    lo, hi = sym.range
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            why = f"outside {sym.range_is} {lo}..{hi}"
        elif lo is not None:
            why = f"below {lo}, {sym.range_is}"
        else:
            why = f"above {hi}, {sym.range_is}"
        raise ConfigError(source, f"{sym.name}={text}: {why}", where)


def _parse_value(sym, text, source, where):
    """Model-only: a ``.config`` value string as the symbol's Python value."""
    text = text.strip()
    if sym.type == "bool":
        if text in ("y", "m"):
            return True
        if text == "n":
            return False
        raise ConfigError(source, f"{sym.name}={text}: a bool takes y or n", where)
    if sym.type in ("int", "hex"):
        # scripts/kconfig/symbol.c: sym_string_valid() — an int is an optionally signed
        # decimal, a hex symbol hex digits with an optional 0x
        pattern = r"-?[0-9]+" if sym.type == "int" else r"(?:0[xX])?[0-9a-fA-F]+"
        if not re.fullmatch(pattern, text):
            kind = "a decimal integer" if sym.type == "int" else "a hexadecimal number"
            raise ConfigError(source, f"{sym.name}={text}: not {kind}", where)
        v = int(text, 10 if sym.type == "int" else 16)
        _check_range(sym, v, text, source, where)
        return v
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    raise ConfigError(source, f"{sym.name}={text}: a string value must be in double quotes", where)


class KernelConfig:
    """Model-only: one kernel configuration (``.config``) and the constants derived from it."""

    def __init__(self):
        self._values = {name: sym.default for name, sym in SYMBOLS.items()}
        self._explicit = {}
        self.ignored = []  # symbols of a loaded file that are not in scope
        self.notes = []  # what Kconfig would warn about while reading a file ("override")
        self.finalize()

    # -- reading ---------------------------------------------------------------
    def _raw(self, name):
        """Model-only: the stored value of ``name``, dependencies not applied (``None``: unknown)."""
        return self._values.get(name)

    def defined(self, name):
        """Model-only: whether ``#ifdef name`` would be true (dependencies met)."""
        sym = SYMBOLS.get(name)
        if sym is None:
            return False
        if sym.type == "bool":
            return bool(self.get(name))
        return not (sym.depends and not _eval_depends(sym.depends, self.get))

    def get(self, name):
        """Model-only: the value of ``name`` as the C code sees it (``None`` if undefined)."""
        sym = SYMBOLS.get(name)
        if sym is None:
            raise ConfigError("configuration", f"unknown symbol {name}")
        # a select forces a bool on whatever its own value and dependencies say
        if sym.selected_by and _eval_depends(sym.selected_by, self.get):
            return True
        if sym.depends and not _eval_depends(sym.depends, self.get):
            return False if sym.type == "bool" else None
        if not sym.prompt:
            return False
        return self._values[name]

    def __getitem__(self, name):
        return self.get(name)

    # -- changing --------------------------------------------------------------
    def set(self, name, value, source="--set", where=None, _in_file=False):
        """Model-only: set one symbol (a Python value or its ``.config`` text)."""
        sym = SYMBOLS.get(name)
        if sym is None:
            raise ConfigError(source, f"unknown configuration symbol {name} "
                              f"(not one of the {len(SYMBOLS)} symbols the model knows)", where)
        if isinstance(value, str) and sym.type != "string":
            value = _parse_value(sym, value, source, where)
        elif sym.type == "string" and isinstance(value, str) and value[:1] == '"':
            value = _parse_value(sym, value, source, where)
        elif sym.type == "bool":
            value = bool(value)
        elif sym.type in ("int", "hex"):
            if not isinstance(value, int):
                raise ConfigError(source, f"{name}={value!r}: not an integer", where)
            _check_range(sym, value, value, source, where)
        if sym.fixed and value != sym.default:
            raise ConfigError(source, f"{name} cannot be changed in this model: {sym.fixed}", where)
        if not _in_file:
            self._check_selected(sym, value, source, where)
        if sym.choice and sym.type == "bool":
            if value:
                for other in SYMBOLS.values():
                    if other.choice == sym.choice and other.name != name:
                        if _in_file and self._values[other.name] and other.name in self._explicit \
                                and self._explicit[other.name][0] == source:
                            # scripts/kconfig/confdata.c warns and lets the later line win
                            self.notes.append(f"{source}:{where}: override: {name} changes "
                                              f"choice state (was {other.name})")
                        self._values[other.name] = False
            elif self._values[name] and not _in_file:
                raise ConfigError(source, f"{name}=n: one member of the {sym.choice} choice must "
                                  "be y; set another member instead", where)
        if (not _in_file and sym.depends and value not in (False, None)
                and not _eval_depends(sym.depends, self.get)):
            raise ConfigError(source, f"{name} depends on {sym.depends}, which is not met", where)
        self._values[name] = value
        self._explicit[name] = (source, where)

    def _check_selected(self, sym, value, source, where):
        """Model-only: refuse a value Kconfig would not keep for a selected or prompt-less symbol."""
        if not sym.selected_by:
            return
        forced = _eval_depends(sym.selected_by, self.get)
        if not sym.prompt and bool(value) != forced:
            raise ConfigError(source, f"{sym.name}={'y' if value else 'n'}: the symbol has no prompt; "
                              f"it is y exactly when {sym.selected_by} (which selects it) is y", where)
        if forced and not value:
            raise ConfigError(source, f"{sym.name}=n: it is selected by {sym.selected_by}, "
                              "which is y", where)

    @staticmethod
    def _split_assignment(text, source):
        """Model-only: ``CONFIG_X=V`` (or ``X=V``) as ``(CONFIG_X, V)``."""
        name, eq, value = text.partition("=")
        name = name.strip()
        if not eq:
            raise ConfigError(source, f"{text!r}: expected CONFIG_NAME=VALUE")
        if not name.startswith("CONFIG_"):
            name = "CONFIG_" + name
        return name, value

    def set_assignment(self, text, source="--set"):
        """Model-only: apply one ``CONFIG_X=V``, its dependencies checked at once."""
        name, value = self._split_assignment(text, source)
        self.set(name, value, source)
        self.finalize(source)

    def set_assignments(self, items, source="--set"):
        """Model-only: apply several ``CONFIG_X=V`` at once, as a ``.config`` fragment: the
        order does not matter, and the dependencies are checked once all are applied."""
        with self._all_or_nothing():
            names = []
            for text in items:
                name, value = self._split_assignment(text, source)
                self.set(name, value, source, _in_file=True)
                names.append(name)
            self.finalize(source, names)

    @contextlib.contextmanager
    def _all_or_nothing(self):
        """Model-only: on an error, put every value back as it was before the block."""
        saved = (dict(self._values), dict(self._explicit), list(self.ignored), list(self.notes))
        try:
            yield
        except ConfigError:
            self._values, self._explicit, self.ignored, self.notes = saved
            self.finalize()
            raise

    def load(self, path, text=None):
        """Model-only: read a ``.config``-format file over the current values.

        Symbols the model does not know are skipped and listed in ``ignored`` (a real
        kernel ``.config`` holds thousands); malformed lines are an error.
        """
        if text is None:
            raw = read_input_file(path, ConfigError, "a .config")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                line = raw[:e.start].count(b"\n") + 1
                raise ConfigError(path, f"not a text .config: byte {raw[e.start]:#04x} at offset "
                                  f"{e.start} is not UTF-8", f"line {line}") from None
        not_set = re.compile(r"#\s*(CONFIG_[A-Za-z0-9_]+) is not set\s*$")
        with self._all_or_nothing():
            for lineno, line in enumerate(text.splitlines(), 1):
                s = line.strip()
                if not s:
                    continue
                m = not_set.match(s)
                if m:
                    name, value = m.group(1), "n"
                elif s.startswith("#"):
                    continue
                else:
                    name, eq, value = s.partition("=")
                    if not eq or not re.fullmatch(r"CONFIG_[A-Za-z0-9_]+", name):
                        raise ConfigError(path, f"not a .config line: {line!r}", f"line {lineno}")
                if name not in SYMBOLS:
                    self.ignored.append(name)
                    continue
                sym = SYMBOLS[name]
                if sym.type != "bool" and value == "n":
                    continue  # "# CONFIG_X is not set" on a non-bool: leave the default
                if sym.fixed and _parse_value(sym, value, path, f"line {lineno}") != sym.default:
                    raise ConfigError(path, f"{name} cannot be changed in this model: {sym.fixed}",
                                      f"line {lineno}")
                self.set(name, value, path, f"line {lineno}", _in_file=True)
            self.finalize(path)

    # -- derived constants -----------------------------------------------------
    def finalize(self, source="configuration", names=None):
        """Model-only: check the choices and dependencies, then derive the constants.

        :param names: the symbols a ``set_assignments`` batch set: each must have its
            dependencies met and agree with what selects it. Without it, the same holds
            for the bools a file (``source``) set.
        """
        groups = {}
        for sym in SYMBOLS.values():
            if sym.choice:
                groups.setdefault(sym.choice, []).append(sym.name)
        for group, members in groups.items():
            on = [n for n in members if self._values[n]]
            if len(on) != 1:
                raise ConfigError(source, f"choice {group}: exactly one of {', '.join(members)} "
                                  f"must be y (found {len(on)})")
        # Checked once the whole file or batch is read (a later --set that turns a
        # dependency off just leaves the symbol undefined, as Kconfig does).
        if names is None:
            checks = [(n, w) for n, (src, w) in self._explicit.items()
                      if src == source and w is not None and SYMBOLS[n].type == "bool"]
        else:
            checks = [(n, None) for n in names]
        for name, where in checks:
            sym = SYMBOLS[name]
            value = self._values[name]
            if (sym.depends and value not in (False, None)
                    and not _eval_depends(sym.depends, self.get)):
                raise ConfigError(source, f"{name} depends on {sym.depends}, which is not met", where)
            if sym.type == "bool":
                self._check_selected(sym, value, source, where)

        # arch/arm/Kconfig: PAGE_OFFSET from the VMSPLIT choice.
        if self._values["CONFIG_VMSPLIT_1G"]:
            self.PAGE_OFFSET = 0x40000000
        elif self._values["CONFIG_VMSPLIT_2G"]:
            self.PAGE_OFFSET = 0x80000000
        else:
            self.PAGE_OFFSET = 0xC0000000
        # include/linux/mmzone.h, include/linux/pageblock-flags.h (no HUGETLB_PAGE
        # without LPAE, so pageblock_order = MAX_ORDER - 1).
        self.MAX_ORDER = self._values["CONFIG_FORCE_MAX_ZONEORDER"]
        self.MAX_ORDER_NR_PAGES = 1 << (self.MAX_ORDER - 1)
        self.pageblock_order = self.MAX_ORDER - 1
        self.pageblock_nr_pages = 1 << self.pageblock_order
        # include/linux/cma.h
        self.MAX_CMA_AREAS = (1 + self._values["CONFIG_CMA_AREAS"]) if self.get("CONFIG_CMA") else 0
        # arch/arm/include/asm/cache.h
        self.L1_CACHE_BYTES = 1 << self._values["CONFIG_ARM_L1_CACHE_SHIFT"]
        self.SMP_CACHE_BYTES = self.L1_CACHE_BYTES
        # include/linux/types.h: phys_addr_t is 64-bit only with LPAE.
        self.PHYS_ADDR_SIZE = 8 if self._values["CONFIG_ARM_LPAE"] else 4

    # -- writing ---------------------------------------------------------------
    def to_dotconfig(self):
        """Model-only: the configuration in ``.config`` format (symbols in scope only)."""
        out = []
        for name, sym in SYMBOLS.items():
            v = self.get(name)
            if sym.type == "bool":
                out.append(f"{name}=y" if v else f"# {name} is not set")
            elif v is None:
                continue
            elif sym.type == "hex":
                out.append(f"{name}={v:#x}")
            elif sym.type == "string":
                out.append(f'{name}="{v}"')
            else:
                out.append(f"{name}={v}")
        return "\n".join(out) + "\n"


def IS_ENABLED(name):
    """include/linux/kconfig.h: IS_ENABLED() — on the running machine's configuration."""
    from cmaport.kernel.machine import this_machine

    return bool(this_machine().config.get(name))


def CONFIG(name):
    """Model-only: the value of a non-bool ``CONFIG_`` symbol on the running machine."""
    from cmaport.kernel.machine import this_machine

    return this_machine().config.get(name)
