"""Frozen entry point of `e2a` (PyInstaller needs a script, not a console-script spec)."""

import os
import sys

# A windowed Windows exe has no console: its sys.stdout and sys.stderr are None, and a
# stray print or log line must go nowhere rather than fail.
if sys.stdout is None:
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

if len(sys.argv) >= 4 and sys.argv[1] == "--e2a-audio-judge":  # the farm's judge process
    from e2a_desktop.farm.judging import serve_child

    serve_child(sys.argv[2:])
    sys.exit(0)

from e2a_desktop.cli import main  # noqa: E402 (after the streams exist)

sys.exit(main())
