"""Authentication between coordinator and nodes: pairing keys, request signatures, proofs.

The wire shapes live in protocol.py; this module holds the cryptography, so what
it does and does not guarantee can be read in one place.

Guarantees:

* Pairing. Both sides run SPAKE2 over the 6-digit farm code and derive the node's
  secret from the shared key (``pairing_keys``); the secret itself never crosses
  the wire. Someone who only listens learns nothing to sign requests with or to
  test code guesses against offline, so each guess costs an online attempt (the
  coordinator rate-limits those). Each side proves it derived the same key before
  the node counts as paired, so a wrong code on either side shows as a mismatch.
* Requests. Every request but /hello and /pair* carries an HMAC-SHA256 (``sign``,
  ``auth_headers``), keyed by the node's secret, over the method, path, node id,
  time, a random nonce, the SHA-256 of the body and the upload's sentence spans.
  Only a paired node can make one, and changing any of those fields, or the body,
  makes the coordinator refuse it. A request whose time is more than
  ``AUTH_WINDOW_S`` from the coordinator's clock is refused, and so is a nonce
  already seen within that window: a captured request cannot be replayed.
* Answers. The coordinator's answer carries ``response_proof``: an HMAC, keyed by
  the same secret, over the request's signature and the answer's body. A node
  thus knows the answer comes from the coordinator it paired with, and was made
  for this request; copying the public ``fingerprint`` into an advert is not enough.

Secrecy and the answer's status line come from the transport (tls.py): after
pairing, every request runs over TLS to the coordinator's certificate, pinned by
the fingerprint the PAKE proved, so a listener learns nothing and a relay or a
fake farm cannot complete the handshake.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from .protocol import AUTH_HEADER, CHECKSUM_HEADER, NODE_HEADER, NONCE_HEADER, TIME_HEADER

AUTH_WINDOW_S = 300
"""A signed request older or newer than this is refused; within it, nonces are remembered."""
NONCE_BYTES = 16

COORDINATOR_PAKE_ID = b"e2a-coordinator"
"""The coordinator's SPAKE2 identity; the node's is its node id."""


def body_digest(body: bytes) -> str:
    """SHA-256 of a request or response body, as it travels in CHECKSUM_HEADER."""
    return hashlib.sha256(body).hexdigest()


def sign(secret: str, method: str, path: str, node_id: str, timestamp: int, nonce: str,
         digest: str, extra: str = "") -> str:
    """The per-request token: an HMAC of the request line and body, keyed by the pairing secret.

    The body enters by its digest, so a streamed upload can be signed before it is
    sent and checked against the same digest as it arrives. ``extra`` carries the
    one header that means something besides the body (an upload's sentence spans),
    so nobody can change it on the way without the signature failing.
    """
    message = f"{method.upper()}\n{path}\n{node_id}\n{timestamp}\n{nonce}\n{digest}\n{extra}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def auth_headers(secret: str, method: str, path: str, node_id: str, body: bytes = b"",
                 now: float | None = None, extra: str = "",
                 nonce: str | None = None) -> dict[str, str]:
    """Headers that authenticate a node's request (and its body) to the coordinator."""
    timestamp = int(now if now is not None else time.time())
    digest = body_digest(body)
    nonce = nonce or new_nonce()
    return {NODE_HEADER: node_id, TIME_HEADER: str(timestamp), NONCE_HEADER: nonce,
            CHECKSUM_HEADER: digest,
            AUTH_HEADER: sign(secret, method, path, node_id, timestamp, nonce, digest, extra)}


def response_proof(secret: str, request_token: str, body: bytes) -> str:
    """The coordinator's answer to a signed request proves it holds the node's secret.

    Without it a node that auto-joins by the advertised fingerprint (which is
    public) would work for anyone who copies that fingerprint into their own advert.
    """
    message = f"coordinator\n{request_token}\n{body_digest(body)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def fingerprint(key: bytes) -> str:
    """Short public fingerprint of a coordinator key (shown and advertised)."""
    return hashlib.sha256(key).hexdigest()[:16]


def pairing_keys(shared: bytes, certificate: str) -> tuple[str, str, str]:
    """From the PAKE's shared key: the node's secret, and each side's proof of the key.

    The secret never crosses the wire: both sides derive it, and only someone who
    knew the farm code can. A wrong code on either side shows as a proof mismatch.
    Both proofs cover the coordinator's certificate hash (``certificate``), which
    the node then pins: a relay that passed the PAKE messages through could not
    have swapped in its own certificate without breaking the proofs.
    """
    def derive(label: str) -> str:
        return hmac.new(shared, label.encode(), hashlib.sha256).hexdigest()

    return (derive("e2a node secret"), derive(f"e2a coordinator proof\n{certificate}"),
            derive(f"e2a node proof\n{certificate}"))
