"""Run the real CLIs as subprocesses, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(module: str, *args: str, cwd: Path | None = None, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL)


def e2a(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return run_cli("e2a_desktop", *args, **kwargs)  # type: ignore[arg-type]
