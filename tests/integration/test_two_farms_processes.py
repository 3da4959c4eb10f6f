"""Two farms of one name on the network, real processes: nodes stay with the farm they joined.

The neighbour's farm is up for the whole test and never renders (it waits for five
nodes); this PC's farm converts three books in a row, each a new `e2a convert`.
A tray node and a headless node, each started with this farm's code, must find it
among the two of one name, work on every book, never touch the neighbour's, and
still be running at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.integration.farm_procs import (
    CODE,
    FARM_NAME,
    exit_code,
    free_port,
    node_id,
    query,
    start_coordinator,
    stop_all,
    wait_for,
)

pytestmark = pytest.mark.slow

NEIGHBOURS_CODE = "111222"


def _node(data: Path, name: str, log: Path, tray: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "e2a_node", "--name", name, "--code", CODE,
            "--farm", FARM_NAME]
    if not tray:
        args.insert(3, "--headless")
    env = {**os.environ, "E2A_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    with log.open("ab") as sink:
        return subprocess.Popen(args, stdout=sink, stderr=sink, env=env)


def _spoken_by(data: Path) -> set[object]:
    found: set[object] = set()
    for db in data.glob("jobs/*/job.sqlite"):
        found |= {row[0] for row in query(db, "SELECT done_by FROM units WHERE done_by != ''")}
    return found


def test_nodes_stay_with_their_farm_through_three_books_beside_a_farm_of_one_name(
        sample_book: Path, tmp_path: Path) -> None:
    neighbour_log = tmp_path / "neighbour.log"
    neighbour = start_coordinator(sample_book, tmp_path / "neighbour.m4b",
                                  tmp_path / "neighbour", free_port(), "--code",
                                  NEIGHBOURS_CODE, "--wait-nodes", "5", "--wait-nodes-for",
                                  "900", log=neighbour_log)
    logs = {"tray": tmp_path / "tray.log", "headless": tmp_path / "headless.log"}
    nodes = {}
    try:
        wait_for(lambda: "code 111-222" in neighbour_log.read_text(errors="replace"), 60,
                 "the neighbour's farm to serve")
        nodes = {kind: _node(tmp_path / kind, f"{kind} pc", log, tray=kind == "tray")
                 for kind, log in logs.items()}
        ids = {node_id(tmp_path / kind) for kind in nodes}
        for book in range(3):
            out = tmp_path / f"book{book}.m4b"
            log = tmp_path / f"mine{book}.log"
            # Another plan each time: a new job, not the last one resumed.
            mine = start_coordinator(sample_book, out, tmp_path / "mine", free_port(),
                                     "--chapters", "1", "--unit-chars", str(100 + 20 * book),
                                     "--wait-nodes", "2", "--wait-nodes-for", "120", log=log)
            assert exit_code(mine, 240, log) == 0, log.read_text(errors="replace")
            said = log.read_text(errors="replace")
            assert "node(s) came" not in said, said  # both nodes joined this book too
            assert [c.title for c in MP4(str(out)).chapters][:1] == ["The Wolf and the Lamb"]
            for kind, proc in nodes.items():
                assert proc.poll() is None, logs[kind].read_text(errors="replace")
        spoken = _spoken_by(tmp_path / "mine")
        assert spoken <= ids | {"local"}
        assert _spoken_by(tmp_path / "neighbour") == set()
        assert neighbour.poll() is None
        for proc in nodes.values():
            proc.send_signal(signal.SIGTERM)
        for kind, proc in nodes.items():
            assert exit_code(proc, 60, logs[kind]) == 0
    finally:
        stop_all(neighbour, *nodes.values())
    for log in logs.values():
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-4000:]
        assert "refused the code" in text or "joined farm" in text
