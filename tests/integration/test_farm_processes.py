"""The farm with real processes on loopback and real Piper speech."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.conftest import SAMPLE_TITLES
from tests.integration.farm_procs import (
    FARM_NAME,
    exit_code,
    free_port,
    job_db,
    node_id,
    query,
    start_coordinator,
    start_node,
    stop_all,
    wait_for,
)

pytestmark = pytest.mark.slow


def test_three_nodes_and_the_builtin_one_share_a_book(sample_book: Path, tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "book.m4b"
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, "--unit-chars", "120",
                              "--wait-nodes", "3", log=tmp_path / "coord.log")
    nodes = [start_node(tmp_path / "n1", "node one", port=port),
             start_node(tmp_path / "n2", "node two", port=port),
             start_node(tmp_path / "n3", "node three")]  # finds the coordinator by mDNS
    try:
        assert coord.wait(timeout=240) == 0, (tmp_path / "coord.log").read_text()
        assert all(n.wait(timeout=60) == 0 for n in nodes)
    finally:
        stop_all(coord, *nodes)
    ids = {node_id(tmp_path / f"n{i}") for i in (1, 2, 3)}
    done_by = {row[0] for row in query(job_db(tmp_path / "coord"),
                                       "SELECT done_by FROM units")}
    # Who speaks how much is the scheduler's business; that only known nodes spoke, and
    # that LAN nodes did (the first units went to them while the farm waited), is ours.
    assert done_by <= ids | {"local"}
    assert done_by & ids, "LAN nodes spoke units of the book"
    assert [c.title for c in MP4(str(out)).chapters] == SAMPLE_TITLES
    log = (tmp_path / "coord.log").read_text()
    assert f'farm "{FARM_NAME} · ' in log and ", code 482-913" in log and "per node:" in log


def test_a_node_killed_mid_unit_costs_nothing(sample_book: Path, tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "book.m4b"
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, "--unit-chars", "150",
                              "--wait-nodes", "2", "--lease-ttl", "3",
                              log=tmp_path / "coord.log")
    steady = start_node(tmp_path / "steady", "steady", port=port)
    doomed = start_node(tmp_path / "doomed", "doomed", "--max-speed", "1", port=port)
    db = None
    try:
        victim = node_id(tmp_path / "doomed")
        db_path = lambda: job_db(tmp_path / "coord")  # noqa: E731
        wait_for(lambda: query(db_path(), "SELECT unit_id FROM leases WHERE node = ?", victim),
                 120, "the doomed node to hold a unit")
        held = query(db_path(), "SELECT unit_id FROM leases WHERE node = ?", victim)[0][0]
        doomed.send_signal(signal.SIGKILL)
        assert coord.wait(timeout=240) == 0, (tmp_path / "coord.log").read_text()
        db = db_path()
    finally:
        stop_all(coord, steady, doomed)
    rows = query(db, "SELECT id, status, done_by, duration, attempts, audio_path FROM units")
    assert all(status == "done" for _id, status, *_ in rows)
    assert victim not in {done_by for _id, _s, done_by, *_ in rows}
    redone = next(r for r in rows if r[0] == held)
    assert redone[4] >= 2, "the unit the killed node held was leased again"
    units_dir = db.parent / "units"
    assert sorted(p.name for p in units_dir.iterdir()) == sorted(str(r[5]) for r in rows)
    # Durations add up: the book is the units plus the pauses between them, nothing twice.
    speech = sum(float(r[3]) for r in rows)
    length = MP4(str(out)).info.length
    assert speech < length < speech + 0.9 * len(rows) + 1


def test_coordinator_restarted_mid_book_resumes(sample_book: Path, tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "book.m4b"
    extra = ("--unit-chars", "100", "--lease-ttl", "5")
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, *extra,
                              "--wait-nodes", "1", log=tmp_path / "coord.log")
    node = start_node(tmp_path / "node", "loyal", "--max-speed", "6", port=port,
                      log=tmp_path / "node.log")
    db = None
    try:
        db_path = lambda: job_db(tmp_path / "coord")  # noqa: E731
        wait_for(lambda: len(query(db_path(), "SELECT id FROM units WHERE status='done'")) >= 4,
                 120, "four units to be done")
        coord.send_signal(signal.SIGKILL)
        coord.wait()
        db = db_path()
        before = dict(query(db, "SELECT id, done_at FROM units WHERE status='done'"))
        # The node reconnects by itself; the new coordinator waits for it (without that,
        # it could finish alone while the node is backing off).
        coord = start_coordinator(sample_book, out, tmp_path / "coord", port, *extra,
                                  "--wait-nodes", "1", log=tmp_path / "coord.log")
        assert exit_code(coord, 240, tmp_path / "coord.log") == 0, \
            (tmp_path / "coord.log").read_text()
        assert exit_code(node, 60, tmp_path / "node.log") == 0, \
            (tmp_path / "node.log").read_text()
    finally:
        stop_all(coord, node)
    after = dict(query(db, "SELECT id, done_at FROM units WHERE status='done'"))
    total = query(db, "SELECT COUNT(*) FROM units")[0][0]
    assert len(after) == total
    assert all(after[unit] == done_at for unit, done_at in before.items())
    assert [c.title for c in MP4(str(out)).chapters] == SAMPLE_TITLES
    node_did = query(db, "SELECT COUNT(*) FROM units WHERE done_by != 'local' AND id NOT IN "
                         f"({','.join(str(u) for u in before) or '0'})")[0][0]
    assert node_did > 0, "the node reconnected by itself and kept working"


def test_a_paired_node_auto_joins_the_next_job_without_a_code(sample_book: Path,
                                                             tmp_path: Path) -> None:
    node_data = tmp_path / "node"
    coord_data = tmp_path / "coord"
    first = start_coordinator(sample_book, tmp_path / "one.m4b", coord_data, free_port(),
                              "--chapters", "1", "--wait-nodes", "1")
    node = start_node(node_data, "regular", port=None)  # pairs by mDNS with --code
    try:
        assert first.wait(timeout=120) == 0
        assert node.wait(timeout=60) == 0
    finally:
        stop_all(first, node)
    # The next book, with a different farm code: the node knows the coordinator's key.
    second = start_coordinator(sample_book, tmp_path / "two.m4b", coord_data, free_port(),
                               "--chapters", "2", "--code", "999-111", "--wait-nodes", "1",
                               log=tmp_path / "second.log")
    args = ["--headless", "--name", "regular", "--one-job", "--farm", FARM_NAME]
    again = subprocess.Popen([sys.executable, "-m", "e2a_node", *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "E2A_DATA_DIR": str(node_data)})
    try:
        assert second.wait(timeout=120) == 0, (tmp_path / "second.log").read_text()
        _out, err = again.communicate(timeout=60)
    finally:
        stop_all(second, again)
    assert again.returncode == 0, err
    assert b"Enter its code" not in err and b"not paired" not in err
    me = node_id(node_data)
    # Same book and voice: the same job folder; chapter 2 (index 1) was this run's work.
    assert query(job_db(coord_data), "SELECT COUNT(*) FROM units WHERE done_by = ? AND "
                 "chapter = 1", me)[0][0]
