"""The reviewer's side of an eBay draft against eBay's contract server (its Taxonomy and Metadata
routes), in the approving process: a draft from before BOOMER read eBay's rules is filled on
approval, a permanent catalog refusal is a 400 and not "try again", the reviewer's aspect values
are checked again in a new category and can be cleared, the reviewer picks a condition when none
the category allows is near the grade, a suggestion is picked without reading eBay's tree, the desk
shows the seller's account as it is now, and an approval of an item not in review changes nothing."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from listings.models import ListingDraft
from listings.services import (
    ApprovalError,
    CatalogUnavailable,
    PreflightRefused,
    draft_conditions_set,
    draft_ebay_category_set,
    draft_ebay_fields_fill,
    draft_item_specifics_set,
    draft_package_set,
    product_approve,
    product_drafts_refresh,
)
from marketplaces.credentials import account_save
from products.models import Product, Stage
from tests.contract_servers import EbayServer
from tests.factories import product_make, user_make

pytestmark = pytest.mark.django_db

HEADPHONES = "Consumer Electronics > Portable Audio & Headphones > Headphones"
OVER_EAR = "Over the Ear (Full-Size)"
CONSENTED = {"refresh_token": "v^1.1#r^1#refresh", "marketplace_id": "EBAY_US", "fulfillment_policy_id": "F-1",
             "payment_policy_id": "P-1", "return_policy_id": "R-1", "merchant_location_key": "home"}


@pytest.fixture
def ebay(settings):
    """eBay's contract server, the operator's app keys registered with it (as after consent)."""
    with EbayServer() as server:
        settings.EBAY_API_URL = settings.EBAY_AUTH_URL = server.url
        settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = server.client_id, server.client_secret
        settings.BOOMER_MARKETPLACE_TIMEOUT = 2
        yield server
        assert server.contract_violations == [], "requests eBay's specification does not allow"


@pytest.fixture
def seller(db):
    """A seller connected by consent: no category_id, no own app keys (they come from the environment)."""
    user = user_make("review-seller")
    account_save(owner=user, platform="ebay", secrets=dict(CONSENTED))
    return user


@pytest.fixture
def reviewer(db):
    return user_make("review-reviewer", role="reviewer")


def headphones(seller, **fields) -> Product:
    """Sony WH-1000XM4 headphones whose eBay draft BOOMER filled (category Headphones, 112529)."""
    product = product_make(owner=seller, with_photo=True, **fields)
    draft_ebay_fields_fill(draft=ListingDraft.objects.get(product=product, platform="ebay"))
    assert ebay_fields(product)["category"]["id"] == "112529"
    return product


def ebay_fields(product) -> dict:
    return ListingDraft.objects.get(product=product, platform="ebay").platform_fields


def problems(product) -> list[str]:
    return [p["field"] for p in ebay_fields(product)["preflight"]["problems"]]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def desk_admin():
    user = user_make("review-admin", role="reviewer", staff=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


# --- item 4: a draft from before this change -----------------------------------------------------
def test_an_empty_ebay_draft_is_filled_on_approval_so_it_goes_into_a_suggested_category(ebay, seller, reviewer):
    product = product_make(owner=seller, with_photo=True, attributes={"type": OVER_EAR})
    assert {k: v for k, v in ebay_fields(product).items() if k != "preflight"} == {}  # made before this change

    approved = product_approve(product_id=product.pk, by=reviewer, platforms=["ebay"])

    assert approved.stage == Stage.PUBLISHING
    fields = ebay_fields(product)
    assert fields["category"]["id"] == "112529" and fields["category"]["path"] == HEADPHONES
    assert fields["aspects"]["Type"] == [OVER_EAR] and fields["condition"]["enum"] == "USED_EXCELLENT"
    assert approved.listings.get(platform="ebay").platform_fields["category"]["id"] == "112529"


def test_an_empty_ebay_draft_without_catalog_or_account_category_is_refused_naming_the_category(
        settings, seller, reviewer):
    settings.EBAY_CLIENT_ID = settings.EBAY_CLIENT_SECRET = ""  # eBay's catalog cannot be read
    product = product_make(owner=seller, with_photo=True)

    with pytest.raises(PreflightRefused) as refused:
        product_approve(product_id=product.pk, by=reviewer, platforms=["ebay"])

    assert refused.value.missing == {"ebay": ["category"]}
    assert "The eBay category is unknown" in str(refused.value)
    assert Product.objects.get(pk=product.pk).stage == Stage.PENDING and not product.listings.exists()


# --- item 5: permanent catalog errors ------------------------------------------------------------
def test_item_specifics_for_a_category_ebay_has_none_for_are_a_400_with_the_reason_not_try_again(
        ebay, seller, reviewer):
    product = headphones(seller)
    fields = ebay_fields(product)
    ListingDraft.objects.filter(product=product, platform="ebay").update(platform_fields={
        **fields, "category": {"id": "15052", "path": "Portable Audio & Headphones", "chosen_by": "reviewer",
                               "leaf": False, "suggestions": []}})

    answer = api(reviewer).post(f"/api/products/{product.pk}/approve/",
                                {"platforms": ["ebay"], "item_specifics": {"ebay": {"Type": OVER_EAR}}}, format="json")

    assert answer.status_code == 400, answer.json()
    assert "cannot be read" in answer.json()["detail"] and "not a leaf category" in answer.json()["detail"]
    assert "try again" not in answer.json()["detail"]

    ebay.faults.down = True  # eBay down for a moment: that one is worth trying again
    try:
        other = headphones(seller)
    finally:
        ebay.faults.down = False
    ListingDraft.objects.filter(product=other, platform="ebay").update(platform_fields={
        "category": {"id": "133704", "path": "Blenders", "chosen_by": "reviewer", "suggestions": []}})
    ebay.faults.down = True
    try:
        with pytest.raises(CatalogUnavailable):
            draft_item_specifics_set(product_id=other.pk, specifics={"ebay": {"Color": "Black"}})
    finally:
        ebay.faults.down = False


# --- item 6: the reviewer's values in a new category; clearing an optional aspect ---------------
def test_a_reviewers_value_the_new_category_does_not_take_is_dropped_and_said(ebay, seller):
    product = headphones(seller)
    draft_item_specifics_set(product_id=product.pk, specifics={"ebay": {"Type": OVER_EAR, "Color": "Black"}})
    draft_conditions_set(product_id=product.pk, conditions={"ebay": "NEW_OTHER"})
    assert ebay_fields(product)["aspects"]["Type"] == [OVER_EAR]

    draft_ebay_category_set(product_id=product.pk, category_id="133704")  # Blenders: Type is a blender's type

    fields = ebay_fields(product)
    assert fields["category"]["path"].endswith("Blenders")
    assert "Type" not in fields["aspects"] and fields["aspects"]["Color"] == ["Black"]
    assert fields["aspects_dropped"] == [f"Type: “{OVER_EAR}” is not a value this category takes"]
    assert fields["condition"] == {"enum": "NEW_OTHER", "id": "1500", "chosen_by": "reviewer"}  # Blenders allow it

    draft_ebay_category_set(product_id=product.pk, category_id="261186")  # Books: no Open box
    fields = ebay_fields(product)
    assert fields["condition"] == {"enum": "USED_GOOD", "id": "5000"}  # the grade's own again
    assert "Condition: “Open box” is not one this category allows" in fields["aspects_dropped"]


def test_an_empty_value_clears_an_optional_aspect_and_boomer_does_not_fill_it_again(ebay, seller, reviewer):
    product = headphones(seller, attributes={"type": OVER_EAR, "color": "black"})
    assert ebay_fields(product)["aspects"]["Color"] == ["Black"]
    client = api(reviewer)

    refused = client.post(f"/api/products/{product.pk}/approve/",
                          {"platforms": ["ebay"], "item_specifics": {"ebay": {"Type": ""}}}, format="json")
    assert refused.status_code == 400 and "eBay needs Type" in refused.json()["detail"]  # required: not cleared
    approved = client.post(f"/api/products/{product.pk}/approve/",
                           {"platforms": ["ebay"], "item_specifics": {"ebay": {"Color": ""}}}, format="json")
    assert approved.status_code == 200, approved.json()
    assert "Color" not in ebay_fields(product)["aspects"]
    product_drafts_refresh(product=Product.objects.get(pk=product.pk))  # a grade or identity edit fills again
    assert "Color" not in ebay_fields(product)["aspects"] and ebay_fields(product)["aspects"]["Type"] == [OVER_EAR]


def test_the_desks_dash_clears_an_optional_aspect(ebay, seller, client):
    product = headphones(seller, attributes={"type": OVER_EAR, "color": "black"})
    client.force_login(desk_admin())
    page = reverse("admin:products_product_ebay", args=[product.pk])
    shown = client.get(page)
    color = next(name for name, label in _aspect_fields(shown.content.decode()) if label.startswith("Color"))

    client.post(page, {**as_shown(shown), color: ""})  # "—" / emptied, the rest as shown

    assert "Color" not in ebay_fields(product)["aspects"] and ebay_fields(product)["aspects"]["Type"] == [OVER_EAR]


# --- item 7: the reviewer's condition -------------------------------------------------------------
def test_when_no_allowed_condition_is_near_the_grade_the_reviewer_picks_one_on_the_desk_or_the_api(
        ebay, seller, reviewer, client):
    ebay.tree["112529"].conditions = ("1000", "1500")  # only New and Open box: nothing near a used grade
    product = headphones(seller, attributes={"type": OVER_EAR})
    assert ebay_fields(product)["condition"] == {} and problems(product) == ["condition"]

    client.force_login(desk_admin())
    page = reverse("admin:products_product_ebay", args=[product.pk])
    shown = client.get(page)
    assert '<option value="NEW">New (1000)</option>' in shown.content.decode()
    assert '<option value="NEW_OTHER">Open box (1500)</option>' in shown.content.decode()
    client.post(page, {**as_shown(shown), "condition": "NEW_OTHER"})
    assert ebay_fields(product)["condition"] == {"enum": "NEW_OTHER", "id": "1500", "chosen_by": "reviewer"}
    assert problems(product) == []
    item_page = client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()
    assert "Open box (1500) — chosen by the reviewer" in item_page

    wrong = api(reviewer).post(f"/api/products/{product.pk}/approve/",
                               {"platforms": ["ebay"], "conditions": {"ebay": "USED_GOOD"}}, format="json")
    assert wrong.status_code == 400
    assert "'USED_GOOD' is not a condition this eBay category allows: choose one of New (NEW), Open box " \
           "(NEW_OTHER)" in wrong.json()["detail"]
    product_drafts_refresh(product=Product.objects.get(pk=product.pk))  # refilled: the reviewer's choice stays
    assert ebay_fields(product)["condition"]["enum"] == "NEW_OTHER"

    approved = api(reviewer).post(f"/api/products/{product.pk}/approve/",
                                  {"platforms": ["ebay"], "conditions": {"ebay": "new"}}, format="json")
    assert approved.status_code == 200, approved.json()
    listing = Product.objects.get(pk=product.pk).listings.get(platform="ebay")
    assert listing.platform_fields["condition"] == {"enum": "NEW", "id": "1000", "chosen_by": "reviewer"}


# --- item 10: a suggestion is picked without reading eBay's tree -----------------------------------
def test_picking_a_suggestion_uses_its_stored_path_without_a_subtree_call(ebay, seller):
    product = product_make(owner=seller, with_photo=True, brand="Sony", model="")
    Product.objects.filter(pk=product.pk).update(name="Sony headphones and a blender")
    draft_ebay_fields_fill(draft=ListingDraft.objects.get(product=product, platform="ebay"))
    suggestions = ebay_fields(product)["category"]["suggestions"]
    other = next(s for s in suggestions if s["id"] != ebay_fields(product)["category"]["id"])
    before = ebay.count("GET", r"/get_category_subtree")

    draft_ebay_category_set(product_id=product.pk, category_id=other["id"])

    assert ebay_fields(product)["category"]["path"] == other["path"]
    assert ebay_fields(product)["category"]["chosen_by"] == "reviewer"
    assert ebay.count("GET", r"/get_category_subtree") == before


# --- item 11: the desk shows the seller's account as it is now ------------------------------------
def test_the_desk_shows_the_account_as_it_is_now_not_as_it_was_when_the_draft_was_checked(ebay, seller, client):
    account_save(owner=seller, platform="ebay", secrets={**CONSENTED, "payment_policy_id": "",
                                                        "merchant_location_key": ""})
    product = headphones(seller, attributes={"type": OVER_EAR})
    assert problems(product) == ["policies", "location"]
    account_save(owner=seller, platform="ebay", secrets=dict(CONSENTED))  # the seller picked them since

    client.force_login(desk_admin())
    page = client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert "Choose the eBay business policies" not in page and "eBay needs the item location" not in page
    assert "nothing eBay would refuse" in page


# --- item 13c: the stage is checked before anything is written ------------------------------------
def test_an_approval_of_an_item_not_in_review_is_409_and_writes_nothing(ebay, seller, reviewer):
    product = headphones(seller)
    before = ebay_fields(product)
    Product.objects.filter(pk=product.pk).update(stage=Stage.ACTIVE)

    answer = api(reviewer).post(f"/api/products/{product.pk}/approve/",
                                {"platforms": ["ebay"], "item_specifics": {"ebay": {"Type": OVER_EAR}}}, format="json")

    assert answer.status_code == 409 and answer.json()["stage"] == Stage.ACTIVE
    assert ebay_fields(product) == before


def as_shown(response) -> dict:
    """The eBay page's form as the browser posts it back unchanged."""
    return {field.name: field.value() or "" for field in response.context["form"]}


def _aspect_fields(form_html: str):
    import re

    return re.findall(r'<label for="id_(aspect_\d+)">([^<]*)</label>', form_html)



@pytest.mark.parametrize("weight", ["abc", "NaN", "inf", "-2"])
def test_a_package_weight_that_is_not_a_positive_number_is_refused_with_the_reason(ebay, seller, weight):
    product = headphones(seller)
    with pytest.raises(ApprovalError) as refused:
        draft_package_set(product_id=product.pk, package={"weight_oz": weight})
    assert "weight oz" in str(refused.value)
    assert "package" not in ebay_fields(product)
