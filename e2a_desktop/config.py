"""Where e2a keeps its files: the one loader lives in e2a_node.config (nodes need it too)."""

from __future__ import annotations

from e2a_node.config import DATA_DIR_ENV, AppPaths, NetworkSettings

__all__ = ["DATA_DIR_ENV", "AppPaths", "NetworkSettings"]
