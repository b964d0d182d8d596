"""The eBay adapter against the local Sell Inventory / Fulfillment contract server."""
from __future__ import annotations

from decimal import Decimal

import pytest

from marketplaces.adapters import AdapterError, adapter_for
from tests.marketplaces.conftest import EBAY_FIELDS, data

pytestmark = pytest.mark.django_db


def test_publish_puts_the_item_creates_one_offer_and_publishes(ebay, ebay_server, listing, media):
    result = ebay.publish(data(listing), media)

    sku = listing.product.sku
    item = ebay_server.inventory[sku]
    assert item["product"]["title"] == listing.title
    assert item["product"]["imageUrls"] == [media[0].url]
    assert item["product"]["aspects"] == EBAY_FIELDS["aspects"]
    assert item["product"]["upc"] == ["027242920378"] and item["product"]["brand"] == "Sony"
    assert "mpn" not in item["product"]
    assert item["condition"] == "USED_EXCELLENT"  # what Headphones allow, not the grade's fixed USED_GOOD
    assert item["conditionDescription"] == "Light scuffs on the left ear cup."
    assert item["availability"]["shipToLocationAvailability"]["quantity"] == 1
    assert ebay_server.offers_created[sku] == 1
    offer = next(iter(ebay_server.offers.values()))
    assert offer["categoryId"] == "112529"  # the listing's own category
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
    assert [p["field"] for p in error.value.details["problems"]] == ["policies"]


def test_an_ungraded_item_is_refused_before_calling_ebay(ebay, ebay_server, listing, media):
    listing.product.condition.grade = ""
    listing.platform_fields = {**EBAY_FIELDS, "condition": {}}
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert error.value.permanent is True
    assert error.value.details["problems"][0]["field"] == "condition"
    assert ebay_server.requests == []


def test_a_listing_without_ebay_fields_falls_back_and_ebay_names_what_is_missing(ebay, ebay_server, listing, media):
    """Approved before BOOMER read eBay's catalog: the account's Headphones category, Brand only and
    the grade's fixed USED_GOOD, which real eBay refuses — and the refusal names the fields."""
    listing.platform_fields = {}
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)

    assert error.value.permanent is True and error.value.status == 400
    assert [p["field"] for p in error.value.details["problems"]] == ["aspects.Type", "condition"]
    assert "The item specific Type is missing" in error.value.details["problems"][0]["message"]
    assert ebay_server.inventory[listing.product.sku]["product"]["aspects"] == {"Brand": ["Sony"]}
    assert all(o["status"] == "UNPUBLISHED" for o in ebay_server.offers.values())


def test_a_made_up_value_for_a_selection_only_specific_is_refused(ebay, ebay_server, listing, media):
    listing.platform_fields = {**EBAY_FIELDS, "aspects": {**EBAY_FIELDS["aspects"], "Type": ["Over-ear"]}}
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert [p["field"] for p in error.value.details["problems"]] == ["aspects.Type"]
    assert "25002" in str(error.value)


def test_a_condition_the_category_forbids_is_refused_with_25021(ebay, ebay_server, listing, media):
    listing.platform_fields = {**EBAY_FIELDS, "condition": {"enum": "LIKE_NEW", "id": "2750"}}
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert "25021" in str(error.value)
    assert [p["field"] for p in error.value.details["problems"]] == ["condition"]


def test_a_parent_category_is_refused_with_25005(ebay, ebay_server, listing, media):
    listing.platform_fields = {**EBAY_FIELDS, "category": {"id": "15052", "path": "Consumer Electronics > "
                                                                                  "Portable Audio & Headphones"}}
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert "25005" in str(error.value)
    assert [p["field"] for p in error.value.details["problems"]] == ["category"]
    assert next(iter(ebay_server.offers.values()))["categoryId"] == "15052"


def test_publish_without_the_sellers_location_on_ebay_names_the_location(ebay, ebay_server, listing, media):
    ebay_server.locations.clear()
    with pytest.raises(AdapterError) as error:
        ebay.publish(data(listing), media)
    assert [p["field"] for p in error.value.details["problems"]] == ["location"]


def test_new_items_carry_no_condition_description_and_mpn_goes_with_the_brand(ebay, ebay_server, listing, media):
    listing.platform_fields = {**EBAY_FIELDS, "condition": {"enum": "NEW", "id": "1000"},
                               "identifiers": {"ean": "4006381333931", "brand": "Sony", "mpn": "WH1000XM4/B"},
                               "package": {"weight_oz": 22, "length_in": 9, "width_in": 8, "height_in": 4}}
    ebay.publish(data(listing), media)

    item = ebay_server.inventory[listing.product.sku]
    assert item["condition"] == "NEW" and "conditionDescription" not in item
    assert item["product"]["ean"] == ["4006381333931"] and item["product"]["mpn"] == "WH1000XM4/B"
    assert item["packageWeightAndSize"] == {"weight": {"value": 22.0, "unit": "OUNCE"}, "dimensions": {
        "length": 9.0, "width": 8.0, "height": 4.0, "unit": "INCH"}}


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
