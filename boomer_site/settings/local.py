"""Developer machine: `make run`. Starts (or joins) the embedded servers for what is not set."""
from boomer_site.embedded import embedded_servers_start

from .base import *  # noqa: F401,F403
from .base import DATABASES, EMBEDDED_POSTGRES, EMBEDDED_REDIS, REDIS_BASE_URL, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

embedded_servers_start(var_dir=VAR_DIR, postgres=DATABASES["default"] if EMBEDDED_POSTGRES else None,
                       redis_url=REDIS_BASE_URL if EMBEDDED_REDIS else None)
