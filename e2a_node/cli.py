"""`e2a-node`: join e2a farms on the LAN and speak their books on this PC.

With no arguments it starts the tray node (e2a_node.tray); ``--headless`` (or
``--one-job``) runs in the terminal, for servers and scripts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .config import AppPaths, NetworkSettings
from .errors import E2AError
from .gpu import parse_device
from .single import NodeLock
from .state import NodeSnapshot, NodeStatus
from .trust import TrustStore
from .worker import NodeConfig, NodeWorker

ONE_JOB_PATIENCE_S = 120.0
"""With --one-job, how long to look for a coordinator before giving up."""

log = logging.getLogger("e2a.node")


def _url(text: str) -> str:
    """An http(s) URL with a host, e.g. https://pc1:8765 (argparse type)."""
    parts = urlsplit(text)
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise argparse.ArgumentTypeError(f"'{text}' is not a coordinator URL like "
                                         "https://pc1:8765")
    # Farms speak only TLS; an http:// URL (as older versions printed) means the same place.
    return parts._replace(scheme="https").geturl().rstrip("/")


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"'{text}' is not a speed between 0.1 and 1000")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0")
    return value


def _device(text: str) -> str:
    """auto, cpu, cuda, cuda:N or mps (argparse type)."""
    try:
        return parse_device(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="e2a-node", description="Speak parts of e2a "
                                     "audiobooks for a coordinator on your network.")
    parser.add_argument("--version", action="version", version=f"e2a-node {__version__}")
    parser.add_argument("--headless", action="store_true",
                        help="run in the terminal, without a tray icon (servers, scripts)")
    parser.add_argument("--url", type=_url, help="coordinator URL (skips mDNS discovery), "
                        "e.g. https://pc1:8765")
    parser.add_argument("--code", help="the farm code the desktop shows (first time only)")
    parser.add_argument("--name", help="this node's name as the desktop shows it")
    parser.add_argument("--farm", metavar="NAME", help="join only the farm of this name "
                        "(when several run on the network)")
    parser.add_argument("--one-job", action="store_true",
                        help="leave after the first job instead of waiting for the next")
    parser.add_argument("--give-up-after", type=_seconds, default=ONE_JOB_PATIENCE_S,
                        metavar="S", help="with --one-job: leave with an error after S "
                        f"seconds without a coordinator (default {ONE_JOB_PATIENCE_S:.0f})")
    parser.add_argument("--forget", metavar="NAME", help="un-pair from the farm of this name "
                        "(it has to be paired again with its code) and exit")
    parser.add_argument("--device", type=_device, default="auto",
                        help="where the voice speaks: auto (a GPU where the book's engine "
                             "can use one: CUDA torch for Coqui, onnxruntime-gpu for Piper; "
                             "else the CPU), cpu, cuda, cuda:N or mps (default auto)")
    parser.add_argument("--max-speed", type=_speed, help="never speak faster than this "
                        "multiple of real time (keeps a shared PC responsive)")
    parser.add_argument("--get-voices", action="store_true",
                        help="download a voice the farm's book needs when this node lacks it "
                             "(from the public catalogue; models with a licence to accept only "
                             "after `e2a voices --download` accepted it here once)")
    parser.add_argument("--cluster", metavar="URL", help="speak for a Celery cluster "
                        "instead of LAN farms: redis://[:password@]host:6379/0 (or rediss://); "
                        "needs pip install 'e2a[cluster]'")
    parser.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="with --cluster: N processes, each with the voice loaded "
                             "(default 1)")
    return parser


async def _prompt(name: str) -> str | None:
    """Asks at the terminal (only ever while this node is paired with no farm)."""
    return (await asyncio.to_thread(input, f"Found farm '{name}'. Enter its code: ")).strip()


class StateLog:
    """Says what the node is doing when that changes (a headless node's only display)."""

    def __init__(self) -> None:
        self._last: tuple[NodeStatus, str, str] | None = None

    def __call__(self, state: NodeSnapshot) -> None:
        key = (state.status, state.farm, state.waiting_for)
        if key == self._last or state.status in (NodeStatus.SPEAKING, NodeStatus.SEARCHING,
                                                 NodeStatus.JOINED):  # the worker says these
            self._last = key
            return  # speaking is logged per unit; searching by the worker itself
        self._last = key
        where = f" (farm '{state.farm_label}')" if state.farm else ""
        why = f": {state.waiting_for}" if state.waiting_for and \
            state.status is NodeStatus.IDLE else ""
        log.info("%s%s%s", state.status.value, why, where)


async def _async_run_until_stopped(worker: NodeWorker) -> None:
    """Run the worker; SIGTERM (logout, shutdown, `kill`) ends it like the end of a job."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers here
        loop.add_signal_handler(signal.SIGTERM, worker.stop)
    await worker.async_run()


TRAY_NEEDS_QT = ("e2a-node: the tray needs PySide6, which is not installed here.\n"
                 "  install it with:  pip install 'e2a[gui]'\n"
                 "  or run without a tray:  e2a-node --headless")


def _run_tray(args: argparse.Namespace, config: NodeConfig) -> int:
    try:
        from .tray.app import run
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "PySide6":
            raise
        print(TRAY_NEEDS_QT, file=sys.stderr)
        return 2
    return run(config)


def _say_in_a_box(problem: str, folder: Path | None) -> None:
    """The tray node's refusal to start, shown where a person looks (Qt where installed)."""
    try:
        from .tray.app import say_already_running
    except ImportError:
        return
    say_already_running(problem + (f".\n\nData folder: {folder}" if folder else "."))


def _forget(config: NodeConfig, name: str) -> int:
    trust = TrustStore(config.paths.node_dir / "trust")
    known = trust.all()
    gone = [fp for fp, farm in known.items() if farm.name == name]
    if not gone:
        names = ", ".join(sorted(f"'{f.name}'" for f in known.values())) or "none"
        print(f"e2a-node: error: not paired with a farm named '{name}' (paired: {names})",
              file=sys.stderr)
        return 2
    for fingerprint in gone:
        trust.forget(fingerprint)
    print(f"e2a-node: forgot farm '{name}'; pair again with --code CODE", file=sys.stderr)
    return 0


def _run_cluster_worker(args: argparse.Namespace) -> int:
    """`e2a-node --cluster URL`: a Celery worker (e2a_node.cluster) instead of a LAN node."""
    from .cluster.app import ClusterError
    from .cluster.worker import run_worker

    try:
        return run_worker(args.cluster, name=args.name, concurrency=max(1, args.concurrency),
                          device=args.device)
    except ClusterError as exc:
        print(f"e2a-node: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


_held: list[NodeLock] = []
"""This process's lock on its node folder (released when the process ends)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="e2a-node: %(message)s", stream=sys.stderr)
    network = NetworkSettings.load()
    config = NodeConfig(AppPaths.load().data_dir, args.name, args.url, args.code,
                        network.mdns_list, args.one_job, args.max_speed,
                        give_up_after=args.give_up_after if args.one_job else None,
                        farm_name=args.farm, get_voices=args.get_voices,
                        device=args.device)
    try:
        config.paths.writable(config.paths.node_dir)
    except E2AError as exc:
        print(f"e2a-node: error: {exc}", file=sys.stderr)
        return 2
    if args.forget is not None:
        return _forget(config, args.forget)
    if args.cluster is not None:
        return _run_cluster_worker(args)
    try:
        lock = NodeLock(config.paths.node_dir)  # held for the process's life
    except E2AError as exc:
        print(f"e2a-node: error: {exc}", file=sys.stderr)
        if not (args.headless or args.one_job):  # started from a menu: nobody reads stderr
            _say_in_a_box(exc.problem, config.paths.data_dir)  # the folder a person set
        return 2
    _held.append(lock)
    if not (args.headless or args.one_job):
        return _run_tray(args, config)
    try:
        prompt = _prompt if sys.stdin.isatty() else None  # nobody there: say, do not ask
        worker = NodeWorker(config, prompt=prompt, on_state=StateLog())
        asyncio.run(_async_run_until_stopped(worker))
    except E2AError as exc:
        print(f"e2a-node: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
