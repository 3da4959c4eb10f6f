"""The "already exists" question counts files in plain English."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from e2a_desktop.ui.edits import replace_question  # noqa: E402


def test_the_question_counts_what_it_replaces() -> None:
    assert replace_question([Path("/o/a.m4b")]) == "“a.m4b” already exists in /o. Replace it?"
    assert replace_question([Path("/o/a.m4b"), Path("/o/a.srt")]).endswith(
        "(and 1 more file). Replace them?")
    assert "(and 2 more files)" in replace_question([Path("/o/a"), Path("/o/b"), Path("/o/c")])
