"""The coordinator's HTTP API (aiohttp app factory). Handlers only translate.

Order of checks on every request: protocol version, then authentication, then
the handler. Unknown nodes get 401 and an empty-looking error, nothing else.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from e2a_node.auth import body_digest
from e2a_node.protocol import (
    API,
    AUTH_HEADER,
    CHECKSUM_HEADER,
    NO_JOB,
    NODE_HEADER,
    PROOF_HEADER,
    PROTOCOL_VERSION,
    SPANS_HEADER,
    TIME_HEADER,
    VERSION_HEADER,
    Capabilities,
    Heartbeat,
    HeartbeatResponse,
    Hello,
    PairConfirm,
    PairRequest,
    PairResponse,
    ProtocolError,
    UploadResponse,
)

from .farm import Farm
from .uploads import UploadRejected, parse_spans

log = logging.getLogger(__name__)

FARM_KEY: web.AppKey[Farm] = web.AppKey("farm", Farm)
NODE_KEY: web.RequestKey[str] = web.RequestKey("e2a_node_id", str)
PUBLIC = {f"{API}/hello", f"{API}/pair", f"{API}/pair/confirm"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status,
                             headers={VERSION_HEADER: str(PROTOCOL_VERSION)})


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error leaves as JSON; nothing leaks a traceback to a peer."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        return _error(exc.status, exc.reason)
    except ProtocolError as exc:
        return _error(400, f"bad request: {exc}")
    except Exception:  # a bug must not kill the coordinator or leak details
        log.exception("error handling %s %s", request.method, request.path)
        return _error(500, "internal error")
    response.headers[VERSION_HEADER] = str(PROTOCOL_VERSION)
    return response


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
    node_id = request.headers.get(NODE_HEADER, "")
    token, digest = request.headers.get(AUTH_HEADER, ""), request.headers.get(CHECKSUM_HEADER, "")
    ok = farm.pairing.verify(request.method, request.path, node_id,
                             request.headers.get(TIME_HEADER, ""), digest, token, time.time())
    if ok and request.method != "PUT":
        ok = hmac.compare_digest(body_digest(await request.read()), digest)
    if not ok:
        return _error(401, "unauthorized")
    request[NODE_KEY] = node_id
    response = await handler(request)
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        response.headers[PROOF_HEADER] = farm.pairing.prove(node_id, token, response.body)
    return response


async def _json(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
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
    answer = await asyncio.to_thread(farm.pairing.begin, req.node_id, req.name, req.message)
    if answer is None:
        return _error(429, "too many pairing attempts; try again in a minute")
    message, proof = answer
    return web.json_response(PairResponse(message, proof, ident.coordinator_id,
                                          ident.fingerprint, ident.name).to_json())


async def pair_confirm(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    req = PairConfirm.from_json(await _json(request))
    if not farm.confirm_pairing(req.node_id, req.proof):
        return _error(403, "wrong farm code")
    return web.json_response({})


async def job(request: web.Request) -> web.Response:
    info = request.app[FARM_KEY].job_for(request[NODE_KEY])
    return web.json_response(info.to_json() if info is not None else NO_JOB.to_json())


async def lease(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    caps = Capabilities.from_json(await _json(request))
    return web.json_response(farm.lease(request[NODE_KEY], caps).to_json())


def _unit_id(request: web.Request) -> int:
    raw = request.match_info["unit_id"]
    if not raw.isdigit():
        raise web.HTTPNotFound(reason="no such unit")
    return int(raw)


async def heartbeat(request: web.Request) -> web.Response:
    farm = request.app[FARM_KEY]
    beat = Heartbeat.from_json(await _json(request)) if request.body_exists else Heartbeat()
    keep = farm.heartbeat(request[NODE_KEY], _unit_id(request), beat.sentences_done,
                          beat.sentences_total)
    return web.json_response(HeartbeatResponse(keep).to_json())


async def hand_back(request: web.Request) -> web.Response:
    request.app[FARM_KEY].hand_back(request[NODE_KEY], _unit_id(request))
    return web.json_response({})


async def upload(request: web.Request) -> web.Response:
    """Stream the body to a file in the job folder, checksum it, validate, accept."""
    farm = request.app[FARM_KEY]
    node_id, unit_id = request[NODE_KEY], _unit_id(request)
    planned = farm.upload_limit(unit_id)
    if planned is None:
        raise web.HTTPNotFound(reason="no such unit")
    unit, limit = planned
    if unit.status == "done":  # idempotent: acknowledge, discard the body unread
        return web.json_response(UploadResponse(False, duplicate=True).to_json())
    if (request.content_length or 0) > limit:
        farm.reject(node_id, unit_id, "upload too large")
        return _error(413, f"upload too large (limit {limit} bytes)")
    expected = request.headers.get(CHECKSUM_HEADER, "")
    try:
        spans = parse_spans(request.headers.get(SPANS_HEADER, ""), len(unit.sentences))
    except UploadRejected as exc:
        farm.reject(node_id, unit_id, str(exc))
        return _error(422, str(exc))
    tmp = farm.upload_tmp(unit_id, node_id)
    digest, size = hashlib.sha256(), 0
    try:
        with tmp.open("wb") as handle:
            async for chunk in request.content.iter_chunked(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(f"upload too large (limit {limit} bytes)")
                digest.update(chunk)
                handle.write(chunk)
        if digest.hexdigest() != expected.lower():
            raise UploadRejected("checksum mismatch: the upload was damaged")
        # Decoding and fsync happen off the event loop, so leases are not held up.
        accepted, duplicate = await asyncio.to_thread(farm.accept_upload, node_id, unit_id, tmp,
                                                      spans)
    except UploadRejected as exc:
        if not exc.counted:
            farm.reject(node_id, unit_id, str(exc))
        return _error(413 if "too large" in str(exc) else 422, str(exc))
    finally:
        tmp.unlink(missing_ok=True)
    return web.json_response(UploadResponse(accepted, duplicate).to_json())


async def status(request: web.Request) -> web.Response:
    return web.json_response(request.app[FARM_KEY].status().to_json())


def create_app(farm: Farm) -> web.Application:
    """The coordinator app: one routing table, typed state, JSON errors."""
    app = web.Application(middlewares=[errors_middleware, version_middleware, auth_middleware],
                          client_max_size=1 << 20)
    app[FARM_KEY] = farm
    app.router.add_routes([
        web.get(f"{API}/hello", hello),
        web.post(f"{API}/pair", pair),
        web.post(f"{API}/pair/confirm", pair_confirm),
        web.get(f"{API}/job", job),
        web.post(f"{API}/lease", lease),
        web.post(f"{API}/units/{{unit_id}}/heartbeat", heartbeat),
        web.post(f"{API}/units/{{unit_id}}/release", hand_back),
        web.put(f"{API}/units/{{unit_id}}/audio", upload),
        web.get(f"{API}/status", status),
    ])
    return app
