"""Tests: fast hashing, in-memory e-mail, immediate tasks, a fixed encryption key."""

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
COMMONBEAT_ENCRYPTION_KEYS = ["r0Mt7bqfJ2oVVbXOQyFZmbLNTwQbcCzZAYLbmqgkA3c="]
COMMONBEAT_DEMO = False
AXES_ENABLED = True
# Tests change data and read pages at once: the public page cache is on only in the tests of it.
PUBLIC_PAGE_CACHE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in memory

# The text models' tasks are only recorded: a test that wants suggestions or themes calls the service itself, so
# filing a report in a test does not load a language model.
TASKS = {**TASKS, "text": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["text"]}}  # noqa: F405
