"""The model store against a local HTTP server on loopback: nothing reaches a hub."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from e2a_node.engines.piper import PiperEngine
from e2a_node.voices import (
    CPML,
    Catalogue,
    CatalogueEntry,
    DownloadError,
    DownloadProgress,
    LicenceRefused,
    ModelStore,
    RemoteFile,
    load_catalogue,
)
from e2a_node.voices.catalogue import parse_coqui, parse_piper


@dataclass
class VoiceServer:
    """Serves ``files`` (path → bytes) with Range support; can break or lie on purpose."""

    files: dict[str, bytes]
    drop_after: int = 0  # first response of each file stops after this many bytes (0: never)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)
    heads: list[str] = field(default_factory=list)  # paths asked for their size (HEAD)
    url: str = ""
    _dropped: set[str] = field(default_factory=set)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:  # noqa: N802 - the http.server API
                path = self.path.lstrip("/")
                server.heads.append(path)
                body = server.files.get(path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                path = self.path.lstrip("/")
                server.requests.append((path, self.headers.get("Range", "")))
                body = server.files.get(path)
                if body is None:
                    self.send_error(404)
                    return
                start = 0
                rng = self.headers.get("Range", "")
                if rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(body):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range",
                                     f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                chunk = body[start:]
                if server.drop_after and path not in server._dropped:
                    server._dropped.add(path)
                    self.wfile.write(chunk[:server.drop_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(chunk)

            def log_message(self, *_args: object) -> None:
                pass

        return Handler


Serve = Callable[..., VoiceServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start VoiceServers on 127.0.0.1; each is shut down after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(files: dict[str, bytes], drop_after: int = 0) -> VoiceServer:
        server = VoiceServer(files, drop_after)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), server.handler())
        httpd.daemon_threads = True
        servers.append(httpd)
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        server.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        return server

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def piper_listing(name: str, model: bytes, config: bytes, md5: str | None = None) -> dict:
    """A one-voice ``voices.json`` in the official format."""
    lang = name.split("-")[0]
    folder = f"{lang[:2]}/{lang}/{name.split('-')[1]}/{name.split('-')[2]}"
    return {name: {
        "key": name, "name": name.split("-")[1], "quality": name.split("-")[2],
        "language": {"code": lang, "family": lang[:2], "name_english": "French"},
        "num_speakers": 1, "speaker_id_map": {}, "aliases": [],
        "files": {
            f"{folder}/{name}.onnx": {"size_bytes": len(model),
                                      "md5_digest": md5 or hashlib.md5(model).hexdigest()},
            f"{folder}/{name}.onnx.json": {"size_bytes": len(config),
                                           "md5_digest": hashlib.md5(config).hexdigest()},
            f"{folder}/MODEL_CARD": {"size_bytes": 3, "md5_digest": "x"},
        }}}


MODEL = bytes(range(256)) * 400  # 100 KiB of "weights"
CONFIG = json.dumps({"language": {"code": "fr_FR"}, "audio": {"sample_rate": 22050}}).encode()
NAME = "fr_FR-test-medium"


def _served(serve: Serve, md5: str | None = None,
            drop_after: int = 0) -> tuple[VoiceServer, Catalogue]:
    listing = piper_listing(NAME, MODEL, CONFIG, md5)
    files = {path: (MODEL if path.endswith(".onnx") else CONFIG)
             for path in listing[NAME]["files"]}
    server = serve(files, drop_after=drop_after)
    return server, Catalogue(tuple(parse_piper(listing, server.url)))


def test_the_shipped_snapshot_lists_piper_voices_in_many_languages() -> None:
    catalogue = load_catalogue(None)
    piper = [e for e in catalogue.entries if e.engine == "piper"]
    assert len({e.language for e in piper}) >= 30
    siwis = catalogue.find("fr_FR-siwis-medium")
    assert [f.name for f in siwis.files] == ["fr_FR-siwis-medium.onnx",
                                             "fr_FR-siwis-medium.onnx.json"]
    assert all(f.md5 and f.size for f in siwis.files)
    assert siwis.files[0].url.startswith("https://huggingface.co/rhasspy/piper-voices/")
    assert {e.name for e in catalogue.for_language("fr")} >= {"fr_FR-siwis-medium", "xtts_v2"}
    xtts = catalogue.find("xtts_v2")
    assert xtts.licence == CPML and "NON-COMMERCIAL" in CPML.summary


def test_unknown_names_are_one_line_naming_the_voice() -> None:
    with pytest.raises(Exception, match="no voice or model 'fr_FR-siwis-mediun'.*did you mean"):
        load_catalogue(None).find("fr_FR-siwis-mediun")


def test_download_installs_where_piper_looks_with_progress_and_sha256(
        serve: Serve, tmp_path: Path) -> None:
    server, catalogue = _served(serve)
    events: list[DownloadProgress] = []
    store = ModelStore(tmp_path / "voices", catalogue)
    record = store.install(NAME, progress=events.append)
    assert (tmp_path / "voices/piper" / f"{NAME}.onnx").read_bytes() == MODEL
    assert record.files[f"{NAME}.onnx"]["sha256"] == hashlib.sha256(MODEL).hexdigest()
    assert store.record("piper", NAME)["files"][f"{NAME}.onnx.json"]["size"] == len(CONFIG)
    assert events[-1].done == events[-1].total == len(CONFIG)
    assert any(e.file == f"{NAME}.onnx" and e.done == len(MODEL) for e in events)
    assert not (tmp_path / "voices/.downloads" / NAME).exists()
    voices = {v.name: v for v in PiperEngine.list_voices(tmp_path / "voices")}
    assert voices[NAME].language == "fr_FR"
    assert store.remove(NAME) == NAME
    assert NAME not in {v.name for v in PiperEngine.list_voices(tmp_path / "voices")}
    assert store.record("piper", NAME) is None


def test_a_dropped_connection_resumes_with_a_range_request(
        serve: Serve, tmp_path: Path) -> None:
    server, catalogue = _served(serve, drop_after=30_000)
    ModelStore(tmp_path / "voices", catalogue).install(NAME)
    assert (tmp_path / "voices/piper" / f"{NAME}.onnx").read_bytes() == MODEL
    model_requests = [r for p, r in server.requests if p.endswith(".onnx")]
    assert model_requests == ["", "bytes=30000-"]


def test_a_broken_download_is_resumed_by_the_next_run(serve: Serve,
                                                       tmp_path: Path) -> None:
    server, catalogue = _served(serve, drop_after=40_000)
    store = ModelStore(tmp_path / "voices", catalogue, retries=0)
    with pytest.raises(DownloadError, match=f"voice {NAME}: downloading {NAME}.onnx failed.*"
                       "run the same command again to resume"):
        store.install(NAME)
    assert (tmp_path / "voices/.downloads" / NAME / f"{NAME}.onnx.part").stat().st_size == 40_000
    store.install(NAME)
    assert [r for p, r in server.requests if p.endswith(".onnx")][-1] == "bytes=40000-"
    assert (tmp_path / "voices/piper" / f"{NAME}.onnx").read_bytes() == MODEL


def test_a_wrong_checksum_installs_nothing_and_says_so(serve: Serve,
                                                       tmp_path: Path) -> None:
    _server, catalogue = _served(serve, md5="0" * 32)
    store = ModelStore(tmp_path / "voices", catalogue)
    with pytest.raises(DownloadError, match=f"voice {NAME}: the downloaded {NAME}.onnx fails "
                       "its checksum.*nothing was installed"):
        store.install(NAME)
    assert not list((tmp_path / "voices").glob("piper/*"))
    assert not (tmp_path / "voices/.downloads" / NAME / f"{NAME}.onnx.part").exists()


def test_a_full_disk_is_refused_before_downloading(serve: Serve,
                                                   tmp_path: Path) -> None:
    server, catalogue = _served(serve)
    store = ModelStore(tmp_path / "voices", catalogue, free_space=lambda _p: 1000)
    with pytest.raises(DownloadError, match=f"voice {NAME} needs 0 MB but only 0 MB are free"):
        store.install(NAME)
    assert server.requests == []


def test_a_missing_file_names_the_voice_and_the_status(serve: Serve,
                                                       tmp_path: Path) -> None:
    server, catalogue = _served(serve)
    server.files.clear()
    with pytest.raises(DownloadError, match=f"voice {NAME}: the server answered 404"):
        ModelStore(tmp_path / "voices", catalogue).install(NAME)


def _cpml_model(server: VoiceServer) -> Catalogue:
    server.files["xtts/config.json"] = b'{"model": "xtts"}'
    server.files["xtts/model.pth"] = b"weights"
    entry = CatalogueEntry("coqui", "xtts_v2", "multi",
                           (RemoteFile(server.url + "xtts/config.json", "config.json"),
                            RemoteFile(server.url + "xtts/model.pth", "model.pth")),
                           licence=CPML, languages=("en", "fr"))
    return Catalogue((entry,))


def test_a_licence_is_asked_once_and_its_acceptance_kept(serve: Serve,
                                                          tmp_path: Path) -> None:
    server = serve({})
    store = ModelStore(tmp_path / "voices", _cpml_model(server))
    with pytest.raises(LicenceRefused, match="xtts_v2 is under the CPML licence.*"
                       "NON-COMMERCIAL.*nothing was downloaded"):
        store.install("xtts_v2", accept=lambda _e, _l: False)
    assert server.requests == []
    asked: list[str] = []
    store.install("xtts_v2", accept=lambda e, lic: asked.append(lic.name) or True)
    assert asked == ["CPML"] and "CPML" in store.accepted_licences()
    assert (tmp_path / "voices/coqui/xtts_v2/model.pth").read_bytes() == b"weights"
    store.install("coqui:xtts_v2", accept=lambda _e, _l: pytest.fail("asked twice"))
    store.remove("xtts_v2")
    assert not (tmp_path / "voices/coqui/xtts_v2").exists()


def test_refresh_replaces_the_snapshot_with_the_served_list(serve: Serve,
                                                            tmp_path: Path) -> None:
    listing = piper_listing(NAME, MODEL, CONFIG)
    server = serve({"voices.json": json.dumps(listing).encode()})
    store = ModelStore(tmp_path / "voices")
    assert store.refresh(server.url + "voices.json") == 1
    assert [e.name for e in store.catalogue.entries if e.engine == "piper"] == [NAME]
    with pytest.raises(Exception, match="no installed voice 'nope'"):
        store.remove("nope")
    with pytest.raises(Exception, match="bundled with e2a"):
        store.remove("en_US-joe-medium")


def test_the_coqui_list_parses_the_tts_format() -> None:
    data = {"tts_models": {"en": {"ljspeech": {"vits": {
        "github_rls_url": "https://example.invalid/vits.zip", "license": "apache 2.0",
        "description": "VITS"}}}}}
    (entry,) = parse_coqui(data)
    assert entry.name == "tts_models/en/ljspeech/vits" and entry.archive
    assert entry.licence is not None and not entry.licence.must_accept


def test_a_disk_that_fills_up_midway_keeps_the_part_for_later(
        serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import io

    from e2a_node.voices import download

    class Full(io.BytesIO):
        def write(self, _data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    _server, catalogue = _served(serve)
    monkeypatch.setattr(download, "open", lambda *_a, **_k: Full(), raising=False)
    with pytest.raises(DownloadError, match=f"voice {NAME}: the disk is full; free some space "
                       "and run the same command again to resume"):
        ModelStore(tmp_path / "voices", catalogue).install(NAME)
    assert not list((tmp_path / "voices").glob("piper/*"))


def test_names_from_the_network_never_become_paths_outside_the_store(tmp_path: Path) -> None:
    listing = piper_listing(NAME, MODEL, CONFIG)
    listing["../../evil"] = {**listing[NAME], "key": "../../evil"}
    assert [e.name for e in parse_piper(listing, "http://127.0.0.1:9/")] == [NAME]
    with pytest.raises(Exception, match="is not a valid voice name"):
        ModelStore(tmp_path / "voices").remove("../../etc/passwd")
