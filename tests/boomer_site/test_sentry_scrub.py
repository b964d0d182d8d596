"""Error reports carry no secrets (issue 13 item 7): a real sentry_sdk, configured by the
production settings, sends its envelope to a local receiver standing in for Sentry."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from boomer_site.redaction import REDACTED, sentry_event_scrub
from tests.boomer_site.test_production_settings import production_env
from tests.conftest import ROOT

CLIENT_SECRET = "cs-live-4f9a9b2e7d1c"
REFRESH_TOKEN = "v^1.1#i^1#r^1#rt-live-88213"
REPORTING = f"""
import logging, django, sentry_sdk
django.setup()
from boomer_site.redaction import secret_values_register
secret_values_register({{"refresh_token": {REFRESH_TOKEN!r}}})
log = logging.getLogger("boomer.token")

def token_exchange(client_id, client_secret, refresh_token):
    body = "grant_type=refresh_token&refresh_token=" + refresh_token
    log.info("posting %s for %s", body, client_id)
    raise RuntimeError("eBay refused " + body + " sent with Authorization: Basic Ym9vbWVyOnNlY3JldA==")

try:
    token_exchange("boomer-app", {CLIENT_SECRET!r}, {REFRESH_TOKEN!r})
except RuntimeError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(10)
"""


class Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.bodies.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.bodies = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, Receiver.bodies
    server.shutdown()
    server.server_close()


def test_a_reported_exception_shows_no_secret_and_no_local_variables(sentry):
    server, bodies = sentry
    env = production_env(SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_address[1]}/1", BOOMER_LOG_FORMAT="plain")
    run = subprocess.run([sys.executable, "-c", REPORTING], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    envelope = b"".join(bodies).decode()
    assert "RuntimeError" in envelope and "token_exchange" in envelope  # the report did arrive
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, "Ym9vbWVyOnNlY3JldA=="):
        assert secret not in envelope
    events = [json.loads(line) for line in envelope.splitlines() if line.startswith("{") and '"exception"' in line]
    frames = [frame for event in events for value in event["exception"]["values"]
              for frame in value["stacktrace"]["frames"]]
    assert frames and not any(frame.get("vars") for frame in frames)


def test_the_scrubber_drops_fields_named_like_secrets_and_redacts_the_rest():
    event = {"request": {"headers": {"Authorization": "Bearer abc.def", "X-Webhook-Signature": "sha256=99"},
                         "cookies": {"sessionid": "s1"}, "url": "https://x/api/?code=1"},
             "extra": {"webhook_url": "https://hooks.example/x?access_token=EAAB999", "attempt": 2},
             "breadcrumbs": {"values": [{"message": "refresh_token=rt-123 posted"}]}}
    scrubbed = sentry_event_scrub(event, {})
    assert scrubbed["request"]["headers"] == {"Authorization": REDACTED, "X-Webhook-Signature": REDACTED}
    assert scrubbed["request"]["cookies"] == REDACTED and scrubbed["request"]["url"] == "https://x/api/?code=1"
    assert "EAAB999" not in scrubbed["extra"]["webhook_url"] and scrubbed["extra"]["attempt"] == 2
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == f"refresh_token={REDACTED} posted"
