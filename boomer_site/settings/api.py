"""The REST API: JWT, roles, throttles, paging, OpenAPI."""
from datetime import timedelta

from .environment import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Clients are told apart by boomer_site/client_ip.py (BOOMER_TRUSTED_PROXIES), not NUM_PROXIES.
    "DEFAULT_THROTTLE_CLASSES": [
        "desk.api.throttles.AnonThrottle",
        "desk.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("BOOMER_THROTTLE_ANON", default="100/min"),
        "user": env.str("BOOMER_THROTTLE_USER", default="100/min"),
        # POST /api/auth/token/: attempts per client address and per username tried.
        "login_ip": env.str("BOOMER_THROTTLE_LOGIN_IP", default="20/min"),
        "login_user": env.str("BOOMER_THROTTLE_LOGIN_USER", default="10/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "desk.api.common.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "desk.api.exceptions.exception_handler",
}
# The reverse proxies in front of BOOMER (IPs or networks): only their X-Forwarded-For is believed.
# gunicorn reads the same variable for X-Forwarded-Proto (docker/gunicorn.conf.py).
BOOMER_TRUSTED_PROXIES = env.list("BOOMER_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
# True: /metrics, /api/schema/ and /api/docs/ answer anyone (a developer's machine, tests).
# Production sets False: /metrics wants a staff login or "Authorization: Bearer BOOMER_METRICS_TOKEN",
# the schema and docs a login.
BOOMER_OPS_ENDPOINTS_OPEN = True
BOOMER_METRICS_TOKEN = env.str("BOOMER_METRICS_TOKEN", default="")
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
