# SPDX-License-Identifier: GPL-2.0-only
"""drivers/of/of_reserved_mem.c: attaching ``/reserved-memory`` regions to devices.

of_reserved_mem_device_init_by_idx(): -EINVAL without device or node, -ENODEV when the
node's ``memory-region`` has no such entry (or the phandle points nowhere), -EINVAL when
the target is not a region with ``device_init`` (not a region at all, or a region its
handler refused); on success the pair is recorded (newest first) and dev_info prints
``assigned reserved memory node <name>``.
"""

from cmaport.drivers.of.of_reserved_mem import (__find_rmem, of_reserved_mem_device_init,
                                                of_reserved_mem_device_init_by_idx,
                                                of_reserved_mem_device_release,
                                                of_rmem_assigned_c)
from cmaport.include.linux.device import device
from cmaport.include.linux.errno import EINVAL, ENODEV
from cmaport.include.linux.of import of_find_node_by_path


def board(dt):
    root = dt.tree()
    rm = root.find("/reserved-memory")
    rm.add(dt.node("pool-a@6f000000", compatible=dt.strs("shared-dma-pool"),
                   reg=dt.u32s(0x6F000000, 0x100000), no_map=b"", phandle=dt.u32s(1)))
    rm.add(dt.node("pool-b@6f100000", compatible=dt.strs("shared-dma-pool"),
                   reg=dt.u32s(0x6F100000, 0x100000), no_map=b"", phandle=dt.u32s(2)))
    # refused by rmem_dma_setup (no no-map): a region without ops
    rm.add(dt.node("mapped@6e000000", compatible=dt.strs("shared-dma-pool"),
                   reg=dt.u32s(0x6E000000, 0x100000), phandle=dt.u32s(3)))
    root.add(dt.node("chosen-target", phandle=dt.u32s(4)))
    root.add(dt.node("two", memory_region=dt.u32s(1, 2)))
    root.add(dt.node("none"))
    root.add(dt.node("dangling", memory_region=dt.u32s(0x99)))
    root.add(dt.node("not-a-region", memory_region=dt.u32s(4)))
    root.add(dt.node("refused", memory_region=dt.u32s(3)))
    return dt.boot(dt.board(root))


def dev_for(path, name):
    from cmaport.drivers.base.core import dev_set_name

    d = device(of_node=of_find_node_by_path(path))
    dev_set_name(d, "%s", name)
    return d


def test_error_returns(dt):
    m = board(dt)
    with m:
        d = dev_for("/none", "d")
        assert of_reserved_mem_device_init_by_idx(None, d.of_node, 0) == -EINVAL
        assert of_reserved_mem_device_init_by_idx(d, None, 0) == -EINVAL
        assert of_reserved_mem_device_init(d) == -ENODEV  # no memory-region
        assert of_reserved_mem_device_init(dev_for("/dangling", "x")) == -ENODEV  # points nowhere
        assert of_reserved_mem_device_init(dev_for("/not-a-region", "y")) == -EINVAL
        assert of_reserved_mem_device_init(dev_for("/refused", "z")) == -EINVAL  # no ops
        assert of_reserved_mem_device_init_by_idx(dev_for("/two", "t"), of_find_node_by_path("/two"),
                                                  2) == -ENODEV
        assert of_rmem_assigned_c.get().of_rmem_assigned_device_list == []
    assert not any("assigned reserved memory node" in l for l in m.dmesg())


def test_assignment_line_list_and_release(dt):
    m = board(dt)
    with m:
        a = dev_for("/two", "first")
        b = dev_for("/two", "second")
        assert of_reserved_mem_device_init_by_idx(a, a.of_node, 0) == 0
        assert of_reserved_mem_device_init_by_idx(b, b.of_node, 1) == 0
        assert m.dmesg()[-2:] == [" first: assigned reserved memory node pool-a@6f000000",
                                  " second: assigned reserved memory node pool-b@6f100000"]
        pool_a = __find_rmem(of_find_node_by_path("/reserved-memory/pool-a@6f000000"))
        assert a.dma_mem is pool_a.priv and b.dma_mem is not a.dma_mem
        # the pool is made by the first device and shared by the next
        c = dev_for("/two", "third")
        assert of_reserved_mem_device_init(c) == 0
        assert c.dma_mem is a.dma_mem
        lst = of_rmem_assigned_c.get().of_rmem_assigned_device_list
        assert [(r.dev, r.rmem.name) for r in lst] == [
            (c, "pool-a@6f000000"), (b, "pool-b@6f100000"), (a, "pool-a@6f000000")]
        of_reserved_mem_device_release(a)
        assert a.dma_mem is None and pool_a.priv is c.dma_mem  # the pool stays
        assert [r.dev for r in lst] == [c, b]
        of_reserved_mem_device_release(a)  # nothing left for it: nothing happens
        assert [r.dev for r in lst] == [c, b]


def test_a_device_that_has_a_pool_keeps_it(dt):
    from cmaport.drivers.base.dma_coherent import dma_declare_coherent_memory
    from cmaport.include.linux.dma_mapping import DMA_MEMORY_MAP

    m = board(dt)
    with m:
        d = dev_for("/two", "busy")
        assert dma_declare_coherent_memory(d, 0x4C000000, 0x4C000000, 0x10000, DMA_MEMORY_MAP)
        own = d.dma_mem
        # rmem_dma_device_init ignores dma_assign_coherent_memory()'s -EBUSY: "success"
        assert of_reserved_mem_device_init(d) == 0
        assert d.dma_mem is own
