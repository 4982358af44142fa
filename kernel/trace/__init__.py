# SPDX-License-Identifier: GPL-2.0-only
"""kernel/trace/: the event tracer (the part the CMA trace events need)."""
