"""PostgreSQL and Redis: DATABASE_URL / REDIS_URL when set, else the embedded servers' addresses.

Only addresses are worked out here; nothing is started. The development and test settings
start the embedded servers (`embedded_servers_start`); production requires both URLs.
"""
from __future__ import annotations

from boomer_site.embedded import DEFAULT_REDIS_PORT, postgres_settings

from .environment import VAR_DIR, env

BOOMER_DATABASE_NAME = env.str("BOOMER_DATABASE_NAME", default="boomer")
EMBEDDED_POSTGRES = not env.str("DATABASE_URL", default="")
if EMBEDDED_POSTGRES:
    DATABASES = {"default": postgres_settings(VAR_DIR, BOOMER_DATABASE_NAME)}
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
    if env.str("BOOMER_DATABASE_NAME", default=""):
        DATABASES["default"]["NAME"] = BOOMER_DATABASE_NAME
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

BOOMER_REDIS_DB = env.int("BOOMER_REDIS_DB", default=0)
BOOMER_REDIS_PORT = env.int("BOOMER_REDIS_PORT", default=DEFAULT_REDIS_PORT)
_redis_url = env.str("REDIS_URL", default="")
EMBEDDED_REDIS = not _redis_url
if EMBEDDED_REDIS:
    REDIS_BASE_URL = f"redis://127.0.0.1:{BOOMER_REDIS_PORT}"
else:  # the URL without its db index: each use picks its own
    REDIS_BASE_URL = _redis_url.rsplit("/", 1)[0] if _redis_url.count("/") > 2 else _redis_url
REDIS_URL = f"{REDIS_BASE_URL}/{BOOMER_REDIS_DB}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "boomer",
    }
}
