"""A seller's script, end to end over HTTP with a real worker: token, upload two photos with
notes, poll until PENDING, approve for two platforms, list the listings."""
import time

import pytest

from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_upload_poll_approve_list(api, people, celery_worker):
    client = api()
    client.login("seller_a")
    front = make_product_photo(None, label="NINTENDO Switch Pro Controller HAC-013", ean13="0045496430528", seed=11)
    back = make_product_photo(None, label="NINTENDO controller back", ean13=None, seed=12, size=(1000, 750))
    created = client.post("/api/products/", files=[("images", ("front.jpg", front)), ("images", ("back.jpg", back))],
                          data={"notes": "like new, works great"})
    assert created.status_code == 201, created.text
    product = created.json()
    assert len(product["images"]) == 2 and product["stage"] in ("DROPPED", "ANALYZING")

    deadline = time.monotonic() + 120
    while product["stage"] not in ("PENDING", "FAILED") and time.monotonic() < deadline:
        time.sleep(0.5)
        product = client.get(f"/api/products/{product['id']}/").json()
    assert product["stage"] == "PENDING", product["failure_reason"]
    assert product["brand"] == "Nintendo" and product["barcode"] == "045496430528"
    assert product["condition"]["grade"] == "LIKE_NEW"
    assert product["price"]["recommended"] is None and product["price"]["reason"] == "no comparable sales yet"
    assert {d["platform"] for d in product["drafts"]} == {"ebay", "facebook", "mercari"}

    history = client.get(f"/api/products/{product['id']}/events/").json()
    stages = [e["data"]["to"] for e in history if e["event_type"] == "product.stage"]
    assert stages == ["ANALYZING", "ANALYZED", "RESEARCHING", "OPTIMIZING", "PENDING"]

    approved = client.post(f"/api/products/{product['id']}/approve/",
                           json={"platforms": ["ebay", "facebook"], "price": "39.99"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "PUBLISHING"
    ebay = client.get("/api/listings/", params={"platform": "ebay"}).json()
    assert [(item["product_id"], item["price"]) for item in ebay["results"]] == [(product["id"], "39.99")]
    assert client.get("/api/listings/", params={"platform": "mercari"}).json()["count"] == 0

    # This seller connected no marketplace account: publishing is refused for good, the reason
    # is on each listing, and the product comes back for review instead of hanging.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and client.get(f"/api/products/{product['id']}/").json()["stage"] != "PENDING":
        time.sleep(0.5)
    failed = client.get("/api/listings/", params={"status": "FAILED"}).json()["results"]
    assert {item["platform"] for item in failed} == {"ebay", "facebook"}
    assert all("account connected" in item["last_error"] for item in failed)
