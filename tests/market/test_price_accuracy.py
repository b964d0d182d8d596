"""Recommendations measured against what items later sold for (MdAPE by category and source)."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from listings.models import ListingStatus
from market.models import PriceOutcome
from products.models import Product
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db


def sold_item(owner, *, recommended, sold, category="Electronics > Audio", source="ebay_sold"):
    product = product_make(owner=owner, stage="SOLD")
    Product.objects.filter(pk=product.pk).update(
        recommended_price=Decimal(recommended), category=category,
        pricing={"comps": [{"source": source, "kept": True, "kind": "sold"}]})
    return listing_make(product=product, status=ListingStatus.SOLD, sold_price=sold)


def test_each_sale_is_measured_once_and_the_backtest_reports_mdape(owner, client):
    sold_item(owner, recommended="100.00", sold="80.00")                     # 25 % off
    sold_item(owner, recommended="100.00", sold="100.00")                    # exact
    sold_item(owner, recommended="50.00", sold="40.00", category="Toys", source="own_sales")  # 25 %
    out = io.StringIO()
    call_command("price_backtest", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["by_category"]["Electronics > Audio"] == {"mdape": 0.125, "count": 2}
    assert report["by_category"]["all"] == {"mdape": 0.25, "count": 3}
    assert report["by_source"]["own_sales"] == {"mdape": 0.25, "count": 1}
    call_command("price_backtest", stdout=io.StringIO())
    assert PriceOutcome.objects.count() == 3  # measured once
    assert 'boomer_price_mdape{category="Toys"} 0.25' in client.get("/metrics").content.decode()
