"""A node whose owner allowed it (--get-voices) downloads the voice a farm's book needs.

The voice is served on loopback as the Piper voices repository serves it; the node's
catalogue does not list it yet, so it refreshes the list, downloads, checks and
installs the voice, then speaks the book's units with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.config import AppPaths
from e2a_desktop.events import UnitFinished
from e2a_desktop.plan import PlanSettings
from e2a_node.engines import find_voice
from e2a_node.settings import EngineSettings
from e2a_node.voices.store import ModelStore
from tests.helpers.lan_farm import convert_on_one_lan_node
from tests.integration.test_voices_cli import FRENCH, served_french  # noqa: F401 - fixture
from tests.unit.test_model_store import serve  # noqa: F401 - fixture of served_french

pytestmark = pytest.mark.slow


def test_a_node_allowed_to_get_voices_downloads_the_books_voice(
        served_french: str, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    desk = ModelStore(AppPaths.load().voices_dir)
    desk.refresh()
    desk.install(FRENCH)  # the desktop has the voice; the node does not
    node_data = tmp_path / "node"
    assert FRENCH not in {v.name for v in ModelStore(node_data / "voices").catalogue.entries}

    book = tmp_path / "livre.txt"
    book.write_text("Le Livre\n\nChapitre 1\n\nLe gardien monta l'escalier. Il resta là, "
                    "chaque soir, à regarder la mer.\n", encoding="utf-8")
    seen, node = convert_on_one_lan_node(
        book, tmp_path / "livre.m4b", EngineSettings(engine="piper", voice=FRENCH,
                                                     language="fr_FR"),
        node_data, "voices-test-farm", PlanSettings(target_chars=80, max_chars=300),
        timeout=180, get_voices=True)
    assert find_voice(f"piper:{FRENCH}", node_data / "voices").language == "fr_FR"
    assert (node_data / "voices" / "records" / f"piper--{FRENCH}.json").is_file()  # checked
    assert {e.node for e in seen.of(UnitFinished) if e.accepted} == {node}
