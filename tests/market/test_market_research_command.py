"""`manage.py market_research … --json`: exactly one JSON document with the comps (kept or
dropped, and why), statistics and the price; exit 0 when it ran, non-zero when a source could not."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from listings.models import ListingStatus
from tests.conftest import ROOT
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db(transaction=True)
KEYS = {"source", "title", "price", "shipping", "currency", "sold_at", "url", "item_id", "kept", "reason"}


def run(test_env, *args):
    return subprocess.run([sys.executable, "manage.py", "market_research", *args, "--json"], cwd=ROOT,
                          env={**os.environ, **test_env}, capture_output=True, text=True, timeout=120)


def test_a_product_s_research_from_boomer_s_sales(owner, test_env):
    item = product_make(owner=owner, brand="Sony", model="WH-1000XM4", price=None)
    for price in ("110.00", "120.00", "125.00"):
        listing_make(product=product_make(owner=owner, brand="Sony", model="WH-1000XM4", stage="SOLD"),
                     status=ListingStatus.SOLD, sold_price=price)
    listing_make(product=product_make(owner=owner, brand="Sony", model="WH-1000XM5", stage="SOLD"),
                 status=ListingStatus.SOLD, sold_price="300.00")

    result = run(test_env, "--product", str(item.pk), "--sources", "own_sales")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # one document, nothing else on stdout
    assert set(document) >= {"query", "comps", "stats", "recommended", "reason"}
    assert all(KEYS <= set(comp) for comp in document["comps"])
    assert sorted(c["price"] for c in document["comps"] if c["kept"]) == [110.0, 120.0, 125.0]
    assert [c["reason"] for c in document["comps"] if not c["kept"]] == []  # the XM5 is not matched at all
    assert Decimal(str(document["recommended"])) == Decimal("120.00")
    assert document["stats"]["ebay"]["count"] == 3 and "delivered_median" in document["stats"]["ebay"]


def test_no_comps_is_an_answer_not_an_error(owner, test_env):
    item = product_make(owner=owner, brand="Acme", model="Z-1", price=None)
    result = run(test_env, "--product", str(item.pk), "--sources", "own_sales")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["recommended"] is None and document["reason"].startswith("no comparable sales yet")


def test_a_source_that_cannot_run_exits_non_zero_with_the_reason(test_env):
    result = run({**test_env, "EBAY_CLIENT_ID": "", "EBAY_CLIENT_SECRET": ""}, "--query", "Sony WH-1000XM4",
                 "--sources", "ebay_active")
    assert result.returncode != 0
    assert "ebay_active could not be read" in result.stderr and "EBAY_CLIENT_ID" in result.stderr
    assert json.loads(result.stdout)["errors"]["ebay_active"]
