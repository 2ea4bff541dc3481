"""Tracking codes: high-entropy, easy to write down, shown once, stored only as a hash.

A code is 16 characters of Crockford base32 (80 bits) in four groups: "K7QM-3XHD-9PAW-TR2F". Letters that
are easily confused (I, L, O, U) are not used, and reading them back is forgiving: lower case, spaces,
missing dashes, O for 0 and I or L for 1 are all accepted.

When the submission carries an idempotency key, the code is derived from it with the server's secret,
so a retried submission can show the same code again without the code ever being stored.

A typed code is found by its hash (`code_hash` of the canonical form, looked up through the unique index),
never by comparing it with stored codes, so how long a lookup takes does not depend on how much of a code is
right, and a wrong code, a right one and another agency's all take the same path.
"""

import hashlib
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4
LENGTH = GROUPS * GROUP_LENGTH


def _format(raw: str) -> str:
    return "-".join(raw[i:i + GROUP_LENGTH] for i in range(0, LENGTH, GROUP_LENGTH))


def new_code(agency_id: int, idempotency_key: str | None = None) -> str:
    if idempotency_key:
        digest = salted_hmac("commonbeat.tracking-code", f"{agency_id}:{idempotency_key}", algorithm="sha256").digest()
        number = int.from_bytes(digest[:10], "big")
    else:
        number = secrets.randbits(5 * LENGTH)
    raw = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH))
    return _format(raw)


def normalise(code: str) -> str | None:
    """The canonical form of what a resident typed, or None when it cannot be a code."""
    cleaned = code.upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    cleaned = "".join(ch for ch in cleaned if ch not in " -_.")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return _format(cleaned)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
