# SPDX-License-Identifier: GPL-2.0-only
"""include/trace/: tracepoint definitions."""
