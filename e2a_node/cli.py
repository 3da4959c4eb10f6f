"""`e2a-node`: join e2a farms on the LAN and speak their books on this PC."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import E2AError
from .worker import NodeConfig, NodeWorker

DATA_DIR_ENV = "E2A_DATA_DIR"
MDNS_ENV = "E2A_MDNS_INTERFACES"


def _data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser() / "node"
    from platformdirs import user_data_dir

    return Path(user_data_dir("e2a", appauthor=False)) / "node"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="e2a-node", description="Speak parts of e2a "
                                     "audiobooks for a coordinator on your network.")
    parser.add_argument("--version", action="version", version=f"e2a-node {__version__}")
    parser.add_argument("--headless", action="store_true",
                        help="run without a tray icon (the only mode in this version)")
    parser.add_argument("--url", help="coordinator URL (skips mDNS discovery), e.g. "
                        "http://pc1:8765")
    parser.add_argument("--code", help="the farm code the desktop shows (first time only)")
    parser.add_argument("--name", help="this node's name as the desktop shows it")
    parser.add_argument("--one-job", action="store_true",
                        help="leave after the first job instead of waiting for the next")
    parser.add_argument("--max-speed", type=float, help="never speak faster than this "
                        "multiple of real time (keeps a shared PC responsive)")
    return parser


async def _prompt(name: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return (await asyncio.to_thread(input, f"Found farm '{name}'. Enter its code: ")).strip()


async def _async_run_until_stopped(worker: NodeWorker) -> None:
    """Run the worker; SIGTERM (logout, shutdown, `kill`) ends it like the end of a job."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers here
        loop.add_signal_handler(signal.SIGTERM, worker.stop)
    await worker.async_run()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="e2a-node: %(message)s", stream=sys.stderr)
    interfaces = [a for a in os.environ.get(MDNS_ENV, "").split(",") if a.strip()] or None
    config = NodeConfig(_data_dir(), args.name, args.url, args.code, interfaces, args.one_job,
                        args.max_speed)
    worker = NodeWorker(config, prompt=_prompt)
    try:
        asyncio.run(_async_run_until_stopped(worker))
    except E2AError as exc:
        print(f"e2a-node: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
