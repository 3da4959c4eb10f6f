"""Where e2a keeps its files; loaded in one place, frozen."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "E2A_DATA_DIR"
"""Overrides the user data dir (tests, portable installs)."""


@dataclass(frozen=True)
class AppPaths:
    """The user data dir and the folders under it."""

    data_dir: Path

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def voices_dir(self) -> Path:
        return self.data_dir / "voices"

    @property
    def trust_dir(self) -> Path:
        return self.data_dir / "trust"

    @classmethod
    def load(cls) -> AppPaths:
        override = os.environ.get(DATA_DIR_ENV)
        if override:
            return cls(Path(override).expanduser())
        from platformdirs import user_data_dir

        return cls(Path(user_data_dir("e2a", appauthor=False)))
