"""A seller connected with `connect_marketplace ebay` (the operator's app keys, a refresh token and
a postal code; no inventory location on eBay yet): BOOMER creates the location at setup, and two
items approved and published through the worker both go live with that one location — one
location POST in all."""
from __future__ import annotations

import os
import time

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from boomer_site.tasking import task_send
from listings.models import ListingDraft, ListingStatus
from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount
from products.models import Product, ProductCondition, Stage
from tests.saga.conftest import (
    EBAY_CLIENT_SECRET,
    EBAY_REFRESH_TOKEN,
    new_product,
    purge_broker,
    wait_listing,
    wait_stage,
    worker_env,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]

OVER_EAR = "Over the Ear (Full-Size)"
LOCATION_POST = r"^/sell/inventory/v1/location/[^/]+$"


@pytest.fixture(scope="module")
def saga_worker(servers, test_env, saga_log):
    """The module's worker, with the operator's eBay app keys in its environment (a seller connected
    by consent or connect_marketplace stores none of their own)."""
    from boomer_site.workers import worker_spawn, worker_stop

    purge_broker()
    process = worker_spawn(name=f"saga-{os.getpid()}-{time.time_ns()}", concurrency=4, log_path=saga_log,
                           extra_env={**worker_env(servers, test_env), "EBAY_CLIENT_ID": servers.ebay.client_id,
                                      "EBAY_CLIENT_SECRET": EBAY_CLIENT_SECRET})
    yield process
    worker_stop(process)


@pytest.fixture
def app_keys(settings, servers):
    settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = servers.ebay.client_id, EBAY_CLIENT_SECRET
    with servers.ebay.lock:  # no location on eBay yet: the setup creates it
        servers.ebay.locations.clear()
        servers.ebay.locations_created.clear()
    yield
    with servers.ebay.lock:
        servers.ebay.locations.clear()
    servers.ebay.add_location("home")


def described(seller) -> Product:
    """Headphones whose eBay draft the worker's describe step fills, as in the pipeline."""
    product = new_product(seller, attributes={"type": OVER_EAR})
    ListingDraft.objects.filter(product=product, platform="ebay").update(platform_fields={})
    Product.objects.filter(pk=product.pk).update(name="Sony WH-1000XM4 Headphones")
    ProductCondition.objects.filter(product=product).update(grade="GOOD")
    Product.objects.filter(pk=product.pk).update(stage=Stage.RESEARCHING, pricing={
        "recommended": 120.0, "currency": "USD", "reason": "comparable sales"})
    task_send("agents.describe", product.pk)
    wait_stage(product, Stage.PENDING, Stage.FAILED)
    return Product.objects.get(pk=product.pk)


def test_a_seller_connected_without_a_location_gets_one_created_once_for_two_live_items(
        seller, reviewer, servers, app_keys):
    call_command("connect_marketplace", "ebay", "--user", seller.username, "--no-input",
                 "--set", f"refresh_token={EBAY_REFRESH_TOKEN}", "--set", "postal_code=95125", "--set", "country=US")
    secrets = account_secrets(MarketplaceAccount.objects.get(owner=seller, platform="ebay"))
    key = secrets["merchant_location_key"]
    assert "category_id" not in secrets and "client_id" not in secrets
    assert servers.ebay.count("POST", LOCATION_POST) == 1 and servers.ebay.locations_created[key] == 1

    client = APIClient()
    client.force_authenticate(reviewer)
    items = [described(seller), described(seller)]
    for product in items:
        fields = ListingDraft.objects.get(product=product, platform="ebay").platform_fields
        assert fields["category"]["id"] == "112529" and fields["preflight"]["problems"] == [], fields
        answer = client.post(f"/api/products/{product.pk}/approve/", {"platforms": ["ebay"]}, format="json")
        assert answer.status_code == 200, answer.json()

    for product in items:
        wait_stage(product, Stage.ACTIVE, Stage.PENDING)
        item = wait_listing(product, "ebay", ListingStatus.LIVE, ListingStatus.FAILED)
        assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error
        offer = next(o for o in servers.ebay.offers.values() if o["sku"] == product.sku)
        assert offer["merchantLocationKey"] == key
    assert servers.ebay.count("POST", LOCATION_POST) == 1 and servers.ebay.locations_created[key] == 1
