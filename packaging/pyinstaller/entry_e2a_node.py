"""Frozen entry point of `e2a-node`."""

import os
import sys

# A windowed Windows exe has no console: its sys.stdout and sys.stderr are None, and a
# stray print or log line must go nowhere rather than fail.
if sys.stdout is None:
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

from e2a_node.cli import main  # noqa: E402 (after the streams exist)

sys.exit(main())
