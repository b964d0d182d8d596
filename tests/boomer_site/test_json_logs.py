"""JSON log lines (BOOMER_LOG_FORMAT=json): a real worker's log while it runs a product's pipeline,
failing tasks and their retries; requests' ids; secrets redacted as in plain lines."""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.utils.module_loading import import_string
from opentelemetry import trace

from agents.tasks import resume_stalled_task, vision_task
from boomer_site.log_context import LogContextFilter, log_context_bound, task_subject
from boomer_site.models import DeadLetter
from boomer_site.redaction import REDACTED, RedactSecretsFilter, secret_values_register
from boomer_site.tasking import task_send
from listings.tasks import publish_task, settle_task, withdraw_task
from market.tasks import research_product_task
from notifications.tasks import notification_send_task
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.conftest import LOGS, ROOT, wait_for, worker_running
from tests.photos import make_product_photo

REQUIRED = {"timestamp", "level", "logger", "message"}
CONTEXT = {"request_id", "task_id", "task", "product_id", "sku", "listing_id", "platform", "trace_id"}
ALLOWED = REQUIRED | CONTEXT | {"exc_info", "stack_info"}
LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
# What a log record looks like when it is NOT JSON: our plain format, or Celery's own.
PLAIN_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+: ")
CELERY_RECORD = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: [A-Z]+/")
SECRET_ARGUMENT = "password=Sesame-4JX9-open"  # shaped like a secret: the pattern redaction takes it
SECRET = "Sesame-4JX9-open"
MISSING_LISTING = 987654321

log = logging.getLogger("tests.json_logs")


def _logged_view(request):
    log.info("handling %s", request.path)
    return HttpResponse("ok")


urlpatterns = [path("logged/", _logged_view)]


def _records(text: str) -> list[dict]:
    """Every log record of a log file, each checked for the JSON shape; other lines (Celery's
    banner, Python's warnings before logging starts) must not look like records."""
    records = []
    for line in text.split("\n"):
        if line.startswith("{"):
            record = json.loads(line)
            assert REQUIRED <= set(record) <= ALLOWED, line
            assert record["level"] in LEVELS
            stamp = datetime.fromisoformat(record["timestamp"])
            assert record["timestamp"].endswith("Z") and stamp.utcoffset() == timedelta(0)
            records.append(record)
        else:
            assert not PLAIN_RECORD.match(line) and not CELERY_RECORD.match(line), f"a record not in JSON: {line}"
    return records


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_worker_logs_json_lines_with_its_tasks_ids_and_no_secret(owner, test_env):
    log_name = "json-worker.log"
    (LOGS / log_name).unlink(missing_ok=True)
    with worker_running("json-logs", {**test_env, "BOOMER_LOG_FORMAT": "json"}, log_name):
        data = make_product_photo(None, label="SONY WH-1000XM4 headphones", ean13=None, size=(1000, 750))
        with transaction.atomic():
            product = product_create_from_photos(owner=owner, photos=[("sony.jpg", data)], source="json-logs").product
        wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.PENDING, timeout=180, message="PENDING")
        # Two tasks that fail, retry and dead-letter: one with a secret-shaped argument, which
        # Celery's failure record also carries raw in its `extra` (never written).
        task_send("notifications.send", SECRET_ARGUMENT)
        task_send("listings.sync_status", MISSING_LISTING)
        wait_for(lambda: DeadLetter.objects.filter(task_name__in=["notifications.send", "listings.sync_status"]).count() == 2,
                 timeout=60, message="both dead letters")
    text = (LOGS / log_name).read_text()
    records = _records(text)

    assert SECRET not in text
    vision = [r for r in records if r.get("task") == "agents.vision"]
    assert vision and any(r["logger"] == "celery.app.trace" and "succeeded" in r["message"] for r in vision)
    assert all(r["product_id"] == product.pk and r["task_id"] for r in vision)
    [received] = [r for r in records if r["message"].startswith("Task agents.vision[") and "received" in r["message"]]
    assert "task_id" not in received  # the main process received it, outside any task
    assert received["message"] == f"Task agents.vision[{vision[0]['task_id']}] received"
    for step in ("agents.condition", "agents.market", "agents.describe"):
        lines = [r for r in records if r.get("task") == step]
        assert lines and all(r["product_id"] == product.pk for r in lines), step

    sending = [r for r in records if r.get("task") == "notifications.send"]
    assert not any("product_id" in r or "listing_id" in r for r in sending)
    assert any(r["logger"] == "boomer_site.tasking" and REDACTED in r["message"] for r in sending)
    [failed] = [r for r in sending if r["logger"] == "celery.app.trace" and r["level"] == "ERROR"]
    assert REDACTED in failed["message"] and "Traceback" in failed["exc_info"] and REDACTED in failed["exc_info"]

    syncing = [r for r in records if r.get("task") == "listings.sync_status"]
    assert syncing and all(r["listing_id"] == MISSING_LISTING for r in syncing)
    assert any(r["level"] == "ERROR" and "DoesNotExist" in r.get("exc_info", "") for r in syncing)


# --- in this process: the handler of settings.LOGGING with the JSON formatter ----------------------
@contextmanager
def _root_handler_output(formatter=None):
    """The configured root handler (both filters) writing to a buffer, with `formatter` if given."""
    [handler] = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)]
    assert any(isinstance(f, LogContextFilter) for f in handler.filters)
    stream, previous_formatter = io.StringIO(), handler.formatter
    previous_stream = handler.setStream(stream)
    if formatter is not None:
        handler.setFormatter(formatter)
    try:
        yield stream
    finally:
        handler.setStream(previous_stream)
        handler.setFormatter(previous_formatter)


def _json_formatter():
    return import_string(settings.LOGGING["formatters"]["json"]["()"])()


def test_json_lines_redact_registered_secrets_in_messages_and_tracebacks():
    secret_values_register({"token": "registered-json-secret-81"})
    with _root_handler_output(_json_formatter()) as stream, log_context_bound(sku="SKU-00042", platform="ebay"):
        log.warning("calling with %s", "registered-json-secret-81")
        try:
            raise ValueError("refresh_token=leaky-json-value with registered-json-secret-81")
        except ValueError:
            log.exception("failed")
    text = stream.getvalue()
    first, second = _records(text)
    assert "registered-json-secret-81" not in text and "leaky-json-value" not in text
    assert first["message"] == f"calling with {REDACTED}" and first["level"] == "WARNING"
    assert first["logger"] == "tests.json_logs" and first["sku"] == "SKU-00042" and first["platform"] == "ebay"
    assert second["message"] == "failed" and "ValueError" in second["exc_info"] and REDACTED in second["exc_info"]


def test_plain_lines_stay_human_readable():
    assert settings.BOOMER_LOG_FORMAT == "plain"
    with _root_handler_output() as stream, log_context_bound(sku="SKU-00042"):
        log.info("a plain line")
    line = stream.getvalue()
    assert PLAIN_RECORD.match(line) and line.rstrip("\n").endswith("INFO tests.json_logs: a plain line")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_request_gets_an_id_in_its_header_and_its_log_records(client):
    with _root_handler_output(_json_formatter()) as stream:
        response = client.get("/logged/")
        echoed = client.get("/logged/", HTTP_X_REQUEST_ID="edge-7f3a.b_9")
        refused = client.get("/logged/", HTTP_X_REQUEST_ID="not a token;" + "x" * 200)
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert echoed["X-Request-ID"] == "edge-7f3a.b_9"
    assert re.fullmatch(r"[0-9a-f]{32}", refused["X-Request-ID"]) and refused["X-Request-ID"] != request_id
    handled = [r for r in _records(stream.getvalue()) if r["message"] == "handling /logged/"]
    assert [r["request_id"] for r in handled] == [request_id, "edge-7f3a.b_9", refused["X-Request-ID"]]


@pytest.mark.django_db
def test_django_logs_a_missing_page_with_the_request_id():
    """django.request logs a 404 after the middleware returned: the id comes from the request."""
    from django.test import Client

    with _root_handler_output(_json_formatter()) as stream:
        response = Client().get("/no-such-page-for-json-logs/")
    assert response.status_code == 404
    [record] = [r for r in _records(stream.getvalue()) if r["logger"] == "django.request"]
    assert record["message"] == "Not Found: /no-such-page-for-json-logs/" and record["level"] == "WARNING"
    assert record["request_id"] == response["X-Request-ID"]


def test_the_trace_id_is_there_only_while_a_span_is_current():
    span = trace.NonRecordingSpan(trace.SpanContext(trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
                                                    span_id=0x00F067AA0BA902B7, is_remote=False))
    with _root_handler_output(_json_formatter()) as stream:
        with trace.use_span(span):
            log.info("in a span")
        log.info("outside")
    inside, outside = _records(stream.getvalue())
    assert inside["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert "trace_id" not in outside


def test_a_tasks_subject_by_convention():
    assert task_subject(vision_task, (7,), {"pipeline_priority": "high"}) == {"product_id": 7}
    assert task_subject(publish_task, (8,), {}) == {"listing_id": 8}
    assert task_subject(settle_task, (9,), {}) == {"product_id": 9}  # its parameter's name wins over the prefix
    assert task_subject(research_product_task, (10,), {}) == {"product_id": 10}
    assert task_subject(resume_stalled_task, (30,), {}) == {}
    assert task_subject(withdraw_task, (), {"listing_id": 11, "outcome": "end"}) == {"listing_id": 11}
    assert task_subject(notification_send_task, (12,), {}) == {}
    assert task_subject(vision_task, ("7; DROP",), {}) == {}  # ids only


def test_production_logs_json_by_default_and_kubernetes_says_so():
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['stderr']['formatter'])"
    env = {key: value for key, value in os.environ.items() if key != "BOOMER_LOG_FORMAT"}
    env.update(DJANGO_SETTINGS_MODULE="boomer_site.settings.production", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
               BOOMER_SECRET_KEY_ENCRYPTION=base64.b64encode(os.urandom(32)).decode(),
               DATABASE_URL="postgres://boomer:pw@127.0.0.1:9/boomer", REDIS_URL="redis://127.0.0.1:9/0",
               DJANGO_ALLOWED_HOSTS="localhost")

    def formatter(**extra):
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert formatter() == "json"
    assert formatter(BOOMER_LOG_FORMAT="plain") == "plain"
    configmap = (ROOT / "docker" / "k8s" / "configmap.yaml").read_text()
    assert re.search(r"^  BOOMER_LOG_FORMAT: json$", configmap, re.M)


def test_gunicorn_writes_its_own_lines_as_json_too(test_env, tmp_path):
    """The web process in production is gunicorn: its start and access lines are JSON lines as well."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "gunicorn.log"
    env = {**os.environ, **test_env, "BOOMER_LOG_FORMAT": "json", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "1", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    with open(out, "wb") as handle:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "docker/gunicorn.conf.py", "boomer_site.wsgi:application"],
                                  cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, out.read_text()
                    time.sleep(0.2)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(30)
    records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    assert records and all({"timestamp", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"] == "gunicorn.access" and "GET /healthz" in r["message"] for r in records)
