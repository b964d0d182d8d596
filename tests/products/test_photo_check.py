"""Every refused photo says why, in words a seller can act on."""
import io

import pytest
from PIL import Image

from products.photos import PhotoRejected, photo_check, photo_warnings
from tests.photos import make_product_photo


def _png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_real_photo_is_accepted_with_its_size_and_hash():
    data = make_product_photo(None, label="ACME widget", ean13=None, size=(800, 600))
    photo = photo_check(name="a.jpg", data=data)
    assert (photo.width, photo.height, photo.format) == (800, 600, "JPEG")
    assert len(photo.sha256) == 64


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"this is not a picture at all" * 10, "not an image"),
])
def test_junk_is_refused(data, reason):
    with pytest.raises(PhotoRejected, match=reason):
        photo_check(name="x.jpg", data=data)


def test_truncated_jpeg_is_refused():
    data = make_product_photo(None, label="ACME widget", ean13=None, size=(800, 600))
    with pytest.raises(PhotoRejected, match="truncated"):
        photo_check(name="cut.jpg", data=data[: len(data) // 2])


def test_decompression_bomb_is_refused_before_decoding():
    data = _png((10_000, 10_000), mode="1")  # 100 M pixels in a few kB
    assert len(data) < 200_000
    with pytest.raises(PhotoRejected, match="decompression bomb"):
        photo_check(name="bomb.png", data=data)


def test_too_large_file_is_refused(settings):
    settings.BOOMER_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(PhotoRejected, match="too large"):
        photo_check(name="big.jpg", data=b"\xff" * 1001)


@pytest.mark.parametrize("size", [(1, 1), (99, 400), (400, 99)])
def test_a_photo_too_small_to_show_an_item_is_refused(size):
    with pytest.raises(PhotoRejected, match=f"too small to show an item: {size[0]}x{size[1]} pixels"):
        photo_check(name="dot.png", data=_png(size))


def test_a_photo_under_ebays_minimum_long_edge_is_accepted_with_a_warning():
    photo = photo_check(name="lamp.png", data=_png((400, 300)))
    assert photo_warnings(name=photo.name, width=photo.width, height=photo.height) == [
        "lamp.png is 400x300 pixels: eBay asks for at least 500 on the longest side"]
    assert photo_warnings(name="tall.png", width=300, height=500) == []  # the long edge counts
