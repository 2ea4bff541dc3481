import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from commonbeat.core import crypto


def test_personal_details_round_trip_and_are_not_stored_in_clear():
    token = crypto.encrypt("Jane Doe, 555-0100")
    assert "Jane" not in token
    assert crypto.decrypt(token) == "Jane Doe, 555-0100"


def test_keys_rotate_without_losing_old_data(settings):
    old_token = crypto.encrypt("kept")
    new_key = Fernet.generate_key().decode()
    settings.COMMONBEAT_ENCRYPTION_KEYS = [new_key, *settings.COMMONBEAT_ENCRYPTION_KEYS]
    assert crypto.decrypt(old_token) == "kept"
    rotated = crypto.rotate(old_token)
    settings.COMMONBEAT_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "kept"
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(old_token)


def test_without_keys_nothing_personal_can_be_stored(settings):
    settings.COMMONBEAT_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
