"""`e2a-node --cluster URL`: a Celery worker that speaks e2a units.

A thin wrapper over ``celery worker``: the same app settings as the coordinator
(app.py), the tasks of tasks.py, a prefork pool whose processes each load the
voice once and keep it (``--concurrency`` processes; one by default, since a
voice engine uses every core it is given), and a node name that Flower and the
coordinator's Nodes table show. The main process answers the coordinator's pings
while its pool speaks, so a busy worker is never taken for a dead one.
"""

from __future__ import annotations

import logging
import socket

from ..config import AppPaths
from .app import QUEUE, check_broker, cluster_app, redact
from .tasks import WorkerSettings, configure, register

log = logging.getLogger("e2a.node")


def node_name(name: str | None) -> str:
    """The worker's Celery hostname: e2a@NAME (NAME: --name, else this computer's)."""
    return f"e2a@{name or socket.gethostname()}"


def run_worker(url: str, *, name: str | None = None, concurrency: int = 1,
               device: str = "auto") -> int:
    """Serve units until stopped (SIGTERM/Ctrl-C: the unit in hand finishes first).

    Raises ClusterError before starting when the extra is missing or Redis cannot
    be reached with this URL.
    """
    check_broker(url)
    app = cluster_app(url)
    configure(WorkerSettings(AppPaths.load().voices_dir, device, name or socket.gethostname()))
    register(app)
    # Celery's own line per task holds its result: a unit's whole WAV. One line of ours
    # per unit says what matters (tasks.speak); failures are still logged.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    hostname = node_name(name)
    log.info("cluster worker %s on %s: %d process(es), each loads the voice once",
             hostname, redact(url), concurrency)
    app.worker_main(["worker", f"--hostname={hostname}", f"--concurrency={concurrency}",
                     "--pool=prefork", f"--queues={QUEUE}", "--loglevel=INFO",
                     "--without-mingle", "--without-gossip"])
    return 0
