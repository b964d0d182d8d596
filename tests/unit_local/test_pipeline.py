"""The whole offline path on a generated photo, as the Django provider will run it."""

from decimal import Decimal

from agents.local.barcodes import read_barcodes
from agents.local.condition_rules import grade_condition
from agents.local.drafts import compose_drafts
from agents.local.imaging import open_image
from agents.local.ocr import read_text
from agents.local.quality import assess_quality
from agents.local.text_facts import extract_identity

from .conftest import EAN13


def test_photo_to_drafts(sharp_photo_bytes):
    img = open_image(sharp_photo_bytes)
    quality = assess_quality(img)
    codes = read_barcodes(img)
    lines = [line.text for line in read_text(img)]
    notes = "light scratches on the back"
    identity = extract_identity(lines, notes, codes[0].text)
    condition = grade_condition(notes, lines, quality.issues)
    drafts = compose_drafts(
        name=identity.name, brand=identity.brand, model=identity.model, category=identity.category,
        attributes=identity.attributes, barcode=codes[0].text, grade=condition.grade,
        defects=list(condition.defects), price=Decimal("120"), currency="USD", notes=notes,
    )
    assert codes[0].text == EAN13
    assert identity.brand == "Sony" and identity.model == "WH-1000XM4"
    assert condition.grade == "GOOD"
    assert drafts["ebay"]["title"] == "Sony WH-1000XM4 Wireless Headphones"
    assert f"GTIN: {EAN13}" in drafts["mercari"]["description"]
