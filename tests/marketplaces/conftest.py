"""Contract servers started per test, settings pointed at them, and a listing with a photo."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from listings.publishing import listing_data
from marketplaces.adapters import ListingData, Media, adapter_for
from products.samples import make_product_photo
from tests.contract_servers import EbayServer, FacebookServer, MercariServer
from tests.factories import CATEGORIES, listing_make, product_make

HEADPHONES = "Consumer Electronics > Portable Audio & Headphones > Headphones"
# What the review desk keeps on an eBay draft of the Sony headphones (listings/ebay_fields.py).
EBAY_FIELDS = {
    "category": {"id": "112529", "path": HEADPHONES, "chosen_by": "boomer"},
    "aspects": {"Brand": ["Sony"], "Type": ["Over the Ear (Full-Size)"], "Model": ["WH-1000XM4"]},
    "condition": {"enum": "USED_EXCELLENT", "id": "3000"},
    "condition_description": "Light scuffs on the left ear cup.",
    "identifiers": {"upc": "027242920378", "brand": "Sony"},
}


@pytest.fixture
def ebay_server(settings):
    """eBay's contract server; at the end, no request BOOMER sent broke eBay's specification."""
    with EbayServer() as server:
        settings.EBAY_API_URL = server.url
        settings.EBAY_AUTH_URL = server.url
        settings.EBAY_WEB_URL = "https://www.ebay.com"
        settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = server.client_id, server.client_secret
        settings.BOOMER_MARKETPLACE_TIMEOUT = 2
        server.add_location("home")
        yield server
        assert server.contract_violations == [], "requests eBay's specification does not allow"


@pytest.fixture
def ebay_credentials(ebay_server):
    return {"client_id": ebay_server.client_id, "client_secret": ebay_server.client_secret,
            "refresh_token": ebay_server.refresh_token, "category_id": "112529", "fulfillment_policy_id": "F-1",
            "payment_policy_id": "P-1", "return_policy_id": "R-1", "merchant_location_key": "home"}


@pytest.fixture
def ebay(ebay_credentials):
    return adapter_for("ebay", credentials=ebay_credentials)


@pytest.fixture
def facebook_server(settings):
    with FacebookServer() as server:
        settings.FACEBOOK_GRAPH_URL = server.url + "/v19.0"
        settings.FACEBOOK_BATCH_POLL_SECONDS = 0.05
        settings.FACEBOOK_BATCH_TIMEOUT_SECONDS = 5
        settings.BOOMER_MARKETPLACE_TIMEOUT = 2
        yield server


@pytest.fixture
def facebook(facebook_server):
    return adapter_for("facebook", credentials={"access_token": facebook_server.access_token,
                                                "catalog_id": facebook_server.catalog_id})


@pytest.fixture
def mercari_server(settings):
    with MercariServer() as server:
        settings.MERCARI_URL = server.url
        settings.MERCARI_TIMEOUT_MS = 5000
        yield server


@pytest.fixture
def mercari_credentials(mercari_server):
    return {"email": mercari_server.email, "password": mercari_server.password}


@pytest.fixture
def listing(owner):
    product = product_make(owner=owner, brand="Sony", model="WH-1000XM4")
    listing = listing_make(product=product, platform="ebay", status="PUBLISHING", price="120.00")
    listing.platform_fields = EBAY_FIELDS
    listing.save(update_fields=["platform_fields"])
    return listing


@pytest.fixture
def photo() -> bytes:
    return make_product_photo(None, label="Sony WH-1000XM4", ean13=None, size=(400, 300), seed=7)


@pytest.fixture
def media(photo, listing):
    return [Media.from_bytes(photo, url=f"https://media.example.com/{listing.product.sku}/1.jpg", filename="1.jpg")]


def data(listing) -> ListingData:
    """What the saga hands an adapter: the listing read once into plain values."""
    return listing_data(listing)


def data_for(platform: str):
    """`data` for the Facebook or Mercari adapter: the (eBay) listing with that platform's category."""
    def read(listing) -> ListingData:
        return replace(listing_data(listing), category_id="", category_path=CATEGORIES[platform])
    return read


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
