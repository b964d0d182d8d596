"""`manage.py export_listings`: CSV or JSON, filtered, read back as an operator's tools would."""
import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from listings.exports import COLUMNS
from listings.models import Listing
from tests.operations.factories import listing_make, product_make

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shop(owner):
    other = get_user_model().objects.create_user("other-seller", password="pw-other-123")
    controller = product_make(owner=owner, name="Switch Pro Controller", brand="Nintendo")
    lamp = product_make(owner=owner, name="Brass desk lamp")
    kettle = product_make(owner=other, name="Enamel kettle")
    sold_at = timezone.make_aware(dt.datetime(2024, 5, 2, 15, 30))
    listings = {
        "sold": listing_make(product=controller, platform="ebay", status="SOLD", price="45.00",
                             sold_price="42.50", sold_at=sold_at, external_id="EB-1",
                             listing_url="https://www.ebay.com/itm/1"),
        "live": listing_make(product=controller, platform="mercari", status="LIVE", price="44.00"),
        "lamp": listing_make(product=lamp, platform="ebay", status="LIVE", price="30.00",
                             title='Lamp, brass "vintage"'),
        "kettle": listing_make(product=kettle, platform="facebook", status="DRAFT", price="12.00"),
    }
    for key, day in (("sold", 1), ("live", 10), ("lamp", 20), ("kettle", 20)):
        Listing.objects.filter(pk=listings[key].pk).update(
            created_at=timezone.make_aware(dt.datetime(2024, 5, day, 12, 0)))
    return listings


def _export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_listings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_has_every_column_and_exact_values(shop):
    out, err = _export("--platform", "ebay")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS
    assert [r["id"] for r in rows] == [str(shop["sold"].pk), str(shop["lamp"].pk)]
    sold = rows[0]
    assert sold["sku"] == shop["sold"].product.sku and sold["product_name"] == "Switch Pro Controller"
    assert (sold["platform"], sold["status"], sold["price"], sold["currency"]) == ("ebay", "SOLD", "45.00", "USD")
    assert (sold["sold_price"], sold["external_id"]) == ("42.50", "EB-1")
    assert sold["listing_url"] == "https://www.ebay.com/itm/1"
    assert dt.datetime.fromisoformat(sold["sold_at"]) == shop["sold"].sold_at
    assert rows[1]["title"] == 'Lamp, brass "vintage"' and rows[1]["sold_price"] == "" and rows[1]["sold_at"] == ""
    assert "exported 2 listing(s) as csv to stdout" in err


def test_json_with_status_owner_and_date_filters(shop):
    out, _ = _export("--format", "json", "--status", "live", "--owner", "seller")
    assert [r["id"] for r in json.loads(out)] == [shop["live"].pk, shop["lamp"].pk]

    out, _ = _export("--format", "json", "--since", "2024-05-10", "--until", "2024-05-20")
    document = json.loads(out)
    assert [r["id"] for r in document] == [shop["live"].pk, shop["lamp"].pk, shop["kettle"].pk]
    assert set(document[0]) == set(COLUMNS)
    assert document[0]["sold_price"] is None and document[0]["price"] == "44.00"

    out, _ = _export("--format", "json", "--until", "2024-05-01T12:00:00")
    assert [r["id"] for r in json.loads(out)] == [shop["sold"].pk]

    out, _ = _export("--format", "json", "--platform", "mercari", "--status", "SOLD")
    assert json.loads(out) == []


def test_writes_to_a_file_with_progress_lines(shop, tmp_path):
    target = tmp_path / "listings.csv"
    out, err = _export("--output", str(target), "--owner", "other-seller")
    assert out == ""
    rows = list(csv.DictReader(target.open(newline="", encoding="utf-8")))
    assert [r["product_name"] for r in rows] == ["Enamel kettle"]
    assert err.splitlines() == ["1 of 1 listings written", f"exported 1 listing(s) as csv to {target}"]


def test_refuses_an_unknown_owner_and_a_bad_date(shop):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _export("--owner", "nobody")
    with pytest.raises(CommandError, match="not an ISO date"):
        _export("--since", "31/05/2024")


@pytest.mark.django_db
def test_csv_cells_that_look_like_formulas_are_not_run_by_spreadsheets(owner):
    import csv
    import io

    from listings.exports import listings_export
    from listings.models import Listing
    from tests.factories import listing_make, product_make

    listing = listing_make(product=product_make(owner=owner), platform="ebay")
    Listing.objects.filter(pk=listing.pk).update(title='=HYPERLINK("http://evil","x")')
    out = io.StringIO()
    listings_export(queryset=Listing.objects.all(), fmt="csv", out=out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["title"] == '\'=HYPERLINK("http://evil","x")'
