"""Benchmark: an eBay sale notification → every other copy ended, against the local contract
servers and a real Celery worker.

    .venv/bin/python bench/sale_notification.py [--items 20] [--platforms ebay,facebook,mercari] [--delay-ms 0]

Runs against its own database (`boomer_bench_sale`) and Redis db (BOOMER_REDIS_DB, default 6) on the
embedded servers. Each item is published to the platforms first (the publish saga); then, one at a
time, an order is added on eBay's contract server and eBay's signed ORDER_CONFIRMATION is POSTed
to BOOMER's endpoint (`/ebay/notifications/`, the real view through Django's test client in this
process: signature check with the public key read from the contract server and cached). Timed:
  * answer_s: the endpoint's answer (eBay wants it quick);
  * sold_s: notification → the eBay copy SOLD (the worker confirmed it from eBay's orders);
  * others_ended_s: notification → the last other copy ENDED (Facebook's batch DELETE, Mercari's
    form in Chromium).
No beat runs: the notification is the only thing that could find these sales.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")
os.environ.setdefault("BOOMER_DATABASE_NAME", "boomer_bench_sale")
os.environ.setdefault("BOOMER_REDIS_DB", "6")
os.environ.setdefault("BOOMER_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.stats import pct, progress  # noqa: E402
from boomer_site.celery import app  # noqa: E402
from boomer_site.workers import worker_spawn, worker_stop  # noqa: E402
from listings.ebay_fields import ebay_fields_fill  # noqa: E402
from listings.models import Listing, ListingDraft, ListingStatus  # noqa: E402
from listings.services import product_approve  # noqa: E402
from marketplaces.credentials import account_save  # noqa: E402
from products.models import Product, Stage  # noqa: E402
from tests.contract_servers import EbayServer, FacebookServer, MercariServer  # noqa: E402
from tests.factories import product_make, user_make  # noqa: E402

log = progress("sale-notification-bench")


def wait(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what} not reached after {timeout:.0f}s")
        time.sleep(0.02)
    return time.monotonic() - started


def statuses(product_id: int) -> dict[str, str]:
    return dict(Listing.objects.filter(product_id=product_id).values_list("platform", "status"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--platforms", default="ebay,facebook,mercari")
    parser.add_argument("--delay-ms", type=int, default=0, help="injected on every contract-server request")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    platforms = [p for p in args.platforms.split(",") if p]
    assert "ebay" in platforms and len(platforms) > 1, "eBay and at least one other platform"

    log(f"database {settings.DATABASES['default']['NAME']}, redis {settings.REDIS_URL}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    app.control.purge()

    ebay, facebook, mercari = EbayServer().start(), FacebookServer().start(), MercariServer().start()
    servers = (ebay, facebook, mercari)
    for server in servers:
        server.faults.delay_ms = args.delay_ms
    ebay.add_location("home")
    settings.EBAY_API_URL = settings.EBAY_AUTH_URL = ebay.url  # this process: drafts' catalog, eBay's public key
    settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = ebay.client_id, ebay.client_secret
    seller = user_make("bench-seller", role="seller")
    reviewer = user_make("bench-reviewer", role="reviewer")
    ebay_secrets = {"refresh_token": ebay.refresh_token, "fulfillment_policy_id": "F-1", "payment_policy_id": "P-1",
                    "return_policy_id": "R-1", "merchant_location_key": "home"}
    account_save(owner=seller, platform="ebay", secrets=ebay_secrets)
    account_save(owner=seller, platform="facebook", secrets={"access_token": facebook.access_token,
                                                             "catalog_id": facebook.catalog_id})
    account_save(owner=seller, platform="mercari", secrets={"email": mercari.email, "password": mercari.password})

    extra_env = {
        "EBAY_API_URL": ebay.url, "EBAY_AUTH_URL": ebay.url, "EBAY_CLIENT_ID": ebay.client_id,
        "EBAY_CLIENT_SECRET": ebay.client_secret, "FACEBOOK_GRAPH_URL": facebook.url + "/v19.0",
        "FACEBOOK_BATCH_POLL_SECONDS": "0.05", "FACEBOOK_BATCH_TIMEOUT_SECONDS": "30", "MERCARI_URL": mercari.url,
        "MERCARI_TIMEOUT_MS": "30000", "BOOMER_DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "BOOMER_REDIS_DB": os.environ["BOOMER_REDIS_DB"], "BOOMER_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "BOOMER_LOG_LEVEL": "WARNING",
    }
    worker = worker_spawn(name=f"bench-sale-{os.getpid()}", concurrency=args.concurrency,
                          log_path=ROOT / "var" / "bench-sale-worker.log", extra_env=extra_env)
    client = Client()
    answer, sold, ended, requests_before = [], [], [], len(ebay.requests)
    try:
        log(f"publishing {args.items} item(s) to {', '.join(platforms)}")
        ids = []
        for i in range(args.items):
            product = product_make(owner=seller, with_photo=True, brand="Sony", model=f"WH-{i}",
                                   attributes={"type": "Over the Ear (Full-Size)", "color": "Black"})
            ListingDraft.objects.filter(product=product, platform="ebay").update(
                platform_fields=ebay_fields_fill(product=product, credentials=ebay_secrets))
            with transaction.atomic():
                product_approve(product_id=product.pk, by=reviewer, platforms=platforms)
            ids.append(product.pk)
        for pid in ids:
            wait(lambda pid=pid: Product.objects.get(pk=pid).stage == Stage.ACTIVE, args.timeout, f"product {pid} ACTIVE")

        log("selling each on eBay, one at a time, told by notification")
        requests_before = len(ebay.requests)
        for pid in ids:
            product = Product.objects.get(pk=pid)
            ebay.add_order(product.sku, price="99.00")
            body = ebay.notification("ORDER_CONFIRMATION", {"orderId": ebay.orders[-1]["orderId"],
                                                            "lineItems": [{"sku": product.sku}]})
            started = time.monotonic()
            response = client.post("/ebay/notifications/", data=body, content_type="application/json",
                                   HTTP_X_EBAY_SIGNATURE=ebay.sign_notification(body))
            answer.append(time.monotonic() - started)
            assert response.status_code == 204, response.content
            wait(lambda pid=pid: statuses(pid)["ebay"] == ListingStatus.SOLD, args.timeout, "eBay SOLD")
            sold.append(time.monotonic() - started)
            wait(lambda pid=pid: all(s == ListingStatus.ENDED for p, s in statuses(pid).items() if p != "ebay"),
                 args.timeout, "other copies ENDED")
            ended.append(time.monotonic() - started)
    finally:
        worker_stop(worker)
        for server in servers:
            server.stop()

    def q(values):
        return {"p50": round(pct(values, 50), 3), "p95": round(pct(values, 95), 3), "max": round(max(values), 3)}

    print(json.dumps({
        "items": len(ended), "platforms": platforms, "delay_ms": args.delay_ms, "cores": os.cpu_count(),
        "answer_s": q(answer), "sold_s": q(sold), "others_ended_s": q(ended),
        "ebay_public_key_reads": ebay.count("GET", r"/commerce/notification/v1/public_key/"),
        "ebay_requests_during_sales": len(ebay.requests) - requests_before,
        "ebay_contract_violations": len(ebay.contract_violations),
    }, indent=2))


if __name__ == "__main__":
    main()
