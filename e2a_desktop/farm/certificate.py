"""The coordinator's TLS certificate: self-signed, made once, pinned by nodes at pairing.

No certificate authority vouches for a PC at home, and none is needed: a node
learns this certificate's SHA-256 inside the PAKE exchange (the coordinator's
proof covers it, so only someone who knew the farm code could have sent it) and
from then on accepts no other certificate from this farm, the way Syncthing pins
device IDs. A listener sees only TLS; a relay or a copy of the farm's advert
cannot finish the handshake with a paired node.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALID_YEARS = 30
"""The pin is the identity, so the certificate never needs renewing; its dates are form."""


@dataclass(frozen=True)
class FarmCertificate:
    cert_path: Path
    key_path: Path
    sha256: str
    """Hex SHA-256 of the certificate (DER): what nodes pin."""

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def load_or_create(folder: Path, common_name: str) -> FarmCertificate:
    """This coordinator's certificate, made on first use and kept with its key."""
    cert_path, key_path = folder / "farm-cert.pem", folder / "farm-key.pem"
    if not (cert_path.exists() and key_path.exists()):
        _create(cert_path, key_path, common_name)
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except ValueError:  # damaged: a new one (nodes pair again, which they will say)
        _create(cert_path, key_path, common_name)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    return FarmCertificate(cert_path, key_path, hashlib.sha256(der).hexdigest())


def _create(cert_path: Path, key_path: Path, common_name: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "e2a farm")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365 * VALID_YEARS))
            .sign(key, hashes.SHA256()))
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(key_path, key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
