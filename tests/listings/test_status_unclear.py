"""A status the platform shows that BOOMER does not know is investigated, never guessed: the
listing stays LIVE (its other copies stay on sale), the reviewer sees why on the listing and the
audit trail keeps what was read (issue 13 item 17)."""
from __future__ import annotations

import pytest

from boomer_site.models import AnalyticsEvent
from listings.delisting import listing_status_sync
from listings.models import Listing, ListingStatus
from marketplaces.adapters import adapter_for
from marketplaces.credentials import account_save
from products.models import Product, Stage
from tests.factories import listing_make, product_make
from tests.marketplaces.conftest import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_pair(owner):
    """A product ACTIVE on Mercari and Facebook (made in the database; published below)."""
    product = product_make(owner=owner, stage=Stage.ACTIVE, brand="Sony", model="WH-1000XM4")
    return {platform: listing_make(product=product, platform=platform, status=ListingStatus.LIVE, price="120.00")
            for platform in ("mercari", "facebook")}


def _published(listing, adapter, photo) -> Listing:
    from marketplaces.adapters import Media

    result = adapter.publish(data(listing), [Media.from_bytes(photo, url="https://media.example.com/1.jpg")])
    Listing.objects.filter(pk=listing.pk).update(external_id=result.external_id, listing_url=result.listing_url)
    return Listing.objects.get(pk=listing.pk)


def _unclear_events(listing):
    return AnalyticsEvent.objects.filter(listing=listing, event_type="listing.status_unknown")


@pytest.mark.browser
def test_an_unknown_mercari_status_keeps_the_listing_live_and_is_noted(live_pair, owner, mercari_server,
                                                                      mercari_credentials, photo):
    account_save(owner=owner, platform="mercari", secrets=mercari_credentials)
    listing = _published(live_pair["mercari"], adapter_for("mercari", credentials=mercari_credentials), photo)
    mercari_server.items[listing.external_id]["status"] = "in_progress"  # shows "In progress": bought, not settled

    assert listing_status_sync(listing_id=listing.pk) == "UNKNOWN"

    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE
    assert "In progress" in listing.last_error and "Mercari" in listing.last_error
    assert Product.objects.get(pk=listing.product_id).stage == Stage.ACTIVE
    assert Listing.objects.get(pk=live_pair["facebook"].pk).status == ListingStatus.LIVE
    [event] = _unclear_events(listing)
    assert event.event_data["raw"]["status"] == "In progress"

    listing_status_sync(listing_id=listing.pk)  # the next cycle: same answer, not a second event
    assert _unclear_events(listing).count() == 1


def test_an_item_missing_from_the_facebook_catalog_keeps_the_listing_live(live_pair, owner, facebook_server, photo):
    secrets = {"access_token": facebook_server.access_token, "catalog_id": facebook_server.catalog_id}
    account_save(owner=owner, platform="facebook", secrets=secrets)
    listing = _published(live_pair["facebook"], adapter_for("facebook", credentials=secrets), photo)
    with facebook_server.lock:
        facebook_server.items.clear()  # gone without our delete: sold and removed, or deleted by hand?

    assert listing_status_sync(listing_id=listing.pk) == "UNKNOWN"

    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE
    assert "not in the Facebook catalog" in listing.last_error
    assert Product.objects.get(pk=listing.product_id).stage == Stage.ACTIVE
    assert _unclear_events(listing).count() == 1
