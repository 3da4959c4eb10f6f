"""The progress model: the figures the terminal bar and the window show, from events."""

from __future__ import annotations

import pytest

from e2a_desktop.events import (
    JobStarted,
    NodeChanged,
    NodeGone,
    Paused,
    UnitFinished,
    UnitProgress,
    UnitRequeued,
    UnitStarted,
)
from e2a_desktop.progress import ProgressModel
from tests.helpers.fakes import FakeClock


def test_the_bar_moves_within_a_unit_and_copies_count_once() -> None:
    clock = FakeClock()
    model = ProgressModel(clock)
    for event in (JobStarted("Book", 1, 2, 0, 1000, 0, 0.0),
                  UnitStarted("a", 1, 0, "One", 600), UnitStarted("b", 1, 0, "One", 600),
                  UnitProgress("a", 1, 1, 4), UnitProgress("b", 1, 2, 4)):
        model(event)
    assert model.snapshot().fraction == pytest.approx(0.3)  # b's copy is further: 300 of 1000
    model(UnitFinished("b", 1, 0, 600, 40.0, True))
    clock.advance(10)
    snap = model.snapshot()
    assert snap.fraction == pytest.approx(0.6) and snap.speed == pytest.approx(4.0)
    assert snap.eta_seconds == pytest.approx(400 / 60)
    model(UnitStarted("a", 2, 0, "One", 400))
    model(UnitProgress("a", 2, 4, 4))
    assert model.snapshot().fraction == pytest.approx(0.99), "not 100 % before it is done"


def test_handed_back_and_lost_units_no_longer_count_but_the_bar_never_goes_back() -> None:
    model = ProgressModel(FakeClock())
    for event in (JobStarted("Book", 1, 2, 0, 1000, 0, 0.0), UnitStarted("a", 1, 0, "One", 500),
                  UnitProgress("a", 1, 1, 2), UnitStarted("b", 2, 0, "One", 500),
                  UnitProgress("b", 2, 1, 1)):
        model(event)
    assert model.snapshot().fraction == pytest.approx(0.75)
    model(UnitRequeued(1, "a", "handed back"))
    model(NodeChanged("b", "B", "speaking"))
    model(NodeGone("b", "B", 61.0))
    snap = model.snapshot()
    assert snap.chars_in_flight == 0 and [n.state for n in snap.nodes] == ["gone"]
    assert snap.fraction == pytest.approx(0.75), "the bar never goes back within a run"
    model(Paused())
    assert model.snapshot().state == "paused"
