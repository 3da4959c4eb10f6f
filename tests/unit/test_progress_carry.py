"""A run stopped and started again goes on from the bar it showed (issue 20, D4)."""

from __future__ import annotations

import pytest

from e2a_desktop.events import Cancelled, JobStarted, UnitFinished, UnitProgress, UnitStarted
from e2a_desktop.progress import ProgressModel
from tests.helpers.fakes import FakeClock


def _first_run(model: ProgressModel) -> float:
    """Unit 1 kept (400 of 1000 characters), unit 2 three-quarters spoken, then Cancel."""
    for event in (JobStarted("Book", 1, 2, 0, 1000, 0, 0.0),
                  UnitStarted("a", 1, 0, "One", 400),
                  UnitFinished("a", 1, 0, 400, 10.0, True),
                  UnitStarted("a", 2, 0, "One", 600), UnitProgress("a", 2, 3, 4)):
        model(event)
    shown = model.snapshot().fraction
    model(Cancelled(1, 2))
    assert model.snapshot().fraction == pytest.approx(shown)  # Cancel takes nothing back
    return shown


def test_the_next_run_of_the_same_job_starts_its_bar_where_the_last_one_stopped() -> None:
    shown = _first_run(ProgressModel(FakeClock()))
    assert shown == pytest.approx(0.85)
    again = ProgressModel(FakeClock())
    again.carry(shown)
    again(JobStarted("Book", 1, 2, 1, 1000, 400, 10.0))  # unit 2 is spoken from its start
    again(UnitStarted("a", 2, 0, "One", 600))
    assert again.snapshot().fraction == pytest.approx(0.85)
    again(UnitProgress("a", 2, 4, 4))
    assert again.snapshot().fraction == pytest.approx(0.99)  # past it: moves on (not 100 %)


def test_without_a_carried_bar_a_run_starts_from_what_is_kept() -> None:
    model = ProgressModel(FakeClock())
    model(JobStarted("Book", 1, 2, 1, 1000, 400, 10.0))
    assert model.snapshot().fraction == pytest.approx(0.4)
