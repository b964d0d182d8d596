"""The review desk shows where each identity field came from and whether a deterministic read
agrees; approving an item with a contradicted field needs the reviewer to edit or confirm it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from listings.models import ListingDraft
from products.models import Product, Stage
from tests.factories import product_make, user_make

pytestmark = pytest.mark.django_db(transaction=True)

EVIDENCE = {
    "brand": {"value": "Sony", "source": "text read on the photos", "status": "verified"},
    "barcode": {"value": "4006381333931", "source": "photo 1: EAN under the label", "status": "contradicted",
                "conflict": "decoded: 4548736112094"},
    "category": {"value": "Electronics > Audio", "source": "photo 1", "status": "seen"},
}


@pytest.fixture
def item(owner):
    product = product_make(owner=owner, stage=Stage.PENDING)
    Product.objects.filter(pk=product.pk).update(barcode="4006381333931", analysis={"evidence": EVIDENCE})
    return Product.objects.get(pk=product.pk)


@pytest.fixture
def reviewer_client(client):
    staff = user_make("desk-admin", role="reviewer", staff=True)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_the_item_page_marks_each_field(item, reviewer_client):
    page = reviewer_client.get(reverse("admin:products_product_change", args=[item.pk])).content.decode()
    assert "✓ verified" in page and "· seen" in page and "✗ contradicted" in page
    assert "decoded: 4548736112094" in page


def test_approval_waits_for_the_contradicted_field_to_be_confirmed_or_edited(item, reviewer_client):
    url = reverse("admin:products_product_approve", args=[item.pk])
    form = {"apply": "1", "platforms": ["ebay"], "price": "99.00", "policy": "best_effort"}
    reviewer_client.post(url, form, follow=True)
    assert Product.objects.get(pk=item.pk).stage == Stage.PENDING

    Product.objects.filter(pk=item.pk).update(barcode="4548736112094")  # the reviewer fixed it
    ListingDraft.objects.filter(product=item).update(price="99.00")
    reviewer_client.post(url, form, follow=True)
    assert Product.objects.get(pk=item.pk).stage == Stage.PUBLISHING


def test_confirming_the_field_as_it_is_also_approves(item, reviewer_client):
    url = reverse("admin:products_product_approve", args=[item.pk])
    reviewer_client.post(url, {"apply": "1", "platforms": ["ebay"], "price": "99.00", "policy": "best_effort",
                               "confirm": ["barcode"]}, follow=True)
    assert Product.objects.get(pk=item.pk).stage == Stage.PUBLISHING


def test_the_item_page_lists_each_comp_with_its_reason(item, reviewer_client):
    Product.objects.filter(pk=item.pk).update(pricing={
        "reason": "median delivered price (price + shipping) of 3 sold comp(s) in used condition from ebay_sold",
        "confidence": "low", "errors": {"mercari_sold": "Mercari showed a sign-in wall instead of the sold search"},
        "stats": {"ebay": {"count": 3, "median": 120.0, "p25": 110.0, "p75": 125.0, "delivered_median": 130.0,
                           "sell_through": 0.75, "active": 1}},
        "comps": [{"source": "ebay_sold", "title": "Sony WH-1000XM4 black", "price": 120.0, "shipping": 10.0,
                   "sold_at": "2026-03-03", "url": "https://www.ebay.com/itm/1", "item_id": "1", "kept": True,
                   "reason": "same brand and model"},
                  {"source": "ebay_sold", "title": "Case for Sony WH-1000XM4", "price": 15.0, "shipping": None,
                   "sold_at": None, "url": "", "item_id": "2", "kept": False,
                   "reason": "an accessory or part for the item, not the item"}]})
    page = reviewer_client.get(reverse("admin:products_product_change", args=[item.pk])).content.decode()
    assert "an accessory or part for the item, not the item" in page and "Case for Sony WH-1000XM4" in page
    assert "mercari_sold: could not be read — Mercari showed a sign-in wall" in page and "75%" in page
