"""Every bad input ends with one clear line naming the file, exit 2, and no output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a

DRM = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
       'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
       '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
       '<enc:CipherData><enc:CipherReference URI="OEBPS/c1.xhtml"/></enc:CipherData>'
       "</enc:EncryptedData></encryption>")


def _epub(tmp_path: Path, name: str, **kwargs: object) -> Path:
    docs = [Doc("c1.xhtml", chapter_body("One", ["Some words to read aloud. " * 20]), "One")]
    spec = EpubSpec(docs=kwargs.pop("docs", docs), **kwargs)  # type: ignore[arg-type]
    return build_epub(spec, tmp_path / name)


def _assert_clean_failure(args: list[str], expected: str, names: str, tmp_path: Path) -> None:
    out = e2a("convert", *args, "-o", str(tmp_path / "out" / "book.m4b"), cwd=tmp_path)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("e2a: error:") and "Traceback" not in out.stderr
    assert expected in lines[0] and names in lines[0]
    assert not (tmp_path / "out" / "book.m4b").exists()


def test_missing_file(tmp_path: Path) -> None:
    _assert_clean_failure([str(tmp_path / "ghost.epub")], "no such file", "ghost.epub", tmp_path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "book.xyz"
    path.write_bytes(b"PK\x03\x04junk")
    _assert_clean_failure([str(path)], "unknown format", "book.xyz", tmp_path)


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.epub"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    _assert_clean_failure([str(path)], "zip", "broken.epub", tmp_path)


def test_drm_epub(tmp_path: Path) -> None:
    path = _epub(tmp_path, "locked.epub", encryption_xml=DRM)
    _assert_clean_failure([str(path)], "DRM", "locked.epub", tmp_path)


def test_book_with_no_text(tmp_path: Path) -> None:
    path = _epub(tmp_path, "pictures.epub", docs=[Doc("c1.xhtml", "<img src='a.png'/>", "P")])
    _assert_clean_failure([str(path)], "no readable text", "pictures.epub", tmp_path)


def test_voice_that_does_not_exist(sample_book: Path, tmp_path: Path) -> None:
    _assert_clean_failure([str(sample_book), "--voice", "klingon-warrior"], "no voice",
                          "klingon-warrior", tmp_path)


def test_chapters_out_of_range(sample_book: Path, tmp_path: Path) -> None:
    _assert_clean_failure([str(sample_book), "--chapters", "2-9"], "out of range",
                          "aesop-fables.epub", tmp_path)


@pytest.mark.parametrize("target", ["/proc/e2a-test/book.m4b", "/proc/book.m4b"])
def test_output_folder_that_cannot_be_written(sample_book: Path, tmp_path: Path,
                                              target: str) -> None:
    out = e2a("convert", str(sample_book), "-o", target, cwd=tmp_path)
    assert out.returncode == 2
    line = out.stderr.strip()
    assert line.startswith("e2a: error: /proc") and "\n" not in line
    assert "Traceback" not in out.stderr


def test_port_in_use(sample_book: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--port",
                  str(port), cwd=tmp_path)
    assert out.returncode == 2
    last = out.stderr.strip().splitlines()[-1]
    assert last == f"e2a: error: port {port} is in use; choose another with --port"
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "b.m4b").exists()


def test_second_conversion_of_the_same_book_is_refused_while_the_first_runs(
        sample_book: Path, tmp_path: Path) -> None:
    from e2a_desktop.config import AppPaths
    from e2a_desktop.convert import ConvertRequest, FarmOptions, prepare
    from e2a_desktop.service import CANCELLED, Conversion

    # The first holds the job while it waits for a LAN node that never comes.
    first = Conversion(prepare(ConvertRequest(sample_book, tmp_path / "first.m4b",
                                              farm=FarmOptions(wait_nodes=1))), AppPaths.load())
    first.start()
    try:
        out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--no-farm",
                  cwd=tmp_path)
        assert out.returncode == 2
        assert out.stderr.strip().splitlines()[-1] == (
            f"e2a: error: {sample_book}: this book is already being converted by another e2a "
            "on this computer; wait for it to finish or stop it first")
        assert not (tmp_path / "b.m4b").exists()
    finally:
        outcome = first.cancel()
    assert outcome is not None and outcome.state == CANCELLED
    # Once the first has let go, the same command works (and nothing of the first is lost).
    again = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--no-farm",
                "--chapters", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_a_speed_the_voice_cannot_reach_is_refused(sample_book: Path, tmp_path: Path) -> None:
    out = e2a("convert", str(sample_book), "-o", str(tmp_path / "b.m4b"), "--speed", "2.5",
              cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        "e2a: error: voice en_US-joe-medium speaks at most 1.9x the normal rate; --speed 2.5 "
        "is too fast")


def test_without_pyside6_e2a_alone_says_how_to_get_the_window() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['PySide6'] = None; from e2a_desktop.cli import main; "
            "sys.exit(main([]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert "pip install 'e2a[gui]'" in out.stderr and "convert" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_data_folder_that_cannot_be_written(tmp_path: Path, sample_book: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only or full disk, or a path through a file: one line, exit 2, no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("E2A_DATA_DIR", str(blocker / "data"))
    _assert_clean_failure([str(sample_book)], "cannot write to the data folder", str(blocker),
                          tmp_path)
