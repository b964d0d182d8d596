"""Distributed tracing (OpenTelemetry): one trace follows an item from intake through vision,
condition ∥ market and describe; another follows an approval through each publish and the settle.

Off unless the standard `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`, or both,
comma-separated; `none` or unset = off). Off costs nothing: the SDK and the instrumentations
are never imported and nothing is patched; `span()` then yields the API's non-recording span and
`current_trace_id()` is "". The other standard variables apply as usual
(`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_TRACES_SAMPLER`, …);
`OTEL_SERVICE_NAME` overrides the name the process passes (boomer-web, boomer-worker).

Where it starts: `tracing_setup("boomer-web")` in boomer_site/wsgi.py, before Django loads its
middleware; in a Celery worker, the signals below — `worker_process_init` in each prefork child
(never in the parent, before the fork), `worker_init` for the pools whose tasks run in the
worker's own process (threads, solo, gevent, eventlet).

The trace context rides in each Celery message's headers (`traceparent`): the Celery
instrumentation injects it in `before_task_publish` — for tasks sent by name too, and for a
chord's callback, sent by the worker that ends the chord's last task, inside that task's span —
and resumes it in `task_prerun`. What it cannot see is a send queued with
`transaction.on_commit`, run after the span that queued it has ended: `context_bind` carries the
context over (products.services.pipeline_send).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from importlib.util import find_spec

from celery import signals
from opentelemetry import context as otel_context
from opentelemetry import trace

log = logging.getLogger(__name__)

EXPORTERS = ("otlp", "console")
_setup_lock = threading.Lock()
_provider = None  # the SDK TracerProvider this process set up, if any
_tracer = trace.get_tracer("boomer")


def exporters_configured() -> list[str]:
    """The exporters `OTEL_TRACES_EXPORTER` names; [] means tracing is off."""
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",")]
    names = [n for n in names if n and n != "none"]
    unknown = [n for n in names if n not in EXPORTERS]
    if unknown:
        raise ValueError(f"OTEL_TRACES_EXPORTER: unknown exporter(s) {', '.join(unknown)}; use {', '.join(EXPORTERS)} or none")
    return names


def tracing_enabled() -> bool:
    """Whether this process set up tracing."""
    return _provider is not None


def tracing_setup(service_name: str, *, exporter=None) -> bool:
    """Install the SDK, the exporters and the instrumentations once per process, if
    `OTEL_TRACES_EXPORTER` asks for it (or `exporter`, an SDK SpanExporter, is given: a test's
    in-memory one). Returns whether tracing is on."""
    global _provider
    exporters = exporters_configured() if exporter is None else []
    if not exporters and exporter is None:
        return False
    with _setup_lock:
        if _provider is not None:
            return True
        # Imported here: the SDK and the instrumentations load only when tracing is on.
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        name = os.environ.get("OTEL_SERVICE_NAME") or service_name
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
        if exporter is not None:
            provider.add_span_processor(SimpleSpanProcessor(exporter))
        for kind in exporters:
            if kind == "console":
                # Synchronous, one compact JSON object a line, on the process's real stdout (a
                # Celery worker replaces sys.stdout with a logger that would split and prefix it).
                provider.add_span_processor(SimpleSpanProcessor(_console_exporter()))
            else:
                provider.add_span_processor(BatchSpanProcessor(_otlp_exporter()))
        trace.set_tracer_provider(provider)
        _instrument(provider)
        _provider = provider
    log.info("tracing on: service %s, exporter(s) %s", name, ", ".join(exporters) or type(exporter).__name__)
    return True


def tracing_teardown() -> None:
    """Undo `tracing_setup` (for tests): uninstrument, flush and shut the exporters down. The
    API's global provider is set once per process, so a process sets tracing up only once."""
    global _provider
    if _provider is None:
        return
    for instrumentor in _instrumentors():
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
    _provider.shutdown()
    _provider = None


def tracing_flush(timeout_millis: int = 10_000) -> None:
    """Export what is buffered (before a process ends without running atexit)."""
    if _provider is not None:
        _provider.force_flush(timeout_millis)


def _console_exporter():
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    return ConsoleSpanExporter(out=sys.__stdout__ or sys.stdout,
                               formatter=lambda span: span.to_json(indent=None) + os.linesep)


def _otlp_exporter():
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf"
    if protocol == "grpc":
        # Not installed by BOOMER's requirements (it needs grpcio): the error names the package.
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    return OTLPSpanExporter()


def _instrumentors() -> list:
    """Django, Celery, psycopg, and the outgoing HTTP clients that are importable (each
    instrumentor is a singleton)."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    found = [DjangoInstrumentor(), CeleryInstrumentor(), PsycopgInstrumentor()]
    if find_spec("requests"):
        from opentelemetry.instrumentation.requests import RequestsInstrumentor

        found.append(RequestsInstrumentor())
    if find_spec("httpx"):
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        found.append(HTTPXClientInstrumentor())
    if find_spec("httpx2"):  # what the anthropic and openai SDKs use
        from opentelemetry.instrumentation.httpx import HTTPX2ClientInstrumentor

        found.append(HTTPX2ClientInstrumentor())
    return found


def _instrument(provider) -> None:
    for instrumentor in _instrumentors():
        instrumentor.instrument(tracer_provider=provider)


# --- Celery workers -------------------------------------------------------------------------------
@signals.worker_init.connect(weak=False, dispatch_uid="boomer.tracing.worker_init")
def _on_worker_init(sender=None, **kwargs):
    """Thread, solo and green pools run tasks in this process: set up here. Prefork: in each child."""
    from celery.concurrency import get_implementation
    from celery.concurrency.prefork import TaskPool as PreforkPool

    pool_cls = getattr(sender, "pool_cls", None)
    if pool_cls is not None and not issubclass(get_implementation(pool_cls), PreforkPool):
        tracing_setup("boomer-worker")


@signals.worker_process_init.connect(weak=False, dispatch_uid="boomer.tracing.worker_process_init")
def _on_worker_process_init(**kwargs):
    tracing_setup("boomer-worker")


@signals.worker_process_shutdown.connect(weak=False, dispatch_uid="boomer.tracing.worker_process_shutdown")
def _on_worker_process_shutdown(**kwargs):
    tracing_flush()  # a prefork child ends with os._exit: no atexit hook flushes it


@signals.worker_shutdown.connect(weak=False, dispatch_uid="boomer.tracing.worker_shutdown")
def _on_worker_shutdown(**kwargs):
    tracing_flush()


# --- for the code that wants its own span or the trace id -----------------------------------------
def current_trace_id() -> str:
    """The current trace's id as 32 hex digits, or "" when no span is current (or tracing is off)."""
    context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else ""


@contextmanager
def span(name: str, **attributes):
    """A span named `name`, child of the current one (a new trace if none is current)."""
    with _tracer.start_as_current_span(name, attributes=attributes or None) as current:
        yield current


@contextmanager
def trace_ensure(name: str, **attributes):
    """The current span if there is one, else a new root span `name` for the block."""
    if trace.get_current_span().get_span_context().is_valid:
        yield trace.get_current_span()
    else:
        with span(name, **attributes) as current:
            yield current


def context_bind(func: Callable) -> Callable:
    """`func`, to be run later in the trace context current now: for a `transaction.on_commit`
    callback, which runs after the outermost atomic block — when the span that queued it may
    have ended. Unchanged when tracing is off or no span is current."""
    if not trace.get_current_span().get_span_context().is_valid:
        return func
    captured = otel_context.get_current()

    def bound(*args, **kwargs):
        token = otel_context.attach(captured)
        try:
            return func(*args, **kwargs)
        finally:
            otel_context.detach(token)

    return bound
