# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/migrate_mode.h: how hard migration may try.

ASYNC never blocks; SYNC_LIGHT may block but not on writeback; SYNC may wait for
writeback (and write dirty pages out when a mapping has no ->migratepage).
"""

# enum migrate_mode
MIGRATE_ASYNC = 0
MIGRATE_SYNC_LIGHT = 1
MIGRATE_SYNC = 2
