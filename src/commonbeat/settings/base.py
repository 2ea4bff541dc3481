"""Settings shared by every deployment. Values that differ between deployments come from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("COMMONBEAT_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# Demo accounts may skip the second factor only when this is on.
COMMONBEAT_DEMO = env_bool("COMMONBEAT_DEMO")
# Slug of the agency served when the host name matches no agency.
COMMONBEAT_DEFAULT_AGENCY = os.environ.get("COMMONBEAT_DEFAULT_AGENCY", "")
# Fernet keys, newest first, comma-separated; older keys still decrypt (rotation).
COMMONBEAT_ENCRYPTION_KEYS = env_list("COMMONBEAT_ENCRYPTION_KEYS")
# Map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty draws the
# neighbourhood shapes on a plain background (no third-party requests).
COMMONBEAT_MAP_TILE_URL = os.environ.get("COMMONBEAT_MAP_TILE_URL", "")
COMMONBEAT_MAP_TILE_ATTRIBUTION = os.environ.get("COMMONBEAT_MAP_TILE_ATTRIBUTION", "")
# The paper size of the monthly community report's PDF: "Letter" or "A4".
COMMONBEAT_REPORT_PAGE_SIZE = os.environ.get("COMMONBEAT_REPORT_PAGE_SIZE", "Letter")

INSTALLED_APPS = [
    "commonbeat.accounts",
    "commonbeat.core",
    "commonbeat.feedback",
    "commonbeat.surveys",
    "commonbeat.insights",
    "commonbeat.engagement",
    "commonbeat.patrols",
    "commonbeat.training",
    "commonbeat.programs",
    "commonbeat.boards",
    "commonbeat.partners",
    "commonbeat.crisis",
    "commonbeat.transparency",
    "commonbeat.recognition",
    "commonbeat.api",
    "commonbeat.open311",
    "commonbeat.core.apps.CommonBeatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "commonbeat.core.tenancy.AgencyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commonbeat.urls"
WSGI_APPLICATION = "commonbeat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "commonbeat.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'commonbeat.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:console"

# Staff sessions end after 30 minutes without activity.
SESSION_COOKIE_AGE = int(os.environ.get("COMMONBEAT_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

OTP_TOTP_ISSUER = "CommonBeat"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Two task backends: "default" for what residents wait on (acknowledgements, e-mails), "text" for the text models
# (triage suggestions, text analysis, themes), so a slow model never holds up a resident's acknowledgement. In
# production each has its own `db_worker` (`--backend text` for the second).
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
TASKS = {"default": {"BACKEND": IMMEDIATE_TASKS}, "text": {"BACKEND": IMMEDIATE_TASKS, "QUEUES": ["text"]}}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([COMMONBEAT_MAP_TILE_URL.split("/{")[0]] if COMMONBEAT_MAP_TILE_URL else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CommonBeat <no-reply@commonbeat.invalid>")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
AXES_VERBOSE = False

# Counters for rate limits (tracking-code lookups, anonymous intake). Redis when REDIS_URL is set, so limits
# hold across processes and machines; otherwise per process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The busiest public pages are served from the cache for this many seconds to visitors without a session
# (core/caching.py: public_page); 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))

# How many proxies (load balancers) stand in front of the site and append to X-Forwarded-For. 0: use the
# connection's address. Only used, hashed, for rate limits; never stored.
COMMONBEAT_TRUSTED_PROXY_COUNT = int(os.environ.get("COMMONBEAT_TRUSTED_PROXY_COUNT", "0"))
