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


GOOD = make_product_photo(None, label="NIKE Air Max 90", ean13=None, size=(640, 480), seed=7)


@pytest.mark.parametrize("name, data, reason", [
    ("empty.jpg", b"", "empty file"),
    ("letter.jpg", b"Dear seller" * 50, "not an image"),
    ("cut.jpg", GOOD[: len(GOOD) // 3], "truncated"),
    ("bomb.png", _bomb(), "decompression bomb"),
])
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


def test_a_json_body_gets_415_not_500(api, people):
    client = api()
    client.login("seller_a")
    response = client.post("/api/products/", json={"images": []})
    assert response.status_code == 415 and response.json()["detail"]
