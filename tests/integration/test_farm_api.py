"""The coordinator's HTTP API through the real app and the real node client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import Farm
from e2a_node.client import (
    CoordinatorClient,
    NotTheTrustedCoordinator,
    RequestRefused,
    Unauthorized,
)
from e2a_node.protocol import API, NOT_PAIRED, PROTOCOL_VERSION, VERSION_HEADER, Capabilities
from tests.helpers.farm_fixtures import CODE, copycat_app, make_farm, speech_like_wav

CAPS = Capabilities("tester", "cpu", {"piper": ["en_US-joe-medium"]})
ENDPOINTS = [("GET", "/job"), ("POST", "/lease"), ("POST", "/units/1/heartbeat"),
             ("POST", "/units/1/release"), ("POST", "/leaving"), ("POST", "/elsewhere"),
             ("PUT", "/units/1/audio"),
             ("GET", "/status"),
             ("GET", "/nothing-here")]


@pytest.fixture
async def farm_server(tmp_path: Path) -> Any:
    farm = make_farm(tmp_path)
    server = TestServer(create_app(farm))
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield farm, server, session
    await server.close()
    farm.job.close()


async def _paired(server: TestServer, session: aiohttp.ClientSession,
                  node_id: str = "node-aaaa1111") -> CoordinatorClient:
    client = CoordinatorClient(session, str(server.make_url("")), node_id)
    paired = await client.async_pair("tester", "482-913")
    client.secret = paired.secret
    return client


async def test_unpaired_client_gets_401_on_every_endpoint_and_no_text(farm_server: Any) -> None:
    farm, server, session = farm_server
    for method, path in ENDPOINTS:
        async with session.request(method, server.make_url(API + path),
                                   headers={VERSION_HEADER: str(PROTOCOL_VERSION)},
                                   data=b"x") as response:
            body = await response.text()
            assert response.status == 401, (method, path)
            assert json.loads(body) == {"error": NOT_PAIRED}  # and nothing else
            assert "fox" not in body and "Farm Test" not in body
    # A forged token for a made-up node is refused the same way.
    forged = CoordinatorClient(session, str(server.make_url("")), "node-forged00", "0" * 64)
    with pytest.raises(Unauthorized):
        await forged.async_job()


async def test_wrong_code_is_refused_and_guessing_is_rate_limited(farm_server: Any) -> None:
    _farm, server, session = farm_server
    client = CoordinatorClient(session, str(server.make_url("")), "node-guess0001")
    for _ in range(5):
        with pytest.raises(RequestRefused) as info:
            await client.async_pair("guesser", "000000")
        assert info.value.status == 403
    with pytest.raises(RequestRefused) as info:
        await client.async_pair("guesser", CODE)  # even the right code, once locked out
    assert info.value.status == 429


async def test_pairing_sends_neither_the_code_nor_the_secret(tmp_path: Path) -> None:
    """Someone listening on the LAN while a node pairs learns nothing to sign requests with."""
    farm = make_farm(tmp_path)
    app = create_app(farm)
    wire: list[bytes] = []

    @web.middleware
    async def listener(request: web.Request, handler: Any) -> web.StreamResponse:
        wire.append(await request.read())
        response = await handler(request)
        wire.append(bytes(response.body or b""))
        return response

    app.middlewares.insert(0, listener)
    server = TestServer(app)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            client = CoordinatorClient(session, str(server.make_url("")), "node-quiet001")
            paired = await client.async_pair("quiet", "482-913")
            assert len(wire) == 4  # pair, its answer, confirm, its answer
            assert not any(paired.secret.encode() in body for body in wire)
            assert not any(CODE.encode() in body or b"482-913" in body for body in wire)
            client.secret = paired.secret
            assert (await client.async_job()).title == "Farm Test"
    finally:
        await server.close()
        farm.job.close()


async def test_node_id_that_could_name_a_path_is_refused(farm_server: Any) -> None:
    _farm, server, session = farm_server
    client = CoordinatorClient(session, str(server.make_url("")), "../../etc/passwd")
    with pytest.raises(RequestRefused) as info:
        await client.async_pair("evil", CODE)
    assert info.value.status == 400


@pytest.mark.parametrize("message", ["", "QUJD", "not base64!"])
async def test_a_malformed_pairing_message_is_refused(farm_server: Any, message: str) -> None:
    farm, server, session = farm_server
    body = {"node_id": "node-junk0001", "name": "junk", "message": message}
    async with session.post(server.make_url(f"{API}/pair"), json=body,
                            headers={VERSION_HEADER: str(PROTOCOL_VERSION)}) as response:
        assert response.status == 400
    assert farm.pairing.name_of("node-junk0001") == "node-junk0001"  # not paired


async def test_revoked_node_is_refused(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    assert (await client.async_job()).title == "Farm Test"
    farm.pairing.revoke(client.node_id)
    with pytest.raises(Unauthorized):
        await client.async_job()


async def test_lease_upload_accepts_first_and_acknowledges_duplicates(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    job = await client.async_job()
    assert job.sample_rate == 16000 and job.settings.engine.voice == "en_US-joe-medium"
    lease = await client.async_lease(CAPS)
    unit = lease.assignment
    assert lease.status == "unit" and unit is not None
    assert (await client.async_heartbeat(unit.unit_id)).keep
    seconds = len(" ".join(unit.sentences)) / 15
    spans = [(0.0, seconds)] * 0 + [(i * seconds / len(unit.sentences),
                                     (i + 1) * seconds / len(unit.sentences))
                                    for i in range(len(unit.sentences))]
    result = await client.async_upload(unit.unit_id, speech_like_wav(seconds), spans)
    assert result.accepted and not result.duplicate
    stored = farm.job.store.unit(unit.unit_id)
    assert stored is not None and stored.status == "done" and stored.done_by == client.node_id
    assert (farm.job.units_dir / str(stored.audio_path)).exists()
    again = await client.async_upload(unit.unit_id, speech_like_wav(seconds), spans)
    assert not again.accepted and again.duplicate
    assert not (await client.async_heartbeat(unit.unit_id)).keep  # done: drop it
    status = await client.async_status()
    assert status.done == 1 and status.title == "Farm Test"
    mine = next(n for n in status.nodes if n.node_id == client.node_id)
    assert mine.units_done == 1 and mine.audio_seconds == pytest.approx(seconds, abs=0.01)


async def test_a_node_told_job_over_is_not_waited_for_after_its_last_upload(
        farm_server: Any) -> None:
    """A node asks ahead for work while its last unit is still uploading: it hears "job
    over" first. Its upload must not list it as idle again, or the coordinator would
    wait at the end for a node that will never ask."""
    farm, server, session = farm_server
    client = await _paired(server, session)
    await client.async_job()
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    farm.closing = True
    assert (await client.async_lease(CAPS)).status == "done"
    seconds = len(" ".join(unit.sentences)) / 15
    spans = [(i * seconds / len(unit.sentences), (i + 1) * seconds / len(unit.sentences))
             for i in range(len(unit.sentences))]
    assert (await client.async_upload(unit.unit_id, speech_like_wav(seconds), spans)).accepted
    assert farm.nodes[client.node_id].state == "finished"


async def test_heartbeats_report_how_far_a_unit_is(farm_server: Any) -> None:
    from e2a_desktop.events import UnitProgress

    farm, server, session = farm_server
    seen: list[object] = []
    farm.emit = seen.append
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    assert (await client.async_heartbeat(unit.unit_id, 1, len(unit.sentences))).keep
    assert UnitProgress(client.node_id, unit.unit_id, 1, len(unit.sentences)) in seen


def _spans(n: int, seconds: float) -> list[tuple[float, float]]:
    return [(i * seconds / n, (i + 1) * seconds / n) for i in range(n)]


BAD_UPLOADS = {
    "corrupt": lambda s: b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10,
    "truncated": lambda s: speech_like_wav(s)[: len(speech_like_wav(s)) // 2],
    "wrong rate": lambda s: speech_like_wav(s, rate=22050),
    "stereo": lambda s: speech_like_wav(s, channels=2),
    "too short for the text": lambda s: speech_like_wav(0.5),
    "silent": lambda s: speech_like_wav(s)[:44] + b"\x00" * (len(speech_like_wav(s)) - 44),
    "oversize": lambda s: speech_like_wav(s * 40),
}


@pytest.mark.parametrize("kind", sorted(BAD_UPLOADS))
async def test_bad_upload_is_refused_and_the_unit_redone(farm_server: Any, kind: str) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    seconds = len(" ".join(unit.sentences)) / 15
    with pytest.raises(RequestRefused) as info:
        await client.async_upload(unit.unit_id, BAD_UPLOADS[kind](seconds),
                                  _spans(len(unit.sentences), seconds))
    assert info.value.status in (413, 422)
    assert farm.job.store.unit(unit.unit_id).status == "pending"  # type: ignore[union-attr]
    assert farm.nodes[client.node_id].bad_uploads == (0 if kind == "oversize" else 1)
    assert not list(farm.job.units_dir.iterdir())  # nothing kept from the bad upload
    other = await _paired(server, session, "node-bbbb2222")
    again = (await other.async_lease(CAPS)).assignment
    assert again is not None and again.unit_id == unit.unit_id


async def test_a_unit_handed_back_by_a_stopping_node_is_leased_again_at_once(
        farm_server: Any) -> None:
    farm, server, session = farm_server
    leaving = await _paired(server, session)
    unit = (await leaving.async_lease(CAPS)).assignment
    assert unit is not None
    await leaving.async_hand_back(unit.unit_id)
    assert farm.nodes[leaving.node_id].state == "left"
    other = await _paired(server, session, "node-bbbb2222")
    again = (await other.async_lease(CAPS)).assignment
    assert again is not None and again.unit_id == unit.unit_id  # not after the lease ran out


async def test_damaged_upload_fails_its_checksum(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    seconds = len(" ".join(unit.sentences)) / 15
    wav = speech_like_wav(seconds)
    path = f"{API}/units/{unit.unit_id}/audio"
    from e2a_node.auth import auth_headers
    from e2a_node.protocol import SPANS_HEADER

    spans = json.dumps(_spans(len(unit.sentences), seconds))
    headers = {VERSION_HEADER: str(PROTOCOL_VERSION), SPANS_HEADER: spans,
               **auth_headers(str(client.secret), "PUT", path, client.node_id, wav,
                              extra=spans)}
    damaged = wav[:-64] + bytes(64)  # signed as sent, changed on the way
    async with session.put(server.make_url(path), data=damaged, headers=headers) as response:
        assert response.status == 422
        assert "checksum" in (await response.json())["error"]
    assert farm.job.store.unit(unit.unit_id).status == "pending"  # type: ignore[union-attr]
    assert farm.nodes[client.node_id].bad_uploads == 0  # damaged on the way: not its fault


async def test_tampered_request_body_is_refused(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    path = f"{API}/lease"
    from e2a_node.auth import auth_headers

    signed = json.dumps(Capabilities("tester", "cpu", {"piper": ["other"]}).to_json()).encode()
    sent = json.dumps(CAPS.to_json()).encode()
    headers = {VERSION_HEADER: str(PROTOCOL_VERSION), "Content-Type": "application/json",
               **auth_headers(str(client.secret), "POST", path, client.node_id, signed)}
    async with session.post(server.make_url(path), data=sent, headers=headers) as response:
        assert response.status == 401
    assert farm.job.store.counts()["leased"] == 0


async def test_node_refuses_an_impostor_that_copies_the_farms_fingerprint(
        farm_server: Any) -> None:
    """A paired node auto-joins by fingerprint; a copycat advert must not get its work."""
    farm, server, session = farm_server
    real = await _paired(server, session)
    asked: list[str] = []
    impostor = TestServer(copycat_app(farm, asked))
    await impostor.start_server()
    try:
        fooled = CoordinatorClient(session, str(impostor.make_url("")), real.node_id,
                                   real.secret)
        assert (await fooled.async_hello()).fingerprint == farm.identity.fingerprint
        with pytest.raises(NotTheTrustedCoordinator):
            await fooled.async_job()
        assert asked == [f"{API}/job"]
        # The real coordinator's answers carry the proof and are accepted.
        assert (await real.async_job()).title == "Farm Test"
    finally:
        await impostor.close()


async def test_node_with_repeated_bad_uploads_is_benched(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    for _ in range(3):
        unit = (await client.async_lease(CAPS)).assignment
        assert unit is not None
        with pytest.raises(RequestRefused):
            await client.async_upload(unit.unit_id, b"garbage", _spans(len(unit.sentences), 1))
    lease = await client.async_lease(CAPS)
    assert lease.status == "wait" and lease.assignment is None
    assert farm.nodes[client.node_id].state == "benched"


async def test_protocol_version_mismatch_is_explained(farm_server: Any) -> None:
    _farm, server, session = farm_server
    async with session.get(server.make_url(f"{API}/job"),
                           headers={VERSION_HEADER: "99"}) as response:
        assert response.status == 409
        message = (await response.json())["error"]
    assert "protocol version mismatch" in message and "99" in message


async def test_node_without_the_jobs_voice_gets_no_units(farm_server: Any) -> None:
    _farm, server, session = farm_server
    client = await _paired(server, session)
    lease = await client.async_lease(Capabilities("mute", "cpu", {"piper": ["other-voice"]}))
    assert lease.status == "wait"


def test_app_factory_builds_without_a_loop(tmp_path: Path) -> None:
    farm: Farm = make_farm(tmp_path)
    assert isinstance(create_app(farm), web.Application)
    farm.job.close()


async def test_only_the_node_given_a_unit_may_upload_it(farm_server: Any) -> None:
    """A paired node must not put its own audio into a unit another node is speaking."""
    farm, server, session = farm_server
    holder = await _paired(server, session)
    intruder = await _paired(server, session, "node-bbbb2222")
    unit = (await holder.async_lease(CAPS)).assignment
    assert unit is not None
    seconds = len(" ".join(unit.sentences)) / 15
    with pytest.raises(RequestRefused) as info:
        await intruder.async_upload(unit.unit_id, speech_like_wav(seconds),
                                    _spans(len(unit.sentences), seconds))
    assert info.value.status == 403
    assert farm.job.store.unit(unit.unit_id).status == "leased"  # type: ignore[union-attr]
    assert not list(farm.job.units_dir.iterdir())
    ok = await holder.async_upload(unit.unit_id, speech_like_wav(seconds),
                                   _spans(len(unit.sentences), seconds))
    assert ok.accepted


async def test_a_benched_node_cannot_upload_even_a_unit_it_holds(farm_server: Any) -> None:
    farm, server, session = farm_server
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    farm.nodes[client.node_id].bad_uploads = 99  # benched (as after three bad uploads)
    seconds = len(" ".join(unit.sentences)) / 15
    with pytest.raises(RequestRefused) as info:
        await client.async_upload(unit.unit_id, speech_like_wav(seconds),
                                  _spans(len(unit.sentences), seconds))
    assert info.value.status == 403 and "benched" in info.value.reason
    assert farm.job.store.counts()["done"] == 0


async def test_tampered_spans_and_replayed_requests_are_refused_without_a_strike(
        farm_server: Any) -> None:
    from e2a_node.auth import auth_headers
    from e2a_node.protocol import SPANS_HEADER

    farm, server, session = farm_server
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    seconds = len(" ".join(unit.sentences)) / 15
    wav = speech_like_wav(seconds)
    path = f"{API}/units/{unit.unit_id}/audio"
    spans = json.dumps(_spans(len(unit.sentences), seconds))
    signed = {VERSION_HEADER: str(PROTOCOL_VERSION),
              **auth_headers(str(client.secret), "PUT", path, client.node_id, wav, extra=spans)}
    for _ in range(3):  # three tampered copies would have benched the honest node before
        async with session.put(server.make_url(path), data=wav,
                               headers={**signed, SPANS_HEADER: "[[0, 999]]"}) as response:
            assert response.status == 401
    async with session.put(server.make_url(path), data=wav,
                           headers={**signed, SPANS_HEADER: spans}) as response:
        assert response.status == 200 and (await response.json())["accepted"]
    async with session.put(server.make_url(path), data=wav,  # the same request once more
                           headers={**signed, SPANS_HEADER: spans}) as response:
        assert response.status == 401
    assert farm.nodes[client.node_id].bad_uploads == 0


@pytest.mark.parametrize("unit_path", ["99999999999999999999", "%C2%B2", "1" * 5000, "-1"])
async def test_absurd_unit_ids_are_a_clean_404(farm_server: Any, unit_path: str) -> None:
    _farm, server, session = farm_server
    client = await _paired(server, session)
    with pytest.raises((RequestRefused, Unauthorized)) as info:
        await client._request("POST", f"/units/{unit_path}/heartbeat", json_body={})
    # A clean refusal, not a 500 with a traceback in the coordinator's log.
    assert isinstance(info.value, Unauthorized) or info.value.status in (404, 400)


async def test_deeply_nested_json_at_the_public_pair_endpoint_is_a_clean_400(
        farm_server: Any) -> None:
    _farm, server, session = farm_server
    body = "[" * 200_000 + "]" * 200_000
    async with session.post(server.make_url(f"{API}/pair"), data=body,
                            headers={VERSION_HEADER: str(PROTOCOL_VERSION),
                                     "Content-Type": "application/json"}) as response:
        assert response.status in (400, 413)


async def test_a_node_talking_after_the_book_ended_gets_answers_not_tracebacks(
        farm_server: Any, caplog: pytest.LogCaptureFixture) -> None:
    """The book ended (or was cancelled) while a node's beat, hand-back or last upload
    was on its way: each gets a plain answer, and the coordinator logs no traceback."""
    farm, server, session = farm_server
    client = await _paired(server, session)
    lease = await client.async_lease(CAPS)
    unit = lease.assignment
    assert unit is not None
    job, scheduler, rate = farm.job, farm.scheduler, farm.sample_rate
    farm.detach()
    seconds = len(" ".join(unit.sentences)) / 15
    spans = [(i * seconds / len(unit.sentences), (i + 1) * seconds / len(unit.sentences))
             for i in range(len(unit.sentences))]
    try:
        with caplog.at_level("DEBUG"):
            assert not (await client.async_heartbeat(unit.unit_id, 1, 2)).keep
            assert (await client.async_lease(CAPS)).status == "done"
            with pytest.raises(RequestRefused):
                await client.async_upload(unit.unit_id, speech_like_wav(seconds), spans)
            await client.async_hand_back(unit.unit_id)
            assert await client.async_job() is None
    finally:
        farm.attach(job, scheduler, rate)
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_upload_caught_by_the_end_of_the_book_is_gone_not_an_error(
        farm_server: Any, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The book is detached between the upload's checks and its storing (a race the window
    met when closed mid-job): 410, not a 500 with a traceback."""
    from e2a_desktop.farm.farm import NoJob

    farm, server, session = farm_server
    client = await _paired(server, session)
    unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None

    def ended(_unit_id: int, _node_id: str) -> Path:
        raise NoJob("no book is being rendered")

    monkeypatch.setattr(farm, "upload_tmp", ended)
    seconds = len(" ".join(unit.sentences)) / 15
    spans = [(i * seconds / len(unit.sentences), (i + 1) * seconds / len(unit.sentences))
             for i in range(len(unit.sentences))]
    with caplog.at_level("DEBUG"), pytest.raises(RequestRefused) as refused:
        await client.async_upload(unit.unit_id, speech_like_wav(seconds), spans)
    assert refused.value.status == 410
    assert not [r for r in caplog.records if r.exc_info]
