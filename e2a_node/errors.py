"""User-facing errors: one clear line naming the file and the problem.

Defined on the node side because the node is the lower layer: the desktop
imports engines and the protocol from here, never the other way round.
"""

from __future__ import annotations

from pathlib import Path


class E2AError(Exception):
    """A problem the user can act on; CLIs print it as one line, no traceback."""

    def __init__(self, problem: str, path: Path | str | None = None) -> None:
        self.problem = problem
        self.path = Path(path) if path is not None else None
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path is not None else self.problem


class VoiceError(E2AError):
    """The requested engine or voice is not available on this machine."""
