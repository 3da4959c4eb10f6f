"""One node in its own process that measures lease latency while others load the farm.

`python -m tests.bench.lease_probe URL CODE SECONDS` prints a JSON list of lease
latencies (ms). Its event loop does nothing else, so the figures are what a node
on its own PC would see, not the load generator's own scheduling delays.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp

from e2a_node.client import CoordinatorClient
from e2a_node.protocol import Capabilities
from tests.helpers.farm_fixtures import speech_like_wav

CAPS = Capabilities("probe", "cpu", {"piper": ["en_US-joe-medium"]})


async def probe(url: str, code: str, seconds: float) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession() as session:
        client = CoordinatorClient(session, url, "node-probe0001")
        client.secret = (await client.async_pair("probe", code)).secret
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            began = time.perf_counter()
            lease = await client.async_lease(CAPS)
            latencies.append((time.perf_counter() - began) * 1000)
            unit = lease.assignment
            if unit is not None:
                chars = len(" ".join(unit.sentences))
                n, d = len(unit.sentences), chars / 15
                await client.async_upload(unit.unit_id, speech_like_wav(d, rate=8000),
                                          [(k * d / n, (k + 1) * d / n) for k in range(n)])
            await asyncio.sleep(0.05)
    return latencies


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1], sys.argv[2], float(sys.argv[3])))))
