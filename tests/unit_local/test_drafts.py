from decimal import Decimal

import pytest

from agents.local.drafts import PLATFORM_LIMITS, compose_drafts, cut_on_word

BASE = dict(
    name="Sony WH-1000XM4 Headphones",
    brand="Sony",
    model="WH-1000XM4",
    category="Electronics > Audio",
    attributes={"color": "Black"},
    barcode="4006381333931",
    grade="GOOD",
    defects=[{"type": "scratch", "detail": "light scratches on the back", "source": "notes"}],
    price=Decimal("129.99"),
    currency="USD",
    notes="light scratches on the back",
)


def test_every_platform_gets_title_description_price():
    drafts = compose_drafts(**BASE)
    assert set(drafts) == set(PLATFORM_LIMITS) == {"ebay", "mercari", "facebook"}
    for draft in drafts.values():
        assert set(draft) == {"title", "description", "price"}
        assert draft["price"] == Decimal("129.99")
        assert draft["title"].startswith("Sony WH-1000XM4")
        text = draft["description"]
        assert "Used – good" in text
        assert "light scratches on the back" in text
        assert "Brand: Sony" in text and "Model: WH-1000XM4" in text
        assert "GTIN: 4006381333931" in text and "Color: Black" in text


def test_new_sealed_wording():
    drafts = compose_drafts(**{**BASE, "grade": "NEW", "defects": [], "notes": "new, sealed"})
    assert "New, sealed" in drafts["ebay"]["description"]


def test_unknowns_are_not_claimed():
    drafts = compose_drafts(
        name=None, brand=None, model=None, category=None, attributes={}, barcode=None,
        grade=None, defects=[], price=None, currency="USD", notes="",
    )
    for draft in drafts.values():
        assert draft["price"] is None
        assert "Condition not yet assessed – see photos" in draft["description"]
        for claim in ("Brand:", "Model:", "GTIN:", "New", "defects"):
            assert claim not in draft["description"]


@pytest.mark.parametrize("length", [10, 79, 80, 81, 150, 400])
def test_titles_never_exceed_limits_or_cut_words(length):
    words = ["Supercalifragilistic", "ultra", "deluxe", "edition", "headphones", "bundle"]
    name = " ".join(words[i % len(words)] for i in range(length))
    drafts = compose_drafts(**{**BASE, "name": name[: length * 3]})
    for platform, draft in drafts.items():
        title = draft["title"]
        assert len(title) <= PLATFORM_LIMITS[platform]["title"]
        full = " ".join(["Sony", name[: length * 3], "WH-1000XM4", "Black"]).split()
        assert all(word in full for word in title.split())


def test_descriptions_respect_limits():
    defects = [{"type": "scratch", "detail": f"scratch number {i} on the lid", "source": "notes"} for i in range(200)]
    drafts = compose_drafts(**{**BASE, "defects": defects})
    for platform, draft in drafts.items():
        assert len(draft["description"]) <= PLATFORM_LIMITS[platform]["description"]


def test_cut_on_word():
    assert cut_on_word("alpha beta gamma", 11) == "alpha beta"
    assert cut_on_word("alpha beta gamma", 10) == "alpha beta"
    assert cut_on_word("alpha beta gamma", 9) == "alpha"
    assert cut_on_word("x" * 100, 80) == "x" * 80  # a single giant word is hard-cut
