"""Which farm a node joins when mDNS shows several."""

from __future__ import annotations

from pathlib import Path

from e2a_node.discovery import FarmAdvert
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker


def _advert(name: str, fingerprint: str, port: int) -> FarmAdvert:
    return FarmAdvert(name, "", "", port, fingerprint, 1, ("127.0.0.1",))


def test_a_named_farm_is_the_only_one_joined(tmp_path: Path) -> None:
    worker = NodeWorker(NodeConfig(tmp_path, code="482913", farm_name="study"))
    adverts = [_advert("neighbour", "a" * 16, 1001), _advert("study", "b" * 16, 1002)]
    chosen = worker.choose_advert(adverts)
    assert chosen is not None and chosen.name == "study"
    assert worker.choose_advert(adverts[:1]) is None


def test_a_paired_farm_comes_before_one_that_would_need_the_code(tmp_path: Path) -> None:
    worker = NodeWorker(NodeConfig(tmp_path, code="482913"))
    worker.trust.remember(TrustedCoordinator("c1", "b" * 16, "home", "secret"))
    adverts = [_advert("other", "a" * 16, 1001), _advert("home", "b" * 16, 1002)]
    chosen = worker.choose_advert(adverts)
    assert chosen is not None and chosen.name == "home"
