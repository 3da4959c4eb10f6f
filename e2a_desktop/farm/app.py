"""The coordinator's HTTP API (aiohttp app factory). Handlers only translate.

Order of checks on every request: protocol version, then authentication, then
the handler. Unknown nodes get 401 and an empty-looking error, nothing else.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from e2a_node.auth import AUTH_WINDOW_S, body_digest
from e2a_node.protocol import (
    API,
    AUTH_HEADER,
    CHECKSUM_HEADER,
    CODE_USED,
    NO_JOB,
    NODE_HEADER,
    NONCE_HEADER,
    NOT_PAIRED,
    PROOF_HEADER,
    PROTOCOL_VERSION,
    SPANS_HEADER,
    TIME_HEADER,
    VERSION_HEADER,
    Capabilities,
    Elsewhere,
    HeardReport,
    Heartbeat,
    HeartbeatResponse,
    Hello,
    Leaving,
    PairConfirm,
    PairRequest,
    PairResponse,
    ProtocolError,
    UploadResponse,
)

from ..storage import StorageFault
from .farm import Farm, NoJob
from .guard import ConnectionGuard
from .pairing import CodeAlreadyUsed
from .quiet_logs import PEER_ERRORS, PeerErrorLog
from .uploads import UploadRejected, parse_spans

FARM_KEY: web.AppKey[Farm] = web.AppKey("farm", Farm)
STORE_THREAD_KEY: web.AppKey[ThreadPoolExecutor] = web.AppKey("store_thread", ThreadPoolExecutor)
CHECK_THREAD_KEY: web.AppKey[ThreadPoolExecutor] = web.AppKey("check_thread", ThreadPoolExecutor)
GUARD_KEY: web.AppKey[ConnectionGuard] = web.AppKey("guard", ConnectionGuard)
PEER_LOG_KEY: web.AppKey[PeerErrorLog] = web.AppKey("peer_log", PeerErrorLog)
UPLOADING_KEY: web.AppKey[set[tuple[str, int]]] = web.AppKey("uploading", set)
NODE_KEY: web.RequestKey[str] = web.RequestKey("e2a_node_id", str)
PUBLIC = {f"{API}/hello", f"{API}/pair", f"{API}/pair/confirm"}
BODY_TIMEOUT_S = 20.0
"""A small request body (JSON) that has not arrived by then is not coming."""
UPLOAD_MIN_BYTES_PER_S = 32 * 1024
"""Slowest upload rate allowed before a trickling upload is cut off (plus BODY_TIMEOUT_S)."""
MAX_UNIT_ID_DIGITS = 9
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T")


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status,
                             headers={VERSION_HEADER: str(PROTOCOL_VERSION)})


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error leaves as JSON; a peer's junk costs one rate-limited DEBUG line at most.

    A body that stops arriving (slow, or cut by a reset) and a malformed request are
    the peer's doing: a 4xx, never a traceback. Anything else is a bug of ours: a 500,
    whose traceback is logged once per kind a minute (quiet_logs.py bounds the log).
    """
    peers = request.app[PEER_LOG_KEY]
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        return _error(exc.status, exc.reason)
    except ProtocolError as exc:
        peers.note(request.remote or "?", f"bad request to {_route(request)}", str(exc))
        return _error(400, f"bad request: {exc}")
    except NoJob:  # the book ended (or was cancelled) while this request was under way
        return _error(410, "no book is being rendered now")
    except TimeoutError:  # the body deadlines (BODY_TIMEOUT_S, the upload's rate)
        peers.note(request.remote or "?", f"slow body to {_route(request)}")
        return _error(408, "the request's body came too slowly")
    except (ConnectionError, HttpProcessingError) as exc:  # reset or cut short mid-body
        peers.note(request.remote or "?", f"transfer cut short to {_route(request)}",
                   type(exc).__name__)
        return _error(400, "the request was cut short")
    except (sqlite3.Error, OSError) as exc:  # the job folder: disk full, read-only
        fault = request.app[FARM_KEY].storage_trouble(exc)
        if not isinstance(fault, StorageFault):
            peers.bug(f"error handling {_route(request)} ({type(exc).__name__})", exc)
            return _error(500, "internal error")
        # Remembered by the farm: the job stops with this one line; the node tries later.
        return _error(507, f"the coordinator cannot store its work: {fault.problem}")
    except Exception as exc:  # a bug must not kill the coordinator or leak details
        peers.bug(f"error handling {_route(request)} ({type(exc).__name__})", exc)
        return _error(500, "internal error")
    response.headers[VERSION_HEADER] = str(PROTOCOL_VERSION)
    return response


def _route(request: web.Request) -> str:
    """The request's method and route, as a log line's kind: a fixed set, not the URL."""
    resource = request.match_info.route.resource
    return f"{request.method} {resource.canonical if resource is not None else '?'}"


@web.middleware
async def version_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path == f"{API}/hello":
        return await handler(request)
    theirs = request.headers.get(VERSION_HEADER, "none")
    if theirs != str(PROTOCOL_VERSION):
        return _error(409, f"protocol version mismatch: this coordinator speaks version "
                           f"{PROTOCOL_VERSION}, the node sent {theirs}; install the same e2a "
                           "version on both", protocol=PROTOCOL_VERSION)
    return await handler(request)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Signed requests only; the body must match its signed digest; answers carry a proof.

    Uploads (PUT) are streamed, so their body is checked against the signed digest
    by the upload handler as it arrives; every other body is small and read here.
    """
    if request.path in PUBLIC:
        return await handler(request)
    farm = request.app[FARM_KEY]
    headers = request.headers
    node_id = headers.get(NODE_HEADER, "")
    token, digest = headers.get(AUTH_HEADER, ""), headers.get(CHECKSUM_HEADER, "")
    ok = farm.pairing.verify(request.method, request.path, node_id, headers.get(TIME_HEADER, ""),
                             headers.get(NONCE_HEADER, ""), digest, token, time.time(),
                             extra=headers.get(SPANS_HEADER, ""))
    if ok and request.method != "PUT":
        async with asyncio.timeout(BODY_TIMEOUT_S):
            ok = hmac.compare_digest(body_digest(await request.read()), digest)
    if not ok:
        return _error(401, _why_unauthorized(farm, node_id, headers.get(TIME_HEADER, "")))
    request[NODE_KEY] = node_id
    _mark_proven(request)
    response = await handler(request)
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        response.headers[PROOF_HEADER] = farm.pairing.prove(node_id, token, response.body)
    return response


async def _in_store_thread(request: web.Request, call: Callable[..., T], *args: Any) -> T:
    """Run a quick job-store call on the store's own thread, never on the event loop.

    The store's write lock may be held by a unit being made durable (fsync); waiting
    for it on the loop would stall every connection. One thread, because SQLite has
    one writer anyway: calls queue in order instead of contending for the lock.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[STORE_THREAD_KEY],
                                      functools.partial(call, *args))


def _mark_proven(request: web.Request) -> None:
    """A paired node's connection: the guard will not drop it to make room."""
    guard = request.app.get(GUARD_KEY)
    sock = request.transport.get_extra_info("socket") if request.transport else None
    if guard is not None and sock is not None:
        guard.mark_proven(sock.fileno(), request[NODE_KEY])


def _why_unauthorized(farm: Farm, node_id: str, stamp: str) -> str:
    """The reason a node gets: only "not paired" makes a node (over TLS) forget the farm."""
    if not farm.pairing.knows(node_id):
        return NOT_PAIRED
    if stamp.isascii() and stamp.isdigit() and len(stamp) <= 12:
        skew = time.time() - int(stamp)
        if abs(skew) > AUTH_WINDOW_S:
            return f"the node's clock is {abs(skew):.0f} s off the coordinator's; set the time"
    return "unauthorized"


async def _json(request: web.Request) -> Any:
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            return await request.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested 100,000 deep
        raise ProtocolError("body is not JSON") from None


async def hello(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    ident = farm.identity
    return web.json_response(Hello(PROTOCOL_VERSION, ident.coordinator_id, ident.name,
                                   ident.fingerprint).to_json())


async def pair(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    req = PairRequest.from_json(await _json(request))
    ident = farm.identity
    # The PAKE is a few ms of pure-Python arithmetic: off the loop, so leases keep flowing.
    answers = await asyncio.to_thread(farm.pairing.begin_each, req.node_id, req.name,
                                      req.message, request.remote or "")
    if not answers:
        return _error(429, "too many pairing attempts; try again in a minute, or ask the "
                           "desktop for a one-time code (Pair a node)")
    (message, proof), *also = answers
    return web.json_response(PairResponse(message, proof, ident.coordinator_id,
                                          ident.fingerprint, ident.name,
                                          farm.pairing.certificate, tuple(also)).to_json())


async def pair_confirm(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    req = PairConfirm.from_json(await _json(request))
    try:
        paired = farm.confirm_pairing(req.node_id, req.proof)
    except CodeAlreadyUsed:
        # 410 Gone: the code was right, its one use is over. A node from before this
        # answer reads any refusal as a wrong code, as it did.
        return _error(410, CODE_USED)
    if not paired:
        return _error(403, "wrong farm code")
    return web.json_response({})


async def job(request: web.Request) -> web.Response:
    info = request.app[FARM_KEY].job_for(request[NODE_KEY])
    return web.json_response(info.to_json() if info is not None else NO_JOB.to_json())


async def lease(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    caps = Capabilities.from_json(await _json(request))
    # The store's write lock may be held by a unit being made durable (fsync): wait for
    # it on a worker thread, so the loop keeps serving every other connection meanwhile.
    answer = await _in_store_thread(request, farm.lease, request[NODE_KEY], caps)
    return web.json_response(answer.to_json())


def _unit_id(request: web.Request) -> int:
    raw = request.match_info["unit_id"]
    if not (0 < len(raw) <= MAX_UNIT_ID_DIGITS and raw.isascii() and raw.isdigit()):
        raise web.HTTPNotFound(reason="no such unit")
    return int(raw)


async def heartbeat(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    beat = Heartbeat.from_json(await _json(request)) if request.body_exists else Heartbeat()
    keep = await _in_store_thread(request, farm.heartbeat, request[NODE_KEY], _unit_id(request),
                                   beat.sentences_done, beat.sentences_total)
    return web.json_response(HeartbeatResponse(keep).to_json())


async def hand_back(request: web.Request) -> web.Response:
    request.app[FARM_KEY].hand_back(request[NODE_KEY], _unit_id(request))
    return web.json_response({})


async def elsewhere(request: web.Request) -> web.Response:
    """A node joined to another of its farms asks for this farm's book, saying if it is busy."""
    said = Elsewhere.from_json(await _json(request))
    info = await _in_store_thread(request, request.app[FARM_KEY].elsewhere, request[NODE_KEY],
                                  said.busy)
    return web.json_response(info.to_json() if info is not None else NO_JOB.to_json())


async def leaving(request: web.Request) -> web.Response:
    """A node says it goes between books (to another of its farms, or it stops)."""
    said = Leaving.from_json(await _json(request))
    await _in_store_thread(request, request.app[FARM_KEY].leaving, request[NODE_KEY], said.why)
    return web.json_response({})


async def upload(request: web.Request) -> web.Response:
    """Stream the body to a file in the job folder, checksum it, validate, accept.

    Only the node that was given the unit may send its audio, and a node is given
    a strike only for audio it really sent (the signature covers the headers, the
    checksum the body): a damaged or oversized transfer is refused without one.
    """
    farm = request.app[FARM_KEY]
    node_id, unit_id = request[NODE_KEY], _unit_id(request)
    planned = await _in_store_thread(request, farm.upload_limit, unit_id)
    if planned is None:
        raise web.HTTPNotFound(reason="no such unit")
    unit, limit = planned
    if unit.status == "done":  # idempotent: acknowledge, discard the body unread
        return web.json_response(UploadResponse(False, duplicate=True).to_json())
    refusal = farm.upload_refusal(node_id, unit_id)
    if refusal is not None:
        return _error(403, refusal)
    if (request.content_length or 0) > limit:
        return _refuse(farm, node_id, unit_id, 413, f"upload too large (limit {limit} bytes)")
    expected = request.headers.get(CHECKSUM_HEADER, "")
    try:
        spans = parse_spans(request.headers.get(SPANS_HEADER, ""), len(unit.sentences))
    except UploadRejected as exc:
        farm.reject(node_id, unit_id, str(exc))
        return _error(422, str(exc))
    uploading = request.app[UPLOADING_KEY]
    if (node_id, unit_id) in uploading:  # (its file is this one's: one at a time)
        return _error(409, f"unit {unit_id} is being uploaded already")
    tmp = farm.upload_tmp(unit_id, node_id)
    uploading.add((node_id, unit_id))
    try:
        problem = await _receive(request, tmp, limit, expected)
        if problem is not None:
            return _refuse(farm, node_id, unit_id, *problem)
        # Judging and fsync happen off the event loop, one upload at a time (see
        # _check_thread), so leases are not held up.
        accepted, duplicate = await asyncio.get_running_loop().run_in_executor(
            request.app[CHECK_THREAD_KEY],
            functools.partial(farm.accept_upload, node_id, unit_id, tmp, spans))
    except UploadRejected as exc:
        if not exc.counted:
            farm.reject(node_id, unit_id, str(exc))
        return _error(exc.status, str(exc))
    except (StorageFault, OSError) as exc:  # the job folder: disk full, read-only
        trouble = exc if isinstance(exc, StorageFault) else farm.storage_trouble(exc)
        if isinstance(trouble, StorageFault):
            return _error(507, f"the coordinator cannot store audio: {trouble.problem}")
        raise
    finally:
        uploading.discard((node_id, unit_id))
        tmp.unlink(missing_ok=True)
    return web.json_response(UploadResponse(accepted, duplicate).to_json())


async def _receive(request: web.Request, tmp: Path, limit: int,
                   expected: str) -> tuple[int, str] | None:
    """Stream the body into ``tmp``; (status, reason) if the transfer itself went wrong."""
    digest, size = hashlib.sha256(), 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S + limit / UPLOAD_MIN_BYTES_PER_S):
            with tmp.open("wb") as handle:
                async for chunk in request.content.iter_chunked(1 << 16):
                    size += len(chunk)
                    if size > limit:
                        return 413, f"upload too large (limit {limit} bytes)"
                    digest.update(chunk)
                    handle.write(chunk)
    except TimeoutError:
        return 408, "the upload was too slow"
    if not hmac.compare_digest(digest.hexdigest(), expected.lower()):
        return 422, "checksum mismatch: the upload was damaged"
    return None


def _refuse(farm: Farm, node_id: str, unit_id: int, status: int, reason: str) -> web.Response:
    """A transfer that went wrong: the unit is redone, and nobody gets a strike for it."""
    farm.reject(node_id, unit_id, reason, strike=False)
    return _error(status, reason)


async def hearing_audio(request: web.Request) -> web.Response:
    """The audio of a unit lent to this node to hear (``--verify asr``), raw WAV."""
    farm = request.app[FARM_KEY]
    data = await asyncio.to_thread(farm.hearing_audio, request[NODE_KEY], _unit_id(request))
    if data is None:
        raise web.HTTPNotFound(reason="no such unit to hear")
    return web.Response(body=data, content_type="audio/wav")


async def heard(request: web.Request) -> web.Response:
    """What a node heard in a unit lent to it: the farm scores it (a node gives no verdict).

    A transcript that is not one (too long, not text) is refused, and the node is lent
    nothing more; the unit is heard on this PC instead."""
    farm = request.app[FARM_KEY]
    node_id, unit_id = request[NODE_KEY], _unit_id(request)
    try:
        report = HeardReport.from_json(await _json(request))
    except ProtocolError:
        farm.hearing_refused(node_id)
        raise
    # Scoring is quick; the verdict may store the unit (fsync): on the check thread, in
    # turn with the uploads' checks.
    used = await asyncio.get_running_loop().run_in_executor(
        request.app[CHECK_THREAD_KEY],
        functools.partial(farm.heard_remotely, node_id, unit_id, report))
    return web.json_response({"used": used})


async def voice_sample(request: web.Request) -> web.Response:
    """The job's reference recording, for nodes that clone its voice (fetched once per job)."""
    sample_id = request.match_info["sample_id"]
    if len(sample_id) != 64 or not all(c in "0123456789abcdef" for c in sample_id):
        raise web.HTTPNotFound(reason="no such voice sample")
    data = await asyncio.to_thread(request.app[FARM_KEY].voice_sample, sample_id)
    if data is None:
        raise web.HTTPNotFound(reason="no such voice sample")
    return web.Response(body=data, content_type="audio/wav")


async def status(request: web.Request) -> web.Response:
    return web.json_response(request.app[FARM_KEY].status().to_json())


async def _store_thread(app: web.Application) -> AsyncIterator[None]:
    app[STORE_THREAD_KEY] = ThreadPoolExecutor(1, thread_name_prefix="e2a-store")
    yield
    app[STORE_THREAD_KEY].shutdown(wait=True)


async def _check_thread(app: web.Application) -> AsyncIterator[None]:
    """One thread judges uploads, in turn.

    The judge is numpy in many small steps, each holding the GIL. With a thread per
    upload (asyncio's default pool: six on two cores) every judge took its turn at the
    GIL before the event loop got it back, and a lease waited behind them all: with 200
    nodes the loop woke up to 0.4 s late, and a lease's p99 was hundreds of ms. One
    thread judges as many uploads a second (they took turns anyway) and the loop waits
    for one at most; under a flood, uploads queue here instead of leases.
    """
    app[CHECK_THREAD_KEY] = ThreadPoolExecutor(1, thread_name_prefix="e2a-check")
    yield
    app[CHECK_THREAD_KEY].shutdown(wait=True, cancel_futures=True)  # queued: not judged


def create_app(farm: Farm, guard: ConnectionGuard | None = None,
               peer_log: PeerErrorLog = PEER_ERRORS) -> web.Application:
    """The coordinator app: one routing table, typed state, JSON errors."""
    app = web.Application(middlewares=[errors_middleware, version_middleware, auth_middleware],
                          client_max_size=1 << 20)
    app[FARM_KEY] = farm
    app[PEER_LOG_KEY] = peer_log
    app[UPLOADING_KEY] = set()  # (node, unit) uploads under way
    app.cleanup_ctx.append(_store_thread)
    app.cleanup_ctx.append(_check_thread)
    if guard is not None:
        app[GUARD_KEY] = guard
    app.router.add_routes([
        web.get(f"{API}/hello", hello),
        web.post(f"{API}/pair", pair),
        web.post(f"{API}/pair/confirm", pair_confirm),
        web.get(f"{API}/job", job),
        web.post(f"{API}/lease", lease),
        web.post(f"{API}/units/{{unit_id}}/heartbeat", heartbeat),
        web.post(f"{API}/units/{{unit_id}}/release", hand_back),
        web.post(f"{API}/leaving", leaving),
        web.post(f"{API}/elsewhere", elsewhere),
        web.put(f"{API}/units/{{unit_id}}/audio", upload),
        web.get(f"{API}/units/{{unit_id}}/hearing", hearing_audio),
        web.post(f"{API}/units/{{unit_id}}/hearing", heard),
        web.get(f"{API}/voice-samples/{{sample_id}}", voice_sample),
        web.get(f"{API}/status", status),
    ])
    return app
