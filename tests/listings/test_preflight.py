"""Facebook and Mercari get their own preflight: an approval a connected platform would refuse is
refused before anything is published, naming the field (a category their vocabulary has for
BOOMER's is one: the reviewer picks it on the desk or in the approval); a platform the seller has
not connected is left to its publish (which says to connect it)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from listings.models import Listing, ListingDraft
from listings.services import PreflightRefused, product_approve, product_drafts_refresh
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


def test_an_item_without_a_brand_is_refused_for_facebook_naming_the_brand(seller, reviewer):
    product = product_make(owner=seller, with_photo=True, brand="")
    error = refused(product, reviewer, ["facebook", "mercari"])
    assert error.missing == {"facebook": ["brand"]}
    assert "Facebook needs the item's brand" in str(error)

    Product.objects.filter(pk=product.pk).update(brand="Sony")
    product_approve(product_id=product.pk, by=reviewer, platforms=["facebook", "mercari"])
    assert Product.objects.get(pk=product.pk).stage != Stage.PENDING


def test_mercari_needs_a_jpeg_or_png_photo(seller, reviewer):
    product = product_make(owner=seller, with_photo=True)
    ProductImage.objects.filter(product=product).update(format="webp")
    assert refused(product, reviewer, ["mercari"]).missing == {"mercari": ["photos"]}


def test_a_platform_that_would_take_it_is_approved_and_an_unconnected_one_is_left_to_its_publish(seller, reviewer):
    product = product_make(owner=seller, with_photo=True)
    approved = product_approve(product_id=product.pk, by=reviewer, platforms=["facebook", "mercari", "ebay"])
    assert approved.stage == Stage.PUBLISHING
    assert set(approved.listings.values_list("platform", flat=True)) == {"facebook", "mercari", "ebay"}


PANTS = "Apparel & Accessories > Clothing > Pants"


def jeans(seller) -> Product:
    """An item whose category is plain "Jeans": Facebook's is Pants; Mercari's is Women's or Men's."""
    product = product_make(owner=seller, with_photo=True, brand="Levi's", model="501")
    Product.objects.filter(pk=product.pk).update(category="Jeans")
    product_drafts_refresh(product=Product.objects.get(pk=product.pk))  # as after the describe step or an edit
    return product


def category(product, platform) -> dict:
    return ListingDraft.objects.get(product=product, platform=platform).platform_fields["category"]


def test_a_category_mercari_cannot_be_mapped_to_is_refused_named_then_approved_once_the_reviewer_picks_one(
        seller, reviewer):
    product = jeans(seller)
    assert category(product, "facebook") == {"path": PANTS, "chosen_by": "boomer"}
    assert category(product, "mercari")["path"] == ""
    api = APIClient()
    api.force_authenticate(reviewer)
    url = f"/api/products/{product.pk}/approve/"

    refused_now = api.post(url, {"platforms": ["facebook", "mercari"]}, format="json")
    assert refused_now.status_code == 409
    assert refused_now.json()["missing"] == {"mercari": ["category"]}
    assert "Mercari needs a category: choose one of Women > Jeans" in refused_now.json()["detail"]
    assert "Men > Jeans" in refused_now.json()["detail"]

    unknown = api.post(url, {"platforms": ["mercari"], "categories": {"mercari": "Jeans"}}, format="json")
    assert unknown.status_code == 400 and "Mercari has no category 'Jeans': choose one of" in unknown.json()["detail"]

    approved = api.post(url, {"platforms": ["facebook", "mercari"], "categories": {"mercari": "men > jeans"}},
                        format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["stage"] == Stage.PUBLISHING
    listings = {item.platform: item.platform_fields["category"] for item in Listing.objects.filter(product=product)}
    assert listings == {"facebook": {"path": PANTS, "chosen_by": "boomer"},
                        "mercari": {"path": "Men > Jeans", "chosen_by": "reviewer"}}


def _change_form(response) -> dict:
    """The admin change form as the browser posts it back unchanged (product and inlines)."""
    def fields(form, prefix=""):
        return {f"{prefix}{b.name}": "on" if b.value() is True else b.value() for b in form
                if b.value() is not None and b.value() is not False}

    data = fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(fields(inline.formset.management_form, f"{inline.formset.prefix}-"))
        for form in inline.formset.forms:
            data.update(fields(form, f"{form.prefix}-"))
    return {**data, "_save": "Save"}


def test_the_desk_shows_the_missing_category_and_the_reviewer_picks_it_in_the_draft(seller, client):
    product = jeans(seller)
    desk = user_make("prefl-desk", role="reviewer", staff=True)
    desk.is_superuser = True
    desk.save(update_fields=["is_superuser"])
    client.force_login(desk)
    change = reverse("admin:products_product_change", args=[product.pk])

    page = client.get(change)
    assert "Mercari needs a category: choose one of Women &gt; Jeans" in page.content.decode()
    data = _change_form(page)
    [prefix] = [k[:-len("-platform")] for k, v in data.items() if k.endswith("-platform") and v == "mercari"]
    assert client.post(change, {**data, f"{prefix}-category": "Women > Jeans"}).status_code == 302

    assert category(product, "mercari") == {"path": "Women > Jeans", "chosen_by": "reviewer"}
    assert ListingDraft.objects.get(product=product, platform="mercari").edited is False  # not a text edit
    assert "Mercari needs a category" not in client.get(change).content.decode()
    approve = reverse("admin:products_product_approve", args=[product.pk])
    response = client.post(approve, {"platforms": ["mercari", "facebook"], "policy": "best_effort", "apply": "1"},
                           follow=True)
    assert "1 item(s) approved" in response.content.decode()
    assert Listing.objects.get(product=product, platform="mercari").platform_fields["category"]["path"] == (
        "Women > Jeans")
