"""The six calls a node makes to its coordinator, whatever carries them.

A LAN node reaches the coordinator over HTTP (client.CoordinatorClient); the
desktop's built-in node calls the farm directly. Both run the same worker loop
against this interface, so pause, hand-back, checks and devices exist once.
"""

from __future__ import annotations

from typing import Protocol

from .protocol import Capabilities, HeartbeatResponse, JobInfo, LeaseResponse, UploadResponse


class FarmLink(Protocol):
    """A coordinator as a node sees it. Failures raise client.CoordinatorGone & co."""

    async def async_job(self) -> JobInfo | None:
        """The current job's settings; None while the farm has no book."""

    async def async_lease(self, caps: Capabilities) -> LeaseResponse:
        """A unit, "wait", or "done"."""

    async def async_heartbeat(self, unit_id: int, done: int = 0,
                              total: int = 0) -> HeartbeatResponse:
        """Keep the lease; report sentences spoken so far."""

    async def async_hand_back(self, unit_id: int) -> None:
        """Give an unfinished unit back."""

    async def async_upload(self, unit_id: int, wav: bytes,
                           spans: list[tuple[float, float]]) -> UploadResponse:
        """Deliver a unit's audio (16-bit mono WAV) and its sentence spans."""

    async def async_voice_sample(self, sample_id: str) -> bytes:
        """The job's reference recording (a WAV whose SHA-256 is ``sample_id``)."""
