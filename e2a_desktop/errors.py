"""The desktop's user-facing errors (the base class lives in the node package)."""

from __future__ import annotations

from e2a_node.errors import E2AError, VoiceError


class BookError(E2AError):
    """The ebook cannot be read (missing, unknown format, corrupt, DRM, empty)."""


class OutputError(E2AError):
    """The output cannot be written where the user asked."""


class AudioToolError(E2AError):
    """ffmpeg is missing or failed."""


__all__ = ["E2AError", "VoiceError", "BookError", "OutputError", "AudioToolError"]
