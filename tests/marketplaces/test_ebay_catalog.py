"""eBay's catalog (marketplaces/ebay_catalog.py) against the contract server's Taxonomy and Metadata APIs."""
from __future__ import annotations

import pytest

from marketplaces import ebay_catalog
from marketplaces.adapters import AdapterError
from tests.marketplaces.conftest import HEADPHONES

pytestmark = pytest.mark.django_db


def test_suggestions_are_leaf_categories_with_their_path(ebay_server):
    suggestions = ebay_catalog.suggest_categories("Sony WH-1000XM4 wireless headphones")

    assert suggestions[0] == ebay_catalog.CategorySuggestion("112529", "Headphones", HEADPHONES)
    assert ebay_catalog.suggest_categories("Levi's 501 jeans")[0].path == \
        "Clothing, Shoes & Accessories > Men > Men's Clothing > Jeans"
    assert ebay_catalog.suggest_categories("zzz qqq") == []  # eBay answers 204


def test_category_path_of_a_leaf_a_parent_and_an_unknown_id_with_one_subtree_call_each(ebay_server):
    subtrees = r"/get_category_subtree"
    assert ebay_catalog.category_path("112529") == (HEADPHONES, True)  # the path from eBay's suggestions
    assert ebay_server.count("GET", subtrees) == 1
    # A category with subcategories is named by itself: its parents' subtrees (whole branches) are never read.
    assert ebay_catalog.category_path("15052") == ("Portable Audio & Headphones", False)
    assert ebay_server.count("GET", subtrees) == 2
    with pytest.raises(AdapterError) as unknown:
        ebay_catalog.category_path("999999")
    assert unknown.value.permanent is True and "62005" in unknown.value.message


def test_item_aspects_say_what_is_required_and_how(ebay_server):
    aspects = {a.name: a for a in ebay_catalog.item_aspects("112529")}

    assert [a.name for a in ebay_catalog.item_aspects("112529")][:2] == ["Brand", "Type"]  # required first
    assert aspects["Type"].required and aspects["Type"].selection_only
    assert "Over the Ear (Full-Size)" in aspects["Type"].values
    assert aspects["Model"].recommended and not aspects["Model"].required
    assert aspects["Connectivity"].multi and aspects["Brand"].max_length == 65
    assert not aspects["Features"].recommended


def test_allowed_conditions_leave_out_the_refurbished_ones(ebay_server):
    assert ebay_catalog.allowed_conditions("112529") == ["NEW", "NEW_OTHER", "USED_EXCELLENT",
                                                         "FOR_PARTS_OR_NOT_WORKING"]
    assert ebay_catalog.allowed_conditions("261186") == ["NEW", "LIKE_NEW", "USED_VERY_GOOD", "USED_GOOD",
                                                         "USED_ACCEPTABLE"]


def test_answers_are_cached_across_processes_and_one_app_token_serves_them(ebay_server):
    ebay_catalog.item_aspects("112529")
    ebay_catalog.allowed_conditions("112529")
    asked = ebay_server.catalog_requests
    for cache in (ebay_catalog.weekly, ebay_catalog.daily):
        cache.clear_local()  # another worker: only Redis / PostgreSQL hold the answers

    ebay_catalog.item_aspects("112529")
    ebay_catalog.allowed_conditions("112529")

    assert ebay_server.catalog_requests == asked
    assert ebay_server.count("POST", r"/identity/v1/oauth2/token") == 1
    assert len(ebay_server.app_tokens) == 1


def test_an_expired_app_token_is_renewed_once(ebay_server):
    ebay_catalog.item_aspects("112529")
    ebay_server.app_tokens.clear()

    assert ebay_catalog.allowed_conditions("133704") == ["NEW", "NEW_OTHER", "USED_EXCELLENT",
                                                         "FOR_PARTS_OR_NOT_WORKING"]
    assert ebay_server.count("POST", r"/identity/v1/oauth2/token") == 2


def test_the_accounts_keys_serve_when_the_app_keys_are_not_set(ebay_server, ebay_credentials, settings):
    settings.EBAY_CLIENT_ID = settings.EBAY_CLIENT_SECRET = ""
    with pytest.raises(AdapterError) as unset:
        ebay_catalog.item_aspects("11483")
    assert unset.value.permanent is True and "EBAY_CLIENT_ID" in unset.value.message

    aspects = ebay_catalog.item_aspects("11483", credentials=ebay_credentials)
    assert {a.name for a in aspects if a.required} == {"Brand", "Department", "Size", "Size Type"}


def test_aspects_of_a_parent_category_are_refused(ebay_server):
    with pytest.raises(AdapterError) as error:
        ebay_catalog.item_aspects("15052")
    assert error.value.permanent is True and "not a leaf" in error.value.message
