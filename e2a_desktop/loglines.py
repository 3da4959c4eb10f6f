"""The log's words for core events, shared by the window's log pane and `e2a convert`.

Nodes are named as the Nodes table names them (``display_name``): "node vm paired" did
not say which of two PCs called vm. Pure: no Qt.
"""

from __future__ import annotations

from e2a_node.protocol import LEAVING_FOR_ANOTHER_FARM

from .events import (
    ChapterEncoded,
    Event,
    JobFailed,
    NodeBack,
    NodeGone,
    NodeJoined,
    NodeLeft,
    NodePaired,
    PairingRefused,
    UnitRejected,
    UnitRequeued,
)
from .nodestate import display_name


def log_line(event: Event) -> str:
    """The log's line for an event ("" for none); nodes named as the Nodes table names them."""
    if isinstance(event, NodePaired):
        return f"node {display_name(event.node, event.name)} paired with this farm"
    if isinstance(event, PairingRefused):
        code = "the one-time code already used" if event.code_used else "a wrong farm code"
        return f"{display_name(event.node, event.name)} tried to pair with {code}"
    if isinstance(event, NodeJoined):
        return f"node {display_name(event.node, event.name)} joined"
    if isinstance(event, NodeGone):
        return f"node {display_name(event.node, event.name)} is lost (silent " \
               f"{event.silent_seconds:.0f} s); its unit goes to another node"
    if isinstance(event, NodeLeft):
        went = "went to help another of its farms, which has a book" \
            if event.why == LEAVING_FOR_ANOTHER_FARM else "stopped (on its own PC)"
        return f"node {display_name(event.node, event.name)} {went}"
    if isinstance(event, NodeBack):
        return f"node {display_name(event.node, event.name)} is back (silent " \
               f"{event.silent_seconds:.0f} s)"
    if isinstance(event, UnitRequeued):
        return _requeued_line(event)
    if isinstance(event, UnitRejected) and event.kept:
        return f"audio of unit {event.unit_id} kept though it failed every check " \
               f"({event.reason}): listen to it"
    if isinstance(event, UnitRejected):
        return f"audio of unit {event.unit_id} from {display_name(event.node, event.name)} " \
               f"refused: {event.reason}"
    if isinstance(event, ChapterEncoded):
        return f"chapter {event.chapter + 1} encoded: {event.title}"
    if isinstance(event, JobFailed):
        return f"stopped: {event.message}"
    return ""


def _requeued_line(event: UnitRequeued) -> str:
    who = display_name(event.node, event.name or event.node)
    if event.reason == "paused":
        return f"unit {event.unit_id} taken back from {who} (paused); it stops at its next " \
               "sentence"
    if event.reason == "handed back":
        return f"unit {event.unit_id} handed back by {who}"
    return f"unit {event.unit_id} of {who} goes to another node ({event.reason})"
