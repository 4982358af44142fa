# SPDX-License-Identifier: GPL-2.0-only
"""cmaport: an executable, kernel-faithful Python port of the Linux v4.9 CMA stack.

The kernel-tree folders of the repository are subpackages of this package
(``cmaport.mm``, ``cmaport.drivers.of``, ``cmaport.arch.arm.mm``, …); this folder
(``tools/cmaport``) is the user-space side: the command line and its helpers.
See README.md and DEVELOPERS.md.
"""

__version__ = "0.1.0"
