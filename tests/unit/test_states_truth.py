"""Every state shown is the store's truth: chapters, the bar, the time left, node figures."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.eta import about
from e2a_desktop.events import (
    Cancelled,
    ChapterEncoded,
    Event,
    JobFinished,
    JobStarted,
    NodeBack,
    NodeChanged,
    PairingRefused,
    Paused,
    Resumed,
    UnitFinished,
    UnitProgress,
    UnitStarted,
)
from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.progress import ProgressModel
from e2a_node.protocol import Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


def _model(clock: FakeClock, *events: Event) -> ProgressModel:
    model = ProgressModel(clock)
    for event in events:
        model(event)
    return model


def test_chapters_are_not_left_speaking_after_cancel_and_spoken_ones_never_show_waiting(
        ) -> None:
    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 3, 6, 2, 3000, 1000, 60.0, (0, 1, 2), (0,)),
                   ChapterEncoded(0, "One", 60.0),  # encoded before the window heard "started"
                   UnitStarted("a", 3, 1, "Two", 500), UnitStarted("b", 5, 2, "Three", 500))
    assert dict(model.snapshot().chapter_states) == {0: "done", 1: "speaking", 2: "speaking"}
    model(UnitFinished("a", 3, 1, 500, 30.0, True))
    model(Cancelled(3, 6))
    assert dict(model.snapshot().chapter_states) == {0: "done", 1: "partly spoken",
                                                     2: "waiting"}


def test_no_chapter_reads_speaking_while_the_book_is_paused() -> None:
    """Household run: chapter 1 still read "speaking" while the window said Paused."""
    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 2, 4, 0, 2000, 0, 0.0, (0, 1)),
                   UnitStarted("a", 1, 0, "One", 500), UnitProgress("a", 1, 1, 3))
    assert dict(model.snapshot().chapter_states)[0] == "speaking"
    model(Paused())
    assert dict(model.snapshot().chapter_states) == {0: "waiting", 1: "waiting"}
    model(Resumed())
    model(UnitStarted("a", 1, 0, "One", 500))
    assert dict(model.snapshot().chapter_states)[0] == "speaking"


def test_a_book_resumed_shows_its_half_spoken_chapters_as_such_and_done_at_the_end() -> None:
    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 2, 4, 3, 2000, 1500, 90.0, (0, 1), (0, 1)))
    assert dict(model.snapshot().chapter_states) == {0: "partly spoken", 1: "partly spoken"}
    for event in (ChapterEncoded(0, "One", 50.0), ChapterEncoded(1, "Two", 50.0),
                  JobFinished((Path("book.m4b"),), 100.0, 2)):
        model(event)
    assert dict(model.snapshot().chapter_states) == {0: "done", 1: "done"}


def test_the_bar_never_goes_back_within_a_run_when_pause_takes_units_back() -> None:
    from e2a_desktop.events import UnitRequeued

    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 1, 4, 0, 1000, 0, 0.0, (0,)),
                   UnitStarted("a", 1, 0, "One", 500), UnitProgress("a", 1, 3, 4))
    shown = model.snapshot().fraction
    assert shown > 0.3
    model(Paused())
    model(UnitRequeued(1, "a", "paused"))
    assert model.snapshot().fraction == shown  # 26 % → 23 % was seen
    model(Resumed())
    model(UnitStarted("b", 1, 0, "One", 500))
    model(UnitProgress("b", 1, 1, 4))
    assert model.snapshot().fraction == shown


def test_the_time_left_counts_down_smoothly_and_says_about() -> None:
    """Units accepted in lumps made the raw figure swing 1:08:28 → 2:13:24 → 21:24."""
    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 1, 100, 0, 100_000, 0, 0.0, (0,)))
    figures = []
    for k in range(60):  # 10 s steps; a 1000-character unit lands only now and then
        clock.advance(10)
        if k % 3 == 0 or k % 7 == 0:
            model(UnitFinished("a", k, 0, 1000, 60.0, True))
        figure = model.snapshot().eta_seconds
        if figure is not None:
            figures.append(figure)
    assert figures
    for before, after in zip(figures, figures[1:], strict=False):
        assert after <= before * 1.1, f"the time left swung from {before:.0f} to {after:.0f}"
    assert model.snapshot().eta_text.startswith("about ")
    assert about(21 * 60 + 24) == "about 20 min left"
    assert about(68 * 60 + 28) == "about 1 h 10 min left"
    assert about(40) == "less than a minute left"


def test_the_time_left_leaves_pauses_out_and_is_not_shown_while_paused() -> None:
    clock = FakeClock()
    model = _model(clock, JobStarted("Book", 1, 10, 0, 10_000, 0, 0.0, (0,)))
    clock.advance(20)
    model(UnitFinished("a", 1, 0, 1000, 60.0, True))
    before = model.snapshot().eta_seconds
    assert before is not None
    model(Paused())
    clock.advance(600)
    assert model.snapshot().eta_seconds is None and model.snapshot().eta_text == ""
    model(Resumed())
    after = model.snapshot().eta_seconds
    assert after is not None and after <= before * 1.05, "ten paused minutes are not speed"


def test_node_figures_are_of_the_book_being_rendered(tmp_path: Path) -> None:
    """A book just started showed 4 units and 44 % for a node: the previous book's."""
    clock = FakeClock()
    farm = make_farm(tmp_path, clock=clock)
    seen: list[Event] = []
    farm.emit = seen.append
    lease = farm.lease("laptop-node-1", CAPS)
    assert lease.assignment is not None
    seconds = len(" ".join(lease.assignment.sentences)) / 15
    n = len(lease.assignment.sentences)
    tmp = farm.upload_tmp(lease.assignment.unit_id, "laptop-node-1")
    tmp.write_bytes(speech_like_wav(seconds))
    assert farm.accept_upload("laptop-node-1", lease.assignment.unit_id, tmp,
                              [(k * seconds / n, (k + 1) * seconds / n) for k in range(n)])[0]
    assert farm.nodes["laptop-node-1"].units_done == 1
    job = farm.job
    farm.detach()
    farm.attach(job, Scheduler(job.store, clock), 16000)  # the next book (or run)
    last = [e for e in seen if isinstance(e, NodeChanged)][-1]
    assert (last.units_done, last.audio_seconds, last.busy_seconds) == (0, 0.0, 0.0)
    assert last.state == "ready"  # the last book over, it has not asked for this one yet
    job.close()


def test_a_node_heard_again_after_it_was_lost_is_reported_back(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock=clock)
    seen: list[Event] = []
    farm.emit = seen.append
    farm.lease("laptop-node-1", CAPS)
    clock.advance(120)
    farm.sweep()
    assert farm.nodes["laptop-node-1"].state == "gone"
    farm.lease("laptop-node-1", CAPS)
    back = [e for e in seen if isinstance(e, NodeBack)]
    assert [e.node for e in back] == ["laptop-node-1"] and back[0].silent_seconds >= 120
    assert farm.nodes["laptop-node-1"].state == "speaking"
    farm.job.close()


def test_a_wrong_farm_code_is_reported_with_the_name_the_node_gave(tmp_path: Path) -> None:
    from tests.unit.test_pairing import Node

    farm = make_farm(tmp_path, clock=FakeClock())
    seen: list[Event] = []
    farm.emit = seen.append
    guess = Node("node-kitchen99", "000000")
    answer = farm.pairing.begin(guess.node_id, "kitchen", guess.message, peer="10.0.0.5")
    assert answer is not None
    _secret, proof = guess.answer(*answer)
    assert not farm.confirm_pairing(guess.node_id, proof)
    assert [(e.node, e.name) for e in seen if isinstance(e, PairingRefused)] == [
        ("node-kitchen99", "kitchen")]
    farm.job.close()


def test_the_terminal_says_the_same_words_as_the_window() -> None:
    from e2a_desktop.progress import NodeView, ProgressSnapshot
    from e2a_desktop.terminal import status_lines

    snap = ProgressSnapshot(state="paused", chars_total=100, nodes=(
        NodeView("a-0001", "laptop", "pausing"), NodeView("b-0002", "desk", "standing aside"),
        NodeView("c-0003", "attic", "idle")))
    lines = status_lines(snap)
    assert "pausing… 1 node finishing its part" in lines[0]
    assert "standing aside" in lines[2] and "waiting" in lines[3]


def test_e2a_convert_names_nodes_as_the_window_does() -> None:
    import io

    from e2a_desktop.events import NodeGone
    from e2a_desktop.terminal import TerminalProgress

    out = io.StringIO()
    terminal = TerminalProgress(ProgressModel(FakeClock()), out)
    terminal(NodeGone("node-key-7f3a", "vm", 61.0))
    terminal(NodeBack("node-key-7f3a", "vm", 70.0))
    terminal(PairingRefused("node-key-9999", "kitchen"))
    text = out.getvalue()
    assert "node vm · 7f3a is lost" in text and "node vm · 7f3a is back" in text
    assert "kitchen · 9999 tried to pair with a wrong farm code" in text


def test_a_resumed_book_shows_the_chapters_spoken_before_as_done() -> None:
    """Reopened and resumed: chapters spoken whole in an earlier run showed 'partly spoken'
    (they were encoded then, so this run never says so again)."""
    model = _model(FakeClock(), JobStarted("Book", 3, 6, 4, 3000, 2000, 120.0, (0, 1, 2),
                                           (0, 1, 2), (0, 1)))
    assert dict(model.snapshot().chapter_states) == {0: "done", 1: "done",
                                                     2: "partly spoken"}
