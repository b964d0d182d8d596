"""`make test`: the same real servers (embedded ones started here), kept apart from a running
`make run`.

The Redis db index differs (a `make run` worker must never take a test's tasks), and the
retry backoff is shrunk so retry → dead-letter paths run in seconds.
"""
import os

os.environ.setdefault("BOOMER_REDIS_DB", "15")
os.environ.setdefault("BOOMER_RETRY_BASE_SECONDS", "0.2")
os.environ.setdefault("BOOMER_RETRY_FACTOR", "2")
os.environ.setdefault("CELERY_VISIBILITY_TIMEOUT", "5")
os.environ.setdefault("BOOMER_INBOX_DEBOUNCE_SECONDS", "0.5")
# Only this database's sales: a test that reads a marketplace points the source at a local server.
os.environ.setdefault("BOOMER_MARKET_SOURCES", "own_sales")
# The tests' webhook receivers listen on 127.0.0.1, which production refuses (notifications/webhooks.py);
# the refusal itself is tested with the default (no network allowed).
os.environ.setdefault("BOOMER_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")

from boomer_site.embedded import embedded_servers_start  # noqa: E402

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES, EMBEDDED_POSTGRES, EMBEDDED_REDIS, REDIS_BASE_URL, VAR_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
BOOMER_INBOX = VAR_DIR / "test-inbox"

# The live server answers from short-lived threads: persistent connections would outlive them
# and keep the test database busy when it is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0

embedded_servers_start(var_dir=VAR_DIR, postgres=DATABASES["default"] if EMBEDDED_POSTGRES else None,
                       redis_url=REDIS_BASE_URL if EMBEDDED_REDIS else None)
