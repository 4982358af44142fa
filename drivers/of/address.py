# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/address.c: turning ``reg`` into CPU physical addresses.

A ``reg`` entry is in the address space of the node's parent bus
(``#address-cells``/``#size-cells`` of the parent). ``of_translate_address`` climbs the
tree: at each level the parent's ``ranges`` maps the child bus range onto the parent bus
(an empty ``ranges`` is 1:1; a missing one stops the translation), until the root is
reached. ``of_address_to_resource`` makes a ``struct resource`` of the result, named
after ``reg-names`` or, failing that, the node's full path (v4.9's ``full_name``).

Model: of the bus translators only the ISA bus and the default one exist; PCI
(``CONFIG_OF_ADDRESS_PCI``) is not ported, so a node under a PCI host bridge is
translated with the default rules. A ``__be32 *addr`` buffer being rewritten in place
is a list of cells here.
"""

from cmaport.drivers.of.base import (of_get_next_parent, of_get_parent, of_get_property,
                                     of_n_addr_cells, of_n_size_cells)
from cmaport.drivers.of.fdt import be32_to_cpup, of_read_number
from cmaport.include.linux.errno import EINVAL, ENODEV
from cmaport.include.linux.ioport import IORESOURCE_IO, IORESOURCE_MEM, resource, resource_size
from cmaport.include.linux.of import (OF_BAD_ADDR, of_node_full_name, of_node_get, of_node_put,
                                      of_property_read_bool, of_property_read_string_index)
from cmaport.kernel.panic import BUG
from cmaport.kernel.printk import pr_helpers

pr_fmt = "OF: "
_pr = pr_helpers(pr_fmt)

OF_MAX_ADDR_CELLS = 4

_U64 = 0xFFFFFFFFFFFFFFFF


def OF_CHECK_ADDR_COUNT(na):
    """drivers/of/address.c: OF_CHECK_ADDR_COUNT()."""
    return 0 < na <= OF_MAX_ADDR_CELLS


def OF_CHECK_COUNTS(na, ns):
    """drivers/of/address.c: OF_CHECK_COUNTS()."""
    return OF_CHECK_ADDR_COUNT(na) and ns > 0


def _cells(b, n):
    """Model-only: the first ``n`` cells of a property as a list of numbers."""
    return [be32_to_cpup(b[4 * i:4 * i + 4]) for i in range(n)]


def _be(cells):
    """Model-only: a list of cells back to big-endian bytes (for of_read_number)."""
    return b"".join((c & 0xFFFFFFFF).to_bytes(4, "big") for c in cells)


def of_dump_addr(s, addr, na):
    """drivers/of/address.c: of_dump_addr() — only with DEBUG (never in the model's build)."""
    return None


class of_bus:
    """drivers/of/address.c: struct of_bus — one bus translator (a static table entry)."""

    __slots__ = ("name", "addresses", "match", "count_cells", "map", "translate", "get_flags")

    def __init__(self, name, addresses, match, count_cells, map_, translate, get_flags):
        self.name = name
        self.addresses = addresses
        self.match = match
        self.count_cells = count_cells
        self.map = map_
        self.translate = translate
        self.get_flags = get_flags


def of_bus_default_count_cells(dev):
    """drivers/of/address.c: of_bus_default_count_cells() — the parent's cell sizes.

    :return: ``(addrc, sizec)``
    """
    return of_n_addr_cells(dev), of_n_size_cells(dev)


def of_bus_default_map(addr, rng, na, ns, pna):
    """drivers/of/address.c: of_bus_default_map() — the offset of ``addr`` in one ``ranges`` entry.

    :param addr: the address cells (a list)
    :param rng: the ``ranges`` bytes from this entry on
    :return: the offset, or OF_BAD_ADDR when the address is outside the entry
    """
    cp = of_read_number(rng, na)
    s = of_read_number(rng[4 * (na + pna):], ns)
    da = of_read_number(_be(addr), na)

    _pr.debug("default map, cp=%llx, s=%llx, da=%llx\n", cp, s, da)

    if da < cp or da >= ((cp + s) & _U64):
        return OF_BAD_ADDR
    return (da - cp) & _U64


def of_bus_default_translate(addr, offset, na):
    """drivers/of/address.c: of_bus_default_translate() — add ``offset`` to the address cells."""
    a = of_read_number(_be(addr), na)
    for i in range(na):
        addr[i] = 0
    a = (a + offset) & _U64
    if na > 1:
        addr[na - 2] = (a >> 32) & 0xFFFFFFFF
    addr[na - 1] = a & 0xFFFFFFFF

    return 0


def of_bus_default_get_flags(addr):
    """drivers/of/address.c: of_bus_default_get_flags() — always memory."""
    return IORESOURCE_MEM


def of_bus_isa_match(np):
    """drivers/of/address.c: of_bus_isa_match() — a node named ``isa``."""
    return np.name == "isa"


def of_bus_isa_count_cells(child):
    """drivers/of/address.c: of_bus_isa_count_cells() — 2 address cells, 1 size cell."""
    return 2, 1


def of_bus_isa_map(addr, rng, na, ns, pna):
    """drivers/of/address.c: of_bus_isa_map() — as the default, after matching the space bit."""
    # the I/O or memory space (bit 0 of the first cell) must match
    if (addr[0] ^ be32_to_cpup(rng)) & 0x00000001:
        return OF_BAD_ADDR

    # the address without its high (space) cell
    cp = of_read_number(rng[4:], na - 1)
    s = of_read_number(rng[4 * (na + pna):], ns)
    da = of_read_number(_be(addr[1:]), na - 1)

    _pr.debug("ISA map, cp=%llx, s=%llx, da=%llx\n", cp, s, da)

    if da < cp or da >= ((cp + s) & _U64):
        return OF_BAD_ADDR
    return (da - cp) & _U64


def of_bus_isa_translate(addr, offset, na):
    """drivers/of/address.c: of_bus_isa_translate()."""
    rest = addr[1:]
    ret = of_bus_default_translate(rest, offset, na - 1)
    addr[1:] = rest
    return ret


def of_bus_isa_get_flags(addr):
    """drivers/of/address.c: of_bus_isa_get_flags() — I/O when bit 0 of the first cell is set."""
    flags = 0
    w = addr[0]

    if w & 1:
        flags |= IORESOURCE_IO
    else:
        flags |= IORESOURCE_MEM
    return flags


# drivers/of/address.c: of_busses[] (without PCI, see the module notes)
of_busses = (
    of_bus("isa", "reg", of_bus_isa_match, of_bus_isa_count_cells, of_bus_isa_map,
           of_bus_isa_translate, of_bus_isa_get_flags),
    of_bus("default", "reg", None, of_bus_default_count_cells, of_bus_default_map,
           of_bus_default_translate, of_bus_default_get_flags),
)


def of_match_bus(np):
    """drivers/of/address.c: of_match_bus() — the translator for a bus node."""
    for b in of_busses:
        if b.match is None or b.match(np):
            return b
    BUG("no bus translator", line=458)
    return None


def of_empty_ranges_quirk(np):
    """drivers/of/address.c: of_empty_ranges_quirk() — only PowerPC (Apple) has it."""
    return False


def of_translate_one(parent, bus, pbus, addr, na, ns, pna, rprop):
    """drivers/of/address.c: of_translate_one() — map ``addr`` through the parent's ranges.

    :return: 0 on success (``addr`` now holds ``pna`` cells of the parent bus), 1 when
        the address cannot be translated
    """
    offset = OF_BAD_ADDR

    # No "ranges" normally means the bus cannot be translated any further (only Apple's
    # quirk treats it as 1:1); an empty "ranges" is a 1:1 mapping.
    ranges, rlen = of_get_property(parent, rprop)
    if ranges is None and not of_empty_ranges_quirk(parent):
        _pr.debug("no ranges; cannot translate\n")
        return 1
    if ranges is None or rlen == 0:
        offset = of_read_number(_be(addr), na)
        for i in range(pna):
            if i < len(addr):
                addr[i] = 0
        while len(addr) < pna:
            addr.append(0)
        _pr.debug("empty ranges; 1:1 translation\n")
    else:
        _pr.debug("walking ranges...\n")

        # look for the entry that holds the address
        rlen //= 4
        rone = na + pna + ns
        pos = 0
        while rlen >= rone:
            offset = bus.map(addr, ranges[4 * pos:], na, ns, pna)
            if offset != OF_BAD_ADDR:
                break
            rlen -= rone
            pos += rone
        if offset == OF_BAD_ADDR:
            _pr.debug("not found !\n")
            return 1
        parent_cells = _cells(ranges[4 * (pos + na):], pna)
        while len(addr) < pna:
            addr.append(0)
        addr[:pna] = parent_cells

    # finish:
    of_dump_addr("parent translation for:", addr, pna)
    _pr.debug("with offset: %llx\n", offset)

    # into the parent bus's address space
    return pbus.translate(addr, offset, pna)


def __of_translate_address(dev, in_addr, rprop):
    """drivers/of/address.c: __of_translate_address() — climb to the root through ``rprop``.

    :param in_addr: the ``reg`` bytes of the entry to translate
    :return: the CPU physical address (u64), or OF_BAD_ADDR
    """
    result = OF_BAD_ADDR

    _pr.debug("** translation for device %s **\n", of_node_full_name(dev))

    dev = of_node_get(dev)

    parent = of_get_parent(dev)
    if parent is None:
        return _bail(parent, dev, result)
    bus = of_match_bus(parent)

    # the node's address in its parent's bus
    na, ns = bus.count_cells(dev)
    if not OF_CHECK_COUNTS(na, ns):
        _pr.debug("Bad cell count for %s\n", of_node_full_name(dev))
        return _bail(parent, dev, result)
    addr = _cells(in_addr, na)

    _pr.debug("bus is %s (na=%d, ns=%d) on %s\n", bus.name, na, ns, of_node_full_name(parent))
    of_dump_addr("translating address:", addr, na)

    while True:
        # up one bus
        of_node_put(dev)
        dev = parent
        parent = of_get_parent(dev)

        # the root: done
        if parent is None:
            _pr.debug("reached root node\n")
            result = of_read_number(_be(addr), na)
            break

        pbus = of_match_bus(parent)
        pna, pns = pbus.count_cells(dev)
        if not OF_CHECK_COUNTS(pna, pns):
            _pr.err("Bad cell count for %s\n", of_node_full_name(dev))
            break

        _pr.debug("parent bus is %s (na=%d, ns=%d) on %s\n",
                  pbus.name, pna, pns, of_node_full_name(parent))

        if of_translate_one(dev, bus, pbus, addr, na, ns, pna, rprop):
            break

        na = pna
        ns = pns
        bus = pbus

        of_dump_addr("one level translation:", addr, na)
    return _bail(parent, dev, result)


def _bail(parent, dev, result):
    """Model-only: the ``bail:`` label of __of_translate_address()."""
    of_node_put(parent)
    of_node_put(dev)
    return result


def of_translate_address(dev, in_addr):
    """drivers/of/address.c: of_translate_address() — through the ``ranges`` of each level."""
    return __of_translate_address(dev, in_addr, "ranges")


def of_translate_dma_address(dev, in_addr):
    """drivers/of/address.c: of_translate_dma_address() — through the ``dma-ranges`` of each level."""
    return __of_translate_address(dev, in_addr, "dma-ranges")


def of_get_address(dev, index):
    """drivers/of/address.c: of_get_address() — the index-th ``reg`` entry of a node.

    :return: ``(addrp, size, flags)``: the entry's bytes (from its first cell on), its size
        and resource flags; ``(None, None, None)`` when there is no such entry
    """
    parent = of_get_parent(dev)
    if parent is None:
        return None, None, None
    bus = of_match_bus(parent)
    na, ns = bus.count_cells(dev)
    of_node_put(parent)
    if not OF_CHECK_ADDR_COUNT(na):
        return None, None, None

    # "reg" (or "assigned-addresses" on PCI)
    prop, psize = of_get_property(dev, bus.addresses)
    if prop is None:
        return None, None, None
    psize //= 4

    onesize = na + ns
    i = 0
    pos = 0
    while psize >= onesize:
        if i == index:
            size = of_read_number(prop[4 * (pos + na):], ns)
            flags = bus.get_flags(_cells(prop[4 * pos:], na))
            return prop[4 * pos:], size, flags
        psize -= onesize
        pos += onesize
        i += 1
    return None, None, None


def __of_address_to_resource(dev, addrp, size, flags, name, r):
    """drivers/of/address.c: __of_address_to_resource() — translate and fill ``r``.

    :return: 0 or ``-EINVAL``
    """
    if (flags & (IORESOURCE_IO | IORESOURCE_MEM)) == 0:
        return -EINVAL
    taddr = of_translate_address(dev, addrp)
    if taddr == OF_BAD_ADDR:
        return -EINVAL
    # memset(r, 0, sizeof(struct resource))
    r.start = r.end = r.flags = r.desc = 0
    r.name = None
    r.parent = r.sibling = r.child = None
    if flags & IORESOURCE_IO:
        # pci_address_to_pio(): ARM (PCI_IOBASE) looks the address up in the PCI I/O
        # ranges; the model has no PCI host, so the list is empty and the answer is -1.
        return -EINVAL
    else:
        # resource_size_t is 32-bit without LPAE
        r.start = taddr & 0xFFFFFFFF
        r.end = (taddr + size - 1) & 0xFFFFFFFF
    r.flags = flags
    r.name = name if name is not None else dev.full_name

    return 0


def of_address_to_resource(dev, index, r):
    """drivers/of/address.c: of_address_to_resource() — the index-th ``reg`` entry as a resource.

    :return: 0, or ``-EINVAL`` (no such entry, or it cannot be translated)
    """
    addrp, size, flags = of_get_address(dev, index)
    if addrp is None:
        return -EINVAL

    # "reg-names" may name the resource
    _, name = of_property_read_string_index(dev, "reg-names", index)

    return __of_address_to_resource(dev, addrp, size, flags, name, r)


def of_iomap(np, index):
    """drivers/of/address.c: of_iomap() — ioremap() of the index-th ``reg`` entry, or ``None``."""
    from cmaport.arch.arm.mm.ioremap import ioremap

    res = resource()
    if of_address_to_resource(np, index, res):
        return None

    return ioremap(res.start, resource_size(res))


def of_dma_get_range(np):
    """drivers/of/address.c: of_dma_get_range() — the first ``dma-ranges`` above a node.

    :return: ``(0, dma_addr, paddr, size)``, or ``(-ENODEV | -EINVAL, None, None, None)``
    """
    node = of_node_get(np)
    ranges = None
    ret = 0

    if node is None:
        return -EINVAL, None, None, None

    while True:
        naddr = of_n_addr_cells(node)
        nsize = of_n_size_cells(node)
        node = of_get_next_parent(node)
        if node is None:
            break

        ranges, length = of_get_property(node, "dma-ranges")

        # an empty dma-ranges means no translation at this level: go on up
        if ranges is not None and length > 0:
            break

        # a bus without dma-ranges cannot do DMA
        if ranges is None:
            break

    if ranges is None:
        _pr.debug("no dma-ranges found for node(%s)\n", np.full_name)
        of_node_put(node)
        return -ENODEV, None, None, None

    length //= 4

    pna = of_n_addr_cells(node)

    # dma-ranges: DMA address (naddr cells), CPU address (pna cells), size (nsize cells)
    dmaaddr = of_read_number(ranges, naddr)
    paddr = of_translate_dma_address(np, ranges)
    if paddr == OF_BAD_ADDR:
        # Model: C prints the *pointer* dma_addr with %pad (the caller's variable); the
        # model prints the value it would hold, 0.
        _pr.err("translation of DMA address(%pad) to CPU address failed node(%s)\n",
                0, np.full_name)
        of_node_put(node)
        return -EINVAL, None, None, None
    dma_addr = dmaaddr

    size = of_read_number(ranges[4 * (naddr + pna):], nsize)

    _pr.debug("dma_addr(%llx) cpu_addr(%llx) size(%llx)\n", dma_addr, paddr, size)

    of_node_put(node)

    return ret, dma_addr, paddr, size


def of_dma_is_coherent(np):
    """drivers/of/address.c: of_dma_is_coherent() — ``dma-coherent`` on the node or an ancestor."""
    node = of_node_get(np)

    while node is not None:
        if of_property_read_bool(node, "dma-coherent"):
            of_node_put(node)
            return True
        node = of_get_next_parent(node)
    of_node_put(node)
    return False

