"""The kind→class registry and how photos become Media."""
from __future__ import annotations

import pytest

from listings.publishing import product_media
from marketplaces.adapters import AdapterError, adapter_for
from marketplaces.adapters.ebay import EbayAdapter
from tests.factories import product_make


def test_defaults_and_unknown_platform():
    assert isinstance(adapter_for("ebay", credentials={}), EbayAdapter)
    with pytest.raises(AdapterError) as error:
        adapter_for("myspace", credentials={})
    assert error.value.permanent is True


def test_repr_never_shows_credentials():
    adapter = adapter_for("ebay", credentials={"client_secret": "very-secret-value"})
    assert "very-secret-value" not in repr(adapter)


@pytest.mark.django_db
def test_product_media_builds_public_urls_and_loads_bytes(owner, settings):
    settings.BOOMER_PUBLIC_MEDIA_URL = "https://boomer.example.com"
    product = product_make(owner=owner, with_photo=True)
    [photo] = product_media(product)
    assert photo.url.startswith("https://boomer.example.com/") and photo.url.endswith(".jpg")
    assert photo.data()[:3] == b"\xff\xd8\xff"

    settings.BOOMER_PUBLIC_MEDIA_URL = lambda field_file: f"https://cdn.example.com/{field_file.name}"
    assert product_media(product)[0].url.startswith("https://cdn.example.com/products/")
