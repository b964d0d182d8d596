"""The eBay adapter against the local Sell Inventory / Fulfillment contract server."""
from __future__ import annotations

from decimal import Decimal

import pytest

from marketplaces.adapters import AdapterError, adapter_for
from tests.marketplaces.conftest import data

pytestmark = pytest.mark.django_db


def test_publish_puts_the_item_creates_one_offer_and_publishes(ebay, ebay_server, listing, media):
    result = ebay.publish(data(listing), media)

    sku = listing.product.sku
    item = ebay_server.inventory[sku]
    assert item["product"]["title"] == listing.title
    assert item["product"]["imageUrls"] == [media[0].url]
    assert item["condition"] == "USED_GOOD"
    assert item["availability"]["shipToLocationAvailability"]["quantity"] == 1
    assert ebay_server.offers_created[sku] == 1
    offer = next(iter(ebay_server.offers.values()))
    assert offer["pricingSummary"]["price"] == {"value": "120.00", "currency": "USD"}
    assert offer["listingPolicies"]["fulfillmentPolicyId"] == "F-1"
    assert result.external_id == offer["listing"]["listingId"]
    assert result.listing_url == f"https://www.ebay.com/itm/{result.external_id}"
    assert result.raw["offerId"] == offer["offerId"]


def test_publish_twice_is_one_offer_and_the_same_listing(ebay, ebay_server, listing, media):
    first = ebay.publish(data(listing), media)
    second = ebay.publish(data(listing), media)

    assert second.external_id == first.external_id
    assert ebay_server.offers_created[listing.product.sku] == 1
    assert ebay_server.count("POST", r"/publish$") == 1
    assert ebay_server.token_requests == 1  # the token is cached


def test_an_unpublished_offer_left_by_a_failed_attempt_is_reused(ebay, ebay_server, listing, media):
    ebay_server.faults.fail_next, ebay_server.faults.match = 1, r"/publish$"
    with pytest.raises(AdapterError) as failed:
        ebay.publish(data(listing), media)
    assert failed.value.permanent is False
    assert next(iter(ebay_server.offers.values()))["status"] == "UNPUBLISHED"

    result = ebay.publish(data(listing), media)

    assert ebay_server.offers_created[listing.product.sku] == 1
    assert ebay_server.count("PUT", r"/offer/") == 1  # the left-over offer was updated, not duplicated
    assert result.external_id


def test_withdraw_ends_the_listing_and_is_idempotent(ebay, ebay_server, listing, media):
    ebay.publish(data(listing), media)
    ebay.withdraw(data(listing))
    ebay.withdraw(data(listing))  # already withdrawn: success

    offer = next(iter(ebay_server.offers.values()))
    assert offer["status"] == "UNPUBLISHED"
    assert ebay_server.count("POST", r"/withdraw$") == 1
    assert ebay.fetch_status(data(listing)).status == "ENDED"


def test_withdraw_of_something_never_published_is_success(ebay, listing):
    ebay.withdraw(data(listing))


def test_fetch_status_live_then_sold_from_the_fulfillment_api(ebay, ebay_server, listing, media):
    result = ebay.publish(data(listing), media)
    listing.external_id = result.external_id
    assert ebay.fetch_status(data(listing)).status == "LIVE"

    ebay_server.add_order("OTHER-SKU", price="5.00", legacy_item_id="999")
    ebay_server.add_order(listing.product.sku, price="115.50", cancelled=True)
    assert ebay.fetch_status(data(listing)).status == "LIVE"  # a cancelled order is no sale

    ebay_server.add_order(listing.product.sku, price="118.00")
    state = ebay.fetch_status(data(listing))
    assert state.status == "SOLD"
    assert state.sold_price == Decimal("118.00")
    assert state.sold_at is not None


def test_unknown_when_nothing_was_ever_offered(ebay, listing):
    assert ebay.fetch_status(data(listing)).status == "UNKNOWN"


def test_500_is_retryable(ebay, ebay_server, listing, media):
    ebay_server.faults.fail_next, ebay_server.faults.match = 1, r"/inventory_item/"
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is False
    assert "A system error has occurred" in str(error.value)


def test_429_is_retryable_with_retry_after(ebay, ebay_server, listing, media):
    ebay.publish(data(listing), media)  # a token first, so the 429 hits the API
    ebay_server.faults.rate_limit_next, ebay_server.faults.retry_after = 1, 7
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is False
    assert error.value.retry_after == 7


def test_400_validation_is_permanent_with_ebays_message(ebay_server, ebay_credentials, listing, media):
    del ebay_credentials["fulfillment_policy_id"]
    adapter = adapter_for("ebay", credentials=ebay_credentials)
    with pytest.raises(AdapterError) as error:
        adapter.publish(data(listing), media)
    assert error.value.permanent is True
    assert "25002" in str(error.value) and "fulfillmentPolicyId" in str(error.value)


def test_an_ungraded_item_is_refused_before_calling_ebay(ebay, ebay_server, listing, media):
    listing.product.condition.grade = ""
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is True
    assert ebay_server.requests == []


def test_timeout_is_retryable(ebay, ebay_server, listing, media, settings):
    settings.BOOMER_MARKETPLACE_TIMEOUT = 0.3
    ebay_server.faults.delay_ms = 800
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is False
    assert "in time" in str(error.value)


def test_connection_refused_is_retryable(ebay, ebay_server, listing, media):
    ebay_server.faults.down = True
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is False


def test_401_refreshes_the_token_once_and_carries_on(ebay, ebay_server, listing, media):
    ebay.publish(data(listing), media)
    ebay_server.expire_tokens()  # the cached token is now refused

    ebay.withdraw(data(listing))

    assert ebay_server.token_requests == 2
    assert next(iter(ebay_server.offers.values()))["status"] == "UNPUBLISHED"


def test_a_bad_refresh_token_is_permanent(ebay_server, ebay_credentials, listing, media):
    adapter = adapter_for("ebay", credentials={**ebay_credentials, "refresh_token": "revoked"})
    with pytest.raises(AdapterError) as error:
        adapter.publish(data(listing), media)
    assert error.value.permanent is True
    assert "refresh token is invalid" in str(error.value)
    assert "revoked" not in str(error.value)
