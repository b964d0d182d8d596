"""A sale reaches BOOMER through eBay's order notification, not the next poll: the signed message
makes the real worker check that copy at once, the sale is confirmed from eBay's orders, and
every other copy ends. (No beat runs in these tests: nothing else would find the sale.)"""
from decimal import Decimal

import pytest

from boomer_site.models import AnalyticsEvent
from listings.models import ListingStatus
from marketplaces.models import MarketplaceAccount
from products.models import Stage
from tests.conftest import wait_for
from tests.saga.conftest import (
    EBAY_CLIENT_SECRET,
    approve,
    listing,
    new_product,
    stage_of,
    wait_listing,
    wait_sent,
    wait_stage,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]
URL = "/ebay/notifications/"


@pytest.fixture
def ebay_endpoint(settings, servers):
    """The web process (this test's client) reads eBay's public key from the contract server."""
    settings.EBAY_API_URL = settings.EBAY_AUTH_URL = servers.ebay.url
    settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = servers.ebay.client_id, EBAY_CLIENT_SECRET
    with servers.ebay.lock:  # the seller's inventory location ("home" in conftest's connect), made at connect time
        servers.ebay.locations.setdefault("home", {"location": {"address": {"postalCode": "94107", "country": "US"}},
                                                   "locationTypes": ["WAREHOUSE"]})
    return servers.ebay


def notify(client, ebay, topic: str, data: dict):
    body = ebay.notification(topic, data)
    return client.post(URL, data=body, content_type="application/json",
                       HTTP_X_EBAY_SIGNATURE=ebay.sign_notification(body))


def live_everywhere(seller, reviewer):
    product = new_product(seller)
    approve(product, reviewer)
    wait_stage(product, Stage.ACTIVE)
    return product


def sold_and_settled(product, price=None):
    """The eBay copy sold, every other copy ended, the seller told: nothing of this test's saga is
    still in flight when it returns (a worker writing after the next test's flush would break it)."""
    ebay = wait_listing(product, "ebay", ListingStatus.SOLD, timeout=60)
    if price is not None:
        assert ebay.sold_price == Decimal(price)
    for platform in ("facebook", "mercari"):
        wait_listing(product, platform, ListingStatus.ENDED, timeout=60)
    wait_stage(product, Stage.SOLD, timeout=60)
    wait_sent(product, "sold")


def order_reads(ebay) -> int:
    return ebay.count("GET", r"^/sell/fulfillment/v1/order(\?|$)")


def test_an_order_notification_ends_the_other_copies(client, connected_seller, reviewer, servers, ebay_endpoint):
    product = live_everywhere(connected_seller, reviewer)
    servers.ebay.add_order(product.sku, price="99.50")
    data = servers.ebay.order_confirmation(servers.ebay.orders[-1])
    assert data["order"]["orderLineItems"][0]["listingId"] == listing(product, "ebay").external_id

    response = notify(client, servers.ebay, "ORDER_CONFIRMATION", data)

    assert response.status_code == 204
    sold_and_settled(product, price="99.50")
    assert servers.mercari.live_items() == [] and product.sku not in servers.facebook.items
    assert stage_of(product) == Stage.SOLD


def test_a_notification_carrying_only_the_order_id_reads_the_order_and_ends_the_other_copies(
        client, connected_seller, reviewer, servers, ebay_endpoint):
    """The seller and the order, no lines: the items come from getOrder, read by the worker with
    the account of the eBay user the message names."""
    MarketplaceAccount.objects.filter(owner=connected_seller, platform="ebay").update(
        external_user_id=servers.ebay.ebay_user["userId"])
    product = live_everywhere(connected_seller, reviewer)
    servers.ebay.add_order(product.sku, price="64.00")

    response = notify(client, servers.ebay, "ORDER_CONFIRMATION",
                      servers.ebay.order_confirmation(servers.ebay.orders[-1], lines=False))

    assert response.status_code == 204
    sold_and_settled(product, price="64.00")
    assert servers.ebay.count("GET", "/sell/fulfillment/v1/order/" + servers.ebay.orders[-1]["orderId"]) == 1


def test_an_order_no_connected_account_owns_is_recorded_not_dropped(client, connected_seller, servers, ebay_endpoint):
    response = notify(client, servers.ebay, "ORDER_CONFIRMATION", {"order": {"orderId": "27-00000-99999"}})

    assert response.status_code == 204
    event = wait_for(lambda: AnalyticsEvent.objects.filter(event_type="sale_report.unmatched").first(), timeout=30,
                     interval=0.1, message="the unmatched order recorded")
    assert event.event_data["order_id"] == "27-00000-99999"


def test_a_notification_naming_only_the_seller_syncs_that_sellers_account_once(
        client, connected_seller, reviewer, servers, ebay_endpoint):
    MarketplaceAccount.objects.filter(owner=connected_seller, platform="ebay").update(external_user_id="ma8vp1jySJC")
    product, other = live_everywhere(connected_seller, reviewer), live_everywhere(connected_seller, reviewer)
    servers.ebay.add_order(product.sku, price="80.00")
    before = order_reads(servers.ebay)

    response = notify(client, servers.ebay, "ORDER_CONFIRMATION",
                      {"user": {"userId": "ma8vp1jySJC", "username": "boomer_seller_1"}})

    assert response.status_code == 204
    sold_and_settled(product)
    assert listing(other, "ebay").status == ListingStatus.LIVE
    assert order_reads(servers.ebay) - before == 1  # one read of the seller's orders, not one per copy


def test_a_notification_that_eBay_did_not_sign_sells_nothing(client, connected_seller, reviewer, servers,
                                                             ebay_endpoint):
    product = live_everywhere(connected_seller, reviewer)
    servers.ebay.add_order(product.sku, price="99.50")
    body = servers.ebay.notification("ORDER_CONFIRMATION", {"lineItems": [{"sku": product.sku}]})
    forged = servers.ebay.sign_notification(body.replace(b"ORDER", b"ORDER "))  # signed something else

    response = client.post(URL, data=body, content_type="application/json", HTTP_X_EBAY_SIGNATURE=forged)

    assert response.status_code == 412 and "does not match" in response.json()["detail"]
    assert listing(product, "ebay").status == ListingStatus.LIVE
    # the same message, signed by eBay: sold
    assert notify(client, servers.ebay, "ORDER_CONFIRMATION", {"lineItems": [{"sku": product.sku}]}).status_code == 204
    sold_and_settled(product)
