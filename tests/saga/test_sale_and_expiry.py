"""The delist saga: a sale on one platform ends every other copy and the product is SOLD;
copies past their end date end, and when all have ended the product is EXPIRED."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from listings import tasks as saga_tasks
from listings.models import Listing, ListingStatus, SaleSource
from products.models import Stage
from tests.conftest import wait_for
from tests.saga.conftest import (
    approve,
    listing,
    new_product,
    notes,
    stage_history,
    stage_of,
    wait_listing,
    wait_sent,
    wait_stage,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]


def test_a_sale_on_ebay_ends_the_other_copies_and_the_product_is_sold(connected_seller, reviewer, servers):
    product = new_product(connected_seller)
    approve(product, reviewer)
    wait_stage(product, Stage.ACTIVE)
    wait_sent(product, "published")
    ebay = listing(product, "ebay")
    assert len(servers.mercari.live_items()) == 1

    servers.ebay.add_order(product.sku, price="99.50")
    assert saga_tasks.sync_status_task.delay(ebay.pk).get(timeout=60) == "SOLD"

    ebay = wait_listing(product, "ebay", ListingStatus.SOLD)
    assert ebay.sold_price == Decimal("99.50") and ebay.sold_at is not None
    assert ebay.sale_source == SaleSource.PLATFORM  # eBay's word: it feeds every seller's comps
    for platform in ("facebook", "mercari"):
        wait_listing(product, platform, ListingStatus.ENDED)
    assert product.sku not in servers.facebook.items
    assert servers.facebook.count("POST", r"/items_batch$") == 2  # the upsert, then the DELETE
    assert servers.mercari.live_items() == []
    assert stage_of(product) == Stage.SOLD
    assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE", "SOLD"]
    note = wait_sent(product, "sold")
    assert "99.50" in note.body and "eBay" in note.body
    assert notes(product, "sold").count() == 1
    assert len(servers.webhook.events("sold")) == 1

    # The beat's next pass finds nothing left to do, and the sale is told once.
    saga_tasks.sync_platforms_task.delay().get(timeout=30)
    assert saga_tasks.sync_status_task.delay(ebay.pk).get(timeout=30) == ListingStatus.SOLD
    assert notes(product, "sold").count() == 1


def test_marking_a_sale_through_the_api_ends_the_other_copies(connected_seller, reviewer, servers):
    product = new_product(connected_seller)
    approve(product, reviewer, platforms=("ebay", "facebook"))
    wait_stage(product, Stage.ACTIVE)
    facebook = listing(product, "facebook")

    client = APIClient()
    client.force_authenticate(connected_seller)
    response = client.post(f"/api/listings/{facebook.pk}/mark-sold/", {"price": "110.00"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ListingStatus.SOLD

    wait_listing(product, "ebay", ListingStatus.ENDED)
    assert servers.ebay.count("POST", r"/offer/[^/]+/withdraw$") == 1
    assert listing(product, "facebook").sold_price == Decimal("110.00")
    assert listing(product, "facebook").sale_source == SaleSource.SELLER  # the seller's word: their comp only
    assert stage_of(product) == Stage.SOLD
    wait_sent(product, "sold")
    again = client.post(f"/api/listings/{facebook.pk}/mark-sold/", {}, format="json")
    assert again.status_code == 409
    assert notes(product, "sold").count() == 1


def test_listings_past_their_end_date_end_and_then_the_product_expires(connected_seller, reviewer, servers):
    product = new_product(connected_seller)
    approve(product, reviewer, platforms=("ebay", "facebook"))
    wait_stage(product, Stage.ACTIVE)
    past = timezone.now() - timedelta(minutes=1)

    Listing.objects.filter(product=product, platform="ebay").update(ends_at=past)
    saga_tasks.expire_listings_task.delay().get(timeout=30)
    wait_listing(product, "ebay", ListingStatus.ENDED)
    assert servers.ebay.count("POST", r"/offer/[^/]+/withdraw$") == 1
    assert stage_of(product) == Stage.ACTIVE  # Facebook still has it on sale
    assert not notes(product, "expired").exists()

    Listing.objects.filter(product=product, platform="facebook").update(ends_at=past)
    saga_tasks.expire_listings_task.delay().get(timeout=30)
    wait_listing(product, "facebook", ListingStatus.ENDED)
    wait_stage(product, Stage.EXPIRED)
    assert product.sku not in servers.facebook.items
    assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE", "EXPIRED"]
    wait_sent(product, "expired")
    saga_tasks.expire_listings_task.delay().get(timeout=30)  # nothing due any more
    wait_for(lambda: len(servers.webhook.events("expired")) == 1, timeout=10, message="one expired webhook")
    assert notes(product, "expired").count() == 1
