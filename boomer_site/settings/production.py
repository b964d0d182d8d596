"""Production: secrets and servers must come from the environment; nothing is embedded, and no
secret is a shipped example (production_checks.py). HTTPS only: HSTS, the redirect, secure cookies;
/metrics and the API schema/docs need a login (or the metrics token)."""
import os

from django.core.exceptions import ImproperlyConfigured

from .production_checks import production_secrets_problems

for _required in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set in production")
_problems = production_secrets_problems(os.environ)
if _problems:
    raise ImproperlyConfigured("refusing to start with these secrets: " + "; ".join(_problems))
# JSON log lines for the log pipeline, unless the environment asks for plain ones.
os.environ.setdefault("BOOMER_LOG_FORMAT", "json")

from .base import *  # noqa: E402,F401,F403
from .base import env  # noqa: E402

DEBUG = False
# No DEBUG-era fallback: the credentials key is BOOMER_SECRET_KEY_ENCRYPTION, checked above.
BOOMER_ENCRYPTION_KEY_DERIVED = False
# HTTPS is decided by gunicorn (wsgi.url_scheme), which believes X-Forwarded-Proto only from the
# proxies in BOOMER_TRUSTED_PROXIES (docker/gunicorn.conf.py), not by a header any client can send.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus speak plain HTTP to the pod.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# /metrics: a staff login or BOOMER_METRICS_TOKEN; /api/schema/ and /api/docs/: a login.
BOOMER_OPS_ENDPOINTS_OPEN = False
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
