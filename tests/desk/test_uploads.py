"""Uploads share the inbox's checks: each bad file is a 400 naming the file and the reason,
and nothing is created; the same photo twice answers the existing product with 200."""
import io

import pytest
from PIL import Image

from products.models import Product
from tests.photos import make_product_photo

pytestmark = pytest.mark.django_db(transaction=True)


def _bomb():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    return buffer.getvalue()


def _png(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


GOOD = make_product_photo(None, label="NIKE Air Max 90", ean13=None, size=(640, 480), seed=7)


@pytest.mark.parametrize("name, data, reason", [
    ("empty.jpg", b"", "empty file"),
    ("letter.jpg", b"Dear seller" * 50, "not an image"),
    ("cut.jpg", GOOD[: len(GOOD) // 3], "truncated"),
    ("bomb.png", _bomb(), "decompression bomb"),
    ("dot.png", _png((1, 1)), "too small to show an item: 1x1 pixels"),
], ids=["empty", "letter", "truncated", "bomb", "one-pixel"])
def test_each_bad_file_is_a_400_naming_it(api, people, name, data, reason):
    client = api()
    client.login("seller_a")
    response = client.post("/api/products/", files=[("images", ("good.jpg", GOOD)), ("images", (name, data))])
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(f"{name}: ") and reason in response.json()["detail"]
    assert Product.objects.count() == 0


def test_too_large_and_too_many_files_are_refused(api, people, settings):
    client = api()
    client.login("seller_a")
    settings.BOOMER_MAX_UPLOAD_BYTES = 10_000
    response = client.post("/api/products/", files=[("images", ("big.jpg", GOOD))])
    assert response.status_code == 400 and response.json()["detail"].startswith("big.jpg: too large")
    settings.BOOMER_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
    settings.BOOMER_MAX_PHOTOS_PER_ITEM = 2
    response = client.post("/api/products/", files=[("images", (f"{i}.jpg", GOOD)) for i in range(3)])
    assert response.status_code == 400 and "too many files" in response.json()["detail"]
    response = client.post("/api/products/", data={"notes": "no photo"})
    assert response.status_code == 400 and "images" in response.json()["fields"]


def test_the_same_photo_twice_answers_the_existing_product(api, people):
    client = api()
    client.login("seller_a")
    first = client.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))], data={"notes": "size 10"})
    assert first.status_code == 201, first.text
    assert first.json()["stage"] == "DROPPED" and first.json()["notes"] == "size 10"
    again = client.post("/api/products/", files=[("images", ("renamed.jpg", GOOD))])
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Product.objects.count() == 1
    # Seller B's identical photo is B's own product, not a peek at A's.
    other = api()
    other.login("seller_b")
    theirs = other.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))])
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


def test_a_photo_under_ebays_minimum_is_taken_with_a_warning(api, people):
    client = api()
    client.login("seller_a")
    small = make_product_photo(None, label="IKEA lamp", ean13=None, size=(400, 300), seed=8)
    response = client.post("/api/products/", files=[("images", ("lamp.jpg", small))])
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == ["lamp.jpg is 400x300 pixels: eBay asks for at least 500 on the longest side"]
    response = client.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))])
    assert response.status_code == 201 and response.json()["warnings"] == []


def test_the_same_photo_with_new_notes_keeps_the_notes(api, people):
    client = api()
    client.login("seller_a")
    first = client.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))], data={"notes": "size 10"})
    again = client.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))],
                        data={"notes": "the left sole is worn"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    notes = again.json()["notes"]
    assert notes.startswith("size 10\n\nAdded later (") and notes.endswith("sent again with the same photo, from api):"
                                                                          "\nthe left sole is worn")
    once_more = client.post("/api/products/", files=[("images", ("shoe.jpg", GOOD))],
                            data={"notes": "the left sole is worn"})
    assert once_more.json()["notes"] == notes  # the same words are not added twice
    assert client.get(f"/api/products/{first.json()['id']}/").json()["notes"] == notes


def test_a_json_body_gets_415_not_500(api, people):
    client = api()
    client.login("seller_a")
    response = client.post("/api/products/", json={"images": []})
    assert response.status_code == 415 and response.json()["detail"]
