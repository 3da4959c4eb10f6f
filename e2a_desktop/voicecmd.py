"""`e2a voices`: list installed voices, the catalogue, download and remove.

The store (e2a_node.voices) does the work; this module only talks to the
terminal: a progress bar on stderr, the licence prompt, one line per voice.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from e2a_node.engines import VoiceInfo, available_voices, find_voice
from e2a_node.engines.coqui import char_limit
from e2a_node.errors import VoiceError
from e2a_node.language_tags import best_match, normalize, primary, region, same_language
from e2a_node.voices import CatalogueEntry, DownloadProgress, Licence, ModelStore

from .config import AppPaths
from .errors import E2AError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--available", action="store_true",
                        help="list the voices and models that can be downloaded")
    parser.add_argument("--language", metavar="LANG",
                        help="only voices speaking LANG (fr, pt_BR, ...)")
    parser.add_argument("--download", metavar="NAME", help="download and install a voice "
                        "(a name from --available)")
    parser.add_argument("--remove", metavar="NAME", help="delete an installed voice")
    parser.add_argument("--add", metavar="PATH", type=Path, help="install a voice you have: "
                        "a Piper NAME.onnx (with NAME.onnx.json beside it) or a Coqui model "
                        "folder (config.json and checkpoint, e.g. your fine-tuned XTTS)")
    parser.add_argument("--name", help="with --add: the name to install it under (default: "
                        "the file's or folder's)")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch the current list of Piper voices (needs the network)")
    parser.add_argument("--accept-licence", action="store_true",
                        help="with --download: accept the model's licence without asking")


def run(args: argparse.Namespace) -> int:
    store = ModelStore(AppPaths.load().voices_dir)
    if args.refresh:
        print(f"the catalogue lists {store.refresh()} Piper voices")
    if args.download:
        return _download(store, args.download, args.accept_licence)
    if args.remove:
        print(f"removed {store.remove(args.remove)}")
        return 0
    if args.add:
        from e2a_node.voices.local import add_local

        record = add_local(store, args.add, args.name)
        print(f"added {record.engine}:{record.name} from {args.add}; use it with "
              + (f"--voice {record.name}" if record.engine == "piper"
                 else f"--engine coqui --model {record.name}"))
        return 0
    if args.available:
        return _available(store, args.language)
    if args.refresh:
        return 0
    return _installed(store, args.language)


def speaks(language: str, wanted: str | None, also: tuple[str, ...] = ()) -> bool:
    """Whether a voice of ``language`` (a multilingual model: ``also``) speaks ``wanted``:
    a region asked for (``pt_BR``) must be the voice's own, except for a multilingual
    model, which speaks every region of its languages (XTTS's ``pt`` is ``pt-BR`` too)."""
    if not wanted:
        return True
    if len(also) > 1:
        return best_match(wanted, also) is not None
    if region(wanted):
        return normalize(language).lower() == normalize(wanted).lower()
    return same_language(language, wanted)


def _installed(store: ModelStore, language: str | None) -> int:
    voices = [v for v in available_voices(store.voices_dir)
              if speaks(v.language, language, v.languages)]
    if not voices:
        wanted = f" speaking '{language}'" if language else ""
        print(f"no voices{wanted} installed; see `e2a voices --available"
              f"{' --language ' + language if language else ''}`", file=sys.stderr)
        return 1
    for voice in voices:
        more = f" … ({len(voice.speakers)} in all)" if len(voice.speakers) > 12 else ""
        speakers = f"\tspeakers: {', '.join(voice.speakers[:12])}{more} (--speaker NAME)" \
            if voice.speakers else ""
        print(f"{voice.engine}:{voice.name}\t{voice.language or '?'}\t{_where(voice)}{speakers}")
    return 0


def _where(voice: VoiceInfo) -> str:
    return voice.source or "installed"


def _available(store: ModelStore, language: str | None) -> int:
    installed = {(v.engine, v.name) for v in available_voices(store.voices_dir)}
    entries = [e for e in store.catalogue.entries
               if speaks(e.language, language, e.languages)]
    if not entries:
        print(f"the catalogue has no voice for '{language}'", file=sys.stderr)
        return 1
    for entry in entries:
        mark = "installed" if (entry.engine, entry.name) in installed else \
            _size(entry.size) if entry.size else ""
        licence = _licence_column(entry.licence)
        language_column = entry.language if entry.language != "multi" else \
            ",".join(entry.languages) or "multi"
        print("\t".join(x for x in (f"{entry.engine}:{entry.name}", language_column,
                                    entry.quality, mark, licence) if x))
    return 0


def _licence_column(licence: Licence | None) -> str:
    """Every licence is named; those that bind the user (non-commercial, custom) say so."""
    if licence is None:
        return ""
    if not licence.must_accept:
        return f"licence {licence.name}"
    binding = "NON-COMMERCIAL" if "NON-COMMERCIAL" in licence.summary else "read it first"
    return f"licence {licence.name} ({binding}; --accept-licence)"


def _size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _download(store: ModelStore, name: str, accept: bool) -> int:
    entry = store.catalogue.find(name)
    installed = {(v.engine, v.name) for v in available_voices(store.voices_dir)}
    if (entry.engine, entry.name) in installed:
        print(f"{entry.engine}:{entry.name} is installed already (`e2a voices --remove "
              f"{entry.name}` deletes it)")
        return 0
    size = store.download_size(entry)
    files = f"{len(entry.files)} files" if len(entry.files) > 1 else "1 file"
    print(f"{entry.engine}:{entry.name}: {_size(size) if size else 'size unknown'} to download "
          f"({files})", file=sys.stderr)
    bar = ProgressBar(sys.stderr)
    record = store.install(name, progress=bar,
                           accept=(lambda _e, _l: True) if accept else _ask_licence)
    bar.close()
    print(f"installed {entry.engine}:{entry.name} ({entry.language}) in {store.voices_dir}")
    if record.licence:
        print(f"licence: {record.licence}")
    return 0


def _ask_licence(entry: CatalogueEntry, licence: Licence) -> bool:
    """Show the licence; on a terminal ask once, elsewhere require --accept-licence."""
    print(f"{entry.name} is under the {licence.name} licence:\n  {licence.summary}\n"
          f"  {licence.url}", file=sys.stderr)
    if not sys.stdin.isatty():
        raise E2AError(f"{entry.name} needs its {licence.name} licence accepted; run again "
                       "with --accept-licence if you agree to it")
    answer = input("Do you accept this licence? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


class ProgressBar:
    """One line per file, redrawn in place on a terminal, at most 10 times a second."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self._file = ""
        self._last = 0.0
        self._tty = out.isatty()

    def __call__(self, event: DownloadProgress) -> None:
        if event.file != self._file:
            if self._file:
                self.out.write("\n")
            self._file = event.file
        now = time.monotonic()
        if now - self._last < 0.1 and event.done != event.total:
            return
        self._last = now
        if not self._tty and event.done != event.total:
            return  # logs and pipes get the finished line only
        fraction = event.done / event.total if event.total else 0.0
        filled = int(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        total = _size(event.total) if event.total else "?"
        self.out.write(f"\r{event.file[:40]:40} [{bar}] {fraction:4.0%} "
                       f"{_size(event.done)}/{total}")
        self.out.flush()

    def close(self) -> None:
        if self._file:
            self.out.write("\n")
            self.out.flush()


_QUALITY = {"medium": 0, "high": 1, "low": 2, "x_low": 3}


def suggest_download(language: str, entries: tuple[CatalogueEntry, ...]) -> str | None:
    """The catalogue's best Piper voice for ``language`` (its region, medium quality first)."""
    wanted = primary(language)
    region = f"{wanted}_{wanted.upper()}"
    exact = language.replace("-", "_").lower()
    piper = [e for e in entries if e.engine == "piper" and primary(e.language) == wanted]
    if not piper:
        return None
    best = min(piper, key=lambda e: (e.language.lower() != exact, e.language != region,
                                     _QUALITY.get(e.quality, 9), e.name))
    return best.name


def no_voice_message(language: str, store: ModelStore) -> str:
    """What to do when no installed voice speaks the book's language."""
    suggestion = suggest_download(language, store.catalogue.entries)
    if suggestion is None:
        model = _multilingual_for(language, store.catalogue.entries)
        if model is not None:
            return (f"the book is in '{language}': no Piper voice speaks it, but the Coqui "
                    f"model {model} does; get it and read with it:\n"
                    f"  e2a voices --download {model}\n"
                    f"  e2a convert BOOK --engine coqui --model {model}")
        return (f"the book is in '{language}' and no voice for it is installed or in the "
                "catalogue; choose a voice with --voice (see `e2a voices`)")
    return (f"the book is in '{language}' and no installed voice speaks it; get one with:\n"
            f"  e2a voices --download {suggestion}\n"
            f"(more: e2a voices --available --language {primary(language)}; or read it with "
            "another voice: --voice NAME)")


def _multilingual_for(language: str, entries: tuple[CatalogueEntry, ...]) -> str | None:
    """A multilingual catalogue model that speaks ``language`` (the one with fewest
    strings attached: no licence to accept first, then by name)."""
    speaking = [e for e in entries if len(e.languages) > 1
                and best_match(language, e.languages) is not None]
    if not speaking:
        return None
    best = min(speaking, key=lambda e: (bool(e.licence and e.licence.must_accept), e.name))
    return best.name


def choose_for_convert(args: argparse.Namespace, voices_dir: Path,
                       book_language: str) -> tuple[VoiceInfo, str, int | None]:
    """The voice, the job's language (the voice's) and the per-call limit for a convert."""
    from .convert import default_voice  # the convert machinery only when converting

    if args.model or args.engine == "coqui":
        return _coqui_choice(args, voices_dir, book_language)
    if args.voice:
        voice = find_voice(args.voice, voices_dir)
        if voice.engine == "coqui":  # `e2a voices` prints coqui:NAME: the same as --model
            return _coqui_language(voice, args, book_language)
    else:
        language = args.language or book_language
        found = default_voice(language, available_voices(voices_dir))
        if found is None:
            raise E2AError(no_voice_message(language, ModelStore(voices_dir)))
        voice = found
    return voice, voice.language or "en", voice.max_chars or None


def _coqui_choice(args: argparse.Namespace, voices_dir: Path,
                  book_language: str) -> tuple[VoiceInfo, str, int]:
    if not args.model:
        raise E2AError("--engine coqui needs --model NAME (see `e2a voices --available`)")
    try:
        voice = find_voice(f"{args.engine or 'coqui'}:{args.model}", voices_dir)
    except VoiceError:
        raise E2AError(f"coqui model '{args.model}' is not installed; get it with:\n"
                       f"  e2a voices --download {args.model}") from None
    return _coqui_language(voice, args, book_language)


def _coqui_language(voice: VoiceInfo, args: argparse.Namespace,
                    book_language: str) -> tuple[VoiceInfo, str, int]:
    """The language a Coqui model reads this book in (a multilingual one: the book's)."""
    if len(voice.languages) > 1:
        language = normalize(args.language or book_language) or "en"
        if best_match(language, voice.languages) is None:
            raise E2AError(f"coqui model {voice.name} does not speak '{language}' (it speaks "
                           f"{', '.join(voice.languages)})")
        if "xtts" in voice.name and not args.voice_sample:
            raise E2AError(f"{voice.name} clones a voice: give a 3–30 s recording with "
                           "--voice-sample FILE.wav")
    else:
        language = voice.language or args.language or "en"
    return voice, language, char_limit(language)


def reference_voice(args: argparse.Namespace, voices_dir: Path) -> str:
    """The id of the checked, stored --voice-sample ("" without one)."""
    if not args.voice_sample:
        return ""
    if not (args.model or args.engine == "coqui" or (args.voice or "").startswith("coqui:")):
        raise E2AError("--voice-sample clones a voice with a Coqui model: add "
                       "--engine coqui --model xtts_v2")
    from e2a_node.voices.samples import store_sample

    return store_sample(args.voice_sample, voices_dir)
