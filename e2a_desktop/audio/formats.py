"""Output formats: codec arguments, file extensions and ffmpeg muxers.

This is the one place that maps a format to the ffmpeg muxer that writes it:
encoding (master.py) and binding (bind.py) both read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputFormat:
    """How one output format is encoded and written."""

    name: str
    extension: str
    codec_args: tuple[str, ...]
    muxer: str  # ffmpeg -f for the files the listener gets (bound book, split chapters)
    sample_rate: int | None = None  # None: keep the voice's rate
    chapter_extension: str = ""
    chapter_muxer: str = ""
    book_muxer_args: tuple[str, ...] = ()  # muxer options for the bound book only

    @property
    def part_extension(self) -> str:
        """Extension of per-chapter files (m4b chapters are plain .m4a)."""
        return self.chapter_extension or self.extension

    @property
    def part_muxer(self) -> str:
        """ffmpeg -f for the per-chapter files encoded before binding (m4b: plain mp4)."""
        return self.chapter_muxer or self.muxer


FORMATS: dict[str, OutputFormat] = {
    # The "fast" AAC coder is 2.5x cheaper than the default two-loop search and
    # indistinguishable on speech at 64 kb/s mono. The book is written by the
    # "ipod" muxer with its index (moov) up front; chapters before binding are
    # plain .m4a from the "mp4" muxer.
    "m4b": OutputFormat("m4b", "m4b", ("-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k"),
                        muxer="ipod", chapter_extension="m4a", chapter_muxer="mp4",
                        book_muxer_args=("-movflags", "+faststart")),
    # ID3v2.3 rather than ffmpeg's default v2.4, which more players read.
    "mp3": OutputFormat("mp3", "mp3", ("-c:a", "libmp3lame", "-b:a", "64k"), muxer="mp3",
                        book_muxer_args=("-id3v2_version", "3")),
    "opus": OutputFormat("opus", "opus", ("-c:a", "libopus", "-b:a", "32k"), muxer="ogg",
                         sample_rate=24000),
    "flac": OutputFormat("flac", "flac", ("-c:a", "flac",), muxer="flac"),
    "wav": OutputFormat("wav", "wav", ("-c:a", "pcm_s16le",), muxer="wav"),
}


def format_for_extension(suffix: str) -> OutputFormat | None:
    """The format a file name's extension names ('.mp3' → mp3; '.m4a' → m4b), or None."""
    ext = suffix.lower().lstrip(".")
    if ext == "m4a":
        return FORMATS["m4b"]
    return next((f for f in FORMATS.values() if f.extension == ext), None)
