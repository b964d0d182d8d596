"""Logs (secrets redacted from every record; JSON lines or plain text) and error reporting.

BOOMER_LOG_FORMAT: `json` — one JSON object a line with timestamp, level, logger, message and
the ids of the work at hand (boomer_site/log_context.py); the production default — or `plain`,
human-readable lines for a terminal (local and test settings).
"""
from django.core.exceptions import ImproperlyConfigured

from .environment import env

LOG_FORMATS = ("plain", "json")
BOOMER_LOG_FORMAT = env.str("BOOMER_LOG_FORMAT", default="plain").strip().lower()
if BOOMER_LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"BOOMER_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {BOOMER_LOG_FORMAT!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "boomer_site.log_context.JsonLogFormatter"},
    },
    "filters": {
        # Secrets (tokens, client secrets, stored credential values) are redacted from every record.
        "redact": {"()": "boomer_site.redaction.RedactSecretsFilter"},
        # request_id, task_id, task, product_id, … and trace_id onto every record.
        "context": {"()": "boomer_site.log_context.LogContextFilter"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": BOOMER_LOG_FORMAT, "filters": ["redact", "context"]}},
    "root": {"handlers": ["stderr"], "level": env.str("BOOMER_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # Loggers a Celery worker would otherwise give handlers (and formats) of its own, which
        # do not propagate: task loggers (celery.utils.log.get_task_logger) and billiard's pool.
        "celery.task": {"handlers": ["stderr"], "propagate": False},
        "multiprocessing": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from boomer_site.redaction import sentry_event_scrub

    # No local variables in reports (a transport's kwargs hold client secrets and refresh
    # tokens), and every event scrubbed like a log line before it is sent.
    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0, include_local_variables=False,
                    before_send=sentry_event_scrub)

# Tracing is set by the standard OTEL_* variables (OTEL_TRACES_EXPORTER=otlp|console; off when unset).
# The admin links a product's trace with this template, e.g. http://localhost:16686/trace/{trace_id}.
BOOMER_TRACE_URL_TEMPLATE = env.str("BOOMER_TRACE_URL_TEMPLATE", default="")
