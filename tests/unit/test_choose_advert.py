"""Which farm a node joins when mDNS shows several."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from e2a_node.discovery import FarmAdvert
from e2a_node.protocol import PROTOCOL_VERSION
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker, several_farms_message


def _advert(name: str, fingerprint: str, port: int) -> FarmAdvert:
    return FarmAdvert(name, port, fingerprint, PROTOCOL_VERSION, ("127.0.0.1",))


def test_a_named_farm_is_the_only_one_joined(tmp_path: Path) -> None:
    worker = NodeWorker(NodeConfig(tmp_path, code="482913", farm_name="study"))
    adverts = [_advert("neighbour", "a" * 16, 1001), _advert("study", "b" * 16, 1002)]
    chosen = worker.choose_advert(adverts)
    assert chosen is not None and chosen.name == "study"
    assert worker.choose_advert(adverts[:1]) is None


def test_a_paired_farm_comes_before_one_that_would_need_the_code(tmp_path: Path) -> None:
    worker = NodeWorker(NodeConfig(tmp_path, code="482913"))
    worker.trust.remember(TrustedCoordinator("c1", "b" * 16, "home", "secret", "c" * 64))
    adverts = [_advert("other", "a" * 16, 1001), _advert("home", "b" * 16, 1002)]
    chosen = worker.choose_advert(adverts)
    assert chosen is not None and chosen.name == "home"


def test_a_code_is_not_tried_on_the_first_of_several_unknown_farms(tmp_path: Path) -> None:
    """Two farms on the LAN, neither paired: the code fits one, so the node must not guess."""
    worker = NodeWorker(NodeConfig(tmp_path, code="482913"))
    adverts = [_advert("neighbour", "a" * 16, 1001), _advert("study", "b" * 16, 1002)]
    assert worker.choose_advert(adverts) is None
    assert worker.choose_advert(adverts[1:]) == adverts[1]  # alone, it is the one meant


def test_farms_of_another_protocol_are_not_joined(tmp_path: Path) -> None:
    worker = NodeWorker(NodeConfig(tmp_path, code="482913"))
    future = FarmAdvert("future", 1003, "c" * 16, PROTOCOL_VERSION + 1, ("127.0.0.1",))
    assert worker.choose_advert([future]) is None


def test_a_copied_advert_is_not_guessed_between_and_the_node_says_how_to_choose(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Anyone on the LAN can copy a farm's advert (name and fingerprint): --farm cannot
    tell the two apart, so the node names both addresses and asks for --url."""
    worker = NodeWorker(NodeConfig(tmp_path, code="482913", farm_name="study"))
    real, copy = _advert("study", "b" * 16, 1002), _advert("study", "b" * 16, 1666)
    with caplog.at_level(logging.WARNING, logger="e2a.node"):
        assert worker.choose_advert([copy, real]) is None
    said = caplog.text
    assert "2 farms named 'study'" in said and "--url" in said
    assert real.url in said and copy.url in said
    different = several_farms_message([_advert("neighbour", "a" * 16, 1001), real])
    assert "--farm NAME" in different and "neighbour, study" in different
