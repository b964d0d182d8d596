"""Facebook and Mercari get their own preflight: an approval a connected platform would refuse is
refused before anything is published, naming the field; a platform the seller has not connected
is left to its publish (which says to connect it)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from listings.models import ListingDraft
from listings.services import PreflightRefused, product_approve
from marketplaces.credentials import account_save
from products.models import Product, ProductCondition, ProductImage, Stage
from tests.factories import product_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(db):
    user = user_make("prefl-seller")
    account_save(owner=user, platform="facebook", secrets={"access_token": "t", "catalog_id": "c"})
    account_save(owner=user, platform="mercari", secrets={"email": "s@example.com", "password": "p"})
    return user


@pytest.fixture
def reviewer(db):
    return user_make("prefl-reviewer", role="reviewer")


def refused(product, reviewer, platforms, **kwargs) -> PreflightRefused:
    with pytest.raises(PreflightRefused) as caught:
        product_approve(product_id=product.pk, by=reviewer, platforms=platforms, **kwargs)
    assert Product.objects.get(pk=product.pk).stage == Stage.PENDING and not product.listings.exists()
    return caught.value


def test_a_price_mercari_does_not_take_and_a_title_too_long_for_facebook_are_named(seller, reviewer):
    product = product_make(owner=seller, with_photo=True)
    ListingDraft.objects.filter(product=product, platform="facebook").update(title="Sony headphones " * 10)
    error = refused(product, reviewer, ["facebook", "mercari"], price=Decimal("2500.00"))
    assert error.missing == {"facebook": ["title"], "mercari": ["price"]}
    assert "Facebook Marketplace: Facebook allows 150 characters in a title; this one has 159" in str(error)
    assert "Mercari: Mercari takes whole-dollar prices from $1 to $2000; this one is $2500" in str(error)


def test_an_ungraded_item_without_photos_is_refused_for_both_with_the_fields_named(seller, reviewer):
    product = product_make(owner=seller, with_photo=False)
    ProductCondition.objects.filter(product=product).update(grade="")
    error = refused(product, reviewer, ["facebook", "mercari"])
    assert error.missing == {"facebook": ["condition", "photos"], "mercari": ["condition", "photos"]}
    assert "Mercari needs a condition: grade the item" in str(error)


def test_mercari_needs_a_jpeg_or_png_photo(seller, reviewer):
    product = product_make(owner=seller, with_photo=True)
    ProductImage.objects.filter(product=product).update(format="webp")
    assert refused(product, reviewer, ["mercari"]).missing == {"mercari": ["photos"]}


def test_a_platform_that_would_take_it_is_approved_and_an_unconnected_one_is_left_to_its_publish(seller, reviewer):
    product = product_make(owner=seller, with_photo=True)
    approved = product_approve(product_id=product.pk, by=reviewer, platforms=["facebook", "mercari", "ebay"])
    assert approved.stage == Stage.PUBLISHING
    assert set(approved.listings.values_list("platform", flat=True)) == {"facebook", "mercari", "ebay"}
