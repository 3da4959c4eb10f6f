"""`e2a report` counts in plain English: "1 chapter", "1 unit", never "1 chapters"."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

import pytest

from e2a_desktop import cli


def _chapter(number: int, units: int) -> SimpleNamespace:
    return SimpleNamespace(number=number, title=f"Chapter {number}", seconds=60.0,
                           units=[object()] * units, state="done", start=0.0)


def test_one_chapter_of_one_unit_is_said_in_the_singular(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    job = SimpleNamespace(title="Emma", chapters=[_chapter(4, 1)], folder=tmp_path,
                          flagged={})
    voice = SimpleNamespace(engine="piper", voice="en_US-amy-low")
    prepared = SimpleNamespace(request=SimpleNamespace(voice=voice))
    monkeypatch.setattr(cli.AppPaths, "load", classmethod(lambda _cls: None))
    monkeypatch.setattr(cli, "_prepared", lambda _args, _paths: prepared)
    monkeypatch.setattr(cli, "_job_review", lambda _args, _paths, _prepared: job)
    monkeypatch.setattr(cli, "_report_hearing", lambda _folder: None)
    assert cli.cmd_report(argparse.Namespace(book=tmp_path / "emma.epub")) == 0
    out = capsys.readouterr().out
    assert "Emma: voice piper:en_US-amy-low, 1 chapter, " in out
    assert "1 unit, done" in out
    assert "1 chapters" not in out and "1 units" not in out
