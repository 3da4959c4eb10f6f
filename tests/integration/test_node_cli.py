"""e2a-node against coordinators it cannot work with: clear messages, exit 2."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from zeroconf.asyncio import AsyncServiceInfo

from e2a_desktop.farm.certificate import load_or_create
from e2a_node.discovery import Advertiser, Browser, FarmAdvert
from e2a_node.protocol import PROTOCOL_VERSION, SERVICE_TYPE
from tests.integration.cli_runner import run_cli
from tests.integration.farm_procs import free_port


@pytest.fixture
def future_coordinator(tmp_path: Path) -> Iterator[int]:
    """A coordinator from a future e2a: it speaks protocol version 99 (over TLS)."""
    port = free_port()
    tls = load_or_create(tmp_path / "future", "e2a farm Future").server_context()
    ready, stop = threading.Event(), threading.Event()

    async def hello(_request: web.Request) -> web.Response:
        return web.json_response({"protocol": 99, "coordinator_id": "coord-future",
                                  "name": "Future", "fingerprint": "f" * 16})

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/api/v1/hello", hello)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls).start()
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await runner.cleanup()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    ready.wait(10)
    yield port
    stop.set()
    thread.join(10)


def test_protocol_mismatch_is_reported_clearly(future_coordinator: int, tmp_path: Path) -> None:
    out = run_cli("e2a_node", "--headless", "--url", f"http://127.0.0.1:{future_coordinator}",
                  "--code", "123456", timeout=60)
    assert out.returncode == 2
    assert "protocol version mismatch" in out.stderr and "99" in out.stderr
    assert "Traceback" not in out.stderr


def test_unpaired_node_without_code_is_told_what_to_do(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE_BOOK
    from tests.integration.farm_procs import start_coordinator, stop_all

    port = free_port()
    coord = start_coordinator(SAMPLE_BOOK, tmp_path / "b.m4b", tmp_path / "c", port,
                              "--wait-nodes", "1")
    try:
        out = run_cli("e2a_node", "--headless", "--url", f"http://127.0.0.1:{port}",
                      timeout=60, env={"E2A_DATA_DIR": str(tmp_path / "n")})
    finally:
        stop_all(coord)
    assert out.returncode == 2
    assert "not paired" in out.stderr and "--code" in out.stderr


async def test_coordinator_is_discovered_by_mdns_on_loopback() -> None:
    advertiser = Advertiser(["127.0.0.1"])
    await advertiser.async_start("Ada's PC", 8765, "0123456789abcdef")
    browser = Browser(["127.0.0.1"])
    await browser.async_start()
    try:
        mine: list[FarmAdvert] = []  # other e2a farms on this machine are not ours to check
        for _ in range(10):
            mine = [a for a in await browser.async_wait(1.0)
                    if a.fingerprint == "0123456789abcdef"]
            if mine:
                break
        assert len(mine) == 1
        farm = mine[0]
        assert (farm.name, farm.fingerprint, farm.port, farm.protocol) \
            == ("Ada's PC", "0123456789abcdef", 8765, PROTOCOL_VERSION)
        # Nothing about the book goes to the LAN: the TXT record holds these keys only.
        service = next(n for n, a in browser.found.items() if a.fingerprint == "0123456789abcdef")
        info = AsyncServiceInfo(SERVICE_TYPE, service)
        assert browser._zc is not None and await info.async_request(browser._zc.zeroconf, 3000)
        assert {k.decode() for k in info.properties} == {"v", "port", "fp", "name"}
        assert farm.url == "https://127.0.0.1:8765"
        await advertiser.async_close()  # withdrawn when the job ends
        def still_there() -> bool:
            return any(a.fingerprint == "0123456789abcdef" for a in browser.found.values())

        for _ in range(10):
            await browser.async_wait(1.0)
            if not still_there():
                break
        assert not still_there()
    finally:
        await browser.async_close()
        await advertiser.async_close()


@pytest.mark.parametrize(("args", "message"), [
    (["--url", "notaurl"], "'notaurl' is not a coordinator URL like https://pc1:8765"),
    (["--url", "http://pc1:99999"], "is not a coordinator URL"),
    (["--max-speed", "-1"], "'-1' is not a speed between 0.1 and 1000"),
])
def test_bad_arguments_are_refused_before_anything_starts(args: list[str], message: str) -> None:
    out = run_cli("e2a_node", "--headless", *args, timeout=60)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_one_job_gives_up_on_an_unreachable_coordinator(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    out = run_cli("e2a_node", "--headless", "--one-job", "--give-up-after", "2", "--url",
                  f"http://127.0.0.1:{port}", "--code", "123456", timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        f"e2a-node: error: no coordinator answered https://127.0.0.1:{port} for 2 s; "
        "giving up (--one-job)")


def test_forget_unpairs_one_farm_by_name(tmp_path: Path) -> None:
    from e2a_node.trust import TrustedCoordinator, TrustStore

    trust = TrustStore(tmp_path / "node" / "trust")
    trust.remember(TrustedCoordinator("c1", "a" * 16, "study", "s1", "c" * 64))
    trust.remember(TrustedCoordinator("c2", "b" * 16, "attic", "s2", "d" * 64))
    env = {"E2A_DATA_DIR": str(tmp_path)}
    out = run_cli("e2a_node", "--forget", "study", timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert [f.name for f in trust.all().values()] == ["attic"]
    again = run_cli("e2a_node", "--forget", "study", timeout=60, env=env)
    assert again.returncode == 2
    assert "not paired with a farm named 'study' (paired: 'attic')" in again.stderr


@pytest.mark.parametrize("headless", [True, False])
def test_a_data_folder_that_cannot_be_written_is_one_line_not_a_traceback(
        tmp_path: Path, headless: bool) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = run_cli("e2a_node", *(["--headless"] if headless else []), "--url",
                  "https://127.0.0.1:9", timeout=60,
                  env={"E2A_DATA_DIR": str(blocker / "data"), "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert "cannot write to the data folder" in out.stderr and str(blocker) in out.stderr
    assert "Traceback" not in out.stderr


def test_a_second_node_on_the_same_data_folder_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two nodes on one folder would join a farm as one node (a household ran two by
    accident): the second says so and stops, before it talks to anyone."""
    from e2a_node.config import AppPaths
    from e2a_node.single import NodeLock

    monkeypatch.setenv("E2A_DATA_DIR", str(tmp_path / "n"))
    running = NodeLock(AppPaths.load().node_dir)  # the first node, as it holds its folder
    try:
        out = run_cli("e2a_node", "--headless", "--url", "http://127.0.0.1:9", timeout=60,
                      env={"E2A_DATA_DIR": str(tmp_path / "n")})
    finally:
        running.release()
    assert out.returncode == 2
    assert "e2a-node is already running" in out.stderr and "Traceback" not in out.stderr


def test_a_second_tray_node_says_why_in_a_box_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Household test of the installed node: "e2a node" chosen from the menu while it ran
    showed nothing at all (the reason went to stderr, which nobody reads there)."""
    from e2a_node import cli
    from e2a_node.config import AppPaths
    from e2a_node.single import NodeLock
    from e2a_node.tray import app as tray_app

    boxes: list[str] = []
    monkeypatch.setattr(tray_app, "say_already_running", boxes.append)
    monkeypatch.setenv("E2A_DATA_DIR", str(tmp_path / "n"))
    running = NodeLock(AppPaths.load().node_dir)
    try:
        assert cli.main(["--url", "http://127.0.0.1:9"]) == 2  # the tray node, from a menu
        assert cli.main(["--headless", "--url", "http://127.0.0.1:9"]) == 2  # a terminal's
    finally:
        running.release()
    assert len(boxes) == 1, boxes  # the tray node's only: a headless one has its terminal
    assert boxes[0].startswith("e2a-node is already running on this computer")
    assert boxes[0].endswith(f"Data folder: {AppPaths.load().data_dir}")  # as E2A_DATA_DIR set it
