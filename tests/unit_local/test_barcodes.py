import barcode
import pytest
from barcode.writer import ImageWriter
from PIL import Image

from agents.local.barcodes import Barcode, gtin_valid, read_barcodes, upce_to_upca
from agents.local.imaging import open_image
from tests.photos import make_product_photo

from .conftest import EAN13


def _rendered(kind: str, digits: str) -> Image.Image:
    img = barcode.get(kind, digits, writer=ImageWriter()).render().convert("RGB")
    canvas = Image.new("RGB", (img.width + 200, img.height + 200), "white")
    canvas.paste(img, (100, 100))
    return canvas


def test_ean13_on_product_photo_is_decoded(sharp_photo_bytes):
    found = read_barcodes(open_image(sharp_photo_bytes))
    assert found == [Barcode(text=EAN13, format="EAN-13", is_gtin=True)]


def test_large_photo_is_decoded_too():
    data = make_product_photo(None, label="LEGO 75192", ean13="5702015869935", size=(4000, 3000))
    texts = [b.text for b in read_barcodes(open_image(data))]
    assert texts == ["5702015869935"]


def test_upc_a_is_reported_as_twelve_digits():
    found = read_barcodes(_rendered("upca", "03600029145"))
    assert found == [Barcode(text="036000291452", format="UPC-A", is_gtin=True)]


def test_ean8_is_a_gtin():
    found = read_barcodes(_rendered("ean8", "9638507"))
    assert found == [Barcode(text="96385074", format="EAN-8", is_gtin=True)]


def test_code128_is_not_a_gtin_and_duplicates_collapse():
    one = _rendered("code128", "SKU-12345")
    two = Image.new("RGB", (one.width, one.height * 2 + 40), "white")
    two.paste(one, (0, 0))
    two.paste(one, (0, one.height + 40))
    found = read_barcodes(two)
    assert found == [Barcode(text="SKU-12345", format="Code 128", is_gtin=False)]


def test_blank_image_has_no_barcodes():
    assert read_barcodes(Image.new("RGB", (640, 480), "white")) == []


@pytest.mark.parametrize(
    "code, ok",
    [
        ("036000291452", True),   # UPC-A
        ("036000291453", False),  # wrong check digit
        ("4006381333931", True),  # EAN-13
        ("4006381333932", False),
        ("96385074", True),       # EAN-8
        ("10614141000415", True), # GTIN-14
        ("03600029145", False),   # 11 digits
        ("03600029145X", False),
        ("", False),
        ("٠٣٦٠٠٠٢٩١٤٥٢", False),  # non-ASCII digits
    ],
)
def test_gtin_valid(code, ok):
    assert gtin_valid(code) is ok


def test_upce_expands_to_valid_upca():
    assert upce_to_upca("04252614") == "042100005264"
    assert gtin_valid(upce_to_upca("04252614"))
    assert upce_to_upca("1234") is None
