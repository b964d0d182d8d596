"""With no brand to name it by, an item is named by the largest text on its photos."""

from decimal import Decimal

import pytest

from agents.local.drafts import compose_drafts
from agents.local.ocr import read_text
from agents.local.text_facts import PrintedLine, extract_identity

from .rendering import book_cover, label_photo


def _identity(img, notes="", photo=1):
    lines = [PrintedLine(line.text, line.height, photo) for line in read_text(img)]
    return extract_identity(lines, notes)


def _titles(identity):
    drafts = compose_drafts(
        name=identity.name, brand=identity.brand, model=identity.model, category=identity.category,
        attributes=identity.attributes, barcode=identity.barcode, grade=None, defects=[],
        price=Decimal("12"), currency="USD", notes="",
    )
    return {draft["title"] for draft in drafts.values()}


@pytest.fixture(scope="module")
def novel_cover():
    return book_cover(["THE SILENT", "HARBOR"], "by Jane Mercer", subtitle="A Novel")


def test_book_cover_is_named_by_its_title(novel_cover):
    identity = _identity(novel_cover, photo=2)
    assert identity.name == "The Silent Harbor"  # the two big lines, not the author or subtitle
    assert identity.evidence["name"] == "largest text on photo 2"
    assert identity.brand is None and identity.model is None
    assert {"brand", "model"} <= set(identity.unknowns) and "name" not in identity.unknowns
    assert identity.category == "Books & Magazines"  # "A Novel" says so
    assert _titles(identity) == {"The Silent Harbor"}


def test_cover_without_category_words_leaves_category_unknown():
    identity = _identity(book_cover(["SALT", "AND EMBER"], "MIRA QUELL"))
    assert identity.name == "Salt and Ember"
    assert identity.unknowns == ("brand", "model", "category")
    assert _titles(identity) == {"Salt and Ember"}


def test_unbranded_product_label_is_named_by_its_product_line():
    img = label_photo([("ORBITAL DESK LAMP", 90), ("Warm white, dimmable", 44), ("Made in Portugal", 36)])
    identity = _identity(img)
    assert identity.name == "Orbital Desk Lamp"
    assert identity.brand is None
    assert _titles(identity) == {"Orbital Desk Lamp White"}  # the colour read on it is appended, as for any item


def test_notes_first_line_still_names_the_item(novel_cover):
    identity = _identity(novel_cover, notes="Signed first edition of The Silent Harbor, like new")
    assert identity.name == "Signed first edition of The Silent Harbor"
    assert identity.evidence["name"] == "notes"


def test_largest_line_picks_and_joins_same_size_neighbours():
    lines = [
        PrintedLine("NEW!", 0.12, 1),                 # sticker noise, bigger still
        PrintedLine("Quiet", 0.02, 1),
        PrintedLine("MOUNTAIN", 0.07, 2),
        PrintedLine("MORNINGS", 0.065, 2),
        PrintedLine("poems", 0.03, 2),
        PrintedLine("9 780306 406157", 0.03, 2),
    ]
    identity = extract_identity(lines, "")
    assert identity.name == "Mountain Mornings"
    assert identity.evidence["name"] == "largest text on photo 2"
    assert identity.barcode == "9780306406157"


def test_a_brand_label_names_the_item_not_the_largest_text():
    lines = [PrintedLine("FREE GIFT INSIDE", 0.1, 1), PrintedLine("SONY WH-1000XM4", 0.05, 1),
             PrintedLine("Wireless Headphones", 0.04, 1)]
    identity = extract_identity(lines, "")
    assert identity.name == "Sony WH-1000XM4 Wireless Headphones"
    assert identity.evidence["name"] == "ocr"


def test_without_sizes_nothing_is_named_by_size():
    identity = extract_identity(["THE SILENT", "HARBOR"], "")
    assert identity.name is None and "name" in identity.unknowns
