"""Secrets out of every log line and error report: values registered by whoever decrypts them
(marketplace credentials) and anything shaped like a token, a password or an Authorization
header. `sentry_event_scrub` does the same to a Sentry event before it leaves the process."""
from __future__ import annotations

import logging
import re
import threading

REDACTED = "[REDACTED]"
_SECRET_NAMES = r"client_secret|refresh_token|access_token|id_token|password|api_key|secret|storage_state|cookies?"
_PATTERNS = [
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/#^|=:!*%]+"), r"\1 " + REDACTED),
    (re.compile(rf"(?i)\b({_SECRET_NAMES})=([^&\s'\",;]+)"), r"\1=" + REDACTED),
    (re.compile(rf"""(?i)(["']?\b(?:{_SECRET_NAMES})\b["']?\s*[:=]\s*)("[^"]*"|'[^']*')"""), r'\1"' + REDACTED + '"'),
]
_known_values: dict[str, None] = {}
_known_lock = threading.Lock()
MAX_KNOWN = 2000


def secret_values_register(secrets) -> None:
    """Remember secret values (strings of 6+ chars, nested too) so the filter redacts them verbatim."""
    values = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 6:
            values.append(value)

    walk(secrets)
    with _known_lock:
        for value in values:
            _known_values[value] = None
        while len(_known_values) > MAX_KNOWN:
            _known_values.pop(next(iter(_known_values)))


def redact(text: str) -> str:
    with _known_lock:
        known = sorted(_known_values, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) with secrets replaced.

    A filter on a logger only sees that logger's own records, so it sits on the handlers
    (settings LOGGING), which every record of every process passes, workers' included."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# A field whose name says it holds a secret is dropped whole, whatever its value looks like.
_SECRET_FIELD = re.compile(r"(?i)secret|password|passwd|token|api[-_]?key|authorization|cookie|storage_state|signature|dsn")
MAX_DEPTH = 30


def redact_deep(value, depth: int = 0):
    """`value` (dicts, lists, strings, nested) with secrets redacted: strings as in logs, and the
    whole value of any field named like a secret."""
    if depth > MAX_DEPTH:
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: (REDACTED if isinstance(key, str) and _SECRET_FIELD.search(key) and value[key] not in (None, "")
                      else redact_deep(value[key], depth + 1)) for key in value}
    if isinstance(value, (list, tuple)):
        return [redact_deep(item, depth + 1) for item in value]
    return value


def sentry_event_scrub(event, hint=None):
    """Sentry's before_send: exception messages, breadcrumbs (log lines captured before the log
    filter runs), request data and extra context, all redacted."""
    return redact_deep(event)
