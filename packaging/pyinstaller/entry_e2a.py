"""Frozen entry point of `e2a` (PyInstaller needs a script, not a console-script spec)."""

import sys

from e2a_desktop.cli import main

sys.exit(main())
