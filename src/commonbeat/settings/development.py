"""Local development: works with no environment at all."""

import os

from cryptography.fernet import Fernet

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],.localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")


def _development_key() -> str:
    """A key kept in var/ so data encrypted in one run can be read in the next."""
    key_file = VAR_DIR / "development-encryption.key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
    return key_file.read_text().strip()


COMMONBEAT_ENCRYPTION_KEYS = env_list("COMMONBEAT_ENCRYPTION_KEYS") or [_development_key()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
