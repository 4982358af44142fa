# SPDX-License-Identifier: GPL-2.0-only
"""``python -m cmaport`` — the same as the ``cmaport`` command."""

from cmaport.cli import main

main()
