"""`e2a convert --cluster`: a real redis-server and real Celery worker processes.

The cluster changes only who speaks a unit: the book that comes out must be the
one a local run makes (chapters, titles, length), every worker must do its share,
and a cluster that cannot be reached is one line, not a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.conftest import SAMPLE_TITLES
from tests.integration.cli_runner import e2a, run_cli
from tests.integration.cluster_procs import ClusterWorker, RedisServer, free_port, wait_for
from tests.integration.farm_procs import job_db, query

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None,
                       reason="redis-server is not installed (apt-get install redis-server; "
                              ".ci/run installs it)"),
]

UNIT_CHARS = "500"  # 9 units of the sample book: enough for two workers to share


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def workers(redis_server: RedisServer, data_dir: Path,
            tmp_path: Path) -> Iterator[list[ClusterWorker]]:
    started = [ClusterWorker(redis_server.url, name, data_dir, tmp_path / f"worker-{name}.log")
               for name in ("alpha", "beta")]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()


def _chapters(path: Path) -> list[tuple[str, float]]:
    return [(c.title, c.start) for c in MP4(str(path)).chapters]


def test_two_workers_render_the_sample_book_as_a_local_run_does(
        sample_book: Path, tmp_path: Path, redis_server: RedisServer,
        workers: list[ClusterWorker]) -> None:
    local, clustered = tmp_path / "local.m4b", tmp_path / "cluster.m4b"
    out = e2a("convert", str(sample_book), "-o", str(local), "--no-farm",
              "--unit-chars", UNIT_CHARS)
    assert out.returncode == 0, out.stderr

    # Another data dir: the same book in the same one would resume the local run's job.
    out = e2a("convert", str(sample_book), "-o", str(clustered), "--cluster", redis_server.url,
              "--wait-nodes", "2", "--unit-chars", UNIT_CHARS,
              env={"E2A_DATA_DIR": str(tmp_path / "coordinator")})
    assert out.returncode == 0, out.stderr + "\n".join(w.text() for w in workers)
    assert "rendering with 2 worker(s): e2a@alpha, e2a@beta" in out.stderr
    summary = out.stdout.split("per node:")[1]
    for worker in workers:  # both spoke units, and said so in their own log
        assert f"e2a@{worker.name} · " in summary, out.stdout
        assert "done:" in worker.text() and "s of audio in" in worker.text()

    assert [t for t, _ in _chapters(clustered)] == SAMPLE_TITLES
    local_length, cluster_length = MP4(str(local)).info.length, MP4(str(clustered)).info.length
    # The same units, voice and pauses: the same book, to within Piper's own variation.
    assert abs(cluster_length - local_length) < 0.01 * local_length, (local_length,
                                                                       cluster_length)
    for (_, a), (_, b) in zip(_chapters(local), _chapters(clustered), strict=True):
        assert abs(a - b) < 0.01 * local_length


def _start_coordinator(book: Path, out: Path, server: RedisServer, log: Path,
                       data: Path, wait_nodes: int = 2) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "e2a_desktop", "convert", str(book), "-o", str(out),
             "--cluster", server.url, "--wait-nodes", str(wait_nodes),
             "--unit-chars", UNIT_CHARS],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "E2A_DATA_DIR": str(data)})


def test_a_coordinator_killed_and_run_again_resumes(
        sample_book: Path, tmp_path: Path, redis_server: RedisServer,
        workers: list[ClusterWorker]) -> None:
    out, log, data = tmp_path / "book.m4b", tmp_path / "coordinator.log", tmp_path / "coord"

    def done() -> int:
        return len(query(job_db(data), "SELECT id FROM units WHERE status = 'done'"))

    first = _start_coordinator(sample_book, out, redis_server, log, data)
    try:
        wait_for(lambda: done() >= 1, 120, "the first unit to be accepted")
        first.kill()  # as a crash or a power cut would
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    assert done() >= 1
    assert not out.exists()

    again = e2a("convert", str(sample_book), "-o", str(out), "--cluster", redis_server.url,
                "--unit-chars", UNIT_CHARS, env={"E2A_DATA_DIR": str(data)})
    assert again.returncode == 0, again.stderr
    assert "resuming: " in again.stderr and "units already spoken" in again.stderr
    assert [t for t, _ in _chapters(out)] == SAMPLE_TITLES
    assert query(job_db(data), "SELECT id FROM units WHERE status != 'done'") == []


def test_a_worker_killed_mid_unit_loses_nothing(
        sample_book: Path, tmp_path: Path, redis_server: RedisServer,
        data_dir: Path) -> None:
    """alpha is killed holding a unit; beta joins only after the coordinator has said so.

    With beta there from the start, beta could finish the book's tail (alpha's unit
    among it, as the shrinking tail leases it twice) before alpha's silence is noticed:
    then nothing is handed back and the hand-back this test is about never runs.
    """
    local, clustered = tmp_path / "local.m4b", tmp_path / "cluster.m4b"
    out = e2a("convert", str(sample_book), "-o", str(local), "--no-farm",
              "--unit-chars", UNIT_CHARS)
    assert out.returncode == 0, out.stderr
    alpha = ClusterWorker(redis_server.url, "alpha", data_dir, tmp_path / "worker-alpha.log")
    beta: ClusterWorker | None = None
    log = tmp_path / "coordinator.log"
    coordinator: subprocess.Popen[bytes] | None = None
    try:
        alpha.wait_ready()
        coordinator = _start_coordinator(sample_book, clustered, redis_server, log,
                                         tmp_path / "coordinator", wait_nodes=1)
        wait_for(lambda: "Task e2a.speak_unit[" in alpha.text(), 120,
                 "alpha to receive its first unit")
        alpha.kill()
        said = alpha.text()
        assert said.count("Task e2a.speak_unit[") > said.count(" s of audio in "), \
            "alpha finished its unit before it was killed: not a mid-unit kill"
        wait_for(lambda: "cluster: worker e2a@alpha stopped answering; its unit(s) "
                 in log.read_text(), 120, "the coordinator to notice alpha is gone")
        assert "go to the others" in log.read_text()
        beta = ClusterWorker(redis_server.url, "beta", data_dir, tmp_path / "worker-beta.log")
        beta.wait_ready()
        assert coordinator.wait(300) == 0, log.read_text()
    finally:
        if coordinator is not None and coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait(10)
        for worker in (alpha, beta):
            if worker is not None:
                worker.stop()
    summary = log.read_text().split("per node:")[1]
    assert "e2a@beta · " in summary, summary  # beta spoke what alpha held, and the rest
    assert [t for t, _ in _chapters(clustered)] == SAMPLE_TITLES
    local_length, cluster_length = MP4(str(local)).info.length, MP4(str(clustered)).info.length
    assert abs(cluster_length - local_length) < 0.01 * local_length, (local_length,
                                                                       cluster_length)


def _install_voice_copy(data: Path, name: str, model: bytes | None = None) -> None:
    """The bundled voice under another name in ``data`` (``model``: other model bytes)."""
    from e2a_node.engines.piper import piper_voices

    bundled_model, bundled_config = piper_voices(None)["en_US-joe-medium"]
    folder = data / "voices" / "piper"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx").write_bytes(model if model is not None
                                           else bundled_model.read_bytes())
    shutil.copyfile(bundled_config, folder / f"{name}.onnx.json")


def test_workers_without_the_voice_or_with_a_broken_one_fail_the_book_clearly(
        sample_book: Path, tmp_path: Path, redis_server: RedisServer,
        workers: list[ClusterWorker], data_dir: Path) -> None:
    coordinator = tmp_path / "coordinator"
    _install_voice_copy(coordinator, "en_US-copy-medium")  # the book's voice, here only...
    _install_voice_copy(data_dir, "en_US-copy-medium", model=b"not an onnx model")
    # ...and the workers share data_dir: both have a broken copy of it.
    out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--cluster",
              redis_server.url, "--voice", "en_US-copy-medium",
              env={"E2A_DATA_DIR": str(coordinator)})
    assert out.returncode == 2, out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("e2a: error: no cluster worker can speak this book (e2a@"), last
    assert "cannot load piper voice" in last and "en_US-copy-medium.onnx" in last
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "b.m4b").exists()

    (data_dir / "voices" / "piper" / "en_US-copy-medium.onnx").unlink()  # now: no such voice
    (data_dir / "voices" / "piper" / "en_US-copy-medium.onnx.json").unlink()
    out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--cluster",
              redis_server.url, "--voice", "en_US-copy-medium",
              env={"E2A_DATA_DIR": str(coordinator)})
    assert out.returncode == 2, out.stderr
    for worker in workers:
        assert (f"cluster: worker e2a@{worker.name} gets no units of this book: it has no "
                "voice piper:en_US-copy-medium (it has: piper:en_US-joe-medium)") in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith(
        "e2a: error: no cluster worker can speak this book")


def test_a_wrong_password_is_one_line(sample_book: Path, tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", password="right-password")
    try:
        wrong = f"redis://:wrong-password@127.0.0.1:{server.port}/0"
        out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--cluster",
                  wrong)
        assert out.returncode == 2
        assert out.stderr.strip().splitlines() == [
            f"e2a: error: the Redis at 127.0.0.1:{server.port} refused the password in the "
            "cluster URL (redis://:PASSWORD@host:port/0)"]
        assert "wrong-password" not in out.stderr
        assert not (tmp_path / "b.m4b").exists()

        node = run_cli("e2a_node", "--cluster", wrong, timeout=60)
        assert node.returncode == 2
        assert node.stderr.strip().splitlines()[-1].startswith("e2a-node: error: the Redis at")
        assert "Traceback" not in node.stderr
    finally:
        server.stop()


def test_an_unreachable_redis_is_one_line(sample_book: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--cluster",
              f"redis://127.0.0.1:{port}/0")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"e2a: error: cannot reach the Redis at 127.0.0.1:{port}: "), out.stderr


def test_a_url_that_is_not_redis_is_one_line(sample_book: Path, tmp_path: Path) -> None:
    out = e2a("convert", str(sample_book), "--cluster", "http://127.0.0.1:6379")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "e2a: error: 'http://127.0.0.1:6379' is not a cluster URL like "
        "redis://[:password@]host:6379/0 (or rediss:// for TLS)"]


def test_without_the_extra_cluster_says_what_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from e2a_node.cluster.app import ClusterError, require_celery

    monkeypatch.setitem(sys.modules, "celery", None)  # as if it were not installed
    with pytest.raises(ClusterError, match=r"pip install 'e2a\[cluster\]'"):
        require_celery()
