"""BOOMER's category mapped onto Facebook's (Google's product taxonomy) and Mercari's vocabularies:
an explicit table, matched word by word; no single answer → no category, never a guess."""
from __future__ import annotations

import pytest

from marketplaces.categories import category_find, category_map, platform_categories

HEADPHONES = "Electronics > Audio > Audio Components > Headphones & Headsets > Headphones"
BLENDERS = "Home & Garden > Kitchen & Dining > Kitchen Appliances > Food Mixers & Blenders"


def path(platform: str, category: str) -> str | None:
    found = category_map(platform, category)
    return found.path if found else None


@pytest.mark.parametrize(("category", "facebook", "mercari"), [
    ("Headphones", HEADPHONES, "Electronics > Headphones"),
    ("wireless headphones", HEADPHONES, "Electronics > Headphones"),
    ("Electronics > Audio > Headphones", HEADPHONES, "Electronics > Headphones"),
    ("Blender", BLENDERS, "Home > Kitchen appliances"),
    ("Book", "Media > Books", "Books > Books"),
    ("Camera", "Cameras & Optics > Cameras > Digital Cameras", "Electronics > Cameras"),
    ("Video Game Console", "Electronics > Video Game Consoles", "Electronics > Video game consoles"),
    ("Men's Jeans", "Apparel & Accessories > Clothing > Pants", "Men > Jeans"),
    ("WOMENS JEANS", "Apparel & Accessories > Clothing > Pants", "Women > Jeans"),
    ("Cell Phone", "Electronics > Communications > Telephony > Mobile Phones", "Electronics > Cell phones & smartphones"),
])
def test_a_common_resale_category_maps_on_both_platforms(category, facebook, mercari):
    assert path("facebook", category) == facebook
    assert path("mercari", category) == mercari


def test_jeans_without_women_or_men_is_pants_on_facebook_but_left_to_the_reviewer_on_mercari():
    assert path("facebook", "Jeans") == "Apparel & Accessories > Clothing > Pants"
    assert path("mercari", "Jeans") is None  # Women > Jeans or Men > Jeans: not guessed


@pytest.mark.parametrize("category", ["Camera Lens", "Phone Case", "Headphone Amplifier", "Audio Mixer",
                                      "Electronics > Audio", "Lawn Mower", "", "  "])
def test_the_head_noun_decides_and_an_unknown_one_maps_to_nothing(category):
    # "Camera Lens" is a lens, not a camera; "Audio Mixer" is not a kitchen mixer.
    assert path("facebook", category) is None
    assert path("mercari", category) is None


def test_dress_shoes_are_shoes_not_a_dress():
    assert path("facebook", "Dress Shoes") == "Apparel & Accessories > Shoes"
    assert path("mercari", "Dress Shoes") is None  # Women's or Men's shoes: the reviewer's pick


def test_a_reviewer_names_a_category_by_its_path_in_any_case_and_spacing():
    assert category_find("mercari", "men>jeans").path == "Men > Jeans"
    assert category_find("facebook", HEADPHONES.upper()).path == HEADPHONES
    assert category_find("mercari", "Men > Jorts") is None
    assert category_find("ebay", "Men > Jeans") is None  # eBay's categories come from its catalog


def test_every_path_is_listed_once_per_platform():
    for platform in ("facebook", "mercari"):
        paths = [c.path for c in platform_categories(platform)]
        assert len(paths) == len(set(paths)) and len(paths) >= 20
