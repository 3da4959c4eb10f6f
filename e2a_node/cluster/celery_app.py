"""The cluster's Celery app for Celery's own command line (`celery -A …`).

`e2a-node --cluster URL` is the way to start a worker; this module lets the
standard tools attach to the same cluster with the same settings (msgpack, task
names, queues), reading the URL from ``E2A_CLUSTER_URL``:

    E2A_CLUSTER_URL=redis://:PASSWORD@host:6379/0 celery -A e2a_node.cluster.celery_app flower
    E2A_CLUSTER_URL=… celery -A e2a_node.cluster.celery_app inspect active

A worker started with ``celery -A e2a_node.cluster.celery_app worker`` works too
(it runs the same tasks), but `e2a-node --cluster` also names it and picks the
device.
"""

from __future__ import annotations

import os

from .app import ClusterError, cluster_app
from .tasks import register

URL_ENV = "E2A_CLUSTER_URL"

_url = os.environ.get(URL_ENV, "")
if not _url:
    raise ClusterError(f"set {URL_ENV} to the cluster's redis:// URL")
app = cluster_app(_url)
register(app)
