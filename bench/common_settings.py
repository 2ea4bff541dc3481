"""Settings of the benchmark servers: the production settings, served over plain HTTP on loopback.

Everything that production does per request stays on (every middleware, the database task backend, persistent
database connections, the manifest static files storage). What differs: no redirect to HTTPS (wrk speaks plain
HTTP to 127.0.0.1), the loopback host names are allowed, static files are collected under var/bench/, and the
URL module adds the bare reference view of the intake benchmark. The secrets come from the environment, as in
production; bench/common.py passes the same ones to every worker of one run.
"""

import os

from commonbeat.settings.production import *  # noqa: F403
from commonbeat.settings.production import PROJECT_DIR

ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.common_urls"
STATIC_ROOT = PROJECT_DIR / "var" / "bench" / "static"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The vendored USWDS stylesheet names a source map that is not shipped, and the manifest storage refuses to
# collect a stylesheet whose source map is missing; the benchmark servers collect without following source maps.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "bench.common_settings.StaticFilesWithoutSourceMaps"},
}


def __getattr__(name):
    # The storage class is built on first use, once Django's settings are importable.
    if name == "StaticFilesWithoutSourceMaps":
        from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
        from whitenoise.storage import CompressedManifestStaticFilesStorage

        def without_source_maps(patterns):
            return tuple(p for p in patterns if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p))

        return type(name, (CompressedManifestStaticFilesStorage,), {
            "patterns": tuple((glob, without_source_maps(found))
                              for glob, found in ManifestStaticFilesStorage.patterns)})
    raise AttributeError(name)
