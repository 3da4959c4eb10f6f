"""What a farm node is doing, as the coordinator sees it: one type for the farm, the
progress model, the CLI and the Nodes table (no Qt), so they cannot disagree.

A ``str`` enum: events, the wire's NodeRow and old tests still compare and serialise
them as the plain words they always were.
"""

from __future__ import annotations

from enum import Enum

BUILT_IN_NODE = "local"
"""The node id of the desktop's built-in node (it is not paired: it has no key)."""


def display_name(node: str, name: str) -> str:
    """A node as the Nodes table and the log name it: the name chosen at pairing and the
    end of its key, which tells two "laptop"s apart (this PC's own node has no key)."""
    return name if node == BUILT_IN_NODE else f"{name} · {node[-4:]}"


class NodeState(str, Enum):
    """A node's state on the coordinator; ``label`` is how a person reads it."""

    JOINED = "joined"
    READY = "ready"  # the farm has no book: the node waits for one
    PREPARING = "preparing"  # asked for the book, not yet for a unit: loading its voice
    IDLE = "idle"  # asked for work and found none to give it (the book is spoken out)
    SPEAKING = "speaking"
    HEARING = "hearing"  # nothing to speak: lent another node's part to hear (--verify asr)
    STANDING_ASIDE = "standing aside"  # the end of a book: the others finish it sooner
    GPU_FIRST = "gpu first"  # a heavy voice's units wait for a free GPU node
    PAUSING = "pausing"  # the farm paused while it spoke: it stops at its next sentence
    PAUSED = "paused"
    FINISHED = "finished"  # told the book is over
    LEFT = "left"  # handed its unit back and stopped, or said it stops
    AWAY = "away"  # helps another of its farms (it says so now and then, or as it goes)
    GONE = "gone"  # silent for longer than a lease lasts
    BENCHED = "benched"  # sent bad audio too often
    NO_VOICE = "no voice"
    REVOKED = "revoked"
    OFF = "off"  # this PC's own node, with "This PC speaks too" unticked: it will not speak

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)

    @property
    def quiet(self) -> bool:
        """Silence is expected in this state: the node is not reported gone again.

        Not FINISHED: a node told "job over" asks for the next book every few seconds
        (a paused one every 20 s), so one silent far longer is gone, and "ready" for
        ever was wrong (household test: killed between books, still "ready").
        """
        return self in (NodeState.GONE, NodeState.LEFT, NodeState.REVOKED)

    @property
    def free(self) -> bool:
        """The node would take a unit now if one were offered."""
        return self in (NodeState.JOINED, NodeState.READY, NodeState.IDLE,
                        NodeState.PREPARING, NodeState.HEARING)  # (hearing is spare work)

    @property
    def grey(self) -> bool:
        """Shown greyed out: the node does not help this farm now."""
        return self in (NodeState.GONE, NodeState.BENCHED, NodeState.REVOKED, NodeState.AWAY,
                        NodeState.OFF)


_LABELS = {
    NodeState.GONE: "lost", NodeState.JOINED: "ready", NodeState.LEFT: "stopped",
    NodeState.FINISHED: "ready", NodeState.IDLE: "waiting",
    NodeState.STANDING_ASIDE: "standing aside: the others will finish sooner",
    NodeState.GPU_FIRST: "waiting for a GPU node to take it",
    NodeState.PAUSING: "pausing: stopping after this sentence",
    NodeState.PREPARING: "getting ready: loading the voice",
    NodeState.HEARING: "listening: checking a part's words",
    NodeState.AWAY: "helping another farm",
    NodeState.OFF: "off: “This PC speaks too” is unticked",
}


def node_state(value: str) -> NodeState | None:
    """The state a plain word names (from an event or the wire), or None for an unknown one."""
    try:
        return NodeState(value)
    except ValueError:
        return None


def state_label(value: str) -> str:
    """How a person reads a state word; an unknown word is shown as it is."""
    state = node_state(value)
    return state.label if state is not None else value
