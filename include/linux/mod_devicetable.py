# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/mod_devicetable.h: the device-id tables drivers match devices with.

Model: a C match table is an array ended by an all-zero sentinel entry; the port's tables
are tuples, whose end is the sentinel. (``RESERVEDMEM_OF_DECLARE`` entries, which are
also ``struct of_device_id``, have their own registry type in drivers/of/of_reserved_mem.py
because they carry link-order bookkeeping.)
"""

import attrs


@attrs.frozen
class of_device_id:
    """include/linux/mod_devicetable.h: struct of_device_id — one entry of an OF match table.

    An empty string stands for an unset field (C: ``name[0] == 0``).
    """

    compatible: str = ""
    name: str = ""
    type: str = ""
    data: object = None


@attrs.frozen
class platform_device_id:
    """include/linux/mod_devicetable.h: struct platform_device_id — match by device name."""

    name: str = ""
    driver_data: int = 0
