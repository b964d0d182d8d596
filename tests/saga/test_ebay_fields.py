"""eBay as eBay is, end to end with a real worker and the eBay contract server (its Taxonomy and
Metadata routes, and publishOffer refusing what eBay refuses): the describe step fills the eBay
draft from the identity (a suggested leaf category, its specifics, an allowed condition, the
barcode as UPC), the preflight refuses what eBay would refuse (API 409 `missing`, the admin's
message), the reviewer supplies what is missing, and the item goes live on the first attempt."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from boomer_site.tasking import task_send
from listings.models import ListingDraft, ListingStatus
from products.models import Product, ProductCondition, Stage
from tests.factories import user_make
from tests.saga.conftest import listing, new_product, wait_listing, wait_stage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]

HEADPHONES = "Consumer Electronics > Portable Audio & Headphones > Headphones"
OVER_EAR = "Over the Ear (Full-Size)"


@pytest.fixture(autouse=True)
def catalog_here(settings, servers):
    """The approving process (this one) reads eBay's catalog from the contract server too."""
    settings.EBAY_API_URL = settings.EBAY_AUTH_URL = servers.ebay.url
    servers.ebay.add_location("home")  # the location connect() names exists on eBay
    yield
    assert servers.ebay.contract_violations == []


def described(seller, *, grade="GOOD", defects=(), **identity) -> Product:
    """A researched item of `seller` whose describe step runs in the worker, as in the pipeline."""
    given = {key: identity.pop(key) for key in ("name", "category") if key in identity}
    product = new_product(seller, **identity)
    Product.objects.filter(pk=product.pk).update(**given)
    ProductCondition.objects.filter(product=product).update(grade=grade, defects=list(defects))
    Product.objects.filter(pk=product.pk).update(stage=Stage.RESEARCHING, pricing={
        "recommended": 120.0, "currency": "USD", "reason": "comparable sales"})
    task_send("agents.describe", product.pk)
    wait_stage(product, Stage.PENDING, Stage.FAILED)
    return Product.objects.get(pk=product.pk)


def settled(product):
    """The eBay listing once the approval has settled (live: ACTIVE; refused: back in review)."""
    wait_stage(product, Stage.ACTIVE, Stage.PENDING)
    return wait_listing(product, "ebay", ListingStatus.LIVE, ListingStatus.FAILED)


def ebay_fields(product) -> dict:
    return ListingDraft.objects.get(product=product, platform="ebay").platform_fields


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def approve_api(client, product, **body):
    return client.post(f"/api/products/{product.pk}/approve/", {"platforms": ["ebay"], **body}, format="json")


def test_an_item_goes_live_with_a_suggested_leaf_category_its_specifics_and_an_allowed_condition(
        connected_seller, reviewer, servers):
    product = described(connected_seller, grade="GOOD", defects=[{"type": "scuff", "detail": "light scuffs on the left ear cup",
                                                          "source": "photo 2"}],
                        name="Sony WH-1000XM4 Wireless Headphones", barcode="027242920378",
                        attributes={"type": OVER_EAR, "color": "black"})
    assert product.stage == Stage.PENDING, product.failure_reason
    fields = ebay_fields(product)
    assert fields["category"]["id"] == "112529" and fields["category"]["path"] == HEADPHONES
    assert fields["category"]["chosen_by"] == "boomer" and fields["category"]["suggestions"][0]["id"] == "112529"
    assert fields["aspects"] == {"Brand": ["Sony"], "Type": [OVER_EAR], "Model": ["WH-1000XM4"], "Color": ["Black"]}
    # GOOD's own condition (Good, 5000) is not one Headphones allow: the nearest allowed is "Used" (3000).
    assert fields["condition"] == {"enum": "USED_EXCELLENT", "id": "3000"}
    assert fields["condition_description"] == "Light scuffs on the left ear cup."
    assert fields["identifiers"] == {"upc": "027242920378", "brand": "Sony"}
    assert fields["preflight"]["checked"] and fields["preflight"]["problems"] == []

    response = approve_api(api_for(reviewer), product)
    assert response.status_code == 200, response.json()
    item = settled(product)
    assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error
    sent = servers.ebay.inventory[product.sku]
    assert sent["condition"] == "USED_EXCELLENT" and sent["conditionDescription"] == "Light scuffs on the left ear cup."
    assert sent["product"]["aspects"]["Type"] == [OVER_EAR] and sent["product"]["upc"] == ["027242920378"]
    offer = next(o for o in servers.ebay.offers.values() if o["sku"] == product.sku)
    assert offer["categoryId"] == "112529"
    assert item.platform_fields["category"]["path"] == HEADPHONES


def test_a_required_specific_boomer_cannot_fill_is_refused_with_missing_then_goes_live_once_supplied(
        connected_seller, reviewer, servers):
    product = described(connected_seller, name="Sony WH-1000XM4 Headphones")  # nothing says which Type
    fields = ebay_fields(product)
    assert "Type" not in fields["aspects"]  # never guessed
    assert [p["field"] for p in fields["preflight"]["problems"]] == ["aspects.Type"]
    client = api_for(reviewer)

    refused = approve_api(client, product)
    assert refused.status_code == 409
    assert refused.json()["missing"] == {"ebay": ["Type"]}
    assert "eBay needs Type for Headphones: choose one of Earbud (In Ear)" in refused.json()["detail"]
    assert Product.objects.get(pk=product.pk).stage == Stage.PENDING and not product.listings.exists()

    wrong_value = approve_api(client, product, item_specifics={"ebay": {"Type": "Headband"}})
    assert wrong_value.status_code == 400 and "'Headband' is not an allowed value of Type" in wrong_value.json()["detail"]
    unknown_aspect = approve_api(client, product, item_specifics={"ebay": {"Flavour": "Mint"}})
    assert unknown_aspect.status_code == 400 and "no item specific 'Flavour'" in unknown_aspect.json()["detail"]
    unknown_platform = approve_api(client, product, item_specifics={"etsy": {"Type": OVER_EAR}})
    assert unknown_platform.status_code == 400 and "'etsy'" in unknown_platform.json()["detail"]

    approved = approve_api(client, product, item_specifics={"ebay": {"type": "over the ear (full-size)"}})
    assert approved.status_code == 200, approved.json()
    item = settled(product)
    assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error
    assert servers.ebay.inventory[product.sku]["product"]["aspects"]["Type"] == [OVER_EAR]  # eBay's spelling
    assert ebay_fields(product)["aspects_by_reviewer"] == ["Type"]


def test_a_category_that_forbids_the_mapped_condition_gets_the_nearest_allowed_one(connected_seller, reviewer,
                                                                                   servers):
    # Like new (2750) is not a condition Headphones allow; Pre-owned - Excellent (2990) neither.
    product = described(connected_seller, grade="LIKE_NEW", name="Sony WH-1000XM4 Headphones",
                        attributes={"type": OVER_EAR})
    assert ebay_fields(product)["condition"] == {"enum": "USED_EXCELLENT", "id": "3000"}
    assert approve_api(api_for(reviewer), product).status_code == 200
    item = settled(product)
    assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error
    assert servers.ebay.inventory[product.sku]["condition"] == "USED_EXCELLENT"

    # Jeans take the apparel conditions: like new is "Pre-owned - Excellent" (2990) there.
    jeans = described(connected_seller, grade="LIKE_NEW", name="Levi's 501 Jeans", category="Clothing > Men",
                      brand="Levi's", model="501", attributes={"department": "Men", "size": "32", "size type": "Regular"})
    assert ebay_fields(jeans)["category"]["path"] == "Clothing, Shoes & Accessories > Men > Men's Clothing > Jeans"
    assert ebay_fields(jeans)["condition"] == {"enum": "PRE_OWNED_EXCELLENT", "id": "2990"}
    assert approve_api(api_for(reviewer), jeans).status_code == 200
    item = settled(jeans)
    assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error
    assert servers.ebay.inventory[jeans.sku]["condition"] == "PRE_OWNED_EXCELLENT"


def test_the_desk_shows_the_category_path_and_problems_refuses_approval_and_takes_the_reviewers_choices(
        connected_seller, reviewer, servers, client):
    servers.ebay.faults.down = True  # eBay's catalog cannot be read while the item is described
    product = described(connected_seller, name="Sony WH-1000XM5 Headphones", model="WH-1000XM5")
    servers.ebay.faults.down = False
    assert product.stage == Stage.PENDING  # the pipeline does not fail for it
    assert ebay_fields(product)["category"]["id"] == "" and "could not be read" in ebay_fields(product)["category"]["error"]
    client.force_login(desk_admin())
    change = reverse("admin:products_product_change", args=[product.pk])
    page = client.get(change).content.decode()
    assert "The eBay category is unknown (eBay&#x27;s catalog could not be read" in page

    approve = reverse("admin:products_product_approve", args=[product.pk])
    response = client.post(approve, {"platforms": ["ebay"], "policy": "best_effort", "apply": "1"}, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any("not approved — the platform would refuse it: eBay: The eBay category is unknown" in s for s in shown)
    assert Product.objects.get(pk=product.pk).stage == Stage.PENDING

    ebay_page = reverse("admin:products_product_ebay", args=[product.pk])
    client.post(ebay_page, {"category": "__other__", "category_id": "15052"})  # not a leaf
    assert "not a leaf category" in ebay_fields(product)["category"]["error"]
    client.post(ebay_page, {"category": "__other__", "category_id": "112529"})
    assert ebay_fields(product)["category"] == {"id": "112529", "path": HEADPHONES, "chosen_by": "reviewer",
                                                "suggestions": []}
    assert ebay_fields(product)["aspects"] == {"Brand": ["Sony"], "Model": ["WH-1000XM5"]}
    page = client.get(change).content.decode()
    assert html.escape(HEADPHONES) in page and "Used (3000)" in page
    assert "eBay needs Type for Headphones: choose one of" in page  # the problem, in plain words

    form = client.get(ebay_page).content.decode()
    assert f'<option value="{OVER_EAR}">' in form  # SELECTION_ONLY: a select of eBay's values
    type_field = next(name for name, aspect in _aspect_fields(form) if aspect.startswith("Type"))
    client.post(ebay_page, {"category": "112529", type_field: OVER_EAR})
    assert ebay_fields(product)["aspects"]["Type"] == [OVER_EAR] and ebay_fields(product)["preflight"]["problems"] == []

    # The reviewer corrects the grade on the item page: the condition eBay will show follows it.
    data = change_form_data(client.get(change))
    data["condition-0-grade"] = "NEW"
    assert client.post(change, data).status_code == 302
    assert ebay_fields(product)["condition"] == {"enum": "NEW", "id": "1000"}
    assert "New (1000)" in client.get(change).content.decode()

    response = client.post(approve, {"platforms": ["ebay"], "policy": "best_effort", "apply": "1"}, follow=True)
    assert "1 item(s) approved" in response.content.decode()
    item = settled(product)
    assert item.status == ListingStatus.LIVE and item.attempts == 1, item.last_error


def test_a_refusal_eBay_makes_at_publish_time_is_kept_per_field_and_shown_on_the_listing(
        connected_seller, reviewer, servers, client):
    product = described(connected_seller, name="Sony WH-1000XM4 Headphones", attributes={"type": OVER_EAR})
    # eBay starts requiring another specific after BOOMER read (and cached) the category's aspects.
    from tests.contract_servers.ebay_taxonomy import AspectSpec

    node = servers.ebay.tree["112529"]
    before = node.aspects
    node.aspects = (*before, AspectSpec("Band Material", required=True))
    try:
        assert approve_api(api_for(reviewer), product).status_code == 200
        item = settled(product)
    finally:
        node.aspects = before
    assert item.status == ListingStatus.FAILED and item.failure_permanent and item.attempts == 1
    assert {"field": "aspects.Band Material", "message": "The item specific Band Material is missing. Add Band "
            "Material to this listing, enter a valid value, and then try again."} in item.platform_fields["problems"]
    assert "aspects.Band Material: The item specific Band Material is missing" in item.last_error
    client.force_login(desk_admin())
    page = client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()
    assert "<b>aspects.Band Material</b>: The item specific Band Material is missing" in page
    assert listing(product, "ebay").price == Decimal("120.00")


def desk_admin():
    user = user_make("desk-admin", role="reviewer", staff=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def change_form_data(response) -> dict:
    """The admin change form as the browser would post it back unchanged (product and inlines)."""
    def fields(form, prefix=""):
        out = {}
        for bound in form:
            value = bound.value()  # as the widget shows it (JSON as text)
            if value is None or value is False:
                continue
            out[f"{prefix}{bound.name}"] = "on" if value is True else value
        return out

    data = fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(fields(formset.management_form, f"{formset.prefix}-"))
        for form in formset.forms:
            data.update(fields(form, f"{form.prefix}-"))
    data["_save"] = "Save"
    return data


def _aspect_fields(form_html: str):
    """(field name, label) of the aspect fields on the eBay page."""
    import re

    return re.findall(r'<label for="id_(aspect_\d+)">([^<]*)</label>', form_html)
