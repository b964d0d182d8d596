"""Barcodes the decoder cannot read, whose printed digits OCR did: kept only if the check digit holds."""

import pytest

from agents.local.barcodes import read_barcodes
from agents.local.gtin import isbn10_to_isbn13, printed_gtin
from agents.local.ocr import read_text
from agents.local.text_facts import extract_identity

from .rendering import label_photo, torn_barcode


@pytest.mark.parametrize(
    "lines, gtin",
    [
        (["0 45496 43052 8"], "045496430528"),           # UPC-A as printed under the bars
        (["045496430528"], "045496430528"),
        (["9 780306 406157"], "9780306406157"),          # EAN-13
        (["9638 5074"], "96385074"),                     # EAN-8
        (["96385074"], "96385074"),
        (["ISBN 978-0-306-40615-7"], "9780306406157"),
        (["ISBN 0-306-40615-2"], "9780306406157"),       # ISBN-10 becomes its EAN-13
        (["ISBN-10: 080442957X"], "9780804429573"),
        (["9", "780306", "406157"], "9780306406157"),    # digit groups boxed one by one
        (["UPC 045496430528"], "045496430528"),
    ],
)
def test_printed_gtin_with_valid_check_digit(lines, gtin):
    assert printed_gtin(lines).gtin == gtin


@pytest.mark.parametrize(
    "lines",
    [
        ["0 45496 43052 7"],                 # wrong check digit: a misread
        ["9 780306 406158"],
        ["ISBN 0-306-40615-3"],
        ["ISBN 978-0-306-40615-8"],
        ["0306406152"],                      # ten digits without "ISBN" are no product code
        ["Tel 045496430528"],                # labelled as something else
        ["Serial no. 9780306406157"],
        ["EXP 20231105"],
        ["Price 12.99 for 4 items 96385074"],  # eight digits inside a sentence
        ["90780306406157"],                  # part of a longer number
        ["0 0045496 430528"],
    ],
)
def test_printed_digits_that_are_not_a_gtin(lines):
    assert printed_gtin(lines) is None


def test_isbn10_conversion():
    assert isbn10_to_isbn13("0306406152") == "9780306406157"
    assert isbn10_to_isbn13("0306406153") is None
    assert isbn10_to_isbn13("03064061") is None


def test_identity_takes_printed_digits_as_barcode_marked_as_ocr():
    identity = extract_identity(["Ceramic Plant Pot", "0 45496 43052 8"], "")
    assert identity.barcode == "045496430528"
    assert identity.attributes["gtin"] == "045496430528"
    for key in ("gtin", "barcode"):
        assert identity.evidence[key].startswith("ocr: printed digits '0 45496 43052 8'")
        assert "not decoded" in identity.evidence[key]


def test_identity_rejects_printed_digits_with_a_wrong_check_digit():
    identity = extract_identity(["Ceramic Plant Pot", "0 45496 43052 7"], "")
    assert identity.barcode is None
    assert "gtin" not in identity.attributes and "gtin" not in identity.evidence


def test_a_decoded_barcode_wins_over_printed_digits():
    identity = extract_identity(["0 45496 43052 8"], "", barcode="4006381333931")
    assert identity.barcode == "4006381333931"
    assert identity.evidence["gtin"] == "barcode"


def test_a_decoded_non_gtin_keeps_its_place_next_to_a_printed_gtin():
    identity = extract_identity(["0 45496 43052 8"], "", barcode="SKU-12345")
    assert identity.barcode == "045496430528"
    assert identity.attributes == {"barcode": "SKU-12345", "gtin": "045496430528"}
    assert identity.evidence["barcode"].startswith("ocr: printed digits")


@pytest.fixture(scope="module")
def torn_upc_photos():
    """The same torn UPC-A sticker, its printed digits right (…8) or misread/misprinted (…7)."""
    label = [("Ceramic Plant Pot", 80), ("Glazed stoneware, 15 cm", 44)]
    return {
        printed: label_photo(label, barcode_image=torn_barcode("upca", "04549643052", printed))
        for printed in ("0 45496 43052 8", "0 45496 43052 7")
    }


def test_torn_barcode_photo_is_identified_from_its_printed_digits(torn_upc_photos):
    img = torn_upc_photos["0 45496 43052 8"]
    assert read_barcodes(img) == []  # the bars really are unreadable
    identity = extract_identity([line.text for line in read_text(img)], "")
    assert identity.barcode == "045496430528"
    assert "not decoded" in identity.evidence["barcode"]


def test_torn_barcode_with_wrong_printed_check_digit_stays_unknown(torn_upc_photos):
    img = torn_upc_photos["0 45496 43052 7"]
    assert read_barcodes(img) == []
    lines = [line.text for line in read_text(img)]
    assert "0 45496 43052 7" in lines  # read fine, and still refused
    identity = extract_identity(lines, "")
    assert identity.barcode is None and "gtin" not in identity.attributes


def test_isbn_printed_on_a_photo():
    img = label_photo([("Field Notes on Rivers", 80), ("ISBN 0-306-40615-2", 44)])
    identity = extract_identity([line.text for line in read_text(img)], "")
    assert identity.barcode == "9780306406157"
    assert identity.evidence["barcode"].startswith("ocr: printed digits 'ISBN 0-306-40615-2'")
