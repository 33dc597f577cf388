"""Steppe settings: one module, configured by the environment.

Environment variables:
  STEPPE_DEBUG        "1"/"true" for development (default: on under `make run`, off otherwise)
  STEPPE_SECRET_KEY   required when STEPPE_DEBUG is off; production refuses to start without it
  DATABASE_URL        e.g. postgres://user@127.0.0.1:5432/steppe; default: SQLite in var/steppe.sqlite3
  ALLOWED_HOSTS       comma-separated host names (default in debug: localhost, 127.0.0.1)
  STEPPE_VAR_DIR      where the SQLite database, uploads and caches live (default: ./var)
  STEPPE_EMAIL_BACKEND  Django e-mail backend path (default: files under var/mail/)
  STEPPE_BASE_URL     the platform's address, for links in e-mails (default http://127.0.0.1:$PORT)
"""

import os
import secrets
import sys
from datetime import time as dt_time
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, lo: int = 0) -> int:
    """A whole number from the environment; a bad value stops the start-up naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < lo:
        raise ImproperlyConfigured(f"{name} must be at least {lo}, not {value!r}")
    return number


def env_time(name: str, default: str) -> dt_time:
    """A time of day HH:MM (local time) from the environment; a bad value stops the start-up naming the variable."""
    value = os.environ.get(name, "").strip() or default
    try:
        hours, minutes = value.split(":")
        if len(hours) not in (1, 2) or len(minutes) != 2:
            raise ValueError(value)
        return dt_time(int(hours), int(minutes))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time of day HH:MM (00:00 to 23:59), not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("STEPPE_DEBUG", False)
# Under pytest the test settings apply without STEPPE_TESTING=1 (a bare `pytest` works).
TESTING = env_bool("STEPPE_TESTING", "pytest" in sys.modules)

# `steppe GROUP ...` names its command here; operator commands that serve no requests (imports,
# benchmarks, reports) run without a secret key, on a throwaway one. Serving never does.
CLI_COMMAND = os.environ.get("STEPPE_CLI_COMMAND", "")
SERVING_COMMANDS = {"runserver", "serve", "runserver_plus", ""}

SECRET_KEY = os.environ.get("STEPPE_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "steppe-development-only-insecure-key"
    elif CLI_COMMAND not in SERVING_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "STEPPE_SECRET_KEY must be set when STEPPE_DEBUG is off (production refuses a default key)"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if (DEBUG or TESTING) else [])

VAR_DIR = Path(os.environ.get("STEPPE_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here; SQLite cannot create the folder
# the shared search index's versions (transfer.search): written by the transfer.reindex job, read by
# every server process; on storage they all reach. A test run gets a folder of its own.
if os.environ.get("STEPPE_SEARCH_INDEX_DIR"):
    SEARCH_INDEX_DIR = Path(os.environ["STEPPE_SEARCH_INDEX_DIR"])
elif TESTING:
    import atexit
    import shutil
    import tempfile

    SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="steppe-search-index-"))
    atexit.register(shutil.rmtree, SEARCH_INDEX_DIR, True)
else:
    SEARCH_INDEX_DIR = VAR_DIR / "search-index"
# no shared index yet: up to this many live records are indexed in the server process at once
SEARCH_BUILD_INLINE_MAX = env_int("STEPPE_SEARCH_BUILD_INLINE_MAX", 5000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "steppe.core",
    "steppe.plans",
    "steppe.stats",
    "steppe.supervision",
    "steppe.challenges",
    "steppe.transfer",
    "steppe.policy",
    "steppe.evaluation",
    "steppe.registers",
    "steppe.web",
]

# a bilingual service message keeps the visitor's language on pages (core.bilingual)
MESSAGE_STORAGE = "steppe.core.messages.LanguageMessageStorage"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "steppe.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "steppe.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "steppe.urls"
WSGI_APPLICATION = "steppe.wsgi.application"

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
                "steppe.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    # An empty DATABASE_URL counts as unset: the embedded SQLite database.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'steppe.sqlite3'}",
        conn_max_age=env_int("STEPPE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite, reading a number its column cannot hold as empty rather than failing
    DATABASES["default"]["ENGINE"] = "steppe.core.db.sqlite"
    # WAL lets readers and one writer work at once; see the README's note on SQLite.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["steppe.core.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Files under var/mail/ by default, in development too: the console backend would mix every
# e-mail into the output of commands that scripts read (`steppe supervise remind`).
# Production sets STEPPE_EMAIL_HOST (and port, user, password, TLS): mail then goes by SMTP.
_EMAIL_HOST = os.environ.get("STEPPE_EMAIL_HOST", "")
_MAIL_BACKEND = os.environ.get(
    "STEPPE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if _EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
if _MAIL_BACKEND.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": str(VAR_DIR / "mail")}
elif _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": _EMAIL_HOST or "localhost",
        "port": env_int("STEPPE_EMAIL_PORT", 587),
        "username": os.environ.get("STEPPE_EMAIL_USER", ""),
        "password": os.environ.get("STEPPE_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("STEPPE_EMAIL_TLS", True),
        "timeout": 20,
    }
else:
    _MAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("STEPPE_FROM_EMAIL", "steppe@localhost")
# The address people reach the platform at, for links in e-mails.
STEPPE_BASE_URL = os.environ.get("STEPPE_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50

# Caps on every CSV/XLSX upload (core.tables): the file as sent, an XLSX unpacked, its compression
# ratio, and data rows. The error names the cap that was hit.
from steppe.core.tables import MB as _MB  # noqa: E402
from steppe.core.tables import Limits as _TableLimits  # noqa: E402

STEPPE_TABLE_LIMITS = _TableLimits(
    max_bytes=env_int("STEPPE_UPLOAD_MAX_MB", 50) * _MB,
    max_uncompressed=env_int("STEPPE_UPLOAD_MAX_UNCOMPRESSED_MB", 300) * _MB,
    max_ratio=env_int("STEPPE_UPLOAD_MAX_RATIO", 200),
    max_rows=env_int("STEPPE_UPLOAD_MAX_ROWS", 500000),
)

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("STEPPE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STEPPE_LOG_LEVEL", "WARNING")},
}

# Login throttling (django-axes, steppe.core.throttle): failures are counted per account and,
# separately, per client address; past the limit either is refused for the cool-off time.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["steppe.core.backends.ThrottledLoginBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = env_int("STEPPE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STEPPE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "steppe.core.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "steppe.core.throttle.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto (see docs/operations.md).
STEPPE_BEHIND_PROXY = env_bool("STEPPE_BEHIND_PROXY", False)
# after AuthenticationMiddleware: a Bearer token is the request's user on every /api/ endpoint
MIDDLEWARE += ["steppe.core.middleware.ApiTokenMiddleware"]

# OpenID Connect sign-in (steppe.core.oidc, mozilla-django-oidc) where a provider is configured;
# local accounts stay the default. Endpoints come from the issuer's discovery document.
OIDC_ISSUER = os.environ.get("STEPPE_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("STEPPE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("STEPPE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("STEPPE_OIDC_SIGN_ALGO", "RS256")
OIDC_PROVIDER_NAME = os.environ.get("STEPPE_OIDC_NAME", "")
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if OIDC_ISSUER and OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "steppe.core.oidc.ProviderBackend"]
# One cache that every worker shares (the statistics' computed views, stats/cache.py): the
# database by default - nothing to run, and two workers (or the web server and a job) never
# disagree, which a per-process memory cache cannot promise; a Redis server when
# STEPPE_CACHE_URL names one (redis://host:6379/0), for many web servers or a busy database.
CACHE_URL = os.environ.get("STEPPE_CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"STEPPE_CACHE_URL: expected redis://host:port/db, got {CACHE_URL!r}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "steppe",
    }
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "steppe_cache",  # created by core's migration 'cache_table' (and `createcachetable`)
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# every query string and form checked once at the edge (control characters, length, unreadable forms)
MIDDLEWARE += ["steppe.core.middleware.InputCleaningMiddleware"]

# Production behind TLS (issue 10): HTTPS redirect and HSTS on unless switched off (e.g. while a
# proxy that terminates TLS is being set up); STEPPE_BEHIND_PROXY trusts its X-Forwarded-Proto.
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("STEPPE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("STEPPE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("STEPPE_HSTS_INCLUDE_SUBDOMAINS", True)
    # the header only makes the domain eligible; joining browsers' preload list is a separate request
    SECURE_HSTS_PRELOAD = env_bool("STEPPE_HSTS_PRELOAD", True)
if STEPPE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (Django's own): nothing from elsewhere, no inline scripts or handlers
# (web/forms.js replaces them). Vega-Lite compiles chart expressions with Function(), hence
# 'unsafe-eval'; its SVG and a few templates set style attributes, hence 'unsafe-inline' for styles.
from django.utils.csp import CSP  # noqa: E402

MIDDLEWARE += ["django.middleware.csp.ContentSecurityPolicyMiddleware"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Background and periodic jobs (core.jobs) on Django's Tasks API. The database backend by default
# (django-tasks-db: a table, run by `steppe worker`, which `make run` starts beside the server);
# a Redis queue for workers on other machines with STEPPE_TASKS_URL=redis://host:6379/0
# (django-tasks-rq, RQ). The tests run tasks at once ("immediate") unless they set it.
TASKS_URL = os.environ.get("STEPPE_TASKS_URL", "") or ("immediate" if TESTING else "db")
INSTALLED_APPS += ["django_tasks_db"]
if TASKS_URL == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_URL == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_URL.startswith(("redis://", "rediss://", "unix://")):
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # a job may run for hours (a province's batch run); RQ's default is 180 s
    RQ_QUEUES = {"default": {"URL": TASKS_URL, "DEFAULT_TIMEOUT": env_int("STEPPE_JOBS_TIMEOUT", 21600)}}
else:
    raise ImproperlyConfigured(f"STEPPE_TASKS_URL: expected db, immediate or redis://host:port/db, got {TASKS_URL!r}")
# a running job that has not reported progress for this long is taken as dead (failed, retryable)
STEPPE_JOBS_LEASE_SECONDS = env_int("STEPPE_JOBS_LEASE_SECONDS", 600)
STEPPE_JOBS_KEEP_DAYS = env_int("STEPPE_JOBS_KEEP_DAYS", 30)
# after each change of the statistics a `stats.warm` job computes the monitoring pages ahead of the
# first visitors (stats/jobs.py); the tests queue it themselves (it would run after every write)
STEPPE_STATS_WARM = env_bool("STEPPE_STATS_WARM", not TESTING)
# one line per task state change is noise beside `make run`; `steppe jobs list` and the pages say it
# Django's own "django" logger has a console handler while DEBUG is on: the line would print twice
# (there and through the root's console), so django.tasks writes to the console once, not upwards.
LOGGING.setdefault("loggers", {})["django.tasks"] = {
    "level": os.environ.get("STEPPE_TASKS_LOG_LEVEL", "WARNING"), "handlers": ["console"], "propagate": False,
}
# when the daily periodic jobs start (local time, HH:MM; core.jobs.registry.periodic)
STEPPE_PERIODIC_AT = {
    "supervision.reminders": env_time("STEPPE_REMINDERS_AT", "09:00"),
    "transfer.expire": env_time("STEPPE_EXPIRE_AT", "00:30"),
    "transfer.reindex": env_time("STEPPE_REINDEX_AT", "01:00"),
    "core.inbox_digest": env_time("STEPPE_DIGEST_AT", "08:00"),
    "core.prune": env_time("STEPPE_PRUNE_AT", "03:30"),
}
# an e-mail job that failed is tried again after this many seconds, doubled at each further attempt
STEPPE_JOBS_RETRY_SECONDS = env_int("STEPPE_JOBS_RETRY_SECONDS", 60)
