"""Shared fixtures: an isolated data dir per test, the sample book, helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2a_node.engines import register_engine, unregister_engine
from tests.helpers.fakes import GateEngine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BOOK = ROOT / "resources" / "sample" / "aesop-fables.epub"
SAMPLE_TITLES = ["The Wolf and the Lamb", "The Town Mouse and the Country Mouse",
                 "The Hare and the Tortoise"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user data dir, so jobs never leak between tests."""
    folder = tmp_path / "e2a-data"
    monkeypatch.setenv("E2A_DATA_DIR", str(folder))
    # Farms in tests listen and advertise on loopback only: no traffic leaves this machine.
    monkeypatch.setenv("E2A_BIND_HOST", "127.0.0.1")
    monkeypatch.setenv("E2A_MDNS_INTERFACES", "127.0.0.1")
    return folder


@pytest.fixture
def gate() -> Iterator[type[GateEngine]]:
    """The "gate" voice, which speaks a sentence only when the test allows it."""
    GateEngine.reset()
    register_engine("gate", GateEngine)
    yield GateEngine
    GateEngine.open()  # whatever is still speaking finishes
    unregister_engine("gate")


@pytest.fixture
def sample_book() -> Path:
    return SAMPLE_BOOK
