"""Facebook and Mercari take their own category vocabularies: the describe step (in the worker)
maps BOOMER's category onto each, the preflight refuses a platform it cannot map, and the item
goes live on both with the category at their contract servers once the reviewer picks the one
BOOMER would not guess."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from boomer_site.tasking import task_send
from listings.models import ListingDraft, ListingStatus
from products.models import Product, Stage
from tests.saga.conftest import new_product, wait_listing, wait_stage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]

PANTS = "Apparel & Accessories > Clothing > Pants"


def described(seller, category: str) -> Product:
    """A researched item whose describe step runs in the worker, as in the pipeline."""
    product = new_product(seller, brand="Levi's", model="501")
    Product.objects.filter(pk=product.pk).update(name="Levi's 501 Original Jeans", category=category,
                                                 stage=Stage.RESEARCHING,
                                                 pricing={"recommended": 45.0, "currency": "USD",
                                                          "reason": "comparable sales"})
    task_send("agents.describe", product.pk)
    wait_stage(product, Stage.PENDING, Stage.FAILED)
    return Product.objects.get(pk=product.pk)


def test_jeans_go_live_on_facebook_as_pants_and_on_mercari_once_the_reviewer_picks_mens(
        connected_seller, reviewer, servers):
    product = described(connected_seller, "Jeans")
    assert product.stage == Stage.PENDING, product.failure_reason
    drafts = {d.platform: d.platform_fields for d in ListingDraft.objects.filter(product=product)}
    assert drafts["facebook"]["category"] == {"path": PANTS, "chosen_by": "boomer"}
    assert drafts["mercari"]["category"]["path"] == ""  # Women's or Men's: not guessed
    assert [p["field"] for p in drafts["mercari"]["preflight"]["problems"]] == ["category"]
    api = APIClient()
    api.force_authenticate(reviewer)
    url = f"/api/products/{product.pk}/approve/"

    refused = api.post(url, {"platforms": ["facebook", "mercari"]}, format="json")
    assert refused.status_code == 409 and refused.json()["missing"] == {"mercari": ["category"]}
    approved = api.post(url, {"platforms": ["facebook", "mercari"], "categories": {"mercari": "Men > Jeans"}},
                        format="json")
    assert approved.status_code == 200, approved.json()

    assert wait_listing(product, "facebook", ListingStatus.LIVE, ListingStatus.FAILED).status == ListingStatus.LIVE
    assert wait_listing(product, "mercari", ListingStatus.LIVE, ListingStatus.FAILED).status == ListingStatus.LIVE
    assert servers.facebook.items[product.sku]["google_product_category"] == PANTS
    [item] = servers.mercari.live_items()
    assert item["category"] == "Men > Jeans"
