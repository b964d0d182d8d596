"""eBay's listing rules as BOOMER applies them before publishing (marketplaces/ebay_rules.py): no HTTP, no database."""
from __future__ import annotations

import pytest

from marketplaces.ebay_rules import (
    CONDITION_IDS,
    Aspect,
    Problem,
    condition_description,
    fill_aspects,
    identifiers,
    map_publish_errors,
    nearest_condition,
    preflight,
)

TYPES = ("Earbud (In Ear)", "Ear-Fitting (On the Ear)", "Over the Ear (Full-Size)", "Headband")
HEADPHONES = [
    Aspect("Brand", required=True, recommended=True, selection_only=False, values=("Sony", "Bose"), max_length=65),
    Aspect("Type", required=True, recommended=True, selection_only=True, values=TYPES),
    Aspect("Model", required=False, recommended=True, selection_only=False, max_length=65),
    Aspect("Colour", required=False, recommended=True, selection_only=False, values=("Black", "Silver")),
    Aspect("Connectivity", required=False, recommended=True, selection_only=True, values=("Bluetooth", "Wired",
                                                                                          "USB-C"), multi=True),
    Aspect("Features", required=False, recommended=False, selection_only=False, multi=True),
]
ELECTRONICS = ["NEW", "NEW_OTHER", "USED_EXCELLENT", "FOR_PARTS_OR_NOT_WORKING"]
ACCOUNT = {"fulfillment_policy_id": "F-1", "payment_policy_id": "P-1", "return_policy_id": "R-1",
           "merchant_location_key": "boomer-main"}


def headphone_fields(**overrides) -> dict:
    fields = {"category": {"id": "112529", "path": "Consumer Electronics > Portable Audio & Headphones > Headphones"},
              "aspects": {"Brand": ["Sony"], "Type": ["Over the Ear (Full-Size)"]},
              "condition": {"enum": "USED_EXCELLENT", "id": "3000"}}
    return {**fields, **overrides}


def check(fields=None, **overrides) -> list[Problem]:
    args = dict(fields=fields if fields is not None else headphone_fields(), title="Sony WH-1000XM4 headphones",
                price="120.00", photo_sizes=[(1200, 900)], aspects=HEADPHONES, allowed_conditions=ELECTRONICS,
                category_is_leaf=True, account=ACCOUNT)
    return preflight(**{**args, **overrides})


# --- condition ---------------------------------------------------------------------------------
def test_the_condition_table_is_ebays():
    assert CONDITION_IDS["NEW"] == "1000" and CONDITION_IDS["NEW_OTHER"] == "1500"
    assert CONDITION_IDS["LIKE_NEW"] == "2750" and CONDITION_IDS["USED_EXCELLENT"] == "3000"
    assert CONDITION_IDS["USED_GOOD"] == "5000" and CONDITION_IDS["FOR_PARTS_OR_NOT_WORKING"] == "7000"
    assert not {"2000", "2010", "2020", "2030", "2500"} & set(CONDITION_IDS.values())


def test_a_grade_the_category_allows_maps_to_itself():
    assert nearest_condition("GOOD", ["USED_GOOD", "USED_ACCEPTABLE"]) == "USED_GOOD"
    assert nearest_condition("LIKE_NEW", ["LIKE_NEW", "USED_GOOD"]) == "LIKE_NEW"


def test_electronics_forbid_like_new_so_it_becomes_used_not_open_box():
    assert nearest_condition("LIKE_NEW", ELECTRONICS) == "USED_EXCELLENT"
    assert nearest_condition("GOOD", ELECTRONICS) == "USED_EXCELLENT"
    assert nearest_condition("NEW", ["NEW_OTHER", "USED_EXCELLENT"]) == "NEW_OTHER"


def test_a_used_grade_never_becomes_new_and_refurbished_is_never_chosen():
    assert nearest_condition("GOOD", ["NEW", "NEW_OTHER", "CERTIFIED_REFURBISHED"]) is None
    assert nearest_condition("POOR", ELECTRONICS) == "FOR_PARTS_OR_NOT_WORKING"
    assert nearest_condition("", ELECTRONICS) is None


def test_condition_description_from_defects_only_for_used_items():
    assert condition_description(["light scuffs on the left ear cup", "worn pads."], "USED_EXCELLENT") == \
        "Light scuffs on the left ear cup. Worn pads."
    assert condition_description(["scuff"], "NEW") == ""
    assert condition_description("a scratch", "NEW_WITH_DEFECTS") == ""
    long = condition_description(["scratch number " + str(i) for i in range(200)], "USED_GOOD")
    assert len(long) <= 1000 and long.endswith("…")


# --- item specifics ----------------------------------------------------------------------------
def test_fill_aspects_uses_listed_values_in_ebays_spelling_and_leaves_the_rest_for_the_reviewer():
    filled, unfilled = fill_aspects(HEADPHONES, {"brand": "SONY", "model": "WH-1000XM4", "color": "black",
                                                 "type": "over-ear headphones"})

    assert filled == {"Brand": ["Sony"], "Model": ["WH-1000XM4"], "Colour": ["Black"]}
    assert [a.name for a in unfilled] == ["Type", "Connectivity"]  # never a guessed Type


def test_selection_only_accepts_a_listed_value_case_insensitively():
    filled, unfilled = fill_aspects(HEADPHONES, {"Brand": "Sony", "TYPE": "over the ear (full-size)",
                                                 "connectivity": ["bluetooth", "Wired", "infrared"]})
    assert filled["Type"] == ["Over the Ear (Full-Size)"]
    assert filled["Connectivity"] == ["Bluetooth", "Wired"]  # MULTI; the unlisted value dropped
    assert "Type" not in {a.name for a in unfilled}


def test_single_cardinality_and_max_length_are_respected():
    aspects = [Aspect("Model", required=True, recommended=True, selection_only=False, max_length=10),
               Aspect("Brand", required=True, recommended=True, selection_only=False)]
    filled, unfilled = fill_aspects(aspects, {"model": "A-very-long-model-name", "brand": ["Sony", "Bose"]})
    assert filled == {"Brand": ["Sony"]}
    assert [a.name for a in unfilled] == ["Model"]


# --- identifiers -------------------------------------------------------------------------------
@pytest.mark.parametrize("barcode, expected", [
    ("027242920378", {"upc": "027242920378"}),                 # UPC-A
    ("0027242920378", {"upc": "027242920378"}),                # UPC-A written as EAN-13
    ("4006381333931", {"ean": "4006381333931"}),               # EAN-13
    ("9780306406157", {"isbn": "9780306406157"}),              # ISBN-13
    ("0-306-40615-2", {"isbn": "0306406152"}),                 # ISBN-10
    ("96385074", {"ean": "96385074"}),                         # EAN-8
    ("4006381333932", {}),                                     # wrong check digit: a misread, not sent
    ("12345", {}),
])
def test_identifiers_by_barcode_kind(barcode, expected):
    assert identifiers(barcode) == expected


def test_mpn_only_with_a_real_brand():
    assert identifiers("", brand="Sony", mpn="WH1000XM4/B") == {"brand": "Sony", "mpn": "WH1000XM4/B"}
    assert identifiers("", brand="Unbranded", mpn="X-1") == {}
    assert identifiers("027242920378", brand="", mpn="X-1") == {"upc": "027242920378"}


# --- preflight ---------------------------------------------------------------------------------
def test_a_complete_headphone_draft_passes():
    assert check() == []


def test_a_missing_required_selection_only_aspect_is_named_with_its_choices():
    problems = check(headphone_fields(aspects={"Brand": ["Sony"]}))

    assert [p.field for p in problems] == ["aspects.Type"]
    assert problems[0].message.startswith("eBay needs Type for Headphones: choose one of Earbud (In Ear), ")


def test_a_made_up_value_for_selection_only_is_refused():
    problems = check(headphone_fields(aspects={"Brand": ["Sony"], "Type": ["Over-ear"]}))
    assert [p.field for p in problems] == ["aspects.Type"]
    assert "“Over-ear”" in problems[0].message


def test_a_condition_the_category_forbids_is_refused_in_ebays_words():
    problems = check(headphone_fields(condition={"enum": "LIKE_NEW", "id": "2750"}))
    assert [p.field for p in problems] == ["condition"]
    assert "Like New" in problems[0].message and "Open box" in problems[0].message


def test_non_leaf_category_small_photos_long_title_zero_price_and_account_gaps():
    problems = check(category_is_leaf=False, photo_sizes=[(400, 300)], title="x" * 81, price="0",
                     account={"fulfillment_policy_id": "F-1", "calculated_shipping": True})
    fields = [p.field for p in problems]
    assert fields == ["category", "photos", "title", "price", "policies", "location", "package"]
    assert "payment, returns" in problems[4].message


def test_no_category_is_asked_for():
    assert [p.field for p in check({"aspects": {}, "condition": {"enum": "USED_EXCELLENT"}})] == ["category"]


# --- eBay's errors at publish time -------------------------------------------------------------
def test_publish_errors_map_to_the_field_they_name():
    errors = [
        {"errorId": 25002, "domain": "API_INVENTORY", "category": "REQUEST",
         "message": "A user error has occurred. The item specific Type is missing. Add Type to this listing, "
                    "enter a valid value, and then try again.",
         "parameters": [{"name": "0", "value": "Type"}]},
        {"errorId": 25021, "message": "Invalid item condition information.",
         "parameters": [{"name": "condition", "value": "LIKE_NEW"}]},
        {"errorId": 25005, "message": "Invalid category ID."},
        {"errorId": 25007, "message": "Invalid Fulfillment policy."},
        {"errorId": 25002, "message": "A user error has occurred. No <Item.Country> exists or <Item.Location> "
                                      "is not valid."},
        {"errorId": 25099, "message": "Something new."},
    ]
    assert [p.field for p in map_publish_errors(errors)] == [
        "aspects.Type", "condition", "category", "policies", "location", "listing"]
    assert map_publish_errors(errors)[0].message.startswith("The item specific Type is missing.")


def test_a_request_eBay_could_not_read_names_its_field():
    errors = [{"errorId": 2004, "domain": "ACCESS", "message": "Invalid request",
               "longMessage": "The request has errors: product.title: 'x…' is too long",
               "parameters": [{"name": "product.title", "value": "'x…' is too long"}]}]
    assert [p.field for p in map_publish_errors(errors)] == ["title"]
