"""The Mercari adapter in real headless Chromium against the local Mercari-like site."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from marketplaces.adapters import AdapterError, adapter_for
from tests.marketplaces.conftest import data_for

data = data_for("mercari")

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.fixture
def saved_sessions():
    return []


@pytest.fixture
def mercari(mercari_credentials, saved_sessions):
    return adapter_for("mercari", credentials=mercari_credentials, on_credentials_change=saved_sessions.append)


def test_publish_logs_in_lists_the_item_and_keeps_the_session(mercari, mercari_server, saved_sessions, listing, media):
    result = mercari.publish(data(listing), media)

    [item] = mercari_server.live_items()
    assert item["title"] == listing.title
    assert item["price"] == 120
    assert item["condition"] == "Good"
    assert item["category"] == "Electronics > Headphones"
    assert item["photos"] == 1
    assert item["description"].splitlines()[-1] == f"Ref: {listing.idempotency_key.hex[:8]}"
    assert result.external_id == item["id"]
    assert result.listing_url == f"{mercari_server.url}/item/{item['id']}"
    assert mercari_server.logins == 1
    [saved] = saved_sessions
    assert any(c["name"] == "sid" for c in saved["storage_state"]["cookies"])


def test_publish_twice_is_one_listing_and_reuses_the_stored_session(mercari, mercari_server, saved_sessions,
                                                                    mercari_credentials, listing, media):
    first = mercari.publish(data(listing), media)
    again = adapter_for("mercari", credentials=saved_sessions[-1])  # the next worker, with the saved session
    second = again.publish(data(listing), media)

    assert second.external_id == first.external_id
    assert second.raw["reused"] is True
    assert len(mercari_server.live_items()) == 1
    assert mercari_server.logins == 1  # the restored session was enough


def test_same_title_without_our_reference_is_not_mistaken_for_ours(mercari, mercari_server, listing, media, owner):
    from tests.factories import listing_make, product_make

    other = listing_make(product=product_make(owner=owner, brand="Sony", model="WH-1000XM4"), platform="mercari",
                         status="PUBLISHING", price="120.00")
    assert other.title == listing.title
    mercari.publish(data(listing), media)
    mercari.publish(data(other), media)
    assert len(mercari_server.live_items()) == 2


def test_withdraw_deletes_and_is_idempotent_and_status_follows(mercari, mercari_server, listing, media):
    result = mercari.publish(data(listing), media)
    listing.external_id = result.external_id
    assert mercari.fetch_status(data(listing)).status == "LIVE"

    mercari.withdraw(data(listing))
    mercari.withdraw(data(listing))

    assert mercari_server.live_items() == []
    assert mercari.fetch_status(data(listing)).status == "ENDED"


def test_fetch_status_detects_a_sale(mercari, mercari_server, listing, media):
    result = mercari.publish(data(listing), media)
    mercari_server.mark_sold(result.external_id)
    listing.external_id = ""  # even without the id, the reference line finds it
    state = mercari.fetch_status(data(listing))
    assert state.status == "SOLD"
    assert state.sold_price == Decimal("120")


def test_500_is_retryable_and_saves_a_screenshot(mercari, mercari_server, listing, media, settings):
    mercari_server.faults.fail_next, mercari_server.faults.match = 1, r"^/sell$"
    with pytest.raises(AdapterError) as error:
        mercari.publish(data(listing), media)
    assert error.value.permanent is False
    assert error.value.status == 500
    name = error.value.details["screenshot"]
    assert name.startswith("mercari-failures/") and name.endswith(".png")
    path = Path(settings.MEDIA_ROOT) / name
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    default_storage.delete(name)


def test_429_is_retryable_with_retry_after(mercari, mercari_server, listing, media):
    mercari_server.faults.rate_limit_next, mercari_server.faults.retry_after = 1, 9
    with pytest.raises(AdapterError) as error:
        mercari.publish(data(listing), media)
    assert error.value.permanent is False
    assert error.value.retry_after == 9


def test_a_refused_form_is_permanent_with_the_sites_message_and_a_screenshot(mercari, mercari_server, listing, media):
    listing.price = Decimal("5000")  # above the site's limit
    with pytest.raises(AdapterError) as error:
        mercari.publish(data(listing), media)
    assert error.value.permanent is True
    assert "Price must be between $1 and $2000" in str(error.value)
    assert default_storage.exists(error.value.details["screenshot"])
    assert mercari_server.live_items() == []


def test_timeout_is_retryable(mercari_credentials, mercari_server, listing, media, settings):
    settings.MERCARI_TIMEOUT_MS = 700
    mercari_server.faults.delay_ms = 1500
    with pytest.raises(AdapterError) as error:
        adapter_for("mercari", credentials=mercari_credentials).publish(data(listing), media)
    assert error.value.permanent is False
    assert "in time" in str(error.value)


def test_site_down_is_retryable(mercari, mercari_server, listing, media):
    mercari_server.faults.down = True
    with pytest.raises(AdapterError) as error:
        mercari.publish(data(listing), media)
    assert error.value.permanent is False


def test_a_wrong_password_is_permanent(mercari_server, listing, media):
    adapter = adapter_for("mercari", credentials={"email": mercari_server.email, "password": "nope"})
    with pytest.raises(AdapterError) as error:
        adapter.publish(data(listing), media)
    assert error.value.permanent is True
    assert "The email or password is incorrect" in str(error.value)
    assert "nope" not in str(error.value)


def test_the_category_mapped_from_boomers_is_chosen_in_the_sell_form(mercari, mercari_server, owner, media):
    from listings.models import Listing, ListingDraft
    from listings.platform_categories import draft_category_fill
    from listings.publishing import listing_data
    from listings.services import product_approve
    from products.models import Product
    from tests.factories import product_make, user_make

    product = product_make(owner=owner, brand="Levi's", model="501")
    Product.objects.filter(pk=product.pk).update(category="Men's Jeans")
    draft_category_fill(draft=ListingDraft.objects.get(product=product, platform="mercari"))  # the describe step
    product_approve(product_id=product.pk, by=user_make("me-reviewer", role="reviewer"), platforms=["mercari"])

    mercari.publish(listing_data(Listing.objects.get(product=product, platform="mercari")), media)
    [item] = mercari_server.live_items()
    assert item["category"] == "Men > Jeans"


def test_no_category_is_refused_for_good_before_the_browser_opens(mercari, mercari_server, listing, media):
    from dataclasses import replace

    with pytest.raises(AdapterError) as error:
        mercari.publish(replace(data(listing), category_path=""), media)
    assert error.value.permanent is True and "Mercari needs a category" in str(error.value)
    assert mercari_server.requests == []
