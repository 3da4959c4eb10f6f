"""Which farms a node considers when mDNS shows several, and how it names them."""

from __future__ import annotations

from pathlib import Path

from e2a_node.discovery import FarmAdvert
from e2a_node.farm_tag import farm_label, farm_tag
from e2a_node.joining import FarmFinder
from e2a_node.protocol import PROTOCOL_VERSION
from e2a_node.trust import NodeIdentity, TrustedCoordinator, TrustStore


def _advert(name: str, fingerprint: str, port: int,
            protocol: int = PROTOCOL_VERSION) -> FarmAdvert:
    return FarmAdvert(name, port, fingerprint, protocol, ("127.0.0.1",))


def _finder(tmp_path: Path, **options: object) -> FarmFinder:
    return FarmFinder(NodeIdentity("node-1", "pc"), TrustStore(tmp_path / "trust"),
                      **options)  # type: ignore[arg-type]


def test_a_named_farm_is_the_only_one_considered(tmp_path: Path) -> None:
    finder = _finder(tmp_path, code="482913", farm_name="study")
    paired, strangers = finder.sort_adverts([_advert("neighbour", "a" * 16, 1001),
                                             _advert("study", "b" * 16, 1002)])
    assert paired == [] and [a.name for a in strangers] == ["study"]


def test_a_paired_farm_comes_first_and_strangers_are_never_paired_ones(tmp_path: Path) -> None:
    finder = _finder(tmp_path, code="482913")
    finder.trust.remember(TrustedCoordinator("c1", "b" * 16, "home", "secret", "c" * 64))
    paired, strangers = finder.sort_adverts([_advert("other", "a" * 16, 1001),
                                             _advert("home", "b" * 16, 1002)])
    assert [a.name for a in paired] == ["home"]
    assert [a.name for a in strangers] == ["other"]


def test_farms_of_another_protocol_are_not_offered(tmp_path: Path) -> None:
    finder = _finder(tmp_path, code="482913")
    future = _advert("future", "c" * 16, 1003, PROTOCOL_VERSION + 1)
    assert finder.sort_adverts([future]) == ([], [])


def test_an_address_passed_over_is_left_alone_but_its_copy_elsewhere_is_not(
        tmp_path: Path) -> None:
    """An impostor's copy of a farm's advert must not hide the real farm for good."""
    finder = _finder(tmp_path)
    finder.trust.remember(TrustedCoordinator("c1", "b" * 16, "study", "secret", "c" * 64))
    real, copy = _advert("study", "b" * 16, 1002), _advert("study", "b" * 16, 1666)
    finder.pass_over(copy.url, "its certificate is not the farm's")
    paired, _ = finder.sort_adverts([copy, real])
    assert paired == [real]


def test_two_farms_of_one_name_get_different_tags_and_a_farm_always_the_same() -> None:
    first, second = farm_tag("3f9c2a71d04be815"), farm_tag("3f9c2a71d04be816")
    assert first != second and first == farm_tag("3f9c2a71d04be815")
    assert len(first) == 4
    assert set(first) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")  # no I, L, O, U to misread
    assert farm_label("vm", "3f9c2a71d04be815") == f"vm · {first}"


def test_started_again_the_node_joins_the_farm_it_last_worked_for_first(tmp_path: Path) -> None:
    """Household test: a node killed mid-book on farm B, started again, joined farm A
    (whose advert came first) and left B's book to the others."""
    first = _finder(tmp_path)
    for fingerprint, name in (("a" * 16, "A"), ("b" * 16, "B")):
        first.trust.remember(TrustedCoordinator("c", fingerprint, name, "secret", "c" * 64))
    first.prefer("b" * 16)  # it worked for B last

    again = _finder(tmp_path)  # the same data folder, a new run
    paired, _ = again.sort_adverts([_advert("A", "a" * 16, 1001), _advert("B", "b" * 16, 1002)])
    assert [a.name for a in paired] == ["B", "A"]


def test_an_unreadable_note_of_the_last_farm_is_no_preference(tmp_path: Path) -> None:
    finder = _finder(tmp_path)
    finder.trust.last_joined_path.parent.mkdir(parents=True, exist_ok=True)
    finder.trust.last_joined_path.write_bytes(b"\xff\xfe junk / ../../etc")
    assert _finder(tmp_path).trust.last_joined() == ""
