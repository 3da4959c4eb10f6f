"""A node whose owner allowed it (--get-voices) downloads the voice a farm's book needs.

The voice is served on loopback as the Piper voices repository serves it; the node's
catalogue does not list it yet, so it refreshes the list, downloads, checks and
installs the voice, then speaks the book's units with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, FarmOptions, prepare
from e2a_desktop.eventbus import EventBus
from e2a_desktop.events import UnitFinished
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import FINISHED, Conversion
from e2a_node.engines import find_voice
from e2a_node.runner import NodeRunner
from e2a_node.settings import EngineSettings
from e2a_node.voices.store import ModelStore
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.recorder import Recorder
from tests.integration.test_voices_cli import FRENCH, french_voice
from tests.unit.test_model_store import Serve, piper_listing, serve  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


def test_a_node_allowed_to_get_voices_downloads_the_books_voice(
        serve: Serve, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    model, config = french_voice()
    listing = piper_listing(FRENCH, model, config)
    files = {path: (model if path.endswith(".onnx") else config)
             for path in listing[FRENCH]["files"]}
    files["voices.json"] = json.dumps(listing).encode()
    server = serve(files)
    monkeypatch.setenv("E2A_PIPER_VOICES_URL", server.url)
    paths = AppPaths.load()
    desk = ModelStore(paths.voices_dir)
    desk.refresh()
    desk.install(FRENCH)  # the desktop has the voice; the node does not
    node_data = tmp_path / "node"
    assert FRENCH not in {v.name for v in ModelStore(node_data / "voices").catalogue.entries}

    book = tmp_path / "livre.txt"
    book.write_text("Le Livre\n\nChapitre 1\n\nLe gardien monta l'escalier. Il resta là, "
                    "chaque soir, à regarder la mer.\n", encoding="utf-8")
    request = ConvertRequest(book, tmp_path / "livre.m4b",
                             voice=EngineSettings(engine="piper", voice=FRENCH,
                                                  language="fr_FR"),
                             plan=PlanSettings(target_chars=80, max_chars=300),
                             farm=FarmOptions(code="482913", wait_nodes=1,
                                              mdns_interfaces=["127.0.0.1"],
                                              name="voices-test-farm"))
    bus, seen = EventBus(), Recorder()
    bus.subscribe(seen)
    conversion = Conversion(prepare(request), paths, bus=bus, local_node=False)
    conversion.start()
    info = conversion.farm_info
    assert info is not None
    worker = NodeWorker(NodeConfig(node_data, name="pc2", code="482913", get_voices=True,
                                   url=f"https://127.0.0.1:{info.port}"))
    node = NodeRunner(worker)
    node.start()
    try:
        outcome = conversion.wait(timeout=180)
        assert outcome is not None and outcome.state == FINISHED, outcome
    finally:
        node.stop()
        bus.close()
    assert find_voice(f"piper:{FRENCH}", node_data / "voices").language == "fr_FR"
    assert (node_data / "voices" / "records" / f"piper--{FRENCH}.json").is_file()  # checked
    assert {e.node for e in seen.of(UnitFinished) if e.accepted} == {worker.identity.node_id}
