"""A unit the judge refuses is spoken again; one refused on every try is kept, flagged,
instead of stopping the book; one node's noise is never kept (issue 25)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.events import UnitRejected
from e2a_desktop.farm.farm import FLAGGED_KEY, MAX_JUDGED_TRIES, Farm
from e2a_desktop.farm.uploads import NotSpeech, UploadRejected
from e2a_desktop.localnode import LOCAL_NODE
from e2a_node.protocol import Capabilities
from tests.helpers.farm_fixtures import RATE, make_farm, noise_wav, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


@pytest.fixture
def farm(tmp_path: Path) -> Farm:
    made = make_farm(tmp_path)
    made.events = []  # type: ignore[attr-defined]
    made.emit = made.events.append  # type: ignore[attr-defined]
    return made


def _send(farm: Farm, node: str, unit_id: int, wav: bytes) -> tuple[bool, bool]:
    unit = farm.job.store.unit(unit_id)
    assert unit is not None
    seconds = len(unit.text) / 15
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit_id, node)
    tmp.write_bytes(wav)
    return farm.accept_upload(node, unit_id, tmp,
                              [(i * seconds / n, (i + 1) * seconds / n) for i in range(n)])


def _lease(farm: Farm, node: str) -> int:
    assignment = farm.lease(node, CAPS).assignment
    assert assignment is not None
    return assignment.unit_id


def test_a_unit_refused_by_every_node_is_kept_and_flagged(farm: Farm) -> None:
    first = _lease(farm, "node-a")
    seconds = len(farm.job.store.unit(first).text) / 15  # type: ignore[union-attr]
    for node in ("node-a", "node-b"):
        unit_id = first if node == "node-a" else _lease(farm, node)
        assert unit_id == first  # the refused unit is spoken again first
        with pytest.raises(NotSpeech, match="noise"):
            _send(farm, node, unit_id, noise_wav(seconds))
        assert farm.job.store.unit(first).status == "pending"  # type: ignore[union-attr]
    assert _lease(farm, "node-c") == first
    assert _send(farm, "node-c", first, noise_wav(seconds)) == (True, False)
    assert farm.job.store.unit(first).status == "done"  # type: ignore[union-attr]
    assert first in farm.flagged and "noise" in farm.flagged[first]
    stored = json.loads(farm.job.store.meta()[FLAGGED_KEY])  # for the job's report
    assert list(stored) == [str(first)] and "noise" in stored[str(first)]
    kept = [e for e in farm.events if isinstance(e, UnitRejected) and e.kept]  # type: ignore[attr-defined]
    assert [e.unit_id for e in kept] == [first]
    assert MAX_JUDGED_TRIES == 3


def test_one_nodes_noise_is_never_kept(farm: Farm) -> None:
    for _ in range(MAX_JUDGED_TRIES):
        unit_id = _lease(farm, "node-a")
        seconds = len(farm.job.store.unit(unit_id).text) / 15  # type: ignore[union-attr]
        with pytest.raises(UploadRejected):
            _send(farm, "node-a", unit_id, noise_wav(seconds))
    assert not farm.flagged
    assert farm.nodes["node-a"].bad_uploads == MAX_JUDGED_TRIES
    assert farm.lease("node-a", CAPS).assignment is None  # benched
    assert farm.job.store.counts()["done"] == 0


def test_the_built_in_voice_is_not_benched_and_its_unit_is_kept_in_the_end(
        farm: Farm) -> None:
    farm.local_names[LOCAL_NODE] = "this PC"
    unit_id = _lease(farm, LOCAL_NODE)
    seconds = len(farm.job.store.unit(unit_id).text) / 15  # type: ignore[union-attr]
    for _ in range(MAX_JUDGED_TRIES - 1):
        with pytest.raises(NotSpeech):
            _send(farm, LOCAL_NODE, unit_id, noise_wav(seconds))
        assert _lease(farm, LOCAL_NODE) == unit_id
    assert _send(farm, LOCAL_NODE, unit_id, noise_wav(seconds)) == (True, False)
    assert farm.nodes[LOCAL_NODE].bad_uploads == 0
    assert unit_id in farm.flagged
    next_unit = _lease(farm, LOCAL_NODE)  # and the book goes on with good speech
    nxt = farm.job.store.unit(next_unit)
    assert nxt is not None
    assert _send(farm, LOCAL_NODE, next_unit, speech_like_wav(len(nxt.text) / 15))[0]
    assert next_unit not in farm.flagged


def test_a_resumed_run_keeps_the_flags_of_the_runs_before(farm: Farm) -> None:
    """The report lists every kept-but-refused unit of the job, not only this run's: a
    resumed run starts from the stored flags and adds to them."""
    job, scheduler = farm.job, farm.scheduler
    job.store.set_meta({FLAGGED_KEY: json.dumps({"7": "a stretch repeats"})})
    farm.detach()
    farm.attach(job, scheduler, RATE)
    assert farm.flagged == {7: "a stretch repeats"}
    farm.local_names[LOCAL_NODE] = "this PC"
    first = _lease(farm, LOCAL_NODE)
    seconds = len(job.store.unit(first).text) / 15  # type: ignore[union-attr]
    for _ in range(MAX_JUDGED_TRIES - 1):
        with pytest.raises(NotSpeech):
            _send(farm, LOCAL_NODE, first, noise_wav(seconds))
        assert _lease(farm, LOCAL_NODE) == first
    assert _send(farm, LOCAL_NODE, first, noise_wav(seconds)) == (True, False)
    stored = json.loads(job.store.meta()[FLAGGED_KEY])
    assert set(stored) == {"7", str(first)}


def test_verify_hears_the_words_and_a_wrong_unit_is_spoken_again(tmp_path: Path) -> None:
    """`--verify asr`'s hook: what the verifier says is wrong is refused like the judge's
    refusals (the unit is spoken again), and a unit it passes is accepted. It hears each
    unit after the upload was answered (test_heard_aside.py)."""
    farm = make_farm(tmp_path)
    farm.events = []  # type: ignore[attr-defined]
    farm.emit = farm.events.append  # type: ignore[attr-defined]
    job, scheduler = farm.job, farm.scheduler
    heard: list[tuple[int, tuple[str, ...]]] = []

    def verify(pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> str | None:
        heard.append((rate, tuple(sentences)))
        return "pocketsphinx heard 5% of the unit's words" if len(heard) == 1 else None

    farm.detach()
    farm.attach(job, scheduler, RATE, verify=verify)
    first = _lease(farm, "node-a")
    unit = job.store.unit(first)
    assert unit is not None
    wav = speech_like_wav(len(unit.text) / 15)
    assert _send(farm, "node-a", first, wav) == (True, False)
    assert farm.hearing_drained(10)
    assert job.store.unit(first).status == "pending"  # type: ignore[union-attr]
    rejected = [e for e in farm.events if isinstance(e, UnitRejected)]  # type: ignore[attr-defined]
    assert "pocketsphinx heard 5%" in rejected[-1].reason
    assert _lease(farm, "node-b") == first
    assert _send(farm, "node-b", first, wav) == (True, False)
    assert farm.hearing_drained(10)
    assert job.store.unit(first).status == "done"  # type: ignore[union-attr]
    assert heard == [(RATE, unit.sentences)] * 2
    farm.detach()
