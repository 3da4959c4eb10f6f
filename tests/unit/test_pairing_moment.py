"""During a pairing moment the standing code keeps its own budget and keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.farm.pairing import MAX_GUESSES_PER_PEER, CodeAlreadyUsed, PairingRegistry
from tests.helpers.fakes import FakeClock
from tests.unit.test_pairing import CODE, Node


class TwoAnswerNode(Node):
    """A node that tries every answer, as the real client does."""

    def answer_copy(self, message: bytes, proof: str) -> tuple[str, str]:
        fresh = Node.__new__(Node)
        fresh.node_id = self.node_id
        fresh.pake = type(self.pake).from_serialized(self._started)
        return fresh.answer(message, proof)

    def __init__(self, node_id: str, code: str) -> None:
        super().__init__(node_id, code)
        self._started = self.pake.serialize()


def _pair(registry: PairingRegistry, node: TwoAnswerNode, peer: str) -> bool:
    answers = registry.begin_each(node.node_id, "pc", node.message, peer=peer)
    if not answers:
        return False
    proofs = [node.answer_copy(*answer)[1] for answer in answers]
    return registry.confirm(node.node_id, next((p for p in proofs if p), ""))


def test_the_standing_code_pairs_while_a_moment_is_open(tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    moment = registry.open_moment()
    assert _pair(registry, TwoAnswerNode("node-standing1", CODE), "10.0.0.8")
    assert _pair(registry, TwoAnswerNode("node-onetime01", moment.code), "10.0.0.9")
    assert not _pair(registry, TwoAnswerNode("node-wrong0001", "000001"), "10.0.0.7")


def test_an_address_that_guessed_wrong_may_still_use_the_standing_code(
        tmp_path: Path) -> None:
    """During a moment an address is answered with both codes, within its one budget."""
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    guess = TwoAnswerNode("node-guess0001", "000001")
    assert not _pair(registry, guess, "10.0.0.66")
    registry.open_moment()
    answers = registry.begin_each("node-barred01", "pc",
                                  TwoAnswerNode("node-barred01", CODE).message, "10.0.0.66")
    assert answers is not None and len(answers) == 2  # the one-time code, then the standing one
    assert _pair(registry, TwoAnswerNode("node-barred02", CODE), "10.0.0.66")
    for i in range(MAX_GUESSES_PER_PEER):
        _pair(registry, TwoAnswerNode(f"node-spend{i:04d}", "000002"), "10.0.0.66")
    assert registry.begin_each("node-late0001", "pc",
                               TwoAnswerNode("node-late0001", CODE).message, "10.0.0.66") is None


def test_the_pc_that_mistyped_pairs_with_the_one_time_code(tmp_path: Path) -> None:
    """Household test: a tray typed 111-111, then "Pair a node…" showed a one-time code,
    and the same PC (at home every node may share one address) was told it was wrong."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    assert not _pair(registry, TwoAnswerNode("node-typo00001", "111111"), "127.0.0.1")
    clock.advance(20)
    moment = registry.open_moment()
    assert _pair(registry, TwoAnswerNode("node-typo00001", moment.code), "127.0.0.1")


def test_opening_a_moment_gives_a_guesser_no_fresh_guesses(tmp_path: Path) -> None:
    """The moment keeps each address's budget: one that spent it before the moment
    opened is refused until its guesses age out, exactly as it would be without one."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    for i in range(MAX_GUESSES_PER_PEER):
        assert not _pair(registry, TwoAnswerNode(f"node-guess{i:04d}", "000002"), "10.0.0.66")
    moment = registry.open_moment()
    node = TwoAnswerNode("node-brute0001", moment.code)
    assert registry.begin_each(node.node_id, "x", node.message, "10.0.0.66") is None


def test_a_one_time_code_pairs_one_pc_then_closes(tmp_path: Path) -> None:
    """Household test: two PCs paired with the same "one-time" code, and the banner kept
    counting it down after the first had joined."""
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    moment = registry.open_moment()
    assert _pair(registry, TwoAnswerNode("node-study0001", moment.code), "10.0.0.8")
    assert registry.moment() is None  # used: closed
    with pytest.raises(CodeAlreadyUsed):  # told apart from a wrong code, and refused
        _pair(registry, TwoAnswerNode("node-den000001", moment.code), "10.0.0.9")
    assert not registry.knows("node-den000001")
    assert _pair(registry, TwoAnswerNode("node-den000002", CODE), "10.0.0.9")  # the farm code


def test_the_standing_code_leaves_the_moment_open(tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    moment = registry.open_moment()
    assert _pair(registry, TwoAnswerNode("node-standing1", CODE), "10.0.0.8")
    assert registry.moment() == moment  # still there for the PC it was opened for
