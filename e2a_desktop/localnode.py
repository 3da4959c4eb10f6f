"""The desktop's built-in node: the same NodeWorker loop as a LAN node, minus HTTP.

``LocalLink`` answers the worker's six calls straight from the Farm, so the
built-in node leases, heartbeats, hands back and has its audio checked exactly
like any other node; only the transport is missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from e2a_node.client import CoordinatorGone
from e2a_node.protocol import (
    Capabilities,
    HeartbeatResponse,
    JobInfo,
    LeaseResponse,
    UploadResponse,
)

from .convert import language_warning
from .errors import E2AError
from .farm.farm import Farm, NoJob
from .farm.uploads import NotSpeech, UploadRejected
from .nodestate import BUILT_IN_NODE
from .storage import StorageFault

LOCAL_NODE = BUILT_IN_NODE
LOCAL_NAME = "this PC (built-in)"
T = TypeVar("T")


class LocalLink:
    """A FarmLink for the node that runs inside the coordinator's process.

    The farm is called on the link's own threads, never on the node's default
    executor: that one speaks, at a lower priority (and on Linux a thread starts
    with its creator's priority and cores). An accepted unit starts its chapter's
    encoder thread and ffmpeg; started from a speech thread they ran niced beside
    the speech they should come before, and a chapter encoded 15 s late.
    """

    def __init__(self, farm: Farm, on_fatal: Callable[[E2AError], None]) -> None:
        self.farm = farm
        self._on_fatal = on_fatal
        self._calls = ThreadPoolExecutor(max_workers=4, thread_name_prefix="e2a-local-link")
        farm.local_names[LOCAL_NODE] = LOCAL_NAME

    def close(self) -> None:
        self._calls.shutdown(wait=False)

    async def _call(self, call: Callable[..., T], *args: object) -> T:
        try:
            future = asyncio.get_running_loop().run_in_executor(self._calls, call, *args)
        except RuntimeError:  # closed: the conversion ended while the node still spoke
            raise CoordinatorGone("the conversion has ended") from None
        return await future

    async def async_job(self) -> JobInfo | None:
        return self.farm.job_for(LOCAL_NODE)

    async def async_lease(self, caps: Capabilities) -> LeaseResponse:
        return await self._call(self.farm.lease, LOCAL_NODE, caps)

    async def async_heartbeat(self, unit_id: int, done: int = 0,
                              total: int = 0) -> HeartbeatResponse:
        keep = await self._call(self.farm.heartbeat, LOCAL_NODE, unit_id, done, total)
        return HeartbeatResponse(keep)

    async def async_hand_back(self, unit_id: int) -> None:
        await self._call(self.farm.hand_back, LOCAL_NODE, unit_id)

    async def async_upload(self, unit_id: int, wav: bytes,
                           spans: list[tuple[float, float]]) -> UploadResponse:
        return await self._call(self._accept, unit_id, wav, spans)

    async def async_voice_sample(self, sample_id: str) -> bytes:
        sample = await self._call(self.farm.voice_sample, sample_id)
        if sample is None:
            raise E2AError(f"the job has no voice sample {sample_id[:12]}…")
        return sample

    def _why_unusable(self) -> str:
        """The likely cause when our own voice's audio is refused: a voice reading a language
        it does not speak spells out what it cannot read (a Japanese page in an English
        voice is minutes of letter names), which the length check refuses. Saying so
        turns a puzzling figure into the fix."""
        try:
            job = self.farm.job
        except NoJob:
            return ""
        mismatch = language_warning(job.book.metadata.language, job.settings.engine)
        if mismatch is None:
            return ""
        book, voice = job.book.metadata.language, job.settings.engine
        return (f" (the book is in '{book}' and voice {voice.voice} speaks '{voice.language}': "
                f"choose a voice that speaks '{book}' with --voice; `e2a voices --available "
                f"--language {book}` lists them)")

    def _accept(self, unit_id: int, wav: bytes,
                spans: list[tuple[float, float]]) -> UploadResponse:
        tmp = self.farm.upload_tmp(unit_id, LOCAL_NODE)
        try:
            tmp.write_bytes(wav)
            accepted, duplicate = self.farm.accept_upload(LOCAL_NODE, unit_id, tmp, spans)
        except StorageFault as exc:
            self._on_fatal(exc)
            return UploadResponse(False, reason=str(exc))
        except NotSpeech as exc:
            # The judge did not hear speech: the unit is spoken again (the farm keeps it,
            # flagged, once every try has failed), and the book goes on.
            return UploadResponse(False, reason=str(exc))
        except UploadRejected as exc:
            # Our own voice made something unusable: no other node would do better with
            # the same voice, so the conversion stops with the reason.
            self._on_fatal(E2AError(f"the voice produced unusable audio for unit {unit_id}: "
                                    f"{exc}{self._why_unusable()}"))
            return UploadResponse(False, reason=str(exc))
        except OSError as exc:
            trouble = self.farm.storage_trouble(exc)
            self._on_fatal(trouble if isinstance(trouble, E2AError) else
                           E2AError(f"cannot write unit audio ({exc.strerror or exc})", tmp))
            return UploadResponse(False, reason=str(exc))
        finally:
            tmp.unlink(missing_ok=True)
        return UploadResponse(accepted, duplicate)
