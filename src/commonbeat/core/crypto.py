"""Encryption at rest for personal details (complainant identity and contact), with key rotation."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("COMMONBEAT_ENCRYPTION_KEYS is empty: personal details cannot be stored.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.COMMONBEAT_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("A stored value cannot be decrypted with the configured keys.") from error


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (run after adding a key at the front of the list)."""
    return _current().rotate(token.encode()).decode() if token else ""


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads give the clear text. Not searchable or orderable by design."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
