"""A farm's short, stable identity: four characters from its key, shown beside its name.

Farm names are the host name by default, so two PCs called alike make two farms of
one name. Their keys differ, so four characters derived from the key fingerprint
(20 bits, Crockford's base 32: no I, L, O or U to misread) tell them apart in the
window's header, the join dialog, the tray menu and a node's log. They are derived
from the public fingerprint, so they prove nothing: pairing (the code) and the
pinned certificate are what make a farm trusted; the tag only lets a person see
which of two farms they are looking at.
"""

from __future__ import annotations

import hashlib

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def farm_tag(fingerprint: str) -> str:
    """``"K7QF"``: the same for a farm's key on every PC, different for another key."""
    bits = int.from_bytes(hashlib.sha256(fingerprint.encode()).digest()[:3], "big") >> 4
    return "".join(_ALPHABET[(bits >> shift) & 31] for shift in (15, 10, 5, 0))


def farm_label(name: str, fingerprint: str) -> str:
    """``"study · K7QF"``: a farm's name with its tag, as every surface shows it."""
    return f"{name} · {farm_tag(fingerprint)}" if fingerprint else name
