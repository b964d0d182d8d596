"""Tracing: one item is one trace from intake through a real worker's pipeline steps, one
approval another through its publishes and settle; and with the OTEL_* variables unset (the
default) nothing is instrumented and nothing exported."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from boomer_site import tracing
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.conftest import LOGS, ROOT, wait_for
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

PIPELINE = ("agents.vision", "agents.condition", "agents.market", "agents.describe")


@pytest.fixture(scope="module")
def local_spans():
    """This process traced into memory for the module, then untraced again."""
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    assert tracing.tracing_setup("boomer-test", exporter=memory)
    yield memory
    tracing.tracing_teardown()


@pytest.fixture(scope="module", params=["prefork", "threads"])
def traced_worker(request, test_env, local_spans):
    """A real worker exporting its spans to its log (console exporter): prefork sets tracing up
    in each child, the thread pool (the compose file's vision and market workers) in the worker."""
    from boomer_site.celery import app
    from boomer_site.workers import worker_spawn, worker_stop

    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"worker-tracing-{request.param}-{os.getpid()}.log"
    log_path.unlink(missing_ok=True)
    app.control.purge()
    process = worker_spawn(name=f"test-tracing-{os.getpid()}-{time.time_ns()}", log_path=log_path, pool=request.param,
                           extra_env={**test_env, "OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "boomer-worker-test"})
    yield log_path
    worker_stop(process)


def worker_spans(log_path: Path) -> list[dict]:
    """The spans the worker's console exporter wrote: one JSON object a line in its log (the
    last line, maybe still being written, only once it ends)."""
    lines = log_path.read_text(errors="replace").split("\n")[:-1]
    return [json.loads(line) for line in lines if line.startswith("{") and '"trace_id"' in line]


def trace_of(span: dict) -> str:
    return span["context"]["trace_id"].removeprefix("0x")


def runs(spans: list[dict], task: str) -> list[dict]:
    return [s for s in spans if s["name"] == f"run/{task}"]


def test_one_item_is_one_trace_and_its_approval_another(traced_worker, local_spans, owner):
    log_path, memory = traced_worker, local_spans
    memory.clear()
    photo = make_product_photo(None, label="SONY WH-1000XM4 Wireless Noise Cancelling Headphones", ean13="4548736112094")
    with transaction.atomic():  # the pipeline is sent on commit, after the intake span has ended
        result = product_create_from_photos(owner=owner, photos=[("headphones.jpg", photo)], source="tracing test")
    product = result.product
    assert len(product.trace_id) == 32 and int(product.trace_id, 16)
    assert tracing.current_trace_id() == ""  # the intake span ended with the intake

    wait_for(lambda: Product.objects.get(pk=product.pk).stage in (Stage.PENDING, Stage.FAILED), timeout=180,
             message="the product to reach review")
    stored = product.trace_id
    product.refresh_from_db()
    assert product.stage == Stage.PENDING, product.failure_reason
    assert product.trace_id == stored

    # This process: the intake span and the publish of agents.vision, ended, in the product's trace.
    local = {s.name: s for s in memory.get_finished_spans()}
    assert local["intake"].parent is None
    assert f"{local['intake'].context.trace_id:032x}" == product.trace_id
    assert local["apply_async/agents.vision"].parent.span_id == local["intake"].context.span_id

    # The worker: each step ran in that trace, under the spans that sent it.
    wait_for(lambda: all(runs(worker_spans(log_path), task) for task in PIPELINE), timeout=30,
             message="the worker's spans of the four steps")
    spans = worker_spans(log_path)
    for task in PIPELINE:
        (run,) = runs(spans, task)
        assert trace_of(run) == product.trace_id, task
        assert run["resource"]["attributes"]["service.name"] == "boomer-worker-test"
    by_id = {s["context"]["span_id"]: s for s in spans}
    vision = runs(spans, "agents.vision")[0]
    assert vision["parent_id"] == f"0x{local['apply_async/agents.vision'].context.span_id:016x}"
    for task in PIPELINE[1:]:
        sender = by_id[runs(spans, task)[0]["parent_id"]]
        assert sender["name"] == f"apply_async/{task}"
    assert any(s["name"].startswith(("SELECT", "INSERT", "UPDATE")) and trace_of(s) == product.trace_id for s in spans), \
        "psycopg's spans are in the item's trace"

    # The approval: a request to the API, then a publish per platform and the settle, in one
    # trace of their own (no account is connected: both publishes fail for good, and the settle
    # brings the product back to review).
    client = Client()
    client.force_login(owner)
    response = client.post(f"/api/products/{product.pk}/approve/", {"platforms": ["ebay", "facebook"], "price": "39.99"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    request_span = next(s for s in memory.get_finished_spans() if s.kind.name == "SERVER" and "approve" in s.name)
    approval_trace = f"{request_span.context.trace_id:032x}"
    assert approval_trace != product.trace_id
    wait_for(lambda: len(runs(worker_spans(log_path), "listings.publish")) == 2 and runs(worker_spans(log_path), "listings.settle"),
             timeout=90, message="the worker's spans of the publishes and the settle")
    spans = worker_spans(log_path)
    saga = runs(spans, "listings.publish") + runs(spans, "listings.settle")
    assert {trace_of(s) for s in saga} == {approval_trace}


def test_outgoing_http_carries_the_trace(local_spans):
    """requests and httpx2 (the anthropic and openai SDKs' client) each make a client span and
    send its context on."""
    import httpx2
    import requests

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.headers.get("traceparent"))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    local_spans.clear()
    try:
        with tracing.span("outgoing") as outer:
            requests.get(url, timeout=10)
            httpx2.get(url, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    trace_id = f"{outer.get_span_context().trace_id:032x}"
    clients = [s for s in local_spans.get_finished_spans() if s.kind.name == "CLIENT"]
    assert len(clients) == 2 and all(f"{s.context.trace_id:032x}" == trace_id for s in clients)
    assert [header.split("-")[1] for header in received] == [trace_id, trace_id]


OFF_CHECK = """
import json, sys, weakref
import boomer_site.wsgi  # the web process's start: tracing_setup("boomer-web") with the variables unset
# (redis-py imports opentelemetry.sdk.metrics when the SDK is installed, inert: the trace SDK is ours)
sdk_loaded = "opentelemetry.sdk.trace" in sys.modules
import psycopg, requests
from celery import signals
from django.conf import settings
from django.contrib.auth import get_user_model
from opentelemetry import trace
from boomer_site import tracing
from products.services import product_create_from_photos
from tests.photos import make_product_photo

owner, _ = get_user_model().objects.get_or_create(username="untraced-seller")
photo = make_product_photo(None, label="ACME toaster", ean13=None, size=(800, 600), seed=7)
result = product_create_from_photos(owner=owner, photos=[("toaster.jpg", photo)], start_pipeline=False)
with tracing.span("anything") as span:
    recording = span.is_recording()
receivers = [r() if isinstance(r, weakref.ReferenceType) else r
             for _, r in signals.before_task_publish.receivers + signals.task_prerun.receivers]
print(json.dumps({
    "enabled": tracing.tracing_enabled(),
    "provider": type(trace.get_tracer_provider()).__name__,
    "sdk_trace_loaded": sdk_loaded or "opentelemetry.sdk.trace" in sys.modules,
    "instrumentation_loaded": sorted(n for n in sys.modules if n.startswith("opentelemetry.instrumentation")),
    "otel_middleware": [m for m in settings.MIDDLEWARE if "opentelemetry" in m],
    "otel_receivers": [repr(r) for r in receivers if "opentelemetry" in repr(r) or "tracing" in repr(r)],
    "patched": [f.__qualname__ for f in (psycopg.connect, psycopg.Connection.connect, requests.Session.send)
                if hasattr(f, "__wrapped__") or "opentelemetry" in (getattr(f, "__module__", "") or "")],
    "recording": recording,
    "trace_id": result.product.trace_id,
}))
"""


def test_tracing_off_by_default_installs_and_exports_nothing(test_env):
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", OFF_CHECK], cwd=ROOT,
                          env={**env, **test_env}, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"enabled": False, "provider": "ProxyTracerProvider", "sdk_trace_loaded": False, "instrumentation_loaded": [],
                      "otel_middleware": [], "otel_receivers": [], "patched": [], "recording": False, "trace_id": ""}
