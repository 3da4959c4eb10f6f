"""Start real coordinator and node processes on loopback, and read their job store."""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

CODE = "482913"
FARM_NAME = f"Test Farm {secrets.token_hex(3)}"
"""Unique per test run: nodes that look for a farm by mDNS pass --farm with it, so another
e2a (or another copy of these tests) on the same machine is never joined."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_coordinator(book: Path, out: Path, data: Path, port: int, *extra: str,
                      log: Path | None = None,
                      fd_limit: int | None = None) -> subprocess.Popen[bytes]:
    """``fd_limit``: run it under ``ulimit -n`` (soft and hard), like a desktop's 1,024."""
    args = [sys.executable, "-m", "e2a_desktop", "convert", str(book), "-o", str(out),
            "--code", CODE, "--port", str(port), "--farm-name", FARM_NAME, *extra]
    return _spawn(args, data, log, fd_limit)


def start_node(data: Path, name: str, *extra: str, port: int | None = None,
               log: Path | None = None) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "e2a_node", "--headless", "--name", name, "--code", CODE,
            "--one-job", *extra]
    if port is not None:
        args += ["--url", f"https://127.0.0.1:{port}"]
    else:
        args += ["--farm", FARM_NAME]
    return _spawn(args, data, log)


def _spawn(args: list[str], data: Path, log: Path | None,
           fd_limit: int | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "E2A_DATA_DIR": str(data)}

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    preexec = limit if fd_limit is not None else None
    if log is None:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, preexec_fn=preexec)
    with log.open("ab") as sink:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, stdout=sink, stderr=sink, env=env, preexec_fn=preexec)


def node_id(data: Path, timeout: float = 30) -> str:
    path = data / "node" / "node.json"
    wait_for(path.exists, timeout, f"{path} to appear")
    return str(json.loads(path.read_text())["node_id"])


def job_db(data: Path) -> Path:
    found = list(data.glob("jobs/*/job.sqlite"))
    return found[0] if found else data / "missing.sqlite"


def query(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    try:
        with closing(sqlite3.connect(db, timeout=5)) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def exit_code(proc: subprocess.Popen[bytes], timeout: float, log: Path | None = None) -> int:
    """The process's exit status; if it does not exit in time, fail showing its log."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        shown = log.read_text(errors="replace")[-6000:] if log and log.exists() else ""
        raise AssertionError(f"{proc.args!r:.200} still running after "
                             f"{timeout:.0f} s\n{shown}") from None


def stop_all(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
