"""One node in its own process that measures lease latency while others load the farm.

`python -m tests.bench.lease_probe URL CODE SECONDS` prints a JSON list of
[seconds since it began, lease latency in ms]. Its event loop does nothing else, so
the figures are what a node on its own PC would see, not the load generator's own
scheduling delays. It asks every 50 ms and, as a node does, sends a unit's audio
beside its next requests instead of before them: when 200 nodes' uploads queue for
the judge, its leases are still measured every 50 ms.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

import aiohttp

from e2a_node.client import CoordinatorClient, CoordinatorGone, RequestRefused, Unauthorized
from e2a_node.protocol import Assignment, Capabilities
from tests.helpers.farm_fixtures import speech_like_wav

CAPS = Capabilities("probe", "cpu", {"piper": ["en_US-joe-medium"]})


async def _upload(client: CoordinatorClient, unit: Assignment) -> None:
    chars = len(" ".join(unit.sentences))
    n, d = len(unit.sentences), chars / 15
    with contextlib.suppress(CoordinatorGone, RequestRefused, Unauthorized):
        await client.async_upload(unit.unit_id, speech_like_wav(d, rate=8000),
                                  [(k * d / n, (k + 1) * d / n) for k in range(n)])


async def probe(url: str, code: str, seconds: float) -> list[tuple[float, float]]:
    latencies: list[tuple[float, float]] = []
    sending: set[asyncio.Task[None]] = set()
    async with aiohttp.ClientSession() as session:
        client = CoordinatorClient(session, url, "node-probe0001")
        client.secret = (await client.async_pair("probe", code)).secret
        start = time.monotonic()
        end = start + seconds
        while time.monotonic() < end:
            began = time.perf_counter()
            lease = await client.async_lease(CAPS)
            latencies.append((round(time.monotonic() - start, 3),
                              (time.perf_counter() - began) * 1000))
            if lease.assignment is not None:
                task = asyncio.create_task(_upload(client, lease.assignment))
                sending.add(task)
                task.add_done_callback(sending.discard)
            await asyncio.sleep(0.05)
        for task in list(sending):
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)
    return latencies


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1], sys.argv[2], float(sys.argv[3])))))
