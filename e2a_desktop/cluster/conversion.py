"""A conversion whose units are spoken by a Celery cluster instead of this PC.

The job service's Conversion, unchanged in what it does (job store, resume,
checks, mastering, binding, events), with the built-in node and the LAN server
off and a ClusterDispatcher feeding its farm instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from e2a_node.cluster.app import check_broker, cluster_app

from ..config import AppPaths
from ..convert import PreparedBook
from ..errors import E2AError
from ..service import Conversion, Outcome
from .dispatcher import ClusterDispatcher


def _say_on_stderr(line: str) -> None:
    print(f"e2a: {line}", file=sys.stderr, flush=True)


class ClusterConversion(Conversion):
    """``Conversion`` over a cluster: ``start``, ``wait``, ``cancel`` as there.

    ``url`` is checked (the extra installed, Redis reachable with its password)
    when this is made, so a wrong URL is one line before anything is planned.
    """

    def __init__(self, prepared: PreparedBook, paths: AppPaths, url: str, *,
                 wait_workers: int = 0, wait_workers_for: float = 300.0,
                 say: Callable[[str], None] = _say_on_stderr, **kwargs: Any) -> None:
        check_broker(url)
        if prepared.request.voice.reference_voice:
            raise E2AError("--cluster cannot clone a voice yet (--voice-sample): the "
                           "recording is not carried to cluster workers")
        # LAN nodes are not served: the cluster's workers are this conversion's nodes.
        prepared = replace(prepared, request=replace(prepared.request, farm=None))
        super().__init__(prepared, paths, local_node=False, **kwargs)
        self._app = cluster_app(url)
        self._say = say
        self._wait_workers = (wait_workers, wait_workers_for)
        self._dispatcher: ClusterDispatcher | None = None

    def start(self) -> None:
        super().start()
        wanted, patience = self._wait_workers
        self._dispatcher = ClusterDispatcher(self.farm, self._app, on_fatal=self._fail,
                                             say=self._say, wait_workers=wanted,
                                             wait_workers_for=patience, clock=self.clock)
        self._dispatcher.start()

    def wait(self, timeout: float | None = None) -> Outcome | None:
        outcome = super().wait(timeout)
        if outcome is not None and self._dispatcher is not None:
            self._dispatcher.stop()  # idempotent: tasks still out are revoked
        return outcome
