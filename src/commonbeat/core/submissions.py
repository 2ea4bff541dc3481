"""One-time form tokens: each rendering of a form carries a fresh token, and the service stores what was sent
with it once, so a double click, a re-sent page or a retry after a lost connection never makes a duplicate."""

import uuid


def new_token() -> str:
    return uuid.uuid4().hex


def valid_token(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True
