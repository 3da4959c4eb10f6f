"""What the tray shows for a node: one look and one sentence (pure: no Qt here)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..state import NodeSnapshot, NodeStatus


class Look(enum.Enum):
    """The tray icon's looks; each one a state a person can tell apart at a glance."""

    READY = "ready"  # joined, nothing to speak
    WORKING = "working"
    PAUSED = "paused"
    WAITING = "waiting"  # waiting for this PC to be idle (or on mains)
    NO_FARM = "no farm"
    ERROR = "error"


@dataclass(frozen=True)
class TrayView:
    """The icon's look, the headline (tooltip, menu header) and a second line of detail."""

    look: Look
    headline: str
    detail: str = ""

    @property
    def tooltip(self) -> str:
        return f"e2a node — {self.headline}" + (f"\n{self.detail}" if self.detail else "")


_SEARCHING = (NodeStatus.STARTING, NodeStatus.SEARCHING)
_READY = (NodeStatus.JOINED, NodeStatus.READY, NodeStatus.IDLE, NodeStatus.FINISHED)


def describe(state: NodeSnapshot, *, paused_by_person: bool = False, waiting_reason: str = "",
             units_today: int = 0) -> TrayView:
    """The view of ``state``; a person's pause and idle waiting come first."""
    done = f"{units_today} unit{'s' if units_today != 1 else ''} done today"
    if paused_by_person:
        return TrayView(Look.PAUSED, "Paused", f"Resume to lend this PC again · {done}")
    if waiting_reason:
        return TrayView(Look.WAITING, "Waiting until this PC is idle", waiting_reason)
    status = state.status
    if status in (NodeStatus.SPEAKING, NodeStatus.LOADING):
        return TrayView(Look.WORKING, _working(state), done)
    if status is NodeStatus.IDLE and state.waiting_for:
        return _waiting_on_farm(state, done)
    if status in _READY:
        farm = f" for {state.farm_label}" if state.farm else ""
        return TrayView(Look.READY, f"Ready{farm}: no book to speak right now", done)
    if status is NodeStatus.NO_VOICE:
        return TrayView(Look.ERROR,
                        f"{state.farm_label or 'The farm'} needs a voice this PC lacks",
                        f"“{state.title}”" if state.title else "")
    if status is NodeStatus.RECONNECTING:
        farm = state.farm_label or "the farm"
        return TrayView(Look.NO_FARM, f"Cannot reach {farm}: trying again",
                        "It may be switched off or asleep; the log has the details")
    if status in _SEARCHING:
        return TrayView(Look.NO_FARM, "Looking for an e2a farm on the network",
                        "Start e2a on the PC that has the book; this PC joins by itself")
    if status is NodeStatus.PAUSED:  # paused by the idle rule that has just lifted
        return TrayView(Look.WAITING, "Waiting until this PC is idle", done)
    return TrayView(Look.ERROR, "Stopped" if status is NodeStatus.STOPPED else "Error",
                    state.last_error)


def _waiting_on_farm(state: NodeSnapshot, done: str) -> TrayView:
    """Joined to a farm with a book, but given no unit: say why, in the farm's words."""
    farm = state.farm_label or "The farm"
    book = f"“{state.title}”" if state.title else "the book"
    reason = state.waiting_for
    if reason in ("paused", "pausing"):
        return TrayView(Look.READY, f"{farm} is paused", done)
    if reason == "standing aside":
        return TrayView(Look.READY, f"Standing aside: the others will finish {book} sooner",
                        done)
    if reason == "gpu first":
        return TrayView(Look.READY, f"Waiting: {farm} gives {book} to a PC with a GPU first",
                        done)
    if reason == "hearing":  # lent another PC's part to hear: working, for the word check
        return TrayView(Look.WORKING, f"Listening to a part of {book} for {farm}: "
                        "checking its words", done)
    if reason == "benched":
        return TrayView(Look.ERROR, f"{farm} stopped taking this PC's audio",
                        "It sent audio the farm could not use; the log has the details")
    return TrayView(Look.READY, f"Ready for {farm}: no part of {book} to speak right now",
                    done)


def _working(state: NodeSnapshot) -> str:
    """"Speaking chapter 4 of “Emma” for ada-pc — 12× real time"."""
    if state.status is NodeStatus.LOADING:
        head = f"Loading the voice for “{state.title}”" if state.title else "Loading the voice"
    else:
        chapter = f"chapter {state.chapter + 1} of " if state.chapter is not None else ""
        head = f"Speaking {chapter}“{state.title}”" if state.title else "Speaking"
    if state.farm:
        head += f" for {state.farm_label}"
    speed = state.last_speed or state.speed
    if speed and state.status is NodeStatus.SPEAKING:
        head += f" — {speed:.0f}× real time" if speed >= 2 else f" — {speed:.1f}× real time"
    return head


def gpu_available() -> bool:
    """Whether a GPU a voice can use may be here: onnxruntime's CUDA provider (Piper), or
    torch installed beside an NVIDIA driver (Coqui). Torch itself is not imported (it
    takes seconds and hundreds of MB): a CPU-only torch is found out when a voice loads,
    and the node then says it speaks on the CPU."""
    import importlib.util
    import shutil

    try:
        import onnxruntime
    except ImportError:
        onnxruntime = None
    if onnxruntime is not None and \
            "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return True
    return importlib.util.find_spec("torch") is not None and bool(shutil.which("nvidia-smi"))
