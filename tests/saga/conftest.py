"""The publish saga end to end: contract servers for the three platforms and a seller's webhook,
started once per module BEFORE a real Celery worker that is pointed at them through its
environment (Django settings changed in the test process never reach the worker)."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.db import transaction

from listings.models import Listing, ListingDraft
from marketplaces import breakers
from notifications.models import SellerProfile
from products.models import Product
from tests.conftest import LOGS, wait_for
from tests.contract_servers import EbayServer, FacebookServer, MercariServer
from tests.factories import product_make, user_make

PLATFORMS = ("ebay", "facebook", "mercari")
# Distinctive values, so a leak into the database or a log is unmistakable.
EBAY_CLIENT_SECRET = "saga-ebay-client-secret-7Q2"
EBAY_REFRESH_TOKEN = "v^1.1#r^1#saga-refresh-9XK"
FACEBOOK_TOKEN = "EAAB-saga-page-token-4RT"
MERCARI_PASSWORD = "saga-mercari-pw-8LM"
SECRETS = (EBAY_CLIENT_SECRET, EBAY_REFRESH_TOKEN, FACEBOOK_TOKEN, MERCARI_PASSWORD)
WEBHOOK_SECRET = "whsec-saga-2f9a"
# What the describe step keeps on the eBay draft of the Sony headphones `new_product` makes
# (listings/ebay_fields.py): eBay's leaf category, its required specifics, a condition it allows.
EBAY_FIELDS = {
    "category": {"id": "112529", "path": "Consumer Electronics > Portable Audio & Headphones > Headphones",
                 "chosen_by": "boomer"},
    "aspects": {"Brand": ["Sony"], "Type": ["Over the Ear (Full-Size)"], "Model": ["WH-1000XM4"]},
    "condition": {"enum": "USED_EXCELLENT", "id": "3000"},
    "identifiers": {"brand": "Sony"},
}


class Webhook:
    """A seller's endpoint: records every POST (headers and raw body), answers 200."""

    def __init__(self):
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with hook.lock:
                    hook.calls.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/hooks/boomer"

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def events(self, kind: str) -> list[dict]:
        return [c for c in self.calls if c["headers"].get("X-Boomer-Event") == kind]

    @staticmethod
    def verifies(call: dict, secret: str = WEBHOOK_SECRET) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), call["body"], hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, call["headers"].get("X-Boomer-Signature", ""))


@pytest.fixture(scope="module")
def servers():
    ebay = EbayServer(client_secret=EBAY_CLIENT_SECRET, refresh_token=EBAY_REFRESH_TOKEN).start()
    ebay.add_location("home")  # the seller's inventory location `connect` names
    facebook = FacebookServer(access_token=FACEBOOK_TOKEN).start()
    mercari = MercariServer(password=MERCARI_PASSWORD).start()
    webhook = Webhook()
    yield SimpleNamespace(ebay=ebay, facebook=facebook, mercari=mercari, webhook=webhook)
    for server in (ebay, facebook, mercari, webhook):
        server.stop()


def worker_env(servers, test_env) -> dict:
    return {
        **test_env,
        "EBAY_API_URL": servers.ebay.url, "EBAY_AUTH_URL": servers.ebay.url,
        "FACEBOOK_GRAPH_URL": servers.facebook.url + "/v19.0", "FACEBOOK_BATCH_POLL_SECONDS": "0.05",
        "FACEBOOK_BATCH_TIMEOUT_SECONDS": "5",
        "MERCARI_URL": servers.mercari.url, "MERCARI_TIMEOUT_MS": "5000",
        "BOOMER_BREAKER_RESET_SECONDS": "2", "BOOMER_MARKETPLACE_TIMEOUT": "2",
        "BOOMER_PUBLIC_BASE_URL": "http://127.0.0.1:1",
    }


def purge_broker():
    from boomer_site.celery import app

    app.control.purge()


@pytest.fixture(scope="module")
def saga_log(request):
    LOGS.mkdir(parents=True, exist_ok=True)
    path = LOGS / f"saga-{request.module.__name__.rsplit('.', 1)[-1]}.log"
    path.write_bytes(b"")
    return path


@pytest.fixture(scope="module")
def saga_worker(servers, test_env, saga_log):
    """One real worker for the module, started after the servers, with their URLs in its env."""
    from boomer_site.workers import worker_spawn, worker_stop

    purge_broker()
    process = worker_spawn(name=f"saga-{os.getpid()}-{time.time_ns()}", concurrency=4, log_path=saga_log,
                           extra_env=worker_env(servers, test_env))
    yield process
    worker_stop(process)


def reset_servers(servers):
    ebay, facebook, mercari = servers.ebay, servers.facebook, servers.mercari
    with ebay.lock:  # tokens stay: the worker caches its access token in Redis
        ebay.inventory.clear(), ebay.offers.clear(), ebay.offers_created.clear(), ebay.orders.clear()
    with facebook.lock:
        facebook.items.clear(), facebook.items_created.clear(), facebook.batches.clear()
    with mercari.lock:
        mercari.items.clear()
    for server in (ebay, facebook, mercari):
        server.faults.reset()
        server.requests.clear()
    servers.webhook.calls.clear()
    for name in PLATFORMS:
        breakers.breaker_reset(name)


@pytest.fixture(autouse=True)
def fresh_servers(servers, settings):
    settings.EBAY_API_URL = settings.EBAY_AUTH_URL = servers.ebay.url  # approval reads eBay's catalog here too
    reset_servers(servers)
    servers.ebay.contract_violations.clear()
    yield servers
    violations = list(servers.ebay.contract_violations)
    reset_servers(servers)
    assert violations == [], "requests eBay's specification does not allow"


# --- people and products --------------------------------------------------------------------
def connect(seller, servers, platforms=PLATFORMS):
    from marketplaces.credentials import account_save

    secrets = {
        "ebay": {"client_id": servers.ebay.client_id, "client_secret": EBAY_CLIENT_SECRET,
                 "refresh_token": EBAY_REFRESH_TOKEN, "category_id": "112529", "fulfillment_policy_id": "F-1",
                 "payment_policy_id": "P-1", "return_policy_id": "R-1", "merchant_location_key": "home"},
        "facebook": {"access_token": FACEBOOK_TOKEN, "catalog_id": servers.facebook.catalog_id},
        "mercari": {"email": servers.mercari.email, "password": MERCARI_PASSWORD},
    }
    for platform in platforms:
        account_save(owner=seller, platform=platform, secrets=secrets[platform])


@pytest.fixture
def seller(db, servers):
    user = user_make("seller")
    user.email = "seller@example.com"
    user.save(update_fields=["email"])
    SellerProfile.objects.create(user=user, webhook_url=servers.webhook.url, webhook_secret=WEBHOOK_SECRET)
    return user


@pytest.fixture
def connected_seller(seller, servers):
    connect(seller, servers)
    return seller


@pytest.fixture
def reviewer(db):
    return user_make("reviewer", role="reviewer")


def approve(product: Product, reviewer, platforms=PLATFORMS, policy="best_effort") -> Product:
    """The reviewer's approval; the saga starts when it commits (as from the API)."""
    from listings.services import product_approve

    with transaction.atomic():
        return product_approve(product_id=product.pk, by=reviewer, platforms=list(platforms), policy=policy)


def new_product(owner, **fields) -> Product:
    product = product_make(owner=owner, with_photo=True, **fields)
    ListingDraft.objects.filter(product=product, platform="ebay").update(platform_fields=EBAY_FIELDS)
    return product


def stage_of(product) -> str:
    return Product.objects.values_list("stage", flat=True).get(pk=product.pk)


def wait_stage(product, *stages, timeout=90) -> str:
    return wait_for(lambda: stage_of(product) in stages and stage_of(product), timeout=timeout, interval=0.1,
                    message=f"product {product.pk} to reach {'/'.join(stages)} (now {stage_of(product)})")


def listing(product, platform) -> Listing:
    return Listing.objects.get(product=product, platform=platform)


def wait_listing(product, platform, *statuses, timeout=90) -> Listing:
    def done():
        item = listing(product, platform)
        return item if item.status in statuses else None

    return wait_for(done, timeout=timeout, interval=0.1,
                    message=f"{platform} listing to be {'/'.join(statuses)} "
                            f"(now {listing(product, platform).status}: {listing(product, platform).last_error})")


def stage_history(product) -> list[str]:
    from boomer_site.models import AnalyticsEvent

    return [e.event_data["to"] for e in AnalyticsEvent.objects.filter(product=product, event_type="product.stage")
            .order_by("id")]


def notes(product, kind=None):
    from notifications.models import Notification

    qs = Notification.objects.filter(product=product)
    return qs.filter(kind=kind) if kind else qs


def wait_sent(product, kind, timeout=60):
    """The notification of `kind` exists and both its channels were sent."""
    return wait_for(lambda: notes(product, kind).filter(email_sent_at__isnull=False,
                                                        webhook_sent_at__isnull=False).first(),
                    timeout=timeout, interval=0.1, message=f"a sent {kind!r} notification")


def webhook_payload(call) -> dict:
    return json.loads(call["body"])
