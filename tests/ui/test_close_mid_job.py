"""Closing the window mid-job with LAN nodes connected never ends in a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2a_desktop.config import AppPaths
from e2a_desktop.jobs import list_jobs
from tests.conftest import ROOT

RUNS = 20
EXIT_TROUBLE = ("Fatal Python error", "Exception ignored", "QThread: Destroyed",
                "Segmentation fault", "QObject::")
"""What an unclean exit prints: an abort, an error in a destructor, a thread or a Qt
object left behind. (A node's late upload answered with an error is logged, not this.)"""


@pytest.mark.slow
def test_closing_mid_job_twenty_times_with_nodes_connected_exits_cleanly(
        sample_book: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.epub"
    second.write_bytes(sample_book.read_bytes())
    for run in range(RUNS):
        data = tmp_path / f"run{run}"
        env = {**os.environ, "E2A_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen",
               "E2A_BIND_HOST": "127.0.0.1", "E2A_MDNS_INTERFACES": "127.0.0.1"}
        done = subprocess.run(
            [sys.executable, "-m", "tests.ui.close_mid_job_app", str(sample_book), str(second)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        said = done.stderr[-3000:]
        assert done.returncode == 0, f"run {run}: exit {done.returncode}\n{said}"
        for sign in EXIT_TROUBLE:
            assert sign not in done.stderr, f"run {run}: {sign}\n{said}"
        kept = [j.title for j in list_jobs(AppPaths(data)) if not j.finished]
        assert kept == ["Three Fables of Aesop"], f"run {run}: {kept}"


@pytest.mark.slow
def test_sigterm_closes_the_window_as_quit_does_and_keeps_the_book(
        sample_book: Path, tmp_path: Path) -> None:
    """A logout or `systemctl stop` mid-job: exit 0 (it was 143), the book kept for later,
    without a question nobody is there to answer."""
    second = tmp_path / "second.epub"
    second.write_bytes(sample_book.read_bytes())
    data = tmp_path / "data"
    env = {**os.environ, "E2A_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen",
           "E2A_BIND_HOST": "127.0.0.1", "E2A_MDNS_INTERFACES": "127.0.0.1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.close_mid_job_app", str(sample_book), str(second),
         "--sigterm"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    kept = [j.title for j in list_jobs(AppPaths(data)) if not j.finished]
    assert kept == ["Three Fables of Aesop"]
