"""What a node is doing, as an immutable snapshot a tray icon or a log line can show."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class NodeStatus(enum.Enum):
    """The node's state; the tray picks its icon by this."""

    STARTING = "starting"
    SEARCHING = "searching"  # browsing mDNS for a farm
    JOINED = "joined"  # talking to a coordinator, before the first unit
    READY = "ready"  # joined a farm that has no book right now
    LOADING = "loading"  # loading the voice
    SPEAKING = "speaking"
    IDLE = "idle"  # joined, no unit for this node right now
    PAUSED = "paused"
    NO_VOICE = "no voice"  # the job needs a voice this node does not have
    RECONNECTING = "reconnecting"
    FINISHED = "finished"  # the job is over
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True)
class NodeSnapshot:
    """One instant of a node: state, where it works, and what it has done."""

    status: NodeStatus = NodeStatus.STARTING
    farm: str = ""
    farm_tag: str = ""  # four characters from the farm's key: tells two farms of one name apart
    title: str = ""
    unit_id: int | None = None
    chapter: int | None = None  # the unit's chapter, counted from 0, while speaking
    units_done: int = 0
    audio_seconds: float = 0.0
    busy_seconds: float = 0.0
    last_error: str = ""
    last_speed: float = 0.0  # the last unit's speed (× real time)
    waiting_for: str = ""  # while IDLE: why the farm has no unit for it ("paused", ...)

    @property
    def farm_label(self) -> str:
        """``"study · K7QF"``, as every surface names a farm."""
        return f"{self.farm} · {self.farm_tag}" if self.farm and self.farm_tag else self.farm

    @property
    def speed(self) -> float:
        return self.audio_seconds / self.busy_seconds if self.busy_seconds else 0.0
