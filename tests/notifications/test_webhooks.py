"""Seller webhooks (issue 13, item 8): never to loopback, private or link-local addresses (checked
after resolving, with the default settings), no redirect followed, the answer read only so far,
and the notification row not locked while the receiver takes its time."""
from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection, transaction

from notifications.models import Notification, SellerProfile
from notifications.services import notification_send
from notifications.webhooks import WebhookUnreachable
from tests.factories import product_make

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A seller's endpoint on 127.0.0.1: records each request, answers per `mode`."""

    def __init__(self):
        self.paths: list[str] = []
        self.mode = "ok"
        self.arrived, self.release = threading.Event(), threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.paths.append(self.path)
                receiver.arrived.set()
                if receiver.mode == "redirect" and self.path == "/hook":
                    self.send_response(307)
                    self.send_header("Location", "/stolen")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if receiver.mode == "hold":
                    receiver.release.wait(60)
                self.send_response(200)
                if receiver.mode == "endless":  # an answer that never ends
                    self.end_headers()
                    try:
                        while not receiver.release.is_set():
                            self.wfile.write(b"x" * 65536)
                    except OSError:
                        pass
                    return
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self.port = self._httpd.server_address[1]

    def stop(self):
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _note(owner, url: str) -> Notification:
    SellerProfile.objects.update_or_create(user=owner, defaults={"webhook_url": url, "webhook_secret": "s3cret"})
    product = product_make(owner=owner)
    return Notification.objects.create(owner=owner, product=product, kind=Notification.Kind.SOLD,
                                       event_key=f"sold:{product.pk}", subject="Sold", body="Sold.", payload={})


@pytest.fixture
def default_settings(settings):
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = []  # production's default: only public addresses
    return settings


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:{port}/hook", "127.0.0.1 is a loopback address"),
    ("http://localhost:{port}/hook", "resolves to 127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
    ("http://[::ffff:127.0.0.1]:{port}/hook", "127.0.0.1 is a loopback address"),
])
def test_internal_targets_are_refused_with_the_reason(default_settings, owner, receiver, url, reason):
    note = _note(owner, url.format(port=receiver.port))
    notification_send(notification_id=note.pk)  # no exception: retrying cannot help, the seller must change it
    note.refresh_from_db()
    assert note.webhook_status.startswith("refused: ") and reason in note.webhook_status
    assert note.webhook_sent_at is None
    assert receiver.paths == []


def test_an_allowed_network_is_posted_to(settings, owner, receiver):
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    note = _note(owner, f"http://127.0.0.1:{receiver.port}/hook")
    notification_send(notification_id=note.pk)
    note.refresh_from_db()
    assert (note.webhook_status, receiver.paths) == ("HTTP 200", ["/hook"]) and note.webhook_sent_at


def test_a_redirect_is_not_followed(settings, owner, receiver):
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver.mode = "redirect"
    note = _note(owner, f"http://127.0.0.1:{receiver.port}/hook")
    notification_send(notification_id=note.pk)
    note.refresh_from_db()
    assert receiver.paths == ["/hook"]  # never /stolen
    assert note.webhook_status == "HTTP 307: redirect to /stolen not followed" and note.webhook_sent_at is None


def _send_in_thread(note_id: int) -> threading.Thread:
    errors = []

    def run():
        try:
            notification_send(notification_id=note_id)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection, or the test database cannot be dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.errors = errors
    thread.start()
    return thread


def test_an_endless_answer_is_read_only_so_far(settings, owner, receiver):
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver.mode = "endless"
    note = _note(owner, f"http://127.0.0.1:{receiver.port}/hook")
    thread = _send_in_thread(note.pk)
    thread.join(120)  # reading the whole answer would never end
    assert not thread.is_alive() and thread.errors == []
    note.refresh_from_db()
    assert note.webhook_status == "HTTP 200" and note.webhook_sent_at


def test_the_row_is_not_locked_while_the_receiver_answers(settings, owner, receiver):
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver.mode = "hold"
    note = _note(owner, f"http://127.0.0.1:{receiver.port}/hook")
    thread = _send_in_thread(note.pk)
    try:
        assert receiver.arrived.wait(60)
        with transaction.atomic():  # another worker touching the row is not kept waiting
            Notification.objects.select_for_update(nowait=True).get(pk=note.pk)
    finally:
        receiver.release.set()
        thread.join(60)
    note.refresh_from_db()
    assert note.webhook_status == "HTTP 200" and thread.errors == []


def _self_signed(tmp_path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_https_names_the_host_and_checks_its_certificate(settings, owner, receiver, tmp_path):
    """Connected to the checked address, TLS still speaks to the URL's host name (SNI) and
    verifies its certificate: a self-signed one is not trusted (retried, never posted)."""
    settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    names = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*_self_signed(tmp_path))
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    receiver._httpd.socket = context.wrap_socket(receiver._httpd.socket, server_side=True)
    note = _note(owner, f"https://localhost:{receiver.port}/hook")
    with pytest.raises(WebhookUnreachable):
        notification_send(notification_id=note.pk)
    assert "localhost" in names and receiver.paths == []
    note.refresh_from_db()
    assert note.webhook_sent_at is None
