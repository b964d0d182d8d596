"""An item whose search matches a served real eBay sold page (read by Chromium in a real worker)
reaches PENDING with the recommended price equal to the condition-matched median delivered price
of the comps BOOMER kept, each comp with its reason."""
from __future__ import annotations

import statistics
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from market.relevance import Item, comps_judge
from market.research import comp_from_row
from market.stats import bucket_of, delivered
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.conftest import ROOT, wait_for, worker_running
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.browser]
PAGE = ROOT.parent / "shared" / "real_pages" / "ebay_sold_1.html"  # Sony WH-1000XM4, sold


class SoldSearch:
    """eBay's web host, as far as the sold search goes: every search answers the saved page."""

    def __init__(self, page: Path):
        body = page.read_bytes()
        self.searches: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if not self.path.startswith("/sch/i.html"):
                    self.send_error(404)
                    return
                outer.searches.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture(scope="module")
def ebay_web():
    server = SoldSearch(PAGE)
    yield server
    server.httpd.shutdown()


@pytest.fixture(scope="module")
def market_worker(test_env, ebay_web, django_db_blocker):
    from boomer_site.breakers import redis_client

    for key in redis_client().scan_iter(match="boomer:cache:market:*"):
        redis_client().delete(key)
    env = {**test_env, "BOOMER_MARKET_SOURCES": "own_sales,ebay_sold", "EBAY_WEB_URL": ebay_web.url,
           "BOOMER_MARKET_MAX_PAGES": "1", "BOOMER_SCRAPE_INTERVAL_SECONDS": "0.1"}
    with worker_running("market", env, "market-worker.log") as process:
        yield process


def test_an_item_is_priced_from_the_sold_comps_it_matches(owner, market_worker, ebay_web):
    photo = make_product_photo(None, label="SONY WH-1000XM4 Wireless Noise Cancelling Headphones", ean13="4548736112094",
                               size=(1200, 900), seed=301)
    with transaction.atomic():
        product = product_create_from_photos(owner=owner, photos=[("xm4.jpg", photo)],
                                             notes="used, light scratches on the headband").product
    wait_for(lambda: Product.objects.get(pk=product.pk).stage in (Stage.PENDING, Stage.FAILED), timeout=240,
             message="PENDING")
    product = Product.objects.select_related("condition").get(pk=product.pk)
    assert product.stage == Stage.PENDING, product.failure_reason
    assert ebay_web.searches and "LH_Sold=1" in ebay_web.searches[0] and "WH-1000XM4" in ebay_web.searches[0]

    pricing = product.pricing
    rows = [row for row in pricing["comps"] if row["source"] == "ebay_sold"]
    assert len(rows) >= 20 and all(row["reason"] for row in rows)
    kept = [row for row in rows if row["kept"]]
    dropped = {row["reason"] for row in rows if not row["kept"]}
    assert kept and dropped  # the page holds both: XM4s, and cases, XM5s, best offers…

    grade = product.condition.grade
    assert grade in ("GOOD", "FAIR", "LIKE_NEW")  # used
    used = [comp_from_row(row) for row in kept if bucket_of(comp_from_row(row)) in ("used", "unknown")]
    expected = Decimal(str(statistics.median(float(delivered(c)) for c in used))).quantize(Decimal("0.01"))
    assert product.recommended_price == expected
    assert f"{len(used)} sold comp(s) in used condition" in product.price_reason
    # The drafts carry that price; the API shows the same comps, statistics and price.
    assert {d.price for d in product.drafts.all()} == {expected}
    client = APIClient()
    client.force_authenticate(owner)
    price = client.get(f"/api/products/{product.pk}/").json()["price"]
    assert Decimal(price["recommended"]) == expected and price["stats"]["ebay"]["count"] == len(kept)
    assert [c["reason"] for c in price["comps"]] == [row["reason"] for row in pricing["comps"]]
    # What was stored is what BOOMER's rules decide again from the same comps.
    assert [j.kept for j in comps_judge([comp_from_row(r) for r in pricing["comps"]], _item(pricing))] == \
        [r["kept"] for r in pricing["comps"]]


def _item(pricing):
    return Item(**pricing["item"])
