"""A real redis-server and real `e2a-node --cluster` workers, on loopback, for tests.

redis-server runs from Debian's package (`.ci/run` installs it) in a temporary
folder on a free loopback port, without persistence, and is stopped afterwards.
Workers are started in their own session so that stopping one stops its pool's
processes too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

READY_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class RedisServer:
    """redis-server on 127.0.0.1 in ``folder``; ``password`` sets requirepass."""

    def __init__(self, folder: Path, password: str | None = None) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed"
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.password = password
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(folder),
                "--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        if password:
            args += ["--requirepass", password]
        self.log = folder / "redis.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        wait_for(self._answers, 30, f"redis-server on port {self.port}")

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        with socket.socket() as sock:
            sock.settimeout(1)
            try:
                sock.connect(("127.0.0.1", self.port))
                sock.sendall(b"PING\r\n")
                answer = sock.recv(64)
            except OSError:
                return False
        return answer.startswith((b"+PONG", b"-NOAUTH"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class ClusterWorker:
    """`e2a-node --cluster URL --name NAME` as a user starts it; its log in ``log``."""

    def __init__(self, url: str, name: str, data: Path, log: Path, *extra: str) -> None:
        self.name = name
        self.log = log
        env = {**os.environ, "E2A_DATA_DIR": str(data)}
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "e2a_node", "--cluster", url, "--name", name, *extra],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"worker {self.name} exited:\n{self.text()}"
            return f"e2a@{self.name} ready" in self.text()

        wait_for(ready, READY_S, f"cluster worker {self.name} to be ready")

    def kill(self) -> None:
        """SIGKILL the worker and its pool, as a power cut or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
