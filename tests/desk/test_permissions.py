"""Who may do what, over HTTP, for every endpoint: seller A vs seller B vs reviewer vs anonymous.
Another seller's item answers 404 — never its data."""
import pytest

from listings.models import ListingStatus
from products.models import Product, Stage
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(people):
    a = people["seller_a"]
    return {
        "pending": product_make(owner=a, stage=Stage.PENDING),
        "pending2": product_make(owner=a, stage=Stage.PENDING),
        "failed": product_make(owner=a, stage=Stage.FAILED, failure_reason="boom"),
        "published": product_make(owner=a, stage=Stage.PUBLISHED),
        "b_product": product_make(owner=people["seller_b"], stage=Stage.PENDING, brand="Bose", model="QC45"),
    }


def _client(api, who):
    client = api()
    if who != "anonymous":
        client.login(who)
    return client


READS = [
    ("get", "/api/products/{pending}/"),
    ("get", "/api/products/{pending}/similar/"),
    ("get", "/api/products/{pending}/events/"),
    ("get", "/api/listings/{listing}/"),
]
WRITES = [
    ("post", "/api/products/{pending}/approve/", {"platforms": ["ebay"]}),
    ("post", "/api/products/{pending2}/reject/", {"reason": "blurry photos"}),
    ("post", "/api/products/{failed}/retry/", {}),
    ("post", "/api/listings/{listing}/mark-sold/", {"price": "90.00"}),
]


def _ids(world):
    listing = listing_make(product=world["published"], platform="ebay", status=ListingStatus.LIVE)
    return {**{k: v.pk for k, v in world.items()}, "listing": listing.pk}


@pytest.mark.parametrize("who, expected", [("anonymous", 401), ("seller_b", 404), ("seller_a", 200), ("reviewer", 200)])
def test_reads_of_seller_as_things(api, world, who, expected):
    ids = _ids(world)
    client = _client(api, who)
    for method, path in READS:
        response = getattr(client, method)(path.format(**ids))
        assert response.status_code == expected, (who, path, response.text)
        assert "detail" in response.json() if expected >= 400 else True
        if expected == 404:
            assert "Sony" not in response.text  # nothing of A's item leaks


@pytest.mark.parametrize("who, expected", [("anonymous", 401), ("seller_b", 404), ("seller_a", 200), ("reviewer", 200)])
def test_writes_on_seller_as_things(api, world, who, expected):
    ids = _ids(world)
    client = _client(api, who)
    for method, path, body in WRITES:
        response = getattr(client, method)(path.format(**ids), json=body)
        assert response.status_code == expected, (who, path, response.text)
    changed = Product.objects.get(pk=world["pending"].pk).stage == Stage.PUBLISHING
    assert changed is (expected == 200)


@pytest.mark.parametrize("who, visible", [
    ("seller_a", {"pending", "pending2", "failed", "published"}),
    ("seller_b", {"b_product"}),
    ("reviewer", {"pending", "pending2", "failed", "published", "b_product"}),
])
def test_lists_show_only_what_each_may_see(api, world, who, visible):
    ids = _ids(world)
    client = _client(api, who)
    products = client.get("/api/products/").json()
    assert {p["id"] for p in products["results"]} == {ids[k] for k in visible}
    listings = client.get("/api/listings/").json()
    expected_listings = {ids["listing"]} if "published" in visible else set()
    assert {item["id"] for item in listings["results"]} == expected_listings


def test_anonymous_lists_and_uploads_are_refused(api, world):
    client = api()
    assert client.get("/api/products/").status_code == 401
    assert client.get("/api/listings/").status_code == 401
    assert client.post("/api/products/", files={"images": ("a.jpg", b"x")}).status_code == 401


def test_illegal_moves_answer_409_with_the_current_stage(api, world):
    client = _client(api, "reviewer")
    response = client.post(f"/api/products/{world['failed'].pk}/approve/", json={"platforms": ["ebay"]})
    assert response.status_code == 409
    assert response.json()["stage"] == "FAILED" and "approve" in response.json()["detail"]
    response = client.post(f"/api/products/{world['published'].pk}/reject/", json={"reason": "late"})
    assert (response.status_code, response.json()["stage"]) == (409, "PUBLISHED")
    assert Product.objects.get(pk=world["published"].pk).stage == Stage.PUBLISHED


def test_approval_needs_a_price_and_known_platforms(api, people):
    client = _client(api, "seller_a")
    unpriced = product_make(owner=people["seller_a"], price=None)
    response = client.post(f"/api/products/{unpriced.pk}/approve/", json={"platforms": ["ebay"]})
    assert response.status_code == 400 and "no price for ebay" in response.json()["detail"]
    response = client.post(f"/api/products/{unpriced.pk}/approve/", json={"platforms": ["etsy"]})
    assert response.status_code == 400 and "platforms" in response.json()["fields"]
    response = client.post(f"/api/products/{unpriced.pk}/approve/",
                           json={"platforms": ["ebay", "mercari"], "price": "45.00", "policy": "all_or_nothing"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stage"] == "PUBLISHING"
    assert sorted((item["platform"], item["status"], item["price"]) for item in body["listings"]) == [
        ("ebay", "DRAFT", "45.00"), ("mercari", "DRAFT", "45.00")]


@pytest.mark.parametrize("who, expected", [("anonymous", 401), ("seller_b", 404), ("seller_a", 202), ("reviewer", 202)])
def test_asking_for_fresh_comps(api, world, who, expected):
    ids = _ids(world)
    response = _client(api, who).post(f"/api/products/{ids['pending']}/market-research/", json={})
    assert response.status_code == expected, (who, response.text)
