"""The ids of the work at hand on every log line: which request, which task, which product.

Ids are bound in a context variable (`log_context_bind` / `log_context_bound`): the request
middleware (boomer_site/middleware.py) binds `request_id`, the Celery signals below bind
`task_id` and `task` for the task's run. `LogContextFilter`, on the handler of settings LOGGING,
copies them onto each record, with the current OpenTelemetry trace's id (`trace_id`) when a
span is current; `JsonLogFormatter` writes a record as one JSON object a line
(BOOMER_LOG_FORMAT=json).

Convention for a task's subject: a task named `agents.*` takes its product's id as its first
argument, bound as `product_id`; a task named `listings.*` its listing's id, bound as
`listing_id`. Where a task's first parameter says otherwise, its name wins: a first parameter
called `product_id` or `listing_id` binds under that name whatever the task's prefix
(`listings.settle(product_id)`, `market.research_product(product_id)`), and one called anything
else binds nothing (`agents.resume_stalled(minutes)`). The same names passed as keyword
arguments bind too. Only integer ids are bound. Domain code binds `sku` or `platform` itself
(`with log_context_bound(platform=...)`).
"""
from __future__ import annotations

import contextvars
import inspect
import logging
import time
from contextlib import contextmanager

from celery import signals
from pythonjsonlogger.json import JsonFormatter

from boomer_site.redaction import redact

BINDABLE = ("request_id", "task_id", "task", "product_id", "sku", "listing_id", "platform")
CONTEXT_KEYS = (*BINDABLE, "trace_id")
SUBJECT_KEYS = ("product_id", "listing_id")
FREE_TEXT_KEYS = ("request_id", "sku", "platform")  # values not made by BOOMER or Celery: redacted like a message
SUBJECT_BY_PREFIX = {"agents.": "product_id", "listings.": "listing_id"}

_bound: contextvars.ContextVar[dict | None] = contextvars.ContextVar("boomer_log_context", default=None)
_task_tokens: dict[str, contextvars.Token] = {}
_first_parameters: dict[str, str | None] = {}  # task name → its first parameter ("" none, None unreadable)


# --- binding ------------------------------------------------------------------------------------
def log_context_bind(**ids) -> contextvars.Token:
    """Add ids to the current context (None drops one); reset with the returned token."""
    unknown = set(ids) - set(BINDABLE)
    if unknown:
        raise ValueError(f"not a log context key: {', '.join(sorted(unknown))}")
    merged = {**(_bound.get() or {}), **ids}
    return _bound.set({key: value for key, value in merged.items() if value is not None})


def log_context_reset(token: contextvars.Token) -> None:
    """Back to the ids bound before `log_context_bind` returned `token`."""
    _bound.reset(token)


def log_context_current() -> dict:
    """The ids bound now."""
    return dict(_bound.get() or {})


@contextmanager
def log_context_bound(**ids):
    """Bind ids for a block."""
    token = log_context_bind(**ids)
    try:
        yield
    finally:
        log_context_reset(token)


# --- Celery: a task's ids for its run -------------------------------------------------------------
def _first_parameter(task) -> str | None:
    """The task function's first positional parameter ("" if none, None if unreadable), per task name."""
    name = getattr(task, "name", None)
    if name not in _first_parameters:
        _first_parameters[name] = _signature_first(getattr(task, "run", None))
    return _first_parameters[name]


def _signature_first(run) -> str | None:
    """boomer_task wraps the function with functools.wraps: unwrapped, its own signature shows;
    a bound task's `self` is not an argument of the message."""
    try:
        parameters = list(inspect.signature(inspect.unwrap(getattr(run, "__func__", run))).parameters.values())
    except (TypeError, ValueError):
        return None
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return parameters[0].name if parameters and parameters[0].kind in positional else ""


def task_subject(task, args, kwargs) -> dict:
    """`product_id` / `listing_id` of a task's run, by the convention in the module docstring."""
    subject = {key: kwargs[key] for key in SUBJECT_KEYS if key in (kwargs or {})}
    if not subject and args:
        first = _first_parameter(task)
        if first in SUBJECT_KEYS:
            subject = {first: args[0]}
        elif first is None:  # no signature to read: the prefix alone
            key = next((k for prefix, k in SUBJECT_BY_PREFIX.items() if (task.name or "").startswith(prefix)), None)
            subject = {key: args[0]} if key else {}
    return {key: value for key, value in subject.items() if isinstance(value, int) and not isinstance(value, bool)}


@signals.task_prerun.connect(weak=False, dispatch_uid="boomer.log_context.task_prerun")
def _task_prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
    task = task or sender
    ids = {"task_id": task_id, "task": getattr(task, "name", None), **task_subject(task, args or (), kwargs or {})}
    _task_tokens[task_id] = log_context_bind(**ids)


@signals.task_postrun.connect(weak=False, dispatch_uid="boomer.log_context.task_postrun")
def _task_postrun(sender=None, task_id=None, **extra):
    token = _task_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        log_context_reset(token)
    except (ValueError, RuntimeError):  # bound in another context, or reset already: drop the task's ids
        log_context_bind(task_id=None, task=None, product_id=None, listing_id=None)


# --- records --------------------------------------------------------------------------------------
_otel_trace = None  # the opentelemetry.trace module once looked up; False when it is not installed


def current_trace_id() -> str | None:
    """The current OpenTelemetry span's trace id (32 hex digits), None without a valid span."""
    global _otel_trace
    if _otel_trace is None:
        try:
            # Imported here: tracing is optional; without opentelemetry, logs simply carry no trace_id.
            from opentelemetry import trace
        except ImportError:
            trace = False
        _otel_trace = trace
    if not _otel_trace:
        return None
    context = _otel_trace.get_current_span().get_span_context()
    return _otel_trace.format_trace_id(context.trace_id) if context.is_valid else None


class LogContextFilter(logging.Filter):
    """Copies the bound ids and the trace id onto each record; an id given with `extra=` wins.

    Django's request records (django.request, django.security) are logged after the middleware
    has unbound its id: their `request` carries it (`request.request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        attributes = record.__dict__
        for key, value in (_bound.get() or {}).items():
            attributes.setdefault(key, value)
        if attributes.get("request_id") is None:
            request_id = getattr(attributes.get("request"), "request_id", None)
            if request_id:
                record.request_id = request_id
        if attributes.get("trace_id") is None:
            trace_id = current_trace_id()
            if trace_id:
                record.trace_id = trace_id
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object a line: `timestamp` (ISO 8601, UTC), `level`, `logger`, `message`, the
    context ids that apply, and `exc_info` / `stack_info` when present.

    Nothing else of a record is written: extras such as Celery's `data` (a task's raw
    arguments and traceback) would bypass the redaction that the message and the traceback
    had (RedactSecretsFilter). The context's free-text values are redacted here."""

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.getMessage() if isinstance(record.msg, dict) else record.message
        for key in CONTEXT_KEYS:
            value = record.__dict__.get(key)
            if value is not None and value != "":
                log_data[key] = redact(value) if key in FREE_TEXT_KEYS and isinstance(value, str) else value
        if record.exc_info or record.exc_text:
            # The filter leaves the redacted traceback in exc_text; exc_info is the raw one.
            log_data["exc_info"] = redact(record.exc_text or self.formatException(record.exc_info))
        if record.stack_info:
            log_data["stack_info"] = redact(self.formatStack(record.stack_info))
