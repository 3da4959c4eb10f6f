"""A node hears units lent to it with the recogniser the farm names (issue 25): it reads the
audio from memory only, refuses what is not a mono 16-bit WAV, says "could not hear" when it
stops or runs out of time (so the farm hears the unit at once), and only a LAN node says it
can hear (the built-in node's farm hears on its own thread)."""

from __future__ import annotations

import asyncio
import io
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from e2a_node.hearer import BadAudio, Hearer, pcm_of
from e2a_node.protocol import HearAssignment, HeardReport
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.farm_fixtures import speech_like_wav

LENT = HearAssignment(7, "abcdef0123456789", "fake", "en", 30.0, "job")


class FakeClient:
    """The farm, as the hearer sees it: the unit's audio out, what was heard in."""

    def __init__(self, wav: bytes) -> None:
        self.wav = wav
        self.said: list[tuple[int, HeardReport]] = []

    async def async_hearing_audio(self, unit_id: int) -> bytes:
        return self.wav

    async def async_heard(self, unit_id: int, report: HeardReport) -> bool:
        self.said.append((unit_id, report))
        return True


class Stuck:
    """A recogniser that hears until it is closed (its process ended)."""

    name = "fake"
    language = "en"

    def __init__(self) -> None:
        self.began = threading.Event()
        self.closed = threading.Event()

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        self.began.set()
        self.closed.wait(10)
        raise RuntimeError("fake stopped")

    def close(self) -> None:
        self.closed.set()


class Says:
    name = "fake"
    language = "en"

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        return "word " * 10_000  # longer than any farm reads


def _stereo() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 3200)
    return buffer.getvalue()


def test_only_mono_16_bit_audio_is_heard() -> None:
    pcm, rate = pcm_of(speech_like_wav(1.0))
    assert rate == 16000 and len(pcm) == 16000
    for bad in (b"", b"RIFF junk", _stereo()):
        with pytest.raises(BadAudio):
            pcm_of(bad)


def test_what_was_heard_goes_back_bounded() -> None:
    client = FakeClient(speech_like_wav(1.0))
    hearer = Hearer(find=lambda: ("fake",), make=lambda _n, _l: Says())
    asyncio.run(hearer.async_hear(client, LENT, lambda: False))  # type: ignore[arg-type]
    ((unit_id, report),) = client.said
    assert unit_id == 7 and report.token == LENT.token
    assert report.transcript is not None and len(report.transcript) == 10_000


def test_junk_audio_or_a_stop_says_could_not_hear() -> None:
    client = FakeClient(b"not a wav")
    hearer = Hearer(find=lambda: ("fake",), make=lambda _n, _l: Says())
    asyncio.run(hearer.async_hear(client, LENT, lambda: False))  # type: ignore[arg-type]
    assert [r.transcript for _, r in client.said] == [None]

    stuck = Stuck()
    client = FakeClient(speech_like_wav(1.0))
    hearer = Hearer(find=lambda: ("fake",), make=lambda _n, _l: stuck)
    asyncio.run(hearer.async_hear(client, LENT,  # type: ignore[arg-type]
                                  lambda: stuck.began.is_set()))  # stopped while hearing
    assert stuck.closed.is_set()  # its recogniser's process was ended
    assert [r.transcript for _, r in client.said] == [None]


def test_a_recogniser_the_farm_names_and_this_node_lacks_is_not_used() -> None:
    client = FakeClient(speech_like_wav(1.0))
    hearer = Hearer(find=lambda: ("pocketsphinx",), make=lambda _n, _l: Says())
    asyncio.run(hearer.async_hear(client, LENT, lambda: False))  # type: ignore[arg-type]
    assert [r.transcript for _, r in client.said] == [None]


def test_only_a_lan_node_says_it_can_hear(tmp_path: Path) -> None:
    hearer = Hearer(find=lambda: ("fake",))
    lan = NodeWorker(NodeConfig(tmp_path / "lan", name="lan"), hearer=hearer)
    assert lan.capabilities().hears == ("fake",)
    built_in = NodeWorker(NodeConfig(tmp_path / "in", name="in"), hearer=hearer,
                          link=object())  # type: ignore[arg-type]
    assert built_in.capabilities().hears == ()


def test_pocketsphinx_here_is_named_as_the_farm_names_it() -> None:
    pytest.importorskip("pocketsphinx")
    from e2a_node.recognisers import PocketSphinx, recognisers_here, transcriber_named

    assert PocketSphinx.name in recognisers_here(models=[])
    with pytest.raises(ValueError, match="no recogniser"):
        transcriber_named("faster-whisper (base.en)", "en", models=[])
    with pytest.raises(ValueError, match="no recogniser"):
        transcriber_named(PocketSphinx.name, "fr", models=[])  # English only


class NiceTranscriber:
    """Says its process's nice value."""

    name = "nice"
    language = "en"

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        import os

        return str(os.nice(0))


@pytest.mark.skipif(not hasattr(__import__("os"), "nice"), reason="no nice here")
def test_a_recogniser_started_from_a_niced_thread_is_not_niced_twice() -> None:
    """The coordinator's hearing thread is niced; its recogniser's process was niced again
    on top (19), and a busy PC starved it: one unit took 68 s beside two nodes."""
    import os
    import sys

    from e2a_node.recognisers import HEARING_NICE, InChildProcess
    from e2a_node.runner import lower_thread_priority

    if not sys.platform.startswith("linux") or os.nice(0) != 0:
        pytest.skip("needs Linux's per-thread nice, from nice 0")
    said: list[str] = []

    def hear() -> None:
        lower_thread_priority(HEARING_NICE)
        recogniser = InChildProcess(NiceTranscriber, (), "nice", "en")
        try:
            said.append(recogniser.transcribe(np.zeros(16, dtype="<i2"), 16000))
        finally:
            recogniser.close()

    thread = threading.Thread(target=hear)
    thread.start()
    thread.join(60)
    assert said == [str(HEARING_NICE)]
