# SPDX-License-Identifier: GPL-2.0-only
"""include/trace/events/: the TRACE_EVENT() headers of the subsystems in scope."""
