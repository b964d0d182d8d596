"""A seller whose eBay shipping policy is calculated must give the package's weight and size: the
preflight names it, the desk's eBay page asks for it, and once given the item can be approved."""
from __future__ import annotations

import pytest
from django.urls import reverse

from listings.models import ListingDraft
from listings.services import PreflightRefused, draft_ebay_fields_fill, product_approve
from marketplaces.credentials import account_save
from products.models import Product, Stage
from tests.factories import product_make, user_make
from tests.marketplaces.conftest import ebay_credentials, ebay_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(ebay_credentials):  # noqa: F811
    seller = user_make("pkg-seller")
    account_save(owner=seller, platform="ebay", secrets={**ebay_credentials, "calculated_shipping": True})
    product = product_make(owner=seller, with_photo=True, attributes={"type": "Over the Ear (Full-Size)"})
    Product.objects.filter(pk=product.pk).update(name="Sony WH-1000XM4 Headphones")
    draft_ebay_fields_fill(draft=ListingDraft.objects.select_related("product").get(product=product, platform="ebay"))
    return Product.objects.get(pk=product.pk)


def test_the_package_is_asked_for_on_the_ebay_page_and_then_the_item_is_approved(item, client):
    problems = ListingDraft.objects.get(product=item, platform="ebay").platform_fields["preflight"]["problems"]
    assert [p["field"] for p in problems] == ["package"]
    reviewer = user_make("pkg-reviewer", role="reviewer", staff=True)
    reviewer.is_superuser = True
    reviewer.save(update_fields=["is_superuser"])
    with pytest.raises(PreflightRefused) as refused:
        product_approve(product_id=item.pk, by=reviewer, platforms=["ebay"])
    assert refused.value.missing == {"ebay": ["package"]}
    assert "calculated shipping: eBay needs the package weight and size" in str(refused.value)

    client.force_login(reviewer)
    page = reverse("admin:products_product_ebay", args=[item.pk])
    assert "Package weight (oz)" in client.get(page).content.decode()
    client.post(page, {"category": "112529", "package_weight_oz": "22", "package_length_in": "9",
                       "package_width_in": "8", "package_height_in": "4"})
    fields = ListingDraft.objects.get(product=item, platform="ebay").platform_fields
    assert fields["package"] == {"weight_oz": 22.0, "length_in": 9.0, "width_in": 8.0, "height_in": 4.0}
    assert fields["preflight"]["problems"] == []
    assert product_approve(product_id=item.pk, by=reviewer, platforms=["ebay"]).stage == Stage.PUBLISHING
