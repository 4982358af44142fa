# SPDX-License-Identifier: GPL-2.0-only
"""drivers/base/{core,platform,dd,devres}.c and drivers/of/platform.c: devices, drivers, probing."""

import pytest

from cmaport.drivers.base.core import (dev_dbg, dev_err, dev_info, dev_set_name, dev_warn,
                                       device, device_add)
from cmaport.drivers.base.devres import devres_add, devres_alloc
from cmaport.drivers.base.init import driver_init
from cmaport.drivers.base.platform import (platform_bus_type, platform_device_alloc,
                                           platform_device_register, platform_driver_register,
                                           platform_driver_unregister)
from cmaport.include.linux.device import dev_name, device_driver
from cmaport.include.linux.errno import EBUSY, EINVAL, ENODEV
from cmaport.include.linux.ioport import IORESOURCE_MEM, resource
from cmaport.include.linux.mod_devicetable import of_device_id
from cmaport.include.linux.platform_device import (PLATFORM_DEVID_AUTO, PLATFORM_DEVID_NONE,
                                                   platform_driver)
from cmaport.kernel.machine import Machine
from cmaport.kernel.printk import LOGLEVEL_ERR, LOGLEVEL_INFO, LOGLEVEL_WARNING


def last(m, n=1):
    return m.dmesg()[-n:] if n > 1 else m.dmesg()[-1]


def make_driver(name, probe=None, remove=None, of_match_table=None):
    return platform_driver(driver=device_driver(name=name, of_match_table=of_match_table),
                           probe=probe, remove=remove)


def test_dev_printk_prefix_is_driver_or_bus_then_device_name():
    with Machine() as m:
        driver_init()
        pdev = platform_device_alloc("gadget", 3)
        assert platform_device_register(pdev) == 0
        dev_info(pdev.dev, "hello %d\n", 42)
        assert last(m) == "platform gadget.3: hello 42"  # no driver yet: the bus's name
        assert m.log.records[-1].level == LOGLEVEL_INFO
        bare = device()
        dev_set_name(bare, "a/b")  # a '/' cannot be in a kobject name
        assert dev_name(bare) == "a!b"
        dev_err(bare, "broken\n")
        assert last(m) == " a!b: broken"  # neither driver nor bus nor class: ""
        assert m.log.records[-1].level == LOGLEVEL_ERR
        dev_warn(None, "nobody\n")
        assert last(m) == "(NULL device *): nobody"
        assert m.log.records[-1].level == LOGLEVEL_WARNING
        n = len(m.dmesg())
        dev_dbg(bare, "quiet\n")  # DEBUG is not defined (and no dynamic debug)
        assert len(m.dmesg()) == n
        m.log.debug_all = True
        dev_dbg(bare, "loud\n")
        assert last(m) == " a!b: loud"


def test_platform_device_names_and_resource_claims():
    with Machine() as m:
        driver_init()
        a = platform_device_alloc("thing", PLATFORM_DEVID_NONE)
        b = platform_device_alloc("thing", PLATFORM_DEVID_AUTO)
        c = platform_device_alloc("thing", PLATFORM_DEVID_AUTO)
        a.resource = [resource(start=0x1000, end=0x1FFF, flags=IORESOURCE_MEM)]
        a.num_resources = 1
        for p in (a, b, c):
            assert platform_device_register(p) == 0
        assert [dev_name(p.dev) for p in (a, b, c)] == ["thing", "thing.0.auto", "thing.1.auto"]
        # platform_device_add() claims the resources (named after the device)
        from cmaport.kernel.resource import proc_iomem

        assert proc_iomem() == "00001000-00001fff : thing\n"
        clash = platform_device_alloc("other", 7)
        clash.resource = [resource(start=0x1800, end=0x27FF, flags=IORESOURCE_MEM)]
        clash.num_resources = 1
        assert platform_device_register(clash) == -EBUSY
        assert last(m) == "platform other.7: failed to claim resource 0"
        assert proc_iomem() == "00001000-00001fff : thing\n"


def test_probe_outcomes_and_managed_resources():
    released = []

    def release(dev, res):
        released.append(res)

    def probe(pdev):
        dr = devres_alloc(release, 0)
        dr.data = pdev.name
        devres_add(pdev.dev, dr)
        dev_info(pdev.dev, "probing\n")  # the driver is set before ->probe
        return {"ok": 0, "nodev": -ENODEV, "bad": -EINVAL}[pdev.name]

    with Machine() as m:
        driver_init()
        devs = {}
        for name in ("ok", "nodev", "bad"):
            devs[name] = platform_device_alloc(name, PLATFORM_DEVID_NONE)
            platform_device_register(devs[name])
        # match by name: one driver per device name
        for name in ("ok", "nodev", "bad"):
            d = make_driver(name, probe=probe)
            assert platform_driver_register(d) == 0
            assert devs[name].dev.driver is (d.driver if name == "ok" else None)
        lines = m.dmesg()
        assert "ok ok: probing" in lines and "bad bad: probing" in lines
        # -ENODEV and -ENXIO mean "not mine": no message; other errors are reported
        assert "nodev: probe of nodev failed with error -19" not in lines
        assert lines[-1] == "bad: probe of bad failed with error -22"
        assert m.log.records[-1].level == LOGLEVEL_WARNING
        # the failed probes' managed resources were released, the bound one's kept
        assert released == ["nodev", "bad"]
        assert len(devs["ok"].dev.devres_head) == 1
        assert platform_driver_register(make_driver("ok")) == -EBUSY
        assert m.dmesg()[-1] == "Error: Driver 'ok' is already registered, aborting..."


def test_driver_unregister_unbinds_and_releases():
    removed = []
    with Machine():
        driver_init()
        pdev = platform_device_alloc("gizmo", PLATFORM_DEVID_NONE)
        platform_device_register(pdev)
        drv = make_driver("gizmo", probe=lambda p: 0, remove=lambda p: removed.append(p) or 0)
        platform_driver_register(drv)
        assert pdev.dev.driver is drv.driver
        dr = devres_alloc(lambda dev, res: removed.append(res), 0)
        dr.data = "res"
        devres_add(pdev.dev, dr)
        platform_driver_unregister(drv)
        assert removed == [pdev, "res"] and pdev.dev.driver is None


def test_driver_register_needs_the_bus():
    from cmaport.kernel.errors import KernelBug

    with Machine():  # no driver_init(): the platform bus is not registered
        with pytest.raises(KernelBug):
            platform_driver_register(make_driver("early"))


def test_device_add_needs_a_name():
    with Machine():
        driver_init()
        assert device_add(device()) == -EINVAL


def test_of_platform_populate_names_and_skips(dt):
    from cmaport.drivers.base.bus import bus_p
    from cmaport.include.linux.of import OF_POPULATED, of_find_node_by_path, of_node_check_flag

    m = dt.boot(None, until=None)
    with m:
        names = [dev_name(d) for d in bus_p(platform_bus_type).klist_devices]
        for want in ("10020000.clcd", "1001f000.clcd", "smb@4000000", "smb@4000000:motherboard",
                     "smb@4000000:motherboard:iofpga@7,0", "40000000.flash", "4e000000.ethernet",
                     "1e001000.interrupt-controller", "10009000.uart"):
            assert want in names
        # 5 root children with compatible, the smb bus, the motherboard and its 4 devices,
        # the iofpga bus and its 12 devices (the cpu@N have one but /cpus has none)
        assert len(names) == len(set(names)) == 24
        # nodes without "compatible" get no device
        for path in ("/cpus", "/memory@60000000", "/reserved-memory", "/chosen", "/aliases"):
            assert not of_node_check_flag(of_find_node_by_path(path), OF_POPULATED)
        clcd = next(d for d in bus_p(platform_bus_type).klist_devices
                    if dev_name(d) == "1001f000.clcd")
        assert clcd.parent.kobj_name == "smb@4000000:motherboard:iofpga@7,0"
        assert clcd.container.periphid == 0x00241111


def test_populate_disabled_ramoops_and_amba_corner_cases(dt):
    from cmaport.drivers.base.bus import bus_p
    from cmaport.kernel.resource import proc_iomem

    root = dt.tree()
    rm = root.find("/reserved-memory")
    rm.add(dt.node("ramoops@6f000000", compatible=dt.strs("ramoops"),
                   reg=dt.u32s(0x6F000000, 0x100000)))
    root.add(dt.node("off@1000", compatible=dt.strs("cmaport,thing"), reg=dt.u32s(0x1000, 0x100),
                     status=dt.strs("disabled")))
    root.add(dt.node("mystery@2000", compatible=dt.strs("arm,mystery", "arm,primecell"),
                     reg=dt.u32s(0x2000, 0x1000)))
    root.add(dt.node("known@3000", compatible=dt.strs("arm,mystery", "arm,primecell"),
                     reg=dt.u32s(0x3000, 0x1000), arm__primecell_periphid=dt.u32s(0x00341234)))
    root.add(dt.node("twin@3000", compatible=dt.strs("arm,pl011", "arm,primecell"),
                     reg=dt.u32s(0x3000, 0x1000)))
    m = dt.boot(dt.board(root), until=None)
    with m:
        names = {dev_name(d): d for d in bus_p(platform_bus_type).klist_devices}
        text = proc_iomem()
    assert "6f000000.ramoops" in names  # created although /reserved-memory has no compatible
    assert "1000.off" not in names
    # an unknown part answers with peripheral ID 0: -ENODEV, and the window is given back
    assert "OF: amba_device_add() failed (-19) for /mystery@2000" in m.dmesg()
    assert "/mystery@2000" not in text
    # the ID from the tree is used as is
    assert names["3000.known"].container.periphid == 0x00341234
    # a second device on the same window cannot claim it
    assert "OF: amba_device_add() failed (-16) for /twin@3000" in m.dmesg()
    assert "00003000-00003fff : /known@3000\n" in text


def test_sync_initcalls_run_after_their_level():
    from cmaport.include.linux.init import _initcalls, initcalls

    arch = initcalls("arch")
    plain = [e.fn for e in _initcalls if e.level == "arch"]
    sync = [e.fn for e in _initcalls if e.level == "arch_sync"]
    assert sync and plain
    names = [f.__name__ for f in arch]
    assert names.index("customize_machine") < names.index("of_platform_default_populate_init")
    assert arch[-len(sync):] == sorted(sync, key=arch.index) and set(arch[:len(plain)]) == set(plain)


def test_of_match_table_wins_over_the_name(dt):
    root = dt.tree()
    root.add(dt.node("widget@1000", compatible=dt.strs("vendor,widget-v2", "vendor,widget"),
                     reg=dt.u32s(0x1000, 0x100)))
    m = dt.boot(dt.board(root), until=None)
    seen = []
    with m:
        drv = make_driver("not-the-name", probe=lambda p: seen.append(dev_name(p.dev)) or 0,
                          of_match_table=(of_device_id(compatible="vendor,widget"),))
        assert platform_driver_register(drv) == 0
    assert seen == ["1000.widget"]
