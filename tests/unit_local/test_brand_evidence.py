"""Brands missing from data/brands.txt: taken only with evidence that the word is a brand."""

import pytest

from agents.local import ocr
from agents.local.text_facts import extract_identity, load_brands

from .rendering import label_photo


@pytest.mark.parametrize(
    "lines, brand, evidence",
    [
        (["KORVELL\u2122", "Trail Flask"], "KORVELL", "ocr: trademark sign 'KORVELL\u2122'"),
        (["Nordvik\u00ae Camp Kettle"], "Nordvik", "ocr: trademark sign 'Nordvik\u00ae'"),
        (["TRAIL FLASK", "Made by Quorra Labs Inc."], "Quorra Labs", "ocr: 'Made by Quorra Labs'"),
        (["MANUFACTURED BY ZENTRO, INC."], "ZENTRO", "ocr: 'MANUFACTURED BY ZENTRO'"),
        (["Brand: Zyloft", "Travel mug"], "Zyloft", "ocr: 'Brand: Zyloft'"),
        (["Trail Flask by Korvell"], "Korvell", "ocr: 'by Korvell'"),
        (["Kitchen Scale by Zyloft"], "Zyloft", "ocr: 'by Zyloft'"),
        (["Handcrafted by Marlow & Finch"], "Marlow & Finch", "ocr: 'Handcrafted by Marlow & Finch'"),
    ],
)
def test_unlisted_brand_read_with_evidence(lines, brand, evidence):
    assert brand not in load_brands()
    identity = extract_identity(lines, "")
    assert identity.brand == brand
    assert identity.evidence["brand"] == evidence
    assert "brand" not in identity.unknowns


def test_notes_naming_the_brand():
    identity = extract_identity(["ZYLOFT", "Travel Mug"], "made by Zyloft")
    assert identity.brand == "Zyloft"
    assert identity.evidence["brand"] == "notes: 'made by Zyloft'"
    identity = extract_identity([], "Zyloft brand travel mug, never used")
    assert identity.brand == "Zyloft"
    assert identity.evidence["brand"] == "notes: 'Zyloft brand'"


@pytest.mark.parametrize(
    "lines, notes",
    [
        (["KORVELL", "Trail Flask"], ""),  # a big capitalised word is not evidence
        (["ORBITAL DESK LAMP", "Made in Portugal"], ""),
        (["Best by MAR 2025"], ""),
        (["MADE BY HAND"], ""),
        (["Made by hand in Vermont"], ""),
        (["Inspired by Nature"], ""),
        (["Powered by Zentro"], ""),  # a part inside, not the maker
        (["Step By Step Guide"], ""),
        (["Protected by US Patent"], ""),
        (["Distributed by Acme Foods"], ""),  # a distributor is not the maker
        (["by Vera Wang"], ""),  # a person (an author, a designer) is not taken for a brand
        (["THE SILENT", "HARBOR", "A Novel", "by Quill"], ""),  # on a book "by" credits the author
        (["Field Notes", "ISBN 978-0-306-40615-7", "by Quill"], ""),
        ([], "Brand new Travel Mug"),
        ([], "Name brand mug, never used"),
        (["BRAND NEW"], ""),
        (["No Brand"], ""),
    ],
)
def test_no_evidence_no_brand(lines, notes):
    identity = extract_identity(lines, notes)
    assert identity.brand is None
    assert "brand" in identity.unknowns
    assert "brand" not in identity.evidence


def test_maker_statement_outranks_a_mention_of_a_listed_brand():
    identity = extract_identity(["Case for Samsung Galaxy S21", "Made by Zyloft"], "")
    assert identity.brand == "Zyloft"
    assert identity.model is None  # S21 is printed beside Samsung, not the case's maker


def test_a_trademark_on_a_product_line_does_not_displace_a_listed_brand():
    identity = extract_identity(["SONY WH-1000XM4", "EXTRA BASS\u2122"], "")
    assert identity.brand == "Sony"
    assert identity.evidence["brand"] == "ocr"


def test_listed_brand_in_a_maker_statement_keeps_plain_evidence():
    identity = extract_identity(["iPad", "Model A1566", "Designed by Apple in California"], "")
    assert identity.brand == "Apple" and identity.evidence["brand"] == "ocr"


def test_trademarked_label_gives_model_and_name():
    identity = extract_identity(["Velmont\u00ae Travel Iron", "VT-220 steam"], "")
    assert identity.brand == "Velmont"
    assert identity.model == "VT-220"
    assert identity.name.startswith("Velmont Travel Iron")


def _box(text, left, right, top, bottom):
    return ocr._Box(text, 0.9, left, right, top, bottom, bottom - top)


def test_superscript_mark_box_goes_back_to_its_word():
    boxes = [_box("LUMORA", 126, 535, 103, 190), _box("TM", 533, 598, 110, 147), _box("Reading Lamp", 123, 580, 209, 288)]
    assert [b.text for b in ocr._attach_marks(boxes)] == ["LUMORA\u2122", "Reading Lamp"]


def test_a_full_size_tm_is_a_word_not_a_mark():
    boxes = [_box("Model", 100, 300, 100, 160), _box("TM", 320, 400, 100, 160)]
    assert [b.text for b in ocr._attach_marks(boxes)] == ["Model", "TM"]


def test_mark_glued_to_the_next_word_moves_back_and_rows_read_left_to_right():
    boxes = [_box("\u2122Trail Flask", 486, 1035, 94, 185), _box("KORVELL", 129, 519, 106, 176)]
    boxes = ocr._reading_order(ocr._attach_marks(boxes))
    assert [b.text for b in boxes] == ["KORVELL\u2122", "Trail Flask"]


def test_trademarked_brand_on_a_generated_label_photo():
    lines = ocr.read_text(label_photo([("LUMORA\u2122", 90), ("Reading Lamp", 60)]))
    identity = extract_identity([line.text for line in lines], "")
    assert identity.brand == "LUMORA"
    assert identity.evidence["brand"] == "ocr: trademark sign 'LUMORA\u2122'"
